//! View models: stories and articles turned into plain, pre-formatted data for
//! the templates. Nothing here produces HTML; escaping is the templates' job.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use lede_model::{
    Article, ArticleId, Citation, CitedSentence, Paragraph, SectionKind, Story, StorySummary,
};

/// Longest hover text of a citation mark, in characters.
const MARK_TITLE_CHARS: usize = 120;

/// `url` when it is a plain `http`/`https` URL that is safe as a link target.
pub(crate) fn http_href(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme_len = ["http://", "https://"].into_iter().find_map(|scheme| {
        url.get(..scheme.len())
            .filter(|p| p.eq_ignore_ascii_case(scheme))
            .map(|_| scheme.len())
    })?;
    let has_host = url.len() > scheme_len;
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (has_host && clean).then_some(url)
}

/// "May 23, 2010, 14:05 UTC"
pub(crate) fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%B %-d, %Y, %H:%M UTC").to_string()
}

/// "Sunday, May 23, 2010"
pub(crate) fn fmt_day(d: NaiveDate) -> String {
    d.format("%A, %B %-d, %Y").to_string()
}

/// RFC 3339 for `datetime` attributes.
pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The time span a story covers: "May 23, 2010", "May 23 – 24, 2010",
/// "May 30 – June 2, 2010" or "December 30, 2010 – January 2, 2011".
pub(crate) fn fmt_span(first: Option<DateTime<Utc>>, last: Option<DateTime<Utc>>) -> String {
    let (a, b) = match (first, last) {
        (Some(a), Some(b)) => (a.min(b).date_naive(), a.max(b).date_naive()),
        (Some(a), None) | (None, Some(a)) => (a.date_naive(), a.date_naive()),
        (None, None) => return String::new(),
    };
    if a == b {
        a.format("%B %-d, %Y").to_string()
    } else if a.year() != b.year() {
        format!("{} – {}", a.format("%B %-d, %Y"), b.format("%B %-d, %Y"))
    } else if a.month() != b.month() {
        format!("{} – {}", a.format("%B %-d"), b.format("%B %-d, %Y"))
    } else {
        format!("{} – {}", a.format("%B %-d"), b.format("%-d, %Y"))
    }
}

/// Cut `s` to at most `max` characters, adding an ellipsis when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// "1 source" / "3 sources".
pub(crate) fn sources_label(n: usize) -> String {
    if n == 1 {
        "1 source".to_string()
    } else {
        format!("{n} sources")
    }
}

/// One story in a list (front page, all stories).
pub(crate) struct SummaryView {
    pub id: i64,
    pub headline: String,
    pub dek: String,
    pub sources: String,
    pub outlets: String,
    pub span: String,
}

impl From<&StorySummary> for SummaryView {
    fn from(s: &StorySummary) -> Self {
        SummaryView {
            id: s.id,
            headline: s.headline.clone(),
            dek: s.dek.clone(),
            sources: sources_label(s.sources),
            outlets: s.outlets.join(", "),
            span: fmt_span(s.first_published, s.last_published),
        }
    }
}

/// A superscript citation mark after a sentence.
pub(crate) struct Mark {
    /// Footnote number.
    pub n: usize,
    /// Hover text: outlet and the cited sentence.
    pub title: String,
    /// Whether this is the first mark for footnote `n` (it carries the back-link anchor).
    pub first: bool,
}

pub(crate) struct SentenceView {
    pub text: String,
    pub marks: Vec<Mark>,
}

pub(crate) struct ParagraphView {
    pub date_iso: Option<String>,
    pub date: Option<String>,
    pub sentences: Vec<SentenceView>,
}

pub(crate) struct SectionView {
    pub heading: String,
    /// "timeline", "quotes", "stance" or "body".
    pub kind: &'static str,
    pub paragraphs: Vec<ParagraphView>,
}

