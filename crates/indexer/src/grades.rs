//! Grade phrases and judgement areas as printed, mapped onto the canonical scales of DOMAIN.md.

use std::sync::LazyLock;

use ofsearch_schema::{Area, Grade};
use regex::Regex;

/// Normalises text for matching: lower case, curly quotes straightened, `&` spelled out,
/// Markdown emphasis dropped, whitespace collapsed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '`' => '\'',
            '\u{2013}' | '\u{2014}' => '-',
            '*' => continue,
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c == '&' {
            out.push_str("and");
        } else if c.is_ascii() {
            // Most of the text: skip the general case mapping's iterator.
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A grade as found in the text: canonical and as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundGrade {
    /// On the canonical scale.
    pub grade: Grade,
    /// As printed, e.g. "Requires improvement to be good", "Performs well (3)", "3".
    pub printed: String,
}

static GRADE_WORDS: &str = r"(?x)
    (?P<word>
        requires?\ improvement(?:\ to\ be\ good)?
      | outstanding
      | good
      | inadequate
      | adequate
      | performs?\ excellently
      | performs?\ well
      | performs?\ adequately
      | performs?\ poorly
      | grade\ [1-4]
    )";

/// Maps a grade phrase (already normalised, no surrounding text) to the canonical scale.
pub fn grade_of_phrase(phrase: &str) -> Option<Grade> {
    let p = phrase.trim().trim_end_matches(['.', ':', ')']);
    let p = p.trim_start_matches("to ").trim();
    Some(match p {
        "outstanding" | "performs excellently" | "perform excellently" | "grade 1" => {
            Grade::Outstanding
        }
        "good" | "performs well" | "perform well" | "grade 2" => Grade::Good,
        "inadequate" | "performs poorly" | "perform poorly" | "grade 4" => Grade::Inadequate,
        "adequate" | "performs adequately" | "perform adequately" | "grade 3" => {
            Grade::RequiresImprovement
        }
        p if p.starts_with("require") && p.contains("improvement") => Grade::RequiresImprovement,
        _ => return None,
    })
}

/// Maps a JAR / APA numeric grade (4 best) to the canonical scale.
pub fn grade_of_jar_number(n: u32) -> Option<Grade> {
    Some(match n {
        4 => Grade::Outstanding,
        3 => Grade::Good,
        2 => Grade::RequiresImprovement,
        1 => Grade::Inadequate,
        _ => return None,
    })
}

static TRAILING_GRADE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[\s:(])(?:(?:is|are)\ (?:that\ it\ is\ |that\ it\ |judged\ to\ be\ )?|to\ be\ |:\ ?)?{GRADE_WORDS}(?:\ \(\d\))?[.)]?\s*$"
    ))
    .expect("static regex")
});

/// Finds a grade phrase ending `text` ("... is good.", "...: requires improvement to be good").
///
/// Returns the grade and the byte offset in `text` where the grade phrase starts. `text` must be
/// normalised (see [`normalise`]).
pub fn trailing_grade(text: &str) -> Option<(Grade, usize)> {
    let caps = TRAILING_GRADE.captures(text)?;
    let word = caps.name("word")?;
    let phrase = &text[word.start()..];
    let grade = grade_of_phrase(phrase.trim_end_matches(|c: char| !c.is_alphanumeric()))?;
    Some((grade, word.start()))
}

/// Printed wording of a grade, recovered from the original text by its normalised offset.
pub fn printed_tail(original: &str, from_normalised: &str, start: usize) -> String {
    // Normalisation only changes case, quotes and spacing, so count words from the end.
    let words = from_normalised[start..].split_whitespace().count();
    let mut tail: Vec<&str> = original.split_whitespace().rev().take(words).collect();
    tail.reverse();
    tail.join(" ")
        .trim_matches(|c: char| c == '*' || c == '.' || c == ':')
        .to_string()
}

struct AreaPattern {
    re: Regex,
    area: Area,
}

