//! The dispatcher and what every matcher shares: mismatches, paths, and how
//! values and matchers are shown.

use serde_json::Value;

use super::{
    absent, any_of, array, compare, contains, exact, excludes, len, ne, present, regex, subset,
    type_of,
};
use crate::case::model::Matcher;
use crate::case::vars::{TemplateError, Vars};

/// One failed check, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where, e.g. `$.Aliases[2].TargetKeyId`.
    pub path: String,
    /// What was expected, e.g. `a string matching /^alias\//`.
    pub expected: String,
    /// What was there, e.g. `"foo"` or `(absent)`.
    pub actual: String,
}

/// Checks `actual` (`None` when absent) against `m`; no mismatches means it holds.
pub fn check(
    m: &Matcher,
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    match m {
        Matcher::Exact(v) => exact::check(v, actual, vars, path),
        Matcher::Subset(members) => subset::check(members, actual, vars, path),
        Matcher::Array(items) => array::check(items, actual, vars, path),
        Matcher::Contains(items) => contains::check(items, actual, vars, path),
        Matcher::Excludes(inner) => excludes::check(inner, actual, vars, path),
        Matcher::Regex(pattern) => regex::check(pattern, actual, vars, path),
        Matcher::Present => Ok(present::check(actual, path)),
        Matcher::Absent => Ok(absent::check(actual, path)),
        Matcher::Type(t) => Ok(type_of::check(*t, actual, path)),
        Matcher::Gt(v) => compare::check(compare::Op::Gt, v, actual, vars, path),
        Matcher::Ge(v) => compare::check(compare::Op::Ge, v, actual, vars, path),
        Matcher::Lt(v) => compare::check(compare::Op::Lt, v, actual, vars, path),
        Matcher::Le(v) => compare::check(compare::Op::Le, v, actual, vars, path),
        Matcher::Ne(v) => ne::check(v, actual, vars, path),
        Matcher::Len(n) => Ok(len::check(*n, actual, path)),
        Matcher::AnyOf(options) => any_of::check(options, actual, vars, path),
    }
}

/// Checks a response header (`None` when absent). Headers are strings, so
/// exact numbers and booleans are compared as their text.
pub fn check_header(
    m: &Matcher,
    actual: Option<&str>,
    vars: &Vars,
    name: &str,
) -> Result<Vec<Mismatch>, TemplateError> {
    let actual = actual.map(|s| Value::String(s.to_string()));
    let m = match m {
        Matcher::Exact(v) if !v.is_string() && !v.is_object() && !v.is_array() => {
            Matcher::Exact(Value::String(v.to_string()))
        }
        other => other.clone(),
    };
    check(&m, actual.as_ref(), vars, &format!("header {name}"))
}

/// A matcher in words, templates rendered where possible.
pub fn describe(m: &Matcher, vars: &Vars) -> String {
    let value = |v: &Value| match vars.render(v) {
        Ok(r) => r.to_string(),
        Err(_) => v.to_string(),
    };
    let list = |ms: &[Matcher]| {
        ms.iter()
            .map(|m| describe(m, vars))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match m {
        Matcher::Exact(v) => truncate(value(v)),
        Matcher::Subset(members) => {
            let names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            format!("an object with {{{}}}", names.join(", "))
        }
        Matcher::Array(items) => format!("an array of {} elements", items.len()),
        Matcher::Contains(items) => format!("an array containing [{}]", list(items)),
        Matcher::Excludes(inner) => {
            format!("an array with no element like {}", describe(inner, vars))
        }
        Matcher::Regex(p) => {
            let p = vars.render_str(p).unwrap_or_else(|_| p.clone());
            format!("a string matching /{p}/")
        }
        Matcher::Present => "present".into(),
        Matcher::Absent => "(absent)".into(),
        Matcher::Type(t) => format!("a value of type {}", type_of::name(*t)),
        Matcher::Gt(v) => format!("a number > {}", value(v)),
        Matcher::Ge(v) => format!("a number >= {}", value(v)),
        Matcher::Lt(v) => format!("a number < {}", value(v)),
        Matcher::Le(v) => format!("a number <= {}", value(v)),
        Matcher::Ne(v) => format!("a value other than {}", value(v)),
        Matcher::Len(n) => format!("a value of length {n}"),
        Matcher::AnyOf(options) => format!("any of [{}]", list(options)),
    }
}

/// An actual value in words.
pub(super) fn show(actual: Option<&Value>) -> String {
    match actual {
        None => "(absent)".into(),
        Some(v) => truncate(v.to_string()),
    }
}

fn truncate(s: String) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        s
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}...")
    }
}

/// A single mismatch.
pub(super) fn mismatch(path: &str, expected: String, actual: Option<&Value>) -> Vec<Mismatch> {
    vec![Mismatch {
        path: path.to_string(),
        expected,
        actual: show(actual),
    }]
}

