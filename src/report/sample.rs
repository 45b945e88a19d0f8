//! Made-up reports for the views' tests and the screenshot in `docs/`:
//! cases with every verdict and kind, requests, responses and checks shaped
//! like the runner's. Nothing here is a result of a real run.

use super::model::*;

/// An empty report of a target (no cases, a zero summary).
pub fn report(label: &str, endpoint: &str) -> Report {
    Report {
        format: REPORT_FORMAT,
        tool: format!("kms-alias-conformance {}", env!("CARGO_PKG_VERSION")),
        target: TargetInfo {
            label: label.to_string(),
            endpoint: endpoint.to_string(),
            region: "us-east-1".to_string(),
            dialect: "aws".to_string(),
            prefix: "kac-1a2b3c4d".to_string(),
        },
        started_unix: 1_767_268_800,
        duration_ms: 0,
        baseline: None,
        summary: Summary::default(),
        findings: Vec::new(),
        cases: Vec::new(),
    }
}

fn body(text: &str) -> BodyRecord {
    BodyRecord {
        text: Some(text.to_string()),
        base64: None,
        bytes: text.len(),
    }
}

fn operation_of(clause: &str) -> String {
    let first = clause.split('.').next().unwrap_or(clause);
    if first.chars().next().is_some_and(char::is_uppercase) {
        first.to_string()
    } else {
        "CreateAlias".to_string()
    }
}

/// What a failing check of a kind looked like: (what, expected, actual,
/// response status, response body).
fn deviation(kind: Kind) -> (&'static str, &'static str, &'static str, u16, &'static str) {
    match kind {
        Kind::WrongState => (
            "body $.Aliases",
            "1 entry with AliasName alias/<prefix>/a",
            "0 entries",
            200,
            r#"{"Aliases":[],"Truncated":false}"#,
        ),
        Kind::FalseSuccess => ("status", "400 ValidationException", "200", 200, ""),
        Kind::FalseRejection => (
            "success",
            "200",
            "400 ValidationException",
            400,
            r#"{"__type":"ValidationException","message":"1 validation error detected"}"#,
        ),
        Kind::WrongCode => (
            "error code",
            "NotFoundException",
            "KMSInvalidStateException",
            400,
            r#"{"__type":"KMSInvalidStateException","message":"Key is pending deletion"}"#,
        ),
        Kind::WrongStatus => (
            "status",
            "400",
            "404",
            404,
            r#"{"__type":"NotFoundException","message":"Alias not found"}"#,
        ),
        Kind::Transport => (
            "response",
            "an HTTP response",
            "connection reset by peer",
            0,
            "",
        ),
        Kind::WrongShape => (
            "header content-type",
            "application/x-amz-json-1.1",
            "text/html",
            400,
            "<html><body><h1>400 Bad Request</h1></body></html>",
        ),
        Kind::WrongMessage => (
            "message",
            "Alias alias/aws/x must not begin with alias/aws/",
            "Invalid alias name",
            400,
            r#"{"__type":"NotAuthorizedException","message":"Invalid alias name"}"#,
        ),
        Kind::Blocked => (
            "success",
            "200 (setup CreateKey)",
            "400 UnsupportedOperationException",
            400,
            r#"{"__type":"UnsupportedOperationException"}"#,
        ),
        Kind::Drift => (
            "message",
            "1 validation error detected: Value at 'aliasName' failed to satisfy constraint",
            "Alias name is invalid",
            400,
            r#"{"__type":"ValidationException","message":"Alias name is invalid"}"#,
        ),
    }
}

