//! Key specs, key usages, the three key families and the rules between them
//! (spec sections D and K; BC CreateKey KeyUsage doc; DG alias-about.md), and
//! the other enums of a key's metadata. Every enum here is checked against
//! the pinned botocore model by `tests/service_model.rs`.

use super::fault::Fault;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $ty:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $ty { $(#[doc = $wire] $variant),* }

        impl $ty {
            /// Every value, in model order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            /// The wire name.
            pub fn name(self) -> &'static str {
                match self { $($ty::$variant => $wire),* }
            }

            /// Parses a wire name (case-sensitive).
            pub fn from_name(name: &str) -> Option<$ty> {
                match name { $($wire => Some($ty::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

wire_enum!(
    /// `KeySpec` (BC enum).
    KeySpec {
        Rsa2048 = "RSA_2048",
        Rsa3072 = "RSA_3072",
        Rsa4096 = "RSA_4096",
        EccNistP256 = "ECC_NIST_P256",
        EccNistP384 = "ECC_NIST_P384",
        EccNistP521 = "ECC_NIST_P521",
        EccSecgP256k1 = "ECC_SECG_P256K1",
        SymmetricDefault = "SYMMETRIC_DEFAULT",
        Hmac224 = "HMAC_224",
        Hmac256 = "HMAC_256",
        Hmac384 = "HMAC_384",
        Hmac512 = "HMAC_512",
        Sm2 = "SM2",
        MlDsa44 = "ML_DSA_44",
        MlDsa65 = "ML_DSA_65",
        MlDsa87 = "ML_DSA_87",
        EccNistEdwards25519 = "ECC_NIST_EDWARDS25519",
        MlKem512 = "ML_KEM_512",
        MlKem768 = "ML_KEM_768",
        MlKem1024 = "ML_KEM_1024",
    }
);

wire_enum!(
    /// `KeyUsageType` (BC enum).
    KeyUsage {
        SignVerify = "SIGN_VERIFY",
        EncryptDecrypt = "ENCRYPT_DECRYPT",
        GenerateVerifyMac = "GENERATE_VERIFY_MAC",
        KeyAgreement = "KEY_AGREEMENT",
        EncapsulateDecapsulate = "ENCAPSULATE_DECAPSULATE",
    }
);

wire_enum!(
    /// `OriginType` (BC enum).
    Origin {
        AwsKms = "AWS_KMS",
        External = "EXTERNAL",
        AwsCloudhsm = "AWS_CLOUDHSM",
        ExternalKeyStore = "EXTERNAL_KEY_STORE",
    }
);

wire_enum!(
    /// `KeyManagerType` (BC enum): who manages a key.
    KeyManager {
        Aws = "AWS",
        Customer = "CUSTOMER",
    }
);

wire_enum!(
    /// `MultiRegionKeyType` (BC enum).
    MultiRegionKeyType {
        Primary = "PRIMARY",
        Replica = "REPLICA",
    }
);

wire_enum!(
    /// `ExpirationModelType` (BC enum): whether imported key material expires.
    ExpirationModel {
        KeyMaterialExpires = "KEY_MATERIAL_EXPIRES",
        KeyMaterialDoesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE",
    }
);

wire_enum!(
    /// `ResourceOwnerType` (BC enum): whose keys ListKeys lists.
    ResourceOwner {
        SelfOwned = "SELF",
        OtherAccountsViaRam = "OTHER_ACCOUNTS_VIA_RAM",
    }
);

wire_enum!(
    /// `EncryptionAlgorithmSpec` (BC enum).
    EncryptionAlgorithm {
        SymmetricDefault = "SYMMETRIC_DEFAULT",
        RsaesOaepSha1 = "RSAES_OAEP_SHA_1",
        RsaesOaepSha256 = "RSAES_OAEP_SHA_256",
        Sm2Pke = "SM2PKE",
    }
);

wire_enum!(
    /// `SigningAlgorithmSpec` (BC enum).
    SigningAlgorithm {
        RsassaPssSha256 = "RSASSA_PSS_SHA_256",
        RsassaPssSha384 = "RSASSA_PSS_SHA_384",
        RsassaPssSha512 = "RSASSA_PSS_SHA_512",
        RsassaPkcs1V15Sha256 = "RSASSA_PKCS1_V1_5_SHA_256",
        RsassaPkcs1V15Sha384 = "RSASSA_PKCS1_V1_5_SHA_384",
        RsassaPkcs1V15Sha512 = "RSASSA_PKCS1_V1_5_SHA_512",
        EcdsaSha256 = "ECDSA_SHA_256",
        EcdsaSha384 = "ECDSA_SHA_384",
        EcdsaSha512 = "ECDSA_SHA_512",
        Sm2Dsa = "SM2DSA",
        MlDsaShake256 = "ML_DSA_SHAKE_256",
        Ed25519Sha512 = "ED25519_SHA_512",
        Ed25519PhSha512 = "ED25519_PH_SHA_512",
    }
);

wire_enum!(
    /// `MacAlgorithmSpec` (BC enum).
    MacAlgorithm {
        HmacSha224 = "HMAC_SHA_224",
        HmacSha256 = "HMAC_SHA_256",
        HmacSha384 = "HMAC_SHA_384",
        HmacSha512 = "HMAC_SHA_512",
    }
);

wire_enum!(
    /// `KeyAgreementAlgorithmSpec` (BC enum).
    KeyAgreementAlgorithm {
        Ecdh = "ECDH",
    }
);

wire_enum!(
    /// `EncapsulationAlgorithmSpec` (BC enum; spec K).
    EncapsulationAlgorithm {
        MlKem = "ML_KEM",
    }
);

/// The three key types of the UpdateAlias rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// SYMMETRIC_DEFAULT.
    Symmetric,
    /// RSA, ECC, SM2, ML-DSA and ML-KEM specs (ML-KEM: BC-1.44 Encapsulate
    /// `KeyId` doc, "an asymmetric ML-KEM KMS key"; spec K).
    Asymmetric,
    /// HMAC_*.
    Hmac,
}

impl Family {
    /// The family's name as used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Family::Symmetric => "SYMMETRIC",
            Family::Asymmetric => "ASYMMETRIC",
            Family::Hmac => "HMAC",
        }
    }
}

impl KeySpec {
    /// The family the spec belongs to.
    pub fn family(self) -> Family {
        use KeySpec::*;
        match self {
            SymmetricDefault => Family::Symmetric,
            Hmac224 | Hmac256 | Hmac384 | Hmac512 => Family::Hmac,
            // Listed, not `_`: a spec the model adds must be placed by hand.
            Rsa2048 | Rsa3072 | Rsa4096 | EccNistP256 | EccNistP384 | EccNistP521
            | EccSecgP256k1 | EccNistEdwards25519 | Sm2 | MlDsa44 | MlDsa65 | MlDsa87
            | MlKem512 | MlKem768 | MlKem1024 => Family::Asymmetric,
        }
    }

    /// The usages CreateKey allows for this spec (section D table; ML-KEM:
    /// BC-1.44 CreateKey KeyUsage doc, "For asymmetric KMS keys with ML-KEM
    /// key pairs, specify ENCAPSULATE_DECAPSULATE", spec K).
    pub fn allowed_usages(self) -> &'static [KeyUsage] {
        use KeySpec::*;
        use KeyUsage::*;
        match self {
            SymmetricDefault => &[EncryptDecrypt],
            Hmac224 | Hmac256 | Hmac384 | Hmac512 => &[GenerateVerifyMac],
            Rsa2048 | Rsa3072 | Rsa4096 => &[EncryptDecrypt, SignVerify],
            EccNistP256 | EccNistP384 | EccNistP521 => &[SignVerify, KeyAgreement],
            EccNistEdwards25519 | EccSecgP256k1 | MlDsa44 | MlDsa65 | MlDsa87 => &[SignVerify],
            Sm2 => &[EncryptDecrypt, SignVerify, KeyAgreement],
            MlKem512 | MlKem768 | MlKem1024 => &[EncapsulateDecapsulate],
        }
    }

    /// Whether `CustomerMasterKeySpec` (the deprecated member, whose BC enum
    /// stopped growing at SM2) knows this spec.
    pub fn in_customer_master_key_spec(self) -> bool {
        use KeySpec::*;
        match self {
            Rsa2048 | Rsa3072 | Rsa4096 | EccNistP256 | EccNistP384 | EccNistP521
            | EccSecgP256k1 | SymmetricDefault | Hmac224 | Hmac256 | Hmac384 | Hmac512 | Sm2 => {
                true
            }
            MlDsa44 | MlDsa65 | MlDsa87 | EccNistEdwards25519 | MlKem512 | MlKem768 | MlKem1024 => {
                false
            }
        }
    }

    /// The algorithms DescribeKey lists for a key of this spec and usage:
    /// (EncryptionAlgorithms, SigningAlgorithms, MacAlgorithms,
    /// KeyAgreementAlgorithms, EncapsulationAlgorithms). The last appears only
    /// for ENCAPSULATE_DECAPSULATE keys, and ML_KEM is its only value (BC-1.44
    /// KeyMetadata and EncapsulationAlgorithmSpec; spec K).
    pub fn algorithms(self, usage: KeyUsage) -> Algorithms {
        use KeySpec::*;
        use KeyUsage::*;
        let mut a = Algorithms::default();
        match (self, usage) {
            (SymmetricDefault, _) => a.encryption = &["SYMMETRIC_DEFAULT"],
            (Rsa2048 | Rsa3072 | Rsa4096, EncryptDecrypt) => {
                a.encryption = &["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
            }
            (Rsa2048 | Rsa3072 | Rsa4096, _) => {
                a.signing = &[
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                ]
            }
            (_, KeyAgreement) => a.key_agreement = &["ECDH"],
            (MlKem512 | MlKem768 | MlKem1024, _) => a.encapsulation = &["ML_KEM"],
            (EccNistP256 | EccSecgP256k1, _) => a.signing = &["ECDSA_SHA_256"],
            (EccNistP384, _) => a.signing = &["ECDSA_SHA_384"],
            (EccNistP521, _) => a.signing = &["ECDSA_SHA_512"],
            (EccNistEdwards25519, _) => a.signing = &["ED25519_SHA_512", "ED25519_PH_SHA_512"],
            (MlDsa44 | MlDsa65 | MlDsa87, _) => a.signing = &["ML_DSA_SHAKE_256"],
            (Sm2, EncryptDecrypt) => a.encryption = &["SM2PKE"],
            (Sm2, _) => a.signing = &["SM2DSA"],
            (Hmac224, _) => a.mac = &["HMAC_SHA_224"],
            (Hmac256, _) => a.mac = &["HMAC_SHA_256"],
            (Hmac384, _) => a.mac = &["HMAC_SHA_384"],
            (Hmac512, _) => a.mac = &["HMAC_SHA_512"],
        }
        a
    }
}

/// The algorithm lists of a key's metadata.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Algorithms {
    /// EncryptionAlgorithms.
    pub encryption: &'static [&'static str],
    /// SigningAlgorithms.
    pub signing: &'static [&'static str],
    /// MacAlgorithms.
    pub mac: &'static [&'static str],
    /// KeyAgreementAlgorithms.
    pub key_agreement: &'static [&'static str],
    /// EncapsulationAlgorithms.
    pub encapsulation: &'static [&'static str],
}

