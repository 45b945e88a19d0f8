//! `expect`: status, error codes, message, body and headers, and the
//! grades of its checks (read in `grade.rs`).

use super::super::error::{did_you_mean, LoadErrorKind};
use super::super::model::{BodyExpect, CheckOf, Expect};
use super::super::yaml::{Kind, Node};
use super::cx::{join, Cx, R};
use super::templates::Scope;
use crate::spec::otc::OtcError;
use crate::spec::{Dialect, ErrorCode};

/// Keys of `expect`.
pub(crate) const EXPECT_KEYS: &[&str] = &[
    "status", "error", "message", "body", "headers", "clause", "source", "evidence",
];

impl Cx<'_> {
    /// An `expect` mapping.
    pub(super) fn expect(&self, node: &Node, path: &str, scope: &Scope<'_>) -> R<Expect> {
        let f = self.fields(node, path, EXPECT_KEYS)?;
        let status = match f.get("status") {
            Some(n) => {
                let field = f.path("status");
                let Kind::Number(num) = &n.kind else {
                    return Err(self.wrong_type(n, &field, "an HTTP status code (100 to 599)"));
                };
                match num.as_u64() {
                    Some(s @ 100..=599) => Some(s as u16),
                    _ => {
                        let msg = format!("`{num}` is not an HTTP status code (100 to 599)");
                        return Err(self.invalid(n, &field, msg));
                    }
                }
            }
            None => None,
        };
        let (error, error_pattern) = match f.get("error") {
            Some(
                n @ Node {
                    kind: Kind::Map(_), ..
                },
            ) => (None, Some(self.error_pattern(n, &f.path("error"))?)),
            Some(n) => (Some(self.error_codes(n, &f.path("error"))?), None),
            None => (None, None),
        };
        let message = match f.get("message") {
            Some(n) => Some(self.matcher(n, &f.path("message"), scope)?),
            None => None,
        };
        let body = match f.get("body") {
            Some(Node {
                kind: Kind::Str(s), ..
            }) if s == "empty" => Some(BodyExpect::Empty),
            Some(n) => Some(BodyExpect::Json(self.matcher(n, &f.path("body"), scope)?)),
            None => None,
        };
        let mut headers = Vec::new();
        if let Some(n) = f.get("headers") {
            let hpath = f.path("headers");
            let Kind::Map(entries) = &n.kind else {
                return Err(self.wrong_type(n, &hpath, "a mapping of header names to matchers"));
            };
            for (k, v) in entries {
                headers.push((
                    k.name.clone(),
                    self.matcher(v, &join(&hpath, &k.name), scope)?,
                ));
            }
        }
        // The status is checked always: as written, as the error implies, or 200.
        let made: Vec<CheckOf> = CheckOf::ALL
            .iter()
            .copied()
            .filter(|c| match c {
                CheckOf::Status => true,
                CheckOf::Error => error.is_some() || error_pattern.is_some(),
                CheckOf::Message => message.is_some(),
                CheckOf::Body => body.is_some(),
                CheckOf::Headers => !headers.is_empty(),
            })
            .collect();
        let (grade, per_check) = self.expect_grade(&f, &made)?;
        Ok(Expect {
            status,
            error,
            error_pattern,
            message,
            body,
            headers,
            grade,
            per_check,
            span: node.span,
        })
    }

    /// `{regex: ...}`: the form an error code must have, where the evidence
    /// does not say which code applies.
    fn error_pattern(&self, node: &Node, field: &str) -> R<String> {
        let f = self.fields(node, field, &["regex"])?;
        let n = self.required(&f, "regex")?;
        let re = self.nonempty_string(n, &f.path("regex"))?;
        regex::Regex::new(&re)
            .map_err(|e| self.invalid(n, &f.path("regex"), format!("not a regex: {e}")))?;
        Ok(re)
    }

    /// One error code or a non-empty list of candidates, each a known code.
    fn error_codes(&self, node: &Node, field: &str) -> R<Vec<String>> {
        let items: Vec<(&Node, String)> = match &node.kind {
            Kind::Str(_) => vec![(node, field.to_string())],
            Kind::Seq(items) if !items.is_empty() => items
                .iter()
                .enumerate()
                .map(|(i, n)| (n, format!("{field}[{i}]")))
                .collect(),
            Kind::Seq(_) => return Err(self.invalid(node, field, "give at least one error code")),
            _ => return Err(self.wrong_type(node, field, "an error code or a list of them")),
        };
        let mut codes = Vec::new();
        for (n, path) in items {
            let code = self.string(n, &path)?;
            let known = match self.dialect {
                Dialect::Aws => ErrorCode::from_name(&code).is_some(),
                Dialect::Otc => OtcError::from_code(&code).is_some(),
            };
            if !known {
                let hint = match self.dialect {
                    Dialect::Aws => did_you_mean(&code, ErrorCode::ALL.iter().map(|c| c.name())),
                    Dialect::Otc => did_you_mean(&code, OtcError::ALL.iter().map(|c| c.code())),
                };
                let kind = LoadErrorKind::UnknownName {
                    what: match self.dialect {
                        Dialect::Aws => "error code".into(),
                        Dialect::Otc => "OTC error code".into(),
                    },
                    hint,
                    name: code,
                };
                return Err(self.at(n, &path, kind));
            }
            codes.push(code);
        }
        Ok(codes)
    }
}
