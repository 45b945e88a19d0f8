//! Running one case against a target: fixtures, steps, captures, cleanup,
//! and the record of every exchange and check.

use std::time::Instant;

use base64::Engine as _;
use serde_json::{json, Value};

use super::check::{self, Judged, StepGrade};
use super::reproduce::Reproducer;
use super::target::Target;
use super::verdict;
use crate::case::matchers;
use crate::case::vars::{VarContext, Vars};
use crate::case::{Body, Case, CaseFile, FixtureState, KeyFixture, Role, Step};
use crate::client::{WireRequest, WireResponse};
use crate::report::{
    BodyRecord, CaseRecord, CheckOutcome, CheckRecord, ExchangeRecord, Kind, Normaliser, Reproduce,
    RequestRecord, ResponseRecord, StepRecord, Verdict,
};
use crate::spec::{Operation, CONTENT_TYPE};

/// What a case asked the target to create, to remove afterwards whatever
/// the target answered.
#[derive(Debug, Default)]
pub(crate) struct Created {
    pub(crate) aliases: Vec<String>,
    pub(crate) keys: Vec<String>,
}

impl Created {
    /// Notes what a request asked to create (an alias, whatever the
    /// answer) and what its answer says was created (a key).
    pub(crate) fn note(
        &mut self,
        op: Option<Operation>,
        req: &WireRequest,
        resp: Option<&WireResponse>,
    ) {
        note_requested(op, req, self);
        if let Some(resp) = resp {
            note_created(op, resp, self);
        }
    }
}

/// What every case of a run shares.
pub struct RunContext {
    /// The target.
    pub target: Target,
    /// How to write failures out as commands.
    pub reproducer: Reproducer,
    /// Whether the target is the embedded reference.
    pub embedded: bool,
}

impl RunContext {
    /// The normaliser for signatures, with what the run knows now.
    pub fn normaliser(&self) -> Normaliser {
        Normaliser {
            prefix: self.target.prefix.clone(),
            account: self.target.account(),
            region: self.target.client.region().to_owned(),
        }
    }
}

/// Runs one case of `file`, cleaning up whatever happens, and decides its
/// verdict (before any baseline).
pub async fn run_case(ctx: &RunContext, file: &CaseFile, case: &Case, trial: &str) -> CaseRecord {
    let target = &ctx.target;
    let started = Instant::now();
    let case_grade = StepGrade {
        clause: file.clause.clone(),
        source: file.source.clone(),
        evidence: file.evidence,
    }
    .with(&case.grade);
    let mut record = CaseRecord::new(
        trial.to_owned(),
        case.name.clone(),
        file.path.clone(),
        case.span.line,
        case_grade.clause.clone(),
        case_grade.source.clone(),
        case_grade.evidence.name().to_owned(),
    );
    let mut vars = Vars::new(VarContext {
        prefix: target.prefix.clone(),
        case_token: case_token(trial),
        region: target.client.region().to_owned(),
        account: target.account(),
        partition: crate::spec::identifier::partition(target.client.region()).to_owned(),
    });
    let mut created = Created::default();
    let fixtures_ok = setup_fixtures(target, &file.fixtures, trial, &mut vars, &mut created)
        .await
        .map_err(|(exchanges, failure)| {
            record.fixtures = exchanges;
            failure
        });
    match fixtures_ok {
        Err(failure) => {
            record.kind = Some(failure.kind);
            record.severity = Some(failure.kind.severity());
            record.verdict = failure.kind.verdict();
            record.signature = Some(ctx.normaliser().signature(
                failure.op.name(),
                "fixture",
                "success",
                &failure.actual,
            ));
            record.summary = Some(failure.summary);
        }
        Ok(exchanges) => {
            record.fixtures = exchanges;
            for (i, step) in case.steps.iter().enumerate() {
                let op = step.op.or(file.operation);
                let grade = case_grade.with(&step.grade);
                let step_record = run_step(
                    target,
                    step,
                    op,
                    i + 1,
                    &grade,
                    &case_grade.source,
                    &mut vars,
                    &mut created,
                )
                .await;
                let ended = step_record.error.is_some()
                    || step_record
                        .checks
                        .iter()
                        .any(|c| c.outcome == CheckOutcome::Fail);
                record.steps.push(step_record);
                if ended {
                    break;
                }
            }
            verdict::decide(&mut record, &ctx.normaliser());
        }
    }
    record.cleanup_errors = cleanup(target, &created).await;
    let mut clauses: Vec<String> = record
        .steps
        .iter()
        .flat_map(|s| s.checks.iter().map(|c| c.clause.clone()))
        .chain(std::iter::once(record.clause.clone()))
        .collect();
    clauses.sort();
    clauses.dedup();
    record.clauses = clauses;
    record.duration_ms = started.elapsed().as_millis() as u64;
    record
}

