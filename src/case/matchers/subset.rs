//! `Subset`: an object with at least these members, each matching.

use serde_json::Value;

use super::check::{check as check_one, member_path, mismatch, Mismatch};
use crate::case::model::Matcher;
use crate::case::vars::{TemplateError, Vars};

pub(super) fn check(
    members: &[(String, Matcher)],
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let Some(Value::Object(obj)) = actual else {
        return Ok(mismatch(path, "an object".into(), actual));
    };
    let mut out = Vec::new();
    for (key, m) in members {
        let key = vars.render_str(key)?;
        out.extend(check_one(m, obj.get(&key), vars, &member_path(path, &key))?);
    }
    Ok(out)
}
