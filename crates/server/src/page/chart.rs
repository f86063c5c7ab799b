//! Charts drawn on the server as SVG (no script): the year histogram of a search's matches,
//! raw and per 1,000 paragraphs indexed, and the trend split into lines. Each chart has its
//! numbers as a table beside it, for screen readers and for copying.

use maud::{html, Markup};
use ofsearch_query::analysis::{Trend, TrendCounts};

use super::{label, thousands, Link};

// The trend's line chart, in user units (shown up to 48rem wide).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 10.0;
/// Room right of the last year, for its label.
const RIGHT: f64 = 26.0;

// The year histogram's bar charts: two side by side on a desktop (each about 28rem wide),
// one a row on a phone (about 21rem); a view box near those widths keeps the labels near the
// size they are written in.
const BAR_WIDTH: f64 = 400.0;
const BAR_HEIGHT: f64 = 120.0;
const BAR_LEFT: f64 = 34.0;

/// A year label's class: every other one is `minor`, hidden on a phone where they would touch.
fn year_class(i: usize, every: usize) -> &'static str {
    if (i / every) % 2 == 1 {
        "year minor"
    } else {
        "year"
    }
}

/// Years from the first to the last of `known`, each with its counts if the index has
/// reports of it: a time axis without gaps (a year with nothing indexed is shown empty, not
/// left out, so that 2017 and 2019 do not stand side by side). Only the known years when the
/// span is implausibly long.
fn span<'a>(known: &[(u64, &'a TrendCounts)]) -> Vec<(u64, Option<&'a TrendCounts>)> {
    let (Some(first), Some(last)) = (
        known.iter().map(|(y, _)| *y).min(),
        known.iter().map(|(y, _)| *y).max(),
    ) else {
        return Vec::new();
    };
    if last - first > 200 {
        return known.iter().map(|(y, c)| (*y, Some(*c))).collect();
    }
    (first..=last)
        .map(|year| {
            let counts = known.iter().find(|(y, _)| *y == year).map(|(_, c)| *c);
            (year, counts)
        })
        .collect()
}

/// One year label in `every` (at least `width` user units apart).
fn label_every(spacing: f64, width: f64) -> usize {
    if spacing <= 0.0 {
        return 1;
    }
    ((width / spacing).ceil() as usize).max(1)
}

