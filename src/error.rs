//! Error types of the library layers. Each carries what a user needs to fix the input:
//! the file, the line or record, the field, the offending value, and what to do.

use std::path::PathBuf;
use thiserror::Error;

/// An input could not be read into events.
#[derive(Debug, Error)]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error(
        "{path}: cannot read the file (check that it exists, is a regular file and is readable)"
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A required column is missing from a CSV header.
    #[error("{path}: line 1: the header has no `{column}` column (looked for: {aliases}); found: {found}. Rename the column, or say which header it is in the config's [columns] (e.g. `item_id = \"ticket\"`).")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The canonical column name.
        column: &'static str,
        /// The aliases that were accepted.
        aliases: String,
        /// The header that was found.
        found: String,
    },
    /// A value could not be parsed.
    #[error("{path}: {record}: field `{field}`: cannot read {value:?}: {reason}")]
    BadValue {
        /// The file.
        path: PathBuf,
        /// "line N", "trace 'X' event N", "record N" …
        record: String,
        /// The field.
        field: String,
        /// The offending value (truncated to 200 characters).
        value: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The file is not well-formed in its format (truncated, malformed).
    #[error("{path}: {record}: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Where in the file.
        record: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The format could not be recognised.
    #[error("{path}: unknown input format ({reason}). Supported formats: run `flowaudit formats`; force one with --format; for a history export with its own headers, name them in the config's [columns] (e.g. `item_id = \"ticket\"`, `timestamp = \"date_updated\"`).")]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// Why detection failed.
        reason: String,
    },
    /// An internal failure while combining what was read (not a problem of the input).
    #[error("internal error while {what}: {message}. The input was read; this is a flowaudit bug: please report it with the command you ran")]
    Internal {
        /// What flowaudit was doing.
        what: &'static str,
        /// The underlying failure.
        message: String,
    },
    /// The input holds no events.
    #[error("{path}: no events found ({reason}).")]
    Empty {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Truncate a value for display in an error message.
pub fn shown(value: &str) -> String {
    if value.chars().count() > 200 {
        let mut s: String = value.chars().take(200).collect();
        s.push('…');
        s
    } else {
        value.to_string()
    }
}

/// A configuration problem.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("{path}: cannot read the config file: {source}. Check the --config path; `flowaudit init` writes one.")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has a wrong key.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An input file or folder named on the command line does not exist.
    #[error("{what} {path}: no such file or folder. Check the path (a relative path is read from the folder you run flowaudit in); {}", missing_hint(what))]
    NoSuchInput {
        /// What the path was given as (`INPUT`, `--tools`, `--roster`, `--config`).
        what: &'static str,
        /// The path as given.
        path: PathBuf,
    },
    /// No input was given and the bundled sample data is not there either.
    #[error("no INPUT given, and the bundled sample data ({path}) is not here to audit instead. Pass your export: `flowaudit audit export.csv` (`flowaudit formats` lists what flowaudit reads).")]
    NoSampleData {
        /// Where the sample data was looked for.
        path: PathBuf,
    },
    /// A command-line value is wrong.
    #[error("{flag} {value:?}: {reason}")]
    BadFlag {
        /// The flag.
        flag: &'static str,
        /// The value.
        value: String,
        /// What is wrong and what to write instead.
        reason: String,
    },
}

/// What to do about a missing path, by what it was given as.
fn missing_hint(what: &str) -> &'static str {
    match what {
        "--config" => "`flowaudit init INPUT…` writes a config file to start from.",
        _ => "`flowaudit formats` lists what flowaudit reads.",
    }
}
