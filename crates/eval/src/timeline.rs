//! Timeline summarization on Timeline17, scored as tilse scores it.
//!
//! # Metrics
//!
//! As in Martschat & Markert (2017), "Improving ROUGE for timeline
//! summarization", implemented by tilse and used by every paper since
//! Ghalandari & Ifrim (2020), "Examining the state of the art in news timeline
//! summarization" (their `news-tls` evaluation):
//!
//! - **Date F1**: precision and recall of the predicted dates against the
//!   reference dates (exact days).
//! - **Alignment-based ROUGE-1/2 F1** (tilse's
//!   `align_date_content_costs_many_to_one`, "align+ m:1"): for precision,
//!   each predicted date is aligned to the reference date of least cost, for
//!   recall each reference date to the predicted date of least cost, where
//!   `cost = (1 - 1/(|Δdays| + 1)) × (1 - F1 of raw-token unigram overlap)`
//!   (ties go to the earlier date). The ROUGE n-gram hits of an aligned pair
//!   count `1/(|Δdays| + 1)` times; precision is the sum of weighted hits over
//!   the sum of predicted n-grams (micro over dates), recall the same over the
//!   reference n-grams.
//! - **Means**: news-tls averages precision and recall over the (topic,
//!   reference timeline) pairs and takes F1 of the means; the published
//!   figures (e.g. Datewise 0.120 / 0.035 / 0.544 on T17) are these.
//!
//! # ROUGE tokens
//!
//! tilse runs ROUGE-1.5.5 with `-m -s` (Porter stemming, stop words removed)
//! and raw counts. [`rouge_tokens`] does what that script does:
//! - the text of a date's sentences is joined, so bigrams run across sentence
//!   boundaries;
//! - ASCII letters are lower-cased, `-` becomes its own token and every other
//!   character outside `[a-z0-9]` becomes a space;
//! - tokens in ROUGE's stop list (`smart_common_words.txt`: the SMART list
//!   plus news words such as month and weekday abbreviations, "reuters") are
//!   dropped, and so is any token not starting with a letter or digit;
//! - tokens longer than 3 characters are stemmed with ROUGE's own Porter
//!   stemmer ([`rouge_stem`], which treats `-ment`/`-ent` in step 4 differently
//!   from Porter's paper).
//!
//! One difference: ROUGE-1.5.5 first looks each token up in a WordNet 2.0
//! table of irregular forms ("children" → "child", "fled" → "flee") that is
//! not reproduced here; it only matters when one side has the irregular form
//! and the other the base form.
//!
//! # Setting
//!
//! The standard one (news-tls on T17): the outlet folders of one topic
//! (`bpoil_bbc`, `bpoil_reuters`, ...) form one collection (9 topics, 19
//! reference timelines). For each (topic, reference timeline) the system sees
//! the topic's articles published between the timeline's first and last date,
//! and produces as many dates as the reference has, each with the
//! reference's mean number of sentences per date (rounded half to even, as
//! Python's `round`). Reference sentences and article sentences are
//! detokenized alike ([`lede_fetch::t17::detokenize_ptb`]), so PTB tokens such
//! as `-LRB-` count as neither side's words.
//!
//! Constants of the generator are tuned on [`Split::Tune`] (every other topic
//! in name order) and reported on [`Split::HeldOut`] too.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use lede_model::{Article, Span, TimeExpr};
use lede_write::timeline::{
    TimelineConfig, TimelineEntry, TimelineIndex, TimelineOptions, TimelineSource,
};
use regex::Regex;

/// A timeline: for each date, its sentences.
pub type Timeline = BTreeMap<NaiveDate, Vec<String>>;

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// From precision and recall (F1 is 0 when both are).
    pub fn new(precision: f64, recall: f64) -> Self {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }

    /// Mean precision and mean recall, and F1 of those means (news-tls).
    pub fn mean(items: &[Prf]) -> Prf {
        if items.is_empty() {
            return Prf::default();
        }
        let n = items.len() as f64;
        Prf::new(
            items.iter().map(|p| p.precision).sum::<f64>() / n,
            items.iter().map(|p| p.recall).sum::<f64>() / n,
        )
    }
}

// ---------------------------------------------------------------- ROUGE tokens

