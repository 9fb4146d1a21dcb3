//! Bugzilla REST JSON (INTERFACE.md "Inputs"): `/rest/bug` responses (`{"bugs": [...]}`),
//! with each bug's `history` inline or from `/rest/bug/{id}/history` responses, as one
//! document, several pages (files or documents back to back) or one bug per line. Mozilla,
//! Red Hat, KDE, GNOME, Eclipse, LibreOffice and the Linux kernel run Bugzilla.
//!
//! Decisions:
//! - Item = a bug, id = its number (`12345`). Copies of a bug across pages are one bug:
//!   fields from the copy read last, history joined (identical entries kept once), sorted by
//!   `when` (stable).
//! - Status = the bug's `status`, with its `resolution` when the status is terminal
//!   (`RESOLVED`, `VERIFIED`, `CLOSED`): `RESOLVED (FIXED)`. Source categories (METRICS.md §2,
//!   beaten only by the config): a terminal status is **canceled** when the resolution is one
//!   of WONTFIX, INVALID, DUPLICATE, WORKSFORME, INCOMPLETE, EXPIRED, MOVED, INACTIVE, NOTABUG,
//!   INSUFFICIENT_DATA, CANTFIX, EOL, DEFERRED, NOTOURBUG, OBSOLETE, otherwise **done**
//!   (FIXED, and Red Hat's CURRENTRELEASE, ERRATA, NEXTRELEASE …); UNCONFIRMED, NEW,
//!   CONFIRMED, REOPENED are backlog; ASSIGNED, IN_PROGRESS and Red Hat's POST, MODIFIED,
//!   ON_DEV, ON_QA, RELEASE_PENDING are committed (the name patterns then say active or
//!   waiting). `REOPENED` after a
//!   resolution is a reopen (terminal → non-terminal); RESOLVED → VERIFIED is not.
//! - The first state comes from the history: the `removed` value of the first change of
//!   `status`, `resolution`, `assigned_to`, `product` and `component`, else the bug's current
//!   value. The changes of one history entry apply together (status and resolution are two
//!   changes of one entry).
//! - Created = `creation_time`. A bug known only from a history response has none: it starts
//!   at its first recorded change (`truncated_changelog`, the fix: add the bugs themselves,
//!   `/rest/bug?id=…`). A bug without any history has no known path: open, it holds its
//!   current status from creation; terminal, it is `(no history)` (backlog) until its current one at
//!   `cf_last_resolved` (bugzilla.mozilla.org) or else `last_change_time` (also
//!   `truncated_changelog`: its cycle time is unknown).
//! - Handoffs: `assigned_to` changes; the assignee is the e-mail (or login) as given, and
//!   `nobody@…` is nobody. Team (`[bugzilla] team`): `product/component` by default, or
//!   `product` or `component`; product and component moves change it.
//! - Actor: the entry's `who`; the `creator` at creation.
//!
//! Invariants: `source` = `bugzilla` and `created` on every event; no panics on data;
//! deterministic (bugs in first-seen order); errors name the file, the bug, the field and
//! the value.

use super::imported::{ImportContext, Imported};
use super::instants::LocalTimes;
use super::lenient::nullable;
use super::replay::{json_documents, FileTally, ItemReplay, Step, UNASSIGNED};
use crate::error::{shown, IngestError};
use crate::model::{SourceCategory, Ts};
use crate::time::parse_instant;
use crate::warning::WarningKind;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `source` of every Bugzilla event.
pub const SOURCE: &str = "bugzilla";
const WHAT: &str = "give Bugzilla REST responses as saved (`/rest/bug?…&include_fields=_default,history`, or `/rest/bug` pages with `/rest/bug/ID/history`)";
/// The status of a resolved bug without history before its resolution (unknown).
const NO_HISTORY: &str = "(no history)";
const TERMINAL: [&str; 3] = ["RESOLVED", "VERIFIED", "CLOSED"];
const CANCELED: [&str; 15] = [
    "WONTFIX",
    "INVALID",
    "DUPLICATE",
    "WORKSFORME",
    "INCOMPLETE",
    "EXPIRED",
    "MOVED",
    "INACTIVE",
    "NOTABUG",
    "INSUFFICIENT_DATA",
    "CANTFIX",
    "EOL",
    "DEFERRED",
    "NOTOURBUG",
    "OBSOLETE",
];

