//! `fuzz`: differential fuzzing of an endpoint against the reference; each
//! divergence shrunk and written out as a regression case.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use kms_alias_conformance::client::{
    endpoint, load_credentials, resolve_endpoint, resolve_region, Client,
};
use kms_alias_conformance::diff::campaign::{self, Campaign, Checkers, Progress, Settings};
use kms_alias_conformance::diff::otc;
use kms_alias_conformance::diff::trial::Where;
use kms_alias_conformance::reference;
use kms_alias_conformance::report::{self, Report, TargetInfo, REPORT_FORMAT};
use kms_alias_conformance::runner::reproduce::{quote, Reproducer};
use kms_alias_conformance::runner::target::OtcAccess;
use kms_alias_conformance::runner::{console, corpus, Baseline, RunContext, Target};

/// Arguments of `fuzz`.
#[derive(Debug, Args)]
pub struct FuzzArgs {
    /// The endpoint to fuzz (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL; else the embedded reference).
    #[arg(long)]
    endpoint: Option<String>,
    /// The Region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1).
    #[arg(long)]
    region: Option<String>,
    /// The seed (default: a random one, printed); the same seed gives the same sequences.
    #[arg(long)]
    seed: Option<u64>,
    /// Stop after this many sequences (default 100 when --duration is not given either).
    #[arg(long)]
    sequences: Option<u64>,
    /// Stop after this long: `60s`, `5m`, `1h` or seconds.
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Write each divergence as a case file under DIR (`DIR/<Operation>/fuzz-*.yaml`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Send no requests without a valid signature (emulators that do not check SigV4).
    #[arg(long)]
    skip_auth: bool,
    /// Write the run report (the JSON `run --report` writes) of the written cases.
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
    /// Mark divergences whose signature a baseline entry has as known.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Model steps per sequence at most.
    #[arg(long, default_value_t = 30)]
    max_steps: usize,
    /// Sequences in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Runs to spend shrinking one divergence at most.
    #[arg(long, default_value_t = 120)]
    shrink_budget: u32,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// The run prefix in every name (default: random).
    #[arg(long)]
    prefix: Option<String>,
    /// The dialect to fuzz: aws (default) or otc (OTC / Huawei Cloud KMS v1.0).
    #[arg(long, default_value = "aws", value_parser = ["aws", "otc"])]
    dialect: String,
    /// OTC: the project id of every path (default: OS_PROJECT_ID; any for the embedded reference).
    #[arg(long, env = "OS_PROJECT_ID")]
    project_id: Option<String>,
    /// OTC: the X-Auth-Token (default: OS_AUTH_TOKEN; any for the embedded reference).
    #[arg(long, env = "OS_AUTH_TOKEN", hide_env_values = true)]
    auth_token: Option<String>,
}

/// `60s`, `5m`, `1h`, `250ms` or plain seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or((s, ""), |i| s.split_at(i));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. 60s, 5m)"))?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{s}`: the unit must be ms, s, m or h")),
    };
    if !(secs.is_finite() && secs > 0.0) {
        return Err(format!("`{s}` must be more than zero"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Runs the campaign; exits 0 with no divergence (or only baselined
/// ones), 101 with any other, 2 on usage errors.
pub fn run(args: FuzzArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(fuzz(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn fuzz(args: FuzzArgs) -> Result<ExitCode, String> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err("--timeout must be a positive number of seconds".into());
    }
    let baseline = match &args.baseline {
        None => None,
        Some(path) => {
            let files = corpus::built_in().map_err(|e| format!("{} corpus error(s)", e.len()))?;
            let trials: Vec<String> = files
                .iter()
                .flat_map(|f| {
                    f.cases
                        .iter()
                        .map(move |c| format!("{}::{}", f.stem(), c.slug))
                })
                .collect();
            let b = Baseline::load(path, &trials).map_err(|errors| {
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            Some(b)
        }
    };
    let timeout = Duration::from_secs_f64(args.timeout);
    let region = resolve_region(args.region.as_deref());
    let remote = resolve_endpoint(args.endpoint.as_deref())?;
    let loopback = remote
        .as_ref()
        .is_none_or(|(url, _)| endpoint::is_loopback(url));
    let credentials = load_credentials(loopback, &region).await?;
    let secret = credentials.initial();
    // The written cases are checked against an embedded reference that
    // verifies signatures made with the run's credentials.
    let config = reference::Config {
        verify: Some(reference::Credentials {
            access_key_id: secret.0.access_key_id().to_owned(),
            secret_access_key: secret.0.secret_access_key().to_owned(),
        }),
        ..reference::Config::default()
    };
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let server = reference::start(listen, config.clone())
        .await
        .map_err(|e| format!("cannot start the embedded reference: {e}"))?;
    let ref_url =
        reqwest::Url::parse(&format!("http://{}", server.addr())).map_err(|e| e.to_string())?;
    let (url, shown, embedded) = match remote {
        Some((url, _)) => (url.clone(), url.to_string(), false),
        None => (ref_url.clone(), "the embedded reference".to_owned(), true),
    };
    let prefix = args
        .prefix
        .clone()
        .unwrap_or_else(|| format!("kac-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]));
    let client = Client::new(url.clone(), region.clone(), credentials.clone(), timeout)?;
    let target = Target::new(
        client,
        prefix.clone(),
        embedded.then(|| config.account.clone()),
    );
    let otc = args.dialect == "otc";
    let access = match (otc, &args.project_id, &args.auth_token) {
        (false, _, _) => None,
        (true, Some(p), Some(t)) => Some(OtcAccess {
            project_id: p.clone(),
            token: t.clone(),
        }),
        (true, p, t) if embedded => Some(OtcAccess {
            project_id: p
                .clone()
                .unwrap_or_else(|| "0123456789abcdef0123456789abcdef".into()),
            token: t.clone().unwrap_or_else(|| "kac-reference-token".into()),
        }),
        (true, None, _) => {
            return Err("--dialect otc needs a project id: --project-id or OS_PROJECT_ID".into())
        }
        (true, _, None) => {
            return Err("--dialect otc needs a token: --auth-token or OS_AUTH_TOKEN".into())
        }
    };
    let (target, account) = match &access {
        Some(a) => (target.with_otc(a.clone()), config.account.clone()),
        None => {
            let account = target
                .discover_account()
                .await
                .map_err(|e| format!("cannot learn the account of {shown}: {e}"))?;
            (target, account)
        }
    };
    let seed = args.seed.unwrap_or_else(rand_seed);
    let out_shown = args
        .out
        .as_ref()
        .map_or("DIR".to_owned(), |d| d.display().to_string());
    let reproducer = Reproducer {
        endpoint: url.to_string(),
        preamble: Vec::new(),
        region: region.clone(),
        session_token: secret.0.session_token().is_some(),
        run_base: format!(
            "kms-alias-conformance run --endpoint {} --region {} --cases {}{}",
            quote(url.as_str()),
            quote(&region),
            quote(&out_shown),
            match &access {
                Some(a) => format!(" --dialect otc --project-id {}", quote(&a.project_id)),
                None => String::new(),
            }
        ),
    };
    let target_ctx = RunContext {
        target,
        reproducer: reproducer.clone(),
        embedded,
    };
    let ref_client = Client::new(ref_url.clone(), region.clone(), credentials, timeout)?;
    let mut ref_target = Target::new(ref_client, prefix.clone(), Some(config.account.clone()));
    if let Some(a) = &access {
        ref_target = ref_target.with_otc(OtcAccess {
            project_id: a.project_id.clone(),
            token: "kac-reference-token".into(),
        });
    }
    let reference_ctx = RunContext {
        target: ref_target,
        reproducer,
        embedded: true,
    };
    let at = Where {
        prefix: prefix.clone(),
        account,
        region: region.clone(),
    };
    let settings = Settings {
        seed,
        sequences: args.sequences,
        duration: args.duration,
        max_steps: args.max_steps.max(1),
        concurrency: args.concurrency.max(1),
        shrink_budget: args.shrink_budget,
        out: args.out.clone(),
        skip_auth: args.skip_auth,
        endpoint: url.to_string(),
    };
    println!(
        "fuzzing {shown} (Region {region}, prefix {prefix}) with seed {seed}: {}",
        match (args.sequences, args.duration) {
            (Some(n), _) => format!("{n} sequences"),
            (None, Some(d)) => format!("for {:.0} s", d.as_secs_f64()),
            (None, None) => "100 sequences".to_owned(),
        }
    );
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\ninterrupted: finishing the sequences in flight and cleaning up");
            flag.store(true, Ordering::Relaxed);
        }
    });
    let bar = Bar::new(args.quiet, settings.sequences);
    let checkers = Checkers {
        target: &target_ctx,
        reference: &reference_ctx,
    };
    let result = match &access {
        None => campaign::run(&checkers, &at, &settings, &bar, Arc::clone(&stop)).await,
        Some(a) => {
            let otc_at = otc::trial::Where {
                prefix: prefix.clone(),
                project_id: a.project_id.clone(),
                token: a.token.clone(),
            };
            let target = &target_ctx.target;
            otc::campaign::run(&checkers, target, &otc_at, &settings, &bar, &stop).await
        }
    };
    bar.finish();
    server.shutdown();
    let code = conclude(
        &result,
        &args,
        &shown,
        &region,
        &prefix,
        seed,
        baseline.as_ref(),
    )?;
    Ok(code)
}

/// A seed from the clock and the process, for runs that name none.
fn rand_seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    t ^ u64::from(std::process::id()).rotate_left(32)
}

/// The progress bar: sequences, requests per second, divergences.
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new(quiet: bool, sequences: Option<u64>) -> Bar {
        let bar = match sequences {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::new_spinner(),
        };
        if quiet {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let template = if sequences.is_some() {
            "{elapsed_precise} [{bar:30}] {pos}/{len} sequences  {msg}"
        } else {
            "{elapsed_precise} {spinner} {pos} sequences  {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Bar { bar }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn tick(&self, sequences: u64, requests: u64, divergences: usize) {
        self.bar.set_position(sequences);
        let secs = self.bar.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(format!(
            "{:.0} req/s  {divergences} divergence(s)",
            requests as f64 / secs
        ));
    }

    fn note(&self, line: &str) {
        self.bar.println(line);
    }
}

/// Prints the findings and the summary, writes the report; the exit status.
fn conclude(
    result: &Campaign,
    args: &FuzzArgs,
    shown: &str,
    region: &str,
    prefix: &str,
    seed: u64,
    baseline: Option<&Baseline>,
) -> Result<ExitCode, String> {
    let known =
        |sig: &str| baseline.is_some_and(|b| b.entries.values().any(|e| e.signature == sig));
    let cases: Vec<_> = result
        .divergent
        .iter()
        .filter_map(|d| d.record.clone())
        .collect();
    let mut findings = report::group(&cases);
    for f in &mut findings {
        if known(&f.signature) {
            f.baselined = f.count;
        }
    }
    if let Some(table) = console::findings(&findings) {
        println!("{table}");
    }
    for d in &result.divergent {
        let file = d
            .file
            .as_deref()
            .map_or(String::new(), |f| format!(" -> {f}"));
        println!(
            "  sequence {} ({} step(s), shrunk to {} in {} run(s), seen {}x){file}: {}",
            d.first, d.steps_found, d.steps_shrunk, d.shrink_runs, d.hits, d.signature
        );
        if let Some(note) = &d.note {
            println!("    note: {note}");
        }
    }
    let secs = result.elapsed.as_secs_f64().max(1e-3);
    let written = result.divergent.iter().filter(|d| d.file.is_some()).count();
    println!(
        "fuzz: {} sequence(s), {} request(s) to the target in {:.1} s ({:.0} req/s); {} divergence(s){}{}; seed {seed}",
        result.sequences,
        result.requests,
        secs,
        result.requests as f64 / secs,
        result.divergent.len(),
        match &args.out {
            Some(dir) => format!(", {written} written to {}", dir.display()),
            None => String::new(),
        },
        if result.interrupted { " (interrupted)" } else { "" },
    );
    if let Some(path) = &args.report {
        let report = Report {
            format: REPORT_FORMAT,
            tool: format!("kms-alias-conformance {} fuzz", env!("CARGO_PKG_VERSION")),
            target: TargetInfo {
                label: shown.to_owned(),
                endpoint: shown.to_owned(),
                region: region.to_owned(),
                dialect: args.dialect.clone(),
                prefix: prefix.to_owned(),
            },
            started_unix: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs().saturating_sub(result.elapsed.as_secs()))
                .unwrap_or_default(),
            duration_ms: result.elapsed.as_millis() as u64,
            baseline: args.baseline.as_ref().map(|p| p.display().to_string()),
            summary: report::summarise(&cases),
            findings: findings.clone(),
            cases,
        };
        let bytes = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, bytes)
            .map_err(|e| format!("cannot write the report {}: {e}", path.display()))?;
    }
    let new = result.divergent.iter().any(|d| {
        !known(&d.signature)
            && !d
                .record
                .as_ref()
                .is_some_and(|r| known(r.signature.as_deref().unwrap_or_default()))
    });
    Ok(if new {
        ExitCode::from(101)
    } else {
        ExitCode::SUCCESS
    })
}
