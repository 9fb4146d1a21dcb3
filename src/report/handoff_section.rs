//! The handoffs part of the report (METRICS.md §4): who passes work to whom, what it costs,
//! and where it bounces — the handoff matrix and handover pairs, the ping-pong pairs, the
//! cycle time by number of team handoffs, and their charts.

use super::part::Parts;
use super::TableId;
use super::{r6, Block, Cell, Section, Table, Takeaway};
use crate::chart::ChartId;
use crate::chart::{self, HandoffBucket};
use crate::metrics::handoff_cost::{self, BUCKETS};
use crate::metrics::handoffs::PairCounts;
use crate::metrics::items::{ItemRecord, StatusFolds};
use crate::metrics::ping_pong::PairBounces;
use crate::model::Ts;
use crate::name::Name;
use std::collections::BTreeMap;

/// The columns of `tables/handoff_matrix.csv`.
pub const HANDOFF_MATRIX_COLUMNS: [&str; 3] = ["from_team", "to_team", "count"];
/// The columns of `tables/handover_pairs.csv`.
pub const HANDOVER_PAIRS_COLUMNS: [&str; 3] = ["from", "to", "count"];
/// The columns of `tables/ping_pong_pairs.csv`.
pub const PING_PONG_PAIRS_COLUMNS: [&str; 5] =
    ["team_a", "team_b", "bounces", "items", "item_days"];
/// The columns of `tables/handoff_cost.csv`.
pub const HANDOFF_COST_COLUMNS: [&str; 5] = [
    "team",
    "team_handoffs",
    "items",
    "cycle_time_p50",
    "cycle_time_p85",
];

fn pair_rows(m: &PairCounts) -> Vec<Vec<Cell>> {
    m.iter()
        .map(|((a, b), n)| vec![a.as_str().into(), b.as_str().into(), (*n).into()])
        .collect()
}

/// Build the handoffs part from the items in scope and the done items of the period.
pub fn build(
    records: &[ItemRecord],
    folds: &StatusFolds,
    period: Option<(Ts, Ts)>,
    teams: &[String],
) -> Parts {
    let (matrix, pairs, bounces) = routes(folds);
    let pp = ping_pong_pairs(&bounces);
    let (cost_rows, overall) = handoff_cost_rows(records, period, teams);
    let mut p = Parts {
        tables: vec![
            Table {
                name: TableId::HandoffMatrix,
                header: HANDOFF_MATRIX_COLUMNS.to_vec(),
                rows: pair_rows(&matrix),
            },
            Table {
                name: TableId::HandoverPairs,
                header: HANDOVER_PAIRS_COLUMNS.to_vec(),
                rows: pair_rows(&pairs),
            },
            ping_pong_table(&pp),
            Table {
                name: TableId::HandoffCost,
                header: HANDOFF_COST_COLUMNS.to_vec(),
                rows: cost_rows,
            },
        ],
        sections: vec![section(&pp)],
        ..Parts::default()
    };
    takeaways_and_charts(&mut p, &matrix, &overall, teams);
    p
}

type Bounces = BTreeMap<(String, String), PairBounces>;

/// How many teams the hand-offs run between, when some of them are not among the audit's
/// `teams` (sorted; the teams items are with in scope, and the inventory's): a team that only
/// held items on their way (BPIC 2013 incidents: 629 support groups pass items on, 476 hold
/// one at its end), so that the header's count and the heatmap's add up. Empty otherwise.
fn among(matrix: &PairCounts, teams: &[String]) -> String {
    let all: std::collections::BTreeSet<&str> = matrix
        .keys()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let passing = all
        .iter()
        .filter(|t| teams.binary_search_by(|x| x.as_str().cmp(t)).is_err())
        .count();
    if passing == 0 {
        return String::new();
    }
    format!(
        ", between {} teams, {} of which only passed items on (no item ends with them) and so are not among the audit's {}",
        all.len(),
        passing,
        crate::words::count(teams.len(), "team", "teams")
    )
}

/// Team handoffs (from → to), person handovers and ping-pong bounces of the items in scope.
fn routes(folds: &StatusFolds) -> (PairCounts, PairCounts, Bounces) {
    // Folded as the items were computed; ordered here.
    let owned = |m: &rustc_hash::FxHashMap<(Name, Name), u64>| -> PairCounts {
        m.iter()
            .map(|((a, b), n)| ((a.to_string(), b.to_string()), *n))
            .collect()
    };
    (
        owned(&folds.team_pairs),
        owned(&folds.person_pairs),
        folds.bounces.clone(),
    )
}

/// Ping-pong pairs, costliest first.
fn ping_pong_pairs(bounces: &Bounces) -> Vec<(&(String, String), &PairBounces)> {
    let mut pp: Vec<(&(String, String), &PairBounces)> = bounces.iter().collect();
    pp.sort_by(|a, b| {
        b.1.micros
            .cmp(&a.1.micros)
            .then(b.1.bounces.cmp(&a.1.bounces))
            .then(a.0.cmp(b.0))
    });
    pp
}

/// `tables/ping_pong_pairs.csv`.
fn ping_pong_table(pp: &[(&(String, String), &PairBounces)]) -> Table {
    Table {
        name: TableId::PingPongPairs,
        header: PING_PONG_PAIRS_COLUMNS.to_vec(),
        rows: pp
            .iter()
            .map(|((a, b), v)| {
                vec![
                    a.as_str().into(),
                    b.as_str().into(),
                    v.bounces.into(),
                    v.items.into(),
                    r6(v.item_days()).into(),
                ]
            })
            .collect(),
    }
}

