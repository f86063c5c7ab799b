//! The researchers' analyses (`ofsearch_query::analysis`). KWIC and trend are checked against
//! figures counted by hand in the five sample reports (an index of `corpus/samples` only);
//! compare is checked for sense on the whole corpus. They check:
//! 1. KWIC gives one line per occurrence, not per paragraph: "neglect" 7 times in the 2013
//!    Hartlepool report (4 paragraphs), 8 in the samples; "domestic" 10 times;
//! 2. a phrase is one keyword, matched on stems as the index matches it ("privately fostered"
//!    for "private fostering"), and the context is `width` words as printed;
//! 3. KWIC sorted by the left context (read leftwards) and by the right context;
//! 4. trend counts matching paragraphs and reports per year, over the paragraphs indexed that
//!    year (boilerplate excluded unless asked; filters narrow the denominator too), per split
//!    value, and the bar chart shows each year;
//! 5. compare by grade over "management oversight": the inadequate group over-uses words of
//!    weakness and under-uses words of strength, lists ordered by G2 with the right signs.
//!
//! How the figures were counted (in `corpus/samples`):
//! - `grep -n -o -i -E '\bneglect[a-z]*' *.txt`: "neglect" only (no other form sharing its
//!   stem), 7 times in `003_...` (the 2013 SIF of Hartlepool) on lines 180, 186, 389 (4 times)
//!   and 392, once in `004_...` (the 2009 unannounced letter) on line 20. Each of those lines is
//!   one paragraph (the reports put a paragraph or bullet on one line), none of them boilerplate.
//!   Lines 180 and 186 are under "children who need help and protection" (graded good), 389
//!   and 392 under the LSCB review (graded requires improvement).
//! - `grep -n -o -i -E '\bdomestic[a-z]*' *.txt`: `001_...` (the 2007 JAR) lines 250 (twice) and
//!   312; `003_...` lines 56 (twice), 178, 208 (twice), 374, 389: 10 occurrences in 7
//!   paragraphs, 2 of 2007 and 5 of 2013.
//! - `tr '\n' ' ' < FILE | grep -o -i -E '\bprivat[a-z]*\s+foster[a-z]*'`: "private foster"
//!   in `001_...` (line 272), "private fostering", "privately fostered", "private fostering" in
//!   `003_...` line 217 and "private fostering" in the bullet of line 393 (continued on 397
//!   after a page break).
//! - Paragraphs indexed per year: the reports' own paragraph counts (`Searcher::reports`), and
//!   the boilerplate among them from the facet counts of a search for everything.

mod common;

use common::{samples, whole};

use std::collections::BTreeMap;
use std::path::Path;

use ofsearch_query::analysis::{
    self, CompareBy, CompareOptions, KwicLine, KwicSort, Split, Trend, TrendCounts,
};
use ofsearch_query::ast::{Filter, FilterField, FilterValue, Node, Phrase, Word};
use ofsearch_query::{Filters, SearchRequest, Sort};

const SIF_2013: &str = "003_7425dc90808b844a.txt";
const JAR_2007: &str = "001_27f50cc6de729704.txt";
const CRA_2009: &str = "004_f3ae2764090c5174.txt";

fn word(text: &str) -> Node {
    Node::Word(Word {
        text: text.into(),
        prefix: false,
        fuzzy: None,
        exact: false,
        loose: false,
    })
}

fn phrase(text: &str) -> Node {
    Node::Phrase(Phrase {
        text: text.into(),
        slop: 0,
        exact: false,
    })
}

fn filter(field: FilterField, value: &str) -> Node {
    Node::Filter(Filter {
        field,
        value: FilterValue::One(value.into()),
    })
}

fn kwic(node: &Node, filters: Filters, width: usize, sort: KwicSort) -> Vec<KwicLine> {
    let request = SearchRequest {
        filters,
        sort: Sort::Oldest,
        ..SearchRequest::default()
    };
    analysis::kwic(samples(), &request, node, width, sort).expect("kwic")
}

