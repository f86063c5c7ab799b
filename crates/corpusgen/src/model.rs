//! The generator's model of the bundled corpus: every report compiled into a template, and
//! pools of sentences to draw prose from.
//!
//! # Reading a template
//!
//! Each report is read by the indexer itself ([`ofsearch_indexer::parse`] for its type,
//! framework, authority, year and tagged paragraphs; the indexer's `recognise`, `lines` and
//! `segment` stages for its cover, judgement tables and the source lines of each block), never
//! by a second recogniser. The template is then the report's text cut into pieces:
//! - text kept as it is: the cover, title, dates, judgement tables, headings, tables,
//!   footnotes, boilerplate, page furniture and page breaks, and every line the recogniser
//!   reads (the head of the report is always kept);
//! - the authority's names, each printed again in the target's name of the same [`Style`]
//!   (a trust keeps its title: "Inspection of Bradford Children and Families Trust" becomes
//!   "Inspection of Leeds Children and Families Trust", which the indexer reads as an ILACS
//!   report on Leeds);
//! - the years that move with the report ([`crate::years`]);
//! - prose paragraphs to re-sample: paragraphs and bullet items of judgement, summary, context
//!   or recommendations text, outside the cover and the report's first 20 non-blank lines,
//!   clear of judgement tables and of the lines judgements are read from, and not laid out in
//!   columns (tabs, runs of spaces).
//!
//! The indexer's reading is most of the cost of loading: it runs on every core, and the
//! results are compiled in corpus order, so the model is the same whatever the cores.
//!
//! # Re-sampling prose
//!
//! A re-sampled paragraph keeps its place, its number or bullet, its indentation, its line
//! width, where a page break cuts it, and its count of sentences. Each sentence is a slot:
//! - most slots draw a sentence from a pool: the sentences of every paragraph of the same
//!   framework, canonical area, kind and shape (paragraph or bullet), across all templates,
//!   with their own authority names and years as pieces again. So "care leavers" talk stays in
//!   care-leaver sections of the same framework's reports;
//! - a sentence that may state a judgement stays in its slot: one with a grade word other than
//!   "good" ("requires improvement", "inadequate", "outstanding", "adequate", "performs
//!   well"), or "good" with a judgement's words ("The effectiveness of the LSCB is good",
//!   "Outcomes for children and young people in Hartlepool are good"). So does one that names
//!   a report type ("inspection of ...", "focused visit"), gives a full date, says when the
//!   inspection took place or was published, or names another authority. Every grade a report
//!   states stays its template's, so the judgements the indexer reads agree with everything
//!   else the report says, and nothing the recogniser keys on moves or appears anywhere new.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, LazyLock};

use ofsearch_indexer::authority::{Authority, AuthorityTable, ORG_WORDS};
use ofsearch_indexer::date::dates_in;
use ofsearch_indexer::grades::normalise;
use ofsearch_indexer::segment::{Block, BlockKind};
use ofsearch_indexer::{lines, parse, read, recognise, segment, Parsed};
use ofsearch_schema::{Area, Date, Kind, ReportType};
use regex::Regex;

use crate::targets::{targets, Style, Target};
use crate::years::{year_spans, SpanKind};
use crate::GenError;

/// A range of indices into one of the model's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span {
    pub(crate) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A piece of a template or a sentence.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Piece {
    /// Text printed as it is: a range of the arena.
    Text(Span),
    /// Digits that move with the report: `value` belongs to a report of year `source`.
    Moved {
        kind: SpanKind,
        value: i16,
        source: i16,
    },
    /// The authority's name.
    Name(Style),
    /// A re-sampled paragraph: an index into the paragraph specs.
    Paragraph(u32),
}

/// One sentence of a re-sampled paragraph.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot {
    /// The template's own sentence, kept: a span of pieces.
    Keep(Span),
    /// A sentence drawn from a pool.
    Draw(u32),
}

/// How to print a re-sampled paragraph.
#[derive(Debug, Clone)]
pub(crate) struct ParagraphSpec {
    /// The first line's start: indentation, page break, number or bullet (arena range).
    pub(crate) lead: Span,
    /// The indentation of the lines after the first (arena range).
    pub(crate) indent: Span,
    /// Line width in characters, counting the lead or indentation; 0: one line.
    pub(crate) width: u32,
    /// The sentences (range of the slot table).
    pub(crate) slots: Span,
    /// Lines in each run between page breaks (the last run takes any extra lines).
    pub(crate) runs: Vec<u32>,
    /// What stands between runs: page furniture, footnotes, form feeds (piece spans).
    pub(crate) gaps: Vec<Span>,
    /// Whether the paragraph's last line ended with a newline (not the file's last line).
    pub(crate) newline: bool,
}

