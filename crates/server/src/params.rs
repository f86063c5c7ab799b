//! Query-string parameters: each route's parameters are declared once in a table ([`Param`]),
//! which both the parser (unknown names refused, one-valued names given once, numbers in
//! range) and the OpenAPI description read. Names are the CLI's flags (`q` for the query).
//! An empty value (`grade=`, what an HTML form sends for an empty field) counts as absent.

use ofsearch_query::analysis::{CompareBy, KwicSort, Split};
use ofsearch_query::{Filters, SearchRequest, Sort};

use crate::error::ApiError;
use crate::Limits;

/// What a parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text.
    Text,
    /// A whole number.
    Number,
    /// `true` or `false` (also `1`/`0`, `on`/`off`, `yes`/`no`).
    Flag,
    /// One of these names.
    OneOf(&'static [&'static str]),
}

/// One query-string parameter of a route.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub shape: Shape,
    /// Whether it may be given several times (values OR'ed).
    pub repeatable: bool,
    /// Whether a request must give it (not empty).
    pub required: bool,
    /// What it does.
    pub doc: &'static str,
}

const fn p(name: &'static str, shape: Shape, doc: &'static str) -> Param {
    Param {
        name,
        shape,
        repeatable: false,
        required: false,
        doc,
    }
}

const fn many(name: &'static str, doc: &'static str) -> Param {
    Param {
        name,
        shape: Shape::Text,
        repeatable: true,
        required: false,
        doc,
    }
}

/// The query and its filters: every route that searches takes them.
pub const QUERY: &[Param] = &[
    // Required: an empty query is refused (with its column), as the library refuses it.
    Param { required: true, ..p("q", Shape::Text, "The query, in the query language (README): words, \"phrases\", AND OR NOT, field:value filters") },
    many("authority", "Only these authorities (any of their names, or a code: see /api/v1/names)"),
    many("region", "Only these regions of England"),
    many("year", "Only these years: 2013, 2009-2013, 2018- or -2012"),
    many("type", "Only these report types: sif, ilacs, jar, ..."),
    many("edition", "Only these framework editions: ilacs-2023, sif+lscb, ... (see /api/v1/names)"),
    many("area", "Only these canonical areas: care-leavers, help-and-protection, ..."),
    many("grade", "Only these grades: outstanding, good, requires-improvement, inadequate, ungraded"),
    many("kind", "Only these paragraph kinds: judgement, summary, context, recommendations, ..."),
    p("exact", Shape::Flag, "Match words and phrases exactly (no stemming)"),
    p("expand", Shape::Flag, "Also search each phrase's period equivalents"),
    p("lenient", Shape::Flag, "Read the query as text typed into a search box: stray operators are ignored"),
    p("include_boilerplate", Shape::Flag, "Include boilerplate paragraphs (excluded by default)"),
    p("all_words", Shape::Flag, "Plain words: only paragraphs with every word, not those with some after them"),
];

const SORTS: &[&str] = &["relevance", "newest", "oldest"];

/// `GET /search`'s own parameters, besides [`QUERY`].
pub const SEARCH: &[Param] = &[
    p(
        "sort",
        Shape::OneOf(SORTS),
        "Order of hits (default relevance)",
    ),
    p("offset", Shape::Number, "Hits to skip (paging; default 0)"),
    p("limit", Shape::Number, "Hits to return (default 10)"),
    p(
        "group_by",
        Shape::OneOf(&["report"]),
        "One row per report: its best paragraph and its number of matching paragraphs",
    ),
    p(
        "explain",
        Shape::Flag,
        "Say on each hit why it ranks where it does",
    ),
    p(
        "facets",
        Shape::Flag,
        "Count over every match: the facets and the matching reports (default true; false \
         answers only the total and the page, as when paging)",
    ),
];

/// `GET /kwic`'s own parameters.
pub const KWIC: &[Param] = &[
    p(
        "width",
        Shape::Number,
        "Words of context either side (default 6)",
    ),
    p(
        "sort",
        Shape::OneOf(&["match", "left", "right"]),
        "Order of lines: as the paragraphs rank, or by the words left or right of the match",
    ),
    p("offset", Shape::Number, "Lines to skip (default 0)"),
    p("limit", Shape::Number, "Lines to return (default 100)"),
];

/// `GET /trend`'s own parameters.
pub const TREND: &[Param] = &[
    p("by", Shape::OneOf(&["year"]), "The time unit (years)"),
    p(
        "split",
        Shape::OneOf(&["grade", "area", "type"]),
        "Also count per grade, area or report type within each year",
    ),
];

/// `GET /compare`'s own parameters.
pub const COMPARE: &[Param] = &[
    p(
        "by",
        Shape::OneOf(&["grade", "area"]),
        "Groups to compare (default grade)",
    ),
    p("top", Shape::Number, "Words to list per group (default 15)"),
];

