//! Shared pieces of the export importers: reading JSON documents back to back, per-file
//! tallies, and the replay of one item's history into canonical events (METRICS.md §1: an
//! event sets only the fields that change).
//!
//! - [`json_documents`]: every JSON document of a file (one document, documents back to back
//!   as `glab api --paginate` and `gh api --paginate` write them, or one per line).
//! - [`FileTally`]: items and events per input file, for the report's "what was read".
//! - [`ItemReplay`]: one item's events, pushed only when status, assignee or team changes.
//! - [`Holders`]: a set of people on an item (assignees, members); the holder is the one
//!   added last who is still on it, `unassigned` when nobody is.
//! - [`InForce`]: workflow labels (or milestones) in force on an item; the status is the
//!   one added last that is still in force.

use crate::error::IngestError;
use crate::error::Location;
use crate::model::{Event, EventBatch, Ts};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The assignee (or team) value that means nobody.
pub const UNASSIGNED: &str = "unassigned";

/// The header of an Apache DevLake raw table exported as CSV (`_raw_gitlab_api_issues` …):
/// each row's `data` cell holds one API response object as the tool fetched it.
pub const DEVLAKE_RAW_HEADER: &[u8] = b"id,params,data,url,input,created_at";

/// Every JSON document of `path` (a byte-order mark is skipped), or of each `data` cell of an
/// Apache DevLake raw table CSV. `what` names the format and how to export it, for the error.
pub fn json_documents(path: &Path, what: &str) -> Result<Vec<Value>, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    if bytes.starts_with(DEVLAKE_RAW_HEADER) {
        return devlake_documents(path, bytes, what);
    }
    let mut docs = Vec::new();
    for doc in serde_json::Deserializer::from_slice(bytes).into_iter::<Value>() {
        docs.push(doc.map_err(|e| IngestError::Malformed {
            path: path.to_path_buf(),
            record: Location::line_column(e.line(), e.column()),
            reason: format!("not valid JSON ({e}); {what}"),
        })?);
    }
    Ok(docs)
}

fn devlake_documents(path: &Path, bytes: &[u8], what: &str) -> Result<Vec<Value>, IngestError> {
    let mut r = csv::Reader::from_reader(bytes);
    let mut docs = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| IngestError::Malformed {
            path: path.to_path_buf(),
            record: e
                .position()
                .map_or("a row".into(), |p| format!("line {}", p.line()).into()),
            reason: format!("not a valid CSV row ({e}); export the DevLake raw table again"),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = rec.get(2).unwrap_or("");
        docs.push(
            serde_json::from_str(cell).map_err(|e| IngestError::BadValue {
                path: path.to_path_buf(),
                record: Location::line(line),
                field: "data".into(),
                value: crate::error::shown(cell),
                reason: format!("not valid JSON ({e}); {what}"),
            })?,
        );
    }
    Ok(docs)
}

/// Items and events per input file. An importer counts an item in a file with [`item`]
/// (the item and its events in one file) or, when an item is read from several files (pages,
/// copies) and its events are counted where its latest copy is, with [`seen`] per file and
/// [`events`] once.
///
/// [`item`]: FileTally::item
/// [`seen`]: FileTally::seen
/// [`events`]: FileTally::events
#[derive(Debug, Clone)]
pub struct FileTally {
    counts: Vec<(u64, u64)>,
}

impl FileTally {
    /// No file counted yet, for `n` files.
    pub fn new(n: usize) -> FileTally {
        FileTally {
            counts: vec![(0, 0); n],
        }
    }

    /// One item of file `file` that produced `events` events (an item without events is not
    /// counted).
    pub fn item(&mut self, file: usize, events: u64) {
        if events == 0 {
            return;
        }
        if let Some(c) = self.counts.get_mut(file) {
            c.0 += 1;
            c.1 += events;
        }
    }

    /// An item seen in file `file` (counted once per file by the caller).
    pub fn seen(&mut self, file: usize) {
        if let Some(c) = self.counts.get_mut(file) {
            c.0 += 1;
        }
    }

    /// `n` events counted in file `file`.
    pub fn events(&mut self, file: usize, n: u64) {
        if let Some(c) = self.counts.get_mut(file) {
            c.1 += n;
        }
    }

    /// Items counted over all files.
    pub fn items(&self) -> usize {
        self.counts.iter().map(|c| c.0 as usize).sum()
    }

