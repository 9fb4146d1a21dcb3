//! Command-line arguments (clap derive only). No I/O here: `config` turns these into a
//! typed [`crate::config::Config`] that the core sees; the core never sees clap.

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Audit how product and engineering teams work, from the exports they already have.
#[derive(Debug, Parser)]
#[command(
    name = "flowaudit",
    version,
    about = "Audit how product and engineering teams work, from the exports they already have: flow, handoffs, rework, tool sprawl, and whether a product-operations role is justified.",
    long_about = None,
    after_help = "Examples:
  flowaudit audit
      Audit the bundled sample-data/ and write the report to reports/.
  flowaudit init jira-export.csv
      Scan an export and write flowaudit.toml: every status found and its guessed category.
  flowaudit audit jira-export.csv --config flowaudit.toml --quarter 2024Q3 --out q3/
      Audit one quarter with the reviewed status mapping; open q3/report.html.
  flowaudit formats
      List the input formats flowaudit reads.

A walk-through from an export to a presentation: docs/GUIDE.md.
Run `flowaudit <COMMAND> --help` for the options and examples of a command."
)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit one or more exports and write the report folder (HTML, Markdown, CSV, JSON, charts).
    #[command(
        after_help = "Inputs (detected from each file's content; `flowaudit formats` lists them all):
  Jira REST JSON or CSV export, GitHub REST JSON, Linear CSV, Azure DevOps updates JSON,
  Trello board JSON, XES (.xes, .xes.gz), a generic events CSV
  (item_id, timestamp[, status, assignee, team, actor, source, created]),
  plus a tool inventory CSV (--tools) and a roster CSV (--roster).

Examples:
  flowaudit audit
      Audit the bundled sample-data/ and write reports/.
  flowaudit audit jira-export.csv --config flowaudit.toml --quarter 2024Q3 --out q3/
      Audit the third quarter of 2024 with a reviewed status mapping (see `flowaudit init`).
  flowaudit audit jira/ github/ --tools tools.csv --roster roster.csv --tz Europe/Paris
      Merge several exports (every supported file in each folder) into one audit.
  flowaudit audit log.xes.gz --as-of 2013-06-01T00:00:00Z --explain-statuses
      Audit a process-mining log and print the status mapping that was used.

