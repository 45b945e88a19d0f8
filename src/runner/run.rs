//! `run`: load the corpus, start or reach the target, fire every case as a
//! libtest-mimic trial, and write the views of the report.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Parser as _;
use libtest_mimic::{Arguments, Failed, Trial};

use super::options::DialectChoice;
use super::reproduce::{quote, Reproducer};
use super::target::OtcAccess;
use super::{
    baseline, console, corpus, execute, junit, options, sweep, verdict, Baseline, RunContext,
    RunOptions, Target,
};
use crate::case::CaseFile;
use crate::client::{endpoint, load_credentials, resolve_endpoint, resolve_region, Client};
use crate::reference;
use crate::report::{self, CaseRecord, Report, TargetInfo, REPORT_FORMAT};
use crate::spec::Dialect;

/// Where a failure against the embedded reference is replayed.
const REPLAY_ADDR: &str = "127.0.0.1:4599";

/// Exit status for usage and case-file errors.
pub const EXIT_USAGE: u8 = 2;

/// Where the corpus comes from when `--cases` is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defaults {
    /// The binary: built-in corpus, endpoint from flags and environment.
    Cli,
    /// `tests/conformance.rs`: the repository's `cases/`, always the embedded reference.
    CargoTest,
}

struct Shared {
    runtime: tokio::runtime::Runtime,
    ctx: Option<RunContext>,
    files: Vec<CaseFile>,
    root: String,
    baseline: Option<Baseline>,
    records: Mutex<Vec<CaseRecord>>,
}

/// Runs `kms-alias-conformance run ARGS` and returns the exit status:
/// 0 all passed, 101 failures, 2 usage or case-file errors.
pub fn run(args: &[String], defaults: Defaults) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", options::USAGE);
        return ExitCode::SUCCESS;
    }
    let opts = match RunOptions::parse(args) {
        Ok(o) => o,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut libtest_args = vec!["kms-alias-conformance run".to_owned()];
    libtest_args.extend(opts.libtest.iter().cloned());
    let mut targs = match Arguments::try_parse_from(&libtest_args) {
        Ok(a) => a,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            println!("{}", options::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}\n{}", options::USAGE);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    // Trials wait on the network, not the CPU: more threads than cores pay.
    targs.test_threads.get_or_insert(8);

    if opts.update_baseline.is_some() && std::env::var_os("CI").is_some() {
        eprintln!("error: --update-baseline does not write when CI is set: run it locally and review the file");
        return ExitCode::from(EXIT_USAGE);
    }
    let (files, root) = match load_corpus(&opts, defaults) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let baseline = match &opts.baseline {
        None => None,
        Some(path) => {
            let all = trial_names(&files);
            match Baseline::load(path, &all) {
                Ok(b) => Some(b),
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{e}\n");
                    }
                    eprintln!("error: {} baseline error(s); nothing was run", errors.len());
                    return ExitCode::from(EXIT_USAGE);
                }
            }
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut server = None;
    let ctx = if targs.list {
        None
    } else {
        match runtime.block_on(connect(&opts, defaults, &files, &mut server)) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        }
    };
    let shared = Arc::new(Shared {
        runtime,
        ctx,
        files,
        root,
        baseline,
        records: Mutex::new(Vec::new()),
    });
    let trials = trials(&shared);
    let started_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let started = std::time::Instant::now();
    let conclusion = libtest_mimic::run(&targs, trials);
    let Some(ctx) = &shared.ctx else {
        return conclusion.exit_code();
    };
    println!(
        "{}",
        console::throughput(ctx.target.client.requests_sent(), started.elapsed())
    );

    let has = |d: Dialect| shared.files.iter().any(|f| f.dialect == d);
    let dialect = match (has(Dialect::Aws), has(Dialect::Otc)) {
        (true, true) => "aws+otc",
        (false, true) => "otc",
        _ => "aws",
    };
    if !ctx.embedded && has(Dialect::Aws) {
        // A name the target stored in another spelling than asked (cut
        // short, a character replaced) escapes per-case cleanup.
        match shared
            .runtime
            .block_on(sweep::sweep_aliases(&ctx.target, &ctx.target.prefix))
        {
            Ok(r) if !r.aliases.is_empty() => println!(
                "swept {} alias(es) under alias/{}/ that the target stored under names no case asked for",
                r.aliases.len(),
                ctx.target.prefix
            ),
            Ok(_) => {}
            Err(e) => eprintln!("warning: the closing sweep of alias/{}/ failed: {e}", ctx.target.prefix),
        }
    }
    let cases = std::mem::take(&mut *shared.records.lock().unwrap_or_else(|p| p.into_inner()));
    let mut report = assemble(&opts, ctx, cases, started_unix, started.elapsed());
    report.target.dialect = dialect.to_owned();
    let mut status = conclusion.exit_code();
    if !write_views(&opts, &shared, &report) {
        status = ExitCode::from(EXIT_USAGE);
    }
    if let Some(s) = server {
        s.shutdown();
    }
    status
}

