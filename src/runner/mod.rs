//! The runner: case files become libtest-mimic trials fired at a target,
//! and every failure is explained.

pub use options::RunOptions;
pub use result::{CaseReport, Mismatch, StepReport};
pub use target::Target;

pub mod check;
pub mod console;
pub mod corpus;
pub mod execute;
pub mod junit;
pub mod options;
pub mod result;
pub mod sweep;
pub mod target;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Parser as _;
use libtest_mimic::{Arguments, Failed, Trial};

use crate::case::CaseFile;
use crate::client::{endpoint, load_credentials, resolve_endpoint, resolve_region, Client};
use crate::reference;

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
    target: Option<Target>,
    files: Vec<CaseFile>,
    root: String,
    reports: Mutex<Vec<CaseReport>>,
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

    let (files, root) = match load_corpus(&opts, defaults) {
        Ok(x) => x,
        Err(code) => return code,
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
    let target = if targs.list {
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
        target,
        files,
        root,
        reports: Mutex::new(Vec::new()),
    });
    let trials = trials(&shared);
    let started = std::time::Instant::now();
    let conclusion = libtest_mimic::run(&targs, trials);
    if let Some(target) = &shared.target {
        println!(
            "{}",
            console::throughput(target.client.requests_sent(), started.elapsed())
        );
    }

    let reports = std::mem::take(&mut *shared.reports.lock().unwrap_or_else(|p| p.into_inner()));
    if let Some(summary) = console::drift_summary(&reports) {
        println!("{summary}");
    }
    if let Some(path) = &opts.junit {
        if let Err(e) = junit::write(path, &reports, &shared.root) {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    if let Some(s) = server {
        s.shutdown();
    }
    conclusion.exit_code()
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
) -> Result<Target, String> {
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
    let secret = load_credentials(loopback).await?;
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
    let client = Client::new(url.clone(), region.clone(), secret, opts.timeout)?;
    let target = Target::new(client, prefix.clone(), account);
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
    if target.account().is_none() {
        if let Err(e) = target.discover_account().await {
            eprintln!("warning: could not learn the account id from the endpoint ({e}); cases that use ${{account}} will fail");
        }
    }
    Ok(target)
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
    let Some(target) = &shared.target else {
        return Err("no target (list mode)".into());
    };
    let file = &shared.files[fi];
    let case = &file.cases[ci];
    let report = shared
        .runtime
        .block_on(execute::run_case(target, file, case, trial));
    let verdict = if report.passed() {
        Ok(())
    } else {
        Err(Failed::from(console::failure(&report, &shared.root)))
    };
    shared
        .reports
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(report);
    verdict
}