/// A bundled report, compiled.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its path under the corpus folder, with `/` separators.
    pub file: String,
    /// Its framework group (index into [`Model::groups`]).
    pub group: usize,
    /// The report type the indexer gives it.
    pub report_type: ReportType,
    /// The framework edition the indexer gives it.
    pub framework: Option<String>,
    /// The year the indexer gives it.
    pub year: i32,
    /// The date that year comes from (inspection end, else letter, else publication).
    pub date: Date,
    /// Its authority.
    pub authority: Authority,
    /// Paragraphs re-sampled / paragraphs in all.
    pub resampled: (usize, usize),
    /// The pieces of its text.
    pub(crate) body: Span,
}

/// Reports of one framework (report type and edition), with the years it can be dated.
#[derive(Debug, Clone)]
pub struct Group {
    /// The framework edition, or the report type where there is none ("sif+lscb", "jar").
    pub name: String,
    /// Its templates, in corpus order.
    pub templates: Vec<usize>,
    /// The years reports of this framework can carry: the framework's period (DOMAIN.md),
    /// widened to every year its templates carry.
    pub years: Range<i32>,
    /// The targets that existed during some of those years (indices into [`Model::targets`]).
    pub targets: Vec<usize>,
}

/// The compiled corpus: templates, sentence pools, authorities.
#[derive(Debug)]
pub struct Model {
    pub(crate) arena: String,
    pub(crate) pieces: Vec<Piece>,
    pub(crate) slots: Vec<Slot>,
    pub(crate) paragraphs: Vec<ParagraphSpec>,
    pub(crate) pools: Vec<Vec<Span>>,
    templates: Vec<Template>,
    groups: Vec<Group>,
    targets: Vec<Target>,
    /// For each target, the number of groups whose period it existed in.
    pub(crate) spread: Vec<usize>,
    skipped: Vec<(String, String)>,
}

/// The period of a framework, by its group name (DOMAIN.md), as years (end exclusive).
fn framework_years(group: &str) -> Option<Range<i32>> {
    Some(match group {
        "jar" => 2005..2010,
        "apa" => 2005..2009,
        "unannounced-cra" | "safeguarding-lac" => 2009..2013,
        "children-services-assessment" => 2009..2012,
        "lac-2012" | "child-protection-2012" => 2012..2014,
        "sif" | "sif+lscb" | "sif-reinspection" | "lscb-review" => 2013..2019,
        "ilacs-2018" => 2018..2023,
        "ilacs-2023" => 2023..2027,
        "ilacs-2026" => 2026..2027,
        _ => return None,
    })
}

/// Paragraph kinds whose prose is re-sampled.
const PROSE: &[Kind] = &[
    Kind::Judgement,
    Kind::Summary,
    Kind::Context,
    Kind::Recommendations,
];

/// The head of a report (its first non-blank lines) is always kept: title, authority, dates.
const HEAD_LINES: usize = 20;

static TITLE_PHRASES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"joint area review|annual performance assessment|unannounced inspection|children's services assessment|inspections? of|re-?inspection|review of the effectiveness|focused visit|monitoring visit|joint targeted|impact of leaders on social work|children and families trust|(?:conducted|carried out|took place|undertaken) (?:on|between|from)|published|lead inspector|inspection dates?\b|yours (?:sincerely|faithfully)|\bdear ",
    )
    .expect("static regex")
});
/// Grade words that are rarely anything but a grade.
static STRONG_GRADE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:outstanding|inadequate|adequate|requires? improvement|performs? (?:excellently|well|adequately|poorly))\b")
        .expect("static regex")
});
/// "Good", a grade only in a judgement's words.
static GOOD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bgood\b").expect("static regex"));
static GRADE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"judge?ment|judged|effectiveness|children's services|outcomes for children|experiences and progress|impact of leaders|graded|\bgrades?\b|overall|lscb|safeguarding children board|adoption performance|leadership, management and governance|\bperforms?\b")
        .expect("static regex")
});

/// Whether a sentence must stay where it is (see the module documentation).
fn pinned(sentence: &str) -> bool {
    let n = normalise(sentence);
    TITLE_PHRASES.is_match(&n)
        || STRONG_GRADE.is_match(&n)
        || (GOOD.is_match(&n) && GRADE_CONTEXT.is_match(&n))
        || !dates_in(sentence).is_empty()
        || sentence.contains('\t')
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "mr", "mrs", "ms", "dr", "st", "no", "nos", "para", "paras", "cllr", "prof",
    "vs", "cf", "approx", "fig", "ref", "etc",
];

