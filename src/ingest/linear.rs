//! Linear CSV export (FORMATS.md §3): one row per issue, 30 columns (2024, ends `SLA Status,
//! Roadmaps`) or 34 columns (2026, adds `UUID`, `Time in status (minutes)` and relations).
//!
//! Responsibility: turn each row into the canonical events of one item (METRICS.md §1) and
//! sniff whether a file is a Linear export ([`sniff`]).
//!
//! The export has no transition history: only the current `Status` (its state *type* is not
//! exported) and the instants at which the issue last entered a state of each type
//! (`Triaged` = left triage, `Started`, `Completed`, `Canceled`). Decisions:
//! - Columns are found by header name (case-insensitive); rows may be one field short (the
//!   2024 exporter drops a trailing empty cell): the reader is flexible and missing cells are
//!   empty. `ID`, `Status` and `Created` are required.
//! - Dates are ISO 8601 (`2026-04-01T12:14:13.882Z`) or JavaScript `Date.toString`
//!   (`Thu Feb 05 2026 08:46:08 GMT+0000 (GMT)`), cell by cell ([`crate::time`]).
//! - Events of a row, in time order (ties: creation, triaged, started, completed, canceled):
//!   * at `Created`: the creation event with `team` = `Team`, `assignee` = `Assignee` (the
//!     only assignee known), `actor` = `Creator`; its status is `Triage` when the row has a
//!     `Triaged` stamp, the current `Status` when it has no stamp at all, else `Backlog`;
//!   * one event per stamp. The latest stamp sets the current `Status` (the state it entered
//!     is the one the issue is in); earlier stamps set synthetic names: `Triaged` →
//!     `Backlog`, `Started` → `In Progress`, `Completed` → `Done`, `Canceled` → `Canceled`.
//!     So a Done issue with no `Started` goes `Backlog` → `Done` with no committed status:
//!     METRICS.md then gives it a null cycle time and counts the warning (16 of 44 Done
//!     issues in the real 2026 export);
//!   * When the current status's name contradicts the type of the latest stamp (e.g. `Todo`
//!     with a `Started` stamp: the issue was moved back and Linear kept the stamp), every
//!     stamp sets its synthetic name and one more event at `Updated` (never before the
//!     latest stamp) sets the current `Status`.
//! - Source categories (`hints.source_categories`, METRICS.md §2 "Linear state types"): the
//!   synthetic names carry their type (`Triage`/`Backlog` backlog, `In Progress` committed,
//!   `Done` done, `Canceled` canceled); a current status gets the type implied by the row's
//!   latest stamp (none or `Triaged` → backlog, `Started` → committed, …) unless its name
//!   contradicts it. Rows vote per status name; the strict majority wins, a tie gives no hint
//!   (the name patterns decide). `hints.current_status` holds every item's `Status`.
//! - Item id = `ID`; the stable key is `UUID` when present (else `ID`): a row seen twice (in
//!   one file or across exports) is kept once, the one with the latest `Updated` (ties: the
//!   first), with that row's `ID` (ids change when an issue moves team).
//! - `Archived`, `Time in status (minutes)`, `Due Date` and relations are not events.
//!
//! Invariants: `source` = `linear` and `created` = `Created` on every event; no panics on
//! data; errors name the file, the line (and issue), the column and the value.

use super::imported::{ImportContext, Imported};
use crate::error::{shown, IngestError, Location};
use crate::model::{Category, Event, SourceCategory, Ts};
use crate::status::pattern_category;
use crate::time::{parse_instant, parse_js_date};
use crate::warning::{WarningKind, Warnings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `source` of every Linear event.
pub const SOURCE: &str = "linear";

/// Columns every Linear export has and this importer needs.
const REQUIRED: [&str; 3] = ["ID", "Status", "Created"];
/// Columns a header must have to be sniffed as Linear, besides one of [`MARKERS`].
const SNIFF_ALL: [&str; 6] = ["ID", "Team", "Title", "Status", "Created", "Completed"];
/// Columns only Linear's exporter writes.
const MARKERS: [&str; 5] = [
    "Cycle Number",
    "Project Milestone",
    "SLA Status",
    "Triaged",
    "Project Milestone ID",
];

/// Synthetic status names for stamps that are not the latest of their row.
const TRIAGE: &str = "Triage";
const BACKLOG: &str = "Backlog";
const STARTED: &str = "In Progress";
const COMPLETED: &str = "Done";
const CANCELED: &str = "Canceled";

/// Does the head of a file look like a Linear CSV export? True when its first line is a CSV
/// header holding `ID`, `Team`, `Title`, `Status`, `Created`, `Completed` and at least one
/// column only Linear writes (`Cycle Number`, `Project Milestone`, `SLA Status`, …).
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let Some(names) = header_of(head) else {
        return false;
    };
    let has = |c: &str| names.iter().any(|n| n.eq_ignore_ascii_case(c));
    SNIFF_ALL.iter().all(|c| has(c)) && MARKERS.iter().any(|c| has(c))
}

