//! `otc_request`: see `kms_alias_conformance::fuzzing::otc_request` for the properties.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kms_alias_conformance::fuzzing::otc_request(data);
});
