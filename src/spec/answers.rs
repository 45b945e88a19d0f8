//! Which clause of the catalogue gives an answer, and how sure the spec is
//! of the answer's message on that operation.
//!
//! Differential fuzzing writes each divergence out as a case: its clause is
//! the one whose rule produced the reference's answer, and its message is
//! checked only where AWS's text was recorded for that operation. A text
//! recorded for DescribeKey does not make the same text recorded for
//! DeleteAlias, so the message evidence is per operation here, narrower than
//! [`Fault::evidence`] (which says how sure the wording is where it was seen).

use serde_json::Value;

/// An AWS operation, or none named (the AWS columns of the catalogue).
type Column = Option<Operation>;
use super::fault::{Evidence, Fault};
use super::key_state::KeyState;
use super::operation::Operation;
use super::shape::{Constraint, Violation};

/// The clause whose rule gives `fault` on `op`.
pub fn of_fault(fault: &Fault, op: Column) -> &'static str {
    use Operation as O;
    match fault {
        Fault::Validation(violations) => of_violations(violations),
        Fault::Serialization(_) => match op {
            Some(O::CreateAlias | O::UpdateAlias | O::DeleteAlias) => "members.types",
            _ => "protocol.malformed-body",
        },
        Fault::UnknownOperation => "protocol.target",
        Fault::RequestTooLarge { .. } => "protocol.malformed-body",
        Fault::MissingAuthenticationToken => "protocol.auth.missing-token",
        Fault::IncompleteSignature(_) => "protocol.auth.incomplete-signature",
        Fault::UnrecognizedClient | Fault::InvalidSignature => "protocol.auth.unknown-access-key",
        Fault::AliasPrefix => "alias-name.prefix",
        Fault::AliasInvalidCharacters { .. } => "alias-name.colon",
        Fault::AliasReserved | Fault::AwsManagedKey => "alias-name.reserved",
        Fault::AliasExists { .. } => "alias.unique",
        Fault::AliasNotFound { .. } => "alias.not-found",
        Fault::AliasQuota { .. } => "alias.quota",
        Fault::KeyNotFound { .. } => "key-id.not-found",
        Fault::InvalidKeyId { .. } => "key-id.malformed",
        Fault::InvalidArnRegion { .. } => "key-id.other-region",
        Fault::AliasAsKey => "key-id.alias",
        Fault::KeyState { state, .. } => match (op, state) {
            (Some(O::CreateAlias | O::UpdateAlias), _) => "key-state.alias-target",
            (_, KeyState::PendingImport) => "key-state.pending-import",
            (Some(O::DisableKey | O::EnableKey), KeyState::PendingDeletion) => "key-state.deletion",
            (Some(O::DisableKey | O::EnableKey), _) => "key-state.disable-enable",
            _ => "key-state.deletion",
        },
        Fault::KeyNotPendingDeletion { .. } => "key-state.deletion",
        Fault::UsageMismatch { .. } | Fault::TypeMismatch { .. } => "alias.family",
        Fault::UsageIncompatible { .. } | Fault::UsageRequired => "create-key.key-usage",
        Fault::TagReserved | Fault::TooManyTags => "create-key.tags",
        Fault::InvalidMarker => "list-aliases.marker",
        Fault::Unsupported(_) | Fault::Internal => "protocol.error-body",
    }
}

