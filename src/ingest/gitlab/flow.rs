//! The workflow replay of one item: its state (open, closed, merged), the workflow label or
//! milestone values and team labels in force while its events are applied in time order,
//! and the status and team of each step.

use super::{team_of, Change, OPENED};
use crate::ingest::replay::{InForce, Step};
use crate::ingest::workflow::{self, Workflow};

/// An item's state and workflow values in force while its events are replayed.
pub(super) struct FlowState<'f> {
    flow: &'f Workflow,
    team_family: Option<&'f str>,
    mr: bool,
    flow_values: InForce,
    teams: InForce,
    closed: Option<&'static str>,
    /// The team set since the last step.
    team: Option<String>,
    /// Whether a workflow status was used.
    pub(super) moved: bool,
}

impl<'f> FlowState<'f> {
    /// An open item with no workflow value or team label in force.
    pub(super) fn new(flow: &'f Workflow, team_family: Option<&'f str>, mr: bool) -> FlowState<'f> {
        FlowState {
            flow,
            team_family,
            mr,
            flow_values: InForce::default(),
            teams: InForce::default(),
            closed: None,
            team: None,
            moved: false,
        }
    }

    /// Apply one event's change.
    pub(super) fn apply(&mut self, change: &Change) {
        match change {
            Change::State(s) => {
                self.closed = match s.as_str() {
                    "closed" if self.mr => Some("closed (unmerged)"),
                    "closed" => Some("closed"),
                    "merged" => Some("merged"),
                    "reopened" | "opened" => None,
                    _ => self.closed,
                };
            }
            Change::Label { name, add } => self.label(name, *add),
            Change::Milestone { title, add } => {
                if *self.flow == Workflow::Milestone {
                    if *add {
                        self.flow_values.add(title)
                    } else {
                        self.flow_values.remove(title)
                    }
                }
            }
        }
    }

    /// Apply a label added or removed: a workflow value, a team, both or neither.
    fn label(&mut self, name: &str, add: bool) {
        if let Workflow::Labels(f) = self.flow {
            if let Some(v) = workflow::status_of(name, f) {
                if add {
                    self.flow_values.add(v)
                } else {
                    self.flow_values.remove(v)
                }
            }
        }
        if let Some(v) = team_of(self.team_family, name) {
            if add {
                self.teams.add(&v)
            } else {
                self.teams.remove(&v)
            }
            self.team = self.teams.current().map(str::to_string);
        }
    }

    /// The step of the changes applied since the last one: the status now, and the team
    /// when a team label changed.
    pub(super) fn step(&mut self) -> Step {
        let status = match (self.closed, self.flow_values.current()) {
            (Some("closed"), Some(v)) => format!("closed ({v})"),
            (Some(c), _) => c.to_string(),
            (None, v) => v.unwrap_or(OPENED).to_string(),
        };
        self.moved |= self.closed.is_none() && self.flow_values.current().is_some();
        Step {
            status: Some(status),
            team: self.team.take(),
            ..Step::default()
        }
    }
}
