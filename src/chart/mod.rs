//! Charts: pure functions from metric results to a [`Chart`] that holds one figure as both
//! SVG text and PNG bytes. Nothing here touches the file system; `app` writes the bytes.
//!
//! This module holds what every chart shares (the [`Chart`] value, rendering to both
//! formats, the bundled font, the palette, legends, axis and label helpers); each family of
//! charts lives in its own file:
//! - `scatter`: [`cycle_time_scatter`];
//! - `status`: [`time_in_status`];
//! - `flow`: [`throughput_run`], [`throughput_histogram`], [`wip_run`], [`net_flow`],
//!   [`cfd`], [`cfd_by_status`];
//! - `distribution`: [`cycle_time_histogram`], [`aging_wip`];
//! - `handoffs`: [`handoff_heatmap`], [`cycle_time_by_handoffs`];
//! - `tools`: [`tools_per_team`], [`category_team_matrix`], [`utilisation`].
//!
//! Each chart is a private struct implementing `Figure`, whose one generic `draw` runs
//! twice: on plotters' `SVGBackend` (text stays `<text>` elements) and on its `BitMapBackend`
//! (an in-memory RGB buffer that is encoded to PNG here). A trait with a generic method is
//! used because closures cannot be generic over the backend. Adding a chart costs one struct,
//! one `draw` and one `pub fn` that calls `render_both`.
//!
//! Invariants:
//! - Output depends only on the arguments: no clock and no system fonts. The bundled
//!   DejaVu Sans is registered once as `"sans-serif"`; plotters also uses it to lay out the
//!   SVG, so the same input gives byte-identical SVG and PNG on every machine.
//! - Font sizes are plotters sizes (pixel height). The SVG backend writes `font-size` as
//!   size / 1.24.
//! - Empty input draws "No data" and does not fail. NaN, ±inf and negative durations are
//!   dropped, and so are instants that chrono cannot represent.
//! - Instants are shown as UTC calendar dates (`2024-03-01`). The axis is numeric
//!   (microseconds or days) with ticks we choose ourselves, because plotters' `chrono`
//!   feature is off.
//! - Names on axes and in legends are shortened with "…"; when there are more categories
//!   than the axis has room for, only every k-th label is written, or column labels are
//!   turned to read upwards.

mod business;
mod distribution;
mod flow;
mod handoffs;
mod layout;
mod png;
mod scatter;
mod status;
mod tools;
mod trend;

pub use business::{business_case, CaseBar};
pub use distribution::{aging_wip, cycle_time_histogram, AgingPoint, CycleBins};
pub use flow::{cfd, cfd_by_status, net_flow, throughput_histogram, throughput_run, wip_run};
pub use handoffs::{cycle_time_by_handoffs, handoff_heatmap, HandoffBucket};
pub use scatter::{cycle_time_scatter, ScatterPoint};
pub use status::{time_in_status, StatusBar};
pub use tools::{category_team_matrix, tools_per_team, utilisation, workflow_similarity};
pub use trend::{trend, TrendPanel};

#[cfg(test)]
use layout::legend_rows;
use layout::{
    draw_legend_wrapped, hbar_canvas_height, ink_on, legend_height, sequential_blue, shade,
    ColumnLabels, GridLayout, HBarLayout, KeyedAxis, LegendKey, WeekAxis,
};

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::Rectangle;
use plotters::prelude::DrawResult;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, Color, FontStyle, RGBColor, TextStyle, WHITE};

use crate::model::{Category, Ts};

/// Canvas size (width, height) in pixels used by every chart unless its content needs more
/// height (one bar per status).
pub const DEFAULT_SIZE: (u32, u32) = (900, 500);
/// Pixels of the tallest charts' usual size (a legend or long labels add rows to
/// [`DEFAULT_SIZE`]): the per-thread pixel buffer is made this large at once.
const LARGEST_PIXELS: usize = 900 * 640;

/// One rendered chart in both formats.
#[derive(Clone, PartialEq, Eq)]
pub struct Chart {
    /// File stem, e.g. `cycle_time_scatter`; the same for the `.svg` and `.png` files.
    pub name: String,
    /// Human title, drawn at the top of the figure and stored as the SVG `<title>`.
    pub title: String,
    /// One-sentence text alternative (HTML `alt`, SVG `<desc>`).
    pub alt: String,
    /// The SVG document (starts with `<svg`).
    pub svg: String,
    /// The PNG file bytes.
    pub png: Vec<u8>,
}

