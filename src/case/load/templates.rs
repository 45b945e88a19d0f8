//! Template checks: every `${...}` in a request, header, capture path or
//! matcher must parse and name only what is defined at that point of the case.

use super::super::error::{did_you_mean, LoadErrorKind};
use super::super::model::KeyFixture;
use super::super::vars::{parse_template, Expr, Segment, BUILTIN_VARS, FIXTURE_MEMBERS, FUNCTIONS};
use super::super::yaml::{Kind, Node};
use super::cx::{join, key_node, Cx, R};

/// What templates may name at a point of a case.
pub(super) struct Scope<'a> {
    /// The file's fixtures.
    pub fixtures: &'a [KeyFixture],
    /// The captures of the steps before this one.
    pub captures: Vec<String>,
}

impl Cx<'_> {
    /// Checks the templates in every string and key of a node.
    pub(super) fn templates(&self, node: &Node, path: &str, scope: &Scope<'_>) -> R<()> {
        match &node.kind {
            Kind::Str(s) => self.template_str(s, node, path, scope),
            Kind::Seq(items) => {
                for (i, n) in items.iter().enumerate() {
                    self.templates(n, &format!("{path}[{i}]"), scope)?;
                }
                Ok(())
            }
            Kind::Map(entries) => {
                for (k, v) in entries {
                    self.template_str(&k.name, &key_node(k), path, scope)?;
                    self.templates(v, &join(path, &k.name), scope)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Checks that a template parses and names only what the scope defines.
    pub(super) fn template_str(
        &self,
        s: &str,
        node: &Node,
        path: &str,
        scope: &Scope<'_>,
    ) -> R<()> {
        if !s.contains("${") {
            return Ok(());
        }
        let fail = |msg: String| Err(self.at(node, path, LoadErrorKind::Template(msg)));
        let segments = match parse_template(s) {
            Ok(segments) => segments,
            Err(e) => return fail(format!("in `{s}`: {e}")),
        };
        for seg in segments {
            let Segment::Expr(expr) = seg else { continue };
            match expr {
                Expr::Var {
                    name,
                    member: Some(member),
                } => {
                    if !scope.fixtures.iter().any(|f| f.name == name) {
                        let hint = if scope.fixtures.is_empty() {
                            "this file declares no fixtures".to_string()
                        } else {
                            did_you_mean(&name, scope.fixtures.iter().map(|f| f.name.as_str()))
                        };
                        return fail(format!("unknown fixture `{name}` in `{s}`, {hint}"));
                    }
                    if !FIXTURE_MEMBERS.contains(&member.as_str()) {
                        let hint = did_you_mean(&member, FIXTURE_MEMBERS.iter().copied());
                        return fail(format!(
                            "a fixture has no member `{member}` (in `{s}`), {hint}"
                        ));
                    }
                }
                Expr::Var { name, member: None } => {
                    if BUILTIN_VARS.contains(&name.as_str()) || scope.captures.contains(&name) {
                        continue;
                    }
                    if scope.fixtures.iter().any(|f| f.name == name) {
                        return fail(format!(
                            "`{name}` is a fixture: write `${{{name}.KeyId}}` or `${{{name}.Arn}}`"
                        ));
                    }
                    let known = BUILTIN_VARS
                        .iter()
                        .copied()
                        .chain(scope.captures.iter().map(String::as_str));
                    let hint = did_you_mean(&name, known);
                    return fail(format!(
                        "unknown variable `{name}` in `{s}` (captures are visible from the \
                         next step on), {hint}"
                    ));
                }
                Expr::Call { name, args } => {
                    let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(n, _, _)| *n == name) else {
                        let hint = did_you_mean(&name, FUNCTIONS.iter().map(|(n, _, _)| *n));
                        return fail(format!("unknown function `{name}` in `{s}`, {hint}"));
                    };
                    if args.len() < min || args.len() > max {
                        let count = if min == max {
                            min.to_string()
                        } else {
                            format!("{min} to {max}")
                        };
                        return fail(format!(
                            "`{name}` takes {count} arguments, got {} (in `{s}`)",
                            args.len()
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::load;

    #[test]
    fn template_rules() {
        let base = "fixtures: {keys: {sym: {}}}\ncases: [{name: a, steps: [";
        let check = |steps: &str| load(&format!("{base}{steps}, {{expect: {{}}}}]}}]")).map(|_| ());
        check("{request: {K: '${sym.KeyId}', A: '${sym.Arn}', R: '${repeat(a, 3)}'}}").unwrap();
        let err = check("{request: {K: '${sym}'}}").unwrap_err();
        assert!(err.kind.fixme().contains("is a fixture"));
        let err = check("{request: {K: '${sym.KeyID}'}}").unwrap_err();
        assert!(err.kind.fixme().contains("did you mean `KeyId`"));
        let err = check("{request: {K: '${repeat(a)}'}}").unwrap_err();
        assert!(err.kind.fixme().contains("takes 2 arguments, got 1"));
        check("{capture: {x: 'A'}}, {request: {K: '${x}'}}").unwrap();
        let err = check("{capture: {alias: 'A'}}").unwrap_err();
        assert!(err.kind.fixme().contains("builtin"));
        let err = check("{capture: {x: 'A[z]'}}").unwrap_err();
        assert!(err.kind.fixme().contains("neither an index"));
    }
}
