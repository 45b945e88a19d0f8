//! What the model remembers (keys, aliases, a clock) and how it reads a key
//! identifier and writes a key's metadata.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::spec::{Fault, KeySpec, KeyState, KeyUsage, Origin};

use super::expect::{Call, Expect};
use super::rules::{alias_arn, invalid, key_arn, name_of, not_found};
use super::step::{Form, KeyArg, NAMES};
use super::{ACCOUNT, MISSING, REGION};

/// The model of one reference service: its keys and aliases, and the
/// requests of the latest step with the answers they must get.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub(super) keys: Vec<Key>,
    pub(super) aliases: BTreeMap<String, Alias>,
    /// Model time: one tick per event that stamps a date.
    pub(super) clock: u64,
    /// Names `alias/fill/NNN` used so far.
    pub(super) fill: usize,
    /// The `NextMarker` of the latest ListAliases.
    pub(super) last_marker: Option<String>,
    pub(super) calls: Vec<(Call, Expect)>,
}

#[derive(Debug, Clone)]
pub(super) struct Key {
    pub(super) spec: KeySpec,
    pub(super) usage: KeyUsage,
    pub(super) state: KeyState,
    pub(super) origin: Origin,
    pub(super) aws_managed: bool,
    pub(super) description: String,
    pub(super) multi_region: bool,
    pub(super) created: u64,
    pub(super) deletion_window: Option<i64>,
}

#[derive(Debug, Clone)]
pub(super) struct Alias {
    pub(super) target: usize,
    pub(super) created: u64,
    pub(super) updated: u64,
}

/// How an identifier may name an alias.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Policy {
    Resolve,
    RefuseAsTarget,
    RefuseAsInvalid,
}

pub(super) enum Named {
    Key(usize),
    Alias(String),
}

/// A date the model stamped at time `t`: `{"$date": t}`, a placeholder the
/// replay checks for order and replaces.
pub(super) fn date(t: u64) -> Value {
    json!({ "$date": t })
}

impl Model {
    /// A service with no keys and no aliases.
    pub fn new() -> Model {
        Model::default()
    }

    /// The requests of the latest [`Model::step`], each with the answer it
    /// must get.
    pub fn calls(&self) -> &[(Call, Expect)] {
        &self.calls
    }

    /// How many keys exist (customer keys and the AWS managed keys that
    /// DescribeKey created); key numbers run `0..key_count()`.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    pub(super) fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Key `key`'s id as the model writes it, or [`MISSING`].
    pub(super) fn id(&self, key: usize) -> String {
        if key < self.keys.len() {
            name_of(key)
        } else {
            MISSING.to_owned()
        }
    }

    /// The identifier as sent.
    pub(super) fn text(&self, arg: &KeyArg) -> String {
        let id = self.id(arg.key);
        match &arg.form {
            Form::Id => id,
            Form::Arn => key_arn(&id),
            Form::OtherRegionArn => format!("arn:aws:kms:us-west-2:{ACCOUNT}:key/{id}"),
            Form::OtherAccountArn => format!("arn:aws:kms:{REGION}:999999999999:key/{id}"),
            Form::Empty => String::new(),
            Form::Malformed => "fake-key-id".into(),
            Form::ArnBadId => key_arn("nope"),
            Form::AliasName(n) => NAMES[*n].clone(),
            Form::AliasArn(n) => alias_arn(&NAMES[*n]),
        }
    }

