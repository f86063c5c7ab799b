//! Counting every match: the facet counts of the seven dimensions and the matching reports,
//! at memory speed.
//!
//! What a count needs of a segment depends only on the segment, never on the request, so it is
//! read once, when a [`Searcher`](crate::Searcher) first counts (or is warmed), and kept for as
//! long as the segment lives, shared by every request and thread and by the searchers
//! [`refreshed`](crate::Searcher::refreshed) from one another ([`SegmentTable`], cached by
//! segment id in [`TableCache`]):
//!
//! - by document, its report's ordinal (`u32`) and its (area, grade, kind) combination
//!   (`u16`): two array reads per match instead of four column decodings;
//! - by report ordinal, the report's key (its id as a number) and the ordinals of its
//!   report-level values (authority, region, type, year), counted once per matching report,
//!   weighted by its matches;
//! - the names of every value, so that no request walks a column's dictionary.
//!
//! Across the segments of one commit, [`Tables`] maps each segment's value ordinals to one
//! numbering per dimension, so that a request's counts are a few dense arrays added together
//! and named once, at the end.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyError};

use crate::search::{FacetCount, FACETS};

/// The dimensions, in [`FACETS`]' order.
const AUTHORITY: usize = 0;
const REGION: usize = 1;
const YEAR: usize = 2;
const TYPE: usize = 3;
const AREA: usize = 4;
const GRADE: usize = 5;
const KIND: usize = 6;
const DIMENSIONS: usize = FACETS.len();

/// The dimensions that are the same on every paragraph of a report, in the order of
/// [`SegmentTable::report_values`].
const REPORT_DIMENSIONS: [usize; 4] = [AUTHORITY, REGION, TYPE, YEAR];

/// The value counted for a paragraph without one (no authority or region recognised, no year).
pub(crate) const UNKNOWN: &str = "unknown";

/// `report_of` for a document without a report id (none in an index ofsearch wrote).
const NO_REPORT: u32 = u32::MAX;

/// Documents read at a time while a table is built.
const BATCH: usize = 4096;

/// What counting needs of one segment (module documentation).
#[derive(Debug)]
pub(crate) struct SegmentTable {
    /// By document: its report's ordinal, or [`NO_REPORT`].
    report_of: Vec<u32>,
    /// By document: its combination `(area * grades + grade) * kinds + kind` of value
    /// ordinals, the last ordinal of each dimension standing for "none".
    combination_of: Vec<u16>,
    /// Value ordinals per dimension, "none" included: the sizes of the combinations' parts.
    grades: usize,
    kinds: usize,
    /// By report ordinal: the report's key (its id's 16 hex digits as a number), if it has one.
    keys: Vec<Option<u64>>,
    /// By report ordinal: its values' ordinals in [`REPORT_DIMENSIONS`] order.
    report_values: Vec<[u32; 4]>,
    /// By dimension, by value ordinal: the value's name ("" for none).
    names: [Vec<String>; DIMENSIONS],
    /// By combination: its kind's prior ([`crate::rank::kind_prior`]; 1 without a kind).
    kind_priors: Vec<Score>,
}

/// A keyword column's terms by ordinal, then "" for documents without one.
fn terms(column: &Option<StrColumn>) -> tantivy::Result<Vec<String>> {
    let mut names = match column {
        Some(column) => crate::columns::all_terms(column)?,
        None => Vec::new(),
    };
    names.push(String::new());
    Ok(names)
}

/// Reads a batch of documents' first ordinals, "none" as `none`.
fn read_ords(column: &Option<StrColumn>, docs: &[DocId], none: u64, out: &mut Vec<u64>) {
    out.clear();
    match column {
        Some(column) => {
            let mut values = vec![None; docs.len()];
            column.ords().first_vals(docs, &mut values);
            out.extend(values.into_iter().map(|v| v.unwrap_or(none)));
        }
        None => out.resize(docs.len(), none),
    }
}

