//! `flowaudit generate`: a seeded synthetic organisation (events CSV, tool inventory CSV,
//! roster CSV), from which the bundled `sample-data/` and the benchmark inputs are made, and,
//! with a [`Scenario`] other than `Realistic`, organisations with planted problems whose
//! findings and verdicts the project's own tests check (issue 7).
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
//! - `Scenario::Realistic` (the default) writes exactly the bytes it wrote before scenarios
//!   existed: the committed `sample-data/` is its output for the default options.
//!
//! Files by concept: `random` (PRNG and math), `calendar` (working hours, creation
//! schedule), `org` (teams, people, workflows), `item` (one item's realistic life and the event
//! row), `inventory` (tools), [`scenario`] (planted problems and their expected findings).

mod calendar;
pub mod export;
mod inventory;
mod item;
mod org;
mod random;
pub mod scenario;
mod tools;

pub use scenario::Scenario;

use crate::model::Ts;
use calendar::Schedule;
use inventory::Row;
use item::{simulate, write_event};
use org::Org;
use random::Rng;
use scenario::TeamPlan;
use std::io::{self, Write};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// Mean events per item at 10 teams, ×10, measured on this generator: sizes `for_events`.
const EVENTS_PER_ITEM_X10: usize = 73;

// Independent random streams: changing the inventory never changes the events.
const STREAM_ORG: u64 = 1;
const STREAM_INVENTORY: u64 = 2;
const STREAM_ITEMS: u64 = 3;

/// What to generate. Same options → byte-identical output.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Seed of every random choice (default 42).
    pub seed: u64,
    /// Number of teams (default 6; at least 1 is generated). A scenario may fix it or raise
    /// it: see [`Scenario::teams`].
    pub teams: usize,
    /// Number of work items (default 600).
    pub items: usize,
    /// First creation instant (default 2024-01-01T00:00:00Z).
    pub start: Ts,
    /// Creation window in days (default 182, two quarters; at least 1). No event falls at or
    /// after `start + days`; the last event is the natural `as_of`. Scenarios create their
    /// items in the first `days − 64` days so that every planned life ends inside the window
    /// (see [`scenario`]); they assume a window of at least 128 days.
    pub days: u32,
    /// Which organisation: the realistic one (default) or one with planted problems.
    pub scenario: Scenario,
    /// Write the events as this tracker's export instead of the events CSV.
    pub export: Option<export::ExportFormat>,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            seed: 42,
            teams: 6,
            items: 600,
            start: 1_704_067_200_000_000,
            days: 182,
            scenario: Scenario::Realistic,
            export: None,
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

/// The organisation of `opts`, and the scenario's plan per team (`None`: realistic).
fn organisation(opts: &GenerateOptions) -> (Org, Option<Vec<TeamPlan>>) {
    let mut org = Org::new(opts.seed, opts.scenario.teams(opts.teams));
    let plans = opts.scenario.plans(org.teams.len());
    for (team, plan) in org.teams.iter_mut().zip(plans.iter().flatten()) {
        team.wf = plan.wf;
    }
    (org, plans)
}

/// Stream the events CSV (`item_id,timestamp,status,assignee,team,actor,source`) to `w`,
/// item by item in creation order. Item ids are the team key and a per-team number
/// (`PAY-123`). Pass a `BufWriter`: every row is a small write. The caller flushes.
pub fn write_events<W: Write>(opts: &GenerateOptions, w: &mut W) -> io::Result<GenerateSummary> {
    let (org, plans) = organisation(opts);
    let start = opts.start.div_euclid(1_000_000) + i64::from(opts.start.rem_euclid(1_000_000) != 0);
    let days = i64::from(opts.days.max(1));
    let end = start + days * DAY;
    let created_within = match plans {
        None => days,
        Some(_) => scenario::creation_days_of(opts.scenario, days),
    };
    let schedule = Schedule::new(start, created_within);
    w.write_all(b"item_id,timestamp,status,assignee,team,actor,source\n")?;
    let (mut numbers, mut buf, mut events) =
        (vec![0u64; org.teams.len()], Vec::with_capacity(64), 0);
    for i in 0..opts.items {
        let mut rng = Rng::new(opts.seed, STREAM_ITEMS, i as u64);
        let created = schedule.instant(i, opts.items, &mut rng);
        // Planted scenarios deal items round robin: per-team shares are then exact.
        let home = match plans {
            None => rng.weighted(&org.team_weights),
            Some(_) => i % org.teams.len(),
        };
        numbers[home] += 1;
        let id = format!("{}-{}", org.teams[home].key, numbers[home]);
        buf.clear();
        match &plans {
            None => simulate(&org, &mut rng, home, created, &mut buf),
            Some(plans) => {
                let last_creation = start + created_within * DAY;
                let item = scenario::Item {
                    home,
                    k: numbers[home] - 1,
                    created,
                    last_creation,
                    midpoint: start + days * DAY / 2,
                };
                scenario::simulate(&org, plans, &mut rng, &item, &mut buf);
            }
        }
        for ev in buf.iter().take_while(|e| e.t < end) {
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

/// Write the tool inventory CSV (`team,tool,category,seats,active_users,annual_cost`),
/// `annual_cost = seats × list price per seat`. Realistic: 4 to 7 tools per team, a couple of
/// teams with a second docs or CI tool, one or two under-used licences (utilisation < 0.8).
/// Scenarios: the tools their plan names (see [`scenario`]).
pub fn write_inventory<W: Write>(opts: &GenerateOptions, w: &mut W) -> io::Result<()> {
    let (org, plans) = organisation(opts);
    let all = match &plans {
        None => inventory::realistic(&org, opts.seed),
        Some(plans) => inventory::planned(&org, plans, opts.seed),
    };
    w.write_all(b"team,tool,category,seats,active_users,annual_cost\n")?;
    for (team, rows) in org.teams.iter().zip(all) {
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
    let (org, _) = organisation(opts);
    w.write_all(b"person,team,headcount\n")?;
    for team in &org.teams {
        for p in team.members.clone() {
            writeln!(w, "{},{},{}", org.people[p], team.name, team.members.len())?;
        }
    }
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::org::{person_name, Kind, Org, Workflow, WORKFLOWS};
    use super::random::{exp, ln};
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    pub(super) fn events(opts: &GenerateOptions) -> (String, GenerateSummary) {
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
    pub(super) fn items(csv: &str) -> Vec<(String, Vec<Vec<String>>)> {
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

    /// The committed `sample-data/` is `flowaudit generate --out sample-data`: the default
    /// options (the realistic scenario) still write it.
    #[test]
    fn default_output_is_the_committed_sample_data() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        let opts = GenerateOptions::default();
        let (mut inv, mut roster) = (Vec::new(), Vec::new());
        write_inventory(&opts, &mut inv).unwrap();
        write_roster(&opts, &mut roster).unwrap();
        let ours = [
            ("events.csv", events(&opts).0),
            ("tools.csv", String::from_utf8(inv).unwrap()),
            ("roster.csv", String::from_utf8(roster).unwrap()),
        ];
        for (name, ours) in ours {
            let committed = read(name);
            assert_eq!(
                ours.lines().count(),
                committed.lines().count(),
                "{name}: line count"
            );
            assert_eq!(
                ours.lines().nth(1),
                committed.lines().nth(1),
                "{name}: first row"
            );
            assert_eq!(
                ours.lines().last(),
                committed.lines().last(),
                "{name}: last row"
            );
        }
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
                .all(|r| r[1].len() == 20 && r[1].as_str() < "2024-07-01T00:00:00Z"));
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
    pub(super) fn category(status: &str) -> &'static str {
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
