//! The `run` command's own options; everything else goes to libtest-mimic.

use std::path::PathBuf;
use std::time::Duration;

/// Options of `kms-alias-conformance run`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// `--endpoint URL`.
    pub endpoint: Option<String>,
    /// `--region R`.
    pub region: Option<String>,
    /// `--cases DIR`: a corpus on disk instead of the built-in one.
    pub cases: Option<PathBuf>,
    /// `--junit FILE`.
    pub junit: Option<PathBuf>,
    /// `--timeout SECS` per request (default 10).
    pub timeout: Duration,
    /// `--prefix P`: the run prefix (default: `kac-` and 8 random hex digits).
    pub prefix: Option<String>,
    /// `--baseline FILE`: known deviations of the target.
    pub baseline: Option<PathBuf>,
    /// `--update-baseline FILE`: write the current failures as a baseline.
    pub update_baseline: Option<PathBuf>,
    /// `--report FILE.json`: the whole run as JSON.
    pub report: Option<PathBuf>,
    /// `--target-name NAME`: the target's label in reports.
    pub target_name: Option<String>,
    /// `--dialect aws|otc|all`: which case files run (default: aws; `cargo
    /// test` runs all).
    pub dialect: Option<DialectChoice>,
    /// `--project-id ID` of OTC paths (default: `OS_PROJECT_ID`).
    pub project_id: Option<String>,
    /// `--auth-token T`, the OTC X-Auth-Token (default: `OS_AUTH_TOKEN`).
    pub auth_token: Option<String>,
    /// Arguments for libtest-mimic (filters, `--list`, `--skip`, ...).
    pub libtest: Vec<String>,
}

/// Which dialects' case files a run takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectChoice {
    /// Only this dialect's files.
    One(crate::spec::Dialect),
    /// Every file.
    All,
}

impl DialectChoice {
    /// Whether a file of `dialect` runs.
    pub fn takes(self, dialect: crate::spec::Dialect) -> bool {
        match self {
            DialectChoice::One(d) => d == dialect,
            DialectChoice::All => true,
        }
    }
}

/// The usage text of `run`.
pub const USAGE: &str = "usage: kms-alias-conformance run [--endpoint URL] [--region R] [--cases DIR] [--baseline FILE] [--report FILE.json] [--junit FILE] [--timeout SECS] [--prefix P] [FILTER] [LIBTEST OPTIONS]

  --endpoint URL   the KMS endpoint (default: AWS_ENDPOINT_URL_KMS, then AWS_ENDPOINT_URL,
                   else the embedded reference on a free loopback port)
  --region R       the Region to sign for (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)
  --cases DIR      run the case files under DIR instead of the built-in corpus
  --baseline FILE  known deviations of the target: listed trials that fail with the listed
                   signature are xfail; with another signature they fail (changed); if they
                   pass they are xpass and fail the run
  --update-baseline FILE
                   write the current failures as a baseline for review (refused when CI is set)
  --report FILE    write the whole run as JSON (cases, checks, findings; see `schema --report`)
  --target-name N  the target's name in reports (default: the endpoint)
  --junit FILE     also write a JUnit XML report
  --timeout SECS   per-request timeout (default 10)
  --prefix P       run prefix for every name the run creates (default kac-<random>)
  --dialect D      aws (default), otc (the OTC / Huawei Cloud KMS v1.0 REST dialect) or all
  --project-id ID  OTC: the {project_id} of every path (default: OS_PROJECT_ID; any id
                   for the embedded reference)
  --auth-token T   OTC: the X-Auth-Token (default: OS_AUTH_TOKEN; any token for the
                   embedded reference)

libtest options work as in `cargo test`: FILTER, --exact, --skip PATTERN, --list,
--ignored, --include-ignored, --test-threads N, --nocapture, --format terse|pretty|json.";

impl RunOptions {
    /// Parses the arguments after `run` (without the program name).
    pub fn parse(args: &[String]) -> Result<RunOptions, String> {
        let mut o = RunOptions {
            endpoint: None,
            region: None,
            cases: None,
            junit: None,
            timeout: Duration::from_secs(10),
            prefix: None,
            baseline: None,
            update_baseline: None,
            report: None,
            target_name: None,
            dialect: None,
            project_id: None,
            auth_token: None,
            libtest: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
                _ => (arg.as_str(), None),
            };
            let known = [
                "--endpoint",
                "--region",
                "--cases",
                "--junit",
                "--timeout",
                "--prefix",
                "--baseline",
                "--update-baseline",
                "--report",
                "--target-name",
                "--dialect",
                "--project-id",
                "--auth-token",
            ];
            if !known.contains(&flag) {
                o.libtest.push(arg.clone());
                continue;
            }
            let value = match inline {
                Some(v) => v,
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"))?,
            };
            match flag {
                "--endpoint" => o.endpoint = Some(value),
                "--region" => o.region = Some(value),
                "--cases" => o.cases = Some(PathBuf::from(value)),
                "--junit" => o.junit = Some(PathBuf::from(value)),
                "--baseline" => o.baseline = Some(PathBuf::from(value)),
                "--update-baseline" => o.update_baseline = Some(PathBuf::from(value)),
                "--report" => o.report = Some(PathBuf::from(value)),
                "--target-name" => o.target_name = Some(value),
                "--dialect" => {
                    o.dialect = Some(match value.as_str() {
                        "all" => DialectChoice::All,
                        name => {
                            DialectChoice::One(crate::spec::Dialect::from_name(name).ok_or_else(
                                || format!("--dialect `{value}`: expected aws, otc or all"),
                            )?)
                        }
                    })
                }
                "--project-id" => o.project_id = Some(value),
                "--auth-token" => o.auth_token = Some(value),
                "--prefix" => {
                    let ok = !value.is_empty()
                        && value.len() <= 40
                        && value
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    if !ok {
                        return Err(format!(
                            "--prefix `{value}`: use 1 to 40 letters, digits, `-` or `_` (it becomes part of alias names)"
                        ));
                    }
                    o.prefix = Some(value)
                }
                "--timeout" => {
                    let secs: f64 = value
                        .parse()
                        .ok()
                        .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                        .ok_or_else(|| {
                            format!("--timeout `{value}`: expected seconds between 0 and 3600")
                        })?;
                    o.timeout = Duration::from_secs_f64(secs);
                }
                _ => unreachable!("flag list above"),
            }
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn splits_own_options_from_libtest_ones() {
        let o = RunOptions::parse(&args(&[
            "--endpoint",
            "http://127.0.0.1:1",
            "--timeout=2.5",
            "CreateAlias",
            "--skip",
            "protocol/auth",
            "--list",
        ]))
        .unwrap();
        assert_eq!(o.endpoint.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(o.timeout, Duration::from_millis(2500));
        assert_eq!(
            o.libtest,
            args(&["CreateAlias", "--skip", "protocol/auth", "--list"])
        );
    }

    #[test]
    fn rejects_bad_values() {
        assert!(RunOptions::parse(&args(&["--timeout", "-1"])).is_err());
        assert!(RunOptions::parse(&args(&["--timeout"])).is_err());
        assert!(RunOptions::parse(&args(&["--prefix", "a b"])).is_err());
    }
}
