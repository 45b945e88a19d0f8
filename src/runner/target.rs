//! The endpoint a run talks to: a remote one, or the embedded reference
//! started on a free loopback port.

use std::sync::Mutex;

use serde_json::Value;

use super::check::response_code;
use crate::client::{Client, WireRequest};
use crate::spec::{Arn, Operation, CONTENT_TYPE};

/// The target of a run.
pub struct Target {
    /// The client bound to the endpoint.
    pub client: Client,
    /// The run prefix that makes every name this run creates unique.
    pub prefix: String,
    account: Mutex<Option<String>>,
}

impl Target {
    /// A target reached through `client`; `account` when already known.
    pub fn new(client: Client, prefix: String, account: Option<String>) -> Target {
        Target {
            client,
            prefix,
            account: Mutex::new(account),
        }
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
        let code = response_code(&resp);
        if code.as_deref().is_some_and(|c| tolerated.contains(&c)) {
            return Ok(Value::Null);
        }
        Err(format!(
            "HTTP {} {}",
            resp.status,
            String::from_utf8_lossy(&resp.body)
                .chars()
                .take(500)
                .collect::<String>()
        ))
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
