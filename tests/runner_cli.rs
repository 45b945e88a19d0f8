//! The `run` command end to end: exit statuses, failure output, JUnit, and
//! endpoints that are unreachable, silent or speak garbage. Loopback only.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::thread;
use std::time::{Duration, Instant};

mod common;

use common::{bin, text};

fn run(args: &[&str]) -> Output {
    bin()
        .arg("run")
        .args(args)
        .output()
        .expect("the binary runs")
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
        all.contains("verdict:  fail (false-success, critical)"),
        "{all}"
    );
    assert!(
        all.contains(
            "status: false-success [clause CreateAlias.self-test, evidence recorded]\n  expected: 400\n  actual:   200"
        ),
        "{all}"
    );
    assert!(
        all.contains("expected: \"Alias names must start with alias/\""),
        "{all}"
    );
    // drift is a finding, not a failure; every failure says how to reproduce it
    assert!(all.contains("info drift | 1 cases"), "{all}");
    assert!(all.contains("some other wording"), "{all}");
    assert!(
        all.contains("--exact wrong::expects-the-wrong-status"),
        "{all}"
    );
    assert!(all.contains("--aws-sigv4 aws:amz:us-east-1:kms"), "{all}");
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

/// The `ok` corpus against a local port, with a request timeout.
fn run_against(port: u16, timeout: &str) -> Output {
    run(&[
        "--cases",
        &dir("ok"),
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "--timeout",
        timeout,
    ])
}

#[test]
fn a_silent_endpoint_times_out() {
    let port = misbehaving_server(None, Duration::from_secs(20));
    let out = run_against(port, "1");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(101), "{all}");
    assert!(all.contains("no complete response within 1.0 s"), "{all}");
}

