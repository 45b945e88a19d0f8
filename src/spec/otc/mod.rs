//! The Open Telekom Cloud / Huawei Cloud KMS dialect (spec section G): the
//! same keys and aliases as AWS's, reached over a REST form where a key's
//! alias is set by `create-key` and changed by `update-key-alias`.
//!
//! What the dialects share is asked of the AWS modules (the alias character
//! set, key spec and usage families, key states); what differs is stated
//! here: a key_alias of 1..255 characters without an `alias/` prefix, the
//! reserved `/default` suffix of Default Master Keys, key states as the
//! strings "1".."5", the key id pattern, pending_days as a string, the
//! `sequence` member, and the `KMS.XXXX` error catalogue.

pub use action::{Action, Route, API_VERSION};
pub use alias::{check_key_alias, DEFAULT_SUFFIX, KEY_ALIAS_MAX};
pub use error::{is_error_code, parse_envelope, OtcError, AUTH_HEADER};
pub use key::{
    check_key_id, check_pending_days, check_sequence, is_key_id, key_spec_from_name, key_spec_name,
    key_spec_names, resolve_usage, state_code, state_from_code, DEFAULT_KEY_ALIASES,
};
pub use request::{check_request, Checked};

pub mod action;
pub mod alias;
pub mod answers;
pub mod error;
pub mod key;
pub mod request;
pub mod state;

/// Which wire form a case, a target or a run speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Dialect {
    /// AWS JSON 1.1 (`X-Amz-Target`, SigV4).
    #[default]
    Aws,
    /// OTC / Huawei Cloud KMS v1.0 REST (`/v1.0/{project_id}/kms/...`, `X-Auth-Token`).
    Otc,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: &'static [Dialect] = &[Dialect::Aws, Dialect::Otc];

    /// The name used in case files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Aws => "aws",
            Dialect::Otc => "otc",
        }
    }

    /// Looks a dialect up by name.
    pub fn from_name(name: &str) -> Option<Dialect> {
        Dialect::ALL.iter().copied().find(|d| d.name() == name)
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
