//! The query language: a hand-written parser from query text to the [`Node`] tree that the
//! searcher compiles. [`parse`] is strict (the CLI: a mistake is reported with its column);
//! [`parse_lenient`] never fails (a search box: broken syntax falls back to plain words).
//!
//! # Grammar
//!
//! ```text
//! query    = or_expr ;
//! or_expr  = and_expr { ( "OR" | "||" ) and_expr } ;
//! and_expr = unary { [ "AND" | "&&" ] unary } ;        (* adjacent clauses are ANDed *)
//! unary    = "NOT" unary
//!          | ( "+" | "-" ) clause                      (* no space after the sign *)
//!          | clause ;
//! clause   = word   [ "*" | "~" [ distance ] ] [ boost ]
//!          | phrase [ "~" slop ] [ boost ]
//!          | ( "exact:" | "text:" ) ( word [ "*" | "~" [ distance ] ] | phrase [ "~" slop ] )
//!            [ boost ]
//!          | field ":" ( word | phrase | range ) [ boost ]
//!          | "(" or_expr ")" [ boost ] ;
//! word     = alnum { alnum | joiner alnum } ;          (* joiner: ' ’ ‘ - . _ ; "," between digits *)
//! phrase   = '"' { any character but '"' } '"' ;
//! field    = "authority" | "region" | "year" | "type" | "area" | "grade" | "kind" ;
//! range    = ( "[" | "{" ) bound "TO" bound ( "]" | "}" ) ;   (* year only *)
//! bound    = digits | "*" ;
//! distance = "1" | "2" ;   slop = digits ;   boost = "^" number ;   (* number > 0, e.g. 2, 1.5 *)
//! ```
//!
//! Modifiers (`*`, `~`, `^`, and the value after a field's colon) stand directly after what they
//! modify, without a space; `+` and `-` stand directly before it.
//!
//! **Precedence**, tightest first: `NOT` (and the `+`/`-` signs), then `AND` (written or implied
//! between adjacent clauses), then `OR`. So `a b OR c d` reads `(a AND b) OR (c AND d)`, and
//! `NOT a b` reads `(NOT a) AND b`. This is plain Boolean logic, not Lucene's reading (where
//! `OR` between bare terms makes them all optional). To share a clause between alternatives,
//! bracket them: `("care leavers" OR "leaving care") Hartlepool`.
//!
//! **Constructs.**
//! - Words are letters and digits, joined by inner apostrophes, hyphens, dots and underscores
//!   (`children's`, `16-year-old`, `e.g`) and commas between digits (`1,000`); each word is
//!   handed on as typed, to be analysed as the text was. Upper-case `AND`, `OR`, `NOT` are
//!   operators; `and`, `or`, `not` are words. `TO` is a word outside a range.
//! - `"exact phrase"`, with slop: `"care leavers"~3` (words up to 3 positions apart).
//! - `leav*`: a prefix (single words only). `neglect~1`, `neglect~2`: fuzzy, within that edit
//!   distance; a bare `neglect~` means distance 1 (two edits match too much on short words).
//! - `word^2`, `"phrase"^1.5`, `(group)^2`, `grade:good^2`: boosts (a positive number).
//! - `+x` is `x` (every clause is required anyway), `-x` is `NOT x`. A `+` or `-` is a sign
//!   only at the start, after a space or after `(`; elsewhere (`well-`, `c++`) it separates
//!   words, and inside a word it is a hyphen.
//! - `field:value` filters, field names case-insensitive, values kept as typed (resolved against
//!   the index later, case-insensitively): `authority:Hartlepool`, `authority:"North Yorkshire"`,
//!   `authority:E06000001`, `year:2013`, `year:[2009 TO 2013]` (`[` `]` inclusive, `{` `}`
//!   exclusive, `*` open: `year:[2018 TO *]`). A year is a number; only `year` takes a range.
//! - `exact:leavers`, `exact:"care leavers"`: match the unstemmed text. `text:` is accepted and
//!   changes nothing.
//! - Colons: `name:` is a field when `name` is one of the fields above (or `exact`, `text`). An
//!   unknown all-letter name directly followed by a value (`colour:red`) is an error at the
//!   name. Any other colon separates words (`http://example.org`, `10:30`, `note: ...`).
//! - Other characters (`, . / ! ?` ...) outside words separate words. `[ ] { } * ~ ^ & |` are
//!   reserved: misplaced, they are errors. A single `&` or `|` is an error (write `&&`, `||`).
//! - Simplification: an `All`/`Any` of one clause is that clause; an unboosted `All` inside an
//!   `All` (and `Any` inside `Any`) is flattened into it.
//!
//! **Limits.** A query holds at most [`MAX_QUERY_CHARS`] characters and nests at most
//! [`MAX_DEPTH`] brackets and `NOT`s deep. The parser recurses once per nesting level, so the
//! depth limit also bounds its stack.

use crate::ast::{Filter, FilterField, FilterValue, Node, Phrase, Word};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 2_000;

/// The deepest nesting accepted: brackets and `NOT`s enclosing a clause.
pub const MAX_DEPTH: usize = 32;

/// The edit distance of a bare `~` after a word (`neglect~`).
pub const DEFAULT_FUZZY_DISTANCE: u8 = 1;

/// A query that does not parse, with the column where it goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct SyntaxError {
    /// 1-based, in characters (not bytes); at most the query's length + 1 (its end).
    pub column: usize,
    /// What is wrong, and usually how to write it.
    pub message: String,
}

/// Parses a query strictly: any mistake is an error with its column.
pub fn parse(input: &str) -> Result<Node, SyntaxError> {
    let chars: Vec<char> = input.chars().map(straight_quote).collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(SyntaxError {
            column: MAX_QUERY_CHARS + 1,
            message: format!(
                "the query is {} characters long; at most {MAX_QUERY_CHARS} are accepted",
                chars.len()
            ),
        });
    }
    parse_chars(&chars)
}

/// Parses text typed into a search box; never fails.
///
/// Only the first [`MAX_QUERY_CHARS`] characters are read. If they parse strictly, that is the
/// answer. Otherwise they are read again as plain words, phrases and filters, all ANDed:
/// - a `"..."` closed by a second quote is a phrase (slop 0); an unclosed quote is dropped;
/// - `field:value`, with a known field and a word or closed-quote value (a year a number), is a
///   filter; `exact:` before a word or phrase sets `exact`; `text:` is dropped; a known field
///   name with anything else after its colon is dropped (its value is read as words);
/// - a word or phrase directly after a `-` sign (at the start, after a space or `(`), or after
///   `NOT`, is negated, so that an exclusion is never turned into a requirement;
/// - `AND`, `OR`, `NOT`, `TO`, `&&`, `||`, brackets, `*`, `~`, `^` and their arguments, signs,
///   and every other character outside words are dropped.
///
/// Empty or garbage-only text gives `Node::All(vec![])` (nothing to search for).
pub fn parse_lenient(input: &str) -> Node {
    let chars: Vec<char> = input
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(straight_quote)
        .collect();
    match parse_chars(&chars) {
        Ok(node) => node,
        Err(_) => plain(&chars),
    }
}

/// Typographic double quotes, as a word processor writes them (“care leavers”, „...“), are
/// phrase quotes: one character for one, so error columns stay the same.
fn straight_quote(c: char) -> char {
    match c {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        c => c,
    }
}