impl SegmentTable {
    /// Reads what counting needs of a segment: every document's report and combination, each
    /// report's values. Linear in the segment's documents.
    pub(crate) fn read(reader: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let fast = reader.fast_fields();
        let open = |name: &str| fast.str(name);
        let [authority, region, _, report_type, area, grade, kind] = FACETS.map(|(_, column)| {
            if column == "year" {
                Ok(None)
            } else {
                open(column)
            }
        });
        let (authority, region, report_type) = (authority?, region?, report_type?);
        let (area, grade, kind) = (area?, grade?, kind?);
        let report = open("report_id")?;
        let year: Option<Column<u64>> = fast.u64("year").ok();

        let mut names: [Vec<String>; DIMENSIONS] = Default::default();
        names[AUTHORITY] = terms(&authority)?;
        names[REGION] = terms(&region)?;
        names[TYPE] = terms(&report_type)?;
        names[AREA] = terms(&area)?;
        names[GRADE] = terms(&grade)?;
        names[KIND] = terms(&kind)?;
        let none = |dimension: usize| (names[dimension].len() - 1) as u64;
        let (area_none, grade_none, kind_none) = (none(AREA), none(GRADE), none(KIND));
        let (grades, kinds) = (names[GRADE].len(), names[KIND].len());
        let combinations = names[AREA].len() * grades * kinds;
        if combinations > usize::from(u16::MAX) + 1 {
            return Err(TantivyError::InternalError(format!(
                "the index holds {combinations} combinations of area, grade and kind, more than \
                 the vocabularies of any index ofsearch writes"
            )));
        }

        let keys: Vec<Option<u64>> = terms(&report)?
            .iter()
            .take(report.as_ref().map_or(0, |c| c.num_terms()))
            .map(|id| u64::from_str_radix(id, 16).ok())
            .collect();
        let max_doc = reader.max_doc() as usize;
        let mut table = SegmentTable {
            report_of: Vec::with_capacity(max_doc),
            combination_of: Vec::with_capacity(max_doc),
            grades,
            kinds,
            report_values: vec![[u32::MAX; 4]; keys.len()],
            keys,
            kind_priors: (0..combinations)
                .map(|c| {
                    let kind = names[KIND].get(c % kinds).and_then(|k| k.parse().ok());
                    kind.map_or(1.0, crate::rank::kind_prior)
                })
                .collect(),
            names,
        };
        let mut years: HashMap<u64, u32> = HashMap::new();
        let mut year_names: Vec<String> = Vec::new();
        let (mut reports, mut areas, mut grade_ords, mut kind_ords) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let docs: Vec<DocId> = (0..reader.max_doc()).collect();
        for batch in docs.chunks(BATCH) {
            read_ords(&report, batch, u64::from(NO_REPORT), &mut reports);
            read_ords(&area, batch, area_none, &mut areas);
            read_ords(&grade, batch, grade_none, &mut grade_ords);
            read_ords(&kind, batch, kind_none, &mut kind_ords);
            for (i, &doc) in batch.iter().enumerate() {
                let combination = (areas[i] as usize * grades + grade_ords[i] as usize) * kinds
                    + kind_ords[i] as usize;
                table.combination_of.push(combination as u16);
                let report_ord = u32::try_from(reports[i]).unwrap_or(NO_REPORT);
                table.report_of.push(report_ord);
                // A report's values are read from its first paragraph (the report's own record
                // has no kind and no region).
                let is_paragraph = kind_ords[i] != kind_none;
                let Some(values) = table.report_values.get_mut(report_ord as usize) else {
                    continue;
                };
                if !is_paragraph || values[0] != u32::MAX {
                    continue;
                }
                let ord = |column: &Option<StrColumn>, dimension: usize| -> u32 {
                    let first = column.as_ref().and_then(|c| c.ords().first(doc));
                    first.unwrap_or((table.names[dimension].len() - 1) as u64) as u32
                };
                let year = year.as_ref().and_then(|c| c.first(doc));
                let next = years.len() as u32;
                let year = match year {
                    Some(y) => *years.entry(y).or_insert_with(|| {
                        year_names.push(y.to_string());
                        next
                    }),
                    None => u32::MAX - 1,
                };
                *values = [
                    ord(&authority, AUTHORITY),
                    ord(&region, REGION),
                    ord(&report_type, TYPE),
                    year,
                ];
            }
        }
        // The year's "none" is the ordinal after the years found.
        year_names.push(String::new());
        let year_none = (year_names.len() - 1) as u32;
        for values in &mut table.report_values {
            if values[3] == u32::MAX - 1 || values[3] == u32::MAX {
                values[3] = year_none;
            }
            for (slot, dimension) in values.iter_mut().zip(REPORT_DIMENSIONS).take(3) {
                if *slot == u32::MAX {
                    *slot = (table.names[dimension].len() - 1) as u32;
                }
            }
        }
        table.names[YEAR] = year_names;
        Ok(table)
    }

    /// The kind prior of a document (1 for one this table does not hold).
    #[inline]
    pub(crate) fn kind_prior(&self, doc: DocId) -> Score {
        self.combination_of
            .get(doc as usize)
            .and_then(|&c| self.kind_priors.get(usize::from(c)))
            .copied()
            .unwrap_or(1.0)
    }

    /// Heap bytes held (the arrays; names are small).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.report_of.capacity() * 4
            + self.combination_of.capacity() * 2
            + self.keys.capacity() * 16
            + self.report_values.capacity() * 16
    }
}

