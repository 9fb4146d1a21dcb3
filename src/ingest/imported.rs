//! What every export importer (Jira, GitHub, Linear, Azure DevOps, Trello) returns, and the
//! options they share. One importer per file; each reads all the files of its format at once
//! (`read_many`) so that pages of one export can be joined and an item that appears twice is
//! kept once.

use crate::model::{EventBatch, SourceHints};
use crate::warning::Warnings;
use chrono_tz::Tz;
use serde::Deserialize;
use std::path::PathBuf;

/// The events (in file order, then order within the file) and what else the source knows.
#[derive(Debug, Default)]
pub struct Imported {
    /// Canonical events. `source` is set on every event (`jira`, `github`, …).
    pub batch: EventBatch,
    /// Current statuses, source-provided status categories.
    pub hints: SourceHints,
    /// Distinct items read.
    pub items: usize,
    /// Data-quality warnings counted while reading.
    pub warnings: Warnings,
    /// Per input file: (path, items, events), for the report's "what was read".
    pub files: Vec<(PathBuf, u64, u64)>,
    /// What the report's data-quality section says about how the input was read (where the
    /// workflow came from, what was found).
    pub notes: Vec<String>,
}

/// Options of the export importers, from the config file (`[import]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ImportOptions {
    /// Jira: the field holding the team (custom field id such as `customfield_10001`, or its
    /// name such as `Team`); items take their team from it, else from the roster.
    pub jira_team_field: Option<String>,
    /// Jira CSV: status id → status name, for `[CHART] Time in Status` keys.
    pub jira_status_ids: std::collections::BTreeMap<String, String>,
    /// GitHub: labels that are workflow statuses (label name → status), applied on
    /// `labeled`/`unlabeled` events.
    pub github_status_labels: std::collections::BTreeMap<String, String>,
    /// GitHub: use project-board columns (`moved_columns_in_project`, `added_to_project`) as
    /// statuses.
    pub github_project_columns: bool,
    /// Azure DevOps: how many levels of the area path make the team (`Proj\Team\Sub` with
    /// depth 2 → `Proj\Team`).
    pub area_path_depth: usize,
    /// Trello: the team of every card (default: the board's name).
    pub trello_team: Option<String>,
    /// The per-source sections (`[github]`, `[gitlab]`, `[bugzilla]`, `[ocel]`), copied here
    /// from the config file so that every importer sees them.
    #[serde(skip)]
    pub sources: Sources,
}

/// The per-source config sections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sources {
    /// `[github]`.
    pub github: super::workflow::GithubWorkflow,
    /// `[gitlab]`.
    pub gitlab: super::workflow::GitlabOptions,
    /// `[bugzilla]`.
    pub bugzilla: super::bugzilla::BugzillaOptions,
    /// `[ocel]`.
    pub ocel: super::ocel::OcelOptions,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            jira_team_field: None,
            jira_status_ids: Default::default(),
            github_status_labels: Default::default(),
            github_project_columns: true,
            area_path_depth: 2,
            trello_team: None,
            sources: Sources::default(),
        }
    }
}

/// Everything an importer needs besides its files.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// Report time zone (for timestamps without an offset, e.g. the Jira CSV).
    pub tz: Tz,
    /// Importer options.
    pub options: ImportOptions,
}
