//! Reading inputs: format detection from content, one importer per format, and the merge of
//! every input into one canonical event frame (METRICS.md §1, INTERFACE.md "Inputs").
//!
//! Each importer yields an [`EventTable`] (the columns of [`crate::model::Col`]; names coded);
//! this module merges them in input order (file order, then order within the file: the tie
//! order), and [`prepare`] orders the events by (item, timestamp, input order) and leaves out
//! those after `as_of` ([`SortedEvents`]).

pub mod azure_devops;
pub mod bugzilla;
pub mod csv_columns;
pub mod events_csv;
mod files;
pub mod github;
pub mod gitlab;
pub mod imported;
pub mod instants;
pub mod inventory;
pub mod jira_csv;
pub mod jira_json;
mod lenient;
pub mod linear;
mod load;
pub mod ocel;
pub mod options;
pub mod parquet;
mod quality;
pub mod registry;
pub mod replay;
mod sorted;
pub mod spill;
mod table;
#[cfg(test)]
pub(crate) mod testing;
pub mod trello;
pub mod workflow;
pub mod xes;

use crate::error::{shown, IngestError};
use crate::model::{Col, SourceHints, Ts};
use crate::warning::Warnings;
use chrono_tz::Tz;
use files::*;
pub use files::{encoding_problem, expand_inputs};
use polars::prelude::*;
pub use quality::{quality_warnings, QualityCounts, PLAUSIBLE_FROM, PLAUSIBLE_TO};
pub use registry::detect;
use serde::Serialize;
pub use sorted::{audit_order, EventColumns, SortedEvents};
use std::io::Read;
use std::path::{Path, PathBuf};
pub use table::{flags, Coded, CodedBuilder, EventTable, IntArray, TextArray, NULL_CODE};

/// A detected input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Generic events CSV.
    EventsCsv,
    /// XES log.
    Xes,
    /// Tool inventory CSV.
    Inventory,
    /// Roster CSV.
    Roster,
    /// Jira REST JSON (search, agile, changelog pages, arrays of issues).
    JiraJson,
    /// Jira CSV export.
    JiraCsv,
    /// GitHub REST JSON (issues, pulls, events, timelines).
    Github,
    /// Linear CSV export.
    Linear,
    /// Azure DevOps work-item updates/revisions JSON.
    AzureDevops,
    /// Trello board JSON export.
    Trello,
    /// Parquet file of events (the events CSV's columns).
    Parquet,
    /// GitLab REST JSON (issues, merge requests, resource events).
    Gitlab,
    /// Bugzilla REST JSON (`/rest/bug` with history).
    Bugzilla,
    /// OCEL 2.0 JSON object-centric event log.
    Ocel,
}

impl Format {
    /// Name used in reports and `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Format::EventsCsv => "events_csv",
            Format::Xes => "xes",
            Format::Inventory => "inventory",
            Format::Roster => "roster",
            Format::JiraJson => "jira_json",
            Format::JiraCsv => "jira_csv",
            Format::Github => "github",
            Format::Linear => "linear",
            Format::AzureDevops => "azure_devops",
            Format::Trello => "trello",
            Format::Parquet => "parquet",
            Format::Gitlab => "gitlab",
            Format::Bugzilla => "bugzilla",
            Format::Ocel => "ocel",
        }
    }

    /// Every format with a one-line description (`flowaudit formats`).
    pub const ALL: &'static [(Format, &'static str)] = &[
        (Format::EventsCsv, "generic events CSV: item_id, timestamp[, status, assignee, team, actor, source, created] (aliases accepted)"),
        (Format::Xes, "XES process-mining log (.xes, .xes.gz), IEEE 1849"),
        (Format::Inventory, "tool inventory CSV: team, tool, category[, seats, active_users, annual_cost]"),
        (Format::Roster, "roster CSV: person, team[, headcount]"),
        (Format::JiraJson, "Jira REST JSON: search/agile responses with expand=changelog, changelog pages, arrays of issues"),
        (Format::JiraCsv, "Jira CSV export (\"Export CSV (all fields)\")"),
        (Format::Github, "GitHub REST JSON: issues, pull requests, issue events, timelines, gh api --paginate output"),
        (Format::Linear, "Linear CSV export (30 or 34 columns)"),
        (Format::AzureDevops, "Azure DevOps work-item updates, revisions and reporting revisions JSON"),
        (Format::Trello, "Trello board JSON export"),
        (Format::Parquet, "Parquet file of events: the events CSV's columns (Arrow timestamps or text)"),
        (Format::Gitlab, "GitLab REST JSON: issues, merge requests, resource state/label/milestone events, glab api --paginate output"),
        (Format::Bugzilla, "Bugzilla REST JSON: /rest/bug responses with history (one document, pages, or one bug per line)"),
        (Format::Ocel, "OCEL 2.0 JSON object-centric event log (one object type is the item)"),
    ];
}