/// ROUGE-1.5.5's stop list (`data/smart_common_words.txt`), keeping only the
/// entries that can equal a ROUGE token (the list also has forms with
/// apostrophes and dots, which ROUGE's tokenizer never produces), separated
/// by whitespace.
const ROUGE_STOPWORDS: &str = "\
reuters ap jan feb mar apr may jun jul aug sep oct nov dec tech news index mon tue wed thu \
fri sat a able about above according accordingly across actually after afterwards again \
against ai all allow allows almost alone along already also although always am amid among \
amongst an and another any anybody anyhow anyone anything anyway anyways anywhere apart \
appear appreciate appropriate are around as aside ask asking associated at available away \
awfully b be became because become becomes becoming been before beforehand behind being \
believe below beside besides best better between beyond both brief but by c came can ca \
cannot cant cause causes certain certainly changes clearly co com come comes concerning \
consequently consider considering contain containing contains corresponding could course \
currently d definitely described despite did different do does doing done down downwards \
during e each edu eg eight either else elsewhere enough entirely especially et etc even ever \
every everybody everyone everything everywhere ex exactly example except f far few fifth \
five followed following follows for former formerly forth four from further furthermore g \
get gets getting given gives go goes going gone got gotten greetings h had happens hardly \
has have having he hello help hence her here hereafter hereby herein hereupon hers herself \
hi him himself his hither hopefully how howbeit however i ie if ignored immediate in \
inasmuch inc indeed indicate indicated indicates inner insofar instead into inward is it its \
itself j just k keep keeps kept know knows known l lately later latter latterly least less \
lest let like liked likely little look looking looks ltd m mainly many may maybe me mean \
meanwhile merely might more moreover most mostly much must my myself n namely nd near nearly \
necessary need needs neither never nevertheless new next nine no nobody non none noone nor \
normally not nothing novel now nowhere o obviously of off often oh ok okay old on once one \
ones only onto or other others otherwise ought our ours ourselves out outside over overall \
own p particular particularly per perhaps placed please plus possible presumably probably \
provides q que quite qv r rather rd re really reasonably regarding regardless regards \
relatively respectively right s said same saw say saying says second secondly see seeing \
seem seemed seeming seems seen self selves sensible sent serious seriously seven several \
shall she should since six so some somebody somehow someone something sometime sometimes \
somewhat somewhere soon sorry specified specify specifying still sub such sup sure t take \
taken tell tends th than thank thanks thanx that thats the their theirs them themselves then \
thence there thereafter thereby therefore therein theres thereupon these they think third \
this thorough thoroughly those though three through throughout thru thus to together too \
took toward towards tried tries truly try trying twice two u un under unfortunately unless \
unlikely until unto up upon us use used useful uses using usually uucp v value various very \
via viz vs w want wants was way we welcome well went were what whatever when whence whenever \
where whereafter whereas whereby wherein whereupon wherever whether which while whither who \
whoever whole whom whose why will willing wish with within without wo wonder would x y yes \
yet you your yours yourself yourselves z zero";

fn is_rouge_stopword(token: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| ROUGE_STOPWORDS.split_whitespace().collect())
        .contains(token)
}

/// The tokens ROUGE-1.5.5 counts for `text` with `-m -s` (see the module docs).
pub fn rouge_tokens(text: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            'A'..='Z' => cleaned.push(c.to_ascii_lowercase()),
            'a'..='z' | '0'..='9' => cleaned.push(c),
            '-' => cleaned.push_str(" - "),
            _ => cleaned.push(' '),
        }
    }
    cleaned
        .split_whitespace()
        .filter(|t| !is_rouge_stopword(t))
        .filter(|t| t.starts_with(|c: char| c.is_ascii_alphanumeric()))
        .map(|t| {
            if t.len() > 3 {
                rouge_stem(t)
            } else {
                t.to_string()
            }
        })
        .collect()
}

/// The regular expressions of ROUGE-1.5.5's Porter stemmer, over
/// consonant/vowel classes where `y` is a vowel after a consonant.
struct PorterRes {
    /// `[C]VC...`: measure > 0.
    mgr0: Regex,
    /// `[C]VC[V]`: measure = 1.
    meq1: Regex,
    /// `[C]VCVC...`: measure > 1.
    mgr1: Regex,
    /// A vowel somewhere.
    has_vowel: Regex,
    /// `CVC` whose last consonant is not w, x or y (a short syllable).
    cvc: Regex,
    step2: Regex,
    step3: Regex,
    step4: Regex,
}

fn porter_res() -> &'static PorterRes {
    static RES: OnceLock<PorterRes> = OnceLock::new();
    RES.get_or_init(|| {
        let c = "[^aeiou]";
        let v = "[aeiouy]";
        let cc = format!("{c}[^aeiouy]*");
        let vv = format!("{v}[aeiou]*");
        let re = |p: String| Regex::new(&p).expect("valid stemmer regex");
        PorterRes {
            mgr0: re(format!("^({cc})?{vv}{cc}")),
            meq1: re(format!("^({cc})?{vv}{cc}({vv})?$")),
            mgr1: re(format!("^({cc})?{vv}{cc}{vv}{cc}")),
            has_vowel: re(format!("^({cc})?{v}")),
            cvc: re(format!("^{cc}{v}[^aeiouwxy]$")),
            step2: re("(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$".into()),
            step3: re("(icate|ative|alize|iciti|ical|ful|ness)$".into()),
            step4: re("(al|ance|ence|er|ic|able|ible|ant|ement|ou|ism|ate|iti|ous|ive|ize)$".into()),
        }
    })
}

