//! The service: one request in, one response out, never a panic out.
//!
//! Order of the checks: body size, the control endpoint, authentication,
//! method and path, `X-Amz-Target`, JSON, framework validation
//! (`spec::check_input`), then the operation's handler.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use serde_json::Value;

use crate::spec::otc::{OtcError, Route};
use crate::spec::{check_input, parse_body, Fault, Operation, Scope, CONTENT_TYPE};

use super::auth;
use super::clock::Clock;
use super::config::Config;
use super::control;
use super::otc::{self, OtcState};
use super::raw::{RawRequest, RawResponse};
use super::request_id;
use super::state::{Region, State};
use super::{aliases, keys};

/// The path of the reference-only control endpoint (not part of AWS).
pub const CONTROL_PATH: &str = "/_reference/key-state";

/// A reference KMS service, independent of any transport.
#[derive(Debug)]
pub struct Service {
    config: Config,
    clock: Clock,
    state: Mutex<State>,
    otc: Mutex<OtcState>,
    /// The OTC domain id: 32 hex digits, as OTC's (the account, zero-padded).
    otc_domain: String,
}

/// What a handler sees: the request's scope, its Region's state and the clock.
pub struct Ctx<'a> {
    /// The Region and account of the request.
    pub scope: &'a Scope,
    /// The keys and aliases of that Region.
    pub region: &'a mut Region,
    /// The service's clock.
    pub clock: &'a Clock,
}

impl Service {
    /// A service with empty state.
    pub fn new(config: Config) -> Service {
        let otc_domain = format!("{:0>32}", config.account)
            .chars()
            .take(32)
            .collect();
        Service {
            otc_domain,
            config,
            clock: Clock::default(),
            state: Mutex::new(State::default()),
            otc: Mutex::new(OtcState::default()),
        }
    }

    /// The service's settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Answers one request. Never panics: a handler bug becomes a 500
    /// KMSInternalException and is logged to stderr.
    pub fn handle(&self, req: &RawRequest) -> RawResponse {
        self.answer(req).0
    }

    /// Answers one request, and says which fault the answer is, if any: the
    /// differential fuzzer names a divergence's clause after the rule that
    /// produced the reference's answer.
    pub fn answer(&self, req: &RawRequest) -> (RawResponse, Option<Fault>) {
        if Route::is_otc(req.path_only()) {
            return (self.answer_otc(req).0, None);
        }
        guard(|| match self.dispatch(req) {
            Ok(Reply::Empty) => (respond(200, Bytes::new()), None),
            Ok(Reply::Json(v)) => (respond(200, json_bytes(&v)), None),
            Ok(Reply::Body(b)) => (respond(200, Bytes::from(b)), None),
            Err(fault) => (fault_response(&fault), Some(fault)),
        })
    }

    /// Answers one request of the OTC dialect (a path under `/v1.0/{project_id}/kms/`), and
    /// says which error the answer is, if any.
    pub fn answer_otc(&self, req: &RawRequest) -> (RawResponse, Option<OtcError>) {
        let config = otc::OtcConfig {
            domain_id: &self.otc_domain,
            realm: &self.config.default_region,
            tokens: self.config.otc_tokens.as_deref(),
            max_body: self.config.max_body,
        };
        let answered = catch_unwind(AssertUnwindSafe(|| {
            otc::answer(&self.otc, &self.clock, &config, req)
        }));
        answered.unwrap_or_else(|_| {
            eprintln!("reference: OTC handler panicked");
            (
                otc::error_response(OtcError::Internal),
                Some(OtcError::Internal),
            )
        })
    }

