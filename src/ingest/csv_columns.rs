//! The columns of an events CSV (and of a Parquet file of events): the canonical fields and
//! their aliases, `[columns]` (which header is which field), the delimiter, and the header
//! checks (INTERFACE.md "Events CSV", "CSV dialects", "Any history export").

use crate::error::IngestError;
use crate::model::Col;
use crate::time;
use crate::time_formats::{self, TsFormat};
use chrono_tz::Tz;
use std::path::Path;

/// Canonical columns, whether required, and their accepted aliases (already normalised).
pub const COLUMNS: &[(Col, bool, &[&str])] = &[
    (
        Col::ItemId,
        true,
        &[
            "itemid",
            "caseid",
            "case:concept:name",
            "caseconcept:name",
            "issue",
            "key",
        ],
    ),
    (
        Col::Timestamp,
        true,
        &[
            "timestamp",
            "time:timestamp",
            "completetimestamp",
            "time",
            "ts",
        ],
    ),
    (
        Col::Status,
        false,
        &["status", "activity", "concept:name", "state", "activityid"],
    ),
    (
        Col::Assignee,
        false,
        &["assignee", "resource", "org:resource"],
    ),
    (Col::Team, false, &["team", "group", "org:group"]),
    (Col::Actor, false, &["actor", "author", "user"]),
    (Col::Source, false, &["source", "tool", "system"]),
    (Col::Created, false, &["created"]),
];

/// `[columns]` (INTERFACE.md "Any history export"): which header is which field, so that any
/// history export reads without editing; and the timestamp format when detection cannot
/// decide it.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Columns {
    /// Header of the item id.
    pub item_id: Option<String>,
    /// Header of the timestamp.
    pub timestamp: Option<String>,
    /// Header of the status (or activity).
    pub status: Option<String>,
    /// Header of the assignee.
    pub assignee: Option<String>,
    /// Header of the team.
    pub team: Option<String>,
    /// Header of the actor.
    pub actor: Option<String>,
    /// Header of the source.
    pub source: Option<String>,
    /// Header of the explicit creation time.
    pub created: Option<String>,
    /// strftime-style format of the timestamp column (chrono syntax).
    pub timestamp_format: Option<String>,
    /// Header of the XES-style lifecycle transition (`start`, `complete` …).
    pub lifecycle: Option<String>,
}

impl Columns {
    /// The configured header of `c`.
    pub fn get(&self, c: Col) -> Option<&str> {
        match c {
            Col::ItemId => self.item_id.as_deref(),
            Col::Timestamp => self.timestamp.as_deref(),
            Col::Status => self.status.as_deref(),
            Col::Assignee => self.assignee.as_deref(),
            Col::Team => self.team.as_deref(),
            Col::Actor => self.actor.as_deref(),
            Col::Source => self.source.as_deref(),
            Col::Created => self.created.as_deref(),
        }
    }

    /// Does it name any header?
    pub fn any(&self) -> bool {
        Col::ALL.iter().any(|c| self.get(*c).is_some()) || self.lifecycle.is_some()
    }
}

/// How to read an events CSV.
#[derive(Debug, Clone, Copy)]
pub struct CsvOptions<'a> {
    /// Time zone of times without an offset.
    pub tz: Tz,
    /// `[columns]`.
    pub columns: &'a Columns,
}

/// No `[columns]`.
pub static NO_COLUMNS: Columns = Columns {
    item_id: None,
    timestamp: None,
    status: None,
    assignee: None,
    team: None,
    actor: None,
    source: None,
    created: None,
    timestamp_format: None,
    lifecycle: None,
};

impl CsvOptions<'static> {
    /// Headers by name and alias, times without an offset read in `tz`.
    pub fn in_tz(tz: Tz) -> Self {
        CsvOptions {
            tz,
            columns: &NO_COLUMNS,
        }
    }
}

/// The delimiter of a CSV, from its first line: the one of `,` `;` tab `|` that occurs most
/// often outside quotes (ties in that order; `,` when none occurs).
pub fn detect_separator(head: &[u8]) -> u8 {
    let line_end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    let mut counts = [0usize; 4];
    let seps = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in &head[..line_end] {
        if *b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(k) = seps.iter().position(|s| s == b) {
                counts[k] += 1;
            }
        }
    }
    let best = (0..4).fold(0, |best, k| if counts[k] > counts[best] { k } else { best });
    seps[best]
}

/// Aliases of the lifecycle column (normalised): an activity log's `start` / `complete`
/// transitions (METRICS.md §11).
pub const LIFECYCLE_ALIASES: &[&str] = &[
    "lifecycle:transition",
    "lifecycletransition",
    "lifecycle",
    "transition",
];

/// Position of the lifecycle column: `[columns] lifecycle`, else an alias.
pub(super) fn lifecycle_position(header: &[String], columns: &Columns) -> Option<usize> {
    let norm: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    match &columns.lifecycle {
        Some(name) => norm.iter().position(|h| *h == normalise_header(name)),
        None => LIFECYCLE_ALIASES
            .iter()
            .find_map(|a| norm.iter().position(|h| h == a)),
    }
}

/// The activity-log flags of a lifecycle column's values (`flags::of_lifecycle`); `None`
/// when a value is outside the XES lifecycle model (the column then holds something else,
/// and no event starts an activity); empty when no value starts or pauses anything.
pub fn lifecycle_flags<'v>(values: impl Iterator<Item = Option<&'v str>>) -> Option<Vec<u8>> {
    let mut flags = Vec::new();
    for v in values {
        flags.push(match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => 0,
            Some(v) => super::table::flags::of_lifecycle(v)?,
        });
    }
    if flags.iter().all(|f| *f == 0) {
        flags.clear();
    }
    Some(flags)
}

