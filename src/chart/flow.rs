//! Flow charts: weekly throughput (run chart and histogram), daily work in progress,
//! arrivals against departures, and cumulative flow by category and by status.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, Polygon, Rectangle};
use plotters::prelude::DrawResult;
use plotters::series::{DashedLineSeries, LineSeries};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, WHITE};

use super::{
    axis_max, category_colour, count_ticks, date_day, date_ticks, day_date, draw_legend_wrapped,
    fmt_1, fmt_date, fmt_num, headroom, house_mesh, legend_height, no_data, plural, render_both,
    shade, text, truncate_to, Chart, ChartError, ChartId, Figure, KeyedAxis, LegendKey, Meta,
    WeekAxis, DEFAULT_SIZE, LEGEND_BAND, MARGIN, MARK, MAX_X_TICKS, POINT, SMALL_SIZE,
    X_LABEL_AREA, Y_LABEL_AREA,
};
use crate::model::Category;

/// Arrivals in the net-flow chart (Okabe–Ito orange; departures are the blue of [`POINT`]).
const ARRIVALS: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Bars take this share of a week.
const WEEK_BAR: f64 = 0.7;
/// Cumulative flow: bottom to top, indices into `Category::ALL` (finished work at the bottom).
const CFD_STACK: [Category; 6] = [
    Category::Done,
    Category::Canceled,
    Category::Blocked,
    Category::Waiting,
    Category::Active,
    Category::Backlog,
];
/// Team names in titles longer than this are shortened with "…".
const MAX_TITLE_NAME: usize = 40;
/// Status names in the legend longer than this are shortened with "…".
const MAX_LEGEND_CHARS: usize = 24;

// ---------------------------------------------------------------------------------------
// Throughput run chart

/// Throughput run chart: one bar per week (x = the week's start date, y = items done that
/// week) and a dashed least-squares trend line over all weeks.
///
/// Weeks are drawn in date order wherever the caller lists them; a missing week leaves a
/// gap. The trend needs two distinct weeks. At most six dates are written on the axis.
pub fn throughput_run(weeks: &[(NaiveDate, u64)]) -> Result<Chart, ChartError> {
    let mut weeks: Vec<(NaiveDate, u64)> = weeks.to_vec();
    weeks.sort();
    let dates: Vec<NaiveDate> = weeks.iter().map(|w| w.0).collect();
    let axis = WeekAxis::new(&dates);
    let points: Vec<(f64, f64)> = weeks.iter().map(|&(d, n)| (axis.x(d), n as f64)).collect();
    let trend = least_squares(&points);
    let meta = Meta {
        name: ChartId::ThroughputRun,
        title: "Throughput per week".to_string(),
        alt: throughput_run_alt(&weeks, trend),
        size: DEFAULT_SIZE,
    };
    render_both(
        meta,
        &WeekBars {
            axis,
            series: vec![points],
            colours: vec![POINT],
            keys: vec![LegendKey::swatch("Items done", POINT)],
            trend,
            y_desc: "Items done per week",
        },
    )
}

/// (intercept, slope) of the least-squares line through the points; `None` with fewer than
/// two distinct x values or a result that is not finite.
fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    (slope.is_finite() && intercept.is_finite()).then_some((intercept, slope))
}

/// "+0.4" / "-1.2" / "0.0": a signed rate.
fn fmt_signed(v: f64) -> String {
    if v.abs() < 0.05 {
        "0.0".to_string()
    } else if v > 0.0 {
        format!("+{}", fmt_1(v))
    } else {
        format!("−{}", fmt_1(-v))
    }
}

fn throughput_run_alt(weeks: &[(NaiveDate, u64)], trend: Option<(f64, f64)>) -> String {
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return "Run chart of weekly throughput: there are no weeks to show.".to_string();
    };
    let total: f64 = weeks.iter().map(|w| w.1 as f64).sum();
    let min = weeks.iter().map(|w| w.1).min().unwrap_or(0);
    let max = weeks.iter().map(|w| w.1).max().unwrap_or(0);
    let mut alt = format!(
        "Run chart of items done per week for {} from {} to {}: {} items in all, \
         {} per week on average (lowest {min}, highest {max})",
        plural(weeks.len(), "week", "weeks"),
        fmt_date(first.0),
        fmt_date(last.0),
        fmt_num(total),
        fmt_1(total / weeks.len() as f64),
    );
    if let Some((_, slope)) = trend {
        alt.push_str(&format!(
            "; the linear trend changes by {} items per week",
            fmt_signed(slope)
        ));
    }
    alt.push('.');
    alt
}

