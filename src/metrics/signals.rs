//! Where operations support would help, and the verdict on a product-operations role
//! (METRICS.md §10).
//!
//! Per team, seven **signals** with thresholds from `[signals]`; a signal whose input is
//! missing (no done items, no WIP, no inventory) does not fire and is "no data". A team
//! *would benefit from ops support* when at least `min_signals` (3) fire.
//!
//! The **verdict**: fewer than `min_teams` (4) teams → `not_needed`; otherwise with `share` =
//! teams that would benefit ÷ teams and the organisation signals (`fragmented_tools`: ≥ 2
//! fragmented tool categories; `workflow_divergence`: similarity < 0.5 in ≥ 30 % of the teams
//! with a workflow; `team_changes`: team change rate ≥ 0.3): `dedicated` when share ≥ 0.5 and
//! ≥ 2 organisation signals, or ≥ 8 teams, share ≥ 0.3 and ≥ 1 organisation signal;
//! `part_time` when share ≥ 0.25 or ≥ 1 organisation signal; else `not_needed`.

use crate::config::{Signals, Verdict as VerdictCfg};
use serde::Serialize;

/// A team's signals (INTERFACE.md "Signal ids"), in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalId {
    /// Flow efficiency below the threshold.
    LowFlowEfficiency,
    /// Too many team handoffs per item.
    HandoffHeavy,
    /// Too many items bouncing between teams.
    PingPong,
    /// Too many reopens.
    Rework,
    /// Too much work in progress at risk.
    Aging,
    /// Overlapping tools or unused licences.
    ToolSprawl,
    /// A workflow far from the core.
    WorkflowDivergence,
}

impl SignalId {
    /// Every signal, in report order (the columns of `tables/teams.csv`).
    pub const ALL: [SignalId; 7] = [
        SignalId::LowFlowEfficiency,
        SignalId::HandoffHeavy,
        SignalId::PingPong,
        SignalId::Rework,
        SignalId::Aging,
        SignalId::ToolSprawl,
        SignalId::WorkflowDivergence,
    ];

    /// Id as in `summary.json` and the tables.
    pub fn id(self) -> &'static str {
        match self {
            SignalId::LowFlowEfficiency => "low_flow_efficiency",
            SignalId::HandoffHeavy => "handoff_heavy",
            SignalId::PingPong => "ping_pong",
            SignalId::Rework => "rework",
            SignalId::Aging => "aging",
            SignalId::ToolSprawl => "tool_sprawl",
            SignalId::WorkflowDivergence => "workflow_divergence",
        }
    }
}

/// The organisation signals of the verdict (INTERFACE.md "Organisation signal ids").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgSignal {
    /// ≥ `fragmented_categories` fragmented tool categories.
    FragmentedTools,
    /// Divergent workflows in ≥ `divergent_team_share` of the teams.
    WorkflowDivergence,
    /// Team change rate ≥ `team_change_rate`.
    TeamChanges,
}

impl OrgSignal {
    /// Every organisation signal.
    pub const ALL: [OrgSignal; 3] = [
        OrgSignal::FragmentedTools,
        OrgSignal::WorkflowDivergence,
        OrgSignal::TeamChanges,
    ];

    /// Id as in `summary.json`.
    pub fn id(self) -> &'static str {
        match self {
            OrgSignal::FragmentedTools => "fragmented_tools",
            OrgSignal::WorkflowDivergence => "workflow_divergence",
            OrgSignal::TeamChanges => "team_changes",
        }
    }
}

/// One signal of one team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// Signal id.
    pub id: SignalId,
    /// The team's value (None = no data).
    pub value: Option<f64>,
    /// The threshold.
    pub threshold: f64,
    /// Did it fire? (None = no data.)
    pub fired: Option<bool>,
    /// What ops support would do about it.
    pub lever: &'static str,
}

