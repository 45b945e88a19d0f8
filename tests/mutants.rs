//! Mutant emulators: the corpus must catch an emulator that gets any single
//! clause of the spec wrong, and pass a faithful one.
//!
//! Each mutant is the reference behind an in-process proxy that breaks one
//! clause (see `mutants/catalog.rs`). The `run` binary runs the whole corpus
//! against each proxy and must fail, with at least one failing trial in the
//! case file that checks that clause. The identity proxy (no mutation) and
//! the equivalent mutants (AWS-compatible variations such as a namespaced
//! `__type`) must pass every case. The known gaps (`NOT_CAUGHT_YET`) must
//! stay uncaught, so closing one fails this test until the list is updated.
//!
//! The corpus is run from a copy whose `eventually` retry windows are cut to
//! 1 ms: the reference is strongly consistent, so retries only make a
//! failing run wait (up to 30 s per step). Nothing else is changed.
//!
//! Signatures: the control and the equivalent mutants run against a
//! reference that verifies them (with the runner's loopback dummy
//! credentials), so the auth cases run there and prove the proxy forwards
//! signed requests faithfully. The broken mutants break no auth clause, and
//! many rewrite requests (which voids a signature) or make calls of their
//! own, so they get a non-verifying reference and `--skip protocol/auth`.
//! Loopback only; every run is bounded by a timeout.
//!
//! Each run writes its JSON report, which the assertions read: a mutant is
//! caught when a case under its clause's files does not pass (a wording-only
//! mutant is caught as drift); together the mutants must produce every kind
//! of deviation; a mutant whose only fault is a `{}` success body may fail
//! only success-body checks, in at most one finding per operation; and a
//! target that creates an alias but answers garbage must be left clean.
//!
//! `KAC_MUTANTS_ONLY=Name,Name` runs only those mutants (and the control);
//! `KAC_MUTANTS_VERBOSE=1` also lists every failing trial per mutant.

#[path = "mutants/catalog.rs"]
mod catalog;
mod common;
#[path = "mutants/proxy.rs"]
mod proxy;

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kms_alias_conformance::reference::{self, Config, Credentials};
use kms_alias_conformance::report::{Kind, Report, Verdict};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use catalog::{Mutant, BROKEN, EQUIVALENT, NOT_CAUGHT_YET};

/// Mutants that store an alias under another name than asked (cut short,
/// `:` replaced, lower-cased): only the run's closing sweep can find those.
const RESPELLS_NAMES: &[Mutant] = &[
    Mutant::Name257Accepted,
    Mutant::ColonAccepted,
    Mutant::CaseInsensitiveNames,
];

/// One corpus run may take this long before it is killed.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);
/// Corpus runs at the same time: the runs are CPU-bound (a debug binary
/// signing ~2800 requests), so about one per core.
fn parallel_runs() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8))
}

/// Writes to the real stderr, past libtest's capture, so the mutation score
/// table is in the log of a passing run too.
macro_rules! report {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($t)*);
    }};
}

/// What one corpus run against one proxy gave.
#[derive(Debug)]
struct Outcome {
    label: String,
    mutant: Option<Mutant>,
    exit: Option<i32>,
    passed: usize,
    /// Trials that did not pass (failed, drifted, blocked, errored).
    failed: Vec<String>,
    report: Option<Report>,
    /// What `sweep` found left over after the run (one line per item).
    leftovers: Vec<String>,
    output: String,
    elapsed: Duration,
}

impl Outcome {
    fn caught(&self) -> bool {
        let drift_only = self.exit == Some(0)
            && self
                .report
                .as_ref()
                .is_some_and(|r| r.cases.iter().any(|c| c.verdict == Verdict::Drift));
        (self.exit == Some(101) || drift_only) && !self.failed.is_empty()
    }
}

