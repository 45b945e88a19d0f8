//! Alias operations: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
//! Every rule is asked of `spec`; this module only sequences the checks.

use std::ops::Bound;

use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::spec::alias::PREFIX;
use crate::spec::{
    check_alias_name, check_quota, check_retarget, check_state, page_size, Aliases, Fault,
    KeyManager, Operation, Role, PREDEFINED,
};

use super::keys::find_key;
use super::marker;
use super::service::{int_member, str_member, Ctx};
use super::state::{Alias, Key, Region};

/// The key an alias may point at: key id or key ARN of an existing customer
/// managed key (B#10..#13, #23).
fn target_key<'r>(cx: &'r mut Ctx, text: &str) -> Result<&'r Key, Fault> {
    let key = find_key(cx, text, Aliases::RefuseAsTarget)?;
    if key.manager == KeyManager::Aws {
        return Err(Fault::AwsManagedKey);
    }
    Ok(key)
}

/// CreateAlias, in the order the spec settles (framework checks ran before).
pub fn create_alias(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    let name = str_member(body, "AliasName").ok_or(Fault::Internal)?;
    let target = str_member(body, "TargetKeyId").ok_or(Fault::Internal)?;
    check_alias_name(name)?;
    let key = target_key(cx, target)?;
    check_state(Operation::CreateAlias, Role::Target, key.state, &key.arn)?;
    let (key_id, key_aliases) = (key.id.clone(), key.aliases.len());
    if cx.region.aliases.contains_key(name) {
        return Err(Fault::AliasExists {
            alias_arn: cx.scope.alias_arn(name),
        });
    }
    check_quota(key_aliases)?;
    let now = cx.clock.stamp();
    cx.region.link(
        name,
        Alias {
            target: key_id,
            created: now,
            updated: now,
        },
    );
    Ok(Value::Null)
}

/// UpdateAlias: only the new key's state counts (DG footnote [10]).
pub fn update_alias(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    let name = str_member(body, "AliasName").ok_or(Fault::Internal)?;
    let target = str_member(body, "TargetKeyId").ok_or(Fault::Internal)?;
    check_alias_name(name)?;
    let Some(alias) = cx.region.aliases.get(name) else {
        return Err(Fault::AliasNotFound {
            alias_arn: cx.scope.alias_arn(name),
        });
    };
    let (current_id, created) = (alias.target.clone(), alias.created);
    let new = target_key(cx, target)?;
    check_state(Operation::UpdateAlias, Role::Target, new.state, &new.arn)?;
    let (new_id, new_kind, new_aliases) =
        (new.id.clone(), (new.spec, new.usage), new.aliases.len());
    let current = cx.region.keys.get(&current_id).ok_or(Fault::Internal)?;
    check_state(
        Operation::UpdateAlias,
        Role::CurrentTarget,
        current.state,
        &current.arn,
    )?;
    check_retarget(name, (current.spec, current.usage), new_kind)?;
    if new_id != current_id {
        check_quota(new_aliases)?;
    }
    // LastUpdatedDate moves even when the target stays (B#20 leaves it open).
    let now = cx.clock.stamp();
    cx.region.link(
        name,
        Alias {
            target: new_id,
            created,
            updated: now,
        },
    );
    Ok(Value::Null)
}

/// DeleteAlias.
pub fn delete_alias(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    let name = str_member(body, "AliasName").ok_or(Fault::Internal)?;
    check_alias_name(name)?;
    match cx.region.unlink(name) {
        Some(_) => Ok(Value::Null),
        None => Err(Fault::AliasNotFound {
            alias_arn: cx.scope.alias_arn(name),
        }),
    }
}

