//! Reopens (METRICS.md §3): the number of transitions from a terminal category to a
//! non-terminal one. **Reopen rate** = items with ≥ 1 reopen ÷ items that ever entered a
//! terminal category (null when none did).

use crate::model::Ts;
use crate::timeline::Timeline;

/// Number of reopens; in an activity log, the executions of an activity already executed in
/// the case (rework, METRICS.md §11).
pub fn reopens(t: &Timeline) -> u32 {
    if t.activity {
        return t.rework;
    }
    t.intervals
        .windows(2)
        .filter(|w| w[0].category.is_terminal() && !w[1].category.is_terminal())
        .count() as u32
}

/// Instant of the first reopen (activity logs: the first repeated execution).
pub fn first_reopen(t: &Timeline) -> Option<Ts> {
    if t.activity {
        return t.first_rework;
    }
    t.intervals
        .windows(2)
        .find(|w| w[0].category.is_terminal() && !w[1].category.is_terminal())
        .map(|w| w[1].start)
}

/// Did the item ever enter a terminal category?
pub fn ever_terminal(t: &Timeline) -> bool {
    t.intervals.iter().any(|i| i.category.is_terminal())
}

/// Reopen rate from (reopens, ever_terminal) per item.
pub fn reopen_rate(items: impl IntoIterator<Item = (u32, bool)>) -> Option<f64> {
    let (mut reopened, mut terminal) = (0u64, 0u64);
    for (r, t) in items {
        if t {
            terminal += 1;
            if r > 0 {
                reopened += 1;
            }
        }
    }
    (terminal > 0).then(|| reopened as f64 / terminal as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;

    #[test]
    fn counts_terminal_to_open_only() {
        let c = ctx(30.0);
        let e = [
            st(0.0, "In Progress"),
            st(1.0, "Done"),
            st(2.0, "Closed"),
            st(3.0, "Reopened"),
            st(4.0, "Done"),
            st(5.0, "In Progress"),
        ];
        let t = Timeline::build("X", &e, &c);
        assert_eq!(reopens(&t), 2);
        assert_eq!(first_reopen(&t), Some(day(3.0)));
        assert!(ever_terminal(&t));
        assert_eq!(
            reopen_rate([(2, true), (0, true), (0, false), (1, true)]),
            Some(2.0 / 3.0)
        );
        assert_eq!(reopen_rate([(0, false)]), None);
    }
}