/// Fills in how to reproduce a case that did not pass.
pub fn add_reproduction(record: &mut CaseRecord, reproducer: &Reproducer) {
    if matches!(record.verdict, Verdict::Pass) {
        return;
    }
    let exchanges = record
        .fixtures
        .iter()
        .chain(record.steps.iter().map(|s| &s.exchange));
    record.reproduce = Some(Reproduce {
        curl: reproducer.curls(exchanges),
        command: reproducer.command(&record.trial),
    });
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

struct SetupFailure {
    op: Operation,
    kind: Kind,
    actual: String,
    summary: String,
}

/// A plain request for `op`, as the fixtures and cleanup send it.
pub fn operation_request(op: Operation, body: &Value) -> WireRequest {
    WireRequest {
        method: "POST".into(),
        path: "/".into(),
        headers: vec![
            ("content-type".into(), CONTENT_TYPE.into()),
            ("x-amz-target".into(), op.target()),
        ],
        body: serde_json::to_vec(body).unwrap_or_default(),
        sign: true,
    }
}

async fn setup_fixtures(
    target: &Target,
    fixtures: &[KeyFixture],
    trial: &str,
    vars: &mut Vars,
    created: &mut Created,
) -> Result<Vec<ExchangeRecord>, (Vec<ExchangeRecord>, SetupFailure)> {
    let mut exchanges = Vec::new();
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
        let mut calls = vec![(Operation::CreateKey, body)];
        let mut i = 0;
        while i < calls.len() {
            let (op, body) = calls[i].clone();
            i += 1;
            let req = operation_request(op, &body);
            let sent = target.client.send(&req).await;
            exchanges.push(exchange(Some(&req), sent.as_ref().ok()));
            let fail = |kind: Kind, actual: String| SetupFailure {
                op,
                kind,
                summary: format!("{what}: {op}: {actual}"),
                actual,
            };
            let resp = match sent {
                Err(e) => return Err((exchanges, fail(Kind::Transport, e.to_string()))),
                Ok(r) => r,
            };
            let code = check::response_code(&resp);
            if !(200..300).contains(&resp.status) || code.is_some() {
                let actual = check::status_and_code(resp.status, code.as_deref());
                return Err((exchanges, fail(Kind::Blocked, actual)));
            }
            if op != Operation::CreateKey {
                continue;
            }
            let got: Option<Value> = serde_json::from_slice(&resp.body).ok();
            let meta = got.as_ref().and_then(|g| g.get("KeyMetadata"));
            let key_id = meta.and_then(|m| m.get("KeyId")).and_then(Value::as_str);
            let arn = meta.and_then(|m| m.get("Arn")).and_then(Value::as_str);
            let (Some(key_id), Some(arn)) = (key_id, arn) else {
                let actual = format!(
                    "a body without KeyMetadata.KeyId and Arn: {}",
                    check::compact_body(&resp.body)
                );
                return Err((exchanges, fail(Kind::Blocked, actual)));
            };
            created.keys.push(key_id.to_owned());
            target.learn_account(arn);
            vars.set_fixture(&f.name, key_id, arn);
            match f.state {
                FixtureState::Created => {}
                FixtureState::Disabled => {
                    calls.push((Operation::DisableKey, json!({ "KeyId": key_id })))
                }
                FixtureState::PendingDeletion => calls.push((
                    Operation::ScheduleKeyDeletion,
                    json!({ "KeyId": key_id, "PendingWindowInDays": 7 }),
                )),
            }
        }
    }
    Ok(exchanges)
}

