//! Loading case files: YAML (or JSON) text to the model of `model.rs`, with
//! every error pointing at a line, a column and a field path.
//!
//! One module per construct, as the format nests them: `file` (the top
//! level), `fixtures`, `case`, `step`, `expect`, `grade`, `eventually`,
//! `matcher` and `templates`; `cx` holds the context they share and its typed readers.

use std::path::Path;

use super::error::{LoadError, LoadErrorKind};
use super::model::CaseFile;
use super::yaml;
use cx::Cx;

pub use matcher::MATCHER_KEYWORDS;

// The keys (and role names) each construct accepts, for the schema tests that keep the
// loader and `format.rs` in step.
#[cfg(test)]
pub(crate) use {
    case::CASE_KEYS, eventually::EVENTUALLY_KEYS, expect::EXPECT_KEYS, file::FILE_KEYS,
    fixtures::FIXTURES_KEYS, fixtures::KEY_FIXTURE_KEYS, fixtures::OTC_KEY_FIXTURE_KEYS,
    step::ROLES, step::STEP_KEYS,
};

mod case;
mod cx;
mod eventually;
mod expect;
mod file;
mod fixtures;
mod grade;
mod matcher;
mod step;
mod templates;

/// Loads one case file from its text; `path` is the path relative to the
/// corpus root, used in the model and in messages.
pub fn load_str(path: &str, text: &str) -> Result<CaseFile, LoadError> {
    let cx = Cx {
        file: path,
        text,
        dialect: crate::spec::Dialect::Aws,
    };
    let root = yaml::parse(text).map_err(|e| cx.err(e.span, e.width, &e.path, e.kind))?;
    let cx = Cx {
        dialect: cx.dialect(&root)?,
        ..cx
    };
    cx.file(&root)
}

/// Loads every file of a corpus given as (relative path, text) pairs, sorted
/// by path; on failure, every error of every file.
pub fn load_files(
    files: impl IntoIterator<Item = (String, String)>,
) -> Result<Vec<CaseFile>, Vec<LoadError>> {
    let mut files: Vec<(String, String)> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in &files {
        match load_str(path, text) {
            Ok(f) => loaded.push(f),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(errors)
    }
}

/// Loads every `.yaml`, `.yml` and `.json` file under `root`, recursively,
/// sorted by path; on failure, every error of every file.
pub fn load_dir(root: &Path) -> Result<Vec<CaseFile>, Vec<LoadError>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    collect(root, root, &mut files, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    load_files(files)
}

fn collect(
    root: &Path,
    dir: &Path,
    files: &mut Vec<(String, String)>,
    errors: &mut Vec<LoadError>,
) {
    let io_err = |path: &Path, e: std::io::Error| LoadError {
        file: path.display().to_string(),
        span: None,
        width: 1,
        line_text: None,
        field: String::new(),
        kind: Box::new(LoadErrorKind::Io(e.to_string())),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return errors.push(io_err(dir, e)),
    };
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => return errors.push(io_err(dir, e)),
        };
        if path.is_dir() {
            collect(root, &path, files, errors);
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "yaml" | "yml" | "json") {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((rel.join("/"), text)),
            Err(e) => errors.push(io_err(&path, e)),
        }
    }
}

/// A case name as an id: lowercase, runs of other characters as `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "operation: CreateAlias\nclause: c\nsource: s\nevidence: recorded\n";

    /// Loads a file of the given cases under a fixed head.
    pub(super) fn load(cases: &str) -> Result<CaseFile, LoadError> {
        load_str("t.yaml", &format!("{HEAD}{cases}"))
    }

    /// The detail of the error loading the given cases.
    pub(super) fn fixme(cases: &str) -> String {
        load(cases).unwrap_err().kind.fixme()
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("  Accepts a name -- of 256!  "),
            "accepts-a-name-of-256"
        );
        assert_eq!(slug("ÄB c"), "äb-c");
        assert_eq!(slug("!!"), "");
    }

    #[test]
    fn load_dir_reports_a_missing_root() {
        let errs = load_dir(Path::new("/nonexistent/cases")).unwrap_err();
        assert!(matches!(*errs[0].kind, LoadErrorKind::Io(_)));
        assert!(errs[0].to_string().contains("/nonexistent/cases"));
    }
}
