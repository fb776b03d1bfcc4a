//! Named entities by rules on capitalised word sequences.
//!
//! Per sentence, maximal runs of capitalised words (joined by "of" after words
//! like "Ministry"/"Gulf", and by name particles like "de", "van", "bin") are
//! candidates. A candidate is then
//!
//! 1. stripped of calendar words and (at the start of a sentence or quote) of
//!    function words ("The", "On"), since the first word of a sentence is
//!    capitalised anyway;
//! 2. a person when an honorific ("Mr.", "Dr.") or a title ("Interior Secretary
//!    Ken Salazar", "BP chief executive Tony Hayward") precedes it or an
//!    apposition follows it ("Ken Salazar, the interior secretary,"): these
//!    give the person's role;
//! 3. an organisation by its last word ("... Ministry", "... Inc.") or a list
//!    of well-known names, a place by the gazetteer, a suffix ("... County") or
//!    "in X";
//! 4. otherwise a person when it is two to four name-like words or is followed
//!    by "said"; a single word is a person when it is the surname of a person
//!    named in full elsewhere in the article; the rest is `Other`.
//!
//! People are gathered into records by full name so that "Salazar" and
//! "Mr. Salazar" resolve to "Ken Salazar" and carry the role found anywhere.
//!
//! With a trained [`EntityModel`], [`index_with_model`] takes the names and
//! their types from the tagger instead of steps 1-4, and finds the roles of
//! people with the same title and apposition rules (plus titles written in
//! capitals right before the name: "Special Envoy Mara Quell").

use crate::lexicon::{
    honorific_gender, is_demonym, is_known_org, is_loc_suffix, is_not_name, is_of_loc_head,
    is_of_org_head, is_org_suffix, is_place, is_role_head, is_role_modifier, role_gender, takes_of,
    Gender,
};
use crate::ner::{tokenize, EntityModel};
use crate::Ctx;
use lede_model::{Entity, EntityKind, Span};
use lede_text::is_stopword;

/// A person named in the article, gathered over all mentions.
#[derive(Debug, Clone)]
pub(crate) struct PersonRec {
    /// The fullest form of the name seen ("Ken Salazar").
    pub full: String,
    /// Lower-cased last word ("salazar").
    pub surname: String,
    /// Role phrase and the sentence where it was found.
    pub role: Option<(String, usize)>,
    pub gender: Option<Gender>,
}

/// One entity mention, and for people the record it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub entity: Entity,
    pub person: Option<usize>,
}

/// Entities of an article plus the person records the quote finder needs.
#[derive(Debug, Default)]
pub(crate) struct EntityIndex {
    pub mentions: Vec<Mention>,
    pub persons: Vec<PersonRec>,
}

impl EntityIndex {
    /// Mentions overlapping `span` (mentions are sorted and do not overlap).
    fn overlapping(&self, span: Span) -> impl Iterator<Item = &Mention> {
        let k = self
            .mentions
            .partition_point(|m| m.entity.span.end <= span.start);
        self.mentions[k..]
            .iter()
            .take_while(move |m| m.entity.span.start < span.end)
            .filter(move |m| span.start < m.entity.span.end)
    }

    /// The person record of a mention overlapping `span`, if any.
    pub fn person_at(&self, span: Span) -> Option<(usize, &Mention)> {
        self.overlapping(span)
            .find_map(|m| m.person.map(|p| (p, m)))
    }

    /// Any mention overlapping `span`.
    pub fn mention_at(&self, span: Span) -> Option<&Mention> {
        self.overlapping(span).next()
    }

    /// The person whose surname (or whole one-word name) is `word`, preferring
    /// one first named before `pos`.
    pub fn person_by_surname(&self, word: &str) -> Option<usize> {
        let w = word.to_lowercase();
        self.persons
            .iter()
            .position(|p| p.surname == w && p.full.contains(' '))
            .or_else(|| self.persons.iter().position(|p| p.surname == w))
    }
}

#[derive(Debug, Clone)]
struct Tok<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    lower: String,
    cap: bool,
    /// The token ended in a possessive "'s" (excluded from `end`).
    poss: bool,
}

