//! The server on a real socket against hostile or careless clients: garbage, oversized heads
//! and bodies, slow clients, path traversal, deeply nested queries; and against its own index
//! changing under it, and its shutdown with requests in flight.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{enc, fixture, read_all, RawAnswer, Server};
use ofsearch_query::{SearchRequest, Searcher};
use ofsearch_server::Limits;
use serde_json::{json, Value};

/// Limits for a server the tests can wait out: clients get a second to send a request.
fn quick() -> Limits {
    Limits {
        client_timeout: Duration::from_secs(1),
        ..Limits::default()
    }
}

/// Whether the server still answers a plain request.
fn assert_alive(server: &Server) {
    let answer = server.get("/api/v1/health");
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["status"], "ok");
}

/// Sends `bytes`, says it has nothing more to send, and reads what comes back.
fn send_and_close(server: &Server, bytes: &[u8]) -> Option<RawAnswer> {
    let mut stream = server.connect();
    let _ = stream.write_all(bytes);
    let _ = stream.shutdown(Shutdown::Write);
    RawAnswer::parse(&read_all(&mut stream))
}

/// Reads one answer off a kept-alive connection: its head, then its body by its length or
/// its chunks.
fn read_one(stream: &mut TcpStream) -> RawAnswer {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        if bytes.windows(4).any(|w| w == b"\r\n\r\n") {
            if let Some(answer) = RawAnswer::parse(&bytes).filter(|a| a.complete) {
                return answer;
            }
        }
        let n = stream.read(&mut buffer).expect("read");
        assert!(
            n > 0,
            "closed before a whole answer: {:?}",
            String::from_utf8_lossy(&bytes)
        );
        bytes.extend_from_slice(&buffer[..n]);
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed requests
// ---------------------------------------------------------------------------------------------

#[test]
fn garbage_and_malformed_requests_are_refused_and_the_server_goes_on() {
    let server = Server::shared(quick());
    let cases: &[&[u8]] = &[
        b"\x00\x01\x02\x03garbage\r\n\r\n",
        b"\xff\xfe\xfd\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /api/v1/health\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        b"GET /api/v1/health\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/he alth HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"G\xc3\x89T /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n: no name\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nBad\x01Name: 1\r\n\r\n",
        b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
        b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}",
        b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, identity\r\n\r\n{}",
        b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nffffffffffffffffffff\r\n",
        b"\r\n\r\n\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n",
    ];
    for case in cases {
        let what = String::from_utf8_lossy(case);
        match send_and_close(&server, case) {
            None => {}
            Some(answer) => {
                assert!(
                    (400..500).contains(&answer.status) || answer.status == 505,
                    "{what:?}: {} {}",
                    answer.status,
                    answer.text()
                );
                if answer.status == 400 && answer.header("content-type") == Some("application/json")
                {
                    assert!(answer.json()["error"]["kind"].is_string(), "{what:?}");
                }
            }
        }
        assert_alive(&server);
    }
    // Random bytes, as a fuzzer would send them.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..20 {
        let noise: Vec<u8> = (0..512)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        if let Some(answer) = send_and_close(&server, &noise) {
            assert!((400..500).contains(&answer.status), "{}", answer.status);
        }
    }
    assert_alive(&server);
    server.shutdown().expect("serve returns Ok");
}

#[test]
fn oversized_heads_are_refused() {
    let server = Server::shared(quick());
    let limits = Limits::default();
    // Many headers, one huge header, a huge request line.
    let many = format!(
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..200)
            .map(|i| format!("X-Filler-{i}: {}\r\n", "a".repeat(1000)))
            .collect::<String>()
    );
    let huge = format!(
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Huge: {}\r\n\r\n",
        "b".repeat(100_000)
    );
    let line = format!(
        "GET /api/v1/search?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "c".repeat(100_000)
    );
    for request in [many, huge, line] {
        if let Some(answer) = server.exchange(request.as_bytes()) {
            assert!(
                [400, 414, 431].contains(&answer.status),
                "{}: {}",
                answer.status,
                answer.text()
            );
        }
        assert_alive(&server);
    }
    // A URL over the limit but within what the connection reads: the API's 414.
    let url = format!(
        "/api/v1/search?q={}",
        "care+".repeat(limits.max_uri / 5 + 10)
    );
    let answer = server.get(&url);
    assert_eq!(answer.status, 414);
    assert_eq!(answer.json()["error"]["kind"], "uri_too_long");
    assert_alive(&server);
}

