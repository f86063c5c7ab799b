//! Ranking: what adds to or scales a match's score without widening or re-walking the match.
//!
//! A match's score is
//!
//! ```text
//! (BM25 of the query over the text + section + proximity) x kind prior x length prior
//! ```
//!
//! - **section**: the BM25 of the query's words in the section headings (weighted);
//! - **proximity**: for plain words typed next to each other, the BM25 of each pair as a
//!   phrase (with room for the stop words typed between them), so that `special guardianship`
//!   ranks the phrase first (weighted); read in a second phase, for the best
//!   [`RERANK_WINDOW`] paragraphs by the other signals only ([`Ranked::first_phase`]);
//! - **kind prior** ([`kind_prior`]): the inspectors' findings (judgement and summary text)
//!   count in full, the rest (recommendations, context sections, cover lines and other
//!   untagged text, boilerplate) at half;
//! - **length prior** ([`length_prior`]): a paragraph shorter than a typical sentence
//!   ([`FULL_LENGTH`] words) counts as the square root of its share of one, so that a
//!   statistics line or a fragment, which BM25 favours for its shortness, does not outrank a
//!   finding.
//!
//! Written as `Should` clauses beside the match, tantivy would union them: the section
//! clause's phrases checked on every paragraph whose heading has the words (at 1 GB a third of
//! the time of a filtered phrase search). [`Ranked`] instead walks only the matches: for each
//! match it asks the section scorer and each word pair's phrase scorer about that one
//! document ([`DocSet::seek_danger`]; the pairs apart, not as a union, whose seek would look
//! for the next phrase match instead of answering about one document), and reads the
//! paragraph's kind from its fast column and its length from the text's field norms.

use std::fmt;

use serde::{Deserialize, Serialize};
use tantivy::columnar::Column;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TantivyError, Term};

use ofsearch_schema::Kind;

/// Paragraphs of this many words or more carry their whole score (about one sentence).
pub const FULL_LENGTH: u32 = 25;

/// The share of the score a paragraph of `words` words keeps: `sqrt(words / FULL_LENGTH)`,
/// at most 1.
pub fn length_prior(words: u32) -> Score {
    (words.clamp(1, FULL_LENGTH) as Score / FULL_LENGTH as Score).sqrt()
}

/// The share of the score a paragraph of kind `kind` keeps: 1 for the inspectors' findings
/// (judgement and summary text), 1/2 for the rest: recommendations (what should improve,
/// named without what was found), background (context sections with their statistics, cover
/// lines and other untagged text) and boilerplate.
pub fn kind_prior(kind: Kind) -> Score {
    match kind {
        Kind::Judgement | Kind::Summary => 1.0,
        Kind::Recommendations | Kind::Context | Kind::Other | Kind::Boilerplate => 0.5,
    }
}

/// A query whose matches are those of `matched`, scored as `matched` plus the scores of
/// `section` and `proximity` where they also match, times the priors.
pub struct Ranked {
    /// What matches, and its score.
    pub matched: Box<dyn Query>,
    /// Added to the score where it matches too; never adds matches.
    pub section: Option<Box<dyn Query>>,
    /// Each added to the score where it matches too; never add matches.
    pub proximity: Vec<Box<dyn Query>>,
    /// The kind and length priors, the length read from this text field's norms; `None` for
    /// none.
    pub priors: Option<Field>,
    /// Each document's kind, read once per commit: the kind prior is then one array read per
    /// match instead of a column's decoding (`None`: read from the `kind` column).
    pub kinds: Option<KindPriors>,
}

/// The documents' kinds of a commit, as its count tables hold them.
#[derive(Clone, Debug)]
pub struct KindPriors(pub(crate) std::sync::Arc<crate::counts::Tables>);

/// Why a match scores what it scores: the parts of [`Ranked`]'s formula for one paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Signals {
    /// BM25 of the query over the paragraph text (with the query's own boosts).
    pub bm25: Score,
    /// BM25 of the query's words in the section headings, weighted.
    pub section: Score,
    /// BM25 of adjacent plain words found together, weighted.
    pub proximity: Score,
    /// The kind prior applied (1 when priors are off).
    pub kind_prior: Score,
    /// The paragraph's length in words (as the index's field norms record it).
    pub words: u32,
    /// The length prior applied (1 when priors are off).
    pub length_prior: Score,
}

