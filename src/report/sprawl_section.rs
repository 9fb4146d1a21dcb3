//! Tool sprawl and process consistency (METRICS.md §7–§8): `tables/tools.csv`,
//! `tables/consistency.csv`, the `tool_sprawl` block of `summary.json`, their charts and
//! their sections.

use super::part::{ChartJob, Parts};
use super::TableId;
use super::{r6, Block, Cell, Section, Table, Takeaway};
use crate::chart;
use crate::chart::ChartId;
use crate::ingest::inventory::{RosterRow, ToolRow};
use crate::metrics::consistency::{self, TeamWorkflow};
use crate::metrics::items::StatusFolds;
use crate::metrics::tool_sprawl::{self, Fragmented, TeamSprawl, TeamTool};
use crate::name::Name;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The columns of `tables/tools.csv`.
pub const TOOLS_COLUMNS: [&str; 8] = [
    "team",
    "tool",
    "category",
    "seats",
    "active_users",
    "utilisation",
    "annual_cost",
    "underused",
];
/// The columns of `tables/tool_teams.csv`.
pub const TOOL_TEAMS_COLUMNS: [&str; 7] = [
    "team",
    "tools",
    "overlapping_categories",
    "annual_cost",
    "cost_per_head",
    "event_sources",
    "tools_per_item",
];
/// The columns of `tables/consistency.csv`.
pub const CONSISTENCY_COLUMNS: [&str; 4] =
    ["team", "statuses", "workflow_similarity", "unique_statuses"];

/// `summary.json` `tool_sprawl`.
#[derive(Debug, Clone, Serialize)]
pub struct SprawlSummary {
    /// Distinct tools in the inventory.
    pub tools: u64,
    /// Fragmented category names, sorted.
    pub fragmented_categories: Vec<String>,
    /// Under-used team × tool pairs.
    pub underused_tools: Vec<UnderusedTool>,
    /// Σ annual cost.
    pub annual_cost: Option<f64>,
}

/// One under-used tool.
#[derive(Debug, Clone, Serialize)]
pub struct UnderusedTool {
    /// Team.
    pub team: String,
    /// Tool.
    pub tool: String,
    /// Σ active users ÷ Σ seats.
    pub utilisation: f64,
}

/// What the sprawl and consistency part computed, for signals, blockers and the summary.
pub struct Sprawl {
    /// The tables, charts, takeaways and sections.
    pub parts: Parts,
    /// `summary.json` `tool_sprawl` (None without an inventory).
    pub summary: Option<SprawlSummary>,
    /// Per-team sprawl (teams with inventory rows).
    pub teams: BTreeMap<String, TeamSprawl>,
    /// Fragmented categories with their annual cost.
    pub fragmented: Vec<(Fragmented, f64)>,
    /// Per-team workflow figures.
    pub workflows: BTreeMap<String, TeamWorkflow>,
}

/// Build the part: tool sprawl from the inventory (METRICS.md §7) and process consistency
/// from the statuses the teams use (§8), as a declared list of pieces.
pub fn build(
    folds: &StatusFolds,
    tools: &[ToolRow],
    roster: &[RosterRow],
    teams: &[String],
    utilisation_threshold: f64,
    utilisation_threshold_similarity: f64,
) -> Sprawl {
    let tt: Vec<TeamTool> = tool_sprawl::team_tools(tools);
    let headcount = tool_sprawl::headcount(roster);
    let per_team: BTreeMap<String, TeamSprawl> = tool_sprawl::per_team(&tt, &headcount)
        .into_iter()
        .map(|t| (t.team.clone(), t))
        .collect();
    let frag_cost: Vec<(Fragmented, f64)> = tool_sprawl::fragmented_cost(&tt);
    let under = tool_sprawl::underused(&tt, utilisation_threshold);
    let (core, analysed) = consistency_of(&folds.workflows);
    let consistency = consistency_takeaway(&core, &analysed);
    let parts = Parts::join([
        Parts {
            tables: vec![
                tools_table(&tt, utilisation_threshold),
                tool_teams_table(&folds.sources, teams, &per_team),
                consistency_table(&analysed),
            ],
            takeaways: vec![consistency.clone()],
            ..Parts::default()
        },
        tools_part(&tt, &per_team, &frag_cost, &under, utilisation_threshold),
        consistency_part(
            &core,
            &analysed,
            consistency,
            utilisation_threshold_similarity,
        ),
    ]);
    Sprawl {
        parts,
        summary: summary(&tt, &frag_cost, &under),
        teams: per_team,
        fragmented: frag_cost,
        workflows: analysed.into_iter().map(|t| (t.team.clone(), t)).collect(),
    }
}

