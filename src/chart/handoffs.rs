//! Handoffs between teams: the team × team heatmap and cycle time by number of handoffs.

use std::collections::BTreeMap;

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawResult;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};

use super::{
    axis_max, draw_legend_wrapped, fmt_1, fmt_num, headroom, house_mesh, ink_on, no_data, plural,
    render_both, sequential_blue, text, text_in, text_width, Chart, ChartError, ChartId,
    ColumnLabels, Figure, GridLayout, KeyedAxis, LegendKey, Meta, DEFAULT_SIZE, LEGEND_BAND,
    MARGIN, MARK, POINT, SMALL_SIZE, X_LABEL_AREA, Y_LABEL_AREA,
};

/// Teams beyond this many (by volume) are folded into "other".
const MAX_TEAMS: usize = 15;
/// Name of the folded teams.
const OTHER: &str = "other";
/// Empty cells.
const EMPTY_CELL: RGBColor = RGBColor(0xF2, 0xF2, 0xF2);

// ---------------------------------------------------------------------------------------
// Handoff heatmap

/// Handoff heatmap: rows = the team an item was handed from, columns = the team it went to,
/// cell colour = number of handoffs on a light-to-dark blue scale (logarithmic, so that
/// small flows stay visible next to large ones), the count written in each non-zero cell.
/// Teams are ordered by volume (handoffs in + out, then name); past 15 teams, the rest are
/// folded into "other". Duplicate pairs are added up; zero counts are ignored.
pub fn handoff_heatmap(pairs: &[(String, String, u64)]) -> Result<Chart, ChartError> {
    let mut flows: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut volume: BTreeMap<&str, u64> = BTreeMap::new();
    for (from, to, n) in pairs.iter().filter(|p| p.2 > 0) {
        let f = flows.entry((from.as_str(), to.as_str())).or_insert(0);
        *f = f.saturating_add(*n);
        for team in [from.as_str(), to.as_str()] {
            let v = volume.entry(team).or_insert(0);
            *v = v.saturating_add(*n);
        }
    }
    let mut order: Vec<(&str, u64)> = volume.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let folded = order.len().saturating_sub(MAX_TEAMS);
    let mut teams: Vec<String> = order
        .iter()
        .take(MAX_TEAMS)
        .map(|t| t.0.to_string())
        .collect();
    if folded > 0 {
        teams.push(OTHER.to_string());
    }
    let index = |name: &str| {
        order
            .iter()
            .position(|t| t.0 == name)
            .map(|i| i.min(MAX_TEAMS))
            .unwrap_or(0)
    };
    let n = teams.len();
    let mut counts = vec![vec![0u64; n]; n];
    for ((from, to), c) in &flows {
        let cell = &mut counts[index(from)][index(to)];
        *cell = cell.saturating_add(*c);
    }
    let layout = GridLayout::new(&teams, &teams, 30, 70);
    let meta = Meta {
        name: ChartId::HandoffHeatmap,
        title: "Handoffs between teams".to_string(),
        alt: heatmap_alt(&teams, &counts, folded),
        size: if n == 0 { DEFAULT_SIZE } else { layout.size },
    };
    render_both(meta, &Heatmap { counts, layout })
}

fn heatmap_alt(teams: &[String], counts: &[Vec<u64>], folded: usize) -> String {
    let total: f64 = counts.iter().flatten().map(|&c| c as f64).sum();
    if total == 0.0 {
        return "Heatmap of handoffs between teams: there are no handoffs.".to_string();
    }
    let mut top = (0, 0, 0u64);
    for (r, row) in counts.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            if v > top.2 {
                top = (r, c, v);
            }
        }
    }
    let mut alt = format!(
        "Heatmap of {} handoffs between {} (rows: from, columns: to); the largest flow is \
         from \"{}\" to \"{}\" ({}, {:.0}% of all)",
        fmt_num(total),
        plural(teams.len(), "team", "teams"),
        teams[top.0],
        teams[top.1],
        fmt_num(top.2 as f64),
        100.0 * top.2 as f64 / total,
    );
    if folded > 0 {
        alt.push_str(&format!(
            "; {} smaller teams are folded into \"{OTHER}\"",
            folded
        ));
    }
    alt.push('.');
    alt
}

