//! Baselines and the JSON report end to end: xfail, xpass, changed and
//! stale entries, `--update-baseline` (never on CI), and the report's
//! findings. Runs `tests/runner/failing` (a fail of each of two kinds and a
//! drift) against the embedded reference. Loopback only.

use std::path::PathBuf;
use std::process::Output;

use kms_alias_conformance::report::{Kind, Report, Verdict};

mod common;

use common::text;

const STATUS: &str = "wrong::expects-the-wrong-status";
const MESSAGE: &str = "wrong::expects-the-wrong-message";
const DRIFT: &str = "wrong::drifts-without-failing";
const STATUS_SIGNATURE: &str =
    "CreateAlias | response | expected: 400 ValidationException | actual: 200 (no error code)";

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("kac-baseline-{}-{name}", std::process::id()))
}

fn run(args: &[&str]) -> Output {
    common::bin()
        .env_remove("CI")
        .arg("run")
        .args([
            "--cases",
            &format!("{}/tests/runner/failing", env!("CARGO_MANIFEST_DIR")),
        ])
        .args(["--test-threads", "1"])
        .args(args)
        .output()
        .expect("the binary runs")
}

fn report(path: &PathBuf) -> Report {
    let bytes = std::fs::read(path).expect("the report is written");
    serde_json::from_slice(&bytes).expect("the report parses as the model")
}

fn verdict(r: &Report, trial: &str) -> Verdict {
    r.cases
        .iter()
        .find(|c| c.trial == trial)
        .unwrap_or_else(|| panic!("{trial} in the report"))
        .verdict
}

#[test]
fn the_report_has_every_case_and_findings_by_signature() {
    let path = tmp("plain.json");
    let out = run(&["--report", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(101), "{}", text(&out));
    let r = report(&path);
    assert_eq!(r.cases.len(), 3);
    assert_eq!((r.summary.fail, r.summary.drift), (2, 1));
    let kinds: Vec<Kind> = r.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [Kind::FalseSuccess, Kind::WrongMessage, Kind::Drift],
        "ordered by severity"
    );
    assert_eq!(r.findings[0].signature, STATUS_SIGNATURE);
    assert_eq!(r.findings[0].trials, [STATUS]);
    let failed = r.cases.iter().find(|c| c.trial == STATUS).unwrap();
    let repro = failed
        .reproduce
        .as_ref()
        .expect("a failure says how to reproduce it");
    assert!(
        repro.command.ends_with(&format!("--exact {STATUS}")),
        "{repro:?}"
    );
    assert!(repro
        .curl
        .iter()
        .any(|c| c.contains("TrentService.CreateAlias")));
    let _ = std::fs::remove_file(path);
}

#[test]
fn baselines_give_xfail_xpass_and_changed() {
    let base = tmp("mixed.yaml");
    std::fs::write(
        &base,
        format!(
            "{STATUS}:\n  signature: \"{STATUS_SIGNATURE}\"\n  reason: expected here\n\
             {MESSAGE}:\n  signature: \"CreateAlias | message | expected: x | actual: y\"\n  reason: another wording once\n\
             {DRIFT}:\n  signature: \"anything\"\n  reason: fixed since\n"
        ),
    )
    .unwrap();
    let path = tmp("mixed.json");
    let out = run(&[
        "--baseline",
        base.to_str().unwrap(),
        "--report",
        path.to_str().unwrap(),
    ]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    let r = report(&path);
    assert_eq!(verdict(&r, STATUS), Verdict::Xfail);
    assert_eq!(verdict(&r, MESSAGE), Verdict::Fail);
    assert_eq!(verdict(&r, DRIFT), Verdict::Xpass);
    assert_eq!(
        (r.summary.xfail, r.summary.xpass, r.summary.changed),
        (1, 1, 1)
    );
    assert!(
        all.contains(&format!("CHANGED wrong-message  {MESSAGE}")),
        "{all}"
    );
    assert!(all.contains("XPASS (remove its baseline entry)"), "{all}");
    let _ = std::fs::remove_file(base);
    let _ = std::fs::remove_file(path);
}

#[test]
fn an_updated_baseline_makes_the_same_run_pass() {
    let base = tmp("updated.yaml");
    let out = run(&["--update-baseline", base.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(101), "{}", text(&out));
    let written = std::fs::read_to_string(&base).unwrap();
    assert!(
        written.contains(STATUS) && written.contains(MESSAGE),
        "{written}"
    );
    assert!(
        !written.contains(DRIFT),
        "drift is not a failure: {written}"
    );
    let out = run(&["--baseline", base.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let _ = std::fs::remove_file(base);
}

#[test]
fn update_baseline_refuses_to_write_on_ci() {
    let base = tmp("ci.yaml");
    let out = common::bin()
        .env("CI", "true")
        .args(["run", "--update-baseline", base.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("does not write when CI is set"));
    assert!(!base.exists());
}

#[test]
fn a_stale_entry_is_an_error_with_file_and_line() {
    let base = tmp("stale.yaml");
    std::fs::write(
        &base,
        format!("{STATUS}:\n  signature: s\n  reason: r\nwrong::no-such-case:\n  signature: s\n  reason: r\n"),
    )
    .unwrap();
    let out = run(&["--baseline", base.to_str().unwrap()]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains(&format!("{}:4:", base.display())), "{all}");
    assert!(all.contains("wrong::no-such-case"), "{all}");
    assert!(all.contains("nothing was run"), "{all}");
    let _ = std::fs::remove_file(base);
}

#[test]
fn the_report_schema_comes_from_the_report_types() {
    let out = common::bin().args(["schema", "--report"]).output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "Report");
    for member in ["findings", "cases", "summary", "target"] {
        assert!(schema["properties"].get(member).is_some(), "{member}");
    }
}
