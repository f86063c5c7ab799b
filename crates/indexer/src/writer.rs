//! Writing the index: walk the inputs, parse reports on every core, replace each report's
//! documents (so re-indexing never duplicates), and commit once at the end, so that a failed run
//! leaves the previous index as it was.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ofsearch_schema::schema::{RECORD_PARAGRAPH, RECORD_REPORT};
use ofsearch_schema::{
    build_schema, index_settings, register_tokenizers, Fields, ReportType, SCHEMA_VERSION,
    UNFINISHED_FILE, VERSION_FILE,
};
use rayon::prelude::*;
use tantivy::collector::{Count, DocSetCollector};
use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{doc, Index, IndexWriter, TantivyDocument, Term};

use crate::authority::AuthorityTable;
use crate::error::{IndexerError, SkipReason};
use crate::pdf;
use crate::read::{self, Found};
use crate::report::{self, Parsed};
use crate::sidecar::Sidecars;

/// How to run the indexer.
pub struct IndexOptions<'a> {
    /// Threads for parsing and for tantivy's writer (at most 8 of them); 0 = one per core; at
    /// most [`MAX_THREADS`]. Default 0.
    pub threads: usize,
    /// Memory budget of tantivy's writer, in bytes, across all its threads (each gets at least
    /// 16 MiB and at most 4000 MiB). Default 256 MiB.
    pub memory_budget: usize,
    /// Called with (files done, files total) as files finish. Default: none.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

/// Most threads a run takes: far beyond any machine it serves, short of what would exhaust the
/// system's threads.
pub const MAX_THREADS: usize = 1024;

/// Most of tantivy's writer threads: its own bound (more only add segments to merge).
const MAX_WRITER_THREADS: usize = 8;

/// Least and most memory budget of one writer thread (tantivy's arena bounds, with room).
const WRITER_THREAD_BUDGET: std::ops::RangeInclusive<usize> = (16 << 20)..=(4000 << 20);

impl IndexOptions<'_> {
    /// The threads for parsing, the writer's threads and its whole memory budget, or why the
    /// options are out of range.
    fn checked(&self) -> Result<(usize, usize, usize), IndexerError> {
        if self.threads > MAX_THREADS {
            return Err(IndexerError::Setting(format!(
                "threads: {} is more than {MAX_THREADS}",
                self.threads
            )));
        }
        let threads = if self.threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.threads
        };
        let writer_threads = threads.min(MAX_WRITER_THREADS);
        let per_thread = self.memory_budget / writer_threads;
        if per_thread > *WRITER_THREAD_BUDGET.end() {
            return Err(IndexerError::Setting(format!(
                "memory budget: {} MiB is more than {} MiB per writer thread ({writer_threads} threads)",
                self.memory_budget >> 20,
                WRITER_THREAD_BUDGET.end() >> 20
            )));
        }
        let per_thread = per_thread.max(*WRITER_THREAD_BUDGET.start());
        Ok((threads, writer_threads, per_thread * writer_threads))
    }
}

impl Default for IndexOptions<'_> {
    fn default() -> Self {
        IndexOptions {
            threads: 0,
            memory_budget: 256 << 20,
            progress: None,
        }
    }
}

/// What a run did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    /// Reports indexed, by report type name.
    pub reports_by_type: BTreeMap<String, usize>,
    /// Reports indexed.
    pub reports: usize,
    /// Paragraph documents written.
    pub paragraphs: usize,
    /// Files of an unrecognised format (indexed as `unknown`).
    pub unknown: Vec<String>,
    /// Files not indexed, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Bytes of report text read.
    pub bytes: u64,
    /// Wall-clock time.
    #[serde(skip)]
    pub elapsed: Duration,
    /// Documents in the index after the run (reports and paragraphs).
    pub documents_in_index: u64,
    /// Reports removed because their files under the inputs are gone, by source.
    pub removed: Vec<String>,
}

