//! Integration tests of the searcher over a small index built from three sample reports. They
//! check:
//! 1. opening a missing, empty or foreign directory fails with an error naming the directory;
//! 2. a phrase cut by a page break in the 2013 Hartlepool report is found as one paragraph;
//! 3. hits come best first, carry their tags and source, and respect the limit;
//! 4. words are ANDed and stemmed; a query matching nothing gives no hits;
//! 5. a query that does not parse is a `Parse` error on one line;
//! 6. `reports` lists each report once, by source, with its paragraph count.

use std::path::{Path, PathBuf};

use ofsearch_indexer::{index_paths, IndexOptions, Summary};
use ofsearch_query::{QueryError, Searcher};
use tempfile::TempDir;

const SAMPLES: &[&str] = &[
    "000_23fc53f6df21340b.txt",
    "003_7425dc90808b844a.txt",
    "004_f3ae2764090c5174.txt",
];
const HARTLEPOOL_2013: &str = "003_7425dc90808b844a.txt";
const PAGE_BREAK_PHRASE: &str = "Good communication between the out of hours and day time services";

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/samples")
        .join(name)
}

/// An index of the three samples, in a temporary directory.
fn built() -> (TempDir, Searcher, Summary) {
    let dir = TempDir::new().expect("temp dir");
    let inputs: Vec<PathBuf> = SAMPLES.iter().map(|n| sample(n)).collect();
    let options = IndexOptions {
        threads: 2,
        ..IndexOptions::default()
    };
    let summary = index_paths(&inputs, &dir.path().join("idx"), &options).expect("index");
    let searcher = Searcher::open(&dir.path().join("idx")).expect("open");
    (dir, searcher, summary)
}

fn open_error(dir: &Path) -> QueryError {
    match Searcher::open(dir) {
        Ok(_) => panic!("{} opened as an index", dir.display()),
        Err(e) => e,
    }
}

