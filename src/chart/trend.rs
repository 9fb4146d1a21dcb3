//! The trend of a multi-period audit: small multiples, one panel per headline figure, the
//! value of each period as a point joined by a line, its bootstrap interval as a whisker, and
//! a thin vertical marker before each period where a team's workflow changed (METRICS.md §14).

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement};
use plotters::prelude::DrawResult;
use plotters::series::LineSeries;
use plotters::style::{Color, ShapeStyle};

use super::{
    fmt_num, house_mesh, no_data, render_both, text, truncate_to, Chart, ChartError, ChartId,
    Figure, Meta, MARGIN, MARK, POINT, SMALL_SIZE,
};

/// One figure over the periods: (period label, value, interval).
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPanel {
    /// The figure's name.
    pub title: String,
    /// Per period: label, value, (low, high).
    pub points: Vec<(String, Option<f64>, Option<(f64, f64)>)>,
}

struct Trend {
    panels: Vec<TrendPanel>,
    markers: Vec<usize>,
}

/// Panels in a grid of two columns; `markers` are indexes of periods where a workflow
/// changed. The canvas is 900 px wide and 260 px per row of panels.
pub fn trend(panels: &[TrendPanel], markers: &[usize]) -> Result<Chart, ChartError> {
    let rows = panels.len().div_ceil(2).max(1) as u32;
    let periods = panels.first().map_or(0, |p| p.points.len());
    let changed: Vec<String> = markers
        .iter()
        .filter_map(|&k| panels.first()?.points.get(k).map(|p| p.0.clone()))
        .collect();
    let meta = Meta {
        name: ChartId::Trend,
        title: "Headline figures by period".to_string(),
        alt: format!(
            "Small multiples of {} headline figures over {periods} periods, each value with its bootstrap interval{}.",
            panels.len(),
            if changed.is_empty() {
                String::new()
            } else {
                format!("; a team's workflow changed in {}", changed.join(", "))
            }
        ),
        size: (900, 60 + 260 * rows),
    };
    render_both(
        meta,
        &Trend {
            panels: panels.to_vec(),
            markers: markers.to_vec(),
        },
    )
}

impl Figure for Trend {
    fn draw<DB: DrawingBackend>(
        &self,
        _root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if self.panels.is_empty() {
            return no_data(body);
        }
        let rows = self.panels.len().div_ceil(2);
        let cells = body.split_evenly((rows, 2));
        for (panel, area) in self.panels.iter().zip(cells.iter()) {
            self.panel(panel, area)?;
        }
        Ok(())
    }
}

impl Trend {
    fn panel<DB: DrawingBackend>(
        &self,
        p: &TrendPanel,
        area: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        let n = p.points.len();
        let values = p.points.iter().flat_map(|x| {
            let iv = x.2.map(|i| [i.0, i.1]).unwrap_or([f64::NAN; 2]);
            [x.1.unwrap_or(f64::NAN), iv[0], iv[1]]
        });
        let finite: Vec<f64> = values.filter(|v| v.is_finite()).collect();
        let lo = finite
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
            .min(0.0);
        let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let hi = if hi.is_finite() && hi > lo {
            hi * 1.1
        } else {
            lo + 1.0
        };
        let labels: Vec<String> = p.points.iter().map(|x| x.0.clone()).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(MARGIN)
            .caption(truncate_to(&p.title, 40), text(SMALL_SIZE))
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi)?;
        let label_of = |v: &f64| {
            let k = v.round();
            if (v - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < n {
                truncate_to(&labels[k as usize], 12)
            } else {
                String::new()
            }
        };
        house_mesh(&mut chart.configure_mesh())
            .x_labels(n.max(2))
            .x_label_formatter(&label_of)
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .draw()?;
        for &k in &self.markers {
            let x = k as f64 - 0.5;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, lo), (x, hi)],
                ShapeStyle::from(MARK.mix(0.6)).stroke_width(1),
            )))?;
        }
        let pts: Vec<(f64, f64)> = p
            .points
            .iter()
            .enumerate()
            .filter_map(|(k, x)| Some((k as f64, x.1?)))
            .collect();
        chart.draw_series(LineSeries::new(pts.clone(), POINT.stroke_width(2)))?;
        chart.draw_series(
            pts.iter()
                .map(|&(x, y)| Circle::new((x, y), 4, POINT.filled())),
        )?;
        chart.draw_series(p.points.iter().enumerate().filter_map(|(k, x)| {
            let (a, b) = x.2?;
            Some(PathElement::new(
                vec![(k as f64, a), (k as f64, b)],
                ShapeStyle::from(MARK).stroke_width(2),
            ))
        }))?;
        Ok(())
    }
}