/// The clause of the reference's answer to `body` on `op`: [`of_fault`] or
/// [`of_success`], with a key ARN of another account or partition told from
/// a missing key (`key-id.bad-arn`: the same answer, a rule of its own).
pub fn of_answer(fault: Option<&Fault>, op: Column, body: &Value, account: &str) -> &'static str {
    let Some(fault) = fault else {
        let filtered = body.get("KeyId").is_some();
        return of_success(op, filtered);
    };
    let clause = of_fault(fault, op);
    if matches!(clause, "key-id.not-found" | "key-id.malformed") {
        let sent = ["KeyId", "TargetKeyId"]
            .iter()
            .find_map(|m| body.get(*m).and_then(Value::as_str));
        if let Some(arn) = sent.and_then(|s| s.strip_prefix("arn:")) {
            let parts: Vec<&str> = arn.splitn(5, ':').collect();
            let foreign = match parts.as_slice() {
                [partition, service, _region, acct, resource] => {
                    *acct != account
                        || *service != "kms"
                        || !matches!(*partition, "aws" | "aws-cn" | "aws-us-gov")
                        || !resource.starts_with("key/")
                }
                _ => true,
            };
            if foreign {
                return "key-id.bad-arn";
            }
        }
    }
    clause
}

/// The error codes AWS may answer for `clause` on `op` where the spec
/// leaves the code open (the corpus's candidate lists), the reference's
/// own first; else just the reference's.
pub fn candidates(clause: &str, op: Column, fault: &Fault) -> Vec<&'static str> {
    use Operation as O;
    let own = fault.code().name();
    let open: &[&'static str] = match clause {
        "key-id.bad-arn" => &["NotFoundException", "InvalidArnException"],
        "key-id.alias" => &["ValidationException", "NotFoundException"],
        "alias-name.reserved" if matches!(op, Some(O::UpdateAlias | O::DeleteAlias)) => &[
            "NotAuthorizedException",
            "ValidationException",
            "KMSInvalidStateException",
            "AccessDeniedException",
        ],
        "members.types" => &["SerializationException", "ValidationException"],
        "protocol.auth.unknown-access-key" => {
            &["UnrecognizedClientException", "InvalidSignatureException"]
        }
        "protocol.auth.missing-token" | "protocol.auth.incomplete-signature" => &[
            "MissingAuthenticationTokenException",
            "IncompleteSignatureException",
        ],
        "list-aliases.marker" => &["InvalidMarkerException", "ValidationException"],
        _ => &[],
    };
    let mut out = vec![own];
    out.extend(open.iter().copied().filter(|c| *c != own));
    out
}

/// The clause of the first violation: its member and constraint.
fn of_violations(violations: &[Violation]) -> &'static str {
    let Some(v) = violations.first() else {
        return "protocol.error-body";
    };
    if v.constraint == Constraint::NotNull {
        return "members.required";
    }
    let member = v.member.to_ascii_lowercase();
    match member.as_str() {
        "aliasname" => match v.constraint {
            Constraint::Pattern(_) => "alias-name.pattern",
            _ => "alias-name.length",
        },
        "targetkeyid" | "keyid" => "key-id.length",
        "limit" => "list-aliases.limit",
        "marker" => "list-aliases.marker",
        "pendingwindowindays" => "schedule-key-deletion.window",
        m if m.starts_with("tags") => "create-key.tags",
        _ => "create-key.enums",
    }
}

/// The clause a success of `op` is checked under, with `has_key_filter`
/// telling a ListAliases with `KeyId` from one without.
pub fn of_success(op: Column, has_key_filter: bool) -> &'static str {
    use Operation as O;
    match op {
        Some(O::CreateKey) => "create-key.key-usage",
        Some(O::DescribeKey) | Some(O::ListKeys) => "key-id.forms",
        Some(O::EnableKey | O::DisableKey) => "key-state.disable-enable",
        Some(O::ScheduleKeyDeletion | O::CancelKeyDeletion) => "key-state.deletion",
        Some(O::CreateAlias) => "alias-name.pattern",
        Some(O::UpdateAlias) => "alias.retarget",
        Some(O::DeleteAlias) => "alias.delete",
        Some(O::ListAliases) if has_key_filter => "list-aliases.key-filter",
        Some(O::ListAliases) => "list-aliases.pagination",
        None => "protocol.target",
    }
}

