//! A parsed report: metadata, judgements, and its paragraphs with their tags. `parse` runs the
//! whole pipeline for one file's text: lines -> recognition -> blocks -> tagged paragraphs.

use std::fmt::Write as _;
use std::sync::LazyLock;

use ofsearch_schema::{Area, Grade, Kind, ReportType};
use regex::Regex;
use serde::Serialize;

use crate::authority::{Authority, AuthorityTable};
use crate::date::Date;
use crate::grades::FoundGrade;
use crate::headings::HeadingInfo;
use crate::lines;
use crate::recognise::{self, Judgement};
use crate::segment::{self, BlockKind};

/// A report and its paragraphs.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Stable id: a hash of the file's bytes, 16 hex digits.
    pub report_id: String,
    /// Source path, as the indexer was given it.
    pub source: String,
    /// Canonical authority name, if found.
    pub authority: Option<String>,
    /// ONS code of the authority.
    pub authority_code: Option<String>,
    /// Region of England.
    pub region: Option<String>,
    /// Recognised report type.
    pub report_type: ReportType,
    /// Framework edition within the type.
    pub framework: Option<String>,
    /// First day of the inspection.
    pub inspection_start: Option<Date>,
    /// Last day of the inspection.
    pub inspection_end: Option<Date>,
    /// Date of the letter.
    pub letter_date: Option<Date>,
    /// Publication date, where printed.
    pub published: Option<Date>,
    /// Year the inspection ended, else the letter's or the publication's year.
    pub year: Option<i32>,
    /// The overall judgement, canonical.
    pub overall_grade: Option<Grade>,
    /// Every graded judgement.
    pub judgements: Vec<Judgement>,
    /// Number of paragraphs.
    pub paragraphs: usize,
}

/// One paragraph (or bullet item, table row, footnote) and its tags.
#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    /// 1-based position in the report.
    pub ordinal: u32,
    /// 1-based line in the source file where it starts.
    pub line: u32,
    /// The report's own paragraph number, if printed.
    pub number: Option<String>,
    /// Headings enclosing it, outermost first.
    pub section: Vec<String>,
    /// Judgement area as printed ("" if none).
    pub area: String,
    /// Canonical area.
    pub area_canonical: Area,
    /// Canonical grade of the area.
    pub grade: Grade,
    /// Grade as printed ("" if ungraded).
    pub grade_printed: String,
    /// What the paragraph is.
    pub kind: Kind,
    /// Clean text.
    pub text: String,
}

/// A report with its paragraphs, as the parser returns it.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Report metadata.
    pub report: Report,
    /// Tagged paragraphs.
    pub paragraphs: Vec<Paragraph>,
}

/// Stable 64-bit FNV-1a hash of bytes, as 16 hex digits.
pub fn content_id(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            ofsted\ produces\ this\ report
          | it\ is\ ofsted'?’?s\ expectation
          | the\ local\ authority\ leads\ (?:highly\ )?effective\ services\ that
          | the\ lscb\ (?:is\ not\ yet\ demonstrating|demonstrates)\ the\ characteristics
          | the\ office\ for\ standards\ in\ education
          | if\ you\ would\ like\ a\ copy
          | you\ may\ (?:copy|reuse)
          | to\ receive\ regular\ email
          | interested\ in\ our\ work
          | piccadilly\ gate
          | aviation\ house
          | any\ complaints\ about\ the\ inspection
          | this\ report\ is\ available\ at
          | this\ document\ may\ be\ reproduced
          | further\ copies\ of\ this\ report
          | ©\ crown\ copyright
          | crown\ copyright
          | website:
          | the\ inspection\ of\ the\ local\ authority\ was\ carried\ out\ under
          | the\ review\ of\ the\ local\ safeguarding\ children\ board\ was\ carried\ out
          | ofsted\ guidance\ published\ in
          | in\ reaching\ the\ assessment\ of\ children
          | the\ annual\ assessment\ derives
          | within\ each\ level\ there\ will\ be
          | this\ children'?’?s\ services\ assessment\ is\ provided
          | the\ areas\ for\ improvement\ have\ been\ cross-referenced
          | [1-4]\ \|\ performs\ 
          | the\ local\ authority\ was\ given\ the\ opportunity\ to\ review
          | t:?\ 0300
          | textphone
        )",
    )
    .expect("static regex")
});

static SIGN_OFF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^yours (?:sincerely|faithfully)").expect("static regex"));

