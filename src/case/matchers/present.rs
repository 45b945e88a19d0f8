//! `Present`: any value, null included.

use serde_json::Value;

use super::check::{mismatch, Mismatch};

pub(super) fn check(actual: Option<&Value>, path: &str) -> Vec<Mismatch> {
    match actual {
        Some(_) => vec![],
        None => mismatch(path, "present".into(), None),
    }
}
