//! The report model and its renderers (hyperfine's Exporter pattern): [`Report`] holds every
//! figure, table and chart of an audit; each renderer is a pure function from `&Report` to
//! bytes; only `app` writes files.

pub mod build;
pub mod business_section;
pub mod comparison;
pub mod core;
pub mod csv;
mod executive_notes;
pub mod flow;
pub mod handoff_section;
pub mod html;
pub mod json;
pub mod markdown;
pub mod part;
pub mod scope;
mod shared;
pub mod sprawl_section;
pub mod status_time_section;
pub mod teams;
pub mod text;
pub mod trend_section;
pub mod verdict_section;

use crate::chart::Chart;
use crate::ingest::InputSummary;
use crate::metrics::items::ItemRecord;
use crate::metrics::percentiles::Stats;
use crate::status::StatusMapRow;
use crate::warning::WarningEntry;
use serde::Serialize;

/// `summary.json` schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// Round a float to 6 decimals (INTERFACE.md: floats are written with at most 6).
pub fn r6(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Round an optional float.
pub fn r6o(x: Option<f64>) -> Option<f64> {
    x.map(r6)
}

/// Round every figure of a [`Stats`].
pub fn r6s(s: Stats) -> Stats {
    Stats {
        n: s.n,
        mean: r6o(s.mean),
        p50: r6o(s.p50),
        p85: r6o(s.p85),
        p95: r6o(s.p95),
    }
}

/// The audit period (RFC 3339 UTC).
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// Start (inclusive), null without a period.
    pub from: Option<String>,
    /// End (exclusive), null without a period.
    pub to: Option<String>,
    /// The audit instant.
    pub as_of: String,
}

/// Item counts.
#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    /// Items in scope.
    pub items: u64,
    /// Events of the items in scope (up to `as_of`).
    pub events: u64,
    /// Teams of the audit.
    pub teams: u64,
    /// Items in scope done.
    pub done: u64,
    /// Items in scope canceled.
    pub canceled: u64,
    /// Items in scope open.
    pub open: u64,
}

/// Weekly throughput summary.
#[derive(Debug, Clone, Serialize)]
pub struct ThroughputSummary {
    /// Mean done items per week.
    pub mean: Option<f64>,
    /// Median done items per week.
    pub p50: Option<f64>,
}

/// Handoff summary.
#[derive(Debug, Clone, Serialize)]
pub struct HandoffSummary {
    /// Mean team handoffs per item in scope.
    pub per_item: Option<f64>,
    /// Σ team handoffs.
    pub team_handoffs_total: u64,
    /// Items with ≥ 1 team handoff ÷ items.
    pub team_change_rate: Option<f64>,
    /// Items with ≥ 1 ping-pong ÷ items.
    pub ping_pong_rate: Option<f64>,
}

/// One team's figures (`summary.json` `teams`, `tables/teams.csv`).
#[derive(Debug, Clone, Serialize)]
pub struct TeamSummary {
    /// Team name.
    pub team: String,
    /// Items in scope whose team this is.
    pub items: u64,
    /// Of those, done.
    pub done: u64,
    /// Items done in the period (the sample its signals are judged on).
    pub finished: u64,
    /// Has at least `[evidence] min_team_finished` items done in the period: its signals
    /// are judged and it counts in the verdict (METRICS.md §12).
    pub judged: bool,
    /// Lead time stats of its done items in the period.
    pub lead_time_days: Stats,
    /// Cycle time stats.
    pub cycle_time_days: Stats,
    /// Aggregate flow efficiency.
    pub flow_efficiency: Option<f64>,
    /// Mean team handoffs.
    pub handoffs_per_item: Option<f64>,
    /// Team change rate.
    pub team_change_rate: Option<f64>,
    /// Ping-pong rate.
    pub ping_pong_rate: Option<f64>,
    /// Reopen rate.
    pub reopen_rate: Option<f64>,
    /// Items in a committed category at `as_of`.
    pub wip: u64,
    /// WIP items older than the team's p85 cycle time.
    pub at_risk: u64,
    /// Workflow similarity (process consistency).
    pub workflow_similarity: Option<f64>,
    /// Fired signal ids.
    pub signals: Option<Vec<String>>,
    /// Every signal's state (fired, not fired, or no data), for `tables/teams.csv`.
    #[serde(skip)]
    pub signal_states: Vec<(crate::metrics::signals::SignalId, Option<bool>)>,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Schema version.
    pub schema_version: u32,
    /// flowaudit version.
    pub tool_version: String,
    /// What was read.
    pub inputs: Vec<InputSummary>,
    /// Period and `as_of`.
    pub period: Period,
    /// Counts.
    pub counts: Counts,
    /// Lead time stats.
    pub lead_time_days: Stats,
    /// Cycle time stats.
    pub cycle_time_days: Stats,
    /// Case duration stats (items in scope).
    pub case_duration_days: Stats,
    /// Aggregate flow efficiency.
    pub flow_efficiency: Option<f64>,
    /// Weekly throughput.
    pub throughput_per_week: ThroughputSummary,
    /// Handoffs.
    pub handoffs: HandoffSummary,
    /// Reopen rate.
    pub reopen_rate: Option<f64>,
    /// Tool sprawl (null without a tool inventory).
    pub tool_sprawl: Option<sprawl_section::SprawlSummary>,
    /// The product-ops recommendation.
    pub recommendation: Option<verdict_section::Recommendation>,
    /// The business case behind the verdict (METRICS.md §13).
    pub business_case: crate::metrics::business_case::BusinessCase,
    /// Per-team figures.
    pub teams: Vec<TeamSummary>,
    /// Data-quality warnings.
    pub warnings: Vec<WarningEntry>,
    /// A multi-period audit's changes between consecutive periods (METRICS.md §14); absent
    /// for a single period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Vec<TrendChange>>,
}

