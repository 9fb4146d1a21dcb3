//! Per-item replay into canonical events: the issue object's creation and closes joined
//! with the item's events (closes within 60 s are one close), then statuses (open, closed
//! variants, merged, workflow labels and project columns), assignees and teams replayed in
//! time order; also the order of items and per-file counts of the output.

use super::events::{Ev, Kind};
use super::shapes::{known_unmerged_pr, login, text};
use super::{Meta, Obj, RawEv, Reader, MERGED, OPEN, SAME_CLOSE, SOURCE, UNASSIGNED};
use crate::error::IngestError;
use crate::ingest::imported::Imported;
use crate::ingest::replay::{Holders, Step};
use crate::model::{Event, SourceCategory, Ts};
use serde_json::Value;
use std::collections::BTreeMap;

enum Base {
    Open,
    Closed(&'static str),
    Merged,
}

impl Reader<'_> {
    pub(super) fn build(mut self) -> Result<Imported, IngestError> {
        let (events, metas) = (
            std::mem::take(&mut self.events),
            std::mem::take(&mut self.metas),
        );
        let mut per_item: BTreeMap<&str, Vec<&RawEv>> = BTreeMap::new();
        let mut first: BTreeMap<&str, (usize, usize)> =
            metas.iter().map(|(k, m)| (k.as_str(), m.at)).collect();
        for r in &events {
            if let Some(it) = &r.item {
                per_item.entry(it).or_default().push(r);
                let at = first.entry(it).or_insert(r.at);
                *at = (*at).min(r.at);
            }
        }
        let mut order: Vec<((usize, usize), &str)> =
            first.into_iter().map(|(k, a)| (a, k)).collect();
        order.sort();
        let mut tally = crate::ingest::replay::FileTally::new(self.paths.len());
        for (fi, items) in self.file_items.iter().enumerate() {
            items.iter().for_each(|_| tally.seen(fi));
        }
        for (_, id) in order {
            let recs = per_item.get(id).map_or(&[][..], Vec::as_slice);
            let evs = self.item_events(id, metas.get(id), recs)?;
            self.out.items += usize::from(!evs.is_empty());
            for (e, fi) in evs {
                tally.events(fi, 1);
                self.out.batch.push(e);
            }
        }
        self.out.files = tally.files(self.paths);
        if self.out.batch.is_empty() {
            let none = || {
                (
                    self.path(0),
                    "no GitHub issue, pull request or event".to_string(),
                )
            };
            let (path, reason) = self.skipped.clone().unwrap_or_else(none);
            return Err(IngestError::Empty { path, reason });
        }
        Ok(self.out)
    }

    /// All events of one item, in time order, each with the file it is counted for.
    fn item_events(
        &mut self,
        id: &str,
        meta: Option<&Meta>,
        recs: &[&RawEv],
    ) -> Result<Vec<(Event, usize)>, IngestError> {
        let mut evs = Vec::new();
        for r in recs {
            evs.extend(self.convert(r)?);
        }
        let facts = self.facts(id, meta)?;
        add_object_events(&facts, &mut evs);
        evs.sort_by_key(|e| (e.ts, e.rank, e.at));
        let out = self.replay(id, &facts, evs);
        // Every issue object has a `created_at` (see `issue_id`), hence a status: no
        // `current_status` hint is needed.
        Ok(out)
    }

    /// The times, state and close reason the issue object `meta` gives (none without one).
    fn facts<'m>(&mut self, id: &str, meta: Option<&'m Meta>) -> Result<Facts<'m>, IngestError> {
        let (m, at) = (meta.map(|m| &m.obj), meta.map_or((0, 0), |m| m.at));
        let created = self.meta_time(id, at, m, "created_at")?;
        let closed_at = self.meta_time(id, at, m, "closed_at")?;
        let pr = m
            .and_then(|o| o.get("pull_request"))
            .and_then(Value::as_object);
        let merged_at = match self.meta_time(id, at, pr, "merged_at")? {
            Some(t) => Some(t),
            None => self.meta_time(id, at, m, "merged_at")?,
        };
        let state = m
            .and_then(|o| text(o, "state"))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let reason = m
            .and_then(|o| text(o, "state_reason"))
            .map(str::to_ascii_lowercase);
        Ok(Facts {
            obj: m,
            at,
            created,
            closed_at,
            merged_at,
            state,
            reason,
            unmerged_pr: m.is_some_and(known_unmerged_pr),
        })
    }

    /// The instant in field `k` of the issue object (or its part) `o`, when given.
    fn meta_time(
        &mut self,
        id: &str,
        at: (usize, usize),
        o: Option<&Obj>,
        k: &str,
    ) -> Result<Option<Ts>, IngestError> {
        let rec = || format!("issue {id:?}");
        match o.and_then(|o| text(o, k)) {
            Some(raw) => self.instant(at.0, rec, k, raw).map(Some),
            None => Ok(None),
        }
    }

    /// The item's events (in time order) replayed into canonical events, each with the file
    /// it is counted for; notes the source category of every close's status.
    fn replay(&mut self, id: &str, facts: &Facts<'_>, evs: Vec<Ev>) -> Vec<(Event, usize)> {
        let mut item = ItemState::new(id, facts, &evs);
        let mut out = Vec::new();
        for (i, mut e) in evs.into_iter().enumerate() {
            let (mut step, always) = item.apply(i, &mut e);
            if matches!(e.kind, Kind::Merged | Kind::Closed) {
                let s = item.current();
                self.close_category(&s);
                step.status = Some(s);
            }
            out.extend(item.record(e, step, always));
        }
        out
    }

    /// Note the source category of the status `s` a close or merge sets (done or canceled).
    fn close_category(&mut self, s: &str) {
        let done = s == "closed" || s == MERGED;
        let cat = if done {
            SourceCategory::Done
        } else {
            SourceCategory::Canceled
        };
        self.out
            .hints
            .source_categories
            .insert((SOURCE.into(), s.to_string()), cat);
    }
}

