//! The part the comparison harnesses share (`scripts/compare/PROTOCOL.md`): the neutral query
//! specs of `scripts/compare/queries.json`, and the `query` subcommand's timing loop and JSON
//! answer. Each harness (`ofs-harness`, `bare-tantivy`) implements [`Engine`] and calls
//! [`run_queries`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Barrier;
use std::time::Instant;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

/// One clause of a query spec: `{"term": "w"}`, `{"phrase": "w w"}` or `{"prefix": "leav"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Clause {
    /// One word, stemmed.
    Term(String),
    /// Words in this order, adjacent, each stemmed.
    Phrase(String),
    /// Words beginning with this text.
    Prefix(String),
}

/// The filters of a query spec: the values of one field are alternatives, the fields all apply.
/// Values are the paragraph file's own (`North West`, `inadequate`, `care-leavers`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpecFilters {
    /// Authorities (canonical names).
    pub authority: Vec<String>,
    /// Regions of England.
    pub region: Vec<String>,
    /// Report types (`sif`, `ilacs`, ...).
    pub report_type: Vec<String>,
    /// Canonical areas.
    pub area: Vec<String>,
    /// Canonical grades.
    pub grade: Vec<String>,
    /// Paragraph kinds.
    pub kind: Vec<String>,
    /// An inclusive range of years, `[from, to]`.
    pub year: Option<[u64; 2]>,
}

/// One neutral query of the query set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuerySpec {
    /// Unique name.
    pub name: String,
    /// Query class: `term`, `phrase`, `phrase+filters+facets`, `boolean`, `prefix`, `plain`,
    /// `researcher`.
    pub class: String,
    /// Clauses that must all match.
    #[serde(default)]
    pub must: Vec<Clause>,
    /// Alternatives: see [`QuerySpec::min_should`].
    #[serde(default)]
    pub should: Vec<Clause>,
    /// Clauses that must not match.
    #[serde(default)]
    pub must_not: Vec<Clause>,
    /// How many `should` clauses must match; default 1 without `must` clauses, else 0 (the
    /// `should` clauses then only rank).
    #[serde(default)]
    pub min_should: Option<usize>,
    /// Filters.
    #[serde(default)]
    pub filters: SpecFilters,
    /// Count matches per value of every tag field, over all matches.
    #[serde(default)]
    pub facets: bool,
    /// Count the reports with a matching paragraph (distinct report ids), over all matches.
    #[serde(default)]
    pub reports: bool,
    /// Top hits to make a highlighted snippet for.
    #[serde(default)]
    pub snippets: usize,
    /// Hits to return.
    #[serde(default = "default_limit")]
    pub limit: usize,
    /// A note for people reading the query set; ignored.
    #[serde(default)]
    pub note: Option<String>,
}

fn default_limit() -> usize {
    10
}

impl QuerySpec {
    /// How many `should` clauses must match (the protocol's default when not given).
    pub fn min_should(&self) -> usize {
        self.min_should
            .unwrap_or(if self.must.is_empty() { 1 } else { 0 })
    }
}

/// Reads a query set.
pub fn read_specs(path: &Path) -> anyhow::Result<Vec<QuerySpec>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let specs: Vec<QuerySpec> =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(specs)
}

/// The facet fields, in the protocol's names and order.
pub const FACET_FIELDS: [&str; 7] = [
    "authority",
    "region",
    "year",
    "report_type",
    "area",
    "grade",
    "kind",
];

/// What one execution of a query found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Answer {
    /// Exact number of matching paragraphs.
    pub total: u64,
    /// The top hits: paragraph ids, or `report_id#ordinal` strings.
    pub top: Vec<serde_json::Value>,
    /// With facets: per field, the count of matches per value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<BTreeMap<String, BTreeMap<String, u64>>>,
    /// With reports: the number of reports with a matching paragraph.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reports: Option<u64>,
    /// Snippets made (for the record: the first one is printed in the answer).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snippets: Vec<String>,
}

/// A search engine under test, shared by the threads of the QPS runs.
pub trait Engine: Sync {
    /// A query spec translated to the engine's request, once, outside the timing.
    type Request: Send + Sync;
    /// The engine's name in the results.
    fn name(&self) -> &str;
    /// The engine's version, for the record.
    fn version(&self) -> String;
    /// Translates a spec, or says why the engine cannot run it.
    fn prepare(&self, spec: &QuerySpec) -> anyhow::Result<Self::Request>;
    /// One complete execution: parse/build, search, count, facets, top hits, stored fields
    /// and snippets as the spec asks. This is what is timed.
    fn execute(&self, spec: &QuerySpec, request: &Self::Request) -> anyhow::Result<Answer>;
}

