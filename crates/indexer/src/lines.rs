//! From raw report text to clean lines: page furniture (running headers and footers, page
//! numbers) removed, footnotes marked, Markdown and HTML debris stripped, page breaks noted.
//!
//! Two conversions reach us. `pdftotext -layout` output marks pages with form feeds and keeps
//! column positions; Markdown-like conversions have no form feeds, mark pages with runs of blank
//! lines and carry `#` headings, `**bold**`, HTML tags and superscript footnote marks.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// One line of a report after cleaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the source file.
    pub no: u32,
    /// Cleaned text, without leading indentation; empty for a blank line.
    pub text: String,
    /// Columns of leading indentation in the source.
    pub indent: usize,
    /// The first line after a page break (form feed, or a run of blank lines).
    pub page_break_before: bool,
    /// The page it is on, as a reader finds it: the number printed on the page when the
    /// printed numbers follow the form feeds, else the page's position; 0 where pages are not
    /// known (no form feeds) or for an unnumbered page before the printed numbering starts.
    pub page: u32,
    /// A Markdown heading (`#`) or a line wholly in bold.
    pub marked_heading: bool,
    /// Part of a footnote.
    pub footnote: bool,
}

impl Line {
    /// Whether the line has no text.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

static HTML_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][^<>]*>").expect("static regex"));
static MD_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("static regex"));
static MD_EMPHASIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[\s(])\*([^\s*](?:[^*]*[^\s*])?)\*([\s.,;:)]|$)").expect("static regex")
});
static BRACED_SUPERSCRIPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\^\{[^}]*\}").expect("static regex"));
static PAGE_OF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*page\s+\d+(\s+of\s+\d+)?\s*$").expect("static regex"));
static BARE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\d{1,3}\s*$").expect("static regex"));
static GLUED_FOOTNOTE_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([a-z]{3,}[?)]?|[a-z]\?)(\d{1,2})$").expect("static regex"));

const SUPERSCRIPTS: &[char] = &['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', '⁰'];

/// Splits and cleans a report's text into lines.
pub fn prepare(text: &str) -> Vec<Line> {
    let raw: Vec<&str> = text.split('\n').collect();
    let paged = raw.iter().filter(|l| l.contains('\u{c}')).count() >= 2;
    let mut removed = vec![false; raw.len()];
    let mut footnote = vec![false; raw.len()];
    let mut page_start = vec![false; raw.len()];
    let mut page_of = vec![0u32; raw.len()];
    if paged {
        let pages = page_ranges(&raw);
        for (page, label) in pages.iter().zip(page_labels(&raw, &pages)) {
            page_start[page.start] = page.start > 0;
            page_of[page.clone()].fill(label);
        }
        mark_furniture(&raw, &pages, &mut removed);
        mark_pdf_footnotes(&raw, &pages, &removed, &mut footnote);
    }
    let mut lines = Vec::with_capacity(raw.len());
    let mut blank_run = 0usize;
    let mut pending_break = false;
    for (i, raw_line) in raw.iter().enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        pending_break |= page_start[i];
        if removed[i] {
            continue;
        }
        let line = raw_line.trim_end_matches('\r').replace('\u{c}', "");
        if !paged && (PAGE_OF.is_match(&line) || is_rule(&line)) {
            blank_run += 1;
            lines.push(blank(no));
            continue;
        }
        if line.trim().is_empty() {
            blank_run += 1;
            lines.push(blank(no));
            continue;
        }
        if !paged && blank_run >= 3 {
            pending_break = true;
        }
        blank_run = 0;
        for mut cleaned in clean(&line, no) {
            cleaned.footnote |= footnote[i];
            cleaned.page = page_of[i];
            cleaned.page_break_before = std::mem::take(&mut pending_break);
            if !cleaned.text.is_empty() {
                lines.push(cleaned);
            }
        }
    }
    lines
}

/// A Markdown horizontal rule or table separator row: only dashes, pipes, colons and spaces.
fn is_rule(line: &str) -> bool {
    line.matches('-').count() >= 3
        && line
            .chars()
            .all(|c| matches!(c, '-' | '|' | ':' | ' ' | '\t'))
}

fn blank(no: u32) -> Line {
    Line {
        no,
        text: String::new(),
        indent: 0,
        page_break_before: false,
        page: 0,
        marked_heading: false,
        footnote: false,
    }
}

/// Index ranges of the pages of a form-feed-separated text.
fn page_ranges(raw: &[&str]) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let mut start = 0;
    for (i, line) in raw.iter().enumerate() {
        if i > start && line.starts_with('\u{c}') {
            pages.push(start..i);
            start = i;
        }
    }
    pages.push(start..raw.len());
    pages
}

