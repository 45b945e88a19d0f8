//! Differential fuzzing: generated operation sequences run against a target
//! and against a fresh in-process reference side by side; the first answer
//! that differs (after normalising what may differ) is a divergence, which
//! is shrunk to a minimal sequence, confirmed, and written out as a case
//! file that passes against the reference and fails against the target.
//!
//! - [`generate`]: sequences from a seed, drawn by the generators of the
//!   `operation_sequence` fuzz target and the model (`fuzzing::model`);
//! - [`action`]: one request as a template both sides render;
//! - [`trial`]: one sequence on both sides, then cleanup;
//! - [`compare`]: the comparison rules, with `run`'s signatures;
//! - [`shrink`]: fewer steps, fewer members, shorter strings;
//! - [`write`]: a divergence as a case file;
//! - [`campaign`]: the loop, confirmation, and the check of written cases.

pub mod action;
pub mod campaign;
pub mod compare;
pub mod generate;
pub mod otc;
pub mod shrink;
pub mod trial;
pub mod write;