/// The first line of `head` as CSV fields (trimmed, BOM removed).
fn header_of(head: &[u8]) -> Option<Vec<String>> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let end = head.iter().position(|b| *b == b'\n').unwrap_or(head.len());
    let line = std::str::from_utf8(head.get(..end)?).ok()?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let rec = r.records().next()?.ok()?;
    Some(rec.iter().map(|s| s.trim().to_string()).collect())
}

/// Column positions, by header name.
struct Columns {
    id: usize,
    status: usize,
    created: usize,
    team: Option<usize>,
    creator: Option<usize>,
    assignee: Option<usize>,
    updated: Option<usize>,
    triaged: Option<usize>,
    started: Option<usize>,
    completed: Option<usize>,
    canceled: Option<usize>,
    uuid: Option<usize>,
}

impl Columns {
    fn new(header: &csv::StringRecord, path: &Path) -> Result<Columns, IngestError> {
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let find = |c: &str| names.iter().position(|n| n.eq_ignore_ascii_case(c));
        let need = |c: &'static str| {
            find(c).ok_or_else(|| IngestError::MissingColumn {
                path: path.to_path_buf(),
                column: c,
                aliases: format!("{c} (the Linear export's column)"),
                found: shown(&names.join(",")),
            })
        };
        let [id, status, created] = REQUIRED;
        Ok(Columns {
            id: need(id)?,
            status: need(status)?,
            created: need(created)?,
            team: find("Team"),
            creator: find("Creator"),
            assignee: find("Assignee"),
            updated: find("Updated"),
            triaged: find("Triaged"),
            started: find("Started"),
            completed: find("Completed"),
            canceled: find("Canceled"),
            uuid: find("UUID"),
        })
    }
}

/// The kinds of state-type stamp, in tie order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stamp {
    Triaged,
    Started,
    Completed,
    Canceled,
}

impl Stamp {
    /// The status an earlier (not latest) stamp sets.
    fn synthetic(self) -> &'static str {
        match self {
            Stamp::Triaged => BACKLOG,
            Stamp::Started => STARTED,
            Stamp::Completed => COMPLETED,
            Stamp::Canceled => CANCELED,
        }
    }

    /// The state type the issue entered at this stamp.
    fn category(self) -> SourceCategory {
        match self {
            Stamp::Triaged => SourceCategory::Backlog,
            Stamp::Started => SourceCategory::Committed,
            Stamp::Completed => SourceCategory::Done,
            Stamp::Canceled => SourceCategory::Canceled,
        }
    }
}

/// One kept row.
struct Row {
    file: usize,
    id: String,
    status: String,
    team: Option<String>,
    creator: Option<String>,
    assignee: Option<String>,
    created: Ts,
    updated: Option<Ts>,
    stamps: Vec<(Ts, Stamp)>,
}

/// Does the status name contradict the state type of the row's latest stamp? Names the
/// patterns do not know never contradict; a committed type accepts done-like names ("Dev
/// Done" is a queue inside the workflow, METRICS.md §2); terminal types accept both terminal
/// patterns.
fn contradicts(t: SourceCategory, name: &str) -> bool {
    let Some(c) = pattern_category(name, false) else {
        return false;
    };
    match t {
        SourceCategory::Backlog => c != Category::Backlog,
        SourceCategory::Committed => matches!(c, Category::Backlog | Category::Canceled),
        SourceCategory::Done | SourceCategory::Canceled => !c.is_terminal(),
    }
}

