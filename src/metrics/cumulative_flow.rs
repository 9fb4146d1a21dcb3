//! WIP and cumulative flow (METRICS.md §6): for each day of the grid, the number of items in
//! each category at the end of that day (items not yet created are not counted). WIP = items
//! in committed categories.
//!
//! An item's category changes are taken at their local date in the report time zone: a
//! change on day D counts from the end of day D on. Computed with a difference array over
//! the grid (O(changes + days)), so ten million events cost no more than one pass.

use crate::model::{Category, Ts};
use crate::time::DayIndex;
use chrono::NaiveDate;
use chrono_tz::Tz;

/// Every day from `from` to `to` inclusive.
pub fn day_grid(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        out.push(d);
        d = d.succ_opt().expect("invariant: dates in range");
    }
    out
}

/// Accumulates items into daily counts per category.
pub struct CumulativeFlow {
    days: DayIndex,
    delta: Vec<[i64; 6]>,
}

impl CumulativeFlow {
    /// A new accumulator over `days` (consecutive, non-empty).
    pub fn new(days: &[NaiveDate], tz: Tz) -> Self {
        let first = days.first().copied().unwrap_or_default();
        CumulativeFlow {
            days: DayIndex::new(first, days.last().copied().unwrap_or(first), tz),
            delta: vec![[0; 6]; days.len() + 1],
        }
    }

    fn index(&self, t: Ts) -> Option<usize> {
        let d = self.days.days_from_first(t);
        (d < self.delta.len() - 1).then_some(d)
    }

    /// Add one item's category changes (first at `created`).
    pub fn add(&mut self, changes: &[(Ts, Category)]) {
        self.add_each(changes.iter().copied());
    }

    /// [`add`](Self::add), the changes given one by one.
    pub fn add_each(&mut self, changes: impl IntoIterator<Item = (Ts, Category)>) {
        let mut prev: Option<Category> = None;
        for (t, c) in changes {
            let Some(i) = self.index(t) else { break };
            if let Some(p) = prev {
                self.delta[i][p.index()] -= 1;
            }
            self.delta[i][c.index()] += 1;
            prev = Some(c);
        }
    }

    /// Daily counts, one `[u64; 6]` per day, indexed by [`Category::index`].
    pub fn counts(&self) -> Vec<[u64; 6]> {
        let mut run = [0i64; 6];
        self.delta[..self.delta.len() - 1]
            .iter()
            .map(|d| {
                for k in 0..6 {
                    run[k] += d[k];
                }
                run.map(|v| v.max(0) as u64)
            })
            .collect()
    }
}

/// WIP (committed items) of a day's counts.
pub fn wip(counts: &[u64; 6]) -> u64 {
    counts[Category::Active.index()]
        + counts[Category::Waiting.index()]
        + counts[Category::Blocked.index()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    fn p(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    #[test]
    fn end_of_day_counts_with_zero_length_changes_and_uncreated_items() {
        let days = day_grid(
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 1, 5).unwrap(),
        );
        let mut cf = CumulativeFlow::new(&days, Tz::UTC);
        cf.add(&[
            (p("2024-01-01T10:00:00Z"), Category::Backlog),
            (p("2024-01-02T10:00:00Z"), Category::Active),
            (p("2024-01-04T10:00:00Z"), Category::Done),
        ]);
        // Created on day 3, active and blocked the same day: blocked at its end.
        cf.add(&[
            (p("2024-01-03T09:00:00Z"), Category::Active),
            (p("2024-01-03T09:00:00Z"), Category::Blocked),
        ]);
        let c = cf.counts();
        assert_eq!(c[0], [1, 0, 0, 0, 0, 0]);
        assert_eq!(c[1], [0, 1, 0, 0, 0, 0]);
        assert_eq!(c[2], [0, 1, 0, 1, 0, 0]);
        assert_eq!(c[3], [0, 0, 0, 1, 1, 0]);
        assert_eq!(wip(&c[2]), 2);
        assert_eq!(c.len(), 5);
    }

    #[test]
    fn days_are_cut_in_the_report_zone_across_dst() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let days = day_grid(
            NaiveDate::from_ymd_opt(2024, 3, 30).unwrap(),
            NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
        );
        assert_eq!(days.len(), 3, "the DST day is neither lost nor doubled");
        let mut cf = CumulativeFlow::new(&days, paris);
        // 22:30 UTC on 03-30 is 23:30 in Paris (still the 30th); 22:30 UTC on 03-31 is 00:30 on 04-01.
        cf.add(&[(p("2024-03-30T22:30:00Z"), Category::Active)]);
        cf.add(&[(p("2024-03-31T22:30:00Z"), Category::Active)]);
        let c = cf.counts();
        assert_eq!(c.iter().map(wip).collect::<Vec<_>>(), vec![1, 1, 2]);
    }
}
