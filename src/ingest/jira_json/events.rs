//! Canonical events of each joined issue: the creation event (initial status, assignee and
//! team from the first history items, else the current ones), one event per status,
//! assignee or team history item in time order, the configured team field, status-category
//! and current-status hints, per-file counts and the truncation / missing-offset warnings.

use super::changelog::Acc;
use super::values::{array_of, text, ts};
use super::{State, SEARCH_HISTORY_CAP, SOURCE};
use crate::error::{shown, IngestError};
use crate::ingest::imported::{ImportContext, Imported};
use crate::ingest::instants::LocalTimes;
use crate::ingest::replay::Step;
use crate::model::{Event, SourceCategory, Ts};
use crate::warning::WarningKind;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The configured team field: ids to read from `fields`, names to match history items.
struct TeamField {
    ids: BTreeSet<String>,
    names: Vec<String>,
}

impl TeamField {
    fn new(configured: Option<&str>, st: &State) -> Option<TeamField> {
        let c = configured?.trim();
        if c.is_empty() {
            return None;
        }
        let mut ids = BTreeSet::from([c.to_string()]);
        let mut names = vec![c.to_string()];
        for acc in st.accs.values() {
            for (id, name) in &acc.latest.names {
                if name.eq_ignore_ascii_case(c) {
                    ids.insert(id.clone());
                }
                if id == c && !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        Some(TeamField { ids, names })
    }

    fn matches(&self, item: &Value) -> bool {
        let id = item.get("fieldId").and_then(Value::as_str);
        let field = item.get("field").and_then(Value::as_str);
        id.is_some_and(|i| self.ids.contains(i))
            || field.is_some_and(|f| self.names.iter().any(|n| n.eq_ignore_ascii_case(f)))
    }

    fn current(&self, fields: &Value) -> Option<String> {
        self.ids.iter().find_map(|id| team_value(fields.get(id)?))
    }
}

/// A team field's value: string, number, object (`name`/`value`/`title`/`displayName`), or
/// the first usable element of an array.
fn team_value(v: &Value) -> Option<String> {
    match v {
        Value::String(_) | Value::Number(_) => text(Some(v)),
        Value::Object(_) => ["name", "value", "title", "displayName"]
            .iter()
            .find_map(|k| text(v.get(*k))),
        Value::Array(a) => a.iter().find_map(team_value),
        _ => None,
    }
}

fn person(v: Option<&Value>) -> Option<String> {
    let v = v?;
    ["displayName", "name", "accountId", "key", "emailAddress"]
        .iter()
        .find_map(|k| text(v.get(*k)))
}

fn category(key: &str) -> Option<SourceCategory> {
    match key {
        "new" => Some(SourceCategory::Backlog),
        "indeterminate" => Some(SourceCategory::Committed),
        "done" => Some(SourceCategory::Done),
        _ => None,
    }
}

/// `toString` (else the `to` id) of an item; `from…` with `from = true`.
fn item_value(item: &Value, from: bool) -> Option<String> {
    let (s, id) = if from {
        ("fromString", "from")
    } else {
        ("toString", "to")
    };
    text(item.get(s)).or_else(|| text(item.get(id)))
}

pub(super) fn build(
    paths: &[PathBuf],
    ctx: &ImportContext,
    mut st: State,
) -> Result<Imported, IngestError> {
    let mut out = Imported::default();
    let team = TeamField::new(ctx.options.jira_team_field.as_deref(), &st);
    let (split, split_messages) = split_statuses(&st);
    out.warnings.add(
        WarningKind::ConflictingSourceCategory,
        split_messages.len() as u64,
        || split_messages.join("; "),
    );
    let mut tally = crate::ingest::replay::FileTally::new(paths.len());
    let mut truncated: Vec<String> = Vec::new();
    let order = std::mem::take(&mut st.order);
    for id in &order {
        let Some(acc) = st.accs.get(id) else { continue };
        let path = paths.get(acc.latest.file).cloned().unwrap_or_default();
        let before = out.batch.len();
        build_issue(
            acc,
            &path,
            team.as_ref(),
            &split,
            (&mut st.local_ts, st.tz),
            &mut out,
        )?;
        tally.events(acc.latest.file, (out.batch.len() - before) as u64);
        for f in &acc.files {
            tally.seen(*f);
        }
        let distinct = acc.histories.len();
        let cut = match acc.total {
            Some(t) => (distinct as u64) < t,
            None => distinct >= SEARCH_HISTORY_CAP,
        };
        if cut {
            truncated.push(acc.latest.key.clone());
        }
    }
    out.items = order.len();
    out.files = tally.files(paths);
    if !truncated.is_empty() {
        let n = truncated.len() as u64;
        let mut list: Vec<String> = truncated.iter().take(10).cloned().collect();
        if truncated.len() > 10 {
            list.push(format!("and {} more", truncated.len() - 10));
        }
        out.warnings.add(WarningKind::TruncatedChangelog, n, || {
            format!(
                "{n} Jira issue(s) have a truncated (or possibly truncated) changelog: {}. \
                 Their oldest transitions are missing, so the initial status and early times \
                 are wrong; re-fetch each via GET /rest/api/3/issue/{{key}}/changelog (every \
                 page) and pass those files with the search results",
                list.join(", ")
            )
        });
    }
    st.local_ts.warn(st.tz, &mut out.warnings);
    Ok(out)
}

/// METRICS.md §2 "Conflicting source categories": status names that several status ids carry
/// with different categories (a status re-categorised in a team-managed project, a workflow
/// migration), from the issues' current `fields.status` (name, id, `statusCategory`). Such a
/// name is kept apart per id (`name [id]`), so that each interval takes the category of its
/// status id.
fn split_statuses(st: &State) -> (BTreeSet<String>, Vec<String>) {
    let mut by_name: BTreeMap<String, BTreeMap<String, SourceCategory>> = BTreeMap::new();
    let mut items: BTreeMap<(String, String), u64> = BTreeMap::new();
    for acc in st.accs.values() {
        let s = acc.latest.issue.pointer("/fields/status");
        let (Some(name), Some(id), Some(c)) = (
            s.and_then(|s| text(s.get("name"))),
            s.and_then(|s| text(s.get("id"))),
            s.and_then(|s| s.pointer("/statusCategory/key"))
                .and_then(Value::as_str)
                .and_then(category),
        ) else {
            continue;
        };
        *items.entry((name.clone(), id.clone())).or_default() += 1;
        by_name.entry(name).or_default().insert(id, c);
    }
    let mut split = BTreeSet::new();
    let mut messages = Vec::new();
    for (name, ids) in by_name {
        let cats: BTreeSet<SourceCategory> = ids.values().copied().collect();
        if cats.len() < 2 {
            continue;
        }
        let each = ids
            .iter()
            .map(|(id, c)| {
                let n = items.get(&(name.clone(), id.clone())).copied().unwrap_or(0);
                format!("id {id} is {} for {n} item(s)", c.name())
            })
            .collect::<Vec<_>>()
            .join(", ");
        messages.push(format!(
            "jira: the status {name:?} has several ids with different categories ({each}): each id keeps its own category, shown as \"{name} [id]\""
        ));
        split.insert(name);
    }
    (split, messages)
}

/// A status name as the audit sees it: `name [id]` when the name is split by id.
fn status_label(
    split: &BTreeSet<String>,
    name: Option<String>,
    id: Option<String>,
) -> Option<String> {
    match (name, id) {
        (Some(n), Some(id)) if split.contains(&n) => Some(format!("{n} [{id}]")),
        (n, _) => n,
    }
}

/// Push the events of one issue: its creation (with the status, assignee and team it had
/// then) and one event per status, assignee or team history item.
fn build_issue(
    acc: &Acc,
    path: &Path,
    team: Option<&TeamField>,
    split: &BTreeSet<String>,
    (local, tz): (&mut LocalTimes, chrono_tz::Tz),
    out: &mut Imported,
) -> Result<(), IngestError> {
    let key = acc.latest.key.clone();
    let rec = format!("issue {key:?}");
    let fields = acc
        .latest
        .issue
        .get("fields")
        .cloned()
        .unwrap_or(Value::Null);
    let created = creation_time(&fields, path, &rec, (&mut *local, tz))?;
    let current = current_status(&fields, split, out);
    let hs = Histories::read(acc, path, &rec, (local, tz), team, split)?;
    let (first, from_current) = hs.initial(&fields, &current);
    if from_current {
        if let Some(s) = &current {
            out.hints.current_status.insert(key.clone(), s.clone());
        }
    }
    let base = Event {
        item_id: key.clone(),
        timestamp: created,
        source: Some(SOURCE.to_string()),
        created: Some(created),
        ..Event::default()
    };
    out.batch.push(Event {
        status: first.status,
        assignee: first.assignee,
        team: first.team,
        actor: person(fields.get("creator")),
        ..base.clone()
    });
    hs.push_events(&base, out);
    Ok(())
}

/// The issue's creation instant (`fields.created`); an error when it has none.
fn creation_time(
    fields: &Value,
    path: &Path,
    rec: &str,
    (local, tz): (&mut LocalTimes, chrono_tz::Tz),
) -> Result<Ts, IngestError> {
    let created_s = created_text(
        fields,
        path,
        rec,
        "fields.created",
        "the issue has no creation time; request the `created` field (fields=*all)",
    )?;
    ts(created_s, path, rec, "fields.created", (local, tz))
}

/// The issue's current status (`fields.status`, split by id when its name is), voting its
/// status category for the hints.
fn current_status(fields: &Value, split: &BTreeSet<String>, out: &mut Imported) -> Option<String> {
    let current = status_label(
        split,
        text(fields.pointer("/status/name")),
        text(fields.pointer("/status/id")),
    );
    if let (Some(s), Some(c)) = (
        &current,
        fields
            .pointer("/status/statusCategory/key")
            .and_then(Value::as_str)
            .and_then(category),
    ) {
        out.hints.vote(SOURCE, s, c);
    }
    current
}

/// The instant of history `h` (the `i`-th listed) of the issue `rec`; an error when it has
/// no valid `created` time.
fn history_time(
    h: &Value,
    i: usize,
    path: &Path,
    rec: &str,
    (local, tz): (&mut LocalTimes, chrono_tz::Tz),
) -> Result<Ts, IngestError> {
    let hrec = match text(h.get("id")) {
        Some(id) => format!("{rec} history {id}"),
        None => format!("{rec} history {}", i + 1),
    };
    let s = created_text(
        h,
        path,
        &hrec,
        "created",
        "a history needs its `created` time; re-download the changelog",
    )?;
    ts(s, path, &hrec, "created", (local, tz))
}

/// The `created` text of `v` (an issue's fields, a history); an error naming `field` and the
/// value found when it is missing or not text.
fn created_text<'v>(
    v: &'v Value,
    path: &Path,
    record: &str,
    field: &str,
    reason: &str,
) -> Result<&'v str, IngestError> {
    v.get("created")
        .and_then(Value::as_str)
        .ok_or_else(|| IngestError::BadValue {
            path: path.to_path_buf(),
            record: record.to_string().into(),
            field: field.into(),
            value: shown(&v.get("created").map(Value::to_string).unwrap_or_default()),
            reason: reason.into(),
        })
}

