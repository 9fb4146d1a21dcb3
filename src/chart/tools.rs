//! Tool sprawl: tools per team, the category × team matrix and licence utilisation.

use std::collections::{BTreeMap, BTreeSet};

use plotters::backend::DrawingBackend;
use plotters::chart::ChartBuilder;
use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Rectangle;
use plotters::prelude::DrawResult;
use plotters::series::DashedLineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, WHITE};

use super::{
    axis_max, count_ticks, draw_legend_wrapped, fmt_1, fmt_num, hbar_canvas_height, headroom,
    house_mesh, legend_height, no_data, plural, render_both, shade, team_colour, text, text_in,
    text_width, truncate_label, truncate_to, Chart, ChartError, ChartId, Figure, GridLayout,
    HBarLayout, KeyedAxis, LegendKey, Meta, DEFAULT_SIZE, MARGIN, MARK, POINT, SMALL_SIZE,
    X_LABEL_AREA,
};

/// Tool categories beyond this many (by number of tools) are folded into "other".
const MAX_CATEGORIES: usize = 9;
/// The folded categories.
const OTHER_COLOUR: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);
/// Under-used licences; fragmented categories (Okabe–Ito vermillion and orange).
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);

// ---------------------------------------------------------------------------------------
// Tools per team

/// Tools per team: one horizontal bar per team (in the caller's order), split into
/// segments by tool category, with the total at the end. A category has the same colour in
/// every bar; categories are ranked by their number of tools over all teams (then name) and
/// past the 9th they are folded into "other". `rows` holds (team, [(category, tools)]).
pub fn tools_per_team(rows: &[(String, Vec<(String, u64)>)]) -> Result<Chart, ChartError> {
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, cats) in rows {
        for (c, n) in cats {
            let t = totals.entry(c.as_str()).or_insert(0);
            *t = t.saturating_add(*n);
        }
    }
    let mut ranked: Vec<(&str, u64)> = totals.into_iter().filter(|c| c.1 > 0).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let folded = ranked.len() > MAX_CATEGORIES;
    let kept = if folded {
        MAX_CATEGORIES - 1
    } else {
        ranked.len()
    };
    let mut keys: Vec<LegendKey> = ranked[..kept]
        .iter()
        .enumerate()
        .map(|(i, c)| LegendKey::swatch(truncate_to(c.0, 24), team_colour(i)))
        .collect();
    if folded {
        let label = format!("other ({} categories)", ranked.len() - kept);
        keys.push(LegendKey::swatch(label, OTHER_COLOUR));
    }
    let slot = |c: &str| ranked.iter().position(|r| r.0 == c).map(|i| i.min(kept));
    let teams: Vec<TeamBar> = rows
        .iter()
        .map(|(team, cats)| {
            let mut segments = vec![0u64; keys.len()];
            for (c, n) in cats {
                if let Some(i) = slot(c) {
                    segments[i] = segments[i].saturating_add(*n);
                }
            }
            TeamBar {
                team: team.clone(),
                label: truncate_label(team),
                segments,
            }
        })
        .collect();
    let has_data = teams.iter().any(|t| t.total() > 0.0);
    let height = if has_data {
        hbar_canvas_height(teams.len(), legend_height(&keys, DEFAULT_SIZE.0))
    } else {
        DEFAULT_SIZE.1
    };
    let meta = Meta {
        name: ChartId::ToolsPerTeam,
        title: "Tools per team".to_string(),
        alt: tools_alt(&teams, &ranked),
        size: (DEFAULT_SIZE.0, height),
    };
    render_both(
        meta,
        &ToolBars {
            teams,
            keys,
            has_data,
        },
    )
}

struct TeamBar {
    team: String,
    label: String,
    /// Tools per legend key.
    segments: Vec<u64>,
}

impl TeamBar {
    fn total(&self) -> f64 {
        self.segments.iter().map(|&n| n as f64).sum()
    }
}

fn tools_alt(teams: &[TeamBar], ranked: &[(&str, u64)]) -> String {
    let Some(top) = teams
        .iter()
        .reduce(|a, b| if b.total() > a.total() { b } else { a })
    else {
        return "Bar chart of tools per team: there are no teams.".to_string();
    };
    if top.total() == 0.0 {
        return "Bar chart of tools per team: no team uses any tool.".to_string();
    }
    let cats = top.segments.iter().filter(|&&n| n > 0).count();
    let mut alt = format!(
        "Stacked bar chart of tools per team by category for {}: \"{}\" uses the most, {} \
         tools in {}",
        plural(teams.len(), "team", "teams"),
        top.team,
        fmt_num(top.total()),
        plural(cats, "category", "categories"),
    );
    if let Some((name, n)) = ranked.first() {
        alt.push_str(&format!(
            "; the largest category over all teams is \"{name}\" ({} tools)",
            fmt_num(*n as f64)
        ));
    }
    alt.push('.');
    alt
}

