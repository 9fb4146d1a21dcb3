//! Helpers of the importers' unit tests: a UTC context with default options, the real files
//! of `tests/data/`, the independent reference, and one item's events.

use super::imported::{ImportContext, ImportOptions, Imported};
use crate::time::format_instant;
use std::path::PathBuf;

/// UTC, default options.
pub fn ctx() -> ImportContext {
    ImportContext {
        tz: chrono_tz::Tz::UTC,
        options: ImportOptions::default(),
    }
}

/// A file of `tests/data/<dir>/`.
pub fn data(dir: &str, rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"))
        .join(dir)
        .join(rel)
}

/// `tests/data/new_formats_reference.json` (scripts/new_formats_reference.py).
pub fn reference() -> serde_json::Value {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/new_formats_reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// One event of an item: (instant, status, assignee, team).
pub type Row = (String, Option<String>, Option<String>, Option<String>);

/// The events of item `id`, in order.
pub fn timeline(r: &Imported, id: &str) -> Vec<Row> {
    let b = &r.batch;
    (0..b.len())
        .filter(|&i| b.item_id[i] == id)
        .map(|i| {
            let t = format_instant(b.timestamp[i]);
            (
                t,
                b.status[i].clone(),
                b.assignee[i].clone(),
                b.team[i].clone(),
            )
        })
        .collect()
}

/// The reference's status sequences of a case: (item id, statuses).
pub fn reference_statuses(case: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    case["statuses"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, seq)| {
            let seq = seq.as_array().unwrap();
            (
                id.clone(),
                seq.iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}