/// `tables/tools.csv`.
fn tools_table(tt: &[TeamTool], utilisation_threshold: f64) -> Table {
    Table {
        name: TableId::Tools,
        header: TOOLS_COLUMNS.to_vec(),
        rows: tt
            .iter()
            .map(|t| {
                let u = t.utilisation();
                vec![
                    Cell::from(t.team.as_str()),
                    Cell::from(t.tool.as_str()),
                    Cell::from(t.category.as_str()),
                    Cell::from(t.seats),
                    Cell::from(t.active_users),
                    Cell::from(u.map(r6)),
                    Cell::from(t.annual_cost.map(r6)),
                    Cell::from(u.map(|u| {
                        if u < utilisation_threshold {
                            "true"
                        } else {
                            "false"
                        }
                    })),
                ]
            })
            .collect(),
    }
}

/// `tables/tool_teams.csv`: each team's tools, overlaps and costs, and the tools its items
/// passed through.
fn tool_teams_table(
    sources: &rustc_hash::FxHashMap<Name, (rustc_hash::FxHashSet<Name>, u64, u64)>,
    teams: &[String],
    per_team: &BTreeMap<String, TeamSprawl>,
) -> Table {
    // Tools per item from event sources (folded as the items were computed), mean per team.

    Table {
        name: TableId::ToolTeams,
        header: TOOL_TEAMS_COLUMNS.to_vec(),
        rows: teams
            .iter()
            .map(|team| {
                let s = per_team.get(team);
                let src = sources.get(team.as_str());
                vec![
                    Cell::from(team.as_str()),
                    Cell::from(s.map(|s| s.tools)),
                    Cell::from(s.map(|s| s.overlapping.join("; "))),
                    Cell::from(s.and_then(|s| s.annual_cost).map(r6)),
                    Cell::from(s.and_then(|s| s.cost_per_head).map(r6)),
                    Cell::from(src.map(|x| x.0.len() as u64)),
                    Cell::from(src.filter(|x| x.2 > 0).map(|x| r6(x.1 as f64 / x.2 as f64))),
                ]
            })
            .collect(),
    }
}

/// The core workflow and each team's similarity to it, over the teams with items in scope.
fn consistency_of(
    workflows: &rustc_hash::FxHashMap<Name, rustc_hash::FxHashSet<Name>>,
) -> (BTreeSet<String>, Vec<TeamWorkflow>) {
    let wf: BTreeMap<String, BTreeSet<String>> = workflows
        .iter()
        .map(|(t, s)| (t.to_string(), s.iter().map(Name::to_string).collect()))
        .collect();
    consistency::analyse(&wf)
}

/// `tables/consistency.csv`.
fn consistency_table(analysed: &[TeamWorkflow]) -> Table {
    Table {
        name: TableId::Consistency,
        header: CONSISTENCY_COLUMNS.to_vec(),
        rows: analysed
            .iter()
            .map(|t| {
                vec![
                    Cell::from(t.team.as_str()),
                    Cell::from(t.statuses.len() as u64),
                    Cell::from(t.similarity.map(r6)),
                    Cell::from(t.unique.join("; ")),
                ]
            })
            .collect(),
    }
}

