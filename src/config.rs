//! Args → [`Config`]: paths resolved, period and `as_of` parsed, the TOML config file loaded
//! and validated. The core sees only `Config`, never clap.

use crate::error::ConfigError;
use crate::ingest::xes::XesMapping;
use crate::model::{Category, Ts};
use crate::status::StatusOverrides;
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The TOML config file (INTERFACE.md "Config file"). Unknown keys are refused so that a
/// typo does not silently change an audit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    /// Global status → category overrides.
    pub statuses: BTreeMap<String, String>,
    /// Per-team overrides.
    pub team_statuses: BTreeMap<String, BTreeMap<String, String>>,
    /// Per-source overrides.
    pub source_statuses: BTreeMap<String, BTreeMap<String, String>>,
    /// Ordered workflow per team, for backward moves.
    pub workflow_order: BTreeMap<String, Vec<String>>,
    /// Inline roster: person → team.
    pub people: BTreeMap<String, String>,
    /// People never part of an assignee sequence.
    pub exclude_people: Vec<String>,
    /// XES attribute mapping.
    pub xes: XesMapping,
    /// Options of the export importers (Jira team field, GitHub status labels, …).
    pub import: crate::ingest::imported::ImportOptions,
    /// Signal thresholds (METRICS.md §10).
    pub signals: Signals,
    /// Verdict thresholds (METRICS.md §10).
    pub verdict: Verdict,
    /// Blocker settings (METRICS.md §9).
    pub blockers: Blockers,
    /// Monte Carlo forecast settings (METRICS.md §6).
    pub forecast: Forecast,
    /// How each input is read: status log or activity log (METRICS.md §11).
    pub log: Log,
    /// Evidence gates (METRICS.md §12).
    pub evidence: Evidence,
    /// Which header of an events CSV is which field (INTERFACE.md "Any history export").
    pub columns: crate::ingest::events_csv::Columns,
    /// The business case behind the verdict (METRICS.md §13).
    pub business_case: BusinessCase,
    /// `[trend]`: intervals of a multi-period audit (METRICS.md §14).
    pub trend: Trend,
    /// `[github]`: where a GitHub item's workflow status comes from.
    pub github: crate::ingest::workflow::GithubWorkflow,
    /// `[gitlab]`: where a GitLab item's workflow status and team come from.
    pub gitlab: crate::ingest::workflow::GitlabOptions,
    /// `[bugzilla]`: what makes a bug's team.
    pub bugzilla: crate::ingest::bugzilla::BugzillaOptions,
    /// `[ocel]`: which object type is the item.
    pub ocel: crate::ingest::ocel::OcelOptions,
}

/// `[business_case]` (METRICS.md §13): the assumptions behind the time components and the
/// role's cost. The defaults and their sources are in docs/METRICS.md.
#[derive(Debug, Clone, Deserialize, PartialEq, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BusinessCase {
    /// Hours of coordination one team handoff costs (default 0.5: resuming an interrupted
    /// task takes about 23 minutes, Mark, Gudith and Klocke, CHI 2008).
    pub hours_per_handoff: f64,
    /// Hours one bounce (A → B → A) costs (default 1.0: two handoffs).
    pub hours_per_bounce: f64,
    /// Cost of an hour of the people coordinating (no default: money is only shown when
    /// given).
    pub hourly_cost: Option<f64>,
    /// Full annual cost of the role (no default).
    pub role_annual_cost: Option<f64>,
    /// Currency of the inventory's costs and of the two above (shown, never converted).
    pub currency: String,
    /// How many of the costliest blockers count as recoverable lead time.
    pub top_blockers: usize,
}

impl Default for BusinessCase {
    fn default() -> Self {
        BusinessCase {
            hours_per_handoff: 0.5,
            hours_per_bounce: 1.0,
            hourly_cost: None,
            role_annual_cost: None,
            currency: String::new(),
            top_blockers: 3,
        }
    }
}

