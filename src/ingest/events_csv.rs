//! The generic events CSV (INTERFACE.md "Events CSV"): one row per event.
//!
//! Header names are matched ignoring case, spaces, underscores and hyphens, with the aliases
//! of INTERFACE.md. polars reads the file (every column as text); timestamps are then parsed
//! by [`crate::time`] so that every accepted form (`Z`, `+hh:mm`, `+hhmm`, 0–9 fraction
//! digits, no offset → `--tz` with a warning) behaves the same in every importer.
//! An empty cell leaves that field unchanged. A row with no `item_id` is skipped (warning);
//! a row whose timestamp is missing or unreadable stops the audit with the line named.

use crate::error::{shown, IngestError};
use crate::model::{Col, Ts};
use crate::time::{self, Offset};
use crate::warning::{WarningKind, Warnings};
use chrono_tz::Tz;
use polars::prelude::*;
use std::path::Path;

/// Canonical columns, whether required, and their accepted aliases (already normalised).
pub const COLUMNS: &[(Col, bool, &[&str])] = &[
    (
        Col::ItemId,
        true,
        &[
            "itemid",
            "caseid",
            "case:concept:name",
            "caseconcept:name",
            "issue",
            "key",
        ],
    ),
    (
        Col::Timestamp,
        true,
        &[
            "timestamp",
            "time:timestamp",
            "completetimestamp",
            "time",
            "ts",
        ],
    ),
    (
        Col::Status,
        false,
        &["status", "activity", "concept:name", "state", "activityid"],
    ),
    (
        Col::Assignee,
        false,
        &["assignee", "resource", "org:resource"],
    ),
    (Col::Team, false, &["team", "group", "org:group"]),
    (Col::Actor, false, &["actor", "author", "user"]),
    (Col::Source, false, &["source", "tool", "system"]),
    (Col::Created, false, &["created"]),
];

/// Normalise a header name: lower case, without spaces, underscores, hyphens and a BOM.
pub fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// For a header, the position of each canonical column (None when absent).
pub fn map_header(header: &[String]) -> Vec<(Col, Option<usize>)> {
    let norm: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    COLUMNS
        .iter()
        .map(|(c, _, aliases)| {
            let pos = aliases
                .iter()
                .find_map(|a| norm.iter().position(|h| h == a));
            (*c, pos)
        })
        .collect()
}

/// Does this header look like an events CSV (has an item id and a timestamp column)?
pub fn looks_like_events(header: &[String]) -> bool {
    let m = map_header(header);
    m.iter()
        .filter(|(c, p)| matches!(c, Col::ItemId | Col::Timestamp) && p.is_some())
        .count()
        == 2
}

/// An events CSV read into the canonical frame (without `file_idx`/`seq`).
pub struct EventsCsv {
    /// Canonical columns item_id, timestamp, status, assignee, team, actor, source, created.
    pub frame: DataFrame,
    /// Distinct items.
    pub items: usize,
    /// Warnings counted while reading.
    pub warnings: Warnings,
}

fn parse_ts_column(
    path: &Path,
    field: &str,
    values: &StringChunked,
    tz: Tz,
    required: bool,
    warnings: &mut Warnings,
    rows: &RowLines,
) -> Result<Vec<Option<Ts>>, IngestError> {
    let mut out = Vec::with_capacity(values.len());
    let (mut local, mut gap) = (0u64, 0u64);
    let mut first_local: Option<String> = None;
    for (i, v) in values.iter().enumerate() {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            None if required => {
                return Err(IngestError::BadValue {
                    path: path.to_path_buf(),
                    record: rows.line(i),
                    field: field.to_string(),
                    value: String::new(),
                    reason: "the timestamp is empty; every event needs an instant (fill it in or remove the row)".into(),
                })
            }
            None => out.push(None),
            Some(s) => match time::parse_instant(s, tz) {
                Ok((ts, o)) => {
                    match o {
                        Offset::Explicit => {}
                        Offset::Local => {
                            local += 1;
                            if first_local.is_none() {
                                first_local = Some(format!("{}: {s:?}", rows.line(i)));
                            }
                        }
                        Offset::LocalGap => gap += 1,
                    }
                    out.push(Some(ts));
                }
                Err(reason) => {
                    return Err(IngestError::BadValue {
                        path: path.to_path_buf(),
                        record: rows.line(i),
                        field: field.to_string(),
                        value: shown(s),
                        reason: format!("{reason}; fix the value or remove the row"),
                    })
                }
            },
        }
    }
    warnings.add(WarningKind::TimestampWithoutOffset, local, || {
        format!(
            "{}: {local} timestamp(s) in `{field}` carry no UTC offset and were read in {tz} (first at {}); add offsets or pass --tz",
            path.display(),
            first_local.clone().unwrap_or_default()
        )
    });
    warnings.add(WarningKind::TimestampInDstGap, gap, || {
        format!(
            "{}: {gap} local time(s) in `{field}` fall in a DST gap of {tz} and were moved forward",
            path.display()
        )
    });
    Ok(out)
}