pub use super::options::{BugzillaOptions, BugzillaTeam};

/// Does the head of a file look like a Bugzilla REST response?
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('{') && !t.starts_with('[') {
        return false;
    }
    let has = |k: &str| t.contains(k);
    let bug_fields = [
        "\"creation_time\"",
        "\"assigned_to\"",
        "\"resolution\"",
        "\"last_change_time\"",
    ];
    let bug = bug_fields.iter().filter(|k| has(k)).count() >= 2;
    let history = has("\"history\"") && has("\"field_name\"") && has("\"when\"");
    (has("\"bugs\"") && (bug || history)) || (bug && has("\"component\"") && has("\"product\""))
}

/// A changed value: text (list fields are comma-separated) or, rarely, a number.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(untagged)]
enum Text {
    #[default]
    Missing,
    S(String),
    N(serde_json::Number),
}

impl Text {
    fn get(&self) -> String {
        match self {
            Text::Missing => String::new(),
            Text::S(s) => s.clone(),
            Text::N(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
struct Change {
    field_name: String,
    removed: Text,
    added: Text,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
struct Entry {
    when: String,
    who: Option<String>,
    #[serde(deserialize_with = "nullable")]
    changes: Vec<Change>,
}

/// A bug object (any subset of its fields).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct BugObj {
    id: Option<i64>,
    status: Option<String>,
    resolution: Option<String>,
    assigned_to: Option<String>,
    creator: Option<String>,
    creation_time: Option<String>,
    last_change_time: Option<String>,
    cf_last_resolved: Option<String>,
    product: Option<String>,
    component: Option<String>,
    history: Option<Vec<Entry>>,
}

#[derive(Default)]
struct Bug {
    obj: BugObj,
    file: usize,
    history: Vec<Entry>,
    has_history: bool,
}

/// Read every Bugzilla file of the input group into canonical events.
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut bugs = read_bugs(paths)?;
    if bugs.is_empty() {
        return Err(IngestError::Empty {
            path: paths.first().cloned().unwrap_or_default(),
            reason: format!("no Bugzilla bug found; {WHAT}"),
        });
    }
    let opts = &ctx.options.sources.bugzilla;
    let mut out = Imported::default();
    let mut local = LocalTimes::default();
    let mut tally = FileTally::new(paths.len());
    let mut gaps = Gaps::default();
    for b in &mut bugs {
        b.history.sort_by(|x, y| x.when.cmp(&y.when));
        let path = &paths[b.file];
        let n = replay(b, opts.team, path, ctx, &mut local, &mut out, &mut gaps)?;
        tally.item(b.file, n);
    }
    local.warn(ctx.tz, &mut out.warnings);
    gaps.warn(&mut out);
    out.items = tally.items();
    out.files = tally.files(paths);
    Ok(out)
}

/// Every bug of the files in first-seen order, copies merged.
fn read_bugs(paths: &[PathBuf]) -> Result<Vec<Bug>, IngestError> {
    let mut bugs: Vec<Bug> = Vec::new();
    let mut index: BTreeMap<i64, usize> = BTreeMap::new();
    for (fi, path) in paths.iter().enumerate() {
        for doc in json_documents(path, WHAT)? {
            for (k, v) in bug_values(doc).into_iter().enumerate() {
                if !v.is_object() {
                    continue;
                }
                let b: BugObj = serde_json::from_value(v).map_err(|e| IngestError::Malformed {
                    path: path.clone(),
                    record: format!("bug {}", k + 1).into(),
                    reason: format!("not a Bugzilla bug as the REST API returns it ({e}); {WHAT}"),
                })?;
                let Some(id) = b.id else { continue };
                let i = *index.entry(id).or_insert_with(|| {
                    bugs.push(Bug {
                        file: fi,
                        ..Bug::default()
                    });
                    bugs.len() - 1
                });
                merge(&mut bugs[i], b);
            }
        }
    }
    Ok(bugs)
}

/// The bug values of one document: its `bugs` list, the document's list, or the document.
fn bug_values(doc: Value) -> Vec<Value> {
    match doc {
        Value::Object(mut o) if o.contains_key("bugs") => match o.remove("bugs") {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        },
        Value::Array(a) => a,
        o @ Value::Object(_) => vec![o],
        _ => Vec::new(),
    }
}

/// Bugs read without a creation time or without any history, for the warnings.
#[derive(Default)]
struct Gaps {
    no_created: Vec<i64>,
    no_history: Vec<i64>,
}

impl Gaps {
    /// The warnings for the bugs without a creation time, then those without history.
    fn warn(&self, out: &mut Imported) {
        let (no_created, no_history) = (&self.no_created, &self.no_history);
        out.warnings.add(WarningKind::TruncatedChangelog, no_created.len() as u64, || {
            format!(
                "{} Bugzilla bug(s) (e.g. {}) come from a history response without the bug: they have no creation_time, so their lead time starts at their first recorded change; add the bugs themselves (/rest/bug?id=…)",
                no_created.len(),
                examples(no_created)
            )
        });
        out.warnings.add(WarningKind::TruncatedChangelog, no_history.len() as u64, || {
            format!(
                "{} Bugzilla bug(s) (e.g. {}) have no history: a resolved one has no status until its resolution (cf_last_resolved, else last_change_time) and no cycle time; export the history (include_fields=_default,history, or /rest/bug/ID/history)",
                no_history.len(),
                examples(no_history)
            )
        });
    }
}

/// The first five bug numbers of `v`, for a message.
fn examples(v: &[i64]) -> String {
    v.iter()
        .take(5)
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn merge(bug: &mut Bug, b: BugObj) {
    let o = &mut bug.obj;
    let keep = |mine: &mut Option<String>, new: Option<String>| {
        if new.is_some() {
            *mine = new;
        }
    };
    o.id = b.id;
    keep(&mut o.status, b.status);
    keep(&mut o.resolution, b.resolution);
    keep(&mut o.assigned_to, b.assigned_to);
    keep(&mut o.creator, b.creator);
    keep(&mut o.creation_time, b.creation_time);
    keep(&mut o.last_change_time, b.last_change_time);
    keep(&mut o.cf_last_resolved, b.cf_last_resolved);
    keep(&mut o.product, b.product);
    keep(&mut o.component, b.component);
    if let Some(h) = b.history {
        bug.has_history = true;
        for e in h {
            if !bug.history.contains(&e) {
                bug.history.push(e);
            }
        }
    }
}

/// The status name of (status, resolution).
fn name(status: &str, resolution: &str) -> String {
    if TERMINAL.contains(&status) && !resolution.is_empty() {
        format!("{status} ({resolution})")
    } else {
        status.to_string()
    }
}

/// The source category of (status, resolution), when Bugzilla's own workflow says it.
fn category(status: &str, resolution: &str) -> Option<SourceCategory> {
    if TERMINAL.contains(&status) {
        Some(if CANCELED.contains(&resolution) {
            SourceCategory::Canceled
        } else {
            SourceCategory::Done
        })
    } else {
        match status {
            "UNCONFIRMED" | "NEW" | "CONFIRMED" | "REOPENED" => Some(SourceCategory::Backlog),
            // Red Hat's workflow between assignment and release: a fix posted, merged, in QA.
            "ASSIGNED" | "IN_PROGRESS" | "POST" | "MODIFIED" | "ON_DEV" | "ON_QA"
            | "RELEASE_PENDING" => Some(SourceCategory::Committed),
            _ => None,
        }
    }
}

/// The assignee as an event sets it (`nobody@…` is nobody).
fn person(v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        None
    } else if v.starts_with("nobody@") {
        Some(UNASSIGNED.into())
    } else {
        Some(v.to_string())
    }
}

/// Reads one bug's instants, counting those without an offset.
struct BugTimes<'a> {
    id: i64,
    path: &'a Path,
    ctx: &'a ImportContext,
    local: &'a mut LocalTimes,
}

impl BugTimes<'_> {
    /// The instant `v` of the bug's field `field`.
    fn read(&mut self, v: &str, field: &str) -> Result<Ts, IngestError> {
        let (id, path) = (self.id, self.path);
        let (ts, off) = parse_instant(v, self.ctx.tz).map_err(|reason| IngestError::BadValue {
            path: path.to_path_buf(),
            record: format!("bug {id}").into(),
            field: field.into(),
            value: shown(v),
            reason: reason.to_string(),
        })?;
        self.local.count(off, || {
            format!("{}: bug {id}: {field} {v:?}", path.display())
        });
        Ok(ts)
    }
}

/// A bug's fields as its history is replayed.
struct BugState {
    team_by: BugzillaTeam,
    status: String,
    resolution: String,
    assignee: String,
    product: String,
    component: String,
}

impl BugState {
    /// The fields before the history: the `removed` value of each field's first change, else
    /// the bug's current value.
    fn initial(b: &Bug, team_by: BugzillaTeam) -> BugState {
        let first_of = |field: &str, current: &Option<String>| -> String {
            b.history
                .iter()
                .flat_map(|e| &e.changes)
                .find(|c| c.field_name == field)
                .map_or_else(|| current.clone().unwrap_or_default(), |c| c.removed.get())
        };
        BugState {
            team_by,
            status: first_of("status", &b.obj.status),
            resolution: first_of("resolution", &b.obj.resolution),
            assignee: first_of("assigned_to", &b.obj.assigned_to),
            product: first_of("product", &b.obj.product),
            component: first_of("component", &b.obj.component),
        }
    }

