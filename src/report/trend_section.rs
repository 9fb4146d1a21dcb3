//! The quarterly audit over time (METRICS.md §14): several single-period reports joined into
//! one, the last period's report with a trend section first — every headline figure per
//! period with its interval, each change from one period to the next with its verdict
//! (computed in [`crate::metrics::trend`]), what changed in the way of working (statuses that
//! appeared or disappeared per team, teams that appeared or vanished), `tables/trend.csv`
//! and `tables/trend_changes.csv`, and one chart of small multiples.

use super::*;
use crate::chart::{self, ChartId, TrendPanel};
use crate::metrics::lifecycle::Outcome;
use crate::metrics::trend::{self, Bootstrap, Figure, Sample, Verdict};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The columns of `tables/trend.csv`.
pub const TREND_COLUMNS: [&str; 7] = ["period", "team", "figure", "value", "low", "high", "n"];
/// The columns of `tables/trend_changes.csv`.
pub const TREND_CHANGES_COLUMNS: [&str; 8] = [
    "from_period",
    "to_period",
    "team",
    "figure",
    "change",
    "low",
    "high",
    "verdict",
];

/// One period's single-period report.
pub struct PeriodReport {
    /// Label (`2024Q3`).
    pub label: String,
    /// The report of that period alone.
    pub report: Report,
}

/// The organisation is population 0; teams follow in name order.
const ORG: &str = "*";

/// Samples per population of one period's report.
fn samples(r: &Report) -> BTreeMap<String, Sample> {
    let mut out: BTreeMap<String, Sample> = BTreeMap::new();
    let period = bounds(r);
    for item in &r.items {
        let teams = [Some(ORG), item.team.as_deref()];
        for t in teams.into_iter().flatten() {
            let s = out.entry(t.to_string()).or_default();
            if item.in_scope() {
                s.handoffs.push(f64::from(item.team_handoffs));
                if item.ever_terminal {
                    s.reopened.push(item.reopens > 0);
                }
            }
            if item.outcome == Outcome::Done && item.done_in(period) {
                s.lead.extend(item.lead_time_days());
                s.cycle.extend(item.cycle_time_days());
                if let (Some(a), Some(c)) = (item.active_days(), item.cycle_time_days()) {
                    s.active_cycle.push((a, c));
                }
            }
        }
    }
    // Weekly throughput from the report's own throughput table.
    if let Some(t) = r.week_table(TableId::Throughput) {
        for (team, counts) in &t.groups {
            let weekly = &mut out.entry(team.clone()).or_default().weekly;
            weekly.extend(counts.iter().map(|&n| n as f64));
        }
    }
    out
}

/// The report's period.
fn bounds(r: &Report) -> Option<(i64, i64)> {
    let at = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| crate::time::parse_instant(s, chrono_tz::UTC).ok())
            .map(|x| x.0)
    };
    Some((at(&r.summary.period.from)?, at(&r.summary.period.to)?))
}

/// The combined report: the last period's, with the trend first.
pub fn combine(periods: Vec<PeriodReport>, cfg: &crate::config::Trend) -> anyhow::Result<Report> {
    let bs = Bootstrap {
        confidence: cfg.confidence,
        replicates: cfg.bootstrap,
        seed: cfg.seed,
    };
    let input = Periods::of(&periods, cfg.confidence);
    let computed = bootstrap_all(&input, &bs);
    let parts = TrendParts::collect(&input, computed);
    let changes = workflow_changes(&periods);
    let last = periods.into_iter().last().context_free()?;
    with_trend(last.report, &input.labels, parts, &changes, cfg)
}

/// An interval of one period's figure, and its change from the period before (None in the
/// first period).
type Computed = (Option<(f64, f64)>, Option<trend::Change>);

/// A chart point: period label, value, interval.
type Point = (String, Option<f64>, Option<(f64, f64)>);

/// What every step of the trend reads: each period's samples per population, the labels, the
/// populations and the confidence level.
struct Periods {
    /// Per period, the sample of each population.
    per: Vec<BTreeMap<String, Sample>>,
    /// The periods' labels.
    labels: Vec<String>,
    /// The organisation first, then the teams in name order.
    populations: Vec<String>,
    /// The sample of a population absent from a period.
    empty: Sample,
    /// The intervals' confidence level (`[trend] confidence`).
    level: f64,
}

impl Periods {
    /// The samples, labels and populations of `periods`.
    fn of(periods: &[PeriodReport], level: f64) -> Periods {
        let per: Vec<BTreeMap<String, Sample>> =
            periods.iter().map(|p| samples(&p.report)).collect();
        let labels: Vec<String> = periods.iter().map(|p| p.label.clone()).collect();
        let mut populations: BTreeSet<String> =
            per.iter().flat_map(|m| m.keys().cloned()).collect();
        populations.remove(ORG);
        let populations: Vec<String> = std::iter::once(ORG.to_string())
            .chain(populations)
            .collect();
        Periods {
            per,
            labels,
            populations,
            empty: Sample::default(),
            level,
        }
    }

