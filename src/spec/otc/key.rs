//! OTC keys: the key id pattern, key_spec names (mapped onto the AWS specs
//! and families they share), usages, state strings, pending_days and the
//! `sequence` member.

use super::error::OtcError;
use crate::spec::key::{KeySpec, KeyUsage};
use crate::spec::key_state::KeyState;

/// The aliases of the Default Master Keys a project has once services have
/// used KMS (OTC user guide: `<service>/default`); the reference seeds them.
pub const DEFAULT_KEY_ALIASES: &[&str] = &["evs/default", "obs/default", "rds/default"];

/// Whether `s` has the OTC key id form
/// `^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$` (spec G):
/// lowercase letters and digits, so an AWS `mrk-` id or uppercase hex fails.
pub fn is_key_id(s: &str) -> bool {
    let part = |p: &str, n: usize| {
        p.len() == n
            && p.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| part(p, *n))
}

/// A key_id as every action that takes one checks it.
pub fn check_key_id(s: &str) -> Result<(), OtcError> {
    if is_key_id(s) {
        Ok(())
    } else {
        Err(OtcError::InvalidKeyId)
    }
}

/// The OTC key_spec names and the AWS specs they are (spec G lists these nine).
const SPECS: &[(&str, KeySpec)] = &[
    ("AES_256", KeySpec::SymmetricDefault),
    ("RSA_2048", KeySpec::Rsa2048),
    ("RSA_3072", KeySpec::Rsa3072),
    ("RSA_4096", KeySpec::Rsa4096),
    ("EC_P256", KeySpec::EccNistP256),
    ("EC_P384", KeySpec::EccNistP384),
    ("HMAC_256", KeySpec::Hmac256),
    ("HMAC_384", KeySpec::Hmac384),
    ("HMAC_512", KeySpec::Hmac512),
];

/// The key_spec names, in the docs' order.
pub fn key_spec_names() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|(n, _)| *n)
}

/// The AWS spec an OTC key_spec name stands for.
pub fn key_spec_from_name(name: &str) -> Option<KeySpec> {
    SPECS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// The OTC name of a spec, if OTC has it.
pub fn key_spec_name(spec: KeySpec) -> Option<&'static str> {
    SPECS.iter().find(|(_, s)| *s == spec).map(|(n, _)| *n)
}

/// The usage create-key gives a key: the one asked for, if the spec allows
/// it (the family rule shared with AWS, without AWS's key agreement, which
/// OTC does not list), else the default: ENCRYPT_DECRYPT for AES,
/// SIGN_VERIFY for RSA and EC, GENERATE_VERIFY_MAC for HMAC (spec G).
pub fn resolve_usage(spec: KeySpec, usage: Option<&str>) -> Result<KeyUsage, OtcError> {
    let allowed: Vec<KeyUsage> = spec
        .allowed_usages()
        .iter()
        .copied()
        .filter(|u| *u != KeyUsage::KeyAgreement)
        .collect();
    match usage {
        None => Ok(match spec.family() {
            crate::spec::Family::Symmetric => KeyUsage::EncryptDecrypt,
            crate::spec::Family::Hmac => KeyUsage::GenerateVerifyMac,
            crate::spec::Family::Asymmetric => KeyUsage::SignVerify,
        }),
        Some(name) => KeyUsage::from_name(name)
            .filter(|u| allowed.contains(u))
            .ok_or(OtcError::InvalidParameter),
    }
}

/// The `key_state` string of a state: "1" pending activation, "2" enabled,
/// "3" disabled, "4" scheduled for deletion, "5" pending import. States OTC
/// does not have are shown as the nearest one a client would act on.
pub fn state_code(state: KeyState) -> &'static str {
    match state {
        KeyState::Creating | KeyState::Updating | KeyState::Unavailable => "1",
        KeyState::Enabled => "2",
        KeyState::Disabled => "3",
        KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => "4",
        KeyState::PendingImport => "5",
    }
}

