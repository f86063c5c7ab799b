//! Stemmed and exact phrase matching, two index designs measured side by side on the bundled
//! corpus (issue: "two text fields, or one unstemmed field with query-time stem expansion;
//! measure which costs less"):
//!
//! - **A** (the schema today): `text` indexed with the stemmed analyzer and `text_exact` with
//!   the unstemmed one, both with positions. A stemmed phrase is a `PhraseQuery` on `text`, an
//!   exact one a `PhraseQuery` on `text_exact`.
//! - **B**: only `text_exact` indexed; `text` is stored, not indexed. At open time the terms of
//!   `text_exact` are read once and grouped by their stem (the same tantivy English stemmer), so
//!   that a stemmed phrase becomes, at each position, "any indexed term with this stem". That is
//!   run two ways: tantivy 0.27's `RegexPhraseQuery` with an alternation of the expanded terms
//!   at each position (tantivy has no `MultiPhraseQuery`; this is its per-position union of
//!   postings), and a `BooleanQuery` of one `PhraseQuery` per combination of expansions.
//!
//! Not a criterion bench: an index build takes seconds, so the builds are timed by hand, `RUNS`
//! times each, A and B alternating, and medians printed. The documents are those the indexer
//! writes (same parser, same fields and values), written with the indexer's thread count and
//! memory budget; the whole `index_paths` run is timed too, for scale.
//!
//! Environment: `OFS_BENCH_RUNS` (index builds per design, default 5), `OFS_BENCH_QUERY_ITERS`
//! (executions of each query per run, default 50).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::read::{self, Found};
use ofsearch_indexer::{index_paths, report, IndexOptions, Parsed};
use ofsearch_schema::tokenizer::{exact_analyzer, stemmed_analyzer};
use ofsearch_schema::{build_schema, register_tokenizers, Fields};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, RegexPhraseQuery};
use tantivy::schema::{FieldEntry, Schema, SchemaBuilder, TextOptions, Value};
use tantivy::tokenizer::{RawTokenizer, Stemmer, TextAnalyzer, TokenStream};
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument, Term};

/// The phrases timed, each both stemmed and exact.
const PHRASES: &[&str] = &[
    "care leavers",
    "staying put",
    "children looked after",
    "drift and delay",
    "management oversight",
    "child protection plans",
    "return home interviews",
];

