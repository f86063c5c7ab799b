//! The results tab (`/`): the ranked paragraphs of a search with the facet sidebar, the active
//! filters as chips, the year histogram, sorting, grouping, paging and the export buttons; the
//! landing page when there is no query.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped};
use ofsearch_query::analysis::{self, Trend};
use ofsearch_query::{Hit, SearchRequest, Vocabularies};

use super::layout::{self, Frame, Tab};
use super::{chart, count, label, parse, read_query, thousands, Html, Link, PageError, Reading};
use crate::api::SearchPage;
use crate::error::ApiError;
use crate::params::{self, Params};
use crate::AppState;

/// Hits a page when `limit` is not given (as in `params::Params::search`).
const DEFAULT_LIMIT: usize = 10;

/// Values a facet lists before "more".
const FACET_SHOWN: usize = 8;

/// What the results tab shows.
struct Results {
    page: SearchPage,
    reading: Reading,
    trend: Trend,
    request: SearchRequest,
}

/// `GET /`.
pub async fn page(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let params = parse(query.as_deref(), &[params::QUERY, params::SEARCH])?;
    let search = Link::new("/", &params, &[params::QUERY]);
    let settings = settings(&params);
    if params.one("q").is_none() {
        let vocabularies = state.live.run(|s| Ok(s.vocabularies()?)).await?;
        return Ok(landing(&search, &vocabularies).into_response());
    }
    let frame = Frame {
        title: params.one("q").unwrap_or("Search"),
        tab: Tab::Results,
        search: &search,
        settings: &settings,
    };
    match results(&state, &params).await {
        Ok(results) => Ok(Html(layout::page(&frame, render(&search, &results))).into_response()),
        Err(e) => mistake(&frame, e),
    }
}

/// A request mistake shown in the frame (the form keeps the query to correct); a fault as an
/// error page.
pub fn mistake(frame: &Frame, error: ApiError) -> Result<Response, PageError> {
    if error.status() != StatusCode::BAD_REQUEST {
        return Err(PageError(error, None));
    }
    let body = layout::message("Cannot search that", &error);
    Ok((StatusCode::BAD_REQUEST, Html(layout::page(frame, body))).into_response())
}

/// The tab's own settings the search form keeps (never the offset: a new query starts at its
/// first page).
fn settings(params: &Params) -> Vec<(String, String)> {
    ["sort", "group_by", "limit", "explain"]
        .iter()
        .filter_map(|name| params.one(name).map(|v| (name.to_string(), v.to_string())))
        .collect()
}

async fn results(state: &AppState, params: &Params) -> Result<Results, ApiError> {
    let request = params.search(&state.limits)?;
    state
        .live
        .run(move |searcher| {
            let mut request = request;
            let reading = read_query(searcher, &mut request)?;
            let response = searcher.search_request(&request)?;
            let trend = analysis::trend(searcher, &request, &reading.node, None)?;
            Ok(Results {
                page: SearchPage::new(&request, response),
                reading,
                trend,
                request,
            })
        })
        .await
}

fn render(search: &Link, results: &Results) -> Markup {
    let response = &results.page.response;
    // The search with this tab's settings (order, grouping, page size): what the chips and
    // the year bars narrow or widen.
    let here = search_link_settings(search, &results.request);
    html! {
        div.layout {
            (facets(search, results))
            div.results {
                (summary(results))
                @if let Some(note) = results.reading.note() { (note) }
                (chips(&here))
                (toolbar(search, &results.request))
                @if response.total > 0 {
                    (chart::years(&results.trend, &here))
                }
                @if response.hits.is_empty() && results.page.offset > 0 && (response.total > 0 || response.partial.unwrap_or(0) > 0) {
                    p.empty {
                        "This page is past the last match. "
                        a rel="first" href=(here.href_offset(0)) { "Back to the first page" }
                    }
                } @else if response.hits.is_empty() {
                    p.empty { "Nothing matches. Try fewer words, remove a filter, or search for a word's stem with *: leav*." }
                } @else {
                    ol.hits start=(results.page.offset + 1) {
                        @for hit in &response.hits { (hit_item(hit, search)) }
                    }
                }
                (pager(search, results))
            }
        }
    }
}

fn summary(results: &Results) -> Markup {
    let response = &results.page.response;
    let grouped = results.request.group_by_report;
    html! {
        p.summary role="status" {
            strong { (count(response.total, "paragraph", "paragraphs")) }
            @if let Some(reports) = response.reports {
                " in "
                strong { (count(reports, "report", "reports")) }
            }
            " match"
            @if response.total == 1 { "es" }
            @if let Some(partial) = response.partial {
                @if partial > 0 { ", then " (count(partial, "paragraph", "paragraphs")) " with some of the words" }
            }
            span.took { " · " (format!("{:.1}", response.took_ms)) " ms" }
            @if grouped { span.hint { " · one row per report" } }
        }
        @if let Some(plain) = &response.plain {
            @if plain.at_least > 0 || !plain.dropped.is_empty() {
                p.hint {
                    "Counted: paragraphs with every one of " (plain.words.join(", ")) "."
                    @if plain.at_least > 0 && !results.request.all_words {
                        " Listed after them: those with at least " (plain.at_least) " of the words."
                    }
                    @if !plain.dropped.is_empty() {
                        " Left out as too common: " (plain.dropped.join(", ")) "."
                    }
                }
            }
        }
    }
}

