//! Blockers (METRICS.md §9): findings with a kind, a scope, an impact and the evidence.
//! Findings whose impact is in item-days form one ranking; tool overlap (money) and workflow
//! divergence (similarity, lowest first) are ranked in lists of their own.
//!
//! | kind | scope | impact |
//! |---|---|---|
//! | queue | waiting status | Σ item-days in that status (done items in the period plus open items) |
//! | blocked | team | Σ blocked item-days (same items) |
//! | handoff_drag | team | (median cycle of its done items with ≥ 2 team handoffs − median with 0) × items with ≥ 2 |
//! | ping_pong | team pair | Σ bounce durations in item-days (items in scope) |
//! | rework | team | item-days from an item's first reopen or backward move to its finish (or `as_of`) |
//! | aging | team | Σ (age − p85) over at-risk items |
//! | stale | team | open items with no event for ≥ `stale_days`, Σ idle days |
//! | tool_overlap | category | annual cost of the tools of a fragmented category (money) |
//! | workflow_divergence | team | similarity below the threshold (lowest first) |
//!
//! Decisions: findings with zero impact are dropped; handoff drag needs both groups and a
//! positive difference; the tool-overlap cost is the whole category's cost (every tool in a
//! fragmented category overlaps the others). Ties rank by scope name.

use super::items::ItemRecord;
use super::lifecycle::Outcome;
use super::percentiles::stats;
use crate::model::{days, Ts};
use crate::words::count;
use std::collections::BTreeMap;

/// The unit of a finding's impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// Item-days (ranked together, highest first).
    ItemDays,
    /// Money per year (ranked separately, highest first).
    Money,
    /// Workflow similarity (ranked separately, lowest first).
    Similarity,
}

impl Unit {
    /// Id as in `tables/blockers.csv`.
    pub fn id(self) -> &'static str {
        match self {
            Unit::ItemDays => "item_days",
            Unit::Money => "money",
            Unit::Similarity => "similarity",
        }
    }
}

/// The kinds of finding (METRICS.md §9; INTERFACE.md "Blocker kinds").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A waiting status.
    Queue,
    /// Blocked time of a team.
    Blocked,
    /// What each extra team handoff costs a team.
    HandoffDrag,
    /// Bounces between two teams.
    PingPong,
    /// Time from the first reopen or backward move to the finish.
    Rework,
    /// Work in progress older than the team's p85 cycle time.
    Aging,
    /// Open items without an event for `stale_days`.
    Stale,
    /// Overlapping tools of a category (money).
    ToolOverlap,
    /// A team's workflow far from the core (similarity).
    WorkflowDivergence,
}

impl FindingKind {
    /// Every kind.
    pub const ALL: [FindingKind; 9] = [
        FindingKind::Queue,
        FindingKind::Blocked,
        FindingKind::HandoffDrag,
        FindingKind::PingPong,
        FindingKind::Rework,
        FindingKind::Aging,
        FindingKind::Stale,
        FindingKind::ToolOverlap,
        FindingKind::WorkflowDivergence,
    ];

    /// Id in `tables/blockers.csv`.
    pub fn id(self) -> &'static str {
        match self {
            FindingKind::Queue => "queue",
            FindingKind::Blocked => "blocked",
            FindingKind::HandoffDrag => "handoff_drag",
            FindingKind::PingPong => "ping_pong",
            FindingKind::Rework => "rework",
            FindingKind::Aging => "aging",
            FindingKind::Stale => "stale",
            FindingKind::ToolOverlap => "tool_overlap",
            FindingKind::WorkflowDivergence => "workflow_divergence",
        }
    }

    /// In words (`handoff drag`).
    pub fn words(self) -> String {
        self.id().replace('_', " ")
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Kind.
    pub kind: FindingKind,
    /// Scope (a status, a team, "A ↔ B", a category).
    pub scope: String,
    /// Impact in `unit`.
    pub impact: f64,
    /// Unit.
    pub unit: Unit,
    /// Evidence in words.
    pub evidence: String,
    /// Items that show it (largest contribution first).
    pub items: std::sync::Arc<ItemIds>,
    /// Rank within its unit (1 = first).
    pub rank: u32,
}

/// Item ids in one buffer, in order: a finding can name a million items
/// (`tables/blocker_items.csv`), which as one string each took ~30 bytes more per item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemIds {
    text: String,
    ends: Vec<u32>,
}

