//! The "flow over time" part of the report (METRICS.md §6): throughput, cumulative flow and
//! WIP, arrivals vs departures, the cycle-time distribution with the service level
//! expectation, aging WIP, and Monte Carlo forecasts — tables, charts and sections.

use super::part::{ChartJob, Parts};
use super::scope::in_wip;
use super::TableId;
use super::{r6, Block, Cell, Section, Table, Takeaway};
use crate::chart::ChartId;
use crate::chart::{self, AgingPoint};
use crate::config::Forecast;
use crate::metrics::aging;
use crate::metrics::cumulative_flow::{day_grid, wip, CumulativeFlow};
use crate::metrics::forecast::{self, CONFIDENCE};
use crate::metrics::items::ItemRecord;
use crate::metrics::lifecycle::Outcome;
use crate::metrics::percentiles::Stats;
use crate::metrics::throughput;
use crate::model::{Category, Ts};
use crate::time::{format_date, local_date};
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// The columns of `tables/cfd.csv`.
pub const CFD_COLUMNS: [&str; 3] = ["date", "category", "items"];
/// The columns of `tables/net_flow.csv`.
pub const NET_FLOW_COLUMNS: [&str; 4] = ["week_start", "arrivals", "departures", "net"];
/// The columns of `tables/aging.csv`.
pub const AGING_COLUMNS: [&str; 7] = [
    "item_id", "team", "status", "category", "age_days", "p85_days", "at_risk",
];
/// The columns of `tables/forecasts.csv`.
pub const FORECASTS_COLUMNS: [&str; 5] = ["team", "question", "parameter", "confidence", "value"];

/// Inputs of the flow part.
pub struct FlowInput<'a> {
    /// Every record.
    pub records: &'a [ItemRecord],
    /// Period.
    pub period: Option<(Ts, Ts)>,
    /// Audit instant.
    pub as_of: Ts,
    /// Report zone.
    pub tz: Tz,
    /// Grid bounds (first and last instant).
    pub grid: (Ts, Ts),
    /// Teams of the audit.
    pub teams: &'a [String],
    /// Cycle-time stats of the scope.
    pub cycle: Stats,
    /// Cycle-time stats per team (same order as `teams`).
    pub team_cycle: &'a [Stats],
    /// Forecast settings.
    pub forecast: &'a Forecast,
    /// Status order for charts (workflow-ish: by category, then by time spent).
    pub status_order: &'a [(String, Category)],
    /// Every item's status changes, per team (folded as the items were computed).
    pub traces:
        &'a rustc_hash::FxHashMap<crate::name::Name, crate::metrics::status_trace::StatusTrace>,
    /// Per team (same order as `teams`): judged, with at least `min_team_finished` items
    /// finished in the period.
    pub judged: &'a [bool],
    /// `[evidence] min_team_finished`.
    pub min_team_finished: u64,
    /// The throughput grid's Mondays (`report::shared`, computed once)…
    pub weeks: &'a [NaiveDate],
    /// …and the items done in the period in each of its weeks.
    pub weekly: &'a [u64],
    /// The done items' finish window, when flagged, with its period.
    pub finish_window: Option<crate::metrics::finish_window::Flagged>,
}

fn fmt(x: f64) -> String {
    super::text::human(x)
}

