//! Azure DevOps (Boards) work-item history → canonical events (METRICS.md §1, FORMATS.md §4).
//!
//! Responsibility: read every Azure DevOps file of an input set at once, join pages, keep each
//! (work item, revision) once, and emit one event per revision that carries field changes;
//! sniff whether a file is one of these shapes ([`sniff`]).
//!
//! Shapes read (each file may hold several JSON documents back to back):
//! - `updates` pages `{count, value:[{id, workItemId, rev, revisedBy, revisedDate,
//!   fields?{"Ref.Name":{oldValue?, newValue?}}, relations?}]}`: `fields` are deltas.
//! - `revisions` pages `{count, value:[{id, rev, fields{full snapshot}}]}` and bulk reporting
//!   revisions `{values[], nextLink, continuationToken, isLastBatch}`: a change is a tracked
//!   field whose value differs from the item's previous known revision.
//! - A single update/revision object, a plain array of them, a service-hook payload
//!   (`{eventType, resource:{…}}`), and the API spec-example wrapper whose body is at
//!   `responses."200".body` (the real samples in `tests/data/azure_devops`).
//!
//! Decisions and invariants:
//! - Item id = the work-item id as a string (`workItemId` in updates, `id` in revisions).
//! - Event time = `System.ChangedDate` (the delta's `newValue`, or the snapshot's value),
//!   never `revisedDate`: that is when the revision was *superseded* (the latest carries the
//!   sentinel `9999-01-01`). Only when an update with fields lacks `System.ChangedDate` is the
//!   previous update's `revisedDate` used (they are equal by construction); failing that the
//!   revision is skipped and counted (`event_without_timestamp`).
//! - Relation-only updates (no `fields`, or empty ones) repeat the previous `rev`, change no
//!   tracked field and only they would need `revisedDate` as their time: they are skipped —
//!   no event, no status/assignee/team change.
//! - One event per kept revision with fields, even when no tracked field changed (a comment, an
//!   estimate): the revision is activity on the item and its `actor` is known. The history is
//!   replayed by the shared [`ItemReplay`]: an event sets only the fields whose value changes
//!   (a delta that repeats the value in force, such as a second clear, sets nothing). Revision 1 (or
//!   the first revision seen, when a page starts later) is the creation event and sets the
//!   initial status, assignee and team.
//! - Fields: `System.State` → status; `System.AssignedTo` → assignee (a delta whose
//!   `newValue` is absent/null/empty while an `oldValue` exists, or a snapshot without the
//!   field after one with it → `unassigned`; `{}` sets nothing); `System.AreaPath` → team;
//!   `System.ChangedBy` → actor (updates list it only when it changed, so the update's
//!   `revisedBy` — the same person — stands in); `System.CreatedDate` → `created` on every
//!   event of the item. `System.WorkItemType`/`System.TeamProject` changes set no status.
//! - Identities (IdentityRef `{displayName, uniqueName, id}`, `{id, uniqueName:"Name
//!   <email>"}`, plain `"Name <email>"`) become the `uniqueName` — the e-mail inside `<…>`
//!   when it has that form — else the identity `id`; display names are never used. Case is
//!   kept as Azure DevOps gives it.
//! - Team = the first `area_path_depth` levels of the backslash-separated area path
//!   (`Proj\Team\Sub`, depth 2 → `Proj\Team`); depth 1 = the project's root area (one team per
//!   project); depth 0 = the whole path; a shorter path is taken whole.
//! - Initial status of an update stream that starts after revision 1: when the first state
//!   change seen has an `oldValue` and the item already has an earlier event without status,
//!   that earlier event takes the `oldValue` (as Jira's `fromString`, METRICS.md §1). Any item
//!   whose first revision read is not revision 1 is counted (`truncated_changelog`): its earlier
//!   states are unknown and the metrics take its first known status as in force from `created`.
//! - Status categories: Azure DevOps provides them only through the work-item-type states API,
//!   not in these files. The standard process states (Agile, Scrum, CMMI, Basic) are put into
//!   `hints.source_categories` under `azure_devops`: New/Approved/Proposed/To Do/Open →
//!   backlog (Proposed); Active/Resolved/Committed/In Progress/Doing → committed
//!   (InProgress/Resolved); Closed/Done → done (Completed); Removed → canceled. Other (custom)
//!   state names fall back to the name patterns.
//! - Dedupe: the same (item, rev) seen twice (overlapping pages, an updates and a revisions file
//!   of the same item) is kept once, the first in file order. When the copies disagree on
//!   `System.ChangedDate` the inputs mix different organizations whose ids collide: the first
//!   is kept and the conflict counted (`conflicting_revision`).
//! - Output order: file order, then record order within the file (deterministic; per-item
//!   work such as snapshot diffs runs in revision order over a `BTreeMap`).
//! - Bad input is an error naming the file, the record (`work item 1 rev 3 (value[5])`), the
//!   field and the value; never a panic. Paging (`isLastBatch: false`) is not followed: read
//!   every page as a file.

use super::imported::{ImportContext, Imported};
use super::lenient::{given, object};
use super::replay::{ItemReplay, Step, UNASSIGNED};
use crate::error::{shown, IngestError, Location};
use crate::model::{Event, SourceCategory, Ts};
use crate::time::{format_instant, parse_instant};
use crate::warning::{WarningKind, Warnings};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The `source` of every event.
const SOURCE: &str = "azure_devops";
const STATE: &str = "System.State";
const ASSIGNED_TO: &str = "System.AssignedTo";
const AREA_PATH: &str = "System.AreaPath";
const CHANGED_BY: &str = "System.ChangedBy";
const CHANGED_DATE: &str = "System.ChangedDate";
const CREATED_DATE: &str = "System.CreatedDate";

/// Does the head of a file look like Azure DevOps work-item history? JSON (object or array)
/// holding `"workItemId"` (updates, service hooks), `"isLastBatch"` (reporting revisions), or
/// both `"rev"` and a `"System.` field reference (revisions) — bare or inside the API
/// spec-example wrapper (`parameters` + `responses`).
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return false;
    }
    t.contains("\"workItemId\"")
        || t.contains("\"isLastBatch\"")
        || (t.contains("\"rev\"") && t.contains("\"System."))
}

/// Read every Azure DevOps file of the input set (pages joined, each revision kept once).
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let bytes = std::fs::read(p).map_err(|source| IngestError::Io {
            path: p.clone(),
            source,
        })?;
        files.push((p.clone(), bytes));
    }
    import(&files, ctx)
}

/// An assignee delta of an update.
#[derive(Debug, Clone, PartialEq)]
enum Assign {
    /// The update does not set the assignee.
    Keep,
    /// Assigned to this person.
    Set(String),
    /// Explicitly cleared.
    Clear,
}

