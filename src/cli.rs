//! Command-line arguments (clap derive only). No I/O here: `config` turns these into a
//! typed [`crate::config::Config`] that the core sees; the core never sees clap.

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Audit how product and engineering teams work, from the exports they already have.
#[derive(Debug, Parser)]
#[command(
    name = "flowaudit",
    version,
    about = "Audit how product and engineering teams work: flow, handoffs, rework, tool sprawl, and whether a product-operations role is justified.",
    long_about = None,
    after_help = "Examples:\n  flowaudit audit                                  # audit the bundled sample-data/ into reports/\n  flowaudit audit events.csv --quarter 2024Q3 --out q3/\n  flowaudit audit helpdesk.xes.gz --as-of 2014-01-01T00:00:00Z\n  flowaudit generate --out sample-data             # the seeded synthetic organisation\n  flowaudit formats                                # the input formats read"
)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit one or more exports and write the report folder.
    #[command(
        after_help = "Examples:\n  flowaudit audit\n      Audit the bundled sample-data/ and write reports/.\n  flowaudit audit jira/ github/ --tools tools.csv --roster roster.csv --out audit-q3 --quarter 2024Q3\n      Merge several exports into one audit of the third quarter of 2024.\n  flowaudit audit log.xes.gz --as-of 2013-06-01T00:00:00Z --explain-statuses\n      Audit a process-mining log and print the status mapping that was used.\n\nExit status: 0 success, 1 the input could not be audited (the message names the file,\nthe record, the field and the value), 2 usage error."
    )]
    Audit(AuditArgs),
    /// Write a seeded synthetic organisation (events, tool inventory, roster).
    #[command(
        after_help = "Examples:\n  flowaudit generate --out sample-data\n  flowaudit generate --events 1000000 --seed 7 --out /tmp/big"
    )]
    Generate(GenerateArgs),
    /// List the input formats flowaudit reads.
    Formats,
}

/// Arguments of `flowaudit audit`.
#[derive(Debug, ClapArgs)]
pub struct AuditArgs {
    /// Input files or folders (every supported file inside a folder). Default: sample-data/.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Config file (TOML): status mapping, roster, thresholds.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output folder, written atomically.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Start of the period (inclusive): a date (local midnight in --tz) or an RFC 3339 instant.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// End of the period (exclusive).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// A calendar quarter as the period, e.g. 2024Q3.
    #[arg(long, value_name = "YYYYQn", conflicts_with_all = ["from", "to"])]
    pub quarter: Option<String>,
    /// The instant the audit is taken at (default: the end of the period, else the latest event).
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Force the input format instead of detecting it from content.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Tool inventory CSV (team,tool,category[,seats,active_users,annual_cost]).
    #[arg(long, value_name = "FILE")]
    pub tools: Option<PathBuf>,
    /// Roster CSV (person,team[,headcount]).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Report time zone (IANA name): days and weeks are cut here; offset-less times are read here.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// Turn data-quality warnings into errors.
    #[arg(long)]
    pub strict: bool,
    /// No progress display.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the status → category mapping that was used (and the statuses that fell back).
    #[arg(long)]
    pub explain_statuses: bool,
}

/// Arguments of `flowaudit generate`.
#[derive(Debug, ClapArgs)]
pub struct GenerateArgs {
    /// Output folder for events.csv, tools.csv and roster.csv.
    #[arg(long, value_name = "DIR", default_value = "sample-data")]
    pub out: PathBuf,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of work items.
    #[arg(long, default_value_t = 600)]
    pub items: usize,
    /// Number of teams.
    #[arg(long, default_value_t = 6)]
    pub teams: usize,
    /// Generate about this many events instead (10 teams, ~8 events per item).
    #[arg(long, conflicts_with_all = ["items", "teams"])]
    pub events: Option<usize>,
    /// An organisation with planted problems (issue 7); `small`, `middling` and `sprawling`
    /// fix the number of teams (3, 5, 10), the other planted ones use at least 4.
    #[arg(long, value_enum, default_value = "realistic")]
    pub scenario: ScenarioArg,
}

/// Organisations `flowaudit generate --scenario` writes (see `generate::scenario`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioArg {
    /// The realistic organisation of sample-data/ (every kind of problem, randomly).
    Realistic,
    /// No problem at all: no finding, verdict not_needed.
    Healthy,
    /// A long "Ready for QA" queue in the first team.
    Queues,
    /// Items bouncing between the first two teams.
    PingPong,
    /// One team reopening 40% of its items.
    Rework,
    /// Two teams with a workflow vocabulary of their own.
    Divergent,
    /// Two fragmented tool categories and one under-used licence.
    Sprawl,
    /// A few open items idle for over a month in one team.
    Stale,
    /// Three teams, one struggling: verdict not_needed.
    Small,
    /// Five teams, two struggling, no organisation signal: verdict part_time.
    Middling,
    /// Ten teams, six struggling, fragmented tools, divergent workflows: verdict dedicated.
    Sprawling,
}

/// Input formats that can be forced with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// The generic events CSV.
    EventsCsv,
    /// XES process-mining log (.xes, .xes.gz).
    Xes,
    /// Tool inventory CSV.
    Inventory,
    /// Roster CSV.
    Roster,
    /// Jira REST JSON.
    JiraJson,
    /// Jira CSV export.
    JiraCsv,
    /// GitHub REST JSON.
    Github,
    /// Linear CSV export.
    Linear,
    /// Azure DevOps work-item updates/revisions JSON.
    AzureDevops,
    /// Trello board JSON.
    Trello,
}
