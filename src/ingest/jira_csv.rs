//! Jira CSV export (FORMATS.md §1b): Cloud "Export CSV (all fields)" and Server "CSV (All
//! fields)". One row per issue, no history.
//!
//! Responsibility: turn each row into the few events the export supports, record Jira's
//! status category of the current status, and expose `[CHART] Time in Status`
//! ([`chart_time_in_status`], [`read_time_in_status`]).
//!
//! Reading: columns are found by header NAME (their order is not stable); repeated names
//! (`Labels`, `Sprint`, `Watchers` …) are kept as separate positions of a `StringRecord`
//! and a single-valued field takes its first non-empty cell. Quoted multi-line cells are
//! handled by the csv crate; rows may be ragged (`flexible`). Dates (`15/Feb/26 4:37 PM`,
//! `30/Jul/18 23:33`) carry no zone: they are read in `--tz`
//! ([`crate::time::parse_jira_csv_datetime`]) and counted once per file in
//! [`WarningKind::TimestampWithoutOffset`].
//!
//! Decisions (the export has no changelog):
//! - `item_id` = `Issue key`; an issue in several files is kept once, by `Issue id` (else the
//!   key), from the copy with the latest `Updated` (ties: the one read last).
//! - The current status's last category change is `Status Category Changed`; without that
//!   column, `Resolved` for a done category, else `Updated` when the category is known and
//!   not "To Do"; with no `Status Category` column either, only `Resolved`.
//! - An issue whose `Status Category` is "To Do" (or whose change time is not after
//!   `Created`) gets ONE event at `Created` carrying its current status. Otherwise it gets a
//!   creation event at `Created` with its initial status, then an event at the change time
//!   setting the current status. The initial status is deduced from `[CHART] Time in Status`
//!   when it proves it (two statuses, each entered once, one of them the current status,
//!   names via `[import] jira_status_ids`); else it is [`UNKNOWN_INITIAL_STATUS`], recorded
//!   as a backlog status (Jira issues are created in the workflow's initial status). Why not
//!   a creation event without status: the first status is in force from `created`, which
//!   would make a done issue done at creation (lead time 0).
//! - A `[CHART] Time in Status` with a single status entered once means the issue never
//!   moved: one event with the current status.
//! - Assignee = `Assignee` (display name, as rosters list people; `Assignee Id` is not used),
//!   on the creation event; empty = unknown. Actor of the creation = `Creator`.
//! - Team = the column named by `[import] jira_team_field` (`Custom field (<name>)` or the
//!   exact header); absent column or empty cell = no team (the roster decides).
//! - `Status Category` (To Do / In Progress / Done, or new / indeterminate / done) →
//!   `hints.source_categories` for the current status; the current status also goes to
//!   `hints.current_status`.
//! - A header-only export gives 0 items; when no file of the group has a row, the read is
//!   an [`IngestError::Empty`] error saying so.
//!
//! Invariants: never panics on data; errors name the file, the line (and issue key), the
//! column and the value.

use super::imported::{ImportContext, Imported};
use super::instants::LocalTimes;
use crate::error::{shown, IngestError, Location};
use crate::model::{Event, SourceCategory, Ts};
use crate::time::parse_jira_csv_datetime;
use crate::warning::WarningKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SOURCE: &str = "jira";
const CHART_COLUMN: &str = "Custom field ([CHART] Time in Status)";
/// The initial status of an issue that changed status category when the export cannot say
/// which status it was created in. Recorded as a backlog status in `source_categories`.
pub const UNKNOWN_INITIAL_STATUS: &str = "(initial status unknown)";

/// Does the head of a file look like a Jira CSV export? Its header holds `Issue key` and
/// `Issue id`, or `Issue key`, `Status` and `Created`.
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let text = String::from_utf8_lossy(head);
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(first.as_bytes());
    let Some(Ok(rec)) = r.records().next() else {
        return false;
    };
    let has = |n: &str| rec.iter().any(|c| c.trim() == n);
    has("Issue key") && (has("Issue id") || (has("Status") && has("Created")))
}

/// Parse a `[CHART] Time in Status` cell: `statusId_*:*_count_*:*_totalMillis` joined by
/// `_*|*_`, into (status id, times entered, total milliseconds), in cell order. Malformed
/// segments are skipped (see [`read_time_in_status`] for the strict reader).
pub fn chart_time_in_status(cell: &str) -> Vec<ChartEntry> {
    cell.split("_*|*_")
        .filter_map(|seg| parse_chart_segment(seg).ok().flatten())
        .collect()
}

