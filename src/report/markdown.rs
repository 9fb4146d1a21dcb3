//! `report.md`: the same findings as the HTML page in GitHub-flavoured Markdown, with the
//! PNG charts linked from `charts/`. Every text from the data is escaped.

use super::text::{human, markdown as esc};
use super::TableId;
use super::{Block, Cell, Renderer, Report, Table};
use std::fmt::Write;

/// Renders `report.md`.
pub struct Markdown;

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

fn headline(o: &mut String, r: &Report) {
    let with_change = r.headline.iter().any(|h| h.change.is_some());
    if with_change {
        let _ = writeln!(
            o,
            "| figure | value | change since the previous period |\n|---|---|---|"
        );
    } else {
        let _ = writeln!(o, "| figure | value |\n|---|---|");
    }
    for h in &r.headline {
        if with_change {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                esc(&h.label),
                esc(&h.value),
                esc(h.change.as_deref().unwrap_or("–"))
            );
        } else {
            let _ = writeln!(o, "| {} | {} |", esc(&h.label), esc(&h.value));
        }
    }
    o.push('\n');
}

/// Render the blocks of a section.
fn blocks(o: &mut String, r: &Report, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Chart(id) => {
                let name = id.name();
                if let Some(c) = r.chart(*id) {
                    let _ = writeln!(o, "### {}\n", esc(&c.title));
                    if let Some(t) = r.takeaway(name) {
                        let _ = writeln!(o, "{}\n", esc(t));
                    }
                    let _ = writeln!(o, "![{}](charts/{}.png)\n", esc(&c.alt), c.name);
                }
            }
            Block::Table { name, limit } => {
                if let Some(t) = r.table(*name) {
                    md_table(o, t, *limit);
                }
            }
            Block::Paragraph(p) => {
                let _ = writeln!(o, "{}\n", esc(p));
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(o, "- {}", esc(i));
                }
                o.push('\n');
            }
            Block::Headline => headline(o, r),
            Block::Subheading(t) => {
                let _ = writeln!(o, "### {}\n", esc(t));
            }
        }
    }
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
            "{period} {} items in scope, {} events, {}.\n",
            s.counts.items,
            s.counts.events,
            s.teams_phrase()
        );
        for sec in &r.sections {
            let _ = writeln!(o, "## {}\n", esc(&sec.title));
            blocks(&mut o, r, &sec.blocks);
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
        let _ = writeln!(o, "Evidence before a verdict (the verdict and the blocker ranking are only given when every gate passes):\n");
        if let Some(t) = r.table(TableId::Evidence) {
            md_table(&mut o, t, 10);
        }
        let _ = writeln!(
            o,
            "Inputs read:\n\n| file | format | items | events/rows | read as |\n|---|---|---|---|---|"
        );
        for i in &s.inputs {
            let [path, format, items, events, how] = super::html::input_cells(i);
            let (path, how) = (esc(&path), esc(&how));
            let _ = writeln!(o, "| {path} | {format} | {items} | {events} | {how} |");
        }
        o.push('\n');
        let _ = writeln!(o, "Status mapping used (how each status was categorised; fix it in the config's `[statuses]`):\n");
        if let Some(t) = r.table(TableId::StatusMap) {
            md_table(&mut o, t, 60);
        }
        let _ = writeln!(o, "## Methods\n");
        o.push_str(super::html::METHODS_MD);
        Ok(o.into_bytes())
    }
}
