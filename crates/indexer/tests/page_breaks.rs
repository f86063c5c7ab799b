//! Paragraphs that a page break cut in two are found whole, in real reports of the bundled
//! corpus, and across the whole corpus few paragraphs are left starting mid-sentence.

mod common;

use common::{all_reports, parse_report};
use ofsearch_schema::Kind;

/// Cut sentences seen in the corpus: (file, the words before the page break, the words after).
const CUTS: [(&str, &str, &str); 4] = [
    // A page number alone after blank lines, then a form feed and the rest indented.
    (
        "report-0037.txt",
        "Immediate child protection concerns are passed",
        "promptly for action within the assessment teams.",
    ),
    // The running footer straight after the cut line, no blank line between.
    (
        "report-0139.txt",
        "Too many children do not",
        "have a consistent social worker to rely on.",
    ),
    (
        "report-0125.txt",
        "and there are a range of supported",
        "living options and a crash pad for crisis situations.",
    ),
    (
        "report-0386.txt",
        "However, due to",
        "recent pressures on management capacity",
    ),
];

#[test]
fn sentences_cut_by_a_page_break_are_one_paragraph() {
    for (file, before, after) in CUTS {
        let parsed = parse_report(file);
        let whole = format!("{before} {after}");
        let found = parsed.paragraphs.iter().any(|p| p.text.contains(&whole));
        let pieces: Vec<&str> = parsed
            .paragraphs
            .iter()
            .filter(|p| p.text.contains(before) || p.text.contains(after))
            .map(|p| p.text.as_str())
            .collect();
        assert!(
            found,
            "{file}: no paragraph holds {whole:?}; pieces: {pieces:#?}"
        );
    }
}

/// Paragraphs of running prose that start in lower case right after a paragraph that stops
/// mid-sentence: the signature of a page break not rejoined. (Lists of short items, such as
/// "there have been 25 adoptions", start in lower case by design and are not counted: the
/// paragraph before must be prose, long, with a sentence in it, ending on a letter.)
#[test]
fn few_paragraphs_are_left_starting_mid_sentence() {
    let mut cut = Vec::new();
    for (name, parsed) in all_reports() {
        for pair in parsed.paragraphs.windows(2) {
            let (prev, next) = (&pair[0], &pair[1]);
            let prose = prev.text.len() > 150
                && prev.text.contains(". ")
                && prev.text.trim_end().ends_with(|c: char| c.is_alphabetic());
            if prose
                && next.kind != Kind::Boilerplate
                && next.text.starts_with(|c: char| c.is_lowercase())
            {
                cut.push(format!(
                    "{name}:{}: ...{} | {}...",
                    next.line,
                    prev.text
                        .char_indices()
                        .rev()
                        .nth(39)
                        .map_or(prev.text.as_str(), |(at, _)| &prev.text[at..]),
                    next.text.chars().take(40).collect::<String>()
                ));
            }
        }
    }
    // Measured: 49 before the fixes of commit b254e52, none since.
    assert!(
        cut.is_empty(),
        "{} paragraphs start mid-sentence after a page break:\n{}",
        cut.len(),
        cut.join("\n")
    );
}
