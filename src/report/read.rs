//! Loading report files: JSON of this [`REPORT_FORMAT`], or an error that
//! names the file (and the line and column where the JSON goes wrong).

use std::fmt;
use std::path::{Path, PathBuf};

use super::model::{Report, REPORT_FORMAT};

/// Why a report file could not be used.
#[derive(Debug)]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub kind: ReadErrorKind,
}

/// What went wrong with a report file.
#[derive(Debug)]
pub enum ReadErrorKind {
    /// It could not be read.
    Io(std::io::Error),
    /// It is not JSON.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's message, without the position.
        message: String,
    },
    /// It is JSON but has no numeric `format` field.
    NotAReport,
    /// It is a report of another format version.
    Format(u64),
    /// It has this format but a field does not fit the model.
    Shape {
        /// The field, e.g. `cases[3].verdict`.
        field: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's message, without the position.
        message: String,
    },
}

impl ReadError {
    /// The `--> file:line:column` line, where there is a position.
    pub fn location(&self) -> String {
        let path = self.path.display();
        match &self.kind {
            ReadErrorKind::Syntax { line, column, .. }
            | ReadErrorKind::Shape { line, column, .. } => format!("{path}:{line}:{column}"),
            _ => path.to_string(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            ReadErrorKind::Io(e) => write!(f, "cannot read report {path}: {e}"),
            ReadErrorKind::Syntax { message, .. } => {
                write!(f, "report {path} is not valid JSON: {message}")
            }
            ReadErrorKind::NotAReport => write!(
                f,
                "{path} is not a kms-alias-conformance report: it has no numeric `format` field"
            ),
            ReadErrorKind::Format(found) => write!(
                f,
                "report {path} has format {found}, but this tool reads format {REPORT_FORMAT} \
                 (re-run with the matching version of kms-alias-conformance)"
            ),
            ReadErrorKind::Shape { field, message, .. } => {
                write!(
                    f,
                    "report {path} does not fit format {REPORT_FORMAT}: at `{field}`: {message}"
                )
            }
        }?;
        if matches!(
            self.kind,
            ReadErrorKind::Syntax { .. } | ReadErrorKind::Shape { .. }
        ) {
            write!(f, "\n  --> {}", self.location())?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}

/// The message of a serde_json error, without its ` at line L column C`.
fn message_of(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}

/// Parses the text of a report file.
pub fn parse(path: &Path, text: &str) -> Result<Report, ReadError> {
    let err = |kind| ReadError {
        path: path.to_path_buf(),
        kind,
    };
    // First the syntax and the version alone, so a report of another format
    // says so rather than failing on the first field that changed.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        err(ReadErrorKind::Syntax {
            line: e.line(),
            column: e.column(),
            message: message_of(&e),
        })
    })?;
    match value.get("format").and_then(serde_json::Value::as_u64) {
        None => return Err(err(ReadErrorKind::NotAReport)),
        Some(n) if n != u64::from(REPORT_FORMAT) => return Err(err(ReadErrorKind::Format(n))),
        Some(_) => {}
    }
    drop(value);
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        err(ReadErrorKind::Shape {
            field,
            line: inner.line(),
            column: inner.column(),
            message: message_of(&inner),
        })
    })
}

/// Reads and parses a report file.
pub fn read(path: &Path) -> Result<Report, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReadError {
        path: path.to_path_buf(),
        kind: ReadErrorKind::Io(e),
    })?;
    parse(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn parse_err(text: &str) -> String {
        parse(Path::new("runs/a.json"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_report_round_trips() {
        let r = sample::every_verdict("ref", "embedded reference");
        let text = serde_json::to_string_pretty(&r).unwrap();
        assert_eq!(parse(Path::new("a.json"), &text).unwrap(), r);
    }

    #[test]
    fn bad_json_names_the_file_line_and_column() {
        let e = parse_err("{\n  \"format\": 1,\n  oops\n}");
        assert!(
            e.starts_with("report runs/a.json is not valid JSON: key must be a string"),
            "{e}"
        );
        assert!(e.ends_with("\n  --> runs/a.json:3:3"), "{e}");
        let e = parse_err("{\"format\": 1,");
        assert!(e.contains("EOF") && e.contains("runs/a.json:1:"), "{e}");
    }

    #[test]
    fn another_format_or_no_format_is_named() {
        assert!(
            parse_err(r#"{"format": 2}"#).contains("has format 2, but this tool reads format 1")
        );
        assert!(parse_err(r#"{"cases": []}"#).contains("no numeric `format` field"));
        assert!(parse_err(r#"[1, 2]"#).contains("not a kms-alias-conformance report"));
        assert!(parse_err(r#"{"format": "1"}"#).contains("no numeric `format` field"));
    }

    #[test]
    fn a_field_that_does_not_fit_is_named_with_its_path() {
        let mut v = serde_json::to_value(sample::every_verdict("ref", "x")).unwrap();
        v["cases"][2]["verdict"] = serde_json::json!("maybe");
        let e = parse_err(&serde_json::to_string_pretty(&v).unwrap());
        assert!(
            e.contains("at `cases[2].verdict`: unknown variant `maybe`"),
            "{e}"
        );
        assert!(e.contains("--> runs/a.json:"), "{e}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = read(Path::new("/nonexistent/r.json"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("cannot read report /nonexistent/r.json: "),
            "{e}"
        );
    }
}