/// Build the flow part: the declared list of its pieces, joined in order (their tables,
/// charts and takeaways keep that order).
pub fn build(i: &FlowInput) -> Parts {
    let (weeks, weekly) = (i.weeks, i.weekly);
    let done: Vec<&ItemRecord> = i.records.iter().filter(|r| r.done_in(i.period)).collect();
    let days = day_grid(
        local_date(i.grid.0, i.tz),
        local_date(i.grid.1.max(i.grid.0), i.tz),
    );
    // The parts are independent: built in parallel (the forecasts' sampling and the daily
    // cumulative flow were most of a small log's report, one after the other), joined in
    // this order.
    use rayon::prelude::*;
    let parts: [&(dyn Fn() -> Parts + Sync); 6] = [
        &|| cumulative_flow_part(i, &days),
        &|| status_flow_part(i, &days),
        &|| net_flow_part(i, weeks),
        &|| throughput_part(&done, weeks, weekly, i.finish_window),
        &|| cycle_time_part(i, &done),
        &|| aging_part(i),
    ];
    let mut built: Vec<Parts> = parts.par_iter().with_max_len(1).map(|p| p()).collect();
    // In the report's order: throughput, cumulative flow, per-status flow, net flow, cycle
    // time, aging (then the forecasts, [`forecast_part`], built beside the rest of the report).
    let order = [3, 0, 1, 2, 4, 5];
    let mut slots: Vec<Option<Parts>> = built.drain(..).map(Some).collect();
    Parts::join(order.iter().filter_map(|&k| slots[k].take()))
}

/// Throughput: the run chart and the histogram of weekly done counts, with their takeaways.
fn throughput_part(
    done: &[&ItemRecord],
    weeks: &[NaiveDate],
    weekly: &[u64],
    window: Option<crate::metrics::finish_window::Flagged>,
) -> Parts {
    let mut p = Parts::default();
    // Throughput charts.
    let run: Vec<(NaiveDate, u64)> = weeks.iter().copied().zip(weekly.iter().copied()).collect();
    p.charts.push(Box::new(move || chart::throughput_run(&run)));
    let hist = weekly.to_vec();
    p.charts
        .push(Box::new(move || chart::throughput_histogram(&hist)));
    if !weekly.is_empty() {
        let mean = weekly.iter().sum::<u64>() as f64 / weekly.len() as f64;
        let half = weekly.len() / 2;
        let (a, b) = weekly.split_at(half);
        let avg = |v: &[u64]| {
            if v.is_empty() {
                0.0
            } else {
                v.iter().sum::<u64>() as f64 / v.len() as f64
            }
        };
        let trend = if weekly.len() >= 4 {
            let (x, y) = (avg(a), avg(b));
            if y > x * 1.1 {
                format!(
                    ", rising from {} to {} per week between the first and second half",
                    fmt(x),
                    fmt(y)
                )
            } else if y < x * 0.9 {
                format!(
                    ", falling from {} to {} per week between the first and second half",
                    fmt(x),
                    fmt(y)
                )
            } else {
                ", steady between the first and second half".to_string()
            }
        } else {
            String::new()
        };
        let text = match window {
            // Finishes bunched in a few weeks of a long grid (an export filtered by closing
            // date): the average and its half-to-half trend are artefacts of the grid, so the
            // takeaway says so instead of reading a rise from zero (METRICS.md §6).
            Some((w, (from, to))) => format!(
                "{} items were finished over {} weeks, {} of them in the {} weeks from {from} to {to}: the export probably holds only the items finished then, so the average of {} per week and its trend across the weeks understate the rate. Audit the window alone with --from {from} --to {to}.",
                done.len(),
                weekly.len(),
                w.done,
                w.last - w.first + 1,
                fmt(mean)
            ),
            None => format!(
                "{} items were finished over {} weeks: {} per week on average{trend}.",
                done.len(),
                weekly.len(),
                fmt(mean)
            ),
        };
        p.takeaways.push(Takeaway {
            about: "throughput_run".into(),
            text,
        });
        let zero = weekly.iter().filter(|c| **c == 0).count();
        p.takeaways.push(Takeaway {
            about: "throughput_histogram".into(),
            text: format!(
                "Weekly throughput ranged from {} to {} items; {} week(s) finished nothing.",
                weekly.iter().min().unwrap_or(&0),
                weekly.iter().max().unwrap_or(&0),
                zero
            ),
        });
    }

    p
}

