//! `lede`: the command line. It only wires the pipeline crates together:
//! `sources -> fetch -> extract -> store -> cluster -> analyze -> write -> verify -> publish`.

mod analyze;
mod config;
mod eval;
mod pipeline;
mod progress;
mod run;
mod write;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use lede_store::Store;

use crate::config::Config;

/// A self-hosted news desk: reads outlets, groups articles into stories, and
/// writes one cited article per story.
#[derive(Parser)]
#[command(name = "lede", version, about)]
struct Cli {
    /// Data directory (database, lock). Also LEDE_DATA_DIR or `data_dir` in the config file.
    #[arg(long, global = true, env = "LEDE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Config file (TOML). Default: ./lede.toml when it exists.
    #[arg(long, global = true, env = "LEDE_CONFIG")]
    config: Option<PathBuf>,
    /// PostgreSQL URL (`postgres://user@host/db`) to share one database among
    /// many processes; default: SQLite in the data directory.
    #[arg(long, global = true, env = "LEDE_DATABASE")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import articles from files or folders (JSON Lines, HTML, feeds, Timeline17), then build stories.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Only store the articles; do not cluster and write stories.
        #[arg(long)]
        no_build: bool,
        /// Append a line `stored|duplicate<TAB>id<TAB>url` to this file for every
        /// article once the store has committed it.
        #[arg(long)]
        ack: Option<PathBuf>,
    },
    /// Cluster new articles into stories and (re)write the stories they changed.
    Build,
    /// Serve the site, the JSON API and the Atom feed.
    Serve {
        /// Address to listen on.
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Poll the subscribed feeds (the shipped default list when none), build stories and serve, until stopped.
    Run {
        #[arg(long)]
        addr: Option<SocketAddr>,
        /// Import these paths first.
        #[arg(long)]
        import: Vec<PathBuf>,
        /// Do not poll feeds (serve what is stored, plus `--import`).
        #[arg(long)]
        no_fetch: bool,
        /// Seconds between looks for feeds that are due (each feed has its own
        /// interval, adapted to how often it changes).
        #[arg(long, default_value_t = 60)]
        tick: u64,
        /// Fetch from these loopback addresses too (tests and benchmarks with a local feed server).
        #[arg(long, hide = true)]
        allow_addr: Vec<SocketAddr>,
    },
    /// One of many workers sharing a PostgreSQL database (`--database`): polls the
    /// feeds that are due, clusters, writes stories; claims work with leases.
    Worker {
        /// Do not poll feeds; only cluster and write.
        #[arg(long)]
        no_fetch: bool,
        /// Seconds to wait when there is no work.
        #[arg(long, default_value_t = 5)]
        idle: u64,
        /// Stop after this many idle rounds in a row (batch jobs, tests).
        #[arg(long)]
        exit_when_idle: Option<u32>,
        /// Fetch from these loopback addresses too (tests with a local feed server).
        #[arg(long, hide = true)]
        allow_addr: Vec<SocketAddr>,
        /// Seconds a lease on a story or the clusterer holds (feeds: twice that);
        /// a dead worker's work is taken over after it.
        #[arg(long, default_value_t = 300)]
        lease: u64,
    },
    /// Write the whole site as static files (HTML, feeds, JSON) to a folder any web server can serve.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Manage feed subscriptions.
    Feeds {
        #[command(subcommand)]
        action: FeedsAction,
    },
    /// Extract article text and metadata from HTML files; one JSON object a line.
    Extract {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The URL the page was fetched from (resolves relative links, names the outlet).
        #[arg(long)]
        url: Option<String>,
    },
    /// Cluster a JSON Lines stream of `{"id","title","text","published"}` into stories; prints `id<TAB>story_id`.
    Cluster {
        #[arg(long)]
        input: PathBuf,
    },
    /// Write one story per line of a clusters file (`{"id","documents":[...]}`); one JSON story a line.
    Write {
        #[arg(long)]
        input: PathBuf,
        /// Words in the summary (dek, lede and body) at most.
        #[arg(long, default_value_t = 300)]
        max_words: usize,
    },
    /// Quotes with speakers and cues in a plain-text file; one JSON object a line (code-point offsets).
    Quotes {
        file: PathBuf,
        /// Publication date of the text (YYYY-MM-DD).
        #[arg(long)]
        published: Option<chrono::NaiveDate>,
    },
    /// TimeML time expressions (type, normalised value) in a plain-text file; one JSON object a line.
    Timex {
        /// Document creation time (YYYY-MM-DD) that relative expressions resolve against.
        #[arg(long)]
        dct: chrono::NaiveDate,
        file: PathBuf,
    },
    /// Named entities: spans with type and role in a text file, or `--conll` to tag CoNLL lines.
    Entities {
        file: PathBuf,
        /// The file is CoNLL (`token POS chunk NER`); print it with a predicted IOB2 column added.
        #[arg(long)]
        conll: bool,
    },
    /// Train a model of the analyze stage from data (saved in the data directory).
    Train {
        #[command(subcommand)]
        what: analyze::TrainCommand,
    },
    /// Measure a stage on a public data set with its own metric.
    Eval {
        #[command(subcommand)]
        what: eval::EvalCommand,
    },
    /// Counts of what is stored.
    Status,
}

