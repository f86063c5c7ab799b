//! The JSON API in process: every route's answer is the library's answer to the same request;
//! paging; every error's status and body; the limits; the export; the security headers; and
//! the OpenAPI document against the routes it describes.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::response::IntoResponse;
use common::{as_json, call, enc, error_kind, fixture, get, post, Answer};
use ofsearch_query::analysis::{self, CompareBy, KwicSort, Split};
use ofsearch_query::{Filters, SearchRequest, Sort};
use ofsearch_server::{ApiError, Limits};
use serde_json::{json, Value};
use tower::ServiceExt;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The values of a facet field in the shared index, most frequent first.
fn vocab(field: &str) -> Vec<String> {
    let vocabularies = fixture().searcher.vocabularies().expect("vocabularies");
    vocabularies.fields[field]
        .iter()
        .map(|f| f.value.clone())
        .collect()
}

/// The library's answer to `request`, as JSON, without its timing.
fn library_search(request: &SearchRequest) -> Value {
    let response = fixture()
        .searcher
        .search_request(request)
        .unwrap_or_else(|e| panic!("library: {e} for {request:?}"));
    let mut json = as_json(&response);
    json.as_object_mut().expect("object").remove("took_ms");
    json
}

/// A search page without its timing and its paging fields (checked against `request`):
/// what the library answers.
fn page_body(answer: &Answer, request: &SearchRequest) -> Value {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let mut json = answer.json();
    assert_eq!(json["offset"], json!(request.offset), "offset echoed");
    assert_eq!(json["limit"], json!(request.limit), "limit echoed");
    assert!(json["took_ms"].is_number(), "took_ms: {}", json["took_ms"]);
    let object = json.as_object_mut().expect("object");
    for key in ["took_ms", "offset", "limit", "next_offset"] {
        object.remove(key);
    }
    json
}

/// The search requests the tests ask, as a query string and as the library's request.
fn search_cases() -> Vec<(String, SearchRequest)> {
    let authority = vocab("authority")[0].clone();
    let region = vocab("region")[0].clone();
    let report_type = vocab("type")[0].clone();
    let request = |query: &str| SearchRequest {
        query: query.to_string(),
        ..SearchRequest::default()
    };
    vec![
        ("q=care".into(), request("care")),
        (
            "q=%22care+leavers%22&grade=good&grade=outstanding&limit=5".into(),
            SearchRequest {
                limit: 5,
                filters: Filters {
                    grade: vec!["good".into(), "outstanding".into()],
                    ..Filters::default()
                },
                ..request("\"care leavers\"")
            },
        ),
        (
            "q=care+plan&sort=newest&limit=20".into(),
            SearchRequest {
                sort: Sort::Newest,
                limit: 20,
                ..request("care plan")
            },
        ),
        (
            "q=neglect&sort=oldest&offset=3&limit=4".into(),
            SearchRequest {
                sort: Sort::Oldest,
                offset: 3,
                limit: 4,
                ..request("neglect")
            },
        ),
        (
            "q=neglect&group_by=report&limit=3".into(),
            SearchRequest {
                group_by_report: true,
                limit: 3,
                ..request("neglect")
            },
        ),
        (
            "q=management+oversight&explain=true&limit=3".into(),
            SearchRequest {
                explain: true,
                limit: 3,
                ..request("management oversight")
            },
        ),
        (
            "q=%22looked+after+children%22&expand=1".into(),
            SearchRequest {
                expand: true,
                ..request("\"looked after children\"")
            },
        ),
        (
            "q=care+AND+(&lenient=on".into(),
            SearchRequest {
                lenient: true,
                ..request("care AND (")
            },
        ),
        (
            "q=leavers&exact=true&kind=judgement&year=2019-2026".into(),
            SearchRequest {
                exact: true,
                filters: Filters {
                    kind: vec!["judgement".into()],
                    year: vec!["2019-2026".into()],
                    ..Filters::default()
                },
                ..request("leavers")
            },
        ),
        (
            format!(
                "q=children&authority={}&region={}&type={}",
                enc(&authority),
                enc(&region),
                enc(&report_type)
            ),
            SearchRequest {
                filters: Filters {
                    authority: vec![authority.clone()],
                    region: vec![region.clone()],
                    report_type: vec![report_type.clone()],
                    ..Filters::default()
                },
                ..request("children")
            },
        ),
        (
            "q=grade%3Agood&include_boilerplate=true&limit=2".into(),
            SearchRequest {
                include_boilerplate: true,
                limit: 2,
                ..request("grade:good")
            },
        ),
        (
            "q=drift+delay+permanence&all_words=yes&offset=1&limit=4".into(),
            SearchRequest {
                all_words: true,
                offset: 1,
                limit: 4,
                ..request("drift delay permanence")
            },
        ),
        (
            "q=grade%3Ainadequate+area%3Acare-leavers+%2Bsupport+-housing".into(),
            request("grade:inadequate area:care-leavers +support -housing"),
        ),
        // A page without counts: no facets, no reports (the next page of a search).
        (
            "q=neglect&offset=10&facets=false".into(),
            SearchRequest {
                offset: 10,
                facets: false,
                ..request("neglect")
            },
        ),
    ]
}

