//! Assemble a [`Report`] from the per-item records: the scope rules of METRICS.md §5, the
//! aggregates of §3–§6, the tables and the charts.
//!
//! Populations (METRICS.md §5):
//! - *in scope*: items with at least one event in the period (all items without a period);
//!   history metrics (handoffs, reopens, case duration) and `counts` use these;
//! - *done in period*: done items whose `finished` lies in `[from, to)`; duration metrics
//!   (lead, cycle, flow efficiency, throughput) use these;
//! - *open at `as_of`*: WIP and aging;
//! - *listed* (`items.csv`): in scope plus open at `as_of`.

use super::scope::{at_risk, in_wip, thin, MAX_POINTS};
use super::TableId;
use super::*;
use crate::chart::{self, ScatterPoint, StatusBar};
use crate::config::{Blockers as BlockerCfg, Forecast, Signals, Verdict as VerdictCfg};
use crate::ingest::inventory::{RosterRow, ToolRow};
use crate::metrics::handoffs;
use crate::metrics::lifecycle::Outcome;
use crate::metrics::percentiles::stats;
use crate::metrics::{flow_efficiency, reopens, throughput};
use crate::model::{days, Category, Ts};
use crate::status::Rule;
use crate::time::{format_date, format_instant};
use crate::warning::{WarningKind, Warnings};
use chrono_tz::Tz;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// What the report builder needs besides the records.
pub struct BuildInput<'a> {
    /// All item records (every item with an event up to `as_of`), sorted by item id.
    pub records: Vec<ItemRecord>,
    /// What was read.
    pub inputs: Vec<InputSummary>,
    /// Period, if any.
    pub period: Option<(Ts, Ts)>,
    /// The audit instant.
    pub as_of: Ts,
    /// Report time zone.
    pub tz: Tz,
    /// Tool inventory rows.
    pub tools: &'a [ToolRow],
    /// Warnings so far (ingest).
    pub warnings: Warnings,
    /// Records of the previous period of equal length (computed with its own `as_of`), when
    /// a period was given.
    pub previous: Option<Vec<ItemRecord>>,
    /// Forecast settings.
    pub forecast: &'a Forecast,
    /// Roster rows (head counts).
    pub roster: &'a [RosterRow],
    /// `[signals]`.
    pub signals: &'a Signals,
    /// `[verdict]`.
    pub verdict: &'a VerdictCfg,
    /// `[blockers]`.
    pub blockers: &'a BlockerCfg,
    /// Jira CSV `[CHART] Time in Status` per issue key.
    pub jira_time_in_status: &'a crate::ingest::jira_csv::TimeInStatus,
    /// Jira status id → name (`[import] jira_status_ids`).
    pub jira_status_ids: &'a BTreeMap<String, String>,
    /// How the status-log inputs name statuses (None when every input is an activity log).
    pub status_counts: Option<crate::log_kind::StatusCounts>,
    /// `[evidence]`.
    pub evidence: &'a crate::config::Evidence,
    /// `[business_case]`.
    pub business_case: &'a crate::config::BusinessCase,
}

#[derive(Default)]
struct Group<'a> {
    in_scope: Vec<&'a ItemRecord>,
    done: Vec<&'a ItemRecord>,
    wip: Vec<&'a ItemRecord>,
}

fn group_figures(
    g: &Group,
) -> (
    Stats,
    Stats,
    Option<f64>,
    Option<(f64, f64, f64)>,
    Option<f64>,
) {
    let lead = stats(g.done.iter().filter_map(|r| r.lead_time_days));
    let cycle = stats(g.done.iter().filter_map(|r| r.cycle_time_days));
    let fe = flow_efficiency::aggregate(
        g.done
            .iter()
            .filter_map(|r| Some((r.active_days?, r.cycle_time_days?))),
    );
    let rates = handoffs::rates(g.in_scope.iter().map(|r| (r.team_handoffs, r.ping_pongs)));
    let reopen = reopens::reopen_rate(g.in_scope.iter().map(|r| (r.reopens, r.ever_terminal)));
    (lead, cycle, fe, rates, reopen)
}

