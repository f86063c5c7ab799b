//! Integration tests of the index writer, over a small folder built in each test from real sample
//! reports and broken files. They check:
//! 1. every bad file (empty, binary, not UTF-8, unreadable, dangling link, documentation) is
//!    skipped with one line saying what and where, and the good reports are all indexed;
//! 2. files of other extensions are ignored, not reported; a `.pdf` that is no PDF says why;
//! 3. re-indexing the same input changes nothing (no duplicate documents);
//! 4. re-indexing a changed file replaces its documents;
//! 5. a file that turns bad after being indexed keeps its earlier documents;
//! 6. a byte-identical copy is skipped as a duplicate of the first in walk order, and a file
//!    reached twice through overlapping inputs is indexed once, silently;
//! 7. a file named on its own with another extension is reported, not silently ignored;
//! 8. a missing input is reported, a directory that is not an index is refused and left alone;
//! 9. re-indexing a folder removes the reports whose files under it are gone (deleted, renamed
//!    away), says so, and leaves every report outside that folder alone;
//! 10. `remove` takes reports out by id, by file or by folder, and refuses (removing nothing) a
//!     name the index does not hold.
#![cfg(unix)]

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use ofsearch_indexer::{index_paths, remove, IndexOptions, IndexerError, Summary};
use ofsearch_schema::schema::{RECORD_PARAGRAPH, RECORD_REPORT};
use ofsearch_schema::Fields;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, Term};
use tempfile::TempDir;

/// The three sample reports copied into each fixture: a 2011 assessment letter, the 2013
/// Hartlepool SIF report, a 2009 unannounced inspection.
const SAMPLES: &[&str] = &[
    "000_23fc53f6df21340b.txt",
    "003_7425dc90808b844a.txt",
    "004_f3ae2764090c5174.txt",
];

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/samples")
        .join(name)
}

/// A temporary folder `in/` holding the sample reports and `idx/` for the index.
struct Fixture {
    _dir: TempDir,
    input: PathBuf,
    index: PathBuf,
}

fn fixture() -> Fixture {
    let dir = TempDir::new().expect("temp dir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir in");
    for name in SAMPLES {
        std::fs::copy(sample(name), input.join(name)).expect("copy sample");
    }
    let index = dir.path().join("idx");
    Fixture {
        _dir: dir,
        input,
        index,
    }
}

fn run(inputs: &[PathBuf], index: &Path) -> Summary {
    let options = IndexOptions {
        threads: 2,
        ..IndexOptions::default()
    };
    index_paths(inputs, index, &options).expect("indexing run")
}

/// The reason a file named `name` was skipped, if it was.
fn skipped<'a>(summary: &'a Summary, name: &str) -> Option<&'a str> {
    let suffix = format!("/{name}");
    summary
        .skipped
        .iter()
        .find(|(path, _)| path.ends_with(&suffix))
        .map(|(_, why)| why.as_str())
}

/// Documents whose raw `field` holds `value`.
fn count(index: &Path, field: fn(&Fields) -> Field, value: &str) -> usize {
    let index = Index::open_in_dir(index).expect("open index");
    let fields = Fields::new(&index.schema()).expect("fields");
    let query = TermQuery::new(
        Term::from_field_text(field(&fields), value),
        IndexRecordOption::Basic,
    );
    let reader = index.reader().expect("reader");
    reader
        .searcher()
        .search(&query, &Count)
        .expect("count search")
}

fn report_id(path: &Path) -> String {
    ofsearch_indexer::report::content_id(&std::fs::read(path).expect("read report"))
}

/// Whether this process can read a file whose permissions are 000 (it runs as root).
fn reads_through_permissions(path: &Path) -> bool {
    std::fs::read(path).is_ok()
}