/// "12", "1.2k", "35k", "1.2M": short enough for a cell.
fn compact(n: u64) -> String {
    let v = n as f64;
    if n < 1_000 {
        n.to_string()
    } else if n < 10_000 {
        format!("{}k", fmt_1(v / 1e3))
    } else if n < 1_000_000 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{}M", fmt_1(v / 1e6))
    }
}

struct Heatmap {
    counts: Vec<Vec<u64>>,
    layout: GridLayout,
}

impl Heatmap {
    /// Colour of a count: log scale from 1 (lightest) to the largest count (darkest).
    fn colour(&self, v: u64, max: u64) -> RGBColor {
        if v == 0 {
            return EMPTY_CELL;
        }
        let t = if max <= 1 {
            1.0
        } else {
            (v as f64).ln() / (max as f64).ln()
        };
        sequential_blue(0.15 + 0.85 * t)
    }
}

impl Figure for Heatmap {
    fn draw<DB: DrawingBackend>(
        &self,
        _root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        let max = self.counts.iter().flatten().copied().max().unwrap_or(0);
        if max == 0 {
            return no_data(body);
        }
        let g = &self.layout;
        // Legend: the scale from 1 to the largest count.
        let (w, _) = body.dim_in_pixel();
        let label = text(SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        let caption = "Handoffs (log scale):";
        let cw = text_width(caption, SMALL_SIZE) as i32;
        let max_label = fmt_num(max as f64);
        let total = cw + 10 + 16 + 6 + 160 + 6 + text_width(&max_label, SMALL_SIZE) as i32;
        let mut x = (w as i32 - total) / 2;
        let cy = LEGEND_BAND as i32 / 2;
        body.draw_text(caption, &label, (x, cy))?;
        x += cw + 10;
        body.draw_text("1", &label, (x, cy))?;
        x += 16;
        for i in 0..40 {
            let t = 0.15 + 0.85 * f64::from(i) / 39.0;
            let seg = [(x + i * 4, cy - 7), (x + i * 4 + 4, cy + 7)];
            body.draw(&Rectangle::new(seg, sequential_blue(t).filled()))?;
        }
        x += 160 + 6;
        body.draw_text(&max_label, &label, (x, cy))?;

        g.draw_frame(body, "To team", "From team")?;
        for (r, row) in self.counts.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                let fill = self.colour(v, max);
                body.draw(&Rectangle::new(g.cell(r, c), fill.filled()))?;
                if v == 0 {
                    continue;
                }
                let s = compact(v);
                if text_width(&s, SMALL_SIZE) as i32 <= g.cell_w - 4 {
                    let style =
                        text_in(SMALL_SIZE, ink_on(fill)).pos(Pos::new(HPos::Center, VPos::Center));
                    body.draw_text(&s, &style, g.centre(r, c))?;
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Cycle time by number of handoffs

/// One bar of the cycle-time-by-handoffs chart.
#[derive(Debug, Clone, PartialEq)]
pub struct HandoffBucket {
    /// "0", "1", "2", "3+": the number of team handoffs.
    pub label: String,
    /// Finished items in the bucket.
    pub n: u64,
    /// Median cycle time in days (the bar), if there are items.
    pub p50: Option<f64>,
    /// 85th percentile cycle time in days (the whisker).
    pub p85: Option<f64>,
}

/// Cycle time by number of team handoffs: one bar per bucket (in the caller's order) up to
/// the median cycle time, a whisker with a cap at the 85th percentile, and "n = …" above.
/// Non-finite or negative percentiles are treated as missing; a bucket without a median
/// has no bar but keeps its place and its "n = …".
pub fn cycle_time_by_handoffs(buckets: &[HandoffBucket]) -> Result<Chart, ChartError> {
    let clean = |v: Option<f64>| v.filter(|x| x.is_finite() && *x >= 0.0);
    let buckets: Vec<HandoffBucket> = buckets
        .iter()
        .map(|b| HandoffBucket {
            label: b.label.clone(),
            n: b.n,
            p50: clean(b.p50),
            p85: clean(b.p85),
        })
        .collect();
    let plot_w = DEFAULT_SIZE
        .0
        .saturating_sub(MARGIN + Y_LABEL_AREA + 5 * MARGIN);
    let names: Vec<String> = buckets.iter().map(|b| b.label.clone()).collect();
    let labels = ColumnLabels::new(&names, f64::from(plot_w) / names.len().max(1) as f64);
    let meta = Meta {
        name: ChartId::CycleTimeByHandoffs,
        title: "Cycle time by number of team handoffs".to_string(),
        alt: by_handoffs_alt(&buckets),
        size: DEFAULT_SIZE,
    };
    render_both(meta, &ByHandoffs { buckets, labels })
}

fn by_handoffs_alt(buckets: &[HandoffBucket]) -> String {
    let parts: Vec<String> = buckets
        .iter()
        .filter_map(|b| {
            let p50 = b.p50?;
            let mut s = format!("{} handoffs: median {} days", b.label, fmt_1(p50));
            if let Some(p85) = b.p85 {
                s.push_str(&format!(", 85% within {}", fmt_1(p85)));
            }
            s.push_str(&format!(" (n = {})", b.n));
            Some(s)
        })
        .collect();
    if parts.is_empty() {
        return "Bar chart of cycle time by number of team handoffs: there are no finished \
                items with a cycle time."
            .to_string();
    }
    format!(
        "Bar chart of median cycle time by number of team handoffs per item; {}.",
        parts.join("; ")
    )
}

struct ByHandoffs {
    buckets: Vec<HandoffBucket>,
    labels: ColumnLabels,
}

impl Figure for ByHandoffs {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if self.buckets.iter().all(|b| b.p50.is_none()) {
            return no_data(body);
        }
        let (legend, area) = body.split_vertically(LEGEND_BAND);
        let keys = [
            LegendKey::swatch("Median cycle time", POINT),
            LegendKey::swatch("85th percentile (whisker)", MARK),
        ];
        draw_legend_wrapped(&legend, &keys)?;

        let n = self.buckets.len() as f64;
        let top = self
            .buckets
            .iter()
            .flat_map(|b| [b.p50, b.p85])
            .flatten()
            .fold(0.0, f64::max);
        let y_max = axis_max(top, headroom::MARK_LABELS);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(5 * MARGIN)
            .x_label_area_size(X_LABEL_AREA.max(self.labels.depth + 34))
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(KeyedAxis::new(-0.5..n - 0.5, Vec::new()), 0.0..y_max)?;
        house_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_desc("Team handoffs per item")
            .y_desc("Cycle time (days)")
            .y_label_formatter(&|v: &f64| fmt_num(*v))
            .y_labels(8)
            .draw()?;
        let xs: Vec<i32> = (0..self.buckets.len())
            .map(|k| chart.backend_coord(&(k as f64, 0.0)).0)
            .collect();
        let axis_y = chart.backend_coord(&(0.0, 0.0)).1;
        self.labels.draw_below(root, &xs, axis_y)?;

        let (l, _) = chart.backend_coord(&(0.0, 0.0));
        let (r, _) = chart.backend_coord(&(1.0, 0.0));
        let n_style = text(SMALL_SIZE).pos(Pos::new(HPos::Center, VPos::Bottom));
        let room = r - l >= text_width("n = 00000", SMALL_SIZE) as i32;
        for (k, b) in self.buckets.iter().enumerate() {
            let x = k as f64;
            if let Some(p50) = b.p50 {
                let bar = [(x - 0.3, 0.0), (x + 0.3, p50)];
                chart.draw_series(std::iter::once(Rectangle::new(bar, POINT.filled())))?;
            }
            let mut label_at = b.p50.unwrap_or(0.0);
            if let Some(p85) = b.p85 {
                let from = b.p50.unwrap_or(p85);
                let stroke = MARK.stroke_width(2);
                chart.draw_series([
                    PathElement::new(vec![(x, from), (x, p85)], stroke),
                    PathElement::new(vec![(x - 0.12, p85), (x + 0.12, p85)], stroke),
                ])?;
                label_at = label_at.max(p85);
            }
            if room || k % 2 == 0 {
                let (px, py) = chart.backend_coord(&(x, label_at));
                root.draw_text(&format!("n = {}", b.n), &n_style, (px, py - 5))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, check_empty, decode};
    use super::*;

    fn pairs(teams: usize) -> Vec<(String, String, u64)> {
        let mut out = Vec::new();
        for a in 0..teams {
            for b in 0..teams {
                if a != b && (a * 7 + b * 3) % 5 < 2 {
                    out.push((
                        format!("Team {a} (platform engineering)"),
                        format!("Team {b} (platform engineering)"),
                        ((a + 1) * (b + 2) % 37) as u64 + if a == 0 { 400 } else { 0 },
                    ));
                }
            }
        }
        out
    }

    #[test]
    fn heatmap_has_axes_counts_and_orders_by_volume() {
        let p = pairs(5);
        let c = handoff_heatmap(&p).unwrap();
        let size = {
            let img = decode(&c.png);
            (img.width(), img.height())
        };
        check(
            &c,
            "handoff_heatmap",
            "",
            &["Handoffs between teams", "To team", "From team"],
            size,
        );
        // Team 0 hands off most, so it is the first row (its name is drawn first).
        let first = c.svg.find("Team 0 (platform").unwrap();
        let other = c.svg.find("Team 1 (platform").unwrap();
        assert!(first < other);
        assert!(
            c.alt.contains("from \"Team 0 (platform engineering)\""),
            "{}",
            c.alt
        );
        assert_eq!(c, handoff_heatmap(&p).unwrap());
        check_empty(&handoff_heatmap(&[]).unwrap(), "handoff_heatmap");
        check_empty(
            &handoff_heatmap(&[("a".into(), "b".into(), 0)]).unwrap(),
            "handoff_heatmap",
        );
    }

    #[test]
    fn heatmap_folds_teams_beyond_fifteen() {
        let p = pairs(24);
        let c = handoff_heatmap(&p).unwrap();
        let img = decode(&c.png);
        check(
            &c,
            "handoff_heatmap",
            "_many",
            &[">\nother", "rotate(270"],
            (img.width(), img.height()),
        );
        assert!(
            c.alt.contains("9 smaller teams are folded into \"other\""),
            "{}",
            c.alt
        );
        assert_eq!(compact(999), "999");
        assert_eq!(compact(1_234), "1.2k");
        assert_eq!(compact(56_789), "57k");
        assert_eq!(compact(u64::MAX).chars().last(), Some('M'));
    }

    fn buckets() -> Vec<HandoffBucket> {
        let b = |label: &str, n, p50: Option<f64>, p85: Option<f64>| HandoffBucket {
            label: label.into(),
            n,
            p50,
            p85,
        };
        vec![
            b("0", 120, Some(3.5), Some(8.0)),
            b("1", 64, Some(6.0), Some(14.5)),
            b("2", 20, Some(9.5), Some(21.0)),
            b("3+", 7, Some(15.0), Some(f64::NAN)),
        ]
    }

    #[test]
    fn cycle_time_by_handoffs_has_bars_whiskers_and_counts() {
        let c = cycle_time_by_handoffs(&buckets()).unwrap();
        let needles = [
            "Cycle time by number of team handoffs",
            "Team handoffs per item",
            "Cycle time (days)",
            "n = 120",
            "n = 7",
            "3+",
        ];
        check(&c, "cycle_time_by_handoffs", "", &needles, DEFAULT_SIZE);
        assert!(
            c.alt
                .contains("0 handoffs: median 3.5 days, 85% within 8.0 (n = 120)"),
            "{}",
            c.alt
        );
        assert!(
            c.alt.contains("3+ handoffs: median 15.0 days (n = 7)"),
            "{}",
            c.alt
        );
        assert_eq!(c, cycle_time_by_handoffs(&buckets()).unwrap());
        check_empty(
            &cycle_time_by_handoffs(&[]).unwrap(),
            "cycle_time_by_handoffs",
        );
        let none = [HandoffBucket {
            label: "0".into(),
            n: 0,
            p50: None,
            p85: None,
        }];
        check_empty(
            &cycle_time_by_handoffs(&none).unwrap(),
            "cycle_time_by_handoffs",
        );
    }
}
