//! Running a search: a [`SearchRequest`] (the query's parsed form plus filters, sort and
//! paging) is compiled into one tantivy query, and a single pass over the matches collects the
//! page of hits, the exact total, the matching reports and the facet counts over every match.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use ofsearch_schema::schema::RECORD_PARAGRAPH;
use ofsearch_schema::{Area, Fields, Grade, Kind, ReportType};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, Term};

use crate::ast::{Filter, FilterField, FilterValue, Node, Phrase, Word};
use crate::QueryError;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best BM25 score first.
    #[default]
    Relevance,
    /// Latest report date first.
    Newest,
    /// Earliest report date first.
    Oldest,
}

/// Filters given apart from the query text (CLI flags, API fields): the values of one field
/// are alternatives (OR), the fields all apply (AND). Values are resolved as in the query
/// language: authority by name or ONS code, case-insensitive; years as `2013` or `2009-2013`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Authorities (canonical names or ONS codes).
    pub authority: Vec<String>,
    /// Regions of England.
    pub region: Vec<String>,
    /// Years or ranges of years (`2013`, `2009-2013`).
    pub year: Vec<String>,
    /// Report types (`sif`, `ilacs`, ...).
    #[serde(rename = "type")]
    pub report_type: Vec<String>,
    /// Canonical areas (`care-leavers`, ...).
    pub area: Vec<String>,
    /// Canonical grades (`inadequate`, ...).
    pub grade: Vec<String>,
    /// Paragraph kinds (`judgement`, ...).
    pub kind: Vec<String>,
}

impl Filters {
    /// Each field with its values, in facet order.
    pub fn by_field(&self) -> [(FilterField, &[String]); 7] {
        [
            (FilterField::Authority, &self.authority),
            (FilterField::Region, &self.region),
            (FilterField::Year, &self.year),
            (FilterField::Type, &self.report_type),
            (FilterField::Area, &self.area),
            (FilterField::Grade, &self.grade),
            (FilterField::Kind, &self.kind),
        ]
    }

    /// Adds one value to a field.
    pub fn push(&mut self, field: FilterField, value: impl Into<String>) {
        let list = match field {
            FilterField::Authority => &mut self.authority,
            FilterField::Region => &mut self.region,
            FilterField::Year => &mut self.year,
            FilterField::Type => &mut self.report_type,
            FilterField::Area => &mut self.area,
            FilterField::Grade => &mut self.grade,
            FilterField::Kind => &mut self.kind,
        };
        list.push(value.into());
    }
}

/// Names the index holds for the fields filtered by name, read once when the index is opened:
/// used to resolve what a user types ("hartlepool", "e06000001", "north east") to the exact
/// stored value.
#[derive(Debug, Default)]
pub(crate) struct Names {
    pub authorities: Vec<String>,
    pub codes: Vec<String>,
    pub regions: Vec<String>,
}

/// Compiles parsed queries and filters into tantivy queries.
pub(crate) struct Compiler<'a> {
    pub fields: &'a Fields,
    pub names: &'a Names,
    pub stemmed: TextAnalyzer,
    pub exact: TextAnalyzer,
    /// Search the unstemmed field for every word and phrase (`--exact`).
    pub all_exact: bool,
}

