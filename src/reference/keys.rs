//! Key operations: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
//! ScheduleKeyDeletion, CancelKeyDeletion. Every rule is asked of `spec`.

use std::collections::BTreeSet;
use std::ops::Bound;

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::spec::key_metadata::{
    has_current_key_material, multi_region_key_type, shows_deletion_date, shows_expiration_model,
    shows_pending_deletion_window,
};
use crate::spec::{
    self, aws_managed_key_description, check_state, check_tags, is_key_id, page_size,
    parse_key_ref, pending_window_days, resolve_usage, transition, Aliases, Fault, KeyManager,
    KeyRef, KeySpec, KeyState, KeyUsage, Operation, Origin, ResourceOwner, Role,
};

use super::marker;
use super::service::{int_member, str_member, Ctx};
use super::state::{Alias, Key, Region};

/// CreateKey.
pub fn create_key(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    // check_input has vetted the enum values; KeySpec wins over the
    // deprecated CustomerMasterKeySpec when both are sent (AWS: unrecorded).
    let spec_name =
        str_member(body, "KeySpec").or_else(|| str_member(body, "CustomerMasterKeySpec"));
    let spec = match spec_name {
        Some(name) => KeySpec::from_name(name).ok_or(Fault::Internal)?,
        None => KeySpec::SymmetricDefault,
    };
    let usage = match str_member(body, "KeyUsage") {
        Some(name) => Some(KeyUsage::from_name(name).ok_or(Fault::Internal)?),
        None => None,
    };
    let usage = resolve_usage(spec, usage)?;
    // The framework has checked each tag's shape and lengths (spec K).
    let tag_keys: Vec<&str> = body
        .get("Tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("TagKey").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    check_tags(&tag_keys)?;
    let origin = match str_member(body, "Origin") {
        Some(name) => Origin::from_name(name).ok_or(Fault::Internal)?,
        None => Origin::AwsKms,
    };
    let state = match origin {
        Origin::AwsKms => KeyState::Enabled,
        // Imported key material: the key waits for it (DG key-state.md).
        Origin::External => KeyState::PendingImport,
        Origin::AwsCloudhsm | Origin::ExternalKeyStore => {
            return Err(Fault::reference_unsupported("Custom key stores"))
        }
    };
    if str_member(body, "CustomKeyStoreId").is_some() {
        return Err(Fault::reference_unsupported("Custom key stores"));
    }
    let multi_region = body.get("MultiRegion").and_then(Value::as_bool) == Some(true);
    let id = if multi_region {
        format!("mrk-{}", Uuid::new_v4().simple())
    } else {
        Uuid::new_v4().to_string()
    };
    let key = Key {
        arn: cx.scope.key_arn(&id),
        id: id.clone(),
        spec,
        usage,
        state,
        origin,
        manager: KeyManager::Customer,
        description: str_member(body, "Description").unwrap_or("").to_owned(),
        created: cx.clock.stamp(),
        deletion: None,
        multi_region,
        material_id: own_material(spec, origin),
        aliases: BTreeSet::new(),
    };
    let out = json!({ "KeyMetadata": metadata(&key, &cx.scope.account, &cx.scope.region) });
    cx.region.keys.insert(id, key);
    Ok(out)
}

/// A fresh key material id (BackingKeyIdType: 64 lowercase hex digits) for
/// a key whose material KMS makes: symmetric AWS_KMS keys (spec K).
fn own_material(spec: KeySpec, origin: Origin) -> Option<String> {
    (spec == KeySpec::SymmetricDefault && origin == Origin::AwsKms)
        .then(|| format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple()))
}

