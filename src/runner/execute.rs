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
use crate::spec::otc::{Action, OtcError, AUTH_HEADER};
use crate::spec::{Dialect, Operation, CONTENT_TYPE};

/// What a case asked the target to create, to remove afterwards whatever
/// the target answered.
#[derive(Debug, Default)]
pub(crate) struct Created {
    pub(crate) aliases: Vec<String>,
    pub(crate) keys: Vec<String>,
    /// Keys made through the OTC dialect (their alias goes with them).
    pub(crate) otc_keys: Vec<String>,
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
        note_requested(Sent::Aws(op), req, self);
        if let Some(resp) = resp {
            note_created(Sent::Aws(op), resp, self);
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
    if let Some(otc) = &target.otc {
        vars.set("project_id", otc.project_id.clone().into());
    }
    let mut created = Created::default();
    let fixtures = match file.dialect {
        Dialect::Aws => {
            setup_fixtures(target, &file.fixtures, trial, &mut vars, &mut created).await
        }
        Dialect::Otc => {
            setup_otc_fixtures(target, &file.fixtures, trial, &mut vars, &mut created).await
        }
    };
    let fixtures_ok = fixtures.map_err(|(exchanges, failure)| {
        record.fixtures = exchanges;
        failure
    });
    match fixtures_ok {
        Err(failure) => {
            record.kind = Some(failure.kind);
            record.severity = Some(failure.kind.severity());
            record.verdict = failure.kind.verdict();
            record.signature = Some(ctx.normaliser().signature(
                &failure.op,
                "fixture",
                "success",
                &failure.actual,
            ));
            record.summary = Some(failure.summary);
        }
        Ok(exchanges) => {
            record.fixtures = exchanges;
            for (i, step) in case.steps.iter().enumerate() {
                let op = match file.dialect {
                    Dialect::Aws => Sent::Aws(step.op.or(file.operation)),
                    Dialect::Otc => Sent::Otc(step.action.or(file.action)),
                };
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
    op: String,
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
            exchanges.push(exchange(target, Some(&req), sent.as_ref().ok()));
            let fail = |kind: Kind, actual: String| SetupFailure {
                op: op.name().to_owned(),
                kind,
                summary: format!("{what}: {op}: {actual}"),
                actual,
            };
            let resp = match sent {
                Err(e) => return Err((exchanges, fail(Kind::Transport, e.to_string()))),
                Ok(r) => r,
            };
            let code = check::response_code(Dialect::Aws, &resp);
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
    op: Sent,
    index: usize,
    grade: &StepGrade,
    case_source: &str,
    vars: &mut Vars,
    created: &mut Created,
) -> StepRecord {
    let mut record = StepRecord {
        index,
        line: step.span.line,
        operation: match op {
            // A step's own path names what it sends, as coverage reads it.
            Sent::Otc(Some(action)) if step.request.path.is_none() => action.name().to_owned(),
            Sent::Otc(_) => step.request.path.clone().unwrap_or_default(),
            Sent::Aws(op) => op.map(|o| o.name().to_owned()).unwrap_or_else(|| {
                step.request
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
                    .and_then(|(_, v)| v.clone())
                    .unwrap_or_else(|| "(no target)".into())
            }),
        },
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
    let built = match op {
        Sent::Aws(op) => build_request(step, op, vars),
        Sent::Otc(action) => build_otc_request(target, step, action, vars),
    };
    let request = match built {
        Ok(r) => r,
        Err(e) => {
            record.error = Some(format!("the request could not be built: {e}"));
            return record;
        }
    };
    record.exchange.request = Some(request_record(&request, target));
    // Only a read is ever sent twice: re-sending a mutation would make the
    // target's second answer the one judged, and could create twice.
    let retry = step
        .eventually
        .filter(|_| op.is_read())
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

/// What a step sends: an AWS operation, or an OTC action (`None` when the
/// step's own path or `X-Amz-Target` says).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sent {
    Aws(Option<Operation>),
    Otc(Option<Action>),
}

impl Sent {
    fn dialect(self) -> Dialect {
        match self {
            Sent::Aws(_) => Dialect::Aws,
            Sent::Otc(_) => Dialect::Otc,
        }
    }

    fn is_read(self) -> bool {
        match self {
            Sent::Aws(op) => op.is_some_and(Operation::is_read),
            Sent::Otc(action) => action.is_some_and(Action::is_read),
        }
    }
}

/// Judges a response by the step's role.
fn judge(
    step: &Step,
    op: Sent,
    grade: &StepGrade,
    case_source: &str,
    response: &WireResponse,
    vars: &Vars,
) -> Result<Judged, String> {
    let dialect = op.dialect();
    let unknown = match dialect {
        Dialect::Aws => "UnknownOperationException",
        Dialect::Otc => OtcError::InvalidUrl.code(),
    };
    let expects_unknown = step
        .expect
        .error
        .as_ref()
        .is_some_and(|codes| codes.iter().any(|c| c == unknown))
        || step.expect.error_pattern.is_some() && dialect == Dialect::Otc
        || step.expect.status == Some(404);
    // A step that sends an action with another method than POST is about
    // the method: KMS.0201 is then a wrong answer, not a missing action.
    let other_method = step.request.method.as_deref().is_some_and(|m| m != "POST");
    let lacks =
        check::lacks_operation(dialect, response) && !(dialect == Dialect::Otc && other_method);
    if step.role != Role::Setup && !expects_unknown && lacks {
        let mut checks = check::judge_setup(dialect, grade, case_source, response).checks;
        for c in &mut checks {
            c.what = "operation served".into();
            c.expected = "the target serves the operation".into();
        }
        return Ok(Judged { checks, diff: None });
    }
    match step.role {
        Role::Setup => Ok(check::judge_setup(dialect, grade, case_source, response)),
        role => check::judge(
            dialect,
            &step.expect,
            role,
            op.is_read(),
            grade,
            case_source,
            response,
            vars,
        ),
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

/// Builds the wire request of an OTC step: the action's path (or the
/// step's own), JSON content type, the token, then the step's overrides.
fn build_otc_request(
    target: &Target,
    step: &Step,
    action: Option<Action>,
    vars: &Vars,
) -> Result<WireRequest, String> {
    let mut req = build_request(step, None, vars)?;
    let project = target
        .otc
        .as_ref()
        .ok_or("an OTC case needs a project id and token (run with --dialect otc)")?;
    let default_path = action.map(|a| a.path(&project.project_id));
    req.path = match (&step.request.path, default_path) {
        (Some(p), _) => vars.render_str(p).map_err(|e| e.to_string())?,
        (None, Some(p)) => p,
        (None, None) => return Err("the step names no OTC action and no path".into()),
    };
    req.sign = false;
    let mut headers = vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        (AUTH_HEADER.to_owned(), project.token.clone()),
    ];
    for (name, value) in &step.request.headers {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        if let Some(v) = value {
            headers.push((
                name.to_ascii_lowercase(),
                vars.render_str(v).map_err(|e| e.to_string())?,
            ));
        }
    }
    req.headers = headers;
    Ok(req)
}

/// Creates (or, for a Default Master Key, finds) the OTC fixture keys.
async fn setup_otc_fixtures(
    target: &Target,
    fixtures: &[KeyFixture],
    trial: &str,
    vars: &mut Vars,
    created: &mut Created,
) -> Result<Vec<ExchangeRecord>, (Vec<ExchangeRecord>, SetupFailure)> {
    let mut exchanges = Vec::new();
    for f in fixtures {
        let what = format!("fixture key `{}` (line {})", f.name, f.span.line);
        let fail = |action: Action, kind: Kind, actual: String| SetupFailure {
            op: action.name().to_owned(),
            kind,
            summary: format!("{what}: {action}: {actual}"),
            actual,
        };
        let send = |action: Action, body: Value| {
            let req = target.otc_request(action, serde_json::to_vec(&body).unwrap_or_default());
            async move {
                let req = req.map_err(|e| (None, fail(action, Kind::Blocked, e)))?;
                let sent = target.client.send(&req).await;
                let record = exchange(target, Some(&req), sent.as_ref().ok());
                let resp = match sent {
                    Err(e) => {
                        return Err((Some(record), fail(action, Kind::Transport, e.to_string())))
                    }
                    Ok(r) => r,
                };
                let code = check::response_code(Dialect::Otc, &resp);
                if !(200..300).contains(&resp.status) || code.is_some() {
                    let actual = check::status_and_code(resp.status, code.as_deref());
                    return Err((Some(record), fail(action, Kind::Blocked, actual)));
                }
                let body: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
                Ok((record, body))
            }
        };
        if f.default_master_key {
            // Found by reading: list-keys shows every key with its flag.
            let (record, body) = match send(Action::ListKeys, json!({})).await {
                Ok(r) => r,
                Err((record, failure)) => {
                    exchanges.extend(record);
                    return Err((exchanges, failure));
                }
            };
            exchanges.push(record);
            let found = body
                .get("key_details")
                .and_then(Value::as_array)
                .and_then(|keys| {
                    keys.iter()
                        .find(|k| k.get("default_key_flag").and_then(Value::as_str) == Some("1"))
                });
            let id = found.and_then(|k| k.get("key_id")).and_then(Value::as_str);
            let alias = found
                .and_then(|k| k.get("key_alias"))
                .and_then(Value::as_str);
            let (Some(id), Some(alias)) = (id, alias) else {
                let actual = "list-keys shows no key with default_key_flag \"1\" \
                              (a Default Master Key appears once a service has used KMS)";
                return Err((
                    exchanges,
                    fail(Action::ListKeys, Kind::Blocked, actual.into()),
                ));
            };
            vars.set_otc_fixture(&f.name, id, alias);
            continue;
        }
        let alias = vars.context().key_alias(Some(&f.name));
        let mut body = json!({
            "key_alias": alias,
            "key_spec": crate::spec::otc::key_spec_name(f.key_spec).unwrap_or("AES_256"),
            "key_description": format!("kms-alias-conformance {} {trial}", target.prefix),
        });
        if let Some(u) = f.key_usage {
            body["key_usage"] = u.name().into();
        }
        if let Some(o) = f.origin {
            body["origin"] = (if o == crate::spec::Origin::External {
                "external"
            } else {
                "kms"
            })
            .into();
        }
        let (record, got) = match send(Action::CreateKey, body).await {
            Ok(r) => r,
            Err((record, failure)) => {
                exchanges.extend(record);
                return Err((exchanges, failure));
            }
        };
        exchanges.push(record);
        let Some(id) = got.pointer("/key_info/key_id").and_then(Value::as_str) else {
            let actual = format!("a body without key_info.key_id: {got}");
            return Err((exchanges, fail(Action::CreateKey, Kind::Blocked, actual)));
        };
        created.otc_keys.push(id.to_owned());
        vars.set_otc_fixture(&f.name, id, &alias);
        let then = match f.state {
            FixtureState::Created => None,
            FixtureState::Disabled => Some((Action::DisableKey, json!({ "key_id": id }))),
            FixtureState::PendingDeletion => Some((
                Action::ScheduleKeyDeletion,
                json!({ "key_id": id, "pending_days": "7" }),
            )),
        };
        if let Some((action, body)) = then {
            match send(action, body).await {
                Ok((record, _)) => exchanges.push(record),
                Err((record, failure)) => {
                    exchanges.extend(record);
                    return Err((exchanges, failure));
                }
            }
        }
    }
    Ok(exchanges)
}

/// Remembers every alias name a CreateAlias asks for before it is sent:
/// cleanup deletes it whatever the target answers.
fn note_requested(op: Sent, req: &WireRequest, created: &mut Created) {
    if !matches!(op, Sent::Aws(Some(Operation::CreateAlias))) {
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

/// Remembers a key a CreateKey (or OTC create-key) step made (its id is
/// only in the answer).
fn note_created(op: Sent, resp: &WireResponse, created: &mut Created) {
    let got: Option<Value> = serde_json::from_slice(&resp.body).ok();
    if let Sent::Otc(Some(Action::CreateKey)) = op {
        if let Some(id) = got
            .as_ref()
            .and_then(|b| b.pointer("/key_info/key_id"))
            .and_then(Value::as_str)
        {
            created.otc_keys.push(id.to_owned());
        }
        return;
    }
    if !matches!(op, Sent::Aws(Some(Operation::CreateKey))) {
        return;
    }
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
    for key in &created.otc_keys {
        let body = json!({ "key_id": key, "pending_days": "7" });
        let gone = [
            OtcError::AlreadyPendingDeletion.code(),
            OtcError::KeyNotFound.code(),
        ];
        if let Err(e) = target
            .call_otc(Action::ScheduleKeyDeletion, &body, &gone)
            .await
        {
            errors.push(format!("schedule-key-deletion {key}: {e}"));
        }
    }
    errors
}

fn exchange(
    target: &Target,
    req: Option<&WireRequest>,
    resp: Option<&WireResponse>,
) -> ExchangeRecord {
    ExchangeRecord {
        request: req.map(|r| request_record(r, target)),
        response: resp.map(response_record),
    }
}

fn request_record(req: &WireRequest, target: &Target) -> RequestRecord {
    // The run's OTC token is a credential: records (and the curl lines made
    // from them) name the variable it comes from instead. Any other value
    // (a case's own bad token) is shown as sent, so that it reproduces.
    let token = target.otc.as_ref().map(|o| o.token.as_str());
    let headers = req
        .headers
        .iter()
        .map(|(k, v)| {
            if k.eq_ignore_ascii_case(AUTH_HEADER) && Some(v.as_str()) == token {
                (k.clone(), "$OS_AUTH_TOKEN".to_owned())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    RequestRecord {
        method: req.method.clone(),
        path: req.path.clone(),
        headers,
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
