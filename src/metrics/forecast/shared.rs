//! "How many" for many groups from one stream of drawn days (common random numbers).
//!
//! Every group's trials sample the same days: the stream of day indices drawn from the seed
//! is the one [`super::how_many_each`] draws for any history of the same length (a draw is
//! `Rng::below(days)`, whatever the history holds), so it is drawn once and each group only
//! looks its counts up. A group's answer is exactly `how_many_each(history, …, seed)`
//! (tested).
//!
//! Why: a log with hundreds of support groups forecasts a hundred or more teams, each
//! 10,000 trials × 28 days; drawing a stream per team was the longest part of its audit. Here
//! [`LANES`] groups' counts for one day sit side by side (`table[day][lane]`), so a draw adds
//! one row of the table to the lanes' running totals: plain loops the compiler vectorises.

use super::SortedTotals;

/// Groups looked up side by side.
pub const LANES: usize = 16;

/// Whether a group's history can be looked up in a lane: at least one item done (an empty
/// history is answered without drawing) and trial totals in the range
/// [`super::how_many_each`] counts (`widest × busiest day` at most its shared-draws bound,
/// far below 2³²: the lanes' running totals are 32-bit, their differences exact).
pub fn fits(history: &[u64], widest: usize) -> bool {
    let most = history.iter().copied().max().unwrap_or(0) as usize;
    most > 0 && widest.saturating_mul(most) <= super::SHARED_DRAWS
}

/// The counted trial totals of each group (1 to [`LANES`] of them, each [`fits`], all with
/// histories of one length), for each horizon, from `draws` (day indices into the
/// histories, at least `widest × trials` of them): what [`super::how_many_each`] counts.
pub fn totals(
    groups: &[&[u64]],
    draws: &[u32],
    horizons: &[u32],
    trials: u32,
) -> Vec<Vec<SortedTotals>> {
    assert!(
        !groups.is_empty() && groups.len() <= LANES,
        "1 to {LANES} groups"
    );
    let days = groups[0].len();
    let mut table = vec![[0u32; LANES]; days];
    for (l, history) in groups.iter().enumerate() {
        assert_eq!(history.len(), days, "histories of one length");
        for (row, &c) in table.iter_mut().zip(history.iter()) {
            row[l] = c as u32;
        }
    }
    let mut counts: Vec<Vec<SortedTotals>> = groups
        .iter()
        .map(|history| {
            let most = history.iter().copied().max().unwrap_or(0) as usize;
            horizons
                .iter()
                .map(|&h| SortedTotals::new(h as usize * most))
                .collect()
        })
        .collect();
    let trials = trials as usize;
    for (k, &h) in horizons.iter().enumerate() {
        if h == 0 {
            // Every trial of zero days totals 0.
            for c in &mut counts {
                for _ in 0..trials {
                    c[k].add(0);
                }
            }
        }
    }
    let widest = horizons.iter().copied().max().unwrap_or(0) as usize;
    let longest = widest * trials;
    assert!(draws.len() >= longest, "a draw per day of every trial");
    // The lanes' wrapping running totals after each draw of a block; at each multiple of a
    // horizon h (up to h × trials) the total since the last one is a trial's total for h:
    // trial t of horizon h sums draws t·h to (t+1)·h − 1, as in `how_many_each`.
    const BLOCK: usize = 1024;
    let mut running = vec![[0u32; LANES]; BLOCK];
    let mut total = [0u32; LANES];
    let mut last = vec![[0u32; LANES]; horizons.len()];
    for (b, block) in draws[..longest].chunks(BLOCK).enumerate() {
        let done = b * BLOCK;
        for (row, &d) in running.iter_mut().zip(block) {
            let add = &table[d as usize];
            for l in 0..LANES {
                total[l] = total[l].wrapping_add(add[l]);
            }
            *row = total;
        }
        for (k, &h) in horizons.iter().enumerate() {
            let h = h as usize;
            if h == 0 {
                continue;
            }
            let end = (done + block.len()).min(h * trials);
            let mut boundary = (done / h + 1) * h;
            while boundary <= end {
                let now = running[boundary - done - 1];
                for (c, (now, last)) in counts.iter_mut().zip(now.iter().zip(&last[k])) {
                    c[k].add(now.wrapping_sub(*last) as usize);
                }
                last[k] = now;
                boundary += h;
            }
        }
    }
    counts
}
