//! Process consistency (METRICS.md §8).
//!
//! A team's **workflow** is the set of statuses used on its items in scope (the team at
//! finish, or at `as_of`). The **core workflow** is the set of statuses used by at least half
//! of the teams that have items. A team's **workflow similarity** = Jaccard(team workflow,
//! core workflow) = |A ∩ B| ÷ |A ∪ B| (null when both are empty). Reported with the status
//! count and the statuses no other team uses.

use std::collections::{BTreeMap, BTreeSet};

/// One team's consistency figures.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamWorkflow {
    /// Team.
    pub team: String,
    /// Its statuses.
    pub statuses: BTreeSet<String>,
    /// Jaccard similarity with the core workflow.
    pub similarity: Option<f64>,
    /// Statuses used by no other team.
    pub unique: Vec<String>,
}

/// Jaccard similarity of two sets (None when both are empty).
pub fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> Option<f64> {
    let union = a.union(b).count();
    (union > 0).then(|| a.intersection(b).count() as f64 / union as f64)
}

/// The core workflow: statuses used by at least half of the teams.
pub fn core(workflows: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let n = workflows.len();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for s in workflows.values() {
        for x in s {
            *count.entry(x.as_str()).or_insert(0) += 1;
        }
    }
    count
        .into_iter()
        .filter(|(_, c)| 2 * c >= n && n > 0)
        .map(|(s, _)| s.to_string())
        .collect()
}

/// Every team's figures, by team name.
pub fn analyse(
    workflows: &BTreeMap<String, BTreeSet<String>>,
) -> (BTreeSet<String>, Vec<TeamWorkflow>) {
    let core = core(workflows);
    let teams = workflows
        .iter()
        .map(|(team, statuses)| {
            let unique = statuses
                .iter()
                .filter(|s| workflows.iter().all(|(t, o)| t == team || !o.contains(*s)))
                .cloned()
                .collect();
            TeamWorkflow {
                team: team.clone(),
                statuses: statuses.clone(),
                similarity: jaccard(statuses, &core),
                unique,
            }
        })
        .collect();
    (core, teams)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn core_is_used_by_half_and_similarity_is_jaccard() {
        let mut w = BTreeMap::new();
        w.insert("A".to_string(), set(&["To Do", "In Progress", "Done"]));
        w.insert(
            "B".to_string(),
            set(&["To Do", "In Progress", "Review", "Done"]),
        );
        w.insert("C".to_string(), set(&["To Do", "In Progress", "Done"]));
        w.insert("D".to_string(), set(&["Backlog", "Doing", "Closed"]));
        let (core, teams) = analyse(&w);
        assert_eq!(core, set(&["Done", "In Progress", "To Do"]));
        assert_eq!(teams[0].similarity, Some(1.0));
        assert_eq!(teams[1].similarity, Some(0.75));
        assert_eq!(teams[1].unique, vec!["Review".to_string()]);
        assert_eq!(teams[3].similarity, Some(0.0));
        assert_eq!(teams[3].unique.len(), 3);
        assert_eq!(jaccard(&set(&[]), &set(&[])), None);
    }
}
