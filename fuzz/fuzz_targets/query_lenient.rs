//! The lenient query parser, `ofsearch_query::syntax::parse_lenient`, on any UTF-8 text.
//!
//! Checks what its documentation promises:
//! - it never fails or panics;
//! - only the first `MAX_QUERY_CHARS` characters are read: the answer for the whole text is the
//!   answer for those characters;
//! - if those characters parse strictly, the strict tree is the answer;
//! - otherwise the answer is plain words, phrases and filters, all ANDed: a single such clause,
//!   possibly negated, or an `All` of them (no `OR`, no boosts, no nesting); words carry no
//!   `*` or `~`, phrases no slop, filters one value (no range), a `year:` value a number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ofsearch_query::ast::{FilterField, FilterValue, Node};
use ofsearch_query::syntax::{parse, parse_lenient, MAX_QUERY_CHARS};

/// A clause of the plain fallback: a word, phrase or filter, possibly negated.
fn is_plain_clause(node: &Node) -> bool {
    match node {
        Node::Not(inner) => is_plain_leaf(inner),
        other => is_plain_leaf(other),
    }
}

fn is_plain_leaf(node: &Node) -> bool {
    match node {
        Node::Word(w) => !w.prefix && w.fuzzy.is_none() && !w.text.is_empty(),
        Node::Phrase(p) => p.slop == 0 && p.text.chars().any(char::is_alphanumeric),
        Node::Filter(f) => match &f.value {
            FilterValue::One(v) => {
                f.field != FilterField::Year || v.chars().all(|c| c.is_ascii_digit())
            }
            FilterValue::Range { .. } => false,
        },
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let lenient = parse_lenient(query);
    let head: String = query.chars().take(MAX_QUERY_CHARS).collect();
    if head.len() < query.len() {
        assert_eq!(parse_lenient(&head), lenient, "past the first characters");
    }
    match parse(&head) {
        Ok(strict) => assert_eq!(lenient, strict, "a strict parse must be the answer"),
        Err(_) => match &lenient {
            Node::All(parts) => assert!(
                parts.iter().all(is_plain_clause),
                "fallback not plain: {lenient:?}"
            ),
            other => assert!(is_plain_clause(other), "fallback not plain: {lenient:?}"),
        },
    }
});
