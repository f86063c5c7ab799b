//! Relevance evaluation against the judged set in `relevance/` (its `RULES.md`): the queries,
//! the graded judgements (anchored by a word sequence, not by paragraph ordinal), and the
//! measures: nDCG@10, P@10 and recall@100 per query and as means.
//!
//! A ranking is a list of (source file name, paragraph text); a paragraph is the judged one
//! when it comes from the same file and its text, whitespace collapsed, holds the anchor.
//! Paragraphs no judgement names count as not relevant.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ofsearch_query::{SearchRequest, Searcher};
use serde::{Deserialize, Serialize};

/// The depth of nDCG and precision.
pub const TOP: usize = 10;
/// The depth of recall.
pub const RECALL_DEPTH: usize = 100;

/// One query of the set.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Query {
    /// Unique id.
    pub id: String,
    /// As a researcher would type it (the query language).
    pub query: String,
    /// What the researcher wants to read.
    pub need: String,
}

/// One judgement.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Judgement {
    /// The query's id.
    pub query: String,
    /// The report's file name.
    pub file: String,
    /// Words unique to the paragraph within its report.
    pub anchor: String,
    /// 0 not relevant, 1 a meaningful mention, 2 a finding about the need.
    pub grade: u8,
}

/// The judged set.
#[derive(Debug, Clone)]
pub struct Set {
    /// The queries, in the file's order.
    pub queries: Vec<Query>,
    /// Judgements by query id.
    pub judgements: HashMap<String, Vec<Judgement>>,
}

#[derive(Deserialize)]
struct QueryFile {
    queries: Vec<Query>,
}

/// The folder of the judged set in this repository.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../relevance")
}

/// Whitespace collapsed to single spaces.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Set {
    /// Reads `queries.json` and `judgements.jsonl` in `dir`.
    pub fn load(dir: &Path) -> anyhow::Result<Set> {
        let path = dir.join("queries.json");
        let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        let queries = serde_json::from_str::<QueryFile>(&text)
            .with_context(|| path.display().to_string())?
            .queries;
        let path = dir.join("judgements.jsonl");
        let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        let mut judgements: HashMap<String, Vec<Judgement>> = HashMap::new();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let j: Judgement = serde_json::from_str(line)
                .with_context(|| format!("{}:{}", path.display(), n + 1))?;
            judgements.entry(j.query.clone()).or_default().push(j);
        }
        Ok(Set {
            queries,
            judgements,
        })
    }

    /// The grade of a paragraph for a query (0 if not judged).
    pub fn grade(&self, query: &str, file: &str, text: &str) -> u8 {
        self.judged(query, file, text).unwrap_or(0)
    }

    /// The grade of a paragraph for a query, if judged.
    pub fn judged(&self, query: &str, file: &str, text: &str) -> Option<u8> {
        let text = collapse(text);
        self.judgements
            .get(query)
            .into_iter()
            .flatten()
            .filter(|j| j.file == file && text.contains(&j.anchor))
            .map(|j| j.grade)
            .max()
    }

    /// Keeps only the judgements of paragraphs in `files` (file names): for an index of part of
    /// the corpus.
    pub fn restrict(&mut self, files: &std::collections::HashSet<String>) {
        for judged in self.judgements.values_mut() {
            judged.retain(|j| files.contains(&j.file));
        }
    }

    /// Every grade judged for a query, best first (the ideal ranking).
    pub fn ideal(&self, query: &str) -> Vec<u8> {
        let mut grades: Vec<u8> = self
            .judgements
            .get(query)
            .into_iter()
            .flatten()
            .map(|j| j.grade)
            .collect();
        grades.sort_unstable_by(|a, b| b.cmp(a));
        grades
    }

    /// The measures of a ranking (file names and texts, best first) for a query.
    pub fn measure(&self, query: &str, ranked: &[(String, String)]) -> Measures {
        let judged: Vec<Option<u8>> = ranked
            .iter()
            .take(RECALL_DEPTH)
            .map(|(file, text)| self.judged(query, file, text))
            .collect();
        let grades: Vec<u8> = judged.iter().map(|g| g.unwrap_or(0)).collect();
        let mut measures = Measures::of(&grades, &self.ideal(query));
        measures.unjudged = judged.iter().take(TOP).filter(|g| g.is_none()).count();
        measures
    }
}

/// The measures of one ranking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Measures {
    /// nDCG@10 with the grades as gains and a log2 discount, against the ideal order of every
    /// judged paragraph.
    pub ndcg: f64,
    /// The share of the first 10 that is relevant (graded 1 or 2).
    pub precision: f64,
    /// The share of the relevant paragraphs (graded 1 or 2) found in the first 100.
    pub recall: f64,
    /// Paragraphs of the first 10 that no judgement names (counted as not relevant: a figure
    /// to watch, since a ranker that finds unjudged paragraphs is under-rated until they are
    /// judged).
    pub unjudged: usize,
}