/// A case of `trial` covering `clauses` (the first is the case's own) that
/// ended with `verdict`. A case that did not pass gets a failing step, a
/// signature, a summary and `reproduce`; its kind defaults to the usual one
/// for the verdict.
pub fn case(trial: &str, clauses: &[&str], verdict: Verdict, kind: Option<Kind>) -> CaseRecord {
    let clause = clauses
        .first()
        .copied()
        .unwrap_or("CreateAlias.x")
        .to_string();
    let operation = operation_of(&clause);
    let kind = match verdict {
        Verdict::Pass => None,
        Verdict::Xpass => None,
        Verdict::Drift => Some(kind.unwrap_or(Kind::Drift)),
        Verdict::Blocked => Some(kind.unwrap_or(Kind::Blocked)),
        Verdict::Error => Some(kind.unwrap_or(Kind::Transport)),
        Verdict::Fail | Verdict::Xfail => Some(kind.unwrap_or(Kind::WrongStatus)),
    };
    let name = trial.rsplit("::").next().unwrap_or(trial).replace('-', " ");
    let file = format!("{}.yaml", trial.split("::").next().unwrap_or(trial));
    let request = RequestRecord {
        method: "POST".to_string(),
        path: "/".to_string(),
        headers: vec![
            (
                "content-type".to_string(),
                "application/x-amz-json-1.1".to_string(),
            ),
            (
                "x-amz-target".to_string(),
                format!("TrentService.{operation}"),
            ),
        ],
        body: body(
            r#"{"AliasName":"alias/kac-1a2b3c4d/c1-name","TargetKeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}"#,
        ),
        signed: true,
    };
    let ok_response = ResponseRecord {
        status: 200,
        headers: vec![
            (
                "content-type".to_string(),
                "application/x-amz-json-1.1".to_string(),
            ),
            (
                "x-amzn-requestid".to_string(),
                "0e8f9a3c-5b6d-4e7f-8a9b-0c1d2e3f4a5b".to_string(),
            ),
        ],
        body: body(""),
    };
    let pass_check = |what: &str, expected: &str| CheckRecord {
        what: what.to_string(),
        clause: clause.clone(),
        evidence: "documented".to_string(),
        source: None,
        outcome: CheckOutcome::Pass,
        expected: expected.to_string(),
        actual: String::new(),
        kind: None,
    };
    let mut checks = vec![pass_check("status", "200")];
    for extra in clauses.iter().skip(1) {
        let mut c = pass_check("body", "empty");
        c.clause = extra.to_string();
        checks.push(c);
    }
    let mut response = Some(ok_response.clone());
    let mut step_error = None;
    let mut signature = None;
    let mut summary = None;
    if let Some(kind) = kind {
        let (what, expected, actual, status, text) = deviation(kind);
        checks.push(CheckRecord {
            what: what.to_string(),
            clause: clause.clone(),
            evidence: "documented".to_string(),
            source: None,
            outcome: if kind == Kind::Drift {
                CheckOutcome::Drift
            } else {
                CheckOutcome::Fail
            },
            expected: expected.to_string(),
            actual: actual.to_string(),
            kind: Some(kind),
        });
        if kind == Kind::Transport {
            response = None;
            step_error = Some(format!("transport: {actual}"));
        } else {
            let mut r = ok_response.clone();
            r.status = status;
            r.body = body(text);
            if kind == Kind::WrongShape {
                r.headers[0].1 = "text/html".to_string();
            }
            response = Some(r);
        }
        signature = Some(format!(
            "{operation} | {what} | expected {expected} | actual {actual}"
        ));
        summary = Some(format!("{what}: expected {expected}, got {actual}"));
    }
    let role = if kind == Some(Kind::Blocked) {
        "setup"
    } else {
        "check"
    };
    let step = StepRecord {
        index: 1,
        line: 12,
        operation: if role == "setup" {
            "CreateKey".to_string()
        } else {
            operation.clone()
        },
        role: role.to_string(),
        attempts: 1,
        exchange: ExchangeRecord {
            request: Some(request),
            response,
        },
        checks,
        diff: None,
        error: step_error,
    };
    let reproduce = (verdict != Verdict::Pass).then(|| Reproduce {
        curl: vec![format!(
            "curl -sS -X POST http://127.0.0.1:4599/ --aws-sigv4 'aws:amz:us-east-1:kms' -u \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\" -H 'content-type: application/x-amz-json-1.1' -H 'x-amz-target: TrentService.{operation}' -d '{{\"AliasName\":\"alias/kac-1a2b3c4d/c1-name\"}}'"
        )],
        command: format!("kms-alias-conformance run --exact '{trial}'"),
    });
    let baseline = matches!(verdict, Verdict::Xfail | Verdict::Xpass).then(|| BaselineNote {
        signature: signature.clone().unwrap_or_default(),
        reason: "known deviation of this emulator".to_string(),
        changed: false,
    });
    let severity = kind.map(Kind::severity);
    CaseRecord {
        trial: trial.to_string(),
        name,
        file,
        line: 10,
        clause,
        clauses: {
            let mut v: Vec<String> = clauses.iter().map(|c| c.to_string()).collect();
            v.sort();
            v.dedup();
            v
        },
        source: "BC service model (spec A)".to_string(),
        evidence: "documented".to_string(),
        verdict,
        kind,
        severity,
        signature,
        summary,
        baseline,
        fixtures: Vec::new(),
        steps: vec![step],
        cleanup_errors: Vec::new(),
        duration_ms: 7,
        reproduce,
    }
}

