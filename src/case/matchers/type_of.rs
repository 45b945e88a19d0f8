//! `Type`: a value of a JSON type.

use serde_json::Value;

use super::check::{mismatch, Mismatch};
use crate::case::model::JsonType;

/// The name used in case files.
pub(super) fn name(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "null",
        JsonType::Bool => "bool",
        JsonType::Number => "number",
        JsonType::Integer => "integer",
        JsonType::String => "string",
        JsonType::Array => "array",
        JsonType::Object => "object",
    }
}

fn is(t: JsonType, v: &Value) -> bool {
    match t {
        JsonType::Null => v.is_null(),
        JsonType::Bool => v.is_boolean(),
        JsonType::Number => v.is_number(),
        JsonType::Integer => {
            v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        JsonType::String => v.is_string(),
        JsonType::Array => v.is_array(),
        JsonType::Object => v.is_object(),
    }
}

pub(super) fn check(t: JsonType, actual: Option<&Value>, path: &str) -> Vec<Mismatch> {
    match actual {
        Some(v) if is(t, v) => vec![],
        _ => mismatch(path, format!("a value of type {}", name(t)), actual),
    }
}
