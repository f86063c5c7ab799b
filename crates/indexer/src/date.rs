//! Calendar dates as printed in reports ("14 January 2014", "3 to 14 October 2022").

use std::sync::LazyLock;

use regex::Regex;

pub use ofsearch_schema::Date;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<u8> {
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) && (w.len() == m.len() || w.len() == 3 || w == "sept"))
        .and_then(|i| u8::try_from(i + 1).ok())
}

static PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b|(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|(?P<year>(?:19|20)\d\d)\b)",
    )
    .expect("static regex")
});

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([0-3]?\d)/([01]?\d)/((?:19|20)\d\d)\b").expect("static regex")
});

#[derive(Debug, Default, Clone, Copy)]
struct Partial {
    day: Option<u8>,
    month: Option<u8>,
    year: Option<i32>,
}

/// Every date in `text`, in order, with days and months that are missing filled from the dates
/// after them: "3 to 14 October 2022" gives 2022-10-03 and 2022-10-14; "24 and 25 November 2009"
/// gives both days. A year alone ("in 2010") is not a date.
pub fn dates_in(text: &str) -> Vec<Date> {
    // Numeric dates (dd/mm/yyyy) are rewritten with month names first.
    let owned;
    let text = if text.contains('/') {
        owned = NUMERIC.replace_all(text, |c: &regex::Captures<'_>| {
            let month = c[2].parse::<usize>().ok().filter(|m| (1..=12).contains(m));
            match month {
                Some(m) => format!("{} {} {}", &c[1], MONTHS[m - 1], &c[3]),
                None => c[0].to_string(),
            }
        });
        owned.as_ref()
    } else {
        text
    };
    let mut parts: Vec<Partial> = Vec::new();
    let mut current = Partial::default();
    for caps in PART.captures_iter(text) {
        if let Some(day) = caps.name("day") {
            if current.day.is_some() || current.month.is_some() || current.year.is_some() {
                parts.push(current);
                current = Partial::default();
            }
            current.day = day.as_str().parse().ok();
        } else if let Some(month) = caps.name("month") {
            if current.month.is_some() || current.year.is_some() {
                parts.push(current);
                current = Partial::default();
            }
            current.month = month_number(month.as_str());
        } else if let Some(year) = caps.name("year") {
            current.year = year.as_str().parse().ok();
            parts.push(current);
            current = Partial::default();
        }
    }
    if current.day.is_some() || current.month.is_some() {
        parts.push(current);
    }
    // Fill missing months and years from the right.
    let mut month = None;
    let mut year = None;
    for part in parts.iter_mut().rev() {
        if part.year.is_some() {
            year = part.year;
            month = part.month.or(month);
        }
        if part.month.is_some() {
            month = part.month;
        }
        if part.month.is_none() {
            part.month = month;
        }
        if part.year.is_none() {
            part.year = year;
        }
    }
    parts
        .into_iter()
        .filter_map(|p| Date::new(p.year?, p.month?, p.day?))
        .collect()
}

/// A single date making up the whole of `text` (a letter's date line), if it is one.
pub fn date_line(text: &str) -> Option<Date> {
    let t = text.trim();
    if t.len() > 24 || t.is_empty() || !t.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    match dates_in(t).as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> Vec<String> {
        dates_in(text).iter().map(Date::to_string).collect()
    }

    #[test]
    fn ranges_fill_from_the_right() {
        assert_eq!(iso("3 to 14 October 2022"), ["2022-10-03", "2022-10-14"]);
        assert_eq!(iso("23 June to 4 July 2025"), ["2025-06-23", "2025-07-04"]);
        assert_eq!(
            iso("19 November 2013 – 11 December 2013"),
            ["2013-11-19", "2013-12-11"]
        );
        assert_eq!(iso("9–24 November 2017"), ["2017-11-09", "2017-11-24"]);
        assert_eq!(
            iso("26 October – 19 November 2015"),
            ["2015-10-26", "2015-11-19"]
        );
        assert_eq!(
            iso("conducted on 24 and 25 November 2009."),
            ["2009-11-24", "2009-11-25"]
        );
        assert_eq!(
            iso("19 November-11 December 2013 and 28 – 30 January 2014"),
            ["2013-11-19", "2013-12-11", "2014-01-28", "2014-01-30"]
        );
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(
            iso("12/09/2016 to 06/10/2016"),
            ["2016-09-12", "2016-10-06"]
        );
    }

    #[test]
    fn years_alone_and_bad_days_are_not_dates() {
        assert!(iso("since 2010 and in March").is_empty());
        assert!(iso("31 February 2014").is_empty());
        assert_eq!(date_line("8 November 2011"), Date::new(2011, 11, 8));
        assert_eq!(date_line("Section 47 investigations"), None);
    }

    #[test]
    fn day_counts() {
        let a = Date::new(2013, 12, 11).map(Date::days_from_epoch);
        let b = Date::new(2014, 2, 21).map(Date::days_from_epoch);
        assert_eq!(b.zip(a).map(|(b, a)| b - a), Some(72));
        assert_eq!(Date::new(1970, 1, 1).map(Date::days_from_epoch), Some(0));
    }
}
