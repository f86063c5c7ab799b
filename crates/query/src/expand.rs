//! `--expand`: rewrites words and phrases into their period equivalents ("looked after
//! children" became "children in care"; the LSCB became the safeguarding partnership), from the
//! table in `data/equivalents.txt`, so that one search spans the frameworks.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::ast::{Node, Phrase};

/// The bundled table of equivalent wordings: one group per entry.
static GROUPS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    include_str!("../data/equivalents.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split(" | ").map(|m| m.trim().to_string()).collect())
        .collect()
});

/// One rewrite made: what the query said and what was searched for instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expansion {
    /// The word or phrase as in the query.
    pub from: String,
    /// Every wording searched for (including the original).
    pub to: Vec<String>,
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace(['’', '‘'], "'")
}

fn group_of(text: &str) -> Option<&'static Vec<String>> {
    let wanted = normalise(text);
    GROUPS
        .iter()
        .find(|g| g.iter().any(|m| normalise(m) == wanted))
}

/// The query with each word or phrase that has period equivalents replaced by any of them,
/// and the list of rewrites made.
pub fn expand(node: &Node) -> (Node, Vec<Expansion>) {
    let mut made = Vec::new();
    let node = rewrite(node, &mut made);
    (node, made)
}

fn rewrite(node: &Node, made: &mut Vec<Expansion>) -> Node {
    let alternatives = |text: &str, slop: u32, exact: bool, made: &mut Vec<Expansion>| {
        let group = group_of(text)?;
        made.push(Expansion {
            from: text.to_string(),
            to: group.clone(),
        });
        Some(Node::Any(
            group
                .iter()
                .map(|m| {
                    Node::Phrase(Phrase {
                        text: m.clone(),
                        slop,
                        exact,
                    })
                })
                .collect(),
        ))
    };
    match node {
        Node::Phrase(p) => {
            alternatives(&p.text, p.slop, p.exact, made).unwrap_or_else(|| node.clone())
        }
        Node::Word(w) if !w.prefix && w.fuzzy.is_none() => {
            alternatives(&w.text, 0, w.exact, made).unwrap_or_else(|| node.clone())
        }
        Node::All(parts) => Node::All(parts.iter().map(|p| rewrite(p, made)).collect()),
        Node::Any(parts) => Node::Any(parts.iter().map(|p| rewrite(p, made)).collect()),
        Node::Not(inner) => Node::Not(Box::new(rewrite(inner, made))),
        Node::Boost(inner, factor) => Node::Boost(Box::new(rewrite(inner, made)), *factor),
        Node::Word(_) | Node::Filter(_) => node.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Word;

    fn phrase(text: &str) -> Node {
        Node::Phrase(Phrase {
            text: text.into(),
            slop: 0,
            exact: false,
        })
    }

    #[test]
    fn a_phrase_becomes_its_period_equivalents() {
        let (node, made) = expand(&Node::All(vec![
            phrase("Looked after  children"),
            phrase("staying put"),
        ]));
        let Node::All(parts) = &node else {
            panic!("{node:?}")
        };
        assert_eq!(
            parts[0],
            Node::Any(vec![
                phrase("looked after children"),
                phrase("children looked after"),
                phrase("children in care"),
            ])
        );
        assert_eq!(parts[1], phrase("staying put"));
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].from, "Looked after  children");
    }

    #[test]
    fn an_abbreviation_typed_as_a_word_expands_too() {
        let word = Node::Word(Word {
            text: "LSCB".into(),
            prefix: false,
            fuzzy: None,
            exact: false,
            loose: false,
        });
        let (node, made) = expand(&word);
        assert!(matches!(node, Node::Any(ref v) if v.len() == 5), "{node:?}");
        assert_eq!(made[0].to[2], "safeguarding partnership");
    }

    #[test]
    fn every_group_has_two_distinct_members() {
        for group in GROUPS.iter() {
            assert!(group.len() >= 2, "{group:?}");
            let mut seen: Vec<String> = group.iter().map(|m| normalise(m)).collect();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), group.len(), "{group:?}");
        }
    }
}