/// The active filters, each removable (the order, grouping and page size kept): on the
/// results and on the analysis tabs.
pub(super) fn chips(search: &Link) -> Markup {
    let active: Vec<(&str, &str)> = search
        .pairs()
        .iter()
        .filter(|(n, _)| super::FILTERS.iter().any(|(f, _)| f == n))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    html! {
        @if !active.is_empty() {
            ul.chips aria-label="Active filters" {
                @for (name, value) in &active {
                    li {
                        a.chip href=(search.without(name, value).set("offset", "").href())
                            aria-label={ "Remove filter " (name) ": " (label(value)) } {
                            span.chip-name { (name) }
                            " " (label(value)) " "
                            span aria-hidden="true" { "×" }
                        }
                    }
                }
                @if active.len() > 1 {
                    li {
                        a.clear href=({
                            let mut link = search.clone();
                            for (name, value) in &active { link = link.without(name, value); }
                            link.set("offset", "").href()
                        }) { "Clear all" }
                    }
                }
            }
        }
    }
}

fn toolbar(search: &Link, request: &SearchRequest) -> Markup {
    let current = search_link_settings(search, request);
    let sort = match request.sort {
        ofsearch_query::Sort::Relevance => "relevance",
        ofsearch_query::Sort::Newest => "newest",
        ofsearch_query::Sort::Oldest => "oldest",
    };
    let export = |format: &str| {
        let mut link = search.at("/api/v1/export").set("format", format);
        if sort != "relevance" {
            link = link.set("sort", sort);
        }
        link.href()
    };
    html! {
        div.toolbar {
            span.group aria-label="Sort" {
                span.label { "Sort:" }
                @for name in ["relevance", "newest", "oldest"] {
                    @if name == sort {
                        strong aria-current="true" { (name) }
                    } @else {
                        a href=(current.set("sort", if name == "relevance" { "" } else { name }).set("offset", "").href()) { (name) }
                    }
                }
            }
            span.group {
                @if request.group_by_report {
                    a href=(current.set("group_by", "").set("offset", "").href()) { "Show every paragraph" }
                } @else {
                    a href=(current.set("group_by", "report").set("offset", "").href()) { "One row per report" }
                }
            }
            span.group aria-label="Export every match" {
                span.label { "Export all:" }
                a.button href=(export("csv")) download { "CSV" }
                a.button href=(export("jsonl")) download { "JSONL" }
            }
        }
    }
}

/// The search's link with the results tab's settings (sort, grouping, page size, explain).
fn search_link_settings(search: &Link, request: &SearchRequest) -> Link {
    let mut link = search.clone();
    if request.limit != DEFAULT_LIMIT {
        link = link.set("limit", &request.limit.to_string());
    }
    if request.explain {
        link = link.set("explain", "true");
    }
    match request.sort {
        ofsearch_query::Sort::Relevance => {}
        ofsearch_query::Sort::Newest => link = link.set("sort", "newest"),
        ofsearch_query::Sort::Oldest => link = link.set("sort", "oldest"),
    }
    if request.group_by_report {
        link = link.set("group_by", "report");
    }
    link
}

fn hit_item(hit: &Hit, search: &Link) -> Markup {
    let q: Vec<(String, String)> = search
        .pairs()
        .iter()
        .filter(|(n, _)| matches!(n.as_str(), "q" | "exact" | "lenient" | "expand"))
        .cloned()
        .collect();
    let mut report = Link::empty(&format!("/reports/{}", hit.report_id));
    for (n, v) in &q {
        report = report.set(n, v);
    }
    let href = format!("{}#p{}", report.href(), hit.ordinal);
    html! {
        li.hit {
            article {
                h2.cite {
                    a href=(href) title=(hit.reference) { (hit.citation) }
                }
                @if let Some(url) = original(hit) {
                    p.hint { a.original href=(url) rel="noopener noreferrer" { "Original" } }
                }
                p.snippet { (PreEscaped(&hit.snippet)) }
                (tags(hit))
                @if let Some(n) = hit.report_matches {
                    p.hint {
                        a href=(report.href()) { (count(n, "matching paragraph", "matching paragraphs")) " in this report" }
                    }
                }
                @if hit.partial { p.hint { "Has some of the words, not all." } }
                @if let Some(explain) = &hit.explain {
                    details.explain { summary { "Why here" } pre { (format!("{explain:#?}")) } }
                }
            }
        }
    }
}

/// The address of a hit's original, if it is a web address (the indexer keeps only those; an
/// index from elsewhere is not trusted to).
pub fn original(hit: &Hit) -> Option<&str> {
    hit.url
        .as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}

