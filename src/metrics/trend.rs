//! The quarterly audit over time (METRICS.md §14): each headline figure per period, a seeded
//! bootstrap interval for it, and whether its change from one period to the next is real.
//!
//! Definitions:
//! - A figure's **value** in a period is the figure of a single-period audit of that period
//!   (the same functions: medians and percentiles by [`percentile_sorted`], flow efficiency
//!   = Σ active ÷ Σ cycle, throughput = mean done per week, rates over the items in scope).
//! - Its **interval** at level `c` (`[trend] confidence`, 0.9): the `(1−c)/2` and `(1+c)/2`
//!   percentiles of `B` bootstrap replicates (`[trend] bootstrap`, 1000), each recomputing
//!   the figure on a resample with replacement of the period's items (of its weeks, for
//!   throughput: a bootstrap over weeks).
//! - A **change** between consecutive periods: `Δ = value(b) − value(a)`; its interval is
//!   that of `B` replicates of `figure(resample b) − figure(resample a)` (the two periods
//!   resampled independently). Verdict: **better** or **worse** when the interval excludes 0,
//!   by the figure's direction (lower is better for times, handoffs and reopens; higher for
//!   flow efficiency and throughput); **no clear change** when it contains 0; **too few** when
//!   either period has fewer than [`MIN_N`] values (or no value).
//! - Seeded: replicate `r` of figure `f` for population `p` draws from a stream of
//!   (`[trend] seed`, f, p, r), so the same input and seed give the same bytes, on any
//!   number of threads.

use super::percentiles::percentile_sorted;
use crate::rng::Rng;
use serde::Serialize;

/// Fewer values than this in a period: no interval and no verdict.
pub const MIN_N: usize = 5;

/// A headline figure followed over periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// Median lead time (days).
    LeadTimeP50,
    /// Median cycle time (days).
    CycleTimeP50,
    /// 85th percentile of cycle time (days).
    CycleTimeP85,
    /// Aggregate flow efficiency.
    FlowEfficiency,
    /// Mean items done per week.
    ThroughputPerWeek,
    /// Team handoffs per item.
    HandoffsPerItem,
    /// Share of finished items reopened.
    ReopenRate,
}

impl Figure {
    /// Every figure, in report order.
    pub const ALL: [Figure; 7] = [
        Figure::LeadTimeP50,
        Figure::CycleTimeP50,
        Figure::CycleTimeP85,
        Figure::FlowEfficiency,
        Figure::ThroughputPerWeek,
        Figure::HandoffsPerItem,
        Figure::ReopenRate,
    ];

    /// Stable id (`tables/trend.csv`).
    pub fn id(self) -> &'static str {
        match self {
            Figure::LeadTimeP50 => "lead_time_p50_days",
            Figure::CycleTimeP50 => "cycle_time_p50_days",
            Figure::CycleTimeP85 => "cycle_time_p85_days",
            Figure::FlowEfficiency => "flow_efficiency",
            Figure::ThroughputPerWeek => "throughput_per_week",
            Figure::HandoffsPerItem => "handoffs_per_item",
            Figure::ReopenRate => "reopen_rate",
        }
    }

    /// Words for the report.
    pub fn label(self) -> &'static str {
        match self {
            Figure::LeadTimeP50 => "Lead time, median (days)",
            Figure::CycleTimeP50 => "Cycle time, median (days)",
            Figure::CycleTimeP85 => "Cycle time, 85th percentile (days)",
            Figure::FlowEfficiency => "Flow efficiency",
            Figure::ThroughputPerWeek => "Throughput (items per week)",
            Figure::HandoffsPerItem => "Team handoffs per item",
            Figure::ReopenRate => "Reopen rate",
        }
    }

    /// Is a higher value better?
    pub fn higher_is_better(self) -> bool {
        matches!(self, Figure::FlowEfficiency | Figure::ThroughputPerWeek)
    }
}

/// What one population (the organisation or a team) gives in one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    /// Lead times of the items done in the period.
    pub lead: Vec<f64>,
    /// Cycle times of the items done in the period.
    pub cycle: Vec<f64>,
    /// (active, cycle) days of the done items with both.
    pub active_cycle: Vec<(f64, f64)>,
    /// Items done per week of the period.
    pub weekly: Vec<f64>,
    /// Team handoffs of each item in scope.
    pub handoffs: Vec<f64>,
    /// Whether each item in scope that ever finished was reopened.
    pub reopened: Vec<bool>,
}

