//! `otc_request`: a few raw requests of the OTC dialect (method, path,
//! `X-Auth-Token`, headers, body bytes) into one in-process reference
//! service, through `Service::answer_otc`. Properties:
//!
//! - it never panics, and never answers KMS.0101 (the reference's only
//!   500, the guard that turns a handler panic into an answer, is a bug);
//! - every answer is JSON with `Content-Type: application/json;charset=UTF-8`:
//!   a 200 JSON object without an `error` member, or exactly the envelope
//!   `{"error": {"error_code", "error_msg"}}` of a catalogued error, with
//!   that error's status and message, and the same error `answer_otc` says;
//! - the checks before the members come in the documented order (body size,
//!   path, method, token), written here from spec G rather than from the
//!   reference; past them, `spec::otc::check_request` decides the member
//!   errors: its error is the answer's, and when it passes the answer is a
//!   success or an error only the key's state can give;
//! - a create-key success names a key id of the OTC form, and an
//!   update-key-alias success echoes the alias asked for.
//!
//! The input is read by a small decoder of its own (one byte per choice, a
//! length byte before each string), not `arbitrary`, so [`encode`] can write
//! the seed corpus ([`seeds`]) in the same form and `tests/fuzz_corpus.rs`
//! can check the committed seeds are what it writes.

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::reference::{Config, RawRequest, RawResponse, Service};
use crate::spec::otc::{self, check_request, Action, OtcError, Route, DEFAULT_KEY_ALIASES};

/// Inputs longer than this are cut.
pub const MAX_INPUT: usize = 16 * 1024;
/// Requests per input past this are dropped.
pub const MAX_REQUESTS: usize = 8;
/// The service's body limit in this target, small so KMS.0203 is reachable.
pub const BODY_LIMIT: usize = 4096;
/// The one token a token-checking service accepts.
pub const TOKEN: &str = "fuzz-token";
/// A well-formed key id no key has.
pub const ABSENT_KEY: &str = "00000000-0000-4000-8000-000000000000";
/// The `Content-Type` of every OTC answer.
pub const CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// The errors a request whose members passed can still get: the key's state
/// and the other keys decide them (KMS.0308 only from create-key, whose
/// key_usage is checked against its key_spec by the key rules).
const STATE_ERRORS: &[OtcError] = &[
    OtcError::KeyNotFound,
    OtcError::DefaultMasterKey,
    OtcError::KeyPendingDeletion,
    OtcError::DuplicateKeyAlias,
    OtcError::KeyNotDisabled,
    OtcError::KeyNotEnabled,
    OtcError::AlreadyPendingDeletion,
    OtcError::NotPendingDeletion,
];

/// The members a body draws its names from (every one the dialect reads).
pub const MEMBERS: &[&str] = &[
    "key_id",
    "key_alias",
    "key_spec",
    "key_usage",
    "key_description",
    "origin",
    "pending_days",
    "sequence",
    "limit",
    "marker",
    "key_state",
];

/// Values drawn toward each member's edges.
pub const WORDS: &[&str] = &[
    "",
    "a",
    "a:b/c_d-e",
    "x/default",
    "x/defaults",
    "x/Default",
    "default",
    "evs/default",
    "alias/evs/default",
    "alias/a",
    "a b",
    "é",
    "AES_256",
    "RSA_2048",
    "EC_P256",
    "HMAC_256",
    "AES_128",
    "ENCRYPT_DECRYPT",
    "SIGN_VERIFY",
    "GENERATE_VERIFY_MAC",
    "KEY_AGREEMENT",
    "kms",
    "external",
    "6",
    "7",
    "1096",
    "1097",
    "+7",
    " 7",
    "0",
    "1",
    "-1",
    "2",
    "5",
    "919c82d4-8046-4722-9094-35c3c6524cff",
    "919c82d4-8046-4722-9094-35c3c6524cf",
    "0D0466B0-E727-4D9C-B35D-F84BB474A37F",
    "mrk-0d0466b0e7274d9cb35df84bb474a37f",
    ABSENT_KEY,
    "b",
];

/// One fuzz input: how the service is set up and what is sent to it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Input {
    /// Whether the service accepts only [`TOKEN`] (else any non-empty token).
    pub check_tokens: bool,
    /// The requests, in order.
    pub requests: Vec<Req>,
}

