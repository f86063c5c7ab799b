//! Bounded paragraphs: no document the index holds is longer than [`MAX_PARAGRAPH_BYTES`], so
//! that the work of every query (snippets, KWIC, proximity) is bounded per hit whatever the
//! input. A longer paragraph, which only a bad conversion produces (a PDF's text with no line
//! breaks), is split at sentence ends, else between words, else between characters; its
//! pieces keep its tags and its printed number, so nothing is lost and each piece cites the
//! same place.

/// The longest paragraph text indexed, in bytes: well above the longest real paragraph in the
/// 457 bundled reports (11.5 KB, a flattened table), small enough that a hit's snippet costs
/// microseconds.
pub const MAX_PARAGRAPH_BYTES: usize = 32 * 1024;

/// `text` cut into pieces of at most `max` bytes (`max` at least 4, one UTF-8 character), each
/// ending at a sentence end (". ", "? ", "! ") where one lies in the second half of the
/// window, else at the last space in it, else at the last character boundary. The pieces,
/// joined with the whitespace that was cut, are `text`; the cut whitespace is dropped. Linear
/// in the length of `text`.
pub fn pieces(text: &str, max: usize) -> Vec<&str> {
    let max = max.max(4);
    let mut pieces = Vec::with_capacity(text.len() / max + 1);
    let mut rest = text;
    while rest.len() > max {
        let cut = cut_at(rest, max);
        let (piece, after) = rest.split_at(cut);
        let piece = piece.trim_end();
        if !piece.is_empty() {
            pieces.push(piece);
        }
        rest = after.trim_start();
    }
    if !rest.is_empty() {
        pieces.push(rest);
    }
    pieces
}

/// Where to cut `text` (longer than `max` bytes): a byte offset in `1..=max` on a character
/// boundary.
fn cut_at(text: &str, max: usize) -> usize {
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let window = &text.as_bytes()[..end];
    let half = end / 2;
    // After a sentence's closing mark and its space, in the second half of the window.
    let sentence = window
        .windows(2)
        .rposition(|pair| matches!(pair[0], b'.' | b'?' | b'!') && pair[1] == b' ')
        .map(|i| i + 2)
        .filter(|&i| i > half);
    let space = window
        .iter()
        .rposition(|&b| b == b' ')
        .map(|i| i + 1)
        .filter(|&i| i > 1);
    sentence.or(space).unwrap_or(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejoined(pieces: &[&str]) -> String {
        pieces.join(" ")
    }

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(pieces("Children are safe.", 64), vec!["Children are safe."]);
        assert!(pieces("", 64).is_empty());
    }

    #[test]
    fn long_text_is_cut_at_sentence_ends() {
        let sentence = "Leaders know their services well and act on what they find. ";
        let text = sentence.repeat(40);
        let text = text.trim_end();
        let cut = pieces(text, 1000);
        assert!(cut.len() > 2, "{}", cut.len());
        for piece in &cut {
            assert!(piece.len() <= 1000, "{}", piece.len());
            assert!(piece.ends_with('.'), "{piece}");
            assert!(piece.starts_with("Leaders"), "{piece}");
        }
        assert_eq!(rejoined(&cut), text);
    }

    #[test]
    fn a_sentence_longer_than_the_window_is_cut_between_words() {
        let text = "word ".repeat(500);
        let text = text.trim_end();
        let cut = pieces(text, 101);
        for piece in &cut {
            assert!(piece.len() <= 101);
            assert!(piece.split(' ').all(|w| w == "word"), "{piece}");
        }
        assert_eq!(rejoined(&cut), text);
    }

    #[test]
    fn one_endless_word_is_cut_between_characters() {
        // Multi-byte characters: no cut falls inside one.
        let text = "é’".repeat(1000);
        let cut = pieces(&text, 100);
        for piece in &cut {
            assert!(piece.len() <= 100 && !piece.is_empty());
        }
        assert_eq!(cut.concat(), text);
    }

    #[test]
    fn linear_on_a_large_input() {
        let text = "neglect".repeat(1 << 20);
        let cut = pieces(&text, MAX_PARAGRAPH_BYTES);
        assert_eq!(cut.len(), text.len().div_ceil(MAX_PARAGRAPH_BYTES));
        assert_eq!(cut.concat(), text);
    }
}
