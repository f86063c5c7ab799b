//! `ofsearch`: the command line. Glue only: argument parsing, output formatting and exit codes;
//! the work is done by the indexer and query crates.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ofsearch_indexer::{index_paths, IndexOptions, Summary};
use ofsearch_query::{QueryError, Searcher};

/// Default index directory, relative to the working directory.
const DEFAULT_INDEX: &str = "ofsearch-index";
/// Environment variable naming the index directory when `--index` is not given (empty = unset).
const INDEX_ENV: &str = "OFSEARCH_INDEX";

/// Full-text search over Ofsted inspection reports on children's services.
#[derive(Parser)]
#[command(name = "ofsearch", version, about)]
struct Cli {
    /// Index directory [default: $OFSEARCH_INDEX, else ./ofsearch-index]
    // Not clap's `env`: it takes an empty variable for an empty --index and fails.
    #[arg(long, global = true, value_name = "DIR")]
    index: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index report files (.txt, .md) and folders [default input: the bundled corpus/]
    Index {
        /// Files or folders to index
        paths: Vec<PathBuf>,
        /// Threads for parsing and writing (0 = one per core)
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Memory budget of the index writer, in MiB
        #[arg(long, default_value_t = 256)]
        memory_mb: usize,
        /// Print the summary as JSON
        #[arg(long)]
        json: bool,
    },
    /// List the indexed reports with their metadata and judgements
    Reports {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Ranked search over paragraphs (builds the index from the bundled corpus if missing)
    Search {
        /// Query: words are ANDed; "quoted phrases", OR, NOT, field:value as in tantivy's syntax
        query: String,
        /// Number of hits to show
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Table,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("ofsearch: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    let index_dir = cli
        .index
        .or_else(|| {
            std::env::var_os(INDEX_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX));
    match cli.command {
        Command::Index {
            paths,
            threads,
            memory_mb,
            json,
        } => {
            let paths = if paths.is_empty() {
                vec![bundled_corpus()?]
            } else {
                paths
            };
            let summary = build_index(&paths, &index_dir, threads, memory_mb)?;
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &summary)?;
                writeln!(out)?;
            } else {
                print_summary(&mut out, &summary, &index_dir)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reports { format } => {
            let searcher = open(&index_dir)?;
            let reports = searcher.reports()?;
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &reports)?;
                    writeln!(out)?;
                }
                Format::Table => print_reports(&mut out, &reports)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            query,
            limit,
            format,
        } => {
            if !index_dir.join("meta.json").exists() {
                let corpus = bundled_corpus()?;
                eprintln!(
                    "ofsearch: no index at {}; building it from {} first",
                    index_dir.display(),
                    corpus.display()
                );
                let summary = build_index(&[corpus], &index_dir, 0, 256)?;
                print_summary(&mut std::io::stderr().lock(), &summary, &index_dir)?;
            }
            let searcher = open(&index_dir)?;
            let results = searcher.search(&query, limit)?;
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &results)?;
                    writeln!(out)?;
                }
                Format::Table => print_hits(&mut out, &results)?,
            }
            Ok(if results.total == 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn open(index_dir: &Path) -> Result<Searcher> {
    Searcher::open(index_dir).map_err(|e| match e {
        QueryError::NoIndex(_) => {
            anyhow::anyhow!("{e} (or pass --index DIR, or set OFSEARCH_INDEX)")
        }
        other => other.into(),
    })
}

/// The bundled corpus: `./corpus` if present, else the one in the source tree.
fn bundled_corpus() -> Result<PathBuf> {
    let here = PathBuf::from("corpus");
    if here.is_dir() {
        return Ok(here);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    if built.is_dir() {
        return Ok(built);
    }
    anyhow::bail!("no corpus/ folder here and none in the source tree: give the paths to index")
}

fn build_index(
    paths: &[PathBuf],
    index_dir: &Path,
    threads: usize,
    memory_mb: usize,
) -> Result<Summary> {
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} indexing [{bar:40}] {pos}/{len} files {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Some(bar)
    } else {
        None
    };
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let options = IndexOptions {
        threads,
        memory_budget: memory_mb << 20,
        progress: Some(&progress),
    };
    let summary = index_paths(paths, index_dir, &options)
        .with_context(|| format!("indexing into {}", index_dir.display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(summary)
}

fn print_summary(out: &mut dyn Write, s: &Summary, index_dir: &Path) -> Result<()> {
    writeln!(
        out,
        "Indexed {} reports, {} paragraphs ({:.1} MB) in {:.1} s into {}",
        s.reports,
        s.paragraphs,
        s.bytes as f64 / 1e6,
        s.elapsed.as_secs_f64(),
        index_dir.display()
    )?;
    writeln!(out, "Reports by type:")?;
    for (report_type, n) in &s.reports_by_type {
        writeln!(out, "  {report_type:<30} {n:>6}")?;
    }
    if !s.unknown.is_empty() {
        writeln!(
            out,
            "Unrecognised format (indexed as unknown): {}",
            s.unknown.len()
        )?;
        for path in &s.unknown {
            writeln!(out, "  {path}")?;
        }
    }
    if s.skipped.is_empty() {
        writeln!(out, "Skipped: none")?;
    } else {
        let files = if s.skipped.len() == 1 {
            "file"
        } else {
            "files"
        };
        writeln!(out, "Skipped {} {files}:", s.skipped.len())?;
        for (path, why) in &s.skipped {
            writeln!(out, "  {path}: {why}")?;
        }
    }
    writeln!(
        out,
        "The index now holds {} documents.",
        s.documents_in_index
    )?;
    Ok(())
}

fn print_reports(out: &mut dyn Write, reports: &[serde_json::Value]) -> Result<()> {
    let s = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "-".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    writeln!(
        out,
        "{:<16} {:<26} {:<9} {:<28} {:<10} {:<10} {:<10} {:<4} {:<20} {:>5}  judgements",
        "report_id",
        "authority",
        "code",
        "type",
        "start",
        "end",
        "published",
        "year",
        "overall",
        "paras"
    )?;
    for r in reports {
        let judgements: Vec<String> = r["judgements"]
            .as_array()
            .map(|js| {
                js.iter()
                    .map(|j| format!("{}={}", s(&j["area_canonical"]), s(&j["grade"])))
                    .collect()
            })
            .unwrap_or_default();
        writeln!(
            out,
            "{:<16} {:<26} {:<9} {:<28} {:<10} {:<10} {:<10} {:<4} {:<20} {:>5}  {}",
            s(&r["report_id"]),
            s(&r["authority"]),
            s(&r["authority_code"]),
            s(&r["report_type"]),
            s(&r["inspection_start"]),
            s(&r["inspection_end"]),
            s(&r["published"]),
            s(&r["year"]),
            s(&r["overall_grade"]),
            s(&r["paragraphs"]),
            judgements.join(", ")
        )?;
    }
    writeln!(out, "{} reports", reports.len())?;
    Ok(())
}

fn print_hits(out: &mut dyn Write, results: &ofsearch_query::SearchResults) -> Result<()> {
    writeln!(
        out,
        "{} matching paragraphs for {:?}; showing {}",
        results.total,
        results.query,
        results.hits.len()
    )?;
    for (rank, hit) in results.hits.iter().enumerate() {
        let para = hit
            .paragraph_number
            .as_ref()
            .map(|n| format!("para {n}"))
            .unwrap_or_else(|| format!("¶{}", hit.ordinal));
        writeln!(
            out,
            "\n{}. [{:.2}] {} {} {} | {} ({}) | {} | {}",
            rank + 1,
            hit.score,
            hit.authority,
            hit.report_type,
            hit.year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "-".into()),
            hit.area_canonical,
            hit.grade,
            hit.kind,
            para
        )?;
        writeln!(out, "   {}:{}", hit.source.path, hit.source.line)?;
        if !hit.section.is_empty() {
            writeln!(out, "   § {}", hit.section)?;
        }
        let text: String = if hit.text.chars().count() > 400 {
            let cut: String = hit.text.chars().take(400).collect();
            format!("{cut}…")
        } else {
            hit.text.clone()
        };
        writeln!(out, "   {text}")?;
    }
    Ok(())
}
