//! Recognising a report from its content: its type, authority, dates and the judgements printed
//! on its front page (judgement tables, headline sentences, the Grades table of a JAR).

use std::sync::LazyLock;

use ofsearch_schema::{Area, Grade, ReportType};
use regex::Regex;

use crate::authority::{Authority, AuthorityTable};
use crate::date::{date_line, dates_in, Date};
use crate::grades::{self, normalise};

/// A graded judgement found in a report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Judgement {
    /// The area as printed.
    pub area: String,
    /// The area on the canonical scale.
    pub area_canonical: Area,
    /// The grade on the canonical scale.
    pub grade: Grade,
    /// The grade as printed.
    pub grade_printed: String,
    /// The source line of the table row or sentence that states it.
    #[serde(skip)]
    pub line: Option<u32>,
}

/// What the opening of a report says about it.
#[derive(Debug, Clone, Default)]
pub struct Recognised {
    /// The report type.
    pub report_type: Option<ReportType>,
    /// The framework edition within the type ("sif+lscb", "ilacs-2023").
    pub framework: Option<String>,
    /// The authority the report is about.
    pub authority: Option<Authority>,
    /// First day of the inspection.
    pub inspection_start: Option<Date>,
    /// Last day of the inspection.
    pub inspection_end: Option<Date>,
    /// Date of the letter, for letters.
    pub letter_date: Option<Date>,
    /// Publication date, where printed.
    pub published: Option<Date>,
    /// Graded judgements, in the order printed.
    pub judgements: Vec<Judgement>,
    /// Source lines (1-based, inclusive) of judgement tables, replaced by one paragraph per row.
    pub table_lines: Vec<(u32, u32)>,
    /// Last source line of the cover: title, dates, addressee. Its text is tagged `other`.
    pub cover_end: u32,
}

const LETTERHEAD: &[&str] = &[
    "aviation house",
    "kingsway",
    "piccadilly gate",
    "store st",
    "manchester m1",
    "wc2b",
    "ofsted.gov.uk",
    "textphone",
    "t 0300",
    "direct t",
    "direct f",
    "better education",
    "education and care",
];

static TYPE_PATTERNS: LazyLock<Vec<(Regex, ReportType)>> = LazyLock::new(|| {
    use ReportType::*;
    [
        (r"joint area review", Jar),
        (r"annual performance assessment", Apa),
        (r"unannounced inspection of contact,? referral and assessment", UnannouncedCra),
        (r"children'?s services assessment", ChildrenServicesAssessment),
        (r"inspection of safeguarding and looked after children", SafeguardingLac),
        (r"inspection of (?:the )?(?:local authority arrangements for )?(?:the )?protection of children", ChildProtection2012),
        (r"inspection of (?:services for )?looked after children", Lac2012),
        (r"re-?inspection of services for children in need of help and protection", SifReinspection),
        (r"inspection of services for children in need of help and protection", Sif),
        (r"review of the effectiveness of the local safeguarding children board", LscbReview),
        (r"focused visit (?:to|of|on)", FocusedVisit),
        (r"monitoring visit (?:to|of|on)", MonitoringVisit),
        (r"joint targeted area inspection", Jtai),
    ]
    .into_iter()
    .map(|(p, t)| (Regex::new(p).expect("static regex"), t))
    .collect()
});

static ILACS_PATTERNS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"inspection of .{0,90}?children'?s (?:social care )?services|impact of leaders on social work practice|inspection of .{0,40}children and families trust")
        .expect("static regex")
});

/// Recognises a report from its lines (raw source lines, 0-based index = line number - 1).
pub fn recognise(raw: &[&str], authorities: &AuthorityTable) -> Recognised {
    let mut r = Recognised::default();
    let opening: Vec<(usize, &str)> = raw
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .filter(|(_, l)| {
            let n = normalise(l);
            !LETTERHEAD.iter().any(|p| n.contains(p))
        })
        .take(60)
        .map(|(i, l)| (i, *l))
        .collect();
    let opening_text = normalise(
        &opening
            .iter()
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n"),
    );

    // The title decides: look in the first lines, then the wider opening.
    let title_text = normalise(
        &opening
            .iter()
            .take(12)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let earliest = |text: &str| {
        TYPE_PATTERNS
            .iter()
            .filter_map(|(re, t)| re.find(text).map(|m| (m.start(), *t)))
            .min_by_key(|(start, _)| *start)
            .map(|(_, t)| t)
    };
    r.report_type = earliest(&title_text)
        .or_else(|| {
            ILACS_PATTERNS
                .is_match(&title_text)
                .then_some(ReportType::Ilacs)
        })
        .or_else(|| earliest(&opening_text))
        .or_else(|| {
            ILACS_PATTERNS
                .is_match(&opening_text)
                .then_some(ReportType::Ilacs)
        });
    if r.report_type == Some(ReportType::Sif) {
        let lscb = opening_text.contains("review of the effectiveness of the local safeguarding");
        r.framework = Some(if lscb { "sif+lscb" } else { "sif" }.to_string());
    }

    let head: String = opening
        .iter()
        .take(15)
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join("\n");
    r.authority = authorities.find(&head).cloned();

    find_dates(raw, &opening, &mut r);
    find_judgements(raw, &opening, &mut r);
    if r.report_type == Some(ReportType::Jar) {
        find_jar_outcomes(raw, &mut r);
    }

    if r.report_type == Some(ReportType::Ilacs) {
        let printed_in_care_and_leavers = r
            .judgements
            .iter()
            .any(|j| normalise(&j.area).contains("children in care and care leavers"));
        let leavers = r
            .judgements
            .iter()
            .any(|j| j.area_canonical == Area::CareLeavers);
        let overall = r
            .judgements
            .iter()
            .any(|j| j.area_canonical == Area::Overall);
        r.framework = if printed_in_care_and_leavers {
            Some("ilacs-2018".into())
        } else if leavers && overall {
            Some("ilacs-2023".into())
        } else if leavers {
            Some("ilacs-2026".into())
        } else {
            None
        };
    }
    r
}

static INSPECTION_DATES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*inspection dates?\s*:?\s*(.*)$").expect("static regex"));
static CONDUCTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:conducted|carried out|took place|undertaken) (?:on|between|from) ([^.]{4,60})",
    )
    .expect("static regex")
});
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:report )?published:?\s+(\d{1,2}\s+[a-z]+\s+\d{4}|\d{1,2}/\d{1,2}/\d{4})")
        .expect("static regex")
});