/// The inputs of a team's signals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamInputs {
    /// Aggregate flow efficiency.
    pub flow_efficiency: Option<f64>,
    /// Mean team handoffs per item.
    pub handoffs_per_item: Option<f64>,
    /// Ping-pong rate.
    pub ping_pong_rate: Option<f64>,
    /// Reopen rate.
    pub reopen_rate: Option<f64>,
    /// At-risk items ÷ WIP (None when WIP is 0).
    pub aging_share: Option<f64>,
    /// Overlapping tool categories (None without inventory rows).
    pub overlapping_categories: Option<u32>,
    /// Lowest licence utilisation of its tools.
    pub min_utilisation: Option<f64>,
    /// Workflow similarity.
    pub workflow_similarity: Option<f64>,
}

fn sig(
    id: SignalId,
    value: Option<f64>,
    threshold: f64,
    fires: impl Fn(f64) -> bool,
    lever: &'static str,
) -> Signal {
    Signal {
        id,
        value,
        threshold,
        fired: value.map(fires),
        lever,
    }
}

/// The seven signals of a team.
pub fn team_signals(i: &TeamInputs, t: &Signals) -> Vec<Signal> {
    let sprawl_value = i.overlapping_categories.map(|o| o as f64);
    let sprawl_fired = match (i.overlapping_categories, i.min_utilisation) {
        (None, None) => None,
        (o, u) => Some(
            o.is_some_and(|o| o >= t.overlapping_categories)
                || u.is_some_and(|u| u < t.utilisation),
        ),
    };
    vec![
        sig(
            SignalId::LowFlowEfficiency,
            i.flow_efficiency,
            t.flow_efficiency,
            |v| v < t.flow_efficiency,
            "cut queues and waiting: make waiting visible, limit work in progress",
        ),
        sig(
            SignalId::HandoffHeavy,
            i.handoffs_per_item,
            t.handoffs_per_item,
            |v| v > t.handoffs_per_item,
            "clarify ownership so fewer teams touch each item",
        ),
        sig(
            SignalId::PingPong,
            i.ping_pong_rate,
            t.ping_pong_rate,
            |v| v > t.ping_pong_rate,
            "agree entry and exit criteria between the teams that bounce work",
        ),
        sig(
            SignalId::Rework,
            i.reopen_rate,
            t.reopen_rate,
            |v| v > t.reopen_rate,
            "add a definition of done and review what reopens",
        ),
        sig(
            SignalId::Aging,
            i.aging_share,
            t.aging_share,
            |v| v > t.aging_share,
            "set WIP limits and swarm on the oldest items",
        ),
        Signal {
            id: SignalId::ToolSprawl,
            value: sprawl_value,
            threshold: t.overlapping_categories as f64,
            fired: sprawl_fired,
            lever: "consolidate tools and reclaim unused licences",
        },
        sig(
            SignalId::WorkflowDivergence,
            i.workflow_similarity,
            t.workflow_similarity,
            |v| v < t.workflow_similarity,
            "standardise the workflow on the shared core",
        ),
    ]
}

/// The fired signals.
pub fn fired(signals: &[Signal]) -> Vec<SignalId> {
    signals
        .iter()
        .filter(|s| s.fired == Some(true))
        .map(|s| s.id)
        .collect()
}

/// The organisation's inputs to the verdict.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OrgInputs {
    /// Teams of the audit.
    pub teams: u32,
    /// Teams that would benefit from ops support.
    pub teams_needing_support: u32,
    /// Fragmented tool categories.
    pub fragmented_categories: u32,
    /// Teams with a workflow similarity below the threshold.
    pub divergent_teams: u32,
    /// Teams with a workflow (the denominator of the divergent share).
    pub teams_with_workflow: u32,
    /// Organisation team change rate.
    pub team_change_rate: Option<f64>,
}

