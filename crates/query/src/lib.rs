//! Reads an ofsearch index: ranked paragraph search (BM25 over the stemmed text) and the list of
//! indexed reports. It never writes the index.

pub mod analysis;
pub mod ast;
pub mod check;
pub mod citation;
mod columns;
use columns::{Keyword, Number};
mod counts;
mod directory;
pub mod expand;
mod guard;
pub mod plain;
pub mod rank;
pub mod reading;
pub mod search;
pub mod snippet;
pub mod syntax;
pub mod words;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use ofsearch_schema::schema::RECORD_REPORT;
use ofsearch_schema::{register_tokenizers, Fields, SCHEMA_VERSION, UNFINISHED_FILE, VERSION_FILE};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};

pub use check::Verify;
pub use reading::{AuthorityName, Names, ReportView, Vocabularies};
pub use search::{Boosts, FacetCount, Filters, SearchRequest, Sort};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, TantivyDocument, Term};

/// What can go wrong when searching.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// There is no index at the path.
    #[error("no index at {0}: run `ofsearch index` first")]
    NoIndex(PathBuf),
    /// The last indexing run of a new index did not finish (killed or failed before its first
    /// commit).
    #[error("the index at {0} is unfinished: the last indexing run did not finish; run `ofsearch index` again")]
    Unfinished(PathBuf),
    /// The index was written by another version of ofsearch.
    #[error("the index at {path} has schema version '{found}', this ofsearch reads {SCHEMA_VERSION}: remove it and rebuild it with `ofsearch index`")]
    Version {
        /// The index directory.
        path: PathBuf,
        /// The version found.
        found: String,
    },
    /// A filter names a value the index does not hold, or a word cannot be searched as asked.
    #[error("{0}")]
    Filter(String),
    /// A setting of the request is out of range (a ranking weight that is not a finite number
    /// of 0 or more).
    #[error("{0}")]
    Request(String),
    /// The query text does not parse.
    /// (Not a `source`: the message says the column and reason once, also in an error chain.)
    #[error("query does not parse: {0}")]
    Parse(syntax::SyntaxError),
    /// The index could not be read. (Not a `source`, nor `Record`'s: the message says the
    /// cause once, also in an error chain.)
    #[error("index error: {}", ofsearch_schema::words::tantivy_error(.0))]
    Index(tantivy::TantivyError),
    /// A stored report record is damaged.
    #[error("damaged report record: {0}")]
    Record(serde_json::Error),
    /// A file of the index is missing or fails its checksum (`check` module): the index must
    /// be rebuilt.
    #[error("the index at {path} is damaged ({detail}); run `ofsearch check`")]
    Damaged {
        /// The index directory.
        path: PathBuf,
        /// The file and what is wrong with it: "9f3c….store fails its checksum".
        detail: String,
    },
    /// A fault of ofsearch's own, not of the request (a tokenizer missing from the index).
    #[error("internal error: {0}")]
    Internal(String),
}

/// Whose fault an error is, for a surface that answers differently (an HTTP status, an exit
/// code): the request's, the index's absence, or ofsearch's own or the index's damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The query does not parse: its column says where.
    Syntax,
    /// A filter names a value the index does not hold, or a word cannot be searched as asked.
    Filter,
    /// A setting of the request is out of range.
    Request,
    /// There is no index, or it was written by another version.
    NoIndex,
    /// The index could not be read or is damaged, or a fault of ofsearch's own.
    Internal,
}

impl QueryError {
    /// Whose fault the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            QueryError::Parse(_) => ErrorKind::Syntax,
            QueryError::Filter(_) => ErrorKind::Filter,
            QueryError::Request(_) => ErrorKind::Request,
            QueryError::NoIndex(_) | QueryError::Unfinished(_) | QueryError::Version { .. } => {
                ErrorKind::NoIndex
            }
            QueryError::Index(_)
            | QueryError::Record(_)
            | QueryError::Damaged { .. }
            | QueryError::Internal(_) => ErrorKind::Internal,
        }
    }

    /// A mistake in the request (its query, its filters or its settings), as opposed to a
    /// fault.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Syntax | ErrorKind::Filter | ErrorKind::Request
        )
    }

    /// For a query that does not parse, the 1-based column (in characters) of the mistake.
    pub fn column(&self) -> Option<usize> {
        match self {
            QueryError::Parse(e) => Some(e.column),
            _ => None,
        }
    }
}

impl From<tantivy::TantivyError> for QueryError {
    fn from(e: tantivy::TantivyError) -> QueryError {
        QueryError::Index(e)
    }
}

impl From<serde_json::Error> for QueryError {
    fn from(e: serde_json::Error) -> QueryError {
        QueryError::Record(e)
    }
}

impl From<syntax::SyntaxError> for QueryError {
    fn from(e: syntax::SyntaxError) -> QueryError {
        QueryError::Parse(e)
    }
}

/// Where a paragraph comes from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SourceRef {
    /// Source file path.
    pub path: String,
    /// 1-based line where the paragraph starts.
    pub line: u64,
}

/// One ranked paragraph.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hit {
    /// BM25 score.
    pub score: f32,
    /// Report id.
    pub report_id: String,
    /// Canonical authority name.
    pub authority: String,
    /// ONS code.
    pub authority_code: String,
    /// Region of England.
    pub region: String,
    /// Report type name.
    pub report_type: String,
    /// Year.
    pub year: Option<u64>,
    /// Last day of the inspection (ISO), where known.
    pub inspection_end: Option<String>,
    /// Area as printed.
    pub area: String,
    /// Canonical area.
    pub area_canonical: String,
    /// Canonical grade.
    pub grade: String,
    /// Grade as printed.
    pub grade_printed: String,
    /// Paragraph kind.
    pub kind: String,
    /// Section path.
    pub section: String,
    /// The page the paragraph starts on (as printed on it), where pages are known.
    pub page: Option<u64>,
    /// The report's own paragraph number, if printed.
    pub paragraph_number: Option<String>,
    /// 1-based position of the paragraph in its report.
    pub ordinal: u64,
    /// Paragraph text.
    pub text: String,
    /// Source file and line.
    pub source: SourceRef,
    /// Where the original is published (from a sidecar `metadata.csv`), where known.
    pub url: Option<String>,
    /// The passages of the text around the matches, matched words in `<mark>` (HTML-escaped).
    pub snippet: String,
    /// A citation ready to paste in running text: "Ofsted, Slough SIF 2015, p. 27, para 83".
    pub citation: String,
    /// The full reference, for a reference list: title, date, page and paragraph, and the
    /// original's address where known (`citation::reference`).
    pub reference: String,
    /// Grouped by report: the report's number of matching paragraphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_matches: Option<u64>,
    /// Plain words: the paragraph holds some of the words, not all (ranked after the counted
    /// matches, not counted in `total`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// Why it ranks where it does, when the request asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// Why [`Searcher::each_match`]'s walk stopped early: the index's error, or the caller's own
/// (kept aside, returned as it is).
enum Stopped {
    Index(QueryError),
    Theirs,
}

