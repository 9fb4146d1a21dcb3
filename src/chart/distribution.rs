//! Distributions of item ages: the cycle-time histogram and the aging work-in-progress chart.

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Rectangle};
use plotters::prelude::DrawResult;
use plotters::series::DashedLineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};

use super::{
    axis_max, count_ticks, draw_legend_wrapped, draw_mark_labels, fmt_1, fmt_num, headroom,
    house_mesh, mark_label, marks_alt, nice_step, no_data, plural, render_both, text_in,
    valid_marks, Chart, ChartError, ChartId, ColumnLabels, Figure, KeyedAxis, LegendKey, Meta,
    DEFAULT_SIZE, GRID, LABEL_SIZE, LEGEND_BAND, MARGIN, MARK, MARK_LABEL_BAND, MIN_LABEL_PX,
    POINT, X_LABEL_AREA, Y_LABEL_AREA,
};

/// At-risk items (Okabe–Ito vermillion).
const AT_RISK: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// The histogram has at most this many bins.
const MAX_BINS: f64 = 40.0;
/// Bin widths in days, smallest first; past the last, the width doubles.
const BIN_WIDTHS: [f64; 10] = [1.0, 2.0, 5.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0];
/// Share of a column the aging points spread over.
const JITTER: f64 = 0.6;

// ---------------------------------------------------------------------------------------
// Cycle-time histogram

/// The cycle-time histogram's bins: what [`cycle_time_histogram`] draws.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleBins {
    /// Values counted (finite, not negative).
    n: usize,
    /// Count per bin of `width` days, the first from 0.
    bins: Vec<u64>,
    width: f64,
}

impl CycleBins {
    /// The bins of the values `values` yields (called twice: the widest value sets the bin
    /// width); values that are not finite or are negative are left out. Counted in place,
    /// so a report holds the bins until the chart is drawn, not a value per finished item.
    pub fn of<I: Iterator<Item = f64>>(values: impl Fn() -> I) -> CycleBins {
        let values = || values().filter(|v| v.is_finite() && *v >= 0.0);
        let (n, max) = values().fold((0usize, 0.0f64), |(n, m), v| (n + 1, m.max(v)));
        let width = bin_width(max);
        let n_bins = (max / width).floor() as usize + 1;
        let mut bins = vec![0u64; if n == 0 { 0 } else { n_bins }];
        for v in values() {
            let k = ((v / width).floor() as usize).min(n_bins - 1);
            bins[k] += 1;
        }
        CycleBins { n, bins, width }
    }
}

/// Cycle-time histogram: items per bin of whole days (1, 2, 5, 7, 14, 30 … days wide,
/// the narrowest that gives at most 40 bins; bin k holds [k·w, (k+1)·w) days), with dashed
/// vertical lines at the 50th, 85th and 95th percentiles labelled "85% ≤ 7.5 d" at the top.
///
/// Non-finite or negative values and percentiles are left out; with no values the chart
/// says "No data".
///
/// Drawn from `bins` ([`CycleBins::of`]).
pub fn cycle_time_histogram(
    bins: &CycleBins,
    p50: f64,
    p85: f64,
    p95: f64,
) -> Result<Chart, ChartError> {
    let marks = valid_marks(p50, p85, p95);
    let meta = Meta {
        name: ChartId::CycleTimeHistogram,
        title: "Cycle time distribution".to_string(),
        alt: histogram_alt(bins.n, &bins.bins, bins.width, &marks),
        size: DEFAULT_SIZE,
    };
    let fig = CycleHistogram {
        bins: bins.bins.clone(),
        width: bins.width,
        marks,
    };
    render_both(meta, &fig)
}

/// The narrowest bin width (days) that puts `max` into at most [`MAX_BINS`] bins.
fn bin_width(max: f64) -> f64 {
    let fits = |w: f64| (max / w).floor() + 1.0 <= MAX_BINS;
    if let Some(&w) = BIN_WIDTHS.iter().find(|&&w| fits(w)) {
        return w;
    }
    let mut w = BIN_WIDTHS[BIN_WIDTHS.len() - 1];
    while !fits(w) && w.is_finite() {
        w *= 2.0;
    }
    if w.is_finite() {
        w
    } else {
        f64::MAX
    }
}

