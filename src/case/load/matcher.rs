//! Matchers: scalars, sequences, subsets and the single-key keyword mappings
//! (`{regex: ...}`, `{contains: [...]}`, ...).

use serde_json::Value;

use super::super::error::LoadErrorKind;
use super::super::model::{JsonType, Matcher};
use super::super::vars::{parse_template, Segment};
use super::super::yaml::{Key, Kind, Node};
use super::cx::{join, key_node, Cx, R};
use super::templates::Scope;

/// The keys that make a single-key mapping a matcher rather than a subset.
pub const MATCHER_KEYWORDS: &[&str] = &[
    "eq", "regex", "present", "absent", "type", "gt", "ge", "lt", "le", "ne", "len", "contains",
    "excludes", "any_of",
];

const JSON_TYPES: &[(&str, JsonType)] = &[
    ("null", JsonType::Null),
    ("bool", JsonType::Bool),
    ("number", JsonType::Number),
    ("integer", JsonType::Integer),
    ("string", JsonType::String),
    ("array", JsonType::Array),
    ("object", JsonType::Object),
];

impl Cx<'_> {
    /// A matcher of any form.
    pub(super) fn matcher(&self, node: &Node, path: &str, scope: &Scope<'_>) -> R<Matcher> {
        match &node.kind {
            Kind::Str(s) => {
                self.template_str(s, node, path, scope)?;
                Ok(Matcher::Exact(node.to_json()))
            }
            Kind::Null | Kind::Bool(_) | Kind::Number(_) => Ok(Matcher::Exact(node.to_json())),
            Kind::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| self.matcher(n, &format!("{path}[{i}]"), scope))
                .collect::<R<Vec<_>>>()
                .map(Matcher::Array),
            Kind::Map(entries) => {
                if let [(k, v)] = entries.as_slice() {
                    if MATCHER_KEYWORDS.contains(&k.name.as_str()) {
                        return self.keyword(k, v, path, scope);
                    }
                    if let Some(kw) = near_keyword(&k.name) {
                        let kind = LoadErrorKind::UnknownName {
                            what: "matcher".into(),
                            name: k.name.clone(),
                            hint: format!("did you mean `{kw}`?"),
                        };
                        return Err(self.at_key(k, path, kind));
                    }
                } else if let Some((k, _)) = entries
                    .iter()
                    .find(|(k, _)| MATCHER_KEYWORDS.contains(&k.name.as_str()))
                {
                    let msg = format!(
                        "`{}` is a matcher keyword, and a matcher mapping has exactly one key",
                        k.name
                    );
                    return Err(self.at_key(k, path, LoadErrorKind::Invalid(msg)));
                }
                let mut members = Vec::new();
                for (k, v) in entries {
                    self.template_str(&k.name, &key_node(k), path, scope)?;
                    members.push((
                        k.name.clone(),
                        self.matcher(v, &join(path, &k.name), scope)?,
                    ));
                }
                Ok(Matcher::Subset(members))
            }
        }
    }

    /// The matcher of one keyword mapping `{key: v}`.
    fn keyword(&self, key: &Key, v: &Node, path: &str, scope: &Scope<'_>) -> R<Matcher> {
        let field = join(path, &key.name);
        let field = field.as_str();
        let value = |cx: &Self| -> R<Value> {
            cx.templates(v, field, scope)?;
            Ok(v.to_json())
        };
        Ok(match key.name.as_str() {
            "eq" => Matcher::Exact(value(self)?),
            "regex" => {
                let pattern = self.string(v, field)?;
                self.template_str(&pattern, v, field, scope)?;
                // Templates are checked above; compile with them left out.
                let probe = probe_regex(&pattern);
                if let Err(e) = regex::Regex::new(&probe) {
                    let detail = e.to_string();
                    let last = detail.lines().last().unwrap_or("").trim();
                    let last = last.strip_prefix("error: ").unwrap_or(last);
                    return Err(self.at(
                        v,
                        field,
                        LoadErrorKind::InvalidRegex(format!("invalid regex: {last}")),
                    ));
                }
                Matcher::Regex(pattern)
            }
            "present" | "absent" => {
                if !matches!(v.kind, Kind::Bool(true)) {
                    let other = if key.name == "present" {
                        "absent"
                    } else {
                        "present"
                    };
                    let msg = format!(
                        "`{}` takes `true`; for the opposite write `{other}: true`",
                        key.name
                    );
                    return Err(self.invalid(v, field, msg));
                }
                if key.name == "present" {
                    Matcher::Present
                } else {
                    Matcher::Absent
                }
            }
            "type" => Matcher::Type(self.name_in(v, field, "JSON type", JSON_TYPES)?),
            "gt" | "ge" | "lt" | "le" => {
                if !matches!(v.kind, Kind::Number(_) | Kind::Str(_)) {
                    return Err(self.wrong_type(v, field, "a number or a template"));
                }
                let val = value(self)?;
                match key.name.as_str() {
                    "gt" => Matcher::Gt(val),
                    "ge" => Matcher::Ge(val),
                    "lt" => Matcher::Lt(val),
                    _ => Matcher::Le(val),
                }
            }
            "ne" => Matcher::Ne(value(self)?),
            "len" => match &v.kind {
                Kind::Number(n) if n.as_u64().is_some() => {
                    Matcher::Len(n.as_u64().unwrap_or_default() as usize)
                }
                _ => return Err(self.wrong_type(v, field, "a non-negative integer")),
            },
            "contains" => match &v.kind {
                Kind::Seq(items) => Matcher::Contains(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| self.matcher(n, &format!("{field}[{i}]"), scope))
                        .collect::<R<_>>()?,
                ),
                _ => Matcher::Contains(vec![self.matcher(v, field, scope)?]),
            },
            "excludes" => Matcher::Excludes(Box::new(self.matcher(v, field, scope)?)),
            "any_of" => match &v.kind {
                Kind::Seq(items) if !items.is_empty() => Matcher::AnyOf(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| self.matcher(n, &format!("{field}[{i}]"), scope))
                        .collect::<R<_>>()?,
                ),
                _ => return Err(self.wrong_type(v, field, "a non-empty sequence of matchers")),
            },
            other => unreachable!("`{other}` is in MATCHER_KEYWORDS"),
        })
    }
}