/// One entry of the "Citations" list.
pub(crate) struct Footnote {
    pub n: usize,
    pub article: ArticleId,
    pub sentence: usize,
    /// The cited source sentence; empty when the article is not stored.
    pub text: String,
    pub outlet: String,
    pub title: String,
    /// The original, when it is an http(s) URL.
    pub original: Option<String>,
}

/// One source of a story.
pub(crate) struct SourceView {
    pub article: ArticleId,
    pub outlet: String,
    pub title: String,
    /// The original http(s) URL, or our own `/articles/{id}` page.
    pub href: String,
    pub external: bool,
    pub published_iso: Option<String>,
    pub published: Option<String>,
    /// "wire copy of Outlet: Title" when this source is a near-duplicate.
    pub copy_of: Option<String>,
    /// The source page says it is behind a paywall.
    pub paywalled: bool,
}

/// An independent source with the wire copies that repeat it.
pub(crate) struct SourceGroup {
    pub source: SourceView,
    pub copies: Vec<SourceView>,
}

/// The sources panel: who reported the story, wire copies counted once.
pub(crate) struct SourcesPanel {
    /// Independent sources, earliest first, each with its copies.
    pub groups: Vec<SourceGroup>,
    /// "3 independent sources from 3 outlets; 1 wire copy counted once."
    pub summary: String,
    /// "First reported by Outlet, May 23, 2010, 09:00 UTC."
    pub first: Option<String>,
}

pub(crate) struct RelatedView {
    pub id: i64,
    pub headline: String,
    pub teaser: String,
}

/// A whole story, ready for the story template.
pub(crate) struct StoryView {
    pub id: i64,
    pub version: u32,
    pub updated_iso: String,
    pub updated: String,
    pub headline: SentenceView,
    pub dek: SentenceView,
    pub lede: Vec<SentenceView>,
    pub body: Vec<ParagraphView>,
    pub sections: Vec<SectionView>,
    pub panel: SourcesPanel,
    pub chart: Option<crate::chart::Chart>,
    pub sources_label: String,
    pub outlets: String,
    pub span: String,
    pub dropped: usize,
    pub note: String,
    pub change_note: String,
    pub related: Vec<RelatedView>,
    pub footnotes: Vec<Footnote>,
}

/// Numbers citations in reading order and resolves them to source sentences.
struct Numberer<'a> {
    articles: &'a HashMap<ArticleId, Article>,
    outlets: HashMap<ArticleId, &'a str>,
    numbers: HashMap<Citation, usize>,
    footnotes: Vec<Footnote>,
}

impl<'a> Numberer<'a> {
    fn sentence(&mut self, s: &CitedSentence) -> SentenceView {
        let mut marks: Vec<Mark> = Vec::new();
        for c in &s.citations {
            let (n, first) = match self.numbers.get(c) {
                Some(&n) => (n, false),
                None => {
                    let n = self.footnotes.len() + 1;
                    self.numbers.insert(*c, n);
                    self.footnotes.push(self.footnote(n, *c));
                    (n, true)
                }
            };
            if marks.iter().any(|m| m.n == n) {
                continue;
            }
            let f = &self.footnotes[n - 1];
            let title = if f.text.is_empty() {
                format!("{} (source sentence unavailable)", f.outlet)
            } else {
                format!("{}: “{}”", f.outlet, truncate(&f.text, MARK_TITLE_CHARS))
            };
            marks.push(Mark { n, title, first });
        }
        SentenceView {
            text: s.text.clone(),
            marks,
        }
    }

    fn footnote(&self, n: usize, c: Citation) -> Footnote {
        match self.articles.get(&c.article) {
            Some(a) => Footnote {
                n,
                article: c.article,
                sentence: c.sentence,
                text: a.sentence(c.sentence).trim().to_string(),
                outlet: a.outlet.clone(),
                title: a.title.clone(),
                original: http_href(a.link()).map(str::to_string),
            },
            None => Footnote {
                n,
                article: c.article,
                sentence: c.sentence,
                text: String::new(),
                outlet: self
                    .outlets
                    .get(&c.article)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "Unknown source".to_string()),
                title: String::new(),
                original: None,
            },
        }
    }

    fn paragraph(&mut self, p: &Paragraph) -> ParagraphView {
        ParagraphView {
            date_iso: p.date.map(|d| d.format("%Y-%m-%d").to_string()),
            date: p.date.map(fmt_day),
            sentences: p.sentences.iter().map(|s| self.sentence(s)).collect(),
        }
    }
}