/// One request.
#[derive(Debug, Clone, PartialEq)]
pub struct Req {
    /// The method.
    pub method: Method,
    /// The path.
    pub path: Path,
    /// The `X-Auth-Token` header, sent first.
    pub token: Token,
    /// More headers, after it.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
}

/// A method.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// `POST`, the only one the dialect takes.
    Post,
    /// `GET`.
    Get,
    /// Any text.
    Other(String),
}

/// A path.
#[derive(Debug, Clone, PartialEq)]
pub enum Path {
    /// `/v1.0/<project>/kms/<action>`: project 0 and 1 are `p1` and `p2`.
    Action(u8, u8),
    /// The same with a query string.
    WithQuery(u8, String),
    /// `/v1.0/p1/kms/<segment>`.
    Segment(String),
    /// Any text.
    Other(String),
}

/// The `X-Auth-Token` header.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// [`TOKEN`].
    Good,
    /// No header.
    Missing,
    /// An empty value.
    Empty,
    /// [`TOKEN`] with spaces around it.
    Spaced,
    /// Any text.
    Other(String),
}

/// A body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No bytes.
    Empty,
    /// Any bytes.
    Raw(Vec<u8>),
    /// A JSON object of these members.
    Object(Vec<(Member, Val)>),
    /// Any JSON value.
    Json(Val),
    /// An object whose key_alias is `64 * (n + 1)` letters (KMS.0203 past 4 KiB).
    Big(u8),
}

/// A member name.
#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    /// One of [`MEMBERS`] (modulo its length).
    Known(u8),
    /// Any text.
    Other(String),
}

/// A member value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A string.
    Str(Pick),
    /// A small integer.
    Int(i8),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// A list of strings.
    List(Vec<Pick>),
    /// An object of strings.
    Object(Vec<(String, Pick)>),
}

/// A string value.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// The id of the n-th key an earlier answer named ([`ABSENT_KEY`] if none).
    Key(u8),
    /// `alias/<n-th default key alias>`.
    DefaultAlias(u8),
    /// One of [`WORDS`].
    Word(u8),
    /// `250 + n % 10` letters: the key_alias length edge.
    Long(u8),
    /// Any text.
    Any(String),
}

// ---- the decoder ----

/// The input, one byte at a time; reads past the end give zeros.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn done(&self) -> bool {
        self.0.is_empty()
    }

    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn bytes(&mut self) -> Vec<u8> {
        let n = usize::from(self.byte()).min(self.0.len());
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        taken.to_vec()
    }

    fn text(&mut self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }

    fn count(&mut self, max: u8) -> usize {
        usize::from(self.byte() % (max + 1))
    }
}

/// Reads an input (any bytes are one).
pub fn decode(data: &[u8]) -> Input {
    let mut r = Reader(data);
    let check_tokens = r.byte() & 1 == 1;
    let mut requests = Vec::new();
    while !r.done() && requests.len() < MAX_REQUESTS {
        requests.push(read_req(&mut r));
    }
    Input {
        check_tokens,
        requests,
    }
}

fn read_req(r: &mut Reader) -> Req {
    let method = match r.byte() % 4 {
        0 | 1 => Method::Post,
        2 => Method::Get,
        _ => Method::Other(r.text()),
    };
    let path = match r.byte() % 6 {
        0..=2 => Path::Action(r.byte(), r.byte()),
        3 => Path::WithQuery(r.byte(), r.text()),
        4 => Path::Segment(r.text()),
        _ => Path::Other(r.text()),
    };
    let token = match r.byte() % 6 {
        0 | 1 => Token::Good,
        2 => Token::Missing,
        3 => Token::Empty,
        4 => Token::Spaced,
        _ => Token::Other(r.text()),
    };
    let headers = (0..r.count(2)).map(|_| (r.text(), r.text())).collect();
    let body = match r.byte() % 6 {
        0 => Body::Empty,
        1 => Body::Raw(r.bytes()),
        2 | 3 => Body::Object(
            (0..r.count(7))
                .map(|_| (read_member(r), read_val(r)))
                .collect(),
        ),
        4 => Body::Json(read_val(r)),
        _ => Body::Big(r.byte()),
    };
    Req {
        method,
        path,
        token,
        headers,
        body,
    }
}