/// Writer memory budget, as `IndexOptions::default()`.
const MEMORY_BUDGET: usize = 256 << 20;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Design {
    /// Two indexed fields.
    A,
    /// `text_exact` only, stem expansion at query time.
    B,
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Reads and parses every report of the bundled corpus, once, as the indexer does (walk order,
/// byte-identical duplicates skipped).
fn parse_corpus() -> (Vec<Parsed>, u64) {
    let authorities = AuthorityTable::bundled();
    let mut seen = HashSet::new();
    let mut parsed = Vec::new();
    let mut bytes_total = 0;
    for found in read::walk(&[corpus_dir()]) {
        let Found::File(path) = found else { continue };
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let Ok(text) = read::decode(&bytes) else {
            continue;
        };
        if !seen.insert(report::content_id(&bytes)) {
            continue;
        }
        bytes_total += bytes.len() as u64;
        let source = path.to_string_lossy();
        parsed.push(report::parse(text, &source, &bytes, authorities));
    }
    (parsed, bytes_total)
}

/// The schema of a design: A is `build_schema()`; B is the same with `text` stored only.
fn schema_for(design: Design) -> Schema {
    let base = build_schema();
    let mut builder = SchemaBuilder::new();
    for (_, entry) in base.fields() {
        if design == Design::B && entry.name() == "text" {
            builder.add_field(FieldEntry::new_text(
                "text".to_string(),
                TextOptions::default().set_stored(),
            ));
        } else {
            builder.add_field(entry.clone());
        }
    }
    builder.build()
}

/// The documents of one report, exactly as the indexer writes them.
fn add_report(writer: &IndexWriter, f: &Fields, parsed: &Parsed) {
    for doc in ofsearch_indexer::writer::documents(f, parsed) {
        writer.add_document(doc).expect("add document");
    }
}

/// Writes every report into a new index of `design` in `dir`: one commit, merges waited for.
/// Returns the wall time of the whole write (documents made, analysed, written, committed).
fn build(design: Design, dir: &Path, reports: &[Parsed]) -> Duration {
    let started = Instant::now();
    let index = Index::create_in_dir(dir, schema_for(design)).expect("create index");
    register_tokenizers(&index);
    let fields = Fields::new(&index.schema()).expect("fields");
    let threads = threads();
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, MEMORY_BUDGET.max(threads * (16 << 20)))
        .expect("writer");
    for parsed in reports {
        add_report(&writer, &fields, parsed);
    }
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merge");
    started.elapsed()
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("read index dir")
        .filter_map(|e| e.ok()?.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Bytes of one field's inverted index (term dictionary, postings, positions, norms), summed
/// over segments.
fn field_bytes(index: &Index, name: &str) -> [u64; 4] {
    let searcher = index.reader().expect("reader").searcher();
    let usage = searcher.space_usage().expect("space usage");
    let mut out = [0; 4];
    for segment in usage.segments() {
        let parts = [
            segment.termdict(),
            segment.postings(),
            segment.positions(),
            segment.fieldnorms(),
        ];
        for (slot, part) in out.iter_mut().zip(parts) {
            *slot += part
                .fields()
                .filter(|u| u.field_name() == name)
                .map(|u| u.total().get_bytes())
                .sum::<u64>();
        }
    }
    out
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Resident set size of this process, from /proc (Linux), in bytes.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Stems one already-analysed term with the stemmer of the `ofs_stem` analyzer.
struct Stem(TextAnalyzer);

impl Stem {
    fn new() -> Stem {
        Stem(
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::default())
                .build(),
        )
    }

    fn stem(&mut self, term: &str) -> String {
        let mut stream = self.0.token_stream(term);
        if stream.advance() {
            stream.token().text.clone()
        } else {
            String::new()
        }
    }
}

/// Design B's expansion map: stem -> every indexed `text_exact` term with that stem.
struct Expansions {
    map: HashMap<String, Vec<String>>,
    terms: usize,
}

impl Expansions {
    /// Reads the term dictionary of `text_exact` in every segment once.
    fn build(reader: &IndexReader, fields: &Fields) -> Expansions {
        let mut stem = Stem::new();
        let mut sets: HashMap<String, BTreeSet<String>> = HashMap::new();
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(fields.text_exact).expect("inverted");
            let mut stream = inverted.terms().stream().expect("term stream");
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                sets.entry(stem.stem(term))
                    .or_default()
                    .insert(term.to_string());
            }
        }
        let mut terms = 0;
        let map: HashMap<String, Vec<String>> = sets
            .into_iter()
            .map(|(stem, set)| {
                terms += set.len();
                (stem, set.into_iter().collect())
            })
            .collect();
        Expansions { map, terms }
    }

    /// Heap bytes held, counted: strings' capacities, the vectors' buffers and the table's
    /// slots (key, value and one control byte each).
    fn heap_bytes(&self) -> usize {
        let string = std::mem::size_of::<String>();
        let slot = string + std::mem::size_of::<Vec<String>>() + 1;
        self.map.capacity() * slot
            + self
                .map
                .iter()
                .map(|(k, v)| {
                    k.capacity()
                        + v.capacity() * string
                        + v.iter().map(String::capacity).sum::<usize>()
                })
                .sum::<usize>()
    }

    /// For each position of the phrase (analysed unstemmed), the indexed terms with its stem;
    /// `None` when some position has none (the phrase cannot match).
    fn expand(&self, phrase: &str, stem: &mut Stem) -> Option<Vec<&[String]>> {
        tokens(&mut exact_analyzer(), phrase)
            .iter()
            .map(|t| self.map.get(&stem.stem(t)).map(Vec::as_slice))
            .collect()
    }
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

fn phrase_query(field: tantivy::schema::Field, terms: &[String]) -> Box<dyn Query> {
    Box::new(PhraseQuery::new(
        terms
            .iter()
            .map(|t| Term::from_field_text(field, t))
            .collect(),
    ))
}

/// How a query is answered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Plan {
    /// A: `PhraseQuery` on `text`.
    AStem,
    /// `PhraseQuery` on `text_exact` (A or B index).
    Exact,
    /// B: `RegexPhraseQuery` on `text_exact`, alternation of the expansions per position.
    BStemRegex,
    /// B: `BooleanQuery` of one `PhraseQuery` per combination of expansions.
    BStemBoolean,
}

/// Builds the query for `phrase` (query-time analysis and expansion included).
fn make_query(
    plan: Plan,
    phrase: &str,
    fields: &Fields,
    expansions: Option<&Expansions>,
    stem: &mut Stem,
) -> Option<Box<dyn Query>> {
    match plan {
        Plan::AStem => Some(phrase_query(
            fields.text,
            &tokens(&mut stemmed_analyzer(), phrase),
        )),
        Plan::Exact => Some(phrase_query(
            fields.text_exact,
            &tokens(&mut exact_analyzer(), phrase),
        )),
        Plan::BStemRegex => {
            let positions = expansions?.expand(phrase, stem)?;
            let patterns = positions
                .iter()
                .map(|terms| {
                    let escaped: Vec<String> = terms.iter().map(|t| regex::escape(t)).collect();
                    format!("(?:{})", escaped.join("|"))
                })
                .collect();
            Some(Box::new(RegexPhraseQuery::new(fields.text_exact, patterns)))
        }
        Plan::BStemBoolean => {
            let positions = expansions?.expand(phrase, stem)?;
            let mut combinations: Vec<Vec<String>> = vec![Vec::new()];
            for terms in &positions {
                combinations = combinations
                    .iter()
                    .flat_map(|prefix| {
                        terms.iter().map(move |t| {
                            let mut c = prefix.clone();
                            c.push(t.clone());
                            c
                        })
                    })
                    .collect();
            }
            let clauses = combinations
                .iter()
                .map(|c| (Occur::Should, phrase_query(fields.text_exact, c)))
                .collect();
            Some(Box::new(BooleanQuery::new(clauses)))
        }
    }
}

/// Runs `phrase` by `plan` once, as the CLI does (count and top 10 by score); the count.
fn run(
    plan: Plan,
    phrase: &str,
    reader: &IndexReader,
    fields: &Fields,
    expansions: Option<&Expansions>,
    stem: &mut Stem,
) -> usize {
    let Some(query) = make_query(plan, phrase, fields, expansions, stem) else {
        return 0;
    };
    let searcher = reader.searcher();
    let (top, count) = searcher
        .search(&query, &(TopDocs::with_limit(10).order_by_score(), Count))
        .expect("search");
    std::hint::black_box(top);
    count
}

/// The top 10 of `phrase` by `plan`, as (source, ordinal) of each paragraph, best first; for
/// comparing rankings across indexes (doc ids differ between them).
fn top_keys(
    plan: Plan,
    phrase: &str,
    reader: &IndexReader,
    fields: &Fields,
    expansions: Option<&Expansions>,
    stem: &mut Stem,
) -> Vec<(String, u64)> {
    let Some(query) = make_query(plan, phrase, fields, expansions, stem) else {
        return Vec::new();
    };
    let searcher = reader.searcher();
    let top = searcher
        .search(&query, &TopDocs::with_limit(10).order_by_score())
        .expect("search");
    top.into_iter()
        .map(|(_, address)| {
            let doc: TantivyDocument = searcher.doc(address).expect("doc");
            let source = doc
                .get_first(fields.source)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let ordinal = doc
                .get_first(fields.ordinal)
                .and_then(|v| v.as_u64())
                .unwrap_or_default();
            (source, ordinal)
        })
        .collect()
}

fn main() {
    let runs = env_usize("OFS_BENCH_RUNS", 5).max(1);
    let iters = env_usize("OFS_BENCH_QUERY_ITERS", 50).max(1);
    println!("# phrase designs: A two fields, B text_exact + query-time stem expansion");
    println!(
        "threads {}, runs {runs}, query executions per run {iters}",
        threads()
    );

    // Whole indexer run (design A, the real program), for scale.
    let mut whole = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir().expect("tempdir");
        let summary = index_paths(
            &[corpus_dir()],
            &dir.path().join("idx"),
            &IndexOptions::default(),
        )
        .expect("index_paths");
        println!(
            "index_paths (A): {:.0} ms, {} reports, {} paragraphs, {} bytes",
            ms(summary.elapsed),
            summary.reports,
            summary.paragraphs,
            summary.bytes
        );
        whole.push(summary.elapsed);
    }

    let started = Instant::now();
    let (reports, bytes) = parse_corpus();
    let paragraphs: usize = reports.iter().map(|r| r.paragraphs.len()).sum();
    println!(
        "parsed {} reports, {paragraphs} paragraphs, {bytes} bytes in {:.0} ms (one thread, not part of the builds below)",
        reports.len(),
        ms(started.elapsed())
    );

    // Index builds, A and B alternating; the last index of each design is kept for queries.
    let mut times: HashMap<&str, Vec<Duration>> = HashMap::new();
    let mut kept: HashMap<&str, tempfile::TempDir> = HashMap::new();
    for run_no in 0..runs {
        for (name, design) in [("A", Design::A), ("B", Design::B)] {
            let dir = tempfile::tempdir().expect("tempdir");
            let elapsed = build(design, dir.path(), &reports);
            println!("build {name} run {run_no}: {:.0} ms", ms(elapsed));
            times.entry(name).or_default().push(elapsed);
            kept.insert(name, dir);
        }
    }

    println!();
    println!("## index build and size");
    println!(
        "index_paths (A, whole run incl. walk, hashing, parsing): median {:.0} ms of {runs}",
        ms(median(&mut whole))
    );
    let mut opened = HashMap::new();
    for name in ["A", "B"] {
        let dir = kept[name].path();
        let index = Index::open_in_dir(dir).expect("open");
        register_tokenizers(&index);
        let fields = Fields::new(&index.schema()).expect("fields");
        let reader = index.reader().expect("reader");
        let segments = reader.searcher().segment_readers().len();
        let docs = reader.searcher().num_docs();
        let total = reader
            .searcher()
            .space_usage()
            .expect("space usage")
            .total()
            .get_bytes();
        println!(
            "{name}: write median {:.0} ms of {runs}; {docs} docs in {segments} segments; directory {} bytes, tantivy space_usage {} bytes",
            ms(median(times.get_mut(name).expect("times"))),
            dir_bytes(dir),
            total
        );
        for field in ["text", "text_exact"] {
            let [termdict, postings, positions, norms] = field_bytes(&index, field);
            println!(
                "  {field}: termdict {termdict}, postings {postings}, positions {positions}, fieldnorms {norms}, total {}",
                termdict + postings + positions + norms
            );
        }
        opened.insert(name, (index, reader, fields));
    }

    // B's expansion map.
    let (_, reader_b, fields_b) = &opened["B"];
    let mut map_times = Vec::new();
    // RSS around the first build only: later builds reuse memory the allocator kept.
    let rss_before = rss_bytes();
    let started = Instant::now();
    let mut expansions = Expansions::build(reader_b, fields_b);
    map_times.push(started.elapsed());
    let rss_after = rss_bytes();
    for _ in 1..runs {
        drop(expansions);
        let started = Instant::now();
        expansions = Expansions::build(reader_b, fields_b);
        map_times.push(started.elapsed());
    }
    println!(
        "B expansion map: median build {:.1} ms of {runs}; {} terms under {} stems; {} heap bytes counted; RSS {} -> {} bytes",
        ms(median(&mut map_times)),
        expansions.terms,
        expansions.map.len(),
        expansions.heap_bytes(),
        rss_before.unwrap_or(0),
        rss_after.unwrap_or(0),
    );
    let mut stem = Stem::new();
    for phrase in PHRASES {
        let sizes: Vec<String> = expansions
            .expand(phrase, &mut stem)
            .map(|p| p.iter().map(|t| t.join("|")).collect())
            .unwrap_or_default();
        println!("  \"{phrase}\" expands to [{}]", sizes.join("] ["));
    }

    // Queries.
    let (_, reader_a, fields_a) = &opened["A"];
    let cases: [(&str, Plan, &IndexReader, &Fields, Option<&Expansions>); 5] = [
        (
            "A stemmed (PhraseQuery on text)",
            Plan::AStem,
            reader_a,
            fields_a,
            None,
        ),
        (
            "B stemmed (RegexPhraseQuery)",
            Plan::BStemRegex,
            reader_b,
            fields_b,
            Some(&expansions),
        ),
        (
            "B stemmed (BooleanQuery of PhraseQuery)",
            Plan::BStemBoolean,
            reader_b,
            fields_b,
            Some(&expansions),
        ),
        (
            "A exact (PhraseQuery on text_exact)",
            Plan::Exact,
            reader_a,
            fields_a,
            None,
        ),
        (
            "B exact (PhraseQuery on text_exact)",
            Plan::Exact,
            reader_b,
            fields_b,
            None,
        ),
    ];
    println!();
    println!("## phrase queries: median microseconds per query (count + top 10), {runs} x {iters} executions");
    let mut header = String::from("| phrase |");
    for (name, ..) in &cases {
        header.push_str(&format!(" {name} |"));
    }
    println!("{header}");
    let mut totals = vec![Duration::ZERO; cases.len()];
    let mut mismatches = Vec::new();
    let mut rankings = Vec::new();
    for phrase in PHRASES {
        let mut row = format!("| \"{phrase}\" |");
        let mut counts = Vec::new();
        for (i, &(_, plan, reader, fields, exp)) in cases.iter().enumerate() {
            let mut samples = Vec::with_capacity(runs * iters);
            let mut count = 0;
            for _ in 0..3 {
                count = run(plan, phrase, reader, fields, exp, &mut stem);
            }
            for _ in 0..runs {
                for _ in 0..iters {
                    let started = Instant::now();
                    std::hint::black_box(run(plan, phrase, reader, fields, exp, &mut stem));
                    samples.push(started.elapsed());
                }
            }
            let m = median(&mut samples);
            totals[i] += m;
            counts.push(count);
            row.push_str(&format!(" {:.0} ({count}) |", us(m)));
        }
        println!("{row}");
        if counts[0] != counts[1] || counts[0] != counts[2] {
            mismatches.push(format!("stemmed \"{phrase}\": {counts:?}"));
        }
        let reference = top_keys(Plan::AStem, phrase, reader_a, fields_a, None, &mut stem);
        for plan in [Plan::BStemRegex, Plan::BStemBoolean] {
            let top = top_keys(
                plan,
                phrase,
                reader_b,
                fields_b,
                Some(&expansions),
                &mut stem,
            );
            let same_order = top == reference;
            let same_set =
                top.iter().collect::<BTreeSet<_>>() == reference.iter().collect::<BTreeSet<_>>();
            rankings.push(format!(
                "  \"{phrase}\" {plan:?}: top 10 {}",
                if same_order {
                    "identical to A's"
                } else if same_set {
                    "same paragraphs as A's, other order"
                } else {
                    "differs from A's"
                }
            ));
        }
        if counts[3] != counts[4] {
            mismatches.push(format!("exact \"{phrase}\": {counts:?}"));
        }
    }
    let mut row = String::from("| sum of medians |");
    for t in &totals {
        row.push_str(&format!(" {:.0} |", us(*t)));
    }
    println!("{row}");
    println!("(in brackets: matching paragraphs)");
    println!("rankings (top 10 by BM25, paragraphs compared by source and ordinal):");
    for r in &rankings {
        println!("{r}");
    }
    if mismatches.is_empty() {
        println!("counts: A and B agree on every stemmed and every exact phrase");
    } else {
        for m in &mismatches {
            println!("COUNT MISMATCH {m}");
        }
    }
}
