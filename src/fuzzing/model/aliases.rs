//! The outcomes of the alias operations: CreateAlias (with the quota of 50),
//! UpdateAlias (the family rule of section D), DeleteAlias, and ListAliases
//! (order and paging, section E and J Q5).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::spec::shape::{Constraint, Pattern};
use crate::spec::{Fault, Operation, PREDEFINED};

use super::rules::{
    alias_arn, family, key_arn, key_id_violation, name_of, name_rules, name_violations, pending,
    validated, violation,
};
use super::state::{date, Alias, Model, Policy};
use super::step::KeyArg;

/// The quota of aliases per key.
const QUOTA: usize = 50;

/// The marker format recorded from AWS (J Q5): base64 of `{"a": last, "b": last}`.
pub(super) fn marker(last: &str) -> String {
    STANDARD.encode(json!({"a": last, "b": last}).to_string())
}

/// The name a marker of the recorded form resumes after.
fn decode_marker(m: &str) -> Option<String> {
    let bytes = STANDARD.decode(m).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    let o = v.as_object()?;
    let (a, b) = (o.get("a")?.as_str()?, o.get("b")?.as_str()?);
    (o.len() == 2 && a == b && a.starts_with("alias/")).then(|| a.to_owned())
}

impl Model {
    /// The key an alias may point at (B#10..#13, #23).
    fn target(&self, arg: &KeyArg) -> Result<usize, Fault> {
        let i = self.key(arg, Policy::RefuseAsTarget)?;
        if self.keys[i].aws_managed {
            return Err(Fault::AwsManagedKey);
        }
        Ok(i)
    }

    /// One CreateAlias request and its answer.
    pub(super) fn create_alias(&mut self, name: &str, arg: &KeyArg) {
        let text = self.text(arg);
        let outcome = self.create_alias_outcome(name, arg, &text).map(|()| None);
        self.push(
            Some(Operation::CreateAlias),
            json!({"AliasName": name, "TargetKeyId": text}),
            outcome,
        );
    }

    fn create_alias_outcome(&mut self, name: &str, arg: &KeyArg, text: &str) -> Result<(), Fault> {
        let mut v = Vec::new();
        name_violations(name, &mut v);
        key_id_violation("targetKeyId", text, &mut v);
        validated(v)?;
        name_rules(name)?;
        let i = self.target(arg)?;
        let state = self.keys[i].state;
        if pending(state) {
            return Err(Fault::KeyState {
                key_arn: key_arn(&name_of(i)),
                state,
            });
        }
        if self.aliases.contains_key(name) {
            return Err(Fault::AliasExists {
                alias_arn: alias_arn(name),
            });
        }
        let usage = self.aliases_of(i);
        if usage >= QUOTA {
            return Err(Fault::AliasQuota {
                limit: QUOTA,
                usage,
            });
        }
        let t = self.tick();
        self.aliases.insert(
            name.to_owned(),
            Alias {
                target: i,
                created: t,
                updated: t,
            },
        );
        Ok(())
    }

    pub(super) fn update_alias(
        &mut self,
        name: &str,
        arg: &KeyArg,
        text: &str,
    ) -> Result<(), Fault> {
        let mut v = Vec::new();
        name_violations(name, &mut v);
        key_id_violation("targetKeyId", text, &mut v);
        validated(v)?;
        name_rules(name)?;
        let Some(current) = self.aliases.get(name).map(|a| a.target) else {
            return Err(Fault::AliasNotFound {
                alias_arn: alias_arn(name),
            });
        };
        let new = self.target(arg)?;
        let (n, c) = (&self.keys[new], &self.keys[current]);
        // DG footnote [10]: only the new key's pending deletion counts
        if pending(n.state) {
            return Err(Fault::KeyState {
                key_arn: key_arn(&name_of(new)),
                state: n.state,
            });
        }
        // J Q1: the usage is named first, then the type
        if c.usage != n.usage {
            return Err(Fault::UsageMismatch {
                alias: name.to_owned(),
                from: c.usage,
                to: n.usage,
            });
        }
        if family(c.spec) != family(n.spec) {
            return Err(Fault::TypeMismatch {
                alias: name.to_owned(),
                from: c.spec,
                to: n.spec,
            });
        }
        if new != current {
            let usage = self.aliases_of(new);
            if usage >= QUOTA {
                return Err(Fault::AliasQuota {
                    limit: QUOTA,
                    usage,
                });
            }
        }
        let t = self.tick();
        let a = self.aliases.get_mut(name).unwrap();
        a.target = new;
        a.updated = t;
        Ok(())
    }

