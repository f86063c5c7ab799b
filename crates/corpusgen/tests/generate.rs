//! The generated corpus, checked against the indexer and against itself:
//! 1. determinism: the same seed and size give byte-identical files and manifest; another seed
//!    gives other reports; a smaller size gives a prefix of a larger one;
//! 2. recognition: every report of a sample, parsed by the indexer, has the report type,
//!    framework, authority (name and ONS code) and year its manifest row gives, has
//!    paragraphs, and has its template's judgements; every framework of the bundled corpus is
//!    in the sample, the old-format samples included;
//! 3. size: the reports written add up to the size asked for, at most one report over;
//! 4. the command line writes the same corpus as the library and refuses a non-empty folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ofsearch_corpusgen::{generate, report_path, Model, Options};
use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::{parse, Parsed};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// The model of the bundled corpus, read once for all tests.
fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::load(&corpus()).expect("bundled corpus"))
}

fn run(size: u64, seed: u64) -> (tempfile::TempDir, u64) {
    run_with(model(), size, seed)
}

fn run_with(model: &Model, size: u64, seed: u64) -> (tempfile::TempDir, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("gen");
    let summary = generate(
        model,
        &Options {
            size,
            seed,
            out: out.clone(),
        },
    )
    .expect("generate");
    (dir, summary.reports)
}

fn read(dir: &tempfile::TempDir, rel: &str) -> Vec<u8> {
    std::fs::read(dir.path().join("gen").join(rel)).expect(rel)
}

/// Manifest rows as maps of column to value.
fn manifest(dir: &tempfile::TempDir) -> Vec<BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(dir.path().join("gen/manifest.csv")).expect("manifest.csv");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("manifest row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn parse_file(path: &Path) -> Parsed {
    let bytes = std::fs::read(path).expect("report");
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    parse(
        &text,
        &path.display().to_string(),
        &bytes,
        AuthorityTable::bundled(),
    )
}

#[test]
fn same_seed_same_bytes_other_seed_other_reports() {
    let (a, n) = run(600_000, 7);
    let (b, m) = run(600_000, 7);
    assert_eq!(n, m);
    assert!(n >= 5, "{n} reports");
    assert_eq!(read(&a, "manifest.csv"), read(&b, "manifest.csv"));
    for k in 0..n {
        assert_eq!(
            read(&a, &report_path(k)),
            read(&b, &report_path(k)),
            "report {k}"
        );
    }
    let (c, n_c) = run(600_000, 8);
    let differ = (0..n.min(n_c))
        .filter(|&k| read(&a, &report_path(k)) != read(&c, &report_path(k)))
        .count();
    assert!(
        differ as u64 == n.min(n_c),
        "only {differ} of {n} reports differ with another seed"
    );
    // A smaller size with the same seed is a prefix of the larger run.
    let (d, n_d) = run(200_000, 7);
    assert!(n_d < n);
    for k in 0..n_d {
        assert_eq!(
            read(&a, &report_path(k)),
            read(&d, &report_path(k)),
            "report {k}"
        );
    }
}