struct ToolBars {
    teams: Vec<TeamBar>,
    keys: Vec<LegendKey>,
    has_data: bool,
}

impl Figure for ToolBars {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if !self.has_data {
            return no_data(body);
        }
        let (w, _) = body.dim_in_pixel();
        let (legend, area) = body.split_vertically(legend_height(&self.keys, w));
        draw_legend_wrapped(&legend, &self.keys)?;

        let labels: Vec<String> = self.teams.iter().map(|t| t.label.clone()).collect();
        let layout = HBarLayout::new(&area, &labels)?;
        let team_of = |v: &i64| layout.label_at(&labels, *v);
        let top = self.teams.iter().map(TeamBar::total).fold(0.0, f64::max);
        let x_max = axis_max(top, headroom::VALUE_LABELS);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(2 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(layout.y_area)
            .build_cartesian_2d(
                KeyedAxis::new(0.0..x_max, count_ticks(x_max, 10)),
                layout.range().with_key_points(layout.ticks.clone()),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .disable_y_mesh()
            .x_desc("Tools")
            .y_desc("Team")
            .x_label_formatter(&|v: &f64| fmt_num(*v))
            .y_label_formatter(&team_of)
            .draw()?;
        for (i, t) in self.teams.iter().enumerate() {
            let y = layout.centre(i);
            let mut x = 0.0;
            for (k, &n) in t.segments.iter().enumerate() {
                if n == 0 {
                    continue;
                }
                let corners = [(x, y - layout.half), (x + n as f64, y + layout.half)];
                chart.draw_series([
                    Rectangle::new(corners, self.keys[k].colour.filled()),
                    Rectangle::new(corners, WHITE.stroke_width(1)),
                ])?;
                x += n as f64;
            }
        }
        if layout.values_fit() {
            let style = text(SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
            for (i, t) in self.teams.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(t.total(), layout.centre(i)));
                root.draw_text(&fmt_num(t.total()), &style, (px + 5, py))?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Category × team matrix

/// Category × team matrix: rows = tool categories, columns = teams; each cell names the
/// tools the team uses in that category (or counts them when the names do not fit). A cell
/// is light orange when its category is fragmented (two or more distinct tools across the
/// row) and full orange when the team itself uses two or more tools in it; other cells in
/// use are light blue. `tools[c][t]` lists the tools of `teams[t]` in `categories[c]`;
/// missing entries are empty and duplicates count once.
pub fn category_team_matrix(
    categories: &[String],
    teams: &[String],
    tools: &[Vec<Vec<String>>],
) -> Result<Chart, ChartError> {
    let cells: Vec<Vec<Vec<String>>> = (0..categories.len())
        .map(|c| {
            (0..teams.len())
                .map(|t| {
                    let set: BTreeSet<&String> = tools
                        .get(c)
                        .and_then(|row| row.get(t))
                        .map(|v| v.iter().collect())
                        .unwrap_or_default();
                    set.into_iter().cloned().collect()
                })
                .collect()
        })
        .collect();
    let distinct: Vec<usize> = cells
        .iter()
        .map(|row| row.iter().flatten().collect::<BTreeSet<_>>().len())
        .collect();
    let layout = GridLayout::new(categories, teams, 34, 160);
    let any = cells.iter().flatten().any(|c| !c.is_empty());
    let meta = Meta {
        name: ChartId::CategoryTeamMatrix,
        title: "Tools by category and team".to_string(),
        alt: matrix_alt(categories, teams, &cells, &distinct),
        size: if any { layout.size } else { DEFAULT_SIZE },
    };
    render_both(
        meta,
        &Matrix {
            cells,
            distinct,
            layout,
            any,
        },
    )
}

fn matrix_alt(
    categories: &[String],
    teams: &[String],
    cells: &[Vec<Vec<String>>],
    distinct: &[usize],
) -> String {
    if !cells.iter().flatten().any(|c| !c.is_empty()) {
        return "Matrix of tools by category and team: no team uses any tool.".to_string();
    }
    let fragmented = distinct.iter().filter(|&&d| d >= 2).count();
    let doubled = cells.iter().flatten().filter(|c| c.len() >= 2).count();
    let mut alt = format!(
        "Matrix of tools by {} and {}: {} fragmented (two or more different tools across \
         teams)",
        plural(categories.len(), "category", "categories"),
        plural(teams.len(), "team", "teams"),
        plural(fragmented, "category is", "categories are"),
    );
    let worst = (0..distinct.len()).fold(0, |b, i| if distinct[i] > distinct[b] { i } else { b });
    if fragmented > 0 {
        alt.push_str(&format!(
            ", most of all \"{}\" with {} different tools",
            categories[worst], distinct[worst]
        ));
    }
    alt.push_str(&format!(
        "; in {} a single team uses two or more tools for the same category.",
        plural(doubled, "cell", "cells")
    ));
    alt
}

struct Matrix {
    /// Distinct tools per (category, team), sorted.
    cells: Vec<Vec<Vec<String>>>,
    /// Distinct tools per category over all teams.
    distinct: Vec<usize>,
    layout: GridLayout,
    any: bool,
}

impl Matrix {
    fn fill(&self, c: usize, tools: usize) -> RGBColor {
        match (tools, self.distinct[c] >= 2) {
            (0, _) => RGBColor(0xF7, 0xF7, 0xF7),
            (1, false) => shade(POINT, 0.8),
            (1, true) => shade(ORANGE, 0.6),
            _ => ORANGE,
        }
    }

    /// The tool names if they fit `width` pixels, else "3 tools" or "3".
    fn cell_text(tools: &[String], width: i32) -> String {
        let fits = |s: &str| text_width(s, SMALL_SIZE) as i32 <= width;
        let names = tools.join(", ");
        if fits(&names) {
            return names;
        }
        if tools.len() == 1 {
            for max in (4..=24).rev() {
                let short = truncate_to(&tools[0], max);
                if fits(&short) {
                    return short;
                }
            }
        }
        let counted = format!("{} tools", tools.len());
        if tools.len() > 1 && fits(&counted) {
            return counted;
        }
        tools.len().to_string()
    }
}

impl Figure for Matrix {
    fn draw<DB: DrawingBackend>(
        &self,
        _root: &DrawingArea<DB, Shift>,
        body: &DrawingArea<DB, Shift>,
    ) -> DrawResult<(), DB> {
        if !self.any {
            return no_data(body);
        }
        let g = &self.layout;
        let (legend, _) = body.split_vertically(super::LEGEND_BAND);
        let keys = [
            LegendKey::swatch("One tool", shade(POINT, 0.8)),
            LegendKey::swatch("Category has 2+ tools across teams", shade(ORANGE, 0.6)),
            LegendKey::swatch("Team uses 2+ tools in it", ORANGE),
        ];
        draw_legend_wrapped(&legend, &keys)?;
        g.draw_frame(body, "Team", "Tool category")?;
        for (c, row) in self.cells.iter().enumerate() {
            for (t, tools) in row.iter().enumerate() {
                let fill = self.fill(c, tools.len());
                body.draw(&Rectangle::new(g.cell(c, t), fill.filled()))?;
                if tools.is_empty() {
                    continue;
                }
                let s = Matrix::cell_text(tools, g.cell_w - 6);
                let style = text_in(SMALL_SIZE, super::ink_on(fill))
                    .pos(Pos::new(HPos::Center, VPos::Center));
                body.draw_text(&s, &style, g.centre(c, t))?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Licence utilisation

/// Licence utilisation: one horizontal bar per "team · tool" label (in the caller's
/// order), length = utilisation in percent, vermillion below `threshold` and blue at or
/// above it, with a dashed line at the threshold. Utilisation and threshold are fractions
/// (0.8 = 80 %), as in the configuration's `utilisation` threshold. Non-finite or negative
/// values are left out; a non-finite threshold draws no line and colours every bar blue.
pub fn utilisation(tools: &[(String, f64)], threshold: f64) -> Result<Chart, ChartError> {
    let bars: Vec<(String, String, f64)> = tools
        .iter()
        .filter(|t| t.1.is_finite() && t.1 >= 0.0)
        .map(|(l, v)| (l.clone(), truncate_label(l), v * 100.0))
        .filter(|b| b.2.is_finite())
        .collect();
    let threshold = (threshold.is_finite() && threshold >= 0.0).then_some(threshold * 100.0);
    let keys = utilisation_keys(threshold);
    let height = if bars.is_empty() {
        DEFAULT_SIZE.1
    } else {
        hbar_canvas_height(bars.len(), legend_height(&keys, DEFAULT_SIZE.0))
    };
    let meta = Meta {
        name: ChartId::Utilisation,
        title: "Licence utilisation".to_string(),
        alt: utilisation_alt(&bars, threshold),
        size: (DEFAULT_SIZE.0, height),
    };
    render_both(
        meta,
        &Utilisation {
            bars,
            desc: ("Licence utilisation (%)", "Team · tool"),
            threshold,
            keys,
        },
    )
}

/// Teams beyond this many are folded out of the workflow-similarity chart (the least similar
/// are kept): hundreds of bars are neither readable nor cheap to draw.
pub const MAX_SIMILARITY_BARS: usize = 30;

/// Workflow similarity per team (process consistency, METRICS.md §8): one horizontal bar per
/// team, the Jaccard similarity of its statuses with the core workflow in percent,
/// vermillion below `threshold` (a fraction, 0.5 = 50 %) with a dashed threshold line. With
/// more than [`MAX_SIMILARITY_BARS`] teams, only the least similar are drawn (in their given
/// order; ties keep it) and the title says how many of how many.
pub fn workflow_similarity(teams: &[(String, f64)], threshold: f64) -> Result<Chart, ChartError> {
    let mut bars: Vec<(String, String, f64)> = teams
        .iter()
        .filter(|t| t.1.is_finite() && t.1 >= 0.0)
        .map(|(l, v)| (l.clone(), truncate_label(l), v * 100.0))
        .collect();
    let all = bars.len();
    let mut title = "Workflow similarity to the shared core".to_string();
    if all > MAX_SIMILARITY_BARS {
        let mut order: Vec<usize> = (0..all).collect();
        order.sort_by(|&a, &b| bars[a].2.total_cmp(&bars[b].2).then(a.cmp(&b)));
        let mut keep = vec![false; all];
        for &i in order.iter().take(MAX_SIMILARITY_BARS) {
            keep[i] = true;
        }
        let mut k = keep.into_iter();
        bars.retain(|_| k.next().unwrap_or(false));
        title = format!("{title}: the {MAX_SIMILARITY_BARS} least similar of {all} teams");
    }
    let threshold = (threshold.is_finite() && threshold >= 0.0).then_some(threshold * 100.0);
    let keys = utilisation_keys(threshold);
    let height = if bars.is_empty() {
        DEFAULT_SIZE.1
    } else {
        hbar_canvas_height(bars.len(), legend_height(&keys, DEFAULT_SIZE.0))
    };
    let below = threshold.map_or(0, |t| bars.iter().filter(|b| b.2 < t).count());
    let alt = if all > bars.len() {
        format!("Bar chart of the workflow similarity to the core workflow of the {} least similar of {all} teams (the full list is tables/consistency.csv); {below} of them below the threshold.", bars.len())
    } else {
        format!("Bar chart of each of {} teams' workflow similarity to the core workflow; {below} below the threshold.", bars.len())
    };
    let meta = Meta {
        name: ChartId::WorkflowSimilarity,
        title,
        alt,
        size: (DEFAULT_SIZE.0, height),
    };
    render_both(
        meta,
        &Utilisation {
            bars,
            desc: ("Similarity to the core workflow (%)", "Team"),
            threshold,
            keys,
        },
    )
}

fn utilisation_keys(threshold: Option<f64>) -> Vec<LegendKey> {
    match threshold {
        Some(t) => vec![
            LegendKey::swatch(format!("Below {}%", fmt_num(t)), VERMILLION),
            LegendKey::swatch(format!("{}% or more", fmt_num(t)), POINT),
            LegendKey::line("Threshold", MARK),
        ],
        None => vec![LegendKey::swatch("Utilisation", POINT)],
    }
}

fn utilisation_alt(bars: &[(String, String, f64)], threshold: Option<f64>) -> String {
    let Some(low) = bars.iter().reduce(|a, b| if b.2 < a.2 { b } else { a }) else {
        return "Bar chart of licence utilisation: there are no licences to show.".to_string();
    };
    let mut alt = format!(
        "Bar chart of licence utilisation for {}",
        plural(bars.len(), "team and tool", "team and tool pairs")
    );
    if let Some(t) = threshold {
        let under = bars.iter().filter(|b| b.2 < t).count();
        alt.push_str(&format!(": {under} below the {}% threshold", fmt_num(t)));
    }
    alt.push_str(&format!(
        "; the lowest is \"{}\" at {}%.",
        low.0,
        fmt_1(low.2)
    ));
    alt
}

struct Utilisation {
    /// (label, shortened label, percent).
    bars: Vec<(String, String, f64)>,
    /// Axis titles (x, y).
    desc: (&'static str, &'static str),
    threshold: Option<f64>,
    keys: Vec<LegendKey>,
}

impl Figure for Utilisation {
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

        let labels: Vec<String> = self.bars.iter().map(|b| b.1.clone()).collect();
        let layout = HBarLayout::new(&area, &labels)?;
        let label_of = |v: &i64| layout.label_at(&labels, *v);
        let top = self
            .bars
            .iter()
            .map(|b| b.2)
            .chain(self.threshold)
            .fold(100.0, f64::max);
        let x_max = axis_max(top, headroom::VALUE_LABELS);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .margin_right(2 * MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(layout.y_area)
            .build_cartesian_2d(
                KeyedAxis::new(0.0..x_max, count_ticks(x_max, 8)),
                layout.range().with_key_points(layout.ticks.clone()),
            )?;
        house_mesh(&mut chart.configure_mesh())
            .disable_y_mesh()
            .x_desc(self.desc.0)
            .y_desc(self.desc.1)
            .x_label_formatter(&|v: &f64| fmt_num(*v))
            .y_label_formatter(&label_of)
            .draw()?;
        if let Some(t) = self.threshold {
            let r = layout.range();
            let line = vec![(t, r.start), (t, r.end)];
            chart.draw_series(DashedLineSeries::new(line, 8, 5, MARK.stroke_width(2)))?;
        }
        chart.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
            let y = layout.centre(i);
            let under = self.threshold.is_some_and(|t| b.2 < t);
            let colour = if under { VERMILLION } else { POINT };
            Rectangle::new(
                [(0.0, y - layout.half), (b.2, y + layout.half)],
                colour.filled(),
            )
        }))?;
        if layout.values_fit() {
            let style = text(SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
            for (i, b) in self.bars.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(b.2, layout.centre(i)));
                let value = format!("{}%", fmt_num(b.2.round()));
                // A white box keeps the value readable where it crosses the threshold line.
                let w = text_width(&value, SMALL_SIZE) as i32;
                let backdrop = [(px + 3, py - 8), (px + 7 + w, py + 8)];
                root.draw(&Rectangle::new(backdrop, WHITE.filled()))?;
                root.draw_text(&value, &style, (px + 5, py))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, check_empty, decode};
    use super::*;

    fn size(c: &Chart) -> (u32, u32) {
        let img = decode(&c.png);
        (img.width(), img.height())
    }

    fn tool_rows(teams: usize) -> Vec<(String, Vec<(String, u64)>)> {
        let cats = [
            "Issue tracking",
            "Docs",
            "Chat",
            "CI/CD",
            "Design",
            "Analytics",
            "Monitoring",
            "Roadmapping",
            "Feature flags",
            "Surveys",
            "Whiteboards",
            "Testing",
        ];
        (0..teams)
            .map(|t| {
                let row = cats
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (t + i) % 3 != 0)
                    .map(|(i, c)| (c.to_string(), 1 + ((t * 5 + i) % 3) as u64))
                    .collect();
                (format!("Team {t} – Customer Experience"), row)
            })
            .collect()
    }

    #[test]
    fn tools_per_team_stacks_categories_with_a_legend() {
        let rows = tool_rows(22);
        let c = tools_per_team(&rows).unwrap();
        let needles = [
            "Tools per team",
            "Tools",
            "Team",
            "Issue tracking",
            "other (4 categories)",
        ];
        check(&c, "tools_per_team", "", &needles, size(&c));
        assert!(size(&c).1 > DEFAULT_SIZE.1);
        assert!(c.alt.contains("22 teams"), "{}", c.alt);
        assert_eq!(c, tools_per_team(&rows).unwrap());
        check_empty(&tools_per_team(&[]).unwrap(), "tools_per_team");
        let zero = [("A".to_string(), vec![("Docs".to_string(), 0)])];
        check_empty(&tools_per_team(&zero).unwrap(), "tools_per_team");
    }

    fn matrix_input(n_teams: usize) -> (Vec<String>, Vec<String>, Vec<Vec<Vec<String>>>) {
        let cats: Vec<String> = ["Issue tracking", "Docs", "Chat", "CI/CD", "Design"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let teams: Vec<String> = (0..n_teams).map(|t| format!("Team {t}")).collect();
        let tools: Vec<Vec<Vec<String>>> = (0..cats.len())
            .map(|c| {
                (0..n_teams)
                    .map(|t| match (c, t % 4) {
                        (0, 0) => vec!["Jira".into(), "Linear".into()],
                        (0, _) => vec!["Jira".into()],
                        (1, 1) => vec!["Confluence".into()],
                        (1, 2) => vec!["Notion".into(), "Notion".into()],
                        (2, _) => vec!["Slack".into()],
                        (3, 3) => Vec::new(),
                        (3, _) => vec!["GitHub Actions".into()],
                        _ => vec!["Figma".into()],
                    })
                    .collect()
            })
            .collect();
        (cats, teams, tools)
    }

    #[test]
    fn category_team_matrix_highlights_fragmentation() {
        let (cats, teams, tools) = matrix_input(4);
        let c = category_team_matrix(&cats, &teams, &tools).unwrap();
        let needles = [
            "Tools by category and team",
            "Tool category",
            "Jira, Linear",
            "Notion",
        ];
        check(&c, "category_team_matrix", "", &needles, size(&c));
        assert!(c.alt.contains("2 categories are fragmented"), "{}", c.alt);
        assert!(c.alt.contains("in 1 cell a single team"), "{}", c.alt);
        assert_eq!(c, category_team_matrix(&cats, &teams, &tools).unwrap());
        check_empty(
            &category_team_matrix(&cats, &teams, &[]).unwrap(),
            "category_team_matrix",
        );
        check_empty(
            &category_team_matrix(&[], &[], &[]).unwrap(),
            "category_team_matrix",
        );

        let (cats, teams, tools) = matrix_input(26);
        let c = category_team_matrix(&cats, &teams, &tools).unwrap();
        check(&c, "category_team_matrix", "_many", &["Team 25"], size(&c));
        assert_eq!(
            Matrix::cell_text(&["Jira".into(), "Linear".into()], 20),
            "2"
        );
    }

    #[test]
    fn utilisation_marks_bars_under_the_threshold() {
        let tools: Vec<(String, f64)> = (0..24)
            .map(|i| {
                (
                    format!("Team {} · Tool {i}", i % 5),
                    (i * 37 % 100) as f64 / 100.0,
                )
            })
            .collect();
        let c = utilisation(&tools, 0.8).unwrap();
        let needles = [
            "Licence utilisation",
            "Licence utilisation (%)",
            "Below 80%",
            "Threshold",
        ];
        check(&c, "utilisation", "", &needles, size(&c));
        assert!(c.alt.contains("below the 80% threshold"), "{}", c.alt);
        assert!(
            c.alt.contains("lowest is \"Team 0 · Tool 0\" at 0.0%"),
            "{}",
            c.alt
        );
        assert_eq!(c, utilisation(&tools, 0.8).unwrap());
        let mut noisy = tools.clone();
        noisy.push(("bad".into(), f64::NAN));
        assert_eq!(c, utilisation(&noisy, 0.8).unwrap());
        check_empty(&utilisation(&[], 0.8).unwrap(), "utilisation");
        assert!(utilisation(&tools, f64::NAN).is_ok());
    }

    #[test]
    fn hundreds_of_teams_are_folded_to_the_least_similar() {
        // 476 teams, similarity rising with the index but team 400 the least similar.
        let mut teams: Vec<(String, f64)> = (0..476)
            .map(|i| (format!("Group {i:03}"), 0.2 + i as f64 / 1000.0))
            .collect();
        teams[400].1 = 0.05;
        let c = workflow_similarity(&teams, 0.5).unwrap();
        assert!(
            c.title.ends_with("the 30 least similar of 476 teams"),
            "{}",
            c.title
        );
        assert!(
            c.alt.contains("of the 30 least similar of 476 teams"),
            "{}",
            c.alt
        );
        assert!(
            c.alt.contains("30 of them below the threshold"),
            "{}",
            c.alt
        );
        // Kept: groups 000–028 and 400 (in their given order); 029 and above are not.
        assert!(c.svg.contains("Group 000") && c.svg.contains("Group 028"));
        assert!(c.svg.contains("Group 400") && !c.svg.contains("Group 029"));
        // Up to the limit nothing is folded.
        let few = workflow_similarity(&teams[..MAX_SIMILARITY_BARS], 0.5).unwrap();
        assert_eq!(few.title, "Workflow similarity to the shared core");
    }
}
