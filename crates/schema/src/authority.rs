//! English local authorities with children's services duties, and a matcher that finds the authority a report is about.
//!
//! The table is read from `data/local_authorities.csv` (the 153 current upper-tier authorities
//! plus a handful of former ones, e.g. Cumbria, Northamptonshire, pre-2019 Dorset). Each
//! authority is known by many names in the reports: "Hartlepool", "Hartlepool Borough Council",
//! "City of Bradford Metropolitan District Council", "Bournemouth, Christchurch & Poole",
//! "St. Helens", "Kingston upon Hull, City of", "Bradford Children and Families Trust"...
//!
//! # How matching works
//!
//! Text and names are both reduced to a sequence of lower-case words: a word is a run of
//! letters and digits, `&` is the word `and`, and everything else (spaces, newlines, hyphens,
//! commas, full stops, apostrophes straight or curly, Markdown marks) only separates words.
//! So "Stockton-on-\nTees" and "Stockton on Tees" are the same three words, "St. Helens" is
//! "st helens", and "Hartlepool's" contains the word "hartlepool". Matches are on whole words.
//!
//! Each authority's *variants* are its CSV name and aliases, plus forms derived from every
//! short name (one without an organisational word such as "Council" or "Borough"):
//! "X Council", "X Borough Council", "X City Council", "X County Council",
//! "X Metropolitan Borough Council", "X Metropolitan District Council", "City of X",
//! "County of X", "London Borough of X", "Royal Borough of X", "Metropolitan Borough of X",
//! "X Children and Families Trust" and so on. A CSV name written "Bristol, City of" also yields
//! "Bristol" and "City of Bristol"; a parenthesised note in a name ("Dorset (county council,
//! pre-2019)") is dropped to get the short name; a place name with "on" / "upon" is also known
//! by its first part ("Stockton", "Southend", "Richmond"), as reports often shorten it.
//!
//! When two authorities share a variant, a name or alias written in the CSV beats a derived
//! form, and at equal footing a current authority beats a former one; two authorities still
//! level make the variant ambiguous and it is not used ("Kingston" could be Kingston upon Hull
//! or Kingston upon Thames). In practice: "Dorset" (and "Dorset Council") is the current
//! unitary Dorset, while "Dorset County Council", the former authority's own name, is the
//! pre-2019 county. Plain "Bournemouth" and "Poole" are
//! the pre-2019 authorities; "Bournemouth, Christchurch and Poole" is the current one because
//! the longer match wins. Likewise "Cheshire" alone is the former county, "Cheshire East" the
//! current one.
//!
//! [`AuthorityTable::find`] takes the earliest match in a passage, the longest at one start.
//! When a passage contains capital letters, a match must contain at least one word written
//! with a capital in the text, so ordinary words ("reading", "bury") are not taken for
//! authority names; an all-lower-case passage is matched without that check.

use std::collections::HashMap;
use std::sync::LazyLock;

/// One local authority (or former authority) from the table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Authority {
    /// Canonical name as written in the table, e.g. "Hartlepool", "Bristol, City of".
    pub name: String,
    /// ONS (GSS) code, e.g. "E06000001"; the current code where it has changed. Empty for
    /// authorities abolished before GSS codes were assigned (Bedfordshire, Cheshire).
    pub ons_code: String,
    /// Department for Education LA code, e.g. "805".
    pub dfe_code: String,
    /// English region, e.g. "North East".
    pub region: String,
    /// True for an authority that no longer exists (abolished or merged).
    pub former: bool,
    /// The name as people write it in running text and citations: "Bristol" for "Bristol, City
    /// of", "Kingston upon Hull" for "Kingston Upon Hull, City of", a former authority's own
    /// title ("Dorset County Council") for a name with a parenthesised note.
    #[serde(skip)]
    pub display: String,
    /// DfE codes of the authorities that took over a former one's area (from the
    /// `successors` column), in table order; empty for a current authority.
    #[serde(skip)]
    pub successors: Vec<String>,
    /// The other names the table writes for it (the `aliases` column), in table order.
    #[serde(skip)]
    pub aliases: Vec<String>,
}

impl Authority {
    /// The name as people write it (see [`Authority::display`]).
    pub fn display_name(&self) -> &str {
        &self.display
    }
}

