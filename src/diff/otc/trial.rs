//! One OTC sequence on both sides: each step rendered for the target and
//! for a fresh in-process reference, sent to both, and the answers
//! compared until the first divergence; what the sequence made on the
//! target is scheduled for deletion afterwards, whatever it answered.
//!
//! What may differ is normalised away: each side's key ids (named `k3`,
//! `dmk`), dates, the domain, realm and the texts of messages (none of OTC
//! is recorded). The first difference left is the divergence.

use bytes::Bytes;
use serde_json::{Map, Value};

use super::generate::{Body, Step};
use crate::case::vars::{VarContext, Vars};
use crate::client::{WireRequest, WireResponse};
use crate::diff::campaign::Summary;
use crate::reference::{Config, RawRequest, Service};
use crate::runner::execute::{cleanup, Created};
use crate::runner::Target;
use crate::spec::otc::{answers, parse_envelope, Action, OtcError, AUTH_HEADER};

/// What both sides act in.
#[derive(Debug, Clone)]
pub struct Where {
    /// The run prefix in every name.
    pub prefix: String,
    /// The target's project.
    pub project_id: String,
    /// The target's token.
    pub token: String,
}

/// One step as both sides got it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The index of the step in the sequence.
    pub step: usize,
    /// The body the reference got (rendered).
    pub sent: Value,
    /// The reference's answer.
    pub reference: WireResponse,
    /// The error the reference answered with.
    pub error: Option<OtcError>,
    /// The target's answer, or why there was none.
    pub target: Result<WireResponse, String>,
}

/// Where the target's answer departs from the reference's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// The action.
    pub action: Action,
    /// `response` (status and code), `body <path>` or `transport`.
    pub part: String,
    /// The reference's, normalised.
    pub expected: String,
    /// The target's, normalised.
    pub actual: String,
    /// The clause whose rule gave the reference's answer.
    pub clause: &'static str,
}

impl Divergence {
    /// The signature `run` would give the same deviation.
    pub fn signature(&self, norm: &crate::report::Normaliser) -> String {
        norm.signature(self.action.name(), &self.part, &self.expected, &self.actual)
    }

    /// In the campaign's words.
    pub fn summary(&self) -> Summary {
        Summary {
            operation: self.action.name().to_owned(),
            part: self.part.clone(),
            expected: self.expected.clone(),
            actual: self.actual.clone(),
            clause: self.clause,
        }
    }
}

/// A sequence's run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every step sent, the last the divergent one if any.
    pub exchanges: Vec<Exchange>,
    /// The first divergence.
    pub divergence: Option<Divergence>,
    /// Requests sent to the target, cleanup included.
    pub target_requests: usize,
    /// Cleanup that failed, one line each.
    pub cleanup_errors: Vec<String>,
    /// The case token its names were made with.
    pub token: String,
}

/// A side's values: its variables and its keys by name.
struct Side {
    vars: Vars,
    keys: Vec<(String, String)>,
}

impl Side {
    fn new(at: &Where, token: &str) -> Side {
        Side {
            vars: Vars::new(VarContext {
                prefix: at.prefix.clone(),
                case_token: token.to_owned(),
                region: String::new(),
                account: None,
                partition: "aws".into(),
            }),
            keys: Vec::new(),
        }
    }

    fn define(&mut self, name: &str, id: &str) {
        self.vars.set(name, id.into());
        self.keys.push((id.to_owned(), name.to_owned()));
    }

    /// The side's Default Master Key: `${dmk}`, and its alias compared as
    /// `${dmk_alias}` (each side has its own).
    fn define_default(&mut self, id: &str, alias: &str) {
        self.define("dmk", id);
        self.keys.push((alias.to_owned(), "dmk_alias".to_owned()));
    }

    /// A key the sequence names but never made (shrunk away) is a
    /// well-formed id of no key, the same on both sides.
    fn define_missing(&mut self, name: &str) {
        if self.vars.get(name).is_none() {
            let n: u64 = name.trim_start_matches('k').parse().unwrap_or(0xdd);
            self.define(name, &format!("0000aaaa-0000-4000-8000-{n:012x}"));
        }
    }

