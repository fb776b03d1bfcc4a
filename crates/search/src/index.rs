//! The index itself: schema, opening, writing and reading documents.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use lede_model::{Article, ArticleId, Story, StoryId};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
    STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenizerManager,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

use crate::query::{self, normalize_language, normalize_outlet};
use crate::{Kind, Result, SearchError, SearchHit, SearchQuery, SearchResults};

/// Name of the text analyzer registered on every index.
const ANALYZER: &str = "lede";
/// Memory the single indexing thread may use before it flushes a segment.
const WRITER_MEMORY: usize = 32_000_000;

/// The fields of the schema.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    /// `story:N` / `article:N`: the upsert key.
    pub key: Field,
    /// `story` / `article`.
    pub kind: Field,
    pub id: Field,
    pub title: Field,
    pub dek: Field,
    pub text: Field,
    /// Outlet names, searchable as words.
    pub outlet: Field,
    /// Outlet names, normalised, for the exact filter.
    pub outlet_key: Field,
    pub lang: Field,
    /// Latest date (article: published; story: last coverage or update).
    pub date: Field,
    /// Earliest date (story: first coverage).
    pub first_date: Field,
    pub url: Field,
    pub sources: Field,
    pub version: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_indexing = TextFieldIndexing::default()
        .set_tokenizer(ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default()
        .set_indexing_options(text_indexing)
        .set_stored();
    let date = tantivy::schema::DateOptions::default()
        .set_indexed()
        .set_stored()
        .set_fast();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_i64_field("id", NumericOptions::default().set_stored()),
        title: b.add_text_field("title", text.clone()),
        dek: b.add_text_field("dek", text.clone()),
        text: b.add_text_field("text", text.clone()),
        outlet: b.add_text_field("outlet", text),
        outlet_key: b.add_text_field("outlet_key", STRING),
        lang: b.add_text_field("lang", STRING | STORED),
        date: b.add_date_field("date", date.clone()),
        first_date: b.add_date_field("first_date", date),
        url: b.add_text_field("url", STORED),
        sources: b.add_u64_field("sources", STORED),
        version: b.add_u64_field("version", STORED),
    };
    (b.build(), fields)
}

fn tokenizers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(
        ANALYZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
    );
    manager
}

/// A search index over stories and articles. Cheap to share behind an `Arc`:
/// searching takes `&self`, and writes are serialised inside.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// `None` when opened read-only.
    writer: Option<Mutex<IndexWriter<TantivyDocument>>>,
    fields: Fields,
    /// Where the index lives; `None` in memory.
    path: Option<PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .field("writable", &self.writer.is_some())
            .finish()
    }
}

fn tantivy_err(context: &'static str) -> impl FnOnce(TantivyError) -> SearchError {
    move |source| SearchError::Index { context, source }
}

fn to_tantivy_date(t: DateTime<Utc>) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(t.timestamp())
}

fn from_tantivy_date(t: tantivy::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.into_timestamp_secs(), 0)
}

impl SearchIndex {
    /// Open the index in `dir` for writing, creating the folder and an empty
    /// index when there is none. Only one process may hold it open this way
    /// (see the crate docs); a second gets [`SearchError::Locked`].
    pub fn open(dir: &Path) -> Result<Self> {
        Self::open_dir(dir, true)
    }

    /// Open the index in `dir` for searching only: no lock is taken, and the
    /// writer's commits become visible shortly after they land.
    pub fn open_read_only(dir: &Path) -> Result<Self> {
        Self::open_dir(dir, false)
    }

