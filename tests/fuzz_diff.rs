//! `kms-alias-conformance fuzz`: differential fuzzing finds where an
//! endpoint departs from the reference, shrinks it, and writes a case that
//! `run` passes against the reference and fails against the endpoint.
//!
//! The endpoints are the reference itself (no divergence may be found) and
//! mutant emulators from `tests/mutants` (the reference behind a proxy that
//! breaks one clause). Loopback only; every fuzz run is bounded by its
//! `--sequences`, and every process by a timeout.

#[path = "mutants/catalog.rs"]
#[allow(dead_code)]
mod catalog;
mod common;
#[path = "mutants/proxy.rs"]
#[allow(dead_code)]
mod proxy;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use kms_alias_conformance::reference::{self, Config};
use kms_alias_conformance::report::Report;

use catalog::Mutant;

/// A fuzz or run process may take this long before the test fails.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(300);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kac-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with `args`, killing it past [`PROCESS_TIMEOUT`].
async fn bin(args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::from(common::bin());
    cmd.args(args).kill_on_drop(true);
    tokio::time::timeout(PROCESS_TIMEOUT, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("`{}` did not finish in {PROCESS_TIMEOUT:?}", args.join(" ")))
        .unwrap()
}

fn report(path: &Path) -> Report {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The case files under `dir` (not `unconfirmed/`), with their texts.
fn written(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() && p.file_name().is_some_and(|n| n != "unconfirmed") {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_reference_against_itself_gives_no_divergence() {
    let dir = scratch("self");
    let rt = runtime();
    rt.block_on(async {
        let out_dir = dir.join("out");
        let json = dir.join("report.json");
        let o = bin(&[
            "fuzz",
            "--seed",
            "11",
            "--sequences",
            "300",
            "--quiet",
            "--out",
            out_dir.to_str().unwrap(),
            "--report",
            json.to_str().unwrap(),
        ])
        .await;
        let text = common::text(&o);
        assert_eq!(o.status.code(), Some(0), "{text}");
        assert!(text.contains("300 sequence(s)"), "{text}");
        assert!(text.contains("0 divergence(s)"), "{text}");
        assert!(!out_dir.exists() || written(&out_dir).is_empty(), "{text}");
        let r = report(&json);
        assert!(r.findings.is_empty() && r.cases.is_empty(), "{text}");
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_same_seed_gives_the_same_sequences() {
    // Sequences are a function of (seed, index): two runs against the
    // reference send the same number of requests.
    let rt = runtime();
    rt.block_on(async {
        let run = || bin(&["fuzz", "--seed", "5", "--sequences", "40", "--quiet"]);
        let (a, b) = (run().await, run().await);
        let requests = |o: &Output| {
            let t = common::text(o);
            t.lines()
                .find(|l| l.starts_with("fuzz: "))
                .and_then(|l| l.split(" request(s)").next())
                .map(|l| l.rsplit(' ').next().unwrap_or_default().to_owned())
                .unwrap_or_else(|| panic!("no summary line: {t}"))
        };
        assert_eq!(requests(&a), requests(&b));
        let c = bin(&["fuzz", "--seed", "6", "--sequences", "40", "--quiet"]).await;
        assert_ne!(requests(&a), requests(&c), "another seed, other sequences");
    });
}

/// Fuzzes the reference behind `mutant` and checks what was found: at
/// least one divergence whose signature contains each of `signs`, shrunk to
/// at most `max_steps` requests, written as a case that `run` passes
/// against the reference and fails against the mutant.
fn finds(mutant: Mutant, seed: &str, sequences: &str, signs: &[&str], max_steps: usize) {
    finds_in(&[], mutant, seed, sequences, signs, max_steps)
}

/// The OTC dialect's options, for `fuzz` and `run`.
const OTC: &[&str] = &[
    "--dialect",
    "otc",
    "--project-id",
    "kac-fuzz",
    "--auth-token",
    "kac-fuzz-token",
];

/// [`finds`], with `dialect` options given to every command.
fn finds_in(
    dialect: &[&str],
    mutant: Mutant,
    seed: &str,
    sequences: &str,
    signs: &[&str],
    max_steps: usize,
) {
    let dir = scratch(&mutant.name());
    let rt = runtime();
    rt.block_on(async {
        let upstream = reference::start(([127, 0, 0, 1], 0).into(), Config::default())
            .await
            .unwrap();
        let proxy = proxy::start(upstream.addr(), Some(mutant)).await;
        let url = format!("http://{}", proxy.addr);
        let out_dir = dir.join("out");
        let json = dir.join("report.json");
        let mut args = vec![
            "fuzz",
            "--endpoint",
            &url,
            "--seed",
            seed,
            "--sequences",
            sequences,
            "--skip-auth",
            "--quiet",
            "--out",
            out_dir.to_str().unwrap(),
            "--report",
            json.to_str().unwrap(),
        ];
        args.extend_from_slice(dialect);
        let o = bin(&args).await;
        let text = common::text(&o);
        assert_eq!(o.status.code(), Some(101), "divergences exit 101: {text}");
        let r = report(&json);
        let found = r
            .findings
            .iter()
            .find(|f| signs.iter().all(|s| f.signature.contains(s)))
            .unwrap_or_else(|| panic!("{mutant:?}: no finding with {signs:?}:\n{text}"));
        let trial = &found.trials[0];
        let case = r.cases.iter().find(|c| &c.trial == trial).unwrap();
        assert!(!case.verdict.is_ok(), "{case:?}");
        let file = out_dir.join(&case.file);
        let case_text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", file.display()));
        let steps = case_text.matches("\n      - op: ").count();
        assert!(
            (1..=max_steps).contains(&steps),
            "{mutant:?}: shrunk to {steps} steps, want at most {max_steps}:\n{case_text}"
        );
        // `run` of the written case: passes against the reference...
        let filter = trial.as_str();
        let mut args = vec![
            "run",
            "--cases",
            out_dir.to_str().unwrap(),
            "--exact",
            filter,
        ];
        args.extend_from_slice(dialect);
        let on_ref = bin(&args).await;
        assert_eq!(
            on_ref.status.code(),
            Some(0),
            "{}\n{case_text}",
            common::text(&on_ref)
        );
        // ... and fails against the mutant.
        let mut args = vec![
            "run",
            "--endpoint",
            &url,
            "--cases",
            out_dir.to_str().unwrap(),
            "--exact",
            filter,
        ];
        args.extend_from_slice(dialect);
        let on_mutant = bin(&args).await;
        assert_eq!(
            on_mutant.status.code(),
            Some(101),
            "{}\n{case_text}",
            common::text(&on_mutant)
        );
        proxy.shutdown();
        upstream.shutdown();
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn finds_a_257_character_alias_name_accepted() {
    finds(
        Mutant::Name257Accepted,
        "1",
        "150",
        &["CreateAlias | response | expected: 400 ValidationException | actual: 200"],
        2,
    );
}

#[test]
fn finds_an_update_across_key_types_allowed() {
    finds(
        Mutant::TypeCheckMissing,
        "2",
        "1000",
        &["UpdateAlias | response | expected: 400 ValidationException | actual: 200"],
        5,
    );
}

#[test]
fn finds_a_key_arn_of_another_account_answered_200() {
    finds(
        Mutant::OtherAccountArnAccepted,
        "3",
        "150",
        &["| response | expected: 400 ", "| actual: 200"],
        3,
    );
}

#[test]
fn otc_the_reference_against_itself_gives_no_divergence() {
    let rt = runtime();
    rt.block_on(async {
        let mut args = vec!["fuzz", "--seed", "11", "--sequences", "300", "--quiet"];
        args.extend_from_slice(OTC);
        let o = bin(&args).await;
        let text = common::text(&o);
        assert_eq!(o.status.code(), Some(0), "{text}");
        assert!(text.contains("300 sequence(s)"), "{text}");
        assert!(text.contains("0 divergence(s)"), "{text}");
    });
}

#[test]
fn otc_finds_a_256_character_key_alias_accepted() {
    finds_in(
        OTC,
        Mutant::OtcAlias256Accepted,
        "1",
        "150",
        &["| response | expected: 400 KMS.1101 | actual: 200"],
        3,
    );
}

#[test]
fn otc_finds_a_default_suffix_accepted() {
    finds_in(
        OTC,
        Mutant::OtcDefaultSuffixAccepted,
        "2",
        "150",
        &["| response | expected: 400 KMS.1101 | actual: 200"],
        3,
    );
}

#[test]
fn otc_finds_key_state_as_a_number() {
    finds_in(
        OTC,
        Mutant::OtcKeyStateNumber,
        "3",
        "150",
        &["describe-key | body $.key_info.key_state | expected: \"2\" | actual: 2"],
        3,
    );
}

#[test]
fn ctrl_c_stops_the_run_and_leaves_nothing_behind() {
    let rt = runtime();
    rt.block_on(async {
        let upstream = reference::start(([127, 0, 0, 1], 0).into(), Config::default())
            .await
            .unwrap();
        let url = format!("http://{}", upstream.addr());
        let mut cmd = tokio::process::Command::from(common::bin());
        cmd.args([
            "fuzz",
            "--endpoint",
            &url,
            "--prefix",
            "kac-ctrlc",
            "--duration",
            "120s",
            "--quiet",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
        let child = cmd.spawn().unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        let pid = child.id().unwrap().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let o = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
            .await
            .expect("fuzz ends soon after Ctrl-C")
            .unwrap();
        let text = common::text(&o);
        assert!(text.contains("(interrupted)"), "{text}");
        assert!(
            text.contains("interrupted: finishing the sequences in flight"),
            "{text}"
        );
        // Every alias deleted, every key scheduled: the sweep finds nothing.
        let swept = bin(&["sweep", "--prefix", "kac-ctrlc", "--endpoint", &url]).await;
        let swept = common::text(&swept);
        assert!(
            swept.contains("0 aliases deleted, 0 keys scheduled for deletion, 0 errors"),
            "{swept}\n{text}"
        );
        upstream.shutdown();
    });
}