    /// The sample of population `pop` in period `k` (empty when it has none).
    fn get(&self, k: usize, pop: &str) -> &Sample {
        self.per[k].get(pop).unwrap_or(&self.empty)
    }
}

/// Every (population, figure, period)'s interval and change, in that order. The bootstrap is
/// the costly part: all of them in parallel, each replicate on its own seeded stream, so the
/// bytes do not depend on the threads.
fn bootstrap_all(p: &Periods, bs: &Bootstrap) -> Vec<Computed> {
    let n_periods = p.per.len();
    let mut jobs: Vec<(usize, Figure, usize)> = Vec::new();
    for pi in 0..p.populations.len() {
        for f in Figure::ALL {
            jobs.extend((0..n_periods).map(|k| (pi, f, k)));
        }
    }
    jobs.par_iter()
        .map(|&(pi, f, k)| {
            let s = p.get(k, &p.populations[pi]);
            let iv = trend::interval(f, s, bs, pi as u64);
            let c = (k > 0).then(|| {
                let a = p.get(k - 1, &p.populations[pi]);
                trend::change(f, a, s, bs, pi as u64)
            });
            (iv, c)
        })
        .collect()
}

/// What the trend adds to the report: the rows of its two tables, the clear changes in
/// words, the organisation's chart panels and lines, and `summary.json` `trend`.
#[derive(Default)]
struct TrendParts {
    /// `tables/trend.csv` rows.
    rows: Vec<Vec<Cell>>,
    /// `tables/trend_changes.csv` rows.
    change_rows: Vec<Vec<Cell>>,
    /// The better or worse changes, in words.
    clear: Vec<String>,
    /// The organisation's panels of the small-multiples chart.
    panels: Vec<TrendPanel>,
    /// `summary.json` `trend`.
    summary_changes: Vec<TrendChange>,
    /// The organisation's figures by period, one line per figure.
    org_lines: Vec<String>,
}

impl TrendParts {
    /// Every population's figures over the periods, in population, figure, period order,
    /// from the bootstrap's results in that same order.
    fn collect(p: &Periods, computed: Vec<Computed>) -> TrendParts {
        let mut out = TrendParts::default();
        let mut computed = computed.into_iter();
        for pop in &p.populations {
            for f in Figure::ALL {
                let points = out.figure(p, pop, f, &mut computed);
                if pop == ORG {
                    out.org_lines.push(figure_line(f, &points));
                    out.panels.push(TrendPanel {
                        title: f.label().to_string(),
                        points,
                    });
                }
            }
        }
        out
    }

    /// One figure of one population over the periods: its `tables/trend.csv` rows and its
    /// changes from the second period on; returns its chart points.
    fn figure(
        &mut self,
        p: &Periods,
        pop: &str,
        f: Figure,
        computed: &mut impl Iterator<Item = Computed>,
    ) -> Vec<Point> {
        let mut points = Vec::new();
        for k in 0..p.per.len() {
            let s = p.get(k, pop);
            let v = trend::value(f, s);
            let (iv, precomputed) = computed.next().unwrap_or((None, None));
            let n = trend::n_of(f, s);
            self.rows.push(vec![
                p.labels[k].as_str().into(),
                pop.into(),
                f.id().into(),
                opt(v),
                opt(iv.map(|x| x.0)),
                opt(iv.map(|x| x.1)),
                (n as u64).into(),
            ]);
            points.push((p.labels[k].clone(), v, iv));
            if k == 0 {
                continue;
            }
            let Some(c) = precomputed else { continue };
            self.change(p, pop, f, k, (v, n), &c);
        }
        points
    }

    /// The change of figure `f` of `pop` into period `k` (whose value and `n` are `v`, `n`):
    /// its `summary.json` entry, its `tables/trend_changes.csv` row and, when better or
    /// worse, its words.
    fn change(
        &mut self,
        p: &Periods,
        pop: &str,
        f: Figure,
        k: usize,
        (v, n): (Option<f64>, usize),
        c: &trend::Change,
    ) {
        let a = p.get(k - 1, pop);
        let (la, lb) = (&p.labels[k - 1], &p.labels[k]);
        self.summary_changes.push(TrendChange {
            from_period: la.clone(),
            to_period: lb.clone(),
            team: pop.to_string(),
            figure: f.id(),
            values: [trend::value(f, a).map(r6), v.map(r6)],
            n: [trend::n_of(f, a) as u64, n as u64],
            change: c.delta.map(r6),
            interval: c.interval.map(|x| [r6(x.0), r6(x.1)]),
            verdict: c.verdict.words(),
        });
        self.change_rows.push(vec![
            la.as_str().into(),
            lb.as_str().into(),
            pop.into(),
            f.id().into(),
            opt(c.delta),
            opt(c.interval.map(|x| x.0)),
            opt(c.interval.map(|x| x.1)),
            c.verdict.words().into(),
        ]);
        if matches!(c.verdict, Verdict::Better | Verdict::Worse) {
            self.clear.push(clear_change(pop, f, la, lb, c, p.level));
        }
    }
}

