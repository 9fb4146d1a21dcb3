//! GitHub REST JSON (FORMATS.md §2): issues and pull requests (one object, a list, a search
//! result `{total_count, items}`), issue events (`/issues/{n}/events` and the repo-wide
//! `/issues/events` whose events each carry an `issue`), timelines (`/issues/{n}/timeline`),
//! `gh api --paginate` output (several JSON documents back to back in one file) and
//! octokit/nock recorded exchanges (`[{scope, method, path, status, response, rawHeaders}]`:
//! the issues are read from every 2xx `response` body, other bodies such as a created
//! repository are ignored). One item per issue or pull request, id `owner/repo#number`, the
//! repository taken from `repository_url`, `html_url` or `url` (`/repositories/{id}/…` URLs
//! name no repository and are not used).
//!
//! Responsibility: turn every file of the group into canonical events with `source =
//! "github"` (METRICS.md §1). All files are scanned first, then joined: the same issue or
//! event in several files (pages, an events list and a timeline) is kept once.
//!
//! Decisions (documented for users in the report's data notes):
//! - **Statuses.** Creation (`created_at`) sets `open`, actor = `user.login`; `closed` sets
//!   `closed` (source category done), or `closed (not planned)` / `closed (duplicate)` when
//!   the close's `state_reason` says so, or `closed (unmerged)` for a pull request known to be
//!   closed without merge (source category canceled for these three); `merged` sets `merged`
//!   (done); `reopened` sets `open` (or the workflow status still in force, below). A close
//!   event without `state_reason` takes the issue's `state_reason` when it is the item's last
//!   close and the issue is closed.
//! - **Issue object and events.** The issue alone gives the creation and, when `state` is
//!   closed, a close at `closed_at` (and a merge at `merged_at`). A `closed`/`merged` event
//!   within 60 s of `closed_at`/`merged_at` is the same close (GitHub's two clocks differ by a
//!   second): the event wins and the issue's timestamp adds nothing. A `closed` event within
//!   60 s of a merge is the merge (status `merged`).
//! - **PR detection.** `pull_request` presence is not proof (2012 issues carry
//!   `pull_request:{html_url:null}`): a PR has a non-null `pull_request.html_url`/`url`, a
//!   `merged_at`/`merged` field, or a `/pull/` / `/pulls/` URL. It matters only for
//!   `closed (unmerged)`, which needs an explicit null `merged_at`.
//! - **Workflow statuses** (optional): labels named in `[import] github_status_labels`
//!   (`labeled`/`unlabeled`, names matched ignoring case) and, when `github_project_columns`
//!   is on, classic project columns (`added_to_project`, `moved_columns_in_project`,
//!   `converted_note_to_issue` set `project_card.column_name`; `removed_from_project` clears
//!   it). While the item is open the most recently set workflow status still attached is its
//!   status, else `open`; a closed item stays closed/merged. Labels already on an issue with
//!   no `labeled` event are not applied (their date is unknown).
//! - **Handoffs.** `assigned` sets the assignee; `unassigned` of the current assignee falls
//!   back to the latest still-assigned person, else `unassigned`; removing someone else
//!   changes nothing. `review_requested`/`review_request_removed` do the same with
//!   `requested_reviewer.login`, and set/end the team with `requested_team.name`. The
//!   creation event carries the issue's `assignee`/`assignees` only when no `assigned` event
//!   names an assignee (assignees at creation are otherwise unknown). 2012-era `assigned`
//!   events without `assignee` change nothing.
//! - **Activity** events carry only the actor: `commented` (`user`, `created_at`), `reviewed`
//!   (`user`, `submitted_at`), `line-commented` (its first comment's `user` and
//!   `created_at`; it has no top-level time). `committed` is not an event of the item: its
//!   identity is a git name, not a login, and its dates are authoring times that often
//!   precede the PR. Bookkeeping events (subscribed, mentioned, referenced,
//!   cross-referenced, renamed, locked, milestoned, unmapped labels …) are not emitted.
//! - **Actors** are logins as given; the deleted user stays `ghost`.
//! - **Duplicates.** An event is identified by (`event`, `id`) (`sha` for commits, the first
//!   comment's id for `line-commented`); an issue by its id. The first copy in input order
//!   wins field by field and later copies only fill fields it lacks (a 2012 `assigned` event
//!   gains its `assignee` from a newer timeline copy). For issues, the copy with the latest
//!   `updated_at` wins.
//! - **Linking events to items.** An event's own `issue` object, its `issue_url` /
//!   `pull_request_url`, the `html_url` of a comment or review, or a copy of the same event
//!   elsewhere that is linked. Events of a per-issue file without such a link take the one
//!   item the file's other events link to; failing that, the only issue of the whole input
//!   when it is of the same repository. Otherwise they are skipped with an `input_skipped`
//!   warning (and an error when nothing at all could be read).
//! - **GraphQL** `timelineItems` pages are recognised but not supported: skipped with an
//!   `input_skipped` warning naming the REST export to use instead.
//! - **Pagination.** In recorded exchanges, a `Link: rel="next"` page that is not among the
//!   recorded requests is counted as `incomplete_pagination`.
//!
//! Invariants: no panics on data (no unwrap on input, no unchecked slicing); deterministic
//! output (BTreeMaps, file order); per item, events are emitted in time order (ties: creation
//! first, then input order, then closes derived from the issue object).

use super::imported::{ImportContext, Imported};
use crate::error::{shown, IngestError};
use crate::model::{Event, SourceCategory, Ts};
use crate::time::{parse_instant, Offset};
use crate::warning::WarningKind;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Obj = Map<String, Value>;

const SOURCE: &str = "github";
/// A close event and the issue's `closed_at`/`merged_at` this close (µs) are one close.
const SAME_CLOSE: Ts = 60_000_000;
const OPEN: &str = "open";
const MERGED: &str = "merged";
const UNASSIGNED: &str = "unassigned";

/// Does the head of a file look like GitHub REST JSON (issues, pulls, events, timelines, a
/// recorded octokit fixture) or a GitHub GraphQL timeline page?
pub fn sniff(head: &[u8], _path: &Path) -> bool {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('[') && !t.starts_with('{') {
        return false;
    }
    let has = |k: &str| t.contains(k);
    if has("\"timelineItems\"") && has("\"data\"") {
        return true;
    }
    if has("\"scope\"") && has("\"method\"") && (has("api.github.com") || has("/api/v3")) {
        return true;
    }
    let api = has("api.github.com/repos/") || has("/api/v3/repos/");
    let keys = [
        "\"event\":",
        "\"number\":",
        "\"repository_url\":",
        "\"issue_url\":",
        "\"pull_request_url\":",
    ];
    if api && keys.iter().any(|k| has(k)) {
        return true;
    }
    // `gh issue list --json …` (camelCase, html `url`).
    has("\"number\":")
        && has("\"createdAt\":")
        && (has("\"url\": \"https://github.com/") || has("\"url\":\"https://github.com/"))
}

/// Read every GitHub file of the input group into canonical events.
pub fn read_many(paths: &[PathBuf], ctx: &ImportContext) -> Result<Imported, IngestError> {
    let mut r = Reader::new(paths, ctx);
    for (fi, p) in paths.iter().enumerate() {
        let bytes = std::fs::read(p).map_err(|source| IngestError::Io {
            path: p.clone(),
            source,
        })?;
        r.scan_file(fi, &bytes)?;
    }
    r.link();
    r.build()
}

/// The freshest copy of an issue or pull request object.
struct Meta {
    obj: Obj,
    updated: Option<Ts>,
    file: usize,
    pos: usize,
}

/// One distinct event record (copies merged), with its item once known.
struct RawEv {
    obj: Obj,
    item: Option<String>,
    file: usize,
    pos: usize,
}

/// What one file held.
#[derive(Default)]
struct Found {
    issues: usize,
    events: usize,
    graphql_nodes: Option<usize>,
    recorded_paths: Vec<String>,
    next_links: Vec<String>,
}

struct Reader<'a> {
    paths: &'a [PathBuf],
    ctx: &'a ImportContext,
    out: Imported,
    labels: BTreeMap<String, String>,
    metas: BTreeMap<String, Meta>,
    events: Vec<RawEv>,
    keys: BTreeMap<(String, String), usize>,
    file_events: Vec<Vec<usize>>,
    file_items: Vec<BTreeSet<String>>,
    skipped: Vec<(usize, String)>,
    pos: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Created,
    Closed,
    Reopened,
    Merged,
    Assigned,
    Unassigned,
    ReviewRequested,
    ReviewRemoved,
    WfSet,
    WfClear,
    Activity,
}

