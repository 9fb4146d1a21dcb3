//! Command-line arguments (clap derive), and their conversion into the core's own types
//! ([`crate::config::Config`], [`crate::init::InitOptions`], the generator's options, the
//! input [`crate::ingest::Format`]) and the shell completions. No I/O here; the core never
//! sees clap.

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
      About a million events, for a benchmark.
  flowaudit generate --as gitlab --out /tmp/gl
      The same organisation as GitLab REST JSON (gitlab.json), to check the importer."
    )]
    Generate(GenerateArgs),
    /// Compare two saved audits (report folders) when the old exports are gone: figures,
    /// signals, blockers, tools and the verdict, old → new.
    #[command(after_help = "Examples:
  flowaudit compare reports-2024Q2 reports-2024Q3 --out comparison
      What changed since the audit presented last quarter (figures only: no intervals).")]
    Compare(CompareArgs),
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
    /// Several consecutive quarters, e.g. 2024Q1..2024Q4: one report with a trend section
    /// first (each quarter audited as --quarter would, and whether each change is real).
    #[arg(long, value_name = "YYYYQn..YYYYQn", conflicts_with_all = ["from", "to", "quarter"])]
    pub quarters: Option<String>,
    /// Consecutive periods by their boundaries, e.g. 2024-01-01,2024-02-01,2024-03-01 (two
    /// months): like --quarters for any ranges.
    #[arg(long, value_name = "DATE,DATE,...", conflicts_with_all = ["from", "to", "quarter", "quarters"])]
    pub periods: Option<String>,
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
    /// Memory for the events, e.g. 800MB or 4GB (default: a quarter of the machine's memory).
    /// Past it, the events are partitioned by item on disk (in TMPDIR) and audited one
    /// partition at a time; the report is the same, byte for byte. A record of every item
    /// (about 250 bytes) stays in memory: the closing line says when the peak went past it.
    #[arg(long, value_name = "SIZE")]
    pub memory_budget: Option<String>,
    /// No progress display and no closing summary line on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also print the status → category mapping that was used, and the rule that decided each.
    #[arg(long)]
    pub explain_statuses: bool,
}

/// Arguments of `flowaudit compare`.
#[derive(Debug, ClapArgs)]
pub struct CompareArgs {
    /// The older report folder (written by `flowaudit audit --out`).
    #[arg(value_name = "OLD_REPORT_DIR")]
    pub old: PathBuf,
    /// The newer report folder.
    #[arg(value_name = "NEW_REPORT_DIR")]
    pub new: PathBuf,
    /// Output folder for the comparison (report.html, report.md, comparison.csv).
    #[arg(long, value_name = "DIR", default_value = "comparison")]
    pub out: PathBuf,
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
    /// Write the events as this tracker's REST export (gitlab.json or bugzilla.json) instead
    /// of events.csv, to check an importer by a round trip.
    #[arg(long = "as", value_enum, value_name = "FORMAT")]
    pub as_export: Option<ExportArg>,
}

/// Tracker exports `flowaudit generate --as` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportArg {
    /// GitLab REST JSON (issues with resource label and state events); read it back with
    /// `[gitlab] team_label = "team"`.
    Gitlab,
    /// Bugzilla REST JSON (bugs with history); read it back with `[bugzilla] team = "component"`.
    Bugzilla,
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
    /// The first team halves its cycle time from the second quarter on; nothing else changes
    /// (audit it with --quarters 2024Q1..2024Q2).
    Improving,
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
    /// GitLab REST JSON.
    Gitlab,
    /// Bugzilla REST JSON.
    Bugzilla,
    /// OCEL 2.0 JSON.
    Ocel,
}

// -------------------------------------------------------------------------------------------
// From the arguments to the core's own types: the only module that knows both clap and the
// core (the core never sees clap).

