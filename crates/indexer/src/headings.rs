//! Headings: recognising them, and what each says about the paragraphs beneath it (section
//! level, paragraph kind, judgement area and grade).

use std::sync::LazyLock;

use ofsearch_schema::{Area, Kind};
use regex::RegexSet;

use crate::grades::{self, FoundGrade};

/// What a heading tells about the paragraphs under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingInfo {
    /// 1 (report part) to 3 (minor heading); a heading closes every open heading of its level
    /// or deeper.
    pub level: u8,
    /// Kind of the paragraphs beneath, if the heading decides it.
    pub kind: Option<Kind>,
    /// Judgement area (canonical and as printed), if the heading names one.
    pub area: Option<(Area, String)>,
    /// Grade, if the heading states one.
    pub grade: Option<FoundGrade>,
    /// Paragraphs beneath belong to no area, whatever encloses the heading.
    pub clears_area: bool,
}

struct Known {
    level: u8,
    kind: Option<Kind>,
    area: Option<Area>,
    clears_area: bool,
}

/// The table of known headings: each row's pattern, whole-text anchored, in one [`RegexSet`]
/// (index `i` of the set is row `i`).
struct KnownTable {
    set: RegexSet,
    rows: Vec<Known>,
}

static KNOWN: LazyLock<KnownTable> = LazyLock::new(|| {
    use Kind::*;
    type Row = (&'static str, u8, Option<Kind>, Option<Area>, bool);
    let table: &[Row] = &[
        // Section 1 of a SIF 2014-17 report is headed by its summary: a sibling of the
        // judged sections that follow, not their parent.
        (
            r"(?:section \d+: )?the local authority ?[-–] summary of findings",
            2,
            Some(Summary),
            Some(Area::Overall),
            false,
        ),
        (r"section \d+: .*", 1, None, None, true),
        // A part heading in some SIF reports, a sub-heading of "What the inspection
        // judgements mean" in others: it changes nothing beneath it.
        (r"the local authority", 3, None, None, false),
        // A letter's subject line, under the salutation.
        (
            r"annual unannounced inspection of contact,? referral and assessment.*",
            1,
            None,
            None,
            false,
        ),
        (r"summary report", 1, Some(Summary), None, true),
        (r"main report", 1, None, None, true),
        // "Annex A: Information about the local authority area" stands before the judged
        // sections in some SIF reports: a context section, not a closing annex.
        (
            r"annex [a-z]:? information about .*",
            2,
            Some(Context),
            None,
            true,
        ),
        (r"annex\b.*", 1, Some(Summary), None, true),
        (r"contents\b.*", 1, Some(Boilerplate), None, true),
        (
            r"(?:summary of )?key findings.*|executive summary|summary of findings",
            2,
            Some(Summary),
            Some(Area::Overall),
            false,
        ),
        // The LSCB review at the end of a SIF report: a part of its own, its findings after
        // the board's recommendations.
        (
            r"the local safeguarding children board(?: \(?lscb\)?)?|the lscb",
            1,
            None,
            Some(Area::SafeguardingPartnership),
            false,
        ),
        (
            r"inspection findings[^a-z0-9]*the (?:local safeguarding children board|lscb)(?: \(?lscb\)?)?",
            2,
            None,
            Some(Area::SafeguardingPartnership),
            false,
        ),
        // Inside a judged section (SIF 2014-17): its summary, then its findings.
        (r"summary", 3, Some(Summary), None, false),
        (r"inspection findings\b.*", 3, None, None, false),
        (
            r"what does the local authority need to improve|what needs to improve|recommendations?|what the local authority needs to improve",
            2,
            Some(Recommendations),
            None,
            true,
        ),
        (
            r"areas? for (?:improvement|development|priority action|further improvement)|what needs to improve in this area|for immediate action|for action .*|recommendations? for .*",
            3,
            Some(Recommendations),
            None,
            false,
        ),
        (
            r"(?:key )?strengths|key strengths and weaknesses.*",
            3,
            None,
            None,
            false,
        ),
        (
            r"information about (?:this|the) (?:inspection|local authority(?: area)?|area|local area)|introduction|context|background",
            2,
            Some(Context),
            None,
            true,
        ),
        (
            r"the inspection team|(?:children|children and young people) (?:living|looked after|in care) in (?:this area|[a-z ,'-]+)|child protection in this area|(?:other|previous) ofsted inspections|other information about this area|inspection team|local leadership",
            3,
            Some(Context),
            None,
            false,
        ),
        (
            r"inspection judge?ments about the local authority",
            2,
            None,
            None,
            true,
        ),
        (
            r"what the inspection judge?ments mean.*|what inspection judge?ments mean.*",
            2,
            Some(Boilerplate),
            None,
            true,
        ),
        (r"grades(?: awarded)?", 2, Some(Summary), None, true),
        (
            r"outcomes for children and young people",
            2,
            None,
            Some(Area::Overall),
            false,
        ),
        (
            r"the impact of local services",
            2,
            None,
            Some(Area::Overall),
            false,
        ),
        (
            r"being healthy|staying safe|enjoying and achieving|making a positive contribution|achieving economic well-?being|service management|capacity to improve|the management of services",
            2,
            None,
            None,
            false,
        ),
    ];
    let set = RegexSet::new(
        table
            .iter()
            .map(|(pattern, ..)| format!(r"^(?:{pattern})[:?.]?$")),
    )
    .expect("static regex");
    let rows = table
        .iter()
        .map(|(_, level, kind, area, clears_area)| Known {
            level: *level,
            kind: *kind,
            area: *area,
            clears_area: *clears_area,
        })
        .collect();
    KnownTable { set, rows }
});

/// Classifies text that stands as a heading in a known form: a heading phrase of one of the
/// frameworks, or a judgement heading. `None` for anything else.
pub fn known(text: &str) -> Option<HeadingInfo> {
    // Normalised once for both readings: this runs on the first lines of every paragraph.
    let norm = grades::normalise(text);
    if let Some(j) = grades::judgement_heading_normalised(text, &norm) {
        return Some(HeadingInfo {
            level: 2,
            kind: None,
            area: Some((j.area, j.area_printed)),
            grade: j.grade,
            clears_area: false,
        });
    }
    let norm = norm.trim_end_matches(|c: char| c.is_ascii_digit());
    // The first row of the table that matches, found in one pass over the text.
    let known = &KNOWN.rows[KNOWN.set.matches(norm).iter().next()?];
    let area = known
        .area
        .map(|a| (a, text.trim().to_string()))
        .or_else(|| {
            if known.level == 1 || known.kind.is_some() {
                // "Section 2: the effectiveness of the LSCB" names an area; "Contents" does not.
                match grades::area_in(norm) {
                    Some((area, _, _)) if known.level == 1 => Some((area, text.trim().to_string())),
                    _ => None,
                }
            } else if known.level <= 2 {
                grades::area_in(norm).map(|(area, _, _)| (area, text.trim().to_string()))
            } else {
                // A minor heading ("Key strengths and weaknesses of the LSCB") sits inside a
                // judged section and names no area of its own.
                None
            }
        });
    Some(HeadingInfo {
        level: known.level,
        kind: known.kind,
        area,
        grade: None,
        clears_area: known.clears_area,
    })
}

/// Whether a heading opens inspection findings ("Inspection findings", "Inspection findings –
/// the Local Safeguarding Children Board").
pub fn is_findings(text: &str) -> bool {
    grades::normalise(text).starts_with("inspection findings")
}

/// A heading of no known form (a short title-like line): it opens a minor section and changes
/// no tags.
pub fn generic() -> HeadingInfo {
    HeadingInfo {
        level: 3,
        kind: None,
        area: None,
        grade: None,
        clears_area: false,
    }
}

const NOT_LAST: &[&str] = &[
    "the",
    "and",
    "of",
    "to",
    "a",
    "an",
    "in",
    "for",
    "with",
    "that",
    "by",
    "on",
    "or",
    "as",
    "is",
    "are",
    "be",
    "from",
    "at",
    "their",
    "its",
    "this",
    "which",
    "who",
    "but",
    "not",
    "because",
    "when",
    "where",
    "if",
    "than",
    "so",
    "such",
    "including",
    "between",
    "into",
];

/// Whether a standalone line looks like a heading of no known form: short, capitalised, not a
/// sentence, not ending mid-phrase, not a salutation or an address line.
pub fn looks_like_heading(text: &str) -> bool {
    let t = text.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    let first = t.chars().next().unwrap_or(' ');
    if words.is_empty() || words.len() > 14 || t.len() > 100 || !first.is_uppercase() {
        return false;
    }
    // Everything but the last character, which may take more than one byte ("2014–", "‘front
    // door’").
    let but_last = t.char_indices().next_back().map_or("", |(i, _)| &t[..i]);
    if t.ends_with(['.', ',', ';'])
        || but_last.contains(':')
        || (t.ends_with(':') && words.len() > 4)
    {
        return false;
    }
    let last = words[words.len() - 1]
        .trim_end_matches([':', '?'])
        .to_lowercase();
    if NOT_LAST.contains(&last.as_str()) {
        return false;
    }
    let lower = t.to_lowercase();
    const NOT_START: &[&str] = &[
        "dear ",
        "yours ",
        "copy",
        "direct ",
        "t ",
        "textphone",
        "email",
        "e:",
        "w:",
        "tel",
        "www.",
        "lead inspector",
        "inspection date",
    ];
    if NOT_START.iter().any(|p| lower.starts_with(p)) || lower.contains('@') {
        return false;
    }
    // Mostly capitalised words or a short phrase: "Strengths", "Areas for development".
    let digits = t.chars().filter(char::is_ascii_digit).count();
    digits * 3 < t.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: Option<(u8, Option<Kind>, Option<Area>)>) {
        let got = known(text).map(|h| (h.level, h.kind, h.area.map(|a| a.0)));
        assert_eq!(got, expect, "{text}");
    }

    #[test]
    fn known_headings() {
        check(
            "Section 2: The effectiveness of the Local Safeguarding Children Board",
            Some((1, None, Some(Area::SafeguardingPartnership))),
        );
        check(
            "What does the Local Authority need to improve?",
            Some((2, Some(Kind::Recommendations), None)),
        );
        check(
            "Information about this local authority area2",
            Some((2, Some(Kind::Context), None)),
        );
        check(
            "What the inspection judgements mean: the local authority",
            Some((2, Some(Kind::Boilerplate), None)),
        );
        check("Being healthy", Some((2, None, Some(Area::Health))));
        check(
            "Staying safe",
            Some((2, None, Some(Area::HelpAndProtection))),
        );
        check("Strengths", Some((3, None, None)));
        // Subsections of a judged section keep its area.
        check("Summary", Some((3, Some(Kind::Summary), None)));
        check("Inspection findings", Some((3, None, None)));
        // The LSCB review of a SIF report: a part of its own, whose findings follow the
        // board's recommendations (not a minor heading under them).
        check(
            "Inspection findings – the Local Safeguarding Children Board",
            Some((2, None, Some(Area::SafeguardingPartnership))),
        );
        check(
            "Inspection findings \u{2500} the Local Safeguarding Children Board",
            Some((2, None, Some(Area::SafeguardingPartnership))),
        );
        check(
            "The Local Safeguarding Children Board (LSCB)",
            Some((1, None, Some(Area::SafeguardingPartnership))),
        );
        // A minor heading names no area of its own: its paragraphs keep the enclosing one.
        check(
            "Key strengths and weaknesses of the LSCB",
            Some((3, None, None)),
        );
        // A letter's subject line is its title.
        check(
            "Annual unannounced inspection of contact, referral and assessment arrangements within Hartlepool children's services",
            Some((1, None, None)),
        );
        check(
            "The experiences and progress of care leavers: good",
            Some((2, None, Some(Area::CareLeavers))),
        );
        check("Children are safe.", None);
        check(
            "Section 1: The local authority - Summary of findings",
            Some((2, Some(Kind::Summary), Some(Area::Overall))),
        );
        check(
            "Annex A: Information about the local authority area",
            Some((2, Some(Kind::Context), None)),
        );
        for context in [
            "Local leadership",
            "Previous Ofsted inspections",
            "Children and young people looked after in this area",
            "Children looked after in Gateshead",
        ] {
            check(context, Some((3, Some(Kind::Context), None)));
        }
        check(
            "section 11 reporting is every three years in Middlesbrough, while it is two years",
            None,
        );
        for lscb in [
            "Section 2: The effectiveness of the Local Safeguarding Children Board",
            "Section 2: the effectiveness local safeguarding children board",
        ] {
            check(lscb, Some((1, None, Some(Area::SafeguardingPartnership))));
        }
        check(
            "Section 2: The effectiveness of the Local Safeguarding",
            Some((1, None, None)),
        );
    }

    #[test]
    fn heading_look() {
        assert!(looks_like_heading("Areas for further improvement"));
        assert!(looks_like_heading(
            "Hartlepool Borough Council children's services assessment 2011"
        ));
        assert!(!looks_like_heading("Dear Ms Bailey"));
        assert!(!looks_like_heading("Good communication between the"));
        assert!(!looks_like_heading(
            "receive good support from their managers."
        ));
        assert!(!looks_like_heading("8 November 2011"));
        assert!(!looks_like_heading("Lead inspector: Lynn Radley"));
    }

    /// Regression: a standalone line ending in a character of more than one byte panicked
    /// (found by the generated corpus: "... the Board’s priorities for 2013–").
    #[test]
    fn heading_look_of_a_line_ending_in_a_wide_character() {
        looks_like_heading(
            "New sub-groups have been developed to reflect the Board’s priorities for 2013–",
        );
        assert!(looks_like_heading("The ‘front door’"));
        assert!(!looks_like_heading("Summary: the ‘front door’"));
    }
}
