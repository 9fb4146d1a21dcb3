//! The business case behind the verdict (METRICS.md §13): what a product-operations role
//! would recover, measured where it can be and assumed where it cannot, against what it
//! costs. It never changes the verdict; it sits beside it.
//!
//! **Measured money** (from the tool inventory only; several rows of one team × tool are
//! summed first, as for tool sprawl):
//! - `unused_seats` (team × tool) = max(0, seats − active_users) × annual_cost ÷ seats; only
//!   where seats > 0, active users and annual cost are known. A tool with more active users
//!   than seats has none; a tool without a cost has none.
//! - `consolidation` (team × tool) = the annual cost of a tool that is not its category's
//!   main tool, in a fragmented category (≥ 2 tools in the organisation, METRICS.md §7). The
//!   main tool is the one with the most seats in the organisation (ties: most active users,
//!   then the name): consolidating onto it would save the others' cost.
//! - `licence_total` (per team and `*`) = consolidation + the unused seats of the tools that
//!   stay (a tool consolidated away is counted once: its unused seats are part of its cost).
//!
//! **Time, with stated assumptions** (every assumption is a `[business_case]` key; low and
//! high = the assumption halved and doubled):
//! - `handoff_time` (team) = team handoffs of the items in scope × `hours_per_handoff`,
//!   annualised: × 365.25 ÷ the audit period's length in days;
//! - `bounce_time` (team) = bounces (ping-pongs) × `hours_per_bounce`, annualised likewise;
//! - `handoff_cost`, `bounce_cost` = those hours × `hourly_cost`, only when it is given;
//! - `recoverable_lead_time` = the item-days of the top blockers (lead time that could be
//!   recovered: waiting, never effort, never presented as person-days).
//!
//! **Against the role** (`role_annual_cost`): coverage = (licence total + coordination
//! money) ÷ role cost, for the licence savings alone and with coordination at the low, the
//! default and the high assumption; the break-even hourly cost = (role − licence) ÷ annual
//! coordination hours.

use super::tool_sprawl::{fragmented, team_tools, TeamTool};
use crate::config::BusinessCase as Cfg;
use serde::Serialize;
use std::collections::BTreeMap;

/// Days in a year, for annualising measured time.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// The unit of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// The inventory's currency.
    Money,
    /// Hours a year.
    Hours,
    /// Item-days of lead time.
    ItemDays,
}

impl Unit {
    /// Id in `tables/business_case.csv`.
    pub fn id(self) -> &'static str {
        match self {
            Unit::Money => "money",
            Unit::Hours => "hours_per_year",
            Unit::ItemDays => "item_days",
        }
    }
}

/// One row of `tables/business_case.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// `unused_seats`, `consolidation`, `licence_total`, `handoff_time`, `bounce_time`,
    /// `handoff_cost`, `bounce_cost`, `recoverable_lead_time`.
    pub component: &'static str,
    /// Team (`*` = the organisation).
    pub team: String,
    /// What it is computed from, in words.
    pub basis: String,
    /// With the assumption halved (= value when measured).
    pub low: f64,
    /// The value.
    pub value: f64,
    /// With the assumption doubled (= value when measured).
    pub high: f64,
    /// Unit.
    pub unit: Unit,
}

/// What the business case reads besides the config.
#[derive(Debug, Clone, Default)]
pub struct Inputs<'a> {
    /// Inventory rows.
    pub tools: &'a [crate::ingest::inventory::ToolRow],
    /// (team, team handoffs, bounces) of the items in scope: per item, or already summed per
    /// team (the same case either way: only the sums count).
    pub handoffs: Vec<(Option<&'a str>, u64, u64)>,
    /// Length of the audit period in days (for annualising).
    pub period_days: f64,
    /// The top blockers in item-days: (label, item-days).
    pub top_blockers: Vec<(String, f64)>,
}

