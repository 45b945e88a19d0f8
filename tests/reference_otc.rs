//! The reference's OTC dialect over real HTTP (spec G): every action, the
//! key_alias rules on create-key and update-key-alias, the Default Master
//! Keys, the envelope and status of each error, tokens, methods, paths and
//! the body limit. Loopback only.

mod common;

use kms_alias_conformance::reference::{self, Config, RunningServer};
use kms_alias_conformance::spec::otc::OtcError;
use serde_json::{json, Value};

const PROJECT: &str = "p0";

struct Otc {
    server: RunningServer,
    base: String,
    http: reqwest::Client,
}

#[derive(Debug)]
struct Resp {
    status: u16,
    json: Value,
}

impl Resp {
    fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{self:?}");
        &self.json
    }

    /// Asserts the status, code and message the catalogue gives `e`, in the
    /// envelope and nothing else.
    fn is(&self, e: OtcError) {
        assert_eq!(self.status, e.status(), "{self:?}");
        assert_eq!(self.json, e.body(), "{self:?}");
    }
}

impl Otc {
    async fn start(config: Config) -> Otc {
        let server = reference::start("127.0.0.1:0".parse().unwrap(), config)
            .await
            .unwrap();
        Otc {
            base: format!("http://{}", server.addr()),
            server,
            http: reqwest::Client::new(),
        }
    }

