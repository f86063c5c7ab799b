//! Highlighted snippets of a hit's paragraph: the words the query matched, marked in short
//! windows of the text ("fragments"), rendered as HTML, ANSI or plain text.
//!
//! # Matching
//!
//! The paragraph is analysed as the index analysed it ([`stemmed_analyzer`] and
//! [`exact_analyzer`] of `ofsearch-schema`), so a word is marked exactly when the index holds it
//! under one of the query's terms: its stemmed form is one of [`Highlight`]'s stemmed terms
//! ("leavers" for `leaver`), or its unstemmed form one of the exact terms, or either form starts
//! with one of the prefixes (`leav*`). A mark covers the whole word as printed, a folded
//! possessive included ("Children’s" for `children`).
//!
//! Phrases are not checked: each word of a phrase is marked wherever it occurs, in the phrase or
//! not. [`Fragment::highlights`] holds one range per word; the renderers join marks separated by
//! spaces alone, so that a phrase reads as one mark ("<mark>care leavers</mark>"). Fuzzy terms (`neglect~1`) are marked only if the searcher adds the terms they matched.
//!
//! # Fragments
//!
//! Matches are grouped in text order into clusters, each as long as a fragment may be
//! (`max_chars`, in characters); a match that would make its cluster longer starts a new one.
//! When there are more clusters than fragments wanted, the best are kept (most distinct words
//! marked, then most marks, then earliest) and shown **in text order**, which reads better than
//! best first. Each kept cluster is widened to `max_chars` characters, the room shared on both
//! sides, without reaching into the next kept cluster or the previous fragment, then cut back to
//! word boundaries (whitespace): a fragment never starts or ends inside a word, unless the text
//! has no whitespace there. A fragment is never shorter than its cluster, so a single word longer
//! than `max_chars` makes a longer fragment.
//!
//! With no match (a filter-only query), the result is the opening of the text, unmarked. Blank
//! text gives no fragment.
//!
//! All offsets are byte offsets on character boundaries: the text may hold curly quotes, dashes
//! and accented letters, and nothing here slices inside a character.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

use crate::words::Analysers;

/// Characters per fragment used by the searcher: about two lines of a terminal or a results
/// page, enough for a sentence around the match.
pub const DEFAULT_FRAGMENT_CHARS: usize = 220;

/// Fragments per hit used by the searcher: a paragraph of the reports is rarely longer than
/// three fragments, so this shows most of the matches of a long one without showing it whole.
pub const DEFAULT_FRAGMENTS: usize = 3;

/// The most of a paragraph that snippets and KWIC read, in bytes: twice the longest paragraph
/// the indexer writes (`ofsearch_indexer::bound`), so that only an index built before
/// paragraphs were bounded is read short, and no hit costs more than this whatever the index
/// holds.
pub const MAX_SCANNED_BYTES: usize = 64 * 1024;

