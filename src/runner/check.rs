//! Judging a response: every check a step makes, each attributed to its
//! clause with its own evidence grade, and each failed one given a kind.

use serde_json::Value;

use crate::case::matchers;
use crate::case::vars::Vars;
use crate::case::{BodyExpect, CheckOf, Expect, Grade, Matcher, Role};
use crate::client::WireResponse;
use crate::report::{CheckOutcome, CheckRecord, Kind};
use crate::spec::otc::{self, OtcError};
use crate::spec::{sanitize_code, Dialect, ErrorCode, Evidence};

/// What judging one response found.
#[derive(Debug, Default)]
pub struct Judged {
    /// Every check made, passed or not.
    pub checks: Vec<CheckRecord>,
    /// A unified diff of the bodies, when the body check failed.
    pub diff: Option<String>,
}

/// The status a step expects: as written; else the status the spec gives the
/// first candidate error code (400 for a code pattern); else 200.
pub fn expected_status(dialect: Dialect, expect: &Expect) -> u16 {
    expect.status.unwrap_or_else(|| {
        if expect.error_pattern.is_some() {
            return 400;
        }
        let first = expect.error.as_ref().and_then(|codes| codes.first());
        first
            .and_then(|c| match dialect {
                Dialect::Aws => ErrorCode::from_name(c).map(|c| c.status()),
                Dialect::Otc => OtcError::from_code(c).map(|e| e.status()),
            })
            .unwrap_or(200)
    })
}

/// The error code of a response. AWS: `__type` in the body, else the
/// `x-amzn-ErrorType` header, stripped of namespace and suffix as SDKs do.
/// OTC: `error.error_code` of the envelope.
pub fn error_code(
    dialect: Dialect,
    body: Option<&Value>,
    response: &WireResponse,
) -> Option<String> {
    match dialect {
        Dialect::Aws => body
            .and_then(|b| b.get("__type"))
            .and_then(Value::as_str)
            .or_else(|| response.header("x-amzn-errortype"))
            .map(|raw| sanitize_code(raw).to_owned()),
        Dialect::Otc => body
            .and_then(otc::parse_envelope)
            .map(|(code, _)| code.to_owned()),
    }
}

/// Where the error's code was looked for, for a failure that found none.
fn code_places(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Aws => "(no __type in the body, no x-amzn-ErrorType header)",
        Dialect::Otc => "(no error.error_code in the body)",
    }
}

/// The error message: AWS's `message` (or `Message`, as a few framework
/// errors spell it, spec F); OTC's `error.error_msg`.
fn error_message(dialect: Dialect, body: Option<&Value>) -> Option<&Value> {
    match dialect {
        Dialect::Aws => body.and_then(|b| b.get("message").or_else(|| b.get("Message"))),
        Dialect::Otc => body
            .and_then(|b| b.get("error"))
            .and_then(|e| e.get("error_msg")),
    }
}

/// The error code of a response, for callers that hold only the response.
pub fn response_code(dialect: Dialect, resp: &WireResponse) -> Option<String> {
    let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
    error_code(dialect, body.as_ref(), resp)
}

/// Whether a response says the target does not serve the operation at all
/// (so the case is blocked, not failed, unless that is what it expects).
/// OTC: KMS.0201 ("Invalid request URL.") is the dialect's answer to a path
/// it has no action for.
pub fn lacks_operation(dialect: Dialect, response: &WireResponse) -> bool {
    let unknown = match dialect {
        Dialect::Aws => "UnknownOperationException",
        Dialect::Otc => OtcError::InvalidUrl.code(),
    };
    match response_code(dialect, response).as_deref() {
        Some(c) if c == unknown => true,
        Some(_) => false,
        None => response.status == 404 || response.status == 501,
    }
}

/// The grade every check of a step starts from: what the file, case and step say.
#[derive(Debug, Clone)]
pub struct StepGrade {
    /// The clause.
    pub clause: String,
    /// The source.
    pub source: String,
    /// The evidence.
    pub evidence: Evidence,
}

