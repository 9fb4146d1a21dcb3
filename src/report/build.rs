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

use super::core as fig;
use super::part::{ChartJob, Parts};
use super::scope::{thin_of, MAX_POINTS};
use super::shared::{Cfg, Shared};
use super::sprawl_section::Sprawl;
use super::verdict_section::Verdict as Decision;
use super::TableId;
use super::*;
use crate::chart::{self, ScatterPoint};
use crate::config::{Blockers as BlockerCfg, Forecast, Signals, Verdict as VerdictCfg};
use crate::ingest::inventory::{RosterRow, ToolRow};
use crate::metrics::blockers::Finding;
use crate::metrics::lifecycle::Outcome;
use crate::model::{Category, Ts};
use crate::time::{format_date, format_instant};
use crate::warning::Warnings;
use chrono_tz::Tz;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The columns of `tables/status_time.csv`.
pub const STATUS_TIME_COLUMNS: [&str; 5] = ["team", "status", "category", "items", "item_days"];
/// The columns of `tables/status_map.csv`.
pub const STATUS_MAP_COLUMNS: [&str; 5] = ["status", "team", "category", "rule", "items"];
/// The columns of `tables/throughput.csv`.
pub const THROUGHPUT_COLUMNS: [&str; 3] = ["week_start", "team", "done"];

/// What the report builder needs besides the records.
pub struct BuildInput<'a> {
    /// All item records (every item with an event up to `as_of`), sorted by item id.
    pub records: Vec<ItemRecord>,
    /// Their time per status, folded as they were computed (`items::compute_folded`).
    pub status: crate::metrics::items::StatusFolds,
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
    /// Writes `items.csv` from the records (only the listed ones), beside the building of
    /// the report: the file is the largest of the report (~190 MB at 10M events) and needs
    /// nothing but the records, so it is written while the cores would otherwise idle in the
    /// report's serial steps. `None`: the report's `items` are written with the rest.
    pub items_csv: Option<&'a ItemsCsv<'a>>,
}

/// Writes `items.csv` from an audit's records ([`BuildInput::items_csv`]).
pub type ItemsCsv<'a> = dyn Fn(&[ItemRecord]) -> anyhow::Result<()> + Sync + 'a;

/// Build the report: the shared figures first ([`super::core`], read-only from then on), then
/// the parts that read them (flow, handoffs, tools and consistency, the comparison figures:
/// in parallel), the verdict from all of them, then the declared list of parts is joined
/// (their tables, charts and takeaways in list order, sections in [`SECTION_ORDER`]) and the
/// charts rendered in parallel.
pub fn build(input: BuildInput) -> anyhow::Result<Report> {
    let items_csv = input.items_csv;
    let ((records, status), inputs, previous, warnings, cfg) = input.split();
    let (report, written) = rayon::join(
        || {
            report_of(
                &records,
                &status,
                inputs,
                previous.as_deref(),
                warnings,
                cfg,
            )
        },
        || items_csv.map_or(Ok(()), |write| write(&records)),
    );
    let mut report = report?;
    written?;
    // `retain` moves nothing until the first record it drops (most are listed).
    let mut records = records;
    records.retain(|r| r.listed());
    report.items = records;
    Ok(report)
}

/// The report of `records` ([`build`]), its `items` left empty.
fn report_of(
    records: &[ItemRecord],
    status: &crate::metrics::items::StatusFolds,
    inputs: Vec<InputSummary>,
    previous: Option<&[ItemRecord]>,
    mut warnings: Warnings,
    cfg: Cfg,
) -> anyhow::Result<Report> {
    let mut c = Shared::new(records, status, cfg, &mut warnings);
    crate::memory::trace("report: shared figures");
    // The teams' weekly counts move into the table (a row per team and week when written:
    // 140,000 rows for the 476 groups of BPIC 2013 incidents).
    let team_throughput = std::mem::take(&mut c.team.weekly);
    let c = c;
    let judged: Vec<bool> = c.team.summaries.iter().map(|s| s.judged).collect();
    // The forecasts (10,000 trials per judged team: the longest single part of a log with
    // hundreds of groups) are drawn beside the rest of the report, charts included; they are
    // the flow part's last piece and have no chart, so they join after it unchanged.
    let (forecast, rest) = rayon::join(
        || super::flow::forecast_part(&flow_input(&c, &judged)),
        || the_rest(&c, &judged, records, previous),
    );
    let Rest {
        parts: rest,
        teams,
        headline,
        executive,
        outcome,
        charts,
    } = rest?;
    let parts = Parts::join([core_part(&c, &teams, team_throughput), rest, forecast]);
    let mut sections = vec![executive];
    sections.extend(parts.sections);
    sections.sort_by_key(|s| section_rank(s.id));
    let summary = summary(&c, inputs, teams, outcome, warnings);
    let status_map = c.status_map;
    Ok(Report {
        headline,
        sections,
        summary,
        items: Vec::new(),
        tables: parts.tables,
        run_tables: parts.run_tables,
        week_tables: parts.week_tables,
        people: by_team(&status.people),
        team_statuses: by_team(&status.period_statuses),
        charts,
        status_map,
        takeaways: parts.takeaways,
    })
}

