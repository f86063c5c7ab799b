//! From clean lines to blocks: headings, paragraphs, bullet items, table rows and footnotes,
//! with paragraphs that page breaks cut in two joined again and line-end hyphens resolved.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashSet;

use crate::headings::{self, HeadingInfo};
use crate::lines::Line;

/// What a block is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading, with what it says about the text beneath.
    Heading(HeadingInfo),
    /// A paragraph of prose (numbered or not).
    Paragraph,
    /// A bullet item.
    Bullet,
    /// A row of a table (cells joined with " | ").
    Table,
    /// A footnote.
    Footnote,
}

/// A unit of the report's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: BlockKind,
    /// Its text, lines joined, debris removed.
    pub text: String,
    /// The report's own paragraph number ("24"), if printed.
    pub number: Option<String>,
    /// 1-based line of the block's first line in the source file.
    pub line: u32,
    /// Source lines the block spans, first and last (inclusive).
    pub last_line: u32,
    /// Whether a page break comes between this block and the one before.
    pub page_break_before: bool,
    /// The page its first line is on, as `Line::page` (0: not known).
    pub page: u32,
    /// Columns of indentation of its first line, and of its second line if it has one (a
    /// numbered paragraph's hanging indent: "83. BAAS..." at 0, "    birth family..." at 4).
    pub indent: (usize, Option<usize>),
}

static BULLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-*•▪◼■●○◦·–➢✓]|[\u{F000}-\u{F0FF}]|o\s)\s*").expect("static regex")
});
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3})\.\s+(\S.*)$").expect("static regex"));
static CELL_SPLIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s{4,}").expect("static regex"));

#[derive(Debug)]
enum Start {
    Bullet(String),
    Numbered(String, String),
    Table,
    Plain,
}

fn classify(line: &Line) -> Start {
    let t = line.text.as_str();
    if let Some(m) = BULLET.find(t) {
        let rest = &t[m.end()..];
        // A lone dash or a hyphenated word is not a bullet: "- " must be followed by text.
        if m.end() > 0
            && !rest.is_empty()
            && (m.as_str().ends_with(char::is_whitespace) || !t.starts_with('-'))
        {
            return Start::Bullet(rest.to_string());
        }
    }
    // A numbered paragraph set out with a wide gap after its number ("3.    The front door
    // ...", as `pdftotext -layout` keeps it) is prose, not a table row: only a gap after the
    // number's text makes a row ("1.   Overall effectiveness      Good").
    if let Some(c) = NUMBERED.captures(t) {
        if !has_inner_gap(&c[2]) {
            return Start::Numbered(c[1].to_string(), c[2].to_string());
        }
    }
    if has_inner_gap(t) {
        return Start::Table;
    }
    Start::Plain
}

#[derive(Debug)]
struct Open {
    kind: BlockKind,
    number: Option<String>,
    lines: Vec<(String, u32)>,
    page_break_before: bool,
    marked_heading: bool,
    indent: (usize, Option<usize>),
}

impl Open {
    /// Adds a line of the block's text.
    fn push(&mut self, line: &Line) {
        if self.lines.len() == 1 {
            self.indent.1 = Some(line.indent);
        }
        self.lines.push((line.text.clone(), line.no));
    }

    /// Whether `line`, numbered `number`, is a numbered paragraph's own text, a number wrapped
    /// to the start of a line ("...to 18 in 2014–" / "15. Support groups ..."), and not a
    /// paragraph of its own: it follows an unfinished sentence of the open numbered paragraph
    /// with no blank line or page break between, and it is out of sequence (not the open
    /// paragraph's number plus one) or indented deeper than the paragraph's number; or it
    /// goes on an unfinished bullet at the bullet's hanging indent. (After unnumbered text a
    /// number starts a paragraph: that text is often a heading, peeled off only when the block
    /// closes.)
    fn wraps_number(&self, line: &Line, number: &str) -> bool {
        let unfinished = self
            .lines
            .last()
            .is_some_and(|(text, _)| !ends_sentence(text));
        if self.kind == BlockKind::Bullet {
            // A bullet's text goes on at its hanging indent.
            return unfinished && line.indent > self.indent.0;
        }
        let Some(open) = self.number.as_deref() else {
            return false;
        };
        let unfinished = unfinished && self.kind == BlockKind::Paragraph;
        let next = open.parse::<u32>().ok().map(|n| n + 1);
        let in_sequence = number.parse::<u32>().ok() == next;
        unfinished && (!in_sequence || line.indent > self.indent.0)
    }
}