/// A normalised event of one item.
struct Ev {
    ts: Ts,
    rank: u8,
    file: usize,
    pos: usize,
    kind: Kind,
    actor: Option<String>,
    who: Option<String>,
    team: Option<String>,
    /// Workflow source key (`label:name`, `project:id`) and status.
    wf: Option<(String, String)>,
    reason: Option<String>,
}

impl Ev {
    fn new(kind: Kind, ts: Ts, rank: u8, file: usize, pos: usize) -> Ev {
        Ev {
            ts,
            rank,
            file,
            pos,
            kind,
            actor: None,
            who: None,
            team: None,
            wf: None,
            reason: None,
        }
    }
}

#[derive(Clone, PartialEq)]
enum Base {
    Open,
    Closed(&'static str),
    Merged,
}

impl<'a> Reader<'a> {
    fn new(paths: &'a [PathBuf], ctx: &'a ImportContext) -> Self {
        let labels = ctx
            .options
            .github_status_labels
            .iter()
            .map(|(k, v)| (k.trim().to_lowercase(), v.clone()))
            .collect();
        Reader {
            paths,
            ctx,
            out: Imported::default(),
            labels,
            metas: BTreeMap::new(),
            events: Vec::new(),
            keys: BTreeMap::new(),
            file_events: vec![Vec::new(); paths.len()],
            file_items: vec![BTreeSet::new(); paths.len()],
            skipped: Vec::new(),
            pos: 0,
        }
    }

    fn path(&self, fi: usize) -> PathBuf {
        self.paths.get(fi).cloned().unwrap_or_default()
    }

    fn skip(&mut self, fi: usize, n: u64, message: String) {
        self.out
            .warnings
            .add(WarningKind::InputSkipped, n, || message.clone());
        self.skipped.push((fi, message));
    }

    fn scan_file(&mut self, fi: usize, bytes: &[u8]) -> Result<(), IngestError> {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let mut found = Found::default();
        self.pos = 0;
        for doc in serde_json::Deserializer::from_slice(bytes).into_iter::<Value>() {
            let doc = doc.map_err(|e| IngestError::Malformed {
                path: self.path(fi),
                record: format!("line {} column {}", e.line(), e.column()),
                reason: format!(
                    "not valid JSON ({e}). Give GitHub REST responses as saved \
                     (`gh api --paginate …` output, several documents back to back, is fine)"
                ),
            })?;
            self.walk(fi, doc, 0, &mut found);
        }
        let path = self.path(fi);
        if let Some(n) = found.graphql_nodes {
            self.skip(
                fi,
                1,
                format!(
                "{}: GitHub GraphQL timeline page ({n} node(s)) skipped: GraphQL `timelineItems` \
                 pages are not supported; export the REST timeline instead \
                 (`gh api --paginate repos/OWNER/REPO/issues/N/timeline`) with the issue JSON",
                path.display()
            ),
            );
        } else if found.issues == 0 && found.events == 0 {
            self.skip(
                fi,
                1,
                format!(
                    "{}: no GitHub issue, pull request or event objects found (an empty page?); \
                 the file was skipped",
                    path.display()
                ),
            );
        }
        let missing: Vec<&String> = found
            .next_links
            .iter()
            .filter(|link| {
                let p = url_path(link);
                !found
                    .recorded_paths
                    .iter()
                    .any(|rp| rp == p || p.ends_with(rp.as_str()))
            })
            .collect();
        if let Some(first) = missing.first() {
            let msg = format!(
                "{}: the recorded responses stop before the last page ({} `Link: rel=\"next\"` \
                 page(s) not recorded, e.g. {}): items on those pages are missing; record or \
                 export every page (`gh api --paginate`)",
                path.display(),
                missing.len(),
                shown(first)
            );
            self.out.warnings.add(
                WarningKind::IncompletePagination,
                missing.len() as u64,
                || msg,
            );
        }
        Ok(())
    }

    fn walk(&mut self, fi: usize, v: Value, depth: u8, found: &mut Found) {
        match v {
            Value::Array(a) => {
                for x in a {
                    if let Value::Object(o) = x {
                        self.object(fi, o, depth, found);
                    }
                }
            }
            Value::Object(o) => self.object(fi, o, depth, found),
            _ => {}
        }
    }

    fn object(&mut self, fi: usize, mut o: Obj, depth: u8, found: &mut Found) {
        if depth < 2 && o.contains_key("scope") && o.contains_key("method") {
            // A recorded HTTP exchange (octokit fixtures, nock).
            if let Some(p) = text(&o, "path") {
                found.recorded_paths.push(p.to_string());
            }
            found.next_links.extend(next_links(&o));
            let ok = o
                .get("status")
                .and_then(Value::as_u64)
                .map_or(true, |s| (200..300).contains(&s));
            if ok {
                if let Some(resp) = o.remove("response") {
                    self.walk(fi, resp, depth + 1, found);
                }
            }
            return;
        }
        if let Some(n) = graphql_nodes(&o) {
            *found.graphql_nodes.get_or_insert(0) += n;
            return;
        }
        if depth < 2 && o.contains_key("total_count") {
            if let Some(items @ Value::Array(_)) = o.remove("items") {
                self.walk(fi, items, depth + 1, found);
                return;
            }
        }
        if text(&o, "event").is_some() {
            found.events += 1;
            self.add_event(fi, o);
        } else if let Some(id) = issue_id(&o) {
            found.issues += 1;
            self.add_issue(fi, id, o);
        }
    }

    fn next_pos(&mut self) -> usize {
        self.pos += 1;
        self.pos
    }

    fn add_issue(&mut self, fi: usize, id: String, o: Obj) {
        let pos = self.next_pos();
        if let Some(s) = self.file_items.get_mut(fi) {
            s.insert(id.clone());
        }
        let updated = text(&o, "updated_at")
            .or_else(|| text(&o, "updatedAt"))
            .and_then(|s| parse_instant(s, self.ctx.tz).ok())
            .map(|x| x.0);
        match self.metas.get_mut(&id) {
            None => {
                self.metas.insert(
                    id,
                    Meta {
                        obj: o,
                        updated,
                        file: fi,
                        pos,
                    },
                );
            }
            Some(m) if updated > m.updated => {
                let old = std::mem::replace(&mut m.obj, o);
                fill(&mut m.obj, old);
                m.updated = updated;
            }
            Some(m) => fill(&mut m.obj, o),
        }
    }

    fn add_event(&mut self, fi: usize, mut o: Obj) {
        let mut item = None;
        if let Some(Value::Object(i)) = o.remove("issue") {
            if let Some(id) = issue_id(&i) {
                self.add_issue(fi, id.clone(), i);
                item = Some(id);
            }
        }
        let pos = self.next_pos();
        if item.is_none() {
            item = event_link(&o);
        }
        let key = event_key(&o);
        let existing = key.as_ref().and_then(|k| self.keys.get(k)).copied();
        let idx = match existing.and_then(|i| self.events.get_mut(i).map(|r| (i, r))) {
            Some((i, r)) => {
                fill(&mut r.obj, o);
                if r.item.is_none() {
                    r.item = item;
                }
                i
            }
            None => {
                self.events.push(RawEv {
                    obj: o,
                    item,
                    file: fi,
                    pos,
                });
                let i = self.events.len() - 1;
                if let Some(k) = key {
                    self.keys.insert(k, i);
                }
                i
            }
        };
        if let Some(v) = self.file_events.get_mut(fi) {
            v.push(idx);
        }
    }