impl StepGrade {
    /// `overrides` on top of this grade.
    pub fn with(&self, overrides: &Grade) -> StepGrade {
        StepGrade {
            clause: overrides
                .clause
                .clone()
                .unwrap_or_else(|| self.clause.clone()),
            source: overrides
                .source
                .clone()
                .unwrap_or_else(|| self.source.clone()),
            evidence: overrides.evidence.unwrap_or(self.evidence),
        }
    }
}

struct Recorder<'a> {
    case_source: &'a str,
    checks: Vec<CheckRecord>,
}

impl Recorder<'_> {
    fn push(
        &mut self,
        grade: &StepGrade,
        what: String,
        outcome: CheckOutcome,
        expected: String,
        actual: String,
    ) {
        self.checks.push(CheckRecord {
            what,
            clause: grade.clause.clone(),
            evidence: grade.evidence.name().to_owned(),
            source: (grade.source != self.case_source).then(|| grade.source.clone()),
            outcome,
            expected,
            actual,
            kind: None,
        });
    }
}

/// A setup step: it must succeed (2xx, no error code), and that is all.
pub fn judge_setup(
    dialect: Dialect,
    grade: &StepGrade,
    case_source: &str,
    response: &WireResponse,
) -> Judged {
    let mut r = Recorder {
        case_source,
        checks: Vec::new(),
    };
    let code = response_code(dialect, response);
    let ok = (200..300).contains(&response.status) && code.is_none();
    let actual = if ok {
        String::new()
    } else {
        status_and_code(response.status, code.as_deref())
    };
    let outcome = if ok {
        CheckOutcome::Pass
    } else {
        CheckOutcome::Fail
    };
    r.push(
        grade,
        "success".into(),
        outcome,
        "2xx without an error code".into(),
        actual,
    );
    let mut checks = r.checks;
    if !ok {
        checks[0].kind = Some(Kind::Blocked);
    }
    Judged { checks, diff: None }
}

