//! Judging a response against a step's `expect`.

use serde_json::Value;

use super::result::Mismatch;
use crate::case::matchers;
use crate::case::vars::Vars;
use crate::case::{BodyExpect, Expect, Matcher};
use crate::client::WireResponse;
use crate::spec::{sanitize_code, ErrorCode};

/// The verdict on one response.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Checks that fail the step.
    pub failures: Vec<Mismatch>,
    /// Message checks that failed where only a recording would justify failing.
    pub drift: Vec<Mismatch>,
    /// Expected and actual body, when the body check failed.
    pub body_diff: Option<(String, String)>,
}

/// The status a step expects: as written; else the status the spec gives the
/// first candidate error code; else 200.
pub fn expected_status(expect: &Expect) -> u16 {
    expect.status.unwrap_or_else(|| {
        expect
            .error
            .as_ref()
            .and_then(|codes| codes.first())
            .and_then(|c| ErrorCode::from_name(c))
            .map(|c| c.status())
            .unwrap_or(200)
    })
}

/// The error code of a response: `__type` in the body, else the
/// `x-amzn-ErrorType` header, stripped of namespace and suffix as SDKs do.
pub fn error_code(body: Option<&Value>, response: &WireResponse) -> Option<String> {
    body.and_then(|b| b.get("__type"))
        .and_then(Value::as_str)
        .or_else(|| response.header("x-amzn-errortype"))
        .map(|raw| sanitize_code(raw).to_owned())
}

/// Judges `response`. `message_is_hard` says whether a message mismatch
/// fails the step (evidence `recorded`) or is reported as drift.
pub fn judge(
    expect: &Expect,
    response: &WireResponse,
    vars: &Vars,
    message_is_hard: bool,
) -> Result<Verdict, String> {
    let mut v = Verdict::default();
    let status = expected_status(expect);
    if response.status != status {
        v.failures.push(Mismatch {
            what: "status".into(),
            expected: status.to_string(),
            actual: response.status.to_string(),
        });
    }
    let body: Option<Value> = if response.body.is_empty() {
        None
    } else {
        serde_json::from_slice(&response.body).ok()
    };
    let code = error_code(body.as_ref(), response);
    match (&expect.error, &code) {
        (Some(candidates), Some(actual)) if !candidates.iter().any(|c| c == actual) => {
            v.failures.push(Mismatch {
                what: "error code".into(),
                expected: one_of(candidates),
                actual: actual.clone(),
            })
        }
        (Some(candidates), None) => v.failures.push(Mismatch {
            what: "error code".into(),
            expected: one_of(candidates),
            actual: "(no __type in the body, no x-amzn-ErrorType header)".into(),
        }),
        (None, Some(actual)) if (200..300).contains(&status) => v.failures.push(Mismatch {
            what: "error code".into(),
            expected: "no error".into(),
            actual: actual.clone(),
        }),
        _ => {}
    }
    if let Some(m) = &expect.message {
        // AWS spells it `message`, and `Message` in a few framework errors (spec F).
        let actual = body
            .as_ref()
            .and_then(|b| b.get("message").or_else(|| b.get("Message")));
        let found = matchers::check(m, actual, vars, "message").map_err(|e| e.to_string())?;
        let sink = if message_is_hard {
            &mut v.failures
        } else {
            &mut v.drift
        };
        sink.extend(found.into_iter().map(|f| Mismatch {
            what: "message".into(),
            expected: f.expected,
            actual: f.actual,
        }));
    }
    match &expect.body {
        None => {}
        Some(BodyExpect::Empty) if !response.body.is_empty() => v.failures.push(Mismatch {
            what: "body".into(),
            expected: "empty (0 bytes)".into(),
            actual: shown_body(&response.body),
        }),
        Some(BodyExpect::Empty) => {}
        Some(BodyExpect::Json(m)) => match &body {
            None => v.failures.push(Mismatch {
                what: "body".into(),
                expected: "a JSON document".into(),
                actual: shown_body(&response.body),
            }),
            Some(actual) => {
                let found =
                    matchers::check(m, Some(actual), vars, "$").map_err(|e| e.to_string())?;
                if !found.is_empty() {
                    v.body_diff = Some((expected_text(m, vars), pretty(actual)));
                }
                v.failures.extend(found.into_iter().map(|f| Mismatch {
                    what: format!("body {}", f.path),
                    expected: f.expected,
                    actual: f.actual,
                }));
            }
        },
    }
    for (name, m) in &expect.headers {
        let found = matchers::check_header(m, response.header(name), vars, name)
            .map_err(|e| e.to_string())?;
        v.failures.extend(found.into_iter().map(|f| Mismatch {
            what: format!("header {name}"),
            expected: f.expected,
            actual: f.actual,
        }));
    }
    Ok(v)
}

fn one_of(candidates: &[String]) -> String {
    match candidates {
        [one] => one.clone(),
        many => format!("one of {}", many.join(", ")),
    }
}

/// A body for a message: JSON pretty-printed, text as text, bytes as a count.
pub fn shown_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty)".into();
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => pretty(&v),
        Err(_) => match std::str::from_utf8(body) {
            Ok(text) if text.len() <= 2000 => format!("{text:?}"),
            Ok(text) => {
                let head: String = text.chars().take(2000).collect();
                format!("{head:?}... ({} bytes)", text.len())
            }
            Err(_) => format!("({} bytes, not UTF-8)", body.len()),
        },
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// The expected body written out as JSON, matchers shown in angle brackets,
/// templates expanded, for the diff.
fn expected_text(m: &Matcher, vars: &Vars) -> String {
    pretty(&expected_value(m, vars))
}

fn expected_value(m: &Matcher, vars: &Vars) -> Value {
    let render = |v: &Value| vars.render(v).unwrap_or_else(|_| v.clone());
    match m {
        Matcher::Exact(v) => render(v),
        Matcher::Subset(members) => Value::Object(
            members
                .iter()
                .filter(|(_, m)| !matches!(m, Matcher::Absent))
                .map(|(k, m)| (k.clone(), expected_value(m, vars)))
                .collect(),
        ),
        Matcher::Array(items) => {
            Value::Array(items.iter().map(|m| expected_value(m, vars)).collect())
        }
        Matcher::Contains(items) => {
            Value::Array(items.iter().map(|m| expected_value(m, vars)).collect())
        }
        other => Value::String(format!("<{}>", matchers::describe(other, vars))),
    }
}
