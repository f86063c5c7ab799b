//! Searches over an index of the whole bundled corpus (built once per test run, in a temporary
//! directory). They check:
//! 1. facet consistency: for every facet field, each of its leading values' count equals the
//!    total the same query returns with that value added as a filter;
//! 2. the total is exact (equal to the sum of a facet whose values partition the matches);
//! 3. filters by name resolve case-insensitively, by ONS code too; unknown values are errors;
//! 4. boilerplate is excluded unless asked for;
//! 5. paging, sorting by date and grouping by report.

mod common;

use ofsearch_query::ast::{Filter, FilterField, FilterValue, Node, Phrase, Word};
use ofsearch_query::{Filters, QueryError, SearchRequest, SearchResponse, Searcher, Sort};

fn searcher() -> &'static Searcher {
    common::whole()
}

fn phrase(text: &str) -> Node {
    Node::Phrase(Phrase {
        text: text.into(),
        slop: 0,
        exact: false,
    })
}

fn word(text: &str) -> Node {
    Node::Word(Word {
        text: text.into(),
        prefix: false,
        fuzzy: None,
        exact: false,
        loose: false,
    })
}

fn run(node: &Node, filters: Filters) -> SearchResponse {
    let request = SearchRequest {
        filters,
        ..SearchRequest::default()
    };
    searcher().run(&request, node).expect("search")
}

#[test]
fn facet_counts_equal_the_filtered_totals() {
    let node = phrase("care leavers");
    let all = run(&node, Filters::default());
    assert!(all.total > 1000, "{}", all.total);
    for field in FilterField::ALL {
        let values = &all.facets[field.as_str()];
        assert!(!values.is_empty(), "{field:?}");
        // The counts of a single-valued field partition the matches.
        let sum: u64 = values.iter().map(|v| v.count).sum();
        assert_eq!(sum, all.total, "{field:?} counts add up to the total");
        for value in values.iter().take(4) {
            let mut filters = Filters::default();
            filters.push(field, value.value.clone());
            let filtered = run(&node, filters);
            assert_eq!(
                filtered.total,
                value.count,
                "{}={} count against filtered total",
                field.as_str(),
                value.value
            );
        }
    }
}

#[test]
fn filters_resolve_names_and_codes_and_refuse_unknown_values() {
    let node = word("neglect");
    let mut by_name = Filters::default();
    by_name.push(FilterField::Authority, "hartlepool");
    let mut by_code = Filters::default();
    by_code.push(FilterField::Authority, "e06000001");
    let a = run(&node, by_name);
    let b = run(&node, by_code);
    assert!(a.total > 0);
    assert_eq!(a.total, b.total);
    assert!(a.hits.iter().all(|h| h.authority == "Hartlepool"));

    let mut region = Filters::default();
    region.push(FilterField::Region, "north east");
    assert!(run(&node, region)
        .hits
        .iter()
        .all(|h| h.region == "North East"));

    for (field, value) in [
        (FilterField::Authority, "Atlantis"),
        (FilterField::Grade, "excellent"),
        (FilterField::Year, "twenty"),
        (FilterField::Type, "inspection"),
    ] {
        let mut filters = Filters::default();
        filters.push(field, value);
        let request = SearchRequest {
            filters,
            ..SearchRequest::default()
        };
        match searcher().run(&request, &node) {
            Err(QueryError::Filter(message)) => {
                assert!(message.contains(value), "{message}");
                assert!(!message.contains('\n'), "{message}");
            }
            other => panic!("{field:?}={value}: {other:?}"),
        }
    }
}

/// The authorities a filter by `name` gives hits from, or its error message.
fn authorities_for(name: &str) -> Result<Vec<String>, String> {
    authorities_in(searcher(), name)
}

fn authorities_in(searcher: &Searcher, name: &str) -> Result<Vec<String>, String> {
    let mut filters = Filters::default();
    filters.push(FilterField::Authority, name);
    let request = SearchRequest {
        filters,
        ..SearchRequest::default()
    };
    match searcher.run(&request, &word("children")) {
        Ok(response) => {
            let mut names: Vec<String> = response.facets["authority"]
                .iter()
                .filter(|v| v.count > 0)
                .map(|v| v.value.clone())
                .collect();
            names.sort();
            Ok(names)
        }
        Err(QueryError::Filter(message)) => Err(message),
        Err(other) => panic!("{name}: {other:?}"),
    }
}