/// Cumulative flow and WIP, every day of the grid: `tables/cfd.csv`, both charts.
fn cumulative_flow_part(i: &FlowInput, days: &[NaiveDate]) -> Parts {
    let mut p = Parts::default();
    // Cumulative flow and WIP, every day of the grid.
    let mut cf = CumulativeFlow::new(days, i.tz);
    for r in i.records {
        cf.add_each(r.category_changes.iter().map(|c| (c.at(), c.category())));
    }
    let counts = cf.counts();
    let mut cfd_rows = Vec::with_capacity(days.len() * 6);
    for (d, c) in days.iter().zip(&counts) {
        for cat in Category::ALL {
            cfd_rows.push(vec![
                Cell::from(format_date(*d)),
                Cell::from(cat.name()),
                Cell::from(c[cat.index()]),
            ]);
        }
    }
    p.tables.push(Table {
        name: TableId::Cfd,
        header: CFD_COLUMNS.to_vec(),
        rows: cfd_rows,
    });
    let wips: Vec<u64> = counts.iter().map(wip).collect();
    if let (Some(first), Some(last)) = (wips.first(), wips.last()) {
        let peak = wips.iter().max().copied().unwrap_or(0);
        p.takeaways.push(Takeaway {
            about: "wip_run".into(),
            text: format!(
                "Work in progress went from {first} to {last} items over the period (peak {peak})."
            ),
        });
        p.takeaways.push(Takeaway {
            about: "cfd".into(),
            text: format!(
                "At the end, {} items were done, {} in progress, waiting or blocked, and {} in the backlog.",
                counts.last().map_or(0, |c| c[Category::Done.index()]),
                last,
                counts.last().map_or(0, |c| c[Category::Backlog.index()])
            ),
        });
    }
    {
        let (d, c) = (days.to_vec(), counts.clone());
        p.charts.push(Box::new(move || chart::cfd(&d, &c)));
        let (d, w) = (days.to_vec(), wips.clone());
        p.charts.push(Box::new(move || chart::wip_run(&d, &w)));
    }
    p
}

/// The per-status cumulative flow of the team with the most items.
fn status_flow_part(i: &FlowInput, days: &[NaiveDate]) -> Parts {
    let mut p = Parts::default();
    // Per-status cumulative flow of the team with the most items.
    let mut by_team: BTreeMap<&str, usize> = BTreeMap::new();
    for r in i.records.iter().filter(|r| r.in_scope()) {
        if let Some(t) = r.team.as_deref() {
            *by_team.entry(t).or_insert(0) += 1;
        }
    }
    if let Some((team, _)) = by_team
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
    {
        let team = team.to_string();
        let none = crate::metrics::status_trace::StatusTrace::default();
        let trace = i.traces.get(team.as_str()).unwrap_or(&none);
        let used: rustc_hash::FxHashSet<&str> =
            trace.statuses().iter().map(|s| s.as_str()).collect();
        let statuses: Vec<(String, Category)> = i
            .status_order
            .iter()
            .filter(|(s, _)| used.contains(s.as_str()))
            .cloned()
            .collect();
        let index: BTreeMap<&str, usize> = statuses
            .iter()
            .enumerate()
            .map(|(k, s)| (s.0.as_str(), k))
            .collect();
        let mut delta = vec![vec![0i64; statuses.len()]; days.len() + 1];
        let first = days.first().copied().unwrap_or_default();
        let day_index =
            crate::time::DayIndex::new(first, days.last().copied().unwrap_or(first), i.tz);
        // Each of the team's items (every item whose team it is, in scope or not).
        trace.for_each_item(|changes| {
            let mut prev: Option<usize> = None;
            for (t, s) in changes {
                let d = day_index.days_from_first(*t);
                if d >= days.len() {
                    break;
                }
                let Some(&k) = index.get(s.as_str()) else {
                    continue;
                };
                if let Some(pk) = prev {
                    delta[d][pk] -= 1;
                }
                delta[d][k] += 1;
                prev = Some(k);
            }
        });
        let mut run = vec![0i64; statuses.len()];
        let per_status: Vec<Vec<u64>> = delta[..days.len()]
            .iter()
            .map(|d| {
                for (k, v) in d.iter().enumerate() {
                    run[k] += v;
                }
                run.iter().map(|v| (*v).max(0) as u64).collect()
            })
            .collect();
        let d = days.to_vec();
        p.charts.push(Box::new(move || {
            chart::cfd_by_status(&team, &d, &statuses, &per_status)
        }));
    }

    p
}

