//! `sweep --prefix P`: removes leftovers of earlier runs from an endpoint.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use kms_alias_conformance::client::{
    endpoint, load_credentials, resolve_endpoint, resolve_region, Client,
};
use kms_alias_conformance::runner::sweep::{sweep, sweep_otc};
use kms_alias_conformance::runner::target::OtcAccess;
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
    /// The dialect: aws (default) or otc (then --endpoint is required).
    #[arg(long, default_value = "aws", value_parser = ["aws", "otc"])]
    dialect: String,
    /// OTC: the project id (default: OS_PROJECT_ID).
    #[arg(long, env = "OS_PROJECT_ID")]
    project_id: Option<String>,
    /// OTC: the X-Auth-Token (default: OS_AUTH_TOKEN).
    #[arg(long, env = "OS_AUTH_TOKEN", hide_env_values = true)]
    auth_token: Option<String>,
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
    let otc = args.dialect == "otc";
    let url = match resolve_endpoint(args.endpoint.as_deref())? {
        Some((url, _)) => url,
        None if otc => return Err("sweep --dialect otc needs --endpoint".into()),
        None => reqwest::Url::parse(&format!("https://kms.{region}.amazonaws.com"))
            .map_err(|e| e.to_string())?,
    };
    let credentials = load_credentials(endpoint::is_loopback(&url) || otc, &region).await?;
    let client = Client::new(
        url,
        region,
        credentials,
        Duration::from_secs_f64(args.timeout),
    )?;
    let target = Target::new(client, args.prefix.clone(), None);
    let report = if otc {
        let (Some(project_id), Some(token)) = (args.project_id.clone(), args.auth_token.clone())
        else {
            return Err("sweep --dialect otc needs --project-id and --auth-token (or OS_PROJECT_ID, OS_AUTH_TOKEN)".into());
        };
        let target = target.with_otc(OtcAccess { project_id, token });
        sweep_otc(&target, &args.prefix).await?
    } else {
        sweep(&target, &args.prefix).await?
    };
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
