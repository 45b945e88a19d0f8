//! The error catalogue: every error the service and the suite speak of, with
//! its code, HTTP status, message and how sure we are of that message.
//!
//! Section references (B#n, J Qn, ...) are to `shared/spec/aws-kms-alias.md`.

use super::key::{KeySpec, KeyUsage};
use super::key_state::KeyState;
use super::operation::Operation;
use super::shape::Violation;

/// How sure the catalogue is of a message's exact wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Evidence {
    /// Recorded from real AWS (a snapshot, or AWS's text quoted by users).
    Recorded,
    /// Stated by AWS documentation or the service model.
    Documented,
    /// Inferred from the framework's wording or from emulators.
    Inferred,
}

impl Evidence {
    /// The lowercase name used in case files (`recorded`, `documented`, `inferred`).
    pub fn name(self) -> &'static str {
        match self {
            Evidence::Recorded => "recorded",
            Evidence::Documented => "documented",
            Evidence::Inferred => "inferred",
        }
    }
}

macro_rules! error_codes {
    ($($code:ident => $status:expr),* $(,)?) => {
        /// The `__type` of an error response.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(clippy::enum_variant_names)]
        pub enum ErrorCode { $(#[allow(missing_docs)] $code),* }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$code),*];

            /// The code as it appears in `__type`.
            pub fn name(self) -> &'static str {
                match self { $(ErrorCode::$code => stringify!($code)),* }
            }

            /// The HTTP status AWS answers with for this code.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$code => $status),* }
            }
        }
    };
}

// Client errors are 400 (API reference; FLOCI PR #3968 notes 404 is wrong);
// `fault: true` shapes in BC are 500.
error_codes! {
    // modeled by KMS (BC)
    AlreadyExistsException => 400,
    NotFoundException => 400,
    InvalidAliasNameException => 400,
    LimitExceededException => 400,
    KMSInvalidStateException => 400,
    InvalidMarkerException => 400,
    InvalidArnException => 400,
    DisabledException => 400,
    MalformedPolicyDocumentException => 400,
    UnsupportedOperationException => 400,
    TagException => 400,
    CustomKeyStoreNotFoundException => 400,
    CustomKeyStoreInvalidStateException => 400,
    CloudHsmClusterInvalidConfigurationException => 400,
    XksKeyInvalidConfigurationException => 400,
    XksKeyAlreadyInUseException => 400,
    XksKeyNotFoundException => 400,
    KMSInternalException => 500,
    DependencyTimeoutException => 500,
    // the common (framework) set (spec F)
    ValidationException => 400,
    NotAuthorizedException => 400,
    AccessDeniedException => 400,
    SerializationException => 400,
    UnknownOperationException => 400,
    MissingAuthenticationTokenException => 400,
    UnrecognizedClientException => 400,
    InvalidSignatureException => 400,
    IncompleteSignatureException => 400,
    ThrottlingException => 400,
    RequestEntityTooLargeException => 413,
}

impl ErrorCode {
    /// Looks a code up by name, accepting the decorated forms clients strip
    /// (`com.amazonaws.kms#NotFoundException`, `NotFoundException:http://...`).
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        let bare = sanitize_code(name);
        ErrorCode::ALL.iter().copied().find(|c| c.name() == bare)
    }
}

