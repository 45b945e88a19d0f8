//! A small pure model of the reference service, and the code that checks
//! the reference against it.
//!
//! A [`Step`] is one thing a client does: create a key (any spec, usage and
//! origin), enable, disable, schedule or cancel its deletion, force a key
//! state through the reference's control endpoint, create (also 1..51 at
//! once, to reach the quota), update or delete an alias, list aliases (KeyId,
//! Limit, Marker) or describe a key through an alias, with valid and invalid
//! arguments. [`Model::step`] works out, on its own, the requests the step
//! sends and the answer each must get: the status and the whole body,
//! written with the model's key names (`<k3>`) and date placeholders.
//! [`Replay`] sends those requests to an in-process
//! [`Service`](crate::reference::Service), maps the generated key ids back to
//! the model's names, checks the dates for order (a date the model says is
//! the same event must be the same number; a later event a later number),
//! and gives a [`Disagreement`] when the answers differ.
//!
//! Two harnesses drive it: the proptest state machine of
//! `tests/prop_reference_model.rs`, and the `operation_sequence` fuzz target
//! ([`operation_sequence`](mod@super::operation_sequence)).
//!
//! The model is an oracle: it decides each outcome from the spec document
//! (sections A-F and J) without calling the rule functions of `src/spec`:
//! the name rules, the key-id forms, the state table of section C, the
//! family rule of section D, the quota of 50, and the ListAliases order and
//! paging of section E / J Q5 are written again here (`rules.rs`, `keys.rs`
//! and `aliases.rs`). It borrows from `src/spec` only wording (a
//! [`Fault`](crate::spec::Fault) renders the expected error body) and static
//! key metadata (the algorithm lists).

pub use disagreement::{Answer, Disagreement, Reason};
pub use expect::{outcome, Call, Expect};
pub use replay::Replay;
pub use rules::allowed_usages;
pub use state::Model;
pub use step::{
    Form, KeyArg, MarkerArg, SpecArg, Step, BAD_LIMITS, BAD_WINDOWS, FILL_COUNTS, GARBAGE_MARKERS,
    LIMITS, NAMES, VALID_NAMES, WINDOWS,
};

mod aliases;
mod disagreement;
mod expect;
mod keys;
mod replay;
mod rules;
mod state;
mod step;

/// The Region every request is made in.
pub const REGION: &str = "us-east-1";
/// The account every key belongs to.
pub const ACCOUNT: &str = "111122223333";
/// A well-formed key id that no key has.
pub const MISSING: &str = "0000aaaa-0000-4000-8000-000000000000";
