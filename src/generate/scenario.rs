//! Scenarios (issue 7): organisations with planted problems, so the project's own tests can
//! show that each finding kind of METRICS.md §9 is found when present and absent when not, and
//! that each verdict of §10 is reached when its conditions hold.
//!
//! # The healthy base
//!
//! Every planted scenario starts from the same healthy organisation and changes one thing.
//! Items are dealt to teams round robin (item `i` → team `i mod n`), so with the default 600
//! items and 6 teams each team has exactly 100 items, numbered `k = 0..99` in creation order.
//! A planted *share* `num/den` picks the items with `k mod den < num`: the planted rate is
//! exact, not a random draw. Every item of the healthy base:
//!
//! - is created in team `T` in `To Do` (the first `days − 64` days of the window; every life
//!   below ends within 64 days, so every item is finished before `start + days` and there is
//!   no open item: no WIP, no aging, no stale work);
//! - is assigned to a member of `T` and moved to `In Progress` 0.1–1 day later, then
//!   `In Review` after 0.5–2 days (active), then `Done` after 0.25–0.75 days (active; the
//!   reviewer, through GitHub). No waiting, blocked or canceled status, no backlog after the
//!   start, no reopen, no team change.
//!
//! Teams: at least 4 (more when `--teams` asks). Tools: every team has Jira, GitHub, Slack,
//! Confluence, GitHub Actions and Figma, each licence ≥ 90 % used (active users ≥ ⌈0.9 seats⌉).
//!
//! Under the default thresholds: flow efficiency = 1 (all committed time is active), team
//! handoffs 0, ping-pong rate 0, reopen rate 0, aging "no data", 0 overlapping categories and
//! utilisation ≥ 0.9, workflow similarity 1 for every team. No signal fires; share 0; no
//! fragmented category, divergent share 0, team change rate 0 → no organisation signal.
//!
//! # What each scenario plants (default 600 items, seed-independent)
//!
//! - **`Healthy`**: the base. No finding of any kind (`blockers.csv` has no row), no team
//!   signal; verdict `not_needed` (≥ 4 teams, share 0 < 0.25, 0 organisation signals).
//! - **`Queues`**: team 0 (Payments) follows To Do → In Progress → In Review → *Ready for QA*
//!   (waiting, 16–24 days) → QA (active) → Done. The only waiting status of the organisation,
//!   so the only `queue` finding, and the only finding: 100 items × ≥ 16 days ≥ 1,600
//!   item-days in "Ready for QA". Payments' similarity = 4/6 = 0.67 ≥ 0.5 (no divergence); its
//!   flow efficiency ≤ 4.75 / (4.75 + 16) = 0.23 < 0.25: one signal only → `not_needed`.
//! - **`PingPong`**: a third of Payments' items (k mod 3 = 0: 34) bounce Payments → Checkout →
//!   Payments → Checkout → Payments inside `In Progress`, and a third of Checkout's bounce the
//!   other way: 68 items, 3 ping-pongs each, all on the pair Checkout ↔ Payments. A fifth of
//!   the items of every other team (20 each) are handed one way: team `i` → `i + 1` (the last
//!   team → team 2), and, with ≥ 5 teams, the last team's to team 2 then team 3 (two handoffs,
//!   three distinct teams): no `seq[i] == seq[i+2]`, so exactly one `ping_pong` finding,
//!   "Checkout ↔ Payments". Payments and Checkout fire `ping_pong` (0.34 > 0.10) and
//!   `handoff_heavy` (34 × 4 ÷ 100 = 1.36 > 1.0): 2 signals each. Team change rate
//!   = (34 + 34 + 4 × 20) ÷ 600 = 0.247 < 0.3 → `not_needed`. (Bounced items take no longer,
//!   but `handoff_drag` may appear by chance: not asserted either way.)
//! - **`Rework`**: Search (team 2) reopens 2 of every 5 items (k mod 5 < 2: 40 of 100, rate
//!   0.40 > 0.30): Done, 1–5 days later back to In Progress, through review to Done again. Every
//!   other team reopens 1 in 25 (4 of 100, rate 0.04 ≤ 0.10). Rework impact (reopen → finish):
//!   Search ≥ 40 × 0.75 = 30 item-days, any other team ≤ 4 × 2.75 = 11, so Search ranks first
//!   among the `rework` findings (the only kind), and only Search fires `rework` → `not_needed`.
//! - **`Divergent`**: Checkout (team 1) speaks Backlog → Doing → Closed, Platform (team 3)
//!   Open → Working → Shipped. The core (statuses of ≥ half the teams: ≥ 3 of 6) is the base's 4
//!   statuses; both have similarity 0/7 = 0 < 0.5, every other team 1: exactly two
//!   `workflow_divergence` findings, Checkout and Platform. Divergent share 2/6 = 0.33 ≥ 0.3
//!   → one organisation signal → `part_time`.
//! - **`Sprawl`**: docs: Payments has Confluence *and* Notion, teams 2, 4, … Notion instead of
//!   Confluence; CI: Checkout has GitHub Actions *and* Jenkins, teams 3, 5, … Jenkins instead
//!   of GitHub Actions; Search's Figma has half its seats active (≤ 0.5 < 0.8). Fragmented
//!   categories = {ci, docs} exactly → two `tool_overlap` findings; `tool_sprawl` fires for
//!   Payments and Checkout (1 overlapping category) and Search (utilisation < 0.8), no other
//!   team. 2 fragmented categories → one organisation signal → `part_time`.
//! - **`Stale`**: Platform's (team 3) first 5 items stay in `To Do` (assigned 0.5–3 days after
//!   creation, then nothing), created ≥ 40 days before the last creation, so idle ≥ 30 days at
//!   `as_of` (the last event, never before the last creation). Open in the backlog, so not WIP
//!   (no aging): exactly one `stale` finding, Platform → `not_needed`.
//! - **`Small`**: 3 teams. Payments struggles: Ready for QA queue (flow efficiency ≤ 0.23),
//!   reopens 1 in 3 (67 of 200 > 0.10), a quarter of its items bounce to Checkout and back
//!   (50 of 200 = 0.25 > 0.10): 3 signals, share 1/3 ≥ 0.25, which would be `part_time`
//!   with 4 teams; fewer than 4 teams → `not_needed`.
//! - **`Middling`**: 5 teams (120 items each). Payments and Checkout struggle as Payments in
//!   `Small`, bouncing to each other: low flow efficiency (≤ 0.23), ping-pong 30/120 = 0.25,
//!   rework 40/120 = 0.33 → 3 signals each; handoffs per item 30 × 2 ÷ 120 = 0.5 ≤ 1. Share
//!   2/5 = 0.4 ≥ 0.25. No organisation signal: same tools everywhere (0 fragmented), core = the
//!   base's 4 statuses (used by 5 teams; Ready for QA and QA by 2 < 2.5) so their similarity is
//!   4/6 = 0.67 and 0 teams diverge, team change rate 60/600 = 0.10 < 0.3. Not dedicated
//!   (share < 0.5, < 8 teams) → `part_time`.
//! - **`Sprawling`**: 10 teams (60 items each). Teams 0–5 struggle as in `Middling`, bouncing
//!   in pairs (0 ↔ 1, 2 ↔ 3, 4 ↔ 5), and even ones add Notion beside Confluence, odd ones
//!   Jenkins beside GitHub Actions: low flow efficiency, ping-pong 15/60 = 0.25, rework 20/60
//!   = 0.33, tool sprawl → 4 signals each; share 6/10 = 0.6 ≥ 0.5. Teams 6–9 speak their own
//!   vocabularies (Backlog/Doing/Closed, Open/Working/Shipped, New/Implementing/Deployed,
//!   Icebox/In Development/Released): similarity 0 with the core (the 6 statuses of teams
//!   0–5). Organisation signals: 2 fragmented categories (docs, ci) and divergent share 4/10
//!   = 0.4 ≥ 0.3 (team change rate 90/600 = 0.15 does not fire) → 2 signals → `dedicated`
//!   (and also by the large-organisation rule: 10 ≥ 8 teams, share ≥ 0.3, ≥ 1 signal).
//!
//! `Small`, `Middling` and `Sprawling` fix the number of teams (3, 5, 10) because their
//! verdict depends on it; the other planted scenarios take the requested number, at least 4.
//! The counts above are for the default 600 items and 182-day window (seed-independent: only
//! durations and people are random, within the stated bounds); other item counts give nearby
//! rates, since a share always picks `k mod den < num` among a team's items.