/// ROUGE-1.5.5's Porter stemmer for a lower-case ASCII token.
///
/// Hand-written because no crate has this variant: Porter (1980) with the
/// ROUGE author's change to step 4 (`-ment` and `-ent` are tried after the
/// other suffixes, on what they leave), so "departmental" becomes "depart"
/// where Porter's paper gives "department".
pub fn rouge_stem(word: &str) -> String {
    if word.len() < 3 || !word.is_ascii() {
        return word.to_string();
    }
    let re = porter_res();
    let mut w = word.to_string();
    // An initial y is a consonant: mark it so the classes see it as one.
    let initial_y = w.starts_with('y');
    if initial_y {
        w.replace_range(0..1, "Y");
    }

    // Step 1a: plurals.
    if w.ends_with("sses") || w.ends_with("ies") {
        w.truncate(w.len() - 2);
    } else if w.len() >= 2 && w.ends_with('s') && !w[..w.len() - 1].ends_with('s') {
        w.pop();
    }

    // Step 1b: -eed, -ed, -ing.
    if w.ends_with("eed") {
        if re.mgr0.is_match(&w[..w.len() - 3]) {
            w.pop();
        }
    } else {
        let cut = if w.ends_with("ed") {
            Some(w.len() - 2)
        } else if w.ends_with("ing") {
            Some(w.len() - 3)
        } else {
            None
        };
        if let Some(cut) = cut {
            if re.has_vowel.is_match(&w[..cut]) {
                w.truncate(cut);
                let b = w.as_bytes();
                let n = b.len();
                if w.ends_with("at") || w.ends_with("bl") || w.ends_with("iz") {
                    w.push('e');
                } else if n >= 2 && b[n - 1] == b[n - 2] && !b"aeiouylsz".contains(&b[n - 1]) {
                    w.pop();
                } else if re.cvc.is_match(&w) {
                    w.push('e');
                }
            }
        }
    }

    // Step 1c: y -> i after a vowel somewhere in the stem.
    if w.ends_with('y') && re.has_vowel.is_match(&w[..w.len() - 1]) {
        w.pop();
        w.push('i');
    }

    // Steps 2 and 3: suffix mappings when the stem has measure > 0.
    for (step, map) in [
        (
            &re.step2,
            &[
                ("ational", "ate"),
                ("tional", "tion"),
                ("enci", "ence"),
                ("anci", "ance"),
                ("izer", "ize"),
                ("bli", "ble"),
                ("alli", "al"),
                ("entli", "ent"),
                ("eli", "e"),
                ("ousli", "ous"),
                ("ization", "ize"),
                ("ation", "ate"),
                ("ator", "ate"),
                ("alism", "al"),
                ("iveness", "ive"),
                ("fulness", "ful"),
                ("ousness", "ous"),
                ("aliti", "al"),
                ("iviti", "ive"),
                ("biliti", "ble"),
                ("logi", "log"),
            ][..],
        ),
        (
            &re.step3,
            &[
                ("icate", "ic"),
                ("ative", ""),
                ("alize", "al"),
                ("iciti", "ic"),
                ("ical", "ic"),
                ("ful", ""),
                ("ness", ""),
            ][..],
        ),
    ] {
        if let Some(m) = step.find(&w) {
            let stem = &w[..m.start()];
            if re.mgr0.is_match(stem) {
                let to = map
                    .iter()
                    .find(|(from, _)| *from == m.as_str())
                    .map_or("", |(_, to)| *to);
                w = format!("{stem}{to}");
            }
        }
    }

    // Step 4 (ROUGE's variant): drop a suffix when the stem has measure > 1.
    if let Some(m) = re.step4.find(&w) {
        if re.mgr1.is_match(&w[..m.start()]) {
            w.truncate(m.start());
        }
    }
    if w.ends_with("ment") && re.mgr1.is_match(&w[..w.len() - 4]) {
        w.truncate(w.len() - 4);
    }
    if w.ends_with("ent") {
        if re.mgr1.is_match(&w[..w.len() - 3]) {
            w.truncate(w.len() - 3);
        }
    } else if (w.ends_with("sion") || w.ends_with("tion")) && re.mgr1.is_match(&w[..w.len() - 3]) {
        w.truncate(w.len() - 3);
    }

    // Step 5: final e and double l.
    if w.ends_with('e') {
        let stem = &w[..w.len() - 1];
        if re.mgr1.is_match(stem) || (re.meq1.is_match(stem) && !re.cvc.is_match(stem)) {
            w.pop();
        }
    }
    if w.ends_with("ll") && re.mgr1.is_match(&w) {
        w.pop();
    }

    if initial_y {
        w.replace_range(0..1, "y");
    }
    w
}

// ---------------------------------------------------------------- ROUGE counts

/// One date's summary as the metrics see it.
struct DateText {
    /// ROUGE unigram and bigram counts.
    grams: [HashMap<String, u32>; 2],
    /// Totals of the two maps.
    totals: [u32; 2],
    /// Whitespace tokens as written, for the alignment's content cost.
    raw: HashMap<String, u32>,
    raw_total: u32,
}