/// Whether a JSON answer's top-level keys are those of a schema: every required property
/// present, nothing it does not list.
fn assert_fits(value: &Value, schema: &Value, what: &str) {
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object: {value}"));
    for key in object.keys() {
        assert!(
            properties.contains_key(key),
            "{what}: '{key}' is not in the documented schema"
        );
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        let name = required.as_str().expect("name");
        assert!(
            object.contains_key(name),
            "{what}: documented '{name}' is missing from {value}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Every route: the library's answer
// ---------------------------------------------------------------------------------------------

#[test]
fn search_get_and_post_answer_what_the_library_answers() {
    let app = &fixture().app;
    for (query, request) in search_cases() {
        let expected = library_search(&request);
        let got = get(app, &format!("/api/v1/search?{query}"));
        assert_eq!(page_body(&got, &request), expected, "GET {query}");
        let body = serde_json::to_vec(&request).expect("request as JSON");
        let posted = post(app, "/api/v1/search", body);
        assert_eq!(page_body(&posted, &request), expected, "POST {query}");
        assert_eq!(
            got.json()["next_offset"],
            posted.json()["next_offset"],
            "{query}"
        );
    }
}

#[test]
fn post_takes_partial_requests_with_the_defaults() {
    let app = &fixture().app;
    let answer = post(app, "/api/v1/search", r#"{"query": "adoption"}"#);
    let request = SearchRequest {
        query: "adoption".into(),
        ..SearchRequest::default()
    };
    assert_eq!(page_body(&answer, &request), library_search(&request));
    // Every field the library's request has, given explicitly.
    let full = json!({
        "query": "adoption",
        "filters": {"authority": [], "region": [], "year": [], "type": [], "area": [], "grade": [], "kind": []},
        "exact": false, "include_boilerplate": false, "expand": false, "lenient": false,
        "sort": "relevance", "offset": 0, "limit": 10, "group_by_report": false,
        "boosts": {"section": 0.0, "proximity": 2.0, "priors": false},
        "all_words": false, "explain": true
    });
    let request: SearchRequest = serde_json::from_value(full.clone()).expect("a request");
    let answer = post(app, "/api/v1/search", full.to_string());
    assert_eq!(page_body(&answer, &request), library_search(&request));
}

#[test]
fn reports_list_is_the_librarys_filtered() {
    let f = fixture();
    let all = f.searcher.reports().expect("reports");
    let answer = get(&f.app, "/api/v1/reports");
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.json(),
        json!({"total": all.len(), "reports": as_json(&all)})
    );
    assert_eq!(all.len(), common::SHARED_REPORTS.count());

    let pick = |field: &str, value: &str| -> Vec<Value> {
        all.iter()
            .filter(|r| {
                r[field]
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case(value))
            })
            .cloned()
            .collect()
    };
    let first = &all[0];
    let authority = first["authority"].as_str().expect("authority");
    let code = first["authority_code"].as_str().expect("code");
    let region = first["region"].as_str().expect("region");
    let report_type = first["report_type"].as_str().expect("type");
    for (query, expected) in [
        (
            format!("authority={}", enc(authority)),
            pick("authority", authority),
        ),
        (
            format!("authority={}", enc(&authority.to_uppercase())),
            pick("authority", authority),
        ),
        (format!("authority={code}"), pick("authority", authority)),
        (format!("region={}", enc(region)), pick("region", region)),
        (
            format!("type={report_type}"),
            pick("report_type", report_type),
        ),
    ] {
        let answer = get(&f.app, &format!("/api/v1/reports?{query}"));
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
        assert!(!expected.is_empty(), "{query}");
        assert_eq!(
            answer.json(),
            json!({"total": expected.len(), "reports": expected}),
            "{query}"
        );
    }
    // Years: one, a span, several (OR'ed), with another field (AND'ed).
    let in_years = |from: u64, to: u64| -> Vec<Value> {
        all.iter()
            .filter(|r| r["year"].as_u64().is_some_and(|y| (from..=to).contains(&y)))
            .cloned()
            .collect()
    };
    let answer = get(&f.app, "/api/v1/reports?year=2014-2019");
    assert_eq!(answer.json()["reports"], json!(in_years(2014, 2019)));
    let answer = get(&f.app, "/api/v1/reports?year=2014&year=2024");
    let mut both = in_years(2014, 2014);
    both.extend(in_years(2024, 2024));
    assert_eq!(
        answer.json()["total"],
        json!(both.len()),
        "{}",
        answer.text()
    );
    let answer = get(
        &f.app,
        &format!("/api/v1/reports?region={}&year=2014-2019", enc(region)),
    );
    let expected: Vec<Value> = in_years(2014, 2019)
        .into_iter()
        .filter(|r| r["region"] == json!(region))
        .collect();
    assert_eq!(answer.json()["reports"], json!(expected));
}

#[test]
fn a_report_is_the_librarys_view_of_it() {
    let f = fixture();
    let all = f.searcher.reports().expect("reports");
    for report in [&all[0], &all[all.len() - 1]] {
        let id = report["report_id"].as_str().expect("report_id");
        let expected = f.searcher.report(id, None).expect("read").expect("found");
        let answer = get(&f.app, &format!("/api/v1/reports/{id}"));
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(answer.json(), as_json(&expected));

        // With a query, its words marked as the library marks them.
        let request = SearchRequest {
            query: "\"care leavers\" support".into(),
            ..SearchRequest::default()
        };
        let node = f.searcher.parse(&request).expect("parse");
        let compiled = f.searcher.compile(&request, &node).expect("compile");
        let expected = f
            .searcher
            .report(id, Some(&compiled.highlight))
            .expect("read")
            .expect("found");
        let answer = get(
            &f.app,
            &format!("/api/v1/reports/{id}?q={}", enc(&request.query)),
        );
        assert_eq!(answer.json(), as_json(&expected));
        assert!(answer.text().contains("<mark>"), "words are marked");

        // Exact and lenient readings.
        let request = SearchRequest {
            query: "leavers AND (".into(),
            lenient: true,
            exact: true,
            ..SearchRequest::default()
        };
        let node = f.searcher.parse(&request).expect("parse");
        let compiled = f.searcher.compile(&request, &node).expect("compile");
        let expected = f
            .searcher
            .report(id, Some(&compiled.highlight))
            .expect("read")
            .expect("found");
        let answer = get(
            &f.app,
            &format!(
                "/api/v1/reports/{id}?q={}&lenient=true&exact=true",
                enc(&request.query)
            ),
        );
        assert_eq!(answer.json(), as_json(&expected));
    }
}

#[test]
fn kwic_is_the_librarys_paged() {
    let f = fixture();
    let cases = [
        (
            "q=%22drift+and+delay%22",
            "\"drift and delay\"",
            6,
            KwicSort::Match,
            0,
            100,
        ),
        (
            "q=neglect&width=3&sort=left",
            "neglect",
            3,
            KwicSort::Left,
            0,
            100,
        ),
        (
            "q=neglect&width=0&sort=right&offset=5&limit=7",
            "neglect",
            0,
            KwicSort::Right,
            5,
            7,
        ),
        (
            "q=care+leavers&width=50&limit=0",
            "care leavers",
            50,
            KwicSort::Match,
            0,
            0,
        ),
        (
            "q=adoption&grade=good&offset=10000",
            "adoption",
            6,
            KwicSort::Match,
            10_000,
            100,
        ),
    ];
    for (query, text, width, sort, offset, limit) in cases {
        let mut request = SearchRequest {
            query: text.to_string(),
            ..SearchRequest::default()
        };
        if query.contains("grade=good") {
            request.filters.grade = vec!["good".into()];
        }
        let answer = get(&f.app, &format!("/api/v1/kwic?{query}"));
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
        let node = f.searcher.parse(&request).expect("parse");
        let lines = analysis::kwic(&f.searcher, &request, &node, width, sort).expect("kwic");
        let total = lines.len();
        assert!(total > 0, "{query} finds something");
        let page: Vec<_> = lines.into_iter().skip(offset).take(limit).collect();
        assert_eq!(
            answer.json(),
            json!({"total": total, "offset": offset, "limit": limit, "lines": as_json(&page)}),
            "{query}"
        );
    }
}

#[test]
fn trend_is_the_librarys() {
    let f = fixture();
    for (query, text, split) in [
        ("q=neglect", "neglect", None),
        (
            "q=neglect&by=year&split=grade",
            "neglect",
            Some(Split::Grade),
        ),
        (
            "q=%22care+leavers%22&split=area",
            "\"care leavers\"",
            Some(Split::Area),
        ),
        (
            "q=adoption&split=type&region=North+West",
            "adoption",
            Some(Split::Type),
        ),
        ("q=grade:inadequate", "grade:inadequate", None),
    ] {
        let mut request = SearchRequest {
            query: text.to_string(),
            ..SearchRequest::default()
        };
        if query.contains("region=") {
            request.filters.region = vec!["North West".into()];
        }
        let node = f.searcher.parse(&request).expect("parse");
        let expected = analysis::trend(&f.searcher, &request, &node, split).expect("trend");
        let answer = get(&f.app, &format!("/api/v1/trend?{query}"));
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
        assert_eq!(answer.json(), as_json(&expected), "{query}");
    }
}

#[test]
fn compare_is_the_librarys() {
    let f = fixture();
    for (query, text, by, top) in [
        (
            "q=%22management+oversight%22",
            "\"management oversight\"",
            CompareBy::Grade,
            15,
        ),
        ("q=children&by=area&top=5", "children", CompareBy::Area, 5),
        ("q=plans&by=grade&top=0", "plans", CompareBy::Grade, 0),
        ("q=plans&top=200", "plans", CompareBy::Grade, 200),
    ] {
        let request = SearchRequest {
            query: text.to_string(),
            ..SearchRequest::default()
        };
        let node = f.searcher.parse(&request).expect("parse");
        let expected = analysis::compare(&f.searcher, &request, &node, by, top).expect("compare");
        let answer = get(&f.app, &format!("/api/v1/compare?{query}"));
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
        assert_eq!(answer.json(), as_json(&expected), "{query}");
    }
}

#[test]
fn vocabularies_and_health_are_the_indexs() {
    let f = fixture();
    let answer = get(&f.app, "/api/v1/vocabularies");
    assert_eq!(answer.status, StatusCode::OK);
    let expected = f.searcher.vocabularies().expect("vocabularies");
    assert_eq!(answer.json(), as_json(&expected));

    let answer = get(&f.app, "/api/v1/names");
    assert_eq!(answer.status, StatusCode::OK);
    let expected = f.searcher.names().expect("names");
    assert_eq!(answer.json(), as_json(&expected));
    assert!(answer.json()["authorities"][0]["display"].is_string());

    let answer = get(&f.app, "/api/v1/health");
    assert_eq!(answer.status, StatusCode::OK);
    let health = answer.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["documents"], json!(f.searcher.documents()));
    assert_eq!(
        health["schema_version"],
        json!(ofsearch_schema::SCHEMA_VERSION)
    );
    assert!(health["generation"].is_u64() && health["in_flight"].is_u64());
}

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

/// Walks the pages of `query` `limit` at a time, GET and POST, checking each against the
/// library: the hits of every page, in order.
fn walk_pages(query: &str, extra: &str, base: &SearchRequest, limit: usize) -> Vec<Value> {
    let app = &fixture().app;
    let mut hits = Vec::new();
    let mut offset = 0;
    for _ in 0..100 {
        let request = SearchRequest {
            offset,
            limit,
            ..base.clone()
        };
        let url = format!(
            "/api/v1/search?q={}{extra}&offset={offset}&limit={limit}",
            enc(query)
        );
        let got = get(app, &url);
        let posted = post(
            app,
            "/api/v1/search",
            serde_json::to_vec(&request).expect("json"),
        );
        let next = got.json()["next_offset"].clone();
        assert_eq!(next, posted.json()["next_offset"], "{url}");
        let expected = library_search(&request);
        assert_eq!(page_body(&got, &request), expected, "{url}");
        assert_eq!(page_body(&posted, &request), expected, "{url}");
        let page = expected["hits"].as_array().expect("hits").clone();
        hits.extend(page);
        match next.as_u64() {
            Some(n) => {
                assert_eq!(
                    n as usize,
                    offset + limit,
                    "{url}: next page starts after this one"
                );
                offset = n as usize;
            }
            None => {
                assert!(next.is_null(), "{url}");
                // And nothing after it.
                let after = SearchRequest {
                    offset: offset + limit,
                    ..request
                };
                let url = format!(
                    "/api/v1/search?q={}{extra}&offset={}&limit={limit}",
                    enc(query),
                    after.offset
                );
                let answer = get(app, &url);
                assert_eq!(page_body(&answer, &after)["hits"], json!([]), "{url}");
                assert!(answer.json()["next_offset"].is_null(), "{url}");
                return hits;
            }
        }
    }
    panic!("{query}: more than 100 pages");
}

#[test]
fn pages_follow_each_other_to_the_last() {
    let searcher = &fixture().searcher;
    // A phrase: no partial matches; every hit counted.
    let base = SearchRequest {
        query: "\"care leavers\"".into(),
        ..SearchRequest::default()
    };
    let all = searcher
        .search_request(&SearchRequest {
            limit: 10_000,
            ..base.clone()
        })
        .expect("all");
    let total = all.total as usize;
    assert!(total >= 8, "enough hits to page: {total}");
    let limit = total / 3;
    let hits = walk_pages(&base.query, "", &base, limit);
    assert_eq!(hits.len(), total, "the pages hold every hit once");
    // A page that ends exactly at the total says there is no next one.
    let exact = SearchRequest {
        offset: total - limit,
        limit,
        ..base.clone()
    };
    let answer = get(
        &fixture().app,
        &format!(
            "/api/v1/search?q={}&offset={}&limit={limit}",
            enc(&base.query),
            exact.offset
        ),
    );
    assert!(answer.json()["next_offset"].is_null(), "{}", answer.text());

    // Plain words: the counted matches, then the partial ones, paged through to the end.
    let base = SearchRequest {
        query: "permanence drift".into(),
        ..SearchRequest::default()
    };
    let all = searcher
        .search_request(&SearchRequest {
            limit: 10_000,
            ..base.clone()
        })
        .expect("all");
    let every = all.total + all.partial.unwrap_or(0);
    assert!(all.partial.unwrap_or(0) > 0, "some partial matches");
    let limit = (every as usize / 4).max(1);
    let hits = walk_pages(&base.query, "", &base, limit);
    assert_eq!(hits.len() as u64, every);

    // Grouped by report: pages of reports.
    let base = SearchRequest {
        query: "neglect".into(),
        group_by_report: true,
        ..SearchRequest::default()
    };
    let reports = searcher
        .search_request(&base)
        .expect("grouped")
        .reports
        .expect("counted");
    assert!(reports >= 3, "{reports}");
    let hits = walk_pages(&base.query, "&group_by=report", &base, 2);
    assert_eq!(hits.len() as u64, reports);
}

#[test]
fn limit_zero_has_no_next_page() {
    let answer = get(&fixture().app, "/api/v1/search?q=care&limit=0");
    assert_eq!(answer.status, StatusCode::OK);
    let json = answer.json();
    assert_eq!(json["hits"], json!([]));
    assert!(json["total"].as_u64().unwrap_or(0) > 0);
    assert!(json["next_offset"].is_null());
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[test]
fn a_query_mistake_is_400_with_its_column() {
    let f = fixture();
    for query in [
        "",
        "   ",
        "care AND",
        "(care",
        "\"care leavers",
        "care)",
        "colour:red",
        "year:[2013 TO",
    ] {
        let library = f
            .searcher
            .search_request(&SearchRequest {
                query: query.into(),
                ..SearchRequest::default()
            })
            .expect_err("a mistake");
        let column = library.column().expect("a column");
        for answer in [
            get(&f.app, &format!("/api/v1/search?q={}", enc(query))),
            post(
                &f.app,
                "/api/v1/search",
                json!({"query": query}).to_string(),
            ),
            get(&f.app, &format!("/api/v1/kwic?q={}", enc(query))),
            get(&f.app, &format!("/api/v1/trend?q={}", enc(query))),
            get(&f.app, &format!("/api/v1/compare?q={}", enc(query))),
            get(&f.app, &format!("/api/v1/export?q={}", enc(query))),
        ] {
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
            assert_eq!(error_kind(&answer), "syntax", "{query}");
            let body = answer.json();
            assert_eq!(body["error"]["column"], json!(column), "{query}: {body}");
            assert!(
                answer
                    .header("content-type")
                    .is_some_and(|t| t.starts_with("application/json")),
                "{query}"
            );
        }
    }
    // The report view reads its query too.
    let id = f.searcher.reports().expect("reports")[0]["report_id"]
        .as_str()
        .expect("id")
        .to_string();
    let answer = get(&f.app, &format!("/api/v1/reports/{id}?q=care+AND"));
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_kind(&answer), "syntax");
    assert!(answer.json()["error"]["column"].is_u64());
}

#[test]
fn unknown_repeated_and_bad_parameters_are_400() {
    let app = &fixture().app;
    for url in [
        "/api/v1/search?qq=care",
        "/api/v1/search?q=care&q=adoption",
        "/api/v1/search?q=care&limit=ten",
        "/api/v1/search?q=care&limit=-1",
        "/api/v1/search?q=care&offset=1e3",
        "/api/v1/search?q=care&sort=best",
        "/api/v1/search?q=care&sort=newest&sort=oldest",
        "/api/v1/search?q=care&exact=maybe",
        "/api/v1/search?q=care&group_by=authority",
        "/api/v1/search?q=care&width=3",
        "/api/v1/kwic?q=care&sort=newest",
        "/api/v1/kwic?q=care&group_by=report",
        "/api/v1/trend?q=care&by=month",
        "/api/v1/trend?q=care&split=kind",
        "/api/v1/compare?q=care&by=year",
        "/api/v1/compare?q=care&top=many",
        "/api/v1/export?q=care&format=xml",
        "/api/v1/export?q=care&limit=10",
        "/api/v1/reports?grade=good",
        "/api/v1/reports?q=care",
        "/api/v1/reports/abc?limit=1",
        "/api/v1/vocabularies?x=1",
        "/api/v1/health?verbose=1",
        "/api/v1/openapi.json?format=yaml",
        "/api/v1/search?q%00=care",
    ] {
        let answer = get(app, url);
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{url}: {}",
            answer.text()
        );
        assert_eq!(error_kind(&answer), "parameter", "{url}");
    }
}