/// `GET /export`'s own parameters.
pub const EXPORT: &[Param] = &[
    p(
        "sort",
        Shape::OneOf(SORTS),
        "Order of rows (default relevance)",
    ),
    p(
        "format",
        Shape::OneOf(&["csv", "jsonl"]),
        "csv (default) or jsonl",
    ),
];

/// `GET /reports`'s parameters.
pub const REPORTS: &[Param] = &[
    many(
        "authority",
        "Only these authorities (any of their names, or a code: see /api/v1/names)",
    ),
    many("region", "Only these regions of England"),
    many("year", "Only these years: 2013, 2009-2013, 2018- or -2012"),
    many("type", "Only these report types"),
    many(
        "edition",
        "Only these framework editions: ilacs-2023, sif+lscb, ...",
    ),
];

/// `GET /reports/{id}`'s parameters.
pub const REPORT: &[Param] = &[
    p(
        "q",
        Shape::Text,
        "A query whose words are marked in the paragraphs",
    ),
    p(
        "exact",
        Shape::Flag,
        "Mark the query's words exactly (no stemming)",
    ),
    p("lenient", Shape::Flag, "Read the query leniently"),
    p(
        "expand",
        Shape::Flag,
        "Also mark each phrase's period equivalents",
    ),
];

/// A request's parameters, checked against the tables of its route.
#[derive(Debug)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses a query string, refusing names not in `tables` and one-valued names given twice.
    pub fn parse(query: Option<&str>, tables: &[&[Param]]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let find = |name: &str| {
            tables
                .iter()
                .flat_map(|t| t.iter())
                .find(|p| p.name == name)
        };
        for (i, (name, _)) in pairs.iter().enumerate() {
            let Some(param) = find(name) else {
                let known: Vec<&str> = tables
                    .iter()
                    .flat_map(|t| t.iter())
                    .map(|p| p.name)
                    .collect();
                return Err(ApiError::Parameter(format!(
                    "unknown parameter '{}' (this route takes: {})",
                    printable(name),
                    known.join(", ")
                )));
            };
            if !param.repeatable && pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(ApiError::Parameter(format!(
                    "parameter '{name}' is given more than once"
                )));
            }
        }
        Ok(Params { pairs })
    }

    /// Every non-empty value of `name`, in order.
    /// Every name and value, in the order given (empty values included).
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(n, v)| n == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The value of `name`, if given and not empty.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, v)| n == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// A flag: absent is false.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        self.flag_or(name, false)
    }

    /// A flag that is `default` when absent.
    pub fn flag_or(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.one(name).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) => match v.as_str() {
                "true" | "1" | "on" | "yes" => Ok(true),
                "false" | "0" | "off" | "no" => Ok(false),
                _ => Err(ApiError::Parameter(format!(
                    "parameter '{name}' is '{}': give true or false",
                    printable(&v)
                ))),
            },
        }
    }

    /// A whole number from 0 to `max`; when absent, `default`, or `max` if that is smaller
    /// (a limit configured below a default bounds the default too, and a request that does
    /// not name the number is not refused for it).
    pub fn number(&self, name: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        let Some(value) = self.one(name) else {
            return Ok(default.min(max));
        };
        let n: usize = value.trim().parse().map_err(|_| {
            ApiError::Parameter(format!(
                "parameter '{name}' is '{}': give a whole number from 0 to {max}",
                printable(value)
            ))
        })?;
        if n > max {
            return Err(ApiError::Parameter(format!(
                "parameter '{name}' is {n}: at most {max} is accepted"
            )));
        }
        Ok(n)
    }

    /// One of `choices` (by name, case-insensitive); `default` when absent.
    pub fn choice<T: Copy>(
        &self,
        name: &str,
        choices: &[(&str, T)],
        default: T,
    ) -> Result<T, ApiError> {
        let Some(value) = self.one(name) else {
            return Ok(default);
        };
        let wanted = value.trim().to_ascii_lowercase().replace('_', "-");
        choices
            .iter()
            .find(|(n, _)| n.replace('_', "-") == wanted)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
                ApiError::Parameter(format!(
                    "parameter '{name}' is '{}': give one of {}",
                    printable(value),
                    names.join(", ")
                ))
            })
    }

    /// The query and filters of [`QUERY`] as a request (first page, default ranking).
    pub fn request(&self) -> Result<SearchRequest, ApiError> {
        Ok(SearchRequest {
            query: self.one("q").unwrap_or_default().to_string(),
            filters: Filters {
                authority: self.all("authority"),
                region: self.all("region"),
                year: self.all("year"),
                report_type: self.all("type"),
                area: self.all("area"),
                grade: self.all("grade"),
                kind: self.all("kind"),
                edition: self.all("edition"),
            },
            exact: self.flag("exact")?,
            expand: self.flag("expand")?,
            lenient: self.flag("lenient")?,
            include_boilerplate: self.flag("include_boilerplate")?,
            all_words: self.flag("all_words")?,
            ..SearchRequest::default()
        })
    }

    /// A search request: [`QUERY`] and [`SEARCH`], the page checked against `limits`.
    pub fn search(&self, limits: &Limits) -> Result<SearchRequest, ApiError> {
        let request = SearchRequest {
            sort: self.sort()?,
            offset: self.number("offset", 0, limits.max_window)?,
            limit: self.number("limit", 10, limits.max_limit)?,
            group_by_report: self.one("group_by").is_some(),
            explain: self.flag("explain")?,
            facets: self.flag_or("facets", true)?,
            ..self.request()?
        };
        self.choice("group_by", &[("report", ())], ())?;
        check(&request, limits)?;
        Ok(request)
    }

    /// The order of hits.
    pub fn sort(&self) -> Result<Sort, ApiError> {
        self.choice(
            "sort",
            &[
                ("relevance", Sort::Relevance),
                ("newest", Sort::Newest),
                ("oldest", Sort::Oldest),
            ],
            Sort::Relevance,
        )
    }

    /// KWIC's order.
    pub fn kwic_sort(&self) -> Result<KwicSort, ApiError> {
        self.choice(
            "sort",
            &[
                ("match", KwicSort::Match),
                ("left", KwicSort::Left),
                ("right", KwicSort::Right),
            ],
            KwicSort::Match,
        )
    }

    /// Trend's split.
    pub fn split(&self) -> Result<Option<Split>, ApiError> {
        self.choice("by", &[("year", ())], ())?;
        self.choice(
            "split",
            &[
                ("grade", Some(Split::Grade)),
                ("area", Some(Split::Area)),
                ("type", Some(Split::Type)),
            ],
            None,
        )
    }

    /// Compare's groups.
    pub fn compare_by(&self) -> Result<CompareBy, ApiError> {
        self.choice(
            "by",
            &[("grade", CompareBy::Grade), ("area", CompareBy::Area)],
            CompareBy::Grade,
        )
    }
}