/// A line as furniture recurs: numbers (page numbers, which also change width) as one `#`,
/// each run of whitespace as one space (`pdftotext -layout` right-aligns a page number, so the
/// gap before it changes from page to page).
fn furniture_key(line: &str) -> String {
    let mut key = String::with_capacity(line.len());
    for c in line.trim().trim_start_matches('\u{c}').trim_start().chars() {
        let c = if c.is_ascii_digit() {
            '#'
        } else if c.is_whitespace() {
            ' '
        } else {
            c
        };
        if (c == '#' || c == ' ') && key.ends_with(c) {
            continue;
        }
        key.push(c);
    }
    key
}

/// The page number printed on a page: its last non-blank line as a bare number, "Page n (of
/// m)", or a number set off at the end of a footer line by a wide gap ("9 to 20 June 2025
/// <gap> 6"); or its first line as "Page n of m".
fn printed_page_number(raw: &[&str], page: &std::ops::Range<usize>) -> Option<u32> {
    let text = |i: usize| raw[i].trim_start_matches('\u{c}').trim();
    let mut nonblank = page.clone().filter(|&i| !text(i).is_empty());
    let first = nonblank.next()?;
    let last = nonblank.next_back().unwrap_or(first);
    let number = |t: &str| -> Option<u32> {
        if BARE_NUMBER.is_match(t) {
            return t.trim().parse().ok();
        }
        if PAGE_OF.is_match(t) {
            return t.split_whitespace().nth(1)?.parse().ok();
        }
        let (head, tail) = t.rsplit_once(char::is_whitespace)?;
        let gap = head.len() - head.trim_end().len();
        let digits = (1..=3).contains(&tail.len()) && tail.bytes().all(|b| b.is_ascii_digit());
        (digits && gap >= 3).then(|| tail.parse().ok()).flatten()
    };
    number(text(last)).or_else(|| PAGE_OF.is_match(text(first)).then(|| number(text(first)))?)
}

/// The page each page of a form-feed text is cited as. Where the numbers printed on the pages
/// follow their positions by one offset (the commonest, held by at least half the numbered
/// pages and more than one), every page is its position plus that offset (0, no page, for an
/// unnumbered cover before the numbering starts); otherwise each page is its position.
fn page_labels(raw: &[&str], pages: &[std::ops::Range<usize>]) -> Vec<u32> {
    let mut offsets: HashMap<i64, usize> = HashMap::new();
    let mut numbered = 0usize;
    for (i, page) in pages.iter().enumerate() {
        if let Some(printed) = printed_page_number(raw, page) {
            numbered += 1;
            *offsets
                .entry(i64::from(printed) - i as i64 - 1)
                .or_default() += 1;
        }
    }
    let offset = offsets
        .into_iter()
        .max_by_key(|&(offset, n)| (n, -offset.abs()))
        .filter(|&(_, n)| n >= 2 && 2 * n >= numbered)
        .map_or(0, |(offset, _)| offset);
    (0..pages.len())
        .map(|i| u32::try_from(i as i64 + 1 + offset).unwrap_or(0))
        .collect()
}