impl From<QueryError> for Stopped {
    fn from(e: QueryError) -> Stopped {
        Stopped::Index(e)
    }
}

/// What the counted pass gathers besides the page: the total, and the facets and reports when
/// asked.
type CountedFruit = (usize, Option<(counts::Tally, counts::Reports)>);

/// A request compiled for the index.
pub struct Compiled {
    /// The tantivy query of the counted matches: paragraphs, filters, boilerplate excluded or
    /// not, and the ranking signals.
    pub query: rank::Ranked,
    /// Plain words: the paragraphs with some but not all of the words, ranked after `query`'s
    /// (`plain` module), unless the request asks for every word.
    pub partial: Option<rank::Ranked>,
    /// Plain words: how they were read.
    pub plain: Option<plain::PlainReading>,
    /// Plain words: each word and its query, to say which a paragraph holds.
    pub words: Vec<(String, Box<dyn Query>)>,
    /// The query searched for, after `expand`.
    pub node: ast::Node,
    /// The rewrites `expand` made.
    pub expanded: Vec<expand::Expansion>,
    /// The words to mark in snippets.
    pub highlight: snippet::Highlight,
}

impl Compiled {
    /// Whether a second phase re-ranks by proximity (plain words typed side by side).
    pub fn reranks(&self) -> bool {
        !self.query.proximity.is_empty()
    }
}

/// The words a query looks for, to mark in snippets: every word and phrase not under `NOT`.
/// Fuzzy words are not marked (the terms they matched are not known here).
pub fn highlight_for(node: &ast::Node, all_exact: bool) -> snippet::Highlight {
    fn walk(node: &ast::Node, all_exact: bool, h: &mut snippet::Highlight) {
        match node {
            ast::Node::Word(w) if w.prefix => {
                h.add_prefix(&w.text);
            }
            ast::Node::Word(w) => match w.fuzzy {
                Some(distance) => {
                    h.add_fuzzy(&w.text, distance);
                }
                None => {
                    h.add_words(&w.text, w.exact || all_exact);
                }
            },
            ast::Node::Phrase(p) => {
                h.add_words(&p.text, p.exact || all_exact);
            }
            ast::Node::All(parts) | ast::Node::Any(parts) => {
                for part in parts {
                    walk(part, all_exact, h);
                }
            }
            ast::Node::Boost(inner, _) => walk(inner, all_exact, h),
            ast::Node::Not(_) | ast::Node::Filter(_) => {}
        }
    }
    let mut h = snippet::Highlight::default();
    walk(node, all_exact, &mut h);
    h
}

impl Hit {
    /// The parts of the hit's citation.
    pub fn citation_parts(&self) -> citation::CitationParts<'_> {
        citation::CitationParts {
            authority: &self.authority,
            report_type: &self.report_type,
            inspection_end: self.inspection_end.as_deref(),
            year: self.year,
            page: self.page,
            paragraph_number: self.paragraph_number.as_deref(),
            ordinal: self.ordinal,
            url: self.url.as_deref(),
            source_path: &self.source.path,
            line: self.source.line,
        }
    }

    fn cited(mut self) -> Hit {
        self.citation = citation::citation(&self.citation_parts());
        self.reference = citation::reference(&self.citation_parts());
        self
    }

    /// The hit's snippet fragments for a highlight.
    pub fn fragments(&self, highlight: &snippet::Highlight) -> Vec<snippet::Fragment> {
        snippet::fragments(
            &self.text,
            highlight,
            snippet::DEFAULT_FRAGMENT_CHARS,
            snippet::DEFAULT_FRAGMENTS,
        )
    }
}

/// The answer to a [`SearchRequest`]: the JSON contract of `search --format json` and the
/// HTTP API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResponse {
    /// The query as given.
    pub query: String,
    /// What was searched for: the query as parsed (and expanded).
    pub parsed: ast::Node,
    /// With `expand`: each word or phrase rewritten, and what it was searched as.
    pub expanded: Vec<expand::Expansion>,
    /// Plain words: how they were read (the words searched for, the stop words left out, how
    /// many a partial match needs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plain: Option<plain::PlainReading>,
    /// Matching paragraphs (exact): for plain words, those with every word. Facets and
    /// `reports` count the same paragraphs.
    pub total: u64,
    /// Plain words: paragraphs with some of the words but not all (at least
    /// `plain.at_least`), ranked after the `total`; counted when the page reaches them, else
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<u64>,
    /// Reports with at least one matching paragraph; absent when the request did not ask for
    /// counts (`facets: false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<u64>,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
    /// The page of hits, best first (or one per report, grouped).
    pub hits: Vec<Hit>,
    /// Counts of matching paragraphs per value, for each facet field, over every match (every
    /// field present); empty when the request did not ask for counts (`facets: false`).
    pub facets: std::collections::BTreeMap<String, Vec<search::FacetCount>>,
}

/// Whether the query or the filters ask for boilerplate (then it is not excluded).
fn asks_for_boilerplate(node: &ast::Node, filters: &search::Filters) -> bool {
    let named = |v: &str| v.trim().eq_ignore_ascii_case("boilerplate");
    if filters.kind.iter().any(|v| named(v)) {
        return true;
    }
    match node {
        ast::Node::Filter(ast::Filter {
            field: ast::FilterField::Kind,
            value: ast::FilterValue::One(v),
        }) => named(v),
        ast::Node::All(parts) | ast::Node::Any(parts) => {
            parts.iter().any(|p| asks_for_boilerplate(p, filters))
        }
        ast::Node::Boost(inner, _) => asks_for_boilerplate(inner, filters),
        _ => false,
    }
}

/// The names the index holds for authorities, ONS codes and regions.
fn read_names(searcher: &tantivy::Searcher, f: &Fields) -> Result<search::Names, QueryError> {
    let read = |field| -> Result<Vec<String>, QueryError> {
        let mut set = std::collections::BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(|e| QueryError::Index(e.into()))?;
            while stream.advance() {
                if let Ok(name) = std::str::from_utf8(stream.key()) {
                    if !name.is_empty() {
                        set.insert(name.to_string());
                    }
                }
            }
        }
        Ok(set.into_iter().collect())
    };
    Ok(search::Names {
        authorities: read(f.authority)?,
        codes: read(f.authority_code)?,
        regions: read(f.region)?,
        ..read_report_records(searcher, f)?
    })
}

