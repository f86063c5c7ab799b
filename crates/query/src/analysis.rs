//! The researchers' analyses over the paragraphs a query matches: keyword in context
//! ([`kwic`]), the query's frequency year by year ([`trend`], with [`render_bars`] for a
//! terminal) and the words that set one grade's or area's matching paragraphs apart from the
//! others' ([`compare`], Dunning's log-likelihood).
//!
//! All three take a [`SearchRequest`] and a parsed query as a search does: the same filters, and
//! boilerplate left out unless asked for (in [`compare`], always left out). Paging, sorting and
//! grouping of the request do not apply, except that [`kwic`]'s match order follows the
//! request's sort.
//!
//! # KWIC: what an occurrence is
//!
//! The matching paragraphs are read one by one and each is analysed as the index analysed it
//! (the stemmed and the unstemmed analyzers of `ofsearch-schema`, which give the same words at
//! the same offsets). The query (after `expand`, if asked) gives patterns: every word and phrase
//! that is not under `NOT`, in any branch of an `OR`. An occurrence is
//! - for a phrase (or a "word" the analyzer splits, such as `16-year-old`): its words at
//!   consecutive positions; with slop (`"care leavers"~3`), the next word of the phrase at most
//!   the remaining slop away from where it is expected (tantivy's budget: each displacement is
//!   spent from the slop), the keyword then running from the first word to the last;
//! - for a word: each word of the text whose stem (unstemmed form for `exact:` and `--exact`)
//!   is the query word's; for a prefix (`leav*`), each unstemmed word starting with it; for a
//!   fuzzy word (`neglect~1`), each unstemmed word within that Damerau-Levenshtein distance
//!   (tantivy's fuzzy query counts a transposition as one edit).
//!
//! Occurrences that overlap are merged into the first and longest: `"care leavers" care` gives
//! one line for each "care leavers" and one for each other "care". A query of filters alone has
//! no words to show, so no lines.
//!
//! The context is `width` words either side (words as the tokenizer counts them), the text
//! between them kept as printed (punctuation included) with its whitespace collapsed to single
//! spaces, and widened to the nearest whitespace so that the outermost words show whole with
//! their punctuation ("(IDVA)"); at the start or end of a paragraph the context runs to the
//! paragraph's edge. The keyword is the text from its first word to its last, as printed. The
//! source line is the paragraph's first line.
//!
//! # Trend: numerators and denominators
//!
//! Per year (the year facet: the year the inspection ended), and per value of the split if one
//! is asked (grade, canonical area or report type), [`trend`] counts the matching paragraphs and
//! the distinct reports they come from, in one pass of a collector over the fast fields (no
//! document is loaded). The denominator is counted the same way over the paragraphs the query
//! is searched among: paragraph records, boilerplate excluded unless the request or the query
//! asks for it, **the request's filters and the filters that stand at the top level of the query
//! applied** (`authority:Hartlepool neglect` is a rate among Hartlepool's paragraphs, not among
//! all of England's). A filter inside an `OR` or under `NOT` is part of what is counted, not of
//! the population. Within a split, a value's denominator is that value's paragraphs that year:
//! "12 per 1,000 paragraphs graded inadequate in 2015". The rate is
//! `1000 * matching paragraphs / paragraphs indexed`, 0 when nothing is indexed.
//!
//! # Compare: Dunning's log-likelihood
//!
//! The matching paragraphs (never boilerplate) are grouped by grade or canonical area, and their
//! text cut into unstemmed words with the exact analyzer. For a word and a group, with
//! `a` = the word's occurrences in the group, `b` = its occurrences in the other groups,
//! `c` = the group's words, `d` = the other groups' words, and the expected counts
//! `E1 = c (a + b) / (c + d)` and `E2 = d (a + b) / (c + d)`:
//!
//! ```text
//! G2 = 2 (a ln(a / E1) + b ln(b / E2))        (a term with a zero count contributes 0)
//! ```
//!
//! signed: positive when the word is relatively more frequent in the group (`a / c > b / d`),
//! negative when less. Under the null hypothesis G2 follows a chi-squared distribution with one
//! degree of freedom: 3.84 is p < 0.05, 6.63 p < 0.01, 10.83 p < 0.001, 15.13 p < 0.0001.
//! Words with fewer than [`CompareOptions::min_frequency`] occurrences over all the matching
//! paragraphs (default 5) are left out, as are words with no letter (numbers, paragraph
//! numbers), single letters, and with [`CompareOptions::stop_words`] (the default) a short list
//! of English function words ([`STOP_WORDS`]); with [`CompareOptions::exclude_query_words`]
//! (the default) the words the query matches are left out too. Token counts `c` and `d` count
//! every word. Each group lists its most over-used words
//! (highest positive G2 first) and its most under-used (most negative first); ties are broken by
//! the word. A single group has nothing to be compared with: its lists are empty.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use ofsearch_schema::{Area, Grade, ReportType};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::ast::Node;
use crate::words::{Analysers, WordForm as Tok};
use crate::{Hit, QueryError, SearchRequest, Searcher, SourceRef};

