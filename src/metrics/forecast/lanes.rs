//! "How many" draws for up to [`LANES`] groups side by side, in SIMD lanes.
//!
//! Each lane is one group: its own generator (the [`Rng`] of its seed, stepped exactly as
//! [`Rng::next_u64`]), its own daily history, and the same horizons and trials as the others.
//! A lane draws the same stream as [`super::how_many_each`], so its counted totals, and its
//! percentiles, are the same numbers (tested against it).
//!
//! Why lanes: a forecast is ~10,000 × 28 draws. A log with hundreds of support groups forecasts
//! a hundred or more teams, and drawing them one by one was the largest single cost of its audit.
//! xoshiro256** needs only shifts, xors and additions (× 5 and × 9 are shift-and-add), and the
//! uniform index `⌊r·n / 2⁶⁴⌋` splits exactly into two 32 × 32-bit products. Eight groups then
//! step in one AVX-512 register each (3.2× faster than one by one on the 2-core machine; AVX2
//! gains 1.3×). The code is written once, for plain arrays of lanes, and compiled three times:
//! for AVX-512, for AVX2 (chosen at run time), and without either (used by the tests).

use super::SortedTotals;
use crate::rng::Rng;

/// Groups drawn side by side.
pub const LANES: usize = 8;

/// Longest history the lanes take: a history is held in a 256-entry table per lane, so an
/// index is a byte and needs no bounds check.
const MOST_DAYS: usize = 256;

/// The code a machine runs for the lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// No wide vectors: the groups are drawn one by one instead.
    Generic,
    /// Four 64-bit lanes per register.
    Avx2,
    /// Eight 64-bit lanes per register.
    Avx512,
}

impl Kernel {
    /// The widest kernel this machine runs.
    pub fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512dq")
                && is_x86_feature_detected!("avx512bw")
                && is_x86_feature_detected!("avx512vl")
            {
                return Kernel::Avx512;
            }
            if is_x86_feature_detected!("avx2") {
                return Kernel::Avx2;
            }
        }
        Kernel::Generic
    }

    /// The fewest groups in a batch for which the lanes are faster than drawing each group
    /// alone (a batch costs the same with 1 or 8 groups): measured, 2.5 groups' time for a
    /// batch with AVX-512, 6 with AVX2.
    pub fn fewest_groups(self) -> usize {
        match self {
            Kernel::Avx512 => 3,
            Kernel::Avx2 => 7,
            Kernel::Generic => usize::MAX,
        }
    }
}

/// Whether a group's history can be drawn in a lane: at most [`MOST_DAYS`] days, at least one
/// item done (an empty history is answered without drawing), and trial totals in the range
/// [`super::how_many_each`] counts (`widest × busiest day` at most its shared-draws bound,
/// far below 2³²: the lanes' running totals are 32-bit, their differences exact).
pub fn fits(history: &[u64], widest: usize) -> bool {
    let most = history.iter().copied().max().unwrap_or(0) as usize;
    !history.is_empty()
        && history.len() <= MOST_DAYS
        && most > 0
        && widest.saturating_mul(most) <= super::SHARED_DRAWS
}

/// The counted trial totals of each group (1 to [`LANES`] of them, each [`fits`], all with
/// histories of the same length), for each horizon: what [`super::how_many_each`] counts.
pub fn totals(
    kernel: Kernel,
    groups: &[(&[u64], u64)],
    horizons: &[u32],
    trials: u32,
) -> Vec<Vec<SortedTotals>> {
    assert!(
        !groups.is_empty() && groups.len() <= LANES,
        "1 to {LANES} groups"
    );
    let days = groups[0].0.len();
    assert!(groups.iter().all(|(h, _)| h.len() == days && fits(h, 0)));
    // Lanes without a group repeat the first one; their counts are dropped.
    let lane = |l: usize| groups[if l < groups.len() { l } else { 0 }];
    let mut table = vec![[0u32; MOST_DAYS]; LANES];
    let mut state = [[0u64; LANES]; 4];
    let mut counts: Vec<Vec<SortedTotals>> = Vec::with_capacity(LANES);
    for (l, row) in table.iter_mut().enumerate() {
        let (history, seed) = lane(l);
        for (cell, &c) in row.iter_mut().zip(history) {
            *cell = c as u32;
        }
        for (word, s) in Rng::new(seed).state().into_iter().enumerate() {
            state[word][l] = s;
        }
        let most = history.iter().copied().max().unwrap_or(0) as usize;
        counts.push(
            horizons
                .iter()
                .map(|&h| SortedTotals::new(h as usize * most))
                .collect(),
        );
    }
    let table: &[[u32; MOST_DAYS]; LANES] = table[..].try_into().expect("LANES rows");
    let run = Run {
        table,
        days: days as u64,
        horizons,
        trials: trials as usize,
    };
    match kernel {
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512 if Kernel::detect() == Kernel::Avx512 => {
            // SAFETY: the machine has AVX-512 F/DQ/BW/VL (checked just above).
            unsafe { run.avx512(&mut state, &mut counts) }
        }
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2 if Kernel::detect() != Kernel::Generic => {
            // SAFETY: the machine has AVX2 (checked just above).
            unsafe { run.avx2(&mut state, &mut counts) }
        }
        _ => run.draw(&mut state, &mut counts),
    }
    counts.truncate(groups.len());
    counts
}