/// The opening of `text` that snippets and KWIC read: at most [`MAX_SCANNED_BYTES`], cut at a
/// character boundary.
pub fn scanned(text: &str) -> &str {
    if text.len() <= MAX_SCANNED_BYTES {
        return text;
    }
    let mut end = MAX_SCANNED_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The terms a query matched, as the index holds them, for marking in a paragraph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlight {
    stemmed: HashSet<String>,
    exact: HashSet<String>,
    prefixes: Vec<String>,
    /// Fuzzy words (`neglect~1`): the word as the exact analyzer gives it, and the edit
    /// distance, as the search counts it (a transposition is one edit).
    fuzzy: Vec<(String, u8)>,
}

impl Highlight {
    /// A highlight from analysed terms: `stemmed` as [`stemmed_analyzer`] produces them
    /// (`leaver`), `exact` as [`exact_analyzer`] does (`leavers`), and `prefixes` as
    /// [`exact_analyzer`] produces them (`leav` for `leav*`). Empty prefixes are ignored (they
    /// would mark every word).
    pub fn new<S, E, P>(stemmed: S, exact: E, prefixes: P) -> Highlight
    where
        S: IntoIterator,
        S::Item: Into<String>,
        E: IntoIterator,
        E::Item: Into<String>,
        P: IntoIterator,
        P::Item: Into<String>,
    {
        let mut highlight = Highlight {
            stemmed: stemmed.into_iter().map(Into::into).collect(),
            exact: exact.into_iter().map(Into::into).collect(),
            prefixes: Vec::new(),
            fuzzy: Vec::new(),
        };
        for prefix in prefixes {
            highlight.add_prefix_term(prefix.into());
        }
        highlight
    }

    /// Adds the words of `text` as typed in a query (a word or a phrase), analysed here: with
    /// the stemmed analyzer, or with the exact one when `exact`.
    pub fn add_words(&mut self, text: &str, exact: bool) -> &mut Self {
        let (tokens, terms) = if exact {
            (Analysers::with(|a| a.exact(text)), &mut self.exact)
        } else {
            (Analysers::with(|a| a.stemmed(text)), &mut self.stemmed)
        };
        terms.extend(tokens.into_iter().map(|t| t.text));
        self
    }

    /// Adds a prefix as typed in a query (`leav` of `leav*`), analysed here with the exact
    /// analyzer ("Children’s" gives `children`).
    pub fn add_prefix(&mut self, text: &str) -> &mut Self {
        for token in Analysers::with(|a| a.exact(text)) {
            self.add_prefix_term(token.text);
        }
        self
    }

    /// Adds a fuzzy word as typed in a query (`negelct` of `negelct~1`) with its edit distance
    /// (at most 2, as the search takes it), analysed with the exact analyzer.
    pub fn add_fuzzy(&mut self, text: &str, distance: u8) -> &mut Self {
        for token in Analysers::with(|a| a.exact(text)) {
            if !token.text.is_empty() {
                self.fuzzy.push((token.text, distance.min(2)));
            }
        }
        self
    }

    fn add_prefix_term(&mut self, prefix: String) {
        if !prefix.is_empty() && !self.prefixes.contains(&prefix) {
            self.prefixes.push(prefix);
        }
    }

    /// Whether there is nothing to mark.
    pub fn is_empty(&self) -> bool {
        self.stemmed.is_empty()
            && self.exact.is_empty()
            && self.prefixes.is_empty()
            && self.fuzzy.is_empty()
    }

    /// The byte ranges of the words of `text` to mark, in text order (see the module
    /// documentation).
    pub fn matches(&self, text: &str) -> Vec<Range<usize>> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for word in Analysers::with(|a| a.forms(text)) {
            let hit = self.exact.contains(&word.exact)
                || self.stemmed.contains(&word.stem)
                || self.prefixes.iter().any(|p| {
                    word.exact.starts_with(p.as_str()) || word.stem.starts_with(p.as_str())
                })
                || self
                    .fuzzy
                    .iter()
                    .any(|(w, d)| within_edits(&word.exact, w, usize::from(*d)));
            if hit {
                out.push(word.from..word.to);
            }
        }
        out
    }
}

/// Whether `a` becomes `b` in at most `max` edits: insertions, deletions, substitutions and
/// transpositions of neighbours (optimal string alignment, as the fuzzy search counts them).
fn within_edits(a: &str, b: &str, max: usize) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    // Three rows of the distance table: two back (for transpositions), one back, this one.
    let mut two_back = vec![0usize; b.len() + 1];
    let mut one_back: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (one_back[j] + 1)
                .min(row[j - 1] + 1)
                .min(one_back[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two_back[j - 2] + 1);
            }
            row[j] = d;
        }
        if row.iter().all(|&d| d > max) {
            return false;
        }
        std::mem::swap(&mut two_back, &mut one_back);
        std::mem::swap(&mut one_back, &mut row);
    }
    one_back[b.len()] <= max
}

/// A window of a paragraph with the matches in it marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fragment {
    /// The window's text, as in the paragraph (no ellipses added).
    pub text: String,
    /// Byte ranges of the marked words within `text`, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
    /// Byte range of the window within the paragraph.
    pub range: Range<usize>,
    /// Whether text (other than whitespace) was left out before this fragment: since the
    /// previous fragment, or since the start of the paragraph.
    pub cut_before: bool,
    /// Whether text (other than whitespace) was left out after this fragment: up to the next
    /// fragment, or to the end of the paragraph.
    pub cut_after: bool,
}

