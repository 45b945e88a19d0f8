//! A shrunk divergence written out as a case file of the corpus format:
//! the steps before the divergent one as setup (or, where both sides
//! refused one alike and it could not be shrunk away, as a check of that
//! refusal), and the divergent one as the check, expecting what the
//! reference answered, in templates (`${k0}`, `${alias(a)}`, `${account}`)
//! so that it runs anywhere.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::action::{Action, Auth, Payload, UNKNOWN_KEY_AUTHORIZATION};
use super::compare::{normalise, own_entries, Divergence, Part, Seen};
use super::trial::{Outcome, Where};
use crate::case::vars::{VarContext, Vars};
use crate::spec::answers::{candidates, of_answer};
use crate::spec::clauses::clause;
use crate::spec::identifier::partition;
use crate::spec::{Evidence, Operation};

/// A key id's shape: a lowercase UUID (spec K).
const UUID_SHAPE: &str = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/// Where a divergence was found, for the file's `source`.
pub struct Found<'a> {
    /// The target's endpoint.
    pub endpoint: &'a str,
    /// The seed.
    pub seed: u64,
    /// The sequence number.
    pub index: u64,
}

/// The case file of a divergence: its path under the output directory
/// (`<Operation>/fuzz-<clause>-<hash>.yaml`) and its text.
pub fn case_file(
    actions: &[Action],
    outcome: &Outcome,
    divergence: &Divergence,
    signature: &str,
    at: &Where,
    found: &Found,
) -> (String, String) {
    let back = Reverse::new(actions, outcome, at);
    let last = outcome.exchanges.len().saturating_sub(1);
    let clause_id = divergence.clause;
    let entry = clause(clause_id);
    let evidence = match divergence.part {
        Part::Message => Evidence::Recorded,
        _ => entry.map_or(Evidence::Inferred, |c| c.evidence),
    };
    // Which ListAliases answers later steps take a marker from.
    let mut marker_from = BTreeSet::new();
    let mut latest_list: Option<usize> = None;
    for (i, ex) in outcome.exchanges.iter().enumerate() {
        let action = &actions[ex.action];
        if action.uses_marker() {
            if let Some(j) = latest_list {
                marker_from.insert(j);
            }
        }
        if action.op == Operation::ListAliases && ex.reference.status == 200 {
            if !action.lists_one_key() {
                latest_list = None;
                continue;
            }
            let has = serde_json::from_slice::<Value>(&ex.reference.body)
                .ok()
                .is_some_and(|b| b.get("NextMarker").is_some());
            latest_list = has.then_some(i);
        }
    }
    let mut steps = Vec::new();
    let mut marker_defined = false;
    for (i, ex) in outcome.exchanges.iter().enumerate() {
        let action = &actions[ex.action];
        let mut lines = vec![format!("      - op: {}", action.op.name())];
        match &action.payload {
            Payload::Json(v) => {
                let mut v = v.clone();
                if action.uses_marker() && !marker_defined {
                    if let Some(m) = v.as_object_mut() {
                        m.remove("Marker");
                    }
                }
                lines.push(format!("        request: {}", back.keys_in(&v)));
            }
            Payload::Raw(s) => lines.push(format!(
                "        raw: {}",
                Value::String(back.keys_in_str(s))
            )),
        }
        match action.auth {
            Auth::Signed => {}
            Auth::Unsigned => lines.push("        unsigned: true".into()),
            Auth::UnknownKey => {
                lines.push("        unsigned: true".into());
                lines.push(format!(
                    "        headers: {{Authorization: {}, X-Amz-Date: \"20250101T000000Z\"}}",
                    Value::String(UNKNOWN_KEY_AUTHORIZATION.into())
                ));
            }
        }
        let mut capture = Map::new();
        if let Some(k) = &action.defines_key {
            capture.insert(k.clone(), "KeyMetadata.KeyId".into());
            capture.insert(format!("{k}_arn"), "KeyMetadata.Arn".into());
        }
        if marker_from.contains(&i) {
            capture.insert("marker".into(), "NextMarker".into());
            marker_defined = true;
        }
        let sent: Value = serde_json::from_slice(&ex.request.body).unwrap_or(Value::Null);
        if i == last {
            // The key this step makes has no name yet in its own expectation.
            let back = back.without(action.defines_key.as_deref());
            let mut expect = check_expectation(ex, divergence, &sent, &back);
            if divergence.part == Part::Message {
                expect["evidence"] = json!({"message": "recorded"});
            }
            lines.push(format!("        expect: {expect}"));
        } else if ex.reference.status != 200 {
            // Both sides refused it alike; shrinking could not drop it.
            let col = Some(action.op);
            let id = of_answer(ex.fault.as_ref(), col, &sent, &at.account);
            lines.push(format!("        clause: {id}"));
            lines.push(format!(
                "        expect: {}",
                refusal(ex, id, col, &sent, &at.account)
            ));
        }
        if !capture.is_empty() {
            lines.push(format!("        capture: {}", Value::Object(capture)));
        }
        steps.push(lines.join("\n"));
    }
    let op = divergence.op.name();
    let hash = fnv(signature);
    let path = format!("{op}/fuzz-{clause_id}-{hash:08x}.yaml");
    let source = format!(
        "kms-alias-conformance fuzz --seed {} (sequence {}) against {}: the reference answers {} {}, the target {}. Rule: {}",
        found.seed,
        found.index,
        found.endpoint,
        divergence.part.name(),
        divergence.expected,
        divergence.actual,
        entry.map_or("", |c| c.source)
    );
    let name = format!(
        "{op} {} as the spec says ({})",
        divergence.part.name(),
        short(&divergence.expected)
    );
    let text = format!(
        "# Written by `kms-alias-conformance fuzz`: a divergence of {} from the reference,\n\
         # shrunk to {} step(s). It passes against the reference and fails against the target.\n\
         # Signature: {signature}\n\
         operation: {op}\n\
         clause: {clause_id}\n\
         source: {}\n\
         evidence: {}\n\
         cases:\n  - name: {}\n    steps:\n{}\n",
        found.endpoint,
        outcome.exchanges.len(),
        Value::String(source),
        evidence.name(),
        Value::String(name),
        steps.join("\n")
    );
    (path, text)
}

