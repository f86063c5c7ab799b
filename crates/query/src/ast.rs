//! The parsed form of a query: what the parser ([`crate::syntax`]) produces and the searcher
//! compiles into tantivy queries. Kept apart from both so that each can be tested alone.

use serde::{Deserialize, Serialize};

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Node {
    /// A single word, possibly a prefix (`leav*`) or fuzzy (`neglect~1`).
    Word(Word),
    /// A quoted phrase, possibly with slop (`"care leavers"~3`).
    Phrase(Phrase),
    /// A field filter or range (`grade:inadequate`, `year:[2009 TO 2013]`).
    Filter(Filter),
    /// Every part must match (adjacent parts, `AND`, `+part`).
    All(Vec<Node>),
    /// Any part may match (`OR`).
    Any(Vec<Node>),
    /// The part must not match (`NOT part`, `-part`).
    Not(Box<Node>),
    /// The part's score is multiplied (`part^2`).
    Boost(Box<Node>, f32),
}

/// A word to match in the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Word {
    /// The word as typed (not yet analysed; may hold an apostrophe: `children's`).
    pub text: String,
    /// `leav*`: every term starting with the (analysed, unstemmed) word.
    pub prefix: bool,
    /// `neglect~1`: terms within this edit distance (1 or 2).
    pub fuzzy: Option<u8>,
    /// Match the unstemmed field (`exact:word`, or `--exact` for the whole query).
    pub exact: bool,
    /// Typed as a plain word among plain words (no operator, sign, modifier or field, not in
    /// brackets, in a query without `AND` or `OR` at its top): a search may rank paragraphs
    /// holding only some of such words after those holding them all (`crate::plain`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub loose: bool,
}

/// A phrase to match in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phrase {
    /// The phrase as typed, without its quotes.
    pub text: String,
    /// `"care leavers"~3`: words may stand up to this many positions apart.
    pub slop: u32,
    /// Match the unstemmed field.
    pub exact: bool,
}

/// The tag fields a query can filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterField {
    /// `authority:` a canonical name or ONS code, case-insensitive.
    Authority,
    /// `region:` a region of England.
    Region,
    /// `year:` a year or range of years.
    Year,
    /// `type:` a report type name (`sif`, `ilacs`, ...).
    Type,
    /// `area:` a canonical area name (`care-leavers`, ...).
    Area,
    /// `grade:` a canonical grade name (`inadequate`, ...).
    Grade,
    /// `kind:` a paragraph kind name (`judgement`, ...).
    Kind,
    /// `edition:` a framework edition (`ilacs-2023`, `sif+lscb`): not a facet.
    Edition,
}

impl FilterField {
    /// Every facet field, in the order facets are listed.
    pub const ALL: [FilterField; 7] = [
        FilterField::Authority,
        FilterField::Region,
        FilterField::Year,
        FilterField::Type,
        FilterField::Area,
        FilterField::Grade,
        FilterField::Kind,
    ];

    /// The name used in queries, flags and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterField::Authority => "authority",
            FilterField::Region => "region",
            FilterField::Year => "year",
            FilterField::Type => "type",
            FilterField::Area => "area",
            FilterField::Grade => "grade",
            FilterField::Kind => "kind",
            FilterField::Edition => "edition",
        }
    }

    /// The field a query names (`authority`, `type`, ...), case-insensitive.
    pub fn from_name(name: &str) -> Option<FilterField> {
        // The facets, then the edition (a filter, not a facet).
        FilterField::ALL
            .into_iter()
            .chain([FilterField::Edition])
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }
}

/// A filter on one tag field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// The field.
    pub field: FilterField,
    /// The value or range, as typed (names are resolved against the index when compiled).
    pub value: FilterValue,
}

/// The value side of a filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterValue {
    /// One value (`grade:inadequate`, `authority:"North Yorkshire"`).
    One(String),
    /// A range (`year:[2009 TO 2013]`, inclusive; `{` `}` exclusive; `*` open).
    Range {
        /// Lower bound, if any.
        from: Option<String>,
        /// Whether the lower bound is included.
        from_inclusive: bool,
        /// Upper bound, if any.
        to: Option<String>,
        /// Whether the upper bound is included.
        to_inclusive: bool,
    },
}
