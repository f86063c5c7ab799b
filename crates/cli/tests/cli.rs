//! Runs the real `ofsearch` binary against temporary folders and indexes. It checks:
//! 1. `index` prints each skipped file with what and where, indexes the rest, and a second run
//!    changes neither the document count nor the `reports` rows;
//! 2. exit codes: 0 for success and for a search with matches, 1 for a search with none, 2 for
//!    errors (missing index, bad query, bad arguments), each error one line `ofsearch: ...`;
//! 3. `--index` before or after the subcommand, `OFSEARCH_INDEX`, the flag winning over the
//!    variable, an empty variable meaning unset, `./ofsearch-index` as the default;
//! 4. the JSON contracts of `reports --format json`, `search --format json` and `index --json`;
//! 5. the phrase cut by a page break in the 2013 Hartlepool sample is found through `search`;
//! 6. `search` builds a missing index from `./corpus` first, as the README says;
//! 7. plain words: the stop words left out and the partial matches are said, partial hits are
//!    marked, `--all-words` and a written `AND` list none, and `--explain` gives each hit's
//!    signals adding up to its score.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

const SAMPLES: &[&str] = &[
    "000_23fc53f6df21340b.txt",
    "003_7425dc90808b844a.txt",
    "004_f3ae2764090c5174.txt",
];
const PAGE_BREAK_PHRASE: &str = "Good communication between the out of hours and day time services";

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/samples")
        .join(name)
}

/// A temporary working directory with the samples in `in/`.
fn workdir() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    for name in SAMPLES {
        std::fs::copy(sample(name), input.join(name)).expect("copy");
    }
    dir
}

