//! Plain words: how a query typed as words, with no operators, is matched.
//!
//! The parser marks the words of such a query `loose` ([`crate::ast::Word::loose`]): bare words
//! at the top of a query without a written `AND` or `OR`, without a sign, modifier or field.
//! Everything else (phrases, `+word`, `-word`, `NOT`, brackets, filters, prefixes, fuzzy words,
//! `exact:`) is required exactly as written.
//!
//! - **Stop words** among the loose words (`and`, `in`, `of`, `the`, ... [`STOP_WORDS`]) are
//!   not searched for, unless the query holds nothing else: `drift and delay in achieving
//!   permanence` looks for `drift`, `delay`, `achieving` and `permanence`.
//! - **Every word first**: the query's matches are the paragraphs with every (content) word and
//!   every required part. Totals, facets, trends and exports count exactly these.
//! - **Then some of the words**: with two or more content words, paragraphs with at least half
//!   of them (rounded up) and every required part rank after those with every word, best first
//!   by the same score; BM25 makes a rare word count for more than a common one. They are
//!   counted apart ("12 paragraphs contain every word; 1,930 more contain some").
//! - **Words typed together**: each pair of adjacent content words is also scored as a phrase
//!   (with room for the stop words typed between them), so paragraphs where they stand together
//!   rank first (`crate::rank`).

use serde::{Deserialize, Serialize};

use crate::ast::{Node, Word};

/// Words not searched for when typed loose among other words: Lucene's English stop words.
pub const STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// Whether `word` is a stop word (case-insensitive).
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.iter().any(|s| s.eq_ignore_ascii_case(word))
}

/// A query read as plain words: its loose content words, the stop words left out, and the
/// parts it requires.
#[derive(Debug, Clone, PartialEq)]
pub struct Plain {
    /// Every part that is not a loose word: required as written.
    pub required: Vec<Node>,
    /// The loose words searched for, in the order typed.
    pub words: Vec<Word>,
    /// The loose stop words left out, as typed.
    pub dropped: Vec<String>,
    /// Adjacent content words: their indexes in `words` and the stop words typed between them.
    pub pairs: Vec<(usize, usize, u32)>,
}

/// What a response says about how plain words were read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlainReading {
    /// The words searched for (every one in the counted matches).
    pub words: Vec<String>,
    /// Stop words typed among them and not searched for.
    pub dropped: Vec<String>,
    /// How many of `words` a paragraph needs to be ranked after those with every word (0: no
    /// partial matches, fewer than two words).
    pub at_least: usize,
    /// How many other parts (phrases, filters, signed or bracketed parts) every match, partial
    /// or not, satisfies as written.
    #[serde(default)]
    pub required: usize,
}

impl Plain {
    /// Reads `node` as plain words; `None` when it has no loose word.
    pub fn read(node: &Node) -> Option<Plain> {
        let parts: &[Node] = match node {
            Node::Word(w) if w.loose => std::slice::from_ref(node),
            Node::All(parts) => parts,
            _ => return None,
        };
        if !parts.iter().any(|p| matches!(p, Node::Word(w) if w.loose)) {
            return None;
        }
        let is_loose_content =
            |p: &Node| matches!(p, Node::Word(w) if w.loose && !is_stop_word(&w.text));
        // Stop words are dropped only when something else is left to search for.
        let drop_stops = parts
            .iter()
            .any(|p| is_loose_content(p) || !matches!(p, Node::Word(w) if w.loose));
        let mut plain = Plain {
            required: Vec::new(),
            words: Vec::new(),
            dropped: Vec::new(),
            pairs: Vec::new(),
        };
        // Stop words since the last content word, or None after a required part.
        let mut gap: Option<u32> = None;
        for part in parts {
            match part {
                Node::Word(w) if w.loose && drop_stops && is_stop_word(&w.text) => {
                    plain.dropped.push(w.text.clone());
                    gap = gap.map(|g| g + 1);
                }
                Node::Word(w) if w.loose => {
                    if let Some(between) = gap {
                        let i = plain.words.len();
                        plain.pairs.push((i - 1, i, between));
                    }
                    plain.words.push(w.clone());
                    gap = Some(0);
                }
                other => {
                    plain.required.push(other.clone());
                    gap = None;
                }
            }
        }
        Some(plain)
    }

    /// The query's counted matches: every required part and every word.
    pub fn every_word(&self) -> Node {
        let mut parts = self.required.clone();
        parts.extend(self.words.iter().cloned().map(Node::Word));
        match parts.len() {
            1 => parts.remove(0),
            _ => Node::All(parts),
        }
    }

    /// How many words a partial match needs: half of them, rounded up; 0 when there is no
    /// partial match (fewer than two words).
    pub fn at_least(&self) -> usize {
        if self.words.len() < 2 {
            0
        } else {
            self.words.len().div_ceil(2)
        }
    }

    /// What a response says about this reading.
    pub fn reading(&self) -> PlainReading {
        PlainReading {
            words: self.words.iter().map(|w| w.text.clone()).collect(),
            dropped: self.dropped.clone(),
            at_least: self.at_least(),
            required: self.required.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn read(query: &str) -> Option<Plain> {
        Plain::read(&parse(query).expect(query))
    }

    fn words(plain: &Plain) -> Vec<&str> {
        plain.words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn stop_words_are_dropped_and_pairs_span_them() {
        let plain = read("drift and delay in achieving permanence").expect("plain");
        assert_eq!(words(&plain), ["drift", "delay", "achieving", "permanence"]);
        assert_eq!(plain.dropped, ["and", "in"]);
        assert_eq!(plain.pairs, [(0, 1, 1), (1, 2, 1), (2, 3, 0)]);
        assert_eq!(plain.at_least(), 2);
        assert!(plain.required.is_empty());
    }

    #[test]
    fn required_parts_stay_and_break_pairs() {
        let plain = read("\"care leavers\" staying put -fostering").expect("plain");
        assert_eq!(words(&plain), ["staying", "put"]);
        assert_eq!(plain.required.len(), 2);
        assert_eq!(plain.pairs, [(0, 1, 0)]);
        let plain = read("staying \"care leavers\" put").expect("plain");
        assert!(plain.pairs.is_empty(), "{:?}", plain.pairs);
        assert_eq!(plain.at_least(), 1);
    }

    #[test]
    fn a_query_of_stop_words_keeps_them() {
        let plain = read("in the").expect("plain");
        assert_eq!(words(&plain), ["in", "the"]);
        assert!(plain.dropped.is_empty());
        // Beside a required part, a stop word is dropped.
        let plain = read("\"care leavers\" the").expect("plain");
        assert!(plain.words.is_empty());
        assert_eq!(plain.dropped, ["the"]);
        assert_eq!(
            plain.every_word(),
            parse("\"care leavers\"").expect("parses")
        );
    }

    #[test]
    fn boolean_queries_are_not_plain() {
        assert!(read("drift AND delay").is_none());
        assert!(read("drift OR delay").is_none());
        assert!(read("+drift +delay").is_none());
        assert!(read("grade:good").is_none());
        let one = read("neglect").expect("plain");
        assert_eq!(one.at_least(), 0);
        assert_eq!(one.every_word(), parse("neglect").expect("parses"));
    }
}