fn parse_chars(chars: &[char]) -> Result<Node, SyntaxError> {
    let tokens = lex(chars)?;
    if tokens.is_empty() {
        return Err(error(
            0,
            "empty query: write a word, a \"phrase\" or a filter such as grade:inadequate",
        ));
    }
    let mut parser = Parser {
        chars,
        tokens,
        pos: 0,
    };
    let node = parser.or_expr(0)?;
    match parser.peek() {
        None => Ok(node),
        Some(t) if t.tok == Tok::RParen => Err(error(t.start, "unmatched `)`")),
        Some(t) => Err(error(t.start, format!("unexpected `{}`", parser.source(t)))),
    }
}

fn error(index: usize, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        column: index + 1,
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

/// What a `name:` prefix names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Filter(FilterField),
    Exact,
    Text,
}

impl Prefix {
    fn from_name(name: &str) -> Option<Prefix> {
        if name.eq_ignore_ascii_case("exact") {
            Some(Prefix::Exact)
        } else if name.eq_ignore_ascii_case("text") {
            Some(Prefix::Text)
        } else {
            FilterField::from_name(name).map(Prefix::Filter)
        }
    }

    fn name(self) -> &'static str {
        match self {
            Prefix::Filter(f) => f.as_str(),
            Prefix::Exact => "exact",
            Prefix::Text => "text",
        }
    }
}

/// A range as lexed: bounds with their (0-based) positions.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RangeTok {
    from: Option<(String, usize)>,
    from_inclusive: bool,
    to: Option<(String, usize)>,
    to_inclusive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Phrase(String),
    /// `name:` (the colon included).
    Field(Prefix),
    /// `[a TO b]`, only directly after `year:`.
    Range(RangeTok),
    LParen,
    RParen,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Star,
    /// `~` and the letters, digits and dots directly after it.
    Tilde(String),
    /// `^` and the letters, digits and dots directly after it.
    Caret(String),
}

/// A token and its span in characters (0-based, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '-' | '.' | '_')
}

/// The end of the word starting at `start` (an alphanumeric character).
fn word_end(chars: &[char], start: usize) -> usize {
    let mut j = start;
    while let Some(&c) = chars.get(j) {
        let next_alnum = chars.get(j + 1).is_some_and(|n| n.is_alphanumeric());
        let comma_in_number = c == ','
            && chars[j - 1].is_ascii_digit()
            && chars.get(j + 1).is_some_and(char::is_ascii_digit);
        let joins = (is_joiner(c) && next_alnum) || comma_in_number;
        if c.is_alphanumeric() || (j > start && joins) {
            j += 1;
        } else {
            break;
        }
    }
    j
}

/// Whether a `+` or `-` at `i` is a sign (at the start, after a space or `(`).
fn is_sign_position(chars: &[char], i: usize) -> bool {
    i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '('
}

fn collect(chars: &[char], from: usize, to: usize) -> String {
    chars[from..to].iter().collect()
}

fn lex(chars: &[char]) -> Result<Vec<Token>, SyntaxError> {
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        let simple = |tok, len| Token {
            tok,
            start,
            end: start + len,
        };
        match c {
            c if c.is_whitespace() => i += 1,
            '"' => {
                let Some(close) = (i + 1..chars.len()).find(|&j| chars[j] == '"') else {
                    return Err(error(i, "unclosed quote: the phrase needs a closing `\"`"));
                };
                out.push(Token {
                    tok: Tok::Phrase(collect(chars, i + 1, close)),
                    start: i,
                    end: close + 1,
                });
                i = close + 1;
            }
            '(' => {
                out.push(simple(Tok::LParen, 1));
                i += 1;
            }
            ')' => {
                out.push(simple(Tok::RParen, 1));
                i += 1;
            }
            '[' | '{' => {
                let field = match out.last() {
                    Some(Token {
                        tok: Tok::Field(p),
                        end,
                        ..
                    }) => Some((*p, *end)),
                    _ => None,
                };
                match field {
                    Some((p, end)) if end != i => {
                        return Err(error(
                            end,
                            format!("`{}:` needs a value directly after the colon", p.name()),
                        ))
                    }
                    Some((Prefix::Filter(FilterField::Year), _)) => {
                        let (range, end) = lex_range(chars, i)?;
                        out.push(Token {
                            tok: Tok::Range(range),
                            start: i,
                            end,
                        });
                        i = end;
                    }
                    Some((p, _)) => {
                        return Err(error(
                            i,
                            format!("only `year:` takes a range, not `{}:`", p.name()),
                        ))
                    }
                    None => {
                        return Err(error(
                            i,
                            format!(
                                "unexpected `{c}`: a range follows `year:`, as in \
                                 `year:[2009 TO 2013]`"
                            ),
                        ))
                    }
                }
            }
            ']' | '}' => {
                return Err(error(
                    i,
                    format!("unexpected `{c}`: no range `year:[... TO ...]` is open"),
                ))
            }
            '*' => {
                out.push(simple(Tok::Star, 1));
                i += 1;
            }
            '~' | '^' => {
                let mut j = i + 1;
                while chars
                    .get(j)
                    .is_some_and(|&d| d.is_alphanumeric() || d == '.')
                {
                    j += 1;
                }
                let arg = collect(chars, i + 1, j);
                let tok = if c == '~' {
                    Tok::Tilde(arg)
                } else {
                    Tok::Caret(arg)
                };
                out.push(simple(tok, j - i));
                i = j;
            }
            '&' | '|' => {
                if chars.get(i + 1) == Some(&c) {
                    let tok = if c == '&' { Tok::And } else { Tok::Or };
                    out.push(simple(tok, 2));
                    i += 2;
                } else {
                    let (double, word) = if c == '&' {
                        ("&&", "AND")
                    } else {
                        ("||", "OR")
                    };
                    return Err(error(
                        i,
                        format!("a single `{c}`: write `{double}` or `{word}`"),
                    ));
                }
            }
            '+' | '-' if is_sign_position(chars, i) => {
                let tok = if c == '+' { Tok::Plus } else { Tok::Minus };
                out.push(simple(tok, 1));
                i += 1;
            }
            c if c.is_alphanumeric() => {
                let end = word_end(chars, i);
                let word = collect(chars, i, end);
                // `year:2018-` or `year:2009..2013`: a range written as the flag takes it would
                // otherwise be read as one year (and a stray word).
                let after_year = matches!(
                    out.last(),
                    Some(Token { tok: Tok::Field(Prefix::Filter(FilterField::Year)), end: e, .. })
                        if *e == i
                );
                if after_year && matches!(chars.get(end), Some('.' | '-' | '\u{2013}')) {
                    let stop = (end..chars.len())
                        .find(|&k| chars[k].is_whitespace() || chars[k] == ')')
                        .unwrap_or(chars.len());
                    check_one(FilterField::Year, collect(chars, i, stop), i)?;
                }
                if chars.get(end) == Some(&':') {
                    if let Some(prefix) = Prefix::from_name(&word) {
                        out.push(Token {
                            tok: Tok::Field(prefix),
                            start: i,
                            end: end + 1,
                        });
                        i = end + 1;
                        continue;
                    }
                    let value_follows = chars
                        .get(end + 1)
                        .is_some_and(|&v| v.is_alphanumeric() || matches!(v, '"' | '[' | '{'));
                    if value_follows && word.chars().all(|l| l.is_ascii_alphabetic()) {
                        return Err(error(
                            i,
                            format!(
                                "unknown field `{word}`: the fields are authority, region, \
                                 year, type, edition, area, grade, kind (and exact, text)"
                            ),
                        ));
                    }
                }
                let tok = match word.as_str() {
                    "AND" => Tok::And,
                    "OR" => Tok::Or,
                    "NOT" => Tok::Not,
                    _ => Tok::Word(word),
                };
                out.push(Token { tok, start: i, end });
                i = end;
            }
            _ => i += 1,
        }
    }
    Ok(out)
}

