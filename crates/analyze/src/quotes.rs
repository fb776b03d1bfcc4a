//! Quotes and their speakers.
//!
//! Direct quotes are pairs of quotation marks (`"..."`, `“...”`) within a
//! paragraph; a straight mark opens when it follows a space and precedes a
//! non-space, and closes when it follows a non-space, so an unbalanced mark is
//! dropped instead of swallowing the rest of the paragraph. The speaker comes
//! from the text right after the quote (`," Ortiz said`, `," said the mayor`,
//! `", according to X`), from the text before it (`Ortiz said: "`, `Ortiz told
//! the Courier: "`, `Ortiz called the plan "reckless"`), or, for a quote that
//! opens a sentence with no attribution, from the quote just before it
//! (`"A," Ortiz said. "B."`).
//!
//! Indirect quotes are sentences without a long direct quote matching `X said
//! (that) ...`, `..., X said`, `..., said X`, `According to X, ...` or `...,
//! according to X`; an attribution set inside the sentence (`The plan, X
//! said, will fail`) gives the whole sentence, one that closes it before a
//! clause of its own (`..., he said, and ...`) what came before. A partial
//! quote inside such a clause (`X says he made "a demand" of ...`, `A clerk
//! who "moves a decimal" is fired, X said`) gives the whole clause, a quoted
//! name followed by "that" (`told the "Morning Tide" show that ...`) the
//! clause after it; a transcript's `NAME:` label gives the paragraph that
//! follows it, and `, adding that ...` the speaker of the attribution before.
//!
//! Speakers are resolved through the entity index: a pronoun to the most
//! recent person of fitting gender named before it outside quotes, a surname to
//! the full name, "the spokesman" to the person with that role, and the role
//! comes from wherever the article gave it.

use crate::entities::EntityIndex;
use crate::lexicon::Gender;
use crate::Ctx;
use lede_model::{EntityKind, Quote, Span};
use regex::{Captures, Regex};
use std::sync::OnceLock;

const NAME: &str = r"[A-ZÀ-ÖØ-ÞĀ-ž][^\s,;:!?\x22“”()\[\]]*(?:\s+(?:(?:de|van|von|der|den|al|bin|ibn|da|del|la|le|du|of|for)\s+)?[A-ZÀ-ÖØ-ÞĀ-ž][^\s,;:!?\x22“”()\[\]]*){0,5}";
const HEADS: &str = r"(?i:officials?|spokes(?:man|woman|person)|sources?|statement|company|ministry|department|government|agency|report|police|analysts?|experts?|witness(?:es)?|residents?|officers?|lawyers?|attorneys?|prosecutors?|president|minister|secretary|senator|governor|mayor|chancellor|leader|director|chairman|chairwoman|commissioner|ambassador|envoy|executive|chief|aide|adviser|advisor|economist|professor|doctor|judge|general|commander|group|organi[sz]ation|authorities|military|army|embassy|firm|bank|court|council|committee|administration|campaign|union|party|website|newspaper|letter|study|survey|lawmaker|legislator|diplomat|negotiator|owner|founder|manager|researcher|scientist|teacher|student|mother|father|woman|man|people|person|family|friend|victim|survivor|worker|employee|members?|ceo|office|white\s+house|kremlin|pentagon|regulator|investigators?|team|operator|airline|carrier|broadcaster|agency)";
const BARE: &str = r"(?:[Oo]fficials|[Aa]nalysts|[Ee]xperts|[Ww]itnesses|[Rr]esidents|[Pp]olice|[Aa]uthorities|[Ii]nvestigators|[Cc]ritics|[Ss]ources|[Aa]ides|[Dd]iplomats|[Dd]octors|[Ss]cientists|[Ee]conomists|[Oo]bservers|[Pp]rosecutors|[Ll]awyers|[Oo]rgani[sz]ers|[Aa]ctivists|[Pp]rotesters|[Rr]ebels|[Ss]upporters|[Oo]pponents|[Rr]egulators|[Ee]ngineers|[Tt]roops|[Ss]oldiers|[Ll]awmakers|[Ll]egislators|[Ss]enators|[Vv]oters|[Rr]epublicans|[Dd]emocrats|[Aa]dvisers|[Ll]eaders|[Ee]xecutives|[Ss]trategists|[Pp]ollsters|[Cc]ommentators|[Ss]cholars|[Rr]esearchers|[Ss]taffers|[Oo]fficers)";
const LOWROLE: &str = r"(?:(?:chief|executive|spokes(?:man|woman|person)|minister|secretary|president|official|director|leader|envoy|ambassador|deputy|foreign|senior|top|former|general|press|prime|interior|defen[cs]e|finance|special|head|chairman|chairwoman|commissioner|governor|mayor)\s+){1,4}";
const CUES: &str = r"said|says|say|told|tells|added|adds|stated|states|explained|explains|noted|notes|wrote|writes|asked|asks|announced|announces|declared|declares|insisted|insists|warned|warns|argued|argues|claimed|claims|confirmed|confirms|continued|continues|replied|replies|responded|recalled|recalls|acknowledged|acknowledges|admitted|admits|observed|remarked|suggested|suggests|urged|urges|cautioned|predicted|predicts|conceded|complained|emphasi[sz]ed|stressed|stresses|maintained|tweeted|posted|promised|vowed|denied|denies|countered|concluded|shouted|yelled|cried|whispered|pleaded|agreed|testified|reported|boasted|quipped|joked|wondered|recounted|reports|reads|sings|yells|put\s+it";
const ICUES: &str = r"said|says|added|adds|stated|states|announced|announces|warned|warns|argued|argues|claimed|claims|insisted|insists|noted|notes|explained|confirmed|confirms|denied|denies|acknowledged|admitted|predicted|predicts|believes|believed|suggested|estimated|reported|maintained|stressed|emphasi[sz]ed|conceded|concluded|wrote|writes|revealed|disclosed|alleged|alleges|contended|contends";
const OBJ: &str = r"(?:reporters|journalists|me|us|him|her|them|(?:the|a|an)\s+[^\s,;:!?\x22“”()\[\]]+(?:\s+[^\s,;:!?\x22“”()\[\]]+)?|[A-ZÀ-ÖØ-ÞĀ-ž][^\s,;:!?\x22“”()\[\]]*(?:\s+[A-ZÀ-ÖØ-ÞĀ-ž][^\s,;:!?\x22“”()\[\]]*){0,3})";
const WHEN: &str = r"(?:\s+(?:on|in|at|late|early|last|this|during|after|before|from|yesterday|today|earlier|later)(?:\s+[^,:;.\x22“”]{1,40}?)?)?";

/// Attribution verbs for the broad fallback: speech, writing, cognition,
/// evidence and stance, as PolNeAR-style attribution counts them. Forms that
/// are mostly nouns ("states", "questions", "calls") are left out.
const GCUES: &str = r"said|says|say|saying|told|tells|tell|telling|asked|asks|asking|added|adds|adding|argued|argues|argue|arguing|believes|believe|believed|thinks|think|thought|wrote|writes|write|writing|found|finds|find|shows|show|showed|showing|shown|noted|notes|noting|suggested|suggests|suggest|suggesting|reported|reports|announced|announces|announcing|declared|declares|insisted|insists|insisting|warned|warns|warning|claimed|claiming|stated|explained|explains|explaining|acknowledged|acknowledges|admitted|admits|agreed|agrees|predicted|predicts|estimated|estimates|revealed|reveals|confirmed|confirms|denied|denies|hoped|hopes|wanted|wants|expects|expected|knows|knew|described|describes|describing|called|calling|urged|urges|urging|accused|accuses|accusing|criticized|criticizes|criticizing|criticised|praised|praises|praising|defended|defends|defending|endorsed|endorses|endorsing|supported|supports|supporting|opposed|opposes|promised|promises|promising|vowed|vows|pledged|pledges|proposed|proposes|recalled|recalls|tweeted|tweets|posted|cited|cites|citing|indicated|indicates|concluded|concludes|contended|contends|maintained|maintains|stressed|stresses|emphasized|emphasizes|complained|complains|conceded|concedes|questioned|doubted|doubts|worried|worries|feels|felt|alleged|alleges|charged|demanded|demands|replied|responded|countered|joked|boasted|touted|touts|projected|signaled|signalled|insinuated|implied|implies|pointed\s+out|points\s+out|made\s+clear|makes\s+clear|predicting|believing|seemed|seems|appeared|appears|hope|want|fear|feared|fears|know|believe|expect|feel|support|sought|seeks|seek|refused|refuses|declined|declines|offered|offers|dismissed|dismisses|backing|backed|backs|attacked|attacks|blamed|blames|blaming|slammed|slams|rejected|rejects|mocked|insist|agree|admit|deny|argue|claim|explain|announce|declare|predict|reveal|confirm|recommended|recommends|recommend|encouraged|encourages|welcomed|welcomes|vowing|pledging|promise|threatened|threatens|condemned|condemns|understood|understand|considered|considers|consider|assumed|assume|noticed|recognized|recognizes|realized|realize|heard|insisting|acknowledging|demanding|questioning|disputed|disputes|dispute|lamented|laments|conceding|touting|echoed|echoes|proclaimed|wondered|wonders|asserted|asserts|asserting|speculated|forecast|forecasts|calculated|determined|decided|ruled|disclosed|discloses|highlighted|highlights|emphasizing|stressing|underscored|reiterated|reiterates|repeated|repeats|hinted|hints|suggest|accuse|criticize|praise|defend|endorse|oppose|urge|warn|vow|pledge|propose|recall|cite|note|add|ask|tell|show|find|expecting|hoping|wanting|fearing|knowing|thinking|feeling|worrying|mentioned|mentions|mention|mentioning|spoke\s+(?:of|about)|speaks\s+(?:of|about)|speaking\s+(?:of|about)|talked\s+about|talks\s+about|talking\s+about|referring\s+to|referred\s+to|refers\s+to|expressed|expresses|expressing|blasted|blasts|denounced|denounces|denouncing|discussed|discusses|discussing|deemed|deems|views|viewed|sees|likened|likens|lauded|lauds|hailed|hails|decried|decries|derided|derides|ridiculed|lambasted|chided|scolded|characterized|characterizes|labeled|labelled|dubbed|branded|plans|planned|intends|intended|intend|aims|aimed|pushed|pushing|pressed|pressing|voted|voting|seeking|favors|favored|favours|favoured|embraced|embraces|champions|championed|advocated|advocates|lobbied|signaling|indicating|respond|responds|responding|reacted|reacts|reacting|answered|answering|commented|commenting|addressed|objected|apologized|apologised|apologizes|thanked|congratulated|raised|raising|testified|testifies|recounted|recounts|acknowledge|complain|mocking|mocks|teased|teases|lamenting|challenged|challenging";