    /// Like [`SearchIndex::open`], but an index made by another version of
    /// lede (a different schema) is deleted and created afresh, empty. Returns
    /// whether that happened, so that the caller knows to re-index everything.
    pub fn open_or_rebuild(dir: &Path) -> Result<(Self, bool)> {
        match Self::open(dir) {
            Err(SearchError::SchemaChanged { .. }) => {
                tracing::warn!(
                    "search index at {} has an old layout; rebuilding it",
                    dir.display()
                );
                std::fs::remove_dir_all(dir).map_err(|source| SearchError::Io {
                    context: "remove the old search index",
                    path: dir.display().to_string(),
                    source,
                })?;
                Ok((Self::open(dir)?, true))
            }
            other => other.map(|index| (index, false)),
        }
    }

    fn open_dir(dir: &Path, writable: bool) -> Result<Self> {
        let path = dir.display().to_string();
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            context: "create the search index folder",
            path: path.clone(),
            source,
        })?;
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Open {
            path: path.clone(),
            source: e.into(),
        })?;
        let (schema, fields) = schema();
        let index = Index::builder()
            .schema(schema)
            .tokenizers(tokenizers())
            .open_or_create(directory)
            .map_err(|e| match e {
                TantivyError::SchemaError(_) => SearchError::SchemaChanged { path: path.clone() },
                source => SearchError::Open {
                    path: path.clone(),
                    source,
                },
            })?;
        Self::from_index(index, fields, writable, Some(dir.to_path_buf()))
    }

    /// An empty index held in memory (tests, or a site without a data folder).
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema();
        let index = Index::builder()
            .schema(schema)
            .tokenizers(tokenizers())
            .create_in_ram()
            .map_err(tantivy_err("creating an index in memory"))?;
        Self::from_index(index, fields, true, None)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        writable: bool,
        path: Option<PathBuf>,
    ) -> Result<Self> {
        let shown = || {
            path.as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "(memory)".to_string())
        };
        let writer = if writable {
            // One indexing thread: the site indexes a handful of documents per
            // build, and the machine's cores belong to the pipeline.
            let w = index
                .writer_with_num_threads(1, WRITER_MEMORY)
                .map_err(|e| match e {
                    TantivyError::LockFailure(..) => SearchError::Locked { path: shown() },
                    source => SearchError::Open {
                        path: shown(),
                        source,
                    },
                })?;
            Some(Mutex::new(w))
        } else {
            None
        };
        // The writing process reloads right after each commit; a read-only
        // process watches the index for the writer's commits.
        let policy = if writable {
            ReloadPolicy::Manual
        } else {
            ReloadPolicy::OnCommitWithDelay
        };
        let reader = index
            .reader_builder()
            .reload_policy(policy)
            .try_into()
            .map_err(|source| SearchError::Open {
                path: shown(),
                source,
            })?;
        Ok(SearchIndex {
            index,
            reader,
            writer,
            fields,
            path,
        })
    }

    /// Where the index lives (`None` for an in-memory index).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter<TantivyDocument>) -> Result<T>,
    ) -> Result<T> {
        let writer = self.writer.as_ref().ok_or(SearchError::ReadOnly)?;
        // A panic while holding the lock leaves nothing half-written that
        // tantivy cannot roll back, so a poisoned lock is still usable.
        let mut guard = writer.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    fn key(kind: Kind, id: i64) -> String {
        format!("{}:{id}", kind.as_str())
    }

    /// Add or replace the document of a story. `language` is the story's
    /// language, usually the most common one among its articles (see
    /// [`majority_language`]); the story itself does not record one.
    /// Visible after the next [`SearchIndex::commit`].
    pub fn index_story(&self, story: &Story, language: Option<&str>) -> Result<()> {
        let f = self.fields;
        let key = Self::key(Kind::Story, story.id);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &key);
        doc.add_text(f.kind, Kind::Story.as_str());
        doc.add_i64(f.id, story.id);
        doc.add_text(f.title, &story.headline.text);
        doc.add_text(f.dek, &story.dek.text);
        doc.add_text(f.text, story_text(story));
        let mut outlets: Vec<&str> = Vec::new();
        for s in &story.sources {
            if !outlets.contains(&s.outlet.as_str()) {
                outlets.push(&s.outlet);
            }
        }
        for o in outlets {
            doc.add_text(f.outlet, o);
            doc.add_text(f.outlet_key, normalize_outlet(o));
        }
        if let Some(l) = language.and_then(normalize_language) {
            doc.add_text(f.lang, l);
        }
        let last = story.last_published.unwrap_or(story.updated);
        let first = story.first_published.unwrap_or(last).min(last);
        doc.add_date(f.date, to_tantivy_date(last));
        doc.add_date(f.first_date, to_tantivy_date(first));
        doc.add_u64(f.sources, story.independent_sources as u64);
        doc.add_u64(f.version, u64::from(story.version));
        self.upsert(&key, doc)
    }

    /// Add or replace the document of a source article. Visible after the next
    /// [`SearchIndex::commit`].
    pub fn index_article(&self, article: &Article) -> Result<()> {
        let f = self.fields;
        let key = Self::key(Kind::Article, article.id);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &key);
        doc.add_text(f.kind, Kind::Article.as_str());
        doc.add_i64(f.id, article.id);
        doc.add_text(f.title, &article.title);
        doc.add_text(f.text, &article.text);
        if !article.outlet.trim().is_empty() {
            doc.add_text(f.outlet, &article.outlet);
            doc.add_text(f.outlet_key, normalize_outlet(&article.outlet));
        }
        if let Some(l) = article.language.as_deref().and_then(normalize_language) {
            doc.add_text(f.lang, l);
        }
        if let Some(p) = article.published {
            doc.add_date(f.date, to_tantivy_date(p));
            doc.add_date(f.first_date, to_tantivy_date(p));
        }
        doc.add_text(f.url, article.link());
        self.upsert(&key, doc)
    }

    fn upsert(&self, key: &str, doc: TantivyDocument) -> Result<()> {
        let term = Term::from_field_text(self.fields.key, key);
        self.with_writer(|w| {
            // Delete and add in the same commit: readers never see both or neither.
            w.delete_term(term);
            w.add_document(doc)
                .map_err(tantivy_err("adding a document"))?;
            Ok(())
        })
    }

    /// Remove a story's document (at the next commit).
    pub fn delete_story(&self, id: StoryId) -> Result<()> {
        self.delete(Kind::Story, id)
    }

    /// Remove an article's document (at the next commit).
    pub fn delete_article(&self, id: ArticleId) -> Result<()> {
        self.delete(Kind::Article, id)
    }

    fn delete(&self, kind: Kind, id: i64) -> Result<()> {
        let term = Term::from_field_text(self.fields.key, &Self::key(kind, id));
        self.with_writer(|w| {
            w.delete_term(term);
            Ok(())
        })
    }

    /// Remove every document (at the next commit).
    pub fn clear(&self) -> Result<()> {
        self.with_writer(|w| {
            w.delete_all_documents()
                .map_err(tantivy_err("deleting all documents"))?;
            Ok(())
        })
    }

    /// Make every change since the last commit durable and visible to searches.
    pub fn commit(&self) -> Result<()> {
        self.with_writer(|w| {
            w.commit().map_err(tantivy_err("committing"))?;
            Ok(())
        })?;
        self.reader
            .reload()
            .map_err(tantivy_err("reloading after a commit"))
    }

    /// Documents visible to searches (stories and articles).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The version of every indexed story, so that a refresh re-indexes only
    /// the stories that changed.
    pub fn story_versions(&self) -> Result<HashMap<StoryId, u32>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.kind, Kind::Story.as_str()),
            IndexRecordOption::Basic,
        );
        let n = searcher
            .search(&query, &Count)
            .map_err(tantivy_err("counting stories"))?;
        let mut out = HashMap::with_capacity(n);
        if n == 0 {
            return Ok(out);
        }
        let top = searcher
            .search(&query, &TopDocs::with_limit(n).order_by_score())
            .map_err(tantivy_err("listing stories"))?;
        for (_, addr) in top {
            let doc: TantivyDocument = searcher
                .doc(addr)
                .map_err(tantivy_err("reading a stored story"))?;
            let id = doc.get_first(self.fields.id).and_then(|v| v.as_i64());
            let version = doc.get_first(self.fields.version).and_then(|v| v.as_u64());
            if let (Some(id), Some(version)) = (id, version) {
                out.insert(id, u32::try_from(version).unwrap_or(u32::MAX));
            }
        }
        Ok(out)
    }

    /// Run a search. Never fails on odd user input: unparsable parts of the
    /// text are dropped (tantivy's lenient parser).
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let limit = q.effective_limit();
        let offset = q.effective_offset();
        let built = query::build(&self.index, &self.fields, q);
        let total = searcher
            .search(&*built.query, &Count)
            .map_err(tantivy_err("counting results"))?;
        let page: Vec<(f32, DocAddress)> = if built.by_relevance {
            searcher
                .search(
                    &*built.query,
                    &TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_score(),
                )
                .map_err(tantivy_err("searching"))?
        } else {
            searcher
                .search(
                    &*built.query,
                    &TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_fast_field::<tantivy::DateTime>("date", Order::Desc),
                )
                .map_err(tantivy_err("searching"))?
                .into_iter()
                .map(|(_, addr)| (0.0, addr))
                .collect()
        };
        let snippets = query::Snippets::new(&searcher, &*built.query, &self.fields)?;
        let mut hits = Vec::with_capacity(page.len());
        for (score, addr) in page {
            hits.push(self.hit(&searcher, &snippets, score, addr)?);
        }
        Ok(SearchResults {
            total,
            offset,
            limit,
            hits,
        })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        snippets: &query::Snippets,
        score: f32,
        addr: DocAddress,
    ) -> Result<SearchHit> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher
            .doc(addr)
            .map_err(tantivy_err("reading a result"))?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let date = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_datetime())
                .and_then(from_tantivy_date)
        };
        let kind = if text(f.kind) == Kind::Story.as_str() {
            Kind::Story
        } else {
            Kind::Article
        };
        let title = text(f.title);
        let url = text(f.url);
        Ok(SearchHit {
            kind,
            id: doc.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or(0),
            title_snippet: snippets.title(&title),
            snippet: snippets.text(&doc),
            title,
            dek: text(f.dek),
            outlets: doc
                .get_all(f.outlet)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            language: Some(text(f.lang)).filter(|l| !l.is_empty()),
            date: date(f.date),
            first_date: date(f.first_date),
            url: (!url.is_empty()).then_some(url),
            sources: doc
                .get_first(f.sources)
                .and_then(|v| v.as_u64())
                .map(|n| n as usize),
            version: doc
                .get_first(f.version)
                .and_then(|v| v.as_u64())
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            score,
        })
    }
}

/// The text a story is found by besides its headline and dek: lede, body and
/// every section (timeline, quotes), one sentence after another. (The dek has
/// its own field, so snippets do not repeat it.)
fn story_text(story: &Story) -> String {
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(story.lede.sentences.iter().map(|s| s.text.as_str()));
    for p in &story.body {
        parts.extend(p.sentences.iter().map(|s| s.text.as_str()));
    }
    for section in &story.sections {
        for p in &section.paragraphs {
            parts.extend(p.sentences.iter().map(|s| s.text.as_str()));
        }
    }
    parts.join(" ")
}

/// The most common language among `articles` (ties go to the first seen);
/// `None` when none has one.
pub fn majority_language<'a>(articles: impl IntoIterator<Item = &'a Article>) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for a in articles {
        let Some(l) = a.language.as_deref().and_then(normalize_language) else {
            continue;
        };
        match counts.iter_mut().find(|(k, _)| *k == l) {
            Some((_, n)) => *n += 1,
            None => counts.push((l, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(l, _)| l)
}