use super::item::{Ev, Source, Who};
use super::org::{act, queue, rev, wf, Kind, Org, Workflow};
use super::random::Rng;
use super::tools::{Tool, CONFLUENCE, FIGMA, GITHUB, GITHUB_ACTIONS, JENKINS, JIRA, NOTION, SLACK};
use super::DAY;
use std::fmt;
use std::str::FromStr;

/// Which organisation `flowaudit generate` writes (CLI `--scenario`, kebab-case names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scenario {
    /// The realistic organisation of `sample-data/` (every kind of problem, randomly).
    #[default]
    Realistic,
    /// No problem at all: no finding, no signal, verdict `not_needed`.
    Healthy,
    /// One long waiting status ("Ready for QA") in the first team.
    Queues,
    /// Items bouncing between the first two teams; one-way handoffs elsewhere.
    PingPong,
    /// One team reopening 40 % of its items.
    Rework,
    /// Two teams with a workflow vocabulary of their own.
    Divergent,
    /// Two fragmented tool categories and one under-used licence.
    Sprawl,
    /// A handful of open items idle for weeks in one team.
    Stale,
    /// Three teams, one struggling: verdict `not_needed` (fewer than 4 teams).
    Small,
    /// Five teams, two struggling, no organisation signal: verdict `part_time`.
    Middling,
    /// Ten teams, six struggling, fragmented tools, divergent workflows: verdict `dedicated`.
    Sprawling,
    /// A planted change over time: the first team halves its cycle time from the second half
    /// of the window on (2024Q2 by default); nothing else changes (issue 18).
    Improving,
}

/// A scenario name that is not one of [`Scenario::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScenario(pub String);