// ---------------------------------------------------------------------------------------------
// KWIC
// ---------------------------------------------------------------------------------------------

/// How KWIC lines are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KwicSort {
    /// Paragraphs in the request's order (relevance, newest or oldest; paragraphs that tie, such
    /// as those of one report by date, in index order), occurrences in text order within a
    /// paragraph.
    #[default]
    Match,
    /// By the words left of the keyword, read leftwards (the nearest first), ignoring case.
    Left,
    /// By the words right of the keyword, read rightwards, ignoring case.
    Right,
}

/// One occurrence of the query in a matching paragraph, with its context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KwicLine {
    /// Up to `width` words before the keyword, as printed (whitespace collapsed).
    pub left: String,
    /// The occurrence: a word, or a whole phrase.
    pub keyword: String,
    /// Up to `width` words after the keyword, as printed (whitespace collapsed).
    pub right: String,
    /// A citation ready to paste.
    pub citation: String,
    /// Report id.
    pub report_id: String,
    /// Canonical authority name.
    pub authority: String,
    /// Year.
    pub year: Option<u64>,
    /// Report type name.
    pub report_type: String,
    /// Canonical area of the paragraph.
    pub area_canonical: String,
    /// Canonical grade of the paragraph.
    pub grade: String,
    /// Paragraph kind.
    pub kind: String,
    /// 1-based position of the paragraph in its report.
    pub ordinal: u64,
    /// Byte offset of the keyword in the paragraph's text.
    pub offset: usize,
    /// Source file and the paragraph's first line.
    pub source: SourceRef,
}

/// Every occurrence of the query's words and phrases in every paragraph the request matches,
/// with `width` words of context either side (see the module documentation).
pub fn kwic(
    searcher: &Searcher,
    request: &SearchRequest,
    node: &Node,
    width: usize,
    sort: KwicSort,
) -> Result<Vec<KwicLine>, QueryError> {
    let compiled = searcher.compile(request, node)?;
    let patterns = Patterns::from_node(&compiled.node, request.exact);
    let mut lines = Vec::new();
    if patterns.is_empty() {
        return Ok(lines);
    }
    let mut analysers = Analysers::default();
    searcher.each_match(request, node, |hit: Hit| -> Result<(), QueryError> {
        // Bounded per paragraph, as snippets are.
        let tokens = analysers.forms(crate::snippet::scanned(&hit.text));
        for span in patterns.occurrences(&tokens) {
            lines.push(line(&hit, &tokens, span, width));
        }
        Ok(())
    })?;
    match sort {
        KwicSort::Match => {}
        KwicSort::Left => {
            let mut keyed: Vec<(Vec<String>, KwicLine)> = lines
                .into_iter()
                .map(|l| {
                    let mut words = analysers.words(&l.left);
                    words.reverse();
                    (words, l)
                })
                .collect();
            keyed.sort_by(|a, b| {
                a.0.cmp(&b.0)
                    .then_with(|| a.1.keyword.to_lowercase().cmp(&b.1.keyword.to_lowercase()))
            });
            lines = keyed.into_iter().map(|(_, l)| l).collect();
        }
        KwicSort::Right => {
            let mut keyed: Vec<(Vec<String>, KwicLine)> = lines
                .into_iter()
                .map(|l| (analysers.words(&l.right), l))
                .collect();
            keyed.sort_by(|a, b| {
                a.0.cmp(&b.0)
                    .then_with(|| a.1.keyword.to_lowercase().cmp(&b.1.keyword.to_lowercase()))
            });
            lines = keyed.into_iter().map(|(_, l)| l).collect();
        }
    }
    Ok(lines)
}

/// How one word of a pattern matches a word of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TermMatch {
    Stem(String),
    Exact(String),
    Prefix(String),
    Fuzzy(String, u8),
}

impl TermMatch {
    fn matches(&self, tok: &Tok) -> bool {
        match self {
            TermMatch::Stem(s) => tok.stem == *s,
            TermMatch::Exact(s) => tok.exact == *s,
            TermMatch::Prefix(p) => tok.exact.starts_with(p.as_str()),
            TermMatch::Fuzzy(s, d) => within_distance(&tok.exact, s, usize::from(*d)),
        }
    }
}

/// A word or phrase of the query: its words in order, and the slop allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    terms: Vec<TermMatch>,
    slop: u32,
}

/// The patterns of a query.
#[derive(Debug, Default)]
struct Patterns(Vec<Pattern>);

impl Patterns {
    fn from_node(node: &Node, all_exact: bool) -> Patterns {
        let mut patterns = Patterns::default();
        let mut analysers = Analysers::default();
        patterns.walk(node, all_exact, &mut analysers);
        patterns.0.dedup();
        patterns
    }

