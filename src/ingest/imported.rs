//! What every export importer (Jira, GitHub, Linear, Azure DevOps, Trello) returns, and the
//! options they share. One importer per file; each reads all the files of its format at once
//! (`read_many`) so that pages of one export can be joined and an item that appears twice is
//! kept once.

use crate::model::{EventBatch, SourceHints};
use crate::warning::Warnings;
use chrono_tz::Tz;
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

pub use super::options::{ImportOptions, Sources};

/// Everything an importer needs besides its files.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// Report time zone (for timestamps without an offset, e.g. the Jira CSV).
    pub tz: Tz,
    /// Importer options.
    pub options: ImportOptions,
}
