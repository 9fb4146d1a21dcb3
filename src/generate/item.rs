//! One item's events: the event row and how it is written, and the realistic life of an item
//! (backlog, steps with queues, blocks, review rework, reassignments, team handoffs and
//! ping-pongs, reopens). Planted scenario lives are in `scenario`.

use super::calendar::working_time;
use super::org::{Kind, Org, Workflow};
use super::random::Rng;
use super::DAY;
use crate::time::format_instant;
use std::io::{self, Write};

const MAX_WAIT_DAYS: f64 = 400.0;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    Person(u32),
    Nobody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Jira,
    Github,
}

/// One event row, times in UTC seconds, people and teams by index; `None` is an empty cell.
pub(super) struct Ev {
    pub(super) t: i64,
    pub(super) status: Option<&'static str>,
    pub(super) assignee: Option<Who>,
    pub(super) team: Option<usize>,
    pub(super) actor: u32,
    pub(super) source: Source,
}

pub(super) fn write_event<W: Write>(w: &mut W, org: &Org, id: &str, ev: &Ev) -> io::Result<()> {
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
pub(super) fn simulate(org: &Org, rng: &mut Rng, home: usize, created: i64, buf: &mut Vec<Ev>) {
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
