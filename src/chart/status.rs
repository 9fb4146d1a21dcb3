//! Time in status: one horizontal bar per status.

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Rectangle;
use plotters::prelude::DrawResult;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};

use super::{
    axis_max, category_colour, draw_legend, fmt_1, fmt_num, hbar_canvas_height, headroom,
    house_mesh, no_data, render_both, text, truncate_label, Chart, ChartError, ChartId, Figure,
    HBarLayout, Meta, DEFAULT_SIZE, LEGEND_BAND, MARGIN, SMALL_SIZE, X_LABEL_AREA,
};
use crate::model::Category;

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
    let height = hbar_canvas_height(bars.len(), LEGEND_BAND);
    let top = bars.iter().map(|b| b.days).fold(0.0, f64::max);
    let meta = Meta {
        name: ChartId::TimeInStatus,
        title: "Time in status".to_string(),
        alt: bars_alt(&bars),
        size: (DEFAULT_SIZE.0, height),
    };
    let x_max = axis_max(top, headroom::WIDE_LABELS);
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

        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let layout = HBarLayout::new(&area, &labels)?;
        let status_of = |v: &i64| layout.label_at(&labels, *v);

        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(2 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(layout.y_area)
            .build_cartesian_2d(
                0.0..self.x_max,
                layout.range().with_key_points(layout.ticks.clone()),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .disable_y_mesh()
            .x_desc("Item-days")
            .y_desc("Status")
            .x_label_formatter(&|v: &f64| fmt_num(*v))
            .y_label_formatter(&status_of)
            .x_labels(8)
            .draw()?;

        chart.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
            let y = layout.centre(i);
            let corners = [(0.0, y - layout.half), (b.days, y + layout.half)];
            Rectangle::new(corners, category_colour(b.category).filled())
        }))?;

        if layout.values_fit() {
            let style = text(SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
            for (i, b) in self.bars.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(b.days, layout.centre(i)));
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
    use super::super::test_util::{check, check_empty, decode};
    use super::super::{BARS_OVERHEAD, BAR_SLOT_PX, MAX_LABEL_CHARS};
    use super::*;

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

    #[test]
    fn time_in_status_svg_and_png() {
        let c = time_in_status(&sample_bars()).unwrap();
        let needles = [
            "Time in status",
            "Item-days",
            "Status",
            "In Progress",
            "waiting",
        ];
        check(&c, "time_in_status", "", &needles, DEFAULT_SIZE);
        // Shortened to 27 characters + "…"; the full name is not drawn.
        assert_eq!(MAX_LABEL_CHARS, 28);
        assert!(c.svg.contains("Waiting for review by the a…"));
        assert!(!c.svg.contains("architecture board"));
        assert!(c.alt.contains("\"In Progress\""), "{}", c.alt);
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
    fn time_in_status_is_deterministic_and_empty_says_no_data() {
        let a = time_in_status(&sample_bars()).unwrap();
        let b = time_in_status(&sample_bars()).unwrap();
        assert_eq!(a, b);
        check_empty(&time_in_status(&[]).unwrap(), "time_in_status");
    }

    #[test]
    fn non_finite_values_are_dropped() {
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
}
