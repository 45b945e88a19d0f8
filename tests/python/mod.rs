//! The Python that `.ci/run` installs the pinned boto3 and botocore into,
//! shared by the test binaries that need it.

use std::path::{Path, PathBuf};

/// The interpreter: `$KAC_PYTHON`, else `.venv/bin/python`, else `python3`.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("KAC_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}
