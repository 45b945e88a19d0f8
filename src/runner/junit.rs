//! JUnit XML for CI systems: one suite per case file, one test case per case.

use std::collections::BTreeMap;
use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::console;
use super::result::CaseReport;

/// Writes the reports of a run as JUnit XML to `path`.
pub fn write(path: &Path, reports: &[CaseReport], root: &str) -> Result<(), String> {
    let mut by_file: BTreeMap<&str, Vec<&CaseReport>> = BTreeMap::new();
    for r in reports {
        by_file.entry(r.file.as_str()).or_default().push(r);
    }
    let mut report = Report::new("kms-alias-conformance");
    for (file, cases) in by_file {
        let mut suite = TestSuite::new(file);
        for case in cases {
            let status = if case.passed() {
                TestCaseStatus::success()
            } else {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let first = case
                    .steps
                    .iter()
                    .find(|s| !s.passed())
                    .and_then(|s| {
                        s.error.clone().or_else(|| {
                            s.failures.first().map(|m| {
                                format!("{}: expected {}, got {}", m.what, m.expected, m.actual)
                            })
                        })
                    })
                    .or_else(|| case.setup_error.clone())
                    .unwrap_or_else(|| "failed".into());
                s.set_message(first);
                s.set_description(console::failure(case, root));
                s
            };
            let mut tc = TestCase::new(case.trial.as_str(), status);
            tc.set_classname(file);
            tc.set_time(case.duration);
            let drift: Vec<String> = case
                .drift()
                .map(|(step, m)| {
                    format!(
                        "drift in step {}: {}: expected {}, got {}",
                        step.index, m.what, m.expected, m.actual
                    )
                })
                .collect();
            if !drift.is_empty() {
                tc.set_system_out(drift.join("\n"));
            }
            suite.add_test_case(tc);
        }
        report.add_test_suite(suite);
    }
    let file = std::fs::File::create(path)
        .map_err(|e| format!("cannot write JUnit report {}: {e}", path.display()))?;
    report
        .serialize(std::io::BufWriter::new(file))
        .map_err(|e| format!("cannot write JUnit report {}: {e}", path.display()))
}
