//! Reading what the index holds beyond a ranked page: one report whole (every paragraph in
//! order, for a reading view), the vocabularies of the facet fields with their counts, and the
//! columns of a CSV export (shared by the CLI and the HTTP API, so both write the same file).

use std::collections::BTreeMap;

use ofsearch_schema::schema::{RECORD_PARAGRAPH, RECORD_REPORT};
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use crate::{snippet, FacetCount, Hit, HitReader, QueryError, SearchRequest, Searcher};

/// Most paragraphs a report view lists: far above any real report (the longest bundled one
/// has about 400), so that a damaged or hostile input cannot make one request unbounded.
pub const MAX_REPORT_PARAGRAPHS: usize = 20_000;

/// One report whole: its metadata and judgements as the indexer recorded them, and every
/// paragraph in reading order, with its tags.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportView {
    /// The report's record (as `reports` lists it).
    pub report: serde_json::Value,
    /// Every paragraph, boilerplate included, in the report's order (`ordinal`). Each
    /// paragraph's `snippet` is its whole text, HTML-escaped, with the words of the query the
    /// view was asked with in `<mark>`; `score` is 0.
    pub paragraphs: Vec<Hit>,
}

/// The values each facet field takes in the index, with their numbers of paragraphs
/// (boilerplate included), most frequent first: what a filter can name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vocabularies {
    /// Paragraphs indexed.
    pub paragraphs: u64,
    /// Reports indexed.
    pub reports: u64,
    /// For each facet field (`authority`, `region`, `year`, `type`, `area`, `grade`, `kind`),
    /// its values and counts.
    pub fields: BTreeMap<String, Vec<FacetCount>>,
}

/// What filters can name, as the index holds it: every authority, region, report type and
/// framework edition with its number of reports (`ofsearch names`, `/api/names`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Names {
    /// Authorities with reports, by the name people write, alphabetically.
    pub authorities: Vec<AuthorityName>,
    /// Regions, most reports first; `count` is reports.
    pub regions: Vec<FacetCount>,
    /// Report types (`sif`, `ilacs`, ...), most reports first; `count` is reports.
    pub types: Vec<FacetCount>,
    /// Framework editions within the types (`ilacs-2023`, `sif+lscb`, ...), most reports
    /// first; `count` is reports. Reports of a type with one edition have none.
    pub editions: Vec<FacetCount>,
}

/// One authority with reports in the index, and the names a filter takes for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityName {
    /// The name as people write it ("Bristol").
    pub display: String,
    /// The canonical name the index stores and facets show ("Bristol, City of").
    pub name: String,
    /// ONS code.
    pub ons_code: String,
    /// Region of England.
    pub region: String,
    /// Reports in the index.
    pub reports: u64,
    /// Other names a filter takes (the table's aliases), besides derived forms such as
    /// "Bristol City Council"; empty for an authority the table does not know.
    pub also: Vec<String>,
}

impl Searcher {
    /// What filters can name, with report counts (see [`Names`]).
    pub fn names(&self) -> Result<Names, QueryError> {
        let reports = self.reports()?;
        let field = |r: &serde_json::Value, key: &str| r[key].as_str().unwrap_or("").to_string();
        let mut authorities: BTreeMap<(String, String), (String, u64)> = BTreeMap::new();
        let mut regions: BTreeMap<String, u64> = BTreeMap::new();
        let mut types: BTreeMap<String, u64> = BTreeMap::new();
        let mut editions: BTreeMap<String, u64> = BTreeMap::new();
        for r in &reports {
            let key = (field(r, "authority"), field(r, "authority_code"));
            if !key.0.is_empty() {
                authorities.entry(key).or_insert((field(r, "region"), 0)).1 += 1;
            }
            for (map, key) in [
                (&mut regions, "region"),
                (&mut types, "report_type"),
                (&mut editions, "framework"),
            ] {
                let value = field(r, key);
                if !value.is_empty() {
                    *map.entry(value).or_default() += 1;
                }
            }
        }
        let table = ofsearch_schema::authority::AuthorityTable::bundled();
        let mut authorities: Vec<AuthorityName> = authorities
            .into_iter()
            .map(|((name, ons_code), (region, reports))| {
                let known = table.lookup(&name).filter(|a| a.name == name);
                AuthorityName {
                    display: known.map_or(name.clone(), |a| a.display_name().to_string()),
                    also: known.map(|a| a.aliases.clone()).unwrap_or_default(),
                    name,
                    ons_code,
                    region,
                    reports,
                }
            })
            .collect();
        authorities.sort_by_key(|a| (a.display.to_lowercase(), a.name.clone()));
        Ok(Names {
            authorities,
            regions: by_count(regions),
            types: by_count(types),
            editions: by_count(editions),
        })
    }