/// Splits clean lines into blocks.
pub fn blocks(lines: &[Line]) -> Vec<Block> {
    let merged = merge_split_headings(lines);
    let lines = merged.as_slice();
    let vocabulary = Vocabulary::new(lines);
    let mut raw: Vec<Block> = Vec::new();
    let mut open: Option<Open> = None;
    let mut gap = true;
    for line in lines {
        if line.is_blank() {
            close(&mut open, &mut raw, &vocabulary);
            gap = true;
            continue;
        }
        if line.footnote {
            let is_mark = line.text.len() <= 2 && line.text.chars().all(|c| c.is_ascii_digit());
            let continues =
                matches!(&open, Some(o) if o.kind == BlockKind::Footnote) && !gap && !is_mark;
            if !continues {
                close(&mut open, &mut raw, &vocabulary);
                open = Some(Open {
                    kind: BlockKind::Footnote,
                    number: None,
                    lines: Vec::new(),
                    page_break_before: line.page_break_before,
                    marked_heading: false,
                    indent: (line.indent, None),
                });
            }
            if !is_mark {
                if let Some(o) = open.as_mut() {
                    o.push(line);
                }
            }
            gap = false;
            continue;
        }
        let mut start = classify(line);
        if let Start::Numbered(number, _) = &start {
            let flowing = !gap && !line.page_break_before && !line.marked_heading;
            if flowing && open.as_ref().is_some_and(|o| o.wraps_number(line, number)) {
                start = Start::Plain;
            }
        }
        // A dash opening an aside in the middle of a running sentence ("forums / – including
        // the meetings ... – gives a focus") is not a bullet.
        let aside = matches!(&start, Start::Bullet(rest) if rest.starts_with(char::is_lowercase))
            && line.text.starts_with(['–', '—'])
            && matches!(&open, Some(o) if o.kind == BlockKind::Paragraph
                && o.lines.last().is_some_and(|(text, _)| !ends_sentence(text)));
        let continues = !gap
            && !line.page_break_before
            && !line.marked_heading
            && (matches!(start, Start::Plain) || aside)
            && matches!(&open, Some(o) if !o.marked_heading && o.kind != BlockKind::Footnote);
        if continues {
            if let Some(o) = open.as_mut() {
                o.push(line);
            }
        } else {
            close(&mut open, &mut raw, &vocabulary);
            let (kind, number, text) = match start {
                Start::Bullet(rest) => (BlockKind::Bullet, None, rest),
                Start::Numbered(n, rest) => (BlockKind::Paragraph, Some(n), rest),
                Start::Table => (BlockKind::Table, None, line.text.clone()),
                Start::Plain => (BlockKind::Paragraph, None, line.text.clone()),
            };
            open = Some(Open {
                kind,
                number,
                lines: vec![(text, line.no)],
                page_break_before: line.page_break_before,
                marked_heading: line.marked_heading,
                indent: (line.indent, None),
            });
        }
        gap = false;
    }
    close(&mut open, &mut raw, &vocabulary);
    let mut blocks = join_continuations(raw, &vocabulary);
    set_pages(&mut blocks, lines);
    blocks
}

/// Each block's page: its first line's (lines and blocks are both in source order).
fn set_pages(blocks: &mut [Block], lines: &[Line]) {
    let mut at = 0;
    for block in blocks {
        while lines.get(at).is_some_and(|l| l.no < block.line) {
            at += 1;
        }
        block.page = lines
            .get(at)
            .filter(|l| l.no == block.line)
            .map_or(0, |l| l.page);
    }
}

/// The grade part of a line in a two-column judgement heading, where `pdftotext -layout` puts
/// the grade in a right-hand column beside (or between) the lines of the area's name:
/// "The experiences and progress of" / "Requires improvement" (far right) / "children who need
/// help and protection". Returns (left text, grade text); either may be empty.
fn grade_column(line: &Line) -> Option<(&str, &str)> {
    // A grade, or a piece of one wrapped in its column ("Requires" / "improvement").
    fn is_grade(text: &str) -> bool {
        let n = crate::grades::normalise(text);
        crate::grades::grade_of_phrase(&n).is_some()
            || matches!(
                n.as_str(),
                "requires" | "require" | "improvement" | "to be good" | "improvement to be good"
            )
    }
    let t = line.text.as_str();
    if line.indent >= 24 && is_grade(t) {
        return Some(("", t));
    }
    let (start, end) = last_gap(t)?;
    let (left, right) = (&t[..start], &t[end..]);
    is_grade(right).then_some((left, right))
}