fn read_member(r: &mut Reader) -> Member {
    match r.byte() % 8 {
        7 => Member::Other(r.text()),
        _ => Member::Known(r.byte()),
    }
}

fn read_val(r: &mut Reader) -> Val {
    match r.byte() % 8 {
        0..=2 => Val::Str(read_pick(r)),
        3 => Val::Int(r.byte() as i8),
        4 => Val::Bool(r.byte() & 1 == 1),
        5 => Val::Null,
        6 => Val::List((0..r.count(3)).map(|_| read_pick(r)).collect()),
        _ => Val::Object((0..r.count(3)).map(|_| (r.text(), read_pick(r))).collect()),
    }
}

fn read_pick(r: &mut Reader) -> Pick {
    match r.byte() % 6 {
        0 => Pick::Key(r.byte()),
        1 => Pick::DefaultAlias(r.byte()),
        2 | 3 => Pick::Word(r.byte()),
        4 => Pick::Long(r.byte()),
        _ => Pick::Any(r.text()),
    }
}

// ---- the encoder, for seeds ----

fn put_text(out: &mut Vec<u8>, s: &[u8]) {
    let n = s.len().min(255);
    out.push(n as u8);
    out.extend_from_slice(&s[..n]);
}

/// Writes an input so that [`decode`] reads it back (strings past 255 bytes
/// are cut, and more than [`MAX_REQUESTS`] requests or out-of-range counts
/// do not survive).
pub fn encode(input: &Input) -> Vec<u8> {
    let mut out = vec![u8::from(input.check_tokens)];
    for req in &input.requests {
        match &req.method {
            Method::Post => out.push(0),
            Method::Get => out.push(2),
            Method::Other(m) => {
                out.push(3);
                put_text(&mut out, m.as_bytes());
            }
        }
        match &req.path {
            Path::Action(a, p) => out.extend([0, *a, *p]),
            Path::WithQuery(a, q) => {
                out.extend([3, *a]);
                put_text(&mut out, q.as_bytes());
            }
            Path::Segment(s) => {
                out.push(4);
                put_text(&mut out, s.as_bytes());
            }
            Path::Other(s) => {
                out.push(5);
                put_text(&mut out, s.as_bytes());
            }
        }
        match &req.token {
            Token::Good => out.push(0),
            Token::Missing => out.push(2),
            Token::Empty => out.push(3),
            Token::Spaced => out.push(4),
            Token::Other(t) => {
                out.push(5);
                put_text(&mut out, t.as_bytes());
            }
        }
        out.push(req.headers.len() as u8);
        for (n, v) in &req.headers {
            put_text(&mut out, n.as_bytes());
            put_text(&mut out, v.as_bytes());
        }
        match &req.body {
            Body::Empty => out.push(0),
            Body::Raw(b) => {
                out.push(1);
                put_text(&mut out, b);
            }
            Body::Object(members) => {
                out.extend([2, members.len() as u8]);
                for (m, v) in members {
                    match m {
                        Member::Known(i) => out.extend([0, *i]),
                        Member::Other(s) => {
                            out.push(7);
                            put_text(&mut out, s.as_bytes());
                        }
                    }
                    put_val(&mut out, v);
                }
            }
            Body::Json(v) => {
                out.push(4);
                put_val(&mut out, v);
            }
            Body::Big(n) => out.extend([5, *n]),
        }
    }
    out
}

fn put_val(out: &mut Vec<u8>, v: &Val) {
    match v {
        Val::Str(p) => {
            out.push(0);
            put_pick(out, p);
        }
        Val::Int(i) => out.extend([3, *i as u8]),
        Val::Bool(b) => out.extend([4, u8::from(*b)]),
        Val::Null => out.push(5),
        Val::List(items) => {
            out.extend([6, items.len() as u8]);
            for p in items {
                put_pick(out, p);
            }
        }
        Val::Object(members) => {
            out.extend([7, members.len() as u8]);
            for (k, p) in members {
                put_text(out, k.as_bytes());
                put_pick(out, p);
            }
        }
    }
}

