//! The parties of a story and where each stands: one section per party.
//!
//! A *party* is whoever takes a position in the sources: a person quoted by
//! name, or the organisation or country that several such people speak for
//! (a spokesman and a minister of the same government are one party), or an
//! organisation or country that is itself the subject of a stance verb
//! ("Valdoria rejected the plan"). The analyze stage supplies the statements:
//! its quotes with speaker, role and cue verb, direct ("...") and indirect
//! ("X said that ...", "X rejected ...").
//!
//! Each party's section holds its stance (the source sentences that report
//! its position, verbatim) and then its direct quotes, each attributed with
//! the speaker's role on first mention and, when the source says so, the outlet
//! the speaker talked to ("told Meridian News Agency"). Everything cites the
//! source sentences it comes from: the quote's sentences, the sentence that
//! names the speaker in full and the one that gives the role.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use lede_model::{
    Analysis, Article, ArticleId, Citation, CitedSentence, Entity, EntityKind, Paragraph, Quote,
};
use lede_model::{Section, SectionKind};
use regex::Regex;

use crate::select::{cosine, SentenceBank};

/// How many parties, and how much of each, a story shows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PartyLimits {
    pub parties: usize,
    pub quotes: usize,
}

/// Words that make up titles and role phrases rather than names of who the
/// speaker works for ("Foreign Minister", "Kremlin spokesman": only "Kremlin"
/// names an affiliation). Written for this module; roles are open-ended, so
/// this is a list of the common heads and modifiers in English news.
const TITLE_WORDS: &[&str] = &[
    "president",
    "president-elect",
    "vice",
    "minister",
    "prime",
    "secretary",
    "senator",
    "sen",
    "governor",
    "gov",
    "mayor",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "judge",
    "justice",
    "general",
    "gen",
    "colonel",
    "captain",
    "admiral",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "commissioner",
    "ambassador",
    "representative",
    "rep",
    "congressman",
    "congresswoman",
    "sheriff",
    "officer",
    "attorney",
    "prosecutor",
    "speaker",
    "leader",
    "premier",
    "envoy",
    "professor",
    "coach",
    "manager",
    "inspector",
    "commander",
    "chief",
    "executive",
    "head",
    "official",
    "officials",
    "aide",
    "adviser",
    "advisor",
    "negotiator",
    "analyst",
    "lawyer",
    "diplomat",
    "deputy",
    "lawmaker",
    "mediator",
    "founder",
    "ceo",
    "cfo",
    "owner",
    "candidate",
    "former",
    "senior",
    "foreign",
    "interior",
    "defence",
    "defense",
    "finance",
    "health",
    "special",
    "acting",
    "top",
    "state",
    "national",
    "press",
    "police",
    "party",
    "opposition",
    "military",
    "government",
    "chief",
    "economy",
    "economic",
    "trade",
    "home",
    "education",
    "interim",
    "first",
    "city",
    "county",
    "federal",
    "security",
    "intelligence",
    "presidential",
    "ministry",
    "department",
    "council",
    "new",
    "committee",
    "board",
    "office",
    "policy",
    "public",
    "affairs",
    "engineer",
    "u.s",
    "u.s.",
    "officer",
    "doctor",
    "coach",
    "assistant",
    "associate",
    "professor",
    "reporter",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sir",
    "lord",
    "lady",
    "the",
    "of",
    "and",
    "for",
    "to",
    "a",
    "an",
];

/// Outlets a speaker "told": a capitalised name after "told", "telling",
/// "speaking to" or "in an interview with".
static LISTENER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:told|telling|speaking to|in an interview with)\s+((?:the\s+)?(?:[A-Z][\w.'’&-]*)(?:\s+(?:[A-Z][\w.'’&-]*|of|de|al))*)",
    )
    .expect("listener regex")
});

/// Words in the names of news organisations: a listener with one of these is
/// an outlet, not a person the speaker talked to.
const MEDIA_WORDS: &[&str] = &[
    "news",
    "agency",
    "times",
    "post",
    "press",
    "radio",
    "television",
    "tv",
    "herald",
    "journal",
    "daily",
    "wire",
    "tribune",
    "gazette",
    "channel",
    "broadcasting",
    "broadcaster",
    "magazine",
    "network",
    "media",
    "reuters",
    "afp",
    "ap",
    "bbc",
    "cnn",
    "nbc",
    "abc",
    "cbs",
    "fox",
    "npr",
    "novosti",
    "tass",
    "xinhua",
    "interfax",
    "bloomberg",
    "politico",
    "axios",
    "guardian",
    "telegraph",
    "observer",
    "chronicle",
    "courier",
    "examiner",
    "independent",
    "economist",
];

