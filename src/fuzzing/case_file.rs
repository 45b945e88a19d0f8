//! `case_file`: the case loader on any text either loads or gives a
//! `LoadError` whose rendering names the file, the line and column of its
//! span (when it has one) and a field path; it never panics.

use crate::case::load_str;

/// Inputs longer than this are cut: case files are small, and the YAML
/// parser's cost grows with the text.
pub const MAX_INPUT: usize = 16 * 1024;

/// The file name errors are rendered with.
pub const FILE: &str = "fuzz/case.yaml";

/// The property: see the module doc.
pub fn case_file(data: &[u8]) {
    let text = String::from_utf8_lossy(super::capped(data, MAX_INPUT));
    check_text(&text);
}

/// The property for one text.
pub fn check_text(text: &str) {
    let err = match load_str(FILE, text) {
        Ok(file) => {
            assert_eq!(file.path, FILE);
            return;
        }
        Err(e) => e,
    };
    let rendered = err.to_string();
    assert!(rendered.starts_with("error: "), "no headline:\n{rendered}");
    assert!(!err.kind.description().is_empty(), "{err:?}");
    assert!(!err.kind.fixme().is_empty(), "no detail: {err:?}");
    // YAML's line breaks: `\r\n`, `\n`, or a lone `\r`.
    let mut lines = 1;
    let mut prev_cr = false;
    for c in text.chars() {
        if c == '\r' || (c == '\n' && !prev_cr) {
            lines += 1;
        }
        prev_cr = c == '\r';
    }
    match err.span {
        Some(span) => {
            assert!(span.line >= 1 && span.column >= 1, "{err:?}");
            // One past the last line is where an unexpected end points.
            assert!(
                span.line <= lines + 1,
                "line {} of {lines}: {err:?}",
                span.line
            );
            // The line shown is the span's line, YAML's breaks counted.
            let shown: String = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .split('\n')
                .nth(span.line - 1)
                .unwrap_or("")
                .to_owned();
            assert_eq!(err.line_text.as_deref(), Some(shown.as_str()), "{err:?}");
            let at = format!("--> {FILE}:{}:{}", span.line, span.column);
            assert!(rendered.contains(&at), "no `{at}` in:\n{rendered}");
        }
        None => assert!(rendered.contains(&format!("--> {FILE}")), "{rendered}"),
    }
    let field = if err.field.is_empty() {
        "(top level)"
    } else {
        err.field.as_str()
    };
    assert!(
        rendered.ends_with(&format!("= field: {field}")),
        "no field path in:\n{rendered}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_texts() {
        check_text("");
        check_text("operation: CreateAlias\n");
        check_text("cases: [\n");
        check_text("operation: CreateAlias\nclause: c\nsource: s\ncases:\n  - name: n\n    steps:\n      - request: {}\n        expect: {stauts: 200}\n");
    }
}
