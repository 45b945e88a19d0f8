//! `Contains`: for each matcher, some element that matches it.

use serde_json::Value;

use super::check::{describe, holds, mismatch, Mismatch};
use crate::case::model::Matcher;
use crate::case::vars::{TemplateError, Vars};

pub(super) fn check(
    items: &[Matcher],
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let Some(Value::Array(elems)) = actual else {
        return Ok(mismatch(path, "an array".into(), actual));
    };
    let mut out = Vec::new();
    for m in items {
        let mut found = false;
        for (i, e) in elems.iter().enumerate() {
            if holds(m, Some(e), vars, &format!("{path}[{i}]"))? {
                found = true;
                break;
            }
        }
        if !found {
            out.extend(mismatch(
                path,
                format!("an array containing an element like {}", describe(m, vars)),
                actual,
            ));
        }
    }
    Ok(out)
}
