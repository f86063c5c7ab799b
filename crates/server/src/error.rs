//! The one error body of the API, `{"error": {"kind", "message", "column"?}}`, and its status:
//! 400 for a mistake in the request, 404 for what does not exist, 405 for a method a route
//! does not take, 413/414 for oversized input, 503 with `Retry-After` when overloaded or over
//! the time budget, 500 for a fault (whose detail goes to the log, never to the client).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ofsearch_query::{ErrorKind, QueryError};
use serde::Serialize;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The query does not parse (with the 1-based column of the mistake).
    #[error("{message}")]
    Syntax {
        /// What is wrong.
        message: String,
        /// Where, in characters.
        column: usize,
    },
    /// A filter value the index does not hold, or a word that cannot be searched as asked.
    #[error("{0}")]
    Filter(String),
    /// A parameter is unknown, missing, repeated or out of range, or the body is not a request.
    #[error("{0}")]
    Parameter(String),
    /// No such report, or no such page.
    #[error("{0}")]
    NotFound(String),
    /// The route does not take this method (the `Allow` header says which it takes).
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The body is larger than the server accepts.
    #[error("{0}")]
    TooLarge(String),
    /// The URL is longer than the server accepts.
    #[error("{0}")]
    UriTooLong(String),
    /// Too many requests in flight: try again shortly.
    #[error("the server is busy: try again in a moment")]
    Overloaded,
    /// The request took longer than the server's time budget.
    #[error("the request took longer than {0} s: narrow the query or the filters")]
    Timeout(u64),
    /// A fault of the server's or the index's (the detail is logged, not shown).
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The status the error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Syntax { .. } | ApiError::Filter(_) | ApiError::Parameter(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            ApiError::Overloaded | ApiError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error's kind in the body: `syntax`, `filter`, `parameter`, `not_found`,
    /// `method_not_allowed`, `too_large`, `uri_too_long`, `overloaded`, `timeout` or
    /// `internal`.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::Syntax { .. } => "syntax",
            ApiError::Filter(_) => "filter",
            ApiError::Parameter(_) => "parameter",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::TooLarge(_) => "too_large",
            ApiError::UriTooLong(_) => "uri_too_long",
            ApiError::Overloaded => "overloaded",
            ApiError::Timeout(_) => "timeout",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The column of a syntax error.
    pub fn column(&self) -> Option<usize> {
        match self {
            ApiError::Syntax { column, .. } => Some(*column),
            _ => None,
        }
    }

    /// The body: `{"error": {"kind", "message", "column"?}}`.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                kind: self.kind(),
                message: self.to_string(),
                column: self.column(),
            },
        }
    }
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What the error body says.
#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    /// The error's kind ([`ApiError::kind`]).
    pub kind: &'static str,
    /// One line saying what is wrong and, where it can, how to put it right.
    pub message: String,
    /// For a syntax error, the 1-based column of the mistake in `q`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        match (e.kind(), &e) {
            (ErrorKind::Syntax, QueryError::Parse(syntax)) => ApiError::Syntax {
                message: format!("the query does not parse: {}", syntax.message),
                column: syntax.column,
            },
            (ErrorKind::Filter, _) => ApiError::Filter(e.to_string()),
            (ErrorKind::Request, _) => ApiError::Parameter(e.to_string()),
            _ => ApiError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let status = self.status();
        let mut response = (status, axum::Json(self.body())).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