/// The business case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BusinessCase {
    /// Currency of the money figures (`[business_case] currency`).
    pub currency: String,
    /// `[business_case] role_annual_cost`.
    pub role_annual_cost: Option<f64>,
    /// Organisation's measured licence savings a year (None without inventory costs).
    pub licence_savings: Option<f64>,
    /// Annual coordination hours: (low, value, high).
    pub coordination_hours: [f64; 3],
    /// Their money when `hourly_cost` is given: (low, value, high).
    pub coordination_cost: Option<[f64; 3]>,
    /// Item-days of the top blockers.
    pub recoverable_item_days: f64,
    /// Share of the role covered: licence alone, then with coordination low, value, high
    /// (None without a role cost or without money figures).
    pub coverage: Option<[f64; 4]>,
    /// The hourly cost at which licence savings plus coordination cover the role.
    pub break_even_hourly_cost: Option<f64>,
    /// The assumptions used: key → value.
    pub assumptions: BTreeMap<&'static str, f64>,
    /// What is missing for a full case, in words.
    pub not_enough_data: Vec<String>,
    /// Every component.
    #[serde(skip)]
    pub components: Vec<Component>,
}

fn price(t: &TeamTool) -> Option<f64> {
    match (t.annual_cost, t.seats) {
        (Some(c), Some(s)) if s > 0.0 => Some(c / s),
        _ => None,
    }
}

/// The main tool of each fragmented category: most seats, then most active users, then name.
fn main_tools(tt: &[TeamTool]) -> BTreeMap<String, String> {
    let mut per: BTreeMap<(&str, &str), (f64, f64)> = BTreeMap::new();
    for t in tt {
        let e = per.entry((&t.category, &t.tool)).or_default();
        e.0 += t.seats.unwrap_or(0.0);
        e.1 += t.active_users.unwrap_or(0.0);
    }
    let mut out = BTreeMap::new();
    for f in fragmented(tt) {
        let best = f
            .tools
            .iter()
            .map(|tool| {
                (
                    tool,
                    per.get(&(f.category.as_str(), tool.as_str())).copied(),
                )
            })
            .max_by(|a, b| {
                let (x, y) = (a.1.unwrap_or_default(), b.1.unwrap_or_default());
                x.0.total_cmp(&y.0)
                    .then(x.1.total_cmp(&y.1))
                    .then(b.0.cmp(a.0))
            })
            .map(|(t, _)| t.clone());
        if let Some(b) = best {
            out.insert(f.category, b);
        }
    }
    out
}

fn n(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.2}")
    }
}

