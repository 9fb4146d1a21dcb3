//! One shape for importers: every events format implements [`Importer`] — recognise a file
//! from its first bytes, read files into the canonical [`EventTable`] — and is listed once, in
//! detection order, in [`IMPORTERS`]. Adding a format touches its own file, one entry here,
//! one [`Format`] variant and its tests (GitLab and Bugzilla were added that way: see
//! docs/ARCHITECTURE.md "Adding an importer").
//!
//! The tool inventory and the roster are not events: `ingest::load` reads them apart.

use super::imported::{ImportContext, ImportOptions, Imported};
use super::table::EventTable;
use super::{
    azure_devops, bugzilla, events_csv, files, github, gitlab, jira_csv, jira_json, linear, ocel,
    parquet, trello, xes, Format,
};
use crate::error::IngestError;
use crate::model::SourceHints;
use crate::warning::Warnings;
use chrono_tz::Tz;
use std::path::{Path, PathBuf};

/// What every importer yields.
pub struct Read {
    /// The events of the files, in file order.
    pub table: EventTable,
    /// Distinct items.
    pub items: usize,
    /// Warnings counted while reading.
    pub warnings: Warnings,
    /// Current statuses, source categories, composite statuses.
    pub hints: SourceHints,
    /// Per file (path, items, events), for formats that read several files together; empty
    /// for one file (the caller lists it with the table's counts).
    pub files: Vec<(PathBuf, u64, u64)>,
    /// How the input was read, for the data-quality section.
    pub notes: Vec<String>,
}