/// Lexes the range opening at `open` (`[` or `{`); returns it and the position after it.
fn lex_range(chars: &[char], open: usize) -> Result<(RangeTok, usize), SyntaxError> {
    let unclosed = || error(open, "unclosed range: it needs a closing `]` or `}`");
    let skip_spaces = |mut k: usize| {
        while chars.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        k
    };
    // A bound: `*` or a run of characters up to a space or bracket.
    let bound = |k: usize,
                 which: &str,
                 after: &str|
     -> Result<(Option<(String, usize)>, usize), SyntaxError> {
        match chars.get(k) {
            None => Err(unclosed()),
            Some(']' | '}' | '[' | '{') => Err(error(
                k,
                format!("expected {which} bound (a year or `*`) after {after}"),
            )),
            Some(_) => {
                let mut j = k;
                while chars
                    .get(j)
                    .is_some_and(|&c| !c.is_whitespace() && !matches!(c, ']' | '}' | '[' | '{'))
                {
                    j += 1;
                }
                let text = collect(chars, k, j);
                if text == "TO" && which == "a lower" {
                    return Err(error(
                        k,
                        "expected a lower bound (a year or `*`) before `TO`",
                    ));
                }
                Ok(((text != "*").then_some((text, k)), j))
            }
        }
    };
    let k = skip_spaces(open + 1);
    let (from, k) = bound(k, "a lower", "the bracket")?;
    let k = skip_spaces(k);
    let to_follows = chars.get(k) == Some(&'T')
        && chars.get(k + 1) == Some(&'O')
        && chars
            .get(k + 2)
            .is_none_or(|&c| c.is_whitespace() || matches!(c, ']' | '}'));
    if !to_follows {
        if k >= chars.len() {
            return Err(unclosed());
        }
        return Err(error(
            k,
            "expected `TO` between the bounds, as in `year:[2009 TO 2013]`",
        ));
    }
    let k = skip_spaces(k + 2);
    let (to, k) = bound(k, "an upper", "`TO`")?;
    let k = skip_spaces(k);
    let to_inclusive = match chars.get(k) {
        Some(']') => true,
        Some('}') => false,
        None => return Err(unclosed()),
        Some(_) => return Err(error(k, "expected `]` or `}` to close the range")),
    };
    Ok((
        RangeTok {
            from,
            from_inclusive: chars[open] == '[',
            to,
            to_inclusive,
        },
        k + 1,
    ))
}

// ---------------------------------------------------------------------------------------------
// Parser

struct Parser<'a> {
    chars: &'a [char],
    tokens: Vec<Token>,
    pos: usize,
}

/// The modifiers directly after a clause.
#[derive(Default)]
struct Modifiers {
    /// Position of `*`.
    star: Option<usize>,
    /// Position of `~` and its argument.
    tilde: Option<(usize, String)>,
    /// Position of `^` and its argument.
    caret: Option<(usize, String)>,
}

fn starts_unary(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Word(_)
            | Tok::Phrase(_)
            | Tok::Field(_)
            | Tok::LParen
            | Tok::Not
            | Tok::Plus
            | Tok::Minus
    )
}

/// Appends `node` to the parts of an `All` (`and`) or `Any`, flattening one of the same kind.
fn push_flat(parts: &mut Vec<Node>, node: Node, and: bool) {
    match node {
        Node::All(inner) if and => parts.extend(inner),
        Node::Any(inner) if !and => parts.extend(inner),
        other => parts.push(other),
    }
}

/// Makes the loose words of `node` (itself, or the parts of an `All`) required.
fn tighten(node: &mut Node) {
    match node {
        Node::Word(w) => w.loose = false,
        Node::All(parts) => parts.iter_mut().for_each(tighten),
        _ => {}
    }
}