/// How many values (items, or weeks for throughput) a figure is computed from.
pub fn n_of(f: Figure, s: &Sample) -> usize {
    match f {
        Figure::LeadTimeP50 => s.lead.len(),
        Figure::CycleTimeP50 | Figure::CycleTimeP85 => s.cycle.len(),
        Figure::FlowEfficiency => s.active_cycle.len(),
        Figure::ThroughputPerWeek => s.weekly.len(),
        Figure::HandoffsPerItem => s.handoffs.len(),
        Figure::ReopenRate => s.reopened.len(),
    }
}

fn pct(v: &mut [f64], p: f64) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    percentile_sorted(v, p)
}

/// Each value picked by `idx` (all values when `idx` is None), in order.
fn each<T: Copy>(v: &[T], idx: Option<&[usize]>, mut f: impl FnMut(T)) {
    match idx {
        None => v.iter().for_each(|x| f(*x)),
        Some(i) => i.iter().for_each(|&k| f(v[k])),
    }
}

/// The mean of the values picked by `idx`, summed in order.
fn mean_of<T: Copy>(v: &[T], idx: Option<&[usize]>, g: impl Fn(T) -> f64) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    each(v, idx, |x| {
        sum += g(x);
        n += 1;
    });
    (n > 0).then(|| sum / n as f64)
}

/// The figure of the values picked by `idx` (all values when `idx` is None).
fn figure_of(f: Figure, s: &Sample, idx: Option<&[usize]>) -> Option<f64> {
    fn pick<T: Copy>(v: &[T], idx: Option<&[usize]>) -> Vec<T> {
        match idx {
            None => v.to_vec(),
            Some(i) => i.iter().map(|&k| v[k]).collect(),
        }
    }
    match f {
        Figure::LeadTimeP50 => pct(&mut pick(&s.lead, idx), 0.5),
        Figure::CycleTimeP50 => pct(&mut pick(&s.cycle, idx), 0.5),
        Figure::CycleTimeP85 => pct(&mut pick(&s.cycle, idx), 0.85),
        Figure::FlowEfficiency => {
            let (mut active, mut cycle) = (0.0, 0.0);
            each(&s.active_cycle, idx, |x| {
                active += x.0;
                cycle += x.1;
            });
            (cycle > 0.0).then(|| active / cycle)
        }
        Figure::ThroughputPerWeek => mean_of(&s.weekly, idx, |x| x),
        Figure::HandoffsPerItem => mean_of(&s.handoffs, idx, |x| x),
        Figure::ReopenRate => mean_of(&s.reopened, idx, |r| f64::from(u8::from(r))),
    }
}

/// A sample's values in order, and where each value of the sample went: a percentile of a
/// resample depends only on how often each value was drawn, so it is read off the counts over
/// the sorted values in O(n), without sorting each replicate (the same number as sorting it).
struct Sorted {
    values: Vec<f64>,
    rank_of: Vec<usize>,
}

fn sorted_of(v: &[f64]) -> Sorted {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
    let mut rank_of = vec![0; v.len()];
    for (r, &k) in order.iter().enumerate() {
        rank_of[k] = r;
    }
    Sorted {
        values: order.iter().map(|&k| v[k]).collect(),
        rank_of,
    }
}

/// Replicates of one figure: percentiles from counts over the sorted sample, the rest as
/// [`figure_of`].
struct Replicates<'s> {
    figure: Figure,
    sample: &'s Sample,
    sorted: Option<Sorted>,
    counts: Vec<u32>,
}