/// Every article id cited anywhere in the story, each once, in reading order.
pub(crate) fn cited_article_ids(story: &Story) -> Vec<ArticleId> {
    let mut ids: Vec<ArticleId> = Vec::new();
    for s in story.all_sentences() {
        for c in &s.citations {
            if !ids.contains(&c.article) {
                ids.push(c.article);
            }
        }
    }
    ids
}

/// Build the story view; `articles` holds the cited articles that could be loaded.
pub(crate) fn story_view(story: &Story, articles: &HashMap<ArticleId, Article>) -> StoryView {
    let mut num = Numberer {
        articles,
        outlets: story
            .sources
            .iter()
            .map(|s| (s.article, s.outlet.as_str()))
            .collect(),
        numbers: HashMap::new(),
        footnotes: Vec::new(),
    };
    let headline = num.sentence(&story.headline);
    let dek = num.sentence(&story.dek);
    let lede = story
        .lede
        .sentences
        .iter()
        .map(|s| num.sentence(s))
        .collect();
    let body = story.body.iter().map(|p| num.paragraph(p)).collect();
    let sections = story
        .sections
        .iter()
        .map(|s| SectionView {
            heading: s.heading.clone(),
            kind: match s.kind {
                SectionKind::Timeline => "timeline",
                SectionKind::Quotes => "quotes",
                SectionKind::Stance => "stance",
                SectionKind::Body => "body",
            },
            paragraphs: s.paragraphs.iter().map(|p| num.paragraph(p)).collect(),
        })
        .collect();

    let panel = sources_panel(story);
    let mut outlets: Vec<&str> = Vec::new();
    for s in &story.sources {
        if !outlets.contains(&s.outlet.as_str()) {
            outlets.push(&s.outlet);
        }
    }

    StoryView {
        id: story.id,
        version: story.version,
        updated_iso: iso(story.updated),
        updated: fmt_time(story.updated),
        headline,
        dek,
        lede,
        body,
        sections,
        panel,
        chart: crate::chart::coverage(&story.sources),
        sources_label: sources_label(story.independent_sources),
        outlets: outlets.join(", "),
        span: fmt_span(story.first_published, story.last_published),
        dropped: story.dropped.len(),
        note: if story.note.trim().is_empty() {
            lede_model::MACHINE_NOTE.to_string()
        } else {
            story.note.clone()
        },
        change_note: story.change_note.clone(),
        related: story
            .related
            .iter()
            .map(|r| RelatedView {
                id: r.id,
                headline: r.headline.clone(),
                teaser: r.teaser.clone(),
            })
            .collect(),
        footnotes: num.footnotes,
    }
}

fn source_view(story: &Story, s: &lede_model::SourceRef) -> SourceView {
    let external = http_href(&s.url);
    SourceView {
        article: s.article,
        outlet: s.outlet.clone(),
        title: if s.title.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            s.title.clone()
        },
        href: external
            .map(str::to_string)
            .unwrap_or_else(|| format!("/articles/{}", s.article)),
        external: external.is_some(),
        published_iso: s.published.map(iso),
        published: s.published.map(fmt_time),
        paywalled: s.paywalled == Some(true),
        copy_of: s.copy_of.map(
            |orig| match story.sources.iter().find(|o| o.article == orig) {
                Some(o) => format!("wire copy of {}: {}", o.outlet, o.title),
                None => "wire copy of another source".to_string(),
            },
        ),
    }
}