fn single_or(mut parts: Vec<Node>, make: fn(Vec<Node>) -> Node) -> Node {
    if parts.len() == 1 {
        if let Some(only) = parts.pop() {
            return only;
        }
    }
    make(parts)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn source(&self, t: &Token) -> String {
        collect(self.chars, t.start, t.end)
    }

    /// The next token if it starts at `at` (nothing between).
    fn attached(&self, at: usize) -> Option<&Token> {
        self.peek().filter(|t| t.start == at)
    }

    fn check_depth(&self, depth: usize, at: usize) -> Result<(), SyntaxError> {
        if depth > MAX_DEPTH {
            Err(error(
                at,
                format!("nested too deep: at most {MAX_DEPTH} brackets and NOTs"),
            ))
        } else {
            Ok(())
        }
    }

    fn or_expr(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let mut parts = Vec::new();
        push_flat(&mut parts, self.and_expr(depth)?, false);
        while let Some(op) = self.peek().filter(|t| t.tok == Tok::Or).cloned() {
            self.pos += 1;
            self.expect_operand(&op)?;
            push_flat(&mut parts, self.and_expr(depth)?, false);
        }
        if parts.len() > 1 {
            // `OR` at the top: Boolean logic, no plain words.
            parts.iter_mut().for_each(tighten);
        }
        Ok(single_or(parts, Node::Any))
    }

    fn and_expr(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let mut parts = Vec::new();
        let mut written_and = false;
        push_flat(&mut parts, self.unary(depth)?, true);
        while let Some(t) = self.peek().cloned() {
            match t.tok {
                Tok::RParen | Tok::Or => break,
                Tok::And => {
                    self.pos += 1;
                    self.expect_operand(&t)?;
                    written_and = true;
                }
                _ => {}
            }
            push_flat(&mut parts, self.unary(depth)?, true);
        }
        if written_and {
            // A written `AND` asks for Boolean logic: every word is required.
            parts.iter_mut().for_each(tighten);
        }
        Ok(single_or(parts, Node::All))
    }

    /// After the operator `op`: something that can start a clause must follow.
    fn expect_operand(&self, op: &Token) -> Result<(), SyntaxError> {
        match self.peek() {
            Some(t) if starts_unary(&t.tok) => Ok(()),
            _ => Err(error(
                op.start,
                format!("`{}` needs something after it", self.source(op)),
            )),
        }
    }

    fn unary(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let Some(t) = self.peek().cloned() else {
            // Callers check that a clause follows; this is a safety net.
            return Err(error(self.chars.len(), "the query ends too early"));
        };
        match t.tok {
            Tok::Not => {
                self.pos += 1;
                self.check_depth(depth + 1, t.start)?;
                self.expect_operand(&t)?;
                Ok(Node::Not(Box::new(self.unary(depth + 1)?)))
            }
            Tok::Plus | Tok::Minus => {
                self.pos += 1;
                let sign = self.source(&t);
                match self.attached(t.end) {
                    Some(n)
                        if matches!(
                            n.tok,
                            Tok::Word(_) | Tok::Phrase(_) | Tok::Field(_) | Tok::LParen
                        ) => {}
                    _ => {
                        return Err(error(
                            t.start,
                            format!(
                                "`{sign}` must stand directly before a word, phrase, filter or \
                                 group, as in `{sign}adoption`"
                            ),
                        ))
                    }
                }
                let clause = self.clause(depth)?;
                Ok(if t.tok == Tok::Minus {
                    Node::Not(Box::new(clause))
                } else {
                    clause
                })
            }
            _ => {
                // A bare word at the top of the query, without modifiers, may be loose.
                let bare = depth == 0 && matches!(t.tok, Tok::Word(_));
                Ok(match self.clause(depth)? {
                    Node::Word(mut w) if bare && !w.prefix && w.fuzzy.is_none() && !w.exact => {
                        w.loose = true;
                        Node::Word(w)
                    }
                    other => other,
                })
            }
        }
    }

    fn clause(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let Some(t) = self.next() else {
            return Err(error(self.chars.len(), "the query ends too early"));
        };
        match &t.tok {
            Tok::Word(text) => self.word(text.clone(), t.end, false),
            Tok::Phrase(text) => self.phrase(text.clone(), t.start, t.end, false),
            Tok::Field(prefix) => self.field(*prefix, &t),
            Tok::LParen => {
                self.check_depth(depth + 1, t.start)?;
                if self.peek().is_some_and(|n| n.tok == Tok::RParen) {
                    return Err(error(t.start, "empty brackets"));
                }
                let inner = self.or_expr(depth + 1)?;
                let Some(close) = self.next().filter(|n| n.tok == Tok::RParen) else {
                    return Err(error(t.start, "unclosed `(`: it needs a closing `)`"));
                };
                let mods = self.modifiers(close.end)?;
                if let Some(at) = mods.star {
                    return Err(error(at, "`*` applies to single words, not groups"));
                }
                if let Some((at, _)) = mods.tilde {
                    return Err(error(at, "`~` applies to words and phrases, not groups"));
                }
                self.boosted(inner, mods)
            }
            Tok::RParen => Err(error(t.start, "unmatched `)`")),
            Tok::And | Tok::Or => Err(error(
                t.start,
                format!("`{}` needs something before it", self.source(&t)),
            )),
            Tok::Star => Err(error(t.start, "`*` must end a word, as in `leav*`")),
            Tok::Tilde(_) => Err(error(
                t.start,
                "`~` must follow a word or phrase directly, as in `neglect~1` or \
                 `\"care leavers\"~3`",
            )),
            Tok::Caret(_) => Err(error(
                t.start,
                "`^` must follow a word, phrase or group directly, as in `adoption^2`",
            )),
            // Signs, NOT and ranges are taken before a clause is read.
            Tok::Not | Tok::Plus | Tok::Minus | Tok::Range(_) => {
                Err(error(t.start, format!("unexpected `{}`", self.source(&t))))
            }
        }
    }

    /// Reads the modifiers (`*`, `~N`, `^N`) directly after position `end`.
    fn modifiers(&mut self, mut end: usize) -> Result<Modifiers, SyntaxError> {
        let mut m = Modifiers::default();
        while let Some(t) = self.attached(end).cloned() {
            match t.tok {
                Tok::Star => {
                    if m.tilde.is_some() {
                        return Err(error(t.start, "a word takes `*` or `~`, not both"));
                    }
                    if m.star.is_some() || m.caret.is_some() {
                        return Err(error(
                            t.start,
                            "`*` must end a word, before any `^`, as in `leav*^2`",
                        ));
                    }
                    m.star = Some(t.start);
                }
                Tok::Tilde(arg) => {
                    if m.star.is_some() {
                        return Err(error(t.start, "a word takes `*` or `~`, not both"));
                    }
                    if m.tilde.is_some() || m.caret.is_some() {
                        return Err(error(
                            t.start,
                            "`~` comes once, before any `^`, as in `neglect~1^2`",
                        ));
                    }
                    m.tilde = Some((t.start, arg));
                }
                Tok::Caret(arg) => {
                    if m.caret.is_some() {
                        return Err(error(t.start, "a second `^`: give one boost"));
                    }
                    m.caret = Some((t.start, arg));
                }
                _ => break,
            }
            end = t.end;
            self.pos += 1;
        }
        if let Some(star) = m.star {
            if let Some(n) = self.attached(end) {
                if matches!(n.tok, Tok::Word(_)) {
                    return Err(error(
                        star,
                        "`*` must end a word: there are no wildcards inside words",
                    ));
                }
            }
        }
        Ok(m)
    }

    fn boosted(&self, node: Node, mods: Modifiers) -> Result<Node, SyntaxError> {
        let Some((at, arg)) = mods.caret else {
            return Ok(node);
        };
        let value = if arg.chars().all(|c| c.is_ascii_digit() || c == '.') {
            arg.parse::<f32>().ok()
        } else {
            None
        };
        match value {
            Some(b) if b.is_finite() && b > 0.0 => Ok(Node::Boost(Box::new(node), b)),
            _ if arg.is_empty() => Err(error(at, "`^` needs a number, as in `adoption^2`")),
            _ => Err(error(
                at + 1,
                format!("a boost is a positive number such as 2 or 1.5, not `{arg}`"),
            )),
        }
    }

    fn word(&mut self, text: String, end: usize, exact: bool) -> Result<Node, SyntaxError> {
        let mods = self.modifiers(end)?;
        let fuzzy = match &mods.tilde {
            None => None,
            Some((_, arg)) if arg.is_empty() => Some(DEFAULT_FUZZY_DISTANCE),
            Some((_, arg)) if arg == "1" || arg == "2" => arg.parse::<u8>().ok(),
            Some((at, arg)) => {
                return Err(error(
                    at + 1,
                    format!("a fuzzy distance is 1 or 2, as in `neglect~1`, not `{arg}`"),
                ))
            }
        };
        let word = Node::Word(Word {
            text,
            prefix: mods.star.is_some(),
            fuzzy,
            exact,
            loose: false,
        });
        self.boosted(word, mods)
    }

    fn phrase(
        &mut self,
        text: String,
        start: usize,
        end: usize,
        exact: bool,
    ) -> Result<Node, SyntaxError> {
        if text.trim().is_empty() {
            return Err(error(start, "empty phrase"));
        }
        if !text.chars().any(char::is_alphanumeric) {
            return Err(error(start, "the phrase has no words"));
        }
        let mods = self.modifiers(end)?;
        if let Some(at) = mods.star {
            return Err(error(
                at,
                "`*` applies to single words, not phrases: write `leav*`",
            ));
        }
        let slop = match &mods.tilde {
            None => 0,
            Some((at, arg)) => match arg.parse::<u32>() {
                Ok(n) if arg.chars().all(|c| c.is_ascii_digit()) => n,
                _ if arg.is_empty() => {
                    return Err(error(
                        *at,
                        "`~` after a phrase needs a number of positions, as in \
                         `\"care leavers\"~3`",
                    ))
                }
                _ => {
                    return Err(error(
                        at + 1,
                        format!("a phrase's slop is a whole number, as in `~3`, not `{arg}`"),
                    ))
                }
            },
        };
        let phrase = Node::Phrase(Phrase { text, slop, exact });
        self.boosted(phrase, mods)
    }

    fn field(&mut self, prefix: Prefix, field: &Token) -> Result<Node, SyntaxError> {
        let name = prefix.name();
        let missing = || {
            error(
                field.end,
                format!("`{name}:` needs a value directly after the colon"),
            )
        };
        let Some(value) = self.attached(field.end).cloned() else {
            return Err(missing());
        };
        match prefix {
            Prefix::Exact | Prefix::Text => {
                let exact = prefix == Prefix::Exact;
                match value.tok {
                    Tok::Word(text) => {
                        self.pos += 1;
                        self.word(text, value.end, exact)
                    }
                    Tok::Phrase(text) => {
                        self.pos += 1;
                        self.phrase(text, value.start, value.end, exact)
                    }
                    Tok::LParen | Tok::Field(_) | Tok::Range(_) => Err(error(
                        value.start,
                        format!("`{name}:` applies to one word or phrase"),
                    )),
                    _ => Err(missing()),
                }
            }
            Prefix::Filter(field) => {
                let value_node = match value.tok {
                    Tok::Word(text) => FilterValue::One(check_one(field, text, value.start)?),
                    Tok::Phrase(text) => {
                        let text = text.trim().to_string();
                        if text.is_empty() {
                            return Err(error(
                                value.start,
                                format!("`{name}:` has an empty value"),
                            ));
                        }
                        FilterValue::One(check_one(field, text, value.start + 1)?)
                    }
                    Tok::Range(range) => check_range(range, value.start)?,
                    _ => return Err(missing()),
                };
                self.pos += 1;
                let mods = self.modifiers(value.end)?;
                if let Some(at) = mods.star.or(mods.tilde.as_ref().map(|(at, _)| *at)) {
                    return Err(error(
                        at,
                        format!("a filter value takes no `{}`", self.chars[at]),
                    ));
                }
                let filter = Node::Filter(Filter {
                    field,
                    value: value_node,
                });
                self.boosted(filter, mods)
            }
        }
    }
}

