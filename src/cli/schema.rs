//! `schema`: the JSON Schema of case files (for editors), or of the JSON
//! report (`--report`), each generated from the Rust types.

use std::process::ExitCode;

use clap::Args;

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The schema of `run --report` files instead of case files.
    #[arg(long)]
    report: bool,
}

/// Prints the schema.
pub fn run(args: SchemaArgs) -> ExitCode {
    let schema = if args.report {
        serde_json::to_value(schemars::schema_for!(kms_alias_conformance::report::Report))
    } else {
        serde_json::to_value(kms_alias_conformance::case::schema::json_schema())
    };
    match schema.and_then(|s| serde_json::to_string_pretty(&s)) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
