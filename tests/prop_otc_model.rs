//! The reference's OTC dialect against a small pure model written from spec
//! G: random sequences of create-key, update-key-alias, describe-key,
//! enable-key, disable-key, schedule-key-deletion and cancel-key-deletion
//! (on the sequence's keys, a Default Master Key, an unknown and a
//! malformed key id; key_aliases fresh, taken, at the length limits, with a
//! bad character or the `/default` suffix), run in process. After every
//! request the status and `error_code` must be the model's, and every
//! describe-key must show the model's key_alias and key_state.
//!
//! The model does not call `spec::otc`: its rules are written here again,
//! in the order the reference's README states (members, then the key).

use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{json, Value};

use kms_alias_conformance::reference::{Config, RawRequest, Service};

const PROJECT: &str = "model";

#[derive(Debug, Clone)]
enum KeyRef {
    /// The sequence's key number n (modulo the keys made so far).
    Made(usize),
    /// A Default Master Key of the project.
    Default,
    /// A well-formed id of no key.
    Unknown,
    /// An id out of the key id form (uppercase).
    Malformed,
}

#[derive(Debug, Clone)]
enum AliasRef {
    /// `a<n>`: a name only this sequence uses (several steps may pick it).
    Fresh(u8),
    /// The current alias of made key n.
    Taken(usize),
    /// This many `x`s (0, 1, 255, 256).
    Length(usize),
    /// `a<n>/default`.
    DefaultSuffix(u8),
    /// `a<n> x`.
    Space(u8),
}