/// Splits text (single-spaced) into sentences: after `.`, `?` or `!` (and any closing quotes
/// or brackets) and a space, before a capital, digit or opening quote; not after an
/// abbreviation or an initial. A bracket after a sentence stays with it ("... children.
/// (outcome 3, national framework)").
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    const CLOSING: &[char] = &[')', '"', '\'', '’', '”', ']'];
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '?' | '!') || i < start {
            continue;
        }
        let mut j = i + 1;
        while let Some(close) = text[j..].chars().next().filter(|c| CLOSING.contains(c)) {
            j += close.len_utf8();
        }
        let mut rest = text[j..].chars();
        if rest.next() != Some(' ') {
            continue;
        }
        let opens = rest
            .next()
            .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || "\"‘“'".contains(n));
        if !opens {
            continue;
        }
        if c == '.' {
            let word = text[start..i].rsplit(' ').next().unwrap_or("");
            let word = word.trim_start_matches(['(', '"', '‘', '“']);
            let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
                continue;
            }
        }
        out.push(start..j);
        start = j + 1;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Something in a text that is not printed as it is: a name or moving digits.
#[derive(Debug, Clone)]
struct Event {
    range: Range<usize>,
    piece: Piece,
}

/// The byte ends of the readings of the authority's name starting at `start`: each run of
/// words from there (up to 9) that the table reads as the authority, shortest first.
fn name_ends(
    table: &AuthorityTable,
    text: &str,
    start: usize,
    authority: &Authority,
) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut words = 0;
    let mut in_word = false;
    let mut check = |end: usize| {
        if table.lookup(&text[start..end]) == Some(authority) {
            ends.push(end);
        }
    };
    for (i, c) in text[start..].char_indices() {
        let word_char = c.is_alphanumeric();
        if in_word && !word_char {
            words += 1;
            check(start + i);
        }
        if c == '&' {
            words += 1;
            check(start + i + 1);
        }
        in_word = word_char;
        if words >= 9 {
            break;
        }
    }
    if in_word && words < 9 {
        check(text.len());
    }
    ends
}

/// Names and moving years in `text`, in order, without overlaps; plus the byte ranges of
/// other authorities' names.
fn events(
    table: &AuthorityTable,
    text: &str,
    authority: &Authority,
    year: i32,
) -> (Vec<Event>, Vec<Range<usize>>) {
    let source = i16::try_from(year).unwrap_or(0);
    let mut out = Vec::new();
    let mut others = Vec::new();
    for (start, found) in table.find_all(text) {
        if found != authority {
            others.push(start..start + 1);
            continue;
        }
        let ends = name_ends(table, text, start, authority);
        let (Some(&shortest), Some(&longest)) = (ends.first(), ends.last()) else {
            continue;
        };
        let words = normalise(&text[start..longest]);
        let (end, style) = if words.split(' ').any(|w| w == "trust") {
            // "Bradford Children and Families Trust": the title that makes an ILACS report of
            // a trust; the place changes, the trust stays.
            (shortest, Style::Place)
        } else if words.split(' ').any(|w| ORG_WORDS.contains(&w)) {
            (longest, Style::Organisation)
        } else {
            (longest, Style::Place)
        };
        out.push(Event {
            range: start..end,
            piece: Piece::Name(style),
        });
    }
    for span in year_spans(text, year) {
        out.push(Event {
            range: span.range,
            piece: Piece::Moved {
                kind: span.kind,
                value: i16::try_from(span.value).unwrap_or(0),
                source,
            },
        });
    }
    out.sort_by_key(|e| e.range.start);
    let mut kept: Vec<Event> = Vec::with_capacity(out.len());
    for e in out {
        if kept.last().is_none_or(|k| k.range.end <= e.range.start) {
            kept.push(e);
        }
    }
    (kept, others)
}