impl Summary {
    /// The report header's teams: their count, and how many of them finished enough items to
    /// be judged when that is fewer ("476 teams, 119 of them judged"), so that the verdict's
    /// count of teams is not read as a contradiction of the header's.
    pub fn teams_phrase(&self) -> String {
        let judged = self.teams.iter().filter(|t| t.judged).count() as u64;
        if judged < self.counts.teams && !self.teams.is_empty() {
            format!(
                "{} teams, {judged} of them with enough finished items to be judged",
                self.counts.teams
            )
        } else {
            format!("{} teams", self.counts.teams)
        }
    }
}

/// One figure's change between two consecutive periods, in `summary.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrendChange {
    /// The earlier period.
    pub from_period: String,
    /// The later period.
    pub to_period: String,
    /// Team, or `*` for the organisation.
    pub team: String,
    /// Figure id.
    pub figure: &'static str,
    /// Value in each period.
    pub values: [Option<f64>; 2],
    /// Values (items, or weeks for throughput) behind each.
    pub n: [u64; 2],
    /// value(to) − value(from).
    pub change: Option<f64>,
    /// Its bootstrap interval.
    pub interval: Option<[f64; 2]>,
    /// better, worse, no clear change, too few items to tell.
    pub verdict: &'static str,
}

/// Every table the report writes (`tables/<name>.csv`): `Block::Table` names one, so a typo
/// is a compile error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableId {
    /// `tables/throughput.csv`.
    Throughput,
    /// `tables/cfd.csv`.
    Cfd,
    /// `tables/net_flow.csv`.
    NetFlow,
    /// `tables/status_time.csv`.
    StatusTime,
    /// `tables/status_map.csv`.
    StatusMap,
    /// `tables/jira_time_in_status.csv`.
    JiraTimeInStatus,
    /// `tables/jira_time_in_status_totals.csv`.
    JiraTimeInStatusTotals,
    /// `tables/aging.csv`.
    Aging,
    /// `tables/forecasts.csv`.
    Forecasts,
    /// `tables/handoff_matrix.csv`.
    HandoffMatrix,
    /// `tables/handover_pairs.csv`.
    HandoverPairs,
    /// `tables/ping_pong_pairs.csv`.
    PingPongPairs,
    /// `tables/handoff_cost.csv`.
    HandoffCost,
    /// `tables/teams.csv`.
    Teams,
    /// `tables/signals.csv`.
    Signals,
    /// `tables/blockers.csv`.
    Blockers,
    /// `tables/blocker_items.csv`.
    BlockerItems,
    /// `tables/evidence.csv`.
    Evidence,
    /// `tables/business_case.csv`.
    BusinessCase,
    /// `tables/tools.csv`.
    Tools,
    /// `tables/tool_teams.csv`.
    ToolTeams,
    /// `tables/consistency.csv`.
    Consistency,
    /// `tables/comparison.csv`.
    Comparison,
    /// `trend` (multi-period audits).
    Trend,
    /// `trend_changes` (multi-period audits).
    TrendChanges,
}

