//! Everything the runner prints about cases: one place, so wording is uniform.

use std::fmt::Write as _;

use similar::TextDiff;

use super::check::shown_body;
use super::result::{CaseReport, Mismatch, StepReport};
use crate::client::{WireRequest, WireResponse};

const MAX_SHOWN_BODY: usize = 4000;

/// The failure text of a case: what it checks, the step that failed, the
/// request, expected and actual response, and a diff of bodies.
pub fn failure(report: &CaseReport, root: &str) -> String {
    let mut out = String::new();
    header(&mut out, report, root);
    if let Some(e) = &report.setup_error {
        let _ = writeln!(out, "\nsetup failed: {e}");
    }
    let total = report.steps.len();
    for step in &report.steps {
        if step.passed() {
            let status = step
                .response
                .as_ref()
                .map(|r| r.status.to_string())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "\nstep {} (line {}): {} -> {status} ok",
                step.index, step.line, step.op
            );
        } else {
            failed_step(&mut out, step, total);
        }
    }
    cleanup_note(&mut out, report);
    out
}

fn header(out: &mut String, report: &CaseReport, root: &str) {
    let _ = writeln!(out, "case:     {}", report.name);
    let _ = writeln!(
        out,
        "clause:   {} (evidence: {})",
        report.clause,
        report.evidence.name()
    );
    let _ = writeln!(out, "source:   {}", report.source);
    let _ = writeln!(out, "  --> {}{}:{}", root, report.file, report.line);
}

fn failed_step(out: &mut String, step: &StepReport, _total: usize) {
    let tries = if step.attempts > 1 {
        format!(", {} attempts", step.attempts)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\nstep {} (line {}{tries}): {} FAILED",
        step.index, step.line, step.op
    );
    if let Some(req) = &step.request {
        request(out, req);
    }
    if let Some(resp) = &step.response {
        response(out, resp);
    }
    if let Some(e) = &step.error {
        let _ = writeln!(out, "error: {e}");
    }
    for m in &step.failures {
        mismatch(out, m);
    }
    for m in &step.drift {
        let _ = writeln!(out, "drift (message wording, not a failure):");
        mismatch(out, m);
    }
    if let Some((expected, actual)) = &step.body_diff {
        let _ = writeln!(out, "body diff (- expected, + actual):");
        let diff = TextDiff::from_lines(expected.as_str(), actual.as_str());
        let _ = write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(4)
                .header("expected", "actual")
        );
    }
}

fn request(out: &mut String, req: &WireRequest) {
    let _ = writeln!(out, "request:");
    let _ = writeln!(out, "  {} {}", req.method, req.path);
    for (k, v) in &req.headers {
        let _ = writeln!(out, "  {k}: {v}");
    }
    if !req.sign {
        let _ = writeln!(out, "  (unsigned)");
    }
    let _ = writeln!(out, "  {}", indent(&clip(&shown_body(&req.body))));
}

fn response(out: &mut String, resp: &WireResponse) {
    let _ = writeln!(out, "response:");
    let _ = writeln!(out, "  HTTP {}", resp.status);
    for (k, v) in &resp.headers {
        if matches!(
            k.as_str(),
            "content-type" | "x-amzn-requestid" | "x-amzn-errortype" | "content-length"
        ) {
            let _ = writeln!(out, "  {k}: {v}");
        }
    }
    let _ = writeln!(out, "  {}", indent(&clip(&shown_body(&resp.body))));
}

/// One failed check as `what:` with `expected:` and `actual:` lines.
pub fn mismatch(out: &mut String, m: &Mismatch) {
    let _ = writeln!(out, "{}:", m.what);
    let _ = writeln!(out, "  expected: {}", indent(&m.expected));
    let _ = writeln!(out, "  actual:   {}", indent(&m.actual));
}

fn cleanup_note(out: &mut String, report: &CaseReport) {
    if !report.cleanup_errors.is_empty() {
        let _ = writeln!(out, "\ncleanup could not remove:");
        for e in &report.cleanup_errors {
            let _ = writeln!(out, "  {e}");
        }
    }
}

fn clip(s: &str) -> String {
    if s.len() <= MAX_SHOWN_BODY {
        return s.to_owned();
    }
    let head: String = s.chars().take(MAX_SHOWN_BODY).collect();
    format!("{head}\n... ({} bytes in all)", s.len())
}

fn indent(s: &str) -> String {
    s.replace('\n', "\n  ")
}

/// The drift summary printed after a run: message wording that differs
/// where the evidence is not a recording.
pub fn drift_summary(reports: &[CaseReport]) -> Option<String> {
    let found: Vec<_> = reports
        .iter()
        .flat_map(|r| r.drift().map(move |d| (r, d)))
        .collect();
    if found.is_empty() {
        return None;
    }
    let mut out = format!(
        "\nmessage drift ({} finding(s); wording checked loosely because the evidence is not a recording, so these do not fail):\n",
        found.len()
    );
    for (report, (step, m)) in found {
        let _ = writeln!(out, "  {} step {}: {}", report.trial, step.index, m.what);
        let _ = writeln!(out, "    expected: {}", m.expected);
        let _ = writeln!(out, "    actual:   {}", m.actual);
    }
    Some(out)
}

/// The banner printed before the trials.
pub fn banner(endpoint: &str, region: &str, cases: usize, files: usize, prefix: &str) -> String {
    format!(
        "kms-alias-conformance: {cases} cases from {files} files against {endpoint} (region {region}, run prefix {prefix})"
    )
}

/// The closing line on traffic: requests sent and the rate.
pub fn throughput(requests: u64, elapsed: std::time::Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-9);
    format!(
        "{requests} requests in {:.3} s ({:.0} requests/s)",
        secs,
        requests as f64 / secs
    )
}