static AREAS: LazyLock<Vec<AreaPattern>> = LazyLock::new(|| {
    let table: &[(&str, Area)] = &[
        (
            r"children who need help and protection",
            Area::HelpAndProtection,
        ),
        (
            r"children in need of help and protection",
            Area::HelpAndProtection,
        ),
        (r"help and protection", Area::HelpAndProtection),
        (r"children in care and care leavers", Area::ChildrenInCare),
        (
            r"children looked after and achieving permanence",
            Area::ChildrenInCare,
        ),
        (r"children looked after", Area::ChildrenInCare),
        (r"children in care", Area::ChildrenInCare),
        (r"services for looked after children", Area::ChildrenInCare),
        (r"looked after children", Area::ChildrenInCare),
        (r"adoption performance", Area::Adoption),
        (
            r"graded judge?ment (?:for|about|on) adoption\b",
            Area::Adoption,
        ),
        (r"care leavers", Area::CareLeavers),
        (
            r"impact of leaders(?: on social work practice(?: with children(?: and families)?)?)?",
            Area::Leadership,
        ),
        (r"leadership,? management and governance", Area::Leadership),
        (r"leadership and management", Area::Leadership),
        (r"service management", Area::Leadership),
        (r"capacity (?:to|for) improve(?:ment)?", Area::Leadership),
        (
            r"effectiveness of the (?:lscb|local safeguarding children'?s? board)",
            Area::SafeguardingPartnership,
        ),
        (
            r"local safeguarding children'?s? board",
            Area::SafeguardingPartnership,
        ),
        (r"\blscb\b", Area::SafeguardingPartnership),
        (r"overall effectiveness", Area::Overall),
        (r"overall judge?ment", Area::Overall),
        (r"being healthy", Area::Health),
        (r"staying safe", Area::HelpAndProtection),
        (r"enjoying and achieving", Area::Education),
        (
            r"making a positive contribution",
            Area::PositiveContribution,
        ),
        (r"achieving economic well-?being", Area::EconomicWellbeing),
        (r"safeguarding services", Area::HelpAndProtection),
    ];
    table
        .iter()
        .map(|(pattern, area)| AreaPattern {
            re: Regex::new(pattern).expect("static regex"),
            area: *area,
        })
        .collect()
});

/// Finds the judgement area a (normalised) phrase names: the earliest match, longest first.
pub fn area_in(text: &str) -> Option<(Area, usize, usize)> {
    let mut best: Option<(Area, usize, usize)> = None;
    for pattern in AREAS.iter() {
        if let Some(m) = pattern.re.find(text) {
            let better = match best {
                None => true,
                Some((_, start, end)) => m.start() < start || (m.start() == start && m.end() > end),
            };
            if better {
                best = Some((pattern.area, m.start(), m.end()));
            }
        }
    }
    best
}

/// A judgement heading or sentence: the area it judges and, if stated, its grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgementHeading {
    /// Canonical area.
    pub area: Area,
    /// Area as printed (the heading without its grade).
    pub area_printed: String,
    /// Grade, if the heading states one.
    pub grade: Option<FoundGrade>,
}

static JUDGEMENT_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^(?:
            (?:the\ )?experiences?\ (?:and\ progress\ )?of
          | (?:the\ )?impact\ of\ leaders
          | the\ graded\ judge?ments?\ (?:for|about|on)
          | leadership,?\ management\ and\ governance
          | (?:the\ )?effectiveness\ of\ the\ (?:lscb|local\ safeguarding)
          | the\ judge?ment\ for\ the\ effectiveness
          | overall\ effectiveness
          | the\ overall\ judge?ment
          | children\ who\ need\ help\ and\ protection
          | children\ looked\ after\ and\ achieving\ permanence
          | adoption\ performance
          | experiences\ and\ progress\ of\ care\ leavers
        )",
    )
    .expect("static regex")
});

/// Recognises a judgement heading such as "The experiences and progress of children who need
/// help and protection: requires improvement to be good" or "The graded judgment for adoption
/// performance is good". `text` is the heading as printed (possibly several lines joined).
pub fn judgement_heading(text: &str) -> Option<JudgementHeading> {
    judgement_heading_normalised(text, &normalise(text))
}

/// [`judgement_heading`] of `text` whose [`normalise`]d form the caller already has.
pub fn judgement_heading_normalised(text: &str, norm: &str) -> Option<JudgementHeading> {
    if norm.len() > 220 || !JUDGEMENT_LEAD.is_match(norm) {
        return None;
    }
    let (area, _, area_end) = area_in(norm)?;
    let grade = match trailing_grade(norm) {
        Some((grade, start)) if start >= area_end => Some(FoundGrade {
            grade,
            printed: printed_tail(text, norm, start),
        }),
        _ => None,
    };
    // Without a grade, the heading must end at the area phrase (or a colon after it).
    if grade.is_none() {
        let rest = norm[area_end..].trim_matches(|c: char| c == ':' || c.is_whitespace());
        if !rest.is_empty() && !matches!(rest, "are" | "is" | "and achieving permanence") {
            return None;
        }
    }
    let area_printed = area_printed(text, grade.as_ref());
    Some(JudgementHeading {
        area,
        area_printed,
        grade,
    })
}