/// What the issue object of an item says (all absent when the item has none).
struct Facts<'m> {
    obj: Option<&'m Obj>,
    /// Where the issue object was first seen.
    at: (usize, usize),
    created: Option<Ts>,
    closed_at: Option<Ts>,
    merged_at: Option<Ts>,
    /// `state`, lowercase (empty when missing).
    state: String,
    /// `state_reason`, lowercase.
    reason: Option<String>,
    unmerged_pr: bool,
}

/// Are the instants `a` and `b` one close?
fn near(a: Ts, b: Ts) -> bool {
    (a - b).abs() <= SAME_CLOSE
}

/// Add the creation, merge and close the issue object gives to `evs`; a merge or close
/// within 60 s of a `closed`/`merged` event is that event, a close at the merge is the merge.
fn add_object_events(f: &Facts<'_>, evs: &mut Vec<Ev>) {
    let closes: Vec<Ts> = evs
        .iter()
        .filter(|e| matches!(e.kind, Kind::Closed | Kind::Merged))
        .map(|e| e.ts)
        .collect();
    let at_close = |t: Ts| closes.iter().any(|&c| near(c, t));
    let Some(o) = f.obj else { return };
    let merge_close = |t: Ts| f.merged_at.is_some_and(|m| near(m, t));
    let closed_at = f
        .closed_at
        .filter(|&t| f.state == "closed" && !merge_close(t));
    let synth = [
        (Kind::Created, f.created, 0, "user"),
        (
            Kind::Merged,
            f.merged_at.filter(|&t| !at_close(t)),
            3,
            "merged_by",
        ),
        (
            Kind::Closed,
            closed_at.filter(|&t| !at_close(t)),
            3,
            "closed_by",
        ),
    ];
    for (kind, ts, rank, who) in synth {
        if let Some(ts) = ts {
            let actor = login(o.get(who));
            evs.push(Ev {
                kind,
                ts,
                rank,
                at: f.at,
                actor,
                ..Ev::default()
            });
        }
    }
}

/// The people on the item before its events, and the assignee its creation carries: the
/// issue object's `assignees`/`assignee`, only when no `assigned` event names an assignee.
fn initial_holders(m: Option<&Obj>, evs: &[Ev]) -> (Holders, Option<String>) {
    // The people on the item; the assignee is the one added last still on it.
    let mut holders = Holders::default();
    let mut init = None;
    let named = evs
        .iter()
        .any(|e| e.kind == Kind::Assigned && e.who.is_some());
    if let (false, Some(o)) = (named, m) {
        let all = o
            .get("assignees")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let people: Vec<String> = all.iter().filter_map(|x| login(Some(x))).collect();
        init = login(o.get("assignee")).or_else(|| people.first().cloned());
        for p in people.iter().chain(&init) {
            holders.add(p);
        }
    }
    (holders, init)
}

/// One item during its replay: the issue object's facts, the base and workflow statuses,
/// the people on it, and the status, assignee and team its events have set so far.
struct ItemState<'a> {
    id: &'a str,
    f: &'a Facts<'a>,
    /// Instants of the merges (events and the issue's `merged_at`).
    merges: Vec<Ts>,
    /// Position of the item's last `closed` event.
    last_close: Option<usize>,
    holders: Holders,
    /// The assignee the creation carries.
    init: Option<String>,
    base: Base,
    /// Workflow statuses in force (source key, status), latest last.
    wf: Vec<(String, String)>,
    status: Option<String>,
    assignee: Option<String>,
    team: Option<String>,
}

