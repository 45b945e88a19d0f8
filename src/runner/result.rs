//! What running a case produced. The console, JUnit and summary writers only
//! read these types.

use std::time::Duration;

use crate::client::{WireRequest, WireResponse};
use crate::spec::Evidence;

/// One failed check of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// What was checked: `status`, `error code`, `message`, `body $.Aliases[0]`, `header content-type`.
    pub what: String,
    /// What the case expects, in words.
    pub expected: String,
    /// What came back.
    pub actual: String,
}

/// The outcome of one step.
#[derive(Debug, Clone)]
pub struct StepReport {
    /// 1-based position in the case.
    pub index: usize,
    /// The operation, or the target header sent.
    pub op: String,
    /// The step's line in the case file.
    pub line: usize,
    /// The request as sent (before signing), when it could be built.
    pub request: Option<WireRequest>,
    /// The response, when one arrived.
    pub response: Option<WireResponse>,
    /// Checks that failed and fail the case.
    pub failures: Vec<Mismatch>,
    /// Message checks that failed where the evidence is not a recording:
    /// reported as drift, not failure.
    pub drift: Vec<Mismatch>,
    /// Expected and actual body, pretty-printed, when the body check failed.
    pub body_diff: Option<(String, String)>,
    /// Why the step could not be carried out (template, transport).
    pub error: Option<String>,
    /// How many times it was sent (more than one with `eventually`).
    pub attempts: u32,
}

impl StepReport {
    /// Whether the step passed (drift does not count against it).
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.failures.is_empty()
    }
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseReport {
    /// The trial name, `<file stem>::<case slug>`.
    pub trial: String,
    /// The case's name as written.
    pub name: String,
    /// The file, relative to the corpus root.
    pub file: String,
    /// The case's line.
    pub line: usize,
    /// The clause the file checks.
    pub clause: String,
    /// Where the clause comes from.
    pub source: String,
    /// The evidence grade in force for the case.
    pub evidence: Evidence,
    /// Why fixtures could not be set up, if they could not.
    pub setup_error: Option<String>,
    /// The steps that ran (a failing step ends the case).
    pub steps: Vec<StepReport>,
    /// What cleanup could not remove (never fails the case, but is shown).
    pub cleanup_errors: Vec<String>,
    /// Wall time.
    pub duration: Duration,
}

impl CaseReport {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.setup_error.is_none() && self.steps.iter().all(StepReport::passed)
    }

    /// Every drift finding of the case, with its step.
    pub fn drift(&self) -> impl Iterator<Item = (&StepReport, &Mismatch)> {
        self.steps
            .iter()
            .flat_map(|s| s.drift.iter().map(move |m| (s, m)))
    }
}
