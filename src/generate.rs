//! `flowaudit generate`: a seeded synthetic organisation (events CSV, tool inventory CSV,
//! roster CSV), from which the bundled `sample-data/` and the benchmark inputs are made.
//!
//! Invariants:
//! - Output is a pure function of [`GenerateOptions`], on any machine and with any dependency
//!   version: the module carries its own PRNG (SplitMix64 seeding xoshiro256**) and its own
//!   `ln`/`exp` built from IEEE basic arithmetic, so no platform libm can change a digit. Each
//!   item draws from its own stream (seed, item index).
//! - Events are streamed item by item: memory is O(teams + one item's events).
//! - Items are written in creation order; within an item timestamps strictly increase (whole
//!   seconds, UTC). No event is at or after `start + days`: items in flight there stay open.
//! - An item's first event sets its status and team; later events set a field only when it
//!   changes (an empty cell means unchanged, `unassigned` means nobody).
//! - Every status an event sets belongs to the workflow of the team holding the item after
//!   that event, and falls in its intended category under the default name patterns of
//!   METRICS.md §2 (queues → waiting, work and review → active, …).
//! - No generated field contains a comma, a quote or a line break: rows need no quoting.

use crate::model::Ts;
use crate::time::format_instant;
use std::io::{self, Write};
use std::ops::Range;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const MAX_WAIT_DAYS: f64 = 400.0;
/// Mean events per item at 10 teams, ×10, measured on this generator: sizes `for_events`.
const EVENTS_PER_ITEM_X10: usize = 73;

// Independent random streams: changing the inventory never changes the events.
const STREAM_ORG: u64 = 1;
const STREAM_INVENTORY: u64 = 2;
const STREAM_ITEMS: u64 = 3;

// The shape of an item's life, in one place. Per item unless said otherwise.
const P_CANCEL: f64 = 0.05;
const P_STALL: f64 = 0.12; // sits in the backlog for months
const P_SLOW_STEP: f64 = 0.08; // one step takes ~8x longer (aging work in progress)
const P_BACKWARD: f64 = 0.06; // started, then moved back to the backlog
const P_REASSIGN: f64 = 0.15;
const P_TEAM_HANDOFF: f64 = 0.22;
const P_ONE_WAY: f64 = 0.35; // of handoffs, when a team can take over the whole workflow
const P_SECOND_BOUNCE: f64 = 0.25; // of ping-pongs: A → B → A → B → A
const P_BLOCK: f64 = 0.10; // per active or review step
const P_REWORK: f64 = 0.25; // per review: sent back to the work step
const P_REOPEN: f64 = 0.10; // per delivered item
const P_WORKING_HOURS: f64 = 0.85; // share of events moved into weekday working hours

/// What to generate. Same options → byte-identical output.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Seed of every random choice (default 42).
    pub seed: u64,
    /// Number of teams (default 6; at least 1 is generated).
    pub teams: usize,
    /// Number of work items (default 600).
    pub items: usize,
    /// First creation instant (default 2024-01-01T00:00:00Z).
    pub start: Ts,
    /// Creation window in days (default 182, two quarters; at least 1). No event falls at or
    /// after `start + days`; the last event is the natural `as_of`.
    pub days: u32,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            seed: 42,
            teams: 6,
            items: 600,
            start: 1_704_067_200_000_000,
            days: 182,
        }
    }
}

impl GenerateOptions {
    /// Options for about `n_events` events (benchmarks): 10 teams, where this generator writes
    /// about 7.3 events per item, so `n_events / 7.3` items (at least 1), default window.
    pub fn for_events(n_events: usize, seed: u64) -> Self {
        let items = (n_events.saturating_mul(10) / EVENTS_PER_ITEM_X10).max(1);
        GenerateOptions {
            seed,
            teams: 10,
            items,
            ..GenerateOptions::default()
        }
    }
}

/// What [`write_events`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Number of items (always `opts.items`: every item has at least its creation event).
    pub items: usize,
    /// Number of event rows (header excluded).
    pub events: usize,
    /// Team names, in generation order.
    pub teams: Vec<String>,
}

/// Stream the events CSV (`item_id,timestamp,status,assignee,team,actor,source`) to `w`,
/// item by item in creation order. Item ids are the team key and a per-team number
/// (`PAY-123`). Pass a `BufWriter`: every row is a small write. The caller flushes.
pub fn write_events<W: Write>(opts: &GenerateOptions, w: &mut W) -> io::Result<GenerateSummary> {
    let org = Org::new(opts.seed, opts.teams);
    let start = opts.start.div_euclid(1_000_000) + i64::from(opts.start.rem_euclid(1_000_000) != 0);
    let days = i64::from(opts.days.max(1));
    let schedule = Schedule::new(start, days);
    w.write_all(b"item_id,timestamp,status,assignee,team,actor,source\n")?;
    let (mut numbers, mut buf, mut events) =
        (vec![0u64; org.teams.len()], Vec::with_capacity(64), 0);
    for i in 0..opts.items {
        let mut rng = Rng::new(opts.seed, STREAM_ITEMS, i as u64);
        let created = schedule.instant(i, opts.items, &mut rng);
        let home = rng.weighted(&org.team_weights);
        numbers[home] += 1;
        let id = format!("{}-{}", org.teams[home].key, numbers[home]);
        buf.clear();
        simulate(&org, &mut rng, home, created, &mut buf);
        for ev in buf.iter().take_while(|e| e.t < start + days * DAY) {
            write_event(w, &org, &id, ev)?;
            events += 1;
        }
    }
    let teams = org.teams.iter().map(|t| t.name.clone()).collect();
    Ok(GenerateSummary {
        items: opts.items,
        events,
        teams,
    })
}

/// Write the tool inventory CSV (`team,tool,category,seats,active_users,annual_cost`): 4 to 7
/// tools per team, a couple of teams with a second docs or CI tool, one or two under-used
/// licences (utilisation < 0.8), `annual_cost = seats × list price per seat`.
pub fn write_inventory<W: Write>(opts: &GenerateOptions, w: &mut W) -> io::Result<()> {
    let org = Org::new(opts.seed, opts.teams);
    w.write_all(b"team,tool,category,seats,active_users,annual_cost\n")?;
    for (team, rows) in org.teams.iter().zip(inventory(&org, opts.seed)) {
        for Row {
            tool,
            seats,
            active,
        } in rows
        {
            let cost = seats * tool.price;
            writeln!(
                w,
                "{},{},{},{seats},{active},{cost}",
                team.name, tool.name, tool.category
            )?;
        }
    }
    Ok(())
}

