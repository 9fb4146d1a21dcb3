//! Where a GitHub or GitLab item's workflow status comes from (INTERFACE.md `[github]`,
//! `[gitlab]`): the open/closed state, a label family, milestones or (GitHub) a project
//! board.
//!
//! Decisions:
//! - A label family is the part of a label up to its separator: scoped labels `x::y` are the
//!   family `x::`; otherwise the first `:` (`status: doing` → `status:`) or `/`
//!   (`state/doing` → `state/`). The status is the rest, trimmed (`workflow::5 - development`
//!   → `5 - development`). Families are matched ignoring case.
//! - `auto`: a label family that items **move through** becomes the workflow: at least one
//!   item received two different labels of it over time (label events). Families named for
//!   something else than a workflow (priority, severity, type, kind, team, group, component,
//!   area, size, weight, champion, platform, os, browser, version, department) never are;
//!   families named workflow, status, state, stage, phase or triage win over others; then
//!   the family with the most moving items. Without one: milestones when they were set on
//!   items more often than items were closed (and at least twice); otherwise open/closed.
//! - `labels`: the family of `label_prefix`, else the family with the most moving items, else
//!   the one on the most items; `milestone`: milestones; `state`: open/closed only.

use std::collections::{BTreeMap, BTreeSet};

pub use super::options::{GithubWorkflow, GitlabOptions, WorkflowMode};

/// The workflow chosen for an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Workflow {
    /// Open/closed (merged) only.
    State,
    /// Labels of this family (lowercase, with its separator).
    Labels(String),
    /// Milestone titles.
    Milestone,
    /// Project board columns.
    Project,
}

const NOT_WORKFLOW: [&str; 16] = [
    "priority",
    "severity",
    "type",
    "kind",
    "team",
    "group",
    "component",
    "area",
    "size",
    "weight",
    "champion",
    "platform",
    "os",
    "browser",
    "version",
    "department",
];
const WORKFLOW_NAMES: [&str; 6] = ["workflow", "status", "state", "stage", "phase", "triage"];

/// The family of a label and its value: `("workflow::", "doing")`. None without separator
/// or value.
pub fn family(label: &str) -> Option<(String, &str)> {
    let (fam, value) = if let Some(i) = label.find("::") {
        (&label[..i + 2], &label[i + 2..])
    } else if let Some(i) = label.find(':') {
        (&label[..=i], &label[i + 1..])
    } else if let Some(i) = label.find('/') {
        (&label[..=i], &label[i + 1..])
    } else {
        return None;
    };
    let value = value.trim();
    let name = fam.trim_end_matches([':', '/']).trim();
    (!value.is_empty() && !name.is_empty()).then(|| (fam.trim().to_lowercase(), value))
}

/// The family a configured prefix names: `workflow::`, `status: ` as given; a bare name
/// (`Team`) is the scoped family `team::`.
pub fn family_of_prefix(p: &str) -> String {
    family(&format!("{p}x")).map_or_else(|| format!("{}::", p.trim().to_lowercase()), |f| f.0)
}

/// The status a label gives under `family` (lowercase, as [`family`] returns it).
pub fn status_of<'a>(label: &'a str, fam: &str) -> Option<&'a str> {
    let (f, v) = family(label)?;
    (f == fam).then_some(v)
}

/// A label family seen in the input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FamilySeen {
    /// Items that received a label of it.
    pub items: usize,
    /// Items that received two different labels of it (moved through it).
    pub moving: usize,
    /// Add events.
    pub adds: u64,
    /// Distinct values.
    pub values: usize,
}

/// What the label and milestone events of an input hold.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    families: BTreeMap<String, (BTreeMap<String, BTreeSet<String>>, u64, BTreeSet<String>)>,
    /// Milestone changes (set or changed on an item).
    pub milestone_sets: u64,
    /// Times each milestone was set.
    milestones: BTreeMap<String, u64>,
    /// Items closed.
    pub closes: u64,
}

impl Evidence {
    /// A label added to `item`.
    pub fn label_added(&mut self, item: &str, label: &str) {
        if let Some((fam, value)) = family(label) {
            let (items, adds, values) = self.families.entry(fam).or_default();
            items
                .entry(item.to_string())
                .or_default()
                .insert(value.to_lowercase());
            *adds += 1;
            values.insert(value.to_lowercase());
        }
    }

    /// A milestone set on an item.
    pub fn milestone_set(&mut self, title: &str) {
        self.milestone_sets += 1;
        *self.milestones.entry(title.to_string()).or_default() += 1;
    }

    /// Every family, by name.
    pub fn families(&self) -> Vec<(String, FamilySeen)> {
        self.families
            .iter()
            .map(|(f, (items, adds, values))| {
                let seen = FamilySeen {
                    items: items.len(),
                    moving: items.values().filter(|v| v.len() >= 2).count(),
                    adds: *adds,
                    values: values.len(),
                };
                (f.clone(), seen)
            })
            .collect()
    }

