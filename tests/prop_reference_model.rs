//! A state-machine test of the reference service against a small pure model.
//!
//! Random sequences of CreateKey (every spec and usage, valid and invalid
//! pairs), EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, the
//! reference's key-state control endpoint (for states the API cannot reach),
//! CreateAlias (also 1..51 at once, to reach the quota), UpdateAlias,
//! DeleteAlias, ListAliases (KeyId, Limit, Marker) and DescribeKey through
//! aliases, with valid and invalid arguments, run in process through
//! `Service::handle`. After every request the status, the `__type` and the
//! whole body must equal the model's, once generated key ids are mapped to
//! the model's names (`<k3>`) and dates are checked for order (a date the
//! model says is the same event must be the same number; a later event a
//! later number).
//!
//! The model decides each outcome from the spec document (A-F, J) on its own:
//! the name rules, the key-id forms, the state table of section C, the family
//! rule of section D, the quota of 50, and the ListAliases order and paging of
//! section E / J Q5. It borrows from `src/spec` only wording (`Fault` renders
//! the expected error body) and static key metadata (the algorithm lists).

mod gen;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use proptest::prelude::*;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};
use serde_json::{json, Map, Value};

use kms_alias_conformance::reference::{Config, RawRequest, Service};
use kms_alias_conformance::spec::shape::{Constraint, EnumSet, Pattern, Violation};
use kms_alias_conformance::spec::{
    Fault, KeySpec, KeyState, KeyUsage, Operation, Origin, Scope, PREDEFINED,
};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "111122223333";
/// A well-formed key id that no key has.
const MISSING: &str = "0000aaaa-0000-4000-8000-000000000000";
/// Sequences per `cargo test` run (PROPTEST_CASES overrides).
const SEQUENCES: u32 = 256;
/// Steps per sequence.
const STEPS: std::ops::Range<usize> = 1..64;

#[allow(dead_code)]
fn scope() -> Scope {
    Scope {
        region: REGION.into(),
        account: ACCOUNT.into(),
    }
}

/// Alias names the steps draw from: valid ones that collide, and one of
/// each way to be wrong.
static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut v: Vec<String> = [
        "alias/a",
        "alias/b",
        "alias/B",
        "alias/c/d",
        "alias/x_y-z",
        "alias/aws/ebs",
        "alias/aws/mine",
        "alias/AWS/x",
        "Alias/a",
        "alias/",
        "alias/a:b",
        "alias/a!b",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(format!("alias/{}", "n".repeat(250))); // 256 units
    v.push(format!("alias/{}", "n".repeat(251))); // 257
    v
});

// ---------------------------------------------------------------- transitions

#[derive(Debug, Clone)]
enum Form {
    Id,
    Arn,
    OtherRegionArn,
    OtherAccountArn,
    Empty,
    Malformed,
    ArnBadId,
    AliasName(usize),
    AliasArn(usize),
}

/// A key identifier: key `key` (past the last key: one that does not exist)
/// written in `form`.
#[derive(Debug, Clone)]
struct KeyArg {
    key: usize,
    form: Form,
}

#[derive(Debug, Clone)]
enum SpecArg {
    Known(KeySpec),
    Unknown,
}

#[derive(Debug, Clone)]
enum MarkerArg {
    Last,
    After(usize),
    Garbage(&'static str),
    Empty,
    Wide,
}

#[derive(Debug, Clone)]
enum Step {
    CreateKey {
        spec: Option<SpecArg>,
        usage: Option<KeyUsage>,
        origin: Option<Origin>,
        multi_region: bool,
    },
    EnableKey(KeyArg),
    DisableKey(KeyArg),
    ScheduleKeyDeletion(KeyArg, Option<i64>),
    CancelKeyDeletion(KeyArg),
    SetKeyState(usize, KeyState),
    CreateAlias(usize, KeyArg),
    CreateAliases(usize, usize),
    UpdateAlias(usize, KeyArg),
    DeleteAlias(usize),
    ListAliases(Option<KeyArg>, Option<i64>, Option<MarkerArg>),
    DescribeKey(KeyArg),
}

// ---------------------------------------------------------------- the model

#[derive(Debug, Clone)]
struct MKey {
    spec: KeySpec,
    usage: KeyUsage,
    state: KeyState,
    origin: Origin,
    aws_managed: bool,
    description: String,
    multi_region: bool,
    created: u64,
    deletion_window: Option<i64>,
}

#[derive(Debug, Clone)]
struct MAlias {
    target: usize,
    created: u64,
    updated: u64,
}

/// A request to send, written with the model's key names.
#[derive(Debug, Clone)]
struct Call {
    /// `None`: the reference's control endpoint.
    op: Option<Operation>,
    body: Value,
}

/// What the model expects back.
#[derive(Debug, Clone)]
struct Expect {
    status: u16,
    /// `None`: an empty body.
    body: Option<Value>,
    /// The response creates key number `n` (its id is learnt from the body).
    new_key: Option<usize>,
}

#[derive(Debug, Clone, Default)]
struct Model {
    keys: Vec<MKey>,
    aliases: BTreeMap<String, MAlias>,
    clock: u64,
    fill: usize,
    last_marker: Option<String>,
    /// The calls of the latest step and their expected answers.
    calls: Vec<(Call, Expect)>,
}

fn name_of(i: usize) -> String {
    format!("<k{i}>")
}

fn key_arn(id: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}")
}

