//! Query latency against a prepared index, one query class per benchmark, each counted as one
//! element (so criterion reports queries per second): a term, a phrase, a phrase with filters,
//! every facet count and 10 snippets (what `ofsearch search` does), a boolean query, a prefix,
//! a KWIC concordance and a trend by year. All run in-process on one `Searcher`, warm.
//!
//! The index: `OFS_BENCH_INDEX=DIR` (any index `ofsearch index` built, e.g. of a 1 GB generated
//! corpus); by default the bundled corpus, indexed once into `target/bench-index` and reused.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ofsearch_indexer::{index_paths, IndexOptions};
use ofsearch_query::analysis::{kwic, trend, KwicSort};
use ofsearch_query::{Filters, SearchRequest, Searcher};

fn index_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OFS_BENCH_INDEX") {
        return PathBuf::from(dir);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("target/bench-index");
    if Searcher::open(&dir).is_err() {
        // Missing, or of another schema version: build it afresh.
        let _ = std::fs::remove_dir_all(&dir);
        index_paths(&[root.join("corpus")], &dir, &IndexOptions::default())
            .expect("indexing the bundled corpus");
    }
    dir
}

fn request(query: &str, filters: Filters) -> SearchRequest {
    SearchRequest {
        query: query.to_string(),
        filters,
        limit: 10,
        ..SearchRequest::default()
    }
}

/// The request without facet and report counts.
fn uncounted(request: SearchRequest) -> SearchRequest {
    SearchRequest {
        facets: false,
        ..request
    }
}

fn queries(c: &mut Criterion) {
    let dir = index_dir();
    let searcher = Searcher::open(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let filtered = Filters {
        grade: vec!["inadequate".into(), "requires-improvement".into()],
        year: vec!["2018-2026".into()],
        ..Filters::default()
    };
    let searches = [
        ("term", request("neglect", Filters::default())),
        ("phrase", request("\"care leavers\"", Filters::default())),
        (
            "phrase_filters_facets_snippets",
            request("\"care leavers\"", filtered),
        ),
        (
            "boolean",
            request(
                "neglect AND (drift OR delay) NOT \"child sexual exploitation\"",
                Filters::default(),
            ),
        ),
        ("prefix", request("safeguard*", Filters::default())),
        // The cost of counting (facets and reports over every match): the same searches with
        // and without it; `children` matches 38,000 paragraphs of the bundled corpus.
        (
            "term_no_counts",
            uncounted(request("neglect", Filters::default())),
        ),
        ("children_counted", request("children", Filters::default())),
        (
            "children_no_counts",
            uncounted(request("children", Filters::default())),
        ),
    ];
    let mut group = c.benchmark_group("query");
    group.throughput(Throughput::Elements(1));
    for (name, req) in &searches {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let response = searcher.search_request(black_box(req)).expect("search");
                (response.total, response.hits.len())
            })
        });
    }

    let phrase = request("\"drift and delay\"", Filters::default());
    let node = searcher.parse(&phrase).expect("parse");
    group.bench_function("kwic", |b| {
        b.iter(|| {
            kwic(&searcher, black_box(&phrase), &node, 8, KwicSort::Left)
                .expect("kwic")
                .len()
        })
    });
    let neglect = request("neglect", Filters::default());
    let node = searcher.parse(&neglect).expect("parse");
    group.bench_function("trend", |b| {
        b.iter(|| {
            trend(&searcher, black_box(&neglect), &node, None)
                .expect("trend")
                .years
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