impl DateText {
    fn new(sentences: &[String]) -> Self {
        let mut tokens: Vec<String> = Vec::new();
        let mut raw: HashMap<String, u32> = HashMap::new();
        let mut raw_total = 0;
        for s in sentences {
            tokens.extend(rouge_tokens(s));
            for t in s.split_whitespace() {
                *raw.entry(t.to_string()).or_default() += 1;
                raw_total += 1;
            }
        }
        let mut grams: [HashMap<String, u32>; 2] = Default::default();
        for t in &tokens {
            *grams[0].entry(t.clone()).or_default() += 1;
        }
        for w in tokens.windows(2) {
            *grams[1].entry(format!("{} {}", w[0], w[1])).or_default() += 1;
        }
        let totals = [tokens.len() as u32, tokens.len().saturating_sub(1) as u32];
        DateText {
            grams,
            totals,
            raw,
            raw_total,
        }
    }

    /// Clipped n-gram matches with `other` (n = 1 or 2).
    fn hits(&self, other: &DateText, n: usize) -> u32 {
        self.grams[n - 1]
            .iter()
            .map(|(g, &c)| c.min(other.grams[n - 1].get(g).copied().unwrap_or(0)))
            .sum()
    }

    /// tilse's approximate ROUGE-1 F1 on raw whitespace tokens (case kept, no
    /// stemming, no stop list), used only in the alignment cost.
    fn approx_f1(&self, reference: &DateText) -> f64 {
        let matched: u32 = self
            .raw
            .iter()
            .map(|(t, &c)| c.min(reference.raw.get(t).copied().unwrap_or(0)))
            .sum();
        let p = if self.raw_total > 0 {
            matched as f64 / self.raw_total as f64
        } else {
            0.0
        };
        let r = if reference.raw_total > 0 {
            matched as f64 / reference.raw_total as f64
        } else {
            0.0
        };
        Prf::new(p, r).f1
    }
}

/// Alignment-based ROUGE-1 and ROUGE-2 of one predicted timeline against one
/// reference ("align+ m:1", see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct AlignedRouge {
    pub rouge1: Prf,
    pub rouge2: Prf,
}

/// tilse's `evaluate_align_date_content_costs_many_to_one` for one reference.
pub fn align_rouge(predicted: &Timeline, reference: &Timeline) -> AlignedRouge {
    let pred: Vec<(NaiveDate, DateText)> = predicted
        .iter()
        .map(|(d, s)| (*d, DateText::new(s)))
        .collect();
    let refs: Vec<(NaiveDate, DateText)> = reference
        .iter()
        .map(|(d, s)| (*d, DateText::new(s)))
        .collect();
    let days = |a: NaiveDate, b: NaiveDate| (a - b).num_days().unsigned_abs() as f64;
    let cost = |p: &(NaiveDate, DateText), r: &(NaiveDate, DateText)| {
        (1.0 - 1.0 / (days(p.0, r.0) + 1.0)) * (1.0 - p.1.approx_f1(&r.1))
    };
    // The first index of least cost, as numpy's argmin.
    fn argmin<T>(items: &[T], cost: impl Fn(&T) -> f64) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (i, it) in items.iter().enumerate() {
            let c = cost(it);
            if best.is_none_or(|(_, b)| c < b) {
                best = Some((i, c));
            }
        }
        best.map(|(i, _)| i)
    }

    let mut num_p = [0.0f64; 2];
    let mut den_p = [0.0f64; 2];
    for p in &pred {
        let matched = argmin(&refs, |r| cost(p, r));
        for n in 1..=2 {
            den_p[n - 1] += p.1.totals[n - 1] as f64;
            if let Some(j) = matched {
                let r = &refs[j];
                num_p[n - 1] += p.1.hits(&r.1, n) as f64 / (days(p.0, r.0) + 1.0);
            }
        }
    }
    let mut num_r = [0.0f64; 2];
    let mut den_r = [0.0f64; 2];
    for r in &refs {
        let matched = argmin(&pred, |p| cost(p, r));
        for n in 1..=2 {
            den_r[n - 1] += r.1.totals[n - 1] as f64;
            if let Some(i) = matched {
                let p = &pred[i];
                num_r[n - 1] += p.1.hits(&r.1, n) as f64 / (days(p.0, r.0) + 1.0);
            }
        }
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let prf = |n: usize| Prf::new(ratio(num_p[n], den_p[n]), ratio(num_r[n], den_r[n]));
    AlignedRouge {
        rouge1: prf(0),
        rouge2: prf(1),
    }
}

/// Date precision/recall/F1: exact days shared by the two timelines.
pub fn date_prf(predicted: &Timeline, reference: &Timeline) -> Prf {
    let shared = predicted
        .keys()
        .filter(|d| reference.contains_key(d))
        .count() as f64;
    let p = if predicted.is_empty() {
        0.0
    } else {
        shared / predicted.len() as f64
    };
    let r = if reference.is_empty() {
        0.0
    } else {
        shared / reference.len() as f64
    };
    Prf::new(p, r)
}

