//! Evidence before a verdict (METRICS.md §12).
//!
//! Five **gates**, checked on the items in scope before the verdict (§10) and the blocker
//! ranking (§9) are presented as findings (thresholds in `[evidence]`):
//!
//! | gate | passes when |
//! |---|---|
//! | `mapped_statuses` | in status logs, ≥ `mapped_share` (80 %) of the events that name a status have one mapped by config, source category or pattern rows 1–6 (not the fallback); passes with no value when every input is an activity log |
//! | `finished_items` | ≥ `min_finished` (30) items done in the period |
//! | `plausible_reopens` | of the status-log items in scope that ever entered a terminal category, ≤ `max_reopen_share` (50 %) left it again (activity-log items never leave a terminal category: their rework is repeated activities, not reopening) |
//! | `plausible_durations` | of the items done in the period with a cycle time, < `max_implausible_share` (5 %) have a cycle time of 0 or above 10 years (3,652.5 days) |
//! | `teams_known` | ≥ `team_share` (80 %) of the items in scope have a team |
//!
//! A gate whose denominator is empty passes with no value (there is nothing implausible to
//! count), except `finished_items`, whose value is the count itself. When any gate fails the
//! verdict is `insufficient_evidence`; [`Gate::fix`] is the one step that fixes it.

use crate::config::Evidence as EvidenceCfg;
use crate::metrics::items::ItemRecord;
use serde::Serialize;

/// Ten years in days: cycle times above this are implausible.
pub const TEN_YEARS_DAYS: f64 = 3652.5;

/// Counts the gates are computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceInputs {
    /// Events of status-log inputs that name a status (None when every input is an activity
    /// log).
    pub status_events: Option<u64>,
    /// Of those, events whose status is mapped (config, source category, pattern rows 1–6).
    pub mapped_events: u64,
    /// The most frequent statuses that only the fallback mapped, for the fix.
    pub unmapped_examples: Vec<String>,
    /// Items done in the period.
    pub finished: u64,
    /// Status-log items in scope that ever entered a terminal category.
    pub terminal: u64,
    /// Of those, items that left it again (≥ 1 reopen).
    pub reopened: u64,
    /// Items done in the period with a cycle time.
    pub with_cycle: u64,
    /// Of those, cycle time 0 or above ten years.
    pub implausible: u64,
    /// Items in scope.
    pub in_scope: u64,
    /// Of those, items with a team.
    pub with_team: u64,
    /// Of those without one, items whose team ended on a placeholder (`?`, `unknown`…).
    pub placeholder_team: u64,
}

/// One gate's result (`summary.json` `recommendation.evidence`, `tables/evidence.csv`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    /// Gate id.
    pub gate: &'static str,
    /// Did it pass?
    pub passed: bool,
    /// The measured figure (a share, or a count for `finished_items`); None when the gate
    /// has nothing to measure.
    pub value: Option<f64>,
    /// Its threshold.
    pub threshold: f64,
    /// What the figure is, in words.
    pub measure: String,
    /// The one step that fixes a failed gate (empty when it passed).
    pub fix: String,
}

impl EvidenceInputs {
    /// The counts of the items in scope and the items done in the period, with the status
    /// counts of the status-log inputs (None when every input is an activity log).
    pub fn of(
        in_scope: &[&ItemRecord],
        done: &[&ItemRecord],
        status: Option<&crate::log_kind::StatusCounts>,
    ) -> EvidenceInputs {
        // One pass over each population, the two side by side (1.4M items each at 10M
        // events).
        let ((terminal, reopened, with_team, placeholder_team), (with_cycle, implausible)) =
            rayon::join(
                || {
                    in_scope
                        .iter()
                        .fold((0u64, 0u64, 0u64, 0u64), |(t, o, w, p), r| {
                            // Terminal and reopened count the status-log items only.
                            let terminal = !r.activity && r.ever_terminal;
                            (
                                t + u64::from(terminal),
                                o + u64::from(terminal && r.reopens > 0),
                                w + u64::from(r.team.is_some()),
                                p + u64::from(r.team.is_none() && r.placeholder_team),
                            )
                        })
                },
                || {
                    done.iter()
                        .filter_map(|r| r.cycle_time_days())
                        .fold((0u64, 0u64), |(n, odd), c| {
                            (n + 1, odd + u64::from(c <= 0.0 || c > TEN_YEARS_DAYS))
                        })
                },
            );
        EvidenceInputs {
            status_events: status.map(|c| c.with_status),
            mapped_events: status.map_or(0, |c| c.with_status - c.unmapped),
            unmapped_examples: status.map(|c| c.top_unmapped(5)).unwrap_or_default(),
            finished: done.len() as u64,
            terminal,
            reopened,
            with_cycle,
            implausible,
            in_scope: in_scope.len() as u64,
            with_team,
            placeholder_team,
        }
    }
}