impl fmt::Debug for Chart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chart")
            .field("name", &self.name)
            .field("title", &self.title)
            .field("alt", &self.alt)
            .field("svg_len", &self.svg.len())
            .field("png_len", &self.png.len())
            .finish()
    }
}

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// Drawing, font loading or PNG encoding failed.
    #[error("chart {name}: {message}")]
    Draw {
        /// The chart's file stem.
        name: String,
        /// What failed, with the backend (`SVG`, `PNG`) that reported it.
        message: String,
    },
}

// ---------------------------------------------------------------------------------------
// Palette

/// The colour of a status category: Okabe–Ito, which stays distinguishable under the common
/// colour-vision deficiencies.
pub fn category_colour(c: Category) -> RGBColor {
    match c {
        Category::Backlog => RGBColor(0x99, 0x99, 0x99),
        Category::Active => RGBColor(0x00, 0x72, 0xB2),
        Category::Waiting => RGBColor(0xE6, 0x9F, 0x00),
        Category::Blocked => RGBColor(0xD5, 0x5E, 0x00),
        Category::Done => RGBColor(0x00, 0x9E, 0x73),
        Category::Canceled => RGBColor(0xCC, 0x79, 0xA7),
    }
}

/// Okabe–Ito, then Paul Tol's "muted" set. Black and yellow come last among the Okabe–Ito
/// colours: black reads as an axis, and yellow is faint on white.
const TEAM_PALETTE: [RGBColor; 17] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0x88, 0xCC, 0xEE),
    RGBColor(0x44, 0xAA, 0x99),
    RGBColor(0x11, 0x77, 0x33),
    RGBColor(0x99, 0x99, 0x33),
    RGBColor(0xDD, 0xCC, 0x77),
    RGBColor(0xCC, 0x66, 0x77),
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0xAA, 0x44, 0x99),
];

/// The colour of the `i`-th team (or other series) in charts that show several: the
/// Okabe–Ito colours, then Tol's muted set, repeating after 17.
pub fn team_colour(i: usize) -> RGBColor {
    TEAM_PALETTE[i % TEAM_PALETTE.len()]
}

/// Text.
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// "No data" text.
const MUTED: RGBColor = RGBColor(0x77, 0x77, 0x77);
/// Grid lines; drawn mixed with transparency.
const GRID: RGBColor = RGBColor(0, 0, 0);
/// Percentile lines and their labels.
const MARK: RGBColor = RGBColor(0x44, 0x44, 0x44);
/// Scatter points and single-series bars (Okabe–Ito blue; scatter dots are drawn at 60 %
/// opacity so that density shows).
const POINT: RGBColor = RGBColor(0x00, 0x72, 0xB2);

// ---------------------------------------------------------------------------------------
// Layout (pixels)

const FAMILY: &str = "sans-serif";
const TITLE_SIZE: f64 = 22.0;
const LABEL_SIZE: f64 = 16.0;
const SMALL_SIZE: f64 = 14.0;
/// Height of the band at the top that holds the title.
const TITLE_BAND: u32 = 44;
/// Height of the legend band under the title.
const LEGEND_BAND: u32 = 30;
const MARGIN: u32 = 10;
const TICK: i32 = 5;
/// Bottom label area: tick labels and the axis title.
const X_LABEL_AREA: u32 = 60;
/// Left label area of the scatterplot: numbers up to ~7 characters and the axis title.
const Y_LABEL_AREA: u32 = 85;
/// Right margin of the scatterplot that holds the percentile labels ("95% ≤ 123.4 d").
const MARK_LABEL_BAND: u32 = 130;
/// A date label ("2024-03-01") is ~93 px wide at 16 px; six fit in the plot width.
const MAX_X_TICKS: usize = 6;
/// The date axis spans at least a week, so that ticks are whole days.
const MIN_SPAN_DAYS: i64 = 7;
/// Vertical room one text label needs.
const MIN_LABEL_PX: u32 = 20;
/// Status names longer than this are shortened with "…".
const MAX_LABEL_CHARS: usize = 28;
/// Pixel height given to each bar of the time-in-status chart.
const BAR_SLOT_PX: u32 = 26;
/// A bar is at most this thick, however few bars there are.
const MAX_BAR_PX: f64 = 28.0;
/// Everything on the time-in-status canvas that is not bars.
const BARS_OVERHEAD: u32 = TITLE_BAND + LEGEND_BAND + 2 * MARGIN + X_LABEL_AREA;
/// Height limit of the time-in-status chart; past it, labels are thinned instead.
const MAX_HEIGHT: u32 = 4000;
/// Units per bar on the (integer) status axis, so bar thickness can be set finely.
const BAR_UNITS: i64 = 100;