#[test]
fn filters_take_the_names_people_type() {
    for (typed, canonical) in [
        ("Bristol", "Bristol, City of"),
        ("Hull", "Kingston Upon Hull, City of"),
        ("Kingston upon Hull", "Kingston Upon Hull, City of"),
        ("County Durham", "Durham"),
        ("St Helens", "St. Helens"),
        ("st.helens", "St. Helens"),
        ("BCP", "Bournemouth, Christchurch and Poole"),
        ("Hartlepool Borough Council", "Hartlepool"),
    ] {
        assert_eq!(
            authorities_for(typed),
            Ok(vec![canonical.to_string()]),
            "{typed}"
        );
    }
    // A former authority stands for its area: its own reports (none here) and its successors'.
    assert_eq!(
        authorities_for("Bournemouth"),
        Ok(vec!["Bournemouth, Christchurch and Poole".to_string()])
    );
    // The same names in the query's own syntax.
    let in_query = SearchRequest {
        query: "children authority:\"County Durham\"".into(),
        ..SearchRequest::default()
    };
    let response = searcher().search_request(&in_query).expect("search");
    assert!(response.total > 0);
    assert!(response.hits.iter().all(|h| h.authority == "Durham"));
}

#[test]
fn an_unknown_authority_gets_the_closest_names_and_a_known_one_without_reports_says_so() {
    let mistyped = authorities_for("Bristle").expect_err("unknown");
    assert!(mistyped.contains("did you mean Bristol"), "{mistyped}");
    assert!(mistyped.contains("ofsearch names"), "{mistyped}");
    let ambiguous = authorities_for("Kingston").expect_err("ambiguous");
    assert!(ambiguous.contains("Kingston upon Hull"), "{ambiguous}");
    assert!(ambiguous.contains("Kingston upon Thames"), "{ambiguous}");
    // The five samples are about Hartlepool and Stockton-on-Tees only.
    let absent = authorities_in(common::samples(), "Bristol").expect_err("no reports");
    assert!(absent.contains("no reports in the index"), "{absent}");
    for message in [mistyped, ambiguous, absent] {
        assert!(!message.contains('\n'), "{message}");
    }
}

#[test]
fn names_lists_what_filters_can_name_with_report_counts() {
    let names = searcher().names().expect("names");
    let reports = searcher().reports().expect("reports").len() as u64;
    for list in [&names.regions, &names.types, &names.editions] {
        assert!(!list.is_empty());
        assert!(
            list.windows(2).all(|w| w[0].count >= w[1].count),
            "{list:?}"
        );
    }
    let total = |list: &[ofsearch_query::FacetCount]| list.iter().map(|v| v.count).sum::<u64>();
    assert_eq!(total(&names.regions), reports);
    assert_eq!(total(&names.types), reports);
    assert_eq!(
        names.authorities.iter().map(|a| a.reports).sum::<u64>(),
        reports
    );
    let bristol = names
        .authorities
        .iter()
        .find(|a| a.name == "Bristol, City of")
        .expect("Bristol");
    assert_eq!(bristol.display, "Bristol");
    assert_eq!(bristol.ons_code, "E06000023");
    assert_eq!(bristol.region, "South West");
    assert!(bristol.reports > 0);
    assert!(
        bristol.also.iter().any(|a| a == "Bristol City Council"),
        "{bristol:?}"
    );
    assert!(names.editions.iter().any(|e| e.value == "ilacs-2023"));
    // Listed by the name people write, in alphabetical order.
    assert!(names
        .authorities
        .windows(2)
        .all(|w| w[0].display.to_lowercase() <= w[1].display.to_lowercase()));
}