/// One batch's fixed inputs.
struct Run<'a> {
    /// Each lane's daily history, zero past `days`.
    table: &'a [[u32; MOST_DAYS]; LANES],
    days: u64,
    horizons: &'a [u32],
    trials: usize,
}

/// Draws made before their running totals are read at the trial boundaries.
const BLOCK: usize = 512;

impl Run<'_> {
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2")]
    unsafe fn avx512(&self, state: &mut [[u64; LANES]; 4], counts: &mut [Vec<SortedTotals>]) {
        self.draw(state, counts)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn avx2(&self, state: &mut [[u64; LANES]; 4], counts: &mut [Vec<SortedTotals>]) {
        self.draw(state, counts)
    }

    /// Draw every lane's stream, `widest × trials` draws, keeping a wrapping running total per
    /// lane; at each multiple of a horizon `h` (up to `h × trials`) the total since the last
    /// one is a trial's total for `h`: trial t of horizon h sums draws t·h to (t+1)·h − 1, as
    /// in [`super::how_many_each`].
    #[inline(always)]
    fn draw(&self, state: &mut [[u64; LANES]; 4], counts: &mut [Vec<SortedTotals>]) {
        let widest = self.horizons.iter().copied().max().unwrap_or(0) as usize;
        let longest = widest * self.trials;
        let [s0, s1, s2, s3] = state;
        let mut running = [[0u32; LANES]; BLOCK];
        let mut total = [0u32; LANES];
        let mut last = vec![[0u32; LANES]; self.horizons.len()];
        for (k, &h) in self.horizons.iter().enumerate() {
            if h == 0 {
                // Every trial of zero days totals 0.
                for c in counts.iter_mut() {
                    for _ in 0..self.trials {
                        c[k].add(0);
                    }
                }
            }
        }
        let mut done = 0;
        while done < longest {
            let n = BLOCK.min(longest - done);
            for row in &mut running[..n] {
                let mut index = [0u8; LANES];
                for l in 0..LANES {
                    // Rng::next_u64, lane by lane.
                    let x = s1[l];
                    let r = x.wrapping_add(x << 2).rotate_left(7);
                    let r = r.wrapping_add(r << 3);
                    let t = x << 17;
                    s2[l] ^= s0[l];
                    s3[l] ^= s1[l];
                    s1[l] ^= s2[l];
                    s0[l] ^= s3[l];
                    s2[l] ^= t;
                    s3[l] = s3[l].rotate_left(45);
                    // Rng::below(days) = ⌊r·days / 2⁶⁴⌋, from two 32 × 32-bit products:
                    // r·days = hi·days·2³² + lo·days, so the quotient is
                    // ⌊(hi·days + ⌊lo·days / 2³²⌋) / 2³²⌋, exactly.
                    let (hi, lo) = (r >> 32, r & 0xffff_ffff);
                    index[l] = ((hi * self.days + ((lo * self.days) >> 32)) >> 32) as u8;
                }
                for l in 0..LANES {
                    total[l] = total[l].wrapping_add(self.table[l][index[l] as usize]);
                }
                *row = total;
            }
            for (k, &h) in self.horizons.iter().enumerate() {
                let h = h as usize;
                if h == 0 {
                    continue;
                }
                let end = (done + n).min(h * self.trials);
                let mut boundary = (done / h + 1) * h;
                while boundary <= end {
                    let now = running[boundary - done - 1];
                    for (l, c) in counts.iter_mut().enumerate() {
                        c[k].add(now[l].wrapping_sub(last[k][l]) as usize);
                    }
                    last[k] = now;
                    boundary += h;
                }
            }
            done += n;
        }
    }
}