impl Compiler<'_> {
    /// The query for a node.
    pub fn node(&mut self, node: &Node) -> Result<Box<dyn Query>, QueryError> {
        Ok(match node {
            Node::Word(word) => self.word(word)?,
            Node::Phrase(phrase) => self.phrase(phrase),
            Node::Filter(filter) => Box::new(ConstScoreQuery::new(self.filter(filter)?, 0.0)),
            Node::All(parts) => {
                if parts.is_empty() {
                    return Ok(Box::new(AllQuery));
                }
                let mut clauses = Vec::with_capacity(parts.len());
                for part in parts {
                    clauses.push(match part {
                        Node::Not(inner) => (Occur::MustNot, self.node(inner)?),
                        other => (Occur::Must, self.node(other)?),
                    });
                }
                if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Node::Any(parts) => {
                let mut clauses = Vec::with_capacity(parts.len());
                for part in parts {
                    clauses.push((Occur::Should, self.node(part)?));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Node::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                (Occur::MustNot, self.node(inner)?),
            ])),
            Node::Boost(inner, factor) => Box::new(BoostQuery::new(self.node(inner)?, *factor)),
        })
    }

    fn text_field(&self, exact: bool) -> Field {
        if exact || self.all_exact {
            self.fields.text_exact
        } else {
            self.fields.text
        }
    }

    /// The index terms `text` analyses to in `field`, with their positions.
    fn terms(&mut self, field: Field, text: &str) -> Vec<(usize, Term)> {
        let analyzer = if field == self.fields.text || field == self.fields.section {
            &mut self.stemmed
        } else {
            &mut self.exact
        };
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.position, Term::from_field_text(field, &token.text)));
        }
        out
    }

    fn word(&mut self, word: &Word) -> Result<Box<dyn Query>, QueryError> {
        if word.prefix || word.fuzzy.is_some() {
            // Prefixes and edit distances apply to words as written: the unstemmed field.
            let field = self.fields.text_exact;
            let terms = self.terms(field, &word.text);
            let [(_, term)] = terms.as_slice() else {
                return Err(QueryError::Filter(format!(
                    "'{}' is not a single word: prefix (*) and fuzzy (~) searches take one word",
                    word.text
                )));
            };
            if word.prefix {
                let pattern = format!("{}.*", regex_escape(term.value().as_str().unwrap_or("")));
                return Ok(Box::new(RegexQuery::from_pattern(&pattern, field)?));
            }
            let distance = word.fuzzy.unwrap_or(1).min(2);
            return Ok(Box::new(FuzzyTermQuery::new(term.clone(), distance, true)));
        }
        let field = self.text_field(word.exact);
        Ok(self.sequence(field, &word.text, 0))
    }

    fn phrase(&mut self, phrase: &Phrase) -> Box<dyn Query> {
        let field = self.text_field(phrase.exact);
        self.sequence(field, &phrase.text, phrase.slop)
    }

    /// A term query for one token, a phrase query for several (a "word" such as
    /// `16-year-old` is several tokens), nothing for none.
    fn sequence(&mut self, field: Field, text: &str, slop: u32) -> Box<dyn Query> {
        let terms = self.terms(field, text);
        match terms.len() {
            0 => Box::new(EmptyQuery),
            1 => Box::new(TermQuery::new(
                terms[0].1.clone(),
                IndexRecordOption::WithFreqs,
            )),
            _ => Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)),
        }
    }

    /// A query over the section headings for the positive words and phrases of `node`
    /// (scored, for ranking only), if any.
    pub fn section(&mut self, node: &Node) -> Option<Box<dyn Query>> {
        let mut texts = Vec::new();
        positive_texts(node, &mut texts);
        let field = self.fields.section;
        let clauses: Vec<(Occur, Box<dyn Query>)> = texts
            .iter()
            .map(|(text, slop)| (Occur::Should, self.sequence(field, text, *slop)))
            .collect();
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    /// The query for one filter (matching paragraphs, unscored).
    pub fn filter(&self, filter: &Filter) -> Result<Box<dyn Query>, QueryError> {
        let f = self.fields;
        let field = filter.field;
        let value = match &filter.value {
            FilterValue::One(value) => value.trim(),
            FilterValue::Range {
                from,
                from_inclusive,
                to,
                to_inclusive,
            } => {
                if field != FilterField::Year {
                    return Err(QueryError::Filter(format!(
                        "{}: ranges apply to year only",
                        field.as_str()
                    )));
                }
                let bound = |value: &Option<String>, inclusive: bool| -> Result<_, QueryError> {
                    Ok(match value.as_deref().map(str::trim) {
                        None | Some("*") => Bound::Unbounded,
                        Some(v) => {
                            let year = parse_year(v)?;
                            let term = Term::from_field_u64(f.year, year);
                            if inclusive {
                                Bound::Included(term)
                            } else {
                                Bound::Excluded(term)
                            }
                        }
                    })
                };
                return Ok(Box::new(RangeQuery::new(
                    bound(from, *from_inclusive)?,
                    bound(to, *to_inclusive)?,
                )));
            }
        };
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        Ok(match field {
            FilterField::Authority => {
                let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                if let Some(name) = find(&self.names.authorities, value) {
                    options.push((Occur::Should, term(f.authority, name)));
                }
                if let Some(code) = find(&self.names.codes, value) {
                    options.push((Occur::Should, term(f.authority_code, code)));
                }
                if options.is_empty() {
                    return Err(QueryError::Filter(format!(
                        "authority '{value}' is not in the index (a canonical name such as \
                         Hartlepool, or an ONS code such as E06000001)"
                    )));
                }
                Box::new(BooleanQuery::new(options))
            }
            FilterField::Region => match find(&self.names.regions, value) {
                Some(region) => term(f.region, region),
                None => {
                    return Err(QueryError::Filter(format!(
                        "region '{value}' is not in the index (one of: {})",
                        self.names.regions.join(", ")
                    )))
                }
            },
            FilterField::Year => {
                if let Some((from, to)) = value.split_once("..").or_else(|| value.split_once('-')) {
                    let (from, to) = (parse_year(from)?, parse_year(to)?);
                    Box::new(RangeQuery::new(
                        Bound::Included(Term::from_field_u64(f.year, from)),
                        Bound::Included(Term::from_field_u64(f.year, to)),
                    ))
                } else {
                    Box::new(TermQuery::new(
                        Term::from_field_u64(f.year, parse_year(value)?),
                        IndexRecordOption::Basic,
                    ))
                }
            }
            FilterField::Type => term(f.report_type, vocabulary::<ReportType>(value)?.as_str()),
            FilterField::Area => term(f.area_canonical, vocabulary::<Area>(value)?.as_str()),
            FilterField::Grade => term(f.grade, vocabulary::<Grade>(value)?.as_str()),
            FilterField::Kind => term(f.kind, vocabulary::<Kind>(value)?.as_str()),
        })
    }

    /// The query for the filters of a request: per field the values OR'ed, the fields AND'ed.
    pub fn filters(&self, filters: &Filters) -> Result<Vec<Box<dyn Query>>, QueryError> {
        let mut out = Vec::new();
        for (field, values) in filters.by_field() {
            if values.is_empty() {
                continue;
            }
            let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for value in values {
                let filter = Filter {
                    field,
                    value: FilterValue::One(value.clone()),
                };
                options.push((Occur::Should, self.filter(&filter)?));
            }
            out.push(Box::new(BooleanQuery::new(options)) as Box<dyn Query>);
        }
        Ok(out)
    }
}