#[test]
fn a_filter_value_the_index_lacks_is_400() {
    let f = fixture();
    for (url, filters) in [
        (
            "/api/v1/search?q=care&grade=excellent",
            Filters {
                grade: vec!["excellent".into()],
                ..Filters::default()
            },
        ),
        (
            "/api/v1/search?q=care&authority=Atlantis",
            Filters {
                authority: vec!["Atlantis".into()],
                ..Filters::default()
            },
        ),
        (
            "/api/v1/search?q=care&year=last+year",
            Filters {
                year: vec!["last year".into()],
                ..Filters::default()
            },
        ),
        (
            "/api/v1/search?q=care&type=inspection",
            Filters {
                report_type: vec!["inspection".into()],
                ..Filters::default()
            },
        ),
    ] {
        let library = f.searcher.search_request(&SearchRequest {
            query: "care".into(),
            filters,
            ..SearchRequest::default()
        });
        assert!(
            library.is_err_and(|e| e.kind() == ofsearch_query::ErrorKind::Filter),
            "{url}: the library refuses it too"
        );
        let answer = get(&f.app, url);
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{url}");
        assert_eq!(error_kind(&answer), "filter", "{url}");
        // The same filter in the other routes that search.
        let rest = url.trim_start_matches("/api/v1/search?");
        for route in ["kwic", "trend", "compare", "export"] {
            let answer = get(&f.app, &format!("/api/v1/{route}?{rest}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{route}?{rest}");
            assert_eq!(error_kind(&answer), "filter", "{route}?{rest}");
        }
    }
    for url in [
        "/api/v1/reports?authority=Atlantis",
        "/api/v1/reports?region=Mars",
        "/api/v1/reports?year=2019-2014",
        "/api/v1/reports?year=soon",
        "/api/v1/reports?type=inspection",
        "/api/v1/search?q=grade:excellent",
    ] {
        let answer = get(&f.app, url);
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{url}");
        assert_eq!(error_kind(&answer), "filter", "{url}");
    }
}

#[test]
fn a_post_body_that_is_not_a_request_is_400() {
    let app = &fixture().app;
    for body in [
        r#"{"query": "care", "colour": "red"}"#,
        r#"{"query": "care", "filters": {"grade": ["good"], "colour": ["red"]}}"#,
        r#"{"query": "care", "boosts": {"section": 1, "colour": 2}}"#,
        r#"{"q": "care"}"#,
        r#"{"query": 7}"#,
        r#"{"query": "care", "limit": -1}"#,
        r#"{"query": "care", "sort": "best"}"#,
        r#"["care"]"#,
        r#"{"query": "care""#,
        "",
        "query=care",
        "\u{0}\u{1}\u{2}",
    ] {
        let answer = post(app, "/api/v1/search", body);
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body:?}: {}",
            answer.text()
        );
        assert_eq!(error_kind(&answer), "parameter", "{body:?}");
    }
    // Invalid UTF-8.
    let answer = post(app, "/api/v1/search", vec![b'{', 0xff, 0xfe, b'}']);
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_kind(&answer), "parameter");
}

