//! Evaluates ofsearch's ranking on the judged set in `relevance/` (nDCG@10, P@10, recall@100 per
//! query and as means), with each ranking signal turned off in turn, beside the rankings of
//! other engines given as run files (`scripts/relevance/evaluate.py` makes them):
//!
//! ```text
//! ofs-relevance --index DIR [--set relevance] [--run FILE]... [--json OUT]
//! ```
//!
//! A run file is `{"engine": NAME, "about": TEXT, "rankings": {QUERY_ID: [[FILE, TEXT], ...]}}`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use ofsearch_benches::relevance::{self, Measures, Set, VARIANTS};
use ofsearch_query::Searcher;
use serde::{Deserialize, Serialize};

#[derive(Parser)]
#[command(about = "ofsearch's ranking on the judged set (relevance/), beside other engines")]
struct Cli {
    /// An index of the bundled corpus (`ofsearch --index DIR index`)
    #[arg(long)]
    index: PathBuf,
    /// The judged set's folder
    #[arg(long, default_value_os_t = relevance::default_dir())]
    set: PathBuf,
    /// Rankings of another engine (repeatable)
    #[arg(long)]
    run: Vec<PathBuf>,
    /// Write every figure as JSON here
    #[arg(long)]
    json: Option<PathBuf>,
    /// The index holds part of the corpus: judge only the paragraphs of its reports (and take
    /// no run files, which rank the whole corpus)
    #[arg(long, conflicts_with = "run")]
    part: bool,
}

#[derive(Deserialize)]
struct RunFile {
    engine: String,
    about: String,
    rankings: BTreeMap<String, Vec<(String, String)>>,
}

/// One ranker's figures.
#[derive(Serialize)]
struct Ranker {
    name: String,
    about: String,
    mean: Measures,
    /// Queries with nDCG@10 under 0.5.
    below_half: usize,
    per_query: BTreeMap<String, Measures>,
}

fn evaluate(
    set: &Set,
    name: &str,
    about: &str,
    mut rank: impl FnMut(&str, &str) -> anyhow::Result<Vec<(String, String)>>,
) -> anyhow::Result<Ranker> {
    let mut per_query = BTreeMap::new();
    for q in &set.queries {
        let ranked = rank(&q.id, &q.query)?;
        per_query.insert(q.id.clone(), set.measure(&q.id, &ranked));
    }
    let all: Vec<Measures> = per_query.values().copied().collect();
    Ok(Ranker {
        name: name.to_string(),
        about: about.to_string(),
        mean: Measures::mean(&all),
        below_half: all.iter().filter(|m| m.ndcg < 0.5).count(),
        per_query,
    })
}

fn print(out: &mut dyn Write, set: &Set, rankers: &[Ranker]) -> std::io::Result<()> {
    writeln!(
        out,
        "{} queries, {} judgements\n",
        set.queries.len(),
        set.judgements.values().map(Vec::len).sum::<usize>()
    )?;
    writeln!(
        out,
        "| ranker | nDCG@10 | P@10 | recall@100 | queries under 0.5 | unjudged in the top 10s | what it is |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for r in rankers {
        writeln!(
            out,
            "| {} | {:.3} | {:.3} | {:.3} | {} | {} | {} |",
            r.name,
            r.mean.ndcg,
            r.mean.precision,
            r.mean.recall,
            r.below_half,
            r.mean.unjudged,
            r.about
        )?;
    }
    writeln!(out, "\nnDCG@10 per query:\n")?;
    let names: Vec<&str> = rankers.iter().map(|r| r.name.as_str()).collect();
    writeln!(out, "| query | {} |", names.join(" | "))?;
    writeln!(out, "|---|{}", "---|".repeat(names.len()))?;
    for q in &set.queries {
        let cells: Vec<String> = rankers
            .iter()
            .map(|r| format!("{:.2}", r.per_query[&q.id].ndcg))
            .collect();
        writeln!(out, "| `{}` | {} |", q.query, cells.join(" | "))?;
    }
    Ok(())
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut set = Set::load(&cli.set)?;
    let searcher = Searcher::open(&cli.index).context("opening the index")?;
    if cli.part {
        let files = searcher
            .reports()?
            .iter()
            .filter_map(|r| r["source"].as_str())
            .filter_map(|s| std::path::Path::new(s).file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .collect();
        set.restrict(&files);
    }
    let mut rankers = Vec::new();
    for variant in &VARIANTS {
        rankers.push(evaluate(&set, variant.name, variant.about, |_, query| {
            relevance::ofsearch_ranking(&searcher, query, variant)
        })?);
    }
    for path in &cli.run {
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        let file: RunFile =
            serde_json::from_str(&text).with_context(|| path.display().to_string())?;
        rankers.push(evaluate(&set, &file.engine, &file.about, |id, _| {
            Ok(file.rankings.get(id).cloned().unwrap_or_default())
        })?);
    }
    print(&mut std::io::stdout().lock(), &set, &rankers)?;
    if let Some(path) = &cli.json {
        std::fs::write(path, serde_json::to_string_pretty(&rankers)?)
            .with_context(|| path.display().to_string())?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ofs-relevance: {e:#}");
            ExitCode::from(2)
        }
    }
}