    fn unlinked(&self, fi: usize) -> Vec<usize> {
        self.file_events
            .get(fi)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&i| self.events.get(i).is_some_and(|r| r.item.is_none()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Give per-issue events without a link of their own the item of their file.
    fn link(&mut self) {
        loop {
            let mut changed = false;
            for fi in 0..self.paths.len() {
                let unlinked = self.unlinked(fi);
                if unlinked.is_empty() {
                    continue;
                }
                let cands: BTreeSet<String> = self.file_events[fi]
                    .iter()
                    .filter_map(|&i| self.events.get(i).and_then(|r| r.item.clone()))
                    .collect();
                if let (1, Some(it)) = (cands.len(), cands.first()) {
                    for i in unlinked {
                        if let Some(r) = self.events.get_mut(i) {
                            r.item = Some(it.clone());
                        }
                    }
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let known: BTreeSet<String> = self
            .metas
            .keys()
            .cloned()
            .chain(self.events.iter().filter_map(|r| r.item.clone()))
            .collect();
        let only = (known.len() == 1).then(|| known.first().cloned()).flatten();
        for fi in 0..self.paths.len() {
            let unlinked = self.unlinked(fi);
            if unlinked.is_empty() {
                continue;
            }
            if let Some(it) = &only {
                let repo = it.rsplit_once('#').map(|x| x.0).unwrap_or("");
                let same_repo = unlinked.iter().all(|&i| {
                    let r = self.events.get(i).and_then(|r| text(&r.obj, "url"));
                    r.and_then(parse_url).map_or(true, |u| u.repo == repo)
                });
                if same_repo {
                    for i in unlinked {
                        if let Some(r) = self.events.get_mut(i) {
                            r.item = Some(it.clone());
                        }
                    }
                    continue;
                }
            }
            let msg = format!(
                "{}: {} GitHub event(s) skipped: their issue or pull request is unknown \
                 (per-issue events name no issue number); give the issue JSON \
                 (`gh api repos/OWNER/REPO/issues/N`) or its timeline in the same run",
                self.path(fi).display(),
                unlinked.len()
            );
            self.skip(fi, unlinked.len() as u64, msg);
        }
        for fi in 0..self.paths.len() {
            for &i in &self.file_events[fi] {
                if let Some(it) = self.events.get(i).and_then(|r| r.item.clone()) {
                    self.file_items[fi].insert(it);
                }
            }
        }
    }

    fn build(mut self) -> Result<Imported, IngestError> {
        let mut per_item: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.events.iter().enumerate() {
            if let Some(it) = &r.item {
                per_item.entry(it.clone()).or_default().push(i);
            }
        }
        let mut order: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (id, m) in &self.metas {
            order.insert(id.clone(), (m.file, m.pos));
        }
        for (id, recs) in &per_item {
            for &i in recs {
                if let Some(r) = self.events.get(i) {
                    let e = order.entry(id.clone()).or_insert((r.file, r.pos));
                    *e = (*e).min((r.file, r.pos));
                }
            }
        }
        let mut items: Vec<(&(usize, usize), &String)> =
            order.iter().map(|(id, at)| (at, id)).collect();
        items.sort();
        let items: Vec<String> = items.into_iter().map(|(_, id)| id.clone()).collect();
        let mut file_events = vec![0u64; self.paths.len()];
        let mut distinct = 0;
        for id in &items {
            let recs = per_item.get(id).map(Vec::as_slice).unwrap_or(&[]);
            let evs = self.item_events(id, recs)?;
            if !evs.is_empty() {
                distinct += 1;
            }
            for (e, fi) in evs {
                if let Some(c) = file_events.get_mut(fi) {
                    *c += 1;
                }
                self.out.batch.push(e);
            }
        }
        self.out.items = distinct;
        self.out.files = self
            .paths
            .iter()
            .enumerate()
            .map(|(fi, p)| {
                let n = self.file_items.get(fi).map_or(0, |s| s.len() as u64);
                (p.clone(), n, file_events.get(fi).copied().unwrap_or(0))
            })
            .collect();
        if self.out.batch.is_empty() {
            let (path, reason) = match self.skipped.first() {
                Some((fi, m)) => (self.path(*fi), m.clone()),
                None => (
                    self.path(0),
                    "no GitHub issue, pull request or event with a timestamp".to_string(),
                ),
            };
            return Err(IngestError::Empty { path, reason });
        }
        Ok(self.out)
    }

    fn instant(
        &mut self,
        fi: usize,
        record: impl FnOnce() -> String,
        field: &str,
        raw: &str,
    ) -> Result<Ts, IngestError> {
        match parse_instant(raw, self.ctx.tz) {
            Ok((ts, Offset::Explicit)) => Ok(ts),
            Ok((ts, off)) => {
                let kind = if off == Offset::LocalGap {
                    WarningKind::TimestampInDstGap
                } else {
                    WarningKind::TimestampWithoutOffset
                };
                let p = self.path(fi);
                self.out.warnings.add(kind, 1, || {
                    format!(
                        "{}: {raw:?} has no UTC offset and was read in the report time zone",
                        p.display()
                    )
                });
                Ok(ts)
            }
            Err(reason) => Err(IngestError::BadValue {
                path: self.path(fi),
                record: record(),
                field: field.to_string(),
                value: shown(raw),
                reason: format!("{reason}; GitHub writes e.g. 2012-05-27T10:29:07Z"),
            }),
        }
    }

    /// Normalise one event record; `None` for events that change nothing we model.
    fn convert(&mut self, r: &RawEv) -> Result<Option<Ev>, IngestError> {
        let o = &r.obj;
        let name = text(o, "event").unwrap_or("");
        let opts = &self.ctx.options;
        let mut wf = None;
        let kind = match name {
            "closed" => Kind::Closed,
            "reopened" => Kind::Reopened,
            "merged" => Kind::Merged,
            "assigned" => Kind::Assigned,
            "unassigned" => Kind::Unassigned,
            "review_requested" => Kind::ReviewRequested,
            "review_request_removed" => Kind::ReviewRemoved,
            "labeled" | "unlabeled" => {
                let Some(label) = o
                    .get("label")
                    .and_then(|l| l.get("name"))
                    .and_then(Value::as_str)
                else {
                    return Ok(None);
                };
                let key = label.trim().to_lowercase();
                let Some(status) = self.labels.get(&key) else {
                    return Ok(None);
                };
                wf = Some((format!("label:{key}"), status.clone()));
                if name == "labeled" {
                    Kind::WfSet
                } else {
                    Kind::WfClear
                }
            }
            "added_to_project"
            | "moved_columns_in_project"
            | "converted_note_to_issue"
            | "removed_from_project"
                if opts.github_project_columns =>
            {
                let card = o.get("project_card");
                let project = card
                    .and_then(|c| c.get("project_id"))
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                let column = card
                    .and_then(|c| c.get("column_name"))
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty());
                if name == "removed_from_project" {
                    wf = Some((format!("project:{project}"), String::new()));
                    Kind::WfClear
                } else if let Some(c) = column {
                    wf = Some((format!("project:{project}"), c.to_string()));
                    Kind::WfSet
                } else {
                    return Ok(None);
                }
            }
            "commented" | "reviewed" | "line-commented" => Kind::Activity,
            _ => return Ok(None),
        };
        let first_comment = o
            .get("comments")
            .and_then(Value::as_array)
            .and_then(|a| a.first());
        let (field, raw) = match name {
            "reviewed" => (
                "submitted_at",
                text(o, "submitted_at").or_else(|| text(o, "created_at")),
            ),
            "line-commented" => (
                "comments[0].created_at",
                first_comment
                    .and_then(|c| c.get("created_at"))
                    .and_then(Value::as_str),
            ),
            _ => ("created_at", text(o, "created_at")),
        };
        let id = event_key(o).map(|k| k.1).unwrap_or_default();
        let record = || format!("record {} (event {name:?} id {id})", r.pos);
        let Some(raw) = raw.filter(|s| !s.trim().is_empty()) else {
            let p = self.path(r.file);
            let rec = record();
            self.out
                .warnings
                .add(WarningKind::EventWithoutTimestamp, 1, || {
                    format!(
                        "{}: {rec}: no `{field}`; the event was skipped",
                        p.display()
                    )
                });
            return Ok(None);
        };
        let ts = self.instant(r.file, record, field, raw)?;
        let mut e = Ev::new(kind, ts, 1, r.file, r.pos);
        e.actor = match name {
            "commented" | "reviewed" => login(o.get("user")).or_else(|| login(o.get("actor"))),
            "line-commented" => first_comment.and_then(|c| login(c.get("user"))),
            _ => login(o.get("actor")),
        };
        e.who = match kind {
            Kind::Assigned | Kind::Unassigned => login(o.get("assignee")),
            Kind::ReviewRequested | Kind::ReviewRemoved => login(o.get("requested_reviewer")),
            _ => None,
        };
        e.team = o.get("requested_team").and_then(|t| {
            t.get("name")
                .or_else(|| t.get("slug"))
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
        });
        e.reason = text(o, "state_reason").map(str::to_ascii_lowercase);
        e.wf = wf;
        Ok(Some(e))
    }

    /// All events of one item, in time order, with the file each is counted for.
    fn item_events(
        &mut self,
        id: &str,
        recs: &[usize],
    ) -> Result<Vec<(Event, usize)>, IngestError> {
        let mut evs = Vec::new();
        let raws: Vec<RawEv> = recs
            .iter()
            .filter_map(|&i| self.events.get(i))
            .map(|r| RawEv {
                obj: r.obj.clone(),
                item: None,
                file: r.file,
                pos: r.pos,
            })
            .collect();
        for r in &raws {
            if let Some(e) = self.convert(r)? {
                evs.push(e);
            }
        }
        let meta = self.metas.get(id).map(|m| (m.obj.clone(), m.file, m.pos));
        let m = meta.as_ref().map(|x| &x.0);
        let (mfile, mpos) = meta.as_ref().map_or((0, 0), |x| (x.1, x.2));
        let rec = || format!("issue {id:?}");
        let time = |me: &mut Self, keys: [&str; 2]| -> Result<Option<Ts>, IngestError> {
            let Some(o) = m else { return Ok(None) };
            for k in keys {
                if let Some(raw) = text(o, k) {
                    return me.instant(mfile, rec, k, raw).map(Some);
                }
            }
            Ok(None)
        };
        let created = time(self, ["created_at", "createdAt"])?;
        let closed_at = time(self, ["closed_at", "closedAt"])?;
        let merged_at = match m
            .and_then(|o| o.get("pull_request"))
            .and_then(Value::as_object)
        {
            Some(pr) if text(pr, "merged_at").is_some() => {
                let raw = text(pr, "merged_at").unwrap_or("");
                Some(self.instant(mfile, rec, "pull_request.merged_at", raw)?)
            }
            _ => time(self, ["merged_at", "mergedAt"])?,
        };
        let state = m
            .and_then(|o| text(o, "state"))
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let is_closed = state == "closed" || state == MERGED;
        let meta_reason = m
            .and_then(|o| text(o, "state_reason").or_else(|| text(o, "stateReason")))
            .map(str::to_ascii_lowercase);
        let unmerged_pr = m.is_some_and(known_unmerged_pr);
        let near = |a: Ts, b: Ts| (a - b).abs() <= SAME_CLOSE;
        let real_close = |t: Ts, evs: &[Ev]| {
            evs.iter()
                .any(|e| matches!(e.kind, Kind::Closed | Kind::Merged) && near(e.ts, t))
        };
        let mut synth = Vec::new();
        if let Some(o) = m {
            if let Some(c) = created {
                let mut e = Ev::new(Kind::Created, c, 0, mfile, mpos);
                e.actor = login(o.get("user")).or_else(|| login(o.get("author")));
                synth.push(e);
            }
            if let Some(t) = merged_at.filter(|&t| !real_close(t, &evs)) {
                let mut e = Ev::new(Kind::Merged, t, 2, mfile, mpos);
                e.actor = login(o.get("merged_by")).or_else(|| login(o.get("mergedBy")));
                synth.push(e);
            }
            if let Some(c) = closed_at.filter(|_| is_closed && state != MERGED) {
                if !real_close(c, &evs) && !merged_at.is_some_and(|t| near(t, c)) {
                    let mut e = Ev::new(Kind::Closed, c, 2, mfile, mpos);
                    e.actor = login(o.get("closed_by"));
                    synth.push(e);
                }
            }
            if state == MERGED && merged_at.is_none() {
                // gh CLI: state MERGED without mergedAt: the close is the merge.
                if let Some(c) = closed_at.filter(|&c| !real_close(c, &evs)) {
                    synth.push(Ev::new(Kind::Merged, c, 2, mfile, mpos));
                }
            }
        }
        evs.extend(synth);
        evs.sort_by_key(|e| (e.ts, e.rank, e.file, e.pos));
        let merges: Vec<Ts> = evs
            .iter()
            .filter(|e| e.kind == Kind::Merged)
            .map(|e| e.ts)
            .chain(merged_at)
            .collect();
        let last_close = evs.iter().rposition(|e| e.kind == Kind::Closed);
        let known_assign = evs
            .iter()
            .any(|e| e.kind == Kind::Assigned && e.who.is_some());
        let mut holders: Vec<String> = Vec::new();
        let mut init: Option<String> = None;
        if let (false, Some(o)) = (known_assign, m) {
            holders = o
                .get("assignees")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|x| login(Some(x))).collect())
                .unwrap_or_default();
            init = login(o.get("assignee")).or_else(|| holders.first().cloned());
            if let Some(c) = &init {
                holders.retain(|h| h != c);
                holders.push(c.clone());
            }
        }
        let mut base = Base::Open;
        let mut wf: Vec<(String, String)> = Vec::new();
        let mut status: Option<String> = None;
        let mut assignee: Option<String> = None;
        let mut team: Option<String> = None;
        let mut out = Vec::new();
        let effective = |base: &Base, wf: &[(String, String)]| -> String {
            match base {
                Base::Open => wf.last().map_or(OPEN.to_string(), |x| x.1.clone()),
                Base::Closed(n) => n.to_string(),
                Base::Merged => MERGED.to_string(),
            }
        };
        for (i, e) in evs.into_iter().enumerate() {
            let mut st: Option<String> = None;
            let mut asg: Option<String> = None;
            let mut tm: Option<String> = None;
            let mut always = true;
            match e.kind {
                Kind::Created => {
                    base = Base::Open;
                    st = Some(effective(&base, &wf));
                    asg = init.take();
                }
                Kind::Merged => {
                    base = Base::Merged;
                    st = Some(MERGED.to_string());
                }
                Kind::Closed if merges.iter().any(|&t| near(t, e.ts)) => {
                    base = Base::Merged;
                    st = Some(MERGED.to_string());
                }
                Kind::Closed => {
                    let mut reason = e.reason.clone().filter(|r| !r.is_empty());
                    if reason.is_none() && Some(i) == last_close && is_closed {
                        reason = meta_reason.clone();
                    }
                    if reason.is_none() && unmerged_pr {
                        reason = Some("unmerged".into());
                    }
                    let name = closed_status(reason.as_deref());
                    base = Base::Closed(name);
                    st = Some(name.to_string());
                }
                Kind::Reopened => {
                    base = Base::Open;
                    st = Some(effective(&base, &wf));
                }
                Kind::Assigned | Kind::ReviewRequested | Kind::Unassigned | Kind::ReviewRemoved => {
                    always = false;
                    let adds = matches!(e.kind, Kind::Assigned | Kind::ReviewRequested);
                    if let Some(w) = &e.who {
                        holders.retain(|h| h != w);
                        if adds {
                            holders.push(w.clone());
                            asg = Some(w.clone());
                        } else if assignee.as_deref() == Some(w.as_str()) {
                            asg = Some(holders.last().cloned().unwrap_or(UNASSIGNED.into()));
                        }
                    }
                    if let Some(t) = &e.team {
                        if adds {
                            tm = Some(t.clone());
                        } else if team.as_deref() == Some(t.as_str()) {
                            tm = Some(UNASSIGNED.into());
                        }
                    }
                }
                Kind::WfSet | Kind::WfClear => {
                    always = false;
                    if let Some((key, s)) = &e.wf {
                        wf.retain(|x| &x.0 != key);
                        if e.kind == Kind::WfSet {
                            wf.push((key.clone(), s.clone()));
                        }
                    }
                    let now = effective(&base, &wf);
                    if status.as_deref() != Some(now.as_str()) {
                        st = Some(now);
                    }
                }
                Kind::Activity => {}
            }
            if !(always || st.is_some() || asg.is_some() || tm.is_some()) {
                continue;
            }
            if let Some(s) = &st {
                status = Some(s.clone());
                let cat = match s.as_str() {
                    "closed" | MERGED => Some(SourceCategory::Done),
                    x if x.starts_with("closed (") => Some(SourceCategory::Canceled),
                    _ => None,
                };
                if let (Some(c), Base::Closed(_) | Base::Merged) = (cat, &base) {
                    self.out
                        .hints
                        .source_categories
                        .insert((SOURCE.to_string(), s.clone()), c);
                }
            }
            if let Some(a) = &asg {
                assignee = (a != UNASSIGNED).then(|| a.clone());
            }
            if let Some(t) = &tm {
                team = (t != UNASSIGNED).then(|| t.clone());
            }
            let ev = Event {
                item_id: id.to_string(),
                timestamp: e.ts,
                status: st,
                assignee: asg,
                team: tm,
                actor: e.actor,
                source: Some(SOURCE.to_string()),
                created,
            };
            out.push((ev, e.file));
        }
        if status.is_none() && !out.is_empty() && !state.is_empty() {
            let s = match state.as_str() {
                "closed" => closed_status(meta_reason.as_deref()),
                MERGED => MERGED,
                _ => OPEN,
            };
            self.out
                .hints
                .current_status
                .insert(id.to_string(), s.to_string());
        }
        Ok(out)
    }
}

/// Status name of a close with this `state_reason`.
fn closed_status(reason: Option<&str>) -> &'static str {
    match reason {
        Some("not_planned") => "closed (not planned)",
        Some("duplicate") => "closed (duplicate)",
        Some("unmerged") => "closed (unmerged)",
        _ => "closed",
    }
}

/// A non-empty string field.
fn text<'a>(o: &'a Obj, k: &str) -> Option<&'a str> {
    o.get(k)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// `x.login` of a user object.
fn login(v: Option<&Value>) -> Option<String> {
    v?.get("login")?
        .as_str()
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}

/// Add the fields `other` has and `base` lacks.
fn fill(base: &mut Obj, other: Obj) {
    for (k, v) in other {
        base.entry(k).or_insert(v);
    }
}

/// A GitHub URL split into repository, the segment after it and the number after that.
#[derive(Debug, PartialEq)]
struct GhUrl {
    repo: String,
    kind: Option<String>,
    number: Option<u64>,
}

/// Parse `https://api.github.com/repos/o/r/issues/5`, `https://host/api/v3/repos/o/r/…`
/// or `https://github.com/o/r/pull/5#…`. `/repositories/{id}/…` gives `None`.
fn parse_url(u: &str) -> Option<GhUrl> {
    let rest = u.split_once("://").map_or(u, |x| x.1);
    let rest = rest.split(['#', '?']).next().unwrap_or("");
    let mut parts = rest.split('/');
    let host = parts.next()?;
    let segs: Vec<&str> = parts.filter(|s| !s.is_empty()).collect();
    let start = match segs.as_slice() {
        ["repos", ..] if host.starts_with("api.") => 1,
        ["api", "v3", "repos", ..] => 3,
        _ if host.starts_with("api.") => return None,
        [first, ..] if *first == "repositories" || *first == "api" => return None,
        _ => 0,
    };
    let owner = segs.get(start)?;
    let repo = segs.get(start + 1)?;
    Some(GhUrl {
        repo: format!("{owner}/{repo}"),
        kind: segs.get(start + 2).map(|s| s.to_string()),
        number: segs.get(start + 3).and_then(|n| n.parse().ok()),
    })
}

/// `owner/repo#n` from an issue URL (`issues`, `pull`, `pulls`), if it names one.
fn item_from_url(u: &str) -> Option<String> {
    let g = parse_url(u)?;
    let n = g.number?;
    matches!(g.kind.as_deref(), Some("issues" | "pull" | "pulls"))
        .then(|| format!("{}#{n}", g.repo))
}

/// The item id of an issue or pull request object; `None` for anything else.
fn issue_id(o: &Obj) -> Option<String> {
    let n = match o.get("number")? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    if text(o, "created_at")
        .or_else(|| text(o, "createdAt"))
        .is_none()
    {
        return None;
    }
    let links = ["html_url", "url", "issue_url"];
    let is_issue = links
        .iter()
        .any(|k| text(o, k).and_then(item_from_url).is_some());
    if !is_issue && text(o, "repository_url").is_none() {
        return None;
    }
    let repo = ["repository_url", "html_url", "url", "issue_url"]
        .iter()
        .filter_map(|k| text(o, k).and_then(parse_url))
        .map(|g| g.repo)
        .next()?;
    Some(format!("{repo}#{n}"))
}

/// The item an event names itself (without an `issue` object).
fn event_link(o: &Obj) -> Option<String> {
    let direct = ["issue_url", "pull_request_url"]
        .iter()
        .find_map(|k| text(o, k).and_then(item_from_url));
    if direct.is_some() {
        return direct;
    }
    match text(o, "event")? {
        "commented" | "reviewed" => text(o, "html_url").and_then(item_from_url),
        "line-commented" => {
            let c = o.get("comments")?.as_array()?.first()?.as_object()?;
            ["pull_request_url", "html_url"]
                .iter()
                .find_map(|k| text(c, k).and_then(item_from_url))
        }
        _ => None,
    }
}

/// The identity of an event across files: (`event`, id).
fn event_key(o: &Obj) -> Option<(String, String)> {
    let name = text(o, "event")?;
    let id = match name {
        "committed" => o.get("sha").cloned(),
        "line-commented" => o
            .get("comments")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|c| c.get("id"))
            .cloned(),
        _ => o.get("id").cloned(),
    }?;
    let id = match id {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some((name.to_string(), id))
}

/// A pull request whose object says it was not merged (an explicit null `merged_at`, or
/// `merged: false`).
fn known_unmerged_pr(o: &Obj) -> bool {
    let pr = o.get("pull_request").and_then(Value::as_object);
    let pr_links = pr.is_some_and(|p| text(p, "html_url").is_some() || text(p, "url").is_some());
    let is_pr = pr_links
        || o.contains_key("merged_at")
        || o.contains_key("merged")
        || text(o, "html_url").is_some_and(|u| u.contains("/pull/"))
        || text(o, "url").is_some_and(|u| u.contains("/pulls/"));
    let null_merge = |p: &Obj| p.get("merged_at").is_some_and(Value::is_null);
    is_pr
        && (null_merge(o)
            || pr.is_some_and(null_merge)
            || o.get("merged").and_then(Value::as_bool) == Some(false))
}

/// Number of nodes of a GraphQL `timelineItems` page, if `o` is one.
fn graphql_nodes(o: &Obj) -> Option<usize> {
    fn find(v: &Value, depth: u8) -> Option<usize> {
        let o = v.as_object()?;
        if let Some(t) = o.get("timelineItems") {
            return Some(t.get("nodes").and_then(Value::as_array).map_or(0, Vec::len));
        }
        if depth == 0 {
            return None;
        }
        o.values().find_map(|x| find(x, depth - 1))
    }
    find(o.get("data")?, 3)
}

/// `rel="next"` targets of a recorded exchange's `Link` headers.
fn next_links(o: &Obj) -> Vec<String> {
    let mut headers: Vec<&str> = Vec::new();
    if let Some(raw) = o.get("rawHeaders").and_then(Value::as_array) {
        for pair in raw.chunks(2) {
            if let [Value::String(k), Value::String(v)] = pair {
                if k.eq_ignore_ascii_case("link") {
                    headers.push(v);
                }
            }
        }
    }
    if let Some(h) = o.get("headers").and_then(Value::as_object) {
        for (k, v) in h {
            if let (true, Some(v)) = (k.eq_ignore_ascii_case("link"), v.as_str()) {
                headers.push(v);
            }
        }
    }
    headers
        .iter()
        .flat_map(|h| h.split(','))
        .filter(|part| part.contains("rel=\"next\""))
        .filter_map(|part| {
            let a = part.find('<')?;
            let b = part.find('>')?;
            part.get(a + 1..b).map(str::to_string)
        })
        .collect()
}

/// The path and query of a URL (`https://api.github.com/x?y` → `/x?y`).
fn url_path(u: &str) -> &str {
    match u.split_once("://") {
        Some((_, rest)) => rest.find('/').and_then(|i| rest.get(i..)).unwrap_or(""),
        None => u,
    }
}

#[cfg(test)]
mod tests {
    //! Expected numbers on the real files were established independently with a short
    //! python3 script (json module only) that reads the same files, flattens octokit
    //! exchanges, keys issues by `owner/repo#number` (freshest `updated_at`), dedupes events
    //! by (`event`, `id`), links per-issue files through their comments' `issue_url`, and
    //! lists per item: creation, closed/merged/reopened events, closes from `closed_at` /
    //! `merged_at` not within 60 s of an event, and project-column moves. It printed:
    //! whole folder (GraphQL pages excluded) 40 items, 57 status-setting events, 11 items
    //! ending closed or merged; issue events single 4 items / 13; repo issues list 16 / 16;
    //! repo-wide events page 10 items / 16, 6 ending closed; octokit 13 / 13; #28 created
    //! 2012-05-19T10:38:23Z, `closed` event 2012-05-26T14:59:34Z (`closed_at` 14:59:33Z),
    //! assigned to jacquev6 at 10:42:25Z (actor jacquev6 in the 2012 events recording, ghost
    //! in the timeline). Activity counts (#28 timeline: 3 assigned, 1 closed, 3 commented;
    //! #31: 1 line-commented at 2012-09-11T20:06:32Z, 2 reviewed) were read off the same
    //! listing.
    use super::*;
    use crate::ingest::imported::ImportOptions;
    use chrono_tz::Tz;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/datasets/");

