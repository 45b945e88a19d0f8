//! The comparison of two answers to the same request: what may differ
//! (each side's key ids, dates, markers, key material ids, request ids, and
//! a message whose wording AWS never recorded for that operation) is
//! normalised away; the first difference left is the divergence.
//!
//! The texts of a divergence go through [`Normaliser::signature`], the one
//! `run` gives its findings, so a divergence and a failed case of the same
//! behaviour group alike.

use serde_json::{Map, Value};

use crate::client::WireResponse;
use crate::report::Normaliser;
use crate::spec::answers::{candidates, message_evidence, of_answer, of_success_shape};
use crate::spec::{sanitize_code, Evidence, Fault, Operation, CONTENT_TYPE};

/// What a side answered: a response, or why there was none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A response arrived.
    Response(WireResponse),
    /// The request could not be sent or answered (transport error, timeout).
    Failed(String),
}

/// Which part of the answers differs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// Status and error code together: the outcome.
    Response,
    /// The error message (only where AWS's text was recorded for the operation).
    Message,
    /// A member of the success body, by path (`KeyMetadata.KeyState`, or
    /// empty for the whole body).
    Body(String),
    /// A header.
    Header(&'static str),
    /// The target sent no response.
    Transport,
}

impl Part {
    /// The check's name in signatures, as `run` names its checks.
    pub fn name(&self) -> String {
        match self {
            Part::Response => "response".into(),
            Part::Message => "message".into(),
            Part::Body(p) if p.is_empty() => "body".into(),
            Part::Body(p) => format!("body {p}"),
            Part::Header(h) => format!("header {h}"),
            Part::Transport => "transport".into(),
        }
    }
}

/// Where the target's answer departs from the reference's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The operation.
    pub op: Operation,
    /// What differs.
    pub part: Part,
    /// The reference's, normalised.
    pub expected: String,
    /// The target's, normalised.
    pub actual: String,
    /// The clause whose rule gave the reference's answer.
    pub clause: &'static str,
    /// How sure the spec is of the differing part.
    pub evidence: Evidence,
}

impl Divergence {
    /// The signature `run` would give the same deviation.
    pub fn signature(&self, norm: &Normaliser) -> String {
        norm.signature(
            self.op.name(),
            &self.part.name(),
            &self.expected,
            &self.actual,
        )
    }
}

/// What each side's answer is compared with: the side's own key ids and
/// the names that are the run's.
pub struct Sides<'a> {
    /// (key id, its name `k3`) of the reference.
    pub reference_keys: &'a [(String, String)],
    /// The same for the target.
    pub target_keys: &'a [(String, String)],
    /// The case token in every name the sequence made.
    pub token: &'a str,
    /// The account both act in.
    pub account: &'a str,
}

