//! A step: its operation, request (body, headers, method, path), `expect`,
//! `capture` and `eventually`.

use base64::Engine as _;
use serde_json::Value;

use super::super::error::LoadErrorKind;
use super::super::matchers::parse_capture_path;
use super::super::model::{Body, Capture, Expect, Request, Role, Step};
use super::super::vars::BUILTIN_VARS;
use super::super::yaml::{Kind, Node};
use super::cx::{is_identifier, join, Cx, R};
use super::templates::Scope;
use crate::spec::otc::Action;
use crate::spec::{Dialect, Operation};

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
    "role",
    "clause",
    "source",
    "evidence",
];

/// The roles by name.
pub(crate) const ROLES: &[(&str, Role)] = &[
    ("setup", Role::Setup),
    ("check", Role::Check),
    ("verify", Role::Verify),
];

impl Cx<'_> {
    /// One step; its captures are added to `scope` for the steps after it.
    /// `after_check` tells whether a check step comes before it in its case.
    pub(super) fn step(
        &self,
        node: &Node,
        path: &str,
        file_op: (Option<Operation>, Option<Action>),
        after_check: bool,
        scope: &mut Scope<'_>,
    ) -> R<Step> {
        let f = self.fields(node, path, STEP_KEYS)?;
        let (file_op, file_action) = file_op;
        let (op, action) = match (f.get("op"), self.dialect) {
            (Some(n), Dialect::Aws) => {
                let ops: Vec<(&str, Operation)> =
                    Operation::ALL.iter().map(|o| (o.name(), *o)).collect();
                (
                    Some(self.name_in(n, &f.path("op"), "operation", &ops)?),
                    None,
                )
            }
            (Some(n), Dialect::Otc) => {
                let actions: Vec<(&str, Action)> =
                    Action::ALL.iter().map(|a| (a.name(), *a)).collect();
                (
                    None,
                    Some(self.name_in(n, &f.path("op"), "OTC action", &actions)?),
                )
            }
            (None, _) => (None, None),
        };
        let role = match f.get("role") {
            Some(n) => Some(self.name_in(n, &f.path("role"), "role", ROLES)?),
            None => None,
        };
        let grade = self.grade(&f)?;

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
        let action = action.or(file_action);
        let sets_target = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("x-amz-target") && v.is_some());
        if self.dialect == Dialect::Otc && action.is_none() && req_path.is_none() {
            let msg = "this step has no OTC action: set `op` (e.g. `update-key-alias`), \
                       the file's `operation`, or a `path`";
            return Err(self.invalid(node, path, msg));
        }
        if self.dialect == Dialect::Otc && unsigned {
            let key = f.key("unsigned").expect("present");
            let msg = "OTC requests are never signed; to send one without a token, \
                       set `headers: {X-Auth-Token: null}`";
            let field = f.path("unsigned");
            return Err(self.at_key(key, &field, LoadErrorKind::Invalid(msg.into())));
        }
        if self.dialect == Dialect::Aws && op.is_none() && !sets_target {
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

        let sent = super::super::model::sent_operation(op, &headers);
        let reads = match self.dialect {
            Dialect::Aws => sent.is_some_and(Operation::is_read),
            Dialect::Otc => action.is_some_and(Action::is_read) && req_path.is_none(),
        };
        if let (Some(key), false) = (f.key("eventually"), reads) {
            let msg = format!(
                "`eventually` retries reads only ({}); {} and is never re-sent: \
                 wait with an `eventually` read before it instead",
                read_names(),
                not_a_read(sent)
            );
            return Err(self.at_key(key, &f.path("eventually"), LoadErrorKind::Invalid(msg)));
        }
        let role = match role {
            Some(role) => {
                let n = f.get("role").expect("present");
                if role == Role::Setup && f.get("expect").is_some() {
                    let msg = "a setup step checks only that it succeeded; drop `expect`, \
                               or make it `role: check`";
                    return Err(self.invalid(n, &f.path("role"), msg));
                }
                if role == Role::Verify && !reads {
                    let msg = format!(
                        "a verify step reads the state a check left ({}); {}: \
                         make it `role: check`",
                        read_names(),
                        not_a_read(sent)
                    );
                    return Err(self.invalid(n, &f.path("role"), msg));
                }
                role
            }
            None if f.get("expect").is_none() => Role::Setup,
            None if reads && after_check => Role::Verify,
            None => Role::Check,
        };
        Ok(Step {
            op,
            action,
            role,
            grade,
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

/// Why a step that sends `sent` is not a read, for messages.
fn not_a_read(sent: Option<Operation>) -> String {
    match sent {
        Some(op) => format!("{} changes state", op.name()),
        None => "what this step's own `X-Amz-Target` sends is not a read".into(),
    }
}

/// The read operations, for messages: `DescribeKey, ListKeys, ListAliases`.
fn read_names() -> String {
    let reads: Vec<&str> = Operation::ALL
        .iter()
        .filter(|o| o.is_read())
        .map(|o| o.name())
        .collect();
    reads.join(", ")
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
        let f = load("cases: [{name: a, steps: [{expect: {}}]}]").unwrap();
        assert_eq!(f.cases[0].steps[0].request.body, Body::Json(json!({})));
    }

    #[test]
    fn target_header_stands_in_for_an_operation() {
        let text = "clause: c\nsource: s\nevidence: inferred\ncases: [{name: a, steps: [\
                    {headers: {x-amz-target: TrentService.ListAliases}, expect: {}}]}]";
        let f = crate::case::load_str("t.yaml", text).unwrap();
        assert_eq!(f.cases[0].steps[0].op, None);
    }

    fn roles(steps: &str) -> Vec<Role> {
        let f = load(&format!("cases: [{{name: a, steps: [{steps}]}}]")).unwrap();
        f.cases[0].steps.iter().map(|s| s.role).collect()
    }

    #[test]
    fn roles_are_inferred() {
        use Role::*;
        // No `expect`: setup. A read with `expect` after a check: verify.
        // Anything else with `expect`: check.
        let steps = "{op: ListAliases, expect: {}}, {}, {expect: {status: 400}}, \
                     {op: ListAliases, expect: {}}, {op: DescribeKey}, \
                     {op: DeleteAlias, expect: {}}, {op: ListKeys, expect: {}}";
        assert_eq!(
            roles(steps),
            [Check, Setup, Check, Verify, Setup, Check, Verify]
        );
        // A read whose own target header sends a mutation is no read.
        let steps = "{expect: {}}, \
                     {op: ListAliases, headers: {X-Amz-Target: TrentService.DeleteAlias}, expect: {}}";
        assert_eq!(roles(steps), [Check, Check]);
        let steps = "{expect: {}}, {op: ListAliases, headers: {X-Amz-Target: null}, expect: {}}";
        assert_eq!(roles(steps), [Check, Check]);
    }

    #[test]
    fn explicit_roles_win() {
        use Role::*;
        let steps = "{role: check}, {op: ListAliases, role: check, expect: {}}, \
                     {op: DescribeKey, role: verify}, {role: setup}";
        assert_eq!(roles(steps), [Check, Check, Verify, Setup]);
        let msg = fixme("cases: [{name: a, steps: [{role: chek}]}]");
        assert_eq!(msg, "unknown role `chek`, did you mean `check`?");
        let msg = fixme("cases: [{name: a, steps: [{role: setup, expect: {}}]}]");
        assert!(
            msg.starts_with("a setup step checks only that it succeeded"),
            "{msg}"
        );
        let msg = fixme("cases: [{name: a, steps: [{expect: {}}, {role: verify}]}]");
        assert!(msg.contains("CreateAlias changes state"), "{msg}");
    }

    #[test]
    fn eventually_retries_reads_only() {
        let case = |steps: &str| load(&format!("cases: [{{name: a, steps: [{steps}]}}]"));
        case("{op: ListAliases, eventually: {}}, {expect: {}}").unwrap();
        case("{op: DescribeKey, eventually: {}, expect: {}}").unwrap();
        case("{headers: {X-Amz-Target: TrentService.ListKeys}, eventually: {}, expect: {}}")
            .unwrap();
        let err = case("{eventually: {}, expect: {}}").unwrap_err();
        assert_eq!(err.field, "cases[0].steps[0].eventually");
        let msg = err.kind.fixme();
        assert!(
            msg.contains("(DescribeKey, ListKeys, ListAliases)"),
            "{msg}"
        );
        assert!(msg.contains("CreateAlias changes state"), "{msg}");
        let msg = case(
            "{op: ListAliases, headers: {X-Amz-Target: TrentService.DeleteAlias}, eventually: {}}",
        )
        .unwrap_err()
        .kind
        .fixme();
        assert!(msg.contains("DeleteAlias changes state"), "{msg}");
        let msg = case("{headers: {X-Amz-Target: Other.ListAliases}, eventually: {}}")
            .unwrap_err()
            .kind
            .fixme();
        assert!(msg.contains("`X-Amz-Target` sends is not a read"), "{msg}");
    }

    #[test]
    fn a_case_checks_something() {
        let nothing =
            "this case checks nothing: give the step under test an `expect` (or `role: check`)";
        for steps in ["{op: ListAliases}", "{}, {op: ListKeys, role: verify}"] {
            let err = load(&format!("cases: [{{name: a, steps: [{steps}]}}]")).unwrap_err();
            assert_eq!(err.field, "cases[0].steps");
            assert_eq!(err.kind.fixme(), nothing);
        }
        let err =
            load("cases: [{name: a, steps: [{expect: {}}]}, {name: b, steps: [{}]}]").unwrap_err();
        assert_eq!(err.field, "cases[1].steps");
        assert_eq!(err.kind.fixme(), nothing);
    }
}