/// A check or verify step: every part of its `expect`. `read` tells whether
/// the step only reads state (a wrong value then shows a wrong state).
#[allow(clippy::too_many_arguments)]
pub fn judge(
    dialect: Dialect,
    expect: &Expect,
    role: Role,
    read: bool,
    grade: &StepGrade,
    case_source: &str,
    response: &WireResponse,
    vars: &Vars,
) -> Result<Judged, String> {
    let mut r = Recorder {
        case_source,
        checks: Vec::new(),
    };
    let g = |c: CheckOf| grade.with(&expect.grade_of(c));
    let pass_or_fail = |failed: bool| {
        if failed {
            CheckOutcome::Fail
        } else {
            CheckOutcome::Pass
        }
    };

    let status = expected_status(dialect, expect);
    let status_ok = response.status == status;
    r.push(
        &g(CheckOf::Status),
        "status".into(),
        pass_or_fail(!status_ok),
        status.to_string(),
        if status_ok {
            String::new()
        } else {
            response.status.to_string()
        },
    );

    let body: Option<Value> = if response.body.is_empty() {
        None
    } else {
        serde_json::from_slice(&response.body).ok()
    };
    let code = error_code(dialect, body.as_ref(), response);
    // An empty `__type` is still an error code, and must show as one.
    let shown = |c: &String| {
        if c.is_empty() {
            "(an empty error code)".to_owned()
        } else {
            c.clone()
        }
    };
    let expects_success = (200..300).contains(&status);
    let code_check = match (&expect.error, &code) {
        (Some(candidates), Some(actual)) => Some((
            one_of(candidates),
            (!candidates.iter().any(|c| c == actual)).then(|| shown(actual)),
        )),
        (Some(candidates), None) => {
            Some((one_of(candidates), Some(code_places(dialect).to_owned())))
        }
        (None, Some(actual)) if expects_success => {
            Some(("no error".to_owned(), Some(shown(actual))))
        }
        (None, None) if expects_success => Some(("no error".to_owned(), None)),
        _ => None,
    };
    let code_check = match (&expect.error_pattern, &code) {
        (Some(re), actual) => {
            let expected = format!("an error code matching /{re}/");
            // The loader compiled it; a failure here cannot happen, but is
            // reported rather than trusted.
            let matches = regex::Regex::new(re)
                .map_err(|e| format!("error pattern `{re}`: {e}"))?
                .is_match(actual.as_deref().unwrap_or(""));
            let failed = match actual {
                None => Some(code_places(dialect).to_owned()),
                Some(a) if !matches => Some(shown(a)),
                Some(_) => None,
            };
            Some((expected, failed))
        }
        (None, _) => code_check,
    };
    if let Some((expected, failed)) = code_check {
        r.push(
            &g(CheckOf::Error),
            "error code".into(),
            pass_or_fail(failed.is_some()),
            expected,
            failed.unwrap_or_default(),
        );
    }

    if let Some(m) = &expect.message {
        let actual = error_message(dialect, body.as_ref());
        let found = matchers::check(m, actual, vars, "message").map_err(|e| e.to_string())?;
        let mg = g(CheckOf::Message);
        // Only a recording of AWS's text for this operation and condition
        // makes a different wording a failure.
        let miss = if mg.evidence == Evidence::Recorded {
            CheckOutcome::Fail
        } else {
            CheckOutcome::Drift
        };
        match found.first() {
            None => r.push(
                &mg,
                "message".into(),
                CheckOutcome::Pass,
                matchers::describe(m, vars),
                String::new(),
            ),
            Some(f) => r.push(
                &mg,
                "message".into(),
                miss,
                f.expected.clone(),
                f.actual.clone(),
            ),
        }
    }

    let mut diff = None;
    let bg = g(CheckOf::Body);
    match &expect.body {
        None => {}
        Some(BodyExpect::Empty) => {
            let failed = !response.body.is_empty();
            r.push(
                &bg,
                "body".into(),
                pass_or_fail(failed),
                "empty (0 bytes)".into(),
                if failed {
                    compact_body(&response.body)
                } else {
                    String::new()
                },
            );
        }
        Some(BodyExpect::Json(m)) => match &body {
            None => r.push(
                &bg,
                "body".into(),
                CheckOutcome::Fail,
                "a JSON document".into(),
                compact_body(&response.body),
            ),
            Some(actual) => {
                let found =
                    matchers::check(m, Some(actual), vars, "$").map_err(|e| e.to_string())?;
                if found.is_empty() {
                    r.push(
                        &bg,
                        "body".into(),
                        CheckOutcome::Pass,
                        "matches".into(),
                        String::new(),
                    );
                } else {
                    diff = Some(unified(&expected_text(m, vars), &pretty(actual)));
                }
                for f in found {
                    r.push(
                        &bg,
                        format!("body {}", f.path),
                        CheckOutcome::Fail,
                        f.expected,
                        f.actual,
                    );
                }
            }
        },
    }

    let hg = g(CheckOf::Headers);
    for (name, m) in &expect.headers {
        let found = matchers::check_header(m, response.header(name), vars, name)
            .map_err(|e| e.to_string())?;
        match found.first() {
            None => r.push(
                &hg,
                format!("header {name}"),
                CheckOutcome::Pass,
                matchers::describe(m, vars),
                String::new(),
            ),
            Some(f) => r.push(
                &hg,
                format!("header {name}"),
                CheckOutcome::Fail,
                f.expected.clone(),
                f.actual.clone(),
            ),
        }
    }

    let mut checks = r.checks;
    classify(&mut checks, role, read, status, response);
    Ok(Judged { checks, diff })
}

