//! Serves an ofsearch index over HTTP: a JSON API under `/api/v1` and a research web page
//! (server-rendered HTML that works without JavaScript), from one binary with its assets
//! embedded.
//!
//! The server reads the index and never writes it or builds it. Searches run on tokio's
//! blocking pool, a bounded number at a time ([`live::Live::run`]): beyond the queue a request
//! is refused with 503 at once. A new commit of the index is picked up within
//! [`Limits::refresh_every`], each request reading one commit from start to end.

mod api;
mod error;
mod export;
mod http;
pub mod live;
mod openapi;
mod page;
mod params;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use ofsearch_query::QueryError;

pub use error::ApiError;
pub use live::Live;

/// Bounds on the work the server takes on.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Searches running at once (default: one per core).
    pub workers: usize,
    /// Requests that may wait for a worker; beyond them, 503 at once.
    pub queue: usize,
    /// Time a request may take, waiting included; beyond it, 503.
    pub budget: Duration,
    /// Most hits a page (`limit`).
    pub max_limit: usize,
    /// Most of `offset + limit`: deeper pages are for the export.
    pub max_window: usize,
    /// Most words of KWIC context either side.
    pub max_kwic_width: usize,
    /// Most KWIC lines a page, and the deepest offset.
    pub max_kwic_lines: usize,
    /// Most words compare lists per group.
    pub max_compare_top: usize,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Longest URL (path and query), in bytes.
    pub max_uri: usize,
    /// Time a client has to send its request's headers, and its body.
    pub client_timeout: Duration,
    /// How often the index is looked at for a new commit.
    pub refresh_every: Duration,
}

/// Most searches a server runs at once: beyond any machine's cores, short of exhausting threads.
pub const MAX_WORKERS: usize = 1024;
/// Most requests that may wait for a worker.
pub const MAX_QUEUE: usize = 1_000_000;

impl Limits {
    /// Whether the limits are in range: a request's mistake if not (a flag out of range).
    pub fn check(&self) -> Result<(), QueryError> {
        if self.workers > MAX_WORKERS {
            return Err(QueryError::Request(format!(
                "workers: {} is more than {MAX_WORKERS}",
                self.workers
            )));
        }
        if self.queue > MAX_QUEUE {
            return Err(QueryError::Request(format!(
                "queue: {} is more than {MAX_QUEUE}",
                self.queue
            )));
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Limits {
            workers: cores,
            queue: 128,
            budget: Duration::from_secs(30),
            max_limit: 1_000,
            max_window: 10_000,
            max_kwic_width: 50,
            max_kwic_lines: 10_000,
            max_compare_top: 200,
            max_body: 64 << 10,
            max_uri: 8 << 10,
            client_timeout: Duration::from_secs(10),
            refresh_every: Duration::from_secs(1),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The index.
    pub live: Arc<Live>,
    /// The bounds.
    pub limits: Arc<Limits>,
}

/// The whole application: API, page and assets, with the middleware (limits, security
/// headers, compression, access log).
pub fn app(live: Arc<Live>, limits: Limits) -> Router {
    let state = AppState {
        live,
        limits: Arc::new(limits),
    };
    http::layered(
        Router::new()
            .nest("/api/v1", api::routes())
            // The rest of `/api` (`/api/v1/` too, which the nested routes do not reach) is the
            // API's: a JSON 404, not the page's.
            .route("/api", axum::routing::any(api::not_found))
            .route("/api/{*rest}", axum::routing::any(api::not_found))
            .merge(page::routes()),
        state,
    )
}

pub use http::serve;
