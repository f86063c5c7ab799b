//! Tokenizer throughput on the bundled reports: ofsearch's tokenizer (ASCII fast path) against
//! its own reference (`unicode_word_indices` over the whole text), tantivy's `SimpleTokenizer`
//! (alone and with `LowerCaser`, which ofsearch's tokenizer does itself) and the full stemmed
//! analyzer.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ofsearch_schema::tokenizer::{reference_tokens, stemmed_analyzer, OfsTokenizer};
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer, TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

/// Every `corpus/reports/*.txt`, concatenated (lossily decoded), in file-name order.
fn corpus() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/reports");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir:?}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let mut text = String::new();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        text.push_str(&String::from_utf8_lossy(&bytes));
        text.push('\n');
    }
    text
}

/// Runs a tokenizer over `text`, summing the token lengths so nothing is optimised away.
fn drain<T: Tokenizer>(tokenizer: &mut T, text: &str) -> usize {
    let mut stream = tokenizer.token_stream(text);
    let mut total = 0;
    while stream.advance() {
        total += stream.token().text.len();
    }
    total
}

/// Runs an analyzer over `text`, summing the token lengths.
fn drain_analyzer(analyzer: &mut TextAnalyzer, text: &str) -> usize {
    let mut stream = analyzer.token_stream(text);
    let mut total = 0;
    while stream.advance() {
        total += stream.token().text.len();
    }
    total
}

fn tokenizers(c: &mut Criterion) {
    let text = corpus();
    let mut group = c.benchmark_group("tokenize_reports");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);

    let mut ofs = OfsTokenizer::default();
    group.bench_function("ofs_tokenizer", |b| {
        b.iter(|| drain(&mut ofs, black_box(&text)))
    });
    // The same text with every non-ASCII character replaced by a space: the fast path alone.
    let ascii: String = text
        .chars()
        .map(|c| if c.is_ascii() { c } else { ' ' })
        .collect();
    group.bench_function("ofs_tokenizer_ascii_only", |b| {
        b.iter(|| drain(&mut ofs, black_box(&ascii)))
    });
    let mut simple = SimpleTokenizer::default();
    group.bench_function("tantivy_simple", |b| {
        b.iter(|| drain(&mut simple, black_box(&text)))
    });
    let mut simple_lower = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .build();
    group.bench_function("tantivy_simple_lowercaser", |b| {
        b.iter(|| drain_analyzer(&mut simple_lower, black_box(&text)))
    });
    group.bench_function("unicode_word_indices", |b| {
        b.iter(|| black_box(&text).unicode_word_indices().count())
    });
    group.bench_function("ofs_reference_tokens", |b| {
        b.iter(|| reference_tokens(black_box(&text)).len())
    });
    let mut stemmed = stemmed_analyzer();
    group.bench_function("ofs_stem_analyzer", |b| {
        b.iter(|| drain_analyzer(&mut stemmed, black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, tokenizers);
criterion_main!(benches);