    fn walk(&mut self, node: &Node, all_exact: bool, a: &mut Analysers) {
        match node {
            Node::Word(w) if w.prefix || w.fuzzy.is_some() => {
                // As the compiler does: one unstemmed word, else nothing searchable.
                if let [token] = a.exact(&w.text).as_slice() {
                    let term = match w.fuzzy {
                        Some(d) if !w.prefix => TermMatch::Fuzzy(token.text.clone(), d.min(2)),
                        _ => TermMatch::Prefix(token.text.clone()),
                    };
                    if !matches!(&term, TermMatch::Prefix(p) if p.is_empty()) {
                        self.0.push(Pattern {
                            terms: vec![term],
                            slop: 0,
                        });
                    }
                }
            }
            Node::Word(w) => self.sequence(&w.text, w.exact || all_exact, 0, a),
            Node::Phrase(p) => self.sequence(&p.text, p.exact || all_exact, p.slop, a),
            Node::All(parts) | Node::Any(parts) => {
                for part in parts {
                    self.walk(part, all_exact, a);
                }
            }
            Node::Boost(inner, _) => self.walk(inner, all_exact, a),
            Node::Not(_) | Node::Filter(_) => {}
        }
    }

    fn sequence(&mut self, text: &str, exact: bool, slop: u32, a: &mut Analysers) {
        let terms: Vec<TermMatch> = if exact {
            a.exact(text)
                .into_iter()
                .map(|t| TermMatch::Exact(t.text))
                .collect()
        } else {
            a.stemmed(text)
                .into_iter()
                .map(|t| TermMatch::Stem(t.text))
                .collect()
        };
        if !terms.is_empty() {
            self.0.push(Pattern { terms, slop });
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a word of the text matches any word of any pattern.
    fn matches_word(&self, tok: &Tok) -> bool {
        self.0
            .iter()
            .any(|p| p.terms.iter().any(|term| term.matches(tok)))
    }

    /// The occurrences in a paragraph's words, as ranges of word indices (first..=last), in
    /// text order, overlapping ones merged into the earliest and longest.
    fn occurrences(&self, tokens: &[Tok]) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        for pattern in &self.0 {
            for start in 0..tokens.len() {
                if let Some(span) = pattern.at(tokens, start) {
                    spans.push(span);
                }
            }
        }
        spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut kept: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for span in spans {
            match kept.last() {
                Some(last) if span.0 <= last.1 => {}
                _ => kept.push(span),
            }
        }
        kept
    }
}

impl Pattern {
    /// The occurrence whose first word is `tokens[start]`, if any.
    fn at(&self, tokens: &[Tok], start: usize) -> Option<(usize, usize)> {
        let (first, rest) = self.terms.split_first()?;
        if !first.matches(&tokens[start]) {
            return None;
        }
        let (mut lo, mut hi) = (start, start);
        let mut previous = tokens[start].position;
        let mut budget = self.slop as usize;
        let mut used = vec![start];
        for term in rest {
            let expected = previous + 1;
            // The matching word nearest where it is expected, within the remaining budget.
            let best = tokens
                .iter()
                .enumerate()
                .filter(|(i, t)| {
                    !used.contains(i) && t.position.abs_diff(expected) <= budget && term.matches(t)
                })
                .min_by_key(|(_, t)| t.position.abs_diff(expected))?;
            budget -= best.1.position.abs_diff(expected);
            previous = best.1.position;
            used.push(best.0);
            lo = lo.min(best.0);
            hi = hi.max(best.0);
        }
        Some((lo, hi))
    }
}

/// Whether `a` and `b` are within `max` edits (insertions, deletions, substitutions and
/// transpositions of adjacent characters: optimal string alignment distance).
fn within_distance(a: &str, b: &str, max: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()] <= max
}

/// Whitespace runs collapsed to single spaces, ends trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `at` moved back to just after the whitespace before it (or the start of the text).
fn to_whitespace_before(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|before| {
            before
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map(|(i, c)| i + c.len_utf8())
        })
        .unwrap_or(0)
}

/// `at` moved on to the whitespace after it (or the end of the text).
fn to_whitespace_after(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|after| after.find(char::is_whitespace).map(|i| at + i))
        .unwrap_or(text.len())
}