/// `[trend]` (METRICS.md §14): the bootstrap behind "is the change real?".
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Trend {
    /// Confidence level of the intervals (default 0.9).
    pub confidence: f64,
    /// Bootstrap replicates (default 1000).
    pub bootstrap: usize,
    /// Seed of the resampling (default 42).
    pub seed: u64,
}

impl Default for Trend {
    fn default() -> Self {
        Trend {
            confidence: 0.9,
            bootstrap: 1000,
            seed: 42,
        }
    }
}

/// `[log]`: status log or activity log (METRICS.md §11).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Log {
    /// `auto` (decided per input), `statuses` or `activities`.
    pub kind: LogKindSetting,
    /// Activities that end a case: a case whose last activity is another one is open.
    pub end_activities: Vec<String>,
    /// Per-input kind, by file name or source name.
    pub kind_by_input: BTreeMap<String, LogKindSetting>,
}

/// A `[log] kind` value.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogKindSetting {
    /// Decided per input from its events.
    #[default]
    Auto,
    /// A workflow status log.
    Statuses,
    /// A process-mining activity log.
    Activities,
}

/// `[evidence]` thresholds (METRICS.md §12).
#[derive(Debug, Clone, Deserialize, PartialEq, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Evidence {
    /// Share of status events with a mapped status.
    pub mapped_share: f64,
    /// Items done in the period.
    pub min_finished: u64,
    /// Largest share of terminal items that left a terminal category again.
    pub max_reopen_share: f64,
    /// Largest share of done items with a cycle time of 0 or above ten years (exclusive).
    pub max_implausible_share: f64,
    /// Share of items in scope with a team.
    pub team_share: f64,
    /// Done items in the period a team needs before its signals are judged.
    pub min_team_finished: u64,
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence {
            mapped_share: 0.8,
            min_finished: 30,
            max_reopen_share: 0.5,
            max_implausible_share: 0.05,
            team_share: 0.8,
            min_team_finished: 10,
        }
    }
}

/// `[signals]` thresholds.
#[derive(Debug, Clone, Deserialize, PartialEq, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Signals {
    /// Low flow efficiency fires below this.
    pub flow_efficiency: f64,
    /// Handoff heavy fires above this many team handoffs per item.
    pub handoffs_per_item: f64,
    /// Ping-pong fires above this rate.
    pub ping_pong_rate: f64,
    /// Rework fires above this reopen rate.
    pub reopen_rate: f64,
    /// Aging fires above this share of WIP at risk.
    pub aging_share: f64,
    /// Tool sprawl fires at this many overlapping categories.
    pub overlapping_categories: u32,
    /// Tool sprawl fires when a tool's utilisation is below this.
    pub utilisation: f64,
    /// Workflow divergence fires below this similarity.
    pub workflow_similarity: f64,
    /// A team would benefit from ops support at this many fired signals.
    pub min_signals: u32,
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            flow_efficiency: 0.25,
            handoffs_per_item: 1.0,
            ping_pong_rate: 0.10,
            reopen_rate: 0.10,
            aging_share: 0.20,
            overlapping_categories: 1,
            utilisation: 0.8,
            workflow_similarity: 0.5,
            min_signals: 3,
        }
    }
}

/// `[verdict]` thresholds.
#[derive(Debug, Clone, Deserialize, PartialEq, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Verdict {
    /// Fewer teams than this: not needed.
    pub min_teams: u32,
    /// Share of teams needing support for a dedicated role.
    pub dedicated_share: f64,
    /// Organisation signals for a dedicated role.
    pub dedicated_org_signals: u32,
    /// Teams that make a large organisation.
    pub large_org_teams: u32,
    /// Share for a large organisation.
    pub large_org_share: f64,
    /// Share for a part-time role.
    pub part_time_share: f64,
    /// Fragmented categories that make an organisation signal.
    pub fragmented_categories: u32,
    /// Share of divergent teams that makes an organisation signal.
    pub divergent_team_share: f64,
    /// Team change rate that makes an organisation signal.
    pub team_change_rate: f64,
}

