//! The authorities a generated report can be about: every row of the indexer's authority table,
//! current and former, with the names to print for it and the period it existed.
//!
//! A template names its authority in two styles: a place ("Hartlepool", "Hartlepool's") and an
//! organisation ("Hartlepool Borough Council", "Doncaster Children's Services Trust"). Each
//! target has one name of each style, checked to be read back as that authority by the
//! indexer's own matcher in a title ("Inspection of {name} local authority children's
//! services"); where the place name alone means another authority (plain "Dorset" is the
//! current unitary Dorset, not the pre-2019 county) the organisation's name is used for both.
//!
//! The names come from the table's CSV (its name and aliases); the period from its
//! `valid_from` / `valid_to` columns, which the indexer does not keep.

use ofsearch_indexer::authority::{Authority, AuthorityTable};
use ofsearch_schema::Date;

use crate::GenError;

/// The indexer's authority table, as bundled with it (read here for the aliases and periods).
const TABLE_CSV: &str = include_str!("../../schema/data/local_authorities.csv");

/// How a template names its authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Style {
    /// The place: "Hartlepool".
    Place,
    /// The organisation: "Hartlepool Borough Council".
    Organisation,
}

/// An authority a report can be generated for.
#[derive(Debug, Clone)]
pub struct Target {
    /// The authority as the indexer knows it.
    pub authority: Authority,
    /// Its place name, e.g. "Bristol".
    pub place: String,
    /// Its organisation's name, e.g. "Bristol City Council".
    pub organisation: String,
    /// The first day it existed, if it was created within the corpus' period.
    pub valid_from: Option<Date>,
    /// The last day it existed, for a former authority.
    pub valid_to: Option<Date>,
}

impl Target {
    /// The name to print in a style.
    pub fn name(&self, style: Style) -> &str {
        match style {
            Style::Place => &self.place,
            Style::Organisation => &self.organisation,
        }
    }

    /// Whether the authority existed on a day.
    pub fn exists_on(&self, date: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// Whether the indexer reads `name` as `authority` where a report's title prints it.
fn reads_back(table: &AuthorityTable, name: &str, authority: &Authority) -> bool {
    let title = format!("Inspection of {name} local authority children’s services");
    let council = format!("{name}\nInspection of services for children in need of help");
    [title, council]
        .iter()
        .all(|t| table.find(t) == Some(authority))
}

/// The place form of a table name: "Bristol, City of" -> "Bristol", "Dorset (county council,
/// pre-2019)" -> "Dorset".
fn place_of(name: &str) -> String {
    let base = name.split('(').next().unwrap_or(name).trim();
    for tail in [", City of", ", County of"] {
        if let Some(stem) = base.strip_suffix(tail) {
            return stem.trim().to_string();
        }
    }
    base.to_string()
}

/// Every authority in the table, in table order.
pub fn targets(table: &AuthorityTable) -> Result<Vec<Target>, GenError> {
    let bad = |line: u64, reason: String| GenError::Authorities { line, reason };
    let mut reader = csv::Reader::from_reader(TABLE_CSV.as_bytes());
    let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(1, format!("no `{name}` column")))
    };
    let (c_dfe, c_name, c_aliases, c_type) = (
        column("dfe_la_code")?,
        column("name")?,
        column("aliases")?,
        column("la_type")?,
    );
    let (c_from, c_to) = (column("valid_from")?, column("valid_to")?);
    let mut out = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        let authority = table
            .lookup(field(c_dfe))
            .ok_or_else(|| {
                bad(
                    line,
                    format!("DfE code `{}` not in the table", field(c_dfe)),
                )
            })?
            .clone();
        let date = |c: usize| -> Result<Option<Date>, GenError> {
            let text = field(c);
            if text.is_empty() {
                return Ok(None);
            }
            text.parse()
                .map(Some)
                .map_err(|e| bad(line, format!("{e}")))
        };
        let aliases: Vec<&str> = field(c_aliases)
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let place = place_of(field(c_name));
        let pattern = match field(c_type) {
            "London Borough" => "London Borough of {}",
            "County" => "{} County Council",
            "Metropolitan District" => "{} Metropolitan Borough Council",
            _ => "{} Council",
        };
        let mut organisations: Vec<String> = aliases
            .iter()
            .filter(|a| a.contains("Council"))
            .map(|a| a.to_string())
            .chain([pattern.replace("{}", &place), format!("{place} Council")])
            .collect();
        organisations.sort_by_key(|n| n.contains('.'));
        let organisation = organisations
            .into_iter()
            .find(|n| reads_back(table, n, &authority));
        // A full stop in a name ("St. Helens") cuts the indexer's judgement sentences ("Children's
        // services in St. Helens are good" is read up to a full stop): such names come last.
        let mut places: Vec<String> = [place.clone()]
            .into_iter()
            .chain(aliases.iter().map(|a| a.to_string()))
            .collect();
        places.sort_by_key(|n| n.contains('.'));
        let place = places
            .into_iter()
            .find(|n| reads_back(table, n, &authority));
        let (place, organisation) = match (place, organisation) {
            (Some(p), Some(o)) => (p, o),
            (Some(p), None) => (p.clone(), p),
            (None, Some(o)) => (o.clone(), o),
            (None, None) => {
                return Err(bad(
                    line,
                    format!("no name of {} reads back as it", authority.name),
                ))
            }
        };
        out.push(Target {
            authority,
            place,
            organisation,
            valid_from: date(c_from)?,
            valid_to: date(c_to)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_authority_has_names_that_read_back() {
        let table = AuthorityTable::bundled();
        let targets = targets(table).expect("bundled table");
        assert_eq!(targets.len(), table.all().len());
        for t in &targets {
            for style in [Style::Place, Style::Organisation] {
                assert!(
                    reads_back(table, t.name(style), &t.authority),
                    "{} {style:?}: {}",
                    t.authority.name,
                    t.name(style)
                );
            }
        }
        let find = |name: &str| {
            targets
                .iter()
                .find(|t| t.authority.name == name)
                .expect(name)
        };
        assert_eq!(find("Bristol, City of").place, "Bristol");
        assert_eq!(
            find("Bristol, City of").organisation,
            "Bristol City Council"
        );
        assert_eq!(
            find("Hartlepool").organisation,
            "Hartlepool Borough Council"
        );
        let dorset = find("Dorset (county council, pre-2019)");
        assert_eq!(dorset.place, "Dorset County Council");
        assert!(dorset.exists_on(Date::new(2019, 3, 31).expect("date")));
        assert!(!dorset.exists_on(Date::new(2019, 4, 1).expect("date")));
        assert!(!find("Cumberland").exists_on(Date::new(2022, 6, 1).expect("date")));
    }
}