/// One segment: `Ok(None)` when blank, `Err` when malformed.
fn parse_chart_segment(seg: &str) -> Result<Option<ChartEntry>, String> {
    let seg = seg.trim();
    if seg.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = seg.split("_*:*_").collect();
    let [id, count, millis] = parts.as_slice() else {
        return Err(format!(
            "segment {seg:?} is not statusId_*:*_count_*:*_totalMillis"
        ));
    };
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| format!("segment {seg:?}: count {count:?} is not a whole number"))?;
    let millis: i64 = millis
        .trim()
        .parse()
        .map_err(|_| format!("segment {seg:?}: milliseconds {millis:?} is not a whole number"))?;
    if id.trim().is_empty() {
        return Err(format!("segment {seg:?} has no status id"));
    }
    Ok(Some((id.trim().to_string(), count, millis)))
}

fn parse_chart_strict(cell: &str) -> Result<Vec<ChartEntry>, String> {
    let mut v = Vec::new();
    for seg in cell.split("_*|*_") {
        if let Some(x) = parse_chart_segment(seg)? {
            v.push(x);
        }
    }
    Ok(v)
}

/// One `[CHART] Time in Status` entry: (status id, times entered, total milliseconds).
pub type ChartEntry = (String, u32, i64);

/// Per issue key, its `[CHART] Time in Status` entries, as returned by
/// [`read_time_in_status`].
pub type TimeInStatus = BTreeMap<String, Vec<ChartEntry>>;

/// Per issue key, its `[CHART] Time in Status` entries (status id, times entered, total
/// milliseconds), for issues whose cell is not empty. A file without that column gives an
/// empty map. Status ids map to names through `[import] jira_status_ids`.
pub fn read_time_in_status(path: &Path) -> Result<TimeInStatus, IngestError> {
    let mut out = BTreeMap::new();
    let (cols, records) = open(path)?;
    let Some(chart) = cols.first(CHART_COLUMN) else {
        return Ok(out);
    };
    for rec in records {
        let (line, rec) = next_record(path, rec)?;
        let Some(key) = cols.cell(&rec, cols.key) else {
            continue;
        };
        let cell = rec.get(chart).unwrap_or("").trim();
        if cell.is_empty() {
            continue;
        }
        let v = parse_chart_strict(cell).map_err(|reason| IngestError::BadValue {
            path: path.to_path_buf(),
            record: format!("line {line} (issue {key:?})").into(),
            field: CHART_COLUMN.into(),
            value: shown(cell),
            reason,
        })?;
        out.insert(key.to_string(), v);
    }
    Ok(out)
}

/// Header positions by name.
struct Cols {
    by_name: BTreeMap<String, Vec<usize>>,
    key: usize,
    headers: Vec<String>,
}

impl Cols {
    fn all(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    fn first(&self, name: &str) -> Option<usize> {
        self.all(name).first().copied()
    }

    /// First non-empty trimmed cell among the columns named `name`.
    fn get<'r>(&self, rec: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        self.all(name)
            .iter()
            .find_map(|i| rec.get(*i).map(str::trim).filter(|s| !s.is_empty()))
    }

    fn cell<'r>(&self, rec: &'r csv::StringRecord, i: usize) -> Option<&'r str> {
        rec.get(i).map(str::trim).filter(|s| !s.is_empty())
    }

    fn require(&self, path: &Path, name: &'static str) -> Result<(), IngestError> {
        if self.by_name.contains_key(name) {
            return Ok(());
        }
        let mut found = self
            .headers
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if self.headers.len() > 30 {
            found.push_str(", …");
        }
        Err(IngestError::MissingColumn {
            path: path.to_path_buf(),
            column: name,
            aliases: name.to_string(),
            found,
        })
    }
}

type Records = csv::StringRecordsIntoIter<std::fs::File>;

fn open(path: &Path) -> Result<(Cols, Records), IngestError> {
    let file = std::fs::File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file);
    let header = r.headers().map_err(|e| csv_error(path, e))?.clone();
    let headers: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_string()
        })
        .collect();
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        by_name.entry(h.clone()).or_default().push(i);
    }
    let mut cols = Cols {
        by_name,
        key: 0,
        headers,
    };
    cols.require(path, "Issue key")?;
    cols.key = cols.first("Issue key").unwrap_or(0);
    Ok((cols, r.into_records()))
}

