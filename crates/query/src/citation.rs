//! Citations of a hit's paragraph, ready to paste: a short form for running text and a full
//! reference for a reference list, both located so that a reader can find the paragraph.
//!
//! - [`citation`]: `Ofsted, Slough SIF 2015, p. 27, para 83`: the authority as people write it,
//!   the report type's common name ([`report_type_name`]), the year, the place.
//! - [`reference`]: `Ofsted (2015) Slough: inspection of services for children in need of help
//!   and protection, children looked after and care leavers, inspection ended 17 December 2015,
//!   p. 27, para 83. https://files.ofsted.gov.uk/v1/file/50002811`: the report's title
//!   ([`report_title`]), the inspection's end date in words when known, the place, and the
//!   original's address where a sidecar gave it (else the source file in brackets).
//!
//! The place is the page the paragraph starts on (the number printed on it, as a reader finds
//! it in the PDF) and the report's own paragraph number where it prints one: `p. 27, para 83`,
//! `p. 6`, `para 24`. Where neither is known (a conversion without pages or numbers) it is the
//! paragraph's position among the report's paragraphs as ofsearch splits them, written
//! `paragraph 103 of the text` so that it is not taken for a printed number.
//!
//! Fallbacks: an empty authority is written "unknown authority"; with no year (nor a dated
//! inspection end), the short form leaves the year out and the reference writes `(n.d.)`; an
//! unrecognised report type name is written "inspection report"; an ordinal of 0 (unknown) and
//! no page or printed number leave the place out; with no address, an empty source path leaves
//! the bracket out, and the line is given only when the page is not known.

use ofsearch_schema::authority::AuthorityTable;
use ofsearch_schema::{Date, ReportType};

/// What a citation is made of: the hit's tags, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CitationParts<'a> {
    /// The authority's canonical name; empty when unknown.
    pub authority: &'a str,
    /// The report type's kebab-case name (`sif`, `ilacs`, ...).
    pub report_type: &'a str,
    /// The inspection's last day, ISO `yyyy-mm-dd`, when known.
    pub inspection_end: Option<&'a str>,
    /// The report's year (the year the inspection ended, or the letter's year).
    pub year: Option<u64>,
    /// The page the paragraph starts on, when known.
    pub page: Option<u64>,
    /// The report's own paragraph number, if printed (`24`, `24.`).
    pub paragraph_number: Option<&'a str>,
    /// The paragraph's 1-based position in the report; 0 when unknown.
    pub ordinal: u64,
    /// The original's address, when known.
    pub url: Option<&'a str>,
    /// The source file's path; empty when unknown.
    pub source_path: &'a str,
    /// The 1-based line where the paragraph starts; 0 when unknown.
    pub line: u64,
}

/// The short citation: `Ofsted, Slough SIF 2015, p. 27, para 83` (see the module documentation).
pub fn citation(c: &CitationParts) -> String {
    let mut out = format!(
        "Ofsted, {} {}",
        authority(c),
        report_type_name(c.report_type)
    );
    if let Some(year) = year(c) {
        out.push_str(&format!(" {year}"));
    }
    if let Some(locator) = locator(c) {
        out.push_str(", ");
        out.push_str(&locator);
    }
    out
}

/// The full reference: `Ofsted (2015) Slough: inspection of services for children in need of
/// help and protection, children looked after and care leavers, inspection ended 17 December
/// 2015, p. 27, para 83. https://...` (see the module documentation).
pub fn reference(c: &CitationParts) -> String {
    let year = year(c).map_or_else(|| "n.d.".to_string(), |y| y.to_string());
    let mut out = format!(
        "Ofsted ({year}) {}: {}",
        authority(c),
        report_title(c.report_type)
    );
    if let Some(date) = c.inspection_end.and_then(long_date) {
        out.push_str(", inspection ended ");
        out.push_str(&date);
    }
    if let Some(locator) = locator(c) {
        out.push_str(", ");
        out.push_str(&locator);
    }
    out.push('.');
    let url = c.url.map(str::trim).filter(|u| !u.is_empty());
    let path = c.source_path.trim();
    if let Some(url) = url {
        out.push(' ');
        out.push_str(url);
    } else if !path.is_empty() {
        out.push_str(" [");
        out.push_str(path);
        if c.line > 0 && c.page.is_none() {
            out.push_str(&format!(", line {}", c.line));
        }
        out.push(']');
    }
    out
}