use crate::config::{check_inputs_exist, default_sample_dir, load_file, Config, FileConfig};
use crate::error::ConfigError;
use crate::ingest::Format;
use crate::init::InitOptions;
use crate::model::Ts;
use crate::status::StatusOverrides;
use crate::time;

/// `--tz`, with the flag named in the error.
fn tz_flag(tz: &str) -> Result<chrono_tz::Tz, ConfigError> {
    time::parse_tz(tz).map_err(|reason| ConfigError::BadFlag {
        flag: "--tz",
        value: tz.to_string(),
        reason: reason.to_string(),
    })
}

impl TryFrom<AuditArgs> for Config {
    type Error = ConfigError;

    fn try_from(a: AuditArgs) -> Result<Self, ConfigError> {
        let tz = tz_flag(&a.tz)?;
        let bound = |flag: &'static str, v: &Option<String>| -> Result<Option<Ts>, ConfigError> {
            v.as_ref()
                .map(|s| {
                    time::parse_bound(s, tz).map_err(|reason| ConfigError::BadFlag {
                        flag,
                        value: s.clone(),
                        reason: reason.to_string(),
                    })
                })
                .transpose()
        };
        let period = if let Some(q) = &a.quarter {
            Some(
                time::parse_quarter(q, tz).map_err(|reason| ConfigError::BadFlag {
                    flag: "--quarter",
                    value: q.clone(),
                    reason: reason.to_string(),
                })?,
            )
        } else {
            match (bound("--from", &a.from)?, bound("--to", &a.to)?) {
                (Some(f), Some(t)) => Some((f, t)),
                (None, None) => None,
                (Some(_), None) => {
                    return Err(ConfigError::BadFlag {
                        flag: "--from",
                        value: a.from.clone().unwrap_or_default(),
                        reason: "needs --to as well (the period is [from, to))".into(),
                    })
                }
                (None, Some(_)) => {
                    return Err(ConfigError::BadFlag {
                        flag: "--to",
                        value: a.to.clone().unwrap_or_default(),
                        reason: "needs --from as well (the period is [from, to))".into(),
                    })
                }
            }
        };
        if let Some((f, t)) = period {
            if f >= t {
                return Err(ConfigError::BadFlag {
                    flag: "--from",
                    value: a.from.clone().unwrap_or_default(),
                    reason: format!(
                        "the period is empty: from {} is not before to {}",
                        time::format_instant(f),
                        time::format_instant(t)
                    ),
                });
            }
        }
        let as_of = bound("--as-of", &a.as_of)?;
        let periods = match (&a.quarters, &a.periods) {
            (Some(q), _) => time::parse_quarters(q, tz).map_err(|reason| ConfigError::BadFlag {
                flag: "--quarters",
                value: q.clone(),
                reason: reason.to_string(),
            })?,
            (None, Some(p)) => {
                time::parse_periods(p, tz).map_err(|reason| ConfigError::BadFlag {
                    flag: "--periods",
                    value: p.clone(),
                    reason: reason.to_string(),
                })?
            }
            (None, None) => Vec::new(),
        };
        let (file, statuses) = match &a.config {
            Some(p) if !p.exists() => {
                return Err(ConfigError::NoSuchInput {
                    what: "--config",
                    path: p.clone(),
                })
            }
            Some(p) => load_file(p)?,
            None => (FileConfig::default(), StatusOverrides::default()),
        };
        let inputs = if a.inputs.is_empty() {
            let dir = default_sample_dir();
            if !dir.exists() {
                return Err(ConfigError::NoSampleData { path: dir });
            }
            vec![dir]
        } else {
            check_inputs_exist(&a.inputs)?;
            a.inputs
        };
        for (what, p) in [("--tools", &a.tools), ("--roster", &a.roster)] {
            if let Some(p) = p.as_ref().filter(|p| !p.exists()) {
                return Err(ConfigError::NoSuchInput {
                    what,
                    path: p.clone(),
                });
            }
        }
        let memory_budget = match &a.memory_budget {
            Some(v) => {
                Some(
                    crate::memory::parse_size(v).map_err(|reason| ConfigError::BadFlag {
                        flag: "--memory-budget",
                        value: v.clone(),
                        reason,
                    })?,
                )
            }
            None => None,
        };
        Ok(Config {
            inputs,
            out: a.out,
            period,
            periods,
            as_of,
            tz,
            format: a.format.map(Into::into),
            tools: a.tools,
            roster: a.roster,
            strict: a.strict,
            memory_budget,
            quiet: a.quiet,
            explain_statuses: a.explain_statuses,
            file,
            statuses,
        })
    }
}