/// The KWIC line of the occurrence `span` (word indices) in a hit's text.
fn line(hit: &Hit, tokens: &[Tok], span: (usize, usize), width: usize) -> KwicLine {
    let text = hit.text.as_str();
    let (first, last) = (&tokens[span.0], &tokens[span.1]);
    let (left_from, right_to) = if width == 0 {
        (first.from, last.to)
    } else {
        // Widened to whitespace, so that the outermost words show whole, with their
        // punctuation ("(IDVA)", not "(IDVA").
        let from = span.0.checked_sub(width).map_or(0, |i| tokens[i].from);
        let to = tokens.get(span.1 + width).map_or(text.len(), |t| t.to);
        (
            to_whitespace_before(text, from),
            to_whitespace_after(text, to),
        )
    };
    let slice = |from: usize, to: usize| collapse(text.get(from..to).unwrap_or(""));
    KwicLine {
        left: slice(left_from, first.from),
        keyword: slice(first.from, last.to),
        right: slice(last.to, right_to),
        citation: hit.citation.clone(),
        report_id: hit.report_id.clone(),
        authority: hit.authority.clone(),
        year: hit.year,
        report_type: hit.report_type.clone(),
        area_canonical: hit.area_canonical.clone(),
        grade: hit.grade.clone(),
        kind: hit.kind.clone(),
        ordinal: hit.ordinal,
        offset: first.from,
        source: hit.source.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Trend
// ---------------------------------------------------------------------------------------------

/// A second dimension for [`trend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// By canonical grade.
    Grade,
    /// By canonical area.
    Area,
    /// By report type.
    Type,
}

impl Split {
    /// The fast field holding the split's value.
    fn field(self) -> &'static str {
        match self {
            Split::Grade => "grade",
            Split::Area => "area_canonical",
            Split::Type => "report_type",
        }
    }

    /// The vocabulary's names, in order (values are listed in this order).
    fn order(self) -> Vec<&'static str> {
        match self {
            Split::Grade => Grade::ALL.iter().map(|v| v.as_str()).collect(),
            Split::Area => Area::ALL.iter().map(|v| v.as_str()).collect(),
            Split::Type => ReportType::ALL.iter().map(|v| v.as_str()).collect(),
        }
    }
}

/// Counts for one year (or one split value of a year, or the whole span).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TrendCounts {
    /// Matching paragraphs.
    pub paragraphs: u64,
    /// Distinct reports with a matching paragraph.
    pub reports: u64,
    /// Paragraphs indexed (the denominator: see the module documentation).
    pub indexed_paragraphs: u64,
    /// Distinct reports among the paragraphs indexed.
    pub indexed_reports: u64,
    /// Matching paragraphs per 1,000 paragraphs indexed.
    pub per_1000: f64,
}

/// One value of the split within a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendSplit {
    /// The value (`inadequate`, `care-leavers`, `sif`).
    pub value: String,
    /// Its counts that year.
    #[serde(flatten)]
    pub counts: TrendCounts,
}

/// One year of a trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendYear {
    /// The year (none for paragraphs without one).
    pub year: Option<u64>,
    /// The year's counts.
    #[serde(flatten)]
    pub counts: TrendCounts,
    /// Per value of the split (in vocabulary order), if one was asked; every value with
    /// paragraphs indexed that year.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub split: Vec<TrendSplit>,
}

/// The query's frequency year by year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// The split asked for.
    pub split_by: Option<Split>,
    /// Every year with paragraphs indexed, oldest first (a year without one last).
    pub years: Vec<TrendYear>,
    /// All years together.
    pub total: TrendCounts,
}

/// Per year (and split value), matching paragraphs and reports against the paragraphs indexed
/// (see the module documentation for the denominator).
pub fn trend(
    searcher: &Searcher,
    request: &SearchRequest,
    node: &Node,
    split: Option<Split>,
) -> Result<Trend, QueryError> {
    let compiled = searcher.compile(request, node)?;
    // The population: the request's filters and the query's top-level filters, the same base.
    let population_request = SearchRequest {
        expand: false,
        include_boilerplate: request.include_boilerplate
            || crate::asks_for_boilerplate(&compiled.node, &request.filters),
        ..request.clone()
    };
    let population = searcher.compile(
        &population_request,
        &Node::All(top_level_filters(&compiled.node)),
    )?;
    let collector = TrendCollector {
        split: split.map(Split::field),
    };
    let (matched, indexed) = searcher.guarded(|| {
        let tantivy_searcher = &searcher.searcher;
        let matched = tantivy_searcher.search(&compiled.query, &collector)?;
        let indexed = tantivy_searcher.search(&population.query, &collector)?;
        Ok((matched, indexed))
    })?;
    Ok(assemble(split, &matched, &indexed))
}

