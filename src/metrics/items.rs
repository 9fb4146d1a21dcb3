//! The per-item pass: the ordered events ([`SortedEvents`]) → one [`ItemRecord`] per item.
//!
//! polars parses the inputs and `ingest` orders them by (item, timestamp, input order); this
//! pass then walks each item's events once. An item's metrics are a
//! sequential state machine over its events (status in force, team in force, transitions),
//! which polars would need a dozen window passes to express; one pass here is simpler to
//! check against METRICS.md and faster. Items are independent, so they run in parallel with
//! rayon, and results are collected in item order (deterministic).

use super::lifecycle::{self, Outcome};
use super::ping_pong::PairBounces;
use super::status_trace::StatusTrace;
use super::{
    backward_moves, case_duration, cycle_time, flow_efficiency, handoffs, lead_time, reopens,
    time_in_status,
};
use crate::ingest::SortedEvents;
use crate::model::{Category, Ts};
use crate::name::{Interner, Name};
use crate::status::Rule;
use crate::timeline::{EventRef, Timeline, TimelineContext};
use polars::prelude::*;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// The items' time per status, folded while they are computed, so that no record keeps its
/// list of statuses: every fold is a count, an integer sum or a set union, so blocks of items
/// and partitions merge exactly, in any order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct StatusFolds {
    /// Items per (status, team or "", category, rule), each item once per key:
    /// `tables/status_map.csv`.
    pub map: FxHashMap<(Name, Name, Category, Rule), u64>,
    /// (spans, microseconds) per (team or "*" for all, status, category), over the items done
    /// in the period and the open ones: `tables/status_time.csv`.
    pub time: FxHashMap<(Name, Name, Category), (u64, Ts)>,
    /// The statuses each team's items in scope passed through (METRICS.md §8).
    pub workflows: FxHashMap<Name, FxHashSet<Name>>,
    /// Per team ("" for items without one), over its items in scope: the distinct event
    /// sources (tools) they passed through, the sum of each item's count of sources, and the
    /// items (`tables/tool_teams.csv`).
    pub sources: FxHashMap<Name, (FxHashSet<Name>, u64, u64)>,
    /// Over the items in scope: team hand-overs per (from, to) team (`handoff_matrix.csv`)…
    pub team_pairs: FxHashMap<(Name, Name), u64>,
    /// …hand-overs per (from, to) person (`handover_pairs.csv`)…
    pub person_pairs: FxHashMap<(Name, Name), u64>,
    /// …bounces per unordered team pair (`ping_pong_pairs.csv`)…
    pub bounces: std::collections::BTreeMap<(String, String), PairBounces>,
    /// …and the people who held each team's items (the trend's workflow changes).
    pub people: FxHashMap<Name, FxHashSet<Name>>,
    /// The status changes of every item, per team (items with a team): the per-status
    /// cumulative flow replays its top team's.
    pub traces: FxHashMap<Name, StatusTrace>,
    /// The statuses each team's items in scope were in during the period (all their statuses
    /// without one): the trend's workflow changes (METRICS.md §14).
    pub period_statuses: FxHashMap<Name, FxHashSet<Name>>,
    /// The placeholder team values (`?`, `unknown`…) the items in scope were set to, read
    /// as no team: the `placeholder_team` warning names them.
    pub placeholder_teams: std::collections::BTreeSet<String>,
}

impl StatusFolds {
    /// Add the folds of other items.
    pub fn merge(&mut self, o: StatusFolds) {
        for (k, n) in o.map {
            *self.map.entry(k).or_insert(0) += n;
        }
        for (k, (n, t)) in o.time {
            let e = self.time.entry(k).or_insert((0, 0));
            e.0 += n;
            e.1 += t;
        }
        for (k, v) in o.workflows {
            self.workflows.entry(k).or_default().extend(v);
        }
        for (k, (set, n, items)) in o.sources {
            let e = self.sources.entry(k).or_default();
            e.0.extend(set);
            e.1 += n;
            e.2 += items;
        }
        for (k, n) in o.team_pairs {
            *self.team_pairs.entry(k).or_insert(0) += n;
        }
        for (k, n) in o.person_pairs {
            *self.person_pairs.entry(k).or_insert(0) += n;
        }
        for (k, b) in o.bounces {
            self.bounces.entry(k).or_default().add(&b);
        }
        for (k, v) in o.people {
            self.people.entry(k).or_default().extend(v);
        }
        for (k, v) in o.traces {
            self.traces.entry(k).or_default().merge(v);
        }
        for (k, v) in o.period_statuses {
            self.period_statuses.entry(k).or_default().extend(v);
        }
        self.placeholder_teams.extend(o.placeholder_teams);
    }