fn put_pick(out: &mut Vec<u8>, p: &Pick) {
    match p {
        Pick::Key(i) => out.extend([0, *i]),
        Pick::DefaultAlias(i) => out.extend([1, *i]),
        Pick::Word(i) => out.extend([2, *i]),
        Pick::Long(i) => out.extend([4, *i]),
        Pick::Any(s) => {
            out.push(5);
            put_text(out, s.as_bytes());
        }
    }
}

// ---- requests ----

/// What earlier answers of the input named, for later requests to use.
#[derive(Default)]
struct Seen {
    key_ids: Vec<String>,
}

fn nth<'a>(items: &'a [&'a str], i: u8) -> &'a str {
    items[usize::from(i) % items.len()]
}

fn action(i: u8) -> Action {
    Action::ALL[usize::from(i) % Action::ALL.len()]
}

fn project(i: u8) -> &'static str {
    ["p1", "p2"][usize::from(i) % 2]
}

impl Pick {
    fn text(&self, seen: &Seen) -> String {
        match self {
            Pick::Key(i) => seen
                .key_ids
                .get(usize::from(*i) % seen.key_ids.len().max(1))
                .cloned()
                .unwrap_or_else(|| ABSENT_KEY.to_owned()),
            Pick::DefaultAlias(i) => format!("alias/{}", nth(DEFAULT_KEY_ALIASES, *i)),
            Pick::Word(i) => nth(WORDS, *i).to_owned(),
            Pick::Long(i) => "k".repeat(250 + usize::from(*i % 10)),
            Pick::Any(s) => s.clone(),
        }
    }
}

impl Val {
    fn json(&self, seen: &Seen) -> Value {
        match self {
            Val::Str(p) => Value::String(p.text(seen)),
            Val::Int(i) => Value::from(*i),
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
            Path::Action(a, p) => action(*a).path(project(*p)),
            Path::WithQuery(a, q) => format!("{}?{q}", action(*a).path("p1")),
            Path::Segment(s) => format!("/v1.0/p1/kms/{s}"),
            Path::Other(s) => s.clone(),
        };
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        match &self.token {
            Token::Good => headers.push(("X-Auth-Token".into(), TOKEN.into())),
            Token::Missing => {}
            Token::Empty => headers.push(("X-Auth-Token".into(), String::new())),
            Token::Spaced => headers.push(("x-auth-token".into(), format!(" {TOKEN} "))),
            Token::Other(t) => headers.push(("X-Auth-Token".into(), t.clone())),
        }
        headers.extend(self.headers.iter().cloned());
        let body = match &self.body {
            Body::Empty => Bytes::new(),
            Body::Raw(b) => Bytes::from(b.clone()),
            Body::Object(members) => {
                let map: Map<String, Value> = members
                    .iter()
                    .map(|(m, v)| {
                        let name = match m {
                            Member::Known(i) => nth(MEMBERS, *i).to_owned(),
                            Member::Other(s) => s.clone(),
                        };
                        (name, v.json(seen))
                    })
                    .collect();
                Bytes::from(Value::Object(map).to_string())
            }
            Body::Json(v) => Bytes::from(v.json(seen).to_string()),
            Body::Big(n) => {
                let alias = "k".repeat(64 * (usize::from(*n) + 1));
                Bytes::from(serde_json::json!({ "key_alias": alias }).to_string())
            }
        };
        RawRequest {
            method,
            path,
            headers,
            body,
        }
    }
}

// ---- the property ----

/// The property: see the module doc.
pub fn otc_request(data: &[u8]) {
    check_input(&decode(super::capped(data, MAX_INPUT)));
}

/// The property for one decoded input; gives the error of each answer.
pub fn check_input(input: &Input) -> Vec<Option<OtcError>> {
    let config = Config {
        max_body: BODY_LIMIT,
        otc_tokens: input.check_tokens.then(|| vec![TOKEN.to_owned()]),
        ..Config::default()
    };
    let service = Service::new(config);
    let mut seen = Seen::default();
    let mut answers = Vec::new();
    for req in input.requests.iter().take(MAX_REQUESTS) {
        let raw = req.raw(&seen);
        let (resp, err) = service.answer_otc(&raw);
        answers.push(err);
        let v = check_response(&raw, &resp, err);
        check_order(&raw, input.check_tokens, err);
        if err.is_none() {
            check_success(&raw, &v);
            for id in v["key_info"]["key_id"].as_str().into_iter().chain(
                v["keys"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str),
            ) {
                if !seen.key_ids.iter().any(|k| k == id) {
                    seen.key_ids.push(id.to_owned());
                }
            }
        }
    }
    answers
}

