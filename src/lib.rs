//! kms-alias-conformance: a conformance harness, reference emulator and
//! fuzzing suite for the AWS KMS alias API.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod case;
pub mod client;
#[cfg(feature = "harness")]
pub mod diff;
pub mod fuzzing;
pub mod reference;
pub mod report;
pub mod runner;
pub mod spec;
pub mod vectors;
