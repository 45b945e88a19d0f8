//! The properties the fuzz targets check, as plain functions of bytes.
//!
//! Each function takes the raw input of one `fuzz/` target, caps its size,
//! and panics when a property fails. The cargo-fuzz targets in `fuzz/` are
//! one-line wrappers over these, and `tests/fuzz_corpus.rs` replays every
//! file of `fuzz/corpus/<target>/` through the same function on stable, so
//! the seed corpora (and every crash that joined them) are checked by
//! `cargo test` without a fuzzer.
//!
//! Oracles here are written independently of `src/spec` (plain loops over
//! the rules of the spec document), so a wrong rule in `src/spec` and a
//! wrong oracle would have to be wrong the same way. The largest is
//! [`model`], a pure model of the whole reference service, shared by the
//! `operation_sequence` target and the proptest state machine.

pub use alias_name::alias_name;
pub use case_file::case_file;
pub use endpoint_response::endpoint_response;
pub use key_identifier::key_identifier;
pub use operation_sequence::operation_sequence;
pub use otc_request::otc_request;
pub use reference_request::reference_request;

pub mod alias_name;
pub mod case_file;
pub mod endpoint_response;
pub mod key_identifier;
pub mod model;
pub mod operation_sequence;
pub mod otc_request;
pub mod reference_request;

/// A target's property: panics when the input breaks it.
pub type Property = fn(&[u8]);

/// Every target by name, for the corpus replay: `(name, property)`.
pub const TARGETS: &[(&str, Property)] = &[
    ("alias_name", alias_name),
    ("key_identifier", key_identifier),
    ("case_file", case_file),
    ("reference_request", reference_request),
    ("endpoint_response", endpoint_response),
    ("operation_sequence", operation_sequence),
    ("otc_request", otc_request),
];

/// The input of a target, cut to `cap` bytes: libFuzzer's `-max_len` bounds
/// a run, but a corpus file or a hand-run input need not.
pub(crate) fn capped(data: &[u8], cap: usize) -> &[u8] {
    &data[..data.len().min(cap)]
}
