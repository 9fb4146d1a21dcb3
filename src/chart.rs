//! Charts: pure functions from metric results to a [`Chart`] that holds one figure as both
//! SVG text and PNG bytes. Nothing here touches the file system; `app` writes the bytes.
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
//!   (microseconds) with ticks we choose ourselves, because plotters' `chrono` feature is off.

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use image::codecs::png::PngEncoder;
use image::{ColorType, ImageEncoder};
use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::chart::ChartBuilder;
use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::{Circle, Rectangle};
use plotters::prelude::DrawResult;
use plotters::series::DashedLineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, Color, FontStyle, RGBColor, TextStyle, WHITE};

use crate::model::{Category, Ts};

/// Canvas size (width, height) in pixels used by every chart unless its content needs more
/// height (one bar per status).
pub const DEFAULT_SIZE: (u32, u32) = (900, 500);

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

/// One finished item in the cycle-time scatterplot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScatterPoint {
    /// When the item finished (UTC microseconds).
    pub finished: Ts,
    /// Its cycle time in days.
    pub cycle_days: f64,
}

/// One bar of the time-in-status chart.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBar {
    /// The status name as the source spells it.
    pub status: String,
    /// The category the status maps to (the bar's colour).
    pub category: Category,
    /// Total item-days spent in the status.
    pub item_days: f64,
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
/// Scatter points (Okabe–Ito blue, drawn at 60 % opacity so that density shows).
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

const US_PER_DAY: i64 = 86_400_000_000;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

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

/// What [`render_both`] needs besides the figure.
struct Meta {
    name: &'static str,
    title: &'static str,
    alt: String,
    size: (u32, u32),
}

