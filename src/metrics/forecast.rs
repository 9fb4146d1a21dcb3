//! Monte Carlo forecasts (METRICS.md §6).
//!
//! History: daily done counts over the `history_days` (84) days ending at `as_of`, windows
//! `(as_of − (k+1)·24h, as_of − k·24h]` for k = 0..83. Each trial samples days uniformly with
//! replacement from that history (seeded generator, 10,000 trials by default).
//!
//! - *How many in N days*: the simulated total of N sampled days; reported with 50/85/95 %
//!   confidence as the 50th/15th/5th percentiles of the totals.
//! - *When will K items be done* (K = the current WIP; not computed when the WIP is 0): the
//!   number of sampled days until the running total reaches K; reported as the 50th/85th/95th
//!   percentiles. A history with no done item cannot finish anything: no answer.
//! - Percentiles use the linear interpolation of §6. With a constant history of c items per
//!   day the results are exact: N·c items; ⌈K/c⌉ days.

use super::percentiles::percentile_sorted;
use crate::model::Ts;
use crate::rng::Rng;

const DAY: i64 = crate::model::MICROS_PER_DAY_I64;
/// A trial that has not reached K after this many days gives up (no answer).
const MAX_DAYS: u32 = 3650;

/// Daily done counts, k = 0 (the day ending at `as_of`) first.
pub fn daily_history(
    finished: impl IntoIterator<Item = Ts>,
    as_of: Ts,
    history_days: u32,
) -> Vec<u64> {
    let mut out = vec![0u64; history_days as usize];
    for f in finished {
        if f > as_of {
            continue;
        }
        // f in (as_of − (k+1)·DAY, as_of − k·DAY]  ⇔  k = ⌊(as_of − f) / DAY⌋ adjusted for the closed end.
        let diff = as_of - f;
        let k = if diff == 0 {
            0
        } else {
            ((diff - 1) / DAY) as usize
        };
        if k < out.len() {
            out[k] += 1;
        }
    }
    out
}

/// Confidence levels reported.
pub const CONFIDENCE: [u32; 3] = [50, 85, 95];

/// One group's forecasts (the organisation or a team): "how many" for each horizon that has
/// an answer, and "when" its `wip` items in progress are done.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupForecast {
    /// (horizon in days, counts at 50/85/95 % confidence).
    pub how_many: Vec<(u32, [f64; 3])>,
    /// Items in progress now.
    pub wip: u64,
    /// Days to finish them at 50/85/95 % confidence.
    pub when: Option<[f64; 3]>,
}

/// The forecasts of a group from its finished instants and items in progress, with `seed`.
pub fn group(
    finished: impl IntoIterator<Item = Ts>,
    wip: u64,
    as_of: Ts,
    fc: &crate::config::Forecast,
    seed: u64,
) -> GroupForecast {
    let history = daily_history(finished, as_of, fc.history_days);
    GroupForecast {
        how_many: fc
            .horizons_days
            .iter()
            .filter_map(|h| Some((*h, how_many(&history, *h, fc.trials, seed)?)))
            .collect(),
        wip,
        when: when(&history, wip, fc.trials, seed),
    }
}

/// "How many in `horizon` days": the counts reached with 50/85/95 % confidence.
pub fn how_many(history: &[u64], horizon: u32, trials: u32, seed: u64) -> Option<[f64; 3]> {
    if history.is_empty() || trials == 0 {
        return None;
    }
    if history.iter().all(|&c| c == 0) {
        // Every trial totals 0: the answer without drawing.
        return Some([0.0; 3]);
    }
    let mut rng = Rng::new(seed);
    let mut totals: Vec<f64> = (0..trials)
        .map(|_| {
            (0..horizon)
                .map(|_| history[rng.below(history.len())])
                .sum::<u64>() as f64
        })
        .collect();
    totals.sort_by(f64::total_cmp);
    Some([
        percentile_sorted(&totals, 0.50)?,
        percentile_sorted(&totals, 0.15)?,
        percentile_sorted(&totals, 0.05)?,
    ])
}

/// "When will `target` items be done": days with 50/85/95 % confidence. None when the
/// target is 0, or the history cannot reach it.
pub fn when(history: &[u64], target: u64, trials: u32, seed: u64) -> Option<[f64; 3]> {
    if target == 0 || trials == 0 || history.iter().all(|&c| c == 0) {
        return None;
    }
    let mut rng = Rng::new(seed);
    let mut days = Vec::with_capacity(trials as usize);
    for _ in 0..trials {
        let (mut total, mut d) = (0u64, 0u32);
        while total < target {
            if d >= MAX_DAYS {
                return None;
            }
            total += history[rng.below(history.len())];
            d += 1;
        }
        days.push(d as f64);
    }
    days.sort_by(f64::total_cmp);
    Some([
        percentile_sorted(&days, 0.50)?,
        percentile_sorted(&days, 0.85)?,
        percentile_sorted(&days, 0.95)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_windows_are_half_open_on_the_left() {
        let as_of = 100 * DAY;
        let h = daily_history(
            [
                as_of,
                as_of - 1,
                as_of - DAY,
                as_of - DAY - 1,
                as_of - 84 * DAY,
                as_of + 1,
            ],
            as_of,
            84,
        );
        assert_eq!(
            h[0], 3,
            "as_of, as_of−1µs and as_of−24h are in the first window"
        );
        assert_eq!(h[1], 1);
        assert_eq!(h[83], 1);
        assert_eq!(h.iter().sum::<u64>(), 5);
    }

    #[test]
    fn constant_history_is_exact() {
        let h = vec![3u64; 84];
        assert_eq!(how_many(&h, 14, 10_000, 42), Some([42.0, 42.0, 42.0]));
        assert_eq!(how_many(&h, 28, 500, 1), Some([84.0, 84.0, 84.0]));
        assert_eq!(
            when(&h, 10, 10_000, 42),
            Some([4.0, 4.0, 4.0]),
            "⌈10/3⌉ = 4"
        );
        assert_eq!(when(&h, 9, 100, 42), Some([3.0, 3.0, 3.0]));
        assert_eq!(when(&h, 0, 100, 42), None);
        assert_eq!(when(&[0; 84], 5, 100, 42), None);
    }

    #[test]
    fn an_empty_history_forecasts_nothing_done_without_sampling() {
        assert_eq!(how_many(&[0; 84], 14, 10_000, 42), Some([0.0, 0.0, 0.0]));
        let fc = crate::config::Forecast::default();
        let g = group([100 * DAY], 3, 100 * DAY, &fc, 42);
        assert_eq!(g.wip, 3);
        // One item in 84 days: 14 days hold 0 items at 85% confidence.
        assert_eq!(g.how_many.len(), fc.horizons_days.len());
        assert_eq!(g.how_many[0].1[1], 0.0);
        assert!(g.when.is_some());
        let none = group(std::iter::empty(), 3, 100 * DAY, &fc, 42);
        assert_eq!(none.when, None);
        assert!(none.how_many.iter().all(|(_, v)| *v == [0.0; 3]));
    }

    #[test]
    fn same_seed_same_numbers_and_confidence_is_ordered() {
        let h: Vec<u64> = (0..84).map(|i| (i % 5) as u64).collect();
        let a = how_many(&h, 14, 10_000, 7).unwrap();
        assert_eq!(Some(a), how_many(&h, 14, 10_000, 7));
        assert!(a[0] >= a[1] && a[1] >= a[2], "{a:?}");
        let w = when(&h, 30, 10_000, 7).unwrap();
        assert!(w[0] <= w[1] && w[1] <= w[2], "{w:?}");
    }
}