    /// (path, items, events) per file, in file order.
    pub fn files(&self, paths: &[PathBuf]) -> Vec<(PathBuf, u64, u64)> {
        paths
            .iter()
            .zip(&self.counts)
            .map(|(p, &(i, e))| (p.clone(), i, e))
            .collect()
    }
}

/// Where an [`ItemReplay`] puts its events: the importer's [`EventBatch`], or a `Vec<Event>`
/// when the importer orders its events itself afterwards (Azure DevOps: file order).
pub trait EventSink {
    /// Append one event.
    fn put(&mut self, e: Event);
    /// Events held.
    fn count(&self) -> usize;
    /// The status set by event `i`.
    fn status_mut(&mut self, i: usize) -> Option<&mut Option<String>>;
}

impl EventSink for EventBatch {
    fn put(&mut self, e: Event) {
        self.push(e);
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn status_mut(&mut self, i: usize) -> Option<&mut Option<String>> {
        self.status.get_mut(i)
    }
}

impl EventSink for Vec<Event> {
    fn put(&mut self, e: Event) {
        self.push(e);
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn status_mut(&mut self, i: usize) -> Option<&mut Option<String>> {
        self.get_mut(i).map(|e| &mut e.status)
    }
}

/// One item's history replayed into events: the first event sets every known field, later
/// ones only what changed; `created` and `source` are on every event.
pub struct ItemReplay<'a, S: EventSink = EventBatch> {
    first: usize,
    item: String,
    source: &'static str,
    created: Option<Ts>,
    out: &'a mut S,
    status: Option<String>,
    assignee: Option<String>,
    team: Option<String>,
    pushed: u64,
}

/// What one step of a history sets (None: unchanged).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Step {
    /// Status.
    pub status: Option<String>,
    /// Assignee ([`UNASSIGNED`] for nobody).
    pub assignee: Option<String>,
    /// Team.
    pub team: Option<String>,
}

impl<'a, S: EventSink> ItemReplay<'a, S> {
    /// Start the item: its creation event at `created` with what it held then.
    pub fn start(
        out: &'a mut S,
        source: &'static str,
        item: &str,
        created: Ts,
        first: Step,
        actor: Option<String>,
    ) -> ItemReplay<'a, S> {
        ItemReplay::start_at(out, source, item, created, Some(created), first, actor)
    }

    /// Start the item with its first known event at `ts`; `created` (when the export gives
    /// it) is put on every event.
    pub fn start_at(
        out: &'a mut S,
        source: &'static str,
        item: &str,
        ts: Ts,
        created: Option<Ts>,
        first: Step,
        actor: Option<String>,
    ) -> ItemReplay<'a, S> {
        let mut r = ItemReplay::new(out, source, item, created);
        r.force(ts, first, actor);
        r
    }

    /// An item with no event yet: its first [`step`](Self::step) or
    /// [`record`](Self::record) sets every known field.
    pub fn new(
        out: &'a mut S,
        source: &'static str,
        item: &str,
        created: Option<Ts>,
    ) -> ItemReplay<'a, S> {
        ItemReplay {
            first: out.count(),
            item: item.to_string(),
            source,
            created,
            out,
            status: None,
            assignee: None,
            team: None,
            pushed: 0,
        }
    }

    /// What of `s` differs from the values now (None: unchanged).
    fn changes(&self, s: Step) -> Step {
        let changed = |new: Option<String>, old: &Option<String>| -> Option<String> {
            new.filter(|n| old.as_ref() != Some(n))
        };
        Step {
            status: changed(s.status, &self.status),
            assignee: changed(s.assignee, &self.assignee),
            team: changed(s.team, &self.team),
        }
    }

    /// A step at `ts`: an event when it changes something.
    pub fn step(&mut self, ts: Ts, s: Step, actor: Option<String>) {
        let s = self.changes(s);
        if s != Step::default() {
            self.force(ts, s, actor);
        }
    }

    /// A step at `ts` that is an event even when it changes nothing (a revision of the item:
    /// activity by `actor`); the event sets only what changed.
    pub fn record(&mut self, ts: Ts, s: Step, actor: Option<String>) {
        let s = self.changes(s);
        self.force(ts, s, actor);
    }

    fn force(&mut self, ts: Ts, s: Step, actor: Option<String>) {
        if s.status.is_some() {
            self.status.clone_from(&s.status);
        }
        if s.assignee.is_some() {
            self.assignee.clone_from(&s.assignee);
        }
        if s.team.is_some() {
            self.team.clone_from(&s.team);
        }
        self.out.put(Event {
            item_id: self.item.clone(),
            timestamp: ts,
            status: s.status,
            assignee: s.assignee,
            team: s.team,
            actor,
            source: Some(self.source.to_string()),
            created: self.created,
        });
        self.pushed += 1;
    }

    /// The status now.
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// The assignee now (None: never set).
    pub fn assignee(&self) -> Option<&str> {
        self.assignee.as_deref()
    }

    /// The status the item had before its first event set one: when no event has set a
    /// status yet, the first event gets `status` (an Azure DevOps update stream that starts
    /// late names it as the first change's `oldValue`, as Jira's `fromString`, METRICS.md
    /// §1). Returns whether it was set.
    pub fn status_before(&mut self, status: &str) -> bool {
        if self.pushed == 0 || self.status.is_some() {
            return false;
        }
        match self.out.status_mut(self.first) {
            Some(slot) if slot.is_none() => {
                *slot = Some(status.to_string());
                self.status = Some(status.to_string());
                true
            }
            _ => false,
        }
    }

    /// Events pushed.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }
}