/// Opens the index in `dir`, creating it (and the directory) if absent.
pub fn open_or_create(dir: &Path) -> Result<Index, IndexerError> {
    let io = |cause| IndexerError::Io {
        path: dir.to_path_buf(),
        cause,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let version_file = dir.join(VERSION_FILE);
    let has_meta = dir.join("meta.json").exists();
    // An unfinished first build's files are ours whatever they say (the version file may not
    // have been written yet).
    let unfinished = dir.join(UNFINISHED_FILE).exists();
    if has_meta && !unfinished {
        let version = std::fs::read_to_string(&version_file).unwrap_or_default();
        if version.trim() != SCHEMA_VERSION.to_string() {
            return Err(IndexerError::Incompatible {
                path: dir.to_path_buf(),
                detail: format!(
                    "schema version '{}', this ofsearch writes {SCHEMA_VERSION}",
                    version.trim()
                ),
            });
        }
    } else if !has_meta {
        // A new index: empty, or what an unfinished first build left.
        if !unfinished && std::fs::read_dir(dir).map_err(io)?.next().is_some() {
            return Err(IndexerError::Incompatible {
                path: dir.to_path_buf(),
                detail: "the directory is not empty and holds no index".into(),
            });
        }
        // Marked unfinished before tantivy writes anything, until its first commit.
        std::fs::write(dir.join(UNFINISHED_FILE), "").map_err(io)?;
    }
    let directory = MmapDirectory::open(dir).map_err(|e| IndexerError::Open {
        path: dir.to_path_buf(),
        cause: e.into(),
    })?;
    let index = Index::builder()
        .schema(build_schema())
        .settings(index_settings())
        .open_or_create(directory)
        .map_err(|cause| IndexerError::Open {
            path: dir.to_path_buf(),
            cause,
        })?;
    if !has_meta || unfinished {
        // Written whole or not at all (a kill mid-write must not leave it empty), and only
        // when the index is new: an existing index's version is already right.
        let partial = dir.join(format!("{VERSION_FILE}.partial"));
        std::fs::write(&partial, SCHEMA_VERSION.to_string()).map_err(io)?;
        std::fs::rename(&partial, &version_file).map_err(io)?;
    }
    register_tokenizers(&index);
    Ok(index)
}

/// Names paths as the index records them: relative to the working directory when under it,
/// else absolute; both canonical, so that two spellings of one file get one name; and
/// lossless, so that two files never get one name ([`read::path_text`]).
struct PathNames {
    /// The canonical working directory, found once per run.
    cwd: Option<PathBuf>,
}

impl PathNames {
    fn new() -> PathNames {
        PathNames {
            cwd: std::env::current_dir()
                .ok()
                .and_then(|cwd| std::fs::canonicalize(cwd).ok()),
        }
    }

    /// A recorded source as an absolute path (a relative one is read against the working
    /// directory).
    fn absolute(&self, source: &str) -> PathBuf {
        match &self.cwd {
            Some(cwd) => PathBuf::from(read::path_text(cwd)).join(source),
            None => PathBuf::from(source),
        }
    }

    /// An input as the absolute path its sources lie under, written as sources are (see
    /// [`read::path_text`]), to compare with [`PathNames::absolute`].
    fn root(&self, input: &Path) -> PathBuf {
        PathBuf::from(read::path_text(&self.resolve(input)))
    }

    /// An input as an absolute path, canonical as far as it exists (a file that is gone cannot
    /// be resolved, its folder can).
    fn resolve(&self, input: &Path) -> PathBuf {
        let mut spelled = match &self.cwd {
            Some(cwd) if input.is_relative() => cwd.clone(),
            _ => PathBuf::new(),
        };
        for part in input.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    spelled.pop();
                }
                other => spelled.push(other),
            }
        }
        // The nearest ancestor that exists, canonical (through links), with the rest after it.
        for ancestor in spelled.ancestors() {
            if let (Ok(real), Ok(rest)) = (
                std::fs::canonicalize(ancestor),
                spelled.strip_prefix(ancestor),
            ) {
                return if rest.as_os_str().is_empty() {
                    real
                } else {
                    real.join(rest)
                };
            }
        }
        spelled
    }

    fn name(&self, path: &Path) -> String {
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = self
            .cwd
            .as_deref()
            .and_then(|cwd| absolute.strip_prefix(cwd).ok());
        read::path_text(relative.unwrap_or(&absolute))
    }
}