/// (file name, line) of each KWIC line, counted.
fn places(lines: &[KwicLine]) -> BTreeMap<(String, u64), usize> {
    let mut out = BTreeMap::new();
    for l in lines {
        let file = Path::new(&l.source.path)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        *out.entry((file, l.source.line)).or_default() += 1;
    }
    out
}

fn at(file: &str, line: u64, n: usize) -> ((String, u64), usize) {
    ((file.to_string(), line), n)
}

fn hartlepool_2013() -> Filters {
    let mut filters = Filters::default();
    filters.push(FilterField::Authority, "hartlepool");
    filters.push(FilterField::Year, "2013");
    filters
}

#[test]
fn kwic_gives_every_occurrence_not_every_paragraph() {
    let lines = kwic(&word("neglect"), hartlepool_2013(), 5, KwicSort::Match);
    assert_eq!(lines.len(), 7, "{lines:#?}");
    assert_eq!(
        places(&lines),
        BTreeMap::from([
            at(SIF_2013, 180, 1),
            at(SIF_2013, 186, 1),
            at(SIF_2013, 389, 4),
            at(SIF_2013, 392, 1),
        ])
    );
    for l in &lines {
        assert_eq!(l.keyword, "neglect");
        assert_eq!((l.authority.as_str(), l.year), ("Hartlepool", Some(2013)));
        assert_eq!(l.report_type, "sif");
        assert!(l.citation.contains("Hartlepool"), "{}", l.citation);
    }
    // Within a paragraph, text order; the context is 5 words as printed.
    let in_389: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l.source.line == 389)
        .map(|l| (l.left.as_str(), l.right.as_str()))
        .collect();
    assert_eq!(
        in_389,
        [
            (
                "for tackling domestic violence and",
                "which are linked to the"
            ),
            ("impact. For example, although a", "sub group is in place"),
            (
                "tool (to measure levels of",
                ") is not fully implemented. Training"
            ),
            ("however planned for 2014. The", "action plan does not give"),
        ]
    );
    let l186 = lines.iter().find(|l| l.source.line == 186).expect("186");
    assert_eq!(
        (l186.left.as_str(), l186.right.as_str()),
        (
            "or minimising the impact of",
            ". Social workers, in every case,"
        )
    );
    assert!(lines.windows(2).all(|w| w[0].report_id == w[1].report_id));

    // The whole samples: one more, in the 2009 letter.
    let all = kwic(&word("neglect"), Filters::default(), 5, KwicSort::Match);
    assert_eq!(all.len(), 8);
    let places_all = places(&all);
    assert_eq!(places_all.get(&(CRA_2009.to_string(), 20)), Some(&1));
    // Oldest first: the 2009 line leads.
    assert_eq!(all[0].year, Some(2009));
    assert_eq!(all[0].left, "incidence of child abuse and");

    // "domestic": 10 occurrences in 7 paragraphs of two reports.
    let domestic = kwic(&word("domestic"), Filters::default(), 3, KwicSort::Match);
    assert_eq!(domestic.len(), 10);
    assert_eq!(
        places(&domestic),
        BTreeMap::from([
            at(JAR_2007, 250, 2),
            at(JAR_2007, 312, 1),
            at(SIF_2013, 56, 2),
            at(SIF_2013, 178, 1),
            at(SIF_2013, 208, 2),
            at(SIF_2013, 374, 1),
            at(SIF_2013, 389, 1),
        ])
    );
    // The keyword is as printed (one is capitalised), context 3 words.
    assert_eq!(
        domestic.iter().filter(|l| l.keyword == "Domestic").count(),
        1
    );
    let idva = domestic
        .iter()
        .find(|l| l.keyword == "Domestic")
        .expect("Domestic");
    assert_eq!(idva.left, "to the Independent");
    assert_eq!(idva.right, "Violence Advisor (IDVA)"); // widened to the whitespace
}

