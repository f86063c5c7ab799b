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
    /// first line and the indentation on the others; 0: one line), greedily: each line ends at
    /// the last space that lets it fit (after its first word, however long), or later where the
    /// next line would start with a marker (see [`bad_start`]).
    fn wrap(&mut self, lead: &str, indent: &str, width: usize) {
        self.lines.clear();
        let text = self.text.as_str();
        let bytes = text.as_bytes();
        let len = bytes.len();
        if width == 0 {
            self.lines.push(0..len);
            return;
        }
        let next_space = |from: usize| {
            bytes
                .get(from..)
                .and_then(|rest| rest.iter().position(|&b| b == b' '))
                .map_or(len, |i| from + i)
        };
        let mut start = 0;
        let mut room = width.saturating_sub(chars(lead)).max(1);
        let indent_room = width.saturating_sub(chars(indent)).max(1);
        loop {
            // The byte where the character after `room` characters from `start` begins.
            let mut count = 0;
            let mut at = start;
            while at < len {
                if bytes[at] & 0xC0 != 0x80 {
                    if count == room {
                        break;
                    }
                    count += 1;
                }
                at += 1;
            }
            if at >= len {
                self.lines.push(start..len);
                break;
            }
            let mut cut = match bytes[start..=at].iter().rposition(|&b| b == b' ') {
                Some(i) if i > 0 => start + i,
                _ => next_space(start),
            };
            while cut < len {
                let word_end = next_space(cut + 1);
                let next_end = next_space(word_end + 1);
                let word = &text[cut + 1..word_end];
                let next = text.get(word_end + 1..next_end).unwrap_or("");
                if !bad_start(word, next) {
                    break;
                }
                cut = word_end;
            }
            if cut >= len {
                self.lines.push(start..len);
                break;
            }
            self.lines.push(start..cut);
            start = cut + 1;
            room = indent_room;
        }
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

/// Characters of a line's lead or indentation, form feeds not counted.
fn chars(s: &str) -> usize {
    s.chars().filter(|&c| c != '\u{c}').count()
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
        // Characters, not bytes: curly quotes count one each.
        assert_eq!(
            wrapped("“Children’s” plans ‘are’ good.", "", "", 19),
            ["“Children’s” plans", "‘are’ good."]
        );
        // A word longer than the line stands alone.
        assert_eq!(
            wrapped("multi-agency-safeguarding-hub works", "", "", 10),
            ["multi-agency-safeguarding-hub", "works"]
        );
    }

    #[test]
    fn lines_are_full_and_fit() {
        let words = [
            "a",
            "care",
            "leavers’",
            "multi-agency",
            "plans",
            "to",
            "children’s",
            "the",
        ];
        let mut rng = crate::rng::SplitMix64::new(1);
        for _ in 0..500 {
            let n = 1 + rng.below(40);
            let text: Vec<&str> = (0..n).map(|_| words[rng.below(words.len())]).collect();
            let text = text.join(" ");
            let width = 12 + rng.below(60);
            let lines = wrapped(&text, "  1.  ", "      ", width);
            let joined = lines.join(" ");
            let words: Vec<&str> = joined.split_whitespace().skip(1).collect();
            assert_eq!(words.join(" "), text);
            for (i, line) in lines.iter().enumerate() {
                let chars = line.chars().count();
                let single_word = line.split_whitespace().count() <= 2;
                assert!(chars <= width || single_word, "{width}: {lines:?}");
                if let Some(next) = lines.get(i + 1) {
                    let first = next.split_whitespace().next().unwrap_or("");
                    assert!(
                        chars + 1 + first.chars().count() > width,
                        "{width}: {lines:?}"
                    );
                }
            }
        }
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