fn find_dates(raw: &[&str], opening: &[(usize, &str)], r: &mut Recognised) {
    for (k, (i, line)) in opening.iter().enumerate() {
        if let Some(c) = INSPECTION_DATES.captures(line) {
            let mut text = c[1].to_string();
            // A range may wrap onto the next line: "... and 28 – 30\nJanuary 2014".
            if let Some((_, next)) = opening.get(k + 1) {
                let incomplete = !text.trim_end().ends_with(|ch: char| ch.is_ascii_digit())
                    || dates_in(&text).len() < 2;
                if incomplete && (dates_in(next).is_empty() || next.trim().len() < 30) {
                    text.push(' ');
                    text.push_str(next);
                }
            }
            let found = dates_in(&text);
            r.inspection_start = found.first().copied();
            r.inspection_end = found.last().copied();
            r.cover_end = r.cover_end.max(line_no(*i));
            break;
        }
    }
    for (i, line) in opening.iter().take(25) {
        if let Some(date) = date_line(line) {
            r.letter_date = Some(date);
            r.cover_end = r.cover_end.max(line_no(*i));
            break;
        }
    }
    if r.inspection_end.is_none() {
        let body: String = raw.iter().take(80).copied().collect::<Vec<_>>().join(" ");
        if let Some(c) = CONDUCTED.captures(&body) {
            let found = dates_in(&c[1]);
            r.inspection_start = found.first().copied();
            r.inspection_end = found.last().copied();
        }
    }
    for (k, (_, line)) in opening.iter().enumerate() {
        if let Some(c) = PUBLISHED.captures(line) {
            r.published = dates_in(&c[1]).first().copied();
            break;
        }
        // A JAR's cover table: "Audience  Published  Reference no." over "All  13 March 2007  805".
        if normalise(line).contains("published") && line.contains('\t') {
            if let Some((_, next)) = opening.get(k + 1) {
                r.published = dates_in(next).first().copied();
            }
            break;
        }
    }
    for (i, line) in opening.iter() {
        let n = normalise(line);
        if n.starts_with("dear ")
            || n.starts_with("lead inspector")
            || n.starts_with("his majesty")
            || n.starts_with("her majesty")
        {
            r.cover_end = r.cover_end.max(line_no(*i));
        }
    }
}

fn line_no(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

static GRADE_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:requires? improvement(?: to be good)?|outstanding|good|inadequate|adequate|performs? (?:excellently|well|adequately|poorly)(?: \(\d\))?|[1-4])$")
        .expect("static regex")
});
static CELL_GAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\t+|\s{3,}").expect("static regex"));
static TABLE_HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*judge?ments?\s+grades?\s*$").expect("static regex"));
static SIF_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[1-3]|2\.[12])\.?\s+(?:children|adoption|experiences|leadership)")
        .expect("static regex")
});
static OVERALL_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:the overall judge?ment is(?: that children's services(?: are| is)?)?|children's services in [^.]{2,80}? (?:are|is)|outcomes for children and young people in [^.]{2,40}? (?:are|is))\s+(?:judged to be )?(requires? improvement(?: to be good)?|outstanding|good|inadequate|adequate)|children's services in [^.]{2,80}? (requires? improvement(?: to be good)?)")
        .expect("static regex")
});
static LSCB_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:the judge?ment for )?the effectiveness of the (?:local safeguarding children'?s? board(?: \(lscb\))?|lscb) (?:is |are )?(?:judged to be )?(requires? improvement(?: to be good)?|outstanding|good|inadequate)")
        .expect("static regex")
});
static LSCB_VERDICT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^the (?:local safeguarding children'?s? board|lscb)(?: \(lscb\))? (?:is )?(requires? improvement(?: to be good)?|outstanding|good|inadequate)\.?$")
        .expect("static regex")
});
static CSA_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(children'?s services assessment)\s*\t+\s*(performs? \w+(?: \(\d\))?)")
        .expect("static regex")
});