/// The fragments of `text` to show for `highlight`: at most `max_fragments` windows of about
/// `max_chars_per_fragment` characters (at least 1) around the matches, in text order (see the
/// module documentation); the opening of the text when nothing matches; nothing for blank text
/// or `max_fragments == 0`. Only the text's first [`MAX_SCANNED_BYTES`] are read.
pub fn fragments(
    text: &str,
    highlight: &Highlight,
    max_chars_per_fragment: usize,
    max_fragments: usize,
) -> Vec<Fragment> {
    let whole = text.len();
    let text = scanned(text);
    if max_fragments == 0 || text.trim().is_empty() {
        return Vec::new();
    }
    let mut found = fragments_of(text, highlight, max_chars_per_fragment, max_fragments);
    if let Some(last) = found.last_mut() {
        last.cut_after |= text.len() < whole;
    }
    found
}

/// [`fragments`] of a text already [`scanned`].
fn fragments_of(
    text: &str,
    highlight: &Highlight,
    max_chars_per_fragment: usize,
    max_fragments: usize,
) -> Vec<Fragment> {
    let max_chars = max_chars_per_fragment.max(1);
    let chars = Chars::new(text);
    let matches: Vec<Range<usize>> = highlight
        .matches(text)
        .into_iter()
        .map(|m| chars.index(m.start)..chars.index(m.end))
        .collect();

    // Clusters as ranges of `matches`; the empty text's start stands in when nothing matches.
    let mut clusters: Vec<Range<usize>> = Vec::new();
    for (i, m) in matches.iter().enumerate() {
        match clusters.last_mut() {
            Some(c) if m.end - matches[c.start].start <= max_chars => c.end = i + 1,
            _ => clusters.push(i..i + 1),
        }
    }
    if clusters.len() > max_fragments {
        let score = |c: &Range<usize>| {
            let distinct: HashSet<String> = matches[c.clone()]
                .iter()
                .map(|m| chars.slice(m.clone()).to_lowercase())
                .collect();
            (distinct.len(), c.len())
        };
        let mut ranked: Vec<(usize, usize, Range<usize>)> = clusters
            .into_iter()
            .map(|c| {
                let (distinct, marks) = score(&c);
                (distinct, marks, c)
            })
            .collect();
        ranked.sort_by(|a, b| (b.0, b.1, a.2.start).cmp(&(a.0, a.1, b.2.start)));
        clusters = ranked
            .into_iter()
            .take(max_fragments)
            .map(|(_, _, c)| c)
            .collect();
        clusters.sort_by_key(|c| c.start);
    }

    // Char spans of the kept clusters (an empty span at the first word when nothing matched).
    let spans: Vec<Range<usize>> = if clusters.is_empty() {
        let first = chars.first_non_space();
        std::iter::once(first..first).collect()
    } else {
        clusters
            .iter()
            .map(|c| matches[c.start].start..matches[c.end - 1].end)
            .collect()
    };

    let mut windows: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for (i, span) in spans.iter().enumerate() {
        let lo = windows.last().map_or(0, |w| w.end);
        let hi = spans.get(i + 1).map_or(chars.len(), |next| next.start);
        windows.push(chars.window(span.clone(), max_chars, lo..hi));
    }

    let mut out = Vec::with_capacity(windows.len());
    for (i, window) in windows.iter().enumerate() {
        let before = windows.get(i.wrapping_sub(1)).map_or(0, |w| w.end)..window.start;
        let after = window.end..windows.get(i + 1).map_or(chars.len(), |w| w.start);
        let highlights = matches
            .iter()
            .filter(|m| m.start < window.end && m.end > window.start)
            .map(|m| {
                let start = chars.byte(m.start.max(window.start)) - chars.byte(window.start);
                let end = chars.byte(m.end.min(window.end)) - chars.byte(window.start);
                start..end
            })
            .collect();
        out.push(Fragment {
            text: chars.slice(window.clone()).to_string(),
            highlights,
            range: chars.byte(window.start)..chars.byte(window.end),
            cut_before: !chars.slice(before).trim().is_empty(),
            cut_after: !chars.slice(after).trim().is_empty(),
        });
    }
    out
}