/// The error shapes BC lists for an operation (its `errors`, in model order;
/// spec A). The framework's common errors (ValidationException, ...) are in
/// no operation's list.
pub fn modeled_errors(op: Operation) -> &'static [ErrorCode] {
    use ErrorCode::*;
    use Operation as O;
    match op {
        O::CreateKey => &[
            MalformedPolicyDocumentException,
            DependencyTimeoutException,
            InvalidArnException,
            UnsupportedOperationException,
            KMSInternalException,
            LimitExceededException,
            TagException,
            CustomKeyStoreNotFoundException,
            CustomKeyStoreInvalidStateException,
            CloudHsmClusterInvalidConfigurationException,
            XksKeyInvalidConfigurationException,
            XksKeyAlreadyInUseException,
            XksKeyNotFoundException,
        ],
        O::DescribeKey => &[
            NotFoundException,
            InvalidArnException,
            DependencyTimeoutException,
            KMSInternalException,
        ],
        O::ListKeys => &[
            DependencyTimeoutException,
            KMSInternalException,
            InvalidMarkerException,
        ],
        O::EnableKey => &[
            NotFoundException,
            InvalidArnException,
            DependencyTimeoutException,
            KMSInternalException,
            LimitExceededException,
            KMSInvalidStateException,
        ],
        O::DisableKey | O::ScheduleKeyDeletion | O::CancelKeyDeletion => &[
            NotFoundException,
            InvalidArnException,
            DependencyTimeoutException,
            KMSInternalException,
            KMSInvalidStateException,
        ],
        O::CreateAlias => &[
            DependencyTimeoutException,
            AlreadyExistsException,
            NotFoundException,
            InvalidAliasNameException,
            KMSInternalException,
            LimitExceededException,
            KMSInvalidStateException,
        ],
        O::UpdateAlias => &[
            DependencyTimeoutException,
            NotFoundException,
            KMSInternalException,
            LimitExceededException,
            KMSInvalidStateException,
        ],
        O::DeleteAlias => &[
            DependencyTimeoutException,
            NotFoundException,
            KMSInternalException,
            KMSInvalidStateException,
        ],
        O::ListAliases => &[
            DependencyTimeoutException,
            InvalidMarkerException,
            KMSInternalException,
            InvalidArnException,
            NotFoundException,
        ],
    }
}

/// Strips a namespace (`...#`) and a suffix (`:...`) from a `__type`, as the
/// AWS SDKs do (BC parsers.py, smithy-rs `sanitize_error_code`).
pub fn sanitize_code(raw: &str) -> &str {
    let no_suffix = raw.split(':').next().unwrap_or(raw);
    no_suffix.rsplit('#').next().unwrap_or(no_suffix)
}

/// Why a request failed: one variant per condition the spec names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Framework constraint violations (length, pattern, enum, range, null).
    Validation(Vec<Violation>),
    /// The body is not JSON, not an object, or a member has the wrong JSON type.
    Serialization(String),
    /// Missing or unknown `X-Amz-Target`.
    UnknownOperation,
    /// The body exceeds the service's size limit.
    RequestTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// No `Authorization` header when signatures are checked.
    MissingAuthenticationToken,
    /// An `Authorization` header that cannot be parsed.
    IncompleteSignature(String),
    /// An access key the service does not know.
    UnrecognizedClient,
    /// A signature that does not verify.
    InvalidSignature,
    /// B#1: the alias name does not start with `alias/`.
    AliasPrefix,
    /// B#4 / J Q3: the name has the prefix but fails the service's own pattern.
    AliasInvalidCharacters {
        /// The alias name as sent.
        name: String,
    },
    /// B#8 / J Q2: the `alias/aws/` prefix is reserved for AWS.
    AliasReserved,
    /// B#9 / J Q7: an alias of that name exists.
    AliasExists {
        /// The alias ARN (AWS names the ARN, not the name).
        alias_arn: String,
    },
    /// B#16 / J Q7: no alias of that name.
    AliasNotFound {
        /// The alias ARN.
        alias_arn: String,
    },
    /// B#21 / J Q8: the key has as many aliases as the quota allows.
    AliasQuota {
        /// The quota (50).
        limit: usize,
        /// Aliases the key has now.
        usage: usize,
    },
    /// B#10: a well-formed key id or ARN of a key that does not exist.
    KeyNotFound {
        /// The key ARN (shown even when a bare id was sent).
        key_arn: String,
    },
    /// B#11 / J Q4: a malformed key identifier.
    InvalidKeyId {
        /// The identifier, or the id part of an ARN.
        value: String,
        /// A bare id is quoted, the id part of an ARN is not (J Q4).
        quoted: bool,
    },
    /// B#12: a key ARN of another Region.
    InvalidArnRegion {
        /// The ARN's Region.
        region: String,
    },
    /// B#13 / J Q4: an alias where a key is required.
    AliasAsKey,
    /// Section C: the key's state forbids the operation.
    KeyState {
        /// The key ARN.
        key_arn: String,
        /// The state that forbids it.
        state: KeyState,
    },
    /// DG footnote [4]: CancelKeyDeletion of a key not pending deletion.
    KeyNotPendingDeletion {
        /// The key ARN.
        key_arn: String,
    },
    /// J Q1: UpdateAlias to a key of another KeyUsage.
    UsageMismatch {
        /// The alias name as sent.
        alias: String,
        /// The current key's usage.
        from: KeyUsage,
        /// The new key's usage.
        to: KeyUsage,
    },
    /// J Q1: UpdateAlias to a key of the same usage but another family.
    TypeMismatch {
        /// The alias name as sent.
        alias: String,
        /// The current key's spec.
        from: KeySpec,
        /// The new key's spec.
        to: KeySpec,
    },
    /// B#31: CreateKey with a usage the spec does not allow.
    UsageIncompatible {
        /// The usage sent.
        usage: KeyUsage,
        /// The spec sent.
        spec: KeySpec,
    },
    /// B#32: CreateKey of a non-symmetric spec without a usage.
    UsageRequired,
    /// Spec K: a TagKey beginning with `aws:` in any letter case.
    TagReserved,
    /// Spec K: more than 50 tags on a key.
    TooManyTags,
    /// B#25: a Marker the service did not issue.
    InvalidMarker,
    /// B#23: an alias may not point at an AWS managed key.
    AwsManagedKey,
    /// A feature the reference does not provide (custom key stores).
    Unsupported(String),
    /// A handler bug: the service answers 500 instead of crashing.
    Internal,
}