#[test]
fn kwic_keeps_a_phrase_whole_and_matches_it_as_the_index_does() {
    let lines = kwic(
        &phrase("private fostering"),
        Filters::default(),
        4,
        KwicSort::Match,
    );
    // Oldest first: the 2007 JAR, then the 2013 report (its paragraphs in index order, each
    // paragraph's occurrences in text order).
    assert_eq!(lines[0].keyword, "private foster");
    let in_217: Vec<&str> = lines
        .iter()
        .filter(|l| l.source.line == 217)
        .map(|l| l.keyword.as_str())
        .collect();
    assert_eq!(
        in_217,
        [
            "private fostering",
            "privately fostered",
            "private fostering"
        ]
    );
    assert_eq!(
        places(&lines),
        BTreeMap::from([
            at(JAR_2007, 272, 1),
            at(SIF_2013, 217, 3),
            at(SIF_2013, 393, 1)
        ])
    );
    // A phrase's words alone are not occurrences: "private" and "fostering" apart are not
    // lines (the 2013 report has "fostering" elsewhere, e.g. "fostering service").
    assert!(lines.iter().all(|l| l.keyword.contains(' ')));
    // Width 0: the keyword alone.
    let bare = kwic(
        &phrase("private fostering"),
        Filters::default(),
        0,
        KwicSort::Match,
    );
    assert!(bare.iter().all(|l| l.left.is_empty() && l.right.is_empty()));
    // A query of filters alone has nothing to show.
    let none = kwic(
        &filter(FilterField::Authority, "hartlepool"),
        Filters::default(),
        5,
        KwicSort::Match,
    );
    assert!(none.is_empty());
    // JSON shape.
    let json = serde_json::to_value(&lines[0]).expect("json");
    for key in [
        "left",
        "keyword",
        "right",
        "citation",
        "report_id",
        "authority",
        "year",
        "source",
    ] {
        assert!(json.get(key).is_some(), "{key} in {json}");
    }
    assert_eq!(json["source"]["line"], 272);
}

#[test]
fn kwic_sorts_by_left_or_right_context() {
    let left = kwic(&word("neglect"), hartlepool_2013(), 5, KwicSort::Left);
    let nearest_left: Vec<String> = left
        .iter()
        .map(|l| {
            let words: Vec<&str> = l.left.split_whitespace().rev().take(2).collect();
            words.join(" ").to_lowercase()
        })
        .collect();
    // Read leftwards: "a", "and", "of impact", "of levels" (to measure), "of levels" (which
    // measures), "tackling", "the".
    assert_eq!(
        nearest_left,
        [
            "a although",
            "and violence",
            "of impact",
            "of levels",
            "of levels",
            "tackling of",
            "the 2014.",
        ]
    );
    assert!(left[3].left.contains("to measure"), "{:?}", left[3]);
    assert!(left[4].left.contains("which measures"), "{:?}", left[4]);

    let right = kwic(&word("neglect"), hartlepool_2013(), 5, KwicSort::Right);
    let lines: Vec<u64> = right.iter().map(|l| l.source.line).collect();
    // "action", "however", "is being", "is not", "social", "sub", "which".
    assert_eq!(lines, [389, 392, 180, 389, 186, 389, 389]);
    assert!(right[0].right.starts_with("action plan"));
    assert!(right[6].right.starts_with("which are"));
}

fn cell(trend: &Trend, year: u64) -> TrendCounts {
    trend
        .years
        .iter()
        .find(|y| y.year == Some(year))
        .map(|y| y.counts)
        .unwrap_or_else(|| panic!("no {year} in {trend:#?}"))
}

/// Paragraphs per year from the reports' own counts, and boilerplate per year from facets.
fn indexed_per_year() -> (BTreeMap<u64, u64>, BTreeMap<u64, u64>) {
    let s = samples();
    let mut all = BTreeMap::new();
    for report in s.reports().expect("reports") {
        let year = report["year"].as_u64().expect("year");
        *all.entry(year).or_default() += report["paragraphs"].as_u64().expect("paragraphs");
    }
    let mut filters = Filters::default();
    filters.push(FilterField::Kind, "boilerplate");
    let request = SearchRequest {
        filters,
        ..SearchRequest::default()
    };
    let boilerplate = s.run(&request, &Node::All(Vec::new())).expect("run");
    let per_year = boilerplate.facets["year"]
        .iter()
        .map(|f| (f.value.parse::<u64>().expect("year"), f.count))
        .collect();
    (all, per_year)
}