/// Parses one report's text. `source` is recorded as given; `bytes` are the file's bytes (for
/// the id).
pub fn parse(text: &str, source: &str, bytes: &[u8], authorities: &AuthorityTable) -> Parsed {
    let raw: Vec<&str> = text.split('\n').collect();
    let recognised = recognise::recognise(&raw, authorities);
    let mut prepared = lines::prepare(text);
    for line in &mut prepared {
        if recognised
            .table_lines
            .iter()
            .any(|&(from, to)| (from..=to).contains(&line.no))
        {
            line.text.clear();
        }
    }
    let mut blocks = segment::blocks(&prepared);
    // Each judgement-table row becomes one paragraph, where the table stood.
    for j in &recognised.judgements {
        let Some(line) = j.line else { continue };
        let in_table = recognised
            .table_lines
            .iter()
            .any(|&(from, to)| (from..=to).contains(&line));
        if in_table {
            let at = blocks.partition_point(|b| b.line < line);
            blocks.insert(
                at,
                segment::Block {
                    kind: BlockKind::Table,
                    text: format!("{}: {}", j.area, j.grade_printed),
                    number: None,
                    line,
                    last_line: line,
                },
            );
        }
    }

    let report_type = recognised.report_type.unwrap_or(ReportType::Unknown);
    let (default_area, default_kind) = match report_type {
        ReportType::Ilacs | ReportType::ChildrenServicesAssessment | ReportType::Apa => {
            (Area::Overall, Kind::Summary)
        }
        ReportType::UnannouncedCra => (Area::HelpAndProtection, Kind::Judgement),
        _ => (Area::None, Kind::Other),
    };

    let judgement_for = |area: Area| {
        recognised
            .judgements
            .iter()
            .find(|j| j.area_canonical == area)
    };

    let mut stack: Vec<(HeadingInfo, String)> = Vec::new();
    let mut paragraphs = Vec::new();
    let mut signed_off = false;
    for block in blocks {
        let info = match &block.kind {
            BlockKind::Heading(info) => Some(info.clone()),
            _ => None,
        };
        if let Some(info) = info {
            if block.line > recognised.cover_end && !signed_off {
                while stack.last().is_some_and(|(top, _)| top.level >= info.level) {
                    stack.pop();
                }
                stack.push((info, block.text.clone()));
                continue;
            }
        }
        if SIGN_OFF.is_match(&block.text) {
            signed_off = true;
        }
        // The table row of a judgement carries its own area and grade.
        let row = (block.kind == BlockKind::Table)
            .then(|| {
                recognised
                    .judgements
                    .iter()
                    .find(|j| j.line == Some(block.line))
            })
            .flatten();
        let in_cover = block.line <= recognised.cover_end;

        let mut area: Option<(Area, String, Option<FoundGrade>)> = None;
        let mut kind = None;
        for (h, _) in stack.iter().rev() {
            if kind.is_none() {
                kind = h.kind;
            }
            if area.is_none() {
                if let Some((a, printed)) = &h.area {
                    area = Some((*a, printed.clone(), h.grade.clone()));
                } else if h.clears_area {
                    area = Some((Area::None, String::new(), None));
                }
            }
        }
        let (mut area_canonical, mut area_printed, heading_grade) =
            area.unwrap_or((default_area, String::new(), None));
        if area_printed.is_empty() && area_canonical != Area::None {
            if let Some(j) = judgement_for(area_canonical) {
                area_printed = j.area.clone();
            }
        }
        let mut kind = kind.unwrap_or(
            if area_canonical != Area::None && default_kind != Kind::Summary {
                Kind::Judgement
            } else {
                default_kind
            },
        );
        if let Some(j) = row {
            area_canonical = j.area_canonical;
            area_printed = j.area.clone();
            kind = Kind::Summary;
        } else if in_cover || signed_off {
            kind = Kind::Other;
            area_canonical = Area::None;
            area_printed.clear();
        }
        if block.kind == BlockKind::Footnote {
            kind = Kind::Other;
        }
        if BOILERPLATE.is_match(&block.text) {
            kind = Kind::Boilerplate;
        }
        if kind == Kind::Boilerplate {
            area_canonical = Area::None;
            area_printed.clear();
        }
        let (grade, grade_printed) = match (row, &heading_grade) {
            (Some(j), _) => (j.grade, j.grade_printed.clone()),
            (None, Some(g)) if area_canonical != Area::None => (g.grade, g.printed.clone()),
            _ => match judgement_for(area_canonical) {
                Some(j) if area_canonical != Area::None => (j.grade, j.grade_printed.clone()),
                _ => (Grade::Ungraded, String::new()),
            },
        };
        if matches!(block.kind, BlockKind::Heading(_)) && kind != Kind::Boilerplate {
            // A heading inside the cover or sign-off: plain text there.
            kind = if in_cover || signed_off {
                Kind::Other
            } else {
                kind
            };
        }
        paragraphs.push(Paragraph {
            ordinal: u32::try_from(paragraphs.len() + 1).unwrap_or(u32::MAX),
            line: block.line,
            number: block.number,
            section: stack.iter().map(|(_, text)| text.clone()).collect(),
            area: area_printed,
            area_canonical,
            grade,
            grade_printed,
            kind,
            text: block.text,
        });
    }

    let authority: Option<&Authority> = recognised.authority.as_ref();
    let year = recognised
        .inspection_end
        .or(recognised.letter_date)
        .or(recognised.published)
        .map(|d| d.year);
    let overall_grade = recognised
        .judgements
        .iter()
        .find(|j| j.area_canonical == Area::Overall)
        .map(|j| j.grade);
    let report = Report {
        report_id: content_id(bytes),
        source: source.to_string(),
        authority: authority.map(|a| a.name.clone()),
        authority_code: authority
            .map(|a| a.ons_code.clone())
            .filter(|c| !c.is_empty()),
        region: authority.map(|a| a.region.clone()),
        report_type,
        framework: recognised.framework.clone(),
        inspection_start: recognised.inspection_start,
        inspection_end: recognised.inspection_end,
        letter_date: recognised.letter_date,
        published: recognised.published,
        year,
        overall_grade,
        judgements: recognised.judgements,
        paragraphs: paragraphs.len(),
    };
    Parsed { report, paragraphs }
}

impl Parsed {
    /// Renders the report for review, as the golden files hold it: the metadata as pretty JSON,
    /// then one block per paragraph (ordinal, first line, printed number, kind, area and grade,
    /// section path, text).
    pub fn render(&self) -> String {
        let mut out = serde_json::to_string_pretty(&self.report).unwrap_or_default();
        out.push('\n');
        for p in &self.paragraphs {
            let number = p
                .number
                .as_ref()
                .map(|n| format!(" para {n}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "\n#{} line {}{number} | {} | {} ({}) | {} ({})",
                p.ordinal, p.line, p.kind, p.area_canonical, p.area, p.grade, p.grade_printed,
            );
            let _ = writeln!(out, "  section: {}", p.section.join(" > "));
            let _ = writeln!(out, "  {}", p.text);
        }
        out
    }
}