impl fmt::Display for UnknownScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Scenario::ALL.iter().map(|s| s.name()).collect();
        write!(
            f,
            "unknown scenario {:?} (one of: {})",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownScenario {}

impl Scenario {
    /// Every scenario, in declaration order.
    pub const ALL: [Scenario; 12] = [
        Scenario::Realistic,
        Scenario::Healthy,
        Scenario::Queues,
        Scenario::PingPong,
        Scenario::Rework,
        Scenario::Divergent,
        Scenario::Sprawl,
        Scenario::Stale,
        Scenario::Small,
        Scenario::Middling,
        Scenario::Sprawling,
        Scenario::Improving,
    ];

    /// The CLI name (`ping-pong`, …).
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Realistic => "realistic",
            Scenario::Healthy => "healthy",
            Scenario::Queues => "queues",
            Scenario::PingPong => "ping-pong",
            Scenario::Rework => "rework",
            Scenario::Divergent => "divergent",
            Scenario::Sprawl => "sprawl",
            Scenario::Stale => "stale",
            Scenario::Small => "small",
            Scenario::Middling => "middling",
            Scenario::Sprawling => "sprawling",
            Scenario::Improving => "improving",
        }
    }

    /// The number of teams generated when `requested` are asked for: `Small` 3, `Middling` 5,
    /// `Sprawling` 10 (their verdict depends on it), other planted scenarios at least 4,
    /// `Realistic` as requested (at least 1).
    pub fn teams(self, requested: usize) -> usize {
        match self {
            Scenario::Realistic => requested.max(1),
            Scenario::Small => 3,
            Scenario::Middling => 5,
            Scenario::Sprawling => 10,
            _ => requested.max(4),
        }
    }

    /// Each team's plan for `n` teams (`None` for `Realistic`).
    pub(super) fn plans(self, n: usize) -> Option<Vec<TeamPlan>> {
        let mut p: Vec<TeamPlan> = (0..n).map(|_| TeamPlan::healthy()).collect();
        match self {
            Scenario::Realistic => return None,
            Scenario::Healthy => {}
            Scenario::Queues => p[0].wf = &QUEUED,
            Scenario::PingPong => {
                p[0].bounce = Some(Bounce {
                    partner: 1,
                    share: Share(1, 3),
                    times: 2,
                });
                p[1].bounce = Some(Bounce {
                    partner: 0,
                    share: Share(1, 3),
                    times: 2,
                });
                for (i, plan) in p.iter_mut().enumerate().skip(2) {
                    let next = if i + 1 < n { i + 1 } else { 2 };
                    plan.hand_over = (next != i).then(|| (Share(1, 5), vec![next]));
                }
                if n >= 5 {
                    p[n - 1].hand_over = Some((Share(1, 5), vec![2, 3]));
                }
            }
            Scenario::Rework => {
                p.iter_mut().for_each(|t| t.reopen = Share(1, 25));
                p[2].reopen = Share(2, 5);
            }
            Scenario::Divergent => {
                p[1].wf = &DIVERGENT[0];
                p[3].wf = &DIVERGENT[1];
            }
            Scenario::Sprawl => {
                p[0].tools.push(NOTION);
                p[1].tools.push(JENKINS);
                for (i, plan) in p.iter_mut().enumerate().skip(2) {
                    let (from, to) = if i % 2 == 0 {
                        (CONFLUENCE, NOTION)
                    } else {
                        (GITHUB_ACTIONS, JENKINS)
                    };
                    plan.tools
                        .iter_mut()
                        .filter(|t| t.name == from.name)
                        .for_each(|t| *t = to);
                }
                p[2].underused = Some(FIGMA.name);
            }
            Scenario::Stale => p[3].stale = 5,
            Scenario::Improving => p[0].faster_later = true,
            Scenario::Small => p[0].struggle(1),
            Scenario::Middling => {
                p[0].struggle(1);
                p[1].struggle(0);
            }
            Scenario::Sprawling => {
                for (i, plan) in p.iter_mut().enumerate().take(6) {
                    plan.struggle(i ^ 1);
                    plan.tools.push(if i % 2 == 0 { NOTION } else { JENKINS });
                }
                for (plan, wf) in p[6..].iter_mut().zip(&DIVERGENT) {
                    plan.wf = wf;
                }
            }
        }
        Some(p)
    }
}

impl FromStr for Scenario {
    type Err = UnknownScenario;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scenario::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| UnknownScenario(s.to_string()))
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------------------------
// Plans.

/// `Share(num, den)` picks a team's item number `k` when `k mod den < num`: an exact rate.
#[derive(Debug, Clone, Copy)]
pub(super) struct Share(u64, u64);

impl Share {
    fn picks(self, k: u64) -> bool {
        k % self.1 < self.0
    }
}

/// Items that bounce to `partner` and back, `times` times, inside their first step.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bounce {
    partner: usize,
    share: Share,
    times: u8,
}

/// What one team of a scenario looks like.
pub(super) struct TeamPlan {
    /// The team's workflow.
    pub(super) wf: &'static Workflow,
    /// Items reopened once after delivery (Done → first step → … → Done).
    reopen: Share,
    /// Items that ping-pong with another team.
    bounce: Option<Bounce>,
    /// Items handed one way along these teams (in order) during their first step.
    hand_over: Option<(Share, Vec<usize>)>,
    /// The team's first `stale` items stay open in the backlog.
    stale: u64,
    /// The team's tools, one inventory row each.
    pub(super) tools: Vec<Tool>,
    /// The tool whose licences are half used.
    pub(super) underused: Option<&'static str>,
    /// Items created in the second half of the window work twice as fast (half the active
    /// and review time).
    faster_later: bool,
}

