//! ofsearch's tokenizer: Unicode (UAX #29) words, lower-cased, with curly apostrophes normalised
//! and possessive `'s` folded, plus the two analyzers built on it.
//!
//! # Tokens
//!
//! A token is a word that `unicode_segmentation`'s `unicode_word_indices()` yields for the text
//! (a UAX #29 word segment holding at least one alphanumeric character), then
//! 1. lower-cased (`to_ascii_lowercase` for ASCII words, as `str::to_lowercase` otherwise);
//! 2. with U+2018 and U+2019 (curly single quotes) replaced by ASCII `'`;
//! 3. with a final `'s` removed (possessives and contractions: "Children’s" -> "children",
//!    "it's" -> "it"; "don't" is left alone).
//!
//! Offsets are the byte range of the whole original word (`'s` included); positions go up by
//! one per token.
//!
//! # Fast path
//!
//! [`reference_tokens`] is the definition: UAX #29 segmentation of the whole text. The
//! [`OfsTokenizer`] produces exactly the same tokens several times faster on mostly-ASCII text
//! by cutting the text at *safe split points* and segmenting the stretches made of *fast
//! characters* with a hand-written scanner; only the stretches around other characters go
//! through `unicode_word_indices()`.
//!
//! Fast characters are ASCII, the curly single quotes U+2018 and U+2019, and a few punctuation
//! marks common in the reports ([`is_fast_punctuation`]: dashes, double quotes, bullets,
//! symbol-font private-use glyphs...) that UAX #29 never joins to anything. The scanner
//! implements the UAX #29 rules restricted to them (categories as in the tables of
//! unicode-segmentation 1.13): ALetter `A-Za-z`, Numeric `0-9`, ExtendNumLet `_`, MidLetter `:`,
//! MidNumLet `.` U+2018 U+2019, Single_Quote `'` (which these rules treat as MidNumLet), MidNum
//! `,` `;`. Letters, digits and `_` always join each other (WB5, WB8-WB10, WB13a/b); `:` and the
//! MidNumLets join two letters (WB6/WB7); MidNum and the MidNumLets join two digits
//! (WB11/WB12); everything else is a segment of its own (WB999). A segment of underscores alone
//! has no alphanumeric character and is not a word.
//!
//! A position `p` is a safe split point when one of the two characters around it is ASCII
//! whitespace and the two do not belong to the same segment. Then no UAX #29 rule joins across
//! `p`, and none looks across it either: the rules that look two characters back or ahead (WB6,
//! WB7, WB11, WB12, WB7b/c) need a letter, digit, quote or Mid* character there, never
//! whitespace. So the words of `text[..p]` and of `text[p..]`, segmented apart, are those of
//! `text`.
//!
//! Whether two characters next to ASCII whitespace join is nearly always known without looking:
//! a fast character never joins ASCII whitespace. Only a few others can: by WB3d (a non-ASCII
//! space such as U+3000 next to U+0020) or WB4 (a combining mark, format character or ZWJ after
//! a space or tab is absorbed by it: " \u{345}" is even a word, U+0345 being alphanumeric).
//! Those pairs are settled by asking `unicode_segmentation` itself (see `joins`), so the answer
//! follows the tables of the version in use.

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};
use unicode_segmentation::{UnicodeSegmentation, UnicodeWordIndices};

/// Name of the stemmed English analyzer.
pub const STEMMED: &str = "ofs_stem";
/// Name of the unstemmed analyzer.
pub const EXACT: &str = "ofs_exact";

/// Tokens of this many bytes or more are dropped by both analyzers.
pub const MAX_TOKEN_LEN: usize = 40;

/// Registers both analyzers: [`STEMMED`] ([`OfsTokenizer`], long tokens removed, English
/// stemmer) and [`EXACT`] (the same without the stemmer).
pub fn register(manager: &TokenizerManager) {
    manager.register(STEMMED, stemmed_analyzer());
    manager.register(EXACT, exact_analyzer());
}

/// The analyzer registered as [`STEMMED`].
pub fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(OfsTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(CachedStemmer)
        .build()
}

/// Words whose stems one [`CachedStemmer`] remembers; past this many it stems the rest afresh.
pub const STEM_CACHE_WORDS: usize = 1 << 17;