/// Gives every failed check its kind. Outcome first: a 2xx where an error
/// was due is a false success whatever else differs.
fn classify(
    checks: &mut [CheckRecord],
    role: Role,
    read: bool,
    expected_status: u16,
    response: &WireResponse,
) {
    let want_ok = (200..300).contains(&expected_status);
    let got_ok = (200..300).contains(&response.status);
    for c in checks.iter_mut() {
        c.kind = match c.outcome {
            CheckOutcome::Pass => None,
            CheckOutcome::Drift => Some(Kind::Drift),
            CheckOutcome::Fail => Some(match c.what.as_str() {
                "status" | "error code" if want_ok && !got_ok => Kind::FalseRejection,
                "status" | "error code" if !want_ok && got_ok => Kind::FalseSuccess,
                "error code" => Kind::WrongCode,
                "status" => Kind::WrongStatus,
                "message" => Kind::WrongMessage,
                _ if role == Role::Verify && want_ok == got_ok => Kind::WrongState,
                // A read that answers another value where the state warrants
                // one shows the wrong state; a missing, extra or mistyped
                // member is shape.
                w if read && w.starts_with("body $") && scalars(&c.expected, &c.actual) => {
                    Kind::WrongState
                }
                _ => Kind::WrongShape,
            }),
        };
    }
}

/// Whether a mismatch compares two JSON scalars (a value, not a structure).
fn scalars(expected: &str, actual: &str) -> bool {
    let scalar =
        |t: &str| serde_json::from_str::<Value>(t).is_ok_and(|v| !v.is_array() && !v.is_object());
    scalar(expected) && scalar(actual)
}

/// `400 ValidationException`, or `200` when there is no error code.
pub fn status_and_code(status: u16, code: Option<&str>) -> String {
    match code {
        Some(c) => format!("{status} {c}"),
        None => status.to_string(),
    }
}

fn one_of(candidates: &[String]) -> String {
    match candidates {
        [one] => one.clone(),
        many => format!("one of {}", many.join(", ")),
    }
}

/// A body in one line: JSON compact, text quoted, bytes as a count.
pub fn compact_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty)".into();
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => clip(&v.to_string(), 300),
        Err(_) => match std::str::from_utf8(body) {
            Ok(text) => format!("{:?} ({} bytes, not JSON)", clip(text, 200), body.len()),
            Err(_) => format!("({} bytes, not UTF-8)", body.len()),
        },
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

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let head: String = s.chars().take(max).collect();
        format!("{head}…")
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

fn unified(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(4)
        .header("expected", "actual")
        .to_string()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::load_str;
    use crate::case::vars::VarContext;

    #[test]
    fn an_empty_error_code_is_shown_as_one() {
        // Found by the endpoint_response fuzz target: `{"__type": ""}` on a
        // 200 failed the code check with an empty `actual`.
        let file = load_str(
            "x.yaml",
            "operation: CreateAlias\nclause: c\nsource: s\nevidence: recorded\ncases:\n  - name: n\n    steps:\n      - request: {}\n        expect: {status: 200}\n",
        )
        .unwrap();
        let grade = StepGrade {
            clause: "c".into(),
            source: "s".into(),
            evidence: Evidence::Recorded,
        };
        let vars = Vars::new(VarContext {
            prefix: "p".into(),
            case_token: "t".into(),
            region: "us-east-1".into(),
            account: None,
            partition: "aws".into(),
        });
        let response = WireResponse {
            status: 200,
            headers: vec![],
            body: br#"{"__type": ""}"#.to_vec(),
        };
        let expect = &file.cases[0].steps[0].expect;
        let judged = judge(
            Dialect::Aws,
            expect,
            Role::Check,
            false,
            &grade,
            "s",
            &response,
            &vars,
        )
        .unwrap();
        let code = judged
            .checks
            .iter()
            .find(|c| c.what == "error code")
            .unwrap();
        assert_eq!(code.outcome, CheckOutcome::Fail);
        assert_eq!(code.actual, "(an empty error code)");
    }
}
