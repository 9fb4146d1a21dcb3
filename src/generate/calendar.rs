//! The generator's calendar: weekday working hours on UTC seconds (1970-01-01 was a Thursday)
//! and the creation schedule (instants weighted towards working hours, never decreasing).

use super::random::Rng;
use super::{DAY, HOUR};

/// 0 = Monday.
fn weekday(t: i64) -> i64 {
    (t.div_euclid(DAY) + 3).rem_euclid(7)
}

/// How likely an item is created in the hour starting at `t`.
fn creation_weight(t: i64) -> f64 {
    match (weekday(t) < 5, t.rem_euclid(DAY) / HOUR) {
        (true, 9..=16) => 1.0,
        (true, 7..=8 | 17..=19) => 0.3,
        (true, _) => 0.02,
        (false, 10..=17) => 0.05,
        (false, _) => 0.01,
    }
}

/// Move `t` forward into weekday working hours (08:00–17:00 UTC) when it falls outside
/// 08:00–19:00 or on a weekend.
pub(super) fn working_time(t: i64, rng: &mut Rng) -> i64 {
    let (day, sod, wd) = (t.div_euclid(DAY), t.rem_euclid(DAY), weekday(t));
    let target = match wd {
        5 | 6 => day + 7 - wd,
        _ if sod < 8 * HOUR => day,
        _ if sod < 19 * HOUR => return t,
        4 => day + 3,
        _ => day + 1,
    };
    target * DAY + 8 * HOUR + rng.range(0, 9 * HOUR as u64) as i64
}

/// Creation instants: item `i` of `n` falls in the i-th of n equal slices of the window's
/// cumulative hourly weight, so instants never decrease with `i` (creation order for free).
pub(super) struct Schedule {
    start: i64,
    cum: Vec<f64>,
}

impl Schedule {
    pub(super) fn new(start: i64, days: i64) -> Schedule {
        let mut cum = vec![0.0];
        for h in 0..days * 24 {
            cum.push(cum[cum.len() - 1] + creation_weight(start + h * HOUR));
        }
        Schedule { start, cum }
    }

    pub(super) fn instant(&self, i: usize, n: usize, rng: &mut Rng) -> i64 {
        let u = (i as f64 + rng.f64()) / n as f64 * self.cum[self.cum.len() - 1];
        let h = self
            .cum
            .partition_point(|&c| c <= u)
            .saturating_sub(1)
            .min(self.cum.len() - 2);
        let frac = ((u - self.cum[h]) / (self.cum[h + 1] - self.cum[h])).clamp(0.0, 1.0);
        self.start + h as i64 * HOUR + ((frac * HOUR as f64) as i64).min(HOUR - 1)
    }
}
