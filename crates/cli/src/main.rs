//! `ofsearch`: the command line. Glue only: argument parsing, output formatting and exit codes;
//! the work is done by the indexer and query crates.

mod check;
mod serve;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ofsearch_indexer::{index_paths, IndexOptions, Summary};
use ofsearch_query::analysis::{self, CompareBy, KwicSort, Split};
use ofsearch_query::reading::{csv_row, CSV_HEADER};
use ofsearch_query::{
    snippet, Boosts, Filters, QueryError, SearchRequest, SearchResponse, Searcher, Sort,
};

/// Default index directory, relative to the working directory.
const DEFAULT_INDEX: &str = "ofsearch-index";
/// Environment variable naming the index directory when `--index` is not given (empty = unset).
const INDEX_ENV: &str = "OFSEARCH_INDEX";

/// What `ofsearch --help` shows after the commands.
const EXAMPLES: &str = "\
Examples:
  ofsearch index                            build the index of the bundled corpus (a few seconds)
  ofsearch index corpus/ ~/ofsted-2026/     add this year's PDFs beside it
  ofsearch search '\"care leavers\" \"staying put\"' --grade inadequate --year 2018-
  ofsearch search '-fostering adoption' --authority Bristol --format csv
  ofsearch kwic '\"drift and delay\"' --sort left
  ofsearch trend neglect --split grade
  ofsearch compare '\"management oversight\"' --by grade
  ofsearch names                            the authorities, regions, types and editions to filter by
  ofsearch serve                            the web page and API at http://127.0.0.1:7878/

Each command's own --help lists its filters and formats.";

