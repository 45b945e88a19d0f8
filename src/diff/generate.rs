//! Sequences from a seed: the steps of the `operation_sequence` fuzz target
//! and the proptest state machine (`fuzzing::model`), drawn from a seeded
//! byte stream, with the model's requests turned into templates both sides
//! can render; and, between them, the requests the model does not make:
//! malformed JSON, members of the wrong type, and unauthenticated calls.
//!
//! The model works out each step's requests from its own state, so a key
//! number in a request is the number of a key that exists by then, and a
//! `NextMarker` is the one the previous page gave. Here those become
//! `${k3}` and `${marker}`, which each side fills in from its own answers.

use arbitrary::Unstructured;
use serde_json::{json, Value};

use super::action::{Action, Auth, Payload};
use crate::fuzzing::model::{
    MarkerArg, Model, Step, ACCOUNT, GARBAGE_MARKERS, MISSING, NAMES, REGION,
};
use crate::fuzzing::operation_sequence;
use crate::spec::Operation;

/// The alias names of [`NAMES`], by index, as templates: the valid ones
/// unique to the sequence (`${alias(a)}`), the others keeping what makes
/// them wrong around a name unique to it too, so that nothing a target
/// accepts by mistake escapes cleanup or shows in another sequence's list.
pub const NAME_TEMPLATES: &[&str] = &[
    "${alias(a)}",
    "${alias(b)}",
    "${alias(B)}",
    "${alias(c)}/d",
    "${alias(x)}_y-z",
    "alias/aws/ebs",
    "alias/aws/${alias(mine)}",
    "alias/AWS/${alias(x)}",
    "Alias/${alias(a)}",
    "alias/",
    "${alias(a)}:b",
    "${alias(a)}!b",
    "",
    "${alias_of_length(256)}",
    "${alias_of_length(257)}",
];

/// How many sequences' worth of choices a seed gives each sequence.
const BYTES_PER_SEQUENCE: usize = 1024;

/// A deterministic byte stream (SplitMix64): the same seed gives the same
/// sequences on every platform and version, which `rand`'s `StdRng` does
/// not promise.
#[derive(Debug, Clone)]
pub struct Bytes {
    state: u64,
}

impl Bytes {
    /// The stream of `seed`.
    pub fn new(seed: u64) -> Bytes {
        Bytes { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `n` bytes.
    pub fn take(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(n);
        out
    }
}

/// Sequence number `index` of `seed`: up to `max_steps` model steps and the
/// extra requests between them. The same (seed, index) always gives the
/// same sequence, whatever ran before it.
pub fn sequence(seed: u64, index: u64, max_steps: usize) -> Vec<Action> {
    let mut stream = Bytes::new(seed ^ index.wrapping_mul(0xd134_2543_de82_ef95));
    let data = stream.take(BYTES_PER_SEQUENCE);
    let mut u = Unstructured::new(&data);
    let mut model = Model::new();
    let mut out = Vec::new();
    let mut steps = 0;
    let mut managed: Vec<String> = Vec::new();
    while steps < max_steps && !u.is_empty() {
        if u.ratio(1, 10).unwrap_or(false) {
            if let Ok(extra) = extra(&mut u, model.key_count()) {
                out.push(extra);
            }
            continue;
        }
        let Ok(step) = operation_sequence::step(&mut u, model.key_count()) else {
            break;
        };
        // The control endpoint and markers of the reference's own format
        // are the reference's: a target need not have either.
        if matches!(
            step,
            Step::SetKeyState(..) | Step::ListAliases(_, _, Some(MarkerArg::After(_)))
        ) {
            continue;
        }
        model.step(&step);
        steps += 1;
        for (call, expect) in model.calls() {
            let Some(op) = call.op else { continue };
            let mut body = templatize(&call.body);
            // A marker that is not one of the wrong ones is the latest
            // `NextMarker`, which each side has in its own format.
            if let Some(sent) = call.body.get("Marker").and_then(Value::as_str) {
                if !(sent.is_empty() || sent == "\u{100}" || GARBAGE_MARKERS.contains(&sent)) {
                    body["Marker"] = "${marker}".into();
                }
            }
            if op == Operation::CreateKey {
                // What `sweep --prefix` looks for, should a run be killed.
                body["Description"] = "kms-alias-conformance ${prefix} fuzz".into();
            }
            let mut action = Action::json(op, body);
            action.defines_key = expect.new_key.map(|n| format!("k{n}"));
            if op == Operation::DescribeKey {
                managed.extend(action.defines_key.clone());
            }
            // An AWS managed key is the account's, not the sequence's: its
            // state is never changed.
            let mutates_state = matches!(
                op,
                Operation::EnableKey
                    | Operation::DisableKey
                    | Operation::ScheduleKeyDeletion
                    | Operation::CancelKeyDeletion
            );
            if mutates_state && action.keys_used().iter().any(|k| managed.contains(k)) {
                continue;
            }
            out.push(action);
        }
    }
    out
}

/// A request the model does not make: malformed JSON, a member of the wrong
/// JSON type, or no valid signature. Each goes only to operations whose
/// cells the catalogue has for it.
fn extra(u: &mut Unstructured, keys: usize) -> arbitrary::Result<Action> {
    let key = if keys > 0 {
        format!("${{k{}}}", u.choose_index(keys)?)
    } else {
        MISSING.to_owned()
    };
    Ok(match u.choose_index(8)? {
        0 => raw(Operation::ListAliases, "{\"Limit\": "),
        1 => raw(Operation::DeleteAlias, "[\"${alias(a)}\"]"),
        2 => raw(Operation::ListAliases, "not json"),
        3 => Action::json(
            Operation::CreateAlias,
            json!({"AliasName": 5, "TargetKeyId": key}),
        ),
        4 => Action::json(
            Operation::UpdateAlias,
            json!({"AliasName": "${alias(a)}", "TargetKeyId": ["x"]}),
        ),
        5 => Action::json(Operation::DeleteAlias, json!({"AliasName": {"a": 1}})),
        6 => Action {
            auth: Auth::Unsigned,
            ..Action::json(Operation::ListAliases, json!({}))
        },
        _ => Action {
            auth: Auth::UnknownKey,
            ..Action::json(Operation::ListAliases, json!({}))
        },
    })
}

fn raw(op: Operation, text: &str) -> Action {
    Action {
        payload: Payload::Raw(text.to_owned()),
        ..Action::json(op, Value::Null)
    }
}

/// The model's request body with its names for things turned into
/// templates: `<k3>` into `${k3}`, its account and Region into the
/// target's, its alias names into [`NAME_TEMPLATES`].
pub fn templatize(body: &Value) -> Value {
    match body {
        Value::String(s) => Value::String(templatize_str(s)),
        Value::Array(a) => Value::Array(a.iter().map(templatize).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), templatize(v))).collect())
        }
        other => other.clone(),
    }
}