impl OrgInputs {
    /// The organisation's inputs from its judged teams' workflow similarities (None for a
    /// team without a workflow), the teams that would benefit from ops support, the
    /// fragmented tool categories and the team change rate; a team is divergent below
    /// `similarity_threshold`.
    pub fn of(
        judged_similarities: impl Iterator<Item = Option<f64>>,
        teams_needing_support: u32,
        fragmented_categories: u32,
        team_change_rate: Option<f64>,
        similarity_threshold: f64,
    ) -> OrgInputs {
        let (mut teams, mut with_workflow, mut divergent) = (0u32, 0u32, 0u32);
        for s in judged_similarities {
            teams += 1;
            if let Some(s) = s {
                with_workflow += 1;
                if s < similarity_threshold {
                    divergent += 1;
                }
            }
        }
        OrgInputs {
            teams,
            teams_needing_support,
            fragmented_categories,
            divergent_teams: divergent,
            teams_with_workflow: with_workflow,
            team_change_rate,
        }
    }
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// A dedicated product-operations role.
    Dedicated,
    /// A named product manager owns process and tooling part-time.
    PartTime,
    /// Not needed.
    NotNeeded,
    /// An evidence gate failed (METRICS.md §12): no verdict is given.
    InsufficientEvidence,
}

impl VerdictKind {
    /// Id as in `summary.json`.
    pub fn id(self) -> &'static str {
        match self {
            VerdictKind::Dedicated => "dedicated",
            VerdictKind::PartTime => "part_time",
            VerdictKind::NotNeeded => "not_needed",
            VerdictKind::InsufficientEvidence => "insufficient_evidence",
        }
    }

    /// In words, for the verdict's reasons.
    fn words(self) -> &'static str {
        match self {
            VerdictKind::Dedicated => "a dedicated role",
            VerdictKind::PartTime => "part-time ownership",
            VerdictKind::NotNeeded => "no role",
            VerdictKind::InsufficientEvidence => "no verdict",
        }
    }
}

/// The verdict with its reasoning.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The verdict.
    pub verdict: VerdictKind,
    /// Teams needing support ÷ teams.
    pub share: f64,
    /// Fired organisation signals.
    pub org_signals: Vec<OrgSignal>,
    /// Every step of the reasoning, with inputs beside thresholds.
    pub reasons: Vec<String>,
    /// How close the verdict is (the last reason too), for the executive summary.
    pub margin: Option<String>,
}

/// The rule of §10 that decides, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    FewTeams,
    SharedAndSignals,
    LargeOrganisation,
    PartTime,
    None,
}

impl Rule {
    fn verdict(self) -> VerdictKind {
        match self {
            Rule::FewTeams | Rule::None => VerdictKind::NotNeeded,
            Rule::SharedAndSignals | Rule::LargeOrganisation => VerdictKind::Dedicated,
            Rule::PartTime => VerdictKind::PartTime,
        }
    }
}

/// The first rule of §10 that holds for `teams` teams, `needing` of them needing support, and
/// `signals` organisation signals.
fn rule(teams: u32, needing: u32, signals: u32, v: &VerdictCfg) -> Rule {
    let share = if teams > 0 {
        needing as f64 / teams as f64
    } else {
        0.0
    };
    if teams < v.min_teams {
        Rule::FewTeams
    } else if share >= v.dedicated_share && signals >= v.dedicated_org_signals {
        Rule::SharedAndSignals
    } else if teams >= v.large_org_teams && share >= v.large_org_share && signals >= 1 {
        Rule::LargeOrganisation
    } else if share >= v.part_time_share || signals >= 1 {
        Rule::PartTime
    } else {
        Rule::None
    }
}

/// How close the verdict is (METRICS.md §10, "Margin"): the fewest teams needing support more
/// or fewer, everything else as it is, that would give another verdict, and which. None with
/// fewer teams than `min_teams` (no count of teams needing support changes that).
fn margin(o: &OrgInputs, signals: u32, v: &VerdictCfg, verdict: VerdictKind) -> Option<String> {
    if o.teams < v.min_teams {
        return None;
    }
    let k = o.teams_needing_support;
    let other = |m: u32| Some(rule(o.teams, m, signals, v).verdict()).filter(|x| *x != verdict);
    let fewer = (0..k).rev().find_map(|m| other(m).map(|x| (k - m, m, x)));
    let more = (k + 1..=o.teams).find_map(|m| other(m).map(|x| (m - k, m, x)));
    let say = |(d, m, x): (u32, u32, VerdictKind), way: &str| {
        format!(
            "{d} {way} team{} needing support ({m} of {}) would make it {}",
            if d == 1 { "" } else { "s" },
            o.teams,
            x.words()
        )
    };
    let parts: Vec<String> = [fewer.map(|f| say(f, "fewer")), more.map(|m| say(m, "more"))]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        return Some(
            "How close: no number of teams needing support would change it (the organisation signals and the team count decide).".into(),
        );
    }
    Some(format!("How close: {}.", parts.join("; ")))
}

