//! Tool sprawl (METRICS.md §7), from the tool inventory (`team, tool, category[, seats,
//! active_users, annual_cost]`) and the `source` of events.
//!
//! - **tools per team** = distinct tools of the team in the inventory (and, separately,
//!   distinct event sources seen on the team's items);
//! - **overlapping categories** (team) = categories where the team uses ≥ 2 distinct tools;
//! - **fragmented categories** (organisation) = categories in which the teams together use
//!   ≥ 2 distinct tools, listed with their tools and teams;
//! - **licence utilisation** = Σ active_users ÷ Σ seats per team × tool; under-used when
//!   below the `[signals] utilisation` threshold (0.8); null without seats;
//! - **annual cost** per team, and per head where the roster gives a headcount;
//! - **tools per item** = distinct event sources per item, mean per team.
//!
//! Tool, team and category names are compared exactly (after trimming); a team with no
//! inventory rows has "no data" for the inventory metrics.

use crate::ingest::inventory::{RosterRow, ToolRow};
use std::collections::{BTreeMap, BTreeSet};

/// Per team × tool totals.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamTool {
    /// Team.
    pub team: String,
    /// Tool.
    pub tool: String,
    /// Category.
    pub category: String,
    /// Σ seats (None when no row gives seats).
    pub seats: Option<f64>,
    /// Σ active users.
    pub active_users: Option<f64>,
    /// Σ annual cost.
    pub annual_cost: Option<f64>,
}

impl TeamTool {
    /// Σ active_users ÷ Σ seats.
    pub fn utilisation(&self) -> Option<f64> {
        match (self.active_users, self.seats) {
            (Some(a), Some(s)) if s > 0.0 => Some(a / s),
            _ => None,
        }
    }
}

/// A fragmented category: the tools the organisation uses in it, and which teams.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragmented {
    /// Category.
    pub category: String,
    /// Distinct tools, sorted.
    pub tools: Vec<String>,
    /// Teams using any of them, sorted.
    pub teams: Vec<String>,
}

/// The sprawl of one team.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSprawl {
    /// Team.
    pub team: String,
    /// Distinct tools.
    pub tools: u64,
    /// Categories with ≥ 2 tools.
    pub overlapping: Vec<String>,
    /// Tools per category (category → tools), for charts.
    pub by_category: BTreeMap<String, BTreeSet<String>>,
    /// Σ annual cost.
    pub annual_cost: Option<f64>,
    /// Annual cost per head.
    pub cost_per_head: Option<f64>,
    /// Lowest utilisation among its tools.
    pub min_utilisation: Option<f64>,
}

/// Aggregate inventory rows per team × tool (several rows of one pair are summed).
pub fn team_tools(rows: &[ToolRow]) -> Vec<TeamTool> {
    let mut m: BTreeMap<(String, String), TeamTool> = BTreeMap::new();
    let add = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (None, None) => None,
        (x, y) => Some(x.unwrap_or(0.0) + y.unwrap_or(0.0)),
    };
    for r in rows {
        let (team, tool) = (r.team.trim().to_string(), r.tool.trim().to_string());
        let e = m.entry((team.clone(), tool.clone())).or_insert(TeamTool {
            team,
            tool,
            category: r.category.trim().to_string(),
            seats: None,
            active_users: None,
            annual_cost: None,
        });
        e.seats = add(e.seats, r.seats);
        e.active_users = add(e.active_users, r.active_users);
        e.annual_cost = add(e.annual_cost, r.annual_cost);
    }
    m.into_values().collect()
}

/// Fragmented categories of the organisation (≥ 2 distinct tools), sorted by category.
pub fn fragmented(tt: &[TeamTool]) -> Vec<Fragmented> {
    let mut m: BTreeMap<&str, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for t in tt {
        let e = m.entry(t.category.as_str()).or_default();
        e.0.insert(t.tool.clone());
        e.1.insert(t.team.clone());
    }
    m.into_iter()
        .filter(|(_, (tools, _))| tools.len() >= 2)
        .map(|(c, (tools, teams))| Fragmented {
            category: c.to_string(),
            tools: tools.into_iter().collect(),
            teams: teams.into_iter().collect(),
        })
        .collect()
}

/// Per-team sprawl; `headcount` gives the team's head count when known.
pub fn per_team(tt: &[TeamTool], headcount: &BTreeMap<String, f64>) -> Vec<TeamSprawl> {
    let mut teams: BTreeMap<&str, Vec<&TeamTool>> = BTreeMap::new();
    for t in tt {
        teams.entry(t.team.as_str()).or_default().push(t);
    }
    teams
        .into_iter()
        .map(|(team, rows)| {
            let mut by_category: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for r in &rows {
                by_category
                    .entry(r.category.clone())
                    .or_default()
                    .insert(r.tool.clone());
            }
            let overlapping = by_category
                .iter()
                .filter(|(_, t)| t.len() >= 2)
                .map(|(c, _)| c.clone())
                .collect();
            let costs: Vec<f64> = rows.iter().filter_map(|r| r.annual_cost).collect();
            let annual_cost = (!costs.is_empty()).then(|| costs.iter().sum::<f64>());
            let cost_per_head = match (annual_cost, headcount.get(team)) {
                (Some(c), Some(h)) if *h > 0.0 => Some(c / h),
                _ => None,
            };
            let min_utilisation = rows
                .iter()
                .filter_map(|r| r.utilisation())
                .min_by(f64::total_cmp);
            TeamSprawl {
                team: team.to_string(),
                tools: rows
                    .iter()
                    .map(|r| r.tool.as_str())
                    .collect::<BTreeSet<_>>()
                    .len() as u64,
                overlapping,
                by_category,
                annual_cost,
                cost_per_head,
                min_utilisation,
            }
        })
        .collect()
}