    fn request(&self, step: &Step, project: &str, token: &str) -> Result<WireRequest, String> {
        let body = match &step.body {
            Body::Json(v) => serde_json::to_vec(&self.vars.render(v).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?,
            Body::Raw(s) => self
                .vars
                .render_str(s)
                .map_err(|e| e.to_string())?
                .into_bytes(),
        };
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        if !step.no_token {
            headers.push((AUTH_HEADER.to_owned(), token.to_owned()));
        }
        Ok(WireRequest {
            method: step.method.unwrap_or("POST").to_owned(),
            path: step.action.path(project),
            headers,
            body,
            sign: false,
        })
    }
}

/// The reference's project (any id does).
const REFERENCE_PROJECT: &str = "kac-reference";

/// Runs `steps` against `target` and a fresh reference, stopping at the
/// first divergence; then cleans up.
pub async fn run(target: &Target, at: &Where, steps: &[Step], token: &str) -> Outcome {
    let reference = Service::new(Config::default());
    let mut ours = Side::new(at, token);
    let mut theirs = Side::new(at, token);
    let mut created = Created::default();
    let mut out = Outcome {
        exchanges: Vec::new(),
        divergence: None,
        target_requests: 0,
        cleanup_errors: Vec::new(),
        token: token.to_owned(),
    };
    let uses_dmk = steps
        .iter()
        .any(|s| s.keys_used().iter().any(|k| k == "dmk"));
    if uses_dmk {
        let list = |side: &Side| side.request(&Step::list(), REFERENCE_PROJECT, "t");
        if let Ok(req) = list(&ours) {
            if let Some((id, alias)) = default_key(&answer(&reference, &req).0) {
                ours.define_default(&id, &alias);
            }
        }
        if let Ok(req) = theirs.request(&Step::list(), &at.project_id, &at.token) {
            out.target_requests += 1;
            if let Some((id, alias)) = target
                .client
                .send(&req)
                .await
                .ok()
                .and_then(|r| default_key(&r))
            {
                theirs.define_default(&id, &alias);
            }
        }
    }
    for (i, step) in steps.iter().enumerate() {
        let used = step.keys_used();
        if used.iter().any(|k| k == "dmk")
            && (ours.vars.get("dmk").is_none() || theirs.vars.get("dmk").is_none())
        {
            continue;
        }
        for name in &used {
            ours.define_missing(name);
            theirs.define_missing(name);
        }
        let (Ok(req_ref), Ok(req_tgt)) = (
            ours.request(step, REFERENCE_PROJECT, "t"),
            theirs.request(step, &at.project_id, &at.token),
        ) else {
            continue;
        };
        let (reference_answer, error) = answer(&reference, &req_ref);
        out.target_requests += 1;
        let seen = target
            .client
            .send(&req_tgt)
            .await
            .map_err(|e| e.to_string());
        if let (Some(name), Ok(r)) = (&step.defines_key, &seen) {
            if let Some(id) = created_id(r) {
                created.otc_keys.push(id.clone());
                theirs.define(name, &id);
            }
        }
        if let Some(name) = &step.defines_key {
            if let Some(id) = created_id(&reference_answer) {
                ours.define(name, &id);
            }
        }
        let sent: Value = serde_json::from_slice(&req_ref.body).unwrap_or(Value::Null);
        let divergence = compare(
            step.action,
            &sent,
            &reference_answer,
            error,
            &seen,
            &ours.keys,
            &theirs.keys,
        );
        out.exchanges.push(Exchange {
            step: i,
            sent,
            reference: reference_answer,
            error,
            target: seen,
        });
        if divergence.is_some() {
            out.divergence = divergence;
            break;
        }
    }
    out.target_requests += created.otc_keys.len();
    out.cleanup_errors = cleanup(target, &created).await;
    out
}

impl Step {
    fn list() -> Step {
        Step {
            action: Action::ListKeys,
            body: Body::Json(Value::Object(Map::new())),
            method: None,
            no_token: false,
            defines_key: None,
        }
    }
}

fn answer(reference: &Service, req: &WireRequest) -> (WireResponse, Option<OtcError>) {
    let (raw, error) = reference.answer_otc(&RawRequest {
        method: req.method.clone(),
        path: req.path.clone(),
        headers: req.headers.clone(),
        body: Bytes::from(req.body.clone()),
    });
    (crate::diff::trial::wire(&raw), error)
}

fn json_of(r: &WireResponse) -> Option<Value> {
    serde_json::from_slice(&r.body).ok()
}

fn created_id(r: &WireResponse) -> Option<String> {
    let v = json_of(r).filter(|_| r.status == 200)?;
    v.pointer("/key_info/key_id")?.as_str().map(str::to_owned)
}

/// The Default Master Key of a list-keys answer with the smallest alias
/// (the same one on both sides where both have it): (key id, alias).
fn default_key(r: &WireResponse) -> Option<(String, String)> {
    let v = json_of(r)?;
    v.get("key_details")?
        .as_array()?
        .iter()
        .filter(|k| k.get("default_key_flag").and_then(Value::as_str) == Some("1"))
        .filter_map(|k| {
            let id = k.get("key_id")?.as_str()?;
            let alias = k.get("key_alias")?.as_str()?;
            Some((id.to_owned(), alias.to_owned()))
        })
        .min_by(|a, b| a.1.cmp(&b.1))
}

/// `200`, or `400 KMS.1101`.
pub fn outcome(r: &WireResponse) -> String {
    let code = json_of(r).and_then(|v| parse_envelope(&v).map(|(c, _)| c.to_owned()));
    match code {
        Some(c) => format!("{} {c}", r.status),
        None => r.status.to_string(),
    }
}

fn compare(
    action: Action,
    sent: &Value,
    reference: &WireResponse,
    error: Option<OtcError>,
    target: &Result<WireResponse, String>,
    ours: &[(String, String)],
    theirs: &[(String, String)],
) -> Option<Divergence> {
    let clause = answers::clause_of(action, error, sent);
    let diverge = |part: String, expected: String, actual: String| {
        Some(Divergence {
            action,
            part,
            expected,
            actual,
            clause,
        })
    };
    let target = match target {
        Err(e) => return diverge("transport".into(), outcome(reference), e.clone()),
        Ok(t) => t,
    };
    let (expected, actual) = (outcome(reference), outcome(target));
    if expected != actual {
        return diverge("response".into(), expected, actual);
    }
    if reference.status != 200 {
        // Messages are documented, not recorded: their wording may differ.
        return None;
    }
    let (Some(a), Some(b)) = (json_of(reference), json_of(target)) else {
        return diverge(
            "body".into(),
            "a JSON document".into(),
            "another body".into(),
        );
    };
    let (a, b) = (normalise(&a, ours), normalise(&b, theirs));
    first_difference(&a, &b, "").and_then(|(path, e, g)| diverge(format!("body $.{path}"), e, g))
}

/// Members whose value is the side's own: a date, the domain, the realm.
const OWN: &[&str] = &[
    "creation_date",
    "scheduled_deletion_date",
    "expiration_time",
    "domain_id",
    "realm",
];

/// Key ids as their names, dates and the side's own members as placeholders.
pub fn normalise(v: &Value, keys: &[(String, String)]) -> Value {
    match v {
        Value::String(s) => match keys.iter().find(|(id, _)| id == s) {
            Some((_, name)) => Value::String(format!("${{{name}}}")),
            None => v.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|i| normalise(i, keys)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match (OWN.contains(&k.as_str()), v) {
                        (true, Value::String(s)) if !s.is_empty() => Value::String("<own>".into()),
                        _ => normalise(v, keys),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The first path where two values differ: (path, expected, actual).
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<(String, String, String)> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    None => return Some((join(k), va.to_string(), "(absent)".into())),
                    Some(vb) => {
                        if let Some(d) = first_difference(va, vb, &join(k)) {
                            return Some(d);
                        }
                    }
                }
            }
            y.iter()
                .find(|(k, _)| !x.contains_key(*k))
                .map(|(k, vb)| (join(k), "(absent)".into(), vb.to_string()))
        }
        _ if a == b => None,
        _ => Some((
            if path.is_empty() {
                "$".into()
            } else {
                path.to_owned()
            },
            a.to_string(),
            b.to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_are_found_by_path() {
        let keys = vec![("id-1".to_owned(), "k0".to_owned())];
        let a = normalise(
            &json!({"key_info": {"key_id": "id-1", "creation_date": "1", "key_state": "2"}}),
            &keys,
        );
        let b = normalise(
            &json!({"key_info": {"key_id": "id-1", "creation_date": "9", "key_state": 2}}),
            &keys,
        );
        assert_eq!(a["key_info"]["key_id"], "${k0}");
        assert_eq!(
            first_difference(&a, &b, ""),
            Some(("key_info.key_state".into(), "\"2\"".into(), "2".into()))
        );
        let c = json!({"key_info": {"key_id": "${k0}", "creation_date": "<own>", "key_state": "2", "x": 1}});
        assert_eq!(
            first_difference(&a, &c, ""),
            Some(("key_info.x".into(), "(absent)".into(), "1".into()))
        );
    }
}