fn csv_error(path: &Path, e: csv::Error) -> IngestError {
    let line = e.position().map_or(0, csv::Position::line);
    let hint = if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
        "the file is not UTF-8; re-export it (Jira writes UTF-8) or convert it"
    } else {
        "the CSV is malformed (unbalanced quotes?); re-export it from Jira"
    };
    IngestError::Malformed {
        path: path.to_path_buf(),
        record: Location::line(line),
        reason: format!("{e}; {hint}"),
    }
}

fn next_record(
    path: &Path,
    rec: Result<csv::StringRecord, csv::Error>,
) -> Result<(u64, csv::StringRecord), IngestError> {
    let rec = rec.map_err(|e| csv_error(path, e))?;
    let line = rec.position().map_or(0, csv::Position::line);
    Ok((line, rec))
}

/// Jira's status category as written in the export (English names or keys).
fn category(s: &str) -> Option<SourceCategory> {
    match s.trim().to_lowercase().as_str() {
        "to do" | "new" => Some(SourceCategory::Backlog),
        "in progress" | "indeterminate" => Some(SourceCategory::Committed),
        "done" | "complete" => Some(SourceCategory::Done),
        _ => None,
    }
}

/// One issue row, parsed.
struct Row {
    stable: String,
    key: String,
    file: usize,
    created: Ts,
    updated: Option<Ts>,
    status: Option<String>,
    category: Option<SourceCategory>,
    changed: Option<Ts>,
    chart: Vec<ChartEntry>,
    assignee: Option<String>,
    creator: Option<String>,
    team: Option<String>,
}

/// Read every Jira CSV file at once; an issue in several files is kept once.
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut out = Imported::default();
    let mut rows: Vec<Row> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut tally = super::replay::FileTally::new(paths.len());
    for (fi, path) in paths.iter().enumerate() {
        let mut stamps = LocalTimes::default();
        let mut seen_here = std::collections::BTreeSet::new();
        let (cols, records) = open(path)?;
        cols.require(path, "Created")?;
        cols.require(path, "Status")?;
        let team_col = team_column(&cols, ctx.options.jira_team_field.as_deref());
        let mut without_key = 0u64;
        for rec in records {
            let (line, rec) = next_record(path, rec)?;
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let Some(row) = read_row(&cols, &rec, line, path, fi, team_col, ctx, &mut stamps)?
            else {
                without_key += 1;
                continue;
            };
            if seen_here.insert(row.stable.clone()) {
                tally.seen(fi);
            }
            match index.get(&row.stable) {
                Some(&i) => {
                    if let Some(old) = rows.get_mut(i) {
                        if row.updated >= old.updated {
                            *old = row;
                        }
                    }
                }
                None => {
                    index.insert(row.stable.clone(), rows.len());
                    rows.push(row);
                }
            }
        }
        stamps.warn(ctx.tz, &mut out.warnings);
        out.warnings
            .add(WarningKind::RowWithoutItemId, without_key, || {
                format!(
                    "{}: {without_key} rows without an `Issue key` were skipped",
                    path.display()
                )
            });
    }
    if rows.is_empty() {
        return Err(IngestError::Empty {
            path: paths.first().cloned().unwrap_or_default(),
            reason: "the Jira CSV export has a header but no issue rows; re-export it with a \
                     filter (JQL) that matches issues"
                .into(),
        });
    }
    for row in &rows {
        let before = out.batch.len();
        emit(row, ctx, &mut out);
        tally.events(row.file, (out.batch.len() - before) as u64);
    }
    out.items = rows.len();
    out.files = tally.files(paths);
    Ok(out)
}

/// The team column: `Custom field (<name>)` or the exact header named by the option.
fn team_column(cols: &Cols, configured: Option<&str>) -> Option<usize> {
    let c = configured?.trim();
    if c.is_empty() {
        return None;
    }
    cols.first(&format!("Custom field ({c})"))
        .or_else(|| cols.first(c))
        .or_else(|| {
            // Case-insensitive fallback, in header order.
            cols.headers.iter().position(|h| {
                h.eq_ignore_ascii_case(c) || h.eq_ignore_ascii_case(&format!("Custom field ({c})"))
            })
        })
}