/// Verbs that report a position, as they appear after a speaker. Verbs of
/// finding or believing ("found", "felt") report facts or feelings, not a
/// party's stance, and are not here.
const STANCE_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "warned",
    "warns",
    "urged",
    "urges",
    "called",
    "calls",
    "rejected",
    "rejects",
    "denied",
    "denies",
    "insisted",
    "insists",
    "argued",
    "argues",
    "added",
    "adds",
    "stated",
    "states",
    "accused",
    "accuses",
    "agreed",
    "agrees",
    "refused",
    "refuses",
    "vowed",
    "vows",
    "pledged",
    "pledges",
    "demanded",
    "demands",
    "welcomed",
    "welcomes",
    "condemned",
    "condemns",
    "criticized",
    "criticised",
    "criticizes",
    "criticises",
    "praised",
    "praises",
    "declined",
    "declines",
    "announced",
    "announces",
    "confirmed",
    "confirms",
    "suggested",
    "suggests",
    "signaled",
    "signalled",
    "signals",
    "described",
    "describes",
    "hailed",
    "hails",
    "dismissed",
    "dismisses",
    "defended",
    "defends",
    "expressed",
    "expresses",
    "proposed",
    "proposes",
    "threatened",
    "threatens",
    "promised",
    "promises",
    "offered",
    "offers",
    "asked",
    "asks",
    "opposed",
    "opposes",
    "backed",
    "backs",
    "blamed",
    "blames",
    "admitted",
    "admits",
    "claimed",
    "claims",
    "stressed",
    "stresses",
    "repeated",
    "reiterated",
    "reiterates",
    "wants",
    "wanted",
    "noted",
    "notes",
    "acknowledged",
    "acknowledges",
    "maintained",
    "maintains",
    "countered",
    "responded",
    "replied",
    "wrote",
    "writes",
    "tweeted",
    "explained",
    "explains",
];

/// A statement by a speaker: a direct quote or a stance sentence.
#[derive(Debug, Clone)]
struct Statement {
    speaker: String,
    role: Option<String>,
    article: ArticleId,
    sentence: usize,
    direct: bool,
    /// The quoted words (direct) or the whole source sentence (stance).
    text: String,
    stems: Vec<String>,
    citations: Vec<Citation>,
    /// The outlet the speaker talked to, when the source names one.
    listener: Option<String>,
    score: f32,
}

