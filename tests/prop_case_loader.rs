//! The case loader on generated documents: every one either loads or gives
//! an error that names a line (inside the text), a column and a field path,
//! and renders; none panics.
//!
//! Documents are YAML or JSON renderings of trees built from the format's own
//! vocabulary (file, fixture, case, step and expect keys, matcher keywords,
//! templates) mixed with unknown keys and values of every JSON type, then
//! sometimes damaged as text (cut short, a character or line inserted).

mod gen;

use proptest::prelude::*;
use serde_json::{Map, Value};

use kms_alias_conformance::case::load::load_str;
use kms_alias_conformance::case::load::MATCHER_KEYWORDS;
use kms_alias_conformance::case::LoadErrorKind;

/// Request members the format does not name, but cases do.
const MEMBERS: &[&str] = &["AliasName", "TargetKeyId", "KeyId", "Limit", "Marker"];

/// Every key of the format, read from its JSON Schema (so a key added to the
/// format is generated too), the matcher keywords, and request members.
fn keys() -> Vec<String> {
    static KEYS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KEYS.get_or_init(schema_keys).clone()
}

fn schema_keys() -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                    out.extend(props.keys().cloned());
                }
                m.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let schema = serde_json::to_value(kms_alias_conformance::case::json_schema())
        .expect("the schema is JSON");
    let mut out = Vec::new();
    walk(&schema, &mut out);
    out.extend(MATCHER_KEYWORDS.iter().map(|k| k.to_string()));
    out.extend(MEMBERS.iter().map(|k| k.to_string()));
    out.sort();
    out.dedup();
    out
}

const WORDS: &[&str] = &[
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "ListAliases",
    "DescribeKey",
    "CreateKey",
    "createalias",
    "recorded",
    "documented",
    "inferred",
    "guessed",
    "SYMMETRIC_DEFAULT",
    "RSA_2048",
    "SIGN_VERIFY",
    "EXTERNAL",
    "Enabled",
    "Disabled",
    "PendingDeletion",
    "setup",
    "check",
    "verify",
    "empty",
    "ValidationException",
    "NotFoundException",
    "Nope",
    "string",
    "number",
    "object",
    "30s",
    "1s",
    "0s",
    "-1s",
    "10 minutes",
    "GET",
    "/",
    "${alias}",
    "${sym.KeyId}",
    "${alias_of_length(256)}",
    "${alias_of_length(x)}",
    "${nope}",
    "${",
    "${sym.",
    "$${alias}",
    "${created}",
    "^alias/.*$",
    "([",
    "(?P<x",
    "\\",
    "",
];

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::sample::select(keys()),
        1 => "[a-zA-Z_]{1,10}",
        1 => any::<String>(),
    ]
    .boxed()
}

fn scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(|w| Value::String(w.into())),
        1 => prop::sample::select(vec![0i64, 1, 200, 400, 500, 600, -1, 256, 257, 1000, i64::MAX])
            .prop_map(Value::from),
        1 => any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
        1 => any::<String>().prop_map(Value::String),
    ]
    .boxed()
}

/// Trees of maps and lists over the vocabulary, a few levels deep.
fn tree() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                3 => prop::collection::vec((key(), inner.clone()), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
                1 => prop::collection::vec(inner, 0..4).prop_map(Value::Array),
            ]
        })
        .boxed()
}

/// A plausible case file with some parts replaced by random trees, so that
/// the loader gets past the top level and into cases, steps and matchers.
fn near_valid() -> BoxedStrategy<Value> {
    let step = (
        prop::option::of(prop::sample::select(&WORDS[..6])),
        tree(),
        tree(),
        prop::option::of(tree()),
    )
        .prop_map(|(op, request, expect, extra)| {
            let mut m = Map::new();
            if let Some(op) = op {
                m.insert("op".into(), op.into());
            }
            m.insert("request".into(), request);
            m.insert("expect".into(), expect);
            if let Some(extra) = extra {
                m.insert("capture".into(), extra);
            }
            Value::Object(m)
        });
    let good_step = (
        prop::sample::select(vec![200u16, 400]),
        prop::sample::select(vec!["alias/x", "${alias}", "abc"]),
        prop::option::of(prop::sample::select(vec![
            serde_json::json!({"regex": "^Alias"}),
            serde_json::json!("exact text"),
            serde_json::json!({"any_of": ["a", {"regex": "b"}]}),
        ])),
    )
        .prop_map(|(status, name, message)| {
            let mut expect = serde_json::json!({ "status": status });
            if let Some(m) = message {
                expect["message"] = m;
            }
            serde_json::json!({"request": {"AliasName": name, "TargetKeyId": "k"}, "expect": expect})
        });
    let step = prop_oneof![2 => step, 1 => good_step];
    (
        prop::sample::select(&WORDS[..6]),
        prop::sample::select(&WORDS[7..11]),
        prop::collection::vec(prop::collection::vec(step, 1..4), 0..3),
        prop::option::weighted(0.3, tree()),
        prop::option::weighted(0.3, (key(), tree())),
    )
        .prop_map(|(op, evidence, cases, fixtures, extra)| {
            let mut m = Map::new();
            m.insert("operation".into(), op.into());
            m.insert("clause".into(), "c".into());
            m.insert("source".into(), "s".into());
            m.insert("evidence".into(), evidence.into());
            if let Some(f) = fixtures {
                m.insert("fixtures".into(), serde_json::json!({ "keys": f }));
            }
            let cases: Vec<Value> = cases
                .into_iter()
                .enumerate()
                .map(|(i, steps)| serde_json::json!({"name": format!("case {i}"), "steps": steps}))
                .collect();
            m.insert("cases".into(), cases.into());
            if let Some((k, v)) = extra {
                m.insert(k, v);
            }
            Value::Object(m)
        })
        .boxed()
}