#[allow(clippy::too_many_arguments)]
fn read_row(
    cols: &Cols,
    rec: &csv::StringRecord,
    line: u64,
    path: &Path,
    fi: usize,
    team_col: Option<usize>,
    ctx: &ImportContext,
    stamps: &mut LocalTimes,
) -> Result<Option<Row>, IngestError> {
    let Some(key) = cols.cell(rec, cols.key) else {
        return Ok(None);
    };
    let record = format!("line {line} (issue {key:?})");
    let mut date = |field: &'static str| -> Result<Option<Ts>, IngestError> {
        let Some(v) = cols.get(rec, field) else {
            return Ok(None);
        };
        match parse_jira_csv_datetime(v, ctx.tz) {
            Ok((ts, o)) => {
                stamps.count(o, || format!("{}: {record}: {field} {v:?}", path.display()));
                Ok(Some(ts))
            }
            Err(reason) => Err(IngestError::BadValue {
                path: path.to_path_buf(),
                record: record.clone().into(),
                field: field.into(),
                value: shown(v),
                reason: reason.to_string(),
            }),
        }
    };
    let created = date("Created")?.ok_or_else(|| IngestError::BadValue {
        path: path.to_path_buf(),
        record: record.clone().into(),
        field: "Created".into(),
        value: String::new(),
        reason: "every issue needs its creation date; re-export with the Created column".into(),
    })?;
    let updated = date("Updated")?;
    let resolved = date("Resolved")?;
    let scc = date("Status Category Changed")?;
    let cat_text = cols.get(rec, "Status Category");
    let category = cat_text.and_then(category);
    let changed = match (scc, category) {
        (Some(t), _) => Some(t),
        (None, Some(SourceCategory::Done)) => resolved.or(updated),
        (None, Some(SourceCategory::Backlog)) => None,
        (None, Some(_)) => updated,
        (None, None) => resolved,
    };
    let chart = cols
        .get(rec, CHART_COLUMN)
        .map(|c| {
            parse_chart_strict(c).map_err(|reason| IngestError::BadValue {
                path: path.to_path_buf(),
                record: record.clone().into(),
                field: CHART_COLUMN.into(),
                value: shown(c),
                reason,
            })
        })
        .transpose()?
        .unwrap_or_default();
    Ok(Some(Row {
        stable: cols.get(rec, "Issue id").unwrap_or(key).to_string(),
        key: key.to_string(),
        file: fi,
        created,
        updated,
        status: cols.get(rec, "Status").map(str::to_string),
        category,
        changed,
        chart,
        assignee: cols.get(rec, "Assignee").map(str::to_string),
        creator: cols.get(rec, "Creator").map(str::to_string),
        team: team_col.and_then(|i| cols.cell(rec, i)).map(str::to_string),
    }))
}

/// The initial status proved by `[CHART] Time in Status`: exactly two statuses, each entered
/// once, one of them the current status (by name through `jira_status_ids`).
fn initial_from_chart(row: &Row, ids: &BTreeMap<String, String>) -> Option<String> {
    let current = row.status.as_deref()?;
    let [(a, 1, _), (b, 1, _)] = row.chart.as_slice() else {
        return None;
    };
    let (na, nb) = (ids.get(a)?, ids.get(b)?);
    if na.eq_ignore_ascii_case(current) && !nb.eq_ignore_ascii_case(current) {
        Some(nb.clone())
    } else if nb.eq_ignore_ascii_case(current) && !na.eq_ignore_ascii_case(current) {
        Some(na.clone())
    } else {
        None
    }
}

