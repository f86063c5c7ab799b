//! The analysis tabs of a search: the concordance (KWIC), the trend per year (split by grade,
//! area or type) and the comparison (keyness by grade or area).

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use ofsearch_query::analysis::{self, CompareBy, Comparison, KwicLine, Trend};
use ofsearch_query::ast::Node;

use super::layout::{self, Frame, Tab};
use super::search::mistake;
use super::{chart, count, label, parse, read_query, thousands, Html, Link, PageError, Reading};
use crate::error::ApiError;
use crate::params::{self, Param, Params};
use crate::AppState;

/// The parts every analysis tab shares: its parameters, the search link, the tab's settings.
struct Tabbed {
    params: Params,
    search: Link,
    settings: Vec<(String, String)>,
}

impl Tabbed {
    fn new(query: Option<&str>, own: &'static [Param], path: &str) -> Result<Tabbed, PageError> {
        let params = parse(query, &[params::QUERY, own])?;
        let search = Link::new(path, &params, &[params::QUERY]);
        // The tab's settings, kept by its links and its form; not the page's offset, which
        // the pager sets (a new query from the form starts at its first page).
        let settings = Link::new(path, &params, &[own])
            .set("offset", "")
            .pairs()
            .to_vec();
        Ok(Tabbed {
            params,
            search,
            settings,
        })
    }

    fn frame<'a>(&'a self, tab: Tab) -> Frame<'a> {
        Frame {
            title: self.params.one("q").unwrap_or("Search"),
            tab,
            search: &self.search,
            settings: &self.settings,
        }
    }

    /// The tab's link with its own settings.
    fn here(&self) -> Link {
        let mut link = self.search.clone();
        for (n, v) in &self.settings {
            link = link.with(n, v);
        }
        link
    }

    /// The answer: the page, or the mistake in the frame.
    fn answer(&self, tab: Tab, body: Result<Markup, ApiError>) -> Result<Response, PageError> {
        if self.params.one("q").is_none() {
            return Ok(axum::response::Redirect::to("/").into_response());
        }
        match body {
            Ok(body) => Ok(Html(layout::page(&self.frame(tab), body)).into_response()),
            Err(e) => mistake(&self.frame(tab), e),
        }
    }
}

/// `GET /kwic`.
pub async fn kwic_page(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let tab = Tabbed::new(query.as_deref(), params::KWIC, "/kwic")?;
    let body = kwic(&state, &tab).await;
    tab.answer(Tab::Kwic, body)
}

async fn kwic(state: &AppState, tab: &Tabbed) -> Result<Markup, ApiError> {
    let limits = &state.limits;
    let params = &tab.params;
    let mut request = params.request()?;
    let width = params.number("width", 6, limits.max_kwic_width)?;
    let sort = params.kwic_sort()?;
    let offset = params.number("offset", 0, limits.max_kwic_lines)?;
    let limit = params.number("limit", 100, limits.max_kwic_lines)?;
    let (reading, lines) = state
        .live
        .run(move |searcher| {
            let reading = read_query(searcher, &mut request)?;
            let lines = analysis::kwic(searcher, &request, &reading.node, width, sort)?;
            Ok((reading, lines))
        })
        .await?;
    let here = tab.here();
    let total = lines.len();
    let page: Vec<&KwicLine> = lines.iter().skip(offset).take(limit).collect();
    let sort_name = params.one("sort").unwrap_or("match");
    Ok(html! {
        (heading("Concordance", &reading, &here))
        p.summary role="status" { strong { (count(total as u64, "occurrence", "occurrences")) } " in the matching paragraphs, " (width) " words either side." }
        div.toolbar {
            span.group {
                span.label { "Order:" }
                @for (name, what) in [("match", "as ranked"), ("left", "by left word"), ("right", "by right word")] {
                    @if name == sort_name { strong { (what) } }
                    @else { a href=(here.set("sort", if name == "match" { "" } else { name }).set("offset", "").href()) { (what) } }
                }
            }
            span.group {
                span.label { "Context:" }
                @for w in [3usize, 6, 12] {
                    @if w == width { strong { (w) } }
                    @else { a href=(here.set("width", if w == 6 { String::new() } else { w.to_string() }.as_str()).href()) { (w) } }
                }
            }
        }
        @if page.is_empty() && offset > 0 && total > 0 {
            p.empty {
                "This page is past the last occurrence. "
                a rel="first" href=(here.href_offset(0)) { "Back to the first page" }
            }
        } @else if page.is_empty() {
            p.empty { "No occurrence to show." }
        } @else {
            div.kwic-wrap {
                table.kwic {
                    caption.visually-hidden { "Each occurrence with its context and citation" }
                    thead { tr { th scope="col" { "Left" } th scope="col" { "Match" } th scope="col" { "Right" } th scope="col" { "Source" } } }
                    tbody {
                        @for line in &page {
                            tr {
                                // Isolated, so that the cell's right-to-left direction (which cuts a
                                // long left context at its start, away from the match) does not
                                // reorder its punctuation.
                                td.left { bdi { (line.left) } }
                                td.kw { mark { (line.keyword) } }
                                td.right { (line.right) }
                                td.src { a href=(report_href(&tab.search, &line.report_id, line.ordinal)) { (line.citation) } }
                            }
                        }
                    }
                }
            }
        }
        (pager(&here, offset, limit, page.len(), total))
    })
}