/// Draws `fig` as SVG and as PNG. The backends are dropped before their buffers are read;
/// nothing relies on `Drop` to finish a document, `present()` is called explicitly.
fn render_both<F: Figure>(meta: Meta, fig: &F) -> Result<Chart, ChartError> {
    let name = meta.name;
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

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, meta.size).into_drawing_area();
        paint(&root, meta.title, fig).map_err(|e| fail(format!("SVG: {e}")))?;
    }

    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, meta.size).into_drawing_area();
        paint(&root, meta.title, fig).map_err(|e| fail(format!("PNG: {e}")))?;
    }
    let mut png: Vec<u8> = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&rgb, w, h, ColorType::Rgb8)
        .map_err(|e| fail(format!("PNG encoding: {e}")))?;

    Ok(Chart {
        name: name.to_string(),
        title: meta.title.to_string(),
        svg: label_svg(&svg, meta.title, &meta.alt),
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
        .map(|d| d.format("%Y-%m-%d").to_string())
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
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        return "(empty)".to_string();
    }
    if clean.chars().count() <= MAX_LABEL_CHARS {
        return clean.to_string();
    }
    let mut out: String = clean.chars().take(MAX_LABEL_CHARS - 1).collect();
    out.push('…');
    out
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

/// `top × factor`, at least 1, and finite.
fn axis_max(top: f64, factor: f64) -> f64 {
    let max = (top * factor).max(1.0);
    if max.is_finite() {
        max
    } else {
        top.max(1.0)
    }
}

// ---------------------------------------------------------------------------------------
// Cycle-time scatterplot

/// Cycle-time scatterplot: x = finish date (UTC), y = cycle time in days, one dot per item,
/// with dashed horizontal lines at the 50th, 85th and 95th percentiles labelled
/// "50% ≤ 3.2 d" etc. in the right margin.
///
/// Points with a non-finite or negative cycle time, or a finish instant chrono cannot
/// represent, are left out; so are non-finite or negative percentiles. With no points left
/// the chart says "No data". The y axis runs from 0 to 1.1 × the largest value (at least 1).
pub fn cycle_time_scatter(
    points: &[ScatterPoint],
    p50: f64,
    p85: f64,
    p95: f64,
) -> Result<Chart, ChartError> {
    let points: Vec<(Ts, f64)> = points
        .iter()
        .filter(|p| {
            p.cycle_days.is_finite() && p.cycle_days >= 0.0 && ts_date(p.finished).is_some()
        })
        .map(|p| (p.finished, p.cycle_days))
        .collect();
    let marks: Vec<(u8, f64)> = [(50, p50), (85, p85), (95, p95)]
        .into_iter()
        .filter(|m| m.1.is_finite() && m.1 >= 0.0)
        .collect();
    let meta = Meta {
        name: "cycle_time_scatter",
        title: "Cycle time",
        alt: scatter_alt(&points, &marks),
        size: DEFAULT_SIZE,
    };
    render_both(meta, &Scatter::new(points, marks))
}

struct Scatter {
    /// (finished, cycle days), all valid.
    points: Vec<(Ts, f64)>,
    /// (percentile, value).
    marks: Vec<(u8, f64)>,
    /// Midnight UTC before the first point to midnight after the last, at least a week.
    x_range: (Ts, Ts),
    x_ticks: Vec<Ts>,
    y_max: f64,
}

impl Scatter {
    fn new(points: Vec<(Ts, f64)>, marks: Vec<(u8, f64)>) -> Self {
        let lo = points.iter().map(|p| p.0).min().unwrap_or(0);
        let hi = points.iter().map(|p| p.0).max().unwrap_or(0);
        let mut first = lo.div_euclid(US_PER_DAY);
        let mut last = hi.div_euclid(US_PER_DAY) + 1;
        let short = MIN_SPAN_DAYS - (last - first);
        if short > 0 {
            first -= short / 2;
            last += short - short / 2;
        }
        let x_ticks = date_ticks(first, last, MAX_X_TICKS)
            .into_iter()
            .map(|d| d * US_PER_DAY)
            .collect();
        let top = points
            .iter()
            .map(|p| p.1)
            .chain(marks.iter().map(|m| m.1))
            .fold(0.0, f64::max);
        Scatter {
            points,
            marks,
            x_range: (first * US_PER_DAY, last * US_PER_DAY),
            x_ticks,
            y_max: axis_max(top, 1.1),
        }
    }
}

impl Figure for Scatter {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if self.points.is_empty() {
            return no_data(body);
        }
        let (x0, x1) = self.x_range;
        let mut chart = ChartBuilder::on(body)
            .margin(MARGIN)
            .margin_right(MARK_LABEL_BAND)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                (x0..x1).with_key_points(self.x_ticks.clone()),
                0.0..self.y_max,
            )?;
        chart
            .configure_mesh()
            .x_desc("Finish date (UTC)")
            .y_desc("Cycle time (days)")
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(LABEL_SIZE))
            .x_label_formatter(&|v: &i64| fmt_ts(*v))
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .y_labels(8)
            .set_all_tick_mark_size(TICK)
            .bold_line_style(GRID.mix(0.15))
            .light_line_style(GRID.mix(0.05))
            .draw()?;

        let dot = POINT.mix(0.6).filled();
        chart.draw_series(
            self.points
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 3, dot)),
        )?;

        let mut labels = Vec::with_capacity(self.marks.len());
        for &(pct, v) in &self.marks {
            let line = vec![(x0, v), (x1, v)];
            chart.draw_series(DashedLineSeries::new(line, 8, 5, MARK.stroke_width(2)))?;
            let at = chart.backend_coord(&(x1, v));
            labels.push((at, format!("{pct}% ≤ {} d", fmt_1(v))));
        }
        // Top label first; push a label down when it would overlap the one above.
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
}

fn scatter_alt(points: &[(Ts, f64)], marks: &[(u8, f64)]) -> String {
    let (Some(first), Some(last)) = (
        points.iter().map(|p| p.0).min(),
        points.iter().map(|p| p.0).max(),
    ) else {
        return "Scatterplot of cycle time against finish date: there are no finished items \
                with a cycle time."
            .to_string();
    };
    let n = points.len();
    let mut alt = format!(
        "Scatterplot of cycle time in days against finish date for {n} finished item{} \
         from {} to {}",
        if n == 1 { "" } else { "s" },
        fmt_ts(first),
        fmt_ts(last)
    );
    let parts: Vec<String> = marks
        .iter()
        .map(|(p, v)| format!("{p}% within {} days", fmt_1(*v)))
        .collect();
    if !parts.is_empty() {
        alt.push_str("; ");
        alt.push_str(&parts.join(", "));
    }
    alt.push('.');
    alt
}