/// The last period's report with the trend: its chart (the workflow changes marked), its two
/// tables, the trend section first, `summary.json` `trend`, and the executive summary leading
/// with the clear changes.
fn with_trend(
    mut report: Report,
    labels: &[String],
    t: TrendParts,
    changes: &[(usize, String)],
    cfg: &crate::config::Trend,
) -> anyhow::Result<Report> {
    let markers: Vec<usize> = changes
        .iter()
        .map(|c| c.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    report.charts.push(chart::trend(&t.panels, &markers)?);
    report.tables.push(Table {
        name: TableId::Trend,
        header: TREND_COLUMNS.to_vec(),
        rows: t.rows,
    });
    report.tables.push(Table {
        name: TableId::TrendChanges,
        header: TREND_CHANGES_COLUMNS.to_vec(),
        rows: t.change_rows,
    });
    report
        .sections
        .insert(0, section(labels, &t.clear, &t.org_lines, changes, cfg));
    report.summary.trend = Some(t.summary_changes);
    lead_with_clear_changes(&mut report, labels, &t.clear);
    Ok(report)
}

trait ContextFree<T> {
    fn context_free(self) -> anyhow::Result<T>;
}

impl<T> ContextFree<T> for Option<T> {
    fn context_free(self) -> anyhow::Result<T> {
        self.ok_or_else(|| anyhow::anyhow!("a trend needs at least two periods"))
    }
}

fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |x| Cell::Float(r6(x)))
}

fn num(f: Figure, v: f64) -> String {
    match f {
        Figure::FlowEfficiency | Figure::ReopenRate => format!("{:.1} points", 100.0 * v),
        _ => format!("{v:.1}"),
    }
}

/// One clear change in words.
fn clear_change(pop: &str, f: Figure, a: &str, b: &str, c: &trend::Change, level: f64) -> String {
    let who = if pop == ORG {
        "Organisation".to_string()
    } else {
        format!("Team {pop}")
    };
    let (lo, hi) = c.interval.unwrap_or((0.0, 0.0));
    let d = c.delta.unwrap_or(0.0);
    let sign = if d >= 0.0 { "+" } else { "" };
    format!(
        "{who}: {} {} from {a} to {b} ({sign}{}, {}% interval {} to {}; {} is better).",
        f.label().to_lowercase(),
        c.verdict.words(),
        num(f, d),
        (level * 100.0).round(),
        num(f, lo),
        num(f, hi),
        if f.higher_is_better() {
            "higher"
        } else {
            "lower"
        }
    )
}

/// A set of names per team (statuses, or people).
type ByTeam = BTreeMap<String, BTreeSet<String>>;

/// Statuses that appeared or disappeared per team, and teams that appeared or vanished,
/// between consecutive periods: (index of the later period, text).
fn workflow_changes(periods: &[PeriodReport]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for k in 1..periods.len() {
        // The statuses each team's items in scope were in during the period, and the people
        // who held them (METRICS.md §14; folded as the items were computed).
        let (ra, rb) = (&periods[k - 1].report, &periods[k].report);
        let (a, b) = (&ra.team_statuses, &rb.team_statuses);
        let (la, lb) = (&periods[k - 1].label, &periods[k].label);
        for team in a.keys().filter(|t| !b.contains_key(*t)) {
            out.push((k, vanished(team, &ra.people, &rb.people, la, lb)));
        }
        for (team, sb) in b {
            let Some(sa) = a.get(team) else {
                out.push((k, format!("{lb}: team {team} appears (no items in {la}).")));
                continue;
            };
            if let Some(text) = statuses_changed(team, sa, sb, lb) {
                out.push((k, text));
            }
        }
    }
    out
}

/// A team with items in period `la` and none in `lb`, in words: merged into another team when
/// its people (`pa`, in `la`) now mostly work on that team's items (`pb`, in `lb`).
fn vanished(team: &str, pa: &ByTeam, pb: &ByTeam, la: &str, lb: &str) -> String {
    // A vanished team whose people now mostly work on one other team's items merged into it.
    let theirs = pa.get(team).cloned().unwrap_or_default();
    let into = pb
        .iter()
        .map(|(t, ps)| (t, ps.intersection(&theirs).count()))
        .filter(|(_, n)| *n > 0 && 2 * n >= theirs.len())
        .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(x.0)));
    match into {
        Some((t, n)) => format!(
            "{lb}: team {team} merged into {t} ({n} of its {} people now work on {t}'s items; {team} has none any more).",
            theirs.len()
        ),
        None => format!("{lb}: team {team} has no items any more (it had in {la})."),
    }
}

