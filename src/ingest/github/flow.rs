//! Where GitHub items' workflow statuses come from (`[github] workflow`, see
//! [`crate::ingest::workflow`]): chosen once per input from every labeled and milestoned
//! event and the closes, before the events are converted.

use super::shapes::text;
use super::Reader;
use crate::ingest::workflow::{Evidence, Workflow};
use std::collections::BTreeSet;

impl Reader<'_> {
    /// Choose the workflow of the input and note why.
    pub(super) fn choose_workflow(&mut self) {
        let mut ev = Evidence::default();
        let mut closed: BTreeSet<&str> = BTreeSet::new();
        for e in &self.events {
            let Some(item) = e.item.as_deref() else {
                continue;
            };
            match text(&e.obj, "event") {
                Some("labeled") => {
                    let label = e
                        .obj
                        .get("label")
                        .and_then(|l| text(l.as_object()?, "name"));
                    if let Some(l) = label {
                        ev.label_added(item, l);
                    }
                }
                Some("milestoned") => {
                    let title = e
                        .obj
                        .get("milestone")
                        .and_then(|m| text(m.as_object()?, "title"));
                    ev.milestone_set(title.unwrap_or(""));
                }
                Some("closed" | "merged") => {
                    closed.insert(item);
                }
                _ => {}
            }
        }
        for (id, m) in &self.metas {
            if text(&m.obj, "state") == Some("closed") {
                closed.insert(id.as_str());
            }
        }
        ev.closes = closed.len() as u64;
        let opts = &self.ctx.options.sources.github;
        let (flow, reason) = ev.choose(opts.workflow, opts.label_prefix.as_deref());
        self.out.notes.push(format!(
            "GitHub workflow from {reason}. Found {}",
            ev.summary()
        ));
        self.flow = flow;
    }

    /// The workflow (key, status) a `labeled`/`unlabeled` or `milestoned`/`demilestoned`
    /// event sets or clears under the chosen workflow.
    pub(super) fn chosen_status(&self, name: &str, o: &super::Obj) -> Option<(String, String)> {
        match (&self.flow, name) {
            (Workflow::Labels(fam), "labeled" | "unlabeled") => {
                let label = o.get("label").and_then(|l| text(l.as_object()?, "name"))?;
                let status = crate::ingest::workflow::status_of(label, fam)?;
                Some((
                    format!("label:{}", label.trim().to_lowercase()),
                    status.to_string(),
                ))
            }
            (Workflow::Milestone, "milestoned" | "demilestoned") => {
                let title = o
                    .get("milestone")
                    .and_then(|m| text(m.as_object()?, "title"))?;
                Some(("milestone".to_string(), title.to_string()))
            }
            _ => None,
        }
    }
}
