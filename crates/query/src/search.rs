//! Running a search: a [`SearchRequest`] (the query's parsed form plus filters, sort and
//! paging) is compiled into one tantivy query, and a single pass over the matches collects the
//! page of hits, the exact total, the matching reports and the facet counts over every match.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use ofsearch_schema::authority::AuthorityTable;
use ofsearch_schema::schema::RECORD_REPORT;
use ofsearch_schema::{Area, Fields, Grade, Kind, ReportType};
use serde::{Deserialize, Serialize};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Term;

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
#[serde(default, deny_unknown_fields)]
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
    /// Framework editions (`ilacs-2023`, `sif+lscb`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edition: Vec<String>,
}

impl Filters {
    /// Each field with its values, in facet order, the edition last.
    pub fn by_field(&self) -> [(FilterField, &[String]); 8] {
        [
            (FilterField::Authority, &self.authority),
            (FilterField::Region, &self.region),
            (FilterField::Year, &self.year),
            (FilterField::Type, &self.report_type),
            (FilterField::Area, &self.area),
            (FilterField::Grade, &self.grade),
            (FilterField::Kind, &self.kind),
            (FilterField::Edition, &self.edition),
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
            FilterField::Edition => &mut self.edition,
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
    /// Each framework edition the report records name, with its reports' ids: an edition is
    /// filtered as the set of its reports (paragraphs do not repeat it).
    pub editions: BTreeMap<String, Vec<String>>,
    /// Each report's original address, by report id, where a sidecar gave one (paragraphs do
    /// not repeat it).
    pub urls: HashMap<String, String>,
}

impl Names {
    /// The canonical names in the index that an authority filter's value stands for: the
    /// name itself (any case), else every authority the bundled table resolves it to (an
    /// alias, a former or short name, "St Helens" for "St. Helens", a DfE code; a former
    /// authority with its successors) that has reports here. An ONS code in the index needs
    /// no name (empty). A name the table does not know gets the closest names; one it knows
    /// with no reports here says so.
    fn authorities_named(&self, value: &str) -> Result<Vec<&str>, QueryError> {
        if let Some(name) = find(&self.authorities, value) {
            return Ok(vec![name]);
        }
        let table = AuthorityTable::bundled();
        let resolved = table.resolve(value);
        let held: Vec<&str> = resolved
            .iter()
            .filter_map(|a| find(&self.authorities, &a.name))
            .collect();
        if !held.is_empty() || find(&self.codes, value).is_some() {
            return Ok(held);
        }
        let listed = "`ofsearch names` lists the authorities in the index";
        if !resolved.is_empty() {
            let written: Vec<&str> = resolved.iter().map(|a| a.display_name()).collect();
            return Err(QueryError::Filter(format!(
                "authority '{value}' ({}) has no reports in the index; {listed}",
                or_list(&written)
            )));
        }
        let close: Vec<&str> = table
            .suggest(value, 3)
            .iter()
            .map(|a| a.display_name())
            .collect();
        Err(QueryError::Filter(if close.is_empty() {
            format!("authority '{value}' is not a known authority name or code; {listed}")
        } else {
            format!(
                "authority '{value}' is not a known authority name or code: did you mean {}? \
                 {listed}",
                or_list(&close)
            )
        }))
    }
}

/// "A", "A or B", "A, B or C".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
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

    /// The proximity queries of plain words: each pair of adjacent words as a phrase, the stop
    /// words typed between them kept as gaps, with a slop of one more word (scored, for
    /// ranking only).
    pub fn proximity(&mut self, plain: &crate::plain::Plain) -> Vec<Box<dyn Query>> {
        let field = self.text_field(false);
        let mut pairs: Vec<Box<dyn Query>> = Vec::new();
        for &(i, j, between) in &plain.pairs {
            let (Some(a), Some(b)) = (plain.words.get(i), plain.words.get(j)) else {
                continue;
            };
            let field = if a.exact || b.exact {
                self.fields.text_exact
            } else {
                field
            };
            let mut terms = self.terms(field, &a.text);
            let next = terms.last().map_or(0, |(p, _)| p + 1) + between as usize;
            let second = self.terms(field, &b.text);
            if terms.is_empty() || second.is_empty() {
                continue;
            }
            terms.extend(second.into_iter().map(|(p, t)| (p + next, t)));
            pairs.push(Box::new(PhraseQuery::new_with_offset_and_slop(terms, 1)));
        }
        pairs
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
                let (low, high) = (bound(from, *from_inclusive)?, bound(to, *to_inclusive)?);
                // `[* TO *]`: any year, as in Lucene (a range needs one bound).
                let low = match (low, &high) {
                    (Bound::Unbounded, Bound::Unbounded) => {
                        Bound::Included(Term::from_field_u64(f.year, 0))
                    }
                    (low, _) => low,
                };
                return Ok(Box::new(RangeQuery::new(low, high)));
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
                if let Some(code) = find(&self.names.codes, value) {
                    options.push((Occur::Should, term(f.authority_code, code)));
                }
                for name in self.names.authorities_named(value)? {
                    options.push((Occur::Should, term(f.authority, name)));
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
                let range = value
                    .split_once("..")
                    .or_else(|| value.split_once(['-', '–']));
                if let Some((from, to)) = range {
                    // `2018-` is 2018 onwards, `-2013` up to 2013.
                    let bound = |y: &str| -> Result<Bound<Term>, QueryError> {
                        Ok(match y.trim() {
                            "" | "*" => Bound::Unbounded,
                            y => Bound::Included(Term::from_field_u64(f.year, parse_year(y)?)),
                        })
                    };
                    let (low, high) = (bound(from)?, bound(to)?);
                    if let (Bound::Included(a), Bound::Included(b)) = (&low, &high) {
                        if let (Some(a), Some(b)) = (a.value().as_u64(), b.value().as_u64()) {
                            if a > b {
                                return Err(QueryError::Filter(format!(
                                    "year range '{value}' runs backwards: did you mean {b}-{a}?"
                                )));
                            }
                        }
                    }
                    let low = match (low, &high) {
                        (Bound::Unbounded, Bound::Unbounded) => {
                            return Err(QueryError::Filter(format!(
                                "year '{value}' is not a year or a range such as 2009-2013"
                            )))
                        }
                        (low, _) => low,
                    };
                    Box::new(RangeQuery::new(low, high))
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
            FilterField::Edition => {
                let wanted = value.trim().to_lowercase();
                let Some((_, ids)) = self.names.editions.iter().find(|(e, _)| **e == wanted) else {
                    let known: Vec<&str> = self.names.editions.keys().map(String::as_str).collect();
                    return Err(QueryError::Filter(format!(
                        "edition '{value}' is not in the index (one of: {})",
                        known.join(", ")
                    )));
                };
                Box::new(TermSetQuery::new(
                    ids.iter().map(|id| Term::from_field_text(f.report_id, id)),
                ))
            }
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

/// The base of every search: paragraph records (reports' own records excluded: a short
/// posting list, where requiring the paragraphs' would add a check of a list as long as the
/// index to every candidate), without boilerplate unless asked for. The caller adds at least
/// one `Must` clause.
pub(crate) fn base(fields: &Fields, include_boilerplate: bool) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::MustNot,
        Box::new(TermQuery::new(
            Term::from_field_text(fields.record, RECORD_REPORT),
            IndexRecordOption::Basic,
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
    let _ = column
        .dictionary()
        .sorted_ords_to_term_cb(&sorted, |bytes| {
            if let Some(&ord) = next.next() {
                out.insert(ord, String::from_utf8_lossy(bytes).into_owned());
            }
        });
    out
}

/// A search, as the CLI and the HTTP API make it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// Ranking signals besides BM25 over the text (`crate::rank`).
    pub boosts: Boosts,
    /// Plain words: list only paragraphs with every word, not those with some of them after
    /// (`crate::plain`).
    pub all_words: bool,
    /// Say on each hit why it ranks where it does ([`crate::Explain`]).
    pub explain: bool,
    /// Count over every match: the facet counts and the number of matching reports (on by
    /// default). Off, a request costs only finding, counting and reading its page: the
    /// response's `facets` is empty and its `reports` absent (as when paging through hits
    /// whose counts are already shown). Grouping by report counts the reports anyway.
    pub facets: bool,
}

/// Tunable ranking (`crate::rank`): besides BM25 over the paragraph text, a paragraph scores
/// more when its section headings hold the query's words and when plain words typed together
/// stand together in it, and the kind and length priors scale the score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Boosts {
    /// Weight of BM25 over the section path (headings) for the query's words; 0 turns it off.
    pub section: f32,
    /// Weight of BM25 of adjacent plain words as phrases; 0 turns it off.
    pub proximity: f32,
    /// The kind and length priors (findings before background, sentences before fragments).
    pub priors: bool,
}

impl Boosts {
    /// Each weight is a finite number of 0 or more (else scores would be NaN or infinite).
    pub fn check(&self) -> Result<(), QueryError> {
        for (name, weight) in [("section", self.section), ("proximity", self.proximity)] {
            if !weight.is_finite() || weight < 0.0 {
                return Err(QueryError::Request(format!(
                    "the {name} weight is {weight}: give a finite number, 0 (off) or more"
                )));
            }
        }
        Ok(())
    }
}

impl Default for Boosts {
    fn default() -> Self {
        Boosts {
            section: 0.5,
            proximity: 1.0,
            priors: true,
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
            all_words: false,
            explain: false,
            facets: true,
        }
    }
}