/// The answer's form, whatever the request: a 200 object or the envelope
/// of the error `answer_otc` names. Gives the body.
pub fn check_response(req: &RawRequest, resp: &RawResponse, err: Option<OtcError>) -> Value {
    assert_ne!(err, Some(OtcError::Internal), "a KMS.0101 for {req:?}");
    assert_ne!(resp.status, 500, "a 500 for {req:?}: {resp:?}");
    assert_eq!(
        resp.header("content-type"),
        Some(CONTENT_TYPE),
        "{req:?}: {resp:?}"
    );
    let v: Value = serde_json::from_slice(&resp.body)
        .unwrap_or_else(|e| panic!("a body that is not JSON ({e}) for {req:?}: {resp:?}"));
    let Some(e) = err else {
        assert_eq!(resp.status, 200, "no error, yet {resp:?} for {req:?}");
        assert!(v.is_object(), "a 200 body that is not an object: {v}");
        assert!(v.get("error").is_none(), "a 200 with an error: {v}");
        return v;
    };
    assert_eq!(resp.status, e.status(), "{e:?} answered as {resp:?}");
    let obj = v.as_object().expect("an envelope is an object");
    assert_eq!(obj.len(), 1, "an envelope has one member: {v}");
    let inner = v["error"]
        .as_object()
        .unwrap_or_else(|| panic!("no error object: {v}"));
    assert_eq!(inner.len(), 2, "error_code and error_msg only: {v}");
    let (code, msg) = otc::parse_envelope(&v).unwrap_or_else(|| panic!("not an envelope: {v}"));
    assert!(otc::is_error_code(code), "{code:?}");
    assert_eq!(OtcError::from_code(code), Some(e), "{v}");
    assert_eq!(msg, Some(e.message()), "{v}");
    v
}

/// The checks before the members, in spec G's order, then the members as
/// `check_request` reads them.
pub fn check_order(req: &RawRequest, check_tokens: bool, err: Option<OtcError>) {
    let route = Route::parse(&req.path);
    let token = req
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-auth-token"))
        .map(|(_, v)| v.trim());
    let before = if req.body.len() > BODY_LIMIT {
        Some(OtcError::TooLong)
    } else if !matches!(route, Route::Action { .. }) {
        Some(OtcError::InvalidUrl)
    } else if req.method != "POST" {
        Some(OtcError::MethodNotSupported)
    } else if token.is_none_or(str::is_empty) {
        Some(OtcError::MissingToken)
    } else if check_tokens && token != Some(TOKEN) {
        Some(OtcError::InvalidToken)
    } else {
        None
    };
    if before.is_some() {
        assert_eq!(err, before, "{req:?}");
        return;
    }
    let Route::Action { action, .. } = route else {
        unreachable!("routed above")
    };
    match check_request(action, &req.body) {
        Err(member) => assert_eq!(err, Some(member), "{action}: {req:?}"),
        Ok(_) => {
            let from_state = err.is_none_or(|e| {
                STATE_ERRORS.contains(&e)
                    || (action == Action::CreateKey && e == OtcError::InvalidParameter)
            });
            assert!(from_state, "{action}: valid members, yet {err:?}: {req:?}");
        }
    }
}

/// What a success says of the request it answers.
fn check_success(req: &RawRequest, v: &Value) {
    let Route::Action { action, .. } = Route::parse(&req.path) else {
        panic!("a success for a path with no action: {req:?}")
    };
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    match action {
        Action::CreateKey => {
            let id = v["key_info"]["key_id"].as_str().unwrap_or_default();
            assert!(otc::is_key_id(id), "create-key made {id:?}: {v}");
        }
        Action::UpdateKeyAlias => {
            assert_eq!(v["key_info"]["key_alias"], body["key_alias"], "{v}");
            assert_eq!(v["key_info"]["key_id"], body["key_id"], "{v}");
        }
        Action::ScheduleKeyDeletion => assert_eq!(v["key_state"], "4", "{v}"),
        Action::CancelKeyDeletion => assert_eq!(v["key_state"], "3", "{v}"),
        Action::EnableKey => assert_eq!(v["key_info"]["key_state"], "2", "{v}"),
        Action::DisableKey => assert_eq!(v["key_info"]["key_state"], "3", "{v}"),
        Action::DescribeKey | Action::ListKeys => {}
    }
}

