//! `report.md`: the same findings as the HTML page in GitHub-flavoured Markdown, with the
//! PNG charts linked from `charts/`. Every text from the data is escaped.

use super::text::{human, markdown as esc};
use super::{Cell, Renderer, Report, Table};
use std::fmt::Write;

/// Renders `report.md`.
pub struct Markdown;

fn opt(x: Option<f64>) -> String {
    x.map(human).unwrap_or_else(|| "–".into())
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.0}%", v * 100.0))
        .unwrap_or_else(|| "–".into())
}

fn md_table(out: &mut String, t: &Table, limit: usize) {
    let _ = writeln!(out, "| {} |", t.header.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        t.header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for row in t.rows.iter().take(limit) {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => esc(s),
                Cell::Int(i) => i.to_string(),
                Cell::Float(f) => human(*f),
                Cell::Empty => String::new(),
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if t.rows.len() > limit {
        let _ = writeln!(
            out,
            "\n*{} more rows in `tables/{}.csv`.*",
            t.rows.len() - limit,
            t.name
        );
    }
    out.push('\n');
}

impl Renderer for Markdown {
    fn render(&self, r: &Report) -> anyhow::Result<Vec<u8>> {
        let s = &r.summary;
        let mut o = String::new();
        let _ = writeln!(o, "# Flow audit\n");
        let period = match (&s.period.from, &s.period.to) {
            (Some(f), Some(t)) => format!(
                "Period {f} to {t} (end exclusive), as of {}.",
                s.period.as_of
            ),
            _ => format!("All history up to {}.", s.period.as_of),
        };
        let _ = writeln!(
            o,
            "{period} {} items in scope, {} events, {} teams.\n",
            s.counts.items, s.counts.events, s.counts.teams
        );
        let _ = writeln!(o, "## Headline figures\n");
        let _ = writeln!(o, "| figure | value |\n|---|---|");
        let rows = [
            (
                "Items done / canceled / open",
                format!(
                    "{} / {} / {}",
                    s.counts.done, s.counts.canceled, s.counts.open
                ),
            ),
            (
                "Lead time p50 / p85 (days)",
                format!(
                    "{} / {}",
                    opt(s.lead_time_days.p50),
                    opt(s.lead_time_days.p85)
                ),
            ),
            (
                "Cycle time p50 / p85 / p95 (days)",
                format!(
                    "{} / {} / {}",
                    opt(s.cycle_time_days.p50),
                    opt(s.cycle_time_days.p85),
                    opt(s.cycle_time_days.p95)
                ),
            ),
            ("Flow efficiency", pct(s.flow_efficiency)),
            (
                "Throughput per week (mean / median)",
                format!(
                    "{} / {}",
                    opt(s.throughput_per_week.mean),
                    opt(s.throughput_per_week.p50)
                ),
            ),
            ("Team handoffs per item", opt(s.handoffs.per_item)),
            ("Team change rate", pct(s.handoffs.team_change_rate)),
            ("Ping-pong rate", pct(s.handoffs.ping_pong_rate)),
            ("Reopen rate", pct(s.reopen_rate)),
        ];
        for (k, v) in rows {
            let _ = writeln!(o, "| {k} | {v} |");
        }
        o.push('\n');
        let _ = writeln!(o, "## Flow\n");
        for c in &r.charts {
            let _ = writeln!(o, "### {}\n", esc(&c.title));
            if let Some(t) = r.takeaway(&c.name) {
                let _ = writeln!(o, "{}\n", esc(t));
            }
            let _ = writeln!(o, "![{}](charts/{}.png)\n", esc(&c.alt), c.name);
        }
        let _ = writeln!(o, "## Teams\n");
        if let Some(t) = r.table("teams") {
            md_table(&mut o, t, 50);
        }
        let _ = writeln!(o, "## Handoffs between teams\n");
        if let Some(t) = r.table("handoff_matrix") {
            let mut sorted = t.clone();
            sorted.rows.sort_by(|a, b| match (&b[2], &a[2]) {
                (Cell::Int(x), Cell::Int(y)) => x.cmp(y),
                _ => std::cmp::Ordering::Equal,
            });
            if sorted.rows.is_empty() {
                let _ = writeln!(o, "No item moved between teams.\n");
            } else {
                md_table(&mut o, &sorted, 15);
            }
        }
        let _ = writeln!(o, "## Time in status\n");
        if let Some(t) = r.table("status_time") {
            let mut all = t.clone();
            all.rows
                .retain(|row| row.first() == Some(&Cell::Text("*".into())));
            md_table(&mut o, &all, 40);
        }
        let _ = writeln!(o, "## Data quality\n");
        if s.warnings.is_empty() {
            let _ = writeln!(o, "No data-quality warnings.\n");
        } else {
            let _ = writeln!(o, "| warning | count | what to do |\n|---|---|---|");
            for w in &s.warnings {
                let _ = writeln!(o, "| {} | {} | {} |", w.kind.id(), w.count, esc(&w.message));
            }
            o.push('\n');
        }
        let _ = writeln!(
            o,
            "Inputs read:\n\n| file | format | items | events/rows |\n|---|---|---|---|"
        );
        for i in &s.inputs {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                esc(&i.path),
                i.format,
                i.items,
                i.events
            );
        }
        o.push('\n');
        let _ = writeln!(o, "Status mapping used (how each status was categorised; fix it in the config's `[statuses]`):\n");
        if let Some(t) = r.table("status_map") {
            md_table(&mut o, t, 60);
        }
        let _ = writeln!(o, "## Methods\n");
        o.push_str(super::html::METHODS_MD);
        Ok(o.into_bytes())
    }
}
