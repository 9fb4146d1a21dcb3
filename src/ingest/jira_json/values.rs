//! Value helpers shared by the Jira JSON modules: non-empty strings of JSON values, arrays
//! of a key, and timestamp parsing (counting timestamps without a UTC offset).

use crate::error::{shown, IngestError};
use crate::model::Ts;
use crate::time::parse_instant;
use serde_json::Value;
use std::path::Path;

/// A non-empty string (or number) value.
pub(super) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn array_of(v: &Value, k: &str) -> Vec<Value> {
    match v.get(k) {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    }
}

pub(super) fn ts(
    s: &str,
    path: &Path,
    record: &str,
    field: &str,
    (local, tz): (&mut crate::ingest::instants::LocalTimes, chrono_tz::Tz),
) -> Result<Ts, IngestError> {
    match parse_instant(s, tz) {
        Ok((t, o)) => {
            local.count(o, || format!("{}: {record}: {field} {s:?}", path.display()));
            Ok(t)
        }
        Err(reason) => Err(IngestError::BadValue {
            path: path.to_path_buf(),
            record: record.to_string().into(),
            field: field.to_string(),
            value: shown(s),
            reason: format!("{reason}; Jira writes e.g. 2015-11-21T07:03:02.000-0500"),
        }),
    }
}
