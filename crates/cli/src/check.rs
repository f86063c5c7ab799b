//! `ofsearch check`: verifies the index (`ofsearch_query::check`) and says what is wrong and
//! what to do. Never builds an index: a missing one is an error.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

/// Checks the index in `index_dir`: one line ending "OK" and exit 0 when it is healthy; else
/// each problem, what to do, and exit 1. An index that cannot be checked (none there) is an
/// error (exit 2).
pub fn check(index_dir: &Path) -> Result<ExitCode> {
    let report = ofsearch_query::check::check(index_dir).map_err(crate::no_index_hint)?;
    let mut out = std::io::stdout().lock();
    let files = report.files_checked;
    write!(
        out,
        "Index {}: {} {}, {} documents, {files} {} checked: ",
        index_dir.display(),
        report.segments,
        crate::plural(report.segments, "segment", "segments"),
        report.documents,
        crate::plural(files, "file", "files"),
    )?;
    if report.is_healthy() {
        writeln!(out, "OK")?;
        return Ok(ExitCode::SUCCESS);
    }
    let n = report.problems.len();
    writeln!(out, "{n} {}:", crate::plural(n, "problem", "problems"))?;
    for problem in &report.problems {
        writeln!(out, "  - {problem}")?;
    }
    writeln!(out, "{}", report.advice())?;
    Ok(ExitCode::from(1))
}
