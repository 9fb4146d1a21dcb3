//! Blockers, where ops support would help, and the product-ops verdict (METRICS.md §9–§10):
//! `tables/blockers.csv`, the signals of every team, `summary.json` `recommendation`, and the
//! executive summary that opens the report.

use super::part::Parts;
use super::sprawl_section::Sprawl;
use super::TableId;
use super::{r6, Block, Cell, RunTable, Section, Table, TeamSummary};
use crate::config::{Blockers as BlockerCfg, Signals as SignalCfg, Verdict as VerdictCfg};
use crate::metrics::blockers::{self, Finding, Unit};
use crate::metrics::evidence::{self, Gate};
use crate::metrics::items::ItemRecord;
use crate::metrics::signals::{self, Decision, OrgInputs, Signal, SignalId, TeamInputs};
use crate::model::Ts;
use rayon::prelude::*;
use serde::Serialize;

/// The columns of `tables/signals.csv`.
pub const SIGNALS_COLUMNS: [&str; 5] = ["team", "signal", "value", "threshold", "fired"];
/// The columns of `tables/evidence.csv`.
pub const EVIDENCE_COLUMNS: [&str; 6] = ["gate", "passed", "value", "threshold", "measure", "fix"];
/// The columns of `tables/blockers.csv`.
pub const BLOCKERS_COLUMNS: [&str; 6] = ["rank", "kind", "scope", "impact", "unit", "evidence"];
/// The columns of `tables/blocker_items.csv`.
pub const BLOCKER_ITEMS_COLUMNS: [&str; 3] = ["kind", "scope", "item_id"];

/// `summary.json` `recommendation`.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    /// `dedicated`, `part_time`, `not_needed`, or `insufficient_evidence` when an evidence
    /// gate failed.
    pub verdict: &'static str,
    /// Teams that would benefit ÷ teams.
    pub share_of_teams: f64,
    /// Fired organisation signals.
    pub org_signals: Vec<signals::OrgSignal>,
    /// The reasoning, every input beside its threshold.
    pub reasons: Vec<String>,
    /// Teams that would benefit from ops support.
    pub teams_needing_support: Vec<String>,
    /// The inputs of the rules.
    pub inputs: OrgInputs,
    /// The thresholds used.
    pub thresholds: VerdictCfg,
    /// The evidence gates (METRICS.md §12).
    pub evidence: Vec<Gate>,
    /// Teams with too few items done in the period to judge (`[evidence]
    /// min_team_finished`): not in the share.
    pub teams_too_few_to_judge: Vec<String>,
}

/// A team's signals, as this part judged them (none for a team too small to judge).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamSignals {
    /// Fired signal ids (None when not judged).
    pub fired: Option<Vec<String>>,
    /// Every signal's state.
    pub states: Vec<(SignalId, Option<bool>)>,
}

/// Everything this part computed.
pub struct Verdict {
    /// Each team's signals, in the order of `VerdictInput::teams`.
    pub team_signals: Vec<TeamSignals>,
    /// Tables and sections.
    pub parts: Parts,
    /// `recommendation`.
    pub recommendation: Recommendation,
    /// Ranked findings.
    pub findings: Vec<Finding>,
    /// The executive summary section (first in the report).
    pub executive: Section,
}

/// Inputs of the part.
pub struct VerdictInput<'a> {
    /// The evidence gates, checked before anything here is presented as a finding.
    pub gates: &'a [Gate],
    /// Every record.
    pub records: &'a [ItemRecord],
    /// Period.
    pub period: Option<(Ts, Ts)>,
    /// Audit instant.
    pub as_of: Ts,
    /// Team figures (read only: the signals come back in `Verdict::team_signals`).
    pub teams: &'a [TeamSummary],
    /// Sprawl and consistency.
    pub sprawl: &'a Sprawl,
    /// (team, item, age − p85) of at-risk items.
    pub aging_over: &'a [(String, String, f64)],
    /// Organisation team change rate.
    pub team_change_rate: Option<f64>,
    /// `[signals]`.
    pub signals: &'a SignalCfg,
    /// `[verdict]`.
    pub verdict: &'a VerdictCfg,
    /// `[blockers]`.
    pub blockers: &'a BlockerCfg,
    /// `[evidence] min_team_finished`, for the words about teams too small to judge.
    pub min_team_finished: u64,
}