// ---------------------------------------------------------------------------------------
// Time in status

/// Time in status: one horizontal bar per status, top to bottom in the caller's order,
/// length = total item-days, coloured by category, with a legend of the categories present.
///
/// Bars with a non-finite or negative value are left out. Names longer than 28 characters
/// are shortened with "…". The canvas is 900 px wide and grows from 500 px in height
/// (26 px per bar, up to 4000 px; past that, only every k-th name is written). The value
/// is written at the end of each bar when there is room. The x axis runs to 1.15 × the
/// longest bar, which leaves room for that value.
pub fn time_in_status(bars: &[StatusBar]) -> Result<Chart, ChartError> {
    let bars: Vec<Bar> = bars
        .iter()
        .filter(|b| b.item_days.is_finite() && b.item_days >= 0.0)
        .map(|b| Bar {
            status: b.status.clone(),
            label: truncate_label(&b.status),
            category: b.category,
            days: b.item_days,
        })
        .collect();
    let n = u32::try_from(bars.len()).unwrap_or(u32::MAX);
    let height = n
        .saturating_mul(BAR_SLOT_PX)
        .saturating_add(BARS_OVERHEAD)
        .clamp(DEFAULT_SIZE.1, MAX_HEIGHT);
    let top = bars.iter().map(|b| b.days).fold(0.0, f64::max);
    let meta = Meta {
        name: "time_in_status",
        title: "Time in status",
        alt: bars_alt(&bars),
        size: (DEFAULT_SIZE.0, height),
    };
    let x_max = axis_max(top, 1.15);
    render_both(meta, &Bars { bars, x_max })
}

struct Bar {
    status: String,
    label: String,
    category: Category,
    days: f64,
}

struct Bars {
    bars: Vec<Bar>,
    x_max: f64,
}

impl Figure for Bars {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if self.bars.is_empty() {
            return no_data(body);
        }
        let (legend, area) = body.split_vertically(LEGEND_BAND);
        let present: Vec<(&str, RGBColor)> = Category::ALL
            .iter()
            .copied()
            .filter(|c| self.bars.iter().any(|b| b.category == *c))
            .map(|c| (c.name(), category_colour(c)))
            .collect();
        draw_legend(&legend, &present)?;

        // The name column is as wide as the widest (shortened) name.
        let label_style = text(LABEL_SIZE);
        let mut widest = 0u32;
        for bar in &self.bars {
            widest = widest.max(area.estimate_text_size(&bar.label, &label_style)?.0);
        }
        let (w, h) = area.dim_in_pixel();
        let y_area = (widest + 45).clamp(60, (w * 45 / 100).max(60));

        let n = self.bars.len() as i64;
        let plot_h = h.saturating_sub(2 * MARGIN + X_LABEL_AREA).max(1);
        let slot_px = f64::from(plot_h) / n as f64;
        let stride = ((f64::from(MIN_LABEL_PX) / slot_px).ceil() as usize).max(1);
        let centre = move |i: usize| (n - 1 - i as i64) * BAR_UNITS;
        let ticks: Vec<i64> = (0..self.bars.len()).step_by(stride).map(centre).collect();
        let half = (MAX_BAR_PX / 2.0 * BAR_UNITS as f64 / slot_px).clamp(1.0, 32.0) as i64;
        let status_of = |v: &i64| -> String {
            let i = n - 1 - v.div_euclid(BAR_UNITS);
            usize::try_from(i)
                .ok()
                .and_then(|i| self.bars.get(i))
                .map(|b| b.label.clone())
                .unwrap_or_default()
        };

        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(2 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(y_area)
            .build_cartesian_2d(
                0.0..self.x_max,
                (-BAR_UNITS / 2..n * BAR_UNITS - BAR_UNITS / 2).with_key_points(ticks),
            )?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("Item-days")
            .y_desc("Status")
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(LABEL_SIZE))
            .x_label_formatter(&|v: &f64| fmt_num(*v))
            .y_label_formatter(&status_of)
            .x_labels(8)
            .set_all_tick_mark_size(TICK)
            .bold_line_style(GRID.mix(0.15))
            .light_line_style(GRID.mix(0.05))
            .draw()?;