/// What the report records say that paragraphs do not repeat: each framework edition with the
/// ids of its reports, and each report's original address (read from the report records' fast
/// columns, once per commit).
fn read_report_records(
    searcher: &tantivy::Searcher,
    f: &Fields,
) -> Result<search::Names, QueryError> {
    let records = TermQuery::new(
        Term::from_field_text(f.record, RECORD_REPORT),
        IndexRecordOption::Basic,
    );
    let found = searcher.search(&records, &tantivy::collector::DocSetCollector)?;
    let mut names = search::Names::default();
    let mut columns = HashMap::new();
    for address in found {
        let segment = address.segment_ord;
        let [id, edition, url] = columns.entry(segment).or_insert_with(|| {
            let fast = searcher.segment_reader(segment).fast_fields();
            ["report_id", "edition", "url"].map(|name| fast.str(name).ok().flatten())
        });
        let text = |column: &Option<tantivy::columnar::StrColumn>| -> Option<String> {
            let column = column.as_ref()?;
            let ord = column.term_ords(address.doc_id).next()?;
            let mut out = String::new();
            column.ord_to_str(ord, &mut out).ok()?.then_some(out)
        };
        let Some(id) = text(id) else { continue };
        if let Some(edition) = text(edition).filter(|e| !e.is_empty()) {
            names.editions.entry(edition).or_default().push(id.clone());
        }
        if let Some(url) = text(url).filter(|u| !u.is_empty()) {
            names.urls.insert(id, url);
        }
    }
    Ok(names)
}

/// What the searchers refreshed from one another share: what is verified, the files verified,
/// the count tables read and the searches running.
type Shared = (
    Verify,
    Arc<Mutex<HashSet<PathBuf>>>,
    counts::TableCache,
    Arc<AtomicUsize>,
);

/// An open index, at one commit: every answer a `Searcher` gives reads the same commit, however
/// the index changes meanwhile. [`Searcher::refreshed`] opens the newest commit.
///
/// Damage: a commit is verified as it is opened ([`Verify`]); reading it never panics (a panic
/// is caught), and a failure while reading it is answered as [`QueryError::Damaged`], naming the
/// file, when a checksum tells (every file verified at the first failure).
pub struct Searcher {
    index: Index,
    reader: IndexReader,
    /// The commit this searcher reads.
    searcher: tantivy::Searcher,
    fields: Fields,
    /// The names filters resolve to, read from `searcher`'s commit.
    names: search::Names,
    /// The columns hits are read from, opened for `searcher`'s commit.
    columns: columns::HitColumns,
    /// The index directory.
    dir: PathBuf,
    /// What is verified of each commit opened.
    verify: Verify,
    /// The files verified whole so far, shared by the searchers refreshed from one another: a
    /// segment file never changes, so each is verified once.
    verified: Arc<Mutex<HashSet<PathBuf>>>,
    /// After a first failure reading this commit: the damage found, if any.
    diagnosis: OnceLock<Option<String>>,
    /// What counting every match needs of this commit's segments, read at the first count
    /// (or [`Searcher::warm`]).
    tables: OnceLock<Arc<counts::Tables>>,
    /// The segments' tables read so far, shared by the searchers refreshed from one another.
    table_cache: counts::TableCache,
    /// Searches running now, over every searcher refreshed from one another
    /// ([`Searcher::collect`]).
    running: Arc<AtomicUsize>,
    /// Commits of at least this many documents search their segments in parallel
    /// ([`PARALLEL_FROM_DOCUMENTS`]; lowered by tests).
    parallel_from: u64,
}

/// Commits of at least this many documents (about 200 MB of reports) search their segments in
/// parallel when a request runs alone. Below it a whole search takes a millisecond or two,
/// and handing segments to another thread cost more than it saved: on the bundled corpus
/// (60,000 documents, 2 segments) one thread answered faster and more often; at 1 GB (2.3
/// million, 5 segments) the parallel search answered in 57-86% of the time, p50 by class
/// (BENCHMARKS.md).
const PARALLEL_FROM_DOCUMENTS: u64 = 500_000;

/// Counts a search as running while it lives.
struct Running<'a>(&'a AtomicUsize);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The largest index [`Searcher::open`] verifies whole, in bytes: ten times the bundled
/// corpus's (26 MB, verified whole in about 6 ms), at most about 35 ms of checksums on two
/// cores (80-140 ms per GB).
pub const VERIFY_WHOLE_UP_TO: u64 = 256 << 20;

/// The bytes of the files in `dir` (`u64::MAX` if it cannot be listed: then it is no small
/// index to verify whole).
fn directory_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return u64::MAX;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.metadata().ok())
        .map(|metadata| metadata.len())
        .fold(0, u64::saturating_add)
}

/// A commit's segments, as their files are named: id and deletions' opstamp.
type Segments = Vec<(tantivy::index::SegmentId, Option<tantivy::Opstamp>)>;

/// The segments of a reader's commit.
fn segments_of(searcher: &tantivy::Searcher) -> Segments {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| (segment.segment_id(), segment.delete_opstamp()))
        .collect()
}

/// The segments of the newest commit in the index's `meta.json`.
fn newest_segments(index: &Index) -> Result<Segments, QueryError> {
    Ok(index
        .load_metas()?
        .segments
        .iter()
        .map(|segment| (segment.id(), segment.delete_opstamp()))
        .collect())
}

/// Verifies the files of `segments` as `verify` says, skipping those `verified` holds (and
/// adding those that pass): [`QueryError::Damaged`] if any is missing or fails its checksum.
fn verify_segments(
    index: &Index,
    dir: &Path,
    segments: &Segments,
    verify: Verify,
    verified: &Mutex<HashSet<PathBuf>>,
) -> Result<(), QueryError> {
    let files: Vec<PathBuf> = segments
        .iter()
        .flat_map(|&(id, deletes)| check::segment_files(id, deletes))
        .collect();
    // Held throughout: two verifications of the same files wait for each other, not repeat.
    let mut done = verified.lock().unwrap_or_else(PoisonError::into_inner);
    let wanted = |file: &Path| verify.covers(file) && !done.contains(file);
    let (_, faults) = guard::catching(|| check::verify_files(index, dir, &files, wanted))
        .map_err(|panic| QueryError::Internal(format!("verifying checksums panicked: {panic}")))?;
    let passed: Vec<PathBuf> = files
        .iter()
        .filter(|file| wanted(file) && !faults.iter().any(|(bad, _)| bad == *file))
        .cloned()
        .collect();
    done.extend(passed);
    check::damaged(dir, &faults).map_or(Ok(()), Err)
}

/// What damage, if any, explains a failure reading the commit of `segments`: its every file
/// verified, those verified before too (the failure says a file may have changed since).
fn diagnose(index: &Index, dir: &Path, segments: &Segments) -> Option<String> {
    let afresh = Mutex::new(HashSet::new());
    match verify_segments(index, dir, segments, Verify::Everything, &afresh) {
        Err(QueryError::Damaged { detail, .. }) => Some(detail),
        _ => None,
    }
}

/// Whether an error may come from damage in the index (a failed read, a panic).
fn may_be_damage(e: &QueryError) -> bool {
    matches!(
        e,
        QueryError::Index(_) | QueryError::Record(_) | QueryError::Internal(_)
    )
}

/// A panic while reading the index, as an error.
fn panicked(panic: String) -> QueryError {
    QueryError::Internal(format!("reading the index panicked: {panic}"))
}

/// The damage found (`diagnose`), else `e`.
fn damage_or(diagnosis: Option<String>, dir: &Path, e: QueryError) -> QueryError {
    match diagnosis {
        Some(detail) => QueryError::Damaged {
            path: dir.to_path_buf(),
            detail,
        },
        None => e,
    }
}