#[test]
fn trend_counts_paragraphs_and_reports_per_year_against_the_year_s_paragraphs() {
    let s = samples();
    let (all, boilerplate) = indexed_per_year();
    assert_eq!(
        all.keys().copied().collect::<Vec<_>>(),
        [2007, 2009, 2011, 2013]
    );

    let trend =
        analysis::trend(s, &SearchRequest::default(), &word("neglect"), None).expect("trend");
    let years: Vec<Option<u64>> = trend.years.iter().map(|y| y.year).collect();
    assert_eq!(years, [Some(2007), Some(2009), Some(2011), Some(2013)]);
    let matched: Vec<(u64, u64)> = trend
        .years
        .iter()
        .map(|y| (y.counts.paragraphs, y.counts.reports))
        .collect();
    assert_eq!(matched, [(0, 0), (1, 1), (0, 0), (4, 1)]);
    for (year, paragraphs) in &all {
        let c = cell(&trend, *year);
        let without = paragraphs - boilerplate.get(year).copied().unwrap_or(0);
        assert_eq!(c.indexed_paragraphs, without, "{year}");
        assert!((c.per_1000 - 1000.0 * c.paragraphs as f64 / without as f64).abs() < 1e-9);
    }
    assert_eq!(cell(&trend, 2011).indexed_reports, 2);
    assert_eq!(cell(&trend, 2013).indexed_reports, 1);
    assert_eq!((trend.total.paragraphs, trend.total.reports), (5, 2));
    assert_eq!(trend.total.indexed_reports, 5);

    // Boilerplate asked for: every paragraph of the year is counted.
    let with = SearchRequest {
        include_boilerplate: true,
        ..SearchRequest::default()
    };
    let trend_all = analysis::trend(s, &with, &word("neglect"), None).expect("trend");
    for (year, paragraphs) in &all {
        assert_eq!(
            cell(&trend_all, *year).indexed_paragraphs,
            *paragraphs,
            "{year}"
        );
    }

    // "domestic": 2 paragraphs of 2007, 5 of 2013.
    let domestic =
        analysis::trend(s, &SearchRequest::default(), &word("domestic"), None).expect("trend");
    assert_eq!(cell(&domestic, 2007).paragraphs, 2);
    assert_eq!(cell(&domestic, 2013).paragraphs, 5);
    assert_eq!(
        cell(&domestic, 2009).paragraphs + cell(&domestic, 2011).paragraphs,
        0
    );
}