/// Write the roster CSV (`person,team,headcount`): every generated person with their team and
/// that team's head count (repeated on each of the team's rows).
pub fn write_roster<W: Write>(opts: &GenerateOptions, w: &mut W) -> io::Result<()> {
    let org = Org::new(opts.seed, opts.teams);
    w.write_all(b"person,team,headcount\n")?;
    for team in &org.teams {
        for p in team.members.clone() {
            writeln!(w, "{},{},{}", org.people[p], team.name, team.members.len())?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Randomness: our own generator and math, so output never depends on a platform or a crate.

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** seeded through SplitMix64 from (seed, stream, index).
struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut sm = seed;
        let mut sm = splitmix64(&mut sm)
            ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03)
            ^ index.wrapping_mul(0x8CB9_2BA7_2F3D_8DD7);
        // Four consecutive SplitMix64 outputs are never all zero (xoshiro's one bad state).
        Rng([
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1), 53 bits.
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    /// Uniform in `0..n` (multiply-shift; bias below n / 2^64). `n` must be > 0.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below((hi - lo + 1) as usize) as u64
    }

    /// Index drawn with probability proportional to weight; `cum` holds the running sums.
    fn weighted(&mut self, cum: &[u64]) -> usize {
        let total = *cum.last().expect("invariant: at least one team");
        let x = ((u128::from(self.next_u64()) * u128::from(total)) >> 64) as u64;
        cum.partition_point(|&c| c <= x)
    }

    /// Log-normal with the given median and shape; the normal deviate comes from Marsaglia's
    /// polar method, which needs only `ln` and `sqrt` (correctly rounded by IEEE 754).
    fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        loop {
            let (u, v) = (2.0 * self.f64() - 1.0, 2.0 * self.f64() - 1.0);
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return median * exp(sigma * u * (-2.0 * ln(s) / s).sqrt());
            }
        }
    }
}

/// Natural logarithm of a positive normal float from basic arithmetic: x = m·2^e with
/// m in [√½, √2), ln m = 2·atanh((m−1)/(m+1)) by its series (|s| ≤ 0.172: 12 terms suffice).
fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let (mut term, mut sum) = (s, 0.0);
    for k in 0..12 {
        sum += term / (2 * k + 1) as f64;
        term *= s * s;
    }
    2.0 * sum + e as f64 * std::f64::consts::LN_2
}

/// e^x from basic arithmetic: x = k·ln 2 + r with |r| ≤ 0.35, Taylor series of e^r, times 2^k.
fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let k = (x / std::f64::consts::LN_2 + if x >= 0.0 { 0.5 } else { -0.5 }) as i64;
    let r = x - k as f64 * std::f64::consts::LN_2;
    let (mut term, mut sum) = (1.0, 1.0);
    for n in 1..=18 {
        term *= r / n as f64;
        sum += term;
    }
    sum * f64::from_bits(((k + 1023) as u64) << 52)
}

// ---------------------------------------------------------------------------------------------
// Calendar: weekday working hours on UTC seconds (1970-01-01 was a Thursday).

/// 0 = Monday.
fn weekday(t: i64) -> i64 {
    (t.div_euclid(DAY) + 3).rem_euclid(7)
}

/// How likely an item is created in the hour starting at `t`.
fn creation_weight(t: i64) -> f64 {
    match (weekday(t) < 5, t.rem_euclid(DAY) / HOUR) {
        (true, 9..=16) => 1.0,
        (true, 7..=8 | 17..=19) => 0.3,
        (true, _) => 0.02,
        (false, 10..=17) => 0.05,
        (false, _) => 0.01,
    }
}

/// Move `t` forward into weekday working hours (08:00–17:00 UTC) when it falls outside
/// 08:00–19:00 or on a weekend.
fn working_time(t: i64, rng: &mut Rng) -> i64 {
    let (day, sod, wd) = (t.div_euclid(DAY), t.rem_euclid(DAY), weekday(t));
    let target = match wd {
        5 | 6 => day + 7 - wd,
        _ if sod < 8 * HOUR => day,
        _ if sod < 19 * HOUR => return t,
        4 => day + 3,
        _ => day + 1,
    };
    target * DAY + 8 * HOUR + rng.range(0, 9 * HOUR as u64) as i64
}

/// Creation instants: item `i` of `n` falls in the i-th of n equal slices of the window's
/// cumulative hourly weight, so instants never decrease with `i` (creation order for free).
struct Schedule {
    start: i64,
    cum: Vec<f64>,
}

impl Schedule {
    fn new(start: i64, days: i64) -> Schedule {
        let mut cum = vec![0.0];
        for h in 0..days * 24 {
            cum.push(cum[cum.len() - 1] + creation_weight(start + h * HOUR));
        }
        Schedule { start, cum }
    }

    fn instant(&self, i: usize, n: usize, rng: &mut Rng) -> i64 {
        let u = (i as f64 + rng.f64()) / n as f64 * self.cum[self.cum.len() - 1];
        let h = self
            .cum
            .partition_point(|&c| c <= u)
            .saturating_sub(1)
            .min(self.cum.len() - 2);
        let frac = ((u - self.cum[h]) / (self.cum[h + 1] - self.cum[h])).clamp(0.0, 1.0);
        self.start + h as i64 * HOUR + ((frac * HOUR as f64) as i64).min(HOUR - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// The organisation: teams, people, workflows.

/// A committed step: `Active` someone works on it; `Review` active, entered and left through
/// the code host (pull request opened, merged); `Queue` waiting between steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Active,
    Review,
    Queue,
}

struct Step {
    name: &'static str,
    kind: Kind,
}

const fn act(name: &'static str) -> Step {
    Step {
        name,
        kind: Kind::Active,
    }
}
const fn rev(name: &'static str) -> Step {
    Step {
        name,
        kind: Kind::Review,
    }
}
const fn queue(name: &'static str) -> Step {
    Step {
        name,
        kind: Kind::Queue,
    }
}

/// A team's workflow: backlog statuses, committed steps in order, delivery statuses (a second
/// one is a later "Closed"), the side statuses, and where a reopened item goes (`None`: back
/// to the first step).
struct Workflow {
    entry: &'static [&'static str],
    steps: &'static [Step],
    done: &'static [&'static str],
    blocked: &'static str,
    canceled: &'static str,
    reopened: Option<&'static str>,
}