        chart.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
            let y = centre(i);
            let corners = [(0.0, y - half), (b.days, y + half)];
            Rectangle::new(corners, category_colour(b.category).filled())
        }))?;

        if slot_px >= f64::from(MIN_LABEL_PX) {
            let style = text(SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
            for (i, b) in self.bars.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(b.days, centre(i)));
                root.draw_text(&fmt_1(b.days), &style, (px + 5, py))?;
            }
        }
        Ok(())
    }
}

fn bars_alt(bars: &[Bar]) -> String {
    let Some(first) = bars.first() else {
        return "Bar chart of time in status: there is no time in any status to show.".to_string();
    };
    let n = bars.len();
    let total: f64 = bars.iter().map(|b| b.days).sum();
    let top = bars
        .iter()
        .fold(first, |best, b| if b.days > best.days { b } else { best });
    let mut alt = format!(
        "Horizontal bar chart of total item-days in each of {n} status{}",
        if n == 1 { "" } else { "es" }
    );
    if total > 0.0 && total.is_finite() {
        alt.push_str(&format!(
            "; the most time was spent in \"{}\" ({} item-days, {:.0}% of {} in all)",
            top.status,
            fmt_1(top.days),
            100.0 * top.days / total,
            fmt_1(total)
        ));
    }
    alt.push('.');
    alt
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_MAGIC: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    /// 2024-03-01T00:00:00Z.
    const MAR_1_2024: Ts = 1_709_251_200_000_000;

    fn sample_points() -> Vec<ScatterPoint> {
        (0..20)
            .map(|i| ScatterPoint {
                finished: MAR_1_2024 + i * US_PER_DAY + (i % 5) * 3_600_000_000,
                cycle_days: 0.5 + (i * 7 % 11) as f64,
            })
            .collect()
    }

    fn sample_bars() -> Vec<StatusBar> {
        let bar = |status: &str, category, item_days| StatusBar {
            status: status.to_string(),
            category,
            item_days,
        };
        vec![
            bar("To Do", Category::Backlog, 120.0),
            bar("In Progress", Category::Active, 310.5),
            bar(
                "Waiting for review by the architecture board",
                Category::Waiting,
                42.0,
            ),
            bar("Blocked", Category::Blocked, 12.25),
            bar("Done", Category::Done, 0.0),
        ]
    }

    fn decode(png: &[u8]) -> image::DynamicImage {
        image::load_from_memory_with_format(png, image::ImageFormat::Png).expect("PNG decodes")
    }

    #[test]
    fn scatter_svg_has_title_axis_titles_dates_and_percentiles() {
        let c = cycle_time_scatter(&sample_points(), 3.2, 7.5, 9.9).unwrap();
        assert_eq!(c.name, "cycle_time_scatter");
        assert!(c.svg.starts_with("<svg"), "{}", &c.svg[..40]);
        for needle in [
            "<title>Cycle time</title>",
            "Cycle time (days)",
            "Finish date",
            "50% ≤ 3.2 d",
            "85% ≤ 7.5 d",
            "95% ≤ 9.9 d",
            // 20 days from 2024-03-01: ticks on Mondays.
            "2024-03-04",
            "2024-03-11",
        ] {
            assert!(c.svg.contains(needle), "SVG lacks {needle:?}");
        }
        assert!(
            c.alt
                .contains("20 finished items from 2024-03-01 to 2024-03-20"),
            "{}",
            c.alt
        );
    }

    #[test]
    fn scatter_png_has_magic_and_default_size() {
        let c = cycle_time_scatter(&sample_points(), 3.2, 7.5, 9.9).unwrap();
        assert_eq!(c.png[..8], PNG_MAGIC);
        let img = decode(&c.png);
        assert_eq!((img.width(), img.height()), DEFAULT_SIZE);
        assert_eq!(img.to_rgb8().get_pixel(0, 0).0, [255, 255, 255]);
    }

    #[test]
    fn time_in_status_svg_and_png() {
        let c = time_in_status(&sample_bars()).unwrap();
        assert!(c.svg.starts_with("<svg"));
        for needle in [
            "Time in status",
            "Item-days",
            "Status",
            "In Progress",
            "waiting",
        ] {
            assert!(c.svg.contains(needle), "SVG lacks {needle:?}");
        }
        // Shortened to 27 characters + "…"; the full name is not drawn.
        assert!(c.svg.contains("Waiting for review by the a…"));
        assert!(!c.svg.contains("architecture board"));
        assert!(c.alt.contains("\"In Progress\""), "{}", c.alt);
        assert_eq!(c.png[..8], PNG_MAGIC);
        let img = decode(&c.png);
        assert_eq!((img.width(), img.height()), DEFAULT_SIZE);
    }

    #[test]
    fn many_statuses_make_the_canvas_taller() {
        let bars: Vec<StatusBar> = (0..40)
            .map(|i| StatusBar {
                status: format!("Status {i}"),
                category: Category::ALL[i % 6],
                item_days: i as f64,
            })
            .collect();
        let c = time_in_status(&bars).unwrap();
        let img = decode(&c.png);
        assert_eq!(
            (img.width(), img.height()),
            (900, BARS_OVERHEAD + 40 * BAR_SLOT_PX)
        );
        assert!(c.svg.contains("Status 39"));
    }

    #[test]
    fn same_input_gives_identical_bytes() {
        let a = cycle_time_scatter(&sample_points(), 3.2, 7.5, 9.9).unwrap();
        let b = cycle_time_scatter(&sample_points(), 3.2, 7.5, 9.9).unwrap();
        assert_eq!(a, b);
        let a = time_in_status(&sample_bars()).unwrap();
        let b = time_in_status(&sample_bars()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn empty_input_draws_no_data() {
        for c in [
            cycle_time_scatter(&[], f64::NAN, f64::NAN, f64::NAN).unwrap(),
            time_in_status(&[]).unwrap(),
        ] {
            assert!(c.svg.starts_with("<svg"));
            assert!(c.svg.contains("No data"), "{}", c.name);
            assert!(c.svg.contains(&c.title));
            assert_eq!(decode(&c.png).height(), DEFAULT_SIZE.1);
        }
    }

    #[test]
    fn non_finite_and_negative_values_are_dropped() {
        let mut noisy = sample_points();
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0] {
            noisy.push(ScatterPoint {
                finished: MAR_1_2024,
                cycle_days: bad,
            });
        }
        noisy.push(ScatterPoint {
            finished: i64::MAX,
            cycle_days: 1.0,
        });
        let clean = cycle_time_scatter(&sample_points(), 3.2, 7.5, 9.9).unwrap();
        assert_eq!(cycle_time_scatter(&noisy, 3.2, 7.5, 9.9).unwrap(), clean);

        let mut bars = sample_bars();
        bars.push(StatusBar {
            status: "Bad".into(),
            category: Category::Active,
            item_days: f64::NAN,
        });
        assert_eq!(
            time_in_status(&bars).unwrap(),
            time_in_status(&sample_bars()).unwrap()
        );
    }

    #[test]
    fn a_single_point_gets_a_week_wide_axis() {
        let one = [ScatterPoint {
            finished: MAR_1_2024,
            cycle_days: 0.0,
        }];
        let c = cycle_time_scatter(&one, 0.0, 0.0, 0.0).unwrap();
        assert!(c.svg.contains("50% ≤ 0.0 d"));
        assert!(c.alt.contains("1 finished item from"), "{}", c.alt);
    }

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
}