/// Builds the model's tables.
#[derive(Default)]
struct Builder {
    arena: String,
    pieces: Vec<Piece>,
    slots: Vec<Slot>,
    paragraphs: Vec<ParagraphSpec>,
    pools: Vec<Vec<Span>>,
    pool_ids: BTreeMap<(String, Area, Kind, bool), u32>,
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Builder {
    /// Adds text to the arena, returning its range.
    fn store(&mut self, text: &str) -> Span {
        let start = index(self.arena.len());
        self.arena.push_str(text);
        Span {
            start,
            end: index(self.arena.len()),
        }
    }

    /// Pieces for `range` of a text stored at `base` in the arena, with the events inside it
    /// (sorted; events crossing the range's ends are printed as they are).
    fn region(&mut self, base: u32, range: Range<usize>, events: &[Event]) -> Span {
        let start = index(self.pieces.len());
        let mut at = range.start;
        let first = events.partition_point(|e| e.range.start < range.start);
        for e in &events[first..] {
            if e.range.start >= range.end {
                break;
            }
            if e.range.end > range.end {
                break;
            }
            if e.range.start > at {
                self.text(base, at..e.range.start);
            }
            self.pieces.push(e.piece);
            at = e.range.end;
        }
        if range.end > at {
            self.text(base, at..range.end);
        }
        Span {
            start,
            end: index(self.pieces.len()),
        }
    }

    fn text(&mut self, base: u32, range: Range<usize>) {
        self.pieces.push(Piece::Text(Span {
            start: base + index(range.start),
            end: base + index(range.end),
        }));
    }

    fn pool(&mut self, key: (String, Area, Kind, bool)) -> u32 {
        if let Some(&id) = self.pool_ids.get(&key) {
            return id;
        }
        let id = index(self.pools.len());
        self.pools.push(Vec::new());
        self.pool_ids.insert(key, id);
        id
    }
}

/// One raw line: its byte range in the text (without the newline).
#[derive(Debug, Clone)]
struct RawLine {
    start: usize,
    end: usize,
}

/// Display width of a line: characters, tabs and form feeds not counted.
fn width(text: &str) -> usize {
    text.trim_end()
        .chars()
        .filter(|&c| c != '\u{c}' && c != '\t')
        .count()
}

/// The leading whitespace of a line (form feeds included) and the rest.
fn split_leading(text: &str) -> (&str, &str) {
    let rest = text.trim_start();
    (&text[..text.len() - rest.len()], rest)
}

/// What is known about a block of the template.
struct Candidate<'b> {
    block: &'b Block,
    area: Area,
    kind: Kind,
    /// Its content lines (1-based numbers), in order.
    lines: Vec<u32>,
}

impl Model {
    /// Reads and compiles every `.txt` report under `corpus` (in path order). Reports the
    /// indexer cannot give a type, authority and year are skipped (see [`Model::skipped`]).
    pub fn load(corpus: &Path) -> Result<Model, GenError> {
        let table = AuthorityTable::bundled();
        let targets = targets(table)?;
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(corpus).sort_by_file_name() {
            let entry = entry.map_err(|e| GenError::Corpus {
                path: e.path().unwrap_or(corpus).to_path_buf(),
                reason: e.to_string(),
            })?;
            let is_txt = entry.path().extension().is_some_and(|x| x == "txt");
            if entry.file_type().is_file() && is_txt {
                files.push(entry.into_path());
            }
        }
        let mut builder = Builder::default();
        let mut compiled: Vec<(Template, String)> = Vec::new();
        let mut skipped = Vec::new();
        // The indexer's reading of each report is the costly part: done on every core, the
        // results compiled in corpus order as they come.
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(files.len().max(1));
        let next = AtomicUsize::new(0);
        let (send, receive) = mpsc::channel::<(usize, Result<Analysis, GenError>)>();
        std::thread::scope(|scope| -> Result<(), GenError> {
            for _ in 0..threads {
                let send = send.clone();
                let (next, files) = (&next, &files);
                scope.spawn(move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    if send.send((i, analyse(corpus, path, table))).is_err() {
                        break;
                    }
                });
            }
            drop(send);
            let mut ready: BTreeMap<usize, Result<Analysis, GenError>> = BTreeMap::new();
            let mut want = 0;
            for (i, analysis) in receive {
                ready.insert(i, analysis);
                while let Some(analysis) = ready.remove(&want) {
                    want += 1;
                    let analysis = match analysis {
                        Ok(a) => a,
                        Err(e) => {
                            // Stop the workers: they find no more files to read.
                            next.store(files.len(), Ordering::Relaxed);
                            return Err(e);
                        }
                    };
                    match compile(&mut builder, table, &analysis) {
                        Ok(t) => compiled.push(t),
                        Err(reason) => skipped.push((analysis.rel.clone(), reason)),
                    }
                }
            }
            Ok(())
        })?;
        if compiled.is_empty() {
            return Err(GenError::Corpus {
                path: corpus.to_path_buf(),
                reason: "no report the indexer recognises (.txt files with a type, an authority and a year)".into(),
            });
        }

