//! The committed test vectors under `vectors/` are exactly what the
//! generator gives (`kms-alias-conformance vectors --kind K --count 100
//! --seed 1`), and every vector's answer is well formed.

use kms_alias_conformance::vectors::{generate, to_json_lines, VectorKind};

const COUNT: usize = 100;
const SEED: u64 = 1;

#[test]
fn the_committed_vectors_are_what_the_generator_gives() {
    for kind in VectorKind::ALL {
        let path = format!(
            "{}/vectors/{}.jsonl",
            env!("CARGO_MANIFEST_DIR"),
            kind.name()
        );
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let fresh = to_json_lines(&generate(*kind, COUNT, SEED));
        assert!(
            committed == fresh,
            "{path} is stale: regenerate it with `cargo run -- vectors --kind {} --count {COUNT} --seed {SEED} > vectors/{}.jsonl`",
            kind.name(),
            kind.name()
        );
    }
}

#[test]
fn every_vector_says_accepted_or_gives_code_and_status() {
    for kind in VectorKind::ALL {
        for v in generate(*kind, 500, 99) {
            let e = &v.expected;
            assert_eq!(e.accepted, e.code.is_none(), "{v:?}");
            assert_eq!(e.accepted, e.status.is_none(), "{v:?}");
            assert!(e.status.is_none_or(|s| (400..600).contains(&s)), "{v:?}");
            assert!(v.clause.starts_with(v.operation), "{v:?}");
            assert!(["recorded", "documented", "inferred"].contains(&v.evidence));
        }
    }
}
