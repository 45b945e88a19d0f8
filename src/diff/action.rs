//! One request of a generated sequence, written as a template both sides
//! render with their own values (`${k3}` is each side's fourth key,
//! `${alias(a)}` the same name on both), and turned into a [`WireRequest`].

use serde_json::Value;

use crate::case::vars::Vars;
use crate::client::WireRequest;
use crate::spec::{Operation, CONTENT_TYPE};

/// How a request is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Signed with the run's credentials.
    Signed,
    /// No `Authorization` header.
    Unsigned,
    /// A SigV4-shaped `Authorization` of an access key no one has.
    UnknownKey,
}

/// The `Authorization` header of [`Auth::UnknownKey`].
pub const UNKNOWN_KEY_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=AKIAKACUNKNOWN000000/20250101/us-east-1/kms/aws4_request, \
    SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
    Signature=0000000000000000000000000000000000000000000000000000000000000000";

/// What a request carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// A JSON body whose strings are templates.
    Json(Value),
    /// Text sent as it is after expanding templates (malformed JSON).
    Raw(String),
}

/// One request of a sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// The operation.
    pub op: Operation,
    /// The body.
    pub payload: Payload,
    /// How it is authenticated.
    pub auth: Auth,
    /// The key variable a success defines (`k3`: `${k3}`, `${k3_arn}`), from
    /// `KeyMetadata` of a CreateKey or of a DescribeKey that made an AWS
    /// managed key.
    pub defines_key: Option<String>,
}

impl Action {
    /// A signed JSON request.
    pub fn json(op: Operation, body: Value) -> Action {
        Action {
            op,
            payload: Payload::Json(body),
            auth: Auth::Signed,
            defines_key: None,
        }
    }

    /// The key variables the action's templates name (`k3` for `${k3}` and
    /// `${k3_arn}`).
    pub fn keys_used(&self) -> Vec<String> {
        let text = match &self.payload {
            Payload::Json(v) => v.to_string(),
            Payload::Raw(s) => s.clone(),
        };
        key_refs(&text)
    }

    /// Whether the body names `Marker: ${marker}`.
    pub fn uses_marker(&self) -> bool {
        matches!(&self.payload, Payload::Json(v) if v.get("Marker").and_then(Value::as_str) == Some("${marker}"))
    }

    /// Whether it is a ListAliases of one key's aliases (`KeyId` given).
    pub fn lists_one_key(&self) -> bool {
        self.op == Operation::ListAliases
            && matches!(&self.payload, Payload::Json(v) if v.get("KeyId").is_some())
    }

    /// The request for one side: templates rendered with `vars`; a
    /// `${marker}` with none to give drops the member, as a client with no
    /// `NextMarker` sends none.
    pub fn request(&self, vars: &Vars) -> Result<WireRequest, String> {
        let body = match &self.payload {
            Payload::Json(v) => {
                let mut v = v.clone();
                if self.uses_marker() && vars.get("marker").is_none_or(|m| m.is_null()) {
                    if let Some(m) = v.as_object_mut() {
                        m.remove("Marker");
                    }
                }
                let rendered = vars.render(&v).map_err(|e| e.to_string())?;
                serde_json::to_vec(&rendered).map_err(|e| e.to_string())?
            }
            Payload::Raw(s) => vars.render_str(s).map_err(|e| e.to_string())?.into_bytes(),
        };
        let mut headers = vec![
            ("content-type".to_owned(), CONTENT_TYPE.to_owned()),
            ("x-amz-target".to_owned(), self.op.target()),
        ];
        if self.auth == Auth::UnknownKey {
            headers.push((
                "authorization".to_owned(),
                UNKNOWN_KEY_AUTHORIZATION.to_owned(),
            ));
            headers.push(("x-amz-date".to_owned(), "20250101T000000Z".to_owned()));
        }
        Ok(WireRequest {
            method: "POST".into(),
            path: "/".into(),
            headers,
            body,
            sign: self.auth == Auth::Signed,
        })
    }
}

/// The `kN` names in `${kN}` and `${kN_arn}` of a text, in order, once each.
pub fn key_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${k") {
        rest = &rest[i + 3..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let after = &rest[digits.len()..];
        if !digits.is_empty() && (after.starts_with('}') || after.starts_with("_arn}")) {
            let name = format!("k{digits}");
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::vars::VarContext;
    use serde_json::json;

    fn vars() -> Vars {
        let mut v = Vars::new(VarContext {
            prefix: "kac-t".into(),
            case_token: "00000001".into(),
            region: "us-east-1".into(),
            account: Some("111122223333".into()),
            partition: "aws".into(),
        });
        v.set("k0", "1234abcd-12ab-34cd-56ef-1234567890ab".into());
        v
    }

    #[test]
    fn renders_templates_and_drops_a_marker_it_has_not_got() {
        let a = Action::json(
            Operation::ListAliases,
            json!({"KeyId": "${k0}", "Marker": "${marker}"}),
        );
        let req = a.request(&vars()).unwrap();
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(
            body,
            json!({"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"})
        );
        assert!(req.sign);
        let mut v = vars();
        v.set("marker", "m1".into());
        let body: Value = serde_json::from_slice(&a.request(&v).unwrap().body).unwrap();
        assert_eq!(body["Marker"], "m1");
    }

    #[test]
    fn names_the_keys_it_uses() {
        let a = Action::json(
            Operation::UpdateAlias,
            json!({"AliasName": "${alias(a)}", "TargetKeyId": "arn:x:key/${k12}", "x": "${k3_arn}", "y": "${k12}"}),
        );
        assert_eq!(a.keys_used(), vec!["k12".to_owned(), "k3".to_owned()]);
    }
}