/// Compares the target's answer with the reference's to the request `body`
/// of `op`; `fault` is the reference's, when it answered with one.
pub fn compare(
    op: Operation,
    body: &Value,
    reference: &WireResponse,
    fault: Option<&Fault>,
    target: &Seen,
    sides: &Sides,
) -> Option<Divergence> {
    let col = Some(op);
    let target = match target {
        Seen::Response(r) => r,
        Seen::Failed(why) => {
            return Some(Divergence {
                op,
                part: Part::Transport,
                expected: outcome(reference.status, fault.map(|f| f.code().name().to_owned())),
                actual: why.clone(),
                clause: "protocol.error-body",
                evidence: Evidence::Inferred,
            })
        }
    };
    let filtered = op == Operation::ListAliases && body.get("KeyId").is_none();
    let answer_clause = of_answer(fault, col, body, sides.account);
    let ref_code = fault.map(|f| f.code().name().to_owned());
    let tgt_code = error_code(target);
    // Where the spec leaves the code open, any candidate agrees.
    let agrees = match (fault, &tgt_code) {
        (Some(f), Some(c)) => candidates(answer_clause, col, f).contains(&c.as_str()),
        (None, None) => true,
        _ => false,
    };
    if reference.status != target.status || !agrees {
        return Some(Divergence {
            op,
            part: Part::Response,
            expected: outcome(reference.status, ref_code),
            actual: outcome(target.status, tgt_code),
            clause: answer_clause,
            evidence: Evidence::Inferred,
        });
    }
    if let Some(f) = fault {
        let evidence = message_evidence(f, col);
        if evidence == Evidence::Recorded {
            let want = f.message().map(|m| map_ids(&m, sides.reference_keys));
            let got = message(target).map(|m| map_ids(&m, sides.target_keys));
            if want != got {
                return Some(Divergence {
                    op,
                    part: Part::Message,
                    expected: want.unwrap_or_else(|| "(no message)".into()),
                    actual: got.unwrap_or_else(|| "(no message)".into()),
                    clause: answer_clause,
                    evidence,
                });
            }
        }
    } else if let Some((path, want, got)) = body_difference(reference, target, filtered, sides) {
        return Some(Divergence {
            op,
            expected: want,
            actual: got,
            clause: of_success_shape(col, last_member(&path)),
            evidence: Evidence::Documented,
            part: Part::Body(path),
        });
    }
    let header_clause = if fault.is_some() {
        "protocol.error-body"
    } else {
        of_success_shape(col, "")
    };
    let want_type = reference.header("content-type").unwrap_or(CONTENT_TYPE);
    let got_type = target.header("content-type");
    if got_type != Some(want_type) {
        return Some(Divergence {
            op,
            part: Part::Header("content-type"),
            expected: want_type.to_owned(),
            actual: got_type.unwrap_or("(absent)").to_owned(),
            clause: header_clause,
            evidence: Evidence::Documented,
        });
    }
    if target.header("x-amzn-requestid").is_none() {
        return Some(Divergence {
            op,
            part: Part::Header("x-amzn-requestid"),
            expected: "present".into(),
            actual: "(absent)".into(),
            clause: "protocol.request-id",
            evidence: Evidence::Documented,
        });
    }
    None
}

/// The last member name of a body path (`Aliases[0].TargetKeyId` ->
/// `TargetKeyId`).
fn last_member(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// `400 NotFoundException`, `200 (no error code)`.
pub fn outcome(status: u16, code: Option<String>) -> String {
    match code {
        Some(c) => format!("{status} {c}"),
        None => format!("{status} (no error code)"),
    }
}

/// The error code of a response, as the SDKs read it.
pub fn error_code(r: &WireResponse) -> Option<String> {
    let body: Option<Value> = serde_json::from_slice(&r.body).ok();
    body.as_ref()
        .and_then(|b| b.get("__type"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| r.header("x-amzn-errortype").map(str::to_owned))
        .map(|raw| sanitize_code(&raw).to_owned())
}

/// The `message` (or `Message`) of an error body.
fn message(r: &WireResponse) -> Option<String> {
    let body: Value = serde_json::from_slice(&r.body).ok()?;
    body.get("message")
        .or_else(|| body.get("Message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// `text` with each of the side's key ids replaced by its name, longest first.
pub fn map_ids(text: &str, keys: &[(String, String)]) -> String {
    let mut out = text.to_owned();
    let mut keys: Vec<&(String, String)> = keys.iter().collect();
    keys.sort_by_key(|(id, _)| std::cmp::Reverse(id.len()));
    for (id, name) in keys {
        if !id.is_empty() {
            out = out.replace(id.as_str(), &format!("<{name}>"));
        }
    }
    out
}

/// The first difference of two success bodies, as (path, reference's,
/// target's); `filtered`: a ListAliases of the whole account, of which only
/// the sequence's own aliases are compared, and only when neither side was
/// cut short (another run's aliases may fill a page).
fn body_difference(
    reference: &WireResponse,
    target: &WireResponse,
    filtered: bool,
    sides: &Sides,
) -> Option<(String, String, String)> {
    match (reference.body.is_empty(), target.body.is_empty()) {
        (true, true) => return None,
        (true, false) => {
            return Some((
                String::new(),
                "empty (0 bytes)".into(),
                compact(&target.body),
            ))
        }
        (false, true) => {
            return Some((
                String::new(),
                compact(&reference.body),
                "empty (0 bytes)".into(),
            ))
        }
        _ => {}
    }
    let want: Value = serde_json::from_slice(&reference.body).ok()?;
    let got: Value = match serde_json::from_slice(&target.body) {
        Ok(v) => v,
        Err(_) => return Some((String::new(), "a JSON body".into(), compact(&target.body))),
    };
    let mut want = normalise(&want, sides.reference_keys);
    let mut got = normalise(&got, sides.target_keys);
    if filtered {
        let truncated = |v: &Value| v.get("Truncated") == Some(&Value::Bool(true));
        if truncated(&want) || truncated(&got) {
            return None;
        }
        want = own_aliases(&want, sides.token);
        got = own_aliases(&got, sides.token);
    }
    first_difference(&want, &got, "")
}

/// The entries of a ListAliases answer whose names hold the sequence's
/// case token: its own aliases, on a target other runs share.
pub fn own_entries(v: &Value, token: &str) -> Vec<Value> {
    v.get("Aliases")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|e| {
                    e.get("AliasName")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.contains(token))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Only the entries of the sequence's own aliases, and no paging members.
fn own_aliases(v: &Value, token: &str) -> Value {
    let mut m = Map::new();
    m.insert("Aliases".into(), Value::Array(own_entries(v, token)));
    Value::Object(m)
}

/// A body with what legitimately differs replaced: the side's key ids by
/// their names, dates by `<date>`, markers, key material ids and any other
/// key id by placeholders.
pub fn normalise(v: &Value, keys: &[(String, String)]) -> Value {
    fn walk(v: &Value, member: &str, keys: &[(String, String)]) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), walk(v, k, keys)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, member, keys)).collect()),
            Value::Number(_) if member.ends_with("Date") || member == "ValidTo" => "<date>".into(),
            Value::String(_) if member == "NextMarker" => "<marker>".into(),
            Value::String(_) if member == "CurrentKeyMaterialId" => "<key-material-id>".into(),
            Value::String(s) => Value::String(other_ids(&map_ids(s, keys))),
            other => other.clone(),
        }
    }
    walk(v, "", keys)
}