#[test]
fn a_garbage_speaking_endpoint_is_reported() {
    let port = misbehaving_server(Some(b"SSH-2.0-OpenSSH_9.0\r\n"), Duration::from_secs(20));
    let out = run_against(port, "2");
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

/// Starts `serve` on a free port with extra arguments; returns the child
/// and its endpoint (read from the first stdout line).
fn server(extra: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
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

/// `serve` checking signatures made with the given keys.
fn verifying_server(access_key: &str, secret: &str) -> (std::process::Child, String) {
    server(&[
        "--verify-signatures",
        "--access-key-id",
        access_key,
        "--secret-access-key",
        secret,
    ])
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
fn signs_with_keys_from_a_credential_process_profile() {
    // The SDK's default chain: a `credential_process` profile in the config
    // file (no network), giving temporary keys with a session token.
    let (mut server, endpoint) = verifying_server("AKIDPROCESS", "process-secret");
    let tmp = std::env::temp_dir().join(format!("kac-process-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let script = |name: &str, secret: &str| {
        let path = tmp.join(name);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"{secret}\", \"SessionToken\": \"process-token\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n"
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        path.display().to_string()
    };
    let good = script("good.sh", "process-secret");
    let bad = script("bad.sh", "wrong-secret");
    let config = tmp.join("config");
    std::fs::write(
        &config,
        format!("[profile good]\ncredential_process = {good}\n\n[profile bad]\ncredential_process = {bad}\n"),
    )
    .unwrap();
    let with_profile = |profile: &str| {
        bin()
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_PROFILE", profile)
            .args(["run", "--cases", &dir("ok"), "--endpoint", &endpoint])
            .output()
            .unwrap()
    };
    let passed = with_profile("good");
    let refused = with_profile("bad");
    let _ = server.kill();
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(passed.status.code(), Some(0), "{}", text(&passed));
    assert_eq!(refused.status.code(), Some(101), "{}", text(&refused));
    for out in [&passed, &refused] {
        let shown = text(out);
        assert!(
            !shown.contains("process-secret") && !shown.contains("process-token"),
            "{shown}"
        );
    }
}

#[test]
fn a_real_endpoint_without_credentials_is_refused_naming_the_chain() {
    // Instance metadata is off, so the chain gives up without leaving the
    // machine; the run stops before any request.
    let out = bin()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "run",
            "--cases",
            &dir("ok"),
            "--endpoint",
            "https://kms.us-east-1.amazonaws.com",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("no AWS credentials found"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("credential_process"), "{}", text(&out));
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

/// `serve` without signature checks.
fn plain_server() -> (std::process::Child, String) {
    server(&[])
}

/// One unsigned KMS call to a `serve` instance.
fn kms(endpoint: &str, op: &str, body: serde_json::Value) -> serde_json::Value {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let resp = reqwest::Client::new()
            .post(endpoint)
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("TrentService.{op}"))
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let bytes = resp.bytes().await.unwrap();
        if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        }
    })
}

fn key_states(endpoint: &str) -> Vec<(String, String)> {
    let keys = kms(endpoint, "ListKeys", serde_json::json!({}));
    keys["Keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let meta = kms(
                endpoint,
                "DescribeKey",
                serde_json::json!({"KeyId": k["KeyId"]}),
            );
            (
                meta["KeyMetadata"]["Description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                meta["KeyMetadata"]["KeyState"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn aliases_under(endpoint: &str, prefix: &str) -> Vec<String> {
    let list = kms(endpoint, "ListAliases", serde_json::json!({"Limit": 1000}));
    list["Aliases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["AliasName"].as_str())
        .filter(|n| n.starts_with(&format!("alias/{prefix}/")))
        .map(str::to_owned)
        .collect()
}

#[test]
fn cases_clean_up_after_themselves_even_when_they_fail() {
    let (mut server, endpoint) = plain_server();
    for corpus in ["ok", "failing"] {
        let out = run(&[
            "--cases",
            &dir(corpus),
            "--endpoint",
            &endpoint,
            "--prefix",
            "kactidy",
        ]);
        assert!(
            matches!(out.status.code(), Some(0) | Some(101)),
            "{}",
            text(&out)
        );
    }
    let leftovers = aliases_under(&endpoint, "kactidy");
    let states = key_states(&endpoint);
    let _ = server.kill();
    assert!(leftovers.is_empty(), "aliases left behind: {leftovers:?}");
    assert!(states.len() >= 5, "{states:?}");
    for (description, state) in states {
        assert_eq!(state, "PendingDeletion", "{description}");
    }
}

#[test]
fn sweep_removes_what_a_killed_run_left_behind() {
    let (mut server, endpoint) = plain_server();
    let key = kms(
        &endpoint,
        "CreateKey",
        serde_json::json!({"Description": "kms-alias-conformance kacsweep some::case"}),
    );
    let key_id = key["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    let other = kms(
        &endpoint,
        "CreateKey",
        serde_json::json!({"Description": "not ours"}),
    );
    let other_id = other["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    for name in [
        "alias/kacsweep/a",
        "alias/kacsweep/b",
        "alias/kacsweepx/keep",
        "alias/mine",
    ] {
        kms(
            &endpoint,
            "CreateAlias",
            serde_json::json!({"AliasName": name, "TargetKeyId": key_id}),
        );
    }
    let out = bin()
        .args(["sweep", "--prefix", "kacsweep", "--endpoint", &endpoint])
        .output()
        .unwrap();
    let remaining = kms(
        &endpoint,
        "ListAliases",
        serde_json::json!({"KeyId": key_id}),
    );
    let ours = kms(
        &endpoint,
        "DescribeKey",
        serde_json::json!({"KeyId": key_id}),
    );
    let theirs = kms(
        &endpoint,
        "DescribeKey",
        serde_json::json!({"KeyId": other_id}),
    );
    let _ = server.kill();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("2 aliases deleted, 1 keys scheduled for deletion"),
        "{}",
        text(&out)
    );
    let names: Vec<&str> = remaining["Aliases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["AliasName"].as_str())
        .collect();
    assert_eq!(names, ["alias/kacsweepx/keep", "alias/mine"]);
    assert_eq!(ours["KeyMetadata"]["KeyState"], "PendingDeletion");
    assert_eq!(theirs["KeyMetadata"]["KeyState"], "Enabled");
}

/// A tiny KMS stand-in whose ListAliases fails `failures` times, then works.
fn flaky_list_server(failures: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut lists = 0;
        for stream in listener.incoming().take(200) {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Read the head, then as much body as Content-Length says.
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&buf).to_lowercase();
            let (status, body) = if head.contains("trentservice.listaliases") {
                lists += 1;
                if lists <= failures {
                    (
                        "400 Bad Request",
                        r#"{"__type":"NotFoundException","message":"not yet"}"#,
                    )
                } else {
                    ("200 OK", r#"{"Aliases":[],"Truncated":false}"#)
                }
            } else {
                (
                    "400 Bad Request",
                    r#"{"__type":"UnknownOperationException"}"#,
                )
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes());
        }
    });
    port
}

/// One ListAliases case with `eventually: {timeout, interval: 50ms}` against
/// a server whose ListAliases fails `failures` times first.
fn run_eventually(timeout: &str, failures: usize) -> Output {
    let cases =
        std::env::temp_dir().join(format!("kac-eventually-{}-{failures}", std::process::id()));
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::write(
        cases.join("eventual.yaml"),
        format!(
            r#"operation: ListAliases
clause: self-test.eventually
source: "runner self-test"
evidence: inferred
cases:
  - name: retries ListAliases
    steps:
      - request: {{}}
        eventually: {{timeout: {timeout}, interval: 50ms}}
        expect: {{body: {{Aliases: []}}}}
"#
        ),
    )
    .unwrap();
    let port = flaky_list_server(failures);
    let out = run(&[
        "--cases",
        cases.to_str().unwrap(),
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
    ]);
    let _ = std::fs::remove_dir_all(&cases);
    out
}

#[test]
fn eventually_retries_until_the_expectation_holds() {
    let out = run_eventually("10s", 3);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // When the window closes first, the failure stands and says how many tries.
    let out = run_eventually("300ms", 100);
    assert_eq!(out.status.code(), Some(101), "{}", text(&out));
    assert!(text(&out).contains("attempts)"), "{}", text(&out));
}
