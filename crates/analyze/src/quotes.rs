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
//! (that) ...`, `..., X said`, `According to X, ...` or `..., according to X`.
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
const BARE: &str = r"(?:[Oo]fficials|[Aa]nalysts|[Ee]xperts|[Ww]itnesses|[Rr]esidents|[Pp]olice|[Aa]uthorities|[Ii]nvestigators|[Cc]ritics|[Ss]ources|[Aa]ides|[Dd]iplomats|[Dd]octors|[Ss]cientists|[Ee]conomists|[Oo]bservers|[Pp]rosecutors|[Ll]awyers|[Oo]rgani[sz]ers|[Aa]ctivists|[Pp]rotesters|[Rr]ebels|[Ss]upporters|[Oo]pponents|[Rr]egulators|[Ee]ngineers|[Tt]roops|[Ss]oldiers)";
const LOWROLE: &str = r"(?:(?:chief|executive|spokes(?:man|woman|person)|minister|secretary|president|official|director|leader|envoy|ambassador|deputy|foreign|senior|top|former|general|press|prime|interior|defen[cs]e|finance|special|head|chairman|chairwoman|commissioner|governor|mayor)\s+){1,4}";
const CUES: &str = r"said|says|say|told|tells|added|adds|stated|states|explained|explains|noted|notes|wrote|writes|asked|asks|announced|announces|declared|declares|insisted|insists|warned|warns|argued|argues|claimed|claims|confirmed|confirms|continued|continues|replied|replies|responded|recalled|recalls|acknowledged|acknowledges|admitted|admits|observed|remarked|suggested|suggests|urged|urges|cautioned|predicted|predicts|conceded|complained|emphasi[sz]ed|stressed|stresses|maintained|tweeted|posted|promised|vowed|denied|denies|countered|concluded|shouted|yelled|cried|whispered|pleaded|agreed|testified|reported|boasted|quipped|joked|wondered|recounted";
const ICUES: &str = r"said|says|added|adds|stated|states|announced|announces|warned|warns|argued|argues|claimed|claims|insisted|insists|noted|notes|explained|confirmed|confirms|denied|denies|acknowledged|admitted|predicted|predicts|believes|believed|suggested|estimated|reported|maintained|stressed|emphasi[sz]ed|conceded|concluded|wrote|writes|revealed|disclosed|alleged|alleges|contended|contends";
const OBJ: &str = r"(?:reporters|journalists|me|us|him|her|them|(?:the|a|an)\s+[^\s,;:!?\x22“”()\[\]]+(?:\s+[^\s,;:!?\x22“”()\[\]]+)?|[A-ZÀ-ÖØ-ÞĀ-ž][^\s,;:!?\x22“”()\[\]]*(?:\s+[A-ZÀ-ÖØ-ÞĀ-ž][^\s,;:!?\x22“”()\[\]]*){0,3})";
const WHEN: &str = r"(?:\s+(?:on|in|at|late|early|last|this|during|after|before|from|yesterday|today|earlier|later)(?:\s+[^,:;.\x22“”]{1,40}?)?)?";

fn speaker() -> String {
    format!(
        r"(?P<spk>(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t)\b|(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+(?:[^\s,;:!?\x22“”()\[\]]+\s+){{0,5}}?{HEADS}\b|{BARE}\b|{NAME}(?:\s+{LOWROLE}{NAME})?(?:\s+(?:officials?|spokes(?:man|woman|person)|sources?|executives?)\b)?)"
    )
}

