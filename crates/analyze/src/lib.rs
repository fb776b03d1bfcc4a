//! The analyze stage: what an article says, who said it, and when things happened.
//!
//! `cluster -> analyze -> write`: for each article of a story this stage finds
//!
//! - [`find_quotes`]: direct quotes (in `"..."` or `“...”`) and indirect ones
//!   ("X said that ...", "according to X, ..."), each with its speaker (a name,
//!   a role phrase such as "the spokesman", or a pronoun resolved to the last
//!   fitting person named before), the speaker's role when the article gives one
//!   anywhere ("Interior Secretary Ken Salazar", "Ken Salazar, the interior
//!   secretary,"), and the attribution verb;
//! - [`find_entities`]: people, organisations, places and other names, by rules
//!   on capitalised word sequences, titles, suffixes and a small gazetteer;
//! - [`find_dates`]: time expressions ("on Sunday", "yesterday", "May 3, 2010",
//!   "last month", "in 2022") resolved to calendar dates against the article's
//!   publication date;
//! - [`topic::story_topic`]: the front-page section a story belongs in, from
//!   its articles' URL sections and words.
//!
//! Entities can also come from a tagger the project trains itself
//! ([`EntityModel`], `lede train entities`): an [`Analyzer`] built with a model
//! uses it for entities (and so for the speakers of quotes), and falls back to
//! the rules above without one.
//!
//! The rules are allocation-light and linear in the text: regexes
//! are compiled once, and each rule looks at one sentence (or at a quote and the
//! sentences it touches). All spans are byte ranges into `article.text` that
//! lie on character boundaries; no input makes these functions panic.

mod dates;
mod entities;
mod lexicon;
mod ner;
mod quotes;
mod timex;
pub mod topic;
pub use timex::{find_timexes, Timex, TimexKind};
pub use topic::Topic;

pub use ner::{
    entity_spans, normalize, read_conll, tokenize, EntityModel, ModelError, TaggedDocument,
    TaggedSentence, TokenSpan, TrainOptions, TAG_NAMES,
};

use lede_model::{Analysis, Article, Entity, Quote, Span, TimeExpr};

/// Run the whole stage on one article: quotes, entities and dates.
pub fn analyze(article: &Article) -> Analysis {
    let ctx = Ctx::new(article);
    let index = entities::index(&ctx);
    let quotes = quotes::find(&ctx, &index);
    let entities = index.mentions.into_iter().map(|m| m.entity).collect();
    Analysis {
        article: article.id,
        quotes,
        entities,
        dates: dates::find(&ctx, article.published.map(|p| p.date_naive())),
    }
}

/// Direct and indirect quotes with their speakers, in text order.
pub fn find_quotes(article: &Article) -> Vec<Quote> {
    let ctx = Ctx::new(article);
    let index = entities::index(&ctx);
    quotes::find(&ctx, &index)
}

/// Named entities (people, organisations, places, other), in text order.
pub fn find_entities(article: &Article) -> Vec<Entity> {
    let ctx = Ctx::new(article);
    entities::index(&ctx)
        .mentions
        .into_iter()
        .map(|m| m.entity)
        .collect()
}

/// Time expressions resolved to dates against `article.published` (absolute
/// dates only when the article has no publication time), in text order.
pub fn find_dates(article: &Article) -> Vec<TimeExpr> {
    let ctx = Ctx::new(article);
    dates::find(&ctx, article.published.map(|p| p.date_naive()))
}

/// The analyze stage with an optional trained entity tagger: with a model,
/// entities (and the people quotes are attributed to) come from the tagger,
/// roles still from the rules; without one it is the rule-based path of the
/// free functions [`analyze`], [`find_quotes`] and [`find_entities`].
#[derive(Debug, Clone, Default)]
pub struct Analyzer {
    model: Option<EntityModel>,
}

impl Analyzer {
    /// An analyzer that tags entities with `model` when given one.
    pub fn new(model: Option<EntityModel>) -> Self {
        Analyzer { model }
    }

    /// The entity model in use, if any.
    pub fn model(&self) -> Option<&EntityModel> {
        self.model.as_ref()
    }

    fn index(&self, ctx: &Ctx) -> entities::EntityIndex {
        match &self.model {
            Some(m) => entities::index_with_model(ctx, m),
            None => entities::index(ctx),
        }
    }

    /// Quotes, entities and dates of one article.
    pub fn analyze(&self, article: &Article) -> Analysis {
        let ctx = Ctx::new(article);
        let index = self.index(&ctx);
        let quotes = quotes::find(&ctx, &index);
        let entities = index.mentions.into_iter().map(|m| m.entity).collect();
        Analysis {
            article: article.id,
            quotes,
            entities,
            dates: dates::find(&ctx, article.published.map(|p| p.date_naive())),
        }
    }

    /// Named entities (people with their roles, organisations, places, other), in text order.
    pub fn find_entities(&self, article: &Article) -> Vec<Entity> {
        let ctx = Ctx::new(article);
        self.index(&ctx)
            .mentions
            .into_iter()
            .map(|m| m.entity)
            .collect()
    }

    /// Direct and indirect quotes with their speakers, in text order.
    pub fn find_quotes(&self, article: &Article) -> Vec<Quote> {
        let ctx = Ctx::new(article);
        let index = self.index(&ctx);
        quotes::find(&ctx, &index)
    }
}

/// The article text with validated sentence spans.
pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    /// One span per sentence of the article, same indices as `article.sentences`;
    /// a span that is out of range or off a character boundary is replaced by an
    /// empty one. When the article has no sentences they are split here.
    pub sents: Vec<Span>,
    /// Sentence starts for binary search (non-decreasing).
    starts: Vec<usize>,
}

impl<'a> Ctx<'a> {
    pub fn new(article: &'a Article) -> Self {
        let text = article.text.as_str();
        let sents: Vec<Span> = if article.sentences.is_empty() {
            lede_text::split_sentences(text)
        } else {
            let mut prev_end = 0;
            article
                .sentences
                .iter()
                .map(|s| {
                    let ok = s.start <= s.end
                        && s.end <= text.len()
                        && text.is_char_boundary(s.start)
                        && text.is_char_boundary(s.end);
                    let sp = if ok {
                        *s
                    } else {
                        Span::new(prev_end, prev_end)
                    };
                    prev_end = sp.end;
                    sp
                })
                .collect()
        };
        let mut starts = Vec::with_capacity(sents.len());
        let mut last = 0;
        for s in &sents {
            last = last.max(s.start);
            starts.push(last);
        }
        Ctx {
            text,
            sents,
            starts,
        }
    }

    /// Index of the sentence holding byte `pos` (the last one starting at or before it).
    pub fn sentence_of(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos).saturating_sub(1)
    }

    /// Text of sentence `i` ("" when out of range).
    pub fn sentence(&self, i: usize) -> &'a str {
        self.sents
            .get(i)
            .and_then(|s| self.text.get(s.start..s.end))
            .unwrap_or("")
    }
}

/// Compile a rule regex for speed: word boundaries and digits are ASCII (a
/// Unicode `\\b` makes the lazy DFA give up on non-ASCII text), and the DFA
/// cache is larger than the default so big alternations do not thrash it.
pub(crate) fn compile(pattern: &str) -> regex::Regex {
    let p = pattern.replace(r"\b", r"(?-u:\b)").replace(r"\d", "[0-9]");
    regex::RegexBuilder::new(&p)
        .dfa_size_limit(16 << 20)
        .build()
        .expect("valid rule regex")
}

#[cfg(test)]
mod tests;