/// KeyMetadata as CreateKey and DescribeKey send it, in model order (the
/// algorithm lists together); which optional members appear is
/// `spec::key_metadata`'s rule.
pub fn metadata(key: &Key, account: &str, region: &str) -> Value {
    let facts = key.facts();
    let mut m = Map::new();
    m.insert("AWSAccountId".into(), account.into());
    m.insert("KeyId".into(), key.id.clone().into());
    m.insert("Arn".into(), key.arn.clone().into());
    m.insert("CreationDate".into(), key.created.json());
    m.insert("Enabled".into(), key.state.is_enabled().into());
    m.insert("Description".into(), key.description.clone().into());
    m.insert("KeyUsage".into(), key.usage.name().into());
    m.insert("KeyState".into(), key.state.name().into());
    if let Some((date, _)) = key.deletion.filter(|_| shows_deletion_date(key.state)) {
        m.insert("DeletionDate".into(), date.json());
    }
    m.insert("Origin".into(), key.origin.name().into());
    if shows_expiration_model(&facts) {
        // Unreachable while no ImportKeyMaterial is served.
        m.insert(
            "ExpirationModel".into(),
            spec::key::ExpirationModel::KeyMaterialExpires.name().into(),
        );
    }
    m.insert("KeyManager".into(), key.manager.name().into());
    // The deprecated member cannot name specs its enum lacks.
    if key.spec.in_customer_master_key_spec() {
        m.insert("CustomerMasterKeySpec".into(), key.spec.name().into());
    }
    m.insert("KeySpec".into(), key.spec.name().into());
    for (name, list) in key.spec.algorithms(key.usage).members() {
        if !list.is_empty() {
            m.insert(name.into(), list.to_vec().into());
        }
    }
    m.insert("MultiRegion".into(), key.multi_region.into());
    if let Some(kind) = multi_region_key_type(&facts) {
        m.insert(
            "MultiRegionConfiguration".into(),
            json!({
                "MultiRegionKeyType": kind.name(),
                "PrimaryKey": {"Arn": key.arn, "Region": region},
                "ReplicaKeys": [],
            }),
        );
    }
    if let Some((_, days)) = key
        .deletion
        .filter(|_| shows_pending_deletion_window(key.state))
    {
        m.insert("PendingDeletionWindowInDays".into(), days.into());
    }
    if let Some(id) = key
        .material_id
        .as_ref()
        .filter(|_| has_current_key_material(&facts))
    {
        m.insert("CurrentKeyMaterialId".into(), id.clone().into());
    }
    Value::Object(m)
}

/// The key a key-only identifier (key id or key ARN) names.
pub fn find_key<'r>(cx: &'r mut Ctx, text: &str, aliases: Aliases) -> Result<&'r mut Key, Fault> {
    match parse_key_ref(text, cx.scope, aliases)? {
        KeyRef::Key(id) => find_by_id(cx.region, &id, cx.scope),
        // Only reachable with Aliases::Resolve, which key-only operations do not use.
        KeyRef::Alias(_) => Err(Fault::Internal),
    }
}

fn find_by_id<'r>(
    region: &'r mut Region,
    id: &str,
    scope: &spec::Scope,
) -> Result<&'r mut Key, Fault> {
    region.keys.get_mut(id).ok_or_else(|| Fault::KeyNotFound {
        key_arn: scope.key_arn(id),
    })
}

/// DescribeKey: accepts key ids, key ARNs, alias names and alias ARNs.
pub fn describe_key(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    let text = str_member(body, "KeyId").ok_or(Fault::Internal)?;
    let id = match parse_key_ref(text, cx.scope, Aliases::Resolve)? {
        KeyRef::Key(id) => id,
        KeyRef::Alias(name) => match cx.region.aliases.get(&name) {
            Some(alias) => alias.target.clone(),
            None => match aws_managed_key_description(&name) {
                Some(description) => create_aws_managed(cx, &name, description),
                None => {
                    return Err(Fault::AliasNotFound {
                        alias_arn: cx.scope.alias_arn(&name),
                    })
                }
            },
        },
    };
    let key = find_by_id(cx.region, &id, cx.scope)?;
    Ok(json!({ "KeyMetadata": metadata(key, &cx.scope.account, &cx.scope.region) }))
}