/// A lowercase single key near a matcher keyword is taken for a misspelt
/// matcher: KMS members are PascalCase, so the guess is safe. Short keywords
/// get a tighter distance, or every two-letter word would be a typo.
fn near_keyword(key: &str) -> Option<&'static str> {
    // `__type` and the like are wire members of AWS JSON, never matchers.
    if key.starts_with("__") || !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        return None;
    }
    MATCHER_KEYWORDS.iter().copied().find(|kw| {
        let limit = if kw.len() <= 3 { 1 } else { 2 };
        strsim::levenshtein(key, kw) <= limit
    })
}

/// The pattern with each template replaced by a plain letter, to compile it
/// before the variables are known.
fn probe_regex(pattern: &str) -> String {
    match parse_template(pattern) {
        Ok(segments) => segments
            .into_iter()
            .map(|s| match s {
                Segment::Lit(t) => t,
                Segment::Expr(_) => "x".into(),
            })
            .collect(),
        Err(_) => pattern.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::tests::{fixme, load};
    use super::*;
    use crate::case::model::BodyExpect;

    #[test]
    fn misspelt_matchers_are_told_from_members() {
        assert_eq!(near_keyword("regx"), Some("regex"));
        assert_eq!(near_keyword("any_off"), Some("any_of"));
        assert_eq!(near_keyword("id"), None);
        assert_eq!(near_keyword("Gt"), None);
        assert_eq!(near_keyword("message"), None);
        assert_eq!(near_keyword("__type"), None);
    }

    #[test]
    fn matcher_rules() {
        let msg = fixme("cases: [{name: a, steps: [{expect: {body: {A: {present: false}}}}]}]");
        assert!(msg.contains("absent: true"), "{msg}");
        let msg = fixme("cases: [{name: a, steps: [{expect: {body: {gt: 1, lt: 3}}}]}]");
        assert!(msg.contains("exactly one key"), "{msg}");
        let msg = fixme("cases: [{name: a, steps: [{expect: {body: {A: {type: strng}}}}]}]");
        assert!(msg.contains("did you mean `string`"), "{msg}");
        let f =
            load("cases: [{name: a, steps: [{expect: {body: {A: {contains: {B: 1}}}}}]}]").unwrap();
        let body = f.cases[0].steps[0].expect.body.clone().unwrap();
        assert_eq!(
            body,
            BodyExpect::Json(Matcher::Subset(vec![(
                "A".into(),
                Matcher::Contains(vec![Matcher::Subset(vec![(
                    "B".into(),
                    Matcher::Exact(json!(1))
                )])])
            )]))
        );
        // A regex may hold templates; they are left out when compiling at load.
        load("cases: [{name: a, steps: [{expect: {message: {regex: '^${alias} x'}}}]}]").unwrap();
    }
}
