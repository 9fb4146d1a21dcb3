//! The per-item pass: the ordered events ([`SortedEvents`]) → one [`ItemRecord`] per item.
//!
//! polars parses the inputs and `ingest` orders them by (item, timestamp, input order); this
//! pass then walks each item's events once. An item's metrics are a
//! sequential state machine over its events (status in force, team in force, transitions),
//! which polars would need a dozen window passes to express; one pass here is simpler to
//! check against METRICS.md and faster. Items are independent, so they run in parallel with
//! rayon, and results are collected in item order (deterministic).

use super::lifecycle::{self, Outcome};
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

/// Time an item spent in one status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusSpan {
    /// Status name.
    pub status: Name,
    /// Category used.
    pub category: Category,
    /// Rule that chose the category.
    pub rule: Rule,
    /// Team in force when the status first began.
    pub team: Option<Name>,
    /// Total time in microseconds (cut at the item's end).
    pub micros: Ts,
}

/// An `Option<f64>` in 8 bytes: NaN stands for none. The per-item figures are durations and
/// ratios of finite instants, never NaN, so the niche is free (docs/BOUNDED-MEMORY.md: a
/// record's six optional figures took 96 bytes, now 48).
#[derive(Clone, Copy, PartialEq)]
pub struct OptF64(f64);

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
    /// Lead time (days).
    lead_time_days: OptF64,
    /// Cycle time (days).
    cycle_time_days: OptF64,
    /// Case duration (days).
    pub case_duration_days: f64,
    /// Active days.
    active_days: OptF64,
    /// Waiting days.
    waiting_days: OptF64,
    /// Blocked days.
    blocked_days: OptF64,
    /// Flow efficiency.
    flow_efficiency: OptF64,
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
    /// Time per status.
    pub status_time: Box<[StatusSpan]>,
    /// Category in force from each instant on (first at `created`), up to the item's end;
    /// for day-by-day counts.
    pub category_changes: Box<[(Ts, Category)]>,
    /// Status in force from each instant on (first at `created`), up to the item's end.
    pub status_changes: Box<[(Ts, Name)]>,
    /// Team sequence with the instant each team took over.
    pub team_seq: Box<[(Ts, Name)]>,
    /// Assignee sequence.
    pub assignee_seq: Box<[Name]>,
    /// First reopen or backward move.
    first_rework: OptTs,
    /// Distinct event sources (tools) the item passed through.
    pub sources: Box<[Name]>,
    /// Read from an activity log (METRICS.md §11).
    pub activity: bool,
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
        self.lead_time_days.get()
    }

    /// Cycle time (days).
    pub fn cycle_time_days(&self) -> Option<f64> {
        self.cycle_time_days.get()
    }

    /// Active days.
    pub fn active_days(&self) -> Option<f64> {
        self.active_days.get()
    }

    /// Waiting days.
    pub fn waiting_days(&self) -> Option<f64> {
        self.waiting_days.get()
    }

    /// Blocked days.
    pub fn blocked_days(&self) -> Option<f64> {
        self.blocked_days.get()
    }

    /// Flow efficiency.
    pub fn flow_efficiency(&self) -> Option<f64> {
        self.flow_efficiency.get()
    }
    /// Is this item in scope (has an event in the period)?
    pub fn in_scope(&self) -> bool {
        self.in_period
    }

    /// Is `finished` inside `[from, to)` (always, without a period) for a done item?
    pub fn done_in(&self, period: Option<(Ts, Ts)>) -> bool {
        self.outcome == Outcome::Done
            && match (self.finished(), period) {
                (Some(_), None) => true,
                (Some(f), Some((a, b))) => f >= a && f < b,
                _ => false,
            }
    }

    /// Listed in items.csv: in scope, or open at `as_of`.
    pub fn listed(&self) -> bool {
        self.in_period || self.outcome == Outcome::Open
    }

    /// The status in force at `as_of` (or at finish).
    pub fn current_status(&self) -> Option<&str> {
        self.status_changes.last().map(|s| s.1.as_str())
    }

    /// Team name or "" when none.
    pub fn team_name(&self) -> &str {
        self.team.as_deref().unwrap_or("")
    }
}