fn tokens<'a>(text: &'a str, sent: Span) -> Vec<Tok<'a>> {
    let s = &text[sent.start..sent.end];
    lede_text::words(s)
        .into_iter()
        .map(|t| {
            let mut end = t.end;
            let mut poss = false;
            for suffix in ["'s", "’s", "'S", "’S"] {
                if t.text.len() > suffix.len() && t.text.ends_with(suffix) {
                    end -= suffix.len();
                    poss = true;
                    break;
                }
            }
            let tt = &s[t.start..end];
            Tok {
                start: sent.start + t.start,
                end: sent.start + end,
                text: tt,
                lower: tt.to_lowercase(),
                cap: tt.chars().next().is_some_and(char::is_uppercase),
                poss,
            }
        })
        .collect()
}

/// Abbreviated titles written with a dot that the tokenizer leaves out.
fn dotted_abbrev(lower: &str) -> bool {
    matches!(
        lower,
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "sen"
            | "gen"
            | "gov"
            | "rep"
            | "lt"
            | "col"
            | "capt"
            | "sgt"
            | "adm"
            | "prof"
            | "st"
            | "rev"
            | "maj"
            | "cpl"
            | "pvt"
            | "fr"
            | "hon"
    )
}

/// Whether two adjacent tokens can belong to one name (only spaces between,
/// or ". " after an initial or an abbreviated title).
fn joinable(text: &str, a: &Tok, b: &Tok) -> bool {
    let gap = &text[a.end..b.start];
    if a.poss {
        return false;
    }
    if !gap.is_empty() && gap.bytes().all(|c| c == b' ' || c == b'\t') {
        return true;
    }
    if let Some(rest) = gap.strip_prefix('.') {
        let single = a.text.chars().count() == 1 && a.cap;
        return (single || dotted_abbrev(&a.lower))
            && !rest.is_empty()
            && rest.bytes().all(|c| c == b' ');
    }
    false
}

fn is_particle(lower: &str) -> bool {
    matches!(
        lower,
        "de" | "van"
            | "von"
            | "der"
            | "den"
            | "al"
            | "bin"
            | "ibn"
            | "da"
            | "del"
            | "du"
            | "dos"
            | "das"
            | "le"
            | "la"
            | "el"
            | "abu"
            | "ben"
    )
}

/// Text of `toks[a..=b]`, including the dot of an abbreviated last word.
fn phrase(text: &str, toks: &[Tok], a: usize, b: usize) -> (String, Span) {
    let mut end = toks[b].end;
    let keeps_dot = dotted_abbrev(&toks[b].lower)
        || matches!(
            toks[b].lower.as_str(),
            "inc" | "corp" | "ltd" | "co" | "jr" | "sr" | "bros"
        );
    if keeps_dot && text[end..].starts_with('.') {
        end += 1;
    }
    (
        text[toks[a].start..end].to_string(),
        Span::new(toks[a].start, end),
    )
}

fn is_acronym(t: &str) -> bool {
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    (2..=6).contains(&letters) && t.chars().all(|c| c.is_uppercase() || c == '.' || c == '&')
}

const CUE_WORDS: &[&str] = &[
    "said",
    "says",
    "told",
    "tells",
    "added",
    "stated",
    "announced",
    "warned",
    "argued",
    "claimed",
    "insisted",
    "explained",
    "noted",
    "wrote",
    "asked",
    "replied",
    "confirmed",
    "denied",
];

#[derive(Debug, Clone)]
struct Cand {
    span: Span,
    name: String,
    sentence: usize,
    kind: Option<EntityKind>,
    role: Option<String>,
    gender: Option<Gender>,
    initial: bool,
    after_in: bool,
    before_cue: bool,
    words: usize,
}