    /// Fold one item's status changes ((instant, status) in force from it on, in time order):
    /// into its team's trace, and, for an item in scope, the statuses it was in during the
    /// period (`[from, to)`; every one without a period).
    fn add_changes<'a>(
        &mut self,
        r: &ItemRecord,
        changes: &[(Ts, &'a str)],
        period: Option<(Ts, Ts)>,
        names: &mut Interner<'a>,
    ) {
        let Some(team) = &r.team else {
            return;
        };
        self.traces
            .entry(team.clone())
            .or_default()
            .push(changes, names);
        if r.in_scope() {
            let (from, to) = period.unwrap_or((Ts::MIN, Ts::MAX));
            let set = self.period_statuses.entry(team.clone()).or_default();
            for (k, &(t, status)) in changes.iter().enumerate() {
                let end = changes.get(k + 1).map_or(Ts::MAX, |n| n.0);
                if t < to && end > from {
                    insert_name(set, status, names);
                }
            }
        }
    }

    /// Fold an item in scope's team and assignee sequences: its hand-overs, bounces and people.
    fn add_routes<'a>(&mut self, r: &ItemRecord, t: &Timeline<'a>, names: &mut Interner<'a>) {
        for w in t.team_seq.windows(2) {
            *self
                .team_pairs
                .entry((names.get(w[0].1), names.get(w[1].1)))
                .or_insert(0) += 1;
        }
        for w in t.assignee_seq.windows(2) {
            *self
                .person_pairs
                .entry((names.get(w[0].1), names.get(w[1].1)))
                .or_insert(0) += 1;
        }
        for (k, b) in r.bounces.iter() {
            self.bounces.entry(k.clone()).or_default().add(b);
        }
        if let Some(team) = &r.team {
            let set = self.people.entry(team.clone()).or_default();
            for (_, p) in &t.assignee_seq {
                insert_name(set, p, names);
            }
        }
    }

    /// Fold one item's time per status (`spans`: status, category, rule, team, microseconds,
    /// in first-seen order) and its event sources into the sums.
    fn add<'a>(
        &mut self,
        r: &ItemRecord,
        spans: &[(&'a str, Category, Rule, Option<&'a str>, Ts)],
        sources: &[&'a str],
        period: Option<(Ts, Ts)>,
        names: &mut Interner<'a>,
    ) {
        if r.in_scope() {
            let team = r.team.clone().unwrap_or_else(|| names.get(""));
            let e = self.sources.entry(team).or_default();
            for s in sources {
                insert_name(&mut e.0, s, names);
            }
            e.1 += sources.len() as u64;
            e.2 += 1;
        }
        let mut seen: Vec<(&str, &str, Category, Rule)> = Vec::with_capacity(spans.len());
        for &(status, category, rule, team, _) in spans {
            let k = (status, team.unwrap_or(""), category, rule);
            if !seen.contains(&k) {
                seen.push(k);
                let key = (names.get(status), names.get(k.1), category, rule);
                *self.map.entry(key).or_insert(0) += 1;
            }
        }
        if r.done_in(period) || r.outcome == Outcome::Open {
            // Every item counts for all teams ("*") and for its own team, if any.
            let teams = [
                Some(names.get("*")),
                r.team.clone().filter(|t| !t.is_empty()),
            ];
            for &(status, category, _, _, micros) in spans {
                for team in teams.iter().flatten() {
                    let key = (team.clone(), names.get(status), category);
                    let e = self.time.entry(key).or_insert((0, 0));
                    e.0 += 1;
                    e.1 += micros;
                }
            }
        }
        if let (true, Some(t)) = (r.in_scope(), &r.team) {
            let set = self.workflows.entry(t.clone()).or_default();
            for &(status, ..) in spans {
                insert_name(set, status, names);
            }
        }
    }
}

/// Add `s` to a set of names, interning it only when it is new (most items repeat the names
/// already in the set).
fn insert_name<'a>(set: &mut FxHashSet<Name>, s: &'a str, names: &mut Interner<'a>) {
    if !set.contains(s) {
        set.insert(names.get(s));
    }
}

