//! `run`: the suite against an endpoint. Its options are parsed by the
//! runner itself, since everything it does not know goes to libtest-mimic.

use std::process::ExitCode;

use clap::Args;

use kms_alias_conformance::runner::{self, Defaults};

/// Arguments of `run`: see `run --help`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct RunArgs {
    /// [--endpoint URL] [--region R] [--cases DIR] [--junit FILE] [--timeout SECS] [--prefix P] [FILTER] [LIBTEST OPTIONS]
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    args: Vec<String>,
}

/// Runs the suite.
pub fn run(args: RunArgs) -> ExitCode {
    runner::run(&args.args, Defaults::Cli)
}
