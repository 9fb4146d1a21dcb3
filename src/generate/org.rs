//! The organisation: teams, people and workflows. Team `i` of the realistic organisation follows
//! `WORKFLOWS[i % 14]`; a scenario replaces the workflows with its own (see `scenario`).

use super::random::Rng;
use super::STREAM_ORG;
use std::ops::Range;

/// A committed step: `Active` someone works on it; `Review` active, entered and left through
/// the code host (pull request opened, merged); `Queue` waiting between steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Active,
    Review,
    Queue,
}

pub(super) struct Step {
    pub(super) name: &'static str,
    pub(super) kind: Kind,
}

pub(super) const fn act(name: &'static str) -> Step {
    Step {
        name,
        kind: Kind::Active,
    }
}
pub(super) const fn rev(name: &'static str) -> Step {
    Step {
        name,
        kind: Kind::Review,
    }
}
pub(super) const fn queue(name: &'static str) -> Step {
    Step {
        name,
        kind: Kind::Queue,
    }
}

/// A team's workflow: backlog statuses, committed steps in order, delivery statuses (a second
/// one is a later "Closed"), the side statuses, and where a reopened item goes (`None`: back
/// to the first step).
pub(super) struct Workflow {
    pub(super) entry: &'static [&'static str],
    pub(super) steps: &'static [Step],
    pub(super) done: &'static [&'static str],
    pub(super) blocked: &'static str,
    pub(super) canceled: &'static str,
    pub(super) reopened: Option<&'static str>,
}

impl Workflow {
    pub(super) fn statuses(&'static self) -> impl Iterator<Item = &'static str> {
        let steps = self.steps.iter().map(|s| s.name);
        let ends = self
            .done
            .iter()
            .copied()
            .chain([self.blocked, self.canceled])
            .chain(self.reopened);
        self.entry.iter().copied().chain(steps).chain(ends)
    }

    pub(super) fn has(&'static self, status: &str) -> bool {
        self.statuses().any(|s| s == status)
    }
}

pub(super) const fn wf(
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
pub(super) static WORKFLOWS: [Workflow; 14] = [
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
pub(super) fn person_name(p: usize, offset: usize) -> String {
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
pub(super) struct Team {
    pub(super) name: String,
    pub(super) key: String,
    pub(super) members: Range<usize>,
    pub(super) template: usize,
    pub(super) wf: &'static Workflow,
    pub(super) handoff_weight: u64,
}

pub(super) struct Org {
    pub(super) teams: Vec<Team>,
    pub(super) people: Vec<String>,
    /// Running sums of head counts: items are spread over teams by size.
    pub(super) team_weights: Vec<u64>,
    /// `covers[a][b]`: workflow template `b` has every status of template `a`.
    pub(super) covers: Vec<Vec<bool>>,
}

impl Org {
    pub(super) fn new(seed: u64, n_teams: usize) -> Org {
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

    pub(super) fn member(&self, rng: &mut Rng, team: usize) -> u32 {
        let m = &self.teams[team].members;
        (m.start + rng.below(m.len())) as u32
    }

    /// A member of `team` other than `not` (teams have at least 3 people).
    pub(super) fn other_member(&self, rng: &mut Rng, team: usize, not: u32) -> u32 {
        let m = &self.teams[team].members;
        if !m.contains(&(not as usize)) {
            return self.member(rng, team);
        }
        let p = m.start + rng.below(m.len() - 1);
        (if p >= not as usize { p + 1 } else { p }) as u32
    }

    /// A team other than `exclude` for which `ok` holds, drawn by handoff weight.
    pub(super) fn pick_team(
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