/// What one record says about the tracked fields.
#[derive(Debug, Clone)]
enum Change {
    /// An update: deltas.
    Update {
        state: Option<String>,
        old_state: Option<String>,
        assignee: Assign,
        area: Option<String>,
    },
    /// A revision: the full values at that revision.
    Snapshot {
        state: Option<String>,
        assignee: Option<String>,
        area: Option<String>,
    },
    /// An update without fields (links added or removed): skipped.
    RelationsOnly,
}

/// An update or a revision as the REST API writes it. Updates
/// (`GET …/workItems/{id}/updates`) carry `workItemId`, `revisedBy`, `revisedDate` and
/// `fields: {"System.State": {oldValue, newValue}, …}` (deltas); revisions
/// (`…/revisions`, reporting `workItemRevisions`) carry `id` and `fields: {"System.State":
/// "Active", …}` (the values at that revision). Ids and revisions are numbers or strings,
/// identities take three shapes ([`identity`]): those stay JSON values, read by the helpers.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RecordJson {
    #[serde(deserialize_with = "given")]
    work_item_id: Option<Value>,
    #[serde(deserialize_with = "given")]
    id: Option<Value>,
    #[serde(deserialize_with = "given")]
    rev: Option<Value>,
    revised_date: Option<Value>,
    revised_by: Option<Value>,
    #[serde(deserialize_with = "object")]
    fields: Option<Map<String, Value>>,
}

/// One update or revision of a work item.
#[derive(Debug, Clone)]
struct Record {
    item: String,
    rev: i64,
    file: usize,
    pos: usize,
    label: String,
    changed: Option<Ts>,
    revised: Option<Ts>,
    created: Option<Ts>,
    actor: Option<String>,
    change: Change,
}

/// Parsing state shared by all files: options and counted warnings.
struct Reader<'a> {
    ctx: &'a ImportContext,
    warnings: Warnings,
}

/// Import already-read files (path, content); the core of [`read_many`].
fn import(files: &[(PathBuf, Vec<u8>)], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut rd = Reader {
        ctx,
        warnings: Warnings::default(),
    };
    let mut records: Vec<Record> = Vec::new();
    let mut seen: BTreeMap<(String, i64), (Option<Ts>, usize)> = BTreeMap::new();
    let mut file_items: Vec<BTreeSet<String>> = vec![BTreeSet::new(); files.len()];
    for (fi, (path, bytes)) in files.iter().enumerate() {
        let raw = file_records(path, bytes)?;
        for (pos, (label, value)) in raw.iter().enumerate() {
            let rec = rd.parse_record(value, fi, pos, label, path)?;
            if let Some(set) = file_items.get_mut(fi) {
                set.insert(rec.item.clone());
            }
            if matches!(rec.change, Change::RelationsOnly) {
                continue;
            }
            let key = (rec.item.clone(), rec.rev);
            if let Some((changed, other)) = seen.get(&key) {
                if *changed != rec.changed {
                    let other = files.get(*other).map(|f| f.0.display().to_string());
                    let show = |t: &Option<Ts>| t.map(format_instant).unwrap_or_default();
                    rd.warnings.add(WarningKind::ConflictingRevision, 1, || {
                        format!(
                            "{}: {}: {CHANGED_DATE} {} differs from the copy of the same revision read before from {} ({}); the first copy was kept. The inputs probably mix work items of different organizations whose ids collide: audit them separately.",
                            path.display(),
                            rec.label,
                            show(&rec.changed),
                            other.unwrap_or_default(),
                            show(changed)
                        )
                    });
                }
                continue;
            }
            seen.insert(key, (rec.changed, fi));
            records.push(rec);
        }
    }
    rd.emit(files, records, file_items)
}

/// The records of one file: every JSON document, unwrapped to its list of updates/revisions.
fn file_records(path: &Path, bytes: &[u8]) -> Result<Vec<(String, Value)>, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut docs = Vec::new();
    for (n, doc) in serde_json::Deserializer::from_slice(bytes)
        .into_iter::<Value>()
        .enumerate()
    {
        let doc = doc.map_err(|e| IngestError::Malformed {
            path: path.to_path_buf(),
            record: Location::document(n + 1),
            reason: format!(
                "invalid JSON: {e}. Check that the file was saved completely (re-export it)."
            ),
        })?;
        docs.push(doc);
    }
    let many = docs.len() > 1;
    let mut out = Vec::new();
    for (n, doc) in docs.into_iter().enumerate() {
        let prefix = if many {
            format!("document {} ", n + 1)
        } else {
            String::new()
        };
        out.extend(into_records(doc, &prefix, path)?);
    }
    Ok(out)
}

fn malformed(path: &Path, record: &str, reason: &str) -> IngestError {
    IngestError::Malformed {
        path: path.to_path_buf(),
        record: if record.is_empty() {
            "document".to_string().into()
        } else {
            record.trim_end().to_string().into()
        },
        reason: reason.to_string(),
    }
}