/// The title a report of a type is published under, after the authority's name ("Slough:
/// inspection of services for children in need of help and protection, ..."); "inspection
/// report" for `unknown` and for a name that is not a report type.
pub fn report_title(kebab: &str) -> &'static str {
    match kebab.parse::<ReportType>() {
        Ok(ReportType::Jar) => "joint area review",
        Ok(ReportType::Apa) => "annual performance assessment",
        Ok(ReportType::UnannouncedCra) => {
            "unannounced inspection of contact, referral and assessment arrangements"
        }
        Ok(ReportType::SafeguardingLac) => {
            "inspection of safeguarding and looked after children services"
        }
        Ok(ReportType::ChildrenServicesAssessment) => "children's services assessment",
        Ok(ReportType::Lac2012) => "inspection of looked after children services",
        Ok(ReportType::ChildProtection2012) => {
            "inspection of local authority arrangements for the protection of children"
        }
        Ok(ReportType::Sif) => {
            "inspection of services for children in need of help and protection, children \
             looked after and care leavers"
        }
        Ok(ReportType::SifReinspection) => {
            "re-inspection of services for children in need of help and protection, children \
             looked after and care leavers"
        }
        Ok(ReportType::LscbReview) => {
            "review of the effectiveness of the local safeguarding children board"
        }
        Ok(ReportType::Ilacs) => "inspection of local authority children's services",
        Ok(ReportType::FocusedVisit) => "focused visit to local authority children's services",
        Ok(ReportType::MonitoringVisit) => {
            "monitoring visit to local authority children's services"
        }
        Ok(ReportType::Jtai) => "joint targeted area inspection",
        Ok(ReportType::Unknown) | Err(_) => "inspection report",
    }
}

/// The common name of a report type, given its kebab-case name (case-insensitive):
/// "Joint area review", "SIF", "ILACS", "children's services assessment", ...; "inspection
/// report" for `unknown` and for a name that is not a report type.
pub fn report_type_name(kebab: &str) -> &'static str {
    match kebab.parse::<ReportType>() {
        Ok(ReportType::Jar) => "Joint area review",
        Ok(ReportType::Apa) => "annual performance assessment",
        Ok(ReportType::UnannouncedCra) => {
            "unannounced inspection of contact, referral and assessment"
        }
        Ok(ReportType::SafeguardingLac) => {
            "inspection of safeguarding and looked after children services"
        }
        Ok(ReportType::ChildrenServicesAssessment) => "children's services assessment",
        Ok(ReportType::Lac2012) => "inspection of looked after children services",
        Ok(ReportType::ChildProtection2012) => "inspection of the protection of children",
        Ok(ReportType::Sif) => "SIF",
        Ok(ReportType::SifReinspection) => "SIF re-inspection",
        Ok(ReportType::LscbReview) => "LSCB review",
        Ok(ReportType::Ilacs) => "ILACS",
        Ok(ReportType::FocusedVisit) => "focused visit",
        Ok(ReportType::MonitoringVisit) => "monitoring visit",
        Ok(ReportType::Jtai) => "joint targeted area inspection",
        Ok(ReportType::Unknown) | Err(_) => "inspection report",
    }
}

/// The authority as people write it ("Bristol" for the index's "Bristol, City of"); a name
/// the bundled table does not know as it is.
fn authority<'a>(c: &CitationParts<'a>) -> &'a str {
    match c.authority.trim() {
        "" => "unknown authority",
        name => AuthorityTable::bundled()
            .lookup(name)
            .filter(|a| a.name == name)
            .map_or(name, |a| a.display_name()),
    }
}

/// The year: the report's, else the inspection end's.
fn year(c: &CitationParts) -> Option<u64> {
    c.year.or_else(|| {
        c.inspection_end.and_then(|d| {
            d.parse::<Date>()
                .ok()
                .and_then(|d| u64::try_from(d.year).ok())
        })
    })
}

/// `p. 27, para 83`, `p. 6` or `para 24`, from the page and the printed number; else
/// `paragraph 103 of the text`; else nothing.
fn locator(c: &CitationParts) -> Option<String> {
    let printed = c
        .paragraph_number
        .map(|n| n.trim().trim_end_matches(['.', ')']).trim())
        .filter(|n| !n.is_empty());
    let page = c.page.filter(|&p| p > 0);
    match (page, printed) {
        (Some(page), Some(number)) => Some(format!("p. {page}, para {number}")),
        (Some(page), None) => Some(format!("p. {page}")),
        (None, Some(number)) => Some(format!("para {number}")),
        (None, None) if c.ordinal > 0 => Some(format!("paragraph {} of the text", c.ordinal)),
        (None, None) => None,
    }
}