const US_PER_DAY: i64 = crate::model::MICROS_PER_DAY_I64;

static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Registers the bundled font with plotters (once per process). Returns whether it parsed.
fn font_registered() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok())
}

fn text(size: f64) -> TextStyle<'static> {
    text_in(size, INK)
}

fn text_in(size: f64, colour: RGBColor) -> TextStyle<'static> {
    let mut style = TextStyle::from((FAMILY, size));
    style.color = colour.to_backend_color();
    style
}

// ---------------------------------------------------------------------------------------
// Rendering both formats

/// A chart that can be drawn on any plotters backend.
trait Figure {
    /// Draws the chart into `body`, the area below the title. `root` is the whole canvas with
    /// its origin at (0, 0), for text placed at pixels from `ChartContext::backend_coord`.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB>;
}

/// Every chart the report draws: `Block::Chart` names one, so a typo is a compile error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChartId {
    /// `throughput_run`.
    ThroughputRun,
    /// `throughput_histogram`.
    ThroughputHistogram,
    /// `cfd`.
    Cfd,
    /// `cfd_by_status`.
    CfdByStatus,
    /// `wip_run`.
    WipRun,
    /// `net_flow`.
    NetFlow,
    /// `cycle_time_scatter`.
    CycleTimeScatter,
    /// `cycle_time_histogram`.
    CycleTimeHistogram,
    /// `time_in_status`.
    TimeInStatus,
    /// `aging_wip`.
    AgingWip,
    /// `handoff_heatmap`.
    HandoffHeatmap,
    /// `cycle_time_by_handoffs`.
    CycleTimeByHandoffs,
    /// `tools_per_team`.
    ToolsPerTeam,
    /// `category_team_matrix`.
    CategoryTeamMatrix,
    /// `utilisation`.
    Utilisation,
    /// `workflow_similarity`.
    WorkflowSimilarity,
    /// `business_case`.
    BusinessCase,
    /// `trend` (multi-period audits only).
    Trend,
}

impl ChartId {
    /// Every chart, in report order.
    pub const ALL: [ChartId; 18] = [
        ChartId::ThroughputRun,
        ChartId::ThroughputHistogram,
        ChartId::Cfd,
        ChartId::CfdByStatus,
        ChartId::WipRun,
        ChartId::NetFlow,
        ChartId::CycleTimeScatter,
        ChartId::CycleTimeHistogram,
        ChartId::TimeInStatus,
        ChartId::AgingWip,
        ChartId::HandoffHeatmap,
        ChartId::CycleTimeByHandoffs,
        ChartId::ToolsPerTeam,
        ChartId::CategoryTeamMatrix,
        ChartId::Utilisation,
        ChartId::WorkflowSimilarity,
        ChartId::BusinessCase,
        ChartId::Trend,
    ];

    /// The file stem (`charts/<name>.svg`, `.png`) and the HTML anchor.
    pub fn name(self) -> &'static str {
        match self {
            ChartId::ThroughputRun => "throughput_run",
            ChartId::ThroughputHistogram => "throughput_histogram",
            ChartId::Cfd => "cfd",
            ChartId::CfdByStatus => "cfd_by_status",
            ChartId::WipRun => "wip_run",
            ChartId::NetFlow => "net_flow",
            ChartId::CycleTimeScatter => "cycle_time_scatter",
            ChartId::CycleTimeHistogram => "cycle_time_histogram",
            ChartId::TimeInStatus => "time_in_status",
            ChartId::AgingWip => "aging_wip",
            ChartId::HandoffHeatmap => "handoff_heatmap",
            ChartId::CycleTimeByHandoffs => "cycle_time_by_handoffs",
            ChartId::ToolsPerTeam => "tools_per_team",
            ChartId::CategoryTeamMatrix => "category_team_matrix",
            ChartId::Utilisation => "utilisation",
            ChartId::WorkflowSimilarity => "workflow_similarity",
            ChartId::BusinessCase => "business_case",
            ChartId::Trend => "trend",
        }
    }
}

/// What [`render_both`] needs besides the figure.
struct Meta {
    name: ChartId,
    title: String,
    alt: String,
    size: (u32, u32),
}