#[test]
fn trend_filters_narrow_the_denominator_and_splits_add_up() {
    let s = samples();
    let plain =
        analysis::trend(s, &SearchRequest::default(), &word("neglect"), None).expect("trend");

    // A filter in the query, at the top level, or the same as a request filter: the
    // denominator is Hartlepool's paragraphs (2011 holds Stockton-on-Tees's letter too).
    let in_query = Node::All(vec![
        word("neglect"),
        filter(FilterField::Authority, "Hartlepool"),
    ]);
    let by_query = analysis::trend(s, &SearchRequest::default(), &in_query, None).expect("trend");
    let mut filters = Filters::default();
    filters.push(FilterField::Authority, "Hartlepool");
    let request = SearchRequest {
        filters: filters.clone(),
        ..SearchRequest::default()
    };
    let by_request = analysis::trend(s, &request, &word("neglect"), None).expect("trend");
    assert_eq!(by_query, by_request);
    let hartlepool_2011 = s
        .run(
            &SearchRequest {
                filters: {
                    let mut f = filters.clone();
                    f.push(FilterField::Year, "2011");
                    f
                },
                ..SearchRequest::default()
            },
            &Node::All(Vec::new()),
        )
        .expect("run")
        .total;
    assert_eq!(cell(&by_query, 2011).indexed_paragraphs, hartlepool_2011);
    assert!(hartlepool_2011 < cell(&plain, 2011).indexed_paragraphs);
    assert_eq!(cell(&by_query, 2011).indexed_reports, 1);
    assert_eq!(cell(&by_query, 2013), cell(&plain, 2013));

    // Split by grade: 2013's four paragraphs are two of help and protection (good) and two of
    // the LSCB review (requires improvement); each value's cells add up to the year's.
    let split = analysis::trend(
        s,
        &SearchRequest::default(),
        &word("neglect"),
        Some(Split::Grade),
    )
    .expect("trend");
    let y2013 = split
        .years
        .iter()
        .find(|y| y.year == Some(2013))
        .expect("2013");
    let by_grade: BTreeMap<&str, u64> = y2013
        .split
        .iter()
        .filter(|v| v.counts.paragraphs > 0)
        .map(|v| (v.value.as_str(), v.counts.paragraphs))
        .collect();
    assert_eq!(
        by_grade,
        BTreeMap::from([("good", 2), ("requires-improvement", 2)])
    );
    for year in &split.years {
        let sum = |f: fn(&TrendCounts) -> u64| year.split.iter().map(|v| f(&v.counts)).sum::<u64>();
        assert_eq!(sum(|c| c.paragraphs), year.counts.paragraphs);
        assert_eq!(
            sum(|c| c.indexed_paragraphs),
            year.counts.indexed_paragraphs
        );
        for value in &year.split {
            let c = &value.counts;
            let expected = 1000.0 * c.paragraphs as f64 / c.indexed_paragraphs as f64;
            assert!((c.per_1000 - expected).abs() < 1e-9);
        }
    }
    // Grades are listed best first.
    let order: Vec<&str> = y2013.split.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(order, ["good", "requires-improvement", "ungraded"]);

    // The chart: a row per year (and per value), the highest rate the longest bar. Every year
    // of the samples rests on one report: each is marked, and a note says why.
    let chart = analysis::render_bars(&plain);
    let rows: Vec<&str> = chart.lines().collect();
    assert_eq!(rows.len(), 6, "{chart}");
    assert!(rows[0].starts_with("2007"), "{chart}");
    assert!(rows[4].starts_with("all"), "{chart}");
    assert!(
        rows[5].starts_with("* fewer than 5 reports indexed"),
        "{chart}"
    );
    let bar = |row: &str| row.chars().filter(|c| *c == '█').count();
    assert_eq!(bar(rows[1]), analysis::BAR_WIDTH, "{chart}"); // 2009: 1 in 27
    assert!(rows[1].contains("37.04* per 1,000"), "{chart}");
    assert_eq!(bar(rows[0]), 0);
    assert!(bar(rows[3]) > 0 && bar(rows[3]) < analysis::BAR_WIDTH);
    assert!(rows[3].contains("(4 of"), "{chart}");

    // Over the whole corpus, a year of one report does not set the scale: the longest bar is
    // a year of many reports.
    let whole_trend =
        analysis::trend(whole(), &SearchRequest::default(), &word("neglect"), None).expect("trend");
    let chart = analysis::render_bars(&whole_trend);
    let longest = chart
        .lines()
        .filter(|row| bar(row) == analysis::BAR_WIDTH)
        .collect::<Vec<_>>();
    assert!(!longest.is_empty(), "{chart}");
    let y2009 = chart.lines().find(|r| r.starts_with("2009")).expect("2009");
    assert!(y2009.contains("* per 1,000"), "{chart}");
    assert!(
        longest.iter().any(|row| !row.contains("* per 1,000")),
        "the scale comes from a year of many reports: {chart}"
    );
    let json = serde_json::to_value(&split).expect("json");
    assert_eq!(json["split_by"], "grade");
    assert!(json["years"][0]["indexed_paragraphs"].is_u64());
    assert!(json["years"][0]["split"].is_array());
}

