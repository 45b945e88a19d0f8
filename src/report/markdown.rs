//! The Markdown view, for a pull-request comment: per target a one-line
//! summary and its findings table, then the clauses that do not pass on
//! some target × targets. Kept small (GitHub truncates comments at 64 KiB):
//! cells are clipped, findings capped, passing clauses only counted.

use std::fmt::Write;

use super::matrix::{self, Matrix, WORST_FIRST};
use super::model::{Report, Verdict};

/// Characters a table cell keeps before it is clipped with `…`.
const CELL_LIMIT: usize = 60;
/// The size the Markdown stays under, in bytes (GitHub allows 65,536
/// characters in a comment).
pub const BUDGET: usize = 60 * 1024;
/// (findings rows per target, matrix rows) to try, largest first, until the
/// text fits in [`BUDGET`]; the rows left out are counted.
const LIMITS: &[(usize, usize)] = &[(25, 300), (12, 150), (6, 80), (3, 40), (1, 10)];

/// The short mark of a verdict.
pub fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✅",
        Verdict::Drift => "⚠️",
        Verdict::Fail => "❌",
        Verdict::Blocked => "⛔",
        Verdict::Error => "💥",
        Verdict::Xfail => "🟡",
        Verdict::Xpass => "🔷",
    }
}

/// Text made safe for a GitHub table cell: one line, `|` and Markdown or
/// HTML punctuation backslash-escaped, clipped to `limit` characters.
pub fn cell(text: &str, limit: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let one_line = one_line.trim();
    let clipped: String = if one_line.chars().count() > limit {
        let mut s: String = one_line.chars().take(limit.saturating_sub(1)).collect();
        s.push('…');
        s
    } else {
        one_line.to_string()
    };
    let mut out = String::with_capacity(clipped.len() + 8);
    for c in clipped.chars() {
        if matches!(
            c,
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    if out.is_empty() {
        out.push(' ');
    }
    out
}

/// The Markdown for one or more reports, within [`BUDGET`] where the
/// smallest limits allow.
pub fn render(reports: &[Report]) -> String {
    let labels = matrix::labels(reports);
    let matrix = Matrix::build(reports);
    let mut out = String::new();
    for (findings, rows) in LIMITS {
        out = render_with(reports, &labels, &matrix, *findings, *rows);
        if out.len() < BUDGET {
            break;
        }
    }
    out
}

fn render_with(
    reports: &[Report],
    labels: &[String],
    matrix: &Matrix,
    findings: usize,
    rows: usize,
) -> String {
    let mut out = String::new();
    out.push_str("## KMS alias conformance\n\n");
    for (col, r) in reports.iter().enumerate() {
        target(&mut out, r, &labels[col], findings);
    }
    matrix_table(&mut out, matrix, labels, rows);
    legend(&mut out);
    out
}

fn summary_line(r: &Report) -> String {
    let mut parts = Vec::new();
    for v in WORST_FIRST {
        let n = matrix::summary_count(r, v);
        if n > 0 {
            parts.push(format!("{} {n} {}", mark(v), v.name()));
        }
    }
    if r.summary.changed > 0 {
        parts.push(format!("({} changed from the baseline)", r.summary.changed));
    }
    parts.join(", ")
}

fn target(out: &mut String, r: &Report, label: &str, limit: usize) {
    let _ = writeln!(
        out,
        "### {}\n\n**{}** cases: {} · {} · {} · {}{}\n",
        cell(label, 120),
        r.summary.total,
        summary_line(r),
        cell(&r.target.endpoint, 120),
        cell(&r.target.region, 40),
        super::html::duration(r.duration_ms),
        match &r.baseline {
            Some(b) => format!(" · baseline {}", cell(b, 80)),
            None => String::new(),
        }
    );
    if r.findings.is_empty() {
        out.push_str("No findings.\n\n");
        return;
    }
    out.push_str(
        "| severity | kind | operation | check | expected | actual | count | first trials |\n",
    );
    out.push_str("|---|---|---|---|---|---|--:|---|\n");
    for f in r.findings.iter().take(limit) {
        let mut trials: Vec<String> = f
            .trials
            .iter()
            .take(3)
            .map(|t| cell(t, CELL_LIMIT))
            .collect();
        if f.trials.len() > 3 {
            trials.push(format!("+{} more", f.trials.len() - 3));
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            f.severity.name(),
            f.kind.name(),
            cell(&f.operation, 30),
            cell(&f.check, 30),
            cell(&f.expected, CELL_LIMIT),
            cell(&f.actual, CELL_LIMIT),
            f.count,
            trials.join("<br>")
        );
    }
    if r.findings.len() > limit {
        let rest = &r.findings[limit..];
        let cases: usize = rest.iter().map(|f| f.count).sum();
        let _ = writeln!(
            out,
            "\n… and {} more findings ({cases} cases): see the HTML report.",
            rest.len()
        );
    }
    out.push('\n');
}

fn matrix_table(out: &mut String, matrix: &Matrix, labels: &[String], limit: usize) {
    let rows: Vec<_> = matrix.rows().filter(|r| !r.passes_everywhere()).collect();
    let passing = matrix.rows().count() - rows.len();
    out.push_str("### Clauses that do not pass everywhere\n\n");
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "All {passing} clauses pass on every target that covers them.\n"
        );
        return;
    }
    out.push_str("| clause |");
    for l in labels {
        let _ = write!(out, " {} |", cell(l, 40));
    }
    out.push_str("\n|---|");
    for _ in labels {
        out.push_str(":-:|");
    }
    out.push('\n');
    for row in rows.iter().take(limit) {
        let _ = write!(out, "| {} |", cell(&row.clause, 80));
        for c in &row.cells {
            match c {
                None => out.push_str(" — |"),
                Some(c) if c.worst == Verdict::Pass => {
                    let _ = write!(out, " {} {} |", mark(c.worst), c.total);
                }
                Some(c) => {
                    let n = c.worst_cases.len();
                    let _ = write!(out, " {} {n}/{} |", mark(c.worst), c.total);
                }
            }
        }
        out.push('\n');
    }
    if rows.len() > limit {
        let _ = writeln!(out, "\n… and {} more clauses.", rows.len() - limit);
    }
    let _ = writeln!(
        out,
        "\n{passing} more clause{} pass on every target that covers them.\n",
        if passing == 1 { "" } else { "s" }
    );
}

