//! Verifying an index: [`check`] (`ofsearch check`), and what a [`crate::Searcher`] verifies
//! before it answers from a commit ([`Verify`]).
//!
//! tantivy ends every segment file (postings `.idx`, positions `.pos`, term dictionary
//! `.term`, stored text `.store`, fast fields `.fast`, field norms `.fieldnorm`, deletions
//! `.N.del`) with a footer holding a CRC32 of its bytes, and does not compare it as it reads.
//! Bytes overwritten in a segment file (a disk fault, anything writing into the index) make a
//! search panic, abort on an impossible allocation, loop, or answer differently without a word
//! (measured by overwriting bytes in each kind of file). Comparing a checksum means reading the
//! file whole: 80-140 ms per GB of index on two cores with the files in memory, a read of the
//! whole index from a cold disk, where a search reads a few MB. So:
//! - [`check`] verifies everything: the index is there and finished, its version and schema
//!   are this ofsearch's, `meta.json` parses, every file of the commit is there with its
//!   checksum, and every segment opens with the documents `meta.json` gives it.
//! - A searcher verifies, as it opens a commit, that every file of it is there and the
//!   checksums of the files that every lookup, filter, facet and score reads through
//!   ([`Verify::Structure`]: term dictionaries, fast fields, field norms, deletions: about 4%
//!   of an index), or of every file ([`Verify::Everything`], for a long-running server); each
//!   file once. When reading the rest fails (an error or a panic), it verifies every file then,
//!   so that the error names the damage.
//!
//! tantivy's own `Index::validate_checksum` is not used: it skips files that `.managed.json`
//! does not list, fails as a whole at the first missing file or unreadable footer, and names
//! neither; here each file is verified apart and its fault named.

use std::collections::HashSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use ofsearch_schema::{build_schema, SCHEMA_VERSION, UNFINISHED_FILE, VERSION_FILE};
use tantivy::directory::error::OpenReadError;
use tantivy::index::SegmentId;
use tantivy::schema::{FieldEntry, Schema};
use tantivy::{Index, Opstamp, SegmentReader};

use crate::directory::ReadDirectory;
use crate::{guard, QueryError};

/// How much of a commit a [`crate::Searcher`] verifies by checksum before it answers from it
/// (see the module doc). Either way every file of the commit must be there, and a failure
/// while reading is answered as damage when a checksum tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// Term dictionaries, fast fields, field norms and deletions: what every lookup, filter,
    /// facet and score reads through (about 4% of an index; 7 ms at 1 GB). Postings, positions
    /// and stored text are verified when reading them fails.
    #[default]
    Structure,
    /// Every file (80-140 ms per GB on two cores): for a long-running server, which verifies
    /// each segment once.
    Everything,
}

/// The files tantivy writes for every segment (its built-in components); ofsearch adds none.
const SEGMENT_EXTENSIONS: [&str; 6] = ["idx", "pos", "term", "store", "fast", "fieldnorm"];

/// The files [`Verify::Structure`] verifies.
const STRUCTURE_EXTENSIONS: [&str; 4] = ["term", "fast", "fieldnorm", "del"];

impl Verify {
    /// Whether the checksum of `file` is verified at this level.
    pub(crate) fn covers(self, file: &Path) -> bool {
        match self {
            Verify::Everything => true,
            Verify::Structure => file
                .extension()
                .and_then(|ext| ext.to_str())
                .is_some_and(|ext| STRUCTURE_EXTENSIONS.contains(&ext)),
        }
    }
}

/// The files of a segment, as tantivy names them (`SegmentMeta::relative_path`):
/// `{uuid}.{ext}`, and `{uuid}.{opstamp}.del` when it has deletions.
pub(crate) fn segment_files(id: SegmentId, deletes: Option<Opstamp>) -> Vec<PathBuf> {
    let uuid = id.uuid_string();
    let mut files: Vec<PathBuf> = SEGMENT_EXTENSIONS
        .iter()
        .map(|ext| PathBuf::from(format!("{uuid}.{ext}")))
        .collect();
    if let Some(opstamp) = deletes {
        files.push(PathBuf::from(format!("{uuid}.{opstamp}.del")));
    }
    files
}

