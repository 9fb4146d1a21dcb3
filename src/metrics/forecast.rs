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

mod shared;
mod walks;

use super::percentiles::{percentile_of, percentile_sorted};
use crate::model::Ts;
use crate::rng::Rng;
use rayon::prelude::*;

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
        count_done(&mut out, f, as_of);
    }
    out
}

/// Count an item finished at `f` in `history` (daily done counts as [`daily_history`] gives
/// them, k = 0 first), when it falls in one of its days.
pub fn count_done(history: &mut [u64], f: Ts, as_of: Ts) {
    if f > as_of {
        return;
    }
    // f in (as_of − (k+1)·DAY, as_of − k·DAY]  ⇔  k = ⌊(as_of − f) / DAY⌋ adjusted for the closed end.
    let diff = as_of - f;
    let k = if diff == 0 {
        0
    } else {
        ((diff - 1) / DAY) as usize
    };
    if let Some(c) = history.get_mut(k) {
        *c += 1;
    }
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
    let each = how_many_each(&history, &fc.horizons_days, fc.trials, seed);
    let when = when(&history, wip, fc.trials, seed);
    forecast_of(each, wip, when, fc)
}

/// A group's forecast from its "how many" answers (one per horizon) and when its `wip` items
/// are done: the horizons with an answer, and that.
fn forecast_of(
    each: Vec<Option<[f64; 3]>>,
    wip: u64,
    when: Option<[f64; 3]>,
    fc: &crate::config::Forecast,
) -> GroupForecast {
    GroupForecast {
        how_many: fc
            .horizons_days
            .iter()
            .zip(each)
            .filter_map(|(h, v)| Some((*h, v?)))
            .collect(),
        wip,
        when,
    }
}

