//! Alias operations: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
//! Every rule is asked of `spec`; this module only sequences the checks.

use std::ops::Bound;

use serde_json::Value;

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
    // `alias_arn` of an empty name is what every alias ARN starts with.
    let arn_prefix = cx.scope.alias_arn("");
    // Room for the whole page (an entry is its name twice, the ARN prefix
    // and at most ~150 bytes more), rather than doubling into it.
    let room: usize = page
        .iter()
        .map(|n| 2 * n.len() + arn_prefix.len() + 150)
        .sum();
    let mut out = Vec::with_capacity(room + 200);
    out.extend_from_slice(b"{\"Aliases\":[");
    for (i, name) in page.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"AliasName\":");
        push_json_str(&mut out, &[name]);
        out.extend_from_slice(b",\"AliasArn\":");
        push_json_str(&mut out, &[&arn_prefix, name]);
        // A predefined alias that no key backs has its name and ARN only.
        if let Some(a) = region.aliases.get(*name) {
            out.extend_from_slice(b",\"TargetKeyId\":");
            push_json_str(&mut out, &[&a.target]);
            out.extend_from_slice(b",\"CreationDate\":");
            push_json(&mut out, &a.created.json())?;
            out.extend_from_slice(b",\"LastUpdatedDate\":");
            push_json(&mut out, &a.updated.json())?;
        }
        out.push(b'}');
    }
    out.push(b']');
    if let (true, Some(last)) = (truncated, page.last()) {
        out.extend_from_slice(b",\"NextMarker\":");
        push_json_str(&mut out, &[&marker::encode(last)]);
    }
    out.extend_from_slice(if truncated {
        b",\"Truncated\":true}"
    } else {
        b",\"Truncated\":false}"
    });
    Ok(out)
}

/// Appends the concatenation of `parts` as one JSON string, byte for byte
/// as serde_json writes it. Names and ARNs never need escaping, and copying
/// them is a fraction of serde_json's byte-at-a-time scan; a part that
/// does need it goes through serde_json.
fn push_json_str(out: &mut Vec<u8>, parts: &[&str]) {
    let plain = |s: &str| s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
    if parts.iter().all(|p| plain(p)) {
        out.push(b'"');
        for p in parts {
            out.extend_from_slice(p.as_bytes());
        }
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &parts.concat());
    }
}

fn push_json(out: &mut Vec<u8>, v: &Value) -> Result<(), Fault> {
    serde_json::to_writer(out, v).map_err(|_| Fault::Internal)
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
    fn json_strings_as_serde_json_writes_them() {
        let odd: String = (0u8..0x80)
            .map(char::from)
            .chain(['é', '€', '😀'])
            .collect();
        for s in ["", "alias/aws/s3", "a\"b", "a\\b", "tab\there", &odd] {
            let mut out = Vec::new();
            push_json_str(&mut out, &[s]);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
            let mut out = Vec::new();
            push_json_str(&mut out, &["arn:aws:kms:x:1:", s]);
            let joined = format!("arn:aws:kms:x:1:{s}");
            assert_eq!(out, serde_json::to_vec(&joined).unwrap(), "{s:?}");
        }
    }

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