/// The compression whose signature starts the file, if any: polars takes a CSV starting
/// with one for compressed (polars-io `SupportedCompression::check`) and, built without its
/// `decompress` feature, panics on it. Also the leading bytes, for the message.
fn compression_signature(path: &Path) -> Option<(&'static str, [u8; 4])> {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .ok()?;
    super::files::compression_kind(&magic).map(|kind| (kind, magic))
}

/// Read an events CSV.
pub fn read(path: &Path, tz: Tz) -> Result<EventsCsv, IngestError> {
    if let Some((kind, magic)) = compression_signature(path) {
        return Err(IngestError::Malformed {
            path: path.to_path_buf(),
            record: "byte 0".into(),
            reason: format!(
                "the file starts with the bytes of {kind}-compressed data ({:02X} {:02X}), which the CSV reader does not decompress; decompress it and pass the plain UTF-8 CSV{}",
                magic[0],
                magic[1],
                if magic[..2] == *b"x^" {
                    " (a plain CSV whose header starts with `x^` reads as zlib: rename or move that first column)"
                } else {
                    ""
                }
            ),
        });
    }
    let malformed = |e: PolarsError| {
        diagnose(path, &e.to_string()).unwrap_or_else(|| IngestError::Malformed {
            path: path.to_path_buf(),
            record: "CSV".into(),
            reason: format!(
                "{e}; check that the file is a comma-separated UTF-8 CSV with one header row"
            ),
        })
    };
    let pl_path = PlRefPath::try_from_path(path).map_err(malformed)?;
    let mut lf = LazyCsvReader::new(pl_path)
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_glob(false)
        .finish()
        .map_err(malformed)?;
    let schema = lf.collect_schema().map_err(malformed)?;
    let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let mapping = map_header(&header);
    for ((c, pos), (_, required, aliases)) in mapping.iter().zip(COLUMNS) {
        if *required && pos.is_none() {
            return Err(IngestError::MissingColumn {
                path: path.to_path_buf(),
                column: c.name(),
                aliases: aliases.join(", "),
                found: header.join(", "),
            });
        }
    }
    let exprs: Vec<Expr> = mapping
        .iter()
        .map(|(c, pos)| match pos {
            Some(p) => col(header[*p].as_str())
                .cast(DataType::String)
                .alias(c.name()),
            None => lit(NULL).cast(DataType::String).alias(c.name()),
        })
        .collect();
    let df = lf.select(exprs).collect().map_err(malformed)?;
    let mut warnings = Warnings::default();
    let text = |c: Col| -> Result<StringChunked, IngestError> {
        Ok(df
            .column(c.name())
            .map_err(malformed)?
            .as_materialized_series()
            .str()
            .map_err(malformed)?
            .clone())
    };
    let ids = text(Col::ItemId)?;
    let keep: BooleanChunked = ids
        .iter()
        .map(|v| Some(v.is_some_and(|s| !s.trim().is_empty())))
        .collect();
    let dropped = keep.iter().filter(|k| *k == Some(false)).count() as u64;
    warnings.add(WarningKind::RowWithoutItemId, dropped, || {
        format!(
            "{}: {dropped} row(s) have an empty item id and were skipped",
            path.display()
        )
    });
    let rows = RowLines {
        path,
        kept: (dropped > 0).then(|| {
            keep.iter()
                .enumerate()
                .filter(|(_, k)| *k == Some(true))
                .map(|(i, _)| i)
                .collect()
        }),
    };
    let df = if dropped > 0 {
        df.filter(&keep).map_err(malformed)?
    } else {
        df
    };
    let text = |c: Col| -> Result<StringChunked, IngestError> {
        Ok(df
            .column(c.name())
            .map_err(malformed)?
            .as_materialized_series()
            .str()
            .map_err(malformed)?
            .clone())
    };
    for (c, pos) in &mapping {
        if let (Some(p), false) = (pos, matches!(c, Col::Timestamp | Col::Created)) {
            check_lengths(&rows, &header[*p], &text(*c)?)?;
        }
    }
    let ts_name = mapping
        .iter()
        .find(|(c, _)| *c == Col::Timestamp)
        .and_then(|(_, p)| *p)
        .map(|p| header[p].clone())
        .unwrap_or_default();
    let ts = parse_ts_column(
        path,
        &ts_name,
        &text(Col::Timestamp)?,
        tz,
        true,
        &mut warnings,
        &rows,
    )?;
    let created_name = mapping
        .iter()
        .find(|(c, _)| *c == Col::Created)
        .and_then(|(_, p)| *p)
        .map(|p| header[p].clone());
    let created = match &created_name {
        Some(n) => parse_ts_column(
            path,
            n,
            &text(Col::Created)?,
            tz,
            false,
            &mut warnings,
            &rows,
        )?,
        None => vec![None; df.height()],
    };
    // When the input provides no assignee on any event, the actor stands in (METRICS.md §1).
    let assignee = text(Col::Assignee)?;
    let assignee = if assignee.null_count() == assignee.len() {
        text(Col::Actor)?
    } else {
        assignee
    };
    let source = text(Col::Source)?;
    let source: StringChunked = source.iter().map(|s| Some(s.unwrap_or("csv"))).collect();
    let items = {
        let ids = text(Col::ItemId)?;
        let distinct: std::collections::HashSet<&str> = ids.iter().flatten().collect();
        distinct.len()
    };
    let h = df.height();
    let columns = vec![
        text(Col::ItemId)?
            .with_name(Col::ItemId.name().into())
            .into_column(),
        Int64Chunked::from_iter_options(Col::Timestamp.name().into(), ts.into_iter()).into_column(),
        text(Col::Status)?.into_column(),
        assignee
            .with_name(Col::Assignee.name().into())
            .into_column(),
        text(Col::Team)?.into_column(),
        text(Col::Actor)?.into_column(),
        source.with_name(Col::Source.name().into()).into_column(),
        Int64Chunked::from_iter_options(Col::Created.name().into(), created.into_iter())
            .into_column(),
    ];
    let frame = DataFrame::new(h, columns).map_err(malformed)?;
    Ok(EventsCsv {
        frame,
        items,
        warnings,
    })
}

