//! Backward moves (METRICS.md §3): transitions from a committed category back to
//! `backlog`, plus, where the config declares an ordered workflow for the team in force at
//! the transition (`[workflow_order]`), transitions to an earlier status of that order. One
//! transition counts once. Reopens (terminal → non-terminal) are not counted here.
//! Status names in the workflow order are compared case-insensitively. An activity log has
//! none: its rework is counted as repeated activities (METRICS.md §11).

use crate::model::{Category, Ts};
use crate::timeline::Timeline;
use std::collections::BTreeMap;

fn position(order: &[String], status: &str) -> Option<usize> {
    order.iter().position(|s| s.eq_ignore_ascii_case(status))
}

/// Instants of the backward moves.
pub fn backward_move_instants(
    t: &Timeline,
    workflow_order: &BTreeMap<String, Vec<String>>,
) -> Vec<Ts> {
    let mut out = Vec::new();
    if t.activity {
        return out;
    }
    for w in t.intervals.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.category.is_terminal() {
            continue;
        }
        let to_backlog = a.category.is_committed() && b.category == Category::Backlog;
        let earlier = b
            .team
            .and_then(|team| workflow_order.get(team))
            .and_then(|order| Some((position(order, a.status)?, position(order, b.status)?)))
            .is_some_and(|(pa, pb)| pb < pa);
        if to_backlog || earlier {
            out.push(b.start);
        }
    }
    out
}

/// Number of backward moves.
pub fn backward_moves(t: &Timeline, workflow_order: &BTreeMap<String, Vec<String>>) -> u32 {
    backward_move_instants(t, workflow_order).len() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;

    #[test]
    fn committed_to_backlog_and_declared_order() {
        let c = ctx(30.0);
        let none = BTreeMap::new();
        let e = [
            st(0.0, "To Do"),
            st(1.0, "In Progress"),
            st(2.0, "To Do"),
            st(3.0, "In Progress"),
            st(4.0, "Done"),
            st(5.0, "To Do"),
        ];
        let t = Timeline::build("X", &e, &c);
        assert_eq!(
            backward_moves(&t, &none),
            1,
            "the reopen Done → To Do is not a backward move"
        );
        let mut order = BTreeMap::new();
        order.insert(
            "Payments".to_string(),
            vec![
                "To Do".into(),
                "In Progress".into(),
                "In Review".into(),
                "Done".into(),
            ],
        );
        let e = [
            ev(0.0, Some("To Do"), None, Some("Payments")),
            ev(1.0, Some("In Progress"), None, None),
            ev(2.0, Some("In Review"), None, None),
            ev(3.0, Some("In Progress"), None, None),
            ev(4.0, Some("To Do"), None, None),
        ];
        let t = Timeline::build("Y", &e, &c);
        // In Review → In Progress (order), In Progress → To Do (both rules, counted once).
        assert_eq!(backward_moves(&t, &order), 2);
        assert_eq!(backward_moves(&t, &none), 1);
    }
}
