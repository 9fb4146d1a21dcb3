//! The figures every section shares, computed once from the records before any section is
//! built (METRICS.md §3–§5): the populations, the throughput grid, each team's figures, the
//! status mapping used and the time in each status. The sections read them; none changes
//! them.

use super::scope::{at_risk, in_wip};
use super::verdict_section::TeamSignals;
use super::*;
use crate::chart::StatusBar;
use crate::metrics::handoffs;
use crate::metrics::items::StatusFolds;
use crate::metrics::lifecycle::Outcome;
use crate::metrics::percentiles::stats;
use crate::metrics::{flow_efficiency, reopens, throughput};
use crate::model::{days, Category, Ts};
use crate::status::Rule;
use crate::warning::{WarningKind, Warnings};
use chrono_tz::Tz;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The populations of METRICS.md §5.
#[derive(Default)]
pub struct Group<'a> {
    /// Items with an event in the period (all without a period).
    pub in_scope: Vec<&'a ItemRecord>,
    /// Done items finished in the period.
    pub done: Vec<&'a ItemRecord>,
    /// Open at `as_of`.
    pub wip: Vec<&'a ItemRecord>,
}

impl<'a> Group<'a> {
    /// Items canceled in the period: in scope (their end is an event of the period), so
    /// counted over those.
    pub fn canceled(&self, period: Option<(Ts, Ts)>) -> usize {
        self.in_scope
            .iter()
            .filter(|r| r.canceled_in(period))
            .count()
    }

