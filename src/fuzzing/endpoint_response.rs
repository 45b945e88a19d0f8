//! `endpoint_response`: whatever a hostile endpoint answers (any status,
//! headers and body bytes), the runner's judging (`runner::check::judge`,
//! `judge_setup`) and verdict (`runner::verdict::decide`) never panic, and a
//! response that is not what the expectation says becomes at least one
//! failed `CheckRecord` with an `expected` and an `actual` text, and a case
//! that is not a pass with a summary. Conformance is worked out here
//! independently of the matchers, for a few fixed expectations.

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use serde_json::{Map, Value};

use crate::case::vars::{VarContext, Vars};
use crate::case::{load_str, Expect, Role};
use crate::client::WireResponse;
use crate::report::{
    BodyRecord, CaseRecord, CheckOutcome, CheckRecord, ExchangeRecord, Normaliser, ResponseRecord,
    StepRecord, Verdict,
};
use crate::runner::check::{judge, judge_setup, lacks_operation, StepGrade};
use crate::runner::verdict::decide;
use crate::spec::{Dialect, Evidence};

/// Inputs longer than this are cut.
pub const MAX_INPUT: usize = 16 * 1024;

/// The expectations responses are judged against, one case each.
const CASES: &str = r#"
operation: CreateAlias
clause: Fuzz.endpoint-response
source: the endpoint_response fuzz target
evidence: recorded
cases:
  - name: success with an empty body
    steps:
      - request: {}
        expect: {status: 200, body: empty}
  - name: a ValidationException with a message
    steps:
      - request: {}
        expect: {error: ValidationException, message: {regex: "^Alias "}}
  - name: a JSON body
    steps:
      - request: {}
        expect: {body: {Truncated: false}}
  - name: a header
    steps:
      - request: {}
        expect:
          headers: {content-type: application/x-amz-json-1.1}
"#;

const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

fn expectations() -> &'static [Expect] {
    static EXPECTS: OnceLock<Vec<Expect>> = OnceLock::new();
    EXPECTS.get_or_init(|| {
        let file = load_str("fuzz/endpoint_response.yaml", CASES)
            .unwrap_or_else(|e| panic!("the target's own cases do not load:\n{e}"));
        file.cases
            .into_iter()
            .map(|c| c.steps[0].expect.clone())
            .collect()
    })
}

/// One hostile response.
#[derive(Debug, Arbitrary)]
pub struct Input {
    expect: u8,
    status: u16,
    headers: Vec<(Name, String)>,
    body: Body,
}