#[test]
fn the_indexer_reads_every_report_as_its_manifest_says() {
    let model = model();
    let (dir, n) = run(4_000_000, 7);
    let rows = manifest(&dir);
    assert_eq!(rows.len() as u64, n);
    let mut mismatches = Vec::new();
    let mut frameworks = BTreeSet::new();
    let mut templates_seen = BTreeSet::new();
    let (mut type_ok, mut authority_ok, mut year_ok, mut judgements_ok) = (0, 0, 0, 0);
    let mut paragraphs = 0;
    let mut template_cache: BTreeMap<String, Parsed> = BTreeMap::new();
    for row in &rows {
        let file = &row["file"];
        let parsed = parse_file(&dir.path().join("gen").join(file));
        let r = &parsed.report;
        let framework = r.framework.clone().unwrap_or_default();
        frameworks.insert(if framework.is_empty() {
            r.report_type.to_string()
        } else {
            framework.clone()
        });
        templates_seen.insert(row["template"].clone());
        if r.report_type.as_str() == row["report_type"] && framework == row["framework"] {
            type_ok += 1;
        } else {
            mismatches.push(format!(
                "{file}: type {} {framework}, manifest {} {}",
                r.report_type, row["report_type"], row["framework"]
            ));
        }
        let code = r.authority_code.clone().unwrap_or_default();
        if r.authority.as_deref() == Some(row["authority"].as_str()) && code == row["ons_code"] {
            authority_ok += 1;
        } else {
            mismatches.push(format!(
                "{file}: authority {:?} {code}, manifest {} {}",
                r.authority, row["authority"], row["ons_code"]
            ));
        }
        if r.year.map(|y| y.to_string()).as_deref() == Some(row["year"].as_str()) {
            year_ok += 1;
        } else {
            mismatches.push(format!(
                "{file}: year {:?}, manifest {}",
                r.year, row["year"]
            ));
        }
        let template = template_cache
            .entry(row["template"].clone())
            .or_insert_with(|| parse_file(&corpus().join(&row["template"])));
        let grades = |p: &Parsed| {
            p.report
                .judgements
                .iter()
                .map(|j| (j.area_canonical, j.grade))
                .collect::<Vec<_>>()
        };
        if grades(&parsed) == grades(template) {
            judgements_ok += 1;
        } else {
            mismatches.push(format!(
                "{file}: judgements {:?}, template {} has {:?}",
                grades(&parsed),
                row["template"],
                grades(template)
            ));
        }
        if parsed.paragraphs.is_empty() {
            mismatches.push(format!("{file}: no paragraphs"));
        }
        paragraphs += parsed.paragraphs.len();
    }
    println!(
        "recognition over {n} generated reports ({paragraphs} paragraphs, {} templates): type {type_ok}, authority {authority_ok}, year {year_ok}, judgements {judgements_ok}",
        templates_seen.len()
    );
    for m in &mismatches {
        println!("MISMATCH {m}");
    }
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());

    // Every framework of the bundled corpus, and every old-format sample's framework.
    let bundled: BTreeSet<String> = model.groups().iter().map(|g| g.name.clone()).collect();
    assert_eq!(frameworks, bundled);
    for name in [
        "jar",
        "unannounced-cra",
        "children-services-assessment",
        "sif+lscb",
        "ilacs-2026",
    ] {
        assert!(frameworks.contains(name), "{name} missing");
    }
}

#[test]
fn size_is_reached_and_overshot_by_at_most_one_report() {
    for size in [0, 1, 250_000, 1_000_000] {
        let (dir, n) = run(size, 3);
        let lengths: Vec<u64> = (0..n)
            .map(|k| read(&dir, &report_path(k)).len() as u64)
            .collect();
        let total: u64 = lengths.iter().sum();
        assert!(total >= size, "{total} < {size}");
        let last = lengths.last().copied().unwrap_or(0);
        assert!(
            total - last < size || size == 0 && n == 0,
            "{total} bytes for {size}"
        );
        assert_eq!(manifest(&dir).len() as u64, n);
    }
}

#[test]
fn command_line_writes_the_library_corpus_and_refuses_a_full_folder() {
    // The five old-format samples alone, for speed.
    let samples = corpus().join("samples");
    let model = Model::load(&samples).expect("samples");
    assert_eq!(model.templates().len(), 5);
    let (lib, n) = run_with(&model, 300_000, 11);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cli");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ofsearch-gen"))
        .args(["--size", "300KB", "--seed", "11", "--corpus"])
        .arg(&samples)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run ofsearch-gen");
    assert!(status.status.success(), "{status:?}");
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(stdout.contains(&format!("{n} reports")), "{stdout}");
    for k in 0..n {
        let rel = report_path(k);
        assert_eq!(
            std::fs::read(out.join(&rel)).expect("cli report"),
            read(&lib, &rel)
        );
    }
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_ofsearch-gen"))
        .args(["--size", "1KB", "--out"])
        .arg(&out)
        .output()
        .expect("run ofsearch-gen");
    assert_eq!(again.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("is not empty"), "{stderr}");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_ofsearch-gen"))
        .args(["--size", "12 parsecs", "--out"])
        .arg(dir.path().join("other"))
        .output()
        .expect("run ofsearch-gen");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown unit"));
}