/// A paragraph's place in the reading view, with the query's words marked.
fn report_href(search: &Link, report_id: &str, ordinal: u64) -> String {
    let mut link = Link::empty(&format!("/reports/{report_id}"));
    for (n, v) in search.pairs() {
        if matches!(n.as_str(), "q" | "exact" | "expand") {
            link = link.set(n, v);
        }
    }
    format!("{}#p{ordinal}", link.href())
}

fn pager(here: &Link, offset: usize, limit: usize, shown: usize, total: usize) -> Markup {
    html! {
        @if shown > 0 {
            nav.pager aria-label="Pages" {
                @if offset > 0 { a rel="prev" href=(here.href_offset(offset.saturating_sub(limit))) { "← Previous" } }
                span { (thousands(offset as u64 + 1)) "–" (thousands((offset + shown) as u64)) " of " (thousands(total as u64)) }
                @if offset + shown < total { a rel="next" href=(here.href_offset(offset + shown)) { "Next →" } }
            }
        }
    }
}

/// The tab's heading, the note on a query read leniently, and the active filters as chips
/// (removing one stays on the tab, with its settings).
fn heading(name: &str, reading: &Reading, here: &Link) -> Markup {
    html! {
        h1.visually-hidden { (name) }
        @if let Some(note) = reading.note() { (note) }
        (super::search::chips(here))
    }
}

/// `GET /trend`.
pub async fn trend_page(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let tab = Tabbed::new(query.as_deref(), params::TREND, "/trend")?;
    let body = trend(&state, &tab).await;
    tab.answer(Tab::Trend, body)
}

async fn trend(state: &AppState, tab: &Tabbed) -> Result<Markup, ApiError> {
    let mut request = tab.params.request()?;
    let split = tab.params.split()?;
    let (reading, trend) = state
        .live
        .run(move |searcher| {
            let reading = read_query(searcher, &mut request)?;
            let trend = analysis::trend(searcher, &request, &reading.node, split)?;
            Ok((reading, trend))
        })
        .await?;
    let here = tab.here();
    let current = tab.params.one("split").unwrap_or("");
    Ok(html! {
        (heading("Trend", &reading, &here))
        p.summary role="status" {
            strong { (count(trend.total.paragraphs, "paragraph", "paragraphs")) } " in "
            strong { (count(trend.total.reports, "report", "reports")) } " match, "
            (format!("{:.1}", trend.total.per_1000)) " per 1,000 paragraphs indexed."
        }
        div.toolbar {
            span.group {
                span.label { "Split by:" }
                @for (name, what) in [("", "nothing"), ("grade", "grade"), ("area", "area"), ("type", "report type")] {
                    @if name == current { strong { (what) } }
                    @else { a href=(here.set("split", name).href()) { (what) } }
                }
            }
            span.group {
                a.button href=(tab.search.at("/api/v1/trend").set("split", current).href()) download { "JSON" }
            }
        }
        (chart::years(&trend, &tab.search.at("/")))
        @if split.is_some() {
            h2 { "Per 1,000 paragraphs indexed, by " (label(current)) }
            (chart::split_lines(&trend))
            (split_table(&trend))
        }
    })
}

