//! Time in status and category (METRICS.md §3).
//!
//! The status timeline is cut into intervals `[t_i, t_{i+1})`; the last interval ends at
//! `finished` for terminal items and at `as_of` for open items; time after `finished` is
//! not counted (so a terminal item's times sum to `finished − created`, an open item's to
//! `as_of − created`). Summed per item × status and per item × category.
//!
//! **active_days, waiting_days, blocked_days**: time in those categories inside
//! `[started, finished]` (open items: `[started, as_of]`); null when the item was never
//! started (the window does not exist). Committed time can only follow `started`, so these
//! equal the item's category totals.

use super::lifecycle::{end, started};
use crate::model::{days, Category, Ts};
use crate::timeline::{Interval, Timeline};

/// Duration of each interval (microseconds), cut at the item's end. Same order as
/// `t.intervals`.
pub fn interval_durations(t: &Timeline) -> Vec<Ts> {
    let stop = end(t);
    let n = t.intervals.len();
    (0..n)
        .map(|k| {
            let s = t.intervals[k].start;
            let e = if k + 1 < n {
                t.intervals[k + 1].start
            } else {
                stop
            };
            (e.min(stop) - s).max(0)
        })
        .collect()
}

/// Time per category (microseconds), indexed by [`Category::index`].
pub fn category_time(t: &Timeline) -> [Ts; 6] {
    let mut out = [0; 6];
    for (i, d) in t.intervals.iter().zip(interval_durations(t)) {
        out[i.category.index()] += d;
    }
    out
}

/// Time per status, in first-seen order: (interval, total microseconds).
pub fn status_time<'a, 'b>(t: &'b Timeline<'a>) -> Vec<(&'b Interval<'a>, Ts)> {
    let mut out: Vec<(&'b Interval<'a>, Ts)> = Vec::new();
    for (i, d) in t.intervals.iter().zip(interval_durations(t)) {
        match out
            .iter_mut()
            .find(|(x, _)| x.status == i.status && x.category == i.category)
        {
            Some((_, acc)) => *acc += d,
            None => out.push((i, d)),
        }
    }
    out
}

/// Active, waiting and blocked days inside `[started, end]`; `None` if never started, and
/// for an activity log that records completions only (it cannot tell work from waiting).
pub fn committed_days(t: &Timeline) -> Option<(f64, f64, f64)> {
    started(t)?;
    if t.activity && !t.measures_active {
        return None;
    }
    let c = category_time(t);
    Some((
        days(c[Category::Active.index()]),
        days(c[Category::Waiting.index()]),
        days(c[Category::Blocked.index()]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::testing::*;

    #[test]
    fn terminal_item_sums_to_finished_minus_created() {
        let c = ctx(30.0);
        let e = [
            st(0.0, "To Do"),
            st(1.0, "In Progress"),
            st(3.0, "Blocked"),
            st(4.0, "In Progress"),
            st(5.0, "Resolved"),
            st(9.0, "Closed"),
        ];
        let t = Timeline::build("X", &e, &c);
        let ct = category_time(&t);
        assert_eq!(ct.iter().sum::<i64>(), day(5.0) - day(0.0));
        assert_eq!(days(ct[Category::Active.index()]), 3.0);
        assert_eq!(days(ct[Category::Blocked.index()]), 1.0);
        assert_eq!(
            ct[Category::Done.index()],
            0,
            "time after finished is not counted"
        );
        assert_eq!(committed_days(&t), Some((3.0, 0.0, 1.0)));
        let st_ = status_time(&t);
        assert_eq!(
            st_.iter()
                .find(|(i, _)| i.status == "In Progress")
                .map(|x| days(x.1)),
            Some(3.0)
        );
    }

    #[test]
    fn open_item_runs_to_as_of_and_reopen_time_counts() {
        let c = ctx(10.0);
        let e = [
            st(0.0, "In Progress"),
            st(2.0, "Done"),
            st(5.0, "In Progress"),
        ];
        let t = Timeline::build("X", &e, &c);
        let ct = category_time(&t);
        assert_eq!(days(ct[Category::Done.index()]), 3.0);
        assert_eq!(days(ct[Category::Active.index()]), 7.0);
        assert_eq!(ct.iter().sum::<i64>(), day(10.0) - day(0.0));
    }

    #[test]
    fn never_started_has_no_committed_days() {
        let c = ctx(10.0);
        let e = [st(0.0, "To Do"), st(2.0, "Done")];
        assert_eq!(committed_days(&Timeline::build("X", &e, &c)), None);
    }
}
