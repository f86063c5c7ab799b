//! Bare tantivy, the ceiling of `scripts/compare` (its `PROTOCOL.md`): the same paragraphs as
//! ofsearch, read from the paragraph file instead of parsed from the reports, in a plain tantivy
//! index, and the same query specs, built by hand from tantivy's own queries. What ofsearch
//! takes beyond this is the cost of its parsing and tagging (index) and of its richer response
//! (query).
//!
//! `bare-tantivy index --paragraphs FILE --index DIR`: one document per paragraph: `text` with
//! tantivy's built-in `en_stem` analyzer (positions, stored), the tags as `STRING | FAST |
//! STORED`, `id` and `year` as `u64` `INDEXED | FAST | STORED`; the writer as ofsearch's
//! indexer sets it (one thread per core, 256 MiB budget, one commit, merges waited for).
//!
//! `bare-tantivy query --index DIR --queries FILE ...`: per spec a `BooleanQuery` of
//! `TermQuery`, `PhraseQuery` and `RegexQuery` (prefix) clauses, filters as unscored clauses,
//! boilerplate excluded; one pass collects `TopDocs` by BM25, `Count` and, when asked, facet
//! counts (a collector counting term ordinals of the tags' fast columns) and the matching
//! reports (the report ids' ordinals seen, per segment; `report_id` is `STRING | FAST`); snippets by
//! tantivy's `SnippetGenerator` for the top hits asked.

use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;
use std::ops::Bound;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use ofsearch_benches::compare::{self, Answer, Clause, Engine, QueryArgs, QuerySpec};
use serde::Deserialize;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, RegexQuery,
    TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, Score, SegmentOrdinal, SegmentReader, TantivyDocument,
    Term,
};

#[derive(Parser)]
#[command(about = "bare tantivy harness of scripts/compare (see its PROTOCOL.md)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index the paragraph file
    Index {
        /// The paragraph file (JSON lines, from `ofs-paragraphs`)
        #[arg(long)]
        paragraphs: PathBuf,
        /// The index directory (created; must be empty or absent)
        #[arg(long)]
        index: PathBuf,
    },
    /// Time the query set
    Query(QueryArgs),
}

/// The tag fields, as named in the paragraph file and the query specs.
const TAGS: [&str; 6] = [
    "authority",
    "region",
    "report_type",
    "area",
    "grade",
    "kind",
];

fn schema() -> Schema {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    builder.add_text_field("text", text);
    for tag in TAGS {
        builder.add_text_field(tag, STRING | FAST | STORED);
    }
    builder.add_text_field("report_id", STRING | FAST);
    builder.add_u64_field("id", INDEXED | FAST | STORED);
    builder.add_u64_field("year", INDEXED | FAST | STORED);
    builder.build()
}

/// One line of the paragraph file.
#[derive(Deserialize)]
struct Paragraph {
    id: u64,
    report_id: String,
    authority: String,
    region: String,
    year: Option<u64>,
    report_type: String,
    area: String,
    grade: String,
    kind: String,
    text: String,
}

