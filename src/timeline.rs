//! Per-item timelines (METRICS.md §1): from one item's time-ordered events to its status
//! intervals (with categories), its assignee and team sequences, and its created/first/last
//! instants. Every item metric in `metrics/` is a pure function of a [`Timeline`].
//!
//! Invariants: events arrive sorted by timestamp with ties in input order, all at or before
//! `as_of`; an event's absent field leaves that state unchanged; `unassigned` ends the
//! current assignee or team; a status repeated adds no interval; the first status is in
//! force from `created`.

use crate::ingest::flags;
use crate::model::{is_placeholder_team, is_unassigned, Category, Ts};
use crate::status::{Categorizer, Rule};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

/// One event of an item, borrowed from the event frame.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventRef<'a> {
    /// Instant.
    pub ts: Ts,
    /// Status set, if any.
    pub status: Option<&'a str>,
    /// Assignee set, if any.
    pub assignee: Option<&'a str>,
    /// Team set, if any.
    pub team: Option<&'a str>,
    /// Source system.
    pub source: Option<&'a str>,
    /// Explicit creation instant.
    pub created: Option<Ts>,
    /// Activity-log flags of the event (`ingest::flags`): 0 in status logs.
    pub flags: u8,
}

/// A status interval `[start, next start)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval<'a> {
    /// When the status began (`created` for the first).
    pub start: Ts,
    /// The status.
    pub status: &'a str,
    /// Its category for the team in force when it began.
    pub category: Category,
    /// The rule that chose the category.
    pub rule: Rule,
    /// Team in force when it began.
    pub team: Option<&'a str>,
}

/// Everything the timeline builder needs besides the events.
#[derive(Debug, Clone, Default)]
pub struct TimelineContext {
    /// Status categories.
    pub categorizer: Categorizer,
    /// Person → team (roster file and `[people]`).
    pub roster: FxHashMap<String, String>,
    /// People never part of an assignee sequence (and never used to derive a team).
    pub exclude_people: BTreeSet<String>,
    /// Current status by item id, for items with no status event.
    pub current_status: BTreeMap<String, String>,
    /// Ordered workflow per team (for backward moves).
    pub workflow_order: BTreeMap<String, Vec<String>>,
    /// The audit instant.
    pub as_of: Ts,
    /// The period `[from, to)`, if any.
    pub period: Option<(Ts, Ts)>,
    /// `[log] end_activities`: in an activity log, a case whose last activity is another one
    /// is open (empty: every case is complete).
    pub end_activities: Vec<String>,
}

