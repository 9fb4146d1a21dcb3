//! Randomness of the generator: its own PRNG (SplitMix64 seeding xoshiro256**) and its own
//! `ln`/`exp` built from IEEE basic arithmetic, so output never depends on a platform libm or a
//! crate version. Every stream is identified by (seed, stream, index).

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** seeded through SplitMix64 from (seed, stream, index).
pub(super) struct Rng([u64; 4]);

impl Rng {
    pub(super) fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut sm = seed;
        let mut sm = splitmix64(&mut sm)
            ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03)
            ^ index.wrapping_mul(0x8CB9_2BA7_2F3D_8DD7);
        // Four consecutive SplitMix64 outputs are never all zero (xoshiro's one bad state).
        Rng([
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ])
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1), 53 bits.
    pub(super) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    /// Uniform in `0..n` (multiply-shift; bias below n / 2^64). `n` must be > 0.
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    pub(super) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below((hi - lo + 1) as usize) as u64
    }

    /// Index drawn with probability proportional to weight; `cum` holds the running sums.
    pub(super) fn weighted(&mut self, cum: &[u64]) -> usize {
        let total = *cum.last().expect("invariant: at least one team");
        let x = ((u128::from(self.next_u64()) * u128::from(total)) >> 64) as u64;
        cum.partition_point(|&c| c <= x)
    }

    /// Log-normal with the given median and shape; the normal deviate comes from Marsaglia's
    /// polar method, which needs only `ln` and `sqrt` (correctly rounded by IEEE 754).
    pub(super) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        loop {
            let (u, v) = (2.0 * self.f64() - 1.0, 2.0 * self.f64() - 1.0);
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return median * exp(sigma * u * (-2.0 * ln(s) / s).sqrt());
            }
        }
    }
}

/// Natural logarithm of a positive normal float from basic arithmetic: x = m·2^e with
/// m in [√½, √2), ln m = 2·atanh((m−1)/(m+1)) by its series (|s| ≤ 0.172: 12 terms suffice).
pub(super) fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let (mut term, mut sum) = (s, 0.0);
    for k in 0..12 {
        sum += term / (2 * k + 1) as f64;
        term *= s * s;
    }
    2.0 * sum + e as f64 * std::f64::consts::LN_2
}

/// e^x from basic arithmetic: x = k·ln 2 + r with |r| ≤ 0.35, Taylor series of e^r, times 2^k.
pub(super) fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let k = (x / std::f64::consts::LN_2 + if x >= 0.0 { 0.5 } else { -0.5 }) as i64;
    let r = x - k as f64 * std::f64::consts::LN_2;
    let (mut term, mut sum) = (1.0, 1.0);
    for n in 1..=18 {
        term *= r / n as f64;
        sum += term;
    }
    sum * f64::from_bits(((k + 1023) as u64) << 52)
}
