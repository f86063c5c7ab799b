//! Requests at the edges of what they may ask never panic or abort: a range open on both sides,
//! pages far beyond the index (a huge `limit` or `offset`), and ranking weights that are not
//! finite numbers (refused as the request's mistake, not turned into `null` scores).

mod common;

use ofsearch_query::{Boosts, ErrorKind, SearchRequest};

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        ..SearchRequest::default()
    }
}

#[test]
fn a_range_open_on_both_sides_means_any_year() {
    let searcher = common::samples();
    let all = searcher
        .search_request(&request("children"))
        .expect("plain");
    for range in ["year:[* TO *]", "year:{* TO *}", "year:[* TO *}"] {
        let q = format!("children {range}");
        let ranged = searcher
            .search_request(&request(&q))
            .unwrap_or_else(|e| panic!("{q}: {e}"));
        // Every sample report has a year: any year is every match.
        assert_eq!(ranged.total, all.total, "{q}");
        // And alone, as the whole query.
        let alone = searcher.search_request(&request(range)).expect(range);
        assert!(alone.total > 0, "{range}");
    }
}

#[test]
fn pages_far_beyond_the_index_are_empty_not_a_panic() {
    let searcher = common::samples();
    let total = searcher
        .search_request(&request("children"))
        .expect("children")
        .total;
    for (offset, limit) in [
        (0, usize::MAX),
        (usize::MAX, 10),
        (usize::MAX, usize::MAX),
        (0, 1_500_000_000),
        (1_500_000_000, 1_500_000_000),
        (usize::MAX / 2, usize::MAX / 2 + 7),
    ] {
        for group_by_report in [false, true] {
            for sort in [
                ofsearch_query::Sort::Relevance,
                ofsearch_query::Sort::Newest,
            ] {
                let asked = SearchRequest {
                    offset,
                    limit,
                    group_by_report,
                    sort,
                    ..request("children care")
                };
                let answer = searcher
                    .search_request(&asked)
                    .unwrap_or_else(|e| panic!("offset {offset} limit {limit}: {e}"));
                assert!(answer.hits.len() as u64 <= answer.total + answer.partial.unwrap_or(0));
                if offset == 0 && !group_by_report {
                    assert!(answer.hits.len() as u64 >= total.min(1));
                }
                if offset >= 1_000_000 {
                    assert!(answer.hits.is_empty(), "offset {offset}");
                }
            }
        }
    }
}

#[test]
fn weights_that_are_not_finite_numbers_are_the_requests_mistake() {
    let searcher = common::samples();
    for (section, proximity) in [
        (f32::NAN, 1.0),
        (f32::INFINITY, 1.0),
        (0.5, f32::NEG_INFINITY),
        (0.5, -1.0),
        (-0.1, 1.0),
    ] {
        let asked = SearchRequest {
            boosts: Boosts {
                section,
                proximity,
                priors: true,
            },
            ..request("children care")
        };
        let e = searcher
            .search_request(&asked)
            .expect_err("a weight that is not a finite number >= 0");
        assert_eq!(e.kind(), ErrorKind::Request, "{e}");
        assert!(e.is_user_error());
        let message = e.to_string();
        assert!(message.contains("weight"), "{message}");
        assert_eq!(message.lines().count(), 1, "{message}");
    }
    // Zero turns a signal off: allowed.
    let off = SearchRequest {
        boosts: Boosts {
            section: 0.0,
            proximity: 0.0,
            priors: false,
        },
        ..request("children care")
    };
    let answer = searcher.search_request(&off).expect("weights of 0");
    assert!(answer.hits.iter().all(|h| h.score.is_finite()));
}