impl TeamPlan {
    fn healthy() -> TeamPlan {
        TeamPlan {
            wf: &CORE,
            reopen: Share(0, 1),
            bounce: None,
            hand_over: None,
            stale: 0,
            tools: vec![JIRA, GITHUB, SLACK, CONFLUENCE, GITHUB_ACTIONS, FIGMA],
            underused: None,
            faster_later: false,
        }
    }

    /// Three signals: a long queue (low flow efficiency), 1 in 3 items reopened (rework) and
    /// 1 in 4 bouncing to `partner` and back (ping-pong).
    fn struggle(&mut self, partner: usize) {
        self.wf = &QUEUED;
        self.reopen = Share(1, 3);
        self.bounce = Some(Bounce {
            partner,
            share: Share(1, 4),
            times: 1,
        });
    }
}

#[rustfmt::skip]
static CORE: Workflow = wf(&["To Do"], &[act("In Progress"), rev("In Review")], &["Done"], "Blocked", "Won't Do", None);
#[rustfmt::skip]
static QUEUED: Workflow = wf(&["To Do"], &[act("In Progress"), rev("In Review"), queue("Ready for QA"), act("QA")],
    &["Done"], "Blocked", "Won't Do", None);
/// Vocabularies that share no status with the core.
#[rustfmt::skip]
static DIVERGENT: [Workflow; 4] = [
    wf(&["Backlog"], &[act("Doing")], &["Closed"], "On Hold", "Canceled", None),
    wf(&["Open"], &[act("Working")], &["Shipped"], "Stuck", "Not Planned", None),
    wf(&["New"], &[act("Implementing")], &["Deployed"], "Flagged", "Duplicate", None),
    wf(&["Icebox"], &[act("In Development")], &["Released"], "Impeded", "Rejected", None),
];

// ---------------------------------------------------------------------------------------------
// One planted item's life. Durations are uniform in a closed range of days, so the bounds in
// the module documentation hold for every seed.

const PICKUP_DAYS: (f64, f64) = (0.1, 1.0);
const ACTIVE_DAYS: (f64, f64) = (0.5, 2.0);
const REVIEW_DAYS: (f64, f64) = (0.25, 0.75);
const QUEUE_DAYS: (f64, f64) = (16.0, 24.0);
const REOPEN_AFTER_DAYS: (f64, f64) = (1.0, 5.0);
const STALE_ASSIGN_DAYS: (f64, f64) = (0.5, 3.0);
/// Longest life: pickup + two passes through the longest workflow + the reopen wait
/// (1 + 2 × (2 + 0.75 + 24 + 2) + 5 = 63.5 days).
pub(super) const MAX_LIFE_DAYS: i64 = 64;
/// A stale item is created at least this long before the last creation.
const STALE_MARGIN_DAYS: i64 = 40;

/// The creation window of a scenario inside a `days`-day window: every life then ends before
/// the window does (windows shorter than 2 × 64 days: the first half, lives may be cut).
pub(super) fn creation_days(days: i64) -> i64 {
    creation_days_with(days, MAX_LIFE_DAYS)
}

/// The creation window of `scenario`: `Improving` (whose lives end within 4 days) creates
/// items until a week before the end, so that every quarter gets the same flow of items.
pub(super) fn creation_days_of(scenario: Scenario, days: i64) -> i64 {
    match scenario {
        Scenario::Improving => creation_days_with(days, 7),
        _ => creation_days(days),
    }
}

fn creation_days_with(days: i64, max_life: i64) -> i64 {
    if days >= 2 * max_life {
        days - max_life
    } else {
        (days / 2).max(1)
    }
}

/// The item being generated: its team, its number in the team (from 0), its creation instant
/// and the end of the creation window (UTC seconds).
pub(super) struct Item {
    pub(super) home: usize,
    pub(super) k: u64,
    pub(super) created: i64,
    pub(super) last_creation: i64,
    /// The middle of the generated window (UTC seconds).
    pub(super) midpoint: i64,
}