/// The run as data, which every view reads.
fn assemble(
    opts: &RunOptions,
    ctx: &RunContext,
    mut cases: Vec<CaseRecord>,
    started_unix: u64,
    elapsed: std::time::Duration,
) -> Report {
    cases.sort_by(|a, b| a.trial.cmp(&b.trial));
    Report {
        format: REPORT_FORMAT,
        tool: format!("kms-alias-conformance {}", env!("CARGO_PKG_VERSION")),
        target: TargetInfo {
            label: ctx_label(opts, ctx),
            endpoint: endpoint_name(ctx),
            region: ctx.target.client.region().to_owned(),
            dialect: "aws".into(),
            prefix: ctx.target.prefix.clone(),
        },
        started_unix,
        duration_ms: elapsed.as_millis() as u64,
        baseline: opts.baseline.as_ref().map(|p| p.display().to_string()),
        summary: report::summarise(&cases),
        findings: report::group(&cases),
        cases,
    }
}

/// The console's closing findings and verdicts, then the files asked for
/// (JUnit, baseline, JSON). False when a file could not be written.
fn write_views(opts: &RunOptions, shared: &Shared, report: &Report) -> bool {
    if let Some(table) = console::findings(&report.findings) {
        println!("{table}");
    }
    println!("{}", console::closing(&report.summary, &report.cases));
    let mut ok = true;
    let mut fail = |e: String| {
        eprintln!("error: {e}");
        ok = false;
    };
    if let Some(path) = &opts.junit {
        if let Err(e) = junit::write(path, &report.cases, &shared.root) {
            fail(e);
        }
    }
    if let Some(path) = &opts.update_baseline {
        let text = baseline::render(
            &report.cases,
            shared.baseline.as_ref(),
            &report.target.label,
        );
        match std::fs::write(path, text) {
            Ok(()) => println!("wrote the baseline {} for review", path.display()),
            Err(e) => fail(format!("cannot write {}: {e}", path.display())),
        }
    }
    if let Some(path) = &opts.report {
        let written = serde_json::to_vec_pretty(report)
            .map_err(|e| e.to_string())
            .and_then(|bytes| std::fs::write(path, bytes).map_err(|e| e.to_string()));
        if let Err(e) = written {
            fail(format!("cannot write the report {}: {e}", path.display()));
        }
    }
    ok
}

/// The target's name in reports.
fn ctx_label(opts: &RunOptions, ctx: &RunContext) -> String {
    opts.target_name
        .clone()
        .unwrap_or_else(|| endpoint_name(ctx))
}

/// The endpoint, or `embedded reference`.
fn endpoint_name(ctx: &RunContext) -> String {
    if ctx.embedded {
        "embedded reference".to_owned()
    } else {
        ctx.target.client.endpoint().to_string()
    }
}

/// The dialects a run takes: as asked; else every one under `cargo test`
/// (against the embedded reference), AWS's for the command line.
fn dialect_choice(opts: &RunOptions, defaults: Defaults) -> DialectChoice {
    opts.dialect.unwrap_or(match defaults {
        Defaults::CargoTest => DialectChoice::All,
        Defaults::Cli => DialectChoice::One(Dialect::Aws),
    })
}