Output: report.html (open it in a browser), report.md, summary.json, items.csv,
tables/*.csv and charts/*.svg|png in --out.
Exit status: 0 success; 1 the input could not be audited (the message names the file,
the record, the field and the value, and what to do); 2 usage error."
    )]
    Audit(AuditArgs),
    /// Scan exports and write a config file listing every status found and its guessed category.
    #[command(
        after_help = "The file lists each status with the category the default rules give it (backlog,
active, waiting, blocked, done, canceled), why, and how many items pass through it,
grouped by category; every other config section is there too, commented out, with its
defaults. Review it, edit the categories, then audit with --config.

Examples:
  flowaudit init jira-export.csv
      Write flowaudit.toml for one export.
  flowaudit init jira/ github/ --out team.toml --tz Europe/Paris
      Scan every supported file of two folders.
  flowaudit init jira-export.csv --force && flowaudit audit jira-export.csv --config flowaudit.toml
      Start over from the defaults, then audit with the config."
    )]
    Init(InitArgs),
    /// Write a seeded synthetic organisation (events, tool inventory, roster) to try flowaudit on.
    #[command(
        after_help = "The same options give the same bytes. sample-data/ is `flowaudit generate` with the defaults.

Examples:
  flowaudit generate --out sample-data
      Regenerate the bundled sample organisation.
  flowaudit generate --scenario ping-pong --out /tmp/ping-pong && flowaudit audit /tmp/ping-pong --out /tmp/pp-report
      An organisation with a planted problem, and its audit.
  flowaudit generate --events 1000000 --seed 7 --out /tmp/big
      About a million events, for a benchmark."
    )]
    Generate(GenerateArgs),
    /// List the input formats flowaudit reads, with the name to force one with --format.
    #[command(after_help = "Examples:
  flowaudit formats
  flowaudit audit export.json --format jira_json      # skip detection: read as Jira REST JSON")]
    Formats,
    /// Print a shell completion script to stdout.
    #[command(after_help = "Examples:
  flowaudit completions bash > ~/.local/share/bash-completion/completions/flowaudit
  flowaudit completions zsh > \"${fpath[1]}/_flowaudit\"
  flowaudit completions fish > ~/.config/fish/completions/flowaudit.fish
  flowaudit completions powershell >> $PROFILE")]
    Completions(CompletionsArgs),
}

/// Arguments of `flowaudit audit`.
#[derive(Debug, ClapArgs)]
pub struct AuditArgs {
    /// Export files or folders (every supported file inside a folder), merged into one audit.
    /// Default: the bundled sample-data/.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Config file (TOML): status mapping, roster, thresholds. `flowaudit init` writes one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output folder; replaced atomically (a failed run leaves the previous report).
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Start of the period, inclusive: a date (midnight in --tz) or an RFC 3339 instant.
    /// Needs --to.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// End of the period, exclusive: a date (midnight in --tz) or an RFC 3339 instant.
    /// Needs --from.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// A calendar quarter in --tz as the period, e.g. 2024Q3 (instead of --from/--to).
    #[arg(long, value_name = "YYYYQn", conflicts_with_all = ["from", "to"])]
    pub quarter: Option<String>,
    /// The instant the audit is taken at, e.g. 2024-10-01T00:00:00Z; later events are ignored.
    /// Default: the end of the period, else the latest event.
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Read every input as this format instead of detecting it from content.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Tool inventory CSV (team,tool,category[,seats,active_users,annual_cost]), for tool sprawl.
    #[arg(long, value_name = "FILE")]
    pub tools: Option<PathBuf>,
    /// Roster CSV (person,team[,headcount]): gives each assignee a team.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Time zone of the report (IANA name, e.g. Europe/Paris): days, weeks and quarters are cut
    /// here, and times without an offset are read here.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// Fail (exit 1) on the first data-quality warning instead of reporting it.
    #[arg(long)]
    pub strict: bool,
    /// No progress display and no closing summary line on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also print the status → category mapping that was used, and the rule that decided each.
    #[arg(long)]
    pub explain_statuses: bool,
}

/// Arguments of `flowaudit init`.
#[derive(Debug, ClapArgs)]
pub struct InitArgs {
    /// Export files or folders to scan (every supported file inside a folder).
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// The config file to write.
    #[arg(long, value_name = "FILE", default_value = "flowaudit.toml")]
    pub out: PathBuf,
    /// Time zone for times without an offset (IANA name), as in `flowaudit audit --tz`.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// Read every input as this format instead of detecting it from content.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Overwrite the config file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `flowaudit completions`.
#[derive(Debug, ClapArgs)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: ShellArg,
}

/// Shells `flowaudit completions` writes a script for (the names of `clap_complete::Shell`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

/// Arguments of `flowaudit generate`.
#[derive(Debug, ClapArgs)]
pub struct GenerateArgs {
    /// Output folder for events.csv, tools.csv and roster.csv (created if missing).
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
    /// Generate about this many events instead of --items/--teams (10 teams, ~8 events per item).
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

/// Input formats that can be forced with `--format` (the names of `flowaudit formats` are
/// accepted too, with `_`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// The generic events CSV.
    #[value(alias = "events_csv")]
    EventsCsv,
    /// XES process-mining log (.xes, .xes.gz).
    Xes,
    /// Tool inventory CSV.
    Inventory,
    /// Roster CSV.
    Roster,
    /// Jira REST JSON.
    #[value(alias = "jira_json")]
    JiraJson,
    /// Jira CSV export.
    #[value(alias = "jira_csv")]
    JiraCsv,
    /// GitHub REST JSON.
    Github,
    /// Linear CSV export.
    Linear,
    /// Azure DevOps work-item updates/revisions JSON.
    #[value(alias = "azure_devops")]
    AzureDevops,
    /// Trello board JSON.
    Trello,
    /// Parquet file of events (the events CSV's columns).
    Parquet,
}