/// Fill `buf` with the whole planted life of `item`.
pub(super) fn simulate(
    org: &Org,
    plans: &[TeamPlan],
    rng: &mut Rng,
    item: &Item,
    buf: &mut Vec<Ev>,
) {
    let (plan, home, k) = (&plans[item.home], item.home, item.k);
    let reporter = org.member(rng, home);
    buf.push(Ev {
        t: item.created,
        status: Some(plan.wf.entry[0]),
        assignee: None,
        team: Some(home),
        actor: reporter,
        source: Source::Jira,
    });
    let owner = org.member(rng, home);
    let speed = if plan.faster_later && item.created >= item.midpoint {
        0.5
    } else {
        1.0
    };
    let mut life = Life {
        org,
        rng,
        buf,
        t: item.created,
        team: home,
        assignee: owner,
        speed,
    };
    if k < plan.stale && item.created + STALE_MARGIN_DAYS * DAY <= item.last_creation {
        let wait = life.uniform(STALE_ASSIGN_DAYS);
        return life.emit(wait, None, Some((owner, None)), reporter, Source::Jira);
    }
    let mut legs = Vec::new();
    if let Some(b) = plan.bounce.filter(|b| b.share.picks(k)) {
        let visitor = life.org.member(life.rng, b.partner);
        for _ in 0..b.times {
            legs.extend([(b.partner, visitor), (home, owner)]);
        }
    } else if let Some((_, path)) = plan.hand_over.as_ref().filter(|h| h.0.picks(k)) {
        legs.extend(path.iter().map(|&t| (t, org.member(life.rng, t))));
    }
    let wait = life.uniform(PICKUP_DAYS);
    life.emit(
        wait,
        Some(plan.wf.steps[0].name),
        Some((owner, None)),
        owner,
        Source::Jira,
    );
    life.walk(plan.wf, &legs);
    if plan.reopen.picks(k) {
        let wait = life.uniform(REOPEN_AFTER_DAYS);
        life.emit(
            wait,
            Some(plan.wf.steps[0].name),
            None,
            reporter,
            Source::Jira,
        );
        life.walk(plan.wf, &[]);
    }
}

/// An item on its way: the clock, the team holding it and its assignee.
struct Life<'a> {
    org: &'a Org,
    rng: &'a mut Rng,
    buf: &'a mut Vec<Ev>,
    t: i64,
    team: usize,
    assignee: u32,
    /// Factor of the active and review durations (1, or 0.5 for a team that got faster).
    speed: f64,
}

