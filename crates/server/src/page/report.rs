//! The reading view (`/reports/{id}`): a report whole, its judgements at the top, then every
//! paragraph in order with its section, area, grade and kind; the query's words marked, and
//! the cited paragraph (`#p35`) highlighted and scrolled to.

use axum::extract::{Path, RawQuery, State};
use maud::{html, Markup, PreEscaped};
use ofsearch_query::{Hit, ReportView};
use serde_json::Value;

use super::layout::{self, Frame, Tab};
use super::{label, parse, Html, Link, PageError};
use crate::api::read_report;
use crate::params;
use crate::AppState;

/// `GET /reports/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Html, PageError> {
    let params = parse(query.as_deref(), &[params::REPORT])?;
    let request = ofsearch_query::SearchRequest {
        // Marking words never fails on a query typed into a search box.
        lenient: true,
        ..params.request()?
    };
    let view = state
        .live
        .run(move |searcher| read_report(searcher, &id, &request))
        .await?;
    let search = Link::new("/", &params, &[params::REPORT]);
    let title = title(&view.report);
    let frame = Frame {
        title: &title,
        tab: Tab::None,
        search: &search,
        settings: &[],
    };
    Ok(Html(layout::page(&frame, render(&view, &search, &title))))
}

fn text<'a>(record: &'a Value, name: &str) -> &'a str {
    record.get(name).and_then(Value::as_str).unwrap_or("")
}

fn title(record: &Value) -> String {
    let year = record
        .get("year")
        .and_then(Value::as_u64)
        .map(|y| format!(" {y}"))
        .unwrap_or_default();
    format!(
        "{}: {}{year}",
        text(record, "authority"),
        label(text(record, "report_type"))
    )
}

fn render(view: &ReportView, search: &Link, title: &str) -> Markup {
    let record = &view.report;
    let query = search
        .pairs()
        .iter()
        .find(|(n, _)| n == "q")
        .map(|(_, v)| v.as_str());
    html! {
        article.report {
            header.report-head {
                @if let Some(q) = query {
                    // The search for these words (a filtered search's filters are not in this
                    // page's URL: the browser's back button returns to it).
                    p { a href=(search.href()) { "← Search results for " strong { (q) } } }
                }
                h1 { (title) }
                dl.meta {
                    (meta("Authority", &format!("{} ({}), {}", text(record, "authority"), text(record, "authority_code"), text(record, "region"))))
                    (meta("Framework", text(record, "framework")))
                    (meta("Inspected", &dates(record)))
                    (meta("Paragraphs", &view.paragraphs.len().to_string()))
                    // The file's name: where the server keeps it is no reader's business.
                    (meta("Source", file_name(text(record, "source"))))
                }
                (judgements(record))
            }
            (paragraphs(&view.paragraphs))
        }
    }
}

/// The last part of a path (`/` or `\\` separated).
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn meta(name: &str, value: &str) -> Markup {
    html! {
        @if !value.trim().is_empty() {
            div { dt { (name) } dd { (value) } }
        }
    }
}

fn dates(record: &Value) -> String {
    match (
        text(record, "inspection_start"),
        text(record, "inspection_end"),
    ) {
        ("", "") => String::new(),
        ("", end) => end.to_string(),
        (start, "") => start.to_string(),
        (start, end) => format!("{start} to {end}"),
    }
}

fn judgements(record: &Value) -> Markup {
    let empty = Vec::new();
    let list = record
        .get("judgements")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    html! {
        @if !list.is_empty() {
            table.judgements {
                caption { "Judgements" }
                thead { tr { th scope="col" { "Area" } th scope="col" { "Grade" } } }
                tbody {
                    @for j in list {
                        tr {
                            th scope="row" { (text(j, "area")) }
                            td { span class={ "grade grade-" (text(j, "grade")) } { (text(j, "grade_printed")) } }
                        }
                    }
                }
            }
        }
    }
}

fn paragraphs(paragraphs: &[Hit]) -> Markup {
    // A heading wherever the section changes.
    let starts = paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| i == 0 || paragraphs[i - 1].section != p.section);
    html! {
        div.paragraphs {
            @for (p, starts) in paragraphs.iter().zip(starts) {
                @if starts && !p.section.is_empty() {
                    h2.section { (p.section) }
                }
                div.para.boilerplate[p.kind == "boilerplate"] id={ "p" (p.ordinal) } {
                    a.num href={ "#p" (p.ordinal) } title="Link to this paragraph" {
                        (p.paragraph_number.as_deref().map_or_else(|| format!("¶{}", p.ordinal), str::to_string))
                    }
                    div.body {
                        p { (PreEscaped(&p.snippet)) }
                        p.ptags {
                            @if !p.area_canonical.is_empty() { span { (label(&p.area_canonical)) } }
                            @if !p.grade.is_empty() { span class={ "grade grade-" (p.grade) } { (label(&p.grade)) } }
                            span { (label(&p.kind)) }
                            span.citation title=(p.reference) { (p.citation) }
                            @if let Some(url) = super::search::original(p) {
                                a.original href=(url) rel="noopener noreferrer" { "Original" }
                            }
                        }
                    }
                }
            }
        }
    }
}