/// A category change in 8 bytes: the instant times 8 plus the category's index (instants are
/// microseconds within ±36,000 years of 1970, far inside the 60 bits left).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CategoryChange(i64);

impl CategoryChange {
    /// `category` in force from `at` on.
    pub fn new(at: Ts, category: Category) -> CategoryChange {
        CategoryChange((at << 3) | category.index() as i64)
    }

    /// The instant.
    pub fn at(self) -> Ts {
        self.0 >> 3
    }

    /// The category.
    pub fn category(self) -> Category {
        Category::ALL[(self.0 & 7) as usize]
    }
}

impl std::fmt::Debug for CategoryChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.at(), self.category()).fmt(f)
    }
}

/// An `Option<f64>` in 8 bytes: NaN stands for none. The per-item figures are durations and
/// ratios of finite instants, never NaN, so the niche is free (docs/BOUNDED-MEMORY.md: a
/// record's six optional figures took 96 bytes, now 48).
#[derive(Clone, Copy)]
pub struct OptF64(f64);

/// Equal when both are none or both hold the same value (NaN, "none", equals itself here).
impl PartialEq for OptF64 {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl OptF64 {
    /// The value, if any.
    #[inline]
    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }
}

impl From<Option<f64>> for OptF64 {
    fn from(v: Option<f64>) -> Self {
        debug_assert!(
            v.is_none_or(|x| !x.is_nan()),
            "a per-item figure is never NaN"
        );
        OptF64(v.unwrap_or(f64::NAN))
    }
}

impl std::fmt::Debug for OptF64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// An `Option<Ts>` in 8 bytes: `i64::MIN` (about 292,000 years before 1970) stands for none.
#[derive(Clone, Copy, PartialEq)]
pub struct OptTs(Ts);

impl OptTs {
    /// The instant, if any.
    #[inline]
    pub fn get(self) -> Option<Ts> {
        (self.0 != Ts::MIN).then_some(self.0)
    }
}

impl From<Option<Ts>> for OptTs {
    fn from(v: Option<Ts>) -> Self {
        debug_assert!(v != Some(Ts::MIN), "no instant is i64::MIN");
        OptTs(v.unwrap_or(Ts::MIN))
    }
}

impl std::fmt::Debug for OptTs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// Everything the report needs about one item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRecord {
    /// Item id.
    pub item_id: Box<str>,
    /// Team at `finished`, or at `as_of` when not terminal.
    pub team: Option<Name>,
    /// Created.
    pub created: Ts,
    /// Started.
    started: OptTs,
    /// Finished.
    finished: OptTs,
    /// Outcome.
    pub outcome: Outcome,
    /// Active days inside `[started, end]` (`time_in_status::committed_days`); none when
    /// that is none, and then neither are the waiting and blocked days, which the record
    /// derives from [`Self::waiting`] and [`Self::blocked_micros`] (the same interval times).
    active_days: OptF64,
    /// Events up to `as_of`.
    pub events: u32,
    /// Assignee handoffs.
    pub handoffs: u32,
    /// Team handoffs.
    pub team_handoffs: u32,
    /// Ping-pongs.
    pub ping_pongs: u32,
    /// Reopens.
    pub reopens: u32,
    /// Backward moves.
    pub backward_moves: u32,
    /// Has an event in the period (in scope).
    pub in_period: bool,
    /// Ever entered a terminal category.
    pub ever_terminal: bool,
    /// First event.
    pub first_event: Ts,
    /// Last event.
    pub last_event: Ts,
    /// Done but never started.
    pub done_without_start: bool,
    /// Explicit creation time was after the first event.
    pub created_after_first_event: bool,
    /// Has at least one status.
    pub has_status: bool,
    /// The time in each waiting status (positive only), in first-seen order: what the queue
    /// findings read. The rest of the time per status is folded into [`StatusFolds`] while
    /// the items are computed (docs/BOUNDED-MEMORY.md).
    pub waiting: Box<[(Name, Ts)]>,
    /// Time in blocked statuses (microseconds).
    pub blocked_micros: Ts,
    /// Category in force from each instant on (first at `created`), up to the item's end;
    /// for day-by-day counts.
    pub category_changes: Box<[CategoryChange]>,
    /// The status in force at `as_of` (or at finish). The item's status changes are folded
    /// into [`StatusFolds`] (`traces`, `period_statuses`) while the items are computed.
    current_status: Option<Name>,
    /// The item's bounces per unordered team pair (METRICS.md §4), empty without any: what
    /// the ping-pong findings read. Its team and assignee sequences are folded into
    /// [`StatusFolds`] while the items are computed.
    pub bounces: Box<[((String, String), PairBounces)]>,
    /// First reopen or backward move.
    first_rework: OptTs,
    /// Read from an activity log (METRICS.md §11).
    pub activity: bool,
    /// An event set its team to a placeholder (`?`, `unknown`…), read as no team
    /// (`placeholder_team` warning).
    pub placeholder_team: bool,
}

