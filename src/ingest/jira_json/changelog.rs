//! Changelog merging: the histories of an issue are the union of every copy's and every
//! changelog page's, deduplicated by history id; changelog pages are attached to their
//! issue by stable id, current or former key, or a key in the file name.

use super::values::text;
use super::State;
use super::{Copy, Pending, Target};
use crate::error::IngestError;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Everything known about one issue (by stable id).
pub(super) struct Acc {
    pub(super) latest: Copy,
    pub(super) histories: Vec<Value>,
    pub(super) seen: BTreeSet<String>,
    pub(super) total: Option<u64>,
    pub(super) files: BTreeSet<usize>,
}

impl Acc {
    pub(super) fn add_histories(&mut self, hs: &[Value], total: Option<u64>, file: usize) {
        self.files.insert(file);
        self.total = self.total.max(total);
        for h in hs {
            let id = match h.get("id") {
                Some(Value::String(s)) => format!("id:{s}"),
                Some(Value::Number(n)) => format!("id:{n}"),
                _ => format!("json:{}", serde_json::to_string(h).unwrap_or_default()),
            };
            if self.seen.insert(id) {
                self.histories.push(h.clone());
            }
        }
    }
}

/// Attach changelog pages to their issues (by id, key, former key, or a key in the file name).
pub(super) fn attach_pending(paths: &[PathBuf], st: &mut State) -> Result<(), IngestError> {
    if st.pending.is_empty() {
        return Ok(());
    }
    // Current keys win over former ones; bulkfetch entries (by stable id) may name former
    // keys that pages addressed by an old key need.
    let mut by_key: BTreeMap<String, String> = BTreeMap::new();
    for (id, acc) in &st.accs {
        by_key.insert(acc.latest.key.clone(), id.clone());
    }
    let (by_id, rest): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut st.pending)
        .into_iter()
        .partition(|p| matches!(p.target, Target::Id(_)));
    let bulk = by_id.iter().filter_map(|p| match &p.target {
        Target::Id(id) => Some((id, &p.histories)),
        _ => None,
    });
    for (id, hs) in st.accs.iter().map(|(id, a)| (id, &a.histories)).chain(bulk) {
        for old in former_keys(hs) {
            by_key.entry(old).or_insert_with(|| id.clone());
        }
    }
    for p in by_id.into_iter().chain(rest) {
        let path = paths.get(p.file).cloned().unwrap_or_default();
        let found = match &p.target {
            Target::Id(id) => st.accs.contains_key(id).then(|| id.clone()),
            Target::IdOrKey(s) => by_key
                .get(s)
                .cloned()
                .or_else(|| st.accs.contains_key(s).then(|| s.clone())),
            Target::FileName => key_in_file_name(&path, &by_key),
        };
        let Some(id) = found else {
            let which = match &p.target {
                Target::Id(s) | Target::IdOrKey(s) => format!("issue {s:?}"),
                Target::FileName => {
                    "an issue named neither in its `self` URL nor in the file name".into()
                }
            };
            return Err(IngestError::Malformed {
                path,
                record: p.record.into(),
                reason: format!(
                    "changelog page for {which}: no issue file among the inputs holds this issue. \
                     A changelog page has no created time nor current status: pass the search or \
                     issue response of the issue too (and keep the page's `self` URL, or name the \
                     file after the issue key, e.g. UT-26_changelog.json)"
                ),
            });
        };
        if let Some(acc) = st.accs.get_mut(&id) {
            acc.add_histories(&p.histories, p.total, p.file);
        }
    }
    Ok(())
}

/// Former keys of an issue: `fromString` of its `Key` history items.
fn former_keys(hs: &[Value]) -> impl Iterator<Item = String> + '_ {
    hs.iter()
        .flat_map(|h| {
            h.get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter(|it| it.get("field").and_then(Value::as_str) == Some("Key"))
        .filter_map(|it| text(it.get("fromString")))
}

/// The issue whose key appears in the file name as a whole token (`UT-26_changelog.json`).
fn key_in_file_name(path: &Path, by_key: &BTreeMap<String, String>) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let b = stem.as_bytes();
    let mut best: Option<(&str, &String)> = None;
    for (key, id) in by_key {
        let mut from = 0;
        while let Some(pos) = stem.get(from..).and_then(|s| s.find(key.as_str())) {
            let start = from + pos;
            let end = start + key.len();
            let before_ok =
                start == 0 || !b.get(start - 1).is_some_and(|c| c.is_ascii_alphanumeric());
            let after_ok = !b.get(end).is_some_and(|c| c.is_ascii_alphanumeric());
            if before_ok && after_ok {
                if best.is_none_or(|(k, _)| key.len() > k.len()) {
                    best = Some((key.as_str(), id));
                }
                break;
            }
            from = start + 1;
        }
    }
    best.map(|(_, id)| id.clone())
}