/// Words skipped between a subject and its verb ("has long said").
fn is_aux(w: &str) -> bool {
    matches!(
        w,
        "has"
            | "have"
            | "had"
            | "is"
            | "was"
            | "were"
            | "are"
            | "be"
            | "been"
            | "would"
            | "will"
            | "could"
            | "can"
            | "may"
            | "might"
            | "must"
            | "should"
            | "did"
            | "does"
            | "do"
            | "not"
            | "never"
            | "also"
            | "previously"
            | "later"
            | "then"
            | "once"
            | "long"
            | "still"
            | "even"
            | "just"
            | "already"
            | "now"
            | "first"
            | "again"
            | "often"
            | "repeatedly"
            | "recently"
            | "reportedly"
            | "publicly"
            | "privately"
            | "further"
            | "n't"
            | "don't"
            | "doesn't"
            | "didn't"
            | "hasn't"
            | "haven't"
            | "won't"
            | "wouldn't"
            | "always"
            | "ever"
            | "too"
            | "quickly"
            | "finally"
            | "initially"
            | "earlier"
            | "week"
            | "month"
            | "night"
            | "morning"
            | "afternoon"
            | "evening"
            | "last"
            | "on"
    ) || lede_text::is_calendar_word(w)
        || (w.len() > 4 && w.ends_with("ly") && w.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Words that end a subject when walking back from the verb.
fn is_clause_boundary(w: &str) -> bool {
    matches!(
        w,
        "that"
            | "and"
            | "but"
            | "who"
            | "which"
            | "when"
            | "while"
            | "because"
            | "as"
            | "if"
            | "where"
            | "although"
            | "though"
            | "after"
            | "before"
            | "since"
            | "so"
            | "than"
            | "whether"
            | "what"
            | "how"
            | "why"
            | "or"
            | "whom"
            | "whose"
            | "until"
            | "unless"
            | "to"
            | "for"
            | "with"
            | "by"
            | "in"
            | "on"
            | "at"
            | "from"
            | "about"
            | "into"
    )
}

/// Whether `word` (lowercase) is one of the broad attribution verbs.
fn is_cue_word(word: &str) -> bool {
    let w = word.trim_end_matches([',', '.']);
    res()
        .generic_cue
        .find(w)
        .is_some_and(|m| m.start() == 0 && m.end() == w.len())
}

/// Determiners and possessives: right before a cue word they make it a noun.
fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "my"
            | "your"
            | "this"
            | "these"
            | "those"
            | "no"
            | "any"
            | "some"
            | "every"
            | "each"
            | "of"
    )
}

/// How far back from a cue its subject is looked for: a subject has at
/// most ten words, with auxiliaries and an apposition's dashes around it.
const SUBJECT_WINDOW: usize = 600;

/// The whitespace-separated words of the last [`SUBJECT_WINDOW`] bytes of
/// `s[..cue]` with their byte offsets in `s`, and how many remain once
/// trailing auxiliaries ("has", "was") are set aside. The window keeps the
/// cost per cue bounded however long the sentence.
fn words_before_aux(s: &str, cue: usize) -> (Vec<(usize, &str)>, usize) {
    let mut from = cue.saturating_sub(SUBJECT_WINDOW);
    while !s.is_char_boundary(from) {
        from += 1;
    }
    let words: Vec<(usize, &str)> = s[from..cue]
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - s.as_ptr() as usize, w))
        .collect();
    let mut i = words.len();
    while i > 0 && is_aux(&words[i - 1].1.to_lowercase()) {
        i -= 1;
    }
    (words, i)
}

/// The subject right before byte `cue` of `s`: auxiliaries and adverbs are
/// skipped, then words are taken back to a clause boundary (punctuation, a
/// conjunction or relative pronoun, a preposition, a quotation mark), at most
/// ten. An apposition ("Ortiz, the mayor, said") ends at its first comma, which
/// still overlaps the speaker. Byte range relative to `s`.
/// Broad cues that are as often plain actions as stances; see their use.
const LOOSE_CUES: &[&str] = &[
    "plans",
    "planned",
    "intends",
    "intended",
    "intend",
    "aims",
    "aimed",
    "pushed",
    "pushing",
    "pressed",
    "pressing",
    "voted",
    "voting",
    "seeking",
    "favors",
    "favored",
    "favours",
    "favoured",
    "embraced",
    "embraces",
    "champions",
    "championed",
    "lobbied",
    "reacted",
    "reacts",
    "reacting",
    "answered",
    "answering",
    "addressed",
    "thanked",
    "congratulated",
    "raised",
    "raising",
    "sees",
    "views",
    "viewed",
];

/// Labels before a colon that mark a kind of text, not a speaker.
fn is_kicker(label: &str) -> bool {
    const KICKERS: &[&str] = &[
        "UPDATE",
        "UPDATED",
        "NOTE",
        "EDITOR'S NOTE",
        "EDITOR’S NOTE",
        "EDITORS NOTE",
        "CORRECTION",
        "CLARIFICATION",
        "ANALYSIS",
        "OPINION",
        "COMMENTARY",
        "COMMENT",
        "WATCH",
        "LISTEN",
        "READ",
        "READ MORE",
        "MORE",
        "ALSO",
        "ALSO READ",
        "RELATED",
        "SEE ALSO",
        "BREAKING",
        "BREAKING NEWS",
        "DEVELOPING",
        "LIVE",
        "LIVE UPDATES",
        "VIDEO",
        "PHOTO",
        "PHOTOS",
        "GRAPHIC",
        "EXCLUSIVE",
        "SOURCE",
        "SOURCES",
        "EMAIL",
        "BYLINE",
        "WARNING",
        "ALERT",
        "FACT CHECK",
        "FACT-CHECK",
        "QUIZ",
        "SPONSORED",
        "ADVERTISEMENT",
        "DISCLAIMER",
        "DISCLOSURE",
        "TIP",
        "TIPS",
        "FILE",
        "Q",
        "A",
    ];
    let upper = label.trim().to_uppercase();
    KICKERS.contains(&upper.as_str())
}

/// Words that open a scene-setting phrase rather than a clause's subject.
const SCENE_SETTERS: &[&str] = &[
    "on",
    "in",
    "at",
    "after",
    "before",
    "during",
    "since",
    "until",
    "by",
    "for",
    "from",
    "with",
    "without",
    "then",
    "later",
    "earlier",
    "yesterday",
    "today",
    "still",
    "however",
    "meanwhile",
    "now",
    "last",
    "this",
    "next",
    "asked",
    "when",
    "while",
    "as",
    "if",
];

/// A legislator's party and state after the name: "(R)", "(D-Calif.)",
/// "(R-S.C.)", part of the name for attribution.
fn is_party_tag(w: &str) -> bool {
    let w = w.trim_end_matches(',');
    let Some(inner) = w.strip_prefix('(').and_then(|w| w.strip_suffix(')')) else {
        return false;
    };
    let mut parts = inner.splitn(2, '-');
    matches!(parts.next(), Some("R" | "D" | "I"))
        && parts.next().is_none_or(|state| {
            (1..=8).contains(&state.len())
                && state.starts_with(|c: char| c.is_ascii_uppercase())
                && state.chars().all(|c| c.is_ascii_alphabetic() || c == '.')
        })
}

fn subject_before(s: &str, cue: usize) -> Option<(usize, usize)> {
    let (words, mut i) = words_before_aux(s, cue);
    let is_dash = |w: &str| matches!(w, "—" | "–" | "--");
    // Each turn of the loop moves `i` left, so the whole search is linear.
    loop {
        while i > 0 && is_aux(&words[i - 1].1.to_lowercase()) {
            i -= 1;
        }
        // "Jason Ruiz — a teacher from Eastbrook — says": the subject stands
        // before the dashes of its apposition.
        if i > 0 && is_dash(words[i - 1].1) {
            i = (i.saturating_sub(16)..i - 1)
                .rev()
                .find(|&k| is_dash(words[k].1))?;
            continue;
        }
        let end_word = i;
        let mut start_word = i;
        while start_word > 0 {
            let w = words[start_word - 1].1;
            let low = w.to_lowercase();
            let last = start_word == end_word;
            if (last || low != "of") && is_clause_boundary(&low) {
                break;
            }
            // Another attribution verb ends the subject: "He said he hoped".
            if !last && w.starts_with(|c: char| c.is_ascii_lowercase()) && is_cue_word(&low) {
                break;
            }
            if (w.starts_with(['"', '“', '”', '\'', '‘', '(', '[', '—', '-']) && !is_party_tag(w))
                || w.ends_with(['"', '“', '”', ';', ':', '—'])
                || (w.ends_with(',') && !last)
                || end_word - start_word >= 10
            {
                break;
            }
            start_word -= 1;
        }
        if start_word >= end_word {
            return None;
        }
        let last = words[end_word - 1].1.to_lowercase();
        // "X said, adding that ...": the participle's subject is the verb's.
        if is_cue_word(&last) {
            i = end_word - 1;
            continue;
        }
        if is_determiner(&last) || last.ends_with(',') && end_word - start_word == 1 {
            return None;
        }
        let a = words[start_word].0;
        let (b, lastw) = words[end_word - 1];
        let end = b + lastw.trim_end_matches([',', '.']).len();
        return (end > a).then_some((a, end));
    }
}