impl Searcher {
    /// Opens the index in `dir`, verifying its commit: every file of an index of at most
    /// [`VERIFY_WHOLE_UP_TO`] bytes ([`Verify::Everything`]), the structure of a larger one
    /// ([`Verify::Structure`]; `ofsearch check` verifies the rest).
    pub fn open(dir: &Path) -> Result<Searcher, QueryError> {
        let verify = if directory_bytes(dir) <= VERIFY_WHOLE_UP_TO {
            Verify::Everything
        } else {
            Verify::Structure
        };
        Searcher::open_with(dir, verify)
    }

    /// Opens the index in `dir`, verifying its commit (and each new segment that
    /// [`Searcher::refreshed`] opens) as `verify` says: a file missing or failing its checksum
    /// is [`QueryError::Damaged`].
    pub fn open_with(dir: &Path, verify: Verify) -> Result<Searcher, QueryError> {
        if dir.join(UNFINISHED_FILE).exists() {
            return Err(QueryError::Unfinished(dir.to_path_buf()));
        }
        if !dir.join("meta.json").exists() {
            return Err(QueryError::NoIndex(dir.to_path_buf()));
        }
        let found = std::fs::read_to_string(dir.join(VERSION_FILE)).unwrap_or_default();
        if found.trim() != SCHEMA_VERSION.to_string() {
            return Err(QueryError::Version {
                path: dir.to_path_buf(),
                found: found.trim().to_string(),
            });
        }
        // Read without writing where the directory cannot be written (`directory`).
        let mut index = Index::open(directory::ReadDirectory::open(dir)?)?;
        register_tokenizers(&index);
        // Segments are searched in parallel, one thread per core: a large index has several.
        // (Named so that a panic there is known for one `guard` catches.)
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if threads > 1 {
            index.set_executor(tantivy::Executor::multi_thread(
                threads,
                guard::SEARCH_THREADS,
            )?);
        }
        let fields = Fields::new(&index.schema()).map_err(|e| QueryError::Version {
            path: dir.to_path_buf(),
            found: e.to_string(),
        })?;
        // Verified before a reader opens the segments' files: damage there is named.
        let verified = Arc::new(Mutex::new(HashSet::new()));
        let segments = newest_segments(&index)?;
        verify_segments(&index, dir, &segments, verify, &verified)?;
        // Reloaded only when asked (`refreshed`): no watcher thread, and no change under a
        // request.
        let opened = guard::catching(|| {
            index
                .reader_builder()
                .reload_policy(tantivy::ReloadPolicy::Manual)
                .try_into()
                .map_err(QueryError::from)
        })
        .unwrap_or_else(|panic| Err(panicked(panic)));
        let reader = match opened {
            Ok(reader) => reader,
            Err(e) => {
                let diagnosis = diagnose(&index, dir, &segments);
                return Err(damage_or(diagnosis, dir, e));
            }
        };
        let shared = (verify, verified, Default::default(), Default::default());
        Searcher::at(index, reader, fields, dir, shared)
    }

    /// A searcher over the reader's current commit, each segment verified as `verify` says
    /// (normally before: this verifies a commit made in between).
    fn at(
        index: Index,
        reader: IndexReader,
        fields: Fields,
        dir: &Path,
        (verify, verified, table_cache, running): Shared,
    ) -> Result<Searcher, QueryError> {
        let searcher = reader.searcher();
        verify_segments(&index, dir, &segments_of(&searcher), verify, &verified)?;
        let mut opened = Searcher {
            index,
            reader,
            searcher,
            fields,
            names: search::Names::default(),
            columns: columns::HitColumns::empty(),
            dir: dir.to_path_buf(),
            verify,
            verified,
            diagnosis: OnceLock::new(),
            tables: OnceLock::new(),
            table_cache,
            running,
            parallel_from: PARALLEL_FROM_DOCUMENTS,
        };
        opened.names = opened.guarded(|| read_names(&opened.searcher, &opened.fields))?;
        opened.columns = opened.guarded(|| columns::HitColumns::open(&opened.searcher))?;
        Ok(opened)
    }

    /// A searcher over the index's newest commit, if it is not the one this searcher reads
    /// (its new segments verified as this one's were, the names filters resolve to read anew);
    /// `None` if nothing changed. This searcher keeps answering from its own commit.
    pub fn refreshed(&self) -> Result<Option<Searcher>, QueryError> {
        // The new segments verified before the reader opens them, as at `open`.
        let (index, dir) = (&self.index, self.dir.as_path());
        let segments = newest_segments(index)?;
        verify_segments(index, dir, &segments, self.verify, &self.verified)?;
        let reloaded = guard::catching(|| self.reader.reload().map_err(QueryError::from))
            .unwrap_or_else(|panic| Err(panicked(panic)));
        if let Err(e) = reloaded {
            let diagnosis = diagnose(index, dir, &segments);
            return Err(damage_or(diagnosis, dir, e));
        }
        let newest = self.reader.searcher();
        // A reload makes a new generation even when nothing changed: compare the segments.
        if newest.generation().segments() == self.searcher.generation().segments() {
            return Ok(None);
        }
        Searcher::at(
            self.index.clone(),
            self.reader.clone(),
            self.fields,
            &self.dir,
            (
                self.verify,
                self.verified.clone(),
                self.table_cache.clone(),
                self.running.clone(),
            ),
        )
        .map(Some)
    }

    /// Runs `work` on this commit: a panic in it is an error, and a failure reading the index
    /// is answered as [`QueryError::Damaged`] when a checksum tells (every file of the commit
    /// verified at the first failure, the finding kept for the next).
    pub(crate) fn guarded<T>(
        &self,
        work: impl FnOnce() -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        let e = match guard::catching(work) {
            Ok(Ok(answer)) => return Ok(answer),
            Ok(Err(e)) => e,
            Err(panic) => panicked(panic),
        };
        if !may_be_damage(&e) {
            return Err(e);
        }
        let diagnosis = self
            .diagnosis
            .get_or_init(|| diagnose(&self.index, &self.dir, &segments_of(&self.searcher)));
        Err(damage_or(diagnosis.clone(), &self.dir, e))
    }

    /// Runs a collector over this commit: its segments in parallel on the search threads when
    /// the commit is large ([`PARALLEL_FROM_DOCUMENTS`]) and no other search is running, else
    /// on this thread (under load every core is already busy with a request of its own, and a
    /// small commit's segments take less time than handing them over).
    fn collect<C: tantivy::collector::Collector>(
        &self,
        query: &dyn tantivy::query::Query,
        collector: &C,
    ) -> Result<C::Fruit, QueryError> {
        let others = self.running.fetch_add(1, Ordering::Relaxed);
        let _running = Running(&self.running);
        let searcher = &self.searcher;
        let executor = if others == 0 && searcher.num_docs() >= self.parallel_from {
            searcher.index().search_executor()
        } else {
            &tantivy::Executor::SingleThread
        };
        let scoring = if collector.requires_scoring() {
            tantivy::query::EnableScoring::enabled_from_searcher(searcher)
        } else {
            tantivy::query::EnableScoring::disabled_from_searcher(searcher)
        };
        Ok(searcher.search_with_executor(query, collector, executor, scoring)?)
    }

