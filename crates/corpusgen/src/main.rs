//! `ofsearch-gen`: writes a synthetic corpus of a given size from the bundled one.
//!
//! `ofsearch-gen --size 1GB --seed 7 --out DIR [--corpus corpus/]`

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::Parser;
use ofsearch_corpusgen::{generate, parse_size, prepare_out, Model, Options};

/// Writes a synthetic corpus of Ofsted children's services reports, built from the bundled
/// reports' structure and sentences, for benchmarks. The same seed and size give the same
/// bytes on any machine; a smaller size gives a prefix of a larger one.
#[derive(Debug, Parser)]
#[command(name = "ofsearch-gen", version)]
struct Args {
    /// Stop once the reports written reach this size: bytes, or with a unit: KB, MB, GB, TB
    /// (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024); e.g. 25MB, 1GB, 1.5GiB.
    #[arg(long)]
    size: String,
    /// Seed of the generator.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Output folder (created; must be empty): reports in subfolders of 1000, and manifest.csv.
    #[arg(long)]
    out: PathBuf,
    /// The bundled corpus to take templates from [default: ./corpus if there is one, else the
    /// repository's corpus/].
    #[arg(long)]
    corpus: Option<PathBuf>,
}

/// The corpus to read: as given, else `./corpus`, else the repository's.
fn corpus_dir(given: Option<&PathBuf>) -> PathBuf {
    match given {
        Some(path) => path.clone(),
        None if Path::new("corpus").is_dir() => PathBuf::from("corpus"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus"),
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let size = parse_size(&args.size)?;
    prepare_out(&args.out)?;
    let started = Instant::now();
    let corpus = corpus_dir(args.corpus.as_ref());
    let model = Model::load(&corpus)?;
    let loaded = started.elapsed().as_secs_f64();
    for (file, reason) in model.skipped() {
        eprintln!("ofsearch-gen: not a template: {file}: {reason}");
    }
    let (resampled, paragraphs) = model
        .templates()
        .iter()
        .fold((0, 0), |(r, p), t| (r + t.resampled.0, p + t.resampled.1));
    let (kept, drawn) = model.sentence_slots();
    eprintln!(
        "ofsearch-gen: {} templates in {} frameworks ({resampled} of their {paragraphs} paragraphs re-sampled: {drawn} sentences drawn, {kept} kept), {} sentences in {} pools, read from {} in {loaded:.1} s",
        model.templates().len(),
        model.groups().len(),
        model.pooled_sentences(),
        model.pool_count(),
        corpus.display(),
    );
    let options = Options {
        size,
        seed: args.seed,
        out: args.out.clone(),
    };
    let summary = generate(&model, &options)
        .with_context(|| format!("generating into {}", args.out.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let writing = (seconds - loaded).max(1e-9);
    println!(
        "ofsearch-gen: {} reports, {} bytes in {seconds:.1} s ({:.1} MB/s writing, {:.1} s reading templates) -> {}",
        summary.reports,
        summary.bytes,
        summary.bytes as f64 / 1e6 / writing,
        loaded,
        args.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ofsearch-gen: {e:#}");
            ExitCode::from(2)
        }
    }
}
