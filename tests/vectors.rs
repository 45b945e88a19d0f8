//! The committed test vectors under `vectors/` are exactly what the
//! generator gives (`kms-alias-conformance vectors --kind K --count 100
//! --seed 1`), and every vector's answer is well formed.

use std::collections::BTreeSet;

use regex::Regex;

use kms_alias_conformance::vectors::{generate, to_json_lines, Vector, VectorKind};

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
            // AWS clauses name the operation; OTC's are the catalogue's
            // `otc.` ids, each of them catalogued.
            if v.kind.starts_with("otc-") {
                let c = kms_alias_conformance::spec::clauses::clause(&v.clause);
                assert!(c.is_some(), "{v:?}");
            } else {
                assert!(v.clause.starts_with(v.operation), "{v:?}");
            }
            assert!(["recorded", "documented", "inferred"].contains(&v.evidence));
        }
    }
}

/// `(clause, accepted)` of every vector of a kind, over many.
fn clauses(vectors: &[Vector]) -> BTreeSet<(String, bool)> {
    vectors
        .iter()
        .map(|v| (v.clause.clone(), v.expected.accepted))
        .collect()
}

/// The OTC key_alias vectors against spec G read independently: the regex
/// `^[a-zA-Z0-9:/_-]{1,255}$`, then the reserved `/default` suffix; each
/// refusal is KMS.1101 (400) under the clause of the rule that refuses it,
/// `inferred` only for the suffix, whose code the docs do not give.
#[test]
fn otc_key_alias_vectors_follow_spec_g() {
    let pattern = Regex::new(r"^[a-zA-Z0-9:/_-]{1,255}$").unwrap();
    let chars = Regex::new(r"^[a-zA-Z0-9:/_-]*$").unwrap();
    let all = generate(VectorKind::OtcKeyAlias, 1000, 5);
    for v in &all {
        let alias = v.input["key_alias"].as_str().expect("a key_alias string");
        assert_eq!(v.operation, "update-key-alias");
        let ok = pattern.is_match(alias) && !alias.ends_with("/default");
        assert_eq!(v.expected.accepted, ok, "{v:?}");
        if !ok {
            assert_eq!(v.expected.code, Some("KMS.1101"), "{v:?}");
            assert_eq!(v.expected.status, Some(400), "{v:?}");
            assert_eq!(v.expected.message.as_deref(), Some("Invalid key_alias."));
            let len = alias.chars().count();
            let rule = if len == 0 || len > 255 {
                "length"
            } else if !chars.is_match(alias) {
                "pattern"
            } else {
                "default-suffix"
            };
            assert_eq!(v.clause, format!("otc.key-alias.{rule}"), "{v:?}");
        }
        let suffix = v.clause.ends_with(".default-suffix");
        assert_eq!(
            v.evidence,
            if suffix { "inferred" } else { "documented" },
            "{v:?}"
        );
    }
    let seen = clauses(&all);
    for rule in ["length", "pattern", "default-suffix"] {
        for accepted in [true, false] {
            let c = format!("otc.key-alias.{rule}");
            assert!(
                seen.contains(&(c.clone(), accepted)),
                "no {c} vector with accepted={accepted}: {seen:?}"
            );
        }
    }
    let lengths: BTreeSet<usize> = all
        .iter()
        .map(|v| v.input["key_alias"].as_str().unwrap().chars().count())
        .collect();
    for n in [0, 1, 254, 255, 256] {
        assert!(lengths.contains(&n), "no key_alias of length {n}");
    }
}

/// The OTC key_id vectors against spec G's key_id regex: KMS.0205 (400)
/// for every other form, all under `key_id.format`, `documented`.
#[test]
fn otc_key_id_vectors_follow_spec_g() {
    let id = Regex::new(r"^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$").unwrap();
    let all = generate(VectorKind::OtcKeyId, 1000, 5);
    for v in &all {
        let key_id = v.input["key_id"].as_str().expect("a key_id string");
        assert_eq!(v.expected.accepted, id.is_match(key_id), "{v:?}");
        if !v.expected.accepted {
            assert_eq!(v.expected.code, Some("KMS.0205"), "{v:?}");
            assert_eq!(v.expected.status, Some(400), "{v:?}");
            assert_eq!(v.expected.message.as_deref(), Some("Invalid key ID."));
        }
        assert_eq!(v.clause, "otc.key-id.format");
        assert_eq!(v.evidence, "documented");
    }
    assert_eq!(clauses(&all).len(), 2, "both accepted and refused ids");
    assert!(
        all.iter().any(|v| v.expected.accepted
            && v.input["key_id"]
                .as_str()
                .unwrap()
                .bytes()
                .any(|b| b > b'f' && b.is_ascii_lowercase())),
        "an accepted id with a letter past f (OTC ids are not hex)"
    );
}