/// The options of a harness's `query` subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct QueryArgs {
    /// The index directory.
    #[arg(long)]
    pub index: PathBuf,
    /// The query set (JSON list of specs).
    #[arg(long)]
    pub queries: PathBuf,
    /// Timed rounds over the query set (each query's latency list has this many values).
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Untimed rounds over the query set first.
    #[arg(long, default_value_t = 3)]
    pub warmup: usize,
    /// Thread counts to measure queries per second with.
    #[arg(long, default_value = "1,2", value_delimiter = ',')]
    pub threads_list: Vec<usize>,
    /// Rounds over the query set each thread runs in the QPS measurement (default: `--runs`).
    #[arg(long)]
    pub rounds: Option<usize>,
}

#[derive(Serialize)]
struct QueryResult<'a> {
    name: &'a str,
    class: &'a str,
    total: u64,
    top: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<BTreeMap<String, BTreeMap<String, u64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reports: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<String>,
    latencies_ms: Vec<f64>,
}

/// Runs the `query` subcommand of the protocol for an engine and prints its JSON answer:
/// `warmup` untimed rounds over the query set, then `runs` timed rounds (round-robin over the
/// queries, so no query runs twice in a row), each execution timed alone on one thread; then,
/// for each thread count T, T threads each run the whole set `rounds` times over the same
/// engine, and qps = executions / wall seconds. A query the engine cannot run is left out of
/// `queries` and listed in `skipped` with the reason.
pub fn run_queries<E: Engine>(engine: &E, args: &QueryArgs) -> anyhow::Result<()> {
    let specs = read_specs(&args.queries)?;
    let mut prepared = Vec::new();
    let mut skipped = Vec::new();
    for spec in &specs {
        match engine.prepare(spec) {
            Ok(request) => prepared.push((spec, request)),
            Err(err) => {
                skipped.push(serde_json::json!({"name": spec.name, "reason": format!("{err:#}")}))
            }
        }
    }
    if prepared.is_empty() {
        bail!("no query of {} can run", args.queries.display());
    }
    let mut answers: Vec<Option<Answer>> = vec![None; prepared.len()];
    let mut latencies: Vec<Vec<f64>> = vec![Vec::with_capacity(args.runs); prepared.len()];
    for round in 0..args.warmup + args.runs {
        for (i, (spec, request)) in prepared.iter().enumerate() {
            let started = Instant::now();
            let answer = engine
                .execute(spec, request)
                .with_context(|| format!("query {}", spec.name))?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if round >= args.warmup {
                latencies[i].push(ms);
            }
            if answers[i].is_none() {
                answers[i] = Some(answer);
            }
        }
    }
    let rounds = args.rounds.unwrap_or(args.runs).max(1);
    let mut qps = BTreeMap::new();
    for &threads in &args.threads_list {
        let threads = threads.max(1);
        let barrier = Barrier::new(threads + 1);
        let (seconds, done) = std::thread::scope(|scope| -> anyhow::Result<(f64, usize)> {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| -> anyhow::Result<usize> {
                        barrier.wait();
                        let mut done = 0;
                        for _ in 0..rounds {
                            for (spec, request) in &prepared {
                                engine.execute(spec, request)?;
                                done += 1;
                            }
                        }
                        Ok(done)
                    })
                })
                .collect();
            barrier.wait();
            let started = Instant::now();
            let mut done = 0;
            for worker in workers {
                done += match worker.join() {
                    Ok(result) => result?,
                    Err(_) => bail!("a query thread panicked"),
                };
            }
            Ok((started.elapsed().as_secs_f64(), done))
        })?;
        qps.insert(threads.to_string(), done as f64 / seconds.max(1e-9));
    }
    let queries: Vec<QueryResult> = prepared
        .iter()
        .zip(answers)
        .zip(latencies)
        .map(|(((spec, _), answer), latencies_ms)| {
            let answer = answer.unwrap_or_default();
            QueryResult {
                name: &spec.name,
                class: &spec.class,
                total: answer.total,
                top: answer.top,
                facets: answer.facets,
                reports: answer.reports,
                snippet: answer.snippets.into_iter().next(),
                latencies_ms,
            }
        })
        .collect();
    let out = serde_json::json!({
        "engine": engine.name(),
        "version": engine.version(),
        "queries": queries,
        "skipped": skipped,
        "qps": qps,
        "rounds": rounds,
    });
    println!("{out}");
    Ok(())
}