/// Fills in `summary`, `findings` and `duration_ms` from the cases, the way
/// the runner does: findings grouped by signature, most severe first, then
/// most cases.
pub fn finish(mut report: Report) -> Report {
    report.summary = super::summarise(&report.cases);
    report.findings = super::group(&report.cases);
    report.duration_ms = report.cases.iter().map(|c| c.duration_ms).sum();
    report
}

/// A report with one case of each verdict, and a failing case of each kind.
pub fn every_verdict(label: &str, endpoint: &str) -> Report {
    let mut r = report(label, endpoint);
    let mut n = 0;
    let mut add = |r: &mut Report, clause: &str, v: Verdict, k: Option<Kind>| {
        n += 1;
        let trial = format!("{}/sample::case-{n}", operation_of(clause));
        r.cases.push(case(&trial, &[clause], v, k));
    };
    add(&mut r, "CreateAlias.AliasName.length", Verdict::Pass, None);
    add(
        &mut r,
        "CreateAlias.AliasName.pattern",
        Verdict::Drift,
        None,
    );
    add(
        &mut r,
        "CreateAlias.AliasName.reserved",
        Verdict::Xfail,
        Some(Kind::WrongMessage),
    );
    add(&mut r, "DeleteAlias.NotFound", Verdict::Xpass, None);
    add(&mut r, "ListAliases.Limit.range", Verdict::Blocked, None);
    add(&mut r, "protocol.body.malformed", Verdict::Error, None);
    for kind in Kind::ALL {
        let v = kind.verdict();
        add(
            &mut r,
            &format!("UpdateAlias.{}", kind.name()),
            v,
            Some(*kind),
        );
    }
    finish(r)
}

/// The clauses of the corpus the demo pair covers, with a case count.
const DEMO_CLAUSES: &[(&str, usize)] = &[
    ("CreateAlias.AliasName.colon", 2),
    ("CreateAlias.AliasName.length", 4),
    ("CreateAlias.AliasName.pattern", 6),
    ("CreateAlias.AliasName.prefix", 3),
    ("CreateAlias.AliasName.reserved", 3),
    ("CreateAlias.AliasName.unique", 2),
    ("CreateAlias.TargetKeyId.forms", 4),
    ("CreateAlias.TargetKeyId.key-state", 6),
    ("CreateAlias.TargetKeyId.not-found", 3),
    ("CreateAlias.quota.aliases-per-key", 1),
    ("CreateAlias.response", 1),
    ("DeleteAlias.AliasName.pattern", 3),
    ("DeleteAlias.NotFound", 2),
    ("DeleteAlias.deletes", 2),
    ("DeleteAlias.key-state", 4),
    ("DescribeKey.KeyId.alias", 3),
    ("DescribeKey.KeyMetadata.shape", 1),
    ("ListAliases.KeyId.filter", 3),
    ("ListAliases.Limit.range", 4),
    ("ListAliases.Marker.invalid", 2),
    ("ListAliases.pagination", 3),
    ("ListAliases.entry-shape", 2),
    ("UpdateAlias.AliasName.not-found", 2),
    ("UpdateAlias.TargetKeyId.family-rule", 5),
    ("UpdateAlias.dates", 1),
    ("UpdateAlias.retarget", 2),
    ("keys.DisableKey-EnableKey", 2),
    ("keys.ScheduleKeyDeletion.PendingWindowInDays", 3),
    ("protocol.X-Amz-Target", 3),
    ("protocol.auth.missing-token", 1),
    ("protocol.body.malformed", 2),
    ("protocol.error.body", 2),
];

