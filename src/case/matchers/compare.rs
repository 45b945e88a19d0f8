//! `Gt`, `Ge`, `Lt`, `Le`: numeric comparisons against a rendered value.

use serde_json::Value;

use super::check::{mismatch, Mismatch};
use crate::case::vars::{TemplateError, Vars};

/// Which comparison.
#[derive(Debug, Clone, Copy)]
pub(super) enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

/// A number, or a string holding one (a capture rendered inside text).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn check(
    op: Op,
    bound: &Value,
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let rendered = vars.render(bound)?;
    let (sym, test): (&str, fn(f64, f64) -> bool) = match op {
        Op::Gt => (">", |a, b| a > b),
        Op::Ge => (">=", |a, b| a >= b),
        Op::Lt => ("<", |a, b| a < b),
        Op::Le => ("<=", |a, b| a <= b),
    };
    let Some(b) = number(&rendered) else {
        return Err(TemplateError {
            template: bound.to_string(),
            message: format!("`{sym}` needs a number, got {rendered}"),
        });
    };
    Ok(match actual.and_then(Value::as_f64) {
        Some(a) if test(a, b) => vec![],
        _ => mismatch(path, format!("a number {sym} {rendered}"), actual),
    })
}
