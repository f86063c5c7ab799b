//! The JSON API under `/api/v1`: the library's answers, with the same field names as the CLI's
//! `--format json`.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ofsearch_query::analysis::{self, KwicLine};
use ofsearch_query::{reading, Hit, SearchRequest, SearchResponse, Searcher};
use serde::Serialize;

use crate::error::ApiError;
use crate::params::{self, Params};
use crate::AppState;

/// The API's routes, to be nested under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(search_get).post(search_post))
        .route("/reports", get(reports))
        .route("/reports/{id}", get(report))
        .route("/kwic", get(kwic))
        .route("/trend", get(trend))
        .route("/compare", get(compare))
        .route("/export", get(export))
        .route("/vocabularies", get(vocabularies))
        .route("/names", get(names))
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        // After the routes: it applies to those registered before it.
        .method_not_allowed_fallback(method_not_allowed)
}

/// The answer to a path under `/api` that is no route of the API.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such API route: see /api/v1/openapi.json".into())
}

/// The answer to a method a route does not take (axum adds the `Allow` header).
async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "this route does not take {}: see the Allow header, and /api/v1/openapi.json",
        params::printable(method.as_str())
    ))
}

/// A page of search results: the library's answer, with the page it is and where the next
/// starts.
#[derive(Debug, Serialize)]
pub struct SearchPage {
    /// The answer, as `search --format json` prints it.
    #[serde(flatten)]
    pub response: SearchResponse,
    /// Hits skipped.
    pub offset: usize,
    /// Hits asked for.
    pub limit: usize,
    /// The offset of the next page, when there may be one.
    pub next_offset: Option<usize>,
}

impl SearchPage {
    /// The page for `request`'s answer.
    pub fn new(request: &SearchRequest, response: SearchResponse) -> SearchPage {
        let end = request.offset.saturating_add(request.limit);
        let more = if request.group_by_report {
            response.reports.unwrap_or(0) as usize > end
        } else {
            let known = response.total + response.partial.unwrap_or(0);
            // Partial matches are counted only when a page reaches them: a full page of
            // counted matches may be followed by some.
            let maybe_partial = response.partial.is_none()
                && !request.all_words
                && response.plain.as_ref().is_some_and(|p| p.at_least > 0);
            known as usize > end || (maybe_partial && response.hits.len() == request.limit)
        };
        SearchPage {
            response,
            offset: request.offset,
            limit: request.limit,
            next_offset: (more && request.limit > 0).then_some(end),
        }
    }
}

/// Runs a search request.
pub async fn run_search(state: &AppState, request: SearchRequest) -> Result<SearchPage, ApiError> {
    state
        .live
        .run(move |searcher| {
            let response = searcher.search_request(&request)?;
            Ok(SearchPage::new(&request, response))
        })
        .await
}

async fn search_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchPage>, ApiError> {
    let params = Params::parse(query.as_deref(), &[params::QUERY, params::SEARCH])?;
    let request = params.search(&state.limits)?;
    Ok(Json(run_search(&state, request).await?))
}

async fn search_post(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<SearchPage>, ApiError> {
    // axum's own refusal is plain text: answer with the error body.
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(format!(
                "the body is larger than {} bytes",
                state.limits.max_body
            ))
        } else {
            ApiError::Parameter(format!("the body could not be read: {}", e.body_text()))
        }
    })?;
    // serde reads a struct from a JSON array too (fields by position): only an object is a
    // request.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(ApiError::Parameter(
            "the body is not a search request: give a JSON object (SearchRequest in /api/v1/openapi.json)".into(),
        ));
    }
    let request: SearchRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Parameter(format!("the body is not a search request: {e}")))?;
    params::check(&request, &state.limits)?;
    Ok(Json(run_search(&state, request).await?))
}

/// The indexed reports, filtered.
#[derive(Debug, Serialize)]
pub struct ReportList {
    /// Reports listed.
    pub total: usize,
    /// Each report's record, ordered by source path.
    pub reports: Vec<serde_json::Value>,
}