#[test]
fn unknown_reports_and_routes_are_404_with_the_error_body() {
    let app = &fixture().app;
    for url in [
        "/api/v1/reports/0000000000000000",
        "/api/v1/reports/nonesuch",
        "/api/v1/reports/%20",
        &format!("/api/v1/reports/{}", "9".repeat(200)),
    ] {
        let answer = get(app, url);
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{url}: {}",
            answer.text()
        );
        assert_eq!(error_kind(&answer), "not_found", "{url}");
    }
    for url in [
        "/api/v1/nonesuch",
        "/api/v1/",
        "/api/v1/search/",
        "/api/v1/search/extra",
        "/api/v1/reports/a/b",
        "/api/v2/search",
        "/api/v1/SEARCH",
    ] {
        let answer = get(app, url);
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{url}: {}",
            answer.text()
        );
        if url.starts_with("/api/v1/") {
            assert_eq!(
                answer.header("content-type"),
                Some("application/json"),
                "{url}"
            );
            assert_eq!(error_kind(&answer), "not_found", "{url}");
        }
    }
}

#[test]
fn a_path_that_is_not_text_is_refused_with_the_error_body() {
    let app = &fixture().app;
    for url in ["/api/v1/reports/%FF", "/api/v1/reports/%C3%28"] {
        let answer = get(app, url);
        assert!(
            answer.status == StatusCode::BAD_REQUEST || answer.status == StatusCode::NOT_FOUND,
            "{url}: {}",
            answer.status
        );
        error_kind(&answer);
    }
}

#[test]
fn a_method_a_route_does_not_take_is_405_with_the_error_body() {
    let app = &fixture().app;
    for (method, url) in [
        (Method::POST, "/api/v1/reports"),
        (Method::DELETE, "/api/v1/search"),
        (Method::PUT, "/api/v1/export?q=care"),
        (Method::POST, "/api/v1/health"),
    ] {
        let answer = call(
            app,
            Request::builder()
                .method(method.clone())
                .uri(url)
                .body(Body::from("{}"))
                .expect("request"),
        );
        assert_eq!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {url}"
        );
        assert!(
            answer.header("allow").is_some_and(|a| a.contains("GET")),
            "{method} {url}: {:?}",
            answer.headers
        );
        assert_eq!(error_kind(&answer), "method_not_allowed", "{method} {url}");
    }
}