/// Team × tool pairs under the utilisation threshold, lowest first.
pub fn underused(tt: &[TeamTool], threshold: f64) -> Vec<(&TeamTool, f64)> {
    let mut v: Vec<(&TeamTool, f64)> = tt
        .iter()
        .filter_map(|t| Some((t, t.utilisation()?)))
        .filter(|(_, u)| *u < threshold)
        .collect();
    v.sort_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then(a.0.team.cmp(&b.0.team))
            .then(a.0.tool.cmp(&b.0.tool))
    });
    v
}

/// Head count per team: the roster's `headcount` column (the first value given for a team);
/// without that column in any row, the number of the team's people in the roster.
pub fn headcount(roster: &[RosterRow]) -> BTreeMap<String, f64> {
    let mut m: BTreeMap<String, f64> = BTreeMap::new();
    for r in roster {
        if let Some(h) = r.headcount {
            m.entry(r.team.clone()).or_insert(h);
        }
    }
    if m.is_empty() {
        for r in roster {
            *m.entry(r.team.clone()).or_insert(0.0) += 1.0;
        }
    }
    m
}

/// Each fragmented category with the annual cost of all its tools (every team), the money
/// impact of its tool-overlap finding (METRICS.md §9).
pub fn fragmented_cost(tt: &[TeamTool]) -> Vec<(Fragmented, f64)> {
    fragmented(tt)
        .into_iter()
        .map(|f| {
            let cost = tt
                .iter()
                .filter(|t| t.category == f.category)
                .filter_map(|t| t.annual_cost)
                .sum::<f64>();
            (f, cost)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headcount_from_the_column_else_people_and_fragmented_cost() {
        let p = |person: &str, team: &str, h: Option<f64>| RosterRow {
            person: person.into(),
            team: team.into(),
            headcount: h,
        };
        let with = headcount(&[
            p("a", "Pay", Some(7.0)),
            p("b", "Pay", Some(9.0)),
            p("c", "Web", None),
        ]);
        assert_eq!(
            with.into_iter().collect::<Vec<_>>(),
            [("Pay".to_string(), 7.0)]
        );
        let people = headcount(&[
            p("a", "Pay", None),
            p("b", "Pay", None),
            p("c", "Web", None),
        ]);
        assert_eq!(people["Pay"], 2.0);
        assert_eq!(people["Web"], 1.0);
        let tt = team_tools(&[
            row(
                "Pay",
                "Jira",
                "tracking",
                Some(10.0),
                Some(8.0),
                Some(1000.0),
            ),
            row(
                "Web",
                "Linear",
                "tracking",
                Some(5.0),
                Some(5.0),
                Some(300.0),
            ),
            row("Web", "Slack", "chat", Some(5.0), Some(5.0), Some(50.0)),
        ]);
        let fc = fragmented_cost(&tt);
        assert_eq!(fc.len(), 1);
        assert_eq!((fc[0].0.category.as_str(), fc[0].1), ("tracking", 1300.0));
    }

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

    #[test]
    fn overlap_fragmentation_utilisation_and_cost() {
        let rows = vec![
            row(
                "Pay",
                "Jira",
                "tracking",
                Some(10.0),
                Some(9.0),
                Some(1000.0),
            ),
            row(
                "Pay",
                "Linear",
                "tracking",
                Some(10.0),
                Some(2.0),
                Some(800.0),
            ),
            row(
                "Pay",
                "Confluence",
                "docs",
                Some(10.0),
                Some(10.0),
                Some(500.0),
            ),
            row("Web", "Jira", "tracking", Some(5.0), Some(5.0), Some(500.0)),
            row("Web", "Notion", "docs", None, None, None),
            row("Web", "Notion", "docs", Some(4.0), Some(3.0), Some(100.0)),
        ];
        let tt = team_tools(&rows);
        assert_eq!(tt.len(), 5, "two Web/Notion rows are one team × tool");
        let f = fragmented(&tt);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].category, "docs");
        assert_eq!(f[0].tools, vec!["Confluence", "Notion"]);
        assert_eq!(f[1].tools, vec!["Jira", "Linear"]);
        assert_eq!(f[1].teams, vec!["Pay", "Web"]);
        let mut hc = BTreeMap::new();
        hc.insert("Pay".to_string(), 4.0);
        let t = per_team(&tt, &hc);
        assert_eq!(t[0].team, "Pay");
        assert_eq!(t[0].tools, 3);
        assert_eq!(t[0].overlapping, vec!["tracking"]);
        assert_eq!(t[0].annual_cost, Some(2300.0));
        assert_eq!(t[0].cost_per_head, Some(575.0));
        assert_eq!(t[1].overlapping, Vec::<String>::new());
        let u = underused(&tt, 0.8);
        assert_eq!(u.len(), 2);
        assert_eq!((u[0].0.tool.as_str(), u[0].1), ("Linear", 0.2));
        assert_eq!((u[1].0.tool.as_str(), u[1].1), ("Notion", 0.75));
    }
}