    fn real(names: &[&str]) -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| PathBuf::from(format!("{DIR}github/{n}")))
            .collect()
    }

    fn all_real() -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(format!("{DIR}github"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    }

    fn ctx() -> ImportContext {
        ImportContext {
            tz: Tz::UTC,
            options: ImportOptions::default(),
        }
    }

    fn utc(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    type Row = (
        Ts,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );

    /// (timestamp, status, assignee, team, actor) of one item's events, in batch order.
    fn rows(r: &Imported, id: &str) -> Vec<Row> {
        let b = &r.batch;
        (0..b.len())
            .filter(|&i| b.item_id[i] == id)
            .map(|i| {
                (
                    b.timestamp[i],
                    b.status[i].clone(),
                    b.assignee[i].clone(),
                    b.team[i].clone(),
                    b.actor[i].clone(),
                )
            })
            .collect()
    }

    fn statuses(r: &Imported, id: &str) -> Vec<(Ts, String)> {
        rows(r, id)
            .into_iter()
            .filter_map(|x| x.1.map(|s| (x.0, s)))
            .collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn status_events(r: &Imported) -> usize {
        r.batch.status.iter().filter(|x| x.is_some()).count()
    }

    fn ending_terminal(r: &Imported) -> usize {
        let mut last: BTreeMap<&str, &str> = BTreeMap::new();
        for i in 0..r.batch.len() {
            if let Some(st) = &r.batch.status[i] {
                last.insert(&r.batch.item_id[i], st);
            }
        }
        last.values()
            .filter(|v| v.starts_with("closed") || **v == "merged")
            .count()
    }

    fn tmp(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        let paths = files
            .iter()
            .map(|(n, body)| {
                let p = dir.path().join(n);
                std::fs::write(&p, body).unwrap();
                p
            })
            .collect();
        (dir, paths)
    }

    fn read_str(body: &str) -> Result<Imported, IngestError> {
        let (_d, p) = tmp(&[("x.json", body)]);
        read_many(&p, &ctx())
    }

    const REPO: &str = "https://api.github.com/repos/o/r";

    fn issue(n: u32, extra: &str) -> String {
        format!(
            r#"{{"url":"{REPO}/issues/{n}","repository_url":"{REPO}","html_url":"https://github.com/o/r/issues/{n}","number":{n},"user":{{"login":"ann"}},"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-02-01T00:00:00Z"{extra}}}"#
        )
    }

    #[test]
    fn sniff_accepts_real_files_and_rejects_others() {
        for p in all_real() {
            let head: Vec<u8> = std::fs::read(&p).unwrap().into_iter().take(8192).collect();
            assert!(sniff(&head, &p), "{} not sniffed", p.display());
        }
        for other in [
            "xes/running-example.xes",
            "trello/miyamae_clipkit_board_export_2015.json",
            "jira/go-jira_issues_in_sprint_with_changelog.json",
            "jira/perceval_fiware_jira_server_search_page1.json",
            "azure_devops/msdocs_5.1_updates_GET__list_of_workitem_updates.json",
            "azure_devops/msdocs_5.1_revisions_GET__list_workitem_revisions.json",
        ] {
            let p = PathBuf::from(format!("{DIR}{other}"));
            let head: Vec<u8> = std::fs::read(&p).unwrap().into_iter().take(8192).collect();
            assert!(!sniff(&head, &p), "{other} wrongly sniffed as GitHub");
        }
        let csv = b"item_id,timestamp,status\nA,2024-01-01T00:00:00Z,Open\n";
        assert!(!sniff(csv, Path::new("e.csv")));
        assert!(!sniff(b"", Path::new("e.json")));
    }

    #[test]
    fn whole_real_folder() {
        let r = read_many(&all_real(), &ctx()).unwrap();
        assert_eq!(r.items, 40);
        assert_eq!(status_events(&r), 57);
        assert_eq!(ending_terminal(&r), 11);
        assert!(r
            .batch
            .source
            .iter()
            .all(|x| x.as_deref() == Some("github")));
        // The 4 GraphQL pages are skipped; every REST event is linked.
        assert_eq!(r.warnings.count(WarningKind::InputSkipped), 4);
        assert_eq!(r.warnings.count(WarningKind::IncompletePagination), 0);
        assert_eq!(r.files.len(), 14);
        let octo = r
            .files
            .iter()
            .find(|f| f.0.ends_with("octokit_paginate-issues_raw-fixture.json"));
        assert_eq!(octo.map(|f| (f.1, f.2)), Some((13, 13)));
        let cat = |n: &str| {
            r.hints
                .source_categories
                .get(&(SOURCE.to_string(), n.to_string()))
                .copied()
        };
        assert_eq!(cat("closed"), Some(SourceCategory::Done));
        assert_eq!(cat("merged"), Some(SourceCategory::Done));
        // #28: one close, at the `closed` event (not `closed_at`, a second earlier).
        let id = "PyGithub/PyGithub#28";
        assert_eq!(
            statuses(&r, id),
            vec![
                (utc("2012-05-19T10:38:23Z"), "open".to_string()),
                (utc("2012-05-26T14:59:34Z"), "closed".to_string()),
            ]
        );
        let ev = rows(&r, id);
        // First copy wins field by field: the 2012 events file says actor jacquev6, the
        // timeline copy adds the assignee.
        assert_eq!(
            ev[1],
            (
                utc("2012-05-19T10:42:25Z"),
                None,
                s("jacquev6"),
                None,
                s("jacquev6")
            )
        );
        assert_eq!(
            ev[0].2, None,
            "assignment events exist: no assignee at creation"
        );
        let created = utc("2012-05-19T10:38:23Z");
        let b = &r.batch;
        assert!((0..b.len())
            .filter(|&i| b.item_id[i] == id)
            .all(|i| b.created[i] == Some(created)));
    }

    #[test]
    fn issue28_with_timeline() {
        let r = read_many(
            &real(&["pygithub_issue28.json", "pygithub_issue28_timeline.json"]),
            &ctx(),
        )
        .unwrap();
        assert_eq!(r.items, 1);
        let id = "PyGithub/PyGithub#28";
        let ghost_assign = |t: &str| (utc(t), None, s("jacquev6"), None, s("ghost"));
        assert_eq!(
            rows(&r, id),
            vec![
                (
                    utc("2012-05-19T10:38:23Z"),
                    s("open"),
                    None,
                    None,
                    s("jacquev6")
                ),
                ghost_assign("2012-05-19T10:42:25Z"),
                ghost_assign("2012-05-26T14:58:27Z"),
                (
                    utc("2012-05-26T14:59:34Z"),
                    s("closed"),
                    None,
                    None,
                    s("jacquev6")
                ),
                ghost_assign("2012-09-11T18:52:07Z"),
                (
                    utc("2013-06-29T10:31:38Z"),
                    None,
                    None,
                    None,
                    s("stuglaser")
                ),
                (utc("2018-08-23T21:05:39Z"), None, None, None, s("allevin")),
                (utc("2018-08-24T13:43:44Z"), None, None, None, s("allevin")),
            ]
        );
        assert_eq!(r.files[1].1, 1);
        assert_eq!(r.files[1].2, 7);
    }

    #[test]
    fn issue28_with_2012_events_file_uses_the_only_issue() {
        let r = read_many(
            &real(&["pygithub_issue28.json", "pygithub_issue28_events.json"]),
            &ctx(),
        )
        .unwrap();
        // The 2012 `assigned` event has no `assignee`: the issue's assignee is used at
        // creation; no close event, so the close is `closed_at`.
        assert_eq!(
            rows(&r, "PyGithub/PyGithub#28"),
            vec![
                (
                    utc("2012-05-19T10:38:23Z"),
                    s("open"),
                    s("jacquev6"),
                    None,
                    s("jacquev6")
                ),
                (
                    utc("2012-05-26T14:59:33Z"),
                    s("closed"),
                    None,
                    None,
                    s("jacquev6")
                ),
            ]
        );
        assert_eq!(r.warnings.count(WarningKind::InputSkipped), 0);
    }

    #[test]
    fn unlinkable_events_file_alone_is_a_clear_error() {
        let e = read_many(&real(&["pygithub_issue28_events.json"]), &ctx()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("pygithub_issue28_events.json"), "{msg}");
        assert!(msg.contains("2 GitHub event(s) skipped"), "{msg}");
    }

    #[test]
    fn pr31_with_timeline() {
        let r = read_many(
            &real(&["pygithub_pr31.json", "pygithub_pr31_timeline.json"]),
            &ctx(),
        )
        .unwrap();
        let act = |t: &str, who: &str| (utc(t), None, None, None, s(who));
        assert_eq!(
            rows(&r, "PyGithub/PyGithub#31"),
            vec![
                (
                    utc("2012-05-27T09:25:36Z"),
                    s("open"),
                    None,
                    None,
                    s("jacquev6")
                ),
                (
                    utc("2012-05-27T10:29:07Z"),
                    s("merged"),
                    None,
                    None,
                    s("jacquev6")
                ),
                (
                    utc("2012-05-27T10:29:07Z"),
                    s("merged"),
                    None,
                    None,
                    s("jacquev6")
                ),
                act("2012-09-08T12:57:51Z", "jacquev6"),
                act("2012-09-11T20:06:32Z", "jacquev6"),
                (
                    utc("2012-11-03T08:19:40Z"),
                    None,
                    s("jacquev6"),
                    None,
                    s("ghost")
                ),
                act("2018-03-21T12:34:59Z", "sfdye"),
                act("2018-06-25T12:54:43Z", "eamanu"),
            ]
        );
    }

    #[test]
    fn issue_events_single_with_and_without_project_columns() {
        let files = real(&["pygithub_issue_events_single.json"]);
        let r = read_many(&files, &ctx()).unwrap();
        assert_eq!(r.items, 4);
        assert_eq!(status_events(&r), 13);
        assert_eq!(ending_terminal(&r), 4);
        let st = |v: &[(&str, &str)]| -> Vec<(Ts, String)> {
            v.iter().map(|(t, s)| (utc(t), s.to_string())).collect()
        };
        assert_eq!(
            statuses(&r, "PyGithub/PyGithub#857"),
            st(&[
                ("2018-08-07T14:14:44Z", "open"),
                ("2018-08-10T13:10:09Z", "open"),
                ("2018-08-16T08:13:24Z", "To do"),
                ("2018-08-16T08:13:55Z", "In progress"),
                ("2018-08-16T08:14:08Z", "open"),
                ("2018-08-24T16:01:29Z", "merged"),
            ])
        );
        assert_eq!(
            statuses(&r, "PyGithub/PyGithub#866"),
            st(&[
                ("2018-08-16T08:14:33Z", "open"),
                ("2018-08-16T08:14:34Z", "To do"),
                ("2018-08-16T08:14:55Z", "closed"),
            ])
        );
        // review_requested hands PR 538 to the reviewer.
        let pr538 = rows(&r, "PyGithub/PyGithub#538");
        assert!(pr538.contains(&(
            utc("2017-03-22T19:06:44Z"),
            None,
            s("jzelinskie"),
            None,
            s("jzelinskie")
        )));
        let mut c = ctx();
        c.options.github_project_columns = false;
        let r = read_many(&files, &c).unwrap();
        assert_eq!(
            statuses(&r, "PyGithub/PyGithub#857"),
            st(&[
                ("2018-08-07T14:14:44Z", "open"),
                ("2018-08-10T13:10:09Z", "open"),
                ("2018-08-24T16:01:29Z", "merged"),
            ])
        );
    }

    #[test]
    fn lists_pages_and_fixture() {
        let r = read_many(&real(&["pygithub_repo_issues_list.json"]), &ctx()).unwrap();
        assert_eq!((r.items, r.batch.len()), (16, 16));
        assert!(r.batch.status.iter().all(|x| x.as_deref() == Some("open")));
        let r = read_many(&real(&["pygithub_repo_issues_events_page1.json"]), &ctx()).unwrap();
        assert_eq!(
            (r.items, status_events(&r), ending_terminal(&r)),
            (10, 16, 6)
        );
        let r = read_many(&real(&["pygithub_repo_pulls_list.json"]), &ctx()).unwrap();
        assert_eq!(
            statuses(&r, "PyGithub/PyGithub#32"),
            vec![(utc("2012-05-27T10:58:41Z"), "open".into())]
        );
        let r = read_many(&real(&["octokit_paginate-issues_raw-fixture.json"]), &ctx()).unwrap();
        assert_eq!((r.items, r.batch.len()), (13, 13));
        assert_eq!(r.warnings.count(WarningKind::IncompletePagination), 0);
        let id = "octokit-fixture-org/tmp-scenario-paginate-issues-20220719043836917-izyoe#1";
        assert_eq!(
            rows(&r, id),
            vec![(
                utc("2022-07-19T04:38:40Z"),
                s("open"),
                None,
                None,
                s("octokit-fixture-user-a")
            )]
        );
    }

    #[test]
    fn graphql_pages_are_reported_not_read() {
        let files = real(&[
            "perceval_graphql_timeline_github_events_page_1.json",
            "perceval_graphql_timeline_github_events_pull_request_review.json",
        ]);
        let e = read_many(&files, &ctx()).unwrap_err();
        assert!(matches!(e, IngestError::Empty { .. }));
        assert!(e.to_string().contains("GraphQL"), "{e}");
    }

    #[test]
    fn trap_2012_pull_request_key_is_not_a_pr() {
        let old = issue(
            1,
            r#","state":"closed","closed_at":"2024-01-03T00:00:00Z","pull_request":{"html_url":null,"diff_url":null,"patch_url":null}"#,
        );
        let pr = issue(
            2,
            r#","state":"closed","closed_at":"2024-01-04T00:00:00Z","pull_request":{"url":"https://api.github.com/repos/o/r/pulls/2","html_url":"https://github.com/o/r/pull/2","merged_at":null}"#,
        );
        let r = read_str(&format!("[{old},{pr}]")).unwrap();
        assert_eq!(statuses(&r, "o/r#1")[1].1, "closed");
        assert_eq!(statuses(&r, "o/r#2")[1].1, "closed (unmerged)");
        let cat = r
            .hints
            .source_categories
            .get(&(SOURCE.into(), "closed (unmerged)".into()));
        assert_eq!(cat, Some(&SourceCategory::Canceled));
    }

    #[test]
    fn trap_closed_at_and_closed_event_one_second_apart_count_once() {
        let iss = issue(3, r#","state":"closed","closed_at":"2024-01-05T10:00:00Z""#);
        let ev = r#"{"id":9,"url":"https://api.github.com/repos/o/r/issues/events/9","event":"closed","actor":{"login":"bob"},"created_at":"2024-01-05T10:00:01Z","issue_url":"https://api.github.com/repos/o/r/issues/3"}"#;
        let r = read_str(&format!("{iss}\n[{ev}]")).unwrap();
        assert_eq!(
            statuses(&r, "o/r#3"),
            vec![
                (utc("2024-01-01T00:00:00Z"), "open".into()),
                (utc("2024-01-05T10:00:01Z"), "closed".into())
            ]
        );
    }

    #[test]
    fn trap_not_planned_and_reopen() {
        let iss = issue(
            4,
            r#","state":"closed","state_reason":"not_planned","closed_at":"2024-01-09T00:00:00Z""#,
        );
        let evs = r#"[{"id":1,"event":"closed","created_at":"2024-01-02T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/4"},
                      {"id":2,"event":"reopened","created_at":"2024-01-03T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/4"},
                      {"id":3,"event":"closed","created_at":"2024-01-09T00:00:00Z","issue_url":"https://api.github.com/repos/o/r/issues/4"}]"#;
        let r = read_str(&format!("{iss}{evs}")).unwrap();
        let names: Vec<String> = statuses(&r, "o/r#4").into_iter().map(|x| x.1).collect();
        // Only the last close takes the issue's state_reason.
        assert_eq!(names, ["open", "closed", "open", "closed (not planned)"]);
        let cat = r
            .hints
            .source_categories
            .get(&(SOURCE.into(), "closed (not planned)".into()));
        assert_eq!(cat, Some(&SourceCategory::Canceled));
    }

    #[test]
    fn trap_paginate_output_documents_back_to_back_kept_once() {
        let stale = issue(5, r#","state":"open""#).replace("2024-02-01", "2024-01-01");
        let fresh = issue(5, r#","state":"closed","closed_at":"2024-01-20T00:00:00Z""#);
        let r = read_str(&format!("[{stale}]\n[{fresh}]")).unwrap();
        assert_eq!(r.items, 1);
        assert_eq!(statuses(&r, "o/r#5").len(), 2);
        // Repo-wide events as newline-delimited objects (`--jq '.[]'`).
        let e = |id: u32, ev: &str, t: &str| {
            format!(
                r#"{{"id":{id},"event":"{ev}","actor":{{"login":"bob"}},"created_at":"{t}","issue":{}}}"#,
                issue(6, r#","state":"open""#)
            )
        };
        let body = format!(
            "{}\n{}\n",
            e(1, "closed", "2024-01-02T00:00:00Z"),
            e(2, "reopened", "2024-01-03T00:00:00Z")
        );
        let r = read_str(&body).unwrap();
        let names: Vec<String> = statuses(&r, "o/r#6").into_iter().map(|x| x.1).collect();
        assert_eq!(names, ["open", "closed", "open"]);
    }

    #[test]
    fn trap_per_type_timestamps_and_missing_ones() {
        let iss = issue(7, r#","state":"open""#);
        let tl = r#"[{"sha":"abc","event":"committed","author":{"date":"2023-12-01T00:00:00Z"},"committer":{"date":"2023-12-01T00:00:00Z"}},
            {"id":5,"event":"reviewed","user":{"login":"rev"},"submitted_at":"2024-01-02T00:00:00Z","pull_request_url":"https://api.github.com/repos/o/r/pulls/7"},
            {"event":"line-commented","comments":[{"id":8,"user":{"login":"lc"},"created_at":"2024-01-03T00:00:00Z","pull_request_url":"https://api.github.com/repos/o/r/pulls/7"}]},
            {"id":6,"event":"assigned","actor":{"login":"x"},"assignee":{"login":"y"}}]"#;
        let r = read_str(&format!("{iss}{tl}")).unwrap();
        let ev = rows(&r, "o/r#7");
        assert_eq!(ev.len(), 3, "{ev:?}");
        assert_eq!(
            ev[1],
            (utc("2024-01-02T00:00:00Z"), None, None, None, s("rev"))
        );
        assert_eq!(
            ev[2],
            (utc("2024-01-03T00:00:00Z"), None, None, None, s("lc"))
        );
        assert_eq!(r.warnings.count(WarningKind::EventWithoutTimestamp), 1);
    }

    #[test]
    fn bad_values_are_errors_naming_file_record_field() {
        let bad = issue(8, r#","state":"open""#).replace("2024-01-01T00:00:00Z", "yesterday");
        let e = read_str(&format!("[{bad}]")).unwrap_err().to_string();
        assert!(
            e.contains("issue \"o/r#8\"") && e.contains("created_at") && e.contains("yesterday"),
            "{e}"
        );
        let ev = r#"[{"id":4,"event":"closed","created_at":"31/12/2024","issue_url":"https://api.github.com/repos/o/r/issues/8"}]"#;
        let e = read_str(ev).unwrap_err().to_string();
        assert!(
            e.contains("record 1 (event \"closed\" id 4)") && e.contains("created_at"),
            "{e}"
        );
        let e = read_str("[{\"number\": 1,\n  \"url\": ")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.json") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn status_labels_and_handoffs() {
        let iss = issue(9, r#","state":"open""#);
        let ev = |id: u32, t: &str, body: &str| {
            format!(
                r#"{{"id":{id},"created_at":"2024-01-{t}T00:00:00Z","actor":{{"login":"a"}},"issue_url":"{REPO}/issues/9",{body}}}"#
            )
        };
        let evs = [
            ev(
                1,
                "02",
                r#""event":"labeled","label":{"name":"In Progress"}"#,
            ),
            ev(2, "03", r#""event":"labeled","label":{"name":"bug"}"#),
            ev(3, "04", r#""event":"assigned","assignee":{"login":"p"}"#),
            ev(4, "05", r#""event":"assigned","assignee":{"login":"q"}"#),
            ev(5, "06", r#""event":"unassigned","assignee":{"login":"q"}"#),
            ev(6, "07", r#""event":"unassigned","assignee":{"login":"p"}"#),
            ev(
                7,
                "08",
                r#""event":"review_requested","requested_team":{"name":"core"}"#,
            ),
            ev(8, "09", r#""event":"closed""#),
            ev(
                9,
                "10",
                r#""event":"unlabeled","label":{"name":"in progress"}"#,
            ),
            ev(
                10,
                "11",
                r#""event":"labeled","label":{"name":"in progress"}"#,
            ),
            ev(11, "12", r#""event":"reopened""#),
            ev(
                12,
                "13",
                r#""event":"unlabeled","label":{"name":"IN PROGRESS"}"#,
            ),
            ev(
                13,
                "14",
                r#""event":"review_request_removed","requested_team":{"name":"core"}"#,
            ),
        ];
        let mut c = ctx();
        c.options
            .github_status_labels
            .insert("in progress".into(), "In Progress".into());
        let (_d, p) = tmp(&[
            ("i.json", &iss),
            ("e.json", &format!("[{}]", evs.join(","))),
        ]);
        let r = read_many(&p, &c).unwrap();
        let got: Vec<(String, Option<String>, Option<String>, Option<String>)> = rows(&r, "o/r#9")
            .into_iter()
            .map(|x| {
                (
                    format!(
                        "{:02}",
                        (x.0 - utc("2024-01-01T00:00:00Z")) / 86_400_000_000 + 1
                    ),
                    x.1,
                    x.2,
                    x.3,
                )
            })
            .collect();
        let want = |d: &str, st: Option<&str>, a: Option<&str>, t: Option<&str>| {
            (
                d.to_string(),
                st.map(String::from),
                a.map(String::from),
                t.map(String::from),
            )
        };
        assert_eq!(
            got,
            vec![
                want("01", Some("open"), None, None),
                want("02", Some("In Progress"), None, None),
                want("04", None, Some("p"), None),
                want("05", None, Some("q"), None),
                want("06", None, Some("p"), None),
                want("07", None, Some("unassigned"), None),
                want("08", None, None, Some("core")),
                want("09", Some("closed"), None, None),
                want("12", Some("In Progress"), None, None),
                want("13", Some("open"), None, None),
                want("14", None, None, Some("unassigned")),
            ]
        );
        assert_eq!(r.files[0].2, 1);
        assert_eq!(r.files[1].2, 10);
    }

    #[test]
    fn recorded_pages_missing_are_counted() {
        let fixture = format!(
            r#"[{{"scope":"https://api.github.com:443","method":"get","path":"/repos/o/r/issues?per_page=1","status":200,
                "response":[{}],
                "rawHeaders":["Link","<https://api.github.com/repositories/1/issues?per_page=1&page=2>; rel=\"next\", <https://api.github.com/repositories/1/issues?per_page=1&page=2>; rel=\"last\""]}},
               {{"scope":"https://api.github.com:443","method":"get","path":"/repos/o/r/issues/99","status":404,"response":{{"message":"Not Found"}}}}]"#,
            issue(1, r#","state":"open""#)
        );
        assert!(sniff(fixture.as_bytes(), Path::new("f.json")));
        let r = read_str(&fixture).unwrap();
        assert_eq!(r.items, 1);
        assert_eq!(r.warnings.count(WarningKind::IncompletePagination), 1);
    }

    #[test]
    fn urls() {
        let g = parse_url("https://ghe.example.com/api/v3/repos/o/r/pulls/3").unwrap();
        assert_eq!((g.repo.as_str(), g.number), ("o/r", Some(3)));
        assert_eq!(
            item_from_url("https://github.com/o/r/pull/4#discussion"),
            Some("o/r#4".into())
        );
        assert_eq!(
            item_from_url("https://api.github.com/repos/o/r/issues/events/5"),
            None
        );
        assert_eq!(
            parse_url("https://api.github.com/repositories/1/issues/2"),
            None
        );
        assert_eq!(
            item_from_url("https://api.github.com/repos/o/r/milestones/2"),
            None
        );
    }
}