/// The subject that opens sentence `s`: after a leading conjunction, the
/// words up to the first lowercase word that is not a determiner or "of"
/// ("The Ohio governor", "Mr. Ortiz", "He").
fn sentence_subject(s: &str) -> Option<(usize, usize)> {
    let (a, b) = leading_noun_phrase(s)?;
    // "In his speech, Graham ...", "Thursday, the senator ...": past a
    // scene-setting phrase and its comma.
    if implausible_subject(&s[a..b]) {
        let rest = s[b..].trim_start_matches(|c: char| c != ',' && !c.is_whitespace());
        if let Some(after) = rest.strip_prefix(',') {
            let off = s.len() - after.len();
            return leading_noun_phrase(after)
                .map(|(x, y)| (off + x, off + y))
                .filter(|&(x, y)| !implausible_subject(&s[x..y]));
        }
    }
    Some((a, b))
}

/// The capitalised or determined words that open `s` (see [`sentence_subject`]).
fn leading_noun_phrase(s: &str) -> Option<(usize, usize)> {
    let mut start = None;
    let mut end = 0;
    // Lowercase words taken after a determiner ("The major super PAC").
    let mut common_nouns = 0;
    let mut after_determiner = false;
    let mut words = s.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let pos = w.as_ptr() as usize - s.as_ptr() as usize;
        let low = w.to_lowercase();
        if start.is_none() && matches!(low.as_str(), "but" | "and" | "so" | "still" | "yet") {
            continue;
        }
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        let bare = low.trim_end_matches([',', '.', ';', ':']);
        // A verb ends the phrase: a past tense ("toured"), or a word with
        // a determiner after it ("keeps its"); and so does a second
        // determiner after its nouns ("the senator toured the dam").
        let verb_before_object = words
            .peek()
            .is_some_and(|next| is_determiner(&next.to_lowercase()));
        let noun_phrase_word = after_determiner
            && common_nouns < 4
            && w.chars().next().is_some_and(char::is_alphanumeric)
            && !(bare.len() > 4 && bare.ends_with("ed") && !bare.ends_with("eed"))
            && !verb_before_object
            && !is_aux(bare)
            && !is_cue_word(bare)
            && !is_clause_boundary(bare);
        let late_determiner = common_nouns > 0 && is_determiner(&low);
        if late_determiner || !(capital || is_determiner(&low) || noun_phrase_word) {
            break;
        }
        if !capital && !is_determiner(&low) {
            common_nouns += 1;
        }
        after_determiner |= is_determiner(&low);
        start.get_or_insert(pos);
        end = pos + w.trim_end_matches([',', '.', ';', ':']).len();
        if w.ends_with([',', ';', ':']) {
            break;
        }
    }
    // A phrase that is only its determiner ("The") names no one.
    let phrase = start.filter(|&a| end > a).map(|a| (a, end))?;
    (!s[phrase.0..phrase.1]
        .split_whitespace()
        .all(|w| is_determiner(&w.to_lowercase())))
    .then_some(phrase)
}

/// A relative pronoun ("who", "which") right before byte `cue` of `s`
/// (auxiliaries skipped): the subject of a verb in a relative clause.
fn relative_before(s: &str, cue: usize) -> Option<(usize, usize)> {
    let (words, i) = words_before_aux(s, cue);
    let (a, w) = *words.get(i.checked_sub(1)?)?;
    matches!(w, "who" | "which").then_some((a, a + w.len()))
}

fn speaker() -> String {
    format!(
        r"(?P<spk>(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t)\b|(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+(?:[^\s,;:!?\x22“”()\[\]]+\s+){{0,5}}?{HEADS}\b|{BARE}\b|{NAME}(?:\s+{LOWROLE}{NAME})?(?:\s+\([RDI](?:-[A-Z][A-Za-z.]{{0,7}})?\))?(?:\s+(?:officials?|spokes(?:man|woman|person)|sources?|executives?)\b)?)"
    )
}

struct Res {
    right_after: Regex,
    right_before: Regex,
    right_before_np: Regex,
    right_late: [Regex; 2],
    right_according: Regex,
    right_dash: Regex,
    left_end: Regex,
    left_according: Regex,
    left_any: Regex,
    ind_hint: Regex,
    generic_cue: Regex,
    headline: Regex,
    according: Regex,
    asked: Regex,
    ind_according_first: Regex,
    ind_according_last: Regex,
    spk_before: Regex,
    inverted: Regex,
    after_cue: Regex,
    after_told: Regex,
    told_tail: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let spk = speaker();
        let appos = r"(?:,[^,\x22“”]{1,80}(?:,[^,\x22“”]{1,60})?,)?";
        let re = |s: String| crate::compile(&s);
        Res {
            right_after: re(format!(r"^\s*,?\s*(?P<cue>{CUES})\s+{spk}")),
            // Right after the quote, a long apposition is still the
            // speaker's (`," Ortiz, the mayor since 2019 and ..., said`), and
            // so is an affiliation (`," Ortiz of the Harbor Trust said`).
            right_before: re(format!(
                r"^\s*,?\s*{spk}(?:\s+of\s+(?:the\s+)?{NAME})?(?:,[^,\x22“”]{{1,160}}(?:,[^,\x22“”]{{1,80}})?,)?\s+(?:[a-z]+ly\s+)?(?P<cue>{CUES})\b"
            )),
            // `," panel chairman Rep. Ana Ruiz said`, `," the Ohio farmer said`:
            // right after a closing mark and before a cue, a name with
            // lowercase words before it, or any noun phrase with an article,
            // is the speaker whatever its head noun.
            right_before_np: re(format!(
                r"^\s*,?\s*(?P<spk>(?:[a-z]+\s+){{1,3}}{NAME}(?:\s+\([RDI](?:-[A-Z][A-Za-z.]{{0,7}})?\))?|(?:[Tt]he|[Aa]n?)\s+(?:[^\s,;:!?\x22“”()\[\]]+\s+){{0,4}}?[A-Za-z][a-z-]+){appos}\s+(?:[a-z]+ly\s+)?(?P<cue>{CUES})\b"
            )),
            // `... "steals" is held to account, Warren said.`: the sentence
            // goes on after the quote and ends with its attribution.
            right_late: [
                re(format!(
                    r"^,\s+{spk}{appos}\s+(?:[a-z]+ly\s+)?(?P<cue>{CUES})\b(?P<tail>[^,\x22“”]{{0,60}}(?:,\s+[a-z]+ing\b[^\x22“”]{{0,120}})?)$"
                )),
                re(format!(
                    r"^,\s+(?P<cue>{CUES})\s+{spk}{appos}(?P<tail>[^,\x22“”]{{0,60}})$"
                )),
            ],
            right_according: re(format!(r"^\s*,?\s*(?P<cue>(?i:according\s+to))\s+{spk}")),
            // A pull quote or reader comment signed on its own line:
            // `"..." ― Jorge Vale, Eastbrook`.
            right_dash: re(format!(
                r"^[ \t\x{{A0}}]*(?P<cue>[―—])[ \t\x{{A0}}]*(?P<spk>{NAME})[ \t\x{{A0}}]*(?:,[^\n]{{0,80}})?[ \t\x{{A0}}]*(?:\n|$)"
            )),
            left_end: re(format!(
                r"{spk}{appos}\s+(?:[a-z]+ly\s+)?(?:(?P<tcue>told|tells|assured|informed|asked)\s+{OBJ}|(?P<cue>{CUES})){WHEN}\s*[:,]?\s*(?:that\s+)?$"
            )),
            left_according: re(format!(r"(?P<cue>(?i:according\s+to))\s+{spk}\s*,\s*$")),
            left_any: re(format!(
                r"{spk}\s+(?:[a-z]+ly\s+)?(?P<cue>{CUES}|called|calls|described|describes|hailed|dubbed|termed|branded)\b"
            )),
            generic_cue: re(format!(r"\b(?i:{GCUES})\b|\b[a-z]{{3,}}(?:ed|es)\b(?:\s+(?:that|to)\b)")),
            // "Ruiz: ...", "EXCLUSIVE - Ruiz: ...", "Ruiz camp: ...".
            headline: re(r"^\s*(?:[A-Z]{3,}(?:\s+[A-Z]{3,})?\s*[–—-]\s*)?[\x22“]?(?P<spk>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}(?:\s+(?:camp|campaign|team|aides|allies|officials|spokes(?:man|woman|person)))?):\s+(?P<body>\S)".into()),
            according: re(r"\b(?i:according\s+to)\s+".into()),
            // "Asked whether ...", "When asked about ...", "..., asked if ...".
            asked: re(r"(?:^\s*|\b(?:[Ww]hen|[Ii]f|[Oo]nce|[Aa]fter|[Bb]efore|[Bb]eing|[Ww]hile)\s+|,\s+)(?P<cue>[Aa]sked)\s+(?:if|whether|about|how|what|why|when|which|whom|who|by|to)\b".into()),
            ind_hint: re(format!(
                r"\b(?:{ICUES}|told|tells|assured|informed|reminded|[Aa]ccording)\b"
            )),
            ind_according_first: re(format!(
                r"^(?P<cue>(?i:according\s+to))\s+{spk}(?:,[^,]{{1,80}})?,\s+"
            )),
            ind_according_last: re(format!(
                r"^(?P<cue>(?i:according\s+to))\s+{spk}[^,]{{0,60}}(?:,[^,]{{1,120}})?$"
            )),
            spk_before: re(format!(r"{spk}{appos}\s+(?:[a-z]+ly\s+)?$")),
            // `..., said one source in the room.`
            inverted: re(format!(
                r"^\s+{spk}(?:\s+(?:in|at|of|for|from|with|on|close\s+to|familiar\s+with)\s+[^,.;\x22“”]{{1,40}})?(?:\s*[,.;]|\s*$)"
            )),
            after_cue: re(format!(r"^{WHEN},?\s+(?:that\s+)?")),
            after_told: re(format!(r"^\s+{OBJ}{WHEN},?\s+(?:that\s+)?")),
            // `..., Ortiz told the Courier on Friday.`: nothing follows the listener.
            told_tail: re(format!(r"^\s+{OBJ}{WHEN}\s*[.!]?\s*$")),
        }
    })
}

