//! The steps of [`super::load`]: which files are inputs and of which format
//! ([`classify`]), the files of one export read together ([`group_exports`]), one group read
//! by its importer into the merged inputs ([`read_group`]), and the merge ([`merge`]: item
//! ids that collide across systems, conflicting source categories, one event table).

use super::files::*;
use super::quality::prefix_collisions;
use super::{
    detect, events_csv, inventory, jira_csv, registry, EventTable, Format, InputSpan, InputSummary,
    LoadOptions, Loaded,
};
use crate::error::IngestError;
use crate::model::SourceHints;
use crate::warning::{WarningKind, Warnings};
use std::path::{Path, PathBuf};

impl Loaded {
    /// Nothing read yet.
    pub(super) fn empty() -> Result<Loaded, IngestError> {
        Ok(Loaded {
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
            spill: None,
        })
    }
}

/// Pipes, sockets and devices found in input folders are skipped, counted.
pub(super) fn warn_special_files(w: &mut Warnings, specials: &[PathBuf]) {
    w.add(WarningKind::InputSkipped, specials.len() as u64, || {
        format!(
            "{}: not a regular file (a pipe, socket or device) and was skipped",
            specials[0].display()
        )
    });
}

/// Each input file with its format, in input order, then the explicit inventory and roster.
/// A file named on the command line must be readable and of a known format; inside a folder,
/// empty files and files of no supported format are skipped.
pub(super) fn classify(
    inputs: &[PathBuf],
    files: &[PathBuf],
    opts: &LoadOptions,
) -> Result<Vec<(PathBuf, Format)>, IngestError> {
    let mut typed: Vec<(PathBuf, Format)> = Vec::new();
    for f in files {
        let explicit = inputs.iter().any(|i| i == f);
        if let Some(fmt) = format_of(f, explicit, opts)? {
            typed.push((f.clone(), fmt));
        }
    }
    if let Some(t) = opts.tools {
        typed.push((t.to_path_buf(), Format::Inventory));
    }
    if let Some(r) = opts.roster {
        typed.push((r.to_path_buf(), Format::Roster));
    }
    Ok(typed)
}

/// The format of one file; None when a file inside a folder is skipped.
fn format_of(
    f: &PathBuf,
    explicit: bool,
    opts: &LoadOptions,
) -> Result<Option<Format>, IngestError> {
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
        return Ok(None);
    }
    if looks_like_parquet(&head) {
        // Binary by design: no text encoding to check.
    } else if let Some(problem) = encoding_problem(f, &head) {
        // Inside a folder, a binary file that would not be read anyway (an image, a
        // spreadsheet) is skipped; one that looks like an input is refused.
        let lossy = String::from_utf8_lossy(&utf16_to_utf8(&head).unwrap_or_else(|| head.clone()))
            .into_owned();
        if explicit || detect(f, lossy.as_bytes()).is_some() {
            return Err(problem);
        }
        return Ok(None);
    }
    if let (Some(fmt), true) = (opts.format, explicit) {
        return Ok(Some(fmt));
    }
    let detected = detect(f, &head).or_else(|| {
        // A history export whose headers `[columns]` names.
        (opts.columns.any()
            && csv_header(&head)
                .is_some_and(|h| events_csv::looks_like_events_with(&h, opts.columns)))
        .then_some(Format::EventsCsv)
    });
    match detected {
        Some(fmt) => Ok(Some(fmt)),
        None if explicit => Err(IngestError::UnknownFormat {
            path: f.clone(),
            reason: unknown_reason(&head),
        }),
        // Inside a folder, files of no supported format (a README, a config) are skipped.
        None => Ok(None),
    }
}

/// Export formats read all their files at once (pages joined, duplicates kept once): the
/// group takes the place of its first file. (first path, format, files).
pub(super) fn group_exports(typed: Vec<(PathBuf, Format)>) -> Vec<(PathBuf, Format, Vec<PathBuf>)> {
    let mut grouped: Vec<(PathBuf, Format, Vec<PathBuf>)> = Vec::new();
    for (path, fmt) in typed {
        let export = registry::importer(fmt).is_some_and(|i| i.together());
        match grouped.iter_mut().find(|(_, f, _)| export && *f == fmt) {
            Some(g) => g.2.push(path),
            None => grouped.push((path.clone(), fmt, vec![path])),
        }
    }
    grouped
}

fn summary(path: &Path, fmt: Format, items: u64, events: u64) -> InputSummary {
    InputSummary {
        path: path.display().to_string(),
        format: fmt.name(),
        items,
        events,
        kind: None,
        kind_reason: None,
        notes: Vec::new(),
    }
}