/// The report's parts other than the core part and the forecasts (charts taken out), with
/// every chart of the report drawn, in the order of the joined parts (the core part's first).
struct Rest {
    parts: Parts,
    teams: Vec<TeamSummary>,
    headline: Vec<Headline>,
    executive: Section,
    outcome: Outcomes,
    charts: Vec<Chart>,
}

/// Everything [`build`] makes beside the forecasts: the parts but the core one, the verdict,
/// the comparison and the business case, and every chart drawn.
fn the_rest(
    c: &Shared,
    judged: &[bool],
    records: &[ItemRecord],
    previous: Option<&[ItemRecord]>,
) -> anyhow::Result<Rest> {
    // Each chart is drawn as soon as the part it belongs to exists, beside the parts still
    // being built (the charts are most of a small log's report: on a one-core-bound step the
    // other core draws); the charts keep the order of the declared list of parts.
    let ((mut flow, mut hand, mut sprawl, current), core) =
        rayon::join(|| independent_parts(c, judged), || draw(core_charts(c)));
    crate::memory::trace("report: flow, hand-offs, tools, comparison");
    // The parts' working memory is gone: give it back (the peak of a large audit).
    crate::memory::release();
    let early: Vec<ChartJob> = [&mut flow.charts, &mut hand.charts, &mut sprawl.parts.charts]
        .into_iter()
        .flat_map(std::mem::take)
        .collect();
    let (early, tail) = rayon::join(
        || draw(early),
        || the_tail(c, records, previous, &current, &sprawl, &flow.aging_over),
    );
    let Tail {
        teams,
        parts: verdict,
        recommendation,
        findings,
        pairs,
        moves,
        headline,
        business: b,
        executive,
    } = tail;
    // The declared list of parts (the core part, first, and the forecasts, after the flow
    // part, are joined in [`build`]).
    let mut parts = Parts::join([
        flow,
        hand,
        sprawl.parts,
        verdict,
        Parts::one(b.section, Some(b.table), Some(b.chart)),
        Parts::one(teams_section(&moves, &teams, &findings), None, None),
        comparison_part(&pairs),
        status_time_part(c),
    ]);
    let late = draw(std::mem::take(&mut parts.charts));
    let mut charts = core?;
    charts.extend(early?);
    charts.extend(late?);
    crate::memory::trace("report: charts drawn");
    Ok(Rest {
        parts,
        teams,
        headline,
        executive,
        outcome: (sprawl.summary.clone(), recommendation, b.case),
        charts,
    })
}

/// Draw `jobs` in parallel, in their order.
fn draw(jobs: Vec<ChartJob>) -> Result<Vec<Chart>, chart::ChartError> {
    jobs.into_par_iter().map(|j| j()).collect()
}

/// What [`the_rest`] builds after the independent parts, beside their charts.
struct Tail {
    teams: Vec<TeamSummary>,
    /// The verdict's parts, recommendation and ranked findings.
    parts: Parts,
    recommendation: super::verdict_section::Recommendation,
    findings: Vec<Finding>,
    pairs: Vec<Pair>,
    moves: Vec<String>,
    headline: Vec<Headline>,
    business: super::business_section::BusinessPart,
    executive: Section,
}