/// The clause a success body of `op` is checked under: what a success
/// carries, when the status agrees but the body does not; `member` is the
/// differing member (a key id's shape is a clause of its own).
pub fn of_success_shape(op: Column, member: &str) -> &'static str {
    use Operation as O;
    let id_member = matches!(member, "KeyId" | "TargetKeyId");
    let id_shape_op = matches!(
        op,
        Some(
            O::CreateKey
                | O::DescribeKey
                | O::ListAliases
                | O::ScheduleKeyDeletion
                | O::CancelKeyDeletion
                | O::ListKeys
        )
    );
    if id_member && id_shape_op {
        return "key-metadata.id-shape";
    }
    match op {
        Some(O::CreateKey | O::DescribeKey) => "key-metadata.shape",
        Some(O::ListKeys | O::ScheduleKeyDeletion | O::CancelKeyDeletion) => {
            "key-metadata.id-shape"
        }
        Some(O::ListAliases) => "list-aliases.entry-shape",
        _ => "response.empty-body",
    }
}

/// How sure the spec is of `fault`'s message as an answer to `op`: the
/// wording's own grade where it was recorded for that operation, no better
/// than documented where it was recorded for another.
pub fn message_evidence(fault: &Fault, op: Column) -> Evidence {
    use Operation as O;
    let grade = fault.evidence();
    if grade != Evidence::Recorded {
        return grade;
    }
    // The operations each recorded text was recorded for (spec B, J, K).
    let recorded_on: &[Operation] = match fault {
        Fault::AliasPrefix | Fault::AliasInvalidCharacters { .. } | Fault::AliasQuota { .. } => {
            &[O::CreateAlias]
        }
        Fault::AliasExists { .. } => &[O::CreateAlias],
        Fault::AliasNotFound { .. }
        | Fault::KeyNotFound { .. }
        | Fault::InvalidKeyId { .. }
        | Fault::InvalidArnRegion { .. } => &[O::DescribeKey],
        Fault::UsageMismatch { .. } => &[O::UpdateAlias],
        Fault::UsageIncompatible { .. }
        | Fault::UsageRequired
        | Fault::TagReserved
        | Fault::TooManyTags => &[O::CreateKey],
        _ => &[],
    };
    if op.is_some_and(|o| recorded_on.contains(&o)) {
        Evidence::Recorded
    } else {
        Evidence::Inferred
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::clauses::{self, clause};
    use crate::spec::{KeySpec, KeyUsage};

    fn faults() -> Vec<Fault> {
        vec![
            Fault::Validation(vec![]),
            Fault::Serialization("x".into()),
            Fault::UnknownOperation,
            Fault::AliasPrefix,
            Fault::AliasInvalidCharacters { name: "a".into() },
            Fault::AliasReserved,
            Fault::AliasExists {
                alias_arn: "a".into(),
            },
            Fault::AliasNotFound {
                alias_arn: "a".into(),
            },
            Fault::AliasQuota {
                limit: 50,
                usage: 50,
            },
            Fault::KeyNotFound {
                key_arn: "a".into(),
            },
            Fault::InvalidKeyId {
                value: "a".into(),
                quoted: true,
            },
            Fault::InvalidArnRegion { region: "a".into() },
            Fault::AliasAsKey,
            Fault::KeyState {
                key_arn: "a".into(),
                state: KeyState::PendingDeletion,
            },
            Fault::KeyState {
                key_arn: "a".into(),
                state: KeyState::PendingImport,
            },
            Fault::KeyNotPendingDeletion {
                key_arn: "a".into(),
            },
            Fault::UsageMismatch {
                alias: "a".into(),
                from: KeyUsage::EncryptDecrypt,
                to: KeyUsage::SignVerify,
            },
            Fault::UsageIncompatible {
                usage: KeyUsage::SignVerify,
                spec: KeySpec::SymmetricDefault,
            },
            Fault::TagReserved,
            Fault::InvalidMarker,
        ]
    }

    /// Which faults each operation can answer, as the reference serves it.
    fn answers(op: Operation) -> bool {
        !matches!(op, Operation::ListKeys)
    }

    #[test]
    fn every_clause_named_is_catalogued() {
        let cols: Vec<Column> = Operation::ALL
            .iter()
            .map(|o| Some(*o))
            .chain([None])
            .collect();
        for f in faults() {
            for &op in &cols {
                let id = of_fault(&f, op);
                assert!(
                    clause(id).is_some(),
                    "{f:?} on {op:?}: `{id}` is not catalogued"
                );
            }
        }
        for &op in &cols {
            for filter in [false, true] {
                let id = of_success(op, filter);
                let c = clause(id).unwrap_or_else(|| panic!("`{id}` is not catalogued"));
                let col = op.map_or(clauses::Column::Unnamed, clauses::Column::Aws);
                if op.is_some_and(answers) && c.ops.contains(&col) {
                    assert!(
                        c.sides_of(col).accepts(),
                        "`{id}` has no accept side on {op:?}"
                    );
                }
            }
            assert!(clause(of_success_shape(op, "")).is_some());
            assert!(clause(of_success_shape(op, "KeyId")).is_some());
        }
    }

    #[test]
    fn the_alias_answers_name_their_clauses_on_the_alias_operations() {
        for op in [
            Operation::CreateAlias,
            Operation::UpdateAlias,
            Operation::DeleteAlias,
        ] {
            let id = of_fault(&Fault::AliasPrefix, Some(op));
            assert_eq!(id, "alias-name.prefix");
            let c = clause(id).unwrap();
            let col = clauses::Column::Aws(op);
            assert!(c.ops.contains(&col) && c.sides_of(col).rejects());
        }
        let state = Fault::KeyState {
            key_arn: "a".into(),
            state: KeyState::PendingDeletion,
        };
        assert_eq!(
            of_fault(&state, Some(Operation::UpdateAlias)),
            "key-state.alias-target"
        );
        assert_eq!(
            of_fault(&state, Some(Operation::EnableKey)),
            "key-state.deletion"
        );
    }

    #[test]
    fn a_key_arn_of_another_account_is_a_bad_arn_not_a_missing_key() {
        let nf = Fault::KeyNotFound {
            key_arn: "x".into(),
        };
        let op = Some(Operation::DescribeKey);
        let body = |k: &str| serde_json::json!({ "KeyId": k });
        let mine = "arn:aws:kms:us-east-1:111122223333:key/0000aaaa-0000-4000-8000-000000000000";
        let theirs = "arn:aws:kms:us-east-1:999999999999:key/0000aaaa-0000-4000-8000-000000000000";
        assert_eq!(
            of_answer(Some(&nf), op, &body(mine), "111122223333"),
            "key-id.not-found"
        );
        assert_eq!(
            of_answer(Some(&nf), op, &body(theirs), "111122223333"),
            "key-id.bad-arn"
        );
        assert_eq!(
            candidates("key-id.bad-arn", op, &nf),
            vec!["NotFoundException", "InvalidArnException"]
        );
        assert_eq!(
            candidates("key-id.not-found", op, &nf),
            vec!["NotFoundException"]
        );
    }

    #[test]
    fn a_recorded_text_is_recorded_only_on_the_operation_it_was_recorded_for() {
        let nf = Fault::AliasNotFound {
            alias_arn: "a".into(),
        };
        assert_eq!(
            message_evidence(&nf, Some(Operation::DescribeKey)),
            Evidence::Recorded
        );
        assert_eq!(
            message_evidence(&nf, Some(Operation::DeleteAlias)),
            Evidence::Inferred
        );
        assert_eq!(
            message_evidence(&Fault::AliasPrefix, Some(Operation::CreateAlias)),
            Evidence::Recorded
        );
        assert_eq!(
            message_evidence(&Fault::AliasPrefix, Some(Operation::UpdateAlias)),
            Evidence::Inferred
        );
        assert_eq!(
            message_evidence(&Fault::Validation(vec![]), Some(Operation::CreateAlias)),
            Evidence::Inferred
        );
    }
}
