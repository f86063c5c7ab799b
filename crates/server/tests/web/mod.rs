//! What the web page's tests share (`tests/page.rs`, `tests/browser.rs`): one index built once
//! per test binary from twenty bundled reports and one hostile report, an in-process client,
//! and a reading of the page's HTML (tags and attributes, the numbers it shows).
#![allow(dead_code)] // each test binary uses some of these

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use ofsearch_indexer::{index_paths, IndexOptions};
use ofsearch_query::{SearchRequest, Searcher};
use ofsearch_server::{Limits, Live};
use regex::Regex;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

/// The script a hostile report and a hostile query carry: it must never run, nor reach a page
/// unescaped.
pub const XSS_SCRIPT: &str = "<script>window.__xss=1</script>";
/// An attribute break-out with an event handler.
pub const XSS_IMG: &str = "\"><img src=x onerror=\"window.__xss=2\">";
/// A word found only in the hostile paragraph.
pub const CANARY: &str = "xsscanary";

/// The bundled reports indexed beside the hostile one.
pub const REPORTS: std::ops::RangeInclusive<usize> = 1..=20;
/// The bundled report the hostile copy is made of (not otherwise indexed).
pub const HOSTILE_BASE: usize = 21;

/// The shared index and an app over it.
pub struct Fixture {
    _dir: TempDir,
    /// The index directory.
    pub index: PathBuf,
    /// The library's view of it.
    pub searcher: Searcher,
    /// The app (default limits).
    pub app: Router,
    /// The hostile report's id.
    pub hostile_id: String,
    /// The ordinal of its hostile paragraph.
    pub hostile_ordinal: u64,
}

fn bundled(n: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../corpus/reports/report-{n:04}.txt"))
}

/// A copy of a real report with markup injected into two paragraphs: once as given (the
/// indexer strips a tag that stands whole on one line), once with each tag split across
/// lines, which the indexer keeps: the page must escape it.
fn write_hostile(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(bundled(HOSTILE_BASE)).expect("read the base report");
    let whole = "The single point of access (SPA) is an effective and responsive front door that";
    assert!(text.contains(whole), "the base report has changed");
    let text = text.replacen(
        whole,
        &format!("The single point of access (SPA) is an effective {CANARY} {XSS_SCRIPT} {XSS_IMG} and responsive front door that"),
        1,
    );
    let split = "Continuous investment and focus on early help services in Richmond has led to";
    assert!(text.contains(split), "the base report has changed");
    let pad = "       ";
    let text = text.replacen(
        split,
        &format!(
            "Continuous investment {CANARY} <script\n{pad}>window.__xss=1</script\n{pad}> \"><img src=x\n{pad}onerror=\"window.__xss=2\"> and focus on early help services in Richmond has led to"
        ),
        1,
    );
    let path = dir.join("hostile-report.txt");
    std::fs::write(&path, text).expect("write the hostile report");
    path
}

/// The shared fixture, built on first use.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = TempDir::new().expect("temp dir");
        let index = dir.path().join("idx");
        let mut files: Vec<PathBuf> = REPORTS.map(bundled).collect();
        files.push(write_hostile(dir.path()));
        let options = IndexOptions {
            threads: 2,
            memory_budget: 64 << 20,
            ..IndexOptions::default()
        };
        let summary = index_paths(&files, &index, &options).expect("index the reports");
        assert_eq!(
            summary.reports,
            files.len(),
            "every file indexed: {summary:?}"
        );
        let searcher = Searcher::open(&index).expect("open the index");
        // The hostile paragraph is indexed with its markup whole.
        let found = searcher
            .search_request(&SearchRequest {
                query: CANARY.into(),
                limit: 10,
                ..SearchRequest::default()
            })
            .expect("search the canary");
        let hostile = found
            .hits
            .iter()
            .find(|h| h.text.contains("<img src=x onerror=\"window.__xss=2\">"))
            .unwrap_or_else(|| panic!("the hostile markup is not indexed: {:?}", found.hits));
        assert!(hostile.text.contains("<script"), "{}", hostile.text);
        assert!(hostile.text.contains("</script"), "{}", hostile.text);
        let hostile_id = hostile.report_id.clone();
        let hostile_ordinal = hostile.ordinal;
        let limits = Limits::default();
        let live = Arc::new(Live::open(&index, &limits).expect("serve the index"));
        let app = ofsearch_server::app(live, limits);
        Fixture {
            _dir: dir,
            index,
            searcher,
            app,
            hostile_id,
            hostile_ordinal,
        }
    })
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Bytes,
}

impl Answer {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.text()))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// `GET uri` on `app`, in-process.
pub async fn get_on(app: &Router, uri: &str) -> Answer {
    let request = Request::get(uri).body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("answer");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// `GET uri` on the shared app, on a runtime of its own.
pub fn get(uri: &str) -> Answer {
    runtime().block_on(get_on(&fixture().app, uri))
}

/// The runtime in-process requests run on.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

/// `s` as a query-string value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An HTML tag as written: its name and attributes (values with entities as written).
#[derive(Debug, Clone)]
pub struct Tag {
    /// Lower-case name.
    pub name: String,
    /// Attributes, names lower-cased.
    pub attrs: Vec<(String, String)>,
    /// Where the tag starts in the page.
    pub at: usize,
    /// Where it ends (after `>`).
    pub end: usize,
}

impl Tag {
    /// An attribute's value, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether its class list has `class`.
    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == class))
    }
}

