//! The business case (METRICS.md §13): measured and assumed amounts against the role's cost.

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawResult;
use plotters::series::DashedLineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, BLACK, WHITE};

use super::{
    axis_max, count_ticks, draw_legend_wrapped, fmt_num, hbar_canvas_height, headroom, house_mesh,
    legend_height, no_data, render_both, text, text_width, truncate_label, Chart, ChartError,
    ChartId, Figure, HBarLayout, KeyedAxis, LegendKey, Meta, DEFAULT_SIZE, MARGIN, MARK, POINT,
    SMALL_SIZE, X_LABEL_AREA,
};

/// Assumed amounts (Okabe–Ito orange); measured ones are the usual blue.
const ASSUMED: RGBColor = RGBColor(0xE6, 0x9F, 0x00);

/// One bar: label, (low, value, high), measured or assumed.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseBar {
    /// Label.
    pub label: String,
    /// Low, value, high (equal when measured).
    pub range: [f64; 3],
    /// Measured (from the inventory) rather than assumed.
    pub measured: bool,
}

/// Horizontal bars of the business case's money amounts, assumed ones with their low–high
/// range as a whisker, and a dashed line at the role's annual cost.
pub fn business_case(
    bars: &[CaseBar],
    role: Option<f64>,
    currency: &str,
) -> Result<Chart, ChartError> {
    let bars: Vec<CaseBar> = bars
        .iter()
        .filter(|b| b.range.iter().all(|v| v.is_finite() && *v >= 0.0))
        .cloned()
        .collect();
    let role = role.filter(|r| r.is_finite() && *r > 0.0);
    let mut keys = vec![
        LegendKey::swatch("Measured (inventory)", POINT),
        LegendKey::swatch("Assumed (low–high: assumption halved, doubled)", ASSUMED),
    ];
    if role.is_some() {
        keys.push(LegendKey::line("The role's annual cost", MARK));
    }
    let height = if bars.is_empty() {
        DEFAULT_SIZE.1
    } else {
        hbar_canvas_height(bars.len(), legend_height(&keys, DEFAULT_SIZE.0))
    };
    let unit = if currency.is_empty() {
        "a year".to_string()
    } else {
        format!("{currency} a year")
    };
    let alt = match (bars.last(), role) {
        (None, _) => "Bar chart of the business case: no amount could be measured or priced.".to_string(),
        (Some(t), Some(r)) => format!(
            "Bar chart of the business case: {} bars; the last, {}, is {} {unit} against the role's {} {unit}.",
            bars.len(),
            t.label,
            fmt_num(t.range[1].round()),
            fmt_num(r.round())
        ),
        (Some(t), None) => format!(
            "Bar chart of the business case: {} bars; the last, {}, is {} {unit}.",
            bars.len(),
            t.label,
            fmt_num(t.range[1].round())
        ),
    };
    let meta = Meta {
        name: ChartId::BusinessCase,
        title: "Business case: what the role would recover".to_string(),
        alt,
        size: (DEFAULT_SIZE.0, height),
    };
    render_both(
        meta,
        &Case {
            bars,
            role,
            keys,
            x_desc: format!("Amount ({unit})"),
        },
    )
}

struct Case {
    bars: Vec<CaseBar>,
    role: Option<f64>,
    keys: Vec<LegendKey>,
    x_desc: String,
}

impl Figure for Case {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if self.bars.is_empty() {
            return no_data(body);
        }
        let (w, _) = body.dim_in_pixel();
        let (legend, area) = body.split_vertically(legend_height(&self.keys, w));
        draw_legend_wrapped(&legend, &self.keys)?;
        let labels: Vec<String> = self.bars.iter().map(|b| truncate_label(&b.label)).collect();
        let layout = HBarLayout::new(&area, &labels)?;
        let label_of = |v: &i64| layout.label_at(&labels, *v);
        let top = self
            .bars
            .iter()
            .map(|b| b.range[2])
            .chain(self.role)
            .fold(1.0, f64::max);
        let x_max = axis_max(top, headroom::WIDE_LABELS);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(2 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(layout.y_area)
            .build_cartesian_2d(
                KeyedAxis::new(0.0..x_max, count_ticks(x_max, 6)),
                layout.range().with_key_points(layout.ticks.clone()),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .disable_y_mesh()
            .x_desc(self.x_desc.as_str())
            .y_desc("")
            .x_label_formatter(&|v: &f64| fmt_num(*v))
            .y_label_formatter(&label_of)
            .draw()?;
        chart.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
            let y = layout.centre(i);
            let colour = if b.measured { POINT } else { ASSUMED };
            Rectangle::new(
                [(0.0, y - layout.half), (b.range[1], y + layout.half)],
                colour.filled(),
            )
        }))?;
        for (i, b) in self
            .bars
            .iter()
            .enumerate()
            .filter(|(_, b)| b.range[0] != b.range[2])
        {
            let y = layout.centre(i);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(b.range[0], y), (b.range[2], y)],
                BLACK.stroke_width(2),
            )))?;
        }
        if let Some(r) = self.role {
            let range = layout.range();
            let line = vec![(r, range.start), (r, range.end)];
            chart.draw_series(DashedLineSeries::new(line, 8, 5, MARK.stroke_width(2)))?;
        }
        if layout.values_fit() {
            let style = text(SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
            for (i, b) in self.bars.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(b.range[2].max(b.range[1]), layout.centre(i)));
                let value = fmt_num(b.range[1].round());
                let w = text_width(&value, SMALL_SIZE) as i32;
                root.draw(&Rectangle::new(
                    [(px + 3, py - 8), (px + 7 + w, py + 8)],
                    WHITE.filled(),
                ))?;
                root.draw_text(&value, &style, (px + 5, py))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, check_empty};
    use super::*;

    #[test]
    fn bars_with_a_whisker_and_the_role_line_and_an_empty_chart() {
        let bars = vec![
            CaseBar {
                label: "Licence savings".into(),
                range: [7_800.0; 3],
                measured: true,
            },
            CaseBar {
                label: "Coordination time".into(),
                range: [560.0, 1_120.0, 2_240.0],
                measured: false,
            },
        ];
        let c = business_case(&bars, Some(100_000.0), "EUR").unwrap();
        let img = super::super::test_util::decode(&c.png);
        check(
            &c,
            "business_case",
            "",
            &["Licence savings", "Coordination time"],
            (img.width(), img.height()),
        );
        assert!(img.height() >= 200);
        assert!(
            c.alt.contains("against the role's 100000 EUR a year"),
            "{}",
            c.alt
        );
        check_empty(&business_case(&[], None, "").unwrap(), "business_case");
    }
}