/// Compute the business case.
pub fn business_case(i: &Inputs, c: &Cfg) -> BusinessCase {
    let mut comps: Vec<Component> = Vec::new();
    let mut missing = Vec::new();
    let tt = team_tools(i.tools);
    let mains = main_tools(&tt);
    let mut licence_by_team: BTreeMap<String, f64> = BTreeMap::new();
    let mut any_money = false;
    for t in &tt {
        let consolidated = mains.get(&t.category).is_some_and(|m| *m != t.tool);
        if consolidated {
            if let Some(cost) = t.annual_cost {
                any_money = true;
                let m = &mains[&t.category];
                comps.push(Component {
                    component: "consolidation",
                    team: t.team.clone(),
                    basis: format!(
                        "{} ({}): {} a year, consolidated onto {m}, the category's tool with the most seats",
                        t.tool,
                        t.category,
                        n(cost)
                    ),
                    low: cost,
                    value: cost,
                    high: cost,
                    unit: Unit::Money,
                });
                *licence_by_team.entry(t.team.clone()).or_default() += cost;
            }
            continue;
        }
        if let (Some(p), Some(seats), Some(active)) = (price(t), t.seats, t.active_users) {
            any_money = true;
            let unused = (seats - active).max(0.0);
            let v = unused * p;
            comps.push(Component {
                component: "unused_seats",
                team: t.team.clone(),
                basis: format!(
                    "{}: {} seats, {} active users, {} per seat a year",
                    t.tool,
                    n(seats),
                    n(active),
                    n(p)
                ),
                low: v,
                value: v,
                high: v,
                unit: Unit::Money,
            });
            *licence_by_team.entry(t.team.clone()).or_default() += v;
        }
    }
    if i.tools.is_empty() {
        missing.push("no tool inventory: licence savings cannot be measured (give --tools FILE with team, tool, category, seats, active_users, annual_cost)".to_string());
    } else if !any_money {
        missing.push("the tool inventory has no seats, active users and annual costs: licence savings cannot be measured".to_string());
    }
    let licence = any_money.then(|| licence_by_team.values().fold(0.0, |a, b| a + b));
    for (team, v) in &licence_by_team {
        comps.push(Component {
            component: "licence_total",
            team: team.clone(),
            basis: "consolidation plus the unused seats of the tools that stay".into(),
            low: *v,
            value: *v,
            high: *v,
            unit: Unit::Money,
        });
    }
    if let Some(v) = licence {
        comps.push(Component {
            component: "licence_total",
            team: "*".into(),
            basis: "consolidation plus the unused seats of the tools that stay".into(),
            low: v,
            value: v,
            high: v,
            unit: Unit::Money,
        });
    }

    // Coordination time, per team and for the organisation, annualised.
    let per_year = if i.period_days > 0.0 {
        DAYS_PER_YEAR / i.period_days
    } else {
        0.0
    };
    let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (team, h, b) in &i.handoffs {
        for key in [team.unwrap_or("(no team)"), "*"] {
            let e = counts.entry(key.to_string()).or_default();
            e.0 += *h;
            e.1 += *b;
        }
    }
    let mut hours = [0.0; 3];
    let mut money: Option<[f64; 3]> = c.hourly_cost.map(|_| [0.0; 3]);
    for (team, (h, b)) in &counts {
        for (component, cost_component, count, per, key, what) in [
            (
                "handoff_time",
                "handoff_cost",
                *h,
                c.hours_per_handoff,
                "hours_per_handoff",
                "team handoffs",
            ),
            (
                "bounce_time",
                "bounce_cost",
                *b,
                c.hours_per_bounce,
                "hours_per_bounce",
                "bounces",
            ),
        ] {
            let v = count as f64 * per * per_year;
            let (lo, hi) = (v / 2.0, v * 2.0);
            let basis = format!(
                "{count} {what} in {} days × {key} = {} h, annualised",
                n(i.period_days),
                n(per)
            );
            comps.push(Component {
                component,
                team: team.clone(),
                basis: basis.clone(),
                low: lo,
                value: v,
                high: hi,
                unit: Unit::Hours,
            });
            if let Some(rate) = c.hourly_cost {
                comps.push(Component {
                    component: cost_component,
                    team: team.clone(),
                    basis: format!("{basis}, × hourly_cost = {}", n(rate)),
                    low: lo * rate,
                    value: v * rate,
                    high: hi * rate,
                    unit: Unit::Money,
                });
            }
            if team == "*" {
                hours[0] += lo;
                hours[1] += v;
                hours[2] += hi;
                if let (Some(m), Some(rate)) = (money.as_mut(), c.hourly_cost) {
                    m[0] += lo * rate;
                    m[1] += v * rate;
                    m[2] += hi * rate;
                }
            }
        }
    }
    if c.hourly_cost.is_none() {
        missing.push(
            "no [business_case] hourly_cost: coordination time is shown in hours, not money"
                .to_string(),
        );
    }
    // Sums start at +0.0 (std's f64 sum of nothing is -0.0).
    let recoverable: f64 = i.top_blockers.iter().fold(0.0, |a, b| a + b.1);
    if !i.top_blockers.is_empty() {
        comps.push(Component {
            component: "recoverable_lead_time",
            team: "*".into(),
            basis: format!(
                "item-days of the top blockers (waiting, not effort): {}",
                i.top_blockers
                    .iter()
                    .map(|(l, d)| format!("{l} {}", n(*d)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            low: recoverable,
            value: recoverable,
            high: recoverable,
            unit: Unit::ItemDays,
        });
    }
    if c.role_annual_cost.is_none() {
        missing.push(
            "no [business_case] role_annual_cost: nothing to weigh the savings against".to_string(),
        );
    }
    let coverage = match (c.role_annual_cost, licence) {
        (Some(role), Some(l)) if role > 0.0 => {
            let m = money.unwrap_or([0.0; 3]);
            Some([
                l / role,
                (l + m[0]) / role,
                (l + m[1]) / role,
                (l + m[2]) / role,
            ])
        }
        _ => None,
    };
    let break_even_hourly_cost = match c.role_annual_cost {
        Some(role) if hours[1] > 0.0 => Some(((role - licence.unwrap_or(0.0)) / hours[1]).max(0.0)),
        _ => None,
    };
    BusinessCase {
        currency: c.currency.clone(),
        role_annual_cost: c.role_annual_cost,
        licence_savings: licence,
        coordination_hours: hours,
        coordination_cost: money,
        recoverable_item_days: recoverable,
        coverage,
        break_even_hourly_cost,
        assumptions: {
            let mut a = BTreeMap::new();
            a.insert("hours_per_handoff", c.hours_per_handoff);
            a.insert("hours_per_bounce", c.hours_per_bounce);
            if let Some(h) = c.hourly_cost {
                a.insert("hourly_cost", h);
            }
            a
        },
        not_enough_data: missing,
        components: comps,
    }
}

/// The conclusion in words: the break-even and the single input that would change it.
pub fn conclusion(b: &BusinessCase) -> Vec<String> {
    let pct = |x: f64| format!("{}%", n(x * 100.0));
    let cur = if b.currency.is_empty() {
        String::new()
    } else {
        format!(" {}", b.currency)
    };
    let mut out = Vec::new();
    let Some(role) = b.role_annual_cost else {
        out.push("Not enough data for a break-even: set [business_case] role_annual_cost (the role's full annual cost) in the config.".into());
        return out;
    };
    let Some(cov) = b.coverage else {
        out.push(format!(
            "Not enough data for a break-even against the role's {}{cur} a year: the tool inventory gives no licence costs.",
            n(role)
        ));
        return out;
    };
    if b.coordination_cost.is_some() {
        out.push(format!(
            "The measured licence savings alone cover {} of the role's {}{cur} a year; with coordination time at the low assumption, {}; at the default, {}; at the high, {}.",
            pct(cov[0]), n(role), pct(cov[1]), pct(cov[2]), pct(cov[3])
        ));
    } else {
        out.push(format!(
            "The measured licence savings alone cover {} of the role's {}{cur} a year; coordination time ({} hours a year, {} to {}) is not priced: set [business_case] hourly_cost.",
            pct(cov[0]), n(role), n(b.coordination_hours[1]), n(b.coordination_hours[0]), n(b.coordination_hours[2])
        ));
    }
    if cov[0] >= 1.0 {
        out.push("The licence savings alone pay for the role; no assumption changes that, only a smaller inventory would.".into());
    } else if let Some(h) = b.break_even_hourly_cost {
        out.push(format!(
            "The single input that decides it is the value of an hour of coordination: at {}{cur} an hour or more (hourly_cost), the recovered time plus the licence savings cover the role; below it they do not.",
            n(h)
        ));
    } else {
        out.push("No coordination time was measured (no handoffs between teams): only more unused seats or fragmented tools would change the conclusion.".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::inventory::ToolRow;

    fn row(
        team: &str,
        tool: &str,
        cat: &str,
        seats: Option<f64>,
        active: Option<f64>,
        cost: Option<f64>,
    ) -> ToolRow {
        ToolRow {
            team: team.into(),
            tool: tool.into(),
            category: cat.into(),
            seats,
            active_users: active,
            annual_cost: cost,
        }
    }

    fn cfg() -> Cfg {
        Cfg {
            role_annual_cost: Some(100_000.0),
            hourly_cost: Some(80.0),
            ..Cfg::default()
        }
    }

    fn get<'a>(b: &'a BusinessCase, comp: &str, team: &str) -> Vec<&'a Component> {
        b.components
            .iter()
            .filter(|c| c.component == comp && c.team == team)
            .collect()
    }

    /// Hand-computed: Jira (Pay) 10 seats, 6 active, 12,000 → 4 × 1,200 = 4,800 unused;
    /// Linear (Web) is a second issue tracker with fewer seats than Jira (10 vs 5): its
    /// 3,000 is consolidation (its own unused seats not counted again); Slack (Pay) has more
    /// active users than seats: 0; Figma (Web) has no cost: nothing; team Ops has no
    /// inventory rows.
    #[test]
    fn licence_components_on_a_hand_computed_inventory() {
        let tools = vec![
            row(
                "Pay",
                "Jira",
                "Issue tracking",
                Some(10.0),
                Some(6.0),
                Some(12_000.0),
            ),
            row(
                "Web",
                "Linear",
                "Issue tracking",
                Some(5.0),
                Some(1.0),
                Some(3_000.0),
            ),
            row(
                "Pay",
                "Slack",
                "Chat",
                Some(10.0),
                Some(12.0),
                Some(1_000.0),
            ),
            row("Web", "Figma", "Design", Some(4.0), Some(1.0), None),
        ];
        let b = business_case(
            &Inputs {
                tools: &tools,
                period_days: DAYS_PER_YEAR,
                ..Default::default()
            },
            &cfg(),
        );
        let unused = get(&b, "unused_seats", "Pay");
        assert_eq!(unused.len(), 2);
        assert_eq!(unused[0].value, 4_800.0); // Jira
        assert_eq!(unused[1].value, 0.0); // Slack: more active users than seats
        assert!(get(&b, "unused_seats", "Web").is_empty()); // Linear consolidated, Figma no cost
        let cons = get(&b, "consolidation", "Web");
        assert_eq!((cons.len(), cons[0].value), (1, 3_000.0));
        assert!(cons[0].basis.contains("consolidated onto Jira"));
        assert_eq!(get(&b, "licence_total", "Pay")[0].value, 4_800.0);
        assert_eq!(get(&b, "licence_total", "Web")[0].value, 3_000.0);
        assert_eq!(b.licence_savings, Some(7_800.0));
        assert!(get(&b, "licence_total", "Ops").is_empty());
        // No handoffs: coverage is the licence alone at every assumption.
        assert_eq!(b.coverage, Some([0.078; 4]));
        assert_eq!(b.break_even_hourly_cost, None);
    }

    /// 10 handoffs and 2 bounces in half a year: 10 × 0.5 h × 2 = 10 h and 2 × 1 h × 2 = 4 h
    /// a year; halving or doubling an assumption moves only its own component.
    #[test]
    fn coordination_time_is_annualised_and_each_assumption_moves_its_own_component() {
        let inputs = Inputs {
            handoffs: vec![(Some("Pay"), 6, 2), (Some("Web"), 4, 0), (None, 0, 0)],
            period_days: DAYS_PER_YEAR / 2.0,
            top_blockers: vec![("queue · QA".into(), 120.0), ("stale · Web".into(), 30.5)],
            ..Default::default()
        };
        let b = business_case(&inputs, &cfg());
        let h = get(&b, "handoff_time", "*")[0];
        assert_eq!((h.low, h.value, h.high), (5.0, 10.0, 20.0));
        let bt = get(&b, "bounce_time", "*")[0];
        assert_eq!((bt.low, bt.value, bt.high), (2.0, 4.0, 8.0));
        assert_eq!(get(&b, "handoff_time", "Pay")[0].value, 6.0);
        assert_eq!(get(&b, "handoff_cost", "*")[0].value, 800.0);
        assert_eq!(b.coordination_hours, [7.0, 14.0, 28.0]);
        assert_eq!(b.coordination_cost, Some([560.0, 1_120.0, 2_240.0]));
        assert_eq!(b.recoverable_item_days, 150.5);
        assert_eq!(
            get(&b, "recoverable_lead_time", "*")[0].unit,
            Unit::ItemDays
        );
        // Doubling hours_per_handoff moves handoff_time only.
        let doubled = business_case(
            &inputs,
            &Cfg {
                hours_per_handoff: 1.0,
                ..cfg()
            },
        );
        assert_eq!(get(&doubled, "handoff_time", "*")[0].value, 20.0);
        assert_eq!(get(&doubled, "bounce_time", "*")[0].value, 4.0);
        // No inventory: the licence savings and the coverage are "not enough data".
        assert_eq!(b.licence_savings, None);
        assert_eq!(b.coverage, None);
        assert!(b.not_enough_data[0].starts_with("no tool inventory"));
        // Break-even: (100,000 − 0) ÷ 14 h.
        assert_eq!(b.break_even_hourly_cost, Some(100_000.0 / 14.0));
    }

    #[test]
    fn conclusion_states_the_break_even_and_the_deciding_input() {
        let tools = vec![row(
            "Pay",
            "Jira",
            "Issue tracking",
            Some(100.0),
            Some(60.0),
            Some(100_000.0),
        )];
        let inputs = Inputs {
            tools: &tools,
            handoffs: vec![(Some("Pay"), 1000, 100)],
            period_days: DAYS_PER_YEAR,
            ..Default::default()
        };
        let b = business_case(&inputs, &cfg());
        // Licence 40,000 (40 %); coordination 1,000 × 0.5 + 100 × 1 = 600 h a year × 80.
        let text = conclusion(&b).join(" ");
        assert!(
            text.contains("alone cover 40% of the role's 100000 a year"),
            "{text}"
        );
        assert!(
            text.contains("at the low assumption, 64%; at the default, 88%; at the high, 136%"),
            "{text}"
        );
        assert!(text.contains("at 100 an hour or more"), "{text}");
        let none = business_case(&Inputs::default(), &Cfg::default());
        assert!(conclusion(&none)[0].starts_with("Not enough data"));
    }
}