/// Whether the text after a cue ends an attribution ("..., Ortiz said on
/// Monday.") rather than starting reported content ("..., Ortiz said the
/// plan failed.").
fn is_trailing_tail(after: &str) -> bool {
    let t = after.trim().trim_end_matches(['.', '!']).trim();
    if t.is_empty() {
        return true;
    }
    if t.contains(',') || t.split_whitespace().count() > 8 {
        return false;
    }
    let first = t
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        first.as_str(),
        "on" | "in"
            | "at"
            | "late"
            | "early"
            | "last"
            | "this"
            | "earlier"
            | "later"
            | "during"
            | "after"
            | "before"
            | "from"
            | "recently"
            | "when"
            | "while"
            | "as"
    ) || lede_text::is_calendar_word(&first)
        || (!t.contains(' ') && first.ends_with("ly"))
}

/// The clause after a quotation that is followed by "that" (`told the
/// "Morning Joe" show that ...`), to the end of its sentence at `end`.
fn that_clause_after(text: &str, close_end: usize, end: usize) -> Option<Span> {
    let right = text.get(close_end..end)?;
    let rest = right.trim_start().strip_prefix("that ")?;
    let start = end - rest.len();
    let body = rest.trim().trim_end_matches(['.', '!', ';']).trim_end();
    let lead = rest.len() - rest.trim_start().len();
    (body.split_whitespace().count() >= 3)
        .then(|| Span::new(start + lead, start + lead + body.len()))
}

/// Whether a speaker mention goes on into a clause of its own: a pronoun or
/// a relative word after its first word ("a show that he", "the film she").
fn mention_has_clause(mention: &str) -> bool {
    mention.split_whitespace().skip(1).any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "that"
                | "which"
                | "who"
                | "whom"
                | "whose"
                | "he"
                | "she"
                | "it"
                | "they"
                | "we"
                | "you"
                | "i"
                | "him"
                | "her"
                | "them"
        )
    })
}

/// Whether a subject found before a cue is a scene-setting phrase or a
/// date rather than who spoke ("In his", "Following initial", "August").
fn implausible_subject(subject: &str) -> bool {
    let words: Vec<String> = subject
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    let Some(first) = words.first() else {
        return true;
    };
    let opener = SCENE_SETTERS.contains(&first.as_str())
        || matches!(
            first.as_str(),
            "following"
                | "though"
                | "although"
                | "having"
                | "recently"
                | "almost"
                | "despite"
                | "amid"
                | "among"
                | "under"
                | "over"
                | "through"
                | "within"
                | "because"
                | "unless"
                | "whether"
                | "instead"
                | "perhaps"
                | "indeed"
                | "also"
        );
    let time_word = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || lede_text::is_calendar_word(w)
            || matches!(w, "late" | "early" | "mid")
    };
    opener || words.iter().all(|w| time_word(w))
}

/// The content of an attribution set after what it attributes, from the
/// sentence `s` split around the speaker and cue (`before` is `s` up to the
/// speaker, `after` what follows the cue): "The plan, Ortiz said, will
/// fail" is the whole sentence; "..., Ortiz said on Monday.", "..., Ortiz
/// said, and the talks ..." (unless the part before is only a fronted
/// subject) and, when `trailing` says the rest only ends the attribution,
/// what came before. `None` when the content follows the cue.
fn content_around_cue(
    s: &str,
    before: &str,
    after: &str,
    trailing: bool,
) -> Option<(usize, usize)> {
    let comma_after = before.ends_with(',') && after.trim_start().starts_with(',');
    if comma_after && continues_after(after) {
        return Some((0, s.trim_end().trim_end_matches(['.', '!', ';']).len()));
    }
    let closes = is_trailing_tail(after)
        || trailing
        || (comma_after && before.split_whitespace().count() >= 4);
    (before.ends_with(',') && closes).then(|| (0, before.len() - 1))
}

/// Whether the text after a parenthetical attribution's cue (`, Ortiz said,
/// will fail`) carries on the attributed sentence, rather than opening a
/// clause of its own (`, he said, and the talks ...`, `, she said, adding`).
fn continues_after(after: &str) -> bool {
    let rest = after.trim_start().trim_start_matches(',').trim_start();
    let first = rest
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches(',');
    !first.is_empty()
        && first.starts_with(|c: char| c.is_lowercase())
        && !first.ends_with("ing")
        && !matches!(
            first,
            "and"
                | "but"
                | "or"
                | "so"
                | "yet"
                | "who"
                | "which"
                | "while"
                | "although"
                | "though"
                | "because"
                | "as"
                | "when"
                | "after"
                | "before"
                | "since"
                | "according"
                | "in"
                | "on"
                | "at"
                | "during"
        )
}

/// A resolved speaker.
#[derive(Debug, Clone, Default)]
struct Speaker {
    name: Option<String>,
    span: Option<Span>,
    role: Option<(String, usize)>,
    person: Option<usize>,
}

impl Speaker {
    /// The attribution of `content_span` of `text` to this speaker.
    fn quote(
        self,
        sentence: usize,
        text: &str,
        content_span: Span,
        cue_span: Option<Span>,
        direct: bool,
    ) -> Quote {
        Quote {
            sentence,
            content: content_span.slice(text).to_string(),
            content_span,
            speaker: self.name,
            speaker_span: self.span,
            role: self.role.as_ref().map(|r| r.0.clone()),
            role_sentence: self.role.map(|r| r.1),
            cue: cue_span.map(|c| c.slice(text).to_string()),
            cue_span,
            direct,
        }
    }
}

struct Finder<'a, 'c> {
    ctx: &'c Ctx<'a>,
    idx: &'c EntityIndex,
    /// Content spans of direct quotes, sorted: pronouns skip names inside them.
    direct_spans: Vec<Span>,
    genders: Vec<Option<Gender>>,
}

/// Find direct and indirect quotes.
pub(crate) fn find(ctx: &Ctx, idx: &EntityIndex) -> Vec<Quote> {
    let marks = direct_spans(ctx.text);
    let mut f = Finder {
        ctx,
        idx,
        direct_spans: marks.iter().map(|m| m.content).collect(),
        genders: idx.persons.iter().map(|p| p.gender).collect(),
    };
    let mut out: Vec<Quote> = Vec::new();
    let mut prev: Option<(usize, Speaker)> = None; // (last sentence, speaker) of the previous quote
    for (qi, m) in marks.iter().enumerate() {
        let q = f.direct(m, qi, &marks, prev.as_ref());
        let words = m
            .content
            .slice(ctx.text)
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        if q.speaker.is_none() && q.speaker_span.is_none() && words < 5 {
            continue;
        }
        let last_sentence = ctx.sentence_of(m.close);
        prev = Some((
            last_sentence,
            Speaker {
                name: q.speaker.clone(),
                span: q.speaker_span,
                role: q.role.clone().zip(q.role_sentence),
                person: None,
            },
        ));
        out.push(q);
    }
    // Indirect quotes in sentences without a substantial direct quote.
    let mut busy = vec![false; ctx.sents.len()];
    for m in &marks {
        let words = m.content.slice(ctx.text).split_whitespace().count();
        if words >= 4 {
            let (a, b) = (ctx.sentence_of(m.open), ctx.sentence_of(m.close));
            for flag in busy.iter_mut().take(b + 1).skip(a) {
                *flag = true;
            }
        }
    }
    // Cues that already introduce a quote are not used again.
    let mut used: Vec<Span> = out.iter().filter_map(|q| q.cue_span).collect();
    for (si, &is_busy) in busy.iter().enumerate() {
        if is_busy {
            // Only the broad pass, on cues outside the quotation marks.
            out.extend(f.generic(si, &used));
            continue;
        }
        let first = f.indirect(si);
        let n = used.len();
        used.extend(first.as_ref().and_then(|q| q.cue_span));
        out.extend(first);
        out.extend(f.generic(si, &used));
        used.truncate(n);
    }
    out.sort_by_key(|q| q.content_span.start);
    out
}

/// A pair of quotation marks: byte offsets of the marks and the trimmed content.
#[derive(Debug, Clone, Copy)]
struct Marks {
    open: usize,
    close: usize,
    close_end: usize,
    content: Span,
}

