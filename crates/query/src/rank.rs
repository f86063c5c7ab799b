//! Ranking boosts that add to a match's score without widening or re-walking the match.
//!
//! A search's score is the BM25 of its query over the paragraph text, plus two boosts: the BM25
//! of the query's words in the section headings (weighted), and a constant for judgement
//! paragraphs. Written as `Should` clauses beside the match, tantivy unions them: the section
//! clause's phrases are checked on every paragraph whose heading has the words, and the
//! judgement clause walks every judgement paragraph's posting, matches or not (at 1 GB that
//! was a third of the time of a filtered phrase search). [`Ranked`] instead walks only the
//! matches: for each match it asks the section scorer about that one document
//! ([`DocSet::seek_danger`]), and reads the paragraph's kind from its fast column.

use std::fmt;

use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TantivyError, Term};

use ofsearch_schema::Kind;

/// A query whose matches are those of `matched`, scored as `matched` plus the score of
/// `section` where it also matches, plus `judgement` for judgement paragraphs.
pub struct Ranked {
    /// What matches, and its score.
    pub matched: Box<dyn Query>,
    /// Added to the score where it matches too; never adds matches.
    pub section: Option<Box<dyn Query>>,
    /// Added to the score of paragraphs of kind `judgement`; 0 for none.
    pub judgement: Score,
}

impl Clone for Ranked {
    fn clone(&self) -> Ranked {
        Ranked {
            matched: self.matched.box_clone(),
            section: self.section.as_ref().map(|query| query.box_clone()),
            judgement: self.judgement,
        }
    }
}

impl fmt::Debug for Ranked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ranked")
            .field("matched", &self.matched)
            .field("section", &self.section)
            .field("judgement", &self.judgement)
            .finish()
    }
}

impl Query for Ranked {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let matched = self.matched.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(matched);
        }
        let section = match &self.section {
            Some(query) => Some(query.weight(enable_scoring)?),
            None => None,
        };
        Ok(Box::new(RankedWeight {
            matched,
            section,
            judgement: self.judgement,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.matched.query_terms(visitor);
        if let Some(section) = &self.section {
            section.query_terms(visitor);
        }
    }
}

struct RankedWeight {
    matched: Box<dyn Weight>,
    section: Option<Box<dyn Weight>>,
    judgement: Score,
}

impl RankedWeight {
    fn ranked_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<RankedScorer> {
        let matched = self.matched.scorer(reader, boost)?;
        let section = match &self.section {
            Some(weight) => Some(Lookup::new(weight.scorer(reader, boost)?)),
            None => None,
        };
        let judgement = if self.judgement == 0.0 {
            None
        } else {
            match reader.fast_fields().str("kind")? {
                Some(column) => column
                    .dictionary()
                    .term_ord(Kind::Judgement.as_str())?
                    .map(|ord| (column.ords().clone(), ord)),
                None => None,
            }
        };
        Ok(RankedScorer {
            matched,
            section,
            judgement,
            judgement_boost: self.judgement * boost,
        })
    }
}

impl Weight for RankedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.ranked_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matched = self.matched.explain(reader, doc)?;
        let mut scorer = self.ranked_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        let (section, judgement) = scorer.boosts(doc);
        let mut explanation = Explanation::new(
            "match + section headings + judgement paragraph",
            matched.value() + section + judgement,
        );
        explanation.add_detail(matched);
        explanation.add_const("section headings", section);
        explanation.add_const("judgement paragraph", judgement);
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
    judgement: Option<(Column<u64>, u64)>,
    judgement_boost: Score,
}

impl RankedScorer {
    /// The section and judgement boosts of `doc`, the current match.
    fn boosts(&mut self, doc: DocId) -> (Score, Score) {
        let section = self
            .section
            .as_mut()
            .and_then(|lookup| lookup.score(doc))
            .unwrap_or(0.0);
        let judgement = match &self.judgement {
            Some((ords, ord)) if ords.first(doc) == Some(*ord) => self.judgement_boost,
            _ => 0.0,
        };
        (section, judgement)
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
        let (section, judgement) = self.boosts(doc);
        self.matched.score() + section + judgement
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::IndexRecordOption;

    use super::*;
    use crate::{SearchRequest, Searcher};

    /// The same ranking written as tantivy clauses: the match, and the boosts as `Should`
    /// clauses beside it (what `Ranked` replaced).
    fn as_clauses(searcher: &Searcher, ranked: &Ranked) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, ranked.matched.box_clone())];
        if let Some(section) = &ranked.section {
            clauses.push((Occur::Should, section.box_clone()));
        }
        clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(searcher.fields.kind, Kind::Judgement.as_str()),
                    IndexRecordOption::Basic,
                )),
                ranked.judgement,
            )),
        ));
        BooleanQuery::new(clauses)
    }

    #[test]
    fn scores_and_matches_equal_the_boosts_as_should_clauses() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let index = dir.path().join("idx");
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/samples");
        ofsearch_indexer::index_paths(&[samples], &index, &Default::default()).expect("index");
        let searcher = Searcher::open(&index).expect("open");
        let tantivy_searcher = searcher.reader.searcher();
        let queries = [
            "\"care leavers\"",
            "adoption",
            "safeguarding AND (children OR young) NOT \"looked after\"",
            "\"child protection\"~2 plans",
            "leav*",
            "health year:[2007 TO 2013]",
        ];
        let mut with_section = 0;
        for query in queries {
            let request = SearchRequest {
                query: query.to_string(),
                ..SearchRequest::default()
            };
            let node = searcher.parse(&request).expect("parses");
            let ranked = searcher.compile(&request, &node).expect("compiles").query;
            assert!(ranked.judgement > 0.0, "{query}");
            with_section += usize::from(ranked.section.is_some());
            let reference = as_clauses(&searcher, &ranked);
            let count = tantivy_searcher.search(&ranked, &Count).expect("count");
            assert!(count > 0, "{query} matches nothing in the samples");
            assert_eq!(
                count,
                tantivy_searcher.search(&reference, &Count).expect("count"),
                "{query}"
            );
            let top = TopDocs::with_limit(count).order_by_score();
            let got = tantivy_searcher.search(&ranked, &top).expect("search");
            let want = tantivy_searcher.search(&reference, &top).expect("search");
            let scores = |hits: &[(Score, tantivy::DocAddress)]| {
                let mut by_doc: Vec<_> = hits.iter().map(|(s, a)| (*a, *s)).collect();
                by_doc.sort_by_key(|(a, _)| (a.segment_ord, a.doc_id));
                by_doc
            };
            for ((got_doc, got_score), (want_doc, want_score)) in
                scores(&got).into_iter().zip(scores(&want))
            {
                assert_eq!(got_doc, want_doc, "{query}");
                assert!(
                    (got_score - want_score).abs() < 1e-4,
                    "{query}: {got_score} vs {want_score}"
                );
            }
            // `explain` adds up to the score.
            let (score, address) = got[0];
            let explained = ranked
                .weight(tantivy::query::EnableScoring::enabled_from_searcher(
                    &tantivy_searcher,
                ))
                .expect("weight")
                .explain(
                    tantivy_searcher.segment_reader(address.segment_ord),
                    address.doc_id,
                )
                .expect("explains");
            assert!((explained.value() - score).abs() < 1e-4, "{query}");
        }
        assert!(
            with_section >= 4,
            "the section boost was tried {with_section} times"
        );
    }
}