/// One input file on its way through a run, in walk order.
enum Slot {
    /// Found by the walk, not read yet.
    Found(PathBuf),
    /// Read, decoded and hashed; its text is not kept.
    Read { path: PathBuf, id: String },
    /// Parsed and handed to the index writer: what the summary needs of it.
    Indexed(Indexed),
    /// Not indexed, and why.
    Skipped(SkipReason),
}

/// What the summary keeps of an indexed report (the report itself is not kept: a run's
/// memory is bounded by its threads and the writer's budget, not by the corpus).
struct Indexed {
    report_type: ReportType,
    paragraphs: usize,
    bytes: u64,
}

/// What one file is indexed with: the file's name as recorded, its path (for the sidecar's
/// link), its bytes (already read and checked: the report's id is their hash) and its text
/// (the bytes themselves, or what `pdf::extract` made of a PDF).
struct Input<'a> {
    source: &'a str,
    path: &'a Path,
    bytes: &'a [u8],
    text: &'a str,
}

/// The text of a report file's bytes: decoded, or extracted from a PDF.
fn report_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<Cow<'a, str>, SkipReason> {
    if read::is_pdf_path(path) {
        pdf::extract(bytes).map(Cow::Owned)
    } else {
        read::decode(bytes).map(Cow::Borrowed)
    }
}

/// Parses one file and hands its documents to the writer.
fn index_file(
    writer: &IndexWriter,
    fields: &Fields,
    input: &Input<'_>,
    authorities: &AuthorityTable,
    sidecars: &Sidecars,
) -> Result<Slot, IndexerError> {
    let Input {
        source,
        path,
        bytes,
        text,
    } = *input;
    // A parser bug on one file must not end the run and lose the rest: it is skipped and
    // reported like any other file that could not be indexed.
    let mut parsed =
        match std::panic::catch_unwind(|| report::parse(text, source, bytes, authorities)) {
            Ok(parsed) => parsed,
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                return Ok(Slot::Skipped(SkipReason::ParserFailed(message)));
            }
        };
    parsed.report.url = sidecars.url_for(path);
    write_report(writer, fields, &parsed)?;
    Ok(Slot::Indexed(Indexed {
        report_type: parsed.report.report_type,
        paragraphs: parsed.paragraphs.len(),
        bytes: bytes.len() as u64,
    }))
}

/// Reads a file (at most `read::MAX_FILE_BYTES`) and checks it can be a report (text that
/// decodes; a PDF by its header), or says why it is skipped.
fn read_file(path: &Path) -> Result<Vec<u8>, SkipReason> {
    let unreadable = |e: std::io::Error| SkipReason::Unreadable(e.to_string());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > read::MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge(size));
    }
    // Bounded even if the file grows while it is read.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, read::MAX_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(unreadable)?;
    if bytes.len() as u64 > read::MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge(bytes.len() as u64));
    }
    if read::is_pdf_path(path) {
        if !pdf::is_pdf(&bytes) {
            return Err(SkipReason::NotPdf);
        }
    } else {
        read::decode(&bytes)?;
    }
    Ok(bytes)
}

