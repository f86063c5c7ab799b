//! What the server's integration tests share: one index of a few bundled reports built once
//! per test binary, an in-process client (`tower::ServiceExt::oneshot` on the app), and a
//! server on a real socket with a tiny HTTP/1.1 client over `std::net::TcpStream`.
#![allow(dead_code)] // each test binary uses some of these

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use ofsearch_indexer::{index_paths, IndexOptions};
use ofsearch_query::Searcher;
use ofsearch_server::{Limits, Live};
use serde::Serialize;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

/// The bundled reports the shared index holds: authorities of several regions, 2014-2026,
/// SIF, SIF re-inspection and three ILACS editions, every grade.
pub const SHARED_REPORTS: std::ops::RangeInclusive<usize> = 1..=20;

/// The bundled report files `report-NNNN.txt` numbered in `range`.
pub fn report_files(range: std::ops::RangeInclusive<usize>) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/reports");
    range
        .map(|n| dir.join(format!("report-{n:04}.txt")))
        .collect()
}

/// Indexes `files` into `index` (created if missing, else added to, as `ofsearch index`).
pub fn index_files(files: &[PathBuf], index: &Path) {
    let options = IndexOptions {
        threads: 2,
        memory_budget: 64 << 20,
        ..IndexOptions::default()
    };
    let summary = index_paths(files, index, &options).expect("index the reports");
    assert_eq!(
        summary.reports,
        files.len(),
        "every file indexed: {summary:?}"
    );
}

/// The shared index: built once per test binary, removed when it ends.
pub struct Fixture {
    _dir: TempDir,
    /// The index directory.
    pub index: PathBuf,
    /// The library's view of it, to compare answers with.
    pub searcher: Searcher,
    /// The server's view of it (default limits).
    pub live: Arc<Live>,
    /// The app over `live`, default limits.
    pub app: Router,
}

/// The shared index of [`SHARED_REPORTS`].
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = TempDir::new().expect("temp dir");
        let index = dir.path().join("idx");
        index_files(&report_files(SHARED_REPORTS), &index);
        let searcher = Searcher::open(&index).expect("open the index");
        let (live, app) = app_on(&index, Limits::default());
        Fixture {
            _dir: dir,
            index,
            searcher,
            live,
            app,
        }
    })
}

/// A copy of the shared index, to damage with [`damage_stores`] once it is served (the server
/// verifies every file as it opens an index: damage found then is refused at once). Removed
/// when the binary ends.
pub fn index_to_damage() -> &'static Path {
    static COPY: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    &COPY
        .get_or_init(|| {
            let dir = TempDir::new().expect("temp dir");
            let copy = dir.path().join("idx");
            std::fs::create_dir(&copy).expect("mkdir");
            for entry in std::fs::read_dir(&fixture().index).expect("read the index") {
                let entry = entry.expect("entry");
                std::fs::copy(entry.path(), copy.join(entry.file_name())).expect("copy");
            }
            (dir, copy)
        })
        .1
}

/// Damages the stored documents of a served index, in place (the middle of each segment's
/// `.store` file zeroed, as a disk fault would, under the server's memory maps): matches are
/// found and counted, but reading a hit's text fails, a fault of the index's, not of the
/// request.
pub fn damage_stores(index: &Path) {
    use std::io::{Seek, SeekFrom};
    for entry in std::fs::read_dir(index).expect("read the index") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "store") {
            let len = std::fs::metadata(&path).expect("metadata").len();
            let (from, end) = (len / 8, len / 2);
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .expect("open the store");
            file.seek(SeekFrom::Start(from)).expect("seek");
            let zeros = vec![0u8; usize::try_from(end - from).expect("a small file")];
            file.write_all(&zeros).expect("damage the store");
        }
    }
}

/// An app over `index` with these limits, and its `Live` (to hold the gate's slots).
pub fn app_on(index: &Path, limits: Limits) -> (Arc<Live>, Router) {
    let live = Arc::new(Live::open(index, &limits).expect("serve the index"));
    let app = ofsearch_server::app(live.clone(), limits);
    (live, app)
}

/// An app over the shared index with these limits.
pub fn app_with(limits: Limits) -> (Arc<Live>, Router) {
    app_on(&fixture().index, limits)
}

/// The runtime the in-process client runs requests on.
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

/// Runs a future to its end on [`runtime`].
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    runtime().block_on(future)
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
    /// The body as JSON (panics, naming the answer, if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends `request` to `app` in process and reads the whole answer.
pub fn call(app: &Router, request: Request<Body>) -> Answer {
    block_on(async {
        let response = app
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("read the body").to_bytes();
        Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    })
}

/// `GET uri`.
pub fn get(app: &Router, uri: &str) -> Answer {
    call(app, Request::get(uri).body(Body::empty()).expect("request"))
}

/// `POST uri` with a JSON body.
pub fn post(app: &Router, uri: &str, body: impl Into<Body>) -> Answer {
    call(
        app,
        Request::post(uri)
            .header("content-type", "application/json")
            .body(body.into())
            .expect("request"),
    )
}