fn legend(out: &mut String) {
    out.push_str("A cell is the worst verdict of the target's cases for the clause: the number of cases when all pass, else the cases with the worst verdict / all; — where none covers it. ");
    let parts: Vec<String> = WORST_FIRST
        .iter()
        .map(|v| format!("{} {}", mark(*v), v.name()))
        .collect();
    out.push_str(&parts.join(" · "));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{CaseRecord, Finding, Kind};
    use crate::report::sample;

    #[test]
    fn cells_escape_pipes_and_markup_and_stay_on_one_line() {
        assert_eq!(cell("a|b", 60), "a\\|b");
        assert_eq!(cell("<script>x</script>", 60), "\\<script\\>x\\</script\\>");
        assert_eq!(cell("line\nnext\r\tend", 60), "line next  end");
        assert_eq!(cell("", 60), " ");
        assert_eq!(
            cell("back\\slash *b* `c`", 60),
            "back\\\\slash \\*b\\* \\`c\\`"
        );
    }

    #[test]
    fn long_cells_are_clipped_with_an_ellipsis() {
        let c = cell(&"x".repeat(100), 10);
        assert_eq!(c, format!("{}…", "x".repeat(9)));
        // Clipping happens before escaping, so an escape is never cut in two.
        assert_eq!(cell(&"|".repeat(20), 4), "\\|\\|\\|…");
    }

    #[test]
    fn a_findings_table_row_has_exactly_its_columns() {
        let mut r = sample::every_verdict("moto", "http://m");
        r.findings[0].actual = "a | b | c".into();
        r.findings[0].expected = "x\ny".into();
        let md = render(&[r.clone()]);
        let row = md
            .lines()
            .find(|l| l.contains("a \\| b \\| c"))
            .expect("the row");
        let unescaped = row.replace("\\|", "");
        assert_eq!(unescaped.matches('|').count(), 9, "{row}");
        assert!(row.contains("| x y |"));
        assert!(md.contains(&format!("**{}** cases:", r.summary.total)));
    }

    #[test]
    fn only_clauses_that_do_not_pass_somewhere_are_listed() {
        let reports = sample::demo_pair();
        let md = render(&reports);
        assert!(
            md.contains("| DeleteAlias.NotFound | ✅ 2 | ❌ 2/2 |"),
            "{md}"
        );
        assert!(md.contains("| UpdateAlias.TargetKeyId.family-rule | ✅ 5 | ⛔ 2/5 |"));
        assert!(md.contains("| protocol.body.malformed | ✅ 2 | 💥 1/2 |"));
        assert!(md.contains("| ListAliases.Marker.invalid | ✅ 2 | 🔷 1/2 |"));
        assert!(!md.contains("| CreateAlias.response |"));
        let listed = md
            .lines()
            .filter(|l| l.starts_with("| ") && l.contains(" ✅ "))
            .count();
        let total = matrix::Matrix::build(&reports).rows().count();
        assert!(md.contains(&format!(
            "{} more clauses pass on every target that covers them.",
            total - listed
        )));
        for v in WORST_FIRST {
            assert!(
                md.contains(&format!("{} {}", mark(v), v.name())),
                "legend {v:?}"
            );
        }
    }

    #[test]
    fn a_big_run_stays_under_60_kb() {
        let mut reports = Vec::new();
        for t in 0..4 {
            let mut r = sample::report(&format!("target-{t}"), "http://127.0.0.1:4566");
            for i in 0..600 {
                let clause = format!("Operation{}.clause-with-a-long-name-{i}", i % 12);
                let v = if (i + t) % 3 == 0 {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                };
                let trial = format!(
                    "Operation{}/a-long-file-name-{i}::a-long-case-name-{i}",
                    i % 12
                );
                let mut c: CaseRecord = sample::case(&trial, &[&clause], v, Some(Kind::WrongCode));
                if let Some(s) = &mut c.signature {
                    s.push_str(&format!(" #{i}"));
                }
                r.cases.push(c);
            }
            let mut r = sample::finish(r);
            for f in &mut r.findings {
                f.expected = "e".repeat(300);
                f.actual = "a|".repeat(300);
            }
            r.findings.push(Finding {
                count: 1,
                ..r.findings[0].clone()
            });
            reports.push(r);
        }
        let md = render(&reports);
        assert!(md.len() < BUDGET, "{} bytes", md.len());
        assert!(md.contains("more findings"));
    }

    #[test]
    fn an_all_passing_run_says_so() {
        let mut r = sample::report("ref", "embedded reference");
        r.cases = vec![sample::case(
            "a::b",
            &["CreateAlias.x"],
            Verdict::Pass,
            None,
        )];
        let md = render(&[sample::finish(r)]);
        assert!(md.contains("No findings."));
        assert!(md.contains("All 1 clauses pass on every target that covers them."));
    }
}