/// Errors reading an authority table from CSV.
#[derive(Debug, thiserror::Error)]
pub enum AuthorityError {
    /// The CSV itself could not be read (bad quoting, wrong number of fields, bad UTF-8...).
    #[error("authority table, line {line}: unreadable CSV: {source}")]
    Csv {
        /// 1-based line number where the problem was found.
        line: u64,
        /// The underlying CSV error.
        #[source]
        source: csv::Error,
    },
    /// A required column is not in the header row.
    #[error("authority table: the header has no `{column}` column")]
    MissingColumn {
        /// Name of the missing column.
        column: &'static str,
    },
    /// A required field is empty.
    #[error("authority table, line {line}: `{column}` is empty")]
    EmptyField {
        /// 1-based line number of the record.
        line: u64,
        /// Name of the empty column.
        column: &'static str,
    },
    /// The `status` column holds something other than current/former/abolished.
    #[error("authority table, line {line}: unknown status `{value}` (expected current, former or abolished)")]
    BadStatus {
        /// 1-based line number of the record.
        line: u64,
        /// The status as written.
        value: String,
    },
    /// A DfE or ONS code appears on two rows.
    #[error("authority table, line {line}: code `{code}` is already used on line {first_line}")]
    DuplicateCode {
        /// 1-based line number of the second use.
        line: u64,
        /// The duplicated code.
        code: String,
        /// 1-based line number of the first use.
        first_line: u64,
    },
    /// The table has no rows.
    #[error("authority table: no authorities")]
    Empty,
}

/// The bundled table, as shipped in `data/local_authorities.csv`.
const BUNDLED_CSV: &str = include_str!("../data/local_authorities.csv");

static BUNDLED: LazyLock<AuthorityTable> = LazyLock::new(|| parse_bundled(BUNDLED_CSV));

/// Parses the bundled CSV. That file is part of the source tree and known to be good, so a
/// failure is a build defect: panic with a message that says which file is broken and why.
fn parse_bundled(text: &str) -> AuthorityTable {
    match AuthorityTable::from_csv(text) {
        Ok(table) => table,
        Err(e) => panic!("the bundled crates/schema/data/local_authorities.csv is invalid: {e}"),
    }
}

/// Words that mark a name as an organisation's full title rather than a short place name;
/// derived forms are only built from names without them.
pub const ORG_WORDS: &[&str] = &[
    "council",
    "borough",
    "city",
    "county",
    "metropolitan",
    "district",
    "royal",
    "trust",
    "authority",
    "corporation",
    "services",
    "unitary",
];

/// Derived forms: `{}` is the short name.
const DERIVED_FORMS: &[&str] = &[
    "{} Council",
    "{} Borough",
    "{} Borough Council",
    "{} City",
    "{} City Council",
    "{} County",
    "{} County Council",
    "{} District Council",
    "{} Metropolitan Borough",
    "{} Metropolitan Borough Council",
    "{} Metropolitan District",
    "{} Metropolitan District Council",
    "{} Metropolitan Council",
    "{} Unitary Authority",
    "{} Children's Services",
    "{} Children and Families Trust",
    "{} Children's Trust",
    "{} Children's Services Trust",
    "City of {}",
    "City of {} Council",
    "County of {}",
    "Borough of {}",
    "London Borough of {}",
    "Royal Borough of {}",
    "Metropolitan Borough of {}",
    "Metropolitan Borough of {} Council",
];

/// Token id for a word that appears in no variant.
const UNKNOWN: u32 = u32::MAX;

/// How strongly a variant belongs to its authority; higher wins a clash between authorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    /// Written in the CSV (name or alias) rather than derived.
    explicit: bool,
    /// The authority is current.
    current: bool,
}

/// A word of a passage, with where it sits in the original text.
#[derive(Debug)]
struct Word {
    /// Token id (or [`UNKNOWN`]).
    id: u32,
    /// Byte offset of the word's first character in the passage.
    start: usize,
    /// Whether the word's first character is upper case in the passage.
    capital: bool,
}

/// The table of local authorities, with a name matcher.
#[derive(Debug)]
pub struct AuthorityTable {
    authorities: Vec<Authority>,
    /// Upper-cased DfE and ONS codes (both columns) to authority index.
    codes: HashMap<String, usize>,
    /// Normalised variant (words joined by single spaces) to authority index.
    variants: HashMap<String, usize>,
    /// Word to token id.
    vocab: HashMap<String, u32>,
    /// First token id to the variants starting with it, longest first.
    by_first: HashMap<u32, Vec<(Vec<u32>, usize)>>,
}

/// Splits text into lower-cased words: runs of alphanumeric characters; `&` is the word "and".
/// Calls `f(word, byte_start, first_char_is_upper)` for each.
fn for_each_word(text: &str, mut f: impl FnMut(&str, usize, bool)) {
    let mut buf = String::new();
    let mut start = 0usize;
    let mut capital = false;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if buf.is_empty() {
                start = i;
                capital = c.is_uppercase();
            }
            buf.extend(c.to_lowercase());
        } else {
            if !buf.is_empty() {
                f(&buf, start, capital);
                buf.clear();
            }
            if c == '&' {
                f("and", i, false);
            }
        }
    }
    if !buf.is_empty() {
        f(&buf, start, capital);
    }
}

/// The normalised form of a name: its words joined by single spaces.
fn normalise(text: &str) -> String {
    let mut out = String::new();
    for_each_word(text, |w, _, _| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    });
    out
}

