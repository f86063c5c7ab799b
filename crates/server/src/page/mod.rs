//! The research web page (placeholder until the page lands).

use axum::routing::get;
use axum::Router;

use crate::AppState;

/// The page's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(|| async { "ofsearch" }))
}