/// ListAliases: byte order by name; without KeyId, the predefined aliases
/// that no key backs yet appear with AliasName and AliasArn only (J Q7).
///
/// Returns the response body, serialised straight from the state: building
/// a `Value` map per entry first cost more than the rest of the request.
pub fn list_aliases(cx: &mut Ctx, body: &Value) -> Result<Vec<u8>, Fault> {
    let size = page_size(Operation::ListAliases, int_member(body, "Limit"));
    let after = match str_member(body, "Marker") {
        Some(m) => Some(marker::decode(m, |s| s.starts_with(PREFIX))?),
        None => None,
    };
    let start = || match &after {
        Some(a) => Bound::Excluded(a.as_str()),
        None => Bound::Unbounded,
    };
    // The key lookup needs the Region mutably; the page then borrows it.
    let key_id = match str_member(body, "KeyId") {
        Some(text) => Some(find_key(cx, text, Aliases::RefuseAsInvalid)?.id.clone()),
        None => None,
    };
    let region = &*cx.region;
    let names: Vec<&str> = match key_id.and_then(|id| region.keys.get(&id)) {
        Some(key) => key
            .aliases
            .range::<str, _>((start(), Bound::Unbounded))
            .take(size + 1)
            .map(String::as_str)
            .collect(),
        None => {
            let mut unbacked: Vec<&str> = PREDEFINED
                .iter()
                .copied()
                .filter(|p| !region.aliases.contains_key(*p))
                .filter(|p| after.as_deref().is_none_or(|a| *p > a))
                .collect();
            unbacked.sort_unstable();
            let stored = region
                .aliases
                .range::<str, _>((start(), Bound::Unbounded))
                .map(|(n, _)| n.as_str());
            merge(stored, unbacked.into_iter(), size + 1)
        }
    };
    let truncated = names.len() > size;
    let page = &names[..names.len().min(size)];
    let out = Page {
        aliases: Entries {
            names: page,
            region,
            // `alias_arn` of an empty name is what every alias ARN starts with.
            arn_prefix: &cx.scope.alias_arn(""),
        },
        next_marker: page
            .last()
            .filter(|_| truncated)
            .map(|last| marker::encode(last)),
        truncated,
    };
    serde_json::to_vec(&out).map_err(|_| Fault::Internal)
}

/// The ListAliases response, members in AWS's order.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Page<'a> {
    aliases: Entries<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_marker: Option<String>,
    truncated: bool,
}

/// A page's entries, looked up as they are written.
struct Entries<'a> {
    names: &'a [&'a str],
    region: &'a Region,
    arn_prefix: &'a str,
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.names.len()))?;
        // One buffer for every entry's ARN: cheaper than `format!` per
        // entry, and than `collect_str`, which escapes each piece apart.
        let mut arn = String::with_capacity(self.arn_prefix.len() + 64);
        for name in self.names {
            arn.clear();
            arn.push_str(self.arn_prefix);
            arn.push_str(name);
            seq.serialize_element(&Entry {
                name,
                arn: &arn,
                alias: self.region.aliases.get(*name),
            })?;
        }
        seq.end()
    }
}

/// One entry: a stored alias has all five members, a predefined alias that
/// no key backs only its name and ARN.
struct Entry<'a> {
    name: &'a str,
    arn: &'a str,
    alias: Option<&'a Alias>,
}

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let len = if self.alias.is_some() { 5 } else { 2 };
        let mut m = s.serialize_struct("AliasListEntry", len)?;
        m.serialize_field("AliasName", self.name)?;
        m.serialize_field("AliasArn", self.arn)?;
        if let Some(a) = self.alias {
            m.serialize_field("TargetKeyId", &a.target)?;
            m.serialize_field("CreationDate", &a.created.json())?;
            m.serialize_field("LastUpdatedDate", &a.updated.json())?;
        }
        m.end()
    }
}

/// The first `n` names of two sorted sequences, in byte order.
fn merge<'a>(
    a: impl Iterator<Item = &'a str>,
    b: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    let mut out = Vec::with_capacity(n.min(128));
    while out.len() < n {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => None,
        };
        match next {
            Some(name) => out.push(name),
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_byte_order() {
        let a = ["alias/A", "alias/b", "alias/z"];
        let b = ["alias/aws/s3", "alias/c"];
        assert_eq!(
            merge(a.into_iter(), b.into_iter(), 10),
            ["alias/A", "alias/aws/s3", "alias/b", "alias/c", "alias/z"]
        );
        assert_eq!(merge(a.into_iter(), b.into_iter(), 2).len(), 2);
    }
}
