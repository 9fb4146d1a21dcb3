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
    let mut bugs: Vec<Bug> = Vec::new();
    let mut index: BTreeMap<i64, usize> = BTreeMap::new();
    for (fi, path) in paths.iter().enumerate() {
        for doc in json_documents(path, WHAT)? {
            let list = match doc {
                Value::Object(mut o) if o.contains_key("bugs") => match o.remove("bugs") {
                    Some(Value::Array(a)) => a,
                    _ => Vec::new(),
                },
                Value::Array(a) => a,
                o @ Value::Object(_) => vec![o],
                _ => Vec::new(),
            };
            for (k, v) in list.into_iter().enumerate() {
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
    let (mut no_created, mut no_history) = (Vec::new(), Vec::new());
    for b in &mut bugs {
        b.history.sort_by(|x, y| x.when.cmp(&y.when));
        let path = &paths[b.file];
        let n = replay(
            b,
            opts.team,
            path,
            ctx,
            &mut local,
            &mut out,
            &mut no_created,
            &mut no_history,
        )?;
        tally.item(b.file, n);
    }
    local.warn(ctx.tz, &mut out.warnings);
    let list = |v: &[i64]| {
        v.iter()
            .take(5)
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.warnings.add(WarningKind::TruncatedChangelog, no_created.len() as u64, || {
        format!(
            "{} Bugzilla bug(s) (e.g. {}) come from a history response without the bug: they have no creation_time, so their lead time starts at their first recorded change; add the bugs themselves (/rest/bug?id=…)",
            no_created.len(),
            list(&no_created)
        )
    });
    out.warnings.add(WarningKind::TruncatedChangelog, no_history.len() as u64, || {
        format!(
            "{} Bugzilla bug(s) (e.g. {}) have no history: a resolved one has no status until its resolution (cf_last_resolved, else last_change_time) and no cycle time; export the history (include_fields=_default,history, or /rest/bug/ID/history)",
            no_history.len(),
            list(&no_history)
        )
    });
    out.items = tally.items();
    out.files = tally.files(paths);
    Ok(out)
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

#[allow(clippy::too_many_arguments)]
fn replay(
    b: &Bug,
    team_by: BugzillaTeam,
    path: &Path,
    ctx: &ImportContext,
    local: &mut LocalTimes,
    out: &mut Imported,
    no_created: &mut Vec<i64>,
    no_history: &mut Vec<i64>,
) -> Result<u64, IngestError> {
    let id = b.obj.id.unwrap_or_default();
    let item = id.to_string();
    let mut instant = |v: &str, field: &str| -> Result<Ts, IngestError> {
        let (ts, off) = parse_instant(v, ctx.tz).map_err(|reason| IngestError::BadValue {
            path: path.to_path_buf(),
            record: format!("bug {id}").into(),
            field: field.into(),
            value: shown(v),
            reason: reason.to_string(),
        })?;
        local.count(off, || {
            format!("{}: bug {id}: {field} {v:?}", path.display())
        });
        Ok(ts)
    };
    let first_of = |field: &str, current: &Option<String>| -> String {
        b.history
            .iter()
            .flat_map(|e| &e.changes)
            .find(|c| c.field_name == field)
            .map_or_else(|| current.clone().unwrap_or_default(), |c| c.removed.get())
    };
    let mut status = first_of("status", &b.obj.status);
    let mut resolution = first_of("resolution", &b.obj.resolution);
    let mut assignee = first_of("assigned_to", &b.obj.assigned_to);
    let mut product = first_of("product", &b.obj.product);
    let mut component = first_of("component", &b.obj.component);
    let team_of = |p: &str, c: &str| -> Option<String> {
        let t = match team_by {
            BugzillaTeam::ProductComponent if !p.is_empty() && !c.is_empty() => format!("{p}/{c}"),
            BugzillaTeam::ProductComponent => format!("{p}{c}"),
            BugzillaTeam::Product => p.to_string(),
            BugzillaTeam::Component => c.to_string(),
        };
        (!t.is_empty()).then_some(t)
    };
    let created = match (&b.obj.creation_time, b.history.first()) {
        (Some(c), _) => instant(c, "creation_time")?,
        (None, Some(e)) => {
            no_created.push(id);
            instant(&e.when, "history.when")?
        }
        (None, None) => return Ok(0),
    };
    let hint = |s: &str, r: &str, out: &mut Imported| {
        if let Some(c) = category(s, r) {
            let key = (SOURCE.to_string(), name(s, r));
            out.hints.source_categories.insert(key, c);
        }
    };
    let silent = !b.has_history && b.history.is_empty();
    let terminal_unknown = silent && TERMINAL.contains(&status.as_str());
    if silent {
        no_history.push(id);
    }
    let first = Step {
        status: if terminal_unknown {
            Some(NO_HISTORY.into())
        } else {
            (!status.is_empty()).then(|| name(&status, &resolution))
        },
        assignee: person(&assignee),
        team: team_of(&product, &component),
    };
    hint(&status, &resolution, out);
    if terminal_unknown {
        let key = (SOURCE.to_string(), NO_HISTORY.to_string());
        out.hints
            .source_categories
            .insert(key, SourceCategory::Backlog);
    }
    let creator = b.obj.creator.clone();
    let mut r = ItemReplay::start(&mut out.batch, SOURCE, &item, created, first, creator);
    if terminal_unknown {
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
            let ts = instant(at, field)?.max(created);
            r.step(
                ts,
                Step {
                    status: Some(name(&status, &resolution)),
                    ..Step::default()
                },
                None,
            );
        }
    }
    let mut hints = Vec::new();
    for e in &b.history {
        let ts = instant(&e.when, "history.when")?.max(created);
        let mut step = Step::default();
        let mut team_moved = false;
        for c in &e.changes {
            let added = c.added.get();
            match c.field_name.as_str() {
                "status" => status = added,
                "resolution" => resolution = added,
                "assigned_to" => {
                    assignee = added;
                    step.assignee = person(&assignee);
                }
                "product" => {
                    product = added;
                    team_moved = true;
                }
                "component" => {
                    component = added;
                    team_moved = true;
                }
                _ => {}
            }
        }
        if !status.is_empty() {
            step.status = Some(name(&status, &resolution));
            hints.push((status.clone(), resolution.clone()));
        }
        if team_moved {
            step.team = team_of(&product, &component);
        }
        r.step(ts, step, e.who.clone());
    }
    let n = r.pushed();
    for (s, res) in hints {
        hint(&s, &res, out);
    }
    Ok(n)
}

#[cfg(test)]
mod tests;