/// The expectation of a refused setup-like step: the reference's outcome,
/// with the candidates where the spec leaves the code open.
fn refusal(
    ex: &super::trial::Exchange,
    clause_id: &str,
    col: Option<Operation>,
    _sent: &Value,
    _account: &str,
) -> Value {
    let mut e = Map::new();
    e.insert("status".into(), ex.reference.status.into());
    if let Some(f) = &ex.fault {
        let codes = candidates(clause_id, col, f);
        e.insert("error".into(), codes_value(&codes));
    }
    Value::Object(e)
}

fn codes_value(codes: &[&str]) -> Value {
    if codes.len() == 1 {
        codes[0].into()
    } else {
        Value::Array(codes.iter().map(|c| Value::from(*c)).collect())
    }
}

/// What the divergent step must answer: the part that diverged, as the
/// reference answered it.
fn check_expectation(
    ex: &super::trial::Exchange,
    d: &Divergence,
    sent: &Value,
    back: &Reverse,
) -> Value {
    let mut e = Map::new();
    e.insert("status".into(), ex.reference.status.into());
    let col = Some(d.op);
    if let Some(f) = &ex.fault {
        let codes = candidates(d.clause, col, f);
        e.insert("error".into(), codes_value(&codes));
    }
    match &d.part {
        Part::Response | Part::Transport => {}
        Part::Message => {
            if let Some(m) = ex.fault.as_ref().and_then(|f| f.message()) {
                e.insert("message".into(), back.text(&m).into());
            }
        }
        Part::Header(h) => {
            let want = match ex.reference.header(h) {
                Some(v) if *h != "x-amzn-requestid" => Value::from(v),
                _ => json!({"present": true}),
            };
            e.insert("headers".into(), json!({ (*h): want }));
        }
        Part::Body(path) => {
            e.insert("body".into(), body_matcher(ex, d, path, sent, back));
        }
    }
    Value::Object(e)
}

