//! Percentiles (METRICS.md §6): linear interpolation between closest ranks (numpy's
//! default). For sorted `x[0..n-1]` and `p` in [0, 1]: `h = (n−1)p`, result
//! `x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])`. Reported as {n, mean, p50, p85, p95}.

use serde::Serialize;

/// Summary statistics of a set of durations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stats {
    /// Number of values.
    pub n: u64,
    /// Arithmetic mean (null when n = 0).
    pub mean: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 85th percentile.
    pub p85: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

/// The `p` percentile of sorted values.
pub fn percentile_sorted(x: &[f64], p: f64) -> Option<f64> {
    percentile_of(x.len(), p, |k| x[k])
}

/// The `p` percentile of `n` sorted values, `at(k)` giving the k-th (linear rule of §6):
/// [`percentile_sorted`] for values that are not in a slice.
pub fn percentile_of(n: usize, p: f64, at: impl Fn(usize) -> f64) -> Option<f64> {
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let (a, b) = (at(lo), at(hi));
    Some(a + (h - lo as f64) * (b - a))
}

/// Stats of unsorted values (NaN values are ignored).
pub fn stats(values: impl IntoIterator<Item = f64>) -> Stats {
    let mut x: Vec<f64> = values.into_iter().filter(|v| !v.is_nan()).collect();
    // Values equal under `total_cmp` have the same bits, so an unstable sort gives the same
    // array as a stable one; large ones are sorted on every core.
    if x.len() > 1 << 16 {
        use rayon::slice::ParallelSliceMut;
        x.par_sort_unstable_by(f64::total_cmp);
    } else {
        x.sort_unstable_by(f64::total_cmp);
    }
    let n = x.len();
    Stats {
        n: n as u64,
        mean: (n > 0).then(|| x.iter().sum::<f64>() / n as f64),
        p50: percentile_sorted(&x, 0.50),
        p85: percentile_sorted(&x, 0.85),
        p95: percentile_sorted(&x, 0.95),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [50, 85, 95]) == [3.0, 6.4, 8.8]
        let s = stats([10.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!(s.n, 5);
        assert_eq!(s.mean, Some(4.0));
        assert_eq!(s.p50, Some(3.0));
        assert!((s.p85.unwrap() - 6.4).abs() < 1e-12);
        assert!((s.p95.unwrap() - 8.8).abs() < 1e-12);
        assert_eq!(stats([7.0]).p95, Some(7.0));
        assert_eq!(stats([]).p50, None);
        assert_eq!(percentile_sorted(&[1.0, 2.0], 0.5), Some(1.5));
    }
}