/// The statuses a team started and stopped using from one period (`sa`) to the next (`sb`,
/// labelled `lb`), in words; None when it uses the same.
fn statuses_changed(
    team: &str,
    sa: &BTreeSet<String>,
    sb: &BTreeSet<String>,
    lb: &str,
) -> Option<String> {
    let added: Vec<&String> = sb.difference(sa).collect();
    let removed: Vec<&String> = sa.difference(sb).collect();
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    let list = |v: &[&String]| {
        v.iter()
            .map(|s| format!("\u{201c}{s}\u{201d}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!("{lb}: team {team}'s workflow changed:");
    if !added.is_empty() {
        text.push_str(&format!(" new status(es) {}", list(&added)));
    }
    if !removed.is_empty() {
        text.push_str(&format!(
            "{} no longer used {}",
            if added.is_empty() { "" } else { ";" },
            list(&removed)
        ));
    }
    text.push('.');
    Some(text)
}

/// "Cycle time, median (days): 2024Q1 8.2 (7.1–10.1) → 2024Q2 8.8 (7.8–9.6)".
fn figure_line(f: Figure, points: &[(String, Option<f64>, Option<(f64, f64)>)]) -> String {
    let plain = |x: f64| num(f, x).replace(" points", "");
    let one = |(label, v, iv): &(String, Option<f64>, Option<(f64, f64)>)| {
        let v = v.map_or("–".to_string(), plain);
        let iv = iv.map_or(String::new(), |(a, b)| {
            format!(" ({}–{})", plain(a), plain(b))
        });
        format!("{label} {v}{iv}")
    };
    let unit = if matches!(f, Figure::FlowEfficiency | Figure::ReopenRate) {
        " (%)"
    } else {
        ""
    };
    let all: Vec<String> = points.iter().map(one).collect();
    format!("{}{unit}: {}", f.label(), all.join(" → "))
}

fn section(
    labels: &[String],
    clear: &[String],
    org_lines: &[String],
    changes: &[(usize, String)],
    cfg: &crate::config::Trend,
) -> Section {
    let mut blocks = vec![Block::Paragraph(format!(
        "{} periods, from {} to {}: each audited exactly as a single-period audit of it. A change is called better or worse only when its {}% bootstrap interval ({} resamples of the period's items, of its weeks for throughput; seed {}) excludes zero; otherwise there is no clear change (docs/METRICS.md section 14).",
        labels.len(),
        labels.first().map_or("", String::as_str),
        labels.last().map_or("", String::as_str),
        (cfg.confidence * 100.0).round(),
        cfg.bootstrap,
        cfg.seed
    ))];
    blocks.push(Block::Subheading("Clear changes".into()));
    if clear.is_empty() {
        blocks.push(Block::Paragraph(
            "No figure changed clearly between consecutive periods.".into(),
        ));
    } else {
        blocks.push(Block::List(clear.to_vec()));
    }
    blocks.push(Block::Subheading(
        "The organisation's figures by period (interval in brackets)".into(),
    ));
    blocks.push(Block::List(org_lines.to_vec()));
    blocks.push(Block::Chart(ChartId::Trend));
    blocks.push(Block::Subheading(
        "What changed in the way of working".into(),
    ));
    if changes.is_empty() {
        blocks.push(Block::Paragraph(
            "No team's statuses changed between periods, and no team appeared or vanished.".into(),
        ));
    } else {
        blocks.push(Block::List(changes.iter().map(|c| c.1.clone()).collect()));
    }
    blocks.push(Block::Table {
        name: TableId::TrendChanges,
        limit: 30,
    });
    Section {
        id: "trend",
        title: "Trend across periods".into(),
        blocks,
    }
}

/// The executive summary of a multi-period run leads with the clear changes only.
fn lead_with_clear_changes(report: &mut Report, labels: &[String], clear: &[String]) {
    let Some(exec) = report.sections.iter_mut().find(|s| s.id == "summary") else {
        return;
    };
    let text = if clear.is_empty() {
        format!("Across {} periods ({} to {}), no headline figure changed clearly from one period to the next.", labels.len(), labels[0], labels[labels.len() - 1])
    } else {
        format!("Across {} periods ({} to {}), {} clear change(s); the rest is within noise (see the trend section). The figures below are those of {}.", labels.len(), labels[0], labels[labels.len() - 1], clear.len(), labels[labels.len() - 1])
    };
    let mut lead = vec![Block::Paragraph(text)];
    if !clear.is_empty() {
        lead.push(Block::List(clear.iter().take(8).cloned().collect()));
    }
    exec.blocks.splice(0..0, lead);
}