/// The words and phrases of a query that are not excluded, with their slop.
fn positive_texts(node: &Node, out: &mut Vec<(String, u32)>) {
    match node {
        Node::Word(w) if !w.prefix && w.fuzzy.is_none() => out.push((w.text.clone(), 0)),
        Node::Phrase(p) => out.push((p.text.clone(), p.slop)),
        Node::All(parts) | Node::Any(parts) => {
            for part in parts {
                positive_texts(part, out);
            }
        }
        Node::Boost(inner, _) => positive_texts(inner, out),
        Node::Word(_) | Node::Not(_) | Node::Filter(_) => {}
    }
}

/// The stored value equal to `value`, ignoring case.
fn find<'a>(values: &'a [String], value: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|v| v.eq_ignore_ascii_case(value) || v.to_lowercase() == value.to_lowercase())
        .map(String::as_str)
}

/// A value of a fixed vocabulary (report types, areas, grades, kinds), case-insensitive;
/// spaces may stand for hyphens ("care leavers" for `care-leavers`).
fn vocabulary<T: std::str::FromStr<Err = ofsearch_schema::UnknownValue>>(
    value: &str,
) -> Result<T, QueryError> {
    value
        .trim()
        .replace([' ', '_'], "-")
        .parse::<T>()
        .map_err(|e| QueryError::Filter(e.to_string()))
}

fn parse_year(value: &str) -> Result<u64, QueryError> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| QueryError::Filter(format!("year '{}' is not a year", value.trim())))
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else {
            out.push('\\');
            out.push(c);
        }
    }
    out
}

/// The base of every search: paragraph records, without boilerplate unless asked for.
pub(crate) fn base(fields: &Fields, include_boilerplate: bool) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        Box::new(ConstScoreQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(fields.record, RECORD_PARAGRAPH),
                IndexRecordOption::Basic,
            )),
            0.0,
        )),
    )];
    if !include_boilerplate {
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.kind, Kind::Boilerplate.as_str()),
                IndexRecordOption::Basic,
            )),
        ));
    }
    clauses
}

/// One value of a facet and the number of matching paragraphs that carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value (a name as stored: `Hartlepool`, `2013`, `care-leavers`).
    pub value: String,
    /// Matching paragraphs with that value.
    pub count: u64,
}

/// The facet dimensions, each with the fast field it is counted from.
pub(crate) const FACETS: [(FilterField, &str); 7] = [
    (FilterField::Authority, "authority"),
    (FilterField::Region, "region"),
    (FilterField::Year, "year"),
    (FilterField::Type, "report_type"),
    (FilterField::Area, "area_canonical"),
    (FilterField::Grade, "grade"),
    (FilterField::Kind, "kind"),
];