    /// B#10..#13, J Q4: what an identifier names.
    pub(super) fn parse(&self, arg: &KeyArg, policy: Policy) -> Result<Named, Fault> {
        let text = self.text(arg);
        let as_alias = |name: &str| match policy {
            Policy::Resolve => Ok(Named::Alias(name.to_owned())),
            Policy::RefuseAsTarget => Err(Fault::AliasAsKey),
            Policy::RefuseAsInvalid => Err(invalid(&text)),
        };
        let existing = (arg.key < self.keys.len()).then_some(arg.key);
        match &arg.form {
            Form::Id | Form::Arn => existing.map(Named::Key).ok_or_else(|| not_found(MISSING)),
            Form::OtherRegionArn => Err(Fault::InvalidArnRegion {
                region: "us-west-2".into(),
            }),
            Form::OtherAccountArn => Err(Fault::KeyNotFound { key_arn: text }),
            Form::Empty | Form::Malformed => Err(invalid(&text)),
            Form::ArnBadId => Err(Fault::InvalidKeyId {
                value: "nope".into(),
                quoted: false,
            }),
            Form::AliasName(n) | Form::AliasArn(n) => {
                let name = &NAMES[*n];
                if name.starts_with("alias/") {
                    as_alias(name)
                } else {
                    Err(invalid(&text))
                }
            }
        }
    }

    /// A key-only identifier to an existing key.
    pub(super) fn key(&self, arg: &KeyArg, policy: Policy) -> Result<usize, Fault> {
        match self.parse(arg, policy)? {
            Named::Key(i) => Ok(i),
            Named::Alias(_) => unreachable!("only Resolve yields aliases"),
        }
    }

    /// Key `i`'s `KeyMetadata`, with date placeholders.
    pub(super) fn metadata(&self, i: usize) -> Value {
        let k = &self.keys[i];
        let id = name_of(i);
        let mut m = Map::new();
        m.insert("AWSAccountId".into(), ACCOUNT.into());
        m.insert("KeyId".into(), id.clone().into());
        m.insert("Arn".into(), key_arn(&id).into());
        m.insert("CreationDate".into(), date(k.created));
        m.insert("Enabled".into(), (k.state == KeyState::Enabled).into());
        m.insert("Description".into(), k.description.clone().into());
        m.insert("KeyUsage".into(), k.usage.name().into());
        m.insert("KeyState".into(), k.state.name().into());
        if k.deletion_window.is_some() && k.state == KeyState::PendingDeletion {
            m.insert("DeletionDate".into(), "$deletion".into());
        }
        m.insert("Origin".into(), k.origin.name().into());
        let manager = if k.aws_managed { "AWS" } else { "CUSTOMER" };
        m.insert("KeyManager".into(), manager.into());
        if !matches!(
            k.spec,
            KeySpec::MlDsa44
                | KeySpec::MlDsa65
                | KeySpec::MlDsa87
                | KeySpec::EccNistEdwards25519
                | KeySpec::MlKem512
                | KeySpec::MlKem768
                | KeySpec::MlKem1024
        ) {
            m.insert("CustomerMasterKeySpec".into(), k.spec.name().into());
        }
        m.insert("KeySpec".into(), k.spec.name().into());
        let a = k.spec.algorithms(k.usage);
        for (name, list) in [
            ("EncryptionAlgorithms", a.encryption),
            ("SigningAlgorithms", a.signing),
            ("MacAlgorithms", a.mac),
            ("KeyAgreementAlgorithms", a.key_agreement),
            ("EncapsulationAlgorithms", a.encapsulation),
        ] {
            if !list.is_empty() {
                m.insert(name.into(), list.to_vec().into());
            }
        }
        m.insert("MultiRegion".into(), k.multi_region.into());
        if k.multi_region {
            m.insert(
                "MultiRegionConfiguration".into(),
                json!({"MultiRegionKeyType": "PRIMARY",
                       "PrimaryKey": {"Arn": key_arn(&id), "Region": REGION},
                       "ReplicaKeys": []}),
            );
        }
        if let Some(days) = k.deletion_window {
            if k.state == KeyState::PendingReplicaDeletion {
                m.insert("PendingDeletionWindowInDays".into(), days.into());
            }
        }
        if k.spec == KeySpec::SymmetricDefault
            && k.origin == Origin::AwsKms
            && k.state != KeyState::Creating
        {
            m.insert("CurrentKeyMaterialId".into(), "$material".into());
        }
        Value::Object(m)
    }

    /// How many aliases point at key `key`.
    pub(super) fn aliases_of(&self, key: usize) -> usize {
        self.aliases.values().filter(|a| a.target == key).count()
    }
}
