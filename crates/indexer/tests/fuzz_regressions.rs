//! Regressions from the fuzzing of the report parser (`fuzz/`, target `report_parser`; issue
//! 13). The fuzzer found no panic; these two quadratic costs were found beside it, by timing
//! the parser on adversarial shapes of input at 4 KB to 256 KB (below the fuzzer's 16 KB inputs
//! they cost under 25 ms, too little for its timeout).
//!
//! The two quadratic cases are not timed (no timing assertions in tests), so they do not fail
//! on the quadratic code: they check what the parse gives on those shapes, and at these sizes
//! the quadratic parse took tens of seconds in a test build (the linear one a second or two),
//! which shows as a slow test if the cost comes back.

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::{parse, Parsed};

/// `parse(text)` as the indexer calls it.
fn parse_text(text: &str) -> Parsed {
    parse(text, "fuzz.txt", text.as_bytes(), AuthorityTable::bundled())
}

/// A paragraph that runs on across page after page (a PDF conversion with one line of a
/// sentence per page) is rejoined in linear time. Before, each page's line counted every word
/// of the paragraph joined so far (`segment::join_continuations`): 256 KB took 13 s in a
/// release build, 16 MiB (the largest file read) would take hours.
#[test]
fn a_paragraph_continued_across_many_pages_is_rejoined_in_linear_time() {
    let pages = 1 << 17;
    let text = "\u{c}a\n".repeat(pages);
    let parsed = parse_text(&text);
    let words: usize = parsed
        .paragraphs
        .iter()
        .map(|p| p.text.split(' ').filter(|w| *w == "a").count())
        .sum();
    assert_eq!(words, pages, "every page's word, in one paragraph's pieces");
    assert!(parsed.paragraphs.iter().all(|p| p.text.len() > 30_000));
}

/// A run of lines that are each a known heading, with no blank line between (one block), is
/// peeled heading by heading in linear time. Before, each heading peeled off the front of the
/// block moved all the block's remaining lines (`segment::close`): 2 MB of "Recommendations"
/// lines took 8.5 s in a release build, 16 MiB (the largest file read) would take 9 minutes.
#[test]
fn a_block_of_many_headings_is_peeled_in_linear_time() {
    let lines = 1 << 18;
    let text = "Recommendations\n".repeat(lines);
    let parsed = parse_text(&text);
    // Headings each, ending the one before: no text.
    assert_eq!(parsed.paragraphs.len(), 0);
    assert_eq!(parsed.report.paragraphs, 0);
}