#[test]
fn reports_are_listed_by_the_same_filters_and_names_as_searches() {
    let all = searcher().reports().expect("reports");
    let listed = |pairs: &[(FilterField, &str)]| {
        let mut filters = Filters::default();
        for (field, value) in pairs {
            filters.push(*field, *value);
        }
        searcher().reports_where(&filters)
    };
    assert_eq!(listed(&[]).expect("all").len(), all.len());
    let bristol = listed(&[(FilterField::Authority, "Bristol")]).expect("Bristol");
    assert!(!bristol.is_empty());
    assert!(bristol.iter().all(|r| r["authority"] == "Bristol, City of"));
    let north_east_recent = listed(&[
        (FilterField::Region, "north east"),
        (FilterField::Year, "2020-"),
        (FilterField::Type, "ilacs"),
    ])
    .expect("filtered");
    let expected = all
        .iter()
        .filter(|r| {
            r["region"] == "North East"
                && r["report_type"] == "ilacs"
                && r["year"].as_u64().is_some_and(|y| y >= 2020)
        })
        .count();
    assert!(expected > 0);
    assert_eq!(north_east_recent.len(), expected);
    match listed(&[(FilterField::Authority, "Bristle")]) {
        Err(QueryError::Filter(message)) => assert!(message.contains("Bristol"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn editions_filter_searches_and_report_lists() {
    let all = searcher().reports().expect("reports");
    let of_edition = |edition: &str| {
        all.iter()
            .filter(|r| r["framework"] == edition)
            .filter_map(|r| r["report_id"].as_str())
            .map(String::from)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let ilacs_2023 = of_edition("ilacs-2023");
    assert!(!ilacs_2023.is_empty());
    let mut filters = Filters::default();
    filters.push(FilterField::Edition, "ILACS-2023");
    let listed: std::collections::BTreeSet<String> = searcher()
        .reports_where(&filters)
        .expect("listed")
        .iter()
        .filter_map(|r| r["report_id"].as_str().map(String::from))
        .collect();
    assert_eq!(listed, ilacs_2023);
    // In a search, as a flag and in the query, every hit is of that edition.
    let flagged = run(&word("neglect"), filters);
    assert!(flagged.total > 0);
    assert!(flagged
        .hits
        .iter()
        .all(|h| ilacs_2023.contains(&h.report_id)));
    let request = SearchRequest {
        query: "neglect edition:ilacs-2023".into(),
        ..SearchRequest::default()
    };
    assert_eq!(
        searcher().search_request(&request).expect("search").total,
        flagged.total
    );
    // An edition the index does not hold says which it does.
    let mut unknown = Filters::default();
    unknown.push(FilterField::Edition, "ilacs-1999");
    match searcher().reports_where(&unknown) {
        Err(QueryError::Filter(message)) => {
            assert!(message.contains("ilacs-2018"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn year_ranges_and_filters_in_the_query() {
    let range = Node::All(vec![
        word("neglect"),
        Node::Filter(Filter {
            field: FilterField::Year,
            value: FilterValue::Range {
                from: Some("2014".into()),
                from_inclusive: true,
                to: Some("2016".into()),
                to_inclusive: true,
            },
        }),
    ]);
    let response = run(&range, Filters::default());
    assert!(response.total > 0);
    let years: u64 = response.facets["year"]
        .iter()
        .filter(|v| ["2014", "2015", "2016"].contains(&v.value.as_str()))
        .map(|v| v.count)
        .sum();
    assert_eq!(years, response.total);
    let mut flag = Filters::default();
    flag.push(FilterField::Year, "2014-2016");
    assert_eq!(run(&word("neglect"), flag).total, response.total);

    // Open ranges: from a year on, up to a year; together they are everything.
    let years = |value: &str| {
        let mut filters = Filters::default();
        filters.push(FilterField::Year, value);
        let request = SearchRequest {
            filters,
            ..SearchRequest::default()
        };
        searcher().run(&request, &word("neglect"))
    };
    let all = run(&word("neglect"), Filters::default()).total;
    let from = years("2018-").expect("2018 onwards").total;
    let until = years("-2017").expect("up to 2017").total;
    assert!(from > 0 && until > 0);
    assert_eq!(from + until, all);
    // A range that runs backwards says so, and what was meant.
    match years("2016-2014") {
        Err(QueryError::Filter(message)) => {
            assert!(message.contains("did you mean 2014-2016?"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(years("-"), Err(QueryError::Filter(_))));
}

#[test]
fn boilerplate_is_excluded_unless_asked_for() {
    let node = phrase("what the inspection judgements mean");
    let default = run(&node, Filters::default());
    let mut kind = Filters::default();
    kind.push(FilterField::Kind, "boilerplate");
    let asked = run(&node, kind);
    assert!(asked.total > default.total);
    assert!(default.hits.iter().all(|h| h.kind != "boilerplate"));
}

#[test]
fn paging_sorting_and_grouping() {
    let node = phrase("drift and delay");
    let first = run(&node, Filters::default());
    let request = SearchRequest {
        offset: 5,
        limit: 5,
        ..SearchRequest::default()
    };
    let second = searcher().run(&request, &node).expect("page 2");
    assert_eq!(second.total, first.total);
    assert_eq!(second.hits[0].text, first.hits[5].text);

    let newest = SearchRequest {
        sort: Sort::Newest,
        limit: 50,
        ..SearchRequest::default()
    };
    let hits = searcher().run(&newest, &node).expect("newest").hits;
    let years: Vec<u64> = hits.iter().filter_map(|h| h.year).collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");

    let grouped = SearchRequest {
        group_by_report: true,
        limit: 1000,
        ..SearchRequest::default()
    };
    let groups = searcher().run(&grouped, &node).expect("grouped");
    assert_eq!(groups.hits.len() as u64, groups.reports.unwrap_or(0));
    let matches: u64 = groups.hits.iter().filter_map(|h| h.report_matches).sum();
    assert_eq!(matches, groups.total);
    // The reports count (matches keyed across the index's segments by report id) equals the
    // distinct reports of every match.
    let mut ids = std::collections::HashSet::new();
    searcher()
        .each_match(&SearchRequest::default(), &node, |hit| {
            ids.insert(hit.report_id);
            Ok::<(), QueryError>(())
        })
        .expect("every match");
    assert!(ids.len() > 100, "{}", ids.len());
    assert_eq!(ids.len() as u64, groups.reports.unwrap_or(0));
}

#[test]
fn expand_searches_the_period_equivalents_and_says_so() {
    let node = phrase("looked after children");
    let plain = run(&node, Filters::default());
    let request = SearchRequest {
        expand: true,
        ..SearchRequest::default()
    };
    let expanded = searcher().run(&request, &node).expect("expanded");
    assert!(expanded.total > plain.total);
    assert_eq!(expanded.expanded.len(), 1);
    assert!(expanded.expanded[0]
        .to
        .contains(&"children in care".to_string()));
    let in_care = run(&phrase("children in care"), Filters::default());
    assert!(expanded.total >= in_care.total);
}

#[test]
fn each_match_visits_every_match_in_order() {
    let node = phrase("drift and delay");
    let page = run(&node, Filters::default());
    let mut seen = Vec::new();
    let request = SearchRequest::default();
    let n = searcher()
        .each_match(&request, &node, |hit| -> Result<(), QueryError> {
            seen.push(hit);
            Ok(())
        })
        .expect("each match");
    assert_eq!(n, page.total);
    assert_eq!(seen.len() as u64, page.total);
    assert_eq!(seen[0].text, page.hits[0].text);
}

#[test]
fn hits_carry_a_marked_snippet_and_a_citation() {
    let response = run(&phrase("staying put"), Filters::default());
    for hit in &response.hits {
        assert!(
            hit.snippet.to_lowercase().contains("<mark>stay"),
            "{}",
            hit.snippet
        );
        assert!(
            hit.citation
                .starts_with(&format!("Ofsted, {} ", hit.authority)),
            "{}",
            hit.citation
        );
    }
    let mut hartlepool = Filters::default();
    hartlepool.push(FilterField::Authority, "Hartlepool");
    hartlepool.push(FilterField::Year, "2013");
    let hit = run(&phrase("out of hours"), hartlepool).hits.remove(0);
    assert_eq!(
        hit.citation,
        "Ofsted, Hartlepool SIF 2013, paragraph 103 of the text"
    );
}

#[test]
fn request_and_response_round_trip_through_json() {
    let request: SearchRequest = serde_json::from_str(
        r#"{"query": "\"care leavers\" neglect~1", "filters": {"grade": ["inadequate"]}, "expand": true, "limit": 3}"#,
    )
    .expect("request JSON");
    assert_eq!(request.filters.grade, vec!["inadequate".to_string()]);
    assert_eq!(request.offset, 0);
    let response = searcher().search_request(&request).expect("search");
    let json = serde_json::to_string(&response).expect("to JSON");
    let mut back: SearchResponse = serde_json::from_str(&json).expect("from JSON");
    // serde_json does not promise a float's last digit back; the timing is not content.
    back.took_ms = response.took_ms;
    assert_eq!(serde_json::to_string(&back).expect("again"), json);
}

/// Facet counts and the reports count made by hand from every matching paragraph.
fn counted_by_hand(
    request: &SearchRequest,
    node: &Node,
) -> (
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>>,
    u64,
) {
    use std::collections::{BTreeMap, BTreeSet};
    let mut facets: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut reports = BTreeSet::new();
    searcher()
        .each_match(request, node, |hit| -> Result<(), QueryError> {
            let or_unknown = |v: &str| {
                if v.is_empty() {
                    "unknown".to_string()
                } else {
                    v.to_string()
                }
            };
            let year = hit.year.map_or("unknown".to_string(), |y| y.to_string());
            for (field, value) in [
                ("authority", or_unknown(&hit.authority)),
                ("region", or_unknown(&hit.region)),
                ("year", year),
                ("type", or_unknown(&hit.report_type)),
                ("area", or_unknown(&hit.area_canonical)),
                ("grade", or_unknown(&hit.grade)),
                ("kind", or_unknown(&hit.kind)),
            ] {
                *facets
                    .entry(field.into())
                    .or_default()
                    .entry(value)
                    .or_default() += 1;
            }
            reports.insert(hit.report_id);
            Ok(())
        })
        .expect("every match");
    (facets, reports.len() as u64)
}

#[test]
fn facets_and_reports_equal_a_count_of_every_match() {
    let queries = [
        (phrase("care leavers"), Filters::default(), false),
        (word("neglect"), Filters::default(), true),
        (
            word("exploitation"),
            {
                let mut f = Filters::default();
                f.push(FilterField::Grade, "inadequate");
                f
            },
            false,
        ),
        (
            phrase("staying put"),
            {
                let mut f = Filters::default();
                f.push(FilterField::Region, "North West");
                f.push(FilterField::Year, "2014-2019");
                f
            },
            false,
        ),
    ];
    for (node, filters, include_boilerplate) in queries {
        let request = SearchRequest {
            filters,
            include_boilerplate,
            limit: 10,
            ..SearchRequest::default()
        };
        let response = searcher().run(&request, &node).expect("search");
        let (by_hand, reports) = counted_by_hand(&request, &node);
        assert!(response.total > 0, "{node:?}");
        assert_eq!(response.reports, Some(reports), "{node:?}: reports");
        for (field, values) in &response.facets {
            let counted: std::collections::BTreeMap<String, u64> =
                values.iter().map(|v| (v.value.clone(), v.count)).collect();
            let empty = Default::default();
            let expected = by_hand.get(field).unwrap_or(&empty);
            assert_eq!(&counted, expected, "{node:?}: {field}");
        }
        assert_eq!(response.facets.len(), 7);
    }
}

#[test]
fn a_request_without_facets_finds_the_same_page_and_total_and_counts_nothing_more() {
    let node = word("supervision");
    let with = SearchRequest {
        limit: 10,
        ..SearchRequest::default()
    };
    let without = SearchRequest {
        facets: false,
        ..with.clone()
    };
    let a = searcher().run(&with, &node).expect("search");
    let b = searcher().run(&without, &node).expect("search");
    assert_eq!(a.total, b.total);
    let ids = |r: &SearchResponse| -> Vec<(String, u64)> {
        r.hits
            .iter()
            .map(|h| (h.report_id.clone(), h.ordinal))
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
    assert!(a.reports.is_some_and(|n| n > 0));
    assert_eq!(b.reports, None);
    assert!(b.facets.is_empty());
    let json = serde_json::to_value(&b).expect("json");
    assert!(json.get("reports").is_none(), "absent, not null: {json}");
    // Grouped by report, the reports are counted anyway.
    let grouped = SearchRequest {
        group_by_report: true,
        ..without
    };
    let g = searcher().run(&grouped, &node).expect("search");
    assert_eq!(g.reports, a.reports);
}