impl Fault {
    /// IncompleteSignatureException for an `Authorization` header that lacks
    /// `part` (a SigV4 parameter or header), in the framework's usual form
    /// (spec F: "varies"; evidence inferred).
    pub fn incomplete_signature(part: &str) -> Fault {
        Fault::IncompleteSignature(format!(
            "Authorization header requires '{part}' parameter. Authorization={part} missing or malformed."
        ))
    }

    /// UnsupportedOperationException for a feature the reference lacks
    /// (custom key stores); not an AWS rule, so the text is the reference's.
    pub fn reference_unsupported(feature: &str) -> Fault {
        Fault::Unsupported(format!(
            "{feature} is not supported by the reference service."
        ))
    }

    /// The `__type` of the error.
    pub fn code(&self) -> ErrorCode {
        use ErrorCode as C;
        match self {
            Fault::Validation(_)
            | Fault::AliasPrefix
            | Fault::AliasInvalidCharacters { .. }
            | Fault::AliasAsKey
            | Fault::UsageMismatch { .. }
            | Fault::TypeMismatch { .. }
            | Fault::UsageIncompatible { .. }
            | Fault::UsageRequired => C::ValidationException,
            Fault::Serialization(_) => C::SerializationException,
            Fault::UnknownOperation => C::UnknownOperationException,
            Fault::RequestTooLarge { .. } => C::RequestEntityTooLargeException,
            Fault::MissingAuthenticationToken => C::MissingAuthenticationTokenException,
            Fault::IncompleteSignature(_) => C::IncompleteSignatureException,
            Fault::UnrecognizedClient => C::UnrecognizedClientException,
            Fault::InvalidSignature => C::InvalidSignatureException,
            Fault::AliasReserved | Fault::AwsManagedKey => C::NotAuthorizedException,
            Fault::AliasExists { .. } => C::AlreadyExistsException,
            Fault::AliasNotFound { .. }
            | Fault::KeyNotFound { .. }
            | Fault::InvalidKeyId { .. }
            | Fault::InvalidArnRegion { .. } => C::NotFoundException,
            Fault::AliasQuota { .. } => C::LimitExceededException,
            Fault::KeyState { .. } | Fault::KeyNotPendingDeletion { .. } => {
                C::KMSInvalidStateException
            }
            Fault::InvalidMarker => C::InvalidMarkerException,
            Fault::TagReserved | Fault::TooManyTags => C::TagException,
            Fault::Unsupported(_) => C::UnsupportedOperationException,
            Fault::Internal => C::KMSInternalException,
        }
    }

    /// The HTTP status of the error.
    pub fn status(&self) -> u16 {
        self.code().status()
    }

