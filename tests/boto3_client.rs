//! boto3 against the built binary: a real AWS SDK parses every response.
//! Skipped (with a notice) when boto3 is missing, unless `CI` is set.

mod python;
use python::python;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn boto3_available(py: &Path) -> bool {
    Command::new(py)
        .args(["-c", "import boto3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kills the server even when an assertion fails.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(extra: &[&str]) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kms-alias-conformance"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the server");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the first line");
    let endpoint = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    (server, endpoint)
}

fn smoke(py: &Path, endpoint: &str, creds: Option<(&str, &str)>) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/boto3/smoke.py");
    let mut cmd = Command::new(py);
    cmd.arg(script).arg(endpoint);
    // No credential files or profiles of the machine leak into the run.
    for var in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_KMS",
    ] {
        cmd.env_remove(var);
    }
    match creds {
        Some((id, secret)) => {
            cmd.env("AWS_ACCESS_KEY_ID", id)
                .env("AWS_SECRET_ACCESS_KEY", secret);
        }
        None => {
            cmd.env_remove("AWS_ACCESS_KEY_ID")
                .env_remove("AWS_SECRET_ACCESS_KEY");
        }
    }
    let out = cmd.output().expect("run python");
    assert!(
        out.status.success(),
        "smoke.py failed\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ready() -> Option<PathBuf> {
    let py = python();
    if boto3_available(&py) {
        return Some(py);
    }
    if std::env::var_os("CI").is_some() {
        panic!("boto3 cannot be imported by {} and CI is set", py.display());
    }
    eprintln!(
        "skipped: boto3 cannot be imported by {} (run .ci/run, or set KAC_PYTHON)",
        py.display()
    );
    None
}

#[test]
fn boto3_drives_the_alias_lifecycle() {
    let Some(py) = ready() else { return };
    let (_server, endpoint) = serve(&[]);
    smoke(&py, &endpoint, None);
}

#[test]
fn boto3_signatures_verify() {
    let Some(py) = ready() else { return };
    let (_server, endpoint) = serve(&[
        "--verify-signatures",
        "--access-key-id",
        "AKIDBOTO",
        "--secret-access-key",
        "boto-secret",
    ]);
    smoke(&py, &endpoint, Some(("AKIDBOTO", "boto-secret")));
}