/// Indexes every `.txt` and `.md` report under `inputs` into the index at `index_dir`.
///
/// A run hashes every file first (in parallel, keeping only the hash), then decides duplicates
/// in walk order, so that of two byte-identical files the first by path is indexed, the same on
/// every run; then it reads each file again, parses and writes in parallel. Memory is bounded
/// by the threads (one report each) and the writer's budget, whatever the size of the corpus.
/// Reports indexed earlier whose files under an input are gone (deleted, renamed away) are
/// removed in the same commit.
pub fn index_paths(
    inputs: &[PathBuf],
    index_dir: &Path,
    options: &IndexOptions<'_>,
) -> Result<Summary, IndexerError> {
    if inputs.is_empty() {
        return Err(IndexerError::NoInputs);
    }
    let started = Instant::now();
    let (threads, writer_threads, budget) = options.checked()?;
    let index = open_or_create(index_dir)?;
    let fields = index_fields(&index, index_dir)?;
    let writer: IndexWriter = index.writer_with_num_threads(writer_threads, budget)?;
    // What an earlier run that was killed or failed left is deleted before this one writes.
    writer.garbage_collect_files().wait()?;
    let names = PathNames::new();
    let mut slots = walk(inputs, &names);
    let total = slots
        .iter()
        .filter(|(_, slot)| matches!(slot, Slot::Found(_)))
        .count();
    let removed = gone(&index, &fields, inputs, &slots, &names)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| IndexerError::Io {
            path: index_dir.to_path_buf(),
            cause: std::io::Error::other(e),
        })?;
    pool.install(|| hash_all(&mut slots));
    mark_duplicates(&mut slots);
    let written = pool
        .install(|| write_all(&writer, &fields, &mut slots, total, options))
        .map(|()| {
            // A copy's own earlier report (of what the file held before) goes, as do the
            // reports whose files are gone.
            let copies = slots.iter().filter_map(|(source, slot)| {
                matches!(slot, Slot::Skipped(SkipReason::Duplicate(_))).then_some(source)
            });
            for source in removed.iter().chain(copies) {
                writer.delete_term(Term::from_field_text(fields.source, source));
            }
        });
    let mut summary = summarise(slots);
    summary.removed = removed;
    summary.documents_in_index = commit(&index, writer, written, index_dir)?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The fields of an opened index, or why it is not one of ours.
fn index_fields(index: &Index, index_dir: &Path) -> Result<Fields, IndexerError> {
    Fields::new(&index.schema()).map_err(|e| IndexerError::Incompatible {
        path: index_dir.to_path_buf(),
        detail: e.to_string(),
    })
}

/// Walks the inputs, naming each path once: a file reached twice (overlapping inputs) is one
/// file.
fn walk(inputs: &[PathBuf], names: &PathNames) -> Vec<(String, Slot)> {
    let mut seen = HashSet::new();
    let mut slots = Vec::new();
    for found in read::walk(inputs) {
        let (path, slot) = match found {
            Found::File(path) => (path.clone(), Slot::Found(path)),
            Found::Skipped(path, reason) => (path, Slot::Skipped(reason)),
        };
        let source = names.name(&path);
        if seen.insert(source.clone()) {
            slots.push((source, slot));
        }
    }
    slots
}

/// Reads, decodes and hashes every file found, in parallel (on the current rayon pool).
fn hash_all(slots: &mut [(String, Slot)]) {
    slots.par_iter_mut().for_each(|(_, slot)| {
        if let Slot::Found(path) = slot {
            *slot = match read_file(path) {
                Err(reason) => Slot::Skipped(reason),
                Ok(bytes) => Slot::Read {
                    path: std::mem::take(path),
                    id: report::content_id(&bytes),
                },
            };
        }
    });
}

/// Skips every file whose bytes an earlier file in walk order has.
fn mark_duplicates(slots: &mut [(String, Slot)]) {
    let mut first_of: HashMap<String, String> = HashMap::new();
    for (source, slot) in slots {
        if let Slot::Read { id, .. } = slot {
            if let Some(first) = first_of.get(id.as_str()) {
                *slot = Slot::Skipped(SkipReason::Duplicate(first.clone()));
            } else {
                first_of.insert(id.clone(), source.clone());
            }
        }
    }
}