#[test]
fn bad_files_are_skipped_with_what_and_where_and_the_rest_is_indexed() {
    let fx = fixture();
    let dir = &fx.input;
    std::fs::write(dir.join("empty.txt"), b"").expect("write");
    std::fs::write(dir.join("blank.md"), b"  \n\n\t\n").expect("write");
    std::fs::write(dir.join("image.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").expect("write");
    std::fs::write(
        dir.join("latin1.txt"),
        b"Hartlepool\nBorough \xe9 council\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("locked.txt"),
        b"Hartlepool Borough Council\n\nA locked report about zanzibar.\n",
    )
    .expect("write");
    std::fs::set_permissions(
        dir.join("locked.txt"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod 000");
    symlink(dir.join("nowhere.txt"), dir.join("dangling.txt")).expect("symlink");
    std::fs::write(dir.join("README.md"), b"# About these reports\n").expect("write");
    std::fs::write(dir.join("report.pdf"), b"%PDF-1.4 Hartlepool").expect("write");
    std::fs::write(dir.join("notes.docx"), b"PK\x03\x04").expect("write");

    let summary = run(std::slice::from_ref(dir), &fx.index);

    assert_eq!(skipped(&summary, "empty.txt"), Some("empty file"));
    assert_eq!(skipped(&summary, "blank.md"), Some("empty file"));
    assert_eq!(
        skipped(&summary, "image.txt"),
        Some("binary data, not text (byte 0x00 at offset 8)")
    );
    assert_eq!(
        skipped(&summary, "latin1.txt"),
        Some("not UTF-8 text (invalid byte 0xE9 at offset 19, line 2)")
    );
    assert_eq!(
        skipped(&summary, "dangling.txt"),
        Some("unreadable: No such file or directory (os error 2)")
    );
    assert_eq!(
        skipped(&summary, "README.md"),
        Some("documentation file, not a report")
    );
    let locked_readable = reads_through_permissions(&dir.join("locked.txt"));
    if locked_readable {
        eprintln!("note: running as root, a chmod 000 file stays readable: not checking its skip");
        assert_eq!(skipped(&summary, "locked.txt"), None);
    } else {
        assert_eq!(
            skipped(&summary, "locked.txt"),
            Some("unreadable: Permission denied (os error 13)")
        );
    }
    // A PDF that is not a readable one says why (and without Poppler, that it is needed).
    let pdf = skipped(&summary, "report.pdf").unwrap_or_default();
    assert!(
        pdf.starts_with("unreadable PDF: ") || pdf.starts_with("PDFs are read with Poppler"),
        "{pdf}"
    );
    // Other extensions are neither indexed nor reported.
    assert_eq!(skipped(&summary, "notes.docx"), None);
    assert_eq!(summary.skipped.len(), if locked_readable { 7 } else { 8 });

    // Where: each skipped path is the file's full path (the temp dir is outside the working
    // directory), and the summary lists them in walk order (by file name).
    for (path, _) in &summary.skipped {
        assert!(
            path.starts_with(&*dir.to_string_lossy()) || path.contains("/in/"),
            "{path}"
        );
    }
    let names: Vec<&str> = summary
        .skipped
        .iter()
        .map(|(p, _)| p.rsplit('/').next().unwrap_or(p))
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);

    // The good reports are all there, and nothing else.
    let extra = usize::from(locked_readable);
    assert_eq!(summary.reports, SAMPLES.len() + extra);
    assert_eq!(summary.reports_by_type["sif"], 1);
    assert_eq!(summary.reports_by_type["unannounced-cra"], 1);
    assert_eq!(summary.reports_by_type["children-services-assessment"], 1);
    assert!(summary.paragraphs > 200, "{}", summary.paragraphs);
    assert_eq!(
        summary.documents_in_index,
        (summary.reports + summary.paragraphs) as u64
    );
    assert_eq!(
        count(&fx.index, |f| f.record, RECORD_REPORT),
        summary.reports
    );
    assert_eq!(
        count(&fx.index, |f| f.record, RECORD_PARAGRAPH),
        summary.paragraphs
    );
    for name in SAMPLES {
        assert!(count(&fx.index, |f| f.report_id, &report_id(&dir.join(name))) > 1);
    }
}

#[test]
fn reindexing_the_same_input_duplicates_nothing() {
    let fx = fixture();
    let first = run(std::slice::from_ref(&fx.input), &fx.index);
    let second = run(std::slice::from_ref(&fx.input), &fx.index);
    assert_eq!(first.reports, SAMPLES.len());
    assert_eq!(second.reports, first.reports);
    assert_eq!(second.paragraphs, first.paragraphs);
    assert_eq!(second.reports_by_type, first.reports_by_type);
    assert_eq!(second.documents_in_index, first.documents_in_index);
    assert_eq!(
        first.documents_in_index,
        (first.reports + first.paragraphs) as u64
    );
    assert_eq!(count(&fx.index, |f| f.record, RECORD_REPORT), SAMPLES.len());
    // A third run on one file alone, given by another spelling of its path, changes nothing.
    let one = fx.input.join(".").join(SAMPLES[1]);
    let third = run(&[one], &fx.index);
    assert_eq!(third.reports, 1);
    assert_eq!(third.documents_in_index, first.documents_in_index);
}

#[test]
fn reindexing_a_changed_file_replaces_its_documents() {
    let fx = fixture();
    let changed = fx.input.join(SAMPLES[0]);
    let before = run(std::slice::from_ref(&fx.input), &fx.index);
    let old_id = report_id(&changed);
    let old_docs = count(&fx.index, |f| f.report_id, &old_id);
    assert!(old_docs > 1);

    let mut text = std::fs::read_to_string(&changed).expect("read");
    text.push_str("\n\nA new closing paragraph about the zanzibar pilot.\n\nAnd another one.\n");
    std::fs::write(&changed, text).expect("rewrite");
    let new_id = report_id(&changed);
    assert_ne!(new_id, old_id);

    let after = run(std::slice::from_ref(&changed), &fx.index);
    assert_eq!(after.reports, 1);
    assert_eq!(count(&fx.index, |f| f.report_id, &old_id), 0);
    let new_docs = count(&fx.index, |f| f.report_id, &new_id);
    assert_eq!(new_docs, after.paragraphs + 1);
    assert!(new_docs > old_docs, "{new_docs} <= {old_docs}");
    assert_eq!(
        after.documents_in_index,
        before.documents_in_index - old_docs as u64 + new_docs as u64
    );
    assert_eq!(count(&fx.index, |f| f.record, RECORD_REPORT), SAMPLES.len());
}

#[test]
fn a_file_that_turns_bad_keeps_what_was_indexed() {
    let fx = fixture();
    let victim = fx.input.join(SAMPLES[2]);
    let id = report_id(&victim);
    let before = run(std::slice::from_ref(&fx.input), &fx.index);
    let docs = count(&fx.index, |f| f.report_id, &id);
    assert!(docs > 1);

    std::fs::write(&victim, b"").expect("truncate");
    let after = run(std::slice::from_ref(&fx.input), &fx.index);
    assert_eq!(skipped(&after, SAMPLES[2]), Some("empty file"));
    assert_eq!(after.reports, SAMPLES.len() - 1);
    assert_eq!(count(&fx.index, |f| f.report_id, &id), docs);
    assert_eq!(after.documents_in_index, before.documents_in_index);
}

#[test]
fn a_copy_is_a_duplicate_of_the_first_in_walk_order() {
    let fx = fixture();
    // "zz" sorts after every sample; "000_0" sorts before them all but copies the last one.
    std::fs::copy(sample(SAMPLES[0]), fx.input.join("zz_copy.txt")).expect("copy");
    std::fs::copy(sample(SAMPLES[2]), fx.input.join("000_0_copy.txt")).expect("copy");
    for _ in 0..3 {
        let summary = run(std::slice::from_ref(&fx.input), &fx.index);
        assert_eq!(summary.reports, SAMPLES.len());
        let zz = skipped(&summary, "zz_copy.txt").expect("zz_copy.txt skipped");
        assert!(
            zz.starts_with("duplicate of ") && zz.ends_with(SAMPLES[0]),
            "{zz}"
        );
        let sample2 = skipped(&summary, SAMPLES[2]).expect("later original skipped");
        assert!(sample2.ends_with("000_0_copy.txt"), "{sample2}");
        assert_eq!(summary.skipped.len(), 2);
    }
}

#[test]
fn a_file_reached_twice_is_indexed_once_without_a_skip_line() {
    let fx = fixture();
    let summary = run(&[fx.input.clone(), fx.input.join(SAMPLES[1])], &fx.index);
    assert_eq!(summary.reports, SAMPLES.len());
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
}

#[test]
fn a_file_named_on_its_own_with_another_extension_is_reported() {
    let fx = fixture();
    let docx = fx.input.join("report.docx");
    std::fs::write(&docx, b"PK\x03\x04").expect("write");
    let summary = run(&[docx, fx.input.join(SAMPLES[0])], &fx.index);
    assert_eq!(summary.reports, 1);
    assert_eq!(
        skipped(&summary, "report.docx"),
        Some("not a report file (only .txt, .md and .pdf are read)")
    );
}

#[test]
fn a_missing_input_is_reported() {
    let fx = fixture();
    let missing = fx.input.join("no-such-folder");
    let summary = run(&[missing, fx.input.join(SAMPLES[0])], &fx.index);
    assert_eq!(summary.reports, 1);
    assert_eq!(
        skipped(&summary, "no-such-folder"),
        Some("no such file or directory")
    );
}

#[test]
fn a_directory_that_is_not_an_index_is_refused_and_left_alone() {
    let fx = fixture();
    std::fs::create_dir(&fx.index).expect("mkdir");
    std::fs::write(fx.index.join("notes.txt"), b"keep me").expect("write");
    let err = index_paths(
        std::slice::from_ref(&fx.input),
        &fx.index,
        &IndexOptions::default(),
    )
    .expect_err("must refuse");
    assert!(matches!(err, IndexerError::Incompatible { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&*fx.index.to_string_lossy()), "{message}");
    assert!(!message.contains('\n'), "{message}");
    let left: Vec<_> = std::fs::read_dir(&fx.index)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("notes.txt")]);
}

#[test]
fn no_inputs_is_an_error() {
    let fx = fixture();
    let err = index_paths(&[], &fx.index, &IndexOptions::default()).expect_err("no inputs");
    assert!(matches!(err, IndexerError::NoInputs));
    assert!(!fx.index.exists());
}

#[test]
fn every_document_carries_its_report_date_for_sorting_and_ranges() {
    let fx = fixture();
    run(std::slice::from_ref(&fx.input), &fx.index);
    let index = Index::open_in_dir(&fx.index).expect("open index");
    let fields = Fields::new(&index.schema()).expect("fields");
    let searcher = index.reader().expect("reader").searcher();
    let dated = |yyyymmdd: u64| {
        let query = TermQuery::new(
            Term::from_field_u64(fields.date, yyyymmdd),
            IndexRecordOption::Basic,
        );
        searcher.search(&query, &Count).expect("count search")
    };
    // The 2013 SIF inspection ended on 11 December 2013; the 2011 letter is dated 8 November
    // 2011 (no inspection dates); the 2009 unannounced inspection ended on 25 November 2009.
    let sif = count(&fx.index, |f| f.report_id, &report_id(&sample(SAMPLES[1])));
    assert_eq!(dated(20_131_211), sif);
    assert!(dated(20_111_108) > 1);
    assert!(dated(20_091_125) > 1);
    assert_eq!(
        searcher.num_docs() as usize,
        dated(20_131_211) + dated(20_111_108) + dated(20_091_125)
    );
}

#[test]
fn reindexing_a_folder_removes_the_reports_whose_files_are_gone() {
    let fx = fixture();
    // A second folder, indexed too, that the re-index of `in/` must not touch.
    let other = fx.input.parent().expect("parent").join("other");
    std::fs::create_dir(&other).expect("mkdir other");
    let kept = other.join("kept.txt");
    std::fs::write(
        &kept,
        "Children's services in Nowhere\n\nA paragraph about zanzibar.\n",
    )
    .expect("write");
    run(&[fx.input.clone(), other.clone()], &fx.index);
    let kept_docs = count(&fx.index, |f| f.report_id, &report_id(&kept));
    assert!(kept_docs > 1);
    let deleted = fx.input.join(SAMPLES[0]);
    let renamed = fx.input.join(SAMPLES[1]);
    let (deleted_id, renamed_id) = (report_id(&deleted), report_id(&renamed));
    assert!(count(&fx.index, |f| f.report_id, &deleted_id) > 1);

    std::fs::remove_file(&deleted).expect("delete");
    std::fs::rename(&renamed, renamed.with_extension("txt.bak")).expect("rename");
    let summary = run(std::slice::from_ref(&fx.input), &fx.index);
    let mut removed = summary.removed.clone();
    removed.sort();
    assert_eq!(
        removed,
        vec![
            deleted.to_string_lossy().into_owned(),
            renamed.to_string_lossy().into_owned()
        ]
    );
    assert_eq!(summary.reports, 1);
    assert_eq!(count(&fx.index, |f| f.report_id, &deleted_id), 0);
    assert_eq!(count(&fx.index, |f| f.report_id, &renamed_id), 0);
    assert_eq!(
        count(&fx.index, |f| f.report_id, &report_id(&kept)),
        kept_docs
    );
    assert_eq!(count(&fx.index, |f| f.record, RECORD_REPORT), 2);
    assert_eq!(
        summary.documents_in_index as usize,
        count(&fx.index, |f| f.record, RECORD_REPORT)
            + count(&fx.index, |f| f.record, RECORD_PARAGRAPH)
    );
    // Nothing more is gone: the next run removes nothing.
    let again = run(std::slice::from_ref(&fx.input), &fx.index);
    assert!(again.removed.is_empty(), "{:?}", again.removed);
}

#[test]
fn a_folder_that_cannot_be_walked_is_not_gone() {
    let fx = fixture();
    let sub = fx.input.join("sub");
    std::fs::create_dir(&sub).expect("mkdir sub");
    std::fs::rename(fx.input.join(SAMPLES[0]), sub.join(SAMPLES[0])).expect("move");
    let id = report_id(&sub.join(SAMPLES[0]));
    run(std::slice::from_ref(&fx.input), &fx.index);
    let docs = count(&fx.index, |f| f.report_id, &id);
    assert!(docs > 1);
    // The folder is now a link to somewhere that is not there (a mount that is down).
    let away = fx.input.parent().expect("parent").join("away");
    std::fs::rename(&sub, &away).expect("move sub away");
    symlink(away.join("missing"), &sub).expect("symlink");
    let summary = run(std::slice::from_ref(&fx.input), &fx.index);
    assert!(summary.removed.is_empty(), "{:?}", summary.removed);
    assert!(skipped(&summary, "sub").is_some(), "{:?}", summary.skipped);
    assert_eq!(count(&fx.index, |f| f.report_id, &id), docs);
}

#[test]
fn reindexing_one_gone_file_by_name_removes_it() {
    let fx = fixture();
    run(std::slice::from_ref(&fx.input), &fx.index);
    let gone = fx.input.join(SAMPLES[2]);
    let id = report_id(&gone);
    std::fs::remove_file(&gone).expect("delete");
    let summary = index_paths(
        std::slice::from_ref(&gone),
        &fx.index,
        &IndexOptions::default(),
    )
    .expect("run");
    assert_eq!(summary.removed, vec![gone.to_string_lossy().into_owned()]);
    assert_eq!(
        skipped(&summary, SAMPLES[2]),
        Some("no such file or directory")
    );
    assert_eq!(count(&fx.index, |f| f.report_id, &id), 0);
    assert_eq!(
        count(&fx.index, |f| f.record, RECORD_REPORT),
        SAMPLES.len() - 1
    );
}

#[test]
fn remove_takes_reports_out_by_id_file_or_folder() {
    let fx = fixture();
    let before = run(std::slice::from_ref(&fx.input), &fx.index);
    let by_id = report_id(&fx.input.join(SAMPLES[0]));
    // A file given by another spelling of its path, and one that no longer exists.
    let by_path = fx.input.join(".").join(SAMPLES[1]);
    let id1 = report_id(&by_path);
    let removed = remove(
        &[by_id.clone(), by_path.to_string_lossy().into_owned()],
        &fx.index,
    )
    .expect("remove");
    let mut sources = removed.removed.clone();
    sources.sort();
    assert_eq!(
        sources,
        vec![
            fx.input.join(SAMPLES[0]).to_string_lossy().into_owned(),
            fx.input.join(SAMPLES[1]).to_string_lossy().into_owned()
        ]
    );
    assert_eq!(count(&fx.index, |f| f.report_id, &by_id), 0);
    assert_eq!(count(&fx.index, |f| f.report_id, &id1), 0);
    assert_eq!(count(&fx.index, |f| f.record, RECORD_REPORT), 1);
    assert!(removed.documents_in_index < before.documents_in_index);

    let last = fx.input.join(SAMPLES[2]);
    std::fs::remove_file(&last).expect("delete");
    let removed = remove(&[fx.input.to_string_lossy().into_owned()], &fx.index).expect("folder");
    assert_eq!(removed.removed, vec![last.to_string_lossy().into_owned()]);
    assert_eq!(removed.documents_in_index, 0);
}

#[test]
fn remove_refuses_a_name_the_index_does_not_hold_and_removes_nothing() {
    let fx = fixture();
    let before = run(std::slice::from_ref(&fx.input), &fx.index);
    let known = report_id(&fx.input.join(SAMPLES[0]));
    let err = remove(&[known.clone(), "no-such-report".into()], &fx.index).expect_err("unknown");
    assert!(matches!(err, IndexerError::NotIndexed(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("no-such-report"), "{message}");
    assert!(!message.contains('\n'), "{message}");
    assert!(count(&fx.index, |f| f.report_id, &known) > 1);
    assert_eq!(
        count(&fx.index, |f| f.record, RECORD_REPORT),
        before.reports
    );
}

#[test]
fn remove_needs_an_index() {
    let fx = fixture();
    let err = remove(&["anything".into()], &fx.index).expect_err("no index");
    assert!(matches!(err, IndexerError::NoIndex(_)), "{err:?}");
    assert!(!fx.index.exists());
    // Nor does it finish what an interrupted first build left.
    run(std::slice::from_ref(&fx.input), &fx.index);
    let marker = fx.index.join(ofsearch_schema::UNFINISHED_FILE);
    std::fs::write(&marker, "").expect("mark");
    let known = report_id(&fx.input.join(SAMPLES[0]));
    let err = remove(&[known], &fx.index).expect_err("unfinished");
    assert!(matches!(err, IndexerError::Unfinished(_)), "{err:?}");
    assert!(marker.exists());
}

#[test]
fn settings_out_of_range_are_refused_before_anything_is_written() {
    let fx = fixture();
    for options in [
        IndexOptions {
            threads: 100_000,
            ..IndexOptions::default()
        },
        IndexOptions {
            memory_budget: usize::MAX,
            ..IndexOptions::default()
        },
    ] {
        let err =
            index_paths(std::slice::from_ref(&fx.input), &fx.index, &options).expect_err("refused");
        assert!(matches!(err, IndexerError::Setting(_)), "{err:?}");
        assert!(!err.to_string().contains('\n'), "{err}");
        assert!(!fx.index.exists());
    }
    // Many threads within the bound: the writer's are capped, the run goes through.
    let options = IndexOptions {
        threads: 64,
        memory_budget: 0,
        ..IndexOptions::default()
    };
    let summary = index_paths(std::slice::from_ref(&fx.input), &fx.index, &options).expect("run");
    assert_eq!(summary.reports, SAMPLES.len());
}

#[test]
fn a_pipe_or_a_device_named_as_an_input_gets_a_reason() {
    let fx = fixture();
    let fifo = fx.input.join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let summary = run(
        &[fifo, PathBuf::from("/dev/null"), fx.input.join(SAMPLES[0])],
        &fx.index,
    );
    assert_eq!(summary.reports, 1);
    assert_eq!(
        skipped(&summary, "pipe.txt"),
        Some("a named pipe (FIFO), not a file")
    );
    assert_eq!(skipped(&summary, "null"), Some("a device, not a file"));
    // Met inside a folder, a pipe is passed over like any file that is not a report (reading
    // it would wait for a writer for ever).
    let summary = run(std::slice::from_ref(&fx.input), &fx.index);
    assert_eq!(summary.reports, SAMPLES.len());
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
}

#[test]
fn file_names_that_are_not_utf8_are_kept_apart_losslessly() {
    use std::os::unix::ffi::OsStrExt;
    let fx = fixture();
    let name = |bytes: &[u8]| fx.input.join(std::ffi::OsStr::from_bytes(bytes));
    let (ff, fe) = (name(b"report-\xff.txt"), name(b"report-\xfe.txt"));
    std::fs::write(&ff, "Children's services\n\nA paragraph about zanzibar.\n").expect("write");
    std::fs::write(&fe, "Children's services\n\nA paragraph about quixote.\n").expect("write");
    let summary = run(std::slice::from_ref(&fx.input), &fx.index);
    assert_eq!(summary.reports, SAMPLES.len() + 2);
    let mut unknown = summary.unknown.clone();
    unknown.sort();
    let shown = |tail: &str| format!("{}/{tail}", fx.input.display());
    assert_eq!(
        unknown,
        vec![shown("report-\\xFE.txt"), shown("report-\\xFF.txt")]
    );
    // Deleting one removes that one alone.
    std::fs::remove_file(&fe).expect("delete");
    let summary = run(std::slice::from_ref(&fx.input), &fx.index);
    assert_eq!(summary.removed, vec![shown("report-\\xFE.txt")]);
    assert_eq!(
        count(&fx.index, |f| f.record, RECORD_REPORT),
        SAMPLES.len() + 1
    );
}

#[test]
fn a_file_that_becomes_a_copy_loses_its_earlier_report() {
    // Found by the model test (tests/model.rs): the copy kept what it held before.
    let fx = fixture();
    let copy = fx.input.join("zz_copy.txt");
    std::fs::write(
        &copy,
        "Children's services\n\nA paragraph about zanzibar.\n",
    )
    .expect("write");
    run(std::slice::from_ref(&fx.input), &fx.index);
    let old_id = report_id(&copy);
    assert!(count(&fx.index, |f| f.report_id, &old_id) > 1);
    std::fs::copy(sample(SAMPLES[0]), &copy).expect("now a copy");
    let summary = run(std::slice::from_ref(&fx.input), &fx.index);
    assert!(skipped(&summary, "zz_copy.txt").is_some_and(|why| why.starts_with("duplicate of")));
    assert_eq!(count(&fx.index, |f| f.report_id, &old_id), 0);
    assert_eq!(count(&fx.index, |f| f.record, RECORD_REPORT), SAMPLES.len());
}

#[test]
fn later_runs_leave_the_version_file_alone() {
    // Found by scripts/reliability/kill9.py: every run rewrote it (truncate, then write), so a
    // kill between the two left an empty version and an index refused for ever after.
    let fx = fixture();
    run(std::slice::from_ref(&fx.input), &fx.index);
    let version = fx.index.join(ofsearch_schema::VERSION_FILE);
    let modified = || {
        std::fs::metadata(&version)
            .expect("version file")
            .modified()
            .expect("mtime")
    };
    let before = modified();
    std::thread::sleep(std::time::Duration::from_millis(20));
    run(std::slice::from_ref(&fx.input), &fx.index);
    let id = report_id(&fx.input.join(SAMPLES[0]));
    remove(&[id], &fx.index).expect("remove");
    assert_eq!(modified(), before);
}

#[test]
fn a_file_too_large_for_a_report_is_skipped_unread() {
    let fx = fixture();
    let huge = fx.input.join("huge.txt");
    let file = std::fs::File::create(&huge).expect("create");
    // Sparse: the size alone decides, the bytes are never read.
    file.set_len(ofsearch_indexer::read::MAX_FILE_BYTES + 1)
        .expect("set_len");
    let summary = run(std::slice::from_ref(&fx.input), &fx.index);
    assert_eq!(summary.reports, SAMPLES.len());
    assert_eq!(
        skipped(&summary, "huge.txt"),
        Some(
            "too large for one report (16777217 bytes; at most 16 MiB are read): \
             is it several reports in one file?"
        )
    );
}