#[test]
fn opening_no_index_names_the_directory() {
    let dir = TempDir::new().expect("temp dir");
    let missing = dir.path().join("no-index-here");
    let err = open_error(&missing);
    assert!(matches!(err, QueryError::NoIndex(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&*missing.to_string_lossy()), "{message}");
    assert!(message.contains("ofsearch index"), "{message}");

    // An existing directory without an index, or a plain file, is no index either.
    assert!(matches!(open_error(dir.path()), QueryError::NoIndex(_)));
    let file = dir.path().join("file");
    std::fs::write(&file, b"x").expect("write");
    assert!(matches!(open_error(&file), QueryError::NoIndex(_)));
}

#[test]
fn an_index_of_another_version_is_refused_with_its_directory() {
    let (dir, searcher, _) = built();
    drop(searcher);
    let index = dir.path().join("idx");
    std::fs::write(index.join(ofsearch_schema::VERSION_FILE), b"999").expect("write");
    let err = open_error(&index);
    assert!(matches!(err, QueryError::Version { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&*index.to_string_lossy()), "{message}");
    assert!(message.contains("'999'"), "{message}");
    // The advice must work: the indexer refuses to write into an index of another version.
    let rebuilt =
        ofsearch_indexer::index_paths(&[sample(SAMPLES[0])], &index, &IndexOptions::default());
    assert!(rebuilt.is_err());
    assert!(message.contains("remove it"), "{message}");
}

#[test]
fn searches() {
    let (_dir, searcher, summary) = built();

    // A phrase cut by a page break is one paragraph.
    let found = searcher
        .search(&format!("\"{PAGE_BREAK_PHRASE}\""), 10)
        .expect("phrase");
    assert_eq!(found.total, 1);
    let hit = &found.hits[0];
    assert!(hit.text.contains(PAGE_BREAK_PHRASE), "{}", hit.text);
    assert!(hit.text.ends_with("followed up promptly."), "{}", hit.text);
    assert_eq!(hit.authority, "Hartlepool");
    assert_eq!(hit.authority_code, "E06000001");
    assert_eq!(hit.report_type, "sif");
    assert_eq!(hit.year, Some(2013));
    assert_eq!(hit.area_canonical, "help-and-protection");
    assert_eq!(hit.grade, "good");
    assert!(
        hit.source.path.ends_with(HARTLEPOOL_2013),
        "{}",
        hit.source.path
    );
    assert_eq!(hit.source.line, 192);
    assert!(hit.score > 0.0);

    // The phrase's words in another order are not the phrase, but match as words.
    let swapped = searcher
        .search("\"services time day\"", 10)
        .expect("swapped phrase");
    assert_eq!(swapped.total, 0);
    let words = searcher.search("services time day", 10).expect("words");
    assert!(words.total >= 1);

    // Best first, limited, total exact.
    let many = searcher.search("children", 5).expect("children");
    assert_eq!(many.hits.len(), 5);
    // Report records are never hits: at most one hit per paragraph.
    assert!(many.total > 5 && many.total <= summary.paragraphs as u64);
    assert!(many.hits.windows(2).all(|w| w[0].score >= w[1].score));
    let all = searcher.search("children", 1000).expect("children");
    assert_eq!(all.hits.len() as u64, all.total);
    assert_eq!(all.total, many.total);

    // A paragraph where the term is dense outranks one where it is incidental: the page-break
    // paragraph is the best answer to its own rarest words.
    let ranked = searcher
        .search("communication out of hours", 10)
        .expect("ranked");
    assert!(ranked.hits[0].text.contains(PAGE_BREAK_PHRASE));

    // Stemming: the plural finds the singular.
    let stemmed = searcher.search("communications", 10).expect("stem");
    assert!(stemmed
        .hits
        .iter()
        .any(|h| h.text.contains(PAGE_BREAK_PHRASE)));

    // Plain words: none of the counted matches lacks a word; the paragraphs with some of them
    // follow, counted apart and marked.
    let some = searcher
        .search("communication xylophone", 10)
        .expect("some");
    assert_eq!(some.total, 0);
    assert!(!some.hits.is_empty());
    assert!(some.hits.iter().all(|h| h.partial));
    assert!(some.partial.is_some_and(|n| n >= some.hits.len() as u64));
    // Asked for every word, or with a written AND, nothing matches.
    let every = searcher
        .search_request(&ofsearch_query::SearchRequest {
            query: "communication xylophone".into(),
            all_words: true,
            ..Default::default()
        })
        .expect("every word");
    assert_eq!((every.total, every.hits.len(), every.partial), (0, 0, None));
    let and = searcher
        .search("communication AND xylophone", 10)
        .expect("and");
    assert_eq!((and.total, and.hits.len(), and.partial), (0, 0, None));
    let none = searcher.search("xylophone", 10).expect("none");
    assert_eq!((none.total, none.hits.len()), (0, 0));

    // A limit of 0 shows nothing but still counts.
    let limit0 = searcher.search("children", 0).expect("limit 0");
    assert!(limit0.hits.is_empty());
    assert_eq!(limit0.total, many.total);
}

#[test]
fn bad_queries_are_parse_errors_on_one_line() {
    let (_dir, searcher, _) = built();
    for query in ["\"unclosed", "(children", "children AND", "nosuchfield:x"] {
        match searcher.search(query, 10) {
            Err(e @ QueryError::Parse(_)) => {
                let message = e.to_string();
                assert!(!message.contains('\n'), "{query}: {message}");
                assert!(
                    message.starts_with("query does not parse: column "),
                    "{message}"
                );
            }
            other => panic!("{query}: {:?}", other.map(|r| r.total)),
        }
    }
}

#[test]
fn reports_are_listed_once_by_source() {
    let (_dir, searcher, summary) = built();
    let reports = searcher.reports().expect("reports");
    assert_eq!(reports.len(), SAMPLES.len());
    let sources: Vec<&str> = reports
        .iter()
        .map(|r| r["source"].as_str().expect("source"))
        .collect();
    for (source, name) in sources.iter().zip(SAMPLES) {
        assert!(source.ends_with(name), "{source}");
    }
    let paragraphs: u64 = reports
        .iter()
        .map(|r| r["paragraphs"].as_u64().expect("paragraphs"))
        .sum();
    assert_eq!(paragraphs as usize, summary.paragraphs);
    let sif = reports
        .iter()
        .find(|r| r["report_type"] == "sif")
        .expect("sif");
    assert_eq!(sif["authority"], "Hartlepool");
    assert_eq!(sif["year"], 2013);
    assert_eq!(sif["overall_grade"], "good");
}

#[test]
fn plain_words_count_every_word_and_rank_some_after() {
    let (_dir, searcher, _) = built();
    let plain = "communication and services for children";
    let every = searcher
        .search("communication AND services AND children", 10)
        .expect("boolean");
    assert!(every.total < 1000);
    // The counted matches, facets included, are the paragraphs with every word; the stop
    // words are not searched for.
    let page = searcher.search(plain, 10).expect("plain");
    assert_eq!(page.total, every.total);
    assert_eq!(page.reports, every.reports);
    assert_eq!(page.facets, every.facets);
    let reading = page.plain.as_ref().expect("read as plain words");
    assert_eq!(reading.words, ["communication", "services", "children"]);
    assert_eq!(reading.dropped, ["and", "for"]);
    assert_eq!(reading.at_least, 2);
    // A page reaching past them holds the partial matches, counted exactly: at least two of
    // the three words, not all three.
    let all = searcher.search(plain, 1000).expect("plain");
    let counted = all.hits.iter().filter(|h| !h.partial).count() as u64;
    assert_eq!(counted, every.total);
    assert!(all.hits[..counted as usize].iter().all(|h| !h.partial));
    let two = searcher
        .search(
            "(communication services) OR (communication children) OR (services children)",
            10,
        )
        .expect("two of three");
    assert_eq!(all.partial, Some(two.total - every.total));
    assert!(two.total > every.total);
    assert_eq!(
        all.hits.len() as u64,
        (every.total + two.total - every.total).min(1000)
    );
    // Paging into the partial matches continues the same list.
    let next = searcher
        .search_request(&ofsearch_query::SearchRequest {
            query: plain.into(),
            offset: counted as usize + 2,
            limit: 3,
            ..Default::default()
        })
        .expect("page");
    let texts = |hits: &[ofsearch_query::Hit]| -> Vec<String> {
        hits.iter().map(|h| h.text.clone()).collect()
    };
    let from = counted as usize + 2;
    assert_eq!(texts(&next.hits), texts(&all.hits[from..from + 3]));
    // Quotes and signs keep their meaning: the phrase is required in every hit.
    let quoted = searcher.search("\"day time services\" communication xylophone", 50);
    let quoted = quoted.expect("quoted");
    assert!(quoted
        .hits
        .iter()
        .all(|h| h.text.to_lowercase().contains("day time services")));
}

#[test]
fn proximity_re_ranks_the_first_phase_in_search_and_export_alike() {
    let (_dir, searcher, _) = built();
    let request = ofsearch_query::SearchRequest {
        query: "out of hours services".into(),
        limit: 20,
        explain: true,
        ..Default::default()
    };
    let page = searcher.search_request(&request).expect("search");
    assert!(page.hits.len() > 2);
    // Ordered by the whole score, which the signals make, words together included.
    assert!(page.hits.windows(2).all(|w| w[0].score >= w[1].score));
    let mut together = 0;
    for hit in &page.hits {
        let signals = hit.explain.as_ref().expect("explained").signals;
        assert!((signals.score() - hit.score).abs() < 1e-3, "{hit:?}");
        together += usize::from(signals.proximity > 0.0);
    }
    assert!(together > 0, "no hit has the words together");
    // Export lists the counted matches in the same order.
    let node = searcher.parse(&request).expect("parses");
    let mut exported = Vec::new();
    searcher
        .each_match(&request, &node, |hit| -> Result<(), QueryError> {
            exported.push(hit.text);
            Ok(())
        })
        .expect("export");
    let shown: Vec<&String> = page
        .hits
        .iter()
        .filter(|h| !h.partial)
        .map(|h| &h.text)
        .collect();
    assert_eq!(shown, exported.iter().take(shown.len()).collect::<Vec<_>>());
}

#[test]
fn a_searcher_reads_one_commit_and_refreshed_opens_the_newest() {
    let dir = TempDir::new().expect("temp dir");
    let index = dir.path().join("idx");
    let first = [sample(SAMPLES[0])];
    index_paths(&first, &index, &IndexOptions::default()).expect("index");
    let searcher = Searcher::open(&index).expect("open");
    let before = searcher.reports().expect("reports").len();
    assert_eq!(before, 1);
    searcher.warm().expect("warm");
    let counted = |s: &Searcher| {
        let answer = s.search("children", 1).expect("search");
        let authorities: u64 = answer.facets["authority"].iter().map(|v| v.count).sum();
        (answer.total, answer.reports, authorities)
    };
    let (total, reports, authorities) = counted(&searcher);
    assert_eq!((reports, authorities), (Some(1), total));
    assert!(
        searcher.refreshed().expect("refresh").is_none(),
        "no change"
    );

    let sefton = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/reports/report-0001.txt");
    index_paths(&[sefton], &index, &IndexOptions::default()).expect("index");
    // The open searcher still answers from its commit, filters included.
    assert_eq!(searcher.reports().expect("reports").len(), 1);
    let sefton = ofsearch_query::SearchRequest {
        query: "authority:sefton".into(),
        ..Default::default()
    };
    assert!(matches!(
        searcher.search_request(&sefton),
        Err(QueryError::Filter(_))
    ));
    let newest = searcher
        .refreshed()
        .expect("refresh")
        .expect("a new commit");
    assert!(newest.generation() > searcher.generation());
    assert!(newest.documents() > searcher.documents());
    assert_eq!(newest.reports().expect("reports").len(), 2);
    // The counts are the new commit's: the first report's segment tables reused, the new
    // report's read.
    let (total_now, reports_now, authorities_now) = counted(&newest);
    assert!(total_now > total);
    assert_eq!((reports_now, authorities_now), (Some(2), total_now));
    assert!(newest.table_bytes() > 0);
    // The names filters resolve to are the new commit's.
    assert!(newest.search_request(&sefton).expect("search").total > 0);
    assert!(newest.refreshed().expect("refresh").is_none());
}

#[test]
fn errors_say_whose_fault_they_are() {
    use ofsearch_query::ErrorKind;
    let (_dir, searcher, _) = built();
    let parse = searcher
        .search("\"care leavers", 5)
        .expect_err("unclosed quote");
    assert_eq!(parse.kind(), ErrorKind::Syntax);
    assert!(parse.is_user_error());
    assert_eq!(parse.column(), Some(1));
    let filter = searcher
        .search("grade:superb", 5)
        .expect_err("no such grade");
    assert_eq!(filter.kind(), ErrorKind::Filter);
    assert!(filter.is_user_error() && filter.column().is_none());
    let missing = Searcher::open(Path::new("/nonexistent/ofsearch"))
        .err()
        .expect("no index");
    assert_eq!(missing.kind(), ErrorKind::NoIndex);
    assert!(!missing.is_user_error());
}

#[test]
fn a_request_with_an_unknown_field_is_refused_not_ignored() {
    use ofsearch_query::SearchRequest;
    let ok: SearchRequest =
        serde_json::from_str(r#"{"query": "care", "filters": {"grade": ["good"]}}"#)
            .expect("known fields");
    assert_eq!(ok.filters.grade, ["good"]);
    for bad in [
        r#"{"query": "care", "limt": 5}"#,
        r#"{"filters": {"grades": ["good"]}}"#,
        r#"{"boosts": {"judgement": 2}}"#,
    ] {
        let e = serde_json::from_str::<SearchRequest>(bad).expect_err(bad);
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}

#[test]
fn a_report_reads_whole_in_order_with_the_query_marked() {
    let (_dir, searcher, _) = built();
    let reports = searcher.reports().expect("reports");
    let hartlepool = reports
        .iter()
        .find(|r| {
            r["source"]
                .as_str()
                .unwrap_or_default()
                .ends_with(HARTLEPOOL_2013)
        })
        .expect("listed");
    let id = hartlepool["report_id"].as_str().expect("id");
    let request = ofsearch_query::SearchRequest {
        query: "\"out of hours\"".into(),
        ..Default::default()
    };
    let compiled = searcher
        .compile(&request, &searcher.parse(&request).expect("parse"))
        .expect("compile");
    let view = searcher
        .report(id, Some(&compiled.highlight))
        .expect("read")
        .expect("found");
    assert_eq!(view.report["report_id"], id);
    let ordinals: Vec<u64> = view.paragraphs.iter().map(|p| p.ordinal).collect();
    let expected: Vec<u64> = (1..=ordinals.len() as u64).collect();
    assert_eq!(ordinals, expected, "every paragraph, in order");
    assert!(view.paragraphs.iter().all(|p| p.report_id == id));
    let marked: Vec<&str> = view
        .paragraphs
        .iter()
        .filter(|p| p.snippet.contains("<mark>"))
        .map(|p| p.text.as_str())
        .collect();
    assert!(
        marked.iter().any(|t| t.contains(PAGE_BREAK_PHRASE)),
        "{marked:?}"
    );
    // A paragraph's snippet is its whole text, escaped.
    let plain = searcher.report(id, None).expect("read").expect("found");
    assert!(plain
        .paragraphs
        .iter()
        .all(|p| !p.snippet.contains("<mark>")));
    assert!(searcher
        .report("0000000000000000", None)
        .expect("read")
        .is_none());
    assert!(searcher.report("", None).expect("read").is_none());
}

#[test]
fn vocabularies_count_every_paragraph() {
    let (_dir, searcher, _) = built();
    let v = searcher.vocabularies().expect("vocabularies");
    assert_eq!(v.reports, 3);
    for field in [
        "authority",
        "region",
        "year",
        "type",
        "area",
        "grade",
        "kind",
    ] {
        let values = &v.fields[field];
        let sum: u64 = values.iter().map(|c| c.count).sum();
        assert_eq!(sum, v.paragraphs, "{field}");
    }
    assert!(v.fields["kind"].iter().any(|c| c.value == "boilerplate"));
}

/// A first build that did not finish (killed before its commit) leaves a directory the
/// indexer marks as unfinished: opening it says so, instead of answering from an empty
/// index, and the next `index_paths` run finishes it.
#[test]
fn an_unfinished_first_build_is_said_and_the_next_run_finishes_it() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let index = dir.path().join("idx");
    // What a run killed after creating the index and before its commit leaves.
    drop(ofsearch_indexer::open_or_create(&index).expect("create"));
    assert!(index.join("meta.json").exists());
    let e = open_error(&index);
    assert_eq!(e.kind(), ofsearch_query::ErrorKind::NoIndex, "{e}");
    let message = e.to_string();
    assert!(
        message.contains("did not finish") && message.contains("ofsearch index"),
        "{message}"
    );
    // Killed before the version file was written: still ours to finish.
    std::fs::remove_file(index.join("ofsearch-version")).expect("remove the version file");
    // The next run finishes it.
    index_paths(&[sample(HARTLEPOOL_2013)], &index, &IndexOptions::default()).expect("index");
    let searcher = Searcher::open(&index).expect("a finished index opens");
    assert!(searcher.search("children", 1).expect("search").total > 0);
    // Killed before tantivy wrote anything: the marker alone.
    let early = dir.path().join("early");
    std::fs::create_dir(&early).expect("mkdir");
    std::fs::write(early.join("ofsearch-unfinished"), "").expect("marker");
    assert_eq!(
        open_error(&early).kind(),
        ofsearch_query::ErrorKind::NoIndex
    );
    index_paths(&[sample(HARTLEPOOL_2013)], &early, &IndexOptions::default()).expect("index");
    Searcher::open(&early).expect("finished");
    // A later run killed before its commit leaves the previous commit, which still opens.
    drop(ofsearch_indexer::open_or_create(&index).expect("reopen"));
    Searcher::open(&index).expect("the previous commit opens");
}