/// Find the entities of the article and gather people into records.
pub(crate) fn index(ctx: &Ctx) -> EntityIndex {
    let text = ctx.text;
    let mut cands: Vec<Cand> = Vec::new();
    for (si, sent) in ctx.sents.iter().enumerate() {
        if sent.start >= sent.end {
            continue;
        }
        let toks = tokens(text, *sent);
        let n = toks.len();
        let mut i = 0;
        while i < n {
            if !toks[i].cap {
                i += 1;
                continue;
            }
            let a = i;
            let mut b = i + 1;
            while b < n {
                if joinable(text, &toks[b - 1], &toks[b]) {
                    if toks[b].cap {
                        b += 1;
                        continue;
                    }
                    let l = toks[b].lower.as_str();
                    let conn_ok = (matches!(l, "of" | "for") && takes_of(&toks[b - 1].lower))
                        || is_particle(l);
                    if conn_ok
                        && b + 1 < n
                        && toks[b + 1].cap
                        && joinable(text, &toks[b], &toks[b + 1])
                    {
                        b += 2;
                        continue;
                    }
                }
                break;
            }
            classify(text, &toks, a, b, si, *sent, &mut cands);
            i = b;
        }
    }
    resolve(cands)
}

/// Classify the capitalised run `toks[a..b)` of sentence `si`.
fn classify(
    text: &str,
    toks: &[Tok],
    mut a: usize,
    mut b: usize,
    si: usize,
    sent: Span,
    out: &mut Vec<Cand>,
) {
    let gap_before = |k: usize| -> &str {
        if k == 0 {
            &text[sent.start..toks[0].start]
        } else {
            &text[toks[k - 1].end..toks[k].start]
        }
    };
    let mut initial = a == 0 || gap_before(a).contains(['"', '“', '‘', '(', ':', '—', '[']);
    // Leading calendar words, function words, honorific handling.
    while a < b {
        let l = toks[a].lower.as_str();
        let drop = is_not_name(l)
            || (is_stopword(l) && (initial || l != "the") && !(l == "new" && b - a > 1))
            || l == "i";
        if honorific_gender(l).is_some() {
            break;
        }
        if !drop {
            break;
        }
        a += 1;
        initial = false;
    }
    while b > a {
        let l = toks[b - 1].lower.as_str();
        if is_not_name(l) || is_stopword(l) || (matches!(l, "of" | "for") || is_particle(l)) {
            b -= 1;
        } else {
            break;
        }
    }
    if a >= b {
        return;
    }
    let prev_word = if a > 0 {
        Some(toks[a - 1].lower.as_str())
    } else {
        None
    };
    let after_in = matches!(
        prev_word,
        Some("in" | "near" | "across" | "outside" | "inside" | "throughout" | "towards" | "toward")
    ) && joinable(text, &toks[a - 1], &toks[a]);
    // "flew to Eastbrook", "fled into Norvania".
    let after_in = after_in
        || (a >= 2
            && matches!(prev_word, Some("to" | "into"))
            && matches!(
                toks[a - 2].lower.as_str(),
                "flew"
                    | "travelled"
                    | "traveled"
                    | "went"
                    | "returned"
                    | "moved"
                    | "headed"
                    | "fled"
                    | "came"
                    | "sailed"
                    | "drove"
                    | "deployed"
                    | "arrived"
                    | "trip"
                    | "visit"
                    | "journey"
                    | "flight"
                    | "flights"
                    | "road"
                    | "way"
                    | "border"
            ));
    let before_cue = b < n_of(toks)
        && CUE_WORDS.contains(&toks[b].lower.as_str())
        && (joinable(text, &toks[b - 1], &toks[b])
            || text[toks[b - 1].end..toks[b].start].trim() == ",");
    let mut cand = Cand {
        span: Span::new(0, 0),
        name: String::new(),
        sentence: si,
        kind: None,
        role: None,
        gender: None,
        initial,
        after_in,
        before_cue,
        words: 0,
    };
    let set_name = |c: &mut Cand, a: usize, b: usize| {
        let (name, span) = phrase(text, toks, a, b - 1);
        c.name = name;
        c.span = span;
        c.words = b - a;
    };

    // Honorifics: "Mr. Salazar", "Dr Lena Ortiz".
    if let Some(g) = honorific_gender(&toks[a].lower) {
        let mut k = a;
        let mut gender = g;
        while k < b {
            match honorific_gender(&toks[k].lower) {
                Some(g2) => {
                    gender = gender.or(g2);
                    k += 1;
                }
                None => break,
            }
        }
        if k >= b {
            return;
        }
        set_name(&mut cand, k, b);
        cand.kind = Some(EntityKind::Person);
        cand.gender = gender;
        cand.initial = false;
        out.push(cand);
        return;
    }

    let full_lower = toks[a..b]
        .iter()
        .map(|t| t.lower.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let last = toks[b - 1].lower.as_str();

    // Titles inside the run: "Interior Secretary Ken Salazar", "Secretary of State X".
    let mut h = b - 1;
    while h > a {
        h -= 1;
        if !is_role_head(&toks[h].lower) {
            continue;
        }
        let mut name_start = h + 1;
        if toks[name_start].lower == "of" && name_start + 2 < b {
            name_start += 2;
        }
        if name_start >= b || b - name_start > 4 {
            break;
        }
        let name_last = toks[b - 1].lower.as_str();
        let name_full = toks[name_start..b]
            .iter()
            .map(|t| t.lower.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if is_org_suffix(name_last)
            || is_place(&name_full)
            || is_known_org(&name_full)
            || toks[name_start..b].iter().any(|t| is_demonym(&t.lower))
        {
            break;
        }
        let (role, _) = phrase(text, toks, a, name_start - 1);
        cand.gender = toks[a..name_start]
            .iter()
            .find_map(|t| role_gender(&t.lower));
        cand.role = Some(role);
        set_name(&mut cand, name_start, b);
        cand.kind = Some(EntityKind::Person);
        cand.initial = false;
        out.push(cand);
        return;
    }

    set_name(&mut cand, a, b);
    // The word before "of": "Norvania Ministry of Water", "Gulf of Mexico".
    let before_of = (a + 1..b)
        .find(|&k| toks[k].lower == "of")
        .map(|k| toks[k - 1].lower.as_str());
    if is_known_org(&full_lower)
        || (b - a >= 2 && is_org_suffix(last))
        || before_of.is_some_and(is_of_org_head)
    {
        cand.kind = Some(EntityKind::Organization);
    } else if is_place(&full_lower)
        || full_lower.strip_prefix("the ").is_some_and(is_place)
        || (b - a >= 2 && is_loc_suffix(last))
        || before_of.is_some_and(is_of_loc_head)
    {
        cand.kind = Some(EntityKind::Location);
    } else if b - a == 1 && is_acronym(toks[a].text) {
        cand.kind = Some(EntityKind::Organization);
    } else if toks[a..b].iter().any(|t| is_demonym(&t.lower)) {
        cand.kind = Some(EntityKind::Other);
    }
    if cand.kind.is_none() || cand.kind == Some(EntityKind::Other) {
        // Role phrase before the name: "BP chief executive Tony Hayward".
        if let Some((role, g)) = role_before(text, toks, a) {
            cand.kind = Some(EntityKind::Person);
            cand.gender = g;
            cand.role = Some(role);
            cand.initial = false;
        } else if let Some((role, g)) = apposition_after(text, toks, b) {
            cand.kind = Some(EntityKind::Person);
            cand.gender = g;
            cand.role = Some(role);
        }
    }
    if cand.kind.is_none()
        && (2..=4).contains(&(b - a))
        && toks[a..b].iter().all(|t| {
            t.cap
                && !is_not_name(&t.lower)
                && (t.text.chars().count() == 1 || !is_acronym(t.text))
                && !is_role_head(&t.lower)
                && !is_role_modifier(&t.lower)
        })
    {
        cand.kind = Some(EntityKind::Person);
    }
    out.push(cand);
}

fn n_of(toks: &[Tok]) -> usize {
    toks.len()
}

/// A lower-case role phrase right before `toks[a]`: "BP chief executive", "the spokesman".
fn role_before(text: &str, toks: &[Tok], a: usize) -> Option<(String, Option<Gender>)> {
    if a == 0 {
        return None;
    }
    let head = &toks[a - 1];
    if head.cap || !is_role_head(&head.lower) || !joinable(text, head, &toks[a]) {
        return None;
    }
    let mut k = a - 1;
    while k > 0 {
        let p = &toks[k - 1];
        if !joinable(text, p, &toks[k]) {
            break;
        }
        let l = p.lower.as_str();
        if matches!(l, "the" | "a" | "an") {
            break;
        }
        let lowercase_role = is_role_head(l) || is_role_modifier(l);
        let cap_modifier = p.cap && !is_stopword(l) && !is_not_name(l);
        if lowercase_role || cap_modifier || (p.poss && !is_stopword(l)) {
            k -= 1;
            if cap_modifier {
                // Take the whole capitalised modifier ("White House") then stop.
                while k > 0
                    && toks[k - 1].cap
                    && !is_stopword(&toks[k - 1].lower)
                    && joinable(text, &toks[k - 1], &toks[k])
                {
                    k -= 1;
                }
                break;
            }
        } else {
            break;
        }
    }
    let g = toks[k..a].iter().find_map(|t| role_gender(&t.lower));
    Some((phrase(text, toks, k, a - 1).0, g))
}

/// An apposition after the name: ", the interior secretary," / ", BP's chief executive,".
fn apposition_after(text: &str, toks: &[Tok], b: usize) -> Option<(String, Option<Gender>)> {
    if b == 0 || b >= toks.len() {
        return None;
    }
    if text[toks[b - 1].end..toks[b].start].trim() != "," {
        return None;
    }
    let mut k = b;
    // An age: "Lena Ortiz, 54, the mayor".
    if toks[k].text.chars().all(|c| c.is_ascii_digit())
        && k + 1 < toks.len()
        && text[toks[k].end..toks[k + 1].start].trim() == ","
    {
        k += 1;
    }
    if matches!(toks[k].lower.as_str(), "the" | "a" | "an") {
        k += 1;
    }
    let start = k;
    let mut end = None;
    while k < toks.len() && k - start < 8 {
        let l = toks[k].lower.as_str();
        if matches!(
            l,
            "who"
                | "which"
                | "said"
                | "says"
                | "told"
                | "and"
                | "has"
                | "had"
                | "was"
                | "is"
                | "were"
                | "will"
                | "would"
        ) {
            break;
        }
        end = Some(k);
        let next_gap = toks.get(k + 1).map(|n| &text[toks[k].end..n.start]);
        match next_gap {
            Some(g) if g.trim().is_empty() => k += 1,
            _ => break,
        }
    }
    let end = end?;
    // The phrase must end in a role head, or have one followed by of/for/at.
    let ok = (start..=end).any(|j| {
        is_role_head(&toks[j].lower)
            && (j == end || matches!(toks[j + 1].lower.as_str(), "of" | "for" | "at"))
    });
    if !ok || start > end {
        return None;
    }
    let g = toks[start..=end].iter().find_map(|t| role_gender(&t.lower));
    Some((phrase(text, toks, start, end).0, g))
}

/// Second pass: people records, surnames, single words.
fn resolve(mut cands: Vec<Cand>) -> EntityIndex {
    let mut idx = EntityIndex::default();
    // Full names first, in text order.
    let mut rec_of: Vec<Option<usize>> = vec![None; cands.len()];
    for (ci, c) in cands.iter().enumerate() {
        if c.kind != Some(EntityKind::Person) || c.words < 2 {
            continue;
        }
        let key = c.name.to_lowercase();
        let pos = idx
            .persons
            .iter()
            .position(|p| p.full.to_lowercase() == key);
        let pi = match pos {
            Some(p) => p,
            None => {
                idx.persons.push(PersonRec {
                    full: c.name.clone(),
                    surname: key.rsplit(' ').next().unwrap_or("").to_string(),
                    role: None,
                    gender: None,
                });
                idx.persons.len() - 1
            }
        };
        rec_of[ci] = Some(pi);
    }
    // Known names of organisations and places, to label later single words.
    let mut known: std::collections::HashMap<String, EntityKind> = std::collections::HashMap::new();
    for c in &cands {
        if let Some(k @ (EntityKind::Organization | EntityKind::Location)) = c.kind {
            known.entry(c.name.clone()).or_insert(k);
        }
    }
    let known_kind = |name: &str| known.get(name).copied();
    for ci in 0..cands.len() {
        if rec_of[ci].is_some() {
            continue;
        }
        let c = &cands[ci];
        if c.words == 1 {
            let surname_of = idx.person_by_surname(&c.name);
            match c.kind {
                Some(EntityKind::Person) | None => {
                    if let Some(p) = surname_of {
                        rec_of[ci] = Some(p);
                        cands[ci].kind = Some(EntityKind::Person);
                        continue;
                    }
                }
                _ => {}
            }
        }
        let c = &cands[ci];
        if c.kind.is_none() {
            let k = known_kind(&c.name)
                .or(if c.after_in {
                    Some(EntityKind::Location)
                } else {
                    None
                })
                .or(if c.before_cue && !c.initial {
                    Some(EntityKind::Person)
                } else {
                    None
                })
                .or(if c.before_cue && c.initial && c.words == 1 {
                    Some(EntityKind::Person)
                } else {
                    None
                })
                .or(if c.initial {
                    None
                } else {
                    Some(EntityKind::Other)
                });
            cands[ci].kind = k;
        }
        if cands[ci].kind == Some(EntityKind::Person) {
            let key = cands[ci].name.to_lowercase();
            let pi = match idx
                .persons
                .iter()
                .position(|p| p.full.to_lowercase() == key)
            {
                Some(p) => p,
                None => {
                    idx.persons.push(PersonRec {
                        full: cands[ci].name.clone(),
                        surname: key.rsplit(' ').next().unwrap_or("").to_string(),
                        role: None,
                        gender: None,
                    });
                    idx.persons.len() - 1
                }
            };
            rec_of[ci] = Some(pi);
        }
    }
    // Roles and genders onto the records (first role found wins).
    for (ci, c) in cands.iter().enumerate() {
        if let Some(pi) = rec_of[ci] {
            let rec = &mut idx.persons[pi];
            if rec.role.is_none() {
                if let Some(r) = &c.role {
                    rec.role = Some((r.clone(), c.sentence));
                }
            }
            if rec.gender.is_none() {
                rec.gender = c.gender;
            }
        }
    }
    for (ci, c) in cands.into_iter().enumerate() {
        let Some(kind) = c.kind else { continue };
        let person = rec_of[ci];
        let role = match person {
            Some(pi) => idx.persons[pi].role.as_ref().map(|r| r.0.clone()),
            None => None,
        };
        idx.mentions.push(Mention {
            entity: Entity {
                name: c.name,
                kind,
                role,
                sentence: c.sentence,
                span: c.span,
            },
            person,
        });
    }
    idx
}

/// Find the entities with a trained tagger: names and types from the model,
/// roles, genders and person records from the rules of the rule-based path.
pub(crate) fn index_with_model(ctx: &Ctx, model: &EntityModel) -> EntityIndex {
    let text = ctx.text;
    let sent_tokens: Vec<Vec<crate::ner::TokenSpan>> = ctx
        .sents
        .iter()
        .map(|s| {
            let mut toks = tokenize(&text[s.start..s.end]);
            for t in &mut toks {
                t.start += s.start;
                t.end += s.start;
            }
            toks
        })
        .collect();
    let strings: Vec<Vec<&str>> = sent_tokens
        .iter()
        .map(|ts| ts.iter().map(|t| t.text(text)).collect())
        .collect();
    let spans = model.spans_document(&strings);
    let mut cands = Vec::new();
    for (si, sent_spans) in spans.iter().enumerate() {
        if sent_spans.is_empty() {
            continue;
        }
        let toks = tokens(text, ctx.sents[si]);
        for &(a, b, ty) in sent_spans {
            let (start, end) = (sent_tokens[si][a].start, sent_tokens[si][b - 1].end);
            let kind = match ty {
                "PER" => EntityKind::Person,
                "ORG" => EntityKind::Organization,
                "LOC" => EntityKind::Location,
                _ => EntityKind::Other,
            };
            // The same name in the word tokens of the rules.
            let ra = toks.partition_point(|t| t.start < start);
            let rb = toks.partition_point(|t| t.start < end);
            let mut cand = Cand {
                span: Span::new(start, end),
                name: text[start..end].to_string(),
                sentence: si,
                kind: Some(kind),
                role: None,
                gender: None,
                initial: false,
                after_in: false,
                before_cue: false,
                words: if ra < rb { rb - ra } else { b - a },
            };
            if kind == EntityKind::Person && ra < rb {
                if let Some(g) = (ra > 0)
                    .then(|| honorific_gender(&toks[ra - 1].lower))
                    .flatten()
                {
                    cand.gender = g;
                }
                if let Some((role, g)) = title_before(text, &toks, ra)
                    .or_else(|| role_before(text, &toks, ra))
                    .or_else(|| role_comma_before(text, &toks, ra))
                    .or_else(|| apposition_after(text, &toks, rb))
                {
                    cand.role = Some(role);
                    cand.gender = cand.gender.or(g);
                }
            }
            cands.push(cand);
        }
    }
    resolve(cands)
}

/// Whether `b` follows `a` within one phrase: [`joinable`], or after a
/// possessive "'s" ("Norvania's Foreign Minister").
fn joins_in_role(text: &str, a: &Tok, b: &Tok) -> bool {
    if a.poss {
        let gap = &text[a.end..b.start];
        let rest = gap
            .strip_prefix("'s")
            .or_else(|| gap.strip_prefix("’s"))
            .or_else(|| gap.strip_prefix("'S"))
            .unwrap_or(gap);
        return !rest.is_empty() && rest.bytes().all(|c| c == b' ');
    }
    joinable(text, a, b)
}

/// A word that can be part of a role phrase.
fn role_word(t: &Tok) -> bool {
    let l = t.lower.as_str();
    if matches!(l, "the" | "a" | "an") || CUE_WORDS.contains(&l) {
        return false;
    }
    is_role_head(l)
        || is_role_modifier(l)
        || (t.cap && !is_stopword(l) && !is_not_name(l) && honorific_gender(l).is_none())
        || (t.poss && !is_stopword(l))
}

/// Walk back from `toks[end]` over role words joined to each other; the
/// first token of the phrase.
fn role_start(text: &str, toks: &[Tok], end: usize, lowercase_ok: bool) -> usize {
    let mut k = end;
    while k > 0 && end - k < 7 {
        let p = &toks[k - 1];
        let ok = role_word(p) || (lowercase_ok && !p.cap && !is_stopword(&p.lower));
        if !ok || !joins_in_role(text, p, &toks[k]) {
            break;
        }
        k -= 1;
    }
    k
}

/// A title written right before the name: "Special Envoy Mara Quell",
/// "Norvania's Minister of Water Ilse Brandt".
fn title_before(text: &str, toks: &[Tok], a: usize) -> Option<(String, Option<Gender>)> {
    if a == 0 || !joinable(text, &toks[a - 1], &toks[a]) {
        return None;
    }
    let head = if is_role_head(&toks[a - 1].lower) {
        a - 1
    } else if a >= 3
        && toks[a - 2].lower == "of"
        && is_role_head(&toks[a - 3].lower)
        && toks[a - 1].cap
        && joinable(text, &toks[a - 3], &toks[a - 2])
        && joinable(text, &toks[a - 2], &toks[a - 1])
    {
        a - 3
    } else {
        return None;
    };
    if !toks[head].cap {
        // Lower-case titles are role_before's ("chief executive Tony Hayward").
        return None;
    }
    let k = role_start(text, toks, head, false);
    let g = toks[k..a].iter().find_map(|t| role_gender(&t.lower));
    Some((phrase(text, toks, k, a - 1).0, g))
}

/// A role phrase and a comma before the name: "the mayor's chief adviser, Piet Oda".
fn role_comma_before(text: &str, toks: &[Tok], a: usize) -> Option<(String, Option<Gender>)> {
    if a == 0 || text[toks[a - 1].end..toks[a].start].trim() != "," {
        return None;
    }
    let head = a - 1;
    if toks[head].poss || !is_role_head(&toks[head].lower) {
        return None;
    }
    let k = role_start(text, toks, head, true);
    // The phrase must begin the clause: sentence start, a determiner or a mark.
    let begins = k == 0
        || matches!(toks[k - 1].lower.as_str(), "the" | "a" | "an")
        || !text[toks[k - 1].end..toks[k].start].trim().is_empty();
    if !begins {
        return None;
    }
    let g = toks[k..a].iter().find_map(|t| role_gender(&t.lower));
    Some((phrase(text, toks, k, head).0, g))
}