/// The state a `key_state` string names (`^[1-5]{1}$`).
pub fn state_from_code(code: &str) -> Option<KeyState> {
    Some(match code {
        "1" => KeyState::Creating,
        "2" => KeyState::Enabled,
        "3" => KeyState::Disabled,
        "4" => KeyState::PendingDeletion,
        "5" => KeyState::PendingImport,
        _ => return None,
    })
}

/// The pending deletion window, a string of days "7".."1096" (spec G),
/// read as a number: leading zeros do not count against it, and a value
/// too large for a u32 is out of range like any other.
pub fn check_pending_days(days: &str) -> Result<u32, OtcError> {
    if days.is_empty() || !days.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OtcError::InvalidPendingDays);
    }
    match days.parse::<u32>() {
        Ok(n) if (7..=1096).contains(&n) => Ok(n),
        _ => Err(OtcError::InvalidPendingDays),
    }
}

/// `sequence`: a 36-byte serial number such as
/// `919c82d4-8046-4722-9094-35c3c6524cff`. The docs give only the length
/// and a UUID example, so any 36 ASCII letters, digits and `-` pass.
pub fn check_sequence(sequence: &str) -> Result<(), OtcError> {
    if sequence.len() == 36
        && sequence
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        Ok(())
    } else {
        Err(OtcError::InvalidSequence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids() {
        assert!(is_key_id("0d0466b0-e727-4d9c-b35d-f84bb474a37f"));
        assert!(is_key_id("zzzzzzzz-e727-4d9c-b35d-f84bb474a37f"));
        assert!(!is_key_id("0D0466B0-E727-4D9C-B35D-F84BB474A37F"));
        assert!(!is_key_id("0d0466b0-e727-4d9c-b35d-f84bb474a37"));
        assert!(!is_key_id("mrk-0d0466b0e7274d9cb35df84bb474a37f"));
        assert!(!is_key_id(""));
    }

    #[test]
    fn specs_and_usages() {
        for name in key_spec_names() {
            let spec = key_spec_from_name(name).unwrap();
            assert_eq!(key_spec_name(spec), Some(name));
            assert!(resolve_usage(spec, None).is_ok());
        }
        let rsa = KeySpec::Rsa2048;
        assert_eq!(resolve_usage(rsa, None), Ok(KeyUsage::SignVerify));
        assert_eq!(
            resolve_usage(rsa, Some("ENCRYPT_DECRYPT")),
            Ok(KeyUsage::EncryptDecrypt)
        );
        assert!(resolve_usage(KeySpec::EccNistP256, Some("KEY_AGREEMENT")).is_err());
        assert!(resolve_usage(KeySpec::SymmetricDefault, Some("SIGN_VERIFY")).is_err());
    }

    #[test]
    fn states_round_trip() {
        for code in ["1", "2", "3", "4", "5"] {
            assert_eq!(state_code(state_from_code(code).unwrap()), code);
        }
        assert_eq!(state_from_code("0"), None);
        assert_eq!(state_from_code("22"), None);
    }

    #[test]
    fn pending_days_and_sequences() {
        assert_eq!(check_pending_days("7"), Ok(7));
        assert_eq!(check_pending_days("1096"), Ok(1096));
        assert!(check_pending_days("6").is_err());
        assert!(check_pending_days("1097").is_err());
        assert!(check_pending_days("+7").is_err());
        assert_eq!(check_pending_days("0007"), Ok(7));
        assert_eq!(check_pending_days("00007"), Ok(7));
        assert!(check_pending_days("99999999999").is_err());
        assert!(check_pending_days("").is_err());
        assert!(check_sequence("919c82d4-8046-4722-9094-35c3c6524cff").is_ok());
        assert!(check_sequence("919c82d4-8046-4722-9094-35c3c6524cf").is_err());
        assert!(check_sequence("919c82d4-8046-4722-9094-35c3c6524cf!").is_err());
    }
}
