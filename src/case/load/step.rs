//! A step: its operation, request (body, headers, method, path), `expect`,
//! `capture` and `eventually`.

use base64::Engine as _;
use serde_json::Value;

use super::super::error::LoadErrorKind;
use super::super::matchers::parse_capture_path;
use super::super::model::{Body, Capture, Expect, Grade, Request, Role, Step};
use super::super::vars::BUILTIN_VARS;
use super::super::yaml::{Kind, Node};
use super::cx::{is_identifier, join, Cx, R};
use super::templates::Scope;
use crate::spec::Operation;

/// Keys of a step.
pub(crate) const STEP_KEYS: &[&str] = &[
    "op",
    "request",
    "raw",
    "raw_base64",
    "headers",
    "unsigned",
    "method",
    "path",
    "expect",
    "capture",
    "eventually",
];

impl Cx<'_> {
    /// One step; its captures are added to `scope` for the steps after it.
    pub(super) fn step(
        &self,
        node: &Node,
        path: &str,
        file_op: Option<Operation>,
        scope: &mut Scope<'_>,
    ) -> R<Step> {
        let f = self.fields(node, path, STEP_KEYS)?;
        let ops: Vec<(&str, Operation)> = Operation::ALL.iter().map(|o| (o.name(), *o)).collect();
        let op = match f.get("op") {
            Some(n) => Some(self.name_in(n, &f.path("op"), "operation", &ops)?),
            None => None,
        };

        let bodies: Vec<&str> = ["request", "raw", "raw_base64"]
            .into_iter()
            .filter(|k| f.get(k).is_some())
            .collect();
        if let [_, second, ..] = bodies.as_slice() {
            let key = f.key(second).expect("present");
            let msg = "a step has exactly one of `request`, `raw` and `raw_base64`";
            return Err(self.at_key(key, path, LoadErrorKind::Invalid(msg.into())));
        }
        let body = if let Some(n) = f.get("request") {
            self.templates(n, &f.path("request"), scope)?;
            Body::Json(n.to_json())
        } else if let Some(n) = f.get("raw") {
            let s = self.string(n, &f.path("raw"))?;
            self.template_str(&s, n, &f.path("raw"), scope)?;
            Body::Raw(s)
        } else if let Some(n) = f.get("raw_base64") {
            let s = self.string(n, &f.path("raw_base64"))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|e| self.invalid(n, &f.path("raw_base64"), format!("not base64: {e}")))?;
            Body::Bytes(bytes)
        } else {
            Body::Json(Value::Object(Default::default()))
        };

        let mut headers = Vec::new();
        if let Some(n) = f.get("headers") {
            let hpath = f.path("headers");
            let Kind::Map(entries) = &n.kind else {
                return Err(self.wrong_type(n, &hpath, "a mapping of header names to values"));
            };
            for (k, v) in entries {
                let vpath = join(&hpath, &k.name);
                let value = match &v.kind {
                    Kind::Null => None,
                    Kind::Str(s) => {
                        self.template_str(s, v, &vpath, scope)?;
                        Some(s.clone())
                    }
                    Kind::Number(num) => Some(num.to_string()),
                    Kind::Bool(b) => Some(b.to_string()),
                    _ => return Err(self.wrong_type(v, &vpath, "a string or null")),
                };
                headers.push((k.name.clone(), value));
            }
        }
        let unsigned = match f.get("unsigned") {
            Some(n) => self.boolean(n, &f.path("unsigned"))?,
            None => false,
        };
        let method = match f.get("method") {
            Some(n) => Some(self.nonempty_string(n, &f.path("method"))?),
            None => None,
        };
        let req_path = match f.get("path") {
            Some(n) => {
                let p = self.string(n, &f.path("path"))?;
                if !p.starts_with('/') {
                    return Err(self.invalid(n, &f.path("path"), "a request path starts with `/`"));
                }
                self.template_str(&p, n, &f.path("path"), scope)?;
                Some(p)
            }
            None => None,
        };

        let op = op.or(file_op);
        let sets_target = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("x-amz-target") && v.is_some());
        if op.is_none() && !sets_target {
            let msg = "this step has no operation: set `op`, the file's `operation`, \
                       or an `X-Amz-Target` header";
            return Err(self.invalid(node, path, msg));
        }

        let expect = match f.get("expect") {
            Some(n) => self.expect(n, &f.path("expect"), scope)?,
            None => Expect {
                span: node.span,
                ..Expect::default()
            },
        };

        let mut capture = Vec::new();
        if let Some(n) = f.get("capture") {
            let cpath = f.path("capture");
            let Kind::Map(entries) = &n.kind else {
                return Err(self.wrong_type(n, &cpath, "a mapping of variable names to paths"));
            };
            for (k, v) in entries {
                if !is_identifier(&k.name) {
                    let msg = format!("capture name `{}` is not an identifier", k.name);
                    return Err(self.at_key(k, &cpath, LoadErrorKind::Invalid(msg)));
                }
                if BUILTIN_VARS.contains(&k.name.as_str()) {
                    let msg = format!("capture `{}` would hide the builtin variable", k.name);
                    return Err(self.at_key(k, &cpath, LoadErrorKind::Invalid(msg)));
                }
                let vpath = join(&cpath, &k.name);
                let p = self.string(v, &vpath)?;
                parse_capture_path(&p).map_err(|e| self.invalid(v, &vpath, e))?;
                self.template_str(&p, v, &vpath, scope)?;
                capture.push(Capture {
                    name: k.name.clone(),
                    path: p,
                });
            }
        }
        // Captures are visible from the next step on.
        scope
            .captures
            .extend(capture.iter().map(|c| c.name.clone()));

        let eventually = match f.get("eventually") {
            Some(n) => Some(self.eventually(n, &f.path("eventually"))?),
            None => None,
        };

        let role = if f.get("expect").is_some() {
            Role::Check
        } else {
            Role::Setup
        };
        Ok(Step {
            op,
            role,
            grade: Grade::default(),
            request: Request {
                body,
                headers,
                unsigned,
                method,
                path: req_path,
            },
            expect,
            capture,
            eventually,
            span: node.span,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::tests::{fixme, load};
    use super::*;

    #[test]
    fn a_step_has_one_body() {
        let msg = fixme("cases: [{name: a, steps: [{request: {}, raw: x}]}]");
        assert!(msg.contains("exactly one of"), "{msg}");
        let f = load("cases: [{name: a, steps: [{}]}]").unwrap();
        assert_eq!(f.cases[0].steps[0].request.body, Body::Json(json!({})));
    }

    #[test]
    fn target_header_stands_in_for_an_operation() {
        let text = "clause: c\nsource: s\nevidence: inferred\ncases: [{name: a, steps: [\
                    {headers: {x-amz-target: TrentService.ListAliases}}]}]";
        let f = crate::case::load_str("t.yaml", text).unwrap();
        assert_eq!(f.cases[0].steps[0].op, None);
    }
}