/// Draws `fig` as SVG and as PNG. The backends are dropped before their buffers are read;
/// nothing relies on `Drop` to finish a document, `present()` is called explicitly.
fn render_both<F: Figure + Sync>(meta: Meta, fig: &F) -> Result<Chart, ChartError> {
    let name = meta.name.name();
    let fail = |message: String| ChartError::Draw {
        name: name.to_string(),
        message,
    };
    if !font_registered() {
        return Err(fail(
            "the bundled font assets/DejaVuSans.ttf could not be loaded".to_string(),
        ));
    }
    let (w, h) = meta.size;

    // The SVG and the PNG are drawn side by side: a chart as one job made the last chart
    // of the report's parallel set the tail of its drawing.
    let draw_svg = || -> Result<String, ChartError> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, meta.size).into_drawing_area();
            paint(&root, &meta.title, fig).map_err(|e| fail(format!("SVG: {e}")))?;
        }
        Ok(label_svg(&svg, &meta.title, &meta.alt))
    };

    // The pixels are drawn into a buffer kept per thread and reused from chart to chart: a
    // fresh multi-megabyte buffer per chart cost more in page faults (the kernel clearing new
    // pages) than drawing it, most of a small log's audit time (issue 17). Every pixel is
    // painted (white background first), so the bytes do not depend on the buffer's past.
    thread_local! {
        static RGB: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let draw_png = || {
        RGB.with(|buf| -> Result<Vec<u8>, ChartError> {
            let mut rgb = buf.borrow_mut();
            let n = w as usize * h as usize * 3;
            if rgb.capacity() < n {
                // Room for the largest chart at once: growing the buffer from chart to chart
                // copied it into fresh pages.
                *rgb = Vec::with_capacity(n.max(LARGEST_PIXELS * 3));
            }
            rgb.clear();
            rgb.resize(n, 0);
            {
                let root = BitMapBackend::with_buffer(&mut rgb, meta.size).into_drawing_area();
                paint(&root, &meta.title, fig).map_err(|e| fail(format!("PNG: {e}")))?;
            }
            // Room for the encoded image up front (untouched capacity costs nothing): growing
            // it by doubling copied it and touched fresh pages at each step.
            let mut png: Vec<u8> = Vec::with_capacity(rgb.len() / 2);
            // Fast deflate after the "Up" filter: a chart's rows mostly repeat the row above
            // (background, bars, gridlines), so they filter to zeros that fast deflate packs well.
            // Choosing a filter per row (the encoder's default) was a quarter of a small log's
            // audit; this is 0.79x its time for PNGs ~2.5x larger (~35 KB a chart;
            // docs/PERFORMANCE.md).
            png::encode(&rgb, w, h, &mut png).map_err(|e| fail(format!("PNG encoding: {e}")))?;
            Ok(png)
        })
    };
    let (svg, png) = rayon::join(draw_svg, draw_png);
    let (svg, png) = (svg?, png?);

    Ok(Chart {
        name: name.to_string(),
        svg,
        title: meta.title,
        alt: meta.alt,
        png,
    })
}

/// White background, the title, then the figure; then `present()`.
fn paint<DB: DrawingBackend, F: Figure>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    fig: &F,
) -> DrawResult<(), DB> {
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let style = text(TITLE_SIZE).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(title, &style, (w as i32 / 2, 12))?;
    let (_, body) = root.split_vertically(TITLE_BAND);
    fig.draw(root, &body)?;
    root.present()
}

