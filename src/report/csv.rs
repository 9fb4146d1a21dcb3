//! CSV renderers: `items.csv` (INTERFACE.md column order) and every `tables/*.csv`.
//! Text cells that a spreadsheet would run as formulas are neutralised; floats have at most
//! 6 decimals; nulls are empty cells; instants are RFC 3339 UTC.

use super::text::{csv_safe, num};
use super::{Cell, Renderer, Report, Table};
use crate::time::format_instant;

/// `items.csv` columns, in order.
pub const ITEM_COLUMNS: [&str; 19] = [
    "item_id",
    "team",
    "created",
    "started",
    "finished",
    "outcome",
    "lead_time_days",
    "cycle_time_days",
    "case_duration_days",
    "active_days",
    "waiting_days",
    "blocked_days",
    "flow_efficiency",
    "events",
    "handoffs",
    "team_handoffs",
    "ping_pongs",
    "reopens",
    "backward_moves",
];

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => csv_safe(s).into_owned(),
        Cell::Int(i) => i.to_string(),
        Cell::Float(f) => num(*f),
        Cell::Empty => String::new(),
    }
}

/// Render a table as CSV.
pub fn table(t: &Table) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(&t.header)?;
    for row in &t.rows {
        w.write_record(row.iter().map(cell_text))?;
    }
    Ok(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

/// Renders `items.csv`.
pub struct Items;

impl Renderer for Items {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let opt_ts = |t: Option<i64>| t.map(format_instant).unwrap_or_default();
        let opt_f = |x: Option<f64>| x.map(num).unwrap_or_default();
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(ITEM_COLUMNS)?;
        for r in &report.items {
            w.write_record([
                csv_safe(&r.item_id).into_owned(),
                csv_safe(r.team_name()).into_owned(),
                format_instant(r.created),
                opt_ts(r.started),
                opt_ts(r.finished),
                r.outcome.name().to_string(),
                opt_f(r.lead_time_days),
                opt_f(r.cycle_time_days),
                num(r.case_duration_days),
                opt_f(r.active_days),
                opt_f(r.waiting_days),
                opt_f(r.blocked_days),
                opt_f(r.flow_efficiency),
                r.events.to_string(),
                r.handoffs.to_string(),
                r.team_handoffs.to_string(),
                r.ping_pongs.to_string(),
                r.reopens.to_string(),
                r.backward_moves.to_string(),
            ])?;
        }
        Ok(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
    }
}