const SOURCES: &str = "These thresholds are heuristics drawn from practice, not laws: coordination costs rise past about four product teams; product-operations coverage runs at roughly one person per two or three embedded teams; and Aha!'s position is that a dedicated role is rarely needed outside large organisations with many products and teams. Change them in the config's [verdict] and [signals] to see what would change.";

/// A gate's figure in words: a count for `finished_items`, a percentage otherwise.
fn gate_figure(gate: &str, v: f64) -> String {
    if gate == "finished_items" {
        format!("{v:.0}")
    } else {
        format!("{}%", super::text::human(v * 100.0))
    }
}

fn fmt_value(s: &Signal) -> String {
    match (s.id, s.value) {
        (_, None) => "no data".into(),
        (SignalId::ToolSprawl, Some(v)) => format!("{v:.0} overlapping"),
        (SignalId::HandoffHeavy, Some(v)) => format!("{} per item", super::text::human(v)),
        (_, Some(v)) => format!("{:.0}%", v * 100.0),
    }
}

fn fmt_threshold(s: &Signal) -> String {
    match s.id {
        SignalId::ToolSprawl => {
            format!("≥ {:.0} overlapping or a licence < 80% used", s.threshold)
        }
        SignalId::HandoffHeavy => format!("> {}", super::text::human(s.threshold)),
        SignalId::LowFlowEfficiency | SignalId::WorkflowDivergence => {
            format!("< {:.0}%", s.threshold * 100.0)
        }
        _ => format!("> {:.0}%", s.threshold * 100.0),
    }
}

/// Build the part.
pub fn build(i: VerdictInput) -> Verdict {
    let j = judge_teams(&i);
    let org = org_inputs(&i, j.needing.len());
    let d: Decision = signals::decide(&org, i.verdict);
    let sufficient = evidence::all_pass(i.gates);
    let verdict_kind = if sufficient {
        d.verdict
    } else {
        signals::VerdictKind::InsufficientEvidence
    };
    let findings = find_blockers(&i);
    let p = Parts {
        tables: vec![
            Table {
                name: TableId::Signals,
                header: SIGNALS_COLUMNS.to_vec(),
                rows: j.signal_rows.clone(),
            },
            evidence_table(i.gates),
            blockers_table(&findings),
        ],
        run_tables: vec![blocker_items_table(&findings)],
        sections: vec![
            blockers_section(&findings, sufficient),
            support_section(&i, &j, sufficient),
            verdict_part(&d, verdict_kind, &findings),
        ],
        ..Parts::default()
    };
    let executive = executive(&i, &j, verdict_kind, &findings, d.margin.as_deref());
    let Judged {
        needing,
        too_few,
        team_signals,
        ..
    } = j;
    let recommendation = Recommendation {
        verdict: verdict_kind.id(),
        share_of_teams: r6(d.share),
        org_signals: d.org_signals.clone(),
        reasons: d.reasons.clone(),
        teams_needing_support: needing,
        inputs: org,
        thresholds: i.verdict.clone(),
        evidence: i.gates.to_vec(),
        teams_too_few_to_judge: too_few,
    };
    Verdict {
        team_signals,
        parts: p,
        recommendation,
        findings,
        executive,
    }
}

/// Each team's signals, in the order of `VerdictInput::teams` (METRICS.md §10, §12).
struct Judged {
    needing: Vec<String>,
    signal_rows: Vec<Vec<Cell>>,
    levers: Vec<String>,
    too_few: Vec<String>,
    team_signals: Vec<TeamSignals>,
}