#[test]
fn an_oversized_body_is_413() {
    let server = Server::shared(Limits {
        max_body: 1024,
        ..quick()
    });
    let body = json!({"query": "care ".repeat(1000)}).to_string();
    let request = format!(
        "POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = server.exchange(request.as_bytes()).expect("an answer");
    assert_eq!(answer.status, 413, "{}", answer.text());
    assert_eq!(answer.json()["error"]["kind"], "too_large");
    // Chunked, without a length.
    let chunks: String = body
        .as_bytes()
        .chunks(256)
        .map(|c| format!("{:x}\r\n{}\r\n", c.len(), String::from_utf8_lossy(c)))
        .collect();
    let request = format!(
        "POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunks}0\r\n\r\n"
    );
    let answer = server.exchange(request.as_bytes()).expect("an answer");
    assert_eq!(answer.status, 413, "{}", answer.text());
    assert_eq!(answer.json()["error"]["kind"], "too_large");
    assert_alive(&server);
}

// ---------------------------------------------------------------------------------------------
// Slow clients
// ---------------------------------------------------------------------------------------------

/// Reads until the server closes the connection, within a generous bound: what it sent.
fn closed_within(stream: &mut TcpStream, bound: Duration, what: &str) -> Vec<u8> {
    let started = Instant::now();
    stream.set_read_timeout(Some(bound)).expect("read timeout");
    let mut out = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buffer[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("{what}: still open after {:?}", started.elapsed())
            }
            Err(_) => break,
        }
        assert!(
            started.elapsed() < bound,
            "{what}: still open after {bound:?}"
        );
    }
    out
}

#[test]
fn a_client_that_stalls_in_its_headers_is_cut_off() {
    let server = Server::shared(quick());
    let bound = Duration::from_secs(10);
    // Half its headers, then nothing.
    let mut stream = server.connect();
    stream
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        .expect("write");
    let sent = closed_within(&mut stream, bound, "half the headers");
    if let Some(answer) = RawAnswer::parse(&sent) {
        assert_eq!(answer.status, 408, "{}", answer.text());
    }
    // Nothing at all.
    let mut stream = server.connect();
    closed_within(&mut stream, bound, "a connection that sends nothing");
    // HTTP/2's preface (prior knowledge), then nothing: the server speaks HTTP/1.1, whose
    // limits it applies.
    let mut stream = server.connect();
    stream
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .expect("write");
    closed_within(&mut stream, bound, "an HTTP/2 preface");
    // Idle after one answer (keep-alive).
    let mut stream = server.connect();
    stream
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("write");
    assert_eq!(read_one(&mut stream).status, 200);
    closed_within(&mut stream, bound, "an idle kept-alive connection");
    assert_alive(&server);
}