/// `tables/handoff_cost.csv` rows (overall, then per team) and the overall buckets.
fn handoff_cost_rows(
    records: &[ItemRecord],
    period: Option<(Ts, Ts)>,
    teams: &[String],
) -> (Vec<Vec<Cell>>, [crate::metrics::percentiles::Stats; 4]) {
    // One pass: each done item's cycle time goes to its bucket overall and in its team (in
    // record order, as a filter per team would give them).
    let index: rustc_hash::FxHashMap<&str, usize> = teams
        .iter()
        .enumerate()
        .map(|(k, t)| (t.as_str(), k))
        .collect();
    let mut all: [Vec<f64>; 4] = Default::default();
    let mut per_team: Vec<[Vec<f64>; 4]> = vec![Default::default(); teams.len()];
    for r in records.iter().filter(|r| r.done_in(period)) {
        let Some(c) = r.cycle_time_days() else {
            continue;
        };
        let b = handoff_cost::bucket(r.team_handoffs);
        all[b].push(c);
        if let Some(&k) = r.team.as_deref().and_then(|t| index.get(t)) {
            per_team[k][b].push(c);
        }
    }
    let mut cost_rows = Vec::new();
    let mut overall = None;
    let teams = std::iter::once(None).chain(teams.iter().map(|t| Some(t.as_str())));
    for (team, values) in teams.zip(std::iter::once(all).chain(per_team)) {
        let b = handoff_cost::bucket_stats(values);
        for (k, s) in b.iter().enumerate() {
            cost_rows.push(vec![
                Cell::from(team.unwrap_or("*")),
                Cell::from(BUCKETS[k]),
                Cell::from(s.n),
                Cell::from(s.p50.map(r6)),
                Cell::from(s.p85.map(r6)),
            ]);
        }
        if team.is_none() {
            overall = Some(b);
        }
    }
    (
        cost_rows,
        overall.unwrap_or_else(|| handoff_cost::by_bucket([])),
    )
}

/// The takeaways and charts of handoff cost and routes.
fn takeaways_and_charts(
    p: &mut Parts,
    matrix: &PairCounts,
    overall: &[crate::metrics::percentiles::Stats; 4],
    teams: &[String],
) {
    let buckets: Vec<HandoffBucket> = overall
        .iter()
        .enumerate()
        .map(|(k, s)| HandoffBucket {
            label: BUCKETS[k].to_string(),
            n: s.n,
            p50: s.p50,
            p85: s.p85,
        })
        .collect();
    let medians: Vec<String> = overall
        .iter()
        .enumerate()
        .filter(|(_, s)| s.n > 0)
        .map(|(k, s)| {
            format!(
                "{}: {} days",
                BUCKETS[k],
                s.p50.map(super::text::human).unwrap_or_default()
            )
        })
        .collect();
    p.takeaways.push(Takeaway {
        about: "cycle_time_by_handoffs".into(),
        text: match handoff_cost::days_per_handoff(&overall) {
            Some(d) if d > 0.0 => format!("Each extra team an item passes through adds about {} days of cycle time (median by team handoffs — {}).", super::text::human(d), medians.join(", ")),
            Some(d) => format!("Extra team handoffs do not lengthen cycle time here ({} days per handoff; median by team handoffs — {}).", super::text::human(d), medians.join(", ")),
            None => "Too few items changed team to estimate what a handoff costs.".to_string(),
        },
    });
    let total: u64 = matrix.values().sum();
    let top = matrix.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
    p.takeaways.push(Takeaway {
        about: "handoff_heatmap".into(),
        text: match top {
            Some(((a, b), n)) => {
                format!(
                    "{total} team handoffs in all{}; the busiest route is {a} → {b} ({n}).",
                    among(matrix, teams)
                )
            }
            None => "No item moved between teams.".into(),
        },
    });
    let heat: Vec<(String, String, u64)> = matrix
        .iter()
        .map(|((a, b), n)| (a.clone(), b.clone(), *n))
        .collect();
    p.charts
        .push(Box::new(move || chart::handoff_heatmap(&heat)));
    p.charts
        .push(Box::new(move || chart::cycle_time_by_handoffs(&buckets)));
}

/// The handoffs section.
fn section(pp: &[(&(String, String), &PairBounces)]) -> Section {
    let top_pp: Vec<String> = pp
        .iter()
        .take(5)
        .map(|((a, b), v)| {
            format!(
                "{a} ↔ {b}: {} on {}, {} item-days lost",
                crate::words::count(v.bounces as usize, "bounce", "bounces"),
                crate::words::count(v.items as usize, "item", "items"),
                super::text::human(v.item_days())
            )
        })
        .collect();

    let mut blocks = vec![
        Block::Chart(ChartId::HandoffHeatmap),
        Block::Chart(ChartId::CycleTimeByHandoffs),
    ];
    if top_pp.is_empty() {
        blocks.push(Block::Paragraph(
            "No item bounced back to a team it had left (no ping-pong).".into(),
        ));
    } else {
        blocks.push(Block::Paragraph(
            "Where work bounces (A → B → A), costliest pairs first:".into(),
        ));
        blocks.push(Block::List(top_pp));
        blocks.push(Block::Table {
            name: TableId::PingPongPairs,
            limit: 10,
        });
    }
    blocks.push(Block::Table {
        name: TableId::HandoffCost,
        limit: 4,
    });
    Section {
        id: "handoffs",
        title: "Handoffs".into(),
        blocks,
    }
}
