//! `flowaudit generate --as gitlab|bugzilla`: the generated organisation written as a
//! tracker's REST export instead of the events CSV, so that an importer can be checked by a
//! round trip (the same organisation read back gives the same audit; `tests/new_formats.rs`).
//!
//! Decisions:
//! - **GitLab**: one combined document `{"issues": [...]}`; item `n` (in creation order) is
//!   issue `org/tracker#n` with its `resource_label_events` (the status as the scoped label
//!   `workflow::<status>`, the team as `team::<team>`: a change is an add of the new label and
//!   a remove of the old one at the same instant) and `resource_state_events` (`closed` when
//!   the status is done or canceled under the default patterns, `reopened` when it leaves
//!   them). Read it back with `[gitlab] team_label = "team"`. GitLab's REST API keeps no
//!   assignee history, so only the last assignee is written: handoffs do not round-trip.
//! - **Bugzilla**: one document `{"bugs": [...]}`; item `n` is bug `n`, product `Org`,
//!   component = its team; the status keeps its name while open; done is `RESOLVED` +
//!   `FIXED`, canceled `RESOLVED` + `WONTFIX`; assignee changes are `assigned_to` changes
//!   (nobody is `nobody@example.com`). Read it back with `[bugzilla] team = "component"`.
//! - Timestamps as generated (whole seconds, UTC); users by the generated e-mail.

use crate::model::Category;
use crate::status::pattern_category;
use serde_json::{json, Value};
use std::io::{self, Write};

/// Which export to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// GitLab REST JSON.
    Gitlab,
    /// Bugzilla REST JSON.
    Bugzilla,
}

impl ExportFormat {
    /// The file it is written to.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Gitlab => "gitlab.json",
            ExportFormat::Bugzilla => "bugzilla.json",
        }
    }
}

/// One row of the generated events CSV.
struct Row {
    item: String,
    ts: String,
    status: Option<String>,
    assignee: Option<String>,
    team: Option<String>,
    actor: Option<String>,
}

/// The events CSV (as `write_events` writes it) grouped by item, in file order.
fn items(csv_bytes: &[u8]) -> io::Result<Vec<Vec<Row>>> {
    let mut r = csv::Reader::from_reader(csv_bytes);
    let cell = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut out: Vec<Vec<Row>> = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(io::Error::other)?;
        let row = Row {
            item: rec[0].to_string(),
            ts: rec[1].to_string(),
            status: cell(&rec[2]),
            assignee: cell(&rec[3]),
            team: cell(&rec[4]),
            actor: cell(&rec[5]),
        };
        match out.last_mut() {
            Some(v) if v[0].item == row.item => v.push(row),
            _ => out.push(vec![row]),
        }
    }
    Ok(out)
}

fn terminal(status: &str) -> Option<Category> {
    pattern_category(status, false).filter(|c| matches!(c, Category::Done | Category::Canceled))
}

/// Write the events CSV `csv_bytes` as `format` to `w`.
pub fn write(csv_bytes: &[u8], format: ExportFormat, w: &mut impl Write) -> io::Result<()> {
    let items = items(csv_bytes)?;
    let docs: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, rows)| match format {
            ExportFormat::Gitlab => gitlab_issue(i + 1, rows),
            ExportFormat::Bugzilla => bugzilla_bug(i + 1, rows),
        })
        .collect();
    let key = match format {
        ExportFormat::Gitlab => "issues",
        ExportFormat::Bugzilla => "bugs",
    };
    let mut doc = serde_json::Map::new();
    doc.insert(key.into(), Value::Array(docs));
    serde_json::to_writer(&mut *w, &Value::Object(doc)).map_err(io::Error::other)?;
    w.write_all(b"\n")
}

fn user(u: &str) -> Value {
    json!({"username": u, "name": u})
}

