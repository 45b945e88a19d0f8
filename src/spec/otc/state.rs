//! What each action asks of a key's state, and the state it leaves (spec
//! G and the OTC action pages): the rules the reference applies once the
//! members are valid and the key exists.

use super::action::Action;
use super::error::OtcError;
use crate::spec::key::Origin;
use crate::spec::key_state::KeyState;

/// The state a new key starts in: pending import for imported material
/// (origin `external`), else enabled.
pub fn initial(origin: Origin) -> KeyState {
    if origin == Origin::External {
        KeyState::PendingImport
    } else {
        KeyState::Enabled
    }
}

/// Whether `action` may act on a key in `state` (`default_key`: a Default
/// Master Key), and the state it leaves the key in.
///
/// - update-key-alias: not on a Default Master Key, not on a key scheduled
///   for deletion (the docs forbid only these two; a disabled key or one
///   pending import is renamed);
/// - enable-key needs a disabled key, disable-key an enabled one; neither
///   acts on a Default Master Key or a key scheduled for deletion;
/// - schedule-key-deletion: not on a Default Master Key, not twice;
/// - cancel-key-deletion needs a key scheduled for deletion, and leaves it
///   disabled (the docs' example answers "3");
/// - describe-key and list-keys read any key.
pub fn transition(
    action: Action,
    default_key: bool,
    state: KeyState,
) -> Result<KeyState, OtcError> {
    use KeyState::{Disabled, Enabled, PendingDeletion};
    let guarded = matches!(
        action,
        Action::UpdateKeyAlias
            | Action::EnableKey
            | Action::DisableKey
            | Action::ScheduleKeyDeletion
    );
    if guarded && default_key {
        return Err(OtcError::DefaultMasterKey);
    }
    match (action, state) {
        (Action::ScheduleKeyDeletion, PendingDeletion) => Err(OtcError::AlreadyPendingDeletion),
        (Action::ScheduleKeyDeletion, _) => Ok(PendingDeletion),
        (Action::CancelKeyDeletion, PendingDeletion) => Ok(Disabled),
        (Action::CancelKeyDeletion, _) => Err(OtcError::NotPendingDeletion),
        (Action::UpdateKeyAlias | Action::EnableKey | Action::DisableKey, PendingDeletion) => {
            Err(OtcError::KeyPendingDeletion)
        }
        (Action::EnableKey, Disabled) => Ok(Enabled),
        (Action::EnableKey, _) => Err(OtcError::KeyNotDisabled),
        (Action::DisableKey, Enabled) => Ok(Disabled),
        (Action::DisableKey, _) => Err(OtcError::KeyNotEnabled),
        (
            Action::UpdateKeyAlias | Action::DescribeKey | Action::ListKeys | Action::CreateKey,
            s,
        ) => Ok(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyState::*;

    #[test]
    fn the_rules_of_each_action() {
        let t = transition;
        assert_eq!(t(Action::UpdateKeyAlias, false, Disabled), Ok(Disabled));
        assert_eq!(
            t(Action::UpdateKeyAlias, false, PendingImport),
            Ok(PendingImport)
        );
        assert_eq!(
            t(Action::UpdateKeyAlias, false, PendingDeletion),
            Err(OtcError::KeyPendingDeletion)
        );
        assert_eq!(
            t(Action::UpdateKeyAlias, true, Enabled),
            Err(OtcError::DefaultMasterKey)
        );
        assert_eq!(t(Action::EnableKey, false, Disabled), Ok(Enabled));
        assert_eq!(
            t(Action::EnableKey, false, Enabled),
            Err(OtcError::KeyNotDisabled)
        );
        assert_eq!(
            t(Action::DisableKey, false, PendingImport),
            Err(OtcError::KeyNotEnabled)
        );
        assert_eq!(
            t(Action::ScheduleKeyDeletion, false, PendingDeletion),
            Err(OtcError::AlreadyPendingDeletion)
        );
        assert_eq!(
            t(Action::ScheduleKeyDeletion, true, Enabled),
            Err(OtcError::DefaultMasterKey)
        );
        assert_eq!(
            t(Action::CancelKeyDeletion, false, PendingDeletion),
            Ok(Disabled)
        );
        assert_eq!(
            t(Action::CancelKeyDeletion, true, Enabled),
            Err(OtcError::NotPendingDeletion)
        );
        assert_eq!(
            t(Action::DescribeKey, true, PendingDeletion),
            Ok(PendingDeletion)
        );
        assert_eq!(initial(Origin::External), PendingImport);
    }
}
