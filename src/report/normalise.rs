//! Normalising what legitimately differs between runs and cases (generated
//! ids, names, ARNs, dates, request ids), so that one behaviour of a target
//! gives one signature. Findings, baselines and (later) differential fuzzing
//! all compare through [`Normaliser::apply`].

use std::sync::OnceLock;

use regex::Regex;

/// What a run knows that must not split a signature.
#[derive(Debug, Clone, Default)]
pub struct Normaliser {
    /// The run prefix in every alias name the run created.
    pub prefix: String,
    /// The target's account id, once known.
    pub account: Option<String>,
    /// The Region signed for.
    pub region: String,
}

/// Longest normalised text kept in a signature part.
const MAX_PART: usize = 160;

/// The fixed rules, applied in order after the run's own values. New rules
/// go at the end, so that signatures written into baselines keep matching.
fn rules() -> &'static [(Regex, &'static str)] {
    static RULES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            (
                r"arn:[a-z-]+:kms:[a-z0-9-]*:[0-9<>a-z]*:key/[A-Za-z0-9-]+",
                "<key-arn>",
            ),
            (r"\bmrk-[0-9a-f]{32}\b", "<mrk-id>"),
            (
                r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",
                "<uuid>",
            ),
            (r"\b1[0-9]{9}(\.[0-9]+)?\b", "<date>"),
            (r"[A-Za-z0-9+/]{40,}={0,2}", "<token>"),
            (r"\s+", " "),
        ]
        .into_iter()
        .map(|(re, with)| (Regex::new(re).expect("a valid rule"), with))
        .collect()
    })
}

impl Normaliser {
    /// `text` with run-specific values replaced by placeholders, whitespace
    /// collapsed and the result clipped.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        if !self.prefix.is_empty() {
            // Every name the run made is `alias/<prefix>/<case token>...`.
            let names = format!(r"alias/{}/[A-Za-z0-9/_-]*", regex::escape(&self.prefix));
            if let Ok(re) = Regex::new(&names) {
                out = re.replace_all(&out, "alias/<name>").into_owned();
            }
            out = out.replace(&self.prefix, "<prefix>");
        }
        if let Some(account) = self.account.as_deref().filter(|a| !a.is_empty()) {
            out = out.replace(account, "<account>");
        }
        if !self.region.is_empty() {
            out = out.replace(&format!(":{}:", self.region), ":<region>:");
        }
        for (re, with) in rules() {
            out = re.replace_all(&out, *with).into_owned();
        }
        let out = out.trim();
        if out.chars().count() > MAX_PART {
            let head: String = out.chars().take(MAX_PART).collect();
            format!("{head}…")
        } else {
            out.to_owned()
        }
    }

    /// The signature of a deviation: operation, check, expected and actual,
    /// each normalised.
    pub fn signature(&self, operation: &str, check: &str, expected: &str, actual: &str) -> String {
        format!(
            "{} | {} | expected: {} | actual: {}",
            operation,
            self.apply(check),
            self.apply(expected),
            self.apply(actual)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n() -> Normaliser {
        Normaliser {
            prefix: "kac-1a2b3c4d".into(),
            account: Some("111122223333".into()),
            region: "us-east-1".into(),
        }
    }

    #[test]
    fn names_ids_arns_and_dates_do_not_split_a_signature() {
        let a = n().apply(
            "Alias arn:aws:kms:us-east-1:111122223333:alias/kac-1a2b3c4d/0f0e0d0c-x is not found.",
        );
        let b = n().apply(
            "Alias arn:aws:kms:us-east-1:111122223333:alias/kac-1a2b3c4d/99999999yyyyyyyy is not found.",
        );
        assert_eq!(a, b);
        assert_eq!(
            a,
            "Alias arn:aws:kms:<region>:<account>:alias/<name> is not found."
        );
        assert_eq!(
            n().apply(
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ),
            "arn:aws:kms:<region>:<account>:key/<uuid>"
        );
        assert_eq!(
            n().apply("key 1234abcd-12ab-34cd-56ef-1234567890ab at 1764633600.123"),
            "key <uuid> at <date>"
        );
        assert_eq!(
            n().apply("mrk-0123456789abcdef0123456789abcdef"),
            "<mrk-id>"
        );
    }

    #[test]
    fn whitespace_collapses_and_long_text_is_clipped() {
        assert_eq!(n().apply("{\n  \"a\": 1\n}"), "{ \"a\": 1 }");
        let long = "word ".repeat(100);
        assert!(n().apply(&long).chars().count() <= MAX_PART + 1);
    }

    #[test]
    fn a_signature_names_its_parts() {
        assert_eq!(
            n().signature("CreateAlias", "body", "empty (0 bytes)", "{}"),
            "CreateAlias | body | expected: empty (0 bytes) | actual: {}"
        );
    }
}