/// Read every Linear CSV file of the input (rows seen twice are kept once, see the header).
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut out = Imported::default();
    let mut rows: Vec<Row> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for (fi, path) in paths.iter().enumerate() {
        read_file(path, fi, ctx, &mut rows, &mut by_key, &mut out.warnings)?;
    }
    if rows.is_empty() {
        return Err(IngestError::Empty {
            path: paths.first().cloned().unwrap_or_default(),
            reason: "the Linear export has a header but no issue rows".into(),
        });
    }
    let mut tally = super::replay::FileTally::new(paths.len());
    let mut votes: BTreeMap<String, [u32; 4]> = BTreeMap::new();
    for row in &rows {
        let n = emit(row, &mut out, &mut votes);
        // Every row is an item of its file, with or without events.
        tally.seen(row.file);
        tally.events(row.file, n);
        out.hints
            .current_status
            .insert(row.id.clone(), row.status.clone());
    }
    const CATS: [SourceCategory; 4] = [
        SourceCategory::Backlog,
        SourceCategory::Committed,
        SourceCategory::Done,
        SourceCategory::Canceled,
    ];
    for (name, v) in votes {
        let max = v.iter().copied().max().unwrap_or(0);
        let winners: Vec<usize> = (0..4).filter(|&i| v[i] == max).collect();
        if let [w] = winners.as_slice() {
            out.hints
                .source_categories
                .insert((SOURCE.to_string(), name), CATS[*w]);
        }
    }
    out.items = rows.len();
    out.files = tally.files(paths);
    Ok(out)
}

fn vote(votes: &mut BTreeMap<String, [u32; 4]>, name: &str, c: SourceCategory) {
    let i = match c {
        SourceCategory::Backlog => 0,
        SourceCategory::Committed => 1,
        SourceCategory::Done => 2,
        SourceCategory::Canceled => 3,
    };
    votes.entry(name.to_string()).or_insert([0; 4])[i] += 1;
}

/// Push the events of one row; returns how many.
fn emit(row: &Row, out: &mut Imported, votes: &mut BTreeMap<String, [u32; 4]>) -> u64 {
    let cur = row.status.as_str();
    let last = row.stamps.last().copied();
    let cur_type = last.map_or(SourceCategory::Backlog, |(_, s)| s.category());
    let consistent = !contradicts(cur_type, cur);
    if consistent {
        vote(votes, cur, cur_type);
    }
    let first = if row.stamps.iter().any(|(_, s)| *s == Stamp::Triaged) {
        TRIAGE
    } else if row.stamps.is_empty() {
        cur
    } else {
        BACKLOG
    };
    if !row.stamps.is_empty() {
        vote(votes, first, SourceCategory::Backlog);
    }
    let ev = |ts: Ts, status: &str| Event {
        item_id: row.id.clone(),
        timestamp: ts,
        status: Some(status.to_string()),
        source: Some(SOURCE.to_string()),
        created: Some(row.created),
        ..Event::default()
    };
    // Creation first, then the stamps: a stable sort by instant keeps that order on ties.
    let mut events = vec![Event {
        team: row.team.clone(),
        assignee: row.assignee.clone(),
        actor: row.creator.clone(),
        ..ev(row.created, first)
    }];
    for (k, (ts, stamp)) in row.stamps.iter().enumerate() {
        let status = if k + 1 == row.stamps.len() && consistent {
            cur
        } else {
            vote(votes, stamp.synthetic(), stamp.category());
            stamp.synthetic()
        };
        events.push(ev(*ts, status));
    }
    if let (Some((last_ts, _)), false) = (last, consistent) {
        let at = row.updated.map_or(last_ts, |u| u.max(last_ts));
        events.push(ev(at, cur));
    }
    events.sort_by_key(|e| e.timestamp);
    let n = events.len() as u64;
    for e in events {
        out.batch.push(e);
    }
    n
}

/// Read the rows of one Linear file into `rows` (a row seen twice is kept once, under its key
/// in `by_key`).
fn read_file(
    path: &Path,
    fi: usize,
    ctx: &ImportContext,
    rows: &mut Vec<Row>,
    by_key: &mut BTreeMap<String, usize>,
    warnings: &mut Warnings,
) -> Result<(), IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let data = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(data);
    let header = rdr.headers().map_err(|e| malformed(path, e))?.clone();
    let cols = Columns::new(&header, path)?;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| malformed(path, e))?;
        let cells = RowCells {
            path,
            ctx,
            cols: &cols,
            line: rec.position().map_or(0, |p| p.line()),
            rec: &rec,
        };
        if let Some((key, row)) = cells.row(fi, warnings)? {
            keep(rows, by_key, key, row);
        }
    }
    Ok(())
}

/// The error for a header or record that is not readable CSV.
fn malformed(path: &Path, e: csv::Error) -> IngestError {
    let line = e.position().map_or(1, |p| p.line());
    IngestError::Malformed {
        path: path.to_path_buf(),
        record: Location::line(line),
        reason: format!("{e}; the file is not a readable CSV (save it as UTF-8 CSV)"),
    }
}

