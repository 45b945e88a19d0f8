//! JUnit XML for CI systems: one suite per case file, one test case per
//! case, the verdict's kind as the failure type.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::console;
use crate::report::{CaseRecord, CheckOutcome, Verdict};

/// Writes the cases of a run as JUnit XML to `path`.
pub fn write(path: &Path, cases: &[CaseRecord], root: &str) -> Result<(), String> {
    let mut by_file: BTreeMap<&str, Vec<&CaseRecord>> = BTreeMap::new();
    for c in cases {
        by_file.entry(c.file.as_str()).or_default().push(c);
    }
    let mut report = Report::new("kms-alias-conformance");
    for (file, cases) in by_file {
        let mut suite = TestSuite::new(file);
        for case in cases {
            let status = match case.verdict {
                Verdict::Pass | Verdict::Drift | Verdict::Xfail => TestCaseStatus::success(),
                verdict => {
                    let kind = if verdict == Verdict::Error {
                        NonSuccessKind::Error
                    } else {
                        NonSuccessKind::Failure
                    };
                    let mut s = TestCaseStatus::non_success(kind);
                    let ty = match (verdict, case.kind) {
                        (Verdict::Xpass, _) => "xpass".to_owned(),
                        (_, Some(k)) => k.name().to_owned(),
                        (v, None) => v.name().to_owned(),
                    };
                    s.set_type(ty);
                    s.set_message(case.summary.clone().unwrap_or_else(|| {
                        format!("{} (remove its baseline entry)", verdict.name())
                    }));
                    s.set_description(console::failure(case, root));
                    s
                }
            };
            let mut tc = TestCase::new(case.trial.as_str(), status);
            tc.set_classname(file);
            tc.set_time(Duration::from_millis(case.duration_ms));
            let mut notes: Vec<String> = case
                .steps
                .iter()
                .flat_map(|s| {
                    s.checks
                        .iter()
                        .filter(|c| c.outcome == CheckOutcome::Drift)
                        .map(move |c| {
                            format!(
                                "drift in step {}: {}: expected {}, got {}",
                                s.index, c.what, c.expected, c.actual
                            )
                        })
                })
                .collect();
            if case.verdict == Verdict::Xfail {
                if let Some(b) = &case.baseline {
                    notes.push(format!("xfail (baseline): {}", b.reason));
                }
            }
            if !notes.is_empty() {
                tc.set_system_out(notes.join("\n"));
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
