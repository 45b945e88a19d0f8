//! The reference under test: a model's requests sent as [`RawRequest`]s to
//! an in-process [`Service`], and each answer read back into the model's
//! terms and compared.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde_json::Value;

use crate::reference::{Config, RawRequest, Service};

use super::disagreement::{Answer, Disagreement, Reason};
use super::expect::{Call, Expect};
use super::rules::name_of;
use super::state::Model;

/// The reference's key-state control endpoint.
const CONTROL_PATH: &str = "/_reference/key-state";

/// A fresh reference service followed step by step alongside one [`Model`]:
/// after each [`Model::step`], [`Replay::check`] sends the step's requests.
pub struct Replay {
    service: Service,
    /// Real key ids by model key number.
    ids: Vec<String>,
    /// The model's names for them (`<k3>`), by the same number.
    names: Vec<String>,
    /// Model time -> the reference's timestamp seen for it.
    dates: BTreeMap<u64, f64>,
}

impl Default for Replay {
    fn default() -> Replay {
        Replay::new()
    }
}

impl Replay {
    /// A reference service with empty state and the default settings.
    pub fn new() -> Replay {
        Replay {
            service: Service::new(Config::default()),
            ids: Vec::new(),
            names: Vec::new(),
            dates: BTreeMap::new(),
        }
    }

    /// Sends the requests of the model's latest step, in order, stopping at
    /// the first answer that disagrees.
    pub fn check(&mut self, model: &Model) -> Result<(), Box<Disagreement>> {
        model
            .calls()
            .iter()
            .try_for_each(|(call, expect)| self.send(call, expect))
    }

    /// Sends one request and compares the answer with `expect`. A new key's
    /// id is learnt from a 200 answer; the calls must come from one model,
    /// in order, from its start.
    pub fn send(&mut self, call: &Call, expect: &Expect) -> Result<(), Box<Disagreement>> {
        let body = self.to_real(&call.body);
        let (path, target) = match call.op {
            Some(op) => ("/".to_owned(), op.target()),
            None => (CONTROL_PATH.to_owned(), String::new()),
        };
        let resp = self.service.handle(&RawRequest {
            method: "POST".into(),
            path,
            headers: vec![
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
                ("X-Amz-Target".into(), target),
            ],
            body: Bytes::from(body.to_string()),
        });
        let expected = Answer {
            status: expect.status,
            body: expect.body.clone(),
        };
        let disagree = |actual: Answer, reason: Reason| {
            Box::new(Disagreement {
                call: call.clone(),
                expected: expected.clone(),
                actual,
                reason,
            })
        };
        let actual: Option<Value> = if resp.body.is_empty() {
            None
        } else {
            match serde_json::from_slice(&resp.body) {
                Ok(v) => Some(v),
                Err(e) => {
                    let text = String::from_utf8_lossy(&resp.body).into_owned();
                    let actual = Answer {
                        status: resp.status,
                        body: Some(Value::String(text)),
                    };
                    return Err(disagree(actual, Reason::NotJson(e.to_string())));
                }
            }
        };
        if let (Some(n), Some(a), 200) = (expect.new_key, &actual, resp.status) {
            assert_eq!(
                n,
                self.ids.len(),
                "a Replay follows one Model from its start"
            );
            match a["KeyMetadata"]["KeyId"].as_str() {
                Some(id) if is_key_id(id) => {
                    self.ids.push(id.to_owned());
                    self.names.push(name_of(n));
                }
                other => {
                    let why = match other {
                        Some(id) => format!("{id:?} is neither a UUID nor mrk- and 32 hex digits"),
                        None => "no KeyMetadata.KeyId".to_owned(),
                    };
                    let actual = Answer {
                        status: resp.status,
                        body: actual.clone(),
                    };
                    return Err(disagree(actual, Reason::NewKeyId(why)));
                }
            }
        }
        let mut normalised = actual.as_ref().map(|a| self.to_model(a));
        if let (Some(e), Some(a)) = (&expect.body, &mut normalised) {
            if let Err(why) = self.dates(e, a) {
                let actual = Answer {
                    status: resp.status,
                    body: normalised.clone(),
                };
                return Err(disagree(actual, Reason::DateOrder(why)));
            }
        }
        let actual = Answer {
            status: resp.status,
            body: normalised,
        };
        if actual == expected {
            Ok(())
        } else {
            Err(disagree(actual, Reason::Differs))
        }
    }

    /// The model's key names replaced by the real ids.
    fn to_real(&self, v: &Value) -> Value {
        map_strings(v, &|s| {
            let mut s = s.to_owned();
            for (name, id) in self.names.iter().zip(&self.ids) {
                if s.contains(name.as_str()) {
                    s = s.replace(name.as_str(), id);
                }
            }
            s
        })
    }

    /// The real ids replaced by the model's key names.
    fn to_model(&self, v: &Value) -> Value {
        map_strings(v, &|s| {
            let mut s = s.to_owned();
            for (name, id) in self.names.iter().zip(&self.ids) {
                if s.contains(id.as_str()) {
                    s = s.replace(id.as_str(), name);
                }
            }
            s
        })
    }

    /// Replaces the dates of `actual` where `expected` has placeholders,
    /// checking each against the order of the dates seen so far.
    fn dates(&mut self, expected: &Value, actual: &mut Value) -> Result<(), String> {
        match (expected, actual) {
            (Value::Object(e), actual @ Value::Number(_)) if e.contains_key("$date") => {
                let t = e["$date"].as_u64().expect("a model time");
                let real = actual.as_f64().expect("a JSON number is an f64");
                if let Some(seen) = self.dates.get(&t) {
                    if *seen != real {
                        return Err(format!("model time {t} seen as {seen} and as {real}"));
                    }
                } else {
                    if let Some((pt, p)) = self.dates.range(..t).next_back() {
                        if *p >= real {
                            return Err(format!("model time {pt} < {t} but {p} >= {real}"));
                        }
                    }
                    if let Some((nt, n)) = self.dates.range(t..).next() {
                        if real >= *n {
                            return Err(format!("model time {t} < {nt} but {real} >= {n}"));
                        }
                    }
                    self.dates.insert(t, real);
                }
                *actual = expected.clone();
            }
            (Value::String(e), actual @ Value::Number(_)) if e == "$deletion" => {
                *actual = expected.clone();
            }
            (Value::String(e), actual @ Value::String(_)) if e == "$material" => {
                let id = actual.as_str().unwrap_or_default();
                if id.len() != 64 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    return Err(format!(
                        "CurrentKeyMaterialId is not 64 lowercase hex digits: {id}"
                    ));
                }
                *actual = expected.clone();
            }
            (Value::Object(e), Value::Object(a)) => {
                for (k, ev) in e {
                    if let Some(av) = a.get_mut(k) {
                        self.dates(ev, av)?;
                    }
                }
            }
            (Value::Array(e), Value::Array(a)) => {
                for (ev, av) in e.iter().zip(a.iter_mut()) {
                    self.dates(ev, av)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// `v` with `f` applied to every string in it (not to member names).
fn map_strings(v: &Value, f: &dyn Fn(&str) -> String) -> Value {
    match v {
        Value::String(s) => Value::String(f(s)),
        Value::Array(a) => Value::Array(a.iter().map(|x| map_strings(x, f)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), map_strings(x, f)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A key id as the service makes them: a UUID, or `mrk-` and 32 lowercase
/// hex digits.
fn is_key_id(id: &str) -> bool {
    let mrk = id.strip_prefix("mrk-").is_some_and(|h| {
        h.len() == 32
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    mrk || uuid::Uuid::parse_str(id).is_ok()
}