    /// The message, or `None` where AWS sends none.
    pub fn message(&self) -> Option<String> {
        Some(match self {
            Fault::Validation(v) => super::shape::validation_message(v),
            Fault::Serialization(detail) => detail.clone(),
            // Coral sends UnknownOperationException without a message (spec F).
            Fault::UnknownOperation => return None,
            Fault::RequestTooLarge { limit } => {
                format!("Request body is larger than the limit of {limit} bytes.")
            }
            Fault::MissingAuthenticationToken => "Missing Authentication Token".into(),
            Fault::IncompleteSignature(detail) => detail.clone(),
            Fault::UnrecognizedClient => {
                "The security token included in the request is invalid.".into()
            }
            Fault::InvalidSignature => "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.".into(),
            Fault::AliasPrefix => "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html".into(),
            Fault::AliasInvalidCharacters { name } => {
                format!("{name} contains invalid characters for an alias")
            }
            // J Q2: the 2015 body was exactly {"__type":"NotAuthorizedException"}.
            Fault::AliasReserved | Fault::AwsManagedKey => return None,
            Fault::AliasExists { alias_arn } => {
                format!("An alias with the name {alias_arn} already exists")
            }
            Fault::AliasNotFound { alias_arn } => format!("Alias {alias_arn} is not found."),
            Fault::AliasQuota { limit, usage } => format!(
                "Aliases per key quota for this account in this region is {limit}, current usage is {usage}."
            ),
            Fault::KeyNotFound { key_arn } => format!("Key '{key_arn}' does not exist"),
            Fault::InvalidKeyId { value, quoted: true } => format!("Invalid keyId '{value}'"),
            Fault::InvalidKeyId { value, quoted: false } => format!("Invalid keyId {value}"),
            Fault::InvalidArnRegion { region } => format!("Invalid arn {region}"),
            Fault::AliasAsKey => "Aliases must refer to keys. Not aliases".into(),
            Fault::KeyState { key_arn, state } => {
                format!("{key_arn} is {}.", state.description())
            }
            Fault::KeyNotPendingDeletion { key_arn } => {
                format!("{key_arn} is not pending deletion.")
            }
            Fault::UsageMismatch { alias, from, to } => format!(
                "Alias {alias} cannot be changed from a CMK with key usage {} to a CMK with key usage {}. The key usage of the current CMK and the new CMK must be the same.",
                from.name(),
                to.name()
            ),
            // J Q1: the type-only text is unknown; this one follows the
            // recorded usage text's form.
            Fault::TypeMismatch { alias, from, to } => format!(
                "Alias {alias} cannot be changed from a CMK with key type {} to a CMK with key type {}. The key type of the current CMK and the new CMK must be the same.",
                from.family().name(),
                to.family().name()
            ),
            Fault::UsageIncompatible { usage, spec } => format!(
                "KeyUsage {} is not compatible with KeySpec {}",
                usage.name(),
                spec.name()
            ),
            Fault::UsageRequired => "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.".into(),
            // Spec K (LS-snap test_create_key_with_invalid_tag_key, 2025-01).
            Fault::TagReserved => "Tags beginning with aws: are reserved".into(),
            // Spec K (LS-snap test_create_key_with_too_many_tags_raises_error, 2025-01).
            Fault::TooManyTags => "Too many tags".into(),
            // B#25: no text was ever recorded; AWS's is unknown, so send none.
            Fault::InvalidMarker => return None,
            Fault::Unsupported(detail) => detail.clone(),
            Fault::Internal => "An internal error occurred.".into(),
        })
    }

    /// How sure the catalogue is of [`Fault::message`]'s wording.
    pub fn evidence(&self) -> Evidence {
        use Evidence::*;
        match self {
            // The framework form is recorded for other members (J Q6, B#33);
            // for the alias members it is inferred.
            Fault::Validation(_) => Inferred,
            Fault::AliasPrefix
            | Fault::AliasInvalidCharacters { .. }
            | Fault::AliasExists { .. }
            | Fault::AliasNotFound { .. }
            | Fault::KeyNotFound { .. }
            | Fault::InvalidKeyId { .. }
            | Fault::InvalidArnRegion { .. }
            | Fault::UsageMismatch { .. }
            | Fault::UsageIncompatible { .. }
            | Fault::UsageRequired
            | Fault::TagReserved
            | Fault::TooManyTags
            | Fault::AliasQuota { .. } => Recorded,
            Fault::KeyState { .. } | Fault::KeyNotPendingDeletion { .. } => Documented,
            Fault::Serialization(_)
            | Fault::UnknownOperation
            | Fault::RequestTooLarge { .. }
            | Fault::MissingAuthenticationToken
            | Fault::IncompleteSignature(_)
            | Fault::UnrecognizedClient
            | Fault::InvalidSignature
            | Fault::AliasReserved
            | Fault::AliasAsKey
            | Fault::TypeMismatch { .. }
            | Fault::InvalidMarker
            | Fault::AwsManagedKey
            | Fault::Unsupported(_)
            | Fault::Internal => Inferred,
        }
    }

