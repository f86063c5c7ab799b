//! The report parser, from a file's bytes to tagged paragraphs, called as the indexer calls it
//! (`writer::index_file`): `ofsearch_indexer::read::decode(bytes)`, then, for text it accepts,
//! `ofsearch_indexer::report::parse(text, source, bytes, &AuthorityTable::bundled())`.
//!
//! Checks: neither panics (the indexer would skip the file as "parser failed"); `decode` gives
//! back the bytes as text, or a reason whose offset and byte are the file's; the parsed report
//! keeps what `Report` and `Paragraph` document: its id is the bytes' `content_id`, its source
//! is as given, `paragraphs` is the number of paragraphs, ordinals are 1, 2, 3..., each
//! paragraph starts on a line of the file (1-based), and its text is non-empty and at most
//! `bound::MAX_PARAGRAPH_BYTES` long (the bound every indexed document keeps).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::bound::MAX_PARAGRAPH_BYTES;
use ofsearch_indexer::read::decode;
use ofsearch_indexer::report::{content_id, parse};
use ofsearch_indexer::SkipReason;

const SOURCE: &str = "fuzz.txt";

fuzz_target!(|bytes: &[u8]| {
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(SkipReason::Binary { byte, offset })
        | Err(SkipReason::InvalidUtf8 { byte, offset, .. }) => {
            assert_eq!(
                bytes.get(offset),
                Some(&byte),
                "the reason's byte at {offset}"
            );
            return;
        }
        Err(_) => return,
    };
    assert_eq!(text.as_bytes(), bytes, "decode keeps the bytes");
    let parsed = parse(text, SOURCE, bytes, AuthorityTable::bundled());
    let report = &parsed.report;
    assert_eq!(report.report_id, content_id(bytes));
    assert_eq!(report.source, SOURCE);
    assert_eq!(report.paragraphs, parsed.paragraphs.len());
    let lines = text.split('\n').count();
    for (i, p) in parsed.paragraphs.iter().enumerate() {
        assert_eq!(usize::try_from(p.ordinal).ok(), Some(i + 1), "ordinal");
        let line = usize::try_from(p.line).unwrap_or(usize::MAX);
        assert!((1..=lines).contains(&line), "line {line} of {lines}: {p:?}");
        assert!(!p.text.is_empty(), "empty paragraph: {p:?}");
        assert!(
            p.text.len() <= MAX_PARAGRAPH_BYTES,
            "{} bytes",
            p.text.len()
        );
    }
});