/// Segment tables by segment id, kept across the searchers refreshed from one another (a
/// segment never changes; its deletions do not change what the tables say of its documents).
#[derive(Debug, Default, Clone)]
pub(crate) struct TableCache(Arc<Mutex<HashMap<SegmentId, Arc<SegmentTable>>>>);

/// The tables of one commit's segments, with one numbering of each dimension's values.
#[derive(Debug)]
pub(crate) struct Tables {
    /// By segment ordinal.
    segments: Vec<Arc<SegmentTable>>,
    /// By segment ordinal: the segment's id.
    ids: Vec<SegmentId>,
    /// By segment ordinal, by dimension, by the segment's value ordinal: the value's number.
    numbers: Vec<[Vec<u32>; DIMENSIONS]>,
    /// By dimension, by number: the value's name ([`UNKNOWN`] for none and for "").
    names: [Vec<String>; DIMENSIONS],
}

impl Tables {
    /// The tables of `searcher`'s segments: those in `cache` reused, the others read (on the
    /// search threads) and added to it; the cache then holds only this commit's segments.
    pub(crate) fn read(
        searcher: &tantivy::Searcher,
        cache: &TableCache,
    ) -> tantivy::Result<Tables> {
        let readers = searcher.segment_readers();
        let cached: Vec<Option<Arc<SegmentTable>>> = {
            let held = cache.0.lock().unwrap_or_else(|e| e.into_inner());
            readers
                .iter()
                .map(|r| held.get(&r.segment_id()).cloned())
                .collect()
        };
        let executor = searcher.index().search_executor();
        let segments = executor.map(
            |(reader, cached): (&SegmentReader, Option<Arc<SegmentTable>>)| match cached {
                Some(table) => Ok(table),
                None => SegmentTable::read(reader).map(Arc::new),
            },
            readers.iter().zip(cached),
        )?;
        {
            let mut held = cache.0.lock().unwrap_or_else(|e| e.into_inner());
            held.clear();
            for (reader, table) in readers.iter().zip(&segments) {
                held.insert(reader.segment_id(), table.clone());
            }
        }
        let ids = readers.iter().map(|r| r.segment_id()).collect();
        Ok(Tables::number(segments, ids))
    }

    /// The table of the segment with this id.
    pub(crate) fn segment(&self, id: SegmentId) -> Option<&Arc<SegmentTable>> {
        let at = self.ids.iter().position(|&i| i == id)?;
        self.segments.get(at)
    }

    /// One numbering of each dimension's values over the segments' tables.
    fn number(segments: Vec<Arc<SegmentTable>>, ids: Vec<SegmentId>) -> Tables {
        let mut names: [Vec<String>; DIMENSIONS] = Default::default();
        let mut index: [HashMap<String, u32>; DIMENSIONS] = Default::default();
        let mut numbers = Vec::with_capacity(segments.len());
        for table in &segments {
            let mut by_dimension: [Vec<u32>; DIMENSIONS] = Default::default();
            for (dimension, local) in table.names.iter().enumerate() {
                by_dimension[dimension] = local
                    .iter()
                    .map(|name| {
                        let name = if name.is_empty() { UNKNOWN } else { name };
                        let next = names[dimension].len() as u32;
                        *index[dimension].entry(name.to_string()).or_insert_with(|| {
                            names[dimension].push(name.to_string());
                            next
                        })
                    })
                    .collect();
            }
            numbers.push(by_dimension);
        }
        Tables {
            segments,
            ids,
            numbers,
            names,
        }
    }

    /// Heap bytes held by the segments' tables.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.segments.iter().map(|t| t.heap_bytes()).sum()
    }
}

/// What the match collector gathers for one report: its matching paragraphs and the best of
/// them (by score).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReportMatches {
    pub count: u64,
    pub best_score: Score,
    pub best: DocAddress,
}

/// Matching reports by report key (the report id's 16 hex digits as a number, so the same
/// order as the ids).
pub(crate) type Reports = FxHashMap<u64, ReportMatches>;

/// Counts by dimension, by value number ([`Tables::names`]).
#[derive(Debug, Default)]
pub(crate) struct Tally {
    counts: [Vec<u64>; DIMENSIONS],
}

impl Tally {
    fn new(tables: &Tables) -> Tally {
        Tally {
            counts: std::array::from_fn(|d| vec![0; tables.names[d].len()]),
        }
    }

    fn add(&mut self, other: &Tally) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }

    /// Facet counts by field, each list by count (highest first), then value; every dimension
    /// present, empty when nothing matched.
    pub(crate) fn facets(&self, tables: &Tables) -> BTreeMap<String, Vec<FacetCount>> {
        let mut out = BTreeMap::new();
        for (dimension, (field, _)) in FACETS.iter().enumerate() {
            let mut list: Vec<FacetCount> = self.counts[dimension]
                .iter()
                .enumerate()
                .filter(|(_, &count)| count > 0)
                .map(|(number, &count)| FacetCount {
                    value: tables.names[dimension][number].clone(),
                    count,
                })
                .collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            out.insert(field.as_str().to_string(), list);
        }
        out
    }
}

