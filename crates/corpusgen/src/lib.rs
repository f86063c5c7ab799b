//! A synthetic corpus of any size that reads like the bundled one, for benchmarks.
//!
//! Every report of the bundled corpus becomes a [`Template`] of the [`Model`] (module `model`
//! tells the design in full): the indexer's own reading of it says its framework, authority,
//! year, sections and paragraphs, and its text is cut into pieces kept as they are (cover,
//! title, dates, judgement tables, headings, page furniture), the authority's names, the years
//! that move with the report ([`years`]), and prose paragraphs to draw again from pools of
//! sentences of the same framework, area and kind. A generated report ([`Generator`],
//! [`generate()`]) is a template printed for another authority and year (module `render`): the
//! same structure and judgements, sentences recombined, the authority and dates changed, so
//! term frequencies, paragraph lengths and section shapes stay those of real reports, and the
//! indexer recognises and tags it as it would a real one.
//!
//! The output is a function of the bundled corpus, the seed and the size alone: one
//! deterministic generator ([`rng`]) seeded per report, no hash-map order, one writing thread
//! (the templates are read on every core, then compiled in corpus order). Memory holds the
//! compiled corpus (tens of MB) and one report, whatever the size.

mod generate;
mod model;
mod render;
pub mod rng;
pub mod size;
mod targets;
pub mod years;

use std::path::PathBuf;

pub use generate::{
    generate, prepare_out, report_path, Generated, Generator, Options, Summary, FILES_PER_FOLDER,
};
pub use model::{Group, Model, Template};
pub use size::parse_size;
pub use targets::{Style, Target};

/// What stops a generation run. Each message is one line saying what and where.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// A file or folder could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done: "read", "write", "create".
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The bundled corpus could not be read, or holds no usable report.
    #[error("corpus {path}: {reason}")]
    Corpus {
        /// The corpus folder, or the file at fault.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A size on the command line could not be read.
    #[error("size `{text}`: {reason}")]
    BadSize {
        /// The size as given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The output folder already holds files.
    #[error("{path} is not empty: give a new or empty folder for the generated corpus")]
    OutNotEmpty {
        /// The output folder.
        path: PathBuf,
    },
    /// The manifest could not be written.
    #[error("cannot write {path}: {source}")]
    Csv {
        /// The manifest's path.
        path: PathBuf,
        /// The underlying error.
        source: csv::Error,
    },
    /// The indexer's bundled authority table could not be read for names and periods.
    #[error("crates/schema/data/local_authorities.csv, line {line}: {reason}")]
    Authorities {
        /// 1-based line of the table.
        line: u64,
        /// What is wrong.
        reason: String,
    },
}