    /// Reads now what counting every match needs of this commit's segments (else read by the
    /// first search that counts): a server warms each commit before it answers from it. The
    /// segments of an earlier commit are not read again.
    pub fn warm(&self) -> Result<(), QueryError> {
        self.tables().map(|_| ())
    }

    /// Heap bytes held by the count tables of this commit (0 before the first count).
    pub fn table_bytes(&self) -> usize {
        self.tables.get().map_or(0, |t| t.heap_bytes())
    }

    /// The count tables of this commit, read the first time.
    fn tables(&self) -> Result<Arc<counts::Tables>, QueryError> {
        if let Some(tables) = self.tables.get() {
            return Ok(tables.clone());
        }
        let read = self.guarded(|| Ok(counts::Tables::read(&self.searcher, &self.table_cache)?))?;
        // Two threads may read them at once: the first kept is every thread's.
        Ok(self.tables.get_or_init(|| Arc::new(read)).clone())
    }

    /// Which of the commits this process has opened the searcher reads: it grows each time
    /// [`Searcher::refreshed`] finds a new one.
    pub fn generation(&self) -> u64 {
        self.searcher.generation().generation_id()
    }

    /// Documents in the commit (paragraphs and report records, deleted ones excluded).
    pub fn documents(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// Ranks paragraphs for `query` (the query language, strict), best first: the first
    /// `limit` hits, with facets. A shorthand for [`Searcher::search_request`].
    pub fn search(&self, query: &str, limit: usize) -> Result<SearchResponse, QueryError> {
        self.search_request(&SearchRequest {
            query: query.to_string(),
            limit,
            ..SearchRequest::default()
        })
    }

    /// Parses the request's query (strictly, or leniently if asked) and runs it.
    pub fn search_request(&self, request: &SearchRequest) -> Result<SearchResponse, QueryError> {
        self.run(request, &self.parse(request)?)
    }

    /// The request's query, parsed as the request asks.
    pub fn parse(&self, request: &SearchRequest) -> Result<ast::Node, QueryError> {
        Ok(if request.lenient {
            syntax::parse_lenient(&request.query)
        } else {
            syntax::parse(&request.query)?
        })
    }

    /// Compiles a request and its parsed query into tantivy queries (expanding it first if
    /// asked): the counted matches, and for plain words the partial matches ranked after them.
    pub fn compile(
        &self,
        request: &SearchRequest,
        node: &ast::Node,
    ) -> Result<Compiled, QueryError> {
        request.boosts.check()?;
        let (node, expanded) = if request.expand {
            expand::expand(node)
        } else {
            (node.clone(), Vec::new())
        };
        let plain = plain::Plain::read(&node);
        let node = plain.as_ref().map_or(node, plain::Plain::every_word);
        let mut compiler = self.compiler(request)?;
        let filters = compiler.filters(&request.filters)?;
        let boilerplate =
            request.include_boilerplate || asks_for_boilerplate(&node, &request.filters);
        let matched = vec![(Occur::Must, compiler.node(&node)?)];
        let boosts = &request.boosts;
        // Ranking only: headings that hold the query's words, and plain words found together.
        let section = match compiler.section(&node) {
            Some(section) if boosts.section > 0.0 => {
                Some(Box::new(BoostQuery::new(section, boosts.section)) as Box<dyn Query>)
            }
            _ => None,
        };
        let proximity: Vec<Box<dyn Query>> = match &plain {
            Some(plain) if boosts.proximity > 0.0 => compiler
                .proximity(plain)
                .into_iter()
                .map(|pair| Box::new(BoostQuery::new(pair, boosts.proximity)) as Box<dyn Query>)
                .collect(),
            _ => Vec::new(),
        };
        // The kind prior from the commit's count tables (read once per commit).
        let kinds = match boosts.priors {
            true => Some(rank::KindPriors(self.tables()?)),
            false => None,
        };
        let ranked = |matched: Vec<(Occur, Box<dyn Query>)>| rank::Ranked {
            matched: self.matched(boilerplate, matched, &filters),
            section: section.as_ref().map(|q| q.box_clone()),
            proximity: proximity.iter().map(|q| q.box_clone()).collect(),
            priors: boosts.priors.then_some(self.fields.text),
            kinds: kinds.clone(),
        };
        let query = ranked(matched);
        let mut words = Vec::new();
        let mut partial = None;
        if let Some(plain) = &plain {
            for word in &plain.words {
                words.push((
                    word.text.clone(),
                    compiler.node(&ast::Node::Word(word.clone()))?,
                ));
            }
            if !request.all_words && plain.at_least() > 0 {
                let mut parts = Vec::new();
                for part in &plain.required {
                    parts.push((Occur::Must, compiler.node(part)?));
                }
                let some = words.iter().map(|(_, q)| (Occur::Should, q.box_clone()));
                let all = words.iter().map(|(_, q)| (Occur::Must, q.box_clone()));
                parts.push((
                    Occur::Must,
                    Box::new(BooleanQuery::with_minimum_required_clauses(
                        some.collect(),
                        plain.at_least(),
                    )),
                ));
                parts.push((Occur::MustNot, Box::new(BooleanQuery::new(all.collect()))));
                partial = Some(ranked(parts));
            }
        }
        let highlight = highlight_for(&node, request.exact);
        Ok(Compiled {
            query,
            partial,
            plain: plain.map(|p| p.reading()),
            words,
            node,
            expanded,
            highlight,
        })
    }

    fn compiler(&self, request: &SearchRequest) -> Result<search::Compiler<'_>, QueryError> {
        let tokenizers = self.index.tokenizers();
        let analyzer = |name: &str| {
            tokenizers
                .get(name)
                .ok_or_else(|| QueryError::Internal(format!("tokenizer {name} is not registered")))
        };
        Ok(search::Compiler {
            fields: &self.fields,
            names: &self.names,
            stemmed: analyzer(ofsearch_schema::tokenizer::STEMMED)?,
            exact: analyzer(ofsearch_schema::tokenizer::EXACT)?,
            all_exact: request.exact,
        })
    }