impl Workflow {
    fn statuses(&'static self) -> impl Iterator<Item = &'static str> {
        let steps = self.steps.iter().map(|s| s.name);
        let ends = self
            .done
            .iter()
            .copied()
            .chain([self.blocked, self.canceled])
            .chain(self.reopened);
        self.entry.iter().copied().chain(steps).chain(ends)
    }

    fn has(&'static self, status: &str) -> bool {
        self.statuses().any(|s| s == status)
    }
}

const fn wf(
    entry: &'static [&'static str],
    steps: &'static [Step],
    done: &'static [&'static str],
    blocked: &'static str,
    canceled: &'static str,
    reopened: Option<&'static str>,
) -> Workflow {
    Workflow {
        entry,
        steps,
        done,
        blocked,
        canceled,
        reopened,
    }
}

/// Team `i` follows `WORKFLOWS[i % 14]`. The first six (the default organisation) share the
/// core To Do → In Progress → In Review → Done, with extra queues, a test step or a
/// Resolved → Closed ending, and Growth speaks its own Kanban vocabulary; the next four widen
/// the vocabulary to 40 statuses at 10 teams.
#[rustfmt::skip]
static WORKFLOWS: [Workflow; 14] = [
    // Payments: queues before review and before QA.
    wf(&["To Do"], &[act("In Progress"), queue("Ready for Review"), rev("In Review"), queue("Awaiting QA"), act("QA")],
        &["Done"], "Blocked", "Won't Do", None),
    // Checkout: the core.
    wf(&["To Do"], &[act("In Progress"), rev("In Review")], &["Done"], "Blocked", "Won't Do", None),
    // Search: a test step.
    wf(&["To Do"], &[act("In Progress"), rev("In Review"), act("Testing")], &["Done"], "Blocked", "Won't Do", None),
    // Platform: a deploy queue.
    wf(&["To Do"], &[act("In Progress"), rev("In Review"), queue("Ready for Deploy")], &["Done"], "Blocked", "Won't Do", None),
    // Mobile: QA, then Resolved → Closed.
    wf(&["To Do"], &[act("In Progress"), rev("In Review"), act("QA")], &["Resolved", "Closed"], "Blocked", "Won't Do", None),
    // Growth: a Kanban vocabulary of its own.
    wf(&["Backlog"], &[act("Doing")], &["Closed"], "On Hold", "Canceled", None),
    // Identity
    wf(&["Open"], &[act("In Development"), rev("Code Review"), queue("Ready for QA"), act("In Test")],
        &["Released"], "Impeded", "Rejected", None),
    // Data: Jira's Scrum columns plus analysis.
    wf(&["Backlog", "Selected for Development"], &[act("Analysis"), act("In Progress"), rev("In Review")],
        &["Done"], "Blocked", "Won't Do", None),
    // Billing: a long, queue-heavy pipeline.
    wf(&["New", "Triage"], &[act("Implementing"), queue("Waiting for Review"), rev("Code Review"), queue("Ready to Test"),
        act("Testing"), queue("Pending Release")], &["Deployed"], "Flagged", "Duplicate", None),
    // Onboarding
    wf(&["To Do"], &[act("Doing"), queue("To Review"), rev("In Review")], &["Shipped"], "Stuck", "Not Planned", None),
    // Notifications
    wf(&["Icebox", "To Do"], &[act("Working"), rev("In Review"), queue("Awaiting Deploy")],
        &["Complete"], "On Hold", "Abandoned", None),
    // Reporting
    wf(&["Proposed", "Planned"], &[act("In Analysis"), act("In Progress"), rev("In Review"), queue("Ready for Release")],
        &["Released"], "Blocked", "Cancelled", None),
    // Infra
    wf(&["Todo"], &[act("In Progress"), queue("Pending Approval")], &["Deployed"], "Blocked", "Won't Fix", None),
    // Support: a service desk that reopens into "Reopened".
    wf(&["Open"], &[act("In Progress"), queue("Waiting for Customer")], &["Resolved", "Closed"], "On Hold", "Duplicate",
        Some("Reopened")),
];

/// Team names and keys; team 20 + k reuses entry k with " 2" (" 3", …) appended.
#[rustfmt::skip]
const TEAM_NAMES: [(&str, &str); 20] = [
    ("Payments", "PAY"), ("Checkout", "CHK"), ("Search", "SRCH"), ("Platform", "PLAT"), ("Mobile", "MOB"),
    ("Growth", "GRW"), ("Identity", "IDN"), ("Data", "DATA"), ("Billing", "BILL"), ("Onboarding", "ONB"),
    ("Notifications", "NTF"), ("Reporting", "RPT"), ("Infra", "INFR"), ("Support", "SUP"), ("Catalog", "CAT"),
    ("Pricing", "PRC"), ("Messaging", "MSG"), ("Security", "SEC"), ("Analytics", "ANL"), ("Partners", "PTN"),
];

#[rustfmt::skip]
const FIRST: [&str; 32] = [
    "alice", "bruno", "chloe", "david", "elena", "farid", "grace", "hugo", "ines", "jonas", "keiko", "liam", "maya",
    "noah", "olga", "pedro", "quinn", "rosa", "samir", "tara", "umar", "vera", "wei", "xenia", "yusuf", "zoe", "amara",
    "ben", "carla", "dmitri", "emma", "felix",
];
#[rustfmt::skip]
const LAST: [&str; 32] = [
    "adams", "baker", "costa", "dubois", "evans", "fischer", "garcia", "hansen", "ito", "jensen", "kowalski", "lopez",
    "martin", "nakamura", "okafor", "petrov", "rossi", "schmidt", "tanaka", "ulrich", "varga", "weber", "xu", "yilmaz",
    "zhang", "andersen", "bianchi", "chen", "diaz", "eriksson", "novak", "moreau",
];

