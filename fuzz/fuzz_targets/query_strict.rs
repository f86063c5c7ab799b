//! The strict query parser, `ofsearch_query::syntax::parse`, on any UTF-8 text (other inputs
//! are skipped: a query is a `&str`).
//!
//! Checks: it returns `Ok` or `Err` and never panics (nor overflows, with `-a`), and an error's
//! column is what `SyntaxError::column` documents: 1-based, in characters, at most the query's
//! length + 1; a query over `MAX_QUERY_CHARS` characters is refused at `MAX_QUERY_CHARS + 1`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ofsearch_query::syntax::{parse, MAX_QUERY_CHARS};

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let chars = query.chars().count();
    match parse(query) {
        Ok(_) => assert!(chars <= MAX_QUERY_CHARS, "{chars} characters accepted"),
        Err(e) => {
            assert!(
                (1..=chars + 1).contains(&e.column),
                "column {} of a {chars}-character query: {e}",
                e.column
            );
            if chars > MAX_QUERY_CHARS {
                assert_eq!(e.column, MAX_QUERY_CHARS + 1, "{e}");
            }
            assert!(!e.message.is_empty());
        }
    }
});
