//! PDFs in: Ofsted's PDF of a bundled report is read as the text the corpus was made from
//! (byte for byte, with Poppler's `pdftotext -layout`), so it gives the same paragraphs and tags;
//! a folder of PDFs is indexed, each PDF that cannot be read skipped with its reason, and the
//! address in a sidecar `metadata.csv` carried to the report. Needs `pdftotext` (CI installs
//! Poppler and sets `OFSEARCH_REQUIRE_PDFTOTEXT=1`; elsewhere, without it, these tests say they
//! were skipped).

use std::path::{Path, PathBuf};

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::{index_paths, parse, pdf, IndexOptions};
use ofsearch_schema::schema::RECORD_REPORT;
use ofsearch_schema::Fields;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Index, TantivyDocument, Term};
use tempfile::TempDir;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pdf")
        .join(name)
}

fn report_text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/reports")
        .join(name);
    std::fs::read_to_string(path).expect("bundled report")
}

/// Whether `pdftotext` runs here (required when `OFSEARCH_REQUIRE_PDFTOTEXT` is set).
fn pdftotext_here() -> bool {
    let here = pdf::available();
    if !here {
        assert!(
            std::env::var_os("OFSEARCH_REQUIRE_PDFTOTEXT").is_none(),
            "pdftotext is required here: apt install poppler-utils"
        );
        eprintln!("pdftotext not installed: PDFs not tested");
    }
    here
}

/// What a parse says of a report's paragraphs and judgements: its rendering without the id and
/// source, which differ between a PDF and its text.
fn tags(text: &str, source: &str, bytes: &[u8]) -> String {
    parse(text, source, bytes, AuthorityTable::bundled())
        .render()
        .lines()
        .filter(|l| !l.contains("\"report_id\"") && !l.contains("\"source\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_pdf_reads_as_the_text_the_corpus_was_made_from() {
    if !pdftotext_here() {
        return;
    }
    let bytes = std::fs::read(data("report-0002.pdf")).expect("pdf");
    let text = pdf::extract(&bytes).expect("extract");
    let reference = report_text("report-0002.txt");
    // A different Poppler may lay text out differently: this says so first.
    assert!(
        text == reference,
        "pdftotext's output differs from corpus/reports/report-0002.txt (another Poppler version?)"
    );
    assert_eq!(
        tags(&text, "a.pdf", &bytes),
        tags(&reference, "a.txt", reference.as_bytes())
    );
}

#[test]
fn a_folder_of_pdfs_is_indexed_with_reasons_for_the_rest_and_links_from_the_sidecar() {
    if !pdftotext_here() {
        return;
    }
    let dir = TempDir::new().expect("temp dir");
    let input = dir.path().join("pdfs");
    std::fs::create_dir(&input).expect("mkdir");
    for name in ["report-0002.pdf", "encrypted.pdf", "blank.pdf"] {
        std::fs::copy(data(name), input.join(name)).expect("copy");
    }
    std::fs::write(input.join("renamed.pdf"), "Hartlepool Borough Council\n").expect("write");
    let url = "https://files.ofsted.gov.uk/v1/file/50174208";
    std::fs::write(
        input.join("metadata.csv"),
        format!("file,ofsted_url\nreport-0002.txt,{url}\n"),
    )
    .expect("sidecar");
    let index = dir.path().join("idx");
    let summary = index_paths(&[input], &index, &IndexOptions::default()).expect("index");

    assert_eq!(summary.reports, 1, "{:?}", summary.skipped);
    let why = |name: &str| {
        summary
            .skipped
            .iter()
            .find(|(path, _)| path.ends_with(name))
            .map(|(_, why)| why.as_str())
    };
    assert_eq!(
        why("encrypted.pdf"),
        Some("encrypted PDF: it needs a password to open")
    );
    assert_eq!(
        why("blank.pdf"),
        Some("no text in this PDF (a scan? pages of images need OCR first)")
    );
    assert_eq!(why("renamed.pdf"), Some("not a PDF (no %PDF- header)"));
    // The sidecar is not a report, and not reported.
    assert_eq!(why("metadata.csv"), None);
    assert_eq!(summary.skipped.len(), 3);

    let index = Index::open_in_dir(&index).expect("open");
    let fields = Fields::new(&index.schema()).expect("fields");
    let searcher = index.reader().expect("reader").searcher();
    let query = TermQuery::new(
        Term::from_field_text(fields.record, RECORD_REPORT),
        IndexRecordOption::Basic,
    );
    let top = searcher
        .search(&query, &TopDocs::with_limit(2).order_by_score())
        .expect("search");
    assert_eq!(top.len(), 1);
    let doc: TantivyDocument = searcher.doc(top[0].1).expect("doc");
    let record: serde_json::Value = serde_json::from_str(
        doc.get_first(fields.report_json)
            .and_then(|v| v.as_str())
            .expect("json"),
    )
    .expect("record");
    assert_eq!(record["authority"], "Milton Keynes");
    assert_eq!(record["url"], url);
    assert!(record["source"]
        .as_str()
        .expect("source")
        .ends_with("report-0002.pdf"));
}
