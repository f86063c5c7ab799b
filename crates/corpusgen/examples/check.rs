//! Checks a generated corpus with the indexer: parses the reports its manifest lists (all, or
//! every Nth) and compares the type, framework, authority, ONS code and year with the
//! manifest, and the judgements with the template's. Prints the figures and every mismatch.
//!
//! `cargo run --release -p ofsearch-corpusgen --example check -- DIR [--every N] [--corpus corpus/]`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::{parse, Parsed};
use ofsearch_schema::{Area, Grade};

/// Parses a file; a panic of the parser is an error naming the file.
fn parse_file(path: &Path) -> Result<Parsed, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    std::panic::catch_unwind(|| {
        parse(
            text,
            &path.display().to_string(),
            &bytes,
            AuthorityTable::bundled(),
        )
    })
    .map_err(|_| format!("{}: the parser panicked", path.display()))
}

fn grades(p: &Parsed) -> Vec<(Area, Grade)> {
    p.report
        .judgements
        .iter()
        .map(|j| (j.area_canonical, j.grade))
        .collect()
}

/// One manifest row's check: the mismatches found (empty if none) and the paragraph count.
fn check(
    dir: &Path,
    corpus: &Path,
    row: &BTreeMap<String, String>,
    templates: &mut BTreeMap<String, Vec<(Area, Grade)>>,
) -> Result<(Vec<String>, usize), String> {
    let file = &row["file"];
    let parsed = parse_file(&dir.join(file))?;
    let r = &parsed.report;
    let mut bad = Vec::new();
    let framework = r.framework.clone().unwrap_or_default();
    if r.report_type.as_str() != row["report_type"] || framework != row["framework"] {
        bad.push(format!(
            "{file}: type {} {framework}, manifest {} {}",
            r.report_type, row["report_type"], row["framework"]
        ));
    }
    let code = r.authority_code.clone().unwrap_or_default();
    if r.authority.as_deref() != Some(row["authority"].as_str()) || code != row["ons_code"] {
        bad.push(format!(
            "{file}: authority {:?} {code}, manifest {} {}",
            r.authority, row["authority"], row["ons_code"]
        ));
    }
    if r.year.map(|y| y.to_string()).as_deref() != Some(row["year"].as_str()) {
        bad.push(format!(
            "{file}: year {:?}, manifest {}",
            r.year, row["year"]
        ));
    }
    let template = match templates.get(&row["template"]) {
        Some(g) => g.clone(),
        None => {
            let g = grades(&parse_file(&corpus.join(&row["template"]))?);
            templates.insert(row["template"].clone(), g.clone());
            g
        }
    };
    if grades(&parsed) != template {
        bad.push(format!(
            "{file}: judgements {:?}, template {} {:?}",
            grades(&parsed),
            row["template"],
            template
        ));
    }
    if parsed.paragraphs.is_empty() {
        bad.push(format!("{file}: no paragraphs"));
    }
    Ok((bad, parsed.paragraphs.len()))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut every = 1usize;
    let mut corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--every" => every = args.next().and_then(|n| n.parse().ok()).unwrap_or(1).max(1),
            "--corpus" => corpus = args.next().map(PathBuf::from).unwrap_or(corpus),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: check DIR [--every N] [--corpus corpus/]");
        return ExitCode::from(2);
    };
    let mut reader = match csv::Reader::from_path(dir.join("manifest.csv")) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", dir.join("manifest.csv").display());
            return ExitCode::from(2);
        }
    };
    let headers = reader.headers().cloned().unwrap_or_default();
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .filter_map(Result::ok)
        .step_by(every)
        .map(|r| {
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = rows.len().div_ceil(threads).max(1);
    let results: Vec<Result<(Vec<String>, usize), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .chunks(chunk)
            .map(|part| {
                let (dir, corpus) = (&dir, &corpus);
                s.spawn(move || {
                    let mut templates = BTreeMap::new();
                    part.iter()
                        .map(|row| check(dir, corpus, row, &mut templates))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut failed = 0;
    let mut paragraphs = 0;
    for result in &results {
        match result {
            Ok((bad, n)) => {
                paragraphs += n;
                if !bad.is_empty() {
                    failed += 1;
                }
                for m in bad {
                    println!("MISMATCH {m}");
                }
            }
            Err(e) => {
                failed += 1;
                println!("ERROR {e}");
            }
        }
    }
    println!(
        "checked {} reports ({paragraphs} paragraphs): {} as the manifest says, {failed} not",
        results.len(),
        results.len() - failed
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