/// The path of an object member.
pub(super) fn member_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub(super) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x == y
            } else if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                x == y
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Whether `actual` satisfies `m` (no mismatches).
pub(super) fn holds(
    m: &Matcher,
    actual: Option<&Value>,
    vars: &Vars,
    path: &str,
) -> Result<bool, TemplateError> {
    Ok(check(m, actual, vars, path)?.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::model::JsonType;
    use crate::case::vars::VarContext;
    use serde_json::json;

    fn vars() -> Vars {
        let mut v = Vars::new(VarContext {
            prefix: "p".into(),
            case_token: "t".into(),
            region: "us-east-1".into(),
            account: None,
            partition: "aws".into(),
        });
        v.set("created", json!(100.5));
        v
    }

    fn run(m: &Matcher, actual: Option<&Value>) -> Vec<Mismatch> {
        check(m, actual, &vars(), "$").unwrap()
    }

    fn exact(v: Value) -> Matcher {
        Matcher::Exact(v)
    }

    #[test]
    fn exact_renders_and_compares_numbers_by_value() {
        assert!(run(&exact(json!("${alias}")), Some(&json!("alias/p/t"))).is_empty());
        assert!(run(&exact(json!(1)), Some(&json!(1.0))).is_empty());
        let m = run(&exact(json!("a")), None);
        assert_eq!(
            m,
            vec![Mismatch {
                path: "$".into(),
                expected: "\"a\"".into(),
                actual: "(absent)".into()
            }]
        );
    }

    #[test]
    fn subset_reports_member_paths() {
        let m = Matcher::Subset(vec![
            (
                "Aliases".into(),
                Matcher::Array(vec![Matcher::Subset(vec![(
                    "AliasName".into(),
                    Matcher::Regex("^alias/".into()),
                )])]),
            ),
            ("Truncated".into(), Matcher::Absent),
            ("x-y".into(), Matcher::Present),
        ]);
        let actual = json!({"Aliases": [{"AliasName": "foo"}], "x-y": null});
        assert_eq!(
            run(&m, Some(&actual)),
            vec![Mismatch {
                path: "$.Aliases[0].AliasName".into(),
                expected: "a string matching /^alias//".into(),
                actual: "\"foo\"".into()
            }]
        );
        let bad = json!({"Truncated": false, "Aliases": []});
        let found = run(&m, Some(&bad));
        assert_eq!(found.len(), 3);
        assert_eq!(found[2].path, "$[\"x-y\"]");
    }

    #[test]
    fn contains_excludes_and_any_of() {
        let arr = json!([{"A": 1}, {"A": 2}]);
        let has = |n: i64| Matcher::Subset(vec![("A".into(), exact(json!(n)))]);
        assert!(run(&Matcher::Contains(vec![has(2), has(1)]), Some(&arr)).is_empty());
        assert_eq!(run(&Matcher::Contains(vec![has(3)]), Some(&arr)).len(), 1);
        assert!(run(&Matcher::Excludes(Box::new(has(3))), Some(&arr)).is_empty());
        let found = run(&Matcher::Excludes(Box::new(has(2))), Some(&arr));
        assert_eq!(found[0].path, "$[1]");
        let any = Matcher::AnyOf(vec![Matcher::Absent, Matcher::Type(JsonType::String)]);
        assert!(run(&any, None).is_empty());
        assert!(run(&any, Some(&json!("s"))).is_empty());
        assert_eq!(
            run(&any, Some(&json!(1)))[0].expected,
            "any of [(absent), a value of type string]"
        );
    }

    #[test]
    fn comparisons_use_rendered_captures() {
        assert!(run(&Matcher::Gt(json!("${created}")), Some(&json!(101))).is_empty());
        assert_eq!(
            run(&Matcher::Gt(json!("${created}")), Some(&json!(100.5))).len(),
            1
        );
        assert!(run(&Matcher::Ge(json!(100.5)), Some(&json!(100.5))).is_empty());
        assert!(run(&Matcher::Lt(json!(1)), Some(&json!(0))).is_empty());
        assert!(run(&Matcher::Le(json!(1)), Some(&json!(1))).is_empty());
        assert_eq!(run(&Matcher::Lt(json!(1)), Some(&json!("0"))).len(), 1);
        assert!(run(&Matcher::Ne(json!("a")), Some(&json!("b"))).is_empty());
        assert_eq!(run(&Matcher::Ne(json!("a")), Some(&json!("a"))).len(), 1);
        assert!(check(&Matcher::Gt(json!("x")), Some(&json!(1)), &vars(), "$").is_err());
    }

    #[test]
    fn types_and_lengths() {
        assert!(run(&Matcher::Type(JsonType::Integer), Some(&json!(3))).is_empty());
        assert_eq!(
            run(&Matcher::Type(JsonType::Integer), Some(&json!(3.5))).len(),
            1
        );
        assert!(run(&Matcher::Type(JsonType::Null), Some(&json!(null))).is_empty());
        assert!(run(&Matcher::Len(2), Some(&json!([1, 2]))).is_empty());
        assert!(run(&Matcher::Len(3), Some(&json!("abc"))).is_empty());
        assert_eq!(
            run(&Matcher::Len(1), Some(&json!({})))[0].actual,
            "length 0"
        );
        assert!(run(&Matcher::Present, Some(&json!(null))).is_empty());
        assert_eq!(run(&Matcher::Absent, Some(&json!(null))).len(), 1);
    }

    #[test]
    fn regex_escapes_substituted_values() {
        let v = vars();
        let m = Matcher::Regex("^${alias}$".into());
        assert!(check(&m, Some(&json!("alias/p/t")), &v, "$")
            .unwrap()
            .is_empty());
        let mut v2 = v.clone();
        v2.set("dot", json!("a.b"));
        let m = Matcher::Regex("^${dot}$".into());
        assert_eq!(check(&m, Some(&json!("axb")), &v2, "$").unwrap().len(), 1);
    }

    #[test]
    fn headers_compare_as_strings() {
        let v = vars();
        assert!(
            check_header(&exact(json!(0)), Some("0"), &v, "content-length")
                .unwrap()
                .is_empty()
        );
        let m = check_header(&exact(json!("a")), None, &v, "x-a").unwrap();
        assert_eq!(m[0].path, "header x-a");
        assert_eq!(m[0].actual, "(absent)");
    }
}
