//! Prints how the indexer reads one report file: its metadata, then every paragraph with its
//! tags, in the golden-file format. For reviewing recognition on any report:
//! `cargo run -p ofsearch-indexer --example parse -- corpus/reports/report-0053.txt`.

use std::process::ExitCode;

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::{parse, read};

fn main() -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("{path}: {err}");
                status = ExitCode::FAILURE;
                continue;
            }
        };
        match read::decode(&bytes) {
            Ok(text) => print!(
                "{}",
                parse(text, &path, &bytes, AuthorityTable::bundled()).render()
            ),
            Err(reason) => {
                eprintln!("{path}: skipped: {reason}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