/// Full-text search over Ofsted's inspection reports on English local authority children's
/// services: what inspectors wrote, where and when, with citations a reader can check.
#[derive(Parser)]
#[command(name = "ofsearch", version, after_help = EXAMPLES)]
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
    /// Index report files (.txt, .md, .pdf) and folders [default input: the bundled corpus/]
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
    /// Remove reports from the index: by report id, by file (whether or not it still
    /// exists) or by folder (every report under it). Re-indexing a folder removes by itself
    /// the reports whose files under it are gone.
    Remove {
        /// Report ids, files or folders
        #[arg(required = true, value_name = "REPORT_ID|PATH")]
        targets: Vec<String>,
        /// Print what was removed as JSON
        #[arg(long)]
        json: bool,
    },
    /// The names filters take, with their numbers of reports: authorities (as people write
    /// them, with their codes and regions), regions, report types and framework editions
    Names {
        #[arg(long, value_enum, default_value_t = NamesFormat::Table)]
        format: NamesFormat,
    },
    /// List the indexed reports: year, authority, type and edition, overall grade, paragraphs
    /// and source (JSON: every date and judgement too), narrowed by the search filters
    Reports {
        #[command(flatten)]
        filters: FilterArgs,
        #[arg(long, value_enum, default_value_t = ReportsFormat::Table)]
        format: ReportsFormat,
    },
    /// Ranked search over paragraphs, with facet counts (builds the index from the bundled
    /// corpus if missing)
    Search {
        #[command(flatten)]
        query: QueryArgs,
        /// Number of hits to show
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Hits to skip (paging)
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Order of hits
        #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
        sort: SortArg,
        /// One row per report: its best paragraph and its number of matching paragraphs
        #[arg(long, value_enum)]
        group_by: Option<GroupBy>,
        /// Ranking: weight of the query's words in the section headings (0 = off)
        #[arg(long, default_value_t = Boosts::default().section)]
        boost_section: f32,
        /// Ranking: weight of plain words typed together found together (0 = off)
        #[arg(long, default_value_t = Boosts::default().proximity)]
        boost_proximity: f32,
        /// Ranking: no kind and length priors (findings before background, sentences before
        /// fragments)
        #[arg(long)]
        no_priors: bool,
        /// Plain words: list only paragraphs with every word, not those with some after them
        #[arg(long)]
        all_words: bool,
        /// Say under each hit why it ranks where it does
        #[arg(long)]
        explain: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Every matching paragraph (not a top k), streamed with all its tags and its citation
    Export {
        #[command(flatten)]
        query: QueryArgs,
        /// Order of rows
        #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
        sort: SortArg,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Keyword in context: every occurrence of the query's words and phrases in the matching
    /// paragraphs, with N words either side
    Kwic {
        #[command(flatten)]
        query: QueryArgs,
        /// Words of context either side
        #[arg(long, default_value_t = 6)]
        width: usize,
        /// Order of lines: as the paragraphs rank, or by the word left or right of the match
        #[arg(long, value_enum, default_value_t = KwicSortArg::Match)]
        sort: KwicSortArg,
        /// Lines to show (0 = all)
        #[arg(long, default_value_t = 0)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Matching paragraphs and reports per year, raw and per 1,000 paragraphs indexed that year
    Trend {
        #[command(flatten)]
        query: QueryArgs,
        /// The time unit (years)
        #[arg(long, value_enum, default_value_t = TrendBy::Year)]
        by: TrendBy,
        /// Also count per grade, area or report type within each year
        #[arg(long, value_enum)]
        split: Option<SplitArg>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The words most over- and under-represented in matching paragraphs of one grade (or
    /// area) against the others (log-likelihood keyness; boilerplate excluded)
    Compare {
        #[command(flatten)]
        query: QueryArgs,
        /// Groups to compare
        #[arg(long, value_enum, default_value_t = CompareByArg::Grade)]
        by: CompareByArg,
        /// Words to list per group
        #[arg(long, default_value_t = 15)]
        top: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Verify the index: every file there with its checksum, the version and the schema;
    /// says what is wrong and what to do (exit 0 healthy, 1 damaged; never builds an index)
    Check,
    /// Serve the JSON API and the research web page over the index (builds it from the
    /// bundled corpus if missing)
    Serve {
        /// Address and port to listen on (0.0.0.0:PORT makes it reachable from other machines)
        #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR")]
        bind: std::net::SocketAddr,
        /// Print one access line per request (status and latency) on standard error
        #[arg(long)]
        log: bool,
        /// Searches run at once (0 = one per core)
        #[arg(long, default_value_t = 0)]
        workers: usize,
        /// Requests that may wait for a worker; beyond them the server answers 503 at once
        #[arg(long, default_value_t = 128)]
        queue: usize,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum KwicSortArg {
    Match,
    Left,
    Right,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum TrendBy {
    Year,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum SplitArg {
    Grade,
    Area,
    Type,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum CompareByArg {
    Grade,
    Area,
}

/// The query and its filters, shared by the commands that search.
#[derive(Args)]
struct QueryArgs {
    /// Query: words (all must match), "phrases", "phrase"~3, leav*, neglect~1, AND OR NOT + -,
    /// (groups), field:value filters (authority: region: year: type: edition: area: grade: kind:)
    #[arg(allow_hyphen_values = true)]
    query: String,
    #[command(flatten)]
    filters: FilterArgs,
    /// Match words and phrases exactly (no stemming)
    #[arg(long)]
    exact: bool,
    /// Include boilerplate paragraphs (excluded by default)
    #[arg(long)]
    include_boilerplate: bool,
    /// Also search each phrase's period equivalents ("looked after children" / "children in care")
    #[arg(long)]
    expand: bool,
    /// Read the query as plain text typed into a search box: stray operators are ignored
    #[arg(long)]
    lenient: bool,
}

/// The filters every listing and search takes (each repeatable: values of one flag OR'ed,
/// different flags AND'ed).
#[derive(Args)]
struct FilterArgs {
    /// Only these authorities (any of their names, or a code; `ofsearch names` lists them)
    #[arg(long, value_name = "NAME")]
    authority: Vec<String>,
    /// Only these regions (repeatable)
    #[arg(long, value_name = "REGION")]
    region: Vec<String>,
    /// Only these years: 2013, 2009-2013, 2018- (onwards) or -2012 (repeatable)
    #[arg(long, value_name = "YEAR")]
    year: Vec<String>,
    /// Only these report types: sif, ilacs, jar, ... (repeatable)
    #[arg(long = "type", value_name = "TYPE")]
    report_type: Vec<String>,
    /// Only these framework editions: ilacs-2023, sif+lscb, ... (`ofsearch names` lists them)
    #[arg(long, value_name = "EDITION")]
    edition: Vec<String>,
    /// Only these canonical areas: care-leavers, help-and-protection, ... (repeatable)
    #[arg(long, value_name = "AREA")]
    area: Vec<String>,
    /// Only these grades: outstanding, good, requires-improvement, inadequate, ungraded
    #[arg(long, value_name = "GRADE")]
    grade: Vec<String>,
    /// Only these paragraph kinds: judgement, summary, context, recommendations, ...
    #[arg(long, value_name = "KIND")]
    kind: Vec<String>,
}

impl FilterArgs {
    fn filters(&self) -> Filters {
        Filters {
            authority: self.authority.clone(),
            region: self.region.clone(),
            year: self.year.clone(),
            report_type: self.report_type.clone(),
            area: self.area.clone(),
            grade: self.grade.clone(),
            kind: self.kind.clone(),
            edition: self.edition.clone(),
        }
    }
}

impl QueryArgs {
    fn request(&self) -> SearchRequest {
        SearchRequest {
            query: self.query.clone(),
            filters: self.filters.filters(),
            exact: self.exact,
            include_boilerplate: self.include_boilerplate,
            expand: self.expand,
            lenient: self.lenient,
            ..SearchRequest::default()
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ReportsFormat {
    Table,
    Json,
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum NamesFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ExportFormat {
    Csv,
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum SortArg {
    Relevance,
    Newest,
    Oldest,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
            SortArg::Oldest => Sort::Oldest,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum GroupBy {
    Report,
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
    let broken = |e: &std::io::Error| e.kind() == std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(broken)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if broken(io)))
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    let location = Location::new(cli.index);
    let index_dir = location.dir.clone();
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
            if summary.reports == 0 && summary.removed.is_empty() {
                out.flush()?;
                eprintln!(
                    "ofsearch: no report was indexed: no input is or holds a report file \
                     (.txt, .md, .pdf){}",
                    if summary.skipped.is_empty() {
                        ""
                    } else {
                        "; see why each was skipped above"
                    }
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Remove { targets, json } => {
            let removal = ofsearch_indexer::remove(&targets, &index_dir)
                .with_context(|| format!("removing from {}", index_dir.display()))?;
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &removal)?;
                writeln!(out)?;
            } else {
                let n = removal.removed.len();
                writeln!(out, "Removed {n} {}:", plural(n, "report", "reports"))?;
                for source in &removal.removed {
                    writeln!(out, "  {source}")?;
                }
                writeln!(
                    out,
                    "The index now holds {} documents.",
                    removal.documents_in_index
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Names { format } => {
            let names = open(&index_dir)?.names()?;
            let mut out = std::io::stdout().lock();
            match format {
                NamesFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &names)?;
                    writeln!(out)?;
                }
                NamesFormat::Table => print_names(&mut out, &names)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reports { filters, format } => {
            let searcher = open(&index_dir)?;
            let reports = searcher.reports_where(&filters.filters())?;
            let mut out = std::io::stdout().lock();
            match format {
                ReportsFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &reports)?;
                    writeln!(out)?;
                }
                ReportsFormat::Jsonl => {
                    for report in &reports {
                        serde_json::to_writer(&mut out, report)?;
                        writeln!(out)?;
                    }
                }
                ReportsFormat::Table => print_reports(&mut out, &reports)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            query,
            limit,
            offset,
            sort,
            group_by,
            boost_section,
            boost_proximity,
            no_priors,
            all_words,
            explain,
            format,
        } => {
            let searcher = location.searcher()?;
            let request = SearchRequest {
                limit,
                offset,
                sort: sort.into(),
                group_by_report: group_by.is_some(),
                boosts: Boosts {
                    section: boost_section,
                    proximity: boost_proximity,
                    priors: !no_priors,
                },
                all_words,
                explain,
                ..query.request()
            };
            let response = searcher.search_request(&request)?;
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &response)?;
                    writeln!(out)?;
                }
                Format::Jsonl => {
                    for hit in &response.hits {
                        serde_json::to_writer(&mut out, hit)?;
                        writeln!(out)?;
                    }
                }
                Format::Csv => {
                    // Grouped by report, each row also says how many paragraphs of its report
                    // match.
                    let grouped = request.group_by_report;
                    let mut csv = csv::Writer::from_writer(&mut out);
                    let mut header: Vec<&str> = CSV_HEADER.to_vec();
                    if grouped {
                        header.push("report_matches");
                    }
                    csv.write_record(&header)?;
                    for hit in &response.hits {
                        let mut row = csv_row(hit).to_vec();
                        if grouped {
                            row.push(hit.report_matches.unwrap_or_default().to_string());
                        }
                        csv.write_record(&row)?;
                    }
                    csv.flush()?;
                }
                Format::Table => {
                    let ansi = colour(
                        std::io::stdout().is_terminal(),
                        std::env::var_os("NO_COLOR"),
                    );
                    print_hits(&mut out, &response, request.exact, ansi)?;
                }
            }
            Ok(exit_for(response.total + response.partial.unwrap_or(0)))
        }
        Command::Kwic {
            query,
            width,
            sort,
            limit,
            format,
        } => run_kwic(&location, query, width, sort, limit, format),
        Command::Trend {
            query,
            by: TrendBy::Year,
            split,
            format,
        } => run_trend(&location, query, split, format),
        Command::Compare {
            query,
            by,
            top,
            format,
        } => run_compare(&location, query, by, top, format),
        Command::Check => check::check(&index_dir),
        Command::Serve {
            bind,
            log,
            workers,
            queue,
        } => {
            // Serving opens (and verifies) the index itself: here it is only built if it is
            // the default one and missing, or found missing if it was named.
            location.ensure()?;
            let mut limits = ofsearch_server::Limits {
                queue,
                ..ofsearch_server::Limits::default()
            };
            if workers > 0 {
                limits.workers = workers;
            }
            serve::serve(&index_dir, bind, log, limits)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            query,
            sort,
            format,
        } => {
            let searcher = location.searcher()?;
            let request = SearchRequest {
                sort: sort.into(),
                ..query.request()
            };
            let node = searcher.parse(&request)?;
            // The rows are the data: how plain words were read goes to standard error.
            say_counted(&mut std::io::stderr().lock(), &searcher, &request, &node)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let total = match format {
                ExportFormat::Jsonl => {
                    searcher.each_match(&request, &node, |hit| -> Result<()> {
                        serde_json::to_writer(&mut out, &hit)?;
                        writeln!(out)?;
                        Ok(())
                    })?
                }
                ExportFormat::Csv => {
                    let mut csv = csv::Writer::from_writer(&mut out);
                    csv.write_record(CSV_HEADER)?;
                    let total = searcher.each_match(&request, &node, |hit| -> Result<()> {
                        csv.write_record(csv_row(&hit))?;
                        Ok(())
                    })?;
                    csv.flush()?;
                    total
                }
            };
            out.flush()?;
            Ok(exit_for(total))
        }
    }
}

/// The searcher and standard output of an analysis command (the default index built first if
/// missing).
fn analysis_context(location: &Location) -> Result<(Searcher, std::io::StdoutLock<'static>)> {
    Ok((location.searcher()?, std::io::stdout().lock()))
}

fn run_kwic(
    location: &Location,
    query: QueryArgs,
    width: usize,
    sort: KwicSortArg,
    limit: usize,
    format: Format,
) -> Result<ExitCode> {
    let (searcher, mut out) = analysis_context(location)?;
    let request = query.request();
    let node = searcher.parse(&request)?;
    let sort = match sort {
        KwicSortArg::Match => KwicSort::Match,
        KwicSortArg::Left => KwicSort::Left,
        KwicSortArg::Right => KwicSort::Right,
    };
    let mut lines = analysis::kwic(&searcher, &request, &node, width, sort)?;
    let found = lines.len();
    if limit > 0 {
        lines.truncate(limit);
    }
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &lines)?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for line in &lines {
                serde_json::to_writer(&mut out, line)?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            csv.write_record(["left", "keyword", "right", "citation", "source", "line"])?;
            for l in &lines {
                csv.write_record([
                    l.left.as_str(),
                    &l.keyword,
                    &l.right,
                    &l.citation,
                    &l.source.path,
                    &l.source.line.to_string(),
                ])?;
            }
            csv.flush()?;
        }
        Format::Table => {
            say_counted(&mut out, &searcher, &request, &node)?;
            let left_width = lines
                .iter()
                .map(|l| l.left.chars().count())
                .max()
                .unwrap_or(0)
                .min(60);
            for l in &lines {
                let left: String = {
                    let chars: Vec<char> = l.left.chars().collect();
                    chars[chars.len().saturating_sub(left_width)..]
                        .iter()
                        .collect()
                };
                let after = kwic_gap(&l.right);
                writeln!(
                    out,
                    "{left:>left_width$}  [{}]{after}{}   ({})",
                    l.keyword, l.right, l.citation
                )?;
            }
            writeln!(out, "{}", counted(found as u64, "occurrence"))?;
        }
    }
    Ok(exit_for(found as u64))
}

fn run_trend(
    location: &Location,
    query: QueryArgs,
    split: Option<SplitArg>,
    format: Format,
) -> Result<ExitCode> {
    let (searcher, mut out) = analysis_context(location)?;
    let request = query.request();
    let node = searcher.parse(&request)?;
    let split = split.map(|s| match s {
        SplitArg::Grade => Split::Grade,
        SplitArg::Area => Split::Area,
        SplitArg::Type => Split::Type,
    });
    let trend = analysis::trend(&searcher, &request, &node, split)?;
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &trend)?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for year in &trend.years {
                serde_json::to_writer(&mut out, year)?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            csv.write_record([
                "year",
                "split",
                "paragraphs",
                "reports",
                "indexed_paragraphs",
                "indexed_reports",
                "per_1000",
            ])?;
            for y in &trend.years {
                let year = y.year.map(|v| v.to_string()).unwrap_or_default();
                let row = |split: &str, c: &analysis::TrendCounts| {
                    [
                        year.clone(),
                        split.to_string(),
                        c.paragraphs.to_string(),
                        c.reports.to_string(),
                        c.indexed_paragraphs.to_string(),
                        c.indexed_reports.to_string(),
                        format!("{:.3}", c.per_1000),
                    ]
                };
                csv.write_record(row("", &y.counts))?;
                for s in &y.split {
                    csv.write_record(row(&s.value, &s.counts))?;
                }
            }
            csv.flush()?;
        }
        Format::Table => {
            say_counted(&mut out, &searcher, &request, &node)?;
            if std::io::stdout().is_terminal() {
                write!(out, "{}", analysis::render_bars(&trend))?;
            }
            // The first column fits the split values ("  requires-improvement").
            let w = trend
                .years
                .iter()
                .flat_map(|y| y.split.iter().map(|s| s.value.chars().count() + 2))
                .max()
                .unwrap_or(0)
                .max(6);
            writeln!(
                out,
                "{:<w$} {:>10} {:>8} {:>10} {:>9}",
                "year", "paragraphs", "reports", "indexed", "per 1,000"
            )?;
            let mut row = |label: &str, c: &analysis::TrendCounts| {
                writeln!(
                    out,
                    "{label:<w$} {:>10} {:>8} {:>10} {:>9.2}",
                    c.paragraphs, c.reports, c.indexed_paragraphs, c.per_1000
                )
            };
            for y in &trend.years {
                let year = y.year.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
                row(&year, &y.counts)?;
                for s in y.split.iter().filter(|s| s.counts.paragraphs > 0) {
                    row(&format!("  {}", s.value), &s.counts)?;
                }
            }
            row("all", &trend.total)?;
        }
    }
    Ok(exit_for(trend.total.paragraphs))
}

fn run_compare(
    location: &Location,
    query: QueryArgs,
    by: CompareByArg,
    top: usize,
    format: Format,
) -> Result<ExitCode> {
    let (searcher, mut out) = analysis_context(location)?;
    let request = query.request();
    let node = searcher.parse(&request)?;
    let by = match by {
        CompareByArg::Grade => CompareBy::Grade,
        CompareByArg::Area => CompareBy::Area,
    };
    let comparison = analysis::compare(&searcher, &request, &node, by, top)?;
    let matched: u64 = comparison.groups.iter().map(|g| g.paragraphs).sum();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &comparison)?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for row in keyness_rows(&comparison) {
                serde_json::to_writer(&mut out, &row)?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            // The header is written even when no word is listed (serialize would write it
            // only with the first row).
            let mut csv = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut out);
            csv.write_record(KEYNESS_HEADER)?;
            for row in keyness_rows(&comparison) {
                csv.serialize(row)?;
            }
            csv.flush()?;
        }
        Format::Table => {
            say_counted(&mut out, &searcher, &request, &node)?;
            for g in &comparison.groups {
                writeln!(
                    out,
                    "\n{} ({} paragraphs, {} words)",
                    g.value, g.paragraphs, g.tokens
                )?;
                let words = |list: &[analysis::Keyword]| {
                    list.iter()
                        .map(|k| format!("{} ({:.1})", k.term, k.g2))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                writeln!(out, "  more than elsewhere: {}", words(&g.over))?;
                writeln!(out, "  less than elsewhere: {}", words(&g.under))?;
            }
        }
    }
    Ok(exit_for(matched))
}

/// Columns of `compare --format csv`, in the order of [`KeynessRow`]'s fields.
const KEYNESS_HEADER: [&str; 8] = [
    "group",
    "group_paragraphs",
    "direction",
    "rank",
    "term",
    "g2",
    "freq",
    "freq_elsewhere",
];

/// One word of one group's list, as a row of `compare`'s CSV or JSON lines.
#[derive(serde::Serialize)]
struct KeynessRow<'a> {
    group: &'a str,
    group_paragraphs: u64,
    /// `over` (more than elsewhere) or `under`.
    direction: &'static str,
    /// 1-based position in its list.
    rank: usize,
    term: &'a str,
    g2: f64,
    freq: u64,
    freq_elsewhere: u64,
}

/// Every word of every group's two lists, group by group, over-used first.
fn keyness_rows(comparison: &analysis::Comparison) -> Vec<KeynessRow<'_>> {
    let mut rows = Vec::new();
    for g in &comparison.groups {
        for (direction, list) in [("over", &g.over), ("under", &g.under)] {
            for (i, k) in list.iter().enumerate() {
                rows.push(KeynessRow {
                    group: &g.value,
                    group_paragraphs: g.paragraphs,
                    direction,
                    rank: i + 1,
                    term: &k.term,
                    g2: k.g2,
                    freq: k.freq,
                    freq_elsewhere: k.freq_elsewhere,
                });
            }
        }
    }
    rows
}

/// Exit code of a search: 0 with matches, 1 without.
fn exit_for(total: u64) -> ExitCode {
    if total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Where the index is, and whether the user named it (`--index`, `OFSEARCH_INDEX`).
struct Location {
    dir: PathBuf,
    named: bool,
}

impl Location {
    /// The `--index` flag, else a non-empty `OFSEARCH_INDEX`, else `./ofsearch-index`.
    fn new(flag: Option<PathBuf>) -> Location {
        let from_env = || {
            std::env::var_os(INDEX_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        match flag.or_else(from_env) {
            Some(dir) => Location { dir, named: true },
            None => Location {
                dir: PathBuf::from(DEFAULT_INDEX),
                named: false,
            },
        }
    }

    /// A searcher over the index. Only the default location is built from the bundled corpus
    /// when it holds no finished index: a named directory without one is a mistyped name, and
    /// answering from the bundled corpus there would look like an answer from the user's own.
    fn searcher(&self) -> Result<Searcher> {
        self.ensure()?;
        open(&self.dir)
    }

    /// The default location built when it holds no finished index; a named one that holds
    /// none, an error (without opening it: whoever reads it next opens it once).
    fn ensure(&self) -> Result<()> {
        if !self.named {
            return ensure_index(&self.dir);
        }
        let built = self.dir.join("meta.json").exists()
            && !self.dir.join(ofsearch_schema::UNFINISHED_FILE).exists();
        if built {
            Ok(())
        } else {
            // The open's own error: no index, or an unfinished build.
            open(&self.dir).map(drop)
        }
    }
}

/// Builds the index from the bundled corpus if there is none, or the last run did not finish
/// (as the README's first command expects).
fn ensure_index(index_dir: &Path) -> Result<()> {
    let unfinished = index_dir.join(ofsearch_schema::UNFINISHED_FILE).exists();
    if index_dir.join("meta.json").exists() && !unfinished {
        return Ok(());
    }
    let corpus = bundled_corpus()?;
    eprintln!(
        "ofsearch: {} at {}; building it from {} first",
        if unfinished {
            "the last indexing run did not finish"
        } else {
            "no index"
        },
        index_dir.display(),
        corpus.display()
    );
    let summary = build_index(&[corpus], index_dir, 0, 256)?;
    print_summary(&mut std::io::stderr().lock(), &summary, index_dir)
}

fn open(index_dir: &Path) -> Result<Searcher> {
    Searcher::open(index_dir).map_err(no_index_hint)
}

/// The error of opening an index, with how to name another when there is none.
fn no_index_hint(e: QueryError) -> anyhow::Error {
    match e {
        QueryError::NoIndex(_) => {
            anyhow::anyhow!("{e} (or pass --index DIR, or set OFSEARCH_INDEX)")
        }
        other => other.into(),
    }
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

/// `one` or `many`, as `n` asks.
fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn print_summary(out: &mut dyn Write, s: &Summary, index_dir: &Path) -> Result<()> {
    writeln!(
        out,
        "Indexed {} {}, {} paragraphs ({:.1} MB) in {:.1} s into {}",
        s.reports,
        plural(s.reports, "report", "reports"),
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
    if !s.removed.is_empty() {
        let n = s.removed.len();
        let (reports, files) = if n == 1 {
            ("report", "file is")
        } else {
            ("reports", "files are")
        };
        writeln!(out, "Removed {n} {reports} whose {files} gone:")?;
        for path in &s.removed {
            writeln!(out, "  {path}")?;
        }
    }
    if s.skipped.is_empty() {
        writeln!(out, "Skipped: none")?;
    } else {
        let files = plural(s.skipped.len(), "file", "files");
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

/// `ofsearch names` as text: each list under a heading with its length.
fn print_names(out: &mut dyn Write, names: &ofsearch_query::Names) -> Result<()> {
    writeln!(
        out,
        "Authorities ({}; a filter also takes the name in brackets, the codes, and forms such \
         as \"X Council\"):",
        names.authorities.len()
    )?;
    let width = names
        .authorities
        .iter()
        .map(|a| a.display.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "  {:<width$} {:<10} {:<24} {:>7}",
        "name", "ONS code", "region", "reports"
    )?;
    for a in &names.authorities {
        write!(
            out,
            "  {:<width$} {:<10} {:<24} {:>7}",
            a.display, a.ons_code, a.region, a.reports
        )?;
        if a.name != a.display {
            write!(out, "  ({})", a.name)?;
        }
        writeln!(out)?;
    }
    for (heading, list) in [
        ("Regions", &names.regions),
        ("Report types", &names.types),
        ("Editions", &names.editions),
    ] {
        writeln!(out, "{heading} ({}):", list.len())?;
        for v in list {
            writeln!(out, "  {:<width$} {:>7}", v.value, v.count)?;
        }
    }
    Ok(())
}

/// `ofsearch reports` as a table: one line per report, its source last (every date and
/// judgement are in `--format json`).
fn print_reports(out: &mut dyn Write, reports: &[serde_json::Value]) -> Result<()> {
    let s = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "-".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let table = ofsearch_schema::authority::AuthorityTable::bundled();
    let rows: Vec<[String; 8]> = reports
        .iter()
        .map(|r| {
            let name = s(&r["authority"]);
            let authority = table
                .lookup(&name)
                .filter(|a| a.name == name)
                .map_or(name.clone(), |a| a.display_name().to_string());
            let kind = match r["framework"].as_str() {
                Some(edition) if edition != s(&r["report_type"]) => {
                    format!("{} ({edition})", s(&r["report_type"]))
                }
                _ => s(&r["report_type"]),
            };
            [
                s(&r["report_id"]),
                s(&r["year"]),
                s(&r["inspection_end"]),
                authority,
                kind,
                s(&r["overall_grade"]),
                s(&r["paragraphs"]),
                s(&r["source"]),
            ]
        })
        .collect();
    let heading = [
        "report_id",
        "year",
        "ended",
        "authority",
        "type",
        "overall",
        "paras",
        "source",
    ];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain(std::iter::once(heading[i].len()))
            .max()
            .unwrap_or(0)
    };
    let w: Vec<usize> = (0..7).map(width).collect();
    let line = |out: &mut dyn Write, r: [&str; 8]| {
        writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:<w4$}  {:<w5$}  {:>w6$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4],
            w5 = w[5],
            w6 = w[6],
        )
    };
    line(out, heading)?;
    for r in &rows {
        line(out, std::array::from_fn(|i| r[i].as_str()))?;
    }
    writeln!(out, "{}", counted(reports.len() as u64, "report"))?;
    Ok(())
}

fn print_hits(
    out: &mut dyn Write,
    response: &SearchResponse,
    exact: bool,
    ansi: bool,
) -> Result<()> {
    let grouped = response.hits.iter().any(|h| h.report_matches.is_some());
    writeln!(
        out,
        "{}{} for: {} (showing {}{}, {:.1} ms)",
        counted(response.total, "matching paragraph"),
        match response.reports {
            Some(reports) => format!(" in {}", counted(reports, "report")),
            None => String::new(),
        },
        response.query.trim(),
        response.hits.len(),
        if grouped { " reports" } else { "" },
        response.took_ms
    )?;
    if let Some(plain) = &response.plain {
        print_plain_reading(out, plain, response.partial)?;
    }
    for e in &response.expanded {
        writeln!(out, "  expanded \"{}\" to {}", e.from, e.to.join(" | "))?;
    }
    let highlight = ofsearch_query::highlight_for(&response.parsed, exact);
    for (rank, hit) in response.hits.iter().enumerate() {
        let matches = hit
            .report_matches
            .map(|n| format!(" | {} in this report", counted(n, "matching paragraph")))
            .unwrap_or_default();
        let some = if hit.partial {
            " | some of the words"
        } else {
            ""
        };
        writeln!(
            out,
            "\n{}. {} | {} ({}) | {}{}{some}",
            rank + 1,
            hit.citation,
            hit.area_canonical,
            hit.grade,
            hit.kind,
            matches
        )?;
        writeln!(out, "   {}:{}", hit.source.path, hit.source.line)?;
        if !hit.section.is_empty() {
            writeln!(out, "   § {}", hit.section)?;
        }
        let fragments = hit.fragments(&highlight);
        let snippet = if ansi {
            snippet::to_ansi(&fragments)
        } else {
            snippet::to_plain(&fragments)
        };
        writeln!(out, "   {snippet}")?;
        if let Some(explain) = &hit.explain {
            writeln!(out, "   why: {}", explain.line(&hit.kind))?;
        }
    }
    if response.total > 0 {
        writeln!(out, "\nFacets (matching paragraphs):")?;
        for (field, values) in &response.facets {
            let shown: Vec<String> = values
                .iter()
                .take(6)
                .map(|v| format!("{} {}", v.value, v.count))
                .collect();
            let more = if values.len() > 6 {
                format!(", … ({} values)", values.len())
            } else {
                String::new()
            };
            writeln!(out, "  {field:<10} {}{more}", shown.join(", "))?;
        }
    }
    Ok(())
}

/// For an analysis of plain words: which paragraphs it counts (every word; the stop words
/// left out), when there is more than one word to say so of.
fn say_counted(
    out: &mut dyn Write,
    searcher: &Searcher,
    request: &SearchRequest,
    node: &ofsearch_query::ast::Node,
) -> Result<()> {
    if let Some(plain) = searcher.compile(request, node)?.plain {
        print_plain_reading(out, &plain, None)?;
    }
    Ok(())
}

/// How plain words were read: the words every counted match holds, the stop words left out,
/// and the partial matches ranked after them.
fn print_plain_reading(
    out: &mut dyn Write,
    plain: &ofsearch_query::plain::PlainReading,
    partial: Option<u64>,
) -> Result<()> {
    if plain.words.len() < 2 && plain.dropped.is_empty() {
        return Ok(());
    }
    let mut line = format!(
        "  counted: paragraphs with every word of {}",
        plain.words.join(", ")
    );
    if plain.required > 0 {
        line.push_str(" and the rest of the query as written");
    }
    if !plain.dropped.is_empty() {
        line.push_str(&format!(
            " (not searched for: {})",
            plain.dropped.join(", ")
        ));
    }
    writeln!(out, "{line}")?;
    if let Some(n) = partial {
        writeln!(
            out,
            "  then: {} with at least {} of the {} words, ranked after them",
            counted(n, "more paragraph"),
            plain.at_least,
            plain.words.len()
        )?;
    }
    Ok(())
}

/// The gap between a KWIC keyword and its right context: none before closing punctuation
/// ("[neglect], leading"), else two spaces.
fn kwic_gap(right: &str) -> &'static str {
    if right.starts_with(['.', ',', ';', ':', '!', '?', ')', ']', '’', '”', '\'', '"']) {
        ""
    } else {
        "  "
    }
}

/// Whether to colour what goes to a terminal: not when `NO_COLOR` is set to anything but the
/// empty string (no-color.org), nor when the output is not a terminal.
fn colour(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// "1 report", "2 reports": a count and its noun (a regular plural).
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kwic_puts_no_space_before_punctuation() {
        assert_eq!(kwic_gap(", leading to delay"), "");
        assert_eq!(kwic_gap("."), "");
        assert_eq!(kwic_gap("’s plans"), "");
        assert_eq!(kwic_gap("in planning"), "  ");
        assert_eq!(kwic_gap(""), "  ");
    }

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some("".into())));
        assert!(!colour(true, Some("1".into())));
        assert!(!colour(false, None));
    }
}