async fn reports(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<ReportList>, ApiError> {
    let params = Params::parse(query.as_deref(), &[params::REPORTS])?;
    // The search's filters, names and errors: an authority by any of its names, open years.
    let filters = ofsearch_query::Filters {
        authority: params.all("authority"),
        region: params.all("region"),
        year: params.all("year"),
        report_type: params.all("type"),
        edition: params.all("edition"),
        ..ofsearch_query::Filters::default()
    };
    let reports = state
        .live
        .run(move |searcher| Ok(searcher.reports_where(&filters)?))
        .await?;
    Ok(Json(ReportList {
        total: reports.len(),
        reports,
    }))
}

async fn report(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Json<reading::ReportView>, ApiError> {
    // axum's own refusal (an id that is not UTF-8) is plain text: answer with the error body.
    let Path(id) = id.map_err(|_| {
        ApiError::Parameter("the report id is not text (UTF-8): see /api/v1/reports".into())
    })?;
    let params = Params::parse(query.as_deref(), &[params::REPORT])?;
    let request = params.request()?;
    let view = state
        .live
        .run(move |searcher| read_report(searcher, &id, &request))
        .await?;
    Ok(Json(view))
}

/// The report `id`, whole, the request's query marked in it; 404 if there is none.
pub fn read_report(
    searcher: &Searcher,
    id: &str,
    request: &SearchRequest,
) -> Result<reading::ReportView, ApiError> {
    let highlight = if request.query.trim().is_empty() {
        None
    } else {
        let node = searcher.parse(request)?;
        Some(searcher.compile(request, &node)?.highlight)
    };
    let id = id.trim();
    let view = if id.len() > 64 {
        None
    } else {
        searcher.report(id, highlight.as_ref())?
    };
    view.ok_or_else(|| {
        ApiError::NotFound(format!(
            "no report with id '{}' in the index: see /api/v1/reports",
            params::printable(id)
        ))
    })
}

/// A page of KWIC lines.
#[derive(Debug, Serialize)]
pub struct KwicPage {
    /// Occurrences found in every matching paragraph.
    pub total: usize,
    /// Lines skipped.
    pub offset: usize,
    /// Lines asked for.
    pub limit: usize,
    /// The lines.
    pub lines: Vec<KwicLine>,
}

/// Runs a KWIC request.
pub async fn run_kwic(state: &AppState, params: &Params) -> Result<KwicPage, ApiError> {
    let limits = &state.limits;
    let request = params.request()?;
    let width = params.number("width", 6, limits.max_kwic_width)?;
    let sort = params.kwic_sort()?;
    let offset = params.number("offset", 0, limits.max_kwic_lines)?;
    let limit = params.number("limit", 100, limits.max_kwic_lines)?;
    state
        .live
        .run(move |searcher| {
            let node = searcher.parse(&request)?;
            let lines = analysis::kwic(searcher, &request, &node, width, sort)?;
            let total = lines.len();
            let lines = lines.into_iter().skip(offset).take(limit).collect();
            Ok(KwicPage {
                total,
                offset,
                limit,
                lines,
            })
        })
        .await
}

async fn kwic(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<KwicPage>, ApiError> {
    let params = Params::parse(query.as_deref(), &[params::QUERY, params::KWIC])?;
    Ok(Json(run_kwic(&state, &params).await?))
}

/// Runs a trend request.
pub async fn run_trend(state: &AppState, params: &Params) -> Result<analysis::Trend, ApiError> {
    let request = params.request()?;
    let split = params.split()?;
    state
        .live
        .run(move |searcher| {
            let node = searcher.parse(&request)?;
            Ok(analysis::trend(searcher, &request, &node, split)?)
        })
        .await
}

async fn trend(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<analysis::Trend>, ApiError> {
    let params = Params::parse(query.as_deref(), &[params::QUERY, params::TREND])?;
    Ok(Json(run_trend(&state, &params).await?))
}

/// Runs a compare request.
pub async fn run_compare(
    state: &AppState,
    params: &Params,
) -> Result<analysis::Comparison, ApiError> {
    let request = params.request()?;
    let by = params.compare_by()?;
    let top = params.number("top", 15, state.limits.max_compare_top)?;
    state
        .live
        .run(move |searcher| {
            let node = searcher.parse(&request)?;
            Ok(analysis::compare(searcher, &request, &node, by, top)?)
        })
        .await
}

async fn compare(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<analysis::Comparison>, ApiError> {
    let params = Params::parse(query.as_deref(), &[params::QUERY, params::COMPARE])?;
    Ok(Json(run_compare(&state, &params).await?))
}

async fn export(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref(), &[params::QUERY, params::EXPORT])?;
    let request = SearchRequest {
        sort: params.sort()?,
        ..params.request()?
    };
    let csv = params.choice("format", &[("csv", true), ("jsonl", false)], true)?;
    crate::export::stream(&state, request, csv).await
}

async fn vocabularies(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<reading::Vocabularies>, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    Ok(Json(state.live.run(|s| Ok(s.vocabularies()?)).await?))
}

async fn names(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<ofsearch_query::Names>, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    Ok(Json(state.live.run(|s| Ok(s.names()?)).await?))
}

/// What `/health` says.
#[derive(Debug, Serialize)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// The commit served: grows each time the server picks up a new one.
    pub generation: u64,
    /// Documents in it (paragraphs and report records).
    pub documents: u64,
    /// The index's schema version.
    pub schema_version: u32,
    /// Requests running or waiting.
    pub in_flight: usize,
}

async fn health(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Health>, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    let searcher = state.live.searcher();
    Ok(Json(Health {
        status: "ok",
        generation: searcher.generation(),
        documents: searcher.documents(),
        schema_version: ofsearch_schema::SCHEMA_VERSION,
        in_flight: state.live.in_flight(),
    }))
}

async fn openapi(RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    let mut response = Json(crate::openapi::document()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}

/// A hit as one JSON line.
pub fn jsonl_row(hit: &Hit) -> Result<Vec<u8>, ApiError> {
    let mut line = serde_json::to_vec(hit).map_err(|e| ApiError::Internal(e.to_string()))?;
    line.push(b'\n');
    Ok(line)
}

/// The body of an answer streamed from a channel.
pub fn streamed(rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>) -> Body {
    // Fused: the gzip layer polls a body again after its end, which a bare unfold answers
    // with a panic.
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Body::from_stream(futures_util::StreamExt::fuse(stream))
}