/// AWS creates the key behind a predefined alias on first use (BC DescribeKey doc).
fn create_aws_managed(cx: &mut Ctx, alias_name: &str, description: String) -> String {
    let id = Uuid::new_v4().to_string();
    let now = cx.clock.stamp();
    let key = Key {
        arn: cx.scope.key_arn(&id),
        id: id.clone(),
        spec: KeySpec::SymmetricDefault,
        usage: KeyUsage::EncryptDecrypt,
        state: KeyState::Enabled,
        origin: Origin::AwsKms,
        manager: KeyManager::Aws,
        description,
        created: now,
        deletion: None,
        multi_region: false,
        material_id: own_material(KeySpec::SymmetricDefault, Origin::AwsKms),
        aliases: BTreeSet::new(),
    };
    cx.region.keys.insert(id.clone(), key);
    cx.region.link(
        alias_name,
        Alias {
            target: id.clone(),
            created: now,
            updated: now,
        },
    );
    id
}

/// ListKeys: every key of the Region, by id, paged. `ResourceOwners` without
/// SELF lists only keys shared through RAM, of which the reference has none
/// (BC ListKeys doc; documented).
pub fn list_keys(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    let size = page_size(Operation::ListKeys, int_member(body, "Limit"));
    let own = match body.get("ResourceOwners").and_then(Value::as_array) {
        Some(owners) => owners
            .iter()
            .any(|o| o.as_str() == Some(ResourceOwner::SelfOwned.name())),
        None => true,
    };
    let after = match str_member(body, "Marker") {
        Some(m) => Some(marker::decode(m, is_key_id)?),
        None => None,
    };
    let start = match &after {
        Some(a) => Bound::Excluded(a.as_str()),
        None => Bound::Unbounded,
    };
    let mut iter = cx
        .region
        .keys
        .range::<str, _>((start, Bound::Unbounded))
        .map(|(_, k)| k);
    let page: Vec<&Key> = if own {
        iter.by_ref().take(size).collect()
    } else {
        Vec::new()
    };
    let truncated = own && iter.next().is_some();
    let keys: Vec<Value> = page
        .iter()
        .map(|k| json!({"KeyId": k.id, "KeyArn": k.arn}))
        .collect();
    let mut out = Map::new();
    out.insert("Keys".into(), keys.into());
    if truncated {
        if let Some(last) = page.last() {
            out.insert("NextMarker".into(), marker::encode(&last.id).into());
        }
    }
    out.insert("Truncated".into(), truncated.into());
    Ok(Value::Object(out))
}

/// EnableKey and DisableKey: a state check, then the state change.
pub fn set_enabled(cx: &mut Ctx, op: Operation, body: &Value) -> Result<Value, Fault> {
    let text = str_member(body, "KeyId").ok_or(Fault::Internal)?;
    let key = find_key(cx, text, Aliases::RefuseAsInvalid)?;
    check_state(op, Role::Target, key.state, &key.arn)?;
    key.state = transition(op, key.state);
    Ok(Value::Null)
}

/// ScheduleKeyDeletion.
pub fn schedule_key_deletion(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    let text = str_member(body, "KeyId").ok_or(Fault::Internal)?;
    // The 7..30 rule is validation, so it comes before any lookup.
    let days = pending_window_days(int_member(body, "PendingWindowInDays"))?;
    let now = cx.clock.stamp();
    let key = find_key(cx, text, Aliases::RefuseAsInvalid)?;
    let op = Operation::ScheduleKeyDeletion;
    check_state(op, Role::Target, key.state, &key.arn)?;
    let date = now.plus_days(days);
    key.state = transition(op, key.state);
    key.deletion = Some((date, days));
    Ok(json!({
        "KeyId": key.arn,
        "DeletionDate": date.json(),
        "KeyState": key.state.name(),
        "PendingWindowInDays": days,
    }))
}

/// CancelKeyDeletion: the key comes back Disabled.
pub fn cancel_key_deletion(cx: &mut Ctx, body: &Value) -> Result<Value, Fault> {
    let text = str_member(body, "KeyId").ok_or(Fault::Internal)?;
    let key = find_key(cx, text, Aliases::RefuseAsInvalid)?;
    let op = Operation::CancelKeyDeletion;
    check_state(op, Role::Target, key.state, &key.arn)?;
    key.state = transition(op, key.state);
    key.deletion = None;
    Ok(json!({ "KeyId": key.arn }))
}