#[test]
fn a_client_that_trickles_its_headers_is_cut_off() {
    let server = Server::shared(quick());
    let mut stream = server.connect();
    let started = Instant::now();
    let head = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    // A byte every 200 ms: the whole head would take 20 s.
    for byte in head {
        if stream.write_all(&[*byte]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
        if started.elapsed() > Duration::from_secs(10) {
            panic!("the server still reads a head it has had for 10 s");
        }
    }
    let sent = closed_within(&mut stream, Duration::from_secs(10), "trickled headers");
    if let Some(answer) = RawAnswer::parse(&sent) {
        assert_ne!(answer.status, 200, "the trickled request was served");
    }
    assert_alive(&server);
}

#[test]
fn a_client_that_stalls_or_trickles_its_body_is_cut_off() {
    let server = Server::shared(quick());
    let bound = Duration::from_secs(10);
    let body = br#"{"query": "care", "limit": 1}"#;
    let head = format!(
        "POST /api/v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    // Half the body, then nothing.
    let mut stream = server.connect();
    stream.write_all(head.as_bytes()).expect("write");
    stream.write_all(&body[..10]).expect("write");
    let sent = closed_within(&mut stream, bound, "half a body");
    if let Some(answer) = RawAnswer::parse(&sent) {
        assert!((400..500).contains(&answer.status), "{}", answer.status);
        assert!(
            answer.json()["error"]["kind"].is_string(),
            "{}",
            answer.text()
        );
    }
    // A byte every 300 ms: the body would take 9 s, the client has 1. The server must answer
    // (or close) before the last byte.
    let mut stream = server.connect();
    stream.write_all(head.as_bytes()).expect("write");
    let started = Instant::now();
    let mut cut = false;
    for byte in &body[..body.len() - 1] {
        if stream.write_all(&[*byte]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
        // Has the server answered or closed?
        stream.set_nonblocking(true).expect("nonblocking");
        let mut peek = [0u8; 1];
        let answered = match stream.peek(&mut peek) {
            Ok(_) => true,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
        };
        stream.set_nonblocking(false).expect("blocking");
        if answered {
            cut = true;
            break;
        }
    }
    assert!(
        cut,
        "the server waited {:?} for a body it should have had whole in {:?}",
        started.elapsed(),
        quick().client_timeout
    );
    let sent = closed_within(&mut stream, bound, "a trickled body");
    if let Some(answer) = RawAnswer::parse(&sent) {
        assert!((400..500).contains(&answer.status), "{}", answer.text());
        assert!(
            answer.json()["error"]["kind"].is_string(),
            "{}",
            answer.text()
        );
    }
    assert_alive(&server);
}

// ---------------------------------------------------------------------------------------------
// Path traversal
// ---------------------------------------------------------------------------------------------

#[test]
fn paths_never_reach_files() {
    let server = Server::shared(quick());
    // The assets are served, by name only.
    assert_eq!(server.get("/assets/style.css").status, 200);
    for path in [
        "/../../etc/passwd",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/..%2F..%2F..%2F..%2FCargo.toml",
        "/assets/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/%2e%2e%5c%2e%2e%5cCargo.toml",
        "/assets/..\\..\\Cargo.toml",
        "/assets/style.css%00.toml",
        "/assets/%00",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/assets/Cargo.toml",
        "/assets/lib.rs",
        "/api/v1/reports/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/reports/../../etc/passwd",
        "/api/v1/reports/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/api/v1/reports/%00",
        "/api/v1/reports/%00%00%00",
        "/api/v1/reports/..%00/passwd",
        "/api/v1/reports/%FF%FE",
        "/reports/..%2F..%2Fetc%2Fpasswd",
        "/reports/%00",
        "/api/v1/../../etc/passwd",
        "/api/v1/%2e%2e/%2e%2e/Cargo.toml",
        "//etc/passwd",
        "/etc/passwd",
        "/Cargo.toml",
        "/crates/server/Cargo.toml",
        "/.git/config",
        "/api/v1/export?q=care&format=..%2F..%2Fetc%2Fpasswd",
    ] {
        let answer = server.get(path);
        assert!(
            [400, 404].contains(&answer.status),
            "{path}: {} {}",
            answer.status,
            answer.text().chars().take(200).collect::<String>()
        );
        let text = answer.text();
        for secret in [
            "root:",
            "[package]",
            "[dependencies]",
            "[workspace]",
            "[core]",
            "ofsearch-server",
        ] {
            assert!(!text.contains(secret), "{path} shows a file: {secret}");
        }
        if path.starts_with("/api/") {
            assert!(answer.json()["error"]["kind"].is_string(), "{path}: {text}");
        }
    }
    assert_alive(&server);
}

// ---------------------------------------------------------------------------------------------
// Deep queries
// ---------------------------------------------------------------------------------------------

#[test]
fn deeply_nested_queries_are_refused_and_the_server_goes_on() {
    let server = Server::shared(quick());
    let brackets = |depth: usize| format!("{}care{}", "(".repeat(depth), ")".repeat(depth));
    let nots = |depth: usize| format!("{}care", "NOT ".repeat(depth));
    let post = |query: &str, lenient: bool| -> RawAnswer {
        let body = json!({"query": query, "lenient": lenient}).to_string();
        let request = format!(
            "POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        server.exchange(request.as_bytes()).expect("an answer")
    };
    // 10,000 deep, in a body (a URL that long is refused for its length).
    for query in [
        brackets(10_000),
        nots(10_000),
        "(".repeat(10_000),
        "NOT ".repeat(10_000),
    ] {
        let answer = post(&query, false);
        assert_eq!(answer.status, 400, "{}", answer.text());
        assert_eq!(answer.json()["error"]["kind"], "syntax");
        assert!(answer.json()["error"]["column"].is_u64());
        // A search box reads it as words, or not at all, but answers.
        let answer = post(&query, true);
        assert!(
            [200, 400].contains(&answer.status),
            "lenient: {}",
            answer.text()
        );
        assert_alive(&server);
    }
    // As deep as a URL can hold, on every route that reads a query.
    let id = fixture().searcher.reports().expect("reports")[0]["report_id"]
        .as_str()
        .expect("id")
        .to_string();
    for query in [
        brackets(990),
        nots(1_990 / 4),
        format!("{}care", "-(".repeat(600)),
    ] {
        let q = enc(&query);
        for route in ["search", "kwic", "trend", "compare", "export"] {
            let answer = server.get(&format!("/api/v1/{route}?q={q}"));
            assert_eq!(answer.status, 400, "{route}: {}", answer.text());
            assert_eq!(answer.json()["error"]["kind"], "syntax", "{route}");
        }
        let answer = server.get(&format!("/api/v1/reports/{id}?q={q}"));
        assert_eq!(answer.status, 400, "{}", answer.text());
        // The page reads it leniently, or says what is wrong: never a fault.
        for page in ["/", "/kwic", "/trend", "/compare"] {
            let answer = server.get(&format!("{page}?q={q}"));
            assert!(answer.status < 500, "{page}: {}", answer.status);
        }
        assert_alive(&server);
    }
}

// ---------------------------------------------------------------------------------------------
// The index changing under the server
// ---------------------------------------------------------------------------------------------

#[test]
fn a_reindex_is_picked_up_while_searches_go_on() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let index = dir.path().join("idx");
    common::index_files(&common::report_files(1..=6), &index);
    let before = Searcher::open(&index).expect("open").documents();
    let server = Arc::new(Server::start(
        &index,
        Limits {
            refresh_every: Duration::from_millis(100),
            ..quick()
        },
        true,
    ));
    let first = server.get("/api/v1/health").json();
    assert_eq!(first["documents"], json!(before));

    let stop = Arc::new(AtomicBool::new(false));
    let client = {
        let (server, stop) = (server.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut totals: Vec<u64> = Vec::new();
            while !stop.load(Ordering::SeqCst) || totals.is_empty() {
                let answer = server.get("/api/v1/search?q=care&limit=3");
                assert_eq!(answer.status, 200, "{}", answer.text());
                let total = answer.json()["total"].as_u64().expect("total");
                if let Some(&last) = totals.last() {
                    assert!(total >= last, "the total went down: {last} then {total}");
                }
                totals.push(total);
                let answer = server.get("/api/v1/kwic?q=neglect&limit=1");
                assert_eq!(answer.status, 200, "{}", answer.text());
            }
            totals
        })
    };
    common::index_files(&common::report_files(7..=12), &index);
    let after = Searcher::open(&index).expect("open").documents();
    assert!(after > before);
    let started = Instant::now();
    let health = loop {
        let health = server.get("/api/v1/health").json();
        if health["documents"] == json!(after) {
            break health;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the new commit is not served: {health}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        health["generation"].as_u64() > first["generation"].as_u64(),
        "{first} then {health}"
    );
    // A few more searches on the new commit, then stop.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    let totals = client
        .join()
        .expect("every search answered 200, totals never fell");
    let newest = Searcher::open(&index)
        .expect("open")
        .search_request(&SearchRequest {
            query: "care".into(),
            ..SearchRequest::default()
        })
        .expect("search")
        .total;
    assert!(
        totals.iter().all(|&t| t <= newest),
        "{totals:?} against {newest}"
    );
    assert!(totals.len() > 1, "{totals:?}");
    let answer = server.get("/api/v1/search?q=care&limit=3");
    assert_eq!(answer.json()["total"], json!(newest));
    // The answers are the new commit's.
    let answer = server.get("/api/v1/reports");
    assert_eq!(answer.json()["total"], json!(12));
    drop(server);
}

// ---------------------------------------------------------------------------------------------
// Shutdown
// ---------------------------------------------------------------------------------------------

/// Waits until the server takes no new connections.
fn wait_until_refused(server: &Server) {
    let started = Instant::now();
    while TcpStream::connect(server.addr).is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still accepting after shutdown"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_request_in_flight_at_shutdown_gets_its_whole_answer() {
    let mut server = Server::shared(Limits {
        client_timeout: Duration::from_secs(30),
        ..Limits::default()
    });
    // The request's head is read and its handler waits for the body (hyper says 100
    // Continue when the handler first reads it).
    let body = br#"{"query": "\"care leavers\"", "limit": 5}"#;
    let mut stream = server.connect();
    stream
        .write_all(
            format!(
                "POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .expect("write");
    let mut continued = [0u8; 25];
    stream.read_exact(&mut continued).expect("100 Continue");
    assert!(
        continued.starts_with(b"HTTP/1.1 100 Continue\r\n\r\n"),
        "{:?}",
        String::from_utf8_lossy(&continued)
    );
    // A second, idle connection, which shutdown may close.
    let mut idle = server.connect();
    server.signal_shutdown();
    wait_until_refused(&server);
    // The request goes on to its end.
    stream.write_all(body).expect("write the body");
    let answer = read_one(&mut stream);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let expected = fixture()
        .searcher
        .search_request(&SearchRequest {
            query: "\"care leavers\"".into(),
            limit: 5,
            ..SearchRequest::default()
        })
        .expect("search");
    let json = answer.json();
    assert_eq!(json["total"], json!(expected.total));
    assert_eq!(json["hits"].as_array().map(Vec::len), Some(5));
    // Then the connection is closed, the idle one too, and serve returns.
    assert!(read_all(&mut stream).is_empty());
    read_all(&mut idle);
    let started = Instant::now();
    while !server.has_stopped() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve still running"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.shutdown().expect("serve returns Ok");
}

#[test]
fn an_export_streaming_at_shutdown_is_sent_whole() {
    let mut server = Server::shared(quick());
    let mut stream = server.connect();
    stream
        .write_all(b"GET /api/v1/export?q=care&format=jsonl HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("write");
    // The head and the first bytes of the body.
    let mut first = vec![0u8; 4096];
    let n = stream.read(&mut first).expect("read");
    first.truncate(n);
    assert!(
        first.starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&first)
    );
    server.signal_shutdown();
    let mut rest = read_all(&mut stream);
    first.append(&mut rest);
    let answer = RawAnswer::parse(&first).expect("an answer");
    assert!(answer.complete, "the stream ends with its last chunk");
    let lines: Vec<Value> = answer
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let total = fixture()
        .searcher
        .search_request(&SearchRequest {
            query: "care".into(),
            ..SearchRequest::default()
        })
        .expect("search")
        .total;
    assert_eq!(lines.len() as u64, total);
    server.shutdown().expect("serve returns Ok");
}

#[test]
fn an_overloaded_server_answers_503_on_the_wire() {
    let server = Server::shared(Limits {
        workers: 1,
        queue: 0,
        ..quick()
    });
    let slot = common::block_on(server.live.slot()).expect("the one slot");
    let answer = server.get("/api/v1/search?q=care");
    assert_eq!(answer.status, 503);
    assert_eq!(answer.header("retry-after"), Some("1"));
    assert_eq!(answer.json()["error"]["kind"], "overloaded");
    drop(slot);
    assert_eq!(server.get("/api/v1/search?q=care").status, 200);
}

#[test]
fn an_export_that_fails_part_way_is_cut_short_on_the_wire() {
    // An index whose stored documents are damaged: the export answers 200, then fails as
    // it reads the matches' text.
    let index = common::index_to_damage();
    let server = Server::start(index, quick(), false);
    common::damage_stores(index);
    for format in ["csv", "jsonl"] {
        let path = format!("/api/v1/export?q=care&format={format}");
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        // Cut short before even the status line left (headers still buffered when the body
        // failed and the connection was dropped) is cut short too: nothing looks whole.
        let Some(answer) = server.exchange(request.as_bytes()) else {
            assert_alive(&server);
            continue;
        };
        if answer.status == 200 {
            assert!(
                !answer.complete,
                "{format}: a failed export ends as if whole: {:?}",
                answer.text()
            );
        } else {
            assert_eq!(answer.status, 500, "{format}");
        }
        assert_alive(&server);
    }
}