impl TryFrom<InitArgs> for InitOptions {
    type Error = ConfigError;

    fn try_from(a: InitArgs) -> Result<Self, ConfigError> {
        let tz = tz_flag(&a.tz)?;
        check_inputs_exist(&a.inputs)?;
        Ok(InitOptions {
            inputs: a.inputs,
            out: a.out,
            tz,
            format: a.format.map(Into::into),
            force: a.force,
        })
    }
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::EventsCsv => Format::EventsCsv,
            FormatArg::Xes => Format::Xes,
            FormatArg::Inventory => Format::Inventory,
            FormatArg::Roster => Format::Roster,
            FormatArg::JiraJson => Format::JiraJson,
            FormatArg::JiraCsv => Format::JiraCsv,
            FormatArg::Github => Format::Github,
            FormatArg::Linear => Format::Linear,
            FormatArg::AzureDevops => Format::AzureDevops,
            FormatArg::Trello => Format::Trello,
            FormatArg::Parquet => Format::Parquet,
            FormatArg::Gitlab => Format::Gitlab,
            FormatArg::Bugzilla => Format::Bugzilla,
            FormatArg::Ocel => Format::Ocel,
        }
    }
}

impl From<ScenarioArg> for crate::generate::Scenario {
    fn from(s: ScenarioArg) -> Self {
        use crate::generate::Scenario;
        match s {
            ScenarioArg::Realistic => Scenario::Realistic,
            ScenarioArg::Healthy => Scenario::Healthy,
            ScenarioArg::Queues => Scenario::Queues,
            ScenarioArg::PingPong => Scenario::PingPong,
            ScenarioArg::Rework => Scenario::Rework,
            ScenarioArg::Divergent => Scenario::Divergent,
            ScenarioArg::Sprawl => Scenario::Sprawl,
            ScenarioArg::Stale => Scenario::Stale,
            ScenarioArg::Small => Scenario::Small,
            ScenarioArg::Middling => Scenario::Middling,
            ScenarioArg::Sprawling => Scenario::Sprawling,
            ScenarioArg::Improving => Scenario::Improving,
        }
    }
}

/// `flowaudit generate`'s options from its arguments.
pub fn generate_options(g: &GenerateArgs) -> crate::generate::GenerateOptions {
    use crate::generate::GenerateOptions;
    let base = match g.events {
        Some(n) => GenerateOptions::for_events(n, g.seed),
        None => GenerateOptions {
            seed: g.seed,
            items: g.items,
            teams: g.teams,
            ..GenerateOptions::default()
        },
    };
    GenerateOptions {
        scenario: g.scenario.into(),
        export: g.as_export.map(|a| match a {
            ExportArg::Gitlab => crate::generate::export::ExportFormat::Gitlab,
            ExportArg::Bugzilla => crate::generate::export::ExportFormat::Bugzilla,
        }),
        ..base
    }
}

/// `flowaudit completions`: the completion script of `shell`.
pub fn completions(shell: ShellArg) -> Vec<u8> {
    use clap_complete::Shell;
    let shell = match shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
        ShellArg::Elvish => Shell::Elvish,
    };
    let mut script = Vec::new();
    let mut cmd = <Args as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "flowaudit", &mut script);
    script
}
