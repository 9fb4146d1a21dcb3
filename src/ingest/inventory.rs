//! The tool inventory CSV (`team,tool,category[,seats,active_users,annual_cost]`) and the
//! roster CSV (`person,team[,headcount]`) of INTERFACE.md. Headers are matched like the
//! events CSV (case, spaces, underscores and hyphens ignored).

use super::events_csv::normalise_header;
use crate::error::{shown, IngestError, Location};
use serde::Serialize;
use std::path::Path;

/// One row of the tool inventory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolRow {
    /// Team using the tool.
    pub team: String,
    /// Tool name.
    pub tool: String,
    /// Tool category (issue tracking, docs …).
    pub category: String,
    /// Paid seats.
    pub seats: Option<f64>,
    /// Active users.
    pub active_users: Option<f64>,
    /// Annual cost.
    pub annual_cost: Option<f64>,
}

/// One row of the roster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterRow {
    /// Person (as they appear in assignee fields).
    pub person: String,
    /// Their team.
    pub team: String,
    /// The team's head count, when given.
    pub headcount: Option<f64>,
}

fn has(header: &[String], names: &[&str]) -> bool {
    let n: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    names.iter().all(|x| n.iter().any(|h| h == x))
}

/// Does this header look like a tool inventory?
pub fn looks_like_inventory(header: &[String]) -> bool {
    has(header, &["team", "tool", "category"])
}

/// Does this header look like a roster?
pub fn looks_like_roster(header: &[String]) -> bool {
    has(header, &["person", "team"]) && !has(header, &["tool"])
}

struct Table {
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

fn read_table(path: &Path) -> Result<Table, IngestError> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| IngestError::Malformed {
            path: path.to_path_buf(),
            record: Location::line(1),
            reason: format!("{e}"),
        })?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| IngestError::Malformed {
            path: path.to_path_buf(),
            record: Location::line(1),
            reason: e.to_string(),
        })?
        .iter()
        .map(|h| normalise_header(h))
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| IngestError::Malformed {
            path: path.to_path_buf(),
            record: e
                .position()
                .map_or("a record".into(), |p| format!("line {}", p.line()).into()),
            reason: format!("{e}; re-export the file as UTF-8 CSV"),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((line, rec));
    }
    Ok(Table { header, rows })
}

fn field<'a>(t: &Table, rec: &'a csv::StringRecord, name: &str) -> Option<&'a str> {
    let i = t.header.iter().position(|h| h == name)?;
    rec.get(i).map(str::trim).filter(|s| !s.is_empty())
}

fn number(path: &Path, line: u64, name: &str, v: Option<&str>) -> Result<Option<f64>, IngestError> {
    match v {
        None => Ok(None),
        Some(s) => {
            let cleaned: String = s
                .chars()
                .filter(|c| !matches!(c, ',' | '$' | '€' | '£' | ' '))
                .collect();
            cleaned
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map(Some)
                .ok_or_else(|| IngestError::BadValue {
                    path: path.to_path_buf(),
                    record: Location::line(line),
                    field: name.to_string(),
                    value: shown(s),
                    reason: "not a non-negative number; write it as e.g. 12 or 1200.50".into(),
                })
        }
    }
}

fn required(
    path: &Path,
    t: &Table,
    line: u64,
    rec: &csv::StringRecord,
    name: &str,
) -> Result<String, IngestError> {
    field(t, rec, name)
        .map(str::to_string)
        .ok_or_else(|| IngestError::BadValue {
            path: path.to_path_buf(),
            record: Location::line(line),
            field: name.to_string(),
            value: String::new(),
            reason: format!("`{name}` is required on every row; fill it in or remove the row"),
        })
}

/// Read a tool inventory.
pub fn read_inventory(path: &Path) -> Result<Vec<ToolRow>, IngestError> {
    let t = read_table(path)?;
    t.rows
        .iter()
        .map(|(line, rec)| {
            Ok(ToolRow {
                team: required(path, &t, *line, rec, "team")?,
                tool: required(path, &t, *line, rec, "tool")?,
                category: required(path, &t, *line, rec, "category")?,
                seats: number(path, *line, "seats", field(&t, rec, "seats"))?,
                active_users: number(path, *line, "active_users", field(&t, rec, "activeusers"))?,
                annual_cost: number(path, *line, "annual_cost", field(&t, rec, "annualcost"))?,
            })
        })
        .collect()
}

/// Read a roster.
pub fn read_roster(path: &Path) -> Result<Vec<RosterRow>, IngestError> {
    let t = read_table(path)?;
    t.rows
        .iter()
        .map(|(line, rec)| {
            Ok(RosterRow {
                person: required(path, &t, *line, rec, "person")?,
                team: required(path, &t, *line, rec, "team")?,
                headcount: number(path, *line, "headcount", field(&t, rec, "headcount"))?,
            })
        })
        .collect()
}
