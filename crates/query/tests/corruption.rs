//! A damaged index: bytes overwritten in the middle of a segment file (postings, positions,
//! term dictionary, stored text, fast fields, field norms). `check` names the file; opening or
//! searching answers one line naming it (`QueryError::Damaged`), never a panic, and never an
//! answer that differs from the healthy index's; an index opened with `Verify::Everything`,
//! or a small one opened by `Searcher::open`, is refused at once. `check` also says when the index is unfinished, of another version,
//! without a readable `meta.json`, of another schema, or missing a file, and writes nothing.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ofsearch_indexer::{index_paths, IndexOptions};
use ofsearch_query::analysis;
use ofsearch_query::check::{check, CheckReport};
use ofsearch_query::{ErrorKind, QueryError, SearchRequest, Searcher, Verify};
use tempfile::TempDir;

/// The sample reports the test index holds.
const SAMPLES: [&str; 3] = [
    "000_23fc53f6df21340b.txt",
    "003_7425dc90808b844a.txt",
    "004_f3ae2764090c5174.txt",
];

/// The healthy index, built once (one thread: the same bytes on every run).
fn healthy() -> &'static Path {
    static BUILT: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    &BUILT
        .get_or_init(|| {
            let dir = TempDir::new().expect("temp dir");
            let index = dir.path().join("idx");
            let files: Vec<PathBuf> = SAMPLES
                .iter()
                .map(|name| common::corpus().join("samples").join(name))
                .collect();
            let options = IndexOptions {
                threads: 1,
                ..IndexOptions::default()
            };
            index_paths(&files, &index, &options).expect("index the samples");
            (dir, index)
        })
        .1
}

/// A copy of the healthy index in a directory of its own.
fn copy() -> (TempDir, PathBuf) {
    let dir = TempDir::new().expect("temp dir");
    let to = dir.path().join("idx");
    std::fs::create_dir(&to).expect("mkdir");
    for entry in std::fs::read_dir(healthy()).expect("read the index") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
    (dir, to)
}

/// The index's files whose name ends with `.ext`.
fn files_ending(index: &Path, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(index)
        .expect("read the index")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(&format!(".{ext}")))
        .collect();
    names.sort();
    names
}

/// Inverts 64 bytes in the middle of every `.ext` file of the index, in place (as a disk
/// fault would, also under a reader's memory maps); their names.
fn damage(index: &Path, ext: &str) -> Vec<String> {
    use std::io::{Seek, SeekFrom, Write};
    let names = files_ending(index, ext);
    assert!(!names.is_empty(), "no .{ext} file in {}", index.display());
    for name in &names {
        let path = index.join(name);
        let bytes = std::fs::read(&path).expect("read");
        let middle = bytes.len() / 2;
        let end = (middle + 64).min(bytes.len());
        let inverted: Vec<u8> = bytes[middle..end].iter().map(|b| b ^ 0xff).collect();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        file.seek(SeekFrom::Start(middle as u64)).expect("seek");
        file.write_all(&inverted).expect("damage");
    }
    names
}

/// The running words of the sample reports (three letters or more, lower case).
fn sample_words() -> Vec<String> {
    let mut words = Vec::new();
    for name in SAMPLES {
        let text = std::fs::read_to_string(common::corpus().join("samples").join(name))
            .expect("read a sample");
        for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
            if word.len() >= 3 {
                words.push(word.to_ascii_lowercase());
            }
        }
    }
    words
}

/// `clauses` joined by `OR` in queries of at most 1,900 characters.
fn ored(clauses: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut queries = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut length = 0;
    for clause in clauses {
        if length + clause.len() + 4 > 1900 && !current.is_empty() {
            queries.push(current.join(" OR "));
            current.clear();
            length = 0;
        }
        length += clause.len() + 4;
        current.push(clause);
    }
    queries.push(current.join(" OR "));
    queries
}

/// Queries that between them read most of the index: every word of the samples (their
/// postings and the stored text of hits), every prefix letter (the unstemmed terms), and every
/// pair of adjacent words as a phrase, stemmed and exact (every word's positions in every
/// paragraph that holds it). The first are also asked for a trend.
fn battery() -> (Vec<String>, Vec<String>) {
    let running = sample_words();
    let words: std::collections::BTreeSet<&String> = running.iter().collect();
    let mut with_trend = ored(words.iter().map(|w| w.to_string()));
    with_trend.extend(('a'..='z').map(|c| format!("{c}*")));
    let pairs: std::collections::BTreeSet<(&String, &String)> =
        running.iter().zip(running.iter().skip(1)).collect();
    let mut phrases = ored(pairs.iter().map(|(a, b)| format!("\"{a} {b}\"")));
    phrases.extend(ored(
        pairs.iter().map(|(a, b)| format!("exact:\"{a} {b}\"")),
    ));
    (with_trend, phrases)
}