impl Signals {
    /// The score these signals make.
    pub fn score(&self) -> Score {
        (self.bm25 + self.section + self.proximity) * self.kind_prior * self.length_prior
    }
}

impl Clone for Ranked {
    fn clone(&self) -> Ranked {
        Ranked {
            matched: self.matched.box_clone(),
            section: self.section.as_ref().map(|query| query.box_clone()),
            proximity: self
                .proximity
                .iter()
                .map(|query| query.box_clone())
                .collect(),
            priors: self.priors,
            kinds: self.kinds.clone(),
        }
    }
}

impl fmt::Debug for Ranked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ranked")
            .field("matched", &self.matched)
            .field("section", &self.section)
            .field("proximity", &self.proximity)
            .field("priors", &self.priors)
            .finish()
    }
}

/// The best paragraphs by the other signals that proximity re-ranks (at least; a page that
/// reaches further re-ranks as far as it reaches).
pub const RERANK_WINDOW: usize = 100;

impl Ranked {
    /// The first phase: the same query without proximity, which is read only for the paragraphs
    /// re-ranked ([`ProximityWeight::bonus`]); reading the word pairs' positions for every match
    /// cost a third more instructions on plain queries with tens of thousands of matches.
    pub fn first_phase(&self) -> Ranked {
        Ranked {
            proximity: Vec::new(),
            ..self.clone()
        }
    }

    /// The weight of the second phase: the word pairs and the priors only.
    pub fn proximity_weight(
        &self,
        enable_scoring: EnableScoring<'_>,
    ) -> tantivy::Result<ProximityWeight> {
        let mut pairs = Vec::with_capacity(self.proximity.len());
        for pair in &self.proximity {
            pairs.push(pair.weight(enable_scoring)?);
        }
        Ok(ProximityWeight {
            pairs,
            priors: self.priors,
            kinds: self.kinds.clone(),
        })
    }

    /// The weight, for callers that explain single documents ([`RankedWeight::signals`]).
    pub fn ranked_weight(
        &self,
        enable_scoring: EnableScoring<'_>,
    ) -> tantivy::Result<RankedWeight> {
        let section = match &self.section {
            Some(query) => Some(query.weight(enable_scoring)?),
            None => None,
        };
        Ok(RankedWeight {
            matched: self.matched.weight(enable_scoring)?,
            section,
            second: self.proximity_weight(enable_scoring)?,
        })
    }
}

