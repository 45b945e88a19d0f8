//! Subcommands, one module each; `Command` is the table of contents.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod serve;

/// Conformance harness, reference emulator and fuzzing suite for the AWS KMS alias API.
#[derive(Debug, Parser)]
#[command(name = "kms-alias-conformance", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands. Add one variant (and one module) per command.
#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the reference KMS service (an emulator of the alias API).
    Serve(serve::ServeArgs),
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn run(self) -> ExitCode {
        match self.command {
            Command::Serve(args) => serve::run(args),
        }
    }
}