/// The parties' sections, most prominent party first. Statements whose
/// sentence is already in the story's prose (`used`) are left out.
pub(crate) fn party_sections(
    articles: &[&Article],
    analyses: &HashMap<ArticleId, &Analysis>,
    bank: &SentenceBank,
    used: &HashSet<(ArticleId, usize)>,
    limits: PartyLimits,
) -> Vec<Section> {
    let names = known_names(articles, analyses);
    let names: Vec<String> = names
        .into_iter()
        .filter(|n| written_as_name(n, articles))
        .collect();
    let outlets: HashSet<String> = articles.iter().map(|a| a.outlet.to_lowercase()).collect();
    let mut statements: Vec<Statement> = Vec::new();
    for a in articles {
        let Some(an) = analyses.get(&a.id) else {
            continue;
        };
        let entity_names: HashSet<&str> = an.entities.iter().map(|e| e.name.as_str()).collect();
        for q in &an.quotes {
            if let Some(s) = statement(a, q, &an.entities, &entity_names, &names, &outlets, bank) {
                statements.push(s);
            }
        }
    }
    // One quote reported by several outlets is one statement citing them all.
    let mut merged: Vec<Statement> = Vec::new();
    for s in statements {
        if let Some(same) = merged
            .iter_mut()
            .find(|m| m.direct == s.direct && cosine(&m.stems, &s.stems) >= 0.6)
        {
            if !same.citations.iter().any(|c| c.article == s.article)
                && same.citations.len() < 6
                && s.citations
                    .iter()
                    .all(|c| !used.contains(&(c.article, c.sentence)))
            {
                same.citations.extend(s.citations.iter().copied());
            }
            continue;
        }
        merged.push(s);
    }
    let mut statements: Vec<Statement> = merged
        .into_iter()
        .filter(|s| !used.contains(&(s.article, s.sentence)))
        .collect();
    statements.sort_by(|a, b| b.score.total_cmp(&a.score));

    // Group by party.
    let speakers: Vec<String> = {
        let mut v: Vec<String> = statements.iter().map(|s| s.speaker.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let mut parties: Vec<(String, Vec<&Statement>)> = Vec::new();
    for s in &statements {
        let party = affiliation(s.role.as_deref(), &speakers, &names).unwrap_or(s.speaker.clone());
        match parties.iter_mut().find(|(p, _)| *p == party) {
            Some((_, v)) => v.push(s),
            None => parties.push((party, vec![s])),
        }
    }
    // Prominence: how many articles carry the party's statements, then how
    // central they are.
    let prominence = |v: &[&Statement]| {
        let articles: HashSet<ArticleId> = v
            .iter()
            .flat_map(|s| s.citations.iter().map(|c| c.article))
            .collect();
        articles.len() as f32 + v.iter().map(|s| s.score).fold(0.0, f32::max)
    };
    parties.sort_by(|a, b| prominence(&b.1).total_cmp(&prominence(&a.1)));

    let mut sections = Vec::new();
    let mut quotes_left = limits.quotes;
    for (party, members) in parties {
        if sections.len() >= limits.parties {
            break;
        }
        let mut sentences: Vec<CitedSentence> = Vec::new();
        let mut named: HashSet<&str> = HashSet::new();
        // Stance first: up to two reported positions.
        for s in members.iter().filter(|s| !s.direct).take(2) {
            named.insert(s.speaker.as_str());
            sentences.push(CitedSentence::new(s.text.clone(), s.citations.clone()));
        }
        // Then quotes, at most two per speaker.
        let mut per_speaker: HashMap<&str, usize> = HashMap::new();
        for s in members.iter().filter(|s| s.direct) {
            if quotes_left == 0 || sentences.len() >= 4 {
                break;
            }
            let n = per_speaker.entry(s.speaker.as_str()).or_default();
            if *n >= 2 {
                continue;
            }
            *n += 1;
            quotes_left -= 1;
            let first = named.insert(s.speaker.as_str());
            let who = crate::attribute(&s.speaker, s.role.as_deref(), first);
            let verb = match &s.listener {
                Some(l) => format!("told {l}"),
                None => "said".to_string(),
            };
            let words = s.text.trim_end_matches([',', ' ']);
            sentences.push(CitedSentence::new(
                format!("{who} {verb}: \u{201c}{words}\u{201d}"),
                s.citations.clone(),
            ));
        }
        // One reported sentence by a single-word name is too little to
        // stand as a party: the name may be misread.
        let thin = members.len() == 1
            && !members[0].direct
            && members[0].speaker.split_whitespace().count() == 1;
        if sentences.is_empty() || thin {
            continue;
        }
        let single_person =
            members.iter().all(|s| s.speaker == members[0].speaker) && party == members[0].speaker;
        let name = if takes_article(&party, articles) {
            format!("the {party}")
        } else {
            party.clone()
        };
        let heading = if single_person {
            format!("What {name} said")
        } else {
            capitalise(&format!("{} position", possessive(&name)))
        };
        sections.push(Section {
            heading,
            kind: SectionKind::Stance,
            paragraphs: vec![Paragraph {
                date: None,
                sentences,
            }],
        });
    }
    sections
}

/// Whether the sources write `name` capitalised inside a sentence at least
/// once: a capital that only ever follows a full stop ("Let Trump ...",
/// "Neighbors told ...") is the sentence's, not a name's.
fn written_as_name(name: &str, articles: &[&Article]) -> bool {
    articles.iter().any(|a| {
        let text = &a.text;
        let mut from = 0;
        while let Some(pos) = text[from..].find(name) {
            let at = from + pos;
            let before = text[..at].trim_end_matches([' ', '\u{a0}']);
            let prev = before.chars().next_back();
            let word_before = before.ends_with(|c: char| c.is_alphanumeric() || c == ',');
            if at > 0 && word_before && !matches!(prev, Some('.' | '!' | '?' | '\n')) {
                return true;
            }
            from = at + name.len();
        }
        false
    })
}

/// Every capitalised name the analyze stage found, and every speaker.
fn known_names(articles: &[&Article], analyses: &HashMap<ArticleId, &Analysis>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for a in articles {
        if let Some(an) = analyses.get(&a.id) {
            names.extend(an.entities.iter().map(|e| e.name.clone()));
            names.extend(an.quotes.iter().filter_map(|q| q.speaker.clone()));
        }
    }
    names.retain(|n| name_like(n));
    names.sort();
    names.dedup();
    names
}

/// A proper name: one to five words, each capitalised (small joining words
/// allowed inside), no digits.
fn name_like(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 5
        && !s.chars().any(|c| c.is_ascii_digit())
        && words.first().is_some_and(|w| starts_upper(w))
        && words.last().is_some_and(|w| starts_upper(w))
        && words.iter().all(|w| {
            starts_upper(w) || matches!(*w, "of" | "de" | "al" | "van" | "von" | "bin" | "the")
        })
        && !lede_text::is_stopword(&s.to_lowercase())
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// The statement a quote makes, if it has a named speaker and reads well.
fn statement(
    a: &Article,
    q: &Quote,
    a_entities: &[Entity],
    entity_names: &HashSet<&str>,
    names: &[String],
    outlets: &HashSet<String>,
    bank: &SentenceBank,
) -> Option<Statement> {
    let raw = q.speaker.as_deref()?.trim();
    // The speaker must be a name the analyze stage also found as an entity
    // (this leaves out "the report", "2016" and other misread subjects), and
    // not an outlet: "WPXI reported" sources a fact, it takes no side.
    if !name_like(raw)
        || !entity_names.contains(raw)
        || is_outlet(raw, outlets)
        || !names.iter().any(|n| n == raw)
    {
        return None;
    }
    let speaker = canonical(raw, names);
    let located = |name: &str| {
        a_entities
            .iter()
            .any(|e| e.kind == EntityKind::Location && e.name == name)
    };
    let quote_sentence = a.sentence(q.sentence);
    let listener = listener_of(quote_sentence, outlets);
    let score = bank.candidate(a.id, q.sentence).map_or(0.0, |c| c.score);
    if q.direct {
        // A place does not speak ("Jane Doe of Anaheim said" is not Anaheim),
        // and a quote is shown whole: a fragment starting mid-sentence reads
        // badly after "said:".
        let words = q.content.split_whitespace().count();
        if !(5..=60).contains(&words)
            || located(raw)
            || !q
                .content
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        {
            return None;
        }
        let mut citations: Vec<Citation> = a
            .sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| s.start < q.content_span.end && q.content_span.start < s.end)
            .map(|(i, _)| Citation {
                article: a.id,
                sentence: i,
            })
            .collect();
        if citations.is_empty() {
            citations.push(Citation {
                article: a.id,
                sentence: q.sentence,
            });
        }
        // The speaker's full name (and role) must be in what the quote cites:
        // the quote's own sentence often has only "he" or a surname.
        let named = crate::naming_sentence(a, &speaker, q.sentence)?;
        let role_sentence = q.role.as_ref().and(q.role_sentence);
        for extra in [Some(named), role_sentence].into_iter().flatten() {
            if !citations.iter().any(|c| c.sentence == extra) {
                citations.push(Citation {
                    article: a.id,
                    sentence: extra,
                });
            }
        }
        let text = q.content.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(Statement {
            stems: sorted_stems(&text),
            speaker,
            role: q.role.clone(),
            article: a.id,
            sentence: q.sentence,
            direct: true,
            text,
            citations,
            listener,
            score,
        })
    } else {
        // A reported position: the whole source sentence, when it reads on
        // its own; "according to" and label colons attribute facts, not stances.
        let cue = q.cue.as_deref().unwrap_or("").trim().to_lowercase();
        let verb = cue.split_whitespace().next().unwrap_or("");
        if !STANCE_VERBS.contains(&verb) {
            return None;
        }
        let c = bank.candidate(a.id, q.sentence)?;
        if !c.standalone || !speaker_takes_cue(&c.text, raw, &cue) {
            return None;
        }
        Some(Statement {
            stems: c.stems.clone(),
            speaker,
            role: q.role.clone(),
            article: a.id,
            sentence: q.sentence,
            direct: false,
            text: c.text.clone(),
            citations: vec![Citation {
                article: a.id,
                sentence: q.sentence,
            }],
            listener: None,
            score,
        })
    }
}

/// The fullest name the story gives a speaker: "Marek" is "Ivo Marek", and
/// "Mountaineer Ueli Steck" (a role word taken into the name) is "Ueli Steck"
/// when the story also names him so.
fn canonical(raw: &str, names: &[String]) -> String {
    if raw.split_whitespace().count() == 1 {
        return names
            .iter()
            .filter(|n| n.split_whitespace().count() > 1 && n.ends_with(&format!(" {raw}")))
            .max_by_key(|n| n.len())
            .cloned()
            .unwrap_or_else(|| raw.to_string());
    }
    names
        .iter()
        .filter(|n| n.split_whitespace().count() > 1 && raw.ends_with(&format!(" {n}")))
        .min_by_key(|n| n.len())
        .cloned()
        .unwrap_or_else(|| raw.to_string())
}

/// Whether the sentence names the speaker next to the cue verb ("Varga said
/// the plan...", "..., Wyatt said"): a stance sentence must say whose stance
/// it is, not leave it to a pronoun resolved elsewhere.
fn speaker_takes_cue(sentence: &str, speaker: &str, cue: &str) -> bool {
    let words: Vec<String> = sentence
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .trim_end_matches("'s")
                .trim_end_matches("’s")
                .to_lowercase()
        })
        .collect();
    let last = speaker
        .split_whitespace()
        .last()
        .unwrap_or("")
        .to_lowercase();
    let cue_first = cue.split_whitespace().next().unwrap_or("");
    let names: Vec<usize> = (0..words.len()).filter(|&i| words[i] == last).collect();
    let cues: Vec<usize> = (0..words.len())
        .filter(|&i| words[i] == cue_first)
        .collect();
    // "Alcorn is accused of ..." names who is accused, not who accuses.
    let passive = |c: usize| {
        c > 0
            && matches!(
                words[c - 1].as_str(),
                "is" | "was" | "were" | "are" | "been" | "being" | "be"
            )
    };
    names.iter().any(|&n| {
        cues.iter()
            .any(|&c| !passive(c) && ((c > n && c - n <= 8) || (n > c && n - c <= 2)))
    })
}