/// Short forms of one CSV name or alias: drops a parenthesised note and turns
/// "X, City of" / "X, County of" into "X" (plus "City of X" / "County of X").
fn name_forms(raw: &str) -> Vec<String> {
    let mut forms = vec![raw.trim().to_string()];
    let mut base = raw.trim().to_string();
    if let Some(open) = base.find('(') {
        base = base[..open].trim().to_string();
    }
    for prefix in ["City of", "County of"] {
        let tail = format!(", {prefix}");
        let cut = base.len().saturating_sub(tail.len());
        let ends_with_tail = base.len() > tail.len()
            && base.is_char_boundary(cut)
            && base[cut..].eq_ignore_ascii_case(&tail);
        if ends_with_tail {
            let short = base[..cut].trim().to_string();
            forms.push(format!("{prefix} {short}"));
            base = short;
            break;
        }
    }
    forms.push(base);
    forms
}

/// The part of a normalised place name before "on" / "upon" ("stockton" for "stockton on
/// tees", "richmond" for "richmond upon thames"), as reports often shorten it.
fn place_short_form(normalised: &str) -> Option<&str> {
    [" on ", " upon "]
        .iter()
        .filter_map(|sep| normalised.find(sep))
        .min()
        .map(|at| &normalised[..at])
        .filter(|short| !short.is_empty())
}

/// The name as people write it: "X, City of" / "X, County of" as "X", "Upon" as "upon"; a
/// name with a parenthesised note ("Dorset (county council, pre-2019)") as its first alias.
fn display_form(name: &str, first_alias: Option<&str>) -> String {
    if name.contains('(') {
        if let Some(alias) = first_alias.filter(|a| !a.contains('(')) {
            return alias.to_string();
        }
    }
    let short = name_forms(name).pop().unwrap_or_else(|| name.to_string());
    short.replace(" Upon ", " upon ")
}

/// The DfE codes that start the `;`-separated items of a `successors` cell: "839
/// Bournemouth, Christchurch and Poole (E06000058)" gives 839, "Christchurch area to 839 BCP"
/// too (the first word of digits only).
fn leading_codes(cell: &str) -> Vec<String> {
    cell.split(';')
        .filter_map(|item| {
            item.split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
                .map(String::from)
        })
        .collect()
}

/// Levenshtein distance between two strings, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Whether a normalised name contains an organisational word.
fn is_full_title(normalised: &str) -> bool {
    normalised.split(' ').any(|w| ORG_WORDS.contains(&w))
}