/// Unwrap one document (spec-example wrapper, page, service hook, single record, array).
fn into_records(
    doc: Value,
    prefix: &str,
    path: &Path,
) -> Result<Vec<(String, Value)>, IngestError> {
    let body = match doc {
        Value::Object(mut m)
            if m.contains_key("responses")
                && !m.contains_key("value")
                && !m.contains_key("values") =>
        {
            let body = m
                .get_mut("responses")
                .and_then(|r| r.get_mut("200"))
                .and_then(|r| r.get_mut("body"))
                .map(Value::take);
            match body {
                Some(b) if !b.is_null() => b,
                _ => {
                    return Err(malformed(
                        path,
                        prefix,
                        "an API spec example without a `responses.\"200\".body`: nothing to read. Pass the API response itself.",
                    ))
                }
            }
        }
        other => other,
    };
    let list = |a: Vec<Value>, key: &str| {
        a.into_iter()
            .enumerate()
            .map(|(i, v)| (format!("{prefix}{key}[{i}]"), v))
            .collect::<Vec<_>>()
    };
    match body {
        Value::Array(a) => Ok(list(a, "")),
        Value::Object(mut m) => {
            for key in ["value", "values"] {
                if matches!(m.get(key), Some(Value::Array(_))) {
                    if let Some(Value::Array(a)) = m.remove(key) {
                        return Ok(list(a, key));
                    }
                }
            }
            if matches!(m.get("resource"), Some(Value::Object(_))) {
                if let Some(res) = m.remove("resource") {
                    return Ok(vec![(format!("{prefix}resource"), res)]);
                }
            }
            if m.contains_key("workItemId") || (m.contains_key("rev") && m.contains_key("fields")) {
                return Ok(vec![(format!("{prefix}record"), Value::Object(m))]);
            }
            Err(malformed(
                path,
                prefix,
                "not Azure DevOps work-item history: expected an updates or revisions page (`value`), reporting revisions (`values`), a service-hook payload (`resource`) or a single update/revision",
            ))
        }
        other => Err(malformed(
            path,
            prefix,
            &format!(
                "expected a JSON object or array of work-item updates/revisions, found {}",
                kind(&other)
            ),
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn bad(path: &Path, record: &str, field: &str, value: &Value, reason: &str) -> IngestError {
    IngestError::BadValue {
        path: path.to_path_buf(),
        record: record.to_string().into(),
        field: field.to_string(),
        value: shown(&match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        reason: reason.to_string(),
    }
}

/// A work-item id: a number, or a non-empty string.
fn item_id(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => n.as_i64().map(|i| i.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// A revision number (a number, or digits in a string).
fn rev_of(v: Option<&Value>, path: &Path, label: &str) -> Result<i64, IngestError> {
    let v = v.unwrap_or(&Value::Null);
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        bad(
            path,
            label,
            "rev",
            v,
            "expected the revision number: every Azure DevOps update and revision has one",
        )
    })
}

/// A non-empty trimmed string value.
fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Is this a value (not null, not an empty string)?
fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        _ => true,
    }
}

/// Normalise an identity: IdentityRef object → `uniqueName` (else `id`); `"Name <email>"` →
/// `email`; another string as is. Display names are never used.
pub(crate) fn identity(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => identity_str(s),
        Value::Object(o) => o
            .get("uniqueName")
            .and_then(Value::as_str)
            .and_then(identity_str)
            .or_else(|| o.get("id").and_then(text)),
        _ => None,
    }
}

fn identity_str(s: &str) -> Option<String> {
    let s = s.trim();
    if let (Some(open), true) = (s.rfind('<'), s.ends_with('>')) {
        let inner = s
            .get(open + 1..s.len() - 1)
            .map(str::trim)
            .unwrap_or_default();
        if !inner.is_empty() {
            return Some(inner.to_string());
        }
    }
    (!s.is_empty()).then(|| s.to_string())
}

/// The team of an area path: its first `depth` levels (0 = all).
fn team_of(path: &str, depth: usize) -> Option<String> {
    let parts: Vec<&str> = path
        .split('\\')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return None;
    }
    let n = if depth == 0 {
        parts.len()
    } else {
        depth.min(parts.len())
    };
    Some(parts.get(..n).unwrap_or(&parts).join("\\"))
}

/// Source category of a standard process state (Agile, Scrum, CMMI, Basic); `None` for
/// custom states (the name patterns decide).
fn standard_category(state: &str) -> Option<SourceCategory> {
    match state.trim().to_ascii_lowercase().as_str() {
        "new" | "approved" | "proposed" | "to do" | "open" => Some(SourceCategory::Backlog),
        "active" | "resolved" | "committed" | "in progress" | "doing" => {
            Some(SourceCategory::Committed)
        }
        "closed" | "done" => Some(SourceCategory::Done),
        "removed" => Some(SourceCategory::Canceled),
        _ => None,
    }
}

impl Reader<'_> {
    /// Parse an instant field; `None` when absent or null.
    fn instant(
        &mut self,
        v: Option<&Value>,
        path: &Path,
        label: &str,
        field: &str,
    ) -> Result<Option<Ts>, IngestError> {
        let v = match v {
            None | Some(Value::Null) => return Ok(None),
            Some(v) => v,
        };
        let s = v.as_str().ok_or_else(|| {
            bad(
                path,
                label,
                field,
                v,
                "expected an ISO 8601 date-time string such as 2017-09-04T02:36:18.75Z",
            )
        })?;
        let (ts, off) = parse_instant(s, self.ctx.tz).map_err(|reason| {
            bad(
                path,
                label,
                field,
                v,
                &format!("{reason}. Fix the value or re-export."),
            )
        })?;
        let mut l = super::instants::LocalTimes::default();
        l.count(off, || {
            format!("{}: {label}: {field} {s:?}", path.display())
        });
        l.warn(self.ctx.tz, &mut self.warnings);
        Ok(Some(ts))
    }

    /// One update or revision object → a [`Record`].
    fn parse_record(
        &mut self,
        v: &Value,
        file: usize,
        pos: usize,
        label: &str,
        path: &Path,
    ) -> Result<Record, IngestError> {
        let not_object = || {
            malformed(
                path,
                label,
                &format!(
                    "expected a work-item update or revision object, found {}",
                    kind(v)
                ),
            )
        };
        if !v.is_object() {
            return Err(not_object());
        }
        let json = RecordJson::deserialize(v).map_err(|_| not_object())?;
        let (id_key, idv, is_update) = match (&json.work_item_id, &json.id, &json.fields) {
            (Some(id), _, _) => ("workItemId", id, true),
            (None, Some(id), Some(_)) => ("id", id, false),
            _ => {
                return Err(malformed(
                    path,
                    label,
                    "neither a work-item update (`workItemId`, `rev`, `fields`) nor a revision (`id`, `rev`, `fields`)",
                ))
            }
        };
        let item = item_id(idv).ok_or_else(|| {
            bad(
                path,
                label,
                id_key,
                idv,
                "expected the work-item id (a number)",
            )
        })?;
        let rev = rev_of(json.rev.as_ref(), path, label)?;
        let rec = Record {
            label: format!("work item {item} rev {rev} ({label})"),
            item,
            rev,
            file,
            pos,
            changed: None,
            revised: None,
            created: None,
            actor: None,
            change: Change::RelationsOnly,
        };
        match &json.fields {
            Some(f) if !f.is_empty() && is_update => self.update(rec, &json, f, path),
            Some(f) if !f.is_empty() => self.revision(rec, f, path),
            _ => Ok(rec),
        }
    }

    /// An update's deltas: each field's `newValue` (and the state's `oldValue`).
    fn update(
        &mut self,
        mut rec: Record,
        json: &RecordJson,
        fields: &Map<String, Value>,
        path: &Path,
    ) -> Result<Record, IngestError> {
        let label = rec.label.clone();
        let delta = |k: &str, side: &str| fields.get(k).and_then(|d| d.get(side));
        let nv = |k: &str| delta(k, "newValue");
        rec.changed = self.instant(nv(CHANGED_DATE), path, &label, CHANGED_DATE)?;
        rec.created = self.instant(nv(CREATED_DATE), path, &label, CREATED_DATE)?;
        // Only a fallback for a missing ChangedDate; the sentinel 9999-01-01 is never used.
        rec.revised = json
            .revised_date
            .as_ref()
            .and_then(Value::as_str)
            .filter(|s| !s.trim_start().starts_with("9999"))
            .and_then(|s| parse_instant(s, self.ctx.tz).ok())
            .map(|p| p.0);
        rec.actor = nv(CHANGED_BY)
            .and_then(identity)
            .or_else(|| json.revised_by.as_ref().and_then(identity));
        let assignee = match fields.get(ASSIGNED_TO) {
            None => Assign::Keep,
            Some(_) => match nv(ASSIGNED_TO).and_then(identity) {
                Some(p) => Assign::Set(p),
                None if delta(ASSIGNED_TO, "oldValue").is_some_and(present) => Assign::Clear,
                None => Assign::Keep,
            },
        };
        rec.change = Change::Update {
            state: nv(STATE).and_then(text),
            old_state: delta(STATE, "oldValue").and_then(text),
            assignee,
            area: nv(AREA_PATH).and_then(text),
        };
        Ok(rec)
    }

    /// A revision's full values.
    fn revision(
        &mut self,
        mut rec: Record,
        fields: &Map<String, Value>,
        path: &Path,
    ) -> Result<Record, IngestError> {
        let label = rec.label.clone();
        rec.changed = self.instant(fields.get(CHANGED_DATE), path, &label, CHANGED_DATE)?;
        rec.created = self.instant(fields.get(CREATED_DATE), path, &label, CREATED_DATE)?;
        rec.actor = fields.get(CHANGED_BY).and_then(identity);
        rec.change = Change::Snapshot {
            state: fields.get(STATE).and_then(text),
            assignee: fields.get(ASSIGNED_TO).and_then(identity),
            area: fields.get(AREA_PATH).and_then(text),
        };
        Ok(rec)
    }

    /// Turn the kept records into events: per item in revision order, then back to file order.
    fn emit(
        mut self,
        files: &[(PathBuf, Vec<u8>)],
        records: Vec<Record>,
        file_items: Vec<BTreeSet<String>>,
    ) -> Result<Imported, IngestError> {
        let mut by_item: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
        for r in &records {
            by_item.entry(r.item.as_str()).or_default().push(r);
        }
        let mut imported = Imported {
            items: by_item.len(),
            ..Imported::default()
        };
        let mut out: Vec<(usize, usize, Event)> = Vec::new();
        for (item, mut recs) in by_item {
            recs.sort_by_key(|r| (r.rev, r.file, r.pos));
            self.warn_truncated(files, item, &recs);
            let (events, last_state) = self.replay(files, item, &recs);
            if !events.iter().any(|(_, _, e)| e.status.is_some()) {
                if let Some(s) = last_state {
                    imported.hints.current_status.insert(item.to_string(), s);
                }
            }
            out.extend(events);
        }
        if out.is_empty() {
            return Err(IngestError::Empty {
                path: files.first().map(|f| f.0.clone()).unwrap_or_default(),
                reason: "no work-item updates or revisions with fields (relation-only updates carry no state); export the updates or revisions of the work items".into(),
            });
        }
        out.sort_by_key(|(f, p, _)| (*f, *p));
        let mut tally = super::replay::FileTally::new(files.len());
        for (fi, items) in file_items.iter().enumerate() {
            items.iter().for_each(|_| tally.seen(fi));
        }
        for (f, _, ev) in out {
            tally.events(f, 1);
            imported.batch.push(ev);
        }
        standard_categories(&mut imported);
        let paths: Vec<PathBuf> = files.iter().map(|f| f.0.clone()).collect();
        imported.files = tally.files(&paths);
        imported.warnings = self.warnings;
        Ok(imported)
    }

    /// A history that starts after revision 1 is counted (`truncated_changelog`).
    fn warn_truncated(&mut self, files: &[(PathBuf, Vec<u8>)], item: &str, recs: &[&Record]) {
        if let Some(r) = recs.first().filter(|r| r.rev > 1) {
            let path = files.get(r.file).map(|f| f.0.display().to_string());
            self.warnings.add(WarningKind::TruncatedChangelog, 1, || {
                format!("{}: {}: the history of work item {item} starts at revision {} (a reporting watermark or a page read with $skip): its states before are unknown and its first known status is taken as in force from its creation. Export its updates or revisions from revision 1.", path.unwrap_or_default(), r.label, r.rev)
            });
        }
    }

    /// One item's records (revision order) replayed into events, each tagged with its
    /// (file, record) position, and the last state any record named.
    fn replay(
        &mut self,
        files: &[(PathBuf, Vec<u8>)],
        item: &str,
        recs: &[&Record],
    ) -> (Vec<(usize, usize, Event)>, Option<String>) {
        let depth = self.ctx.options.area_path_depth;
        let created = recs.iter().find_map(|r| r.created);
        let mut events: Vec<Event> = Vec::new();
        let mut tags: Vec<(usize, usize)> = Vec::new();
        let mut last_state: Option<String> = None;
        let mut replay = ItemReplay::new(&mut events, SOURCE, item, created);
        let mut prev_update: Option<(i64, Option<Ts>)> = None;
        for r in recs {
            let step = match &r.change {
                Change::Update {
                    state,
                    old_state,
                    assignee,
                    area,
                } => {
                    if let (Some(old), Some(_)) = (old_state, state) {
                        replay.status_before(old);
                    }
                    Step {
                        status: state.clone(),
                        assignee: match assignee {
                            Assign::Keep => None,
                            Assign::Set(p) => Some(p.clone()),
                            Assign::Clear => Some(UNASSIGNED.to_string()),
                        },
                        team: area.as_deref().and_then(|a| team_of(a, depth)),
                    }
                }
                Change::Snapshot {
                    state,
                    assignee,
                    area,
                } => Step {
                    status: state.clone(),
                    // A snapshot without the field after one with it: nobody.
                    assignee: assignee
                        .clone()
                        .or_else(|| replay.assignee().map(|_| UNASSIGNED.to_string())),
                    team: area.as_deref().and_then(|a| team_of(a, depth)),
                },
                Change::RelationsOnly => continue,
            };
            if step.status.is_some() {
                last_state.clone_from(&step.status);
            }
            let fallback = match prev_update {
                Some((rev, t)) if rev.checked_add(1) == Some(r.rev) => t,
                _ => None,
            };
            prev_update = match r.change {
                Change::Update { .. } => Some((r.rev, r.revised)),
                _ => None,
            };
            let Some(ts) = r.changed.or(fallback) else {
                let path = files.get(r.file).map(|f| f.0.display().to_string());
                self.warnings.add(WarningKind::EventWithoutTimestamp, 1, || {
                    format!("{}: {}: no {CHANGED_DATE} (and no previous update's revisedDate); the revision was skipped. Export the updates with all fields.", path.unwrap_or_default(), r.label)
                });
                continue;
            };
            replay.record(ts, step, r.actor.clone());
            tags.push((r.file, r.pos));
        }
        let events = tags.into_iter().zip(events).map(|((f, p), e)| (f, p, e));
        (events.collect(), last_state)
    }
}

