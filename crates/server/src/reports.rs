//! Filtering the list of reports (`GET /api/v1/reports`): by authority (name or ONS code),
//! region, year (or span of years) and report type, values of one field OR'ed, fields AND'ed.
//! A value that matches no report at all is a mistake worth saying (as a search filter's is).

use ofsearch_schema::ReportType;

use crate::error::ApiError;
use crate::params::{printable, Params};

/// The filters of a report listing.
#[derive(Debug, Default)]
pub struct ReportFilter {
    authority: Vec<String>,
    region: Vec<String>,
    years: Vec<(u64, u64)>,
    types: Vec<String>,
}

impl ReportFilter {
    /// The filters the parameters give.
    pub fn new(params: &Params) -> Result<ReportFilter, ApiError> {
        let lower = |name: &str| -> Vec<String> {
            params
                .all(name)
                .iter()
                .map(|v| v.trim().to_lowercase())
                .collect()
        };
        let mut years = Vec::new();
        for value in params.all("year") {
            years.push(year_span(&value)?);
        }
        let mut types = Vec::new();
        for value in params.all("type") {
            let name = value.trim().to_lowercase().replace([' ', '_'], "-");
            let parsed: ReportType = name
                .parse()
                .map_err(|e: ofsearch_schema::UnknownValue| ApiError::Filter(e.to_string()))?;
            types.push(parsed.as_str().to_string());
        }
        Ok(ReportFilter {
            authority: lower("authority"),
            region: lower("region"),
            years,
            types,
        })
    }

    /// The reports that pass, in their order; an error for a value no report has.
    pub fn apply(
        &self,
        reports: Vec<serde_json::Value>,
    ) -> Result<Vec<serde_json::Value>, ApiError> {
        let text =
            |r: &serde_json::Value, key: &str| r[key].as_str().unwrap_or_default().to_lowercase();
        for (field, values) in [("authority", &self.authority), ("region", &self.region)] {
            for value in values {
                let known = reports.iter().any(|r| {
                    text(r, field) == *value
                        || (field == "authority" && text(r, "authority_code") == *value)
                });
                if !known {
                    return Err(ApiError::Filter(format!(
                        "no indexed report has {field} '{}': see /api/v1/vocabularies",
                        printable(value)
                    )));
                }
            }
        }
        let any = |values: &[String], ok: &dyn Fn(&String) -> bool| {
            values.is_empty() || values.iter().any(ok)
        };
        Ok(reports
            .into_iter()
            .filter(|r| {
                let year = r["year"].as_u64();
                any(&self.authority, &|v| {
                    text(r, "authority") == *v || text(r, "authority_code") == *v
                }) && any(&self.region, &|v| text(r, "region") == *v)
                    && any(&self.types, &|v| text(r, "report_type") == *v)
                    && (self.years.is_empty()
                        || year.is_some_and(|y| {
                            self.years.iter().any(|(a, b)| (*a..=*b).contains(&y))
                        }))
            })
            .collect())
    }
}

/// `2013` or `2009-2013`.
fn year_span(value: &str) -> Result<(u64, u64), ApiError> {
    let year = |s: &str| -> Result<u64, ApiError> {
        s.trim()
            .parse::<u64>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| {
                ApiError::Filter(format!(
                    "year '{}' is not a year or a span of years (2013, 2009-2013)",
                    printable(value.trim())
                ))
            })
    };
    match value.split_once('-') {
        Some((from, to)) => {
            let (from, to) = (year(from)?, year(to)?);
            if from > to {
                return Err(ApiError::Filter(format!(
                    "years '{}' run backwards: write {to}-{from}",
                    printable(value.trim())
                )));
            }
            Ok((from, to))
        }
        None => year(value).map(|y| (y, y)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_spans() {
        assert_eq!(year_span("2013").ok(), Some((2013, 2013)));
        assert_eq!(year_span(" 2009-2013 ").ok(), Some((2009, 2013)));
        assert!(year_span("2013-2009").is_err());
        assert!(year_span("2018-").is_err());
        assert!(year_span("last year").is_err());
    }
}
