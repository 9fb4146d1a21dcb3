//! Timestamp columns: a part's text column of instants parsed in parallel, the first bad
//! row named by its line, instants read without an offset counted.

use super::super::instants::LocalTimes;
use super::super::table::TextArray;
use super::RowLines;
use crate::error::{shown, IngestError};
use crate::model::Ts;
use crate::time::{self, Offset};
use crate::time_formats::{self, TsFormat};
use chrono_tz::Tz;
use polars::prelude::*;
use rayon::prelude::*;
use std::path::Path;

/// A part's instants and offset counts, or the first bad row (None: the value is empty).
type TsPart = Result<(Vec<Option<Ts>>, [(u64, Option<usize>); 2]), (usize, Option<String>)>;

/// Parse a text column of instants, in parallel. The first bad value (in row order) stops
/// the audit with its line.
#[allow(clippy::too_many_arguments)]
pub(super) fn parse_ts_column(
    path: &Path,
    field: &str,
    values: &StringChunked,
    fmt: &TsFormat,
    tz: Tz,
    required: bool,
    rows: &RowLines,
    seen: &mut LocalTimes,
) -> Result<Int64Chunked, IngestError> {
    let values = values.rechunk();
    let arr = values.downcast_as_array();
    const PART: usize = 1 << 16;
    let parts: Vec<TsPart> = (0..arr.len().div_ceil(PART))
        .into_par_iter()
        .map(|p| {
            let (lo, hi) = (p * PART, ((p + 1) * PART).min(arr.len()));
            parse_ts_part(arr, lo, hi, fmt, tz, required)
        })
        .collect();
    let column = TsColumn {
        path,
        field,
        arr,
        rows,
    };
    let ts = column.join(parts, seen)?;
    Ok(Int64Chunked::from_iter_options("ts".into(), ts.into_iter()))
}

/// Parse rows `lo..hi` of a text column of instants (one part of [`parse_ts_column`]).
fn parse_ts_part(
    arr: &TextArray,
    lo: usize,
    hi: usize,
    fmt: &TsFormat,
    tz: Tz,
    required: bool,
) -> TsPart {
    let mut out = Vec::with_capacity(hi - lo);
    // (count, first row) of instants read in `tz`, and of those moved out of a gap.
    let mut local = [(0u64, None::<usize>); 2];
    for i in lo..hi {
        match arr.get(i).map(str::trim).filter(|s| !s.is_empty()) {
            None if required => return Err((i, None)),
            None => out.push(None),
            Some(s) => match match fmt {
                TsFormat::Iso => time::parse_instant(s, tz),
                f => time_formats::parse(f, s, tz),
            } {
                Ok((ts, o)) => {
                    let k = match o {
                        Offset::Explicit => None,
                        Offset::Local => Some(0),
                        Offset::LocalGap => Some(1),
                    };
                    if let Some(k) = k {
                        local[k].0 += 1;
                        local[k].1.get_or_insert(i);
                    }
                    out.push(Some(ts));
                }
                Err(reason) => return Err((i, Some(reason.to_string()))),
            },
        }
    }
    Ok((out, local))
}

/// A text column of instants being parsed: what its messages name.
struct TsColumn<'a> {
    path: &'a Path,
    field: &'a str,
    arr: &'a TextArray,
    rows: &'a RowLines<'a>,
}

impl TsColumn<'_> {
    /// The parts' instants in row order, their offsets counted in `seen`; the first bad part
    /// (in row order) is the error.
    fn join(
        &self,
        parts: Vec<TsPart>,
        seen: &mut LocalTimes,
    ) -> Result<Vec<Option<Ts>>, IngestError> {
        let mut ts: Vec<Option<Ts>> = Vec::with_capacity(self.arr.len());
        for part in parts {
            match part {
                Ok((v, local)) => {
                    ts.extend(v);
                    self.count_local(local, seen);
                }
                Err((i, reason)) => return Err(self.bad_row(i, reason)),
            }
        }
        Ok(ts)
    }

    /// Count a part's instants read without an offset; the first row of a kind names it.
    fn count_local(&self, local: [(u64, Option<usize>); 2], seen: &mut LocalTimes) {
        let (path, field, arr, rows) = (self.path, self.field, self.arr, self.rows);
        for ((n, first), o) in local.into_iter().zip([Offset::Local, Offset::LocalGap]) {
            seen.count_n(o, n, || {
                let i = first.unwrap_or_default();
                format!(
                    "{}: {}: `{field}` {:?}",
                    path.display(),
                    rows.line(i),
                    arr.get(i).unwrap_or_default().trim()
                )
            });
        }
    }

    /// The error for row `i`: its value is empty (`None`) or unreadable for `reason`.
    fn bad_row(&self, i: usize, reason: Option<String>) -> IngestError {
        match reason {
            None => IngestError::BadValue {
                path: self.path.to_path_buf(),
                record: self.rows.line(i).into(),
                field: self.field.to_string(),
                value: String::new(),
                reason: "the timestamp is empty; every event needs an instant (fill it in or remove the row)".into(),
            },
            Some(reason) => IngestError::BadValue {
                path: self.path.to_path_buf(),
                record: self.rows.line(i).into(),
                field: self.field.to_string(),
                value: shown(self.arr.get(i).unwrap_or_default().trim()),
                reason: format!("{reason}; fix the value or remove the row"),
            },
        }
    }
}
