//! Layout helpers shared by the charts: colour scales, legends that wrap, column labels,
//! hand-drawn grids, horizontal bar rows, and axes with ticks of our choosing.

use chrono::NaiveDate;
use plotters::backend::DrawingBackend;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawResult;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontTransform, RGBColor, WHITE};

use super::{
    fmt_date, text, text_width, truncate_to, BARS_OVERHEAD, BAR_SLOT_PX, BAR_UNITS, DEFAULT_SIZE,
    INK, LABEL_SIZE, LEGEND_BAND, MARGIN, MAX_BAR_PX, MAX_HEIGHT, MAX_X_TICKS, MIN_LABEL_PX,
    SMALL_SIZE, TITLE_BAND, X_LABEL_AREA,
};

// ---------------------------------------------------------------------------------------
// Colour scales

/// `c` made lighter (mixed with white by `t` in 0..1) or darker (mixed with black by `-t`).
pub(super) fn shade(c: RGBColor, t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let mix = |v: u8| -> u8 {
        let v = f64::from(v);
        let out = if t >= 0.0 {
            v + (255.0 - v) * t
        } else {
            v * (1.0 + t)
        };
        out.round().clamp(0.0, 255.0) as u8
    };
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// ColorBrewer "Blues": a single-hue sequential scale that reads in grey-scale and under
/// every colour-vision deficiency. `t` = 0 is the lightest, 1 the darkest.
pub(super) fn sequential_blue(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (0xDE, 0xEB, 0xF7),
        (0x9E, 0xCA, 0xE1),
        (0x42, 0x92, 0xC6),
        (0x08, 0x51, 0x9C),
        (0x08, 0x30, 0x6B),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let lerp = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

/// Text colour that reads on `fill`: white on dark fills, ink on light ones.
pub(super) fn ink_on(fill: RGBColor) -> RGBColor {
    let luma = 0.299 * f64::from(fill.0) + 0.587 * f64::from(fill.1) + 0.114 * f64::from(fill.2);
    if luma < 140.0 {
        WHITE
    } else {
        INK
    }
}

// ---------------------------------------------------------------------------------------
// Legends that wrap

/// One legend entry: a filled swatch, or a short dashed line for line series.
#[derive(Clone)]
pub(super) struct LegendKey {
    pub(super) label: String,
    pub(super) colour: RGBColor,
    pub(super) line: bool,
}

impl LegendKey {
    pub(super) fn swatch(label: impl Into<String>, colour: RGBColor) -> Self {
        LegendKey {
            label: label.into(),
            colour,
            line: false,
        }
    }

    pub(super) fn line(label: impl Into<String>, colour: RGBColor) -> Self {
        LegendKey {
            label: label.into(),
            colour,
            line: true,
        }
    }
}

const LEGEND_SWATCH: i32 = 14;
const LEGEND_LINE: i32 = 24;
const LEGEND_GAP: i32 = 6;
const LEGEND_SPACING: i32 = 24;
/// Height of one row of a wrapped legend.
const LEGEND_ROW: u32 = 22;

/// Splits the keys into rows that fit `width` pixels: (first key, end) per row.
pub(super) fn legend_rows(keys: &[LegendKey], width: u32) -> Vec<(usize, usize)> {
    let avail = width.saturating_sub(2 * MARGIN) as i32;
    let mut rows = Vec::new();
    let mut start = 0;
    let mut used = 0i32;
    for (i, k) in keys.iter().enumerate() {
        let mark = if k.line { LEGEND_LINE } else { LEGEND_SWATCH };
        let w = mark + LEGEND_GAP + text_width(&k.label, SMALL_SIZE) as i32;
        let add = if i == start { w } else { LEGEND_SPACING + w };
        if i > start && used + add > avail {
            rows.push((start, i));
            start = i;
            used = w;
        } else {
            used += add;
        }
    }
    if start < keys.len() {
        rows.push((start, keys.len()));
    }
    rows
}

/// Height of the band that holds the wrapped legend: [`LEGEND_BAND`] for one row.
pub(super) fn legend_height(keys: &[LegendKey], width: u32) -> u32 {
    let rows = legend_rows(keys, width).len() as u32;
    if rows <= 1 {
        LEGEND_BAND
    } else {
        rows * LEGEND_ROW + 8
    }
}

/// Draws the keys in centred rows that wrap at the area's width.
pub(super) fn draw_legend_wrapped<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[LegendKey],
) -> DrawResult<(), DB> {
    let (w, h) = area.dim_in_pixel();
    let rows = legend_rows(keys, w);
    let style = text(SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    let top = (h as i32 - rows.len() as i32 * LEGEND_ROW as i32) / 2;
    for (r, &(a, b)) in rows.iter().enumerate() {
        let widths: Vec<i32> = keys[a..b]
            .iter()
            .map(|k| {
                let mark = if k.line { LEGEND_LINE } else { LEGEND_SWATCH };
                mark + LEGEND_GAP + text_width(&k.label, SMALL_SIZE) as i32
            })
            .collect();
        let total = widths.iter().sum::<i32>() + LEGEND_SPACING * (widths.len() as i32 - 1);
        let mut x = ((w as i32 - total) / 2).max(MARGIN as i32);
        let cy = top + r as i32 * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
        for (k, width) in keys[a..b].iter().zip(widths) {
            if k.line {
                for s in 0..3 {
                    let x0 = x + s * 9;
                    let seg = vec![(x0, cy), (x0 + 6, cy)];
                    area.draw(&PathElement::new(seg, k.colour.stroke_width(2)))?;
                }
                area.draw_text(&k.label, &style, (x + LEGEND_LINE + LEGEND_GAP, cy))?;
            } else {
                let half = LEGEND_SWATCH / 2;
                let swatch = [(x, cy - half), (x + LEGEND_SWATCH, cy + half)];
                area.draw(&Rectangle::new(swatch, k.colour.filled()))?;
                area.draw_text(&k.label, &style, (x + LEGEND_SWATCH + LEGEND_GAP, cy))?;
            }
            x += width + LEGEND_SPACING;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Category axes

/// Column names longer than this are shortened with "…".
const COLUMN_LABEL_CHARS: usize = 20;

/// How the names of columns (statuses, teams) are written under or over a grid: level when
/// the widest fits its column, otherwise turned to read upwards; when even turned labels
/// would touch, only every `stride`-th is written.
pub(super) struct ColumnLabels {
    pub(super) texts: Vec<String>,
    pub(super) rotated: bool,
    pub(super) stride: usize,
    /// Pixels the labels need across the axis.
    pub(super) depth: u32,
}

impl ColumnLabels {
    pub(super) fn new(names: &[String], col_px: f64) -> Self {
        let texts: Vec<String> = names
            .iter()
            .map(|n| truncate_to(n, COLUMN_LABEL_CHARS))
            .collect();
        let widest = texts
            .iter()
            .map(|t| text_width(t, SMALL_SIZE))
            .max()
            .unwrap_or(0);
        if f64::from(widest) + 8.0 <= col_px {
            return ColumnLabels {
                texts,
                rotated: false,
                stride: 1,
                depth: 24,
            };
        }
        let stride = if col_px > 0.0 {
            ((f64::from(MIN_LABEL_PX) - 2.0) / col_px).ceil().max(1.0) as usize
        } else {
            1
        };
        ColumnLabels {
            texts,
            rotated: true,
            stride,
            depth: widest + 12,
        }
    }

    /// Draws the labels below `top` (pixels on `root`), column `i` centred at `xs[i]`.
    pub(super) fn draw_below<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        xs: &[i32],
        top: i32,
    ) -> DrawResult<(), DB> {
        let style = if self.rotated {
            text(SMALL_SIZE)
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Right, VPos::Center))
        } else {
            text(SMALL_SIZE).pos(Pos::new(HPos::Center, VPos::Top))
        };
        for (i, (t, &x)) in self.texts.iter().zip(xs).enumerate() {
            if i % self.stride == 0 {
                root.draw_text(t, &style, (x, top + 6))?;
            }
        }
        Ok(())
    }
}

/// Layout of a matrix of cells drawn by hand (handoff heatmap, category × team matrix):
/// row names on the left, column names under the grid (level or turned), axis titles, a
/// legend band on top. All positions are pixels in the figure's body (below the title).
pub(super) struct GridLayout {
    pub(super) rows: Vec<String>,
    pub(super) columns: ColumnLabels,
    /// Left edge of the grid.
    pub(super) left: i32,
    /// Top edge of the grid.
    pub(super) top: i32,
    pub(super) cell_w: i32,
    pub(super) cell_h: i32,
    /// Write every `row_stride`-th row name.
    pub(super) row_stride: usize,
    /// Canvas size.
    pub(super) size: (u32, u32),
}

/// A grid's canvas is at least this high (a few rows do not need the default height).
const MIN_GRID_HEIGHT: i32 = 300;
/// Row names of a grid longer than this are shortened with "…".
const GRID_ROW_CHARS: usize = 24;

impl GridLayout {
    /// Cells are `max_cell_w` wide at most and as wide as fits 900 px, but at least
    /// `min_cell_w` (the canvas widens past that); rows are at least 26 px high and fill
    /// the default height when there are few.
    pub(super) fn new(
        rows: &[String],
        columns: &[String],
        min_cell_w: i32,
        max_cell_w: i32,
    ) -> Self {
        let rows: Vec<String> = rows
            .iter()
            .map(|r| truncate_to(r, GRID_ROW_CHARS))
            .collect();
        let row_w = rows
            .iter()
            .map(|r| text_width(r, SMALL_SIZE) as i32)
            .max()
            .unwrap_or(0);
        let left = MARGIN as i32 + 28 + row_w + 10;
        let n_cols = columns.len().max(1) as i32;
        let avail = DEFAULT_SIZE.0 as i32 - left - 3 * MARGIN as i32;
        let cell_w = (avail / n_cols).clamp(min_cell_w, max_cell_w.max(min_cell_w));
        let columns = ColumnLabels::new(columns, f64::from(cell_w));
        let top = LEGEND_BAND as i32 + MARGIN as i32;
        // Below the grid: column names, the axis title, a margin.
        let below = columns.depth as i32 + 34 + MARGIN as i32;
        let n_rows = rows.len().max(1) as i32;
        let fixed = TITLE_BAND as i32 + top + below;
        let cell_h = ((DEFAULT_SIZE.1 as i32 - fixed) / n_rows)
            .clamp(26, 44)
            .min(((MAX_HEIGHT as i32 - fixed) / n_rows).max(4));
        let row_stride = ((MIN_LABEL_PX as i32 - 2) as f64 / f64::from(cell_h))
            .ceil()
            .max(1.0) as usize;
        let width = (left + n_cols * cell_w + 3 * MARGIN as i32).max(DEFAULT_SIZE.0 as i32);
        let height = (fixed + n_rows * cell_h).max(MIN_GRID_HEIGHT);
        GridLayout {
            rows,
            columns,
            left,
            top,
            cell_w,
            cell_h,
            row_stride,
            size: (width as u32, height as u32),
        }
    }

    /// Top-left and bottom-right pixels of cell (row, column), one pixel inset so that
    /// cells are separated by white lines.
    pub(super) fn cell(&self, r: usize, c: usize) -> [(i32, i32); 2] {
        let x = self.left + c as i32 * self.cell_w;
        let y = self.top + r as i32 * self.cell_h;
        [(x + 1, y + 1), (x + self.cell_w - 1, y + self.cell_h - 1)]
    }

    pub(super) fn centre(&self, r: usize, c: usize) -> (i32, i32) {
        let [(x0, y0), (x1, y1)] = self.cell(r, c);
        ((x0 + x1) / 2, (y0 + y1) / 2)
    }

    /// Row and column names and the two axis titles.
    pub(super) fn draw_frame<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
        x_desc: &str,
        y_desc: &str,
    ) -> DrawResult<(), DB> {
        let n_cols = self.columns.texts.len() as i32;
        let style = text(SMALL_SIZE).pos(Pos::new(HPos::Right, VPos::Center));
        for (r, name) in self.rows.iter().enumerate() {
            if r % self.row_stride == 0 {
                let y = self.top + r as i32 * self.cell_h + self.cell_h / 2;
                body.draw_text(name, &style, (self.left - 8, y))?;
            }
        }
        let xs: Vec<i32> = (0..n_cols)
            .map(|c| self.left + c * self.cell_w + self.cell_w / 2)
            .collect();
        let bottom = self.top + self.rows.len() as i32 * self.cell_h;
        self.columns.draw_below(body, &xs, bottom)?;
        let grid_mid_x = self.left + n_cols * self.cell_w / 2;
        let desc = text(LABEL_SIZE).pos(Pos::new(HPos::Center, VPos::Top));
        body.draw_text(
            x_desc,
            &desc,
            (grid_mid_x, bottom + self.columns.depth as i32 + 10),
        )?;
        let turned = text(LABEL_SIZE)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let grid_mid_y = (self.top + bottom) / 2;
        body.draw_text(y_desc, &turned, (MARGIN as i32, grid_mid_y))
    }
}

/// Layout of a chart with one named horizontal bar per row, top to bottom in the caller's
/// order (time in status, tools per team, licence utilisation). The bar axis is integer,
/// [`BAR_UNITS`] per bar, bar `i` centred at [`HBarLayout::centre`].
pub(super) struct HBarLayout {
    pub(super) n: i64,
    /// Pixels per bar.
    pub(super) slot_px: f64,
    /// The centres of the bars whose names are written.
    pub(super) ticks: Vec<i64>,
    /// Half the bar thickness in axis units.
    pub(super) half: i64,
    /// Width of the name column (names plus the axis title).
    pub(super) y_area: u32,
}

impl HBarLayout {
    /// `area` is what the `ChartBuilder` gets (with margin [`MARGIN`] and an x label area of
    /// [`X_LABEL_AREA`]); `labels` the (shortened) names, one per bar, at least one.
    pub(super) fn new<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        labels: &[String],
    ) -> DrawResult<Self, DB> {
        // The name column is as wide as the widest (shortened) name.
        let label_style = text(LABEL_SIZE);
        let mut widest = 0u32;
        for label in labels {
            widest = widest.max(area.estimate_text_size(label, &label_style)?.0);
        }
        let (w, h) = area.dim_in_pixel();
        let y_area = (widest + 45).clamp(60, (w * 45 / 100).max(60));

        let n = labels.len().max(1) as i64;
        let plot_h = h.saturating_sub(2 * MARGIN + X_LABEL_AREA).max(1);
        let slot_px = f64::from(plot_h) / n as f64;
        let stride = ((f64::from(MIN_LABEL_PX) / slot_px).ceil() as usize).max(1);
        let centre = move |i: usize| (n - 1 - i as i64) * BAR_UNITS;
        let ticks: Vec<i64> = (0..labels.len()).step_by(stride).map(centre).collect();
        let half = (MAX_BAR_PX / 2.0 * BAR_UNITS as f64 / slot_px).clamp(1.0, 32.0) as i64;
        Ok(HBarLayout {
            n,
            slot_px,
            ticks,
            half,
            y_area,
        })
    }

    pub(super) fn centre(&self, i: usize) -> i64 {
        (self.n - 1 - i as i64) * BAR_UNITS
    }

    /// The bar axis: half a bar beyond the first and the last centre.
    pub(super) fn range(&self) -> std::ops::Range<i64> {
        -BAR_UNITS / 2..self.n * BAR_UNITS - BAR_UNITS / 2
    }

    /// The name of the bar at axis value `v`.
    pub(super) fn label_at(&self, labels: &[String], v: i64) -> String {
        let i = self.n - 1 - v.div_euclid(BAR_UNITS);
        usize::try_from(i)
            .ok()
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default()
    }

    /// Whether there is room to write each bar's value at its end.
    pub(super) fn values_fit(&self) -> bool {
        self.slot_px >= f64::from(MIN_LABEL_PX)
    }
}