/// Whether an ASCII byte is whitespace as `char::is_whitespace` (and the regex crate's `\s`)
/// say: U+0009..U+000D and the space. (`u8::is_ascii_whitespace` leaves out U+000B.)
fn is_ascii_whitespace_char(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// The maximal runs of four or more whitespace characters in `t` (the column gaps of a
/// `pdftotext -layout` table line), as byte ranges in order: what the regex `\s{4,}` finds.
/// One pass over the bytes, decoding only what is not ASCII: this runs on every line of every
/// report.
fn gaps(t: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = t.as_bytes();
    // Four whitespace characters are at least four bytes in a row that are ASCII whitespace
    // or not ASCII: most lines (prose, one space between words) have no two, and are passed
    // over in one quick pass.
    let maybe = |b: &u8| !b.is_ascii() || is_ascii_whitespace_char(*b);
    let mut at = if bytes.windows(2).any(|w| maybe(&w[0]) && maybe(&w[1])) {
        0
    } else {
        bytes.len()
    };
    // The whitespace run being read: its start and length in characters.
    let mut run_start = 0;
    let mut run = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let b = bytes[at];
            let (whitespace, len) = if b.is_ascii() {
                (is_ascii_whitespace_char(b), 1)
            } else {
                t[at..]
                    .chars()
                    .next()
                    .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8()))
            };
            if whitespace {
                if run == 0 {
                    run_start = at;
                }
                run += 1;
                at += len;
                continue;
            }
            let ended = (run >= 4).then_some((run_start, at));
            run = 0;
            at += len;
            if ended.is_some() {
                return ended;
            }
        }
        let ended = (run >= 4).then_some((run_start, bytes.len()));
        run = 0;
        ended
    })
}

/// The byte range of the last run of four or more whitespace characters in `t` (the column
/// gap of a `pdftotext -layout` table), as the regex `\s{4,}` would find it.
fn last_gap(t: &str) -> Option<(usize, usize)> {
    gaps(t).last()
}

/// Whether `t` has a gap of four or more whitespace characters between two that are not (a
/// table row's column gap), as the regex `\S\s{4,}\S` would say.
fn has_inner_gap(t: &str) -> bool {
    gaps(t).any(|(start, end)| start > 0 && end < t.len())
}

/// Rewrites two-column judgement headings as one line, "<area>: <grade>", so that they are
/// recognised like any other judgement heading. Only a run of 2-4 lines that then reads as a
/// graded judgement heading is rewritten; the lines it absorbs become blank.
fn merge_split_headings(lines: &[Line]) -> Vec<Line> {
    let mut out = lines.to_vec();
    // Whether each line has a grade column, decided once: a run can only be rewritten if one of
    // its lines has one, and most runs have none. Lines are only changed behind `i`, so the
    // flags of the lines ahead stay true.
    let graded: Vec<bool> = lines.iter().map(|l| grade_column(l).is_some()).collect();
    let mut i = 0;
    while i < out.len() {
        let mut best: Option<(usize, String)> = None;
        if !graded[i..out.len().min(i + 4)].contains(&true) {
            i += 1;
            continue;
        }
        for k in 2..=4 {
            let Some(window) = out.get(i..i + k) else {
                break;
            };
            // A line that is a heading of its own ("Summary") ends the run.
            let last = &window[k - 1];
            // So does a table row that is not a grade ("Key Judgement      Judgement Grade").
            let label_only = grade_column(last).is_none();
            if last.is_blank()
                || last.footnote
                || (label_only && last_gap(&last.text).is_some())
                || (label_only && headings::known(&last.text).is_some_and(|h| h.area.is_none()))
            {
                break;
            }
            let mut label: Vec<&str> = Vec::new();
            let mut grade: Vec<&str> = Vec::new();
            for line in window {
                match grade_column(line) {
                    Some((left, right)) => {
                        label.extend(Some(left.trim()).filter(|l| !l.is_empty()));
                        grade.push(right.trim());
                    }
                    None => label.push(line.text.trim()),
                }
            }
            if grade.is_empty() || label.is_empty() {
                continue;
            }
            // "The experiences and progress of      Requires" / "children who need help and
            // protection improvement": the grade's second word follows the label unspaced.
            let mut label = label.join(" ");
            let mut grade = grade.join(" ");
            if grade.eq_ignore_ascii_case("requires") || grade.eq_ignore_ascii_case("require") {
                if let Some(at) = label.to_lowercase().rfind(" improvement") {
                    grade = format!("{grade}{}", &label[at..]);
                    label.truncate(at);
                }
            }
            let text = format!("{label}: {grade}");
            if headings::known(&text).is_some_and(|h| h.grade.is_some() && h.area.is_some()) {
                best = Some((k, text));
            }
        }
        match best {
            Some((k, text)) => {
                out[i].text = text;
                out[i].marked_heading = true;
                for line in &mut out[i + 1..i + k] {
                    line.text.clear();
                }
                i += k;
            }
            None => i += 1,
        }
    }
    out
}

