//! Accuracy over the bundled corpus: each of the 452 reports in `corpus/reports` is parsed and
//! compared with Ofsted's own metadata (`metadata.csv`, never an input to the indexer):
//! 1. authority (by ONS code, either of an authority's codes),
//! 2. report type and framework edition,
//! 3. year: the metadata's `year` is the publication year, ours the year the inspection ended,
//!    so the check is that the metadata's publication date falls 0-200 days after our inspection
//!    end date, and equals our publication date wherever the report prints one,
//! 4. every graded judgement the metadata gives, and the overall grade.
//!
//! Every mismatch is printed; the figures are printed too (`-- --nocapture`) and recorded in
//! ARCHITECTURE.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::date::{dates_in, Date};
use ofsearch_indexer::{parse, Parsed};
use ofsearch_schema::{Area, Grade, ReportType};

fn reports_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/reports")
}

struct Row {
    file: String,
    authority: String,
    ons_code: String,
    published: Date,
    report_type: String,
    overall: String,
    grades: BTreeMap<String, String>,
}

fn metadata() -> Vec<Row> {
    let mut reader =
        csv::Reader::from_path(reports_dir().join("metadata.csv")).expect("metadata.csv");
    reader
        .records()
        .map(|record| {
            let r = record.expect("csv row");
            let grades: BTreeMap<String, String> = if r[9].is_empty() {
                BTreeMap::new()
            } else {
                serde_json::from_str(&r[9]).expect("grades JSON")
            };
            Row {
                file: r[0].to_string(),
                authority: r[1].to_string(),
                ons_code: r[3].to_string(),
                published: dates_in(&r[5]).first().copied().expect("publication date"),
                report_type: r[7].to_string(),
                overall: r[8].to_string(),
                grades,
            }
        })
        .collect()
}

fn expected_type(metadata_type: &str) -> (ReportType, Option<&'static str>) {
    match metadata_type {
        "ILACS_2018_22" => (ReportType::Ilacs, Some("ilacs-2018")),
        "ILACS_2023plus" => (ReportType::Ilacs, Some("ilacs-2023")),
        "ILACS_post_Apr2026" => (ReportType::Ilacs, Some("ilacs-2026")),
        "SIF+LSCB" => (ReportType::Sif, Some("sif+lscb")),
        "SIF" => (ReportType::Sif, Some("sif")),
        "SIF_reinspection" => (ReportType::SifReinspection, None),
        other => panic!("unknown metadata type {other}"),
    }
}

fn grade_of(text: &str) -> Option<Grade> {
    match text {
        "outstanding" => Some(Grade::Outstanding),
        "good" => Some(Grade::Good),
        "requires improvement" => Some(Grade::RequiresImprovement),
        "inadequate" => Some(Grade::Inadequate),
        _ => None,
    }
}

fn area_of(key: &str) -> Area {
    match key {
        "overall_effectiveness" => Area::Overall,
        "impact_of_leaders" => Area::Leadership,
        "help_and_protection" => Area::HelpAndProtection,
        "in_care" => Area::ChildrenInCare,
        "care_leavers" => Area::CareLeavers,
        other => panic!("unknown metadata grade key {other}"),
    }
}

fn parse_file(file: &str) -> Parsed {
    let bytes = std::fs::read(reports_dir().join(file)).expect("report file");
    let text = String::from_utf8_lossy(&bytes);
    parse(&text, file, &bytes, AuthorityTable::bundled())
}

#[test]
fn metadata_accuracy() {
    let table = AuthorityTable::bundled();
    let rows = metadata();
    assert_eq!(rows.len(), 452);
    let mut mismatches: Vec<String> = Vec::new();
    let (mut authority_ok, mut type_ok, mut year_ok) = (0, 0, 0);
    let (mut grades_checked, mut grades_ok) = (0, 0);
    for row in &rows {
        let parsed = parse_file(&row.file);
        let r = &parsed.report;

        let expected = table
            .lookup(&row.ons_code)
            .or_else(|| table.lookup(&row.authority));
        if expected.is_some() && expected.map(|a| &a.name) == r.authority.as_ref() {
            authority_ok += 1;
        } else {
            mismatches.push(format!(
                "{}: authority {:?}, expected {}",
                row.file, r.authority, row.authority
            ));
        }

        let (want_type, want_framework) = expected_type(&row.report_type);
        if r.report_type == want_type
            && (want_framework.is_none() || r.framework.as_deref() == want_framework)
        {
            type_ok += 1;
        } else {
            mismatches.push(format!(
                "{}: type {} {:?}, expected {} {:?}",
                row.file, r.report_type, r.framework, want_type, want_framework
            ));
        }

        let lag = r
            .inspection_end
            .map(|end| row.published.days_from_epoch() - end.days_from_epoch());
        let published_ok = r.published.is_none_or(|p| p == row.published);
        if lag.is_some_and(|d| (0..=200).contains(&d))
            && published_ok
            && r.year == r.inspection_end.map(|d| d.year)
        {
            year_ok += 1;
        } else {
            mismatches.push(format!(
                "{}: inspection end {:?}, published {:?}, metadata published {}",
                row.file,
                r.inspection_end.map(|d| d.to_string()),
                r.published.map(|d| d.to_string()),
                row.published
            ));
        }

        let mut expected_grades: Vec<(Area, Option<Grade>)> = row
            .grades
            .iter()
            .map(|(k, v)| (area_of(k), grade_of(v)))
            .collect();
        if row.grades.is_empty() && !row.overall.is_empty() {
            expected_grades.push((Area::Overall, grade_of(&row.overall)));
        }
        for (area, want) in expected_grades {
            grades_checked += 1;
            let got = r
                .judgements
                .iter()
                .find(|j| j.area_canonical == area)
                .map(|j| j.grade);
            if got == want {
                grades_ok += 1;
            } else {
                mismatches.push(format!(
                    "{}: {area} graded {got:?}, expected {want:?}",
                    row.file
                ));
            }
        }
    }
    println!(
        "accuracy over {} reports: authority {authority_ok}, type {type_ok}, year/dates {year_ok}, grades {grades_ok}/{grades_checked}",
        rows.len()
    );
    for m in &mismatches {
        println!("MISMATCH {m}");
    }
    // Floors at the figures measured when this test was last changed (see ARCHITECTURE.md):
    // a regression fails; an improvement should raise them. The remaining mismatches are listed
    // in ARCHITECTURE.md, several of them errors in the metadata itself.
    assert_eq!(authority_ok, 452, "authority");
    assert!(type_ok >= 439, "type: {type_ok}");
    assert!(year_ok >= 447, "year/dates: {year_ok}");
    assert!(grades_ok >= 1416, "grades: {grades_ok}/{grades_checked}");
}