    async fn raw(&self, method: &str, path: &str, token: Option<&str>, body: String) -> Resp {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.header("x-auth-token", t);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let bytes = r.bytes().await.unwrap();
        Resp {
            status,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    async fn call(&self, action: &str, body: Value) -> Resp {
        let path = format!("/v1.0/{PROJECT}/kms/{action}");
        self.raw("POST", &path, Some("t"), body.to_string()).await
    }

    async fn create(&self, alias: &str) -> String {
        let r = self.call("create-key", json!({ "key_alias": alias })).await;
        r.ok()["key_info"]["key_id"].as_str().unwrap().to_owned()
    }

    async fn alias_of(&self, id: &str) -> String {
        let r = self.call("describe-key", json!({ "key_id": id })).await;
        r.ok()["key_info"]["key_alias"].as_str().unwrap().to_owned()
    }
}

#[tokio::test]
async fn update_key_alias_renames_within_the_rules() {
    let otc = Otc::start(Config::default()).await;
    let id = otc.create("first").await;
    let long = "a".repeat(255);
    let r = otc
        .call(
            "update-key-alias",
            json!({ "key_id": id, "key_alias": long }),
        )
        .await;
    assert_eq!(
        r.ok()["key_info"],
        json!({ "key_id": id, "key_alias": long })
    );
    assert_eq!(otc.alias_of(&id).await, long);
    for bad in [
        "a".repeat(256),
        String::new(),
        "a b".into(),
        "x/default".into(),
    ] {
        otc.call(
            "update-key-alias",
            json!({ "key_id": id, "key_alias": bad }),
        )
        .await
        .is(OtcError::InvalidKeyAlias);
    }
    assert_eq!(
        otc.alias_of(&id).await,
        long,
        "a refused rename changes nothing"
    );
    let other = otc.create("second").await;
    otc.call(
        "update-key-alias",
        json!({ "key_id": other, "key_alias": long }),
    )
    .await
    .is(OtcError::DuplicateKeyAlias);
    otc.call(
        "update-key-alias",
        json!({ "key_id": id, "key_alias": long }),
    )
    .await
    .ok();
    otc.call("update-key-alias", json!({ "key_id": id }))
        .await
        .is(OtcError::MissingParameters);
    otc.call(
        "update-key-alias",
        json!({ "key_id": "ABC", "key_alias": "x" }),
    )
    .await
    .is(OtcError::InvalidKeyId);
    otc.call(
        "update-key-alias",
        json!({ "key_id": "00000000-0000-0000-0000-000000000000", "key_alias": "x" }),
    )
    .await
    .is(OtcError::KeyNotFound);
    otc.call(
        "update-key-alias",
        json!({ "key_id": id, "key_alias": "x", "sequence": "short" }),
    )
    .await
    .is(OtcError::InvalidSequence);
}

#[tokio::test]
async fn key_states_and_default_master_keys() {
    let otc = Otc::start(Config::default()).await;
    let id = otc.create("k").await;
    let r = otc.call("disable-key", json!({ "key_id": id })).await;
    assert_eq!(r.ok()["key_info"]["key_state"], "3");
    // A disabled key may be renamed (the docs forbid only the two below).
    otc.call(
        "update-key-alias",
        json!({ "key_id": id, "key_alias": "k2" }),
    )
    .await
    .ok();
    otc.call("disable-key", json!({ "key_id": id }))
        .await
        .is(OtcError::KeyNotEnabled);
    for days in ["6", "1097", "7.0"] {
        otc.call(
            "schedule-key-deletion",
            json!({ "key_id": id, "pending_days": days }),
        )
        .await
        .is(OtcError::InvalidPendingDays);
    }
    let r = otc
        .call(
            "schedule-key-deletion",
            json!({ "key_id": id, "pending_days": "1096" }),
        )
        .await;
    assert_eq!(r.ok(), &json!({ "key_id": id, "key_state": "4" }));
    otc.call(
        "update-key-alias",
        json!({ "key_id": id, "key_alias": "k3" }),
    )
    .await
    .is(OtcError::KeyPendingDeletion);
    let r = otc.call("describe-key", json!({ "key_id": id })).await;
    let info = &r.ok()["key_info"];
    assert_eq!(info["key_state"], "4");
    assert!(info["scheduled_deletion_date"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    let r = otc
        .call("cancel-key-deletion", json!({ "key_id": id }))
        .await;
    assert_eq!(r.ok(), &json!({ "key_id": id, "key_state": "3" }));
    otc.call("cancel-key-deletion", json!({ "key_id": id }))
        .await
        .is(OtcError::NotPendingDeletion);

    let r = otc.call("list-keys", json!({})).await;
    let keys = r.ok()["key_details"].as_array().unwrap().clone();
    let dmk = keys
        .iter()
        .find(|k| k["default_key_flag"] == "1")
        .expect("a seeded Default Master Key");
    assert!(dmk["key_alias"].as_str().unwrap().ends_with("/default"));
    otc.call(
        "update-key-alias",
        json!({ "key_id": dmk["key_id"], "key_alias": "mine" }),
    )
    .await
    .is(OtcError::DefaultMasterKey);
    assert_eq!(r.ok()["total"], keys.len());
    // Pages: limit 1 from marker 0 is truncated with the next marker.
    let r = otc.call("list-keys", json!({ "limit": "1" })).await;
    assert_eq!(r.ok()["truncated"], "true");
    assert_eq!(r.ok()["next_marker"], "1");
    assert_eq!(r.ok()["keys"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn tokens_methods_paths_and_bodies() {
    let otc = Otc::start(Config {
        otc_tokens: Some(vec!["good".into()]),
        ..Config::default()
    })
    .await;
    let path = format!("/v1.0/{PROJECT}/kms/list-keys");
    otc.raw("POST", &path, None, "{}".into())
        .await
        .is(OtcError::MissingToken);
    otc.raw("POST", &path, Some(" "), "{}".into())
        .await
        .is(OtcError::MissingToken);
    otc.raw("POST", &path, Some("bad"), "{}".into())
        .await
        .is(OtcError::InvalidToken);
    otc.raw("POST", &path, Some("good"), "{}".into()).await.ok();
    otc.raw("GET", &path, Some("good"), String::new())
        .await
        .is(OtcError::MethodNotSupported);
    let unknown = format!("/v1.0/{PROJECT}/kms/create-alias");
    otc.raw("POST", &unknown, Some("good"), "{}".into())
        .await
        .is(OtcError::InvalidUrl);
    let create = format!("/v1.0/{PROJECT}/kms/create-key");
    otc.raw("POST", &create, Some("good"), "{\"key_alias\":".into())
        .await
        .is(OtcError::InvalidJson);
    otc.raw("POST", &create, Some("good"), r#"{"key_alias": 7}"#.into())
        .await
        .is(OtcError::InvalidFormat);
    // Past the HTTP layer's limit: the OTC envelope, not AWS's 413.
    let big = format!(
        r#"{{"key_alias":"a","key_description":"{}"}}"#,
        "a".repeat(1 << 21)
    );
    otc.raw("POST", &create, Some("good"), big)
        .await
        .is(OtcError::TooLong);
    // The AWS dialect on the same server is untouched.
    let r = otc.raw("POST", "/", None, "{}".into()).await;
    assert_eq!(r.json["__type"], "UnknownOperationException", "{r:?}");
}

#[tokio::test]
async fn sweep_schedules_the_prefix_keys_only() {
    let otc = Otc::start(Config::default()).await;
    let ours = [otc.create("kac-sw/a").await, otc.create("kac-sw/b-x").await];
    let other = otc.create("kac-swx/c").await;
    let done = otc
        .call(
            "schedule-key-deletion",
            json!({ "key_id": ours[1], "pending_days": "7" }),
        )
        .await;
    done.ok();
    let url = format!("http://{}", otc.server.addr());
    let out = tokio::process::Command::from(common::bin())
        .args([
            "sweep",
            "--dialect",
            "otc",
            "--prefix",
            "kac-sw",
            "--endpoint",
            &url,
        ])
        .args(["--project-id", PROJECT, "--auth-token", "t"])
        .output()
        .await
        .unwrap();
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 keys scheduled for deletion"), "{text}");
    let otc = &otc;
    let state = |id: String| async move {
        let r = otc.call("describe-key", json!({ "key_id": id })).await;
        r.ok()["key_info"]["key_state"].as_str().unwrap().to_owned()
    };
    assert_eq!(state(ours[0].clone()).await, "4");
    assert_eq!(state(other).await, "2", "another prefix is left alone");
}