/// `2013-12-11` as "11 December 2013"; `None` unless a valid ISO date.
fn long_date(iso: &str) -> Option<String> {
    let d: Date = iso.parse().ok()?;
    Some(format!("{} {} {}", d.day, d.month_name(), d.year))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HARTLEPOOL: CitationParts<'static> = CitationParts {
        authority: "Hartlepool",
        report_type: "sif",
        inspection_end: Some("2013-12-11"),
        year: Some(2013),
        page: None,
        paragraph_number: Some("24"),
        ordinal: 103,
        url: None,
        source_path: "corpus/reports/report-0123.txt",
        line: 456,
    };

    const SIF: &str = "inspection of services for children in need of help and protection, \
                       children looked after and care leavers";

    fn check(parts: CitationParts, short: &str, full: &str) {
        assert_eq!(citation(&parts), short);
        assert_eq!(reference(&parts), full);
    }

    #[test]
    fn the_page_and_the_printed_number_locate_the_paragraph() {
        // report-0241.txt: Slough SIF 2015, paragraph 83 on page 27, with Ofsted's address.
        let slough = CitationParts {
            authority: "Slough",
            inspection_end: Some("2015-12-17"),
            year: Some(2015),
            page: Some(27),
            paragraph_number: Some("83"),
            url: Some("https://files.ofsted.gov.uk/v1/file/50002811"),
            ..HARTLEPOOL
        };
        check(
            slough,
            "Ofsted, Slough SIF 2015, p. 27, para 83",
            &format!(
                "Ofsted (2015) Slough: {SIF}, inspection ended 17 December 2015, p. 27, para \
                 83. https://files.ofsted.gov.uk/v1/file/50002811"
            ),
        );
        // An unnumbered paragraph is located by its page alone; with no address, the file
        // (its line is no help beside a page).
        let unnumbered = CitationParts {
            paragraph_number: None,
            url: None,
            ..slough
        };
        check(
            unnumbered,
            "Ofsted, Slough SIF 2015, p. 27",
            &format!(
                "Ofsted (2015) Slough: {SIF}, inspection ended 17 December 2015, p. 27. \
                 [corpus/reports/report-0123.txt]"
            ),
        );
    }

    #[test]
    fn authorities_are_named_as_people_write_them() {
        let bristol = CitationParts {
            authority: "Bristol, City of",
            ..HARTLEPOOL
        };
        assert_eq!(citation(&bristol), "Ofsted, Bristol SIF 2013, para 24");
        let hull = CitationParts {
            authority: "Kingston Upon Hull, City of",
            ..HARTLEPOOL
        };
        assert!(reference(&hull).starts_with("Ofsted (2013) Kingston upon Hull: inspection of"));
        // A name the table does not know is written as it is.
        let elsewhere = CitationParts {
            authority: "Atlantis",
            ..HARTLEPOOL
        };
        assert_eq!(citation(&elsewhere), "Ofsted, Atlantis SIF 2013, para 24");
    }

    #[test]
    fn a_sif_report_with_no_pages_known() {
        check(
            HARTLEPOOL,
            "Ofsted, Hartlepool SIF 2013, para 24",
            &format!(
                "Ofsted (2013) Hartlepool: {SIF}, inspection ended 11 December 2013, para 24. \
                 [corpus/reports/report-0123.txt, line 456]"
            ),
        );
    }

    #[test]
    fn each_report_type_has_a_common_name_and_a_title() {
        let names = [
            ("jar", "Joint area review", "joint area review"),
            (
                "apa",
                "annual performance assessment",
                "annual performance assessment",
            ),
            (
                "unannounced-cra",
                "unannounced inspection of contact, referral and assessment",
                "unannounced inspection of contact, referral and assessment arrangements",
            ),
            (
                "safeguarding-lac",
                "inspection of safeguarding and looked after children services",
                "inspection of safeguarding and looked after children services",
            ),
            (
                "children-services-assessment",
                "children's services assessment",
                "children's services assessment",
            ),
            (
                "lac-2012",
                "inspection of looked after children services",
                "inspection of looked after children services",
            ),
            (
                "child-protection-2012",
                "inspection of the protection of children",
                "inspection of local authority arrangements for the protection of children",
            ),
            ("sif", "SIF", SIF),
            (
                "sif-reinspection",
                "SIF re-inspection",
                "re-inspection of services for children in need of help and protection, \
                 children looked after and care leavers",
            ),
            (
                "lscb-review",
                "LSCB review",
                "review of the effectiveness of the local safeguarding children board",
            ),
            (
                "ilacs",
                "ILACS",
                "inspection of local authority children's services",
            ),
            (
                "focused-visit",
                "focused visit",
                "focused visit to local authority children's services",
            ),
            (
                "monitoring-visit",
                "monitoring visit",
                "monitoring visit to local authority children's services",
            ),
            (
                "jtai",
                "joint targeted area inspection",
                "joint targeted area inspection",
            ),
            ("unknown", "inspection report", "inspection report"),
        ];
        assert_eq!(names.len(), ReportType::ALL.len());
        for (kebab, name, title) in names {
            assert_eq!(report_type_name(kebab), name, "{kebab}");
            assert_eq!(report_title(kebab), title, "{kebab}");
            let parts = CitationParts {
                report_type: kebab,
                ..HARTLEPOOL
            };
            assert_eq!(
                citation(&parts),
                format!("Ofsted, Hartlepool {name} 2013, para 24")
            );
        }
        assert_eq!(report_type_name("ILACS"), "ILACS");
        assert_eq!(report_type_name("sif+lscb"), "inspection report");
        assert_eq!(report_type_name(""), "inspection report");
    }

    #[test]
    fn letters_and_older_frameworks() {
        check(
            CitationParts {
                authority: "Stockton-on-Tees",
                report_type: "children-services-assessment",
                inspection_end: None,
                year: Some(2011),
                paragraph_number: None,
                ordinal: 4,
                source_path: "corpus/stockton-2011.md",
                line: 0,
                ..CitationParts::default()
            },
            "Ofsted, Stockton-on-Tees children's services assessment 2011, paragraph 4 of the text",
            "Ofsted (2011) Stockton-on-Tees: children's services assessment, paragraph 4 of the \
             text. [corpus/stockton-2011.md]",
        );
        check(
            CitationParts {
                authority: "Hartlepool",
                report_type: "jar",
                inspection_end: Some("2007-03-02"),
                year: Some(2007),
                paragraph_number: Some(" 12. "),
                ordinal: 40,
                source_path: "",
                line: 88,
                ..CitationParts::default()
            },
            "Ofsted, Hartlepool Joint area review 2007, para 12",
            "Ofsted (2007) Hartlepool: joint area review, inspection ended 2 March 2007, para 12.",
        );
    }

    #[test]
    fn fallbacks() {
        check(
            CitationParts {
                authority: "  ",
                report_type: "nonsense",
                paragraph_number: Some(""),
                page: Some(0),
                url: Some("  "),
                ..CitationParts::default()
            },
            "Ofsted, unknown authority inspection report",
            "Ofsted (n.d.) unknown authority: inspection report.",
        );
        // The year comes from the inspection's end when the year is missing.
        check(
            CitationParts {
                year: None,
                inspection_end: Some("2021-10-08"),
                ..HARTLEPOOL
            },
            "Ofsted, Hartlepool SIF 2021, para 24",
            &format!(
                "Ofsted (2021) Hartlepool: {SIF}, inspection ended 8 October 2021, para 24. \
                 [corpus/reports/report-0123.txt, line 456]"
            ),
        );
        // A malformed date is left out; the year stands.
        for bad in [
            "2013-13-01",
            "2013-02-29",
            "11/12/2013",
            "2013-12",
            "2013-12-1x",
            "",
            "2013-12-11junk",
        ] {
            let parts = CitationParts {
                inspection_end: Some(bad),
                paragraph_number: None,
                ..HARTLEPOOL
            };
            assert_eq!(
                reference(&parts),
                format!(
                    "Ofsted (2013) Hartlepool: {SIF}, paragraph 103 of the text. \
                     [corpus/reports/report-0123.txt, line 456]"
                ),
                "{bad}"
            );
        }
        assert_eq!(long_date("2012-02-29").as_deref(), Some("29 February 2012"));
        assert_eq!(
            long_date("2013-12-11T00:00:00Z").as_deref(),
            Some("11 December 2013")
        );
        assert_eq!(long_date("２０13-12-11"), None);
    }
}
