//! A case: its name (and slug), evidence, `ignore` and steps.

use super::super::model::{Case, Grade, KeyFixture};
use super::super::yaml::{Kind, Node};
use super::cx::{Cx, R};
use super::file::EVIDENCE;
use super::slug;
use super::templates::Scope;
use crate::spec::Operation;

/// Keys of a case.
pub(crate) const CASE_KEYS: &[&str] = &["name", "evidence", "ignore", "steps"];

impl Cx<'_> {
    /// One case of a file.
    pub(super) fn case(
        &self,
        node: &Node,
        path: &str,
        file_op: Option<Operation>,
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
        let evidence = match f.get("evidence") {
            Some(n) => Some(self.name_in(n, &f.path("evidence"), "evidence", EVIDENCE)?),
            None => None,
        };
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
            steps.push(self.step(item, &step_path, file_op, &mut scope)?);
        }
        Ok(Case {
            name,
            slug,
            grade: Grade {
                evidence,
                ..Grade::default()
            },
            ignore,
            steps,
            span: node.span,
        })
    }
}