/// Collects, in the same pass as the hits, everything a response says about all matches: the
/// facet counts of the seven dimensions and, for every report with a matching paragraph, its
/// number of matches and its best one (the `reports` count and `--group-by report`).
pub(crate) struct MatchCollector {
    pub tables: Arc<Tables>,
}

/// One report's matches in a segment.
#[derive(Clone, Copy)]
struct SegmentReport {
    count: u64,
    best_score: Score,
    best: DocId,
}

pub(crate) struct MatchSegmentCollector {
    segment: SegmentOrdinal,
    tables: Arc<Tables>,
    /// By report ordinal; `count == 0` for reports without a match.
    reports: Vec<SegmentReport>,
    /// Matches of paragraphs without a report id (none in an index ofsearch wrote).
    orphans: u64,
    /// By combination of area, grade and kind.
    combinations: Vec<u64>,
}

impl Collector for MatchCollector {
    type Fruit = (Tally, Reports);
    type Child = MatchSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<MatchSegmentCollector> {
        let table = self.tables.segments.get(segment as usize).ok_or_else(|| {
            TantivyError::InternalError(format!("no count table for segment {segment}"))
        })?;
        let empty = SegmentReport {
            count: 0,
            best_score: Score::NEG_INFINITY,
            best: 0,
        };
        let combinations = table.names[AREA].len() * table.grades * table.kinds;
        Ok(MatchSegmentCollector {
            segment,
            reports: vec![empty; table.keys.len()],
            orphans: 0,
            combinations: vec![0; combinations],
            tables: self.tables.clone(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<(Tally, Reports)>) -> tantivy::Result<(Tally, Reports)> {
        let mut tally = Tally::new(&self.tables);
        let mut reports = Reports::default();
        for (fruit_tally, fruit_reports) in fruits {
            tally.add(&fruit_tally);
            if reports.is_empty() {
                reports = fruit_reports;
                continue;
            }
            for (id, m) in fruit_reports {
                reports
                    .entry(id)
                    .and_modify(|e| {
                        e.count += m.count;
                        if m.best_score > e.best_score {
                            e.best_score = m.best_score;
                            e.best = m.best;
                        }
                    })
                    .or_insert(m);
            }
        }
        Ok((tally, reports))
    }
}

impl SegmentCollector for MatchSegmentCollector {
    type Fruit = (Tally, Reports);

    fn collect(&mut self, doc: DocId, score: Score) {
        let table = &self.tables.segments[self.segment as usize];
        let doc = doc as usize;
        match table
            .report_of
            .get(doc)
            .and_then(|&ord| self.reports.get_mut(ord as usize))
        {
            Some(r) => {
                r.count += 1;
                if score > r.best_score {
                    r.best_score = score;
                    r.best = doc as DocId;
                }
            }
            None => self.orphans += 1,
        }
        if let Some(&c) = table.combination_of.get(doc) {
            if let Some(count) = self.combinations.get_mut(usize::from(c)) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> (Tally, Reports) {
        let tables = &self.tables;
        let segment = self.segment as usize;
        let (table, numbers) = (&tables.segments[segment], &tables.numbers[segment]);
        let mut tally = Tally::new(tables);
        let mut add = |dimension: usize, ord: usize, n: u64| {
            if let Some(&number) = numbers[dimension].get(ord) {
                tally.counts[dimension][number as usize] += n;
            }
        };
        // Paragraph-level dimensions, by combination.
        let (grades, kinds) = (table.grades, table.kinds);
        for (c, &n) in self.combinations.iter().enumerate().filter(|(_, &n)| n > 0) {
            add(AREA, c / (grades * kinds), n);
            add(GRADE, c / kinds % grades, n);
            add(KIND, c % kinds, n);
        }
        // Report-level dimensions: each matching report's values, weighted by its matches.
        let mut reports = Reports::default();
        for (ord, r) in self.reports.iter().enumerate().filter(|(_, r)| r.count > 0) {
            for (value, dimension) in table.report_values[ord].iter().zip(REPORT_DIMENSIONS) {
                add(dimension, *value as usize, r.count);
            }
            if let Some(key) = table.keys[ord] {
                reports.insert(
                    key,
                    ReportMatches {
                        count: r.count,
                        best_score: r.best_score,
                        best: DocAddress::new(self.segment, r.best),
                    },
                );
            }
        }
        if self.orphans > 0 {
            for dimension in REPORT_DIMENSIONS {
                let none = table.names[dimension].len() - 1;
                add(dimension, none, self.orphans);
            }
        }
        (tally, reports)
    }
}
