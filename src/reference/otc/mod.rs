//! The OTC / Huawei Cloud dialect of the reference (spec G), served on the
//! same server as the AWS one: every path under `/v1.0/{project_id}/kms/` is this dialect's.
//!
//! Order of the checks: body size, path, method, token, members
//! (`spec::otc::check_request`), then the action's handler.

use bytes::Bytes;
use serde_json::Value;

use crate::spec::otc::{check_request, OtcError, Route, AUTH_HEADER};

use super::clock::Clock;
use super::raw::{RawRequest, RawResponse};
use super::request_id;

pub use state::OtcState;

mod keys;
mod state;

/// The settings the dialect reads.
pub struct OtcConfig<'a> {
    /// The domain id shown in key_info (the AWS account stands in for it).
    pub domain_id: &'a str,
    /// The region shown as `realm`.
    pub realm: &'a str,
    /// Tokens accepted; `None` accepts any non-empty token.
    pub tokens: Option<&'a [String]>,
    /// The largest body read.
    pub max_body: usize,
}

/// Answers one OTC request, and says which error the answer is, if any.
pub fn answer(
    state: &std::sync::Mutex<OtcState>,
    clock: &Clock,
    config: &OtcConfig,
    req: &RawRequest,
) -> (RawResponse, Option<OtcError>) {
    match dispatch(state, clock, config, req) {
        Ok(v) => (respond(200, &v), None),
        Err(e) => (error_response(e), Some(e)),
    }
}

fn dispatch(
    state: &std::sync::Mutex<OtcState>,
    clock: &Clock,
    config: &OtcConfig,
    req: &RawRequest,
) -> Result<Value, OtcError> {
    if req.body.len() > config.max_body {
        return Err(OtcError::TooLong);
    }
    let Route::Action { project_id, action } = Route::parse(&req.path) else {
        return Err(OtcError::InvalidUrl);
    };
    if req.method != "POST" {
        return Err(OtcError::MethodNotSupported);
    }
    match req.header(AUTH_HEADER).map(str::trim) {
        None | Some("") => return Err(OtcError::MissingToken),
        Some(t) if config.tokens.is_some_and(|ts| !ts.iter().any(|a| a == t)) => {
            return Err(OtcError::InvalidToken)
        }
        Some(_) => {}
    }
    let checked = check_request(action, &req.body)?;
    let now = clock.stamp();
    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
    let mut cx = keys::OtcCtx {
        project: state.project(project_id, now),
        domain_id: config.domain_id,
        realm: config.realm,
        now,
    };
    keys::run(action, &mut cx, &checked)
}

/// The error envelope with the error's status.
pub fn error_response(e: OtcError) -> RawResponse {
    respond(e.status(), &e.body())
}

fn respond(status: u16, v: &Value) -> RawResponse {
    RawResponse {
        status,
        headers: vec![
            ("X-Request-Id".into(), request_id::next()),
            (
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            ),
        ],
        body: Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
    }
}
