//! The indexer's errors: why a file was skipped (reported, never fatal), and what stops a run.

use std::path::PathBuf;

use ofsearch_schema::words::{is_out_of_space, tantivy_error};

/// Why one input file was not indexed. The run goes on; the summary lists these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    /// The file is empty or only whitespace.
    #[error("empty file")]
    Empty,
    /// The file holds binary data: a NUL byte, or many control characters.
    #[error("binary data, not text (byte 0x{byte:02X} at offset {offset})")]
    Binary {
        /// The first NUL byte, else the first control character.
        byte: u8,
        /// Its byte offset.
        offset: usize,
    },
    /// The file is not valid UTF-8.
    #[error("not UTF-8 text (invalid byte 0x{byte:02X} at offset {offset}, line {line})")]
    InvalidUtf8 {
        /// The first byte of the first invalid sequence.
        byte: u8,
        /// Its byte offset.
        offset: usize,
        /// Its 1-based line.
        line: usize,
    },
    /// The file is larger than any report could be (`read::MAX_FILE_BYTES`): unread.
    #[error("too large for one report ({0} bytes; at most 16 MiB are read): is it several reports in one file?")]
    TooLarge(u64),
    /// The file could not be read.
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// The parser failed on the file (a bug in ofsearch: the message says where); the rest of
    /// the run goes on.
    #[error("parser failed (an ofsearch bug, please report it): {0}")]
    ParserFailed(String),
    /// The input path does not exist.
    #[error("no such file or directory")]
    Missing,
    /// A file named as an input whose extension is not one of a report's.
    #[error("not a report file (only .txt, .md and .pdf are read)")]
    NotReport,
    /// A `.pdf` file that is not a PDF (no `%PDF-` header).
    #[error("not a PDF (no %PDF- header)")]
    NotPdf,
    /// A PDF that needs a password to open.
    #[error("encrypted PDF: it needs a password to open")]
    PdfEncrypted,
    /// A PDF with no text to extract: pages of images, as a scan makes.
    #[error("no text in this PDF (a scan? pages of images need OCR first)")]
    PdfNoText,
    /// A PDF the extractor could not read (damaged, truncated): its message.
    #[error("unreadable PDF: {0}")]
    PdfUnreadable(String),
    /// PDFs are read by Poppler's `pdftotext`, which is not installed.
    #[error("PDFs are read with Poppler's pdftotext, which is not installed (Debian/Ubuntu: apt install poppler-utils; macOS: brew install poppler)")]
    NoPdfExtractor,
    /// An input named on its own that is not a regular file or folder: what it is.
    #[error("{0}, not a file")]
    NotAFile(&'static str),
    /// A documentation file (SOURCES.md, README.md), not a report.
    #[error("documentation file, not a report")]
    Documentation,
    /// Same bytes as a file indexed earlier in this run.
    #[error("duplicate of {0}")]
    Duplicate(String),
}

/// What stops an indexing run.
#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    /// The index directory could not be created or opened.
    #[error("cannot open index at {path}: {}", tantivy_error(.cause))]
    Open {
        /// The index directory.
        path: PathBuf,
        /// The underlying error.
        cause: tantivy::TantivyError,
    },
    /// The index directory holds something that is not an ofsearch index of this version.
    #[error("{path} is not an ofsearch index of this version ({detail}); remove it or choose another --index")]
    Incompatible {
        /// The index directory.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// An I/O error on the index directory.
    #[error("{path}: {cause}")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// tantivy failed while writing.
    // Not a `source`: the message says the cause once, also in an error chain.
    #[error("index write failed: {}", write_failure(.0))]
    Tantivy(tantivy::TantivyError),
    /// A setting of the run is out of range (the caller's mistake).
    #[error("{0}")]
    Setting(String),
    /// Writing the index failed for this reason (found by writing where the index is, when
    /// tantivy's own error did not keep it); the index is at its last commit.
    #[error("cannot write the index at {path}: {}", write_cause(.cause))]
    Write {
        /// The index directory.
        path: PathBuf,
        /// What the operating system said.
        cause: std::io::Error,
    },
    /// The run's reports were committed, but merging the index's segments failed (they stay
    /// searchable unmerged).
    #[error("the reports were indexed, but merging the index's segments failed: {}; run `ofsearch index` again to merge them", tantivy_error(.0))]
    Merge(tantivy::TantivyError),
    /// No input files at all.
    #[error("no inputs given")]
    NoInputs,
    /// There is no index to change (removing needs one).
    #[error("no index at {0}")]
    NoIndex(PathBuf),
    /// The index is what a build that did not finish left (removing from it would make it
    /// look finished).
    #[error("the last indexing run into {0} did not finish; run `ofsearch index` again")]
    Unfinished(PathBuf),
    /// Reports to remove that the index does not hold: neither a report id nor the path of an
    /// indexed file or of a folder holding one.
    #[error("not in the index: {} (give a report id, or the path of an indexed file or folder)", .0.join(", "))]
    NotIndexed(Vec<String>),
}

/// What to do when the disk is full.
const OUT_OF_SPACE: &str =
    "out of space: the index is as it was before this run, free some space and run it again";

/// A write failure in words, with what to do when the disk is full.
fn write_failure(error: &tantivy::TantivyError) -> String {
    let said = tantivy_error(error);
    if is_out_of_space(error) {
        format!("{said}; {OUT_OF_SPACE}")
    } else {
        said
    }
}

/// An I/O failure writing the index, with what to do when the disk is full.
fn write_cause(cause: &std::io::Error) -> String {
    use std::io::ErrorKind::{FileTooLarge, QuotaExceeded, StorageFull};
    if matches!(cause.kind(), StorageFull | QuotaExceeded | FileTooLarge) {
        format!("{cause}; {OUT_OF_SPACE}")
    } else {
        format!("{cause}; the index is as it was before this run")
    }
}

impl From<tantivy::TantivyError> for IndexerError {
    fn from(e: tantivy::TantivyError) -> IndexerError {
        IndexerError::Tantivy(e)
    }
}
