//! The tokenizer and the two analyzers of `ofsearch_schema::tokenizer`, on any UTF-8 text.
//!
//! Checks what the module documents:
//! - `tokens` (the fast path, `OfsTokenizer`) gives exactly the tokens of `reference_tokens`
//!   (UAX #29 over the whole text);
//! - every token is non-empty, its offsets are a byte range of the text on character
//!   boundaries, after the previous token's;
//! - `exact_analyzer()` gives those tokens, minus those of `MAX_TOKEN_LEN` bytes or more, with
//!   their positions (0, 1, 2... over all tokens, the long ones counted);
//! - `stemmed_analyzer()` (with its stem cache) gives the same stems as tantivy's own English
//!   `Stemmer` after the same tokenizer and filter, at the same offsets and positions, on a
//!   first run and on a second one answered from its cache.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ofsearch_schema::tokenizer::{
    exact_analyzer, reference_tokens, stemmed_analyzer, tokens, OfsTokenizer, MAX_TOKEN_LEN,
};
use tantivy::tokenizer::{RemoveLongFilter, Stemmer, TextAnalyzer, TokenStream};

/// (text, position, offset_from, offset_to) of every token through `analyzer`.
fn analysed(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let fast = tokens(text);
    assert_eq!(
        fast,
        reference_tokens(text),
        "fast path differs from UAX #29"
    );
    let mut previous_end = 0;
    for (from, to, token) in &fast {
        assert!(!token.is_empty(), "empty token at {from}..{to}");
        assert!(
            previous_end <= *from && from < to && *to <= text.len(),
            "{from}..{to}"
        );
        assert!(text.is_char_boundary(*from) && text.is_char_boundary(*to));
        previous_end = *to;
    }

    let expected: Vec<(String, usize, usize, usize)> = fast
        .iter()
        .enumerate()
        .filter(|(_, (_, _, token))| token.len() < MAX_TOKEN_LEN)
        .map(|(position, (from, to, token))| (token.clone(), position, *from, *to))
        .collect();
    assert_eq!(
        analysed(&mut exact_analyzer(), text),
        expected,
        "exact analyzer"
    );

    let mut uncached = TextAnalyzer::builder(OfsTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(Stemmer::default())
        .build();
    let stems = analysed(&mut uncached, text);
    let mut cached = stemmed_analyzer();
    assert_eq!(
        analysed(&mut cached, text),
        stems,
        "stemmed analyzer, first run"
    );
    assert_eq!(
        analysed(&mut cached, text),
        stems,
        "stemmed analyzer, from its cache"
    );
    for (stem, (_, position, from, to)) in stems.iter().zip(&expected) {
        assert_eq!(
            (stem.1, stem.2, stem.3),
            (*position, *from, *to),
            "stem offsets"
        );
    }
    assert_eq!(stems.len(), expected.len());
});