impl TableId {
    /// The columns of the table's CSV, declared once beside the part that writes it.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            TableId::Aging => &flow::AGING_COLUMNS,
            TableId::BlockerItems => &verdict_section::BLOCKER_ITEMS_COLUMNS,
            TableId::Blockers => &verdict_section::BLOCKERS_COLUMNS,
            TableId::BusinessCase => &business_section::BUSINESS_CASE_COLUMNS,
            TableId::Cfd => &flow::CFD_COLUMNS,
            TableId::Comparison => &comparison::COMPARISON_COLUMNS,
            TableId::Consistency => &sprawl_section::CONSISTENCY_COLUMNS,
            TableId::Evidence => &verdict_section::EVIDENCE_COLUMNS,
            TableId::Forecasts => &flow::FORECASTS_COLUMNS,
            TableId::HandoffCost => &handoff_section::HANDOFF_COST_COLUMNS,
            TableId::HandoffMatrix => &handoff_section::HANDOFF_MATRIX_COLUMNS,
            TableId::HandoverPairs => &handoff_section::HANDOVER_PAIRS_COLUMNS,
            TableId::JiraTimeInStatus => &status_time_section::JIRA_TIME_IN_STATUS_COLUMNS,
            TableId::JiraTimeInStatusTotals => {
                &status_time_section::JIRA_TIME_IN_STATUS_TOTALS_COLUMNS
            }
            TableId::NetFlow => &flow::NET_FLOW_COLUMNS,
            TableId::PingPongPairs => &handoff_section::PING_PONG_PAIRS_COLUMNS,
            TableId::Signals => &verdict_section::SIGNALS_COLUMNS,
            TableId::StatusMap => &build::STATUS_MAP_COLUMNS,
            TableId::StatusTime => &build::STATUS_TIME_COLUMNS,
            TableId::Teams => teams::teams_columns(),
            TableId::Throughput => &build::THROUGHPUT_COLUMNS,
            TableId::ToolTeams => &sprawl_section::TOOL_TEAMS_COLUMNS,
            TableId::Tools => &sprawl_section::TOOLS_COLUMNS,
            TableId::Trend => &trend_section::TREND_COLUMNS,
            TableId::TrendChanges => &trend_section::TREND_CHANGES_COLUMNS,
        }
    }

    /// Every table.
    pub const ALL: [TableId; 25] = [
        TableId::Throughput,
        TableId::Cfd,
        TableId::NetFlow,
        TableId::StatusTime,
        TableId::StatusMap,
        TableId::JiraTimeInStatus,
        TableId::JiraTimeInStatusTotals,
        TableId::Aging,
        TableId::Forecasts,
        TableId::HandoffMatrix,
        TableId::HandoverPairs,
        TableId::PingPongPairs,
        TableId::HandoffCost,
        TableId::Teams,
        TableId::Signals,
        TableId::Blockers,
        TableId::BlockerItems,
        TableId::Evidence,
        TableId::BusinessCase,
        TableId::Tools,
        TableId::ToolTeams,
        TableId::Consistency,
        TableId::Comparison,
        TableId::Trend,
        TableId::TrendChanges,
    ];

    /// The file stem.
    pub fn name(self) -> &'static str {
        match self {
            TableId::Throughput => "throughput",
            TableId::Cfd => "cfd",
            TableId::NetFlow => "net_flow",
            TableId::StatusTime => "status_time",
            TableId::StatusMap => "status_map",
            TableId::JiraTimeInStatus => "jira_time_in_status",
            TableId::JiraTimeInStatusTotals => "jira_time_in_status_totals",
            TableId::Aging => "aging",
            TableId::Forecasts => "forecasts",
            TableId::HandoffMatrix => "handoff_matrix",
            TableId::HandoverPairs => "handover_pairs",
            TableId::PingPongPairs => "ping_pong_pairs",
            TableId::HandoffCost => "handoff_cost",
            TableId::Teams => "teams",
            TableId::Signals => "signals",
            TableId::Blockers => "blockers",
            TableId::BlockerItems => "blocker_items",
            TableId::Evidence => "evidence",
            TableId::BusinessCase => "business_case",
            TableId::Tools => "tools",
            TableId::ToolTeams => "tool_teams",
            TableId::Consistency => "consistency",
            TableId::Comparison => "comparison",
            TableId::Trend => "trend",
            TableId::TrendChanges => "trend_changes",
        }
    }
}

impl std::fmt::Display for TableId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A table of the report: a name (file stem under `tables/`), a header and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Which table (its file stem).
    pub name: TableId,
    /// Column names.
    pub header: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// A table with a row per item behind each of a few groups, kept as each group's leading
/// cells and its item ids and expanded only as it is written (`tables/blocker_items.csv`: a
/// row per item of each finding, ~1.8M rows at 10M events, which as cells took ~300 MB;
/// docs/BOUNDED-MEMORY.md). Written as CSV only, never shown in the report's pages.
#[derive(Debug, Clone, PartialEq)]
pub struct RunTable {
    /// Which table (its file stem).
    pub name: TableId,
    /// Column names: the leading cells' columns, then the item id's.
    pub header: Vec<&'static str>,
    /// Runs of rows: the cells every row of the run starts with, and one id per row.
    pub runs: Vec<(Vec<Cell>, std::sync::Arc<crate::metrics::blockers::ItemIds>)>,
}