/// The forecasts of many groups, each `(daily history, wip)` (the history as
/// [`daily_history`] gives it, `fc.history_days` long, or counted item by item with
/// [`count_done`]), all with the seed of `fc`: each exactly what [`group`] gives the same
/// group's finished instants with that seed. Every group samples the same days
/// (common random numbers, docs/METRICS.md §6), so the days are drawn once and the groups
/// look their counts up side by side ([`shared`]), spread over the threads; the same for
/// "when" ([`walks`]).
pub fn groups(inputs: &[(Vec<u64>, u64)], fc: &crate::config::Forecast) -> Vec<GroupForecast> {
    let seed = fc.seed;
    let histories: Vec<&[u64]> = inputs.iter().map(|(h, _)| &h[..]).collect();
    let widest = fc.horizons_days.iter().copied().max().unwrap_or(0) as usize;
    let longest = widest * fc.trials as usize;
    let days = fc.history_days as usize;
    // Groups that fit a lane are looked up in batches from one stream of drawn days; any
    // other (no item done, or totals beyond the shared-draws bound) is answered alone.
    let shareable = days > 0 && longest > 0 && longest <= SHARED_DRAWS;
    let (fit, alone): (Vec<usize>, Vec<usize>) =
        (0..inputs.len()).partition(|&g| shareable && shared::fits(histories[g], widest));
    let draws: Vec<u32> = if fit.is_empty() {
        Vec::new()
    } else {
        let mut rng = Rng::new(seed);
        (0..longest).map(|_| rng.below(days) as u32).collect()
    };
    // (looked up in a batch, the groups).
    let mut jobs: Vec<(bool, Vec<usize>)> = fit
        .chunks(shared::LANES)
        .map(|b| (true, b.to_vec()))
        .collect();
    jobs.extend(alone.into_iter().map(|g| (false, vec![g])));
    let answered: Vec<Vec<(usize, Vec<Option<[f64; 3]>>)>> = jobs
        .par_iter()
        .map(|(batch, job)| {
            if !batch {
                let g = job[0];
                return vec![(
                    g,
                    how_many_each(histories[g], &fc.horizons_days, fc.trials, seed),
                )];
            }
            let groups: Vec<&[u64]> = job.iter().map(|&g| histories[g]).collect();
            shared::totals(&groups, &draws, &fc.horizons_days, fc.trials)
                .into_iter()
                .zip(job)
                .map(|(totals, &g)| (g, totals.iter().map(SortedTotals::confidence).collect()))
                .collect()
        })
        .collect();
    let mut each: Vec<Vec<Option<[f64; 3]>>> = vec![Vec::new(); inputs.len()];
    for (g, e) in answered.into_iter().flatten() {
        each[g] = e;
    }
    let targets: Vec<(&[u64], u64)> = inputs.iter().map(|(h, wip)| (&h[..], *wip)).collect();
    let whens = walks::whens(&targets, fc.trials, seed);
    inputs
        .iter()
        .zip(each)
        .zip(whens)
        .map(|((&(_, wip), each), when)| forecast_of(each, wip, when, fc))
        .collect()
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

/// Longer streams (longest horizon × trials), or wider ranges of totals (horizon × busiest
/// day), take [`how_many`] per horizon.
const SHARED_DRAWS: usize = 1 << 22;

/// [`how_many`] for each of `horizons`, the same answers. Every horizon's trials read the
/// same stream of draws from `seed` — trial t of horizon h sums draws t·h to (t+1)·h − 1 — so
/// the stream is drawn once, for the longest, and each total is a difference of its running
/// sums; the percentiles are read from the totals' counts (they are small integers), with
/// nothing sorted.
pub fn how_many_each(
    history: &[u64],
    horizons: &[u32],
    trials: u32,
    seed: u64,
) -> Vec<Option<[f64; 3]>> {
    let widest = horizons.iter().copied().max().unwrap_or(0) as usize;
    let longest = widest * trials as usize;
    let most = history.iter().copied().max().unwrap_or(0) as usize;
    if most == 0
        || trials == 0
        || longest > SHARED_DRAWS
        || widest.saturating_mul(most) > SHARED_DRAWS
    {
        return horizons
            .iter()
            .map(|&h| how_many(history, h, trials, seed))
            .collect();
    }
    // The running sums, in a buffer kept per thread: a fresh one per group was first-touched
    // page by page (megabytes each, for every forecast team).
    thread_local! {
        static SUMS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SUMS.with(|buf| {
        // Every value past the first is written by the draws: no need to clear them.
        let mut sums = buf.borrow_mut();
        let len = sums.len().max(longest + 1);
        sums.resize(len, 0);
        sums[0] = 0;
        each_from_sums(&mut sums[..=longest], history, horizons, trials, most, seed)
    })
}

/// [`how_many_each`] with `sums` (`longest + 1` long, its first value 0) to hold the running
/// sums.
fn each_from_sums(
    sums: &mut [u64],
    history: &[u64],
    horizons: &[u32],
    trials: u32,
    most: usize,
    seed: u64,
) -> Vec<Option<[f64; 3]>> {
    let mut rng = Rng::new(seed);
    let (days, mut total) = (history.len(), 0u64);
    for s in &mut sums[1..] {
        total += history[rng.below(days).min(days - 1)];
        *s = total;
    }
    horizons
        .iter()
        .map(|&h| {
            let h = h as usize;
            let mut sorted = SortedTotals::new(h * most);
            for t in 0..trials as usize {
                sorted.add((sums[(t + 1) * h] - sums[t * h]) as usize);
            }
            sorted.confidence()
        })
        .collect()
}

/// Trial totals in order, as counts per total: the same percentiles as
/// [`percentile_sorted`] over the sorted totals, without sorting them.
struct SortedTotals {
    /// How many trials reached each total, by total.
    counts: Vec<u32>,
    n: usize,
}

impl SortedTotals {
    /// No totals yet; each will be at most `most`.
    fn new(most: usize) -> SortedTotals {
        SortedTotals {
            counts: vec![0; most + 1],
            n: 0,
        }
    }

    /// Count one trial with `total`.
    fn add(&mut self, total: usize) {
        self.counts[total] += 1;
        self.n += 1;
    }

    /// The total at position `k` of the sorted totals.
    fn at(&self, k: usize) -> f64 {
        let mut seen = 0usize;
        for (total, &c) in self.counts.iter().enumerate() {
            seen += c as usize;
            if seen > k {
                return total as f64;
            }
        }
        (self.counts.len() - 1) as f64
    }

    /// [`percentile_sorted`] of the sorted totals.
    fn percentile(&self, p: f64) -> Option<f64> {
        percentile_of(self.n, p, |k| self.at(k))
    }

    /// The totals reached with 50/85/95 % confidence (the 50th/15th/5th percentiles).
    fn confidence(&self) -> Option<[f64; 3]> {
        Some([
            self.percentile(0.50)?,
            self.percentile(0.15)?,
            self.percentile(0.05)?,
        ])
    }
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
    fn horizons_drawn_from_one_stream_answer_as_each_alone() {
        let histories: [Vec<u64>; 5] = [
            (0..84).map(|i| (i * 7 % 5) as u64).collect(),
            (0..84).map(|i| u64::from(i % 9 == 0) * 40).collect(),
            (0..84).map(|i| [1000, 0, 3][i % 3]).collect(),
            vec![0; 84],
            Vec::new(),
        ];
        for h in &histories {
            for horizons in [vec![14, 28], vec![30, 7, 0, 1], vec![]] {
                for (trials, seed) in [(10_000, 42), (7, 3), (0, 1)] {
                    let each = how_many_each(h, &horizons, trials, seed);
                    let alone: Vec<_> = horizons
                        .iter()
                        .map(|&n| how_many(h, n, trials, seed))
                        .collect();
                    assert_eq!(each, alone, "{horizons:?} {trials} {seed}");
                }
            }
        }
    }

    #[test]
    fn groups_sharing_the_drawn_days_answer_as_each_group_alone_with_the_seed() {
        // Histories of every kind a lane takes or declines: sparse, busy, one busy day, none,
        // one item, and totals beyond the shared-draws bound; more groups than a batch.
        let as_of = 400 * DAY;
        let mut finished: Vec<Vec<Ts>> = Vec::new();
        for g in 0..37u64 {
            let f: Vec<Ts> = (0..(g * 37 % 150))
                .map(|i| as_of - ((i * (g + 3) * 7919) % (90 * 24)) as i64 * (DAY / 24))
                .collect();
            finished.push(f);
        }
        finished.push(Vec::new());
        finished.push(vec![as_of]);
        finished.push(vec![as_of - 3 * DAY; 2000]);
        finished.push(vec![as_of - 5 * DAY; 200_000]);
        let inputs: Vec<(&[Ts], u64)> = finished
            .iter()
            .enumerate()
            .map(|(k, f)| (&f[..], (k % 4) as u64))
            .collect();
        for horizons in [vec![14, 28], vec![30, 7, 0, 1], vec![]] {
            for (trials, days) in [(10_000, 84), (7, 84), (0, 84), (500, 1), (300, 400)] {
                let fc = crate::config::Forecast {
                    horizons_days: horizons.clone(),
                    trials,
                    history_days: days,
                    seed: 7,
                    ..Default::default()
                };
                let alone: Vec<GroupForecast> = inputs
                    .iter()
                    .map(|&(f, w)| group(f.iter().copied(), w, as_of, &fc, fc.seed))
                    .collect();
                let histories: Vec<(Vec<u64>, u64)> = inputs
                    .iter()
                    .map(|&(f, w)| (daily_history(f.iter().copied(), as_of, days), w))
                    .collect();
                for n in [1, 2, 16, 17, inputs.len()] {
                    assert_eq!(
                        groups(&histories[..n], &fc),
                        alone[..n],
                        "{horizons:?} {trials} {days} {n}"
                    );
                }
            }
        }
        // The batch lookup itself, on the groups that fit.
        let fc = crate::config::Forecast::default();
        let h: Vec<Vec<u64>> = finished
            .iter()
            .map(|f| daily_history(f.iter().copied(), as_of, fc.history_days))
            .collect();
        let fit: Vec<&[u64]> = h
            .iter()
            .filter(|h| shared::fits(h, 28))
            .map(|h| &h[..])
            .take(shared::LANES)
            .collect();
        let mut rng = Rng::new(fc.seed);
        let draws: Vec<u32> = (0..28 * 10_000).map(|_| rng.below(84) as u32).collect();
        let drawn = shared::totals(&fit, &draws, &[14, 28], 10_000);
        for (h, totals) in fit.iter().zip(&drawn) {
            let got: Vec<_> = totals.iter().map(SortedTotals::confidence).collect();
            assert_eq!(got, how_many_each(h, &[14, 28], 10_000, fc.seed));
        }
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