impl ItemRecord {
    /// Started.
    pub fn started(&self) -> Option<Ts> {
        self.started.get()
    }

    /// Finished.
    pub fn finished(&self) -> Option<Ts> {
        self.finished.get()
    }

    /// First reopen or backward move.
    pub fn first_rework(&self) -> Option<Ts> {
        self.first_rework.get()
    }

    /// Lead time (days).
    pub fn lead_time_days(&self) -> Option<f64> {
        lead_time::lead_time_of(self.outcome, self.created, self.finished())
    }

    /// Cycle time (days).
    pub fn cycle_time_days(&self) -> Option<f64> {
        cycle_time::cycle_time_of(self.outcome, self.started(), self.finished())
    }

    /// Active days.
    pub fn active_days(&self) -> Option<f64> {
        self.active_days.get()
    }

    /// Waiting days.
    pub fn waiting_days(&self) -> Option<f64> {
        let micros: Ts = self.waiting.iter().map(|w| w.1).sum();
        self.active_days().map(|_| crate::model::days(micros))
    }

    /// Blocked days.
    pub fn blocked_days(&self) -> Option<f64> {
        self.active_days()
            .map(|_| crate::model::days(self.blocked_micros))
    }

    /// Flow efficiency.
    pub fn flow_efficiency(&self) -> Option<f64> {
        flow_efficiency::flow_efficiency_of(self.cycle_time_days(), || self.active_days())
    }

    /// Case duration (days).
    pub fn case_duration_days(&self) -> f64 {
        case_duration::case_duration_of(self.first_event, self.last_event)
    }

    /// Is this item in scope (has an event in the period)?
    pub fn in_scope(&self) -> bool {
        self.in_period
    }

    /// Is `finished` inside `[from, to)` (always, without a period) for a done item?
    pub fn done_in(&self, period: Option<(Ts, Ts)>) -> bool {
        self.outcome == Outcome::Done && self.ended_in(period)
    }

    /// Finished, with its end in the period (any end without one).
    fn ended_in(&self, period: Option<(Ts, Ts)>) -> bool {
        match (self.finished(), period) {
            (Some(_), None) => true,
            (Some(f), Some((a, b))) => f >= a && f < b,
            _ => false,
        }
    }

    /// Canceled, with its end in the period (any end without one).
    pub fn canceled_in(&self, period: Option<(Ts, Ts)>) -> bool {
        self.outcome == Outcome::Canceled && self.ended_in(period)
    }

    /// Listed in items.csv: in scope, or open at `as_of`.
    pub fn listed(&self) -> bool {
        self.in_period || self.outcome == Outcome::Open
    }

    /// The status in force at `as_of` (or at finish).
    pub fn current_status(&self) -> Option<&str> {
        self.current_status.as_deref()
    }

    /// Team name or "" when none.
    pub fn team_name(&self) -> &str {
        self.team.as_deref().unwrap_or("")
    }
}

/// Compute one item's record from its timeline; names are shared through `names`. Its time
/// per status is folded away ([`record_folded`] keeps the folds).
pub fn record<'a>(t: &Timeline<'a>, ctx: &TimelineContext, names: &mut Interner<'a>) -> ItemRecord {
    record_folded(t, ctx, names, &mut StatusFolds::default())
}