/// Bars per week, one or more series side by side, with an optional trend line.
struct WeekBars {
    axis: WeekAxis,
    /// (x, value) per series.
    series: Vec<Vec<(f64, f64)>>,
    colours: Vec<RGBColor>,
    /// Legend of the series; the trend adds its own key.
    keys: Vec<LegendKey>,
    /// (intercept, slope) in items per week.
    trend: Option<(f64, f64)>,
    y_desc: &'static str,
}

impl WeekBars {
    /// The trend line clipped to y ≥ 0, over the x range of the weeks.
    fn trend_line(&self) -> Option<Vec<(f64, f64)>> {
        let (a, b) = self.trend?;
        let (x0, x1) = (0.0, self.axis.last_x);
        let y = |x: f64| a + b * x;
        let (mut p0, mut p1) = ((x0, y(x0)), (x1, y(x1)));
        if p0.1 < 0.0 && p1.1 < 0.0 {
            return None;
        }
        // Where the line crosses zero (b ≠ 0 when exactly one end is negative).
        if p0.1 < 0.0 {
            p0 = (-a / b, 0.0);
        }
        if p1.1 < 0.0 {
            p1 = (-a / b, 0.0);
        }
        Some(vec![p0, p1])
    }
}

impl Figure for WeekBars {
    fn draw<DB: DrawingBackend>(
        &self,
        _root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if self.series.iter().all(|s| s.is_empty()) {
            return no_data(body);
        }
        let trend = self.trend_line();
        let mut keys = self.keys.clone();
        if let Some((_, slope)) = self.trend {
            let label = format!("Trend (least squares): {} items/week", fmt_signed(slope));
            keys.push(LegendKey::line(label, MARK));
        }
        let (legend, area) = body.split_vertically(LEGEND_BAND);
        draw_legend_wrapped(&legend, &keys)?;

        let top = self
            .series
            .iter()
            .flatten()
            .map(|p| p.1)
            .chain(trend.iter().flatten().map(|p| p.1))
            .fold(0.0, f64::max);
        let y_max = axis_max(top, headroom::PLAIN);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(5 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                KeyedAxis::new(self.axis.range(), self.axis.ticks.clone()),
                KeyedAxis::new(0.0..y_max, count_ticks(y_max, 8)),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_desc("Week starting")
            .y_desc(self.y_desc)
            .x_label_formatter(&|v: &f64| self.axis.label(*v))
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .draw()?;

        let k = self.series.len().max(1) as f64;
        let width = WEEK_BAR / k;
        for (s, (points, colour)) in self.series.iter().zip(&self.colours).enumerate() {
            let left = -WEEK_BAR / 2.0 + s as f64 * width;
            chart.draw_series(points.iter().map(|&(x, y)| {
                let corners = [(x + left + 0.02, 0.0), (x + left + width - 0.02, y)];
                Rectangle::new(corners, colour.filled())
            }))?;
        }
        if let Some(line) = trend {
            chart.draw_series(DashedLineSeries::new(line, 10, 6, MARK.stroke_width(2)))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Throughput histogram

/// Throughput histogram: for each number of items done in a week (0, 1, 2 …), how many
/// weeks had that many. The count is written over each bar when the bars are wide enough.
pub fn throughput_histogram(weekly: &[u64]) -> Result<Chart, ChartError> {
    let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
    for &n in weekly {
        *counts.entry(n).or_insert(0) += 1;
    }
    let meta = Meta {
        name: ChartId::ThroughputHistogram,
        title: "Weekly throughput distribution".to_string(),
        alt: throughput_histogram_alt(weekly, &counts),
        size: DEFAULT_SIZE,
    };
    render_both(meta, &Histogram { counts })
}

fn throughput_histogram_alt(weekly: &[u64], counts: &BTreeMap<u64, u64>) -> String {
    if weekly.is_empty() {
        return "Histogram of weekly throughput: there are no weeks to show.".to_string();
    }
    let mut sorted = weekly.to_vec();
    sorted.sort_unstable();
    let median = sorted[(sorted.len() - 1) / 2];
    let (mode, mode_weeks) = counts.iter().fold(
        (0, 0),
        |best, (&v, &w)| if w > best.1 { (v, w) } else { best },
    );
    format!(
        "Histogram of items done per week over {}: from {} to {} items a week, median {median}; \
         the most common count is {} ({}).",
        plural(weekly.len(), "week", "weeks"),
        sorted[0],
        sorted[sorted.len() - 1],
        plural(mode as usize, "item", "items"),
        plural(mode_weeks as usize, "week", "weeks"),
    )
}

struct Histogram {
    /// Items done in a week → number of such weeks.
    counts: BTreeMap<u64, u64>,
}

impl Figure for Histogram {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        let Some((&max_v, _)) = self.counts.last_key_value() else {
            return no_data(body);
        };
        let max_v = max_v as f64;
        let top = self.counts.values().copied().max().unwrap_or(0) as f64;
        let y_max = axis_max(top, headroom::WIDE_LABELS);
        let mut chart = ChartBuilder::on(body)
            .margin(MARGIN)
            .margin_right(5 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                KeyedAxis::new(-0.5..max_v + 0.5, count_ticks(max_v, 12)),
                KeyedAxis::new(0.0..y_max, count_ticks(y_max, 8)),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_desc("Items done in a week")
            .y_desc("Weeks")
            .x_label_formatter(&|v: &f64| fmt_num(*v))
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .draw()?;
        chart.draw_series(self.counts.iter().map(|(&v, &n)| {
            let x = v as f64;
            Rectangle::new([(x - 0.4, 0.0), (x + 0.4, n as f64)], POINT.filled())
        }))?;

        let (l, _) = chart.backend_coord(&(0.0, 0.0));
        let (r, _) = chart.backend_coord(&(1.0, 0.0));
        if r - l >= 24 {
            let style = text(SMALL_SIZE).pos(Pos::new(HPos::Center, VPos::Bottom));
            for (&v, &n) in &self.counts {
                let (px, py) = chart.backend_coord(&(v as f64, n as f64));
                root.draw_text(&n.to_string(), &style, (px, py - 3))?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// WIP run chart

/// Daily work in progress as a line over the dates (x = date, y = items in progress).
/// `days[i]` goes with `wip[i]`; extra entries of the longer slice are ignored.
pub fn wip_run(days: &[NaiveDate], wip: &[u64]) -> Result<Chart, ChartError> {
    let mut points: Vec<(i64, u64)> = days
        .iter()
        .zip(wip)
        .map(|(&d, &n)| (date_day(d), n))
        .collect();
    points.sort();
    let meta = Meta {
        name: ChartId::WipRun,
        title: "Work in progress".to_string(),
        alt: wip_alt(&points),
        size: DEFAULT_SIZE,
    };
    render_both(meta, &WipRun { points })
}

fn wip_alt(points: &[(i64, u64)]) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return "Run chart of daily work in progress: there are no days to show.".to_string();
    };
    let date = |d: i64| day_date(d).map(fmt_date).unwrap_or_default();
    let (min, max) = points
        .iter()
        .fold((u64::MAX, 0), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let mean = points.iter().map(|p| p.1 as f64).sum::<f64>() / points.len() as f64;
    format!(
        "Run chart of items in progress on {} from {} to {}: {} on the first day and {} on the \
         last, between {min} and {max}, {} on average.",
        plural(points.len(), "day", "days"),
        date(first.0),
        date(last.0),
        first.1,
        last.1,
        fmt_1(mean),
    )
}

/// A day axis for dates: `(first, last)` day numbers, at least one day apart, and ticks.
fn day_axis(first: i64, last: i64) -> (i64, i64, Vec<f64>) {
    let last = last.max(first + 1);
    let ticks = date_ticks(first, last, MAX_X_TICKS)
        .into_iter()
        .map(|d| d as f64)
        .collect();
    (first, last, ticks)
}

fn day_label(v: f64) -> String {
    day_date(v.round() as i64).map(fmt_date).unwrap_or_default()
}

struct WipRun {
    /// (day since the epoch, items in progress), in date order.
    points: Vec<(i64, u64)>,
}

impl Figure for WipRun {
    fn draw<DB: DrawingBackend>(
        &self,
        _root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        let (Some(first), Some(last)) = (self.points.first(), self.points.last()) else {
            return no_data(body);
        };
        let (x0, x1, ticks) = day_axis(first.0, last.0);
        let top = self.points.iter().map(|p| p.1 as f64).fold(0.0, f64::max);
        let y_max = axis_max(top, headroom::PLAIN);
        let mut chart = ChartBuilder::on(body)
            .margin(MARGIN)
            .margin_right(5 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                KeyedAxis::new(x0 as f64..x1 as f64, ticks),
                KeyedAxis::new(0.0..y_max, count_ticks(y_max, 8)),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .x_desc("Date")
            .y_desc("Items in progress")
            .x_label_formatter(&|v: &f64| day_label(*v))
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .draw()?;
        let line: Vec<(f64, f64)> = self
            .points
            .iter()
            .map(|&(d, n)| (d as f64, n as f64))
            .collect();
        let mut area = line.clone();
        area.push((last.0 as f64, 0.0));
        area.push((first.0 as f64, 0.0));
        chart.draw_series(std::iter::once(Polygon::new(
            area,
            POINT.mix(0.15).filled(),
        )))?;
        chart.draw_series(LineSeries::new(line.clone(), POINT.stroke_width(2)))?;
        if line.len() <= 62 {
            chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, POINT.filled())))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Net flow

/// Arrivals (items created) and departures (items finished) per week as two bars side by
/// side, with a legend. `weeks` holds (week start, arrivals, departures).
pub fn net_flow(weeks: &[(NaiveDate, u64, u64)]) -> Result<Chart, ChartError> {
    let mut weeks: Vec<(NaiveDate, u64, u64)> = weeks.to_vec();
    weeks.sort();
    let dates: Vec<NaiveDate> = weeks.iter().map(|w| w.0).collect();
    let axis = WeekAxis::new(&dates);
    let arrivals = weeks.iter().map(|w| (axis.x(w.0), w.1 as f64)).collect();
    let departures = weeks.iter().map(|w| (axis.x(w.0), w.2 as f64)).collect();
    let meta = Meta {
        name: ChartId::NetFlow,
        title: "Arrivals and departures per week".to_string(),
        alt: net_flow_alt(&weeks),
        size: DEFAULT_SIZE,
    };
    render_both(
        meta,
        &WeekBars {
            axis,
            series: vec![arrivals, departures],
            colours: vec![ARRIVALS, POINT],
            keys: vec![
                LegendKey::swatch("Arrivals (created)", ARRIVALS),
                LegendKey::swatch("Departures (finished)", POINT),
            ],
            trend: None,
            y_desc: "Items per week",
        },
    )
}

fn net_flow_alt(weeks: &[(NaiveDate, u64, u64)]) -> String {
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return "Bar chart of arrivals and departures per week: there are no weeks to show."
            .to_string();
    };
    let arrived: f64 = weeks.iter().map(|w| w.1 as f64).sum();
    let departed: f64 = weeks.iter().map(|w| w.2 as f64).sum();
    let more_in = weeks.iter().filter(|w| w.1 > w.2).count();
    let net = arrived - departed;
    let verdict = if net > 0.0 {
        "so work in progress grew"
    } else if net < 0.0 {
        "so work in progress shrank"
    } else {
        "so work in progress held steady"
    };
    format!(
        "Bar chart of arrivals and departures per week for {} from {} to {}: {} items arrived \
         and {} departed (net {}, {verdict}); arrivals exceeded departures in {}.",
        plural(weeks.len(), "week", "weeks"),
        fmt_date(first.0),
        fmt_date(last.0),
        fmt_num(arrived),
        fmt_num(departed),
        fmt_signed(net).trim_end_matches(".0"),
        plural(more_in, "week", "weeks"),
    )
}

// ---------------------------------------------------------------------------------------
// Cumulative flow

/// Cumulative flow diagram: items per category on each day as stacked areas, bottom to top
/// done, canceled, blocked, waiting, active, backlog, in the category colours, with a
/// legend of the categories that occur. `counts[d][i]` is the count on `days[d]` of
/// `Category::ALL[i]`; extra entries of the longer slice are ignored.
pub fn cfd(days: &[NaiveDate], counts: &[[u64; 6]]) -> Result<Chart, ChartError> {
    let mut rows: Vec<(i64, [u64; 6])> = days
        .iter()
        .zip(counts)
        .map(|(&d, c)| (date_day(d), *c))
        .collect();
    rows.sort();
    let index = |c: Category| Category::ALL.iter().position(|&a| a == c).unwrap_or(0);
    let layers: Vec<Layer> = CFD_STACK
        .iter()
        .map(|&c| Layer {
            label: c.name().to_string(),
            colour: category_colour(c),
            values: rows.iter().map(|r| r.1[index(c)] as f64).collect(),
        })
        .filter(|l| l.values.iter().any(|&v| v > 0.0))
        .collect();
    let days: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let meta = Meta {
        name: ChartId::Cfd,
        title: "Cumulative flow".to_string(),
        alt: stack_alt("by category", &days, &layers),
        size: DEFAULT_SIZE,
    };
    render_both(meta, &Stack { days, layers })
}

/// Cumulative flow by status for one team: one band per status, `statuses` top to bottom
/// in workflow order (so the last status, usually done, is the bottom band). Each band is a
/// shade of its category's colour, from darker (first status of the category) to lighter,
/// so that statuses of one category stay apart; white lines separate the bands. The legend
/// wraps over as many rows as it needs (the canvas grows). `counts[d][s]` is the count on
/// `days[d]` of `statuses[s]`; missing entries count as 0.
pub fn cfd_by_status(
    team: &str,
    days: &[NaiveDate],
    statuses: &[(String, Category)],
    counts: &[Vec<u64>],
) -> Result<Chart, ChartError> {
    let mut rows: Vec<(i64, &[u64])> = days
        .iter()
        .zip(counts)
        .map(|(&d, c)| (date_day(d), c.as_slice()))
        .collect();
    rows.sort_by_key(|r| r.0);
    let shades = status_shades(statuses);
    let layers: Vec<Layer> = statuses
        .iter()
        .enumerate()
        .rev()
        .map(|(s, (name, _))| Layer {
            label: truncate_to(name, MAX_LEGEND_CHARS),
            colour: shades[s],
            values: rows
                .iter()
                .map(|r| r.1.get(s).copied().unwrap_or(0) as f64)
                .collect(),
        })
        .filter(|l| l.values.iter().any(|&v| v > 0.0))
        .collect();
    let days: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let keys = Stack::keys(&layers);
    let extra = legend_height(&keys, DEFAULT_SIZE.0).saturating_sub(LEGEND_BAND);
    let meta = Meta {
        name: ChartId::CfdByStatus,
        title: format!(
            "Cumulative flow by status: {}",
            truncate_to(team, MAX_TITLE_NAME)
        ),
        alt: stack_alt(&format!("by status for {team}"), &days, &layers),
        size: (DEFAULT_SIZE.0, DEFAULT_SIZE.1 + extra),
    };
    render_both(meta, &Stack { days, layers })
}

/// One colour per status: its category's colour, darker for the first status of that
/// category and lighter for later ones.
fn status_shades(statuses: &[(String, Category)]) -> Vec<RGBColor> {
    statuses
        .iter()
        .enumerate()
        .map(|(s, &(_, c))| {
            let k = statuses.iter().filter(|x| x.1 == c).count();
            let j = statuses[..s].iter().filter(|x| x.1 == c).count();
            let t = if k <= 1 {
                0.0
            } else {
                -0.3 + 0.85 * j as f64 / (k - 1) as f64
            };
            shade(category_colour(c), t)
        })
        .collect()
}

/// One band of a stacked area chart.
struct Layer {
    label: String,
    colour: RGBColor,
    /// One value per day.
    values: Vec<f64>,
}

/// Stacked areas over days; `layers` bottom to top, at least one non-zero value each.
struct Stack {
    days: Vec<i64>,
    layers: Vec<Layer>,
}

impl Stack {
    /// Legend keys, top band first (the order the bands are seen in).
    fn keys(layers: &[Layer]) -> Vec<LegendKey> {
        layers
            .iter()
            .rev()
            .map(|l| LegendKey::swatch(l.label.clone(), l.colour))
            .collect()
    }
}

impl Figure for Stack {
    fn draw<DB: DrawingBackend>(
        &self,
        _root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        let (Some(&first), Some(&last)) = (self.days.first(), self.days.last()) else {
            return no_data(body);
        };
        if self.layers.is_empty() {
            return no_data(body);
        }
        let keys = Stack::keys(&self.layers);
        let (w, _) = body.dim_in_pixel();
        let (legend, area) = body.split_vertically(legend_height(&keys, w));
        draw_legend_wrapped(&legend, &keys)?;

        // x per day; a single day is drawn one day wide.
        let mut xs: Vec<f64> = self.days.iter().map(|&d| d as f64).collect();
        let single = xs.len() == 1;
        if single {
            xs.push(first as f64 + 1.0);
        }
        let value = |l: &Layer, i: usize| l.values[if single { 0 } else { i }];
        let mut bottom = vec![0.0; xs.len()];
        let mut bands = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            let top: Vec<f64> = (0..xs.len()).map(|i| bottom[i] + value(l, i)).collect();
            bands.push((bottom.clone(), top.clone()));
            bottom = top;
        }
        let y_max = axis_max(bottom.iter().copied().fold(0.0, f64::max), headroom::STACK);

        let (x0, x1, ticks) = day_axis(first, last.max(first + i64::from(single)));
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(5 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                KeyedAxis::new(x0 as f64..x1 as f64, ticks),
                KeyedAxis::new(0.0..y_max, count_ticks(y_max, 8)),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_desc("Date")
            .y_desc("Items")
            .x_label_formatter(&|v: &f64| day_label(*v))
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .draw()?;
        for (l, (lo, hi)) in self.layers.iter().zip(&bands) {
            let mut outline: Vec<(f64, f64)> = xs.iter().copied().zip(hi.iter().copied()).collect();
            outline.extend(xs.iter().copied().zip(lo.iter().copied()).rev());
            chart.draw_series(std::iter::once(Polygon::new(outline, l.colour.filled())))?;
        }
        // White lines between the bands, so that neighbouring shades stay apart.
        for (_, hi) in bands.iter().take(bands.len().saturating_sub(1)) {
            let line: Vec<(f64, f64)> = xs.iter().copied().zip(hi.iter().copied()).collect();
            chart.draw_series(LineSeries::new(line, WHITE.stroke_width(1)))?;
        }
        Ok(())
    }
}

/// "Cumulative flow by category from A to B (N days); on B: 120 done, 8 waiting …."
fn stack_alt(what: &str, days: &[i64], layers: &[Layer]) -> String {
    let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
        return format!("Cumulative flow diagram {what}: there are no days to show.");
    };
    let date = |d: i64| day_date(d).map(fmt_date).unwrap_or_default();
    let mut alt = format!(
        "Cumulative flow diagram {what} from {} to {} ({})",
        date(first),
        date(last),
        plural(days.len(), "day", "days"),
    );
    let mut at_end: Vec<(&str, f64)> = layers
        .iter()
        .rev()
        .filter_map(|l| l.values.last().map(|&v| (l.label.as_str(), v)))
        .filter(|x| x.1 > 0.0)
        .collect();
    if at_end.is_empty() {
        alt.push_str("; nothing is counted on the last day.");
        return alt;
    }
    let total: f64 = at_end.iter().map(|x| x.1).sum();
    let shown = if at_end.len() > 6 {
        at_end.sort_by(|a, b| b.1.total_cmp(&a.1));
        at_end.truncate(5);
        "the largest bands are "
    } else {
        ""
    };
    let parts: Vec<String> = at_end
        .iter()
        .map(|(l, v)| format!("{} {l}", fmt_num(*v)))
        .collect();
    alt.push_str(&format!(
        "; on {}: {} items in all, {shown}{}.",
        date(last),
        fmt_num(total),
        parts.join(", ")
    ));
    alt
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, check_empty};
    use super::*;

    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
    }

    fn weeks(n: u64) -> Vec<(NaiveDate, u64)> {
        (0..n)
            .map(|k| (monday() + chrono::Days::new(7 * k), 3 + (k * 7 % 5) + k / 4))
            .collect()
    }

    fn days(n: u64) -> Vec<NaiveDate> {
        (0..n).map(|k| monday() + chrono::Days::new(k)).collect()
    }

    #[test]
    fn throughput_run_has_axes_dates_trend_and_alt() {
        let c = throughput_run(&weeks(30)).unwrap();
        let needles = [
            "Throughput per week",
            "Items done per week",
            "Week starting",
            "2024-01-01",
            "Trend (least squares): +",
            "Items done",
        ];
        check(&c, "throughput_run", "", &needles, DEFAULT_SIZE);
        assert!(
            c.alt.contains("30 weeks from 2024-01-01 to 2024-07-22"),
            "{}",
            c.alt
        );
        assert!(c.alt.contains("linear trend"), "{}", c.alt);
        // Thinned: at most six week labels.
        assert!(
            c.svg.matches(">\n2024-").count() <= MAX_X_TICKS,
            "{}",
            c.svg
        );
        assert_eq!(c, throughput_run(&weeks(30)).unwrap());
        check_empty(&throughput_run(&[]).unwrap(), "throughput_run");
    }

    #[test]
    fn least_squares_recovers_a_line_and_skips_degenerate_input() {
        let pts: Vec<(f64, f64)> = (0..5).map(|x| (x as f64, 2.0 + 0.5 * x as f64)).collect();
        let (a, b) = least_squares(&pts).unwrap();
        assert!((a - 2.0).abs() < 1e-9 && (b - 0.5).abs() < 1e-9);
        assert_eq!(least_squares(&pts[..1]), None);
        assert_eq!(least_squares(&[(1.0, 1.0), (1.0, 3.0)]), None);
        // A falling trend is clipped at zero instead of running below the axis.
        let falling = [
            (monday(), 10),
            (monday() + chrono::Days::new(7), 0),
            (monday() + chrono::Days::new(14), 0),
        ];
        let c = throughput_run(&falling).unwrap();
        assert!(
            c.svg.contains("Trend (least squares): −5.0 items/week"),
            "{}",
            c.alt
        );
    }

    #[test]
    fn throughput_histogram_counts_weeks() {
        let weekly = [0, 1, 1, 2, 3, 3, 3, 5, 8, 3, 2, 1];
        let c = throughput_histogram(&weekly).unwrap();
        let needles = [
            "Weekly throughput distribution",
            "Items done in a week",
            "Weeks",
        ];
        check(&c, "throughput_histogram", "", &needles, DEFAULT_SIZE);
        assert!(
            c.alt.contains("most common count is 3 items (4 weeks)"),
            "{}",
            c.alt
        );
        assert!(c.alt.contains("median 2"), "{}", c.alt);
        // One item, one week: singular (Sepsis read "the most common count is 1 items").
        let one = throughput_histogram_alt(&[1, 4], &BTreeMap::from([(1, 1), (4, 1)]));
        assert!(
            one.ends_with("the most common count is 1 item (1 week)."),
            "{one}"
        );
        assert_eq!(c, throughput_histogram(&weekly).unwrap());
        check_empty(&throughput_histogram(&[]).unwrap(), "throughput_histogram");
        // Huge counts do not allocate a bar per value.
        let c = throughput_histogram(&[0, u64::MAX]).unwrap();
        assert!(c.svg.contains("Weeks"));
    }

    #[test]
    fn wip_run_draws_a_line_over_dates() {
        let d = days(90);
        let wip: Vec<u64> = (0..90).map(|i| 10 + (i * 13 % 7)).collect();
        let c = wip_run(&d, &wip).unwrap();
        check(
            &c,
            "wip_run",
            "",
            &["Work in progress", "Items in progress", "Date"],
            DEFAULT_SIZE,
        );
        assert!(
            c.alt.contains("90 days from 2024-01-01 to 2024-03-30"),
            "{}",
            c.alt
        );
        assert_eq!(c, wip_run(&d, &wip).unwrap());
        check_empty(&wip_run(&[], &[]).unwrap(), "wip_run");
        // One day still draws.
        assert!(wip_run(&d[..1], &wip[..1]).unwrap().alt.contains("1 day"));
    }

    #[test]
    fn net_flow_has_two_series_and_a_legend() {
        let w: Vec<(NaiveDate, u64, u64)> = weeks(26)
            .into_iter()
            .enumerate()
            .map(|(i, (d, n))| (d, n + (i as u64 % 3), n))
            .collect();
        let c = net_flow(&w).unwrap();
        let needles = [
            "Arrivals and departures per week",
            "Arrivals (created)",
            "Departures (finished)",
            "Items per week",
            "Week starting",
        ];
        check(&c, "net_flow", "", &needles, DEFAULT_SIZE);
        assert!(c.alt.contains("work in progress grew"), "{}", c.alt);
        assert_eq!(c, net_flow(&w).unwrap());
        check_empty(&net_flow(&[]).unwrap(), "net_flow");
    }

    fn cfd_counts(n: usize) -> Vec<[u64; 6]> {
        (0..n as u64)
            .map(|d| [40 - d / 3, 5 + d % 4, 3 + d % 3, d % 2, 2 * d, d / 5])
            .collect()
    }

    #[test]
    fn cfd_stacks_categories_done_at_the_bottom() {
        let d = days(60);
        let c = cfd(&d, &cfd_counts(60)).unwrap();
        let needles = [
            "Cumulative flow",
            "Items",
            "Date",
            "backlog",
            "done",
            "canceled",
        ];
        check(&c, "cfd", "", &needles, DEFAULT_SIZE);
        assert!(c.alt.contains("on 2024-02-29: "), "{}", c.alt);
        assert!(c.alt.contains("118 done"), "{}", c.alt);
        // The legend lists the top band first.
        assert!(c.svg.find(">\nbacklog").unwrap() < c.svg.find(">\ndone").unwrap());
        assert_eq!(c, cfd(&d, &cfd_counts(60)).unwrap());
        check_empty(&cfd(&[], &[]).unwrap(), "cfd");
        check_empty(&cfd(&d[..3], &[[0; 6]; 3]).unwrap(), "cfd");
        assert!(cfd(&d[..1], &cfd_counts(1)).unwrap().alt.contains("1 day"));
    }

    #[test]
    fn cfd_by_status_shades_and_wraps_a_long_legend() {
        let cats = [
            Category::Backlog,
            Category::Active,
            Category::Waiting,
            Category::Active,
            Category::Blocked,
            Category::Waiting,
            Category::Done,
        ];
        let statuses: Vec<(String, Category)> = (0..22)
            .map(|i| {
                (
                    format!("S{i} waiting for the next stage"),
                    cats[i * cats.len() / 22],
                )
            })
            .collect();
        let d = days(45);
        let counts: Vec<Vec<u64>> = (0..45u64)
            .map(|day| {
                (0..22u64)
                    .map(|s| 1 + (s + day) % 4 + if s == 21 { day } else { 0 })
                    .collect()
            })
            .collect();
        let c = cfd_by_status("Platform & Payments", &d, &statuses, &counts).unwrap();
        assert!(c.title.contains("Platform & Payments"));
        let img = super::super::test_util::decode(&c.png);
        assert!(img.height() > DEFAULT_SIZE.1);
        let size = (img.width(), img.height());
        let needles = [
            "Platform &amp; Payments",
            "S21 waiting for the nex…",
            "Items",
        ];
        check(&c, "cfd_by_status", "", &needles, size);
        assert!(c.alt.contains("largest bands"), "{}", c.alt);
        let shades = status_shades(&statuses);
        for (i, a) in shades.iter().enumerate() {
            for b in &shades[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(
            c,
            cfd_by_status("Platform & Payments", &d, &statuses, &counts).unwrap()
        );
        check_empty(
            &cfd_by_status("T", &[], &statuses, &[]).unwrap(),
            "cfd_by_status",
        );
        // Short rows count as zero.
        let short = vec![vec![1u64]; 45];
        assert!(cfd_by_status("T", &d, &statuses, &short).is_ok());
    }
}
