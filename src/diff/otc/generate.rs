//! OTC sequences from a seed: keys made first, then actions on them, their
//! members drawn toward the boundaries the spec states (key_alias 1..255,
//! the `/default` suffix, key id form, pending_days 7..1096, sequence) and
//! the requests the dialect must refuse (malformed JSON, a member of
//! another type, no token, another method).

use serde_json::{json, Value};

use super::super::generate::Bytes;
use crate::spec::otc::Action;

/// A request body: JSON whose strings are templates, or raw text.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// JSON, templates in its strings.
    Json(Value),
    /// Sent as it is (malformed JSON).
    Raw(String),
}

/// One request of an OTC sequence. Templates: `${kN}` is each side's Nth
/// key, `${dmk}` a Default Master Key, `${key_alias(aN)}` the same name on
/// both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The action (its path).
    pub action: Action,
    /// The body.
    pub body: Body,
    /// Another method than POST.
    pub method: Option<&'static str>,
    /// Sent without X-Auth-Token.
    pub no_token: bool,
    /// The key variable a success defines (`k3`), for create-key.
    pub defines_key: Option<String>,
}

impl Step {
    fn json(action: Action, body: Value) -> Step {
        Step {
            action,
            body: Body::Json(body),
            method: None,
            no_token: false,
            defines_key: None,
        }
    }

    /// The key variables its templates name (`k3`, `dmk`).
    pub fn keys_used(&self) -> Vec<String> {
        let text = match &self.body {
            Body::Json(v) => v.to_string(),
            Body::Raw(s) => s.clone(),
        };
        let mut out = Vec::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("${") {
            rest = &rest[i + 2..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let is_key = name == "dmk"
                || name
                    .strip_prefix('k')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if is_key && rest[name.len()..].starts_with('}') && !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }
}

/// key_alias templates, toward the rules' boundaries.
const ALIASES: &[&str] = &[
    "${key_alias(a0)}",
    "${key_alias(a1)}",
    "${key_alias(a2)}",
    "${key_alias_of_length(255, a3)}",
    "${key_alias_of_length(256, a3)}",
    "${key_alias(a4)}/default",
    "${key_alias(a4)}/defaults",
    "${key_alias(a4)}/Default",
    "${key_alias(a5)}:x_y-z",
    "${key_alias(a5)} x",
    "${key_alias(a5)}é",
    "",
];

const SPECS: &[(&str, Option<&str>)] = &[
    ("AES_256", None),
    ("AES_256", None),
    ("RSA_2048", None),
    ("RSA_2048", Some("ENCRYPT_DECRYPT")),
    ("EC_P256", None),
    ("HMAC_256", None),
];

const PENDING_DAYS: &[&str] = &["7", "1096", "6", "1097", "30", "07", "x"];

/// Sequence number `index` of `seed`: 1 to 3 create-keys, then up to
/// `max_steps` actions. The same (seed, index) gives the same sequence.
pub fn sequence(seed: u64, index: u64, max_steps: usize) -> Vec<Step> {
    let mut bytes = Bytes::new(seed ^ index.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x006f_7463);
    let mut pick = {
        let mut pool = bytes.take(4 * (max_steps + 8) + 64).into_iter();
        move |n: usize| pool.next().map_or(0, |b| usize::from(b) % n.max(1))
    };
    let mut steps = Vec::new();
    let mut keys = 0usize;
    let create = |steps: &mut Vec<Step>,
                  keys: &mut usize,
                  alias: &str,
                  pick: &mut dyn FnMut(usize) -> usize| {
        let (spec, usage) = SPECS[pick(SPECS.len())];
        let mut body = json!({ "key_alias": alias, "key_spec": spec });
        if let Some(u) = usage {
            body["key_usage"] = u.into();
        }
        let mut s = Step::json(Action::CreateKey, body);
        s.defines_key = Some(format!("k{keys}"));
        *keys += 1;
        steps.push(s);
    };
    for i in 0..1 + pick(3) {
        create(
            &mut steps,
            &mut keys,
            &format!("${{key_alias(k{i})}}"),
            &mut pick,
        );
    }
    let steps_wanted = 1 + pick(max_steps.max(1));
    for _ in 0..steps_wanted {
        let key = |pick: &mut dyn FnMut(usize) -> usize, keys: usize| -> String {
            match pick(10) {
                0 => "${dmk}".into(),
                1 => "${random_key_id}".into(),
                2 => "ABCDEF12-0000-0000-0000-000000000000".into(),
                _ => format!("${{k{}}}", pick(keys.max(1))),
            }
        };
        let alias = ALIASES[pick(ALIASES.len())];
        let step = match pick(16) {
            0..=5 => Step::json(
                Action::UpdateKeyAlias,
                json!({ "key_id": key(&mut pick, keys), "key_alias": alias }),
            ),
            6 => {
                create(&mut steps, &mut keys, alias, &mut pick);
                continue;
            }
            7 => Step::json(
                Action::DescribeKey,
                json!({ "key_id": key(&mut pick, keys) }),
            ),
            8 => Step::json(
                Action::DisableKey,
                json!({ "key_id": key(&mut pick, keys) }),
            ),
            9 => Step::json(Action::EnableKey, json!({ "key_id": key(&mut pick, keys) })),
            10 => Step::json(
                Action::ScheduleKeyDeletion,
                json!({
                    "key_id": key(&mut pick, keys),
                    "pending_days": PENDING_DAYS[pick(PENDING_DAYS.len())],
                }),
            ),
            11 => Step::json(
                Action::CancelKeyDeletion,
                json!({ "key_id": key(&mut pick, keys) }),
            ),
            12 => {
                // A member missing, or of another type.
                let body = match pick(3) {
                    0 => json!({ "key_alias": alias }),
                    1 => json!({ "key_id": key(&mut pick, keys) }),
                    _ => json!({ "key_id": key(&mut pick, keys), "key_alias": 7 }),
                };
                Step::json(Action::UpdateKeyAlias, body)
            }
            13 => {
                let sequence = ["919c82d4-8046-4722-9094-35c3c6524cff", "1234"][pick(2)];
                Step::json(
                    Action::UpdateKeyAlias,
                    json!({ "key_id": key(&mut pick, keys), "key_alias": alias, "sequence": sequence }),
                )
            }
            14 => Step {
                body: Body::Raw(r#"{"key_id": "#.into()),
                ..Step::json(Action::UpdateKeyAlias, Value::Null)
            },
            _ => {
                let mut s = Step::json(
                    Action::DescribeKey,
                    json!({ "key_id": key(&mut pick, keys) }),
                );
                match pick(2) {
                    0 => s.no_token = true,
                    _ => s.method = Some("GET"),
                }
                s
            }
        };
        steps.push(step);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_are_stable_and_start_with_keys() {
        for i in 0..50 {
            let a = sequence(7, i, 12);
            assert_eq!(a, sequence(7, i, 12));
            assert_eq!(a[0].action, Action::CreateKey);
            assert_eq!(a[0].defines_key.as_deref(), Some("k0"));
        }
        assert_ne!(sequence(7, 0, 12), sequence(7, 1, 12));
    }

    #[test]
    fn keys_used_finds_key_templates_only() {
        let s = Step::json(
            Action::UpdateKeyAlias,
            json!({"key_id": "${k12}", "key_alias": "${key_alias(a1)}", "x": "${dmk}"}),
        );
        assert_eq!(s.keys_used(), vec!["k12".to_owned(), "dmk".to_owned()]);
    }
}
