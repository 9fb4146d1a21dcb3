//! The teams part of the report: `tables/teams.csv` (the figures of `summary.json`'s
//! `teams` plus one column per signal: `true`, `false`, or empty for no data or a team too
//! small to judge; then `finished` and `judged`) and one sub-section per judged team.

use super::TableId;
use super::{Block, Cell, Table, TeamSummary};
use crate::metrics::signals::SignalId;
use std::collections::HashMap;

/// The columns of `tables/teams.csv`: the figures, one column per team signal
/// ([`SignalId::ALL`]), then `finished` and `judged`.
pub fn teams_columns() -> &'static [&'static str] {
    static COLUMNS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        [
            "team",
            "items",
            "done",
            "lead_time_p50",
            "lead_time_p85",
            "cycle_time_n",
            "cycle_time_p50",
            "cycle_time_p85",
            "cycle_time_p95",
            "flow_efficiency",
            "handoffs_per_item",
            "team_change_rate",
            "ping_pong_rate",
            "reopen_rate",
            "wip",
            "at_risk",
            "workflow_similarity",
        ]
        .into_iter()
        .chain(SignalId::ALL.map(SignalId::id))
        .chain(["finished", "judged"])
        .collect()
    })
}

/// `tables/teams.csv`.
pub fn teams_table(teams: &[TeamSummary]) -> Table {
    Table {
        name: TableId::Teams,
        header: teams_columns().to_vec(),
        rows: teams
            .iter()
            .map(|t| {
                let mut row: Vec<Cell> = vec![
                    t.team.as_str().into(),
                    t.items.into(),
                    t.done.into(),
                    t.lead_time_days.p50.into(),
                    t.lead_time_days.p85.into(),
                    t.cycle_time_days.n.into(),
                    t.cycle_time_days.p50.into(),
                    t.cycle_time_days.p85.into(),
                    t.cycle_time_days.p95.into(),
                    t.flow_efficiency.into(),
                    t.handoffs_per_item.into(),
                    t.team_change_rate.into(),
                    t.ping_pong_rate.into(),
                    t.reopen_rate.into(),
                    t.wip.into(),
                    t.at_risk.into(),
                    t.workflow_similarity.into(),
                ];
                for id in SignalId::ALL {
                    let state = t.signal_states.iter().find(|s| s.0 == id).and_then(|s| s.1);
                    row.push(match state {
                        Some(true) => "true".into(),
                        Some(false) => "false".into(),
                        None => Cell::Empty,
                    });
                }
                row.push(t.finished.into());
                row.push(if t.judged { "true" } else { "false" }.into());
                row
            })
            .collect(),
    }
}

/// The first three findings (indices, in the order given) of each scope: a finding scoped
/// "A ↔ B" counts for "A", for "B" and for itself. One pass over the findings (matching every
/// team against every finding was 100,000 string splits with hundreds of groups).
fn top_findings(findings: &[crate::metrics::blockers::Finding]) -> HashMap<&str, Vec<usize>> {
    let mut top: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, f) in findings.iter().enumerate() {
        for name in std::iter::once(f.scope.as_str()).chain(f.scope.split(" ↔ ")) {
            let mine = top.entry(name).or_default();
            if mine.len() < 3 && mine.last() != Some(&k) {
                mine.push(k);
            }
        }
    }
    top
}

/// One sub-section per team that can be judged (METRICS.md §12: enough items done in the
/// period): its figures in words, its fired signals with their levers, and its costliest
/// blockers. The other teams share the teams table.
pub fn team_blocks(
    teams: &[TeamSummary],
    findings: &[crate::metrics::blockers::Finding],
) -> Vec<Block> {
    let h = super::text::human;
    let pct = |x: Option<f64>| {
        x.map(|v| format!("{:.0}%", v * 100.0))
            .unwrap_or_else(|| "no data".into())
    };
    let top = top_findings(findings);
    let mut out = Vec::new();
    for t in teams.iter().filter(|t| t.judged) {
        out.push(Block::Subheading(t.team.clone()));
        let mut facts = vec![format!(
            "{} items in scope, {} done; {} in progress at the end, {} of them at risk.",
            t.items, t.done, t.wip, t.at_risk
        )];
        if let (Some(p50), Some(p85)) = (t.cycle_time_days.p50, t.cycle_time_days.p85) {
            facts.push(format!(
                "Cycle time: median {} days; 85% of items finish within {} days (n = {}). Lead time median {} days.",
                h(p50),
                h(p85),
                t.cycle_time_days.n,
                t.lead_time_days.p50.map(h).unwrap_or_else(|| "–".into())
            ));
        }
        facts.push(format!(
            "Flow efficiency {}; {} team handoffs per item; {} of items changed team, {} bounced; reopen rate {}; workflow similarity {}.",
            pct(t.flow_efficiency),
            t.handoffs_per_item.map(h).unwrap_or_else(|| "–".into()),
            pct(t.team_change_rate),
            pct(t.ping_pong_rate),
            pct(t.reopen_rate),
            pct(t.workflow_similarity)
        ));
        let fired: Vec<String> = t.signals.clone().unwrap_or_default();
        facts.push(if fired.is_empty() {
            "No signal fired.".to_string()
        } else {
            format!("Signals fired: {}.", fired.join(", ").replace('_', " "))
        });
        let mine: Vec<String> = top
            .get(t.team.as_str())
            .into_iter()
            .flatten()
            .map(|&k| &findings[k])
            .map(|f| format!("{} ({}): {}", f.kind.words(), f.scope, f.evidence))
            .collect();
        if !mine.is_empty() {
            facts.push(format!("Top blockers: {}", mine.join("; ")));
        }
        out.push(Block::List(facts));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::blockers::{Finding, FindingKind, Unit};

    fn finding(scope: &str) -> Finding {
        Finding {
            kind: FindingKind::Queue,
            scope: scope.into(),
            impact: 1.0,
            unit: Unit::ItemDays,
            evidence: String::new(),
            items: Default::default(),
            rank: 1,
        }
    }

    /// A pair's finding counts for both teams; each team keeps its first three in order; a
    /// team that is only a prefix of another's name gets none of its findings.
    #[test]
    fn each_team_keeps_its_first_three_findings_pairs_counting_for_both() {
        let f: Vec<Finding> = ["A", "A ↔ B", "B", "AB", "A", "A", "B ↔ B"]
            .into_iter()
            .map(finding)
            .collect();
        let top = top_findings(&f);
        assert_eq!(top["A"], vec![0, 1, 4]);
        assert_eq!(top["B"], vec![1, 2, 6]);
        assert_eq!(top["AB"], vec![3]);
        assert_eq!(top["A ↔ B"], vec![1]);
        assert_eq!(top["B ↔ B"], vec![6]);
        assert!(!top.contains_key("C"));
    }
}
