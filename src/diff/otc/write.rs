//! An OTC divergence as a case file: the shrunk steps, the ones before the
//! divergent step as setup (or as what the reference answered, where it
//! refused them), and the divergent step expecting the reference's answer.

use serde_json::{json, Map, Value};

use super::generate::{Body, Step};
use super::trial::{normalise, Divergence, Outcome};
use crate::spec::clauses::clause;

/// Where a divergence came from, for the case's `source`.
pub struct Found<'a> {
    /// The endpoint fuzzed.
    pub endpoint: &'a str,
    /// The campaign's seed.
    pub seed: u64,
    /// The sequence's index.
    pub index: u64,
}

/// The case file of `divergence`: its path under the output directory and
/// its text.
pub fn case_file(
    steps: &[Step],
    outcome: &Outcome,
    divergence: &Divergence,
    signature: &str,
    prefix: &str,
    found: &Found,
) -> (String, String) {
    let made: Vec<String> = outcome
        .exchanges
        .iter()
        .filter(|e| e.reference.status == 200)
        .filter_map(|e| steps.get(e.step)?.defines_key.clone())
        .collect();
    let uses_dmk = outcome.exchanges.iter().any(|e| {
        steps
            .get(e.step)
            .is_some_and(|s| s.keys_used().iter().any(|k| k == "dmk"))
    });
    let evidence = clause(divergence.clause).map_or("inferred", |c| c.evidence.name());
    let mut out = String::new();
    out.push_str("dialect: otc\n");
    out.push_str(&format!("clause: {}\n", divergence.clause));
    out.push_str(&format!(
        "source: {}\n",
        quoted(&format!(
            "differential fuzzing of {} (seed {}, sequence {}): {} {}: the reference answered {}, the target {}. \
             The expected answer is the reference's (spec G); {} evidence",
            found.endpoint,
            found.seed,
            found.index,
            divergence.action,
            divergence.part,
            clip(&divergence.expected),
            clip(&divergence.actual),
            evidence
        ))
    ));
    out.push_str(&format!("evidence: {evidence}\n"));
    if uses_dmk {
        out.push_str("fixtures:\n  keys:\n    dmk: {default_master_key: true}\n");
    }
    out.push_str("cases:\n");
    out.push_str(&format!(
        "  - name: {}\n    steps:\n",
        quoted(&format!(
            "fuzz {} {} seed {} sequence {}",
            divergence.action, divergence.part, found.seed, found.index
        ))
    ));
    let last = outcome.exchanges.len().saturating_sub(1);
    for (n, ex) in outcome.exchanges.iter().enumerate() {
        let Some(step) = steps.get(ex.step) else {
            continue;
        };
        let template = |text: &str| case_templates(text, &made);
        out.push_str(&format!("      - op: {}\n", step.action));
        match &step.body {
            Body::Json(v) => out.push_str(&format!(
                "        request: {}\n",
                template(&serde_json::to_string(v).unwrap_or_default())
            )),
            Body::Raw(s) => out.push_str(&format!("        raw: {}\n", quoted(&template(s)))),
        }
        if let Some(m) = step.method {
            out.push_str(&format!("        method: {m}\n"));
        }
        if step.no_token {
            out.push_str("        headers: {X-Auth-Token: null}\n");
        }
        let ok = ex.reference.status == 200;
        if let (Some(name), true) = (&step.defines_key, ok) {
            out.push_str(&format!(
                "        capture: {{{name}: \"key_info.key_id\"}}\n"
            ));
        }
        if n < last && ok {
            continue; // a setup step: it must only succeed
        }
        let code = serde_json::from_slice::<Value>(&ex.reference.body)
            .ok()
            .and_then(|v| crate::spec::otc::parse_envelope(&v).map(|(c, _)| c.to_owned()));
        let mut expect = format!("{{status: {}", ex.reference.status);
        if let Some(c) = code {
            expect.push_str(&format!(", error: {c}"));
        }
        if n == last && ok {
            let ours = serde_json::from_slice::<Value>(&ex.reference.body).unwrap_or(Value::Null);
            let theirs = ex
                .target
                .as_ref()
                .ok()
                .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
                .unwrap_or(Value::Null);
            let ours = reverse_names(
                &normalise(&ours, &keys_of(outcome, steps)),
                prefix,
                &outcome.token,
            );
            let body = expected_body(&ours, &normalise(&theirs, &[]));
            expect.push_str(&format!(
                ", body: {}",
                template(&serde_json::to_string(&body).unwrap_or_default())
            ));
        }
        expect.push('}');
        if n < last {
            out.push_str("        role: check\n");
        }
        out.push_str(&format!("        expect: {expect}\n"));
    }
    let hash = fnv(signature);
    let path = format!("otc/fuzz-{}-{hash:08x}.yaml", divergence.action);
    (path, out)
}

