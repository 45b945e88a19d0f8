//! Everything the runner prints about cases: one place, so wording is uniform.

use std::fmt::Write as _;

use crate::report::{
    BodyRecord, CaseRecord, CheckOutcome, CheckRecord, Finding, RequestRecord, ResponseRecord,
    StepRecord, Summary, Verdict,
};

const MAX_SHOWN_BODY: usize = 4000;
/// Trial ids shown per finding row.
const TRIALS_PER_ROW: usize = 3;

/// The failure text of a case: verdict and kind, what it checks, the step
/// that decided it with its request and response and every failed check
/// (each with its own clause and evidence), then how to reproduce it.
pub fn failure(case: &CaseRecord, root: &str) -> String {
    let mut out = String::new();
    let kind = case
        .kind
        .map(|k| format!(" ({}, {})", k.name(), k.severity().name()))
        .unwrap_or_default();
    let _ = writeln!(out, "verdict:  {}{kind}", case.verdict.name());
    let _ = writeln!(out, "case:     {}", case.name);
    let _ = writeln!(
        out,
        "clause:   {} (evidence: {})",
        case.clause, case.evidence
    );
    let _ = writeln!(out, "source:   {}", case.source);
    let _ = writeln!(out, "  --> {}{}:{}", root, case.file, case.line);
    if let Some(b) = &case.baseline {
        let _ = writeln!(out, "baseline: {}", b.reason);
        if b.changed {
            let _ = writeln!(out, "  changed: the baseline expects `{}`", b.signature);
        }
    }
    if let Some(s) = &case.summary {
        let _ = writeln!(out, "finding:  {s}");
    }
    if let Some(sig) = &case.signature {
        let _ = writeln!(out, "signature: {sig}");
    }
    if case.steps.is_empty() && !case.fixtures.is_empty() {
        let _ = writeln!(out, "\nfixtures could not be set up:");
        if let Some(last) = case.fixtures.last() {
            if let Some(req) = &last.request {
                request(&mut out, req);
            }
            if let Some(resp) = &last.response {
                response(&mut out, resp);
            }
        }
    }
    for step in &case.steps {
        let failed =
            step.error.is_some() || step.checks.iter().any(|c| c.outcome != CheckOutcome::Pass);
        if failed {
            failed_step(&mut out, step);
        } else {
            let status = step
                .exchange
                .response
                .as_ref()
                .map(|r| r.status.to_string())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "\nstep {} (line {}, {}): {} -> {status} ok",
                step.index, step.line, step.role, step.operation
            );
        }
    }
    if !case.cleanup_errors.is_empty() {
        let _ = writeln!(out, "\ncleanup could not remove:");
        for e in &case.cleanup_errors {
            let _ = writeln!(out, "  {e}");
        }
    }
    if let Some(r) = &case.reproduce {
        let _ = writeln!(out, "\nreproduce (requests as sent, fixtures first):");
        for c in &r.curl {
            let _ = writeln!(out, "  {c}");
        }
        let _ = writeln!(out, "re-run:\n  {}", r.command);
    }
    out
}

fn failed_step(out: &mut String, step: &StepRecord) {
    let tries = if step.attempts > 1 {
        format!(", {} attempts", step.attempts)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\nstep {} (line {}, {}{tries}): {}",
        step.index, step.line, step.role, step.operation
    );
    if let Some(req) = &step.exchange.request {
        request(out, req);
    }
    if let Some(resp) = &step.exchange.response {
        response(out, resp);
    }
    if let Some(e) = &step.error {
        let _ = writeln!(out, "error: {e}");
    }
    for c in step
        .checks
        .iter()
        .filter(|c| c.outcome != CheckOutcome::Pass)
    {
        check(out, c);
    }
    if let Some(diff) = &step.diff {
        let _ = write!(out, "body diff (- expected, + actual):\n{diff}");
    }
}

fn request(out: &mut String, req: &RequestRecord) {
    let _ = writeln!(out, "request:");
    let _ = writeln!(out, "  {} {}", req.method, req.path);
    for (k, v) in &req.headers {
        let _ = writeln!(out, "  {k}: {v}");
    }
    if !req.signed {
        let _ = writeln!(out, "  (unsigned)");
    }
    let _ = writeln!(out, "  {}", indent(&clip(&shown(&req.body))));
}

