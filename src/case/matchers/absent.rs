//! `Absent`: no value at all (null counts as present).

use serde_json::Value;

use super::check::{mismatch, Mismatch};

pub(super) fn check(actual: Option<&Value>, path: &str) -> Vec<Mismatch> {
    match actual {
        None => vec![],
        Some(_) => mismatch(path, "(absent)".into(), actual),
    }
}
