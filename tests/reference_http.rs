//! The reference service over real HTTP: every operation, the conditions of
//! spec table B, the key-state matrix (section C), the family rule (section D),
//! SigV4 verification and robustness against hostile clients.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use kms_alias_conformance::reference::{self, Config, Credentials, RunningServer};
use kms_alias_conformance::spec::{
    check_retarget, check_state, Fault, KeySpec, KeyState, KeyUsage, Operation, Role, Scope,
    PREDEFINED,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ACCOUNT: &str = "111122223333";

struct Kms {
    server: Option<RunningServer>,
    base: String,
    http: reqwest::Client,
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: reqwest::header::HeaderMap,
    raw: Vec<u8>,
    json: Value,
}

impl Resp {
    fn code(&self) -> &str {
        self.json["__type"].as_str().unwrap_or("")
    }
    fn message(&self) -> Option<&str> {
        self.json["message"].as_str()
    }
    /// Asserts status, `__type` and message against the spec's fault.
    fn is_fault(&self, fault: &Fault) {
        assert_eq!(self.status, fault.status(), "{self:?}");
        assert_eq!(self.code(), fault.code().name(), "{self:?}");
        assert_eq!(
            self.message().map(str::to_owned),
            fault.message(),
            "{self:?}"
        );
        let keys = self.json.as_object().map(|o| o.len()).unwrap_or(0);
        assert_eq!(keys, if fault.message().is_some() { 2 } else { 1 });
    }
    fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{self:?}");
        &self.json
    }
    fn empty_ok(&self) {
        assert_eq!(self.status, 200, "{self:?}");
        assert!(self.raw.is_empty(), "{self:?}");
        assert_eq!(self.headers["content-length"], "0");
    }
}

fn scope() -> Scope {
    Scope {
        region: "us-east-1".into(),
        account: ACCOUNT.into(),
    }
}

async fn start_with(config: Config) -> Kms {
    let server = reference::start("127.0.0.1:0".parse().unwrap(), config)
        .await
        .unwrap();
    let base = format!("http://{}", server.addr());
    Kms {
        server: Some(server),
        base,
        http: reqwest::Client::new(),
    }
}

async fn start() -> Kms {
    start_with(Config::default()).await
}

