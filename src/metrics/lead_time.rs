//! Lead time (METRICS.md §3): `finished − created` in days, for items whose outcome is
//! `done`; null otherwise.

use super::lifecycle::{finished, outcome, Outcome};
use crate::model::{days, Ts};
use crate::timeline::Timeline;

/// Lead time in days, for done items.
pub fn lead_time_days(t: &Timeline) -> Option<f64> {
    lead_time_of(outcome(t), t.created, finished(t))
}

/// Lead time in days of an item with `outcome`, `created` and `finished` (what an item record
/// keeps: the record derives it rather than holding it).
pub fn lead_time_of(outcome: Outcome, created: Ts, finished: Option<Ts>) -> Option<f64> {
    if outcome != Outcome::Done {
        return None;
    }
    finished.map(|f| days(f - created))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;

    #[test]
    fn done_items_only() {
        let c = ctx(30.0);
        let mut e = [st(1.0, "To Do"), st(2.0, "In Progress"), st(5.5, "Done")];
        e[0].created = Some(day(0.0));
        assert_eq!(lead_time_days(&Timeline::build("X", &e, &c)), Some(5.5));
        let e = [st(1.0, "To Do"), st(2.0, "Canceled")];
        assert_eq!(lead_time_days(&Timeline::build("X", &e, &c)), None);
        let e = [st(1.0, "In Progress")];
        assert_eq!(lead_time_days(&Timeline::build("X", &e, &c)), None);
    }
}
