//! The `run` command end to end: exit statuses, failure output, JUnit, and
//! endpoints that are unreachable, silent or speak garbage. Loopback only.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kms-alias-conformance"));
    // The tests choose their endpoint; the caller's environment must not.
    for var in [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_KMS",
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        c.env_remove(var);
    }
    c.env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_CONFIG_FILE", "/nonexistent/config");
    c
}

fn run(args: &[&str]) -> Output {
    bin()
        .arg("run")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn dir(name: &str) -> String {
    format!("{}/tests/runner/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_passing_corpus_exits_zero_and_writes_junit() {
    let junit = std::env::temp_dir().join(format!("kac-junit-{}.xml", std::process::id()));
    let out = run(&["--cases", &dir("ok"), "--junit", junit.to_str().unwrap()]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("2 passed; 0 failed"), "{all}");
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(
        xml.contains("<testcase name=\"basic::creates-and-lists-an-alias\""),
        "{xml}"
    );
    assert!(xml.contains("tests=\"2\""), "{xml}");
    let _ = std::fs::remove_file(junit);
}

#[test]
fn a_malformed_case_file_is_a_usage_error_naming_file_line_and_field() {
    let out = run(&["--cases", &dir("bad")]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("broken.yaml:9:"), "{all}");
    assert!(all.contains("stauts"), "{all}");
    assert!(all.contains("status"), "did-you-mean missing: {all}");
}

#[test]
fn failures_explain_themselves() {
    let out = run(&["--cases", &dir("failing"), "--test-threads", "1"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    assert!(all.contains("1 passed; 2 failed"), "{all}");
    // the case, its clause and source, the request, expected and actual
    assert!(
        all.contains("clause:   CreateAlias.self-test (evidence: recorded)"),
        "{all}"
    );
    assert!(
        all.contains("x-amz-target: TrentService.CreateAlias"),
        "{all}"
    );
    assert!(
        all.contains("status:\n  expected: 400\n  actual:   200"),
        "{all}"
    );
    assert!(
        all.contains("expected: \"Alias names must start with alias/\""),
        "{all}"
    );
    assert!(all.contains("message drift"), "{all}");
    assert!(all.contains("some other wording"), "{all}");
    // credentials are never printed
    assert!(
        !all.contains("dummy-secret") && !all.to_lowercase().contains("authorization:"),
        "{all}"
    );
}

#[test]
fn an_unreachable_endpoint_fails_cases_quickly_with_a_reason() {
    // Bind then drop: nothing listens on that port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let out = run(&[
        "--cases",
        &dir("ok"),
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "--timeout",
        "2",
    ]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    assert!(all.contains("could not connect"), "{all}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

/// A server that accepts connections and answers each with `reply` (or
/// never, when `None`), for at most `life`.
fn misbehaving_server(reply: Option<&'static [u8]>, life: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    thread::spawn(move || {
        let until = Instant::now() + life;
        let mut held = Vec::new();
        while Instant::now() < until {
            match listener.accept() {
                Ok((mut s, _)) => {
                    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf);
                    if let Some(r) = reply {
                        let _ = s.write_all(r);
                    } else {
                        held.push(s);
                    }
                }
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    port
}

#[test]
fn a_silent_endpoint_times_out() {
    let port = misbehaving_server(None, Duration::from_secs(20));
    let out = run(&[
        "--cases",
        &dir("ok"),
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "--timeout",
        "1",
    ]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    assert!(all.contains("no complete response within 1.0 s"), "{all}");
}

#[test]
fn a_garbage_speaking_endpoint_is_reported() {
    let port = misbehaving_server(Some(b"SSH-2.0-OpenSSH_9.0\r\n"), Duration::from_secs(20));
    let out = run(&[
        "--cases",
        &dir("ok"),
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "--timeout",
        "2",
    ]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    assert!(all.contains("did not answer in HTTP"), "{all}");
}

#[test]
fn list_names_trials_without_running_them() {
    let out = run(&["--cases", &dir("ok"), "--list"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("basic::creates-and-lists-an-alias: "), "{all}");
    assert!(all.contains("basic::refuses-a-duplicate: "), "{all}");
}

#[test]
fn bad_options_are_usage_errors() {
    let out = run(&["--timeout", "soon"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = run(&["--cases", "/nonexistent/dir"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

/// Starts `serve` with signature checking for the given keys; returns the
/// child and its endpoint.
fn verifying_server(access_key: &str, secret: &str) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0", "--verify-signatures"])
        .args(["--access-key-id", access_key, "--secret-access-key", secret])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let endpoint = line
        .trim()
        .strip_prefix("listening on ")
        .expect("address line")
        .to_owned();
    (child, endpoint)
}

#[test]
fn signs_with_keys_from_the_shared_credentials_file() {
    let (mut server, endpoint) = verifying_server("AKIDPROFILE", "profile-secret");
    let creds = std::env::temp_dir().join(format!("kac-creds-{}", std::process::id()));
    std::fs::write(
        &creds,
        "[default]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = nope\n\n[conformance]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n",
    )
    .unwrap();
    let with_profile = |profile: &str| {
        bin()
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .env("AWS_PROFILE", profile)
            .args(["run", "--cases", &dir("ok"), "--endpoint", &endpoint])
            .output()
            .unwrap()
    };
    let good = with_profile("conformance");
    let bad = with_profile("default");
    let _ = server.kill();
    let _ = std::fs::remove_file(&creds);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
    assert_eq!(bad.status.code(), Some(101), "{}", text(&bad));
    assert!(
        text(&bad).contains("UnrecognizedClientException"),
        "{}",
        text(&bad)
    );
    assert!(!text(&bad).contains("profile-secret") && !text(&good).contains("profile-secret"));
}

#[test]
fn help_and_schema_print_to_stdout() {
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--endpoint URL"));
    let out = bin().arg("schema").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the schema is JSON");
    assert!(schema.pointer("/properties/cases").is_some(), "{schema}");
    assert!(schema.pointer("/properties/clause").is_some(), "{schema}");
}