fn emit(row: &Row, ctx: &ImportContext, out: &mut Imported) {
    if let Some(s) = &row.status {
        out.hints.current_status.insert(row.key.clone(), s.clone());
        if let Some(c) = row.category {
            out.hints.vote(SOURCE, s, c);
        }
    }
    let never_moved = matches!(row.chart.as_slice(), [(_, 1, _)]);
    let change = row.changed.filter(|t| {
        *t > row.created
            && row.category != Some(SourceCategory::Backlog)
            && row.status.is_some()
            && !never_moved
    });
    let base = Event {
        item_id: row.key.clone(),
        timestamp: row.created,
        source: Some(SOURCE.to_string()),
        created: Some(row.created),
        ..Event::default()
    };
    let initial = match change {
        None => row.status.clone(),
        Some(_) => Some(
            initial_from_chart(row, &ctx.options.jira_status_ids).unwrap_or_else(|| {
                out.hints.source_categories.insert(
                    (SOURCE.to_string(), UNKNOWN_INITIAL_STATUS.to_string()),
                    SourceCategory::Backlog,
                );
                UNKNOWN_INITIAL_STATUS.to_string()
            }),
        ),
    };
    out.batch.push(Event {
        status: initial,
        assignee: row.assignee.clone(),
        team: row.team.clone(),
        actor: row.creator.clone(),
        ..base.clone()
    });
    if let Some(t) = change {
        out.batch.push(Event {
            timestamp: t,
            status: row.status.clone(),
            ..base
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::imported::ImportOptions;
    use crate::time::{format_instant, parse_instant};
    use chrono_tz::Tz;

    fn ctx(tz: Tz, team: Option<&str>, ids: &[(&str, &str)]) -> ImportContext {
        ImportContext {
            tz,
            options: ImportOptions {
                jira_team_field: team.map(str::to_string),
                jira_status_ids: ids
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
                ..ImportOptions::default()
            },
        }
    }

    fn real(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/jira/")).join(name)
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn utc(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    fn events_of<'a>(r: &'a Imported, key: &str) -> Vec<(String, Option<&'a str>)> {
        (0..r.batch.len())
            .filter(|&i| r.batch.item_id[i] == key)
            .map(|i| {
                (
                    format_instant(r.batch.timestamp[i]),
                    r.batch.status[i].as_deref(),
                )
            })
            .collect()
    }

    // Expected numbers established with python3 (csv.reader + datetime.strptime(s,
    // "%d/%b/%y %I:%M %p") on the same file): 68 rows × 92 columns; Status Category To Do 51,
    // In Progress 4, Done 13; every non-To-Do issue has Status Category Changed > Created, so
    // 17 status transitions and 68 + 17 = 85 events; 50 rows have an Assignee. CS4483-68:
    // Created 15/Feb/26 4:37 PM, changed/resolved 4:51 PM (840 s), CHART
    // 10011:1:804990 | 10012:1:0. CS4483-29 (In Progress): 12:02 PM → 4:51 PM, no assignee.
    #[test]
    fn real_bellali_cloud_export() {
        let r = read_many(
            &[real("bellali_jira_cloud_export.csv")],
            &ctx(Tz::UTC, None, &[]),
        )
        .unwrap();
        assert_eq!(r.items, 68);
        assert_eq!(r.batch.len(), 85);
        let transitions = (0..r.batch.len())
            .filter(|&i| r.batch.timestamp[i] != r.batch.created[i].unwrap())
            .count();
        assert_eq!(transitions, 17);
        assert_eq!(r.batch.assignee.iter().filter(|a| a.is_some()).count(), 50);
        assert!(r.batch.source.iter().all(|s| s.as_deref() == Some("jira")));
        assert_eq!(
            events_of(&r, "CS4483-68"),
            vec![
                ("2026-02-15T16:37:00Z".into(), Some(UNKNOWN_INITIAL_STATUS)),
                ("2026-02-15T16:51:00Z".into(), Some("Done")),
            ]
        );
        let i68 = r
            .batch
            .item_id
            .iter()
            .position(|k| k == "CS4483-68")
            .unwrap();
        assert_eq!(
            r.batch.timestamp[i68 + 1] - r.batch.timestamp[i68],
            840_000_000
        );
        assert_eq!(
            events_of(&r, "CS4483-29"),
            vec![
                ("2026-02-15T12:02:00Z".into(), Some(UNKNOWN_INITIAL_STATUS)),
                ("2026-02-15T16:51:00Z".into(), Some("In Progress")),
            ]
        );
        assert_eq!(
            events_of(&r, "CS4483-1"),
            vec![("2026-02-15T08:38:00Z".into(), Some("To Do"))]
        );
        let cat = |s: &str| {
            r.hints
                .source_categories
                .get(&("jira".to_string(), s.to_string()))
                .copied()
        };
        assert_eq!(cat("To Do"), Some(SourceCategory::Backlog));
        assert_eq!(cat("In Progress"), Some(SourceCategory::Committed));
        assert_eq!(cat("Done"), Some(SourceCategory::Done));
        assert_eq!(cat(UNKNOWN_INITIAL_STATUS), Some(SourceCategory::Backlog));
        assert_eq!(r.hints.current_status.len(), 68);
        // Created, Updated, Resolved, Status Category Changed of every row, counted once.
        assert_eq!(r.warnings.entries().len(), 1);
        assert!(r.warnings.count(WarningKind::TimestampWithoutOffset) >= 68 * 3);

        // With the status ids, CHART proves the Done issues were created in "To Do".
        let r = read_many(
            &[real("bellali_jira_cloud_export.csv")],
            &ctx(Tz::UTC, None, &[("10011", "To Do"), ("10012", "Done")]),
        )
        .unwrap();
        assert_eq!(events_of(&r, "CS4483-68")[0].1, Some("To Do"));
        assert_eq!(
            events_of(&r, "CS4483-29")[0].1,
            Some(UNKNOWN_INITIAL_STATUS)
        );
    }

    #[test]
    fn real_time_in_status_and_zone() {
        let m = read_time_in_status(&real("bellali_jira_cloud_export.csv")).unwrap();
        // python3: 13 rows have a CHART cell (the Done issues).
        assert_eq!(m.len(), 13);
        assert_eq!(
            m.get("CS4483-68").unwrap(),
            &vec![
                ("10011".to_string(), 1, 804_990),
                ("10012".to_string(), 1, 0)
            ]
        );
        let ny: Tz = "America/New_York".parse().unwrap();
        let r = read_many(
            &[real("bellali_jira_cloud_export.csv")],
            &ctx(ny, None, &[]),
        )
        .unwrap();
        assert_eq!(events_of(&r, "CS4483-1")[0].0, "2026-02-15T13:38:00Z");
    }

    #[test]
    fn header_only_export_is_a_clear_empty_error() {
        let p = real("felipefernandes_jira_cloud_export_HEADER_ONLY.csv");
        let e = read_many(std::slice::from_ref(&p), &ctx(Tz::UTC, None, &[])).unwrap_err();
        assert!(matches!(e, IngestError::Empty { .. }));
        assert!(e.to_string().contains("no issue rows"), "{e}");
        // Alongside a file with rows, it is listed with 0 items.
        let r = read_many(
            &[p.clone(), real("bellali_jira_cloud_export.csv")],
            &ctx(Tz::UTC, None, &[]),
        )
        .unwrap();
        assert_eq!(r.files[0], (p, 0, 0));
        assert_eq!(r.items, 68);
    }

    #[test]
    fn sniffing() {
        for f in [
            "bellali_jira_cloud_export.csv",
            "felipefernandes_jira_cloud_export_HEADER_ONLY.csv",
        ] {
            let b = std::fs::read(real(f)).unwrap();
            assert!(sniff(&b[..b.len().min(8192)], &real(f)), "{f}");
        }
        let xes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/xes/running-example.xes"
        ))
        .unwrap();
        assert!(!sniff(&xes[..xes.len().min(8192)], Path::new("x.xes")));
        assert!(!sniff(
            b"item_id,timestamp,status\nA,2024-01-01,Open\n",
            Path::new("e.csv")
        ));
        assert!(!sniff(
            b"ID,Title,Status,Created\n",
            Path::new("linear.csv")
        ));
        assert!(sniff(
            b"Issue Type,Issue key,Status,Created\n",
            Path::new("server.csv")
        ));
    }

    #[test]
    fn columns_by_name_repeated_names_multiline_cells_24h_and_team() {
        let dir = tempfile::tempdir().unwrap();
        // Server order, 24-hour dates, repeated Labels/Sprint, quoted multi-line cell, no
        // Status Category columns; team from `Custom field (Team)`.
        let csv = "Issue Type,Issue key,Issue id,Labels,Labels,Summary,Status,Assignee,Created,Updated,Resolved,Custom field (Team),Sprint,Sprint\n\
                   Bug,AB-1,101,x,y,\"line one\nline, two\",Closed,Ann,30/Jul/18 23:33,01/Aug/18 10:00,31/Jul/18 08:15,Core,S1,S2\n\
                   Bug,AB-2,102,,,plain,Open,,29/Jul/18 09:00,01/Aug/18 10:00,,,,\n";
        let p = write(&dir, "server.csv", csv);
        let r = read_many(std::slice::from_ref(&p), &ctx(Tz::UTC, Some("Team"), &[])).unwrap();
        assert_eq!(r.items, 2);
        assert_eq!(
            events_of(&r, "AB-1"),
            vec![
                ("2018-07-30T23:33:00Z".into(), Some(UNKNOWN_INITIAL_STATUS)),
                ("2018-07-31T08:15:00Z".into(), Some("Closed")),
            ]
        );
        assert_eq!(
            events_of(&r, "AB-2"),
            vec![("2018-07-29T09:00:00Z".into(), Some("Open"))]
        );
        assert_eq!(r.batch.team[0].as_deref(), Some("Core"));
        assert_eq!(r.batch.assignee[0].as_deref(), Some("Ann"));
        assert_eq!(r.batch.team[2], None);
        assert!(r
            .hints
            .source_categories
            .get(&("jira".into(), "Closed".into()))
            .is_none());

        // The same issue again in a later export (other column order): kept once, newest wins.
        let csv2 =
            "Status,Created,Issue key,Issue id,Updated,Status Category,Status Category Changed\n\
                    Done,30/Jul/18 11:33 PM,AB-1,101,02/Aug/18 9:00 AM,Done,02/Aug/18 9:00 AM\n";
        let p2 = write(&dir, "later.csv", csv2);
        let r = read_many(&[p.clone(), p2.clone()], &ctx(Tz::UTC, None, &[])).unwrap();
        assert_eq!(r.items, 2);
        assert_eq!(
            events_of(&r, "AB-1"),
            vec![
                ("2018-07-30T23:33:00Z".into(), Some(UNKNOWN_INITIAL_STATUS)),
                ("2018-08-02T09:00:00Z".into(), Some("Done")),
            ]
        );
        assert_eq!(r.files, vec![(p, 2, 1), (p2, 1, 2)]);
        assert_eq!(r.warnings.entries().len(), 1);
    }

    #[test]
    fn single_status_chart_means_never_moved_and_errors_are_precise() {
        let dir = tempfile::tempdir().unwrap();
        let csv = format!(
            "Issue key,Issue id,Status,Created,Status Category,Status Category Changed,{CHART_COLUMN}\n\
             C-1,1,Doing,01/Mar/24 9:00 AM,In Progress,02/Mar/24 9:00 AM,3_*:*_1_*:*_0\n"
        );
        let r = read_many(&[write(&dir, "a.csv", &csv)], &ctx(Tz::UTC, None, &[])).unwrap();
        assert_eq!(
            events_of(&r, "C-1"),
            vec![("2024-03-01T09:00:00Z".into(), Some("Doing"))]
        );

        let bad = "Issue key,Status,Created\nC-2,Open,2024-03-01\n";
        let e = read_many(&[write(&dir, "b.csv", bad)], &ctx(Tz::UTC, None, &[]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("b.csv")
                && e.contains("line 2")
                && e.contains("C-2")
                && e.contains("Created"),
            "{e}"
        );

        let no_key = "Summary,Status,Created\nx,Open,01/Mar/24 9:00 AM\n";
        let e = read_many(&[write(&dir, "c.csv", no_key)], &ctx(Tz::UTC, None, &[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("Issue key"), "{e}");

        let bad_chart = format!(
            "Issue key,Status,Created,{CHART_COLUMN}\nC-3,Open,01/Mar/24 9:00 AM,3_*:*_x\n"
        );
        let e = read_many(
            &[write(&dir, "d.csv", &bad_chart)],
            &ctx(Tz::UTC, None, &[]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("C-3") && e.contains("[CHART]"), "{e}");
    }

    #[test]
    fn chart_cells() {
        assert_eq!(
            chart_time_in_status("10011_*:*_1_*:*_804990_*|*_10012_*:*_1_*:*_0"),
            vec![
                ("10011".to_string(), 1, 804_990),
                ("10012".to_string(), 1, 0)
            ]
        );
        assert_eq!(chart_time_in_status(""), vec![]);
        assert_eq!(
            chart_time_in_status("1_*:*_2_*:*_5_*|*_garbage_*|*_3_*:*_1_*:*_7"),
            vec![("1".to_string(), 2, 5), ("3".to_string(), 1, 7)]
        );
        assert!(parse_chart_strict("1_*:*_2").is_err());
        let _ = utc("2024-01-01T00:00:00Z");
    }
}
