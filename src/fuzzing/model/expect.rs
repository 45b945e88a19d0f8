//! From a step to its requests and the answers they must get.

use serde_json::{json, Map, Value};

use crate::spec::{Fault, Operation};

use super::aliases::marker;
use super::state::Model;
use super::step::{Form, KeyArg, MarkerArg, SpecArg, Step, NAMES};

/// A request to send, written with the model's key names (`<k3>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The operation; `None`: the reference's key-state control endpoint.
    pub op: Option<Operation>,
    /// The JSON body.
    pub body: Value,
}

/// The answer the model expects to a [`Call`].
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// The HTTP status.
    pub status: u16,
    /// The whole body, with the model's key names, `{"$date": t}` for a date
    /// stamped at model time `t`, and `"$deletion"` for a deletion date;
    /// `None`: an empty body.
    pub body: Option<Value>,
    /// The answer creates key number `n`, whose id the replay learns from the
    /// body's `KeyMetadata.KeyId`.
    pub new_key: Option<usize>,
}

impl Expect {
    /// The error code the answer carries (its `__type`), if it is an error.
    pub fn code(&self) -> Option<&str> {
        match &self.body {
            Some(b) if self.status != 200 => b["__type"].as_str(),
            _ => None,
        }
    }
}

/// An answer in a word, for counting what sequences reach: the operation
/// (`control` for the control endpoint) and the error code or `ok`, e.g.
/// `UpdateAlias ValidationException`.
pub fn outcome(call: &Call, expect: &Expect) -> String {
    let op = call.op.map_or("control", |o| o.name());
    format!("{op} {}", expect.code().unwrap_or("ok"))
}

impl Model {
    /// Takes one step: works out its requests and their answers (read them
    /// with [`Model::calls`]) and changes the model as the service changes.
    pub fn step(&mut self, step: &Step) {
        self.calls.clear();
        use Operation as O;
        match step {
            Step::CreateKey {
                spec,
                usage,
                origin,
                multi_region,
            } => {
                let mut body = Map::new();
                match spec {
                    Some(SpecArg::Known(s)) => {
                        body.insert("KeySpec".into(), s.name().into());
                    }
                    Some(SpecArg::Unknown) => {
                        body.insert("KeySpec".into(), "HMAC_random".into());
                    }
                    None => {}
                }
                if let Some(u) = usage {
                    body.insert("KeyUsage".into(), u.name().into());
                }
                if let Some(o) = origin {
                    body.insert("Origin".into(), o.name().into());
                }
                if *multi_region {
                    body.insert("MultiRegion".into(), true.into());
                }
                let outcome = self.create_key(spec, *usage, *origin, *multi_region);
                let created = outcome.is_ok();
                self.push(Some(O::CreateKey), Value::Object(body), outcome);
                if created {
                    self.calls.last_mut().unwrap().1.new_key = Some(self.keys.len() - 1);
                }
            }
            Step::EnableKey(arg) | Step::DisableKey(arg) => {
                let op = if matches!(step, Step::EnableKey(_)) {
                    O::EnableKey
                } else {
                    O::DisableKey
                };
                let text = self.text(arg);
                let outcome = self.set_enabled(op, arg, &text).map(|()| None);
                self.push(Some(op), json!({ "KeyId": text }), outcome);
            }
            Step::ScheduleKeyDeletion(arg, days) => {
                let text = self.text(arg);
                let mut body = json!({ "KeyId": text });
                if let Some(d) = days {
                    body["PendingWindowInDays"] = (*d).into();
                }
                let outcome = self.schedule(arg, &text, *days).map(Some);
                self.push(Some(O::ScheduleKeyDeletion), body, outcome);
            }
            Step::CancelKeyDeletion(arg) => {
                let text = self.text(arg);
                let outcome = self.cancel(arg, &text).map(Some);
                self.push(
                    Some(O::CancelKeyDeletion),
                    json!({ "KeyId": text }),
                    outcome,
                );
            }
            Step::SetKeyState(key, state) => {
                let id = self.id(*key);
                let outcome = self.set_state(*key, *state).map(Some);
                self.push(
                    None,
                    json!({"KeyId": id, "KeyState": state.name()}),
                    outcome,
                );
            }
            Step::CreateAlias(name, arg) => {
                let name = NAMES[*name].clone();
                self.create_alias(&name, arg);
            }
            Step::CreateAliases(key, count) => {
                for _ in 0..*count {
                    self.fill += 1;
                    let name = format!("alias/fill/{:03}", self.fill);
                    let arg = KeyArg {
                        key: *key,
                        form: Form::Id,
                    };
                    self.create_alias(&name, &arg);
                }
            }
            Step::UpdateAlias(name, arg) => {
                let name = NAMES[*name].clone();
                let text = self.text(arg);
                let outcome = self.update_alias(&name, arg, &text).map(|()| None);
                self.push(
                    Some(O::UpdateAlias),
                    json!({"AliasName": name, "TargetKeyId": text}),
                    outcome,
                );
            }
            Step::DeleteAlias(name) => {
                let name = NAMES[*name].clone();
                let outcome = self.delete_alias(&name).map(|()| None);
                self.push(Some(O::DeleteAlias), json!({ "AliasName": name }), outcome);
            }
            Step::ListAliases(key, limit, marker_arg) => {
                let mut body = Map::new();
                let key_text = key.as_ref().map(|k| self.text(k));
                if let Some(t) = &key_text {
                    body.insert("KeyId".into(), t.clone().into());
                }
                if let Some(l) = limit {
                    body.insert("Limit".into(), (*l).into());
                }
                let marker_text = match marker_arg {
                    None => None,
                    Some(MarkerArg::Last) => self.last_marker.clone(),
                    Some(MarkerArg::After(n)) => Some(marker(&NAMES[*n])),
                    Some(MarkerArg::Garbage(g)) => Some(g.to_string()),
                    Some(MarkerArg::Empty) => Some(String::new()),
                    Some(MarkerArg::Wide) => Some("\u{100}".into()),
                };
                if let Some(m) = &marker_text {
                    body.insert("Marker".into(), m.clone().into());
                }
                let outcome = self
                    .list(
                        key.as_ref(),
                        key_text.as_deref(),
                        *limit,
                        marker_text.as_deref(),
                    )
                    .map(Some);
                self.push(Some(O::ListAliases), Value::Object(body), outcome);
            }
            Step::DescribeKey(arg) => {
                let text = self.text(arg);
                let before = self.keys.len();
                let outcome = self.describe(arg, &text).map(Some);
                self.push(Some(O::DescribeKey), json!({ "KeyId": text }), outcome);
                if self.keys.len() > before {
                    self.calls.last_mut().unwrap().1.new_key = Some(before);
                }
            }
        }
    }

    /// Records a request and the answer its outcome gives.
    pub(super) fn push(
        &mut self,
        op: Option<Operation>,
        body: Value,
        outcome: Result<Option<Value>, Fault>,
    ) {
        let expect = match outcome {
            Ok(body) => Expect {
                status: 200,
                body,
                new_key: None,
            },
            Err(f) => Expect {
                status: f.status(),
                body: Some(f.body()),
                new_key: None,
            },
        };
        self.calls.push((Call { op, body }, expect));
    }
}
