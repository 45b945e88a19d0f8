//! Load errors: a position, a kind and a rustc-style rendering with the
//! offending source line and carets under it.

use std::fmt;

use super::model::Span;

/// A case file that could not be loaded, with where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// The file, as a path relative to the corpus root.
    pub file: String,
    /// Where in the file, when known.
    pub span: Option<Span>,
    /// How many characters to underline from `span` (at least 1).
    pub width: usize,
    /// The source line `span` points into, kept to render the error.
    pub line_text: Option<String>,
    /// The field path, e.g. `cases[3].steps[0].expect.status` (empty at the top level).
    pub field: String,
    /// What is wrong (boxed to keep `Result<_, LoadError>` small).
    pub kind: Box<LoadErrorKind>,
}

impl LoadError {
    /// An error at `span` of `text` (a span of line 0, or of a line past the
    /// text's last, points past the end of the last line).
    pub fn at(
        file: &str,
        text: &str,
        span: Span,
        width: usize,
        field: &str,
        kind: LoadErrorKind,
    ) -> LoadError {
        // Lines as YAML counts them (a lone `\r` breaks a line too). The
        // parser puts an error at the end of input on the line after the
        // last one, which a text without a final line break does not have.
        let lines: Vec<&str> = yaml_lines(text).collect();
        let last_line = lines.len() + usize::from(text.ends_with(['\n', '\r']));
        let span = if span.line == 0 || span.line > last_line.max(1) {
            let last = lines.last().copied().unwrap_or("");
            let lines = lines.len().max(1);
            Span {
                line: lines,
                column: last.chars().count() + 1,
            }
        } else {
            span
        };
        LoadError {
            file: file.to_string(),
            span: Some(span),
            width: width.max(1),
            line_text: Some(lines.get(span.line - 1).copied().unwrap_or("").to_string()),
            field: field.to_string(),
            kind: Box::new(kind),
        }
    }

    /// An error about a whole file (it cannot be read, say).
    pub fn without_position(file: &str, kind: LoadErrorKind) -> LoadError {
        LoadError {
            file: file.to_string(),
            span: None,
            width: 1,
            line_text: None,
            field: String::new(),
            kind: Box::new(kind),
        }
    }
}

/// The lines of `text` as the YAML parser counts them: a line ends at
/// `\r\n`, `\n` or a lone `\r` (YAML 1.2 b-break), where `str::lines`
/// would not split at a lone `\r`. A final break opens no line.
fn yaml_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match t.find(['\r', '\n']) {
            Some(i) => {
                let skip = if t[i..].starts_with("\r\n") { 2 } else { 1 };
                let next = &t[i + skip..];
                rest = (!next.is_empty()).then_some(next);
                Some(&t[..i])
            }
            None => {
                rest = None;
                (!t.is_empty()).then_some(t)
            }
        }
    })
}

/// What is wrong with a case file.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadErrorKind {
    /// The file could not be read.
    Io(String),
    /// Not well-formed YAML (or JSON).
    Syntax(String),
    /// A mapping has the same key twice.
    DuplicateKey {
        /// The key.
        key: String,
        /// The line of its first occurrence.
        first_line: usize,
    },
    /// A key the format does not know.
    UnknownKey {
        /// The key.
        key: String,
        /// "did you mean ..." or the list of valid keys.
        hint: String,
    },
    /// A required field is missing.
    MissingField {
        /// The field name.
        name: String,
    },
    /// A value of the wrong type.
    WrongType {
        /// What the field takes.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A name outside a closed set (operation, evidence, KeySpec, error code, matcher...).
    UnknownName {
        /// What kind of name, e.g. `operation`.
        what: String,
        /// The name as written.
        name: String,
        /// "did you mean ..." or the list of valid names.
        hint: String,
    },
    /// A value of the right type that breaks a rule of the format.
    Invalid(String),
    /// A regex that does not compile.
    InvalidRegex(String),
    /// Two cases of one file share a slug.
    DuplicateCase {
        /// The shared slug.
        slug: String,
        /// The line of the first case.
        first_line: usize,
    },
    /// A template that does not parse or names something undefined.
    Template(String),
}

impl LoadErrorKind {
    /// A short headline for the error.
    pub fn description(&self) -> String {
        match self {
            LoadErrorKind::Io(_) => "cannot read case file".into(),
            LoadErrorKind::Syntax(_) => "YAML syntax error".into(),
            LoadErrorKind::DuplicateKey { .. } => "duplicate key".into(),
            LoadErrorKind::UnknownKey { .. } => "unknown field".into(),
            LoadErrorKind::MissingField { .. } => "missing field".into(),
            LoadErrorKind::WrongType { .. } => "wrong type".into(),
            LoadErrorKind::UnknownName { what, .. } => format!("unknown {what}"),
            LoadErrorKind::Invalid(_) => "invalid value".into(),
            LoadErrorKind::InvalidRegex(_) => "invalid regex".into(),
            LoadErrorKind::DuplicateCase { .. } => "duplicate case id".into(),
            LoadErrorKind::Template(_) => "invalid template".into(),
        }
    }

