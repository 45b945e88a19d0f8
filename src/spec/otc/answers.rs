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
            A::CreateKey => "otc.create-key.response",
            A::UpdateKeyAlias => "otc.update-key-alias.response",
            A::DescribeKey => "otc.describe-key.response",
            _ => "otc.keys.lifecycle",
        },
        Some(E::InvalidKeyAlias) if create || update => {
            let alias = body.get("key_alias").and_then(Value::as_str).unwrap_or("");
            let n = alias.chars().count();
            if n == 0 || n > KEY_ALIAS_MAX {
                "otc.key-alias.length"
            } else if is_reserved(alias) {
                "otc.key-alias.default-suffix"
            } else {
                "otc.key-alias.pattern"
            }
        }
        Some(E::MissingParameters) if create || update => "otc.required-members",
        Some(E::DuplicateKeyAlias) if create || update => "otc.key-alias.duplicate",
        Some(E::InvalidKeyId) if update => "otc.key-id.format",
        Some(E::KeyNotFound) if update => "otc.key-id.not-found",
        Some(E::KeyPendingDeletion) if update => "otc.key-state.rename",
        Some(E::DefaultMasterKey) if update => "otc.default-master-key",
        Some(E::InvalidSequence) if update => "otc.sequence",
        Some(E::InvalidPendingDays) => "otc.schedule-key-deletion.pending-days",
        Some(E::InvalidJson) => "otc.protocol.json",
        Some(E::TooLong) => "otc.protocol.body-size",
        Some(E::MissingToken | E::InvalidToken) => "otc.protocol.auth",
        Some(E::MethodNotSupported) => "otc.protocol.method",
        Some(E::InvalidUrl) => "otc.protocol.path",
        Some(E::InvalidFormat | E::InvalidParameter) => "otc.protocol.member-type",
        Some(_) => "otc.keys.lifecycle",
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
            "otc.key-alias.length"
        );
    }
}
