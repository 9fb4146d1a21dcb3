//! The importers' settings from the config file: `[import]` and the per-source sections
//! `[github]`, `[gitlab]`, `[bugzilla]`, `[ocel]` (INTERFACE.md "Config file"). Plain data, so
//! that every importer and the config can use them without importing each other.

use serde::Deserialize;

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
    pub github: GithubWorkflow,
    /// `[gitlab]`.
    pub gitlab: GitlabOptions,
    /// `[bugzilla]`.
    pub bugzilla: BugzillaOptions,
    /// `[ocel]`.
    pub ocel: OcelOptions,
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

/// `workflow =` of `[github]` and `[gitlab]`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WorkflowMode {
    /// Labels or milestones when they carry a workflow, else open/closed.
    #[default]
    Auto,
    /// Open/closed only.
    State,
    /// A label family.
    Labels,
    /// Milestones.
    Milestone,
    /// GitHub classic project columns (GitHub only).
    Project,
}

/// `[github]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GithubWorkflow {
    /// Where statuses come from.
    pub workflow: WorkflowMode,
    /// With labels: only labels with this prefix are statuses.
    pub label_prefix: Option<String>,
}

/// `[gitlab]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GitlabOptions {
    /// Where statuses come from (`project` is GitHub's only).
    pub workflow: WorkflowMode,
    /// With labels: only labels with this prefix (e.g. `workflow::`) are statuses.
    pub label_prefix: Option<String>,
    /// A label family that names the team (`Team` for `Team::R&D`); default: the project's
    /// group path.
    pub team_label: Option<String>,
}

/// What makes a bug's team (`[bugzilla] team`).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
pub enum BugzillaTeam {
    /// `Product/Component`.
    #[default]
    #[serde(rename = "product/component")]
    ProductComponent,
    /// The product.
    #[serde(rename = "product")]
    Product,
    /// The component.
    #[serde(rename = "component")]
    Component,
}

/// `[bugzilla]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BugzillaOptions {
    /// What makes the team.
    pub team: BugzillaTeam,
}

/// `[ocel]` config section.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OcelOptions {
    /// The object type whose objects are the work items (default: the type with the most
    /// related events).
    pub item_type: Option<String>,
}
