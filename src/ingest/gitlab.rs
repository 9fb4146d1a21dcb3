//! GitLab REST JSON (INTERFACE.md "Inputs"): issues and merge requests (`/projects/:id/issues`,
//! `/merge_requests`, one object or a list), their `resource_state_events`,
//! `resource_label_events` and `resource_milestone_events` (lists as the API returns them),
//! `glab api --paginate` output (documents back to back), or one combined document per
//! project (any object holding such lists, e.g. `{"issues": [...], "merge_requests": [...]}`;
//! an issue object may carry its own `resource_*_events` lists), or an Apache DevLake raw
//! table exported as CSV (`_raw_gitlab_api_issues`: the API objects in its `data` column).
//!
//! Decisions:
//! - Item = an issue or a merge request; id `group/project#iid` (`!iid` for a merge request)
//!   from `references.full`, else from `web_url`, else `project <project_id>#iid`. A merge
//!   request is an object with `source_branch`/`target_branch`/`merge_status`/`merged_at`,
//!   or whose `web_url` or reference says so. An item in several files is kept once (the copy
//!   with the latest `updated_at`).
//! - Resource events are linked to their item by (`resource_type`, `resource_id`) = the
//!   item's global `id`; failing that, its `iid` (the documentation's examples use both);
//!   events inside an item's own lists belong to it. Epic events and events whose item is not
//!   in the input are skipped (`input_skipped`). Copies of an event (same kind and `id`) are
//!   kept once.
//! - Statuses: creation sets `opened`; `closed` sets `closed` (done) for an issue and
//!   `closed (unmerged)` (canceled) for a merge request; `merged` sets `merged` (done);
//!   `reopened` sets the item open again. Source categories (METRICS.md §2): `opened`
//!   backlog, `closed` and `merged` done, `closed (unmerged)` canceled; workflow labels are
//!   categorised by their names like any status. The object's `closed_at`/`merged_at` closes the
//!   item when no state event within 60 s of it does (a list of issues alone).
//! - Workflow (`[gitlab] workflow`, see [`super::workflow`]): while an item is open its status
//!   is the workflow label (or milestone) in force that was added last, else `opened`. The
//!   changes of one instant make one event: removals apply before additions (a scoped-label
//!   move is an add and a remove with the same `created_at`), and labels before state
//!   changes (a close with its `workflow::done` label is one close). An issue closed with a
//!   workflow value in force is `closed (<value>)`, so that the name patterns tell a close
//!   as won't-do (`closed (Won't Do)`: canceled) from a delivery (`closed (Done)`,
//!   `closed (X - blocked)`: done, by `closed`). Labels on the item
//!   object without label events are not applied: their date is unknown.
//! - Assignee sequence: the first of `assignees` (else `assignee`) at creation, then a merge
//!   request's `reviewers` in order, also at creation: the REST API does not record when
//!   assignees or reviewers changed (GitLab keeps that in system notes), so handoffs are
//!   counted but carry no time of their own.
//! - Team: `[gitlab] team_label` (the value of that label family, from its label events, else
//!   from the item's current labels at creation), else the project's group path (`gitlab-org`
//!   of `gitlab-org/gitlab#1`). A roster still assigns people's teams (METRICS.md §1).
//! - Actor: the event's `user`; the author at creation, `closed_by`/`merged_by` for closes
//!   taken from the object. People are usernames.
//!
//! Invariants: `source` = `gitlab` and `created` on every event; no panics on data;
//! deterministic (items in first-seen order, events by time then kind then input order);
//! errors name the file, the item or event, the field and the value.

use super::imported::{ImportContext, Imported};
use super::instants::LocalTimes;
use super::replay::{json_documents, FileTally, ItemReplay, Step};
use super::workflow::{self, Evidence, Workflow};
use crate::error::{shown, IngestError};
use crate::model::{EventBatch, SourceCategory, Ts};
use crate::time::parse_instant;
use crate::warning::WarningKind;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod flow;
mod shapes;
use flow::FlowState;
use shapes::{ItemObj, ResourceEvent, User};

