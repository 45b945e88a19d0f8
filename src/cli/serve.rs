//! `serve`: the reference service on a loopback port until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Args;
use kms_alias_conformance::reference::{self, Config, Credentials};

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:4599")]
    listen: SocketAddr,
    /// The 12-digit account id every request acts in.
    #[arg(long, default_value = "111122223333")]
    account: String,
    /// Region of requests whose Authorization header names none.
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Verify SigV4 signatures against one access key.
    #[arg(long, requires_all = ["access_key_id", "secret_access_key"])]
    verify_signatures: bool,
    /// Access key id accepted with --verify-signatures.
    #[arg(long, env = "AWS_ACCESS_KEY_ID", hide_env_values = true)]
    access_key_id: Option<String>,
    /// Secret access key used with --verify-signatures.
    #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true)]
    secret_access_key: Option<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    max_body: usize,
    /// OTC dialect: accept only this X-Auth-Token (repeatable; default:
    /// any non-empty token).
    #[arg(long = "otc-token", value_name = "TOKEN")]
    otc_tokens: Vec<String>,
    /// Log each request to stderr.
    #[arg(long, short)]
    verbose: bool,
}

impl ServeArgs {
    fn config(&self) -> Config {
        let verify = match (
            self.verify_signatures,
            &self.access_key_id,
            &self.secret_access_key,
        ) {
            (true, Some(id), Some(secret)) => Some(Credentials {
                access_key_id: id.clone(),
                secret_access_key: secret.clone(),
            }),
            _ => None,
        };
        Config {
            account: self.account.clone(),
            default_region: self.region.clone(),
            verify,
            max_body: self.max_body,
            otc_tokens: (!self.otc_tokens.is_empty()).then(|| self.otc_tokens.clone()),
        }
    }
}

/// Serves until Ctrl-C; exit status 0 on a clean stop.
pub fn run(args: ServeArgs) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let server =
            match reference::start_with_logging(args.listen, args.config(), args.verbose).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: cannot listen on {}: {e}", args.listen);
                    return ExitCode::FAILURE;
                }
            };
        // Scripts read this first line for the address: keep it exact.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on http://{}", server.addr());
        let _ = out.flush();
        match tokio::signal::ctrl_c().await {
            Ok(()) => {
                server.shutdown();
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot wait for Ctrl-C: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: ServeArgs,
    }

    #[test]
    fn defaults_bind_loopback() {
        let w = Wrap::try_parse_from(["x"]).unwrap();
        assert_eq!(w.args.listen.to_string(), "127.0.0.1:4599");
        let c = w.args.config();
        assert_eq!(c.account, "111122223333");
        assert!(c.verify.is_none());
    }

    #[test]
    fn verification_needs_both_keys() {
        let w = Wrap::try_parse_from([
            "x",
            "--verify-signatures",
            "--access-key-id",
            "AKID",
            "--secret-access-key",
            "SECRET",
        ])
        .unwrap();
        assert_eq!(w.args.config().verify.unwrap().access_key_id, "AKID");
    }
}
