//! The fast columns a hit shows, opened once per commit: opening a column reads its index, and
//! turning an ordinal into its term decompresses a dictionary block, both of which every
//! request used to pay again for every page. The small dictionaries (authorities, regions,
//! types, areas, grades, kinds, dates) are read whole when the commit is opened; the large ones
//! (one term per report: ids and sources) are read a term at a time, as a page needs them.

use std::collections::HashMap;

use tantivy::columnar::{Column, StrColumn};
use tantivy::DocAddress;

use crate::QueryError;

/// The keyword columns a hit shows, by [`Keyword`].
const KEYWORDS: [&str; 10] = [
    "report_id",
    "authority",
    "authority_code",
    "region",
    "report_type",
    "inspection_end",
    "area_canonical",
    "grade",
    "kind",
    "source",
];

/// A keyword column a hit shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Keyword {
    ReportId,
    Authority,
    AuthorityCode,
    Region,
    ReportType,
    InspectionEnd,
    AreaCanonical,
    Grade,
    Kind,
    Source,
}

/// The number columns a hit shows, by [`Number`].
const NUMBERS: [&str; 4] = ["year", "page", "ordinal", "date"];

/// A number column a hit shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Number {
    Year,
    Page,
    Ordinal,
    Date,
}

/// Dictionaries of at most this many terms are read whole when a commit is opened.
const SMALL_DICTIONARY: usize = 16_384;

/// One segment's columns.
struct SegmentColumns {
    keywords: [Option<StrColumn>; KEYWORDS.len()],
    /// The terms of the small dictionaries, by ordinal.
    names: [Option<Vec<String>>; KEYWORDS.len()],
    numbers: [Option<Column<u64>>; NUMBERS.len()],
}

/// The columns of a commit's segments, by segment ordinal.
pub(crate) struct HitColumns {
    segments: Vec<SegmentColumns>,
}

/// Terms of large dictionaries already read for one request, by segment, column and ordinal.
pub(crate) type Decoded = HashMap<(u32, Keyword, u64), String>;

impl HitColumns {
    /// No columns (before a commit's are opened).
    pub(crate) fn empty() -> HitColumns {
        HitColumns {
            segments: Vec::new(),
        }
    }

    /// Opens the columns of every segment of `searcher`, reading the small dictionaries.
    pub(crate) fn open(searcher: &tantivy::Searcher) -> Result<HitColumns, QueryError> {
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let fast = reader.fast_fields();
            let mut keywords: [Option<StrColumn>; KEYWORDS.len()] = Default::default();
            let mut names: [Option<Vec<String>>; KEYWORDS.len()] = Default::default();
            for (i, name) in KEYWORDS.iter().enumerate() {
                let column = fast.str(name)?;
                if let Some(column) = column
                    .as_ref()
                    .filter(|c| c.num_terms() <= SMALL_DICTIONARY)
                {
                    names[i] = Some(all_terms(column).map_err(|e| QueryError::Index(e.into()))?);
                }
                keywords[i] = column;
            }
            let numbers = NUMBERS.map(|name| fast.u64(name).ok());
            segments.push(SegmentColumns {
                keywords,
                names,
                numbers,
            });
        }
        Ok(HitColumns { segments })
    }

    /// A keyword column's value for a document ("" if none), large dictionaries' terms kept in
    /// `decoded` for the rest of the request.
    pub(crate) fn keyword(
        &self,
        address: DocAddress,
        keyword: Keyword,
        decoded: &mut Decoded,
    ) -> String {
        let Some(segment) = self.segments.get(address.segment_ord as usize) else {
            return String::new();
        };
        let i = keyword as usize;
        let Some(column) = &segment.keywords[i] else {
            return String::new();
        };
        let Some(ord) = column.ords().first(address.doc_id) else {
            return String::new();
        };
        if let Some(names) = &segment.names[i] {
            return names.get(ord as usize).cloned().unwrap_or_default();
        }
        decoded
            .entry((address.segment_ord, keyword, ord))
            .or_insert_with(|| {
                let mut out = String::new();
                if !column.ord_to_str(ord, &mut out).unwrap_or(false) {
                    out.clear();
                }
                out
            })
            .clone()
    }

    /// A number column's value for a document.
    pub(crate) fn number(&self, address: DocAddress, number: Number) -> Option<u64> {
        let segment = self.segments.get(address.segment_ord as usize)?;
        segment.numbers[number as usize]
            .as_ref()?
            .first(address.doc_id)
    }
}

/// Every term of a keyword column, by ordinal (one pass over its dictionary).
pub(crate) fn all_terms(column: &StrColumn) -> std::io::Result<Vec<String>> {
    let ords: Vec<u64> = (0..column.num_terms() as u64).collect();
    let mut names = Vec::with_capacity(ords.len());
    column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        names.push(String::from_utf8_lossy(bytes).into_owned());
    })?;
    if names.len() != ords.len() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "a column's dictionary holds {} of its {} terms",
                names.len(),
                ords.len()
            ),
        ));
    }
    Ok(names)
}
