//! `reference_request`: a few raw requests (method, path, headers, body
//! bytes) into one in-process reference service. Properties: it never
//! panics and never answers 500 (its only 500 is the guard that turns a
//! handler panic into KMSInternalException, which is itself a bug), every
//! error body's `__type` is a catalogued `ErrorCode` with the catalogue's
//! status, and every success is an empty body or a JSON object.
//!
//! The input is read with `arbitrary` into requests shaped like KMS traffic
//! often enough to get past the framework checks: known targets and members,
//! the ids of keys that earlier requests of the same input created.

use arbitrary::{Arbitrary, Unstructured};
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::reference::{Config, Credentials, RawRequest, RawResponse, Service};
use crate::spec::{members, ErrorCode, KeySpec, KeyState, KeyUsage, Operation, CONTENT_TYPE};

/// Inputs longer than this are cut.
pub const MAX_INPUT: usize = 16 * 1024;
/// Requests per input past this are dropped.
pub const MAX_REQUESTS: usize = 8;
/// The service's body limit in this target, small so 413 is reachable.
pub const BODY_LIMIT: usize = 4096;

const CONTROL_PATH: &str = "/_reference/key-state";

/// One fuzz input: how the service is set up and what is sent to it.
#[derive(Debug, Arbitrary)]
pub struct Input {
    /// Whether the service verifies SigV4 signatures.
    pub verify: bool,
    /// The requests, in order.
    pub requests: Vec<Req>,
}

/// One request.
#[derive(Debug, Arbitrary)]
pub struct Req {
    method: Method,
    path: Path,
    target: Target,
    headers: Vec<(HeaderName, String)>,
    body: Body,
}

#[derive(Debug, Arbitrary)]
enum Method {
    Post,
    Get,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Path {
    Root,
    RootWithQuery(String),
    Control,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Target {
    Op(u8),
    Spaced(u8),
    Missing,
    Raw(String),
}

#[derive(Debug, Arbitrary)]
enum HeaderName {
    Authorization,
    AmzDate,
    SecurityToken,
    ContentType,
    Target,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Body {
    Empty,
    Raw(Vec<u8>),
    Object(Vec<(Member, Val)>),
    Json(Val),
}

#[derive(Debug, Arbitrary)]
enum Member {
    Known(u8),
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Val {
    Str(Pick),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    List(Vec<Pick>),
    Object(Vec<(String, Pick)>),
}

#[derive(Debug, Arbitrary)]
enum Pick {
    Key(u8),
    KeyArn(u8),
    Alias(String),
    AliasArn(String),
    Word(u8),
    Any(String),
}

/// What earlier requests of the input made, for later ones to name.
#[derive(Default)]
struct Seen {
    key_ids: Vec<String>,
    key_arns: Vec<String>,
}

fn member_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Operation::ALL
        .iter()
        .flat_map(|op| members(*op).iter().map(|m| m.name))
        .collect();
    names.extend(["KeyState", "Region"]);
    names.sort_unstable();
    names.dedup();
    names
}

fn words() -> Vec<&'static str> {
    let mut w: Vec<&'static str> = vec![
        "",
        "alias/",
        "alias/aws/ebs",
        "alias/x",
        "alias/a:b",
        "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "us-east-1",
        "eu-west-1",
    ];
    w.extend(KeySpec::ALL.iter().map(|s| s.name()));
    w.extend(KeyUsage::ALL.iter().map(|s| s.name()));
    w.extend(KeyState::ALL.iter().map(|s| s.name()));
    w
}

fn nth<T: Clone>(items: &[T], i: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(i) % items.len()].clone())
}

impl Pick {
    fn text(&self, seen: &Seen) -> String {
        match self {
            Pick::Key(i) => nth(&seen.key_ids, *i).unwrap_or_default(),
            Pick::KeyArn(i) => nth(&seen.key_arns, *i).unwrap_or_default(),
            Pick::Alias(s) => format!("alias/{s}"),
            Pick::AliasArn(s) => format!("arn:aws:kms:us-east-1:111122223333:alias/{s}"),
            Pick::Word(i) => nth(&words(), *i).unwrap_or_default().to_owned(),
            Pick::Any(s) => s.clone(),
        }
    }
}

impl Val {
    fn json(&self, seen: &Seen) -> Value {
        match self {
            Val::Str(p) => Value::String(p.text(seen)),
            Val::Int(i) => Value::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Val::Bool(b) => Value::Bool(*b),
            Val::Null => Value::Null,
            Val::List(items) => items.iter().map(|p| Value::String(p.text(seen))).collect(),
            Val::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, p)| (k.clone(), Value::String(p.text(seen))))
                    .collect(),
            ),
        }
    }
}

