//! The runner: case files become libtest-mimic trials fired at a target,
//! and every failure is explained.
//!
//! Judging a response (`check`), deciding a verdict (`verdict`), baselines,
//! the console and JUnit views and reproduction commands are pure and build
//! without the `harness` feature, so the fuzz targets can use them; sending
//! requests (`execute`, `target`, `sweep`) and `run` itself need it.

pub use baseline::Baseline;
#[cfg(feature = "harness")]
pub use execute::RunContext;
#[cfg(feature = "harness")]
pub use options::RunOptions;
#[cfg(feature = "harness")]
pub use run::{run, Defaults, EXIT_USAGE};
#[cfg(feature = "harness")]
pub use target::Target;

pub mod baseline;
pub mod check;
pub mod console;
#[cfg(feature = "harness")]
pub mod corpus;
#[cfg(feature = "harness")]
pub mod execute;
pub mod junit;
#[cfg(feature = "harness")]
pub mod options;
pub mod reproduce;
#[cfg(feature = "harness")]
mod run;
#[cfg(feature = "harness")]
pub mod sweep;
#[cfg(feature = "harness")]
pub mod target;
pub mod verdict;