/// The reference's key ids by name, from the create-key answers.
fn keys_of(outcome: &Outcome, steps: &[Step]) -> Vec<(String, String)> {
    outcome
        .exchanges
        .iter()
        .filter_map(|e| {
            let name = steps.get(e.step)?.defines_key.clone()?;
            let v: Value = serde_json::from_slice(&e.reference.body).ok()?;
            let id = v.pointer("/key_info/key_id")?.as_str()?.to_owned();
            Some((id, name))
        })
        .collect()
}

/// Names the sequence made, written back as the templates that make them
/// (`${key_alias(a1)}`, `${key_alias_of_length(255, a3)}`), so that the
/// case makes its own.
fn reverse_names(v: &Value, prefix: &str, token: &str) -> Value {
    match v {
        Value::String(s) => Value::String(reverse_name(s, &format!("{prefix}/{token}"))),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| reverse_names(i, prefix, token))
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), reverse_names(v, prefix, token)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn reverse_name(s: &str, base: &str) -> String {
    let Some(rest) = s.strip_prefix(base) else {
        return s.to_owned();
    };
    let Some(tagged) = rest.strip_prefix('-') else {
        return format!("${{key_alias}}{rest}");
    };
    let tag: String = tagged
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let after = &tagged[tag.len()..];
    // `key_alias_of_length` pads with `-` and `x`s to the length.
    if after.len() > 1 && after.starts_with('-') && after[1..].bytes().all(|b| b == b'x') {
        return format!("${{key_alias_of_length({}, {tag})}}", s.chars().count());
    }
    format!("${{key_alias({tag})}}{after}")
}

/// The reference's body as a matcher: the side's own members as `{type:
/// string}`, and members only the target has as `{absent: true}`.
fn expected_body(ours: &Value, theirs: &Value) -> Value {
    match (ours, theirs) {
        (Value::Object(a), b) => {
            let mut m = Map::new();
            for (k, v) in a {
                let v = match v {
                    Value::String(s) if s == "<own>" => json!({"type": "string"}),
                    other => expected_body(other, b.get(k).unwrap_or(&Value::Null)),
                };
                m.insert(k.clone(), v);
            }
            if let Value::Object(b) = b {
                for k in b.keys().filter(|k| !a.contains_key(*k)) {
                    m.insert(k.clone(), json!({"absent": true}));
                }
            }
            Value::Object(m)
        }
        (other, _) => other.clone(),
    }
}

/// The sequence's templates as the case writes them: a key made in the
/// case is the variable its step captured; a key never made is a random
/// well-formed id; the Default Master Key is the fixture's.
fn case_templates(text: &str, made: &[String]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let end = tail.find('}').unwrap_or(tail.len());
        let name = &tail[..end];
        let is_key = name
            .strip_prefix('k')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let replaced = if name == "dmk" {
            "${dmk.KeyId}".to_owned()
        } else if name == "dmk_alias" {
            "${dmk.Alias}".to_owned()
        } else if is_key && !made.iter().any(|m| m == name) {
            format!("${{random_key_id({name})}}")
        } else {
            format!("${{{name}}}")
        };
        out.push_str(&replaced);
        rest = tail.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn clip(s: &str) -> String {
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s.to_owned()
    }
}

fn fnv(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_the_cases() {
        let made = vec!["k0".to_owned()];
        assert_eq!(
            case_templates(
                r#"{"key_id":"${k0}","x":"${k3}","y":"${dmk}","a":"${key_alias(a1)}"}"#,
                &made
            ),
            r#"{"key_id":"${k0}","x":"${random_key_id(k3)}","y":"${dmk.KeyId}","a":"${key_alias(a1)}"}"#
        );
    }

    #[test]
    fn names_go_back_to_their_templates() {
        let base = "kac-1/0000aa00";
        assert_eq!(reverse_name("kac-1/0000aa00-a1", base), "${key_alias(a1)}");
        assert_eq!(
            reverse_name("kac-1/0000aa00-a4/default", base),
            "${key_alias(a4)}/default"
        );
        let long = format!("kac-1/0000aa00-a3-{}", "x".repeat(255 - 18));
        assert_eq!(long.len(), 255);
        assert_eq!(reverse_name(&long, base), "${key_alias_of_length(255, a3)}");
        assert_eq!(reverse_name("evs/default", base), "evs/default");
    }

    #[test]
    fn expected_bodies_mark_own_and_extra_members() {
        let ours = json!({"key_info": {"key_id": "${k0}", "creation_date": "<own>"}});
        let theirs = json!({"key_info": {"key_id": "${k0}", "extra": 1}});
        assert_eq!(
            expected_body(&ours, &theirs),
            json!({"key_info": {"key_id": "${k0}", "creation_date": {"type": "string"}, "extra": {"absent": true}}})
        );
    }
}
