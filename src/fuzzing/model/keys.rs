//! The outcomes of the key operations: CreateKey, EnableKey, DisableKey,
//! ScheduleKeyDeletion, CancelKeyDeletion, DescribeKey and the control
//! endpoint's key states (section C's state table).

use serde_json::{json, Value};

use crate::spec::shape::{Constraint, EnumSet};
use crate::spec::{Fault, KeySpec, KeyState, KeyUsage, Operation, Origin, PREDEFINED};

use super::rules::{
    alias_arn, allowed_usages, key_arn, key_id_violation, name_of, not_found, pending, validated,
    violation,
};
use super::state::{Alias, Key, Model, Named, Policy};
use super::step::{KeyArg, SpecArg};
use super::MISSING;

impl Model {
    pub(super) fn create_key(
        &mut self,
        spec: &Option<SpecArg>,
        usage: Option<KeyUsage>,
        origin: Option<Origin>,
        multi_region: bool,
    ) -> Result<Option<Value>, Fault> {
        let spec = match spec {
            None => KeySpec::SymmetricDefault,
            Some(SpecArg::Known(s)) => *s,
            Some(SpecArg::Unknown) => {
                return Err(Fault::Validation(vec![violation(
                    "keySpec",
                    Some("HMAC_random"),
                    Constraint::Enum(EnumSet::KeySpec),
                )]))
            }
        };
        // B#31, B#32
        let usage = match usage {
            None if spec == KeySpec::SymmetricDefault => KeyUsage::EncryptDecrypt,
            None => return Err(Fault::UsageRequired),
            Some(u) if allowed_usages(spec).contains(&u) => u,
            Some(u) => return Err(Fault::UsageIncompatible { usage: u, spec }),
        };
        let origin = origin.unwrap_or(Origin::AwsKms);
        let state = match origin {
            Origin::AwsKms => KeyState::Enabled,
            Origin::External => KeyState::PendingImport,
            _ => return Err(Fault::reference_unsupported("Custom key stores")),
        };
        let created = self.tick();
        self.keys.push(Key {
            spec,
            usage,
            state,
            origin,
            aws_managed: false,
            description: String::new(),
            multi_region,
            created,
            deletion_window: None,
        });
        Ok(Some(
            json!({ "KeyMetadata": self.metadata(self.keys.len() - 1) }),
        ))
    }

    pub(super) fn set_enabled(
        &mut self,
        op: Operation,
        arg: &KeyArg,
        text: &str,
    ) -> Result<(), Fault> {
        let mut v = Vec::new();
        key_id_violation("keyId", text, &mut v);
        validated(v)?;
        let i = self.key(arg, Policy::RefuseAsInvalid)?;
        let k = &mut self.keys[i];
        use KeyState::*;
        match k.state {
            PendingDeletion | PendingReplicaDeletion | PendingImport | Creating | Updating => {
                Err(Fault::KeyState {
                    key_arn: key_arn(&name_of(i)),
                    state: k.state,
                })
            }
            Unavailable => Ok(()),
            Enabled | Disabled => {
                k.state = if op == Operation::EnableKey {
                    Enabled
                } else {
                    Disabled
                };
                Ok(())
            }
        }
    }

    pub(super) fn schedule(
        &mut self,
        arg: &KeyArg,
        text: &str,
        days: Option<i64>,
    ) -> Result<Value, Fault> {
        let mut v = Vec::new();
        key_id_violation("keyId", text, &mut v);
        if let Some(d) = days {
            let shown = d.to_string();
            if d < 1 {
                v.push(violation(
                    "pendingWindowInDays",
                    Some(&shown),
                    Constraint::MinValue(1),
                ));
            }
            if d > 365 {
                v.push(violation(
                    "pendingWindowInDays",
                    Some(&shown),
                    Constraint::MaxValue(365),
                ));
            }
        }
        validated(v)?;
        let days = days.unwrap_or(30);
        if !(7..=30).contains(&days) {
            let c = if days < 7 {
                Constraint::MinValue(7)
            } else {
                Constraint::MaxValue(30)
            };
            let shown = days.to_string();
            return Err(Fault::Validation(vec![violation(
                "pendingWindowInDays",
                Some(&shown),
                c,
            )]));
        }
        self.tick();
        let i = self.key(arg, Policy::RefuseAsInvalid)?;
        let k = &mut self.keys[i];
        let arn = key_arn(&name_of(i));
        if matches!(
            k.state,
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion | KeyState::Updating
        ) {
            return Err(Fault::KeyState {
                key_arn: arn,
                state: k.state,
            });
        }
        k.state = KeyState::PendingDeletion;
        k.deletion_window = Some(days);
        Ok(json!({
            "KeyId": arn,
            "DeletionDate": "$deletion",
            "KeyState": "PendingDeletion",
            "PendingWindowInDays": days,
        }))
    }

    pub(super) fn cancel(&mut self, arg: &KeyArg, text: &str) -> Result<Value, Fault> {
        let mut v = Vec::new();
        key_id_violation("keyId", text, &mut v);
        validated(v)?;
        let i = self.key(arg, Policy::RefuseAsInvalid)?;
        let arn = key_arn(&name_of(i));
        let k = &mut self.keys[i];
        if !pending(k.state) {
            return Err(Fault::KeyNotPendingDeletion { key_arn: arn });
        }
        k.state = KeyState::Disabled;
        k.deletion_window = None;
        Ok(json!({ "KeyId": arn }))
    }

    /// The control endpoint: any state, a deletion window while pending.
    pub(super) fn set_state(&mut self, key: usize, state: KeyState) -> Result<Value, Fault> {
        let Some(k) = self.keys.get_mut(key) else {
            return Err(not_found(MISSING));
        };
        k.deletion_window = match (pending(state), k.deletion_window) {
            (true, Some(d)) => Some(d),
            (true, None) => Some(30),
            (false, _) => None,
        };
        k.state = state;
        Ok(json!({}))
    }

    pub(super) fn describe(&mut self, arg: &KeyArg, text: &str) -> Result<Value, Fault> {
        let mut v = Vec::new();
        key_id_violation("keyId", text, &mut v);
        validated(v)?;
        let i = match self.parse(arg, Policy::Resolve)? {
            Named::Key(i) => i,
            Named::Alias(name) => match self.aliases.get(&name) {
                Some(a) => a.target,
                None if PREDEFINED.contains(&name.as_str()) => {
                    // BC DescribeKey doc: the key behind a predefined alias
                    // is created on first use
                    let t = self.tick();
                    let service = &name["alias/aws/".len()..];
                    self.keys.push(Key {
                        spec: KeySpec::SymmetricDefault,
                        usage: KeyUsage::EncryptDecrypt,
                        state: KeyState::Enabled,
                        origin: Origin::AwsKms,
                        aws_managed: true,
                        description: format!(
                            "Default key that protects my {service} resources when no other key is defined"
                        ),
                        multi_region: false,
                        created: t,
                        deletion_window: None,
                    });
                    let i = self.keys.len() - 1;
                    self.aliases.insert(
                        name,
                        Alias {
                            target: i,
                            created: t,
                            updated: t,
                        },
                    );
                    i
                }
                None => {
                    return Err(Fault::AliasNotFound {
                        alias_arn: alias_arn(&name),
                    })
                }
            },
        };
        Ok(json!({ "KeyMetadata": self.metadata(i) }))
    }
}