/// Decide by the rules of §10.
pub fn decide(o: &OrgInputs, v: &VerdictCfg) -> Decision {
    let share = if o.teams > 0 {
        o.teams_needing_support as f64 / o.teams as f64
    } else {
        0.0
    };
    let div_share = if o.teams_with_workflow > 0 {
        o.divergent_teams as f64 / o.teams_with_workflow as f64
    } else {
        0.0
    };
    let mut org = Vec::new();
    if o.fragmented_categories >= v.fragmented_categories {
        org.push(OrgSignal::FragmentedTools);
    }
    if o.teams_with_workflow > 0 && div_share >= v.divergent_team_share {
        org.push(OrgSignal::WorkflowDivergence);
    }
    if o.team_change_rate.is_some_and(|r| r >= v.team_change_rate) {
        org.push(OrgSignal::TeamChanges);
    }
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let mut reasons = vec![
        format!("{} teams (a dedicated role is considered from {} teams).", o.teams, v.min_teams),
        format!(
            "{} of {} teams would benefit from ops support: share {} (dedicated at {}, part-time at {}).",
            o.teams_needing_support,
            o.teams,
            pct(share),
            pct(v.dedicated_share),
            pct(v.part_time_share)
        ),
        format!("Fragmented tool categories: {} (organisation signal at {}).", o.fragmented_categories, v.fragmented_categories),
        format!(
            "Teams with workflow similarity below the threshold: {} of {} ({}; organisation signal at {}).",
            o.divergent_teams,
            o.teams_with_workflow,
            pct(div_share),
            pct(v.divergent_team_share)
        ),
        format!(
            "Team change rate: {} (organisation signal at {}).",
            o.team_change_rate.map(pct).unwrap_or_else(|| "no data".into()),
            pct(v.team_change_rate)
        ),
        format!("Organisation signals fired: {} ({}).", org.len(), if org.is_empty() { "none".to_string() } else { org.iter().map(|o| o.id()).collect::<Vec<_>>().join(", ") }),
    ];
    let n = org.len() as u32;
    let fired = rule(o.teams, o.teams_needing_support, n, v);
    reasons.push(match fired {
        Rule::FewTeams => format!("Fewer than {} teams: product managers own the process; fix the named blockers inside the teams.", v.min_teams),
        Rule::SharedAndSignals => format!(
            "Share ≥ {} with ≥ {} organisation signals: a dedicated product-operations role.",
            pct(v.dedicated_share),
            v.dedicated_org_signals
        ),
        Rule::LargeOrganisation => format!(
            "A large organisation (≥ {} teams) with share ≥ {} and an organisation signal: a dedicated role.",
            v.large_org_teams,
            pct(v.large_org_share)
        ),
        Rule::PartTime => format!(
            "Share ≥ {} or at least one organisation signal: a named product manager owns process and tooling part-time.",
            pct(v.part_time_share)
        ),
        Rule::None => "No rule for a role holds: fix the named blockers inside the teams.".into(),
    });
    let verdict = fired.verdict();
    let margin = margin(o, n, v, verdict);
    reasons.extend(margin.clone());
    Decision {
        verdict,
        share,
        org_signals: org,
        reasons,
        margin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_inputs_count_judged_teams_and_divergent_workflows() {
        let o = OrgInputs::of(
            [Some(0.4), Some(0.5), None, Some(0.9)].into_iter(),
            2,
            3,
            Some(0.25),
            0.5,
        );
        assert_eq!(
            o,
            OrgInputs {
                teams: 4,
                teams_needing_support: 2,
                fragmented_categories: 3,
                divergent_teams: 1,
                teams_with_workflow: 3,
                team_change_rate: Some(0.25),
            }
        );
    }

    fn org(teams: u32, need: u32, frag: u32, div: u32, tcr: f64) -> OrgInputs {
        OrgInputs {
            teams,
            teams_needing_support: need,
            fragmented_categories: frag,
            divergent_teams: div,
            teams_with_workflow: teams,
            team_change_rate: Some(tcr),
        }
    }

    #[test]
    fn verdict_rules_table_driven() {
        let v = VerdictCfg::default();
        let cases = [
            (org(3, 3, 5, 3, 0.9), VerdictKind::NotNeeded),
            (org(4, 2, 2, 0, 0.3), VerdictKind::Dedicated),
            (org(4, 2, 2, 0, 0.1), VerdictKind::PartTime),
            (org(8, 3, 2, 0, 0.0), VerdictKind::Dedicated),
            (org(7, 3, 2, 0, 0.0), VerdictKind::PartTime),
            (org(6, 1, 0, 1, 0.0), VerdictKind::NotNeeded),
            (org(6, 2, 0, 0, 0.0), VerdictKind::PartTime),
            (org(10, 0, 0, 3, 0.0), VerdictKind::PartTime),
        ];
        for (i, (o, want)) in cases.iter().enumerate() {
            assert_eq!(decide(o, &v).verdict, *want, "case {i}: {o:?}");
        }
        let d = decide(&org(10, 0, 0, 3, 0.0), &v);
        assert_eq!(d.org_signals, vec![OrgSignal::WorkflowDivergence]);
    }

    #[test]
    fn the_verdict_says_how_close_it_is() {
        let v = VerdictCfg::default();
        let last = |o: &OrgInputs| decide(o, &v).reasons.last().cloned().unwrap();
        // BPIC 2013 incidents: 39 of 119 teams, one organisation signal (team changes 51%):
        // dedicated by the large-organisation rule down to 36 teams (30.3% >= 30%).
        let o = org(119, 39, 0, 0, 0.51);
        assert_eq!(decide(&o, &v).verdict, VerdictKind::Dedicated);
        assert_eq!(
            last(&o),
            "How close: 4 fewer teams needing support (35 of 119) would make it part-time ownership."
        );
        // Part-time by share alone (2 of 6, no signal): one fewer is no role.
        let o = org(6, 2, 0, 0, 0.0);
        assert_eq!(
            last(&o),
            "How close: 1 fewer team needing support (1 of 6) would make it no role."
        );
        // Part-time with two signals in a small organisation: one more is dedicated (3 of 6 =
        // 50%), none fewer changes it (the signals keep it part-time).
        let o = org(6, 2, 2, 3, 0.0);
        assert_eq!(
            last(&o),
            "How close: 1 more team needing support (3 of 6) would make it a dedicated role."
        );
        // A signal and fewer than 8 teams: part-time whatever the count.
        let o = org(7, 1, 0, 0, 0.4);
        assert_eq!(
            last(&o),
            "How close: no number of teams needing support would change it (the organisation signals and the team count decide)."
        );
        // Too few teams: no margin line.
        let d = decide(&org(3, 3, 5, 3, 0.9), &v);
        assert!(d.reasons.last().unwrap().starts_with("Fewer than 4 teams"));
    }

    #[test]
    fn signals_fire_on_their_thresholds_and_missing_inputs_are_no_data() {
        let t = Signals::default();
        let i = TeamInputs {
            flow_efficiency: Some(0.2),
            handoffs_per_item: Some(1.0),
            ping_pong_rate: Some(0.11),
            reopen_rate: None,
            aging_share: Some(0.2),
            overlapping_categories: Some(0),
            min_utilisation: Some(0.5),
            workflow_similarity: Some(0.5),
        };
        let s = team_signals(&i, &t);
        assert_eq!(
            fired(&s),
            vec![
                SignalId::LowFlowEfficiency,
                SignalId::PingPong,
                SignalId::ToolSprawl
            ]
        );
        assert_eq!(s[3].fired, None);
        let s = team_signals(&TeamInputs::default(), &t);
        assert!(s.iter().all(|x| x.fired.is_none()));
    }
}
