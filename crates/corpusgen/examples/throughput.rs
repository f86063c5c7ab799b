//! How fast reports are printed, without the disk: reads the bundled corpus, then renders
//! reports in memory up to a size (default 1000 MB) and prints MB/s.
//!
//! `cargo run --release -p ofsearch-corpusgen --example throughput -- [MB]`

use std::path::Path;
use std::time::Instant;

use ofsearch_corpusgen::{Generator, Model};

fn main() {
    let mb: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let started = Instant::now();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let model = match Model::load(&corpus) {
        Ok(model) => model,
        Err(e) => {
            eprintln!("throughput: {e}");
            std::process::exit(2);
        }
    };
    let loaded = Instant::now();
    let mut generator = Generator::new(&model, 7);
    let mut out = String::new();
    let (mut bytes, mut reports) = (0u64, 0u64);
    while bytes < mb * 1_000_000 {
        out.clear();
        generator.next_into(&mut out);
        bytes += out.len() as u64;
        reports += 1;
    }
    let seconds = loaded.elapsed().as_secs_f64();
    println!(
        "templates read in {:.1} s; {reports} reports, {bytes} bytes rendered in {seconds:.2} s: {:.0} MB/s",
        (loaded - started).as_secs_f64(),
        bytes as f64 / 1e6 / seconds
    );
}
