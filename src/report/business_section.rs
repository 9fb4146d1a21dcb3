//! The business case section (METRICS.md §13), after the verdict: `tables/business_case.csv`,
//! the `business_case` chart, `summary.json` `business_case`. The figures are computed in
//! [`crate::metrics::business_case`]; this part only arranges them.

use super::part::ChartJob;
use super::TableId;
use super::{r6, Block, Cell, Section, Table};
use crate::chart::ChartId;
use crate::config::BusinessCase as Cfg;
use crate::ingest::inventory::ToolRow;
use crate::metrics::blockers::{Finding, Unit as FindingUnit};
use crate::metrics::business_case::{self, BusinessCase, Inputs};
use crate::metrics::items::ItemRecord;
use crate::model::{days, Ts};

/// The columns of `tables/business_case.csv`.
pub const BUSINESS_CASE_COLUMNS: [&str; 7] =
    ["component", "team", "basis", "low", "value", "high", "unit"];

/// What the part contributes.
pub struct BusinessPart {
    /// The section.
    pub section: Section,
    /// `tables/business_case.csv`.
    pub table: Table,
    /// The chart.
    pub chart: ChartJob,
    /// `summary.json` `business_case`.
    pub case: BusinessCase,
}

/// Build the part from the records in scope, the inventory and the ranked findings: the case
/// is computed in `metrics::business_case`; this part shows it.
pub fn build(
    records: &[ItemRecord],
    period: Option<(Ts, Ts)>,
    as_of: Ts,
    tools: &[ToolRow],
    findings: &[Finding],
    cfg: &Cfg,
) -> BusinessPart {
    let inputs = inputs(records, period, as_of, tools, findings, cfg);
    let case = business_case::business_case(&inputs, cfg);
    BusinessPart {
        section: section(&case, &inputs, cfg),
        table: table(&case),
        chart: chart(&case),
        case: rounded(case),
    }
}

/// The case's inputs: the inventory, each in-scope item's handoffs and bounces, the period's
/// length and the top findings in item-days.
fn inputs<'a>(
    records: &'a [ItemRecord],
    period: Option<(Ts, Ts)>,
    as_of: Ts,
    tools: &'a [ToolRow],
    findings: &[Finding],
    cfg: &Cfg,
) -> Inputs<'a> {
    let period_days = match period {
        Some((f, t)) => days(t - f),
        None => days(as_of - records.iter().map(|r| r.created).min().unwrap_or(as_of)),
    };
    Inputs {
        tools,
        // Summed per team here: a row per item took 24 bytes for each of millions of items.
        handoffs: handoffs_per_team(records),
        period_days,
        top_blockers: findings
            .iter()
            .filter(|f| f.unit == FindingUnit::ItemDays)
            .take(cfg.top_blockers)
            .map(|f| (format!("{} · {}", f.kind.words(), f.scope), f.impact))
            .collect(),
    }
}

/// Team handoffs and bounces of the in-scope items, summed per team (no team: `None`), in
/// team name order. Blocks of records are summed in parallel, keyed by the address of the
/// team's name (shared by the records of many items; a string-keyed map per record took
/// 74 ms on one core at 10M events), then merged by name.
fn handoffs_per_team(records: &[ItemRecord]) -> Vec<(Option<&str>, u64, u64)> {
    use rayon::prelude::*;
    type Sums<'a> = rustc_hash::FxHashMap<usize, (Option<&'a str>, u64, u64)>;
    fn add<'a>(m: &mut Sums<'a>, t: Option<&'a str>, h: u64, b: u64) {
        let e = m
            .entry(t.map_or(0, |t| t.as_ptr() as usize))
            .or_insert((t, 0, 0));
        e.1 += h;
        e.2 += b;
    }
    let by_address = records
        .par_chunks(1 << 14)
        .map(|block| {
            let mut m = Sums::default();
            for r in block.iter().filter(|r| r.in_scope()) {
                let (h, b) = (u64::from(r.team_handoffs), u64::from(r.ping_pongs));
                add(&mut m, r.team.as_deref(), h, b);
            }
            m
        })
        .reduce(Sums::default, |mut a, b| {
            for (_, (t, h, bounces)) in b {
                add(&mut a, t, h, bounces);
            }
            a
        });
    let mut per_team: std::collections::BTreeMap<Option<&str>, (u64, u64)> = Default::default();
    for (_, (t, h, b)) in by_address {
        let e = per_team.entry(t).or_default();
        e.0 += h;
        e.1 += b;
    }
    per_team.into_iter().map(|(t, (h, b))| (t, h, b)).collect()
}