    /// The JSON error body AWS sends: `{"__type": CODE, "message": TEXT}`,
    /// without `message` where AWS sends none.
    pub fn body(&self) -> serde_json::Value {
        let mut body = serde_json::Map::new();
        body.insert("__type".into(), self.code().name().into());
        if let Some(message) = self.message() {
            body.insert("message".into(), message.into());
        }
        serde_json::Value::Object(body)
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.message() {
            Some(m) => write!(f, "{}: {m}", self.code().name()),
            None => f.write_str(self.code().name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_strip_decorations() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_name(c.name()), Some(*c));
        }
        assert_eq!(
            ErrorCode::from_name("com.amazonaws.kms#NotFoundException"),
            Some(ErrorCode::NotFoundException)
        );
        assert_eq!(
            ErrorCode::from_name("NotFoundException:http://internal.amazon.com/coral/"),
            Some(ErrorCode::NotFoundException)
        );
        assert_eq!(ErrorCode::from_name("Nope"), None);
    }

    #[test]
    fn server_faults_are_500() {
        assert_eq!(ErrorCode::KMSInternalException.status(), 500);
        assert_eq!(ErrorCode::DependencyTimeoutException.status(), 500);
        assert_eq!(ErrorCode::NotFoundException.status(), 400);
    }

    #[test]
    fn recorded_messages_are_verbatim() {
        let arn = "arn:aws:kms:us-west-2:111122223333:alias/eks/foo";
        assert_eq!(
            Fault::AliasExists { alias_arn: arn.into() }.message().unwrap(),
            "An alias with the name arn:aws:kms:us-west-2:111122223333:alias/eks/foo already exists"
        );
        assert_eq!(
            Fault::AliasNotFound {
                alias_arn: arn.into()
            }
            .message()
            .unwrap(),
            "Alias arn:aws:kms:us-west-2:111122223333:alias/eks/foo is not found."
        );
        assert_eq!(
            Fault::InvalidKeyId {
                value: "fake-key-id".into(),
                quoted: true
            }
            .message()
            .unwrap(),
            "Invalid keyId 'fake-key-id'"
        );
        assert_eq!(
            Fault::UsageMismatch {
                alias: "alias/testing-local-kms-ecc".into(),
                from: KeyUsage::SignVerify,
                to: KeyUsage::EncryptDecrypt
            }
            .message()
            .unwrap(),
            "Alias alias/testing-local-kms-ecc cannot be changed from a CMK with key usage SIGN_VERIFY to a CMK with key usage ENCRYPT_DECRYPT. The key usage of the current CMK and the new CMK must be the same."
        );
    }

    #[test]
    fn every_modeled_error_is_catalogued_once() {
        for op in Operation::ALL {
            let errors = modeled_errors(*op);
            for (i, e) in errors.iter().enumerate() {
                assert!(!errors[i + 1..].contains(e), "{op}: {e:?} twice");
            }
        }
        assert!(modeled_errors(Operation::CreateKey).contains(&ErrorCode::TagException));
    }

    #[test]
    fn tag_faults_are_tag_exceptions() {
        assert_eq!(
            Fault::TagReserved.body(),
            serde_json::json!({"__type": "TagException", "message": "Tags beginning with aws: are reserved"})
        );
        assert_eq!(Fault::TooManyTags.message().unwrap(), "Too many tags");
        assert_eq!(Fault::TooManyTags.status(), 400);
    }

    #[test]
    fn reserved_alias_body_has_no_message() {
        assert_eq!(
            Fault::AliasReserved.body(),
            serde_json::json!({"__type": "NotAuthorizedException"})
        );
    }
}