/// What the demo emulator does wrong: (clause, case number, verdict, kind).
const DEMO_DEVIATIONS: &[(&str, usize, Verdict, Kind)] = &[
    (
        "CreateAlias.AliasName.pattern",
        2,
        Verdict::Fail,
        Kind::FalseSuccess,
    ),
    (
        "CreateAlias.AliasName.pattern",
        4,
        Verdict::Fail,
        Kind::FalseSuccess,
    ),
    (
        "CreateAlias.AliasName.reserved",
        1,
        Verdict::Xfail,
        Kind::WrongMessage,
    ),
    (
        "CreateAlias.TargetKeyId.key-state",
        3,
        Verdict::Fail,
        Kind::WrongCode,
    ),
    (
        "CreateAlias.TargetKeyId.key-state",
        5,
        Verdict::Fail,
        Kind::WrongCode,
    ),
    (
        "CreateAlias.quota.aliases-per-key",
        1,
        Verdict::Fail,
        Kind::FalseSuccess,
    ),
    ("DeleteAlias.NotFound", 1, Verdict::Fail, Kind::WrongStatus),
    ("DeleteAlias.NotFound", 2, Verdict::Fail, Kind::WrongStatus),
    ("DeleteAlias.key-state", 2, Verdict::Drift, Kind::Drift),
    (
        "ListAliases.Limit.range",
        3,
        Verdict::Fail,
        Kind::FalseRejection,
    ),
    (
        "ListAliases.Marker.invalid",
        1,
        Verdict::Xpass,
        Kind::WrongCode,
    ),
    ("ListAliases.pagination", 2, Verdict::Fail, Kind::WrongState),
    (
        "UpdateAlias.TargetKeyId.family-rule",
        1,
        Verdict::Blocked,
        Kind::Blocked,
    ),
    (
        "UpdateAlias.TargetKeyId.family-rule",
        2,
        Verdict::Blocked,
        Kind::Blocked,
    ),
    (
        "keys.ScheduleKeyDeletion.PendingWindowInDays",
        2,
        Verdict::Drift,
        Kind::Drift,
    ),
    ("protocol.X-Amz-Target", 2, Verdict::Fail, Kind::WrongShape),
    (
        "protocol.body.malformed",
        1,
        Verdict::Error,
        Kind::Transport,
    ),
];

/// Two realistic reports: the embedded reference (all pass) and an emulator
/// with a dozen deviations, one blocked clause and a reset connection.
pub fn demo_pair() -> Vec<Report> {
    let build = |label: &str, endpoint: &str, deviations: &[(&str, usize, Verdict, Kind)]| {
        let mut r = report(label, endpoint);
        for (clause, count) in DEMO_CLAUSES {
            let stem = clause.replace('.', "/").to_lowercase();
            for i in 1..=*count {
                let trial = format!("{stem}::case-{i}");
                let (v, k) = deviations
                    .iter()
                    .find(|(c, n, _, _)| c == clause && *n == i)
                    .map(|(_, _, v, k)| (*v, Some(*k)))
                    .unwrap_or((Verdict::Pass, None));
                r.cases.push(case(&trial, &[clause], v, k));
            }
        }
        r.cases.sort_by(|a, b| a.trial.cmp(&b.trial));
        finish(r)
    };
    let reference = build("reference", "embedded reference", &[]);
    let mut emulator = build("emulator", "http://127.0.0.1:4566", DEMO_DEVIATIONS);
    for (i, c) in emulator.cases.iter_mut().enumerate() {
        c.duration_ms = 18 + (i as u64 * 7) % 23;
    }
    emulator.duration_ms = emulator.cases.iter().map(|c| c.duration_ms).sum();
    emulator.baseline = Some("baselines/emulator.json".to_string());
    vec![reference, emulator]
}