fn sorted_stems(text: &str) -> Vec<String> {
    let mut s = lede_text::content_stems(text);
    s.sort();
    s.dedup();
    s
}

/// The outlet a sentence says the speaker talked to ("told the Harbor Wire").
fn listener_of(sentence: &str, outlets: &HashSet<String>) -> Option<String> {
    let c = LISTENER.captures(sentence)?;
    let mut l = c[1].trim_end_matches(['.', ',']).to_string();
    while let Some(cut) = [" of", " de", " al"].iter().find_map(|w| l.strip_suffix(w)) {
        l = cut.to_string();
    }
    is_outlet(&l, outlets).then_some(l)
}

/// Whether a listener named after "told" is a news outlet.
fn is_outlet(listener: &str, outlets: &HashSet<String>) -> bool {
    let lower = listener.to_lowercase();
    let lower = lower.strip_prefix("the ").unwrap_or(&lower).to_string();
    outlets.contains(&lower)
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| MEDIA_WORDS.contains(&w))
}

/// The organisation or country a speaker's role ties them to, as a name the
/// story uses: "Kremlin spokesman" -> "Kremlin", "Valdorian Foreign
/// Minister" -> "Valdoria" (a demonym matched to a name it derives from),
/// "Kestrel negotiator" -> "Kestrel Republic" (a speaker whose name starts so).
fn affiliation(role: Option<&str>, speakers: &[String], names: &[String]) -> Option<String> {
    let role = role?;
    // The capitalised non-title words of the role, joined where adjacent.
    let mut phrases: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for w in role.split_whitespace() {
        let lower = w.trim_end_matches('.').to_lowercase();
        let lower = lower.trim_end_matches("'s").trim_end_matches("’s");
        if starts_upper(w) && !TITLE_WORDS.contains(&lower) {
            current.push(w.trim_end_matches("'s").trim_end_matches("’s"));
        } else if !current.is_empty() {
            phrases.push(current.join(" "));
            current.clear();
        }
    }
    if !current.is_empty() {
        phrases.push(current.join(" "));
    }
    let phrase = phrases.into_iter().next()?;
    // Prefer a name that is itself a speaker, then any name in the story; a
    // demonym goes to the name it derives from before matching itself.
    for pool in [speakers, names] {
        if let Some(n) = pool.iter().find(|n| is_demonym_of(&phrase, n)) {
            return Some(n.clone());
        }
        if let Some(n) = pool.iter().find(|n| **n == phrase) {
            return Some(n.clone());
        }
        if let Some(n) = pool
            .iter()
            .filter(|n| n.starts_with(&format!("{phrase} ")))
            .min_by_key(|n| n.len())
        {
            return Some(n.clone());
        }
    }
    // A word the story never uses as a name ("Humane Officer") groups nobody.
    None
}

