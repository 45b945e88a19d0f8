//! `Excludes`: no element matches.

use serde_json::Value;

use super::check::{describe, holds, mismatch, Mismatch};
use crate::case::model::Matcher;
use crate::case::vars::{TemplateError, Vars};

pub(super) fn check(
    m: &Matcher,
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let Some(Value::Array(elems)) = actual else {
        return Ok(mismatch(path, "an array".into(), actual));
    };
    for (i, e) in elems.iter().enumerate() {
        let at = format!("{path}[{i}]");
        if holds(m, Some(e), vars, &at)? {
            return Ok(mismatch(
                &at,
                format!("no element like {}", describe(m, vars)),
                Some(e),
            ));
        }
    }
    Ok(vec![])
}
