//! `started`, `finished` and `outcome` (METRICS.md §3).
//!
//! - **started**: the first instant the item's category is committed (active, waiting,
//!   blocked). Null if it never is.
//! - **finished**: if the last category (as of `as_of`) is terminal, the instant of the
//!   *last* transition from a non-terminal category into a terminal one; an item whose first
//!   status is already terminal finishes at `created` (unless a later transition into a
//!   terminal category follows). Moving between two terminal statuses (Resolved → Closed)
//!   does not move `finished`. Otherwise null.
//! - **outcome**: `done`, `canceled`, or `open` (the category of the last status; an item
//!   with no status at all is `open`).

use crate::model::{Category, Ts};
use crate::timeline::Timeline;
use serde::Serialize;

/// How an item ended as of `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Delivered.
    Done,
    /// Ended without delivering.
    Canceled,
    /// Not terminal.
    Open,
}

impl Outcome {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Canceled => "canceled",
            Outcome::Open => "open",
        }
    }
}

/// First instant in a committed category; in an activity log, `created` (the case's first
/// event, METRICS.md §11).
pub fn started(t: &Timeline) -> Option<Ts> {
    if t.activity {
        return t.intervals.first().map(|_| t.created);
    }
    t.intervals
        .iter()
        .find(|i| i.category.is_committed())
        .map(|i| i.start)
}

/// Last transition into a terminal category, when the item ends terminal.
pub fn finished(t: &Timeline) -> Option<Ts> {
    let last = t.intervals.last()?;
    if !last.category.is_terminal() {
        return None;
    }
    let mut f = if t.intervals[0].category.is_terminal() {
        Some(t.created)
    } else {
        None
    };
    for w in t.intervals.windows(2) {
        if !w[0].category.is_terminal() && w[1].category.is_terminal() {
            f = Some(w[1].start);
        }
    }
    f
}

/// Outcome from the last category.
pub fn outcome(t: &Timeline) -> Outcome {
    match t.last_category() {
        Some(Category::Done) => Outcome::Done,
        Some(Category::Canceled) => Outcome::Canceled,
        _ => Outcome::Open,
    }
}

/// The instant time stops counting for this item: `finished` for terminal items, `as_of`
/// for open ones.
pub fn end(t: &Timeline) -> Ts {
    finished(t).unwrap_or(t.as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;
    use crate::timeline::Timeline;

    #[test]
    fn resolved_then_closed_does_not_move_finished() {
        let c = ctx(30.0);
        let e = [
            st(0.0, "To Do"),
            st(1.0, "In Progress"),
            st(4.0, "Resolved"),
            st(9.0, "Closed"),
        ];
        let t = Timeline::build("X", &e, &c);
        assert_eq!(started(&t), Some(day(1.0)));
        assert_eq!(finished(&t), Some(day(4.0)));
        assert_eq!(outcome(&t), Outcome::Done);
    }

    #[test]
    fn reopen_moves_finished_to_last_close() {
        let c = ctx(30.0);
        let e = [
            st(0.0, "In Progress"),
            st(2.0, "Done"),
            st(3.0, "Reopened"),
            st(4.0, "In Progress"),
            st(6.0, "Done"),
        ];
        let t = Timeline::build("X", &e, &c);
        assert_eq!(started(&t), Some(day(0.0)));
        assert_eq!(finished(&t), Some(day(6.0)));
    }

    #[test]
    fn first_status_terminal_finishes_at_created_and_open_items_have_none() {
        let c = ctx(30.0);
        let mut e = [st(1.0, "Done")];
        e[0].created = Some(day(0.5));
        let t = Timeline::build("X", &e, &c);
        assert_eq!(finished(&t), Some(day(0.5)));
        assert_eq!(started(&t), None);
        let e = [
            st(1.0, "In Progress"),
            st(2.0, "Done"),
            st(3.0, "In Progress"),
        ];
        let t = Timeline::build("Y", &e, &c);
        assert_eq!(finished(&t), None);
        assert_eq!(outcome(&t), Outcome::Open);
        assert_eq!(end(&t), day(30.0));
    }

    #[test]
    fn canceled_outcome_and_no_status_is_open() {
        let c = ctx(30.0);
        let e = [st(0.0, "To Do"), st(2.0, "Won't Do")];
        let t = Timeline::build("X", &e, &c);
        assert_eq!(outcome(&t), Outcome::Canceled);
        assert_eq!(finished(&t), Some(day(2.0)));
        let e = [ev(0.0, None, Some("ann"), None)];
        let t = Timeline::build("Y", &e, &c);
        assert_eq!(outcome(&t), Outcome::Open);
        assert_eq!(started(&t), None);
    }
}