/// The `source` of every GitLab event.
pub const SOURCE: &str = "gitlab";
const OPENED: &str = "opened";
/// A close event and the object's `closed_at` this close (µs) are one close.
const SAME_CLOSE: Ts = 60_000_000;
const WHAT: &str = "give GitLab REST responses as saved (`glab api --paginate` output is fine)";

/// Does the head of a file look like GitLab REST JSON?
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if head.starts_with(super::replay::DEVLAKE_RAW_HEADER) {
        // An Apache DevLake raw table of GitLab API responses.
        let text = String::from_utf8_lossy(head);
        return text.contains("\"\"iid\"\"") && text.contains("\"\"project_id\"\"");
    }
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('[') && !t.starts_with('{') {
        return false;
    }
    let has = |k: &str| t.contains(k);
    let item = has("\"iid\"")
        && has("\"project_id\"")
        && (has("\"references\"")
            || has("/-/issues/")
            || has("/-/merge_requests/")
            || has("\"issue_type\"")
            || has("\"merge_status\""));
    let event = has("\"resource_type\"")
        && has("\"resource_id\"")
        && (has("\"label\"") || has("\"state\"") || has("\"milestone\""));
    item || event
}

/// What an event changes.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    State(String),
    Label { name: String, add: bool },
    Milestone { title: String, add: bool },
}

impl Change {
    /// Order at one instant: removals, additions, then state changes.
    fn rank(&self) -> u8 {
        match self {
            Change::Label { add: false, .. } | Change::Milestone { add: false, .. } => 0,
            Change::Label { .. } | Change::Milestone { .. } => 1,
            Change::State(_) => 2,
        }
    }
}

struct Ev {
    ts: Ts,
    actor: Option<String>,
    change: Change,
}

struct Item {
    id: String,
    mr: bool,
    obj: ItemObj,
    file: usize,
    updated: Option<Ts>,
    events: Vec<Ev>,
}

/// An event waiting for its item: (resource type, resource id).
struct Loose {
    key: (bool, i64),
    ev: Ev,
}

#[derive(Default)]
struct Scan {
    items: Vec<Item>,
    by_id: BTreeMap<String, usize>,
    loose: Vec<Loose>,
    seen_events: BTreeSet<(u8, i64)>,
    epics: u64,
    local: LocalTimes,
}

/// Read every GitLab file of the input group into canonical events.
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut s = scan(paths, ctx)?;
    let mut out = Imported::default();
    let skipped = link(&mut s);
    warn_skipped(&mut out, skipped + s.epics);
    if s.items.is_empty() {
        return Err(IngestError::Empty {
            path: paths.first().cloned().unwrap_or_default(),
            reason: "no GitLab issue or merge request found (resource events alone do not say when an item was created); export `/projects/:id/issues` with the events".into(),
        });
    }
    let opts = &ctx.options.sources.gitlab;
    let evidence = workflow_evidence(&s.items);
    let (flow, reason) = evidence.choose(opts.workflow, opts.label_prefix.as_deref());
    let team_family = opts.team_label.as_deref().map(workflow::family_of_prefix);
    let (tally, on_workflow) =
        replay_items(&mut s, &flow, team_family.as_deref(), paths, ctx, &mut out)?;
    s.local.warn(ctx.tz, &mut out.warnings);
    state_categories(&mut out);
    out.items = tally.items();
    out.files = tally.files(paths);
    let note = workflow_note(&flow, &reason, on_workflow, s.items.len(), &evidence);
    out.notes.push(note);
    Ok(out)
}

/// Every item and resource event of the files (events not yet linked to their items).
fn scan(paths: &[PathBuf], ctx: &ImportContext) -> Result<Scan, IngestError> {
    let mut s = Scan::default();
    for (fi, path) in paths.iter().enumerate() {
        for doc in json_documents(path, WHAT)? {
            walk(&mut s, doc, fi, path, ctx, 0)?;
        }
    }
    Ok(s)
}

/// The warning for `n` resource events that name no item of the input.
fn warn_skipped(out: &mut Imported, n: u64) {
    out.warnings.add(WarningKind::InputSkipped, n, || {
        format!(
            "{} GitLab resource event(s) name no issue or merge request of the input (epics, or items not exported) and were skipped; export the items with their events",
            n
        )
    });
}