/// A document as text: YAML, compact JSON or pretty JSON, maybe damaged.
fn document() -> BoxedStrategy<String> {
    let rendered = (prop_oneof![near_valid(), tree()], 0u8..3).prop_map(|(v, style)| match style {
        0 => serde_yaml_ng::to_string(&v).unwrap_or_default(),
        1 => v.to_string(),
        _ => serde_json::to_string_pretty(&v).unwrap_or_default(),
    });
    let damaged = (
        rendered.clone(),
        any::<prop::sample::Index>(),
        prop_oneof![
            Just(String::new()),
            prop::sample::select(vec![
                "\n",
                ":",
                "- ",
                "  ",
                "\t",
                "{",
                "}",
                "[",
                "]",
                "&a ",
                "*a",
                "!!str ",
                "? ",
                "#",
                "'",
                "\"",
                "|\n",
                ">-\n",
                "\u{feff}",
                "\u{0}",
                "---\n",
                "...\n",
                "%YAML 1.2\n",
            ])
            .prop_map(str::to_owned),
            any::<String>(),
        ],
        any::<bool>(),
    )
        .prop_map(|(text, at, insert, cut)| {
            let boundaries: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let i = boundaries[at.index(boundaries.len())];
            if cut {
                format!("{}{insert}", &text[..i])
            } else {
                format!("{}{insert}{}", &text[..i], &text[i..])
            }
        });
    prop_oneof![3 => rendered, 2 => damaged, 1 => any::<String>()].boxed()
}

proptest! {
    #![proptest_config(gen::config(2000))]

    #[test]
    fn a_document_loads_or_names_a_line_and_a_field(text in document()) {
        let Err(e) = load_str("gen.yaml", &text) else {
            return Ok(());
        };
        let span = e.span.expect("a loaded text always has a position");
        let lines = text.matches('\n').count() + 1;
        prop_assert!(span.line >= 1 && span.line <= lines, "line {} of {}: {}\n{}", span.line, lines, e, text);
        prop_assert!(span.column >= 1, "{}", e);
        // A field path, except for errors of the document itself (its syntax,
        // or a root that is not a mapping, or a missing top-level field).
        let whole_document = matches!(
            *e.kind,
            LoadErrorKind::Syntax(_) | LoadErrorKind::DuplicateKey { .. } | LoadErrorKind::WrongType { .. } | LoadErrorKind::MissingField { .. } | LoadErrorKind::UnknownKey { .. }
        );
        prop_assert!(!e.field.is_empty() || whole_document, "no field: {:?}\n{}", e, text);
        let shown = e.to_string();
        let expected_position = format!("gen.yaml:{}:{}", span.line, span.column);
        prop_assert!(shown.contains(&expected_position), "{}", shown);
    }
}

/// The generator reaches past the top level: some documents load, and some
/// errors sit inside steps (so the property above is not only about syntax).
#[test]
fn the_document_generator_reaches_steps_and_successes() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = document();
    let (mut loaded, mut in_steps, mut syntax) = (0, 0, 0);
    for _ in 0..2000 {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        match load_str("gen.yaml", &text) {
            Ok(_) => loaded += 1,
            Err(e) if e.field.contains(".steps[") => in_steps += 1,
            Err(e) if matches!(*e.kind, LoadErrorKind::Syntax(_)) => syntax += 1,
            Err(_) => {}
        }
    }
    assert!(
        loaded > 0 && in_steps > 100 && syntax > 0,
        "loaded {loaded}, in steps {in_steps}, syntax {syntax}"
    );
}