/// `tables/business_case.csv`.
fn table(case: &BusinessCase) -> Table {
    Table {
        name: TableId::BusinessCase,
        header: BUSINESS_CASE_COLUMNS.to_vec(),
        rows: case
            .components
            .iter()
            .map(|c| {
                vec![
                    Cell::from(c.component),
                    Cell::from(c.team.as_str()),
                    Cell::from(c.basis.as_str()),
                    Cell::from(r6(c.low)),
                    Cell::from(r6(c.value)),
                    Cell::from(r6(c.high)),
                    Cell::from(c.unit.id()),
                ]
            })
            .collect(),
    }
}

/// The sum of a component over the teams.
fn component_sum(case: &BusinessCase, name: &str) -> f64 {
    case.components
        .iter()
        .filter(|c| c.component == name && c.team != "*")
        .fold(0.0, |a, c| a + c.value)
}

/// The business-case chart.
fn chart(case: &BusinessCase) -> ChartJob {
    let sum = |name: &str| component_sum(case, name);
    let mut bars = Vec::new();
    if let Some(l) = case.licence_savings {
        bars.push(business_case_bar(
            "Unused seats",
            [sum("unused_seats"); 3],
            true,
        ));
        bars.push(business_case_bar(
            "Tool consolidation",
            [sum("consolidation"); 3],
            true,
        ));
        let coord = case.coordination_cost.unwrap_or([0.0; 3]);
        if case.coordination_cost.is_some() {
            bars.push(business_case_bar("Coordination time", coord, false));
        }
        bars.push(business_case_bar(
            "Total",
            [l + coord[0], l + coord[1], l + coord[2]],
            case.coordination_cost.is_none(),
        ));
    } else if let Some(m) = case.coordination_cost {
        bars.push(business_case_bar("Coordination time", m, false));
    }
    let (role, currency) = (case.role_annual_cost, case.currency.clone());
    let chart: ChartJob = Box::new(move || crate::chart::business_case(&bars, role, &currency));
    chart
}

/// The business-case section.
fn section(case: &BusinessCase, inputs: &Inputs, cfg: &Cfg) -> Section {
    let sum = |name: &str| component_sum(case, name);
    let period_days = inputs.period_days;
    let h = super::text::human;
    let mut blocks = vec![Block::Paragraph(
        "What a product-operations role would recover, measured where the data allows and assumed where it cannot be, against what the role costs. It sits beside the verdict and never changes it.".into(),
    )];
    blocks.push(Block::List(business_case::conclusion(case)));
    blocks.push(Block::Chart(ChartId::BusinessCase));
    let mut facts = Vec::new();
    if let Some(l) = case.licence_savings {
        facts.push(format!(
            "Measured licence savings: {} a year (unused seats {}, tool consolidation {}), from the inventory alone.",
            h(l),
            h(sum("unused_seats")),
            h(sum("consolidation"))
        ));
    }
    let ch = case.coordination_hours;
    facts.push(format!(
        "Coordination time (assumed): {} hours a year ({} to {} with the assumptions halved and doubled), from the measured team handoffs and bounces annualised over {} days.",
        h(ch[1]),
        h(ch[0]),
        h(ch[2]),
        h(period_days)
    ));
    if case.recoverable_item_days > 0.0 {
        facts.push(format!(
            "Lead time that fixing the top {} blockers could recover: {} item-days — time items waited, not effort, and never person-days.",
            cfg.top_blockers.min(inputs.top_blockers.len()),
            h(case.recoverable_item_days)
        ));
    }
    blocks.push(Block::List(facts));
    blocks.push(Block::Table {
        name: TableId::BusinessCase,
        limit: 40,
    });
    blocks.push(Block::Paragraph(format!(
        "Assumptions ([business_case] in the config; low and high halve and double each): hours_per_handoff = {} (resuming an interrupted task takes about 23 minutes: Mark, Gudith and Klocke, \u{201c}The cost of interrupted work\u{201d}, CHI 2008); hours_per_bounce = {} (a bounce is two handoffs){}.",
        h(cfg.hours_per_handoff),
        h(cfg.hours_per_bounce),
        match cfg.hourly_cost {
            Some(c) => format!("; hourly_cost = {} (given in the config)", h(c)),
            None => String::new(),
        }
    )));
    if !case.not_enough_data.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Not enough data for a full case: {}.",
            case.not_enough_data.join("; ")
        )));
    }
    Section {
        id: "business_case",
        title: "Business case".into(),
        blocks,
    }
}

