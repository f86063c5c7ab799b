//! The frame every page shares: the head, the search form, the tabs and the footer.

use maud::{html, Markup, DOCTYPE};

use super::Link;
use crate::error::ApiError;

/// The views of one search, each a tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Ranked paragraphs with facets.
    Results,
    /// Keyword in context.
    Kwic,
    /// Matches per year.
    Trend,
    /// Keyness by grade or area.
    Compare,
    /// No tab: a report, an error.
    None,
}

impl Tab {
    const ALL: [(Tab, &'static str, &'static str); 4] = [
        (Tab::Results, "/", "Results"),
        (Tab::Kwic, "/kwic", "Concordance"),
        (Tab::Trend, "/trend", "Trend"),
        (Tab::Compare, "/compare", "Compare"),
    ];

    /// The tab's path.
    pub fn path(self) -> &'static str {
        Tab::ALL
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("/", |(_, path, _)| path)
    }
}

/// What the frame needs to know of the page inside it.
pub struct Frame<'a> {
    /// The document's title (before " · ofsearch").
    pub title: &'a str,
    /// The tab shown.
    pub tab: Tab,
    /// The search's parameters (query, filters, flags), carried by the tabs and the form; the
    /// form also keeps the tab's own settings.
    pub search: &'a Link,
    /// The tab's own settings the form keeps (sort, split, ...).
    pub settings: &'a [(String, String)],
}

/// The whole document.
pub fn page(frame: &Frame, body: Markup) -> Markup {
    let q = frame
        .search
        .pairs()
        .iter()
        .find(|(n, _)| n == "q")
        .map_or("", |(_, v)| v.as_str());
    let action = match frame.tab {
        Tab::None => "/",
        tab => tab.path(),
    };
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " · ofsearch" }
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "ofsearch" }
                    form.searchbox role="search" action=(action) method="get" {
                        label.visually-hidden for="q" { "Search the reports" }
                        input #q type="search" name="q" value=(q) autocomplete="off"
                            placeholder="Search inspectors' words: care leavers, \"drift and delay\", neglect grade:inadequate"
                            aria-describedby="q-help";
                        @for (name, value) in frame.search.pairs().iter().chain(frame.settings) {
                            @if name != "q" {
                                input type="hidden" name=(name) value=(value);
                            }
                        }
                        button type="submit" { "Search" }
                        p #q-help .hint {
                            "Words, \"phrases\", AND OR NOT, leav*, grade:inadequate, year:[2015 TO 2018]. Press / to search."
                        }
                    }
                }
                @if frame.tab != Tab::None && !q.is_empty() {
                    nav.tabs aria-label="Views of this search" {
                        @for (tab, path, name) in Tab::ALL {
                            @if tab == frame.tab {
                                a.tab.current href=(frame.search.at(path).href()) aria-current="page" { (name) }
                            } @else {
                                a.tab href=(frame.search.at(path).href()) { (name) }
                            }
                        }
                    }
                }
                main #main { (body) }
                footer.foot {
                    p {
                        "Reports: Ofsted, Crown copyright, Open Government Licence v3.0. "
                        a href="/api/v1/openapi.json" { "JSON API" }
                        " · "
                        a href="/api/v1/vocabularies" { "Vocabularies" }
                    }
                }
            }
        }
    }
}

/// A page saying what went wrong, the query typed (if any) in its search box.
pub fn error_page(error: &ApiError, query: Option<&str>) -> Markup {
    let title = match error {
        ApiError::NotFound(_) => "Not found",
        ApiError::Overloaded | ApiError::Timeout(_) => "Busy",
        ApiError::Internal(_) => "Something went wrong",
        _ => "Cannot search that",
    };
    let search = Link::empty("/").set("q", query.unwrap_or(""));
    page(
        &Frame {
            title,
            tab: Tab::None,
            search: &search,
            settings: &[],
        },
        message(title, error),
    )
}

/// An error's box, inside a page.
pub fn message(title: &str, error: &ApiError) -> Markup {
    html! {
        section.error role="alert" {
            h1 { (title) }
            p { (error.to_string()) }
            @if let Some(column) = error.column() {
                p.hint { "At character " (column) " of the query." }
            }
        }
    }
}