/// Reads each file again, parses it and hands its documents to the writer, in parallel (on
/// the current rayon pool), saying how many of the `total` files found are done.
fn write_all(
    writer: &IndexWriter,
    fields: &Fields,
    slots: &mut [(String, Slot)],
    total: usize,
    options: &IndexOptions<'_>,
) -> Result<(), IndexerError> {
    let authorities = AuthorityTable::bundled();
    let sidecars = Sidecars::default();
    let to_parse = slots
        .iter()
        .filter(|(_, slot)| matches!(slot, Slot::Read { .. }))
        .count();
    let done = AtomicUsize::new(total - to_parse);
    if let Some(progress) = options.progress {
        progress(total - to_parse, total);
    }
    slots
        .par_iter_mut()
        .try_for_each(|(source, slot)| -> Result<(), IndexerError> {
            if let Slot::Read { path, .. } = slot {
                // A file changed since it was hashed is indexed as it is now.
                *slot = match read_file(path) {
                    Err(reason) => Slot::Skipped(reason),
                    Ok(bytes) => match report_text(path, &bytes) {
                        Err(reason) => Slot::Skipped(reason),
                        Ok(text) => {
                            let input = Input {
                                source,
                                path,
                                bytes: &bytes,
                                text: &text,
                            };
                            index_file(writer, fields, &input, authorities, &sidecars)?
                        }
                    },
                };
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(progress) = options.progress {
                    progress(n, total);
                }
            }
            Ok(())
        })
}

/// What the run did, from its slots.
fn summarise(slots: Vec<(String, Slot)>) -> Summary {
    let mut summary = Summary::default();
    for (source, slot) in slots {
        match slot {
            Slot::Skipped(reason) => summary.skipped.push((source, reason.to_string())),
            Slot::Indexed(indexed) => {
                *summary
                    .reports_by_type
                    .entry(indexed.report_type.as_str().to_string())
                    .or_default() += 1;
                summary.reports += 1;
                summary.paragraphs += indexed.paragraphs;
                summary.bytes += indexed.bytes;
                if indexed.report_type == ReportType::Unknown {
                    summary.unknown.push(source);
                }
            }
            Slot::Found(_) | Slot::Read { .. } => {}
        }
    }
    summary
}

/// Commits the writer's work if `written` went well, marks the index finished and readable,
/// and counts its documents. A run that fails before its commit is abandoned: its files are
/// deleted (a disk that filled up is freed) and the index stays at its last commit.
fn commit(
    index: &Index,
    mut writer: IndexWriter,
    written: Result<(), IndexerError>,
    index_dir: &Path,
) -> Result<u64, IndexerError> {
    if let Err(error) = written.and_then(|()| writer.commit().map(drop).map_err(Into::into)) {
        drop(writer);
        // Before the failed run's files are deleted: with them the disk is still as full as
        // when it failed.
        let error = worded(error, index_dir);
        collect_garbage(index);
        return Err(error);
    }
    finished(index_dir)?;
    let merged = writer.wait_merging_threads();
    if merged.is_err() {
        // A merge that failed (out of space) left its files: the commit stands without it.
        collect_garbage(index);
    }
    share(index_dir)?;
    merged.map_err(IndexerError::Merge)?;
    let reader = index.reader()?;
    reader.reload()?;
    Ok(reader.searcher().num_docs())
}