/// Arrivals and departures per week: `tables/net_flow.csv`, its chart and takeaway.
fn net_flow_part(i: &FlowInput, weeks: &[NaiveDate]) -> Parts {
    let mut p = Parts::default();
    // Arrivals vs departures per week.
    let index = throughput::WeekIndex::new(weeks, i.tz);
    let mut arr = vec![0u64; weeks.len()];
    let mut dep = vec![0u64; weeks.len()];
    for r in i.records {
        if let Some(k) = index.week_of(r.created) {
            arr[k] += 1;
        }
        if let Some(k) = r.finished().and_then(|f| index.week_of(f)) {
            dep[k] += 1;
        }
    }
    p.tables.push(Table {
        name: TableId::NetFlow,
        header: NET_FLOW_COLUMNS.to_vec(),
        rows: weeks
            .iter()
            .zip(arr.iter().zip(&dep))
            .map(|(w, (a, d))| {
                vec![
                    Cell::from(format_date(*w)),
                    Cell::from(*a),
                    Cell::from(*d),
                    Cell::Int(*a as i64 - *d as i64),
                ]
            })
            .collect(),
    });
    let (ta, td) = (arr.iter().sum::<u64>(), dep.iter().sum::<u64>());
    p.takeaways.push(Takeaway {
        about: "net_flow".into(),
        text: if ta > td {
            format!(
                "{ta} items arrived and {td} left: the backlog grew by {} items.",
                ta - td
            )
        } else {
            format!(
                "{ta} items arrived and {td} left: the system drained {} items.",
                td - ta
            )
        },
    });
    let nf: Vec<(NaiveDate, u64, u64)> = weeks
        .iter()
        .zip(arr.iter().zip(&dep))
        .map(|(w, (a, d))| (*w, *a, *d))
        .collect();
    p.charts.push(Box::new(move || chart::net_flow(&nf)));

    p
}

/// The cycle-time histogram and the flow section with the service level expectations.
fn cycle_time_part(i: &FlowInput, done: &[&ItemRecord]) -> Parts {
    let mut p = Parts::default();
    // Cycle-time distribution and service level expectations.
    let bins = chart::CycleBins::of(|| done.iter().filter_map(|r| r.cycle_time_days()));
    let (p50, p85, p95) = (
        i.cycle.p50.unwrap_or(0.0),
        i.cycle.p85.unwrap_or(0.0),
        i.cycle.p95.unwrap_or(0.0),
    );
    p.charts.push(Box::new(move || {
        chart::cycle_time_histogram(&bins, p50, p85, p95)
    }));
    let mut sle = Vec::new();
    if let Some(x) = i.cycle.p85 {
        sle.push(format!(
            "Organisation: 85% of items finish within {} days of starting (n = {}).",
            fmt(x),
            i.cycle.n
        ));
    }
    // Judged teams only (METRICS.md §5): a smaller team's 85th percentile is not an
    // expectation anyone should plan with.
    let judged = i.teams.iter().zip(i.team_cycle).zip(i.judged);
    for ((team, s), _) in judged.filter(|(_, j)| **j) {
        if let Some(x) = s.p85 {
            sle.push(format!(
                "{team}: 85% of items finish within {} days (n = {}).",
                fmt(x),
                s.n
            ));
        }
    }
    let unjudged = i.judged.iter().filter(|j| !**j).count();
    if unjudged > 0 {
        sle.push(format!(
            "{unjudged} team(s) with fewer than {} items finished in the period have no expectation of their own (their items count in the organisation's).",
            i.min_team_finished
        ));
    }

    p.sections.push(Section {
        id: "flow",
        title: "Flow over time".into(),
        blocks: vec![
            Block::Chart(ChartId::ThroughputRun),
            Block::Chart(ChartId::ThroughputHistogram),
            Block::Chart(ChartId::Cfd),
            Block::Chart(ChartId::CfdByStatus),
            Block::Chart(ChartId::WipRun),
            Block::Chart(ChartId::NetFlow),
            Block::Chart(ChartId::CycleTimeScatter),
            Block::Chart(ChartId::CycleTimeHistogram),
            Block::Paragraph("Service level expectations (the 85th percentile cycle time of the done items in the period):".into()),
            Block::List(sle),
            Block::Chart(ChartId::TimeInStatus),
        ],
    });
    p
}