/// Python's `round` (half to even), which news-tls uses for the number of
/// sentences per date.
pub fn round_half_even(x: f64) -> usize {
    let r = x.round();
    let r = if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    };
    r.max(0.0) as usize
}

// ---------------------------------------------------------------- data

/// A reference timeline file: `YYYY-MM-DD` lines, each followed by its
/// sentences (PTB-tokenized, one a line) and a line of dashes. Sentences are
/// detokenized; a date given twice has its sentences merged; a block under a
/// line that is not a valid date is skipped (reported in the count).
pub fn read_reference(path: &Path) -> Result<(Timeline, usize)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let date_line = Regex::new(r"^\d{4}-\d{1,2}-\d{1,2}$").expect("valid regex");
    let mut timeline = Timeline::new();
    let mut current: Option<NaiveDate> = None;
    let mut in_block = false;
    let mut skipped = 0;
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        if l.starts_with("---") && l.chars().all(|c| c == '-') {
            current = None;
            in_block = false;
            continue;
        }
        if !in_block {
            in_block = true;
            current = NaiveDate::parse_from_str(l, "%Y-%m-%d")
                .ok()
                .filter(|_| date_line.is_match(l));
            if current.is_none() {
                skipped += 1;
            }
            continue;
        }
        if let Some(d) = current {
            timeline
                .entry(d)
                .or_default()
                .push(lede_fetch::t17::detokenize_ptb(l));
        }
    }
    anyhow::ensure!(!timeline.is_empty(), "{}: no dated entries", path.display());
    Ok((timeline, skipped))
}

/// One article of a topic with the dates its sentences mention.
pub struct TopicArticle {
    pub article: Article,
    pub dates: Vec<TimeExpr>,
}

/// One reference timeline of a topic.
pub struct Reference {
    /// `<outlet folder>/<file name>`.
    pub name: String,
    pub timeline: Timeline,
}

/// One topic: the articles of all its outlet folders and their timelines.
pub struct Topic {
    /// The folder name before its outlet suffix (`bpoil` for `bpoil_bbc`).
    pub name: String,
    pub articles: Vec<TopicArticle>,
    pub references: Vec<Reference>,
}

/// Which topics to score: all, or one of two fixed halves (every other topic
/// in name order), so constants tuned on one half can be checked on the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Split {
    All,
    /// Topics 1, 3, 5, ... in name order (case-insensitive).
    Tune,
    /// Topics 2, 4, ... in name order.
    HeldOut,
}

impl Split {
    fn keeps(self, position: usize) -> bool {
        match self {
            Split::All => true,
            Split::Tune => position.is_multiple_of(2),
            Split::HeldOut => !position.is_multiple_of(2),
        }
    }
}

/// Timeline17 read once: topics with tagged articles and reference timelines.
pub struct Corpus {
    /// Sorted by name (case-insensitive).
    pub topics: Vec<Topic>,
    /// Article files that could not be read (empty files), with the reason.
    pub skipped: Vec<String>,
    /// Reference date blocks skipped for a malformed date.
    pub skipped_reference_blocks: usize,
    pub load_seconds: f64,
}

/// The topic a Timeline17 folder belongs to: its name before the last `_`.
fn topic_of(folder: &str) -> &str {
    folder.rsplit_once('_').map_or(folder, |(t, _)| t)
}

/// Read every topic folder of a Timeline17 directory, split the articles into
/// their sentences (one a line in the corpus) and tag their dates.
pub fn load(data_dir: &Path) -> Result<Corpus> {
    let start = Instant::now();
    let folders = lede_fetch::t17::topic_folders(data_dir)?;
    let mut topics: BTreeMap<String, Topic> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut skipped_reference_blocks = 0;
    for folder in folders {
        let folder_name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let name = topic_of(&folder_name).to_string();
        let topic = topics.entry(name.to_lowercase()).or_insert_with(|| Topic {
            name,
            articles: Vec::new(),
            references: Vec::new(),
        });
        let files = lede_fetch::t17::topic_files(&folder).map_err(|e| anyhow::anyhow!("{e}"))?;
        for (_, date, file) in files {
            let doc = match lede_fetch::t17::read_file(&folder, date, &file) {
                Ok(d) => d,
                Err(e) => {
                    skipped.push(e.to_string());
                    continue;
                }
            };
            let text = doc.text.unwrap_or_default();
            let mut sentences = Vec::new();
            let mut pos = 0;
            for line in text.split('\n') {
                if !line.trim().is_empty() {
                    sentences.push(Span::new(pos, pos + line.len()));
                }
                pos += line.len() + 1;
            }
            let article = Article {
                id: topic.articles.len() as i64 + 1,
                url: doc.url,
                outlet: doc.outlet.unwrap_or_default(),
                title: doc.title.unwrap_or_default(),
                published: doc.published,
                language: doc.language,
                text,
                sentences,
                ..Default::default()
            };
            let dates = lede_analyze::find_dates(&article);
            topic.articles.push(TopicArticle { article, dates });
        }
        let tl_dir = folder.join("timelines");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&tl_dir)
            .with_context(|| format!("reading {}", tl_dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            let (timeline, bad) = read_reference(&f)?;
            skipped_reference_blocks += bad;
            let file_name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            topic.references.push(Reference {
                name: format!("{folder_name}/{file_name}"),
                timeline,
            });
        }
    }
    Ok(Corpus {
        topics: topics.into_values().collect(),
        skipped,
        skipped_reference_blocks,
        load_seconds: start.elapsed().as_secs_f64(),
    })
}