/// The signals of every judged team; teams with too few items done are listed apart.
fn judge_teams(i: &VerdictInput) -> Judged {
    let mut needing = Vec::new();
    let mut signal_rows = Vec::new();
    let mut levers = Vec::new();
    let mut too_few = Vec::new();
    let mut team_signals = Vec::with_capacity(i.teams.len());
    for t in i.teams {
        let sp = i.sprawl.teams.get(&t.team);
        let wf = i.sprawl.workflows.get(&t.team);
        if !t.judged {
            // Too few items to judge (METRICS.md §12): figures shown, no signal, not in
            // the verdict's share.
            too_few.push(t.team.clone());
            team_signals.push(TeamSignals::default());
            continue;
        }
        let inputs = TeamInputs {
            flow_efficiency: t.flow_efficiency,
            handoffs_per_item: t.handoffs_per_item,
            ping_pong_rate: t.ping_pong_rate,
            reopen_rate: t.reopen_rate,
            aging_share: (t.wip > 0).then(|| t.at_risk as f64 / t.wip as f64),
            overlapping_categories: sp.map(|s| s.overlapping.len() as u32),
            min_utilisation: sp.and_then(|s| s.min_utilisation),
            workflow_similarity: wf.and_then(|w| w.similarity),
        };
        let sig = signals::team_signals(&inputs, i.signals);
        let fired = signals::fired(&sig);
        team_signals.push(TeamSignals {
            fired: Some(fired.iter().map(|s| s.id().to_string()).collect()),
            states: sig.iter().map(|s| (s.id, s.fired)).collect(),
        });
        for s in &sig {
            signal_rows.push(vec![
                Cell::from(t.team.as_str()),
                Cell::from(s.id.id()),
                Cell::from(s.value.map(r6)),
                Cell::from(s.threshold),
                Cell::from(match s.fired {
                    Some(true) => "true",
                    Some(false) => "false",
                    None => "",
                }),
            ]);
        }
        if fired.len() as u32 >= i.signals.min_signals {
            needing.push(t.team.clone());
            let l: Vec<String> = sig
                .iter()
                .filter(|s| s.fired == Some(true))
                .map(|s| {
                    format!(
                        "{} ({} vs {}): {}",
                        s.id.id().replace('_', " "),
                        fmt_value(s),
                        fmt_threshold(s),
                        s.lever
                    )
                })
                .collect();
            levers.push(format!("{} — {}", t.team, l.join("; ")));
        }
    }
    Judged {
        needing,
        signal_rows,
        levers,
        too_few,
        team_signals,
    }
}

/// The organisation's inputs of the verdict rules.
fn org_inputs(i: &VerdictInput, needing: usize) -> OrgInputs {
    OrgInputs::of(
        i.teams
            .iter()
            .filter(|t| t.judged)
            .map(|t| t.workflow_similarity),
        needing as u32,
        i.sprawl.fragmented.len() as u32,
        i.team_change_rate.map(r6),
        i.signals.workflow_similarity,
    )
}

/// The evidence gates that failed, in words with what to do.
fn failed_gates(gates: &[Gate]) -> Vec<String> {
    gates
        .iter()
        .filter(|g| !g.passed)
        .map(|g| {
            format!(
                "{}: {} ({} against a threshold of {}). What to do: {}.",
                g.gate.replace('_', " "),
                g.measure,
                g.value
                    .map_or_else(|| "–".into(), |v| gate_figure(g.gate, v)),
                gate_figure(g.gate, g.threshold),
                g.fix
            )
        })
        .collect()
}

const PROVISIONAL: &str = "Provisional: an evidence gate failed (see the executive summary and the data-quality section), so these findings are read from data flowaudit could not fully interpret.";