/// What the items' label and milestone events and their states say about the workflow.
fn workflow_evidence(items: &[Item]) -> Evidence {
    let mut evidence = Evidence::default();
    for it in items {
        for e in &it.events {
            match &e.change {
                Change::Label { name, add: true } => evidence.label_added(&it.id, name),
                Change::Milestone { title, add: true } => evidence.milestone_set(title),
                _ => {}
            }
        }
        if matches!(it.obj.state.as_deref(), Some("closed" | "merged")) {
            evidence.closes += 1;
        }
    }
    evidence
}

/// Every item replayed into `out`: (items and events per file, items with a workflow status).
fn replay_items(
    s: &mut Scan,
    flow: &Workflow,
    team_family: Option<&str>,
    paths: &[PathBuf],
    ctx: &ImportContext,
    out: &mut Imported,
) -> Result<(FileTally, usize), IngestError> {
    let mut tally = FileTally::new(paths.len());
    let mut on_workflow = 0usize;
    for it in &s.items {
        let path = &paths[it.file];
        let (n, moved) = replay(it, flow, team_family, path, ctx, &mut s.local, out)?;
        on_workflow += usize::from(moved);
        tally.item(it.file, n);
    }
    Ok((tally, on_workflow))
}

/// The source categories of GitLab's own states.
fn state_categories(out: &mut Imported) {
    for (status, c) in [
        (OPENED, SourceCategory::Backlog),
        ("closed", SourceCategory::Done),
        ("merged", SourceCategory::Done),
        ("closed (unmerged)", SourceCategory::Canceled),
    ] {
        out.hints
            .source_categories
            .insert((SOURCE.into(), status.into()), c);
    }
}

/// The report's note on where the workflow came from and how many of `items` items used it.
fn workflow_note(
    flow: &Workflow,
    reason: &str,
    on_workflow: usize,
    items: usize,
    evidence: &Evidence,
) -> String {
    let used = match flow {
        Workflow::State => String::new(),
        _ => format!(
            "; {on_workflow} of {} item(s) have workflow statuses, the others open/closed only",
            items
        ),
    };
    format!(
        "GitLab workflow from {reason}{used}. Found {}",
        evidence.summary()
    )
}

fn instant(
    v: &str,
    path: &Path,
    record: &dyn Fn() -> String,
    field: &str,
    ctx: &ImportContext,
    local: &mut LocalTimes,
) -> Result<Ts, IngestError> {
    let (ts, off) = parse_instant(v, ctx.tz).map_err(|reason| IngestError::BadValue {
        path: path.to_path_buf(),
        record: record().into(),
        field: field.into(),
        value: shown(v),
        reason: reason.to_string(),
    })?;
    local.count(off, || {
        format!("{}: {}: {field} {v:?}", path.display(), record())
    });
    Ok(ts)
}

fn is_item(o: &Map<String, Value>) -> bool {
    o.contains_key("iid")
        && o.contains_key("state")
        && (o.contains_key("project_id")
            || o.contains_key("references")
            || o.contains_key("web_url"))
}

fn is_event(o: &Map<String, Value>) -> bool {
    o.contains_key("resource_type")
        && o.contains_key("created_at")
        && (o.contains_key("state") || o.contains_key("label") || o.contains_key("milestone"))
}

