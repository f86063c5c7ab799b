//! Writes the paragraphs the indexer makes of a corpus as JSON lines, the common input of the
//! baseline engines in `scripts/compare` (its `PROTOCOL.md` gives the format):
//! `ofs-paragraphs corpus/ > paragraphs.jsonl`. One object per paragraph, in walk order, `id`
//! counting from 0; files the indexer would skip are reported on stderr and left out.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::parse;
use ofsearch_indexer::read::{self, Found};
use serde_json::json;

fn main() -> ExitCode {
    let inputs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if inputs.is_empty() {
        eprintln!("usage: ofs-paragraphs CORPUS_DIR... > paragraphs.jsonl");
        return ExitCode::from(2);
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let authorities = AuthorityTable::bundled();
    let mut id: u64 = 0;
    for found in read::walk(&inputs) {
        let path = match found {
            Found::File(path) => path,
            Found::Skipped(path, reason) => {
                eprintln!("{}: skipped: {reason}", path.display());
                continue;
            }
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("{}: skipped: {err}", path.display());
                continue;
            }
        };
        let text = match read::decode(&bytes) {
            Ok(text) => text,
            Err(reason) => {
                eprintln!("{}: skipped: {reason}", path.display());
                continue;
            }
        };
        let parsed = parse(text, &path.to_string_lossy(), &bytes, authorities);
        let r = &parsed.report;
        for p in &parsed.paragraphs {
            let line = json!({
                "id": id,
                "report_id": r.report_id,
                "ordinal": p.ordinal,
                "source": r.source,
                "authority": r.authority.as_deref().unwrap_or(""),
                "region": r.region.as_deref().unwrap_or(""),
                "year": r.year,
                "report_type": r.report_type.as_str(),
                "area": p.area_canonical.as_str(),
                "grade": p.grade.as_str(),
                "kind": p.kind.as_str(),
                "section": p.section.join(" > "),
                "text": p.text,
            });
            if writeln!(out, "{line}").is_err() {
                // Closed pipe (e.g. `| head`): stop quietly.
                return ExitCode::SUCCESS;
            }
            id += 1;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