/// Longest text value accepted in a field (bytes). A longer one is nearly always a quote
/// that is never closed, which swallows the rows after it into one cell.
pub const MAX_FIELD_BYTES: usize = 4096;

/// Maps a row of the frame to its line in the file, for messages (computed only when a
/// message needs it: a quoted value may span lines, and rows without an item id were
/// dropped).
struct RowLines<'a> {
    path: &'a Path,
    /// Original row index of each kept row, when rows were dropped.
    kept: Option<Vec<usize>>,
}

impl RowLines<'_> {
    /// "line N" of frame row `i` (data rows start after the header).
    fn line(&self, i: usize) -> String {
        let row = self
            .kept
            .as_ref()
            .and_then(|k| k.get(i).copied())
            .unwrap_or(i);
        match line_of_record(self.path, row + 1) {
            Some(l) => format!("line {l}"),
            None => format!("data row {}", row + 1),
        }
    }
}

/// The line on which CSV record `n` (0 = the header) starts.
fn line_of_record(path: &Path, n: usize) -> Option<u64> {
    let f = std::fs::File::open(path).ok()?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::new(f));
    let mut rec = csv::ByteRecord::new();
    for _ in 0..=n {
        if !r.read_byte_record(&mut rec).ok()? {
            return None;
        }
    }
    rec.position().map(|p| p.line())
}

