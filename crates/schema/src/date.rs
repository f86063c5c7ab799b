//! Calendar dates, as the index stores them: ISO 8601 (`2014-01-14`). The indexer reads dates
//! as printed in reports into this type; the query crate reads the stored ISO form back.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A calendar date. Displayed and serialised as ISO 8601 (`2014-01-14`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2014.
    pub year: i32,
    /// Month, 1-12.
    pub month: u8,
    /// Day of the month, 1-31.
    pub day: u8,
}

impl Date {
    /// A date, if the day exists in that month.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before), for differences between dates.
    pub fn days_from_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A string that is not an ISO `yyyy-mm-dd` date of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an ISO date (yyyy-mm-dd)")]
pub struct NotADate(pub String);

impl FromStr for Date {
    type Err = NotADate;

    /// Reads `yyyy-mm-dd` (a time after it, `T…`, ignored), checked against the month's length.
    fn from_str(s: &str) -> Result<Date, NotADate> {
        let bad = || NotADate(s.to_string());
        let t = s.trim();
        let (date, rest) = (t.get(..10).ok_or_else(bad)?, t.get(10..).ok_or_else(bad)?);
        if !(rest.is_empty() || rest.starts_with('T')) {
            return Err(bad());
        }
        let b = date.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b[4] != b'-' || b[7] != b'-' || !(digits(0..4) && digits(5..7) && digits(8..10)) {
            return Err(bad());
        }
        let number = |r: std::ops::Range<usize>| date[r].parse::<u16>().map_err(|_| bad());
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        Date::new(
            i32::from(year),
            u8::try_from(month).map_err(|_| bad())?,
            u8::try_from(day).map_err(|_| bad())?,
        )
        .ok_or_else(bad)
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// The month's English name ("December").
    pub fn month_name(self) -> &'static str {
        MONTH_NAMES[usize::from(self.month.clamp(1, 12)) - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_round_trip_and_impossible_days_are_refused() {
        let d: Date = "2013-12-11".parse().expect("date");
        assert_eq!((d.year, d.month, d.day), (2013, 12, 11));
        assert_eq!(d.to_string(), "2013-12-11");
        assert_eq!(d.month_name(), "December");
        assert!("2013-12-11T00:00:00Z".parse::<Date>().is_ok());
        assert!("2024-02-29".parse::<Date>().is_ok());
        for bad in [
            "2023-02-29",
            "2013-13-01",
            "2013-1-11",
            "11/12/2013",
            "",
            "2013-12-11x",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }
}
