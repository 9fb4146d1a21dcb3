//! Cycle-time scatterplot.

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Circle;
use plotters::prelude::DrawResult;
use plotters::series::DashedLineSeries;
use plotters::style::Color;

use super::{
    axis_max, date_ticks, draw_mark_labels, fmt_num, fmt_ts, headroom, house_mesh, mark_label,
    marks_alt, no_data, render_both, ts_date, valid_marks, Chart, ChartError, ChartId, Figure,
    Meta, DEFAULT_SIZE, MARGIN, MARK, MARK_LABEL_BAND, MAX_X_TICKS, MIN_SPAN_DAYS, POINT,
    US_PER_DAY, X_LABEL_AREA, Y_LABEL_AREA,
};
use crate::model::Ts;

/// One finished item in the cycle-time scatterplot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScatterPoint {
    /// When the item finished (UTC microseconds).
    pub finished: Ts,
    /// Its cycle time in days.
    pub cycle_days: f64,
}

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
    let marks = valid_marks(p50, p85, p95);
    let meta = Meta {
        name: ChartId::CycleTimeScatter,
        title: "Cycle time".to_string(),
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
            y_max: axis_max(top, headroom::PLAIN),
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
        house_mesh(&mut chart.configure_mesh())
            .x_desc("Finish date (UTC)")
            .y_desc("Cycle time (days)")
            .x_label_formatter(&|v: &i64| fmt_ts(*v))
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .y_labels(8)
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
            labels.push((at, mark_label(pct, v)));
        }
        draw_mark_labels(root, labels)?;
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
    if !marks.is_empty() {
        alt.push_str("; ");
        alt.push_str(&marks_alt(marks));
    }
    alt.push('.');
    alt
}
#[cfg(test)]
mod tests {
    use super::super::test_util::check;
    use super::*;

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

    #[test]
    fn scatter_svg_has_title_axis_titles_dates_and_percentiles() {
        let c = cycle_time_scatter(&sample_points(), 3.2, 7.5, 9.9).unwrap();
        let needles = [
            "<title>Cycle time</title>",
            "Cycle time (days)",
            "Finish date",
            "50% ≤ 3.2 d",
            "85% ≤ 7.5 d",
            "95% ≤ 9.9 d",
            // 20 days from 2024-03-01: ticks on Mondays.
            "2024-03-04",
            "2024-03-11",
        ];
        check(&c, "cycle_time_scatter", "", &needles, DEFAULT_SIZE);
        assert!(
            c.alt
                .contains("20 finished items from 2024-03-01 to 2024-03-20"),
            "{}",
            c.alt
        );
    }

    #[test]
    fn scatter_is_deterministic_and_empty_says_no_data() {
        let a = cycle_time_scatter(&sample_points(), 3.2, 7.5, 9.9).unwrap();
        let b = cycle_time_scatter(&sample_points(), 3.2, 7.5, 9.9).unwrap();
        assert_eq!(a, b);
        let c = cycle_time_scatter(&[], f64::NAN, f64::NAN, f64::NAN).unwrap();
        super::super::test_util::check_empty(&c, "cycle_time_scatter");
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
}
