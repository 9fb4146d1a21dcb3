//! CSV renderers: `items.csv` (INTERFACE.md column order) and every `tables/*.csv`.
//! Text cells that a spreadsheet would run as formulas are neutralised; floats have at most
//! 6 decimals; nulls are empty cells; instants are RFC 3339 UTC.

use super::text::{csv_safe, num_into};
use super::{Cell, Renderer, Report, RunTable, Table, WeekTable};

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

/// Render a table as CSV.
pub fn table(t: &Table) -> anyhow::Result<Vec<u8>> {
    use rayon::prelude::*;
    /// Rows rendered as one block; a large table's blocks are rendered on every core (a row
    /// per team and week is 140,000 rows for the 476 groups of BPIC 2013 incidents).
    const ROWS: usize = 8_192;
    let mut out = header_line(&t.header)?;
    let blocks: Vec<Vec<u8>> = t
        .rows
        .par_chunks(ROWS)
        .map(table_rows)
        .collect::<anyhow::Result<_>>()?;
    for b in blocks {
        out.extend_from_slice(&b);
    }
    Ok(out)
}

/// The CSV rows of `rows` (no header): the bytes the `csv` writer gives them (see
/// [`push_field`]), appended field by field without its per-byte state machine.
fn table_rows(rows: &[Vec<Cell>]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(rows.len() * 32);
    let mut buf = String::new();
    for row in rows {
        if let [only] = &row[..] {
            // The writer quotes a record's only field when it is empty (`""`), so that the
            // row is not read as a blank line.
            if cell_text(&mut buf, only).is_empty() {
                out.extend_from_slice(b"\"\"\n");
                continue;
            }
        }
        for (k, c) in row.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_field(&mut out, cell_text(&mut buf, c).as_bytes());
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// A cell's text as a CSV field holds it (`buf` holds numbers).
fn cell_text<'c>(buf: &'c mut String, c: &'c Cell) -> std::borrow::Cow<'c, str> {
    match c {
        Cell::Text(s) => csv_safe(s),
        Cell::Int(i) => {
            buf.clear();
            let _ = std::fmt::Write::write_fmt(buf, format_args!("{i}"));
            std::borrow::Cow::Borrowed(buf.as_str())
        }
        Cell::Float(f) => {
            buf.clear();
            num_into(buf, *f);
            std::borrow::Cow::Borrowed(buf.as_str())
        }
        Cell::Empty => std::borrow::Cow::Borrowed(""),
    }
}

/// Append `field` as the `csv` writer of this module writes it (the default
/// `QuoteStyle::Necessary` with a `\n` terminator): in double quotes, inner quotes doubled,
/// when it holds a comma, a quote, `\r` or `\n`; as it is otherwise.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if !field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Write a [`RunTable`] as CSV, row by row, into `out`: each run's leading cells, then one of
/// its ids per row. The same bytes as [`table`] of the expanded rows (tested); each run's
/// leading fields are made once (`tables/blocker_items.csv` is ~1.8M rows at 10M events).
pub fn run_table<W: std::io::Write>(t: &RunTable, mut out: W) -> anyhow::Result<()> {
    out.write_all(&header_line(&t.header)?)?;
    let (mut buf, mut lead_fields, mut text) =
        (Vec::with_capacity(1 << 16), Vec::new(), String::new());
    for (lead, ids) in &t.runs {
        lead_fields.clear();
        for c in lead {
            push_field(&mut lead_fields, cell_text(&mut text, c).as_bytes());
            lead_fields.push(b',');
        }
        for id in ids.iter() {
            let id = csv_safe(id);
            if lead.is_empty() && id.is_empty() {
                // A record's only field, empty: quoted, as the writer does.
                buf.extend_from_slice(b"\"\"\n");
            } else {
                buf.extend_from_slice(&lead_fields);
                push_field(&mut buf, id.as_bytes());
                buf.push(b'\n');
            }
            flush_full(&mut buf, &mut out)?;
        }
    }
    out.write_all(&buf)?;
    Ok(())
}

/// Write a [`WeekTable`] as CSV into `out`: a row per group and week (the week, the group,
/// its count). The same bytes as [`table`] of the expanded rows (tested); each group's field
/// is made once, not once per week.
pub fn week_table<W: std::io::Write>(t: &WeekTable, mut out: W) -> anyhow::Result<()> {
    out.write_all(&header_line(&t.header)?)?;
    let (mut buf, mut group) = (Vec::with_capacity(1 << 16), Vec::new());
    let weeks: Vec<Vec<u8>> = t
        .weeks
        .iter()
        .map(|s| {
            let mut f = Vec::new();
            push_field(&mut f, csv_safe(s).as_bytes());
            f
        })
        .collect();
    for (name, counts) in &t.groups {
        group.clear();
        push_field(&mut group, csv_safe(name).as_bytes());
        for (week, n) in weeks.iter().zip(counts) {
            buf.extend_from_slice(week);
            buf.push(b',');
            buf.extend_from_slice(&group);
            buf.push(b',');
            push_count(&mut buf, *n);
            buf.push(b'\n');
            flush_full(&mut buf, &mut out)?;
        }
    }
    out.write_all(&buf)?;
    Ok(())
}

/// A table's header line, as the `csv` writer writes it.
fn header_line(header: &[&str]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header)?;
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// Write `buf` to `out` and empty it once it holds 64 KB or more.
fn flush_full<W: std::io::Write>(buf: &mut Vec<u8>, out: &mut W) -> std::io::Result<()> {
    if buf.len() >= 1 << 16 {
        out.write_all(buf)?;
        buf.clear();
    }
    Ok(())
}

/// Append a count's decimal digits.
fn push_count(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let (mut k, mut n) = (digits.len(), n);
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[k..]);
}

/// Renders `items.csv`.
pub struct Items;

impl Renderer for Items {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(report.items.len() * 150);
        self.write_to(report, &mut out)?;
        Ok(out)
    }
}

