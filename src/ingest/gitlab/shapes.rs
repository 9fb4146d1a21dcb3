//! Typed shapes of GitLab REST documents as the API returns them: issue and merge request
//! objects, resource state / label / milestone events, and the users, labels, milestones
//! and references they hold.

use crate::ingest::lenient::nullable;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct User {
    username: Option<String>,
    name: Option<String>,
}

impl User {
    pub(super) fn login(&self) -> Option<String> {
        self.username
            .clone()
            .or_else(|| self.name.clone())
            .filter(|s| !s.is_empty())
    }
}

/// A label: a name, or an object with one (`with_labels_details`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum Label {
    Name(String),
    Object { name: String },
}

impl Label {
    pub(super) fn name(&self) -> &str {
        match self {
            Label::Name(n) | Label::Object { name: n } => n,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct Milestone {
    pub(super) title: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct References {
    pub(super) full: Option<String>,
}

/// An issue or merge request object.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct ItemObj {
    pub(super) id: Option<i64>,
    pub(super) iid: Option<i64>,
    pub(super) project_id: Option<i64>,
    pub(super) state: Option<String>,
    pub(super) created_at: Option<String>,
    pub(super) updated_at: Option<String>,
    pub(super) closed_at: Option<String>,
    pub(super) merged_at: Option<String>,
    pub(super) closed_by: Option<User>,
    pub(super) merged_by: Option<User>,
    pub(super) author: Option<User>,
    #[serde(deserialize_with = "nullable")]
    pub(super) assignees: Vec<User>,
    pub(super) assignee: Option<User>,
    #[serde(deserialize_with = "nullable")]
    pub(super) reviewers: Vec<User>,
    #[serde(deserialize_with = "nullable")]
    pub(super) labels: Vec<Label>,
    pub(super) references: Option<References>,
    pub(super) web_url: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub(super) resource_state_events: Vec<Value>,
    #[serde(deserialize_with = "nullable")]
    pub(super) resource_label_events: Vec<Value>,
    #[serde(deserialize_with = "nullable")]
    pub(super) resource_milestone_events: Vec<Value>,
}

/// A resource state, label or milestone event.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct ResourceEvent {
    pub(super) id: Option<i64>,
    pub(super) user: Option<User>,
    pub(super) created_at: Option<String>,
    pub(super) resource_type: Option<String>,
    pub(super) resource_id: Option<i64>,
    pub(super) state: Option<String>,
    pub(super) label: Option<Label>,
    pub(super) milestone: Option<Milestone>,
    pub(super) action: Option<String>,
}
