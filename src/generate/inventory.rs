//! The tool inventory: tools with illustrative list prices, the realistic rows per team, and
//! the rows a scenario plans (one tool per category unless it plants fragmentation).

use super::org::Org;
use super::random::Rng;
use super::scenario::TeamPlan;
use super::tools::*;
use super::STREAM_INVENTORY;

pub(super) struct Row {
    pub(super) tool: Tool,
    pub(super) seats: u64,
    pub(super) active: u64,
}

/// Rows per team, in team order. Growth trials Linear beside Jira (few active users); two
/// teams add a second docs or CI tool; one more licence somewhere is under-used; every other
/// licence is at least 80 % used.
pub(super) fn realistic(org: &Org, seed: u64) -> Vec<Vec<Row>> {
    let mut rng = Rng::new(seed, STREAM_INVENTORY, 0);
    let n = org.teams.len();
    let a = rng.below(n);
    let b = if n > 1 {
        (a + 1 + rng.below(n - 1)) % n
    } else {
        a
    };
    let mut all: Vec<Vec<Row>> = Vec::with_capacity(n);
    for (i, team) in org.teams.iter().enumerate() {
        let (growth, platform) = (team.template == 5, team.template == 3);
        let mut tools = if growth {
            vec![JIRA, LINEAR, GITHUB, SLACK, NOTION]
        } else {
            vec![JIRA, GITHUB, SLACK, CONFLUENCE]
        };
        let ci = if platform { JENKINS } else { GITHUB_ACTIONS };
        if (i == a || i == b) && rng.chance(0.5) {
            tools.push(if growth {
                GOOGLE_DOCS
            } else {
                [NOTION, GOOGLE_DOCS][rng.below(2)]
            });
        } else if i == a || i == b {
            tools.extend([ci, CIRCLECI]);
        }
        if !tools.iter().any(|t| t.category == "ci") && rng.chance(0.9) {
            tools.push(ci);
        }
        if rng.chance(0.6) {
            tools.push(FIGMA);
        }
        if platform || rng.chance(0.5) {
            tools.push(if platform { GRAFANA } else { DATADOG });
        }
        if rng.chance(0.35) {
            tools.push(if team.template == 11 {
                AHA
            } else {
                PRODUCTBOARD
            });
        }
        tools.truncate(7);
        let hc = team.members.len() as u64;
        let rows = tools.into_iter().map(|tool| {
            let seats = if tool.category == "design" {
                1 + hc / 3
            } else {
                hc + rng.range(0, hc / 4)
            };
            let active = if tool.name == "Linear" {
                seats / 3
            } else {
                rng.range((4 * seats).div_ceil(5), seats)
            };
            Row {
                tool,
                seats,
                active,
            }
        });
        all.push(rows.collect());
    }
    let core = |r: &Row| {
        matches!(
            r.tool.category,
            "issue tracking" | "source control" | "chat"
        )
    };
    let spare: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (0..all[i].len()).map(move |j| (i, j)))
        .filter(|&(i, j)| !core(&all[i][j]))
        .collect();
    let (i, j) = spare[rng.below(spare.len())];
    all[i][j].active = all[i][j].seats * rng.range(30, 65) / 100;
    all
}

/// Rows per team as the scenario plans them: the plan's tools, seats = head count plus up to a
/// quarter (design: a third of the team plus one), every licence at least 90 % used except the
/// plan's under-used tool, which gets half its seats (utilisation ≤ 0.5 < 0.8).
pub(super) fn planned(org: &Org, plans: &[TeamPlan], seed: u64) -> Vec<Vec<Row>> {
    let mut rng = Rng::new(seed, STREAM_INVENTORY, 0);
    let mut all = Vec::with_capacity(plans.len());
    for (team, plan) in org.teams.iter().zip(plans) {
        let hc = team.members.len() as u64;
        let rows = plan.tools.iter().map(|&tool| {
            let seats = if tool.category == "design" {
                1 + hc / 3
            } else {
                hc + rng.range(0, hc / 4)
            };
            let active = if plan.underused == Some(tool.name) {
                seats / 2
            } else {
                rng.range((9 * seats).div_ceil(10), seats)
            };
            Row {
                tool,
                seats,
                active,
            }
        });
        all.push(rows.collect());
    }
    all
}