/// A copy of `cases/` with every `eventually` window cut to 1 ms.
fn corpus_copy() -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let dst = std::env::temp_dir().join(format!("kac-mutants-cases-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dst);
    let eventually = regex::Regex::new(r"eventually: \{[^}]*\}").unwrap();
    fn walk(src: &Path, dst: &Path, re: &regex::Regex) {
        fs::create_dir_all(dst).unwrap();
        for entry in fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            let to = dst.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &to, re);
            } else {
                let text = fs::read_to_string(entry.path()).unwrap();
                let text = re.replace_all(&text, "eventually: {timeout: 1ms, interval: 1ms}");
                fs::write(to, text.as_bytes()).unwrap();
            }
        }
    }
    walk(&src, &dst, &eventually);
    dst
}

/// The binary's `run` against `endpoint`, killed after [`RUN_TIMEOUT`].
fn run_corpus(
    cases: &Path,
    endpoint: SocketAddr,
    skip_auth: bool,
    tag: &str,
) -> (Option<i32>, String, Option<Report>) {
    let out_path =
        std::env::temp_dir().join(format!("kac-mutants-{}-{tag}.out", std::process::id()));
    let report_path =
        std::env::temp_dir().join(format!("kac-mutants-{}-{tag}.json", std::process::id()));
    let out = fs::File::create(&out_path).unwrap();
    let mut cmd = common::bin();
    cmd.arg("run")
        .arg("--cases")
        .arg(cases)
        .args(["--endpoint", &format!("http://{endpoint}"), "-q"])
        .args(["--timeout", "10", "--prefix", &prefix_of(tag)])
        // Both dialects: the OTC cases are caught and passed the same way.
        .args(["--dialect", "all", "--project-id", "kac-mutants"])
        .args(["--auth-token", "kac-mutants-token"])
        .arg("--report")
        .arg(&report_path);
    if skip_auth {
        cmd.args(["--skip", "protocol/auth"]);
    }
    cmd.stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out);
    let mut child = cmd.spawn().expect("the binary starts");
    let deadline = Instant::now() + RUN_TIMEOUT;
    let status = loop {
        match child.try_wait().expect("wait") {
            Some(s) => break s.code(),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let text = fs::read_to_string(&out_path).unwrap_or_default();
    let _ = fs::remove_file(&out_path);
    let report = fs::read(&report_path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Report>(&b).ok());
    let _ = fs::remove_file(&report_path);
    (status, text, report)
}

/// The run prefix of a mutant's run: known, so that `sweep` can look for leftovers.
fn prefix_of(tag: &str) -> String {
    let clean: String = tag
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(30)
        .collect();
    format!("kac-m-{clean}")
}

/// `sweep --prefix` against the reference itself: what a run left behind.
fn sweep(upstream: SocketAddr, tag: &str) -> Vec<String> {
    let out = common::bin()
        .args(["sweep", "--prefix", &prefix_of(tag)])
        .args(["--endpoint", &format!("http://{upstream}")])
        .stdin(Stdio::null())
        .output()
        .expect("sweep runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("deleted alias") || l.starts_with("scheduled key"))
        .map(str::to_owned)
        .collect()
}

/// The passed count and the trials that did not pass, from the report.
fn parse(report: Option<&Report>) -> (usize, Vec<String>) {
    let Some(r) = report else {
        return (0, Vec::new());
    };
    let failed = r
        .cases
        .iter()
        .filter(|c| c.verdict != Verdict::Pass)
        .map(|c| c.trial.clone())
        .collect();
    (r.summary.pass, failed)
}

async fn run_one(cases: Arc<PathBuf>, mutant: Option<Mutant>) -> Outcome {
    let started = Instant::now();
    let verify = mutant.is_none_or(|m| m.keeps_signatures());
    let config = Config {
        // the credentials the runner signs with against a loopback endpoint
        verify: verify.then(|| Credentials {
            access_key_id: "AKIDKMSCONFORMANCE".into(),
            secret_access_key: "kms-alias-conformance-dummy-secret".into(),
        }),
        ..Config::default()
    };
    let server = reference::start("127.0.0.1:0".parse().unwrap(), config)
        .await
        .expect("reference starts");
    let proxy = proxy::start(server.addr(), mutant).await;
    let label = mutant.map_or_else(|| "(identity)".to_owned(), |m| m.name());
    let addr = proxy.addr;
    let tag = label.trim_matches(|c| c == '(' || c == ')').to_owned();
    let upstream = server.addr();
    let (exit, output, report, leftovers) = tokio::task::spawn_blocking(move || {
        let (exit, output, report) = run_corpus(&cases, addr, !verify, &tag);
        (exit, output, report, sweep(upstream, &tag))
    })
    .await
    .expect("run task");
    proxy.shutdown();
    server.shutdown();
    let (passed, failed) = parse(report.as_ref());
    Outcome {
        label,
        mutant,
        exit,
        passed,
        failed,
        report,
        leftovers,
        output,
        elapsed: started.elapsed(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_corpus_catches_every_single_clause_mutant_and_passes_a_faithful_proxy() {
    let cases = Arc::new(corpus_copy());
    let limit = Arc::new(Semaphore::new(parallel_runs()));
    let mut runs = JoinSet::new();
    // KAC_MUTANTS_ONLY=Name,Name runs only those mutants (and the control).
    let only = std::env::var("KAC_MUTANTS_ONLY").ok();
    let wanted = |m: &Mutant| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|n| n.trim() == m.name()))
    };
    let all: Vec<Option<Mutant>> = std::iter::once(None)
        .chain(
            EQUIVALENT
                .iter()
                .chain(BROKEN)
                .chain(NOT_CAUGHT_YET)
                .filter(|m| wanted(m))
                .map(|m| Some(*m)),
        )
        .collect();
    for (i, m) in all.iter().copied().enumerate() {
        let cases = cases.clone();
        let limit = limit.clone();
        runs.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            (i, run_one(cases, m).await)
        });
    }
    let mut outcomes: Vec<(usize, Outcome)> = Vec::new();
    while let Some(r) = runs.join_next().await {
        outcomes.push(r.expect("run panicked"));
    }
    outcomes.sort_by_key(|(i, _)| *i);
    let _ = fs::remove_dir_all(&*cases);

    // The mutation score table.
    report!();
    report!(
        "{:<34} {:>6} {:>6} {:>6}  verdict",
        "mutant",
        "failed",
        "passed",
        "secs"
    );
    let mut problems = Vec::new();
    for (_, o) in &outcomes {
        let kind = match o.mutant {
            None => "control",
            Some(m) if EQUIVALENT.contains(&m) => "equivalent",
            Some(m) if NOT_CAUGHT_YET.contains(&m) => "known gap",
            Some(_) => "broken",
        };
        let expected = o.mutant.map_or(&[][..], |m| m.expected());
        let on_target = expected.is_empty()
            || o.failed
                .iter()
                .any(|f| expected.iter().any(|e| f.starts_with(e)));
        // The run's closing sweep is for names a target respelled; anything
        // else it finds is a case whose own cleanup leaked.
        let respelled = o.output.contains("under names no case asked for");
        if respelled && !o.mutant.is_some_and(|m| RESPELLS_NAMES.contains(&m)) {
            problems.push(format!(
                "{}: per-case cleanup left aliases for the closing sweep",
                o.label
            ));
        }
        if !o.leftovers.is_empty() {
            problems.push(format!(
                "{} left things behind that cleanup should have removed: {:?}",
                o.label, o.leftovers
            ));
        }
        let verdict = match (kind, o.caught(), on_target) {
            ("control" | "equivalent", false, _) if o.exit == Some(0) && o.failed.is_empty() => {
                "passes (ok)"
            }
            ("control" | "equivalent", _, _) => {
                problems.push(format!("{} ({kind}) must pass every case", o.label));
                "FAILS (suite over-strict or proxy unfaithful)"
            }
            ("known gap", false, _) if o.exit == Some(0) => "not caught (known gap)",
            ("known gap", true, _) => {
                problems.push(format!(
                    "{} is caught now: move it from NOT_CAUGHT_YET to BROKEN",
                    o.label
                ));
                "CAUGHT (update NOT_CAUGHT_YET)"
            }
            ("broken", true, true) => "caught",
            ("broken", true, false) => {
                problems.push(format!(
                    "{} is caught only by collateral trials, none under {expected:?}",
                    o.label
                ));
                "caught off target"
            }
            _ => {
                problems.push(format!(
                    "{} ({kind}) exited {:?}; expected {}",
                    o.label,
                    o.exit,
                    if kind == "broken" {
                        "101 with failing trials"
                    } else {
                        "0"
                    }
                ));
                "NOT CAUGHT"
            }
        };
        report!(
            "{:<34} {:>6} {:>6} {:>6.1}  {verdict}",
            o.label,
            o.failed.len(),
            o.passed,
            o.elapsed.as_secs_f64()
        );
    }
    let broken: Vec<_> = outcomes
        .iter()
        .filter(|(_, o)| o.mutant.is_some_and(|m| BROKEN.contains(&m)))
        .collect();
    let caught = broken.iter().filter(|(_, o)| o.caught()).count();
    report!(
        "mutation score: {caught}/{} broken mutants caught",
        broken.len()
    );
    if only.is_none() {
        problems.extend(kinds_problems(&outcomes));
    }
    problems.extend(success_body_problems(&outcomes));
    for (_, o) in &outcomes {
        if std::env::var_os("KAC_MUTANTS_VERBOSE").is_some() {
            report!("== {}: {:?}", o.label, o.failed);
        }
    }
    if !problems.is_empty() {
        for (_, o) in &outcomes {
            if problems.iter().any(|p| p.starts_with(&o.label)) {
                let tail: String = {
                    let lines: Vec<&str> = o.output.lines().collect();
                    lines[lines.len().saturating_sub(60)..].join("\n")
                };
                eprintln!(
                    "==== {} (exit {:?}) failing: {:?}\n{tail}",
                    o.label, o.exit, o.failed
                );
            }
        }
        panic!("mutation test problems:\n  {}", problems.join("\n  "));
    }
}

