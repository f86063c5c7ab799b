//! A small deterministic pseudo-random generator: SplitMix64 (Steele, Lea and Flood, 2014).
//!
//! Hand-written rather than taken from the `rand` crates so that the output for a seed is
//! fixed by this file alone: `rand`'s range sampling and shuffles have changed between
//! versions, which would silently change a generated corpus. SplitMix64 passes BigCrush, needs
//! one `u64` of state and is fast; statistical quality beyond that is irrelevant here.

/// SplitMix64: one 64-bit state, advanced by a constant and mixed on output.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 finaliser: a bijective mix of 64 bits.
fn finalise(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A seed for a sub-stream, derived from a parent seed and a label (report number, round,
/// group...): streams for different labels are unrelated.
pub fn derive(seed: u64, label: u64) -> u64 {
    finalise(seed ^ finalise(label.wrapping_add(GOLDEN)))
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        finalise(self.state)
    }

    /// A number in `0..n` (0 when `n` is 0), by the multiply-high method (Lemire); the bias
    /// of at most `n / 2^64` does not matter here.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let high = (u128::from(self.next_u64()) * u128::from(n)) >> 64;
        // high < n, which came from a usize.
        usize::try_from(high).unwrap_or(0)
    }

    /// Shuffles a slice in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values() {
        // The first outputs of SplitMix64 seeded with 1234567 (from the reference C code).
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(rng.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn below_stays_in_range_and_shuffle_permutes() {
        let mut rng = SplitMix64::new(7);
        assert!((0..1000).all(|_| rng.below(13) < 13));
        assert_eq!(rng.below(0), 0);
        let mut v: Vec<u32> = (0..100).collect();
        rng.shuffle(&mut v);
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
        assert_ne!(derive(7, 1), derive(7, 2));
        assert_ne!(derive(7, 1), derive(8, 1));
    }
}
