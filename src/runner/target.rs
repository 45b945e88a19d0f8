//! The endpoint a run talks to: a remote one, or the embedded reference
//! started on a free loopback port.

use std::sync::Mutex;

use serde_json::Value;

use super::check::response_code;
use crate::client::{Client, WireRequest};
use crate::spec::otc::{Action, AUTH_HEADER};
use crate::spec::{Arn, Dialect, Operation, CONTENT_TYPE};

/// How a run reaches the OTC dialect of a target.
#[derive(Clone)]
pub struct OtcAccess {
    /// The `{project_id}` of every path.
    pub project_id: String,
    /// The X-Auth-Token (never printed).
    pub token: String,
}

// The token never reaches logs.
impl std::fmt::Debug for OtcAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtcAccess")
            .field("project_id", &self.project_id)
            .field("token", &"***")
            .finish()
    }
}

/// The target of a run.
pub struct Target {
    /// The client bound to the endpoint.
    pub client: Client,
    /// The run prefix that makes every name this run creates unique.
    pub prefix: String,
    /// The project and token of OTC cases (none when the run has no OTC cases).
    pub otc: Option<OtcAccess>,
    account: Mutex<Option<String>>,
}

impl Target {
    /// A target reached through `client`; `account` when already known.
    pub fn new(client: Client, prefix: String, account: Option<String>) -> Target {
        Target {
            client,
            prefix,
            otc: None,
            account: Mutex::new(account),
        }
    }

    /// The same target, reaching the OTC dialect with `access`.
    pub fn with_otc(mut self, access: OtcAccess) -> Target {
        self.otc = Some(access);
        self
    }

    /// A request for an OTC action: its path, JSON content type and token.
    pub fn otc_request(&self, action: Action, body: Vec<u8>) -> Result<WireRequest, String> {
        let access = self
            .otc
            .as_ref()
            .ok_or("an OTC case needs a project id and token (run with --dialect otc)")?;
        Ok(WireRequest {
            method: "POST".into(),
            path: action.path(&access.project_id),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                (AUTH_HEADER.into(), access.token.clone()),
            ],
            body,
            sign: false,
        })
    }

    /// Calls an OTC action that must succeed (an error whose code is in
    /// `tolerated` counts as success); returns its JSON body.
    pub async fn call_otc(
        &self,
        action: Action,
        body: &Value,
        tolerated: &[&str],
    ) -> Result<Value, String> {
        let req = self.otc_request(action, serde_json::to_vec(body).map_err(|e| e.to_string())?)?;
        let resp = self.client.send(&req).await.map_err(|e| e.to_string())?;
        let code = response_code(Dialect::Otc, &resp);
        if resp.status == 200 && code.is_none() {
            return serde_json::from_slice(&resp.body)
                .map_err(|e| format!("answered 200 with a body that is not JSON ({e})"));
        }
        if code.as_deref().is_some_and(|c| tolerated.contains(&c)) {
            return Ok(Value::Null);
        }
        Err(http_error(&resp))
    }

    /// The account, once known.
    pub fn account(&self) -> Option<String> {
        self.account
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Learns the account from an ARN the target returned.
    pub fn learn_account(&self, arn: &str) {
        if let Some(parsed) = Arn::parse(arn) {
            let mut slot = self.account.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(parsed.account);
        }
    }

    /// Calls an operation that must succeed; returns its JSON body (null when empty).
    pub async fn call(&self, op: Operation, body: &Value) -> Result<Value, String> {
        self.call_tolerating(op, body, &[]).await
    }

    /// Like [`Target::call`], but an error whose code is in `tolerated` counts as success.
    pub async fn call_tolerating(
        &self,
        op: Operation,
        body: &Value,
        tolerated: &[&str],
    ) -> Result<Value, String> {
        let req = WireRequest {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![
                ("content-type".into(), CONTENT_TYPE.into()),
                ("x-amz-target".into(), op.target()),
            ],
            body: serde_json::to_vec(body).map_err(|e| e.to_string())?,
            sign: true,
        };
        let resp = self.client.send(&req).await.map_err(|e| e.to_string())?;
        if resp.status == 200 {
            if resp.body.is_empty() {
                return Ok(Value::Null);
            }
            return serde_json::from_slice(&resp.body)
                .map_err(|e| format!("answered 200 with a body that is not JSON ({e})"));
        }
        let code = response_code(Dialect::Aws, &resp);
        if code.as_deref().is_some_and(|c| tolerated.contains(&c)) {
            return Ok(Value::Null);
        }
        Err(http_error(&resp))
    }

    /// Finds the account by creating a key and reading its ARN, then
    /// scheduling that key for deletion.
    pub async fn discover_account(&self) -> Result<String, String> {
        if let Some(a) = self.account() {
            return Ok(a);
        }
        let body = serde_json::json!({
            "Description": format!("kms-alias-conformance {} account probe", self.prefix)
        });
        let created = self.call(Operation::CreateKey, &body).await?;
        let arn = created
            .pointer("/KeyMetadata/Arn")
            .and_then(Value::as_str)
            .ok_or("CreateKey answered without KeyMetadata.Arn")?;
        self.learn_account(arn);
        if let Some(id) = created
            .pointer("/KeyMetadata/KeyId")
            .and_then(Value::as_str)
        {
            let del = serde_json::json!({ "KeyId": id, "PendingWindowInDays": 7 });
            self.call(Operation::ScheduleKeyDeletion, &del).await?;
        }
        self.account()
            .ok_or_else(|| format!("cannot read the account from the ARN `{arn}`"))
    }
}

/// `HTTP 400 <the body's first 500 characters>`.
fn http_error(resp: &crate::client::WireResponse) -> String {
    let body: String = String::from_utf8_lossy(&resp.body)
        .chars()
        .take(500)
        .collect();
    format!("HTTP {} {body}", resp.status)
}