impl Life<'_> {
    fn uniform(&mut self, (lo, hi): (f64, f64)) -> f64 {
        lo + (hi - lo) * self.rng.f64()
    }

    /// An event `days` after the previous one (at least a second), optionally assigning a
    /// person (and moving the item to a team).
    fn emit(
        &mut self,
        days: f64,
        status: Option<&'static str>,
        to: Option<(u32, Option<usize>)>,
        actor: u32,
        source: Source,
    ) {
        self.t += ((days * DAY as f64) as i64).max(1);
        let (assignee, team) = match to {
            Some((p, team)) => {
                self.assignee = p;
                self.team = team.unwrap_or(self.team);
                (Some(Who::Person(p)), team)
            }
            None => (None, None),
        };
        self.buf.push(Ev {
            t: self.t,
            status,
            assignee,
            team,
            actor,
            source,
        });
    }

    /// From the first step (already set) to the delivery status. `legs` (team, person) are
    /// handed the item in turn at equal intervals inside the first step, so they change no
    /// duration (and no status: every team of a leg knows the first step).
    fn walk(&mut self, wf: &'static Workflow, legs: &[(usize, u32)]) {
        for (i, step) in wf.steps.iter().enumerate() {
            let range = match step.kind {
                Kind::Active => ACTIVE_DAYS,
                Kind::Review => REVIEW_DAYS,
                Kind::Queue => QUEUE_DAYS,
            };
            let mut left = self.uniform(range) * self.speed;
            if i == 0 && !legs.is_empty() {
                let gap = left / (legs.len() + 1) as f64;
                for &(team, person) in legs {
                    self.emit(
                        gap,
                        None,
                        Some((person, Some(team))),
                        self.assignee,
                        Source::Jira,
                    );
                    left -= gap;
                }
            }
            let next = wf.steps.get(i + 1).map_or(wf.done[0], |s| s.name);
            let (actor, source) = self.actor(step.kind);
            self.emit(left, Some(next), None, actor, source);
        }
    }

    /// Who leaves a step: the reviewer through GitHub for a review, else the assignee in Jira.
    fn actor(&mut self, kind: Kind) -> (u32, Source) {
        if kind == Kind::Review {
            (
                self.org.other_member(self.rng, self.team, self.assignee),
                Source::Github,
            )
        } else {
            (self.assignee, Source::Jira)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{category, events, items};
    use super::super::{write_inventory, write_roster, GenerateOptions};
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    const PLANTED: [Scenario; 10] = [
        Scenario::Healthy,
        Scenario::Queues,
        Scenario::PingPong,
        Scenario::Rework,
        Scenario::Divergent,
        Scenario::Sprawl,
        Scenario::Stale,
        Scenario::Small,
        Scenario::Middling,
        Scenario::Sprawling,
    ];
    const CORE_STATUSES: [&str; 4] = ["To Do", "In Progress", "In Review", "Done"];

    fn opts(scenario: Scenario, seed: u64) -> GenerateOptions {
        GenerateOptions {
            seed,
            scenario,
            ..GenerateOptions::default()
        }
    }

    fn inventory(o: &GenerateOptions) -> String {
        let mut inv = Vec::new();
        write_inventory(o, &mut inv).unwrap();
        String::from_utf8(inv).unwrap()
    }

    /// One generated item, read back from the CSV.
    struct Read {
        id: String,
        /// (instant, status) of every status event.
        statuses: Vec<(String, String)>,
        /// Team sequence, consecutive repeats collapsed (METRICS.md §4).
        teams: Vec<String>,
        last_event: String,
    }

    impl Read {
        fn home(&self) -> &str {
            &self.teams[0]
        }
        fn last_status(&self) -> &str {
            &self.statuses.last().unwrap().1
        }
        fn reopened(&self) -> bool {
            self.statuses
                .windows(2)
                .any(|w| category(&w[0].1) == "done" && category(&w[1].1) != "done")
        }
        fn ping_pongs(&self) -> usize {
            self.teams.windows(3).filter(|w| w[0] == w[2]).count()
        }
    }

    fn read(csv: &str) -> Vec<Read> {
        items(csv)
            .into_iter()
            .map(|(id, rows)| {
                let statuses = rows
                    .iter()
                    .filter(|r| !r[2].is_empty())
                    .map(|r| (r[1].clone(), r[2].clone()))
                    .collect();
                let mut teams: Vec<String> = Vec::new();
                for r in rows.iter().filter(|r| !r[4].is_empty()) {
                    if teams.last() != Some(&r[4]) {
                        teams.push(r[4].clone());
                    }
                }
                let last_event = rows.last().unwrap()[1].clone();
                Read {
                    id,
                    statuses,
                    teams,
                    last_event,
                }
            })
            .collect()
    }

    fn generate(s: Scenario) -> Vec<Read> {
        read(&events(&opts(s, 42)).0)
    }

    /// Statuses used per team (the team holding the item when the status was set).
    fn workflows(items: &[Read]) -> BTreeMap<String, BTreeSet<String>> {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for it in items {
            let team = it.teams.last().unwrap().clone();
            m.entry(team)
                .or_default()
                .extend(it.statuses.iter().map(|s| s.1.clone()));
        }
        m
    }

    /// Share of a team's items (by home team) for which `f` holds.
    fn share(items: &[Read], team: &str, f: impl Fn(&Read) -> bool) -> (usize, usize) {
        let of: Vec<&Read> = items.iter().filter(|i| i.home() == team).collect();
        (of.iter().filter(|i| f(i)).count(), of.len())
    }

    /// UTC seconds of the generator's fixed-width `YYYY-MM-DDThh:mm:ssZ` (civil-from-days).
    fn secs(t: &str) -> i64 {
        let n = |r: std::ops::Range<usize>| t[r].parse::<i64>().unwrap();
        let (m, d) = (n(5..7), n(8..10));
        let y = n(0..4) - i64::from(m <= 2);
        let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
        days * DAY + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
    }

    /// Σ active days ÷ Σ cycle days of a team's done items, from the CSV (METRICS.md §3).
    fn flow_efficiency(items: &[Read], team: &str) -> f64 {
        let (mut active, mut cycle) = (0.0, 0.0);
        for it in items
            .iter()
            .filter(|i| i.teams.last().unwrap() == team && category(i.last_status()) == "done")
        {
            let s = &it.statuses;
            let start = s.iter().position(|x| category(&x.1) != "backlog").unwrap();
            let finish = s.iter().rposition(|x| category(&x.1) != "done").unwrap() + 1;
            for w in s[start..=finish].windows(2) {
                if category(&w[0].1) == "active" {
                    active += (secs(&w[1].0) - secs(&w[0].0)) as f64;
                }
            }
            cycle += (secs(&s[finish].0) - secs(&s[start].0)) as f64;
        }
        active / cycle
    }

    #[test]
    fn names_round_trip_and_team_counts() {
        assert_eq!(secs("2024-03-01T00:00:01Z"), 1_709_251_201);
        for s in Scenario::ALL {
            assert_eq!(s.name().parse::<Scenario>(), Ok(s));
            assert_eq!(s.to_string(), s.name());
        }
        assert!("pingpong"
            .parse::<Scenario>()
            .unwrap_err()
            .to_string()
            .contains("ping-pong"));
        assert_eq!(Scenario::default(), Scenario::Realistic);
        let teams: Vec<usize> = Scenario::ALL.iter().map(|s| s.teams(2)).collect();
        assert_eq!(teams, [2, 4, 4, 4, 4, 4, 4, 4, 3, 5, 10, 4]);
        assert_eq!(Scenario::Healthy.teams(12), 12);
        assert_eq!(Scenario::Sprawling.teams(12), 10);
    }

    #[test]
    fn same_scenario_and_seed_same_bytes_other_seed_other_bytes() {
        for s in PLANTED {
            let bytes = |seed| {
                let o = opts(s, seed);
                let mut roster = Vec::new();
                write_roster(&o, &mut roster).unwrap();
                (events(&o).0, inventory(&o), roster)
            };
            assert_eq!(bytes(7), bytes(7), "{s}");
            assert_ne!(bytes(7).0, bytes(8).0, "{s}");
        }
    }

    #[test]
    fn planted_workflows_fall_in_their_intended_category() {
        for wf in [&CORE, &QUEUED].into_iter().chain(&DIVERGENT) {
            assert!(wf.entry.iter().all(|s| category(s) == "backlog"));
            for s in wf.steps {
                let want = if s.kind == Kind::Queue {
                    "waiting"
                } else {
                    "active"
                };
                assert_eq!(category(s.name), want, "{}", s.name);
            }
            assert!(wf.done.iter().all(|s| category(s) == "done"));
            assert!(DIVERGENT
                .iter()
                .all(|d| d.statuses().all(|s| !CORE.has(s) && !QUEUED.has(s))));
        }
    }

    #[test]
    fn every_life_fits_the_window_margin() {
        let pass = |wf: &Workflow| -> f64 {
            wf.steps
                .iter()
                .map(|s| match s.kind {
                    Kind::Active => ACTIVE_DAYS.1,
                    Kind::Review => REVIEW_DAYS.1,
                    Kind::Queue => QUEUE_DAYS.1,
                })
                .sum()
        };
        let longest = [&CORE, &QUEUED]
            .into_iter()
            .chain(&DIVERGENT)
            .map(pass)
            .fold(0.0, f64::max);
        assert!(PICKUP_DAYS.1 + 2.0 * longest + REOPEN_AFTER_DAYS.1 <= MAX_LIFE_DAYS as f64);
        assert_eq!(creation_days(182), 118);
    }

    #[test]
    fn every_planted_item_is_finished_in_its_teams_workflow_except_stale_ones() {
        for s in PLANTED {
            let o = opts(s, 3);
            let (csv, summary) = events(&o);
            let items = read(&csv);
            assert_eq!((items.len(), summary.teams.len()), (600, s.teams(6)), "{s}");
            let open: Vec<&Read> = items
                .iter()
                .filter(|i| category(i.last_status()) != "done")
                .collect();
            let want_open = if s == Scenario::Stale { 5 } else { 0 };
            assert_eq!(open.len(), want_open, "{s}: open items");
            assert!(
                items.iter().all(|i| i.last_event.as_str() < "2024-07-01"),
                "{s}"
            );
            let plans = s.plans(summary.teams.len()).unwrap();
            let wf: BTreeMap<&str, &Workflow> = summary
                .teams
                .iter()
                .map(String::as_str)
                .zip(plans.iter().map(|p| p.wf))
                .collect();
            for it in &items {
                // No status leaves its category's order: never backlog after the start, never
                // blocked, waiting only in "Ready for QA".
                assert!(
                    it.statuses
                        .iter()
                        .all(|x| wf[it.teams.last().unwrap().as_str()].has(&x.1)),
                    "{s} {}",
                    it.id
                );
                let cats: Vec<&str> = it.statuses.iter().map(|x| category(&x.1)).collect();
                assert!(
                    cats.iter()
                        .skip(1)
                        .all(|c| *c != "backlog" && *c != "blocked" && *c != "canceled"),
                    "{s} {}",
                    it.id
                );
            }
        }
    }

    #[test]
    fn healthy_has_no_queue_no_team_change_no_reopen_and_one_tool_per_category() {
        let items = generate(Scenario::Healthy);
        for it in &items {
            let statuses: Vec<&str> = it.statuses.iter().map(|s| s.1.as_str()).collect();
            assert_eq!(statuses, CORE_STATUSES, "{}", it.id);
            assert_eq!(it.teams.len(), 1, "{}", it.id);
        }
        let inv = inventory(&opts(Scenario::Healthy, 42));
        let mut per_team: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut by_category: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for line in inv.lines().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            let (seats, active): (f64, f64) = (c[3].parse().unwrap(), c[4].parse().unwrap());
            assert!(active >= 0.9 * seats && active <= seats, "{line}");
            per_team.entry(c[0]).or_default().push(c[1]);
            by_category.entry(c[2]).or_default().insert(c[1]);
        }
        assert_eq!(per_team.len(), 6);
        assert!(per_team.values().all(|t| *t == per_team["Payments"]));
        assert!(by_category.values().all(|t| t.len() == 1));
    }

    #[test]
    fn queues_wait_in_ready_for_qa_only_in_the_first_team() {
        let items = generate(Scenario::Queues);
        for it in &items {
            let waits = it
                .statuses
                .iter()
                .filter(|s| category(&s.1) == "waiting")
                .count();
            if it.home() == "Payments" {
                assert!(
                    it.statuses.iter().any(|s| s.1 == "Ready for QA"),
                    "{}",
                    it.id
                );
            } else {
                assert_eq!(waits, 0, "{}", it.id);
            }
        }
        assert!(flow_efficiency(&items, "Payments") < 0.25);
        assert_eq!(flow_efficiency(&items, "Checkout"), 1.0);
    }

    #[test]
    fn ping_pong_alternates_between_the_planted_pair_and_handoffs_elsewhere_are_one_way() {
        let items = generate(Scenario::PingPong);
        let pair = ["Checkout", "Payments"];
        for team in pair {
            let bounced: Vec<&Read> = items
                .iter()
                .filter(|i| i.home() == team && i.teams.len() > 1)
                .collect();
            assert_eq!(bounced.len(), 34, "{team}");
            for it in bounced {
                let other = pair.iter().find(|t| **t != team).unwrap();
                let want: Vec<&str> = [team, other, team, other, team].into();
                assert_eq!(it.teams, want, "{}", it.id);
            }
        }
        let elsewhere: Vec<&Read> = items
            .iter()
            .filter(|i| !pair.contains(&i.home()) && i.teams.len() > 1)
            .collect();
        assert_eq!(elsewhere.len(), 4 * 20);
        assert!(elsewhere
            .iter()
            .all(|i| i.ping_pongs() == 0 && i.teams.iter().all(|t| !pair.contains(&t.as_str()))));
        assert!(
            elsewhere.iter().any(|i| i.teams.len() == 3),
            "a two-step one-way chain"
        );
    }

    #[test]
    fn rework_reopens_two_in_five_items_of_one_team() {
        let items = generate(Scenario::Rework);
        assert_eq!(share(&items, "Search", Read::reopened), (40, 100));
        for team in ["Payments", "Checkout", "Platform", "Mobile", "Growth"] {
            assert_eq!(share(&items, team, Read::reopened), (4, 100), "{team}");
        }
    }

    #[test]
    fn divergent_teams_speak_their_own_vocabulary() {
        let w = workflows(&generate(Scenario::Divergent));
        let set = |v: &[&str]| {
            v.iter()
                .map(|s| s.to_string())
                .collect::<BTreeSet<String>>()
        };
        assert_eq!(w["Checkout"], set(&["Backlog", "Doing", "Closed"]));
        assert_eq!(w["Platform"], set(&["Open", "Working", "Shipped"]));
        for team in ["Payments", "Search", "Mobile", "Growth"] {
            assert_eq!(w[team], set(&CORE_STATUSES), "{team}");
        }
    }

    #[test]
    fn sprawl_fragments_exactly_docs_and_ci_and_underuses_one_licence() {
        let inv = inventory(&opts(Scenario::Sprawl, 42));
        let mut by_category: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut team_category: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut underused = Vec::new();
        for line in inv.lines().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            by_category.entry(c[2]).or_default().insert(c[1]);
            *team_category.entry((c[0], c[2])).or_default() += 1;
            let (seats, active): (f64, f64) = (c[3].parse().unwrap(), c[4].parse().unwrap());
            if active < 0.8 * seats {
                underused.push((c[0], c[1]));
            }
        }
        let fragmented: Vec<&str> = by_category
            .iter()
            .filter(|(_, t)| t.len() >= 2)
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(fragmented, ["ci", "docs"]);
        let overlapping: Vec<(&str, &str)> = team_category
            .iter()
            .filter(|(_, n)| **n >= 2)
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(overlapping, [("Checkout", "ci"), ("Payments", "docs")]);
        assert_eq!(underused, [("Search", "Figma")]);
    }

    #[test]
    fn stale_items_idle_a_month_in_one_team() {
        let items = generate(Scenario::Stale);
        let as_of = items.iter().map(|i| i.last_event.clone()).max().unwrap();
        let open: Vec<&Read> = items
            .iter()
            .filter(|i| category(i.last_status()) != "done")
            .collect();
        assert_eq!(open.len(), 5);
        for it in open {
            assert_eq!(
                (it.home(), it.last_status(), it.teams.len()),
                ("Platform", "To Do", 1)
            );
            assert!(secs(&as_of) - secs(&it.last_event) >= 30 * DAY, "{}", it.id);
        }
    }

    #[test]
    fn struggling_teams_fire_three_signals_by_construction() {
        // (scenario, teams, struggling teams, items per team)
        let cases: [(Scenario, usize, &[&str], usize); 3] = [
            (Scenario::Small, 3, &["Payments"], 200),
            (Scenario::Middling, 5, &["Payments", "Checkout"], 120),
            (
                Scenario::Sprawling,
                10,
                &[
                    "Payments", "Checkout", "Search", "Platform", "Mobile", "Growth",
                ],
                60,
            ),
        ];
        for (s, n, struggling, per_team) in cases {
            let items = generate(s);
            let teams: BTreeSet<&str> = items.iter().map(|i| i.home()).collect();
            assert_eq!(teams.len(), n, "{s}");
            for team in teams {
                let (reopened, total) = share(&items, team, Read::reopened);
                let (bounced, _) = share(&items, team, |i| i.ping_pongs() > 0);
                let fe = flow_efficiency(&items, team);
                let fired = [fe < 0.25, bounced * 10 > total, reopened * 10 > total];
                if struggling.contains(&team) {
                    assert_eq!(total, per_team, "{s} {team}");
                    assert_eq!(
                        fired, [true; 3],
                        "{s} {team}: fe {fe}, {bounced} bounced, {reopened} reopened"
                    );
                } else {
                    assert_eq!(fired, [false; 3], "{s} {team}");
                }
            }
            let changed = items.iter().filter(|i| i.teams.len() > 1).count();
            assert!(
                changed * 10 < 3 * items.len(),
                "{s}: team change rate {changed}/{}",
                items.len()
            );
        }
        let w = workflows(&generate(Scenario::Sprawling));
        let divergent = ["Identity", "Data", "Billing", "Onboarding"];
        assert!(divergent
            .iter()
            .all(|t| w[*t].iter().all(|s| !QUEUED.has(s))));
        let inv = inventory(&opts(Scenario::Sprawling, 42));
        let overlap: BTreeSet<&str> = inv
            .lines()
            .filter(|l| l.contains(",Notion,") || l.contains(",Jenkins,"))
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(overlap.len(), 6);
    }
}
