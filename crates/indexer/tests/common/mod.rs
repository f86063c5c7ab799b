//! The bundled reports of `corpus/reports`, read and parsed as the indexer does, for the tests
//! that run over the whole corpus.
#![allow(dead_code)] // each test binary uses some of these

use std::path::{Path, PathBuf};

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::{parse, Parsed};

/// `corpus/reports`.
pub fn reports_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/reports")
}

/// One report of `corpus/reports`, by file name (also its source name), parsed.
pub fn parse_report(file: &str) -> Parsed {
    let bytes = std::fs::read(reports_dir().join(file)).expect("report file");
    let text = String::from_utf8_lossy(&bytes);
    parse(&text, file, &bytes, AuthorityTable::bundled())
}

/// Every `.txt` report of `corpus/reports`, by file name in order, parsed.
pub fn all_reports() -> Vec<(String, Parsed)> {
    let mut files: Vec<String> = std::fs::read_dir(reports_dir())
        .expect("corpus/reports")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|name| {
            let parsed = parse_report(&name);
            (name, parsed)
        })
        .collect()
}