impl ItemIds {
    /// The ids, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|e| *e as usize));
        starts
            .zip(self.ends.iter())
            .map(|(a, b)| &self.text[a..*b as usize])
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// No ids?
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl<'a> FromIterator<&'a str> for ItemIds {
    fn from_iter<I: IntoIterator<Item = &'a str>>(ids: I) -> Self {
        let mut out = ItemIds::default();
        for id in ids {
            out.text.push_str(id);
            out.ends.push(out.text.len() as u32);
        }
        out.text.shrink_to_fit();
        out.ends.shrink_to_fit();
        out
    }
}

fn finding(
    kind: FindingKind,
    scope: String,
    impact: f64,
    unit: Unit,
    evidence: String,
    mut items: Vec<(f64, &str)>,
) -> Finding {
    // (value, id) pairs that compare equal are the same id, so an unstable sort lists the same
    // ids; large lists are sorted on every core.
    let order = |a: &(f64, &str), b: &(f64, &str)| b.0.total_cmp(&a.0).then(a.1.cmp(b.1));
    if items.len() > 1 << 16 {
        use rayon::slice::ParallelSliceMut;
        items.par_sort_unstable_by(order);
    } else {
        items.sort_unstable_by(order);
    }
    Finding {
        kind,
        scope,
        impact,
        unit,
        evidence,
        items: std::sync::Arc::new(items.into_iter().map(|x| x.1).collect()),
        rank: 0,
    }
}

fn examples(items: &ItemIds) -> String {
    let shown: Vec<&str> = items.iter().take(3).collect();
    if shown.is_empty() {
        String::new()
    } else {
        format!("; e.g. {}", shown.join(", "))
    }
}