fn histogram_alt(n: usize, bins: &[u64], width: f64, marks: &[(u8, f64)]) -> String {
    if n == 0 {
        return "Histogram of cycle time: there are no finished items with a cycle time."
            .to_string();
    }
    let (k, most) = bins.iter().enumerate().fold(
        (0, 0),
        |best, (k, &c)| if c > best.1 { (k, c) } else { best },
    );
    let mut alt = format!(
        "Histogram of cycle time for {} in bins of {}; the most common is {} to {} days \
         ({})",
        plural(n, "finished item", "finished items"),
        plural(width as usize, "day", "days"),
        fmt_num(k as f64 * width),
        fmt_num((k + 1) as f64 * width),
        plural(most as usize, "item", "items"),
    );
    if !marks.is_empty() {
        alt.push_str("; ");
        alt.push_str(&marks_alt(marks));
    }
    alt.push('.');
    alt
}

struct CycleHistogram {
    /// Items per bin.
    bins: Vec<u64>,
    /// Bin width in days.
    width: f64,
    marks: Vec<(u8, f64)>,
}

impl Figure for CycleHistogram {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if self.bins.is_empty() {
            return no_data(body);
        }
        let w = self.width;
        let top_mark = self.marks.iter().map(|m| m.1).fold(0.0, f64::max);
        let x_max = (self.bins.len() as f64 * w).max(top_mark * 1.05);
        let step = w * nice_step(x_max / w, 10);
        let x_ticks: Vec<f64> = (0..=(x_max / step).floor() as usize)
            .map(|k| k as f64 * step)
            .collect();
        let top = self.bins.iter().copied().max().unwrap_or(0) as f64;
        // Room above the bars for the three percentile labels.
        let y_max = axis_max(top, headroom::PERCENTILE_LABELS);
        let mut chart = ChartBuilder::on(body)
            .margin(MARGIN)
            .margin_right(5 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                KeyedAxis::new(0.0..x_max, x_ticks),
                KeyedAxis::new(0.0..y_max, count_ticks(y_max, 8)),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_desc("Cycle time (days)")
            .y_desc("Items")
            .x_label_formatter(&|v: &f64| fmt_num(*v))
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .draw()?;
        let gap = w * 0.04;
        chart.draw_series(self.bins.iter().enumerate().map(|(k, &c)| {
            let x = k as f64 * w;
            Rectangle::new([(x + gap, 0.0), (x + w - gap, c as f64)], POINT.filled())
        }))?;

        let (plot_left, plot_top) = chart.backend_coord(&(0.0, y_max));
        let (plot_right, _) = chart.backend_coord(&(x_max, y_max));
        for (row, &(pct, v)) in self.marks.iter().enumerate() {
            let line = vec![(v, 0.0), (v, y_max)];
            chart.draw_series(DashedLineSeries::new(line, 8, 5, MARK.stroke_width(2)))?;
            let (px, _) = chart.backend_coord(&(v, 0.0));
            let label = mark_label(pct, v);
            let y = plot_top + 4 + row as i32 * MIN_LABEL_PX as i32;
            // Labels near the right edge go to the left of their line.
            let right = px + 150 > plot_right && px - 150 >= plot_left;
            let (x, h) = if right {
                (px - 6, HPos::Right)
            } else {
                (px + 6, HPos::Left)
            };
            let style = text_in(LABEL_SIZE, MARK).pos(Pos::new(h, VPos::Top));
            root.draw_text(&label, &style, (x, y))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Aging work in progress

/// One item in progress on the aging chart.
#[derive(Debug, Clone, PartialEq)]
pub struct AgingPoint {
    /// The status the item is in (one of the chart's columns).
    pub status: String,
    /// Days since the item started.
    pub age_days: f64,
    /// Whether the item is flagged as at risk (drawn in vermillion).
    pub at_risk: bool,
}

/// Aging work in progress: one column per status (in the given workflow order), one dot per
/// item at its age in days, spread across the column deterministically (by the item's
/// position in `points`), at-risk items in vermillion and the others in blue, with dashed
/// horizontal lines at the 50th, 85th and 95th percentile cycle times labelled in the right
/// margin.
///
/// Points whose status is not among `statuses`, or whose age is non-finite or negative,
/// are left out. Status names are shortened to 20 characters and turned to read upwards
/// when they do not fit their column (the canvas grows to keep the plot's height).
pub fn aging_wip(
    statuses: &[String],
    points: &[AgingPoint],
    p50: f64,
    p85: f64,
    p95: f64,
) -> Result<Chart, ChartError> {
    let mut per_column = vec![0usize; statuses.len()];
    let mut dots = Vec::new();
    for p in points {
        if !(p.age_days.is_finite() && p.age_days >= 0.0) {
            continue;
        }
        let Some(col) = statuses.iter().position(|s| *s == p.status) else {
            continue;
        };
        let j = per_column[col];
        per_column[col] += 1;
        let offset = ((j as f64 * 0.618_033_988_749_895).fract() - 0.5) * JITTER;
        dots.push(Dot {
            x: col as f64 + offset,
            age: p.age_days,
            at_risk: p.at_risk,
            column: col,
        });
    }
    let marks = valid_marks(p50, p85, p95);
    let plot_w = DEFAULT_SIZE
        .0
        .saturating_sub(MARGIN + Y_LABEL_AREA + MARK_LABEL_BAND);
    let labels = ColumnLabels::new(statuses, f64::from(plot_w) / statuses.len().max(1) as f64);
    let extra = if dots.is_empty() {
        0
    } else {
        labels.depth.saturating_sub(24)
    };
    let meta = Meta {
        name: ChartId::AgingWip,
        title: "Aging work in progress".to_string(),
        alt: aging_alt(statuses, &dots, &marks),
        size: (DEFAULT_SIZE.0, DEFAULT_SIZE.1 + extra),
    };
    render_both(
        meta,
        &Aging {
            columns: statuses.len(),
            labels,
            dots,
            marks,
        },
    )
}

struct Dot {
    x: f64,
    age: f64,
    at_risk: bool,
    column: usize,
}

fn aging_alt(statuses: &[String], dots: &[Dot], marks: &[(u8, f64)]) -> String {
    let Some(oldest) = dots.iter().reduce(|a, b| if b.age > a.age { b } else { a }) else {
        return "Aging chart of work in progress: there are no items in progress.".to_string();
    };
    let at_risk = dots.iter().filter(|d| d.at_risk).count();
    let mut counts = vec![0usize; statuses.len()];
    for d in dots {
        counts[d.column] += 1;
    }
    let busiest = (0..counts.len()).fold(0, |b, i| if counts[i] > counts[b] { i } else { b });
    let mut alt = format!(
        "Aging chart of {} in progress across {}: {} at risk; the oldest is {} days old in \
         \"{}\"; the most items ({}) are in \"{}\"",
        plural(dots.len(), "item", "items"),
        plural(statuses.len(), "status", "statuses"),
        at_risk,
        fmt_1(oldest.age),
        statuses[oldest.column],
        counts[busiest],
        statuses[busiest],
    );
    if !marks.is_empty() {
        alt.push_str("; for comparison, past cycle times: ");
        alt.push_str(&marks_alt(marks));
    }
    alt.push('.');
    alt
}

struct Aging {
    columns: usize,
    labels: ColumnLabels,
    dots: Vec<Dot>,
    marks: Vec<(u8, f64)>,
}

impl Figure for Aging {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if self.dots.is_empty() {
            return no_data(body);
        }
        let (legend, area) = body.split_vertically(LEGEND_BAND);
        let mut keys = vec![
            LegendKey::swatch("At risk", AT_RISK),
            LegendKey::swatch("Not at risk", POINT),
        ];
        if !self.marks.is_empty() {
            keys.push(LegendKey::line("Cycle-time percentiles", MARK));
        }
        draw_legend_wrapped(&legend, &keys)?;

        let n = self.columns as f64;
        let top = self
            .dots
            .iter()
            .map(|d| d.age)
            .chain(self.marks.iter().map(|m| m.1))
            .fold(0.0, f64::max);
        let y_max = axis_max(top, headroom::PLAIN);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(MARK_LABEL_BAND)
            .x_label_area_size(self.labels.depth + 30)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(KeyedAxis::new(-0.5..n - 0.5, Vec::new()), 0.0..y_max)?;
        house_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_desc("Status")
            .y_desc("Age since start (days)")
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .y_labels(8)
            .draw()?;
        // Column separators.
        for k in 1..self.columns {
            let x = k as f64 - 0.5;
            let line = vec![(x, 0.0), (x, y_max)];
            chart.draw_series(std::iter::once(PathElement::new(line, GRID.mix(0.12))))?;
        }
        let xs: Vec<i32> = (0..self.columns)
            .map(|k| chart.backend_coord(&(k as f64, 0.0)).0)
            .collect();
        let axis_y = chart.backend_coord(&(0.0, 0.0)).1;
        self.labels.draw_below(root, &xs, axis_y)?;

        let mut labels = Vec::with_capacity(self.marks.len());
        for &(pct, v) in &self.marks {
            let line = vec![(-0.5, v), (n - 0.5, v)];
            chart.draw_series(DashedLineSeries::new(line, 8, 5, MARK.stroke_width(2)))?;
            labels.push((chart.backend_coord(&(n - 0.5, v)), mark_label(pct, v)));
        }
        draw_mark_labels(root, labels)?;

        for risk in [false, true] {
            let colour = if risk { AT_RISK } else { POINT };
            chart.draw_series(
                self.dots
                    .iter()
                    .filter(|d| d.at_risk == risk)
                    .map(|d| Circle::new((d.x, d.age), 4, colour.mix(0.85).filled())),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, check_empty, decode};
    use super::*;

    fn bins_of(values: &[f64]) -> CycleBins {
        CycleBins::of(|| values.iter().copied())
    }

    fn values() -> Vec<f64> {
        (0..200)
            .map(|i| (i * 37 % 23) as f64 * 0.9 + (i % 3) as f64)
            .collect()
    }

    #[test]
    fn bins_count_finite_non_negative_values_by_width() {
        let v = [0.5, 1.5, 1.7, f64::NAN, -1.0, f64::INFINITY, 39.9];
        let b = CycleBins::of(|| v.iter().copied());
        assert_eq!((b.n, b.width, b.bins.len()), (4, 1.0, 40));
        assert_eq!((b.bins[0], b.bins[1], b.bins[39]), (1, 2, 1));
        assert_eq!(b.bins.iter().sum::<u64>(), 4);
        let wide = CycleBins::of(|| [3.0, 80.0].into_iter());
        assert_eq!((wide.width, wide.bins.len()), (5.0, 17));
        assert_eq!((wide.bins[0], wide.bins[16]), (1, 1));
        assert_eq!(CycleBins::of(std::iter::empty).bins, Vec::<u64>::new());
    }

    #[test]
    fn bin_widths_keep_at_most_forty_bins() {
        assert_eq!(bin_width(0.0), 1.0);
        assert_eq!(bin_width(39.5), 1.0);
        assert_eq!(bin_width(40.0), 2.0);
        assert_eq!(bin_width(150.0), 5.0);
        assert_eq!(bin_width(250.0), 7.0);
        assert_eq!(bin_width(3000.0), 90.0);
        assert!((1e6 / bin_width(1e6)).floor() + 1.0 <= MAX_BINS);
        assert!(bin_width(f64::MAX).is_finite());
    }

    #[test]
    fn cycle_time_histogram_has_bins_percentiles_and_axes() {
        let v = values();
        let c = cycle_time_histogram(&bins_of(&v), 8.0, 17.5, 21.2).unwrap();
        let needles = [
            "Cycle time distribution",
            "Cycle time (days)",
            "Items",
            "50% ≤ 8.0 d",
            "85% ≤ 17.5 d",
            "95% ≤ 21.2 d",
        ];
        check(&c, "cycle_time_histogram", "", &needles, DEFAULT_SIZE);
        assert!(
            c.alt.contains("200 finished items in bins of 1 day"),
            "{}",
            c.alt
        );
        assert!(c.alt.contains("85% within 17.5 days"), "{}", c.alt);
        assert_eq!(
            c,
            cycle_time_histogram(&bins_of(&v), 8.0, 17.5, 21.2).unwrap()
        );
        let mut noisy = v.clone();
        noisy.extend([f64::NAN, f64::INFINITY, -3.0]);
        assert_eq!(
            c,
            cycle_time_histogram(&bins_of(&noisy), 8.0, 17.5, 21.2).unwrap()
        );
        let empty = cycle_time_histogram(&bins_of(&[]), f64::NAN, f64::NAN, f64::NAN).unwrap();
        check_empty(&empty, "cycle_time_histogram");
        // Long tails get wider bins.
        let wide = cycle_time_histogram(&bins_of(&[1.0, 400.0]), 1.0, 400.0, 400.0).unwrap();
        assert!(wide.alt.contains("bins of 14 days"), "{}", wide.alt);
    }

    fn statuses(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("Stage {i} – code review and QA"))
            .collect()
    }

    fn aging_points(n: usize) -> Vec<AgingPoint> {
        (0..n * 6)
            .map(|i| AgingPoint {
                status: format!("Stage {} – code review and QA", i % n),
                age_days: (i * 17 % 41) as f64 * 0.7,
                at_risk: i * 17 % 41 > 30,
            })
            .collect()
    }

    #[test]
    fn aging_wip_has_columns_points_and_percentiles() {
        let (s, p) = (statuses(4), aging_points(4));
        let c = aging_wip(&s, &p, 5.0, 12.0, 20.0).unwrap();
        let needles = [
            "Aging work in progress",
            "Age since start (days)",
            "Status",
            "At risk",
            "85% ≤ 12.0 d",
            "Stage 0 – code revi…",
        ];
        check(
            &c,
            "aging_wip",
            "",
            &needles,
            (decode(&c.png).width(), decode(&c.png).height()),
        );
        assert!(
            c.alt.contains("24 items in progress across 4 statuses"),
            "{}",
            c.alt
        );
        assert_eq!(c, aging_wip(&s, &p, 5.0, 12.0, 20.0).unwrap());
        let empty = aging_wip(&s, &[], 5.0, 12.0, 20.0).unwrap();
        check_empty(&empty, "aging_wip");
        // Unknown statuses and bad ages are dropped.
        let mut noisy = p.clone();
        noisy.push(AgingPoint {
            status: "Nope".into(),
            age_days: 3.0,
            at_risk: false,
        });
        noisy.push(AgingPoint {
            status: s[0].clone(),
            age_days: f64::NAN,
            at_risk: true,
        });
        assert_eq!(c, aging_wip(&s, &noisy, 5.0, 12.0, 20.0).unwrap());
    }

    #[test]
    fn aging_wip_with_many_statuses_turns_labels() {
        let (s, p) = (statuses(24), aging_points(24));
        let c = aging_wip(&s, &p, 5.0, 12.0, 20.0).unwrap();
        let img = decode(&c.png);
        assert!(img.height() > DEFAULT_SIZE.1);
        check(
            &c,
            "aging_wip",
            "_many",
            &["rotate(270"],
            (img.width(), img.height()),
        );
    }
}
