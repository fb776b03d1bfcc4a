//! `lede quotes`, `lede timex`, `lede entities` and `lede train entities`:
//! the analyze stage on one file, and the entity model it can use.
//!
//! The trained entity model lives in `<data dir>/models/entities.bin`; when it
//! is missing, the rule-based tagger is used everywhere (pipeline included).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use lede_analyze::{Analyzer, EntityModel};

/// What `lede train` can train.
#[derive(Subcommand)]
pub enum TrainCommand {
    /// The named-entity tagger, from CoNLL-2003-style `token POS chunk NER` lines.
    Entities {
        #[arg(long, default_value = "../shared/data/conll2003/train.txt")]
        data: PathBuf,
        /// Where to save the model (default: `<data dir>/models/entities.bin`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Where the entity model of a data directory is kept.
pub fn entity_model_path(data_dir: &Path) -> PathBuf {
    data_dir.join("models").join("entities.bin")
}

/// The entity model of a data directory: None when there is none; an error
/// when there is a file that is not a valid model.
pub fn load_entity_model(data_dir: &Path) -> Result<Option<EntityModel>> {
    let path = entity_model_path(data_dir);
    if !path.exists() {
        return Ok(None);
    }
    EntityModel::load(&path)
        .map(Some)
        .with_context(|| format!("loading the entity model {}", path.display()))
}

static ANALYZER: OnceLock<Analyzer> = OnceLock::new();

/// Use this data directory's entity model (if any) for the rest of the process.
pub fn init_analyzer(data_dir: &Path) -> Result<()> {
    let model = load_entity_model(data_dir)?;
    if model.is_some() {
        tracing::debug!("using the trained entity model");
    }
    let _ = ANALYZER.set(Analyzer::new(model));
    Ok(())
}

/// The process's analyzer (rule-based unless [`init_analyzer`] found a model).
pub fn analyzer() -> &'static Analyzer {
    ANALYZER.get_or_init(|| Analyzer::new(None))
}

pub fn train(what: TrainCommand, data_dir: &Path) -> Result<()> {
    match what {
        TrainCommand::Entities { data, out } => {
            let start = std::time::Instant::now();
            let model = lede_eval::entities::train_conll(&data)?;
            let out = out.unwrap_or_else(|| entity_model_path(data_dir));
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            model
                .save(&out)
                .with_context(|| format!("saving {}", out.display()))?;
            eprintln!(
                "entity model trained on {} in {:.1}s, saved to {}",
                data.display(),
                start.elapsed().as_secs_f64(),
                out.display()
            );
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn print_lines(values: &[serde_json::Value]) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for v in values {
        writeln!(out, "{v}")?;
    }
    Ok(())
}

/// `lede quotes FILE [--published DATE]`.
pub fn quotes(file: &Path, published: Option<NaiveDate>) -> Result<()> {
    print_lines(&lede_eval::quotes::annotate(&read(file)?, published))
}

/// `lede timex --dct DATE FILE`.
pub fn timex(file: &Path, dct: NaiveDate) -> Result<()> {
    print_lines(&lede_eval::timex::annotate(&read(file)?, dct))
}

/// `lede entities [--conll] FILE`.
pub fn entities(file: &Path, conll: bool) -> Result<()> {
    let text = read(file)?;
    if conll {
        print!(
            "{}",
            lede_eval::entities::tag_conll(analyzer().model(), &text)
        );
        Ok(())
    } else {
        print_lines(&lede_eval::entities::annotate_text(analyzer(), &text))
    }
}
