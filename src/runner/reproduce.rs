//! What reproduces a case's outcome: its requests as `curl` commands and the
//! `run` command that re-runs only that trial.

use crate::report::{ExchangeRecord, RequestRecord};

/// How requests reach the target, for writing them out.
#[derive(Debug, Clone)]
pub struct Reproducer {
    /// The endpoint URL the requests go to.
    pub endpoint: String,
    /// Commands to run before the requests: dummy keys when the run used
    /// them, and starting the reference when the run used the embedded one
    /// (gone once the run ends).
    pub preamble: Vec<String>,
    /// The Region signed for.
    pub region: String,
    /// Whether a session token is in use (sent as `x-amz-security-token`).
    pub session_token: bool,
    /// The `run` command of this run without a filter, e.g.
    /// `kms-alias-conformance run --endpoint URL --region R`.
    pub run_base: String,
}

impl Reproducer {
    /// The `curl` command that sends `req`. Credentials are never written:
    /// they come from the environment, as the run's did.
    pub fn curl(&self, req: &RequestRecord) -> String {
        let url = format!("{}{}", self.endpoint.trim_end_matches('/'), req.path);
        let mut cmd = format!("curl -sS -i -X {} {}", req.method, quote(&url));
        for (k, v) in &req.headers {
            cmd.push_str(&format!(" -H {}", quote(&format!("{k}: {v}"))));
        }
        if req.signed {
            cmd.push_str(&format!(
                " --aws-sigv4 {} --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\"",
                quote(&format!("aws:amz:{}:kms", self.region))
            ));
            if self.session_token {
                cmd.push_str(" -H \"x-amz-security-token: $AWS_SESSION_TOKEN\"");
            }
        }
        match (&req.body.text, &req.body.base64) {
            (Some(text), _) => cmd.push_str(&format!(" --data-binary {}", quote(text))),
            (None, Some(b64)) => {
                cmd = format!(
                    "printf %s {} | base64 -d | {cmd} --data-binary @-",
                    quote(b64)
                )
            }
            (None, None) => {}
        }
        cmd
    }

    /// The curl commands of `exchanges` that have a request.
    pub fn curls<'a>(
        &self,
        exchanges: impl IntoIterator<Item = &'a ExchangeRecord>,
    ) -> Vec<String> {
        exchanges
            .into_iter()
            .filter_map(|e| e.request.as_ref())
            .map(|r| self.curl(r))
            .collect()
    }

    /// The command that re-runs only `trial`.
    pub fn command(&self, trial: &str) -> String {
        format!("{} --exact {}", self.run_base, quote(trial))
    }
}

/// `s` quoted for a POSIX shell.
pub fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::BodyRecord;

    fn rep() -> Reproducer {
        Reproducer {
            endpoint: "http://127.0.0.1:5000/".into(),
            preamble: Vec::new(),
            region: "eu-west-1".into(),
            session_token: true,
            run_base: "kms-alias-conformance run --endpoint http://127.0.0.1:5000".into(),
        }
    }

    fn req(signed: bool, text: Option<&str>, base64: Option<&str>) -> RequestRecord {
        RequestRecord {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![("x-amz-target".into(), "TrentService.CreateAlias".into())],
            body: BodyRecord {
                text: text.map(Into::into),
                base64: base64.map(Into::into),
                bytes: 0,
            },
            signed,
        }
    }

    #[test]
    fn signed_requests_use_curls_sigv4_and_never_the_secret() {
        let c = rep().curl(&req(true, Some(r#"{"AliasName":"it's"}"#), None));
        assert_eq!(
            c,
            r#"curl -sS -i -X POST http://127.0.0.1:5000/ -H 'x-amz-target: TrentService.CreateAlias' --aws-sigv4 aws:amz:eu-west-1:kms --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN" --data-binary '{"AliasName":"it'\''s"}'"#
        );
    }

    #[test]
    fn unsigned_and_binary_requests() {
        let c = rep().curl(&req(false, None, Some("/w==")));
        assert!(c.starts_with("printf %s /w== | base64 -d | curl"));
        assert!(c.ends_with("--data-binary @-"));
        assert!(!c.contains("sigv4"));
        assert_eq!(
            rep().command("CreateAlias/x::y"),
            "kms-alias-conformance run --endpoint http://127.0.0.1:5000 --exact CreateAlias/x::y"
        );
    }
}