/// Closes the open block: peels known headings off the front of a paragraph, then pushes what
/// is left.
fn close(open: &mut Option<Open>, out: &mut Vec<Block>, vocabulary: &Vocabulary<'_>) {
    let Some(o) = open.take() else { return };
    if o.lines.is_empty() {
        return;
    }
    // A slice, so that peeling a heading off the front moves nothing (linear in the lines).
    let all = o.lines;
    let mut lines: &[(String, u32)] = &all;
    let mut page_break = o.page_break_before;
    if o.kind == BlockKind::Paragraph && o.number.is_none() {
        // Peel headings: the shortest run of 1-3 leading lines that is a complete known heading.
        loop {
            let mut peeled = None;
            for k in 1..=lines.len().min(3) {
                let text = join_lines(&lines[..k], vocabulary);
                if let Some(info) = headings::known(&text) {
                    // A heading wrapped onto the next line: prefer the longer reading when it
                    // adds the grade ("...help and protection" / "requires improvement") or
                    // the area ("Section 2: The effectiveness of the Local Safeguarding" /
                    // "Children Board").
                    let prefer_longer = info.grade.is_none()
                        && k < lines.len().min(3)
                        && headings::known(&join_lines(&lines[..k + 1], vocabulary)).is_some_and(
                            |longer| {
                                if info.area.is_some() {
                                    longer.grade.is_some()
                                } else {
                                    longer.area.is_some()
                                }
                            },
                        );
                    if !prefer_longer {
                        peeled = Some((k, text, info));
                        break;
                    }
                }
            }
            let Some((k, text, info)) = peeled else { break };
            out.push(Block {
                kind: BlockKind::Heading(info),
                text,
                number: None,
                line: lines[0].1,
                last_line: lines[k - 1].1,
                page_break_before: page_break,
                page: 0,
                indent: o.indent,
            });
            page_break = false;
            lines = &lines[k..];
            if lines.is_empty() {
                return;
            }
        }
        if o.marked_heading && lines.len() == 1 {
            out.push(Block {
                kind: BlockKind::Heading(headings::generic()),
                text: lines[0].0.clone(),
                number: None,
                line: lines[0].1,
                last_line: lines[0].1,
                page_break_before: page_break,
                page: 0,
                indent: o.indent,
            });
            return;
        }
    }
    let text = if o.kind == BlockKind::Table {
        lines
            .iter()
            .map(|(l, _)| CELL_SPLIT.split(l.trim()).collect::<Vec<_>>().join(" | "))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        join_lines(lines, vocabulary)
    };
    out.push(Block {
        kind: o.kind,
        text,
        number: o.number,
        line: lines[0].1,
        last_line: lines[lines.len() - 1].1,
        page_break_before: page_break,
        page: 0,
        indent: o.indent,
    });
}

/// Joins a block's lines with spaces, rejoining words hyphenated at line ends.
fn join_lines(lines: &[(String, u32)], vocabulary: &Vocabulary<'_>) -> String {
    let mut text = String::new();
    for (line, _) in lines {
        let line = line.trim();
        if text.is_empty() {
            text.push_str(line);
            continue;
        }
        append(&mut text, line, vocabulary);
    }
    text
}

/// Appends `next` to `text` across a line end: with a space, or, after a hyphen between letters,
/// with none (keeping the hyphen unless the document spells the word without it); a range of
/// numbers wrapped at its dash ("2014–" / "15") is joined without a space.
fn append(text: &mut String, next: &str, vocabulary: &Vocabulary<'_>) {
    let mut tail = text.chars().rev();
    let range = matches!(tail.next(), Some('–' | '-'))
        && tail.next().is_some_and(|c| c.is_ascii_digit())
        && next.starts_with(|c: char| c.is_ascii_digit());
    if range {
        text.push_str(next);
        return;
    }
    let bytes = text.as_bytes();
    let hyphenated = bytes.len() >= 2
        && bytes[bytes.len() - 1] == b'-'
        && bytes[bytes.len() - 2].is_ascii_alphabetic()
        && next.starts_with(|c: char| c.is_ascii_lowercase());
    if hyphenated {
        let head: String = text[..text.len() - 1]
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let tail: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
        let solid = format!("{head}{tail}").to_lowercase();
        let split = format!("{head}-{tail}").to_lowercase();
        if vocabulary.contains(&solid) && !vocabulary.contains(&split) {
            text.pop();
        }
        text.push_str(next);
    } else {
        text.push(' ');
        text.push_str(next);
    }
}