impl<'s> Replicates<'s> {
    fn new(figure: Figure, sample: &'s Sample) -> Replicates<'s> {
        let values = match figure {
            Figure::LeadTimeP50 => Some(&sample.lead),
            Figure::CycleTimeP50 | Figure::CycleTimeP85 => Some(&sample.cycle),
            _ => None,
        };
        Replicates {
            figure,
            sample,
            sorted: values.map(|v| sorted_of(v)),
            counts: Vec::new(),
        }
    }

    /// The figure on the resample `idx`.
    fn of(&mut self, idx: &[usize]) -> Option<f64> {
        let Some(so) = &self.sorted else {
            return figure_of(self.figure, self.sample, Some(idx));
        };
        let p = if self.figure == Figure::CycleTimeP85 {
            0.85
        } else {
            0.5
        };
        let m = idx.len();
        if m == 0 {
            return None;
        }
        self.counts.clear();
        self.counts.resize(so.values.len(), 0);
        for &k in idx {
            self.counts[so.rank_of[k]] += 1;
        }
        // The values at ranks lo and hi of the resample (percentile_sorted's formula).
        let h = (m - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(m - 1);
        let (mut seen, mut x_lo, mut x_hi) = (0usize, None, None);
        for (r, &c) in self.counts.iter().enumerate() {
            seen += c as usize;
            if x_lo.is_none() && seen > lo {
                x_lo = Some(so.values[r]);
            }
            if seen > hi {
                x_hi = Some(so.values[r]);
                break;
            }
        }
        let (a, b) = (x_lo?, x_hi?);
        Some(a + (h - lo as f64) * (b - a))
    }
}

/// The figure on all of the sample.
pub fn value(f: Figure, s: &Sample) -> Option<f64> {
    figure_of(f, s, None)
}

/// Bootstrap settings (`[trend]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Replicates.
    pub replicates: usize,
    /// Seed.
    pub seed: u64,
}

fn stream(b: &Bootstrap, f: Figure, population: u64, r: usize) -> Rng {
    let k = (f as u64) << 48 ^ population << 20 ^ r as u64;
    Rng::new(b.seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// `n` indices drawn uniformly with replacement from `0..n` (multiply-shift, [`Rng::below`]:
/// a multiplication per draw instead of a division, which was most of a multi-period audit's
/// time).
fn resample(rng: &mut Rng, n: usize, idx: &mut Vec<usize>) {
    idx.clear();
    idx.extend((0..n).map(|_| rng.below(n)));
}

fn bounds(mut reps: Vec<f64>, b: &Bootstrap) -> Option<(f64, f64)> {
    if reps.len() < b.replicates / 2 || reps.is_empty() {
        return None;
    }
    reps.sort_by(f64::total_cmp);
    let tail = (1.0 - b.confidence) / 2.0;
    Some((
        percentile_sorted(&reps, tail)?,
        percentile_sorted(&reps, 1.0 - tail)?,
    ))
}

/// The interval of figure `f` of one period (`population` names the stream).
pub fn interval(f: Figure, s: &Sample, b: &Bootstrap, population: u64) -> Option<(f64, f64)> {
    let n = n_of(f, s);
    if n < MIN_N {
        return None;
    }
    let mut idx = Vec::with_capacity(n);
    let mut reps_of = Replicates::new(f, s);
    let reps: Vec<f64> = (0..b.replicates)
        .filter_map(|r| {
            let mut rng = stream(b, f, population, r);
            resample(&mut rng, n, &mut idx);
            reps_of.of(&idx)
        })
        .collect();
    bounds(reps, b)
}

/// Whether a change is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interval of the change excludes 0, in the better direction.
    Better,
    /// The interval excludes 0, in the worse direction.
    Worse,
    /// The interval contains 0.
    NoClearChange,
    /// A period has fewer than [`MIN_N`] values.
    TooFew,
}

impl Verdict {
    /// Words for the report.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::NoClearChange => "no clear change",
            Verdict::TooFew => "too few items to tell",
        }
    }
}

/// A figure's change from one period to the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// value(b) − value(a).
    pub delta: Option<f64>,
    /// Its interval.
    pub interval: Option<(f64, f64)>,
    /// The verdict.
    pub verdict: Verdict,
}