/// Whether a raw line could read as [`LSCB_VERDICT`] once normalised: short enough, and naming
/// the board ("...Children Board", "LSCB") in any case. A cheap test before the normalising.
fn may_be_lscb_verdict(line: &str) -> bool {
    const LONGEST: usize = 300;
    let contains = |word: &[u8]| {
        line.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    line.len() <= LONGEST && (contains(b"board") || contains(b"lscb"))
}

/// Cells of a table line with their starting columns (tabs count as 8 columns).
fn cells_at(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut last = 0;
    let width = |s: &str| {
        s.chars()
            .map(|c| if c == '\t' { 8 } else { 1 })
            .sum::<usize>()
    };
    for m in CELL_GAP.find_iter(line) {
        if m.start() > last {
            let cell = &line[last..m.start()];
            let lead = cell.len() - cell.trim_start().len();
            if !cell.trim().is_empty() {
                out.push((width(&line[..last + lead]), cell.trim()));
            }
        }
        last = m.end();
    }
    let cell = &line[last..];
    if !cell.trim().is_empty() {
        let lead = cell.len() - cell.trim_start().len();
        out.push((width(&line[..last + lead]), cell.trim()));
    }
    out
}

fn push(r: &mut Recognised, area_text: &str, grade_text: &str, line: u32) {
    let area_text = area_text
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim();
    let area_norm = normalise(area_text);
    let Some((area, _, _)) = grades::area_in(&area_norm) else {
        return;
    };
    let grade_norm = normalise(grade_text);
    let grade = match grade_norm.parse::<u32>() {
        Ok(n) => grades::grade_of_jar_number(n),
        Err(_) => grades::grade_of_phrase(
            grade_norm
                .replace(['(', ')'], "")
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == ' '),
        ),
    };
    let Some(grade) = grade else { return };
    if r.judgements.iter().any(|j| normalise(&j.area) == area_norm) {
        return;
    }
    r.judgements.push(Judgement {
        area: area_text.replace("  ", " "),
        area_canonical: area,
        grade,
        grade_printed: grade_text.trim().trim_end_matches('.').to_string(),
        line: Some(line),
    });
}

fn find_judgements(raw: &[&str], opening: &[(usize, &str)], r: &mut Recognised) {
    let limit = raw
        .len()
        .min(opening.last().map_or(0, |(i, _)| i + 1))
        .max(raw.len().min(120));
    read_judgement_table(raw, limit, r);
    read_sif_rows(raw, limit, r);

    // Headline sentences on the cover.
    let cover: String = normalise(
        &opening
            .iter()
            .take(45)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join(" "),
    );
    if !r
        .judgements
        .iter()
        .any(|j| j.area_canonical == Area::Overall)
    {
        if let Some(c) = OVERALL_SENTENCE.captures(&cover) {
            if let Some(g) = c.get(1).or_else(|| c.get(2)) {
                let line = opening
                    .iter()
                    .find(|(_, l)| {
                        let n = normalise(&l.replace('*', ""));
                        let n = n.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                        let n = n.trim_start();
                        n.contains("overall judge")
                            || n.contains("children's services in")
                            || n.starts_with("outcomes for children")
                    })
                    .map(|(i, _)| line_no(*i));
                if let Some(grade) = grades::grade_of_phrase(g.as_str()) {
                    r.judgements.insert(
                        0,
                        Judgement {
                            area: "Overall judgement".into(),
                            area_canonical: Area::Overall,
                            grade,
                            grade_printed: g.as_str().to_string(),
                            line,
                        },
                    );
                }
            }
        }
    }
    // The board's grade in a report that reviews an LSCB: the line that opens the review's part
    // ("The Local Safeguarding Children Board requires improvement"), often the only place a
    // SIF report states it; else a sentence of the cover.
    if !r
        .judgements
        .iter()
        .any(|j| j.area_canonical == Area::SafeguardingPartnership)
    {
        // Only a report with an LSCB review has that part: the others are not scanned.
        let reviews_lscb = matches!(
            r.report_type,
            Some(ReportType::Sif | ReportType::LscbReview)
        );
        let verdict = if reviews_lscb {
            raw.iter().enumerate().find_map(|(i, line)| {
                // Every line of the report is a candidate: only a short one that names the board
                // can be its verdict, and only that one is normalised.
                if !may_be_lscb_verdict(line) {
                    return None;
                }
                let norm = normalise(line.trim_start_matches('\u{c}'));
                let grade = LSCB_VERDICT.captures(&norm)?[1].to_string();
                Some((grade, Some(line_no(i))))
            })
        } else {
            None
        };
        let found = verdict.or_else(|| {
            LSCB_SENTENCE
                .captures(&cover)
                .map(|c| (c[1].to_string(), None))
        });
        if let Some((printed, line)) = found {
            if let Some(grade) = grades::grade_of_phrase(&printed) {
                r.judgements.push(Judgement {
                    area: "Effectiveness of the Local Safeguarding Children Board".into(),
                    area_canonical: Area::SafeguardingPartnership,
                    grade,
                    grade_printed: printed,
                    line,
                });
            }
        }
    }

    // Children's services assessment letters: "Children's services assessment  Performs well (3)".
    for (i, line) in opening {
        if let Some(c) = CSA_ROW.captures(line) {
            let printed = c[2].to_string();
            let phrase = normalise(&printed);
            let phrase = phrase.split(" (").next().unwrap_or_default();
            if let Some(grade) = grades::grade_of_phrase(phrase) {
                r.judgements.push(Judgement {
                    area: c[1].to_string(),
                    area_canonical: Area::Overall,
                    grade,
                    grade_printed: printed,
                    line: Some(line_no(*i)),
                });
            }
        }
    }

    // A JAR's "Grades" table: "Being healthy  3" (4 best); the first number is local services
    // overall.
    if let Some(grades_at) = raw.iter().position(|l| {
        // Most lines are prose: too long to be the heading, so not normalised (hot: every
        // line of every report).
        if l.trim().len() > 40 {
            return false;
        }
        let n = normalise(l);
        n == "## grades" || n == "grades"
    }) {
        for (i, line) in raw.iter().enumerate().skip(grades_at + 1).take(30) {
            let n = normalise(line);
            if n.starts_with('#') || n == "recommendations" {
                break;
            }
            let parts: Vec<&str> = line.split('\t').map(str::trim).collect();
            if parts.len() < 2 || parts[0].is_empty() {
                continue;
            }
            if let Some(grade) = parts[1..].iter().find(|p| !p.is_empty()) {
                if grade.parse::<u32>().is_ok() && parts[1].parse::<u32>().is_ok() {
                    push(r, parts[0], grade, line_no(i));
                }
            }
        }
    }
}