/// Lower-cased words of the document (with inner hyphens), to decide line-end hyphens. Built on
/// first use: most reports never ask (no word is hyphenated at a line end), and building it
/// touches every word of the report.
struct Vocabulary<'a> {
    lines: &'a [Line],
    words: OnceCell<FxHashSet<Cow<'a, str>>>,
}

impl<'a> Vocabulary<'a> {
    fn new(lines: &'a [Line]) -> Self {
        Vocabulary {
            lines,
            words: OnceCell::new(),
        }
    }

    /// Whether the document has the word (given lower-cased).
    fn contains(&self, word: &str) -> bool {
        self.words
            .get_or_init(|| Self::words(self.lines))
            .contains(word)
    }

    fn words(lines: &'a [Line]) -> FxHashSet<Cow<'a, str>> {
        let mut words = FxHashSet::default();
        for line in lines {
            let mut parts = line.text.split_whitespace().peekable();
            while let Some(w) = parts.next() {
                // The last word of a line ending in '-' is not evidence of anything.
                if parts.peek().is_none() && w.ends_with('-') {
                    continue;
                }
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if w.len() > 2 {
                    let lower = if w
                        .bytes()
                        .any(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
                    {
                        Cow::Owned(w.to_lowercase())
                    } else {
                        Cow::Borrowed(w)
                    };
                    words.insert(lower);
                }
            }
        }
        words
    }
}

/// Whether text ends a sentence (or a list lead-in), ignoring closing quotes and brackets.
pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '’' | '”' | ')' | ']' | '*')
    });
    t.ends_with(['.', '!', '?', ':', ';'])
}

/// Where a numbered block after a page break is a number wrapped to the start of the page
/// inside the paragraph before it (out of sequence, after an unfinished sentence, indented past
/// that paragraph's number): the index of that paragraph in `out`.
fn wrapped_across_page(out: &[Block], block: &Block) -> Option<usize> {
    let number = block.number.as_deref()?;
    if !block.page_break_before || block.kind != BlockKind::Paragraph {
        return None;
    }
    let t = out.iter().rposition(|b| b.kind != BlockKind::Footnote)?;
    let prev = &out[t];
    let open = prev.number.as_deref().and_then(|n| n.parse::<u32>().ok());
    let in_sequence = open.is_some_and(|n| number.parse::<u32>().ok() == Some(n + 1));
    // Indented into the text, past the paragraph's own number or bullet (pdftotext may shift a
    // page's lines by a column, so not necessarily to the same column).
    let indented = block.indent.0 > prev.indent.0;
    (matches!(prev.kind, BlockKind::Paragraph | BlockKind::Bullet)
        && !ends_sentence(&prev.text)
        && !in_sequence
        && indented)
        .then_some(t)
}

/// Joins paragraphs that a page break (or a stray blank line) cut in two, looking past
/// footnotes; then turns unjoined standalone title-like lines into headings.
fn join_continuations(raw: Vec<Block>, vocabulary: &Vocabulary<'_>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(raw.len());
    let mut single_line: Vec<bool> = Vec::with_capacity(raw.len());
    for mut block in raw {
        if let Some(t) = wrapped_across_page(&out, &block) {
            // "...beyond" / (page) / "      18. There are currently..." at the hanging indent.
            let number = block.number.take().unwrap_or_default();
            let prev = &mut out[t];
            append(
                &mut prev.text,
                &format!("{number}. {}", block.text),
                vocabulary,
            );
            prev.last_line = block.last_line;
            single_line[t] = false;
            continue;
        }
        if block.kind == BlockKind::Paragraph && block.number.is_none() {
            let target = out.iter().rposition(|b| b.kind != BlockKind::Footnote);
            if let Some(t) = target {
                let prev = &out[t];
                let first = block.text.chars().next().unwrap_or(' ');
                let continuable = matches!(prev.kind, BlockKind::Paragraph | BlockKind::Bullet)
                    && !ends_sentence(&prev.text);
                let lower = first.is_lowercase();
                // A capital after a page break continues only a running sentence, not a
                // short standalone line such as "Yours sincerely".
                let across_page = block.page_break_before
                    && first.is_alphabetic()
                    && prev.kind == BlockKind::Paragraph
                    // Six words or more: counted only as far as the sixth (the paragraph
                    // may have been joined across thousands of pages already).
                    && prev.text.split_whitespace().nth(5).is_some()
                    && prev
                        .text
                        .trim_end()
                        .ends_with(|c: char| c.is_alphabetic() || c == ',')
                    && headings::known(&block.text).is_none();
                // A paragraph that goes on after a page break at its hanging indent, even
                // after a full stop: "33. ... where possible." / (page) / "    When moves...".
                let hanging = block.page_break_before
                    && prev.kind == BlockKind::Paragraph
                    && prev.number.is_some()
                    && prev
                        .indent
                        .1
                        .is_some_and(|hang| hang > prev.indent.0 && hang == block.indent.0)
                    && headings::known(&block.text).is_none();
                if hanging || (continuable && (lower || across_page)) {
                    let prev = &mut out[t];
                    append(&mut prev.text, &block.text, vocabulary);
                    prev.last_line = block.last_line;
                    single_line[t] = false;
                    continue;
                }
            }
        }
        single_line.push(block.line == block.last_line);
        out.push(block);
    }
    for (block, single) in out.iter_mut().zip(single_line) {
        if single
            && block.kind == BlockKind::Paragraph
            && block.number.is_none()
            && headings::looks_like_heading(&block.text)
        {
            block.kind = BlockKind::Heading(headings::generic());
        }
    }
    out
}