/// The project and token of a run's OTC cases: flags, then `OS_PROJECT_ID`
/// and `OS_AUTH_TOKEN`; the embedded reference takes any.
fn otc_access(opts: &RunOptions, embedded: bool) -> Result<OtcAccess, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let project_id = opts.project_id.clone().or_else(|| env("OS_PROJECT_ID"));
    let token = opts.auth_token.clone().or_else(|| env("OS_AUTH_TOKEN"));
    match (project_id, token, embedded) {
        (Some(project_id), Some(token), _) => Ok(OtcAccess { project_id, token }),
        (p, t, true) => Ok(OtcAccess {
            project_id: p.unwrap_or_else(|| "0123456789abcdef0123456789abcdef".into()),
            token: t.unwrap_or_else(|| "kac-reference-token".into()),
        }),
        (None, _, false) => {
            Err("OTC cases need a project id: --project-id or OS_PROJECT_ID".into())
        }
        (_, None, false) => Err("OTC cases need a token: --auth-token or OS_AUTH_TOKEN".into()),
    }
}

/// Every trial id of the corpus, whatever the filter.
fn trial_names(files: &[CaseFile]) -> Vec<String> {
    files
        .iter()
        .flat_map(|f| {
            f.cases
                .iter()
                .map(move |c| format!("{}::{}", f.stem(), c.slug))
        })
        .collect()
}

fn load_corpus(opts: &RunOptions, defaults: Defaults) -> Result<(Vec<CaseFile>, String), ExitCode> {
    let (loaded, root) = match (&opts.cases, defaults) {
        (Some(dir), _) => (corpus::from_dir(dir), format!("{}/", dir.display())),
        (None, Defaults::CargoTest) => {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
            (corpus::from_dir(&dir), "cases/".to_owned())
        }
        (None, Defaults::Cli) => (corpus::built_in(), "cases/".to_owned()),
    };
    let choice = dialect_choice(opts, defaults);
    let loaded = loaded.map(|mut files| {
        files.retain(|f| choice.takes(f.dialect));
        files
    });
    match loaded {
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}\n");
            }
            eprintln!(
                "error: {} case-file error(s); nothing was run",
                errors.len()
            );
            Err(ExitCode::from(EXIT_USAGE))
        }
        Ok(files) if files.iter().all(|f| f.cases.is_empty()) => {
            eprintln!("error: no case files found under {root}");
            Err(ExitCode::from(EXIT_USAGE))
        }
        Ok(files) => Ok((files, root)),
    }
}

