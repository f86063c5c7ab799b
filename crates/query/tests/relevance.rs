//! Relevance against an annotated fixture (`tests/relevance.json`): for each query over an index
//! of the five sample reports, the paragraph that must rank first, paragraphs that must be in
//! the first three, and paragraphs that must not match.

mod common;

use std::path::Path;

use ofsearch_query::Hit;
use serde_json::Value;

fn name(hit: &Hit) -> String {
    let file = Path::new(&hit.source.path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{file}:{}", hit.source.line)
}

#[test]
fn annotated_queries_rank_as_annotated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/relevance.json")).expect("fixture"),
    )
    .expect("fixture JSON");
    let searcher = common::samples();

    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() >= 5);
    for case in cases {
        let query = case["query"].as_str().expect("query");
        let response = searcher.search(query, 1000).expect(query);
        let ranked: Vec<String> = response.hits.iter().map(name).collect();
        if let Some(first) = case["first"].as_str() {
            assert_eq!(
                ranked.first().map(String::as_str),
                Some(first),
                "{query}: {ranked:?}"
            );
        }
        for top in case["top"].as_array().into_iter().flatten() {
            let top = top.as_str().expect("top");
            assert!(
                ranked.iter().take(3).any(|r| r == top),
                "{query}: {top} not in the first 3 of {ranked:?}"
            );
        }
        for not in case["not"].as_array().into_iter().flatten() {
            let not = not.as_str().expect("not");
            assert!(!ranked.iter().any(|r| r == not), "{query}: {not} matched");
        }
    }
}