/// `error`, with the operating system's reason when tantivy lost it: a writer thread that
/// failed (a full disk, a quota, a file size limit) is reported as "an index writer was
/// killed", so a probe file is written where the index is, and what stops it is the cause.
fn worded(error: IndexerError, index_dir: &Path) -> IndexerError {
    if !matches!(
        error,
        IndexerError::Tantivy(tantivy::TantivyError::ErrorInThread(_))
    ) {
        return error;
    }
    let probe = index_dir.join(".ofsearch-write-probe");
    let written = std::fs::File::create(&probe).and_then(|mut file| {
        use std::io::Write;
        file.write_all(&[0; 1 << 20])?;
        file.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    match written {
        Err(cause) => IndexerError::Write {
            path: index_dir.to_path_buf(),
            cause,
        },
        Ok(()) => error,
    }
}

/// Deletes the files of the index that its last commit does not use: what a failed, killed or
/// interrupted run left. Best effort: a failure here leaves them for the next run, which
/// collects them first.
fn collect_garbage(index: &Index) {
    if let Ok(writer) = index.writer_with_num_threads::<TantivyDocument>(1, 16 << 20) {
        let _ = writer.garbage_collect_files().wait();
    }
}

/// The sources of the reports in the index whose files under one of `inputs` are gone: not
/// found by this run's walk as report files. A file still there but unreadable keeps its
/// report (it was found), as does one under a path the walk could not read; a source recorded
/// relative to another working directory is not under these inputs and is left alone.
fn gone(
    index: &Index,
    fields: &Fields,
    inputs: &[PathBuf],
    slots: &[(String, Slot)],
    names: &PathNames,
) -> Result<Vec<String>, IndexerError> {
    let roots: Vec<PathBuf> = inputs.iter().map(|input| names.root(input)).collect();
    let found: HashSet<PathBuf> = slots
        .iter()
        .filter(|(_, slot)| matches!(slot, Slot::Found(_)))
        .map(|(source, _)| names.absolute(source))
        .collect();
    // What the walk could not read (a folder it may not enter, a link to a mount that is
    // down) is not known to be gone.
    let unwalked: Vec<PathBuf> = slots
        .iter()
        .filter(|(_, slot)| matches!(slot, Slot::Skipped(SkipReason::Unreadable(_))))
        .map(|(source, _)| names.absolute(source))
        .collect();
    let searcher = index.reader()?.searcher();
    indexed_sources(&searcher, fields, |source| {
        let path = names.absolute(source);
        roots.iter().any(|root| path.starts_with(root))
            && !found.contains(&path)
            && !unwalked.iter().any(|dark| path.starts_with(dark))
    })
}

/// The source of every report the commit holds (live documents only) that `wanted` keeps,
/// sorted.
fn indexed_sources(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<String>, IndexerError> {
    let mut sources = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let terms = segment.inverted_index(fields.source)?;
        let mut stream = terms
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let source = String::from_utf8_lossy(stream.key());
            if wanted(&source) {
                sources.insert(source.into_owned());
            }
        }
    }
    // A term dictionary keeps the terms of deleted documents until a merge: only the wanted
    // ones are looked up (not one query per report of the index on every run).
    let mut live = Vec::with_capacity(sources.len());
    for source in sources {
        let query = TermQuery::new(
            Term::from_field_text(fields.source, &source),
            IndexRecordOption::Basic,
        );
        if searcher.search(&query, &Count)? > 0 {
            live.push(source);
        }
    }
    Ok(live)
}

/// The sources of the live documents of report `id` (one, unless the index is damaged).
fn sources_of_id(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    id: &str,
) -> Result<HashSet<String>, IndexerError> {
    let query = TermQuery::new(
        Term::from_field_text(fields.report_id, id),
        IndexRecordOption::Basic,
    );
    let mut sources = HashSet::new();
    for address in searcher.search(&query, &DocSetCollector)? {
        let segment = searcher.segment_reader(address.segment_ord);
        let name = searcher.schema().get_field_name(fields.source);
        let Some(column) = segment.fast_fields().str(name)? else {
            continue;
        };
        for ord in column.term_ords(address.doc_id) {
            let mut source = String::new();
            column
                .ord_to_str(ord, &mut source)
                .map_err(tantivy::TantivyError::from)?;
            sources.insert(source);
        }
    }
    Ok(sources)
}

/// What [`remove`] did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Removal {
    /// The sources of the reports removed, sorted.
    pub removed: Vec<String>,
    /// Documents in the index after the removal (reports and paragraphs).
    pub documents_in_index: u64,
}

