//! The HTML view: one self-contained page (inline CSS and a few lines of
//! inline JS, nothing fetched) with the clause × target matrix, each
//! target's summary and findings, and every case that did not pass one
//! click away. Every string from a report is escaped: bodies and messages
//! come from endpoints that may be hostile.

use std::collections::HashMap;
use std::fmt::{self, Write};

use super::matrix::{self, Cell, Matrix, WORST_FIRST};
use super::model::{
    BodyRecord, CaseRecord, CheckOutcome, Report, RequestRecord, ResponseRecord, StepRecord,
    Verdict,
};

/// Characters of a body shown before it is clipped.
const BODY_LIMIT: usize = 64 * 1024;

/// Text escaped for HTML text and attribute values.
struct E<'a>(&'a str);

impl fmt::Display for E<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    E(text).to_string()
}

/// The mark a matrix cell shows beside its count.
pub fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✓",
        Verdict::Drift => "≈",
        Verdict::Fail => "✗",
        Verdict::Blocked => "⊘",
        Verdict::Error => "!",
        Verdict::Xfail => "x",
        Verdict::Xpass => "+",
    }
}

const STYLE: &str = r#"
:root{--pass:#d8f0d8;--drift:#e4f1c4;--fail:#f7c6c6;--blocked:#e2e2e2;--error:#f2c4e6;--xfail:#fdf0bf;--xpass:#cde0fb;--line:#d5d9e0;--dim:#667}
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2330;background:#fbfbfd;margin:0;padding:16px 24px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}h4{font-size:13px;margin:12px 0 4px}
.dim,.op{color:var(--dim)}a{color:#1a4fb5}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid var(--line);padding:2px 6px;text-align:left;vertical-align:top}
thead th{background:#eef1f6;position:sticky;top:0;z-index:1}
.v-pass{background:var(--pass)}.v-drift{background:var(--drift)}.v-fail{background:var(--fail)}.v-blocked{background:var(--blocked)}
.v-error{background:var(--error)}.v-xfail{background:var(--xfail)}.v-xpass{background:var(--xpass)}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:8px 0;padding:0;list-style:none;font-size:12px}
.legend li{display:flex;gap:5px;align-items:center}
.sw{display:inline-block;min-width:22px;text-align:center;border:1px solid var(--line);border-radius:3px;font-weight:600}
table.matrix td.cell{text-align:center;white-space:nowrap;min-width:76px;font-variant-numeric:tabular-nums}
table.matrix td.cell a{display:block;color:inherit;text-decoration:none;font-weight:600}
table.matrix td.cell a:hover{text-decoration:underline}
table.matrix td.none{color:#aab}
table.matrix th.clause{font-weight:normal;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px;white-space:nowrap}
table.matrix tr.group th{background:#f3f4f8;font-weight:600;position:sticky;left:0}
table.matrix thead th.target{text-align:center;max-width:180px;overflow-wrap:anywhere}
body.only-deviations tr.all-pass,body.only-deviations tbody.all-pass{display:none}
.counts{display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0;margin:6px 0}
.counts li{border:1px solid var(--line);border-radius:3px;padding:1px 8px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:4px 0}
dl.meta dt{color:var(--dim)}dl.meta dd{margin:0;overflow-wrap:anywhere}
table.findings td,table.checks td{font-size:12.5px;max-width:360px;overflow-wrap:anywhere}
td.num{text-align:right;font-variant-numeric:tabular-nums}
details.case{border:1px solid var(--line);border-radius:4px;background:#fff;margin:4px 0}
details.case>summary{cursor:pointer;padding:3px 8px;overflow-wrap:anywhere}
details.case[open]>summary{border-bottom:1px solid var(--line)}
details.case>div{padding:4px 10px 10px}
details.case.flash>summary{outline:2px solid #1a4fb5}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600;border:1px solid var(--line)}
pre{background:#f5f6f9;border:1px solid var(--line);border-radius:3px;padding:6px 8px;margin:2px 0;font:12px/1.35 ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre-wrap;overflow-wrap:anywhere;max-height:420px;overflow:auto}
.exchange{display:grid;grid-template-columns:1fr 1fr;gap:8px}
tr.o-fail td{background:#fdeaea}tr.o-drift td{background:#f3f8e6}
.repro{position:relative}.repro pre{padding-right:60px}.repro button{position:absolute;top:4px;right:4px;font-size:11px}
body:not([data-js=ready]) .js-only{display:none}
label.toggle{font-size:13px;margin-left:12px}
"#;

const SCRIPT: &str = r#"
(function () {
  var body = document.body;
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    for (var e = el; e; e = e.parentElement) if (e.tagName === "DETAILS") e.open = true;
    var old = document.querySelector(".flash");
    if (old) old.classList.remove("flash");
    el.classList.add("flash");
    el.scrollIntoView({block: "start"});
  }
  window.addEventListener("hashchange", reveal);
  reveal();
  var only = document.getElementById("only-deviations");
  if (only) {
    var apply = function () { body.classList.toggle("only-deviations", only.checked); };
    only.addEventListener("change", apply);
    apply();
  }
  function select(pre) {
    var range = document.createRange();
    range.selectNodeContents(pre);
    var s = window.getSelection();
    s.removeAllRanges();
    s.addRange(range);
  }
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var pre = document.getElementById(button.getAttribute("data-for"));
      if (!pre) return;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(pre.textContent).then(
          function () { button.textContent = "copied"; },
          function () { select(pre); });
      } else {
        select(pre);
      }
    });
  });
  body.setAttribute("data-js", "ready");
})();
"#;

/// The page for one or more reports (one matrix column each).
pub fn render(reports: &[Report]) -> String {
    let labels = matrix::labels(reports);
    let matrix = Matrix::build(reports);
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("KMS alias conformance: {}", labels.join(", "));
    // Writing into a String cannot fail.
    let _ = page(&mut out, reports, &labels, &matrix, &title);
    out
}

fn page(
    out: &mut String,
    reports: &[Report],
    labels: &[String],
    matrix: &Matrix,
    title: &str,
) -> fmt::Result {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body data-js=\"off\">\n",
        E(title)
    )?;
    let tools: Vec<&str> = {
        let mut t: Vec<&str> = reports.iter().map(|r| r.tool.as_str()).collect();
        t.sort();
        t.dedup();
        t
    };
    writeln!(
        out,
        "<header><h1>{}</h1><div class=\"dim\">{} report{} by {}</div></header>",
        E(title),
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        E(&tools.join(", ")),
    )?;
    overview(out, reports, labels)?;
    matrix_section(out, reports, labels, matrix)?;
    for (col, report) in reports.iter().enumerate() {
        target_section(out, col, report, &labels[col])?;
    }
    write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n")
}

fn legend(out: &mut String) -> fmt::Result {
    out.push_str("<ul class=\"legend\" id=\"legend\">");
    for v in WORST_FIRST {
        write!(
            out,
            "<li><span class=\"sw v-{0}\">{1}</span><b>{0}</b> <span class=\"dim\">{2}</span></li>",
            v.name(),
            mark(v),
            E(matrix::meaning(v))
        )?;
    }
    out.push_str("<li><span class=\"sw\">—</span><span class=\"dim\">no case of the target covers the clause</span></li></ul>\n");
    Ok(())
}

fn overview(out: &mut String, reports: &[Report], labels: &[String]) -> fmt::Result {
    out.push_str("<section id=\"targets\"><h2>Targets</h2><table class=\"overview\"><thead><tr><th>target</th><th>endpoint</th><th>region</th><th>duration</th><th>cases</th>");
    for v in WORST_FIRST {
        write!(out, "<th class=\"v-{0}\">{0}</th>", v.name())?;
    }
    out.push_str("</tr></thead><tbody>\n");
    for (col, r) in reports.iter().enumerate() {
        write!(
            out,
            "<tr><th><a href=\"#t{col}\">{}</a></th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            E(&labels[col]),
            E(&r.target.endpoint),
            E(&r.target.region),
            duration(r.duration_ms),
            r.summary.total
        )?;
        for v in WORST_FIRST {
            let n = matrix::summary_count(r, v);
            if n == 0 {
                out.push_str("<td class=\"num dim\">0</td>");
            } else {
                write!(out, "<td class=\"num v-{}\">{n}</td>", v.name())?;
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></section>\n");
    Ok(())
}

fn matrix_section(
    out: &mut String,
    reports: &[Report],
    labels: &[String],
    matrix: &Matrix,
) -> fmt::Result {
    let rows = matrix.rows().count();
    let passing = matrix.rows().filter(|r| r.passes_everywhere()).count();
    writeln!(
        out,
        "<section id=\"matrix\"><h2>Clauses × targets</h2>\
         <div class=\"dim\">{rows} clauses, {passing} passing on every target that covers them. \
         A cell is the worst verdict of the target's cases for the clause: ✓ and the count of cases \
         when all pass, else how many of them have the worst verdict / the count; \
         hover for the breakdown, click to open the first worst case.\
         <label class=\"toggle js-only\"><input type=\"checkbox\" id=\"only-deviations\"> only clauses that do not pass everywhere</label></div>\n"
    )?;
    legend(out)?;
    out.push_str("<table class=\"matrix\"><thead><tr><th>clause</th>");
    for (col, label) in labels.iter().enumerate() {
        write!(
            out,
            "<th class=\"target\"><a href=\"#t{col}\">{}</a></th>",
            E(label)
        )?;
    }
    out.push_str("</tr></thead>\n");
    for group in &matrix.groups {
        let all_pass = group.rows.iter().all(|r| r.passes_everywhere());
        writeln!(
            out,
            "<tbody data-group=\"{}\"{}><tr class=\"group\"><th colspan=\"{}\">{} <span class=\"dim\">({} clause{})</span></th></tr>",
            E(&group.name),
            if all_pass { " class=\"all-pass\"" } else { "" },
            labels.len() + 1,
            E(&group.name),
            group.rows.len(),
            if group.rows.len() == 1 { "" } else { "s" },
        )?;
        for row in &group.rows {
            let rest = row
                .clause
                .strip_prefix(group.name.as_str())
                .unwrap_or(&row.clause);
            write!(
                out,
                "<tr{}><th class=\"clause\" scope=\"row\"><span class=\"op\">{}</span>{}</th>",
                if row.passes_everywhere() {
                    " class=\"all-pass\""
                } else {
                    ""
                },
                E(&group.name),
                E(rest)
            )?;
            for (col, cell) in row.cells.iter().enumerate() {
                matrix_cell(out, &reports[col], col, &labels[col], &row.clause, cell)?;
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table></section>\n");
    Ok(())
}

fn matrix_cell(
    out: &mut String,
    report: &Report,
    col: usize,
    label: &str,
    clause: &str,
    cell: &Option<Cell>,
) -> fmt::Result {
    let Some(cell) = cell else {
        return write!(
            out,
            "<td class=\"cell none\" title=\"no case of {} covers {}\">—</td>",
            E(label),
            E(clause)
        );
    };
    let v = cell.worst;
    let mut title = format!(
        "{clause} on {label}: {} case{}: {}",
        cell.total,
        if cell.total == 1 { "" } else { "s" },
        cell.breakdown()
    );
    if v != Verdict::Pass {
        let worst: Vec<&str> = cell
            .worst_cases
            .iter()
            .take(5)
            .map(|i| report.cases[*i].trial.as_str())
            .collect();
        let _ = write!(title, "\n{}: {}", v.name(), worst.join(", "));
        if cell.worst_cases.len() > 5 {
            let _ = write!(title, " and {} more", cell.worst_cases.len() - 5);
        }
    }
    write!(
        out,
        "<td class=\"cell v-{}\" data-verdict=\"{}\" title=\"{}\">",
        v.name(),
        v.name(),
        E(&title)
    )?;
    // A pass shows its count of cases; anything else how many of them
    // have the worst verdict, and links to the first.
    match (v, cell.worst_cases.first()) {
        (Verdict::Pass, _) | (_, None) => write!(out, "{} {}", mark(v), cell.total)?,
        (_, Some(i)) => write!(
            out,
            "<a href=\"#t{col}-c{i}\">{} {}/{}</a>",
            mark(v),
            cell.worst_cases.len(),
            cell.total
        )?,
    }
    out.push_str("</td>");
    Ok(())
}

fn target_section(out: &mut String, col: usize, r: &Report, label: &str) -> fmt::Result {
    let t = &r.target;
    writeln!(
        out,
        "<section class=\"target\" id=\"t{col}\"><h2>{}</h2><dl class=\"meta\">\
         <dt>endpoint</dt><dd>{}</dd><dt>region</dt><dd>{}</dd><dt>dialect</dt><dd>{}</dd>\
         <dt>prefix</dt><dd>{}</dd><dt>tool</dt><dd>{}</dd><dt>started</dt><dd>{}</dd>\
         <dt>duration</dt><dd>{}</dd><dt>baseline</dt><dd>{}</dd></dl>",
        E(label),
        E(&t.endpoint),
        E(&t.region),
        E(&t.dialect),
        E(&t.prefix),
        E(&r.tool),
        utc(r.started_unix),
        duration(r.duration_ms),
        E(r.baseline.as_deref().unwrap_or("none")),
    )?;
    write!(
        out,
        "<ul class=\"counts\"><li><b>{}</b> cases</li>",
        r.summary.total
    )?;
    for v in WORST_FIRST {
        let n = matrix::summary_count(r, v);
        if n > 0 {
            write!(out, "<li class=\"v-{0}\">{0} <b>{n}</b></li>", v.name())?;
        }
    }
    if r.summary.changed > 0 {
        write!(
            out,
            "<li class=\"v-fail\">of the failures, changed from the baseline <b>{}</b></li>",
            r.summary.changed
        )?;
    }
    out.push_str("</ul>\n");

    let index: HashMap<&str, usize> = r
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.trial.as_str(), i))
        .collect();
    writeln!(out, "<h3>Findings ({})</h3>", r.findings.len())?;
    if r.findings.is_empty() {
        out.push_str("<p class=\"dim\">No deviations.</p>\n");
    } else {
        out.push_str("<table class=\"findings\"><thead><tr><th>severity</th><th>kind</th><th>operation</th><th>check</th><th>expected</th><th>actual</th><th>count</th><th>trials</th></tr></thead><tbody>\n");
        for f in &r.findings {
            write!(
                out,
                "<tr class=\"sev-{}\" title=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>",
                f.severity.name(),
                E(&f.signature),
                f.severity.name(),
                f.kind.name(),
                E(&f.operation),
                E(&f.check),
                E(&f.expected),
                E(&f.actual),
                f.count
            )?;
            for (n, trial) in f.trials.iter().take(3).enumerate() {
                if n > 0 {
                    out.push_str("<br>");
                }
                match index.get(trial.as_str()) {
                    Some(i) => write!(out, "<a href=\"#t{col}-c{i}\">{}</a>", E(trial))?,
                    None => write!(out, "{}", E(trial))?,
                }
            }
            if f.trials.len() > 3 {
                write!(
                    out,
                    "<br><span class=\"dim\">and {} more</span>",
                    f.trials.len() - 3
                )?;
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody></table>\n");
    }

    let failing: Vec<(usize, &CaseRecord)> = r
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.verdict != Verdict::Pass)
        .collect();
    writeln!(out, "<h3>Cases that did not pass ({})</h3>", failing.len())?;
    for (i, case) in failing {
        case_details(out, col, i, case)?;
    }
    out.push_str("</section>\n");
    Ok(())
}

/// The step that decided the case: the first with an error or a check that
/// did not pass, else the last.
fn deciding_step(case: &CaseRecord) -> Option<&StepRecord> {
    case.steps
        .iter()
        .find(|s| s.error.is_some() || s.checks.iter().any(|c| c.outcome != CheckOutcome::Pass))
        .or(case.steps.last())
}

fn case_details(out: &mut String, col: usize, i: usize, c: &CaseRecord) -> fmt::Result {
    let v = c.verdict.name();
    write!(
        out,
        "<details class=\"case\" id=\"t{col}-c{i}\" data-verdict=\"{v}\"><summary><span class=\"badge v-{v}\">{v}</span> <b>{}</b>",
        E(&c.trial)
    )?;
    if let Some(k) = c.kind {
        write!(out, " <span class=\"dim\">{}</span>", k.name())?;
    }
    if let Some(s) = &c.summary {
        write!(out, " — {}", E(s))?;
    }
    out.push_str("</summary><div><dl class=\"meta\">");
    let mut kv = |k: &str, v: &str| {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", E(k), E(v));
    };
    kv("case", &c.name);
    kv("file", &format!("{}:{}", c.file, c.line));
    kv("clause", &c.clause);
    if c.clauses.iter().any(|x| *x != c.clause) {
        kv("clauses", &c.clauses.join(", "));
    }
    kv("source", &c.source);
    kv("evidence", &c.evidence);
    kv("verdict", v);
    if let Some(k) = c.kind {
        let sev = c.severity.unwrap_or(k.severity());
        kv("kind", &format!("{} ({})", k.name(), sev.name()));
    }
    if let Some(s) = &c.signature {
        kv("signature", s);
    }
    if let Some(b) = &c.baseline {
        kv(
            "baseline",
            &format!(
                "{}{} (expects: {})",
                b.reason,
                if b.changed { "; CHANGED" } else { "" },
                b.signature
            ),
        );
    }
    kv("duration", &duration(c.duration_ms));
    if !c.cleanup_errors.is_empty() {
        kv("cleanup errors", &c.cleanup_errors.join("; "));
    }
    out.push_str("</dl>\n");

    let checks: Vec<_> = c
        .steps
        .iter()
        .flat_map(|s| s.checks.iter().map(move |ch| (s.index, ch)))
        .collect();
    if !checks.is_empty() {
        out.push_str("<h4>Checks</h4><table class=\"checks\"><thead><tr><th>step</th><th>what</th><th>clause</th><th>evidence</th><th>outcome</th><th>expected</th><th>actual</th></tr></thead><tbody>");
        for (step, ch) in checks {
            let outcome = match ch.outcome {
                CheckOutcome::Pass => "pass",
                CheckOutcome::Fail => "fail",
                CheckOutcome::Drift => "drift",
            };
            let evidence = match &ch.source {
                Some(s) => format!("{} ({s})", ch.evidence),
                None => ch.evidence.clone(),
            };
            let outcome_text = match ch.kind {
                Some(k) => format!("{outcome} ({})", k.name()),
                None => outcome.to_string(),
            };
            write!(
                out,
                "<tr class=\"o-{outcome}\"><td class=\"num\">{step}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                E(&ch.what),
                E(&ch.clause),
                E(&evidence),
                E(&outcome_text),
                E(&ch.expected),
                E(&ch.actual)
            )?;
        }
        out.push_str("</tbody></table>\n");
    }

    if let Some(step) = deciding_step(c) {
        write!(
            out,
            "<h4>Step {} (line {}): {} <span class=\"dim\">{}{}</span></h4>",
            step.index,
            step.line,
            E(&step.operation),
            E(&step.role),
            if step.attempts > 1 {
                format!(", {} attempts", step.attempts)
            } else {
                String::new()
            }
        )?;
        if let Some(e) = &step.error {
            write!(out, "<pre class=\"error\">{}</pre>", E(e))?;
        }
        let request = match &step.exchange.request {
            Some(r) => request_text(r),
            None => "(the request could not be built)".to_string(),
        };
        let response = match &step.exchange.response {
            Some(r) => response_text(r),
            None => "(no response)".to_string(),
        };
        writeln!(
            out,
            "<div class=\"exchange\"><div><b>request</b><pre class=\"request\">{}</pre></div>\
             <div><b>response</b><pre class=\"response\">{}</pre></div></div>",
            E(&request),
            E(&response)
        )?;
    }

    if let Some(r) = &c.reproduce {
        let mut text = String::new();
        for line in &r.curl {
            text.push_str(line);
            text.push('\n');
        }
        if !r.curl.is_empty() {
            text.push('\n');
        }
        text.push_str(&r.command);
        writeln!(
            out,
            "<h4>Reproduce</h4><div class=\"repro\"><pre id=\"t{col}-c{i}-repro\">{}</pre>\
             <button type=\"button\" class=\"copy js-only\" data-for=\"t{col}-c{i}-repro\">copy</button></div>",
            E(&text)
        )?;
    }
    out.push_str("</div></details>\n");
    Ok(())
}

fn headers_text(out: &mut String, headers: &[(String, String)]) {
    for (k, v) in headers {
        let _ = writeln!(out, "{k}: {v}");
    }
}

fn body_text(out: &mut String, body: &BodyRecord) {
    if let Some(text) = &body.text {
        if text.is_empty() {
            out.push_str("(empty body)");
            return;
        }
        let pretty = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .filter(|v| v.is_object() || v.is_array())
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        clipped(out, pretty.as_deref().unwrap_or(text));
    } else if let Some(b64) = &body.base64 {
        let _ = writeln!(out, "({} bytes, not UTF-8; base64:)", body.bytes);
        clipped(out, b64);
    } else if body.bytes == 0 {
        out.push_str("(empty body)");
    } else {
        let _ = write!(out, "({} bytes, not recorded)", body.bytes);
    }
}

fn clipped(out: &mut String, text: &str) {
    match text.char_indices().nth(BODY_LIMIT) {
        None => out.push_str(text),
        Some((cut, _)) => {
            out.push_str(&text[..cut]);
            let _ = write!(
                out,
                "\n… ({} more characters not shown)",
                text[cut..].chars().count()
            );
        }
    }
}

fn request_text(r: &RequestRecord) -> String {
    let mut out = format!(
        "{} {}{}\n",
        r.method,
        r.path,
        if r.signed { "   (SigV4-signed)" } else { "" }
    );
    headers_text(&mut out, &r.headers);
    out.push('\n');
    body_text(&mut out, &r.body);
    out
}

fn response_text(r: &ResponseRecord) -> String {
    let mut out = format!("HTTP {}\n", r.status);
    headers_text(&mut out, &r.headers);
    out.push('\n');
    body_text(&mut out, &r.body);
    out
}

/// `850 ms`, `12.3 s`, `4 min 05 s`.
pub fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::Kind;
    use crate::report::sample;

    fn hostile() -> Report {
        let mut r = sample::every_verdict("<b>moto</b>", "http://127.0.0.1:5000/?a=1&b=\"2\"");
        let case = r
            .cases
            .iter_mut()
            .find(|c| c.kind == Some(Kind::WrongShape))
            .unwrap();
        let step = &mut case.steps[0];
        let resp = step.exchange.response.as_mut().unwrap();
        resp.body.text = Some("<script>alert('body')</script></pre></details>".into());
        resp.headers
            .push(("x-evil".into(), "<img src=x onerror=alert(1)>".into()));
        step.checks[0].actual = "<script>alert('check')</script>".into();
        case.summary = Some("<script>alert('summary')</script>".into());
        r.findings[0].actual = "<script>alert('finding')</script>".into();
        r.findings[0].operation = "Create|Alias".into();
        r
    }

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("plain ✓ text"), "plain ✓ text");
    }

    #[test]
    fn nothing_from_a_report_reaches_the_page_unescaped() {
        let page = render(&[hostile()]);
        assert_eq!(
            page.matches("<script>").count(),
            1,
            "only the page's own script"
        );
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>moto</b>"));
        for what in ["body", "check", "summary", "finding"] {
            assert!(
                page.contains(&format!(
                    "&lt;script&gt;alert(&#39;{what}&#39;)&lt;/script&gt;"
                )),
                "{what}"
            );
        }
        assert!(page.contains("&lt;/pre&gt;&lt;/details&gt;"));
        assert!(page.contains("http://127.0.0.1:5000/?a=1&amp;b=&quot;2&quot;"));
    }

    #[test]
    fn the_page_fetches_nothing() {
        let page = render(&sample::demo_pair());
        for needle in ["src=", "href=\"http", "@import", "url(", "<link"] {
            assert!(!page.contains(needle), "{needle}");
        }
    }

    #[test]
    fn cells_show_the_worst_verdict_and_link_to_its_case() {
        let reports = sample::demo_pair();
        let page = render(&reports);
        // DeleteAlias.NotFound: both cases fail with a 404 on the emulator.
        let row = page
            .split("<tr")
            .find(|r| r.contains("</span>.NotFound</th>") && r.contains("DeleteAlias"))
            .unwrap();
        assert!(row.contains("class=\"cell v-pass\" data-verdict=\"pass\" title=\"DeleteAlias.NotFound on reference: 2 cases: 2 pass\">✓ 2</td>"), "{row}");
        let i = reports[1]
            .cases
            .iter()
            .position(|c| c.clause == "DeleteAlias.NotFound")
            .unwrap();
        assert!(
            row.contains(&format!("<a href=\"#t1-c{i}\">✗ 2/2</a>")),
            "{row}"
        );
        assert!(page.contains(&format!("<details class=\"case\" id=\"t1-c{i}\"")));
        assert!(row.contains("title=\"DeleteAlias.NotFound on emulator: 2 cases: 2 fail\nfail: "));
    }

    #[test]
    fn a_clause_a_target_lacks_is_a_dash() {
        let mut a = sample::report("a", "http://a");
        a.cases = vec![sample::case(
            "x::y",
            &["ListAliases.Limit"],
            Verdict::Pass,
            None,
        )];
        let b = sample::report("b", "http://b");
        let page = render(&[a, b]);
        assert!(page.contains(
            "<td class=\"cell none\" title=\"no case of b covers ListAliases.Limit\">—</td>"
        ));
    }

    #[test]
    fn every_failure_has_its_details_and_reproduce() {
        let r = sample::every_verdict("ref", "embedded reference");
        let page = render(std::slice::from_ref(&r));
        let not_passing = r
            .cases
            .iter()
            .filter(|c| c.verdict != Verdict::Pass)
            .count();
        assert_eq!(page.matches("<details class=\"case\"").count(), not_passing);
        assert_eq!(page.matches("<h4>Reproduce</h4>").count(), not_passing);
        assert!(
            page.contains("(no response)"),
            "the transport error has no response"
        );
        assert!(page.contains("kms-alias-conformance run --exact"));
        for v in WORST_FIRST {
            assert!(
                page.contains(&format!("<span class=\"sw v-{}\">", v.name())),
                "legend {v:?}"
            );
        }
    }

    #[test]
    fn long_bodies_are_clipped() {
        let mut out = String::new();
        clipped(&mut out, &"é".repeat(BODY_LIMIT + 10));
        assert!(out.ends_with("… (10 more characters not shown)"));
    }

    #[test]
    fn times_and_durations() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_767_268_800), "2026-01-01 12:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(12_345), "12.3 s");
        assert_eq!(duration(245_000), "4 min 05 s");
    }
}