/// Snowball English stemming (the same algorithm and crate as tantivy's `Stemmer`, so the same
/// stems) with a cache of the stems of the words already seen. Report prose repeats a small
/// vocabulary, and running the stemmer was nearly all of the stemmed analyzer's time: each
/// analyzer (one per indexing thread and field) keeps its own cache, up to
/// [`STEM_CACHE_WORDS`] words.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: StemCache::default(),
        }
    }
}

/// The English stems of words, each word stemmed once (up to [`STEM_CACHE_WORDS`] words
/// remembered): what [`CachedStemmer`] stems with, and usable on words already tokenized.
#[derive(Clone)]
pub struct StemCache {
    stemmer: frostem::Stemmer,
    cache: FxHashMap<Box<str>, Box<str>>,
}

impl Default for StemCache {
    fn default() -> Self {
        StemCache {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            cache: FxHashMap::default(),
        }
    }
}

impl StemCache {
    /// Writes the stem of `word` (a token of the exact analyzer: lower case, possessive
    /// folded) into `out`, as the stemmed analyzer indexes it.
    pub fn stem_into(&mut self, word: &str, out: &mut String) {
        out.clear();
        match self.cache.get(word) {
            Some(stem) => out.push_str(stem),
            None => out.push_str(&self.stem_afresh(word)),
        }
    }

    /// Stems a word the cache does not hold, and remembers it while there is room.
    fn stem_afresh(&mut self, word: &str) -> Box<str> {
        let stem: Box<str> = match self.stemmer.stem(word) {
            Cow::Borrowed(stem) => stem.into(),
            Cow::Owned(stem) => stem.into(),
        };
        if self.cache.len() < STEM_CACHE_WORDS {
            self.cache.insert(word.into(), stem.clone());
        }
        stem
    }
}

/// The tokenizer [`CachedStemmer`] makes of another.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    stems: StemCache,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
        }
    }
}

/// The token stream of [`CachedStemmerFilter`].
pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut StemCache,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.cache.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = self.stems.stem_afresh(&token.text);
        token.text.clear();
        token.text.push_str(&stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The analyzer registered as [`EXACT`].
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(OfsTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .build()
}

/// The tokens of `text` as `(offset_from, offset_to, text)`, by the definition: UAX #29
/// segmentation of the whole text, with no fast path. For tests and benchmarks.
pub fn reference_tokens(text: &str) -> Vec<(usize, usize, String)> {
    text.unicode_word_indices()
        .map(|(from, word)| {
            let mut normalised = String::new();
            normalise(word, &mut normalised);
            (from, from + word.len(), normalised)
        })
        .collect()
}

/// The tokens of `text` as `(offset_from, offset_to, text)`, produced by [`OfsTokenizer`].
pub fn tokens(text: &str) -> Vec<(usize, usize, String)> {
    let mut tokenizer = OfsTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push((token.offset_from, token.offset_to, token.text.clone()));
    }
    out
}

/// Writes the token for the UAX #29 word `word` into `out`: lower-cased, curly single quotes
/// made ASCII, a final `'s` removed.
fn normalise(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else if word.contains('Σ') {
        // The one context-dependent lower-casing (final sigma): let the standard library do it.
        out.extend(word.to_lowercase().chars().map(straighten_quote));
    } else {
        // Otherwise `str::to_lowercase` is `char::to_lowercase` on each character.
        for c in word.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if matches!(c, '\u{2018}' | '\u{2019}') {
                out.push('\'');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    fold_possessive(out);
}

/// U+2018 and U+2019 as ASCII `'`; other characters unchanged.
#[inline]
fn straighten_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' => '\'',
        c => c,
    }
}

/// Removes a final `'s` from a lower-cased token, unless nothing would be left.
#[inline]
fn fold_possessive(token: &mut String) {
    if token.len() > 2 && token.ends_with("'s") {
        token.truncate(token.len() - 2);
    }
}