struct Res {
    right_after: Regex,
    right_before: Regex,
    right_according: Regex,
    left_end: Regex,
    left_according: Regex,
    left_any: Regex,
    ind_hint: Regex,
    ind_according_first: Regex,
    ind_according_last: Regex,
    spk_before: Regex,
    after_cue: Regex,
    after_told: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let spk = speaker();
        let appos = r"(?:,[^,\x22“”]{1,80},)?";
        let re = |s: String| crate::compile(&s);
        Res {
            right_after: re(format!(r"^\s*,?\s*(?P<cue>{CUES})\s+{spk}")),
            right_before: re(format!(
                r"^\s*,?\s*{spk}{appos}\s+(?:[a-z]+ly\s+)?(?P<cue>{CUES})\b"
            )),
            right_according: re(format!(r"^\s*,?\s*(?P<cue>(?i:according\s+to))\s+{spk}")),
            left_end: re(format!(
                r"{spk}{appos}\s+(?:[a-z]+ly\s+)?(?:(?P<tcue>told|tells|assured|informed|asked)\s+{OBJ}|(?P<cue>{CUES})){WHEN}\s*[:,]?\s*(?:that\s+)?$"
            )),
            left_according: re(format!(r"(?P<cue>(?i:according\s+to))\s+{spk}\s*,\s*$")),
            left_any: re(format!(
                r"{spk}\s+(?:[a-z]+ly\s+)?(?P<cue>{CUES}|called|calls|described|describes|hailed|dubbed|termed|branded)\b"
            )),
            ind_hint: re(format!(
                r"\b(?:{ICUES}|told|tells|assured|informed|reminded|[Aa]ccording)\b"
            )),
            ind_according_first: re(format!(
                r"^(?P<cue>(?i:according\s+to))\s+{spk}(?:,[^,]{{1,80}})?,\s+"
            )),
            ind_according_last: re(format!(
                r"^(?P<cue>(?i:according\s+to))\s+{spk}[^,]{{0,60}}$"
            )),
            spk_before: re(format!(r"{spk}{appos}\s+(?:[a-z]+ly\s+)?$")),
            after_cue: re(format!(r"^{WHEN},?\s+(?:that\s+)?")),
            after_told: re(format!(r"^\s+{OBJ}{WHEN},?\s+(?:that\s+)?")),
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
            | "yesterday"
            | "today"
            | "earlier"
            | "later"
            | "during"
            | "after"
            | "before"
            | "from"
            | "recently"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "when"
            | "while"
            | "as"
    ) || (!t.contains(' ') && first.ends_with("ly"))
}

/// A resolved speaker.
#[derive(Debug, Clone, Default)]
struct Speaker {
    name: Option<String>,
    span: Option<Span>,
    role: Option<(String, usize)>,
    person: Option<usize>,
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
    for (si, _) in busy.iter().enumerate().filter(|(_, b)| !**b) {
        if let Some(q) = f.indirect(si) {
            out.push(q);
        }
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
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        if c == '\n' {
            newline_run += 1;
            if newline_run >= 2 {
                open = None; // a paragraph ends: drop an unclosed quote
            }
        } else if !c.is_whitespace() {
            newline_run = 0;
        }
        let len = c.len_utf8();
        match c {
            '“' => open = Some((i, i + len)),
            '”' => {
                if let Some((o, oe)) = open.take() {
                    push_marks(text, o, oe, i, i + len, &mut out);
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
        let r_end = r_end.max(m.close_end).min(text.len());
        let right = &text[m.close_end..r_end];
        // Left context: from the sentence start (or the previous quote) to the opening mark.
        let mut l_start = sent1.start.min(m.open);
        if qi > 0 {
            l_start = l_start.max(all[qi - 1].close_end.min(m.open));
        }
        // Only the last 200 bytes matter for attribution; this bounds the cost.
        if m.open > l_start + 200 {
            l_start = m.open - 200;
            while !text.is_char_boundary(l_start) {
                l_start += 1;
            }
        }
        let left = &text[l_start..m.open];

        let mut found: Option<(Captures, usize)> = None;
        for re in [&r.right_after, &r.right_before, &r.right_according] {
            if let Some(c) = re.captures(right) {
                found = Some((c, m.close_end));
                break;
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
        if found.is_none() {
            if let Some(c) = r.left_any.captures_iter(left).last() {
                found = Some((c, l_start));
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
            if let Some(spk) = spk {
                let sp = self.resolve(spk);
                q.speaker = sp.name;
                q.speaker_span = sp.span;
                if let Some((role, rs)) = sp.role {
                    q.role = Some(role);
                    q.role_sentence = Some(rs);
                }
            }
        } else if left.trim().is_empty() {
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
                let before = s[..spk.start].trim_end();
                let after = &s[hm.end()..];
                if before.ends_with(',') && is_trailing_tail(after) {
                    // "..., Ortiz said on Monday."
                    hit = Some((spk, cue, 0, before.len() - 1));
                } else {
                    let told = matches!(
                        hm.as_str(),
                        "told" | "tells" | "assured" | "informed" | "reminded"
                    );
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
        let cue_span = Some(Span::new(sp.start + cue_rel.start, sp.start + cue_rel.end));
        let cue = Some(s[cue_rel.start..cue_rel.end].to_string());
        let speaker = self.resolve(spk);
        speaker.span?;
        Some(Quote {
            sentence: si,
            content: content.to_string(),
            content_span: Span::new(cstart, cstart + content.len()),
            speaker: speaker.name,
            speaker_span: speaker.span,
            role: speaker.role.as_ref().map(|r| r.0.clone()),
            role_sentence: speaker.role.map(|r| r.1),
            cue,
            cue_span,
            direct: false,
        })
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
            if first.chars().next().is_some_and(char::is_uppercase)
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
