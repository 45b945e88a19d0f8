//! `alias_name`: see `kms_alias_conformance::fuzzing::alias_name` for the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kms_alias_conformance::fuzzing::alias_name(data);
});