/// The heading without its trailing grade wording: "The experiences and progress of care leavers".
fn area_printed(text: &str, grade: Option<&FoundGrade>) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    if let Some(grade) = grade {
        let n = grade.printed.split_whitespace().count();
        words.truncate(words.len().saturating_sub(n));
    }
    let mut joined = words.join(" ");
    joined = joined.replace('*', "");
    for tail in [
        " is that it is",
        " is that it",
        " is judged to be",
        " are",
        " is",
        " to be",
        ":",
    ] {
        if let Some(stripped) = joined.strip_suffix(tail) {
            joined = stripped.to_string();
        }
    }
    joined.trim_end_matches([':', ' ', '-']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Expected<'a> = Option<(Area, &'a str, Option<(Grade, &'a str)>)>;

    fn check(text: &str, expect: Expected<'_>) {
        let got = judgement_heading(text).map(|h| {
            (
                h.area,
                h.area_printed,
                h.grade.map(|g| (g.grade, g.printed)),
            )
        });
        let expect = expect.map(|(a, p, g)| {
            (
                a,
                p.to_string(),
                g.map(|(grade, printed)| (grade, printed.to_string())),
            )
        });
        assert_eq!(got, expect, "{text}");
    }

    #[test]
    fn judgement_headings_across_frameworks() {
        // ILACS 2026 wording, and a SIF heading naming adoption alone.
        check(
            "The experiences of children in care: outstanding",
            Some((
                Area::ChildrenInCare,
                "The experiences of children in care",
                Some((Grade::Outstanding, "outstanding")),
            )),
        );
        check(
            "The graded judgement for adoption is good",
            Some((
                Area::Adoption,
                "The graded judgement for adoption",
                Some((Grade::Good, "good")),
            )),
        );
        check(
            "The experiences and progress of children who need help and\nprotection: requires improvement to be good",
            Some((
                Area::HelpAndProtection,
                "The experiences and progress of children who need help and protection",
                Some((Grade::RequiresImprovement, "requires improvement to be good")),
            )),
        );
        check(
            "The graded judgment for adoption performance is good",
            Some((
                Area::Adoption,
                "The graded judgment for adoption performance",
                Some((Grade::Good, "good")),
            )),
        );
        check(
            "The graded judgement for adoption performance is that it is outstanding",
            Some((
                Area::Adoption,
                "The graded judgement for adoption performance",
                Some((Grade::Outstanding, "outstanding")),
            )),
        );
        check(
            "The effectiveness of the LSCB requires improvement",
            Some((
                Area::SafeguardingPartnership,
                "The effectiveness of the LSCB",
                Some((Grade::RequiresImprovement, "requires improvement")),
            )),
        );
        check(
            "Leadership, management and governance are good",
            Some((
                Area::Leadership,
                "Leadership, management and governance",
                Some((Grade::Good, "good")),
            )),
        );
        check(
            "The experiences and progress of children in care and care leavers:\nGood",
            Some((
                Area::ChildrenInCare,
                "The experiences and progress of children in care and care leavers",
                Some((Grade::Good, "Good")),
            )),
        );
        check(
            "The experiences and progress of care leavers: outstanding",
            Some((
                Area::CareLeavers,
                "The experiences and progress of care leavers",
                Some((Grade::Outstanding, "outstanding")),
            )),
        );
        check(
            "The impact of leaders on social work practice with children and families",
            Some((
                Area::Leadership,
                "The impact of leaders on social work practice with children and families",
                None,
            )),
        );
        check("The experiences and progress of children who need help and protection are improving for most children.", None);
        check("Adoption support services are excellent.", None);
    }

    #[test]
    fn grade_phrases() {
        assert_eq!(grade_of_phrase("performs well"), Some(Grade::Good));
        assert_eq!(
            grade_of_phrase("adequate"),
            Some(Grade::RequiresImprovement)
        );
        assert_eq!(
            grade_of_phrase("require improvement to be good"),
            Some(Grade::RequiresImprovement)
        );
        assert_eq!(grade_of_phrase("splendid"), None);
        assert_eq!(grade_of_jar_number(4), Some(Grade::Outstanding));
        assert_eq!(
            trailing_grade("the lscb is good.").map(|g| g.0),
            Some(Grade::Good)
        );
        assert_eq!(
            trailing_grade("children are good at sport").map(|g| g.0),
            None
        );
    }
}