#[cfg(test)]
mod tests {

    /// Lines for the gap scanners, with every kind of whitespace and of character beside it.
    const GAP_LINES: &[&str] = &[
        "",
        "    ",
        "Overall effectiveness      Good",
        "a    b     c",
        "a\t\t\t\tb",
        "a \u{a0}\u{2003}  b   ",
        "trailing gap     ",
        "     leading gap",
        "three   spaces",
        "é    ü",
        "‘front door’    2014–",
        "x\u{b}\u{c}\r\ny",
        "a\u{85}\u{2028}\u{3000}\u{200b}b",
        "1.    The front door",
    ];

    #[test]
    fn last_gap_finds_what_the_gap_regex_finds() {
        let gap = Regex::new(r"\s{4,}").expect("regex");
        for t in GAP_LINES {
            let want = gap.find_iter(t).last().map(|m| (m.start(), m.end()));
            assert_eq!(last_gap(t), want, "{t:?}");
        }
    }

    #[test]
    fn has_inner_gap_says_what_the_table_gap_regex_says() {
        let table_gap = Regex::new(r"\S\s{4,}\S").expect("regex");
        for t in GAP_LINES {
            assert_eq!(has_inner_gap(t), table_gap.is_match(t), "{t:?}");
        }
    }

    #[test]
    fn gap_scanners_agree_with_the_regexes_on_the_bundled_reports() {
        let gap = Regex::new(r"\s{4,}").expect("regex");
        let table_gap = Regex::new(r"\S\s{4,}\S").expect("regex");
        let mut lines = 0;
        for (path, text) in crate::test_corpus::report_texts().take(60) {
            for t in text.lines() {
                let want = gap.find_iter(t).last().map(|m| (m.start(), m.end()));
                assert_eq!(last_gap(t), want, "{}: {t:?}", path.display());
                assert_eq!(
                    has_inner_gap(t),
                    table_gap.is_match(t),
                    "{}: {t:?}",
                    path.display()
                );
                lines += 1;
            }
        }
        assert!(lines > 10_000, "only {lines} lines read");
    }
    use super::*;
    use crate::lines::prepare;
    use ofsearch_schema::Area;