/// Keep `row` under `key`: a new key is added; of a key seen before, the row with the latest
/// `Updated` is kept (ties: the first).
fn keep(rows: &mut Vec<Row>, by_key: &mut BTreeMap<String, usize>, key: String, row: Row) {
    match by_key.get(&key) {
        Some(&k) => {
            if let Some(old) = rows.get_mut(k) {
                if row.updated > old.updated {
                    *old = row;
                }
            }
        }
        None => {
            by_key.insert(key, rows.len());
            rows.push(row);
        }
    }
}

/// One record of a Linear file (at `line`), read cell by cell into a [`Row`].
struct RowCells<'a> {
    path: &'a Path,
    ctx: &'a ImportContext,
    cols: &'a Columns,
    line: u64,
    rec: &'a csv::StringRecord,
}

impl<'a> RowCells<'a> {
    /// Cell `i`, trimmed (a short row's missing trailing cells are empty).
    fn cell(&self, i: usize) -> &'a str {
        self.rec.get(i).unwrap_or("").trim()
    }

    /// The cell of column `i`, when the column exists and the cell is not empty.
    fn opt(&self, i: Option<usize>) -> Option<String> {
        i.map(|i| self.cell(i))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// The row of file `fi` with its key (`UUID`, else `ID`); `None` for a row with an empty
    /// `ID` (counted as a warning unless the whole row is empty). An empty `Status` or
    /// `Created`, or a date that cannot be read, is an error.
    fn row(
        &self,
        fi: usize,
        warnings: &mut Warnings,
    ) -> Result<Option<(String, Row)>, IngestError> {
        let id = self.cell(self.cols.id);
        if id.is_empty() {
            self.warn_without_id(warnings);
            return Ok(None);
        }
        let line = self.line;
        let record = format!("line {line} (issue {id:?})");
        let (status, created) = self.required(&record, warnings)?;
        let updated = self.date(&record, "Updated", self.cols.updated, warnings)?;
        let stamps = self.stamps(&record, warnings)?;
        let row = Row {
            file: fi,
            id: id.to_string(),
            status: status.to_string(),
            team: self.opt(self.cols.team),
            creator: self.opt(self.cols.creator),
            assignee: self.opt(self.cols.assignee),
            created,
            updated,
            stamps,
        };
        let key = match self.opt(self.cols.uuid) {
            Some(u) => format!("uuid:{u}"),
            None => format!("id:{id}"),
        };
        Ok(Some((key, row)))
    }

    /// The row's `Status` and `Created` (every Linear issue has them): an error when either
    /// is empty, or when `Created` is not a date.
    fn required(&self, record: &str, w: &mut Warnings) -> Result<(&'a str, Ts), IngestError> {
        let status = self.cell(self.cols.status);
        if status.is_empty() {
            return Err(self.missing(
                record,
                "Status",
                "every Linear issue has a workflow status; re-export the file or fill \
                 in the status",
            ));
        }
        let Some(created) = self.date(record, "Created", Some(self.cols.created), w)? else {
            return Err(self.missing(
                record,
                "Created",
                "every Linear issue has a creation date; re-export the file or fill \
                 in the date",
            ));
        };
        Ok((status, created))
    }

    /// Count a row with an empty `ID` that has some other cell (a blank row is skipped
    /// silently).
    fn warn_without_id(&self, warnings: &mut Warnings) {
        if self.rec.iter().any(|c| !c.trim().is_empty()) {
            let line = self.line;
            warnings.add(WarningKind::RowWithoutItemId, 1, || {
                format!(
                    "{}: line {line}: a Linear row has an empty `ID` and was skipped; \
                     fill in the issue id or remove the row",
                    self.path.display()
                )
            });
        }
    }

    /// The error for the required column `field` left empty in the row `record`.
    fn missing(&self, record: &str, field: &str, reason: &str) -> IngestError {
        IngestError::BadValue {
            path: self.path.to_path_buf(),
            record: record.to_string().into(),
            field: field.into(),
            value: String::new(),
            reason: reason.into(),
        }
    }

    /// The instant in column `i` (named `field`) of the row `record`; `None` when the column
    /// is missing or the cell empty, an error when the cell is not a date.
    fn date(
        &self,
        record: &str,
        field: &str,
        i: Option<usize>,
        w: &mut Warnings,
    ) -> Result<Option<Ts>, IngestError> {
        let Some(v) = i.map(|i| self.cell(i)).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        parse_date(v, self.ctx, w)
            .map(Some)
            .map_err(|reason| IngestError::BadValue {
                path: self.path.to_path_buf(),
                record: record.to_string().into(),
                field: field.to_string(),
                value: shown(v),
                reason: format!(
                    "{reason}; fix the value or re-export from Linear (Settings → Export)"
                ),
            })
    }

    /// The row's state-type stamps, by instant (ties in stamp order).
    fn stamps(&self, record: &str, w: &mut Warnings) -> Result<Vec<(Ts, Stamp)>, IngestError> {
        let mut stamps = Vec::new();
        for (name, col, kind) in [
            ("Triaged", self.cols.triaged, Stamp::Triaged),
            ("Started", self.cols.started, Stamp::Started),
            ("Completed", self.cols.completed, Stamp::Completed),
            ("Canceled", self.cols.canceled, Stamp::Canceled),
        ] {
            if let Some(ts) = self.date(record, name, col, w)? {
                stamps.push((ts, kind));
            }
        }
        stamps.sort(); // by instant, ties in stamp order
        Ok(stamps)
    }
}

