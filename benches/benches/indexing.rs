//! Indexing throughput on the bundled corpus (bytes of report text per second):
//! - `parse`: recognising, segmenting and tagging every report, one core, files already in
//!   memory (`ofsearch_indexer::parse`);
//! - `index_corpus`: the whole `ofsearch index` path (`index_paths`: walk, hash, read, parse,
//!   write with every core, commit, merges) into a fresh directory each time.
//!
//! `OFS_BENCH_CORPUS=DIR` measures another corpus (e.g. a generated one) instead of `corpus/`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::read::{self, Found};
use ofsearch_indexer::{index_paths, parse, IndexOptions};

fn corpus_dir() -> PathBuf {
    std::env::var_os("OFS_BENCH_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus"),
        PathBuf::from,
    )
}

/// Every report file of the corpus, read and decoded, with its path.
fn reports() -> Vec<(String, Vec<u8>)> {
    read::walk(&[corpus_dir()])
        .into_iter()
        .filter_map(|found| match found {
            Found::File(path) => {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
                read::decode(&bytes).ok()?;
                Some((path.to_string_lossy().into_owned(), bytes))
            }
            Found::Skipped(..) => None,
        })
        .collect()
}

fn parsing(c: &mut Criterion) {
    let reports = reports();
    let bytes: usize = reports.iter().map(|(_, b)| b.len()).sum();
    let authorities = AuthorityTable::bundled();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("parse_reports", |b| {
        b.iter(|| {
            let mut paragraphs = 0;
            for (source, bytes) in &reports {
                let text = read::decode(bytes).unwrap_or_default();
                paragraphs += parse(black_box(text), source, bytes, authorities)
                    .paragraphs
                    .len();
            }
            paragraphs
        })
    });
    group.finish();
}

fn indexing(c: &mut Criterion) {
    let bytes: usize = reports().iter().map(|(_, b)| b.len()).sum();
    let corpus = corpus_dir();
    let mut group = c.benchmark_group("index");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("index_corpus", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("temporary directory"),
            |dir| {
                let summary = index_paths(
                    std::slice::from_ref(&corpus),
                    &dir.path().join("index"),
                    &IndexOptions::default(),
                )
                .expect("indexing the corpus");
                (summary.paragraphs, dir)
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, parsing, indexing);
criterion_main!(benches);