/// The e-mail of person `p`: a bijection of `p` onto first × last names within each block of
/// 1,024 people (613 is odd, hence invertible mod 1,024); later blocks get a number suffix.
fn person_name(p: usize, offset: usize) -> String {
    let n = FIRST.len() * LAST.len();
    let q = (p % n * 613 + offset) % n;
    let (first, last) = (FIRST[q % FIRST.len()], LAST[q / FIRST.len()]);
    match p / n {
        0 => format!("{first}.{last}@example.com"),
        k => format!("{first}.{last}{}@example.com", k + 1),
    }
}

/// `members` index `Org::people`, `template` indexes `WORKFLOWS`; `handoff_weight` weighs the
/// team as the receiving side of a handoff (Platform is everyone's dependency).
struct Team {
    name: String,
    key: String,
    members: Range<usize>,
    template: usize,
    wf: &'static Workflow,
    handoff_weight: u64,
}

struct Org {
    teams: Vec<Team>,
    people: Vec<String>,
    /// Running sums of head counts: items are spread over teams by size.
    team_weights: Vec<u64>,
    /// `covers[a][b]`: workflow template `b` has every status of template `a`.
    covers: Vec<Vec<bool>>,
}

impl Org {
    fn new(seed: u64, n_teams: usize) -> Org {
        let mut rng = Rng::new(seed, STREAM_ORG, 0);
        let offset = rng.below(FIRST.len() * LAST.len());
        let (mut teams, mut people, mut team_weights) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n_teams.max(1) {
            let (base, key) = TEAM_NAMES[i % TEAM_NAMES.len()];
            let (name, key) = match i / TEAM_NAMES.len() {
                0 => (base.to_string(), key.to_string()),
                r => (format!("{base} {}", r + 1), format!("{key}{}", r + 1)),
            };
            let (first, size) = (people.len(), rng.range(3, 8) as usize);
            people.extend((first..first + size).map(|p| person_name(p, offset)));
            team_weights.push(team_weights.last().copied().unwrap_or(0) + size as u64);
            let (template, handoff_weight) =
                (i % WORKFLOWS.len(), if base == "Platform" { 3 } else { 1 });
            let members = first..people.len();
            teams.push(Team {
                name,
                key,
                members,
                template,
                wf: &WORKFLOWS[template],
                handoff_weight,
            });
        }
        let covers = WORKFLOWS.iter().map(|a| {
            WORKFLOWS
                .iter()
                .map(|b| a.statuses().all(|s| b.has(s)))
                .collect()
        });
        Org {
            teams,
            people,
            team_weights,
            covers: covers.collect(),
        }
    }

    fn member(&self, rng: &mut Rng, team: usize) -> u32 {
        let m = &self.teams[team].members;
        (m.start + rng.below(m.len())) as u32
    }

    /// A member of `team` other than `not` (teams have at least 3 people).
    fn other_member(&self, rng: &mut Rng, team: usize, not: u32) -> u32 {
        let m = &self.teams[team].members;
        if !m.contains(&(not as usize)) {
            return self.member(rng, team);
        }
        let p = m.start + rng.below(m.len() - 1);
        (if p >= not as usize { p + 1 } else { p }) as u32
    }

    /// A team other than `exclude` for which `ok` holds, drawn by handoff weight.
    fn pick_team(
        &self,
        rng: &mut Rng,
        exclude: usize,
        ok: impl Fn(&Team) -> bool,
    ) -> Option<usize> {
        let eligible = || {
            self.teams
                .iter()
                .enumerate()
                .filter(|&(i, t)| i != exclude && ok(t))
        };
        let total: u64 = eligible().map(|(_, t)| t.handoff_weight).sum();
        if total == 0 {
            return None;
        }
        let mut x = rng.below(total as usize) as u64;
        for (i, t) in eligible() {
            if x < t.handoff_weight {
                return Some(i);
            }
            x -= t.handoff_weight;
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// One item's life.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Person(u32),
    Nobody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Jira,
    Github,
}

/// One event row, times in UTC seconds, people and teams by index; `None` is an empty cell.
struct Ev {
    t: i64,
    status: Option<&'static str>,
    assignee: Option<Who>,
    team: Option<usize>,
    actor: u32,
    source: Source,
}

fn write_event<W: Write>(w: &mut W, org: &Org, id: &str, ev: &Ev) -> io::Result<()> {
    let assignee = match ev.assignee {
        Some(Who::Person(p)) => org.people[p as usize].as_str(),
        Some(Who::Nobody) => "unassigned",
        None => "",
    };
    let team = ev.team.map_or("", |t| org.teams[t].name.as_str());
    let source = if ev.source == Source::Github {
        "github"
    } else {
        "jira"
    };
    let (when, status) = (format_instant(ev.t * 1_000_000), ev.status.unwrap_or(""));
    writeln!(
        w,
        "{id},{when},{status},{assignee},{team},{},{source}",
        org.people[ev.actor as usize]
    )
}

/// The wait before an event: exact days, or log-normal days (median, shape).
#[derive(Clone, Copy)]
enum Wait {
    Days(f64),
    Around(f64, f64),
}
use Wait::{Around, Days};

/// Interruptions planned for the first pass through the steps: the step where each happens.
#[derive(Default)]
struct Plan {
    cancel_at: Option<usize>,
    slow_at: Option<usize>,
    reassign_at: Option<usize>,
    handoff_at: Option<usize>,
    backward: bool,
}

/// True (once) when `slot` is planned for step `i`.
fn due(slot: &mut Option<usize>, i: usize) -> bool {
    slot.take_if(|s| *s == i).is_some()
}

/// One item being simulated: its clock, team and assignee now; `wf` is the workflow it follows
/// (its creating team's, kept after a one-way handoff); `owner` is who it returns to after a
/// bounce and who stands in as actor while it is unassigned.
struct Sim<'a> {
    org: &'a Org,
    rng: &'a mut Rng,
    buf: &'a mut Vec<Ev>,
    wf: &'static Workflow,
    t: i64,
    team: usize,
    assignee: Option<u32>,
    owner: u32,
}

/// Fill `buf` with the whole life of one item created at `created` in team `home`; the
/// caller drops what falls after the window.
fn simulate(org: &Org, rng: &mut Rng, home: usize, created: i64, buf: &mut Vec<Ev>) {
    let reporter = if rng.chance(0.8) {
        org.member(rng, home)
    } else {
        rng.below(org.people.len()) as u32
    };
    let wf = org.teams[home].wf;
    let (status, team) = (Some(wf.entry[0]), Some(home));
    buf.push(Ev {
        t: created,
        status,
        assignee: None,
        team,
        actor: reporter,
        source: Source::Jira,
    });
    Sim {
        org,
        rng,
        buf,
        wf,
        t: created,
        team: home,
        assignee: None,
        owner: reporter,
    }
    .life(reporter);
}

impl Sim<'_> {
    fn emit(
        &mut self,
        wait: Wait,
        status: Option<&'static str>,
        assignee: Option<Who>,
        team: Option<usize>,
        actor: u32,
        source: Source,
    ) {
        let days = match wait {
            Days(d) => d,
            Around(median, sigma) => self.rng.lognormal(median, sigma),
        };
        let mut t = self.t + (days * DAY as f64).clamp(1.0, MAX_WAIT_DAYS * DAY as f64) as i64;
        if self.rng.chance(P_WORKING_HOURS) {
            t = working_time(t, self.rng);
        }
        match assignee {
            Some(Who::Person(p)) => self.assignee = Some(p),
            Some(Who::Nobody) => self.assignee = None,
            None => {}
        }
        (self.t, self.team) = (t, team.unwrap_or(self.team));
        self.buf.push(Ev {
            t,
            status,
            assignee,
            team,
            actor,
            source,
        });
    }

