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
use chrono_tz::Tz;
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
    let col = InstantColumn {
        path,
        name,
        tz: opts.tz,
    };
    let out: Vec<Option<Ts>> = match s.dtype() {
        DataType::Datetime(_, zone) => {
            let aware = zone.is_some();
            let micros = s
                .cast(&DataType::Datetime(TimeUnit::Microseconds, zone.clone()))
                .and_then(|s| s.cast(&DataType::Int64))
                .map_err(|e| malformed(path, e))?;
            let ca = micros.i64().map_err(|e| malformed(path, e))?;
            col.read_micros(ca, aware, local)?
        }
        DataType::Date => {
            let days = s.cast(&DataType::Int32).map_err(|e| malformed(path, e))?;
            let ca = days.i32().map_err(|e| malformed(path, e))?;
            col.read_days(ca)?
        }
        _ => {
            let text = s.cast(&DataType::String).map_err(|e| malformed(path, e))?;
            let ca = text.str().map_err(|e| malformed(path, e))?;
            let fmt = col.text_format(ca, opts)?;
            col.read_text(ca, &fmt, local)?
        }
    };
    if required {
        if let Some(row) = out.iter().position(Option::is_none) {
            return Err(col.bad(
                row,
                String::new(),
                "the timestamp is empty; every event needs an instant".into(),
            ));
        }
    }
    Ok(out)
}

/// A column of instants being read: what its messages name, and the `--tz` of local times.
struct InstantColumn<'a> {
    path: &'a Path,
    name: &'a str,
    tz: Tz,
}