#[allow(clippy::too_many_arguments)]
async fn run_step(
    target: &Target,
    step: &Step,
    op: Option<Operation>,
    index: usize,
    grade: &StepGrade,
    case_source: &str,
    vars: &mut Vars,
    created: &mut Created,
) -> StepRecord {
    let mut record = StepRecord {
        index,
        line: step.span.line,
        operation: op.map(|o| o.name().to_owned()).unwrap_or_else(|| {
            step.request
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
                .and_then(|(_, v)| v.clone())
                .unwrap_or_else(|| "(no target)".into())
        }),
        role: step.role.name().to_owned(),
        attempts: 0,
        exchange: ExchangeRecord {
            request: None,
            response: None,
        },
        checks: Vec::new(),
        diff: None,
        error: None,
    };
    let request = match build_request(step, op, vars) {
        Ok(r) => r,
        Err(e) => {
            record.error = Some(format!("the request could not be built: {e}"));
            return record;
        }
    };
    record.exchange.request = Some(request_record(&request));
    // Only a read is ever sent twice: re-sending a mutation would make the
    // target's second answer the one judged, and could create twice.
    let retry = step
        .eventually
        .filter(|_| op.is_some_and(Operation::is_read))
        .map(|e| (Instant::now() + e.timeout, e.interval));
    note_requested(op, &request, created);
    let (judged, response) = loop {
        record.attempts += 1;
        let response = match target.client.send(&request).await {
            Ok(r) => r,
            Err(e) => {
                record.error = Some(e.to_string());
                return record;
            }
        };
        let judged = judge(step, op, grade, case_source, &response, vars);
        let settled =
            matches!(&judged, Ok(j) if j.checks.iter().all(|c| c.outcome != CheckOutcome::Fail));
        match retry {
            Some((until, interval)) if !settled && Instant::now() + interval < until => {
                tokio::time::sleep(interval).await;
            }
            _ => break (judged, response),
        }
    };
    note_created(op, &response, created);
    record.exchange.response = Some(response_record(&response));
    match judged {
        Err(e) => record.error = Some(format!("the expectation could not be evaluated: {e}")),
        Ok(Judged { checks, diff }) => {
            record.checks = checks;
            record.diff = diff;
        }
    }
    let passed = record.error.is_none()
        && record
            .checks
            .iter()
            .all(|c| c.outcome != CheckOutcome::Fail);
    if passed {
        capture(step, grade, case_source, &response, vars, &mut record);
    }
    record
}

/// Judges a response by the step's role.
fn judge(
    step: &Step,
    op: Option<Operation>,
    grade: &StepGrade,
    case_source: &str,
    response: &WireResponse,
    vars: &Vars,
) -> Result<Judged, String> {
    let expects_unknown = step
        .expect
        .error
        .as_ref()
        .is_some_and(|codes| codes.iter().any(|c| c == "UnknownOperationException"))
        || step.expect.status == Some(404);
    if step.role != Role::Setup && !expects_unknown && check::lacks_operation(response) {
        let mut checks = check::judge_setup(grade, case_source, response).checks;
        for c in &mut checks {
            c.what = "operation served".into();
            c.expected = "the target serves the operation".into();
        }
        return Ok(Judged { checks, diff: None });
    }
    match step.role {
        Role::Setup => Ok(check::judge_setup(grade, case_source, response)),
        role => check::judge(&step.expect, role, op, grade, case_source, response, vars),
    }
}