/// Group the story's sources: each independent source (earliest first) with
/// the wire copies of it. A copy whose original is not among the sources
/// stands on its own.
pub(crate) fn sources_panel(story: &Story) -> SourcesPanel {
    let is_original = |id: ArticleId| story.sources.iter().any(|s| s.article == id);
    let mut heads: Vec<&lede_model::SourceRef> = story
        .sources
        .iter()
        .filter(|s| s.copy_of.is_none_or(|o| !is_original(o)))
        .collect();
    // Earliest first; undated last, in the writer's order.
    heads.sort_by_key(|s| (s.published.is_none(), s.published));
    let groups: Vec<SourceGroup> = heads
        .iter()
        .map(|h| SourceGroup {
            source: source_view(story, h),
            copies: story
                .sources
                .iter()
                .filter(|c| c.copy_of == Some(h.article) && c.article != h.article)
                .map(|c| source_view(story, c))
                .collect(),
        })
        .collect();
    let copies = story.sources.len() - groups.len();
    let mut outlets: Vec<&str> = Vec::new();
    for s in &story.sources {
        if !outlets.contains(&s.outlet.as_str()) {
            outlets.push(&s.outlet);
        }
    }
    let mut summary = format!(
        "{} independent {} from {} {}",
        story.independent_sources,
        if story.independent_sources == 1 {
            "source"
        } else {
            "sources"
        },
        outlets.len(),
        if outlets.len() == 1 {
            "outlet"
        } else {
            "outlets"
        },
    );
    match copies {
        0 => summary.push('.'),
        1 => summary.push_str("; 1 wire copy counted once."),
        n => summary.push_str(&format!("; {n} wire copies counted once.")),
    }
    let first = story
        .sources
        .iter()
        .filter_map(|s| s.published.map(|t| (t, s)))
        .min_by_key(|(t, _)| *t)
        .map(|(t, s)| format!("First reported by {}, {}.", s.outlet, fmt_time(t)));
    SourcesPanel {
        groups,
        summary,
        first,
    }
}

/// A piece of an article paragraph: a sentence (with its index, for the `#s-N`
/// anchor) or text between sentences.
pub(crate) struct Segment {
    pub sentence: Option<usize>,
    pub text: String,
}

/// Byte ranges of the paragraphs of `text` (runs of non-blank lines).
fn paragraph_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push((s, end));
            }
        } else {
            if start.is_none() {
                start = Some(pos);
            }
            end = pos + line.len();
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push((s, end));
    }
    out
}

/// The article's paragraphs as segments; sentences keep their index so that a
/// citation can link to `/articles/{id}#s-{index}`.
pub(crate) fn article_paragraphs(a: &Article) -> Vec<Vec<Segment>> {
    let text = a.text.as_str();
    let valid = a.sentences.windows(2).all(|w| w[0].end <= w[1].start)
        && a.sentences
            .iter()
            .all(|s| s.start <= s.end && text.get(s.start..s.end).is_some());
    let mut out = Vec::new();
    let mut next = 0; // next sentence to place
    let mut cursor = 0; // bytes before this are rendered
    for (ps, pe) in paragraph_ranges(text) {
        let mut segs: Vec<Segment> = Vec::new();
        let mut at = ps.max(cursor);
        let push_gap = |segs: &mut Vec<Segment>, from: usize, to: usize| {
            if let Some(gap) = text.get(from..to) {
                let gap = gap.trim();
                if !gap.is_empty() {
                    segs.push(Segment {
                        sentence: None,
                        text: gap.to_string(),
                    });
                }
            }
        };
        if valid {
            while let Some(s) = a.sentences.get(next) {
                if s.start >= pe {
                    break;
                }
                if s.start > at {
                    push_gap(&mut segs, at, s.start);
                }
                segs.push(Segment {
                    sentence: Some(next),
                    text: text[s.start..s.end].trim().to_string(),
                });
                at = at.max(s.end);
                next += 1;
            }
        }
        if at < pe {
            push_gap(&mut segs, at, pe);
            at = pe;
        }
        cursor = at;
        if !segs.is_empty() {
            out.push(segs);
        }
    }
    out
}