impl<'a> ItemState<'a> {
    /// The item before its events `evs` (in time order) are replayed.
    fn new(id: &'a str, f: &'a Facts<'a>, evs: &[Ev]) -> ItemState<'a> {
        let merges: Vec<Ts> = evs
            .iter()
            .filter(|e| e.kind == Kind::Merged)
            .map(|e| e.ts)
            .chain(f.merged_at)
            .collect();
        let last_close = evs.iter().rposition(|e| e.kind == Kind::Closed);
        let (holders, init) = initial_holders(f.obj, evs);
        ItemState {
            id,
            f,
            merges,
            last_close,
            holders,
            init,
            base: Base::Open,
            wf: Vec::new(),
            status: None,
            assignee: None,
            team: None,
        }
    }

    /// The status now, from the base and the workflow statuses in force.
    fn current(&self) -> String {
        effective(&self.base, &self.wf)
    }

    /// What event `i` (`e`) sets by its kind, and whether it is an event even when it sets
    /// nothing (a close's status is set by the caller). Takes `e`'s reason, people and
    /// workflow status.
    fn apply(&mut self, i: usize, e: &mut Ev) -> (Step, bool) {
        let mut step = Step::default();
        match e.kind {
            Kind::Created | Kind::Reopened => {
                self.base = Base::Open;
                step.status = Some(self.current());
                if e.kind == Kind::Created {
                    step.assignee = self.init.take();
                }
            }
            Kind::Merged => self.base = Base::Merged,
            Kind::Closed if self.merges.iter().any(|&t| near(t, e.ts)) => {
                self.base = Base::Merged;
            }
            Kind::Closed => {
                let name = self.close_name(i, e.reason.take());
                self.base = Base::Closed(name);
            }
            Kind::Assigned | Kind::ReviewRequested | Kind::Unassigned | Kind::ReviewRemoved => {
                return (self.handoff(e.kind, e.who.take(), e.team.take()), false);
            }
            Kind::WfSet | Kind::WfClear => {
                step.status = self.workflow(e.kind, e.wf.take());
                return (step, false);
            }
            Kind::Activity => {}
        }
        (step, true)
    }

    /// The status name of close `i` given `reason` by its event: else the reason
    /// (for the last close of a closed issue), else `unmerged` for a known unmerged PR.
    fn close_name(&self, i: usize, mut reason: Option<String>) -> &'static str {
        if reason.is_none() && Some(i) == self.last_close && self.f.state == "closed" {
            reason = self.f.reason.clone();
        }
        if reason.is_none() && self.f.unmerged_pr {
            reason = Some("unmerged".into());
        }
        closed_status(reason.as_deref())
    }

    /// The assignee and team a handoff `kind` of person `who` and team `team` sets.
    fn handoff(&mut self, kind: Kind, who: Option<String>, team: Option<String>) -> Step {
        let mut step = Step::default();
        let adds = matches!(kind, Kind::Assigned | Kind::ReviewRequested);
        if let Some(w) = who {
            if adds {
                self.holders.add(&w);
                step.assignee = Some(w);
            } else {
                let next = self.holders.remove(&w);
                if self.assignee.as_ref() == Some(&w) {
                    step.assignee = Some(next);
                }
            }
        }
        match team {
            Some(t) if adds => step.team = Some(t),
            Some(t) if self.team.as_ref() == Some(&t) => {
                step.team = Some(UNASSIGNED.to_string());
            }
            _ => {}
        }
        step
    }

    /// The status a workflow set or clear (`kind`, of `wf`) sets, when it changes it.
    fn workflow(&mut self, kind: Kind, wf: Option<(String, String)>) -> Option<String> {
        if let Some((key, s)) = wf {
            self.wf.retain(|x| x.0 != key);
            if kind == Kind::WfSet {
                self.wf.push((key, s));
            }
        }
        let now = self.current();
        (self.status.as_ref() != Some(&now)).then_some(now)
    }

    /// The canonical event of `e` setting `step`, with the file it is counted for; `None`
    /// when it sets nothing and is not `always` an event. Keeps what it sets as the values now.
    fn record(&mut self, e: Ev, step: Step, always: bool) -> Option<(Event, usize)> {
        let Step {
            status: st,
            assignee: asg,
            team: tm,
        } = step;
        if !(always || st.is_some() || asg.is_some() || tm.is_some()) {
            return None;
        }
        self.status = st.clone().or(self.status.take());
        if let Some(a) = &asg {
            self.assignee = Some(a.clone()).filter(|a| a != UNASSIGNED);
        }
        if let Some(t) = &tm {
            self.team = Some(t.clone()).filter(|t: &String| t != UNASSIGNED);
        }
        let ev = Event {
            item_id: self.id.to_string(),
            timestamp: e.ts,
            status: st,
            assignee: asg,
            team: tm,
            actor: e.actor,
            source: Some(SOURCE.to_string()),
            created: self.f.created,
        };
        Some((ev, e.at.0))
    }
}

/// The status of an item in `base` with workflow statuses `wf` (latest last).
fn effective(base: &Base, wf: &[(String, String)]) -> String {
    match base {
        Base::Open => wf.last().map_or(OPEN, |x| x.1.as_str()).to_string(),
        Base::Closed(n) => n.to_string(),
        Base::Merged => MERGED.to_string(),
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
