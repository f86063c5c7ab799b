//! The HTTP layer around the routes: the accept loop (header timeouts, graceful shutdown),
//! and the middleware every answer passes through: URL and body limits, a body timeout,
//! security headers, compression and the access log.

use std::future::Future;
use std::time::{Duration, Instant};

use axum::body::{Body, HttpBody};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::StreamExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower_http::compression::CompressionLayer;

use crate::error::ApiError;
use crate::{AppState, Limits};

/// The Content-Security-Policy of every answer: nothing from elsewhere, no inline script or
/// style, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The routes with the middleware and the state.
pub fn layered(routes: Router<AppState>, state: AppState) -> Router {
    let limits = state.limits.clone();
    routes
        .layer(DefaultBodyLimit::max(limits.max_body))
        .layer(middleware::from_fn_with_state(state.clone(), body_deadline))
        .layer(middleware::from_fn_with_state(state.clone(), check_uri))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

/// 414 for a URL longer than the limit.
async fn check_uri(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if length > state.limits.max_uri {
        return ApiError::UriTooLong(format!(
            "the URL is {length} bytes long; at most {} are accepted (POST /api/v1/search takes a longer request)",
            state.limits.max_uri
        ))
        .into_response();
    }
    let mut response = next.run(request).await;
    // A body over the limit is refused by axum with a bare 413: give it the error body.
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        response = ApiError::TooLarge(format!(
            "the body is larger than {} bytes",
            state.limits.max_body
        ))
        .into_response();
    }
    response
}

/// The whole body within `client_timeout` of the head. (tower-http's body timeout starts
/// again with each chunk, so a client sending a byte a second would hold its connection for
/// as long as the body limit lets it: hours.) A body late is an error the handler reading it
/// answers (400), and the connection is then closed.
async fn body_deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.body().size_hint().exact() == Some(0) {
        return next.run(request).await;
    }
    let limit = state.limits.client_timeout;
    let deadline = tokio::time::Instant::now() + limit;
    let request = request.map(|body| {
        let chunks =
            futures_util::stream::unfold(Some(body.into_data_stream()), move |data| async move {
                let mut data = data?;
                match tokio::time::timeout_at(deadline, data.next()).await {
                    Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(data))),
                    Ok(Some(Err(e))) => Some((Err(std::io::Error::other(e)), None)),
                    Ok(None) => None,
                    Err(_) => Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            format!("the body did not arrive within {} s", limit.as_secs_f64()),
                        )),
                        None,
                    )),
                }
            });
        Body::from_stream(chunks)
    });
    next.run(request).await
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    response
}

/// One line per request at INFO: method, path, status, milliseconds.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    tracing::info!(
        target: "ofsearch::access",
        "{method} {path} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight finish
/// (for at most 30 s) and returns. Connections that do not send their headers within
/// `limits.client_timeout` are closed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was taken:
                    // wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        // HTTP/1.1 only. (hyper-util's auto builder also speaks HTTP/2, without these limits,
        // and waits for a connection's first bytes to tell which before any timeout starts:
        // a connection that sent nothing was held open for ever.)
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.client_timeout)
            .max_buf_size(limits.max_uri.max(8192) * 2);
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(30)) => {
            tracing::warn!("requests still running after 30 s: stopping anyway");
        }
    }
    Ok(())
}