impl Items {
    /// Write `items.csv` to `out` as it is rendered (the audit streams it to its file: at
    /// ten million events it is about 200 MB that need not be in memory at once). Blocks of
    /// rows are rendered on every core, a few at a time, and written in order.
    pub fn write_to<W: std::io::Write>(&self, report: &Report, out: W) -> anyhow::Result<()> {
        Items::write_records(&report.items, out)
    }

    /// Write the `items.csv` of `records` to `out`: the listed ones
    /// ([`crate::metrics::items::ItemRecord::listed`]; a report's `items` are those), as
    /// [`Items::write_to`] does (the audit writes it from the records while the report is
    /// built).
    pub fn write_records<W: std::io::Write>(
        records: &[crate::metrics::items::ItemRecord],
        mut out: W,
    ) -> anyhow::Result<()> {
        use rayon::prelude::*;
        /// Rows per block (~300 KB), and blocks rendered at a time: small blocks, so that a log
        /// of a few thousand items is rendered on every core too.
        const ROWS: usize = 2_048;
        const WAVE: usize = 128;
        out.write_all(&header_line(&ITEM_COLUMNS)?)?;
        for wave in records.chunks(ROWS * WAVE) {
            let blocks: Vec<Vec<u8>> = wave
                .par_chunks(ROWS)
                .map(item_rows)
                .collect::<anyhow::Result<_>>()?;
            for b in blocks {
                out.write_all(&b)?;
            }
        }
        out.flush()?;
        Ok(())
    }
}

/// An item's figures in days, in `items.csv`'s column order (lead time to flow efficiency).
fn day_figures(r: &crate::metrics::items::ItemRecord) -> [Option<f64>; 7] {
    [
        r.lead_time_days(),
        r.cycle_time_days(),
        Some(r.case_duration_days()),
        r.active_days(),
        r.waiting_days(),
        r.blocked_days(),
        r.flow_efficiency(),
    ]
}

/// An item's counts, in `items.csv`'s column order (events to backward moves).
fn counts(r: &crate::metrics::items::ItemRecord) -> [u32; 6] {
    [
        r.events,
        r.handoffs,
        r.team_handoffs,
        r.ping_pongs,
        r.reopens,
        r.backward_moves,
    ]
}

