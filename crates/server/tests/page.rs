//! The research web page, in-process (no browser): its numbers are the API's, its links add
//! and remove one thing at a time, its mistakes are pages with the API's statuses, its assets
//! are served and nothing else is, it has no inline script or style (the CSP forbids them),
//! and hostile text from a report or a query reaches it only escaped.

mod web;

use std::collections::BTreeMap;

use web::*;

/// A page that must answer 200 with HTML: its text.
fn html(uri: &str) -> String {
    let answer = get(uri);
    assert_eq!(answer.status, 200, "{uri}: {}", answer.text());
    assert!(
        answer.header("content-type").starts_with("text/html"),
        "{uri}: {}",
        answer.header("content-type")
    );
    answer.text()
}

/// The API's search answer for the same parameters.
fn api_search(params: &str) -> serde_json::Value {
    let answer = get(&format!("/api/v1/search?{params}"));
    assert_eq!(answer.status, 200, "{params}: {}", answer.text());
    answer.json()
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

/// Pairs without paging (`offset`), sorted: what a link should keep.
fn kept(pairs: &[(String, String)]) -> Vec<(String, String)> {
    sorted(
        pairs
            .iter()
            .filter(|(n, v)| n != "offset" && !v.is_empty())
            .cloned()
            .collect(),
    )
}

/// The one pair in `a` or `b` but not both (a facet link's value against the page's).
fn difference(a: &[(String, String)], b: &[(String, String)]) -> (String, String) {
    let only = |x: &[(String, String)], y: &[(String, String)]| -> Vec<(String, String)> {
        x.iter().filter(|p| !y.contains(p)).cloned().collect()
    };
    let mut diff = only(a, b);
    diff.extend(only(b, a));
    assert_eq!(diff.len(), 1, "one pair differs: {a:?} / {b:?}");
    diff.remove(0)
}

const SEARCHES: &[&str] = &[
    "q=care",
    "q=%22care+leavers%22",
    "q=care&grade=good",
    "q=care&grade=good&grade=inadequate",
    "q=neglect&sort=newest",
    "q=care+leavers&group_by=report",
    "q=care&year=2014-2019",
    "q=care&region=North+West&kind=judgement",
    "q=drift+and+delay",
    "q=placement+stability&all_words=true",
    "q=adoption&exact=true&include_boilerplate=true",
];

#[test]
fn totals_and_facet_counts_are_the_apis() {
    for params in SEARCHES {
        let page = html(&format!("/?{params}"));
        let api = api_search(params);
        let (total, reports) = summary_numbers(&page).expect("a summary");
        assert_eq!(
            (total, reports),
            (
                api["total"].as_u64().expect("total"),
                api["reports"].as_u64().expect("reports")
            ),
            "{params}"
        );
        assert!(total > 0, "{params}: the fixture should match something");
        // Every facet value and count the API gives is in the sidebar, and nothing else.
        let page_pairs = query_pairs(&format!("/?{params}"));
        let mut shown: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
        for link in facet_links(&page) {
            let (name, value) = difference(&query_pairs(&link.href), &page_pairs);
            assert_eq!(name, link.field, "{params}: {link:?}");
            shown
                .entry(link.field.clone())
                .or_default()
                .push((value, link.count));
        }
        let mut expected: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
        for (field, values) in api["facets"].as_object().expect("facets") {
            for v in values.as_array().expect("values") {
                expected.entry(field.clone()).or_default().push((
                    v["value"].as_str().expect("value").to_string(),
                    v["count"].as_u64().expect("count"),
                ));
            }
        }
        for values in shown.values_mut().chain(expected.values_mut()) {
            values.sort();
        }
        expected.retain(|_, v| !v.is_empty());
        assert_eq!(shown, expected, "{params}");
    }
}

#[test]
fn facet_links_add_their_filter_and_active_ones_remove_it() {
    let start = "/?q=care&sort=newest";
    let page = html(start);
    let (total, _) = summary_numbers(&page).expect("summary");
    let start_pairs = query_pairs(start);
    let links = facet_links(&page);
    let mut fields_seen = Vec::new();
    for link in &links {
        if fields_seen.contains(&link.field) {
            continue;
        }
        fields_seen.push(link.field.clone());
        assert!(!link.active, "{link:?}");
        assert_eq!(path_of(&link.href), "/", "{link:?}");
        let added = difference(&query_pairs(&link.href), &start_pairs);
        assert_eq!(added.0, link.field, "{link:?}");
        assert!(
            !added.1.is_empty(),
            "a facet value that adds nothing: {link:?}"
        );
        assert_eq!(
            kept(&query_pairs(&link.href)),
            sorted([start_pairs.clone(), vec![added.clone()]].concat()),
            "{link:?}"
        );
        // Followed: the total is the count the link showed, and the value is active.
        let narrowed = html(&link.href);
        let (narrowed_total, _) = summary_numbers(&narrowed).expect("summary");
        assert_eq!(narrowed_total, link.count, "{link:?}");
        let api = api_search(&to_query(&query_pairs(&link.href)));
        assert_eq!(api["total"].as_u64(), Some(link.count), "{link:?}");
        let active: Vec<FacetLink> = facet_links(&narrowed)
            .into_iter()
            .filter(|l| l.active)
            .collect();
        assert_eq!(active.len(), 1, "{link:?}: {active:?}");
        assert_eq!(active[0].field, link.field);
        assert_eq!(
            kept(&query_pairs(&active[0].href)),
            kept(&start_pairs),
            "the active value's link removes it: {:?}",
            active[0]
        );
        // Its chip removes it too, keeping the rest (the sort included).
        let chips = links_with_class(&narrowed, "chip");
        assert_eq!(chips.len(), 1, "{link:?}");
        assert_eq!(kept(&query_pairs(&chips[0])), kept(&start_pairs), "chip");
        let back = html(&chips[0]);
        assert_eq!(summary_numbers(&back).expect("summary").0, total);
    }
    for field in [
        "grade",
        "area",
        "kind",
        "type",
        "year",
        "region",
        "authority",
    ] {
        assert!(fields_seen.iter().any(|f| f == field), "no {field} facet");
    }
}

#[test]
fn chips_remove_one_filter_and_clear_all_removes_every_one() {
    let start =
        "/?q=care&grade=good&grade=inadequate&region=North+West&group_by=report&sort=oldest";
    let page = html(start);
    let pairs = query_pairs(start);
    let chips = links_with_class(&page, "chip");
    assert_eq!(chips.len(), 3, "{chips:?}");
    for chip in &chips {
        let removed = difference(&query_pairs(chip), &pairs);
        assert!(
            ["grade", "region"].contains(&removed.0.as_str()),
            "{chip}: {removed:?}"
        );
        assert_eq!(
            kept(&query_pairs(chip)),
            kept(
                &pairs
                    .iter()
                    .filter(|p| **p != removed)
                    .cloned()
                    .collect::<Vec<_>>()
            )
        );
        let after = html(chip);
        let api = api_search(&to_query(&query_pairs(chip)));
        assert_eq!(
            summary_numbers(&after).expect("summary").0,
            api["total"].as_u64().expect("total")
        );
    }
    let clear = links_with_class(&page, "clear");
    assert_eq!(clear.len(), 1);
    let left = kept(&query_pairs(&clear[0]));
    assert!(
        left.iter()
            .all(|(n, _)| !["grade", "region"].contains(&n.as_str())),
        "{left:?}"
    );
    assert!(left.contains(&("q".into(), "care".into())), "{left:?}");
    assert!(
        left.contains(&("sort".into(), "oldest".into())),
        "clear all keeps the order: {left:?}"
    );
}

/// The analysis tabs show the active filters too: a chip removes its filter and stays on the
/// tab with its settings.
#[test]
fn analysis_tabs_show_removable_chips() {
    for start in [
        "/kwic?q=care&grade=good&width=3",
        "/trend?q=care&grade=good&split=area",
        "/compare?q=care&grade=good&by=area",
    ] {
        let page = html(start);
        let chips = links_with_class(&page, "chip");
        assert_eq!(chips.len(), 1, "{start}: {chips:?}");
        let chip = &chips[0];
        assert_eq!(path_of(chip), path_of(start), "{chip}");
        let expected: Vec<(String, String)> = query_pairs(start)
            .into_iter()
            .filter(|(n, _)| n != "grade")
            .collect();
        assert_eq!(sorted(query_pairs(chip)), sorted(expected), "{chip}");
        html(chip);
    }
}

#[test]
fn year_bars_narrow_to_their_year() {
    let page = html("/?q=care&sort=newest");
    let facets = facet_links(&page);
    let chart = page.find("<svg").expect("a chart");
    let bars: Vec<String> = tags(&page[chart..])
        .iter()
        .filter(|t| t.name == "a" && t.attr("href").is_some_and(|h| h.contains("year=")))
        .filter_map(|t| t.attr("href").map(unescape))
        .collect();
    assert!(!bars.is_empty(), "no year bars");
    for bar in bars.iter().take(3) {
        let pairs = query_pairs(bar);
        let year = pairs
            .iter()
            .find(|(n, _)| n == "year")
            .expect("year")
            .1
            .clone();
        assert!(
            pairs.contains(&("sort".into(), "newest".into())),
            "a bar keeps the order: {bar}"
        );
        let count = facets
            .iter()
            .find(|f| f.field == "year" && f.href.contains(&format!("year={year}")))
            .expect("its facet")
            .count;
        assert_eq!(
            summary_numbers(&html(bar)).expect("summary").0,
            count,
            "{bar}"
        );
    }
}

/// The citations of a page's hits, in order.
#[test]
fn hits_link_their_original_and_carry_the_full_reference() {
    // The shared index's reports sit beside corpus/reports/metadata.csv, which gives each
    // report's address on Ofsted's site.
    let api = api_search("q=%22care+leavers%22&limit=3");
    let hit = &api["hits"][0];
    let url = hit["url"].as_str().expect("url");
    assert!(url.starts_with("https://files.ofsted.gov.uk/"), "{url}");
    let page = html("/?q=%22care+leavers%22&limit=3");
    let links: Vec<_> = tags(&page)
        .into_iter()
        .filter(|t| t.name == "a" && t.has_class("original"))
        .collect();
    assert_eq!(links.len(), 3, "{page}");
    assert!(page.contains(&format!("href=\"{url}\"")), "{page}");
    let reference = hit["reference"].as_str().expect("reference");
    assert!(reference.ends_with(url), "{reference}");
    assert!(reference.contains(", p. "), "{reference}");
    let report = html(&format!(
        "/reports/{}",
        hit["report_id"].as_str().expect("id")
    ));
    assert!(report.contains(&format!("href=\"{url}\"")), "{report}");
}

fn citations(page: &str) -> Vec<String> {
    let all = tags(page);
    all.iter()
        .filter(|t| t.name == "h2" && t.has_class("cite"))
        .map(|t| inner_text(page, t))
        .collect()
}

#[test]
fn paging_links_move_by_a_page() {
    let api = api_search("q=care&limit=100");
    let total = api["total"].as_u64().expect("total");
    assert!(total > 25, "{total}");
    let first = html("/?q=care");
    assert_eq!(rel_link(&first, "prev"), None);
    let next = rel_link(&first, "next").expect("a next page");
    assert_eq!(
        kept(&query_pairs(&next)),
        kept(&query_pairs("/?q=care")),
        "{next}"
    );
    assert!(
        query_pairs(&next).contains(&("offset".into(), "10".into())),
        "{next}"
    );
    let second = html(&next);
    assert!(
        second.contains("<ol class=\"hits\" start=\"11\">"),
        "start at 11"
    );
    let expected: Vec<String> = api["hits"].as_array().expect("hits")[10..20]
        .iter()
        .map(|h| h["citation"].as_str().expect("citation").to_string())
        .collect();
    assert_eq!(citations(&second), expected);
    let prev = rel_link(&second, "prev").expect("a previous page");
    assert!(
        !query_pairs(&prev).iter().any(|(n, _)| n == "offset"),
        "the first page has no offset: {prev}"
    );
    assert_eq!(citations(&html(&prev)), citations(&first));
    // The last page has no next.
    let last_offset = (total - 1) / 10 * 10;
    let last = html(&format!("/?q=care&offset={last_offset}"));
    assert_eq!(
        rel_link(&last, "next"),
        None,
        "offset {last_offset} of {total}"
    );
    assert!(rel_link(&last, "prev").is_some());
    // A page size asked for is kept by the paging links, and so are sort and grouping.
    let small = html("/?q=care&limit=5&sort=oldest");
    let next = rel_link(&small, "next").expect("next");
    let pairs = query_pairs(&next);
    assert!(pairs.contains(&("offset".into(), "5".into())), "{next}");
    assert!(pairs.contains(&("limit".into(), "5".into())), "{next}");
    assert!(pairs.contains(&("sort".into(), "oldest".into())), "{next}");
    // The concordance's pages too.
    let kwic = html("/kwic?q=care&limit=20&sort=left");
    let next = rel_link(&kwic, "next").expect("next");
    let pairs = query_pairs(&next);
    assert!(pairs.contains(&("offset".into(), "20".into())), "{next}");
    assert!(pairs.contains(&("limit".into(), "20".into())), "{next}");
    assert!(pairs.contains(&("sort".into(), "left".into())), "{next}");
    let second = html(&next);
    let prev = rel_link(&second, "prev").expect("prev");
    assert!(
        !query_pairs(&prev).iter().any(|(n, _)| n == "offset"),
        "{prev}"
    );
    let grouped = html("/?q=care&group_by=report");
    let next = rel_link(&grouped, "next").expect("next");
    assert!(
        query_pairs(&next).contains(&("group_by".into(), "report".into())),
        "{next}"
    );
}

#[test]
fn broken_syntax_is_read_leniently_with_a_note() {
    for q in ["care AND", "\"care leavers", "(care", "care OR OR leavers"] {
        for path in ["/", "/kwic", "/trend", "/compare"] {
            let uri = format!("{path}?q={}", enc(q));
            let page = html(&uri);
            let note = tags(&page)
                .into_iter()
                .find(|t| t.name == "p" && t.has_class("note"))
                .unwrap_or_else(|| panic!("{uri}: no note"));
            let text = inner_text(&page, &note);
            assert!(text.contains("does not parse"), "{uri}: {text}");
            assert!(text.contains("read as plain text"), "{uri}: {text}");
        }
        // The results are those of the lenient reading.
        let page = html(&format!("/?q={}", enc(q)));
        let api = api_search(&format!("q={}&lenient=true", enc(q)));
        assert_eq!(
            summary_numbers(&page).expect("summary").0,
            api["total"].as_u64().expect("total"),
            "{q}"
        );
    }
}

#[test]
fn mistakes_are_pages_with_the_apis_status() {
    for (uri, status, says) in [
        ("/?q=care&colour=red", 400, "unknown parameter"),
        ("/?q=care&limit=lots", 400, "whole number"),
        ("/?q=care&grade=superb", 400, "superb"),
        ("/?q=care&q=again", 400, "more than once"),
        ("/kwic?q=care&colour=red", 400, "unknown parameter"),
        ("/trend?q=care&split=colour", 400, "split"),
        ("/compare?q=care&by=colour", 400, "by"),
        ("/reports/no-such-report", 404, "no report"),
        ("/reports/no-such-report?q=care", 404, "no report"),
        ("/reports/x?colour=red", 400, "unknown parameter"),
        ("/no/such/page", 404, "no such page"),
        ("/kwic/more", 404, "no such page"),
    ] {
        let answer = get(uri);
        assert_eq!(answer.status, status, "{uri}: {}", answer.text());
        assert!(
            answer.header("content-type").starts_with("text/html"),
            "{uri}: {}",
            answer.header("content-type")
        );
        let text = answer.text();
        assert!(text.starts_with("<!DOCTYPE html>"), "{uri}");
        assert!(text.contains(says), "{uri}: {text}");
        assert!(text.contains("role=\"alert\""), "{uri}");
    }
    // A mistake in a search keeps the query in the box, to correct it.
    for uri in [
        "/?q=care+leavers&grade=superb",
        "/?q=care+leavers&colour=red",
        "/?colour=red&q=care+leavers",
        "/kwic?q=care+leavers&width=lots",
        "/trend?q=care+leavers&colour=red",
        "/compare?q=care+leavers&q=again",
    ] {
        let text = get(uri).text();
        let input = tags(&text)
            .into_iter()
            .find(|t| t.name == "input" && t.attr("id") == Some("q"))
            .expect("the search box");
        assert_eq!(input.attr("value"), Some("care leavers"), "{uri}");
    }
}

#[test]
fn assets_are_served_and_nothing_else_is() {
    let css = get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    assert!(css.text().contains("--accent"));
    let js = get("/assets/app.js");
    assert_eq!(js.status, 200);
    assert_eq!(js.header("content-type"), "text/javascript; charset=utf-8");
    assert!(js.text().contains("getElementById(\"q\")"));
    assert_eq!(js.header("x-content-type-options"), "nosniff");
    for uri in [
        "/assets/../Cargo.toml",
        "/assets/..%2fCargo.toml",
        "/assets/..%2FCargo.toml",
        "/assets/%2e%2e%2fCargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/.%2e/.%2e/Cargo.toml",
        "/assets/..%5cCargo.toml",
        "/assets/%252e%252e%252fCargo.toml",
        "/assets/style.css/../../Cargo.toml",
        "/assets/../../../../etc/passwd",
        "/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fCargo.toml",
        "/assets/Cargo.toml",
        "/assets/lib.rs",
        "/assets/",
        "/assets",
        "/assets/style.css%00.rs",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/src/lib.rs",
        "/Cargo.toml",
    ] {
        let answer = get(uri);
        assert_eq!(answer.status, 404, "{uri}");
        let text = answer.text();
        for secret in ["[package]", "[workspace]", "root:", "pub fn"] {
            assert!(!text.contains(secret), "{uri} served a file");
        }
    }
}

/// Every page a search offers, for `q`.
fn every_page(q: &str, report: &str) -> Vec<String> {
    let q = enc(q);
    vec![
        "/".to_string(),
        format!("/?q={q}"),
        format!("/?q={q}&group_by=report&sort=newest&grade=good"),
        format!("/?q={q}&offset=10"),
        format!("/kwic?q={q}"),
        format!("/kwic?q={q}&sort=left&width=3"),
        format!("/trend?q={q}"),
        format!("/trend?q={q}&split=grade"),
        format!("/trend?q={q}&split=area"),
        format!("/trend?q={q}&split=type"),
        format!("/compare?q={q}"),
        format!("/compare?q={q}&by=area"),
        format!("/reports/{report}"),
        format!("/reports/{report}?q={q}"),
    ]
}

/// The CSP holds: no inline script, no inline style, no event handler attribute, no
/// `javascript:` URL.
fn assert_no_inline_code(uri: &str, page: &str) {
    for tag in tags(page) {
        match tag.name.as_str() {
            "script" => {
                assert!(
                    tag.attr("src").is_some_and(|s| s.starts_with("/assets/")),
                    "{uri}: a script without src: {tag:?}"
                );
                assert!(
                    page[tag.end..].starts_with("</script>"),
                    "{uri}: a script with a body"
                );
            }
            "style" => panic!("{uri}: a <style> element"),
            "img" => panic!("{uri}: an <img>: {tag:?}"),
            _ => {}
        }
        for (name, value) in &tag.attrs {
            assert!(name != "style", "{uri}: a style attribute: {tag:?}");
            assert!(!name.starts_with("on"), "{uri}: an event handler: {tag:?}");
            let url =
                ["href", "src", "action", "formaction", "xlink:href"].contains(&name.as_str());
            assert!(
                !url || !unescape(value)
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:"),
                "{uri}: a javascript: URL: {tag:?}"
            );
        }
    }
}

#[test]
fn no_inline_script_or_style_anywhere() {
    let fixture = fixture();
    let report = fixture.searcher.reports().expect("reports")[0]["report_id"]
        .as_str()
        .expect("id")
        .to_string();
    let mut pages = every_page("care leavers", &report);
    pages.extend(every_page("care AND", &report));
    pages.push("/?q=nothingmatchesthisword".into());
    for uri in pages {
        let answer = get(&uri);
        assert_eq!(answer.status, 200, "{uri}");
        let csp = answer.header("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{uri}: {csp}");
        assert!(csp.contains("style-src 'self'"), "{uri}: {csp}");
        assert_no_inline_code(&uri, &answer.text());
    }
    for uri in ["/?colour=red", "/reports/none", "/nowhere"] {
        let answer = get(uri);
        assert_no_inline_code(uri, &answer.text());
    }
}

/// Nothing hostile reached the page as markup.
fn assert_escaped(uri: &str, page: &str) {
    assert_no_inline_code(uri, page);
    // Escaped text holds no `<`: these can only be markup. (Event handlers are looked for
    // as attributes, by `assert_no_inline_code`.)
    for raw in [
        "<script>window",
        "<script >window",
        "<img",
        "<IMG",
        "<svg onload",
    ] {
        assert!(!page.contains(raw), "{uri}: {raw} unescaped");
    }
}

#[test]
fn hostile_report_text_is_escaped_everywhere() {
    let fixture = fixture();
    let id = &fixture.hostile_id;
    // The report view, with and without a query, shows the markup as text.
    for uri in [
        format!("/reports/{id}"),
        format!("/reports/{id}?q={CANARY}"),
        format!("/reports/{id}?q=window"),
        format!("/reports/{id}?q={}", enc("\"single point of access\"")),
    ] {
        let page = html(&uri);
        assert_escaped(&uri, &page);
        // Shown as text (with the query's words marked in it).
        let page = page.replace("<mark>", "").replace("</mark>", "");
        assert!(
            page.contains("&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;")
                || page.contains("&lt;img src=x onerror=\"window.__xss=2\"&gt;"),
            "{uri}: the markup should show as text"
        );
        assert!(page.contains("&lt;script"), "{uri}");
        assert!(page.contains(&format!("id=\"p{}\"", fixture.hostile_ordinal)));
    }
    // The results, concordance, trend and comparison of searches that reach it.
    for q in [CANARY, "window", "xss", "img onerror", "\"front door\""] {
        for uri in every_page(q, id) {
            let answer = get(&uri);
            assert_eq!(answer.status, 200, "{uri}");
            assert_escaped(&uri, &answer.text());
        }
    }
    let results = html(&format!("/?q={CANARY}"));
    assert!(
        results.contains("&lt;script"),
        "the snippet shows the markup"
    );
}

#[test]
fn hostile_queries_are_escaped_everywhere() {
    let fixture = fixture();
    for q in [
        XSS_SCRIPT,
        "\"><img src=x onerror=alert(1)>",
        XSS_IMG,
        "'><img src=x onerror=alert(1)>",
        "</title><script>window.__xss=1</script>",
        "care \"><img src=x onerror=alert(1)>",
        "javascript:alert(1)",
    ] {
        for uri in every_page(q, &fixture.hostile_id) {
            let answer = get(&uri);
            assert!(
                answer.status == 200 || answer.status == 400,
                "{uri}: {}",
                answer.status
            );
            let page = answer.text();
            assert_escaped(&uri, &page);
            if uri.contains("q=") && !uri.starts_with("/reports/") {
                // The query is shown back, in the search box at least.
                let input = tags(&page)
                    .into_iter()
                    .find(|t| t.name == "input" && t.attr("id") == Some("q"))
                    .expect("the search box");
                assert_eq!(
                    input.attr("value").map(unescape).as_deref(),
                    Some(q),
                    "{uri}"
                );
            }
        }
    }
    // Hostile names and ids in error pages.
    for uri in [
        format!("/?{}=1", enc(XSS_SCRIPT)),
        format!("/reports/{}", enc(XSS_SCRIPT).replace('+', "%20")),
        format!("/reports/{}", enc(XSS_IMG).replace('+', "%20")),
        format!("/kwic?q=care&{}=1", enc(XSS_IMG)),
        format!("/?q={}&colour=red", enc(XSS_IMG)),
        format!("/trend?q={}&colour=red", enc(XSS_SCRIPT)),
        format!("/reports/x?q={}&colour=red", enc(XSS_IMG)),
        format!("/?q=care&grade={}", enc(XSS_IMG)),
        format!("/?q=care&authority={}", enc(XSS_SCRIPT)),
        format!("/trend?q=care&split={}", enc(XSS_SCRIPT)),
    ] {
        let answer = get(&uri);
        assert!(answer.status.is_client_error(), "{uri}: {}", answer.status);
        assert_escaped(&uri, &answer.text());
    }
}

#[test]
fn citations_open_the_report_at_the_cited_paragraph() {
    let page = html("/?q=%22care+leavers%22");
    let links: Vec<String> = tags(&page)
        .iter()
        .filter(|t| t.name == "h2" && t.has_class("cite"))
        .filter_map(|t| {
            tags(&page[t.end..])
                .first()
                .and_then(|a| a.attr("href").map(unescape))
        })
        .collect();
    assert_eq!(links.len(), 10);
    for link in links.iter().take(4) {
        let (url, fragment) = link.split_once('#').expect("a fragment");
        assert!(fragment.starts_with('p'), "{link}");
        let report = html(url);
        let all = tags(&report);
        let target = all
            .iter()
            .find(|t| t.attr("id") == Some(fragment))
            .unwrap_or_else(|| panic!("{link}: no #{fragment}"));
        assert!(target.has_class("para"), "{link}");
        let rest = &report[target.end..];
        let end = rest.find("class=\"para").unwrap_or(rest.len());
        assert!(
            rest[..end].contains("<mark>"),
            "{link}: the match is marked"
        );
        assert_eq!(
            all.iter()
                .filter(|t| t.attr("id") == Some(fragment))
                .count(),
            1,
            "{link}: ids are unique"
        );
        // A way back to the search for these words, and no path of the server's disk.
        let back = all
            .iter()
            .find(|t| t.name == "a" && t.attr("href").is_some_and(|h| h.starts_with("/?q=")))
            .expect("a link back to the search");
        assert_eq!(
            query_pairs(back.attr("href").expect("href")),
            vec![("q".to_string(), "\"care leavers\"".to_string())]
        );
        let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let workspace = workspace.canonicalize().expect("workspace");
        assert!(
            !report.contains(&workspace.display().to_string()),
            "{link}: the server's paths are shown"
        );
    }
}

/// With `expand`, a hit is found by a period equivalent of the phrase typed: its citation
/// carries `expand` to the reading view, which marks the equivalent there too.
#[test]
fn expanded_searches_mark_the_equivalents_in_the_report() {
    let page = html("/?q=%22looked+after+children%22&expand=true");
    let links: Vec<String> = tags(&page)
        .iter()
        .filter(|t| t.name == "h2" && t.has_class("cite"))
        .filter_map(|t| {
            tags(&page[t.end..])
                .first()
                .and_then(|a| a.attr("href").map(unescape))
        })
        .collect();
    assert!(!links.is_empty());
    for link in &links {
        let (url, fragment) = link.split_once('#').expect("a fragment");
        assert!(
            query_pairs(url).contains(&("expand".to_string(), "true".to_string())),
            "{link}"
        );
        let report = html(url);
        let target = tags(&report)
            .into_iter()
            .find(|t| t.attr("id") == Some(fragment))
            .unwrap_or_else(|| panic!("{link}: no #{fragment}"));
        let rest = &report[target.end..];
        let end = rest.find("class=\"para").unwrap_or(rest.len());
        assert!(
            rest[..end].contains("<mark>"),
            "{link}: the match is marked"
        );
    }
}

#[test]
fn analysis_tabs_show_the_apis_numbers() {
    let kwic = html("/kwic?q=%22care+leavers%22");
    let api = get("/api/v1/kwic?q=%22care+leavers%22").json();
    let shown = tags(&kwic)
        .into_iter()
        .find(|t| t.has_class("summary"))
        .map(|t| number(&inner_text(&kwic, &t)))
        .expect("summary");
    assert_eq!(shown, api["total"].as_u64());
    let rows = tags(&kwic)
        .iter()
        .filter(|t| t.name == "td" && t.has_class("kw"))
        .count();
    assert_eq!(rows as u64, api["total"].as_u64().expect("total").min(100));

    let trend = html("/trend?q=neglect&split=grade");
    let api = get("/api/v1/trend?q=neglect&split=grade").json();
    assert_eq!(
        summary_numbers(&trend).expect("summary").0,
        api["total"]["paragraphs"].as_u64().expect("paragraphs")
    );
    let mut grades: Vec<&str> = api["years"]
        .as_array()
        .expect("years")
        .iter()
        .flat_map(|y| y["split"].as_array().expect("split"))
        .map(|s| s["value"].as_str().expect("value"))
        .collect();
    grades.sort_unstable();
    grades.dedup();
    let lines = tags(&trend)
        .iter()
        .filter(|t| t.name == "path" && t.has_class("series"))
        .count();
    assert_eq!(lines, grades.len(), "a line per grade");

    let compare = html("/compare?q=%22management+oversight%22");
    let api = get("/api/v1/compare?q=%22management+oversight%22").json();
    let cards = tags(&compare)
        .iter()
        .filter(|t| t.has_class("group-card"))
        .count();
    assert_eq!(cards, api["groups"].as_array().expect("groups").len());
    assert!(cards > 0);
    // A word's link searches for it in its group.
    let word = tags(&compare)
        .into_iter()
        .find(|t| t.name == "a" && t.attr("href").is_some_and(|h| h.starts_with("/?q=")))
        .expect("a word link");
    let followed = html(&unescape(word.attr("href").expect("href")));
    assert!(summary_numbers(&followed).expect("summary").0 > 0);
}

#[test]
fn tabs_and_the_form_carry_the_search() {
    let page = html("/?q=care&grade=good&sort=newest&offset=10");
    let tabs = links_with_class(&page, "tab");
    assert_eq!(tabs.len(), 4);
    for tab in &tabs {
        let pairs = kept(&query_pairs(tab));
        assert!(pairs.contains(&("q".into(), "care".into())), "{tab}");
        assert!(pairs.contains(&("grade".into(), "good".into())), "{tab}");
        assert!(!html(tab).is_empty());
    }
    // Each tab's form keeps the filters and the tab's settings, never a page offset (a new
    // query starts at its first page).
    for uri in [
        "/?q=care&grade=good&sort=newest&offset=10",
        "/kwic?q=care&grade=good&sort=left&offset=100&limit=50",
        "/trend?q=care&grade=good&split=grade",
        "/compare?q=care&grade=good&by=area",
    ] {
        let page = html(uri);
        let hidden: Vec<(String, String)> = tags(&page)
            .iter()
            .filter(|t| t.name == "input" && t.attr("type") == Some("hidden"))
            .map(|t| {
                (
                    t.attr("name").unwrap_or("").to_string(),
                    unescape(t.attr("value").unwrap_or("")),
                )
            })
            .collect();
        assert!(hidden.contains(&("grade".into(), "good".into())), "{uri}");
        assert!(
            !hidden.iter().any(|(n, _)| n == "offset"),
            "{uri}: the form keeps the offset: {hidden:?}"
        );
        // Submitting the form with another query answers 200.
        let form = tags(&page)
            .into_iter()
            .find(|t| t.name == "form")
            .expect("form");
        let mut pairs = vec![("q".to_string(), "neglect".to_string())];
        pairs.extend(hidden);
        let submitted = format!(
            "{}?{}",
            form.attr("action").expect("action"),
            to_query(&pairs)
        );
        assert_eq!(get(&submitted).status, 200, "{submitted}");
    }
}

#[test]
fn export_and_json_links_answer() {
    let page = html("/?q=%22care+leavers%22&grade=good&sort=newest");
    let exports: Vec<String> = tags(&page)
        .iter()
        .filter(|t| {
            t.name == "a"
                && t.attr("href")
                    .is_some_and(|h| h.starts_with("/api/v1/export"))
        })
        .filter_map(|t| t.attr("href").map(unescape))
        .collect();
    assert_eq!(exports.len(), 2, "{exports:?}");
    let api = api_search("q=%22care+leavers%22&grade=good");
    let total = api["total"].as_u64().expect("total") as usize;
    for href in exports {
        let answer = get(&href);
        assert_eq!(answer.status, 200, "{href}: {}", answer.text());
        let text = answer.text();
        if href.contains("format=csv") {
            assert!(answer.header("content-type").starts_with("text/csv"));
            let header = text.lines().next().expect("a header");
            assert_eq!(header, ofsearch_query::reading::CSV_HEADER.join(","));
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            assert_eq!(reader.records().count(), total, "{href}");
        } else {
            assert_eq!(text.lines().count(), total, "{href}");
        }
    }
    let trend = html("/trend?q=neglect&split=area");
    let json = tags(&trend)
        .into_iter()
        .find(|t| {
            t.name == "a"
                && t.attr("href")
                    .is_some_and(|h| h.starts_with("/api/v1/trend"))
        })
        .expect("the trend's JSON link");
    let answer = get(&unescape(json.attr("href").expect("href")));
    assert_eq!(answer.status, 200);
    assert!(answer.json()["years"].is_array());
}

#[test]
fn landing_examples_answer() {
    let page = html("/");
    let examples: Vec<String> = tags(&page)
        .iter()
        .filter(|t| t.name == "a" && t.attr("href").is_some_and(|h| h.starts_with("/?q=")))
        .filter_map(|t| t.attr("href").map(unescape))
        .collect();
    assert!(examples.len() >= 4);
    for href in examples {
        let page = html(&href);
        assert!(summary_numbers(&page).is_some(), "{href}");
    }
}

/// The export as a browser fetches it: asking for gzip. The compression layer polls the body
/// again after its end, which an unfused `stream::unfold` answered with a panic ("Unfold must
/// not be polled after it returned `Poll::Ready(None)`"): the download never ended.
#[test]
fn export_survives_gzip() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let href = "/api/v1/export?q=%22care+leavers%22&format=csv";
    let total = api_search("q=%22care+leavers%22")["total"]
        .as_u64()
        .expect("total");
    let fixture = fixture();
    let body = runtime().block_on(async {
        let request = Request::get(href)
            .header("accept-encoding", "gzip")
            .body(Body::empty())
            .expect("request");
        let response = fixture.app.clone().oneshot(request).await.expect("answer");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], "gzip");
        // On a task of its own, as a connection is served: a panic there is an error here.
        tokio::spawn(async move { response.into_body().collect().await.map(|b| b.to_bytes()) })
            .await
    });
    let gz = body.expect("the body's task ended well").expect("the body");
    assert!(gz.len() > 20, "a gzip body");
    // (Decompressing it is left to the client; its rows are those of the identity answer.)
    let plain = get(href).text();
    let rows = csv::Reader::from_reader(plain.as_bytes()).records().count();
    assert_eq!(rows as u64, total);
}

