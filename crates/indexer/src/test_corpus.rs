//! The bundled reports' text, for unit tests that check a scanner against its definition on
//! real lines (the integration tests have their own reader, `tests/common`).

use std::path::PathBuf;

/// Every readable file of `corpus/reports` with its text, in directory order.
pub(crate) fn report_texts() -> impl Iterator<Item = (PathBuf, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/reports");
    std::fs::read_dir(dir)
        .expect("corpus/reports")
        .filter_map(|entry| {
            let path = entry.expect("dir entry").path();
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path, text))
        })
}