fn walk(
    s: &mut Scan,
    v: Value,
    fi: usize,
    path: &Path,
    ctx: &ImportContext,
    depth: u8,
) -> Result<(), IngestError> {
    match v {
        Value::Array(a) => {
            for x in a {
                walk(s, x, fi, path, ctx, depth)?;
            }
        }
        Value::Object(o) if is_item(&o) => item(s, o, fi, path, ctx)?,
        Value::Object(o) if is_event(&o) => {
            let record = format!(
                "resource event {}",
                o.get("id").map_or("?".into(), Value::to_string)
            );
            let e: ResourceEvent = parse(Value::Object(o), path, &record)?;
            if let Some((key, ev)) = event(s, e, path, ctx)? {
                s.loose.push(Loose { key, ev });
            }
        }
        Value::Object(o) if depth < 4 => {
            for (_, x) in o {
                if x.is_array() || x.is_object() {
                    walk(s, x, fi, path, ctx, depth + 1)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn parse<T: for<'de> Deserialize<'de>>(
    v: Value,
    path: &Path,
    record: &str,
) -> Result<T, IngestError> {
    serde_json::from_value(v).map_err(|e| IngestError::Malformed {
        path: path.to_path_buf(),
        record: record.to_string().into(),
        reason: format!("not a GitLab object as the REST API returns it ({e}); {WHAT}"),
    })
}

/// Read one event; None when it is a copy already read. Returns its link key.
fn event(
    s: &mut Scan,
    e: ResourceEvent,
    path: &Path,
    ctx: &ImportContext,
) -> Result<Option<((bool, i64), Ev)>, IngestError> {
    let record = || {
        format!(
            "resource event {}",
            e.id.map_or("?".into(), |i| i.to_string())
        )
    };
    let (kind, change) = if let Some(st) = &e.state {
        (0u8, Change::State(st.clone()))
    } else if let Some(l) = &e.label {
        let add = e.action.as_deref() != Some("remove");
        (
            1,
            Change::Label {
                name: l.name().to_string(),
                add,
            },
        )
    } else if let Some(m) = &e.milestone {
        let add = e.action.as_deref() != Some("remove");
        let title = m.title.clone().unwrap_or_default();
        (2, Change::Milestone { title, add })
    } else {
        return Ok(None);
    };
    if let Some(id) = e.id {
        if !s.seen_events.insert((kind, id)) {
            return Ok(None);
        }
    }
    let rt = e.resource_type.as_deref().unwrap_or("");
    if rt == "Epic" {
        s.epics += 1;
        return Ok(None);
    }
    let at = e.created_at.as_deref().unwrap_or("");
    let ts = instant(at, path, &record, "created_at", ctx, &mut s.local)?;
    let mr = rt == "MergeRequest";
    let ev = Ev {
        ts,
        actor: e.user.as_ref().and_then(User::login),
        change,
    };
    Ok(Some(((mr, e.resource_id.unwrap_or(i64::MIN)), ev)))
}

/// `group/project#iid` (`!iid` for a merge request).
fn item_id(o: &ItemObj, mr: bool) -> String {
    let sep = if mr { '!' } else { '#' };
    let iid = o.iid.unwrap_or_default();
    if let Some(full) = o.references.as_ref().and_then(|r| r.full.clone()) {
        return full;
    }
    if let Some(url) = &o.web_url {
        let kind = if mr {
            "/-/merge_requests/"
        } else {
            "/-/issues/"
        };
        if let Some(i) = url.find(kind) {
            let project = &url[..i];
            let project = project.split("://").nth(1).unwrap_or(project);
            if let Some(slash) = project.find('/') {
                return format!("{}{sep}{iid}", &project[slash + 1..]);
            }
        }
    }
    format!("project {}{sep}{iid}", o.project_id.unwrap_or_default())
}

/// Read one issue or merge request object with its own events, joined to a copy read before.
fn item(
    s: &mut Scan,
    o: Map<String, Value>,
    fi: usize,
    path: &Path,
    ctx: &ImportContext,
) -> Result<(), IngestError> {
    let mr_keys = has_mr_keys(&o);
    let record = format!(
        "item with iid {}",
        o.get("iid").map_or("?".into(), Value::to_string)
    );
    let obj: ItemObj = parse(Value::Object(o), path, &record)?;
    let mr = mr_keys || names_mr(&obj);
    let id = item_id(&obj, mr);
    let record = || format!("{} {id}", if mr { "merge request" } else { "issue" });
    let updated = match obj.updated_at.as_deref() {
        Some(u) => Some(instant(u, path, &record, "updated_at", ctx, &mut s.local)?),
        None => None,
    };
    let events = own_events(s, &obj, path, ctx, &record)?;
    s.keep(Item {
        id,
        mr,
        obj,
        file: fi,
        updated,
        events,
    });
    Ok(())
}

/// Does the object have a field only a merge request has?
fn has_mr_keys(o: &Map<String, Value>) -> bool {
    let mr_keys = [
        "source_branch",
        "target_branch",
        "merge_status",
        "merged_at",
    ];
    mr_keys.iter().any(|k| o.contains_key(*k))
}

/// Do the object's `web_url` or reference name a merge request?
fn names_mr(obj: &ItemObj) -> bool {
    let url_mr = obj
        .web_url
        .as_deref()
        .is_some_and(|u| u.contains("/-/merge_requests/"));
    let ref_mr = obj
        .references
        .as_ref()
        .and_then(|r| r.full.as_deref())
        .is_some_and(|f| f.contains('!'));
    url_mr || ref_mr
}

/// The events of the item's own `resource_*_events` lists (copies already read left out).
fn own_events(
    s: &mut Scan,
    obj: &ItemObj,
    path: &Path,
    ctx: &ImportContext,
    record: &dyn Fn() -> String,
) -> Result<Vec<Ev>, IngestError> {
    let mut own = Vec::new();
    let lists = [
        &obj.resource_state_events,
        &obj.resource_label_events,
        &obj.resource_milestone_events,
    ];
    for v in lists.into_iter().flatten() {
        let e: ResourceEvent = parse(v.clone(), path, &record())?;
        if let Some((_, ev)) = event(s, e, path, ctx)? {
            own.push(ev);
        }
    }
    Ok(own)
}

impl Scan {
    /// Keep a new item, or join it to its copy read before: events added, fields from the
    /// copy with the latest `updated_at`.
    fn keep(&mut self, new: Item) {
        match self.by_id.get(&new.id) {
            Some(&i) => {
                let it = &mut self.items[i];
                it.events.extend(new.events);
                if new.updated >= it.updated {
                    it.obj = new.obj;
                    it.updated = new.updated;
                }
            }
            None => {
                self.by_id.insert(new.id.clone(), self.items.len());
                self.items.push(new);
            }
        }
    }
}

/// Attach loose events to their items; returns how many found none.
fn link(s: &mut Scan) -> u64 {
    let mut by_global: BTreeMap<(bool, i64), usize> = BTreeMap::new();
    let mut by_iid: BTreeMap<(bool, i64), Vec<usize>> = BTreeMap::new();
    for (i, it) in s.items.iter().enumerate() {
        if let Some(g) = it.obj.id {
            by_global.insert((it.mr, g), i);
        }
        if let Some(n) = it.obj.iid {
            by_iid.entry((it.mr, n)).or_default().push(i);
        }
    }
    let mut skipped = 0;
    for l in std::mem::take(&mut s.loose) {
        let target = by_global
            .get(&l.key)
            .copied()
            .or_else(|| by_iid.get(&l.key).filter(|v| v.len() == 1).map(|v| v[0]));
        match target {
            Some(i) => s.items[i].events.push(l.ev),
            None => skipped += 1,
        }
    }
    skipped
}

impl Item {
    /// How messages name the item: `issue group/project#1`, `merge request group/project!2`.
    fn record(&self) -> String {
        format!(
            "{} {}",
            if self.mr { "merge request" } else { "issue" },
            self.id
        )
    }
}

/// Replay one item; returns (events pushed, whether a workflow status was used).
fn replay(
    it: &Item,
    flow: &Workflow,
    team_family: Option<&str>,
    path: &Path,
    ctx: &ImportContext,
    local: &mut LocalTimes,
    out: &mut Imported,
) -> Result<(u64, bool), IngestError> {
    let record = || it.record();
    let Some(created_at) = it.obj.created_at.as_deref() else {
        return Err(IngestError::BadValue {
            path: path.to_path_buf(),
            record: record().into(),
            field: "created_at".into(),
            value: String::new(),
            reason: "an issue or merge request needs its creation time; export the objects as the REST API returns them".into(),
        });
    };
    let created = instant(created_at, path, &record, "created_at", ctx, local)?;
    let extra = object_closes(it, path, ctx, local)?;
    let mut evs: Vec<&Ev> = it.events.iter().chain(&extra).collect();
    evs.sort_by_key(|e| (e.ts, e.change.rank()));
    let first = creation_step(it, &evs, created, team_family);
    let mut r = start_replay(it, &mut out.batch, created, first);
    let mut state = FlowState::new(flow, team_family, it.mr);
    for (k, e) in evs.iter().enumerate() {
        state.apply(&e.change);
        // The changes of one instant make one step.
        if evs.get(k + 1).is_some_and(|n| n.ts == e.ts) {
            continue;
        }
        r.step(e.ts, state.step(), e.actor.clone());
    }
    Ok((r.pushed(), state.moved))
}

/// Closes from the object (`merged_at`, `closed_at` of a merged or closed item), unless a
/// state event is that close.
fn object_closes(
    it: &Item,
    path: &Path,
    ctx: &ImportContext,
    local: &mut LocalTimes,
) -> Result<Vec<Ev>, IngestError> {
    let o = &it.obj;
    let record = || it.record();
    let mut extra = Vec::new();
    for (field, at, who, state) in [
        ("merged_at", &o.merged_at, &o.merged_by, "merged"),
        ("closed_at", &o.closed_at, &o.closed_by, "closed"),
    ] {
        let Some(at) = at.as_deref() else { continue };
        let applies = match o.state.as_deref() {
            Some("merged") => state == "merged",
            Some("closed") => state == "closed",
            _ => false,
        };
        if !applies {
            continue;
        }
        let ts = instant(at, path, &record, field, ctx, local)?;
        let same = it.events.iter().any(|e| {
            matches!(&e.change, Change::State(s) if s == "closed" || s == "merged")
                && (e.ts - ts).abs() <= SAME_CLOSE
        });
        if !same {
            extra.push(Ev {
                ts,
                actor: who.as_ref().and_then(User::login),
                change: Change::State(state.into()),
            });
        }
    }
    Ok(extra)
}

/// The team a label names under the configured team label family (none without one).
fn team_of(team_family: Option<&str>, label: &str) -> Option<String> {
    team_family
        .and_then(|f| workflow::status_of(label, f))
        .map(str::to_string)
}

/// What the item holds at creation: `opened`, its first assignee and its team.
fn creation_step(it: &Item, evs: &[&Ev], created: Ts, team_family: Option<&str>) -> Step {
    let o = &it.obj;
    let team = creation_team(it, evs, created, team_family);
    let first_assignee = o
        .assignees
        .first()
        .or(o.assignee.as_ref())
        .and_then(User::login);
    Step {
        status: Some(OPENED.into()),
        assignee: first_assignee,
        team,
    }
}

/// The team at creation: the team label added at that instant, else (no team label events)
/// the item's current one; without a team label family, the project's group path. It is
/// set on the creation event so that a roster team of the (current) assignee does not take
/// its place.
fn creation_team(it: &Item, evs: &[&Ev], created: Ts, team_family: Option<&str>) -> Option<String> {
    let team_events = evs.iter().any(|e| match &e.change {
        Change::Label { name, add: true } => team_of(team_family, name).is_some(),
        _ => false,
    });
    let first_team = if team_family.is_none() {
        None
    } else if team_events {
        evs.iter()
            .take_while(|e| e.ts <= created)
            .find_map(|e| match &e.change {
                Change::Label { name, add: true } => team_of(team_family, name),
                _ => None,
            })
    } else {
        it.obj
            .labels
            .iter()
            .find_map(|l| team_of(team_family, l.name()))
    };
    first_team.or_else(|| team_family.is_none().then(|| project_group(&it.id)))
}

/// The group path of an item's project (`gitlab-org` of `gitlab-org/gitlab#1`).
fn project_group(id: &str) -> String {
    let project = id.split(['#', '!']).next().unwrap_or("");
    project
        .rsplit_once('/')
        .map_or(project, |(g, _)| g)
        .to_string()
}

/// The item's replay started at creation, with a merge request's reviewers as handoffs at
/// that instant.
fn start_replay<'a>(
    it: &Item,
    batch: &'a mut EventBatch,
    created: Ts,
    first: Step,
) -> ItemReplay<'a> {
    let author = it.obj.author.as_ref().and_then(User::login);
    let mut r = ItemReplay::start(batch, SOURCE, &it.id, created, first, author.clone());
    for rv in it.obj.reviewers.iter().filter_map(User::login) {
        let step = Step {
            assignee: Some(rv),
            ..Step::default()
        };
        r.step(created, step, author.clone());
    }
    r
}

#[cfg(test)]
mod tests;
