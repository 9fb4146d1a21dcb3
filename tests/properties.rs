//! Property tests of the METRICS.md invariants on random small event lists, through the
//! library API: durations ≥ 0; time in status sums to the item's span; handoffs ≤ events − 1;
//! the handoff matrix total equals the sum of team handoffs; shuffling events with distinct
//! timestamps (and whole items) changes no metric.

use flowaudit::metrics::items::{self, ItemRecord, StatusFolds};
use flowaudit::metrics::lifecycle::Outcome;
use flowaudit::model::{Event, EventBatch, Ts};
use flowaudit::status::{Categorizer, StatusOverrides};
use flowaudit::timeline::{EventRef, Timeline, TimelineContext};
use proptest::prelude::*;

const STATUSES: &[&str] = &[
    "To Do",
    "In Progress",
    "Review",
    "Blocked",
    "Waiting for QA",
    "Done",
    "Canceled",
    "Reopened",
    "Zorglub",
];
const PEOPLE: &[&str] = &["ann", "bob", "cid", "unassigned"];
const TEAMS: &[&str] = &["Red", "Blue", "Green"];
const DAY: Ts = 86_400_000_000;

#[derive(Debug, Clone)]
struct Ev {
    ts: Ts,
    status: Option<&'static str>,
    assignee: Option<&'static str>,
    team: Option<&'static str>,
}

fn opt<T: Clone + std::fmt::Debug + 'static>(
    pool: &'static [T],
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![1 => Just(None), 3 => proptest::sample::select(pool).prop_map(Some)]
}

/// 1–10 events, timestamps on a coarse grid (ties happen), sorted by timestamp.
fn events() -> impl Strategy<Value = Vec<Ev>> {
    proptest::collection::vec(
        (0i64..40, opt(STATUSES), opt(PEOPLE), opt(TEAMS)).prop_map(
            |(h, status, assignee, team)| Ev {
                ts: 1_700_000_000_000_000 + h * DAY / 4,
                status,
                assignee,
                team,
            },
        ),
        1..10,
    )
    .prop_map(|mut v| {
        v.sort_by_key(|e| e.ts);
        v
    })
}

fn ctx(as_of: Ts) -> TimelineContext {
    let mut categorizer = Categorizer::new(
        StatusOverrides::default(),
        Default::default(),
        Default::default(),
    );
    categorizer.prepare(STATUSES.iter().copied());
    TimelineContext {
        categorizer,
        roster: Default::default(),
        exclude_people: Default::default(),
        current_status: Default::default(),
        workflow_order: Default::default(),
        as_of,
        period: None,
        end_activities: Vec::new(),
    }
}

fn record(evs: &[Ev], as_of: Ts) -> ItemRecord {
    folded(evs, as_of).0
}

/// The record and its time per status as folded for the report.
fn folded(evs: &[Ev], as_of: Ts) -> (ItemRecord, StatusFolds) {
    let c = ctx(as_of);
    let refs: Vec<EventRef> = evs
        .iter()
        .map(|e| EventRef {
            ts: e.ts,
            status: e.status,
            assignee: e.assignee,
            team: e.team,
            source: Some("csv"),
            created: None,
            flags: 0,
        })
        .collect();
    let t = Timeline::build("X-1", &refs, &c);
    let mut f = StatusFolds::default();
    let r = items::record_folded(&t, &c, &mut Default::default(), &mut f);
    (r, f)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn durations_are_never_negative(evs in events(), extra in 0i64..10) {
        let as_of = evs.last().unwrap().ts + extra * DAY;
        let r = record(&evs, as_of);
        for d in [r.lead_time_days(), r.cycle_time_days(), r.active_days(), r.waiting_days(), r.blocked_days()].into_iter().flatten() {
            prop_assert!(d >= 0.0, "{r:?}");
        }
        prop_assert!(r.case_duration_days() >= 0.0);
        if let Some(fe) = r.flow_efficiency() { prop_assert!((0.0..=1.0).contains(&fe)); }
        let (r, f) = folded(&evs, as_of);
        prop_assert!(f.time.values().all(|v| v.1 >= 0), "{f:?}");
        prop_assert!(r.waiting.iter().all(|w| w.1 > 0) && r.blocked_micros >= 0, "{r:?}");
    }

    #[test]
    fn time_in_status_sums_to_the_span(evs in events(), extra in 0i64..10) {
        let as_of = evs.last().unwrap().ts + extra * DAY;
        let (r, f) = folded(&evs, as_of);
        // A done or open item's time per status, as folded for all teams ("*").
        if r.has_status && r.outcome != Outcome::Canceled {
            let total: Ts = f.time.iter().filter(|(k, _)| k.0 == "*").map(|(_, v)| v.1).sum();
            let end = r.finished().unwrap_or(as_of);
            prop_assert_eq!(total, end - r.created, "{:?}", r);
        }
    }

    #[test]
    fn handoffs_are_at_most_events_minus_one(evs in events()) {
        let r = record(&evs, evs.last().unwrap().ts);
        prop_assert!(r.handoffs <= r.events.saturating_sub(1));
        prop_assert!(r.team_handoffs <= r.events.saturating_sub(1));
        prop_assert_eq!(r.events as usize, evs.len());
    }

    #[test]
    fn handoff_matrix_total_is_the_sum_of_team_handoffs(items in proptest::collection::vec(events(), 1..6)) {
        // The matrix as the report gets it: folded per item, merged over the items.
        let mut all = StatusFolds::default();
        let mut sum = 0u64;
        for evs in &items {
            let (r, f) = folded(evs, evs.last().unwrap().ts);
            all.merge(f);
            sum += r.team_handoffs as u64;
        }
        prop_assert_eq!(all.team_pairs.values().sum::<u64>(), sum);
    }

    #[test]
    fn shuffling_distinct_timestamps_and_items_changes_no_metric(
        items in proptest::collection::vec(events(), 1..5),
        seed in any::<u64>(),
    ) {
        // Distinct timestamps within each item (ties would legitimately keep input order).
        let items: Vec<Vec<Ev>> = items.into_iter().map(|mut v| { v.dedup_by_key(|e| e.ts); v }).collect();
        let rows: Vec<(String, Ev)> = items.iter().enumerate()
            .flat_map(|(i, v)| v.iter().map(move |e| (format!("I-{i}"), e.clone())))
            .collect();
        let as_of = rows.iter().map(|r| r.1.ts).max().unwrap() + DAY;
        let base = compute(&rows, as_of);
        let mut shuffled = rows.clone();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(compute(&shuffled, as_of), base);
    }
}

/// The audit's path: events in input order → `ingest::prepare` (order) → `items::compute`.
fn compute(rows: &[(String, Ev)], as_of: Ts) -> Vec<ItemRecord> {
    let mut b = EventBatch::default();
    for (id, e) in rows {
        b.push(Event {
            item_id: id.clone(),
            timestamp: e.ts,
            status: e.status.map(str::to_string),
            assignee: e.assignee.map(str::to_string),
            team: e.team.map(str::to_string),
            source: Some("csv".into()),
            ..Default::default()
        });
    }
    let table = flowaudit::ingest::EventTable::from_batch(b);
    let (sorted, _) = flowaudit::ingest::prepare(table, as_of).unwrap();
    items::compute(&sorted, &ctx(as_of)).unwrap()
}