fn response(out: &mut String, resp: &ResponseRecord) {
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
    let _ = writeln!(out, "  {}", indent(&clip(&shown(&resp.body))));
}

/// A body as the console shows it: JSON pretty-printed, else as text.
fn shown(body: &BodyRecord) -> String {
    match (&body.text, body.bytes) {
        (_, 0) => "(empty)".into(),
        (Some(t), _) => super::check::shown_body(t.as_bytes()),
        (None, n) => format!("({n} bytes, not UTF-8)"),
    }
}

/// One failed or drifted check with its own clause and evidence.
fn check(out: &mut String, c: &CheckRecord) {
    let label = match (c.outcome, c.kind) {
        (CheckOutcome::Drift, _) => "drift (wording; not a failure)".to_owned(),
        (_, Some(k)) => k.name().to_owned(),
        _ => "failed".to_owned(),
    };
    let _ = writeln!(
        out,
        "{}: {label} [clause {}, evidence {}]",
        c.what, c.clause, c.evidence
    );
    let _ = writeln!(out, "  expected: {}", indent(&c.expected));
    let _ = writeln!(out, "  actual:   {}", indent(&c.actual));
    if let Some(s) = &c.source {
        let _ = writeln!(out, "  source:   {s}");
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

/// The findings table printed after a run: one row per distinct behaviour,
/// most severe first, then by count, with the first few trials of each.
pub fn findings(rows: &[Finding]) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let cases: usize = rows.iter().map(|r| r.count).sum();
    let mut out = format!(
        "\nfindings: {} distinct behaviour(s) over {cases} case(s), most severe first\n",
        rows.len()
    );
    for (i, r) in rows.iter().enumerate() {
        let baselined = match r.baselined {
            0 => String::new(),
            n if n == r.count => ", all in the baseline".to_owned(),
            n => format!(", {n} in the baseline"),
        };
        let _ = writeln!(
            out,
            "\n{:>3}. {} {} | {} cases{baselined}",
            i + 1,
            r.severity.name(),
            r.kind.name(),
            r.count
        );
        let _ = writeln!(out, "     {} {}", r.operation, r.check);
        let _ = writeln!(out, "       expected: {}", r.expected);
        let _ = writeln!(out, "       actual:   {}", r.actual);
        let more = r.trials.len().saturating_sub(TRIALS_PER_ROW);
        for t in r.trials.iter().take(TRIALS_PER_ROW) {
            let _ = writeln!(out, "       - {t}");
        }
        if more > 0 {
            let _ = writeln!(out, "       ... and {more} more");
        }
    }
    Some(out)
}

/// The closing summary: counts of each verdict, then the trials that fail
/// the run, marked by verdict, like nextest's closing list.
pub fn closing(summary: &Summary, cases: &[CaseRecord]) -> String {
    let mut out = format!(
        "\nverdicts: {} pass, {} drift, {} fail ({} changed from the baseline), {} blocked, {} error, {} xfail, {} xpass",
        summary.pass,
        summary.drift,
        summary.fail,
        summary.changed,
        summary.blocked,
        summary.error,
        summary.xfail,
        summary.xpass
    );
    let mut bad: Vec<&CaseRecord> = cases.iter().filter(|c| !c.verdict.is_ok()).collect();
    bad.sort_by(|a, b| (a.kind, &a.trial).cmp(&(b.kind, &b.trial)));
    for c in bad {
        let mark = match (c.verdict, &c.baseline) {
            (Verdict::Fail, Some(b)) if b.changed => "CHANGED".to_owned(),
            (Verdict::Xpass, _) => "XPASS (remove its baseline entry)".to_owned(),
            (v, _) => v.name().to_uppercase(),
        };
        let kind = c.kind.map(|k| format!(" {}", k.name())).unwrap_or_default();
        let _ = write!(out, "\n  {mark:>7}{kind}  {}", c.trial);
    }
    out
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