static JAR_OUTCOMES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d+\.\s*)?outcomes for children and young people in [^.]{2,40}? (?:are|is) (outstanding|good|adequate|inadequate)\.")
        .expect("static regex")
});

/// A JAR grades the five outcomes, not the area as a whole; its summary report opens with the
/// overall finding in a bold lead sentence, "Outcomes for children and young people in
/// Hartlepool are good.", which is the overall judgement (DOMAIN.md: JAR "overall / summary").
fn find_jar_outcomes(raw: &[&str], r: &mut Recognised) {
    if r.judgements
        .iter()
        .any(|j| j.area_canonical == Area::Overall)
    {
        return;
    }
    for (i, line) in raw.iter().enumerate() {
        let n = normalise(&line.replace('*', ""));
        let Some(c) = JAR_OUTCOMES.captures(&n) else {
            continue;
        };
        if let Some(grade) = grades::grade_of_phrase(&c[1]) {
            r.judgements.insert(
                0,
                Judgement {
                    area: "Outcomes for children and young people".into(),
                    area_canonical: Area::Overall,
                    grade,
                    grade_printed: c[1].to_string(),
                    line: Some(line_no(i)),
                },
            );
        }
        return;
    }
}

/// A row of a judgement table being read: label and grade pieces, first and last source line.
#[derive(Default)]
struct TableRow {
    label: Vec<String>,
    grade: Vec<String>,
    first: usize,
    last: usize,
}

/// Reads an ILACS "Judgement  Grade" table by its columns.
///
/// `pdftotext -layout` prints the table in two columns: a cell starting nearer the "Grade" header
/// than the "Judgement" header is a grade, anything else a label (so grades printed a few columns
/// left of the header still count). Rows are told apart by their content, not by blank lines,
/// which some tables do not print: a label line starting with a capital begins a row (its
/// continuations, "and families", "leavers", start lower case), and a grade when the row being
/// read has one already begins the next row (the grade printed above its label). A grade cell
/// starting lower case continues the grade above ("Requires improvement to" / "be good"). The
/// table ends at a line of prose running across both columns, and its last line is the last
/// line of its last graded row.
fn read_judgement_table(raw: &[&str], limit: usize, r: &mut Recognised) {
    let Some(head) = raw[..limit].iter().position(|l| TABLE_HEAD.is_match(l)) else {
        return;
    };
    let header = raw[head];
    let label_col = header.len() - header.trim_start().len();
    // "Judgement" and "Grade" are ASCII, so the byte offset is the column.
    let grade_head = header
        .to_lowercase()
        .rfind("grade")
        .unwrap_or(label_col + 40);
    let boundary = (label_col + grade_head) / 2;
    let starts_lower = |s: &str| s.chars().next().is_some_and(char::is_lowercase);

    let mut rows: Vec<TableRow> = Vec::new();
    let mut current = TableRow::default();
    let flush = |rows: &mut Vec<TableRow>, current: &mut TableRow| {
        if !current.label.is_empty() || !current.grade.is_empty() {
            rows.push(std::mem::take(current));
        }
    };
    for (i, line) in raw.iter().enumerate().skip(head + 1).take(40) {
        let positioned = cells_at(line);
        if positioned.is_empty() {
            if !current.label.is_empty() && !current.grade.is_empty() {
                flush(&mut rows, &mut current);
            }
            continue;
        }
        if let [(col, text)] = positioned.as_slice() {
            if *col < boundary && col + text.chars().count() > grade_head {
                break; // prose across both columns: the table is over
            }
        }
        let (labels, grades): (Vec<_>, Vec<_>) =
            positioned.into_iter().partition(|(col, _)| *col < boundary);
        let label = labels.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(" ");
        if !label.is_empty() {
            if !starts_lower(&label) && !current.label.is_empty() {
                flush(&mut rows, &mut current);
            }
            if current.label.is_empty() && current.grade.is_empty() {
                current.first = i;
            }
            current.label.push(label);
            current.last = i;
        }
        let grade = grades.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(" ");
        if !grade.is_empty() {
            if !starts_lower(&grade) && !current.grade.is_empty() {
                flush(&mut rows, &mut current);
            }
            if current.label.is_empty() && current.grade.is_empty() {
                current.first = i;
            }
            current.grade.push(grade);
            current.last = i;
        }
    }
    flush(&mut rows, &mut current);

    let mut end = None;
    for row in rows {
        let grade = row.grade.join(" ");
        if !row.label.is_empty() && GRADE_CELL.is_match(&grade) {
            push(r, &row.label.join(" "), &grade, line_no(row.first));
            end = Some(row.last);
        }
    }
    let end = end.unwrap_or(head);
    r.table_lines.push((line_no(head), line_no(end)));
    r.cover_end = r.cover_end.max(line_no(end));
}

