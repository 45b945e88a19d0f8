//! `Exact`: equal after rendering templates.

use serde_json::Value;

use super::check::{json_eq, mismatch, Mismatch};
use crate::case::vars::{TemplateError, Vars};

pub(super) fn check(
    expected: &Value,
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let expected = vars.render(expected)?;
    Ok(match actual {
        Some(a) if json_eq(&expected, a) => vec![],
        _ => mismatch(path, expected.to_string(), actual),
    })
}
