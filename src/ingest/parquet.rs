//! Parquet input (INTERFACE.md "Inputs"): the events CSV's columns — the same names,
//! aliases and `[columns]` — read with polars.
//!
//! Instants may be Arrow timestamps (with a time zone: that instant; without one: a wall-clock
//! time read in `--tz` and counted in the offset warning, as a CSV time without an offset),
//! dates (midnight in `--tz`), or text in any format the events CSV reads (decided once for
//! the column, [`crate::time_formats`]). Every other column is read as text. A row without an
//! item id is skipped (warning); the source defaults to `csv`, as for the events CSV, so the
//! audit of a Parquet file equals the audit of the same events as CSV.

use super::events_csv::{CsvOptions, EventsCsv};
use super::table::{Coded, EventTable};
use crate::error::{shown, IngestError};
use crate::model::{Col, Ts};
use crate::time::{self, Offset};
use crate::time_formats::{self, TsFormat};
use crate::warning::{WarningKind, Warnings};
use chrono::{DateTime, NaiveDate};
use polars::prelude::*;
use std::path::Path;

fn malformed(path: &Path, e: impl std::fmt::Display) -> IngestError {
    IngestError::Malformed {
        path: path.to_path_buf(),
        record: "Parquet".into(),
        reason: format!("{e}; check that the file is a Parquet file of events"),
    }
}

use super::instants::LocalTimes as Local;

/// A column of instants as UTC microseconds (None for nulls); `required` refuses a null.
fn instants(
    path: &Path,
    name: &str,
    s: &Series,
    opts: &CsvOptions,
    required: bool,
    local: &mut Local,
) -> Result<Vec<Option<Ts>>, IngestError> {
    let tz = opts.tz;
    let bad = |row: usize, value: String, reason: String| IngestError::BadValue {
        path: path.to_path_buf(),
        record: format!("row {}", row + 1).into(),
        field: name.to_string(),
        value: shown(&value),
        reason: format!("{reason}; fix the value or remove the row"),
    };
    let count = |o: Offset, local: &mut Local, row: usize| {
        local.count(o, || format!("{}: row {}: {name}", path.display(), row + 1));
    };
    let out: Vec<Option<Ts>> = match s.dtype() {
        DataType::Datetime(_, zone) => {
            let aware = zone.is_some();
            let micros = s
                .cast(&DataType::Datetime(TimeUnit::Microseconds, zone.clone()))
                .and_then(|s| s.cast(&DataType::Int64))
                .map_err(|e| malformed(path, e))?;
            let ca = micros.i64().map_err(|e| malformed(path, e))?;
            let mut v = Vec::with_capacity(ca.len());
            for (row, x) in ca.iter().enumerate() {
                v.push(match x {
                    None => None,
                    Some(us) if aware => Some(us),
                    Some(us) => {
                        let naive = DateTime::from_timestamp_micros(us)
                            .ok_or_else(|| bad(row, us.to_string(), "out of range".into()))?
                            .naive_utc();
                        let (ts, o) = time::local_to_utc(naive, tz)
                            .map_err(|r| bad(row, naive.to_string(), r.to_string()))?;
                        count(o, local, row);
                        Some(ts)
                    }
                });
            }
            v
        }
        DataType::Date => {
            let days = s.cast(&DataType::Int32).map_err(|e| malformed(path, e))?;
            let ca = days.i32().map_err(|e| malformed(path, e))?;
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            let mut v = Vec::with_capacity(ca.len());
            for (row, d) in ca.iter().enumerate() {
                v.push(match d {
                    None => None,
                    Some(d) => {
                        let date = epoch
                            .checked_add_signed(chrono::Duration::days(i64::from(d)))
                            .ok_or_else(|| bad(row, d.to_string(), "out of range".into()))?;
                        Some(time::start_of_day(date, tz))
                    }
                });
            }
            v
        }
        _ => {
            let text = s.cast(&DataType::String).map_err(|e| malformed(path, e))?;
            let ca = text.str().map_err(|e| malformed(path, e))?;
            let fmt = match opts.columns.timestamp_format.as_deref() {
                Some(f) if name_is_timestamp(name, opts) => {
                    TsFormat::strftime(f).map_err(|reason| IngestError::BadValue {
                        path: path.to_path_buf(),
                        record: "config [columns]".into(),
                        field: "timestamp_format".into(),
                        value: f.to_string(),
                        reason,
                    })?
                }
                _ => time_formats::detect(ca.iter().flatten()).map_err(|u| {
                    IngestError::BadValue {
                        path: path.to_path_buf(),
                        record: "column".into(),
                        field: name.to_string(),
                        value: format!("{}\" and \"{}", u.examples[0], u.examples[1]),
                        reason: u.reason,
                    }
                })?,
            };
            let mut v = Vec::with_capacity(ca.len());
            for (row, x) in ca.iter().enumerate() {
                v.push(match x.map(str::trim).filter(|x| !x.is_empty()) {
                    None => None,
                    Some(x) => {
                        let r = match &fmt {
                            TsFormat::Iso => time::parse_instant(x, tz),
                            f => time_formats::parse(f, x, tz),
                        };
                        let (ts, o) =
                            r.map_err(|reason| bad(row, x.to_string(), reason.to_string()))?;
                        count(o, local, row);
                        Some(ts)
                    }
                });
            }
            v
        }
    };
    if required {
        if let Some(row) = out.iter().position(Option::is_none) {
            return Err(bad(
                row,
                String::new(),
                "the timestamp is empty; every event needs an instant".into(),
            ));
        }
    }
    Ok(out)
}

