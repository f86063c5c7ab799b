//! The tantivy schema: the contract between the indexer, which writes these fields, and the
//! query crate, which reads them.
//!
//! The index holds two kinds of record, told apart by the `record` field:
//! - one `paragraph` record per paragraph or bullet item, carrying its text and every tag of its
//!   report (denormalised, so that any filter is a term lookup);
//! - one `report` record per report, carrying the report's metadata as JSON in `report_json`.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, SchemaBuilder, TextFieldIndexing, TextOptions, FAST, INDEXED,
    STORED, STRING,
};
use tantivy::Index;

use crate::tokenizer;

/// Value of the `record` field on paragraph records.
pub const RECORD_PARAGRAPH: &str = "paragraph";
/// Value of the `record` field on report records.
pub const RECORD_REPORT: &str = "report";

/// Version of this schema, written beside the index: an index of another version is refused.
pub const SCHEMA_VERSION: u32 = 2;

/// Name of the file, beside tantivy's own, in which the indexer records `SCHEMA_VERSION`.
pub const VERSION_FILE: &str = "ofsearch-version";

/// Roots of the paths in the `facets` field, one per facet dimension: `/year/2013`.
pub mod facet {
    /// Canonical authority name.
    pub const AUTHORITY: &str = "authority";
    /// Region of England.
    pub const REGION: &str = "region";
    /// Year the inspection ended (else the letter's or publication year).
    pub const YEAR: &str = "year";
    /// Report type name.
    pub const REPORT_TYPE: &str = "type";
    /// Canonical area name.
    pub const AREA: &str = "area";
    /// Canonical grade name.
    pub const GRADE: &str = "grade";
    /// Paragraph kind name.
    pub const KIND: &str = "kind";
    /// Every root, in display order.
    pub const ALL: &[&str] = &[AUTHORITY, REGION, YEAR, REPORT_TYPE, AREA, GRADE, KIND];
}

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
    /// Framework edition within a type (`sif+lscb`, `ilacs-2023`), or empty.
    pub framework: Field,
    /// Inspection start date, ISO.
    pub inspection_start: Field,
    /// Inspection end date, ISO.
    pub inspection_end: Field,
    /// Publication date, ISO, when printed.
    pub published: Field,
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
    /// Hierarchical facets: `/authority/Hartlepool`, `/year/2013`, ...
    pub facets: Field,
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

/// Builds the schema.
pub fn build_schema() -> Schema {
    let mut b = SchemaBuilder::new();
    b.add_text_field("record", STRING);
    b.add_text_field("report_id", STRING | STORED | FAST);
    b.add_text_field("source", STRING | STORED);
    b.add_u64_field("line", STORED);
    b.add_u64_field("ordinal", STORED | FAST);
    b.add_text_field("paragraph_number", STORED);
    b.add_text_field("authority", STRING | STORED | FAST);
    b.add_text_field("authority_code", STRING | STORED | FAST);
    b.add_text_field("region", STRING | STORED | FAST);
    b.add_u64_field("year", INDEXED | STORED | FAST);
    b.add_u64_field("date", INDEXED | STORED | FAST);
    b.add_text_field("report_type", STRING | STORED | FAST);
    b.add_text_field("framework", STRING | STORED);
    b.add_text_field("inspection_start", STORED);
    b.add_text_field("inspection_end", STRING | STORED | FAST);
    b.add_text_field("published", STORED);
    b.add_text_field("area", text_options(tokenizer::EXACT, true));
    b.add_text_field("area_canonical", STRING | STORED | FAST);
    b.add_text_field("grade", STRING | STORED | FAST);
    b.add_text_field("grade_printed", STORED);
    b.add_u64_field("grade_rank", INDEXED | STORED | FAST);
    b.add_text_field("kind", STRING | STORED | FAST);
    b.add_text_field("section", text_options(tokenizer::STEMMED, true));
    b.add_text_field("text", text_options(tokenizer::STEMMED, true));
    b.add_text_field("text_exact", text_options(tokenizer::EXACT, false));
    b.add_facet_field("facets", tantivy::schema::FacetOptions::default());
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
            authority: f("authority")?,
            authority_code: f("authority_code")?,
            region: f("region")?,
            year: f("year")?,
            date: f("date")?,
            report_type: f("report_type")?,
            framework: f("framework")?,
            inspection_start: f("inspection_start")?,
            inspection_end: f("inspection_end")?,
            published: f("published")?,
            area: f("area")?,
            area_canonical: f("area_canonical")?,
            grade: f("grade")?,
            grade_printed: f("grade_printed")?,
            grade_rank: f("grade_rank")?,
            kind: f("kind")?,
            section: f("section")?,
            text: f("text")?,
            text_exact: f("text_exact")?,
            facets: f("facets")?,
            report_json: f("report_json")?,
        })
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
