//! The spec's rules the model needs, written again as plain matches and
//! character loops (no call into `src/spec`'s checks).

use crate::spec::shape::{Constraint, Pattern, Violation};
use crate::spec::{Fault, KeySpec, KeyState, KeyUsage};

use super::{ACCOUNT, REGION};

/// The model's name for key number `i`, in bodies: `<k3>`.
pub(super) fn name_of(i: usize) -> String {
    format!("<k{i}>")
}

pub(super) fn key_arn(id: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}")
}

pub(super) fn alias_arn(name: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT}:{name}")
}

/// The usages CreateKey allows with a spec (section D table).
pub fn allowed_usages(spec: KeySpec) -> &'static [KeyUsage] {
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
pub(super) fn family(spec: KeySpec) -> u8 {
    match spec {
        KeySpec::SymmetricDefault => 0,
        KeySpec::Hmac224 | KeySpec::Hmac256 | KeySpec::Hmac384 | KeySpec::Hmac512 => 1,
        _ => 2,
    }
}

pub(super) fn pending(state: KeyState) -> bool {
    matches!(
        state,
        KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
    )
}

pub(super) fn violation(member: &str, value: Option<&str>, constraint: Constraint) -> Violation {
    Violation {
        member: member.into(),
        value: value.map(str::to_owned),
        constraint,
    }
}

/// AliasNameType's framework checks (spec A), by character loop.
pub(super) fn name_violations(name: &str, out: &mut Vec<Violation>) {
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
pub(super) fn name_rules(name: &str) -> Result<(), Fault> {
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

/// A key-id member's framework check: at least one character.
pub(super) fn key_id_violation(member: &str, text: &str, v: &mut Vec<Violation>) {
    if text.is_empty() {
        v.push(violation(member, Some(""), Constraint::MinLength(1)));
    }
}

/// The framework's answer to the violations found, all at once.
pub(super) fn validated(v: Vec<Violation>) -> Result<(), Fault> {
    if v.is_empty() {
        Ok(())
    } else {
        Err(Fault::Validation(v))
    }
}

pub(super) fn invalid(text: &str) -> Fault {
    Fault::InvalidKeyId {
        value: text.to_owned(),
        quoted: true,
    }
}

pub(super) fn not_found(id: &str) -> Fault {
    Fault::KeyNotFound {
        key_arn: key_arn(id),
    }
}