/// Normalise a header name: lower case, without spaces, underscores, hyphens and a BOM.
pub fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// For a header, the position of each canonical column (None when absent).
pub fn map_header(header: &[String]) -> Vec<(Col, Option<usize>)> {
    map_header_with(header, &Columns::default())
}

/// [`map_header`], with `[columns]` naming headers first (compared ignoring case, spaces,
/// underscores and hyphens, as the aliases are). A configured header that is absent maps to
/// None (the reader refuses it with the `[columns]` key).
pub fn map_header_with(header: &[String], columns: &Columns) -> Vec<(Col, Option<usize>)> {
    let norm: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    let configured: Vec<String> = Col::ALL
        .iter()
        .filter_map(|c| columns.get(*c).map(normalise_header))
        .collect();
    COLUMNS
        .iter()
        .map(|(c, _, aliases)| {
            let pos = match columns.get(*c) {
                Some(name) => {
                    let want = normalise_header(name);
                    norm.iter().position(|h| *h == want)
                }
                // An alias never takes a header that [columns] gave to another field.
                None => aliases
                    .iter()
                    .find_map(|a| norm.iter().position(|h| h == a && !configured.contains(h))),
            };
            (*c, pos)
        })
        .collect()
}

/// Refuse a mapping that lacks a required column, or a header `[columns]` names, with the
/// aliases (or the `[columns]` key) looked for and the header found.
pub fn check_mapping(
    path: &Path,
    header: &[String],
    mapping: &[(Col, Option<usize>)],
    columns: &Columns,
) -> Result<(), IngestError> {
    for ((c, pos), (_, required, aliases)) in mapping.iter().zip(COLUMNS) {
        let configured = columns.get(*c);
        if (*required || configured.is_some()) && pos.is_none() {
            return Err(IngestError::MissingColumn {
                path: path.to_path_buf(),
                column: c.name(),
                aliases: match configured {
                    Some(h) => format!("{h:?}, as [columns] {} says", c.name()),
                    None => aliases.join(", "),
                },
                found: header.join(", "),
            });
        }
    }
    Ok(())
}

/// Does this header look like an events CSV (has an item id and a timestamp column)?
pub fn looks_like_events(header: &[String]) -> bool {
    looks_like_events_with(header, &Columns::default())
}

/// [`looks_like_events`] with `[columns]`.
pub fn looks_like_events_with(header: &[String], columns: &Columns) -> bool {
    let m = map_header_with(header, columns);
    m.iter()
        .filter(|(c, p)| matches!(c, Col::ItemId | Col::Timestamp) && p.is_some())
        .count()
        == 2
}

/// Rows searched for the first non-empty value of a timestamp column: when it is ISO 8601
/// the column is read as ISO 8601, otherwise the whole column is read to decide its format
/// (INTERFACE.md "CSV dialects").
const ISO_PROBE_ROWS: usize = 1000;

/// The format of the timestamp column at `pos` (header `field`): `fixed` (`[columns]
/// timestamp_format`) when given; ISO 8601 when its first value is; else decided from all
/// the column's values ([`time_formats::detect`]), or refused naming the column with two
/// of its values.
pub(super) fn column_format(
    path: &Path,
    sep: u8,
    pos: usize,
    field: &str,
    fixed: Option<&str>,
    tz: Tz,
) -> Result<TsFormat, IngestError> {
    if let Some(f) = fixed {
        return TsFormat::strftime(f).map_err(|reason| IngestError::BadValue {
            path: path.to_path_buf(),
            record: "config [columns]".into(),
            field: "timestamp_format".into(),
            value: f.to_string(),
            reason,
        });
    }
    let reader = || -> Option<csv::Reader<std::io::BufReader<std::fs::File>>> {
        let f = std::fs::File::open(path).ok()?;
        Some(
            csv::ReaderBuilder::new()
                .delimiter(sep)
                .has_headers(true)
                .flexible(true)
                .from_reader(std::io::BufReader::new(f)),
        )
    };
    let Some(mut r) = reader() else {
        return Ok(TsFormat::Iso);
    };
    // A column that starts with an ISO 8601 value is read as ISO 8601: a later value in
    // another form is then refused with its line, like any unreadable value.
    let first = r
        .byte_records()
        .take(ISO_PROBE_ROWS)
        .filter_map(Result::ok)
        .find_map(|rec| {
            let v = String::from_utf8_lossy(rec.get(pos)?).trim().to_string();
            (!v.is_empty()).then_some(v)
        });
    if first.is_none_or(|v| time::parse_instant(&v, tz).is_ok()) {
        return Ok(TsFormat::Iso);
    }
    let Some(mut r) = reader() else {
        return Ok(TsFormat::Iso);
    };
    let values = r
        .byte_records()
        .filter_map(Result::ok)
        .map(|rec| String::from_utf8_lossy(rec.get(pos).unwrap_or_default()).into_owned());
    time_formats::detect(values).map_err(|u| IngestError::BadValue {
        path: path.to_path_buf(),
        record: "column".into(),
        field: field.to_string(),
        value: format!("{}\" and \"{}", u.examples[0], u.examples[1]),
        reason: u.reason,
    })
}
