//! A parsed report: metadata, judgements, and its paragraphs with their tags. `parse` runs the
//! whole pipeline for one file's text: lines -> recognition -> blocks -> tagged paragraphs.

use std::fmt::Write as _;
use std::sync::LazyLock;

use ofsearch_schema::{Area, Grade, Kind, ReportType};
use regex::Regex;
use serde::Serialize;

use crate::authority::{Authority, AuthorityTable};
use crate::bound;
use crate::date::Date;
use crate::grades::{self, FoundGrade};
use crate::headings::{self, HeadingInfo};
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
    /// Where the original is published, from a sidecar `metadata.csv` beside the file (set by
    /// the writer; the parser never reads it).
    pub url: Option<String>,
}

/// One paragraph (or bullet item, table row, footnote) and its tags.
#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    /// 1-based position in the report.
    pub ordinal: u32,
    /// 1-based line in the source file where it starts.
    pub line: u32,
    /// The page it starts on, as a reader finds it (the printed page number where the
    /// numbering follows the pages); `None` where pages are not known.
    pub page: Option<u32>,
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

/// A table row of column headings only ("Key judgement | Judgement grade"): it says nothing
/// of its own.
fn is_header_row(kind: &BlockKind, text: &str) -> bool {
    const HEADINGS: &[&str] = &[
        "key judgement",
        "judgement grade",
        "judgement",
        "grade",
        "area",
    ];
    let mut cells = text.split(" | ").map(|c| c.trim().to_lowercase());
    *kind == BlockKind::Table
        && text.contains(" | ")
        && cells.all(|c| HEADINGS.contains(&c.as_str()))
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
            better\ education\ and\ care$
          | ofsted\ produces\ this\ report
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
            let page = prepared
                .get(prepared.partition_point(|l| l.no < line))
                .map_or(0, |l| l.page);
            blocks.insert(
                at,
                segment::Block {
                    kind: BlockKind::Table,
                    text: format!("{}: {}", j.area, j.grade_printed),
                    number: None,
                    line,
                    last_line: line,
                    page_break_before: false,
                    page,
                    indent: (0, None),
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
    // An unannounced inspection letter judges one area, named in its title.
    let default_printed = match report_type {
        ReportType::UnannouncedCra => "Contact, referral and assessment arrangements",
        _ => "",
    };

    let judgement_for = |area: Area| {
        recognised
            .judgements
            .iter()
            .find(|j| j.area_canonical == area)
    };

    // Letters (annual assessments, unannounced inspections, visits): the letterhead, date,
    // address and salutation before the text, and the signature after it, are boilerplate.
    let letter = matches!(
        report_type,
        ReportType::ChildrenServicesAssessment
            | ReportType::Apa
            | ReportType::UnannouncedCra
            | ReportType::FocusedVisit
            | ReportType::MonitoringVisit
            | ReportType::Jtai
    );

    let mut stack: Vec<(HeadingInfo, String)> = Vec::new();
    let mut paragraphs = Vec::new();
    let mut signed_off = false;
    // The front page runs from the end of the cover to the first page break: a judgement
    // sentence standing alone there ("The overall judgement is good.") states a grade rather
    // than opening a section.
    let front_page_end = prepared
        .iter()
        .find(|l| l.no > recognised.cover_end && l.page_break_before)
        .map_or(u32::MAX, |l| l.no);
    // A table of contents runs from its heading to the next page break (or the first prose).
    let mut in_contents = false;
    for block in blocks {
        let past_cover = block.line > recognised.cover_end;
        let front_page = block.line < front_page_end;
        let prose = matches!(block.kind, BlockKind::Paragraph | BlockKind::Bullet)
            // Twenty words or more: counted only as far as the twentieth.
            && block.text.split_whitespace().nth(19).is_some();
        if in_contents && ((past_cover && block.page_break_before) || prose) {
            end_contents(&mut stack, &mut in_contents);
        }
        let mut stated: Option<(Area, String, Option<FoundGrade>)> = None;
        if let BlockKind::Heading(info) = &block.kind {
            if past_cover && !signed_off && !in_contents {
                match (&info.area, &info.grade) {
                    (Some((area, printed)), Some(grade)) if front_page => {
                        stated = Some((*area, printed.clone(), Some(grade.clone())));
                    }
                    _ => {
                        // Findings never belong to the recommendations before them (the LSCB
                        // review: "Recommendations", then "Inspection findings").
                        let findings = headings::is_findings(&block.text);
                        while stack.last().is_some_and(|(top, _)| {
                            top.level >= info.level
                                || (findings && top.kind == Some(Kind::Recommendations))
                        }) {
                            stack.pop();
                        }
                        in_contents = info.kind == Some(Kind::Boilerplate)
                            && grades::normalise(&block.text).starts_with("contents");
                        // "Contents Section 1: the local authority": the first entry is
                        // listed on the heading's line.
                        let label = if in_contents {
                            "Contents".to_string()
                        } else {
                            block.text.clone()
                        };
                        stack.push((info.clone(), label));
                        continue;
                    }
                }
            }
        }
        if SIGN_OFF.is_match(&block.text) {
            signed_off = true;
        }
        // The table row of a judgement carries its own area and grade.
        // A judgement-table row, or the sentence a judgement was read from ("Children's
        // services in Thurrock require improvement to be good"), carries that judgement.
        let row = matches!(block.kind, BlockKind::Table | BlockKind::Paragraph)
            .then(|| {
                recognised.judgements.iter().find(|j| {
                    j.line
                        .is_some_and(|line| (block.line..=block.last_line).contains(&line))
                })
            })
            .flatten();
        let in_cover = block.line <= recognised.cover_end;

        let mut area: Option<(Area, String, Option<FoundGrade>)> = None;
        let mut kind = None;
        let mut kind_level = 0;
        // An executive summary names the overall area unless it summarises a part that has
        // an area of its own (the LSCB review at the end of a SIF report).
        let mut summary_of_whole = false;
        for (h, _) in stack.iter().rev() {
            if kind.is_none() {
                kind = h.kind;
                kind_level = h.level;
            }
            if summary_of_whole {
                match &h.area {
                    Some((a, printed)) if !matches!(a, Area::Overall | Area::None) => {
                        area = Some((*a, printed.clone(), h.grade.clone()));
                        break;
                    }
                    _ if h.clears_area => break,
                    _ => continue,
                }
            }
            if area.is_none() {
                if let Some((a, printed)) = &h.area {
                    area = Some((*a, printed.clone(), h.grade.clone()));
                    summary_of_whole = *a == Area::Overall && h.kind == Some(Kind::Summary);
                } else if h.clears_area {
                    area = Some((Area::None, String::new(), None));
                }
            }
        }
        let judged_section = area.as_ref().is_some_and(|(a, _, _)| *a != Area::None);
        let (mut area_canonical, mut area_printed, heading_grade) =
            area.unwrap_or_else(|| (default_area, default_printed.to_string(), None));
        // Under a judgement heading ("The graded judgment for adoption performance is good")
        // the area is printed as the report's judgement list names it; under a plain heading,
        // as the heading does.
        if area_canonical != Area::None && (area_printed.is_empty() || heading_grade.is_some()) {
            if let Some(j) = judgement_for(area_canonical) {
                area_printed = j.area.clone();
            }
        }
        // Text under a heading that names a judged area is judgement text; elsewhere the
        // report type decides (an ILACS report's opening text is its summary).
        // A judged section of a SIF report opens with an unnumbered summary; the numbered
        // paragraphs after it are the findings, whether or not an "Inspection findings"
        // heading stands between.
        let findings = judged_section
            && kind == Some(Kind::Summary)
            && kind_level >= 3
            && block.number.is_some();
        let mut kind = match kind {
            _ if findings => Kind::Judgement,
            Some(kind) => kind,
            None if judged_section => Kind::Judgement,
            None => default_kind,
        };
        // An annual assessment letter's "Areas for further improvement" state the weaknesses it
        // found, the other half of its summary beside "Strengths": findings, not actions.
        if kind == Kind::Recommendations && report_type == ReportType::ChildrenServicesAssessment {
            kind = Kind::Summary;
        }
        if let Some(j) = row {
            area_canonical = j.area_canonical;
            area_printed = j.area.clone();
            kind = Kind::Summary;
        } else if let Some((area, printed, _)) = &stated {
            area_canonical = *area;
            area_printed = judgement_for(*area).map_or_else(|| printed.clone(), |j| j.area.clone());
            kind = Kind::Summary;
        } else if in_cover || signed_off {
            kind = if letter || signed_off {
                Kind::Boilerplate
            } else {
                Kind::Other
            };
            area_canonical = Area::None;
            area_printed.clear();
        }
        if in_contents {
            kind = Kind::Boilerplate;
        }
        if block.kind == BlockKind::Footnote {
            kind = Kind::Other;
        }
        if BOILERPLATE.is_match(&block.text) || is_header_row(&block.kind, &block.text) {
            kind = Kind::Boilerplate;
        }
        if kind == Kind::Boilerplate {
            area_canonical = Area::None;
            area_printed.clear();
        }
        let heading_grade = match &stated {
            Some((_, _, grade)) => grade.clone(),
            None => heading_grade,
        };
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
        let paragraph = Paragraph {
            ordinal: 0,
            line: block.line,
            page: Some(block.page).filter(|&p| p > 0),
            number: block.number,
            section: stack.iter().map(|(_, text)| text.clone()).collect(),
            area: area_printed,
            area_canonical,
            grade,
            grade_printed,
            kind,
            text: String::new(),
        };
        // Bounded: an overlong paragraph is indexed as pieces with its tags (`bound`).
        for text in bound::pieces(&block.text, bound::MAX_PARAGRAPH_BYTES) {
            paragraphs.push(Paragraph {
                ordinal: u32::try_from(paragraphs.len() + 1).unwrap_or(u32::MAX),
                text: text.to_string(),
                ..paragraph.clone()
            });
        }
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
        url: None,
    };
    Parsed { report, paragraphs }
}

/// Closes a table of contents: pops its heading (and anything pushed above it).
fn end_contents(stack: &mut Vec<(HeadingInfo, String)>, in_contents: &mut bool) {
    if let Some(at) = stack
        .iter()
        .rposition(|(_, text)| grades::normalise(text).starts_with("contents"))
    {
        stack.truncate(at);
    }
    *in_contents = false;
}

impl Parsed {
    /// Renders the report for review, as the golden files hold it: the metadata as pretty JSON,
    /// then one block per paragraph (ordinal, first line, page where known, printed number,
    /// kind, area and grade, section path, text).
    pub fn render(&self) -> String {
        let mut out = serde_json::to_string_pretty(&self.report).unwrap_or_default();
        out.push('\n');
        for p in &self.paragraphs {
            let number = p
                .number
                .as_ref()
                .map(|n| format!(" para {n}"))
                .unwrap_or_default();
            let page = p.page.map(|n| format!(" page {n}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "\n#{} line {}{page}{number} | {} | {} ({}) | {} ({})",
                p.ordinal, p.line, p.kind, p.area_canonical, p.area, p.grade, p.grade_printed,
            );
            let _ = writeln!(out, "  section: {}", p.section.join(" > "));
            let _ = writeln!(out, "  {}", p.text);
        }
        out
    }
}
