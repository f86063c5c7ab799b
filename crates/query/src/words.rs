//! The words of a text as the index sees them: each word's position and byte range, its
//! unstemmed form (the `ofs_exact` analyzer) and its stem (`ofs_stem`), aligned by offset.
//! Snippets and the analyses both read text through here, so that they mark and count exactly
//! the words a search matches.

use ofsearch_schema::tokenizer::{exact_analyzer, stemmed_analyzer, StemCache};
use tantivy::tokenizer::{TextAnalyzer, Token};

/// A word of a text: its position (as the index counts them), byte range and both forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordForm {
    /// Position, as the index counts positions.
    pub position: usize,
    /// First byte of the word in the text.
    pub from: usize,
    /// Byte after the word.
    pub to: usize,
    /// The unstemmed form (`leavers`, `children` for "Children’s").
    pub exact: String,
    /// The stem (`leaver`).
    pub stem: String,
}

/// The index's two analyzers, built once and reused for many texts.
pub struct Analysers {
    exact: TextAnalyzer,
    stemmed: TextAnalyzer,
    /// The stemmed analyzer's stemming, for words the exact one found.
    stems: StemCache,
}

impl Default for Analysers {
    fn default() -> Self {
        Analysers {
            exact: exact_analyzer(),
            stemmed: stemmed_analyzer(),
            stems: StemCache::default(),
        }
    }
}

fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |token: &Token| out.push(token.clone()));
    out
}

impl Analysers {
    /// Runs `work` with this thread's analysers, built once per thread: the stemmer's cache of
    /// the stems already seen then serves every text the thread reads after (a fresh
    /// analyser stems every word of a paragraph anew). A nested call gets fresh ones.
    pub fn with<T>(work: impl FnOnce(&mut Analysers) -> T) -> T {
        thread_local! {
            static ANALYSERS: std::cell::RefCell<Analysers> = std::cell::RefCell::new(Analysers::default());
        }
        ANALYSERS.with(|analysers| match analysers.try_borrow_mut() {
            Ok(mut analysers) => work(&mut analysers),
            Err(_) => work(&mut Analysers::default()),
        })
    }

    /// The tokens of `text` under the unstemmed analyzer.
    pub fn exact(&mut self, text: &str) -> Vec<Token> {
        analyse(&mut self.exact, text)
    }

    /// The tokens of `text` under the stemmed analyzer.
    pub fn stemmed(&mut self, text: &str) -> Vec<Token> {
        analyse(&mut self.stemmed, text)
    }

    /// The unstemmed words of `text`.
    pub fn words(&mut self, text: &str) -> Vec<String> {
        self.exact(text).into_iter().map(|t| t.text).collect()
    }

    /// The words of `text` with both their forms: the text is tokenized once, by the exact
    /// analyzer, and each word stemmed as the stemmed analyzer stems it (the two analyzers
    /// differ only by that last step, so they see the same words at the same offsets).
    pub fn forms(&mut self, text: &str) -> Vec<WordForm> {
        let exact = self.exact(text);
        let mut out = Vec::with_capacity(exact.len());
        for token in exact {
            let mut stem = String::new();
            self.stems.stem_into(&token.text, &mut stem);
            out.push(WordForm {
                position: token.position,
                from: token.offset_from,
                to: token.offset_to,
                exact: token.text,
                stem,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_align_the_stem_with_the_word_as_written() {
        let forms = Analysers::default().forms("Care leavers’ views, children’s plans");
        let got: Vec<(&str, &str, usize)> = forms
            .iter()
            .map(|f| (f.exact.as_str(), f.stem.as_str(), f.position))
            .collect();
        assert_eq!(
            got,
            vec![
                ("care", "care", 0),
                ("leavers", "leaver", 1),
                ("views", "view", 2),
                ("children", "children", 3),
                ("plans", "plan", 4),
            ]
        );
        assert_eq!(
            &"Care leavers’ views"[forms[1].from..forms[1].to],
            "leavers"
        );
    }

    #[test]
    fn forms_stem_as_the_stemmed_analyzer_does() {
        let text = "Children’s social workers' caseloads were reviewed; leaving care, \
                    staying put, CAMHS and 16- and 17-year-olds’ housing";
        let mut analysers = Analysers::default();
        let stemmed: Vec<(usize, String)> = analysers
            .stemmed(text)
            .into_iter()
            .map(|t| (t.offset_from, t.text))
            .collect();
        let forms: Vec<(usize, String)> = analysers
            .forms(text)
            .into_iter()
            .map(|f| (f.from, f.stem))
            .collect();
        assert_eq!(forms, stemmed);
    }
}
