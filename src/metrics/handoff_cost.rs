//! Cost of handoffs (METRICS.md §4): median (and p85) cycle time of done items grouped by
//! their number of team handoffs in {0, 1, 2, 3+}, with item counts, overall and per team.
//!
//! The report's "each extra team adds N days" is the least-squares slope of the bucket
//! medians against the bucket index (0, 1, 2, 3), over buckets with at least 3 items; null
//! when fewer than two buckets qualify.

use super::percentiles::{stats, Stats};

/// Bucket labels.
pub const BUCKETS: [&str; 4] = ["0", "1", "2", "3+"];

/// The bucket index of a number of team handoffs.
pub fn bucket(team_handoffs: u32) -> usize {
    (team_handoffs as usize).min(3)
}

/// Cycle-time stats per bucket from (team_handoffs, cycle days) of done items.
pub fn by_bucket(items: impl IntoIterator<Item = (u32, f64)>) -> [Stats; 4] {
    let mut v: [Vec<f64>; 4] = Default::default();
    for (h, c) in items {
        v[bucket(h)].push(c);
    }
    bucket_stats(v)
}

/// Cycle-time stats per bucket from the cycle times already put in their buckets.
pub fn bucket_stats(v: [Vec<f64>; 4]) -> [Stats; 4] {
    v.map(stats)
}

/// Days each extra team handoff adds (slope of bucket medians), when estimable.
pub fn days_per_handoff(buckets: &[Stats; 4]) -> Option<f64> {
    let pts: Vec<(f64, f64)> = buckets
        .iter()
        .enumerate()
        .filter(|(_, s)| s.n >= 3)
        .filter_map(|(i, s)| Some((i as f64, s.p50?)))
        .collect();
    if pts.len() < 2 {
        return None;
    }
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_fold_three_and_more_and_slope_is_per_handoff() {
        let items = [
            (0, 2.0),
            (0, 4.0),
            (0, 3.0),
            (1, 5.0),
            (1, 6.0),
            (1, 7.0),
            (2, 9.0),
            (2, 9.0),
            (2, 9.0),
            (5, 1.0),
            (3, 100.0),
        ];
        let b = by_bucket(items);
        assert_eq!(b[0].p50, Some(3.0));
        assert_eq!(b[1].p50, Some(6.0));
        assert_eq!(b[2].p50, Some(9.0));
        assert_eq!(b[3].n, 2);
        // medians 3, 6, 9 at 0, 1, 2 (3+ has too few items): 3 days per handoff.
        assert_eq!(days_per_handoff(&b), Some(3.0));
        assert_eq!(bucket(7), 3);
        assert_eq!(days_per_handoff(&by_bucket([(0, 1.0)])), None);
    }
}