fn index(paragraphs: &PathBuf, dir: &PathBuf) -> anyhow::Result<()> {
    let started = Instant::now();
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let index = Index::create_in_dir(dir, schema())
        .with_context(|| format!("creating an index in {}", dir.display()))?;
    let schema = index.schema();
    let field = |name: &str| schema.get_field(name);
    let text = field("text")?;
    let tags: Vec<Field> = TAGS.iter().map(|t| field(t)).collect::<Result<_, _>>()?;
    let (id, year, report_id) = (field("id")?, field("year")?, field("report_id")?);
    // As ofsearch's writer (crates/indexer/src/writer.rs): one thread per core, 256 MiB.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut writer: IndexWriter =
        index.writer_with_num_threads(threads, (256usize << 20).max(threads * (16 << 20)))?;
    let file = std::fs::File::open(paragraphs)
        .with_context(|| format!("opening {}", paragraphs.display()))?;
    let mut docs = 0u64;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", paragraphs.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let p: Paragraph = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}", paragraphs.display(), n + 1))?;
        let mut doc = TantivyDocument::default();
        doc.add_text(text, &p.text);
        for (field, value) in tags.iter().zip([
            &p.authority,
            &p.region,
            &p.report_type,
            &p.area,
            &p.grade,
            &p.kind,
        ]) {
            doc.add_text(*field, value);
        }
        doc.add_u64(id, p.id);
        doc.add_text(report_id, &p.report_id);
        if let Some(y) = p.year {
            doc.add_u64(year, y);
        }
        writer.add_document(doc)?;
        docs += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let out = serde_json::json!({
        "engine": "tantivy",
        "docs": docs,
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{out}");
    Ok(())
}

/// Counts of matches per value of each tag field and of the year: term ordinals of the fast
/// columns counted per segment, turned into values once per segment at the end.
struct Facets;

struct SegmentFacets {
    tags: Vec<(Option<StrColumn>, Vec<u64>)>,
    year: Column<u64>,
    years: BTreeMap<u64, u64>,
}

type FacetFruit = BTreeMap<String, BTreeMap<String, u64>>;

impl Collector for Facets {
    type Fruit = FacetFruit;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let fast = reader.fast_fields();
        let mut tags = Vec::with_capacity(TAGS.len());
        for tag in TAGS {
            let column = fast.str(tag)?;
            let n = column.as_ref().map_or(0, |c| c.num_terms());
            tags.push((column, vec![0u64; n]));
        }
        Ok(SegmentFacets {
            tags,
            year: fast.u64("year")?,
            years: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut out = FacetFruit::new();
        for fruit in fruits {
            for (field, counts) in fruit {
                let into = out.entry(field).or_default();
                for (value, count) in counts {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in &mut self.tags {
            if let Some(ord) = column.as_ref().and_then(|c| c.term_ords(doc).next()) {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
        if let Some(year) = self.year.first(doc) {
            *self.years.entry(year).or_default() += 1;
        }
    }

    fn harvest(self) -> FacetFruit {
        let mut out = FacetFruit::new();
        for (tag, (column, counts)) in TAGS.iter().zip(self.tags) {
            let Some(column) = column else { continue };
            let into: &mut BTreeMap<String, u64> = out.entry(tag.to_string()).or_default();
            let mut value = String::new();
            for (ord, count) in counts.into_iter().enumerate() {
                value.clear();
                if count > 0 && column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                    into.insert(value.clone(), count);
                }
            }
        }
        out.insert(
            "year".to_string(),
            self.years
                .into_iter()
                .map(|(y, c)| (y.to_string(), c))
                .collect(),
        );
        out
    }
}

/// The reports with a match: per segment, the ordinals of the report ids seen, turned into ids
/// at the end; merged across segments as a set of ids.
struct Reports;

struct SegmentReports {
    column: Option<StrColumn>,
    seen: Vec<bool>,
}

impl Collector for Reports {
    type Fruit = HashSet<String>;
    type Child = SegmentReports;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentReports> {
        let column = reader.fast_fields().str("report_id")?;
        let n = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentReports {
            column,
            seen: vec![false; n],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashSet<String>>) -> tantivy::Result<HashSet<String>> {
        let mut out = HashSet::new();
        for fruit in fruits {
            out.extend(fruit);
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentReports {
    type Fruit = HashSet<String>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(ord) = self.column.as_ref().and_then(|c| c.ords().first(doc)) {
            if let Some(seen) = self.seen.get_mut(ord as usize) {
                *seen = true;
            }
        }
    }

    fn harvest(self) -> HashSet<String> {
        let mut out = HashSet::new();
        let Some(column) = self.column else {
            return out;
        };
        let ords: Vec<u64> = (self.seen.iter().enumerate())
            .filter(|(_, &seen)| seen)
            .map(|(ord, _)| ord as u64)
            .collect();
        let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            out.insert(String::from_utf8_lossy(bytes).into_owned());
        });
        out
    }
}

/// A tantivy index opened for the query specs.
struct Bare {
    reader: IndexReader,
    text: Field,
    id: Field,
    year: Field,
    tags: BTreeMap<&'static str, Field>,
    analyzer: TextAnalyzer,
}

impl Bare {
    fn open(dir: &PathBuf) -> anyhow::Result<Bare> {
        let index =
            Index::open_in_dir(dir).with_context(|| format!("opening {}", dir.display()))?;
        let schema = index.schema();
        let text = schema.get_field("text")?;
        let mut tags = BTreeMap::new();
        for tag in TAGS {
            tags.insert(tag, schema.get_field(tag)?);
        }
        let analyzer = index.tokenizer_for_field(text)?;
        Ok(Bare {
            reader: index.reader()?,
            id: schema.get_field("id")?,
            year: schema.get_field("year")?,
            text,
            tags,
            analyzer,
        })
    }

    fn clause(&self, c: &Clause) -> anyhow::Result<Box<dyn Query>> {
        let mut analyzer = self.analyzer.clone();
        Ok(match c {
            Clause::Term(text) | Clause::Phrase(text) => {
                let mut stream = analyzer.token_stream(text);
                let mut terms = Vec::new();
                while let Some(token) = stream.next() {
                    terms.push((
                        token.position,
                        Term::from_field_text(self.text, &token.text),
                    ));
                }
                match terms.len() {
                    0 => Box::new(EmptyQuery),
                    1 => Box::new(TermQuery::new(
                        terms[0].1.clone(),
                        IndexRecordOption::WithFreqs,
                    )),
                    _ => Box::new(PhraseQuery::new_with_offset(terms)),
                }
            }
            Clause::Prefix(start) => {
                if !start.chars().all(char::is_alphanumeric) || start.is_empty() {
                    bail!("prefix {start:?} is not one plain word");
                }
                let pattern = format!("{}.*", start.to_lowercase());
                Box::new(RegexQuery::from_pattern(&pattern, self.text)?)
            }
        })
    }

    fn query(&self, spec: &QuerySpec) -> anyhow::Result<BooleanQuery> {
        let unscored =
            |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(q, 0.0)) };
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in &spec.must {
            clauses.push((Occur::Must, self.clause(c)?));
        }
        if !spec.should.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = spec
                .should
                .iter()
                .map(|c| Ok((Occur::Should, self.clause(c)?)))
                .collect::<anyhow::Result<_>>()?;
            match spec.min_should() {
                0 => clauses.extend(any),
                min => clauses.push((
                    Occur::Must,
                    Box::new(BooleanQuery::with_minimum_required_clauses(any, min)),
                )),
            }
        }
        if clauses.is_empty() {
            bail!("no positive clause");
        }
        for c in &spec.must_not {
            clauses.push((Occur::MustNot, self.clause(c)?));
        }
        clauses.push((Occur::MustNot, term(self.tags["kind"], "boilerplate")));
        let f = &spec.filters;
        for (tag, values) in [
            ("authority", &f.authority),
            ("region", &f.region),
            ("report_type", &f.report_type),
            ("area", &f.area),
            ("grade", &f.grade),
            ("kind", &f.kind),
        ] {
            if values.is_empty() {
                continue;
            }
            let field = self.tags[tag];
            let any = values
                .iter()
                .map(|v| (Occur::Should, term(field, v)))
                .collect();
            clauses.push((Occur::Must, unscored(Box::new(BooleanQuery::new(any)))));
        }
        if let Some([from, to]) = f.year {
            clauses.push((
                Occur::Must,
                unscored(Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(self.year, from)),
                    Bound::Included(Term::from_field_u64(self.year, to)),
                ))),
            ));
        }
        Ok(BooleanQuery::new(clauses))
    }
}

impl Engine for Bare {
    type Request = ();

    fn name(&self) -> &str {
        "tantivy"
    }

    fn version(&self) -> String {
        "tantivy 0.27 (Rust, bare: en_stem, hand-built queries)".to_string()
    }

    fn prepare(&self, spec: &QuerySpec) -> anyhow::Result<()> {
        self.query(spec)?;
        Ok(())
    }

    fn execute(&self, spec: &QuerySpec, _: &()) -> anyhow::Result<Answer> {
        let query = self.query(spec)?;
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(spec.limit.max(1)).order_by_score();
        let (top, total, facets, reports) = if spec.facets || spec.reports {
            let counts = (
                spec.facets.then_some(Facets),
                spec.reports.then_some(Reports),
            );
            let (top, (total, (facets, reports))) =
                searcher.search(&query, &(top, (Count, counts)))?;
            (top, total, facets, reports.map(|r| r.len() as u64))
        } else {
            let (top, total) = searcher.search(&query, &(top, Count))?;
            (top, total, None, None)
        };
        let mut ids = Vec::with_capacity(top.len());
        let mut snippets = Vec::new();
        let generator = if spec.snippets > 0 {
            Some(SnippetGenerator::create(&searcher, &query, self.text)?)
        } else {
            None
        };
        for (rank, (_, address)) in top.into_iter().take(spec.limit).enumerate() {
            match &generator {
                Some(generator) if rank < spec.snippets => {
                    let doc: TantivyDocument = searcher.doc(address)?;
                    snippets.push(generator.snippet_from_doc(&doc).to_html());
                    ids.push(doc.get_first(self.id).and_then(|v| v.as_u64()));
                }
                _ => {
                    let column = searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .u64("id")?;
                    ids.push(column.first(address.doc_id));
                }
            }
        }
        Ok(Answer {
            total: total as u64,
            top: ids
                .into_iter()
                .flatten()
                .map(serde_json::Value::from)
                .collect(),
            facets,
            reports,
            snippets,
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index {
            paragraphs,
            index: dir,
        } => index(&paragraphs, &dir),
        Command::Query(args) => {
            Bare::open(&args.index).and_then(|bare| compare::run_queries(&bare, &args))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bare-tantivy: {err:#}");
            ExitCode::from(2)
        }
    }
}
