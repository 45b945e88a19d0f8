//! Where the cases come from: the corpus compiled into the binary, or a
//! directory given with `--cases`.

use std::path::Path;

use include_dir::{include_dir, Dir};

use crate::case::error::LoadError;
use crate::case::load::{load_dir, load_files};
use crate::case::CaseFile;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/cases");

/// The built-in corpus (the repository's `cases/` at build time).
pub fn built_in() -> Result<Vec<CaseFile>, Vec<LoadError>> {
    let mut files = Vec::new();
    collect(&BUILT_IN, &mut files);
    load_files(files)
}

fn collect(dir: &Dir<'static>, out: &mut Vec<(String, String)>) {
    for f in dir.files() {
        let path = f.path().to_string_lossy().replace('\\', "/");
        let is_case = path.ends_with(".yaml") || path.ends_with(".yml") || path.ends_with(".json");
        if is_case {
            out.push((path, String::from_utf8_lossy(f.contents()).into_owned()));
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The corpus under `root`.
pub fn from_dir(root: &Path) -> Result<Vec<CaseFile>, Vec<LoadError>> {
    load_dir(root)
}
