//! Reads an ofsearch index: ranked paragraph search (BM25 over the stemmed text) and the list of
//! indexed reports. It never writes the index.

pub mod ast;
pub mod syntax;

use std::path::{Path, PathBuf};

use ofsearch_schema::schema::{RECORD_PARAGRAPH, RECORD_REPORT};
use ofsearch_schema::{register_tokenizers, Fields, SCHEMA_VERSION, VERSION_FILE};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

/// What can go wrong when searching.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// There is no index at the path.
    #[error("no index at {0}: run `ofsearch index` first")]
    NoIndex(PathBuf),
    /// The index was written by another version of ofsearch.
    #[error("the index at {path} has schema version '{found}', this ofsearch reads {SCHEMA_VERSION}: remove it and rebuild it with `ofsearch index`")]
    Version {
        /// The index directory.
        path: PathBuf,
        /// The version found.
        found: String,
    },
    /// The query text does not parse.
    #[error("query does not parse: {0}")]
    Parse(String),
    /// The index could not be read.
    #[error("index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A stored report record is damaged.
    #[error("damaged report record: {0}")]
    Record(#[from] serde_json::Error),
}

/// Where a paragraph comes from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceRef {
    /// Source file path.
    pub path: String,
    /// 1-based line where the paragraph starts.
    pub line: u64,
}

/// One ranked paragraph.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// BM25 score.
    pub score: f32,
    /// Report id.
    pub report_id: String,
    /// Canonical authority name.
    pub authority: String,
    /// ONS code.
    pub authority_code: String,
    /// Report type name.
    pub report_type: String,
    /// Year.
    pub year: Option<u64>,
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
    /// The report's own paragraph number, if printed.
    pub paragraph_number: Option<String>,
    /// 1-based position of the paragraph in its report.
    pub ordinal: u64,
    /// Paragraph text.
    pub text: String,
    /// Source file and line.
    pub source: SourceRef,
}

/// A page of ranked hits.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Number of matching paragraphs (exact).
    pub total: usize,
    /// Hits, best first.
    pub hits: Vec<Hit>,
}

/// An open index.
pub struct Searcher {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl Searcher {
    /// Opens the index in `dir`.
    pub fn open(dir: &Path) -> Result<Searcher, QueryError> {
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
        let index = Index::open_in_dir(dir)?;
        register_tokenizers(&index);
        let fields = Fields::new(&index.schema()).map_err(|e| QueryError::Version {
            path: dir.to_path_buf(),
            found: e.to_string(),
        })?;
        let reader = index.reader()?;
        Ok(Searcher {
            index,
            reader,
            fields,
        })
    }

    /// Ranks paragraphs for `query` (tantivy query syntax over the stemmed text; terms are
    /// ANDed), best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<SearchResults, QueryError> {
        let f = &self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.text]);
        parser.set_conjunction_by_default();
        let parsed = parser
            .parse_query(query)
            .map_err(|e| QueryError::Parse(e.to_string()))?;
        let paragraphs = TermQuery::new(
            Term::from_field_text(f.record, RECORD_PARAGRAPH),
            IndexRecordOption::Basic,
        );
        let full = BooleanQuery::new(vec![
            (Occur::Must, parsed),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(paragraphs), 0.0)),
            ),
        ]);
        let searcher = self.reader.searcher();
        let (top, total) = searcher.search(
            &full,
            &(TopDocs::with_limit(limit.max(1)).order_by_score(), Count),
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let number = |field| doc.get_first(field).and_then(|v| v.as_u64());
            let paragraph_number = text(f.paragraph_number);
            hits.push(Hit {
                score,
                report_id: text(f.report_id),
                authority: text(f.authority),
                authority_code: text(f.authority_code),
                report_type: text(f.report_type),
                year: number(f.year),
                area: text(f.area),
                area_canonical: text(f.area_canonical),
                grade: text(f.grade),
                grade_printed: text(f.grade_printed),
                kind: text(f.kind),
                section: text(f.section),
                paragraph_number: (!paragraph_number.is_empty()).then_some(paragraph_number),
                ordinal: number(f.ordinal).unwrap_or_default(),
                text: text(f.text),
                source: SourceRef {
                    path: text(f.source),
                    line: number(f.line).unwrap_or_default(),
                },
            });
        }
        Ok(SearchResults {
            query: query.to_string(),
            total,
            hits,
        })
    }

    /// Every indexed report's metadata (as the indexer recorded it), ordered by source path.
    pub fn reports(&self) -> Result<Vec<serde_json::Value>, QueryError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
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