/// The year histogram of a search: matching paragraphs per year, and per 1,000 paragraphs
/// indexed that year; each bar links to the search narrowed to its year.
pub fn years(trend: &Trend, search: &Link) -> Markup {
    let known: Vec<(u64, &TrendCounts)> = trend
        .years
        .iter()
        .filter_map(|y| y.year.map(|year| (year, &y.counts)))
        .collect();
    if known.is_empty() {
        return html! {};
    }
    let years = span(&known);
    let raw: Vec<Option<f64>> = years
        .iter()
        .map(|(_, c)| c.map(|c| c.paragraphs as f64))
        .collect();
    let rate: Vec<Option<f64>> = years.iter().map(|(_, c)| c.map(|c| c.per_1000)).collect();
    let link = |year: u64| {
        search
            .with("year", &year.to_string())
            .set("offset", "")
            .href()
    };
    html! {
        figure.histogram {
            div.charts {
                (bars(&years, &raw, "Matching paragraphs per year", &|v| thousands(v as u64), &link))
                (bars(&years, &rate, "Per 1,000 paragraphs indexed that year", &|v| format!("{v:.1}"), &link))
            }
            details {
                summary { "The numbers" }
                div.table-wrap { table.numbers {
                    thead { tr { th scope="col" { "Year" } th scope="col" { "Paragraphs" } th scope="col" { "Reports" } th scope="col" { "Per 1,000" } th scope="col" { "Indexed" } } }
                    tbody {
                        @for (year, c) in &known {
                            tr {
                                th scope="row" { (year) }
                                td { (thousands(c.paragraphs)) }
                                td { (thousands(c.reports)) " of " (thousands(c.indexed_reports)) }
                                td { (format!("{:.1}", c.per_1000)) }
                                td { (thousands(c.indexed_paragraphs)) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

/// One bar chart: a bar per year (none for a year with nothing indexed), the tallest
/// labelled on the axis.
fn bars(
    years: &[(u64, Option<&TrendCounts>)],
    values: &[Option<f64>],
    title: &str,
    show: &dyn Fn(f64) -> String,
    link: &dyn Fn(u64) -> String,
) -> Markup {
    let max = values.iter().flatten().copied().fold(0.0_f64, f64::max);
    let plot_w = BAR_WIDTH - BAR_LEFT - 4.0;
    let plot_h = BAR_HEIGHT - TOP - BOTTOM;
    // One year is not a wall: bars no wider than a twelfth of the plot.
    let slot = (plot_w / years.len() as f64).min(plot_w / 12.0);
    // A label is about 24 units wide (four digits at 11 units).
    let every = label_every(slot, 28.0);
    html! {
        div.chart-box {
        svg.chart viewBox={ "0 0 " (BAR_WIDTH) " " (BAR_HEIGHT) } role="img" aria-label={ (title) ": " (summary(years, values, show)) } {
            text.axis x="2" y=(TOP + 8.0) { (show(max)) }
            text.axis x="2" y=(BAR_HEIGHT - BOTTOM) { "0" }
            line.base x1=(BAR_LEFT) x2=(BAR_WIDTH - 4.0) y1=(BAR_HEIGHT - BOTTOM) y2=(BAR_HEIGHT - BOTTOM) {}
            @for (i, ((year, counts), value)) in years.iter().zip(values).enumerate() {
                @let x = BAR_LEFT + i as f64 * slot;
                @if let (Some(counts), Some(value)) = (counts, value) {
                    @let h = if max > 0.0 { value / max * plot_h } else { 0.0 };
                    a href=(link(*year)) {
                        title { (year) ": " (show(*value)) " (" (thousands(counts.paragraphs)) " paragraphs in " (thousands(counts.reports)) " reports)" }
                        rect.bar x=(fmt(x + slot * 0.12)) y=(fmt(BAR_HEIGHT - BOTTOM - h)) width=(fmt(slot * 0.76)) height=(fmt(h.max(0.0))) {}
                    }
                }
                @if i % every == 0 {
                    text class=(year_class(i, every)) x=(fmt(x + slot / 2.0)) y=(BAR_HEIGHT - 5.0) text-anchor="middle" { (year) }
                }
            }
        }
        p.chart-title { (title) }
        }
    }
}

/// A chart's values in words, for its label.
fn summary(
    years: &[(u64, Option<&TrendCounts>)],
    values: &[Option<f64>],
    show: &dyn Fn(f64) -> String,
) -> String {
    years
        .iter()
        .zip(values)
        .map(|((year, _), v)| match v {
            Some(v) => format!("{year} {}", show(*v)),
            None => format!("{year} no reports indexed"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// A split trend as series: the years with paragraphs indexed, the split's values, and each
/// value's rate per 1,000 paragraphs for each year.
struct Series {
    years: Vec<u64>,
    names: Vec<String>,
    /// `rates[k][i]`: value `k`'s rate in `years[i]`.
    rates: Vec<Vec<f64>>,
    max: f64,
}

impl Series {
    /// The series of `trend`, if it has two years and a value to draw.
    fn of(trend: &Trend) -> Option<Series> {
        let mut years: Vec<u64> = trend.years.iter().filter_map(|y| y.year).collect();
        years.sort_unstable();
        years.dedup();
        let mut names: Vec<String> = Vec::new();
        for s in trend.years.iter().flat_map(|y| &y.split) {
            if !names.contains(&s.value) {
                names.push(s.value.clone());
            }
        }
        if years.len() < 2 || names.is_empty() {
            return None;
        }
        let rate = |name: &str, year: u64| -> f64 {
            trend
                .years
                .iter()
                .find(|y| y.year == Some(year))
                .and_then(|y| y.split.iter().find(|s| s.value == name))
                .map_or(0.0, |s| s.counts.per_1000)
        };
        let rates: Vec<Vec<f64>> = names
            .iter()
            .map(|n| years.iter().map(|y| rate(n, *y)).collect())
            .collect();
        let max = rates.iter().flatten().copied().fold(0.0_f64, f64::max);
        Some(Series {
            years,
            names,
            rates,
            max,
        })
    }
}

/// An SVG path through `points`, one per year, broken where a year is missing.
fn broken_path(years: &[u64], points: impl Fn(usize) -> (f64, f64)) -> String {
    let mut d = String::new();
    for (i, year) in years.iter().enumerate() {
        let step = if i > 0 && years[i - 1] + 1 == *year {
            'L'
        } else {
            'M'
        };
        let (x, y) = points(i);
        d.push_str(&format!("{step}{},{} ", fmt(x), fmt(y)));
    }
    d.trim_end().to_string()
}

/// A trend split by grade, area or type: a line per value of its rate per 1,000 paragraphs
/// indexed each year (a gap where a year has none indexed), with a legend.
pub fn split_lines(trend: &Trend) -> Markup {
    let Some(series) = Series::of(trend) else {
        return html! {};
    };
    let Series {
        years,
        names,
        rates,
        max,
    } = &series;
    let (first, last) = (years[0], years[years.len() - 1]);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    // Years placed by their value: a year with nothing indexed is a gap in the lines.
    let x = |year: u64| LEFT + plot_w * (year - first) as f64 / (last - first).max(1) as f64;
    let y = |v: f64| HEIGHT - BOTTOM - if *max > 0.0 { v / max * plot_h } else { 0.0 };
    let axis: Vec<u64> = if last - first > 200 {
        years.clone()
    } else {
        (first..=last).collect()
    };
    // A label is about 26 units wide (four digits at 12 units).
    let every = label_every(plot_w / (axis.len().max(2) - 1) as f64, 32.0);
    html! {
        figure.lines {
            svg.chart viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label="Matches per 1,000 paragraphs indexed each year, one line per value; the numbers are in the table below" {
                text.axis x="2" y=(TOP + 8.0) { (format!("{max:.1}")) }
                text.axis x="2" y=(HEIGHT - BOTTOM) { "0" }
                line.base x1=(LEFT) x2=(WIDTH - 4.0) y1=(HEIGHT - BOTTOM) y2=(HEIGHT - BOTTOM) {}
                @for (i, year) in axis.iter().enumerate() {
                    @if i % every == 0 {
                        text class=(year_class(i, every)) x=(fmt(x(*year))) y=(HEIGHT - 6.0) text-anchor="middle" { (year) }
                    }
                }
                @for (k, (name, rate)) in names.iter().zip(rates).enumerate() {
                    path class={ "series s" (k % 8) } d=(broken_path(years, |i| (x(years[i]), y(rate[i])))) {
                        title { (label(name)) }
                    }
                    // A dot a year: a year between two gaps has no line to show it.
                    @for (year, r) in years.iter().zip(rate) {
                        circle class={ "dot s" (k % 8) } cx=(fmt(x(*year))) cy=(fmt(y(*r))) r="2.5" {
                            title { (label(name)) ", " (year) ": " (format!("{r:.1}")) }
                        }
                    }
                }
            }
            figcaption {
                ul.legend {
                    @for (k, name) in names.iter().enumerate() {
                        li { span class={ "swatch s" (k % 8) } aria-hidden="true" {} (label(name)) }
                    }
                }
            }
        }
    }
}