/// Checks a request's page and ranking against the limits (a POSTed request as a GET one).
pub fn check(request: &SearchRequest, limits: &Limits) -> Result<(), ApiError> {
    if request.limit > limits.max_limit {
        return Err(ApiError::Parameter(format!(
            "limit is {}: at most {} hits a page are accepted",
            request.limit, limits.max_limit
        )));
    }
    if request.offset.saturating_add(request.limit) > limits.max_window {
        return Err(ApiError::Parameter(format!(
            "offset + limit is {}: at most {} are accepted (narrow the search, or use /api/v1/export for every match)",
            request.offset.saturating_add(request.limit),
            limits.max_window
        )));
    }
    // The library's own check (a finite weight of 0 or more), as a parameter error.
    request.boosts.check()?;
    Ok(())
}

/// `text` cut to 60 characters with control characters replaced, to quote in a message.
pub fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(60)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<Params, ApiError> {
        Params::parse(Some(q), &[QUERY, SEARCH])
    }

    #[test]
    fn repeated_filters_are_alternatives_and_empty_values_are_absent() {
        let params = parse("q=care&grade=good&grade=inadequate&authority=&type=sif").expect("ok");
        let request = params.search(&Limits::default()).expect("request");
        assert_eq!(request.query, "care");
        assert_eq!(request.filters.grade, ["good", "inadequate"]);
        assert!(request.filters.authority.is_empty());
        assert_eq!(request.filters.report_type, ["sif"]);
        assert_eq!((request.offset, request.limit), (0, 10));
    }

    #[test]
    fn mistakes_are_named() {
        let message = |q: &str| match parse(q).and_then(|p| p.search(&Limits::default())) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{q} accepted"),
        };
        assert!(message("qq=care").contains("unknown parameter 'qq'"));
        assert!(message("q=a&q=b").contains("more than once"));
        assert!(message("limit=-1").contains("whole number"));
        assert!(message("limit=1e9").contains("whole number"));
        assert!(message("limit=99999999999999999999999").contains("whole number"));
        assert!(message("limit=5000").contains("at most 1000"));
        assert!(message("offset=9995&limit=10").contains("offset + limit"));
        assert!(message("sort=best").contains("one of relevance, newest, oldest"));
        assert!(message("exact=maybe").contains("true or false"));
        assert!(message("group_by=authority").contains("one of report"));
    }

    #[test]
    fn flags_take_what_forms_send() {
        for (value, expected) in [("on", true), ("true", true), ("1", true), ("false", false)] {
            let params = parse(&format!("exact={value}")).expect("ok");
            assert_eq!(params.flag("exact").expect("flag"), expected, "{value}");
        }
    }

    #[test]
    fn boosts_must_be_finite() {
        for bad in [f32::NAN, f32::INFINITY, -1.0] {
            let mut request = SearchRequest::default();
            request.boosts.proximity = bad;
            assert!(check(&request, &Limits::default()).is_err(), "{bad}");
        }
    }
}