/// Whether `c` is one of the non-ASCII punctuation marks the fast path handles: characters of
/// UAX #29 category Other that are not alphanumeric, so that they never join anything and are
/// never part of a word. (Unit tests check this against `unicode_segmentation`.) En and em
/// dashes, curly double quotes, bullet, ellipsis, pound, copyright, minus, black medium square,
/// and the private-use glyphs U+F000-U+F0FF of symbol fonts, which PDF converters leave for
/// bullets.
pub fn is_fast_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{2013}'
            | '\u{2014}'
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2022}'
            | '\u{2026}'
            | '\u{a3}'
            | '\u{a9}'
            | '\u{2212}'
            | '\u{25fc}'
            | '\u{f000}'..='\u{f0ff}'
    )
}

/// Whether `c` is a fast character (see the module documentation).
#[inline]
fn is_fast(c: char) -> bool {
    c.is_ascii() || matches!(c, '\u{2018}' | '\u{2019}') || is_fast_punctuation(c)
}

/// Tokenizer on UAX #29 word boundaries with a fast path (see the module documentation).
#[derive(Clone, Default)]
pub struct OfsTokenizer {
    token: Token,
}

impl Tokenizer for OfsTokenizer {
    type TokenStream<'a> = OfsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> OfsTokenStream<'a> {
        self.token.reset();
        OfsTokenStream {
            text,
            token: &mut self.token,
            cursor: 0,
            fast_end: 0,
            slow: None,
            planned: 0,
        }
    }
}

/// The [`TokenStream`] of [`OfsTokenizer`].
///
/// The text is consumed in stretches: `text[cursor..fast_end]` is segmented by the fast scanner,
/// then the words of the slow stretch (if any) are read from `slow`; `planned` is where the next
/// stretch begins, always a safe split point.
pub struct OfsTokenStream<'a> {
    text: &'a str,
    token: &'a mut Token,
    cursor: usize,
    fast_end: usize,
    slow: Option<SlowStretch<'a>>,
    planned: usize,
}

/// A stretch of text segmented by `unicode_word_indices()`; `base` is its offset in the text.
struct SlowStretch<'a> {
    base: usize,
    words: UnicodeWordIndices<'a>,
}

impl TokenStream for OfsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(word) =
                next_fast_word(self.text.as_bytes(), &mut self.cursor, self.fast_end)
            {
                let (from, to) = (word.from, word.to);
                if word.curly {
                    normalise(&self.text[from..to], &mut self.token.text);
                } else {
                    // Fold a possessive before copying: `'s` or `'S` after at least one character.
                    let bytes = self.text.as_bytes();
                    let kept = if to - from > 2
                        && bytes[to - 2] == b'\''
                        && bytes[to - 1] | 0x20 == b's'
                    {
                        to - 2
                    } else {
                        to
                    };
                    let text = &mut self.token.text;
                    text.clear();
                    text.extend(
                        bytes[from..kept]
                            .iter()
                            .map(|&b| char::from(b.to_ascii_lowercase())),
                    );
                }
                self.emit(from, to);
                return true;
            }
            if let Some(slow) = &mut self.slow {
                if let Some((offset, word)) = slow.words.next() {
                    let from = slow.base + offset;
                    normalise(word, &mut self.token.text);
                    self.emit(from, from + word.len());
                    return true;
                }
                self.slow = None;
            }
            if self.planned >= self.text.len() {
                return false;
            }
            self.plan();
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

impl OfsTokenStream<'_> {
    #[inline]
    fn emit(&mut self, from: usize, to: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
    }

    /// Plans the next stretches from `planned`: the fast characters up to the neighbourhood of
    /// the first other character go to the scanner, that neighbourhood (up to the next safe
    /// split point) to `unicode_word_indices()`.
    fn plan(&mut self) {
        let text = self.text;
        let start = self.planned;
        self.cursor = start;
        let Some(first_slow) = find_slow(text, start) else {
            self.fast_end = text.len();
            self.planned = text.len();
            return;
        };
        let slow_start = slow_start(text, start, first_slow);
        let slow_end = slow_end(text, first_slow);
        self.fast_end = slow_start;
        self.slow = Some(SlowStretch {
            base: slow_start,
            words: text[slow_start..slow_end].unicode_word_indices(),
        });
        self.planned = slow_end;
    }
}

/// Index of the first non-ASCII byte of `bytes[from..]`.
#[inline]
fn find_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut offset = from;
    for block in bytes.get(from..)?.chunks(BLOCK) {
        if !block.is_ascii() {
            return block.iter().position(|b| !b.is_ascii()).map(|i| offset + i);
        }
        offset += block.len();
    }
    None
}