/// Every answer of the battery (searches, trends, the report list) as JSON, or the error.
fn answers(searcher: &Searcher) -> Vec<Result<String, QueryError>> {
    let mut out = Vec::new();
    let (with_trend, phrases) = battery();
    for (query, trend) in with_trend
        .iter()
        .map(|q| (q, true))
        .chain(phrases.iter().map(|q| (q, false)))
    {
        let request = SearchRequest {
            query: query.clone(),
            limit: 20,
            ..SearchRequest::default()
        };
        out.push(searcher.search_request(&request).map(|mut response| {
            response.took_ms = 0.0;
            serde_json::to_string(&response).expect("json")
        }));
        if trend {
            let node = searcher.parse(&request).expect("the battery parses");
            out.push(
                analysis::trend(searcher, &request, &node, None)
                    .map(|trend| serde_json::to_string(&trend).expect("json")),
            );
        }
    }
    out.push(
        searcher
            .reports()
            .map(|reports| serde_json::to_string(&reports).expect("json")),
    );
    out
}

/// The healthy index's answers.
fn healthy_answers() -> &'static [String] {
    static ANSWERS: OnceLock<Vec<String>> = OnceLock::new();
    ANSWERS.get_or_init(|| {
        let searcher = Searcher::open(healthy()).expect("open the healthy index");
        answers(&searcher)
            .into_iter()
            .map(|a| a.expect("the healthy index answers"))
            .collect()
    })
}