#[test]
fn an_oversized_body_is_413_with_the_error_body() {
    let limits = Limits {
        max_body: 1024,
        ..Limits::default()
    };
    let (_, app) = common::app_with(limits);
    let big = json!({"query": "care ".repeat(400)}).to_string();
    assert!(big.len() > 1024);
    let answer = post(&app, "/api/v1/search", big.clone());
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text()
    );
    assert_eq!(error_kind(&answer), "too_large");
    // Without a Content-Length (a stream of chunks), the same.
    let chunks = futures_util::stream::iter(
        big.into_bytes()
            .chunks(100)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let answer = call(
        &app,
        Request::post("/api/v1/search")
            .body(Body::from_stream(chunks))
            .expect("request"),
    );
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text()
    );
    assert_eq!(error_kind(&answer), "too_large");
    // Just under the limit is fine.
    let fits = json!({"query": "care"}).to_string();
    assert_eq!(post(&app, "/api/v1/search", fits).status, StatusCode::OK);
}

#[test]
fn an_oversized_url_is_414_with_the_error_body() {
    let limits = Limits::default();
    let app = &fixture().app;
    let long = format!(
        "/api/v1/search?q={}",
        "care+".repeat(limits.max_uri / 5 + 1)
    );
    assert!(long.len() > limits.max_uri);
    for url in [long.clone(), long.replace("/search", "/nonesuch")] {
        let answer = get(app, &url);
        assert_eq!(answer.status, StatusCode::URI_TOO_LONG);
        assert_eq!(error_kind(&answer), "uri_too_long");
    }
    // The same query POSTed is fine (but longer than a query may be).
    let answer = post(
        app,
        "/api/v1/search",
        json!({"query": "care ".repeat(300)}).to_string(),
    );
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

#[test]
fn an_overloaded_server_answers_503_with_retry_after() {
    let limits = Limits {
        workers: 1,
        queue: 0,
        ..Limits::default()
    };
    let (live, app) = common::app_with(limits);
    let id = fixture().searcher.reports().expect("reports")[0]["report_id"]
        .as_str()
        .expect("id")
        .to_string();
    let gated = [
        "/api/v1/search?q=care".to_string(),
        "/api/v1/kwic?q=care".into(),
        "/api/v1/trend?q=care".into(),
        "/api/v1/compare?q=care".into(),
        "/api/v1/export?q=care".into(),
        "/api/v1/reports".into(),
        format!("/api/v1/reports/{id}"),
        "/api/v1/vocabularies".into(),
        "/api/v1/names".into(),
    ];
    let slot = common::block_on(live.slot()).expect("the one slot");
    for url in &gated {
        let answer = get(&app, url);
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{url}");
        assert_eq!(answer.header("retry-after"), Some("1"), "{url}");
        assert_eq!(error_kind(&answer), "overloaded", "{url}");
    }
    let answer = post(&app, "/api/v1/search", r#"{"query": "care"}"#);
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    // Health is not gated, and counts the slot held.
    let health = get(&app, "/api/v1/health");
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["in_flight"], json!(1));
    drop(slot);
    for url in &gated {
        assert_eq!(
            get(&app, url).status,
            StatusCode::OK,
            "{url} once the slot is free"
        );
    }
    assert_eq!(get(&app, "/api/v1/health").json()["in_flight"], json!(0));
}

#[test]
fn a_request_over_the_time_budget_answers_503_with_retry_after() {
    let limits = Limits {
        workers: 1,
        queue: 1,
        budget: std::time::Duration::from_millis(300),
        ..Limits::default()
    };
    let (live, app) = common::app_with(limits);
    let slot = common::block_on(live.slot()).expect("the one slot");
    // Admitted to the queue, it waits for the slot longer than the budget.
    let answer = get(&app, "/api/v1/search?q=care");
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.header("retry-after"), Some("1"));
    assert_eq!(error_kind(&answer), "timeout");
    drop(slot);
    assert_eq!(get(&app, "/api/v1/search?q=care").status, StatusCode::OK);
    assert_eq!(live.in_flight(), 0, "every ticket returned");
}

#[test]
fn an_internal_error_shows_no_detail() {
    let secret = "/home/someone/index/segment-3f2a.store: Permission denied (os error 13)";
    let response = ApiError::Internal(secret.into()).into_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = common::block_on(http_body_util::BodyExt::collect(response.into_body()))
        .expect("body")
        .to_bytes();
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(
        body,
        json!({"error": {"kind": "internal", "message": "internal error"}})
    );
    // A library fault becomes one.
    let fault: ApiError = ofsearch_query::QueryError::Internal(secret.into()).into();
    assert_eq!(fault.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!fault.to_string().contains("Permission"));
    let fault: ApiError = ofsearch_query::QueryError::NoIndex("/secret/path".into()).into();
    assert_eq!(fault.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!fault.body().error.message.contains("secret"));
}

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