async fn connect(
    opts: &RunOptions,
    defaults: Defaults,
    files: &[CaseFile],
    server: &mut Option<reference::RunningServer>,
) -> Result<RunContext, String> {
    let region = resolve_region(opts.region.as_deref());
    let remote = match defaults {
        Defaults::CargoTest if opts.endpoint.is_none() => None,
        _ => resolve_endpoint(opts.endpoint.as_deref())?,
    };
    let prefix = opts
        .prefix
        .clone()
        .unwrap_or_else(|| format!("kac-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]));
    // Credentials first: the embedded reference verifies signatures made
    // with them, so the protocol/auth cases mean something against it.
    let loopback = remote
        .as_ref()
        .is_none_or(|(url, _)| endpoint::is_loopback(url));
    let choice = dialect_choice(opts, defaults);
    let aws = choice.takes(Dialect::Aws) && files.iter().any(|f| f.dialect == Dialect::Aws);
    let otc = files.iter().any(|f| f.dialect == Dialect::Otc);
    // A run of OTC cases only signs nothing: no AWS credentials are sought
    // off the machine for it.
    let credentials = load_credentials(loopback || !aws, &region).await?;
    let secret = credentials.initial();
    let session_token = secret.0.session_token().is_some();
    let dummy = credentials.is_dummy();
    let (url, account) = match remote {
        Some((url, _)) => (url, None),
        None => {
            let config = reference::Config {
                verify: Some(reference::Credentials {
                    access_key_id: secret.0.access_key_id().to_owned(),
                    secret_access_key: secret.0.secret_access_key().to_owned(),
                }),
                ..reference::Config::default()
            };
            let account = config.account.clone();
            let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let running = reference::start(listen, config)
                .await
                .map_err(|e| format!("cannot start the embedded reference: {e}"))?;
            let url = reqwest::Url::parse(&format!("http://{}", running.addr()))
                .map_err(|e| e.to_string())?;
            *server = Some(running);
            (url, Some(account))
        }
    };
    let client = Client::new(url.clone(), region.clone(), credentials, opts.timeout)?;
    let mut target = Target::new(client, prefix.clone(), account);
    if otc {
        target = target.with_otc(otc_access(opts, server.is_some())?);
    }
    let mut run_base = String::from("kms-alias-conformance run");
    if server.is_none() {
        run_base.push_str(&format!(" --endpoint {}", quote(url.as_str())));
    }
    run_base.push_str(&format!(" --region {}", quote(&region)));
    if let Some(dir) = &opts.cases {
        run_base.push_str(&format!(" --cases {}", quote(&dir.display().to_string())));
    }
    if let Some(b) = &opts.baseline {
        run_base.push_str(&format!(" --baseline {}", quote(&b.display().to_string())));
    }
    if let Some(access) = &target.otc {
        let dialect = if aws { "all" } else { "otc" };
        run_base.push_str(&format!(
            " --dialect {dialect} --project-id {}",
            quote(&access.project_id)
        ));
    }
    // The embedded reference ends with the run: its failures replay against
    // `serve` on a fixed port, which answers as it did.
    let mut preamble = Vec::new();
    if dummy {
        // Any keys do for a target that does not check signatures.
        preamble.push("export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test".to_owned());
    }
    let endpoint = if server.is_some() {
        preamble.push(format!(
            "kms-alias-conformance serve --listen {REPLAY_ADDR} --account {} &",
            target.account().unwrap_or_default()
        ));
        format!("http://{REPLAY_ADDR}/")
    } else {
        url.to_string()
    };
    let embedded = server.is_some();
    let reproducer = Reproducer {
        endpoint,
        preamble,
        region: region.clone(),
        session_token,
        run_base,
    };
    let cases: usize = files.iter().map(|f| f.cases.len()).sum();
    let shown = if server.is_some() {
        format!("the embedded reference at {url}")
    } else {
        url.to_string()
    };
    println!(
        "{}",
        console::banner(&shown, &region, cases, files.len(), &prefix)
    );
    if target.account().is_none() && aws {
        if let Err(e) = target.discover_account().await {
            eprintln!("warning: could not learn the account id from the endpoint ({e}); cases that use ${{account}} will fail");
        }
    }
    Ok(RunContext {
        target,
        reproducer,
        embedded,
    })
}

fn trials(shared: &Arc<Shared>) -> Vec<Trial> {
    let mut trials = Vec::new();
    for (fi, file) in shared.files.iter().enumerate() {
        for (ci, case) in file.cases.iter().enumerate() {
            let name = format!("{}::{}", file.stem(), case.slug);
            let shared = Arc::clone(shared);
            let trial_name = name.clone();
            let trial = Trial::test(name, move || run_trial(&shared, fi, ci, &trial_name))
                .with_kind(file.clause.as_str())
                .with_ignored_flag(case.ignore.is_some());
            trials.push(trial);
        }
    }
    trials
}

fn run_trial(shared: &Shared, fi: usize, ci: usize, trial: &str) -> Result<(), Failed> {
    let Some(ctx) = &shared.ctx else {
        return Err("no target (list mode)".into());
    };
    let file = &shared.files[fi];
    let case = &file.cases[ci];
    let mut record = shared
        .runtime
        .block_on(execute::run_case(ctx, file, case, trial));
    verdict::apply_baseline(
        &mut record,
        shared.baseline.as_ref().and_then(|b| b.get(trial)),
    );
    execute::add_reproduction(&mut record, &ctx.reproducer);
    let outcome = if record.verdict.is_ok() {
        Ok(())
    } else {
        Err(Failed::from(console::failure(&record, &shared.root)))
    };
    shared
        .records
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(record);
    outcome
}
