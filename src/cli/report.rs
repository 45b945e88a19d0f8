//! `report A.json B.json ...`: the HTML and Markdown views of run reports,
//! merged into one column per report.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use kms_alias_conformance::report::{html, markdown, matrix, read};

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report files written by `run --report FILE.json`; one column each.
    #[arg(required = true, num_args = 1.., value_name = "REPORT.json")]
    reports: Vec<PathBuf>,
    /// Write the self-contained HTML page here.
    #[arg(long, value_name = "OUT.html")]
    html: Option<PathBuf>,
    /// Write the Markdown (for a pull-request comment) here; with neither
    /// option it goes to stdout.
    #[arg(long, value_name = "OUT.md")]
    markdown: Option<PathBuf>,
}

/// Reads every report, then writes the views: exit 0, 2 when a report
/// cannot be used (every bad file is named), 1 when an output cannot be
/// written.
pub fn run(args: ReportArgs) -> ExitCode {
    let mut reports = Vec::new();
    let mut bad = 0;
    for path in &args.reports {
        match read::read(path) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("error: {e}");
                bad += 1;
            }
        }
    }
    if bad > 0 {
        return ExitCode::from(2);
    }
    if args.html.is_none() && args.markdown.is_none() {
        let text = markdown::render(&reports);
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => ExitCode::SUCCESS,
            // `report ... | head` closing the pipe early is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write to stdout: {e}");
                ExitCode::from(1)
            }
        };
    }
    let mut ok = true;
    let labels = matrix::labels(&reports).join(", ");
    if let Some(path) = &args.html {
        ok &= write(path, &html::render(&reports), &labels);
    }
    if let Some(path) = &args.markdown {
        ok &= write(path, &markdown::render(&reports), &labels);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn write(path: &Path, text: &str, labels: &str) -> bool {
    match std::fs::write(path, text) {
        Ok(()) => {
            eprintln!("wrote {} ({labels})", path.display());
            true
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            false
        }
    }
}
