//! Grades: the `clause`, `source` and `evidence` a file sets and a case, a
//! step or an expectation may override. In `expect`, each may also be a
//! mapping from a check name to the value for that check alone.

use std::collections::BTreeMap;

use super::super::error::{did_you_mean, LoadErrorKind};
use super::super::model::{CheckOf, Grade};
use super::super::yaml::{Kind, Node};
use super::cx::{join, Cx, Fields, R};
use crate::spec::Evidence;

/// The keys of a grade, at every level.
pub(super) const GRADE_KEYS: &[&str] = &["clause", "source", "evidence"];

/// The evidence grades by name.
pub(super) const EVIDENCE: &[(&str, Evidence)] = &[
    ("recorded", Evidence::Recorded),
    ("documented", Evidence::Documented),
    ("inferred", Evidence::Inferred),
];

/// The checks of an expectation by name, for per-check grades.
fn checks() -> Vec<(&'static str, CheckOf)> {
    CheckOf::ALL.iter().map(|c| (c.name(), *c)).collect()
}

impl Cx<'_> {
    /// The grade of a case or a step: each key a single value.
    pub(super) fn grade(&self, f: &Fields<'_>) -> R<Grade> {
        let mut grade = Grade::default();
        for key in GRADE_KEYS {
            if let Some(n) = f.get(key) {
                self.grade_value(&mut grade, key, n, &f.path(key))?;
            }
        }
        Ok(grade)
    }

    /// The grade of an expectation and its per-check grades (in check
    /// order). `made` are the checks the expectation makes; a per-check
    /// grade of any other check is refused.
    pub(super) fn expect_grade(
        &self,
        f: &Fields<'_>,
        made: &[CheckOf],
    ) -> R<(Grade, Vec<(CheckOf, Grade)>)> {
        let mut grade = Grade::default();
        let mut per_check: BTreeMap<CheckOf, Grade> = BTreeMap::new();
        let names = checks();
        for key in GRADE_KEYS {
            let Some(n) = f.get(key) else { continue };
            let field = f.path(key);
            let Kind::Map(entries) = &n.kind else {
                if !matches!(n.kind, Kind::Str(_)) {
                    let expected = format!(
                        "a string for every check, or a mapping of check names \
                         ({}) to strings",
                        quoted(&names)
                    );
                    return Err(self.wrong_type(n, &field, &expected));
                }
                self.grade_value(&mut grade, key, n, &field)?;
                continue;
            };
            if entries.is_empty() {
                let msg = format!(
                    "name at least one check ({}), or give one value for every check",
                    quoted(&names)
                );
                return Err(self.invalid(n, &field, msg));
            }
            for (k, v) in entries {
                let Some(&(_, check)) = names.iter().find(|(name, _)| *name == k.name) else {
                    let kind = LoadErrorKind::UnknownName {
                        what: "check".into(),
                        name: k.name.clone(),
                        hint: did_you_mean(&k.name, names.iter().map(|(name, _)| *name)),
                    };
                    return Err(self.at_key(k, &field, kind));
                };
                if !made.contains(&check) {
                    let msg = format!(
                        "this expectation does not check `{0}`: add a `{0}`, or drop `{0}` \
                         from `{key}`",
                        k.name
                    );
                    return Err(self.at_key(k, &field, LoadErrorKind::Invalid(msg)));
                }
                let g = per_check.entry(check).or_default();
                self.grade_value(g, key, v, &join(&field, &k.name))?;
            }
        }
        Ok((grade, per_check.into_iter().collect()))
    }

    /// Sets `key` of `grade` from one scalar.
    fn grade_value(&self, grade: &mut Grade, key: &str, node: &Node, field: &str) -> R<()> {
        match key {
            "clause" => grade.clause = Some(self.nonempty_string(node, field)?),
            "source" => grade.source = Some(self.nonempty_string(node, field)?),
            "evidence" => grade.evidence = Some(self.name_in(node, field, "evidence", EVIDENCE)?),
            other => unreachable!("`{other}` is in GRADE_KEYS"),
        }
        Ok(())
    }
}