/// The verdict and blockers, the comparison with the previous period, the headline, the
/// business case and the executive summary.
fn the_tail(
    c: &Shared,
    records: &[ItemRecord],
    previous: Option<&[ItemRecord]>,
    current: &super::comparison::Figures,
    sprawl: &Sprawl,
    aging_over: &[(String, String, f64)],
) -> Tail {
    let teams = fig::with_similarity(c.team.summaries.clone(), |t| {
        sprawl.workflows.get(t).and_then(|w| w.similarity)
    });
    let Decision {
        team_signals,
        parts,
        recommendation,
        findings,
        executive,
    } = decide(c, &teams, sprawl, aging_over);
    crate::memory::release();
    crate::memory::trace("report: verdict and blockers");
    let teams = fig::with_signals(teams, &team_signals);
    let (pairs, moves) = comparison(c, previous, current);
    let scope = super::comparison::Scope {
        no_team: !c.all.in_scope.par_iter().any(|r| r.team.is_some()),
        activity_only: !c.all.in_scope.is_empty() && c.all.in_scope.par_iter().all(|r| r.activity),
    };
    let headline = super::comparison::headline(current, pairs.first().map(|p| &p.2), scope);
    let business = super::business_section::build(
        records,
        c.period,
        c.as_of,
        c.cfg.tools,
        &findings,
        c.cfg.business_case,
    );
    let executive = super::executive_notes::with_window_note(
        super::executive_notes::with_activity_note(executive, records),
        c.finish_window,
        c.weeks.len(),
    );
    crate::memory::trace("report: comparison and business case");
    Tail {
        teams,
        parts,
        recommendation,
        findings,
        pairs,
        moves,
        headline,
        business,
        executive,
    }
}

/// A set of names per team, sorted.
fn by_team(
    m: &rustc_hash::FxHashMap<crate::name::Name, rustc_hash::FxHashSet<crate::name::Name>>,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    m.iter()
        .map(|(t, s)| (t.to_string(), s.iter().map(|p| p.to_string()).collect()))
        .collect()
}

impl<'a> BuildInput<'a> {
    /// The records, inputs, previous records and warnings, and the rest as settings.
    fn split(
        self,
    ) -> (
        (Vec<ItemRecord>, crate::metrics::items::StatusFolds),
        Vec<InputSummary>,
        Option<Vec<ItemRecord>>,
        Warnings,
        Cfg<'a>,
    ) {
        let cfg = Cfg {
            period: self.period,
            as_of: self.as_of,
            tz: self.tz,
            tools: self.tools,
            roster: self.roster,
            forecast: self.forecast,
            signals: self.signals,
            verdict: self.verdict,
            blockers: self.blockers,
            evidence: self.evidence,
            business_case: self.business_case,
            jira_time_in_status: self.jira_time_in_status,
            jira_status_ids: self.jira_status_ids,
            status_counts: self.status_counts,
        };
        (
            (self.records, self.status),
            self.inputs,
            self.previous,
            self.warnings,
            cfg,
        )
    }
}

/// The parts that read only the shared figures, built in parallel: flow, handoffs, tools and
/// consistency, and the figures compared with the previous period.
fn independent_parts(
    c: &Shared,
    judged: &[bool],
) -> (Parts, Parts, Sprawl, super::comparison::Figures) {
    let flow_input = flow_input(c, judged);
    let ((flow, hand), sprawl) = rayon::join(
        || {
            rayon::join(
                || super::flow::build(&flow_input),
                || super::handoff_section::build(c.records, c.status, c.period, &c.team_list),
            )
        },
        || {
            super::sprawl_section::build(
                c.status,
                c.cfg.tools,
                c.cfg.roster,
                &c.team_list,
                c.cfg.signals.utilisation,
                c.cfg.signals.workflow_similarity,
            )
        },
    );
    // The organisation's figures compared with the previous period's: the shared ones.
    let current =
        super::comparison::Figures::of_shared(&c.all, &c.figures, c.throughput.mean, c.period);
    (flow, hand, sprawl, current)
}

/// What the flow part and the forecasts read: the shared figures, and which teams are judged.
fn flow_input<'a>(c: &'a Shared, judged: &'a [bool]) -> super::flow::FlowInput<'a> {
    super::flow::FlowInput {
        records: c.records,
        period: c.period,
        as_of: c.as_of,
        tz: c.tz,
        grid: c.grid,
        teams: &c.team_list,
        cycle: c.figures.cycle,
        team_cycle: &c.team.cycle,
        forecast: c.cfg.forecast,
        status_order: &c.status_time.order,
        traces: &c.status.traces,
        judged,
        min_team_finished: c.cfg.evidence.min_team_finished,
        weeks: &c.weeks,
        weekly: &c.weekly,
        finish_window: c.finish_window,
    }
}

