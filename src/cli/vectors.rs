//! `vectors`: labelled inputs with the spec's answers, as JSON Lines.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Args;

use kms_alias_conformance::vectors::{generate, to_json_lines, VectorKind};

/// Arguments of `vectors`.
#[derive(Debug, Args)]
pub struct VectorsArgs {
    /// Which vectors: alias-name, key-id, target-key-id, update-alias, otc-key-alias or otc-key-id (default: all).
    #[arg(long)]
    kind: Option<String>,
    /// How many of each kind.
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// The seed: the same seed gives the same vectors.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Writes the vectors to stdout.
pub fn run(args: VectorsArgs) -> ExitCode {
    let kinds: Vec<VectorKind> = match args.kind.as_deref() {
        None => VectorKind::ALL.to_vec(),
        Some(name) => match VectorKind::from_name(name) {
            Some(k) => vec![k],
            None => {
                let names: Vec<&str> = VectorKind::ALL.iter().map(|k| k.name()).collect();
                eprintln!(
                    "error: unknown --kind `{name}`; one of {}",
                    names.join(", ")
                );
                return ExitCode::from(2);
            }
        },
    };
    let mut out = std::io::stdout().lock();
    for kind in kinds {
        let text = to_json_lines(&generate(kind, args.count, args.seed));
        if out.write_all(text.as_bytes()).is_err() {
            // A closed pipe (`| head`) is not an error of ours.
            return ExitCode::SUCCESS;
        }
    }
    ExitCode::SUCCESS
}