/// Adds `role="img"`, `<title>` and `<desc>` to the SVG so screen readers announce it.
fn label_svg(svg: &str, title: &str, alt: &str) -> String {
    match svg.find('>') {
        Some(end) => format!(
            "{} role=\"img\">\n<title>{}</title>\n<desc>{}</desc>{}",
            &svg[..end],
            xml_escape(title),
            xml_escape(alt),
            &svg[end + 1..]
        ),
        None => svg.to_string(),
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// Centred "No data" in place of a chart with nothing to show.
fn no_data<DB: DrawingBackend>(body: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
    let (w, h) = body.dim_in_pixel();
    let style = text_in(TITLE_SIZE, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    body.draw_text("No data", &style, (w as i32 / 2, h as i32 / 2))
}

/// One row of colour swatches with names, centred in `area`.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(&str, RGBColor)],
) -> DrawResult<(), DB> {
    const SWATCH: i32 = 14;
    const GAP: i32 = 6;
    const SPACING: i32 = 24;
    let style = text(SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    let mut widths = Vec::with_capacity(items.len());
    for (label, _) in items {
        widths.push(area.estimate_text_size(label, &style)?.0 as i32);
    }
    let total: i32 = widths.iter().map(|w| SWATCH + GAP + w).sum::<i32>()
        + SPACING * (items.len() as i32 - 1).max(0);
    let (w, h) = area.dim_in_pixel();
    let mut x = ((w as i32 - total) / 2).max(MARGIN as i32);
    let cy = h as i32 / 2;
    for ((label, colour), width) in items.iter().zip(widths) {
        let swatch = [(x, cy - SWATCH / 2), (x + SWATCH, cy + SWATCH / 2)];
        area.draw(&Rectangle::new(swatch, colour.filled()))?;
        area.draw_text(label, &style, (x + SWATCH + GAP, cy))?;
        x += SWATCH + GAP + width + SPACING;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Formatting

/// The UTC calendar date of an instant, if chrono can represent it.
fn ts_date(ts: Ts) -> Option<NaiveDate> {
    DateTime::<Utc>::from_timestamp_micros(ts).map(|t| t.date_naive())
}

/// `2024-03-01`, or empty for an instant chrono cannot represent.
fn fmt_ts(ts: Ts) -> String {
    ts_date(ts)
        .map(crate::time::format_date)
        .unwrap_or_default()
}

/// Days since 1970-01-01 of a date (NaiveDate's default is the epoch).
fn date_day(d: NaiveDate) -> i64 {
    d.signed_duration_since(NaiveDate::default()).num_days()
}

fn day_date(day: i64) -> Option<NaiveDate> {
    day.checked_mul(US_PER_DAY).and_then(ts_date)
}

/// Tick label: whole numbers without decimals, others with at most two.
fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if (v - v.round()).abs() < 1e-9 {
        return format!("{v:.0}");
    }
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn fmt_1(v: f64) -> String {
    format!("{v:.1}")
}

/// A label that fits the axis: control characters become spaces, and names longer than
/// [`MAX_LABEL_CHARS`] keep their first 27 characters followed by "…".
fn truncate_label(s: &str) -> String {
    truncate_to(s, MAX_LABEL_CHARS)
}

/// Tick days (since the epoch) in `[lo, hi]`: every day, every other day, Mondays,
/// every other Monday, then first days of months ([`month_ticks`]); the finest step that
/// gives at most `max` ticks.
fn date_ticks(lo: i64, hi: i64, max: usize) -> Vec<i64> {
    // 1970-01-05, day 4, was a Monday.
    const MONDAY: i64 = 4;
    for (step, phase) in [(1i64, 0i64), (2, 0), (7, MONDAY), (14, MONDAY)] {
        let first = lo + (phase - lo).rem_euclid(step);
        if first <= hi && ((hi - first) / step + 1) as usize <= max {
            return (first..=hi).step_by(step as usize).collect();
        }
    }
    month_ticks(lo, hi, max)
}

/// First days of months in `[lo, hi]`, every 1, 2, 3, 6 or 12 months (or a multiple of
/// 12), aligned to the calendar (quarters start in January, April …).
fn month_ticks(lo: i64, hi: i64, max: usize) -> Vec<i64> {
    const STEPS: [i64; 21] = [
        1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1_200, 2_400, 6_000, 12_000, 24_000, 60_000,
        120_000, 240_000, 600_000, 1_200_000, 2_400_000,
    ];
    let (Some(a), Some(b)) = (day_date(lo), day_date(hi)) else {
        return Vec::new();
    };
    let index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    let first_month = index(a) + i64::from(a.day() != 1);
    let last_month = index(b);
    for step in STEPS {
        let first = first_month + (-first_month).rem_euclid(step);
        let count = if first > last_month {
            0
        } else {
            (last_month - first) / step + 1
        };
        if count as usize <= max {
            return (first..=last_month)
                .step_by(step as usize)
                .filter_map(month_start)
                .collect();
        }
    }
    Vec::new()
}

/// Days since the epoch of the first day of month `m` (= year × 12 + month0).
fn month_start(m: i64) -> Option<i64> {
    let year = i32::try_from(m.div_euclid(12)).ok()?;
    let month = u32::try_from(m.rem_euclid(12)).ok()? + 1;
    NaiveDate::from_ymd_opt(year, month, 1).map(date_day)
}

/// How much room a value axis leaves beyond the largest value, as a factor of it (the
/// `factor` of [`axis_max`]).
mod headroom {
    /// Stacked areas: just enough not to touch the frame.
    pub const STACK: f64 = 1.05;
    /// Bars, lines and points with nothing written beyond them.
    pub const PLAIN: f64 = 1.1;
    /// Horizontal bars with a short value written at their end.
    pub const VALUE_LABELS: f64 = 1.12;
    /// Bars with a longer value, a total or a count written beyond them.
    pub const WIDE_LABELS: f64 = 1.15;
    /// Median and p85 marks with their labels above them.
    pub const MARK_LABELS: f64 = 1.2;
    /// Three stacked percentile labels above a histogram.
    pub const PERCENTILE_LABELS: f64 = 1.45;
}

/// The house style of every chart's mesh: label and axis-title fonts, tick marks and faint
/// grid lines. Each chart adds its axis titles, formatters and label counts, and draws.
fn house_mesh<'a, 'b, X, Y, DB>(
    m: &'b mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
) -> &'b mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged,
    Y: plotters::coord::ranged1d::Ranged,
    DB: DrawingBackend,
{
    m.label_style(text(LABEL_SIZE))
        .axis_desc_style(text(LABEL_SIZE))
        .set_all_tick_mark_size(TICK)
        .bold_line_style(GRID.mix(0.15))
        .light_line_style(GRID.mix(0.05))
}

/// `top × factor`, at least 1, and finite.
fn axis_max(top: f64, factor: f64) -> f64 {
    let max = (top * factor).max(1.0);
    if max.is_finite() {
        max
    } else {
        top.max(1.0)
    }
}

/// A whole-day date as `2024-03-01`.
fn fmt_date(d: NaiveDate) -> String {
    crate::time::format_date(d)
}

/// `n thing` or `n things`.
fn plural(n: usize, one: &str, many: &str) -> String {
    crate::words::count(n, one, many)
}

/// Like [`truncate_label`], with a limit of `max` characters (at least 2); no space is left
/// before the "…".
fn truncate_to(s: &str, max: usize) -> String {
    let max = max.max(2);
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        return "(empty)".to_string();
    }
    if clean.chars().count() <= max {
        return clean.to_string();
    }
    let kept: String = clean.chars().take(max - 1).collect();
    format!("{}…", kept.trim_end())
}

/// Width in pixels of `s` in the bundled font at `size`, without a backend (both backends
/// lay text out with the same font, so this is what they draw).
fn text_width(s: &str, size: f64) -> u32 {
    let fallback = (s.chars().count() as f64 * size * 0.62) as u32;
    if !font_registered() {
        return fallback;
    }
    text(size)
        .font
        .box_size(s)
        .map(|(w, _)| w)
        .unwrap_or(fallback)
}

/// Tick values 0, step, 2·step … ≤ `max` for a count axis: the step is a whole number
/// 1, 2, 5, 10, 20, 50 … chosen so there are at most `max_ticks` ticks.
fn count_ticks(max: f64, max_ticks: usize) -> Vec<f64> {
    let max = if max.is_finite() { max.max(0.0) } else { 0.0 };
    let step = nice_step(max, max_ticks.max(2));
    let n = (max / step).floor() as usize;
    (0..=n).map(|k| k as f64 * step).collect()
}

/// The smallest of 1, 2, 5, 10, 20, 50 … with at most `max_ticks` multiples in `[0, max]`.
fn nice_step(max: f64, max_ticks: usize) -> f64 {
    let mut base = 1.0f64;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = base * m;
            if (max / step).floor() + 1.0 <= max_ticks as f64 || !step.is_finite() {
                return step;
            }
        }
        base *= 10.0;
        if !base.is_finite() {
            return f64::MAX;
        }
    }
}

/// The percentile marks that can be drawn: (percentile, value) for the finite,
/// non-negative ones.
fn valid_marks(p50: f64, p85: f64, p95: f64) -> Vec<(u8, f64)> {
    [(50, p50), (85, p85), (95, p95)]
        .into_iter()
        .filter(|m| m.1.is_finite() && m.1 >= 0.0)
        .collect()
}

/// "50% ≤ 3.2 d": the label of a percentile line.
fn mark_label(pct: u8, v: f64) -> String {
    format!("{pct}% ≤ {} d", fmt_1(v))
}

/// "50% within 3.2 days, 85% within …" for alt texts; empty without marks.
fn marks_alt(marks: &[(u8, f64)]) -> String {
    marks
        .iter()
        .map(|(p, v)| format!("{p}% within {} days", fmt_1(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Labels of horizontal lines, left-aligned 8 px right of the given pixel; the top label
/// first, and a label pushed down when it would overlap the one above.
fn draw_mark_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    mut labels: Vec<((i32, i32), String)>,
) -> DrawResult<(), DB> {
    labels.sort_by_key(|l| (l.0).1);
    let style = text_in(LABEL_SIZE, MARK).pos(Pos::new(HPos::Left, VPos::Center));
    let mut last_y = i32::MIN;
    for ((px, py), label) in labels {
        let y = py.max(last_y.saturating_add(MIN_LABEL_PX as i32));
        root.draw_text(&label, &style, (px + 8, y))?;
        last_y = y;
    }
    Ok(())
}

/// What the tests of every chart file share.
#[cfg(test)]
mod test_util {
    use super::Chart;

    pub const PNG_MAGIC: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

    pub fn decode(png: &[u8]) -> image::DynamicImage {
        image::load_from_memory_with_format(png, image::ImageFormat::Png).expect("PNG decodes")
    }

    /// Asserts the common shape of a chart: its name, an `<svg` document with `<title>`, the
    /// given strings in the SVG, a PNG of `size` with a white corner. With
    /// `FLOWAUDIT_CHART_DUMP=dir` set, also writes `dir/<name><suffix>.{svg,png}` to look at.
    pub fn check(c: &Chart, name: &str, suffix: &str, needles: &[&str], size: (u32, u32)) {
        assert_eq!(c.name, name);
        assert!(
            c.svg.starts_with("<svg"),
            "{}",
            &c.svg[..40.min(c.svg.len())]
        );
        let title = format!("<title>{}</title>", super::xml_escape(&c.title));
        assert!(c.svg.contains(&title), "SVG of {name} lacks {title}");
        for needle in needles {
            assert!(c.svg.contains(needle), "SVG of {name} lacks {needle:?}");
        }
        assert_eq!(c.png[..8], PNG_MAGIC);
        let img = decode(&c.png);
        assert_eq!((img.width(), img.height()), size, "{name}");
        assert_eq!(img.to_rgb8().get_pixel(0, 0).0, [255, 255, 255]);
        assert!(!c.alt.is_empty() && c.alt.ends_with('.'), "{}", c.alt);
        if let Some(dir) = std::env::var_os("FLOWAUDIT_CHART_DUMP") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}{suffix}.svg")), &c.svg).unwrap();
            std::fs::write(dir.join(format!("{name}{suffix}.png")), &c.png).unwrap();
        }
    }

    /// Asserts that an empty chart says "No data" at the default size.
    pub fn check_empty(c: &Chart, name: &str) {
        check(c, name, "_empty", &["No data"], super::DEFAULT_SIZE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_ids_are_unique_file_stems() {
        let names: std::collections::BTreeSet<&str> =
            ChartId::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), ChartId::ALL.len());
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }

    /// 2024-03-01T00:00:00Z.
    const MAR_1_2024: Ts = 1_709_251_200_000_000;

    #[test]
    fn category_and_team_colours_are_distinct() {
        let cats: Vec<RGBColor> = Category::ALL.iter().map(|&c| category_colour(c)).collect();
        let teams: Vec<RGBColor> = (0..TEAM_PALETTE.len()).map(team_colour).collect();
        for set in [cats, teams] {
            for (i, a) in set.iter().enumerate() {
                for b in &set[i + 1..] {
                    assert_ne!(a, b);
                }
            }
        }
        assert_eq!(team_colour(TEAM_PALETTE.len()), team_colour(0));
        assert_eq!(
            category_colour(Category::Active),
            RGBColor(0x00, 0x72, 0xB2)
        );
    }

    #[test]
    fn date_ticks_pick_days_mondays_or_months() {
        let mar_1 = MAR_1_2024 / US_PER_DAY;
        assert_eq!(fmt_ts(mar_1 * US_PER_DAY), "2024-03-01");
        // A week: every other day.
        assert_eq!(
            date_ticks(mar_1, mar_1 + 7, 6),
            vec![mar_1 + 1, mar_1 + 3, mar_1 + 5, mar_1 + 7]
        );
        // Three weeks: Mondays (2024-03-04 was a Monday).
        assert_eq!(
            date_ticks(mar_1, mar_1 + 21, 6),
            vec![mar_1 + 3, mar_1 + 10, mar_1 + 17]
        );
        // A year from 2024-01-01: quarter starts.
        let jan_1 = mar_1 - 60;
        let ticks: Vec<String> = date_ticks(jan_1, jan_1 + 366, 6)
            .into_iter()
            .map(|d| fmt_ts(d * US_PER_DAY))
            .collect();
        assert_eq!(
            ticks,
            [
                "2024-01-01",
                "2024-04-01",
                "2024-07-01",
                "2024-10-01",
                "2025-01-01"
            ]
        );
        // Centuries stay within the limit.
        assert!(date_ticks(0, 40_000, 6).len() <= 6);
    }

    #[test]
    fn labels_are_shortened_and_numbers_formatted() {
        assert_eq!(truncate_label("In Progress"), "In Progress");
        assert_eq!(truncate_label("a\nb"), "a b");
        assert_eq!(truncate_label("  "), "(empty)");
        let long = truncate_label(&"x".repeat(40));
        assert_eq!(long.chars().count(), MAX_LABEL_CHARS);
        assert!(long.ends_with('…'));
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(0.25), "0.25");
    }

    #[test]
    fn count_ticks_are_whole_and_few() {
        assert_eq!(count_ticks(3.3, 8), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(count_ticks(17.0, 8), vec![0.0, 5.0, 10.0, 15.0]);
        assert_eq!(count_ticks(0.0, 8), vec![0.0]);
        assert!(count_ticks(1e19, 8).len() <= 8);
        assert_eq!(count_ticks(f64::NAN, 8), vec![0.0]);
    }

    #[test]
    fn shades_and_blues_stay_in_range() {
        let c = RGBColor(0x00, 0x72, 0xB2);
        assert_eq!(shade(c, 0.0), c);
        assert_eq!(shade(c, 1.0), RGBColor(255, 255, 255));
        assert_eq!(shade(c, -1.0), RGBColor(0, 0, 0));
        assert_eq!(shade(c, f64::NAN), c);
        // The sequential scale gets darker monotonically.
        let luma = |c: RGBColor| u32::from(c.0) + u32::from(c.1) + u32::from(c.2);
        let steps: Vec<u32> = (0..=10)
            .map(|i| luma(sequential_blue(i as f64 / 10.0)))
            .collect();
        assert!(steps.windows(2).all(|w| w[0] > w[1]), "{steps:?}");
        assert_eq!(sequential_blue(f64::NAN), sequential_blue(0.0));
        assert_eq!(ink_on(sequential_blue(1.0)), WHITE);
        assert_eq!(ink_on(sequential_blue(0.0)), INK);
    }

    #[test]
    fn legends_wrap_into_rows() {
        let keys: Vec<LegendKey> = (0..20)
            .map(|i| LegendKey::swatch(format!("Status number {i}"), team_colour(i)))
            .collect();
        let rows = legend_rows(&keys, 900);
        assert!(rows.len() >= 3, "{rows:?}");
        assert_eq!(rows.first().map(|r| r.0), Some(0));
        assert_eq!(rows.last().map(|r| r.1), Some(20));
        assert!(rows.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(legend_height(&keys[..2], 900), LEGEND_BAND);
        assert!(legend_height(&keys, 900) > LEGEND_BAND);
        assert!(legend_rows(&[], 900).is_empty());
    }

    #[test]
    fn week_axis_labels_thin_out() {
        let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let weeks: Vec<NaiveDate> = (0..60).map(|k| monday + chrono::Days::new(7 * k)).collect();
        let axis = WeekAxis::new(&weeks);
        assert!(axis.ticks.len() <= MAX_X_TICKS, "{:?}", axis.ticks);
        assert_eq!(axis.label(0.0), "2024-01-01");
        assert_eq!(axis.x(weeks[59]), 59.0);
        let one = WeekAxis::new(&weeks[..1]);
        assert_eq!(one.ticks, vec![0.0]);
        assert_eq!(one.label(f64::NAN), "");
    }

    #[test]
    fn column_labels_turn_when_they_do_not_fit() {
        let names: Vec<String> = (0..4).map(|i| format!("Team {i}")).collect();
        let level = ColumnLabels::new(&names, 200.0);
        assert!(!level.rotated);
        let long: Vec<String> = (0..30).map(|i| format!("Platform team {i}")).collect();
        let turned = ColumnLabels::new(&long, 25.0);
        assert!(turned.rotated);
        assert_eq!(turned.stride, 1);
        assert!(turned.depth > 60);
        assert!(ColumnLabels::new(&long, 8.0).stride >= 2);
        assert_eq!(truncate_to(&"y".repeat(30), 20).chars().count(), 20);
    }
}
