//! The research web page: server-rendered HTML (maud: escaping on by default) that works
//! without JavaScript; `assets/app.js` only enhances (the `/` key, phone-width filters).
//!
//! Every state is a URL with the API's parameter names (`/?q=care+leavers&grade=inadequate`),
//! so a page is a permalink and its numbers are the API's for the same parameters. Assets are
//! compiled into the binary: no URL reaches the file system.

mod analyses;
mod chart;
mod layout;
mod report;
mod search;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::Markup;
use ofsearch_query::ast::{FilterValue, Node};
use ofsearch_query::{SearchRequest, Searcher};

use crate::error::ApiError;
use crate::params::{Param, Params};
use crate::AppState;

/// The page's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(search::page))
        .route("/kwic", get(analyses::kwic_page))
        .route("/trend", get(analyses::trend_page))
        .route("/compare", get(analyses::compare_page))
        .route("/reports/{id}", get(report::page))
        .route("/assets/{name}", get(asset))
        .fallback(|| async {
            PageError(
                ApiError::NotFound("there is no such page: start from the search box".into()),
                None,
            )
        })
}

/// The assets, by name: compiled in.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/style.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/app.js"),
    ),
];

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=300"),
                ),
            ],
            *body,
        )
            .into_response(),
        None => PageError(ApiError::NotFound("no such asset".into()), None).into_response(),
    }
}

/// An HTML answer.
pub struct Html(pub Markup);

impl IntoResponse for Html {
    fn into_response(self) -> Response {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            self.0.into_string(),
        )
            .into_response()
    }
}

/// An error shown as a page, with the API's status for it, and the query typed (kept in the
/// search box, to correct the request).
pub struct PageError(pub ApiError, pub Option<String>);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> PageError {
        PageError(e, None)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(error, query) = self;
        if let ApiError::Internal(detail) = &error {
            tracing::error!(%detail, "internal error");
        }
        let status = error.status();
        let mut response =
            (status, Html(layout::error_page(&error, query.as_deref()))).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// A page URL: a path and parameters with the API's names, changed one at a time
/// (drill-down links add or remove one filter value, paging sets `offset`).
#[derive(Debug, Clone)]
pub struct Link {
    path: String,
    pairs: Vec<(String, String)>,
}

impl Link {
    /// `path` with `params`' non-empty values whose names are in `keep`.
    pub fn new(path: &str, params: &Params, keep: &[&[Param]]) -> Link {
        let kept = |name: &str| keep.iter().flat_map(|t| t.iter()).any(|p| p.name == name);
        Link {
            path: path.to_string(),
            pairs: params
                .pairs()
                .iter()
                .filter(|(n, v)| kept(n) && !v.trim().is_empty())
                .cloned()
                .collect(),
        }
    }

    /// `path` with no parameters.
    pub fn empty(path: &str) -> Link {
        Link {
            path: path.to_string(),
            pairs: Vec::new(),
        }
    }

    /// The same parameters on another path.
    pub fn at(&self, path: &str) -> Link {
        Link {
            path: path.to_string(),
            pairs: self.pairs.clone(),
        }
    }

    /// Whether `name=value` is set.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(n, v)| n == name && v == value)
    }

    /// With `name=value` added (a filter value: values of one name are OR'ed).
    pub fn with(&self, name: &str, value: &str) -> Link {
        let mut link = self.without(name, value);
        link.pairs.push((name.to_string(), value.to_string()));
        link
    }

    /// Without `name=value`.
    pub fn without(&self, name: &str, value: &str) -> Link {
        let mut link = self.clone();
        link.pairs.retain(|(n, v)| !(n == name && v == value));
        link
    }

    /// With `name` set to `value` alone (or removed when `value` is empty).
    pub fn set(&self, name: &str, value: &str) -> Link {
        let mut link = self.clone();
        link.pairs.retain(|(n, _)| n != name);
        if !value.is_empty() {
            link.pairs.push((name.to_string(), value.to_string()));
        }
        link
    }

    /// The URL of the page starting at `offset` (none for the first).
    pub fn href_offset(&self, offset: usize) -> String {
        let offset = if offset == 0 {
            String::new()
        } else {
            offset.to_string()
        };
        self.set("offset", &offset).href()
    }

    /// The parameters kept, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The URL: path and query string.
    pub fn href(&self) -> String {
        if self.pairs.is_empty() {
            return self.path.clone();
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (n, v) in &self.pairs {
            query.append_pair(n, v);
        }
        format!("{}?{}", self.path, query.finish())
    }
}

/// The filter parameters, in the order the sidebar shows them, with their labels.
pub const FILTERS: &[(&str, &str)] = &[
    ("grade", "Grade"),
    ("area", "Judgement area"),
    ("kind", "Paragraph kind"),
    ("type", "Report type"),
    ("year", "Year"),
    ("region", "Region"),
    ("authority", "Authority"),
];

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun, singular or plural.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A vocabulary value as people read it: `requires-improvement` as `requires improvement`.
pub fn label(value: &str) -> String {
    match value {
        "sif" => "SIF".into(),
        "sif-reinspection" => "SIF re-inspection".into(),
        "ilacs" => "ILACS".into(),
        "jar" => "JAR".into(),
        "unannounced-cra" => "unannounced CRA".into(),
        "" => "(none)".into(),
        other => other.replace('-', " "),
    }
}

/// Parses the page's parameters as the API would, for the route's tables; a mistake keeps
/// the query typed, for the error page's search box.
fn parse(query: Option<&str>, tables: &[&[Param]]) -> Result<Params, PageError> {
    Params::parse(query, tables).map_err(|e| PageError(e, typed_query(query)))
}

/// The first non-empty `q` of a query string, however mistaken the rest.
fn typed_query(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, value)| name == "q" && !value.trim().is_empty())
        .map(|(_, value)| value.into_owned())
}