fn name_is_timestamp(name: &str, opts: &CsvOptions) -> bool {
    opts.columns.timestamp.as_deref().is_none_or(|t| {
        super::events_csv::normalise_header(t) == super::events_csv::normalise_header(name)
    })
}

/// The column of `c` in `df`, by the header mapping.
fn column<'d>(df: &'d DataFrame, mapping: &[(Col, Option<usize>)], c: Col) -> Option<&'d Column> {
    let pos = mapping
        .iter()
        .find(|(x, _)| *x == c)
        .and_then(|(_, p)| *p)?;
    df.columns().get(pos)
}

/// The column of `c` as text (None when the file has no such column).
fn text(
    path: &Path,
    df: &DataFrame,
    mapping: &[(Col, Option<usize>)],
    c: Col,
) -> Result<Option<StringChunked>, IngestError> {
    match column(df, mapping, c) {
        None => Ok(None),
        Some(col) => {
            let s = col
                .as_materialized_series()
                .cast(&DataType::String)
                .map_err(|e| malformed(path, e))?;
            Ok(Some(s.str().map_err(|e| malformed(path, e))?.clone()))
        }
    }
}

/// Read a Parquet file of events.
pub fn read(path: &Path, opts: CsvOptions) -> Result<EventsCsv, IngestError> {
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| malformed(path, e))?;
    let args = ScanArgsParquet {
        glob: false,
        ..Default::default()
    };
    let df = LazyFrame::scan_parquet(pl_path, args)
        .and_then(|lf| lf.collect())
        .map_err(|e| malformed(path, e))?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mapping = super::events_csv::map_header_with(&header, opts.columns);
    super::events_csv::check_mapping(path, &header, &mapping, opts.columns)?;
    let ids = text(path, &df, &mapping, Col::ItemId)?.unwrap_or_default();
    let keep: BooleanChunked = ids
        .iter()
        .map(|v| Some(v.is_some_and(|s| !s.trim().is_empty())))
        .collect();
    let dropped = keep.iter().filter(|k| *k == Some(false)).count() as u64;
    let df = df.filter(&keep).map_err(|e| malformed(path, e))?;
    let column = |c: Col| column(&df, &mapping, c);
    let n = df.height();
    let mut local = Local::default();
    let ts_col = column(Col::Timestamp).ok_or_else(|| malformed(path, "no timestamp column"))?;
    let ts = instants(
        path,
        ts_col.name(),
        ts_col.as_materialized_series(),
        &opts,
        true,
        &mut local,
    )?;
    let created = match column(Col::Created) {
        Some(c) => instants(
            path,
            c.name(),
            c.as_materialized_series(),
            &opts,
            false,
            &mut local,
        )?,
        None => vec![None; n],
    };
    let text = |c: Col| text(path, &df, &mapping, c);
    let ids = text(Col::ItemId)?.unwrap_or_default();
    let items = ids
        .iter()
        .flatten()
        .collect::<rustc_hash::FxHashSet<&str>>()
        .len();
    let mut coded: Vec<Coded> = Vec::with_capacity(5);
    for c in [
        Col::Status,
        Col::Assignee,
        Col::Team,
        Col::Actor,
        Col::Source,
    ] {
        coded.push(match text(c)? {
            Some(t) => Coded::from_text(&t),
            None => Coded::nulls(n),
        });
    }
    let [status, mut assignee, team, actor, mut source]: [Coded; 5] = coded
        .try_into()
        .map_err(|_| malformed(path, "five coded columns"))?;
    // As for the events CSV: the actor stands in when no event has an assignee
    // (METRICS.md §1), and the source is `csv` when none is given.
    if assignee.all_null() {
        assignee = actor.clone();
    }
    source.fill_null("csv");
    // Lifecycle transitions (an activity log's starts), as for the events CSV.
    let flags = match super::csv_columns::lifecycle_position(&header, opts.columns) {
        Some(p) => {
            let s = df.columns()[p]
                .as_materialized_series()
                .cast(&DataType::String)
                .map_err(|e| malformed(path, e))?;
            let ca = s.str().map_err(|e| malformed(path, e))?;
            super::csv_columns::lifecycle_flags(ca.iter()).unwrap_or_default()
        }
        None => Vec::new(),
    };
    let table = EventTable {
        item_id: ids.with_name(Col::ItemId.name().into()),
        timestamp: Int64Chunked::from_iter_options(Col::Timestamp.name().into(), ts.into_iter()),
        created: Int64Chunked::from_iter_options(Col::Created.name().into(), created.into_iter()),
        coded: [status, assignee, team, actor, source],
        flags,
    };
    let mut warnings = Warnings::default();
    warnings.add(WarningKind::RowWithoutItemId, dropped, || {
        format!(
            "{}: {dropped} row(s) have an empty item id and were skipped",
            path.display()
        )
    });
    local.warn(opts.tz, &mut warnings);
    Ok(EventsCsv {
        table,
        items,
        warnings,
    })
}