/// A year is a whole number.
fn is_year(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) && text.parse::<u16>().is_ok()
}

fn check_one(field: FilterField, text: String, at: usize) -> Result<String, SyntaxError> {
    if field == FilterField::Year && !is_year(&text) {
        // `2018-2020`, `2018..2020`, `2018-`: a range written as the --year flag takes it.
        let range = text
            .split_once("..")
            .or_else(|| text.split_once(['-', '–']))
            .filter(|(from, to)| [from, to].iter().all(|y| y.is_empty() || is_year(y)))
            .filter(|(from, to)| !(from.is_empty() && to.is_empty()));
        let message = match range {
            Some((from, to)) => {
                let bound = |y: &str| {
                    if y.is_empty() {
                        "*".to_string()
                    } else {
                        y.to_string()
                    }
                };
                format!(
                    "`{text}` is not a year: a range is written `year:[{} TO {}]`",
                    bound(from),
                    bound(to)
                )
            }
            None => format!("a year is a number, as in `year:2013`, not `{text}`"),
        };
        return Err(error(at, message));
    }
    Ok(text)
}

fn check_range(range: RangeTok, open: usize) -> Result<FilterValue, SyntaxError> {
    let mut years = [None, None];
    for (slot, bound) in years.iter_mut().zip([&range.from, &range.to]) {
        if let Some((text, at)) = bound {
            if !is_year(text) {
                return Err(error(
                    *at,
                    format!("a range's bound is a year or `*`, not `{text}`"),
                ));
            }
            *slot = text.parse::<i64>().ok();
        }
    }
    if let [Some(from), Some(to)] = years {
        let low = from + i64::from(!range.from_inclusive);
        let high = to - i64::from(!range.to_inclusive);
        if low > high {
            return Err(error(
                open,
                format!("the range holds no year ({from} to {to})"),
            ));
        }
    }
    Ok(FilterValue::Range {
        from: range.from.map(|(t, _)| t),
        from_inclusive: range.from_inclusive,
        to: range.to.map(|(t, _)| t),
        to_inclusive: range.to_inclusive,
    })
}

// ---------------------------------------------------------------------------------------------
// Lenient fallback

