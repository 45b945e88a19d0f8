//! Key states and which operations each permits (spec section C, from DG key-state.md).

use super::fault::Fault;
use super::operation::Operation;

/// `KeyState` (BC enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum KeyState {
    Creating,
    Enabled,
    Disabled,
    PendingDeletion,
    PendingImport,
    PendingReplicaDeletion,
    Unavailable,
    Updating,
}

/// Which key of an operation a state check is about: UpdateAlias checks the
/// new target but not the current one (DG footnote [10]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The key the operation acts on or points an alias at.
    Target,
    /// The key an alias points at before UpdateAlias.
    CurrentTarget,
}

impl KeyState {
    /// Every state, in model order.
    pub const ALL: &'static [KeyState] = &[
        KeyState::Creating,
        KeyState::Enabled,
        KeyState::Disabled,
        KeyState::PendingDeletion,
        KeyState::PendingImport,
        KeyState::PendingReplicaDeletion,
        KeyState::Unavailable,
        KeyState::Updating,
    ];

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            KeyState::Creating => "Creating",
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::PendingDeletion => "PendingDeletion",
            KeyState::PendingImport => "PendingImport",
            KeyState::PendingReplicaDeletion => "PendingReplicaDeletion",
            KeyState::Unavailable => "Unavailable",
            KeyState::Updating => "Updating",
        }
    }

    /// Parses a wire name.
    pub fn from_name(name: &str) -> Option<KeyState> {
        KeyState::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// The words of `<key ARN> is <description>.` (DG footnotes [3], [5], [14], [15]).
    /// The pending-deletion column covers PendingReplicaDeletion too (section C).
    pub fn description(self) -> &'static str {
        match self {
            KeyState::Creating => "creating",
            KeyState::Enabled => "enabled",
            KeyState::Disabled => "disabled",
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => "pending deletion",
            KeyState::PendingImport => "pending import",
            KeyState::Unavailable => "unavailable",
            KeyState::Updating => "updating",
        }
    }

    /// `Enabled` in KeyMetadata is true only in the Enabled state.
    pub fn is_enabled(self) -> bool {
        self == KeyState::Enabled
    }

    fn pending_deletion(self) -> bool {
        matches!(
            self,
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
        )
    }
}

