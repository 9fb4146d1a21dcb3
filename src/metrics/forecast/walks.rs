//! "When" for many groups from one stream of drawn days (common random numbers).
//!
//! A group's trials read one stream of day indices drawn from the seed, one trial after
//! another: the first draws days until its running total reaches the target, the next goes
//! on from the draw after, and so on ([`super::when`]). The stream does not depend on the
//! history (a draw is `Rng::below(days)`, whatever the history holds), so it is drawn once, a
//! block at a time, and every group still walking reads each block: a group's answer is
//! exactly `when(history, target, trials, seed)` (tested).
//!
//! Why: a group that finishes little and has much in progress walks for hundreds of days a
//! trial, millions of draws over its 10,000 trials. Drawing a stream per group was a fifth of
//! a small log's audit (BPIC 2013's open problems: 511 days a trial for one team); here the
//! stream is drawn once, the next block beside the groups' reading of this one.

use super::{SortedTotals, MAX_DAYS};
use crate::rng::Rng;
use rayon::prelude::*;

/// Draws per block of the stream.
const BLOCK: usize = 1 << 15;

/// One group's walk through the stream.
struct Walk<'a> {
    /// Its place in the answers.
    at: usize,
    history: &'a [u64],
    target: u64,
    /// The running total and the days drawn of the trial under way.
    total: u64,
    days: u32,
    /// The days each finished trial took, counted by days.
    finished: SortedTotals,
    /// A trial ran past [`MAX_DAYS`]: no answer.
    gave_up: bool,
}

impl Walk<'_> {
    /// Reads `block`, the next draws of the stream; true once the walk is over (every trial
    /// finished, or one gave up).
    fn read(&mut self, block: &[u32], trials: usize) -> bool {
        for &d in block {
            self.total += self.history[d as usize];
            self.days += 1;
            if self.total >= self.target {
                self.finished.add(self.days as usize);
                (self.total, self.days) = (0, 0);
                if self.finished.n == trials {
                    return true;
                }
            } else if self.days >= MAX_DAYS {
                self.gave_up = true;
                return true;
            }
        }
        false
    }

    /// The days at 50/85/95 % confidence (the 50th/85th/95th percentiles).
    fn answer(&self) -> Option<[f64; 3]> {
        if self.gave_up {
            return None;
        }
        let f = &self.finished;
        Some([
            f.percentile(0.50)?,
            f.percentile(0.85)?,
            f.percentile(0.95)?,
        ])
    }
}

/// [`super::when`] for each `(history, target)` of `groups` (histories of one length), the
/// same answers, with every group reading one stream of draws from `seed`.
pub fn whens(groups: &[(&[u64], u64)], trials: u32, seed: u64) -> Vec<Option<[f64; 3]>> {
    let mut answers = vec![None; groups.len()];
    let mut walks: Vec<Walk> = groups
        .iter()
        .enumerate()
        .filter(|(_, (history, target))| {
            *target > 0 && trials > 0 && history.iter().any(|&c| c > 0)
        })
        .map(|(at, &(history, target))| Walk {
            at,
            history,
            target,
            total: 0,
            days: 0,
            finished: SortedTotals::new(MAX_DAYS as usize),
            gave_up: false,
        })
        .collect();
    let Some(days) = walks.first().map(|w| w.history.len()) else {
        return answers;
    };
    assert!(
        walks.iter().all(|w| w.history.len() == days),
        "histories of one length"
    );
    let trials = trials as usize;
    let mut rng = Rng::new(seed);
    let draw = |rng: &mut Rng, block: &mut [u32]| {
        for d in block {
            *d = rng.below(days) as u32;
        }
    };
    let (mut block, mut next) = (vec![0u32; BLOCK], vec![0u32; BLOCK]);
    draw(&mut rng, &mut block);
    while !walks.is_empty() {
        let ((), over) = rayon::join(
            || draw(&mut rng, &mut next),
            || -> Vec<bool> {
                walks
                    .par_iter_mut()
                    .with_max_len(1)
                    .map(|w| w.read(&block, trials))
                    .collect()
            },
        );
        let mut over = over.into_iter();
        walks.retain(|w| {
            let done = over.next().unwrap_or(false);
            if done {
                answers[w.at] = w.answer();
            }
            !done
        });
        std::mem::swap(&mut block, &mut next);
    }
    answers
}

#[cfg(test)]
mod tests {
    use super::super::when;
    use super::*;

    #[test]
    fn groups_walking_one_stream_answer_as_each_alone() {
        // Walks of every length: a trial of a day, of hundreds of days (many blocks of the
        // stream), one that gives up past MAX_DAYS (one item in 84 days, 60 to finish: ~5,000
        // days a trial), no target, nothing done; more groups than threads.
        let mut histories: Vec<Vec<u64>> = vec![
            vec![3; 84],
            (0..84).map(|i| u64::from(i % 9 == 0)).collect(),
            (0..84).map(|i| u64::from(i == 40)).collect(),
            vec![0; 84],
            (0..84).map(|i| [1000, 0, 3][i % 3]).collect(),
        ];
        histories.extend((0..11u64).map(|g| (0..84).map(|i| (i * (g + 3) % 7) / 5).collect()));
        let targets = [10, 30, 60, 5, 2000, 0, 1, 7, 463, 170, 20, 1, 90, 3, 44, 12];
        let groups: Vec<(&[u64], u64)> = histories
            .iter()
            .zip(targets)
            .map(|(h, t)| (&h[..], t))
            .collect();
        for (trials, seed) in [(10_000, 42), (7, 3), (1, 9), (0, 1)] {
            let alone: Vec<_> = groups
                .iter()
                .map(|&(h, t)| when(h, t, trials, seed))
                .collect();
            for n in [0, 1, 3, groups.len()] {
                assert_eq!(
                    whens(&groups[..n], trials, seed),
                    alone[..n],
                    "{trials} {n}"
                );
            }
            if trials == 10_000 {
                assert_eq!(alone[0], Some([4.0; 3]), "⌈10/3⌉ days every trial");
                assert_eq!(alone[2], None, "gives up past {MAX_DAYS} days");
                assert!(alone[8].is_some_and(|w| w[0] > 500.0), "{:?}", alone[8]);
            }
        }
    }
}
