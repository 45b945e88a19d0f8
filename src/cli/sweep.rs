//! `sweep --prefix P`: removes leftovers of earlier runs from an endpoint.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use kms_alias_conformance::client::{
    endpoint, load_credentials, resolve_endpoint, resolve_region, Client,
};
use kms_alias_conformance::runner::sweep::sweep;
use kms_alias_conformance::runner::Target;

/// Arguments of `sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The run prefix whose aliases (`alias/P/...`) and keys to remove.
    #[arg(long)]
    prefix: String,
    /// The endpoint (default: AWS_ENDPOINT_URL_KMS, then AWS_ENDPOINT_URL; else real AWS).
    #[arg(long)]
    endpoint: Option<String>,
    /// The Region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1).
    #[arg(long)]
    region: Option<String>,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
}

/// Sweeps and reports what it removed.
pub fn run(args: SweepArgs) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(sweep_with(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn sweep_with(args: SweepArgs) -> Result<ExitCode, String> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err("--timeout must be a positive number of seconds".into());
    }
    let region = resolve_region(args.region.as_deref());
    let url = match resolve_endpoint(args.endpoint.as_deref())? {
        Some((url, _)) => url,
        None => reqwest::Url::parse(&format!("https://kms.{region}.amazonaws.com"))
            .map_err(|e| e.to_string())?,
    };
    let credentials = load_credentials(endpoint::is_loopback(&url), &region).await?;
    let client = Client::new(
        url,
        region,
        credentials,
        Duration::from_secs_f64(args.timeout),
    )?;
    let target = Target::new(client, args.prefix.clone(), None);
    let report = sweep(&target, &args.prefix).await?;
    for a in &report.aliases {
        println!("deleted alias {a}");
    }
    for k in &report.keys {
        println!("scheduled key {k} for deletion");
    }
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    println!(
        "swept prefix {}: {} aliases deleted, {} keys scheduled for deletion, {} errors",
        args.prefix,
        report.aliases.len(),
        report.keys.len(),
        report.errors.len()
    );
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