/// Every start tag of `html`, as a browser's tokenizer would find them (comments and the
/// doctype skipped; text holds no `<` once escaped, so any `<` followed by a letter is a tag).
pub fn tags(html: &str) -> Vec<Tag> {
    static TAG: OnceLock<Regex> = OnceLock::new();
    static ATTR: OnceLock<Regex> = OnceLock::new();
    let tag = TAG.get_or_init(|| {
        Regex::new(r#"<([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#).expect("regex")
    });
    let attr = ATTR.get_or_init(|| {
        Regex::new(r#"([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"#)
            .expect("regex")
    });
    tag.captures_iter(html)
        .map(|c| {
            let whole = c.get(0).expect("match");
            let attrs = attr
                .captures_iter(&c[2])
                .map(|a| {
                    let value = a
                        .get(2)
                        .or(a.get(3))
                        .or(a.get(4))
                        .map_or("", |m| m.as_str());
                    (a[1].to_ascii_lowercase(), value.to_string())
                })
                .collect();
            Tag {
                name: c[1].to_ascii_lowercase(),
                attrs,
                at: whole.start(),
                end: whole.end(),
            }
        })
        .collect()
}

/// `&amp;` and the other entities maud writes, decoded.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of the element starting at `tag` up to its end tag (same name, not nested),
/// markup removed and entities decoded.
pub fn inner_text(html: &str, tag: &Tag) -> String {
    let rest = &html[tag.end..];
    let close = format!("</{}>", tag.name);
    let inner = match rest.find(&close) {
        Some(at) => &rest[..at],
        None => rest,
    };
    strip(inner)
}

/// Text without markup, entities decoded.
pub fn strip(html: &str) -> String {
    static MARKUP: OnceLock<Regex> = OnceLock::new();
    let markup = MARKUP.get_or_init(|| Regex::new(r"<[^>]*>").expect("regex"));
    unescape(&markup.replace_all(html, ""))
}

/// The first number written in `text` (`1,234` read as 1234).
pub fn number(text: &str) -> Option<u64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The name and value pairs of a URL's query string.
pub fn query_pairs(href: &str) -> Vec<(String, String)> {
    let href = unescape(href);
    let query = href
        .split_once('?')
        .map_or("", |(_, q)| q.split('#').next().unwrap_or(""));
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A URL's path.
pub fn path_of(href: &str) -> String {
    let href = unescape(href);
    let end = href.find(['?', '#']).unwrap_or(href.len());
    href[..end].to_string()
}

/// The query string of pairs.
pub fn to_query(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (n, v) in pairs {
        s.append_pair(n, v);
    }
    s.finish()
}

/// The page's totals: the numbers in the first `<p class="summary">` (paragraphs, reports).
pub fn summary_numbers(html: &str) -> Option<(u64, u64)> {
    let all = tags(html);
    let summary = all
        .iter()
        .find(|t| t.name == "p" && t.has_class("summary"))?;
    let text = inner_text(html, summary);
    let total = number(&text)?;
    let after = text.find(" in ").map(|at| &text[at..])?;
    Some((total, number(after)?))
}

/// One facet value as the sidebar shows it.
#[derive(Debug, Clone)]
pub struct FacetLink {
    /// The field (`grade`, `year`, ...).
    pub field: String,
    /// The value as a filter names it (read from the link).
    pub label: String,
    /// The count shown.
    pub count: u64,
    /// The link.
    pub href: String,
    /// Whether it is active (`aria-pressed="true"`).
    pub active: bool,
}

/// The facet sidebar's values, by field, in the order shown.
pub fn facet_links(html: &str) -> Vec<FacetLink> {
    let all = tags(html);
    let mut field = String::new();
    let mut out = Vec::new();
    for (i, t) in all.iter().enumerate() {
        if t.name == "section" && t.has_class("facet") {
            field = t
                .attr("aria-labelledby")
                .unwrap_or("")
                .trim_start_matches("f-")
                .to_string();
        }
        if t.name == "a" && t.has_class("facet-value") {
            let value = all[i + 1..]
                .iter()
                .find(|s| s.has_class("value"))
                .map(|s| inner_text(html, s))
                .unwrap_or_default();
            let n = all[i + 1..]
                .iter()
                .find(|s| s.has_class("n"))
                .map(|s| inner_text(html, s))
                .unwrap_or_default();
            out.push(FacetLink {
                field: field.clone(),
                label: value.trim_start_matches("✓ ").to_string(),
                count: number(&n).expect("a facet count"),
                href: unescape(t.attr("href").expect("href")),
                active: t.attr("aria-pressed") == Some("true"),
            });
        }
    }
    out
}

/// The `href` of every `<a>` with this class (entities decoded).
pub fn links_with_class(html: &str, class: &str) -> Vec<String> {
    tags(html)
        .iter()
        .filter(|t| t.name == "a" && t.has_class(class))
        .filter_map(|t| t.attr("href").map(unescape))
        .collect()
}

/// The `href` of the `<a rel="...">`, if any.
pub fn rel_link(html: &str, rel: &str) -> Option<String> {
    tags(html)
        .iter()
        .find(|t| t.name == "a" && t.attr("rel") == Some(rel))
        .and_then(|t| t.attr("href").map(unescape))
}