fn quoted(names: &[(&str, CheckOf)]) -> String {
    let list: Vec<String> = names.iter().map(|(n, _)| format!("`{n}`")).collect();
    list.join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fixme, load};
    use super::*;
    use crate::case::model::{Case, CaseFile, Step};

    /// The grade a check of a step is judged by: per-check, expectation,
    /// step, case, then file.
    fn resolve(file: &CaseFile, case: &Case, step: &Step, check: CheckOf) -> Grade {
        let top = Grade {
            clause: Some(file.clause.clone()),
            source: Some(file.source.clone()),
            evidence: Some(file.evidence),
        };
        step.expect
            .grade_of(check)
            .over(&step.grade)
            .over(&case.grade)
            .over(&top)
    }

    fn grade(clause: &str, source: &str, evidence: Evidence) -> Grade {
        Grade {
            clause: Some(clause.into()),
            source: Some(source.into()),
            evidence: Some(evidence),
        }
    }

    #[test]
    fn the_nearest_grade_wins() {
        use Evidence::*;
        // The file (HEAD) says clause c, source s, recorded.
        let f = load(
            "cases:
  - name: a
    clause: case-c
    evidence: documented
    steps:
      - source: step-s
        expect:
          error: NotFoundException
          message: x
          evidence: inferred
          source: {status: status-s, message: message-s}
          clause: {message: message-c}
      - op: ListAliases
        expect: {body: {}}
  - name: b
    steps: [{expect: {}}]",
        )
        .unwrap();
        let (a, b) = (&f.cases[0], &f.cases[1]);
        let at = |case, step: &Step, check| resolve(&f, case, step, check);
        let s0 = &a.steps[0];
        assert_eq!(
            at(a, s0, CheckOf::Message),
            grade("message-c", "message-s", Inferred)
        );
        assert_eq!(
            at(a, s0, CheckOf::Status),
            grade("case-c", "status-s", Inferred)
        );
        assert_eq!(
            at(a, s0, CheckOf::Error),
            grade("case-c", "step-s", Inferred)
        );
        assert_eq!(
            at(a, &a.steps[1], CheckOf::Body),
            grade("case-c", "s", Documented)
        );
        assert_eq!(
            at(b, &b.steps[0], CheckOf::Status),
            grade("c", "s", Recorded)
        );
        // One entry per check named, in check order, merging the keys.
        let checks: Vec<CheckOf> = s0.expect.per_check.iter().map(|(c, _)| *c).collect();
        assert_eq!(checks, [CheckOf::Status, CheckOf::Message]);
        assert_eq!(s0.expect.grade.evidence, Some(Inferred));
        assert_eq!(s0.grade.source.as_deref(), Some("step-s"));
    }

    #[test]
    fn per_check_grades_name_checks_the_expectation_makes() {
        let expect = |e: &str| fixme(&format!("cases: [{{name: a, steps: [{{expect: {e}}}]}}]"));
        let msg = expect("{message: x, evidence: {mesage: inferred}}");
        assert_eq!(msg, "unknown check `mesage`, did you mean `message`?");
        let msg = expect("{error: NotFoundException, evidence: {message: inferred}}");
        assert!(
            msg.starts_with("this expectation does not check `message`"),
            "{msg}"
        );
        let msg = expect("{headers: {}, source: {headers: x}}");
        assert!(
            msg.starts_with("this expectation does not check `headers`"),
            "{msg}"
        );
        let msg = expect("{evidence: {}}");
        assert!(msg.starts_with("name at least one check"), "{msg}");
        let msg = expect("{clause: 3}");
        assert!(msg.contains("or a mapping of check names"), "{msg}");
        let msg = expect("{evidence: {status: guessed}}");
        assert!(msg.starts_with("unknown evidence `guessed`"), "{msg}");
        // The status is always checked, so it may always be graded.
        load("cases: [{name: a, steps: [{expect: {evidence: {status: inferred}}}]}]").unwrap();
    }

    #[test]
    fn case_and_step_grades_are_single_values() {
        let msg = fixme("cases: [{name: a, clause: {message: x}, steps: [{expect: {}}]}]");
        assert_eq!(msg, "expected a string, found a mapping");
        let msg = fixme("cases: [{name: a, steps: [{source: '  ', expect: {}}]}]");
        assert_eq!(msg, "must not be empty");
    }
}
