//! `endpoint_response`: see `kms_alias_conformance::fuzzing::endpoint_response` for the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kms_alias_conformance::fuzzing::endpoint_response(data);
});