/// Asserts `e` is the one-line damage error naming one of `files`, saying what to run, a fault
/// (not the request's), with no `source` repeating it.
fn assert_names_damage(e: &QueryError, files: &[String]) {
    let message = e.to_string();
    assert!(
        matches!(e, QueryError::Damaged { .. }),
        "not a damage error: {message}"
    );
    assert!(
        files.iter().any(|f| message.contains(f.as_str())),
        "{message} names none of {files:?}"
    );
    assert!(message.contains("ofsearch check"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert_eq!(e.kind(), ErrorKind::Internal);
    assert!(std::error::Error::source(e).is_none(), "{message}");
}

/// The problems of a check, one line each.
fn problems(report: &CheckReport) -> Vec<String> {
    report.problems.iter().map(|p| p.to_string()).collect()
}

/// Damage in the `.ext` files: `check` names each; an index opened with everything verified is
/// refused; opened as every command opens it, it is refused at once (`refused_at_open`), or
/// every answer of the battery is the healthy one or the damage error, and the damage is met
/// at least once.
fn damage_is_found(ext: &str, refused_at_open: bool) {
    let (_dir, index) = copy();
    let damaged = damage(&index, ext);

    let report = check(&index).expect("check runs");
    assert!(!report.is_healthy(), ".{ext}: {report:?}");
    let said = problems(&report);
    for file in &damaged {
        assert!(
            said.iter()
                .any(|p| p.contains(file.as_str()) && p.contains("checksum")),
            ".{ext}: {file} not named: {said:?}"
        );
    }
    assert_eq!(said.len(), damaged.len(), ".{ext}: {said:?}");

    match Searcher::open_with(&index, Verify::Everything) {
        Ok(_) => panic!(".{ext}: opened with everything verified"),
        Err(e) => assert_names_damage(&e, &damaged),
    }

    // A small index is verified whole by every command as it opens it.
    match Searcher::open(&index) {
        Ok(_) => panic!(".{ext}: a small index opened"),
        Err(e) => assert_names_damage(&e, &damaged),
    }

    // A large one has its structure verified: the rest is found as reading it fails.
    let searcher = match Searcher::open_with(&index, Verify::Structure) {
        Err(e) => {
            assert!(refused_at_open, ".{ext}: refused at open: {e}");
            assert_names_damage(&e, &damaged);
            return;
        }
        Ok(searcher) => searcher,
    };
    assert!(!refused_at_open, ".{ext}: opened");
    let mut met = 0;
    for (i, (answer, healthy)) in answers(&searcher)
        .into_iter()
        .zip(healthy_answers())
        .enumerate()
    {
        match answer {
            Ok(json) => assert!(&json == healthy, ".{ext}: answer {i} differs"),
            Err(e) => {
                assert_names_damage(&e, &damaged);
                met += 1;
            }
        }
    }
    assert!(met > 0, ".{ext}: the battery never met the damage");
}

#[test]
fn damaged_postings_are_found() {
    damage_is_found("idx", false);
}

#[test]
fn damaged_positions_are_found() {
    damage_is_found("pos", false);
}

#[test]
fn damaged_stored_text_is_found() {
    damage_is_found("store", false);
}

#[test]
fn a_damaged_term_dictionary_is_refused_at_open() {
    damage_is_found("term", true);
}

#[test]
fn damaged_fast_fields_are_refused_at_open() {
    damage_is_found("fast", true);
}

#[test]
fn damaged_field_norms_are_refused_at_open() {
    damage_is_found("fieldnorm", true);
}

/// Damage that comes after the index was opened, everything verified (a disk fault under a
/// server): the first failure verifies every file again and names it.
#[test]
fn damage_after_opening_is_named_at_the_first_failure() {
    let (_dir, index) = copy();
    let searcher = Searcher::open_with(&index, Verify::Everything).expect("open verified");
    let damaged = damage(&index, "store");
    let mut met = 0;
    for (answer, healthy) in answers(&searcher).into_iter().zip(healthy_answers()) {
        match answer {
            Ok(json) => assert!(&json == healthy, "an answer differs"),
            Err(e) => {
                assert_names_damage(&e, &damaged);
                met += 1;
            }
        }
    }
    assert!(met > 0, "the battery never met the damage");
}

/// Names, sizes and modification times of the directory's files.
fn listing(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .expect("read the index")
        .map(|e| {
            let e = e.expect("entry");
            let meta = e.metadata().expect("metadata");
            (
                e.file_name().to_string_lossy().into_owned(),
                meta.len(),
                meta.modified().expect("mtime"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_healthy_index_checks_ok_and_check_writes_nothing() {
    let (_dir, index) = copy();
    let before = listing(&index);
    let report = check(&index).expect("check runs");
    assert!(report.is_healthy(), "{:?}", problems(&report));
    assert_eq!(listing(&index), before, "check changed the index directory");
    let searcher = Searcher::open(&index).expect("open");
    assert_eq!(report.documents, searcher.documents());
    assert!(report.segments >= 1, "{report:?}");
    let segment_files: usize = ["idx", "pos", "term", "store", "fast", "fieldnorm"]
        .iter()
        .map(|ext| files_ending(&index, ext).len())
        .sum();
    assert_eq!(report.files_checked, segment_files, "{report:?}");
    assert_eq!(report.dir, index);
    // Opened with everything verified, the same answers.
    let verified = Searcher::open_with(&index, Verify::Everything).expect("open verified");
    let request = SearchRequest {
        query: "children".into(),
        ..SearchRequest::default()
    };
    assert_eq!(
        verified.search_request(&request).expect("search").total,
        searcher.search_request(&request).expect("search").total
    );
}

#[test]
fn a_missing_file_is_named() {
    let (_dir, index) = copy();
    let gone = files_ending(&index, "pos").remove(0);
    std::fs::remove_file(index.join(&gone)).expect("remove");
    let report = check(&index).expect("check runs");
    let said = problems(&report);
    assert!(
        said.iter()
            .any(|p| p.contains(gone.as_str()) && p.contains("missing")),
        "{said:?}"
    );
    match Searcher::open(&index) {
        Ok(_) => panic!("opened without {gone}"),
        Err(e) => {
            assert_names_damage(&e, std::slice::from_ref(&gone));
            assert!(e.to_string().contains("missing"), "{e}");
        }
    }
}

#[test]
fn check_says_what_else_is_wrong() {
    // No index at all: an error, not a report.
    let nowhere = TempDir::new().expect("temp dir");
    assert!(matches!(
        check(&nowhere.path().join("idx")),
        Err(QueryError::NoIndex(_))
    ));

    // An unfinished build.
    let (_a, index) = copy();
    std::fs::write(index.join(ofsearch_schema::UNFINISHED_FILE), "").expect("mark");
    let said = problems(&check(&index).expect("check runs")).join("\n");
    assert!(said.contains("did not finish"), "{said}");

    // Another version.
    let (_b, index) = copy();
    std::fs::write(index.join(ofsearch_schema::VERSION_FILE), "4").expect("version");
    let said = problems(&check(&index).expect("check runs")).join("\n");
    assert!(
        said.contains(ofsearch_schema::VERSION_FILE) && said.contains("'4'"),
        "{said}"
    );

    // A meta.json that does not parse.
    let (_c, index) = copy();
    std::fs::write(index.join("meta.json"), "{\"segments\": [").expect("meta");
    let report = check(&index).expect("check runs");
    let said = problems(&report).join("\n");
    assert!(said.contains("meta.json"), "{said}");
    assert!(!report.is_healthy());

    // Another schema, at this version.
    let other = TempDir::new().expect("temp dir");
    let mut builder = tantivy::schema::Schema::builder();
    builder.add_text_field("text", tantivy::schema::STRING);
    builder.add_u64_field("colour", tantivy::schema::FAST);
    let dir = tantivy::directory::MmapDirectory::open(other.path()).expect("dir");
    tantivy::Index::create(dir, builder.build(), tantivy::IndexSettings::default())
        .expect("create");
    std::fs::write(
        other.path().join(ofsearch_schema::VERSION_FILE),
        ofsearch_schema::SCHEMA_VERSION.to_string(),
    )
    .expect("version");
    let said = problems(&check(other.path()).expect("check runs")).join("\n");
    assert!(said.contains("schema"), "{said}");
    for field in ["`text`", "`colour`", "`report_id`"] {
        assert!(said.contains(field), "{field}: {said}");
    }
}

#[test]
fn every_problem_says_what_to_do() {
    let (_dir, index) = copy();
    damage(&index, "store");
    let report = check(&index).expect("check runs");
    let advice = report.advice();
    assert!(advice.contains("ofsearch index"), "{advice}");
    assert!(advice.contains(&index.display().to_string()), "{advice}");
    let healthy = check(healthy()).expect("check runs");
    assert!(healthy.is_healthy());
}