/// The source categories of the standard process states named by the import.
fn standard_categories(imported: &mut Imported) {
    let hints = &mut imported.hints;
    let named = imported.batch.status.iter().flatten();
    let named: BTreeSet<String> = named
        .chain(hints.current_status.values())
        .cloned()
        .collect();
    for s in named {
        if let Some(c) = standard_category(&s) {
            hints.source_categories.insert((SOURCE.to_string(), s), c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::imported::ImportOptions;
    use chrono_tz::Tz;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/azure_devops/");
    const UPDATES: &str = "msdocs_5.1_updates_GET__list_of_workitem_updates.json";
    const REVISIONS: &str = "msdocs_5.1_revisions_GET__list_workitem_revisions.json";
    const REPORTING: &str =
        "msdocs_5.1_workItemRevisions_GET__wit_reporting_workItemRevisions.json";
    const REPORTING_REF: &str = "msdocs_5.1_workItemRevisions_GET__wit_reporting_workItemRevisions_includeIdentityRef-true_watermark-794.json";

    fn ctx(depth: usize) -> ImportContext {
        ImportContext {
            tz: Tz::UTC,
            options: ImportOptions {
                area_path_depth: depth,
                ..ImportOptions::default()
            },
        }
    }

    fn real(names: &[&str]) -> Imported {
        let paths: Vec<PathBuf> = names.iter().map(|n| PathBuf::from(DIR).join(n)).collect();
        read_many(&paths, &ctx(2)).unwrap()
    }

    fn inline_with(docs: &[&str], depth: usize) -> Result<Imported, IngestError> {
        let files: Vec<(PathBuf, Vec<u8>)> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    PathBuf::from(format!("page{i}.json")),
                    d.as_bytes().to_vec(),
                )
            })
            .collect();
        import(&files, &ctx(depth))
    }

    fn inline(docs: &[&str]) -> Imported {
        inline_with(docs, 2).unwrap()
    }

    fn utc(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn statuses(r: &Imported) -> Vec<(String, Ts, String)> {
        let b = &r.batch;
        (0..b.len())
            .filter_map(|i| {
                b.status[i]
                    .clone()
                    .map(|st| (b.item_id[i].clone(), b.timestamp[i], st))
            })
            .collect()
    }

    /// An update record: `fields` is the inner JSON of the `fields` object.
    fn upd(item: u32, rev: u32, revised: &str, fields: &str) -> String {
        format!(
            r#"{{"id":{rev}{item},"workItemId":{item},"rev":{rev},"revisedBy":{{"displayName":"Ann A","uniqueName":"ann@example.com","id":"g-ann"}},"revisedDate":"{revised}","fields":{{{fields}}}}}"#
        )
    }

    fn changed(t: &str) -> String {
        format!(r#""System.ChangedDate":{{"newValue":"{t}"}}"#)
    }

    fn page(records: &[String]) -> String {
        format!(
            r#"{{"count":{},"value":[{}]}}"#,
            records.len(),
            records.join(",")
        )
    }

    fn snap(item: u32, rev: u32, fields: &str) -> String {
        format!(r#"{{"id":{item},"rev":{rev},"fields":{{{fields}}}}}"#)
    }

    // ---- real files -------------------------------------------------------------------
    //
    // Expected numbers established independently with python3 (json module only, no Rust):
    // for updates, keep the records with a non-empty `fields`, take `System.State.newValue`
    // and `System.ChangedDate.newValue`; for revisions/reporting, compare each snapshot's
    // System.State / System.AssignedTo / System.AreaPath with the item's previous one;
    // identities: `uniqueName` (else `id`), the `<…>` part of "Name <email>". Results:
    // - updates file: 13 updates, 4 relation-only (rev 2 ×3 extra, rev 8 ×1 extra), 9 with
    //   fields → 1 item, 9 events; states New (rev 1, 2017-09-04T02:08:16.6Z) and Active
    //   (rev 3, 2017-09-04T02:36:18.75Z; its revisedDate would wrongly say 02:36:25.3Z);
    //   AssignedTo set at rev 2 (IdentityRef → fabrikamfiber4@hotmail.com); every actor
    //   fabrikamfiber4@hotmail.com; CreatedDate 2017-09-04T02:08:16.6Z; area MyAgilePro1.
    // - revisions file: the same item 1, revs 1..9, same state changes and times.
    // - reporting: items 1 (revs 1, 2; state New unchanged), 2 (rev 1, New); identities are
    //   plain "Jamal Hartnett <fabrikamfiber4@hotmail.com>" strings.
    // - reporting includeIdentityRef: items 3 (first seen at rev 8: Done at
    //   2015-06-23T18:25:16.137Z, ChangedBy {id, uniqueName:"Normal Paulk
    //   <fabrikamfiber16@hotmail.com>"}, created 2014-03-18T17:17:06.857Z) and 350 (New).

    #[test]
    fn sniff_accepts_real_files_and_rejects_other_formats() {
        for n in [UPDATES, REVISIONS, REPORTING, REPORTING_REF] {
            let p = PathBuf::from(DIR).join(n);
            let bytes = std::fs::read(&p).unwrap();
            let head = &bytes[..bytes.len().min(8192)];
            assert!(sniff(head, &p), "{n}");
        }
        let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/"));
        let mut rejected = 0;
        for dir in ["jira", "github", "trello", "xes", "ocel", "linear"] {
            for e in std::fs::read_dir(data.join(dir)).unwrap() {
                let p = e.unwrap().path();
                let bytes = std::fs::read(&p).unwrap();
                let head = &bytes[..bytes.len().min(8192)];
                assert!(!sniff(head, &p), "{}", p.display());
                rejected += 1;
            }
        }
        assert!(rejected >= 20);
        assert!(!sniff(
            b"item_id,timestamp,status\nA,2024-01-01T00:00:00Z,Open\n",
            Path::new("e.csv")
        ));
        // A CSV that happens to mention the markers is not JSON.
        assert!(!sniff(
            b"workItemId,\"rev\",System.State\n",
            Path::new("x.csv")
        ));
        assert!(sniff(
            b"\xEF\xBB\xBF [{\"id\":1,\"rev\":2,\"fields\":{\"System.State\":\"New\"",
            Path::new("r.json")
        ));
    }

    #[test]
    fn real_updates_file() {
        let r = real(&[UPDATES]);
        assert_eq!(r.items, 1);
        let b = &r.batch;
        assert_eq!(b.len(), 9);
        assert!(b.item_id.iter().all(|i| i == "1"));
        assert_eq!(
            statuses(&r),
            [
                ("1".into(), utc("2017-09-04T02:08:16.6Z"), "New".into()),
                ("1".into(), utc("2017-09-04T02:36:18.75Z"), "Active".into()),
            ]
        );
        // The event times are the ChangedDates, strictly increasing, never the sentinel.
        assert_eq!(b.timestamp[0], utc("2017-09-04T02:08:16.6Z"));
        assert_eq!(b.timestamp[1], utc("2017-09-04T02:28:56.253Z"));
        assert_eq!(b.timestamp[8], utc("2017-09-04T02:43:24.21Z"));
        assert!(b.timestamp.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(b.assignee[0], None, "`{{}}` at creation sets nothing");
        assert_eq!(b.assignee[1], s("fabrikamfiber4@hotmail.com"));
        assert_eq!(b.assignee.iter().filter(|a| a.is_some()).count(), 1);
        assert!(b
            .actor
            .iter()
            .all(|a| a.as_deref() == Some("fabrikamfiber4@hotmail.com")));
        assert!(b
            .created
            .iter()
            .all(|c| *c == Some(utc("2017-09-04T02:08:16.6Z"))));
        assert!(b
            .source
            .iter()
            .all(|v| v.as_deref() == Some("azure_devops")));
        assert_eq!(b.team[0], s("MyAgilePro1"));
        assert!(b.team[1..].iter().all(Option::is_none));
        assert_eq!(r.files.len(), 1);
        assert_eq!((r.files[0].1, r.files[0].2), (1, 9));
        let cats = &r.hints.source_categories;
        assert_eq!(cats.len(), 2);
        assert_eq!(
            cats[&("azure_devops".into(), "New".into())],
            SourceCategory::Backlog
        );
        assert_eq!(
            cats[&("azure_devops".into(), "Active".into())],
            SourceCategory::Committed
        );
        assert!(r.hints.current_status.is_empty());
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn real_revisions_file_matches_updates() {
        let rv = real(&[REVISIONS]);
        let up = real(&[UPDATES]);
        assert_eq!(rv.items, 1);
        assert_eq!(rv.batch.len(), 9);
        assert_eq!(statuses(&rv), statuses(&up));
        assert_eq!(rv.batch.timestamp, up.batch.timestamp);
        assert_eq!(rv.batch.assignee, up.batch.assignee);
        assert_eq!(rv.batch.team, up.batch.team);
        assert_eq!(rv.batch.actor, up.batch.actor);
        assert_eq!(rv.batch.created, up.batch.created);
    }

    #[test]
    fn real_reporting_files_and_identity_shapes() {
        let r = real(&[REPORTING, REPORTING_REF]);
        assert_eq!(r.items, 4);
        let b = &r.batch;
        assert_eq!(b.item_id, ["1", "1", "2", "3", "350"]);
        assert_eq!(
            statuses(&r),
            [
                ("1".into(), utc("2014-03-18T17:16:56.25Z"), "New".into()),
                ("2".into(), utc("2014-03-18T17:17:06.01Z"), "New".into()),
                ("3".into(), utc("2015-06-23T18:25:16.137Z"), "Done".into()),
                ("350".into(), utc("2015-08-25T21:54:46.06Z"), "New".into()),
            ]
        );
        // Plain string "Jamal Hartnett <fabrikamfiber4@hotmail.com>" and
        // {id, uniqueName:"Normal Paulk <fabrikamfiber16@hotmail.com>"}.
        assert_eq!(b.actor[0], s("fabrikamfiber4@hotmail.com"));
        assert_eq!(b.actor[3], s("fabrikamfiber16@hotmail.com"));
        assert_eq!(b.actor[4], s("fabrikamfiber4@hotmail.com"));
        assert_eq!(b.created[3], Some(utc("2014-03-18T17:17:06.857Z")));
        assert_eq!(
            b.team,
            [
                s("Fabrikam-Fiber-Git"),
                None,
                s("Fabrikam-Fiber-Git"),
                s("Fabrikam-Fiber-Git"),
                s("Fabrikam-Fiber-Git")
            ]
        );
        assert_eq!(
            r.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(),
            [(2, 3), (2, 2)]
        );
        assert_eq!(
            r.hints.source_categories[&("azure_devops".into(), "Done".into())],
            SourceCategory::Done
        );
    }

    #[test]
    fn real_files_together_dedupe_and_conflicts() {
        // Sorted as a folder would be: revisions, updates, reporting, reporting-ref.
        let r = real(&[REVISIONS, UPDATES, REPORTING, REPORTING_REF]);
        assert_eq!(r.items, 4);
        // 9 (revisions) + 0 (updates: same revisions, same ChangedDate) + 1 (reporting item 2;
        // its item 1 revs 1-2 come from another project: conflicting copies) + 2.
        assert_eq!(r.batch.len(), 12);
        assert_eq!(
            r.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(),
            [(1, 9), (1, 0), (2, 1), (2, 2)]
        );
        assert_eq!(r.warnings.count(WarningKind::ConflictingRevision), 2);
        // Item 3 is first seen at rev 8 (reporting watermark 794).
        assert_eq!(r.warnings.count(WarningKind::TruncatedChangelog), 1);
        assert_eq!(statuses(&r).len(), 5);
    }

    // ---- traps, inline ----------------------------------------------------------------

    #[test]
    fn changed_date_not_revised_date_and_relation_only_skipped() {
        let recs = [
            upd(7, 1, "2024-01-02T00:00:00Z", &format!(r#"{},"System.State":{{"newValue":"New"}},"System.CreatedDate":{{"newValue":"2024-01-01T00:00:00Z"}}"#, changed("2024-01-01T00:00:00Z"))),
            // Relation-only: repeats rev 1, its revisedDate is a link time.
            r#"{"id":99,"workItemId":7,"rev":1,"revisedDate":"2024-01-01T12:00:00Z","relations":{"added":[{"rel":"ArtifactLink"}]}}"#.to_string(),
            upd(7, 2, "9999-01-01T00:00:00Z", &format!(r#"{},"System.State":{{"oldValue":"New","newValue":"Active"}}"#, changed("2024-01-02T00:00:00Z"))),
        ];
        let r = inline(&[&page(&recs)]);
        assert_eq!(r.batch.len(), 2);
        assert_eq!(
            statuses(&r),
            [
                ("7".into(), utc("2024-01-01T00:00:00Z"), "New".into()),
                ("7".into(), utc("2024-01-02T00:00:00Z"), "Active".into()),
            ]
        );
        assert!(r
            .batch
            .created
            .iter()
            .all(|c| *c == Some(utc("2024-01-01T00:00:00Z"))));
        // revisedBy stands in for an unchanged ChangedBy.
        assert!(r
            .batch
            .actor
            .iter()
            .all(|a| a.as_deref() == Some("ann@example.com")));
    }

    #[test]
    fn missing_changed_date_falls_back_to_previous_revised_date_then_skips() {
        let recs = [
            upd(
                7,
                1,
                "2024-01-03T00:00:00Z",
                &changed("2024-01-01T00:00:00Z"),
            ),
            upd(
                7,
                2,
                "2024-01-04T00:00:00Z",
                r#""System.State":{"newValue":"Active"}"#,
            ),
            upd(
                7,
                4,
                "9999-01-01T00:00:00Z",
                r#""System.State":{"newValue":"Closed"}"#,
            ),
        ];
        let r = inline(&[&page(&recs)]);
        assert_eq!(r.batch.len(), 2);
        assert_eq!(r.batch.timestamp[1], utc("2024-01-03T00:00:00Z"));
        assert_eq!(r.warnings.count(WarningKind::EventWithoutTimestamp), 1);
    }

    #[test]
    fn assignee_deltas_and_identity_shapes() {
        let recs = [
            upd(
                5,
                1,
                "x",
                &format!(
                    r#"{},"System.AssignedTo":{{}}"#,
                    changed("2024-01-01T00:00:00Z")
                ),
            ),
            upd(
                5,
                2,
                "x",
                &format!(
                    r#"{},"System.AssignedTo":{{"newValue":{{"displayName":"Bo B","uniqueName":"bo@example.com","id":"g-bo"}}}}"#,
                    changed("2024-01-02T00:00:00Z")
                ),
            ),
            upd(
                5,
                3,
                "x",
                &format!(
                    r#"{},"System.AssignedTo":{{"oldValue":"Bo B <bo@example.com>","newValue":"Cy C <cy@example.com>"}}"#,
                    changed("2024-01-03T00:00:00Z")
                ),
            ),
            upd(
                5,
                4,
                "x",
                &format!(
                    r#"{},"System.AssignedTo":{{"oldValue":{{"id":"g-cy","uniqueName":"Cy C <cy@example.com>"}}}}"#,
                    changed("2024-01-04T00:00:00Z")
                ),
            ),
            upd(
                5,
                5,
                "x",
                &format!(
                    r#"{},"System.AssignedTo":{{"oldValue":"x","newValue":""}},"System.ChangedBy":{{"newValue":{{"displayName":"Only Name","id":"g-dee"}}}}"#,
                    changed("2024-01-05T00:00:00Z")
                ),
            ),
        ];
        let r = inline(&[&page(&recs)]);
        assert_eq!(
            r.batch.assignee,
            [
                None,
                s("bo@example.com"),
                s("cy@example.com"),
                s("unassigned"),
                // Cleared again while nobody holds it: the revision is an event that sets
                // nothing (an event sets only what changes).
                None
            ]
        );
        // A display-name-only identity becomes its id, never the display name.
        assert_eq!(r.batch.actor[4], s("g-dee"));
        assert_eq!(
            identity(&serde_json::json!("ann@example.com")),
            s("ann@example.com")
        );
        assert_eq!(identity(&serde_json::json!({"displayName": "Only"})), None);
        assert_eq!(identity(&serde_json::json!("  ")), None);
        assert_eq!(identity(&serde_json::json!(r"CORP\ann")), s(r"CORP\ann"));
    }

    #[test]
    fn area_path_depth_and_moves_set_no_status() {
        let recs = [
            upd(
                9,
                1,
                "x",
                &format!(
                    r#"{},"System.State":{{"newValue":"New"}},"System.AreaPath":{{"newValue":"Proj\\Web\\Checkout"}}"#,
                    changed("2024-01-01T00:00:00Z")
                ),
            ),
            // Project move and type change: no status, team follows the area path.
            upd(
                9,
                2,
                "x",
                &format!(
                    r#"{},"System.TeamProject":{{"oldValue":"Proj","newValue":"Other"}},"System.WorkItemType":{{"oldValue":"Bug","newValue":"Task"}},"System.AreaPath":{{"oldValue":"Proj\\Web\\Checkout","newValue":"Other"}}"#,
                    changed("2024-01-02T00:00:00Z")
                ),
            ),
        ];
        let doc = page(&recs);
        let team = |depth| inline_with(&[&doc], depth).unwrap().batch.team;
        assert_eq!(team(2), [s(r"Proj\Web"), s("Other")]);
        assert_eq!(team(1), [s("Proj"), s("Other")]);
        assert_eq!(team(3), [s(r"Proj\Web\Checkout"), s("Other")]);
        assert_eq!(team(0), [s(r"Proj\Web\Checkout"), s("Other")]);
        assert_eq!(inline(&[&doc]).batch.status, [s("New"), None]);
        assert_eq!(team_of(r"\Proj\\Web\", 5), s(r"Proj\Web"));
        assert_eq!(team_of(r"\", 2), None);
    }

    #[test]
    fn revisions_diff_against_previous_revision() {
        let f = |st: &str, who: Option<&str>, area: &str, t: &str| {
            let who = who
                .map(|w| format!(r#","System.AssignedTo":"{w}""#))
                .unwrap_or_default();
            format!(
                r#""System.State":"{st}","System.AreaPath":"{area}","System.ChangedDate":"{t}","System.CreatedDate":"2024-01-01T00:00:00Z","System.ChangedBy":"Ann <ann@example.com>"{who}"#
            )
        };
        let recs = [
            snap(4, 1, &f("New", None, r"P\\A", "2024-01-01T00:00:00Z")),
            snap(
                4,
                2,
                &f(
                    "New",
                    Some("Bo <bo@example.com>"),
                    r"P\\A",
                    "2024-01-02T00:00:00Z",
                ),
            ),
            snap(
                4,
                3,
                &f(
                    "Active",
                    Some("Bo <bo@example.com>"),
                    r"P\\A\\Sub",
                    "2024-01-03T00:00:00Z",
                ),
            ),
            snap(4, 4, &f("Active", None, r"P\\B", "2024-01-04T00:00:00Z")),
        ];
        let r = inline(&[&page(&recs)]);
        let b = &r.batch;
        assert_eq!(b.status, [s("New"), None, s("Active"), None]);
        assert_eq!(
            b.assignee,
            [None, s("bo@example.com"), None, s("unassigned")]
        );
        assert_eq!(b.team, [s(r"P\A"), None, None, s(r"P\B")]);
        assert!(b
            .actor
            .iter()
            .all(|a| a.as_deref() == Some("ann@example.com")));
    }

    #[test]
    fn reporting_revisions_interleaved_and_out_of_rev_order() {
        let a = |item, rev, st: &str, t: &str| {
            snap(
                item,
                rev,
                &format!(r#""System.State":"{st}","System.ChangedDate":"{t}""#),
            )
        };
        let doc = format!(
            r#"{{"values":[{},{},{}],"nextLink":"x","continuationToken":"3;2;1","isLastBatch":true}}"#,
            a(2, 2, "Done", "2024-02-02T00:00:00Z"),
            a(1, 1, "Proposed", "2024-01-01T00:00:00Z"),
            a(2, 1, "Active", "2024-02-01T00:00:00Z"),
        );
        let r = inline(&[&doc]);
        // File order is kept; the diff runs in revision order (rev 2 of item 2 is a change).
        assert_eq!(r.batch.item_id, ["2", "1", "2"]);
        assert_eq!(r.batch.status, [s("Done"), s("Proposed"), s("Active")]);
        let c = &r.hints.source_categories;
        assert_eq!(
            c[&("azure_devops".into(), "Proposed".into())],
            SourceCategory::Backlog
        );
        assert_eq!(
            c[&("azure_devops".into(), "Done".into())],
            SourceCategory::Done
        );
    }

    #[test]
    fn standard_and_custom_states() {
        assert_eq!(standard_category("Removed"), Some(SourceCategory::Canceled));
        assert_eq!(
            standard_category("Resolved"),
            Some(SourceCategory::Committed)
        );
        assert_eq!(
            standard_category("Committed"),
            Some(SourceCategory::Committed)
        );
        assert_eq!(standard_category("Approved"), Some(SourceCategory::Backlog));
        assert_eq!(standard_category("Closed"), Some(SourceCategory::Done));
        let r = inline(&[&page(&[upd(
            1,
            1,
            "x",
            &format!(
                r#"{},"System.State":{{"newValue":"Ready for QA"}}"#,
                changed("2024-01-01T00:00:00Z")
            ),
        )])]);
        assert!(r.hints.source_categories.is_empty());
    }

    #[test]
    fn dedupe_across_pages_and_wrappers_and_streams() {
        let r1 = upd(
            3,
            1,
            "x",
            &format!(
                r#"{},"System.State":{{"newValue":"New"}}"#,
                changed("2024-01-01T00:00:00Z")
            ),
        );
        let r2 = upd(
            3,
            2,
            "x",
            &format!(
                r#"{},"System.State":{{"oldValue":"New","newValue":"Active"}}"#,
                changed("2024-01-02T00:00:00Z")
            ),
        );
        let wrapped = format!(
            r#"{{"parameters":{{"organization":"o"}},"responses":{{"200":{{"body":{}}}}}}}"#,
            page(&[r1.clone(), r2.clone()])
        );
        // A second file: two documents back to back, overlapping the first page.
        let stream = format!("{}\n[{r2}]", page(std::slice::from_ref(&r2)));
        let r = inline(&[&wrapped, &stream]);
        assert_eq!(r.batch.len(), 2);
        assert_eq!(r.items, 1);
        assert_eq!(
            r.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(),
            [(1, 2), (1, 0)]
        );
        assert!(r.warnings.is_empty());
        // A service-hook payload is read too.
        let hook = format!(
            r#"{{"eventType":"workitem.updated","resource":{r2},"resourceVersion":"1.0"}}"#
        );
        assert_eq!(inline(&[&hook]).batch.status, [s("Active")]);
    }

    #[test]
    fn initial_status_from_old_value_when_history_starts_late() {
        let recs = [
            upd(8, 5, "x", &changed("2024-01-05T00:00:00Z")),
            upd(
                8,
                6,
                "x",
                &format!(
                    r#"{},"System.State":{{"oldValue":"Active","newValue":"Closed"}}"#,
                    changed("2024-01-06T00:00:00Z")
                ),
            ),
        ];
        let r = inline(&[&page(&recs)]);
        assert_eq!(r.batch.status, [s("Active"), s("Closed")]);
        assert_eq!(r.warnings.count(WarningKind::TruncatedChangelog), 1);
        // No state at all: nothing to say.
        let r = inline(&[&page(&[upd(8, 5, "x", &changed("2024-01-05T00:00:00Z"))])]);
        assert!(r.batch.status.iter().all(Option::is_none));
        assert!(r.hints.current_status.is_empty());
    }

    #[test]
    fn errors_name_file_record_field_and_value() {
        let bad_date = page(&[upd(
            6,
            3,
            "x",
            r#""System.ChangedDate":{"newValue":"04/09/2017 02:36"}"#,
        )]);
        let e = inline_with(&[&bad_date], 2).unwrap_err().to_string();
        assert!(
            e.contains("page0.json") && e.contains("work item 6 rev 3 (value[0])"),
            "{e}"
        );
        assert!(
            e.contains("System.ChangedDate") && e.contains("04/09/2017 02:36"),
            "{e}"
        );
        let e = inline_with(&[r#"{"value":[{"id":1,"rev":1,"fields":"#], 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid JSON"), "{e}");
        let e = inline_with(&[r#"{"issues":[]}"#], 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not Azure DevOps"), "{e}");
        let e = inline_with(&[r#"{"value":[{"id":1,"title":"x"}]}"#], 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("value[0]") && e.contains("neither"), "{e}");
        let e = inline_with(
            &[r#"{"value":[{"workItemId":1,"rev":"x","fields":{}}]}"#],
            2,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`rev`"), "{e}");
        let e = inline_with(&[r#"{"value":[{"workItemId":1,"rev":2}]}"#], 2).unwrap_err();
        assert!(matches!(e, IngestError::Empty { .. }), "{e}");
        let e = inline_with(&[r#"{"parameters":{},"responses":{"404":{}}}"#], 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("responses"), "{e}");
    }

    #[test]
    fn conflicting_copies_keep_the_first() {
        let a = page(&[upd(
            1,
            1,
            "x",
            &format!(
                r#"{},"System.State":{{"newValue":"New"}}"#,
                changed("2024-01-01T00:00:00Z")
            ),
        )]);
        let b = page(&[upd(
            1,
            1,
            "x",
            &format!(
                r#"{},"System.State":{{"newValue":"Done"}}"#,
                changed("2020-01-01T00:00:00Z")
            ),
        )]);
        let r = inline(&[&a, &b]);
        assert_eq!(r.batch.status, [s("New")]);
        assert_eq!(r.warnings.count(WarningKind::ConflictingRevision), 1);
        let msg = &r.warnings.entries()[0].message;
        assert!(
            msg.contains("page1.json") && msg.contains("page0.json"),
            "{msg}"
        );
    }
}