/// An ISO 8601 instant (counted when it has no offset) or a JavaScript `Date.toString`.
fn parse_date(
    v: &str,
    ctx: &ImportContext,
    w: &mut Warnings,
) -> Result<Ts, crate::time::TimeError> {
    if !v.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_js_date(v);
    }
    let (ts, how) = parse_instant(v, ctx.tz)?;
    let mut l = super::instants::LocalTimes::default();
    l.count(how, || format!("Linear date {v:?}"));
    l.warn(ctx.tz, w);
    Ok(ts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::imported::ImportOptions;
    use crate::time::format_instant;
    use chrono_tz::Tz;
    use std::io::Write;

    fn ctx() -> ImportContext {
        ImportContext {
            tz: Tz::UTC,
            options: ImportOptions::default(),
        }
    }

    fn utc(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn dataset(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/linear")).join(name)
    }

    fn temp(content: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        f
    }

    fn read_str(contents: &[&str]) -> Result<Imported, IngestError> {
        let files: Vec<_> = contents.iter().map(|c| temp(c)).collect();
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path().to_path_buf()).collect();
        read_many(&paths, &ctx())
    }

    /// Events of one item as (instant, status) pairs.
    fn timeline(r: &Imported, id: &str) -> Vec<(String, Option<String>)> {
        let b = &r.batch;
        (0..b.len())
            .filter(|&i| b.item_id[i] == id)
            .map(|i| (format_instant(b.timestamp[i]), b.status[i].clone()))
            .collect()
    }

    fn hint(r: &Imported, name: &str) -> Option<SourceCategory> {
        r.hints
            .source_categories
            .get(&(SOURCE.to_string(), name.to_string()))
            .copied()
    }

    const H34: &str = "\"ID\",\"Team\",\"Title\",\"Description\",\"Status\",\"Estimate\",\"Priority\",\"Project ID\",\"Project\",\"Creator\",\"Assignee\",\"Labels\",\"Cycle Number\",\"Cycle Name\",\"Cycle Start\",\"Cycle End\",\"Created\",\"Updated\",\"Started\",\"Triaged\",\"Completed\",\"Canceled\",\"Archived\",\"Due Date\",\"Parent issue\",\"Initiatives\",\"Project Milestone ID\",\"Project Milestone\",\"SLA Status\",\"UUID\",\"Time in status (minutes)\",\"Related to\",\"Blocked by\",\"Duplicate of\"";

    /// A 34-column row: (id, status, created, updated, started, triaged, completed, canceled, uuid).
    #[allow(clippy::too_many_arguments)]
    fn row34(
        id: &str,
        status: &str,
        created: &str,
        updated: &str,
        started: &str,
        triaged: &str,
        completed: &str,
        canceled: &str,
        uuid: &str,
    ) -> String {
        format!(
            "\"{id}\",\"Core\",\"T\",\"line one\n\"\"quoted\"\" line two\",\"{status}\",,\"High\",,,\"ann@x.io\",\"bob@x.io\",\"\",,,,,\"{created}\",\"{updated}\",\"{started}\",\"{triaged}\",\"{completed}\",\"{canceled}\",,,,\"\",,,,\"{uuid}\",42,,,"
        )
    }

    // Independent check (python3, csv.DictReader on the same file):
    //   75 rows, 75 distinct ID and UUID, 34 fields on every line, Team "K3 - Projekt i team";
    //   Status: Done 44 (16 without Started), Todo 14, Backlog 12, In Progress 4, In Review 1;
    //   non-empty stamps: Started 33, Completed 44, Triaged/Canceled 0.
    //   Events = 75 creations + 33 + 44 stamps = 152; status changes = 16×1 (Backlog→Done)
    //   + 28×2 (Backlog→In Progress→Done) + 5×1 (Backlog→In Progress/In Review) = 77.
    //   K3-5: Created Thu Feb 05 2026 08:46:08, Completed 08:49:02 (no Started); K3-18:
    //   Created Feb 05 09:10:26, Started Feb 10 10:47:44, Completed Feb 12 08:22:49.
    #[test]
    fn real_lianer_jsdate_34_columns() {
        let r = read_many(
            &[dataset("lianer_linear_export_2026_jsdate_34col.csv")],
            &ctx(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.items, 75);
        assert_eq!(r.batch.len(), 152);
        assert_eq!(r.files.len(), 1);
        assert_eq!((r.files[0].1, r.files[0].2), (75, 152));
        assert!(r
            .batch
            .source
            .iter()
            .all(|v| v.as_deref() == Some("linear")));
        assert!(r.batch.created.iter().all(Option::is_some));
        let mut changes = 0;
        let mut done_no_start = 0;
        let ids: std::collections::BTreeSet<&String> = r.batch.item_id.iter().collect();
        assert_eq!(ids.len(), 75);
        for id in ids {
            let t = timeline(&r, id);
            changes += t.windows(2).filter(|w| w[0].1 != w[1].1).count();
            let statuses: Vec<_> = t.iter().filter_map(|x| x.1.clone()).collect();
            if statuses.last().map(String::as_str) == Some("Done")
                && !statuses.iter().any(|x| x == "In Progress")
            {
                done_no_start += 1;
            }
        }
        assert_eq!(changes, 77);
        assert_eq!(done_no_start, 16);
        assert_eq!(
            timeline(&r, "K3-5"),
            [
                ("2026-02-05T08:46:08Z".to_string(), s("Backlog")),
                ("2026-02-05T08:49:02Z".to_string(), s("Done")),
            ]
        );
        assert_eq!(
            timeline(&r, "K3-18"),
            [
                ("2026-02-05T09:10:26Z".to_string(), s("Backlog")),
                ("2026-02-10T10:47:44Z".to_string(), s("In Progress")),
                ("2026-02-12T08:22:49Z".to_string(), s("Done")),
            ]
        );
        // K3-18 was created by alexander.jansson and is assigned to joco.borghol.
        let i = r.batch.item_id.iter().position(|x| x == "K3-18").unwrap();
        assert_eq!(r.batch.actor[i], s("alexander.jansson@chasacademy.se"));
        assert_eq!(r.batch.assignee[i], s("joco.borghol@gmail.com"));
        assert_eq!(r.batch.team[i], s("K3 - Projekt i team"));
        assert_eq!(r.batch.created[i], Some(utc("2026-02-05T09:10:26Z")));
        assert_eq!(hint(&r, "Done"), Some(SourceCategory::Done));
        assert_eq!(hint(&r, "In Review"), Some(SourceCategory::Committed));
        assert_eq!(hint(&r, "In Progress"), Some(SourceCategory::Committed));
        assert_eq!(hint(&r, "Todo"), Some(SourceCategory::Backlog));
        assert_eq!(hint(&r, "Backlog"), Some(SourceCategory::Backlog));
        assert_eq!(r.hints.current_status.len(), 75);
        assert_eq!(r.hints.current_status["K3-5"], "Done");
        assert!(r.warnings.is_empty());
    }

    // Independent check: python3 csv — 3 rows, all Backlog, no stamps; AWA-18 Created
    // 2026-04-01T12:14:13.882Z, Updated 2026-04-21T18:40:21.279Z.
    #[test]
    fn real_awaqi_iso_excerpt() {
        let r = read_many(
            &[dataset("awaqi_linear_export_2026_iso_EXCERPT.csv")],
            &ctx(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.items, r.batch.len()), (3, 3));
        assert_eq!(r.batch.item_id, ["AWA-18", "AWA-98", "AWA-64"]);
        assert_eq!(r.batch.timestamp[0], utc("2026-04-01T12:14:13.882Z"));
        assert_eq!(r.batch.status, [s("Backlog"), s("Backlog"), s("Backlog")]);
        assert_eq!(r.batch.team[0], s("Awaqi"));
        assert_eq!(hint(&r, "Backlog"), Some(SourceCategory::Backlog));
    }

    #[test]
    fn thirty_column_header_with_rows_one_field_short() {
        let cols: Vec<&str> = H34.split(',').take(29).collect();
        let header = format!("{},\"Roadmaps\"", cols.join(","));
        // 29 fields: the trailing empty Roadmaps cell is missing.
        let row = "\"ENG-1\",\"Eng\",\"T\",,\"In Progress\",,\"Low\",,,\"ann\",\"bob\",\"\",,,,,\"2024-03-01T10:00:00.000Z\",\"2024-03-05T10:00:00.000Z\",\"Mon Mar 04 2024 09:00:00 GMT+0100 (Central European Standard Time)\",,,,,,,,,,";
        assert_eq!(
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(row.as_bytes())
                .records()
                .next()
                .unwrap()
                .unwrap()
                .len(),
            29
        );
        let r = read_str(&[&format!("{header}\n{row}\n{row}\n")]).unwrap();
        assert!(sniff(header.as_bytes(), Path::new("x.csv")));
        // The same row twice (no UUID column: keyed by ID) is one item.
        assert_eq!(r.items, 1);
        assert_eq!(
            timeline(&r, "ENG-1"),
            [
                ("2024-03-01T10:00:00Z".to_string(), s("Backlog")),
                ("2024-03-04T08:00:00Z".to_string(), s("In Progress")),
            ]
        );
        assert_eq!(r.batch.assignee, [s("bob"), None]);
        assert_eq!(r.batch.actor, [s("ann"), None]);
    }

    #[test]
    fn triage_cancel_and_moved_back_rows() {
        let csv = [
            H34.to_string(),
            // Triaged then canceled: Triage → Backlog → Won't Do (current, canceled type).
            row34(
                "A-1",
                "Won't Do",
                "2024-01-01T00:00:00Z",
                "2024-01-09T00:00:00Z",
                "",
                "2024-01-02T00:00:00Z",
                "",
                "2024-01-03T00:00:00Z",
                "u1",
            ),
            // Started, completed, then moved back to Todo with the stamps kept: synthetic
            // names, and Todo at Updated.
            row34(
                "A-2",
                "Todo",
                "2024-01-01T00:00:00Z",
                "2024-01-09T00:00:00Z",
                "2024-01-02T00:00:00Z",
                "",
                "2024-01-04T00:00:00Z",
                "",
                "u2",
            ),
            // A started state with a name the patterns do not know, and one named "Dev Done".
            row34(
                "A-3",
                "Spec",
                "2024-01-01T00:00:00Z",
                "2024-01-09T00:00:00Z",
                "2024-01-02T00:00:00Z",
                "",
                "",
                "",
                "u3",
            ),
            row34(
                "A-4",
                "Dev Done",
                "2024-01-01T00:00:00Z",
                "2024-01-09T00:00:00Z",
                "2024-01-02T00:00:00Z",
                "",
                "",
                "",
                "u4",
            ),
            // Completed into a status the patterns do not know, never started.
            row34(
                "A-5",
                "Live",
                "2024-01-01T00:00:00Z",
                "2024-01-09T00:00:00Z",
                "",
                "",
                "2024-01-05T00:00:00Z",
                "",
                "u5",
            ),
        ]
        .join("\n");
        let r = read_str(&[&csv]).unwrap();
        assert_eq!(
            timeline(&r, "A-1"),
            [
                ("2024-01-01T00:00:00Z".to_string(), s("Triage")),
                ("2024-01-02T00:00:00Z".to_string(), s("Backlog")),
                ("2024-01-03T00:00:00Z".to_string(), s("Won't Do")),
            ]
        );
        assert_eq!(
            timeline(&r, "A-2"),
            [
                ("2024-01-01T00:00:00Z".to_string(), s("Backlog")),
                ("2024-01-02T00:00:00Z".to_string(), s("In Progress")),
                ("2024-01-04T00:00:00Z".to_string(), s("Done")),
                ("2024-01-09T00:00:00Z".to_string(), s("Todo")),
            ]
        );
        assert_eq!(hint(&r, "Won't Do"), Some(SourceCategory::Canceled));
        assert_eq!(hint(&r, "Triage"), Some(SourceCategory::Backlog));
        assert_eq!(hint(&r, "Spec"), Some(SourceCategory::Committed));
        assert_eq!(hint(&r, "Dev Done"), Some(SourceCategory::Committed));
        assert_eq!(hint(&r, "Live"), Some(SourceCategory::Done));
        assert_eq!(hint(&r, "Done"), Some(SourceCategory::Done));
        // Todo contradicted the Completed stamp: no vote, so no hint.
        assert_eq!(hint(&r, "Todo"), None);
        // Multi-line quoted descriptions do not break rows.
        assert_eq!(r.items, 5);
    }

    #[test]
    fn duplicate_uuid_across_files_keeps_the_latest_update() {
        let old = format!(
            "{H34}\n{}",
            row34(
                "OLD-7",
                "Todo",
                "2024-01-01T00:00:00Z",
                "2024-01-02T00:00:00Z",
                "",
                "",
                "",
                "",
                "same"
            )
        );
        let new = format!(
            "{H34}\n{}",
            row34(
                "NEW-1",
                "In Progress",
                "2024-01-01T00:00:00Z",
                "2024-02-01T00:00:00Z",
                "2024-01-20T00:00:00Z",
                "",
                "",
                "",
                "same"
            )
        );
        for order in [[&old, &new], [&new, &old]] {
            let r = read_str(&[order[0], order[1]]).unwrap();
            assert_eq!(r.items, 1);
            assert_eq!(
                timeline(&r, "NEW-1"),
                [
                    ("2024-01-01T00:00:00Z".to_string(), s("Backlog")),
                    ("2024-01-20T00:00:00Z".to_string(), s("In Progress")),
                ]
            );
            let per_file: Vec<(u64, u64)> = r.files.iter().map(|f| (f.1, f.2)).collect();
            let expect = if order[0] == &new {
                [(1, 2), (0, 0)]
            } else {
                [(0, 0), (1, 2)]
            };
            assert_eq!(per_file, expect);
        }
    }

    #[test]
    fn errors_name_file_line_field_and_value() {
        let bad = format!(
            "{H34}\n{}",
            row34(
                "B-1",
                "Todo",
                "Thu Feb 05 2026 08:46:08",
                "",
                "",
                "",
                "",
                "",
                "u"
            )
        );
        match read_str(&[&bad]) {
            Err(IngestError::BadValue {
                record,
                field,
                value,
                ..
            }) => {
                assert_eq!(record.to_string(), "line 2 (issue \"B-1\")");
                assert_eq!(field, "Created");
                assert_eq!(value, "Thu Feb 05 2026 08:46:08");
            }
            other => panic!("expected BadValue, got {other:?}"),
        }
        match read_str(&["\"ID\",\"Title\",\"Created\"\n\"X-1\",\"t\",\"2024-01-01\"\n"]) {
            Err(IngestError::MissingColumn { column, .. }) => assert_eq!(column, "Status"),
            other => panic!("expected MissingColumn, got {other:?}"),
        }
        assert!(matches!(read_str(&[H34]), Err(IngestError::Empty { .. })));
        // An offset-less ISO date is read in --tz and counted; an empty ID row is skipped.
        let local = format!(
            "{H34}\n{}\n{}",
            row34(
                "C-1",
                "Todo",
                "2024-01-01T10:00:00",
                "",
                "",
                "",
                "",
                "",
                "u"
            ),
            row34("", "Todo", "2024-01-01T10:00:00Z", "", "", "", "", "", "v")
        );
        let r = read_str(&[&local]).unwrap();
        assert_eq!(r.items, 1);
        assert_eq!(r.warnings.count(WarningKind::TimestampWithoutOffset), 1);
        assert_eq!(r.warnings.count(WarningKind::RowWithoutItemId), 1);
    }

    #[test]
    fn sniffing() {
        let p = Path::new("export.csv");
        for f in [
            "lianer_linear_export_2026_jsdate_34col.csv",
            "awaqi_linear_export_2026_iso_EXCERPT.csv",
        ] {
            let head: Vec<u8> = std::fs::read(dataset(f))
                .unwrap()
                .into_iter()
                .take(8192)
                .collect();
            assert!(sniff(&head, p), "{f}");
        }
        assert!(sniff(format!("\u{feff}{H34}").as_bytes(), p));
        assert!(!sniff(b"item_id,timestamp,status\n1,2024-01-01,a\n", p));
        let xes: Vec<u8> = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/xes/running-example.xes"
        ))
        .unwrap()
        .into_iter()
        .take(8192)
        .collect();
        assert!(!sniff(&xes, p));
        let jira: Vec<u8> = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/jira/bellali_jira_cloud_export.csv"
        ))
        .unwrap()
        .into_iter()
        .take(8192)
        .collect();
        assert!(!sniff(&jira, p));
        assert!(!sniff(
            b"\"ID\",\"Team\",\"Title\",\"Status\",\"Created\"\n",
            p
        ));
        assert!(!sniff(b"", p));
    }
}
