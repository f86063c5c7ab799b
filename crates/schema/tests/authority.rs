//! Accuracy of the authority matcher over the bundled corpus, and the tricky names.

use std::path::PathBuf;

use ofsearch_schema::authority::{Authority, AuthorityTable};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn table() -> &'static AuthorityTable {
    AuthorityTable::bundled()
}

/// The first `n` non-blank lines of a text, joined with newlines.
fn opening(text: &str, n: usize) -> String {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `got` is the authority with ONS code `expected` (current or older code).
fn is_expected(got: Option<&Authority>, expected: &str) -> bool {
    match got {
        Some(a) => a.ons_code == expected || table().lookup(expected) == Some(a),
        None => false,
    }
}

#[test]
fn finds_the_authority_of_every_corpus_report() {
    let dir = corpus().join("reports");
    let mut reader =
        csv::Reader::from_path(dir.join("metadata.csv")).expect("reports/metadata.csv is readable");
    let headers = reader.headers().expect("metadata header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("metadata has no `{name}` column"))
    };
    let (c_file, c_ons) = (col("file"), col("ons_code"));

    let mut total = 0;
    let mut mismatches = Vec::new();
    for row in reader.records() {
        let row = row.expect("metadata row");
        let file = &row[c_file];
        let expected = &row[c_ons];
        let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("reading {file}: {e}"));
        let passage = opening(&String::from_utf8_lossy(&bytes), 12);
        let got = table().find(&passage);
        total += 1;
        if !is_expected(got, expected) {
            mismatches.push(format!(
                "{file}: expected {expected}, got {}\n---\n{passage}\n---",
                got.map_or("nothing".to_string(), |a| format!(
                    "{} ({})",
                    a.name, a.ons_code
                )),
            ));
        }
    }
    println!(
        "authority matched in {}/{total} reports",
        total - mismatches.len()
    );
    for m in &mismatches {
        println!("{m}");
    }
    assert_eq!(total, 452, "metadata.csv should list 452 reports");
    assert!(
        mismatches.is_empty(),
        "{} of {total} reports matched the wrong authority",
        mismatches.len()
    );
}

#[test]
fn finds_the_authority_of_the_samples() {
    let dir = corpus().join("samples");
    let read = |prefix: &str| -> String {
        let entry = std::fs::read_dir(&dir)
            .expect("samples dir")
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .unwrap_or_else(|| panic!("no sample {prefix}_*"));
        String::from_utf8_lossy(&std::fs::read(entry.path()).expect("sample readable")).into_owned()
    };
    let hartlepool = "E06000001";
    let stockton = "E06000004";

    // Report-style samples: the title block.
    let jar = read("001");
    assert!(
        is_expected(table().find(&opening(&jar, 12)), hartlepool),
        "001 JAR"
    );
    let sif = read("003");
    assert!(
        is_expected(table().find(&opening(&sif, 12)), hartlepool),
        "003 SIF"
    );

    // Letters: the addressee block and the subject line, as a caller passes them.
    for (prefix, addressee_from, subject, want) in [
        (
            "000",
            "Ms Nicola Bailey",
            "Annual children's services assessment",
            hartlepool,
        ),
        (
            "002",
            "Ms Jane Humphreys",
            "Annual children's services assessment",
            stockton,
        ),
        (
            "004",
            "Ms Nicola Bailey",
            "Annual unannounced inspection",
            hartlepool,
        ),
    ] {
        let text = read(prefix);
        let start = text
            .find(addressee_from)
            .unwrap_or_else(|| panic!("{prefix}: addressee"));
        let end = text[start..]
            .find(subject)
            .map_or(text.len(), |i| start + i);
        let subject_line = text[end..].lines().next().unwrap_or("");
        let passage = format!("{}\n{subject_line}", &text[start..end]);
        let got = table().find(&passage);
        assert!(
            is_expected(got, want),
            "{prefix}: got {got:?} from\n{passage}"
        );
    }
}

#[test]
fn letter_addressee_blocks() {
    let block = "Ms Nicola Bailey\nDirector of Children's Services\nHartlepool Borough Council\nCivic Centre\nHartlepool\nDurham TS24 8AY";
    assert_eq!(
        table().find(block).map(|a| a.name.as_str()),
        Some("Hartlepool")
    );
    let block = "Corporate Director, Children, Education and Social Care Stockton-on-Tees Borough Council PO Box 228, Municipal Buildings Church Road Stockton-on-Tees TS18 1XE";
    assert_eq!(
        table().find(block).map(|a| a.name.as_str()),
        Some("Stockton-on-Tees")
    );
}

#[test]
fn tricky_names() {
    let t = table();
    let ons = |text: &str| t.find(text).map(|a| a.ons_code.clone());
    let cases = [
        (
            "Inspection of Bath and North East\nSomerset local authority children’s services",
            "E06000022",
        ),
        ("Somerset County Council", "E06000066"),
        ("North East Lincolnshire", "E06000012"),
        ("North Lincolnshire", "E06000013"),
        ("Lincolnshire County Council", "E10000019"),
        ("Bournemouth, Christchurch & Poole", "E06000058"),
        ("Bournemouth Borough Council", "E06000028"),
        ("Poole Borough Council", "E06000029"),
        (
            "Inspection of Dorset local authority children’s services",
            "E06000059",
        ),
        ("Dorset County Council", "E10000009"),
        ("Cumberland", "E06000063"),
        ("Westmorland and Furness", "E06000064"),
        ("Cumbria County Council", "E10000006"),
        ("Bedford Borough", "E06000055"),
        ("Cheshire East Council", "E06000049"),
        ("Cheshire West and Chester", "E06000050"),
        ("City of Bristol", "E06000023"),
        ("Bristol City Council", "E06000023"),
        ("Herefordshire Council", "E06000019"),
        ("County Durham", "E06000047"),
        ("Durham County Council", "E06000047"),
        ("St. Helens Metropolitan Borough\nCouncil", "E08000013"),
        ("Kingston upon Hull City Council", "E06000010"),
        ("Hull", "E06000010"),
        ("Telford & Wrekin", "E06000020"),
        ("Stockton on Tees", "E06000004"),
    ];
    for (text, want) in cases {
        assert_eq!(ons(text).as_deref(), Some(want), "{text}");
    }
    // Former authorities without a GSS code are still found, by name.
    assert!(t
        .find("Bedfordshire County Council")
        .is_some_and(|a| a.former && a.dfe_code == "820"));
    assert!(t
        .find("Cheshire County Council")
        .is_some_and(|a| a.former && a.dfe_code == "875"));
    assert_eq!(t.find("Region: North East"), None);
}