/// The query as a search box reads it: as written if it parses, else leniently (stray
/// operators ignored), with the mistake kept to say so. `request.lenient` is set when it
/// was read leniently, so later steps read it the same way.
fn read_query(searcher: &Searcher, request: &mut SearchRequest) -> Result<Reading, ApiError> {
    match searcher.parse(request) {
        Ok(node) => Ok(Reading {
            node,
            mistake: None,
        }),
        Err(e) => match ApiError::from(e) {
            mistake @ ApiError::Syntax { .. } => {
                request.lenient = true;
                Ok(Reading {
                    node: searcher.parse(request)?,
                    mistake: Some(mistake),
                })
            }
            other => Err(other),
        },
    }
}

/// A query as read.
pub struct Reading {
    /// The parsed query.
    pub node: Node,
    /// Why it was read leniently, if it was.
    pub mistake: Option<ApiError>,
}

impl Reading {
    /// The note shown when the query was read leniently.
    pub fn note(&self) -> Option<Markup> {
        let mistake = self.mistake.as_ref()?;
        Some(maud::html! {
            p.note role="status" {
                "Your query does not parse as written ("
                (mistake.to_string().trim_start_matches("the query does not parse: "))
                @if let Some(column) = mistake.column() { ", at character " (column) }
                "), so it was read as plain text: "
                code { (describe(&self.node)) }
            }
        })
    }
}

/// A parsed query written back in the query language.
pub fn describe(node: &Node) -> String {
    let joined = |parts: &[Node], op: &str| {
        let inner: Vec<String> = parts
            .iter()
            .map(|p| match p {
                Node::All(_) | Node::Any(_) => format!("({})", describe(p)),
                _ => describe(p),
            })
            .collect();
        inner.join(op)
    };
    match node {
        Node::Word(w) => format!(
            "{}{}{}",
            w.text,
            if w.prefix { "*" } else { "" },
            w.fuzzy.map(|d| format!("~{d}")).unwrap_or_default()
        ),
        Node::Phrase(p) if p.slop > 0 => format!("\"{}\"~{}", p.text, p.slop),
        Node::Phrase(p) => format!("\"{}\"", p.text),
        Node::Filter(f) => match &f.value {
            FilterValue::One(v) if v.contains(' ') => format!("{}:\"{v}\"", f.field.as_str()),
            FilterValue::One(v) => format!("{}:{v}", f.field.as_str()),
            FilterValue::Range { from, to, .. } => format!(
                "{}:[{} TO {}]",
                f.field.as_str(),
                from.as_deref().unwrap_or("*"),
                to.as_deref().unwrap_or("*")
            ),
        },
        Node::All(parts) => joined(parts, " "),
        Node::Any(parts) => joined(parts, " OR "),
        Node::Not(inner) => format!("-{}", describe(inner)),
        Node::Boost(inner, by) => format!("{}^{by}", describe(inner)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::params;

    #[test]
    fn links_add_and_remove_one_value() {
        let params = Params::parse(
            Some("q=care+leavers&grade=good&offset=10&grade="),
            &[params::QUERY, params::SEARCH],
        )
        .unwrap();
        let link = Link::new("/", &params, &[params::QUERY]);
        assert_eq!(link.href(), "/?q=care+leavers&grade=good");
        assert!(link.has("grade", "good"));
        assert_eq!(
            link.with("grade", "inadequate").href(),
            "/?q=care+leavers&grade=good&grade=inadequate"
        );
        assert_eq!(link.without("grade", "good").href(), "/?q=care+leavers");
        assert_eq!(link.set("q", "").href(), "/?grade=good");
        assert_eq!(
            link.at("/kwic").set("q", "a&b").href(),
            "/kwic?grade=good&q=a%26b"
        );
    }

    #[test]
    fn queries_are_written_back() {
        let read = |q: &str| describe(&ofsearch_query::syntax::parse_lenient(q));
        assert_eq!(read("care leavers"), "care leavers");
        assert_eq!(read("care AND"), "care");
        assert_eq!(
            read("\"care leavers\" grade:good"),
            "\"care leavers\" grade:good"
        );
        assert_eq!(read("(a OR b) -c"), "(a OR b) -c");
    }

    #[test]
    fn numbers_and_labels() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(count(1, "report", "reports"), "1 report");
        assert_eq!(count(2, "report", "reports"), "2 reports");
        assert_eq!(label("requires-improvement"), "requires improvement");
        assert_eq!(label("sif"), "SIF");
    }
}