impl Default for Verdict {
    fn default() -> Self {
        Verdict {
            min_teams: 4,
            dedicated_share: 0.5,
            dedicated_org_signals: 2,
            large_org_teams: 8,
            large_org_share: 0.3,
            part_time_share: 0.25,
            fragmented_categories: 2,
            divergent_team_share: 0.3,
            team_change_rate: 0.3,
        }
    }
}

/// `[blockers]` settings.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Blockers {
    /// Open items with no event for this many days are stale.
    pub stale_days: f64,
}

impl Default for Blockers {
    fn default() -> Self {
        Blockers { stale_days: 14.0 }
    }
}

/// `[forecast]` settings.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Forecast {
    /// Seed of the Monte Carlo generator.
    pub seed: u64,
    /// Trials per forecast.
    pub trials: u32,
    /// Days of history sampled.
    pub history_days: u32,
    /// Horizons of "how many in N days".
    pub horizons_days: Vec<u32>,
}

impl Default for Forecast {
    fn default() -> Self {
        Forecast {
            seed: 42,
            trials: 10_000,
            history_days: 84,
            horizons_days: vec![14, 28],
        }
    }
}

/// Everything an audit needs, resolved and validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Input files and folders.
    pub inputs: Vec<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
    /// Half-open period `[from, to)`, when given.
    pub period: Option<(Ts, Ts)>,
    /// Several consecutive periods (`--quarters`, `--periods`): (label, from, to); empty for
    /// a single-period audit.
    pub periods: Vec<(String, Ts, Ts)>,
    /// Explicit `--as-of`.
    pub as_of: Option<Ts>,
    /// Report time zone.
    pub tz: Tz,
    /// Forced input format.
    pub format: Option<crate::ingest::Format>,
    /// Tool inventory file.
    pub tools: Option<PathBuf>,
    /// Roster file.
    pub roster: Option<PathBuf>,
    /// Warnings become errors.
    pub strict: bool,
    /// Memory budget in bytes (`--memory-budget`); `None`: a quarter of the machine's memory
    /// (`crate::memory::default_budget`).
    pub memory_budget: Option<u64>,
    /// No progress display.
    pub quiet: bool,
    /// Print the status mapping.
    pub explain_statuses: bool,
    /// The parsed config file (defaults when none).
    pub file: FileConfig,
    /// Status overrides, validated.
    pub statuses: StatusOverrides,
}

fn parse_categories(
    path: &Path,
    section: &str,
    m: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Category>, ConfigError> {
    m.iter()
        .map(|(k, v)| {
            Category::parse(v).map(|c| (k.clone(), c)).ok_or_else(|| ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "[{section}] {k:?} = {v:?}: not a category; use one of backlog, active, waiting, blocked, done, canceled"
                ),
            })
        })
        .collect()
}

/// Read and validate a TOML config file.
pub fn load_file(path: &Path) -> Result<(FileConfig, StatusOverrides), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_file(&text, path)
}

/// Parse config text (`path` only names it in errors).
pub fn parse_file(text: &str, path: &Path) -> Result<(FileConfig, StatusOverrides), ConfigError> {
    let mut file: FileConfig = toml::from_str(text).map_err(|e| ConfigError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let t = &file.trend;
    if !(t.confidence > 0.0 && t.confidence < 1.0) || t.bootstrap < 100 {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "[trend]: confidence must be between 0 and 1 (got {}) and bootstrap at least 100 (got {}); e.g. confidence = 0.9, bootstrap = 1000",
                t.confidence, t.bootstrap
            ),
        });
    }
    file.import.sources = crate::ingest::imported::Sources {
        github: file.github.clone(),
        gitlab: file.gitlab.clone(),
        bugzilla: file.bugzilla.clone(),
        ocel: file.ocel.clone(),
    };
    let mut o = StatusOverrides {
        global: parse_categories(path, "statuses", &file.statuses)?,
        ..Default::default()
    };
    for (team, m) in &file.team_statuses {
        o.per_team.insert(
            team.clone(),
            parse_categories(path, &format!("team_statuses.{team:?}"), m)?,
        );
    }
    for (src, m) in &file.source_statuses {
        o.per_source.insert(
            src.clone(),
            parse_categories(path, &format!("source_statuses.{src:?}"), m)?,
        );
    }
    Ok((file, o))
}