/// Aging work in progress: `tables/aging.csv`, its chart, the at-risk items (for the aging
/// blocker) and the aging section.
fn aging_part(i: &FlowInput) -> Parts {
    let aged = Aging::of(i);
    let at_risk: Vec<String> = aged
        .rows
        .iter()
        .filter(|r| r.1[6] == Cell::from("true"))
        .map(|r| r.2.clone())
        .collect();
    let mut p = Parts {
        aging_over: aged.over,
        ..Parts::default()
    };
    p.takeaways.push(Takeaway {
        about: "aging_wip".into(),
        text: format!(
            "{} of {} items in progress are older than their team's 85th percentile cycle time.",
            at_risk.len(),
            aged.rows.len()
        ),
    });
    p.tables.push(Table {
        name: TableId::Aging,
        header: AGING_COLUMNS.to_vec(),
        rows: aged.rows.into_iter().map(|r| r.1).collect(),
    });
    p.charts.push(aging_chart(i, aged.points));
    p.sections.push(aging_section(at_risk));
    p
}

/// One item in progress: its age, its `tables/aging.csv` row and its line in the list of
/// items at risk.
type AgingRow = (f64, Vec<Cell>, String);

/// The aging of the started items in progress.
struct Aging {
    /// Their rows, oldest first (equal ages by item id).
    rows: Vec<AgingRow>,
    /// Their points on the aging chart, in record order.
    points: Vec<AgingPoint>,
    /// (team, item, age − p85) of the items at risk, in record order.
    over: Vec<(String, String, f64)>,
}

impl Aging {
    /// The aging of every started item in progress at `as_of`, each against its team's
    /// threshold (the scope's p85 without one).
    fn of(i: &FlowInput) -> Aging {
        let team_p85: BTreeMap<&str, Option<f64>> = i
            .teams
            .iter()
            .zip(i.team_cycle)
            .map(|(t, s)| (t.as_str(), aging::threshold(s.n, s.p85, i.cycle.p85)))
            .collect();
        let mut out = Aging {
            rows: Vec::new(),
            points: Vec::new(),
            over: Vec::new(),
        };
        for r in i.records.iter().filter(|r| in_wip(r)) {
            let Some(started) = r.started() else { continue };
            let age = aging::age_days(started, i.as_of);
            let th = r
                .team
                .as_deref()
                .and_then(|t| team_p85.get(t).copied().flatten())
                .or(i.cycle.p85);
            out.add(r, age, th);
        }
        // Oldest first; equal ages by item id (the first cell).
        fn id(c: &Cell) -> &str {
            match c {
                Cell::Text(t) => t,
                _ => "",
            }
        }
        out.rows.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| id(&a.1[0]).cmp(id(&b.1[0])))
        });
        out
    }

    /// One item of age `age` against threshold `th`: its overshoot when at risk, its chart
    /// point and its row.
    fn add(&mut self, r: &ItemRecord, age: f64, th: Option<f64>) {
        let risk = aging::at_risk(age, th);
        if let (true, Some(t)) = (risk, th) {
            self.over
                .push((r.team_name().to_string(), r.item_id.to_string(), age - t));
        }
        let status = r.current_status().unwrap_or("").to_string();
        let cat = r
            .category_changes
            .last()
            .map_or(Category::Active, |c| c.category());
        self.points.push(AgingPoint {
            status: status.clone(),
            age_days: age,
            at_risk: risk,
        });
        self.rows.push((
            age,
            vec![
                Cell::from(&*r.item_id),
                Cell::from(r.team_name()),
                Cell::from(status.as_str()),
                Cell::from(cat.name()),
                Cell::from(r6(age)),
                Cell::from(th.map(r6)),
                Cell::from(if risk { "true" } else { "false" }),
            ],
            at_risk_line(r, &status, age, th),
        ));
    }
}