/// Key ids no side named (AWS managed keys of another run, a target's own
/// keys) as `<uuid>` / `<mrk-id>`.
fn other_ids(s: &str) -> String {
    static IDS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = IDS.get_or_init(|| {
        regex::Regex::new(r"\bmrk-[0-9a-f]{32}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
            .expect("a valid pattern")
    });
    re.replace_all(s, "<id>").into_owned()
}

/// The first path at which `want` and `got` differ, with both values.
fn first_difference(want: &Value, got: &Value, path: &str) -> Option<(String, String, String)> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                match g.get(k) {
                    None => return Some((join(k), short(wv), "(absent)".into())),
                    Some(gv) => {
                        if let Some(d) = first_difference(wv, gv, &join(k)) {
                            return Some(d);
                        }
                    }
                }
            }
            g.iter()
                .find(|(k, _)| !w.contains_key(*k))
                .map(|(k, gv)| (join(k), "(absent)".into(), short(gv)))
        }
        (Value::Array(w), Value::Array(g)) => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                if let Some(d) = first_difference(wv, gv, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (w.len() != g.len()).then(|| {
                (
                    path.to_owned(),
                    format!("{} entries", w.len()),
                    format!("{} entries", g.len()),
                )
            })
        }
        _ if want == got => None,
        _ => Some((path.to_owned(), short(want), short(got))),
    }
}

fn short(v: &Value) -> String {
    clip(&v.to_string())
}