/// The filters that every match must satisfy: the node itself if a filter, or the filters
/// among the parts of a top-level `All` (boosts looked through).
fn top_level_filters(node: &Node) -> Vec<Node> {
    fn unboost(node: &Node) -> &Node {
        match node {
            Node::Boost(inner, _) => unboost(inner),
            other => other,
        }
    }
    match unboost(node) {
        filter @ Node::Filter(_) => vec![filter.clone()],
        Node::All(parts) => parts
            .iter()
            .map(unboost)
            .filter(|p| matches!(p, Node::Filter(_)))
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// Paragraphs and reports by (year, split value); the split value is empty without a split.
type Tallies = HashMap<(Option<u64>, String), (u64, HashSet<String>)>;

fn rate(paragraphs: u64, indexed: u64) -> f64 {
    if indexed == 0 {
        0.0
    } else {
        1000.0 * paragraphs as f64 / indexed as f64
    }
}

fn counts(
    matched: Option<&(u64, HashSet<String>)>,
    indexed: Option<&(u64, HashSet<String>)>,
) -> TrendCounts {
    let (paragraphs, reports) = matched.map_or((0, 0), |(n, r)| (*n, r.len() as u64));
    let (indexed_paragraphs, indexed_reports) =
        indexed.map_or((0, 0), |(n, r)| (*n, r.len() as u64));
    TrendCounts {
        paragraphs,
        reports,
        indexed_paragraphs,
        indexed_reports,
        per_1000: rate(paragraphs, indexed_paragraphs),
    }
}

/// Sums tallies over the split (per year) or over everything (`None` key).
fn roll_up<K: Ord + Clone>(
    tallies: &Tallies,
    key: impl Fn(&Option<u64>) -> K,
) -> BTreeMap<K, (u64, HashSet<String>)> {
    let mut out: BTreeMap<K, (u64, HashSet<String>)> = BTreeMap::new();
    for ((year, _), (n, reports)) in tallies {
        let entry = out.entry(key(year)).or_default();
        entry.0 += n;
        entry.1.extend(reports.iter().cloned());
    }
    out
}

fn assemble(split: Option<Split>, matched: &Tallies, indexed: &Tallies) -> Trend {
    // Years: oldest first, `None` last.
    let year_key = |y: &Option<u64>| (y.is_none(), y.unwrap_or(0));
    let matched_years = roll_up(matched, |y| year_key(y));
    let indexed_years = roll_up(indexed, |y| year_key(y));
    let all_years: BTreeSet<(bool, u64)> = matched_years
        .keys()
        .chain(indexed_years.keys())
        .copied()
        .collect();
    let order = split.map(Split::order).unwrap_or_default();
    let rank = |value: &str| {
        order
            .iter()
            .position(|v| *v == value)
            .unwrap_or(order.len())
    };
    let mut years = Vec::with_capacity(all_years.len());
    for key in all_years {
        let year = (!key.0).then_some(key.1);
        let mut values: Vec<&String> = matched
            .keys()
            .chain(indexed.keys())
            .filter(|(y, _)| *y == year)
            .map(|(_, v)| v)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        values.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
        let split_rows = if split.is_some() {
            values
                .into_iter()
                .map(|value| {
                    let k = (year, value.clone());
                    TrendSplit {
                        value: value.clone(),
                        counts: counts(matched.get(&k), indexed.get(&k)),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        years.push(TrendYear {
            year,
            counts: counts(matched_years.get(&key), indexed_years.get(&key)),
            split: split_rows,
        });
    }
    let total = counts(
        roll_up(matched, |_| ()).get(&()),
        roll_up(indexed, |_| ()).get(&()),
    );
    Trend {
        split_by: split,
        years,
        total,
    }
}

/// Counts paragraphs and distinct reports by year and split value from the fast fields.
struct TrendCollector {
    split: Option<&'static str>,
}

/// Within a segment: (year, split value's ord) -> (paragraphs, reports' ords).
type SegmentTallies = HashMap<(Option<u64>, Option<u64>), (u64, HashSet<u64>)>;

struct TrendSegment {
    year: Column<u64>,
    report: Option<StrColumn>,
    split: Option<StrColumn>,
    tallies: SegmentTallies,
}

impl Collector for TrendCollector {
    type Fruit = Tallies;
    type Child = TrendSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TrendSegment> {
        let fast = reader.fast_fields();
        Ok(TrendSegment {
            year: fast.u64("year")?,
            report: fast.str("report_id")?,
            split: match self.split {
                Some(field) => fast.str(field)?,
                None => None,
            },
            tallies: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tallies>) -> tantivy::Result<Tallies> {
        let mut out = Tallies::new();
        for fruit in fruits {
            for (key, (n, reports)) in fruit {
                let entry = out.entry(key).or_default();
                entry.0 += n;
                entry.1.extend(reports);
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for TrendSegment {
    type Fruit = Tallies;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let year = self.year.first(doc);
        let split = self.split.as_ref().and_then(|c| c.term_ords(doc).next());
        let report = self.report.as_ref().and_then(|c| c.term_ords(doc).next());
        let entry = self.tallies.entry((year, split)).or_default();
        entry.0 += 1;
        if let Some(report) = report {
            entry.1.insert(report);
        }
    }

    fn harvest(self) -> Tallies {
        let names = |column: &Option<StrColumn>, ords: Vec<u64>| match column {
            Some(column) => crate::search::ord_names(column, ords),
            None => HashMap::new(),
        };
        let splits = names(
            &self.split,
            self.tallies
                .keys()
                .filter_map(|(_, split)| *split)
                .collect(),
        );
        let reports = names(
            &self.report,
            self.tallies
                .values()
                .flat_map(|(_, reports)| reports.iter().copied())
                .collect(),
        );
        let name = |names: &HashMap<u64, String>, ord: Option<u64>| -> String {
            ord.and_then(|ord| names.get(&ord).cloned())
                .unwrap_or_default()
        };
        let mut out = Tallies::new();
        for ((year, split), (n, matched)) in self.tallies {
            let entry = out.entry((year, name(&splits, split))).or_default();
            entry.0 += n;
            entry
                .1
                .extend(matched.into_iter().map(|r| name(&reports, Some(r))));
        }
        out
    }
}

/// Fewer reports than this indexed in a year (or a year's value) make its rate rest on too
/// little text to set the scale of a chart: one paragraph in the one report of a year is a rate
/// of 37 per 1,000.
pub const SMALL_BASE_REPORTS: u64 = 5;

/// Width of the longest bar of [`render_bars`], in characters.
pub const BAR_WIDTH: usize = 40;

/// The trend as text bars, one row per year (and per split value) and one for all years,
/// scaled to the highest rate among the years and values resting on at least
/// [`SMALL_BASE_REPORTS`] reports (among all of them when none does): a row from fewer is marked `*` (its bar cut at the full width), and a note under the
/// chart says so.
pub fn render_bars(trend: &Trend) -> String {
    let rows: Vec<(String, &TrendCounts)> = trend
        .years
        .iter()
        .flat_map(|y| {
            let label = y
                .year
                .map_or_else(|| "unknown".to_string(), |y| y.to_string());
            std::iter::once((label, &y.counts)).chain(
                y.split
                    .iter()
                    .map(|s| (format!("  {}", s.value), &s.counts)),
            )
        })
        .chain(std::iter::once(("all".to_string(), &trend.total)))
        .collect();
    let small = |c: &TrendCounts| c.indexed_reports < SMALL_BASE_REPORTS;
    // The years and their values set the scale; the total, an average of them, does not.
    let highest = |pick: &dyn Fn(&TrendCounts) -> bool| {
        rows[..rows.len() - 1]
            .iter()
            .filter(|(_, c)| pick(c))
            .map(|(_, c)| c.per_1000)
            .fold(0.0_f64, f64::max)
    };
    let max = match highest(&|c| !small(c)) {
        m if m > 0.0 => m,
        _ => highest(&|_| true),
    };
    let label_width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .chain(std::iter::once(7))
        .max()
        .unwrap_or(7);
    let mut out = String::new();
    for (label, counts) in &rows {
        let _ = writeln!(
            out,
            "{label:<label_width$} {bar:<BAR_WIDTH$} {rate:>7.2}{mark} per 1,000  ({p} of {i} paragraphs; {r} of {ir} reports)",
            bar = bar(counts.per_1000, max),
            rate = counts.per_1000,
            mark = if small(counts) { "*" } else { " " },
            p = counts.paragraphs,
            i = counts.indexed_paragraphs,
            r = counts.reports,
            ir = counts.indexed_reports,
        );
    }
    if rows.iter().any(|(_, c)| small(c)) {
        let _ = writeln!(
            out,
            "* fewer than {SMALL_BASE_REPORTS} reports indexed: a rate from so little text says little, and does not set the bars' scale"
        );
    }
    out
}

fn bar(value: f64, max: f64) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if max <= 0.0 || value <= 0.0 || !value.is_finite() {
        return String::new();
    }
    let eighths = ((value / max) * (BAR_WIDTH * 8) as f64).round() as usize;
    let eighths = eighths.clamp(1, BAR_WIDTH * 8);
    let mut out = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        out.push(PARTS[eighths % 8]);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Compare
// ---------------------------------------------------------------------------------------------

/// The groups [`compare`] sets against each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareBy {
    /// Canonical grade.
    Grade,
    /// Canonical area.
    Area,
}

/// Settings of [`compare_with`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareOptions {
    /// The groups. Default: grade.
    pub by: CompareBy,
    /// Words listed per group, over-used and under-used each. Default: 20.
    pub top: usize,
    /// Words with fewer occurrences than this over all the matching paragraphs are left out.
    /// Default: 5.
    pub min_frequency: u64,
    /// Leave out [`STOP_WORDS`]. Default: true.
    pub stop_words: bool,
    /// Leave out the words the query itself matches (they are in every matching paragraph by
    /// construction, so they only measure how long each group's paragraphs are). Default: true.
    pub exclude_query_words: bool,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            by: CompareBy::Grade,
            top: 20,
            min_frequency: 5,
            stop_words: true,
            exclude_query_words: true,
        }
    }
}

/// English function words left out by [`compare`] (articles, pronouns, auxiliaries,
/// prepositions, conjunctions): frequent everywhere, they say nothing of a group. Negations
/// ("not", "no") are kept: in inspection reports they mark weakness ("is not consistently").
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "being", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have",
    "he", "her", "his", "how", "if", "in", "into", "is", "it", "its", "may", "more", "most",
    "must", "of", "on", "or", "other", "our", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "them", "there", "these", "they", "this", "those", "through", "to",
    "up", "upon", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "whose", "will", "with", "within", "would", "you", "your",
];

/// One word's keyness in a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Keyword {
    /// The word (unstemmed, lower case).
    pub term: String,
    /// Signed log-likelihood: positive when over-used in the group, negative when under-used.
    pub g2: f64,
    /// Occurrences in the group's matching paragraphs.
    pub freq: u64,
    /// Occurrences in the other groups' matching paragraphs.
    pub freq_elsewhere: u64,
}

/// One group of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareGroup {
    /// The grade or area.
    pub value: String,
    /// Matching paragraphs in the group.
    pub paragraphs: u64,
    /// Words in them (every word counts here, including those left out of the lists).
    pub tokens: u64,
    /// The most over-used words, highest G2 first.
    pub over: Vec<Keyword>,
    /// The most under-used words, most negative G2 first.
    pub under: Vec<Keyword>,
}

/// The words that set each group's matching paragraphs apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The grouping.
    pub by: CompareBy,
    /// Words with fewer occurrences overall were left out.
    pub min_frequency: u64,
    /// Whether [`STOP_WORDS`] were left out.
    pub stop_words: bool,
    /// Whether the query's own words were left out.
    pub exclude_query_words: bool,
    /// The groups, in vocabulary order (grades best first).
    pub groups: Vec<CompareGroup>,
}

/// Dunning's log-likelihood G2 of a word occurring `a` times in `c` words of a corpus and `b`
/// times in `d` words of another, signed: negative when the word is relatively less frequent in
/// the first. 0 when either corpus is empty or the word occurs in neither.
pub fn log_likelihood(a: u64, b: u64, c: u64, d: u64) -> f64 {
    if c == 0 || d == 0 || a + b == 0 {
        return 0.0;
    }
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    let e1 = c * (a + b) / (c + d);
    let e2 = d * (a + b) / (c + d);
    let part = |o: f64, e: f64| if o > 0.0 { o * (o / e).ln() } else { 0.0 };
    let g2 = 2.0 * (part(a, e1) + part(b, e2));
    if a / c < b / d {
        -g2
    } else {
        g2
    }
}

/// [`compare_with`] with the default options but `by` and `top`.
pub fn compare(
    searcher: &Searcher,
    request: &SearchRequest,
    node: &Node,
    by: CompareBy,
    top: usize,
) -> Result<Comparison, QueryError> {
    let options = CompareOptions {
        by,
        top,
        ..CompareOptions::default()
    };
    compare_with(searcher, request, node, &options)
}

/// For each grade or area among the paragraphs the request matches, the words most over- and
/// under-used there against the other groups (see the module documentation).
pub fn compare_with(
    searcher: &Searcher,
    request: &SearchRequest,
    node: &Node,
    options: &CompareOptions,
) -> Result<Comparison, QueryError> {
    struct Group {
        paragraphs: u64,
        tokens: u64,
        counts: HashMap<String, u64>,
    }
    let request = SearchRequest {
        include_boilerplate: false,
        ..request.clone()
    };
    let patterns = if options.exclude_query_words {
        let compiled = searcher.compile(&request, node)?;
        Patterns::from_node(&compiled.node, request.exact)
    } else {
        Patterns::default()
    };
    let mut analysers = Analysers::default();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    searcher.each_match(&request, node, |hit: Hit| -> Result<(), QueryError> {
        if hit.kind == ofsearch_schema::Kind::Boilerplate.as_str() {
            return Ok(());
        }
        let value = match options.by {
            CompareBy::Grade => hit.grade,
            CompareBy::Area => hit.area_canonical,
        };
        let group = groups.entry(value).or_insert_with(|| Group {
            paragraphs: 0,
            tokens: 0,
            counts: HashMap::new(),
        });
        group.paragraphs += 1;
        for token in analysers.forms(&hit.text) {
            group.tokens += 1;
            if !patterns.matches_word(&token) {
                *group.counts.entry(token.exact).or_default() += 1;
            }
        }
        Ok(())
    })?;

    let stop: HashSet<&str> = if options.stop_words {
        STOP_WORDS.iter().copied().collect()
    } else {
        HashSet::new()
    };
    let mut overall: HashMap<&str, u64> = HashMap::new();
    for group in groups.values() {
        for (term, n) in &group.counts {
            *overall.entry(term.as_str()).or_default() += n;
        }
    }
    let all_tokens: u64 = groups.values().map(|g| g.tokens).sum();
    let vocabulary: Vec<(&str, u64)> = overall
        .iter()
        .filter(|(term, n)| {
            **n >= options.min_frequency
                && term.chars().any(char::is_alphabetic)
                && term.chars().count() > 1
                && !stop.contains(**term)
        })
        .map(|(t, n)| (*t, *n))
        .collect();

    let order: Vec<&str> = match options.by {
        CompareBy::Grade => Grade::ALL.iter().map(|v| v.as_str()).collect(),
        CompareBy::Area => Area::ALL.iter().map(|v| v.as_str()).collect(),
    };
    let rank = |v: &str| order.iter().position(|o| *o == v).unwrap_or(order.len());
    let mut out = Vec::with_capacity(groups.len());
    for (value, group) in &groups {
        let elsewhere_tokens = all_tokens - group.tokens;
        let mut scored: Vec<Keyword> = vocabulary
            .iter()
            .map(|(term, total)| {
                let freq = group.counts.get(*term).copied().unwrap_or(0);
                let freq_elsewhere = total - freq;
                Keyword {
                    term: (*term).to_string(),
                    g2: log_likelihood(freq, freq_elsewhere, group.tokens, elsewhere_tokens),
                    freq,
                    freq_elsewhere,
                }
            })
            .filter(|k| k.g2 != 0.0)
            .collect();
        scored.sort_by(|a, b| b.g2.total_cmp(&a.g2).then_with(|| a.term.cmp(&b.term)));
        let over: Vec<Keyword> = scored
            .iter()
            .filter(|k| k.g2 > 0.0)
            .take(options.top)
            .cloned()
            .collect();
        let under: Vec<Keyword> = scored
            .iter()
            .rev()
            .filter(|k| k.g2 < 0.0)
            .take(options.top)
            .cloned()
            .collect();
        out.push(CompareGroup {
            value: value.clone(),
            paragraphs: group.paragraphs,
            tokens: group.tokens,
            over,
            under,
        });
    }
    out.sort_by(|a, b| {
        rank(&a.value)
            .cmp(&rank(&b.value))
            .then_with(|| a.value.cmp(&b.value))
    });
    Ok(Comparison {
        by: options.by,
        min_frequency: options.min_frequency,
        stop_words: options.stop_words,
        exclude_query_words: options.exclude_query_words,
        groups: out,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn negations_are_not_stop_words() {
        assert!(!STOP_WORDS.contains(&"not") && !STOP_WORDS.contains(&"no"));
    }

    use super::*;

    #[test]
    fn g2_matches_a_worked_example() {
        // Rayson & Garside's example layout: a = 10 in c = 10,000 words, b = 20 in
        // d = 90,000 words. E1 = 10,000 * 30 / 100,000 = 3; E2 = 27.
        // G2 = 2 (10 ln(10/3) + 20 ln(20/27)) = 2 (12.0397 - 6.0020) = 12.0754.
        let g2 = log_likelihood(10, 20, 10_000, 90_000);
        assert!((g2 - 12.0754).abs() < 1e-3, "{g2}");
        // The same counts the other way round: under-use, same magnitude.
        let under = log_likelihood(20, 10, 90_000, 10_000);
        assert!((under + 12.0754).abs() < 1e-3, "{under}");
        // Equal relative frequencies: nothing to say.
        assert!(log_likelihood(5, 45, 1_000, 9_000).abs() < 1e-9);
        // A zero count contributes nothing: a = 0, b = 10, c = d = 1,000:
        // E2 = 5, G2 = 2 * 10 ln(10/5) = 13.8629, under-used.
        let absent = log_likelihood(0, 10, 1_000, 1_000);
        assert!((absent + 13.8629).abs() < 1e-3, "{absent}");
        // An empty side: 0.
        assert_eq!(log_likelihood(3, 0, 100, 0), 0.0);
        assert_eq!(log_likelihood(0, 0, 100, 100), 0.0);
    }

    #[test]
    fn damerau_distance() {
        assert!(within_distance("neglect", "neglect", 0));
        assert!(within_distance("neglect", "negelct", 1)); // transposition
        assert!(within_distance("neglect", "neglet", 1)); // deletion
        assert!(!within_distance("neglect", "nglet", 1));
        assert!(within_distance("neglect", "nglet", 2));
    }

    fn occurrences(query: &Node, text: &str) -> Vec<String> {
        let patterns = Patterns::from_node(query, false);
        let tokens = Analysers::default().forms(text);
        patterns
            .occurrences(&tokens)
            .into_iter()
            .map(|(a, b)| text[tokens[a].from..tokens[b].to].to_string())
            .collect()
    }

    fn phrase(text: &str, slop: u32) -> Node {
        Node::Phrase(crate::ast::Phrase {
            text: text.into(),
            slop,
            exact: false,
        })
    }

    fn word(text: &str) -> Node {
        Node::Word(crate::ast::Word {
            text: text.into(),
            prefix: false,
            fuzzy: None,
            exact: false,
            loose: false,
        })
    }

    #[test]
    fn occurrences_of_words_and_phrases() {
        let text = "Care leavers say care is good; leavers of care and Care  Leavers' views.";
        assert_eq!(
            occurrences(&phrase("care leavers", 0), text),
            ["Care leavers", "Care  Leavers"]
        );
        // A word stems: "leavers" finds "leavers", "Leavers'".
        assert_eq!(
            occurrences(&word("leaver"), text),
            ["leavers", "leavers", "Leavers"]
        );
        // Overlaps merge into the longest: the phrase, then every other "care".
        let both = Node::All(vec![phrase("care leavers", 0), word("care")]);
        assert_eq!(
            occurrences(&both, text),
            ["Care leavers", "care", "care", "Care  Leavers"]
        );
        // Slop: "care for leavers" is within 1; "leavers of care" within 3 (tantivy's
        // budget: "leavers" is 3 positions from where it is expected after "care").
        let slopped = "care for leavers; leavers of care";
        assert_eq!(
            occurrences(&phrase("care leavers", 1), slopped),
            ["care for leavers"]
        );
        assert_eq!(
            occurrences(&phrase("care leavers", 3), slopped),
            ["care for leavers", "leavers of care"]
        );
        // NOT and filters give no pattern.
        let not = Node::All(vec![word("good"), Node::Not(Box::new(word("care")))]);
        assert_eq!(occurrences(&not, text), ["good"]);
    }
}