        let mut by_group: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, (_, group)) in compiled.iter().enumerate() {
            by_group.entry(group.clone()).or_default().push(i);
        }
        let mut templates: Vec<Template> = compiled.into_iter().map(|(t, _)| t).collect();
        let mut groups = Vec::new();
        for (g, (name, members)) in by_group.into_iter().enumerate() {
            let mut years: Option<Range<i32>> = framework_years(&name);
            for &t in &members {
                templates[t].group = g;
                let y = templates[t].year;
                years = Some(years.map_or(y..y + 1, |r| r.start.min(y)..r.end.max(y + 1)));
            }
            // A group has at least one template, so at least one year.
            let years = years.unwrap_or_default();
            let group_targets = (0..targets.len())
                .filter(|&i| {
                    let t = &targets[i];
                    t.valid_from.is_none_or(|d| d.year < years.end)
                        && t.valid_to.is_none_or(|d| d.year >= years.start)
                })
                .collect();
            groups.push(Group {
                name,
                templates: members,
                years,
                targets: group_targets,
            });
        }
        let spread = (0..targets.len())
            .map(|t| groups.iter().filter(|g| g.targets.contains(&t)).count())
            .collect();
        Ok(Model {
            spread,
            arena: builder.arena,
            pieces: builder.pieces,
            slots: builder.slots,
            paragraphs: builder.paragraphs,
            pools: builder.pools,
            templates,
            groups,
            targets,
            skipped,
        })
    }

    /// The templates, in corpus order.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The framework groups, by name.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The authorities reports are generated for, in table order.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Files under the corpus folder that are not templates, and why.
    pub fn skipped(&self) -> &[(String, String)] {
        &self.skipped
    }

    /// Sentences in all pools.
    pub fn pooled_sentences(&self) -> usize {
        self.pools.iter().map(Vec::len).sum()
    }

    /// Number of sentence pools.
    pub fn pool_count(&self) -> usize {
        self.pools.len()
    }

    /// Sentences of re-sampled paragraphs kept in place (see the module documentation), and
    /// drawn from pools.
    pub fn sentence_slots(&self) -> (usize, usize) {
        let drawn = self
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Draw(_)))
            .count();
        (self.slots.len() - drawn, drawn)
    }
}

/// The indexer's reading of one report, before compiling.
struct Analysis {
    /// Path under the corpus folder, `/`-separated.
    rel: String,
    /// The report's text.
    text: String,
    /// Why it cannot be a template, if so.
    unusable: Option<String>,
    /// The parsed report.
    parsed: Parsed,
    /// Last line of its cover.
    cover_end: u32,
    /// Its judgement tables' lines.
    table_lines: Vec<(u32, u32)>,
    /// Its blocks, as the indexer segments it.
    blocks: Vec<Block>,
    /// Lines (by 1-based number) that carry a block's text: not blank, not a footnote, not
    /// removed as page furniture.
    content: Vec<bool>,
}

