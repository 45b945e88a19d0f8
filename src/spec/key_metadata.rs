//! Which members a key's `KeyMetadata` carries, per key spec, origin and
//! state (spec K; BC KeyMetadata member docs). The members and their types
//! are `shape::KEY_METADATA`; these rules say when the optional ones appear.

use super::key::{KeySpec, MultiRegionKeyType, Origin};
use super::key_state::KeyState;

/// What decides the optional members of a key's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyFacts {
    /// KeySpec.
    pub spec: KeySpec,
    /// Origin.
    pub origin: Origin,
    /// KeyState.
    pub state: KeyState,
    /// MultiRegion.
    pub multi_region: bool,
    /// Whether key material was ever imported (EXTERNAL keys; the reference
    /// serves no ImportKeyMaterial, so its EXTERNAL keys never have any).
    pub material_imported: bool,
}

/// `CurrentKeyMaterialId`: present for SYMMETRIC_DEFAULT keys of origin
/// AWS_KMS, and of origin EXTERNAL once material was imported; absent for
/// HMAC and asymmetric keys. Recorded (LS-snap 2025-11: every Enabled
/// symmetric AWS_KMS key, through CreateKey and DescribeKey, single- and
/// multi-Region; none for HMAC, asymmetric and never-imported EXTERNAL keys);
/// documented for the other states (BC doc: "present for symmetric
/// encryption keys with AWS_KMS or EXTERNAL origin"). Absent while the key is
/// Creating (LS-snap test_replicate_key: a replica in Creating has none).
pub fn has_current_key_material(f: &KeyFacts) -> bool {
    let material = match f.origin {
        Origin::AwsKms => true,
        Origin::External => f.material_imported,
        Origin::AwsCloudhsm | Origin::ExternalKeyStore => false,
    };
    f.spec == KeySpec::SymmetricDefault && material && f.state != KeyState::Creating
}

/// `MultiRegionConfiguration.MultiRegionKeyType`, or `None` where the member
/// is absent (single-Region keys; BC doc "present only when ... MultiRegion
/// is True"). A key CreateKey made is the PRIMARY (LS-snap
/// test_create_multi_region_key: `{MultiRegionKeyType: PRIMARY, PrimaryKey:
/// {Arn: <its ARN>, Region: <its Region>}, ReplicaKeys: []}`); replicas come
/// only from ReplicateKey, which the reference does not serve.
pub fn multi_region_key_type(f: &KeyFacts) -> Option<MultiRegionKeyType> {
    f.multi_region.then_some(MultiRegionKeyType::Primary)
}

/// `DeletionDate`: only while PendingDeletion (BC doc; LS test
/// test_schedule_and_cancel_key_deletion, aws.validated: present after
/// ScheduleKeyDeletion, gone after CancelKeyDeletion). A primary key in
/// PendingReplicaDeletion has no date yet (its window starts when the last
/// replica is gone).
pub fn shows_deletion_date(state: KeyState) -> bool {
    state == KeyState::PendingDeletion
}

/// `PendingDeletionWindowInDays`: only in PendingReplicaDeletion (BC doc:
/// "This value is present only when the KeyState of the KMS key is
/// PendingReplicaDeletion"; documented, not recorded).
pub fn shows_pending_deletion_window(state: KeyState) -> bool {
    state == KeyState::PendingReplicaDeletion
}

/// `ExpirationModel`: only for EXTERNAL keys once material was imported
/// (BC doc: "present only when Origin is EXTERNAL"; LS-snap 2025: absent
/// before the import, present after it).
pub fn shows_expiration_model(f: &KeyFacts) -> bool {
    f.origin == Origin::External && f.material_imported
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(spec: KeySpec, origin: Origin, state: KeyState) -> KeyFacts {
        KeyFacts {
            spec,
            origin,
            state,
            multi_region: false,
            material_imported: false,
        }
    }

    #[test]
    fn current_key_material_as_recorded() {
        use KeySpec::*;
        use KeyState::*;
        use Origin::*;
        assert!(has_current_key_material(&facts(
            SymmetricDefault,
            AwsKms,
            Enabled
        )));
        assert!(has_current_key_material(&facts(
            SymmetricDefault,
            AwsKms,
            Disabled
        )));
        assert!(!has_current_key_material(&facts(
            SymmetricDefault,
            AwsKms,
            Creating
        )));
        assert!(!has_current_key_material(&facts(Hmac256, AwsKms, Enabled)));
        assert!(!has_current_key_material(&facts(Rsa2048, AwsKms, Enabled)));
        assert!(!has_current_key_material(&facts(MlKem768, AwsKms, Enabled)));
        assert!(!has_current_key_material(&facts(
            SymmetricDefault,
            External,
            PendingImport
        )));
        let imported = KeyFacts {
            material_imported: true,
            ..facts(SymmetricDefault, External, PendingImport)
        };
        assert!(has_current_key_material(&imported));
        assert!(shows_expiration_model(&imported));
    }

    #[test]
    fn deletion_members_by_state() {
        for s in KeyState::ALL {
            assert_eq!(shows_deletion_date(*s), *s == KeyState::PendingDeletion);
            assert_eq!(
                shows_pending_deletion_window(*s),
                *s == KeyState::PendingReplicaDeletion
            );
        }
    }

    #[test]
    fn multi_region_keys_are_primaries() {
        let mut f = facts(KeySpec::SymmetricDefault, Origin::AwsKms, KeyState::Enabled);
        assert_eq!(multi_region_key_type(&f), None);
        f.multi_region = true;
        assert_eq!(multi_region_key_type(&f), Some(MultiRegionKeyType::Primary));
    }
}
