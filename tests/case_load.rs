//! The sample files that use every feature load into the expected model.

use std::path::Path;
use std::time::Duration;

use kms_alias_conformance::case::*;
use kms_alias_conformance::spec::{Evidence, KeySpec, KeyUsage, Operation, Origin};
use serde_json::json;

fn sp(line: usize, column: usize) -> Span {
    Span { line, column }
}

fn exact(v: serde_json::Value) -> Matcher {
    Matcher::Exact(v)
}

fn grade(clause: Option<&str>, source: Option<&str>, evidence: Option<Evidence>) -> Grade {
    Grade {
        clause: clause.map(Into::into),
        source: source.map(Into::into),
        evidence,
    }
}

/// A JSON request with the default headers, method and path.
fn request(body: serde_json::Value) -> Request {
    Request {
        body: Body::Json(body),
        headers: vec![],
        unsigned: false,
        method: None,
        path: None,
    }
}

fn expected_yaml() -> CaseFile {
    let fixture = |name: &str, line, spec, usage, origin, mr, state| KeyFixture {
        default_master_key: false,
        name: name.into(),
        key_spec: spec,
        key_usage: usage,
        origin,
        multi_region: mr,
        state,
        span: sp(line, 5),
    };
    CaseFile {
        dialect: Default::default(),
        action: None,
        path: "every-feature.yaml".into(),
        operation: Some(Operation::CreateAlias),
        clause: "CreateAlias.AliasName.length".into(),
        source: "AWS KMS API reference, CreateAlias, AliasName: length 1..256".into(),
        evidence: Evidence::Recorded,
        fixtures: vec![
            fixture(
                "sym",
                8,
                KeySpec::SymmetricDefault,
                None,
                None,
                false,
                FixtureState::Created,
            ),
            fixture(
                "rsa",
                9,
                KeySpec::Rsa2048,
                Some(KeyUsage::SignVerify),
                None,
                false,
                FixtureState::Disabled,
            ),
            fixture(
                "ext",
                10,
                KeySpec::SymmetricDefault,
                None,
                Some(Origin::External),
                true,
                FixtureState::PendingDeletion,
            ),
        ],
        cases: vec![
            Case {
                name: "Accepts a name of exactly 256 characters!".into(),
                slug: "accepts-a-name-of-exactly-256-characters".into(),
                grade: grade(
                    Some("CreateAlias.AliasName.length.max"),
                    Some("AWS KMS API reference, CreateAlias, AliasName: at most 256 characters"),
                    Some(Evidence::Documented),
                ),
                ignore: None,
                span: sp(12, 5),
                steps: vec![
                    Step {
                        action: None,
                        op: Some(Operation::CreateAlias),
                        role: Role::Check,
                        grade: Grade::default(),
                        request: request(json!({
                            "AliasName": "${alias_of_length(256)}",
                            "TargetKeyId": "${sym.KeyId}"
                        })),
                        expect: Expect {
                            error_pattern: None,
                            status: Some(200),
                            body: Some(BodyExpect::Empty),
                            span: sp(18, 17),
                            ..Expect::default()
                        },
                        capture: vec![],
                        eventually: None,
                        span: sp(17, 9),
                    },
                    Step {
                        action: None,
                        op: Some(Operation::ListAliases),
                        role: Role::Setup,
                        grade: Grade::default(),
                        request: request(json!({"KeyId": "${sym.Arn}"})),
                        expect: Expect {
                            error_pattern: None,
                            span: sp(19, 9),
                            ..Expect::default()
                        },
                        capture: vec![
                            Capture {
                                name: "created".into(),
                                path: "Aliases[0].LastUpdatedDate".into(),
                            },
                            Capture {
                                name: "rid".into(),
                                path: "header:x-amzn-RequestId".into(),
                            },
                        ],
                        eventually: Some(Eventually {
                            timeout: Duration::from_secs(30),
                            interval: Duration::from_millis(500),
                        }),
                        span: sp(19, 9),
                    },
                    Step {
                        action: None,
                        op: Some(Operation::ListAliases),
                        // Inferred: a read with `expect` after a check step.
                        role: Role::Verify,
                        grade: grade(
                            Some("ListAliases.lists-a-new-alias"),
                            Some("recorded: ListAliases after CreateAlias"),
                            Some(Evidence::Recorded),
                        ),
                        request: request(json!({"KeyId": "${sym.KeyId}", "Limit": 10})),
                        expect: Expect {
                            error_pattern: None,
                            headers: vec![
                                (
                                    "content-type".into(),
                                    exact(json!("application/x-amz-json-1.1")),
                                ),
                                ("x-amzn-requestid".into(), Matcher::Ne(json!("${rid}"))),
                            ],
                            body: Some(BodyExpect::Json(Matcher::Subset(vec![
                                (
                                    "Aliases".into(),
                                    Matcher::Contains(vec![Matcher::Subset(vec![
                                        ("AliasName".into(), exact(json!("${alias}"))),
                                        (
                                            "LastUpdatedDate".into(),
                                            Matcher::Gt(json!("${created}")),
                                        ),
                                        ("TargetKeyId".into(), Matcher::Present),
                                    ])]),
                                ),
                                ("NextMarker".into(), Matcher::Absent),
                                (
                                    "Truncated".into(),
                                    Matcher::AnyOf(vec![
                                        exact(json!(false)),
                                        Matcher::Type(JsonType::Bool),
                                    ]),
                                ),
                            ]))),
                            per_check: vec![
                                (
                                    CheckOf::Body,
                                    grade(Some("ListAliases.Aliases"), None, None),
                                ),
                                (
                                    CheckOf::Headers,
                                    grade(
                                        None,
                                        Some("AWS KMS API reference, common response headers"),
                                        Some(Evidence::Documented),
                                    ),
                                ),
                            ],
                            span: sp(31, 11),
                            ..Expect::default()
                        },
                        capture: vec![],
                        eventually: Some(Eventually {
                            timeout: Duration::from_secs(2),
                            interval: Duration::from_secs(60),
                        }),
                        span: sp(24, 9),
                    },
                ],
            },
            Case {
                name: "malformed input is refused".into(),
                slug: "malformed-input-is-refused".into(),
                grade: Grade::default(),
                ignore: Some("the emulator does not check this yet".into()),
                span: sp(41, 5),
                steps: vec![
                    Step {
                        action: None,
                        op: Some(Operation::ListKeys),
                        // Inferred: no `expect`.
                        role: Role::Setup,
                        grade: Grade::default(),
                        request: request(json!({})),
                        expect: Expect {
                            error_pattern: None,
                            span: sp(44, 9),
                            ..Expect::default()
                        },
                        capture: vec![],
                        eventually: None,
                        span: sp(44, 9),
                    },
                    Step {
                        action: None,
                        op: Some(Operation::UpdateAlias),
                        role: Role::Check,
                        grade: Grade::default(),
                        request: Request {
                            body: Body::Raw("{\"AliasName\": ".into()),
                            headers: vec![
                                ("X-Amz-Target".into(), None),
                                ("Content-Type".into(), Some("text/plain".into())),
                            ],
                            unsigned: true,
                            method: Some("GET".into()),
                            path: Some("/x".into()),
                        },
                        expect: Expect {
                            error_pattern: None,
                            status: Some(400),
                            error: Some(vec![
                                "ValidationException".into(),
                                "NotFoundException".into(),
                            ]),
                            message: Some(Matcher::Regex("^Alias \\S+ cannot".into())),
                            grade: grade(
                                Some("UpdateAlias.malformed-body"),
                                Some("emulators only"),
                                Some(Evidence::Inferred),
                            ),
                            span: sp(53, 11),
                            ..Expect::default()
                        },
                        capture: vec![],
                        eventually: None,
                        span: sp(45, 9),
                    },
                    Step {
                        action: None,
                        op: Some(Operation::CreateAlias),
                        // Inferred: its target header sends DeleteAlias, no read.
                        role: Role::Check,
                        grade: Grade::default(),
                        request: Request {
                            body: Body::Bytes(vec![0, 1, 2]),
                            headers: vec![(
                                "X-Amz-Target".into(),
                                Some("TrentService.DeleteAlias".into()),
                            )],
                            unsigned: false,
                            method: None,
                            path: None,
                        },
                        expect: Expect {
                            error_pattern: None,
                            error: Some(vec!["SerializationException".into()]),
                            message: Some(exact(json!("exact $${text}"))),
                            body: Some(BodyExpect::Json(Matcher::Subset(vec![
                                ("__type".into(), exact(json!({"a": [1]}))),
                                (
                                    "list".into(),
                                    Matcher::Array(vec![
                                        Matcher::Len(3),
                                        Matcher::Excludes(Box::new(Matcher::Lt(json!(0)))),
                                        Matcher::Ge(json!(1.5)),
                                        Matcher::Le(json!(2)),
                                    ]),
                                ),
                            ]))),
                            grade: grade(None, Some("recorded by the boto3 tests"), None),
                            per_check: vec![
                                (
                                    CheckOf::Status,
                                    grade(Some("DeleteAlias.status"), None, None),
                                ),
                                (CheckOf::Error, grade(None, None, Some(Evidence::Recorded))),
                                (
                                    CheckOf::Message,
                                    grade(
                                        Some("DeleteAlias.message"),
                                        None,
                                        Some(Evidence::Documented),
                                    ),
                                ),
                            ],
                            span: sp(62, 11),
                            ..Expect::default()
                        },
                        capture: vec![],
                        eventually: None,
                        span: sp(59, 9),
                    },
                    Step {
                        action: None,
                        op: Some(Operation::DescribeKey),
                        role: Role::Verify,
                        grade: Grade::default(),
                        request: request(json!({"KeyId": "${sym.KeyId}"})),
                        expect: Expect {
                            error_pattern: None,
                            span: sp(68, 9),
                            ..Expect::default()
                        },
                        capture: vec![],
                        eventually: None,
                        span: sp(68, 9),
                    },
                ],
            },
        ],
    }
}

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/good-cases"))
}

