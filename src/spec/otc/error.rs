//! The OTC error catalogue (spec G; OTC `appendix/error_code.rst`): code,
//! HTTP status and message, answered as
//! `{"error": {"error_code": "KMS.XXXX", "error_msg": "..."}}`.

use serde_json::{json, Value};

/// The header that carries the IAM token.
pub const AUTH_HEADER: &str = "x-auth-token";

macro_rules! otc_errors {
    ($($variant:ident = $status:literal, $code:literal, $msg:literal;)*) => {
        /// An error of the OTC dialect.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum OtcError { $(#[doc = $msg] $variant),* }

        impl OtcError {
            /// Every error, in catalogue order.
            pub const ALL: &'static [OtcError] = &[$(OtcError::$variant),*];

            /// The `error_code`, e.g. `KMS.1101`.
            pub fn code(self) -> &'static str {
                match self { $(OtcError::$variant => $code),* }
            }

            /// The HTTP status it is answered with.
            pub fn status(self) -> u16 {
                match self { $(OtcError::$variant => $status),* }
            }

            /// The `error_msg` the catalogue gives.
            pub fn message(self) -> &'static str {
                match self { $(OtcError::$variant => $msg),* }
            }
        }
    };
}

otc_errors! {
    InvalidUrl = 400, "KMS.0201", "Invalid request URL.";
    InvalidJson = 400, "KMS.0202", "Invalid JSON format of the request message.";
    TooLong = 400, "KMS.0203", "Request message too long.";
    MissingParameters = 400, "KMS.0204", "Parameters missing in the request message.";
    InvalidKeyId = 400, "KMS.0205", "Invalid key ID.";
    InvalidSequence = 400, "KMS.0206", "Invalid sequence number.";
    KeyDisabled = 400, "KMS.0209", "The key has been disabled.";
    KeyPendingDeletion = 400, "KMS.0210", "The key is in Scheduled deletion state and cannot be used.";
    DefaultMasterKey = 400, "KMS.0211", "Cannot perform this operation on Default Master Keys.";
    InvalidFormat = 400, "KMS.0214", "The request format is invalid.";
    InvalidParameter = 400, "KMS.0308", "Invalid parameter.";
    InvalidKeyAlias = 400, "KMS.1101", "Invalid key_alias.";
    InvalidKeyDescription = 400, "KMS.1103", "Invalid key_description.";
    DuplicateKeyAlias = 400, "KMS.1104", "Duplicate key aliases.";
    TooManyKeys = 400, "KMS.1105", "Too many keys.";
    InvalidAlgType = 400, "KMS.1110", "Invalid alg_type.";
    KeyNotDisabled = 400, "KMS.1201", "The key is not disabled.";
    KeyNotEnabled = 400, "KMS.1301", "The key is not enabled.";
    InvalidPendingDays = 400, "KMS.1401", "Set the pending deletion period between 7 to 1096 days.";
    AlreadyPendingDeletion = 400, "KMS.1402", "The key is already in Pending deletion state.";
    NotPendingDeletion = 400, "KMS.1501", "The key is not in Pending deletion state.";
    InvalidLimit = 400, "KMS.1601", "Invalid limit.";
    InvalidMarker = 400, "KMS.1602", "marker must be greater than or equals 0.";
    MissingToken = 403, "KMS.0301", "Invalid or null X-Auth-Token.";
    InvalidToken = 403, "KMS.0302", "Invalid X-Auth-Token.";
    KeyNotFound = 404, "KMS.0207", "The key does not exist.";
    MethodNotSupported = 405, "KMS.0215", "Request method not supported.";
    Internal = 500, "KMS.0101", "KMS error.";
}

impl OtcError {
    /// Looks an error up by its code.
    pub fn from_code(code: &str) -> Option<OtcError> {
        OtcError::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// The error envelope.
    pub fn body(self) -> Value {
        json!({ "error": { "error_code": self.code(), "error_msg": self.message() } })
    }
}

/// Whether a string has the form of an OTC error code (`KMS.` and four digits).
pub fn is_error_code(code: &str) -> bool {
    code.strip_prefix("KMS.")
        .is_some_and(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The `(error_code, error_msg)` of an OTC error envelope, if the body is one.
pub fn parse_envelope(body: &Value) -> Option<(&str, Option<&str>)> {
    let error = body.get("error")?;
    let code = error.get("error_code")?.as_str()?;
    Some((code, error.get("error_msg").and_then(Value::as_str)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        for (i, a) in OtcError::ALL.iter().enumerate() {
            assert!(is_error_code(a.code()), "{}", a.code());
            assert_eq!(OtcError::from_code(a.code()), Some(*a));
            for b in &OtcError::ALL[i + 1..] {
                assert_ne!(a.code(), b.code());
            }
        }
    }

    #[test]
    fn envelopes_round_trip() {
        let body = OtcError::InvalidKeyAlias.body();
        assert_eq!(
            parse_envelope(&body),
            Some(("KMS.1101", Some("Invalid key_alias.")))
        );
        assert_eq!(parse_envelope(&json!({"error": "x"})), None);
    }
}