/// Is the history item `it` a change of the field named `f` (ignoring case)?
fn is_field(it: &Value, f: &str) -> bool {
    it.get("field")
        .and_then(Value::as_str)
        .is_some_and(|x| x.eq_ignore_ascii_case(f))
}

/// One issue's histories in time order, with how their items are read (the configured team
/// field, the status names split by id).
struct Histories<'a> {
    hs: Vec<(Ts, &'a Value)>,
    team: Option<&'a TeamField>,
    split: &'a BTreeSet<String>,
}

impl<'a> Histories<'a> {
    /// The histories of `acc` with their instants, in time order (stable: ties keep their
    /// listed order); an error names a history without a valid `created` time.
    fn read(
        acc: &'a Acc,
        path: &Path,
        rec: &str,
        (local, tz): (&mut LocalTimes, chrono_tz::Tz),
        team: Option<&'a TeamField>,
        split: &'a BTreeSet<String>,
    ) -> Result<Histories<'a>, IngestError> {
        let mut hs: Vec<(Ts, &Value)> = Vec::with_capacity(acc.histories.len());
        for (i, h) in acc.histories.iter().enumerate() {
            hs.push((history_time(h, i, path, rec, (&mut *local, tz))?, h));
        }
        hs.sort_by_key(|(t, _)| *t);
        Ok(Histories { hs, team, split })
    }

    /// Is the history item `it` a change of the configured team field?
    fn is_team(&self, it: &Value) -> bool {
        self.team.is_some_and(|t| t.matches(it))
    }

    /// The first history item, in time order, that `pred` accepts.
    fn first(&self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.hs
            .iter()
            .flat_map(|(_, h)| array_of(h, "items"))
            .find(|it| pred(it))
    }

    /// The status, assignee and team at creation: each the `from` of the first history item
    /// that changes it, else the current one (`current`, from `fields`); and whether the
    /// status is the current one.
    fn initial(&self, fields: &Value, current: &Option<String>) -> (Step, bool) {
        let first_status = self.first(|it| is_field(it, "status"));
        let first_assignee = self.first(|it| is_field(it, "assignee"));
        let first_team = self.first(|it| self.is_team(it));
        let status = match &first_status {
            Some(it) => status_label(self.split, item_value(it, true), text(it.get("from"))),
            None => current.clone(),
        };
        let assignee = match &first_assignee {
            Some(it) => item_value(it, true),
            None => person(fields.get("assignee")),
        };
        let team = match (&first_team, self.team) {
            (Some(it), _) => item_value(it, true),
            (None, Some(t)) => t.current(fields),
            (None, None) => None,
        };
        let step = Step {
            status,
            assignee,
            team,
        };
        (step, first_status.is_none())
    }

    /// Push one event per status, assignee or team item of the histories, in time order,
    /// each on `base` (the issue's id, source and creation) with its history's instant and
    /// author.
    fn push_events(&self, base: &Event, out: &mut Imported) {
        for (t, h) in &self.hs {
            let actor = person(h.get("author"));
            for it in array_of(h, "items") {
                let e = Event {
                    timestamp: *t,
                    actor: actor.clone(),
                    ..base.clone()
                };
                if let Some(e) = self.item_event(&it, e) {
                    out.batch.push(e);
                }
            }
        }
    }

    /// `e` with what the history item `it` sets (status, assignee or team); `None` for an
    /// item of another field or a status item that names no status.
    fn item_event(&self, it: &Value, mut e: Event) -> Option<Event> {
        if is_field(it, "status") {
            e.status = status_label(self.split, text(it.get("toString")), text(it.get("to")));
            if e.status.is_none() {
                return None;
            }
        } else if is_field(it, "assignee") {
            e.assignee = Some(item_value(it, false).unwrap_or_else(|| "unassigned".into()));
        } else if self.is_team(it) {
            e.team = Some(item_value(it, false).unwrap_or_else(|| "unassigned".into()));
        } else {
            return None;
        }
        Some(e)
    }
}