    fn check(text: &str, expect: &[&str]) {
        let got: Vec<String> = blocks(&prepare(text))
            .iter()
            .map(|b| {
                let tag = match &b.kind {
                    BlockKind::Heading(_) => "H",
                    BlockKind::Paragraph => "P",
                    BlockKind::Bullet => "B",
                    BlockKind::Table => "T",
                    BlockKind::Footnote => "F",
                };
                match &b.number {
                    Some(n) => format!("{tag}{n} {}", b.text),
                    None => format!("{tag} {}", b.text),
                }
            })
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn page_break_cut_is_rejoined() {
        check(
            "- An effective service. Good communication between the\n\n\n\nout of hours and day time services ensures families receive a seamless service.\n\n- Next item.",
            &[
                "B An effective service. Good communication between the out of hours and day time services ensures families receive a seamless service.",
                "B Next item.",
            ],
        );
    }

    #[test]
    fn a_number_wrapped_to_the_start_of_a_line_is_not_a_paragraph_number() {
        // report-0241.txt (Slough SIF 2015), paragraph 83: "2014–" / "15. Support groups".
        check(
            "82. BAAS supports letterbox arrangements.\n\n83. BAAS is also commissioned to provide support to birth families. The number of\n    birth family members referred increased from nine in 2012–13 to 18 in 2014–\n    15. Support groups are available for birth mothers.\n\n84. The effectiveness of support is inconsistent.",
            &[
                "P82 BAAS supports letterbox arrangements.",
                "P83 BAAS is also commissioned to provide support to birth families. The number of birth family members referred increased from nine in 2012–13 to 18 in 2014–15. Support groups are available for birth mothers.",
                "P84 The effectiveness of support is inconsistent.",
            ],
        );
        // A number in sequence after a finished sentence, with no blank line, is a paragraph.
        check(
            "1. First point made.\n2. Second point made.",
            &["P1 First point made.", "P2 Second point made."],
        );
        // So is a list opened by a lead-in.
        check(
            "The plan has three aims:\n1. early help\n2. edge of care",
            &[
                "P The plan has three aims:",
                "P1 early help",
                "P2 edge of care",
            ],
        );
    }

    #[test]
    fn a_number_wrapped_to_the_top_of_a_page_or_inside_a_bullet_is_text() {
        // report-0005.txt (Telford and Wrekin SIF 2016), page 31 to 32.
        check(
            "90. The trust is not supporting enough children looked after to remain with their carers beyond\n      their birthday and the number is low, as shown by children aged\n\u{c}      18. There are currently just six young people in staying-put arrangements.\n\n91. Next.\n\u{c}",
            &[
                "P90 The trust is not supporting enough children looked after to remain with their carers beyond their birthday and the number is low, as shown by children aged 18. There are currently just six young people in staying-put arrangements.",
                "P91 Next.",
            ],
        );
        // report-0313.txt: a bullet wrapped at "16.".
        check(
            "\u{f0b7} Young people are getting help, both while they are at school and after they reach\n  16. More children in primary schools are doing well.",
            &["B Young people are getting help, both while they are at school and after they reach 16. More children in primary schools are doing well."],
        );
    }

    #[test]
    fn a_page_break_inside_a_numbered_paragraph_is_rejoined_at_its_indent() {
        // report-0001.txt (Sefton ILACS 2025), paragraph 33: the sentence ends at the foot of
        // page 5, and the paragraph goes on at its hanging indent on page 6.
        check(
            "33. Multi-agency planning supports children to make progress and live in stable\n    homes, with stability meetings preventing placement breakdowns where possible.\n\u{c}    When moves are necessary, children’s views are sought, and transitions are\n    planned with management oversight.\n\n34. Social workers work collaboratively with schools.\n\u{c}",
            &[
                "P33 Multi-agency planning supports children to make progress and live in stable homes, with stability meetings preventing placement breakdowns where possible. When moves are necessary, children’s views are sought, and transitions are planned with management oversight.",
                "P34 Social workers work collaboratively with schools.",
            ],
        );
        // Text at the left margin after the break is not the paragraph's. (Two form feeds make
        // a text paged.)
        check(
            "33. Multi-agency planning supports children to make progress and live in stable\n    homes, with stability meetings preventing placement breakdowns where possible.\n\u{c}The local authority responds rapidly and effectively to immediate concerns.\n\u{c}",
            &[
                "P33 Multi-agency planning supports children to make progress and live in stable homes, with stability meetings preventing placement breakdowns where possible.",
                "P The local authority responds rapidly and effectively to immediate concerns.",
            ],
        );
    }

    #[test]
    fn a_dash_aside_inside_a_sentence_is_not_a_bullet() {
        // report-0073.txt (Waltham Forest SIF 2016), paragraph 26.
        check(
            "26. Information sharing at multi-agency forums\n    – including the multi-agency sexual exploitation meetings –\n    gives a focus on both victims and perpetrators.\n\nThe plan covers three areas of the work of the service, as follows:\n– early help\n– edge of care",
            &[
                "P26 Information sharing at multi-agency forums – including the multi-agency sexual exploitation meetings – gives a focus on both victims and perpetrators.",
                "P The plan covers three areas of the work of the service, as follows:",
                "B early help",
                "B edge of care",
            ],
        );
    }

    #[test]
    fn numbered_paragraphs_set_out_with_a_wide_gap_are_prose() {
        // report-0037.txt (pdftotext -layout): the number, four spaces or more, the text.
        check(
            "3.    The front door makes good decisions.\n      Thresholds are understood.\n\n1.   Overall effectiveness      Good",
            &[
                "P3 The front door makes good decisions. Thresholds are understood.",
                "T 1.   Overall effectiveness | Good",
            ],
        );
    }

    #[test]
    fn pdftotext_numbered_paragraphs_across_pages_and_footnotes() {
        let mut text = String::from("The experiences and progress of children who need help and\nprotection: requires improvement to be good\n1. Children have access to a wide range of\n   early help. This means that for some\n\n\n1\n  The areas for improvement are cross-referenced.\nInspection of Sefton\n23 June to 4 July 2025\n   2\n");
        text.push_str("\u{c}    children they do not receive the support that they need.\n\n2. Early help assessments are propor-\n   tionate and well-\n   being is good.\nInspection of Sefton\n23 June to 4 July 2025\n   3\n");
        text.push_str("\u{c}3. Third.\nInspection of Sefton\n23 June to 4 July 2025\n   4\n\u{c}4. Fourth.\nInspection of Sefton\n23 June to 4 July 2025\n   5\n");
        check(
            &text,
            &[
                "H The experiences and progress of children who need help and protection: requires improvement to be good",
                "P1 Children have access to a wide range of early help. This means that for some children they do not receive the support that they need.",
                "F The areas for improvement are cross-referenced.",
                "P2 Early help assessments are propor-tionate and well-being is good.",
                "P3 Third.",
                "P4 Fourth.",
            ],
        );
    }

    #[test]
    fn headings_are_peeled_and_lists_kept_apart() {
        check(
            "Section 1: the local authority\nSummary of key findings\nThis local authority is good because\n\n  1.   When children need help\n       they get it.\n\nStrengths\n\n- For children under five, good.\n- Primary schools are good",
            &[
                "H Section 1: the local authority",
                "H Summary of key findings",
                "P This local authority is good because",
                "P1 When children need help they get it.",
                "H Strengths",
                "B For children under five, good.",
                "B Primary schools are good",
            ],
        );
    }

    #[test]
    fn capitalised_text_after_a_page_break_joins_only_a_running_sentence() {
        check(
            "The board works closely with the\n\n\n\nLocal Safeguarding Children Board.\n\nYours sincerely\n\n\n\nHeather Brown\nDivisional Manager",
            &[
                "P The board works closely with the Local Safeguarding Children Board.",
                "P Yours sincerely",
                "P Heather Brown Divisional Manager",
            ],
        );
    }

    #[test]
    fn two_column_judgement_headings_are_read_as_one() {
        check(
            "\u{c}The experiences and progress of\n                                                         Requires improvement\nchildren who need help and protection\nSummary\n\n2. Children looked after and achieving\n   permanence                                            to be good\n\n Leadership, management and\n                                                      Good\n governance\n\nLeadership, management and governance\n Key Judgement                                Judgement Grade\n Leadership, management and                   Inadequate\n governance\n\nThe experiences and progress of children     Requires Improvement\nlooked after and achieving permanence\n\nThe experiences and progress of       Requires\nchildren who need help and protection improvement\n\n                                                         Requires\nLeadership, management and governance\n                                                         improvement\n\nThe inspection is good\n                                                      Good",
            &[
                "H The experiences and progress of children who need help and protection: Requires improvement",
                "H Summary",
                "P2 Children looked after and achieving",
                "T permanence | to be good",
                "H Leadership, management and governance: Good",
                "H Leadership, management and governance",
                "T Key Judgement | Judgement Grade",
                "H Leadership, management and governance: Inadequate",
                "H The experiences and progress of children looked after and achieving permanence: Requires Improvement",
                "H The experiences and progress of children who need help and protection: Requires improvement",
                "H Leadership, management and governance: Requires improvement",
                "P The inspection is good Good",
            ],
        );
    }

    #[test]
    fn wrapped_section_heading_keeps_its_area() {
        let got = blocks(&prepare(
            "Section 2: The effectiveness of the Local Safeguarding\nChildren Board\nKey strengths and weaknesses of the LSCB\n\n1. The board is well led.",
        ));
        let BlockKind::Heading(info) = &got[0].kind else {
            panic!("{got:?}")
        };
        assert_eq!(
            got[0].text,
            "Section 2: The effectiveness of the Local Safeguarding Children Board"
        );
        assert_eq!(
            info.area.as_ref().map(|a| a.0),
            Some(Area::SafeguardingPartnership)
        );
    }

    #[test]
    fn hyphen_dropped_only_when_the_document_spells_the_word_solid() {
        check(
            "Work is proportionate. Assessments are propor-\ntionate and decision-\nmaking is swift.",
            &["P Work is proportionate. Assessments are proportionate and decision-making is swift."],
        );
    }

    #[test]
    fn tables_and_lowercase_continuations_across_one_blank_line() {
        check(
            "Children's services assessment\tPerforms well (3)\n\nChildren's services staff\n\nreceive good support.",
            &[
                "T Children's services assessment | Performs well (3)",
                "P Children's services staff receive good support.",
            ],
        );
    }
}