impl From<events_csv::EventsCsv> for Read {
    fn from(r: events_csv::EventsCsv) -> Self {
        Read {
            table: r.table,
            items: r.items,
            warnings: r.warnings,
            hints: SourceHints::default(),
            files: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Everything an importer may need besides its files.
pub struct ReadContext<'a> {
    /// Time zone of times without an offset.
    pub tz: Tz,
    /// `[xes]`.
    pub xes: &'a xes::XesMapping,
    /// `[import]`.
    pub import: &'a ImportOptions,
    /// `[columns]`.
    pub columns: &'a events_csv::Columns,
}

/// An events format.
pub trait Importer: Sync {
    /// The format.
    fn format(&self) -> Format;
    /// Does a file with these first bytes (and this name) hold this format?
    fn sniff(&self, head: &[u8], path: &Path) -> bool;
    /// Are the files of this format read together (pages joined, duplicates kept once)?
    fn together(&self) -> bool {
        false
    }
    /// Read `files` (one, unless [`Importer::together`]).
    fn read(&self, files: &[PathBuf], ctx: &ReadContext) -> Result<Read, IngestError>;
}

fn one(files: &[PathBuf]) -> &Path {
    files.first().map_or(Path::new(""), PathBuf::as_path)
}

/// XES (`.xes`, `.xes.gz`): a streaming parse.
struct Xes;

impl Importer for Xes {
    fn format(&self) -> Format {
        Format::Xes
    }
    fn sniff(&self, head: &[u8], path: &Path) -> bool {
        xes::looks_like_xes(head, path)
    }
    fn read(&self, files: &[PathBuf], ctx: &ReadContext) -> Result<Read, IngestError> {
        let r = xes::read_xes(one(files), ctx.xes, ctx.tz)?;
        Ok(Read {
            table: r.table,
            items: r.traces,
            warnings: r.warnings,
            hints: r.hints,
            files: Vec::new(),
            notes: Vec::new(),
        })
    }
}

/// Parquet of the events CSV's columns.
struct Parquet;

impl Importer for Parquet {
    fn format(&self) -> Format {
        Format::Parquet
    }
    fn sniff(&self, head: &[u8], _: &Path) -> bool {
        files::looks_like_parquet(head)
    }
    fn read(&self, files: &[PathBuf], ctx: &ReadContext) -> Result<Read, IngestError> {
        let opts = events_csv::CsvOptions {
            tz: ctx.tz,
            columns: ctx.columns,
        };
        Ok(parquet::read(one(files), opts)?.into())
    }
}

/// OCEL 2.0 JSON: one object type is the item; its related events are its timeline.
struct Ocel;

impl Importer for Ocel {
    fn format(&self) -> Format {
        Format::Ocel
    }
    fn sniff(&self, head: &[u8], _: &Path) -> bool {
        ocel::looks_like_ocel(head)
    }
    fn read(&self, files: &[PathBuf], ctx: &ReadContext) -> Result<Read, IngestError> {
        let r = ocel::read(one(files), &ctx.import.sources.ocel, ctx.tz)?;
        let mut notes = r.imported.notes;
        let related: Vec<String> = r
            .related_types
            .iter()
            .map(|(t, n)| format!("{t} ({n})"))
            .collect();
        notes.push(format!(
            "OCEL object type `{}` is the item ([ocel] item_type chooses another); its events also touch: {}",
            r.item_type,
            if related.is_empty() { "no other object type".to_string() } else { related.join(", ") }
        ));
        Ok(Read {
            table: EventTable::from_batch(r.imported.batch),
            items: r.imported.items,
            warnings: r.imported.warnings,
            hints: r.imported.hints,
            files: Vec::new(),
            notes,
        })
    }
}

/// The generic events CSV.
struct EventsCsv;

impl Importer for EventsCsv {
    fn format(&self) -> Format {
        Format::EventsCsv
    }
    fn sniff(&self, head: &[u8], _: &Path) -> bool {
        files::csv_header(head).is_some_and(|h| events_csv::looks_like_events(&h))
    }
    fn read(&self, files: &[PathBuf], ctx: &ReadContext) -> Result<Read, IngestError> {
        let opts = events_csv::CsvOptions {
            tz: ctx.tz,
            columns: ctx.columns,
        };
        Ok(events_csv::read(one(files), opts)?.into())
    }
}

/// A tracker's export: all its files are read together.
struct Export {
    format: Format,
    sniff: fn(&[u8], &Path) -> bool,
    read: fn(&[PathBuf], &ImportContext) -> Result<Imported, IngestError>,
}

impl Importer for Export {
    fn format(&self) -> Format {
        self.format
    }
    fn sniff(&self, head: &[u8], path: &Path) -> bool {
        (self.sniff)(head, path)
    }
    fn together(&self) -> bool {
        true
    }
    fn read(&self, files: &[PathBuf], ctx: &ReadContext) -> Result<Read, IngestError> {
        let ictx = ImportContext {
            tz: ctx.tz,
            options: ctx.import.clone(),
        };
        let r = (self.read)(files, &ictx)?;
        Ok(Read {
            table: EventTable::from_batch(r.batch),
            items: r.items,
            warnings: r.warnings,
            hints: r.hints,
            files: r.files,
            notes: r.notes,
        })
    }
}

/// Every events format, in detection order: the first whose `sniff` accepts a file reads it
/// (the inventory and roster CSVs are tried after all of them).
pub static IMPORTERS: [&dyn Importer; 12] = [
    &Xes,
    &Parquet,
    &Export {
        format: Format::JiraJson,
        sniff: jira_json::sniff,
        read: jira_json::read_many,
    },
    &Export {
        format: Format::Github,
        sniff: github::sniff,
        read: github::read_many,
    },
    &Export {
        format: Format::AzureDevops,
        sniff: azure_devops::sniff,
        read: azure_devops::read_many,
    },
    &Export {
        format: Format::Trello,
        sniff: trello::sniff,
        read: trello::read_many,
    },
    &Export {
        format: Format::Gitlab,
        sniff: gitlab::sniff,
        read: gitlab::read_many,
    },
    &Export {
        format: Format::Bugzilla,
        sniff: bugzilla::sniff,
        read: bugzilla::read_many,
    },
    &Ocel,
    &Export {
        format: Format::JiraCsv,
        sniff: jira_csv::sniff,
        read: jira_csv::read_many,
    },
    &Export {
        format: Format::Linear,
        sniff: linear::sniff,
        read: linear::read_many,
    },
    &EventsCsv,
];

/// Detect a file's format from its first bytes (content first, extension only to confirm
/// gzip-compressed XES). `None` when unknown.
pub fn detect(path: &Path, head: &[u8]) -> Option<Format> {
    if let Some(i) = IMPORTERS.iter().find(|i| i.sniff(head, path)) {
        return Some(i.format());
    }
    let header = files::csv_header(head)?;
    if super::inventory::looks_like_inventory(&header) {
        Some(Format::Inventory)
    } else if super::inventory::looks_like_roster(&header) {
        Some(Format::Roster)
    } else {
        None
    }
}

/// The importer of `f` (None for the inventory and the roster).
pub fn importer(f: Format) -> Option<&'static dyn Importer> {
    IMPORTERS.iter().copied().find(|i| i.format() == f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_events_format_has_one_importer_and_exports_are_read_together() {
        for (f, _) in Format::ALL {
            let n = IMPORTERS.iter().filter(|i| i.format() == *f).count();
            let events = !matches!(f, Format::Inventory | Format::Roster);
            assert_eq!(n, usize::from(events), "{f:?}");
            if let Some(i) = importer(*f) {
                assert_eq!(i.together(), f.is_export(), "{f:?}");
            }
        }
    }
}