/// The evidence gates (METRICS.md §12, on the items in scope) and the verdict.
fn decide(
    c: &Shared,
    teams: &[TeamSummary],
    sprawl: &Sprawl,
    aging_over: &[(String, String, f64)],
) -> Decision {
    let gates = crate::metrics::evidence::gates(
        &crate::metrics::evidence::EvidenceInputs::of(
            &c.all.in_scope,
            &c.all.done,
            c.cfg.status_counts.as_ref(),
        ),
        c.cfg.evidence,
    );
    super::verdict_section::build(super::verdict_section::VerdictInput {
        gates: &gates,
        records: c.records,
        period: c.period,
        as_of: c.as_of,
        teams,
        sprawl,
        aging_over,
        team_change_rate: c.figures.rates.map(|x| x.1),
        signals: c.cfg.signals,
        verdict: c.cfg.verdict,
        blockers: c.cfg.blockers,
        min_team_finished: c.cfg.evidence.min_team_finished,
    })
}

type Pair = (
    String,
    super::comparison::Figures,
    super::comparison::Figures,
);

/// The figures of the previous period of equal length beside this one's, overall and per
/// team, and the teams' moves between the two; empty without a period.
fn comparison(
    c: &Shared,
    previous: Option<&[ItemRecord]>,
    current: &super::comparison::Figures,
) -> (Vec<Pair>, Vec<String>) {
    let (Some(prev), Some((from, to))) = (previous, c.period) else {
        return (Vec::new(), Vec::new());
    };
    let pp = Some((from - (to - from), from));
    let pgrid = (from - (to - from), from - 1);
    let mut pairs = vec![(
        "*".to_string(),
        current.clone(),
        super::comparison::figures(prev, None, pp, pgrid, c.tz),
    )];
    for t in &c.team_list {
        pairs.push((
            t.clone(),
            super::comparison::figures(c.records, Some(t), c.period, c.grid, c.tz),
            super::comparison::figures(prev, Some(t), pp, pgrid, c.tz),
        ));
    }
    let moves = super::comparison::team_moves(&pairs);
    (pairs, moves)
}

/// The cycle-time scatter and the time-in-status chart.
fn core_charts(c: &Shared) -> Vec<ChartJob> {
    let point = |r: &&ItemRecord| {
        Some(ScatterPoint {
            finished: r.finished()?,
            cycle_days: r.cycle_time_days()?,
        })
    };
    let n = c.all.done.iter().filter_map(point).count();
    let points = thin_of(n, c.all.done.iter().filter_map(point), MAX_POINTS);
    let cycle = c.figures.cycle;
    let (p50, p85, p95) = (
        cycle.p50.unwrap_or(0.0),
        cycle.p85.unwrap_or(0.0),
        cycle.p95.unwrap_or(0.0),
    );
    let bars = c.status_time.bars.clone();
    vec![
        Box::new(move || chart::cycle_time_scatter(&points, p50, p85, p95)),
        Box::new(move || chart::time_in_status(&bars)),
    ]
}

/// Takeaways of the cycle-time and time-in-status charts, written from the data.
fn core_takeaways(c: &Shared) -> Vec<Takeaway> {
    let (cycle, bars) = (c.figures.cycle, &c.status_time.bars);
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
    takeaways
}

/// The part of the shared figures: the takeaways of the cycle-time and time-in-status charts
/// (the charts, [`core_charts`], are drawn with every other chart in [`the_rest`]), and the
/// tables of time in status, the status mapping, throughput and teams.
fn core_part(c: &Shared, teams: &[TeamSummary], team_throughput: Vec<(String, Vec<u64>)>) -> Parts {
    let mut groups = vec![("*".to_string(), c.weekly.clone())];
    groups.extend(team_throughput);
    Parts {
        tables: core_tables(c, teams),
        week_tables: vec![WeekTable {
            name: TableId::Throughput,
            header: THROUGHPUT_COLUMNS.to_vec(),
            weeks: c.weeks.iter().map(|w| format_date(*w)).collect(),
            groups,
        }],
        takeaways: core_takeaways(c),
        ..Parts::default()
    }
}