    /// The detail printed under the carets.
    pub fn fixme(&self) -> String {
        match self {
            LoadErrorKind::Io(msg) | LoadErrorKind::Syntax(msg) => msg.clone(),
            LoadErrorKind::DuplicateKey { key, first_line } => {
                format!("key `{key}` already appears on line {first_line}")
            }
            LoadErrorKind::UnknownKey { key, hint } => format!("unknown field `{key}`, {hint}"),
            LoadErrorKind::MissingField { name } => format!("missing required field `{name}`"),
            LoadErrorKind::WrongType { expected, found } => {
                format!("expected {expected}, found {found}")
            }
            LoadErrorKind::UnknownName { what, name, hint } => {
                format!("unknown {what} `{name}`, {hint}")
            }
            LoadErrorKind::Invalid(msg) | LoadErrorKind::Template(msg) => msg.clone(),
            LoadErrorKind::InvalidRegex(msg) => msg.clone(),
            LoadErrorKind::DuplicateCase { slug, first_line } => {
                format!("case id `{slug}` is also the id of the case on line {first_line}")
            }
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.kind.description())?;
        let field = if self.field.is_empty() {
            "(top level)"
        } else {
            &self.field
        };
        match (self.span, &self.line_text) {
            (Some(span), Some(text)) => {
                let num = span.line.to_string();
                let pad = " ".repeat(num.len());
                writeln!(f, "{pad}--> {}:{}:{}", self.file, span.line, span.column)?;
                writeln!(f, "{pad} |")?;
                writeln!(f, "{num} | {}", text.trim_end())?;
                // Keep tabs as tabs so the carets line up with the source line.
                let lead: String = text
                    .chars()
                    .take(span.column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let carets = "^".repeat(self.width.max(1));
                writeln!(f, "{pad} | {lead}{carets} {}", self.kind.fixme())?;
                write!(f, "{pad} = field: {field}")
            }
            (Some(span), None) => {
                writeln!(f, "  --> {}:{}:{}", self.file, span.line, span.column)?;
                writeln!(f, "   = {}", self.kind.fixme())?;
                write!(f, "   = field: {field}")
            }
            (None, _) => {
                writeln!(f, "  --> {}", self.file)?;
                writeln!(f, "   = {}", self.kind.fixme())?;
                write!(f, "   = field: {field}")
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// "did you mean `X`?" when a candidate is within edit distance 2, else the
/// list of valid values.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let best = candidates
        .iter()
        .map(|c| (strsim::levenshtein(name, c), *c))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, c)) if d <= 2 => format!("did you mean `{c}`?"),
        _ => {
            let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            format!("expected one of {}", list.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_past_the_last_line_is_put_at_its_end() {
        let e = |text: &str, line| {
            let span = Span { line, column: 1 };
            LoadError::at(
                "f.yaml",
                text,
                span,
                1,
                "",
                LoadErrorKind::Invalid("x".into()),
            )
        };
        let past = e("{a", 2);
        assert_eq!(past.span, Some(Span { line: 1, column: 3 }));
        assert_eq!(past.line_text.as_deref(), Some("{a"));
        // after a final newline the empty last line exists
        assert_eq!(e("a: b\n", 2).span, Some(Span { line: 2, column: 1 }));
        assert_eq!(e("a\nb", 2).span, Some(Span { line: 2, column: 1 }));
    }

    #[test]
    fn suggests_near_names_and_lists_far_ones() {
        assert_eq!(
            did_you_mean("stauts", ["status", "error"]),
            "did you mean `status`?"
        );
        assert_eq!(
            did_you_mean("zzzzzz", ["status", "error"]),
            "expected one of `status`, `error`"
        );
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_in_yaml() {
        // Found by the case_file fuzz target: the parser counts `\r` as a
        // break, so the span's line must be looked up the same way.
        let text = "a: 1\rb: 2\r\nc: [\n";
        assert_eq!(
            yaml_lines(text).collect::<Vec<_>>(),
            ["a: 1", "b: 2", "c: ["]
        );
        let span = Span { line: 3, column: 4 };
        let err = LoadError::at(
            "x.yaml",
            text,
            span,
            1,
            "",
            LoadErrorKind::Invalid("x".into()),
        );
        assert_eq!(err.line_text.as_deref(), Some("c: ["));
        let end = LoadError::at(
            "x.yaml",
            text,
            Span { line: 0, column: 0 },
            1,
            "",
            LoadErrorKind::Invalid("x".into()),
        );
        assert_eq!(end.span, Some(Span { line: 3, column: 5 }));
        assert_eq!(yaml_lines("").count(), 0);
    }

    #[test]
    fn renders_like_rustc() {
        let err = LoadError {
            file: "cases/x.yaml".into(),
            span: Some(Span {
                line: 14,
                column: 7,
            }),
            width: 6,
            line_text: Some("      stauts: 200".into()),
            field: "cases[0].steps[0].expect".into(),
            kind: Box::new(LoadErrorKind::UnknownKey {
                key: "stauts".into(),
                hint: "did you mean `status`?".into(),
            }),
        };
        let want = "error: unknown field
  --> cases/x.yaml:14:7
   |
14 |       stauts: 200
   |       ^^^^^^ unknown field `stauts`, did you mean `status`?
   = field: cases[0].steps[0].expect";
        assert_eq!(err.to_string(), want);
    }
}
