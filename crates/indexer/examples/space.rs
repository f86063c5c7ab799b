//! Prints where an index's bytes go, by component and field, summed over its segments:
//! `cargo run --release -p ofsearch-indexer --example space -- DIR`. For deciding what the index
//! stores and indexes (BENCHMARKS.md, index size).

use std::collections::BTreeMap;
use std::process::ExitCode;

use tantivy::space_usage::PerFieldSpaceUsage;
use tantivy::Index;

fn add(into: &mut BTreeMap<String, u64>, usage: &PerFieldSpaceUsage) {
    for field in usage.fields() {
        *into.entry(field.field_name().to_string()).or_default() += field.total().get_bytes();
    }
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: space INDEX_DIR");
        return ExitCode::from(2);
    };
    let index = match Index::open_in_dir(&dir) {
        Ok(index) => index,
        Err(err) => {
            eprintln!("{dir}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let searcher = match index.reader() {
        Ok(reader) => reader.searcher(),
        Err(err) => {
            eprintln!("{dir}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let usage = match searcher.space_usage() {
        Ok(usage) => usage,
        Err(err) => {
            eprintln!("{dir}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut parts: [(&str, BTreeMap<String, u64>); 5] = Default::default();
    for (i, name) in ["termdict", "postings", "positions", "fast", "fieldnorms"]
        .into_iter()
        .enumerate()
    {
        parts[i].0 = name;
    }
    let mut store = 0;
    for segment in usage.segments() {
        add(&mut parts[0].1, segment.termdict());
        add(&mut parts[1].1, segment.postings());
        add(&mut parts[2].1, segment.positions());
        add(&mut parts[3].1, segment.fast_fields());
        add(&mut parts[4].1, segment.fieldnorms());
        store += segment.store().total().get_bytes();
    }
    println!("{:>12}  store", store);
    for (name, fields) in &parts {
        let total: u64 = fields.values().sum();
        println!("{total:>12}  {name}");
        for (field, bytes) in fields {
            if *bytes > 0 {
                println!("{bytes:>12}      {field}");
            }
        }
    }
    println!("{:>12}  total", usage.total().get_bytes());
    ExitCode::SUCCESS
}