/// `value` as the server writes it and a client reads it: serialised, then parsed.
pub fn as_json<T: Serialize>(value: &T) -> Value {
    serde_json::from_slice(&serde_json::to_vec(value).expect("serialise")).expect("parse")
}

/// The error body's kind, checking that the body is the API's error body.
pub fn error_kind(answer: &Answer) -> String {
    let body = answer.json();
    let error = body["error"].as_object().unwrap_or_else(|| {
        panic!("not an error body: {} {body}", answer.status);
    });
    assert!(
        error
            .keys()
            .all(|k| ["kind", "message", "column"].contains(&k.as_str())),
        "{body}"
    );
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    error["kind"].as_str().expect("kind").to_string()
}

/// Percent-encodes a query-string value.
pub fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

// ---------------------------------------------------------------------------------------------
// A server on a real socket
// ---------------------------------------------------------------------------------------------

/// `ofsearch_server::serve` on 127.0.0.1:0 in a runtime of its own on a background thread.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The index it serves.
    pub live: Arc<Live>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Serves `index` under `limits`; with `refresh`, a refresher picks up new commits every
    /// `limits.refresh_every`.
    pub fn start(index: &Path, limits: Limits, refresh: bool) -> Server {
        let live = Arc::new(Live::open(index, &limits).expect("serve the index"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (tell, told) = std::sync::mpsc::channel();
        let served = live.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                tell.send(listener.local_addr()?).expect("tell the address");
                if refresh {
                    ofsearch_server::live::spawn_refresher(served.clone(), limits.refresh_every);
                }
                let app = ofsearch_server::app(served, limits.clone());
                ofsearch_server::serve(listener, app, &limits, async {
                    let _ = stopped.await;
                })
                .await
            })
        });
        let addr = told
            .recv_timeout(Duration::from_secs(30))
            .expect("the server starts");
        Server {
            addr,
            live,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Serves the shared index.
    pub fn shared(limits: Limits) -> Server {
        Server::start(&fixture().index, limits, false)
    }

    /// Fires the shutdown signal (without waiting for `serve` to return).
    pub fn signal_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Whether `serve` has returned.
    pub fn has_stopped(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Fires the shutdown signal and waits for `serve` to return: what it returned.
    pub fn shutdown(mut self) -> std::io::Result<()> {
        self.signal_shutdown();
        self.thread
            .take()
            .expect("not yet joined")
            .join()
            .expect("the server thread does not panic")
    }

    /// `GET path` on a new connection (closed after the answer).
    pub fn get(&self, path: &str) -> RawAnswer {
        self.exchange(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap_or_else(|| panic!("no answer to GET {path}"))
    }

    /// Sends `request` on a new connection and reads until the server closes it: the answer,
    /// or `None` if it closed without one.
    pub fn exchange(&self, request: &[u8]) -> Option<RawAnswer> {
        let mut stream = self.connect();
        // The server may refuse and close before reading everything: a failed write is then
        // expected, and the answer (if any) is still there to read.
        let _ = stream.write_all(request);
        RawAnswer::parse(&read_all(&mut stream))
    }

    /// A new connection, with a read timeout far beyond any answer's time.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("read timeout");
        stream
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.signal_shutdown();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads until the peer closes (a reset counts as a close): the bytes read.
pub fn read_all(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buffer = [0u8; 16 << 10];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
                ) =>
            {
                break
            }
            Err(e) => panic!("reading the answer: {e}"),
        }
    }
    out
}

/// An answer read off a socket.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    /// Its status.
    pub status: u16,
    /// Its headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// Its body (de-chunked).
    pub body: Vec<u8>,
    /// Whether the body was whole: its length as declared, or chunks up to the last one.
    pub complete: bool,
}

impl RawAnswer {
    /// Parses one HTTP/1.1 answer; `None` for no bytes at all.
    pub fn parse(bytes: &[u8]) -> Option<RawAnswer> {
        if bytes.is_empty() {
            return None;
        }
        let end = find(bytes, b"\r\n\r\n").unwrap_or_else(|| {
            panic!(
                "an answer without a complete head: {:?}",
                String::from_utf8_lossy(bytes)
            )
        });
        let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let rest = &bytes[end + 4..];
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let (body, complete) =
            if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
                dechunk(rest)
            } else if let Some(length) = header("content-length").and_then(|v| v.parse().ok()) {
                let length: usize = length;
                (
                    rest[..rest.len().min(length)].to_vec(),
                    rest.len() >= length,
                )
            } else {
                (rest.to_vec(), true)
            };
        Some(RawAnswer {
            status,
            headers,
            body,
            complete,
        })
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A chunked body's bytes, and whether its last (empty) chunk arrived.
pub fn dechunk(mut bytes: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = find(bytes, b"\r\n") else {
            return (out, false);
        };
        let size_text = String::from_utf8_lossy(&bytes[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return (out, false);
        };
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return (out, true);
        }
        if bytes.len() < size + 2 {
            out.extend_from_slice(&bytes[..bytes.len().min(size)]);
            return (out, false);
        }
        out.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}