/// An item in progress in words: id, team, status, age and threshold.
fn at_risk_line(r: &ItemRecord, status: &str, age: f64, th: Option<f64>) -> String {
    format!(
        "{} ({}, {}): {} days in progress{}",
        r.item_id,
        if r.team_name().is_empty() {
            "no team"
        } else {
            r.team_name()
        },
        status,
        fmt(age),
        th.map(|t| format!(", p85 {}", fmt(t))).unwrap_or_default()
    )
}

/// The aging chart: the items in progress by committed status, with the scope's cycle-time
/// percentiles.
fn aging_chart(i: &FlowInput, points: Vec<AgingPoint>) -> ChartJob {
    let (p50, p85, p95) = (
        i.cycle.p50.unwrap_or(0.0),
        i.cycle.p85.unwrap_or(0.0),
        i.cycle.p95.unwrap_or(0.0),
    );
    let order: Vec<String> = i
        .status_order
        .iter()
        .filter(|(_, c)| c.is_committed())
        .map(|(s, _)| s.clone())
        .collect();
    let points = super::scope::thin(points, super::scope::MAX_POINTS);
    Box::new(move || chart::aging_wip(&order, &points, p50, p85, p95))
}

/// The aging section: the chart and the items at risk, oldest first (at most 15).
fn aging_section(at_risk: Vec<String>) -> Section {
    let mut aging_blocks = vec![Block::Chart(ChartId::AgingWip)];
    if at_risk.is_empty() {
        aging_blocks.push(Block::Paragraph(
            "No item in progress is older than its team's 85th percentile cycle time.".into(),
        ));
    } else {
        aging_blocks.push(Block::Paragraph(format!(
            "Items at risk, oldest first ({} in all; the full list is tables/aging.csv):",
            at_risk.len()
        )));
        aging_blocks.push(Block::List(at_risk.into_iter().take(15).collect()));
    }
    Section {
        id: "aging",
        title: "Aging work in progress".into(),
        blocks: aging_blocks,
    }
}

