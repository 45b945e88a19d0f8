//! The clause catalogue (`spec::clauses`) and the corpus kept in step, and
//! the `coverage` command's exit status on a corpus with a hole.

mod common;

use std::path::{Path, PathBuf};

use kms_alias_conformance::report::coverage::Coverage;
use kms_alias_conformance::runner::corpus;
use kms_alias_conformance::spec::clauses::CLAUSES;

fn committed() -> Coverage {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let files =
        corpus::from_dir(&dir).unwrap_or_else(|e| panic!("the corpus does not load: {e:?}"));
    Coverage::of(&files, CLAUSES, "cases/")
}

#[test]
fn every_case_names_a_catalogued_clause_on_an_operation_it_applies_to() {
    let c = committed();
    assert!(
        c.unknown.is_empty() && c.strays.is_empty(),
        "cases out of step with src/spec/clauses.rs:\n{}",
        c.problems()
    );
}

#[test]
fn every_clause_has_cases() {
    let c = committed();
    let bare: Vec<&str> = c
        .rows
        .iter()
        .filter(|r| {
            r.cells.iter().all(|cell| cell.accept + cell.reject == 0)
                && r.cells.iter().any(|cell| cell.unknowable.is_none())
        })
        .map(|r| r.clause)
        .collect();
    assert!(bare.is_empty(), "clauses without a single case: {bare:?}");
}

#[test]
fn coverage_exits_zero_on_the_committed_corpus() {
    let out = common::bin()
        .args(["coverage", "--cases"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("cases"))
        .output()
        .unwrap();
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(" 0 holes"), "{text}");
}

fn corpus_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kac-coverage-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const ONLY_CREATE: &str = r#"operation: CreateAlias
clause: alias-name.length
source: "test"
evidence: documented
cases:
  - name: rejects a name of 257 characters
    steps:
      - request: {AliasName: "${alias_of_length(257)}", TargetKeyId: "${random_key_id}"}
        expect: {status: 400, error: ValidationException}
"#;

#[test]
fn a_corpus_with_a_hole_fails_naming_the_cell() {
    let dir = corpus_dir("hole", &[("CreateAlias/len.yaml", ONLY_CREATE)]);
    let out = common::bin()
        .args(["coverage", "--cases"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("hole: clause `alias-name.length` × UpdateAlias"),
        "{text}"
    );
    assert!(text.contains("alias-name.length  (documented)"), "{text}");
    assert!(
        !text.contains("hole: clause `key-state.transient`"),
        "an unknowable cell is not a hole: {text}"
    );
    assert!(
        text.contains("unknowable: only multi-Region replicas"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cell_missing_one_side_is_a_hole_naming_the_side() {
    let dir = corpus_dir("one-side", &[("CreateAlias/len.yaml", ONLY_CREATE)]);
    let out = common::bin()
        .args(["coverage", "--cases"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("hole: clause `alias-name.length` × CreateAlias has no case that checks it accepts what it must"),
        "{text}"
    );
    assert!(
        !text.contains("`alias-name.length` × CreateAlias has no case that checks it rejects"),
        "{text}"
    );
    // A one-sided clause is complete with its one side.
    assert!(
        !text.contains("`key-id.not-found` × DescribeKey has no case that checks it accepts"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

const OFF_SIDE: &str = r#"operation: DescribeKey
clause: key-id.not-found
source: "test"
evidence: documented
cases:
  - name: describes a key it created
    steps:
      - op: CreateKey
        request: {}
        capture: {key: KeyMetadata.KeyId}
      - request: {KeyId: "${key}"}
        expect: {status: 200}
"#;

#[test]
fn a_case_on_a_side_its_cell_lacks_is_an_error() {
    let dir = corpus_dir("off-side", &[("DescribeKey/found.yaml", OFF_SIDE)]);
    let out = common::bin()
        .args(["coverage", "--cases"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("DescribeKey/found.yaml:11: case `DescribeKey/found::describes-a-key-it-created` checks that clause `key-id.not-found` accepts on DescribeKey, a side the catalogue says it lacks"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_uncatalogued_clause_is_named_with_its_file_and_line() {
    let bad = ONLY_CREATE.replace("alias-name.length", "CreateAlias.AliasName.length");
    let dir = corpus_dir("unknown", &[("CreateAlias/len.yaml", &bad)]);
    let out = common::bin()
        .args(["coverage", "--cases"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("CreateAlias/len.yaml:6: case `CreateAlias/len::rejects-a-name-of-257-characters` names clause `CreateAlias.AliasName.length`"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_cells_count_cases_by_side_and_operation() {
    let dir = corpus_dir("count", &[("CreateAlias/len.yaml", ONLY_CREATE)]);
    let files = corpus::from_dir(&dir).unwrap();
    let c = Coverage::of(&files, CLAUSES, "");
    let row = c
        .rows
        .iter()
        .find(|r| r.clause == "alias-name.length")
        .unwrap();
    let create = row
        .cells
        .iter()
        .find(|c| c.operation.as_deref() == Some("CreateAlias"))
        .unwrap();
    assert_eq!((create.accept, create.reject), (0, 1));
    assert!(
        create.is_hole(),
        "a two-sided cell with only a reject case is a hole"
    );
    assert_eq!(
        create.missing(),
        vec![kms_alias_conformance::report::coverage::Side::Accept]
    );
    let update = row
        .cells
        .iter()
        .find(|c| c.operation.as_deref() == Some("UpdateAlias"))
        .unwrap();
    assert!(update.is_hole());
    let _ = std::fs::remove_dir_all(&dir);
}