impl InstantColumn<'_> {
    /// The error for the value of `row`.
    fn bad(&self, row: usize, value: String, reason: String) -> IngestError {
        IngestError::BadValue {
            path: self.path.to_path_buf(),
            record: format!("row {}", row + 1).into(),
            field: self.name.to_string(),
            value: shown(&value),
            reason: format!("{reason}; fix the value or remove the row"),
        }
    }

    /// Count the instant of `row`, read as `o`, in `local`.
    fn count(&self, o: Offset, local: &mut Local, row: usize) {
        let (path, name) = (self.path, self.name);
        local.count(o, || format!("{}: row {}: {name}", path.display(), row + 1));
    }

    /// Arrow timestamps as microseconds: an `aware` one (with a time zone) is that instant,
    /// a naive one a wall-clock time read in `--tz`.
    fn read_micros(
        &self,
        ca: &Int64Chunked,
        aware: bool,
        local: &mut Local,
    ) -> Result<Vec<Option<Ts>>, IngestError> {
        let tz = self.tz;
        let mut v = Vec::with_capacity(ca.len());
        for (row, x) in ca.iter().enumerate() {
            v.push(match x {
                None => None,
                Some(us) if aware => Some(us),
                Some(us) => {
                    let naive = DateTime::from_timestamp_micros(us)
                        .ok_or_else(|| self.bad(row, us.to_string(), "out of range".into()))?
                        .naive_utc();
                    let (ts, o) = time::local_to_utc(naive, tz)
                        .map_err(|r| self.bad(row, naive.to_string(), r.to_string()))?;
                    self.count(o, local, row);
                    Some(ts)
                }
            });
        }
        Ok(v)
    }

    /// Dates (days since 1970-01-01): midnight in `--tz`.
    fn read_days(&self, ca: &Int32Chunked) -> Result<Vec<Option<Ts>>, IngestError> {
        let tz = self.tz;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let mut v = Vec::with_capacity(ca.len());
        for (row, d) in ca.iter().enumerate() {
            v.push(match d {
                None => None,
                Some(d) => {
                    let date = epoch
                        .checked_add_signed(chrono::Duration::days(i64::from(d)))
                        .ok_or_else(|| self.bad(row, d.to_string(), "out of range".into()))?;
                    Some(time::start_of_day(date, tz))
                }
            });
        }
        Ok(v)
    }

    /// The format of a text column: `[columns] timestamp_format` for the timestamp column,
    /// else the one its values show ([`time_formats::detect`]).
    fn text_format(&self, ca: &StringChunked, opts: &CsvOptions) -> Result<TsFormat, IngestError> {
        let (path, name) = (self.path, self.name);
        Ok(match opts.columns.timestamp_format.as_deref() {
            Some(f) if name_is_timestamp(name, opts) => {
                TsFormat::strftime(f).map_err(|reason| IngestError::BadValue {
                    path: path.to_path_buf(),
                    record: "config [columns]".into(),
                    field: "timestamp_format".into(),
                    value: f.to_string(),
                    reason,
                })?
            }
            _ => time_formats::detect(ca.iter().flatten()).map_err(|u| IngestError::BadValue {
                path: path.to_path_buf(),
                record: "column".into(),
                field: name.to_string(),
                value: format!("{}\" and \"{}", u.examples[0], u.examples[1]),
                reason: u.reason,
            })?,
        })
    }

    /// Text instants in `fmt`; an empty value is null.
    fn read_text(
        &self,
        ca: &StringChunked,
        fmt: &TsFormat,
        local: &mut Local,
    ) -> Result<Vec<Option<Ts>>, IngestError> {
        let tz = self.tz;
        let mut v = Vec::with_capacity(ca.len());
        for (row, x) in ca.iter().enumerate() {
            v.push(match x.map(str::trim).filter(|x| !x.is_empty()) {
                None => None,
                Some(x) => {
                    let r = match fmt {
                        TsFormat::Iso => time::parse_instant(x, tz),
                        f => time_formats::parse(f, x, tz),
                    };
                    let (ts, o) =
                        r.map_err(|reason| self.bad(row, x.to_string(), reason.to_string()))?;
                    self.count(o, local, row);
                    Some(ts)
                }
            });
        }
        Ok(v)
    }
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
    let df = scan(path)?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mapping = super::events_csv::map_header_with(&header, opts.columns);
    super::events_csv::check_mapping(path, &header, &mapping, opts.columns)?;
    let (df, dropped) = drop_rows_without_id(path, &df, &mapping)?;
    let frame = Frame {
        path,
        df: &df,
        mapping: &mapping,
    };
    let mut local = Local::default();
    let (ts, created) = frame.event_instants(&opts, &mut local)?;
    let ids = frame.text_of(Col::ItemId)?.unwrap_or_default();
    let items = ids
        .iter()
        .flatten()
        .collect::<rustc_hash::FxHashSet<&str>>()
        .len();
    let coded = frame.coded()?;
    let flags = frame.lifecycle(&header, &opts)?;
    let table = EventTable {
        item_id: ids.with_name(Col::ItemId.name().into()),
        timestamp: Int64Chunked::from_iter_options(Col::Timestamp.name().into(), ts.into_iter()),
        created: Int64Chunked::from_iter_options(Col::Created.name().into(), created.into_iter()),
        coded,
        flags,
    };
    let warnings = read_warnings(path, dropped, &local, opts.tz);
    Ok(EventsCsv {
        table,
        items,
        warnings,
    })
}

/// The whole file, read with polars.
fn scan(path: &Path) -> Result<DataFrame, IngestError> {
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| malformed(path, e))?;
    let args = ScanArgsParquet {
        glob: false,
        ..Default::default()
    };
    LazyFrame::scan_parquet(pl_path, args)
        .and_then(|lf| lf.collect())
        .map_err(|e| malformed(path, e))
}

/// The rows of `df` with an item id, and how many rows had none.
fn drop_rows_without_id(
    path: &Path,
    df: &DataFrame,
    mapping: &[(Col, Option<usize>)],
) -> Result<(DataFrame, u64), IngestError> {
    let ids = text(path, df, mapping, Col::ItemId)?.unwrap_or_default();
    let keep: BooleanChunked = ids
        .iter()
        .map(|v| Some(v.is_some_and(|s| !s.trim().is_empty())))
        .collect();
    let dropped = keep.iter().filter(|k| *k == Some(false)).count() as u64;
    let df = df.filter(&keep).map_err(|e| malformed(path, e))?;
    Ok((df, dropped))
}

