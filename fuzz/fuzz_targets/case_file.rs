//! `case_file`: see `kms_alias_conformance::fuzzing::case_file` for the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kms_alias_conformance::fuzzing::case_file(data);
});