/// `tables/evidence.csv`.
fn evidence_table(gates: &[Gate]) -> Table {
    Table {
        name: TableId::Evidence,
        header: EVIDENCE_COLUMNS.to_vec(),
        rows: gates
            .iter()
            .map(|g| {
                vec![
                    Cell::from(g.gate),
                    Cell::from(if g.passed { "true" } else { "false" }),
                    Cell::from(g.value.map(r6)),
                    Cell::from(r6(g.threshold)),
                    Cell::from(g.measure.as_str()),
                    Cell::from(g.fix.as_str()),
                ]
            })
            .collect(),
    }
}

/// Every blocker, each kind found in parallel, ranked (METRICS.md §9).
fn find_blockers(i: &VerdictInput) -> Vec<Finding> {
    let frag: Vec<(String, Vec<String>, Vec<String>, f64)> = i
        .sprawl
        .fragmented
        .iter()
        .map(|(f, c)| (f.category.clone(), f.tools.clone(), f.teams.clone(), *c))
        .collect();
    let div: Vec<(String, f64, Vec<String>)> = i
        .sprawl
        .workflows
        .values()
        .filter_map(|w| Some((w.team.clone(), w.similarity?, w.unique.clone())))
        .collect();
    // Each kind of finding reads the records on its own: found in parallel, in this order.
    type Finder<'f> = Box<dyn Fn() -> Vec<Finding> + Send + Sync + 'f>;
    let (records, period, as_of, aging_over) = (i.records, i.period, i.as_of, i.aging_over);
    let (stale_days, similarity) = (i.blockers.stale_days, i.signals.workflow_similarity);
    let finders: Vec<Finder> = vec![
        Box::new(|| blockers::queues(records, period)),
        Box::new(|| blockers::blocked(records, period)),
        Box::new(|| blockers::handoff_drag(records, period)),
        Box::new(|| blockers::ping_pong(records)),
        Box::new(|| blockers::rework(records, as_of)),
        Box::new(|| blockers::aging(aging_over)),
        Box::new(|| blockers::stale(records, as_of, stale_days)),
        Box::new(|| blockers::tool_overlap(&frag)),
        Box::new(|| blockers::workflow_divergence(&div, similarity)),
    ];
    blockers::rank(
        finders
            .into_par_iter()
            .map(|f| f())
            .collect::<Vec<_>>()
            .concat(),
    )
}

/// `tables/blockers.csv`.
fn blockers_table(findings: &[Finding]) -> Table {
    Table {
        name: TableId::Blockers,
        header: BLOCKERS_COLUMNS.to_vec(),
        rows: findings
            .iter()
            .map(|f| {
                vec![
                    Cell::from(f.rank),
                    Cell::from(f.kind.id()),
                    Cell::from(f.scope.as_str()),
                    Cell::from(r6(f.impact)),
                    Cell::from(f.unit.id()),
                    Cell::from(f.evidence.as_str()),
                ]
            })
            .collect(),
    }
}

/// `tables/blocker_items.csv`.
fn blocker_items_table(findings: &[Finding]) -> RunTable {
    RunTable {
        name: TableId::BlockerItems,
        header: BLOCKER_ITEMS_COLUMNS.to_vec(),
        runs: findings
            .iter()
            .map(|f| {
                let lead = vec![Cell::from(f.kind.id()), Cell::from(f.scope.as_str())];
                (lead, f.items.clone())
            })
            .collect(),
    }
}

/// A finding in one line.
fn describe(f: &Finding) -> String {
    let impact = match f.unit {
        Unit::ItemDays => format!("{} item-days", super::text::human(f.impact)),
        Unit::Money => format!("{} a year", super::text::human(f.impact)),
        Unit::Similarity => format!("similarity {:.0}%", f.impact * 100.0),
    };
    format!(
        "{} · {}: {} — {}",
        f.kind.words(),
        f.scope,
        impact,
        f.evidence
    )
}

/// The findings measured in item-days, costliest first.
fn days_findings(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.unit == Unit::ItemDays)
        .collect()
}