/// The body matcher of a body divergence at `path`.
fn body_matcher(
    ex: &super::trial::Exchange,
    d: &Divergence,
    path: &str,
    sent: &Value,
    back: &Reverse,
) -> Value {
    if ex.reference.body.is_empty() {
        return "empty".into();
    }
    let Ok(want) = serde_json::from_slice::<Value>(&ex.reference.body) else {
        return json!({"type": "object"});
    };
    if path.is_empty() {
        return json!({"type": "object"});
    }
    let filtered = d.op == Operation::ListAliases && sent.get("KeyId").is_none();
    if filtered {
        return account_listing(&want, &ex.target, &back.token, back);
    }
    let segments = split_path(path);
    build(&want, &segments, d, back)
}

/// A ListAliases of the whole account: only the sequence's own entries,
/// which the target must list (or must not).
fn account_listing(want: &Value, target: &Seen, token: &str, back: &Reverse) -> Value {
    let own = |v: &Value| own_entries(v, token);
    let ours = own(want);
    let name = |e: &Value| e.get("AliasName").cloned().unwrap_or(Value::Null);
    let theirs = match target {
        Seen::Response(r) => serde_json::from_slice::<Value>(&r.body)
            .map(|v| own(&v))
            .unwrap_or_default(),
        Seen::Failed(_) => Vec::new(),
    };
    let ours_names: Vec<Value> = ours.iter().map(name).collect();
    if let Some(extra) = theirs.iter().map(name).find(|n| !ours_names.contains(n)) {
        return json!({"Aliases": {"excludes": {"AliasName": back.keys_in(&extra)}}});
    }
    let wanted: Vec<Value> = ours
        .iter()
        .map(|e| {
            let mut m = Map::new();
            for k in ["AliasName", "TargetKeyId"] {
                if let Some(v) = e.get(k) {
                    m.insert(k.into(), back.value(v));
                }
            }
            Value::Object(m)
        })
        .collect();
    json!({"Aliases": {"contains": wanted}})
}

enum Seg {
    Key(String),
    Index(usize),
}

fn split_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        if !name.is_empty() {
            out.push(Seg::Key(name.to_owned()));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

/// The matcher for the reference's `want` down `segments`, the leaf the
/// differing value.
fn build(want: &Value, segments: &[Seg], d: &Divergence, back: &Reverse) -> Value {
    match segments.split_first() {
        None => leaf(Some(want), "", d, back),
        Some((Seg::Key(k), rest)) => {
            let inner = match want.get(k) {
                Some(v) if !rest.is_empty() => build(v, rest, d, back),
                v => leaf(v, k, d, back),
            };
            json!({ k.clone(): inner })
        }
        Some((Seg::Index(i), rest)) => {
            let Some(items) = want.as_array() else {
                return json!({"type": "array"});
            };
            Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(j, item)| {
                        if j == *i {
                            if rest.is_empty() {
                                leaf(Some(item), "", d, back)
                            } else {
                                build(item, rest, d, back)
                            }
                        } else {
                            any_of_type(item)
                        }
                    })
                    .collect(),
            )
        }
    }
}

/// The matcher of one value: the value in templates, with what
/// legitimately differs between runs (dates, markers, key material ids,
/// ids of keys the case did not make) matched by type.
fn leaf(v: Option<&Value>, member: &str, d: &Divergence, back: &Reverse) -> Value {
    let Some(v) = v else {
        return json!({"absent": true});
    };
    if d.expected.ends_with(" entries") {
        if let Some(a) = v.as_array() {
            return json!({"len": a.len()});
        }
    }
    loose(v, member, back)
}

fn loose(v: &Value, member: &str, back: &Reverse) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), loose(x, k, back)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| loose(x, member, back)).collect()),
        Value::Number(_) if member.ends_with("Date") || member == "ValidTo" => any_of_type(v),
        Value::String(_) if member == "NextMarker" || member == "CurrentKeyMaterialId" => {
            any_of_type(v)
        }
        Value::String(s) => {
            let t = back.text(s);
            let other = normalise(&Value::String(t.clone()), &[]);
            match other.as_str() {
                // An id no template names (a key this very step made): its shape.
                Some("<id>") if s.starts_with("mrk-") => json!({"regex": "^mrk-[0-9a-f]{32}$"}),
                Some("<id>") => json!({"regex": UUID_SHAPE}),
                Some(o) if o.contains("<id>") => any_of_type(v),
                _ => t.into(),
            }
        }
        other => other.clone(),
    }
}

