//! A case: its name (and slug), grade, `ignore` and steps, and the rule that
//! a case checks something.

use super::super::error::LoadErrorKind;
use super::super::model::{Case, KeyFixture, Role, Step};
use super::super::yaml::{Kind, Node};
use super::cx::{Cx, R};
use super::slug;
use super::templates::Scope;
use crate::spec::otc::Action;
use crate::spec::Operation;

/// Keys of a case.
pub(crate) const CASE_KEYS: &[&str] = &["name", "evidence", "ignore", "steps", "clause", "source"];

impl Cx<'_> {
    /// One case of a file.
    pub(super) fn case(
        &self,
        node: &Node,
        path: &str,
        file_op: (Option<Operation>, Option<Action>),
        fixtures: &[KeyFixture],
    ) -> R<Case> {
        let f = self.fields(node, path, CASE_KEYS)?;
        let name_node = self.required(&f, "name")?;
        let name = self.nonempty_string(name_node, &f.path("name"))?;
        let slug = slug(&name);
        if slug.is_empty() {
            return Err(self.invalid(
                name_node,
                &f.path("name"),
                "a case name needs a letter or digit",
            ));
        }
        let grade = self.grade(&f)?;
        let ignore = match f.get("ignore") {
            Some(n) => Some(self.nonempty_string(n, &f.path("ignore"))?),
            None => None,
        };
        let steps_node = self.required(&f, "steps")?;
        let Kind::Seq(items) = &steps_node.kind else {
            return Err(self.wrong_type(steps_node, &f.path("steps"), "a sequence of steps"));
        };
        if items.is_empty() {
            return Err(self.invalid(
                steps_node,
                &f.path("steps"),
                "a case needs at least one step",
            ));
        }
        let mut scope = Scope {
            fixtures,
            captures: Vec::new(),
        };
        let mut steps = Vec::new();
        for (j, item) in items.iter().enumerate() {
            let step_path = format!("{path}.steps[{j}]");
            let after_check = steps.iter().any(|s: &Step| s.role == Role::Check);
            steps.push(self.step(item, &step_path, file_op, after_check, &mut scope)?);
        }
        Ok(Case {
            name,
            slug,
            grade,
            ignore,
            steps,
            span: node.span,
        })
    }

    /// A case whose steps only set up and verify checks nothing: refused,
    /// pointing at its `steps` key.
    pub(super) fn checks_something(&self, node: &Node, path: &str, case: &Case) -> R<()> {
        if case.steps.iter().any(|s| s.role == Role::Check) {
            return Ok(());
        }
        let f = self.fields(node, path, CASE_KEYS)?;
        let msg = "this case checks nothing: give the step under test an `expect` \
                   (or `role: check`)";
        let kind = LoadErrorKind::Invalid(msg.into());
        Err(match f.key("steps") {
            Some(key) => self.at_key(key, &f.path("steps"), kind),
            None => self.at(node, &f.path("steps"), kind),
        })
    }
}