fn share(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Check every gate, in the order of METRICS.md §12.
pub fn gates(i: &EvidenceInputs, c: &EvidenceCfg) -> Vec<Gate> {
    let mut out = Vec::with_capacity(5);
    let mapped = i.status_events.and_then(|n| share(i.mapped_events, n));
    out.push(Gate {
        gate: "mapped_statuses",
        passed: mapped.is_none_or(|v| v >= c.mapped_share),
        value: mapped,
        threshold: c.mapped_share,
        measure: match i.status_events {
            Some(n) => format!(
                "{} of {} status events have a mapped status",
                i.mapped_events, n
            ),
            None => "every input was read as an activity log".into(),
        },
        fix: if i.unmapped_examples.is_empty() {
            "map the statuses to categories in [statuses] (flowaudit init writes every status found), or read the input as an activity log ([log] kind = \"activities\")".into()
        } else {
            format!(
                "map the unmapped statuses (e.g. {}) in [statuses] — `flowaudit init` writes every status found — or, if these are process steps rather than workflow statuses, read the input as an activity log ([log] kind = \"activities\")",
                i.unmapped_examples
                    .iter()
                    .map(|s| format!("\u{201c}{s}\u{201d}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    });
    out.push(Gate {
        gate: "finished_items",
        passed: i.finished >= c.min_finished,
        value: Some(i.finished as f64),
        threshold: c.min_finished as f64,
        measure: format!("{} items done in the period", i.finished),
        fix: "audit a longer period (--from/--to, or no period), or check that the done statuses are mapped to done (tables/status_map.csv)".into(),
    });
    let reopened = share(i.reopened, i.terminal);
    out.push(Gate {
        gate: "plausible_reopens",
        passed: reopened.is_none_or(|v| v <= c.max_reopen_share),
        value: reopened,
        threshold: c.max_reopen_share,
        measure: match i.status_events {
            Some(_) => format!(
                "{} of {} items that reached done or canceled left it again",
                i.reopened, i.terminal
            ),
            // The reopen rate of an activity log counts activities done again, not items
            // that left an end: say so instead of "0 of 0" beside a reopen rate of 71%.
            None => "not applicable: the cases of an activity log cannot be reopened (activities done again count as rework, in the rework rate)".into(),
        },
        fix: "a status mapped to done or canceled is probably an intermediate step (e.g. \u{201c}Dev Done\u{201d}): map it to waiting in [statuses] (tables/status_map.csv lists the mapping used)".into(),
    });
    let implausible = share(i.implausible, i.with_cycle);
    out.push(Gate {
        gate: "plausible_durations",
        passed: implausible.is_none_or(|v| v < c.max_implausible_share),
        value: implausible,
        threshold: c.max_implausible_share,
        measure: format!(
            "{} of {} done items have a cycle time of 0 or above 10 years",
            i.implausible, i.with_cycle
        ),
        fix: "check the timestamps (a bulk migration or import sets every date at once) and the start statuses: items.csv lists each item's started and finished".into(),
    });
    let teams = share(i.with_team, i.in_scope);
    out.push(Gate {
        gate: "teams_known",
        passed: teams.is_none_or(|v| v >= c.team_share),
        value: teams,
        threshold: c.team_share,
        measure: if i.placeholder_team > 0 {
            format!(
                "{} of {} items in scope have a team; {} end with their team set to a placeholder (see the placeholder_team warning)",
                i.with_team, i.in_scope, i.placeholder_team
            )
        } else {
            format!("{} of {} items in scope have a team", i.with_team, i.in_scope)
        },
        fix: if i.placeholder_team > 0 {
            "give the real team where the export has a placeholder (rename it in the export), or map people to teams with --roster FILE (person,team)".into()
        } else {
            "give a roster (--roster FILE with person,team) or a team field ([people] in the config, org:group in XES, a team column in the events CSV)".into()
        },
    });
    for g in &mut out {
        if g.passed {
            g.fix.clear();
        }
    }
    out
}

/// Do all gates pass?
pub fn all_pass(gates: &[Gate]) -> bool {
    gates.iter().all(|g| g.passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> EvidenceInputs {
        EvidenceInputs {
            status_events: Some(100),
            mapped_events: 80,
            unmapped_examples: vec!["Triagem".into()],
            finished: 30,
            terminal: 40,
            reopened: 20,
            with_cycle: 100,
            implausible: 4,
            in_scope: 50,
            with_team: 40,
            placeholder_team: 0,
        }
    }

    #[test]
    fn teams_lost_to_a_placeholder_say_so_and_how_to_fix_it() {
        let mut i = good();
        i.with_team = 30;
        i.placeholder_team = 12;
        let g = gates(&i, &EvidenceCfg::default());
        let t = g.iter().find(|x| x.gate == "teams_known").unwrap();
        assert!(!t.passed);
        assert_eq!(t.value, Some(0.6));
        assert_eq!(
            t.measure,
            "30 of 50 items in scope have a team; 12 end with their team set to a placeholder (see the placeholder_team warning)"
        );
        assert!(t
            .fix
            .starts_with("give the real team where the export has a placeholder"));
    }

    #[test]
    fn every_gate_passes_exactly_at_its_threshold() {
        let g = gates(&good(), &EvidenceCfg::default());
        assert!(all_pass(&g), "{g:?}");
        let ids: Vec<&str> = g.iter().map(|x| x.gate).collect();
        assert_eq!(
            ids,
            [
                "mapped_statuses",
                "finished_items",
                "plausible_reopens",
                "plausible_durations",
                "teams_known"
            ]
        );
        assert_eq!(g[0].value, Some(0.8));
        assert_eq!(g[1].value, Some(30.0));
        assert_eq!(g[2].value, Some(0.5));
        assert_eq!(g[3].value, Some(0.04));
        assert_eq!(g[4].value, Some(0.8));
        assert!(g.iter().all(|x| x.fix.is_empty()));
    }

    #[test]
    fn each_gate_fails_just_past_its_threshold_with_a_fix() {
        let c = EvidenceCfg::default();
        let cases: [(&str, fn(&mut EvidenceInputs)); 5] = [
            ("mapped_statuses", |i| i.mapped_events = 79),
            ("finished_items", |i| i.finished = 29),
            ("plausible_reopens", |i| i.reopened = 21),
            ("plausible_durations", |i| i.implausible = 5),
            ("teams_known", |i| i.with_team = 39),
        ];
        for (id, change) in cases {
            let mut i = good();
            change(&mut i);
            let g = gates(&i, &c);
            let failed: Vec<&str> = g.iter().filter(|x| !x.passed).map(|x| x.gate).collect();
            assert_eq!(failed, [id]);
            assert!(!all_pass(&g));
            let f = g.iter().find(|x| x.gate == id).unwrap();
            assert!(!f.fix.is_empty());
        }
        let mut i = good();
        i.mapped_events = 0;
        let g = gates(&i, &c);
        assert!(g[0].fix.contains("\u{201c}Triagem\u{201d}"), "{}", g[0].fix);
    }

    #[test]
    fn empty_denominators_pass_without_a_value_but_no_finished_items_fails() {
        let i = EvidenceInputs {
            status_events: None,
            ..Default::default()
        };
        let g = gates(&i, &EvidenceCfg::default());
        assert_eq!(g[0].value, None);
        assert!(g[0].passed);
        assert_eq!(g[1].value, Some(0.0));
        assert!(!g[1].passed);
        assert!(g[2].passed && g[3].passed && g[4].passed);
        assert!(g[2..].iter().all(|x| x.value.is_none()));
    }

    #[test]
    fn thresholds_come_from_the_config() {
        let c = EvidenceCfg {
            min_finished: 5,
            ..Default::default()
        };
        let i = EvidenceInputs {
            finished: 5,
            ..good()
        };
        assert!(gates(&i, &c)[1].passed);
        assert!(!gates(&i, &EvidenceCfg::default())[1].passed);
    }
}