fn gitlab_issue(iid: usize, rows: &[Row]) -> Value {
    let id = 100_000 + iid;
    let (mut labels, mut states) = (Vec::new(), Vec::new());
    let mut ev_id = iid * 1000;
    let mut label = |ts: &str, who: &Option<String>, name: String, add: bool| {
        ev_id += 1;
        let action = if add { "add" } else { "remove" };
        labels.push(json!({"id": ev_id, "user": who.as_deref().map(user), "created_at": ts,
            "resource_type": "Issue", "resource_id": id, "label": {"name": name}, "action": action}));
    };
    let (mut status, mut team, mut assignee): (Option<&str>, Option<&str>, Option<&str>) =
        (None, None, None);
    let mut closed_at: Option<&str> = None;
    let mut closer: Option<&str> = None;
    let mut state_id = iid * 1000 + 500;
    for r in rows {
        if let Some(t) = r.team.as_deref().filter(|t| Some(*t) != team) {
            if let Some(old) = team {
                label(&r.ts, &r.actor, format!("team::{old}"), false);
            }
            label(&r.ts, &r.actor, format!("team::{t}"), true);
            team = Some(t);
        }
        if let Some(s) = r.status.as_deref().filter(|s| Some(*s) != status) {
            if let Some(old) = status {
                label(&r.ts, &r.actor, format!("workflow::{old}"), false);
            }
            label(&r.ts, &r.actor, format!("workflow::{s}"), true);
            let was = status.and_then(terminal).is_some();
            let is = terminal(s).is_some();
            if was != is {
                state_id += 1;
                let st = if is { "closed" } else { "reopened" };
                states.push(json!({"id": state_id, "user": r.actor.as_deref().map(user),
                    "created_at": r.ts, "resource_type": "Issue", "resource_id": id, "state": st}));
                closed_at = is.then_some(r.ts.as_str());
                closer = if is { r.actor.as_deref() } else { None };
            }
            status = Some(s);
        }
        if let Some(a) = r.assignee.as_deref() {
            assignee = (a != "unassigned").then_some(a);
        }
    }
    let first = &rows[0];
    let last = &rows[rows.len() - 1];
    let current: Vec<String> = [
        status.map(|s| format!("workflow::{s}")),
        team.map(|t| format!("team::{t}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    json!({
        "id": id, "iid": iid, "project_id": 1,
        "state": if closed_at.is_some() { "closed" } else { "opened" },
        "created_at": first.ts, "updated_at": last.ts, "closed_at": closed_at,
        "closed_by": closer.map(user), "author": first.actor.as_deref().map(user),
        "assignees": assignee.map(user).into_iter().collect::<Vec<_>>(),
        "labels": current,
        "references": {"full": format!("org/tracker#{iid}")},
        "web_url": format!("https://gitlab.example.com/org/tracker/-/issues/{iid}"),
        "resource_label_events": labels,
        "resource_state_events": states,
    })
}

/// Bugzilla (status, resolution) of a generated status.
fn bugzilla_status(s: &str) -> (String, &'static str) {
    match terminal(s) {
        Some(Category::Done) => ("RESOLVED".into(), "FIXED"),
        Some(_) => ("RESOLVED".into(), "WONTFIX"),
        None => (s.to_string(), ""),
    }
}

fn bugzilla_bug(n: usize, rows: &[Row]) -> Value {
    const NOBODY: &str = "nobody@example.com";
    let first = &rows[0];
    let (mut status, mut resolution) = first
        .status
        .as_deref()
        .map_or((String::new(), ""), bugzilla_status);
    let mut team = first.team.clone().unwrap_or_default();
    let mut assignee = match first.assignee.as_deref() {
        None | Some("unassigned") => NOBODY.to_string(),
        Some(a) => a.to_string(),
    };
    let mut history = Vec::new();
    for r in &rows[1..] {
        let mut changes = Vec::new();
        let mut change = |field: &str, removed: &str, added: &str| {
            changes.push(json!({"field_name": field, "removed": removed, "added": added}));
        };
        if let Some(s) = r.status.as_deref() {
            let (st, res) = bugzilla_status(s);
            if st != status {
                change("status", &status, &st);
            }
            if res != resolution {
                change("resolution", resolution, res);
            }
            (status, resolution) = (st, res);
        }
        if let Some(a) = r.assignee.as_deref() {
            let a = if a == "unassigned" { NOBODY } else { a };
            if a != assignee {
                change("assigned_to", &assignee, a);
                assignee = a.to_string();
            }
        }
        if let Some(t) = r.team.as_deref().filter(|t| *t != team) {
            change("component", &team, t);
            team = t.to_string();
        }
        if !changes.is_empty() {
            history.push(json!({"when": r.ts, "who": r.actor, "changes": changes}));
        }
    }
    json!({
        "id": n, "status": status, "resolution": resolution, "assigned_to": assignee,
        "creator": first.actor, "creation_time": first.ts,
        "last_change_time": rows[rows.len() - 1].ts, "product": "Org", "component": team,
        "history": history,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "item_id,timestamp,status,assignee,team,actor,source\n\
        A-1,2024-01-01T09:00:00Z,To Do,,Platform,ann,jira\n\
        A-1,2024-01-02T09:00:00Z,In Progress,bob,,bob,jira\n\
        A-1,2024-01-03T09:00:00Z,,,Mobile,bob,jira\n\
        A-1,2024-01-04T09:00:00Z,Done,,,bob,jira\n\
        A-2,2024-01-01T10:00:00Z,To Do,,Platform,ann,jira\n\
        A-2,2024-01-05T10:00:00Z,Won't Do,,,ann,jira\n";

    #[test]
    fn bugzilla_history_of_generated_rows() {
        let mut out = Vec::new();
        write(CSV.as_bytes(), ExportFormat::Bugzilla, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        let b = &v["bugs"][0];
        assert_eq!(b["status"], "RESOLVED");
        assert_eq!(b["resolution"], "FIXED");
        assert_eq!(b["component"], "Mobile");
        let h = b["history"].as_array().unwrap();
        assert_eq!(h.len(), 3);
        assert_eq!(
            h[0]["changes"][0],
            json!({"field_name": "status", "removed": "To Do", "added": "In Progress"})
        );
        assert_eq!(h[0]["changes"][1]["added"], "bob");
        assert_eq!(
            h[1]["changes"][0],
            json!({"field_name": "component", "removed": "Platform", "added": "Mobile"})
        );
        assert_eq!(v["bugs"][1]["resolution"], "WONTFIX");
    }

    #[test]
    fn gitlab_labels_and_states_of_generated_rows() {
        let mut out = Vec::new();
        write(CSV.as_bytes(), ExportFormat::Gitlab, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        let i = &v["issues"][0];
        assert_eq!(i["state"], "closed");
        assert_eq!(i["closed_at"], "2024-01-04T09:00:00Z");
        assert_eq!(i["references"]["full"], "org/tracker#1");
        let names: Vec<(String, String)> = i["resource_label_events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap().into(),
                    e["label"]["name"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            names[..3],
            [
                ("add".to_string(), "team::Platform".to_string()),
                ("add".into(), "workflow::To Do".into()),
                ("remove".into(), "workflow::To Do".into()),
            ]
        );
        assert_eq!(i["resource_state_events"][0]["state"], "closed");
        assert_eq!(
            v["issues"][1]["resource_state_events"][0]["created_at"],
            "2024-01-05T10:00:00Z"
        );
    }
}
