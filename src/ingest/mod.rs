//! Reading inputs: format detection from content, one importer per format, and the merge of
//! every input into one canonical event frame (METRICS.md §1, INTERFACE.md "Inputs").
//!
//! Each importer normalises into the columns of [`crate::model::Col`]; this module adds
//! `file_idx` and `seq` (the tie order: file order, then order within the file), filters the
//! events after `as_of`, and sorts by (item, timestamp, file, seq) in polars.

pub mod azure_devops;
pub mod events_csv;
pub mod github;
pub mod imported;
pub mod inventory;
pub mod jira_csv;
pub mod jira_json;
pub mod linear;
pub mod trello;
pub mod xes;

use crate::cli::FormatArg;
use crate::error::{shown, IngestError};
use crate::model::{Col, EventBatch, SourceHints, Ts};
use crate::warning::Warnings;
use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

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
    ];
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
        }
    }
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
}

/// Everything read from the inputs.
pub struct Loaded {
    /// Every event of every input, canonical columns plus `file_idx` and `seq`, unsorted.
    pub events: LazyFrame,
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
}

/// Expand inputs: files as given, folders to every file inside (recursively, sorted), hidden
/// files skipped.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    expand(inputs).map(|(files, _)| files)
}

/// [`expand_inputs`], and the special files (FIFOs, sockets, devices) found inside folders,
/// which are skipped: reading a FIFO would block the audit. A dangling symbolic link is kept
/// so that reading it fails with its name: a file the user expected is missing.
fn expand(inputs: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), IngestError> {
    let mut skipped = Vec::new();
    let mut out = Vec::new();
    for p in inputs {
        let meta = std::fs::metadata(p).map_err(|source| IngestError::Io {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut stack = vec![p.clone()];
            let mut files = Vec::new();
            while let Some(d) = stack.pop() {
                let rd = std::fs::read_dir(&d).map_err(|source| IngestError::Io {
                    path: d.clone(),
                    source,
                })?;
                for e in rd {
                    let e = e.map_err(|source| IngestError::Io {
                        path: d.clone(),
                        source,
                    })?;
                    let path = e.path();
                    if e.file_name().to_string_lossy().starts_with('.') {
                        continue;
                    }
                    match std::fs::metadata(&path) {
                        Ok(m) if m.is_dir() => stack.push(path),
                        Ok(m) if !m.is_file() => skipped.push(path),
                        _ => files.push(path),
                    }
                }
            }
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    skipped.sort();
    Ok((out, skipped))
}

/// Refuse an input named on the command line that is not a regular file (a FIFO, a device):
/// it cannot be read twice (detection, then the importer).
fn check_regular_file(path: &Path) -> Result<(), IngestError> {
    let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        Ok(())
    } else {
        Err(IngestError::Malformed {
            path: path.to_path_buf(),
            record: "file".into(),
            reason: "not a regular file (a pipe, socket or device); save the data to a file and pass that file".into(),
        })
    }
}

/// The head of a UTF-16 file (with its byte-order mark) as UTF-8, for detection.
fn utf16_to_utf8(head: &[u8]) -> Option<Vec<u8>> {
    let le = match head {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units: Vec<u16> = head[2..]
        .chunks_exact(2)
        .map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .collect();
    Some(String::from_utf16_lossy(&units).into_bytes())
}

/// Why a file's head is not UTF-8 text, if it is not (gzip is binary by design and passes).
/// UTF-16 is recognised by its byte-order mark, as spreadsheet tools write it ("Unicode
/// text"); any other invalid byte is named with its line and offset, with a guess at the
/// encoding (Windows-1252/Latin-1 for a lone high byte).
pub fn encoding_problem(path: &Path, head: &[u8]) -> Option<IngestError> {
    if head.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    if let Some(text) = utf16_to_utf8(head) {
        let le = head[0] == 0xFF;
        let looks_csv = csv_header(&text).is_some();
        return Some(IngestError::Malformed {
            path: path.to_path_buf(),
            record: "byte 0".into(),
            reason: format!(
                "the file is not UTF-8: it starts with a UTF-16 {} byte-order mark (spreadsheet tools write this as \"Unicode text\"); re-save it as UTF-8{}",
                if le { "little-endian" } else { "big-endian" },
                if looks_csv { " CSV (in Excel: Save As → \"CSV UTF-8 (comma delimited)\")" } else { "" }
            ),
        });
    }
    let err = match std::str::from_utf8(head) {
        Ok(_) => return None,
        // A character cut by the end of the head is not an error.
        Err(e) if e.error_len().is_none() => return None,
        Err(e) => e,
    };
    let at = err.valid_up_to();
    let line = head[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let byte = head[at];
    let line_start = head[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = head[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(head.len(), |i| at + i);
    let snippet = shown(String::from_utf8_lossy(&head[line_start..line_end]).trim_end());
    let guess =
        if head[..at].contains(&0) || head[at..].iter().take(64).filter(|b| **b == 0).count() > 4 {
            "binary data, not a text export"
        } else if byte >= 0x80 {
            "it looks like Windows-1252 or Latin-1"
        } else {
            "an unknown encoding"
        };
    Some(IngestError::Malformed {
        path: path.to_path_buf(),
        record: format!("line {line}, byte {at}"),
        reason: format!(
            "the file is not UTF-8 (byte 0x{byte:02X} in {snippet:?}; {guess}); re-save it as UTF-8 (in Excel: Save As → \"CSV UTF-8 (comma delimited)\")"
        ),
    })
}

/// Why an explicit file's format was not recognised, as precisely as the head allows.
fn unknown_reason(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.is_empty() {
        return "the file holds only white space".into();
    }
    if t.starts_with('{') || t.starts_with('[') {
        return "JSON that matches none of the supported exports (Jira, GitHub, Azure DevOps, Trello), or JSON cut short; pass --format to read it as one and see what is wrong".into();
    }
    if t.starts_with('<') {
        return "XML without a <log> root element (XES)".into();
    }
    match csv_header(head) {
        Some(h) => format!(
            "a CSV whose header is [{}]: an events CSV needs an item id column ({}) and a timestamp column ({}); a tool inventory needs team, tool, category; a roster needs person, team",
            shown(&h.join(", ")),
            events_csv::COLUMNS[0].2.join(", "),
            events_csv::COLUMNS[1].2.join(", ")
        ),
        None => "the content matches no supported format".into(),
    }
}

fn csv_header(head: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(head).ok().or_else(|| {
        // The head may cut a UTF-8 character: retry up to the last full line.
        let cut = head.iter().rposition(|b| *b == b'\n')?;
        std::str::from_utf8(&head[..cut]).ok()
    })?;
    let first = text.trim_start_matches('\u{feff}').lines().next()?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(first.as_bytes());
    let rec = r.records().next()?.ok()?;
    (rec.len() >= 2).then(|| rec.iter().map(str::to_string).collect())
}

/// Detect a file's format from its first bytes (content first, extension only to confirm
/// gzip-compressed XES). `None` when unknown.
pub fn detect(path: &Path, head: &[u8]) -> Option<Format> {
    if xes::looks_like_xes(head, path) {
        return Some(Format::Xes);
    }
    let sniffers: [(fn(&[u8], &Path) -> bool, Format); 6] = [
        (jira_json::sniff, Format::JiraJson),
        (github::sniff, Format::Github),
        (azure_devops::sniff, Format::AzureDevops),
        (trello::sniff, Format::Trello),
        (jira_csv::sniff, Format::JiraCsv),
        (linear::sniff, Format::Linear),
    ];
    if let Some((_, f)) = sniffers.iter().find(|(s, _)| s(head, path)) {
        return Some(*f);
    }
    let header = csv_header(head)?;
    if events_csv::looks_like_events(&header) {
        Some(Format::EventsCsv)
    } else if inventory::looks_like_inventory(&header) {
        Some(Format::Inventory)
    } else if inventory::looks_like_roster(&header) {
        Some(Format::Roster)
    } else {
        None
    }
}

fn read_head(path: &Path) -> Result<Vec<u8>, IngestError> {
    let f = std::fs::File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut buf = Vec::with_capacity(8192);
    f.take(8192)
        .read_to_end(&mut buf)
        .map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(buf)
}

fn batch_frame(b: EventBatch) -> PolarsResult<DataFrame> {
    let h = b.len();
    DataFrame::new(
        h,
        vec![
            Column::new(Col::ItemId.name().into(), b.item_id),
            Column::new(Col::Timestamp.name().into(), b.timestamp),
            Column::new(Col::Status.name().into(), b.status),
            Column::new(Col::Assignee.name().into(), b.assignee),
            Column::new(Col::Team.name().into(), b.team),
            Column::new(Col::Actor.name().into(), b.actor),
            Column::new(Col::Source.name().into(), b.source),
            Column::new(Col::Created.name().into(), b.created),
        ],
    )
}

fn ts_bounds(df: &DataFrame) -> PolarsResult<(Option<Ts>, Option<Ts>)> {
    let s = df
        .column(Col::Timestamp.name())?
        .as_materialized_series()
        .i64()?
        .clone();
    Ok((s.min(), s.max()))
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
}

/// Read every input into one (lazy, unsorted) event frame plus inventory and roster.
pub fn load(inputs: &[PathBuf], opts: &LoadOptions) -> Result<Loaded, IngestError> {
    let (files, specials) = expand(inputs)?;
    let explicit_dir = |p: &PathBuf| inputs.iter().any(|i| i == p);
    let mut frames: Vec<LazyFrame> = Vec::new();
    let mut out = Loaded {
        events: LazyFrame::default(),
        max_ts: None,
        min_ts: None,
        inputs: Vec::new(),
        hints: SourceHints::default(),
        tools: Vec::new(),
        roster: Vec::new(),
        warnings: Warnings::default(),
        jira_time_in_status: Default::default(),
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
        if let Some(problem) = encoding_problem(f, &head) {
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
            _ => match detect(f, &head) {
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
        let export = !matches!(
            fmt,
            Format::EventsCsv | Format::Xes | Format::Inventory | Format::Roster
        );
        match grouped.iter_mut().find(|(_, f, _)| export && *f == fmt) {
            Some(g) => g.2.push(path),
            None => grouped.push((path.clone(), fmt, vec![path])),
        }
    }
    let mut pending: Vec<(DataFrame, Format)> = Vec::new();
    let ictx = imported::ImportContext {
        tz: opts.tz,
        options: opts.import.clone(),
    };
    let mut file_idx: u32 = 0;
    for (path, fmt, group) in grouped {
        let mut listed = false;
        let pl = |e: PolarsError| IngestError::Malformed {
            path: path.clone(),
            record: "frame".into(),
            reason: e.to_string(),
        };
        let (df, items) = match fmt {
            Format::Inventory => {
                let rows = inventory::read_inventory(&path)?;
                out.inputs.push(InputSummary {
                    path: path.display().to_string(),
                    format: fmt.name(),
                    items: 0,
                    events: rows.len() as u64,
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
                });
                out.roster.extend(rows);
                continue;
            }
            Format::EventsCsv => {
                let r = events_csv::read(&path, opts.tz)?;
                out.warnings.merge(r.warnings);
                (r.frame, r.items)
            }
            Format::Xes => {
                let r = xes::read_xes(&path, opts.xes, opts.tz)?;
                out.warnings.merge(r.warnings);
                out.hints.merge(r.hints);
                let items = r.traces;
                (batch_frame(r.batch).map_err(pl)?, items)
            }
            Format::JiraJson
            | Format::JiraCsv
            | Format::Github
            | Format::Linear
            | Format::AzureDevops
            | Format::Trello => {
                let read = match fmt {
                    Format::JiraJson => jira_json::read_many,
                    Format::JiraCsv => jira_csv::read_many,
                    Format::Github => github::read_many,
                    Format::Linear => linear::read_many,
                    Format::AzureDevops => azure_devops::read_many,
                    _ => trello::read_many,
                };
                let r = read(&group, &ictx)?;
                if fmt == Format::JiraCsv {
                    // Time in status without a changelog: the export's own accounting.
                    for p in &group {
                        out.jira_time_in_status
                            .extend(jira_csv::read_time_in_status(p)?);
                    }
                }
                out.warnings.merge(r.warnings);
                out.hints.merge(r.hints);
                let items = r.items;
                // Every file of the group is listed; the frame holds them all.
                for (p, i, e) in &r.files {
                    out.inputs.push(InputSummary {
                        path: p.display().to_string(),
                        format: fmt.name(),
                        items: *i,
                        events: *e,
                    });
                }
                listed = true;
                (batch_frame(r.batch).map_err(pl)?, items)
            }
        };
        if df.height() == 0 {
            return Err(IngestError::Empty {
                path: path.clone(),
                reason: "the file has no event rows; check the export's filter, or that this is the right file".into(),
            });
        }
        let (lo, hi) = ts_bounds(&df).map_err(pl)?;
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
                events: df.height() as u64,
            });
        }
        pending.push((df, fmt));
    }
    // Item ids that collide across inputs of different systems get their source as prefix.
    let (pending, renamed) = prefix_collisions(pending).map_err(|e| IngestError::Malformed {
        path: inputs.first().cloned().unwrap_or_default(),
        record: "merge".into(),
        reason: e.to_string(),
    })?;
    out.warnings.add(crate::warning::WarningKind::ItemIdCollision, renamed.len() as u64, || {
        let ex: Vec<&str> = renamed.iter().take(5).map(String::as_str).collect();
        format!(
            "{} item id(s) appear in exports of different systems (e.g. {}); they were prefixed with their source (jira:, github: …) to keep the items apart",
            renamed.len(),
            ex.join(", ")
        )
    });
    for (df, _) in pending {
        let lf = df
            .lazy()
            .with_row_index(Col::Seq.name(), None)
            .with_column(lit(file_idx).alias(Col::FileIdx.name()));
        frames.push(lf);
        file_idx += 1;
    }
    if frames.is_empty() {
        let path = inputs.first().cloned().unwrap_or_default();
        return Err(IngestError::Empty {
            path,
            reason: "no events file among the inputs (only inventory/roster, or nothing readable)"
                .into(),
        });
    }
    out.events = concat(frames, UnionArgs::default()).map_err(|e| IngestError::Malformed {
        path: inputs.first().cloned().unwrap_or_default(),
        record: "merge".into(),
        reason: e.to_string(),
    })?;
    Ok(out)
}

/// Keep the events at or before `as_of` and sort them by (item, timestamp, file, seq).
/// Returns the frame and the number of events dropped for being after `as_of`.
pub fn prepare(events: LazyFrame, as_of: Ts) -> PolarsResult<(DataFrame, u64)> {
    let df = events
        .with_column(Col::Timestamp.expr().gt(lit(as_of)).alias("__after"))
        .collect()?;
    let after = df
        .column("__after")?
        .as_materialized_series()
        .bool()?
        .sum()
        .unwrap_or(0) as u64;
    let sorted = df
        .lazy()
        .filter(col("__after").not())
        .drop(cols(["__after"]))
        .sort(
            [
                Col::ItemId.name(),
                Col::Timestamp.name(),
                Col::FileIdx.name(),
                Col::Seq.name(),
            ],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    Ok((sorted, after))
}

/// The events of a sorted frame at or before `instant` (order kept).
pub fn until(df: &DataFrame, instant: Ts) -> PolarsResult<DataFrame> {
    df.clone()
        .lazy()
        .filter(Col::Timestamp.expr().lt_eq(lit(instant)))
        .collect()
}

/// The distinct statuses of an event frame, sorted.
pub fn distinct_statuses(df: &DataFrame) -> PolarsResult<Vec<String>> {
    let u = df
        .clone()
        .lazy()
        .select([Col::Status
            .expr()
            .drop_nulls()
            .unique()
            .sort(Default::default())])
        .collect()?;
    Ok(u.column(Col::Status.name())?
        .as_materialized_series()
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}

/// The source prefix of a format's item ids when they collide with another system's.
fn source_prefix(f: Format) -> &'static str {
    match f {
        Format::EventsCsv => "csv",
        Format::Xes => "xes",
        Format::JiraJson | Format::JiraCsv => "jira",
        Format::Github => "github",
        Format::Linear => "linear",
        Format::AzureDevops => "azure_devops",
        Format::Trello => "trello",
        Format::Inventory | Format::Roster => "",
    }
}

/// Prefix item ids that appear in inputs of more than one system (INTERFACE.md "Item ids")
/// with `source:`. Inputs of the same system (several Jira pages) never collide with each
/// other. Returns the frames and the colliding ids, sorted.
fn prefix_collisions(
    frames: Vec<(DataFrame, Format)>,
) -> PolarsResult<(Vec<(DataFrame, Format)>, Vec<String>)> {
    use std::collections::{BTreeMap, BTreeSet, HashSet};
    let mut by_system: BTreeMap<&'static str, HashSet<String>> = BTreeMap::new();
    for (df, f) in &frames {
        let ids = df
            .column(Col::ItemId.name())?
            .as_materialized_series()
            .str()?
            .clone();
        by_system
            .entry(source_prefix(*f))
            .or_default()
            .extend(ids.iter().flatten().map(str::to_string));
    }
    if by_system.len() < 2 {
        return Ok((frames, Vec::new()));
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut colliding: BTreeSet<String> = BTreeSet::new();
    for ids in by_system.values() {
        for id in ids {
            if !seen.insert(id.as_str()) {
                colliding.insert(id.clone());
            }
        }
    }
    if colliding.is_empty() {
        return Ok((frames, Vec::new()));
    }
    let mut out = Vec::with_capacity(frames.len());
    for (mut df, f) in frames {
        let prefix = source_prefix(f);
        let ids = df
            .column(Col::ItemId.name())?
            .as_materialized_series()
            .str()?
            .clone();
        let renamed: StringChunked = ids
            .iter()
            .map(|v| {
                v.map(|s| {
                    if colliding.contains(s) {
                        format!("{prefix}:{s}")
                    } else {
                        s.to_string()
                    }
                })
            })
            .collect();
        df.replace(
            Col::ItemId.name(),
            renamed.with_name(Col::ItemId.name().into()).into_column(),
        )?;
        out.push((df, f));
    }
    Ok((out, colliding.into_iter().collect()))
}

/// Earliest plausible instant: 1970-01-01T00:00:00Z.
pub const PLAUSIBLE_FROM: Ts = 0;
/// Latest plausible instant: 2100-01-01T00:00:00Z.
pub const PLAUSIBLE_TO: Ts = 4_102_444_800_000_000;

/// Data-quality warnings counted on the sorted, `as_of`-filtered events (docs/METRICS.md
/// "Inputs"):
///
/// - `duplicate_event`: an event identical to an earlier one of the same item in every
///   canonical column (item, timestamp, status, assignee, team, actor, source, created) —
///   whichever file or row it came from. Each extra copy counts once; the copies are kept
///   (they repeat the state in force, so they change no duration, handoff or status count,
///   only the item's `events`).
/// - `implausible_timestamp`: an event before 1970 or after 2100. Kept; without `--as-of`
///   the latest event sets the audit instant, so one such typo moves `as_of` and ages every
///   open item.
///
/// Duplicates share (item, timestamp), so they are adjacent runs of the sorted frame: one
/// linear pass, a hash set only inside runs of equal (item, timestamp).
pub fn quality_warnings(df: &DataFrame) -> PolarsResult<Warnings> {
    use std::collections::HashSet;
    let mut w = Warnings::default();
    let n = df.height();
    let text = |c: Col| -> PolarsResult<StringChunked> {
        Ok(df.column(c.name())?.as_materialized_series().str()?.clone())
    };
    let int = |c: Col| -> PolarsResult<Int64Chunked> {
        Ok(df.column(c.name())?.as_materialized_series().i64()?.clone())
    };
    // Columns as plain vectors: `ChunkedArray::get` walks the chunk list on every call,
    // which turns a pass over a many-chunked frame quadratic.
    let ids_ca = text(Col::ItemId)?;
    let ts_ca = int(Col::Timestamp)?;
    let ids: Vec<Option<&str>> = ids_ca.iter().collect();
    let ts: Vec<Option<Ts>> = ts_ca.iter().collect();
    let (mut dup, mut first_dup) = (0u64, None::<(String, Ts)>);
    let (mut odd, mut first_odd) = (0u64, None::<(String, Ts)>);
    for (i, t) in ts.iter().copied().enumerate() {
        if let Some(t) = t {
            if !(PLAUSIBLE_FROM..PLAUSIBLE_TO).contains(&t) {
                odd += 1;
                if first_odd.is_none() {
                    first_odd = Some((ids[i].unwrap_or_default().to_string(), t));
                }
            }
        }
    }
    if n > 1 {
        let other_cas = [
            text(Col::Status)?,
            text(Col::Assignee)?,
            text(Col::Team)?,
            text(Col::Actor)?,
            text(Col::Source)?,
        ];
        let others: Vec<Vec<Option<&str>>> = other_cas.iter().map(|c| c.iter().collect()).collect();
        let created_ca = int(Col::Created)?;
        let created: Vec<Option<Ts>> = created_ca.iter().collect();
        let key = |i: usize| (ids[i], ts[i]);
        let row = |i: usize| -> (Vec<Option<&str>>, Option<Ts>) {
            (others.iter().map(|c| c[i]).collect(), created[i])
        };
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && key(end) == key(start) {
                end += 1;
            }
            if end - start > 1 {
                let mut seen = HashSet::new();
                for i in start..end {
                    if !seen.insert(row(i)) {
                        dup += 1;
                        if first_dup.is_none() {
                            first_dup = Some((
                                ids[i].unwrap_or_default().to_string(),
                                ts[i].unwrap_or_default(),
                            ));
                        }
                    }
                }
            }
            start = end;
        }
    }
    w.add(crate::warning::WarningKind::DuplicateEvent, dup, || {
        let (id, t) = first_dup.clone().unwrap_or_default();
        format!(
            "{dup} event(s) are identical to an earlier event of the same item (first: item {} at {}); they were kept and count as events but change no duration or handoff. Remove the repeated rows if the export duplicated them",
            shown(&id),
            crate::time::format_instant(t)
        )
    });
    w.add(crate::warning::WarningKind::ImplausibleTimestamp, odd, || {
        let (id, t) = first_odd.clone().unwrap_or_default();
        format!(
            "{odd} event(s) have a timestamp before 1970 or after 2100 (first: item {} at {}); they were kept, and without --as-of the latest event sets the audit instant. Fix the timestamps or pass --as-of",
            shown(&id),
            crate::time::format_instant(t)
        )
    });
    Ok(w)
}
