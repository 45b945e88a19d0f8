//! How an answer of the reference differs from the model's, and how that is
//! shown: the request, then `expected:` and `actual:` one above the other
//! (long bodies cut), then the first member that differs.

use std::fmt;

use serde_json::Value;

use super::expect::Call;

/// An answer: a status and a body (`None`: empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body; `None`: an empty body.
    pub body: Option<Value>,
}

/// Why the answers disagree.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The status or the body differ.
    Differs,
    /// The body is not JSON (the actual body is shown as text).
    NotJson(String),
    /// A new key's `KeyMetadata.KeyId` is missing or not a key id.
    NewKeyId(String),
    /// A date breaks the order of the model's events.
    DateOrder(String),
}

/// The reference's answer to one request, against the model's. Both are
/// written with the model's key names; in `actual`, a date that fits the
/// model's order is shown as the model's placeholder.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// The request, as the model wrote it.
    pub call: Call,
    /// The model's answer.
    pub expected: Answer,
    /// The reference's answer.
    pub actual: Answer,
    /// Why they disagree.
    pub reason: Reason,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        let code = match &self.body {
            Some(b) if self.status != 200 => b["__type"].as_str(),
            _ => None,
        };
        if let Some(code) = code {
            write!(f, " {code}")?;
        }
        match &self.body {
            None => write!(f, "\n          (empty body)"),
            Some(b) => write!(f, "\n          {}", shortened(&b.to_string())),
        }
    }
}

/// Bodies longer than this many characters are cut when shown (the first
/// difference is shown in full below them).
const SHOWN: usize = 600;

fn shortened(text: &str) -> String {
    match text.char_indices().nth(SHOWN) {
        None => text.to_owned(),
        Some((at, _)) => {
            let rest = text[at..].chars().count();
            format!("{}... ({rest} more characters)", &text[..at])
        }
    }
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.call.op.map_or("(key-state control)", |o| o.name());
        writeln!(f, "request:  {op} {}", self.call.body)?;
        match &self.reason {
            Reason::Differs => {}
            Reason::NotJson(why) => writeln!(f, "the body is not JSON: {why}")?,
            Reason::NewKeyId(why) => writeln!(f, "a new key's id: {why}")?,
            Reason::DateOrder(why) => writeln!(f, "a date out of order: {why}")?,
        }
        writeln!(f, "expected: {}", self.expected)?;
        write!(f, "actual:   {}", self.actual)?;
        if let (Some(e), Some(a)) = (&self.expected.body, &self.actual.body) {
            if let Some((path, e, a)) = first_difference(e, a, String::new()) {
                let show = |v: Option<&Value>| v.map_or("(absent)".to_owned(), Value::to_string);
                write!(
                    f,
                    "\nfirst difference at `{}`:\n  expected: {}\n  actual:   {}",
                    if path.is_empty() { "." } else { &path },
                    show(e),
                    show(a)
                )?;
            }
        }
        Ok(())
    }
}

type Difference<'a> = (String, Option<&'a Value>, Option<&'a Value>);

/// The first path (`.KeyMetadata.KeyState`, `.Aliases[2]`) where two values
/// differ, with the value on each side.
fn first_difference<'a>(e: &'a Value, a: &'a Value, path: String) -> Option<Difference<'a>> {
    match (e, a) {
        (Value::Object(eo), Value::Object(ao)) => {
            for (k, ev) in eo {
                let at = format!("{path}.{k}");
                match ao.get(k) {
                    Some(av) => {
                        if let Some(d) = first_difference(ev, av, at) {
                            return Some(d);
                        }
                    }
                    None => return Some((at, Some(ev), None)),
                }
            }
            ao.iter()
                .find(|(k, _)| !eo.contains_key(*k))
                .map(|(k, av)| (format!("{path}.{k}"), None, Some(av)))
        }
        (Value::Array(ea), Value::Array(aa)) => {
            for i in 0..ea.len().max(aa.len()) {
                let at = format!("{path}[{i}]");
                match (ea.get(i), aa.get(i)) {
                    (Some(ev), Some(av)) => {
                        if let Some(d) = first_difference(ev, av, at) {
                            return Some(d);
                        }
                    }
                    (ev, av) => return Some((at, ev, av)),
                }
            }
            None
        }
        _ => (e != a).then_some((path, Some(e), Some(a))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::Operation;

    #[test]
    fn shows_the_request_both_answers_and_the_first_difference() {
        let d = Disagreement {
            call: Call {
                op: Some(Operation::DescribeKey),
                body: json!({"KeyId": "<k0>"}),
            },
            expected: Answer {
                status: 200,
                body: Some(json!({"KeyMetadata": {"KeyId": "<k0>", "Enabled": false}})),
            },
            actual: Answer {
                status: 200,
                body: Some(json!({"KeyMetadata": {"KeyId": "<k0>", "Enabled": true}})),
            },
            reason: Reason::Differs,
        };
        assert_eq!(
            d.to_string(),
            r#"request:  DescribeKey {"KeyId":"<k0>"}
expected: 200
          {"KeyMetadata":{"KeyId":"<k0>","Enabled":false}}
actual:   200
          {"KeyMetadata":{"KeyId":"<k0>","Enabled":true}}
first difference at `.KeyMetadata.Enabled`:
  expected: false
  actual:   true"#
        );
    }

    #[test]
    fn a_long_body_is_cut_but_its_first_difference_is_whole() {
        let aliases = |last: &str| {
            let mut v: Vec<Value> = (0..100)
                .map(|i| json!({"AliasName": format!("alias/fill/{i:03}")}))
                .collect();
            v.push(json!({ "AliasName": last }));
            Some(json!({ "Aliases": v }))
        };
        let d = Disagreement {
            call: Call {
                op: Some(Operation::ListAliases),
                body: json!({}),
            },
            expected: Answer {
                status: 200,
                body: aliases("alias/x"),
            },
            actual: Answer {
                status: 200,
                body: aliases("alias/y"),
            },
            reason: Reason::Differs,
        };
        let text = d.to_string();
        assert!(text.len() < 2000, "{text}");
        assert_eq!(text.matches(" more characters)").count(), 2, "{text}");
        assert!(
            text.ends_with(
                "first difference at `.Aliases[100].AliasName`:\n  expected: \"alias/x\"\n  actual:   \"alias/y\""
            ),
            "{text}"
        );
    }

    #[test]
    fn an_error_shows_its_code_and_an_empty_body_says_so() {
        let d = Disagreement {
            call: Call {
                op: None,
                body: json!({"KeyId": "<k0>", "KeyState": "Disabled"}),
            },
            expected: Answer {
                status: 200,
                body: None,
            },
            actual: Answer {
                status: 400,
                body: Some(json!({"__type": "NotFoundException", "message": "no"})),
            },
            reason: Reason::Differs,
        };
        assert_eq!(
            d.to_string(),
            r#"request:  (key-state control) {"KeyId":"<k0>","KeyState":"Disabled"}
expected: 200
          (empty body)
actual:   400 NotFoundException
          {"__type":"NotFoundException","message":"no"}"#
        );
    }
}
