//! `Ne`: present and not equal.

use serde_json::Value;

use super::check::{json_eq, mismatch, Mismatch};
use crate::case::vars::{TemplateError, Vars};

pub(super) fn check(
    other: &Value,
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let other = vars.render(other)?;
    Ok(match actual {
        Some(a) if !json_eq(a, &other) => vec![],
        _ => mismatch(path, format!("a value other than {other}"), actual),
    })
}
