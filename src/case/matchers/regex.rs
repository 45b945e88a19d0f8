//! `Regex`: a string matching a pattern; substituted values match literally.

use serde_json::Value;

use super::check::{mismatch, Mismatch};
use crate::case::vars::{TemplateError, Vars};

pub(super) fn check(
    pattern: &str,
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let rendered = vars.render_str_with(pattern, ::regex::escape)?;
    let re = ::regex::Regex::new(&rendered).map_err(|e| TemplateError {
        template: pattern.to_string(),
        message: format!("not a valid regex: {e}"),
    })?;
    Ok(match actual {
        Some(Value::String(s)) if re.is_match(s) => vec![],
        _ => mismatch(path, format!("a string matching /{rendered}/"), actual),
    })
}