/// The `items.csv` rows of `items` (no header): the bytes the `csv` writer gives them (every
/// row has all the columns, so no row is a lone empty field), appended field by field with
/// [`push_field`] (tested against the writer).
fn item_rows(items: &[crate::metrics::items::ItemRecord]) -> anyhow::Result<Vec<u8>> {
    use super::text::num_into;
    use crate::time::format_instant_into;
    // Fields are written one at a time through one reused buffer (a million items would
    // otherwise make twenty strings each).
    let mut out: Vec<u8> = Vec::with_capacity(items.len() * 160);
    let mut b = String::with_capacity(64);
    for r in items.iter().filter(|r| r.listed()) {
        push_field(&mut out, csv_safe(&r.item_id).as_bytes());
        out.push(b',');
        push_field(&mut out, csv_safe(r.team_name()).as_bytes());
        for t in [Some(r.created), r.started(), r.finished()] {
            out.push(b',');
            if let Some(t) = t {
                b.clear();
                format_instant_into(&mut b, t);
                push_field(&mut out, b.as_bytes());
            }
        }
        out.push(b',');
        push_field(&mut out, r.outcome.name().as_bytes());
        for x in day_figures(r) {
            out.push(b',');
            if let Some(x) = x {
                b.clear();
                num_into(&mut b, x);
                out.extend_from_slice(b.as_bytes());
            }
        }
        for n in counts(r) {
            out.push(b',');
            push_count(&mut out, u64::from(n));
        }
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows as the `csv` writer writes them, cell by cell.
    fn with_writer(rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .from_writer(Vec::new());
        let mut buf = String::new();
        for row in rows {
            for c in row {
                w.write_field(cell_text(&mut buf, c).as_bytes()).unwrap();
            }
            w.write_record(None::<&[u8]>).unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn rows_are_the_bytes_the_csv_writer_gives() {
        let text = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            " lead",
            "=SUM(A1)",
            "+1",
            "-x",
            "@me",
            "\"",
            ",",
            "caf\u{e9}",
            "tab\there",
        ];
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        for t in text {
            rows.push(vec![
                Cell::from(t),
                Cell::Int(-42),
                Cell::Float(1.0 / 3.0),
                Cell::Empty,
            ]);
            rows.push(vec![Cell::from(t)]);
            rows.push(vec![Cell::Empty, Cell::from(t)]);
        }
        rows.push(vec![Cell::Empty]);
        rows.push(vec![
            Cell::Float(f64::NAN),
            Cell::Float(1e21),
            Cell::Int(i64::MIN),
        ]);
        assert_eq!(
            String::from_utf8(table_rows(&rows).unwrap()).unwrap(),
            String::from_utf8(with_writer(&rows)).unwrap()
        );
        // A table in blocks is the table at once.
        let t = Table {
            name: crate::report::TableId::Throughput,
            header: vec!["a", "b", "c", "d"],
            rows: rows.iter().cycle().take(20_000).cloned().collect(),
        };
        let mut all = with_writer(&[t.header.iter().map(|h| Cell::from(*h)).collect()]);
        all.extend(with_writer(&t.rows));
        assert_eq!(table(&t).unwrap(), all);
    }

    /// `items.csv` rows as the `csv` writer writes them (what [`item_rows`] wrote before it
    /// appended fields itself).
    fn item_rows_with_writer(items: &[crate::metrics::items::ItemRecord]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let mut b = String::new();
        for r in items {
            w.write_field(csv_safe(&r.item_id).as_bytes()).unwrap();
            w.write_field(csv_safe(r.team_name()).as_bytes()).unwrap();
            for t in [Some(r.created), r.started(), r.finished()] {
                b.clear();
                if let Some(t) = t {
                    crate::time::format_instant_into(&mut b, t);
                }
                w.write_field(&b).unwrap();
            }
            w.write_field(r.outcome.name()).unwrap();
            for x in day_figures(r) {
                b.clear();
                if let Some(x) = x {
                    num_into(&mut b, x);
                }
                w.write_field(&b).unwrap();
            }
            for n in counts(r) {
                w.write_field(n.to_string()).unwrap();
            }
            w.write_record(None::<&[u8]>).unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn item_rows_are_the_bytes_the_csv_writer_gives() {
        use crate::metrics::items::record;
        use crate::timeline::testing::*;
        use crate::timeline::Timeline;
        let c = ctx(30.0);
        let histories: [&[crate::timeline::EventRef<'static>]; 4] = [
            &[
                ev(0.0, Some("To Do"), Some("ann"), Some("T")),
                st(1.5, "In Progress"),
                st(4.25, "Blocked"),
                st(6.0, "In Progress"),
                st(9.123456, "Done"),
            ],
            &[
                ev(0.0, Some("In Progress"), None, None),
                st(2.0, "Done"),
                st(3.0, "In Progress"),
            ],
            &[ev(0.0, Some("To Do"), None, Some("U"))],
            &[ev(-40_000.0, Some("Won't Do"), None, Some("V"))],
        ];
        let ids = [
            "A-1",
            "a,b",
            "say \"hi\"",
            "=cmd",
            "two\nlines",
            "",
            "-x",
            "é",
        ];
        let teams = ["T", "Team, A", "+t", "@", "q\"uote", "cr\r"];
        let mut items = Vec::new();
        for (k, h) in histories.iter().cycle().take(40).enumerate() {
            let mut r = record(&Timeline::build("id", h, &c), &c, &mut Default::default());
            r.item_id = ids[k % ids.len()].into();
            if k % 3 != 0 {
                r.team = Some(crate::name::Name::from(teams[k % teams.len()]));
            }
            r.events = (k as u32) * 1_234_567;
            r.handoffs = u32::MAX - k as u32;
            items.push(r);
        }
        assert_eq!(
            String::from_utf8(item_rows(&items).unwrap()).unwrap(),
            String::from_utf8(item_rows_with_writer(&items)).unwrap()
        );
    }

    #[test]
    fn a_run_table_is_its_rows_written_one_by_one() {
        use crate::metrics::blockers::ItemIds;
        let ids = ["A-1", "a,b", "=cmd", "", "say \"hi\"", "two\nlines", "é"];
        let runs: Vec<(Vec<Cell>, std::sync::Arc<ItemIds>)> = (0..400)
            .map(|k| {
                let lead = match k % 4 {
                    0 => vec![
                        Cell::Int(k),
                        Cell::from("queue, In Review"),
                        Cell::Float(1.5),
                    ],
                    1 => vec![Cell::from("=x"), Cell::Empty],
                    2 => vec![],
                    _ => vec![Cell::from("")],
                };
                let run: ItemIds = ids
                    .iter()
                    .cycle()
                    .skip(k as usize)
                    .take(1 + k as usize % 9)
                    .copied()
                    .collect();
                (lead, std::sync::Arc::new(run))
            })
            .collect();
        let t = RunTable {
            name: crate::report::TableId::BlockerItems,
            header: vec!["rank", "kind", "item_id"],
            runs: runs.clone(),
        };
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        for (lead, run) in &runs {
            for id in run.iter() {
                let mut row = lead.clone();
                row.push(Cell::from(id));
                rows.push(row);
            }
        }
        let mut all = with_writer(&[t.header.iter().map(|h| Cell::from(*h)).collect()]);
        all.extend(with_writer(&rows));
        let mut got = Vec::new();
        run_table(&t, &mut got).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(all).unwrap()
        );
    }

    #[test]
    fn a_week_table_is_its_rows_written_one_by_one() {
        // Groups needing quotes or formula neutralising, counts of every width, and enough
        // rows to cross the writer's 64 KB flushes.
        let weeks: Vec<String> = (1..=28)
            .map(|d| format!("2024-02-{d:02}"))
            .chain(["=week".to_string()])
            .collect();
        let names = ["*", "Team, A", "=SUM(A1)", "say \"hi\"", "", "plain"];
        let groups: Vec<(String, Vec<u64>)> = (0..3000)
            .map(|g| {
                let counts = (0..weeks.len() as u64)
                    .map(|w| [0, 7, 10, 99, 100, 12_345, 9_876_543_210][((g + w) % 7) as usize])
                    .collect();
                (
                    format!("{}{}", names[g as usize % names.len()], g / 6),
                    counts,
                )
            })
            .collect();
        let t = WeekTable {
            name: crate::report::TableId::Throughput,
            header: vec!["week_start", "team", "done"],
            weeks: weeks.clone(),
            groups: groups.clone(),
        };
        let rows: Vec<Vec<Cell>> = groups
            .iter()
            .flat_map(|(g, counts)| {
                weeks.iter().zip(counts).map(move |(w, n)| {
                    vec![
                        Cell::from(w.as_str()),
                        Cell::from(g.as_str()),
                        Cell::from(*n),
                    ]
                })
            })
            .collect();
        let expanded = Table {
            name: t.name,
            header: t.header.clone(),
            rows,
        };
        let mut got = Vec::new();
        week_table(&t, &mut got).unwrap();
        assert_eq!(got.len(), table(&expanded).unwrap().len());
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(table(&expanded).unwrap()).unwrap()
        );
    }
}