fn alias_arn(name: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT}:{name}")
}

fn date(t: u64) -> Value {
    json!({ "$date": t })
}

/// The marker format recorded from AWS (J Q5): base64 of `{"a": last, "b": last}`.
fn marker(last: &str) -> String {
    STANDARD.encode(json!({"a": last, "b": last}).to_string())
}

/// Usages CreateKey allows per spec (section D table).
fn allowed(spec: KeySpec) -> &'static [KeyUsage] {
    use KeySpec::*;
    use KeyUsage::*;
    match spec {
        SymmetricDefault => &[EncryptDecrypt],
        Hmac224 | Hmac256 | Hmac384 | Hmac512 => &[GenerateVerifyMac],
        Rsa2048 | Rsa3072 | Rsa4096 => &[EncryptDecrypt, SignVerify],
        EccNistP256 | EccNistP384 | EccNistP521 => &[SignVerify, KeyAgreement],
        Sm2 => &[EncryptDecrypt, SignVerify, KeyAgreement],
        EccSecgP256k1 | EccNistEdwards25519 | MlDsa44 | MlDsa65 | MlDsa87 => &[SignVerify],
        MlKem512 | MlKem768 | MlKem1024 => &[EncapsulateDecapsulate],
    }
}

/// The three families of the UpdateAlias rule (section D).
fn family(spec: KeySpec) -> u8 {
    match spec {
        KeySpec::SymmetricDefault => 0,
        KeySpec::Hmac224 | KeySpec::Hmac256 | KeySpec::Hmac384 | KeySpec::Hmac512 => 1,
        _ => 2,
    }
}

fn pending(state: KeyState) -> bool {
    matches!(
        state,
        KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
    )
}

fn violation(member: &str, value: Option<&str>, constraint: Constraint) -> Violation {
    Violation {
        member: member.into(),
        value: value.map(str::to_owned),
        constraint,
    }
}

/// AliasNameType's framework checks (spec A), by character loop.
fn name_violations(name: &str, out: &mut Vec<Violation>) {
    let units: usize = name.chars().map(char::len_utf16).sum();
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ":/_-".contains(c));
    if units < 1 {
        out.push(violation("aliasName", Some(name), Constraint::MinLength(1)));
    }
    if units > 256 {
        out.push(violation(
            "aliasName",
            Some(name),
            Constraint::MaxLength(256),
        ));
    }
    if units == 0 || !chars_ok {
        out.push(violation(
            "aliasName",
            Some(name),
            Constraint::Pattern(Pattern::AliasName),
        ));
    }
}

/// The service's name checks (B#1, B#4, B#8; J Q3).
fn name_rules(name: &str) -> Result<(), Fault> {
    let Some(rest) = name.strip_prefix("alias/") else {
        return Err(Fault::AliasPrefix);
    };
    if rest.is_empty() || rest.contains(':') {
        return Err(Fault::AliasInvalidCharacters {
            name: name.to_owned(),
        });
    }
    if rest.starts_with("aws/") {
        return Err(Fault::AliasReserved);
    }
    Ok(())
}

/// How an identifier may name an alias.
#[derive(Clone, Copy, PartialEq)]
enum Policy {
    Resolve,
    RefuseAsTarget,
    RefuseAsInvalid,
}

enum Named {
    Key(usize),
    Alias(String),
}

fn invalid(text: &str) -> Fault {
    Fault::InvalidKeyId {
        value: text.to_owned(),
        quoted: true,
    }
}