    /// A status change in Jira.
    fn set(&mut self, wait: Wait, status: &'static str, actor: u32) {
        self.emit(wait, Some(status), None, None, actor, Source::Jira);
    }

    /// An assignment (and a team change when `team` is set) in Jira.
    fn assign(&mut self, wait: Wait, to: u32, team: Option<usize>, actor: u32) {
        self.emit(wait, None, Some(Who::Person(to)), team, actor, Source::Jira);
    }

    fn actor(&self) -> u32 {
        self.assignee.unwrap_or(self.owner)
    }

    fn reviewer(&mut self) -> u32 {
        self.org
            .other_member(self.rng, self.team, self.assignee.unwrap_or(self.owner))
    }

    /// Take a random share of `left` (days) for an interruption.
    fn split(&mut self, left: &mut f64) -> f64 {
        let part = *left * self.rng.f64();
        *left -= part;
        part
    }

    /// Backlog (a stalled item waits months), start, the steps, then a possible reopen and
    /// the closing of a Resolved → Closed workflow. A canceled item stops where it is canceled.
    fn life(&mut self, reporter: u32) {
        let wf = self.wf;
        let fate = self.rng.f64();
        let (cancel, stall) = (
            fate < P_CANCEL,
            (P_CANCEL..P_CANCEL + P_STALL).contains(&fate),
        );
        let mut rest = self.rng.lognormal(if stall { 90.0 } else { 2.5 }, 1.2);
        for &status in &wf.entry[1..] {
            self.set(Days(rest * 0.6), status, reporter);
            rest *= 0.4;
        }
        if cancel && self.rng.chance(0.6) {
            return self.set(Days(rest), wf.canceled, reporter);
        }
        let owner = self.org.member(self.rng, self.team);
        self.owner = owner;
        if self.rng.chance(0.7) {
            self.assign(Days(rest), owner, None, reporter);
            self.set(Around(0.2, 1.0), wf.steps[0].name, owner);
        } else {
            self.emit(
                Days(rest),
                Some(wf.steps[0].name),
                Some(Who::Person(owner)),
                None,
                owner,
                Source::Jira,
            );
        }
        let mut at = |p: f64| {
            if self.rng.chance(p) {
                Some(self.rng.below(wf.steps.len()))
            } else {
                None
            }
        };
        let (cancel_at, slow_at) = (at(if cancel { 1.0 } else { 0.0 }), at(P_SLOW_STEP));
        let (reassign_at, handoff_at) = (at(P_REASSIGN), at(P_TEAM_HANDOFF));
        let backward = self.rng.chance(P_BACKWARD);
        if !self.run_steps(
            &mut Plan {
                cancel_at,
                slow_at,
                reassign_at,
                handoff_at,
                backward,
            },
            1.0,
        ) {
            return;
        }
        if self.rng.chance(P_REOPEN) {
            self.set(
                Around(3.0, 1.0),
                wf.reopened.unwrap_or(wf.steps[0].name),
                reporter,
            );
            if wf.reopened.is_some() {
                let a = self.actor();
                self.set(Around(0.5, 1.0), wf.steps[0].name, a);
            }
            self.run_steps(&mut Plan::default(), 0.5);
        }
        if let Some(&closed) = wf.done.get(1) {
            self.set(Around(1.5, 1.0), closed, reporter);
        }
    }