/// Runs `ofsearch args` in `cwd` with `OFSEARCH_INDEX` unset, then `vars` set.
fn run_with(cwd: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ofsearch"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("OFSEARCH_INDEX");
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().expect("run ofsearch")
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    run_with(cwd, args, &[])
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

/// Asserts `out` failed with exit code 2 and one line `ofsearch: ...` on stderr; returns it.
fn one_line_error(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(code(out), 2, "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    assert!(err.starts_with("ofsearch: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    err.trim_end().to_string()
}

fn json(out: &Output) -> Value {
    assert_eq!(code(out), 0, "stderr: {}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Indexes `in/` into `idx/` and returns the summary's stdout.
fn index(cwd: &Path) -> String {
    let out = run(cwd, &["index", "in", "--index", "idx"]);
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    stdout(&out)
}

fn documents_line(summary: &str) -> &str {
    summary
        .lines()
        .find(|l| l.starts_with("The index now holds"))
        .expect("documents line")
}

#[test]
fn index_lists_skipped_files_and_a_second_run_changes_nothing() {
    let dir = workdir();
    let cwd = dir.path();
    std::fs::write(cwd.join("in/empty.txt"), b"").expect("write");
    std::fs::write(cwd.join("in/latin1.txt"), b"Borough \xe9 council\n").expect("write");
    std::fs::write(cwd.join("in/scan.pdf"), b"%PDF-1.4").expect("write");
    std::fs::write(cwd.join("in/notes.docx"), b"PK\x03\x04").expect("write");

    let first = index(cwd);
    assert!(first.starts_with("Indexed 3 reports, "), "{first}");
    assert!(first.contains("Skipped 3 files:\n"), "{first}");
    assert!(first.contains("\n  in/empty.txt: empty file\n"), "{first}");
    assert!(
        first.contains(
            "\n  in/latin1.txt: not UTF-8 text (invalid byte 0xE9 at offset 8, line 1)\n"
        ),
        "{first}"
    );
    // A PDF that cannot be read says why; other extensions are passed over.
    assert!(first.contains("\n  in/scan.pdf: "), "{first}");
    assert!(!first.contains("notes.docx"), "{first}");
    let reports_before = json(&run(
        cwd,
        &["reports", "--index", "idx", "--format", "json"],
    ));

    let second = index(cwd);
    assert_eq!(documents_line(&second), documents_line(&first));
    let reports_after = json(&run(
        cwd,
        &["reports", "--index", "idx", "--format", "json"],
    ));
    assert_eq!(reports_after, reports_before);
    assert_eq!(reports_after.as_array().map(Vec::len), Some(3));
}

#[test]
fn index_json_summary() {
    let dir = workdir();
    let cwd = dir.path();
    std::fs::write(cwd.join("in/empty.md"), b"\n").expect("write");
    let summary = json(&run(cwd, &["index", "in", "--index", "idx", "--json"]));
    assert_eq!(summary["reports"], 3);
    assert_eq!(summary["reports_by_type"]["sif"], 1);
    let paragraphs = summary["paragraphs"].as_u64().expect("paragraphs");
    assert_eq!(summary["documents_in_index"], paragraphs + 3);
    assert_eq!(
        summary["skipped"],
        serde_json::json!([["in/empty.md", "empty file"]])
    );
}

#[test]
fn index_errors_are_one_line() {
    let dir = workdir();
    let cwd = dir.path();
    std::fs::create_dir(cwd.join("notes")).expect("mkdir");
    std::fs::write(cwd.join("notes/todo.txt"), b"keep").expect("write");
    let err = one_line_error(&run(cwd, &["index", "in", "--index", "notes"]));
    assert!(err.contains("notes is not an ofsearch index"), "{err}");
    assert!(cwd.join("notes/todo.txt").exists());

    // A missing input is a skipped line, the rest is indexed.
    let out = run(cwd, &["index", "in", "missing.txt", "--index", "idx"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(
        summary.contains("Skipped 1 file:\n  missing.txt: no such file or directory\n"),
        "{summary}"
    );
}

#[test]
fn the_top_level_help_names_every_command_with_examples() {
    let dir = TempDir::new().expect("temp dir");
    let out = run(dir.path(), &["--help"]);
    assert_eq!(code(&out), 0);
    let help = stdout(&out);
    for command in [
        "index", "remove", "names", "reports", "search", "export", "kwic", "trend", "compare",
        "check", "serve",
    ] {
        assert!(
            help.contains(&format!("\n  {command} ")),
            "{command}: {help}"
        );
    }
    assert!(help.contains("Examples:"), "{help}");
    for example in [
        "index", "search", "kwic", "trend", "compare", "names", "serve",
    ] {
        assert!(
            help.contains(&format!("\n  ofsearch {example} ")),
            "{example}: {help}"
        );
    }
}

#[test]
fn an_index_run_that_indexes_nothing_fails() {
    let dir = workdir();
    let cwd = dir.path();
    std::fs::create_dir(cwd.join("empty")).expect("mkdir");
    for input in ["missing", "empty"] {
        let out = run(cwd, &["index", input, "--index", "idx"]);
        assert_eq!(code(&out), 1, "{input}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with("ofsearch: no report was indexed"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            stdout(&out).starts_with("Indexed 0 reports"),
            "{}",
            stdout(&out)
        );
    }
    assert!(stdout(&run(cwd, &["index", "missing", "--index", "idx"]))
        .contains("Skipped 1 file:\n  missing: no such file or directory\n"));
    // One report is "1 report"; a run over reports already indexed succeeds.
    let one = run(
        cwd,
        &["index", "in/000_23fc53f6df21340b.txt", "--index", "idx"],
    );
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    assert!(
        stdout(&one).starts_with("Indexed 1 report, "),
        "{}",
        stdout(&one)
    );
    let again = run(
        cwd,
        &["index", "in/000_23fc53f6df21340b.txt", "--index", "idx"],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
}

#[test]
fn a_missing_index_is_a_one_line_error() {
    let dir = TempDir::new().expect("temp dir");
    let cwd = dir.path();
    let err = one_line_error(&run(cwd, &["reports", "--index", "nowhere"]));
    assert!(err.contains("no index at nowhere"), "{err}");
    // The default index directory is named when no --index or OFSEARCH_INDEX is given.
    let err = one_line_error(&run(cwd, &["reports"]));
    assert!(err.contains("no index at ofsearch-index"), "{err}");
    let err = one_line_error(&run_with(
        cwd,
        &["reports", "--format", "json"],
        &[("OFSEARCH_INDEX", "from-env")],
    ));
    assert!(err.contains("no index at from-env"), "{err}");
}

#[test]
fn search_exit_codes() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);

    let found = run(cwd, &["search", "--index", "idx", "communication"]);
    assert_eq!(code(&found), 0, "{}", stderr(&found));
    assert!(stdout(&found).contains("matching paragraphs"));

    let one = run(
        cwd,
        &[
            "search",
            "--index",
            "idx",
            "\"Good communication between the out of hours and day time services\"",
        ],
    );
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    assert!(
        stdout(&one).starts_with(
            "1 matching paragraph in 1 report for: \"Good communication between the out of \
             hours and day time services\" (showing 1, "
        ),
        "{}",
        stdout(&one)
    );

    let none = run(cwd, &["search", "--index", "idx", "xylophone"]);
    assert_eq!(code(&none), 1, "{}", stderr(&none));
    assert!(stdout(&none).starts_with("0 matching paragraphs"));
    assert!(none.stderr.is_empty());

    let none_json = run(
        cwd,
        &["search", "--index", "idx", "--format", "json", "xylophone"],
    );
    assert_eq!(code(&none_json), 1);
    let results: Value = serde_json::from_slice(&none_json.stdout).expect("JSON");
    assert_eq!(results["total"], 0);
    assert_eq!(results["hits"], serde_json::json!([]));

    for query in ["\"unclosed phrase", "(children", "nosuchfield:x"] {
        let err = one_line_error(&run(cwd, &["search", "--index", "idx", query]));
        assert!(err.starts_with("ofsearch: query does not parse: "), "{err}");
    }

    // A query that starts with an exclusion is a query, not a flag.
    let excluded = run(cwd, &["search", "-fostering children", "--index", "idx"]);
    assert_eq!(code(&excluded), 0, "{}", stderr(&excluded));
    assert!(
        stdout(&excluded).contains("for: -fostering children"),
        "{}",
        stdout(&excluded)
    );

    // Bad arguments are errors too (clap's own message).
    let bad = run(
        cwd,
        &["search", "--index", "idx", "--limit", "many", "care"],
    );
    assert_eq!(code(&bad), 2);
    let bad = run(cwd, &["frobnicate"]);
    assert_eq!(code(&bad), 2);
}

/// Flags at their edges: a weight that is not a finite number of 0 or more is a one-line
/// error; a page far beyond the index is empty, not a panic or an abort; a year range open on
/// both sides means any year.
#[test]
fn flags_and_ranges_at_their_edges() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    for weight in ["inf", "NaN", "-1"] {
        for flag in ["--boost-section", "--boost-proximity"] {
            let arg = format!("{flag}={weight}");
            let out = run(cwd, &["search", "--index", "idx", "communication", &arg]);
            let err = one_line_error(&out);
            assert!(err.contains("weight"), "{arg}: {err}");
        }
    }
    for (offset, limit) in [
        ("0", "1500000000"),
        ("1500000000", "10"),
        ("0", "18446744073709551615"),
    ] {
        let out = run(
            cwd,
            &[
                "search",
                "--index",
                "idx",
                "communication",
                "--offset",
                offset,
                "--limit",
                limit,
                "--format",
                "json",
            ],
        );
        assert!(
            [0, 1].contains(&code(&out)),
            "offset {offset} limit {limit}: {}",
            stderr(&out)
        );
        let answer: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert!(answer["total"].as_u64() > Some(0));
    }
    for (args, said) in [
        (
            &["index", "in", "--index", "idx2", "--threads", "100000"][..],
            "threads",
        ),
        (
            &[
                "index",
                "in",
                "--index",
                "idx2",
                "--memory-mb",
                "18446744073709551615",
            ],
            "memory",
        ),
        (
            &[
                "serve",
                "--index",
                "idx",
                "--workers",
                "18446744073709551615",
            ],
            "workers",
        ),
        (
            &["serve", "--index", "idx", "--queue", "18446744073709551615"],
            "queue",
        ),
    ] {
        let err = one_line_error(&run(cwd, args));
        assert!(err.contains(said), "{args:?}: {err}");
    }
    assert!(!cwd.join("idx2").exists());
    let any = json(&run(
        cwd,
        &[
            "search",
            "--index",
            "idx",
            "communication year:[* TO *]",
            "--format",
            "json",
        ],
    ));
    let all = json(&run(
        cwd,
        &[
            "search",
            "--index",
            "idx",
            "communication",
            "--format",
            "json",
        ],
    ));
    assert_eq!(any["total"], all["total"]);
}

#[test]
fn index_flag_placement_and_environment() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    let count = |out: &Output| json(out).as_array().map(Vec::len);

    assert_eq!(
        count(&run(
            cwd,
            &["--index", "idx", "reports", "--format", "json"]
        )),
        Some(3)
    );
    assert_eq!(
        count(&run(
            cwd,
            &["reports", "--format", "json", "--index", "idx"]
        )),
        Some(3)
    );
    assert_eq!(
        count(&run_with(
            cwd,
            &["reports", "--format", "json"],
            &[("OFSEARCH_INDEX", "idx")]
        )),
        Some(3)
    );
    // The flag wins over the variable.
    assert_eq!(
        count(&run_with(
            cwd,
            &["reports", "--format", "json", "--index", "idx"],
            &[("OFSEARCH_INDEX", "elsewhere")]
        )),
        Some(3)
    );
    let searched = run(cwd, &["search", "care", "--index", "idx", "--limit", "2"]);
    assert_eq!(code(&searched), 0, "{}", stderr(&searched));

    // An empty variable is unset: the default ./ofsearch-index is used.
    let out = run_with(cwd, &["reports"], &[("OFSEARCH_INDEX", "")]);
    let err = one_line_error(&out);
    assert!(err.contains("no index at ofsearch-index"), "{err}");
    std::fs::rename(cwd.join("idx"), cwd.join("ofsearch-index")).expect("rename");
    assert_eq!(
        count(&run_with(
            cwd,
            &["reports", "--format", "json"],
            &[("OFSEARCH_INDEX", "")]
        )),
        Some(3)
    );
}

#[test]
fn names_lists_authorities_regions_types_and_editions_with_counts() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    let out = run(cwd, &["names", "--index", "idx"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for heading in ["Authorities", "Regions", "Report types", "Editions"] {
        assert!(text.contains(&format!("{heading} (")), "{heading}: {text}");
    }
    assert!(text.contains("Hartlepool"), "{text}");
    assert!(text.contains("E06000001"), "{text}");
    assert!(text.contains("North East"), "{text}");
    let listed = json(&run(cwd, &["names", "--index", "idx", "--format", "json"]));
    assert_keys(&listed, &["authorities", "regions", "types", "editions"]);
    let reports: u64 = listed["types"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| t["count"].as_u64().expect("count"))
        .sum();
    assert_eq!(reports, 3);
    // Every name listed is one a filter takes.
    for authority in listed["authorities"].as_array().expect("authorities") {
        let name = authority["display"].as_str().expect("display");
        let out = run(
            cwd,
            &["search", "children", "--index", "idx", "--authority", name],
        );
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
    }
}

#[test]
fn reports_lists_one_short_line_per_report_with_its_source_and_takes_filters() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    let out = run(cwd, &["reports", "--index", "idx"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("report_id "), "{table}");
    assert!(lines[0].ends_with("source"), "{table}");
    assert_eq!(lines.last(), Some(&"3 reports"));
    for line in &lines[1..lines.len() - 1] {
        assert!(line.contains(" in/"), "{line}");
        assert!(
            line.chars().count() <= 140,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    let listed = |args: &[&str]| {
        let mut all = vec!["reports", "--index", "idx", "--format", "json"];
        all.extend_from_slice(args);
        json(&run(cwd, &all)).as_array().map(Vec::len)
    };
    assert_eq!(
        listed(&["--authority", "Hartlepool Borough Council"]),
        Some(3)
    );
    assert_eq!(listed(&["--year", "2013"]), Some(1));
    assert_eq!(listed(&["--year", "2010-", "--type", "sif"]), Some(1));
    assert_eq!(listed(&["--edition", "sif+lscb"]), Some(1));
    let err = one_line_error(&run(
        cwd,
        &["reports", "--index", "idx", "--authority", "Hartlepol"],
    ));
    assert!(err.contains("did you mean Hartlepool"), "{err}");
}

fn assert_keys(value: &Value, keys: &[&str]) {
    let object = value.as_object().expect("JSON object");
    for key in keys {
        assert!(object.contains_key(*key), "no '{key}' in {value}");
    }
}

fn is_date_or_null(v: &Value) -> bool {
    v.is_null()
        || v.as_str()
            .is_some_and(|s| s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-')
}

#[test]
fn reports_json_contract() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    let reports = json(&run(
        cwd,
        &["reports", "--index", "idx", "--format", "json"],
    ));
    let reports = reports.as_array().expect("array");
    assert_eq!(reports.len(), 3);
    for r in reports {
        assert_keys(
            r,
            &[
                "report_id",
                "source",
                "authority",
                "authority_code",
                "report_type",
                "inspection_start",
                "inspection_end",
                "published",
                "year",
                "overall_grade",
                "judgements",
                "paragraphs",
            ],
        );
        let id = r["report_id"].as_str().expect("report_id");
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(r["source"].as_str().expect("source").starts_with("in/"));
        assert!(r["paragraphs"].as_u64().expect("paragraphs") > 0);
        assert!(r["year"].is_u64() || r["year"].is_null());
        for date in ["inspection_start", "inspection_end", "published"] {
            assert!(is_date_or_null(&r[date]), "{date}: {}", r[date]);
        }
        for j in r["judgements"].as_array().expect("judgements") {
            assert_keys(j, &["area", "area_canonical", "grade", "grade_printed"]);
        }
    }
    let sif = reports
        .iter()
        .find(|r| r["report_type"] == "sif")
        .expect("sif");
    assert_eq!(sif["authority"], "Hartlepool");
    assert_eq!(sif["authority_code"], "E06000001");
    assert_eq!(sif["inspection_start"], "2013-11-19");
    assert_eq!(sif["inspection_end"], "2013-12-11");
    assert_eq!(sif["year"], 2013);
    assert_eq!(sif["overall_grade"], "good");
    assert!(sif["judgements"]
        .as_array()
        .expect("judgements")
        .iter()
        .any(|j| j["area_canonical"] == "help-and-protection" && j["grade"] == "good"));

    let table = run(cwd, &["reports", "--index", "idx"]);
    assert_eq!(code(&table), 0);
    assert!(stdout(&table).ends_with("3 reports\n"));
}

#[test]
fn search_json_contract_and_the_page_break_phrase() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    let query = format!("\"{PAGE_BREAK_PHRASE}\"");
    let results = json(&run(
        cwd,
        &["search", &query, "--index", "idx", "--format", "json"],
    ));
    assert_eq!(results["query"], query.as_str());
    assert_eq!(results["total"], 1);
    let hits = results["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_keys(
        hit,
        &[
            "score",
            "report_id",
            "authority",
            "authority_code",
            "report_type",
            "year",
            "area",
            "area_canonical",
            "grade",
            "grade_printed",
            "kind",
            "section",
            "paragraph_number",
            "text",
            "source",
        ],
    );
    assert!(hit["score"].as_f64().expect("score") > 0.0);
    assert_eq!(hit["authority"], "Hartlepool");
    assert_eq!(hit["authority_code"], "E06000001");
    assert_eq!(hit["report_type"], "sif");
    assert_eq!(hit["year"], 2013);
    assert_eq!(hit["area_canonical"], "help-and-protection");
    assert_eq!(hit["grade"], "good");
    assert_eq!(hit["kind"], "judgement");
    assert!(hit["paragraph_number"].is_null() || hit["paragraph_number"].is_string());
    let text = hit["text"].as_str().expect("text");
    assert!(text.contains(PAGE_BREAK_PHRASE), "{text}");
    assert_keys(&hit["source"], &["path", "line"]);
    assert_eq!(hit["source"]["path"], "in/003_7425dc90808b844a.txt");
    assert_eq!(hit["source"]["line"], 192);

    // The hit's report is one of the listed reports.
    let reports = json(&run(
        cwd,
        &["reports", "--index", "idx", "--format", "json"],
    ));
    assert!(reports
        .as_array()
        .expect("array")
        .iter()
        .any(|r| r["report_id"] == hit["report_id"]));

    // --limit bounds the hits, not the total.
    let limited = json(&run(
        cwd,
        &[
            "search", "children", "--limit", "2", "--index", "idx", "--format", "json",
        ],
    ));
    assert_eq!(limited["hits"].as_array().map(Vec::len), Some(2));
    assert!(limited["total"].as_u64().expect("total") > 2);
}

#[test]
fn search_builds_a_missing_index_from_the_corpus_folder() {
    let dir = TempDir::new().expect("temp dir");
    let cwd = dir.path();
    std::fs::create_dir(cwd.join("corpus")).expect("mkdir");
    std::fs::copy(sample(SAMPLES[2]), cwd.join("corpus").join(SAMPLES[2])).expect("copy");

    let out = run(cwd, &["search", "Hartlepool"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out)
            .starts_with("ofsearch: no index at ofsearch-index; building it from corpus first"),
        "{}",
        stderr(&out)
    );
    assert!(cwd.join("ofsearch-index/meta.json").exists());
    // Once built, it is reused silently.
    let again = run(cwd, &["search", "Hartlepool"]);
    assert_eq!(code(&again), 0);
    assert!(again.stderr.is_empty(), "{}", stderr(&again));

    // Only the default location is built: a named directory with no index in it is a
    // mistyped name, not a cue to answer from the bundled corpus.
    for command in ["search", "export", "kwic", "trend", "compare"] {
        let mut args = vec![command, "Hartlepool", "--index", "fresh"];
        if command == "compare" {
            args.extend(["--by", "grade"]);
        }
        let err = one_line_error(&run(cwd, &args));
        assert!(err.contains("no index at fresh"), "{command}: {err}");
        assert!(!cwd.join("fresh").exists(), "{command}");
        let err = one_line_error(&run_with(
            cwd,
            &[command, "Hartlepool"],
            &[("OFSEARCH_INDEX", "fresh")],
        ));
        assert!(err.contains("no index at fresh"), "{command}: {err}");
        assert!(!cwd.join("fresh").exists(), "{command}");
    }

    // A first build that did not finish is built again, and says why.
    std::fs::remove_dir_all(cwd.join("ofsearch-index")).expect("remove");
    std::fs::create_dir(cwd.join("ofsearch-index")).expect("mkdir");
    std::fs::write(cwd.join("ofsearch-index/ofsearch-unfinished"), "").expect("marker");
    let reports = run(cwd, &["reports"]);
    let err = one_line_error(&reports);
    assert!(err.contains("did not finish"), "{err}");
    let out = run(cwd, &["search", "Hartlepool"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "ofsearch: the last indexing run did not finish at ofsearch-index; building it"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!cwd.join("ofsearch-index/ofsearch-unfinished").exists());
    let again = run(cwd, &["search", "Hartlepool"]);
    assert!(again.stderr.is_empty(), "{}", stderr(&again));
}

#[test]
fn search_flags_formats_facets_and_export() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    let search = |args: &[&str]| {
        let mut all = vec!["search", "--index", "idx"];
        all.extend_from_slice(args);
        run(cwd, &all)
    };

    // The JSON response carries the contract's top-level fields, snippets and citations.
    let response = json(&search(&["children", "--format", "json"]));
    assert_keys(
        &response,
        &["query", "total", "reports", "took_ms", "hits", "facets"],
    );
    let hit = &response["hits"][0];
    assert!(hit["snippet"].as_str().expect("snippet").contains("<mark>"));
    assert!(hit["citation"]
        .as_str()
        .expect("citation")
        .starts_with("Ofsted, "));
    let years = response["facets"]["year"].as_array().expect("year facet");
    let total: u64 = years.iter().map(|v| v["count"].as_u64().unwrap_or(0)).sum();
    assert_eq!(total, response["total"].as_u64().expect("total"));

    // A flag filter gives the facet's count, values of one flag OR'ed.
    let y2013 = years
        .iter()
        .find(|v| v["value"] == "2013")
        .expect("2013 in facets");
    let filtered = json(&search(&["children", "--year", "2013", "--format", "json"]));
    assert_eq!(filtered["total"], y2013["count"]);
    let either = json(&search(&[
        "children", "--year", "2013", "--year", "2011", "--format", "json",
    ]));
    assert!(either["total"].as_u64() > filtered["total"].as_u64());
    let in_query = json(&search(&["children year:2013", "--format", "json"]));
    assert_eq!(in_query["total"], filtered["total"]);

    // An unknown filter value is a one-line error naming it.
    let err = one_line_error(&search(&["children", "--grade", "excellent"]));
    assert!(err.contains("excellent"), "{err}");

    // jsonl and csv: one hit per line / row.
    let jsonl = search(&["children", "--limit", "3", "--format", "jsonl"]);
    assert_eq!(stdout(&jsonl).lines().count(), 3);
    let csv = search(&["children", "--limit", "3", "--format", "csv"]);
    assert!(stdout(&csv).starts_with("citation,reference,authority,"));
    // Grouped by report, each row says how many of its report's paragraphs match.
    let grouped = search(&["children", "--group-by", "report", "--format", "csv"]);
    let mut rows = csv::Reader::from_reader(grouped.stdout.as_slice());
    let header = rows.headers().expect("header").clone();
    assert_eq!(header.iter().next_back(), Some("report_matches"));
    let counts: Vec<u64> = rows
        .records()
        .map(|r| r.expect("row")[header.len() - 1].parse().expect("a count"))
        .collect();
    assert!(
        !counts.is_empty() && counts.iter().all(|&n| n >= 1),
        "{counts:?}"
    );

    // Export streams every match, not a page.
    let export = run(
        cwd,
        &["export", "children", "--index", "idx", "--format", "jsonl"],
    );
    assert_eq!(code(&export), 0);
    assert_eq!(
        stdout(&export).lines().count() as u64,
        response["total"].as_u64().expect("total")
    );
    let none = run(cwd, &["export", "xylophone", "--index", "idx"]);
    assert_eq!(code(&none), 1);
}

#[test]
fn kwic_trend_and_compare() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    // The three samples: "neglect" occurs 7 times in the 2013 report (lines 180, 186, 389 x4,
    // 392) and once in the 2009 letter (line 20); see crates/query/tests/analysis.rs.
    let kwic = json(&run(
        cwd,
        &[
            "kwic", "neglect", "--index", "idx", "--format", "json", "--width", "3",
        ],
    ));
    let lines = kwic.as_array().expect("lines");
    assert_eq!(lines.len(), 8);
    assert!(lines.iter().all(|l| l["keyword"]
        .as_str()
        .is_some_and(|k| k.to_lowercase().starts_with("neglect"))));
    let table = run(
        cwd,
        &["kwic", "neglect", "--index", "idx", "--sort", "right"],
    );
    assert_eq!(code(&table), 0);
    assert!(stdout(&table).contains("8 occurrences"));

    let trend = json(&run(
        cwd,
        &[
            "trend", "neglect", "--by", "year", "--index", "idx", "--format", "json",
        ],
    ));
    let years = trend["years"].as_array().expect("years");
    let count = |year: u64| {
        years
            .iter()
            .find(|y| y["year"] == year)
            .map(|y| (y["paragraphs"].as_u64(), y["reports"].as_u64()))
    };
    assert_eq!(count(2009), Some((Some(1), Some(1))));
    assert_eq!(count(2013), Some((Some(4), Some(1))));
    assert_eq!(count(2011), Some((Some(0), Some(0))));

    // The table's split rows line up with the year rows' columns.
    let table = stdout(&run(
        cwd,
        &["trend", "children", "--split", "grade", "--index", "idx"],
    ));
    let rows: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("year"))
        .collect();
    let header = rows.first().expect("header");
    let ends: Vec<usize> = ["paragraphs", "reports", "indexed", "per 1,000"]
        .iter()
        .map(|h| header.find(h).expect("heading") + h.len() - 1)
        .collect();
    assert!(rows.iter().any(|r| r.starts_with("  ")), "{table}");
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len(), "{table}");
        // Each number ends where its heading does.
        for &end in &ends {
            assert_ne!(row.as_bytes()[end], b' ', "{row:?} in\n{table}");
        }
    }

    let compare = json(&run(
        cwd,
        &[
            "compare", "children", "--by", "grade", "--index", "idx", "--format", "json",
        ],
    ));
    assert!(!compare["groups"].as_array().expect("groups").is_empty());
    // CSV and JSON lines: one row per word of each group's lists, as the JSON has them.
    let words: usize = compare["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            g["over"].as_array().map_or(0, Vec::len) + g["under"].as_array().map_or(0, Vec::len)
        })
        .sum();
    let compare_as = |format: &str| {
        let out = run(
            cwd,
            &[
                "compare", "children", "--by", "grade", "--index", "idx", "--format", format,
            ],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    let csv = compare_as("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("group,group_paragraphs,direction,rank,term,g2,freq,freq_elsewhere")
    );
    assert_eq!(lines.count(), words);
    let jsonl = compare_as("jsonl");
    assert_eq!(jsonl.lines().count(), words);
    for line in jsonl.lines() {
        let row: Value = serde_json::from_str(line).expect("one JSON object per line");
        assert_keys(&row, &["group", "direction", "rank", "term", "g2", "freq"]);
    }

    let none = run(cwd, &["kwic", "xylophone", "--index", "idx"]);
    assert_eq!(code(&none), 1);
}

#[test]
fn plain_words_partial_matches_and_explain() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    // No paragraph holds every word: none is counted, the page holds partial matches.
    let query = "communication of the xylophone";
    let out = run(cwd, &["search", "--index", "idx", query, "--explain"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("0 matching paragraphs"), "{text}");
    assert!(
        text.contains("counted: paragraphs with every word of communication, xylophone (not searched for: of, the)"),
        "{text}"
    );
    assert!(
        text.contains("with at least 1 of the 2 words, ranked after them"),
        "{text}"
    );
    assert!(text.contains("| some of the words"), "{text}");
    assert!(
        text.contains("why: 1 of 2 words (not: xylophone); BM25 "),
        "{text}"
    );

    let out = run(
        cwd,
        &[
            "search",
            "--index",
            "idx",
            query,
            "--format",
            "json",
            "--explain",
        ],
    );
    let response = json(&out);
    let grouped = run(
        cwd,
        &[
            "search",
            "--index",
            "idx",
            "out of hours services",
            "--group-by",
            "report",
            "--format",
            "json",
            "--explain",
        ],
    );
    let grouped = json(&grouped);
    assert!(!grouped["hits"].as_array().expect("hits").is_empty());
    assert_scores_are_explained(&grouped);
    assert_eq!(response["total"], 0);
    assert!(response["partial"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(
        response["plain"]["dropped"],
        serde_json::json!(["of", "the"])
    );
    for hit in response["hits"].as_array().expect("hits") {
        assert_eq!(hit["partial"], true);
    }
    assert_scores_are_explained(&response);

    // The analyses count paragraphs with every word, and say so: the table on its first line,
    // an export (whose output is data) on standard error.
    let said = "counted: paragraphs with every word of communication, services (not searched for: of, the)";
    let trend = run(
        cwd,
        &["trend", "--index", "idx", "communication of the services"],
    );
    assert!(
        stdout(&trend).starts_with(&format!("  {said}")),
        "{}",
        stdout(&trend)
    );
    let export = run(
        cwd,
        &["export", "--index", "idx", "communication of the services"],
    );
    assert!(stderr(&export).contains(said), "{}", stderr(&export));
    assert!(!stdout(&export).contains("counted:"));

    // Every word only, or a written AND: nothing.
    for args in [
        vec!["search", "--index", "idx", query, "--all-words"],
        vec!["search", "--index", "idx", "communication AND xylophone"],
    ] {
        let out = run(cwd, &args);
        assert_eq!(code(&out), 1, "{args:?}: {}", stdout(&out));
    }
}

/// Every hit's `explain` adds up to its score.
fn assert_scores_are_explained(response: &Value) {
    for hit in response["hits"].as_array().expect("hits") {
        let e = &hit["explain"];
        let parts = e["bm25"].as_f64().unwrap_or(0.0)
            + e["section"].as_f64().unwrap_or(0.0)
            + e["proximity"].as_f64().unwrap_or(0.0);
        let score = parts
            * e["kind_prior"].as_f64().unwrap_or(0.0)
            * e["length_prior"].as_f64().unwrap_or(0.0);
        let got = hit["score"].as_f64().unwrap_or(0.0);
        assert!(
            (score - got).abs() < 1e-3 * got.max(1.0),
            "{score} vs {got}: {hit}"
        );
    }
}

/// An index whose files are damaged: the error is one line that says it once (not the
/// message and then its cause again).
#[test]
fn an_index_error_is_said_once() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    for entry in std::fs::read_dir(cwd.join("idx")).expect("read the index") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "store") {
            let mut bytes = std::fs::read(&path).expect("read");
            let (from, end) = (bytes.len() / 8, bytes.len() / 2);
            bytes[from..end].fill(0);
            std::fs::write(&path, bytes).expect("damage");
        }
    }
    let out = run(cwd, &["search", "--index", "idx", "communication"]);
    let err = one_line_error(&out);
    assert_eq!(err.matches("is damaged").count(), 1, "{err}");
    let cause = err.rsplit(": ").next().expect("a cause").to_string();
    assert_eq!(err.matches(cause.as_str()).count(), 1, "said twice: {err}");
}

#[test]
fn reindexing_says_what_it_removed_and_remove_takes_reports_out() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    std::fs::remove_file(cwd.join("in").join(SAMPLES[0])).expect("delete");
    let summary = index(cwd);
    assert!(summary.starts_with("Indexed 2 reports, "), "{summary}");
    let removed = format!(
        "\nRemoved 1 report whose file is gone:\n  in/{}\n",
        SAMPLES[0]
    );
    assert!(summary.contains(&removed), "{summary}");
    let json_summary = json(&run(cwd, &["index", "in", "--index", "idx", "--json"]));
    assert_eq!(json_summary["removed"], serde_json::json!([]));

    let gone = format!("in/{}", SAMPLES[1]);
    let out = run(cwd, &["remove", &gone, "--index", "idx"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.starts_with(&format!("Removed 1 report:\n  {gone}\n")),
        "{said}"
    );
    assert!(said.contains("The index now holds "), "{said}");
    let reports = json(&run(
        cwd,
        &["reports", "--index", "idx", "--format", "json"],
    ));
    assert_eq!(reports.as_array().map(Vec::len), Some(1));

    let err = one_line_error(&run(cwd, &["remove", "in/nothing.txt", "--index", "idx"]));
    assert!(err.contains("not in the index: in/nothing.txt"), "{err}");
    let err = one_line_error(&run(cwd, &["remove", "abc", "--index", "nowhere"]));
    assert!(err.contains("no index at nowhere"), "{err}");
    assert!(!cwd.join("nowhere").exists());
}

/// The index's files, hidden lock files aside.
fn index_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("index dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with(".tantivy-"))
        .collect();
    files.sort();
    files
}

#[test]
fn a_run_that_runs_out_of_space_leaves_the_index_as_it_was_and_the_next_one_succeeds() {
    let dir = workdir();
    let cwd = dir.path();
    index(cwd);
    let before = index_files(&cwd.join("idx"));
    let reports = json(&run(
        cwd,
        &["reports", "--index", "idx", "--format", "json"],
    ));
    // A large report the index cannot take while files are limited to 128 KiB (what a full
    // disk does to a write, as EFBIG instead of ENOSPC; 64 KiB where the shell counts 512-byte
    // blocks).
    let paragraph = "Managers oversee casework with families in Zanzibar and Quixote. ";
    let mut big = String::from("Children's services in Nowhere\n\n");
    for i in 0..40_000 {
        big.push_str(&format!("{i} {paragraph}\n\n"));
    }
    std::fs::write(cwd.join("in/big.txt"), big).expect("write");
    let out = Command::new("sh")
        .args(["-c", "ulimit -f 128; trap '' XFSZ; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_ofsearch"))
        .args(["index", "in", "--index", "idx"])
        .current_dir(cwd)
        .env_remove("OFSEARCH_INDEX")
        .output()
        .expect("run limited");
    let err = one_line_error(&out);
    assert!(err.contains("File too large"), "{err}");
    assert!(err.contains("free some space"), "{err}");
    assert!(!err.contains("Os {"), "{err}");
    assert_eq!(index_files(&cwd.join("idx")), before);
    let after = json(&run(
        cwd,
        &["reports", "--index", "idx", "--format", "json"],
    ));
    assert_eq!(after, reports);
    let summary = index(cwd);
    assert!(summary.starts_with("Indexed 4 reports"), "{summary}");
}