/// The case for `summary.json`: every float with at most 6 decimals.
fn rounded(case: BusinessCase) -> BusinessCase {
    let mut case = case;
    case.licence_savings = case.licence_savings.map(r6);
    case.coordination_hours = case.coordination_hours.map(r6);
    case.coordination_cost = case.coordination_cost.map(|c| c.map(r6));
    case.recoverable_item_days = r6(case.recoverable_item_days);
    case.coverage = case.coverage.map(|c| c.map(r6));
    case.break_even_hourly_cost = case.break_even_hourly_cost.map(r6);
    case
}

fn business_case_bar(label: &str, range: [f64; 3], measured: bool) -> crate::chart::CaseBar {
    crate::chart::CaseBar {
        label: label.into(),
        range,
        measured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::items::record;
    use crate::name::Name;
    use crate::timeline::testing::*;
    use crate::timeline::Timeline;

    #[test]
    fn handoffs_are_summed_per_team_name_over_blocks_and_name_copies() {
        let c = Box::leak(Box::new(ctx(20.0)));
        let events = [
            ev(0.0, Some("In Progress"), None, Some("T")),
            st(2.0, "Done"),
        ];
        let one = record(
            &Timeline::build("A", &events, c),
            c,
            &mut Default::default(),
        );
        // Two copies of the name "Pay" (different addresses), one of "Ops", no team; every
        // fifth record out of scope; 50,000 records: several parallel blocks.
        let (pay1, pay2, ops) = (Name::from("Pay"), Name::from("Pay"), Name::from("Ops"));
        let records: Vec<ItemRecord> = (0..50_000u32)
            .map(|i| {
                let mut r = one.clone();
                r.team = match i % 4 {
                    0 => Some(pay1.clone()),
                    1 => Some(pay2.clone()),
                    2 => Some(ops.clone()),
                    _ => None,
                };
                r.in_period = i % 5 != 0;
                r.team_handoffs = i % 3;
                r.ping_pongs = i % 2;
                r
            })
            .collect();
        let mut want: std::collections::BTreeMap<Option<&str>, (u64, u64)> = Default::default();
        for r in records.iter().filter(|r| r.in_scope()) {
            let e = want.entry(r.team.as_deref()).or_default();
            e.0 += u64::from(r.team_handoffs);
            e.1 += u64::from(r.ping_pongs);
        }
        let want: Vec<(Option<&str>, u64, u64)> =
            want.into_iter().map(|(t, (h, b))| (t, h, b)).collect();
        let got = handoffs_per_team(&records);
        assert_eq!(got, want);
        assert_eq!(
            got.iter().map(|x| x.0).collect::<Vec<_>>(),
            [None, Some("Ops"), Some("Pay")]
        );
        // "Pay": records 0 and 1 mod 4, in scope unless 0 mod 5.
        let pay: u64 = (0..50_000u32)
            .filter(|i| i % 4 < 2 && i % 5 != 0)
            .map(|i| u64::from(i % 3))
            .sum();
        assert_eq!(got[2].1, pay);
    }
}