/// Canvas height for `n` horizontal bars whose legend band is `legend` pixels high:
/// [`BAR_SLOT_PX`] per bar, at least the default height, at most [`MAX_HEIGHT`].
pub(super) fn hbar_canvas_height(n: usize, legend: u32) -> u32 {
    u32::try_from(n)
        .unwrap_or(u32::MAX)
        .saturating_mul(BAR_SLOT_PX)
        .saturating_add(BARS_OVERHEAD - LEGEND_BAND + legend)
        .clamp(DEFAULT_SIZE.1, MAX_HEIGHT)
}

/// A numeric axis from `lo` to `hi` with tick marks exactly at `ticks`. plotters'
/// `f64` ranges lose their label formatter when bound to key points, so this small
/// [`Ranged`] does both: it maps like plotters' own `f64` axis and returns our ticks.
#[derive(Clone)]
pub(super) struct KeyedAxis {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) ticks: Vec<f64>,
}

impl KeyedAxis {
    pub(super) fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Self {
        KeyedAxis {
            lo: range.start,
            hi: range.end,
            ticks,
        }
    }
}

impl Ranged for KeyedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if span == 0.0 || !span.is_finite() {
            return (limit.1 - limit.0) / 2;
        }
        let share = (v - self.lo) / span;
        let length = f64::from(limit.1 - limit.0);
        if !share.is_finite() {
            return if share > 0.0 { limit.1 } else { limit.0 };
        }
        let px = if length >= 0.0 {
            (length * share + 1e-3).floor()
        } else {
            (length * share - 1e-3).ceil()
        };
        limit.0 + px.clamp(-1e6, 1e6) as i32
    }

    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// A week axis: x = weeks since the first week's date (fractional for dates that are not