    /// The report with this id, whole; `None` if the index holds no such report. With a
    /// query (`highlight`), the words it searches for are marked in every paragraph.
    pub fn report(
        &self,
        report_id: &str,
        highlight: Option<&snippet::Highlight>,
    ) -> Result<Option<ReportView>, QueryError> {
        self.guarded(|| self.report_unguarded(report_id, highlight))
    }

    /// [`Searcher::report`], unguarded.
    fn report_unguarded(
        &self,
        report_id: &str,
        highlight: Option<&snippet::Highlight>,
    ) -> Result<Option<ReportView>, QueryError> {
        let f = &self.fields;
        let searcher = &self.searcher;
        let of_report = |record: &str| -> Box<dyn Query> {
            let term = |field, value: &str| -> (Occur, Box<dyn Query>) {
                let term = Term::from_field_text(field, value);
                (
                    Occur::Must,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                )
            };
            Box::new(BooleanQuery::new(vec![
                term(f.record, record),
                term(f.report_id, report_id),
            ]))
        };
        let found = searcher.search(
            &of_report(RECORD_REPORT),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = found.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        let json = doc
            .get_first(f.report_json)
            .and_then(|v| v.as_str())
            .unwrap_or("{}");
        let report = serde_json::from_str(json)?;
        let top = TopDocs::with_limit(MAX_REPORT_PARAGRAPHS).order_by_score();
        let addresses = searcher.search(&of_report(RECORD_PARAGRAPH), &top)?;
        let mut reader = HitReader::new(self);
        let mut paragraphs = Vec::with_capacity(addresses.len());
        for (_, address) in addresses {
            let mut hit = reader.hit(address, 0.0)?;
            hit.snippet = marked(&hit.text, highlight);
            paragraphs.push(hit);
        }
        paragraphs.sort_by_key(|p| p.ordinal);
        Ok(Some(ReportView { report, paragraphs }))
    }

    /// The vocabularies of the facet fields, counted over every paragraph.
    pub fn vocabularies(&self) -> Result<Vocabularies, QueryError> {
        let every = SearchRequest {
            include_boilerplate: true,
            limit: 0,
            ..SearchRequest::default()
        };
        let response = self.run(&every, &crate::ast::Node::All(Vec::new()))?;
        Ok(Vocabularies {
            paragraphs: response.total,
            reports: response.reports.unwrap_or(0),
            fields: response.facets,
        })
    }
}

/// Values with counts, most first (ties alphabetically).
fn by_count(counts: BTreeMap<String, u64>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

/// `text` HTML-escaped whole, with the highlight's words in `<mark>`.
fn marked(text: &str, highlight: Option<&snippet::Highlight>) -> String {
    let fragment = snippet::Fragment {
        text: text.to_string(),
        highlights: highlight.map(|h| h.matches(text)).unwrap_or_default(),
        range: 0..text.len(),
        cut_before: false,
        cut_after: false,
    };
    snippet::to_html(&[fragment])
}

/// Columns of a CSV of hits (the CLI's `search --format csv` and `export`, and the API's
/// export), in order.
pub const CSV_HEADER: [&str; 23] = [
    "citation",
    "reference",
    "authority",
    "authority_code",
    "region",
    "report_type",
    "year",
    "inspection_end",
    "area",
    "area_canonical",
    "grade",
    "grade_printed",
    "kind",
    "section",
    "page",
    "paragraph_number",
    "ordinal",
    "source",
    "line",
    "url",
    "report_id",
    "score",
    "text",
];

/// A hit as a CSV row, in the order of [`CSV_HEADER`].
pub fn csv_row(hit: &Hit) -> [String; 23] {
    [
        hit.citation.clone(),
        hit.reference.clone(),
        hit.authority.clone(),
        hit.authority_code.clone(),
        hit.region.clone(),
        hit.report_type.clone(),
        hit.year.map(|y| y.to_string()).unwrap_or_default(),
        hit.inspection_end.clone().unwrap_or_default(),
        hit.area.clone(),
        hit.area_canonical.clone(),
        hit.grade.clone(),
        hit.grade_printed.clone(),
        hit.kind.clone(),
        hit.section.clone(),
        hit.page.map(|p| p.to_string()).unwrap_or_default(),
        hit.paragraph_number.clone().unwrap_or_default(),
        hit.ordinal.to_string(),
        hit.source.path.clone(),
        hit.source.line.to_string(),
        hit.url.clone().unwrap_or_default(),
        hit.report_id.clone(),
        format!("{:.4}", hit.score),
        hit.text.clone(),
    ]
}