/// What is wrong with one file of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// `meta.json` lists it; it is not there.
    Missing,
    /// Its bytes do not match the checksum in its footer.
    Checksum,
    /// Its footer, which holds the checksum, cannot be read.
    Footer,
    /// It cannot be read at all (the system's reason).
    Unreadable(String),
}

impl Fault {
    /// `file` and what is wrong with it, in a few words.
    pub(crate) fn describe(&self, file: &Path) -> String {
        let file = file.display();
        match self {
            Fault::Missing => format!("{file} is missing"),
            Fault::Checksum => format!("{file} fails its checksum"),
            Fault::Footer => format!("{file} fails its checksum (its footer is unreadable)"),
            Fault::Unreadable(reason) => format!("{file} cannot be read: {reason}"),
        }
    }
}

/// The error of a commit with these faults (the first named, the rest counted).
pub(crate) fn damaged(dir: &Path, faults: &[(PathBuf, Fault)]) -> Option<QueryError> {
    let (file, fault) = faults.first()?;
    let mut detail = fault.describe(file);
    match faults.len() - 1 {
        0 => {}
        1 => detail.push_str(", and 1 more file"),
        more => detail.push_str(&format!(", and {more} more files")),
    }
    Some(QueryError::Damaged {
        path: dir.to_path_buf(),
        detail,
    })
}

/// Verifies `files` of the index in `dir`: each must be there; those `checksummed` picks are
/// read whole and compared with their checksum, on every core, largest first. The number
/// compared, and the faults found, by file name.
pub(crate) fn verify_files(
    index: &Index,
    dir: &Path,
    files: &[PathBuf],
    checksummed: impl Fn(&Path) -> bool,
) -> (usize, Vec<(PathBuf, Fault)>) {
    let mut faults = Vec::new();
    let mut todo: Vec<(u64, &PathBuf)> = Vec::new();
    for file in files {
        match std::fs::metadata(dir.join(file)) {
            Ok(meta) if checksummed(file) => todo.push((meta.len(), file)),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                faults.push((file.clone(), Fault::Missing))
            }
            Err(e) => faults.push((file.clone(), Fault::Unreadable(e.to_string()))),
        }
    }
    todo.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let found = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some((_, file)) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
            if let Some(fault) = verify_file(index, file) {
                found
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(((*file).clone(), fault));
            }
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(todo.len());
    std::thread::scope(|scope| {
        for n in 1..threads {
            // A thread that cannot start leaves its share to the others.
            let _ = std::thread::Builder::new()
                .name(format!("{}{n}", guard::VERIFY_THREADS))
                .spawn_scoped(scope, work);
        }
        work();
    });
    faults.extend(found.into_inner().unwrap_or_else(PoisonError::into_inner));
    faults.sort_by(|a, b| a.0.cmp(&b.0));
    (todo.len(), faults)
}

/// Compares one file with its checksum.
fn verify_file(index: &Index, file: &Path) -> Option<Fault> {
    match index.directory().validate_checksum(file) {
        Ok(true) => None,
        Ok(false) => Some(Fault::Checksum),
        Err(OpenReadError::FileDoesNotExist(_)) => Some(Fault::Missing),
        Err(OpenReadError::IoError { io_error, .. })
            if matches!(
                io_error.kind(),
                io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
            ) =>
        {
            Some(Fault::Footer)
        }
        Err(OpenReadError::IoError { io_error, .. }) => {
            Some(Fault::Unreadable(io_error.to_string()))
        }
        Err(e) => Some(Fault::Unreadable(e.to_string())),
    }
}

/// One thing wrong with an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file it is about, relative to the index directory, if it is about one.
    pub file: Option<PathBuf>,
    /// What is wrong, as a sentence naming the file.
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The index directory.
    pub dir: PathBuf,
    /// Segments of the last commit.
    pub segments: usize,
    /// Documents of the last commit (paragraphs and report records, deleted ones excluded), as
    /// `meta.json` counts them.
    pub documents: u64,
    /// Files whose checksum was compared.
    pub files_checked: usize,
    /// The last indexing run of a new index did not finish: it has no commit.
    pub unfinished: bool,
    /// What is wrong, if anything.
    pub problems: Vec<Problem>,
}

