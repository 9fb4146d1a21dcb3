//! Throughput (METRICS.md §6): done items per ISO week (Monday 00:00 in the report time
//! zone), per team (team at `finished`) and overall, every week of the grid present, empty
//! weeks as 0. The grid runs over the weeks that intersect the period (without a period:
//! from the earliest `created` to `as_of`), partial weeks at either end included.

use crate::model::Ts;
use crate::time::{day_start, local_date, week_start};
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;

/// The Monday of every week of the grid `[from, to]` (inclusive of the week of `to`).
pub fn week_grid(from: Ts, to: Ts, tz: Tz) -> Vec<NaiveDate> {
    let first = week_start(local_date(from, tz));
    let last = week_start(local_date(to.max(from), tz));
    let mut out = Vec::new();
    let mut w = first;
    while w <= last {
        out.push(w);
        w += Duration::days(7);
    }
    out
}

/// Done counts per week of the grid from the `finished` instants.
pub fn weekly_counts(
    grid: &[NaiveDate],
    finished: impl IntoIterator<Item = Ts>,
    tz: Tz,
) -> Vec<u64> {
    WeekIndex::new(grid, tz).counts(finished)
}

/// Which week of a grid of Mondays an instant falls in, by the instants the weeks start and
/// end at in the report time zone: the same answer as the Monday of the instant's local date,
/// without converting every instant to a local date (a binary search over the weeks instead;
/// local dates never decrease as instants increase).
pub struct WeekIndex {
    /// First instant of each week's Monday, in grid order.
    starts: Vec<Ts>,
    /// First instant of the Monday after each week.
    ends: Vec<Ts>,
}

impl WeekIndex {
    /// The index of the weeks of `grid` (Mondays, increasing).
    pub fn new(grid: &[NaiveDate], tz: Tz) -> WeekIndex {
        WeekIndex {
            starts: grid.iter().map(|d| day_start(*d, tz)).collect(),
            ends: grid
                .iter()
                .map(|d| day_start(*d + Duration::days(7), tz))
                .collect(),
        }
    }

    /// Done counts per week from the `finished` instants ([`weekly_counts`] of this index's
    /// grid: an index made once serves every team; making it converts two local dates per
    /// week).
    pub fn counts(&self, finished: impl IntoIterator<Item = Ts>) -> Vec<u64> {
        let mut out = vec![0u64; self.starts.len()];
        for f in finished {
            if let Some(i) = self.week_of(f) {
                out[i] += 1;
            }
        }
        out
    }

    /// The week of the grid that instant `t` falls in, if any.
    pub fn week_of(&self, t: Ts) -> Option<usize> {
        let i = self.starts.partition_point(|s| *s <= t).checked_sub(1)?;
        (t < self.ends[i]).then_some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    #[test]
    fn the_week_index_agrees_with_the_monday_of_the_local_date() {
        // Across both DST changes of 2024 in Berlin and a grid with a gap between weeks.
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let monday = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let grid = [
            monday("2024-03-25"),
            monday("2024-04-01"),
            monday("2024-10-21"),
            monday("2024-10-28"),
        ];
        let index = WeekIndex::new(&grid, tz);
        let from = p("2024-03-20T00:00:00Z");
        let to = p("2024-11-10T00:00:00Z");
        let mut t = from;
        while t < to {
            for dt in [0, 1, -1] {
                let at = t + dt;
                let want = grid
                    .iter()
                    .position(|w| *w == week_start(local_date(at, tz)));
                assert_eq!(index.week_of(at), want, "{at}");
            }
            // Every 20 minutes, and each instant around it.
            t += 20 * 60 * 1_000_000;
        }
    }

    fn p(s: &str) -> Ts {
        parse_instant(s, Tz::UTC).unwrap().0
    }

    #[test]
    fn weeks_are_zero_filled_and_cut_in_the_report_zone() {
        let grid = week_grid(
            p("2024-03-06T00:00:00Z"),
            p("2024-03-25T12:00:00Z"),
            Tz::UTC,
        );
        assert_eq!(grid.len(), 4);
        assert_eq!(grid[0].to_string(), "2024-03-04");
        let counts = weekly_counts(
            &grid,
            [
                p("2024-03-06T10:00:00Z"),
                p("2024-03-07T10:00:00Z"),
                p("2024-03-25T00:00:00Z"),
            ],
            Tz::UTC,
        );
        assert_eq!(counts, vec![2, 0, 0, 1]);
        // Sunday 23:30 UTC is already Monday in Paris.
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let counts = weekly_counts(&grid, [p("2024-03-10T23:30:00Z")], paris);
        assert_eq!(counts, vec![0, 1, 0, 0]);
    }

    #[test]
    fn dst_week_is_neither_lost_nor_doubled() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let grid = week_grid(p("2024-03-20T00:00:00Z"), p("2024-04-10T00:00:00Z"), paris);
        let names: Vec<String> = grid.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            names,
            ["2024-03-18", "2024-03-25", "2024-04-01", "2024-04-08"]
        );
    }
}
