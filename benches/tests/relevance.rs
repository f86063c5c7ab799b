//! Ranking cannot silently get worse: ofsearch, with queries as typed, on the judged set in
//! `relevance/` (`scripts/relevance/evaluate.py` prints the figures; BENCHMARKS.md, "Relevance",
//! records them). The floors sit a little under the figures measured when they were set, so
//! that a change that costs relevance fails here and has to say why.

use std::path::Path;

use ofsearch_benches::relevance::{self, Measures, Set, VARIANTS};
use ofsearch_indexer::{index_paths, IndexOptions};
use ofsearch_query::Searcher;

/// Mean nDCG@10 of ofsearch as typed.
const MEAN_NDCG_FLOOR: f64 = 0.90;
/// nDCG@10 every query reaches.
const QUERY_NDCG_FLOOR: f64 = 0.5;
/// Mean recall@100.
const MEAN_RECALL_FLOOR: f64 = 0.75;

#[test]
fn ranking_keeps_its_relevance_on_the_judged_set() {
    let set = Set::load(&relevance::default_dir()).expect("the judged set");
    let dir = tempfile::TempDir::new().expect("temp dir");
    let index = dir.path().join("idx");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    index_paths(&[corpus], &index, &IndexOptions::default()).expect("index");
    let searcher = Searcher::open(&index).expect("open");
    let as_typed = &VARIANTS[0];
    let mut all = Vec::new();
    let mut low = Vec::new();
    for q in &set.queries {
        let ranked = relevance::ofsearch_ranking(&searcher, &q.query, as_typed).expect("ranks");
        let m = set.measure(&q.id, &ranked);
        if m.ndcg < QUERY_NDCG_FLOOR {
            low.push(format!("{} ({:.2})", q.query, m.ndcg));
        }
        all.push(m);
    }
    let mean = Measures::mean(&all);
    assert!(low.is_empty(), "queries under {QUERY_NDCG_FLOOR}: {low:?}");
    assert!(
        mean.ndcg >= MEAN_NDCG_FLOOR,
        "mean nDCG@10 {:.3} < {MEAN_NDCG_FLOOR}",
        mean.ndcg
    );
    assert!(
        mean.recall >= MEAN_RECALL_FLOOR,
        "mean recall@100 {:.3} < {MEAN_RECALL_FLOOR}",
        mean.recall
    );
}
