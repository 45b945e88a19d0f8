//! Golden tests of load-error output: each `tests/bad-cases/NAME.yaml` must
//! fail to load with exactly the text of `NAME.err`. `BLESS=1` rewrites the
//! `.err` files from the current output.

use std::path::{Path, PathBuf};

use kms_alias_conformance::case::load_str;
use libtest_mimic::{Arguments, Failed, Trial};

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad-cases exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", dir.display());
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let trials = files
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            Trial::test(name, move || run(&path, bless))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

fn run(path: &Path, bless: bool) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let rel = format!("bad-cases/{}", path.file_name().unwrap().to_string_lossy());
    let actual = match load_str(&rel, &text) {
        Ok(_) => return Err(format!("{rel} loaded, but it should fail").into()),
        Err(e) => format!("{e}\n"),
    };
    let err_path = path.with_extension("err");
    if bless {
        std::fs::write(&err_path, &actual).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&err_path).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string();
    Err(format!(
        "the error output of {rel} changed:\n{diff}\nto accept it: BLESS=1 cargo test --test case_errors"
    )
    .into())
}
