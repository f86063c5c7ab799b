//! Golden tests: each sample report's metadata and every paragraph with its tags, compared with
//! a reviewed file in `tests/golden/`. A difference fails the test and prints the first
//! differing line. After reviewing a change by hand, rewrite the files with
//! `OFSEARCH_BLESS=1 cargo test -p ofsearch-indexer --test golden`.

use std::path::{Path, PathBuf};

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::parse;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// Renders a parsed sample report as the golden text.
fn render(name: &str) -> String {
    let path = corpus().join("samples").join(name);
    let bytes = std::fs::read(&path).expect("sample report");
    let text = std::str::from_utf8(&bytes).expect("UTF-8 sample");
    parse(
        text,
        &format!("corpus/samples/{name}"),
        &bytes,
        AuthorityTable::bundled(),
    )
    .render()
}

fn check(name: &str) {
    let got = render(name);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.golden"));
    if std::env::var_os("OFSEARCH_BLESS").is_some() {
        std::fs::write(&golden, &got).expect("write golden file");
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with OFSEARCH_BLESS=1)", golden.display()));
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "{name}: output differs from {} at line {}:\n  got:  {}\n  want: {}",
            golden.display(),
            line + 1,
            got.lines().nth(line).unwrap_or("<end>"),
            want.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

#[test]
fn children_services_assessment_hartlepool_2011() {
    check("000_23fc53f6df21340b.txt");
}

#[test]
fn joint_area_review_hartlepool_2007() {
    check("001_27f50cc6de729704.txt");
}

#[test]
fn children_services_assessment_stockton_2011() {
    check("002_4fca22cf322cddd2.txt");
}

#[test]
fn sif_with_lscb_review_hartlepool_2013() {
    check("003_7425dc90808b844a.txt");
}

#[test]
fn unannounced_cra_letter_hartlepool_2009() {
    check("004_f3ae2764090c5174.txt");
}
