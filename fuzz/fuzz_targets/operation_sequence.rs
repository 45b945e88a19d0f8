//! `operation_sequence`: see `kms_alias_conformance::fuzzing::operation_sequence` for the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kms_alias_conformance::fuzzing::operation_sequence(data);
});