    /// Choose the workflow under `mode`; the reason says why, in words.
    pub fn choose(&self, mode: WorkflowMode, prefix: Option<&str>) -> (Workflow, String) {
        let fams = self.families();
        let named = |f: &str, list: &[&str]| {
            let n = f.trim_end_matches([':', '/']).trim().to_lowercase();
            list.contains(&n.as_str())
        };
        let moving = || {
            fams.iter()
                .filter(|(f, s)| s.moving > 0 && !named(f, &NOT_WORKFLOW))
                .max_by(|(fa, a), (fb, b)| {
                    (named(fa, &WORKFLOW_NAMES), a.moving)
                        .cmp(&(named(fb, &WORKFLOW_NAMES), b.moving))
                        .then(fb.cmp(fa))
                })
        };
        let by_labels = |(f, s): &(String, FamilySeen), how: &str| {
            (
                Workflow::Labels(f.clone()),
                format!(
                    "{how}: the label family `{f}` ({} item(s) moved through it, {} value(s))",
                    s.moving, s.values
                ),
            )
        };
        let milestones = self.milestone_sets > self.closes && self.milestone_sets >= 2;
        match mode {
            WorkflowMode::State => (Workflow::State, "state: open/closed (configured)".into()),
            WorkflowMode::Project => (Workflow::Project, "project: board columns (configured)".into()),
            WorkflowMode::Milestone => (
                Workflow::Milestone,
                format!("milestone: milestones (configured; set {} time(s))", self.milestone_sets),
            ),
            WorkflowMode::Labels => {
                if let Some(p) = prefix {
                    let fam = family_of_prefix(p);
                    let seen = fams.iter().find(|(f, _)| *f == fam);
                    let s = seen.map(|x| x.1.clone()).unwrap_or_default();
                    return by_labels(&(fam, s), "labels (configured prefix)");
                }
                let best = moving().or_else(|| fams.iter().max_by_key(|(_, s)| s.items));
                match best {
                    Some(b) => by_labels(b, "labels (configured)"),
                    None => (
                        Workflow::State,
                        "labels configured, but no label family (`x::y`, `status: y`) was found: open/closed".into(),
                    ),
                }
            }
            WorkflowMode::Auto => match moving() {
                Some(b) => by_labels(b, "auto"),
                None if milestones => (
                    Workflow::Milestone,
                    format!(
                        "auto: milestones (set {} time(s), more often than items were closed: {})",
                        self.milestone_sets, self.closes
                    ),
                ),
                None => (
                    Workflow::State,
                    format!(
                        "auto: open/closed (no label family that items move through; milestones set {} time(s), items closed {})",
                        self.milestone_sets, self.closes
                    ),
                ),
            },
        }
    }

    /// For `flowaudit init` and the report: the label families and milestone changes found.
    pub fn summary(&self) -> String {
        let fams: Vec<String> = self
            .families()
            .iter()
            .map(|(f, s)| format!("`{f}` ({} item(s), {} moved)", s.items, s.moving))
            .collect();
        let fams = if fams.is_empty() {
            "none".to_string()
        } else {
            fams.join(", ")
        };
        let mut ms: Vec<(&String, &u64)> = self.milestones.iter().collect();
        ms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = ms
            .iter()
            .take(10)
            .map(|(t, n)| format!("{t} ({n})"))
            .collect();
        let more = ms.len().saturating_sub(10);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let ms = if shown.is_empty() {
            String::new()
        } else {
            format!(": {}{more}", shown.join(", "))
        };
        format!(
            "label families: {fams}; milestone changes: {}{ms}",
            self.milestone_sets
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_of_scoped_prefixed_and_plain_labels() {
        assert_eq!(
            family("workflow::5 - development"),
            Some(("workflow::".into(), "5 - development"))
        );
        assert_eq!(
            family("Status: In Progress"),
            Some(("status:".into(), "In Progress"))
        );
        assert_eq!(family("state/doing"), Some(("state/".into(), "doing")));
        assert_eq!(family("bug"), None);
        assert_eq!(family("status:"), None);
        assert_eq!(status_of("Workflow::doing", "workflow::"), Some("doing"));
        assert_eq!(status_of("Priority::1", "workflow::"), None);
        assert_eq!(family_of_prefix("Team"), "team::");
        assert_eq!(family_of_prefix("status: "), "status:");
    }

    #[test]
    fn auto_picks_a_family_items_move_through_else_milestones_else_state() {
        let mut e = Evidence::default();
        e.label_added("a", "Priority::1");
        e.label_added("a", "Priority::2");
        e.label_added("a", "stage/x");
        e.closes = 3;
        for t in ["a", "b", "a"] {
            e.milestone_set(t);
        }
        // Priority moves but is not a workflow; stage does not move; 3 sets = 3 closes.
        assert_eq!(e.choose(WorkflowMode::Auto, None).0, Workflow::State);
        e.milestone_set("c");
        assert_eq!(e.choose(WorkflowMode::Auto, None).0, Workflow::Milestone);
        assert!(
            e.summary()
                .ends_with("milestone changes: 4: a (2), b (1), c (1)"),
            "{}",
            e.summary()
        );
        e.label_added("b", "kanban::todo");
        e.label_added("b", "kanban::doing");
        assert_eq!(
            e.choose(WorkflowMode::Auto, None).0,
            Workflow::Labels("kanban::".into())
        );
        e.label_added("a", "stage/y");
        // A workflow name wins over more moving items of another family.
        e.label_added("c", "kanban::todo");
        e.label_added("c", "kanban::doing");
        assert_eq!(
            e.choose(WorkflowMode::Auto, None).0,
            Workflow::Labels("stage/".into())
        );
        assert_eq!(
            e.choose(WorkflowMode::Labels, Some("Kanban::")).0,
            Workflow::Labels("kanban::".into())
        );
        assert_eq!(e.choose(WorkflowMode::State, None).0, Workflow::State);
    }
}