// ---- seeds ----

fn post(a: Action, members: Vec<(&str, Pick)>) -> Req {
    let at = |name: &str| {
        let i = MEMBERS.iter().position(|m| *m == name);
        i.unwrap_or_else(|| panic!("{name:?} is not in MEMBERS")) as u8
    };
    Req {
        method: Method::Post,
        path: Path::Action(
            Action::ALL.iter().position(|x| *x == a).unwrap_or(0) as u8,
            0,
        ),
        token: Token::Good,
        headers: vec![],
        body: Body::Object(
            members
                .into_iter()
                .map(|(m, p)| (Member::Known(at(m)), Val::Str(p)))
                .collect(),
        ),
    }
}

fn word(w: &str) -> Pick {
    let at = WORDS.iter().position(|x| *x == w);
    Pick::Word(at.unwrap_or_else(|| panic!("{w:?} is not in WORDS")) as u8)
}

fn one(requests: Vec<Req>) -> Input {
    Input {
        check_tokens: false,
        requests,
    }
}

/// The seed corpus, by file name: valid and invalid requests of each action.
pub fn seeds() -> Vec<(&'static str, Input)> {
    use Action::*;
    let create = |alias: &str| post(CreateKey, vec![("key_alias", word(alias))]);
    let key = Pick::Key;
    let mut out = vec![
        ("create-key", one(vec![create("a")])),
        (
            "create-key-rsa-sign",
            one(vec![post(
                CreateKey,
                vec![
                    ("key_alias", word("a:b/c_d-e")),
                    ("key_spec", word("RSA_2048")),
                    ("key_usage", word("SIGN_VERIFY")),
                    ("sequence", word("919c82d4-8046-4722-9094-35c3c6524cff")),
                ],
            )]),
        ),
        ("create-key-default-suffix", one(vec![create("x/default")])),
        (
            "create-key-alias-255",
            one(vec![post(CreateKey, vec![("key_alias", Pick::Long(5))])]),
        ),
        (
            "create-key-alias-256",
            one(vec![post(CreateKey, vec![("key_alias", Pick::Long(6))])]),
        ),
        (
            "create-key-bad-usage",
            one(vec![post(
                CreateKey,
                vec![
                    ("key_alias", word("a")),
                    ("key_spec", word("AES_256")),
                    ("key_usage", word("SIGN_VERIFY")),
                ],
            )]),
        ),
        ("create-key-duplicate", one(vec![create("a"), create("a")])),
        (
            "update-key-alias",
            one(vec![
                create("a"),
                post(
                    UpdateKeyAlias,
                    vec![("key_id", key(0)), ("key_alias", word("x/defaults"))],
                ),
            ]),
        ),
        (
            "update-key-alias-default-key",
            one(vec![
                post(ListKeys, vec![]),
                post(
                    UpdateKeyAlias,
                    vec![("key_id", key(0)), ("key_alias", word("b"))],
                ),
            ]),
        ),
        (
            "update-key-alias-bad-key-id",
            one(vec![post(
                UpdateKeyAlias,
                vec![
                    ("key_id", word("0D0466B0-E727-4D9C-B35D-F84BB474A37F")),
                    ("key_alias", word("a")),
                ],
            )]),
        ),
        (
            "describe-key-by-alias",
            one(vec![post(
                DescribeKey,
                vec![("key_id", Pick::DefaultAlias(0))],
            )]),
        ),
        (
            "list-keys-paged",
            one(vec![post(
                ListKeys,
                vec![
                    ("limit", word("1")),
                    ("marker", word("1")),
                    ("key_state", word("2")),
                ],
            )]),
        ),
        (
            "disable-enable-key",
            one(vec![
                create("a"),
                post(DisableKey, vec![("key_id", key(0))]),
                post(DisableKey, vec![("key_id", key(0))]),
                post(EnableKey, vec![("key_id", key(0))]),
            ]),
        ),
        (
            "schedule-cancel-deletion",
            one(vec![
                create("a"),
                post(
                    ScheduleKeyDeletion,
                    vec![("key_id", key(0)), ("pending_days", word("7"))],
                ),
                post(
                    UpdateKeyAlias,
                    vec![("key_id", key(0)), ("key_alias", word("b"))],
                ),
                post(CancelKeyDeletion, vec![("key_id", key(0))]),
            ]),
        ),
        (
            "schedule-deletion-1097-days",
            one(vec![
                create("a"),
                post(
                    ScheduleKeyDeletion,
                    vec![("key_id", key(0)), ("pending_days", word("1097"))],
                ),
            ]),
        ),
    ];
    let mut bad = post(CreateKey, vec![("key_alias", word("a"))]);
    bad.token = Token::Other("not-the-token".into());
    out.push((
        "wrong-token",
        Input {
            check_tokens: true,
            requests: vec![bad],
        },
    ));
    let mut get = post(DescribeKey, vec![("key_id", key(0))]);
    get.method = Method::Get;
    get.token = Token::Missing;
    out.push(("get-without-token", one(vec![get])));
    let mut unknown = post(CreateKey, vec![]);
    unknown.path = Path::Segment("create-alias".into());
    out.push(("unknown-action", one(vec![unknown])));
    let mut raw = post(UpdateKeyAlias, vec![]);
    raw.body = Body::Raw(br#"{"key_id": "#.to_vec());
    out.push(("invalid-json", one(vec![raw])));
    let mut big = post(CreateKey, vec![]);
    big.body = Body::Big(70);
    out.push(("body-too-long", one(vec![big])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_decode_to_what_was_encoded_and_hold() {
        for (name, input) in seeds() {
            assert_eq!(decode(&encode(&input)), input, "{name}");
            check_input(&input);
        }
    }

    /// Each seed reaches the answer its name says (so the corpus starts
    /// the fuzzer past every check, and at every rule).
    #[test]
    fn seeds_reach_what_they_are_named_for() {
        use OtcError::*;
        let want: &[(&str, &[Option<OtcError>])] = &[
            ("create-key", &[None]),
            ("create-key-rsa-sign", &[None]),
            ("create-key-default-suffix", &[Some(InvalidKeyAlias)]),
            ("create-key-alias-255", &[None]),
            ("create-key-alias-256", &[Some(InvalidKeyAlias)]),
            ("create-key-bad-usage", &[Some(InvalidParameter)]),
            ("create-key-duplicate", &[None, Some(DuplicateKeyAlias)]),
            ("update-key-alias", &[None, None]),
            (
                "update-key-alias-default-key",
                &[None, Some(DefaultMasterKey)],
            ),
            ("update-key-alias-bad-key-id", &[Some(InvalidKeyId)]),
            ("describe-key-by-alias", &[None]),
            ("list-keys-paged", &[None]),
            (
                "disable-enable-key",
                &[None, None, Some(KeyNotEnabled), None],
            ),
            (
                "schedule-cancel-deletion",
                &[None, None, Some(KeyPendingDeletion), None],
            ),
            (
                "schedule-deletion-1097-days",
                &[None, Some(InvalidPendingDays)],
            ),
            ("wrong-token", &[Some(InvalidToken)]),
            ("get-without-token", &[Some(MethodNotSupported)]),
            ("unknown-action", &[Some(InvalidUrl)]),
            ("invalid-json", &[Some(InvalidJson)]),
            ("body-too-long", &[Some(TooLong)]),
        ];
        let all = seeds();
        assert_eq!(all.len(), want.len());
        for ((name, input), (wname, answers)) in all.iter().zip(want) {
            assert_eq!(name, wname);
            assert_eq!(check_input(input), answers.to_vec(), "{name}");
        }
    }

    #[test]
    fn any_bytes_decode() {
        for data in [&b""[..], b"\x01", b"\xff\xff\xff\xff", b"\x00\x03\x05\xff"] {
            otc_request(data);
        }
    }
}