fn not_found(id: &str) -> Fault {
    Fault::KeyNotFound {
        key_arn: key_arn(id),
    }
}

impl Model {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn id(&self, key: usize) -> String {
        if key < self.keys.len() {
            name_of(key)
        } else {
            MISSING.to_owned()
        }
    }

    fn text(&self, arg: &KeyArg) -> String {
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
    fn parse(&self, arg: &KeyArg, policy: Policy) -> Result<Named, Fault> {
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
    fn key(&self, arg: &KeyArg, policy: Policy) -> Result<usize, Fault> {
        match self.parse(arg, policy)? {
            Named::Key(i) => Ok(i),
            Named::Alias(_) => unreachable!("only Resolve yields aliases"),
        }
    }

    fn metadata(&self, i: usize) -> Value {
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

    fn aliases_of(&self, key: usize) -> usize {
        self.aliases.values().filter(|a| a.target == key).count()
    }

    fn push(&mut self, op: Option<Operation>, body: Value, outcome: Result<Option<Value>, Fault>) {
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

    fn validated(v: Vec<Violation>) -> Result<(), Fault> {
        if v.is_empty() {
            Ok(())
        } else {
            Err(Fault::Validation(v))
        }
    }

    fn step(&mut self, step: &Step) {
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
                let outcome = if *key < self.keys.len() {
                    let p = pending(*state);
                    let k = &self.keys[*key];
                    let window = match (p, k.deletion_window) {
                        (true, Some(d)) => Some(d),
                        (true, None) => Some(30),
                        (false, _) => None,
                    };
                    let k = &mut self.keys[*key];
                    k.deletion_window = window;
                    k.state = *state;
                    Ok(Some(json!({})))
                } else {
                    Err(not_found(MISSING))
                };
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
                let outcome = (|| {
                    let mut v = Vec::new();
                    name_violations(&name, &mut v);
                    Self::validated(v)?;
                    name_rules(&name)?;
                    match self.aliases.remove(&name) {
                        Some(_) => Ok(None),
                        None => Err(Fault::AliasNotFound {
                            alias_arn: alias_arn(&name),
                        }),
                    }
                })();
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

    fn create_key(
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
            Some(u) if allowed(spec).contains(&u) => u,
            Some(u) => return Err(Fault::UsageIncompatible { usage: u, spec }),
        };
        let origin = origin.unwrap_or(Origin::AwsKms);
        let state = match origin {
            Origin::AwsKms => KeyState::Enabled,
            Origin::External => KeyState::PendingImport,
            _ => return Err(Fault::reference_unsupported("Custom key stores")),
        };
        let created = self.tick();
        self.keys.push(MKey {
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

    fn key_id_violation(member: &str, text: &str, v: &mut Vec<Violation>) {
        if text.is_empty() {
            v.push(violation(member, Some(""), Constraint::MinLength(1)));
        }
    }

    fn set_enabled(&mut self, op: Operation, arg: &KeyArg, text: &str) -> Result<(), Fault> {
        let mut v = Vec::new();
        Self::key_id_violation("keyId", text, &mut v);
        Self::validated(v)?;
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

    fn schedule(&mut self, arg: &KeyArg, text: &str, days: Option<i64>) -> Result<Value, Fault> {
        let mut v = Vec::new();
        Self::key_id_violation("keyId", text, &mut v);
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
        Self::validated(v)?;
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

    fn cancel(&mut self, arg: &KeyArg, text: &str) -> Result<Value, Fault> {
        let mut v = Vec::new();
        Self::key_id_violation("keyId", text, &mut v);
        Self::validated(v)?;
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

    /// The key an alias may point at (B#10..#13, #23).
    fn target(&self, arg: &KeyArg) -> Result<usize, Fault> {
        let i = self.key(arg, Policy::RefuseAsTarget)?;
        if self.keys[i].aws_managed {
            return Err(Fault::AwsManagedKey);
        }
        Ok(i)
    }

    fn create_alias(&mut self, name: &str, arg: &KeyArg) {
        let text = self.text(arg);
        let outcome = (|| {
            let mut v = Vec::new();
            name_violations(name, &mut v);
            Self::key_id_violation("targetKeyId", &text, &mut v);
            Self::validated(v)?;
            name_rules(name)?;
            let i = self.target(arg)?;
            let state = self.keys[i].state;
            if pending(state) {
                return Err(Fault::KeyState {
                    key_arn: key_arn(&name_of(i)),
                    state,
                });
            }
            if self.aliases.contains_key(name) {
                return Err(Fault::AliasExists {
                    alias_arn: alias_arn(name),
                });
            }
            let usage = self.aliases_of(i);
            if usage >= 50 {
                return Err(Fault::AliasQuota { limit: 50, usage });
            }
            let t = self.tick();
            self.aliases.insert(
                name.to_owned(),
                MAlias {
                    target: i,
                    created: t,
                    updated: t,
                },
            );
            Ok(None)
        })();
        self.push(
            Some(Operation::CreateAlias),
            json!({"AliasName": name, "TargetKeyId": text}),
            outcome,
        );
    }

    fn update_alias(&mut self, name: &str, arg: &KeyArg, text: &str) -> Result<(), Fault> {
        let mut v = Vec::new();
        name_violations(name, &mut v);
        Self::key_id_violation("targetKeyId", text, &mut v);
        Self::validated(v)?;
        name_rules(name)?;
        let Some(current) = self.aliases.get(name).map(|a| a.target) else {
            return Err(Fault::AliasNotFound {
                alias_arn: alias_arn(name),
            });
        };
        let new = self.target(arg)?;
        let (n, c) = (&self.keys[new], &self.keys[current]);
        // DG footnote [10]: only the new key's pending deletion counts
        if pending(n.state) {
            return Err(Fault::KeyState {
                key_arn: key_arn(&name_of(new)),
                state: n.state,
            });
        }
        // J Q1: the usage is named first, then the type
        if c.usage != n.usage {
            return Err(Fault::UsageMismatch {
                alias: name.to_owned(),
                from: c.usage,
                to: n.usage,
            });
        }
        if family(c.spec) != family(n.spec) {
            return Err(Fault::TypeMismatch {
                alias: name.to_owned(),
                from: c.spec,
                to: n.spec,
            });
        }
        if new != current {
            let usage = self.aliases_of(new);
            if usage >= 50 {
                return Err(Fault::AliasQuota { limit: 50, usage });
            }
        }
        let t = self.tick();
        let a = self.aliases.get_mut(name).unwrap();
        a.target = new;
        a.updated = t;
        Ok(())
    }

    fn list(
        &mut self,
        key: Option<&KeyArg>,
        key_text: Option<&str>,
        limit: Option<i64>,
        marker_text: Option<&str>,
    ) -> Result<Value, Fault> {
        let mut v = Vec::new();
        if let Some(t) = key_text {
            Self::key_id_violation("keyId", t, &mut v);
        }
        if let Some(l) = limit {
            let shown = l.to_string();
            if l < 1 {
                v.push(violation("limit", Some(&shown), Constraint::MinValue(1)));
            }
            if l > 1000 {
                v.push(violation("limit", Some(&shown), Constraint::MaxValue(1000)));
            }
        }
        if let Some(m) = marker_text {
            if m.is_empty() {
                v.push(violation("marker", Some(m), Constraint::MinLength(1)));
            }
            if m.chars().any(|c| !(' '..='\u{ff}').contains(&c)) {
                v.push(violation(
                    "marker",
                    Some(m),
                    Constraint::Pattern(Pattern::Marker),
                ));
            }
        }
        Self::validated(v)?;
        // default 50, at most 100 a page (J Q5, K)
        let size = limit.map_or(50, |l| l as usize).min(100);
        let after = match marker_text {
            None => None,
            Some(m) => Some(self.decode_marker(m).ok_or(Fault::InvalidMarker)?),
        };
        let mut names: Vec<String> = match key {
            Some(arg) => {
                let i = self.key(arg, Policy::RefuseAsInvalid)?;
                self.aliases
                    .iter()
                    .filter(|(_, a)| a.target == i)
                    .map(|(n, _)| n.clone())
                    .collect()
            }
            None => {
                let mut all: Vec<String> = self.aliases.keys().cloned().collect();
                for p in PREDEFINED {
                    if !self.aliases.contains_key(*p) {
                        all.push(p.to_string());
                    }
                }
                all
            }
        };
        names.sort(); // byte order (J Q5)
        names.retain(|n| after.as_ref().is_none_or(|a| n > a));
        let truncated = names.len() > size;
        names.truncate(size);
        let entries: Vec<Value> = names
            .iter()
            .map(|n| match self.aliases.get(n) {
                Some(a) => json!({
                    "AliasName": n,
                    "AliasArn": alias_arn(n),
                    "TargetKeyId": name_of(a.target),
                    "CreationDate": date(a.created),
                    "LastUpdatedDate": date(a.updated),
                }),
                None => json!({"AliasName": n, "AliasArn": alias_arn(n)}),
            })
            .collect();
        let mut out = Map::new();
        out.insert("Aliases".into(), entries.into());
        self.last_marker = None;
        if truncated {
            if let Some(last) = names.last() {
                let m = marker(last);
                self.last_marker = Some(m.clone());
                out.insert("NextMarker".into(), m.into());
            }
        }
        out.insert("Truncated".into(), truncated.into());
        Ok(Value::Object(out))
    }

    /// The name a marker of the recorded form resumes after.
    fn decode_marker(&self, m: &str) -> Option<String> {
        let bytes = STANDARD.decode(m).ok()?;
        let v: Value = serde_json::from_slice(&bytes).ok()?;
        let o = v.as_object()?;
        let (a, b) = (o.get("a")?.as_str()?, o.get("b")?.as_str()?);
        (o.len() == 2 && a == b && a.starts_with("alias/")).then(|| a.to_owned())
    }

    fn describe(&mut self, arg: &KeyArg, text: &str) -> Result<Value, Fault> {
        let mut v = Vec::new();
        Self::key_id_violation("keyId", text, &mut v);
        Self::validated(v)?;
        let i = match self.parse(arg, Policy::Resolve)? {
            Named::Key(i) => i,
            Named::Alias(name) => match self.aliases.get(&name) {
                Some(a) => a.target,
                None if PREDEFINED.contains(&name.as_str()) => {
                    // BC DescribeKey doc: the key behind a predefined alias
                    // is created on first use
                    let t = self.tick();
                    let service = &name["alias/aws/".len()..];
                    self.keys.push(MKey {
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
                        MAlias {
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

// ---------------------------------------------------------------- generation

fn key_arg(keys: usize) -> BoxedStrategy<KeyArg> {
    let n = NAMES.len();
    let form = prop_oneof![
        8 => Just(Form::Id),
        4 => Just(Form::Arn),
        1 => Just(Form::OtherRegionArn),
        1 => Just(Form::OtherAccountArn),
        1 => Just(Form::Empty),
        1 => Just(Form::Malformed),
        1 => Just(Form::ArnBadId),
        2 => (0..n).prop_map(Form::AliasName),
        1 => (0..n).prop_map(Form::AliasArn),
    ];
    (key_index(keys), form)
        .prop_map(|(key, form)| KeyArg { key, form })
        .boxed()
}

/// Mostly an existing key, the latest ones most; `keys` itself is one that
/// does not exist.
fn key_index(keys: usize) -> BoxedStrategy<usize> {
    if keys == 0 {
        return Just(0).boxed();
    }
    let recent = keys.saturating_sub(3);
    prop_oneof![3 => 0..keys, 3 => recent..keys, 1 => Just(keys)].boxed()
}

/// Alias names, mostly the valid colliding ones.
fn name_index() -> BoxedStrategy<usize> {
    let n = NAMES.len();
    prop_oneof![4 => 0usize..5, 1 => 0..n].boxed()
}

fn spec_arg() -> BoxedStrategy<Option<SpecArg>> {
    prop_oneof![
        5 => Just(None),
        8 => prop::sample::select(KeySpec::ALL.to_vec()).prop_map(|s| Some(SpecArg::Known(s))),
        1 => Just(Some(SpecArg::Unknown)),
    ]
    .boxed()
}

/// Usages: usually one the spec allows, sometimes any, sometimes none.
fn create_key() -> BoxedStrategy<Step> {
    (
        spec_arg(),
        prop::option::weighted(0.8, prop::sample::select(KeyUsage::ALL.to_vec())),
        any::<prop::sample::Index>(),
        any::<bool>(),
        prop_oneof![
            6 => Just(None),
            1 => Just(Some(Origin::AwsKms)),
            2 => Just(Some(Origin::External)),
            1 => Just(Some(Origin::AwsCloudhsm)),
        ],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(spec, usage, pick, fit, origin, multi_region)| {
            let usage = match (&spec, fit) {
                (Some(SpecArg::Known(s)), true) => {
                    let a = allowed(*s);
                    Some(a[pick.index(a.len())])
                }
                _ => usage,
            };
            Step::CreateKey {
                spec,
                usage,
                origin,
                multi_region,
            }
        })
        .boxed()
}

fn list_aliases(keys: usize) -> BoxedStrategy<Step> {
    let n = NAMES.len();
    (
        prop::option::weighted(0.4, key_arg(keys)),
        prop_oneof![
            3 => Just(None),
            4 => prop::sample::select(vec![1i64, 2, 3, 7, 14, 50, 100, 101, 1000]).prop_map(Some),
            1 => prop::sample::select(vec![0i64, -1, 1001]).prop_map(Some),
        ],
        prop_oneof![
            4 => Just(None),
            4 => Just(Some(MarkerArg::Last)),
            2 => (0..n).prop_map(|i| Some(MarkerArg::After(i))),
            1 => prop::sample::select(vec!["!!!", "bm90IGpzb24=", "eyJhIjoieCIsImIiOiJ5In0="])
                .prop_map(|g| Some(MarkerArg::Garbage(g))),
            1 => Just(Some(MarkerArg::Empty)),
            1 => Just(Some(MarkerArg::Wide)),
        ],
    )
        .prop_map(|(k, l, m)| Step::ListAliases(k, l, m))
        .boxed()
}

struct ModelMachine;

impl ReferenceStateMachine for ModelMachine {
    type State = Model;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(state: &Model) -> BoxedStrategy<Step> {
        let k = state.keys.len();
        let days = prop_oneof![
            3 => Just(None),
            3 => prop::sample::select(vec![7i64, 15, 30]).prop_map(Some),
            1 => prop::sample::select(vec![0i64, 6, 31, 366]).prop_map(Some),
        ];
        prop_oneof![
            6 => create_key(),
            2 => key_arg(k).prop_map(Step::EnableKey),
            2 => key_arg(k).prop_map(Step::DisableKey),
            2 => (key_arg(k), days).prop_map(|(a, d)| Step::ScheduleKeyDeletion(a, d)),
            2 => key_arg(k).prop_map(Step::CancelKeyDeletion),
            2 => (key_index(k), prop::sample::select(KeyState::ALL.to_vec()))
                .prop_map(|(i, s)| Step::SetKeyState(i, s)),
            8 => (name_index(), key_arg(k)).prop_map(|(n, a)| Step::CreateAlias(n, a)),
            1 => (key_index(k), prop::sample::select(vec![1usize, 10, 49, 50, 51]))
                .prop_map(|(i, c)| Step::CreateAliases(i, c)),
            6 => (name_index(), key_arg(k)).prop_map(|(n, a)| Step::UpdateAlias(n, a)),
            3 => name_index().prop_map(Step::DeleteAlias),
            5 => list_aliases(k),
            4 => key_arg(k).prop_map(Step::DescribeKey),
        ]
        .boxed()
    }

    fn apply(mut state: Model, step: &Step) -> Model {
        state.step(step);
        state
    }
}

// ---------------------------------------------------------------- the reference

struct Reference {
    service: Service,
    /// Real key ids by model key number.
    ids: Vec<String>,
    /// Model time -> the reference's timestamp seen for it.
    dates: BTreeMap<u64, f64>,
}

static SEQUENCES_RUN: AtomicUsize = AtomicUsize::new(0);
static STEPS_RUN: AtomicUsize = AtomicUsize::new(0);
static REQUESTS_RUN: AtomicUsize = AtomicUsize::new(0);
/// Outcomes seen, `Operation code` -> count, printed with the totals.
static OUTCOMES: std::sync::Mutex<BTreeMap<String, usize>> = std::sync::Mutex::new(BTreeMap::new());

impl Reference {
    fn to_real(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => {
                let mut s = s.clone();
                for (i, id) in self.ids.iter().enumerate() {
                    s = s.replace(&name_of(i), id);
                }
                Value::String(s)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.to_real(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (k.clone(), self.to_real(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn to_model(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => {
                let mut s = s.clone();
                for (i, id) in self.ids.iter().enumerate() {
                    s = s.replace(id, &name_of(i));
                }
                Value::String(s)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.to_model(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (k.clone(), self.to_model(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Replaces the dates of `actual` where `expected` has placeholders,
    /// checking each against the order of the dates seen so far.
    fn dates(&mut self, expected: &Value, actual: &mut Value) {
        match (expected, actual) {
            (Value::Object(e), actual @ Value::Number(_)) if e.contains_key("$date") => {
                let t = e["$date"].as_u64().unwrap();
                let real = actual.as_f64().unwrap();
                if let Some(seen) = self.dates.get(&t) {
                    assert_eq!(*seen, real, "model time {t} seen as {seen} and {real}");
                } else {
                    if let Some((pt, p)) = self.dates.range(..t).next_back() {
                        assert!(*p < real, "model time {pt} < {t} but {p} >= {real}");
                    }
                    if let Some((nt, n)) = self.dates.range(t..).next() {
                        assert!(real < *n, "model time {t} < {nt} but {real} >= {n}");
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
                assert!(
                    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
                    "CurrentKeyMaterialId form: {id}"
                );
                *actual = expected.clone();
            }
            (Value::Object(e), Value::Object(a)) => {
                for (k, ev) in e {
                    if let Some(av) = a.get_mut(k) {
                        self.dates(ev, av);
                    }
                }
            }
            (Value::Array(e), Value::Array(a)) => {
                for (ev, av) in e.iter().zip(a.iter_mut()) {
                    self.dates(ev, av);
                }
            }
            _ => {}
        }
    }

    fn send(&mut self, call: &Call, expect: &Expect, step: &Step) {
        let body = self.to_real(&call.body);
        let (path, target) = match call.op {
            Some(op) => ("/".to_owned(), op.target()),
            None => ("/_reference/key-state".to_owned(), String::new()),
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
        REQUESTS_RUN.fetch_add(1, Ordering::Relaxed);
        let code = match &expect.body {
            Some(b) if expect.status != 200 => b["__type"].as_str().unwrap_or("?").to_owned(),
            _ => "ok".to_owned(),
        };
        let what = format!("{} {code}", call.op.map_or("control", |o| o.name()));
        *OUTCOMES.lock().unwrap().entry(what).or_default() += 1;
        let actual: Option<Value> = if resp.body.is_empty() {
            None
        } else {
            Some(serde_json::from_slice(&resp.body).expect("the reference answers JSON"))
        };
        if let (Some(n), Some(a)) = (expect.new_key, &actual) {
            assert_eq!(n, self.ids.len(), "keys learnt in order");
            let id = a["KeyMetadata"]["KeyId"]
                .as_str()
                .expect("a new key's KeyId")
                .to_owned();
            let mrk = id.strip_prefix("mrk-").is_some_and(|h| {
                h.len() == 32
                    && h.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            });
            assert!(
                mrk || uuid::Uuid::parse_str(&id).is_ok(),
                "key id form: {id}"
            );
            self.ids.push(id);
        }
        let mut normalised = actual.as_ref().map(|a| self.to_model(a));
        if let (Some(e), Some(a)) = (&expect.body, &mut normalised) {
            self.dates(e, a);
        }
        assert_eq!(
            (resp.status, &normalised),
            (expect.status, &expect.body),
            "\nstep: {step:?}\nrequest: {} {}",
            call.op.map_or("control", |o| o.name()),
            call.body
        );
    }
}

struct ReferenceTest;

impl StateMachineTest for ReferenceTest {
    type SystemUnderTest = Reference;
    type Reference = ModelMachine;

    fn init_test(_: &Model) -> Reference {
        Reference {
            service: Service::new(Config::default()),
            ids: Vec::new(),
            dates: BTreeMap::new(),
        }
    }

    fn apply(mut sut: Reference, model: &Model, step: Step) -> Reference {
        STEPS_RUN.fetch_add(1, Ordering::Relaxed);
        for (call, expect) in &model.calls {
            sut.send(call, expect, &step);
        }
        sut
    }

    fn teardown(_: Reference, _: Model) {
        let n = SEQUENCES_RUN.fetch_add(1, Ordering::Relaxed) + 1;
        if n == gen::config(SEQUENCES).cases as usize {
            eprintln!(
                "reference model: {n} sequences, {} steps, {} requests checked",
                STEPS_RUN.load(Ordering::Relaxed),
                REQUESTS_RUN.load(Ordering::Relaxed)
            );
            if std::env::var_os("MODEL_OUTCOMES").is_some() {
                for (what, count) in OUTCOMES.lock().unwrap().iter() {
                    eprintln!("  {count:6} {what}");
                }
            }
        }
    }
}

prop_state_machine! {
    #![proptest_config(gen::config(SEQUENCES))]

    #[test]
    fn the_reference_agrees_with_the_model(sequential STEPS => ReferenceTest);
}