impl Query for Ranked {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if !enable_scoring.is_scoring_enabled() {
            return self.matched.weight(enable_scoring);
        }
        Ok(Box::new(self.ranked_weight(enable_scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.matched.query_terms(visitor);
        for extra in self.section.iter().chain(&self.proximity) {
            extra.query_terms(visitor);
        }
    }
}

/// The weight of a [`Ranked`] query.
pub struct RankedWeight {
    matched: Box<dyn Weight>,
    section: Option<Box<dyn Weight>>,
    /// The word pairs and the priors.
    second: ProximityWeight,
}

/// The second phase of a [`Ranked`] query: what proximity adds to the best of the first.
pub struct ProximityWeight {
    pairs: Vec<Box<dyn Weight>>,
    priors: Option<Field>,
    kinds: Option<KindPriors>,
}

impl ProximityWeight {
    /// The pairs' lookups and the priors of one segment.
    fn open(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<(Vec<Lookup>, Option<SegmentPriors>)> {
        let mut pairs = Vec::with_capacity(self.pairs.len());
        for pair in &self.pairs {
            pairs.push(Lookup::new(pair.scorer(reader, boost)?));
        }
        let priors = match self.priors {
            Some(text) => SegmentPriors::open(reader, text, self.kinds.as_ref())?,
            None => None,
        };
        Ok((pairs, priors))
    }

    /// What proximity adds to the first phase's score of each of `docs`, matches of one
    /// segment in increasing order: the pairs' scores times the priors (the score is linear in
    /// them), read without scoring the match again.
    pub fn bonus(&self, reader: &SegmentReader, docs: &[DocId]) -> tantivy::Result<Vec<Score>> {
        let (mut pairs, priors) = self.open(reader, 1.0)?;
        Ok(docs
            .iter()
            .map(|&doc| {
                let sum: Score = pairs.iter_mut().filter_map(|l| l.score(doc)).sum();
                match &priors {
                    Some(priors) => {
                        let (kind, _, length) = priors.of(doc);
                        sum * kind * length
                    }
                    None => sum,
                }
            })
            .collect())
    }
}

/// The priors of one segment: each document's kind prior, and the text's field norms with the
/// length prior of each of their 256 codes.
struct SegmentPriors {
    kinds: SegmentKinds,
    norms: FieldNormReader,
    /// By field norm code.
    length_priors: [Score; 256],
}

/// Where a segment's kind priors are read from.
enum SegmentKinds {
    /// The commit's count tables: one array read per document.
    Table(std::sync::Arc<crate::counts::SegmentTable>),
    /// The `kind` column, with each kind ordinal's factor.
    Column {
        kinds: Column<u64>,
        factors: Vec<Score>,
    },
}

impl SegmentPriors {
    fn open(
        reader: &SegmentReader,
        text: Field,
        tables: Option<&KindPriors>,
    ) -> tantivy::Result<Option<SegmentPriors>> {
        let table = tables.and_then(|t| t.0.segment(reader.segment_id()));
        let kinds = match table {
            Some(table) => SegmentKinds::Table(table.clone()),
            None => {
                let Some(column) = reader.fast_fields().str("kind")? else {
                    return Ok(None);
                };
                let mut factors = vec![1.0; column.num_terms()];
                for &kind in Kind::ALL {
                    if let Some(ord) = column.dictionary().term_ord(kind.as_str())? {
                        if let Some(slot) = factors.get_mut(ord as usize) {
                            *slot = kind_prior(kind);
                        }
                    }
                }
                SegmentKinds::Column {
                    kinds: column.ords().clone(),
                    factors,
                }
            }
        };
        Ok(Some(SegmentPriors {
            kinds,
            norms: reader.get_fieldnorms_reader(text)?,
            length_priors: std::array::from_fn(|code| {
                length_prior(FieldNormReader::id_to_fieldnorm(code as u8))
            }),
        }))
    }

    /// The kind prior, the length in words and the length prior of `doc`.
    #[inline]
    fn of(&self, doc: DocId) -> (Score, u32, Score) {
        let kind = match &self.kinds {
            SegmentKinds::Table(table) => table.kind_prior(doc),
            SegmentKinds::Column { kinds, factors } => kinds
                .first(doc)
                .and_then(|ord| factors.get(ord as usize).copied())
                .unwrap_or(1.0),
        };
        let code = self.norms.fieldnorm_id(doc);
        let words = FieldNormReader::id_to_fieldnorm(code);
        (kind, words, self.length_priors[usize::from(code)])
    }
}

impl RankedWeight {
    fn ranked_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<RankedScorer> {
        let section = match &self.section {
            Some(weight) => Some(Lookup::new(weight.scorer(reader, boost)?)),
            None => None,
        };
        let (proximity, priors) = self.second.open(reader, boost)?;
        Ok(RankedScorer {
            matched: self.matched.scorer(reader, boost)?,
            section,
            proximity,
            priors,
        })
    }

    /// The signals behind the score of `doc`, which must match.
    pub fn signals(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Signals> {
        let mut scorer = self.ranked_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        Ok(scorer.signals(doc))
    }
}

impl Weight for RankedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.ranked_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matched = self.matched.explain(reader, doc)?;
        let signals = self.signals(reader, doc)?;
        let mut explanation = Explanation::new(
            "(match + section headings + proximity) x kind prior x length prior",
            signals.score(),
        );
        explanation.add_detail(matched);
        explanation.add_const("section headings", signals.section);
        explanation.add_const("proximity", signals.proximity);
        explanation.add_const("kind prior", signals.kind_prior);
        explanation.add_const("length prior", signals.length_prior);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.matched.count(reader)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.matched.for_each_no_score(reader, callback)
    }
}

/// A scorer asked about single documents, in increasing order, as they match elsewhere.
struct Lookup {
    scorer: Box<dyn Scorer>,
    /// No document below this one matches.
    floor: DocId,
    /// The document the scorer stands on (valid to score), if the last question found one.
    on: Option<DocId>,
}

impl Lookup {
    fn new(scorer: Box<dyn Scorer>) -> Lookup {
        let first = scorer.doc();
        Lookup {
            scorer,
            floor: first,
            on: Some(first),
        }
    }

    /// The scorer's score for `doc`, if it matches; `doc` never decreases between calls.
    fn score(&mut self, doc: DocId) -> Option<Score> {
        if doc < self.floor {
            return None;
        }
        if self.on != Some(doc) {
            match self.scorer.seek_danger(doc) {
                SeekDangerResult::Found => {
                    self.on = Some(doc);
                    self.floor = doc;
                }
                SeekDangerResult::SeekLowerBound(floor) => {
                    // The scorer may now stand anywhere: only `seek_danger` until it finds.
                    self.on = None;
                    self.floor = floor;
                    return None;
                }
            }
        }
        Some(self.scorer.score())
    }
}

struct RankedScorer {
    matched: Box<dyn Scorer>,
    section: Option<Lookup>,
    proximity: Vec<Lookup>,
    priors: Option<SegmentPriors>,
}

impl RankedScorer {
    /// The signals of `doc`, the current match.
    fn signals(&mut self, doc: DocId) -> Signals {
        let section = self
            .section
            .as_mut()
            .and_then(|lookup| lookup.score(doc))
            .unwrap_or(0.0);
        let proximity = self
            .proximity
            .iter_mut()
            .filter_map(|lookup| lookup.score(doc))
            .sum();
        let (kind_prior, words, length_prior) = match &self.priors {
            Some(priors) => priors.of(doc),
            None => (1.0, 0, 1.0),
        };
        Signals {
            bm25: self.matched.score(),
            section,
            proximity,
            kind_prior,
            words,
            length_prior,
        }
    }
}

impl DocSet for RankedScorer {
    fn advance(&mut self) -> DocId {
        self.matched.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.matched.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.matched.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.matched.doc()
    }

    fn size_hint(&self) -> u32 {
        self.matched.size_hint()
    }

    fn cost(&self) -> u64 {
        self.matched.cost()
    }
}

impl Scorer for RankedScorer {
    fn score(&mut self) -> Score {
        let doc = self.matched.doc();
        self.signals(doc).score()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use tantivy::collector::{Count, TopDocs};
    use tantivy::DocAddress;

    use super::*;
    use crate::{SearchRequest, Searcher};

    /// Every match's score by address, searching `query` alone.
    fn scores(searcher: &tantivy::Searcher, query: &dyn Query) -> HashMap<DocAddress, Score> {
        let n = searcher.search(query, &Count).expect("count").max(1);
        let top = TopDocs::with_limit(n).order_by_score();
        let hits = searcher.search(query, &top).expect("search");
        hits.into_iter().map(|(s, a)| (a, s)).collect()
    }

    /// An index of the sample reports, built once for the tests of this module.
    fn samples() -> &'static Searcher {
        static BUILT: std::sync::OnceLock<(tempfile::TempDir, Searcher)> =
            std::sync::OnceLock::new();
        &BUILT
            .get_or_init(|| {
                let dir = tempfile::TempDir::new().expect("temp dir");
                let index = dir.path().join("idx");
                let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/samples");
                ofsearch_indexer::index_paths(&[samples], &index, &Default::default())
                    .expect("index");
                let searcher = Searcher::open(&index).expect("open");
                (dir, searcher)
            })
            .1
    }

    #[test]
    fn kind_priors_from_the_count_tables_score_as_the_kind_column_does() {
        let searcher = samples();
        let tantivy_searcher = searcher.reader.searcher();
        for query in ["children", "\"care leavers\"", "health OR plans"] {
            let request = SearchRequest {
                query: query.to_string(),
                ..SearchRequest::default()
            };
            let node = searcher.parse(&request).expect("parse");
            let compiled = searcher.compile(&request, &node).expect("compile");
            assert!(
                compiled.query.kinds.is_some(),
                "{query}: read from the tables"
            );
            let from_column = Ranked {
                kinds: None,
                ..compiled.query.first_phase()
            };
            let tables = scores(&tantivy_searcher, &compiled.query.first_phase());
            let column = scores(&tantivy_searcher, &from_column);
            assert!(tables.len() > 10, "{query}");
            assert_eq!(tables, column, "{query}");
        }
    }

    #[test]
    fn scores_are_the_formula_of_the_signals_searched_alone() {
        let searcher = samples();
        let tantivy_searcher = searcher.reader.searcher();
        let queries = [
            "\"care leavers\"",
            "adoption",
            "looked after children placement stability",
            "safeguarding AND (children OR young) NOT \"looked after\"",
            "\"child protection\"~2 plans",
            "leav*",
            "health year:[2007 TO 2013]",
        ];
        let (mut with_section, mut with_proximity, mut short) = (0, 0, 0);
        for query in queries {
            let request = SearchRequest {
                query: query.to_string(),
                ..SearchRequest::default()
            };
            let node = searcher.parse(&request).expect("parses");
            let ranked = searcher.compile(&request, &node).expect("compiles").query;
            let got = scores(&tantivy_searcher, &ranked);
            assert!(!got.is_empty(), "{query} matches nothing in the samples");
            let matched = scores(&tantivy_searcher, ranked.matched.as_ref());
            assert_eq!(got.len(), matched.len(), "{query}: the same matches");
            let alone = |q: Option<&Box<dyn Query>>| {
                q.map(|q| scores(&tantivy_searcher, q.as_ref()))
                    .unwrap_or_default()
            };
            let section = alone(ranked.section.as_ref());
            let mut proximity: HashMap<DocAddress, Score> = HashMap::new();
            for pair in &ranked.proximity {
                for (address, score) in alone(Some(pair)) {
                    *proximity.entry(address).or_default() += score;
                }
            }
            let weight = ranked
                .ranked_weight(EnableScoring::enabled_from_searcher(&tantivy_searcher))
                .expect("weight");
            for (address, score) in &got {
                let reader = tantivy_searcher.segment_reader(address.segment_ord);
                let signals = weight.signals(reader, address.doc_id).expect("signals");
                let kind = reader
                    .fast_fields()
                    .str("kind")
                    .expect("column")
                    .and_then(|c| {
                        let ord = c.ords().first(address.doc_id)?;
                        let mut name = String::new();
                        c.ord_to_str(ord, &mut name).ok()?;
                        name.parse::<Kind>().ok()
                    })
                    .expect("kind");
                let words = reader
                    .get_fieldnorms_reader(searcher.fields.text)
                    .expect("norms")
                    .fieldnorm(address.doc_id);
                let want = (matched[address]
                    + section.get(address).copied().unwrap_or(0.0)
                    + proximity.get(address).copied().unwrap_or(0.0))
                    * kind_prior(kind)
                    * length_prior(words);
                assert!((score - want).abs() < 1e-3, "{query}: {score} vs {want}");
                assert!((signals.score() - score).abs() < 1e-3, "{query}: signals");
                let explained = weight.explain(reader, address.doc_id).expect("explains");
                assert!((explained.value() - score).abs() < 1e-3, "{query}: explain");
                with_section += usize::from(signals.section > 0.0);
                with_proximity += usize::from(signals.proximity > 0.0);
                short += usize::from(signals.length_prior < 1.0);
            }
        }
        assert!(with_section > 0 && with_proximity > 0 && short > 0);
    }

    #[test]
    fn priors_favour_findings_and_sentences() {
        assert_eq!(length_prior(FULL_LENGTH), 1.0);
        assert_eq!(length_prior(200), 1.0);
        assert!((length_prior(FULL_LENGTH / 4) - 0.48).abs() < 0.01);
        assert!(length_prior(0) > 0.0);
        assert!(kind_prior(Kind::Judgement) > kind_prior(Kind::Context));
        assert_eq!(kind_prior(Kind::Summary), 1.0);
        assert_eq!(kind_prior(Kind::Other), 0.5);
    }
}
