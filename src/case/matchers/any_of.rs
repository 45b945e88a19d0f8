//! `AnyOf`: at least one of the matchers holds.

use serde_json::Value;

use super::check::{describe, holds, mismatch, Mismatch};
use crate::case::model::Matcher;
use crate::case::vars::{TemplateError, Vars};

pub(super) fn check(
    options: &[Matcher],
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    for m in options {
        if holds(m, actual, vars, path)? {
            return Ok(vec![]);
        }
    }
    let all: Vec<String> = options.iter().map(|m| describe(m, vars)).collect();
    Ok(mismatch(
        path,
        format!("any of [{}]", all.join(", ")),
        actual,
    ))
}
