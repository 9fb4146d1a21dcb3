//! Cycle time (METRICS.md §3): `finished − started` in days, for items whose outcome is
//! `done` and that were started (`started ≤ finished`). An item done without ever being
//! started (Linear "Done" with no "Started") has a null cycle time and is counted in the
//! `done_without_start` warning.

use super::lifecycle::{finished, outcome, started, Outcome};
use crate::model::{days, Ts};
use crate::timeline::Timeline;

/// Cycle time in days, for done items that were started.
pub fn cycle_time_days(t: &Timeline) -> Option<f64> {
    cycle_time_of(outcome(t), started(t), finished(t))
}

/// Cycle time in days of an item with `outcome`, `started` and `finished` (what an item
/// record keeps: the record derives it rather than holding it).
pub fn cycle_time_of(outcome: Outcome, started: Option<Ts>, finished: Option<Ts>) -> Option<f64> {
    if outcome != Outcome::Done {
        return None;
    }
    match (started, finished) {
        (Some(s), Some(f)) if s <= f => Some(days(f - s)),
        _ => None,
    }
}

/// True for a done item with no start (the warning's condition).
pub fn done_without_start(t: &Timeline) -> bool {
    outcome(t) == Outcome::Done && started(t).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;

    #[test]
    fn first_start_counts_even_after_backlog_move() {
        let c = ctx(30.0);
        // Start, back to backlog, start again, done: cycle time from the first start.
        let e = [
            st(0.0, "To Do"),
            st(1.0, "In Progress"),
            st(2.0, "To Do"),
            st(4.0, "In Progress"),
            st(6.0, "Done"),
        ];
        assert_eq!(cycle_time_days(&Timeline::build("X", &e, &c)), Some(5.0));
    }

    #[test]
    fn done_without_start_is_null_and_flagged() {
        let c = ctx(30.0);
        let e = [st(0.0, "To Do"), st(3.0, "Done")];
        let t = Timeline::build("X", &e, &c);
        assert_eq!(cycle_time_days(&t), None);
        assert!(done_without_start(&t));
    }

    #[test]
    fn waiting_counts_as_started() {
        let c = ctx(30.0);
        let e = [
            st(0.0, "Backlog"),
            st(2.0, "Ready for Dev"),
            st(3.0, "In Progress"),
            st(5.0, "Closed"),
        ];
        assert_eq!(cycle_time_days(&Timeline::build("X", &e, &c)), Some(3.0));
    }
}