/// Reads `chars` as plain words, phrases and filters (see [`parse_lenient`]).
fn plain(chars: &[char]) -> Node {
    let mut parts = Vec::new();
    let mut negate = false;
    let mut i = 0;
    let mut emit = |node: Node, negate: &mut bool| {
        parts.push(if *negate {
            Node::Not(Box::new(node))
        } else {
            node
        });
        *negate = false;
    };
    while let Some(&c) = chars.get(i) {
        if c == '"' {
            match (i + 1..chars.len()).find(|&j| chars[j] == '"') {
                Some(close) => {
                    let text = collect(chars, i + 1, close);
                    if text.chars().any(char::is_alphanumeric) {
                        let phrase = Node::Phrase(Phrase {
                            text,
                            slop: 0,
                            exact: false,
                        });
                        emit(phrase, &mut negate);
                    }
                    i = close + 1;
                }
                None => i += 1,
            }
        } else if c == '~' || c == '^' {
            i += 1;
            while chars
                .get(i)
                .is_some_and(|&d| d.is_alphanumeric() || d == '.')
            {
                i += 1;
            }
        } else if c == '-' && is_sign_position(chars, i) {
            negate = chars
                .get(i + 1)
                .is_some_and(|&n| n.is_alphanumeric() || n == '"');
            i += 1;
        } else if c.is_alphanumeric() {
            let end = word_end(chars, i);
            let word = collect(chars, i, end);
            let prefix = (chars.get(end) == Some(&':'))
                .then(|| Prefix::from_name(&word))
                .flatten();
            if let Some(prefix) = prefix {
                i = end + 1;
                if let Some((node, after)) = plain_field(chars, prefix, i) {
                    emit(node, &mut negate);
                    i = after;
                }
                continue;
            }
            match word.as_str() {
                "NOT" => negate = true,
                "AND" | "OR" | "TO" => {}
                _ => {
                    let loose = !negate;
                    emit(
                        Node::Word(Word {
                            text: word,
                            loose,
                            ..Word::default()
                        }),
                        &mut negate,
                    )
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    single_or(parts, Node::All)
}

/// The filter, or exact or plain word or phrase, after `prefix:` at `at`, and where it ends.
fn plain_field(chars: &[char], prefix: Prefix, at: usize) -> Option<(Node, usize)> {
    let (text, end, quoted) = match chars.get(at) {
        Some('"') => {
            let close = (at + 1..chars.len()).find(|&j| chars[j] == '"')?;
            (collect(chars, at + 1, close), close + 1, true)
        }
        Some(c) if c.is_alphanumeric() => {
            let end = word_end(chars, at);
            (collect(chars, at, end), end, false)
        }
        _ => return None,
    };
    if !text.chars().any(char::is_alphanumeric) {
        return None;
    }
    let node = match prefix {
        Prefix::Filter(field) => {
            let value = check_one(field, text.trim().to_string(), at).ok()?;
            Node::Filter(Filter {
                field,
                value: FilterValue::One(value),
            })
        }
        Prefix::Exact | Prefix::Text if quoted => Node::Phrase(Phrase {
            text,
            slop: 0,
            exact: prefix == Prefix::Exact,
        }),
        Prefix::Exact | Prefix::Text => Node::Word(Word {
            text,
            exact: prefix == Prefix::Exact,
            ..Word::default()
        }),
    };
    Some((node, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curly_quotes_from_a_word_processor_are_phrase_quotes() {
        let straight = parse("\"care leavers\" adoption").expect("parse");
        for typed in [
            "\u{201C}care leavers\u{201D} adoption",
            "\u{201E}care leavers\u{201C} adoption",
            "\u{201C}care leavers\" adoption",
        ] {
            assert_eq!(parse(typed).expect("parse"), straight, "{typed}");
            assert_eq!(parse_lenient(typed), straight, "{typed}");
        }
        // An apostrophe stays part of its word.
        assert!(parse("\u{201C}children\u{2019}s homes\u{201D}").is_ok());
    }

    /// A compact rendering of a tree: `(and a b)`, `(or a b)`, `(not a)`, `(^2 a)`, words with
    /// their `*`/`~N` and `exact:`, phrases quoted with `~N`, filters as `field:value`.
    fn show(node: &Node) -> String {
        let list = |name: &str, parts: &[Node]| {
            let inner: Vec<String> = parts.iter().map(show).collect();
            format!("({name} {})", inner.join(" "))
        };
        match node {
            Node::Word(w) => format!(
                "{}{}{}{}",
                if w.exact { "exact:" } else { "" },
                w.text,
                if w.prefix { "*" } else { "" },
                w.fuzzy.map(|d| format!("~{d}")).unwrap_or_default()
            ),
            Node::Phrase(p) => format!(
                "{}\"{}\"{}",
                if p.exact { "exact:" } else { "" },
                p.text,
                if p.slop > 0 {
                    format!("~{}", p.slop)
                } else {
                    String::new()
                }
            ),
            Node::Filter(f) => match &f.value {
                FilterValue::One(v) if v.contains(' ') => format!("{}:\"{v}\"", f.field.as_str()),
                FilterValue::One(v) => format!("{}:{v}", f.field.as_str()),
                FilterValue::Range {
                    from,
                    from_inclusive,
                    to,
                    to_inclusive,
                } => format!(
                    "{}:{}{} TO {}{}",
                    f.field.as_str(),
                    if *from_inclusive { '[' } else { '{' },
                    from.as_deref().unwrap_or("*"),
                    to.as_deref().unwrap_or("*"),
                    if *to_inclusive { ']' } else { '}' },
                ),
            },
            Node::All(parts) => list("and", parts),
            Node::Any(parts) => list("or", parts),
            Node::Not(inner) => format!("(not {})", show(inner)),
            Node::Boost(inner, b) => format!("(^{b} {})", show(inner)),
        }
    }

    #[track_caller]
    fn check(input: &str, expect: &str) {
        match parse(input) {
            Ok(node) => assert_eq!(show(&node), expect, "query {input:?}"),
            Err(e) => panic!("query {input:?} failed: {e}"),
        }
    }

    /// `input` fails at `column` with a message containing `part`.
    #[track_caller]
    fn check_err(input: &str, column: usize, part: &str) {
        match parse(input) {
            Ok(node) => panic!("query {input:?} parsed as {}", show(&node)),
            Err(e) => {
                assert_eq!(e.column, column, "query {input:?}: {e}");
                assert!(e.message.contains(part), "query {input:?}: {e}");
            }
        }
    }

    #[track_caller]
    fn check_lenient(input: &str, expect: &str) {
        assert_eq!(show(&parse_lenient(input)), expect, "query {input:?}");
    }

    // Constructs

    #[test]
    fn words() {
        check("neglect", "neglect");
        check("children's", "children's");
        check("children\u{2019}s", "children\u{2019}s");
        check("16-year-old", "16-year-old");
        check("e.g. 1,000 pupils", "(and e.g 1,000 pupils)");
        check("well- being", "(and well being)");
        check("'care'", "care");
    }

    #[test]
    fn adjacent_words_are_anded() {
        check("care leavers staying put", "(and care leavers staying put)");
    }

    #[test]
    fn lower_case_operators_are_words() {
        check("care and support or not", "(and care and support or not)");
        check("TO", "TO");
    }

    #[test]
    fn phrases() {
        check("\"care leavers\"", "\"care leavers\"");
        check("\"care leavers\" staying", "(and \"care leavers\" staying)");
        check("\"care leavers\"~3", "\"care leavers\"~3");
        check("\"a\"b", "(and \"a\" b)");
    }

    #[test]
    fn and_operator() {
        check("care AND leavers", "(and care leavers)");
        check("care && leavers", "(and care leavers)");
        check("care&&leavers", "(and care leavers)");
    }

    #[test]
    fn or_operator() {
        check("adoption OR fostering", "(or adoption fostering)");
        check("adoption || fostering", "(or adoption fostering)");
        check("a OR b OR c", "(or a b c)");
    }

    #[test]
    fn not_operator_and_signs() {
        check("care NOT leavers", "(and care (not leavers))");
        check("care -leavers", "(and care (not leavers))");
        check("+care +leavers", "(and care leavers)");
        check("-\"care leavers\"", "(not \"care leavers\")");
        check("-grade:good", "(not grade:good)");
        check("-(a b)", "(not (and a b))");
        check("NOT NOT a", "(not (not a))");
        check("NOT(a)", "(not a)");
        check("a+b", "(and a b)");
    }

    #[test]
    fn precedence_not_then_and_then_or() {
        check("a b OR c d", "(or (and a b) (and c d))");
        check("a AND b OR c", "(or (and a b) c)");
        check("a OR b AND c", "(or a (and b c))");
        check("NOT a b", "(and (not a) b)");
        check("NOT a OR b", "(or (not a) b)");
        check("a OR NOT b c", "(or a (and (not b) c))");
        check("(a OR b) c", "(and (or a b) c)");
    }

    #[test]
    fn groups_flatten_and_simplify() {
        check("(a)", "a");
        check("((a))", "a");
        check("a (b c) d", "(and a b c d)");
        check("a AND (b AND (c d))", "(and a b c d)");
        check("a OR (b OR c)", "(or a b c)");
        check("(a OR b) OR (c d)", "(or a b (and c d))");
        check("(a b)^2 c", "(and (^2 (and a b)) c)");
    }

    #[test]
    fn prefix() {
        check("leav*", "leav*");
        check("leav* care", "(and leav* care)");
        check("exact:leav*", "exact:leav*");
    }

    #[test]
    fn fuzzy() {
        check("neglect~1", "neglect~1");
        check("neglect~2", "neglect~2");
        check("neglect~", "neglect~1");
    }

    #[test]
    fn boosts() {
        check("adoption^2", "(^2 adoption)");
        check("\"care leavers\"^1.5", "(^1.5 \"care leavers\")");
        check("\"care leavers\"~3^2", "(^2 \"care leavers\"~3)");
        check("(a OR b)^2", "(^2 (or a b))");
        check("leav*^2", "(^2 leav*)");
        check("neglect~1^.5", "(^0.5 neglect~1)");
        check("grade:good^3", "(^3 grade:good)");
    }

    #[test]
    fn filters() {
        check("authority:Hartlepool", "authority:Hartlepool");
        check("Authority:Hartlepool", "authority:Hartlepool");
        check(
            "authority:\"North Yorkshire\"",
            "authority:\"North Yorkshire\"",
        );
        check("authority:E06000001", "authority:E06000001");
        check("region:\"North East\"", "region:\"North East\"");
        check("year:2013", "year:2013");
        check("type:sif", "type:sif");
        check("area:care-leavers", "area:care-leavers");
        check("grade:inadequate", "grade:inadequate");
        check("kind:judgement", "kind:judgement");
        check("KIND:judgement", "kind:judgement");
        check(
            "grade:inadequate area:care-leavers",
            "(and grade:inadequate area:care-leavers)",
        );
        check(
            "authority:Hartlepool year:[2009 TO 2013] neglect",
            "(and authority:Hartlepool year:[2009 TO 2013] neglect)",
        );
    }

    #[test]
    fn year_ranges() {
        check("year:[2009 TO 2013]", "year:[2009 TO 2013]");
        check("year:{2009 TO 2013]", "year:{2009 TO 2013]");
        check("year:[2009 TO 2013}", "year:[2009 TO 2013}");
        check("year:[2018 TO *]", "year:[2018 TO *]");
        check("year:[* TO 2010]", "year:[* TO 2010]");
        check("year:[ 2009  TO  2013 ]", "year:[2009 TO 2013]");
        check("year:[2013 TO 2013]", "year:[2013 TO 2013]");
    }

    #[test]
    fn exact_and_text_prefixes() {
        check("exact:leavers", "exact:leavers");
        check(
            "exact:\"looked after children\"",
            "exact:\"looked after children\"",
        );
        check("EXACT:\"care leavers\"~2", "exact:\"care leavers\"~2");
        check("text:leavers", "leavers");
        check("text:\"care leavers\"", "\"care leavers\"");
        check("-exact:leavers", "(not exact:leavers)");
    }

    #[test]
    fn colons_that_are_not_fields() {
        check("http://example.org", "(and http example.org)");
        check("10:30", "(and 10 30)");
        check("note: care", "(and note care)");
        check("care-leavers:x", "(and care-leavers x)");
    }

    #[test]
    fn other_punctuation_separates_words() {
        check("care, leavers!", "(and care leavers)");
        check("care/leavers", "(and care leavers)");
    }

    #[test]
    fn words_keep_their_exact_flag_false_by_default() {
        let Ok(Node::Word(w)) = parse("leavers") else {
            panic!("not a word");
        };
        assert_eq!(
            w,
            Word {
                text: "leavers".into(),
                prefix: false,
                fuzzy: None,
                exact: false,
                loose: true,
            }
        );
    }

    /// The loose words of a parsed query, in order.
    fn loose(node: &Node) -> Vec<String> {
        match node {
            Node::Word(w) if w.loose => vec![w.text.clone()],
            Node::All(parts) | Node::Any(parts) => parts.iter().flat_map(loose).collect(),
            Node::Not(inner) | Node::Boost(inner, _) => loose(inner),
            _ => Vec::new(),
        }
    }

    #[test]
    fn plain_words_at_the_top_are_loose() {
        let strict = |q: &str| loose(&parse(q).expect(q));
        assert_eq!(strict("drift and delay"), ["drift", "and", "delay"]);
        assert_eq!(strict("\"care leavers\" staying put"), ["staying", "put"]);
        assert_eq!(
            strict("+drift delay -permanence leav* neglect~1 exact:care x^2 (a b) grade:good"),
            ["delay"]
        );
        assert_eq!(strict("NOT drift delay"), ["delay"]);
        // Written operators ask for Boolean logic.
        assert!(strict("drift AND delay").is_empty());
        assert!(strict("drift && delay permanence").is_empty());
        assert!(strict("drift OR delay").is_empty());
        assert!(strict("a b OR c d").is_empty());
        // The lenient fallback reads plain words as loose, exclusions not.
        let lenient = |q: &str| loose(&parse_lenient(q));
        assert_eq!(lenient("drift \"delay -permanence ("), ["drift", "delay"]);
    }

    #[test]
    fn readme_examples_parse() {
        for query in [
            "staying put",
            "\"care leavers\"~3",
            "adoption AND (delay OR drift) NOT \"early help\"",
            "+adoption -fostering",
            "(neglect OR abuse) \"child protection\"",
            "leav*",
            "neglect~1",
            "judgement~",
            "\"care leavers\"^2 adoption",
            "(a OR b)^1.5",
            "authority:Hartlepool year:[2009 TO 2013]",
            "authority:\"North Yorkshire\"",
            "authority:E06000001",
            "region:\"North East\"",
            "year:{2009 TO 2013]",
            "year:[2018 TO *]",
            "type:sif",
            "grade:inadequate area:care-leavers",
            "kind:judgement",
            "exact:\"looked after children\"",
            "exact:leavers",
        ] {
            assert!(parse(query).is_ok(), "{query}: {:?}", parse(query));
        }
        check(
            "adoption AND (delay OR drift) NOT \"early help\"",
            "(and adoption (or delay drift) (not \"early help\"))",
        );
    }

    // Errors

    #[test]
    fn error_display() {
        let e = parse("care AND").unwrap_err();
        assert_eq!(e.to_string(), "column 6: `AND` needs something after it");
    }

    #[test]
    fn error_empty_query() {
        check_err("", 1, "empty query");
        check_err("   ", 1, "empty query");
        check_err(",,, ...", 1, "empty query");
    }

    #[test]
    fn error_unclosed_quote() {
        check_err("care \"leavers staying", 6, "unclosed quote");
        check_err("\"a\" \"b", 5, "unclosed quote");
    }

    #[test]
    fn error_empty_phrase() {
        check_err("a \"\"", 3, "empty phrase");
        check_err("a \" - \"", 3, "no words");
    }

    #[test]
    fn error_unbalanced_brackets() {
        check_err("(care leavers", 1, "unclosed `(`");
        check_err("a (b (c)", 3, "unclosed `(`");
        check_err("care leavers)", 13, "unmatched `)`");
        check_err("(a)) b", 4, "unmatched `)`");
        check_err(")", 1, "unmatched `)`");
        check_err("a ()", 3, "empty brackets");
    }

    #[test]
    fn error_dangling_operators() {
        check_err("care AND", 6, "`AND` needs something after it");
        check_err("care &&", 6, "`&&` needs something after it");
        check_err("care OR", 6, "`OR` needs something after it");
        check_err("AND care", 1, "`AND` needs something before it");
        check_err("OR care", 1, "`OR` needs something before it");
        check_err("a OR OR b", 3, "`OR` needs something after it");
        check_err("a AND OR b", 3, "`AND` needs something after it");
        check_err("(a AND) b", 4, "`AND` needs something after it");
        check_err("care NOT", 6, "`NOT` needs something after it");
        check_err("NOT OR a", 1, "`NOT` needs something after it");
        check_err("care -", 6, "`-` must stand directly before");
        check_err("care - leavers", 6, "`-` must stand directly before");
        check_err("+ care", 1, "`+` must stand directly before");
        check_err("-NOT a", 1, "`-` must stand directly before");
        check_err("a & b", 3, "a single `&`");
        check_err("a | b", 3, "a single `|`");
    }

    #[test]
    fn error_prefix() {
        check_err("*", 1, "`*` must end a word");
        check_err("care *", 6, "`*` must end a word");
        check_err("*leav", 1, "`*` must end a word");
        check_err("le*v", 3, "no wildcards inside words");
        check_err("\"care leavers\"*", 15, "not phrases");
        check_err("(a b)*", 6, "not groups");
        check_err("leav*~1", 6, "`*` or `~`, not both");
        check_err("neglect~1*", 10, "`*` or `~`, not both");
        check_err("leav**", 6, "`*` must end a word");
        check_err("authority:Hart*", 15, "takes no `*`");
    }

    #[test]
    fn error_fuzzy() {
        check_err("neglect~3", 9, "fuzzy distance is 1 or 2");
        check_err("neglect~0", 9, "fuzzy distance is 1 or 2");
        check_err("neglect~1.5", 9, "fuzzy distance is 1 or 2");
        check_err("neglect~x", 9, "fuzzy distance is 1 or 2");
        check_err("neglect ~1", 9, "`~` must follow a word or phrase");
        check_err("neglect~1~2", 10, "`~` comes once");
        check_err("(a b)~1", 6, "not groups");
        check_err("grade:good~1", 11, "takes no `~`");
    }

    #[test]
    fn error_slop() {
        check_err("\"care leavers\"~", 15, "needs a number of positions");
        check_err("\"care leavers\"~x", 16, "whole number");
        check_err("\"care leavers\"~1.5", 16, "whole number");
        check_err("\"care leavers\"~99999999999", 16, "whole number");
    }

    #[test]
    fn error_boost() {
        check_err("adoption^", 9, "`^` needs a number");
        check_err("adoption^0", 10, "positive number");
        check_err("adoption^x", 10, "positive number");
        check_err("adoption^1e5", 10, "positive number");
        check_err("adoption^1.2.3", 10, "positive number");
        check_err("adoption^2^3", 11, "a second `^`");
        check_err("adoption ^2", 10, "`^` must follow");
        check_err("^2", 1, "`^` must follow");
        check_err("leav^2*", 7, "`*` must end a word, before any `^`");
        check_err("neglect^2~1", 10, "`~` comes once, before any `^`");
    }

    #[test]
    fn error_unknown_field() {
        check_err("care colour:red", 6, "unknown field `colour`");
        check_err("colour:\"red\"", 1, "unknown field `colour`");
    }

    #[test]
    fn error_field_without_value() {
        check_err("authority:", 11, "`authority:` needs a value");
        check_err("authority: Hartlepool", 11, "`authority:` needs a value");
        check_err("grade:(good)", 7, "`grade:` needs a value");
        check_err("grade:-good", 7, "`grade:` needs a value");
        check_err("authority:\"\"", 11, "empty value");
        check_err("exact:", 7, "`exact:` needs a value");
        check_err("exact:(a b)", 7, "applies to one word or phrase");
        check_err("exact:grade:good", 7, "applies to one word or phrase");
        check_err("year:twenty", 6, "a year is a number");
        check_err(
            "year:2018-2020",
            6,
            "`2018-2020` is not a year: a range is written `year:[2018 TO 2020]`",
        );
        check_err(
            "year:2018- care",
            6,
            "a range is written `year:[2018 TO *]`",
        );
        check_err("(year:2009..2013)", 7, "`year:[2009 TO 2013]`");
        check_err("year:\"2013 x\"", 7, "a year is a number");
        check("year:\" 2013 \"", "year:2013");
    }

    #[test]
    fn error_bad_range() {
        check_err("year:[2009 TO]", 14, "expected an upper bound");
        check_err("year:[2009 TO ]", 15, "expected an upper bound");
        check_err("year:[TO 2013]", 7, "expected a lower bound");
        check_err("year:[] a", 7, "expected a lower bound");
        check_err("year:[2009 2013]", 12, "expected `TO`");
        check_err("year:[2009 to 2013]", 12, "expected `TO`");
        check_err("year:[2009 TO 2013", 6, "unclosed range");
        check_err("year:[2009", 6, "unclosed range");
        check_err("year:[2009 TO 2013 2014]", 20, "expected `]` or `}`");
        check_err("year:[2009 TO x]", 15, "a year or `*`");
        check_err("year:[2013 TO 2009]", 6, "holds no year");
        check_err("year:{2013 TO 2013]", 6, "holds no year");
        check_err(
            "grade:[good TO inadequate]",
            7,
            "only `year:` takes a range",
        );
        check_err("care [2009 TO 2013]", 6, "a range follows `year:`");
        check_err("year: [2009 TO 2013]", 6, "needs a value");
        check_err("care]", 5, "no range");
    }

    // Limits

    #[test]
    fn too_long() {
        let long = "care ".repeat(MAX_QUERY_CHARS / 5 + 1);
        check_err(&long, MAX_QUERY_CHARS + 1, "at most 2000");
        let fits = "care ".repeat(MAX_QUERY_CHARS / 5);
        assert!(parse(&fits).is_ok());
    }

    #[test]
    fn too_deep() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        check(&ok, "a");
        let deep = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        check_err(&deep, MAX_DEPTH + 1, "nested too deep");
        check(&format!("{}a", "NOT ".repeat(2)), "(not (not a))");
        check_err(
            &format!("{}a", "NOT ".repeat(MAX_DEPTH + 1)),
            129,
            "nested too deep",
        );
        // Mixed: a NOT and a bracket per level; the 17th NOT is the 33rd level.
        let mixed = format!("{}a{}", "NOT (".repeat(MAX_DEPTH / 2 + 1), ")".repeat(17));
        check_err(&mixed, 81, "nested too deep");
    }

    #[test]
    fn deep_nesting_within_the_length_limit_does_not_overflow() {
        let n = MAX_QUERY_CHARS / 2 - 1;
        let deep = format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&deep).is_err());
        check_lenient(&deep, "a");
    }

    // Lenient

    #[test]
    fn lenient_is_strict_when_that_parses() {
        check_lenient(
            "\"care leavers\"~3 OR leav* authority:Hartlepool",
            "(or \"care leavers\"~3 (and leav* authority:Hartlepool))",
        );
    }

    #[test]
    fn lenient_fallback() {
        check_lenient("care AND", "care");
        check_lenient("care \"leavers staying", "(and care leavers staying)");
        check_lenient("(care leavers", "(and care leavers)");
        check_lenient("care OR leavers)", "(and care leavers)");
        check_lenient("\"care leavers\" ) x", "(and \"care leavers\" x)");
        check_lenient("care -adoption )", "(and care (not adoption))");
        check_lenient("care NOT adoption )", "(and care (not adoption))");
        check_lenient("care - adoption )", "(and care adoption)");
        check_lenient(
            "authority:Hartlepool grade:good AND",
            "(and authority:Hartlepool grade:good)",
        );
        check_lenient(
            "authority:\"North Yorkshire\" (",
            "authority:\"North Yorkshire\"",
        );
        check_lenient("exact:leavers (", "exact:leavers");
        check_lenient("exact:\"care leavers\" (", "exact:\"care leavers\"");
        check_lenient("year:[2009 TO 2013 care", "(and 2009 2013 care)");
        check_lenient("year:twenty care)", "(and twenty care)");
        check_lenient("colour:red care", "(and colour red care)");
        check_lenient("leav* neglect~9 adoption^x", "(and leav neglect adoption)");
    }

    #[test]
    fn lenient_empty_and_garbage() {
        check_lenient("", "(and )");
        check_lenient("   ", "(and )");
        check_lenient("( ) AND OR ~ ^ * \"", "(and )");
        assert_eq!(parse_lenient("&&"), Node::All(vec![]));
    }

    #[test]
    fn lenient_reads_only_the_first_characters() {
        let long = format!("{}neglect", "care ".repeat(MAX_QUERY_CHARS / 5));
        let Node::All(parts) = parse_lenient(&long) else {
            panic!("not an All");
        };
        assert_eq!(parts.len(), MAX_QUERY_CHARS / 5);
    }

    // Properties

    fn syntax_soup() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = proptest::sample::select(vec![
            "a",
            "care",
            "2013",
            " ",
            " ",
            "\"",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "*",
            "~",
            "~1",
            "^",
            "^2",
            ":",
            "+",
            "-",
            "&",
            "&&",
            "|",
            "||",
            "AND",
            "OR",
            "NOT",
            "TO",
            "year:",
            "authority:",
            "exact:",
            "text:",
            "colour:",
            "'",
            ".",
            ",",
            "é",
            "\u{301}",
            "ß",
        ]);
        proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(input in "\\PC{0,80}") {
            let len = input.chars().count();
            if let Err(e) = parse(&input) {
                proptest::prop_assert!(e.column >= 1 && e.column <= len + 1, "{e} for {input:?}");
            }
            let _ = parse_lenient(&input);
        }

        #[test]
        fn never_panics_on_syntax_soup(input in syntax_soup()) {
            let len = input.chars().count();
            match parse(&input) {
                Err(e) => proptest::prop_assert!(
                    e.column >= 1 && e.column <= len + 1, "{e} for {input:?}"
                ),
                Ok(node) => proptest::prop_assert_eq!(parse_lenient(&input), node),
            }
        }
    }
}
