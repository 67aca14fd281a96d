//! A tiny deterministic generator (SplitMix64): the same seed gives the same demo data on
//! every machine and every version of dependencies, which a seeded crate cannot promise.

#[derive(Debug, Clone)]
pub struct SeededRng {
    state: u64,
}

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        SeededRng {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// An independent stream for one part of the data, so adding rows elsewhere
    /// does not reshuffle this part.
    pub fn fork(&self, stream: u64) -> Self {
        let mut child = SeededRng {
            state: self.state ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03),
        };
        child.next_u64();
        child
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0); the tiny modulo bias is irrelevant for demo data.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn range(&mut self, low: i64, high_inclusive: i64) -> i64 {
        low + (self.next_u64() % (high_inclusive - low + 1).max(1) as u64) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_forks_differ() {
        let mut a = SeededRng::new(7);
        let mut b = SeededRng::new(7);
        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(first, second);
        let mut fork_one = a.fork(1);
        let mut fork_two = a.fork(2);
        assert_ne!(fork_one.next_u64(), fork_two.next_u64());
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = SeededRng::new(1);
        for _ in 0..1000 {
            assert!(rng.below(3) < 3);
            let v = rng.range(-2, 2);
            assert!((-2..=2).contains(&v));
        }
    }
}