/// Removes reports from the index at `index_dir`, each target being a report id, the path of
/// an indexed file (whether or not it still exists) or a folder (every report under it). All
/// or nothing: a target the index does not hold is an error and nothing is removed.
pub fn remove(targets: &[String], index_dir: &Path) -> Result<Removal, IndexerError> {
    if index_dir.join(UNFINISHED_FILE).exists() {
        // Committing here would make a partial build look finished.
        return Err(IndexerError::Unfinished(index_dir.to_path_buf()));
    }
    if !index_dir.join("meta.json").exists() {
        return Err(IndexerError::NoIndex(index_dir.to_path_buf()));
    }
    let index = open_or_create(index_dir)?;
    let fields = index_fields(&index, index_dir)?;
    let names = PathNames::new();
    let searcher = index.reader()?.searcher();
    let roots: Vec<PathBuf> = targets.iter().map(|t| names.root(Path::new(t))).collect();
    let sources = indexed_sources(&searcher, &fields, |source| {
        let path = names.absolute(source);
        roots.iter().any(|root| path.starts_with(root))
    })?;
    let mut chosen = std::collections::BTreeSet::new();
    let mut unknown = Vec::new();
    for (target, root) in targets.iter().zip(&roots) {
        let mut matched = false;
        for source in &sources {
            if names.absolute(source).starts_with(root) {
                chosen.insert(source.clone());
                matched = true;
            }
        }
        let of_id = sources_of_id(&searcher, &fields, target)?;
        if !matched && of_id.is_empty() {
            unknown.push(target.clone());
        }
        chosen.extend(of_id);
    }
    if !unknown.is_empty() {
        return Err(IndexerError::NotIndexed(unknown));
    }
    let writer: IndexWriter = index.writer_with_num_threads(1, 16 << 20)?;
    for source in &chosen {
        writer.delete_term(Term::from_field_text(fields.source, source));
    }
    let documents_in_index = commit(&index, writer, Ok(()), index_dir)?;
    Ok(Removal {
        removed: chosen.into_iter().collect(),
        documents_in_index,
    })
}

/// The index has a commit: it is no longer unfinished.
fn finished(index_dir: &Path) -> Result<(), IndexerError> {
    let marker = index_dir.join(UNFINISHED_FILE);
    match std::fs::remove_file(&marker) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(IndexerError::Io {
            path: marker,
            cause: e,
        }),
        _ => Ok(()),
    }
}