/// Whether `op` may act on a key in `state` in the given role (section C).
pub fn check_state(op: Operation, role: Role, state: KeyState, key_arn: &str) -> Result<(), Fault> {
    use KeyState::*;
    use Operation::*;
    let refuse = |state| {
        Err(Fault::KeyState {
            key_arn: key_arn.to_owned(),
            state,
        })
    };
    match (op, role) {
        (CreateAlias, _) | (UpdateAlias, Role::Target) if state.pending_deletion() => refuse(state),
        (EnableKey | DisableKey, _) => match state {
            PendingDeletion | PendingReplicaDeletion | PendingImport | Creating | Updating => {
                refuse(state)
            }
            Enabled | Disabled | Unavailable => Ok(()),
        },
        (ScheduleKeyDeletion, _) => match state {
            PendingDeletion | PendingReplicaDeletion | Updating => refuse(state),
            _ => Ok(()),
        },
        (CancelKeyDeletion, _) if !state.pending_deletion() => Err(Fault::KeyNotPendingDeletion {
            key_arn: key_arn.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// The state a key is in after `op` succeeded on it (section C and its lifecycle
/// facts, validated by LS tests against AWS): EnableKey -> Enabled, DisableKey ->
/// Disabled, ScheduleKeyDeletion -> PendingDeletion, CancelKeyDeletion ->
/// **Disabled** (not Enabled). An Unavailable key accepts Enable/DisableKey but
/// keeps its state until its key store is back (DG footnote [12]).
pub fn transition(op: Operation, state: KeyState) -> KeyState {
    use KeyState::*;
    match (op, state) {
        (Operation::EnableKey | Operation::DisableKey, Unavailable) => Unavailable,
        (Operation::EnableKey, _) => Enabled,
        (Operation::DisableKey, _) => Disabled,
        (Operation::ScheduleKeyDeletion, _) => PendingDeletion,
        (Operation::CancelKeyDeletion, _) => Disabled,
        _ => state,
    }
}

/// ScheduleKeyDeletion's waiting period: 30 days by default, 7..30 allowed
/// (BC doc, section A; the model's own range 1..365 is checked first by
/// [`check_input`](super::shape::check_input)). AWS rejects values outside
/// 7..30 (section H) with an unrecorded text; the framework form is used
/// (evidence: inferred).
pub fn pending_window_days(requested: Option<i64>) -> Result<i64, Fault> {
    use super::shape::{Constraint, Violation};
    let days = requested.unwrap_or(PENDING_WINDOW_DEFAULT);
    let constraint = if days < PENDING_WINDOW_MIN {
        Constraint::MinValue(PENDING_WINDOW_MIN)
    } else if days > PENDING_WINDOW_MAX {
        Constraint::MaxValue(PENDING_WINDOW_MAX)
    } else {
        return Ok(days);
    };
    Err(Fault::Validation(vec![Violation {
        member: "pendingWindowInDays".into(),
        value: Some(days.to_string()),
        constraint,
    }]))
}

/// The default ScheduleKeyDeletion waiting period, in days (BC doc).
pub const PENDING_WINDOW_DEFAULT: i64 = 30;
/// The shortest waiting period (BC doc).
pub const PENDING_WINDOW_MIN: i64 = 7;
/// The longest waiting period (BC doc).
pub const PENDING_WINDOW_MAX: i64 = 30;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ErrorCode;

    #[test]
    fn transitions_follow_the_lifecycle() {
        use KeyState::*;
        use Operation::*;
        assert_eq!(transition(CancelKeyDeletion, PendingDeletion), Disabled);
        assert_eq!(transition(ScheduleKeyDeletion, Enabled), PendingDeletion);
        assert_eq!(transition(EnableKey, Disabled), Enabled);
        assert_eq!(transition(DisableKey, Enabled), Disabled);
        assert_eq!(transition(EnableKey, Unavailable), Unavailable);
        assert_eq!(transition(DescribeKey, Creating), Creating);
    }

    #[test]
    fn pending_window_range() {
        assert_eq!(pending_window_days(None), Ok(30));
        assert_eq!(pending_window_days(Some(7)), Ok(7));
        assert_eq!(pending_window_days(Some(30)), Ok(30));
        assert_eq!(
            pending_window_days(Some(6)).unwrap_err().message().unwrap(),
            "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7"
        );
        assert_eq!(
            pending_window_days(Some(31)).unwrap_err().message().unwrap(),
            "1 validation error detected: Value '31' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30"
        );
    }

    const ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn ok(op: Operation, role: Role, s: KeyState) -> bool {
        check_state(op, role, s, ARN).is_ok()
    }

    #[test]
    fn the_whole_matrix() {
        use KeyState::*;
        use Operation::*;
        // (operation, states that fail) straight from section C.
        let table: &[(Operation, &[KeyState])] = &[
            (CreateAlias, &[PendingDeletion, PendingReplicaDeletion]),
            (DeleteAlias, &[]),
            (ListAliases, &[]),
            (DescribeKey, &[]),
            (
                DisableKey,
                &[
                    PendingDeletion,
                    PendingReplicaDeletion,
                    PendingImport,
                    Creating,
                    Updating,
                ],
            ),
            (
                EnableKey,
                &[
                    PendingDeletion,
                    PendingReplicaDeletion,
                    PendingImport,
                    Creating,
                    Updating,
                ],
            ),
            (
                ScheduleKeyDeletion,
                &[PendingDeletion, PendingReplicaDeletion, Updating],
            ),
            (
                CancelKeyDeletion,
                &[
                    Enabled,
                    Disabled,
                    PendingImport,
                    Unavailable,
                    Creating,
                    Updating,
                ],
            ),
        ];
        for (op, failing) in table {
            for s in KeyState::ALL {
                assert_eq!(
                    ok(*op, Role::Target, *s),
                    !failing.contains(s),
                    "{op} {s:?}"
                );
            }
        }
        for s in KeyState::ALL {
            assert!(ok(UpdateAlias, Role::CurrentTarget, *s), "current {s:?}");
            assert_eq!(
                ok(UpdateAlias, Role::Target, *s),
                !matches!(s, PendingDeletion | PendingReplicaDeletion)
            );
        }
    }

    #[test]
    fn messages_name_the_key_and_state() {
        let f = check_state(
            Operation::CreateAlias,
            Role::Target,
            KeyState::PendingDeletion,
            ARN,
        )
        .unwrap_err();
        assert_eq!(f.code(), ErrorCode::KMSInvalidStateException);
        assert_eq!(f.message().unwrap(), format!("{ARN} is pending deletion."));
        let f = check_state(
            Operation::EnableKey,
            Role::Target,
            KeyState::PendingImport,
            ARN,
        )
        .unwrap_err();
        assert_eq!(f.message().unwrap(), format!("{ARN} is pending import."));
        let f = check_state(
            Operation::CancelKeyDeletion,
            Role::Target,
            KeyState::Enabled,
            ARN,
        )
        .unwrap_err();
        assert_eq!(
            f.message().unwrap(),
            format!("{ARN} is not pending deletion.")
        );
    }
}
