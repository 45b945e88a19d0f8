//! Replays the committed seed corpora, `fuzz/corpus/<target>/*`, through the
//! property functions the cargo-fuzz targets call (`kms_alias_conformance::
//! fuzzing`), so `cargo test` checks every seed, and every crash input that
//! joined a corpus, on stable without a fuzzer.

use std::path::Path;

use kms_alias_conformance::fuzzing::TARGETS;

fn replay(target: &str) {
    let property = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("{target} is not in fuzzing::TARGETS"))
        .1;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no corpus at {}: {e}", dir.display()))
        .map(|e| e.expect("a readable corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "the corpus {} is empty: a target needs seeds",
        dir.display()
    );
    for path in &files {
        let data = std::fs::read(path).expect("a readable corpus file");
        let outcome = std::panic::catch_unwind(|| property(&data));
        if outcome.is_err() {
            panic!(
                "{target}: {} breaks a property (replay it with `cargo fuzz run {target} {}`)",
                path.display(),
                path.display()
            );
        }
    }
}

#[test]
fn every_target_has_a_corpus_directory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut dirs: Vec<String> = std::fs::read_dir(&root)
        .expect("fuzz/corpus")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut names: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    assert_eq!(dirs, names, "one corpus per target, no stray ones");
}

/// A target added to `TARGETS` without a test below would never be replayed.
#[test]
fn every_target_is_replayed_here() {
    let this = include_str!("fuzz_corpus.rs");
    for (name, _) in TARGETS {
        assert!(
            this.contains(&format!("fn {name}_corpus() {{\n    replay(\"{name}\");")),
            "add a test `{name}_corpus` that calls `replay(\"{name}\")`"
        );
    }
}

#[test]
fn alias_name_corpus() {
    replay("alias_name");
}

#[test]
fn key_identifier_corpus() {
    replay("key_identifier");
}

#[test]
fn case_file_corpus() {
    replay("case_file");
}

#[test]
fn reference_request_corpus() {
    replay("reference_request");
}

#[test]
fn endpoint_response_corpus() {
    replay("endpoint_response");
}

#[test]
fn operation_sequence_corpus() {
    replay("operation_sequence");
}

#[test]
fn otc_request_corpus() {
    replay("otc_request");
}

/// The seeds of `otc_request` are written by `fuzzing::otc_request::seeds`
/// (its own encoding, not `arbitrary`'s); `KAC_WRITE_SEEDS=1 cargo test
/// --test fuzz_corpus otc_request_seeds` writes them.
#[test]
fn otc_request_seeds_are_committed() {
    use kms_alias_conformance::fuzzing::otc_request::{encode, seeds};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/otc_request");
    let write = std::env::var_os("KAC_WRITE_SEEDS").is_some();
    let all = seeds();
    assert!(all.len() >= 10, "a seed per action, valid and invalid");
    for (name, input) in all {
        let path = dir.join(name);
        let bytes = encode(&input);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "{} is stale: write it with `KAC_WRITE_SEEDS=1 cargo test --test fuzz_corpus otc_request_seeds`",
            path.display()
        );
    }
}