impl Algorithms {
    /// The lists by their KeyMetadata member names.
    pub fn members(&self) -> [(&'static str, &'static [&'static str]); 5] {
        [
            ("EncryptionAlgorithms", self.encryption),
            ("SigningAlgorithms", self.signing),
            ("KeyAgreementAlgorithms", self.key_agreement),
            ("EncapsulationAlgorithms", self.encapsulation),
            ("MacAlgorithms", self.mac),
        ]
    }
}

/// Settles CreateKey's spec and usage (B#31, B#32): the usage defaults to
/// ENCRYPT_DECRYPT only for SYMMETRIC_DEFAULT, and must be one the spec allows.
pub fn resolve_usage(spec: KeySpec, usage: Option<KeyUsage>) -> Result<KeyUsage, Fault> {
    match usage {
        None if spec == KeySpec::SymmetricDefault => Ok(KeyUsage::EncryptDecrypt),
        None => Err(Fault::UsageRequired),
        Some(u) if spec.allowed_usages().contains(&u) => Ok(u),
        Some(u) => Err(Fault::UsageIncompatible { usage: u, spec }),
    }
}

/// The UpdateAlias family rule (section D, J Q1): the new key must have the
/// current key's KeyUsage and family; the KeySpec itself may differ.
///
/// AWS checks the usage first: both recorded cases differed in type *and*
/// usage, and AWS named the usage (J Q1).
pub fn check_retarget(
    alias: &str,
    current: (KeySpec, KeyUsage),
    new: (KeySpec, KeyUsage),
) -> Result<(), Fault> {
    if current.1 != new.1 {
        return Err(Fault::UsageMismatch {
            alias: alias.to_owned(),
            from: current.1,
            to: new.1,
        });
    }
    if current.0.family() != new.0.family() {
        return Err(Fault::TypeMismatch {
            alias: alias.to_owned(),
            from: current.0,
            to: new.0,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ErrorCode;

    #[test]
    fn names_round_trip() {
        for s in KeySpec::ALL {
            assert_eq!(KeySpec::from_name(s.name()), Some(*s));
        }
        for u in KeyUsage::ALL {
            assert_eq!(KeyUsage::from_name(u.name()), Some(*u));
        }
        assert_eq!(KeySpec::from_name("symmetric_default"), None);
    }

    #[test]
    fn usage_defaults_only_for_symmetric() {
        assert_eq!(
            resolve_usage(KeySpec::SymmetricDefault, None),
            Ok(KeyUsage::EncryptDecrypt)
        );
        assert_eq!(
            resolve_usage(KeySpec::Hmac256, None),
            Err(Fault::UsageRequired)
        );
        assert_eq!(
            resolve_usage(KeySpec::Rsa2048, None),
            Err(Fault::UsageRequired)
        );
        let err = resolve_usage(KeySpec::Rsa2048, Some(KeyUsage::KeyAgreement)).unwrap_err();
        assert_eq!(
            err.message().unwrap(),
            "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048"
        );
    }

    #[test]
    fn every_spec_usage_pair_is_decided() {
        for spec in KeySpec::ALL {
            for usage in KeyUsage::ALL {
                let ok = resolve_usage(*spec, Some(*usage)).is_ok();
                assert_eq!(ok, spec.allowed_usages().contains(usage), "{spec} {usage}");
                if ok {
                    let a = spec.algorithms(*usage);
                    let lists = a.members();
                    assert_eq!(
                        lists.iter().filter(|l| !l.1.is_empty()).count(),
                        1,
                        "{spec} {usage}"
                    );
                }
            }
        }
    }

    #[test]
    fn family_rule_in_every_combination() {
        // Every pair of valid (spec, usage) keys: allowed iff same usage and same family.
        let keys: Vec<(KeySpec, KeyUsage)> = KeySpec::ALL
            .iter()
            .flat_map(|s| s.allowed_usages().iter().map(move |u| (*s, *u)))
            .collect();
        for a in &keys {
            for b in &keys {
                let verdict = check_retarget("alias/x", *a, *b);
                let expect_ok = a.1 == b.1 && a.0.family() == b.0.family();
                assert_eq!(verdict.is_ok(), expect_ok, "{a:?} -> {b:?}");
                if let Err(f) = verdict {
                    assert_eq!(f.code(), ErrorCode::ValidationException);
                    let usage_first = a.1 != b.1;
                    assert_eq!(matches!(f, Fault::UsageMismatch { .. }), usage_first);
                }
            }
        }
    }

    #[test]
    fn algorithm_names_are_values_of_their_enums() {
        for spec in KeySpec::ALL {
            for usage in spec.allowed_usages() {
                let a = spec.algorithms(*usage);
                let known: [(&[&str], Vec<&str>); 5] = [
                    (
                        a.encryption,
                        EncryptionAlgorithm::ALL.iter().map(|x| x.name()).collect(),
                    ),
                    (
                        a.signing,
                        SigningAlgorithm::ALL.iter().map(|x| x.name()).collect(),
                    ),
                    (a.mac, MacAlgorithm::ALL.iter().map(|x| x.name()).collect()),
                    (
                        a.key_agreement,
                        KeyAgreementAlgorithm::ALL
                            .iter()
                            .map(|x| x.name())
                            .collect(),
                    ),
                    (
                        a.encapsulation,
                        EncapsulationAlgorithm::ALL
                            .iter()
                            .map(|x| x.name())
                            .collect(),
                    ),
                ];
                for (list, values) in known {
                    for name in list {
                        assert!(values.contains(name), "{spec} {usage}: {name}");
                    }
                }
            }
        }
    }

    #[test]
    fn ml_kem_keys_are_asymmetric_encapsulation_keys() {
        use KeySpec::*;
        use KeyUsage::*;
        for spec in [MlKem512, MlKem768, MlKem1024] {
            assert_eq!(spec.family(), Family::Asymmetric);
            assert_eq!(spec.allowed_usages(), &[EncapsulateDecapsulate]);
            assert!(!spec.in_customer_master_key_spec());
            assert_eq!(
                spec.algorithms(EncapsulateDecapsulate).encapsulation,
                &["ML_KEM"]
            );
            assert_eq!(resolve_usage(spec, None), Err(Fault::UsageRequired));
        }
        // Same family and usage: an alias moves between ML-KEM sizes, but not
        // to another asymmetric usage.
        assert!(check_retarget(
            "alias/x",
            (MlKem512, EncapsulateDecapsulate),
            (MlKem1024, EncapsulateDecapsulate)
        )
        .is_ok());
        let f = check_retarget(
            "alias/x",
            (MlKem768, EncapsulateDecapsulate),
            (Rsa2048, EncryptDecrypt),
        )
        .unwrap_err();
        assert!(matches!(f, Fault::UsageMismatch { .. }));
    }

    #[test]
    fn documented_examples() {
        use KeySpec::*;
        use KeyUsage::*;
        let ok = |a, b| check_retarget("alias/x", a, b).is_ok();
        assert!(ok((Rsa2048, SignVerify), (EccNistP256, SignVerify)));
        assert!(ok((Rsa2048, EncryptDecrypt), (Rsa4096, EncryptDecrypt)));
        assert!(!ok(
            (SymmetricDefault, EncryptDecrypt),
            (Rsa2048, EncryptDecrypt)
        ));
        assert!(!ok((Rsa2048, EncryptDecrypt), (Rsa2048, SignVerify)));
        assert!(ok(
            (Hmac256, GenerateVerifyMac),
            (Hmac512, GenerateVerifyMac)
        ));
        assert!(!ok((EccNistP256, KeyAgreement), (EccNistP256, SignVerify)));
    }
}
