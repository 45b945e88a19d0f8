//! The specification of the KMS alias API as code: pure functions and types,
//! no I/O, no panics on any input. Everything else in the crate asks these
//! modules; no rule is written anywhere else.
//!
//! Section references (B#9, J Q3, ...) point into `shared/spec/aws-kms-alias.md`.

pub use alias::{
    aws_managed_key_description, check_alias_name, check_quota, ALIASES_PER_KEY, PREDEFINED,
};
pub use fault::{modeled_errors, sanitize_code, ErrorCode, Evidence, Fault};
pub use identifier::{is_key_id, parse_key_ref, Aliases, Arn, KeyRef, Scope};
pub use key::{
    check_retarget, resolve_usage, Algorithms, Family, KeyManager, KeySpec, KeyUsage,
    MultiRegionKeyType, Origin, ResourceOwner,
};
pub use key_metadata::KeyFacts;
pub use key_state::{check_state, pending_window_days, transition, KeyState, Role};
pub use operation::{Operation, CONTENT_TYPE, SIGNING_NAME, TARGET_PREFIX};
pub use otc::Dialect;
pub use paging::page_size;
pub use shape::{
    check_input, members, output_members, parse_body, Constraint, Member, Pattern, Ty, Violation,
};
pub use tags::check_tags;

pub mod alias;
pub mod answers;
pub mod clauses;
pub mod fault;
pub mod identifier;
pub mod key;
pub mod key_metadata;
pub mod key_state;
pub mod operation;
pub mod otc;
pub mod paging;
pub mod shape;
pub mod tags;
