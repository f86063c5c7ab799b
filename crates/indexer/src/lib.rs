//! The ofsearch indexer: reads Ofsted children's services reports (plain text and
//! Markdown-like conversions of PDFs), recognises each report's type, authority, dates and
//! judgements, splits it into tagged paragraph-level documents and writes a tantivy index.
//!
//! Data flow: [`read`] (files) -> [`lines`] (clean lines) -> [`recognise`] (report metadata)
//! -> [`segment`] (blocks) -> [`report`] (tagged paragraphs, [`bound`]ed) -> [`writer`] (index).

pub use ofsearch_schema::authority;
pub mod bound;
pub mod date;
pub mod error;
pub mod grades;
pub mod headings;
pub mod lines;
pub mod pdf;
pub mod read;
pub mod recognise;
pub mod report;
pub mod segment;
pub mod sidecar;
#[cfg(test)]
mod test_corpus;
pub mod writer;

pub use error::{IndexerError, SkipReason};
pub use report::{parse, Paragraph, Parsed, Report};
pub use writer::{index_paths, open_or_create, remove, IndexOptions, Removal, Summary};
