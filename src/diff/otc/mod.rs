//! Differential fuzzing of the OTC dialect: generated sequences of OTC
//! actions run against a target and a fresh in-process reference
//! (`Service::answer_otc`) side by side, the first differing answer shrunk
//! to the fewest steps, confirmed, and written out as a `dialect: otc`
//! case that passes against the reference and fails against the target.
//! The campaign's output is the AWS fuzzer's ([`super::campaign::Campaign`]),
//! so `fuzz` reports both alike.
//!
//! - [`generate`]: sequences from a seed, drawn toward the key_alias
//!   boundaries, the `/default` suffix, key states and malformed requests;
//! - [`trial`]: one sequence on both sides, the comparison, cleanup;
//! - [`write`]: a divergence as a case file;
//! - [`campaign`]: the loop, shrinking, confirmation and the case's check.

pub mod campaign;
pub mod generate;
pub mod trial;
pub mod write;