fn templatize_str(s: &str) -> String {
    let own = format!("arn:aws:kms:{REGION}:{ACCOUNT}:");
    let other_region = format!("arn:aws:kms:us-west-2:{ACCOUNT}:");
    let other_account = format!("arn:aws:kms:{REGION}:999999999999:");
    let (head, rest) = if let Some(r) = s.strip_prefix(&own) {
        ("arn:${partition}:kms:${region}:${account}:", r)
    } else if let Some(r) = s.strip_prefix(&other_region) {
        ("arn:${partition}:kms:${other_region}:${account}:", r)
    } else if let Some(r) = s.strip_prefix(&other_account) {
        ("arn:${partition}:kms:${region}:999999999999:", r)
    } else {
        ("", s)
    };
    let tail = if let Some(id) = rest.strip_prefix("key/") {
        format!("key/{}", key_template(id))
    } else if let Some(i) = NAMES.iter().position(|n| n == rest) {
        NAME_TEMPLATES[i].to_owned()
    } else if let Some(n) = rest.strip_prefix("alias/fill/") {
        format!("${{alias(f{n})}}")
    } else {
        key_template(rest)
    };
    format!("{head}{tail}")
}

/// `<k3>` as `${k3}`; anything else as it is.
fn key_template(id: &str) -> String {
    match id
        .strip_prefix("<k")
        .and_then(|r| r.strip_suffix('>'))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        Some(n) => format!("${{k{n}}}"),
        None => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_templates_follow_the_model_names() {
        assert_eq!(NAME_TEMPLATES.len(), NAMES.len());
        for (name, tpl) in NAMES.iter().zip(NAME_TEMPLATES) {
            // What makes a name wrong survives the templating.
            assert_eq!(name.contains(':'), tpl.contains(':'), "{name} / {tpl}");
            assert_eq!(name.contains('!'), tpl.contains('!'), "{name} / {tpl}");
            assert_eq!(name.is_empty(), tpl.is_empty());
        }
    }

    #[test]
    fn model_names_become_templates() {
        let body = json!({
            "KeyId": "<k3>",
            "TargetKeyId": "arn:aws:kms:us-east-1:111122223333:key/<k12>",
            "X": "arn:aws:kms:us-west-2:111122223333:key/<k0>",
            "AliasName": "alias/B",
            "Y": "arn:aws:kms:us-east-1:111122223333:alias/a",
            "Z": "alias/fill/007",
            "M": "fake-key-id",
        });
        assert_eq!(
            templatize(&body),
            json!({
                "KeyId": "${k3}",
                "TargetKeyId": "arn:${partition}:kms:${region}:${account}:key/${k12}",
                "X": "arn:${partition}:kms:${other_region}:${account}:key/${k0}",
                "AliasName": "${alias(B)}",
                "Y": "arn:${partition}:kms:${region}:${account}:${alias(a)}",
                "Z": "${alias(f007)}",
                "M": "fake-key-id",
            })
        );
    }

    #[test]
    fn a_seed_gives_the_same_sequences() {
        let a = sequence(7, 3, 30);
        assert_eq!(a, sequence(7, 3, 30));
        assert_ne!(a, sequence(7, 4, 30));
        assert_ne!(a, sequence(8, 3, 30));
        assert!(!a.is_empty());
    }

    #[test]
    fn sequences_reach_every_operation_the_fuzzer_sends() {
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..200 {
            for a in sequence(1, i, 30) {
                seen.insert(a.op.name());
                assert!(!a.keys_used().iter().any(|k| k.is_empty()));
            }
        }
        for op in [
            "CreateKey",
            "CreateAlias",
            "UpdateAlias",
            "DeleteAlias",
            "ListAliases",
            "DescribeKey",
            "EnableKey",
            "DisableKey",
            "ScheduleKeyDeletion",
            "CancelKeyDeletion",
        ] {
            assert!(seen.contains(op), "{op} never generated: {seen:?}");
        }
    }

    #[test]
    fn the_byte_stream_is_fixed() {
        // Pinned: changing the stream changes every seed's sequences.
        assert_eq!(
            Bytes::new(0).take(8),
            0xe220_a839_7b1d_cdafu64.to_le_bytes().to_vec()
        );
    }
}
