//! `Array`: exactly these elements, in order.

use serde_json::Value;

use super::check::{check as check_one, mismatch, Mismatch};
use crate::case::model::Matcher;
use crate::case::vars::{TemplateError, Vars};

pub(super) fn check(
    items: &[Matcher],
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let Some(Value::Array(elems)) = actual else {
        return Ok(mismatch(
            path,
            format!("an array of {} elements", items.len()),
            actual,
        ));
    };
    if elems.len() != items.len() {
        return Ok(mismatch(
            path,
            format!("an array of {} elements", items.len()),
            actual,
        ));
    }
    let mut out = Vec::new();
    for (i, (m, v)) in items.iter().zip(elems).enumerate() {
        out.extend(check_one(m, Some(v), vars, &format!("{path}[{i}]"))?);
    }
    Ok(out)
}