/// Whether a cell holds only words of grade phrases ("Requires", "improvement", "to be good").
fn grade_words(cell: &str) -> bool {
    const WORDS: &[&str] = &[
        "requires",
        "require",
        "improvement",
        "to",
        "be",
        "good",
        "outstanding",
        "inadequate",
        "adequate",
    ];
    normalise(cell)
        .split(' ')
        .all(|w| WORDS.contains(&w.trim_end_matches('.')))
}

/// Reads the SIF front-page rows: "1. Children who need help and protection   Good", some
/// wrapped, with the grade on a line of its own, or printed around the label ("Requires" above,
/// "improvement" below; or the whole grade on the line above). Cells right of the label column
/// make up the grade. A line holding only grade words directly above a row belongs to that row
/// unless the row above has no grade yet and the row below prints its own.
fn read_sif_rows(raw: &[&str], limit: usize, r: &mut Recognised) {
    const GRADE_COL: usize = 30;
    let grade_only = |line: &str| {
        let cells = cells_at(line);
        !cells.is_empty()
            && cells
                .iter()
                .all(|(col, cell)| *col >= GRADE_COL && grade_words(cell))
    };
    let row_at = |k: usize| raw.get(k).is_some_and(|l| SIF_ROW.is_match(l));
    let mut i = 0;
    let mut consumed = 0; // lines before this belong to a row already read
    let mut first_row = None;
    let mut last_row = 0;
    while i < limit.min(90).min(raw.len()) {
        if !row_at(i) {
            i += 1;
            continue;
        }
        let mut label = Vec::new();
        let mut own = Vec::new();
        let mut j = i;
        while j < raw.len() && !raw[j].trim().is_empty() && (j == i || !row_at(j)) {
            if j > i && !own.is_empty() && grade_only(raw[j]) && row_at(j + 1) {
                break; // the next row's grade, printed above its label
            }
            for (col, cell) in cells_at(raw[j]) {
                if cell.chars().all(|c| c.is_ascii_digit()) {
                    continue; // a footnote mark
                }
                // Grade words right of the label column, or a whole grade cell (tab-separated
                // rows). Words of a justified label ("looked   after   and") are not grades.
                if (col >= GRADE_COL && grade_words(cell))
                    || (GRADE_CELL.is_match(cell) && own.is_empty())
                {
                    own.push(cell.to_string());
                } else {
                    label.push(cell.to_string());
                }
            }
            j += 1;
        }
        let mut start = i;
        let mut grade = own.join(" ");
        if !GRADE_CELL.is_match(&grade) && i > consumed && grade_only(raw[i - 1]) {
            let above: Vec<&str> = cells_at(raw[i - 1]).into_iter().map(|(_, c)| c).collect();
            grade = format!("{} {grade}", above.join(" ")).trim().to_string();
            start = i - 1;
        }
        if GRADE_CELL.is_match(&grade) {
            push(r, &label.join(" "), &grade, line_no(i));
            first_row.get_or_insert(start);
            last_row = j - 1;
        }
        consumed = j;
        i = j.max(i + 1);
    }
    if let Some(first) = first_row {
        r.table_lines.push((line_no(first), line_no(last_row)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognise_text(text: &str) -> Recognised {
        let raw: Vec<&str> = text.split('\n').collect();
        recognise(&raw, AuthorityTable::bundled())
    }

    #[test]
    fn lscb_verdict_prefilter_passes_every_verdict_line() {
        for line in [
            "The Local Safeguarding Children Board requires improvement",
            "**The local safeguarding children's board is good.**",
            "\u{c}The LSCB is inadequate",
            "THE LSCB (LSCB) IS OUTSTANDING",
        ] {
            assert!(may_be_lscb_verdict(line), "{line:?}");
            assert!(LSCB_VERDICT.is_match(&normalise(line.trim_start_matches('\u{c}'))));
        }
        assert!(!may_be_lscb_verdict(
            "The local authority requires improvement"
        ));
        // On the bundled reports: no line the verdict regex reads is passed over.
        let mut verdicts = 0;
        for (path, text) in crate::test_corpus::report_texts() {
            for line in text.split('\n') {
                if LSCB_VERDICT.is_match(&normalise(line.trim_start_matches('\u{c}'))) {
                    assert!(may_be_lscb_verdict(line), "{}: {line:?}", path.display());
                    verdicts += 1;
                }
            }
        }
        assert!(verdicts > 100, "only {verdicts} verdict lines");
    }

    #[test]
    fn jar_overall_is_its_outcomes_sentence() {
        let r = recognise_text("# Joint area review\n\nHartlepool\n\nChildren's Services Authority Area\n\n## Summary Report\n\n### Outcomes for children and young people\n\n13. **Outcomes for children and young people in Hartlepool are good.** The findings of this review corroborate most judgements.\n\n## Grades\n\nBeing healthy\t3\t\t\n");
        assert_eq!(r.report_type, Some(ReportType::Jar));
        assert_eq!(
            grades_of(&r),
            vec![(Area::Overall, Grade::Good), (Area::Health, Grade::Good)]
        );
        assert_eq!(r.judgements[0].line, Some(11));
    }

    #[test]
    fn ilacs_table_with_grades_between_label_lines() {
        // The layout of report-0016 (the "Grade" header at column 63, as printed), with one grade
        // changed to exercise a grade on one line.
        let r = recognise_text("Thurrock Council\nInspection of children’s social care services\nInspection dates: 11 November 2019 to 22 November 2019\n\nLead inspector: Brenda McLaughlin\n\n Judgement                                                     Grade\n\n The impact of leaders on social work practice with children\n                                                               Good\n and families\n\n The experiences and progress of children in care and care\n                                                               Requires improvement to be good\n leavers\n\n Overall effectiveness                                         Good\n\nSince the last inspection in 2016");
        assert_eq!(r.report_type, Some(ReportType::Ilacs));
        assert_eq!(r.framework.as_deref(), Some("ilacs-2018"));
        assert_eq!(r.authority.map(|a| a.name), Some("Thurrock".to_string()));
        assert_eq!(
            r.inspection_end.map(|d| d.to_string()).as_deref(),
            Some("2019-11-22")
        );
        let got: Vec<(Area, Grade, String)> = r
            .judgements
            .iter()
            .map(|j| (j.area_canonical, j.grade, j.area.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Area::Leadership,
                    Grade::Good,
                    "The impact of leaders on social work practice with children and families"
                        .to_string()
                ),
                (
                    Area::ChildrenInCare,
                    Grade::RequiresImprovement,
                    "The experiences and progress of children in care and care leavers".to_string()
                ),
                (
                    Area::Overall,
                    Grade::Good,
                    "Overall effectiveness".to_string()
                ),
            ]
        );
    }

    #[test]
    fn lscb_grade_from_the_line_that_opens_its_part() {
        // report-0400.txt (Havering SIF 2016): the cover table grades the local authority
        // only; the board's grade opens the LSCB part near the end.
        let r = recognise_text("London Borough of Havering\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nand\nReview of the effectiveness of the Local Safeguarding Children\nBoard1\nInspection date: 27 September – 20 October 2016\nReport published: 9 December 2016\n\n\n    Children’s services in Havering require improvement to be good\n    1. Children who need help and protection                            Requires Improvement\n\nExecutive summary\n\nThe local authority and the LSCB are aware of this.\n\nThe Local Safeguarding Children Board (LSCB)\nThe Local Safeguarding Children Board requires improvement\n\nExecutive summary\nThe board is not yet effective.");
        let lscb: Vec<(Grade, &str, Option<u32>)> = r
            .judgements
            .iter()
            .filter(|j| j.area_canonical == Area::SafeguardingPartnership)
            .map(|j| (j.grade, j.grade_printed.as_str(), j.line))
            .collect();
        assert_eq!(
            lscb,
            [(Grade::RequiresImprovement, "requires improvement", Some(19))]
        );
        // Barnet SIF 2017: "is inadequate".
        let r = recognise_text("Review of the effectiveness of the Local Safeguarding Children Board\n\nThe Local Safeguarding Children Board (LSCB)\n\nThe Local Safeguarding Children Board is inadequate\n");
        assert!(r
            .judgements
            .iter()
            .any(|j| j.area_canonical == Area::SafeguardingPartnership
                && j.grade == Grade::Inadequate));
    }

    #[test]
    fn sif_cover_with_wrapped_rows() {
        let r = recognise_text("Telford and Wrekin Council\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nand\nReview of the effectiveness of the Local Safeguarding Children\nBoard1\nInspection date: 13 June 2016 to 7 July 2016\nReport published: 26 August 2016\n\n\nChildren’s services in Telford and Wrekin require improvement\nto be good\n1. Children who need help and protection                               Requires improvement\n\n2. Children looked after and achieving\n                                                                       Requires improvement\n   permanence\n\n          2.1 Adoption performance                                     Good\n\n3. Leadership, management and governance                               Requires improvement\n\nThe effectiveness of the Local Safeguarding Children Board (LSCB) is good.");
        assert_eq!(r.report_type, Some(ReportType::Sif));
        assert_eq!(r.framework.as_deref(), Some("sif+lscb"));
        assert_eq!(
            r.published.map(|d| d.to_string()).as_deref(),
            Some("2016-08-26")
        );
        let got: Vec<(Area, Grade)> = r
            .judgements
            .iter()
            .map(|j| (j.area_canonical, j.grade))
            .collect();
        assert_eq!(
            got,
            [
                (Area::Overall, Grade::RequiresImprovement),
                (Area::HelpAndProtection, Grade::RequiresImprovement),
                (Area::ChildrenInCare, Grade::RequiresImprovement),
                (Area::Adoption, Grade::Good),
                (Area::Leadership, Grade::RequiresImprovement),
                (Area::SafeguardingPartnership, Grade::Good),
            ]
        );
    }

    fn grades_of(r: &Recognised) -> Vec<(Area, Grade)> {
        r.judgements
            .iter()
            .map(|j| (j.area_canonical, j.grade))
            .collect()
    }

    /// Regression: SIF covers that state the overall judgement as "The overall judgement is that
    /// children's services are inadequate" (or "... require\nimprovement") were not read.
    #[test]
    fn sif_overall_judgement_is_that_childrens_services_are() {
        let r = recognise_text("Manchester City Council\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nand\nReview of the effectiveness of the Local Safeguarding Children\nBoard1\nInspection date: 25 June 2014 – 16 July 2014\n\nReport published: 01 September 2014\n\nThe overall judgement is that children’s services are\ninadequate.2\nThe authority is not yet delivering good protection, help or care for children, young\npeople and families.\n\nThe judgements on areas of the service that contribute to overall effectiveness are:\n\n1. Children who need help and protection                                   Inadequate\n\n                                                                           Requires\n2. Children looked after and achieving permanence\n                                                                           improvement\n\n3. Leadership, management and governance                                   Inadequate\n");
        assert_eq!(
            grades_of(&r),
            [
                (Area::Overall, Grade::Inadequate),
                (Area::HelpAndProtection, Grade::Inadequate),
                (Area::ChildrenInCare, Grade::RequiresImprovement),
                (Area::Leadership, Grade::Inadequate),
            ]
        );
        let r = recognise_text("Somewhere Council\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nInspection date: 1 June 2015 – 25 June 2015\n\nThe overall judgement is that children’s services require\nimprovement\nThe authority is not yet delivering good protection and help and care for children,\n");
        assert_eq!(grades_of(&r), [(Area::Overall, Grade::RequiresImprovement)]);
        let r = recognise_text("Somewhere Council\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nInspection date: 1 June 2015 – 25 June 2015\n\nThe overall judgement is that children’s services are good\nThe local authority leads effective services that meet the requirements for good.\n");
        assert_eq!(grades_of(&r), [(Area::Overall, Grade::Good)]);
    }

    /// Regression: an ILACS table whose label continuation lines start at the left margin (no
    /// indent) ended at the first of them, losing the rows below ("care leavers" was cut off, so
    /// the framework was not recognised either).
    #[test]
    fn ilacs_table_with_unindented_label_continuations() {
        let r = recognise_text("Rochdale Borough Council\nInspection of children’s social care services\nInspection dates: 15 January 2018 to 26 January 2018\n\nLead inspector: Paula Thomson-Jones HMI\n\n\nJudgement                                                  Grade\n\n\nThe impact of leaders on social work practice with         Requires improvement to\nchildren and families                                      be good\n\n\nThe experiences and progress of children who need          Requires improvement to\nhelp and protection                                        be good\n\n\nThe experiences and progress of children in care and       Good\ncare leavers\n\n\nOverall effectiveness                                      Requires improvement to\n                                                           be good\n\n\nLeaders have been successful in making improvements to many areas of the service,\noften in response to previous inspection findings. Despite this, the quality of practice\n");
        assert_eq!(r.framework.as_deref(), Some("ilacs-2018"));
        assert_eq!(
            grades_of(&r),
            [
                (Area::Leadership, Grade::RequiresImprovement),
                (Area::HelpAndProtection, Grade::RequiresImprovement),
                (Area::ChildrenInCare, Grade::Good),
                (Area::Overall, Grade::RequiresImprovement),
            ]
        );
        assert_eq!(r.judgements[2].grade_printed, "Good");
        assert_eq!(
            r.judgements[3].grade_printed,
            "Requires improvement to be good"
        );
        // The table ends at its last row: the prose after it stays prose.
        assert_eq!(r.table_lines, [(8, 24)]);
    }

    /// Regression: rows not separated by blank lines, each grade on a line of its own between the
    /// two lines of its label, were read as one row.
    #[test]
    fn ilacs_table_rows_without_blank_lines() {
        let r = recognise_text("Middlesbrough Borough Council\nInspection of children’s social care services\nInspection dates: 1 July 2019 to 12 July 2019\n\nLead inspector: Jan Edwards, Her Majesty’s Inspector\n\n Judgement                                                     Grade\n The impact of leaders on social work practice with children\n                                                               Inadequate\n and families\n The experiences and progress of children who need help and\n                                                               Inadequate\n protection\n\n The experiences and progress of children in care and care\n                                                               Inadequate\n leavers\n\n Overall effectiveness                                         Inadequate\n\n\nSince the last inspection in 2015, the quality of children’s services in Middlesbrough\nhas deteriorated and services are now inadequate.\n");
        assert_eq!(r.framework.as_deref(), Some("ilacs-2018"));
        assert_eq!(
            grades_of(&r),
            [
                (Area::Leadership, Grade::Inadequate),
                (Area::HelpAndProtection, Grade::Inadequate),
                (Area::ChildrenInCare, Grade::Inadequate),
                (Area::Overall, Grade::Inadequate),
            ]
        );
        assert_eq!(r.table_lines, [(7, 19)]);
    }

    /// Regression: a grade printed above its row's label ("Requires improvement to be good" over
    /// "Overall effectiveness"), straight after the previous row, went to the previous row.
    #[test]
    fn ilacs_table_grade_above_its_label() {
        let r = recognise_text("Inspection of Cambridgeshire County Council children’s services\nInspection dates: 1 March 2022 to 11 March 2022\n\n Judgement                                  Grade\n\n The impact of leaders on social work       Requires improvement to be good\n practice with children and families\n\n The experiences and progress of            Requires improvement to be good\n children who need help and protection\n\n The experiences and progress of            Requires improvement to be good\n children in care\n\n The experiences and progress of care       Good\n leavers\n                                            Inadequate\n Overall effectiveness\n\nThe last full inspection of children’s services in Cambridgeshire, in January 2019,\njudged all services as requires improvement to be good.\n");
        assert_eq!(r.framework.as_deref(), Some("ilacs-2023"));
        assert_eq!(
            grades_of(&r),
            [
                (Area::Leadership, Grade::RequiresImprovement),
                (Area::HelpAndProtection, Grade::RequiresImprovement),
                (Area::ChildrenInCare, Grade::RequiresImprovement),
                (Area::CareLeavers, Grade::Good),
                (Area::Overall, Grade::Inadequate),
            ]
        );
        // Split grade around the label: "Requires improvement" / "Overall effectiveness" / "to be good".
        let r = recognise_text("Southend-on-Sea Borough Council\nInspection of children’s social care services\nInspection dates: 15 July 2019 to 26 July 2019\n\n Judgement                                                     Grade\n\n The experiences and progress of children in care and care     Good\n leavers\n\n                                                               Requires improvement\n Overall effectiveness\n                                                               to be good\n\n\nServices for children in Southend-on-Sea require improvement to be good.\n");
        assert_eq!(
            grades_of(&r),
            [
                (Area::ChildrenInCare, Grade::Good),
                (Area::Overall, Grade::RequiresImprovement),
            ]
        );
        assert_eq!(
            r.judgements[1].grade_printed,
            "Requires improvement to be good"
        );
    }

    /// The grade column is found by where the cells sit, not by the exact column of the "Grade"
    /// header: grades a few columns left of the header still count.
    #[test]
    fn ilacs_table_grades_left_of_the_header() {
        let r = recognise_text("Inspection of Somewhere local authority children’s services\nInspection dates: 10 to 21 July 2023\n\n Judgement                                           Grade\n\n The impact of leaders on social work       Good\n practice with children and families\n\n The experiences and progress of          Requires improvement to be good\n children who need help and protection\n\n The experiences and progress of           Good\n children in care\n\n The experiences and progress of care      Outstanding\n leavers\n\n Overall effectiveness                     Good\n\nSince the last inspection services have improved.\n");
        assert_eq!(r.framework.as_deref(), Some("ilacs-2023"));
        assert_eq!(
            grades_of(&r),
            [
                (Area::Leadership, Grade::Good),
                (Area::HelpAndProtection, Grade::RequiresImprovement),
                (Area::ChildrenInCare, Grade::Good),
                (Area::CareLeavers, Grade::Outstanding),
                (Area::Overall, Grade::Good),
            ]
        );
    }

    /// Regression: SIF rows whose grade is printed around the label were lost: "requires" above
    /// and "improvement" below each label with no blank line between rows, or the whole grade
    /// on the line above the label.
    #[test]
    fn sif_rows_with_grades_around_their_labels() {
        let r = recognise_text("Somewhere Council\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nInspection date: 29 April – 22 May 2014\n\nThe overall judgement is requires improvement\ngood help, care and protection.\n                                                                           requires\n1. Children who need help and protection\n                                                                           improvement\n\n                                                                           requires\n2. Children looked after and achieving permanence\n                                                                           improvement\n                                                                           requires\n            2.1 Adoption performance\n                                                                           improvement\n                                                                           requires\n3. Leadership, management and governance\n                                                                           improvement\n\nThe effectiveness of the Local Safeguarding Children Board (LSCB) is\n");
        let ri = Grade::RequiresImprovement;
        assert_eq!(
            grades_of(&r),
            [
                (Area::Overall, ri),
                (Area::HelpAndProtection, ri),
                (Area::ChildrenInCare, ri),
                (Area::Adoption, ri),
                (Area::Leadership, ri),
            ]
        );
        let r = recognise_text("Somewhere Council\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nInspection date: 1 June 2015 – 25 June 2015\n\n1. Children who need help and protection                               Good\n\n2. Children looked after and achieving                                 Requires improvement\n   permanence\n\n                                                                       Inadequate\n          2.1 Adoption performance\n\n\n                                                                       Outstanding\n3. Leadership, management and governance\n\n");
        assert_eq!(
            grades_of(&r),
            [
                (Area::HelpAndProtection, Grade::Good),
                (Area::ChildrenInCare, Grade::RequiresImprovement),
                (Area::Adoption, Grade::Inadequate),
                (Area::Leadership, Grade::Outstanding),
            ]
        );
        assert_eq!(r.table_lines, [(6, 16)]);
    }

    /// Regression: a justified SIF label ("2. Children looked   after   and   achieving") had
    /// its words taken for grade pieces, losing the row.
    #[test]
    fn sif_row_with_justified_label() {
        let r = recognise_text("Somewhere Council\nInspection of services for children in need of help and\nprotection, children looked after and care leavers\nInspection date: 1 June 2015 – 25 June 2015\n\n      1. Children who need help and protection                          Inadequate\n\n      2. Children looked             after     and      achieving\n                                                                        Inadequate\n         permanence\n\n           2.1 Adoption performance                                     Requires improvement\n");
        assert_eq!(
            grades_of(&r),
            [
                (Area::HelpAndProtection, Grade::Inadequate),
                (Area::ChildrenInCare, Grade::Inadequate),
                (Area::Adoption, Grade::RequiresImprovement),
            ]
        );
    }
}