#[test]
fn pages_and_widths_beyond_the_limits_are_400() {
    let limits = Limits::default();
    let app = &fixture().app;
    let max_limit = limits.max_limit;
    let window = limits.max_window;
    let at = |url: String, ok: bool| {
        let answer = get(app, &url);
        if ok {
            assert_eq!(answer.status, StatusCode::OK, "{url}: {}", answer.text());
        } else {
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{url}");
            assert_eq!(error_kind(&answer), "parameter", "{url}");
        }
    };
    at(format!("/api/v1/search?q=care&limit={max_limit}"), true);
    at(
        format!("/api/v1/search?q=care&limit={}", max_limit + 1),
        false,
    );
    at(
        format!("/api/v1/search?q=care&offset={}&limit=10", window - 10),
        true,
    );
    at(
        format!("/api/v1/search?q=care&offset={}&limit=10", window - 9),
        false,
    );
    at(
        format!("/api/v1/search?q=care&offset={}&limit=0", window + 1),
        false,
    );
    at(
        format!("/api/v1/search?q=care&offset={}", usize::MAX),
        false,
    );
    at(
        format!("/api/v1/kwic?q=care&width={}", limits.max_kwic_width),
        true,
    );
    at(
        format!("/api/v1/kwic?q=care&width={}", limits.max_kwic_width + 1),
        false,
    );
    at(
        format!("/api/v1/kwic?q=care&limit={}", limits.max_kwic_lines + 1),
        false,
    );
    at(
        format!("/api/v1/kwic?q=care&offset={}", limits.max_kwic_lines + 1),
        false,
    );
    at(
        format!("/api/v1/compare?q=care&top={}", limits.max_compare_top),
        true,
    );
    at(
        format!("/api/v1/compare?q=care&top={}", limits.max_compare_top + 1),
        false,
    );

    for body in [
        json!({"query": "care", "limit": max_limit + 1}),
        json!({"query": "care", "offset": window, "limit": 1}),
        json!({"query": "care", "offset": usize::MAX, "limit": 10}),
        json!({"query": "care", "boosts": {"section": -1.0}}),
        json!({"query": "care", "boosts": {"proximity": -0.5}}),
    ] {
        let answer = post(app, "/api/v1/search", body.to_string());
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_kind(&answer), "parameter", "{body}");
    }
    // Not finite: JSON has no NaN, a number beyond f32 becomes infinite.
    for body in [
        r#"{"query": "care", "boosts": {"section": 1e39}}"#,
        r#"{"query": "care", "boosts": {"proximity": -1e39}}"#,
        r#"{"query": "care", "boosts": {"proximity": 1e999}}"#,
        r#"{"query": "care", "boosts": {"section": NaN}}"#,
        r#"{"query": "care", "boosts": {"section": Infinity}}"#,
        r#"{"query": "care", "boosts": {"section": "NaN"}}"#,
    ] {
        let answer = post(app, "/api/v1/search", body);
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.text()
        );
        assert_eq!(error_kind(&answer), "parameter", "{body}");
    }
    let answer = post(
        app,
        "/api/v1/search",
        r#"{"query": "care", "boosts": {"section": 1e39}}"#,
    );
    assert!(answer.text().contains("finite"), "{}", answer.text());
    // Smaller limits are applied as configured.
    let (_, small) = common::app_with(Limits {
        max_limit: 5,
        max_window: 20,
        max_kwic_width: 2,
        max_kwic_lines: 3,
        max_compare_top: 4,
        ..Limits::default()
    });
    for (url, ok) in [
        ("/api/v1/search?q=care&limit=5", true),
        ("/api/v1/search?q=care&limit=6", false),
        ("/api/v1/search?q=care&limit=5&offset=15", true),
        ("/api/v1/search?q=care&limit=5&offset=16", false),
        ("/api/v1/kwic?q=care&width=2&limit=3", true),
        ("/api/v1/kwic?q=care&width=3&limit=3", false),
        ("/api/v1/kwic?q=care&limit=4", false),
        ("/api/v1/compare?q=care&top=4", true),
        ("/api/v1/compare?q=care&top=5", false),
    ] {
        let answer = get(&small, url);
        let expected = if ok {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        assert_eq!(answer.status, expected, "{url}: {}", answer.text());
    }
    // A default above a configured limit is the limit: a request that names no page size is
    // never refused for one, and never gets more than the limit.
    let answer = get(&small, "/api/v1/search?q=care");
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["limit"], json!(5));
    assert_eq!(answer.json()["hits"].as_array().map(Vec::len), Some(5));
    let answer = get(&small, "/api/v1/kwic?q=care");
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["limit"], json!(3));
    assert_eq!(answer.json()["lines"].as_array().map(Vec::len), Some(3));
    let answer = get(&small, "/api/v1/compare?q=care");
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    for group in answer.json()["groups"].as_array().expect("groups") {
        assert!(group["over"].as_array().map_or(0, Vec::len) <= 4, "{group}");
        assert!(
            group["under"].as_array().map_or(0, Vec::len) <= 4,
            "{group}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// Every match of `request` as the library lists them.
fn library_matches(request: &SearchRequest) -> Vec<ofsearch_query::Hit> {
    let searcher = &fixture().searcher;
    let node = searcher.parse(request).expect("parse");
    let mut hits = Vec::new();
    searcher
        .each_match(
            request,
            &node,
            |hit| -> Result<(), ofsearch_query::QueryError> {
                hits.push(hit);
                Ok(())
            },
        )
        .expect("every match");
    hits
}

#[test]
fn export_csv_is_every_match_with_the_librarys_columns() {
    let app = &fixture().app;
    for (query, request) in [
        (
            "q=%22care+leavers%22",
            SearchRequest {
                query: "\"care leavers\"".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "q=neglect&grade=inadequate&sort=newest&format=csv",
            SearchRequest {
                query: "neglect".into(),
                sort: Sort::Newest,
                filters: Filters {
                    grade: vec!["inadequate".into()],
                    ..Filters::default()
                },
                ..SearchRequest::default()
            },
        ),
    ] {
        let answer = get(app, &format!("/api/v1/export?{query}"));
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
        assert_eq!(
            answer.header("content-type"),
            Some("text/csv; charset=utf-8")
        );
        let disposition = answer.header("content-disposition").expect("a file name");
        assert!(
            disposition.starts_with("attachment; filename=\"ofsearch-")
                && disposition.ends_with(".csv\""),
            "{disposition}"
        );
        let mut reader = csv::Reader::from_reader(answer.body.as_ref());
        let header: Vec<String> = reader
            .headers()
            .expect("a header row")
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(header, ofsearch_query::reading::CSV_HEADER);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("a row").iter().map(str::to_string).collect())
            .collect();
        let total = fixture()
            .searcher
            .search_request(&request)
            .expect("search")
            .total;
        assert!(total > 0, "{query}");
        assert_eq!(rows.len() as u64, total, "{query}: one row per match");
        let expected: Vec<Vec<String>> = library_matches(&request)
            .iter()
            .map(|hit| ofsearch_query::reading::csv_row(hit).to_vec())
            .collect();
        assert_eq!(rows, expected, "{query}");
    }
    let answer = get(app, "/api/v1/export?q=grade:inadequate");
    assert_eq!(
        answer.header("content-disposition"),
        Some("attachment; filename=\"ofsearch-grade-inadequate.csv\"")
    );
}

#[test]
fn export_jsonl_lines_are_the_librarys_hits() {
    let app = &fixture().app;
    let request = SearchRequest {
        query: "adoption".into(),
        ..SearchRequest::default()
    };
    let answer = get(app, "/api/v1/export?q=adoption&format=jsonl");
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(
        answer.header("content-disposition"),
        Some("attachment; filename=\"ofsearch-adoption.jsonl\"")
    );
    let text = answer.text();
    assert!(text.ends_with('\n'));
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let total = fixture()
        .searcher
        .search_request(&request)
        .expect("search")
        .total;
    assert_eq!(lines.len() as u64, total);
    let expected: Vec<Value> = library_matches(&request).iter().map(as_json).collect();
    assert_eq!(lines, expected);
}

#[test]
fn a_slow_export_holds_its_slot_until_read_or_dropped() {
    let (live, app) = common::app_with(Limits {
        workers: 1,
        queue: 0,
        ..Limits::default()
    });
    let total = fixture()
        .searcher
        .search_request(&SearchRequest {
            query: "care".into(),
            ..SearchRequest::default()
        })
        .expect("search")
        .total;
    let wait_free = || {
        let started = std::time::Instant::now();
        while live.in_flight() > 0 {
            assert!(
                started.elapsed().as_secs() < 10,
                "the export keeps its slot"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    let export = || {
        common::block_on(
            app.clone().oneshot(
                Request::get("/api/v1/export?q=care&format=jsonl")
                    .body(Body::empty())
                    .expect("request"),
            ),
        )
        .expect("infallible")
    };
    // Answered, but not read: a client reading slowly. Its rows (over a megabyte) fill the
    // queue, and the export waits, in its slot.
    let response = export();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(live.in_flight(), 1);
    let answer = get(&app, "/api/v1/search?q=care");
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_kind(&answer), "overloaded");
    // Read to the end: every row, and the slot is free again.
    let body = common::block_on(http_body_util::BodyExt::collect(response.into_body()))
        .expect("the whole body")
        .to_bytes();
    assert_eq!(
        body.split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count() as u64,
        total
    );
    wait_free();
    assert_eq!(get(&app, "/api/v1/search?q=care").status, StatusCode::OK);
    // A client that goes away: the export stops and frees its slot.
    let response = export();
    assert_eq!(live.in_flight(), 1);
    drop(response);
    wait_free();
    assert_eq!(get(&app, "/api/v1/search?q=care").status, StatusCode::OK);
}

#[test]
fn export_of_nothing_is_a_header_row() {
    let app = &fixture().app;
    let answer = get(app, "/api/v1/export?q=zzyzx");
    assert_eq!(answer.status, StatusCode::OK);
    let text = answer.text();
    assert_eq!(text.lines().count(), 1, "{text}");
    let answer = get(app, "/api/v1/export?q=zzyzx&format=jsonl");
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Security headers
// ---------------------------------------------------------------------------------------------

#[test]
fn every_answer_carries_the_security_headers() {
    let app = &fixture().app;
    let answers = [
        get(app, "/"),
        get(app, "/api/v1/health"),
        get(app, "/api/v1/search?q=care"),
        get(app, "/api/v1/search?q=care+AND"),
        get(app, "/api/v1/nonesuch"),
        get(app, "/api/v1/reports/nonesuch"),
        get(app, "/api/v1/export?q=adoption"),
        get(app, "/api/v1/openapi.json"),
        get(app, &format!("/api/v1/search?q={}", "a".repeat(10_000))),
        post(app, "/api/v1/search", "not json"),
    ];
    for answer in &answers {
        let csp = answer.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{}: {csp:?}",
            answer.status
        );
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(answer.header("x-frame-options"), Some("DENY"));
        assert_eq!(answer.header("referrer-policy"), Some("no-referrer"));
    }
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document
// ---------------------------------------------------------------------------------------------

fn openapi() -> Value {
    let answer = get(&fixture().app, "/api/v1/openapi.json");
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()
}

/// A schema, its `$ref` followed.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .expect("a local schema");
            let found = &doc["components"]["schemas"][name];
            assert!(found.is_object(), "{reference} is defined");
            found
        }
        None => schema,
    }
}

/// Values to try for a documented parameter: every name of a choice, else one the index
/// holds.
fn sample_values(param: &Value) -> Vec<String> {
    let name = param["name"].as_str().expect("name");
    let mut schema = &param["schema"];
    if schema["type"] == "array" {
        schema = &schema["items"];
    }
    if let Some(names) = schema["enum"].as_array() {
        return names
            .iter()
            .map(|n| n.as_str().expect("a name").to_string())
            .collect();
    }
    match schema["type"].as_str() {
        Some("boolean") => vec!["true".into(), "false".into()],
        Some("integer") => vec!["0".into(), "3".into()],
        _ => match name {
            "q" => vec!["care".into(), "\"care leavers\" grade:good".into()],
            "authority" | "region" | "year" | "type" | "area" | "grade" | "kind" => {
                vec![vocab(name)[0].clone()]
            }
            "edition" => {
                let names = fixture().searcher.names().expect("names");
                vec![names.editions[0].value.clone()]
            }
            other => panic!("no sample value for the parameter '{other}'"),
        },
    }
}

#[test]
fn every_documented_route_and_parameter_is_served() {
    let doc = openapi();
    assert_eq!(doc["openapi"], "3.1.0");
    let app = &fixture().app;
    let id = fixture().searcher.reports().expect("reports")[0]["report_id"]
        .as_str()
        .expect("id")
        .to_string();
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 10);
    let mut checked = 0;
    for (path, item) in paths {
        let url_path = path.replace("{id}", &id);
        for (method, operation) in item.as_object().expect("path item") {
            let params: Vec<&Value> = operation["parameters"]
                .as_array()
                .map(|a| a.iter().filter(|p| p["in"] == "query").collect())
                .unwrap_or_default();
            // The parameters a request must give, each with a value.
            let required: Vec<(String, String)> = params
                .iter()
                .filter(|p| p["required"] == true)
                .map(|p| {
                    let name = p["name"].as_str().expect("name").to_string();
                    (name, sample_values(p)[0].clone())
                })
                .collect();
            let send = |pairs: &[(String, String)]| -> Answer {
                let query: Vec<String> = pairs
                    .iter()
                    .map(|(n, v)| format!("{n}={}", enc(v)))
                    .collect();
                let url = if query.is_empty() {
                    url_path.clone()
                } else {
                    format!("{url_path}?{}", query.join("&"))
                };
                match method.as_str() {
                    "get" => get(app, &url),
                    "post" => {
                        assert!(operation["requestBody"].is_object(), "{path}: a body");
                        post(app, &url, r#"{"query": "care"}"#)
                    }
                    other => panic!("{path}: an unexpected method {other}"),
                }
            };
            // With the required parameters only.
            let answer = send(&required);
            assert_eq!(
                answer.status,
                StatusCode::OK,
                "{method} {path} {required:?}: {}",
                answer.text()
            );
            check_answer(&doc, operation, &answer, &format!("{method} {path}"));
            // Without them: refused as a mistake in the request, not as no route.
            if !required.is_empty() {
                let answer = send(&[]);
                assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{method} {path}");
                error_kind(&answer);
            }
            // With each parameter, each sample value.
            for param in &params {
                let name = param["name"].as_str().expect("name");
                for value in sample_values(param) {
                    let mut pairs: Vec<(String, String)> = required
                        .iter()
                        .filter(|(n, _)| n != name)
                        .cloned()
                        .collect();
                    pairs.push((name.to_string(), value));
                    let answer = send(&pairs);
                    assert_eq!(
                        answer.status,
                        StatusCode::OK,
                        "{method} {path} {pairs:?}: {}",
                        answer.text()
                    );
                    check_answer(
                        &doc,
                        operation,
                        &answer,
                        &format!("{method} {path} {pairs:?}"),
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 40, "{checked} parameters tried");
}

/// The answer fits the operation's documented 200 answer.
fn check_answer(doc: &Value, operation: &Value, answer: &Answer, what: &str) {
    let content = &operation["responses"]["200"]["content"];
    if let Some(schema) = content.get("application/json").map(|c| &c["schema"]) {
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{what}"
        );
        let schema = resolve(doc, schema);
        let json = answer.json();
        assert_fits(&json, schema, what);
        // Hits, as documented.
        if let Some(hits) = json["hits"].as_array().or(json["paragraphs"].as_array()) {
            let hit = resolve(doc, &doc["components"]["schemas"]["Hit"]);
            for h in hits {
                assert_fits(h, hit, &format!("{what}: a hit"));
            }
        }
        if let Some(lines) = json["lines"].as_array() {
            let line = &schema["properties"]["lines"]["items"];
            for l in lines {
                assert_fits(l, line, &format!("{what}: a line"));
            }
        }
    } else {
        let media = answer.header("content-type").expect("a content type");
        let media = media.split(';').next().unwrap_or_default();
        assert!(
            content.get(media).is_some(),
            "{what}: {media} is documented"
        );
    }
}

#[test]
fn error_answers_fit_the_documented_error_schema() {
    let doc = openapi();
    let schema = resolve(&doc, &doc["components"]["schemas"]["Error"]);
    let kinds: Vec<&str> = schema["properties"]["error"]["properties"]["kind"]["enum"]
        .as_array()
        .expect("kinds")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let app = &fixture().app;
    for answer in [
        get(app, "/api/v1/search?q=care+AND"),
        get(app, "/api/v1/search?q=care&grade=excellent"),
        get(app, "/api/v1/search?qq=care"),
        get(app, "/api/v1/reports/nonesuch"),
        get(app, "/api/v1/nonesuch"),
        get(app, &format!("/api/v1/search?q={}", "a".repeat(10_000))),
        call(
            app,
            Request::post("/api/v1/reports")
                .body(Body::empty())
                .expect("request"),
        ),
    ] {
        let body = answer.json();
        assert_fits(&body, schema, "error");
        assert_fits(
            &body["error"],
            &schema["properties"]["error"],
            "error.error",
        );
        let kind = error_kind(&answer);
        assert!(kinds.contains(&kind.as_str()), "{kind} is documented");
        // Each documented status.
        let status = answer.status.as_str().to_string();
        let documented = doc["paths"]
            .as_object()
            .expect("paths")
            .values()
            .flat_map(|item| item.as_object().expect("item").values())
            .any(|op| op["responses"][&status].is_object());
        assert!(documented || status == "404" || status == "405", "{status}");
    }
}

#[test]
fn every_route_the_router_serves_is_documented() {
    let doc = openapi();
    let paths = doc["paths"].as_object().expect("paths");
    let app = &fixture().app;
    let id = fixture().searcher.reports().expect("reports")[0]["report_id"]
        .as_str()
        .expect("id")
        .to_string();
    let mut candidates: Vec<String> = paths.keys().cloned().collect();
    for extra in [
        "/api/v1",
        "/api/v1/",
        "/api/v1/search/",
        "/api/v1/report",
        "/api/v1/reports/",
        "/api/v1/version",
        "/api/v1/status",
        "/api/v1/metrics",
        "/api/v1/vocabulary",
        "/api/v1/openapi",
        "/api/v1/openapi.yaml",
        "/api/v1/docs",
        "/api/v1/export.csv",
        "/api/v1/reports/{id}/paragraphs",
        "/api/v1/kwic/",
        "/api",
        "/api/",
    ] {
        candidates.push(extra.to_string());
    }
    for path in &candidates {
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ] {
            let answer = call(
                app,
                Request::builder()
                    .method(method.clone())
                    .uri(path.replace("{id}", &id))
                    .header("content-type", "application/json")
                    .body(Body::from(r#"{"query": "care"}"#))
                    .expect("request"),
            );
            if answer.status == StatusCode::NOT_FOUND
                || answer.status == StatusCode::METHOD_NOT_ALLOWED
            {
                continue;
            }
            let documented = paths
                .get(path)
                .is_some_and(|item| item[method.as_str().to_lowercase()].is_object());
            assert!(
                documented,
                "{method} {path} answers {} but is not in the OpenAPI document",
                answer.status
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Odd queries
// ---------------------------------------------------------------------------------------------

#[test]
fn odd_queries_are_answered_as_the_library_answers_them_never_with_a_fault() {
    let f = fixture();
    for query in [
        "a*",
        "c*",
        "*",
        "care*",
        "e~2",
        "care~2",
        "\"care\"~1000000",
        "\"care leavers\"~99999999999999999999",
        "year:[0 TO 99999999999999999999]",
        "year:[2026 TO 2013]",
        "care^1e40",
        "care^-1",
        "care^0",
        "care^NaN",
        "care^inf",
        "(care OR leavers)^1e38",
        "authority:\"\"",
        "authority:*",
        "exact:\"\"",
        "\"\"",
        "\" \"",
        "NOT care",
        "-care",
        "-care -leavers",
        "+care -care",
        "care AND NOT care",
        "\u{0}",
        "\u{202e}care",
        "c\u{301}are",
        "ケア",
        "💥",
        "care:leavers",
        "http://example.com",
        "10:30",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    ] {
        let request = SearchRequest {
            query: query.to_string(),
            ..SearchRequest::default()
        };
        let library = f.searcher.search_request(&request);
        let answer = post(
            &f.app,
            "/api/v1/search",
            serde_json::to_vec(&request).expect("json"),
        );
        match library {
            Ok(expected) => {
                assert_eq!(
                    answer.status,
                    StatusCode::OK,
                    "{query:?}: {}",
                    answer.text()
                );
                let mut expected = as_json(&expected);
                expected.as_object_mut().expect("object").remove("took_ms");
                assert_eq!(page_body(&answer, &request), expected, "{query:?}");
            }
            Err(e) => {
                assert!(e.is_user_error(), "{query:?}: the library faults: {e}");
                assert_eq!(
                    answer.status,
                    StatusCode::BAD_REQUEST,
                    "{query:?}: {}",
                    answer.text()
                );
            }
        }
        for route in ["kwic", "trend", "compare"] {
            let answer = get(&f.app, &format!("/api/v1/{route}?q={}", enc(query)));
            assert!(
                answer.status == StatusCode::OK || answer.status == StatusCode::BAD_REQUEST,
                "{route} {query:?}: {} {}",
                answer.status,
                answer.text()
            );
        }
    }
}

/// An index damaged before it is served is refused at start, naming the file: the server
/// verifies every file of the commit (damage read unverified could abort the process).
#[test]
fn a_damaged_index_is_refused_at_start() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    for entry in std::fs::read_dir(&fixture().index).expect("read the index") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    common::damage_stores(dir.path());
    match ofsearch_server::Live::open(dir.path(), &Limits::default()) {
        Ok(_) => panic!("a damaged index was served"),
        Err(e) => {
            let message = e.to_string();
            assert!(
                matches!(e, ofsearch_query::QueryError::Damaged { .. }),
                "{message}"
            );
            assert!(message.contains(".store fails its checksum"), "{message}");
        }
    }
}

/// A fault of the index's (damaged stored documents: matches are counted, their text cannot
/// be read) is a 500 that shows no detail; an export that fails after its 200 does not end as
/// if it were whole; the gate gets its slots back and the server goes on.
#[test]
fn a_fault_is_a_500_that_shows_no_detail_and_the_server_goes_on() {
    let index = common::index_to_damage();
    let (live, app) = common::app_on(index, Limits::default());
    common::damage_stores(index);
    let internal = json!({"error": {"kind": "internal", "message": "internal error"}});
    let request = SearchRequest {
        query: "care".into(),
        ..SearchRequest::default()
    };
    let answer = post(
        &app,
        "/api/v1/search",
        serde_json::to_vec(&request).expect("json"),
    );
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.json(), internal);
    for route in ["search", "kwic"] {
        let answer = get(&app, &format!("/api/v1/{route}?q=care"));
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR, "{route}");
        assert_eq!(answer.json(), internal, "{route}");
    }
    // An export that fails after its 200 must not end as if it were whole: its body ends with
    // an error (on the wire, without its last chunk).
    for format in ["csv", "jsonl"] {
        let url = format!("/api/v1/export?q=care&format={format}");
        let (status, body) = common::block_on(async {
            let response = app
                .clone()
                .oneshot(Request::get(&url).body(Body::empty()).expect("request"))
                .await
                .expect("infallible");
            let status = response.status();
            let body = http_body_util::BodyExt::collect(response.into_body()).await;
            (status, body.map(|b| b.to_bytes()))
        });
        if status == StatusCode::OK {
            assert!(
                body.is_err(),
                "{url}: a failed export looks whole: {:?}",
                body.map(|b| String::from_utf8_lossy(&b).into_owned())
            );
        } else {
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{url}");
            let body = body.expect("a body");
            assert_eq!(
                serde_json::from_slice::<Value>(&body).expect("JSON"),
                internal
            );
        }
    }
    // The gate got its slots back, and the server answers.
    let started = std::time::Instant::now();
    while live.in_flight() > 0 {
        assert!(started.elapsed().as_secs() < 10, "a slot is never returned");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(get(&app, "/api/v1/health").status, StatusCode::OK);
}
