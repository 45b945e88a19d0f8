//! The corpus under `cases/` against the embedded reference, as trials:
//! `cargo test --test conformance -- FILTER` works like the `run` command.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    kms_alias_conformance::runner::run(&args, kms_alias_conformance::runner::Defaults::CargoTest)
}
