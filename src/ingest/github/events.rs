//! Event → normalised event mapping: one GitHub event record (`closed`, `assigned`,
//! `labeled`, project-column moves, activity …) becomes an [`Ev`] of its item with its kind,
//! timestamp (per event type), actor, handoff target and workflow status; timestamps are
//! parsed here.

use super::shapes::{event_key, login, text};
use super::{RawEv, Reader};
use crate::error::{shown, IngestError};
use crate::ingest::workflow::WorkflowMode;
use crate::model::Ts;
use crate::time::parse_instant;
use crate::warning::WarningKind;
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Kind {
    Created,
    Closed,
    Reopened,
    Merged,
    Assigned,
    Unassigned,
    ReviewRequested,
    ReviewRemoved,
    WfSet,
    WfClear,
    #[default]
    Activity,
}

/// A normalised event of one item; `rank` orders ties (creation 0, workflow clears 1, other
/// events 2, closes from the issue object 3).
#[derive(Default)]
pub(super) struct Ev {
    pub(super) ts: Ts,
    pub(super) rank: u8,
    pub(super) at: (usize, usize),
    pub(super) kind: Kind,
    pub(super) actor: Option<String>,
    pub(super) who: Option<String>,
    pub(super) team: Option<String>,
    /// Workflow source key (`label:name`, `project:id`) and status.
    pub(super) wf: Option<(String, String)>,
    pub(super) reason: Option<String>,
}