fn split_table(trend: &Trend) -> Markup {
    html! {
        div.table-wrap {
            table.numbers {
                thead { tr { th scope="col" { "Year" } th.text scope="col" { "Value" } th scope="col" { "Paragraphs" } th scope="col" { "Reports" } th scope="col" { "Per 1,000" } } }
                tbody {
                    @for y in &trend.years {
                        @for s in &y.split {
                            tr {
                                th scope="row" { (y.year.map_or_else(|| "no year".to_string(), |y| y.to_string())) }
                                td.text { (label(&s.value)) }
                                td { (thousands(s.counts.paragraphs)) }
                                td { (thousands(s.counts.reports)) }
                                td { (format!("{:.1}", s.counts.per_1000)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /compare`.
pub async fn compare_page(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let tab = Tabbed::new(query.as_deref(), params::COMPARE, "/compare")?;
    let body = compare(&state, &tab).await;
    tab.answer(Tab::Compare, body)
}

async fn compare(state: &AppState, tab: &Tabbed) -> Result<Markup, ApiError> {
    let mut request = tab.params.request()?;
    let by = tab.params.compare_by()?;
    let top = tab.params.number("top", 15, state.limits.max_compare_top)?;
    let (reading, comparison) = state
        .live
        .run(move |searcher| {
            let reading = read_query(searcher, &mut request)?;
            let comparison = analysis::compare(searcher, &request, &reading.node, by, top)?;
            Ok((reading, comparison))
        })
        .await?;
    let here = tab.here();
    let field = match by {
        CompareBy::Grade => "grade",
        CompareBy::Area => "area",
    };
    Ok(html! {
        (heading("Compare", &reading, &here))
        p.summary role="status" {
            "Words over- and under-represented in the matching paragraphs of each " (field)
            ", against the matching paragraphs of the others (log-likelihood G²; boilerplate and the query's own words left out)."
        }
        div.toolbar {
            span.group {
                span.label { "Groups:" }
                @for name in ["grade", "area"] {
                    @if name == field { strong { (name) } }
                    @else { a href=(here.set("by", if name == "grade" { "" } else { name }).href()) { (name) } }
                }
            }
        }
        (groups(&comparison, &tab.search, field, &reading.node))
    })
}

/// The groups' word lists; each word over-represented links to the search narrowed to it
/// and to its group.
fn groups(comparison: &Comparison, search: &Link, field: &str, node: &Node) -> Markup {
    let q = search
        .pairs()
        .iter()
        .find(|(n, _)| n == "q")
        .map_or(String::new(), |(_, v)| v.clone());
    // `a OR b word` is `a OR (b word)`: a query with OR at its top is bracketed, so that the
    // word narrows all of it. (Other queries are left as typed: brackets would stop plain
    // words being read as plain words.)
    let q = if matches!(node, Node::Any(_)) {
        format!("({q})")
    } else {
        q
    };
    let word_link = |word: &str, value: &str| {
        search
            .at("/")
            .set("q", &format!("{q} {word}"))
            .with(field, value)
            .href()
    };
    html! {
        @if comparison.groups.is_empty() {
            p.empty { "Too few matching paragraphs to compare." }
        }
        div.groups {
            @for g in &comparison.groups {
                section.group-card {
                    h2 { (label(&g.value)) }
                    p.hint { (count(g.paragraphs, "paragraph", "paragraphs")) ", " (thousands(g.tokens)) " words" }
                    h3 { "More than elsewhere" }
                    ol.words {
                        @for k in &g.over {
                            li { a href=(word_link(&k.term, &g.value)) { (k.term) } span.n title="G²" { (format!("{:.0}", k.g2)) } }
                        }
                    }
                    h3 { "Less than elsewhere" }
                    ol.words {
                        @for k in &g.under {
                            li { (k.term) span.n title="G²" { (format!("{:.0}", k.g2)) } }
                        }
                    }
                }
            }
        }
    }
}