/// What was read from one file (for the report's data-quality section).
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    /// The file.
    pub path: String,
    /// The format it was read as.
    pub format: &'static str,
    /// Distinct items.
    pub items: u64,
    /// Events (or rows for inventory and roster).
    pub events: u64,
    /// Read as a status log or an activity log (METRICS.md §11); None for inventory and
    /// roster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Why it was read as that kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_reason: Option<String>,
    /// How the input was read (where the workflow came from, what was found).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The rows of [`Loaded::events`] that one input (or one export group) produced.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpan {
    /// Its entries in [`Loaded::inputs`] (an export group lists every file).
    pub inputs: std::ops::Range<usize>,
    /// Its rows in the merged table.
    pub rows: std::ops::Range<usize>,
    /// The format it was read as.
    pub format: Format,
}

impl Format {
    /// A tracker's export (always a status log, METRICS.md §11)?
    pub fn is_export(self) -> bool {
        !matches!(
            self,
            Format::EventsCsv
                | Format::Xes
                | Format::Inventory
                | Format::Roster
                | Format::Parquet
                | Format::Ocel
        )
    }
}

/// Everything read from the inputs.
pub struct Loaded {
    /// Every event of every input, canonical columns, in input order (file by file, row by
    /// row: the tie order of events at the same instant).
    pub events: EventTable,
    /// Latest event instant over all inputs (None when no events).
    pub max_ts: Option<Ts>,
    /// Earliest event instant.
    pub min_ts: Option<Ts>,
    /// What each file was read as.
    pub inputs: Vec<InputSummary>,
    /// Source hints (current statuses, source categories, composite statuses).
    pub hints: SourceHints,
    /// Tool inventory rows.
    pub tools: Vec<inventory::ToolRow>,
    /// Roster rows.
    pub roster: Vec<inventory::RosterRow>,
    /// Warnings counted while reading.
    pub warnings: Warnings,
    /// Jira CSV `[CHART] Time in Status` per issue key (status id, times entered, ms).
    pub jira_time_in_status: jira_csv::TimeInStatus,
    /// Which rows each events input produced, in input order.
    pub spans: Vec<InputSpan>,
    /// The events, partitioned on disk, when the only events input was streamed there
    /// (`LoadOptions::memory_budget`); `events` is then empty.
    pub spill: Option<spill::Spill>,
}

/// Options for loading.
pub struct LoadOptions<'a> {
    /// Forced format, if any.
    pub format: Option<Format>,
    /// Report time zone.
    pub tz: Tz,
    /// XES attribute mapping.
    pub xes: &'a xes::XesMapping,
    /// Explicit tool inventory file.
    pub tools: Option<&'a Path>,
    /// Explicit roster file.
    pub roster: Option<&'a Path>,
    /// Options of the export importers.
    pub import: &'a imported::ImportOptions,
    /// `[columns]`: which header of an events CSV (or Parquet file) is which field.
    pub columns: &'a events_csv::Columns,
    /// Past this many bytes, a lone events CSV is streamed to partitions on disk instead of
    /// read into memory (`--memory-budget`; [`Loaded::spill`]); `None`: always in memory.
    pub memory_budget: Option<u64>,
}

/// Read every input into one (lazy, unsorted) event frame plus inventory and roster: list
/// the files, detect each one's format, join the files of an export, read each group with
/// its importer, then merge (see [`load`](self::load) steps in `load.rs`).
pub fn load(inputs: &[PathBuf], opts: &LoadOptions) -> Result<Loaded, IngestError> {
    let (files, specials) = expand(inputs)?;
    let mut out = Loaded::empty()?;
    load::warn_special_files(&mut out.warnings, &specials);
    let typed = load::classify(inputs, &files, opts)?;
    let rctx = registry::ReadContext {
        tz: opts.tz,
        xes: opts.xes,
        import: opts.import,
        columns: opts.columns,
    };
    let mut pending: Vec<(EventTable, Format)> = Vec::new();
    let groups = load::group_exports(typed);
    let stream = load::stream_plan(&groups, opts);
    for (path, fmt, group) in groups {
        if let (Some(parts), Format::EventsCsv) = (stream, fmt) {
            load::read_streamed(&mut out, &path, parts, &rctx)?;
            continue;
        }
        if let Some(table) = load::read_group(&mut out, &path, fmt, &group, &rctx)? {
            pending.push((table, fmt));
        }
    }
    load::merge(&mut out, inputs, pending)?;
    Ok(out)
}

/// Keep the events at or before `as_of` and order them by (item, timestamp, input order)
/// ([`SortedEvents`]). Returns the events and the number dropped for being after `as_of`.
pub fn prepare(events: EventTable, as_of: Ts) -> PolarsResult<(SortedEvents, u64)> {
    SortedEvents::new(events, as_of)
}

/// The distinct statuses of the events (including any after the audit instant), sorted.
pub fn distinct_statuses(events: &SortedEvents) -> PolarsResult<Vec<String>> {
    let mut v: Vec<String> = events.statuses().map(str::to_string).collect();
    v.sort_unstable();
    Ok(v)
}
