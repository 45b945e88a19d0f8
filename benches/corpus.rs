//! The built-in corpus of each dialect against the embedded reference, each
//! run a cold process (`kms-alias-conformance run -q --dialect D`): wall
//! time, the trials' own time per case, and requests/s; with the default 8
//! trials at a time and with one (`--test-threads 1`: the cost of a case
//! alone, which a small corpus's slowest case does not hide).
//!
//! `cargo bench --bench corpus` (runs: `KAC_BENCH_RUNS`, default 10;
//! dialects: `KAC_BENCH_DIALECTS`, default `aws,otc`).

use std::process::Command;
use std::time::{Duration, Instant};

/// One cold run: (wall, the trials' time from libtest's summary, cases, requests).
fn once(bin: &str, dialect: &str, threads: &str) -> (Duration, f64, usize, f64) {
    let started = Instant::now();
    let out = Command::new(bin)
        .args(["run", "-q", "--dialect", dialect, "--test-threads", threads])
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_KMS")
        .output()
        .expect("the binary runs");
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the {dialect} corpus failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "N requests in X s (R requests/s)"
    let requests: f64 = stdout
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    // "test result: ok. N passed; ...; finished in 0.27s"
    let result = stdout
        .lines()
        .find(|l| l.starts_with("test result:"))
        .unwrap_or_default();
    let cases: usize = result
        .split("ok. ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let trials: f64 = result
        .rsplit("finished in ")
        .next()
        .and_then(|t| t.trim_end_matches('s').parse().ok())
        .unwrap_or(0.0);
    (wall, trials, cases, requests)
}

fn main() {
    let runs: usize = std::env::var("KAC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(10);
    let dialects = std::env::var("KAC_BENCH_DIALECTS").unwrap_or_else(|_| "aws,otc".into());
    let bin = env!("CARGO_BIN_EXE_kms-alias-conformance");
    let each = dialects
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .flat_map(|d| [(d, "8"), (d, "1")]);
    for (dialect, threads) in each {
        let mut walls = Vec::with_capacity(runs);
        let mut trials = Vec::with_capacity(runs);
        let mut rates = Vec::with_capacity(runs);
        let mut cases = 0;
        let mut requests = 0.0;
        for _ in 0..runs {
            let (wall, t, n, r) = once(bin, dialect, threads);
            walls.push(wall);
            trials.push(t);
            rates.push(r / wall.as_secs_f64());
            cases = n;
            requests = r;
        }
        walls.sort();
        trials.sort_by(f64::total_cmp);
        rates.sort_by(f64::total_cmp);
        let wall = walls[runs / 2].as_secs_f64();
        let trial = trials[runs / 2];
        let per = |secs: f64| secs * 1e6 / cases.max(1) as f64;
        println!(
            "{dialect}, {threads} at a time: {cases} cases, {requests:.0} requests, cold process, {runs} runs (medians): \
             wall {wall:.3} s ({:.0} us per case), trials {trial:.3} s ({:.0} us per case), {:.0} requests/s",
            per(wall),
            per(trial),
            rates[runs / 2]
        );
    }
}
