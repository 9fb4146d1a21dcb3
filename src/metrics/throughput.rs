//! Throughput (METRICS.md §6): done items per ISO week (Monday 00:00 in the report time
//! zone), per team (team at `finished`) and overall, every week of the grid present, empty
//! weeks as 0. The grid runs over the weeks that intersect the period (without a period:
//! from the earliest `created` to `as_of`), partial weeks at either end included.

use crate::model::Ts;
use crate::time::{local_date, week_start};
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use std::collections::BTreeMap;

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
    let index: BTreeMap<NaiveDate, usize> = grid.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut out = vec![0u64; grid.len()];
    for f in finished {
        if let Some(i) = index.get(&week_start(local_date(f, tz))) {
            out[*i] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

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
