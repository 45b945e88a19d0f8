//! Subcommands, one module each; `Command` is the table of contents.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod coverage;
mod fuzz;
mod report;
mod run;
mod schema;
mod serve;
mod sweep;
mod vectors;

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
    /// Run the conformance suite against an endpoint (default: the embedded reference).
    Run(run::RunArgs),
    /// Serve the reference KMS service (an emulator of the alias API).
    Serve(serve::ServeArgs),
    /// Print the JSON Schema of the case-file format (or, with --report, of run reports).
    Schema(schema::SchemaArgs),
    /// Remove what earlier runs with a given prefix left behind on an endpoint.
    Sweep(sweep::SweepArgs),
    /// Merge run reports (`run --report`) into an HTML page and Markdown.
    Report(report::ReportArgs),
    /// Print the clause × operation coverage of the corpus; exit 1 naming any hole.
    Coverage(coverage::CoverageArgs),
    /// Differential fuzzing: generated sequences against an endpoint and the reference; divergences as cases.
    Fuzz(fuzz::FuzzArgs),
    /// Write labelled test vectors (JSON Lines) for other implementations' validators.
    Vectors(vectors::VectorsArgs),
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn run(self) -> ExitCode {
        match self.command {
            Command::Run(args) => run::run(args),
            Command::Serve(args) => serve::run(args),
            Command::Schema(args) => schema::run(args),
            Command::Sweep(args) => sweep::run(args),
            Command::Report(args) => report::run(args),
            Command::Vectors(args) => vectors::run(args),
            Command::Coverage(args) => coverage::run(args),
            Command::Fuzz(args) => fuzz::run(args),
        }
    }
}