/// [`record`], folding the item's time per status into `folds`.
pub fn record_folded<'a>(
    t: &Timeline<'a>,
    ctx: &TimelineContext,
    names: &mut Interner<'a>,
    folds: &mut StatusFolds,
) -> ItemRecord {
    let started = lifecycle::started(t);
    let finished = lifecycle::finished(t);
    let outcome = lifecycle::outcome(t);
    let end = lifecycle::end(t);
    let team = match finished {
        Some(f) => t.team_at(f),
        None => t.team_at(t.as_of),
    };
    let committed = time_in_status::committed_days(t);
    let spans: Vec<(&'a str, Category, Rule, Option<&'a str>, Ts)> = time_in_status::status_time(t)
        .into_iter()
        .map(|(i, micros)| (i.status, i.category, i.rule, i.team, micros))
        .collect();
    let waiting: Box<[(Name, Ts)]> = spans
        .iter()
        .filter(|s| s.1 == Category::Waiting && s.4 > 0)
        .map(|s| (names.get(s.0), s.4))
        .collect();
    let blocked_micros: Ts = spans
        .iter()
        .filter(|s| s.1 == Category::Blocked)
        .map(|s| s.4)
        .sum();
    let category_changes = {
        let mut v: Vec<CategoryChange> = Vec::new();
        for i in &t.intervals {
            if i.start > end && !v.is_empty() {
                break;
            }
            if v.last().map(|x| x.category()) != Some(i.category) {
                v.push(CategoryChange::new(i.start.min(end), i.category));
            }
        }
        // Records live for the whole report: no spare capacity.
        v.into_boxed_slice()
    };
    // Status in force from each instant on (first at `created`), up to the item's end.
    let status_changes: Vec<(Ts, &'a str)> = t
        .intervals
        .iter()
        .filter(|i| i.start <= end || i.start == t.created)
        .map(|i| (i.start.min(end), i.status))
        .collect();
    let bm = backward_moves::backward_move_instants(t, &ctx.workflow_order);
    let first_rework = match (reopens::first_reopen(t), bm.first().copied()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let r = ItemRecord {
        item_id: t.item_id.into(),
        team: team.map(|x| names.get(x)),
        created: t.created,
        started: started.into(),
        finished: finished.into(),
        outcome,
        active_days: committed.map(|c| c.0).into(),
        events: t.events,
        handoffs: handoffs::handoffs(t),
        team_handoffs: handoffs::team_handoffs(t),
        ping_pongs: handoffs::ping_pongs(t),
        reopens: reopens::reopens(t),
        backward_moves: bm.len() as u32,
        in_period: t.in_period,
        ever_terminal: reopens::ever_terminal(t),
        first_event: t.first_event,
        last_event: t.last_event,
        done_without_start: cycle_time::done_without_start(t),
        created_after_first_event: t.created_after_first_event,
        has_status: !t.intervals.is_empty(),
        waiting,
        blocked_micros,
        category_changes,
        current_status: status_changes.last().map(|s| names.get(s.1)),
        bounces: {
            let mut per = std::collections::BTreeMap::new();
            super::ping_pong::add_item(&mut per, &t.team_seq);
            per.into_iter().collect()
        },
        first_rework: first_rework.into(),
        activity: t.activity,
        placeholder_team: t.placeholder_team.is_some(),
    };
    if let (true, Some(p)) = (r.in_scope(), t.placeholder_team) {
        if !folds.placeholder_teams.contains(p) {
            folds.placeholder_teams.insert(p.to_string());
        }
    }
    folds.add(&r, &spans, &t.sources, ctx.period, names);
    folds.add_changes(&r, &status_changes, ctx.period, names);
    if r.in_scope() {
        folds.add_routes(&r, t, names);
    }
    r
}

/// Fewest items a parallel task takes (each task starts a fresh [`Interner`] and merges its
/// folds at its end), unless the items are too few to give every thread a task of this size:
/// then each thread takes an equal share ([`task_items`]).
const BLOCK_ITEMS: usize = 2048;

/// The fewest items a parallel task takes, for `items` items on `threads` threads: at least
/// [`BLOCK_ITEMS`], but no more than an equal share of the items per thread, so that a small
/// log (Sepsis: 1,050 items of ~15 events; BPIC 2013's problem logs) is not computed on one
/// core while the other waits.
fn task_items(items: usize, threads: usize) -> usize {
    BLOCK_ITEMS.min(items.div_ceil(threads.max(1))).max(1)
}

/// Run the per-item metrics over the events (all at or before `ctx.as_of`, in audit order).
/// Records come back in item order.
///
/// Nothing is copied per event up front: the items' ranges come from the ordering
/// ([`SortedEvents::items`]), and items read their events straight from the table's arrays,
/// in parallel.
pub fn compute(events: &SortedEvents, ctx: &TimelineContext) -> PolarsResult<Vec<ItemRecord>> {
    Ok(compute_folded(events, ctx)?.0)
}

/// The folds of one rayon task, merged into the shared ones when the task ends (rayon gives
/// `map_init` state no other end).
struct TaskFolds<'s> {
    local: StatusFolds,
    shared: &'s std::sync::Mutex<StatusFolds>,
}

impl Drop for TaskFolds<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        if let Ok(mut all) = self.shared.lock() {
            all.merge(local);
        }
    }
}