/// The blockers section.
fn blockers_section(findings: &[Finding], sufficient: bool) -> Section {
    let days_findings = days_findings(findings);
    let mut bblocks = Vec::new();
    if !sufficient {
        bblocks.push(Block::Paragraph(PROVISIONAL.into()));
    }
    bblocks.push(Block::Paragraph(
        "Findings ranked by the item-days they cost (queues, blocked time, handoff drag, ping-pong, rework, aging, stale work); tool overlap (money) and workflow divergence (similarity) are ranked separately. Every item behind a finding is in tables/blocker_items.csv.".into(),
    ));
    bblocks.push(Block::List(
        days_findings.iter().take(10).map(|f| describe(f)).collect(),
    ));
    let money: Vec<String> = findings
        .iter()
        .filter(|f| f.unit == Unit::Money)
        .map(describe)
        .collect();
    if !money.is_empty() {
        bblocks.push(Block::Paragraph("Tool overlap, by annual cost:".into()));
        bblocks.push(Block::List(money));
    }
    let sim: Vec<String> = findings
        .iter()
        .filter(|f| f.unit == Unit::Similarity)
        .map(describe)
        .collect();
    if !sim.is_empty() {
        bblocks.push(Block::Paragraph(
            "Workflow divergence, least similar first:".into(),
        ));
        bblocks.push(Block::List(sim));
    }
    bblocks.push(Block::Table {
        name: TableId::Blockers,
        limit: 25,
    });
    Section {
        id: "blockers",
        title: if sufficient {
            "Efficiency blockers".into()
        } else {
            "Efficiency blockers (provisional)".into()
        },
        blocks: bblocks,
    }
}

/// Where operations support would help.
fn support_section(i: &VerdictInput, j: &Judged, sufficient: bool) -> Section {
    let (needing, levers, too_few) = (&j.needing, &j.levers, &j.too_few);
    let judged = i.teams.len() - too_few.len();
    let mut sblocks = Vec::new();
    if !sufficient {
        sblocks.push(Block::Paragraph(PROVISIONAL.into()));
    }
    sblocks.push(Block::Paragraph(format!(
        "A team would benefit from operations support when at least {} of its seven signals fire. {}",
        i.signals.min_signals,
        if needing.is_empty() { "No team reaches that." .to_string() } else { format!("{} of {} teams do:", needing.len(), judged) }
    )));
    if !levers.is_empty() {
        sblocks.push(Block::List(levers.clone()));
    }
    if !too_few.is_empty() {
        sblocks.push(Block::Paragraph(format!(
            "{} of {} teams had fewer than {} items done in the period: too few items to judge, so their signals are not evaluated and they do not count in the verdict (their figures, with their n, are in the teams table): {}.",
            too_few.len(),
            i.teams.len(),
            i.min_team_finished,
            if too_few.len() > 12 {
                format!("{} and {} more", too_few[..12].join(", "), too_few.len() - 12)
            } else {
                too_few.join(", ")
            }
        )));
    }
    sblocks.push(Block::Table {
        name: TableId::Signals,
        limit: 7 * 30,
    });
    Section {
        id: "support",
        title: "Where operations support would help".into(),
        blocks: sblocks,
    }
}

/// The verdict in one sentence.
fn verdict_line(verdict_kind: signals::VerdictKind) -> &'static str {
    match verdict_kind {
        signals::VerdictKind::InsufficientEvidence => "No verdict: not enough evidence. The rules below were applied to figures that failed an evidence gate, and are shown only to say what they would give.",
        signals::VerdictKind::Dedicated => "Verdict: a dedicated product-operations role is justified.",
        signals::VerdictKind::PartTime => "Verdict: a named product manager should own process and tooling part-time; a dedicated role is not yet justified.",
        signals::VerdictKind::NotNeeded => "Verdict: a dedicated product-operations role is not needed; product managers own the process and fix the named blockers inside the teams.",
    }
}