fn dcg(grades: &[u8]) -> f64 {
    grades
        .iter()
        .take(TOP)
        .enumerate()
        .map(|(i, &g)| f64::from(g) / ((i + 2) as f64).log2())
        .sum()
}

impl Measures {
    /// From the grades of a ranking and every grade judged for the query, best first.
    pub fn of(grades: &[u8], ideal: &[u8]) -> Measures {
        let best = dcg(ideal);
        let relevant = ideal.iter().filter(|&&g| g > 0).count();
        let found = grades.iter().take(RECALL_DEPTH).filter(|&&g| g > 0).count();
        Measures {
            ndcg: if best > 0.0 { dcg(grades) / best } else { 0.0 },
            precision: grades.iter().take(TOP).filter(|&&g| g > 0).count() as f64 / TOP as f64,
            recall: if relevant > 0 {
                found.min(relevant) as f64 / relevant as f64
            } else {
                0.0
            },
            unjudged: 0,
        }
    }

    /// The means of several.
    pub fn mean(all: &[Measures]) -> Measures {
        let n = all.len().max(1) as f64;
        Measures {
            ndcg: all.iter().map(|m| m.ndcg).sum::<f64>() / n,
            precision: all.iter().map(|m| m.precision).sum::<f64>() / n,
            recall: all.iter().map(|m| m.recall).sum::<f64>() / n,
            unjudged: all.iter().map(|m| m.unjudged).sum(),
        }
    }
}

/// An ofsearch ranker: a name and how it changes the request made of each query as typed.
pub struct Variant {
    /// Its name in the tables.
    pub name: &'static str,
    /// What it changes.
    pub about: &'static str,
    /// The change.
    pub apply: fn(&mut SearchRequest),
}

/// ofsearch as typed, and with one signal off at a time (to show each signal's effect).
pub const VARIANTS: [Variant; 5] = [
    Variant {
        name: "ofsearch",
        about: "as typed: every word first, then some; proximity; kind and length priors",
        apply: |_| {},
    },
    Variant {
        name: "-partial",
        about: "only paragraphs with every word (--all-words)",
        apply: |r| r.all_words = true,
    },
    Variant {
        name: "-proximity",
        about: "no proximity (--boost-proximity 0)",
        apply: |r| r.boosts.proximity = 0.0,
    },
    Variant {
        name: "-priors",
        about: "no kind or length prior (--no-priors)",
        apply: |r| r.boosts.priors = false,
    },
    Variant {
        name: "bm25-every-word",
        about: "every word only, BM25 and nothing else (the ranking before these signals, \
                without its judgement constant)",
        apply: |r| {
            r.all_words = true;
            r.boosts.proximity = 0.0;
            r.boosts.priors = false;
            r.boosts.section = 0.0;
        },
    },
];

/// The ranking ofsearch gives a query: the first [`RECALL_DEPTH`] hits' file names and texts.
pub fn ofsearch_ranking(
    searcher: &Searcher,
    query: &str,
    variant: &Variant,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut request = SearchRequest {
        query: query.to_string(),
        limit: RECALL_DEPTH,
        ..SearchRequest::default()
    };
    (variant.apply)(&mut request);
    let response = searcher
        .search_request(&request)
        .with_context(|| format!("query {query:?}"))?;
    Ok(response
        .hits
        .into_iter()
        .map(|hit| {
            let file = Path::new(&hit.source.path)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            (file, hit.text)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_less_otherwise() {
        let ideal = [2, 2, 1, 1, 0];
        assert!((Measures::of(&ideal, &ideal).ndcg - 1.0).abs() < 1e-12);
        let reversed = [0, 1, 1, 2, 2];
        let m = Measures::of(&reversed, &ideal);
        assert!(m.ndcg < 0.7 && m.ndcg > 0.3, "{m:?}");
        assert!((m.precision - 0.4).abs() < 1e-12);
        assert!((m.recall - 1.0).abs() < 1e-12);
        assert_eq!(Measures::of(&[], &ideal), Measures::default());
    }

    #[test]
    fn the_set_loads_and_grades_by_anchor() {
        let set = Set::load(&default_dir()).expect("the judged set");
        assert!(set.queries.len() >= 40);
        for q in &set.queries {
            let judged = set.judgements.get(&q.id).map_or(0, Vec::len);
            assert!(judged >= 10, "{}: {judged} judgements", q.id);
        }
        let j = &set.judgements[&set.queries[0].id][0];
        let text = format!("Before it.  {}   and after.", j.anchor.replace(' ', "\n "));
        assert_eq!(set.grade(&j.query, &j.file, &text), j.grade);
        assert_eq!(set.grade(&j.query, "another-file.txt", &text), 0);
    }
}
