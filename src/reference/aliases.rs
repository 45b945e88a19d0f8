//! Alias operations: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
//! Every rule is asked of `spec`; this module only sequences the checks.

use std::ops::Bound;

use serde_json::{json, Map, Value};

use crate::spec::alias::PREFIX;
use crate::spec::{
    check_alias_name, check_quota, check_retarget, check_state, page_size, Aliases, Fault,
    KeyManager, Operation, Role, PREDEFINED,
};

use super::keys::find_key;
use super::marker;
use super::service::{int_member, str_member, Ctx};
use super::state::{Alias, Key};

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
pub fn list_aliases(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    let size = page_size(Operation::ListAliases, int_member(body, "Limit"));
    let after = match str_member(body, "Marker") {
        Some(m) => Some(marker::decode(m, |s| s.starts_with(PREFIX))?),
        None => None,
    };
    let start = || match &after {
        Some(a) => Bound::Excluded(a.as_str()),
        None => Bound::Unbounded,
    };
    // Owned names: the page is small, and the key lookup borrows the Region.
    let names: Vec<String> = match str_member(body, "KeyId") {
        Some(text) => {
            let key = find_key(cx, text, Aliases::RefuseAsInvalid)?;
            key.aliases
                .range::<str, _>((start(), Bound::Unbounded))
                .take(size + 1)
                .cloned()
                .collect()
        }
        None => {
            let region = &*cx.region;
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
                .into_iter()
                .map(str::to_owned)
                .collect()
        }
    };
    let truncated = names.len() > size;
    let page = &names[..names.len().min(size)];
    let entries: Vec<Value> = page.iter().map(|n| entry(cx, n)).collect();
    let mut out = Map::new();
    out.insert("Aliases".into(), entries.into());
    if truncated {
        if let Some(last) = page.last() {
            out.insert("NextMarker".into(), marker::encode(last).into());
        }
    }
    out.insert("Truncated".into(), truncated.into());
    Ok(Value::Object(out))
}

fn entry(cx: &Ctx, name: &str) -> Value {
    let arn = cx.scope.alias_arn(name);
    match cx.region.aliases.get(name) {
        Some(a) => json!({
            "AliasName": name,
            "AliasArn": arn,
            "TargetKeyId": a.target,
            "CreationDate": a.created.json(),
            "LastUpdatedDate": a.updated.json(),
        }),
        None => json!({"AliasName": name, "AliasArn": arn}),
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