/// [`compute`], and the items' time per status folded ([`StatusFolds`]).
pub fn compute_folded(
    events: &SortedEvents,
    ctx: &TimelineContext,
) -> PolarsResult<(Vec<ItemRecord>, StatusFolds)> {
    let shared = std::sync::Mutex::new(StatusFolds::default());
    let records = compute_into(events, ctx, &shared)?;
    let folds = shared.into_inner().unwrap_or_default();
    Ok((records, folds))
}

fn compute_into(
    events: &SortedEvents,
    ctx: &TimelineContext,
    shared: &std::sync::Mutex<StatusFolds>,
) -> PolarsResult<Vec<ItemRecord>> {
    let c = events.columns()?;
    let order = events.order();
    let ranges = events.items();
    let cut = events.cut();
    // Indexed: the records are written straight into one vector of the right size. Each
    // worker keeps a scratch event list and an interner across the items it is given.
    Ok(ranges
        .par_iter()
        .enumerate()
        .with_min_len(task_items(ranges.len(), rayon::current_num_threads()))
        .map_init(
            || {
                let folds = TaskFolds {
                    local: StatusFolds::default(),
                    shared,
                };
                (Vec::<EventRef>::new(), Interner::default(), folds)
            },
            |(evs, names, folds), (k, &(s, e))| {
                evs.clear();
                evs.extend(order[s..e].iter().map(|&i| {
                    let i = i as usize;
                    EventRef {
                        ts: c.timestamp.get(i).unwrap_or(0),
                        status: c.status.get(i),
                        assignee: c.assignee.get(i),
                        team: c.team.get(i),
                        source: c.source.get(i),
                        created: c.created.get(i),
                        flags: c.flags.get(i).copied().unwrap_or(0),
                    }
                }));
                let cut = cut.get(k).copied().unwrap_or(false);
                let t = Timeline::build_cut(events.item_id(k).unwrap_or(""), evs, ctx, cut);
                record_folded(&t, ctx, names, &mut folds.local)
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_logs_give_every_thread_a_share_of_the_items() {
        // Sepsis's 1,050 items on two threads: two tasks of 525, not one of 1,050.
        assert_eq!(task_items(1050, 2), 525);
        assert_eq!(task_items(1051, 2), 526);
        // Past two blocks' worth, tasks keep their minimum size.
        assert_eq!(task_items(4096, 2), 2048);
        assert_eq!(task_items(100_000, 2), 2048);
        assert_eq!(task_items(3, 4), 1);
        assert_eq!(task_items(0, 2), 1);
        assert_eq!(task_items(10, 0), 10);
    }

    #[test]
    fn a_category_change_packs_its_instant_and_category() {
        for at in [
            0,
            1,
            -1,
            1_700_000_000_000_000,
            -2_208_988_800_000_000,
            1 << 59,
        ] {
            for c in Category::ALL {
                let x = CategoryChange::new(at, c);
                assert_eq!((x.at(), x.category()), (at, c));
            }
        }
        assert_eq!(std::mem::size_of::<CategoryChange>(), 8);
    }

    #[test]
    fn compact_optionals_hold_what_an_option_holds() {
        for v in [
            None,
            Some(0.0),
            Some(-1.5),
            Some(1e300),
            Some(f64::INFINITY),
        ] {
            assert_eq!(OptF64::from(v).get(), v);
            assert_eq!(OptF64::from(v), OptF64::from(v), "{v:?} equals itself");
        }
        assert_ne!(OptF64::from(None), OptF64::from(Some(0.0)));
        for v in [None, Some(0), Some(-1), Some(Ts::MAX), Some(Ts::MIN + 1)] {
            assert_eq!(OptTs::from(v).get(), v);
        }
        assert_eq!(std::mem::size_of::<OptF64>(), 8);
        assert_eq!(std::mem::size_of::<OptTs>(), 8);
    }

    #[test]
    fn status_folds_merge_as_one_fold_of_all_items() {
        let n = |s: &str| Name::from(s);
        let mut a = StatusFolds::default();
        a.map
            .insert((n("Doing"), n("A"), Category::Active, Rule::Pattern), 2);
        a.time
            .insert((n("*"), n("Doing"), Category::Active), (2, 10));
        a.workflows.entry(n("A")).or_default().insert(n("Doing"));
        let mut b = StatusFolds::default();
        b.map
            .insert((n("Doing"), n("A"), Category::Active, Rule::Pattern), 3);
        b.time
            .insert((n("*"), n("Doing"), Category::Active), (1, 5));
        b.workflows.entry(n("A")).or_default().insert(n("Review"));
        a.merge(b);
        assert_eq!(
            a.map[&(n("Doing"), n("A"), Category::Active, Rule::Pattern)],
            5
        );
        assert_eq!(a.time[&(n("*"), n("Doing"), Category::Active)], (3, 15));
        assert_eq!(a.workflows[&n("A")].len(), 2);
    }

    #[test]
    fn a_record_derives_the_figures_its_timeline_gives() {
        use crate::timeline::testing::*;
        use crate::timeline::Timeline;
        // Done after a start, with a queue and a fall back to the backlog; done without a
        // start; done at once (cycle 0: no flow efficiency); in progress, blocked and queued
        // twice; never started.
        let logs: [&[EventRef]; 5] = [
            &[
                st(0.0, "To Do"),
                st(1.0, "In Progress"),
                st(2.5, "Ready for Review"),
                st(4.0, "To Do"),
                st(5.0, "In Review"),
                st(6.25, "Done"),
            ],
            &[st(0.5, "To Do"), st(3.0, "Done")],
            &[st(1.0, "In Progress"), st(1.0, "Done")],
            &[
                st(0.0, "To Do"),
                st(2.0, "In Progress"),
                st(3.0, "Blocked"),
                st(3.5, "Ready for Review"),
                st(4.0, "In Progress"),
                st(4.5, "Ready for Review"),
            ],
            &[st(2.0, "To Do")],
        ];
        let c = ctx(30.0);
        let mut names = Interner::default();
        let mut seen_efficiency = false;
        for evs in logs {
            let t = Timeline::build("X", evs, &c);
            let r = record(&t, &c, &mut names);
            assert_eq!(r.lead_time_days(), lead_time::lead_time_days(&t));
            assert_eq!(r.cycle_time_days(), cycle_time::cycle_time_days(&t));
            assert_eq!(r.flow_efficiency(), flow_efficiency::flow_efficiency(&t));
            assert_eq!(
                r.case_duration_days(),
                case_duration::case_duration_days(&t)
            );
            let committed = time_in_status::committed_days(&t);
            assert_eq!(r.active_days(), committed.map(|c| c.0));
            assert_eq!(r.waiting_days(), committed.map(|c| c.1));
            assert_eq!(r.blocked_days(), committed.map(|c| c.2));
            seen_efficiency |= r.flow_efficiency().is_some();
        }
        let t = Timeline::build("X", logs[0], &c);
        let r = record(&t, &c, &mut names);
        assert_eq!(r.lead_time_days(), Some(6.25));
        assert_eq!(r.cycle_time_days(), Some(5.25));
        assert_eq!(r.case_duration_days(), 6.25);
        // Active: In Progress (1.5 days) and In Review (1.25 days) of 5.25.
        assert_eq!(r.flow_efficiency(), Some(2.75 / 5.25));
        // Waiting: Ready for Review (1.5 days); backlog after the start is neither.
        assert_eq!(r.waiting_days(), Some(1.5));
        let t = Timeline::build("X", logs[3], &c);
        let r = record(&t, &c, &mut names);
        // Blocked half a day; waiting half a day, then from day 4.5 to as_of (day 30).
        assert_eq!(r.blocked_days(), Some(0.5));
        assert_eq!(r.waiting_days(), Some(26.0));
        assert!(seen_efficiency);
    }
}
