//! Bounded work per document: whatever a file holds, no paragraph the parser hands the writer
//! is longer than `MAX_PARAGRAPH_BYTES`; an overlong one (a PDF converted without line breaks)
//! is kept as consecutive pieces with its tags, its printed number and all its text.

use ofsearch_indexer::authority::AuthorityTable;
use ofsearch_indexer::bound::MAX_PARAGRAPH_BYTES;
use ofsearch_indexer::parse;

#[test]
fn an_overlong_paragraph_is_indexed_as_bounded_pieces_with_its_tags() {
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../corpus/samples/003_7425dc90808b844a.txt"),
    )
    .expect("sample report");
    let sentence = "Managers do not consistently oversee the work with families. ";
    let long = sentence.repeat(1 << 20 >> 6).trim_end().to_string();
    let text = format!("{sample}\n\n{long}\n\nA closing paragraph about zanzibar.\n");
    let parsed = parse(
        &text,
        "long.txt",
        text.as_bytes(),
        AuthorityTable::bundled(),
    );
    let p = &parsed.paragraphs;
    assert!(p.iter().all(|p| p.text.len() <= MAX_PARAGRAPH_BYTES));
    for (i, paragraph) in p.iter().enumerate() {
        assert_eq!(paragraph.ordinal as usize, i + 1);
    }
    let pieces: Vec<_> = p
        .iter()
        .filter(|p| p.text.starts_with("Managers do not"))
        .collect();
    assert!(
        pieces.len() >= long.len() / MAX_PARAGRAPH_BYTES,
        "{}",
        pieces.len()
    );
    let first = pieces[0];
    for piece in &pieces {
        assert_eq!(
            (
                piece.line,
                &piece.kind,
                &piece.area,
                &piece.grade,
                &piece.section
            ),
            (
                first.line,
                &first.kind,
                &first.area,
                &first.grade,
                &first.section
            )
        );
        assert!(
            piece.text.ends_with("families."),
            "{}",
            &piece.text[piece.text.len() - 20..]
        );
    }
    let rejoined: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(rejoined.join(" "), long);
    assert!(p.last().is_some_and(|p| p.text.contains("zanzibar")));
    assert_eq!(parsed.report.paragraphs, p.len());
}