/// Contributions `(item-days, item id)` grouped by scope (a status or a team).
type Contributions<'a> = BTreeMap<&'a str, Vec<(f64, &'a str)>>;

/// One item-days finding per scope, its impact the sum of the contributions; scopes that
/// are empty (items without a team) are dropped. `say(n, scope)` words the evidence for
/// `n` items; examples of items are appended.
fn item_day_findings(
    kind: FindingKind,
    m: Contributions,
    say: impl Fn(usize, &str) -> String,
) -> Vec<Finding> {
    m.into_iter()
        .filter(|(scope, _)| !scope.is_empty())
        .map(|(scope, items)| {
            let total: f64 = items.iter().map(|x| x.0).sum();
            let n = items.len();
            let mut f = finding(
                kind,
                scope.to_string(),
                total,
                Unit::ItemDays,
                String::new(),
                items,
            );
            f.evidence = format!("{}{}", say(n, scope), examples(&f.items));
            f
        })
        .collect()
}

/// The items whose time counts for queues and blocked time.
fn time_population(r: &ItemRecord, period: Option<(Ts, Ts)>) -> bool {
    r.done_in(period) || r.outcome == Outcome::Open
}

/// Queues: one finding per waiting status. In an activity log the "status" is the last
/// activity done and the time is the wait after it until the next (METRICS.md §11): the
/// evidence says so, and, when the log records completions only, that this time holds the next
/// activity's work too (there is no start event to tell them apart).
pub fn queues(records: &[ItemRecord], period: Option<(Ts, Ts)>) -> Vec<Finding> {
    let mut m: Contributions = BTreeMap::new();
    // Per status: contributions from activity-log cases, and of those with measured work.
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in records.iter().filter(|r| time_population(r, period)) {
        for (status, micros) in r.waiting.iter() {
            m.entry(status.as_str())
                .or_default()
                .push((days(*micros), &*r.item_id));
            let k = kinds.entry(status.as_str()).or_default();
            k.0 += usize::from(r.activity);
            k.1 += usize::from(r.activity && r.active_days().is_some());
        }
    }
    let counts: BTreeMap<&str, usize> = m.iter().map(|(s, v)| (*s, v.len())).collect();
    item_day_findings(FindingKind::Queue, m, |n, status| {
        let (activity, measured) = kinds.get(status).copied().unwrap_or_default();
        let all = counts.get(status).copied().unwrap_or(0);
        if activity < all || all == 0 {
            format!(
                "{} waited in \u{201c}{status}\u{201d}",
                count(n, "item", "items")
            )
        } else if measured == activity {
            format!(
                "{} waited after completing \u{201c}{status}\u{201d} before their next activity",
                count(n, "case", "cases")
            )
        } else {
            format!("{}: the time from completing \u{201c}{status}\u{201d} to completing their next activity (only completions are logged, so it includes the work on that next activity)", count(n, "case", "cases"))
        }
    })
}

/// Blocked time per team.
pub fn blocked(records: &[ItemRecord], period: Option<(Ts, Ts)>) -> Vec<Finding> {
    let mut m: Contributions = BTreeMap::new();
    for r in records.iter().filter(|r| time_population(r, period)) {
        let b = r.blocked_micros;
        if b > 0 {
            m.entry(r.team_name())
                .or_default()
                .push((days(b), &*r.item_id));
        }
    }
    item_day_findings(FindingKind::Blocked, m, |n, _| {
        format!("{n} items were blocked")
    })
}

/// Handoff drag per team.
pub fn handoff_drag(records: &[ItemRecord], period: Option<(Ts, Ts)>) -> Vec<Finding> {
    let mut m: BTreeMap<&str, (Vec<f64>, Vec<(f64, &str)>)> = BTreeMap::new();
    for r in records.iter().filter(|r| r.done_in(period)) {
        let Some(c) = r.cycle_time_days() else {
            continue;
        };
        let e = m.entry(r.team_name()).or_default();
        if r.team_handoffs == 0 {
            e.0.push(c);
        } else if r.team_handoffs >= 2 {
            e.1.push((c, &*r.item_id));
        }
    }
    m.into_iter()
        .filter(|(t, _)| !t.is_empty())
        .filter_map(|(team, (zero, many))| {
            let m0 = stats(zero.iter().copied()).p50?;
            let m2 = stats(many.iter().map(|x| x.0)).p50?;
            let impact = (m2 - m0) * many.len() as f64;
            (impact > 0.0).then(|| {
                let n = many.len();
                let mut f = finding(
                    FindingKind::HandoffDrag,
                    team.to_string(),
                    impact,
                    Unit::ItemDays,
                    String::new(),
                    many,
                );
                f.evidence = format!(
                    "{} crossed ≥ 2 team boundaries: median cycle {} days vs {} days with none{}",
                    count(n, "item", "items"),
                    crate::words::human(m2),
                    crate::words::human(m0),
                    examples(&f.items)
                );
                f
            })
        })
        .collect()
}

/// Ping-pong per unordered team pair.
pub fn ping_pong(records: &[ItemRecord]) -> Vec<Finding> {
    // The bounces of each item come from the ping-pong metric itself; here they are only
    // grouped by pair, with the item's own share kept as evidence.
    let mut m: BTreeMap<(String, String), (u64, i64, Vec<(f64, &str)>)> = BTreeMap::new();
    for r in records.iter().filter(|r| r.in_scope()) {
        for (k, b) in r.bounces.iter() {
            let e = m.entry(k.clone()).or_default();
            e.0 += b.bounces;
            e.1 += b.micros;
            e.2.push((b.item_days(), &*r.item_id));
        }
    }
    m.into_iter()
        .filter(|(_, v)| v.1 > 0)
        .map(|((a, b), (bounces, us, items))| {
            let n = items.len();
            let mut f = finding(
                FindingKind::PingPong,
                format!("{a} ↔ {b}"),
                days(us),
                Unit::ItemDays,
                String::new(),
                items,
            );
            f.evidence = format!(
                "{} on {}{}",
                count(bounces as usize, "bounce", "bounces"),
                count(n, "item", "items"),
                examples(&f.items)
            );
            f
        })
        .collect()
}

/// Rework per team.
pub fn rework(records: &[ItemRecord], as_of: Ts) -> Vec<Finding> {
    let mut m: Contributions = BTreeMap::new();
    for r in records.iter().filter(|r| r.in_scope()) {
        if let Some(t) = r.first_rework() {
            let end = r.finished().filter(|f| *f >= t).unwrap_or(as_of);
            let d = days((end - t).max(0));
            if d > 0.0 {
                m.entry(r.team_name()).or_default().push((d, &*r.item_id));
            }
        }
    }
    item_day_findings(FindingKind::Rework, m, |n, _| {
        if n == 1 {
            "1 item was reopened or moved back".to_string()
        } else {
            format!("{n} items were reopened or moved back")
        }
    })
}

/// Aging per team from (team, item, age − p85) of at-risk items.
pub fn aging(over: &[(String, String, f64)]) -> Vec<Finding> {
    let mut m: Contributions = BTreeMap::new();
    for (team, item, excess) in over {
        if !team.is_empty() && *excess > 0.0 {
            m.entry(team.as_str())
                .or_default()
                .push((*excess, item.as_str()));
        }
    }
    item_day_findings(FindingKind::Aging, m, |n, _| {
        format!("{n} items in progress are older than the team's 85th percentile cycle time")
    })
}

/// Stale open items per team: no event for at least `stale_days`.
pub fn stale(records: &[ItemRecord], as_of: Ts, stale_days: f64) -> Vec<Finding> {
    let mut m: Contributions = BTreeMap::new();
    for r in records.iter().filter(|r| r.outcome == Outcome::Open) {
        let idle = days(as_of - r.last_event);
        if idle >= stale_days {
            m.entry(r.team_name())
                .or_default()
                .push((idle, &*r.item_id));
        }
    }
    item_day_findings(FindingKind::Stale, m, |n, _| {
        format!("{n} open items had no event for {stale_days} days or more")
    })
}

/// Tool overlap per fragmented category: (category, tools, teams, annual cost).
pub fn tool_overlap(categories: &[(String, Vec<String>, Vec<String>, f64)]) -> Vec<Finding> {
    categories
        .iter()
        .filter(|c| c.3 > 0.0)
        .map(|(cat, tools, teams, cost)| Finding {
            kind: FindingKind::ToolOverlap,
            scope: cat.clone(),
            impact: *cost,
            unit: Unit::Money,
            evidence: format!(
                "{} tools ({}) across {} teams",
                tools.len(),
                tools.join(", "),
                teams.len()
            ),
            items: Default::default(),
            rank: 0,
        })
        .collect()
}

/// Workflow divergence: teams below the similarity threshold.
pub fn workflow_divergence(teams: &[(String, f64, Vec<String>)], threshold: f64) -> Vec<Finding> {
    teams
        .iter()
        .filter(|t| t.1 < threshold)
        .map(|(team, sim, unique)| Finding {
            kind: FindingKind::WorkflowDivergence,
            scope: team.clone(),
            impact: *sim,
            unit: Unit::Similarity,
            evidence: if unique.is_empty() {
                "its statuses differ from the core workflow".into()
            } else {
                format!("statuses no other team uses: {}", unique.join(", "))
            },
            items: Default::default(),
            rank: 0,
        })
        .collect()
}

/// Rank findings: item-days and money highest first, similarity lowest first; ranks restart
/// per unit; ties by kind then scope.
pub fn rank(mut all: Vec<Finding>) -> Vec<Finding> {
    all.sort_by(|a, b| {
        a.unit
            .cmp(&b.unit)
            .then_with(|| match a.unit {
                Unit::Similarity => a.impact.total_cmp(&b.impact),
                _ => b.impact.total_cmp(&a.impact),
            })
            .then(a.kind.id().cmp(b.kind.id()))
            .then(a.scope.cmp(&b.scope))
    });
    let mut last: Option<Unit> = None;
    let mut k = 0;
    for f in &mut all {
        if last != Some(f.unit) {
            k = 0;
            last = Some(f.unit);
        }
        k += 1;
        f.rank = k;
    }
    all
}

#[cfg(test)]
mod tests {
    #[test]
    fn item_ids_keep_every_id_in_order() {
        let ids: ItemIds = ["B-2", "", "A-10", "é"].into_iter().collect();
        assert_eq!(ids.len(), 4);
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["B-2", "", "A-10", "é"]);
        assert!(ItemIds::default().is_empty());
        assert_eq!(ItemIds::default().iter().count(), 0);
    }

    use super::*;
    use crate::metrics::items::record;
    use crate::timeline::testing::*;
    use crate::timeline::Timeline;

    fn rec(
        id: &'static str,
        events: &[crate::timeline::EventRef<'static>],
        as_of: f64,
    ) -> ItemRecord {
        let c = Box::leak(Box::new(ctx(as_of)));
        record(&Timeline::build(id, events, c), c, &mut Default::default())
    }

    /// An activity log's queue is the wait after an activity: worded so, and, without start
    /// events, as time that holds the next activity's work; a status log's stays "waited in".
    #[test]
    fn activity_log_queues_say_after_the_activity_and_what_the_time_holds() {
        use crate::ingest::flags::{ACTIVITY, MEASURES_ACTIVE};
        let act = |f: u8| {
            move |d: f64, a: &'static str| crate::timeline::EventRef {
                ts: day(d),
                status: Some(a),
                flags: f,
                ..Default::default()
            }
        };
        let c = act(ACTIVITY);
        let completions = rec("R1", &[c(0.0, "Create Fine"), c(5.0, "Payment")], 20.0);
        let q = queues(&[completions], None);
        assert_eq!(
            q[0].evidence,
            "1 case: the time from completing \u{201c}Create Fine\u{201d} to completing their next activity (only completions are logged, so it includes the work on that next activity); e.g. R1"
        );
        let m = act(ACTIVITY | MEASURES_ACTIVE);
        let measured = rec("B1", &[m(0.0, "A_SUBMITTED"), m(2.0, "A_DECLINED")], 20.0);
        assert!(measured.active_days().is_some());
        let q = queues(&[measured], None);
        assert_eq!(
            q[0].evidence,
            "1 case waited after completing \u{201c}A_SUBMITTED\u{201d} before their next activity; e.g. B1"
        );
    }

    #[test]
    fn queue_blocked_rework_stale_and_ranking() {
        let a = rec(
            "A",
            &[
                ev(0.0, Some("In Progress"), None, Some("T")),
                st(1.0, "Ready for Review"),
                st(4.0, "Blocked"),
                st(6.0, "In Review"),
                st(7.0, "Done"),
                st(8.0, "In Progress"),
            ],
            20.0,
        );
        let b = rec(
            "B",
            &[
                ev(0.0, Some("Ready for Review"), None, Some("T")),
                st(2.0, "Done"),
            ],
            20.0,
        );
        let c = rec("C", &[ev(0.0, Some("To Do"), None, Some("U"))], 20.0);
        let recs = vec![a, b, c];
        let q = queues(&recs, None);
        assert_eq!(q.len(), 1);
        // A waited 3 days, B 2 days.
        assert_eq!(
            (q[0].scope.as_str(), q[0].impact),
            ("Ready for Review", 5.0)
        );
        assert_eq!(q[0].items.iter().collect::<Vec<_>>(), ["A", "B"]);
        let bl = blocked(&recs, None);
        assert_eq!((bl[0].scope.as_str(), bl[0].impact), ("T", 2.0));
        // A reopened at day 8 and is open at as_of 20: 12 item-days of rework.
        let rw = rework(&recs, day(20.0));
        assert_eq!(rw[0].impact, 12.0);
        // C idle since day 0 (20 days), A since day 8 (12 days): both ≥ 10.
        let s = stale(&recs, day(20.0), 10.0);
        assert_eq!(
            s.iter()
                .map(|f| (f.scope.as_str(), f.impact))
                .collect::<Vec<_>>(),
            vec![("T", 12.0), ("U", 20.0)]
        );
        let ranked = rank(
            [
                q,
                bl,
                rw,
                s,
                workflow_divergence(&[("U".into(), 0.2, vec![]), ("T".into(), 0.4, vec![])], 0.5),
            ]
            .concat(),
        );
        let order: Vec<(&str, u32)> = ranked.iter().map(|f| (f.kind.id(), f.rank)).collect();
        assert_eq!(
            order,
            vec![
                ("stale", 1),
                ("rework", 2),
                ("stale", 3),
                ("queue", 4),
                ("blocked", 5),
                ("workflow_divergence", 1),
                ("workflow_divergence", 2)
            ]
        );
        assert_eq!(ranked[5].scope, "U");
    }

    #[test]
    fn ping_pong_and_handoff_drag() {
        let a = rec(
            "A",
            &[
                ev(0.0, Some("In Progress"), None, Some("X")),
                ev(1.0, None, None, Some("Y")),
                ev(3.0, None, None, Some("X")),
                st(5.0, "Done"),
            ],
            20.0,
        );
        let b = rec(
            "B",
            &[
                ev(0.0, Some("In Progress"), None, Some("X")),
                st(1.0, "Done"),
            ],
            20.0,
        );
        let pp = ping_pong(&[a.clone(), b.clone()]);
        assert_eq!((pp[0].scope.as_str(), pp[0].impact), ("X ↔ Y", 2.0));
        let d = handoff_drag(&[a, b], None);
        // A: 2 team handoffs, cycle 5; B: none, cycle 1 → (5 − 1) × 1.
        assert_eq!((d[0].scope.as_str(), d[0].impact), ("X", 4.0));
    }
}
