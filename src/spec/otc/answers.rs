//! Which catalogued OTC clause an answer of the reference is the rule of:
//! the differential fuzzer names a divergence's clause (and its case
//! file's) after it.

use serde_json::Value;

use super::action::Action;
use super::alias::{is_reserved, KEY_ALIAS_MAX};
use super::error::OtcError;

/// The clause of the rule behind `error` (or behind a success, `None`) to
/// the request `body` of `action`.
pub fn clause_of(action: Action, error: Option<OtcError>, body: &Value) -> &'static str {
    use Action as A;
    use OtcError as E;
    let create = action == A::CreateKey;
    let update = action == A::UpdateKeyAlias;
    match error {
        None => match action {
            A::CreateKey => "OTC.create-key.response",
            A::UpdateKeyAlias => "OTC.update-key-alias.response",
            A::DescribeKey => "OTC.describe-key.response",
            _ => "OTC.keys.lifecycle",
        },
        Some(E::InvalidKeyAlias) if create || update => {
            let alias = body.get("key_alias").and_then(Value::as_str).unwrap_or("");
            let n = alias.chars().count();
            let rule = if n == 0 || n > KEY_ALIAS_MAX {
                "length"
            } else if is_reserved(alias) {
                "default-suffix"
            } else {
                "pattern"
            };
            match (create, rule) {
                (true, "length") => "OTC.create-key.key_alias.length",
                (true, "default-suffix") => "OTC.create-key.key_alias.default-suffix",
                (true, _) => "OTC.create-key.key_alias.pattern",
                (false, "length") => "OTC.update-key-alias.key_alias.length",
                (false, "default-suffix") => "OTC.update-key-alias.key_alias.default-suffix",
                (false, _) => "OTC.update-key-alias.key_alias.pattern",
            }
        }
        Some(E::MissingParameters) if create => "OTC.create-key.key_alias.required",
        Some(E::MissingParameters) if update => "OTC.update-key-alias.required",
        Some(E::DuplicateKeyAlias) if create => "OTC.create-key.key_alias.duplicate",
        Some(E::DuplicateKeyAlias) if update => "OTC.update-key-alias.duplicate",
        Some(E::InvalidKeyId) if update => "OTC.update-key-alias.key_id.format",
        Some(E::KeyNotFound) if update => "OTC.update-key-alias.key_id.not-found",
        Some(E::KeyPendingDeletion) if update => "OTC.update-key-alias.key-state",
        Some(E::DefaultMasterKey) if update => "OTC.update-key-alias.default-master-key",
        Some(E::InvalidSequence) if update => "OTC.update-key-alias.sequence",
        Some(E::InvalidPendingDays) => "OTC.schedule-key-deletion.pending_days",
        Some(E::InvalidJson) => "OTC.protocol.json",
        Some(E::TooLong) => "OTC.protocol.body-size",
        Some(E::MissingToken | E::InvalidToken) => "OTC.protocol.auth",
        Some(E::MethodNotSupported) => "OTC.protocol.method",
        Some(E::InvalidUrl) => "OTC.protocol.path",
        Some(E::InvalidFormat | E::InvalidParameter) => "OTC.protocol.member-type",
        Some(_) => "OTC.keys.lifecycle",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::clauses::clause;
    use serde_json::json;

    #[test]
    fn every_clause_named_is_catalogued() {
        let bodies = [
            json!({}),
            json!({"key_alias": ""}),
            json!({"key_alias": "a/default"}),
            json!({"key_alias": "a b"}),
        ];
        for action in Action::ALL {
            for error in std::iter::once(None).chain(OtcError::ALL.iter().copied().map(Some)) {
                for body in &bodies {
                    let id = clause_of(*action, error, body);
                    assert!(
                        clause(id).is_some(),
                        "{action} {error:?}: `{id}` is not catalogued"
                    );
                }
            }
        }
        assert_eq!(
            clause_of(
                Action::UpdateKeyAlias,
                Some(OtcError::InvalidKeyAlias),
                &json!({"key_alias": "a".repeat(256)})
            ),
            "OTC.update-key-alias.key_alias.length"
        );
    }
}