    /// Walk the committed steps from the first (whose status is already set) to the first
    /// delivery status. Returns false when the item was canceled on the way.
    fn run_steps(&mut self, plan: &mut Plan, scale: f64) -> bool {
        let (wf, steps) = (self.wf, self.wf.steps);
        let (mut i, mut reworks) = (0, 0);
        loop {
            let step = &steps[i];
            let mut left = scale
                * match step.kind {
                    Kind::Active => self.rng.lognormal(1.5, 0.8),
                    Kind::Review => self.rng.lognormal(0.5, 0.9),
                    Kind::Queue => self.rng.lognormal(3.0, 1.0),
                };
            if due(&mut plan.slow_at, i) {
                left *= self.rng.lognormal(8.0, 0.5);
            }
            if step.kind != Kind::Queue && self.rng.chance(P_BLOCK) {
                let (part, who) = (self.split(&mut left), self.actor());
                self.set(Days(part), wf.blocked, who);
                self.set(Around(3.0, 0.9), step.name, who);
            }
            if i == 0 && std::mem::take(&mut plan.backward) {
                // Unassigned back to the backlog; picked up again later, often by someone else.
                let (part, who, backlog) = (
                    self.split(&mut left),
                    self.actor(),
                    wf.entry[wf.entry.len() - 1],
                );
                self.emit(
                    Days(part),
                    Some(backlog),
                    Some(Who::Nobody),
                    None,
                    who,
                    Source::Jira,
                );
                let p = if self.rng.chance(0.5) {
                    who
                } else {
                    self.org.other_member(self.rng, self.team, who)
                };
                self.owner = p;
                self.emit(
                    Around(4.0, 1.0),
                    Some(step.name),
                    Some(Who::Person(p)),
                    None,
                    p,
                    Source::Jira,
                );
            }
            if due(&mut plan.reassign_at, i) {
                let (part, current) = (self.split(&mut left), self.actor());
                let new = self.org.other_member(self.rng, self.team, current);
                self.owner = new;
                let by = if self.rng.chance(0.5) { current } else { new };
                self.assign(Days(part), new, None, by);
            }
            if due(&mut plan.handoff_at, i) {
                let part = self.split(&mut left);
                self.team_handoff(step.name, part);
            }
            if plan.cancel_at == Some(i) {
                let (part, who) = (self.split(&mut left), self.actor());
                self.set(Days(part), wf.canceled, who);
                return false;
            }
            if step.kind == Kind::Review && reworks < 2 && self.rng.chance(P_REWORK) {
                reworks += 1;
                let back = steps[..i]
                    .iter()
                    .rposition(|s| s.kind == Kind::Active)
                    .unwrap_or(0);
                let reviewer = self.reviewer();
                self.emit(
                    Days(left),
                    Some(steps[back].name),
                    None,
                    None,
                    reviewer,
                    Source::Github,
                );
                i = back;
                continue;
            }
            let actor = if step.kind == Kind::Review {
                self.reviewer()
            } else {
                self.actor()
            };
            let next = steps.get(i + 1);
            let by_code_host = (step.kind == Kind::Review && self.rng.chance(0.7))
                || (next.is_some_and(|s| s.kind == Kind::Review) && self.rng.chance(0.6));
            let source = if by_code_host {
                Source::Github
            } else {
                Source::Jira
            };
            self.emit(
                Days(left),
                Some(next.map_or(wf.done[0], |s| s.name)),
                None,
                None,
                actor,
                source,
            );
            if next.is_none() {
                return true;
            }
            i += 1;
        }
    }

    /// Hand the item to another team: one way when that team's workflow covers the item's
    /// whole workflow, else to a team that knows `status`, and back (a ping-pong).
    fn team_handoff(&mut self, status: &'static str, lead: f64) {
        let (org, from, prev) = (self.org, self.team, self.actor());
        let template = org.teams[from].template;
        if self.rng.chance(P_ONE_WAY) {
            if let Some(b) = org.pick_team(self.rng, from, |t| org.covers[template][t.template]) {
                self.owner = org.member(self.rng, b);
                return self.assign(Days(lead), self.owner, Some(b), prev);
            }
        }
        let Some(b) = org.pick_team(self.rng, from, |t| t.wf.has(status)) else {
            return;
        };
        let p = org.member(self.rng, b);
        self.assign(Days(lead), p, Some(b), prev);
        self.assign(Around(1.5, 0.9), prev, Some(from), p);
        if self.rng.chance(P_SECOND_BOUNCE) {
            self.assign(Around(0.8, 0.8), p, Some(b), prev);
            self.assign(Around(1.5, 0.9), prev, Some(from), p);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tool inventory.

/// A tool with an illustrative list price per seat per year, USD.
#[derive(Debug, Clone, Copy)]
struct Tool {
    name: &'static str,
    category: &'static str,
    price: u64,
}

const fn tool(name: &'static str, category: &'static str, price: u64) -> Tool {
    Tool {
        name,
        category,
        price,
    }
}

const JIRA: Tool = tool("Jira", "issue tracking", 97);
const LINEAR: Tool = tool("Linear", "issue tracking", 96);
const GITHUB: Tool = tool("GitHub", "source control", 252);
const SLACK: Tool = tool("Slack", "chat", 105);
const CONFLUENCE: Tool = tool("Confluence", "docs", 69);
const NOTION: Tool = tool("Notion", "docs", 120);
const GOOGLE_DOCS: Tool = tool("Google Docs", "docs", 86);
const GITHUB_ACTIONS: Tool = tool("GitHub Actions", "ci", 48);
const CIRCLECI: Tool = tool("CircleCI", "ci", 180);
const JENKINS: Tool = tool("Jenkins", "ci", 40);
const FIGMA: Tool = tool("Figma", "design", 180);
const DATADOG: Tool = tool("Datadog", "monitoring", 372);
const GRAFANA: Tool = tool("Grafana", "monitoring", 96);
const PRODUCTBOARD: Tool = tool("Productboard", "roadmapping", 240);
const AHA: Tool = tool("Aha!", "roadmapping", 708);

struct Row {
    tool: Tool,
    seats: u64,
    active: u64,
}

/// Rows per team, in team order. Growth trials Linear beside Jira (few active users); two
/// teams add a second docs or CI tool; one more licence somewhere is under-used; every other
/// licence is at least 80 % used.
fn inventory(org: &Org, seed: u64) -> Vec<Vec<Row>> {
    let mut rng = Rng::new(seed, STREAM_INVENTORY, 0);
    let n = org.teams.len();
    let a = rng.below(n);
    let b = if n > 1 {
        (a + 1 + rng.below(n - 1)) % n
    } else {
        a
    };
    let mut all: Vec<Vec<Row>> = Vec::with_capacity(n);
    for (i, team) in org.teams.iter().enumerate() {
        let (growth, platform) = (team.template == 5, team.template == 3);
        let mut tools = if growth {
            vec![JIRA, LINEAR, GITHUB, SLACK, NOTION]
        } else {
            vec![JIRA, GITHUB, SLACK, CONFLUENCE]
        };
        let ci = if platform { JENKINS } else { GITHUB_ACTIONS };
        if (i == a || i == b) && rng.chance(0.5) {
            tools.push(if growth {
                GOOGLE_DOCS
            } else {
                [NOTION, GOOGLE_DOCS][rng.below(2)]
            });
        } else if i == a || i == b {
            tools.extend([ci, CIRCLECI]);
        }
        if !tools.iter().any(|t| t.category == "ci") && rng.chance(0.9) {
            tools.push(ci);
        }
        if rng.chance(0.6) {
            tools.push(FIGMA);
        }
        if platform || rng.chance(0.5) {
            tools.push(if platform { GRAFANA } else { DATADOG });
        }
        if rng.chance(0.35) {
            tools.push(if team.template == 11 {
                AHA
            } else {
                PRODUCTBOARD
            });
        }
        tools.truncate(7);
        let hc = team.members.len() as u64;
        let rows = tools.into_iter().map(|tool| {
            let seats = if tool.category == "design" {
                1 + hc / 3
            } else {
                hc + rng.range(0, hc / 4)
            };
            let active = if tool.name == "Linear" {
                seats / 3
            } else {
                rng.range((4 * seats).div_ceil(5), seats)
            };
            Row {
                tool,
                seats,
                active,
            }
        });
        all.push(rows.collect());
    }
    let core = |r: &Row| {
        matches!(
            r.tool.category,
            "issue tracking" | "source control" | "chat"
        )
    };
    let spare: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (0..all[i].len()).map(move |j| (i, j)))
        .filter(|&(i, j)| !core(&all[i][j]))
        .collect();
    let (i, j) = spare[rng.below(spare.len())];
    all[i][j].active = all[i][j].seats * rng.range(30, 65) / 100;
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn events(opts: &GenerateOptions) -> (String, GenerateSummary) {
        let mut out = Vec::new();
        let summary = write_events(opts, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), summary)
    }

    fn small(seed: u64) -> GenerateOptions {
        GenerateOptions {
            seed,
            items: 300,
            ..GenerateOptions::default()
        }
    }

    /// Rows split into cells, grouped by item in file order.
    fn items(csv: &str) -> Vec<(String, Vec<Vec<String>>)> {
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("item_id,timestamp,status,assignee,team,actor,source")
        );
        let mut out: Vec<(String, Vec<Vec<String>>)> = Vec::new();
        for line in lines {
            let cells: Vec<String> = line.split(',').map(str::to_string).collect();
            assert_eq!(cells.len(), 7, "{line}");
            match out.last_mut() {
                Some((id, rows)) if *id == cells[0] => rows.push(cells),
                _ => out.push((cells[0].clone(), vec![cells])),
            }
        }
        out
    }

