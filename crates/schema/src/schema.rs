//! The tantivy schema: the contract between the indexer, which writes these fields, and the
//! query crate, which reads them.
//!
//! The index holds two kinds of record, told apart by the `record` field:
//! - one `paragraph` record per paragraph or bullet item, carrying its text and every tag of its
//!   report (denormalised, so that any filter is a term lookup);
//! - one `report` record per report, carrying the report's metadata as JSON in `report_json`.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, SchemaBuilder, TextFieldIndexing,
    TextOptions, FAST, STORED,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings};

use crate::tokenizer;

/// Value of the `record` field on paragraph records.
pub const RECORD_PARAGRAPH: &str = "paragraph";
/// Value of the `record` field on report records.
pub const RECORD_REPORT: &str = "report";

/// Version of this schema, written beside the index: an index of another version is refused.
pub const SCHEMA_VERSION: u32 = 6;

/// Name of the file, beside tantivy's own, in which the indexer records `SCHEMA_VERSION`.
pub const VERSION_FILE: &str = "ofsearch-version";

/// Name of the file the indexer writes in a directory where it starts a new index, and removes
/// after that index's first commit: while it is there the index is unfinished (a first build
/// was killed or failed), whatever tantivy's files say.
pub const UNFINISHED_FILE: &str = "ofsearch-unfinished";

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `paragraph` or `report`.
    pub record: Field,
    /// Stable id of the report: a hash of the file's bytes.
    pub report_id: Field,
    /// Path of the source file, as given to the indexer.
    pub source: Field,
    /// 1-based line in the source file where the paragraph starts.
    pub line: Field,
    /// 1-based position of the paragraph in its report.
    pub ordinal: Field,
    /// The report's own paragraph number ("24"), if printed.
    pub paragraph_number: Field,
    /// The page the paragraph starts on, as a reader finds it (the printed page number where
    /// the numbering follows the pages); absent where pages are not known.
    pub page: Field,
    /// On report records: the original's address (Ofsted's URL), where a sidecar
    /// `metadata.csv` beside the file gives it; empty otherwise. (Paragraphs do not repeat it:
    /// readers map report ids to addresses once per commit.)
    pub url: Field,
    /// On report records: the framework edition within the report type (`ilacs-2023`,
    /// `sif+lscb`); empty when the type has one.
    pub edition: Field,
    /// Canonical authority name.
    pub authority: Field,
    /// ONS code of the authority.
    pub authority_code: Field,
    /// Region of England.
    pub region: Field,
    /// Year the inspection ended, else the letter's or publication date's year.
    pub year: Field,
    /// The report's date as a number, `yyyymmdd`: the inspection's last day, else the letter's
    /// date, else the publication date. For sorting newest or oldest first and date ranges.
    pub date: Field,
    /// Report type name (`ReportType::as_str`).
    pub report_type: Field,
    /// Inspection end date, ISO.
    pub inspection_end: Field,
    /// Area as printed in the report.
    pub area: Field,
    /// Canonical area name (`Area::as_str`).
    pub area_canonical: Field,
    /// Canonical grade name (`Grade::as_str`) of the paragraph's area.
    pub grade: Field,
    /// Grade as printed.
    pub grade_printed: Field,
    /// `Grade::rank`: 1 outstanding .. 4 inadequate, 0 ungraded.
    pub grade_rank: Field,
    /// Paragraph kind name (`Kind::as_str`).
    pub kind: Field,
    /// Section path, headings joined with " > ".
    pub section: Field,
    /// Paragraph text, stemmed English analysis; stored for display.
    pub text: Field,
    /// Paragraph text, unstemmed analysis, for exact phrases.
    pub text_exact: Field,
    /// On report records: the report's metadata as JSON.
    pub report_json: Field,
}