/// Byte index of the first character of `text[from..]` that is not fast (`from` on a char
/// boundary).
fn find_slow(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        // All bytes before the first non-ASCII one are ASCII: it starts a character.
        at = find_non_ascii(text.as_bytes(), at)?;
        let c = char_at(text, at)?;
        if !is_fast(c) {
            return Some(at);
        }
        at += c.len_utf8();
    }
}

/// Whether `b` is ASCII whitespace as `u8::is_ascii_whitespace` has it (space, tab, LF, FF, CR).
#[inline]
fn is_space(b: u8) -> bool {
    b.is_ascii_whitespace()
}

/// Whether the characters `a` and `b`, adjacent in some text, fall in the same UAX #29 segment.
///
/// Only called with one of them ASCII whitespace and the other not a fast character, where the
/// answer depends on that pair alone; asks `unicode_segmentation`, so it follows its tables.
/// When in doubt, says they join (which only makes a slow stretch longer).
fn joins(a: char, b: char) -> bool {
    let mut buf = [0u8; 8];
    let a_len = a.encode_utf8(&mut buf).len();
    let b_len = b.encode_utf8(&mut buf[a_len..]).len();
    match std::str::from_utf8(&buf[..a_len + b_len]) {
        Ok(pair) => pair.split_word_bounds().nth(1).is_none(),
        Err(_) => true,
    }
}

/// The character of `text` ending at byte `at`.
#[inline]
fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at)?.chars().next_back()
}

/// The character of `text` starting at byte `at`.
#[inline]
fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

/// Whether splitting `text` at `at`, where one of the characters around it is ASCII whitespace
/// and the other is not, is safe: the two characters do not join.
fn safe_split(text: &str, at: usize) -> bool {
    match (char_before(text, at), char_at(text, at)) {
        (Some(a), Some(b)) => (is_fast(a) && is_fast(b)) || !joins(a, b),
        _ => true,
    }
}

/// Start of the slow stretch around the character at `slow`, the first one of `text[start..]`
/// that is not fast, where `start` is a safe split point: the start of its whitespace-delimited
/// chunk if that is a safe split point, else the start of the whitespace before it (safe, as the
/// character before that whitespace is fast and not whitespace), else `start`.
fn slow_start(text: &str, start: usize, slow: usize) -> usize {
    let bytes = text.as_bytes();
    let mut chunk = slow;
    while chunk > start && !is_space(bytes[chunk - 1]) {
        chunk -= 1;
    }
    if chunk == start || safe_split(text, chunk) {
        return chunk;
    }
    let mut space = chunk;
    while space > start && is_space(bytes[space - 1]) {
        space -= 1;
    }
    space
}

/// End of the slow stretch containing the byte `from`, which is not ASCII whitespace: the first
/// safe split point after it (at the start or at the end of a run of whitespace), else the end
/// of the text.
fn slow_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        while at < bytes.len() && !is_space(bytes[at]) {
            at += 1;
        }
        if at >= bytes.len() || safe_split(text, at) {
            return at;
        }
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        if at >= bytes.len() || safe_split(text, at) {
            return at;
        }
    }
}

/// Byte classes for the fast scanner: letter, digit or `_`, which join each other.
const CORE: u8 = 1;
/// ALetter.
const ALPHA: u8 = 2;
/// Numeric.
const DIGIT: u8 = 4;
/// Joins two letters: `:` (MidLetter), `.` `'` (MidNumLetQ).
const MID_LETTER: u8 = 8;
/// Joins two digits: `,` `;` (MidNum), `.` `'` (MidNumLetQ).
const MID_NUM: u8 = 16;

/// The class of every byte; non-ASCII bytes have none.
const CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        class[b] = if c.is_ascii_alphabetic() {
            CORE | ALPHA
        } else if c.is_ascii_digit() {
            CORE | DIGIT
        } else if c == b'_' {
            CORE
        } else if c == b':' {
            MID_LETTER
        } else if c == b'.' || c == b'\'' {
            MID_LETTER | MID_NUM
        } else if c == b',' || c == b';' {
            MID_NUM
        } else {
            0
        };
        b += 1;
    }
    class
};