fn compact(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(body);
    clip(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// At most 120 characters, with `…` where it was cut.
fn clip(s: &str) -> String {
    if s.chars().count() > 120 {
        let head: String = s.chars().take(120).collect();
        format!("{head}…")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resp(status: u16, body: Value) -> WireResponse {
        WireResponse {
            status,
            headers: vec![
                ("content-type".into(), CONTENT_TYPE.into()),
                ("x-amzn-requestid".into(), "r".into()),
            ],
            body: if body.is_null() {
                Vec::new()
            } else {
                body.to_string().into_bytes()
            },
        }
    }

    fn sides<'a>(r: &'a [(String, String)], t: &'a [(String, String)]) -> Sides<'a> {
        Sides {
            reference_keys: r,
            target_keys: t,
            token: "kac-x",
            account: "111122223333",
        }
    }

    const RK: &str = "11111111-1111-4111-8111-111111111111";
    const TK: &str = "22222222-2222-4222-8222-222222222222";

    #[test]
    fn ids_dates_and_markers_do_not_diverge() {
        let r = [(RK.to_owned(), "k0".to_owned())];
        let t = [(TK.to_owned(), "k0".to_owned())];
        let a = resp(
            200,
            json!({"KeyMetadata": {"KeyId": RK, "Arn": format!("arn:aws:kms:us-east-1:1:key/{RK}"), "CreationDate": 1.5}}),
        );
        let b = resp(
            200,
            json!({"KeyMetadata": {"KeyId": TK, "Arn": format!("arn:aws:kms:us-east-1:1:key/{TK}"), "CreationDate": 17}}),
        );
        let d = compare(
            Operation::DescribeKey,
            &json!({}),
            &a,
            None,
            &Seen::Response(b),
            &sides(&r, &t),
        );
        assert_eq!(d, None);
    }

    #[test]
    fn a_missing_member_is_named_by_its_path() {
        let a = resp(
            200,
            json!({"KeyMetadata": {"KeyId": RK, "CurrentKeyMaterialId": "abc"}}),
        );
        let b = resp(200, json!({"KeyMetadata": {"KeyId": RK}}));
        let d = compare(
            Operation::CreateKey,
            &json!({}),
            &a,
            None,
            &Seen::Response(b),
            &sides(&[], &[]),
        )
        .unwrap();
        assert_eq!(
            d.part,
            Part::Body("KeyMetadata.CurrentKeyMaterialId".into())
        );
        assert_eq!(d.expected, "\"<key-material-id>\"");
        assert_eq!(d.actual, "(absent)");
        assert_eq!(d.clause, "key-metadata.shape");
    }

    #[test]
    fn the_outcome_comes_first_and_names_the_clause_of_the_fault() {
        let fault = Fault::AliasPrefix;
        let a = resp(400, fault.body());
        let b = resp(200, Value::Null);
        let d = compare(
            Operation::CreateAlias,
            &json!({}),
            &a,
            Some(&fault),
            &Seen::Response(b),
            &sides(&[], &[]),
        )
        .unwrap();
        assert_eq!(d.part, Part::Response);
        assert_eq!(d.expected, "400 ValidationException");
        assert_eq!(d.actual, "200 (no error code)");
        assert_eq!(d.clause, "alias-name.prefix");
    }

    #[test]
    fn a_message_counts_only_where_it_was_recorded_for_the_operation() {
        let fault = Fault::AliasNotFound {
            alias_arn: "arn:aws:kms:us-east-1:1:alias/x".into(),
        };
        let a = resp(400, fault.body());
        let b = resp(
            400,
            json!({"__type": "NotFoundException", "message": "no such alias"}),
        );
        let s = sides(&[], &[]);
        let on = |op| {
            compare(
                op,
                &json!({}),
                &a,
                Some(&fault),
                &Seen::Response(b.clone()),
                &s,
            )
        };
        assert_eq!(on(Operation::DeleteAlias), None);
        let d = on(Operation::DescribeKey).unwrap();
        assert_eq!(d.part, Part::Message);
        assert_eq!(d.evidence, Evidence::Recorded);
    }

    #[test]
    fn an_account_listing_compares_only_the_sequences_aliases() {
        let a = resp(
            200,
            json!({"Aliases": [{"AliasName": "alias/kac-x/1-a"}], "Truncated": false}),
        );
        let b = resp(
            200,
            json!({"Aliases": [{"AliasName": "alias/aws/ebs"}, {"AliasName": "alias/kac-x/1-a"}], "Truncated": false}),
        );
        let s = sides(&[], &[]);
        assert_eq!(
            compare(
                Operation::ListAliases,
                &json!({}),
                &a,
                None,
                &Seen::Response(b.clone()),
                &s
            ),
            None
        );
        let d = compare(
            Operation::ListAliases,
            &json!({"KeyId": "k"}),
            &a,
            None,
            &Seen::Response(b),
            &s,
        )
        .unwrap();
        assert_eq!(d.part, Part::Body("Aliases[0].AliasName".into()));
    }

    #[test]
    fn an_empty_body_answered_with_json_diverges() {
        let a = resp(200, Value::Null);
        let b = resp(200, json!({}));
        let d = compare(
            Operation::CreateAlias,
            &json!({}),
            &a,
            None,
            &Seen::Response(b),
            &sides(&[], &[]),
        )
        .unwrap();
        assert_eq!(d.part, Part::Body(String::new()));
        assert_eq!(d.expected, "empty (0 bytes)");
        assert_eq!(d.clause, "response.empty-body");
    }
}