impl CheckReport {
    /// Whether nothing is wrong.
    pub fn is_healthy(&self) -> bool {
        self.problems.is_empty()
    }

    /// What to do about the problems ("" if there are none).
    pub fn advice(&self) -> String {
        let dir = self.dir.display();
        if self.is_healthy() {
            String::new()
        } else if self.unfinished {
            format!(
                "Index the reports' files or folders again: `ofsearch index --index {dir} \
                 PATH...` finishes the build."
            )
        } else {
            format!(
                "An index cannot be repaired in place: remove {dir} and build it again from the \
                 reports' files or folders (the index holds nothing they do not): `ofsearch index \
                 --index {dir} PATH...` (without PATH, the bundled corpus/)."
            )
        }
    }

    fn problem(&mut self, file: Option<&Path>, what: String) {
        self.problems.push(Problem {
            file: file.map(Path::to_path_buf),
            what,
        });
    }
}

/// Checks the index in `dir` (see the module doc), reading it only. Its problems are in the
/// report; an error means it could not be checked (no index there, an unreadable directory).
pub fn check(dir: &Path) -> Result<CheckReport, QueryError> {
    let mut report = CheckReport {
        dir: dir.to_path_buf(),
        segments: 0,
        documents: 0,
        files_checked: 0,
        unfinished: false,
        problems: Vec::new(),
    };
    let there = |name: &str| dir.join(name).exists();
    if there(UNFINISHED_FILE) {
        report.unfinished = true;
        report.problem(
            Some(Path::new(UNFINISHED_FILE)),
            format!(
                "The last indexing run did not finish ({UNFINISHED_FILE} is there): the index \
                 has no commit to search."
            ),
        );
        return Ok(report);
    }
    let meta_json = Path::new("meta.json");
    if !there("meta.json") {
        if !there(VERSION_FILE) && !there(".managed.json") {
            return Err(QueryError::NoIndex(dir.to_path_buf()));
        }
        report.problem(
            Some(meta_json),
            "meta.json, the list of the index's segments, is missing.".to_string(),
        );
        return Ok(report);
    }
    let version = Path::new(VERSION_FILE);
    let same_version = match std::fs::read_to_string(dir.join(VERSION_FILE)) {
        Ok(found) if found.trim() == SCHEMA_VERSION.to_string() => true,
        Ok(found) => {
            report.problem(
                Some(version),
                format!(
                    "{VERSION_FILE} says '{}': this ofsearch reads version {SCHEMA_VERSION}.",
                    found.trim()
                ),
            );
            false
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            report.problem(
                Some(version),
                format!("{VERSION_FILE}, which ofsearch writes beside every index, is missing."),
            );
            false
        }
        Err(e) => {
            report.problem(
                Some(version),
                format!("{VERSION_FILE} cannot be read: {e}."),
            );
            false
        }
    };
    let text = match std::fs::read_to_string(dir.join(meta_json)) {
        Ok(text) => text,
        Err(e) => {
            report.problem(Some(meta_json), format!("meta.json cannot be read: {e}."));
            return Ok(report);
        }
    };
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
        report.problem(Some(meta_json), format!("meta.json does not parse: {e}."));
        return Ok(report);
    }
    let index = match Index::open(ReadDirectory::open(dir)?) {
        Ok(index) => index,
        Err(e) => {
            report.problem(None, format!("The index cannot be opened: {e}."));
            return Ok(report);
        }
    };
    if same_version {
        schema_problems(&mut report, &index.schema());
    }
    let metas = match index.load_metas() {
        Ok(metas) => metas,
        Err(e) => {
            report.problem(Some(meta_json), format!("meta.json cannot be read: {e}."));
            return Ok(report);
        }
    };
    report.segments = metas.segments.len();
    report.documents = metas.segments.iter().map(|s| u64::from(s.num_docs())).sum();
    let mut files = Vec::new();
    for segment in &metas.segments {
        files.extend(segment_files(segment.id(), segment.delete_opstamp()));
        let uuid = segment.id().uuid_string();
        for ext in &metas.persisted_custom_extensions {
            files.push(PathBuf::from(format!("{uuid}.{ext}")));
        }
    }
    let (checked, faults) = guard::catching(|| verify_files(&index, dir, &files, |_| true))
        .map_err(|panic| QueryError::Internal(format!("verifying checksums panicked: {panic}")))?;
    report.files_checked = checked;
    let mut damaged_segments = HashSet::new();
    for (file, fault) in &faults {
        let name = file.to_string_lossy();
        damaged_segments.insert(name.split('.').next().unwrap_or_default().to_string());
        let consequence = match fault {
            Fault::Missing => "meta.json lists it in the last commit",
            Fault::Checksum | Fault::Footer => {
                "its bytes are not those ofsearch wrote (a disk fault, or something that wrote \
                 into the index)"
            }
            Fault::Unreadable(_) => "ofsearch cannot search it",
        };
        report.problem(
            Some(file),
            format!("{}: {consequence}.", fault.describe(file)),
        );
    }
    segment_problems(&mut report, &index, &damaged_segments);
    Ok(report)
}