    /// The query matching `parts` among paragraph records (boilerplate excluded unless asked
    /// for) under the request's filters (unscored).
    fn matched(
        &self,
        include_boilerplate: bool,
        parts: Vec<(Occur, Box<dyn Query>)>,
        filters: &[Box<dyn Query>],
    ) -> Box<dyn Query> {
        let mut clauses = search::base(&self.fields, include_boilerplate);
        clauses.extend(parts);
        for filter in filters {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Every paragraph matching a request, in the request's order (relevance or date), not
    /// just a page: for exports and analyses. Documents are loaded one at a time as `each`
    /// takes them, so memory holds only the list of matches. An error of `each` ends it and is
    /// returned as it is; the index's are guarded ([`Searcher::guarded`]).
    pub fn each_match<E: From<QueryError>>(
        &self,
        request: &SearchRequest,
        node: &ast::Node,
        mut each: impl FnMut(Hit) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut theirs = None;
        let counted = self.guarded(|| {
            let mut stop = |e| {
                theirs = Some(e);
                Stopped::Theirs
            };
            match self.each_match_unguarded(request, node, |hit| each(hit).map_err(&mut stop)) {
                Ok(n) => Ok(n),
                Err(Stopped::Theirs) => Ok(0),
                Err(Stopped::Index(e)) => Err(e),
            }
        });
        match (counted, theirs) {
            (_, Some(e)) => Err(e),
            (Ok(n), None) => Ok(n),
            (Err(e), None) => Err(e.into()),
        }
    }

    /// [`Searcher::each_match`], unguarded.
    fn each_match_unguarded<E: From<QueryError>>(
        &self,
        request: &SearchRequest,
        node: &ast::Node,
        mut each: impl FnMut(Hit) -> Result<(), E>,
    ) -> Result<u64, E> {
        let compiled = self.compile(request, node)?;
        let searcher = &self.searcher;
        let total = searcher
            .search(&compiled.query, &Count)
            .map_err(QueryError::from)?;
        let top = TopDocs::with_limit(total.max(1));
        // The same order as `run`'s: the first phase, its best re-ranked with proximity.
        let first = compiled.query.first_phase();
        let addresses: Vec<(f32, tantivy::DocAddress)> = match request.sort {
            Sort::Relevance => {
                let mut ranked = searcher
                    .search(&first, &top.order_by_score())
                    .map_err(QueryError::from)?;
                if compiled.reranks() {
                    let rest = ranked.split_off(ranked.len().min(rank::RERANK_WINDOW));
                    ranked = rescore(searcher, &compiled.query, ranked)?;
                    ranked.extend(rest);
                }
                ranked
            }
            Sort::Newest | Sort::Oldest => searcher
                .search(
                    &first,
                    &top.order_by_fast_field::<u64>("date", date_order(request.sort)),
                )
                .map_err(QueryError::from)?
                .into_iter()
                .map(|(_, address)| (0.0, address))
                .collect(),
        };
        let mut reader = HitReader::new(self);
        for (score, address) in &addresses {
            let mut hit = reader.hit(*address, *score)?;
            hit.snippet = snippet::to_html(&hit.fragments(&compiled.highlight));
            each(hit)?;
        }
        Ok(addresses.len() as u64)
    }

    /// Runs a search for an already parsed query: the page of hits (or of reports, grouped),
    /// the exact total, the number of matching reports and the facet counts over every match,
    /// all from one pass over the matches; then, for plain words, the partial matches that
    /// fill the page once the counted matches run out (ranked by relevance, not grouped).
    pub fn run(
        &self,
        request: &SearchRequest,
        node: &ast::Node,
    ) -> Result<SearchResponse, QueryError> {
        self.guarded(|| self.run_unguarded(request, node))
    }

    /// [`Searcher::run`], unguarded.
    fn run_unguarded(
        &self,
        request: &SearchRequest,
        node: &ast::Node,
    ) -> Result<SearchResponse, QueryError> {
        let started = std::time::Instant::now();
        let compiled = self.compile(request, node)?;
        let searcher = &self.searcher;
        // No page can reach past the index's documents: bounding offset and limit by them
        // keeps the collectors' buffers bounded whatever a request asks.
        let documents = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let bounded;
        let request = if request.offset > documents || request.limit > documents {
            bounded = SearchRequest {
                offset: request.offset.min(documents),
                limit: request.limit.min(documents),
                ..request.clone()
            };
            &bounded
        } else {
            request
        };
        let (top, (total, counted)) = self.counted_pass(searcher, request, &compiled)?;
        let mut page: Vec<(f32, DocAddress, Option<u64>)> = match &counted {
            Some((_, reports)) if request.group_by_report => self.report_page(request, reports),
            _ => {
                let top = top.into_iter().take(request.limit);
                top.map(|(score, address)| (score, address, None)).collect()
            }
        };
        let on_page = page.len();
        let partial = self.partial_pass(searcher, request, &compiled, total, &mut page)?;
        let hits = self.hits(searcher, request, &compiled, page, on_page)?;
        let (facets, reports) = match counted {
            Some((tally, reports)) => {
                let tables = self.tables()?;
                (tally.facets(&tables), Some(reports.len() as u64))
            }
            None => (Default::default(), None),
        };
        Ok(SearchResponse {
            query: request.query.clone(),
            parsed: compiled.node,
            expanded: compiled.expanded,
            plain: compiled.plain,
            total: total as u64,
            partial,
            reports,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
        })
    }

    /// The one pass over the counted matches: the page of hits (none when grouped), the exact
    /// total, and, when asked (or grouped), the facet counts and the matching reports. By relevance, the best of the first
    /// phase are re-ranked with proximity (`rank::RERANK_WINDOW`).
    fn counted_pass(
        &self,
        searcher: &tantivy::Searcher,
        request: &SearchRequest,
        compiled: &Compiled,
    ) -> Result<(Vec<(f32, DocAddress)>, CountedFruit), QueryError> {
        let page = if request.group_by_report {
            0
        } else {
            request.limit
        };
        let rerank = page > 0 && request.sort == Sort::Relevance && compiled.reranks();
        let first = compiled.query.first_phase();
        let top = if rerank {
            TopDocs::with_limit(rerank_window(request.offset, page))
        } else {
            TopDocs::with_limit(page.max(1)).and_offset(request.offset)
        };
        let counts = if request.facets || request.group_by_report {
            Some(counts::MatchCollector {
                tables: self.tables()?,
            })
        } else {
            None
        };
        let pass = (Count, counts);
        Ok(match request.sort {
            Sort::Relevance => {
                let (top, rest) = self.collect(&first, &(top.order_by_score(), pass))?;
                if rerank {
                    let top = rescore(searcher, &compiled.query, top)?;
                    (top.into_iter().skip(request.offset).collect(), rest)
                } else {
                    (top, rest)
                }
            }
            Sort::Newest | Sort::Oldest => {
                let by_date = top.order_by_fast_field::<u64>("date", date_order(request.sort));
                let (top, rest) = self.collect(&first, &(by_date, pass))?;
                let top = top.into_iter().map(|(_, address)| (0.0, address)).collect();
                (top, rest)
            }
        })
    }

    /// Plain words: when the counted matches end before the page does, the page is filled with
    /// the best partial matches, and they are counted (else `None`). Not when grouped by
    /// report or sorted by date.
    fn partial_pass(
        &self,
        searcher: &tantivy::Searcher,
        request: &SearchRequest,
        compiled: &Compiled,
        total: usize,
        page: &mut Vec<(f32, DocAddress, Option<u64>)>,
    ) -> Result<Option<u64>, QueryError> {
        let Some(partial) = &compiled.partial else {
            return Ok(None);
        };
        let end = request.offset.saturating_add(request.limit);
        if request.group_by_report || request.sort != Sort::Relevance || total >= end {
            return Ok(None);
        }
        let want = request.limit - page.len();
        let skip = request.offset.saturating_sub(total);
        let rerank = compiled.reranks();
        let top = if rerank {
            TopDocs::with_limit(rerank_window(skip, want))
        } else {
            TopDocs::with_limit(want.max(1)).and_offset(skip)
        };
        let first = partial.first_phase();
        let (top, count) = self.collect(&first, &(top.order_by_score(), Count))?;
        let top = if rerank {
            let top = rescore(searcher, partial, top)?;
            top.into_iter().skip(skip).collect()
        } else {
            top
        };
        page.extend(top.into_iter().take(want).map(|(s, a)| (s, a, None)));
        Ok(Some(count as u64))
    }

    /// The hits of a page, the first `counted` of them counted matches, the rest partial.
    fn hits(
        &self,
        searcher: &tantivy::Searcher,
        request: &SearchRequest,
        compiled: &Compiled,
        page: Vec<(f32, DocAddress, Option<u64>)>,
        counted: usize,
    ) -> Result<Vec<Hit>, QueryError> {
        let explainer = if request.explain {
            Some(Explainer::new(searcher, compiled)?)
        } else {
            None
        };
        let mut reader = HitReader::new(self);
        let mut hits = Vec::with_capacity(page.len());
        for (i, (score, address, report_matches)) in page.into_iter().enumerate() {
            let mut hit = reader.hit(address, score)?;
            hit.report_matches = report_matches;
            hit.partial = i >= counted;
            hit.snippet = snippet::to_html(&hit.fragments(&compiled.highlight));
            if let Some(explainer) = &explainer {
                let mut explain = explainer.explain(address, hit.partial)?;
                if hit.report_matches.is_some() {
                    // Reports are ordered by their best paragraph's first-phase score.
                    explain.signals.proximity = 0.0;
                }
                hit.explain = Some(explain);
            }
            hits.push(hit);
        }
        Ok(hits)
    }

    /// The page of reports (grouped): each report's best match and its number of matches, in
    /// the request's order.
    fn report_page(
        &self,
        request: &SearchRequest,
        reports: &counts::Reports,
    ) -> Vec<(f32, DocAddress, Option<u64>)> {
        let reader = HitReader::new(self);
        let mut dated: Vec<(u64, counts::ReportMatches, u64)> = reports
            .iter()
            .map(|(&id, m)| (id, *m, reader.number(m.best, Number::Date).unwrap_or(0)))
            .collect();
        dated.sort_by(|a, b| match request.sort {
            Sort::Relevance => {
                b.1.best_score
                    .total_cmp(&a.1.best_score)
                    .then_with(|| a.0.cmp(&b.0))
            }
            Sort::Newest => b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)),
            Sort::Oldest => a.2.cmp(&b.2).then_with(|| a.0.cmp(&b.0)),
        });
        dated
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|(_, m, _)| (m.best_score, m.best, Some(m.count)))
            .collect()
    }

    /// Every indexed report's metadata (as the indexer recorded it), ordered by source path.
    pub fn reports(&self) -> Result<Vec<serde_json::Value>, QueryError> {
        self.guarded(|| self.reports_unguarded())
    }

    /// The reports with a paragraph that passes `filters` (boilerplate included), as
    /// [`Searcher::reports`] lists them: the filters take the names and values a search's do
    /// (an authority by any of its names, `2018-` for the years since 2018), with the same
    /// errors.
    pub fn reports_where(&self, filters: &Filters) -> Result<Vec<serde_json::Value>, QueryError> {
        let reports = self.reports()?;
        if filters
            .by_field()
            .iter()
            .all(|(_, values)| values.is_empty())
        {
            return Ok(reports);
        }
        let request = SearchRequest {
            filters: filters.clone(),
            include_boilerplate: true,
            limit: 0,
            ..SearchRequest::default()
        };
        let compiled = self.compile(&request, &ast::Node::All(Vec::new()))?;
        let tables = self.tables()?;
        let (_, matched) = self.guarded(|| {
            Ok(self.searcher.search(
                &compiled.query.first_phase(),
                &counts::MatchCollector { tables },
            )?)
        })?;
        Ok(reports
            .into_iter()
            .filter(|r| {
                r["report_id"]
                    .as_str()
                    .and_then(|id| u64::from_str_radix(id, 16).ok())
                    .is_some_and(|key| matched.contains_key(&key))
            })
            .collect())
    }

    /// [`Searcher::reports`], unguarded.
    fn reports_unguarded(&self) -> Result<Vec<serde_json::Value>, QueryError> {
        let f = &self.fields;
        let searcher = &self.searcher;
        let query = TermQuery::new(
            Term::from_field_text(f.record, RECORD_REPORT),
            IndexRecordOption::Basic,
        );
        let n = searcher.search(&query, &Count)?;
        let top = searcher.search(&query, &TopDocs::with_limit(n.max(1)).order_by_score())?;
        let mut reports = Vec::with_capacity(n);
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let json = doc
                .get_first(f.report_json)
                .and_then(|v| v.as_str())
                .unwrap_or("{}");
            reports.push(serde_json::from_str::<serde_json::Value>(json)?);
        }
        reports.sort_by(|a, b| {
            a["source"]
                .as_str()
                .unwrap_or_default()
                .cmp(b["source"].as_str().unwrap_or_default())
        });
        Ok(reports)
    }
}