    fn terminal_names() -> BTreeSet<&'static str> {
        WORKFLOWS
            .iter()
            .flat_map(|w| w.done.iter().copied().chain([w.canceled]))
            .collect()
    }

    #[test]
    fn same_seed_same_bytes_and_other_seed_other_bytes() {
        let bytes = |opts: &GenerateOptions| {
            let (mut inv, mut roster) = (Vec::new(), Vec::new());
            write_inventory(opts, &mut inv).unwrap();
            write_roster(opts, &mut roster).unwrap();
            (events(opts).0, inv, roster)
        };
        assert_eq!(bytes(&small(7)), bytes(&small(7)));
        let (a, b) = (bytes(&small(7)), bytes(&small(8)));
        assert_ne!(a.0, b.0);
        assert_ne!(a.1, b.1);
        assert_ne!(a.2, b.2);
    }

    #[test]
    fn items_are_contiguous_in_creation_order_with_increasing_timestamps() {
        let (csv, summary) = events(&GenerateOptions::default());
        let items = items(&csv);
        assert_eq!(items.len(), 600);
        assert_eq!(summary.items, 600);
        assert_eq!(summary.events, csv.lines().count() - 1);
        let ids: BTreeSet<&String> = items.iter().map(|(id, _)| id).collect();
        assert_eq!(ids.len(), items.len(), "an item's rows are not contiguous");
        // Fixed-width RFC 3339 in UTC: text order is time order.
        for w in items.windows(2) {
            assert!(w[0].1[0][1] <= w[1].1[0][1], "items out of creation order");
        }
        for (id, rows) in &items {
            assert!(
                rows.windows(2).all(|w| w[0][1] < w[1][1]),
                "{id}: timestamps not increasing"
            );
            assert!(rows
                .iter()
                .all(|r| r[1].len() == 20 && r[1] < "2024-07-01T00:00:00Z".to_string()));
            assert!(
                !rows[0][2].is_empty() && !rows[0][4].is_empty(),
                "{id}: first event sets status and team"
            );
        }
    }

    #[test]
    fn statuses_belong_to_the_workflow_of_the_team_in_force() {
        let opts = GenerateOptions {
            teams: 16,
            items: 3000,
            ..GenerateOptions::default()
        };
        let org = Org::new(opts.seed, opts.teams);
        let wf: BTreeMap<&str, &'static Workflow> =
            org.teams.iter().map(|t| (t.name.as_str(), t.wf)).collect();
        for (id, rows) in items(&events(&opts).0) {
            let mut team = "";
            for r in rows {
                if !r[4].is_empty() {
                    team = wf.get_key_value(r[4].as_str()).expect("known team").0;
                }
                assert!(
                    r[2].is_empty() || wf[team].has(&r[2]),
                    "{id}: {} is not a {team} status",
                    r[2]
                );
                assert!(r[6] == "jira" || r[6] == "github");
            }
        }
    }

    #[test]
    fn open_reopened_canceled_and_handed_off_items_exist() {
        let terminal = terminal_names();
        let done: BTreeSet<&str> = WORKFLOWS
            .iter()
            .flat_map(|w| w.done.iter().copied())
            .collect();
        let (csv, _) = events(&GenerateOptions::default());
        let items = items(&csv);
        let (mut open, mut reopened, mut canceled, mut ping_pong) = (0, 0, 0, 0);
        for (_, rows) in &items {
            let statuses: Vec<&str> = rows
                .iter()
                .map(|r| r[2].as_str())
                .filter(|s| !s.is_empty())
                .collect();
            let last = *statuses.last().unwrap();
            open += usize::from(!terminal.contains(last));
            canceled += usize::from(terminal.contains(last) && !done.contains(last));
            reopened += usize::from(
                statuses
                    .windows(2)
                    .any(|w| done.contains(w[0]) && !terminal.contains(w[1])),
            );
            let teams: Vec<&str> = rows
                .iter()
                .map(|r| r[4].as_str())
                .filter(|s| !s.is_empty())
                .collect();
            ping_pong += usize::from(teams.windows(3).any(|w| w[0] == w[2] && w[0] != w[1]));
        }
        let n = items.len() as f64;
        assert!(
            (0.12..0.30).contains(&(open as f64 / n)),
            "open share {}",
            open as f64 / n
        );
        assert!(
            (0.04..0.13).contains(&(reopened as f64 / n)),
            "reopened share {}",
            reopened as f64 / n
        );
        assert!(canceled > 0 && ping_pong > 0);
    }

    #[test]
    fn for_events_hits_the_requested_size() {
        let mut sink = io::sink();
        let s = write_events(&GenerateOptions::for_events(80_000, 1), &mut sink).unwrap();
        assert_eq!(s.items, GenerateOptions::for_events(80_000, 1).items);
        assert!((68_000..=92_000).contains(&s.events), "{} events", s.events);
        assert_eq!(s.teams.len(), 10);
        let distinct: BTreeSet<&str> = WORKFLOWS[..10].iter().flat_map(|w| w.statuses()).collect();
        assert!((38..=42).contains(&distinct.len()), "{}", distinct.len());
    }

    /// METRICS.md §2 default patterns, in order (whole words of the normalised name).
    fn category(status: &str) -> &'static str {
        #[rustfmt::skip]
        const ROWS: [(&str, &[&str]); 6] = [
            ("canceled", &["canceled", "cancelled", "won't do", "won't fix", "rejected", "duplicate", "abandoned",
                "not planned"]),
            ("done", &["done", "closed", "resolved", "complete", "released", "shipped", "deployed"]),
            ("blocked", &["blocked", "impeded", "on hold", "stuck", "flagged"]),
            ("waiting", &["waiting", "wait", "awaiting", "pending", "queued", "ready for", "to review", "to test"]),
            ("backlog", &["to do", "todo", "open", "new", "backlog", "triage", "selected for development", "icebox",
                "reopened", "proposed", "planned"]),
            ("active", &["in progress", "doing", "development", "implementing", "in review", "code review", "testing",
                "in test", "qa", "analysis", "working"]),
        ];
        let name = format!(" {} ", status.to_lowercase());
        ROWS.iter()
            .find(|(_, pats)| pats.iter().any(|p| name.contains(&format!(" {p} "))))
            .map_or("fallback", |r| r.0)
    }

    #[test]
    fn workflow_statuses_fall_in_their_intended_category() {
        for wf in &WORKFLOWS {
            wf.entry
                .iter()
                .for_each(|s| assert_eq!(category(s), "backlog", "{s}"));
            for s in wf.steps {
                let want = if s.kind == Kind::Queue {
                    "waiting"
                } else {
                    "active"
                };
                assert_eq!(category(s.name), want, "{}", s.name);
            }
            wf.done
                .iter()
                .for_each(|s| assert_eq!(category(s), "done", "{s}"));
            assert_eq!(category(wf.blocked), "blocked");
            assert_eq!(category(wf.canceled), "canceled");
            wf.reopened
                .iter()
                .for_each(|s| assert_eq!(category(s), "backlog"));
        }
    }

    #[test]
    fn inventory_and_roster_describe_the_same_teams() {
        let opts = GenerateOptions::default();
        let (mut inv, mut roster) = (Vec::new(), Vec::new());
        write_inventory(&opts, &mut inv).unwrap();
        write_roster(&opts, &mut roster).unwrap();
        let (inv, roster) = (
            String::from_utf8(inv).unwrap(),
            String::from_utf8(roster).unwrap(),
        );
        let mut per_team: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let (mut under, mut categories) = (0, BTreeMap::<&str, BTreeSet<&str>>::new());
        for line in inv.lines().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            let [seats, active, cost]: [u64; 3] = [3, 4, 5].map(|k| c[k].parse().unwrap());
            assert!(active <= seats && cost > 0, "{line}");
            under += usize::from((active as f64) < 0.8 * seats as f64);
            per_team.entry(c[0]).or_default().push(c[1]);
            categories.entry(c[2]).or_default().insert(c[1]);
        }
        assert!((1..=2).contains(&under), "{under} under-used tools");
        assert!(per_team.values().all(|t| (4..=7).contains(&t.len())));
        assert!(
            categories.values().filter(|t| t.len() >= 2).count() >= 2,
            "no fragmentation"
        );
        let mut heads: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut people = BTreeSet::new();
        for line in roster.lines().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            assert!(people.insert(c[0]) && c[0].ends_with("@example.com"));
            let e = heads.entry(c[1]).or_insert((0, c[2].parse().unwrap()));
            e.0 += 1;
        }
        assert!(heads
            .values()
            .all(|&(n, hc)| n == hc && (3..=8).contains(&n)));
        assert_eq!(
            heads.keys().collect::<Vec<_>>(),
            per_team.keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn many_teams_get_unique_names_keys_and_people() {
        let org = Org::new(3, 45);
        let names: BTreeSet<&str> = org.teams.iter().map(|t| t.name.as_str()).collect();
        let keys: BTreeSet<&str> = org.teams.iter().map(|t| t.key.as_str()).collect();
        let people: BTreeSet<&String> = org.people.iter().collect();
        assert_eq!(
            (names.len(), keys.len(), people.len()),
            (45, 45, org.people.len())
        );
        assert_eq!(org.teams[20].name, "Payments 2");
        assert_eq!(
            (
                person_name(5, 0) == person_name(5 + 1024, 0),
                person_name(1024, 0).contains('2')
            ),
            (false, true)
        );
    }

    #[test]
    fn own_math_is_accurate() {
        for x in [1e-12, 0.001, 0.5, 1.0, 1.5, 2.0, 10.0, 12345.678] {
            assert!(
                (ln(x) - x.ln()).abs() < 1e-12 * x.ln().abs().max(1.0),
                "ln {x}"
            );
        }
        for x in [-20.0, -1.0, 0.0, 0.3, 1.0, 5.0, 30.0] {
            assert!((exp(x) / x.exp() - 1.0).abs() < 1e-13, "exp {x}");
        }
    }
}
