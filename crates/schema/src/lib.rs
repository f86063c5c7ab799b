//! The contract between the ofsearch indexer and query crates: the tantivy schema, the controlled
//! vocabularies (report types, canonical areas, grades, paragraph kinds), the table of local
//! authorities and their names (the indexer tags reports with canonical names; queries resolve
//! the names people type to them) and the tokenizer both sides must share for a query's terms
//! to meet the index's.

pub mod authority;
pub mod date;
pub mod schema;
pub mod tokenizer;
pub mod vocab;
pub mod words;

pub use date::Date;
pub use schema::{
    build_schema, index_settings, register_tokenizers, Fields, SCHEMA_VERSION, UNFINISHED_FILE,
    VERSION_FILE,
};
pub use vocab::{Area, Grade, Kind, ReportType, UnknownValue};
