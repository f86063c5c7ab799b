//! Property tests of the tokenizer: its fast path must give exactly the tokens of the reference
//! (UAX #29 on the whole text) on adversarial strings and on the whole bundled corpus.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use ofsearch_schema::tokenizer::{
    exact_analyzer, reference_tokens, stemmed_analyzer, tokens, MAX_TOKEN_LEN,
};
use proptest::prelude::*;
use tantivy::tokenizer::TextAnalyzer;

/// Characters for the adversarial strings: ASCII letters and digits, every ASCII character with
/// a UAX #29 role (Mid*, ExtendNumLet, quotes, whitespace and newlines), and non-ASCII ones in
/// every category that matters: curly quotes (MidNumLet), accented letters, combining marks
/// (Extend, one of them alphanumeric), non-breaking and ideographic spaces (Any, WSegSpace),
/// soft hyphen (Format), ZWJ, emoji, regional indicators, CJK, Katakana, Hebrew, fullwidth
/// punctuation, characters whose lower case differs in length or depends on context.
const HARD: &[char] = &[
    ':',
    '.',
    '\'',
    ',',
    ';',
    '_',
    '"',
    '-',
    '*',
    '%',
    '/',
    '(',
    ')',
    ' ',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{c}',
    '\u{2018}',
    '\u{2019}',
    '\u{201c}',
    '\u{201d}',
    '\u{2013}',
    '\u{2024}',
    'é',
    'É',
    'ï',
    '\u{301}',
    '\u{345}',
    '\u{a0}',
    '\u{3000}',
    '\u{2003}',
    '\u{ad}',
    '\u{200d}',
    '\u{200b}',
    '中',
    '文',
    'カ',
    'ー',
    'א',
    'ב',
    '😀',
    '👍',
    '\u{1f3fd}',
    '🇬',
    '🇧',
    '\u{ff0c}',
    '\u{ff0e}',
    'Σ',
    'ß',
    'İ',
    '١',
    '\u{85}',
    '\u{2028}',
    '\u{f06e}',
    '\u{f0b7}',
    '©',
    '—',
    '•',
    '…',
    '£',
    '−',
    '◼',
    '\u{2027}',
    '\u{b7}',
];

fn hard_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'e'),
        2 => prop::char::range('A', 'C'),
        1 => Just('s'),
        3 => prop::char::range('0', '3'),
        6 => prop::sample::select(HARD),
    ]
}

fn hard_string() -> impl Strategy<Value = String> {
    prop::collection::vec(hard_char(), 0..48).prop_map(|chars| chars.into_iter().collect())
}

