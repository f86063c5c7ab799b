//! `ofsearch serve` as a user starts it: a named index that holds none is a one-line error (and
//! none is built there); over a built index it prints the URL to open, answers on it, warns
//! when bound beyond loopback, and on SIGTERM lets its requests finish and exits 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tempfile::TempDir;

fn ofsearch(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ofsearch"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("OFSEARCH_INDEX")
        .env_remove("RUST_LOG");
    command
}

/// A folder with one sample report indexed into `idx/`.
fn indexed() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/samples/000_23fc53f6df21340b.txt");
    std::fs::create_dir(dir.path().join("in")).expect("mkdir");
    std::fs::copy(sample, dir.path().join("in/report.txt")).expect("copy");
    let out = ofsearch(dir.path(), &["--index", "idx", "index", "in"])
        .output()
        .expect("run index");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// A running server and the lines it has printed on stderr.
struct Serving {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Serving {
    fn start(cwd: &Path, bind: &str) -> Serving {
        let mut child = ofsearch(cwd, &["--index", "idx", "serve", "--bind", bind])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Serving {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `text`.
    fn line_with(&mut self, text: &str) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!("no line with {text:?}; saw {:?}", self.seen),
            }
        }
    }

    /// The address the URL line names.
    fn address(&mut self) -> String {
        let line = self.line_with("serving");
        let start = line.find("http://").expect("a URL") + "http://".len();
        let end = line[start..].find('/').expect("URL path") + start;
        line[start..end].to_string()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` on `address`; the whole answer as text.
fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[test]
fn a_named_index_that_holds_none_is_an_error_and_none_is_built() {
    let dir = TempDir::new().expect("temp dir");
    let out = ofsearch(dir.path(), &["--index", "nowhere", "serve"])
        .output()
        .expect("run serve");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("ofsearch: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("nowhere"), "{err}");
    assert!(!dir.path().join("nowhere").exists(), "an index was built");
}

#[test]
fn serves_the_index_then_stops_on_sigterm_with_exit_0() {
    let dir = indexed();
    let mut server = Serving::start(dir.path(), "127.0.0.1:0");
    let address = server.address();
    assert!(
        !server.seen.iter().any(|l| l.contains("WARNING")),
        "{:?}",
        server.seen
    );
    let health = get(&address, "/api/v1/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"status\":\"ok\""), "{health}");
    let page = get(&address, "/?q=children");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Hartlepool"), "{page}");

    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    server.line_with("stopped");
    let status = server.child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{:?}", server.seen);
}

#[test]
fn says_loudly_when_reachable_from_other_machines() {
    let dir = indexed();
    let mut server = Serving::start(dir.path(), "0.0.0.0:0");
    let address = server.address();
    assert!(address.starts_with("127.0.0.1:"), "open it here: {address}");
    let warning = server.line_with("WARNING");
    assert!(warning.contains("other machines"), "{warning}");
}
