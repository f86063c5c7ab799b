//! Benchmarks live in `benches/`; this library holds what the comparison harnesses of
//! `scripts/compare` share (`src/bin/ofs-harness.rs`, `src/bin/bare-tantivy.rs`).

pub mod compare;
pub mod relevance;