fn any_of_type(v: &Value) -> Value {
    let t = match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => return json!({}),
    };
    json!({ "type": t })
}

/// The reference's concrete values back into the templates they came from.
struct Reverse {
    pairs: Vec<(String, String)>,
    /// The case token of the run the values come from.
    token: String,
}

impl Reverse {
    fn new(actions: &[Action], outcome: &Outcome, at: &Where) -> Reverse {
        let mut vars = Vars::new(VarContext {
            prefix: at.prefix.clone(),
            case_token: outcome.token.clone(),
            region: at.region.clone(),
            account: Some(at.account.clone()),
            partition: partition(&at.region).to_owned(),
        });
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (id, name) in &outcome.reference_keys {
            vars.set(name, id.clone().into());
            pairs.push((id.clone(), format!("${{{name}}}")));
        }
        let mut exprs = BTreeSet::new();
        for a in actions {
            let text = match &a.payload {
                Payload::Json(v) => v.to_string(),
                Payload::Raw(s) => s.clone(),
            };
            collect_exprs(&text, &mut exprs);
        }
        for e in exprs {
            if e.starts_with("${k") || e == "${marker}" || e == "${account}" || e == "${region}" {
                continue;
            }
            if let Ok(concrete) = vars.render_str(&e) {
                if !concrete.is_empty() && concrete != e {
                    pairs.push((concrete, e));
                }
            }
        }
        pairs.sort_by_key(|(c, _)| std::cmp::Reverse(c.len()));
        let arn = format!(
            "arn:{}:kms:{}:{}:",
            partition(&at.region),
            at.region,
            at.account
        );
        pairs.push((arn, "arn:${partition}:kms:${region}:${account}:".into()));
        pairs.push((at.account.clone(), "${account}".into()));
        Reverse {
            pairs,
            token: outcome.token.clone(),
        }
    }

    /// The same, without the name of key `name`.
    fn without(&self, name: Option<&str>) -> Reverse {
        let Some(name) = name else {
            return Reverse {
                pairs: self.pairs.clone(),
                token: self.token.clone(),
            };
        };
        let (plain, arn) = (format!("${{{name}}}"), format!("${{{name}_arn}}"));
        Reverse {
            pairs: self
                .pairs
                .iter()
                .filter(|(_, t)| *t != plain && *t != arn)
                .cloned()
                .collect(),
            token: self.token.clone(),
        }
    }

    /// A concrete text in templates.
    fn text(&self, s: &str) -> String {
        let mut out = s.replace("${", "$${");
        for (concrete, template) in &self.pairs {
            out = out.replace(concrete.as_str(), template);
        }
        out
    }

    /// A concrete JSON value in templates.
    fn value(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => self.text(s).into(),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.value(x)).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, x)| (k.clone(), self.value(x))).collect())
            }
            other => other.clone(),
        }
    }

    /// A template body with `${kN}` of keys the case never makes written
    /// as the id they stood for (and every other template as it is).
    fn keys_in(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => self.keys_in_str(s).into(),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.keys_in(x)).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| (k.clone(), self.keys_in(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn keys_in_str(&self, s: &str) -> String {
        let mut out = s.to_owned();
        for name in super::action::key_refs(s) {
            let defined = self.pairs.iter().any(|(_, t)| *t == format!("${{{name}}}"));
            if !defined {
                let n: u64 = name[1..].parse().unwrap_or_default();
                out = out.replace(&format!("${{{name}}}"), &super::trial::missing_id(n));
                out = out.replace(
                    &format!("${{{name}_arn}}"),
                    &format!(
                        "arn:${{partition}}:kms:${{region}}:${{account}}:key/{}",
                        super::trial::missing_id(n)
                    ),
                );
            }
        }
        out
    }
}

/// Every whole `${...}` expression of a text (templates hold no `}`).
fn collect_exprs(text: &str, out: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        match rest[i..].find('}') {
            Some(j) => {
                out.insert(rest[i..i + j + 1].to_owned());
                rest = &rest[i + j + 1..];
            }
            None => break,
        }
    }
}

fn short(s: &str) -> String {
    let s: String = s.chars().take(60).collect();
    s.replace('"', "")
}

/// FNV-1a of a text: a stable file name for a signature.
fn fnv(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}