/// How many of the first phase's best proximity re-ranks for a page of `limit` after `offset`.
fn rerank_window(offset: usize, limit: usize) -> usize {
    rank::RERANK_WINDOW.max(offset.saturating_add(limit)).max(1)
}

/// `top`, the best of the first phase, with what proximity adds to their scores (the whole of
/// `query`'s score), ordered by that score (ties by address).
fn rescore(
    searcher: &tantivy::Searcher,
    query: &rank::Ranked,
    top: Vec<(f32, DocAddress)>,
) -> Result<Vec<(f32, DocAddress)>, QueryError> {
    use tantivy::query::EnableScoring;
    let weight = query.proximity_weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut by_segment: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for (i, (_, address)) in top.iter().enumerate() {
        by_segment.entry(address.segment_ord).or_default().push(i);
    }
    let mut out = top.clone();
    for (segment, mut at) in by_segment {
        at.sort_by_key(|&i| top[i].1.doc_id);
        let docs: Vec<tantivy::DocId> = at.iter().map(|&i| top[i].1.doc_id).collect();
        let bonus = weight.bonus(searcher.segment_reader(segment), &docs)?;
        for (i, bonus) in at.into_iter().zip(bonus) {
            out[i].0 += bonus;
        }
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(out)
}

/// Newest first or oldest first, as tantivy orders a fast field.
fn date_order(sort: Sort) -> tantivy::Order {
    if sort == Sort::Oldest {
        tantivy::Order::Asc
    } else {
        tantivy::Order::Desc
    }
}

/// Why a hit ranks where it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    /// What of the query the paragraph holds: "every word", "3 of 4 words" (plain words), or
    /// "the query".
    pub matched: String,
    /// Plain words the paragraph does not hold.
    pub missing: Vec<String>,
    /// The parts of the score (`rank` module): BM25, section, proximity, priors.
    #[serde(flatten)]
    pub signals: rank::Signals,
}