/// The consistency takeaway.
fn consistency_takeaway(core: &BTreeSet<String>, analysed: &[TeamWorkflow]) -> Takeaway {
    let divergent: Vec<&TeamWorkflow> = analysed
        .iter()
        .filter(|t| t.similarity.is_some_and(|s| s < 0.5))
        .collect();
    Takeaway {
        about: "consistency".into(),
        text: if divergent.is_empty() {
            format!("Every team's workflow is close to the shared core ({} statuses used by at least half of the teams).", core.len())
        } else {
            format!(
                "{} of {} teams work differently from the shared core of {} statuses: {}.",
                divergent.len(),
                analysed.len(),
                core.len(),
                divergent
                    .iter()
                    .map(|t| t.team.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    }
}

/// `summary.json` `tool_sprawl` (None without an inventory).
fn summary(
    tt: &[TeamTool],
    frag_cost: &[(Fragmented, f64)],
    under: &[(&TeamTool, f64)],
) -> Option<SprawlSummary> {
    let frag: Vec<&Fragmented> = frag_cost.iter().map(|(f, _)| f).collect();
    (!tt.is_empty()).then(|| SprawlSummary {
        tools: tt
            .iter()
            .map(|t| t.tool.as_str())
            .collect::<BTreeSet<_>>()
            .len() as u64,
        fragmented_categories: frag.iter().map(|f| f.category.clone()).collect(),
        underused_tools: under
            .iter()
            .map(|(t, u)| UnderusedTool {
                team: t.team.clone(),
                tool: t.tool.clone(),
                utilisation: r6(*u),
            })
            .collect(),
        annual_cost: {
            let c: Vec<f64> = tt.iter().filter_map(|t| t.annual_cost).collect();
            (!c.is_empty()).then(|| r6(c.iter().sum()))
        },
    })
}

/// The tools section with its three charts and their takeaways.
fn tools_part(
    tt: &[TeamTool],
    per_team: &BTreeMap<String, TeamSprawl>,
    frag_cost: &[(Fragmented, f64)],
    under: &[(&TeamTool, f64)],
    utilisation_threshold: f64,
) -> Parts {
    let mut p = Parts::default();
    let blocks = if tt.is_empty() {
        vec![Block::Paragraph("No tool inventory was given (pass --tools FILE or put a team,tool,category CSV among the inputs), so tool metrics have no data.".into())]
    } else {
        p.charts = tools_charts(tt, per_team, utilisation_threshold);
        let fr = fragmented_lines(frag_cost);
        p.takeaways = tools_takeaways(tt, per_team, &fr, under);
        tools_blocks(fr)
    };
    p.sections.push(Section {
        id: "tools",
        title: "Tools".into(),
        blocks,
    });
    p
}

/// The tools charts: tools per team, the category × team matrix and licence utilisation.
fn tools_charts(
    tt: &[TeamTool],
    per_team: &BTreeMap<String, TeamSprawl>,
    utilisation_threshold: f64,
) -> Vec<ChartJob> {
    let matrix = Matrix::of(tt, per_team);
    let stacks: Vec<(String, Vec<(String, u64)>)> = per_team
        .values()
        .map(|t| {
            (
                t.team.clone(),
                t.by_category
                    .iter()
                    .map(|(c, s)| (c.clone(), s.len() as u64))
                    .collect(),
            )
        })
        .collect();
    let util: Vec<(String, f64)> = tt
        .iter()
        .filter_map(|t| Some((format!("{} · {}", t.team, t.tool), t.utilisation()?)))
        .collect();
    vec![
        Box::new(move || chart::tools_per_team(&stacks)),
        Box::new(move || chart::category_team_matrix(&matrix.cats, &matrix.teams, &matrix.cells)),
        Box::new(move || chart::utilisation(&util, utilisation_threshold)),
    ]
}

/// The category × team matrix of the inventory.
struct Matrix {
    /// The categories, sorted.
    cats: Vec<String>,
    /// The teams with inventory rows.
    teams: Vec<String>,
    /// Per category, per team: the tools it uses for that category.
    cells: Vec<Vec<Vec<String>>>,
}

impl Matrix {
    /// The matrix of the teams' tools per category.
    fn of(tt: &[TeamTool], per_team: &BTreeMap<String, TeamSprawl>) -> Matrix {
        let cats: Vec<String> = tt
            .iter()
            .map(|t| t.category.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let inv_teams: Vec<String> = per_team.keys().cloned().collect();
        let cells: Vec<Vec<Vec<String>>> = cats
            .iter()
            .map(|c| {
                inv_teams
                    .iter()
                    .map(|t| {
                        per_team[t]
                            .by_category
                            .get(c)
                            .map(|s| s.iter().cloned().collect())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect();
        Matrix {
            cats,
            teams: inv_teams,
            cells,
        }
    }
}

/// Each fragmented category in words: its tools, teams and annual cost.
fn fragmented_lines(frag_cost: &[(Fragmented, f64)]) -> Vec<String> {
    frag_cost
        .iter()
        .map(|(f, c)| {
            format!(
                "{}: {} tools ({}) across {} teams, {} a year",
                f.category,
                f.tools.len(),
                f.tools.join(", "),
                f.teams.len(),
                super::text::human(*c)
            )
        })
        .collect()
}

/// The takeaways of the category matrix, utilisation and tools-per-team charts.
fn tools_takeaways(
    tt: &[TeamTool],
    per_team: &BTreeMap<String, TeamSprawl>,
    fr: &[String],
    under: &[(&TeamTool, f64)],
) -> Vec<Takeaway> {
    let total_tools = tt
        .iter()
        .map(|t| t.tool.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    vec![
        Takeaway {
            about: "category_team_matrix".into(),
            text: if fr.is_empty() {
                "Every category runs on a single tool across the organisation.".into()
            } else {
                format!("{} categories are fragmented across teams.", fr.len())
            },
        },
        Takeaway {
            about: "utilisation".into(),
            text: if under.is_empty() {
                "Every licence is used by at least 80% of its seats.".into()
            } else {
                format!(
                    "{} team × tool licences are under-used; the lowest is {} at {:.0}%.",
                    under.len(),
                    format!("{} · {}", under[0].0.team, under[0].0.tool),
                    under[0].1 * 100.0
                )
            },
        },
        Takeaway {
            about: "tools_per_team".into(),
            text: format!("{} distinct tools across {} teams; {} teams use two or more tools for the same job.", total_tools, per_team.len(), per_team.values().filter(|t| !t.overlapping.is_empty()).count()),
        },
    ]
}

/// The tools section's blocks with an inventory: the charts, the fragmented categories `fr`
/// (if any) and the teams' table.
fn tools_blocks(fr: Vec<String>) -> Vec<Block> {
    let mut blocks = vec![
        Block::Chart(ChartId::ToolsPerTeam),
        Block::Chart(ChartId::CategoryTeamMatrix),
    ];
    if !fr.is_empty() {
        blocks.push(Block::Paragraph(
            "Fragmented categories (the teams together use two or more tools for the same job):"
                .into(),
        ));
        blocks.push(Block::List(fr));
    }
    blocks.push(Block::Chart(ChartId::Utilisation));
    blocks.push(Block::Table {
        name: TableId::ToolTeams,
        limit: 100,
    });
    blocks
}

/// The process consistency section with the workflow-similarity chart.
fn consistency_part(
    core: &BTreeSet<String>,
    analysed: &[TeamWorkflow],
    consistency: Takeaway,
    utilisation_threshold_similarity: f64,
) -> Parts {
    let mut p = Parts::default();
    let mut cblocks = vec![Block::Paragraph(format!(
        "The core workflow is the set of statuses used by at least half of the teams: {}. Similarity is the overlap of a team's statuses with it (Jaccard, 1 = identical).",
        core.iter().cloned().collect::<Vec<_>>().join(", ")
    ))];
    let sims: Vec<(String, f64)> = analysed
        .iter()
        .filter_map(|t| Some((t.team.clone(), t.similarity?)))
        .collect();
    let threshold = utilisation_threshold_similarity;
    p.charts.push(Box::new(move || {
        chart::workflow_similarity(&sims, threshold)
    }));
    p.takeaways.push(Takeaway {
        about: "workflow_similarity".into(),
        text: consistency.text,
    });
    cblocks.push(Block::Chart(ChartId::WorkflowSimilarity));
    cblocks.push(Block::Table {
        name: TableId::Consistency,
        limit: 100,
    });
    p.sections.push(Section {
        id: "consistency",
        title: "Process consistency".into(),
        blocks: cblocks,
    });
    p
}