/// Together the broken mutants must produce every kind of deviation.
fn kinds_problems(outcomes: &[(usize, Outcome)]) -> Vec<String> {
    let seen: std::collections::BTreeSet<Kind> = outcomes
        .iter()
        .filter(|(_, o)| o.mutant.is_some_and(|m| BROKEN.contains(&m)))
        .filter_map(|(_, o)| o.report.as_ref())
        .flat_map(|r| r.cases.iter().filter_map(|c| c.kind))
        .collect();
    report!(
        "kinds produced: {}",
        seen.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
    );
    Kind::ALL
        .iter()
        .filter(|k| !seen.contains(k))
        .map(|k| format!("no mutant produces the kind {}", k.name()))
        .collect()
}

/// A mutant whose only fault is the success body fails only success-body
/// checks, grouped into at most one finding per operation.
fn success_body_problems(outcomes: &[(usize, Outcome)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (_, o) in outcomes {
        let Some(m) = o.mutant else { continue };
        if !matches!(m, Mutant::SuccessBodyEmptyObject | Mutant::SuccessBodyNull) {
            continue;
        }
        let Some(r) = &o.report else {
            problems.push(format!("{} wrote no report", o.label));
            continue;
        };
        for c in r.cases.iter().filter(|c| c.verdict != Verdict::Pass) {
            let body_check = c
                .signature
                .as_deref()
                .is_some_and(|s| s.contains(" | body | expected: empty (0 bytes) | "));
            if c.kind != Some(Kind::WrongShape) || !body_check {
                problems.push(format!(
                    "{}: {} fails for another reason than its success body: {:?}",
                    o.label, c.trial, c.signature
                ));
            }
        }
        let mut per_op = std::collections::BTreeMap::new();
        for f in &r.findings {
            *per_op.entry(f.operation.clone()).or_insert(0) += 1;
        }
        for (op, n) in per_op {
            if n > 1 {
                problems.push(format!(
                    "{}: {n} findings for {op}, expected at most one",
                    o.label
                ));
            }
        }
        report!(
            "{}: {} findings from {} failing cases",
            o.label,
            r.findings.len(),
            o.failed.len()
        );
    }
    problems
}