    /// The populations of `records`.
    pub fn of(records: &'a [ItemRecord], period: Option<(Ts, Ts)>) -> Group<'a> {
        // Three filters of every record (1.4M at 10M events), side by side.
        let ((in_scope, done), wip) = rayon::join(
            || {
                rayon::join(
                    || records.iter().filter(|r| r.in_scope()).collect(),
                    || records.iter().filter(|r| r.done_in(period)).collect(),
                )
            },
            || records.iter().filter(|r| in_wip(r)).collect(),
        );
        Group {
            in_scope,
            done,
            wip,
        }
    }
}

/// The headline figures of a population.
pub struct Figures {
    /// Lead time of the done items.
    pub lead: Stats,
    /// Cycle time of the done items.
    pub cycle: Stats,
    /// Aggregate flow efficiency.
    pub flow_efficiency: Option<f64>,
    /// (handoffs per item, team change rate, ping-pong rate).
    pub rates: Option<(f64, f64, f64)>,
    /// Reopen rate.
    pub reopen_rate: Option<f64>,
}

impl Figures {
    /// The figures of `g`.
    pub fn of(g: &Group) -> Figures {
        // Independent passes over the population, side by side (each a pass over 1.4M items
        // at 10M events, two of them sorting).
        let ((lead, cycle), (flow_efficiency, (rates, reopen_rate))) = rayon::join(
            || {
                rayon::join(
                    || stats(g.done.iter().filter_map(|r| r.lead_time_days())),
                    || stats(g.done.iter().filter_map(|r| r.cycle_time_days())),
                )
            },
            || {
                rayon::join(
                    || {
                        flow_efficiency::aggregate(
                            g.done
                                .iter()
                                .filter_map(|r| Some((r.active_days()?, r.cycle_time_days()?))),
                        )
                    },
                    || {
                        (
                            handoffs::rates(
                                g.in_scope.iter().map(|r| (r.team_handoffs, r.ping_pongs)),
                            ),
                            reopens::reopen_rate(
                                g.in_scope.iter().map(|r| (r.reopens, r.ever_terminal)),
                            ),
                        )
                    },
                )
            },
        );
        Figures {
            lead,
            cycle,
            flow_efficiency,
            rates,
            reopen_rate,
        }
    }
}

/// The weeks of the throughput chart: from the period's start (the first creation without
/// one) to its end (`as_of` without one).
pub fn week_bounds(records: &[ItemRecord], period: Option<(Ts, Ts)>, as_of: Ts) -> (Ts, Ts) {
    let from = match period {
        Some((f, _)) => f,
        None => records.iter().map(|r| r.created).min().unwrap_or(as_of),
    };
    let to = match period {
        Some((_, t)) => (t - 1).min(as_of.max(from)),
        None => as_of,
    };
    (from, to)
}

/// Each team's figures (in team order): its cycle-time stats, its weekly done counts and its
/// summary (signals and workflow similarity are added once known, [`with_signals`]).
pub struct TeamFigures {
    /// Cycle time per team.
    pub cycle: Vec<Stats>,
    /// `tables/throughput.csv`'s teams (those with items) and their counts in each week of
    /// the grid.
    pub weekly: Vec<(String, Vec<u64>)>,
    /// The teams' summaries.
    pub summaries: Vec<TeamSummary>,
}

/// The figures of every team of `team_names`, computed in parallel.
#[allow(clippy::too_many_arguments)]
pub fn team_figures<'a>(
    all: &Group<'a>,
    team_names: &BTreeSet<String>,
    grid: &[chrono::NaiveDate],
    tz: Tz,
    overall_p85: Option<f64>,
    min_team_finished: u64,
    as_of: Ts,
) -> TeamFigures {
    // One pass over each population sorts its records into their teams (the three side by
    // side); the teams' figures are independent and computed in parallel (results in team
    // order).
    let names: Vec<&str> = team_names.iter().map(String::as_str).collect();
    let split = |list: &[&'a ItemRecord]| -> Vec<Vec<&'a ItemRecord>> {
        let mut out = vec![Vec::new(); names.len()];
        // A team's name is shared by the records of a block of items: its place among the
        // names is found once per shared name, by the name's address, not per record.
        let mut place: rustc_hash::FxHashMap<usize, Option<usize>> = Default::default();
        for r in list {
            if let Some(t) = r.team.as_deref() {
                let k = *place
                    .entry(t.as_ptr() as usize)
                    .or_insert_with(|| names.binary_search(&t).ok());
                if let Some(k) = k {
                    out[k].push(*r);
                }
            }
        }
        out
    };
    let ((in_scope, done), wip) = rayon::join(
        || rayon::join(|| split(&all.in_scope), || split(&all.done)),
        || split(&all.wip),
    );
    let by_team: Vec<(&str, Group)> = names
        .iter()
        .zip(in_scope.into_iter().zip(done).zip(wip))
        .map(|(t, ((in_scope, done), wip))| {
            (
                *t,
                Group {
                    in_scope,
                    done,
                    wip,
                },
            )
        })
        .collect();
    let index = throughput::WeekIndex::new(grid, tz);
    let per_team: Vec<(Stats, Option<Vec<u64>>, TeamSummary)> = by_team
        .into_par_iter()
        .map(|(team, g)| {
            let f = Figures::of(&g);
            let c = f.cycle;
            let p85 = crate::metrics::aging::threshold(c.n, c.p85, overall_p85);
            let weekly = (!g.in_scope.is_empty() || !g.done.is_empty())
                .then(|| index.counts(g.done.iter().filter_map(|r| r.finished())));
            let rt = f.rates;
            let summary = TeamSummary {
                team: team.to_string(),
                items: g.in_scope.len() as u64,
                done: g
                    .in_scope
                    .iter()
                    .filter(|r| r.outcome == Outcome::Done)
                    .count() as u64,
                finished: g.done.len() as u64,
                judged: g.done.len() as u64 >= min_team_finished,
                lead_time_days: r6s(f.lead),
                cycle_time_days: r6s(c),
                flow_efficiency: r6o(f.flow_efficiency),
                handoffs_per_item: r6o(rt.map(|x| x.0)),
                team_change_rate: r6o(rt.map(|x| x.1)),
                ping_pong_rate: r6o(rt.map(|x| x.2)),
                reopen_rate: r6o(f.reopen_rate),
                wip: g.wip.len() as u64,
                at_risk: at_risk(&g.wip, p85, as_of),
                workflow_similarity: None,
                signals: None,
                signal_states: Vec::new(),
            };
            (c, weekly, summary)
        })
        .collect();
    let mut out = TeamFigures {
        cycle: Vec::new(),
        weekly: Vec::new(),
        summaries: Vec::new(),
    };
    for (c, weekly, summary) in per_team {
        out.cycle.push(c);
        if let Some(w) = weekly {
            out.weekly.push((summary.team.clone(), w));
        }
        out.summaries.push(summary);
    }
    out
}

/// The teams' summaries with their workflow similarity (from the consistency part).
pub fn with_similarity(
    mut teams: Vec<TeamSummary>,
    similarity: impl Fn(&str) -> Option<f64>,
) -> Vec<TeamSummary> {
    for t in teams.iter_mut() {
        t.workflow_similarity = similarity(&t.team).map(r6);
    }
    teams
}

/// The teams' summaries with their signals (from the verdict part, in the same order).
pub fn with_signals(mut teams: Vec<TeamSummary>, signals: &[TeamSignals]) -> Vec<TeamSummary> {
    for (t, s) in teams.iter_mut().zip(signals) {
        t.signals = s.fired.clone();
        t.signal_states = s.states.clone();
    }
    teams
}

/// Warnings the engine found in the records: done without start, created after the first
/// event, items without any status, teams set to a placeholder (`placeholders`: the values).
pub fn engine_warnings(
    w: &mut Warnings,
    records: &[ItemRecord],
    in_scope: &[&ItemRecord],
    placeholders: &std::collections::BTreeSet<String>,
) {
    let n_dws = in_scope.iter().filter(|r| r.done_without_start).count() as u64;
    w.add(WarningKind::DoneWithoutStart, n_dws, || {
        let ex: Vec<&str> = in_scope.iter().filter(|r| r.done_without_start).take(3).map(|r| &*r.item_id).collect();
        format!("{n_dws} done item(s) were never in a committed status, so they have no cycle time (e.g. {}); map a status to active/waiting in [statuses] if they were started", ex.join(", "))
    });
    let n_caf = records
        .iter()
        .filter(|r| r.created_after_first_event)
        .count() as u64;
    w.add(WarningKind::CreatedAfterFirstEvent, n_caf, || {
        format!("{n_caf} item(s) have a creation time later than their first event; the first event was used as created")
    });
    let n_ns = records.iter().filter(|r| !r.has_status).count() as u64;
    w.add(WarningKind::ItemWithoutStatus, n_ns, || {
        format!("{n_ns} item(s) have no status at all; they count as open and never started (map a status column)")
    });
    let n_pt = in_scope.iter().filter(|r| r.placeholder_team).count() as u64;
    w.add(WarningKind::PlaceholderTeam, n_pt, || {
        let values: Vec<String> = placeholders.iter().map(|v| format!("\u{201c}{v}\u{201d}")).collect();
        let ex: Vec<&str> = in_scope.iter().filter(|r| r.placeholder_team).take(3).map(|r| &*r.item_id).collect();
        format!("{n_pt} item(s) had their team set to the placeholder {} (e.g. {}): treated like \u{201c}unassigned\u{201d}, so an item whose last team is a placeholder counts as having no team; if it names a real team, rename it in the export, or give the people's teams with --roster FILE", values.join(" or "), ex.join(", "))
    });
}

/// The `finish_window` warning when the done items bunch in a few weeks of a long grid
/// ([`crate::metrics::finish_window`]), naming the window and the period that measures it.
pub fn finish_window_warning(
    w: &mut Warnings,
    window: Option<crate::metrics::finish_window::Flagged>,
    weeks: usize,
) {
    let Some((win, (from, to))) = window else {
        return;
    };
    let span = win.last - win.first + 1;
    w.add(WarningKind::FinishWindow, win.done, || {
        format!(
            "{} of the {} done items ({:.0}%) finished in {span} of the {} weeks audited ({from} to {to}): the export probably holds only items closed in that window (filtered by closing date, or closed in bulk), so throughput, its trend and the forecasts averaged over all {} weeks understate the rate; audit the window alone with --from {from} --to {to}",
            win.done,
            win.total,
            win.done as f64 * 100.0 / win.total as f64,
            weeks,
            weeks
        )
    });
}

/// The status mapping used (items per status, team, category and rule), with the warning
/// for statuses that matched no pattern; the counts were folded as the items were computed
/// ([`StatusFolds`]).
pub fn status_map(folds: &StatusFolds, w: &mut Warnings) -> Vec<StatusMapRow> {
    let counts = folds
        .map
        .iter()
        .map(|((a, b, c, d), n)| ((a.as_str(), b.as_str(), *c, *d), *n));
    let map: BTreeMap<(String, String, Category, Rule), u64> = counts
        .map(|((a, b, c, d), n)| ((a.to_string(), b.to_string(), c, d), n))
        .collect();
    let status_map: Vec<StatusMapRow> = map
        .into_iter()
        .map(|((status, team, category, rule), items)| StatusMapRow {
            status,
            team,
            category,
            rule,
            items,
        })
        .collect();
    let mut fallback: BTreeMap<&str, u64> = BTreeMap::new();
    for row in status_map.iter().filter(|r| r.rule == Rule::Fallback) {
        *fallback.entry(row.status.as_str()).or_insert(0) += row.items;
    }
    w.add(WarningKind::UnmappedStatus, fallback.len() as u64, || {
        let list: Vec<String> = fallback.iter().take(12).map(|(s, n)| format!("{s:?} ({n} items)")).collect();
        format!(
            "{} status(es) matched no pattern and count as backlog: {}{}; map them in [statuses] of the config (see tables/status_map.csv)",
            fallback.len(),
            list.join(", "),
            if fallback.len() > 12 { ", …" } else { "" }
        )
    });
    status_map
}

/// Time in each status of the done items of the period and the open items at `as_of`.
pub struct StatusTime {
    /// `tables/status_time.csv` rows.
    pub rows: Vec<Vec<Cell>>,
    /// The time-in-status chart's bars (all teams, non-terminal statuses).
    pub bars: Vec<StatusBar>,
    /// Statuses by category, then by time spent (the charts' order).
    pub order: Vec<(String, Category)>,
}

/// The time in each status (folded as the items were computed, [`StatusFolds`]).
pub fn status_time(folds: &StatusFolds) -> StatusTime {
    let st_h = folds
        .time
        .iter()
        .map(|((t, s, c), v)| ((t.as_str(), s.as_str(), *c), *v));
    let st: BTreeMap<(String, String, Category), (u64, i64)> = st_h
        .map(|((t, s, c), v)| ((t.to_string(), s.to_string(), c), v))
        .collect();
    let rows: Vec<Vec<Cell>> = st
        .iter()
        .map(|((team, status, cat), (n, us))| {
            vec![
                team.as_str().into(),
                status.as_str().into(),
                cat.name().into(),
                (*n).into(),
                r6(days(*us)).into(),
            ]
        })
        .collect();
    let mut bars: Vec<StatusBar> = st
        .iter()
        .filter(|((team, _, _), _)| team == "*")
        .map(|((_, status, cat), (_, us))| StatusBar {
            status: status.clone(),
            category: *cat,
            item_days: days(*us),
        })
        .collect();
    bars.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then(b.item_days.total_cmp(&a.item_days))
            .then(a.status.cmp(&b.status))
    });
    bars.retain(|b| !b.category.is_terminal());
    // Status order for charts: by category, then by time spent.
    let mut order: Vec<(String, Category, i64, u64)> = st
        .iter()
        .filter(|((team, _, _), _)| team == "*")
        .map(|((_, status, cat), (n, us))| (status.clone(), *cat, *us, *n))
        .collect();
    order.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then(b.2.cmp(&a.2))
            .then(b.3.cmp(&a.3))
            .then(a.0.cmp(&b.0))
    });
    StatusTime {
        rows,
        bars,
        order: order.into_iter().map(|x| (x.0, x.1)).collect(),
    }
}
