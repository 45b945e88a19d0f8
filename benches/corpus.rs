//! The whole built-in corpus against the embedded reference, each run a cold
//! process (`kms-alias-conformance run -q`): wall time and requests/s.
//!
//! `cargo bench --bench corpus` (runs: `KAC_BENCH_RUNS`, default 10).

use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::var("KAC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(10);
    let bin = env!("CARGO_BIN_EXE_kms-alias-conformance");
    let mut walls = Vec::with_capacity(runs);
    let mut rates = Vec::with_capacity(runs);
    let mut cases = String::new();
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new(bin)
            .args(["run", "-q"])
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_KMS")
            .output()
            .expect("the binary runs");
        let wall = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "the corpus failed:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // "N requests in X s (R requests/s)"
        let traffic = stdout
            .lines()
            .find(|l| l.contains(" requests in "))
            .unwrap_or_default();
        let requests: f64 = traffic
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0);
        if let Some(line) = stdout.lines().find(|l| l.starts_with("test result:")) {
            cases = line.to_owned();
        }
        walls.push(wall);
        rates.push(requests / wall.as_secs_f64());
    }
    walls.sort();
    rates.sort_by(f64::total_cmp);
    let median = |v: &[Duration]| v[v.len() / 2];
    println!("corpus, cold process, {runs} runs: {cases}");
    println!(
        "wall time: min {:.3} s, median {:.3} s, max {:.3} s",
        walls[0].as_secs_f64(),
        median(&walls).as_secs_f64(),
        walls[walls.len() - 1].as_secs_f64()
    );
    println!(
        "requests/s over the whole process (median): {:.0}",
        rates[rates.len() / 2]
    );
}
