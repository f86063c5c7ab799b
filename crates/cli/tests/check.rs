//! `ofsearch check`: a healthy index exits 0 with one line ending "OK"; a damaged one exits 1
//! naming the file and saying what to do; a missing index is a one-line error (exit 2) and is
//! not built; a search on a damaged index is a one-line error naming the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const SAMPLES: &[&str] = &["000_23fc53f6df21340b.txt", "003_7425dc90808b844a.txt"];

/// A working directory with two sample reports in `in/` and their index in `idx/`.
fn indexed() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    for name in SAMPLES {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../corpus/samples")
            .join(name);
        std::fs::copy(from, input.join(name)).expect("copy");
    }
    let out = run(dir.path(), &["index", "in", "--index", "idx"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    dir
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ofsearch"))
        .args(args)
        .current_dir(cwd)
        .env_remove("OFSEARCH_INDEX")
        .output()
        .expect("run ofsearch")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 stderr")
}

/// Asserts exit code 2 and one line `ofsearch: ...` on stderr, nothing on stdout; returns it.
fn one_line_error(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(code(out), 2, "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    assert!(err.starts_with("ofsearch: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    err
}

/// The index's `.store` files, each with 64 bytes in its middle inverted.
fn damage_stores(index: &Path) -> Vec<String> {
    let mut damaged = Vec::new();
    for entry in std::fs::read_dir(index).expect("read the index") {
        let path: PathBuf = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "store") {
            let mut bytes = std::fs::read(&path).expect("read");
            let middle = bytes.len() / 2;
            for byte in &mut bytes[middle..middle + 64] {
                *byte ^= 0xff;
            }
            std::fs::write(&path, bytes).expect("damage");
            damaged.push(
                path.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    assert!(!damaged.is_empty());
    damaged
}

#[test]
fn a_healthy_index_checks_ok() {
    let dir = indexed();
    let cwd = dir.path();
    for args in [
        vec!["check", "--index", "idx"],
        vec!["--index", "idx", "check"],
    ] {
        let out = run(cwd, &args);
        assert_eq!(code(&out), 0, "{args:?}: {}{}", stdout(&out), stderr(&out));
        let said = stdout(&out);
        assert_eq!(said.lines().count(), 1, "{said}");
        assert!(said.starts_with("Index idx: "), "{said}");
        assert!(said.trim_end().ends_with(" files checked: OK"), "{said}");
        assert!(said.contains(" documents, "), "{said}");
        assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    }
}

#[test]
fn a_damaged_index_is_named_file_by_file_with_what_to_do() {
    let dir = indexed();
    let cwd = dir.path();
    let damaged = damage_stores(&cwd.join("idx"));
    let out = run(cwd, &["check", "--index", "idx"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let said = stdout(&out);
    assert!(said.starts_with("Index idx: "), "{said}");
    for file in &damaged {
        assert!(
            said.lines()
                .any(|l| l.contains(file.as_str()) && l.contains("fails its checksum")),
            "{file}: {said}"
        );
    }
    assert!(said.contains("ofsearch index --index idx"), "{said}");
    assert!(!said.contains(": OK"), "{said}");

    // A search on it: one line naming the file and the command that says more.
    let err = one_line_error(&run(cwd, &["search", "--index", "idx", "children"]));
    assert!(
        damaged.iter().any(|f| err.contains(f.as_str())),
        "{err} names none of {damaged:?}"
    );
    assert!(err.contains("ofsearch check"), "{err}");
}

#[test]
fn a_missing_index_is_an_error_and_is_not_built() {
    let dir = TempDir::new().expect("temp dir");
    let cwd = dir.path();
    let err = one_line_error(&run(cwd, &["check", "--index", "nowhere"]));
    assert!(err.contains("no index at nowhere"), "{err}");
    assert!(!cwd.join("nowhere").exists());
    // Nor the default index, even where a corpus/ folder would let other commands build it.
    std::fs::create_dir(cwd.join("corpus")).expect("mkdir");
    let err = one_line_error(&run(cwd, &["check"]));
    assert!(err.contains("no index at ofsearch-index"), "{err}");
    assert!(!cwd.join("ofsearch-index").exists());
}
