//! Finishes bunched in a window (METRICS.md §6, "Finish window"): the done items of a long
//! grid that almost all finished within a few of its weeks.
//!
//! **Definition.** Over the throughput grid's weekly done counts, the *finish window* is the
//! shortest run of consecutive weeks that holds at least [`SHARE`] of the done items (with
//! more than half of the items in it, there is only one). It is **flagged** when the grid has at least
//! [`MIN_WEEKS`] weeks, at least [`MIN_DONE`] items are done, and the window spans at most
//! [`MAX_FRACTION`] of the grid's weeks. A flagged window is reported widened over the
//! adjacent weeks that finished items too (BPIC 2013's third week of closures, 5 % of them),
//! so the period it suggests holds the whole burst.
//!
//! Why: an export filtered by closing date (BPIC 2013's incidents: every item closed between
//! 30 April and 18 May 2012, some opened two years earlier; a bulk close after a migration)
//! holds the items finished in that window and nothing else. Throughput averaged over the
//! whole grid (113 weeks, 110 of them with nothing done) then understates the rate twenty-
//! fold, and its trend reads as "rising from 0". The audit says so (`finish_window` warning)
//! and names the step that measures the window: `--from` and `--to` at its ends.

/// Share of the done items the window holds.
pub const SHARE: f64 = 0.9;
/// Fewest weeks in the grid for the window to be flagged.
pub const MIN_WEEKS: usize = 12;
/// Fewest done items for the window to be flagged.
pub const MIN_DONE: u64 = 20;
/// Largest share of the grid's weeks a flagged window spans.
pub const MAX_FRACTION: f64 = 0.1;

/// A flagged finish window, widened over adjacent weeks with items done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Its first week (index into the grid).
    pub first: usize,
    /// Its last week (index into the grid).
    pub last: usize,
    /// Done items in its weeks.
    pub done: u64,
    /// Done items over the grid.
    pub total: u64,
}

impl Window {
    /// Its period on the grid `weeks` (the Mondays `weekly` counts): from its first Monday
    /// to the Monday after its last week, the `--from`/`--to` that audits it.
    pub fn period(
        &self,
        weeks: &[chrono::NaiveDate],
    ) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        let from = *weeks.get(self.first)?;
        let last = *weeks.get(self.last)?;
        Some((from, last + chrono::Duration::days(7)))
    }
}

/// A flagged window with its period (`--from`, `--to`).
pub type Flagged = (Window, (chrono::NaiveDate, chrono::NaiveDate));

/// The flagged finish window of the grid `weeks` with its period ([`Window::period`]), if any:
/// what the warning, the executive summary and the flow sections read.
pub fn flagged_on(weeks: &[chrono::NaiveDate], weekly: &[u64]) -> Option<Flagged> {
    let w = flagged(weekly)?;
    Some((w, w.period(weeks)?))
}

/// The flagged finish window of `weekly` (done items per week of the grid), if any.
pub fn flagged(weekly: &[u64]) -> Option<Window> {
    let total: u64 = weekly.iter().sum();
    if weekly.len() < MIN_WEEKS || total < MIN_DONE {
        return None;
    }
    // Integer target: at least SHARE of the total (ceil).
    let need = (total as f64 * SHARE).ceil() as u64;
    // Shortest run with a sum of at least `need`: two pointers (counts are non-negative).
    let mut best: Option<(usize, usize, u64)> = None;
    let (mut first, mut sum) = (0usize, 0u64);
    for (last, &c) in weekly.iter().enumerate() {
        sum += c;
        while sum - weekly[first] >= need && first < last {
            sum -= weekly[first];
            first += 1;
        }
        if sum >= need && best.is_none_or(|(f, l, _)| last - first < l - f) {
            best = Some((first, last, sum));
        }
    }
    let (mut first, mut last, _) = best?;
    if (last - first + 1) as f64 > MAX_FRACTION * weekly.len() as f64 {
        return None;
    }
    while first > 0 && weekly[first - 1] > 0 {
        first -= 1;
    }
    while last + 1 < weekly.len() && weekly[last + 1] > 0 {
        last += 1;
    }
    Some(Window {
        first,
        last,
        done: weekly[first..=last].iter().sum(),
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BPIC 2013 incidents' shape: 113 weeks, 7,545 done items in the last three (5,832,
    /// 1,335, 378) and a trickle before.
    #[test]
    fn a_log_closed_in_three_weeks_of_113_is_flagged() {
        let mut weekly = vec![0u64; 113];
        weekly[3] = 1;
        weekly[40] = 2;
        weekly[110] = 5832;
        weekly[111] = 1335;
        weekly[112] = 378;
        let w = flagged(&weekly).unwrap();
        // 90% of 7,548 is 6,793.2 -> 6,794: weeks 110 and 111 hold 7,167 (2 weeks of 113
        // are at most a tenth); reported widened over week 112, which finished items too.
        assert_eq!(
            w,
            Window {
                first: 110,
                last: 112,
                done: 7545,
                total: 7548
            }
        );
    }

    #[test]
    fn steady_throughput_is_not_flagged() {
        assert_eq!(flagged(&[10; 52]), None);
        // Half of the items in one week of 20: the window needs more weeks than a tenth.
        let mut weekly = vec![5u64; 20];
        weekly[10] = 95;
        assert_eq!(flagged(&weekly), None);
    }

    #[test]
    fn thresholds_hold_exactly() {
        // 12 weeks, everything in one week: a tenth of 12 is 1.2 weeks, flagged.
        let mut weekly = vec![0u64; 12];
        weekly[5] = 20;
        assert_eq!(
            flagged(&weekly),
            Some(Window {
                first: 5,
                last: 5,
                done: 20,
                total: 20
            })
        );
        // 11 weeks, or 19 items: too little to judge.
        assert_eq!(flagged(&weekly[..11]), None);
        weekly[5] = 19;
        assert_eq!(flagged(&weekly), None);
        // 20 weeks, 2 weeks hold 90 %: 2 <= 2.0, flagged; 3 weeks needed: not.
        let mut weekly = vec![0u64; 20];
        weekly[0] = 2;
        weekly[8] = 9;
        weekly[9] = 9;
        assert!(flagged(&weekly).is_some());
        let mut weekly = vec![0u64; 20];
        weekly[0] = 2;
        weekly[7] = 6;
        weekly[8] = 6;
        weekly[9] = 6;
        assert_eq!(flagged(&weekly), None);
    }

    #[test]
    fn windows_that_need_distant_weeks_are_not_flagged() {
        let mut weekly = vec![0u64; 30];
        weekly[4] = 50;
        weekly[20] = 50;
        weekly[25] = 1;
        // 101 items: 91 needed; no single week holds them.
        assert_eq!(flagged(&weekly), None);
        let mut weekly = vec![0u64; 30];
        weekly[4] = 100;
        weekly[20] = 100;
        // 200 items, 180 needed: only a run from week 4 to 20 holds them: 17 weeks > 3.
        assert_eq!(flagged(&weekly), None);
    }
}