#[test]
fn compare_word_links_narrow_the_search_to_the_word() {
    // A query with OR at its top: the word must narrow all of it, not its last part.
    for q in [
        "adoption OR fostering",
        "\"care leavers\"",
        "neglect -abuse",
    ] {
        let page = html(&format!("/compare?q={}", enc(q)));
        let words: Vec<String> = tags(&page)
            .iter()
            .filter(|t| {
                t.name == "a"
                    && t.attr("href")
                        .is_some_and(|h| h.starts_with("/?q=") && h.contains("grade="))
            })
            .filter_map(|t| t.attr("href").map(unescape))
            .take(6)
            .collect();
        assert!(!words.is_empty(), "{q}: no word links");
        for href in words {
            let pairs = query_pairs(&href);
            let linked_q = &pairs.iter().find(|(n, _)| n == "q").expect("q").1;
            let word = linked_q.rsplit(' ').next().expect("a word");
            let grade = &pairs.iter().find(|(n, _)| n == "grade").expect("grade").1;
            let followed = summary_numbers(&html(&href)).expect("summary").0;
            let with_word = api_search(&format!("q={}&grade={}", enc(word), enc(grade)))["total"]
                .as_u64()
                .expect("total");
            let with_query =
                api_search(&format!("q={}&grade={}&all_words=true", enc(q), enc(grade)))["total"]
                    .as_u64()
                    .expect("total");
            assert!(followed > 0, "{href}");
            assert!(
                followed <= with_word.min(with_query),
                "{href}: {followed} matches, more than the {with_word} with the word or the {with_query} of the query"
            );
        }
    }
}

#[test]
fn a_page_past_the_end_says_so_and_links_back() {
    let total = api_search("q=care")["total"].as_u64().expect("total");
    let page = html("/?q=care&offset=9000&sort=newest");
    assert_eq!(summary_numbers(&page).expect("summary").0, total);
    let text = strip(&page);
    assert!(
        !text.contains("Nothing matches"),
        "{total} paragraphs match, but the page says nothing does"
    );
    let first = rel_link(&page, "first").expect("a link to the first page");
    let pairs = query_pairs(&first);
    assert!(!pairs.iter().any(|(n, _)| n == "offset"), "{first}");
    assert!(pairs.contains(&("sort".into(), "newest".into())), "{first}");
    let kwic = html("/kwic?q=care&offset=9000&sort=left");
    let first = rel_link(&kwic, "first").expect("a link to the concordance's first page");
    assert!(
        !query_pairs(&first).iter().any(|(n, _)| n == "offset"),
        "{first}"
    );
    assert!(
        query_pairs(&first).contains(&("sort".into(), "left".into())),
        "{first}"
    );
    // A search that matches nothing still says so.
    let none = html("/?q=zzzzqqqq");
    assert!(strip(&none).contains("Nothing matches"));
}