/// The events' frame (rows without an item id dropped) with its header mapping.
struct Frame<'a> {
    path: &'a Path,
    df: &'a DataFrame,
    mapping: &'a [(Col, Option<usize>)],
}

impl Frame<'_> {
    /// The column of `c` ([`column`]).
    fn column_of(&self, c: Col) -> Option<&Column> {
        column(self.df, self.mapping, c)
    }

    /// The column of `c` as text ([`text`]).
    fn text_of(&self, c: Col) -> Result<Option<StringChunked>, IngestError> {
        text(self.path, self.df, self.mapping, c)
    }

    /// The timestamps and created instants (all null when the file has no created column).
    fn event_instants(
        &self,
        opts: &CsvOptions,
        local: &mut Local,
    ) -> Result<(Vec<Option<Ts>>, Vec<Option<Ts>>), IngestError> {
        let path = self.path;
        let n = self.df.height();
        let ts_col = self
            .column_of(Col::Timestamp)
            .ok_or_else(|| malformed(path, "no timestamp column"))?;
        let ts = instants(
            path,
            ts_col.name(),
            ts_col.as_materialized_series(),
            opts,
            true,
            local,
        )?;
        let created = match self.column_of(Col::Created) {
            Some(c) => instants(
                path,
                c.name(),
                c.as_materialized_series(),
                opts,
                false,
                local,
            )?,
            None => vec![None; n],
        };
        Ok((ts, created))
    }

    /// Status, assignee, team, actor and source, coded. As for the events CSV: the actor
    /// stands in when no event has an assignee (METRICS.md §1), and the source is `csv`
    /// when none is given.
    fn coded(&self) -> Result<[Coded; 5], IngestError> {
        let n = self.df.height();
        let mut coded: Vec<Coded> = Vec::with_capacity(5);
        for c in [
            Col::Status,
            Col::Assignee,
            Col::Team,
            Col::Actor,
            Col::Source,
        ] {
            coded.push(match self.text_of(c)? {
                Some(t) => Coded::from_text(&t),
                None => Coded::nulls(n),
            });
        }
        let [status, mut assignee, team, actor, mut source]: [Coded; 5] = coded
            .try_into()
            .map_err(|_| malformed(self.path, "five coded columns"))?;
        if assignee.all_null() {
            assignee = actor.clone();
        }
        source.fill_null("csv");
        Ok([status, assignee, team, actor, source])
    }

    /// Lifecycle transitions (an activity log's starts), as for the events CSV.
    fn lifecycle(&self, header: &[String], opts: &CsvOptions) -> Result<Vec<u8>, IngestError> {
        let path = self.path;
        Ok(
            match super::csv_columns::lifecycle_position(header, opts.columns) {
                Some(p) => {
                    let s = self.df.columns()[p]
                        .as_materialized_series()
                        .cast(&DataType::String)
                        .map_err(|e| malformed(path, e))?;
                    let ca = s.str().map_err(|e| malformed(path, e))?;
                    super::csv_columns::lifecycle_flags(ca.iter()).unwrap_or_default()
                }
                None => Vec::new(),
            },
        )
    }
}

/// The warnings of a read: rows without an item id, then instants without an offset.
fn read_warnings(path: &Path, dropped: u64, local: &Local, tz: Tz) -> Warnings {
    let mut warnings = Warnings::default();
    warnings.add(WarningKind::RowWithoutItemId, dropped, || {
        format!(
            "{}: {dropped} row(s) have an empty item id and were skipped",
            path.display()
        )
    });
    local.warn(tz, &mut warnings);
    warnings
}