/// seven days apart), ticks on whole weeks, every 1, 2, 4, 8, 13, 26 or 52·k weeks so that
/// at most [`MAX_X_TICKS`] date labels are written.
pub(super) struct WeekAxis {
    pub(super) first: NaiveDate,
    pub(super) last_x: f64,
    pub(super) ticks: Vec<f64>,
}

impl WeekAxis {
    pub(super) fn new(dates: &[NaiveDate]) -> Self {
        let first = dates.iter().min().copied().unwrap_or_default();
        let last = dates.iter().max().copied().unwrap_or_default();
        let span = (last - first).num_days() as f64 / 7.0;
        let weeks = span.ceil().max(0.0) as u64;
        let mut stride = 1u64;
        for s in [1u64, 2, 4, 8, 13, 26]
            .into_iter()
            .chain((1..).map(|k: u64| 52 * k))
        {
            stride = s;
            if weeks / s < MAX_X_TICKS as u64 || s > weeks {
                break;
            }
        }
        let ticks = (0..=weeks / stride).map(|k| (k * stride) as f64).collect();
        WeekAxis {
            first,
            last_x: span,
            ticks,
        }
    }

    pub(super) fn x(&self, d: NaiveDate) -> f64 {
        (d - self.first).num_days() as f64 / 7.0
    }

    pub(super) fn range(&self) -> std::ops::Range<f64> {
        -0.6..self.last_x + 0.6
    }

    pub(super) fn label(&self, x: f64) -> String {
        let days = (x * 7.0).round();
        if !days.is_finite() {
            return String::new();
        }
        chrono::TimeDelta::try_days(days as i64)
            .and_then(|d| self.first.checked_add_signed(d))
            .map(fmt_date)
            .unwrap_or_default()
    }
}