/// Strings over a small alphabet of the characters that decide whether a split next to ASCII
/// whitespace is safe: spaces of both kinds (WSegSpace), marks (Extend, one alphanumeric),
/// format characters and ZWJ, with letters, digits and Mid characters around them.
fn boundary_string() -> impl Strategy<Value = String> {
    const BOUNDARY: &[char] = &[
        'a', 'B', '1', ' ', ' ', '\t', '\n', '\r', '\u{c}', '\u{3000}', '\u{2003}', '\u{1680}',
        '\u{345}', '\u{301}', '\u{200d}', '\u{ad}', '\u{a0}', '.', '\'', '\u{2019}', 'é', '😀',
        '\u{2013}', '\u{f06e}',
    ];
    prop::collection::vec(prop::sample::select(BOUNDARY), 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

fn ascii_string() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::char::range('\0', '\u{7f}'), 0..48)
        .prop_map(|chars| chars.into_iter().collect())
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// Every `.txt` file of `corpus/samples` and `corpus/reports`, read lossily.
static CORPUS: LazyLock<Vec<(PathBuf, String)>> = LazyLock::new(|| {
    let mut files = Vec::new();
    for dir in ["samples", "reports"] {
        let dir = corpus_dir().join(dir);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
                files.push((path, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    files.sort();
    files
});

/// The largest char boundary of `text` not above `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A slice of a corpus file, starting anywhere (mid-word included), up to 600 bytes.
fn corpus_slice() -> impl Strategy<Value = String> {
    (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        0..600usize,
    )
        .prop_map(|(file, start, len)| {
            let text = &CORPUS[file.index(CORPUS.len())].1;
            let from = floor_boundary(text, start.index(text.len().max(1)));
            let to = floor_boundary(text, from + len);
            text[from..to].to_string()
        })
}

/// A corpus slice with a few hard characters inserted at random places.
fn mutated_corpus_slice() -> impl Strategy<Value = String> {
    (
        corpus_slice(),
        prop::collection::vec((any::<prop::sample::Index>(), hard_char()), 1..6),
    )
        .prop_map(|(mut text, inserts)| {
            for (at, c) in inserts {
                let at = floor_boundary(&text, at.index(text.len() + 1));
                text.insert(at, c);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn fast_path_matches_reference_on_hard_strings(text in hard_string()) {
        prop_assert_eq!(tokens(&text), reference_tokens(&text), "text {:?}", text);
    }

    #[test]
    fn fast_path_matches_reference_around_whitespace(text in boundary_string()) {
        prop_assert_eq!(tokens(&text), reference_tokens(&text), "text {:?}", text);
    }

    #[test]
    fn fast_path_matches_reference_on_ascii(text in ascii_string()) {
        prop_assert_eq!(tokens(&text), reference_tokens(&text), "text {:?}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn fast_path_matches_reference_on_corpus_slices(text in corpus_slice()) {
        prop_assert_eq!(tokens(&text), reference_tokens(&text), "text {:?}", text);
    }

    #[test]
    fn fast_path_matches_reference_on_mutated_corpus_slices(text in mutated_corpus_slice()) {
        prop_assert_eq!(tokens(&text), reference_tokens(&text), "text {:?}", text);
    }
}

#[test]
fn fast_path_matches_reference_on_every_corpus_file() {
    assert!(CORPUS.len() > 400, "corpus not found in {:?}", corpus_dir());
    for (path, text) in CORPUS.iter() {
        let fast = tokens(text);
        let reference = reference_tokens(text);
        if fast != reference {
            let first = fast
                .iter()
                .zip(&reference)
                .position(|(a, b)| a != b)
                .unwrap_or(fast.len().min(reference.len()));
            panic!(
                "{path:?}: {} tokens vs {} in the reference; first difference at token {first}: \
                 {:?} vs {:?}",
                fast.len(),
                reference.len(),
                fast.get(first),
                reference.get(first)
            );
        }
    }
}

fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

#[test]
fn stemmed_analyzer_folds_plural_possessive_and_singular() {
    let mut stemmed = stemmed_analyzer();
    let plural_possessive = terms(&mut stemmed, "care leavers'");
    assert_eq!(plural_possessive, terms(&mut stemmed, "care leaver"));
    assert_eq!(plural_possessive, terms(&mut stemmed, "Care Leaver’s"));
    assert_eq!(plural_possessive, terms(&mut stemmed, "CARE LEAVERS"));
    assert_eq!(plural_possessive.len(), 2);
}

#[test]
fn exact_analyzer_lowercases_folds_possessives_and_does_not_stem() {
    let mut exact = exact_analyzer();
    assert_eq!(
        terms(&mut exact, "Children’s services' leavers"),
        ["children", "services", "leavers"]
    );
}

#[test]
fn analyzers_drop_long_tokens() {
    let long = "a".repeat(MAX_TOKEN_LEN);
    let short = "a".repeat(MAX_TOKEN_LEN - 1);
    let text = format!("{long} {short}");
    assert_eq!(terms(&mut exact_analyzer(), &text), vec![short]);
    assert_eq!(terms(&mut stemmed_analyzer(), &text).len(), 1);
}

#[test]
fn registered_analyzers_are_found_by_name() {
    let manager = tantivy::tokenizer::TokenizerManager::default();
    ofsearch_schema::tokenizer::register(&manager);
    for name in [
        ofsearch_schema::tokenizer::STEMMED,
        ofsearch_schema::tokenizer::EXACT,
    ] {
        let mut analyzer = manager.get(name).expect("registered");
        assert_eq!(terms(&mut analyzer, "The Children’s"), ["the", "children"]);
    }
}