/// A text with its characters indexed: positions here are character indices.
struct Chars<'a> {
    text: &'a str,
    /// Byte offset of each character, then the text's length.
    starts: Vec<usize>,
    /// Whether each character is whitespace.
    space: Vec<bool>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Chars<'a> {
        let (mut starts, space): (Vec<usize>, Vec<bool>) = text
            .char_indices()
            .map(|(at, c)| (at, c.is_whitespace()))
            .unzip();
        starts.push(text.len());
        Chars {
            text,
            starts,
            space,
        }
    }

    /// Number of characters.
    fn len(&self) -> usize {
        self.space.len()
    }

    /// Character index of the byte offset `byte` (the next character's if inside one).
    fn index(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s < byte)
    }

    /// Byte offset of the character index `at`.
    fn byte(&self, at: usize) -> usize {
        self.starts.get(at).copied().unwrap_or(self.text.len())
    }

    /// The text of a range of character indices.
    fn slice(&self, range: Range<usize>) -> &'a str {
        self.text
            .get(self.byte(range.start)..self.byte(range.end))
            .unwrap_or("")
    }

    fn is_space(&self, at: usize) -> bool {
        self.space.get(at).copied().unwrap_or(true)
    }

    /// Index of the first character that is not whitespace (the length if none).
    fn first_non_space(&self) -> usize {
        (0..self.len())
            .find(|&at| !self.is_space(at))
            .unwrap_or(self.len())
    }

    /// The window of about `max_chars` characters around `span`, within `limits` (which hold
    /// `span`), cut at whitespace.
    fn window(&self, span: Range<usize>, max_chars: usize, limits: Range<usize>) -> Range<usize> {
        let width = span.end - span.start;
        let total = width.max(max_chars);
        let slack = total - width;
        let ideal_start = span.start.saturating_sub(slack / 2);
        let ideal_end = (ideal_start + total).min(self.len());
        let ideal_start = ideal_end.saturating_sub(total);
        let mut start = ideal_start.max(limits.start).min(span.start);
        let mut end = ideal_end.min(limits.end).max(span.end);

        // Start after whitespace: skip the rest of a cut word, then the whitespace.
        if start > 0 {
            while start < span.start && !self.is_space(start - 1) {
                start += 1;
            }
        }
        while start < span.start && self.is_space(start) {
            start += 1;
        }
        // End before whitespace: drop a cut word, then the whitespace.
        let uncut_end = end;
        if end < self.len() {
            while end > span.end && !self.is_space(end) {
                end -= 1;
            }
        }
        while end > span.end && self.is_space(end - 1) {
            end -= 1;
        }
        if end == span.end && width == 0 {
            // No match and no whitespace to cut at: cut inside the word rather than show nothing.
            end = uncut_end;
        }
        start..end
    }
}

/// Renders fragments as HTML: the text escaped, marks as `<mark>…</mark>` (marked words
/// separated by spaces alone in one mark), fragments joined with " … ", and "…" where the
/// paragraph is cut at either end.
pub fn to_html(fragments: &[Fragment]) -> String {
    render(fragments, "<mark>", "</mark>", escape_html)
}

/// Renders fragments for a terminal: marks in bold red (as ripgrep shows matches), control
/// characters of the text replaced by spaces so that the text cannot send escape codes of its
/// own, fragments joined as by [`to_html`].
pub fn to_ansi(fragments: &[Fragment]) -> String {
    render(fragments, "\u{1b}[1;31m", "\u{1b}[0m", escape_terminal)
}

/// Renders fragments as plain text, unmarked, joined as by [`to_html`].
pub fn to_plain(fragments: &[Fragment]) -> String {
    render(fragments, "", "", |text, out| out.push_str(text))
}