fn text_options(tokenizer: &str, stored: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// A keyword, indexed whole for filters. Never scored, so without field norms (a byte per
/// document per field otherwise).
fn keyword() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

/// A number indexed for range filters, without field norms.
fn indexed_number() -> NumericOptions {
    NumericOptions::default().set_indexed()
}

/// Builds the schema.
///
/// A paragraph's tags that are the same for every paragraph of its report, and the keywords it
/// is counted and filtered by, are fast fields and not stored: hits read them from the columns.
/// The doc store keeps only what is the paragraph's own (text, section, area and grade as
/// printed, number, line) and each report record's JSON: stored fields repeated on every
/// paragraph were a quarter of the doc store. Only what a query searches or filters by is
/// indexed (the text, the section headings, the keywords, the year).
pub fn build_schema() -> Schema {
    let mut b = SchemaBuilder::new();
    b.add_text_field("record", keyword());
    b.add_text_field("report_id", keyword() | FAST);
    b.add_text_field("source", keyword() | FAST);
    b.add_u64_field("line", STORED);
    b.add_u64_field("ordinal", FAST);
    b.add_text_field("paragraph_number", STORED);
    b.add_u64_field("page", FAST);
    b.add_text_field("url", FAST);
    b.add_text_field("edition", keyword() | FAST);
    b.add_text_field("authority", keyword() | FAST);
    b.add_text_field("authority_code", keyword() | FAST);
    b.add_text_field("region", keyword() | FAST);
    b.add_u64_field("year", indexed_number() | FAST);
    b.add_u64_field("date", FAST);
    b.add_text_field("report_type", keyword() | FAST);
    b.add_text_field("inspection_end", FAST);
    b.add_text_field("area", STORED);
    b.add_text_field("area_canonical", keyword() | FAST);
    b.add_text_field("grade", keyword() | FAST);
    b.add_text_field("grade_printed", STORED);
    b.add_u64_field("grade_rank", FAST);
    b.add_text_field("kind", keyword() | FAST);
    b.add_text_field("section", text_options(tokenizer::STEMMED, true));
    b.add_text_field("text", text_options(tokenizer::STEMMED, true));
    b.add_text_field("text_exact", text_options(tokenizer::EXACT, false));
    b.add_text_field("report_json", STORED);
    b.build()
}

/// The schema did not have a field this version of ofsearch needs.
#[derive(Debug, thiserror::Error)]
#[error("index schema has no field '{0}': rebuild the index with this version of ofsearch")]
pub struct MissingField(pub String);

impl Fields {
    /// Looks up every field in `schema`.
    pub fn new(schema: &Schema) -> Result<Fields, MissingField> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| MissingField(name.to_string()))
        };
        Ok(Fields {
            record: f("record")?,
            report_id: f("report_id")?,
            source: f("source")?,
            line: f("line")?,
            ordinal: f("ordinal")?,
            paragraph_number: f("paragraph_number")?,
            page: f("page")?,
            url: f("url")?,
            edition: f("edition")?,
            authority: f("authority")?,
            authority_code: f("authority_code")?,
            region: f("region")?,
            year: f("year")?,
            date: f("date")?,
            report_type: f("report_type")?,
            inspection_end: f("inspection_end")?,
            area: f("area")?,
            area_canonical: f("area_canonical")?,
            grade: f("grade")?,
            grade_printed: f("grade_printed")?,
            grade_rank: f("grade_rank")?,
            kind: f("kind")?,
            section: f("section")?,
            text: f("text")?,
            text_exact: f("text_exact")?,
            report_json: f("report_json")?,
        })
    }
}

/// The index's settings: the doc store compressed with zstd level 3 in 192 KiB blocks, not
/// tantivy's default lz4 in 16 KiB. On the bundled corpus that halves the doc store and keeps
/// the whole index under the size of the raw text. Level 3 in 192 KiB blocks makes a store 3%
/// larger than level 6's in 128 KiB (the whole index 1%) for 13% fewer instructions in the
/// whole indexing run (compression runs on every stored byte); reading a hit's stored fields
/// decompresses one block (BENCHMARKS.md, "Index size" and "Third round").
pub fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 192 << 10,
        ..IndexSettings::default()
    }
}

/// Registers ofsearch's tokenizers on an index: call it on every index opened or created.
pub fn register_tokenizers(index: &Index) {
    tokenizer::register(index.tokenizers());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_resolves() {
        let schema = build_schema();
        assert!(Fields::new(&schema).is_ok());
    }
}
