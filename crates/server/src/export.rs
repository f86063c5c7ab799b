//! `GET /api/v1/export`: every match, streamed as CSV or JSON lines while the blocking pool
//! reads them, with backpressure (a bounded channel: the reader waits for the client) and an
//! end when the client goes away (the send fails and the reading stops).

use axum::body::Bytes;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use ofsearch_query::reading::{csv_row, CSV_HEADER};
use ofsearch_query::{Hit, SearchRequest};

use crate::api::{jsonl_row, streamed};
use crate::error::ApiError;
use crate::AppState;

/// Bytes gathered before a chunk is sent.
const CHUNK: usize = 32 << 10;

/// Chunks waiting for the client before the reader waits too.
const QUEUED_CHUNKS: usize = 8;

/// The export of `request`'s matches, as CSV (with a header row) or JSON lines. A query
/// mistake is answered with 400 before any row; a fault after the first row ends the stream
/// early (the client sees a truncated body: the status is already sent).
pub async fn stream(
    state: &AppState,
    request: SearchRequest,
    csv: bool,
) -> Result<Response, ApiError> {
    // Check the query before answering 200.
    let checked = request.clone();
    let node = state
        .live
        .run(move |searcher| {
            let node = searcher.parse(&checked)?;
            searcher.compile(&checked, &node)?;
            Ok(node)
        })
        .await?;
    let stem = file_stem(&request.query);
    let slot = state.live.slot().await?;
    let searcher = state.live.searcher();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(QUEUED_CHUNKS);
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK * 2);
        if csv {
            buffer.extend(csv_line(CSV_HEADER));
        }
        let send = |buffer: &mut Vec<u8>| -> Result<(), ApiError> {
            let chunk = Bytes::from(std::mem::take(buffer));
            tx.blocking_send(Ok(chunk))
                .map_err(|_| ApiError::Internal("the client went away".into()))
        };
        // A panic in the library must end the stream with an error, as a fault does: left to
        // unwind, it would drop the sender and end the body as if the export were whole.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            searcher.each_match(&request, &node, |hit: Hit| -> Result<(), ApiError> {
                if csv {
                    buffer.extend(csv_line(csv_row(&hit)));
                } else {
                    buffer.extend(jsonl_row(&hit)?);
                }
                if buffer.len() >= CHUNK {
                    send(&mut buffer)?;
                }
                Ok(())
            })
        }))
        .unwrap_or_else(|_| Err(ApiError::Internal("the export panicked".into())));
        match result {
            Ok(rows) => {
                if !buffer.is_empty() {
                    let _ = send(&mut buffer);
                }
                tracing::debug!(rows, "export finished");
            }
            Err(ApiError::Internal(detail)) if detail == "the client went away" => {
                tracing::debug!("export stopped: the client went away");
            }
            Err(e) => {
                tracing::error!(error = %e, "export failed part-way");
                let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
            }
        }
    });
    let (content_type, extension) = if csv {
        ("text/csv; charset=utf-8", "csv")
    } else {
        ("application/x-ndjson", "jsonl")
    };
    let disposition = format!("attachment; filename=\"{stem}.{extension}\"");
    let mut response = streamed(rx).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// One CSV record, with its line end.
fn csv_line<I, T>(record: I) -> Vec<u8>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(record);
    writer.into_inner().unwrap_or_default()
}

/// A file name for an export of `query`: `ofsearch-` and the query's letters and digits,
/// words joined by hyphens, at most 40 characters.
pub fn file_stem(query: &str) -> String {
    let words: Vec<String> = query
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let mut stem = String::from("ofsearch");
    for word in words {
        if stem.len() + word.len() + 1 > 48 {
            break;
        }
        stem.push('-');
        stem.push_str(&word);
    }
    if stem == "ofsearch" {
        stem.push_str("-export");
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_letters_and_digits_only() {
        assert_eq!(
            file_stem("\"care leavers\" grade:good"),
            "ofsearch-care-leavers-grade-good"
        );
        assert_eq!(file_stem(""), "ofsearch-export");
        assert_eq!(file_stem("../../etc/passwd\r\n"), "ofsearch-etc-passwd");
        assert!(file_stem(&"word ".repeat(50)).len() <= 48);
    }
}