/// Makes every file of the index as readable as the umask lets a new file be: tantivy writes
/// `meta.json` and `.managed.json` through temporary files, created 0600, which would keep an
/// index from anyone but the user who built it.
#[cfg(unix)]
fn share(index_dir: &Path) -> Result<(), IndexerError> {
    use std::os::unix::fs::PermissionsExt;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| IndexerError::Io { path, cause }
    };
    // What the umask lets a new file be, read off a file made for the purpose.
    let probe = index_dir.join(".ofsearch-umask-probe");
    std::fs::File::create(&probe).map_err(io(&probe))?;
    let allowed = std::fs::metadata(&probe)
        .map_err(io(&probe))?
        .permissions()
        .mode()
        & 0o444;
    std::fs::remove_file(&probe).map_err(io(&probe))?;
    for entry in std::fs::read_dir(index_dir).map_err(io(index_dir))? {
        let path = entry.map_err(io(index_dir))?.path();
        let mut permissions = std::fs::metadata(&path).map_err(io(&path))?.permissions();
        let mode = permissions.mode();
        if path.is_file() && mode & allowed != allowed {
            permissions.set_mode(mode | allowed);
            std::fs::set_permissions(&path, permissions).map_err(io(&path))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn share(_index_dir: &Path) -> Result<(), IndexerError> {
    Ok(())
}

/// Replaces one report's documents in the index.
fn write_report(writer: &IndexWriter, f: &Fields, parsed: &Parsed) -> Result<(), IndexerError> {
    let r = &parsed.report;
    writer.delete_term(Term::from_field_text(f.report_id, &r.report_id));
    writer.delete_term(Term::from_field_text(f.source, &r.source));
    for doc in documents(f, parsed) {
        writer.add_document(doc)?;
    }
    Ok(())
}

/// The documents of one parsed report, as the index holds them: one `report` record, then one
/// `paragraph` record per paragraph with the report's tags denormalised onto it. Public so that
/// benchmarks write exactly what the indexer writes.
pub fn documents(f: &Fields, parsed: &Parsed) -> Vec<TantivyDocument> {
    let r = &parsed.report;
    let authority = r.authority.as_deref().unwrap_or("unknown");
    let year = r.year.and_then(|y| u64::try_from(y).ok());
    let key_date = r
        .inspection_end
        .or(r.letter_date)
        .or(r.published)
        .and_then(|d| {
            u64::try_from(d.year)
                .ok()
                .map(|y| y * 10_000 + u64::from(d.month) * 100 + u64::from(d.day))
        });
    let date = |d: Option<crate::date::Date>| d.map(|d| d.to_string()).unwrap_or_default();

    let mut report_doc = doc!(
        f.record => RECORD_REPORT,
        f.report_id => r.report_id.as_str(),
        f.source => r.source.as_str(),
        f.authority => authority,
        f.report_type => r.report_type.as_str(),
        f.edition => r.framework.as_deref().unwrap_or(""),
        f.url => r.url.as_deref().unwrap_or(""),
        f.report_json => serde_json::to_string(r).unwrap_or_default(),
    );
    if let Some(year) = year {
        report_doc.add_u64(f.year, year);
    }
    if let Some(key_date) = key_date {
        report_doc.add_u64(f.date, key_date);
    }
    let mut docs = Vec::with_capacity(parsed.paragraphs.len() + 1);
    docs.push(report_doc);

    for p in &parsed.paragraphs {
        let mut d = TantivyDocument::default();
        d.add_text(f.record, RECORD_PARAGRAPH);
        d.add_text(f.report_id, &r.report_id);
        d.add_text(f.source, &r.source);
        d.add_u64(f.line, u64::from(p.line));
        d.add_u64(f.ordinal, u64::from(p.ordinal));
        if let Some(n) = &p.number {
            d.add_text(f.paragraph_number, n);
        }
        if let Some(page) = p.page {
            d.add_u64(f.page, u64::from(page));
        }
        d.add_text(f.authority, authority);
        d.add_text(f.authority_code, r.authority_code.as_deref().unwrap_or(""));
        d.add_text(f.region, r.region.as_deref().unwrap_or(""));
        if let Some(year) = year {
            d.add_u64(f.year, year);
        }
        if let Some(key_date) = key_date {
            d.add_u64(f.date, key_date);
        }
        d.add_text(f.report_type, r.report_type.as_str());
        d.add_text(f.inspection_end, date(r.inspection_end));
        d.add_text(f.area, &p.area);
        d.add_text(f.area_canonical, p.area_canonical.as_str());
        d.add_text(f.grade, p.grade.as_str());
        d.add_text(f.grade_printed, &p.grade_printed);
        d.add_u64(f.grade_rank, p.grade.rank());
        d.add_text(f.kind, p.kind.as_str());
        d.add_text(f.section, p.section.join(" > "));
        d.add_text(f.text, &p.text);
        d.add_text(f.text_exact, &p.text);
        docs.push(d);
    }
    docs
}
