//! `key_identifier`: see `kms_alias_conformance::fuzzing::key_identifier` for the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kms_alias_conformance::fuzzing::key_identifier(data);
});