impl Req {
    fn raw(&self, seen: &Seen) -> RawRequest {
        let method = match &self.method {
            Method::Post => "POST".to_owned(),
            Method::Get => "GET".to_owned(),
            Method::Other(m) => m.clone(),
        };
        let path = match &self.path {
            Path::Root => "/".to_owned(),
            Path::RootWithQuery(q) => format!("/?{q}"),
            Path::Control => CONTROL_PATH.to_owned(),
            Path::Other(p) => p.clone(),
        };
        let mut headers = Vec::new();
        let op = |i: u8| Operation::ALL[usize::from(i) % Operation::ALL.len()];
        match &self.target {
            Target::Op(i) => headers.push(("X-Amz-Target".into(), op(*i).target())),
            Target::Spaced(i) => {
                headers.push(("x-amz-target".into(), format!(" {} ", op(*i).target())))
            }
            Target::Missing => {}
            Target::Raw(t) => headers.push(("X-Amz-Target".into(), t.clone())),
        }
        for (name, value) in &self.headers {
            let name = match name {
                HeaderName::Authorization => "Authorization".to_owned(),
                HeaderName::AmzDate => "X-Amz-Date".to_owned(),
                HeaderName::SecurityToken => "X-Amz-Security-Token".to_owned(),
                HeaderName::ContentType => "Content-Type".to_owned(),
                HeaderName::Target => "X-Amz-Target".to_owned(),
                HeaderName::Other(n) => n.clone(),
            };
            headers.push((name, value.clone()));
        }
        let body = match &self.body {
            Body::Empty => Bytes::new(),
            Body::Raw(b) => Bytes::from(b.clone()),
            Body::Object(members) => {
                let names = member_names();
                let map: Map<String, Value> = members
                    .iter()
                    .map(|(m, v)| {
                        let name = match m {
                            Member::Known(i) => nth(&names, *i).unwrap_or_default().to_owned(),
                            Member::Other(s) => s.clone(),
                        };
                        (name, v.json(seen))
                    })
                    .collect();
                Bytes::from(Value::Object(map).to_string())
            }
            Body::Json(v) => Bytes::from(v.json(seen).to_string()),
        };
        RawRequest {
            method,
            path,
            headers,
            body,
        }
    }
}

/// The property: see the module doc.
pub fn reference_request(data: &[u8]) {
    let mut u = Unstructured::new(super::capped(data, MAX_INPUT));
    let Ok(input) = Input::arbitrary(&mut u) else {
        return;
    };
    check_input(&input);
}

/// The property for one decoded input.
pub fn check_input(input: &Input) {
    let config = Config {
        verify: input.verify.then(|| Credentials {
            access_key_id: "AKIDFUZZ".into(),
            secret_access_key: "fuzz-secret".into(),
        }),
        max_body: BODY_LIMIT,
        ..Config::default()
    };
    let service = Service::new(config);
    let mut seen = Seen::default();
    for req in input.requests.iter().take(MAX_REQUESTS) {
        let raw = req.raw(&seen);
        let resp = service.handle(&raw);
        check_response(&raw, &resp);
        if resp.status == 200 {
            if let Ok(v) = serde_json::from_slice::<Value>(&resp.body) {
                let meta = &v["KeyMetadata"];
                if let (Some(id), Some(arn)) = (meta["KeyId"].as_str(), meta["Arn"].as_str()) {
                    seen.key_ids.push(id.to_owned());
                    seen.key_arns.push(arn.to_owned());
                }
            }
        }
    }
}

/// The properties of one response to one request.
pub fn check_response(req: &RawRequest, resp: &RawResponse) {
    assert_ne!(resp.status, 500, "a 500 for {req:?}: {resp:?}");
    assert_eq!(
        resp.header("content-type"),
        Some(CONTENT_TYPE),
        "{req:?}: {resp:?}"
    );
    if resp.status == 200 {
        if resp.body.is_empty() {
            return;
        }
        let v: Value = serde_json::from_slice(&resp.body)
            .unwrap_or_else(|e| panic!("a 200 body that is not JSON ({e}) for {req:?}"));
        assert!(v.is_object(), "a 200 body that is not an object: {v}");
        assert!(v.get("__type").is_none(), "a 200 with an error code: {v}");
        return;
    }
    let v: Value = serde_json::from_slice(&resp.body)
        .unwrap_or_else(|e| panic!("an error body that is not JSON ({e}): {resp:?}"));
    let ty = v["__type"]
        .as_str()
        .unwrap_or_else(|| panic!("an error without __type: {v}"));
    let code = ErrorCode::ALL
        .iter()
        .copied()
        .find(|c| c.name() == ty)
        .unwrap_or_else(|| panic!("an uncatalogued __type {ty:?}"));
    assert_eq!(
        resp.status,
        code.status(),
        "{ty} with status {}",
        resp.status
    );
    if let Some(m) = v.get("message") {
        assert!(m.is_string(), "a message that is not a string: {v}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_then_alias_reaches_the_handlers() {
        let body = |members: Vec<(Member, Val)>| Body::Object(members);
        let names = member_names();
        let at = |n: &str| names.iter().position(|m| *m == n).unwrap() as u8;
        let input = Input {
            verify: false,
            requests: vec![
                Req {
                    method: Method::Post,
                    path: Path::Root,
                    target: Target::Op(
                        Operation::ALL
                            .iter()
                            .position(|o| *o == Operation::CreateKey)
                            .unwrap() as u8,
                    ),
                    headers: vec![],
                    body: Body::Empty,
                },
                Req {
                    method: Method::Post,
                    path: Path::Root,
                    target: Target::Op(
                        Operation::ALL
                            .iter()
                            .position(|o| *o == Operation::CreateAlias)
                            .unwrap() as u8,
                    ),
                    headers: vec![],
                    body: body(vec![
                        (
                            Member::Known(at("AliasName")),
                            Val::Str(Pick::Alias("a".into())),
                        ),
                        (Member::Known(at("TargetKeyId")), Val::Str(Pick::Key(0))),
                    ]),
                },
            ],
        };
        check_input(&input);
        check_input(&Input {
            verify: true,
            requests: input.requests,
        });
    }
}