/// Marks running headers, footers and page numbers: lines that recur at the top or bottom of
/// many pages, and a lone number ending (or opening) a page.
fn mark_furniture(raw: &[&str], pages: &[std::ops::Range<usize>], removed: &mut [bool]) {
    let edges = |page: &std::ops::Range<usize>| -> Vec<usize> {
        let nonblank: Vec<usize> = page
            .clone()
            .filter(|&i| !raw[i].trim().trim_start_matches('\u{c}').is_empty())
            .collect();
        let mut idx: Vec<usize> = nonblank.iter().take(2).copied().collect();
        idx.extend(nonblank.iter().rev().take(4).copied());
        idx.sort_unstable();
        idx.dedup();
        idx
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages {
        let mut seen: Vec<String> = edges(page).iter().map(|&i| furniture_key(raw[i])).collect();
        seen.sort();
        seen.dedup();
        for key in seen {
            *counts.entry(key).or_default() += 1;
        }
    }
    let threshold = (pages.len() / 3).max(3);
    for page in pages {
        for i in edges(page) {
            let key = furniture_key(raw[i]);
            if key.len() >= 2 && counts.get(&key).copied().unwrap_or(0) >= threshold {
                removed[i] = true;
            }
        }
        // A page number: the last non-blank line if it is a bare number or "Page n of m".
        if let Some(last) = page
            .clone()
            .rev()
            .find(|&i| !raw[i].trim().trim_start_matches('\u{c}').is_empty())
        {
            let text = raw[last].trim_start_matches('\u{c}');
            if BARE_NUMBER.is_match(text) || PAGE_OF.is_match(text) {
                removed[last] = true;
            }
        }
        if let Some(first) = page
            .clone()
            .find(|&i| !raw[i].trim().trim_start_matches('\u{c}').is_empty())
        {
            let text = raw[first].trim_start_matches('\u{c}');
            if PAGE_OF.is_match(text) {
                removed[first] = true;
            }
        }
    }
}

/// Marks footnotes at the foot of each page: from a line holding only a small number (the
/// footnote mark) followed by text, to the end of the page's remaining lines.
fn mark_pdf_footnotes(
    raw: &[&str],
    pages: &[std::ops::Range<usize>],
    removed: &[bool],
    footnote: &mut [bool],
) {
    for page in pages {
        let kept: Vec<usize> = page
            .clone()
            .filter(|&i| !removed[i] && !raw[i].trim().trim_start_matches('\u{c}').is_empty())
            .collect();
        let tail_start = kept.len().saturating_sub(14);
        let mut start = None;
        for k in tail_start..kept.len() {
            let text = raw[kept[k]].trim_start_matches('\u{c}').trim();
            let is_mark = text.len() <= 2 && text.chars().all(|c| c.is_ascii_digit());
            if is_mark && k + 1 < kept.len() && kept[k + 1] == kept[k] + 1 {
                start = Some(k);
                break;
            }
        }
        if let Some(k) = start {
            for &i in &kept[k..] {
                footnote[i] = true;
            }
        }
    }
}

/// Cleans one source line; a line holding several `▪` items becomes several lines.
fn clean(line: &str, no: u32) -> Vec<Line> {
    let expanded = line.replace('\t', "    ");
    let indent = expanded.len() - expanded.trim_start().len();
    let mut text = expanded.trim().to_string();
    let mut marked_heading = false;
    let mut footnote = false;

    if text.contains('<') {
        text = HTML_TAG.replace_all(&text, " ").trim().to_string();
    }
    if text.contains("](") {
        text = MD_LINK.replace_all(&text, "$1").into_owned();
    }
    let hashes = text.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && text[hashes..].starts_with(' ') {
        text = text[hashes..].trim().to_string();
        marked_heading = true;
    }
    if text.len() > 4
        && text.starts_with("**")
        && text.ends_with("**")
        && !text[2..text.len() - 2].contains("**")
    {
        marked_heading = true;
    }
    if text.contains('*') {
        text = text.replace("**", "").replace("\\*", "\u{0}");
        text = MD_EMPHASIS
            .replace_all(&text, "$1$2$3")
            .replace('\u{0}', "*");
    }
    if text.starts_with(SUPERSCRIPTS) {
        footnote = true;
    }
    if text.contains(SUPERSCRIPTS) {
        text = text.replace(SUPERSCRIPTS, "");
    }
    if text.contains("^{") {
        text = BRACED_SUPERSCRIPT.replace_all(&text, "").into_owned();
    }
    if let Some(caps) = GLUED_FOOTNOTE_MARK.captures(&text) {
        if let Some(word) = caps.get(1) {
            let end = word.end();
            text.truncate(end);
        }
    }
    let text = text.trim().to_string();

    let make = |text: String| Line {
        no,
        text,
        indent,
        page_break_before: false,
        page: 0,
        marked_heading,
        footnote,
    };
    if text.matches('▪').count() >= 2 || (text.contains('▪') && !text.starts_with('▪')) {
        return text
            .split('▪')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .enumerate()
            .map(|(i, item)| {
                if i == 0 && !text.starts_with('▪') {
                    make(item.to_string())
                } else {
                    make(format!("▪ {item}"))
                }
            })
            .collect();
    }
    vec![make(text)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                let mut s = String::new();
                if l.page_break_before {
                    s.push_str("<pb>");
                }
                if l.marked_heading {
                    s.push_str("<h>");
                }
                if l.footnote {
                    s.push_str("<fn>");
                }
                s.push_str(&l.text);
                s
            })
            .collect()
    }

    #[test]
    fn markdown_and_html_debris() {
        let lines = prepare(
            "#### **Being healthy**\n**15. The impact is good.** More *text* here, A\\*–C and A* to C.\n<b>Introduction</b>\t<b>2</b>\nSee [www.ofsted.gov.uk](http://www.ofsted.gov.uk)\n¹ Ofsted produces this report\nsafeguarding children board 1\nWhat needs to improve?1",
        );
        assert_eq!(
            texts(&lines),
            [
                "<h>Being healthy",
                "15. The impact is good. More text here, A*–C and A* to C.",
                "Introduction      2",
                "See www.ofsted.gov.uk",
                "<fn>Ofsted produces this report",
                "safeguarding children board 1",
                "What needs to improve?",
            ]
        );
    }

    #[test]
    fn bullets_in_one_html_line_are_split() {
        let lines = prepare("<ul style=\"x\"> ▪ First item. ▪ Second item.");
        assert_eq!(texts(&lines), ["▪ First item.", "▪ Second item."]);
    }

    #[test]
    fn pdftotext_pages_lose_furniture_and_keep_footnotes_apart() {
        let mut text = String::new();
        for page in 1..=4 {
            if page > 1 {
                text.push('\u{c}');
            }
            let body = [
                "Children are safe",
                "Leaders know",
                "Plans are clear",
                "Most visits",
            ][page - 1];
            text.push_str(&format!("{body} and mid\n\n\n"));
            if page == 2 {
                text.push_str("1\n  A footnote here.\n");
            }
            text.push_str("Inspection of Sefton local authority children’s services\n23 June to 4 July 2025\n");
            text.push_str(&format!("                     {page}\n"));
        }
        let lines = prepare(&text);
        let kept: Vec<String> = texts(&lines)
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect();
        assert_eq!(
            kept,
            [
                "Children are safe and mid",
                "<pb>Leaders know and mid",
                "<fn>1",
                "<fn>A footnote here.",
                "<pb>Plans are clear and mid",
                "<pb>Most visits and mid",
            ]
        );
        assert_eq!(lines[0].no, 1);
    }

    #[test]
    fn a_footer_with_its_page_number_right_aligned_is_furniture() {
        // report-0125.txt: "9 to 20 June 2025" and the page number on one line, the gap
        // between them as wide as the number is narrow.
        let mut text = String::new();
        for page in 1..=11 {
            if page > 1 {
                text.push('\u{c}');
            }
            let gap = " ".repeat(70 + (page * 7) % 9 - if page >= 10 { 1 } else { 0 });
            let body = [
                "Leaders", "Staff", "Carers", "Partners", "Managers", "Workers", "Advisers",
                "Teams", "Panels", "Boards", "Schools",
            ][page - 1];
            text.push_str(&format!("{body} know and\n\nInspection of Gloucestershire local authority children’s services\n9 to 20 June 2025{gap}{page}\n"));
        }
        let kept: Vec<String> = texts(&prepare(&text))
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect();
        assert_eq!(kept.len(), 11, "{kept:#?}");
        assert!(kept.iter().all(|t| t.ends_with(" know and")), "{kept:#?}");
    }

    /// A form-feed text of `bodies`, each page ending with `footers[i]` as its last line.
    fn paged(bodies: &[&str], footers: &[&str]) -> String {
        let mut text = String::new();
        for (i, (body, footer)) in bodies.iter().zip(footers).enumerate() {
            if i > 0 {
                text.push('\u{c}');
            }
            text.push_str(&format!("{body}\n\n{footer}\n"));
        }
        text
    }

    /// Each non-blank line's text and page.
    fn pages(text: &str) -> Vec<(String, u32)> {
        prepare(text)
            .into_iter()
            .filter(|l| !l.is_blank())
            .map(|l| (l.text, l.page))
            .collect()
    }

    #[test]
    fn lines_know_the_page_printed_on_it() {
        // Printed numbers that follow the pages, right-aligned, the cover unnumbered.
        let got = pages(&paged(
            &[
                "Cover",
                "Second page text",
                "Third page text",
                "Fourth page",
            ],
            &["", "                      2", "Page 3 of 4", "       4"],
        ));
        let want = [
            ("Cover", 1),
            ("Second page text", 2),
            ("Third page text", 3),
            ("Fourth page", 4),
        ];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));

        // Numbering that starts after an unnumbered cover: the printed numbers are cited, the
        // cover has no page.
        let got = pages(&paged(
            &["Cover", "Body one", "Body two", "Body three"],
            &["", "1", "2", "Inspection of X        3"],
        ));
        let want = [
            ("Cover", 0),
            ("Body one", 1),
            ("Body two", 2),
            ("Body three", 3),
            // A footer that occurs once is not furniture; its number still counts.
            ("Inspection of X        3", 3),
        ];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));

        // No printed numbers: the pages as they come.
        let got = pages(&paged(&["One", "Two", "Three"], &["", "", ""]));
        let want = [("One", 1), ("Two", 2), ("Three", 3)];
        assert_eq!(got, want.map(|(t, p)| (t.to_string(), p)));

        // No form feeds (a Markdown conversion): pages are not known.
        assert!(pages("One\n\n\n\nTwo\n").iter().all(|(_, p)| *p == 0));
    }

    #[test]
    fn blank_runs_are_page_breaks_in_markdown() {
        let lines = prepare("Good communication between the\n\n\n\nout of hours services");
        assert_eq!(
            texts(&lines)
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>(),
            [
                "Good communication between the",
                "<pb>out of hours services"
            ]
        );
    }
}