/// Each segment whose files are whole opens, with the documents `meta.json` gives it.
fn segment_problems(report: &mut CheckReport, index: &Index, damaged: &HashSet<String>) {
    let segments = match index.searchable_segments() {
        Ok(segments) => segments,
        Err(e) => {
            report.problem(
                Some(Path::new("meta.json")),
                format!("meta.json cannot be read: {e}."),
            );
            return;
        }
    };
    for segment in segments {
        let uuid = segment.id().uuid_string();
        if damaged.contains(&uuid) {
            continue;
        }
        let meta = segment.meta();
        match guard::catching(|| SegmentReader::open(&segment)) {
            Ok(Ok(reader)) => {
                if reader.num_docs() != meta.num_docs() || reader.max_doc() != meta.max_doc() {
                    report.problem(
                        None,
                        format!(
                            "Segment {uuid} holds {} documents of {}; meta.json says {} of {}.",
                            reader.num_docs(),
                            reader.max_doc(),
                            meta.num_docs(),
                            meta.max_doc()
                        ),
                    );
                }
            }
            Ok(Err(e)) => report.problem(None, format!("Segment {uuid} cannot be opened: {e}.")),
            Err(panic) => {
                report.problem(None, format!("Segment {uuid} cannot be opened: {panic}."));
            }
        }
    }
}

/// Where the index's schema differs from the one this ofsearch writes, field by field.
fn schema_problems(report: &mut CheckReport, found: &Schema) {
    let ours = build_schema();
    let meta_json = Path::new("meta.json");
    for (_, entry) in ours.fields() {
        let name = entry.name();
        match found.get_field(name) {
            Err(_) => report.problem(
                Some(meta_json),
                format!("The index's schema has no field `{name}`, which this ofsearch writes."),
            ),
            Ok(field) => {
                let theirs = found.get_field_entry(field);
                if theirs != entry {
                    report.problem(
                        Some(meta_json),
                        format!(
                            "The index's schema defines the field `{name}` otherwise than this \
                             ofsearch does ({}).",
                            difference(theirs, entry)
                        ),
                    );
                }
            }
        }
    }
    for (_, entry) in found.fields() {
        if ours.get_field(entry.name()).is_err() {
            report.problem(
                Some(meta_json),
                format!(
                    "The index's schema has a field `{}`, which this ofsearch does not write.",
                    entry.name()
                ),
            );
        }
    }
}

/// How two definitions of a field differ, in a few words.
fn difference(found: &FieldEntry, ours: &FieldEntry) -> String {
    let (a, b) = (found.field_type(), ours.field_type());
    if a.value_type() != b.value_type() {
        return format!("{:?} values, not {:?}", a.value_type(), b.value_type());
    }
    let mut what = Vec::new();
    if found.is_indexed() != ours.is_indexed() {
        what.push("indexing");
    }
    if found.is_stored() != ours.is_stored() {
        what.push("storing");
    }
    if found.is_fast() != ours.is_fast() {
        what.push("fast column");
    }
    if what.is_empty() {
        what.push("options");
    }
    format!("{} differ", what.join(", "))
}