/// The verdict section: the verdict, its reasons, the other side and what would change it.
fn verdict_part(d: &Decision, verdict_kind: signals::VerdictKind, findings: &[Finding]) -> Section {
    let verdict_line = verdict_line(verdict_kind);
    let total_days: f64 = days_findings(findings).iter().map(|f| f.impact).sum();
    let opposite = format!(
        "The other side: a dedicated role costs a full-time salary and adds a coordination layer; the blockers named here cost {} item-days of delay in this audit{}. {}",
        super::text::human(total_days),
        {
            let m: f64 = findings.iter().filter(|f| f.unit == Unit::Money).map(|f| f.impact).sum();
            if m > 0.0 { format!(", and the overlapping tools {} a year", super::text::human(m)) } else { String::new() }
        },
        match verdict_kind {
            signals::VerdictKind::InsufficientEvidence => "Fix the failed evidence gates first; the verdict is only given when every gate passes.",
            signals::VerdictKind::Dedicated => "If the teams fixed the top blockers themselves and consolidated tools, the case would weaken to part-time.",
            signals::VerdictKind::PartTime => "Would a dedicated role pay? Only if the named blockers outgrow what one product manager can own alongside their product work.",
            signals::VerdictKind::NotNeeded => "If more teams crossed the signal threshold, or tools fragmented further, the verdict would move to part-time.",
        }
    );
    let mut vblocks = vec![
        Block::Paragraph(verdict_line.into()),
        Block::List(d.reasons.clone()),
        Block::Paragraph(opposite.clone()),
        Block::Paragraph(SOURCES.into()),
    ];
    vblocks.push(Block::Paragraph("What would change the verdict: the thresholds are in [verdict] (min_teams, dedicated_share, dedicated_org_signals, large_org_teams, large_org_share, part_time_share, fragmented_categories, divergent_team_share, team_change_rate) and [signals] of the config.".into()));
    Section {
        id: "verdict",
        title: "The product-operations verdict".into(),
        blocks: vblocks,
    }
}

/// The executive summary: the verdict (or the failed gates), the headline figures, the three
/// costliest blockers and the teams that need help.
fn executive(
    i: &VerdictInput,
    j: &Judged,
    verdict_kind: signals::VerdictKind,
    findings: &[Finding],
    margin: Option<&str>,
) -> Section {
    let sufficient = verdict_kind != signals::VerdictKind::InsufficientEvidence;
    let verdict_line = verdict_line(verdict_kind);
    let failed_gates = failed_gates(i.gates);
    let days_findings = days_findings(findings);
    let needing = &j.needing;
    let mut eblocks = if sufficient {
        // The verdict and how close it is (the verdict section's last reason).
        let line = match margin {
            Some(m) => format!("{verdict_line} {m}"),
            None => verdict_line.to_string(),
        };
        vec![Block::Paragraph(line)]
    } else {
        vec![
            Block::Paragraph("Not enough evidence for a verdict. flowaudit could not interpret enough of this data to judge whether a product-operations role is justified; these evidence gates failed:".into()),
            Block::List(failed_gates.clone()),
            Block::Paragraph("The flow figures below that do not depend on a failed gate stand; the blockers and signals are provisional.".into()),
        ]
    };
    eblocks.push(Block::Headline);
    let top3: Vec<String> = days_findings.iter().take(3).map(|f| describe(f)).collect();
    if !top3.is_empty() {
        eblocks.push(Block::Paragraph(if sufficient {
            "The three costliest blockers:".into()
        } else {
            "The three costliest blockers (provisional):".into()
        }));
        eblocks.push(Block::List(top3));
    }
    eblocks.push(Block::Paragraph(if i.teams.is_empty() {
        "No team could be judged: no item has a team.".into()
    } else if needing.is_empty() {
        "No team crosses the threshold for operations support.".into()
    } else {
        format!("Teams that need help: {}.", needing.join(", "))
    }));
    Section {
        id: "summary",
        title: "Executive summary".into(),
        blocks: eblocks,
    }
}