/// The scores of one (topic, reference timeline) pair.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimelineScore {
    pub topic: String,
    pub reference: String,
    /// Dates and sentences per date asked of the system.
    pub dates: usize,
    pub sentences_per_date: usize,
    /// Articles published in the reference's span (the system's input).
    pub articles: usize,
    pub rouge1: Prf,
    pub rouge2: Prf,
    pub date: Prf,
    /// What the system produced (not serialised: it quotes the corpus).
    #[serde(skip)]
    pub predicted: Timeline,
}

/// Timeline17 figures: means over the (topic, reference timeline) pairs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimelineReport {
    pub split: Split,
    pub topics: usize,
    pub timelines: usize,
    /// Articles read (all topics, also those outside the split).
    pub articles: usize,
    /// Alignment-based ROUGE-1 ("align+ m:1"): mean P, mean R, F1 of the means.
    pub rouge1: Prf,
    /// Alignment-based ROUGE-2, likewise.
    pub rouge2: Prf,
    /// Date selection, likewise.
    pub date: Prf,
    pub per_timeline: Vec<TimelineScore>,
    /// Reading and tagging the corpus.
    pub load_seconds: f64,
    /// Building and scoring the timelines.
    pub run_seconds: f64,
}

impl std::fmt::Display for TimelineReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "timeline ({:?}): topics {} timelines {} alignment ROUGE-1 F1 {:.4} ROUGE-2 F1 {:.4} date F1 {:.4} (load {:.1}s, run {:.1}s)",
            self.split,
            self.topics,
            self.timelines,
            self.rouge1.f1,
            self.rouge2.f1,
            self.date.f1,
            self.load_seconds,
            self.run_seconds
        )
    }
}

impl Corpus {
    /// Articles read over all topics.
    pub fn article_count(&self) -> usize {
        self.topics.iter().map(|t| t.articles.len()).sum()
    }

    /// Each topic's articles indexed for the generator (tokenized once; the
    /// same indexes serve any number of [`Corpus::evaluate_indexed`] runs).
    pub fn indexes(&self) -> Vec<TimelineIndex<'_>> {
        self.topics
            .iter()
            .map(|t| {
                let sources: Vec<TimelineSource> = t
                    .articles
                    .iter()
                    .map(|a| TimelineSource {
                        article: &a.article,
                        dates: &a.dates,
                    })
                    .collect();
                TimelineIndex::new(&sources)
            })
            .collect()
    }

    /// Build and score a timeline for every (topic, reference) pair of `split`
    /// with the generator's constants `config`.
    pub fn evaluate(&self, split: Split, config: &TimelineConfig) -> TimelineReport {
        let start = Instant::now();
        let indexes = self.indexes();
        let mut report = self.evaluate_indexed(&indexes, split, config);
        report.run_seconds = start.elapsed().as_secs_f64();
        report
    }

    /// [`Corpus::evaluate`] with indexes from [`Corpus::indexes`].
    pub fn evaluate_indexed(
        &self,
        indexes: &[TimelineIndex],
        split: Split,
        config: &TimelineConfig,
    ) -> TimelineReport {
        let start = Instant::now();
        let mut per_timeline = Vec::new();
        let mut topics = 0;
        for (position, (topic, index)) in self.topics.iter().zip(indexes).enumerate() {
            if !split.keeps(position) {
                continue;
            }
            topics += 1;
            for reference in &topic.references {
                let timeline = &reference.timeline;
                let (first, last) = match (timeline.keys().next(), timeline.keys().next_back()) {
                    (Some(f), Some(l)) => (*f, *l),
                    _ => continue,
                };
                let sentences: usize = timeline.values().map(Vec::len).sum();
                let options = TimelineOptions {
                    max_dates: timeline.len(),
                    sentences_per_date: round_half_even(sentences as f64 / timeline.len() as f64)
                        .max(1),
                    first: Some(first),
                    last: Some(last),
                };
                let entries = index.build(&options, config);
                let predicted = to_timeline(&entries);
                let rouge = align_rouge(&predicted, timeline);
                per_timeline.push(TimelineScore {
                    topic: topic.name.clone(),
                    reference: reference.name.clone(),
                    dates: options.max_dates,
                    sentences_per_date: options.sentences_per_date,
                    articles: topic
                        .articles
                        .iter()
                        .filter(|a| {
                            a.article
                                .published
                                .map(|p| p.date_naive())
                                .is_some_and(|p| p >= first && p <= last)
                        })
                        .count(),
                    rouge1: rouge.rouge1,
                    rouge2: rouge.rouge2,
                    date: date_prf(&predicted, timeline),
                    predicted,
                });
            }
        }
        let mean = |f: fn(&TimelineScore) -> Prf| {
            Prf::mean(&per_timeline.iter().map(f).collect::<Vec<_>>())
        };
        TimelineReport {
            split,
            topics,
            timelines: per_timeline.len(),
            articles: self.article_count(),
            rouge1: mean(|s| s.rouge1),
            rouge2: mean(|s| s.rouge2),
            date: mean(|s| s.date),
            load_seconds: self.load_seconds,
            run_seconds: start.elapsed().as_secs_f64(),
            per_timeline,
        }
    }
}

