//! Flow efficiency (METRICS.md §3).
//!
//! - **item**: active time inside `[started, finished]` ÷ `(finished − started)`, for done
//!   items with cycle time > 0; null otherwise. Time that falls back into `backlog` after
//!   `started` counts as not active.
//! - **aggregate** of a group: Σ active ÷ Σ cycle time over its done items with cycle time
//!   > 0 (time-weighted, not a mean of ratios); null when there are none.

use super::cycle_time::cycle_time_days;
use super::time_in_status::committed_days;
use crate::timeline::Timeline;

/// Item flow efficiency.
pub fn flow_efficiency(t: &Timeline) -> Option<f64> {
    flow_efficiency_of(cycle_time_days(t), || committed_days(t).map(|c| c.0))
}

/// Item flow efficiency from its cycle time and its active days (asked for only when the
/// cycle time is above 0); what an item record derives from the figures it keeps.
pub fn flow_efficiency_of(cycle: Option<f64>, active: impl FnOnce() -> Option<f64>) -> Option<f64> {
    let cycle = cycle?;
    if cycle <= 0.0 {
        return None;
    }
    Some(active()? / cycle)
}

/// Aggregate flow efficiency from (active days, cycle days) of done items.
pub fn aggregate(pairs: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    let (mut a, mut c) = (0.0, 0.0);
    for (active, cycle) in pairs {
        if cycle > 0.0 {
            a += active;
            c += cycle;
        }
    }
    (c > 0.0).then(|| a / c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;

    #[test]
    fn queues_and_backlog_after_start_are_not_active() {
        let c = ctx(30.0);
        let e = [
            st(0.0, "To Do"),
            st(1.0, "In Progress"),
            st(2.0, "Ready for Review"),
            st(4.0, "To Do"),
            st(5.0, "In Review"),
            st(6.0, "Done"),
        ];
        // cycle 5 days; active = 1 (In Progress) + 1 (In Review) = 2.
        assert_eq!(flow_efficiency(&Timeline::build("X", &e, &c)), Some(0.4));
    }

    #[test]
    fn zero_cycle_is_null_and_aggregate_is_time_weighted() {
        let c = ctx(30.0);
        let e = [st(0.0, "In Progress"), st(0.0, "Done")];
        assert_eq!(flow_efficiency(&Timeline::build("X", &e, &c)), None);
        // (1 of 2) and (9 of 10): mean of ratios would be 0.7; time-weighted is 10/12.
        assert_eq!(
            aggregate([(1.0, 2.0), (9.0, 10.0), (0.0, 0.0)]),
            Some(10.0 / 12.0)
        );
        assert_eq!(aggregate([]), None);
    }
}