/// Renders fragments with marks between `open` and `close`, the text passed through `escape`.
fn render(
    fragments: &[Fragment],
    open: &str,
    close: &str,
    escape: fn(&str, &mut String),
) -> String {
    let mut out = String::new();
    for (i, fragment) in fragments.iter().enumerate() {
        if i == 0 {
            if fragment.cut_before {
                out.push('…');
            }
        } else if fragment.cut_before || fragments[i - 1].cut_after {
            out.push_str(" … ");
        } else {
            out.push(' ');
        }
        let text = fragment.text.as_str();
        let mut at = 0;
        for mark in &coalesce(text, &fragment.highlights) {
            let (Some(before), Some(marked)) = (text.get(at..mark.start), text.get(mark.clone()))
            else {
                continue;
            };
            escape(before, &mut out);
            out.push_str(open);
            escape(marked, &mut out);
            out.push_str(close);
            at = mark.end;
        }
        escape(text.get(at..).unwrap_or(""), &mut out);
        if i + 1 == fragments.len() && fragment.cut_after {
            out.push('…');
        }
    }
    out
}

/// The marks with those separated by spaces alone joined into one ("care leavers" marked as a
/// whole).
fn coalesce(text: &str, marks: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(marks.len());
    for mark in marks {
        match out.last_mut() {
            Some(last)
                if last.end <= mark.start
                    && text
                        .get(last.end..mark.start)
                        .is_some_and(|gap| gap.bytes().all(|b| b == b' ')) =>
            {
                last.end = mark.end;
            }
            _ => out.push(mark.clone()),
        }
    }
    out
}

fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn escape_terminal(text: &str, out: &mut String) {
    out.extend(
        text.chars()
            .map(|c| if c.is_control() && c != '\n' { ' ' } else { c }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_words_mark_what_the_search_matched() {
        let mut h = Highlight::default();
        h.add_fuzzy("Negelct", 1);
        let text = "Neglect is seen; neglected children; negelct typed; nglct too far.";
        let marked: Vec<&str> = h.matches(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(marked, ["Neglect", "negelct"]);
        assert!(within_edits("neglect", "neglet", 1));
        assert!(within_edits("neglect", "nelgect", 1));
        assert!(!within_edits("neglect", "nglct", 1));
        assert!(within_edits("neglect", "nglct", 2));
        assert!(within_edits("", "ab", 2) && !within_edits("", "abc", 2));
    }

    /// Renders the fragments with marks in brackets.
    fn marked(text: &str, highlight: &Highlight, max_chars: usize, max_fragments: usize) -> String {
        render(
            &fragments(text, highlight, max_chars, max_fragments),
            "[",
            "]",
            |t, out| out.push_str(t),
        )
    }

    fn stemmed(words: &str) -> Highlight {
        let mut h = Highlight::default();
        h.add_words(words, false);
        h
    }

    fn check(text: &str, highlight: &Highlight, expected: &str) {
        assert_eq!(
            marked(text, highlight, DEFAULT_FRAGMENT_CHARS, DEFAULT_FRAGMENTS),
            expected
        );
    }

    #[test]
    fn only_the_opening_of_an_overlong_paragraph_is_read() {
        // What an index built before paragraphs were bounded may hold.
        let filler = "words about nothing in particular ".repeat(MAX_SCANNED_BYTES / 8);
        let text = format!("Neglect at the start. {filler} neglect at the end.");
        let found = fragments(&text, &stemmed("neglect"), 40, 3);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].highlights.len(), 1);
        assert!(found[0].range.end <= MAX_SCANNED_BYTES);
        assert!(found[0].cut_after);
        let none = fragments(&filler, &stemmed("neglect"), 40, 3);
        assert!(none[0].text.starts_with("words about") && none[0].cut_after);
        assert_eq!(scanned(&text).len(), MAX_SCANNED_BYTES);
        let multibyte = "’".repeat(MAX_SCANNED_BYTES);
        assert!(scanned(&multibyte).len() <= MAX_SCANNED_BYTES);
    }

    #[test]
    fn stemmed_variants_are_marked() {
        let h = Highlight::new(
            ["care", "leaver"],
            Vec::<String>::new(),
            Vec::<String>::new(),
        );
        check(
            "Care leavers are supported; the leaver's plan and caring staff help.",
            &h,
            "[Care leavers] are supported; the [leaver's] plan and [caring] staff help.",
        );
        // The same terms when analysed from the query's words.
        assert_eq!(stemmed("care leavers"), h);
    }

    #[test]
    fn possessives_match_their_word() {
        let h = stemmed("children");
        check(
            "Children’s services and the children's guardian see children.",
            &h,
            "[Children’s] services and the [children's] guardian see [children].",
        );
    }

    #[test]
    fn exact_terms_match_only_the_exact_word() {
        let mut h = Highlight::default();
        h.add_words("leavers", true);
        check(
            "Care leavers and a care leaver.",
            &h,
            "Care [leavers] and a care leaver.",
        );
        check(
            "Care leavers and a care leaver.",
            &stemmed("leavers"),
            "Care [leavers] and a care [leaver].",
        );
    }

    #[test]
    fn prefixes_match_words_starting_with_them() {
        let mut h = Highlight::default();
        h.add_prefix("leav");
        check(
            "Leaving care, care leavers and leave; not cleaves.",
            &h,
            "[Leaving] care, care [leavers] and [leave]; not cleaves.",
        );
        assert!(Highlight::new(Vec::<String>::new(), Vec::<String>::new(), [""]).is_empty());
    }

    #[test]
    fn far_apart_matches_give_two_fragments_in_text_order() {
        let filler = "the quick brown fox jumps over the lazy dog ".repeat(10);
        let text = format!("Neglect was seen early. {filler}and neglect was seen late.");
        let got = fragments(&text, &stemmed("neglect"), 60, 3);
        assert_eq!(got.len(), 2);
        assert!(got[0].range.end <= got[1].range.start);
        assert_eq!(got[0].highlights, vec![0..7]);
        assert!(!got[0].cut_before && got[0].cut_after);
        assert!(got[1].cut_before && !got[1].cut_after);
        let rendered = marked(&text, &stemmed("neglect"), 60, 3);
        assert_eq!(
            rendered,
            "[Neglect] was seen early. the quick brown fox jumps over the … \
             brown fox jumps over the lazy dog and [neglect] was seen late."
        );
        for f in &got {
            assert!(f.text.chars().count() <= 60, "{f:?}");
        }
    }

    #[test]
    fn near_matches_give_one_fragment() {
        let text = "Before. Care leavers, and also care for children. After.";
        let got = fragments(text, &stemmed("care leavers"), 60, 3);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].highlights.len(), 3);
    }

    #[test]
    fn fragments_are_cut_at_word_boundaries_with_ellipses() {
        let text = "Alpha beta gamma delta epsilon zeta neglect eta theta iota kappa lambda mu.";
        assert_eq!(
            marked(text, &stemmed("neglect"), 30, 3),
            "…zeta [neglect] eta theta…"
        );
        assert_eq!(
            to_html(&fragments(text, &stemmed("neglect"), 30, 3)),
            "…zeta <mark>neglect</mark> eta theta…"
        );
    }

    #[test]
    fn the_best_clusters_are_kept_and_shown_in_text_order() {
        let filler = " lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod. ";
        let text = format!("care{filler}care leavers{filler}care{filler}leavers care");
        let got = fragments(&text, &stemmed("care leavers"), 40, 2);
        assert_eq!(got.len(), 2);
        let chosen: Vec<&str> = got
            .iter()
            .map(|f| &text[f.range.start + f.highlights[0].start..])
            .collect();
        assert!(chosen[0].starts_with("care leavers"), "{got:?}");
        assert!(chosen[1].starts_with("leavers care"), "{got:?}");
        assert!(got[0].range.start < got[1].range.start);
    }

    #[test]
    fn html_is_escaped() {
        let text = "Fewer than 5 <b>children</b> & young people’s “plans”.";
        let html = to_html(&fragments(text, &stemmed("children"), 220, 3));
        assert_eq!(
            html,
            "Fewer than 5 &lt;b&gt;<mark>children</mark>&lt;/b&gt; &amp; young people’s “plans”."
        );
    }

    #[test]
    fn ansi_marks_in_bold_and_strips_control_characters() {
        let text = "Neglect\u{1b}[2J is noted.";
        let ansi = to_ansi(&fragments(text, &stemmed("neglect"), 220, 3));
        assert_eq!(ansi, "\u{1b}[1;31mNeglect\u{1b}[0m [2J is noted.");
        assert_eq!(
            to_plain(&fragments(text, &stemmed("neglect"), 220, 3)),
            text
        );
    }

    #[test]
    fn no_match_gives_the_opening_unmarked() {
        let text = "  The local authority’s services for children are good. ".repeat(10);
        let got = fragments(&text, &Highlight::default(), 40, 3);
        assert_eq!(got.len(), 1);
        assert!(got[0].highlights.is_empty());
        assert_eq!(to_plain(&got), "The local authority’s services for…");
        let got = fragments(&text, &stemmed("neglect"), 40, 3);
        assert_eq!(to_plain(&got), "The local authority’s services for…");
        // A text without whitespace is cut inside its one word.
        assert_eq!(
            to_plain(&fragments("abcdefghij", &Highlight::default(), 4, 1)),
            "abcd…"
        );
    }

    #[test]
    fn degenerate_inputs() {
        assert!(fragments("", &stemmed("care"), 220, 3).is_empty());
        assert!(fragments(" \n ", &stemmed("care"), 220, 3).is_empty());
        assert!(fragments("care", &stemmed("care"), 220, 0).is_empty());
        assert_eq!(to_html(&[]), "");
        // A word longer than a fragment makes a longer fragment.
        assert_eq!(
            marked("a safeguarding b", &stemmed("safeguarding"), 3, 3),
            "…[safeguarding]…"
        );
    }

    proptest::proptest! {
        #[test]
        fn fragments_never_panic_and_mark_whole_matched_words(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "care", "Care", "leavers", "children’s", "Children's", "café", "naïve",
                    "–", "—", "“", "”", " ", " ", "\n", "e\u{301}", "日本語", "🙂", "<", "&",
                    ",", ".", "leav", "x", "’", "ß",
                ]),
                0..60,
            ),
            max_chars in 1usize..80,
            max_fragments in 1usize..5,
        ) {
            let text: String = pieces.concat();
            let mut h = Highlight::new(["care", "caf"], ["naïve"], Vec::<String>::new());
            h.add_words("children", false).add_prefix("leav");
            let matches = h.matches(&text);
            let got = fragments(&text, &h, max_chars, max_fragments);
            proptest::prop_assert!(got.len() <= max_fragments);
            let mut last_end = 0;
            for f in &got {
                proptest::prop_assert!(f.range.start >= last_end);
                last_end = f.range.end;
                proptest::prop_assert_eq!(&text[f.range.clone()], f.text.as_str());
                for mark in &f.highlights {
                    proptest::prop_assert!(f.text.is_char_boundary(mark.start));
                    proptest::prop_assert!(f.text.is_char_boundary(mark.end));
                    let absolute = f.range.start + mark.start..f.range.start + mark.end;
                    proptest::prop_assert!(matches.contains(&absolute), "{:?} not a match", absolute);
                }
                // Every match inside the fragment is marked.
                for m in matches.iter().filter(|m| f.range.start <= m.start && m.end <= f.range.end) {
                    let relative = m.start - f.range.start..m.end - f.range.start;
                    proptest::prop_assert!(f.highlights.contains(&relative));
                }
            }
            if max_fragments >= matches.len() {
                // Room for every cluster: every match is shown.
                for m in &matches {
                    proptest::prop_assert!(got.iter().any(|f| f.range.start <= m.start && m.end <= f.range.end));
                }
            }
            let _ = (to_html(&got), to_ansi(&got), to_plain(&got));
        }
    }
}