impl Explain {
    /// One line for a terminal: `every word; BM25 7.21 + section 0.80 + words together 3.10,
    /// x 1 (judgement) x 1.00 (64 words) = 11.11`.
    pub fn line(&self, kind: &str) -> String {
        let s = &self.signals;
        let mut line = self.matched.clone();
        if !self.missing.is_empty() {
            line.push_str(&format!(" (not: {})", self.missing.join(", ")));
        }
        line.push_str(&format!("; BM25 {:.2}", s.bm25));
        if s.section > 0.0 {
            line.push_str(&format!(" + section {:.2}", s.section));
        }
        if s.proximity > 0.0 {
            line.push_str(&format!(" + words together {:.2}", s.proximity));
        }
        line.push_str(&format!(
            ", x {} ({kind}) x {:.2} ({} words) = {:.2}",
            trim_float(s.kind_prior),
            s.length_prior,
            s.words,
            s.score()
        ));
        line
    }
}

fn trim_float(x: f32) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Explains hits: the ranked queries' weights, and the plain words' (unscored), built once per
/// request.
struct Explainer<'a> {
    searcher: &'a tantivy::Searcher,
    counted: rank::RankedWeight,
    partial: Option<rank::RankedWeight>,
    words: Vec<(String, Box<dyn tantivy::query::Weight>)>,
}

impl<'a> Explainer<'a> {
    fn new(searcher: &'a tantivy::Searcher, compiled: &Compiled) -> Result<Self, QueryError> {
        use tantivy::query::EnableScoring;
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let partial = match &compiled.partial {
            Some(query) => Some(query.ranked_weight(scoring)?),
            None => None,
        };
        let mut words = Vec::new();
        for (text, query) in &compiled.words {
            let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
            words.push((text.clone(), weight));
        }
        Ok(Explainer {
            searcher,
            counted: compiled.query.ranked_weight(scoring)?,
            partial,
            words,
        })
    }

    fn explain(&self, address: DocAddress, partial: bool) -> Result<Explain, QueryError> {
        use tantivy::DocSet;
        let reader = self.searcher.segment_reader(address.segment_ord);
        let weight = match (&self.partial, partial) {
            (Some(weight), true) => weight,
            _ => &self.counted,
        };
        let signals = weight.signals(reader, address.doc_id)?;
        let mut missing = Vec::new();
        for (text, weight) in &self.words {
            if weight.scorer(reader, 1.0)?.seek(address.doc_id) != address.doc_id {
                missing.push(text.clone());
            }
        }
        let n = self.words.len();
        let matched = match (n, missing.len()) {
            (0, _) => "the query".to_string(),
            (_, 0) => "every word".to_string(),
            (n, m) => format!("{} of {n} words", n - m),
        };
        Ok(Explain {
            matched,
            missing,
            signals,
        })
    }
}

/// Builds hits: a paragraph's own text and labels from the doc store, its report's tags and its
/// keywords from the fast fields (the index does not store what every paragraph of a report
/// shares). Columns are opened once per segment.
struct HitReader<'a> {
    fields: &'a Fields,
    searcher: &'a tantivy::Searcher,
    /// The commit's columns, opened once.
    columns: &'a columns::HitColumns,
    /// Terms of the large dictionaries read for this page.
    decoded: columns::Decoded,
    /// The reports' original addresses, by report id (`search::Names::urls`).
    urls: &'a HashMap<String, String>,
}

impl<'a> HitReader<'a> {
    fn new(searcher: &'a Searcher) -> Self {
        HitReader {
            fields: &searcher.fields,
            searcher: &searcher.searcher,
            columns: &searcher.columns,
            decoded: columns::Decoded::new(),
            urls: &searcher.names.urls,
        }
    }

    /// A keyword column's value for a document ("" if none).
    fn keyword(&mut self, address: DocAddress, keyword: Keyword) -> String {
        self.columns.keyword(address, keyword, &mut self.decoded)
    }

    /// A number column's value for a document.
    fn number(&self, address: DocAddress, number: Number) -> Option<u64> {
        self.columns.number(address, number)
    }

    fn hit(&mut self, address: DocAddress, score: f32) -> Result<Hit, QueryError> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let f = self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let paragraph_number = text(f.paragraph_number);
        let [report_id, authority, authority_code, region, report_type, inspection_end, area_canonical, grade, kind, source] =
            [
                Keyword::ReportId,
                Keyword::Authority,
                Keyword::AuthorityCode,
                Keyword::Region,
                Keyword::ReportType,
                Keyword::InspectionEnd,
                Keyword::AreaCanonical,
                Keyword::Grade,
                Keyword::Kind,
                Keyword::Source,
            ]
            .map(|keyword| self.keyword(address, keyword));
        let url = self.urls.get(&report_id).cloned();
        Ok(Hit {
            score,
            report_id,
            authority,
            authority_code,
            region,
            report_type,
            year: self.number(address, Number::Year),
            inspection_end: Some(inspection_end).filter(|d| !d.is_empty()),
            area: text(f.area),
            area_canonical,
            grade,
            grade_printed: text(f.grade_printed),
            kind,
            section: text(f.section),
            page: self.number(address, Number::Page),
            paragraph_number: (!paragraph_number.is_empty()).then_some(paragraph_number),
            ordinal: self.number(address, Number::Ordinal).unwrap_or_default(),
            text: text(f.text),
            source: SourceRef {
                path: source,
                line: doc
                    .get_first(f.line)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default(),
            },
            url,
            snippet: String::new(),
            citation: String::new(),
            reference: String::new(),
            report_matches: None,
            partial: false,
            explain: None,
        }
        .cited())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_searched_in_parallel_answer_as_one_thread_does() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let index = dir.path().join("idx");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/reports");
        let few: Vec<PathBuf> = (1..=40)
            .map(|n| corpus.join(format!("report-{n:04}.txt")))
            .filter(|p| p.exists())
            .collect();
        ofsearch_indexer::index_paths(&few, &index, &Default::default()).expect("index");
        let mut searcher = Searcher::open(&index).expect("open");
        assert!(
            searcher.searcher.segment_readers().len() > 1,
            "several segments"
        );
        let answer = |searcher: &Searcher, query: &str| {
            let response = searcher.search(query, 20).expect("search");
            let hits: Vec<(String, u64, u32)> = (response.hits.iter())
                .map(|h| (h.report_id.clone(), h.ordinal, h.score.to_bits()))
                .collect();
            (response.total, response.reports, response.facets, hits)
        };
        let queries = [
            "children",
            "\"care leavers\" grade:good",
            "drift delay permanence",
        ];
        let alone: Vec<_> = queries.iter().map(|q| answer(&searcher, q)).collect();
        searcher.parallel_from = 0;
        let parallel: Vec<_> = queries.iter().map(|q| answer(&searcher, q)).collect();
        assert_eq!(alone, parallel);
    }
}