fn check_lengths(rows: &RowLines, field: &str, values: &StringChunked) -> Result<(), IngestError> {
    if let Some((i, v)) = values
        .iter()
        .enumerate()
        .find_map(|(i, v)| v.filter(|v| v.len() > MAX_FIELD_BYTES).map(|v| (i, v)))
    {
        return Err(IngestError::BadValue {
            path: rows.path.to_path_buf(),
            record: rows.line(i),
            field: field.to_string(),
            value: shown(v),
            reason: format!(
                "the value is {} bytes long (at most {MAX_FIELD_BYTES} are accepted): usually a quote that is never closed swallows the rows after it; fix the quoting or shorten the value",
                v.len()
            ),
        });
    }
    Ok(())
}

/// When polars cannot read the file, find the first concrete problem with the csv reader:
/// a value that is not UTF-8 or a row with more fields than the header, named by line.
/// Rows with fewer fields are accepted (the missing trailing cells are empty).
fn diagnose(path: &Path, polars_message: &str) -> Option<IngestError> {
    let f = std::fs::File::open(path).ok()?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::new(f));
    let mut rec = csv::ByteRecord::new();
    let mut header: Vec<String> = Vec::new();
    let mut last_line = 0;
    loop {
        match r.read_byte_record(&mut rec) {
            Ok(false) if polars_message.contains("not properly escaped") => {
                return Some(IngestError::Malformed {
                    path: path.to_path_buf(),
                    record: format!("line {last_line}"),
                    reason: "a quoted value that starts on this line is never closed (it runs to the end of the file); add the closing quote".into(),
                });
            }
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Some(IngestError::Malformed {
                    path: path.to_path_buf(),
                    record: format!("line {line}"),
                    reason: format!("{e}; check that the file is a comma-separated UTF-8 CSV"),
                });
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        last_line = line;
        for (j, field) in rec.iter().enumerate() {
            if let Err(e) = std::str::from_utf8(field) {
                let at = e.valid_up_to();
                return Some(IngestError::BadValue {
                    path: path.to_path_buf(),
                    record: format!("line {line}"),
                    field: header.get(j).cloned().unwrap_or_else(|| format!("column {}", j + 1)),
                    value: shown(&String::from_utf8_lossy(field)),
                    reason: format!(
                        "byte 0x{:02X} is not UTF-8 (the file looks like Windows-1252 or Latin-1); re-save it as UTF-8 (in Excel: Save As → \"CSV UTF-8 (comma delimited)\")",
                        field[at]
                    ),
                });
            }
        }
        if header.is_empty() {
            header = rec
                .iter()
                .map(|h| {
                    String::from_utf8_lossy(h)
                        .trim_start_matches('\u{feff}')
                        .to_string()
                })
                .collect();
        } else if rec.len() > header.len() {
            return Some(IngestError::Malformed {
                path: path.to_path_buf(),
                record: format!("line {line}"),
                reason: format!(
                    "the row has {} fields but the header has {} ({}): a value holds an unquoted comma or a quote is missing; quote that value or remove the extra field",
                    rec.len(),
                    header.len(),
                    shown(&header.join(", "))
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_aliases_ignore_case_spaces_underscores_hyphens() {
        let h: Vec<String> = [
            "Case ID",
            "Activity",
            "Complete_Timestamp",
            "org:group",
            "Resource",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = map_header(&h);
        assert_eq!(m[0], (Col::ItemId, Some(0)));
        assert_eq!(m[1], (Col::Timestamp, Some(2)));
        assert_eq!(m[2], (Col::Status, Some(1)));
        assert_eq!(m[3], (Col::Assignee, Some(4)));
        assert_eq!(m[4], (Col::Team, Some(3)));
        assert!(looks_like_events(&h));
        let h: Vec<String> = ["\u{feff}item_id", "TS"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(looks_like_events(&h));
        let h: Vec<String> = ["team", "tool", "category"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(!looks_like_events(&h));
    }
}
