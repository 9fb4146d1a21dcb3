//! The error for a file polars cannot read: the first concrete problem the csv reader finds
//! (a value that is not UTF-8, a row with too many fields, a quote never closed).

use crate::error::{shown, IngestError, Location};
use polars::prelude::PolarsError;
use std::path::Path;

/// The error for a file polars cannot read: the concrete problem [`diagnose`] finds, else
/// polars' message.
pub(super) fn polars_malformed(path: &Path, e: PolarsError) -> IngestError {
    diagnose(path, &e.to_string()).unwrap_or_else(|| IngestError::Malformed {
        path: path.to_path_buf(),
        record: "CSV".into(),
        reason: format!(
            "{e}; check that the file is a comma-separated UTF-8 CSV with one header row"
        ),
    })
}

/// When polars cannot read the file, find the first concrete problem with the csv reader:
/// a value that is not UTF-8 or a row with more fields than the header, named by line.
/// Rows with fewer fields are accepted (the missing trailing cells are empty).
fn diagnose(path: &Path, polars_message: &str) -> Option<IngestError> {
    let mut r = super::raw_reader(path)?;
    let mut rec = csv::ByteRecord::new();
    let mut header: Vec<String> = Vec::new();
    let mut last_line = 0;
    loop {
        match r.read_byte_record(&mut rec) {
            Ok(true) => {}
            end => return records_ended(path, polars_message, end, last_line),
        }
        let line = rec.position().map_or(0, |p| p.line());
        last_line = line;
        if let Some(e) = non_utf8_field(path, line, &header, &rec) {
            return Some(e);
        }
        if header.is_empty() {
            header = header_names(&rec);
        } else if rec.len() > header.len() {
            return Some(too_many_fields(path, line, &header, &rec));
        }
    }
}

/// [`diagnose`] when the csv reader stops (`end`: the end of the file or an error); the
/// last record read started on `last_line`.
fn records_ended(
    path: &Path,
    polars_message: &str,
    end: csv::Result<bool>,
    last_line: u64,
) -> Option<IngestError> {
    match end {
        Ok(false) if polars_message.contains("not properly escaped") => {
            Some(IngestError::Malformed {
                path: path.to_path_buf(),
                record: Location::line(last_line),
                reason: "a quoted value that starts on this line is never closed (it runs to the end of the file); add the closing quote".into(),
            })
        }
        Ok(_) => None,
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line());
            Some(IngestError::Malformed {
                path: path.to_path_buf(),
                record: Location::line(line),
                reason: format!("{e}; check that the file is a comma-separated UTF-8 CSV"),
            })
        }
    }
}

/// The error for the first field of `rec` (on `line`) that is not UTF-8, if any.
fn non_utf8_field(
    path: &Path,
    line: u64,
    header: &[String],
    rec: &csv::ByteRecord,
) -> Option<IngestError> {
    for (j, field) in rec.iter().enumerate() {
        if let Err(e) = std::str::from_utf8(field) {
            let at = e.valid_up_to();
            return Some(IngestError::BadValue {
                path: path.to_path_buf(),
                record: Location::line(line),
                field: header.get(j).cloned().unwrap_or_else(|| format!("column {}", j + 1)),
                value: shown(&String::from_utf8_lossy(field)),
                reason: format!(
                    "byte 0x{:02X} is not UTF-8 (the file looks like Windows-1252 or Latin-1); re-save it as UTF-8 (in Excel: Save As → \"CSV UTF-8 (comma delimited)\")",
                    field[at]
                ),
            });
        }
    }
    None
}

/// The names of a header record, without a byte-order mark.
fn header_names(rec: &csv::ByteRecord) -> Vec<String> {
    rec.iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect()
}

/// The error for a record (on `line`) with more fields than the header.
fn too_many_fields(
    path: &Path,
    line: u64,
    header: &[String],
    rec: &csv::ByteRecord,
) -> IngestError {
    IngestError::Malformed {
        path: path.to_path_buf(),
        record: Location::line(line),
        reason: format!(
            "the row has {} fields but the header has {} ({}): a value holds an unquoted comma or a quote is missing; quote that value or remove the extra field",
            rec.len(),
            header.len(),
            shown(&header.join(", "))
        ),
    }
}
