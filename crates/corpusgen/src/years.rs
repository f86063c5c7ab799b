//! Moving a report in time: which years in its text belong to the report's own dates.
//!
//! A generated report is a template moved to another year, so every year in the template that
//! dates the inspection, its letters, its publication or the recent history it recounts moves by
//! the same number of years: "Inspection dates: 19 November – 11 December 2013", "In March
//! 2013", "12/09/2016", "© Crown copyright 2014", "in 2013–14" (the two-digit end of a year
//! range moves too). Only the day's year changes, never the day or month, so the report's dates
//! keep their order (start <= end <= published) and their gaps; "29 February" moved to a year
//! without one becomes "28 February".
//!
//! Years further from the report's own year (more than 5 years before, or more than one
//! after) are history or statute and stay ("Children Act 1989", "since 2004"), as do years
//! naming a statute or guidance within that window ("Children and Families Act 2014",
//! "Working Together to Safeguard Children 2013", "Regulations 2010", "Census 2011").

use std::ops::Range;

/// How far before the report's year a year still moves with it.
const BEFORE: i32 = 5;
/// How far after the report's year a year still moves with it (publication next January).
const AFTER: i32 = 1;

/// Words that make the year after them part of a title (a statute, guidance, a census).
const TITLE_WORDS: &[&str] = &[
    "Act",
    "Regulations",
    "Order",
    "Rules",
    "Together",
    "Safeguard Children",
    "Census",
];

/// What a moving span of digits is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    /// A year, four digits.
    Year,
    /// The two-digit end of a year range such as "2013–14".
    TwoDigit,
    /// The day of "29 February 2016": 28 in a year without a 29 February.
    LeapDay,
}

/// Digits in a text that move with the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSpan {
    /// Byte range of the digits.
    pub range: Range<usize>,
    /// The year as printed, or the year the digits belong to (a range's end, a leap day's date).
    pub value: i32,
    /// What the digits are.
    pub kind: SpanKind,
}

impl YearSpan {
    /// Appends the span as printed in a report moved by `delta` years.
    pub fn push_moved(&self, out: &mut String, delta: i32) {
        push_moved(out, self.kind, self.value + delta);
    }
}

/// Appends digits of `kind` belonging to `year` (already moved).
pub fn push_moved(out: &mut String, kind: SpanKind, year: i32) {
    match kind {
        SpanKind::Year => push_digits(out, year.rem_euclid(10_000), 4),
        SpanKind::TwoDigit => push_digits(out, year.rem_euclid(100), 2),
        SpanKind::LeapDay => push_digits(out, if leap(year) { 29 } else { 28 }, 2),
    }
}

/// Whether a year has a 29 February.
fn leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Appends the last `width` decimal digits of a non-negative number.
fn push_digits(out: &mut String, n: i32, width: u32) {
    for place in (0..width).rev() {
        let d = n / 10i32.pow(place) % 10;
        out.push(char::from(b'0' + u8::try_from(d).unwrap_or(0)));
    }
}

/// The byte offset of "29" in a text ending "29 February " / "29 Feb " (the day of a leap
/// date whose year follows).
fn leap_day_before(before: &str) -> Option<usize> {
    let b = before.trim_end();
    let month_len = ["February", "Feb"]
        .iter()
        .find(|m| b.ends_with(*m))
        .map(|m| m.len())?;
    let b = b[..b.len() - month_len].trim_end();
    let day = b.strip_suffix("29")?;
    let preceded_ok = day.chars().next_back().is_none_or(|c| !c.is_alphanumeric());
    preceded_ok.then_some(day.len())
}