/// Counts keyed by `K` over the records, in parallel: `add` counts one record into a chunk's
/// map, `merge` adds one chunk's count of a key to another's. Keys borrow from the records.
fn par_counts<'r, K, V>(
    records: &'r [ItemRecord],
    add: impl Fn(&mut rustc_hash::FxHashMap<K, V>, &'r ItemRecord) + Sync,
    merge: impl Fn(&mut V, V) + Sync,
) -> rustc_hash::FxHashMap<K, V>
where
    K: Eq + std::hash::Hash + Send,
    V: Default + Send,
{
    records
        .par_chunks(1 << 14)
        .map(|chunk| {
            let mut m = rustc_hash::FxHashMap::default();
            for r in chunk {
                add(&mut m, r);
            }
            m
        })
        .reduce(rustc_hash::FxHashMap::default, |mut a, b| {
            for (k, v) in b {
                merge(a.entry(k).or_default(), v);
            }
            a
        })
}

/// Build the report.
pub fn build(input: BuildInput) -> anyhow::Result<Report> {
    let BuildInput {
        records,
        inputs,
        period,
        as_of,
        tz,
        tools,
        mut warnings,
        previous,
        forecast,
        roster,
        signals,
        verdict,
        blockers,
        jira_time_in_status,
        jira_status_ids,
        status_counts,
        evidence,
        business_case,
    } = input;
    let all = Group {
        in_scope: records.iter().filter(|r| r.in_scope()).collect(),
        done: records.iter().filter(|r| r.done_in(period)).collect(),
        wip: records.iter().filter(|r| in_wip(r)).collect(),
    };
    // Teams of the audit: teams of the items in scope plus the teams of the inventory.
    let in_scope_teams: BTreeSet<&str> = all
        .in_scope
        .iter()
        .filter_map(|r| r.team.as_deref())
        .collect();
    let mut team_names: BTreeSet<String> = in_scope_teams.into_iter().map(str::to_string).collect();
    team_names.extend(tools.iter().map(|t| t.team.clone()));
    let (lead, cycle, fe, rates, reopen_rate) = group_figures(&all);

    // Throughput grid.
    let grid_from = match period {
        Some((f, _)) => f,
        None => records.iter().map(|r| r.created).min().unwrap_or(as_of),
    };
    let grid_to = match period {
        Some((_, t)) => (t - 1).min(as_of.max(grid_from)),
        None => as_of,
    };
    let grid = throughput::week_grid(grid_from, grid_to, tz);
    let weekly = throughput::weekly_counts(&grid, all.done.iter().filter_map(|r| r.finished), tz);
    let tp = stats(weekly.iter().map(|c| *c as f64));

    // Per team.
    let overall_p85 = cycle.p85;
    let mut teams = Vec::new();
    let mut team_cycle = Vec::new();
    let mut throughput_rows: Vec<Vec<Cell>> = grid
        .iter()
        .zip(&weekly)
        .map(|(w, c)| vec![format_date(*w).into(), "*".into(), (*c).into()])
        .collect();
    // One pass sorts the records into their teams; the teams' figures are independent and
    // computed in parallel (results in team order).
    let mut by_team: BTreeMap<&str, Group> = team_names
        .iter()
        .map(|t| (t.as_str(), Group::default()))
        .collect();
    for (list, pick) in [(&all.in_scope, 0usize), (&all.done, 1), (&all.wip, 2)] {
        for r in list.iter() {
            if let Some(g) = r.team.as_deref().and_then(|t| by_team.get_mut(t)) {
                [&mut g.in_scope, &mut g.done, &mut g.wip][pick].push(r);
            }
        }
    }
    let per_team: Vec<(Stats, Vec<Vec<Cell>>, TeamSummary)> = by_team
        .into_par_iter()
        .map(|(team, g)| {
            let (l, c, f, rt, rr) = group_figures(&g);
            let p85 = crate::metrics::aging::threshold(c.n, c.p85, overall_p85);
            let mut rows = Vec::new();
            if !g.in_scope.is_empty() || !g.done.is_empty() {
                let wk =
                    throughput::weekly_counts(&grid, g.done.iter().filter_map(|r| r.finished), tz);
                rows.extend(
                    grid.iter()
                        .zip(&wk)
                        .map(|(w, n)| vec![format_date(*w).into(), team.into(), (*n).into()]),
                );
            }
            let summary = TeamSummary {
                team: team.to_string(),
                items: g.in_scope.len() as u64,
                done: g
                    .in_scope
                    .iter()
                    .filter(|r| r.outcome == Outcome::Done)
                    .count() as u64,
                finished: g.done.len() as u64,
                judged: g.done.len() as u64 >= evidence.min_team_finished,
                lead_time_days: r6s(l),
                cycle_time_days: r6s(c),
                flow_efficiency: r6o(f),
                handoffs_per_item: r6o(rt.map(|x| x.0)),
                team_change_rate: r6o(rt.map(|x| x.1)),
                ping_pong_rate: r6o(rt.map(|x| x.2)),
                reopen_rate: r6o(rr),
                wip: g.wip.len() as u64,
                at_risk: at_risk(&g.wip, p85, as_of),
                workflow_similarity: None,
                signals: None,
                signal_states: Vec::new(),
            };
            (c, rows, summary)
        })
        .collect();
    for (c, rows, summary) in per_team {
        team_cycle.push(c);
        throughput_rows.extend(rows);
        teams.push(summary);
    }

    // Engine warnings.
    let n_dws = all.in_scope.iter().filter(|r| r.done_without_start).count() as u64;
    warnings.add(WarningKind::DoneWithoutStart, n_dws, || {
        let ex: Vec<&str> = all.in_scope.iter().filter(|r| r.done_without_start).take(3).map(|r| r.item_id.as_str()).collect();
        format!("{n_dws} done item(s) were never in a committed status, so they have no cycle time (e.g. {}); map a status to active/waiting in [statuses] if they were started", ex.join(", "))
    });
    let n_caf = records
        .iter()
        .filter(|r| r.created_after_first_event)
        .count() as u64;
    warnings.add(WarningKind::CreatedAfterFirstEvent, n_caf, || {
        format!("{n_caf} item(s) have a creation time later than their first event; the first event was used as created")
    });
    let n_ns = records.iter().filter(|r| !r.has_status).count() as u64;
    warnings.add(WarningKind::ItemWithoutStatus, n_ns, || {
        format!("{n_ns} item(s) have no status at all; they count as open and never started (map a status column)")
    });

    // Status mapping used.
    // Keys borrow from the records (no clone per span); sorted once at the end.
    // Counted per chunk of records in parallel, then merged.
    type MapKey<'a> = (&'a str, &'a str, Category, Rule);
    let counts = par_counts(
        &records,
        |counts: &mut rustc_hash::FxHashMap<MapKey, u64>, r| {
            let mut seen: Vec<MapKey> = Vec::with_capacity(r.status_time.len());
            for s in &r.status_time {
                let k = (
                    s.status.as_str(),
                    s.team.as_deref().unwrap_or(""),
                    s.category,
                    s.rule,
                );
                if !seen.contains(&k) {
                    seen.push(k);
                    *counts.entry(k).or_insert(0) += 1;
                }
            }
        },
        |a, b| *a += b,
    );
    let map: BTreeMap<(String, String, Category, Rule), u64> = counts
        .into_iter()
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
    warnings.add(WarningKind::UnmappedStatus, fallback.len() as u64, || {
        let list: Vec<String> = fallback.iter().take(12).map(|(s, n)| format!("{s:?} ({n} items)")).collect();
        format!(
            "{} status(es) matched no pattern and count as backlog: {}{}; map them in [statuses] of the config (see tables/status_map.csv)",
            fallback.len(),
            list.join(", "),
            if fallback.len() > 12 { ", …" } else { "" }
        )
    });

    // Time in status: done items in the period plus open items at as_of.
    type TimeKey<'a> = (&'a str, &'a str, Category);
    let st_h = par_counts(
        &records,
        |st_h: &mut rustc_hash::FxHashMap<TimeKey, (u64, i64)>, r| {
            if !(r.done_in(period) || r.outcome == Outcome::Open) {
                return;
            }
            for s in &r.status_time {
                for team in ["*", r.team_name()] {
                    if team.is_empty() {
                        continue;
                    }
                    let e = st_h
                        .entry((team, s.status.as_str(), s.category))
                        .or_insert((0, 0));
                    e.0 += 1;
                    e.1 += s.micros;
                }
            }
        },
        |a, b| {
            a.0 += b.0;
            a.1 += b.1;
        },
    );
    let st: BTreeMap<(String, String, Category), (u64, i64)> = st_h
        .into_iter()
        .map(|((t, s, c), v)| ((t.to_string(), s.to_string(), c), v))
        .collect();
    let status_time_rows: Vec<Vec<Cell>> = st
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
    let mut status_order: Vec<(String, Category, i64, u64)> = st
        .iter()
        .filter(|((team, _, _), _)| team == "*")
        .map(|((_, status, cat), (n, us))| (status.clone(), *cat, *us, *n))
        .collect();
    status_order.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then(b.2.cmp(&a.2))
            .then(b.3.cmp(&a.3))
            .then(a.0.cmp(&b.0))
    });
    let status_order: Vec<(String, Category)> =
        status_order.into_iter().map(|x| (x.0, x.1)).collect();
    let team_list: Vec<String> = team_names.iter().cloned().collect();
    let grid = (grid_from, grid_to);
    // The flow, handoffs, tools and comparison parts read the records independently: they
    // run in parallel.
    let flow_input = super::flow::FlowInput {
        records: &records,
        period,
        as_of,
        tz,
        grid,
        teams: &team_list,
        cycle,
        team_cycle: &team_cycle,
        forecast,
        status_order: &status_order,
    };
    let ((flow, hand), (sprawl, current)) = rayon::join(
        || {
            rayon::join(
                || super::flow::build(&flow_input),
                || super::handoff_section::build(&records, period, &team_list),
            )
        },
        || {
            rayon::join(
                || {
                    super::sprawl_section::build(
                        &records,
                        tools,
                        roster,
                        &team_list,
                        signals.utilisation,
                        signals.workflow_similarity,
                    )
                },
                || super::comparison::figures(&records, None, period, grid, tz),
            )
        },
    );
    // Evidence before a verdict (METRICS.md §12), on the items in scope.
    let gates = crate::metrics::evidence::gates(
        &crate::metrics::evidence::EvidenceInputs::of(
            &all.in_scope,
            &all.done,
            status_counts.as_ref(),
        ),
        evidence,
    );
    // Process consistency per team (METRICS.md §8), from the sprawl part.
    for t in teams.iter_mut() {
        t.workflow_similarity = sprawl
            .workflows
            .get(&t.team)
            .and_then(|w| w.similarity)
            .map(r6);
    }
    let decision = super::verdict_section::build(super::verdict_section::VerdictInput {
        gates: &gates,
        records: &records,
        period,
        as_of,
        teams: &teams,
        sprawl: &sprawl,
        aging_over: &flow.aging_over,
        team_change_rate: rates.map(|x| x.1),
        signals,
        verdict,
        blockers,
        min_team_finished: evidence.min_team_finished,
    });

    for (t, s) in teams.iter_mut().zip(&decision.team_signals) {
        t.signals = s.fired.clone();
        t.signal_states = s.states.clone();
    }

    // Comparison with the previous period of equal length.
    let mut comparison_pairs = Vec::new();
    let mut moves = Vec::new();
    if let (Some(prev), Some((from, to))) = (&previous, period) {
        let pp = Some((from - (to - from), from));
        let pgrid = (from - (to - from), from - 1);
        comparison_pairs.push((
            "*".to_string(),
            current.clone(),
            super::comparison::figures(prev, None, pp, pgrid, tz),
        ));
        for t in &team_list {
            comparison_pairs.push((
                t.clone(),
                super::comparison::figures(&records, Some(t), period, grid, tz),
                super::comparison::figures(prev, Some(t), pp, pgrid, tz),
            ));
        }
        moves = super::comparison::team_moves(&comparison_pairs);
    }
    let headline = super::comparison::headline(&current, comparison_pairs.first().map(|p| &p.2));

    // Charts (rendered in parallel: plotters work is independent per chart).
    let points: Vec<ScatterPoint> = thin(
        all.done
            .iter()
            .filter_map(|r| {
                Some(ScatterPoint {
                    finished: r.finished?,
                    cycle_days: r.cycle_time_days?,
                })
            })
            .collect(),
        MAX_POINTS,
    );
    let (p50, p85, p95) = (
        cycle.p50.unwrap_or(0.0),
        cycle.p85.unwrap_or(0.0),
        cycle.p95.unwrap_or(0.0),
    );
    let bars_c = bars.clone();
    let mut jobs: Vec<super::part::ChartJob> = vec![
        Box::new(move || chart::cycle_time_scatter(&points, p50, p85, p95)),
        Box::new(move || chart::time_in_status(&bars_c)),
    ];
    jobs.extend(flow.charts);
    jobs.extend(hand.charts);
    jobs.extend(sprawl.parts.charts);
    let business = super::business_section::build(
        &records,
        period,
        as_of,
        tools,
        &decision.findings,
        business_case,
    );
    jobs.push(business.chart);
    let charts: Vec<chart::Chart> = jobs
        .into_par_iter()
        .map(|j| j())
        .collect::<Result<_, _>>()?;

    // Takeaways written from the data.
    let mut takeaways = Vec::new();
    if let (Some(p50), Some(p85)) = (cycle.p50, cycle.p85) {
        takeaways.push(Takeaway {
            about: "cycle_time_scatter".into(),
            text: format!(
                "Half of the {} items finished took {} days or less from start to done; 85% took {} days or less.",
                cycle.n,
                fmt1(p50),
                fmt1(p85)
            ),
        });
        takeaways.push(Takeaway {
            about: "cycle_time_histogram".into(),
            text: format!(
                "Most items finish within {} days; 5% take longer than {} days.",
                fmt1(p85),
                fmt1(cycle.p95.unwrap_or(p85))
            ),
        });
    }
    if let Some(top) = bars
        .iter()
        .filter(|b| b.category == Category::Waiting)
        .max_by(|a, b| a.item_days.total_cmp(&b.item_days))
    {
        let total: f64 = bars.iter().map(|b| b.item_days).sum();
        takeaways.push(Takeaway {
            about: "time_in_status".into(),
            text: format!(
                "Items waited longest in \u{201c}{}\u{201d}: {} item-days, {}% of all time in non-terminal statuses.",
                top.status,
                fmt1(top.item_days),
                fmt1(100.0 * top.item_days / total.max(f64::MIN_POSITIVE))
            ),
        });
    } else if let Some(top) = bars
        .iter()
        .max_by(|a, b| a.item_days.total_cmp(&b.item_days))
    {
        takeaways.push(Takeaway {
            about: "time_in_status".into(),
            text: format!(
                "Most time was spent in \u{201c}{}\u{201d}: {} item-days.",
                top.status,
                fmt1(top.item_days)
            ),
        });
    }
    takeaways.extend(flow.takeaways);
    takeaways.extend(hand.takeaways);
    takeaways.extend(sprawl.parts.takeaways);

    let tables = vec![
        Table {
            name: TableId::StatusTime,
            header: vec!["team", "status", "category", "items", "item_days"],
            rows: status_time_rows,
        },
        Table {
            name: TableId::StatusMap,
            header: vec!["status", "team", "category", "rule", "items"],
            rows: status_map
                .iter()
                .map(|r| {
                    vec![
                        r.status.as_str().into(),
                        r.team.as_str().into(),
                        r.category.name().into(),
                        r.rule.id().into(),
                        r.items.into(),
                    ]
                })
                .collect(),
        },
        Table {
            name: TableId::Throughput,
            header: vec!["week_start", "team", "done"],
            rows: throughput_rows,
        },
        super::teams::teams_table(&teams),
    ];
    let mut tables = tables;
    tables.extend(flow.tables);
    tables.extend(hand.tables);
    tables.extend(sprawl.parts.tables);
    tables.extend(decision.parts.tables);
    tables.push(business.table);
    if !comparison_pairs.is_empty() {
        tables.push(super::comparison::table(&comparison_pairs));
    }
    let mut executive = decision.executive;
    let activity_items = records.iter().filter(|r| r.activity).count();
    if activity_items > 0 {
        let measured = records
            .iter()
            .any(|r| r.activity && r.active_days.is_some());
        // Before the headline figures (after the verdict, or the failed gates).
        let at = executive
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Headline))
            .unwrap_or(0);
        executive.blocks.insert(
            at,
            Block::Paragraph(format!(
                "{activity_items} of {} items come from a process-mining activity log (see the inputs in the data-quality section): each case starts at its first event and finishes at its last, and the time after each activity counts as waiting in it.{}",
                records.len(),
                if measured {
                    " Active time comes from the log's lifecycle start and complete events."
                } else {
                    " The log records only completions (no lifecycle start events), so work cannot be told from waiting: flow efficiency cannot be measured from this log (it is left empty, not 0%)."
                }
            )),
        );
    }
    // Every part's sections; `SECTION_ORDER` puts them in report order below.
    let mut sections = vec![executive];
    sections.extend(flow.sections);
    sections.extend(hand.sections);
    sections.extend(decision.parts.sections);
    sections.push(business.section);
    sections.extend(sprawl.parts.sections);
    sections.push(Section {
        id: "teams",
        title: "Teams".into(),
        blocks: {
            let mut b = Vec::new();
            if !moves.is_empty() {
                b.push(Block::List(moves.clone()));
            }
            b.push(Block::Table {
                name: TableId::Teams,
                limit: 100,
            });
            b.extend(super::teams::team_blocks(&teams, &decision.findings));
            b
        },
    });
    if !comparison_pairs.is_empty() {
        sections.push(Section {
            id: "comparison",
            title: "Change since the previous period".into(),
            blocks: vec![Block::Table {
                name: TableId::Comparison,
                limit: 11,
            }],
        });
    }
    let (section, jira_tables) =
        super::status_time_section::build(jira_time_in_status, jira_status_ids);
    tables.extend(jira_tables);
    sections.push(section);
    sections.sort_by_key(|s| section_rank(s.id));

    let summary = Summary {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        inputs,
        period: Period {
            from: period.map(|p| format_instant(p.0)),
            to: period.map(|p| format_instant(p.1)),
            as_of: format_instant(as_of),
        },
        counts: Counts {
            items: all.in_scope.len() as u64,
            events: all.in_scope.iter().map(|r| r.events as u64).sum(),
            teams: team_names.len() as u64,
            done: all
                .in_scope
                .iter()
                .filter(|r| r.outcome == Outcome::Done)
                .count() as u64,
            canceled: all
                .in_scope
                .iter()
                .filter(|r| r.outcome == Outcome::Canceled)
                .count() as u64,
            open: all
                .in_scope
                .iter()
                .filter(|r| r.outcome == Outcome::Open)
                .count() as u64,
        },
        lead_time_days: r6s(lead),
        cycle_time_days: r6s(cycle),
        case_duration_days: r6s(stats(all.in_scope.iter().map(|r| r.case_duration_days))),
        flow_efficiency: r6o(fe),
        throughput_per_week: ThroughputSummary {
            mean: r6o(tp.mean),
            p50: r6o(tp.p50),
        },
        handoffs: HandoffSummary {
            per_item: r6o(rates.map(|x| x.0)),
            team_handoffs_total: all.in_scope.iter().map(|r| r.team_handoffs as u64).sum(),
            team_change_rate: r6o(rates.map(|x| x.1)),
            ping_pong_rate: r6o(rates.map(|x| x.2)),
        },
        reopen_rate: r6o(reopen_rate),
        tool_sprawl: sprawl.summary.clone(),
        recommendation: Some(decision.recommendation),
        business_case: business.case,
        teams,
        warnings: warnings.entries(),
    };
    let items: Vec<ItemRecord> = records.into_iter().filter(|r| r.listed()).collect();
    Ok(Report {
        headline,
        sections,
        summary,
        items,
        tables,
        charts,
        status_map,
        takeaways,
    })
}

/// The report's sections, in the order a reader meets them (ids are the HTML anchors): the
/// order is declared here, not implied by the order parts are built in.
pub const SECTION_ORDER: [&str; 14] = [
    "summary",
    "flow",
    "aging",
    "handoffs",
    "blockers",
    "support",
    "verdict",
    "business_case",
    "tools",
    "consistency",
    "teams",
    "forecasts",
    "comparison",
    "status-time",
];

/// A section's place in [`SECTION_ORDER`] (an unlisted id sorts last, and fails a debug
/// build).
fn section_rank(id: &str) -> usize {
    let rank = SECTION_ORDER.iter().position(|s| *s == id);
    debug_assert!(rank.is_some(), "section {id:?} is not in SECTION_ORDER");
    rank.unwrap_or(SECTION_ORDER.len())
}

/// Format a number with one decimal for prose.
pub fn fmt1(x: f64) -> String {
    format!("{x:.1}")
}