    fn dispatch(&self, req: &RawRequest) -> Result<Reply, Fault> {
        if req.body.len() > self.config.max_body {
            return Err(Fault::RequestTooLarge {
                limit: self.config.max_body,
            });
        }
        let path = req.path_only();
        if path == CONTROL_PATH && req.method == "POST" {
            // Lenient region: the control endpoint is not signed.
            let region = auth::region_of(req, None, &self.config.default_region)?;
            let body = parse_body(&req.body)?;
            let mut state = self.lock();
            let out = control::set_key_state(
                &mut state,
                &self.config.account,
                &region,
                &self.clock,
                &body,
            )?;
            return Ok(Reply::Json(out));
        }
        let region = auth::region_of(
            req,
            self.config.verify.as_ref(),
            &self.config.default_region,
        )?;
        // Only `POST /` speaks the protocol (spec F); any other method or
        // path has no operation, so it is UnknownOperationException too.
        if req.method != "POST" || path != "/" {
            return Err(Fault::UnknownOperation);
        }
        let op = req
            .header("x-amz-target")
            .and_then(|t| Operation::from_target(t.trim()))
            .ok_or(Fault::UnknownOperation)?;
        let body = parse_body(&req.body)?;
        check_input(op, &body)?;
        let scope = Scope {
            region,
            account: self.config.account.clone(),
        };
        let out = {
            let mut state = self.lock();
            let mut cx = Ctx {
                scope: &scope,
                region: state.region(&scope.account, &scope.region),
                clock: &self.clock,
            };
            run(op, &mut cx, &body)?
        };
        // Serialised after the lock is released (in `handle`).
        Ok(if op.has_empty_output() {
            Reply::Empty
        } else {
            out
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking handler poisons the lock; the state is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

enum Reply {
    Empty,
    Json(Value),
    /// A body a handler serialised itself, under the lock.
    Body(Vec<u8>),
}

fn run(op: Operation, cx: &mut Ctx, body: &Value) -> Result<Reply, Fault> {
    use Operation::*;
    let json = match op {
        CreateKey => keys::create_key(cx, body),
        DescribeKey => keys::describe_key(cx, body),
        ListKeys => keys::list_keys(cx, body),
        EnableKey | DisableKey => keys::set_enabled(cx, op, body),
        ScheduleKeyDeletion => keys::schedule_key_deletion(cx, body),
        CancelKeyDeletion => keys::cancel_key_deletion(cx, body),
        CreateAlias => aliases::create_alias(cx, body),
        UpdateAlias => aliases::update_alias(cx, body),
        DeleteAlias => aliases::delete_alias(cx, body),
        ListAliases => return aliases::list_aliases(cx, body).map(Reply::Body),
    };
    json.map(Reply::Json)
}

/// Runs `f`, turning a panic into a 500 KMSInternalException.
fn guard(f: impl FnOnce() -> (RawResponse, Option<Fault>)) -> (RawResponse, Option<Fault>) {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(resp) => resp,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            eprintln!("reference: handler panicked: {what}");
            (fault_response(&Fault::Internal), Some(Fault::Internal))
        }
    }
}

/// The response AWS sends for a fault: its status and `{"__type", "message"}`.
pub fn fault_response(fault: &Fault) -> RawResponse {
    respond(fault.status(), json_bytes(&fault.body()))
}

/// A value's compact JSON, the bytes `to_string` gives: `to_vec` writes
/// them straight into a buffer, where `Display` goes through a formatter
/// call per piece.
fn json_bytes(v: &Value) -> Bytes {
    // Serialising a Value cannot fail: its map keys are strings.
    Bytes::from(serde_json::to_vec(v).unwrap_or_default())
}

fn respond(status: u16, body: Bytes) -> RawResponse {
    RawResponse {
        status,
        headers: vec![
            ("x-amzn-RequestId".into(), request_id::next()),
            ("Content-Type".into(), CONTENT_TYPE.into()),
        ],
        body,
    }
}

/// A string member of a body that `check_input` has vetted.
pub fn str_member<'v>(body: &'v Value, name: &str) -> Option<&'v str> {
    body.get(name).and_then(Value::as_str)
}

/// An integer member of a body that `check_input` has vetted.
pub fn int_member(body: &Value, name: &str) -> Option<i64> {
    body.get(name).and_then(Value::as_i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(s: &Service, target: &str, body: Value) -> (u16, Value) {
        let r = s.handle(&RawRequest {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![("X-Amz-Target".into(), format!("TrentService.{target}"))],
            body: Bytes::from(body.to_string()),
        });
        let v = if r.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&r.body).unwrap()
        };
        (r.status, v)
    }

    #[test]
    fn a_panic_becomes_a_500() {
        let (r, fault) = guard(|| panic!("boom"));
        assert_eq!(r.status, 500);
        assert_eq!(fault, Some(Fault::Internal));
        assert_eq!(
            serde_json::from_slice::<Value>(&r.body).unwrap()["__type"],
            "KMSInternalException"
        );
    }

    #[test]
    fn alias_round_trip_in_process() {
        let s = Service::new(Config::default());
        let (st, v) = call(&s, "CreateKey", json!({}));
        assert_eq!(st, 200);
        let id = v["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
        let (st, v) = call(
            &s,
            "CreateAlias",
            json!({"AliasName": "alias/a", "TargetKeyId": id}),
        );
        assert_eq!((st, v), (200, Value::Null));
        let (st, v) = call(&s, "ListAliases", json!({"KeyId": id}));
        assert_eq!(st, 200);
        assert_eq!(v["Aliases"][0]["TargetKeyId"], id.as_str());
        assert_eq!(v["Truncated"], false);
    }

    #[test]
    fn poisoned_lock_recovers() {
        let s = Service::new(Config::default());
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let _g = s.lock();
            panic!("poison");
        }));
        assert!(s.state.is_poisoned());
        assert_eq!(call(&s, "ListKeys", json!({})).0, 200);
    }
}
