//! Baselines: a target's known deviations, keyed by trial id, each with the
//! finding signature it is expected to fail with and the reason it is
//! tolerated. Read with positions, so a stale entry is named by its line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::case::yaml::{self, Kind, Node};
use crate::case::{did_you_mean, LoadError, LoadErrorKind, Span};
use crate::report::{CaseRecord, Verdict};

/// One known deviation.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The finding signature the trial is expected to fail with.
    pub signature: String,
    /// Why it is tolerated (and, where known, the evidence).
    pub reason: String,
    /// The entry's line in the file.
    pub line: usize,
}

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    /// Entries by trial id.
    pub entries: BTreeMap<String, Entry>,
}

const ENTRY_KEYS: &[&str] = &["signature", "reason"];

impl Baseline {
    /// Reads `path`; every entry must name a trial of `trials` (the whole
    /// corpus, whatever the run's filter).
    pub fn load(path: &Path, trials: &[String]) -> Result<Baseline, Vec<LoadError>> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![LoadError::without_position(
                &shown,
                LoadErrorKind::Io(e.to_string()),
            )]
        })?;
        Baseline::parse(&shown, &text, trials)
    }

    /// Parses baseline text; `file` names it in errors.
    pub fn parse(file: &str, text: &str, trials: &[String]) -> Result<Baseline, Vec<LoadError>> {
        let err = |node_span: Span, width: usize, field: &str, kind: LoadErrorKind| {
            LoadError::at(file, text, node_span, width, field, kind)
        };
        let root = yaml::parse(text).map_err(|e| vec![err(e.span, e.width, &e.path, e.kind)])?;
        let entries = match &root.kind {
            Kind::Map(entries) => entries,
            Kind::Null => return Ok(Baseline::default()),
            _ => {
                return Err(vec![err(
                    root.span,
                    root.width,
                    "",
                    LoadErrorKind::WrongType {
                        expected: "a mapping of trial ids to {signature, reason}".into(),
                        found: root.type_name().into(),
                    },
                )])
            }
        };
        let mut errors = Vec::new();
        let mut out = Baseline::default();
        for (key, node) in entries {
            if !trials.iter().any(|t| t == &key.name) {
                errors.push(err(
                    key.span,
                    key.width,
                    &key.name,
                    LoadErrorKind::UnknownName {
                        what: "trial (a stale baseline entry: remove it)".into(),
                        hint: did_you_mean(&key.name, trials.iter().map(String::as_str)),
                        name: key.name.clone(),
                    },
                ));
                continue;
            }
            match entry(node, &key.name, &err) {
                Ok((signature, reason)) => {
                    out.entries.insert(
                        key.name.clone(),
                        Entry {
                            signature,
                            reason,
                            line: key.span.line,
                        },
                    );
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// The entry for `trial`.
    pub fn get(&self, trial: &str) -> Option<&Entry> {
        self.entries.get(trial)
    }
}

fn entry(
    node: &Node,
    trial: &str,
    err: &dyn Fn(Span, usize, &str, LoadErrorKind) -> LoadError,
) -> Result<(String, String), LoadError> {
    let Kind::Map(fields) = &node.kind else {
        return Err(err(
            node.span,
            node.width,
            trial,
            LoadErrorKind::WrongType {
                expected: "a mapping with `signature` and `reason`".into(),
                found: node.type_name().into(),
            },
        ));
    };
    let mut signature = None;
    let mut reason = None;
    for (k, v) in fields {
        let field = format!("{trial}.{}", k.name);
        let slot = match k.name.as_str() {
            "signature" => &mut signature,
            "reason" => &mut reason,
            other => {
                return Err(err(
                    k.span,
                    k.width,
                    &field,
                    LoadErrorKind::UnknownKey {
                        key: other.to_owned(),
                        hint: did_you_mean(other, ENTRY_KEYS.iter().copied()),
                    },
                ))
            }
        };
        match &v.kind {
            Kind::Str(s) if !s.trim().is_empty() => *slot = Some(s.clone()),
            _ => {
                return Err(err(
                    v.span,
                    v.width,
                    &field,
                    LoadErrorKind::WrongType {
                        expected: "a non-empty string".into(),
                        found: v.type_name().into(),
                    },
                ))
            }
        }
    }
    let missing = |name: &str| {
        err(
            node.span,
            node.width,
            trial,
            LoadErrorKind::MissingField {
                name: name.to_owned(),
            },
        )
    };
    Ok((
        signature.ok_or_else(|| missing("signature"))?,
        reason.ok_or_else(|| missing("reason"))?,
    ))
}

/// The baseline that would make this run pass: every case that did not
/// pass, with its current signature. Reasons already in `old` are kept; new
/// entries get a reason to fill in on review.
pub fn render(cases: &[CaseRecord], old: Option<&Baseline>, target: &str) -> String {
    let mut out = format!(
        "# kms-alias-conformance baseline for {target}\n\
         # Known deviations, keyed by trial id. A trial listed here that fails with\n\
         # this signature is xfail; with another signature it fails (changed); if it\n\
         # passes it is xpass and fails the run, so that the entry is removed.\n"
    );
    let mut rows: Vec<&CaseRecord> = cases
        .iter()
        .filter(|c| !matches!(c.verdict, Verdict::Pass | Verdict::Drift | Verdict::Xpass))
        .filter(|c| c.signature.is_some())
        .collect();
    rows.sort_by(|a, b| a.trial.cmp(&b.trial));
    for c in rows {
        let signature = c.signature.as_deref().unwrap_or_default();
        let reason = old
            .and_then(|b| b.get(&c.trial))
            .map(|e| e.reason.clone())
            .unwrap_or_else(|| "REVIEW: why this deviation is tolerated, with evidence".into());
        let _ = write!(
            out,
            "\n{}:\n  signature: {}\n  reason: {}\n",
            json_str(&c.trial),
            json_str(signature),
            json_str(&reason)
        );
    }
    out
}

/// A JSON string literal, which is also a YAML double-quoted scalar.
fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trials() -> Vec<String> {
        vec!["A/b::c".into(), "A/b::d".into()]
    }

    #[test]
    fn reads_entries_with_their_lines() {
        let b = Baseline::parse(
            "base.yaml",
            "# header\n\"A/b::c\":\n  signature: \"X | y | expected: 1 | actual: 2\"\n  reason: moto has no check\n",
            &trials(),
        )
        .unwrap();
        let e = b.get("A/b::c").unwrap();
        assert_eq!(e.line, 2);
        assert_eq!(e.reason, "moto has no check");
    }

    #[test]
    fn a_stale_entry_is_an_error_naming_file_and_line() {
        let errs = Baseline::parse(
            "base.yaml",
            "A/b::c:\n  signature: s\n  reason: r\nA/b::e:\n  signature: s\n  reason: r\n",
            &trials(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1);
        let text = errs[0].to_string();
        assert!(text.contains("base.yaml:4"), "{text}");
        assert!(text.contains("A/b::e"), "{text}");
    }

    #[test]
    fn entries_need_a_signature_and_a_reason() {
        let errs = Baseline::parse("b.yaml", "A/b::c:\n  signature: s\n", &trials()).unwrap_err();
        assert!(errs[0].to_string().contains("reason"), "{}", errs[0]);
        let errs = Baseline::parse("b.yaml", "A/b::c:\n  signature: s\n  reson: r\n", &trials())
            .unwrap_err();
        assert!(errs[0].to_string().contains("reason"), "{}", errs[0]);
    }
}