/// Reads one report and runs the indexer's stages over it.
fn analyse(corpus: &Path, path: &Path, table: &AuthorityTable) -> Result<Analysis, GenError> {
    let rel = path
        .strip_prefix(corpus)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let bytes = std::fs::read(path).map_err(|source| GenError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    let (text, unusable) = match read::decode(&bytes) {
        Ok(text) => (text.to_string(), None),
        Err(reason) => (String::new(), Some(reason.to_string())),
    };
    let parsed = parse(&text, &rel, &bytes, table);
    // The indexer's reading of the lines: cover, tables, blocks with their source lines.
    let raw: Vec<&str> = text.split('\n').collect();
    let recognised = recognise::recognise(&raw, table);
    let mut prepared = lines::prepare(&text);
    for line in &mut prepared {
        let in_table = recognised
            .table_lines
            .iter()
            .any(|&(from, to)| (from..=to).contains(&line.no));
        if in_table {
            line.text.clear();
        }
    }
    let blocks = segment::blocks(&prepared);
    let mut content = vec![false; raw.len() + 2];
    for line in &prepared {
        if !line.is_blank() && !line.footnote {
            if let Some(c) = content.get_mut(line.no as usize) {
                *c = true;
            }
        }
    }
    Ok(Analysis {
        rel,
        unusable,
        parsed,
        cover_end: recognised.cover_end,
        table_lines: recognised.table_lines,
        blocks,
        content,
        text,
    })
}

/// Compiles one report into a template (with its group's name), or says why it cannot be one.
fn compile(
    b: &mut Builder,
    table: &AuthorityTable,
    analysis: &Analysis,
) -> Result<(Template, String), String> {
    if let Some(reason) = &analysis.unusable {
        return Err(reason.clone());
    }
    let (text, rel, parsed) = (analysis.text.as_str(), &analysis.rel, &analysis.parsed);
    let (blocks, content) = (&analysis.blocks, &analysis.content);
    let report = &parsed.report;
    if report.report_type == ReportType::Unknown {
        return Err("the indexer does not recognise its report type".into());
    }
    let authority = report
        .authority
        .as_ref()
        .and_then(|name| table.all().iter().find(|a| &a.name == name))
        .ok_or("the indexer finds no authority")?
        .clone();
    let year = report.year.ok_or("the indexer finds no date")?;
    let date = report
        .inspection_end
        .or(report.letter_date)
        .or(report.published)
        .ok_or("the indexer finds no date")?;
    let group = report
        .framework
        .clone()
        .unwrap_or_else(|| report.report_type.as_str().to_string());

    let raw: Vec<&str> = text.split('\n').collect();
    let mut raw_lines = Vec::with_capacity(raw.len());
    let mut at = 0;
    for line in &raw {
        raw_lines.push(RawLine {
            start: at,
            end: at + line.len(),
        });
        at += line.len() + 1;
    }
    let line_text = |no: u32| -> &str {
        raw_lines
            .get(no as usize - 1)
            .map_or("", |l| &text[l.start..l.end])
    };
    let n_lines = raw.len();
    // Each content line belongs to the smallest block spanning it (a paragraph rejoined across
    // a page break spans the footnotes between its halves).
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&i| (blocks[i].last_line - blocks[i].line, i));
    let mut owner: Vec<Option<usize>> = vec![None; n_lines + 2];
    for &i in &order {
        for no in blocks[i].line..=blocks[i].last_line {
            let no = no as usize;
            if content.get(no).copied().unwrap_or(false) && owner[no].is_none() {
                owner[no] = Some(i);
            }
        }
    }
    let head_end = raw
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .nth(HEAD_LINES - 1)
        .map_or(u32::MAX, |(i, _)| index(i + 1));
    let judgement_lines: Vec<u32> = report.judgements.iter().filter_map(|j| j.line).collect();
    let tags: BTreeMap<u32, (Kind, Area)> = parsed
        .paragraphs
        .iter()
        .rev()
        .map(|p| (p.line, (p.kind, p.area_canonical)))
        .collect();

    // Blocks of prose that can be re-sampled.
    let mut candidates: Vec<Candidate<'_>> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if !matches!(block.kind, BlockKind::Paragraph | BlockKind::Bullet) {
            continue;
        }
        let Some(&(kind, area)) = tags.get(&block.line) else {
            continue;
        };
        let lines: Vec<u32> = (block.line..=block.last_line)
            .filter(|&no| owner.get(no as usize).copied().flatten() == Some(i))
            .collect();
        let span = block.line..=block.last_line;
        let eligible = PROSE.contains(&kind)
            && block.line > analysis.cover_end
            && block.line > head_end
            && !lines.is_empty()
            && block.text.split_whitespace().count() >= 6
            && !analysis
                .table_lines
                .iter()
                .any(|&(from, to)| from <= block.last_line && block.line <= to)
            && !judgement_lines.iter().any(|l| span.contains(l))
            // Nothing but gaps between its lines: no other paragraph inside it.
            && (block.line..=block.last_line).all(|no| match owner[no as usize] {
                Some(o) if o != i => !matches!(blocks[o].kind, BlockKind::Paragraph | BlockKind::Bullet),
                _ => true,
            })
            && lines.iter().enumerate().all(|(k, &no)| {
                let (_, rest) = split_leading(line_text(no));
                let rest = if k == 0 {
                    rest.split_once(char::is_whitespace)
                        .filter(|_| block.number.is_some() || block.kind == BlockKind::Bullet)
                        .map_or(rest, |(_, after)| after.trim_start())
                } else {
                    rest
                };
                let rest = rest.trim_end();
                !rest.contains('\t') && !rest.contains("   ") && !rest.starts_with(['#', '|', '>'])
            });
        if eligible {
            candidates.push(Candidate {
                block,
                area,
                kind,
                lines,
            });
        }
    }

    // The template's usual line width, for one-line paragraphs: the 90th percentile of the
    // widths of its wrapped paragraphs (none: the text is not wrapped, one line a paragraph).
    let mut widths: Vec<usize> = candidates
        .iter()
        .filter(|c| c.lines.len() >= 2)
        .map(|c| {
            c.lines
                .iter()
                .map(|&no| width(line_text(no)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    widths.sort_unstable();
    let usual_width = widths.get(widths.len() * 9 / 10).copied().unwrap_or(0);

    let base = b.store(text).start;
    let (events_all, _) = events(table, text, &authority, year);
    // Pieces are appended in text order: kept regions, then each paragraph's place holder.
    let mut body: Vec<Piece> = Vec::new();
    let mut kept_from = 0usize;
    let mut resampled = 0usize;
    for c in &candidates {
        let (Some(&first), Some(&last)) = (c.lines.first(), c.lines.last()) else {
            continue;
        };
        let first_line = &raw_lines[first as usize - 1];
        if first_line.start < kept_from {
            continue;
        }
        let Some(spec) = paragraph_spec(
            b,
            table,
            c,
            text,
            &raw_lines,
            &events_all,
            base,
            &group,
            &authority,
            year,
            usual_width,
        ) else {
            continue;
        };
        let region = b.region(base, kept_from..first_line.start, &events_all);
        body.extend_from_slice(&b.pieces[region.range()]);
        b.pieces.truncate(region.start as usize);
        body.push(Piece::Paragraph(index(b.paragraphs.len())));
        b.paragraphs.push(spec);
        let last_line = &raw_lines[last as usize - 1];
        kept_from = (last_line.end + 1).min(text.len());
        resampled += 1;
    }
    let region = b.region(base, kept_from..text.len(), &events_all);
    body.extend_from_slice(&b.pieces[region.range()]);
    b.pieces.truncate(region.start as usize);
    let start = index(b.pieces.len());
    b.pieces.extend(body);
    let template = Template {
        file: rel.to_string(),
        group: 0,
        report_type: report.report_type,
        framework: report.framework.clone(),
        year,
        date,
        authority,
        resampled: (resampled, parsed.paragraphs.len()),
        body: Span {
            start,
            end: index(b.pieces.len()),
        },
    };
    Ok((template, group))
}

/// The spec of a re-sampled paragraph, or None if none of its sentences can be drawn.
#[allow(clippy::too_many_arguments)]
fn paragraph_spec(
    b: &mut Builder,
    table: &AuthorityTable,
    c: &Candidate<'_>,
    text: &str,
    raw_lines: &[RawLine],
    events_all: &[Event],
    base: u32,
    group: &str,
    authority: &Authority,
    year: i32,
    usual_width: usize,
) -> Option<ParagraphSpec> {
    let line = |no: u32| &raw_lines[no as usize - 1];
    let line_text = |no: u32| &text[line(no).start..line(no).end];
    let block = c.block;

    // The sentences, single-spaced, with their names and years.
    let joined = block.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let ranges = sentences(&joined);
    let (events, others) = events(table, &joined, authority, year);
    let stored = b.store(&joined).start;
    let bullet = block.kind == BlockKind::Bullet;
    let pool = b.pool((group.to_string(), c.area, c.kind, bullet));
    let slots_start = index(b.slots.len());
    let mut draws = 0;
    let mut new_slots = Vec::with_capacity(ranges.len());
    for r in ranges {
        let sentence = &joined[r.clone()];
        let names_other = others.iter().any(|o| r.contains(&o.start));
        let span = b.region(stored, r, &events);
        if pinned(sentence) || names_other {
            new_slots.push(Slot::Keep(span));
        } else {
            b.pools[pool as usize].push(span);
            new_slots.push(Slot::Draw(pool));
            draws += 1;
        }
    }
    if draws == 0 {
        return None;
    }
    b.slots.extend(new_slots);
    let slots = Span {
        start: slots_start,
        end: index(b.slots.len()),
    };

    // Lead, indentation and width, from the source lines.
    let first = c.lines[0];
    let (leading, rest) = split_leading(line_text(first));
    let first_word = joined.split(' ').next().unwrap_or("");
    let marker = match rest.find(first_word) {
        Some(at) if at <= 12 => rest[..at].replace("**", ""),
        _ => match (&block.number, &block.kind) {
            (Some(n), _) => format!("{n}. "),
            (None, BlockKind::Bullet) => rest
                .chars()
                .next()
                .map(|m| format!("{m} "))
                .unwrap_or_default(),
            _ => String::new(),
        },
    };
    let lead = b.store(&format!("{leading}{marker}"));
    let leading_spaces = leading.replace('\u{c}', "");
    let indent_text = match c.lines.get(1) {
        Some(&second) => split_leading(line_text(second)).0.replace('\u{c}', ""),
        // A hanging indent under the number or bullet.
        None if block.number.is_some() || bullet => {
            " ".repeat(leading_spaces.chars().count() + marker.chars().count())
        }
        None => leading_spaces,
    };
    let indent = b.store(&indent_text);
    let own_width = c
        .lines
        .iter()
        .map(|&no| width(line_text(no)))
        .max()
        .unwrap_or(0);
    let line_width = if c.lines.len() >= 2 {
        own_width
    } else if usual_width > 0 && own_width <= usual_width + 10 {
        usual_width
    } else {
        0
    };

    // Runs of consecutive lines, and the text between them (page furniture, footnotes, the
    // form feed opening the next page).
    let mut runs = vec![1u32];
    let mut gaps = Vec::new();
    for pair in c.lines.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        if next == prev + 1 {
            if let Some(r) = runs.last_mut() {
                *r += 1;
            }
            continue;
        }
        let next_text = line_text(next);
        let feeds = next_text.len() - next_text.trim_start_matches('\u{c}').len();
        let gap = (line(prev).end + 1)..(line(next).start + feeds);
        gaps.push(b.region(base, gap, events_all));
        runs.push(1);
    }
    let last = line(*c.lines.last()?);
    Some(ParagraphSpec {
        lead,
        indent,
        width: index(line_width),
        slots,
        runs,
        gaps,
        newline: last.end < text.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn sentences_split_at_full_stops_before_capitals() {
        assert_eq!(
            split("Children are safe. Most plans are good! Is it? “Yes,” they said. 12 children moved."),
            [
                "Children are safe.",
                "Most plans are good!",
                "Is it?",
                "“Yes,” they said.",
                "12 children moved."
            ]
        );
        assert_eq!(
            split("Partners (e.g. the police) agree. Mr. Smith, St. Helens and J. Bloggs met. (Workers were seen.) Then."),
            [
                "Partners (e.g. the police) agree.",
                "Mr. Smith, St. Helens and J. Bloggs met. (Workers were seen.)",
                "Then."
            ]
        );
        assert_eq!(
            split("no full stop at the end"),
            ["no full stop at the end"]
        );
        assert_eq!(
            split("section 2.1 applies. next is lower case."),
            ["section 2.1 applies. next is lower case."]
        );
    }

    #[test]
    fn grade_statements_titles_and_dates_are_pinned() {
        for s in [
            "The overall judgement is that children’s services are good.",
            "Children’s services in Sefton require improvement to be good.",
            "The effectiveness of the LSCB is good.",
            "Outcomes for children and young people in Hartlepool are good.",
            "This focused visit looked at the front door.",
            "The inspection of local authority children’s services took place in March.",
            "On 12 March 2014, the board met.",
            "The visit was carried out on 24 and 25 November.",
        ] {
            assert!(pinned(s), "{s}");
        }
        for s in [
            "Services to children in need of help and protection require improvement.",
            "Practice is inadequate in too many cases.",
        ] {
            assert!(pinned(s), "{s}");
        }
        for s in [
            "Most children receive a good service.",
            "Social workers visit children regularly and know them well.",
            "In 2014 the council restructured its services.",
        ] {
            assert!(!pinned(s), "{s}");
        }
    }

    #[test]
    fn names_end_at_the_longest_reading() {
        let table = AuthorityTable::bundled();
        let hartlepool = table.lookup("Hartlepool").expect("Hartlepool").clone();
        let text = "Hartlepool Borough Council's services and Hartlepool's children";
        let (found, others) = events(table, text, &hartlepool, 2013);
        let names: Vec<&str> = found.iter().map(|e| &text[e.range.clone()]).collect();
        assert_eq!(names, ["Hartlepool Borough Council", "Hartlepool"]);
        assert!(matches!(found[0].piece, Piece::Name(Style::Organisation)));
        assert!(matches!(found[1].piece, Piece::Name(Style::Place)));
        assert!(others.is_empty());
        let bradford = table.lookup("Bradford").expect("Bradford").clone();
        let text = "Inspection of Bradford Children and\nFamilies Trust";
        let (found, _) = events(table, text, &bradford, 2026);
        assert_eq!(&text[found[0].range.clone()], "Bradford");
        assert!(matches!(found[0].piece, Piece::Name(Style::Place)));
        let stockton = table.lookup("Stockton-on-Tees").expect("Stockton").clone();
        let text = "Stockton-on-\nTees Borough Council and Bournemouth, Christchurch & Poole";
        let (found, others) = events(table, text, &stockton, 2011);
        assert_eq!(
            &text[found[0].range.clone()],
            "Stockton-on-\nTees Borough Council"
        );
        assert_eq!(others.len(), 1);
    }
}
