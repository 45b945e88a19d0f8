//! The top level of a case file: default operation, clause, source,
//! evidence, fixtures and cases.

use super::super::error::LoadErrorKind;
use super::super::model::{Case, CaseFile};
use super::super::yaml::{Kind, Node};
use super::case::CASE_KEYS;
use super::cx::{join, Cx, R};
use super::grade::EVIDENCE;
use crate::spec::otc::Action;
use crate::spec::{Dialect, Operation};

/// Keys of the top-level mapping.
pub(crate) const FILE_KEYS: &[&str] = &[
    "dialect",
    "operation",
    "clause",
    "source",
    "evidence",
    "fixtures",
    "cases",
];

impl Cx<'_> {
    /// The `dialect` of a file (`aws` when absent).
    pub(super) fn dialect(&self, root: &Node) -> R<Dialect> {
        let f = self.fields(root, "", FILE_KEYS)?;
        let names: Vec<(&str, Dialect)> = Dialect::ALL.iter().map(|d| (d.name(), *d)).collect();
        match f.get("dialect") {
            Some(n) => self.name_in(n, "dialect", "dialect", &names),
            None => Ok(Dialect::Aws),
        }
    }

    /// The whole file.
    pub(super) fn file(&self, root: &Node) -> R<CaseFile> {
        let f = self.fields(root, "", FILE_KEYS)?;
        let (operation, action) = match (f.get("operation"), self.dialect) {
            (Some(n), Dialect::Aws) => {
                let ops: Vec<(&str, Operation)> =
                    Operation::ALL.iter().map(|o| (o.name(), *o)).collect();
                (Some(self.name_in(n, "operation", "operation", &ops)?), None)
            }
            (Some(n), Dialect::Otc) => {
                let actions: Vec<(&str, Action)> =
                    Action::ALL.iter().map(|a| (a.name(), *a)).collect();
                (
                    None,
                    Some(self.name_in(n, "operation", "OTC action", &actions)?),
                )
            }
            (None, _) => (None, None),
        };
        let clause = self.nonempty_string(self.required(&f, "clause")?, "clause")?;
        let source = self.nonempty_string(self.required(&f, "source")?, "source")?;
        let evidence = self.name_in(
            self.required(&f, "evidence")?,
            "evidence",
            "evidence",
            EVIDENCE,
        )?;
        let fixtures = match f.get("fixtures") {
            Some(n) => self.fixtures(n)?,
            None => Vec::new(),
        };
        let cases_node = self.required(&f, "cases")?;
        let Kind::Seq(items) = &cases_node.kind else {
            return Err(self.wrong_type(cases_node, "cases", "a sequence of cases"));
        };
        if items.is_empty() {
            return Err(self.invalid(cases_node, "cases", "a case file needs at least one case"));
        }
        let mut cases: Vec<Case> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("cases[{i}]");
            let case = self.case(item, &path, (operation, action), &fixtures)?;
            if let Some(first) = cases.iter().find(|c| c.slug == case.slug) {
                let name_node = self
                    .fields(item, &path, CASE_KEYS)?
                    .get("name")
                    .unwrap_or(item);
                let kind = LoadErrorKind::DuplicateCase {
                    slug: case.slug.clone(),
                    first_line: first.span.line,
                };
                return Err(self.at(name_node, &join(&path, "name"), kind));
            }
            cases.push(case);
        }
        // What a case checks is judged once every case has been read, so a
        // case of the wrong form (such as a duplicate id) is reported first.
        for (i, (item, case)) in items.iter().zip(&cases).enumerate() {
            self.checks_something(item, &format!("cases[{i}]"), case)?;
        }
        Ok(CaseFile {
            path: self.file.to_string(),
            dialect: self.dialect,
            operation,
            action,
            clause,
            source,
            evidence,
            fixtures,
            cases,
        })
    }
}