/// One item's timeline up to `as_of`.
#[derive(Debug, Clone)]
pub struct Timeline<'a> {
    /// Item id.
    pub item_id: &'a str,
    /// Created (explicit, unless later than the first event).
    pub created: Ts,
    /// True when the explicit creation time was later than the first event.
    pub created_after_first_event: bool,
    /// First event instant.
    pub first_event: Ts,
    /// Last event instant.
    pub last_event: Ts,
    /// Number of events.
    pub events: u32,
    /// Status intervals, in time order (empty when the item never has a status).
    pub intervals: Vec<Interval<'a>>,
    /// Assignee sequence (nulls, `unassigned` and excluded people dropped, repeats
    /// collapsed), with the instant each holder took over.
    pub assignee_seq: Vec<(Ts, &'a str)>,
    /// Team sequence, likewise.
    pub team_seq: Vec<(Ts, &'a str)>,
    /// Distinct event sources of the item, sorted (tools the item passed through).
    pub sources: Vec<&'a str>,
    /// Team in force after each event: (instant, team), for "team at instant" queries.
    team_states: Vec<(Ts, Option<&'a str>)>,
    /// The audit instant.
    pub as_of: Ts,
    /// Has at least one event in the period (always true without a period).
    pub in_period: bool,
    /// Read from an activity log (METRICS.md §11): started = created = the first event.
    pub activity: bool,
    /// An activity log that records activity starts, so active time is measured.
    pub measures_active: bool,
    /// Activity logs: executions of an activity already executed in the case.
    pub rework: u32,
    /// Activity logs: the first such repeated execution.
    pub first_rework: Option<Ts>,
    /// The first placeholder value an event set the team to (`?`, `unknown`…), read as no
    /// team ([`crate::model::PLACEHOLDER_TEAMS`]).
    pub placeholder_team: Option<&'a str>,
}

impl<'a> Timeline<'a> {
    /// Build an item's timeline from its sorted events. `events` must be non-empty.
    pub fn build(
        item_id: &'a str,
        events: &[EventRef<'a>],
        ctx: &'a TimelineContext,
    ) -> Timeline<'a> {
        Timeline::build_cut(item_id, events, ctx, false)
    }

    /// [`Timeline::build`] for an item some of whose events come after `as_of` (`cut`): an
    /// activity-log case cut by `as_of` is still running there, so it stays open.
    pub fn build_cut(
        item_id: &'a str,
        events: &[EventRef<'a>],
        ctx: &'a TimelineContext,
        cut: bool,
    ) -> Timeline<'a> {
        debug_assert!(!events.is_empty());
        let first_event = events.first().map_or(0, |e| e.ts);
        let last_event = events.last().map_or(0, |e| e.ts);
        let activity = events[0].flags & flags::ACTIVITY != 0;
        let explicit = events.iter().find_map(|e| e.created);
        let (created, created_after_first_event) = match explicit {
            // An activity log's case is created by its first event (METRICS.md §11).
            _ if activity => (first_event, false),
            Some(c) if c > first_event => (first_event, true),
            Some(c) => (c, false),
            None => (first_event, false),
        };
        let mut status: Option<&'a str> = None;
        let mut assignee: Option<&'a str> = None;
        let mut team: Option<&'a str> = None;
        let mut intervals: Vec<Interval<'a>> = Vec::new();
        let mut assignee_seq: Vec<(Ts, &'a str)> = Vec::new();
        let mut team_seq: Vec<(Ts, &'a str)> = Vec::new();
        let mut team_states = Vec::with_capacity(events.len());
        let in_period = match ctx.period {
            None => true,
            Some((f, t)) => events.iter().any(|e| e.ts >= f && e.ts < t),
        };
        let mut acts = Activities::default();
        let mut placeholder_team = None;
        for e in events {
            let mut team_set = false;
            if let Some(a) = e.assignee {
                if is_unassigned(a) {
                    assignee = None;
                } else if ctx.exclude_people.contains(a) {
                    // Closers and bots are not holders: the item stays with its holder.
                } else {
                    assignee = Some(a);
                    if assignee_seq.last().map(|x| x.1) != Some(a) {
                        assignee_seq.push((e.ts, a));
                    }
                    if e.team.is_none() {
                        if let Some(t) = ctx.roster.get(a) {
                            team = Some(t.as_str());
                            team_set = true;
                        }
                    }
                }
            }
            if let Some(t) = e.team {
                team = if is_unassigned(t) {
                    None
                } else if is_placeholder_team(t) {
                    placeholder_team = placeholder_team.or(Some(t));
                    None
                } else {
                    Some(t)
                };
                team_set = true;
            }
            if team_set {
                if let Some(t) = team {
                    if team_seq.last().map(|x| x.1) != Some(t) {
                        team_seq.push((e.ts, t));
                    }
                }
            }
            team_states.push((e.ts, team));
            if activity {
                if let Some(s) = e.status {
                    acts.event(e, s, team, &mut intervals);
                }
            } else if let Some(s) = e.status {
                if status != Some(s) {
                    let start = if intervals.is_empty() { created } else { e.ts };
                    let (category, rule) = ctx.categorizer.categorize(s, team, e.source);
                    intervals.push(Interval {
                        start,
                        status: s,
                        category,
                        rule,
                        team,
                    });
                    status = Some(s);
                }
            }
        }
        let _ = assignee;
        if activity && !cut {
            acts.finish(last_event, team, ctx, &mut intervals);
        } else if intervals.is_empty() {
            if let Some(s) = ctx.current_status.get(item_id) {
                let source = events.iter().find_map(|e| e.source);
                let t0 = team_states.first().and_then(|x| x.1);
                let (category, rule) = ctx.categorizer.categorize(s, t0, source);
                intervals.push(Interval {
                    start: created,
                    status: s.as_str(),
                    category,
                    rule,
                    team: t0,
                });
            }
        }
        let mut sources: Vec<&'a str> = events.iter().filter_map(|e| e.source).collect();
        sources.sort_unstable();
        sources.dedup();
        Timeline {
            item_id,
            sources,
            created,
            created_after_first_event,
            first_event,
            last_event,
            events: events.len() as u32,
            intervals,
            assignee_seq,
            team_seq,
            team_states,
            as_of: ctx.as_of,
            in_period,
            activity,
            measures_active: activity && events[0].flags & flags::MEASURES_ACTIVE != 0,
            rework: acts.rework,
            first_rework: acts.first_rework,
            placeholder_team,
        }
    }

    /// The team in force at instant `t` (after every event at or before `t`).
    pub fn team_at(&self, t: Ts) -> Option<&'a str> {
        let idx = self.team_states.partition_point(|(ts, _)| *ts <= t);
        if idx == 0 {
            // Before the first event: the first event's team (the item's first state).
            self.team_states.first().and_then(|x| x.1)
        } else {
            self.team_states[idx - 1].1
        }
    }

    /// Category of the last status as of `as_of` (None when the item has no status).
    pub fn last_category(&self) -> Option<Category> {
        self.intervals.last().map(|i| i.category)
    }
}

/// An activity log's timeline as it is read (METRICS.md §11): every event is one
/// execution of its activity — or, with XES lifecycle values, `start`/`resume` begins one,
/// `complete` (or no lifecycle) completes one, `suspend`/`withdraw`/`ate_abort`/`pi_abort`
/// end one without completing it, and `schedule`/`assign`/`reassign`/`*skip` do neither.
///
/// While some started activity has not ended, the case is `active` in the activity started
/// last; otherwise it is `waiting` after the activity completed last (the status for time in
/// status: the time on the directly-follows edge after it). The case finishes at its last
/// event: that interval becomes `done` (`canceled` when the last activity matches pattern
/// row 1), unless `[log] end_activities` is set and the last activity is not one of them
/// (the case stays open). A completion of an activity already completed in the case is
/// rework.
#[derive(Default)]
struct Activities<'a> {
    /// Started activities not yet completed, oldest first.
    open: Vec<&'a str>,
    /// Activities executed (completed) so far.
    done: Vec<&'a str>,
    /// The activity of the last event.
    last: Option<&'a str>,
    /// The activity completed last.
    completed: Option<&'a str>,
    rework: u32,
    first_rework: Option<Ts>,
}

impl<'a> Activities<'a> {
    fn event(
        &mut self,
        e: &EventRef<'a>,
        s: &'a str,
        team: Option<&'a str>,
        intervals: &mut Vec<Interval<'a>>,
    ) {
        if e.flags & flags::START != 0 {
            self.open.push(s);
        } else {
            if let Some(k) = self.open.iter().rposition(|x| *x == s) {
                self.open.remove(k);
            }
            if e.flags & flags::NOT_COMPLETE == 0 {
                if self.done.contains(&s) {
                    self.rework += 1;
                    self.first_rework.get_or_insert(e.ts);
                } else {
                    self.done.push(s);
                }
                self.completed = Some(s);
            }
        }
        self.last = Some(s);
        let (status, category) = match self.open.last() {
            Some(a) => (*a, Category::Active),
            None => (self.completed.unwrap_or(s), Category::Waiting),
        };
        let same = intervals
            .last()
            .is_some_and(|i| i.status == status && i.category == category);
        if !same {
            intervals.push(Interval {
                start: e.ts,
                status,
                category,
                rule: Rule::Activity,
                team,
            });
        }
    }

    fn finish(
        &self,
        last_event: Ts,
        team: Option<&'a str>,
        ctx: &TimelineContext,
        intervals: &mut Vec<Interval<'a>>,
    ) {
        let Some(last) = self.last else { return };
        let ends = ctx.end_activities.is_empty()
            || ctx
                .end_activities
                .iter()
                .any(|a| a.trim().eq_ignore_ascii_case(last.trim()));
        if !ends {
            return;
        }
        let category = match ctx.categorizer.plain_pattern(last) {
            Some(Category::Canceled) => Category::Canceled,
            _ => Category::Done,
        };
        match intervals.last_mut() {
            Some(i) if i.start == last_event => {
                i.status = last;
                i.category = category;
            }
            _ => {
                intervals.push(Interval {
                    start: last_event,
                    status: last,
                    category,
                    rule: Rule::Activity,
                    team,
                });
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers to build timelines from tiny literal event lists in metric tests.
    use super::*;

    /// Day `d` (may be fractional) as an instant: 2024-01-01 + d days.
    pub fn day(d: f64) -> Ts {
        1_704_067_200_000_000 + (d * 86_400_000_000.0) as i64
    }

    /// A status event on day `d`.
    pub fn st(d: f64, s: &'static str) -> EventRef<'static> {
        EventRef {
            ts: day(d),
            status: Some(s),
            ..Default::default()
        }
    }

    /// An event on day `d` setting status (optional), assignee and team (optional).
    pub fn ev(
        d: f64,
        s: Option<&'static str>,
        a: Option<&'static str>,
        t: Option<&'static str>,
    ) -> EventRef<'static> {
        EventRef {
            ts: day(d),
            status: s,
            assignee: a,
            team: t,
            ..Default::default()
        }
    }

    /// A context with default categories and `as_of` on day `as_of`.
    pub fn ctx(as_of: f64) -> TimelineContext {
        TimelineContext {
            as_of: day(as_of),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn repeated_status_adds_no_interval_and_first_status_from_created() {
        let c = ctx(10.0);
        let mut events = vec![st(1.0, "To Do"), st(2.0, "To Do"), st(3.0, "In Progress")];
        events[0].created = Some(day(0.5));
        let t = Timeline::build("A-1", &events, &c);
        assert_eq!(t.intervals.len(), 2);
        assert_eq!(t.intervals[0].start, day(0.5));
        assert_eq!(t.intervals[1].category, Category::Active);
        assert_eq!(t.events, 3);
    }

    #[test]
    fn created_after_first_event_loses() {
        let c = ctx(10.0);
        let mut events = vec![st(1.0, "To Do")];
        events[0].created = Some(day(2.0));
        let t = Timeline::build("A-1", &events, &c);
        assert_eq!(t.created, day(1.0));
        assert!(t.created_after_first_event);
    }

    #[test]
    fn sequences_drop_unassigned_and_collapse_and_roster_gives_team() {
        let mut c = ctx(10.0);
        c.roster.insert("bob".into(), "Platform".into());
        let events = vec![
            ev(0.0, Some("To Do"), Some("ann"), Some("Payments")),
            ev(1.0, None, Some("Unassigned"), None),
            ev(2.0, None, Some("ann"), None),
            ev(3.0, None, Some("bob"), None),
            ev(4.0, None, None, Some("unassigned")),
            ev(5.0, None, None, Some("Platform")),
        ];
        let t = Timeline::build("A-1", &events, &c);
        let a: Vec<&str> = t.assignee_seq.iter().map(|x| x.1).collect();
        let tm: Vec<&str> = t.team_seq.iter().map(|x| x.1).collect();
        assert_eq!(a, ["ann", "bob"]);
        assert_eq!(tm, ["Payments", "Platform"]);
        assert_eq!(t.team_at(day(3.5)), Some("Platform"));
        assert_eq!(t.team_at(day(4.5)), None);
        assert_eq!(t.team_at(day(0.5)), Some("Payments"));
    }

    /// A placeholder team (Sepsis Cases' `?`) ends the team as `unassigned` does, adds
    /// nothing to the team sequence, and the first one is kept for the warning; a real team
    /// that merely contains the characters is a team.
    #[test]
    fn placeholder_team_is_no_team_and_is_reported() {
        let c = ctx(10.0);
        let events = vec![
            ev(0.0, Some("To Do"), None, Some("A")),
            ev(1.0, None, None, Some("?")),
            ev(2.0, None, None, Some("B")),
            ev(3.0, None, None, Some(" Unknown ")),
            ev(4.0, None, None, Some("N/A")),
        ];
        let t = Timeline::build("S-1", &events, &c);
        let tm: Vec<&str> = t.team_seq.iter().map(|x| x.1).collect();
        assert_eq!(tm, ["A", "B"]);
        assert_eq!(t.team_at(day(1.5)), None);
        assert_eq!(t.team_at(day(2.5)), Some("B"));
        assert_eq!(t.team_at(day(5.0)), None);
        assert_eq!(t.placeholder_team, Some("?"));
        for real in ["Q?", "Team -", "unknowns", "None of the above", "NaNa"] {
            let t = Timeline::build("S-2", &[ev(0.0, Some("To Do"), None, Some(real))], &c);
            assert_eq!(t.placeholder_team, None, "{real}");
            assert_eq!(t.team_at(day(1.0)), Some(real));
        }
        let t = Timeline::build(
            "S-3",
            &[ev(0.0, Some("To Do"), None, Some("unassigned"))],
            &c,
        );
        assert_eq!(
            t.placeholder_team, None,
            "unassigned is the explicit nobody, not a placeholder"
        );
    }

    /// METRICS.md §11 on a case with lifecycle values: active between start and complete,
    /// waiting after the last completed activity, suspend ends active time without being an
    /// execution, a repeated completion is rework, the last event finishes the case.
    #[test]
    fn activity_case_with_lifecycle() {
        let c = ctx(30.0);
        let act = |d: f64, s: &'static str, f: u8| EventRef {
            ts: day(d),
            status: Some(s),
            flags: flags::ACTIVITY | flags::MEASURES_ACTIVE | f,
            ..Default::default()
        };
        let e = [
            act(0.0, "Register", 0),
            act(1.0, "Check", flags::START),
            act(2.0, "Check", flags::NOT_COMPLETE), // suspend
            act(3.0, "Check", flags::START),        // resume
            act(4.0, "Check", 0),                   // complete
            act(6.0, "Check", flags::START),
            act(7.0, "Check", 0), // a second execution: rework
            act(9.0, "Decide", 0),
        ];
        let t = Timeline::build("C", &e, &c);
        assert!(t.activity && t.measures_active);
        let iv: Vec<(f64, &str, Category)> = t
            .intervals
            .iter()
            .map(|i| (crate::model::days(i.start - day(0.0)), i.status, i.category))
            .collect();
        assert_eq!(
            iv,
            [
                (0.0, "Register", Category::Waiting),
                (1.0, "Check", Category::Active),
                (2.0, "Register", Category::Waiting),
                (3.0, "Check", Category::Active),
                (4.0, "Check", Category::Waiting),
                (6.0, "Check", Category::Active),
                (7.0, "Check", Category::Waiting),
                (9.0, "Decide", Category::Done),
            ]
        );
        assert_eq!((t.rework, t.first_rework), (1, Some(day(7.0))));
        let r = crate::metrics::items::record(&t, &c, &mut Default::default());
        assert_eq!(r.started(), Some(day(0.0)));
        assert_eq!(r.finished(), Some(day(9.0)));
        assert_eq!(r.cycle_time_days(), Some(9.0));
        assert_eq!(r.lead_time_days(), Some(9.0));
        // Active: days 1–2, 3–4 and 6–7.
        assert_eq!(r.active_days(), Some(3.0));
        assert_eq!(r.flow_efficiency(), Some(3.0 / 9.0));
        assert_eq!((r.reopens, r.backward_moves), (1, 0));
    }

    #[test]
    fn activity_case_ending_in_a_canceling_step_or_outside_end_activities() {
        let mut c = ctx(30.0);
        let act = |d: f64, s: &'static str| EventRef {
            ts: day(d),
            status: Some(s),
            flags: flags::ACTIVITY,
            ..Default::default()
        };
        let e = [
            act(0.0, "Register"),
            act(2.0, "Reject request"),
            act(5.0, "Rejected"),
        ];
        let t = Timeline::build("C", &e, &c);
        assert_eq!(
            t.intervals.last().map(|i| i.category),
            Some(Category::Canceled)
        );
        let r = crate::metrics::items::record(&t, &c, &mut Default::default());
        assert_eq!(r.outcome, crate::metrics::lifecycle::Outcome::Canceled);
        // Completions only: flow efficiency cannot be measured.
        assert_eq!((r.active_days(), r.flow_efficiency()), (None, None));
        c.end_activities = vec!["Pay".into()];
        let t = Timeline::build("C", &e, &c);
        let r = crate::metrics::items::record(&t, &c, &mut Default::default());
        assert_eq!(r.outcome, crate::metrics::lifecycle::Outcome::Open);
        assert_eq!(r.started(), Some(day(0.0)));
        // A one-event case is finished at once: cycle time 0.
        let c1 = ctx(30.0);
        let one = [act(3.0, "Register")];
        let t = Timeline::build("D", &one, &c1);
        let r = crate::metrics::items::record(&t, &c1, &mut Default::default());
        assert_eq!(r.cycle_time_days(), Some(0.0));
    }

    #[test]
    fn per_team_category_uses_team_in_force_at_interval_start() {
        let mut o = crate::status::StatusOverrides::default();
        o.per_team
            .entry("Payments".into())
            .or_default()
            .insert("QA".into(), Category::Waiting);
        let c = TimelineContext {
            categorizer: Categorizer::new(o, Default::default(), Default::default()),
            as_of: day(10.0),
            ..Default::default()
        };
        let events = vec![
            ev(0.0, Some("QA"), None, Some("Payments")),
            ev(1.0, Some("QA2"), None, Some("Search")),
            ev(2.0, Some("QA"), None, None),
        ];
        let t = Timeline::build("A-1", &events, &c);
        assert_eq!(t.intervals[0].category, Category::Waiting);
        assert_eq!(t.intervals[2].category, Category::Active);
    }
}