/// Whether the text before a year ends with a title word ("Act 2004", "Act (2004)").
fn follows_title(before: &str) -> bool {
    let b = before.trim_end().trim_end_matches('(').trim_end();
    TITLE_WORDS.iter().any(|w| {
        b.ends_with(w)
            && b[..b.len() - w.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// The years of `text` that move with a report of `report_year`, in order.
pub fn year_spans(text: &str, report_year: i32) -> Vec<YearSpan> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let is_digit = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_digit);
        let word_char = |k: usize| bytes.get(k).is_some_and(|b| b.is_ascii_alphanumeric());
        let starts_run = !(i > 0 && word_char(i - 1));
        if !(starts_run && (i..i + 4).all(is_digit) && !word_char(i + 4)) {
            i += 1;
            continue;
        }
        let value = i32::from(bytes[i] - b'0') * 1000
            + i32::from(bytes[i + 1] - b'0') * 100
            + i32::from(bytes[i + 2] - b'0') * 10
            + i32::from(bytes[i + 3] - b'0');
        let end = i + 4;
        let near = (report_year - BEFORE..=report_year + AFTER).contains(&value);
        // The text before is ASCII up to the year's first byte, or a char boundary anyway.
        if !near || follows_title(&text[..i]) {
            i = end;
            continue;
        }
        if let Some(day) = leap_day_before(&text[..i]) {
            out.push(YearSpan {
                range: day..day + 2,
                value,
                kind: SpanKind::LeapDay,
            });
        }
        out.push(YearSpan {
            range: i..end,
            value,
            kind: SpanKind::Year,
        });
        // "2013-14", "2013/14", "2013–14": a two-digit year closing the range.
        let dash_len = if text[end..].starts_with('–') {
            '–'.len_utf8()
        } else if matches!(bytes.get(end), Some(b'-' | b'/')) {
            1
        } else {
            0
        };
        let at = end + dash_len;
        if dash_len > 0 && is_digit(at) && is_digit(at + 1) && !word_char(at + 2) {
            let short = i32::from(bytes[at] - b'0') * 10 + i32::from(bytes[at + 1] - b'0');
            let ahead = (short - value % 100).rem_euclid(100);
            if (1..=5).contains(&ahead) {
                out.push(YearSpan {
                    range: at..at + 2,
                    value: value + ahead,
                    kind: SpanKind::TwoDigit,
                });
                i = at + 2;
                continue;
            }
        }
        i = end;
    }
    out
}

/// The text with every year that moves with a report of `from` moved to `to` (a convenience
/// over [`year_spans`]; the generator applies the spans itself).
pub fn shift_years(text: &str, from: i32, to: i32) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for span in year_spans(text, from) {
        out.push_str(&text[last..span.range.start]);
        span.push_moved(&mut out, to - from);
        last = span.range.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, from: i32, to: i32, expect: &str) {
        assert_eq!(shift_years(text, from, to), expect, "{text}");
    }

    #[test]
    fn report_dates_move_together() {
        check(
            "Inspection dates: 19 November 2013 – 11 December 2013",
            2013,
            2016,
            "Inspection dates: 19 November 2016 – 11 December 2016",
        );
        check(
            "Inspection dates: 23 June to 4 July 2025\nReport published: 12 August 2025",
            2025,
            2023,
            "Inspection dates: 23 June to 4 July 2023\nReport published: 12 August 2023",
        );
        // A range across the new year, published the year after.
        check(
            "19 November-11 December 2013 and 28 – 30 January 2014; published 3 March 2014",
            2014,
            2017,
            "19 November-11 December 2016 and 28 – 30 January 2017; published 3 March 2017",
        );
        check(
            "12/09/2016 to 06/10/2016",
            2016,
            2014,
            "12/09/2014 to 06/10/2014",
        );
        check(
            "In March 2013, and in 2010.",
            2014,
            2018,
            "In March 2017, and in 2014.",
        );
        check(
            "© Crown copyright 2014",
            2014,
            2015,
            "© Crown copyright 2015",
        );
    }

    #[test]
    fn two_digit_range_ends_move_too() {
        check(
            "in 2013–14 and 2014/15",
            2014,
            2016,
            "in 2015–16 and 2016/17",
        );
        check("in 2013-2014", 2014, 2016, "in 2015-2016");
        check("2019–20", 2020, 2024, "2023–24");
        // Not a year range: "2013-45" is no span of years.
        check("ref 2013-45", 2014, 2016, "ref 2015-45");
    }

    #[test]
    fn history_and_titles_stay() {
        check(
            "section 17 of the Children Act 1989 and the Children Act 2004",
            2007,
            2005,
            "section 17 of the Children Act 1989 and the Children Act 2004",
        );
        check(
            "Children and Families Act 2014; Working Together to Safeguard Children 2013; \
             the Care Planning Regulations 2010; Census 2011; the Act (2012)",
            2014,
            2017,
            "Children and Families Act 2014; Working Together to Safeguard Children 2013; \
             the Care Planning Regulations 2010; Census 2011; the Act (2012)",
        );
        // Too far from the report's year to be its own history.
        check(
            "since 2004, and in 2012",
            2013,
            2016,
            "since 2004, and in 2015",
        );
        // Not years: longer numbers, part of a word.
        check(
            "tel 020 7421 6666, ref A2013, 120134",
            2013,
            2016,
            "tel 020 7421 6666, ref A2013, 120134",
        );
    }

    #[test]
    fn spans_point_at_the_digits() {
        let text = "In 2013–14, not 1989.";
        let spans = year_spans(text, 2014);
        assert_eq!(spans.len(), 2);
        assert_eq!(&text[spans[0].range.clone()], "2013");
        assert_eq!(&text[spans[1].range.clone()], "14");
        assert_eq!(spans[1].value, 2014);
        assert_eq!(spans[1].kind, SpanKind::TwoDigit);
    }

    #[test]
    fn leap_days_follow_the_calendar() {
        check("on 29 February 2016.", 2016, 2017, "on 28 February 2017.");
        check("on 29 Feb 2016.", 2016, 2020, "on 29 Feb 2020.");
        check("28 February 2016", 2016, 2017, "28 February 2017");
        check("129 February 2016", 2016, 2017, "129 February 2017");
        check(
            "28 January–5 February 2014",
            2014,
            2015,
            "28 January–5 February 2015",
        );
        check(
            "February 2014, 1 February 2014",
            2014,
            2015,
            "February 2015, 1 February 2015",
        );
    }
}
