//! Accuracy over the bundled corpus: each of the 452 reports in `corpus/reports` is parsed and
//! compared with Ofsted's own metadata (`metadata.csv`, never an input to the indexer):
//! 1. authority (by ONS code, either of an authority's codes),
//! 2. report type and framework edition,
//! 3. year: the metadata's `year` is the publication year, ours the year the inspection ended,
//!    so the check is that the metadata's publication date falls 0-200 days after our inspection
//!    end date, and is within a week of our publication date wherever the report prints one,
//! 4. every graded judgement the metadata gives, and the overall grade.
//!
//! Where the metadata is wrong, confirmed by reading the report, `CORRECTIONS` gives the right
//! value and the test checks ours against it (a correction that no longer changes anything
//! fails the test, so the table cannot go stale).
//!
//! Every mismatch is printed; the figures are printed too (`-- --nocapture`) and recorded in
//! ARCHITECTURE.md.

mod common;

use std::collections::BTreeMap;

use common::{parse_report, reports_dir};
use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::date::{dates_in, Date};
use ofsearch_schema::{Area, Grade, ReportType};

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

/// A confirmed error in `metadata.csv`: the value the report itself states, and the evidence.
struct Correction {
    file: &'static str,
    /// `report_type`, or a key of the grades column.
    field: &'static str,
    /// The corrected value; `""` for a grade the report does not give.
    value: &'static str,
    /// What the report prints, quoted with its line number, and why the metadata is wrong.
    evidence: &'static str,
}

const CORRECTIONS: &[Correction] = &[
    Correction {
        file: "report-0366.txt",
        field: "report_type",
        value: "SIF_reinspection",
        evidence: "line 2: \"Reinspection of services for children in need of help and\"; metadata says SIF",
    },
    Correction {
        file: "report-0202.txt",
        field: "report_type",
        value: "ILACS_post_Apr2026",
        evidence: "inspected 11 to 22 May 2026; the table (lines 8-20) has four rows and no \"Overall \
                   effectiveness\", as the metadata's own overall value \"not_reported_post_reform\" \
                   says; metadata says ILACS_2023plus",
    },
    Correction {
        file: "report-0213.txt",
        field: "report_type",
        value: "ILACS_post_Apr2026",
        evidence: "inspected 11 to 22 May 2026; the table (lines 9-21) has four rows and no \"Overall \
                   effectiveness\" (metadata overall: \"not_reported_post_reform\"); metadata says \
                   ILACS_2023plus",
    },
    Correction {
        file: "report-0392.txt",
        field: "report_type",
        value: "ILACS_2018_22",
        evidence: "inspected 11-22 July 2022, before the 2023 framework; lines 16-17: \"The experiences \
                   and progress of ... children in care and care leavers   Requires improvement to be \
                   good\", one combined row; metadata says ILACS_2023plus",
    },
    Correction {
        file: "report-0392.txt",
        field: "care_leavers",
        value: "",
        evidence: "care leavers are not graded apart (see above; lines 210-211: \"The experiences and progress \
                   of children in care and care leavers: requires improvement to be good\"); metadata \
                   gives care_leavers \"inadequate\"",
    },
    Correction {
        file: "report-0082.txt",
        field: "in_care",
        value: "good",
        evidence: "line 20: \"The experiences and progress of children in care and   Good\"; line 185: \
                   \"The experiences and progress of children in care and care leavers is good\"; \
                   metadata says requires improvement",
    },
    Correction {
        file: "report-0350.txt",
        field: "in_care",
        value: "good",
        evidence: "line 20: \"The experiences and progress of children in care and   Good\"; line 150: \
                   \"The experiences and progress of children in care and care leavers is good\"; \
                   metadata says requires improvement",
    },
    Correction {
        file: "report-0432.txt",
        field: "help_and_protection",
        value: "requires improvement",
        evidence: "lines 13-14: \"The experiences and progress of   Requires improvement to be good\" / \
                   \"children who need help and protection\"; lines 60-61 the same; metadata says good \
                   (its three area grades for this report are shuffled)",
    },
    Correction {
        file: "report-0432.txt",
        field: "in_care",
        value: "good",
        evidence: "line 194: \"The experiences and progress of children in care: good\"; metadata says \
                   requires improvement",
    },
    Correction {
        file: "report-0432.txt",
        field: "care_leavers",
        value: "outstanding",
        evidence: "line 296: \"The experiences and progress of care leavers: outstanding\"; metadata \
                   says good",
    },
    Correction {
        file: "report-0098.txt",
        field: "help_and_protection",
        value: "requires improvement",
        evidence: "line 74: \"protection: requires improvement to be good\"; metadata has \"to requires \
                   improvement\", the two-line table cell read backwards",
    },
    Correction {
        file: "report-0098.txt",
        field: "overall_effectiveness",
        value: "requires improvement",
        evidence: "lines 20-22: \"Requires improvement\" / \"Overall effectiveness\" / \"to be good\"; \
                   line 25: \"Services for children in Southend-on-Sea require improvement to be good\"; \
                   metadata gives no overall grade",
    },
    Correction {
        file: "report-0180.txt",
        field: "help_and_protection",
        value: "requires improvement",
        evidence: "lines 87-88: \"... children who need help and protection requires improvement to be good.\"; metadata has \"to requires \
                   improvement\", the two-line table cell read backwards",
    },
    Correction {
        file: "report-0180.txt",
        field: "overall_effectiveness",
        value: "requires improvement",
        evidence: "lines 21-23: \"Requires improvement\" / \"Overall effectiveness\" / \"to be good\"; \
                   metadata gives no overall grade",
    },
];