#[test]
fn compare_by_grade_finds_words_of_weakness_in_inadequate_practice() {
    let s = whole();
    let comparison = analysis::compare(
        s,
        &SearchRequest::default(),
        &phrase("management oversight"),
        CompareBy::Grade,
        20,
    )
    .expect("compare");
    let values: Vec<&str> = comparison.groups.iter().map(|g| g.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "outstanding",
            "good",
            "requires-improvement",
            "inadequate",
            "ungraded"
        ]
    );
    let group = |v: &str| {
        comparison
            .groups
            .iter()
            .find(|g| g.value == v)
            .expect("group")
    };
    let inadequate = group("inadequate");
    assert!(inadequate.paragraphs > 50 && inadequate.tokens > inadequate.paragraphs * 20);
    let over: Vec<&str> = inadequate.over.iter().map(|k| k.term.as_str()).collect();
    let weakness = [
        "poor",
        "weak",
        "serious",
        "lack",
        "failures",
        "ineffective",
        "inadequate",
    ];
    let found = weakness.iter().filter(|w| over.contains(w)).count();
    assert!(found >= 4, "{over:?}");
    let under: Vec<&str> = inadequate.under.iter().map(|k| k.term.as_str()).collect();
    assert!(
        under.contains(&"strong") || under.contains(&"well"),
        "{under:?}"
    );
    // Outstanding practice over-uses what the inadequate group under-uses.
    let outstanding = group("outstanding");
    let outstanding_over: Vec<&str> = outstanding.over.iter().map(|k| k.term.as_str()).collect();
    assert!(
        !weakness.iter().any(|w| outstanding_over.contains(w)),
        "{outstanding_over:?}"
    );

    for g in &comparison.groups {
        assert!(g.over.len() <= 20 && g.under.len() <= 20);
        assert!(g.over.windows(2).all(|w| w[0].g2 >= w[1].g2), "{}", g.value);
        assert!(
            g.under.windows(2).all(|w| w[0].g2 <= w[1].g2),
            "{}",
            g.value
        );
        let elsewhere = comparison.groups.iter().map(|o| o.tokens).sum::<u64>() - g.tokens;
        for k in &g.over {
            assert!(k.g2 > 0.0);
            // Over-use: relatively more frequent in the group than elsewhere.
            assert!(k.freq as f64 / g.tokens as f64 > k.freq_elsewhere as f64 / elsewhere as f64);
            assert!(k.freq + k.freq_elsewhere >= 5);
            let g2 = analysis::log_likelihood(k.freq, k.freq_elsewhere, g.tokens, elsewhere);
            assert!((g2 - k.g2).abs() < 1e-9);
        }
        for k in &g.under {
            assert!(k.g2 < 0.0);
            assert!((k.freq as f64 / g.tokens as f64) < k.freq_elsewhere as f64 / elsewhere as f64);
        }
        // Stop words and the query's own words are left out.
        for k in g.over.iter().chain(&g.under) {
            assert!(
                !analysis::STOP_WORDS.contains(&k.term.as_str()),
                "{}",
                k.term
            );
            assert!(
                k.term != "management" && k.term != "oversight",
                "{}",
                k.term
            );
        }
    }

    // With the query's words kept, they come back (in the short ungraded paragraphs above all).
    let kept = analysis::compare_with(
        s,
        &SearchRequest::default(),
        &phrase("management oversight"),
        &CompareOptions {
            exclude_query_words: false,
            ..CompareOptions::default()
        },
    )
    .expect("compare");
    assert!(kept
        .groups
        .iter()
        .flat_map(|g| g.over.iter().chain(&g.under))
        .any(|k| k.term == "oversight"));
    let json = serde_json::to_value(&comparison).expect("json");
    assert_eq!(json["by"], "grade");
    assert!(json["groups"][0]["over"][0]["g2"].is_f64());
}