/// Index of the first byte at or after `i` that is not an ASCII letter, looking at eight bytes
/// at a time; may stop early, within the last seven bytes of `bytes`.
#[inline]
fn skip_letters(bytes: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(block) = bytes.get(i..i + 8) {
        let Ok(block) = <[u8; 8]>::try_from(block) else {
            break;
        };
        let word = u64::from_le_bytes(block);
        // Each byte, high bit cleared, lower-cased if a capital: letters are then 0x61..=0x7a.
        // Adding 0x1f (0x05) sets the high bit of bytes >= 0x61 (>= 0x7b), with no carries.
        let folded = (word & !HIGH) | 0x2020_2020_2020_2020;
        let at_least_a = folded.wrapping_add(0x1f1f_1f1f_1f1f_1f1f);
        let beyond_z = folded.wrapping_add(0x0505_0505_0505_0505);
        let letters = at_least_a & !beyond_z & !word & HIGH;
        let others = !letters & HIGH;
        if others != 0 {
            return i + (others.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// A word found by the fast scanner.
struct FastWord {
    from: usize,
    to: usize,
    /// Whether it holds a curly quote (and so is not ASCII).
    curly: bool,
}

/// Finds the next word in `bytes[*cursor..end]` (fast characters only, `end` a safe split
/// point), moving `cursor` past it; `None` (and `cursor == end`) when there is none.
#[inline]
fn next_fast_word(bytes: &[u8], cursor: &mut usize, end: usize) -> Option<FastWord> {
    let bytes = bytes.get(..end)?;
    let mut i = *cursor;
    loop {
        // Skip to a letter, digit or `_`. Every other fast character (the bytes of non-ASCII
        // ones included) is a segment of its own with no alphanumeric character.
        while i < bytes.len() && CLASS[usize::from(bytes[i])] & CORE == 0 {
            i += 1;
        }
        if i >= bytes.len() {
            *cursor = bytes.len();
            return None;
        }
        let from = i;
        let mut curly = false;
        i += 1;
        loop {
            i = skip_letters(bytes, i);
            while i < bytes.len() && CLASS[usize::from(bytes[i])] & CORE != 0 {
                i += 1;
            }
            // A Mid character between two letters (WB6/WB7) or two digits (WB11/WB12) joins
            // them; the character after it is then part of the word.
            if i + 1 >= bytes.len() {
                break;
            }
            let class = CLASS[usize::from(bytes[i])];
            if class != 0 {
                let around = CLASS[usize::from(bytes[i - 1])] & CLASS[usize::from(bytes[i + 1])];
                if (class & MID_LETTER != 0 && around & ALPHA != 0)
                    || (class & MID_NUM != 0 && around & DIGIT != 0)
                {
                    i += 2;
                    continue;
                }
            } else if i + 3 < bytes.len()
                && bytes[i] == 0xe2
                && bytes[i + 1] == 0x80
                && matches!(bytes[i + 2], 0x98 | 0x99)
            {
                // U+2018 or U+2019, MidNumLet.
                let around = CLASS[usize::from(bytes[i - 1])] & CLASS[usize::from(bytes[i + 3])];
                if around & (ALPHA | DIGIT) != 0 {
                    curly = true;
                    i += 4;
                    continue;
                }
            }
            break;
        }
        // A run of underscores alone has no alphanumeric character: not a word.
        if bytes[from] != b'_' || bytes[from..i].iter().any(|&b| b != b'_') {
            *cursor = i;
            return Some(FastWord { from, to: i, curly });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|(_, _, t)| t).collect()
    }

    fn check(text: &str, expected: &[&str]) {
        assert_eq!(words(text), expected, "fast path on {text:?}");
        let reference: Vec<String> = reference_tokens(text).into_iter().map(|t| t.2).collect();
        assert_eq!(reference, expected, "reference on {text:?}");
    }

    /// (text, position, offsets) of every token of `text` through `analyzer`.
    fn analysed(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn cached_stems_equal_tantivys_stemmer() {
        let mut uncached = TextAnalyzer::builder(OfsTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(tantivy::tokenizer::Stemmer::default())
            .build();
        let mut cached = stemmed_analyzer();
        let texts = [
            "Care leavers' accommodation is generally suitable; staying put arrangements are used well.",
            "The children's homes were inspected: inspectors found drift and delay in planning.",
            "Leaders' ambitious plans: caseloads are manageable, and supervision is regular.",
            "Care leavers LEAVING care; the leaving-care team — naïve, café, 2013–14.",
        ];
        // Twice over, so the second pass is answered from the cache.
        for text in texts.iter().chain(texts.iter()) {
            assert_eq!(
                analysed(&mut cached, text),
                analysed(&mut uncached, text),
                "{text}"
            );
        }
        assert_eq!(analysed(&mut cached, "leavers")[0].0, "leaver");
    }

    #[test]
    fn possessives_with_both_apostrophes() {
        check("the children's plans", &["the", "children", "plans"]);
        check("the Children’s plans", &["the", "children", "plans"]);
        check("CHILDREN’S SERVICES", &["children", "services"]);
        check("the authority‘s plan", &["the", "authority", "plan"]);
        check("it's it’s", &["it", "it"]);
        check("care leavers' views", &["care", "leavers", "views"]);
    }

    #[test]
    fn contractions_other_than_s_stay() {
        check("don't", &["don't"]);
        check("Don’t", &["don't"]);
        check("they’re", &["they're"]);
    }

    #[test]
    fn abbreviations_and_numbers() {
        check("e.g. this", &["e.g", "this"]);
        check("i.e., that", &["i.e", "that"]);
        check("1,165 children", &["1,165", "children"]);
        check("22.1% of", &["22.1", "of"]);
        check("3,4 and 3.4. and 3;4", &["3,4", "and", "3.4", "and", "3;4"]);
        check("Section 47 enquiries", &["section", "47", "enquiries"]);
        check("10:30 and ab:cd", &["10", "30", "and", "ab:cd"]);
        check("key_stage_4 _ __", &["key_stage_4"]);
    }

    #[test]
    fn hyphens_and_dashes_break() {
        check("co-ordinated", &["co", "ordinated"]);
        check("A*–C grades", &["a", "c", "grades"]);
        check("2013–14", &["2013", "14"]);
    }

    #[test]
    fn non_ascii_words() {
        check("café's menu", &["café", "menu"]);
        check("Café’s", &["café"]);
        check("naïve ÉCOLE", &["naïve", "école"]);
        check("cafe\u{301} x", &["cafe\u{301}", "x"]);
    }

    #[test]
    fn offsets_and_positions_cover_whole_words() {
        let text = "The Children’s  plan: don't.";
        let mut tokenizer = OfsTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while let Some(token) = stream.next() {
            seen.push((
                token.position,
                token.offset_from,
                token.offset_to,
                token.text.clone(),
            ));
        }
        assert_eq!(
            seen,
            vec![
                (0, 0, 3, "the".to_string()),
                (1, 4, 16, "children".to_string()),
                (2, 18, 22, "plan".to_string()),
                (3, 24, 29, "don't".to_string()),
            ]
        );
        assert_eq!(&text[4..16], "Children’s");
    }

    #[test]
    fn whitespace_joined_to_marks_is_kept_exact() {
        // U+0345 is an alphanumeric combining mark: after a space, WB4 makes " \u{345}" one
        // segment, which is a word. Ideographic space U+3000 joins U+0020 by WB3d.
        for text in [
            "a \u{345}b c",
            "a  \u{345}",
            "\u{345} x",
            "x\u{3000} \u{345} y",
            "x \u{3000}\u{345} y",
            "x\t\u{345}\n\u{345}",
        ] {
            assert_eq!(tokens(text), reference_tokens(text), "{text:?}");
        }
    }

    #[test]
    fn curly_quotes_and_fast_punctuation() {
        check("‘Good’ and “outstanding”", &["good", "and", "outstanding"]);
        check("‘children’s’ plans’", &["children", "plans"]);
        check("1’000 2‘5 a’1 1’a", &["1'000", "2'5", "a", "1", "1", "a"]);
        check("a’’b a’‘b ’s", &["a", "b", "a", "b", "s"]);
        check(
            "\u{f06e} Staff—and—managers… £5 © −3 ◼x",
            &["staff", "and", "managers", "5", "3", "x"],
        );
    }

    /// Whether `text` is one UAX #29 segment.
    fn one_segment(text: &str) -> bool {
        text.split_word_bounds().nth(1).is_none()
    }

    #[test]
    fn fast_punctuation_never_joins_and_is_never_a_word() {
        let fast_punctuation: Vec<char> = ('\u{80}'..='\u{ffff}')
            .filter(|&c| is_fast_punctuation(c))
            .collect();
        let mut neighbours: Vec<char> = ('\0'..='\u{7f}').collect();
        neighbours.extend(['\u{2018}', '\u{2019}']);
        neighbours.extend(&fast_punctuation);
        for &c in &fast_punctuation {
            assert!(!c.is_alphanumeric(), "{c:?}");
            for &x in &neighbours {
                assert!(!one_segment(&format!("{x}{c}")), "{x:?} joins {c:?}");
                assert!(!one_segment(&format!("{c}{x}")), "{c:?} joins {x:?}");
            }
            for around in ["a", "1", "\u{2019}"] {
                let text = format!("{around}{c}{around}");
                assert_eq!(text.split_word_bounds().count(), 3, "{text:?}");
            }
        }
    }

    #[test]
    fn curly_quotes_segment_like_the_apostrophe() {
        // In ASCII contexts U+2018 and U+2019 (MidNumLet) behave as U+0027 (Single_Quote).
        let ascii: Vec<char> = (' '..='~').collect();
        for &x in &ascii {
            for &y in &ascii {
                let straight: Vec<usize> = format!("{x}'{y}")
                    .split_word_bounds()
                    .map(str::len)
                    .collect();
                for quote in ['\u{2018}', '\u{2019}'] {
                    let curly: Vec<usize> = format!("{x}{quote}{y}")
                        .split_word_bounds()
                        .map(|s| {
                            if s.contains(quote) {
                                s.len() - 2
                            } else {
                                s.len()
                            }
                        })
                        .collect();
                    assert_eq!(curly, straight, "{x:?} {quote:?} {y:?}");
                }
            }
        }
    }

    #[test]
    fn fast_characters_never_join_ascii_whitespace() {
        let fast = ('\0'..='\u{ffff}').filter(|&c| is_fast(c) && !c.is_ascii_whitespace());
        for c in fast {
            for space in [' ', '\t', '\n', '\r', '\u{c}'] {
                assert!(!joins(c, space) && !joins(space, c), "{c:?} {space:?}");
            }
        }
    }

    fn spec_normalise(word: &str) -> String {
        let lower = word.to_lowercase().replace(['\u{2018}', '\u{2019}'], "'");
        match lower.strip_suffix("'s") {
            Some(stem) if !stem.is_empty() => stem.to_string(),
            _ => lower,
        }
    }

    proptest::proptest! {
        #[test]
        fn normalise_matches_its_specification(
            word in proptest::collection::vec(
                proptest::sample::select(vec![
                    'a', 'S', 's', 'Σ', 'σ', 'ς', 'İ', 'ẞ', 'ß', 'É', 'Ǆ', 'ᾼ', '\'', '\u{2018}',
                    '\u{2019}', '\u{301}', '1', '_', '.',
                ]),
                0..8,
            )
        ) {
            let word: String = word.into_iter().collect();
            let mut out = String::from("junk");
            normalise(&word, &mut out);
            proptest::prop_assert_eq!(out, spec_normalise(&word), "word {:?}", word);
        }
    }

    #[test]
    fn skip_letters_stops_at_the_first_non_letter() {
        for b in 0..=255u8 {
            for at in 0..20 {
                let mut text = b"abcdefghijKLMNOPQRSTuvwxyzABCDEFGHIJ".to_vec();
                text[at] = b;
                for start in 0..text.len() {
                    let first_other = text[start..]
                        .iter()
                        .position(|b| !b.is_ascii_alphabetic())
                        .map_or(text.len(), |i| start + i);
                    let got = skip_letters(&text, start);
                    // Exact, unless it stopped early within the last seven bytes.
                    assert!(
                        got == first_other
                            || (start <= got && got < first_other && got + 8 > text.len()),
                        "byte {b:#x} at {at}, from {start}: {got}"
                    );
                }
            }
        }
    }

    #[test]
    fn empty_and_blank() {
        assert!(tokens("").is_empty());
        assert!(tokens(" \t\n ").is_empty());
        assert!(tokens("—").is_empty());
    }
}