/// A table with a row per group and week (`tables/throughput.csv`: `week_start, team, done`),
/// kept as each group's counts on the one week grid and expanded only as written. A row per
/// team and week is ~140,000 rows for the ~476 support groups of BPIC 2013 incidents; as cells
/// they took ~17 MB and most of the time of the teams' figures. Written as CSV only, never
/// shown in the report's pages.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekTable {
    /// Which table (its file stem).
    pub name: TableId,
    /// Column names: the week, the group, the count.
    pub header: Vec<&'static str>,
    /// The grid's weeks as written (`YYYY-MM-DD`).
    pub weeks: Vec<String>,
    /// Each group, in the order written, with its count in each week of the grid.
    pub groups: Vec<(String, Vec<u64>)>,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (escaped and formula-neutralised by renderers).
    Text(String),
    /// Integer.
    Int(i64),
    /// Float (written with at most 6 decimals).
    Float(f64),
    /// Empty (null).
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<u64> for Cell {
    fn from(v: u64) -> Self {
        Cell::Int(v as i64)
    }
}
impl From<u32> for Cell {
    fn from(v: u32) -> Self {
        Cell::Int(v as i64)
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Float(v)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// A finding written from the data, shown under a chart or in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Takeaway {
    /// Chart or section name.
    pub about: String,
    /// The sentence.
    pub text: String,
}

/// A block of a report section, rendered the same way by HTML and Markdown.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A chart, with its takeaway as caption.
    Chart(crate::chart::ChartId),
    /// A table, showing at most `limit` rows (the CSV has all).
    Table {
        /// Which table.
        name: TableId,
        /// Rows shown.
        limit: usize,
    },
    /// A paragraph of prose (plain text, escaped by renderers).
    Paragraph(String),
    /// A bulleted list (plain text items).
    List(Vec<String>),
    /// The headline figures (cards with their change since the previous period).
    Headline,
    /// A sub-heading inside a section (plain text).
    Subheading(String),
}

/// A section of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Anchor id.
    pub id: &'static str,
    /// Heading.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// One headline figure with its change since the previous period.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// What it is.
    pub label: String,
    /// Formatted value.
    pub value: String,
    /// Formatted change since the previous period ("+1.2 days", "−3 pts"), when a period was given.
    pub change: Option<String>,
}

/// The whole audit.
pub struct Report {
    /// Headline figures (executive summary), with changes since the previous period.
    pub headline: Vec<Headline>,
    /// Sections after the headline, in order.
    pub sections: Vec<Section>,
    /// `summary.json`.
    pub summary: Summary,
    /// Per-item records (listed items: in scope plus open at `as_of`), by item id.
    pub items: Vec<ItemRecord>,
    /// Every table the report shows.
    pub tables: Vec<Table>,
    /// The tables written as runs ([`RunTable`]).
    pub run_tables: Vec<RunTable>,
    /// The tables written from weekly counts ([`WeekTable`]).
    pub week_tables: Vec<WeekTable>,
    /// The people who held each team's items in scope (for the trend across periods).
    pub people: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    /// The statuses each team's items in scope were in during the period (for the trend's
    /// workflow changes, METRICS.md §14).
    pub team_statuses: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Every chart.
    pub charts: Vec<Chart>,
    /// The status mapping used.
    pub status_map: Vec<StatusMapRow>,
    /// One-line takeaways, by chart name.
    pub takeaways: Vec<Takeaway>,
}

impl Report {
    /// A table.
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == id)
    }

    /// A table written from weekly counts.
    pub fn week_table(&self, id: TableId) -> Option<&WeekTable> {
        self.week_tables.iter().find(|t| t.name == id)
    }

    /// A chart.
    pub fn chart(&self, id: crate::chart::ChartId) -> Option<&Chart> {
        self.charts.iter().find(|c| c.name == id.name())
    }

    /// The takeaway for a chart or section.
    pub fn takeaway(&self, about: &str) -> Option<&str> {
        self.takeaways
            .iter()
            .find(|t| t.about == about)
            .map(|t| t.text.as_str())
    }
}

/// A renderer turns a report into the bytes of one output file.
pub trait Renderer {
    /// Render.
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_ids_are_unique_file_stems() {
        let names: std::collections::BTreeSet<&str> =
            TableId::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(names.len(), TableId::ALL.len());
        assert_eq!(TableId::BusinessCase.to_string(), "business_case");
    }
}
