//! Grouping cases into findings: one row per distinct behaviour (signature),
//! most severe kind first, then most cases.

use std::collections::BTreeMap;

use super::model::{CaseRecord, Finding, Kind, Summary, Verdict};

/// The findings of a run: every case that did not pass, grouped by signature.
pub fn group(cases: &[CaseRecord]) -> Vec<Finding> {
    let mut rows: BTreeMap<(Kind, &str), Finding> = BTreeMap::new();
    for case in cases {
        let (Some(kind), Some(signature)) = (case.kind, case.signature.as_deref()) else {
            continue;
        };
        if case.verdict == Verdict::Xpass {
            continue;
        }
        let row = rows.entry((kind, signature)).or_insert_with(|| {
            let mut parts = signature.splitn(4, " | ");
            let operation = parts.next().unwrap_or_default().to_owned();
            let check = parts.next().unwrap_or_default().to_owned();
            let expected = parts.next().unwrap_or_default();
            let actual = parts.next().unwrap_or_default();
            Finding {
                signature: signature.to_owned(),
                kind,
                severity: kind.severity(),
                operation,
                check,
                expected: expected.trim_start_matches("expected: ").to_owned(),
                actual: actual.trim_start_matches("actual: ").to_owned(),
                count: 0,
                baselined: 0,
                trials: Vec::new(),
                clauses: Vec::new(),
            }
        });
        row.count += 1;
        if case.verdict == Verdict::Xfail {
            row.baselined += 1;
        }
        row.trials.push(case.trial.clone());
        for clause in deciding_clauses(case) {
            if !row.clauses.contains(&clause) {
                row.clauses.push(clause);
            }
        }
    }
    let mut rows: Vec<Finding> = rows.into_values().collect();
    for row in &mut rows {
        row.trials.sort();
        row.clauses.sort();
    }
    rows.sort_by(|a, b| {
        (a.kind, std::cmp::Reverse(a.count), &a.signature).cmp(&(
            b.kind,
            std::cmp::Reverse(b.count),
            &b.signature,
        ))
    });
    rows
}

/// The clauses of the checks that decided a case (its failed, or drifted, checks).
fn deciding_clauses(case: &CaseRecord) -> Vec<String> {
    let mut out: Vec<String> = case
        .steps
        .iter()
        .flat_map(|s| &s.checks)
        .filter(|c| c.kind == case.kind && c.kind.is_some())
        .map(|c| c.clause.clone())
        .collect();
    if out.is_empty() {
        out.push(case.clause.clone());
    }
    out
}

/// Counts of verdicts.
pub fn summarise(cases: &[CaseRecord]) -> Summary {
    let mut s = Summary {
        total: cases.len(),
        ..Summary::default()
    };
    for c in cases {
        match c.verdict {
            Verdict::Pass => s.pass += 1,
            Verdict::Drift => s.drift += 1,
            Verdict::Fail => {
                s.fail += 1;
                if c.baseline.as_ref().is_some_and(|b| b.changed) {
                    s.changed += 1;
                }
            }
            Verdict::Blocked => s.blocked += 1,
            Verdict::Error => s.error += 1,
            Verdict::Xfail => s.xfail += 1,
            Verdict::Xpass => s.xpass += 1,
        }
    }
    s
}