impl AuthorityTable {
    /// The bundled table, parsed once from `data/local_authorities.csv`.
    ///
    /// # Panics
    /// If the bundled file is invalid, which is a defect of the build, not of any input.
    pub fn bundled() -> &'static AuthorityTable {
        &BUNDLED
    }

    /// Reads a table from CSV text with a header row naming at least `dfe_la_code`,
    /// `ons_code`, `name`, `region` and `status`; `ons_code_alt` (an older ONS code) and
    /// `aliases` (`;`-separated) are used when present. `status` is `current`, or `former` /
    /// `abolished`. `ons_code` may be empty only for a former authority.
    pub fn from_csv(text: &str) -> Result<AuthorityTable, AuthorityError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|source| AuthorityError::Csv { line: 1, source })?
            .clone();
        let column = |name: &'static str| headers.iter().position(|h| h.trim() == name);
        let required =
            |name: &'static str| column(name).ok_or(AuthorityError::MissingColumn { column: name });
        let c_dfe = required("dfe_la_code")?;
        let c_ons = required("ons_code")?;
        let c_name = required("name")?;
        let c_region = required("region")?;
        let c_status = required("status")?;
        let c_alt = column("ons_code_alt");
        let c_aliases = column("aliases");
        let c_successors = column("successors");

        let mut authorities = Vec::new();
        let mut codes: HashMap<String, usize> = HashMap::new();
        let mut code_lines: HashMap<String, u64> = HashMap::new();
        // (normalised variant, written form, rank, authority index)
        let mut raw_variants: Vec<(String, Rank, usize)> = Vec::new();
        let mut last_line = 1u64;

        for record in reader.records() {
            let record = record.map_err(|source| {
                let line = source.position().map_or(last_line + 1, |p| p.line());
                AuthorityError::Csv { line, source }
            })?;
            let line = record.position().map_or(last_line + 1, |p| p.line());
            last_line = line;
            let field = |c: usize| record.get(c).unwrap_or("").trim();
            let non_empty = |c: usize, column: &'static str| {
                let v = field(c);
                if v.is_empty() {
                    Err(AuthorityError::EmptyField { line, column })
                } else {
                    Ok(v.to_string())
                }
            };
            let dfe_code = non_empty(c_dfe, "dfe_la_code")?;
            let name = non_empty(c_name, "name")?;
            let region = non_empty(c_region, "region")?;
            let status = non_empty(c_status, "status")?;
            let former = match status.to_lowercase().as_str() {
                "current" => false,
                "former" | "abolished" => true,
                _ => {
                    return Err(AuthorityError::BadStatus {
                        line,
                        value: status,
                    })
                }
            };
            let ons_code = field(c_ons).to_string();
            if ons_code.is_empty() && !former {
                return Err(AuthorityError::EmptyField {
                    line,
                    column: "ons_code",
                });
            }
            let ons_alt = c_alt.map(field).unwrap_or("").to_string();

            let index = authorities.len();
            for code in [&dfe_code, &ons_code, &ons_alt] {
                if code.is_empty() {
                    continue;
                }
                let key = code.to_uppercase();
                if let Some(&first_line) = code_lines.get(&key) {
                    return Err(AuthorityError::DuplicateCode {
                        line,
                        code: code.clone(),
                        first_line,
                    });
                }
                code_lines.insert(key.clone(), line);
                codes.insert(key, index);
            }

            let current = !former;
            let mut names: Vec<String> = vec![name.clone()];
            if let Some(c) = c_aliases {
                names.extend(
                    field(c)
                        .split(';')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(String::from),
                );
            }
            for written in &names {
                for form in name_forms(written) {
                    let norm = normalise(&form);
                    if norm.is_empty() {
                        continue;
                    }
                    if !is_full_title(&norm) {
                        let derived = Rank {
                            explicit: false,
                            current,
                        };
                        for base in [Some(form.as_str()), place_short_form(&norm)]
                            .into_iter()
                            .flatten()
                        {
                            for pattern in DERIVED_FORMS {
                                raw_variants.push((
                                    normalise(&pattern.replace("{}", base)),
                                    derived,
                                    index,
                                ));
                            }
                            raw_variants.push((normalise(base), derived, index));
                        }
                    }
                    raw_variants.push((
                        norm,
                        Rank {
                            explicit: true,
                            current,
                        },
                        index,
                    ));
                }
            }

            let display = display_form(&name, names.get(1).map(String::as_str));
            let successors = c_successors
                .map(|c| leading_codes(field(c)))
                .unwrap_or_default();
            authorities.push(Authority {
                name,
                ons_code,
                dfe_code,
                region,
                former,
                display,
                successors,
                aliases: names.split_off(1),
            });
        }
        if authorities.is_empty() {
            return Err(AuthorityError::Empty);
        }

        // Resolve clashes: the higher rank wins; two different authorities at the same best
        // rank make the variant ambiguous, and it is dropped (e.g. "Kingston", short for both
        // Kingston upon Hull and Kingston upon Thames).
        let mut best: HashMap<String, (Rank, Option<usize>)> = HashMap::new();
        for (norm, rank, index) in raw_variants {
            match best.get(&norm) {
                Some(&(r, _)) if r > rank => {}
                Some(&(r, Some(i))) if r == rank && i == index => {}
                Some(&(r, _)) if r == rank => {
                    best.insert(norm, (rank, None));
                }
                _ => {
                    best.insert(norm, (rank, Some(index)));
                }
            }
        }

        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut by_first: HashMap<u32, Vec<(Vec<u32>, usize)>> = HashMap::new();
        let mut variants = HashMap::new();
        for (norm, (_, index)) in best {
            let Some(index) = index else { continue };
            let ids: Vec<u32> = norm
                .split(' ')
                .map(|w| {
                    let next = u32::try_from(vocab.len()).unwrap_or(UNKNOWN - 1);
                    *vocab.entry(w.to_string()).or_insert(next)
                })
                .collect();
            if let Some(&first) = ids.first() {
                by_first.entry(first).or_default().push((ids, index));
            }
            variants.insert(norm, index);
        }
        for list in by_first.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }

        Ok(AuthorityTable {
            authorities,
            codes,
            variants,
            vocab,
            by_first,
        })
    }

    /// Every authority in table order, current and former.
    pub fn all(&self) -> &[Authority] {
        &self.authorities
    }

    /// The authority with this exact name, alias, derived form (e.g. "Hartlepool Borough
    /// Council"), ONS code (current or older) or DfE code; case-insensitive, with the same
    /// normalisation as [`find`](Self::find) ("St. Helens" = "st helens", "&" = "and").
    pub fn lookup(&self, name_or_code: &str) -> Option<&Authority> {
        let key = name_or_code.trim();
        if let Some(&i) = self.codes.get(&key.to_uppercase()) {
            return self.authorities.get(i);
        }
        self.variants
            .get(&normalise(key))
            .and_then(|&i| self.authorities.get(i))
    }

    /// Every authority a name typed by a user stands for: the one [`lookup`](Self::lookup)
    /// finds, followed, for a former authority, by the authorities that took over its area
    /// ("Bournemouth": the pre-2019 borough, then Bournemouth, Christchurch and Poole). Empty
    /// for a name the table does not know.
    pub fn resolve(&self, name: &str) -> Vec<&Authority> {
        let Some(found) = self.lookup(name) else {
            return Vec::new();
        };
        let mut out = vec![found];
        for code in &found.successors {
            if let Some(next) = self.lookup(code) {
                if !out.iter().any(|a| a.dfe_code == next.dfe_code) {
                    out.push(next);
                }
            }
        }
        out
    }

    /// Up to `limit` authorities whose names are closest to a name the table does not know,
    /// closest first: names that start with it as whole words ("Kingston": Kingston upon Hull
    /// and Kingston upon Thames), then names within a few typing mistakes (about one per
    /// three characters; "Bristle": Bristol). Empty when nothing is that close.
    pub fn suggest(&self, name: &str, limit: usize) -> Vec<&Authority> {
        let typed = normalise(name);
        if typed.is_empty() {
            return Vec::new();
        }
        let allowed = (typed.chars().count() / 3).max(1);
        let prefix = format!("{typed} ");
        let mut best: HashMap<usize, usize> = HashMap::new();
        for (variant, &index) in &self.variants {
            let score = if variant.starts_with(&prefix) {
                0
            } else {
                match edit_distance(&typed, variant) {
                    d if d <= allowed => d + 1,
                    _ => continue,
                }
            };
            let slot = best.entry(index).or_insert(score);
            *slot = (*slot).min(score);
        }
        let mut ranked: Vec<(usize, &Authority)> = best
            .into_iter()
            .filter_map(|(index, score)| Some((score, self.authorities.get(index)?)))
            .collect();
        ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.display.cmp(&b.1.display)));
        ranked.into_iter().take(limit).map(|(_, a)| a).collect()
    }

    /// The authority named in a passage (a title block, the opening lines of a report, a
    /// letter's addressee block): the earliest match, the longest at the same position.
    /// See the module documentation for the matching rules.
    ///
    /// Pass the title block or the addressee block, not a letterhead: Ofsted's own address
    /// ("Piccadilly Gate, Store Street, Manchester") names Manchester.
    pub fn find(&self, passage: &str) -> Option<&Authority> {
        let words = self.words(passage);
        let any_capital = passage.chars().any(char::is_uppercase);
        (0..words.len())
            .find_map(|i| self.match_at(&words, i, any_capital))
            .and_then(|(_, index)| self.authorities.get(index))
    }

    /// Every authority named in a passage, with the byte offset where its name starts, in
    /// order and without overlaps (at each position the longest name is taken and matching
    /// resumes after it).
    pub fn find_all(&self, passage: &str) -> Vec<(usize, &Authority)> {
        let words = self.words(passage);
        let any_capital = passage.chars().any(char::is_uppercase);
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            match self.match_at(&words, i, any_capital) {
                Some((len, index)) => {
                    if let Some(authority) = self.authorities.get(index) {
                        out.push((words[i].start, authority));
                    }
                    i += len.max(1);
                }
                None => i += 1,
            }
        }
        out
    }

    /// The passage's words as token ids.
    fn words(&self, passage: &str) -> Vec<Word> {
        let mut words = Vec::new();
        for_each_word(passage, |w, start, capital| {
            let id = self.vocab.get(w).copied().unwrap_or(UNKNOWN);
            words.push(Word { id, start, capital });
        });
        words
    }

    /// The longest variant starting at word `i`: (length in words, authority index).
    fn match_at(&self, words: &[Word], i: usize, any_capital: bool) -> Option<(usize, usize)> {
        let first = words.get(i)?.id;
        if first == UNKNOWN {
            return None;
        }
        let candidates = self.by_first.get(&first)?;
        candidates.iter().find_map(|(ids, index)| {
            let span = words.get(i..i + ids.len())?;
            let same = span.iter().zip(ids).all(|(w, id)| w.id == *id);
            let capitalised = !any_capital || span.iter().any(|w| w.capital);
            (same && capitalised).then_some((ids.len(), *index))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static AuthorityTable {
        AuthorityTable::bundled()
    }

    fn found(text: &str) -> Option<&'static str> {
        table().find(text).map(|a| a.name.as_str())
    }

    fn code(text: &str) -> Option<&'static str> {
        table().find(text).map(|a| a.ons_code.as_str())
    }

    fn display(name: &str) -> Option<String> {
        table().lookup(name).map(|a| a.display_name().to_string())
    }

    fn resolved(name: &str) -> Vec<&'static str> {
        table()
            .resolve(name)
            .iter()
            .map(|a| a.name.as_str())
            .collect()
    }

    fn suggested(name: &str) -> Vec<&'static str> {
        table()
            .suggest(name, 3)
            .iter()
            .map(|a| a.display_name())
            .collect()
    }

    #[test]
    fn display_names_are_written_as_people_write_them() {
        assert_eq!(display("Bristol, City of").as_deref(), Some("Bristol"));
        assert_eq!(display("Hull").as_deref(), Some("Kingston upon Hull"));
        assert_eq!(display("Hartlepool").as_deref(), Some("Hartlepool"));
        assert_eq!(display("St Helens").as_deref(), Some("St. Helens"));
        assert_eq!(
            display("Dorset County Council").as_deref(),
            Some("Dorset County Council")
        );
        assert_eq!(
            display("Richmond upon Thames").as_deref(),
            Some("Richmond upon Thames")
        );
    }

    #[test]
    fn names_people_type_resolve_to_the_canonical_authority() {
        assert_eq!(resolved("Bristol"), ["Bristol, City of"]);
        assert_eq!(resolved("bristol"), ["Bristol, City of"]);
        assert_eq!(resolved("Hull"), ["Kingston Upon Hull, City of"]);
        assert_eq!(resolved("County Durham"), ["Durham"]);
        assert_eq!(resolved("St Helens"), ["St. Helens"]);
        assert_eq!(resolved("st.helens"), ["St. Helens"]);
        assert_eq!(resolved("E06000001"), ["Hartlepool"]);
        assert_eq!(resolved("805"), ["Hartlepool"]);
        assert!(resolved("Narnia").is_empty());
    }

    #[test]
    fn a_former_authority_resolves_to_itself_and_its_successors() {
        assert_eq!(
            resolved("Bournemouth"),
            ["Bournemouth", "Bournemouth, Christchurch and Poole"]
        );
        assert_eq!(
            resolved("Cheshire"),
            ["Cheshire", "Cheshire East", "Cheshire West and Chester"]
        );
        // A current authority's name is only itself.
        assert_eq!(resolved("Cheshire East"), ["Cheshire East"]);
    }

    #[test]
    fn an_unknown_name_gets_the_closest_names() {
        assert_eq!(suggested("Bristle").first(), Some(&"Bristol"));
        assert_eq!(suggested("Hartlepol").first(), Some(&"Hartlepool"));
        let kingston = suggested("Kingston");
        assert!(kingston.contains(&"Kingston upon Hull"), "{kingston:?}");
        assert!(kingston.contains(&"Kingston upon Thames"), "{kingston:?}");
        assert!(suggested("zzzzzzzzzzzz").is_empty());
    }

    #[test]
    fn bundled_table_has_current_and_former_authorities() {
        let all = table().all();
        assert_eq!(all.iter().filter(|a| !a.former).count(), 153);
        assert_eq!(all.iter().filter(|a| a.former).count(), 7);
    }

    #[test]
    #[should_panic(expected = "bundled crates/schema/data/local_authorities.csv is invalid")]
    fn broken_bundled_file_panics_clearly() {
        parse_bundled("dfe_la_code,name\n805,Hartlepool\n");
    }

    #[test]
    fn hartlepool_address_block_is_not_durham() {
        let block = "Hartlepool Borough Council\nCivic Centre\nHartlepool\nDurham TS24 8AY";
        assert_eq!(found(block), Some("Hartlepool"));
        let all = table().find_all(block);
        let names: Vec<&str> = all.iter().map(|(_, a)| a.name.as_str()).collect();
        assert_eq!(names, ["Hartlepool", "Hartlepool", "Durham"]);
        assert_eq!(all[0].0, 0);
        assert_eq!(&block[all[2].0..all[2].0 + 6], "Durham");
    }

    #[test]
    fn joint_area_review_title_block() {
        let text = "# Joint area review\n\nHartlepool\n\nChildren's Services Authority Area";
        assert_eq!(found(text), Some("Hartlepool"));
    }

    #[test]
    fn stockton_spellings() {
        for text in [
            "Stockton-on-Tees Borough Council",
            "Stockton on Tees",
            "STOCKTON-ON-TEES",
            "Stockton-on-\nTees",
        ] {
            assert_eq!(code(text), Some("E06000004"), "{text}");
        }
    }

    #[test]
    fn region_names_are_not_authorities() {
        assert_eq!(found("Region: North East"), None);
        assert_eq!(found("North East\nHartlepool"), Some("Hartlepool"));
    }

    #[test]
    fn bath_and_north_east_somerset_is_not_somerset() {
        assert_eq!(
            found("Inspection of Bath and North East\nSomerset local authority"),
            Some("Bath and North East Somerset")
        );
        assert_eq!(found("Somerset County Council"), Some("Somerset"));
        assert_eq!(found("North Somerset Council"), Some("North Somerset"));
    }

    #[test]
    fn lincolnshires_are_told_apart() {
        assert_eq!(
            found("North East Lincolnshire Council"),
            Some("North East Lincolnshire")
        );
        assert_eq!(
            found("Inspection of North Lincolnshire local authority"),
            Some("North Lincolnshire")
        );
        assert_eq!(found("Lincolnshire County Council"), Some("Lincolnshire"));
    }

    #[test]
    fn bournemouth_christchurch_and_poole() {
        for text in [
            "Bournemouth, Christchurch and Poole",
            "Inspection of Bournemouth,\nChristchurch and Poole local authority",
            "Bournemouth, Christchurch & Poole Council",
            "BCP Council",
        ] {
            assert_eq!(code(text), Some("E06000058"), "{text}");
        }
        let old = table()
            .find("Bournemouth Borough Council")
            .expect("Bournemouth");
        assert!(old.former);
        assert_eq!(old.ons_code, "E06000028");
        let poole = table().find("Borough of Poole").expect("Poole");
        assert!(poole.former);
        assert_eq!(poole.ons_code, "E06000029");
    }

    #[test]
    fn dorset_prefers_current_unless_county_council_named() {
        let now = table()
            .find("Inspection of Dorset local authority")
            .expect("Dorset");
        assert!(!now.former);
        assert_eq!(now.ons_code, "E06000059");
        assert_eq!(table().lookup("Dorset"), Some(now));
        assert_eq!(table().lookup("Dorset Council"), Some(now));
        let old = table()
            .find("Dorset County Council")
            .expect("Dorset County Council");
        assert!(old.former);
        assert_eq!(old.ons_code, "E10000009");
    }

    #[test]
    fn cumbria_and_successors() {
        assert_eq!(
            code("Inspection of Cumberland local authority"),
            Some("E06000063")
        );
        assert_eq!(
            code("Inspection of Westmorland and\nFurness local authority"),
            Some("E06000064")
        );
        let cumbria = table().find("Cumbria County Council").expect("Cumbria");
        assert!(cumbria.former);
    }

    #[test]
    fn bedford_and_bedfordshire() {
        assert_eq!(
            code("Inspection of Bedford local authority"),
            Some("E06000055")
        );
        assert_eq!(code("Bedford Borough Council"), Some("E06000055"));
        assert_eq!(code("Central Bedfordshire"), Some("E06000056"));
        let old = table()
            .find("Bedfordshire County Council")
            .expect("Bedfordshire");
        assert!(old.former);
        assert_eq!(old.dfe_code, "820");
    }

    #[test]
    fn cheshires() {
        assert_eq!(code("Cheshire East Council"), Some("E06000049"));
        assert_eq!(
            code("Inspection of Cheshire West and\nChester local authority"),
            Some("E06000050")
        );
        let old = table().find("Cheshire County Council").expect("Cheshire");
        assert!(old.former);
    }

    #[test]
    fn bristol_hull_herefordshire_durham() {
        for text in [
            "Bristol",
            "City of Bristol",
            "Bristol City Council",
            "Bristol, City of",
            "Bristol City of",
        ] {
            assert_eq!(code(text), Some("E06000023"), "{text}");
        }
        for text in [
            "Kingston upon Hull",
            "Hull City Council",
            "Kingston Upon Hull, City of",
            "City of Kingston upon Hull",
        ] {
            assert_eq!(code(text), Some("E06000010"), "{text}");
        }
        for text in [
            "Herefordshire Council",
            "Herefordshire, County of",
            "County of Herefordshire",
        ] {
            assert_eq!(code(text), Some("E06000019"), "{text}");
        }
        for text in ["County Durham", "Durham County Council", "Durham"] {
            assert_eq!(code(text), Some("E06000047"), "{text}");
        }
    }

    #[test]
    fn punctuation_and_ampersands() {
        assert_eq!(
            code("St. Helens Metropolitan Borough Council"),
            Some("E08000013")
        );
        assert_eq!(code("St Helens"), Some("E08000013"));
        assert_eq!(code("Telford & Wrekin"), Some("E06000020"));
        assert_eq!(code("Hammersmith & Fulham"), Some("E09000013"));
        assert_eq!(code("Medway Children’s Services"), Some("E06000035"));
        assert_eq!(code("**Hartlepool's** children"), Some("E06000001"));
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(found("Yorkshire"), None);
        assert_eq!(found("Kentish Town"), None);
        assert_eq!(
            found("Inspection of North Yorkshire"),
            Some("North Yorkshire")
        );
        assert_eq!(found("Derbyshire County Council"), Some("Derbyshire"));
    }

    #[test]
    fn common_words_need_a_capital() {
        assert_eq!(
            found("Inspectors were reading case files in Bury"),
            Some("Bury")
        );
        assert_eq!(found("Inspectors were reading case files"), None);
        assert_eq!(found("reading borough council"), Some("Reading"));
    }

    #[test]
    fn on_and_upon_short_forms() {
        assert_eq!(
            found("Middlesbrough, Stockton, Redcar and Cleveland"),
            Some("Middlesbrough")
        );
        let names: Vec<&str> = table()
            .find_all("Middlesbrough, Stockton, Redcar and Cleveland")
            .iter()
            .map(|(_, a)| a.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Middlesbrough", "Stockton-on-Tees", "Redcar and Cleveland"]
        );
        assert_eq!(found("Southend Borough Council"), Some("Southend-on-Sea"));
        assert_eq!(
            found("London Borough of Richmond"),
            Some("Richmond upon Thames")
        );
        // Short for both Kingston upon Hull and Kingston upon Thames: not used.
        assert_eq!(found("Kingston"), None);
        assert_eq!(table().lookup("Kingston"), None);
        assert_eq!(
            found("Royal Borough of Kingston upon\nThames"),
            Some("Kingston upon Thames")
        );
    }

    #[test]
    fn derived_forms() {
        assert_eq!(code("London Borough of Barnet"), Some("E09000003"));
        assert_eq!(code("Royal Borough of Greenwich"), Some("E09000011"));
        assert_eq!(
            code("Inspection of Bradford Children and\nFamilies Trust"),
            Some("E08000032")
        );
        assert_eq!(code("City of York Council"), Some("E06000014"));
        assert_eq!(
            code("Metropolitan Borough of Barnsley Council"),
            Some("E08000038")
        );
    }

    #[test]
    fn lookup_by_name_alias_and_codes() {
        let t = table();
        let hart = t.lookup("hartlepool").expect("by name");
        assert_eq!(t.lookup("HARTLEPOOL BOROUGH COUNCIL"), Some(hart));
        assert_eq!(t.lookup("E06000001"), Some(hart));
        assert_eq!(t.lookup("e06000001"), Some(hart));
        assert_eq!(t.lookup("805"), Some(hart));
        let barnsley = t.lookup("E08000016").expect("older ONS code");
        assert_eq!(barnsley.ons_code, "E08000038");
        assert_eq!(
            t.lookup("st. helens").map(|a| a.dfe_code.as_str()),
            Some("342")
        );
        assert_eq!(t.lookup("Hartlepool and Durham"), None);
        assert_eq!(t.lookup(""), None);
    }

    #[test]
    fn find_all_offsets_are_in_order_and_non_overlapping() {
        let text = "Stockton-on-Tees and Hartlepool; also Bath and North East Somerset.";
        let all = table().find_all(text);
        let got: Vec<(usize, &str)> = all.iter().map(|(o, a)| (*o, a.name.as_str())).collect();
        assert_eq!(
            got,
            [
                (0, "Stockton-on-Tees"),
                (21, "Hartlepool"),
                (38, "Bath and North East Somerset")
            ]
        );
    }

    #[test]
    fn csv_errors_carry_line_numbers() {
        let header = "dfe_la_code,ons_code,ons_code_alt,name,aliases,region,status\n";
        let bad_status = format!("{header}805,E06000001,,Hartlepool,,North East,current\n806,E06000002,,Middlesbrough,,North East,gone\n");
        match AuthorityTable::from_csv(&bad_status) {
            Err(AuthorityError::BadStatus { line, value }) => {
                assert_eq!(line, 3);
                assert_eq!(value, "gone");
            }
            other => panic!("expected BadStatus, got {other:?}"),
        }
        let dup = format!("{header}805,E06000001,,Hartlepool,,North East,current\n805,E06000002,,Middlesbrough,,North East,current\n");
        assert!(matches!(
            AuthorityTable::from_csv(&dup),
            Err(AuthorityError::DuplicateCode {
                line: 3,
                first_line: 2,
                ..
            })
        ));
        let ragged =
            format!("{header}805,E06000001,,Hartlepool,,North East,current\n806,E06000002\n");
        match AuthorityTable::from_csv(&ragged) {
            Err(e @ AuthorityError::Csv { line: 3, .. }) => {
                assert!(e.to_string().contains("line 3"))
            }
            other => panic!("expected Csv error on line 3, got {other:?}"),
        }
        let no_name = format!("{header}805,E06000001,,,,North East,current\n");
        assert!(matches!(
            AuthorityTable::from_csv(&no_name),
            Err(AuthorityError::EmptyField {
                line: 2,
                column: "name"
            })
        ));
        assert!(matches!(
            AuthorityTable::from_csv("dfe_la_code,ons_code,name,region\n"),
            Err(AuthorityError::MissingColumn { column: "status" })
        ));
        assert!(matches!(
            AuthorityTable::from_csv(header),
            Err(AuthorityError::Empty)
        ));
    }

    #[test]
    fn odd_names_in_csv_do_not_panic() {
        let text = "dfe_la_code,ons_code,name,aliases,region,status\n\
                    1,X1,\"İİİ, City of\",\"(;, city of;&;İ, county of\",R,current\n";
        let t = AuthorityTable::from_csv(text).expect("valid");
        assert_eq!(
            t.lookup("City of İİİ").map(|a| a.dfe_code.as_str()),
            Some("1")
        );
        assert_eq!(t.find("nothing here"), None);
    }

    #[test]
    fn small_table_from_csv() {
        let text = "dfe_la_code,ons_code,name,region,status\n805,E06000001,Hartlepool,North East,current\n";
        let t = AuthorityTable::from_csv(text).expect("valid");
        assert_eq!(t.all().len(), 1);
        assert_eq!(
            t.find("Hartlepool Borough Council")
                .map(|a| a.dfe_code.as_str()),
            Some("805")
        );
    }
}
