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
pub mod linear;
pub mod ocel;
pub mod parquet;
mod quality;
pub mod registry;
pub mod replay;
mod sorted;
mod table;
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
use quality::*;
pub use quality::{quality_warnings, PLAUSIBLE_FROM, PLAUSIBLE_TO};
pub use registry::detect;
use serde::Serialize;
pub use sorted::{audit_order, EventColumns, SortedEvents};
use std::io::Read;
use std::path::{Path, PathBuf};
pub use table::{flags, Coded, EventTable, IntArray, TextArray, NULL_CODE};

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
}

/// Read every input into one (lazy, unsorted) event frame plus inventory and roster.
pub fn load(inputs: &[PathBuf], opts: &LoadOptions) -> Result<Loaded, IngestError> {
    let (files, specials) = expand(inputs)?;
    let explicit_dir = |p: &PathBuf| inputs.iter().any(|i| i == p);
    let mut out = Loaded {
        events: EventTable::concat(Vec::new()).map_err(|e| IngestError::Internal {
            what: "creating the event table",
            message: e.to_string(),
        })?,
        max_ts: None,
        min_ts: None,
        inputs: Vec::new(),
        hints: SourceHints::default(),
        tools: Vec::new(),
        roster: Vec::new(),
        warnings: Warnings::default(),
        jira_time_in_status: Default::default(),
        spans: Vec::new(),
    };
    out.warnings.add(
        crate::warning::WarningKind::InputSkipped,
        specials.len() as u64,
        || {
            format!(
                "{}: not a regular file (a pipe, socket or device) and was skipped",
                specials[0].display()
            )
        },
    );
    let mut typed: Vec<(PathBuf, Format)> = Vec::new();
    for f in &files {
        let explicit = explicit_dir(f);
        if explicit {
            check_regular_file(f)?;
        }
        let head = read_head(f)?;
        if head.is_empty() {
            if explicit {
                return Err(IngestError::Empty {
                    path: f.clone(),
                    reason: "the file is empty, 0 bytes; export the data again".into(),
                });
            }
            continue;
        }
        if looks_like_parquet(&head) {
            // Binary by design: no text encoding to check.
        } else if let Some(problem) = encoding_problem(f, &head) {
            // Inside a folder, a binary file that would not be read anyway (an image, a
            // spreadsheet) is skipped; one that looks like an input is refused.
            let lossy =
                String::from_utf8_lossy(&utf16_to_utf8(&head).unwrap_or_else(|| head.clone()))
                    .into_owned();
            if explicit || detect(f, lossy.as_bytes()).is_some() {
                return Err(problem);
            }
            continue;
        }
        let fmt = match opts.format {
            Some(fmt) if explicit => fmt,
            _ => match detect(f, &head).or_else(|| {
                // A history export whose headers `[columns]` names.
                (opts.columns.any()
                    && files::csv_header(&head)
                        .is_some_and(|h| events_csv::looks_like_events_with(&h, opts.columns)))
                .then_some(Format::EventsCsv)
            }) {
                Some(fmt) => fmt,
                None if explicit => {
                    return Err(IngestError::UnknownFormat {
                        path: f.clone(),
                        reason: unknown_reason(&head),
                    })
                }
                // Inside a folder, files of no supported format (a README, a config) are skipped.
                None => continue,
            },
        };
        typed.push((f.clone(), fmt));
    }
    if let Some(t) = opts.tools {
        typed.push((t.to_path_buf(), Format::Inventory));
    }
    if let Some(r) = opts.roster {
        typed.push((r.to_path_buf(), Format::Roster));
    }
    // Export formats read all their files at once (pages joined, duplicates kept once): the
    // group takes the place of its first file.
    let mut grouped: Vec<(PathBuf, Format, Vec<PathBuf>)> = Vec::new();
    for (path, fmt) in typed {
        let export = registry::importer(fmt).is_some_and(|i| i.together());
        match grouped.iter_mut().find(|(_, f, _)| export && *f == fmt) {
            Some(g) => g.2.push(path),
            None => grouped.push((path.clone(), fmt, vec![path])),
        }
    }
    let mut pending: Vec<(EventTable, Format)> = Vec::new();
    let rctx = registry::ReadContext {
        tz: opts.tz,
        xes: opts.xes,
        import: opts.import,
        columns: opts.columns,
    };
    for (path, fmt, group) in grouped {
        let inputs_before = out.inputs.len();
        let notes: Vec<String>;
        let (df, items, listed) = match fmt {
            Format::Inventory => {
                let rows = inventory::read_inventory(&path)?;
                out.inputs.push(InputSummary {
                    path: path.display().to_string(),
                    format: fmt.name(),
                    items: 0,
                    events: rows.len() as u64,
                    kind: None,
                    kind_reason: None,
                    notes: Vec::new(),
                });
                out.tools.extend(rows);
                continue;
            }
            Format::Roster => {
                let rows = inventory::read_roster(&path)?;
                out.inputs.push(InputSummary {
                    path: path.display().to_string(),
                    format: fmt.name(),
                    items: 0,
                    events: rows.len() as u64,
                    kind: None,
                    kind_reason: None,
                    notes: Vec::new(),
                });
                out.roster.extend(rows);
                continue;
            }
            fmt => {
                let Some(importer) = registry::importer(fmt) else {
                    continue;
                };
                let r = importer.read(&group, &rctx)?;
                if fmt == Format::JiraCsv {
                    // Time in status without a changelog: the export's own accounting.
                    for p in &group {
                        out.jira_time_in_status
                            .extend(jira_csv::read_time_in_status(p)?);
                    }
                }
                out.warnings.merge(r.warnings);
                out.hints.merge(r.hints);
                // Every file of a group is listed; the table holds them all.
                for (p, i, e) in &r.files {
                    out.inputs.push(InputSummary {
                        path: p.display().to_string(),
                        format: fmt.name(),
                        items: *i,
                        events: *e,
                        kind: None,
                        kind_reason: None,
                        notes: Vec::new(),
                    });
                }
                let listed = !r.files.is_empty();
                notes = r.notes;
                (r.table, r.items, listed)
            }
        };
        if df.is_empty() {
            return Err(IngestError::Empty {
                path: path.clone(),
                reason: "the file has no event rows; check the export's filter, or that this is the right file".into(),
            });
        }
        let (lo, hi) = df.ts_bounds();
        out.min_ts = match (out.min_ts, lo) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        out.max_ts = match (out.max_ts, hi) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if !listed {
            out.inputs.push(InputSummary {
                path: path.display().to_string(),
                format: fmt.name(),
                items: items as u64,
                events: df.len() as u64,
                kind: None,
                kind_reason: None,
                notes: Vec::new(),
            });
        }
        if let Some(first) = out.inputs.get_mut(inputs_before) {
            first.notes = notes;
        }
        let rows_before = out.spans.last().map_or(0, |s| s.rows.end);
        out.spans.push(InputSpan {
            inputs: inputs_before..out.inputs.len(),
            rows: rows_before..rows_before + df.len(),
            format: fmt,
        });
        pending.push((df, fmt));
    }
    // Item ids that collide across inputs of different systems get their source as prefix.
    let (pending, renamed) = prefix_collisions(pending).map_err(|e| IngestError::Internal {
        what: "prefixing colliding item ids",
        message: e.to_string(),
    })?;
    out.warnings.add(crate::warning::WarningKind::ItemIdCollision, renamed.len() as u64, || {
        let ex: Vec<&str> = renamed.iter().take(5).map(String::as_str).collect();
        format!(
            "{} item id(s) appear in exports of different systems (e.g. {}); they were prefixed with their source (jira:, github: …) to keep the items apart",
            renamed.len(),
            ex.join(", ")
        )
    });
    let conflicts = out.hints.resolve_conflicts();
    out.warnings.add(
        crate::warning::WarningKind::ConflictingSourceCategory,
        conflicts.len() as u64,
        || conflicts.join("; "),
    );
    if pending.is_empty() {
        let path = inputs.first().cloned().unwrap_or_default();
        return Err(IngestError::Empty {
            path,
            reason: "no events file among the inputs (only inventory/roster, or nothing readable)"
                .into(),
        });
    }
    out.events = EventTable::concat(pending.into_iter().map(|p| p.0).collect()).map_err(|e| {
        IngestError::Internal {
            what: "merging the inputs",
            message: e.to_string(),
        }
    })?;
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
