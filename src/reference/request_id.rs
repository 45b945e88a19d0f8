//! Request ids: UUID v4-shaped, as AWS's are, and unique within the process,
//! without a getrandom call per request (one seeds them all).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use uuid::{Builder, Uuid};

/// Where the 64 bits that make an id unique go: every byte but 6 and 8,
/// whose version and variant bits `from_random_bytes` overwrites (and the
/// seed fills the rest).
const UNIQUE_BYTES: [usize; 8] = [0, 1, 2, 3, 4, 5, 7, 9];

static SEED: OnceLock<[u8; 16]> = OnceLock::new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The next request id, e.g. `1b4f0e98-51a5-4f3e-9a3c-7d2b0c6e8f10`.
pub fn next() -> String {
    let seed = SEED.get_or_init(|| *Uuid::new_v4().as_bytes());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let key = u64::from_le_bytes(seed[..8].try_into().expect("8 bytes"));
    // A bijection of the counter: distinct counts give distinct ids, which
    // still look random rather than sequential.
    let unique = mix(n ^ key).to_le_bytes();
    let mut bytes = *seed;
    for (pos, b) in UNIQUE_BYTES.iter().zip(unique) {
        bytes[*pos] = b;
    }
    Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// SplitMix64's finaliser: xor-shifts and odd multiplications, each
/// invertible, so the whole is a permutation of u64.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_v4_uuids_and_unique() {
        let mut seen = HashSet::new();
        for _ in 0..100_000 {
            let id = next();
            let u = Uuid::parse_str(&id).unwrap();
            assert_eq!(u.get_version_num(), 4);
            assert_eq!(u.get_variant(), uuid::Variant::RFC4122);
            assert_eq!(id, u.hyphenated().to_string());
            assert!(seen.insert(id));
        }
    }
}