#[derive(Debug, Clone)]
enum Op {
    Create(AliasRef, bool),
    Update(KeyRef, AliasRef),
    Describe(KeyRef),
    Enable(KeyRef),
    Disable(KeyRef),
    Schedule(KeyRef, &'static str),
    Cancel(KeyRef),
}

fn key_ref() -> impl Strategy<Value = KeyRef> {
    prop_oneof![
        6 => (0usize..8).prop_map(KeyRef::Made),
        1 => Just(KeyRef::Default),
        1 => Just(KeyRef::Unknown),
        1 => Just(KeyRef::Malformed),
    ]
}

fn alias_ref() -> impl Strategy<Value = AliasRef> {
    prop_oneof![
        5 => (0u8..6).prop_map(AliasRef::Fresh),
        2 => (0usize..8).prop_map(AliasRef::Taken),
        2 => prop::sample::select(vec![0usize, 1, 255, 256]).prop_map(AliasRef::Length),
        1 => (0u8..6).prop_map(AliasRef::DefaultSuffix),
        1 => (0u8..6).prop_map(AliasRef::Space),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let days = prop::sample::select(vec!["7", "1096", "6", "1097"]);
    prop_oneof![
        3 => (alias_ref(), prop::bool::weighted(0.2)).prop_map(|(a, e)| Op::Create(a, e)),
        6 => (key_ref(), alias_ref()).prop_map(|(k, a)| Op::Update(k, a)),
        2 => key_ref().prop_map(Op::Describe),
        2 => key_ref().prop_map(Op::Enable),
        2 => key_ref().prop_map(Op::Disable),
        2 => (key_ref(), days).prop_map(|(k, d)| Op::Schedule(k, d)),
        2 => key_ref().prop_map(Op::Cancel),
    ]
}

/// A key as the model holds it.
#[derive(Debug, Clone)]
struct Key {
    id: String,
    alias: String,
    /// "2" enabled, "3" disabled, "4" scheduled for deletion, "5" pending import.
    state: &'static str,
    default: bool,
}

/// What the model expects: 200, or (status, code).
type Want = Result<(), (u16, &'static str)>;

struct Model {
    keys: Vec<Key>,
    made: Vec<usize>,
}

impl Model {
    fn alias(&self, a: &AliasRef) -> String {
        match a {
            AliasRef::Fresh(n) => format!("model-a{n}"),
            AliasRef::Taken(n) => self
                .made
                .get(n % self.made.len().max(1))
                .map_or_else(|| "model-none".into(), |&i| self.keys[i].alias.clone()),
            AliasRef::Length(n) => "x".repeat(*n),
            AliasRef::DefaultSuffix(n) => format!("model-a{n}/default"),
            AliasRef::Space(n) => format!("model-a{n} x"),
        }
    }

    /// The key id sent, and the model's key it names.
    fn key(&self, k: &KeyRef) -> (String, Option<usize>) {
        match k {
            KeyRef::Made(n) if !self.made.is_empty() => {
                let i = self.made[n % self.made.len()];
                (self.keys[i].id.clone(), Some(i))
            }
            KeyRef::Default => {
                let i = self.keys.iter().position(|k| k.default);
                (i.map(|i| self.keys[i].id.clone()).unwrap_or_default(), i)
            }
            KeyRef::Made(_) | KeyRef::Unknown => {
                ("0000aaaa-0000-4000-8000-000000000001".into(), None)
            }
            KeyRef::Malformed => ("0000AAAA-0000-4000-8000-000000000001".into(), None),
        }
    }

    fn bad_alias(a: &str) -> bool {
        let n = a.chars().count();
        n == 0
            || n > 255
            || !a
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ":/_-".contains(c))
            || a.ends_with("/default")
    }

    fn taken_by_other(&self, alias: &str, me: Option<usize>) -> bool {
        self.keys
            .iter()
            .enumerate()
            .any(|(i, k)| k.alias == alias && Some(i) != me)
    }
}

fn well_formed(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12].iter().zip(&parts).all(|(n, p)| {
            p.len() == *n
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
}

fn call(s: &Service, action: &str, body: Value) -> (u16, Value) {
    let (r, _) = s.answer_otc(&RawRequest {
        method: "POST".into(),
        path: format!("/v1.0/{PROJECT}/kms/{action}"),
        headers: vec![("x-auth-token".into(), "t".into())],
        body: Bytes::from(body.to_string()),
    });
    (
        r.status,
        serde_json::from_slice(&r.body).unwrap_or(Value::Null),
    )
}

fn code(v: &Value) -> &str {
    v.pointer("/error/error_code")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Checks one answer against the model's expectation.
fn check(what: &str, got: &(u16, Value), want: Want) -> Result<(), TestCaseError> {
    match want {
        Ok(()) => prop_assert_eq!(got.0, 200, "{}: {:?}", what, got.1),
        Err((status, c)) => {
            prop_assert_eq!(got.0, status, "{}: {:?}", what, got.1);
            prop_assert_eq!(code(&got.1), c, "{}", what);
        }
    }
    Ok(())
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let s = Service::new(Config::default());
    let (_, listed) = call(&s, "list-keys", json!({}));
    let mut m = Model {
        keys: Vec::new(),
        made: Vec::new(),
    };
    for k in listed["key_details"].as_array().into_iter().flatten() {
        m.keys.push(Key {
            id: k["key_id"].as_str().unwrap_or_default().into(),
            alias: k["key_alias"].as_str().unwrap_or_default().into(),
            state: "2",
            default: k["default_key_flag"] == "1",
        });
    }
    prop_assert!(
        m.keys.iter().any(|k| k.default),
        "a Default Master Key is seeded"
    );
    for op in ops {
        let what = format!("{op:?}");
        match op {
            Op::Create(a, external) => {
                let alias = m.alias(a);
                let mut body = json!({ "key_alias": alias });
                if *external {
                    body["origin"] = "external".into();
                }
                let got = call(&s, "create-key", body);
                let want = if Model::bad_alias(&alias) {
                    Err((400, "KMS.1101"))
                } else if m.taken_by_other(&alias, None) {
                    Err((400, "KMS.1104"))
                } else {
                    Ok(())
                };
                check(&what, &got, want)?;
                if want.is_ok() {
                    m.keys.push(Key {
                        id: got.1["key_info"]["key_id"]
                            .as_str()
                            .unwrap_or_default()
                            .into(),
                        alias,
                        state: if *external { "5" } else { "2" },
                        default: false,
                    });
                    m.made.push(m.keys.len() - 1);
                }
            }
            Op::Update(k, a) => {
                let (id, i) = m.key(k);
                let alias = m.alias(a);
                let got = call(
                    &s,
                    "update-key-alias",
                    json!({ "key_id": id, "key_alias": alias }),
                );
                let want = if !well_formed(&id) {
                    Err((400, "KMS.0205"))
                } else if Model::bad_alias(&alias) {
                    Err((400, "KMS.1101"))
                } else {
                    match i {
                        None => Err((404, "KMS.0207")),
                        Some(i) if m.keys[i].default => Err((400, "KMS.0211")),
                        Some(i) if m.keys[i].state == "4" => Err((400, "KMS.0210")),
                        Some(i) if m.taken_by_other(&alias, Some(i)) => Err((400, "KMS.1104")),
                        Some(_) => Ok(()),
                    }
                };
                check(&what, &got, want)?;
                if let (Ok(()), Some(i)) = (want, i) {
                    prop_assert_eq!(&got.1["key_info"]["key_alias"], &json!(alias));
                    m.keys[i].alias = alias;
                }
            }
            Op::Describe(k) => {
                let (id, i) = m.key(k);
                let got = call(&s, "describe-key", json!({ "key_id": id }));
                let want = match (well_formed(&id), i) {
                    (false, _) => Err((400, "KMS.0205")),
                    (true, None) => Err((404, "KMS.0207")),
                    (true, Some(_)) => Ok(()),
                };
                check(&what, &got, want)?;
                if let Some(i) = i {
                    let info = &got.1["key_info"];
                    prop_assert_eq!(&info["key_alias"], &json!(m.keys[i].alias), "{}", what);
                    prop_assert_eq!(&info["key_state"], &json!(m.keys[i].state), "{}", what);
                    let flag = if m.keys[i].default { "1" } else { "0" };
                    prop_assert_eq!(&info["default_key_flag"], &json!(flag));
                }
            }
            Op::Enable(k) | Op::Disable(k) | Op::Cancel(k) | Op::Schedule(k, _) => {
                let (id, i) = m.key(k);
                let (action, body) = match op {
                    Op::Enable(_) => ("enable-key", json!({ "key_id": id })),
                    Op::Disable(_) => ("disable-key", json!({ "key_id": id })),
                    Op::Cancel(_) => ("cancel-key-deletion", json!({ "key_id": id })),
                    Op::Schedule(_, d) => (
                        "schedule-key-deletion",
                        json!({ "key_id": id, "pending_days": d }),
                    ),
                    _ => unreachable!("matched above"),
                };
                let got = call(&s, action, body);
                let days_ok = !matches!(op, Op::Schedule(_, "6" | "1097"));
                let (want, next): (Want, Option<&'static str>) = if !well_formed(&id) {
                    (Err((400, "KMS.0205")), None)
                } else if !days_ok {
                    (Err((400, "KMS.1401")), None)
                } else {
                    match i.map(|i| &m.keys[i]) {
                        None => (Err((404, "KMS.0207")), None),
                        Some(key) => match (op, key.default, key.state) {
                            (Op::Cancel(_), _, "4") => (Ok(()), Some("3")),
                            (Op::Cancel(_), _, _) => (Err((400, "KMS.1501")), None),
                            (_, true, _) => (Err((400, "KMS.0211")), None),
                            (Op::Schedule(..), _, "4") => (Err((400, "KMS.1402")), None),
                            (Op::Schedule(..), _, _) => (Ok(()), Some("4")),
                            (_, _, "4") => (Err((400, "KMS.0210")), None),
                            (Op::Enable(_), _, "3") => (Ok(()), Some("2")),
                            (Op::Enable(_), _, _) => (Err((400, "KMS.1201")), None),
                            (_, _, "2") => (Ok(()), Some("3")),
                            _ => (Err((400, "KMS.1301")), None),
                        },
                    }
                };
                check(&what, &got, want)?;
                if let (Some(i), Some(state)) = (i, next) {
                    m.keys[i].state = state;
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_reference_answers_as_the_model(ops in prop::collection::vec(op(), 1..40)) {
        run(&ops)?;
    }
}

#[test]
fn the_model_sees_every_outcome() {
    // A sequence that walks each rule once, so that the property above
    // cannot pass by never reaching one.
    use AliasRef::*;
    use KeyRef::*;
    let ops = vec![
        Op::Create(Fresh(0), false),
        Op::Create(Fresh(0), false),
        Op::Create(Length(256), false),
        Op::Create(Fresh(1), true),
        Op::Update(Made(0), Length(255)),
        Op::Update(Made(0), DefaultSuffix(1)),
        Op::Update(Made(1), Taken(0)),
        Op::Update(Made(0), Taken(0)),
        Op::Update(Default, Fresh(2)),
        Op::Update(Unknown, Fresh(2)),
        Op::Update(Malformed, Space(2)),
        Op::Disable(Made(0)),
        Op::Disable(Made(0)),
        Op::Update(Made(0), Fresh(3)),
        Op::Enable(Made(0)),
        Op::Enable(Made(0)),
        Op::Schedule(Made(0), "6"),
        Op::Schedule(Made(0), "7"),
        Op::Schedule(Made(0), "1096"),
        Op::Update(Made(0), Fresh(4)),
        Op::Enable(Made(0)),
        Op::Cancel(Made(0)),
        Op::Cancel(Made(0)),
        Op::Describe(Made(0)),
        Op::Describe(Made(1)),
        Op::Describe(Default),
        Op::Disable(Default),
    ];
    run(&ops).unwrap();
}