/// The value counted for a paragraph without one (no authority or region recognised, no year).
const UNKNOWN: &str = "unknown";

/// Facet counts by field name (`authority`, `year`, ...), then by value.
pub(crate) type FacetTally = BTreeMap<&'static str, BTreeMap<String, u64>>;

/// Counts, over every match, the values of the seven facet dimensions, read from their fast
/// fields: a dense array of counts per keyword column (indexed by the column's term ordinal)
/// and per year, turned into names once per segment.
pub(crate) struct FacetCollector;

/// One column of a segment being counted.
enum FacetColumn {
    /// A keyword: counts by term ordinal (the last slot for documents without a value).
    Str(StrColumn, Vec<u64>),
    /// The year: counts by year.
    Year(tantivy::columnar::Column<u64>, BTreeMap<u64, u64>, u64),
    /// The field has no fast column in this segment (an empty segment): counts nothing.
    Missing,
}

pub(crate) struct FacetSegmentCollector {
    columns: Vec<(FilterField, FacetColumn)>,
}

impl Collector for FacetCollector {
    type Fruit = FacetTally;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let fast = reader.fast_fields();
        let mut columns = Vec::with_capacity(FACETS.len());
        for (field, name) in FACETS {
            let column = if field == FilterField::Year {
                match fast.u64(name) {
                    Ok(column) => FacetColumn::Year(column, BTreeMap::new(), 0),
                    Err(_) => FacetColumn::Missing,
                }
            } else {
                match fast.str(name)? {
                    Some(column) => {
                        let slots = column.num_terms() + 1;
                        FacetColumn::Str(column, vec![0; slots])
                    }
                    None => FacetColumn::Missing,
                }
            };
            columns.push((field, column));
        }
        Ok(FacetSegmentCollector { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetTally>) -> tantivy::Result<FacetTally> {
        let mut out = FacetTally::new();
        for fruit in fruits {
            for (field, values) in fruit {
                let into = out.entry(field).or_default();
                for (value, count) in values {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetTally;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (_, column) in &mut self.columns {
            match column {
                FacetColumn::Str(column, counts) => {
                    let slot = column
                        .ords()
                        .first(doc)
                        .map_or(counts.len() - 1, |ord| ord as usize);
                    if let Some(count) = counts.get_mut(slot) {
                        *count += 1;
                    }
                }
                FacetColumn::Year(column, counts, none) => match column.first(doc) {
                    Some(year) => *counts.entry(year).or_default() += 1,
                    None => *none += 1,
                },
                FacetColumn::Missing => {}
            }
        }
    }

    fn harvest(self) -> FacetTally {
        let mut out = FacetTally::new();
        for (field, column) in self.columns {
            let values = out.entry(field.as_str()).or_default();
            match column {
                FacetColumn::Str(column, counts) => {
                    let last = counts.len() - 1;
                    let counted = (0..last).filter(|&ord| counts[ord] > 0).map(|ord| ord as u64);
                    let names = ord_names(&column, counted);
                    for (ord, count) in counts.into_iter().enumerate() {
                        if count == 0 {
                            continue;
                        }
                        let value = match names.get(&(ord as u64)) {
                            Some(name) if !name.is_empty() => name.as_str(),
                            _ => UNKNOWN,
                        };
                        *values.entry(value.to_string()).or_default() += count;
                    }
                }
                FacetColumn::Year(_, counts, none) => {
                    for (year, count) in counts {
                        *values.entry(year.to_string()).or_default() += count;
                    }
                    if none > 0 {
                        *values.entry(UNKNOWN.to_string()).or_default() += none;
                    }
                }
                FacetColumn::Missing => {}
            }
        }
        out
    }
}

/// Facet counts by field, each list by count (highest first), then value; every dimension
/// present, empty when nothing matched.
pub(crate) fn facet_counts(tally: &FacetTally) -> BTreeMap<String, Vec<FacetCount>> {
    let mut out = BTreeMap::new();
    for (field, _) in FACETS {
        let mut list: Vec<FacetCount> = tally
            .get(field.as_str())
            .into_iter()
            .flatten()
            .map(|(value, &count)| FacetCount {
                value: value.clone(),
                count,
            })
            .collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out.insert(field.as_str().to_string(), list);
    }
    out
}

/// What the report collector gathers for one report: its matching paragraphs and the best of
/// them (by score).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReportMatches {
    pub count: u64,
    pub best_score: Score,
    pub best: DocAddress,
}

/// Collects, for every report with a matching paragraph, the number of matches and the best
/// one: the response's `reports` count and `--group-by report`, in the same pass as the hits.
pub(crate) struct ReportCollector;

pub(crate) struct ReportSegmentCollector {
    segment: SegmentOrdinal,
    column: Option<StrColumn>,
    by_ord: HashMap<u64, ReportMatches>,
}

impl Collector for ReportCollector {
    type Fruit = HashMap<String, ReportMatches>;
    type Child = ReportSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ReportSegmentCollector> {
        Ok(ReportSegmentCollector {
            segment,
            column: reader.fast_fields().str("report_id")?,
            by_ord: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<String, ReportMatches>>,
    ) -> tantivy::Result<HashMap<String, ReportMatches>> {
        let mut out: HashMap<String, ReportMatches> = HashMap::new();
        for fruit in fruits {
            for (id, m) in fruit {
                out.entry(id)
                    .and_modify(|e| {
                        e.count += m.count;
                        if m.best_score > e.best_score {
                            e.best_score = m.best_score;
                            e.best = m.best;
                        }
                    })
                    .or_insert(m);
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for ReportSegmentCollector {
    type Fruit = HashMap<String, ReportMatches>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(column) = &self.column else { return };
        let Some(ord) = column.term_ords(doc).next() else {
            return;
        };
        let address = DocAddress::new(self.segment, doc);
        self.by_ord
            .entry(ord)
            .and_modify(|e| {
                e.count += 1;
                if score > e.best_score {
                    e.best_score = score;
                    e.best = address;
                }
            })
            .or_insert(ReportMatches {
                count: 1,
                best_score: score,
                best: address,
            });
    }

    fn harvest(self) -> HashMap<String, ReportMatches> {
        let Some(column) = &self.column else {
            return HashMap::new();
        };
        let names = ord_names(column, self.by_ord.keys().copied());
        self.by_ord
            .into_iter()
            .filter_map(|(ord, m)| Some((names.get(&ord)?.clone(), m)))
            .collect()
    }
}

/// The terms of a keyword column's ordinals, found in one ordered pass over the column's
/// dictionary. Looking each up with `ord_to_str` decompresses a dictionary block per call, which
/// made harvesting thousands of matching reports the most costly part of a search.
pub(crate) fn ord_names(
    column: &StrColumn,
    ords: impl IntoIterator<Item = u64>,
) -> HashMap<u64, String> {
    let mut sorted: Vec<u64> = ords.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = HashMap::with_capacity(sorted.len());
    let mut next = sorted.iter();
    // An unreadable dictionary leaves the ordinals it did not reach without a name.
    let _ = column.dictionary().sorted_ords_to_term_cb(&sorted, |bytes| {
        if let Some(&ord) = next.next() {
            out.insert(ord, String::from_utf8_lossy(bytes).into_owned());
        }
    });
    out
}

/// A search, as the CLI and the HTTP API make it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// The query, in the query language (README, `syntax` module).
    pub query: String,
    /// Filters besides those in the query text.
    pub filters: Filters,
    /// Match words and phrases exactly (the unstemmed field).
    pub exact: bool,
    /// Include boilerplate paragraphs (excluded by default).
    pub include_boilerplate: bool,
    /// Rewrite words and phrases into their period equivalents (`data/equivalents.txt`).
    pub expand: bool,
    /// Read the query leniently: text typed into a search box, stray operators ignored.
    pub lenient: bool,
    /// Order of hits.
    pub sort: Sort,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// One row per report (its best paragraph and its count of matching paragraphs).
    pub group_by_report: bool,
    /// Ranking weights added to the text's BM25 score.
    pub boosts: Boosts,
}

/// Tunable ranking: besides BM25 over the paragraph text, a paragraph scores more when its
/// section headings hold the query's words, and when it is judgement text.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Boosts {
    /// Weight of BM25 over the section path (headings) for the query's words; 0 turns it off.
    pub section: f32,
    /// Score added to judgement paragraphs (the inspectors' findings); 0 turns it off.
    pub judgement: f32,
}

impl Default for Boosts {
    fn default() -> Self {
        Boosts {
            section: 0.5,
            judgement: 0.5,
        }
    }
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Filters::default(),
            exact: false,
            include_boilerplate: false,
            expand: false,
            lenient: false,
            sort: Sort::Relevance,
            offset: 0,
            limit: 10,
            group_by_report: false,
            boosts: Boosts::default(),
        }
    }
}
