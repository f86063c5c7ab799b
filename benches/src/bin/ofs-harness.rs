//! The ofsearch harness of `scripts/compare` (its `PROTOCOL.md`): `ofs-harness query --index
//! DIR --queries FILE --runs R --warmup W --threads-list 1,2` runs each neutral query spec as
//! `ofsearch search --format json` does, through `ofsearch_query::Searcher::search_request`
//! (default ranking boosts, limit 10; snippets and citations always part of the response; the
//! facets and the reports count when the spec asks for either, as `facets=false` leaves them
//! out otherwise), and prints the timings as JSON. `OFS_HARNESS_COUNT_ALL=1` counts facets and
//! reports for every spec, as every request did before `facets` could be turned off. The index
//! is built by the real CLI (`ofsearch --index DIR index CORPUS_DIR`), which the driver times.

use std::process::ExitCode;

use anyhow::bail;
use clap::{Parser, Subcommand};
use ofsearch_benches::compare::{self, Answer, Clause, Engine, QueryArgs, QuerySpec};
use ofsearch_query::{Filters, SearchRequest, Searcher};

#[derive(Parser)]
#[command(about = "ofsearch harness of scripts/compare (see its PROTOCOL.md)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Time the query set against an index built by `ofsearch index`
    Query(QueryArgs),
    /// Print each spec of the query set as the HTTP API's `GET /api/v1/search` path (one
    /// per line), the same request `query` times in-process: the load generator's input
    Urls {
        /// The query set (JSON list of specs).
        #[arg(long)]
        queries: std::path::PathBuf,
    },
}

/// The `GET /api/v1/search` path of a request, with the API's parameter names.
fn api_path(request: &SearchRequest) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("q", &request.query);
    let f = &request.filters;
    for (name, values) in [
        ("authority", &f.authority),
        ("region", &f.region),
        ("year", &f.year),
        ("type", &f.report_type),
        ("area", &f.area),
        ("grade", &f.grade),
        ("kind", &f.kind),
    ] {
        for value in values {
            query.append_pair(name, value);
        }
    }
    query.append_pair("limit", &request.limit.to_string());
    if !request.facets {
        query.append_pair("facets", "false");
    }
    format!("/api/v1/search?{}", query.finish())
}

fn print_urls(queries: &std::path::Path) -> anyhow::Result<()> {
    let specs: Vec<QuerySpec> = serde_json::from_slice(&std::fs::read(queries)?)?;
    for spec in &specs {
        match request(spec) {
            Ok(request) => println!("{}", api_path(&request)),
            Err(e) => eprintln!("ofs-harness: skipping {}: {e}", spec.name),
        }
    }
    Ok(())
}

/// ofsearch through its library API.
struct Ofsearch {
    searcher: Searcher,
}

/// One clause in the query language (README, "Query language").
fn clause(c: &Clause) -> anyhow::Result<String> {
    let plain = |text: &str| -> anyhow::Result<()> {
        if text.contains('"') || text.trim().is_empty() {
            bail!("clause text {text:?} cannot be written in the query language");
        }
        Ok(())
    };
    Ok(match c {
        Clause::Term(word) => {
            plain(word)?;
            if word.split_whitespace().count() != 1
                || word
                    .chars()
                    .any(|ch| !ch.is_alphanumeric() && ch != '-' && ch != '\'')
            {
                bail!("term {word:?} is not one plain word");
            }
            // Operators are upper case; a word spelt like one is quoted.
            if matches!(word.as_str(), "AND" | "OR" | "NOT") {
                format!("\"{word}\"")
            } else {
                word.clone()
            }
        }
        Clause::Phrase(words) => {
            plain(words)?;
            format!("\"{words}\"")
        }
        Clause::Prefix(start) => {
            plain(start)?;
            if start.split_whitespace().count() != 1 || !start.chars().all(char::is_alphanumeric) {
                bail!("prefix {start:?} is not one plain word");
            }
            format!("{start}*")
        }
    })
}

/// The query text and filters of a spec.
fn request(spec: &QuerySpec) -> anyhow::Result<SearchRequest> {
    let mut parts = Vec::new();
    for c in &spec.must {
        parts.push(clause(c)?);
    }
    if !spec.should.is_empty() {
        let min = spec.min_should();
        if min == 0 {
            bail!("optional (ranking-only) should clauses have no form in the query language");
        }
        if min > 1 {
            bail!("at least {min} of the should clauses: no form in the query language");
        }
        let any: Vec<String> = spec.should.iter().map(clause).collect::<Result<_, _>>()?;
        parts.push(if any.len() == 1 {
            any[0].clone()
        } else {
            format!("({})", any.join(" OR "))
        });
    }
    if parts.is_empty() {
        bail!("no positive clause");
    }
    for c in &spec.must_not {
        parts.push(format!("NOT {}", clause(c)?));
    }
    let f = &spec.filters;
    let filters = Filters {
        authority: f.authority.clone(),
        region: f.region.clone(),
        year: f
            .year
            .map(|[from, to]| vec![format!("{from}-{to}")])
            .unwrap_or_default(),
        report_type: f.report_type.clone(),
        area: f.area.clone(),
        grade: f.grade.clone(),
        kind: f.kind.clone(),
        edition: Vec::new(),
    };
    let count_all = std::env::var_os("OFS_HARNESS_COUNT_ALL").is_some_and(|v| v == "1");
    Ok(SearchRequest {
        query: parts.join(" "),
        filters,
        limit: spec.limit,
        facets: spec.facets || spec.reports || count_all,
        ..SearchRequest::default()
    })
}

impl Engine for Ofsearch {
    type Request = SearchRequest;

    fn name(&self) -> &str {
        "ofsearch"
    }

    fn version(&self) -> String {
        format!("ofsearch {} (tantivy 0.27)", env!("CARGO_PKG_VERSION"))
    }

    fn prepare(&self, spec: &QuerySpec) -> anyhow::Result<SearchRequest> {
        let request = request(spec)?;
        // Check it parses and its filters resolve, so that a bad spec is skipped, not timed.
        self.searcher.search_request(&request)?;
        Ok(request)
    }

    fn execute(&self, spec: &QuerySpec, request: &SearchRequest) -> anyhow::Result<Answer> {
        let response = self.searcher.search_request(request)?;
        let facets = spec.facets.then(|| {
            response
                .facets
                .iter()
                .map(|(field, counts)| {
                    let field = if field == "type" {
                        "report_type"
                    } else {
                        field
                    };
                    let counts = counts.iter().map(|c| (c.value.clone(), c.count)).collect();
                    (field.to_string(), counts)
                })
                .collect()
        });
        Ok(Answer {
            total: response.total,
            reports: response.reports.filter(|_| spec.reports),
            top: response
                .hits
                .iter()
                .map(|hit| format!("{}#{}", hit.report_id, hit.ordinal).into())
                .collect(),
            facets,
            snippets: response
                .hits
                .iter()
                .take(spec.snippets)
                .map(|hit| hit.snippet.clone())
                .collect(),
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Query(args) => Searcher::open(&args.index)
            .map_err(anyhow::Error::from)
            .and_then(|searcher| compare::run_queries(&Ofsearch { searcher }, &args)),
        Command::Urls { queries } => print_urls(&queries),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ofs-harness: {err:#}");
            ExitCode::from(2)
        }
    }
}