/// Compute one item's record from its timeline; names are shared through `names`.
pub fn record<'a>(t: &Timeline<'a>, ctx: &TimelineContext, names: &mut Interner<'a>) -> ItemRecord {
    let started = lifecycle::started(t);
    let finished = lifecycle::finished(t);
    let outcome = lifecycle::outcome(t);
    let end = lifecycle::end(t);
    let team = match finished {
        Some(f) => t.team_at(f),
        None => t.team_at(t.as_of),
    };
    let committed = time_in_status::committed_days(t);
    let status_time = time_in_status::status_time(t)
        .into_iter()
        .map(|(i, micros)| StatusSpan {
            status: names.get(i.status),
            category: i.category,
            rule: i.rule,
            team: i.team.map(|x| names.get(x)),
            micros,
        })
        .collect();
    let category_changes = {
        let mut v: Vec<(Ts, Category)> = Vec::new();
        for i in &t.intervals {
            if i.start > end && !v.is_empty() {
                break;
            }
            if v.last().map(|x| x.1) != Some(i.category) {
                v.push((i.start.min(end), i.category));
            }
        }
        // Records live for the whole report: no spare capacity.
        v.into_boxed_slice()
    };
    let status_changes: Box<[(Ts, Name)]> = t
        .intervals
        .iter()
        .filter(|i| i.start <= end || i.start == t.created)
        .map(|i| (i.start.min(end), names.get(i.status)))
        .collect();
    let bm = backward_moves::backward_move_instants(t, &ctx.workflow_order);
    let first_rework = match (reopens::first_reopen(t), bm.first().copied()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    ItemRecord {
        item_id: t.item_id.into(),
        team: team.map(|x| names.get(x)),
        created: t.created,
        started: started.into(),
        finished: finished.into(),
        outcome,
        lead_time_days: lead_time::lead_time_days(t).into(),
        cycle_time_days: cycle_time::cycle_time_days(t).into(),
        case_duration_days: case_duration::case_duration_days(t),
        active_days: committed.map(|c| c.0).into(),
        waiting_days: committed.map(|c| c.1).into(),
        blocked_days: committed.map(|c| c.2).into(),
        flow_efficiency: flow_efficiency::flow_efficiency(t).into(),
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
        status_time,
        category_changes,
        status_changes,
        team_seq: t
            .team_seq
            .iter()
            .map(|(ts, s)| (*ts, names.get(s)))
            .collect(),
        assignee_seq: t.assignee_seq.iter().map(|(_, s)| names.get(s)).collect(),
        first_rework: first_rework.into(),
        sources: t.sources.iter().map(|s| names.get(s)).collect(),
        activity: t.activity,
    }
}

/// Fewest items a parallel task takes (each task starts a fresh [`Interner`]).
const BLOCK_ITEMS: usize = 2048;

/// Run the per-item metrics over the events (all at or before `ctx.as_of`, in audit order).
/// Records come back in item order.
///
/// Nothing is copied per event up front: the items' ranges come from the ordering
/// ([`SortedEvents::items`]), and items read their events straight from the table's arrays,
/// in parallel.
pub fn compute(events: &SortedEvents, ctx: &TimelineContext) -> PolarsResult<Vec<ItemRecord>> {
    let c = events.columns()?;
    let order = events.order();
    let id = |k: usize| c.item_id.get(order[k] as usize);
    let ranges = events.items();
    let cut = events.cut();
    // Indexed: the records are written straight into one vector of the right size. Each
    // worker keeps a scratch event list and an interner across the items it is given.
    Ok(ranges
        .par_iter()
        .enumerate()
        .with_min_len(BLOCK_ITEMS)
        .map_init(
            || (Vec::<EventRef>::new(), Interner::default()),
            |(evs, names), (k, &(s, e))| {
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
                let t = Timeline::build_cut(id(s).unwrap_or(""), evs, ctx, cut);
                record(&t, ctx, names)
            },
        )
        .collect())
}