/// A paragraph's tags: authority, year, type, area, grade and kind.
pub fn tags(hit: &Hit) -> Markup {
    html! {
        ul.tags aria-label="Tags" {
            li { (hit.authority) }
            @if let Some(year) = hit.year { li { (year) } }
            li { (label(&hit.report_type)) }
            @if !hit.area_canonical.is_empty() { li title=(hit.area) { (label(&hit.area_canonical)) } }
            @if !hit.grade.is_empty() { li class={ "grade grade-" (hit.grade) } { (label(&hit.grade)) } }
            li.kind { (label(&hit.kind)) }
        }
    }
}

fn pager(search: &Link, results: &Results) -> Markup {
    let page = &results.page;
    let current = search_link_settings(search, &results.request);
    let shown = page.response.hits.len();
    let of = if results.request.group_by_report {
        count(page.response.reports.unwrap_or(0), "report", "reports")
    } else {
        thousands(page.response.total + page.response.partial.unwrap_or(0))
    };
    html! {
        @if shown > 0 {
            nav.pager aria-label="Pages" {
                @if page.offset > 0 {
                    a rel="prev" href=(current.href_offset(page.offset.saturating_sub(page.limit))) { "← Previous" }
                }
                span { (thousands(page.offset as u64 + 1)) "–" (thousands((page.offset + shown) as u64)) " of " (of) }
                @if let Some(next) = page.next_offset {
                    a rel="next" href=(current.href_offset(next)) { "Next →" }
                }
            }
        }
    }
}

/// The facet sidebar: every filter's values with their counts over every match, each a link
/// that adds the value (or removes it when active).
fn facets(search: &Link, results: &Results) -> Markup {
    let facets = &results.page.response.facets;
    let base = search_link_settings(search, &results.request).set("offset", "");
    html! {
        details.facets #filters open {
            summary { "Filter these results" }
            @for (name, title) in super::FILTERS {
                @if let Some(values) = facets.get(*name).filter(|v| !v.is_empty()) {
                    section.facet aria-labelledby={ "f-" (name) } {
                        h2 #{ "f-" (name) } { (title) }
                        @let values = ordered(name, values);
                        ul { @for v in values.iter().take(FACET_SHOWN) { (facet_value(&base, name, v)) } }
                        @if values.len() > FACET_SHOWN {
                            details.more {
                                summary { (values.len() - FACET_SHOWN) " more" }
                                ul { @for v in values.iter().skip(FACET_SHOWN) { (facet_value(&base, name, v)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Years newest first; every other facet by count, as counted.
fn ordered<'a>(
    name: &str,
    values: &'a [ofsearch_query::FacetCount],
) -> Vec<&'a ofsearch_query::FacetCount> {
    let mut values: Vec<_> = values.iter().collect();
    if name == "year" {
        values.sort_by(|a, b| b.value.cmp(&a.value));
    }
    values
}

fn facet_value(base: &Link, name: &str, v: &ofsearch_query::FacetCount) -> Markup {
    let active = base.has(name, &v.value);
    let href = if active {
        base.without(name, &v.value).href()
    } else {
        base.with(name, &v.value).href()
    };
    html! {
        li {
            a.facet-value.active[active] href=(href) aria-pressed=(active) {
                span.value { @if active { "✓ " } (label(&v.value)) }
                span.n { (thousands(v.count)) }
            }
        }
    }
}

/// The page with no query: what is indexed, and searches to start from.
fn landing(search: &Link, vocabularies: &Vocabularies) -> Html {
    let years: Vec<u64> = vocabularies
        .fields
        .get("year")
        .map(|v| v.iter().filter_map(|c| c.value.parse().ok()).collect())
        .unwrap_or_default();
    let span = match (years.iter().min(), years.iter().max()) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => String::from("no years yet"),
    };
    let examples = [
        ("care leavers", "a plain search"),
        ("\"drift and delay\"", "a phrase"),
        ("neglect grade:inadequate", "words and a filter"),
        (
            "\"corporate parenting\" year:[2015 TO 2019]",
            "a span of years",
        ),
        (
            "\"looked after children\"",
            "with expand: also \"children in care\"",
        ),
    ];
    let frame = Frame {
        title: "Search Ofsted's reports on children's services",
        tab: Tab::None,
        search,
        settings: &[],
    };
    Html(layout::page(
        &frame,
        html! {
            section.landing {
                h1 { "What did inspectors say, where and when?" }
                p {
                    "Full-text search over "
                    strong { (count(vocabularies.reports, "report", "reports")) }
                    " by Ofsted on English councils' children's services ("
                    (thousands(vocabularies.paragraphs)) " paragraphs, " (span)
                    "), each paragraph tagged with its authority, year, report type, judgement area, grade and kind."
                }
                h2 { "Try" }
                ul.examples {
                    @for (q, what) in examples {
                        li {
                            a href=(Link::empty("/").set("q", q).set("expand", if what.starts_with("with expand") { "true" } else { "" }).href()) { code { (q) } }
                            " — " (what)
                        }
                    }
                }
            }
        },
    ))
}