/// Monte Carlo forecasts: `tables/forecasts.csv` and the forecasts section. The organisation
/// and the judged teams are forecast (METRICS.md §6): a team with fewer than `[evidence]
/// min_team_finished` items finished in the period is not. Every group samples the same
/// days, drawn from the seed (common random numbers), so a team's numbers depend only on its
/// own history and the seed, not on which other teams there are.
pub fn forecast_part(i: &FlowInput) -> Parts {
    let mut p = Parts::default();
    let fc = i.forecast;
    // One pass: the organisation's and every forecast team's daily done counts and items in
    // progress (the finished instants are counted as they are met, not kept: at 100M events
    // they were two vectors of 8 bytes per done item).
    let days = fc.history_days as usize;
    let labels: Vec<&str> = std::iter::once("*")
        .chain(
            i.teams
                .iter()
                .zip(i.judged)
                .filter(|(_, judged)| **judged)
                .map(|(t, _)| t.as_str()),
        )
        .collect();
    let slot: BTreeMap<&str, usize> = labels
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, t)| (*t, k))
        .collect();
    let mut inputs: Vec<(Vec<u64>, u64)> = vec![(vec![0; days], 0); labels.len()];
    for r in i.records {
        let done = r.finished().filter(|_| r.outcome == Outcome::Done);
        let wip = u64::from(in_wip(r));
        let team = r.team.as_deref().and_then(|t| slot.get(t).copied());
        for k in std::iter::once(0).chain(team) {
            if let Some(f) = done {
                forecast::count_done(&mut inputs[k].0, f, i.as_of);
            }
            inputs[k].1 += wip;
        }
    }
    let forecasts = forecast::groups(&inputs, fc);
    let mut rows = Vec::new();
    for (label, g) in labels.iter().zip(&forecasts) {
        for (h, v) in &g.how_many {
            for (c, x) in CONFIDENCE.iter().zip(v) {
                rows.push(vec![
                    Cell::from(*label),
                    "how_many".into(),
                    Cell::from(*h),
                    Cell::from(*c),
                    Cell::from(r6(*x)),
                ]);
            }
        }
        for (c, x) in g.when.iter().flat_map(|v| CONFIDENCE.iter().zip(v)) {
            rows.push(vec![
                Cell::from(*label),
                "when".into(),
                Cell::from(g.wip),
                Cell::from(*c),
                Cell::from(r6(*x)),
            ]);
        }
    }
    let mut lines = Vec::new();
    if let Some(org) = forecasts.first() {
        for (h, v) in &org.how_many {
            lines.push(format!(
                "In the next {h} days: at least {} items with 85% confidence ({} with 50%).",
                fmt(v[1]),
                fmt(v[0])
            ));
        }
        if let Some(v) = org.when {
            lines.push(format!("The {} items in progress today: done within {} days with 85% confidence ({} with 50%).", org.wip, fmt(v[1]), fmt(v[0])));
        }
    }
    let unjudged = i.judged.iter().filter(|j| !**j).count();
    if unjudged > 0 {
        lines.push(format!(
            "{unjudged} team(s) with fewer than {} items finished in the period are not forecast: too few finished items to sample from.",
            i.min_team_finished
        ));
    }
    p.tables.push(Table {
        name: TableId::Forecasts,
        header: FORECASTS_COLUMNS.to_vec(),
        rows,
    });

    let mut fblocks = vec![Block::Paragraph(format!(
        "Monte Carlo forecasts: {} trials sampling the daily done counts of the {} days up to the audit instant (seed {}). \"How many\" counts are reached with the stated confidence; \"when\" is the number of days to finish the items in progress today.",
        fc.trials, fc.history_days, fc.seed
    ))];
    // Finishes bunched in a few weeks of a long grid: sampled days outside that window are
    // days the export holds nothing finished on, so when more than a quarter of them are,
    // the forecasts describe the export rather than a pace (METRICS.md §6). Days inside it
    // sample the window's own pace: no caution.
    if let Some((w, (from, to))) = i.finish_window {
        let first = local_date(
            i.as_of - fc.history_days as Ts * crate::model::MICROS_PER_DAY_I64,
            i.tz,
        );
        let last = local_date(i.as_of, i.tz);
        let before = (from - first).num_days().max(0);
        let after = (last - to).num_days().max(-1) + 1;
        let outside = (before + after).min(fc.history_days as i64);
        if outside * 4 > fc.history_days as i64 {
            fblocks.push(Block::Paragraph(format!(
                "Caution: {} of the {} done items finished in the {} weeks from {from} to {to} (the finish_window warning), and {outside} of the {} days these forecasts sample lie outside them, when the export holds nothing finished: they describe the export, not the pace at which work is finished.",
                w.done,
                w.total,
                w.last - w.first + 1,
                fc.history_days
            )));
        }
    }
    if !lines.is_empty() {
        fblocks.push(Block::List(lines));
    }
    fblocks.push(Block::Table {
        name: TableId::Forecasts,
        limit: 40,
    });
    p.sections.push(Section {
        id: "forecasts",
        title: "Forecasts".into(),
        blocks: fblocks,
    });
    p
}