/// The tables of the shared figures: time in status, the status mapping, teams (throughput
/// is a [`WeekTable`], [`core_part`]).
fn core_tables(c: &Shared, teams: &[TeamSummary]) -> Vec<Table> {
    vec![
        Table {
            name: TableId::StatusTime,
            header: STATUS_TIME_COLUMNS.to_vec(),
            rows: c.status_time.rows.clone(),
        },
        Table {
            name: TableId::StatusMap,
            header: STATUS_MAP_COLUMNS.to_vec(),
            rows: c
                .status_map
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
        super::teams::teams_table(teams),
    ]
}

/// The teams section: moves between periods, the teams table, one part per judged team.
fn teams_section(moves: &[String], teams: &[TeamSummary], findings: &[Finding]) -> Section {
    let mut blocks = Vec::new();
    if !moves.is_empty() {
        blocks.push(Block::List(moves.to_vec()));
    }
    blocks.push(Block::Table {
        name: TableId::Teams,
        limit: 100,
    });
    blocks.extend(super::teams::team_blocks(teams, findings));
    Section {
        id: "teams",
        title: "Teams".into(),
        blocks,
    }
}

/// The comparison with the previous period (nothing without one).
fn comparison_part(pairs: &[Pair]) -> Parts {
    if pairs.is_empty() {
        return Parts::default();
    }
    let section = Section {
        id: "comparison",
        title: "Change since the previous period".into(),
        blocks: vec![Block::Table {
            name: TableId::Comparison,
            limit: 12,
        }],
    };
    Parts::one(section, Some(super::comparison::table(pairs)), None)
}

/// The Jira `[CHART] Time in Status` section and its tables.
fn status_time_part(c: &Shared) -> Parts {
    let (section, tables) =
        super::status_time_section::build(c.cfg.jira_time_in_status, c.cfg.jira_status_ids);
    Parts {
        tables,
        sections: vec![section],
        ..Parts::default()
    }
}

/// The outcomes of the tools part, the verdict and the business case, for `summary.json`.
type Outcomes = (
    Option<super::sprawl_section::SprawlSummary>,
    super::verdict_section::Recommendation,
    crate::metrics::business_case::BusinessCase,
);

/// `summary.json`.
fn summary(
    c: &Shared,
    inputs: Vec<InputSummary>,
    teams: Vec<TeamSummary>,
    (tool_sprawl, recommendation, business_case): Outcomes,
    warnings: Warnings,
) -> Summary {
    let in_scope = &c.all.in_scope;
    // One pass, in parallel blocks (integer sums): events, team hand-offs, and items per
    // outcome.
    type Sums = (u64, u64, [u64; 3]);
    let add =
        |(e, h, a): Sums, (f, i, b): Sums| (e + f, h + i, [a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
    let (events, team_handoffs, [done, canceled, open]) = in_scope
        .par_iter()
        .fold(
            || (0u64, 0u64, [0u64; 3]),
            |(e, h, mut by), r| {
                match r.outcome {
                    Outcome::Done => by[0] += 1,
                    Outcome::Canceled => by[1] += 1,
                    Outcome::Open => by[2] += 1,
                }
                (e + u64::from(r.events), h + u64::from(r.team_handoffs), by)
            },
        )
        .reduce(|| (0, 0, [0; 3]), add);
    let (f, tp) = (&c.figures, c.throughput);
    Summary {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        inputs,
        period: Period {
            from: c.period.map(|p| format_instant(p.0)),
            to: c.period.map(|p| format_instant(p.1)),
            as_of: format_instant(c.as_of),
        },
        counts: Counts {
            items: in_scope.len() as u64,
            events,
            teams: c.team_names.len() as u64,
            done,
            canceled,
            open,
        },
        lead_time_days: r6s(f.lead),
        cycle_time_days: r6s(f.cycle),
        case_duration_days: r6s(c.case_duration),
        flow_efficiency: r6o(f.flow_efficiency),
        throughput_per_week: ThroughputSummary {
            mean: r6o(tp.mean),
            p50: r6o(tp.p50),
        },
        handoffs: HandoffSummary {
            per_item: r6o(f.rates.map(|x| x.0)),
            team_handoffs_total: team_handoffs,
            team_change_rate: r6o(f.rates.map(|x| x.1)),
            ping_pong_rate: r6o(f.rates.map(|x| x.2)),
        },
        reopen_rate: r6o(f.reopen_rate),
        tool_sprawl,
        recommendation: Some(recommendation),
        business_case,
        teams,
        warnings: warnings.entries(),
        trend: None,
    }
}

/// The report's sections, in the order a reader meets them (ids are the HTML anchors): the
/// order is declared here, not implied by the order parts are built in.
pub const SECTION_ORDER: [&str; 15] = [
    "trend",
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
