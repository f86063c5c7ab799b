//! Indexes the query tests search, each built once per test binary in a temporary directory.
#![allow(dead_code)] // each test binary uses some of these

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ofsearch_indexer::{index_paths, IndexOptions};
use ofsearch_query::Searcher;
use tempfile::TempDir;

/// An index and the directory that holds it (removed when the binary ends).
pub struct Built {
    _dir: TempDir,
    pub searcher: Searcher,
}

fn build(path: PathBuf) -> Built {
    let dir = TempDir::new().expect("temp dir");
    let index = dir.path().join("idx");
    index_paths(&[path], &index, &IndexOptions::default()).expect("index");
    let searcher = Searcher::open(&index).expect("open");
    Built {
        _dir: dir,
        searcher,
    }
}

/// The bundled corpus.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// An index of the five sample reports.
pub fn samples() -> &'static Searcher {
    static BUILT: OnceLock<Built> = OnceLock::new();
    &BUILT
        .get_or_init(|| build(corpus().join("samples")))
        .searcher
}

/// An index of the whole bundled corpus.
pub fn whole() -> &'static Searcher {
    static BUILT: OnceLock<Built> = OnceLock::new();
    &BUILT.get_or_init(|| build(corpus())).searcher
}
