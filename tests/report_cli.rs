//! `report`: merging run reports into HTML and Markdown files, and naming
//! the file when a report cannot be used.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use kms_alias_conformance::report::{sample, Report};

/// A fresh directory for one test.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kac-report-cli-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_report(dir: &Path, name: &str, report: &Report) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(report).unwrap()).unwrap();
    path
}

fn report(args: &[&Path]) -> Output {
    common::bin().arg("report").args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn writes_the_html_page_and_the_markdown_from_two_reports() {
    let dir = scratch("both");
    let pair = sample::demo_pair();
    let a = write_report(&dir, "reference.json", &pair[0]);
    let b = write_report(&dir, "emulator.json", &pair[1]);
    let html = dir.join("out.html");
    let md = dir.join("out.md");
    let o = common::bin()
        .arg("report")
        .args([&a, &b])
        .arg("--html")
        .arg(&html)
        .arg("--markdown")
        .arg(&md)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "nothing on stdout when both files are written"
    );
    assert!(stderr(&o).contains(&format!("wrote {}", html.display())));

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<table class=\"matrix\">"));
    assert!(page.contains("<th class=\"target\"><a href=\"#t0\">reference</a></th><th class=\"target\"><a href=\"#t1\">emulator</a></th>"));
    assert!(page.contains("<tbody data-group=\"CreateAlias\""));
    assert!(page.contains("<tbody data-group=\"protocol\""));

    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("### reference\n"));
    assert!(text.contains("### emulator\n"));
    assert!(text.contains("| clause | reference | emulator |"));
    assert!(text.contains("| DeleteAlias.NotFound | ✅ 2 | ❌ 2/2 |"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_an_output_option_the_markdown_goes_to_stdout() {
    let dir = scratch("stdout");
    let a = write_report(&dir, "a.json", &sample::every_verdict("only", "http://x"));
    let o = report(&[&a]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("## KMS alias conformance\n"));
    assert!(out.contains("| severity | kind | operation |"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn repeated_labels_get_their_endpoints() {
    let dir = scratch("labels");
    let a = write_report(
        &dir,
        "a.json",
        &sample::every_verdict("moto", "http://127.0.0.1:5000"),
    );
    let b = write_report(
        &dir,
        "b.json",
        &sample::every_verdict("moto", "http://127.0.0.1:5001"),
    );
    let o = report(&[&a, &b]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("| clause | moto (http://127.0.0.1:5000) | moto (http://127.0.0.1:5001) |"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_file_is_named_and_exits_2() {
    let dir = scratch("missing");
    let good = write_report(&dir, "good.json", &sample::every_verdict("a", "http://a"));
    let missing = dir.join("nope.json");
    let o = report(&[&good, &missing]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "error: cannot read report {}: ",
            missing.display()
        )),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_json_is_named_with_its_line_and_column_and_exits_2() {
    let dir = scratch("badjson");
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"format\": 1,\n  \"tool\": \"x\"\n  \"target\": {}\n}\n",
    )
    .unwrap();
    let o = report(&[&bad]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "error: report {} is not valid JSON: expected `,` or `}}`",
            bad.display()
        )),
        "{err}"
    );
    assert!(err.contains(&format!("--> {}:4:3", bad.display())), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_unusable_file_is_named_before_exiting() {
    let dir = scratch("several");
    let mut future = sample::every_verdict("a", "http://a");
    future.format = 99;
    let future = write_report(&dir, "future.json", &future);
    let mut v = serde_json::to_value(sample::every_verdict("b", "http://b")).unwrap();
    v["summary"]["pass"] = serde_json::json!(-1);
    let shape = dir.join("shape.json");
    std::fs::write(&shape, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let o = report(&[&future, &shape]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "report {} has format 99, but this tool reads format 1",
            future.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "report {} does not fit format 1: at `summary.pass`",
            shape.display()
        )),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_report_is_a_usage_error() {
    let o = common::bin().arg("report").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("<REPORT.json>"));
}

#[test]
fn the_matrix_shows_both_dialects_of_one_run_and_of_two() {
    // One run of both corpora, and one run per dialect merged: the matrix
    // has the AWS groups and the OTC group, and each target says its dialects.
    let dir = scratch("dialects");
    let run = |dialect: &str, name: &str| {
        let path = dir.join(name);
        let o = common::bin()
            .args(["run", "--dialect", dialect, "-q", "--report"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", common::text(&o));
        path
    };
    let all = run("all", "all.json");
    let aws = run("aws", "aws.json");
    let otc = run("otc", "otc.json");
    let dialect_of = |p: &Path| -> String {
        let r: Report = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        r.target.dialect
    };
    assert_eq!(dialect_of(&all), "aws+otc");
    assert_eq!(dialect_of(&aws), "aws");
    assert_eq!(dialect_of(&otc), "otc");
    for (name, inputs) in [("one.html", vec![&all]), ("two.html", vec![&aws, &otc])] {
        let html = dir.join(name);
        let o = common::bin()
            .arg("report")
            .args(inputs.iter().map(|p| p.as_path()))
            .arg("--html")
            .arg(&html)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.contains("<tbody data-group=\"otc\""), "{name}");
        assert!(page.contains("<tbody data-group=\"alias-name\""), "{name}");
        assert!(page.contains("otc.key-alias.length"), "{name}");
        assert!(
            page.contains("<dd>otc</dd>") || page.contains("<dd>aws+otc</dd>"),
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
