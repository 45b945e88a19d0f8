//! `coverage`: the clause × operation matrix of a corpus against the
//! catalogue in `spec::clauses`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use kms_alias_conformance::report::coverage::Coverage;
use kms_alias_conformance::runner::corpus;
use kms_alias_conformance::spec::clauses::CLAUSES;

/// How to print the matrix.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// One block per clause, one line per operation.
    Text,
    /// A clauses × operations table.
    Markdown,
    /// The whole coverage as JSON.
    Json,
}

/// Arguments of `coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// The corpus to measure (default: the built-in one).
    #[arg(long, value_name = "DIR")]
    cases: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Shorthand for `--format json`.
    #[arg(long)]
    json: bool,
}

/// Prints the matrix; exits 0 when every cell has a case or a reason, 1
/// naming the holes (and any case naming an uncatalogued clause) otherwise,
/// 2 when the corpus does not load.
pub fn run(args: CoverageArgs) -> ExitCode {
    let (loaded, root) = match &args.cases {
        Some(dir) => (corpus::from_dir(dir), format!("{}/", dir.display())),
        None => (corpus::built_in(), "cases/".to_owned()),
    };
    let files = match loaded {
        Ok(files) => files,
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}\n");
            }
            eprintln!("error: {} case-file error(s)", errors.len());
            return ExitCode::from(2);
        }
    };
    let coverage = Coverage::of(&files, CLAUSES, &root);
    let format = if args.json { Format::Json } else { args.format };
    let out = match format {
        Format::Text => coverage.text(),
        Format::Markdown => coverage.markdown(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&coverage).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    print!("{out}");
    if coverage.is_complete() {
        ExitCode::SUCCESS
    } else {
        eprint!("{}", coverage.problems());
        ExitCode::from(1)
    }
}
