//! Running one case against a target: fixtures, steps, captures, cleanup.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::check::{self, error_code};
use super::result::{CaseReport, StepReport};
use super::target::Target;
use crate::case::matchers;
use crate::case::vars::{VarContext, Vars};
use crate::case::{Body, Case, CaseFile, FixtureState, KeyFixture, Step};
use crate::client::{WireRequest, WireResponse};
use crate::spec::{Evidence, Operation, CONTENT_TYPE};

/// What a case created, to remove afterwards.
#[derive(Default)]
struct Created {
    aliases: Vec<String>,
    keys: Vec<String>,
}

/// Runs one case of `file` against `target`, cleaning up whatever happens.
pub async fn run_case(target: &Target, file: &CaseFile, case: &Case, trial: &str) -> CaseReport {
    let started = Instant::now();
    let evidence = case.grade.evidence.unwrap_or(file.evidence);
    let mut report = CaseReport {
        trial: trial.to_owned(),
        name: case.name.clone(),
        file: file.path.clone(),
        line: case.span.line,
        clause: file.clause.clone(),
        source: file.source.clone(),
        evidence,
        setup_error: None,
        steps: Vec::new(),
        cleanup_errors: Vec::new(),
        duration: Duration::ZERO,
    };
    let mut vars = Vars::new(VarContext {
        prefix: target.prefix.clone(),
        case_token: case_token(trial),
        region: target.client.region().to_owned(),
        account: target.account(),
        partition: crate::spec::identifier::partition(target.client.region()).to_owned(),
    });
    let mut created = Created::default();
    match setup_fixtures(target, &file.fixtures, trial, &mut vars, &mut created).await {
        Err(e) => report.setup_error = Some(e),
        Ok(()) => {
            for (i, step) in case.steps.iter().enumerate() {
                let op = step.op.or(file.operation);
                let step_report =
                    run_step(target, step, op, i + 1, &mut vars, &mut created, evidence).await;
                let passed = step_report.passed();
                report.steps.push(step_report);
                if !passed {
                    break;
                }
            }
        }
    }
    report.cleanup_errors = cleanup(target, &created).await;
    report.duration = started.elapsed();
    report
}

