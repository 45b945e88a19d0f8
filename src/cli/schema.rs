//! `schema`: the JSON Schema of case files, for editors.

use std::process::ExitCode;

/// Prints the schema.
pub fn run() -> ExitCode {
    let schema = kms_alias_conformance::case::schema::json_schema();
    match serde_json::to_string_pretty(&schema) {
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