    pub(super) fn delete_alias(&mut self, name: &str) -> Result<(), Fault> {
        let mut v = Vec::new();
        name_violations(name, &mut v);
        validated(v)?;
        name_rules(name)?;
        match self.aliases.remove(name) {
            Some(_) => Ok(()),
            None => Err(Fault::AliasNotFound {
                alias_arn: alias_arn(name),
            }),
        }
    }

    pub(super) fn list(
        &mut self,
        key: Option<&KeyArg>,
        key_text: Option<&str>,
        limit: Option<i64>,
        marker_text: Option<&str>,
    ) -> Result<Value, Fault> {
        let mut v = Vec::new();
        if let Some(t) = key_text {
            key_id_violation("keyId", t, &mut v);
        }
        if let Some(l) = limit {
            let shown = l.to_string();
            if l < 1 {
                v.push(violation("limit", Some(&shown), Constraint::MinValue(1)));
            }
            if l > 1000 {
                v.push(violation("limit", Some(&shown), Constraint::MaxValue(1000)));
            }
        }
        if let Some(m) = marker_text {
            if m.is_empty() {
                v.push(violation("marker", Some(m), Constraint::MinLength(1)));
            }
            if m.chars().any(|c| !(' '..='\u{ff}').contains(&c)) {
                v.push(violation(
                    "marker",
                    Some(m),
                    Constraint::Pattern(Pattern::Marker),
                ));
            }
        }
        validated(v)?;
        // default 50, at most 100 a page (J Q5, K)
        let size = limit.map_or(50, |l| l as usize).min(100);
        let after = match marker_text {
            None => None,
            Some(m) => Some(decode_marker(m).ok_or(Fault::InvalidMarker)?),
        };
        let mut names: Vec<String> = match key {
            Some(arg) => {
                let i = self.key(arg, Policy::RefuseAsInvalid)?;
                self.aliases
                    .iter()
                    .filter(|(_, a)| a.target == i)
                    .map(|(n, _)| n.clone())
                    .collect()
            }
            None => {
                let mut all: Vec<String> = self.aliases.keys().cloned().collect();
                for p in PREDEFINED {
                    if !self.aliases.contains_key(*p) {
                        all.push(p.to_string());
                    }
                }
                all
            }
        };
        names.sort(); // byte order (J Q5)
        names.retain(|n| after.as_ref().is_none_or(|a| n > a));
        let truncated = names.len() > size;
        names.truncate(size);
        let entries: Vec<Value> = names
            .iter()
            .map(|n| match self.aliases.get(n) {
                Some(a) => json!({
                    "AliasName": n,
                    "AliasArn": alias_arn(n),
                    "TargetKeyId": name_of(a.target),
                    "CreationDate": date(a.created),
                    "LastUpdatedDate": date(a.updated),
                }),
                None => json!({"AliasName": n, "AliasArn": alias_arn(n)}),
            })
            .collect();
        let mut out = Map::new();
        out.insert("Aliases".into(), entries.into());
        self.last_marker = None;
        if truncated {
            if let Some(last) = names.last() {
                let m = marker(last);
                self.last_marker = Some(m.clone());
                out.insert("NextMarker".into(), m.into());
            }
        }
        out.insert("Truncated".into(), truncated.into());
        Ok(Value::Object(out))
    }
}