/// Read one group into `out` (its inputs, warnings, hints, span and time bounds); the event
/// table when it is an events group (None for the inventory and the roster).
pub(super) fn read_group(
    out: &mut Loaded,
    path: &Path,
    fmt: Format,
    group: &[PathBuf],
    rctx: &registry::ReadContext,
) -> Result<Option<EventTable>, IngestError> {
    let inputs_before = out.inputs.len();
    match fmt {
        Format::Inventory => {
            let rows = inventory::read_inventory(path)?;
            out.inputs.push(summary(path, fmt, 0, rows.len() as u64));
            out.tools.extend(rows);
            return Ok(None);
        }
        Format::Roster => {
            let rows = inventory::read_roster(path)?;
            out.inputs.push(summary(path, fmt, 0, rows.len() as u64));
            out.roster.extend(rows);
            return Ok(None);
        }
        _ => {}
    }
    let Some(importer) = registry::importer(fmt) else {
        return Ok(None);
    };
    let r = importer.read(group, rctx)?;
    if fmt == Format::JiraCsv {
        // Time in status without a changelog: the export's own accounting.
        for p in group {
            out.jira_time_in_status
                .extend(jira_csv::read_time_in_status(p)?);
        }
    }
    out.warnings.merge(r.warnings);
    out.hints.merge(r.hints);
    // Every file of a group is listed; the table holds them all.
    for (p, i, e) in &r.files {
        out.inputs.push(summary(p, fmt, *i, *e));
    }
    let df = r.table;
    if df.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
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
    if r.files.is_empty() {
        out.inputs
            .push(summary(path, fmt, r.items as u64, df.len() as u64));
    }
    if let Some(first) = out.inputs.get_mut(inputs_before) {
        first.notes = r.notes;
    }
    let rows_before = out.spans.last().map_or(0, |s| s.rows.end);
    out.spans.push(InputSpan {
        inputs: inputs_before..out.inputs.len(),
        rows: rows_before..rows_before + df.len(),
        format: fmt,
    });
    Ok(Some(df))
}

/// Merge the events groups: item ids that collide across systems get their source as prefix,
/// conflicting source categories are resolved, and the tables are concatenated in input
/// order.
/// Partitions to stream the only events input into, when it is an events CSV too large for
/// the memory budget (`events_csv::plan_partitions`); `None`: every input is read into
/// memory (a table past the budget is partitioned after it is read, by `app`).
pub(super) fn stream_plan(
    groups: &[(PathBuf, Format, Vec<PathBuf>)],
    opts: &LoadOptions,
) -> Option<usize> {
    let budget = opts.memory_budget?;
    let events: Vec<&(PathBuf, Format, Vec<PathBuf>)> = groups
        .iter()
        .filter(|(_, f, _)| !matches!(f, Format::Inventory | Format::Roster))
        .collect();
    match events.as_slice() {
        [(path, Format::EventsCsv, _)] => {
            let csv = events_csv::CsvOptions {
                tz: opts.tz,
                columns: opts.columns,
            };
            events_csv::plan_partitions(path, csv, budget)
        }
        _ => None,
    }
}

/// Stream the events CSV at `path` into `parts` partitions on disk ([`Loaded::spill`]), with
/// everything else [`read_group`] records of an input: its summary, span, warnings and time
/// bounds.
pub(super) fn read_streamed(
    out: &mut Loaded,
    path: &Path,
    parts: usize,
    rctx: &registry::ReadContext,
) -> Result<(), IngestError> {
    let dir = super::spill::temp_dir();
    let opts = events_csv::CsvOptions {
        tz: rctx.tz,
        columns: rctx.columns,
    };
    let (csv, spill) = events_csv::read_to_partitions(path, opts, parts, dir)?;
    if spill.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
            reason: "the file has no event rows; check the export's filter, or that this is the right file".into(),
        });
    }
    out.warnings.merge(csv.warnings);
    let (lo, hi) = spill.facts.ts_bounds;
    out.min_ts = lo;
    out.max_ts = hi;
    let inputs_before = out.inputs.len();
    out.inputs.push(summary(
        path,
        Format::EventsCsv,
        csv.items as u64,
        spill.len() as u64,
    ));
    out.spans.push(InputSpan {
        inputs: inputs_before..out.inputs.len(),
        rows: 0..spill.len(),
        format: Format::EventsCsv,
    });
    out.spill = Some(spill);
    Ok(())
}

pub(super) fn merge(
    out: &mut Loaded,
    inputs: &[PathBuf],
    pending: Vec<(EventTable, Format)>,
) -> Result<(), IngestError> {
    let (pending, renamed) = prefix_collisions(pending).map_err(|e| IngestError::Internal {
        what: "prefixing colliding item ids",
        message: e.to_string(),
    })?;
    out.warnings.add(WarningKind::ItemIdCollision, renamed.len() as u64, || {
        let ex: Vec<&str> = renamed.iter().take(5).map(String::as_str).collect();
        format!(
            "{} item id(s) appear in exports of different systems (e.g. {}); they were prefixed with their source (jira:, github: …) to keep the items apart",
            renamed.len(),
            ex.join(", ")
        )
    });
    let conflicts = out.hints.resolve_conflicts();
    out.warnings.add(
        WarningKind::ConflictingSourceCategory,
        conflicts.len() as u64,
        || conflicts.join("; "),
    );
    if pending.is_empty() && out.spill.is_none() {
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
    Ok(())
}
