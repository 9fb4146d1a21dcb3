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
use super::lenient::nullable;
use super::replay::{json_documents, FileTally, InForce, ItemReplay, Step};
use super::workflow::{self, Evidence, Workflow};
use crate::error::{shown, IngestError};
use crate::model::{SourceCategory, Ts};
use crate::time::parse_instant;
use crate::warning::WarningKind;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct User {
    username: Option<String>,
    name: Option<String>,
}

impl User {
    fn login(&self) -> Option<String> {
        self.username
            .clone()
            .or_else(|| self.name.clone())
            .filter(|s| !s.is_empty())
    }
}

/// A label: a name, or an object with one (`with_labels_details`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Label {
    Name(String),
    Object { name: String },
}

impl Label {
    fn name(&self) -> &str {
        match self {
            Label::Name(n) | Label::Object { name: n } => n,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Milestone {
    title: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct References {
    full: Option<String>,
}

/// An issue or merge request object.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct ItemObj {
    id: Option<i64>,
    iid: Option<i64>,
    project_id: Option<i64>,
    state: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    closed_at: Option<String>,
    merged_at: Option<String>,
    closed_by: Option<User>,
    merged_by: Option<User>,
    author: Option<User>,
    #[serde(deserialize_with = "nullable")]
    assignees: Vec<User>,
    assignee: Option<User>,
    #[serde(deserialize_with = "nullable")]
    reviewers: Vec<User>,
    #[serde(deserialize_with = "nullable")]
    labels: Vec<Label>,
    references: Option<References>,
    web_url: Option<String>,
    #[serde(deserialize_with = "nullable")]
    resource_state_events: Vec<Value>,
    #[serde(deserialize_with = "nullable")]
    resource_label_events: Vec<Value>,
    #[serde(deserialize_with = "nullable")]
    resource_milestone_events: Vec<Value>,
}

/// A resource state, label or milestone event.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct ResourceEvent {
    id: Option<i64>,
    user: Option<User>,
    created_at: Option<String>,
    resource_type: Option<String>,
    resource_id: Option<i64>,
    state: Option<String>,
    label: Option<Label>,
    milestone: Option<Milestone>,
    action: Option<String>,
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
    let mut s = Scan::default();
    for (fi, path) in paths.iter().enumerate() {
        for doc in json_documents(path, WHAT)? {
            walk(&mut s, doc, fi, path, ctx, 0)?;
        }
    }
    let mut out = Imported::default();
    let skipped = link(&mut s);
    out.warnings.add(WarningKind::InputSkipped, skipped + s.epics, || {
        format!(
            "{} GitLab resource event(s) name no issue or merge request of the input (epics, or items not exported) and were skipped; export the items with their events",
            skipped + s.epics
        )
    });
    if s.items.is_empty() {
        return Err(IngestError::Empty {
            path: paths.first().cloned().unwrap_or_default(),
            reason: "no GitLab issue or merge request found (resource events alone do not say when an item was created); export `/projects/:id/issues` with the events".into(),
        });
    }
    let opts = &ctx.options.sources.gitlab;
    let mut evidence = Evidence::default();
    for it in &s.items {
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
    let (flow, reason) = evidence.choose(opts.workflow, opts.label_prefix.as_deref());
    let team_family = opts.team_label.as_deref().map(workflow::family_of_prefix);
    let mut tally = FileTally::new(paths.len());
    let mut on_workflow = 0usize;
    for it in &s.items {
        let path = &paths[it.file];
        let (n, moved) = replay(
            it,
            &flow,
            team_family.as_deref(),
            path,
            ctx,
            &mut s.local,
            &mut out,
        )?;
        on_workflow += usize::from(moved);
        tally.item(it.file, n);
    }
    s.local.warn(ctx.tz, &mut out.warnings);
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
    out.items = tally.items();
    out.files = tally.files(paths);
    let used = match flow {
        Workflow::State => String::new(),
        _ => format!(
            "; {on_workflow} of {} item(s) have workflow statuses, the others open/closed only",
            s.items.len()
        ),
    };
    out.notes.push(format!(
        "GitLab workflow from {reason}{used}. Found {}",
        evidence.summary()
    ));
    Ok(out)
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

fn item(
    s: &mut Scan,
    o: Map<String, Value>,
    fi: usize,
    path: &Path,
    ctx: &ImportContext,
) -> Result<(), IngestError> {
    let mr_keys = [
        "source_branch",
        "target_branch",
        "merge_status",
        "merged_at",
    ];
    let mut mr = mr_keys.iter().any(|k| o.contains_key(*k));
    let record = format!(
        "item with iid {}",
        o.get("iid").map_or("?".into(), Value::to_string)
    );
    let obj: ItemObj = parse(Value::Object(o), path, &record)?;
    let url_mr = obj
        .web_url
        .as_deref()
        .is_some_and(|u| u.contains("/-/merge_requests/"));
    let ref_mr = obj
        .references
        .as_ref()
        .and_then(|r| r.full.as_deref())
        .is_some_and(|f| f.contains('!'));
    mr |= url_mr || ref_mr;
    let id = item_id(&obj, mr);
    let record = || format!("{} {id}", if mr { "merge request" } else { "issue" });
    let updated = match obj.updated_at.as_deref() {
        Some(u) => Some(instant(u, path, &record, "updated_at", ctx, &mut s.local)?),
        None => None,
    };
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
    match s.by_id.get(&id) {
        Some(&i) => {
            let it = &mut s.items[i];
            it.events.extend(own);
            if updated >= it.updated {
                it.obj = obj;
                it.updated = updated;
            }
        }
        None => {
            s.by_id.insert(id.clone(), s.items.len());
            s.items.push(Item {
                id,
                mr,
                obj,
                file: fi,
                updated,
                events: own,
            });
        }
    }
    Ok(())
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
    let o = &it.obj;
    let record = || {
        format!(
            "{} {}",
            if it.mr { "merge request" } else { "issue" },
            it.id
        )
    };
    let Some(created_at) = o.created_at.as_deref() else {
        return Err(IngestError::BadValue {
            path: path.to_path_buf(),
            record: record().into(),
            field: "created_at".into(),
            value: String::new(),
            reason: "an issue or merge request needs its creation time; export the objects as the REST API returns them".into(),
        });
    };
    let created = instant(created_at, path, &record, "created_at", ctx, local)?;
    let mut evs: Vec<&Ev> = it.events.iter().collect();
    // Closes from the object, unless a state event is that close.
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
        let same = evs.iter().any(|e| {
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
    evs.extend(extra.iter());
    evs.sort_by_key(|e| (e.ts, e.change.rank()));
    let team_of = |label: &str| -> Option<String> {
        team_family
            .and_then(|f| workflow::status_of(label, f))
            .map(str::to_string)
    };
    let team_events = evs
        .iter()
        .any(|e| matches!(&e.change, Change::Label { name, add: true } if team_of(name).is_some()));
    // The team at creation: the team label added at that instant, else (no team label
    // events) the item's current one. It is set on the creation event so that a roster
    // team of the (current) assignee does not take its place.
    let first_team = if team_family.is_none() {
        None
    } else if team_events {
        evs.iter()
            .take_while(|e| e.ts <= created)
            .find_map(|e| match &e.change {
                Change::Label { name, add: true } => team_of(name),
                _ => None,
            })
    } else {
        o.labels.iter().find_map(|l| team_of(l.name()))
    };
    let team = first_team.or_else(|| {
        team_family.is_none().then(|| {
            let project = it.id.split(['#', '!']).next().unwrap_or("");
            project
                .rsplit_once('/')
                .map_or(project, |(g, _)| g)
                .to_string()
        })
    });
    let first_assignee = o
        .assignees
        .first()
        .or(o.assignee.as_ref())
        .and_then(User::login);
    let first = Step {
        status: Some(OPENED.into()),
        assignee: first_assignee,
        team,
    };
    let author = o.author.as_ref().and_then(User::login);
    let mut r = ItemReplay::start(
        &mut out.batch,
        SOURCE,
        &it.id,
        created,
        first,
        author.clone(),
    );
    for rv in o.reviewers.iter().filter_map(User::login) {
        let step = Step {
            assignee: Some(rv),
            ..Step::default()
        };
        r.step(created, step, author.clone());
    }
    let mut flow_values = InForce::default();
    let mut teams = InForce::default();
    let mut closed: Option<&str> = None;
    let mut moved = false;
    let mut team = None;
    for (k, e) in evs.iter().enumerate() {
        match &e.change {
            Change::State(s) => {
                closed = match s.as_str() {
                    "closed" if it.mr => Some("closed (unmerged)"),
                    "closed" => Some("closed"),
                    "merged" => Some("merged"),
                    "reopened" | "opened" => None,
                    _ => closed,
                };
            }
            Change::Label { name, add } => {
                if let Workflow::Labels(f) = flow {
                    if let Some(v) = workflow::status_of(name, f) {
                        if *add {
                            flow_values.add(v)
                        } else {
                            flow_values.remove(v)
                        }
                    }
                }
                if let Some(v) = team_of(name) {
                    if *add {
                        teams.add(&v)
                    } else {
                        teams.remove(&v)
                    }
                    team = teams.current().map(str::to_string);
                }
            }
            Change::Milestone { title, add } => {
                if *flow == Workflow::Milestone {
                    if *add {
                        flow_values.add(title)
                    } else {
                        flow_values.remove(title)
                    }
                }
            }
        }
        // The changes of one instant make one step.
        if evs.get(k + 1).is_some_and(|n| n.ts == e.ts) {
            continue;
        }
        let status = match (closed, flow_values.current()) {
            (Some("closed"), Some(v)) => format!("closed ({v})"),
            (Some(c), _) => c.to_string(),
            (None, v) => v.unwrap_or(OPENED).to_string(),
        };
        moved |= closed.is_none() && flow_values.current().is_some();
        let step = Step {
            status: Some(status),
            team: team.take(),
            ..Step::default()
        };
        r.step(e.ts, step, e.actor.clone());
    }
    Ok((r.pushed(), moved))
}

#[cfg(test)]
mod tests;
