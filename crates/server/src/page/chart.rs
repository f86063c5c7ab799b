//! Charts drawn on the server as SVG (no script): the year histogram of a search's matches,
//! raw and per 1,000 paragraphs indexed, and the trend split into lines. Each chart has its
//! numbers as a table beside it, for screen readers and for copying.

use maud::{html, Markup};
use ofsearch_query::analysis::{Trend, TrendCounts};

use super::{label, thousands, Link};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 10.0;

/// The year histogram of a search: matching paragraphs per year, and per 1,000 paragraphs
/// indexed that year; each bar links to the search narrowed to its year.
pub fn years(trend: &Trend, search: &Link) -> Markup {
    let years: Vec<(u64, &TrendCounts)> = trend
        .years
        .iter()
        .filter_map(|y| y.year.map(|year| (year, &y.counts)))
        .collect();
    if years.is_empty() {
        return html! {};
    }
    let raw: Vec<f64> = years.iter().map(|(_, c)| c.paragraphs as f64).collect();
    let rate: Vec<f64> = years.iter().map(|(_, c)| c.per_1000).collect();
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
                table.numbers {
                    thead { tr { th scope="col" { "Year" } th scope="col" { "Paragraphs" } th scope="col" { "Reports" } th scope="col" { "Per 1,000" } th scope="col" { "Indexed" } } }
                    tbody {
                        @for (year, c) in &years {
                            tr {
                                th scope="row" { (year) }
                                td { (thousands(c.paragraphs)) }
                                td { (thousands(c.reports)) " of " (thousands(c.indexed_reports)) }
                                td { (format!("{:.1}", c.per_1000)) }
                                td { (thousands(c.indexed_paragraphs)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One bar chart: a bar per year, the tallest labelled on the axis.
fn bars(
    years: &[(u64, &TrendCounts)],
    values: &[f64],
    title: &str,
    show: &dyn Fn(f64) -> String,
    link: &dyn Fn(u64) -> String,
) -> Markup {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let plot_w = WIDTH - LEFT - 4.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    // One year is not a wall: bars no wider than a twelfth of the plot.
    let slot = (plot_w / years.len() as f64).min(plot_w / 12.0);
    let every = (years.len() / 12).max(1);
    html! {
        div.chart-box {
        svg.chart viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label={ (title) ": " (summary(years, values, show)) } {
            text.axis x="2" y=(TOP + 8.0) { (show(max)) }
            text.axis x="2" y=(HEIGHT - BOTTOM) { "0" }
            line.base x1=(LEFT) x2=(WIDTH - 4.0) y1=(HEIGHT - BOTTOM) y2=(HEIGHT - BOTTOM) {}
            @for (i, ((year, counts), value)) in years.iter().zip(values).enumerate() {
                @let h = if max > 0.0 { value / max * plot_h } else { 0.0 };
                @let x = LEFT + i as f64 * slot;
                a href=(link(*year)) {
                    title { (year) ": " (show(*value)) " (" (thousands(counts.paragraphs)) " paragraphs in " (thousands(counts.reports)) " reports)" }
                    rect.bar x=(fmt(x + slot * 0.12)) y=(fmt(HEIGHT - BOTTOM - h)) width=(fmt(slot * 0.76)) height=(fmt(h.max(0.0))) {}
                    @if i % every == 0 {
                        text.year x=(fmt(x + slot / 2.0)) y=(HEIGHT - 6.0) text-anchor="middle" { (year) }
                    }
                }
            }
        }
        p.chart-title { (title) }
        }
    }
}

/// A chart's values in words, for its label.
fn summary(years: &[(u64, &TrendCounts)], values: &[f64], show: &dyn Fn(f64) -> String) -> String {
    years
        .iter()
        .zip(values)
        .map(|((year, _), v)| format!("{year} {}", show(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// A trend split by grade, area or type: a line per value of its rate per 1,000 paragraphs
/// indexed each year, with a legend.
pub fn split_lines(trend: &Trend) -> Markup {
    let years: Vec<u64> = trend.years.iter().filter_map(|y| y.year).collect();
    let mut names: Vec<String> = Vec::new();
    for y in &trend.years {
        for s in &y.split {
            if !names.contains(&s.value) {
                names.push(s.value.clone());
            }
        }
    }
    if years.len() < 2 || names.is_empty() {
        return html! {};
    }
    let rate = |name: &str, year: u64| -> f64 {
        trend
            .years
            .iter()
            .find(|y| y.year == Some(year))
            .and_then(|y| y.split.iter().find(|s| s.value == name))
            .map_or(0.0, |s| s.counts.per_1000)
    };
    let max = names
        .iter()
        .flat_map(|n| years.iter().map(move |y| (n, *y)))
        .map(|(n, y)| rate(n, y))
        .fold(0.0_f64, f64::max);
    let plot_w = WIDTH - LEFT - 10.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| LEFT + plot_w * i as f64 / (years.len() - 1) as f64;
    let y = |v: f64| HEIGHT - BOTTOM - if max > 0.0 { v / max * plot_h } else { 0.0 };
    let every = (years.len() / 12).max(1);
    html! {
        figure.lines {
            svg.chart viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label="Matches per 1,000 paragraphs indexed each year, one line per value; the numbers are in the table below" {
                text.axis x="2" y=(TOP + 8.0) { (format!("{max:.1}")) }
                text.axis x="2" y=(HEIGHT - BOTTOM) { "0" }
                line.base x1=(LEFT) x2=(WIDTH - 4.0) y1=(HEIGHT - BOTTOM) y2=(HEIGHT - BOTTOM) {}
                @for (i, year) in years.iter().enumerate() {
                    @if i % every == 0 {
                        text.year x=(fmt(x(i))) y=(HEIGHT - 6.0) text-anchor="middle" { (year) }
                    }
                }
                @for (k, name) in names.iter().enumerate() {
                    @let points: Vec<String> = years.iter().enumerate().map(|(i, yr)| format!("{},{}", fmt(x(i)), fmt(y(rate(name, *yr))))).collect();
                    polyline class={ "series s" (k % 8) } points=(points.join(" ")) {
                        title { (label(name)) }
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