/// The change of `f` from period `a` to period `b`.
pub fn change(f: Figure, a: &Sample, b: &Sample, bs: &Bootstrap, population: u64) -> Change {
    let delta = match (value(f, a), value(f, b)) {
        (Some(x), Some(y)) => Some(y - x),
        _ => None,
    };
    let (na, nb) = (n_of(f, a), n_of(f, b));
    if na < MIN_N || nb < MIN_N || delta.is_none() {
        return Change {
            delta,
            interval: None,
            verdict: Verdict::TooFew,
        };
    }
    let (mut ia, mut ib) = (Vec::with_capacity(na), Vec::with_capacity(nb));
    let (mut ra, mut rb) = (Replicates::new(f, a), Replicates::new(f, b));
    let reps: Vec<f64> = (0..bs.replicates)
        .filter_map(|r| {
            let mut rng = stream(bs, f, population ^ 0xC0FF_EE00, r);
            resample(&mut rng, na, &mut ia);
            resample(&mut rng, nb, &mut ib);
            Some(rb.of(&ib)? - ra.of(&ia)?)
        })
        .collect();
    let interval = bounds(reps, bs);
    let verdict = match interval {
        None => Verdict::TooFew,
        Some((lo, hi)) if lo <= 0.0 && hi >= 0.0 => Verdict::NoClearChange,
        Some((lo, _)) => {
            let up = lo > 0.0;
            if up == f.higher_is_better() {
                Verdict::Better
            } else {
                Verdict::Worse
            }
        }
    };
    Change {
        delta,
        interval,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Bootstrap = Bootstrap {
        confidence: 0.9,
        replicates: 1000,
        seed: 42,
    };

    /// Cycle times around `centre` days, deterministic spread.
    fn sample(centre: f64, n: usize) -> Sample {
        let cycle: Vec<f64> = (0..n)
            .map(|i| centre * (0.6 + 0.8 * ((i * 37 % n) as f64) / n as f64))
            .collect();
        Sample {
            lead: cycle.iter().map(|c| c + 2.0).collect(),
            active_cycle: cycle.iter().map(|c| (c * 0.4, *c)).collect(),
            cycle,
            weekly: (0..13).map(|w| 5.0 + (w % 3) as f64).collect(),
            handoffs: (0..n).map(|i| (i % 3) as f64).collect(),
            reopened: (0..n).map(|i| i % 10 == 0).collect(),
        }
    }

    #[test]
    fn replicates_from_counts_equal_sorting_each_resample() {
        let s = sample(10.0, 37);
        let mut rng = Rng::new(9);
        let mut idx = Vec::new();
        for f in [
            Figure::LeadTimeP50,
            Figure::CycleTimeP50,
            Figure::CycleTimeP85,
        ] {
            let mut fast = Replicates::new(f, &s);
            for _ in 0..200 {
                resample(&mut rng, 37, &mut idx);
                assert_eq!(fast.of(&idx), figure_of(f, &s, Some(&idx)), "{f:?}");
            }
        }
    }

    #[test]
    fn a_constant_history_is_no_clear_change() {
        let (a, b) = (sample(10.0, 40), sample(10.0, 40));
        for f in Figure::ALL {
            let c = change(f, &a, &b, &B, 0);
            assert_eq!(c.delta, Some(0.0), "{f:?}");
            assert_eq!(c.verdict, Verdict::NoClearChange, "{f:?}");
        }
    }

    #[test]
    fn a_halved_cycle_time_is_better_and_a_doubled_one_worse() {
        let (a, b) = (sample(10.0, 40), sample(5.0, 40));
        let c = change(Figure::CycleTimeP50, &a, &b, &B, 1);
        assert_eq!(c.verdict, Verdict::Better);
        let (lo, hi) = c.interval.unwrap();
        assert!(lo < -4.9 + 5.0 && hi < 0.0, "{lo} {hi}");
        assert!(
            (c.delta.unwrap()
                - (value(Figure::CycleTimeP50, &b).unwrap()
                    - value(Figure::CycleTimeP50, &a).unwrap()))
            .abs()
                < 1e-12
        );
        assert_eq!(
            change(Figure::CycleTimeP50, &b, &a, &B, 1).verdict,
            Verdict::Worse
        );
        // Flow efficiency is the same ratio in both: no clear change.
        assert_eq!(
            change(Figure::FlowEfficiency, &a, &b, &B, 1).verdict,
            Verdict::NoClearChange
        );
    }

    #[test]
    fn too_few_items_give_no_verdict_and_the_same_seed_the_same_interval() {
        let (a, b) = (sample(10.0, 4), sample(5.0, 40));
        assert_eq!(
            change(Figure::CycleTimeP50, &a, &b, &B, 2).verdict,
            Verdict::TooFew
        );
        assert_eq!(interval(Figure::CycleTimeP50, &a, &B, 2), None);
        let s = sample(10.0, 40);
        let i1 = interval(Figure::CycleTimeP50, &s, &B, 3).unwrap();
        assert_eq!(interval(Figure::CycleTimeP50, &s, &B, 3), Some(i1));
        let v = value(Figure::CycleTimeP50, &s).unwrap();
        assert!(i1.0 <= v && v <= i1.1, "{i1:?} {v}");
        // Higher throughput is better.
        let mut more = s.clone();
        more.weekly = s.weekly.iter().map(|w| w * 2.0).collect();
        assert_eq!(
            change(Figure::ThroughputPerWeek, &s, &more, &B, 4).verdict,
            Verdict::Better
        );
    }
}