#[derive(Subcommand)]
enum FeedsAction {
    /// Subscribe to a feed URL.
    Add { url: String },
    /// Unsubscribe from a feed URL.
    Remove { url: String },
    /// List subscriptions with their polling state.
    List,
    /// Subscribe to every feed of an OPML file.
    Import { file: PathBuf },
    /// Print the subscriptions as OPML.
    Export,
}

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("LEDE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn dispatch(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref(), cli.data_dir, cli.database)?;
    if let Command::Train { what } = cli.command {
        analyze::train(what, &config.data_dir)?;
        return Ok(ExitCode::SUCCESS);
    }
    analyze::init_analyzer(&config.data_dir)?;
    match cli.command {
        Command::Train { .. } => unreachable!("handled above"),
        Command::Quotes { file, published } => analyze::quotes(&file, published)?,
        Command::Timex { dct, file } => analyze::timex(&file, dct)?,
        Command::Entities { file, conll } => analyze::entities(&file, conll)?,
        Command::Extract { files, url } => return Ok(pipeline::extract_files(&files, url)),
        Command::Eval { what } => return eval::run(what),
        Command::Cluster { input } => eval::cluster_stream(&input)?,
        Command::Write { input, max_words } => return write::write_clusters(&input, max_words),
        Command::Import {
            paths,
            no_build,
            ack,
        } => {
            let store = config.open_store().await?;
            let _lock = config.lock()?;
            pipeline::take_over_leases(&config, store.as_ref()).await?;
            let mut ack_file = match &ack {
                Some(path) => Some(
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)
                        .with_context(|| format!("opening {}", path.display()))?,
                ),
                None => None,
            };
            let report = pipeline::import_paths(
                &store,
                &paths,
                ack_file.as_mut().map(|f| f as &mut dyn std::io::Write),
            )
            .await;
            eprintln!(
                "imported {} new articles ({} duplicates, {} failed)",
                report.added, report.duplicates, report.failed
            );
            if !no_build {
                let writers = pipeline::StoryWriters::from_config(config.llm.as_ref())?;
                let built = pipeline::build(&store, &writers, &pipeline::worker_id()).await?;
                eprintln!(
                    "{} stories written from {} new articles ({} sentences dropped by the verifier)",
                    built.stories_written, built.articles_clustered, built.sentences_dropped
                );
            }
            if report.failed > 0 && report.added == 0 && report.duplicates == 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Build => {
            let store = config.open_store().await?;
            let _lock = config.lock()?;
            pipeline::take_over_leases(&config, store.as_ref()).await?;
            let writers = pipeline::StoryWriters::from_config(config.llm.as_ref())?;
            let built = pipeline::build(&store, &writers, &pipeline::worker_id()).await?;
            eprintln!(
                "{} stories written from {} new articles ({} sentences dropped by the verifier)",
                built.stories_written, built.articles_clustered, built.sentences_dropped
            );
        }
        Command::Serve { addr } => {
            let store = config.open_store().await?;
            let addr = addr.unwrap_or(config.addr);
            let writers = Arc::new(pipeline::StoryWriters::from_config(config.llm.as_ref())?);
            lede_publish::serve(run::site(&config, store, writers)?, addr).await?;
        }
        Command::Run {
            addr,
            import,
            no_fetch,
            tick,
            allow_addr,
        } => {
            let store = config.open_store().await?;
            let _lock = if config.shared_store() {
                None
            } else {
                Some(config.lock()?)
            };
            let options = run::RunOptions {
                addr: addr.unwrap_or(config.addr),
                import,
                fetch: !no_fetch,
                tick: std::time::Duration::from_secs(tick.max(1)),
                poller: lede_fetch::PollerConfig {
                    fetch: lede_fetch::FetchConfig {
                        allow_addrs: allow_addr,
                        ..Default::default()
                    },
                    ..Default::default()
                },
            };
            run::run(&config, store, options).await?;
        }
        Command::Worker {
            no_fetch,
            idle,
            exit_when_idle,
            allow_addr,
            lease,
        } => {
            pipeline::set_lease(std::time::Duration::from_secs(lease));
            if !config.shared_store() {
                anyhow::bail!(
                    "`lede worker` shares a PostgreSQL database with other workers: \
                     give one with --database postgres://... (or LEDE_DATABASE); \
                     on the embedded store use `lede run`"
                );
            }
            let store = config.open_store().await?;
            let mut poller = lede_fetch::PollerConfig::default();
            poller.fetch.allow_addrs = allow_addr;
            let options = run::WorkerOptions {
                idle: std::time::Duration::from_secs(idle.max(1)),
                exit_when_idle,
                fetch: !no_fetch,
                poller,
            };
            run::worker(&config, store, options).await?;
        }
        Command::Export { out } => {
            let store = config.open_store().await?;
            let report = lede_publish::export(&config.app_state(store), &out).await?;
            eprintln!("exported the site to {}: {report:?}", out.display());
        }
        Command::Feeds { action } => {
            let store = config.open_store().await?;
            feeds(store.as_ref(), action).await?;
        }
        Command::Status => {
            let store = config.open_store().await?;
            let stats = store.stats().await?;
            println!("data directory: {}", config.data_dir.display());
            println!("articles: {}", stats.articles);
            println!("stories:  {}", stats.stories);
            println!("feeds:    {}", stats.feeds);
            println!(
                "backlog:  {} articles to cluster, {} stories to write",
                stats.unclustered, stats.to_write
            );
            let now = chrono::Utc::now();
            let policy = lede_fetch::SchedulePolicy::default();
            for f in store.feeds().await? {
                let state = match lede_fetch::schedule::health(&f, now, &policy) {
                    lede_fetch::Health::Ok => match f.last_fetched {
                        Some(t) => format!("ok, last fetched {}", t.to_rfc3339()),
                        None => "never fetched".to_string(),
                    },
                    lede_fetch::Health::Failing { since, errors } => format!(
                        "failing since {} ({errors} in a row): {}",
                        since.to_rfc3339(),
                        f.last_error.as_deref().unwrap_or("")
                    ),
                    lede_fetch::Health::Dead { since, errors } => format!(
                        "DEAD since {} ({errors} failures; polled daily): {}",
                        since.to_rfc3339(),
                        f.last_error.as_deref().unwrap_or("")
                    ),
                };
                println!("  {}  {}", f.url, state);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn feeds(store: &dyn Store, action: FeedsAction) -> Result<()> {
    match action {
        FeedsAction::Add { url } => {
            let parsed = url::Url::parse(&url).with_context(|| format!("adding {url}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                anyhow::bail!("adding {url}: only http and https feeds can be polled");
            }
            let f = store.add_feed(parsed.as_str(), None).await?;
            println!("subscribed: {} (id {})", f.url, f.id);
        }
        FeedsAction::Remove { url } => {
            if store.remove_feed(&url).await? {
                println!("unsubscribed: {url}");
            } else {
                anyhow::bail!("not subscribed: {url}");
            }
        }
        FeedsAction::List => {
            for f in store.feeds().await? {
                println!(
                    "{}\t{}\t{}",
                    f.url,
                    f.title.as_deref().unwrap_or("-"),
                    f.last_error.as_deref().unwrap_or("ok")
                );
            }
        }
        FeedsAction::Import { file } => {
            let xml = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let entries = lede_fetch::feeds::parse_opml(&xml)
                .with_context(|| format!("parsing {}", file.display()))?;
            let n = entries.len();
            for (url, title) in entries {
                store.add_feed(&url, title.as_deref()).await?;
            }
            println!("subscribed to {n} feeds from {}", file.display());
        }
        FeedsAction::Export => {
            let feeds = store.feeds().await?;
            print!("{}", lede_fetch::feeds::write_opml(&feeds));
        }
    }
    Ok(())
}