#[test]
fn every_feature_loads_into_the_expected_model() {
    let files = load_dir(dir()).unwrap_or_else(|errs| {
        panic!(
            "{}",
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n\n")
        )
    });
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].path, "every-feature.json");
    let got = &files[1];
    let want = expected_yaml();
    // Compare piecewise first, for a readable failure.
    for (g, w) in got.cases.iter().zip(&want.cases) {
        for (gs, ws) in g.steps.iter().zip(&w.steps) {
            assert_eq!(gs, ws);
        }
        assert_eq!(g, w);
    }
    assert_eq!(got, &want);
    assert_eq!(got.stem(), "every-feature");
}

#[test]
fn a_plain_json_file_loads() {
    let files = load_dir(dir()).expect("loads");
    let json = &files[0];
    assert_eq!(json.evidence, Evidence::Inferred);
    assert_eq!(json.operation, None);
    assert_eq!(json.cases[0].steps[0].op, Some(Operation::DeleteAlias));
    let case = &json.cases[0];
    assert_eq!(
        case.grade,
        grade(
            Some("DeleteAlias.AliasName.not-found"),
            Some("spec K"),
            None
        )
    );
    let step = &case.steps[0];
    assert_eq!(step.role, Role::Check);
    assert_eq!(
        step.grade,
        grade(
            Some("DeleteAlias.status"),
            Some("AWS KMS API reference, DeleteAlias, Errors"),
            Some(Evidence::Documented),
        )
    );
    assert_eq!(
        step.expect.error,
        Some(vec!["NotFoundException".to_string()])
    );
    assert_eq!(
        step.expect.grade,
        grade(None, Some("recorded for DescribeKey"), None)
    );
    assert_eq!(
        step.expect.per_check,
        [
            (CheckOf::Status, grade(None, None, Some(Evidence::Recorded))),
            (
                CheckOf::Message,
                grade(Some("DeleteAlias.message"), None, Some(Evidence::Inferred)),
            ),
        ]
    );
    // Per check, then expectation, step, case, file.
    let top = grade(Some(&json.clause), Some(&json.source), Some(json.evidence));
    let message = step
        .expect
        .grade_of(CheckOf::Message)
        .over(&step.grade)
        .over(&case.grade)
        .over(&top);
    assert_eq!(
        message,
        grade(
            Some("DeleteAlias.message"),
            Some("recorded for DescribeKey"),
            Some(Evidence::Inferred),
        )
    );
}

#[test]
fn load_files_sorts_and_collects_every_error() {
    let good = std::fs::read_to_string(dir().join("every-feature.json")).unwrap();
    let files = vec![
        ("b.yaml".to_string(), "clause: x".to_string()),
        ("z.json".to_string(), good.clone()),
        ("a.yaml".to_string(), "[".to_string()),
    ];
    let errs = load_files(files).unwrap_err();
    let names: Vec<&str> = errs.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(names, ["a.yaml", "b.yaml"]);
    let ok = load_files(vec![
        ("y.json".into(), good.clone()),
        ("x.json".into(), good),
    ])
    .unwrap();
    assert_eq!(ok[0].path, "x.json");
}