/// Pair quotation marks paragraph by paragraph.
fn direct_spans(text: &str) -> Vec<Marks> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    let mut prev: Option<char> = None;
    let mut newline_run = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, mut c)) = iter.next() {
        // Two apostrophes are a double quotation mark in some wire copy.
        let mut len = c.len_utf8();
        // In `us,'''` the first apostrophe closes a nested single quote
        // (when one is open) and the last two the double one.
        let nested_single_open = || {
            open.is_some_and(|(_, oe)| {
                let inner = &text[oe..i];
                inner.contains('‘') || inner.contains(" '") || inner.starts_with('\'')
            })
        };
        if c == '\''
            && iter.peek().is_some_and(|&(_, n)| n == '\'')
            && !(text[i..].starts_with("'''") && nested_single_open())
        {
            iter.next();
            c = '"';
            len = 2;
        }
        let next = iter.peek().map(|&(_, n)| n);
        if c == '\n' {
            newline_run += 1;
            if newline_run >= 2 {
                open = None; // a paragraph ends: drop an unclosed quote
            }
        } else if !c.is_whitespace() {
            newline_run = 0;
        }
        match c {
            '“' => open = Some((i, i + len)),
            '”' => {
                if let Some((o, oe)) = open.take() {
                    push_marks(text, o, oe, i, i + len, &mut out);
                } else if prev.is_none_or(char::is_whitespace)
                    && next.is_some_and(|n| !n.is_whitespace())
                {
                    // A closing mark typed where an opening one belongs
                    // (`”We will go,” she said`) opens the quote.
                    open = Some((i, i + len));
                }
            }
            '"' => {
                let prev_space = prev.is_none_or(|p| {
                    p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '-' | ':' | '/')
                });
                let next_space = next.is_none_or(char::is_whitespace);
                match open {
                    None => {
                        if !next_space {
                            open = Some((i, i + len));
                        }
                    }
                    Some((o, oe)) => {
                        if !prev_space || next_space {
                            push_marks(text, o, oe, i, i + len, &mut out);
                            open = None;
                        } else {
                            // Looks like another opening: the earlier one was unbalanced.
                            open = Some((i, i + len));
                        }
                    }
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    out
}

/// Where the text before quote `qi` of `all` starts: its sentence's start,
/// or the end of the quote before it in the same sentence.
fn clause_start(sentence: Span, qi: usize, all: &[Marks]) -> usize {
    let m = &all[qi];
    let start = sentence.start.min(m.open);
    match qi.checked_sub(1) {
        Some(p) => start.max(all[p].close_end.min(m.open)),
        None => start,
    }
}

fn push_marks(
    text: &str,
    open: usize,
    open_end: usize,
    close: usize,
    close_end: usize,
    out: &mut Vec<Marks>,
) {
    let inner = &text[open_end..close];
    let lead = inner.len() - inner.trim_start().len();
    let t = inner.trim().trim_end_matches(',').trim_end();
    if !t.chars().any(char::is_alphanumeric) {
        return;
    }
    let start = open_end + lead;
    out.push(Marks {
        open,
        close,
        close_end,
        content: Span::new(start, start + t.len()),
    });
}

fn cue_of(c: &Captures, base: usize) -> (Option<String>, Option<Span>) {
    match c.name("cue").or_else(|| c.name("tcue")) {
        Some(m) => (
            Some(m.as_str().to_string()),
            Some(Span::new(base + m.start(), base + m.end())),
        ),
        None => (None, None),
    }
}

impl Finder<'_, '_> {
    fn direct(
        &mut self,
        m: &Marks,
        qi: usize,
        all: &[Marks],
        prev: Option<&(usize, Speaker)>,
    ) -> Quote {
        let ctx = self.ctx;
        let text = ctx.text;
        let r = res();
        let s1 = ctx.sentence_of(m.open);
        let s2 = ctx.sentence_of(m.close);
        let sent2 = ctx
            .sents
            .get(s2)
            .copied()
            .unwrap_or(Span::new(0, text.len()));
        let sent1 = ctx
            .sents
            .get(s1)
            .copied()
            .unwrap_or(Span::new(0, text.len()));
        // Right context: after the closing mark to the end of its sentence or the next quote.
        let mut r_end = sent2.end.max(m.close_end);
        if let Some(n) = all.get(qi + 1) {
            r_end = r_end.min(n.open);
        }
        let mut r_end = r_end.max(m.close_end).min(text.len());
        // `"... missing." Trump said.`: a quote that ends its sentence may
        // be signed by the short sentence after it, in the same paragraph.
        let mut signed_after = false;
        if text[m.close_end..r_end].trim().is_empty() {
            if let Some(next) = ctx.sents.get(s2 + 1) {
                let gap = &text[r_end.min(next.start)..next.start];
                let next_text = &text[next.start..next.end];
                if !gap.contains("\n\n")
                    && next_text.split_whitespace().count() <= 12
                    && !next_text.trim_start().starts_with(['"', '“', '”', '\''])
                    && all.get(qi + 1).is_none_or(|n| n.open >= next.end)
                {
                    r_end = next.end;
                    signed_after = true;
                }
            }
        }
        let right = &text[m.close_end..r_end];
        // Left context: from the sentence start (or the previous quote) to the opening mark.
        let mut l_start = clause_start(sent1, qi, all);
        // Only the last 200 bytes matter for attribution; this bounds the cost.
        if m.open > l_start + 200 {
            l_start = m.open - 200;
            while !text.is_char_boundary(l_start) {
                l_start += 1;
            }
        }
        let left = &text[l_start..m.open];

        let mut found: Option<(Captures, usize)> = None;
        for re in [
            &r.right_after,
            &r.right_before,
            &r.right_before_np,
            &r.right_according,
        ] {
            if let Some(c) = re.captures(right).filter(|c| {
                // The signing sentence must be only the attribution, and a
                // speaker holds no clause ("a show that he said").
                (!signed_after || is_trailing_tail(&right[c.get(0).map_or(0, |g| g.end())..]))
                    && !c
                        .name("spk")
                        .is_some_and(|m| mention_has_clause(m.as_str()))
            }) {
                found = Some((c, m.close_end));
                break;
            }
        }
        // An unsigned next sentence is not part of this quote's context.
        let right = if signed_after && found.is_none() {
            &right[..0]
        } else {
            right
        };
        if found.is_none() {
            // The signature may follow the sentence's end, up to the line's end.
            let mut line_end = text[m.close_end..]
                .find('\n')
                .map_or(text.len(), |i| m.close_end + i)
                .min(m.close_end + 200);
            while !text.is_char_boundary(line_end) {
                line_end -= 1;
            }
            // Only for a quote that opens its line, signed with a name and
            // at most a short place or role: a dash inside prose is not a
            // signature.
            let line_start = text[..m.open].rfind('\n').map_or(0, |i| i + 1);
            let opens_line = text[line_start..m.open].trim().is_empty();
            if let Some(c) = opens_line
                .then(|| r.right_dash.captures(&text[m.close_end..line_end]))
                .flatten()
                .filter(|c| {
                    let sig = c.get(0).map_or("", |m| m.as_str());
                    // Full stops only after initials ("Ana G. Ruiz") or to
                    // end the line: a sentence is not a signature.
                    let sig = sig.trim_end().trim_end_matches('.');
                    let initials_only = sig.char_indices().all(|(i, ch)| {
                        ch != '.'
                            || sig[..i]
                                .chars()
                                .next_back()
                                .is_some_and(|p| p.is_uppercase())
                    });
                    sig.split_whitespace().count() <= 10
                        && initials_only
                        && !sig.contains(['!', '?', '"', '“', '”'])
                })
            {
                found = Some((c, m.close_end));
            }
        }
        if found.is_none() {
            for re in [&r.left_end, &r.left_according] {
                if let Some(c) = re.captures(left) {
                    found = Some((c, l_start));
                    break;
                }
            }
        }
        // Whether the cue came from the loose left pattern, which leaves
        // words of the reported clause between the cue and the quote (the
        // tight ones match whole attributions: `said Tuesday, "`).
        let mut loose_left = false;
        if found.is_none() {
            if let Some(c) = r.left_any.captures_iter(left).last() {
                found = Some((c, l_start));
                loose_left = true;
            }
        }
        if found.is_none() && left.trim().is_empty() && s1 > 0 {
            // `Ortiz said:` at the end of the previous sentence.
            let ps = ctx.sents[s1 - 1];
            let prev_text = &text[ps.start..ps.end];
            if prev_text.trim_end().ends_with(':') {
                if let Some(c) = r.left_end.captures(prev_text) {
                    found = Some((c, ps.start));
                }
            }
        }
        // Set when the attribution ends the sentence after the quote: the
        // content is then the clause up to the attribution's comma.
        let mut late_clause: Option<Span> = None;
        if found.is_none() && right.contains(',') && !right.contains(['"', '“', '”']) {
            // The attribution opens at one of the last few commas. Anchored
            // patterns tried at each keep the automata small and the cost per
            // quote bounded.
            let commas: Vec<usize> = right
                .rmatch_indices(',')
                .map(|(i, _)| i)
                .take_while(|&i| right.len() - i <= 240)
                .take(4)
                .collect();
            if let Some((c, from)) = commas
                .iter()
                .find_map(|&from| {
                    r.right_late
                        .iter()
                        .find_map(|re| re.captures(&right[from..]))
                        .map(|c| (c, from))
                })
                .filter(|(c, _)| {
                    // The tail may go on with a participle ("said Tuesday,
                    // noting the plan ..."), which is not the quote's clause.
                    c.name("tail").is_some_and(|t| {
                        is_trailing_tail(t.as_str().split(',').next().unwrap_or(""))
                    })
                })
            {
                let comma = m.close_end + from + c.get(0).map_or(0, |g| g.start());
                let start = clause_start(sent2, qi, all);
                let lead = text[start..comma].len() - text[start..comma].trim_start().len();
                late_clause = Some(Span::new(start + lead, comma));
                found = Some((c, m.close_end + from));
            }
        }
        let mut q = Quote {
            sentence: s1,
            content: m.content.slice(text).to_string(),
            content_span: m.content,
            speaker: None,
            speaker_span: None,
            role: None,
            role_sentence: None,
            cue: None,
            cue_span: None,
            direct: true,
        };
        if let Some((c, base)) = found {
            let spk = c
                .name("spk")
                .map(|s| Span::new(base + s.start(), base + s.end()));
            let (cue, cue_span) = cue_of(&c, base);
            q.cue = cue;
            q.cue_span = cue_span;
            let quoted_words = m.content.slice(text).split_whitespace().count();
            let that_after = (base != m.close_end && quoted_words <= 5)
                .then(|| that_clause_after(text, m.close_end, sent2.end))
                .flatten();
            // A tight left attribution whose time phrase swallowed a "that"
            // (`said in the letter that the ad "..."`), or whose quote runs
            // on into the clause (`he said "reforms" would pay for it`).
            let run_on = |cue: Span| {
                let between = text[cue.end..m.open].to_ascii_lowercase();
                between.split_whitespace().any(|w| w == "that") || between.trim().is_empty()
            };
            // `The club's investment, Ms. Tanzer said, "is a perfect
            // example"`: the attribution interrupts one sentence, and the
            // quote finishes the clause that opens it.
            let interrupted = (base == l_start && !loose_left)
                .then_some(spk)
                .flatten()
                .filter(|_| m.content.slice(text).starts_with(char::is_lowercase))
                .and_then(|spk| {
                    let front = text.get(sent1.start..spk.start)?;
                    let front_trim = front.trim();
                    (front_trim.ends_with(',')
                        && front_trim.split_whitespace().count() >= 3
                        && !front.contains(['"', '“', '”']))
                    .then_some(())?;
                    let start = sent1.start + (front.len() - front.trim_start().len());
                    let body = text[start..sent2.end]
                        .trim_end()
                        .trim_end_matches(['.', '!', ';'])
                        .trim_end();
                    Some(Span::new(start, (start + body.len()).max(m.close_end)))
                });
            let clause = if let Some(late) = late_clause {
                Some(late)
            } else if let Some(whole) = interrupted {
                Some(whole)
            } else if let Some(that) = that_after {
                // `told MSNBC's "Morning Joe" that ...`: the quote names
                // something; what was said follows "that".
                Some(that)
            } else if base == m.close_end {
                self.clause_before(m, qi, all, sent1)
            } else if loose_left || cue_span.is_some_and(run_on) {
                cue_span.and_then(|cue| self.embedding_clause(m, cue, sent2))
            } else {
                None
            };
            if let Some(clause) = clause {
                // A partial quote inside reported speech ("Ortiz says he is
                // making “a demand” of the council"): what was said is the
                // whole clause, quotation marks and all.
                q.content_span = clause;
                q.content = clause.slice(text).to_string();
                q.direct = false;
            }
            if let Some(spk) = spk {
                let sp = self.resolve(spk);
                q.speaker = sp.name;
                q.speaker_span = sp.span;
                if let Some((role, rs)) = sp.role {
                    q.role = Some(role);
                    q.role_sentence = Some(rs);
                }
            }
        } else if let Some((spk, cue)) = (m.content.slice(text).split_whitespace().count() >= 4)
            .then(|| {
                self.generic_after(right, m.close_end)
                    .or_else(|| self.generic_before(left, l_start))
            })
            .flatten()
        {
            q.cue = Some(cue.slice(text).to_string());
            q.cue_span = Some(cue);
            let sp = self.resolve(spk);
            q.speaker = sp.name;
            q.speaker_span = sp.span;
            if let Some((role, rs)) = sp.role {
                q.role = Some(role);
                q.role_sentence = Some(rs);
            }
        } else if left.trim().is_empty()
            || prev.is_some_and(|(last, sp)| {
                // `"A," an Iowa farmer said, "B."`: the attribution between
                // two quotes signs both; and `Cruz called him a "liar" who
                // is "amoral"`: one speaker's quotes within a sentence.
                let between = sp
                    .span
                    .is_some_and(|s| s.start >= l_start && s.end <= m.open)
                    && left.trim_end().ends_with([',', ':']);
                let same_sentence = *last == s1
                    && m.content.slice(text).split_whitespace().count() >= 5
                    && sp
                        .span
                        .is_some_and(|s| s.start >= sent1.start && s.end <= m.open);
                between || same_sentence
            })
        {
            // A quote opening its sentence continues the previous speaker's quote.
            if let Some((last, sp)) = prev {
                if *last + 1 >= s1 && sp.name.is_some() {
                    q.speaker = sp.name.clone();
                    q.speaker_span = sp.span;
                    if let Some((role, rs)) = &sp.role {
                        q.role = Some(role.clone());
                        q.role_sentence = Some(*rs);
                    }
                }
            }
        }
        q
    }

    /// The reported clause around a quote whose cue comes before it in the
    /// same sentence, when the quote is only part of that clause: words
    /// stand between the cue (and its "that") and the opening mark, or
    /// follow the closing mark in the sentence. `None` when the quote is the
    /// whole clause (`Ortiz said: "..."`, `Ortiz said that "...".`).
    fn embedding_clause(&self, m: &Marks, cue: Span, sentence: Span) -> Option<Span> {
        let text = self.ctx.text;
        if cue.end > m.open || cue.start < sentence.start || m.close_end > sentence.end {
            return None;
        }
        let between = &text[cue.end..m.open];
        // `told the Courier: "..."`: the colon opens the quote as the clause.
        // The cue and the quote are in one sentence, so a full stop between
        // them belongs to an abbreviation ("Sen.", "U.S.").
        if between.contains(['!', '?', ';', ':', '"', '“', '”']) {
            return None;
        }
        // The clause starts after "that" when the cue takes one.
        let lower = between.to_ascii_lowercase();
        let start = match lower.rfind(" that") {
            Some(i)
                if lower[i + 5..].trim_start_matches([',', ' ']).is_empty()
                    || lower[i + 5..].starts_with([' ', ',']) =>
            {
                cue.end + i + 5
            }
            _ => cue.end,
        };
        let lead = &text[start..m.open];
        let start = start + (lead.len() - lead.trim_start_matches([' ', ',', ':', '\n']).len());
        // `said Tuesday, "We will ..."`: a comma or colon before the mark
        // introduces the quote as what was said.
        let intro = between.trim_end().ends_with([',', ':']);
        let words_before = if intro {
            0
        } else {
            text[start..m.open].split_whitespace().count()
        };
        let mut tail = &text[m.close_end..sentence.end];
        // The clause ends before another quote, a dash or a semicolon.
        if let Some(i) = tail.find(['"', '“', '”', '—', '–', ';']) {
            tail = &tail[..i];
        }
        let tail = tail.trim_end();
        let tail = tail.trim_end_matches(['.', '!', '?']).trim_end();
        let words_after = tail
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        if words_before == 0 && words_after == 0 {
            return None;
        }
        // Right attribution after the quote ("..." he added) is not part of
        // the clause; such quotes took their speaker from the right anyway.
        let end = m.close_end + tail.len();
        Some(Span::new(start, end.max(m.close_end)))
    }

    /// The clause a quote ends, when its speaker follows it (`A cashier who
    /// "steals" is held to account, Warren said`... `the tax "is a misguided
    /// approach," said Burman`) and words of the clause come before the
    /// opening mark in its sentence: from the sentence start (or the end of
    /// the previous quote) to the closing mark. `None` when the quote opens
    /// its sentence.
    fn clause_before(&self, m: &Marks, qi: usize, all: &[Marks], sentence: Span) -> Option<Span> {
        let text = self.ctx.text;
        let start = clause_start(sentence, qi, all);
        let before = &text[start..m.open];
        if before.contains(['"', '“', '”']) {
            return None;
        }
        // The quote must carry on a clause (it starts in lower case, or is a
        // short title: `are fans of "Harbor Nights," Ortiz said`), and what
        // comes before must be that clause's start, not a scene-setting phrase
        // ("On the next day \"we stayed home,\" Ortiz said").
        let quoted = m.content.slice(text);
        let short_title =
            quoted.split_whitespace().count() <= 4 && before.split_whitespace().count() >= 3;
        if !quoted.starts_with(|c: char| c.is_lowercase()) && !short_title {
            return None;
        }
        let first = before
            .split_whitespace()
            .find(|w| w.chars().any(char::is_alphanumeric))?
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if is_clause_boundary(&first) || SCENE_SETTERS.contains(&first.as_str()) {
            return None;
        }
        let lead = before.len() - before.trim_start().len();
        Some(Span::new(start + lead, m.close_end))
    }

    /// A speaker after a closing quotation mark by the broad cue list:
    /// `," Ortiz proclaimed` or `," echoed Ortiz, the mayor`. Spans are
    /// absolute (`base` is the offset of `right`).
    fn generic_after(&self, right: &str, base: usize) -> Option<(Span, Span)> {
        let mut head = right.len().min(160);
        while !right.is_char_boundary(head) {
            head -= 1;
        }
        let head = &right[..head];
        let cm = res().generic_cue.find(head)?;
        let between = head[..cm.start()].trim_start().trim_start_matches(',');
        if between.contains(['.', '!', '?', '"', '“', '”', ';']) {
            return None;
        }
        let cue = Span::new(base + cm.start(), base + cm.end());
        if between.trim().is_empty() {
            // Inverted: the speaker follows the cue, up to a comma or the end.
            let after = &head[cm.end()..];
            let lead = after.len() - after.trim_start().len();
            let np = after[lead..]
                .split([',', '.', ';', ':', '"', '“', '”', '('])
                .next()
                .unwrap_or("")
                .trim_end();
            let words = np.split_whitespace().count();
            if words == 0 || words > 10 {
                return None;
            }
            let st = base + cm.end() + lead;
            return Some((Span::new(st, st + np.len()), cue));
        }
        let (a, b) = subject_before(head, cm.start())?;
        Some((Span::new(base + a, base + b), cue))
    }

    /// A speaker before an opening quotation mark by the broad cue list:
    /// `Ortiz proclaimed: "` or `Ortiz, the mayor, echoed the call,`.
    fn generic_before(&self, left: &str, base: usize) -> Option<(Span, Span)> {
        let t = left.trim_end();
        if !t.ends_with([':', ',']) {
            return None;
        }
        let cm = res().generic_cue.find_iter(t).last()?;
        if t.len() - cm.end() > 60 || self.in_direct_quote(base + cm.start()) {
            return None;
        }
        let (a, b) = subject_before(t, cm.start())?;
        Some((
            Span::new(base + a, base + b),
            Span::new(base + cm.start(), base + cm.end()),
        ))
    }

    fn indirect(&mut self, si: usize) -> Option<Quote> {
        let ctx = self.ctx;
        let sp = *ctx.sents.get(si)?;
        let s = &ctx.text[sp.start..sp.end];
        if s.len() < 12 || s.ends_with('?') {
            return None;
        }
        let r = res();
        // Look at each attribution word and the few words around it only, so
        // the cost stays linear in the sentence.
        // (speaker span, cue span, content range), all relative to the sentence.
        let mut hit: Option<(Span, Span, usize, usize)> = None;
        for hm in r.ind_hint.find_iter(s) {
            let cue = Span::new(hm.start(), hm.end());
            if hm.as_str().eq_ignore_ascii_case("according") {
                let rest = &s[hm.start()..];
                if s[..hm.start()].trim().is_empty() {
                    if let Some(c) = r.ind_according_first.captures(rest) {
                        let (spk, e) = (c.name("spk"), c.get(0).map_or(0, |m| m.end()));
                        if let (Some(spk), Some(cm)) = (spk, c.name("cue")) {
                            let off = hm.start();
                            hit = Some((
                                Span::new(off + spk.start(), off + spk.end()),
                                Span::new(off + cm.start(), off + cm.end()),
                                off + e,
                                s.len(),
                            ));
                        }
                    }
                } else if s[..hm.start()].trim_end().ends_with(',') {
                    if let Some(c) = r.ind_according_last.captures(rest) {
                        if let (Some(spk), Some(cm)) = (c.name("spk"), c.name("cue")) {
                            let off = hm.start();
                            hit = Some((
                                Span::new(off + spk.start(), off + spk.end()),
                                Span::new(off + cm.start(), off + cm.end()),
                                0,
                                s[..hm.start()].trim_end().len() - 1,
                            ));
                        }
                    }
                }
            } else if let Some(spk) = s[..hm.start()]
                .trim_end()
                .ends_with(',')
                .then(|| r.inverted.captures(&s[hm.end()..]))
                .flatten()
                .and_then(|c| c.name("spk"))
            {
                // "..., said Rita Kell, the director of Harbor Watch."
                let before = s[..hm.start()].trim_end();
                let spk = Span::new(hm.end() + spk.start(), hm.end() + spk.end());
                hit = Some((spk, cue, 0, before.len() - 1));
            } else {
                let mut ws = hm.start().saturating_sub(160);
                while !s.is_char_boundary(ws) {
                    ws += 1;
                }
                let Some(c) = r.spk_before.captures(&s[ws..hm.start()]) else {
                    continue;
                };
                let Some(spk) = c.name("spk") else { continue };
                let spk = Span::new(ws + spk.start(), ws + spk.end());
                // "Officials in March said": a date is no speaker.
                if implausible_subject(&s[spk.start..spk.end]) {
                    continue;
                }
                let before = s[..spk.start].trim_end();
                let after = &s[hm.end()..];
                let told = matches!(
                    hm.as_str(),
                    "told" | "tells" | "assured" | "informed" | "reminded"
                );
                // A comma right after the cue closes a parenthetical
                // attribution: "The plan, Ortiz said, will fail" is the whole
                // sentence; "..., Ortiz said, and the talks ..." what came
                // before (unless that is only a fronted subject).
                if let Some((a, b)) =
                    content_around_cue(s, before, after, told && r.told_tail.is_match(after))
                {
                    hit = Some((spk, cue, a, b));
                } else {
                    let re = if told { &r.after_told } else { &r.after_cue };
                    if let Some(m) = re.find(after) {
                        let cs = hm.end() + m.end();
                        if s.len() >= cs + 10 {
                            hit = Some((spk, cue, cs, s.len()));
                        }
                    }
                }
            }
            if hit.is_some() {
                break;
            }
        }
        let (spk_rel, cue_rel, c_start, c_end) = hit?;
        if c_end < c_start + 10 {
            return None;
        }
        let raw = &s[c_start..c_end];
        let trimmed = raw
            .trim_end()
            .trim_end_matches(['.', '!', ';', ','])
            .trim_end();
        let lead = trimmed.len() - trimmed.trim_start().len();
        let content = trimmed.trim_start();
        let low = content.to_lowercase();
        if content.split_whitespace().count() < 3
            || low.starts_with("to ")
            || low.starts_with("in a statement")
            || content.contains(['"', '“', '”'])
        {
            return None;
        }
        let cstart = sp.start + c_start + lead;
        let spk = Span::new(sp.start + spk_rel.start, sp.start + spk_rel.end);
        let cue_span = Span::new(sp.start + cue_rel.start, sp.start + cue_rel.end);
        let speaker = self.resolve(spk);
        speaker.span?;
        Some(speaker.quote(
            si,
            ctx.text,
            Span::new(cstart, cstart + content.len()),
            Some(cue_span),
            false,
        ))
    }

    /// The broad pass for indirect attribution: every cue of a large verb
    /// list with a subject before it, other than those in `taken` (cues that
    /// already introduce a quote). The content is the rest of the sentence after the cue ("X
    /// believes (that) ..."), or the part before the subject when the cue ends
    /// the sentence ("..., X said."); nested attributions ("X said Y fears Z")
    /// give one quote each.
    fn generic(&mut self, si: usize, taken: &[Span]) -> Vec<Quote> {
        let mut out = Vec::new();
        let ctx = self.ctx;
        let Some(sp) = ctx.sents.get(si).copied() else {
            return out;
        };
        let s = ctx.sentence(si);
        let r = res();
        // A transcript's turn may open with a question; other attributions
        // are not read in questions or fragments.
        // Newsroom kickers ("UPDATE:", "Editor's note:") label no speaker.
        let headline = r
            .headline
            .captures(s)
            .filter(|c| c.name("spk").is_some_and(|m| !is_kicker(m.as_str())));
        let transcript_turn = headline.as_ref().is_some_and(|c| {
            let label = c.name("spk").map_or("", |m| m.as_str());
            label.len() >= 2 && !label.chars().any(char::is_lowercase)
        });
        if !transcript_turn && (s.len() < 20 || s.trim_end().ends_with('?')) {
            return out;
        }
        let overlaps_taken = |a: usize, b: usize| {
            taken
                .iter()
                .any(|t| t.start < sp.start + b && sp.start + a < t.end)
        };
        // "Ortiz: The levee will hold" (headlines, transcripts).
        if let Some(c) = headline {
            let spk = c.name("spk").expect("group");
            let start = c.name("body").expect("group").start();
            let body = s[start..].trim_end();
            if transcript_turn
                && spk.as_str().chars().any(char::is_alphabetic)
                && !self.in_direct_quote(sp.start + spk.start())
            {
                // A transcript's speaker label ("PENCE: Well, look, ..."):
                // the turn runs to the end of the paragraph.
                let from = sp.start + start;
                let para_end = ctx.text[from..]
                    .find('\n')
                    .map_or(ctx.text.len(), |i| from + i);
                let turn = ctx.text[from..para_end].trim_end();
                if turn.split_whitespace().count() >= 3 {
                    let speaker =
                        self.resolve(Span::new(sp.start + spk.start(), sp.start + spk.end()));
                    // The cue is the label's colon.
                    let colon = Span::new(sp.start + spk.end(), sp.start + spk.end() + 1);
                    out.push(speaker.quote(
                        si,
                        ctx.text,
                        Span::new(from, from + turn.len()),
                        Some(colon),
                        true,
                    ));
                }
            } else if body.split_whitespace().count() >= 3 {
                self.push_generic(
                    &mut out,
                    si,
                    (start, start + body.len()),
                    Some((spk.start(), spk.end())),
                    None,
                    (spk.end(), spk.end() + 1),
                );
            }
        }
        // "..., according to X." / "According to X, ..." / "..., according to X, ...".
        for m in r.according.find_iter(s) {
            if overlaps_taken(m.start(), m.end()) || self.in_direct_quote(sp.start + m.start()) {
                continue;
            }
            let tail = &s[m.end()..];
            let np_len = tail
                .find([',', ';', '(', '"', '“', '—', '–'])
                .unwrap_or(tail.len())
                .min(tail.find(" - ").unwrap_or(tail.len()));
            let np = tail[..np_len].trim_end().trim_end_matches(['.', '!']);
            let words = np.split_whitespace().count();
            if words == 0 || words > 20 {
                continue;
            }
            let before = s[..m.start()].trim_end().trim_end_matches(',').trim_end();
            let after_np = tail[np_len..].trim_start_matches([',', ' ']);
            let after_start = s.len() - after_np.len();
            let after = after_np.trim_end().trim_end_matches(['.', '!', ';']);
            let content = if before.split_whitespace().count() >= after.split_whitespace().count() {
                (0, before.len())
            } else {
                (after_start, after_start + after.len())
            };
            if content.1 > content.0 + 8 {
                let spk = (m.end(), m.end() + np.len());
                self.push_generic(&mut out, si, content, Some(spk), None, (m.start(), m.end()));
            }
        }
        // "Asked whether ..., Ortiz said ...": the question, with no source.
        if let Some(c) = r.asked.captures(s) {
            let cue = c.name("cue").expect("group");
            let rest = &s[cue.end()..];
            let end = cue.end() + rest.find(',').unwrap_or(rest.len());
            let content = (cue.end() + rest.len() - rest.trim_start().len(), end);
            if end > content.0 + 8 {
                self.push_generic(&mut out, si, content, None, None, (cue.start(), cue.end()));
            }
        }
        // The last cue outside quotation marks before the current one.
        let mut prior_cue: Option<usize> = None;
        for cm in r.generic_cue.find_iter(s) {
            let abs = Span::new(sp.start + cm.start(), sp.start + cm.end());
            let prior = prior_cue;
            if !self.in_direct_quote(abs.start) {
                prior_cue = Some(cm.start());
            }
            if self.in_direct_quote(abs.start) || overlaps_taken(cm.start(), cm.end()) {
                continue;
            }
            // "..., who said ...": the relative pronoun is the source mention,
            // the name before it gives the speaker.
            // "..., calling the plan reckless": a participle after a comma
            // takes the sentence's subject.
            // "..., saying ...": a participle after a comma takes the
            // subject of the attribution before it.
            let participle = cm.as_str().ends_with("ing")
                && s[..cm.start()]
                    .trim_end()
                    .trim_end_matches(['"', '”', '’'])
                    .ends_with(',');
            let subject = if participle {
                // `Ortiz said: "...," adding that ...`: the subject of the
                // attribution before the participle, else the sentence's.
                prior.and_then(|p| subject_before(s, p)).or_else(|| {
                    sentence_subject(s)
                        .filter(|&(a, b)| b < cm.start() && !self.in_direct_quote(sp.start + a))
                })
            } else {
                subject_before(s, cm.start()).or_else(|| {
                    // "Reid caucused on Saturday and says he ...": a verb
                    // joined by "and" or "but" shares the sentence's subject.
                    let (words, i) = words_before_aux(s, cm.start());
                    let (at, w) = *words.get(i.checked_sub(1)?)?;
                    matches!(w, "and" | "but" | "yet").then_some(())?;
                    sentence_subject(s)
                        .filter(|&(a, b)| b < at && !self.in_direct_quote(sp.start + a))
                })
            };
            // "In his speech", "Thursday", "Following reports": a phrase
            // that sets the scene is no one's name; the sentence's subject
            // is the better guess when there is one.
            let subject = match subject {
                Some((a, b)) if implausible_subject(&s[a..b]) => sentence_subject(s)
                    .filter(|&(x, y)| {
                        y < cm.start()
                            && !implausible_subject(&s[x..y])
                            && !self.in_direct_quote(sp.start + x)
                    })
                    .or(subject),
                other => other,
            };
            let (a, b, named) = match subject {
                Some((a, b)) => (a, b, None),
                None => {
                    let Some((a, b)) = relative_before(s, cm.start()) else {
                        continue;
                    };
                    (a, b, subject_before(s, a))
                }
            };
            let after = &s[cm.end()..];
            let before = s[..a].trim_end();
            let (c_start, c_end) = if let Some(range) = content_around_cue(s, before, after, false)
            {
                range
            } else {
                let lead = after.len() - after.trim_start().len();
                let mut st = cm.end() + lead;
                let rest = &s[st..];
                // "said in an interview on Friday that ...": content after "that".
                let mut head = rest.len().min(100);
                while !rest.is_char_boundary(head) {
                    head -= 1;
                }
                let first = rest.split_whitespace().next().unwrap_or("");
                let circumstance = matches!(
                    first,
                    "in" | "at"
                        | "on"
                        | "during"
                        | "after"
                        | "before"
                        | "from"
                        | "with"
                        | "last"
                        | "this"
                        | "earlier"
                        | "late"
                        | "that"
                ) || lede_text::is_calendar_word(&first.to_lowercase());
                if let Some(p) = rest[..head].find("that ").filter(|&p| {
                    circumstance
                        && (p == 0 || rest[..p].ends_with(' '))
                        && !rest[..p].contains(['.', '"', '“'])
                }) {
                    st += p + 5;
                }
                let rest = s[st..].trim_end().trim_end_matches(['.', '!', ';', ',']);
                if rest.split_whitespace().count() < 3 {
                    if before.ends_with(',') && before.len() > 10 {
                        (0, before.len() - 1)
                    } else {
                        continue;
                    }
                } else {
                    (st, st + rest.len())
                }
            };
            let raw = &s[c_start..c_end];
            let content = raw.trim();
            if content.split_whitespace().count() < 2 {
                continue;
            }
            let cstart = sp.start + c_start + (raw.len() - raw.trim_start().len());
            let mut speaker = self.resolve(Span::new(
                sp.start + named.map_or(a, |n| n.0),
                sp.start + named.map_or(b, |n| n.1),
            ));
            if let Some((n, _)) = named {
                // The mention is the name with its relative pronoun
                // ("Ruiz, who"), so the span runs from one to the other.
                speaker.span = Some(Span::new(sp.start + n.min(a), sp.start + b));
            }
            if speaker.span.is_none() {
                continue;
            }
            // Verbs that are as often plain actions ("the storm raised water
            // levels") attribute only when a person does them.
            if LOOSE_CUES.contains(&cm.as_str()) && speaker.person.is_none() {
                continue;
            }
            out.push(speaker.quote(
                si,
                ctx.text,
                Span::new(cstart, cstart + content.len()),
                Some(abs),
                false,
            ));
        }
        out
    }

    /// Push an attribution found by the broad pass; ranges are relative to
    /// sentence `si`. `named` is where the speaker's name is when the mention
    /// at `spk` is not itself one.
    fn push_generic(
        &mut self,
        out: &mut Vec<Quote>,
        si: usize,
        content: (usize, usize),
        spk: Option<(usize, usize)>,
        named: Option<(usize, usize)>,
        cue: (usize, usize),
    ) {
        let ctx = self.ctx;
        let Some(sp) = ctx.sents.get(si).copied() else {
            return;
        };
        let s = ctx.sentence(si);
        let Some(raw) = s.get(content.0..content.1) else {
            return;
        };
        let text = raw.trim();
        if text.is_empty() {
            return;
        }
        let cstart = sp.start + content.0 + (raw.len() - raw.trim_start().len());
        let mut speaker = match named.or(spk) {
            Some((a, b)) => self.resolve(Span::new(sp.start + a, sp.start + b)),
            None => Speaker::default(),
        };
        if let (Some(_), Some((a, b))) = (named, spk) {
            speaker.span = Some(Span::new(sp.start + a, sp.start + b));
        }
        out.push(speaker.quote(
            si,
            ctx.text,
            Span::new(cstart, cstart + text.len()),
            Some(Span::new(sp.start + cue.0, sp.start + cue.1)),
            false,
        ));
    }

    fn in_direct_quote(&self, pos: usize) -> bool {
        let k = self.direct_spans.partition_point(|s| s.start <= pos);
        k > 0 && pos < self.direct_spans[k - 1].end
    }

    /// Resolve the speaker mention at `span` to a name and role.
    fn resolve(&mut self, span: Span) -> Speaker {
        let text = self.ctx.text;
        let idx = self.idx;
        // Tidy the mention: drop a trailing dot/possessive and leading function words.
        let mut st = span.start;
        let mut en = span.end;
        let raw = &text[st..en];
        let t = raw.trim_end_matches(['.', ',']);
        en = st + t.len();
        for suf in ["'s", "’s"] {
            if text[st..en].ends_with(suf) {
                en -= suf.len();
            }
        }
        loop {
            let cur = &text[st..en];
            let Some(sp) = cur.find(char::is_whitespace) else {
                break;
            };
            let first = &cur[..sp];
            let rest = cur[sp..].trim_start();
            let starts_upper = rest.chars().next().is_some_and(char::is_uppercase);
            // "And then Ortiz": a connective before a name is not part of it.
            let connective = matches!(
                first,
                "and" | "but" | "or" | "so" | "then" | "also" | "yet" | "while" | "as"
            ) && rest
                .split_whitespace()
                .any(|w| w.starts_with(char::is_uppercase));
            if connective
                || first.chars().next().is_some_and(char::is_uppercase)
                    && lede_text::is_stopword(first)
                    && starts_upper
            {
                st = en - rest.len();
            } else {
                break;
            }
        }
        if st >= en {
            return Speaker::default();
        }
        let span = Span::new(st, en);
        let mention = &text[st..en];
        let lower = mention.to_lowercase();
        let mut out = Speaker {
            span: Some(span),
            ..Default::default()
        };
        let fill = |out: &mut Speaker, pi: usize| {
            let rec = &idx.persons[pi];
            out.name = Some(rec.full.clone());
            out.role = rec.role.clone();
            out.person = Some(pi);
        };
        match lower.as_str() {
            "he" | "she" => {
                let g = if lower == "he" {
                    Gender::Male
                } else {
                    Gender::Female
                };
                let k = idx.mentions.partition_point(|m| m.entity.span.start < st);
                let found = idx.mentions[..k]
                    .iter()
                    .rev()
                    .take(60)
                    .filter(|m| !self.in_direct_quote(m.entity.span.start))
                    .find_map(|m| {
                        let pi = m.person?;
                        match self.genders[pi] {
                            Some(x) if x != g => None,
                            _ => Some(pi),
                        }
                    });
                if let Some(pi) = found {
                    self.genders[pi] = Some(g);
                    fill(&mut out, pi);
                }
                return out;
            }
            "they" | "it" => {
                let sent = self.ctx.sentence_of(st);
                let k = idx.mentions.partition_point(|m| m.entity.span.start < st);
                if let Some(m) = idx.mentions[..k].iter().rev().take(30).find(|m| {
                    m.entity.kind == EntityKind::Organization
                        && m.entity.sentence + 2 >= sent
                        && !self.in_direct_quote(m.entity.span.start)
                }) {
                    out.name = Some(m.entity.name.clone());
                }
                return out;
            }
            _ => {}
        }
        if let Some((pi, _)) = idx.person_at(span) {
            fill(&mut out, pi);
            return out;
        }
        if let Some(m) = idx.mention_at(span) {
            if m.entity.kind != EntityKind::Person && m.entity.span == span {
                out.name = Some(m.entity.name.clone());
                return out;
            }
        }
        // "the spokesman" -> the person given that role earlier.
        if let Some(head) = lower.strip_prefix("the ") {
            let head = head.rsplit(' ').next().unwrap_or(head);
            if head.len() > 2 {
                let k = idx.mentions.partition_point(|m| m.entity.span.start < st);
                let found = idx.mentions[..k].iter().rev().find_map(|m| {
                    let pi = m.person?;
                    let role = idx.persons[pi].role.as_ref()?;
                    role.0
                        .to_lowercase()
                        .split_whitespace()
                        .any(|w| w == head)
                        .then_some(pi)
                });
                if let Some(pi) = found {
                    fill(&mut out, pi);
                    return out;
                }
            }
        }
        if !mention.contains(char::is_whitespace) {
            if let Some(pi) = idx.person_by_surname(mention) {
                fill(&mut out, pi);
                return out;
            }
        }
        out.name = Some(mention.to_string());
        out
    }
}