impl Reader<'_> {
    pub(super) fn instant(
        &mut self,
        fi: usize,
        record: impl FnOnce() -> String,
        field: &str,
        raw: &str,
    ) -> Result<Ts, IngestError> {
        let path = self.path(fi);
        let (ts, off) =
            parse_instant(raw, self.ctx.tz).map_err(|reason| IngestError::BadValue {
                path: path.clone(),
                record: record().into(),
                field: field.to_string(),
                value: shown(raw),
                reason: format!("{reason}; GitHub writes e.g. 2012-05-27T10:29:07Z"),
            })?;
        let mut l = crate::ingest::instants::LocalTimes::default();
        l.count(off, || format!("{}: {field} {raw:?}", path.display()));
        l.warn(self.ctx.tz, &mut self.out.warnings);
        Ok(ts)
    }

    /// Normalise one event record; `None` for events that change nothing we model.
    pub(super) fn convert(&mut self, r: &RawEv) -> Result<Option<Ev>, IngestError> {
        let o = &r.obj;
        let name = text(o, "event").unwrap_or("");
        let card = o.get("project_card");
        let project_id = card.and_then(|c| c.get("project_id")).map(Value::to_string);
        let project = format!("project:{}", project_id.unwrap_or_default());
        let column = card.and_then(|c| text(c.as_object()?, "column_name"));
        let label = o.get("label").and_then(|l| text(l.as_object()?, "name"));
        let label = label.map(|l| l.trim().to_lowercase());
        let mapped = label.and_then(|l| Some((format!("label:{l}"), self.labels.get(&l)?.clone())));
        let columns = match self.ctx.options.sources.github.workflow {
            WorkflowMode::Auto => self.ctx.options.github_project_columns,
            mode => mode == WorkflowMode::Project,
        };
        let chosen = if mapped.is_none() {
            self.chosen_status(name, o)
        } else {
            None
        };
        let (kind, wf) = match name {
            "closed" => (Kind::Closed, None),
            "reopened" => (Kind::Reopened, None),
            "merged" => (Kind::Merged, None),
            "assigned" => (Kind::Assigned, None),
            "unassigned" => (Kind::Unassigned, None),
            "review_requested" => (Kind::ReviewRequested, None),
            "review_request_removed" => (Kind::ReviewRemoved, None),
            "labeled" if mapped.is_some() => (Kind::WfSet, mapped),
            "unlabeled" if mapped.is_some() => (Kind::WfClear, mapped),
            "labeled" | "milestoned" if chosen.is_some() => (Kind::WfSet, chosen),
            "unlabeled" | "demilestoned" if chosen.is_some() => (Kind::WfClear, chosen),
            "added_to_project" | "moved_columns_in_project" | "converted_note_to_issue"
                if columns && column.is_some() =>
            {
                (Kind::WfSet, column.map(|c| (project, c.to_string())))
            }
            "removed_from_project" if columns => (Kind::WfClear, Some((project, String::new()))),
            "project_v2_item_status_changed" if columns => match v2_status(o) {
                Some(st) => (Kind::WfSet, Some((v2_key(o), st))),
                None => (Kind::WfClear, Some((v2_key(o), String::new()))),
            },
            "removed_from_project_v2" if columns => {
                (Kind::WfClear, Some((v2_key(o), String::new())))
            }
            "commented" | "reviewed" | "line-commented" => (Kind::Activity, None),
            _ => return Ok(None),
        };
        let first = o
            .get("comments")
            .and_then(Value::as_array)
            .and_then(|a| a.first());
        let first = first.and_then(Value::as_object);
        let (field, raw) = match name {
            "reviewed" => ("submitted_at", text(o, "submitted_at")),
            "line-commented" => (
                "comments[0].created_at",
                first.and_then(|c| text(c, "created_at")),
            ),
            _ => ("created_at", text(o, "created_at")),
        };
        let id = event_key(o).map(|k| k.1).unwrap_or_default();
        let record = || format!("record {} (event {name:?} id {id})", r.at.1);
        let Some(raw) = raw else {
            let msg = format!(
                "{}: {}: no `{field}`; the event was skipped",
                self.path(r.at.0).display(),
                record()
            );
            self.out
                .warnings
                .add(WarningKind::EventWithoutTimestamp, 1, || msg);
            return Ok(None);
        };
        let actor = match name {
            "commented" | "reviewed" => login(o.get("user")).or_else(|| login(o.get("actor"))),
            "line-commented" => first.and_then(|c| login(c.get("user"))),
            _ => login(o.get("actor")),
        };
        let who = match kind {
            Kind::Assigned | Kind::Unassigned => login(o.get("assignee")),
            Kind::ReviewRequested | Kind::ReviewRemoved => login(o.get("requested_reviewer")),
            _ => None,
        };
        let team = o.get("requested_team").and_then(Value::as_object);
        let team = team.and_then(|t| text(t, "name").or_else(|| text(t, "slug")));
        let team = team.map(str::to_string);
        let reason = text(o, "state_reason").map(str::to_ascii_lowercase);
        let ts = self.instant(r.at.0, record, field, raw)?;
        Ok(Some(Ev {
            ts,
            rank: if kind == Kind::WfClear { 1 } else { 2 },
            at: r.at,
            kind,
            actor,
            who,
            team,
            wf,
            reason,
        }))
    }
}

/// The board a Projects (v2) event is about: `project_v2:<id or number>`.
fn v2_key(o: &serde_json::Map<String, Value>) -> String {
    let p = o.get("project_v2").or_else(|| o.get("project"));
    let id = p
        .and_then(|p| p.get("id").or_else(|| p.get("number")))
        .map(Value::to_string);
    format!("project_v2:{}", id.unwrap_or_default())
}

/// The Status a `project_v2_item_status_changed` event sets: `status` (text or `{name}`), or
/// `changes.field_value.to` (text or `{name}`) as webhooks carry it; None when cleared.
/// (No real REST recording of this event was found; GitHub's GraphQL type names the fields
/// `status` and `previousStatus`.)
fn v2_status(o: &serde_json::Map<String, Value>) -> Option<String> {
    let name = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Object(m) => m.get("name").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    };
    o.get("status").and_then(name).or_else(|| {
        o.get("changes")?
            .get("field_value")?
            .get("to")
            .and_then(name)
    })
}