/// Refuse input paths that do not exist, before anything is read, with what to do.
pub fn check_inputs_exist(inputs: &[PathBuf]) -> Result<(), ConfigError> {
    match inputs.iter().find(|p| !p.exists()) {
        Some(p) => Err(ConfigError::NoSuchInput {
            what: "INPUT",
            path: p.clone(),
        }),
        None => Ok(()),
    }
}

/// The bundled sample data: `sample-data/` in the working directory, else the crate's own.
pub fn default_sample_dir() -> PathBuf {
    let here = PathBuf::from("sample-data");
    if here.is_dir() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_named_section() {
        let text = r#"
exclude_people = ["Value 5"]
[statuses]
"In Progress" = "active"
[team_statuses."Payments"]
"QA" = "waiting"
[source_statuses."jira"]
"Dev Done" = "waiting"
[workflow_order]
"Payments" = ["To Do", "In Progress", "Review", "Done"]
[people]
"alice@example.com" = "Payments"
[xes]
status = ["concept:name", "lifecycle:transition"]
[signals]
min_signals = 2
[verdict]
min_teams = 3
[blockers]
stale_days = 10
[forecast]
seed = 7
[log]
kind = "activities"
end_activities = ["Payment"]
[log.kind_by_input]
"receipt.csv" = "statuses"
[evidence]
min_finished = 20
min_team_finished = 5
[business_case]
hourly_cost = 80
role_annual_cost = 120000
currency = "EUR"
[columns]
item_id = "ticket"
timestamp = "date_updated"
timestamp_format = "%Y-%m-%d"
"#;
        let (f, o) = parse_file(text, Path::new("c.toml")).unwrap();
        assert_eq!(o.global["In Progress"], Category::Active);
        assert_eq!(o.per_team["Payments"]["QA"], Category::Waiting);
        assert_eq!(f.exclude_people, vec!["Value 5".to_string()]);
        assert_eq!(f.signals.min_signals, 2);
        assert_eq!(f.signals.flow_efficiency, 0.25);
        assert_eq!(f.verdict.min_teams, 3);
        assert_eq!(f.forecast.seed, 7);
        assert_eq!(f.forecast.trials, 10_000);
        assert_eq!(f.xes.status.as_deref().map(|s| s.len()), Some(2));
        assert_eq!(f.log.kind, LogKindSetting::Activities);
        assert_eq!(f.log.end_activities, ["Payment"]);
        assert_eq!(f.log.kind_by_input["receipt.csv"], LogKindSetting::Statuses);
        assert_eq!(f.evidence.min_finished, 20);
        assert_eq!(f.evidence.min_team_finished, 5);
        assert_eq!(f.evidence.mapped_share, 0.8);
        let (d, _) = parse_file("", Path::new("c.toml")).unwrap();
        assert_eq!(d.log.kind, LogKindSetting::Auto);
        assert_eq!(d.evidence, Evidence::default());
        assert_eq!(f.columns.item_id.as_deref(), Some("ticket"));
        assert_eq!(f.business_case.hourly_cost, Some(80.0));
        assert_eq!(f.business_case.role_annual_cost, Some(120_000.0));
        assert_eq!(f.business_case.hours_per_handoff, 0.5);
        assert_eq!(d.business_case, BusinessCase::default());
        assert_eq!(f.columns.timestamp_format.as_deref(), Some("%Y-%m-%d"));
    }

    #[test]
    fn refuses_bad_category_and_unknown_key() {
        let e = parse_file("[statuses]\n\"QA\" = \"testing\"\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"QA\" = \"testing\"") && e.contains("use one of"),
            "{e}"
        );
        let e = parse_file("[signal]\nx = 1\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml"), "{e}");
    }
}