/// Keeps the step's captures; a missing one blocks a setup step and is a
/// shape failure of a check.
fn capture(
    step: &Step,
    grade: &StepGrade,
    case_source: &str,
    response: &WireResponse,
    vars: &mut Vars,
    record: &mut StepRecord,
) {
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    for c in &step.capture {
        match matchers::capture(body.as_ref(), &response.headers, &c.path, vars) {
            Ok(v) => vars.set(&c.name, v),
            Err(e) => {
                record.checks.push(CheckRecord {
                    what: format!("capture {}", c.name),
                    clause: grade.clause.clone(),
                    evidence: grade.evidence.name().to_owned(),
                    source: (grade.source != case_source).then(|| grade.source.clone()),
                    outcome: CheckOutcome::Fail,
                    expected: format!("a value at `{}`", c.path),
                    actual: e,
                    kind: Some(if step.role == Role::Setup {
                        Kind::Blocked
                    } else {
                        Kind::WrongShape
                    }),
                });
                break;
            }
        }
    }
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

/// Remembers every alias name a CreateAlias asks for before it is sent:
/// cleanup deletes it whatever the target answers.
fn note_requested(op: Option<Operation>, req: &WireRequest, created: &mut Created) {
    if op != Some(Operation::CreateAlias) {
        return;
    }
    let sent: Option<Value> = serde_json::from_slice(&req.body).ok();
    if let Some(name) = sent
        .as_ref()
        .and_then(|b| b.get("AliasName"))
        .and_then(Value::as_str)
    {
        if !created.aliases.iter().any(|a| a == name) {
            created.aliases.push(name.to_owned());
        }
    }
}

/// Remembers a key a CreateKey step made (its id is only in the answer).
fn note_created(op: Option<Operation>, resp: &WireResponse, created: &mut Created) {
    if op != Some(Operation::CreateKey) {
        return;
    }
    let got: Option<Value> = serde_json::from_slice(&resp.body).ok();
    if let Some(id) = got
        .as_ref()
        .and_then(|b| b.pointer("/KeyMetadata/KeyId"))
        .and_then(Value::as_str)
    {
        created.keys.push(id.to_owned());
    }
}

/// Deletes the case's aliases and schedules its keys for deletion with the
/// shortest window. Gone-already is fine; anything else is reported.
/// Deletes every alias and schedules every key `created` names; the errors,
/// one line each.
pub(crate) async fn cleanup(target: &Target, created: &Created) -> Vec<String> {
    let mut errors = Vec::new();
    for alias in &created.aliases {
        let body = json!({ "AliasName": alias });
        // A name the target refuses (malformed, reserved) cannot exist on it.
        let gone = [
            "NotFoundException",
            "ValidationException",
            "NotAuthorizedException",
        ];
        if let Err(e) = target
            .call_tolerating(Operation::DeleteAlias, &body, &gone)
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

fn exchange(req: Option<&WireRequest>, resp: Option<&WireResponse>) -> ExchangeRecord {
    ExchangeRecord {
        request: req.map(request_record),
        response: resp.map(response_record),
    }
}

fn request_record(req: &WireRequest) -> RequestRecord {
    RequestRecord {
        method: req.method.clone(),
        path: req.path.clone(),
        headers: req.headers.clone(),
        body: body_record(&req.body),
        signed: req.sign,
    }
}

fn response_record(resp: &WireResponse) -> ResponseRecord {
    ResponseRecord {
        status: resp.status,
        headers: resp.headers.clone(),
        body: body_record(&resp.body),
    }
}

fn body_record(bytes: &[u8]) -> BodyRecord {
    match std::str::from_utf8(bytes) {
        Ok(text) => BodyRecord {
            text: Some(text.to_owned()),
            base64: None,
            bytes: bytes.len(),
        },
        Err(_) => BodyRecord {
            text: None,
            base64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
            bytes: bytes.len(),
        },
    }
}