impl Kms {
    fn addr(&self) -> SocketAddr {
        self.server.as_ref().unwrap().addr()
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let raw = r.bytes().await.unwrap().to_vec();
        let json = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            raw,
            json,
        }
    }

    async fn raw(&self, target: Option<&str>, body: impl Into<reqwest::Body>) -> Resp {
        let mut req = self
            .http
            .post(&self.base)
            .header("content-type", "application/x-amz-json-1.1");
        if let Some(t) = target {
            req = req.header("x-amz-target", t);
        }
        self.send(req.body(body)).await
    }

    async fn call(&self, op: &str, body: Value) -> Resp {
        self.raw(Some(&format!("TrentService.{op}")), body.to_string())
            .await
    }

    async fn call_in(&self, region: &str, op: &str, body: Value) -> Resp {
        let auth = format!("AWS4-HMAC-SHA256 Credential=AKID/20240101/{region}/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00ff");
        let req = self
            .http
            .post(&self.base)
            .header("x-amz-target", format!("TrentService.{op}"))
            .header("authorization", auth)
            .body(body.to_string());
        self.send(req).await
    }

    async fn key(&self, body: Value) -> String {
        let r = self.call("CreateKey", body).await;
        r.ok()["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned()
    }

    async fn sym(&self) -> String {
        self.key(json!({})).await
    }

    async fn alias(&self, name: &str, key: &str) {
        self.call(
            "CreateAlias",
            json!({"AliasName": name, "TargetKeyId": key}),
        )
        .await
        .empty_ok();
    }

    async fn set_state(&self, key: &str, state: &str) {
        let r = self
            .send(
                self.http
                    .post(format!("{}/_reference/key-state", self.base))
                    .body(json!({"KeyId": key, "KeyState": state}).to_string()),
            )
            .await;
        assert_eq!(r.json, json!({}), "{r:?}");
    }

    async fn describe(&self, key: &str) -> Value {
        self.call("DescribeKey", json!({"KeyId": key})).await.ok()["KeyMetadata"].clone()
    }

    async fn list(&self, body: Value) -> Value {
        self.call("ListAliases", body).await.ok().clone()
    }

    async fn entry(&self, name: &str) -> Value {
        let all = self.list(json!({"Limit": 100})).await;
        all["Aliases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["AliasName"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    }
}

fn key_arn(id: &str) -> String {
    scope().key_arn(id)
}

fn alias_arn(name: &str) -> String {
    scope().alias_arn(name)
}

const MISSING: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

// ---------------------------------------------------------------- protocol (F)

#[tokio::test]
async fn every_response_has_request_id_and_content_type() {
    let kms = start().await;
    let key = kms.sym().await;
    let mut ids = std::collections::HashSet::new();
    for r in [
        kms.call("ListAliases", json!({})).await,
        kms.call(
            "CreateAlias",
            json!({"AliasName": "alias/h", "TargetKeyId": key}),
        )
        .await,
        kms.call("Nope", json!({})).await,
        kms.raw(None, "").await,
    ] {
        assert_eq!(r.headers["content-type"], "application/x-amz-json-1.1");
        let id = r.headers["x-amzn-requestid"].to_str().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        assert!(ids.insert(id), "request ids are fresh");
    }
}

#[tokio::test]
async fn operations_without_output_answer_an_empty_body() {
    let kms = start().await;
    let (a, b) = (kms.sym().await, kms.sym().await);
    kms.call(
        "CreateAlias",
        json!({"AliasName": "alias/e", "TargetKeyId": a}),
    )
    .await
    .empty_ok();
    kms.call(
        "UpdateAlias",
        json!({"AliasName": "alias/e", "TargetKeyId": b}),
    )
    .await
    .empty_ok();
    kms.call("DisableKey", json!({"KeyId": a})).await.empty_ok();
    kms.call("EnableKey", json!({"KeyId": a})).await.empty_ok();
    kms.call("DeleteAlias", json!({"AliasName": "alias/e"}))
        .await
        .empty_ok();
    for op in Operation::ALL {
        assert_eq!(
            op.has_empty_output(),
            matches!(
                op,
                Operation::CreateAlias
                    | Operation::UpdateAlias
                    | Operation::DeleteAlias
                    | Operation::EnableKey
                    | Operation::DisableKey
            )
        );
    }
}

#[tokio::test]
async fn unknown_or_missing_target_method_and_path() {
    let kms = start().await;
    kms.call("createAlias", json!({}))
        .await
        .is_fault(&Fault::UnknownOperation);
    kms.raw(Some("Other.CreateAlias"), "{}")
        .await
        .is_fault(&Fault::UnknownOperation);
    kms.raw(None, "{}").await.is_fault(&Fault::UnknownOperation);
    let r = kms
        .send(
            kms.http
                .get(&kms.base)
                .header("x-amz-target", "TrentService.ListAliases"),
        )
        .await;
    r.is_fault(&Fault::UnknownOperation);
    let r = kms
        .send(
            kms.http
                .post(format!("{}/other", kms.base))
                .header("x-amz-target", "TrentService.ListAliases")
                .body("{}"),
        )
        .await;
    r.is_fault(&Fault::UnknownOperation);
}

#[tokio::test]
async fn bodies_malformed_empty_or_of_wrong_type() {
    let kms = start().await;
    let r = kms
        .raw(Some("TrentService.ListAliases"), "{\"Limit\": ")
        .await;
    assert_eq!((r.status, r.code()), (400, "SerializationException"));
    let r = kms
        .raw(
            Some("TrentService.ListAliases"),
            vec![0xff, 0x00, 0x13, 0x37],
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "SerializationException"));
    // An empty body is `{}`.
    let r = kms.raw(Some("TrentService.ListAliases"), "").await;
    assert_eq!(r.ok()["Truncated"], false);
    let r = kms.raw(Some("TrentService.CreateAlias"), "").await;
    assert_eq!(r.code(), "ValidationException");
    assert!(r
        .message()
        .unwrap()
        .starts_with("2 validation errors detected"));
    // A JSON value of the wrong type is a SerializationException.
    let r = kms.call("CreateAlias", json!({"AliasName": 5})).await;
    assert_eq!((r.status, r.code()), (400, "SerializationException"));
    let r = kms.call("ListAliases", json!([])).await;
    assert_eq!(r.code(), "SerializationException");
}

#[tokio::test]
async fn content_type_is_not_checked() {
    let kms = start().await;
    for ct in ["application/json", "text/plain", "nonsense"] {
        let r = kms
            .send(
                kms.http
                    .post(&kms.base)
                    .header("content-type", ct)
                    .header("x-amz-target", "TrentService.ListKeys")
                    .body("{}"),
            )
            .await;
        r.ok();
    }
    let r = kms
        .send(
            kms.http
                .post(&kms.base)
                .header("x-amz-target", "TrentService.ListKeys"),
        )
        .await;
    r.ok();
}

// ---------------------------------------------------------------- CreateKey

#[tokio::test]
async fn create_key_metadata() {
    let kms = start().await;
    let r = kms
        .call("CreateKey", json!({"Description": "d", "Tags": []}))
        .await;
    let m = &r.ok()["KeyMetadata"];
    let id = m["KeyId"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok() && id == id.to_lowercase());
    assert_eq!(m["Arn"], key_arn(id));
    assert_eq!(m["AWSAccountId"], ACCOUNT);
    assert!(m["CreationDate"].is_f64() || m["CreationDate"].is_u64());
    assert_eq!(m["Enabled"], true);
    assert_eq!(m["Description"], "d");
    assert_eq!(m["KeyUsage"], "ENCRYPT_DECRYPT");
    assert_eq!(m["KeyState"], "Enabled");
    assert_eq!(m["Origin"], "AWS_KMS");
    assert_eq!(m["KeyManager"], "CUSTOMER");
    assert_eq!(m["KeySpec"], "SYMMETRIC_DEFAULT");
    assert_eq!(m["CustomerMasterKeySpec"], "SYMMETRIC_DEFAULT");
    assert_eq!(m["EncryptionAlgorithms"], json!(["SYMMETRIC_DEFAULT"]));
    assert!(m.get("SigningAlgorithms").is_none());
    assert_eq!(m["MultiRegion"], false);

    let m = kms
        .call(
            "CreateKey",
            json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
        )
        .await
        .ok()["KeyMetadata"]
        .clone();
    assert_eq!(m["SigningAlgorithms"].as_array().unwrap().len(), 6);
    assert!(m.get("EncryptionAlgorithms").is_none());
    let m = kms
        .call(
            "CreateKey",
            json!({"CustomerMasterKeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
        )
        .await
        .ok()["KeyMetadata"]
        .clone();
    assert_eq!(m["KeySpec"], "HMAC_256");
    assert_eq!(m["MacAlgorithms"], json!(["HMAC_SHA_256"]));
    let d = kms.call("CreateKey", json!({})).await.ok()["KeyMetadata"]["Description"].clone();
    assert_eq!(d, "");
}

#[tokio::test]
async fn create_key_origins_and_multi_region() {
    let kms = start().await;
    let m = kms
        .call("CreateKey", json!({"MultiRegion": true}))
        .await
        .ok()["KeyMetadata"]
        .clone();
    let id = m["KeyId"].as_str().unwrap();
    assert!(id.starts_with("mrk-") && id.len() == 36, "{id}");
    assert!(id[4..]
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(m["MultiRegion"], true);
    let m = kms
        .call("CreateKey", json!({"Origin": "EXTERNAL"}))
        .await
        .ok()["KeyMetadata"]
        .clone();
    assert_eq!(m["KeyState"], "PendingImport");
    assert_eq!(m["Enabled"], false);
    assert_eq!(m["Origin"], "EXTERNAL");
    for origin in ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"] {
        let r = kms.call("CreateKey", json!({"Origin": origin})).await;
        assert_eq!((r.status, r.code()), (400, "UnsupportedOperationException"));
    }
}

#[tokio::test]
async fn key_metadata_as_recorded_spec_k() {
    let kms = start().await;
    let is_material = |v: &Value| {
        v.as_str().is_some_and(|s| {
            s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        })
    };
    // CurrentKeyMaterialId: symmetric AWS_KMS keys only, the same on every read.
    let m = kms.call("CreateKey", json!({})).await.ok()["KeyMetadata"].clone();
    assert!(is_material(&m["CurrentKeyMaterialId"]), "{m}");
    let id = m["KeyId"].as_str().unwrap().to_owned();
    assert_eq!(
        kms.describe(&id).await["CurrentKeyMaterialId"],
        m["CurrentKeyMaterialId"]
    );
    kms.call("DisableKey", json!({"KeyId": id}))
        .await
        .empty_ok();
    assert_eq!(
        kms.describe(&id).await["CurrentKeyMaterialId"],
        m["CurrentKeyMaterialId"]
    );
    for body in [
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
        json!({"KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT"}),
        json!({"KeySpec": "ML_KEM_768", "KeyUsage": "ENCAPSULATE_DECAPSULATE"}),
        json!({"Origin": "EXTERNAL"}),
    ] {
        let m = kms.call("CreateKey", body.clone()).await.ok()["KeyMetadata"].clone();
        assert!(m.get("CurrentKeyMaterialId").is_none(), "{body}: {m}");
    }
    // MultiRegionConfiguration: a new multi-Region key is its own primary.
    let m = kms
        .call("CreateKey", json!({"MultiRegion": true}))
        .await
        .ok()["KeyMetadata"]
        .clone();
    assert_eq!(
        m["MultiRegionConfiguration"],
        json!({"MultiRegionKeyType": "PRIMARY",
               "PrimaryKey": {"Arn": m["Arn"], "Region": "us-east-1"},
               "ReplicaKeys": []})
    );
    assert!(is_material(&m["CurrentKeyMaterialId"]));
    assert!(kms
        .describe(&id)
        .await
        .get("MultiRegionConfiguration")
        .is_none());
    // ML-KEM (BC-1.44): asymmetric, ENCAPSULATE_DECAPSULATE only, ML_KEM algorithm.
    for spec in ["ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"] {
        let m = kms
            .call(
                "CreateKey",
                json!({"KeySpec": spec, "KeyUsage": "ENCAPSULATE_DECAPSULATE"}),
            )
            .await
            .ok()["KeyMetadata"]
            .clone();
        assert_eq!(m["EncapsulationAlgorithms"], json!(["ML_KEM"]));
        assert!(m.get("CustomerMasterKeySpec").is_none());
        assert!(m.get("EncryptionAlgorithms").is_none());
        let r = kms
            .call(
                "CreateKey",
                json!({"KeySpec": spec, "KeyUsage": "SIGN_VERIFY"}),
            )
            .await;
        assert_eq!(
            r.message().unwrap(),
            format!("KeyUsage SIGN_VERIFY is not compatible with KeySpec {spec}")
        );
        let r = kms.call("CreateKey", json!({"KeySpec": spec})).await;
        r.is_fault(&Fault::UsageRequired);
    }
}

#[tokio::test]
async fn create_key_tags_spec_k() {
    let kms = start().await;
    let tags = |n: usize, value: &str| -> Value {
        (0..n)
            .map(|i| json!({"TagKey": format!("key{i}"), "TagValue": value}))
            .collect()
    };
    kms.call("CreateKey", json!({"Tags": tags(50, &"v".repeat(256))}))
        .await
        .ok();
    kms.call("CreateKey", json!({"Tags": tags(51, "v")}))
        .await
        .is_fault(&Fault::TooManyTags);
    for key in ["aws:key1", "AWS:key1"] {
        let r = kms
            .call(
                "CreateKey",
                json!({"Tags": [{"TagKey": key, "TagValue": "value1"}]}),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.message().unwrap()),
            (400, "TagException", "Tags beginning with aws: are reserved")
        );
    }
    let long = "a".repeat(129);
    let r = kms
        .call(
            "CreateKey",
            json!({"Tags": [{"TagKey": long, "TagValue": "value1"}]}),
        )
        .await;
    assert_eq!(
        (r.status, r.code(), r.message().unwrap()),
        (400, "ValidationException", format!("1 validation error detected: Value '{long}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128").as_str())
    );
    let long = "v".repeat(257);
    let r = kms
        .call(
            "CreateKey",
            json!({"Tags": [{"TagKey": "tag1", "TagValue": long}]}),
        )
        .await;
    assert_eq!(
        r.message().unwrap(),
        format!("1 validation error detected: Value '{long}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256")
    );
}

#[tokio::test]
async fn create_key_usage_rules_b31_b32_b33() {
    let kms = start().await;
    // B#31
    let r = kms
        .call(
            "CreateKey",
            json!({"KeySpec": "RSA_2048", "KeyUsage": "KEY_AGREEMENT"}),
        )
        .await;
    r.is_fault(&Fault::UsageIncompatible {
        usage: KeyUsage::KeyAgreement,
        spec: KeySpec::Rsa2048,
    });
    assert_eq!(
        r.message().unwrap(),
        "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048"
    );
    // B#32
    let r = kms.call("CreateKey", json!({"KeySpec": "HMAC_256"})).await;
    r.is_fault(&Fault::UsageRequired);
    assert_eq!(
        r.message().unwrap(),
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."
    );
    // B#33
    let r = kms
        .call("CreateKey", json!({"KeySpec": "HMAC_random"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "ValidationException"));
    assert!(r.message().unwrap().starts_with("1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: ["));
    let r = kms.call("CreateKey", json!({"KeyUsage": "NOPE"})).await;
    assert!(r.message().unwrap().contains("at 'keyUsage'"));
}

// ---------------------------------------------------------------- DescribeKey, ListKeys

#[tokio::test]
async fn describe_key_by_every_identifier() {
    let kms = start().await;
    let key = kms.sym().await;
    kms.alias("alias/d", &key).await;
    for id in [
        key.clone(),
        key_arn(&key),
        "alias/d".to_owned(),
        alias_arn("alias/d"),
    ] {
        assert_eq!(kms.describe(&id).await["KeyId"], key.as_str(), "{id}");
    }
}

#[tokio::test]
async fn describe_key_failures_b10_b11_b12_b16() {
    let kms = start().await;
    let r = kms.call("DescribeKey", json!({"KeyId": MISSING})).await;
    r.is_fault(&Fault::KeyNotFound {
        key_arn: key_arn(MISSING),
    });
    assert_eq!(
        r.message().unwrap(),
        format!("Key 'arn:aws:kms:us-east-1:111122223333:key/{MISSING}' does not exist")
    );
    kms.call("DescribeKey", json!({"KeyId": key_arn(MISSING)}))
        .await
        .is_fault(&Fault::KeyNotFound {
            key_arn: key_arn(MISSING),
        });
    let r = kms
        .call("DescribeKey", json!({"KeyId": "fake-key-id"}))
        .await;
    assert_eq!(r.message().unwrap(), "Invalid keyId 'fake-key-id'");
    assert_eq!(r.code(), "NotFoundException");
    let other = format!("arn:aws:kms:us-west-1:{ACCOUNT}:key/{MISSING}");
    let r = kms.call("DescribeKey", json!({"KeyId": other})).await;
    assert_eq!(r.message().unwrap(), "Invalid arn us-west-1");
    let r = kms
        .call("DescribeKey", json!({"KeyId": "alias/none"}))
        .await;
    r.is_fault(&Fault::AliasNotFound {
        alias_arn: alias_arn("alias/none"),
    });
    assert_eq!(
        r.message().unwrap(),
        "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found."
    );
    let r = kms.call("DescribeKey", json!({})).await;
    assert_eq!(r.message().unwrap(), "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
}

#[tokio::test]
async fn predefined_alias_gets_an_aws_managed_key_on_first_use() {
    let kms = start().await;
    let before = kms.entry("alias/aws/ebs").await;
    assert_eq!(
        before,
        json!({"AliasName": "alias/aws/ebs", "AliasArn": alias_arn("alias/aws/ebs")})
    );
    let m = kms.describe("alias/aws/ebs").await;
    assert_eq!(m["KeyManager"], "AWS");
    assert_eq!(
        m["Description"],
        "Default key that protects my ebs resources when no other key is defined"
    );
    let id = m["KeyId"].as_str().unwrap().to_owned();
    let after = kms.entry("alias/aws/ebs").await;
    assert_eq!(after["TargetKeyId"], id.as_str());
    assert_eq!(after["CreationDate"], after["LastUpdatedDate"]);
    assert_eq!(kms.describe("alias/aws/ebs").await["KeyId"], id.as_str());
    // An AWS managed key cannot back a customer alias (B#23).
    let r = kms
        .call(
            "CreateAlias",
            json!({"AliasName": "alias/mine", "TargetKeyId": id}),
        )
        .await;
    r.is_fault(&Fault::AwsManagedKey);
    assert_eq!(r.json, json!({"__type": "NotAuthorizedException"}));
    // A name under alias/aws/ that AWS does not predefine is just not found.
    let r = kms
        .call("DescribeKey", json!({"KeyId": "alias/aws/nope"}))
        .await;
    assert_eq!(r.code(), "NotFoundException");
}

#[tokio::test]
async fn list_keys_pages() {
    let kms = start().await;
    let mut made = Vec::new();
    for _ in 0..5 {
        made.push(kms.sym().await);
    }
    made.sort();
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut body = json!({"Limit": 2});
        if let Some(m) = &marker {
            body["Marker"] = json!(m);
        }
        let page = kms.call("ListKeys", body).await.ok().clone();
        for k in page["Keys"].as_array().unwrap() {
            assert_eq!(k["KeyArn"], key_arn(k["KeyId"].as_str().unwrap()));
            seen.push(k["KeyId"].as_str().unwrap().to_owned());
        }
        if page["Truncated"] == true {
            marker = Some(page["NextMarker"].as_str().unwrap().to_owned());
        } else {
            assert!(page.get("NextMarker").is_none());
            break;
        }
    }
    assert_eq!(seen, made);
    let all = kms.call("ListKeys", json!({})).await.ok().clone();
    assert_eq!(all["Keys"].as_array().unwrap().len(), 5);
    let r = kms.call("ListKeys", json!({"Marker": "garbage"})).await;
    r.is_fault(&Fault::InvalidMarker);
    // ResourceOwners (BC-1.44): SELF lists the account's keys; keys shared
    // through RAM there are none of.
    let own = kms
        .call(
            "ListKeys",
            json!({"ResourceOwners": ["SELF", "OTHER_ACCOUNTS_VIA_RAM"]}),
        )
        .await
        .ok()
        .clone();
    assert_eq!(own["Keys"].as_array().unwrap().len(), 5);
    let shared = kms
        .call(
            "ListKeys",
            json!({"ResourceOwners": ["OTHER_ACCOUNTS_VIA_RAM"], "Limit": 1}),
        )
        .await
        .ok()
        .clone();
    assert_eq!(shared, json!({"Keys": [], "Truncated": false}));
    let r = kms.call("ListKeys", json!({"ResourceOwners": []})).await;
    assert_eq!(
        r.message().unwrap(),
        "1 validation error detected: Value '[]' at 'resourceOwners' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
}

// ---------------------------------------------------------------- key lifecycle

#[tokio::test]
async fn enable_disable_schedule_cancel() {
    let kms = start().await;
    let key = kms.sym().await;
    kms.call("DisableKey", json!({"KeyId": key_arn(&key)}))
        .await
        .empty_ok();
    let m = kms.describe(&key).await;
    assert_eq!(
        (m["KeyState"].clone(), m["Enabled"].clone()),
        (json!("Disabled"), json!(false))
    );
    kms.call("EnableKey", json!({"KeyId": key}))
        .await
        .empty_ok();
    assert_eq!(kms.describe(&key).await["KeyState"], "Enabled");

    let r = kms.call("ScheduleKeyDeletion", json!({"KeyId": key})).await;
    let v = r.ok();
    assert_eq!(v["KeyId"], key_arn(&key));
    assert_eq!(v["KeyState"], "PendingDeletion");
    assert_eq!(v["PendingWindowInDays"], 30);
    let m = kms.describe(&key).await;
    assert_eq!(m["KeyState"], "PendingDeletion");
    assert_eq!(m["Enabled"], false);
    assert_eq!(m["DeletionDate"], v["DeletionDate"]);
    // Only a primary key waiting for its replicas shows its window (BC doc, spec K).
    assert!(m.get("PendingDeletionWindowInDays").is_none());
    let day_secs =
        (v["DeletionDate"].as_f64().unwrap() - m["CreationDate"].as_f64().unwrap()) / 86400.0;
    assert!((29.9..30.1).contains(&day_secs), "{day_secs}");
    // B#27
    kms.call("ScheduleKeyDeletion", json!({"KeyId": key}))
        .await
        .is_fault(&Fault::KeyState {
            key_arn: key_arn(&key),
            state: KeyState::PendingDeletion,
        });
    // B#29
    let r = kms.call("EnableKey", json!({"KeyId": key})).await;
    assert_eq!(
        r.message().unwrap(),
        format!("{} is pending deletion.", key_arn(&key))
    );
    let r = kms.call("CancelKeyDeletion", json!({"KeyId": key})).await;
    assert_eq!(r.ok(), &json!({"KeyId": key_arn(&key)}));
    let m = kms.describe(&key).await;
    assert_eq!(m["KeyState"], "Disabled");
    assert!(m.get("DeletionDate").is_none() && m.get("PendingDeletionWindowInDays").is_none());
    // B#28
    let r = kms.call("CancelKeyDeletion", json!({"KeyId": key})).await;
    r.is_fault(&Fault::KeyNotPendingDeletion {
        key_arn: key_arn(&key),
    });
    assert_eq!(
        r.message().unwrap(),
        format!("{} is not pending deletion.", key_arn(&key))
    );
}

#[tokio::test]
async fn pending_window_range_and_key_only_identifiers() {
    let kms = start().await;
    let key = kms.sym().await;
    for (days, text) in [
        (6, "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7"),
        (31, "1 validation error detected: Value '31' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30"),
        (0, "1 validation error detected: Value '0' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 1"),
    ] {
        let r = kms
            .call("ScheduleKeyDeletion", json!({"KeyId": key, "PendingWindowInDays": days}))
            .await;
        assert_eq!((r.status, r.code(), r.message()), (400, "ValidationException", Some(text)));
    }
    let r = kms
        .call(
            "ScheduleKeyDeletion",
            json!({"KeyId": key, "PendingWindowInDays": 7}),
        )
        .await;
    assert_eq!(r.ok()["PendingWindowInDays"], 7);
    // Key operations other than DescribeKey refuse aliases as malformed ids.
    kms.call("CancelKeyDeletion", json!({"KeyId": key}))
        .await
        .ok();
    kms.alias("alias/k", &key).await;
    for op in [
        "EnableKey",
        "DisableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
    ] {
        let r = kms.call(op, json!({"KeyId": "alias/k"})).await;
        r.is_fault(&Fault::InvalidKeyId {
            value: "alias/k".into(),
            quoted: true,
        });
        let r = kms.call(op, json!({"KeyId": MISSING})).await;
        r.is_fault(&Fault::KeyNotFound {
            key_arn: key_arn(MISSING),
        });
    }
    // B#29: pending import.
    let ext = kms.key(json!({"Origin": "EXTERNAL"})).await;
    let r = kms.call("EnableKey", json!({"KeyId": ext})).await;
    assert_eq!(
        r.message().unwrap(),
        format!("{} is pending import.", key_arn(&ext))
    );
}

// ---------------------------------------------------------------- CreateAlias (B)

#[tokio::test]
async fn create_alias_name_checks_b1_b3_b4_b5_b6_b7_b8() {
    let kms = start().await;
    let key = kms.sym().await;
    let create = |name: Value| {
        let key = key.clone();
        let kms = &kms;
        async move {
            kms.call(
                "CreateAlias",
                json!({"AliasName": name, "TargetKeyId": key}),
            )
            .await
        }
    };
    // B#1
    let r = create(json!("abc123")).await;
    r.is_fault(&Fault::AliasPrefix);
    assert_eq!(r.message().unwrap(), "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
    // B#3
    let r = create(json!("alias/my-alias!")).await;
    assert_eq!((r.status, r.code()), (400, "ValidationException"));
    assert_eq!(r.message().unwrap(), "1 validation error detected: Value 'alias/my-alias!' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
    // B#4
    let r = create(json!("alias/Service:Test")).await;
    assert_eq!(
        r.message().unwrap(),
        "alias/Service:Test contains invalid characters for an alias"
    );
    assert_eq!(r.code(), "ValidationException");
    // B#5
    let long = format!("alias/{}", "a".repeat(251));
    let r = create(json!(long)).await;
    assert_eq!(r.message().unwrap(), format!("1 validation error detected: Value '{long}' at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to 256"));
    create(json!(format!("alias/{}", "a".repeat(250))))
        .await
        .empty_ok();
    // B#6
    let r = create(json!("")).await;
    assert!(r.message().unwrap().starts_with("2 validation errors detected: Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    // B#7
    let r = kms
        .call("CreateAlias", json!({"AliasName": "alias/x"}))
        .await;
    assert_eq!(r.message().unwrap(), "1 validation error detected: Value null at 'targetKeyId' failed to satisfy constraint: Member must not be null");
    let r = kms
        .call(
            "CreateAlias",
            json!({"AliasName": null, "TargetKeyId": null}),
        )
        .await;
    assert!(r
        .message()
        .unwrap()
        .starts_with("2 validation errors detected: Value null at 'aliasName'"));
    // B#8
    let r = create(json!("alias/aws/ebs")).await;
    r.is_fault(&Fault::AliasReserved);
    assert_eq!(r.json, json!({"__type": "NotAuthorizedException"}));
    // Names are case-sensitive: alias/AWS/ is not reserved.
    create(json!("alias/AWS/x")).await.empty_ok();
}

#[tokio::test]
async fn create_alias_target_checks_b9_to_b15() {
    let kms = start().await;
    let key = kms.sym().await;
    // Stored as the bare id even when an ARN is sent (section E).
    kms.call(
        "CreateAlias",
        json!({"AliasName": "alias/t", "TargetKeyId": key_arn(&key)}),
    )
    .await
    .empty_ok();
    let e = kms.entry("alias/t").await;
    assert_eq!(e["TargetKeyId"], key.as_str());
    assert_eq!(e["AliasArn"], alias_arn("alias/t"));
    assert_eq!(e["CreationDate"], e["LastUpdatedDate"]);
    // B#9
    let r = kms
        .call(
            "CreateAlias",
            json!({"AliasName": "alias/t", "TargetKeyId": key}),
        )
        .await;
    r.is_fault(&Fault::AliasExists {
        alias_arn: alias_arn("alias/t"),
    });
    assert_eq!(
        r.message().unwrap(),
        "An alias with the name arn:aws:kms:us-east-1:111122223333:alias/t already exists"
    );
    // B#10
    for target in [MISSING.to_owned(), key_arn(MISSING)] {
        let r = kms
            .call(
                "CreateAlias",
                json!({"AliasName": "alias/n", "TargetKeyId": target}),
            )
            .await;
        assert_eq!(
            r.message().unwrap(),
            format!("Key 'arn:aws:kms:us-east-1:111122223333:key/{MISSING}' does not exist")
        );
        assert_eq!(r.code(), "NotFoundException");
    }
    // B#11
    let r = kms
        .call(
            "CreateAlias",
            json!({"AliasName": "alias/n", "TargetKeyId": "fake-key-id"}),
        )
        .await;
    r.is_fault(&Fault::InvalidKeyId {
        value: "fake-key-id".into(),
        quoted: true,
    });
    // B#12
    let r = kms
        .call(
            "CreateAlias",
            json!({"AliasName": "alias/n", "TargetKeyId": format!("arn:aws:kms:us-west-1:{ACCOUNT}:key/{key}")}),
        )
        .await;
    r.is_fault(&Fault::InvalidArnRegion {
        region: "us-west-1".into(),
    });
    // B#13
    for target in ["alias/t".to_owned(), alias_arn("alias/t")] {
        let r = kms
            .call(
                "CreateAlias",
                json!({"AliasName": "alias/n", "TargetKeyId": target}),
            )
            .await;
        r.is_fault(&Fault::AliasAsKey);
    }
    // B#14 and B#15 are in the state matrix below; B#21:
    let quota_key = kms.sym().await;
    for i in 0..50 {
        kms.alias(&format!("alias/q{i:02}"), &quota_key).await;
    }
    let r = kms
        .call(
            "CreateAlias",
            json!({"AliasName": "alias/q50", "TargetKeyId": quota_key}),
        )
        .await;
    r.is_fault(&Fault::AliasQuota {
        limit: 50,
        usage: 50,
    });
    assert_eq!(
        r.message().unwrap(),
        "Aliases per key quota for this account in this region is 50, current usage is 50."
    );
}

// ---------------------------------------------------------------- UpdateAlias

#[tokio::test]
async fn update_alias_b2_b16_b20_and_dates() {
    let kms = start().await;
    let (a, b) = (kms.sym().await, kms.sym().await);
    kms.alias("alias/u", &a).await;
    let before = kms.entry("alias/u").await;
    kms.call(
        "UpdateAlias",
        json!({"AliasName": "alias/u", "TargetKeyId": key_arn(&b)}),
    )
    .await
    .empty_ok();
    let after = kms.entry("alias/u").await;
    assert_eq!(after["TargetKeyId"], b.as_str());
    assert_eq!(after["CreationDate"], before["CreationDate"]);
    assert!(after["LastUpdatedDate"].as_f64() > before["LastUpdatedDate"].as_f64());
    // B#20: same target succeeds and still moves the date.
    kms.call(
        "UpdateAlias",
        json!({"AliasName": "alias/u", "TargetKeyId": b}),
    )
    .await
    .empty_ok();
    let again = kms.entry("alias/u").await;
    assert!(again["LastUpdatedDate"].as_f64() > after["LastUpdatedDate"].as_f64());
    // The alias left key a.
    let of_a = kms.list(json!({"KeyId": a})).await;
    assert_eq!(of_a["Aliases"], json!([]));
    // B#2
    let r = kms
        .call("UpdateAlias", json!({"AliasName": "u", "TargetKeyId": b}))
        .await;
    r.is_fault(&Fault::AliasPrefix);
    // B#16
    let r = kms
        .call(
            "UpdateAlias",
            json!({"AliasName": "alias/none", "TargetKeyId": b}),
        )
        .await;
    r.is_fault(&Fault::AliasNotFound {
        alias_arn: alias_arn("alias/none"),
    });
    // B#23: reserved names
    let r = kms
        .call(
            "UpdateAlias",
            json!({"AliasName": "alias/aws/ebs", "TargetKeyId": b}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "NotAuthorizedException"));
    // New target missing, malformed, an alias.
    let r = kms
        .call(
            "UpdateAlias",
            json!({"AliasName": "alias/u", "TargetKeyId": MISSING}),
        )
        .await;
    r.is_fault(&Fault::KeyNotFound {
        key_arn: key_arn(MISSING),
    });
    let r = kms
        .call(
            "UpdateAlias",
            json!({"AliasName": "alias/u", "TargetKeyId": "alias/u"}),
        )
        .await;
    r.is_fault(&Fault::AliasAsKey);
}

#[tokio::test]
async fn update_alias_quota_counts_the_new_key_only() {
    let kms = start().await;
    let (a, full) = (kms.sym().await, kms.sym().await);
    for i in 0..50 {
        kms.alias(&format!("alias/f{i:02}"), &full).await;
    }
    kms.alias("alias/mover", &a).await;
    let r = kms
        .call(
            "UpdateAlias",
            json!({"AliasName": "alias/mover", "TargetKeyId": full}),
        )
        .await;
    r.is_fault(&Fault::AliasQuota {
        limit: 50,
        usage: 50,
    });
    // Retargeting an alias of the full key to itself is no new alias.
    kms.call(
        "UpdateAlias",
        json!({"AliasName": "alias/f00", "TargetKeyId": full}),
    )
    .await
    .empty_ok();
}

#[tokio::test]
async fn family_rule_over_http_b19() {
    use KeySpec::*;
    use KeyUsage::*;
    let kms = start().await;
    let kinds = [
        (SymmetricDefault, EncryptDecrypt),
        (Rsa2048, EncryptDecrypt),
        (Rsa4096, EncryptDecrypt),
        (Rsa2048, SignVerify),
        (EccNistP256, SignVerify),
        (EccNistP256, KeyAgreement),
        (Hmac256, GenerateVerifyMac),
        (Hmac512, GenerateVerifyMac),
        (MlDsa44, SignVerify),
    ];
    let mut keys = Vec::new();
    for (spec, usage) in kinds {
        keys.push(
            kms.key(json!({"KeySpec": spec.name(), "KeyUsage": usage.name()}))
                .await,
        );
    }
    for (i, from) in kinds.iter().enumerate() {
        for (j, to) in kinds.iter().enumerate() {
            let name = format!("alias/fam-{i}-{j}");
            kms.alias(&name, &keys[i]).await;
            let r = kms
                .call(
                    "UpdateAlias",
                    json!({"AliasName": name, "TargetKeyId": keys[j]}),
                )
                .await;
            match check_retarget(&name, *from, *to) {
                Ok(()) => r.empty_ok(),
                Err(f) => r.is_fault(&f),
            }
        }
    }
    // The recorded text (J Q1), literally.
    kms.alias("alias/testing-local-kms-ecc", &keys[4]).await;
    let r = kms
        .call(
            "UpdateAlias",
            json!({"AliasName": "alias/testing-local-kms-ecc", "TargetKeyId": keys[0]}),
        )
        .await;
    assert_eq!(r.message().unwrap(), "Alias alias/testing-local-kms-ecc cannot be changed from a CMK with key usage SIGN_VERIFY to a CMK with key usage ENCRYPT_DECRYPT. The key usage of the current CMK and the new CMK must be the same.");
    // Type-only mismatch: same usage, other family.
    let r = kms
        .call(
            "UpdateAlias",
            json!({"AliasName": "alias/fam-0-0", "TargetKeyId": keys[1]}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "ValidationException"));
    r.is_fault(&Fault::TypeMismatch {
        alias: "alias/fam-0-0".into(),
        from: SymmetricDefault,
        to: Rsa2048,
    });
}

// ---------------------------------------------------------------- DeleteAlias

#[tokio::test]
async fn delete_alias_b2_b16_b22() {
    let kms = start().await;
    let key = kms.sym().await;
    kms.alias("alias/del", &key).await;
    kms.call("DeleteAlias", json!({"AliasName": "alias/del"}))
        .await
        .empty_ok();
    let r = kms
        .call("DeleteAlias", json!({"AliasName": "alias/del"}))
        .await;
    r.is_fault(&Fault::AliasNotFound {
        alias_arn: alias_arn("alias/del"),
    });
    assert_eq!(
        r.message().unwrap(),
        "Alias arn:aws:kms:us-east-1:111122223333:alias/del is not found."
    );
    kms.call("DeleteAlias", json!({"AliasName": "del"}))
        .await
        .is_fault(&Fault::AliasPrefix);
    let r = kms
        .call("DeleteAlias", json!({"AliasName": "alias/aws/ebs"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "NotAuthorizedException"));
    let r = kms.call("DeleteAlias", json!({})).await;
    assert_eq!(r.message().unwrap(), "1 validation error detected: Value null at 'aliasName' failed to satisfy constraint: Member must not be null");
    // The key stays.
    assert_eq!(kms.describe(&key).await["KeyId"], key.as_str());
}

// ---------------------------------------------------------------- ListAliases

#[tokio::test]
async fn list_aliases_order_pages_and_predefined_entries() {
    let kms = start().await;
    let key = kms.sym().await;
    let names = [
        "alias/b",
        "alias/A",
        "alias/a",
        "alias/Z",
        "alias/a-b",
        "alias/a/b",
    ];
    for n in names {
        kms.alias(n, &key).await;
    }
    let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    expected.extend(PREDEFINED.iter().map(|s| s.to_string()));
    expected.sort();
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut body = json!({"Limit": 4});
        if let Some(m) = &marker {
            body["Marker"] = json!(m);
        }
        let page = kms.list(body).await;
        let entries = page["Aliases"].as_array().unwrap();
        assert!(entries.len() <= 4);
        for e in entries {
            let name = e["AliasName"].as_str().unwrap();
            assert_eq!(e["AliasArn"], alias_arn(name));
            if PREDEFINED.contains(&name) {
                assert_eq!(e.as_object().unwrap().len(), 2, "{e}");
            } else {
                assert_eq!(e["TargetKeyId"], key.as_str());
                assert!(e["CreationDate"].is_number() && e["LastUpdatedDate"].is_number());
            }
            seen.push(name.to_owned());
        }
        match page["Truncated"].as_bool().unwrap() {
            true => marker = Some(page["NextMarker"].as_str().unwrap().to_owned()),
            false => {
                assert!(page.get("NextMarker").is_none());
                break;
            }
        }
    }
    assert_eq!(seen, expected);
    // Default page 50, capped at 100.
    let many = kms.sym().await;
    for i in 0..50 {
        kms.alias(&format!("alias/m{i:02}"), &many).await;
    }
    let other = kms.sym().await;
    for i in 0..50 {
        kms.alias(&format!("alias/n{i:02}"), &other).await;
    }
    let page = kms.list(json!({})).await;
    assert_eq!(page["Aliases"].as_array().unwrap().len(), 50);
    assert_eq!(page["Truncated"], true);
    let page = kms.list(json!({"Limit": 1000})).await;
    assert_eq!(page["Aliases"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn list_aliases_by_key_b24_b25_b26() {
    let kms = start().await;
    let (a, b) = (kms.sym().await, kms.sym().await);
    kms.alias("alias/one", &a).await;
    kms.alias("alias/two", &a).await;
    kms.alias("alias/other", &b).await;
    for id in [a.clone(), key_arn(&a)] {
        let page = kms.list(json!({"KeyId": id})).await;
        let names: Vec<&str> = page["Aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["AliasName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["alias/one", "alias/two"]);
        assert_eq!(page["Truncated"], false);
    }
    let page = kms.list(json!({"KeyId": a, "Limit": 1})).await;
    assert_eq!(page["Truncated"], true);
    let next = kms
        .list(json!({"KeyId": a, "Limit": 1, "Marker": page["NextMarker"]}))
        .await;
    assert_eq!(next["Aliases"][0]["AliasName"], "alias/two");
    assert_eq!(next["Truncated"], false);
    // B#24
    kms.call("ListAliases", json!({"KeyId": MISSING}))
        .await
        .is_fault(&Fault::KeyNotFound {
            key_arn: key_arn(MISSING),
        });
    kms.call("ListAliases", json!({"KeyId": "alias/one"}))
        .await
        .is_fault(&Fault::InvalidKeyId {
            value: "alias/one".into(),
            quoted: true,
        });
    // B#25
    for marker in ["garbage", "eyJhIjoiYiJ9", "e30="] {
        let r = kms.call("ListAliases", json!({"Marker": marker})).await;
        r.is_fault(&Fault::InvalidMarker);
        assert_eq!(r.json, json!({"__type": "InvalidMarkerException"}));
    }
    // B#26
    let r = kms.call("ListAliases", json!({"Limit": 0})).await;
    assert_eq!(r.message().unwrap(), "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    let r = kms.call("ListAliases", json!({"Limit": 1001})).await;
    assert_eq!(r.message().unwrap(), "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000");
}

// ---------------------------------------------------------------- key states (C)

#[tokio::test]
async fn key_state_matrix_over_http() {
    let kms = start().await;
    for state in KeyState::ALL {
        let arn = |id: &str| key_arn(id);
        let expect = |op, role, id: &str| check_state(op, role, *state, &arn(id));
        // CreateAlias onto a key in `state` (B#14, B#15).
        let key = kms.sym().await;
        kms.set_state(&key, state.name()).await;
        assert_eq!(kms.describe(&key).await["KeyState"], state.name());
        let name = format!("alias/s-{}", state.name());
        let r = kms
            .call(
                "CreateAlias",
                json!({"AliasName": name, "TargetKeyId": key}),
            )
            .await;
        match expect(Operation::CreateAlias, Role::Target, &key) {
            Ok(()) => r.empty_ok(),
            Err(f) => r.is_fault(&f),
        }
        // UpdateAlias to a new key in `state` (B#17), and away from a
        // current key in `state` (B#18).
        let (plain, current) = (kms.sym().await, kms.sym().await);
        let moving = format!("alias/to-{}", state.name());
        kms.alias(&moving, &plain).await;
        let r = kms
            .call(
                "UpdateAlias",
                json!({"AliasName": moving, "TargetKeyId": key}),
            )
            .await;
        match expect(Operation::UpdateAlias, Role::Target, &key) {
            Ok(()) => r.empty_ok(),
            Err(f) => r.is_fault(&f),
        }
        let leaving = format!("alias/from-{}", state.name());
        kms.alias(&leaving, &current).await;
        kms.set_state(&current, state.name()).await;
        kms.call(
            "UpdateAlias",
            json!({"AliasName": leaving, "TargetKeyId": plain}),
        )
        .await
        .empty_ok();
        // DeleteAlias, ListAliases, DescribeKey: always fine.
        kms.call("DeleteAlias", json!({"AliasName": leaving}))
            .await
            .empty_ok();
        kms.list(json!({"KeyId": key})).await;
        kms.describe(&key).await;
        // Key operations, each on a fresh key in `state`.
        for op in [
            Operation::DisableKey,
            Operation::EnableKey,
            Operation::ScheduleKeyDeletion,
            Operation::CancelKeyDeletion,
        ] {
            let k = kms.sym().await;
            kms.set_state(&k, state.name()).await;
            let r = kms.call(op.name(), json!({"KeyId": k})).await;
            match expect(op, Role::Target, &k) {
                Ok(()) => assert_eq!(r.status, 200, "{op} {state:?} {r:?}"),
                Err(f) => r.is_fault(&f),
            }
        }
    }
    // Literal texts of section C for the states only the control endpoint reaches.
    let k = kms.sym().await;
    kms.set_state(&k, "Creating").await;
    let r = kms.call("EnableKey", json!({"KeyId": k})).await;
    assert_eq!(
        r.message().unwrap(),
        format!("{} is creating.", key_arn(&k))
    );
    kms.set_state(&k, "Updating").await;
    let r = kms.call("ScheduleKeyDeletion", json!({"KeyId": k})).await;
    assert_eq!(
        r.message().unwrap(),
        format!("{} is updating.", key_arn(&k))
    );
    kms.set_state(&k, "PendingReplicaDeletion").await;
    let r = kms
        .call(
            "CreateAlias",
            json!({"AliasName": "alias/prd", "TargetKeyId": k}),
        )
        .await;
    assert_eq!(
        r.message().unwrap(),
        format!("{} is pending deletion.", key_arn(&k))
    );
    assert_eq!(r.code(), "KMSInvalidStateException");
}

#[tokio::test]
async fn control_endpoint_refuses_nonsense() {
    let kms = start().await;
    let key = kms.sym().await;
    let post = |body: &str| {
        kms.send(
            kms.http
                .post(format!("{}/_reference/key-state", kms.base))
                .body(body.to_owned()),
        )
    };
    assert_eq!(post("{").await.status, 400);
    assert_eq!(
        post(&json!({"KeyId": key, "KeyState": "Bogus"}).to_string())
            .await
            .status,
        400
    );
    let r = post(&json!({"KeyId": MISSING, "KeyState": "Enabled"}).to_string()).await;
    assert_eq!(r.code(), "NotFoundException");
    let r = post(&json!({"KeyId": key, "KeyState": "Enabled", "Region": "eu-west-1"}).to_string())
        .await;
    assert_eq!(r.code(), "NotFoundException");
}

// ---------------------------------------------------------------- Regions and accounts

#[tokio::test]
async fn regions_come_from_the_credential_scope() {
    let kms = start_with(Config {
        account: "999988887777".into(),
        ..Config::default()
    })
    .await;
    let r = kms.call_in("eu-west-1", "CreateKey", json!({})).await;
    let m = &r.ok()["KeyMetadata"];
    let id = m["KeyId"].as_str().unwrap().to_owned();
    assert_eq!(
        m["Arn"],
        format!("arn:aws:kms:eu-west-1:999988887777:key/{id}")
    );
    assert_eq!(m["AWSAccountId"], "999988887777");
    // Not visible from the default Region.
    let r = kms.call("DescribeKey", json!({"KeyId": id})).await;
    assert_eq!(r.code(), "NotFoundException");
    let r = kms
        .call_in(
            "eu-west-1",
            "CreateAlias",
            json!({"AliasName": "alias/eu", "TargetKeyId": id}),
        )
        .await;
    r.empty_ok();
    let r = kms
        .call_in("eu-west-1", "ListAliases", json!({"KeyId": id}))
        .await;
    assert_eq!(
        r.ok()["Aliases"][0]["AliasArn"],
        "arn:aws:kms:eu-west-1:999988887777:alias/eu"
    );
    let r = kms.call_in("cn-north-1", "CreateKey", json!({})).await;
    assert!(r.ok()["KeyMetadata"]["Arn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws-cn:kms:cn-north-1:"));
}

// ---------------------------------------------------------------- SigV4

fn signed(
    kms: &Kms,
    akid: &str,
    secret: &str,
    region: &str,
    target: &str,
    body: &str,
) -> reqwest::RequestBuilder {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4;
    let identity = aws_credential_types::Credentials::new(akid, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("kms")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let host = kms.addr().to_string();
    let headers = [
        ("host", host.as_str()),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", target),
    ];
    let signable = SignableRequest::new(
        "POST",
        kms.base.as_str(),
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut req = kms
        .http
        .post(&kms.base)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .body(body.to_owned());
    for (name, value) in instructions.headers() {
        req = req.header(name, value);
    }
    req
}

#[tokio::test]
async fn signatures_are_verified_when_configured() {
    let kms = start_with(Config {
        verify: Some(Credentials {
            access_key_id: "AKIDTEST".into(),
            secret_access_key: "s3cr3t".into(),
        }),
        ..Config::default()
    })
    .await;
    let t = "TrentService.CreateKey";
    let r = kms
        .send(signed(&kms, "AKIDTEST", "s3cr3t", "us-west-2", t, "{}"))
        .await;
    assert!(r.ok()["KeyMetadata"]["Arn"]
        .as_str()
        .unwrap()
        .contains(":us-west-2:"));
    // Wrong secret.
    let r = kms
        .send(signed(&kms, "AKIDTEST", "wrong", "us-west-2", t, "{}"))
        .await;
    r.is_fault(&Fault::InvalidSignature);
    // Unknown access key.
    let r = kms
        .send(signed(&kms, "AKIDOTHER", "s3cr3t", "us-west-2", t, "{}"))
        .await;
    r.is_fault(&Fault::UnrecognizedClient);
    // No Authorization.
    kms.call("ListKeys", json!({}))
        .await
        .is_fault(&Fault::MissingAuthenticationToken);
    // Garbled Authorization.
    let r = kms
        .send(
            kms.http
                .post(&kms.base)
                .header("x-amz-target", "TrentService.ListKeys")
                .header("authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST")
                .body("{}"),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "IncompleteSignatureException"));
    // A body changed after signing.
    let req = signed(
        &kms,
        "AKIDTEST",
        "s3cr3t",
        "us-west-2",
        "TrentService.ListKeys",
        "{}",
    )
    .body("{ }");
    kms.send(req).await.is_fault(&Fault::InvalidSignature);
}

// ---------------------------------------------------------------- robustness

#[tokio::test]
async fn oversized_body_is_413_and_the_server_goes_on() {
    let kms = start().await;
    let big = vec![b'a'; 10 * 1024 * 1024];
    let r = kms.raw(Some("TrentService.ListAliases"), big).await;
    r.is_fault(&Fault::RequestTooLarge { limit: 1024 * 1024 });
    assert_eq!(r.status, 413);
    assert_eq!(r.code(), "RequestEntityTooLargeException");
    kms.call("ListKeys", json!({})).await.ok();
    // Exactly the limit is accepted (all whitespace: an empty body).
    let r = kms
        .raw(Some("TrentService.ListAliases"), vec![b' '; 1024 * 1024])
        .await;
    r.ok();
}

#[tokio::test]
async fn random_bytes_never_break_the_server() {
    let kms = start().await;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..50 {
        let len = (round * 37) % 2000;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        let op = Operation::ALL[round % Operation::ALL.len()];
        let r = kms.raw(Some(&op.target()), bytes).await;
        assert!(r.status == 400 || r.status == 200, "{r:?}");
        assert!(!r.code().is_empty() || r.status == 200);
    }
    // Raw junk on the socket.
    let mut s = TcpStream::connect(kms.addr()).await.unwrap();
    s.write_all(b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    kms.call("ListKeys", json!({})).await.ok();
}

#[tokio::test]
async fn half_requests_and_stalled_clients_do_not_block_others() {
    let kms = start().await;
    // Half a request, then close.
    let mut s = TcpStream::connect(kms.addr()).await.unwrap();
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-Amz-Target: TrentService.ListKeys\r\n\r\n{\"Li")
        .await
        .unwrap();
    drop(s);
    // Headers only, then silence.
    let mut stalled = TcpStream::connect(kms.addr()).await.unwrap();
    stalled
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
        .await
        .unwrap();
    // Half a header line, then silence.
    let mut stalled_head = TcpStream::connect(kms.addr()).await.unwrap();
    stalled_head
        .write_all(b"POST / HTTP/1.1\r\nHo")
        .await
        .unwrap();
    for _ in 0..20 {
        let r = tokio::time::timeout(Duration::from_secs(5), kms.call("ListKeys", json!({})))
            .await
            .expect("the server keeps answering");
        r.ok();
    }
    drop((stalled, stalled_head));
}

#[tokio::test]
async fn keep_alive_serves_many_requests_on_one_connection() {
    let kms = start().await;
    let mut s = TcpStream::connect(kms.addr()).await.unwrap();
    let req = b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: 2\r\n\r\n{}";
    for _ in 0..3 {
        s.write_all(req).await.unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&got).contains("\"Truncated\"") {
            let n = s.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed");
            got.extend_from_slice(&buf[..n]);
        }
        assert!(got.starts_with(b"HTTP/1.1 200"));
    }
}

#[tokio::test]
async fn shutdown_stops_the_listener() {
    let mut kms = start().await;
    kms.call("ListKeys", json!({})).await.ok();
    let addr = kms.addr();
    let server = kms.server.take().unwrap();
    server.shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}