/// Applies `CORRECTIONS`, failing on one that names no row or changes nothing.
fn correct(rows: &mut [Row]) {
    for c in CORRECTIONS {
        let row = rows
            .iter_mut()
            .find(|r| r.file == c.file)
            .unwrap_or_else(|| panic!("correction for unknown file {}", c.file));
        let old = if c.field == "report_type" {
            std::mem::replace(&mut row.report_type, c.value.to_string())
        } else {
            row.grades
                .insert(c.field.to_string(), c.value.to_string())
                .unwrap_or_default()
        };
        assert_ne!(
            old, c.value,
            "stale correction {} {}: {}",
            c.file, c.field, c.evidence
        );
    }
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

#[test]
fn metadata_accuracy() {
    let table = AuthorityTable::bundled();
    let mut rows = metadata();
    correct(&mut rows);
    assert_eq!(rows.len(), 452);
    let mut mismatches: Vec<String> = Vec::new();
    let (mut authority_ok, mut type_ok, mut year_ok) = (0, 0, 0);
    let (mut grades_checked, mut grades_ok) = (0, 0);
    for row in &rows {
        let parsed = parse_report(&row.file);
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
        // Where the report prints a publication date, it must be within a week of the
        // metadata's, not equal: five SIF reports (0053, 0216, 0251, 0333, 0380) print a date
        // 1-5 days before the metadata's (0053: "Report published: 01 September 2014", metadata
        // 3 September). The metadata presumably records when the file went up on Ofsted's site;
        // the index keeps the date the report prints.
        let published_ok = r
            .published
            .is_none_or(|p| (p.days_from_epoch() - row.published.days_from_epoch()).abs() <= 7);
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
    // Every report right on every field, once the confirmed metadata errors are corrected (see
    // `CORRECTIONS` and ARCHITECTURE.md): any mismatch is a regression.
    assert_eq!(authority_ok, 452, "authority");
    assert_eq!(type_ok, 452, "type");
    assert_eq!(year_ok, 452, "year/dates");
    assert_eq!(grades_checked, 1477, "grades checked");
    assert_eq!(grades_ok, grades_checked, "grades");
}