/// "Valdorian" of "Valdoria", "Russian" of "Russia", "Chinese" of "China":
/// the demonym shares all but the name's last two letters with it.
fn is_demonym_of(adjective: &str, name: &str) -> bool {
    if name.contains(' ') || adjective == name {
        return false;
    }
    let common = adjective
        .chars()
        .zip(name.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let n = name.chars().count();
    common >= 4 && common + 2 >= n && is_adjective_like(adjective)
}

/// Endings of English demonyms and other adjectives of place.
fn is_adjective_like(w: &str) -> bool {
    ["an", "ian", "ese", "ish", "i", "ic", "ean"]
        .iter()
        .any(|e| w.ends_with(e))
}

/// Whether the sources mostly write `name` with "the" ("the Kestrel Republic").
fn takes_article(name: &str, articles: &[&Article]) -> bool {
    let (mut with, mut total) = (0, 0);
    for a in articles {
        let text = &a.text;
        let mut from = 0;
        while let Some(pos) = text[from..].find(name) {
            let at = from + pos;
            total += 1;
            if text[..at].to_lowercase().ends_with("the ") {
                with += 1;
            }
            from = at + name.len();
        }
    }
    total > 0 && with * 2 >= total
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Valdoria's", "Reyes'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affiliations_come_from_roles() {
        let speakers = vec!["Kestrel Republic".to_string(), "Valdoria".to_string()];
        let names = vec![
            "Kremlin".to_string(),
            "Kestrel City".to_string(),
            "Northern League".to_string(),
        ];
        let aff = |r: &str| affiliation(Some(r), &speakers, &names);
        assert_eq!(
            aff("Valdorian Foreign Minister").as_deref(),
            Some("Valdoria")
        );
        assert_eq!(
            aff("Kestrel negotiator").as_deref(),
            Some("Kestrel Republic")
        );
        assert_eq!(aff("Kremlin spokesman").as_deref(), Some("Kremlin"));
        assert_eq!(
            aff("Northern League envoy").as_deref(),
            Some("Northern League")
        );
        assert_eq!(aff("Foreign ministry spokesman"), None);
        assert_eq!(aff("City engineer"), None);
        assert_eq!(aff("director of the site"), None);
        // A role word the story never uses as a name groups nobody.
        assert_eq!(aff("Humane Officer"), None);
    }

    #[test]
    fn demonyms_match_their_names() {
        assert!(is_demonym_of("Russian", "Russia"));
        assert!(is_demonym_of("Chinese", "China"));
        assert!(is_demonym_of("Ukrainian", "Ukraine"));
        assert!(!is_demonym_of("Russian", "Russell"));
        assert!(!is_demonym_of("Kestrel", "Kestrel Republic"));
    }

    #[test]
    fn outlets_are_told_by_name() {
        let outlets = HashSet::from(["westport daily".to_string()]);
        assert!(is_outlet("Meridian News Agency", &outlets));
        assert!(is_outlet("Westport Daily", &outlets));
        assert!(!is_outlet("Ivo Marek", &outlets));
        let told = |s: &str| listener_of(s, &outlets);
        assert_eq!(
            told("Bell told Meridian News Agency that talks would go on.").as_deref(),
            Some("Meridian News Agency")
        );
        assert_eq!(told("Marek told reporters on Monday."), None);
        assert_eq!(told("Marek told Castell he would stay."), None);
        assert_eq!(
            told("Castell told the Westport Daily of her plans.").as_deref(),
            Some("the Westport Daily")
        );
    }

    #[test]
    fn names_and_possessives() {
        assert!(name_like("Ivo Marek"));
        assert!(name_like("Bank of Valdoria"));
        assert!(!name_like("the quota schedule"));
        assert!(!name_like("2016"));
        assert!(!name_like("He"));
        assert_eq!(possessive("Valdoria"), "Valdoria's");
        assert_eq!(possessive("Tomas Reyes"), "Tomas Reyes'");
    }
}