/// People on an item; the holder is the one added last who is still on it.
#[derive(Debug, Default, Clone)]
pub struct Holders {
    on: Vec<String>,
}

impl Holders {
    /// Add `p` (again: moves to the end). Returns the holder.
    pub fn add(&mut self, p: &str) -> String {
        self.on.retain(|x| x != p);
        self.on.push(p.to_string());
        self.holder()
    }

    /// Remove `p`. Returns the holder.
    pub fn remove(&mut self, p: &str) -> String {
        self.on.retain(|x| x != p);
        self.holder()
    }

    /// The holder ([`UNASSIGNED`] when nobody).
    pub fn holder(&self) -> String {
        self.on.last().cloned().unwrap_or_else(|| UNASSIGNED.into())
    }
}

/// Workflow values in force on an item (labels of one family, a milestone); the status is
/// the one added last that is still in force.
#[derive(Debug, Default, Clone)]
pub struct InForce {
    on: Vec<String>,
}

impl InForce {
    /// Add `v`.
    pub fn add(&mut self, v: &str) {
        self.on.retain(|x| x != v);
        self.on.push(v.to_string());
    }

    /// Remove `v`.
    pub fn remove(&mut self, v: &str) {
        self.on.retain(|x| x != v);
    }

    /// The value in force added last.
    pub fn current(&self) -> Option<&str> {
        self.on.last().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_pushes_only_changes_and_counts_them() {
        let mut b = EventBatch::default();
        let s = |v: &str| Some(v.to_string());
        let first = Step {
            status: s("open"),
            assignee: s("ann"),
            team: s("T"),
        };
        let mut r = ItemReplay::start(&mut b, "x", "I-1", 10, first, s("bob"));
        r.step(
            20,
            Step {
                status: s("open"),
                ..Step::default()
            },
            None,
        );
        r.step(
            30,
            Step {
                status: s("doing"),
                assignee: s("ann"),
                team: None,
            },
            s("ann"),
        );
        assert_eq!(r.status(), Some("doing"));
        assert_eq!(r.pushed(), 2);
        assert_eq!(b.timestamp, vec![10, 30]);
        assert_eq!(b.status, vec![s("open"), s("doing")]);
        assert_eq!(b.assignee, vec![s("ann"), None]);
        assert_eq!(b.created, vec![Some(10), Some(10)]);
        assert_eq!(b.source, vec![s("x"), s("x")]);
    }

    #[test]
    fn holders_and_in_force_fall_back_to_the_latest_still_on() {
        let mut h = Holders::default();
        assert_eq!(h.add("a"), "a");
        assert_eq!(h.add("b"), "b");
        assert_eq!(h.remove("b"), "a");
        assert_eq!(h.remove("a"), UNASSIGNED);
        let mut f = InForce::default();
        f.add("todo");
        f.add("doing");
        f.remove("doing");
        assert_eq!(f.current(), Some("todo"));
        f.add("todo");
        f.remove("todo");
        assert_eq!(f.current(), None);
    }

    #[test]
    fn tallies_skip_items_without_events() {
        let mut t = FileTally::new(2);
        t.item(0, 3);
        t.item(0, 0);
        t.item(1, 2);
        t.item(5, 1);
        assert_eq!(t.items(), 2);
        let paths = [PathBuf::from("a"), PathBuf::from("b")];
        assert_eq!(t.files(&paths)[0], (PathBuf::from("a"), 1, 3));
    }
}
