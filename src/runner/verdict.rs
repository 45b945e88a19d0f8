//! A case's verdict from its checks: the deciding deviation, its kind, its
//! signature, and what a baseline makes of it.

use super::baseline::Entry;
use crate::report::{
    BaselineNote, CaseRecord, CheckOutcome, CheckRecord, Kind, Normaliser, StepRecord, Verdict,
};

/// The deciding check of a case: the most severe failed check of the step
/// that ended it, or the first drifted one when nothing failed.
fn deciding(steps: &[StepRecord]) -> Option<(&StepRecord, &CheckRecord)> {
    let failed = steps.iter().rev().find_map(|s| {
        s.checks
            .iter()
            .filter(|c| c.outcome == CheckOutcome::Fail)
            .min_by_key(|c| c.kind)
            .map(|c| (s, c))
    });
    failed.or_else(|| {
        steps.iter().find_map(|s| {
            s.checks
                .iter()
                .find(|c| c.outcome == CheckOutcome::Drift)
                .map(|c| (s, c))
        })
    })
}

/// Fills in the verdict, kind, severity, signature and summary of `case`
/// from its steps (and `blocked`, a setup failure outside the steps).
pub fn decide(case: &mut CaseRecord, norm: &Normaliser) {
    let (kind, operation, check, expected, actual, line) =
        if let Some(step) = case.steps.iter().rev().find(|s| s.error.is_some()) {
            let error = step.error.clone().unwrap_or_default();
            let kind = if step.exchange.request.is_some() && step.exchange.response.is_none() {
                Kind::Transport
            } else {
                Kind::Blocked
            };
            let check = if kind == Kind::Transport {
                "transport"
            } else {
                "step"
            };
            (
                kind,
                step.operation.clone(),
                check.to_owned(),
                "a response".to_owned(),
                error,
                step.index,
            )
        } else if let Some((step, c)) = deciding(&case.steps) {
            let kind = c.kind.unwrap_or(Kind::WrongShape);
            let (check, expected, actual) = match kind {
                // The outcome is the behaviour: status and code together.
                Kind::FalseSuccess | Kind::FalseRejection | Kind::WrongCode | Kind::WrongStatus => {
                    let part = |what: &str| step.checks.iter().find(|c| c.what == what);
                    let both = |f: fn(&CheckRecord) -> &str| {
                        let status = part("status").map(f).unwrap_or_default();
                        let code = part("error code").map(f).unwrap_or_default();
                        [status, code]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    let status = response_status(step);
                    let code = response_code(step);
                    let actual = match code {
                        Some(c) => format!("{status} {c}"),
                        None => format!("{status} (no error code)"),
                    };
                    ("response".to_owned(), both(|c| c.expected.as_str()), actual)
                }
                _ => (c.what.clone(), c.expected.clone(), c.actual.clone()),
            };
            (
                kind,
                step.operation.clone(),
                check,
                expected,
                actual,
                step.index,
            )
        } else {
            case.verdict = Verdict::Pass;
            return;
        };
    case.kind = Some(kind);
    case.severity = Some(kind.severity());
    case.verdict = kind.verdict();
    case.signature = Some(norm.signature(&operation, &check, &expected, &actual));
    case.summary = Some(format!(
        "step {line} {operation}: {check}: expected {expected}, got {actual}"
    ));
}

/// The status of a step's response, from its record.
fn response_status(step: &StepRecord) -> String {
    step.exchange
        .response
        .as_ref()
        .map(|r| r.status.to_string())
        .unwrap_or_else(|| "(no response)".into())
}

/// The error code a step's response carried, read as the checks read it.
fn response_code(step: &StepRecord) -> Option<String> {
    let r = step.exchange.response.as_ref()?;
    let body: Option<serde_json::Value> = r
        .body
        .text
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok());
    let from_body = body
        .as_ref()
        .and_then(|b| b.get("__type"))
        .and_then(|t| t.as_str())
        .map(str::to_owned);
    let from_header = || {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-amzn-errortype"))
            .map(|(_, v)| v.clone())
    };
    // An OTC answer carries its code in the envelope.
    let from_envelope = || {
        body.as_ref()
            .and_then(crate::spec::otc::parse_envelope)
            .map(|(c, _)| c.to_owned())
    };
    from_body
        .or_else(from_header)
        .map(|raw| crate::spec::sanitize_code(&raw).to_owned())
        .or_else(from_envelope)
}

/// Applies the baseline's entry for this trial, if any.
pub fn apply_baseline(case: &mut CaseRecord, entry: Option<&Entry>) {
    let Some(entry) = entry else { return };
    let changed = match case.verdict {
        Verdict::Pass | Verdict::Drift => {
            case.verdict = Verdict::Xpass;
            false
        }
        _ if case.signature.as_deref() == Some(entry.signature.as_str()) => {
            case.verdict = Verdict::Xfail;
            false
        }
        _ => true,
    };
    case.baseline = Some(BaselineNote {
        signature: entry.signature.clone(),
        reason: entry.reason.clone(),
        changed,
    });
}
