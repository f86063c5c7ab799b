//! Printing one report: a template's pieces for a target authority and year, with its prose
//! paragraphs drawn again and wrapped as the template's were.
//!
//! Wrapping is greedy, at the paragraph's own width, and never starts a line with what the
//! indexer would read as the start of something else: a bullet or a paragraph number ("16."),
//! a salutation ("Dear"), "Lead inspector", "Her Majesty's", "Inspection dates", a page
//! number ("Page 3", or a lone number on the last line). The lines fill the template's runs
//! between page breaks in order, the last run taking any extra lines, with the page furniture
//! and form feeds between runs printed as they were.

use std::ops::Range;

use crate::model::{Model, Piece, Slot, Span, Template};
use crate::rng::SplitMix64;
use crate::targets::Target;
use crate::years::push_moved;

/// Prints reports; holds the buffers one paragraph needs, reused from report to report.
#[derive(Debug, Default)]
pub(crate) struct Renderer {
    text: String,
    words: Vec<Range<usize>>,
    lines: Vec<Range<usize>>,
}

/// Whether a line must not start with `word` (followed by `next`).
fn bad_start(word: &str, next: &str) -> bool {
    let Some(first) = word.chars().next() else {
        return false;
    };
    let starts = |w: &str, prefix: &str| {
        w.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    let eq = |w: &str, other: &str| w.eq_ignore_ascii_case(other);
    let numbered = word.len() >= 2
        && word.len() <= 4
        && word.ends_with(['.', ')'])
        && word[..word.len() - 1].bytes().all(|b| b.is_ascii_digit());
    "-*•▪◼■●○◦·–➢✓#>|".contains(first)
        || ('\u{F000}'..='\u{F0FF}').contains(&first)
        || word == "o"
        || numbered
        || eq(word, "dear")
        || (eq(word, "lead") && starts(next, "inspector"))
        || ((eq(word, "his") || eq(word, "her")) && starts(next, "majesty"))
        || (eq(word, "inspection") && starts(next, "date"))
        || (eq(word, "page") && next.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a line is a lone number of 1-3 digits (read as a page number).
fn bare_number(line: &str) -> bool {
    (1..=3).contains(&line.len()) && line.bytes().all(|b| b.is_ascii_digit())
}

impl Renderer {
    /// Appends the report `template` becomes for `target` in `year` to `out`, drawing
    /// sentences with `rng`.
    pub(crate) fn report(
        &mut self,
        model: &Model,
        template: &Template,
        target: &Target,
        year: i32,
        rng: &mut SplitMix64,
        out: &mut String,
    ) {
        for piece in &model.pieces[template.body.range()] {
            match *piece {
                Piece::Paragraph(i) => self.paragraph(model, i as usize, target, year, rng, out),
                other => simple(model, other, target, year, out),
            }
        }
    }

    /// Appends a re-sampled paragraph.
    fn paragraph(
        &mut self,
        model: &Model,
        index: usize,
        target: &Target,
        year: i32,
        rng: &mut SplitMix64,
        out: &mut String,
    ) {
        let Some(spec) = model.paragraphs.get(index) else {
            return;
        };
        self.text.clear();
        for slot in &model.slots[spec.slots.range()] {
            let sentence = match *slot {
                Slot::Keep(span) => span,
                Slot::Draw(pool) => {
                    let pool = &model.pools[pool as usize];
                    pool[rng.below(pool.len())]
                }
            };
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            pieces(model, sentence, target, year, &mut self.text);
        }
        let lead = &model.arena[spec.lead.range()];
        let indent = &model.arena[spec.indent.range()];
        self.wrap(lead, indent, spec.width as usize);

        let mut next = 0;
        let last = self.lines.len();
        for (r, &run) in spec.runs.iter().enumerate() {
            let take = if r + 1 == spec.runs.len() {
                last - next
            } else {
                (run as usize).min(last - next)
            };
            for _ in 0..take {
                out.push_str(if next == 0 { lead } else { indent });
                out.push_str(&self.text[self.lines[next].clone()]);
                next += 1;
                if next < last || spec.newline {
                    out.push('\n');
                }
            }
            if let Some(&gap) = spec.gaps.get(r) {
                pieces(model, gap, target, year, out);
            }
        }
    }

    /// Breaks `self.text` into lines of at most `width` characters (counting the lead on the
    /// first line and the indentation on the others; 0: one line).
    fn wrap(&mut self, lead: &str, indent: &str, width: usize) {
        self.lines.clear();
        let text = &self.text;
        if width == 0 {
            self.lines.push(0..text.len());
            return;
        }
        self.words.clear();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b' ' {
                self.words.push(start..i);
                start = i + 1;
            }
        }
        self.words.push(start..text.len());
        let chars = |s: &str| {
            if s.is_ascii() {
                s.len()
            } else {
                s.chars().filter(|&c| c != '\u{c}').count()
            }
        };
        let indent_width = chars(indent);
        let mut line_start = 0;
        let mut used = chars(lead);
        for (k, word) in self.words.iter().enumerate() {
            let w = &text[word.clone()];
            let len = chars(w);
            if k > 0 && used + 1 + len > width {
                let next = self.words.get(k + 1).map_or("", |n| &text[n.clone()]);
                if !bad_start(w, next) {
                    self.lines.push(line_start..word.start - 1);
                    line_start = word.start;
                    used = indent_width + len;
                    continue;
                }
            }
            used += if k > 0 { 1 + len } else { len };
        }
        self.lines.push(line_start..text.len());
        // A lone number on the last line would be read as a page number: join it to the line
        // before.
        let n = self.lines.len();
        if n >= 2 && bare_number(&text[self.lines[n - 1].clone()]) {
            let end = self.lines[n - 1].end;
            self.lines.pop();
            if let Some(l) = self.lines.last_mut() {
                l.end = end;
            }
        }
    }
}

/// Appends the pieces of a sentence or gap (no paragraphs inside).
fn pieces(model: &Model, span: Span, target: &Target, year: i32, out: &mut String) {
    for piece in &model.pieces[span.range()] {
        simple(model, *piece, target, year, out);
    }
}

/// Appends one piece that is not a paragraph.
fn simple(model: &Model, piece: Piece, target: &Target, year: i32, out: &mut String) {
    match piece {
        Piece::Text(span) => out.push_str(&model.arena[span.range()]),
        Piece::Moved {
            kind,
            value,
            source,
        } => push_moved(out, kind, i32::from(value) + year - i32::from(source)),
        Piece::Name(style) => out.push_str(target.name(style)),
        Piece::Paragraph(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(text: &str, lead: &str, indent: &str, width: usize) -> Vec<String> {
        let mut r = Renderer {
            text: text.to_string(),
            ..Renderer::default()
        };
        r.wrap(lead, indent, width);
        r.lines
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{}{}", if i == 0 { lead } else { indent }, &text[l.clone()]))
            .collect()
    }

    #[test]
    fn wraps_at_the_width_with_lead_and_indent() {
        assert_eq!(
            wrapped(
                "Children are seen quickly and their needs are well understood.",
                "  1.   ",
                "       ",
                30
            ),
            [
                "  1.   Children are seen",
                "       quickly and their needs",
                "       are well understood.",
            ]
        );
        assert_eq!(wrapped("One long line.", "", "", 0), ["One long line."]);
    }

    #[test]
    fn never_starts_a_line_with_a_marker() {
        // "16." would start a numbered paragraph, "-" a bullet, "Dear" a salutation.
        let lines = wrapped(
            "Young people aged 16. Most - but not all - say Dear me.",
            "",
            "",
            18,
        );
        for l in &lines[1..] {
            let first = l.split(' ').next().unwrap_or("");
            assert!(!bad_start(first, ""), "{lines:?}");
        }
        // A lone number is not left on the last line.
        let lines = wrapped("Children waiting for a decision number 16", "", "", 38);
        assert_eq!(lines, ["Children waiting for a decision number 16"]);
    }
}