#[derive(Debug, Arbitrary)]
enum Name {
    ContentType,
    ErrorType,
    RequestId,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Body {
    Raw(Vec<u8>),
    Text(String),
    Object(Vec<(Key, Val)>),
}

#[derive(Debug, Arbitrary)]
enum Key {
    Type,
    Message,
    MessageCapital,
    Truncated,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Val {
    Text(String),
    Code(u8),
    AliasText(String),
    Bool(bool),
    Int(i64),
    Null,
    List(Vec<String>),
}

const CODES: &[&str] = &[
    "ValidationException",
    "com.amazonaws.kms#ValidationException",
    "ValidationException:http://internal.amazon.com/",
    "NotFoundException",
    "UnknownOperationException",
    "",
    "#",
    ":",
];

impl Val {
    fn json(&self) -> Value {
        match self {
            Val::Text(s) => Value::String(s.clone()),
            Val::Code(i) => Value::String(CODES[usize::from(*i) % CODES.len()].into()),
            Val::AliasText(s) => Value::String(format!("Alias {s}")),
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::from(*i),
            Val::Null => Value::Null,
            Val::List(items) => items.iter().cloned().map(Value::String).collect(),
        }
    }
}

impl Input {
    fn response(&self) -> WireResponse {
        let headers = self
            .headers
            .iter()
            .map(|(n, v)| {
                let n = match n {
                    Name::ContentType => "content-type".to_owned(),
                    Name::ErrorType => "x-amzn-errortype".to_owned(),
                    Name::RequestId => "x-amzn-requestid".to_owned(),
                    Name::Other(s) => s.to_ascii_lowercase(),
                };
                (n, v.clone())
            })
            .collect();
        let body = match &self.body {
            Body::Raw(b) => b.clone(),
            Body::Text(t) => t.as_bytes().to_vec(),
            Body::Object(members) => {
                let map: Map<String, Value> = members
                    .iter()
                    .map(|(k, v)| {
                        let k = match k {
                            Key::Type => "__type".to_owned(),
                            Key::Message => "message".to_owned(),
                            Key::MessageCapital => "Message".to_owned(),
                            Key::Truncated => "Truncated".to_owned(),
                            Key::Other(s) => s.clone(),
                        };
                        (k, v.json())
                    })
                    .collect();
                Value::Object(map).to_string().into_bytes()
            }
        };
        WireResponse {
            status: self.status,
            headers,
            body,
        }
    }
}

/// The response's error code as the spec's clients read it (spec F): a
/// string `__type` in a JSON object body, else `x-amzn-ErrorType`, without
/// its namespace (`...#`) and suffix (`:...`).
pub fn oracle_code(resp: &WireResponse) -> Option<String> {
    let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
    let raw = match body.as_ref().and_then(|b| b.get("__type")) {
        Some(Value::String(s)) => s.clone(),
        _ => {
            let mut found = None;
            for (k, v) in &resp.headers {
                if k.eq_ignore_ascii_case("x-amzn-errortype") {
                    found = Some(v.clone());
                    break;
                }
            }
            found?
        }
    };
    let before_colon: String = raw.chars().take_while(|c| *c != ':').collect();
    let after_hash = match before_colon.rfind('#') {
        Some(i) => before_colon[i + 1..].to_owned(),
        None => before_colon,
    };
    Some(after_hash)
}

/// Whether the response is what expectation `which` says, when the oracle
/// can tell: `Some(true)` it conforms, `Some(false)` it does not, `None`
/// where only the matchers know.
fn conforms(which: usize, resp: &WireResponse) -> Option<bool> {
    let code = oracle_code(resp);
    let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
    let header = |name: &str| {
        resp.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    match which {
        0 => Some(resp.status == 200 && resp.body.is_empty() && code.is_none()),
        1 => {
            if resp.status != 400 || code.as_deref() != Some("ValidationException") {
                return Some(false);
            }
            let message = body
                .as_ref()
                .and_then(|b| b.get("message").or_else(|| b.get("Message")));
            match message {
                None => Some(false),
                Some(Value::String(m)) => Some(m.starts_with("Alias ")),
                Some(_) => None,
            }
        }
        2 => {
            if resp.status != 200 || code.is_some() {
                return Some(false);
            }
            match body {
                Some(Value::Object(map)) => Some(map.get("Truncated") == Some(&Value::Bool(false))),
                _ => Some(false),
            }
        }
        _ => Some(
            resp.status == 200 && code.is_none() && header("content-type") == Some(CONTENT_TYPE),
        ),
    }
}

/// The property: see the module doc.
pub fn endpoint_response(data: &[u8]) {
    let mut u = Unstructured::new(super::capped(data, MAX_INPUT));
    let Ok(input) = Input::arbitrary(&mut u) else {
        return;
    };
    check_input(&input);
}

/// The property for one decoded response.
pub fn check_input(input: &Input) {
    let resp = input.response();
    let expects = expectations();
    let which = usize::from(input.expect) % expects.len();
    let grade = StepGrade {
        clause: "Fuzz.endpoint-response".into(),
        source: "the endpoint_response fuzz target".into(),
        evidence: Evidence::Recorded,
    };
    let vars = Vars::new(VarContext {
        prefix: "kac-fuzz".into(),
        case_token: "00000000".into(),
        region: "us-east-1".into(),
        account: Some("111122223333".into()),
        partition: "aws".into(),
    });
    let _ = lacks_operation(Dialect::Aws, &resp);
    let _ = lacks_operation(Dialect::Otc, &resp);

    let setup = judge_setup(Dialect::Aws, &grade, &grade.source, &resp);
    let setup_ok = (200..300).contains(&resp.status) && oracle_code(&resp).is_none();
    assert_eq!(!failed(&setup.checks), setup_ok, "setup of {resp:?}");
    check_records(&setup.checks, &resp);
    check_decided(setup.checks, &resp, Role::Setup);

    for role in [Role::Check, Role::Verify] {
        let judged = judge(
            Dialect::Aws,
            &expects[which],
            role,
            false,
            &grade,
            &grade.source,
            &resp,
            &vars,
        )
        .unwrap_or_else(|e| panic!("a fixed expectation could not be evaluated: {e}"));
        if let Some(ok) = conforms(which, &resp) {
            assert_eq!(
                !failed(&judged.checks),
                ok,
                "expectation {which} of {resp:?}: {:#?}",
                judged.checks
            );
        }
        check_records(&judged.checks, &resp);
        check_decided(judged.checks, &resp, role);
    }
}

fn failed(checks: &[CheckRecord]) -> bool {
    checks.iter().any(|c| c.outcome == CheckOutcome::Fail)
}

fn check_records(checks: &[CheckRecord], resp: &WireResponse) {
    assert!(!checks.is_empty(), "no check of {resp:?}");
    for c in checks {
        assert!(!c.what.is_empty(), "{c:?}");
        assert!(
            !c.expected.is_empty(),
            "a check without expected text: {c:?}"
        );
        if c.outcome == CheckOutcome::Pass {
            assert!(c.kind.is_none(), "{c:?}");
        } else {
            assert!(!c.actual.is_empty(), "a failure without actual text: {c:?}");
            assert!(c.kind.is_some(), "a failure without a kind: {c:?}");
        }
    }
}

/// The verdict of a one-step case made of these checks.
fn check_decided(checks: Vec<CheckRecord>, resp: &WireResponse, role: Role) {
    let any_failed = failed(&checks);
    let text = std::str::from_utf8(&resp.body).ok().map(str::to_owned);
    let mut case = CaseRecord::new(
        "fuzz::endpoint-response".into(),
        "endpoint response".into(),
        "fuzz/endpoint_response.yaml".into(),
        1,
        "Fuzz.endpoint-response".into(),
        String::new(),
        "recorded".into(),
    );
    case.steps = vec![StepRecord {
        index: 1,
        line: 1,
        operation: "CreateAlias".into(),
        role: role.name().to_owned(),
        attempts: 1,
        exchange: ExchangeRecord {
            request: None,
            response: Some(ResponseRecord {
                status: resp.status,
                headers: resp.headers.clone(),
                body: BodyRecord {
                    base64: None,
                    bytes: resp.body.len(),
                    text,
                },
            }),
        },
        checks,
        diff: None,
        error: None,
    }];
    decide(&mut case, &Normaliser::default());
    if any_failed {
        assert!(
            !matches!(case.verdict, Verdict::Pass | Verdict::Drift),
            "{:?} with a failed check",
            case.verdict
        );
        let summary = case.summary.as_deref().unwrap_or("");
        assert!(!summary.is_empty() && case.signature.is_some(), "{case:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(expect: u8, status: u16, body: Body) -> Input {
        Input {
            expect,
            status,
            headers: vec![(Name::ContentType, CONTENT_TYPE.into())],
            body,
        }
    }

    #[test]
    fn expectations_load_and_judge() {
        assert_eq!(expectations().len(), 4);
        check_input(&input(0, 200, Body::Raw(vec![])));
        check_input(&input(0, 500, Body::Raw(vec![0xff; 3])));
        check_input(&input(
            1,
            400,
            Body::Object(vec![
                (Key::Type, Val::Code(1)),
                (Key::Message, Val::AliasText("x".into())),
            ]),
        ));
        check_input(&input(2, 200, Body::Text("{\"Truncated\":false}".into())));
        check_input(&input(3, 200, Body::Text("{}".into())));
    }
}
