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
        /// Where in the file: a line, a record named by the format …
        record: Location,
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
        record: Location,
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

/// Where in an input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A line of a text file (1-based).
    Line(u64),
    /// A line and a column (a JSON parse error).
    LineColumn(u64, u64),
    /// A line and the byte offset in the file (an encoding error).
    LineByte(u64, u64),
    /// The n-th of several documents back to back in one file (1-based).
    Document(u64),
    /// A record as the format names it: `trace "X" event 3`, `bug 7`, `issue acme/api#5`.
    Record(String),
}

fn n64<N: TryInto<u64>>(n: N) -> u64 {
    n.try_into().unwrap_or(u64::MAX)
}

impl Location {
    /// A line.
    pub fn line<N: TryInto<u64>>(n: N) -> Location {
        Location::Line(n64(n))
    }
    /// A line and a column.
    pub fn line_column<N: TryInto<u64>, M: TryInto<u64>>(line: N, column: M) -> Location {
        Location::LineColumn(n64(line), n64(column))
    }
    /// A line and a byte offset.
    pub fn line_byte<N: TryInto<u64>, M: TryInto<u64>>(line: N, byte: M) -> Location {
        Location::LineByte(n64(line), n64(byte))
    }
    /// The n-th document.
    pub fn document<N: TryInto<u64>>(n: N) -> Location {
        Location::Document(n64(n))
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::LineColumn(l, c) => write!(f, "line {l} column {c}"),
            Location::LineByte(l, b) => write!(f, "line {l}, byte {b}"),
            Location::Document(n) => write!(f, "document {n}"),
            Location::Record(s) => f.write_str(s),
        }
    }
}

impl From<String> for Location {
    fn from(s: String) -> Location {
        Location::Record(s)
    }
}

impl From<&str> for Location {
    fn from(s: &str) -> Location {
        Location::Record(s.to_string())
    }
}