/// A short token that makes the case's names unique within the run.
fn case_token(trial: &str) -> String {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let mut h: u32 = 0x811c_9dc5;
    for b in trial.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

async fn setup_fixtures(
    target: &Target,
    fixtures: &[KeyFixture],
    trial: &str,
    vars: &mut Vars,
    created: &mut Created,
) -> Result<(), String> {
    for f in fixtures {
        let mut body = json!({
            "KeySpec": f.key_spec.name(),
            "Description": format!("kms-alias-conformance {} {trial}", target.prefix),
        });
        if let Some(u) = f.key_usage {
            body["KeyUsage"] = u.name().into();
        }
        if let Some(o) = f.origin {
            body["Origin"] = o.name().into();
        }
        if f.multi_region {
            body["MultiRegion"] = true.into();
        }
        let what = format!("fixture key `{}` (line {})", f.name, f.span.line);
        let response = target
            .call(Operation::CreateKey, &body)
            .await
            .map_err(|e| format!("{what}: CreateKey failed: {e}"))?;
        let meta = response.get("KeyMetadata");
        let key_id = meta.and_then(|m| m.get("KeyId")).and_then(Value::as_str);
        let arn = meta.and_then(|m| m.get("Arn")).and_then(Value::as_str);
        let (Some(key_id), Some(arn)) = (key_id, arn) else {
            return Err(format!(
                "{what}: CreateKey answered without KeyMetadata.KeyId and KeyMetadata.Arn: {response}"
            ));
        };
        created.keys.push(key_id.to_owned());
        target.learn_account(arn);
        vars.set_fixture(&f.name, key_id, arn);
        let then = match f.state {
            FixtureState::Created => None,
            FixtureState::Disabled => Some((Operation::DisableKey, json!({ "KeyId": key_id }))),
            FixtureState::PendingDeletion => Some((
                Operation::ScheduleKeyDeletion,
                json!({ "KeyId": key_id, "PendingWindowInDays": 7 }),
            )),
        };
        if let Some((op, body)) = then {
            target
                .call(op, &body)
                .await
                .map_err(|e| format!("{what}: {op} failed: {e}"))?;
        }
    }
    Ok(())
}

async fn run_step(
    target: &Target,
    step: &Step,
    op: Option<Operation>,
    index: usize,
    vars: &mut Vars,
    created: &mut Created,
    evidence: Evidence,
) -> StepReport {
    let mut report = StepReport {
        index,
        op: op.map(|o| o.name().to_owned()).unwrap_or_else(|| {
            step.request
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
                .and_then(|(_, v)| v.clone())
                .unwrap_or_else(|| "(no target)".into())
        }),
        line: step.span.line,
        request: None,
        response: None,
        failures: Vec::new(),
        drift: Vec::new(),
        body_diff: None,
        error: None,
        attempts: 0,
    };
    let request = match build_request(step, op, vars) {
        Ok(r) => r,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    report.request = Some(request.clone());
    let deadline = step
        .eventually
        .map(|e| (Instant::now() + e.timeout, e.interval));
    let message_is_hard = evidence == Evidence::Recorded;
    loop {
        report.attempts += 1;
        let outcome = target.client.send(&request).await;
        let (verdict, response) = match outcome {
            Err(e) => (Err(e.to_string()), None),
            Ok(response) => (
                check::judge(&step.expect, &response, vars, message_is_hard),
                Some(response),
            ),
        };
        let settled = matches!(&verdict, Ok(v) if v.failures.is_empty());
        let retry =
            !settled && deadline.is_some_and(|(until, interval)| Instant::now() + interval < until);
        if retry {
            let interval = deadline.map(|(_, i)| i).unwrap_or_default();
            tokio::time::sleep(interval).await;
            continue;
        }
        if let Some(resp) = &response {
            note_created(op, &request, resp, created);
        }
        match verdict {
            Err(e) => report.error = Some(e),
            Ok(v) => {
                report.failures = v.failures;
                report.drift = v.drift;
                report.body_diff = v.body_diff;
            }
        }
        report.response = response;
        break;
    }
    if report.passed() {
        if let Some(resp) = &report.response {
            let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
            for c in &step.capture {
                match matchers::capture(body.as_ref(), &resp.headers, &c.path, vars) {
                    Ok(v) => vars.set(&c.name, v),
                    Err(e) => {
                        report.error = Some(format!("capture `{}` from `{}`: {e}", c.name, c.path));
                        break;
                    }
                }
            }
        }
    }
    report
}

/// Builds the wire request: body, default headers, overrides.
pub fn build_request(
    step: &Step,
    op: Option<Operation>,
    vars: &Vars,
) -> Result<WireRequest, String> {
    let body = match &step.request.body {
        Body::Json(v) => {
            let rendered = vars.render(v).map_err(|e| e.to_string())?;
            serde_json::to_vec(&rendered).map_err(|e| e.to_string())?
        }
        Body::Raw(text) => vars
            .render_str(text)
            .map_err(|e| e.to_string())?
            .into_bytes(),
        Body::Bytes(b) => b.clone(),
    };
    let mut headers = vec![("content-type".to_owned(), CONTENT_TYPE.to_owned())];
    if let Some(op) = op {
        headers.push(("x-amz-target".to_owned(), op.target()));
    }
    for (name, value) in &step.request.headers {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        if let Some(v) = value {
            let v = vars.render_str(v).map_err(|e| e.to_string())?;
            headers.push((name.to_ascii_lowercase(), v));
        }
    }
    Ok(WireRequest {
        method: step.request.method.clone().unwrap_or_else(|| "POST".into()),
        path: step.request.path.clone().unwrap_or_else(|| "/".into()),
        headers,
        body,
        sign: !step.request.unsigned,
    })
}

/// Remembers what a successful step created, for cleanup.
fn note_created(
    op: Option<Operation>,
    req: &WireRequest,
    resp: &WireResponse,
    created: &mut Created,
) {
    if resp.status != 200 {
        return;
    }
    let sent: Option<Value> = serde_json::from_slice(&req.body).ok();
    match op {
        Some(Operation::CreateAlias) => {
            if let Some(name) = sent
                .as_ref()
                .and_then(|b| b.get("AliasName"))
                .and_then(Value::as_str)
            {
                created.aliases.push(name.to_owned());
            }
        }
        Some(Operation::CreateKey) => {
            let got: Option<Value> = serde_json::from_slice(&resp.body).ok();
            if let Some(id) = got
                .as_ref()
                .and_then(|b| b.pointer("/KeyMetadata/KeyId"))
                .and_then(Value::as_str)
            {
                created.keys.push(id.to_owned());
            }
        }
        _ => {}
    }
}

/// Deletes the case's aliases and schedules its keys for deletion with the
/// shortest window. Gone-already is fine; anything else is reported.
async fn cleanup(target: &Target, created: &Created) -> Vec<String> {
    let mut errors = Vec::new();
    for alias in &created.aliases {
        let body = json!({ "AliasName": alias });
        if let Err(e) = target
            .call_tolerating(Operation::DeleteAlias, &body, &["NotFoundException"])
            .await
        {
            errors.push(format!("DeleteAlias {alias}: {e}"));
        }
    }
    for key in &created.keys {
        let body = json!({ "KeyId": key, "PendingWindowInDays": 7 });
        if let Err(e) = target
            .call_tolerating(
                Operation::ScheduleKeyDeletion,
                &body,
                &["KMSInvalidStateException", "NotFoundException"],
            )
            .await
        {
            errors.push(format!("ScheduleKeyDeletion {key}: {e}"));
        }
    }
    errors
}

/// The error code of a response, for callers outside this module.
pub fn response_code(resp: &WireResponse) -> Option<String> {
    let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
    error_code(body.as_ref(), resp)
}
