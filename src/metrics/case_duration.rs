//! Case duration (METRICS.md §3): last event − first event in days, for every item
//! (events up to `as_of`). Process-mining compatible: equals pm4py's case duration.

use crate::model::{days, Ts};
use crate::timeline::Timeline;

/// Case duration in days.
pub fn case_duration_days(t: &Timeline) -> f64 {
    case_duration_of(t.first_event, t.last_event)
}

/// Case duration in days of an item whose first and last events are at `first` and `last`.
pub fn case_duration_of(first: Ts, last: Ts) -> f64 {
    days(last - first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;

    #[test]
    fn first_to_last_event_regardless_of_created() {
        let c = ctx(30.0);
        let mut e = [st(1.0, "To Do"), st(3.25, "Done"), st(4.0, "Closed")];
        e[0].created = Some(day(0.0));
        assert_eq!(case_duration_days(&Timeline::build("X", &e, &c)), 3.0);
        let e = [st(1.0, "To Do")];
        assert_eq!(case_duration_days(&Timeline::build("X", &e, &c)), 0.0);
    }
}