/// The generator's entries as a metric [`Timeline`].
pub fn to_timeline(entries: &[TimelineEntry]) -> Timeline {
    let mut t = Timeline::new();
    for e in entries {
        t.entry(e.date)
            .or_default()
            .extend(e.sentences.iter().map(|s| s.text.clone()));
    }
    t
}

/// `lede eval timeline`: read Timeline17 at `data_dir` and score lede's
/// timeline generator (default constants) on the topics of `split`.
pub fn evaluate(data_dir: &Path, split: Split) -> Result<TimelineReport> {
    let corpus = load(data_dir)?;
    let report = corpus.evaluate(split, &TimelineConfig::default());
    anyhow::ensure!(
        report.timelines > 0,
        "{}: no reference timelines",
        data_dir.display()
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2031, 3, d).unwrap()
    }

    fn timeline(entries: &[(u32, &[&str])]) -> Timeline {
        entries
            .iter()
            .map(|(d, s)| (day(*d), s.iter().map(|t| t.to_string()).collect()))
            .collect()
    }

    #[test]
    fn rouge_stemmer_follows_rouge_1_5_5() {
        for (word, stem) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("cats", "cat"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("motoring", "motor"),
            ("hopping", "hop"),
            ("filing", "file"),
            ("happy", "happi"),
            ("relational", "relat"),
            ("generalization", "gener"),
            ("adjustment", "adjust"),
            ("cancelled", "cancel"),
            ("bridge", "bridg"),
            ("closed", "close"),
            ("yelling", "yell"),
            // ROUGE's step 4 strips -ment after -al; Porter's paper keeps it.
            ("departmental", "depart"),
        ] {
            assert_eq!(rouge_stem(word), stem, "{word}");
        }
    }

    #[test]
    fn rouge_tokens_drop_stop_words_and_split_hyphens() {
        assert_eq!(
            rouge_tokens("The Eastbrook ferries were cancelled on Tuesday-night (Reuters)."),
            vec!["eastbrook", "ferri", "cancel", "tuesdai", "night"]
        );
        // Short tokens are not stemmed; digits are kept; non-ASCII is a gap.
        assert_eq!(rouge_tokens("Bus 42 ran — ok"), vec!["bus", "42", "ran"]);
    }

    #[test]
    fn alignment_rouge_and_date_f1_by_hand() {
        let reference = timeline(&[
            (8, &["Eastbrook closed the Miller Bridge."]),
            (10, &["Crews began repairs."]),
        ]);
        let predicted = timeline(&[
            (8, &["Eastbrook closed the Miller Bridge."]),
            (11, &["Crews began repairs on the bridge."]),
        ]);
        // Tokens: [eastbrook close miller bridg], [crew began repair] and
        // [crew began repair bridg]. The 11th aligns with the 10th (cost
        // 0.5 × (1 - 4/9) against 0.75 × (1 - 2/11) for the 8th), so its
        // hits count half.
        let r = align_rouge(&predicted, &reference);
        assert!((r.rouge1.precision - 5.5 / 8.0).abs() < 1e-9, "{r:?}");
        assert!((r.rouge1.recall - 5.5 / 7.0).abs() < 1e-9, "{r:?}");
        assert!((r.rouge1.f1 - 11.0 / 15.0).abs() < 1e-9, "{r:?}");
        assert!((r.rouge2.precision - 4.0 / 6.0).abs() < 1e-9, "{r:?}");
        assert!((r.rouge2.recall - 4.0 / 5.0).abs() < 1e-9, "{r:?}");
        assert!((r.rouge2.f1 - 8.0 / 11.0).abs() < 1e-9, "{r:?}");
        let d = date_prf(&predicted, &reference);
        assert_eq!((d.precision, d.recall, d.f1), (0.5, 0.5, 0.5));

        // The same timeline scores 1; nothing scores 0.
        let same = align_rouge(&reference, &reference);
        assert!((same.rouge1.f1 - 1.0).abs() < 1e-9 && (same.rouge2.f1 - 1.0).abs() < 1e-9);
        let none = align_rouge(&Timeline::new(), &reference);
        assert_eq!(none.rouge1.f1, 0.0);
        assert_eq!(date_prf(&Timeline::new(), &reference).f1, 0.0);
    }

    #[test]
    fn many_to_one_alignment_lets_two_dates_share_a_reference() {
        let reference = timeline(&[(10, &["Crews began repairs."])]);
        let predicted = timeline(&[
            (9, &["Crews began repairs."]),
            (11, &["Crews began repairs."]),
        ]);
        // Both predicted dates align with the 10th, one day off: half credit
        // each for precision; recall takes the earlier of the two (a tie).
        let r = align_rouge(&predicted, &reference);
        assert!((r.rouge1.precision - 0.5).abs() < 1e-9, "{r:?}");
        assert!((r.rouge1.recall - 0.5).abs() < 1e-9, "{r:?}");
    }

    #[test]
    fn means_are_taken_before_f1() {
        let m = Prf::mean(&[Prf::new(1.0, 0.0), Prf::new(0.0, 1.0)]);
        assert_eq!((m.precision, m.recall, m.f1), (0.5, 0.5, 0.5));
    }

    #[test]
    fn rounding_is_half_to_even() {
        assert_eq!(round_half_even(2.5), 2);
        assert_eq!(round_half_even(3.5), 4);
        assert_eq!(round_half_even(1.53), 2);
        assert_eq!(round_half_even(1.4), 1);
    }

    #[test]
    fn reference_files_merge_repeated_dates_and_skip_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tl.txt");
        std::fs::write(
            &path,
            "2031-03-08\nEastbrook closes the bridge -LRB- for now -RRB- .\n\
             --------------------------------\n2031-03-0\nA block without a valid date .\n\
             --------------------------------\n2031-03-08 \nCrews arrive .\n\
             --------------------------------\n",
        )
        .unwrap();
        let (t, skipped) = read_reference(&path).unwrap();
        assert_eq!(skipped, 1);
        assert_eq!(
            t.get(&day(8)).unwrap(),
            &vec![
                "Eastbrook closes the bridge (for now).".to_string(),
                "Crews arrive.".to_string()
            ]
        );
        assert_eq!(t.len(), 1);
    }

    /// A fictional topic in the Timeline17 layout, in two outlet folders.
    fn write_corpus(root: &Path) {
        let docs = [
            (
                "ferry_gazette",
                "2031-03-09",
                "1",
                "Ferry crews on the Eastbrook crossing walked out on March 8 over pay .\n\
                 The crossing carries most of the island 's freight .\n",
            ),
            (
                "ferry_gazette",
                "2031-03-10",
                "2",
                "Talks between the ferry crews and the Eastbrook operator began on March 10 .\n\
                 The strike started on March 8 when crews left the Eastbrook crossing .\n",
            ),
            (
                "ferry_courier",
                "2031-03-10",
                "3",
                "The Eastbrook ferry strike that began on March 8 has cut freight to the island .\n\
                 Talks on March 10 between crews and the operator ended without an offer .\n",
            ),
        ];
        for (folder, date, id, text) in docs {
            let dir = root.join(folder).join("InputDocs").join(date);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{id}.htm.txt")), text).unwrap();
        }
        for folder in ["ferry_gazette", "ferry_courier"] {
            std::fs::create_dir_all(root.join(folder).join("timelines")).unwrap();
        }
        std::fs::write(
            root.join("ferry_gazette/timelines/tl.txt"),
            "2031-03-08\nFerry crews on the Eastbrook crossing walk out over pay .\n\
             --------------------------------\n2031-03-10\n\
             Talks between the crews and the operator begin .\n\
             --------------------------------\n",
        )
        .unwrap();
    }

    #[test]
    fn evaluates_a_fictional_corpus_end_to_end() {
        let dir = tempfile::tempdir().unwrap();
        write_corpus(dir.path());
        let corpus = load(dir.path()).unwrap();
        assert_eq!(corpus.topics.len(), 1, "outlet folders of one topic merge");
        assert_eq!(corpus.topics[0].articles.len(), 3);
        let r = evaluate(dir.path(), Split::All).unwrap();
        assert_eq!((r.topics, r.timelines), (1, 1));
        let s = &r.per_timeline[0];
        assert_eq!((s.dates, s.sentences_per_date, s.articles), (2, 1, 3));
        // Both reference days are the two most mentioned ones.
        assert_eq!(r.date.f1, 1.0, "{r}");
        assert!(r.rouge1.f1 > 0.3 && r.rouge2.f1 > 0.05, "{r}");
        // The held-out half of a one-topic corpus is empty.
        assert_eq!(
            corpus
                .evaluate(Split::HeldOut, &TimelineConfig::default())
                .timelines,
            0
        );
    }

    #[test]
    fn topics_group_outlet_folders() {
        assert_eq!(topic_of("bpoil_bbc"), "bpoil");
        assert_eq!(topic_of("SyrianCrisis_reuters"), "SyrianCrisis");
        assert_eq!(topic_of("plain"), "plain");
    }
}