    /// The status name now.
    fn status_name(&self) -> String {
        name(&self.status, &self.resolution)
    }

    /// The team now (`[bugzilla] team`), None when empty.
    fn team(&self) -> Option<String> {
        let (p, c) = (self.product.as_str(), self.component.as_str());
        let t = match self.team_by {
            BugzillaTeam::ProductComponent if !p.is_empty() && !c.is_empty() => format!("{p}/{c}"),
            BugzillaTeam::ProductComponent => format!("{p}{c}"),
            BugzillaTeam::Product => p.to_string(),
            BugzillaTeam::Component => c.to_string(),
        };
        (!t.is_empty()).then_some(t)
    }

    /// The creation step: what the bug held then (`(no history)` for a terminal bug whose
    /// path is unknown).
    fn first_step(&self, terminal_unknown: bool) -> Step {
        Step {
            status: if terminal_unknown {
                Some(NO_HISTORY.into())
            } else {
                (!self.status.is_empty()).then(|| self.status_name())
            },
            assignee: person(&self.assignee),
            team: self.team(),
        }
    }

    /// Apply the changes of one history entry: the step they make together. The
    /// (status, resolution) then is pushed to `hints`.
    fn apply(&mut self, e: &Entry, hints: &mut Vec<(String, String)>) -> Step {
        let mut step = Step::default();
        let mut team_moved = false;
        for c in &e.changes {
            let added = c.added.get();
            match c.field_name.as_str() {
                "status" => self.status = added,
                "resolution" => self.resolution = added,
                "assigned_to" => {
                    self.assignee = added;
                    step.assignee = person(&self.assignee);
                }
                "product" => {
                    self.product = added;
                    team_moved = true;
                }
                "component" => {
                    self.component = added;
                    team_moved = true;
                }
                _ => {}
            }
        }
        if !self.status.is_empty() {
            step.status = Some(self.status_name());
            hints.push((self.status.clone(), self.resolution.clone()));
        }
        if team_moved {
            step.team = self.team();
        }
        step
    }
}

/// The source category of (status, resolution) as a hint, when Bugzilla's workflow says it.
fn hint(out: &mut Imported, status: &str, resolution: &str) {
    if let Some(c) = category(status, resolution) {
        let key = (SOURCE.to_string(), name(status, resolution));
        out.hints.source_categories.insert(key, c);
    }
}

/// When the bug was created: its `creation_time`, else its first change (counted in
/// `gaps`); None for a bug with neither.
fn created_at(
    b: &Bug,
    times: &mut BugTimes<'_>,
    gaps: &mut Gaps,
) -> Result<Option<Ts>, IngestError> {
    Ok(Some(match (&b.obj.creation_time, b.history.first()) {
        (Some(c), _) => times.read(c, "creation_time")?,
        (None, Some(e)) => {
            gaps.no_created.push(times.id);
            times.read(&e.when, "history.when")?
        }
        (None, None) => return Ok(None),
    }))
}

/// Replay one bug; returns the events pushed (none for a bug without creation time or
/// history).
fn replay(
    b: &Bug,
    team_by: BugzillaTeam,
    path: &Path,
    ctx: &ImportContext,
    local: &mut LocalTimes,
    out: &mut Imported,
    gaps: &mut Gaps,
) -> Result<u64, IngestError> {
    let id = b.obj.id.unwrap_or_default();
    let item = id.to_string();
    let mut times = BugTimes {
        id,
        path,
        ctx,
        local,
    };
    let mut now = BugState::initial(b, team_by);
    let Some(created) = created_at(b, &mut times, gaps)? else {
        return Ok(0);
    };
    let silent = !b.has_history && b.history.is_empty();
    let terminal_unknown = silent && TERMINAL.contains(&now.status.as_str());
    if silent {
        gaps.no_history.push(id);
    }
    let first = now.first_step(terminal_unknown);
    hint(out, &now.status, &now.resolution);
    if terminal_unknown {
        let key = (SOURCE.to_string(), NO_HISTORY.to_string());
        out.hints
            .source_categories
            .insert(key, SourceCategory::Backlog);
    }
    let creator = b.obj.creator.clone();
    let mut r = ItemReplay::start(&mut out.batch, SOURCE, &item, created, first, creator);
    if terminal_unknown {
        resolved_silently(b, &now, created, &mut times, &mut r)?;
    }
    let mut hints = Vec::new();
    for e in &b.history {
        let ts = times.read(&e.when, "history.when")?.max(created);
        let step = now.apply(e, &mut hints);
        r.step(ts, step, e.who.clone());
    }
    let n = r.pushed();
    for (s, res) in hints {
        hint(out, &s, &res);
    }
    Ok(n)
}

/// A terminal bug without history: its current status from `cf_last_resolved`, else
/// `last_change_time` (not before its creation), when the bug has either.
fn resolved_silently(
    b: &Bug,
    now: &BugState,
    created: Ts,
    times: &mut BugTimes<'_>,
    r: &mut ItemReplay<'_>,
) -> Result<(), IngestError> {
    let at = b
        .obj
        .cf_last_resolved
        .as_deref()
        .or(b.obj.last_change_time.as_deref());
    if let Some(at) = at {
        let field = if b.obj.cf_last_resolved.is_some() {
            "cf_last_resolved"
        } else {
            "last_change_time"
        };
        let ts = times.read(at, field)?.max(created);
        let step = Step {
            status: Some(now.status_name()),
            ..Step::default()
        };
        r.step(ts, step, None);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
