//! `Len`: elements of an array, characters of a string, members of an object.

use serde_json::Value;

use super::check::{mismatch, Mismatch};

pub(super) fn check(n: usize, actual: Option<&Value>, path: &str) -> Vec<Mismatch> {
    let len = match actual {
        Some(Value::Array(a)) => Some(a.len()),
        Some(Value::String(s)) => Some(s.chars().count()),
        Some(Value::Object(o)) => Some(o.len()),
        _ => None,
    };
    match len {
        Some(l) if l == n => vec![],
        Some(l) => vec![Mismatch {
            path: path.to_string(),
            expected: format!("a value of length {n}"),
            actual: format!("length {l}"),
        }],
        None => mismatch(path, format!("a value of length {n}"), actual),
    }
}
