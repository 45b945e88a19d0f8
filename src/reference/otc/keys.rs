//! The OTC actions on keys and their alias, after their members were checked.

use serde_json::{json, Value};

use crate::spec::otc::state::transition;
use crate::spec::otc::{self, Action, Checked, OtcError};
use crate::spec::{KeySpec, Origin};

use super::state::{OtcKey, Project};
use crate::reference::clock::Stamp;

/// What a handler sees.
pub struct OtcCtx<'a> {
    /// The project's keys.
    pub project: &'a mut Project,
    /// The domain (account) id shown in key_info.
    pub domain_id: &'a str,
    /// The region shown as `realm`.
    pub realm: &'a str,
    /// Now.
    pub now: Stamp,
}

/// Runs one checked action.
pub fn run(action: Action, cx: &mut OtcCtx, req: &Checked) -> Result<Value, OtcError> {
    match action {
        Action::CreateKey => create_key(cx, req),
        Action::UpdateKeyAlias => update_key_alias(cx, req),
        Action::DescribeKey => describe_key(cx, req),
        Action::ListKeys => Ok(list_keys(cx, req)),
        Action::EnableKey => set_enabled(cx, req, true),
        Action::DisableKey => set_enabled(cx, req, false),
        Action::ScheduleKeyDeletion => schedule_deletion(cx, req),
        Action::CancelKeyDeletion => cancel_deletion(cx, req),
    }
}

fn create_key(cx: &mut OtcCtx, req: &Checked) -> Result<Value, OtcError> {
    let alias = req.key_alias.clone().ok_or(OtcError::MissingParameters)?;
    let spec = req.key_spec.unwrap_or(KeySpec::SymmetricDefault);
    let usage = otc::resolve_usage(spec, req.key_usage.as_deref())?;
    if cx.project.by_alias(&alias).is_some() {
        return Err(OtcError::DuplicateKeyAlias);
    }
    let origin = req.origin.unwrap_or(Origin::AwsKms);
    let id = uuid::Uuid::new_v4().to_string();
    cx.project.keys.insert(
        id.clone(),
        OtcKey {
            id: id.clone(),
            alias,
            spec,
            usage,
            state: otc::state::initial(origin),
            origin,
            description: req.description.clone().unwrap_or_default(),
            created: cx.now,
            deletion: None,
            default_key: false,
        },
    );
    Ok(json!({ "key_info": { "key_id": id, "domain_id": cx.domain_id } }))
}

/// The key a checked key_id names, or KMS.0207.
fn key<'p>(project: &'p mut Project, req: &Checked) -> Result<&'p mut OtcKey, OtcError> {
    let id = req.key_id.as_deref().ok_or(OtcError::MissingParameters)?;
    let found = match id.strip_prefix("alias/").filter(|_| !otc::is_key_id(id)) {
        Some(alias) => project
            .by_alias(alias)
            .map(|k| k.id.clone())
            .unwrap_or_default(),
        None => id.to_owned(),
    };
    project.keys.get_mut(&found).ok_or(OtcError::KeyNotFound)
}

/// The order of update-key-alias's checks once the members are valid: the
/// key exists, its state allows it (`spec::otc::state`), and no other key
/// has the alias.
fn update_key_alias(cx: &mut OtcCtx, req: &Checked) -> Result<Value, OtcError> {
    let alias = req.key_alias.clone().ok_or(OtcError::MissingParameters)?;
    let taken_by = cx.project.by_alias(&alias).map(|k| k.id.clone());
    let k = key(cx.project, req)?;
    transition(Action::UpdateKeyAlias, k.default_key, k.state)?;
    if taken_by.is_some_and(|id| id != k.id) {
        return Err(OtcError::DuplicateKeyAlias);
    }
    k.alias = alias;
    Ok(json!({ "key_info": { "key_id": k.id, "key_alias": k.alias } }))
}

fn describe_key(cx: &mut OtcCtx, req: &Checked) -> Result<Value, OtcError> {
    let (domain_id, realm) = (cx.domain_id, cx.realm);
    let k = key(cx.project, req)?;
    Ok(json!({ "key_info": key_info(k, domain_id, realm) }))
}

/// A key as describe-key and list-keys show it (every member a string).
pub fn key_info(k: &OtcKey, domain_id: &str, realm: &str) -> Value {
    json!({
        "key_id": k.id,
        "domain_id": domain_id,
        "key_alias": k.alias,
        "realm": realm,
        "key_description": k.description,
        "key_spec": otc::key_spec_name(k.spec).unwrap_or("AES_256"),
        "key_usage": k.usage.name(),
        "creation_date": k.created.0.to_string(),
        "scheduled_deletion_date": k.deletion.map(|d| d.0.to_string()).unwrap_or_default(),
        "key_state": otc::state_code(k.state),
        "default_key_flag": if k.default_key { "1" } else { "0" },
        "key_type": "1",
        "expiration_time": "",
        "origin": if k.origin == Origin::External { "external" } else { "kms" },
    })
}

fn list_keys(cx: &mut OtcCtx, req: &Checked) -> Value {
    let matching: Vec<&OtcKey> = cx
        .project
        .keys
        .values()
        .filter(|k| {
            req.key_state
                .is_none_or(|s| otc::state_code(s) == otc::state_code(k.state))
        })
        .collect();
    let start = req.marker.unwrap_or(0).min(matching.len());
    let limit = req.limit.unwrap_or(usize::MAX);
    let page: Vec<&OtcKey> = matching[start..].iter().take(limit).copied().collect();
    let end = start + page.len();
    let truncated = end < matching.len();
    json!({
        "keys": page.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
        "key_details": page.iter().map(|k| key_info(k, cx.domain_id, cx.realm)).collect::<Vec<_>>(),
        "next_marker": if truncated { end.to_string() } else { String::new() },
        "truncated": truncated.to_string(),
        "total": matching.len(),
    })
}

/// enable-key and disable-key, as `spec::otc::state` allows them.
fn set_enabled(cx: &mut OtcCtx, req: &Checked, enable: bool) -> Result<Value, OtcError> {
    let action = if enable {
        Action::EnableKey
    } else {
        Action::DisableKey
    };
    let k = key(cx.project, req)?;
    k.state = transition(action, k.default_key, k.state)?;
    Ok(json!({ "key_info": { "key_id": k.id, "key_state": otc::state_code(k.state) } }))
}

fn schedule_deletion(cx: &mut OtcCtx, req: &Checked) -> Result<Value, OtcError> {
    let days = req.pending_days.ok_or(OtcError::MissingParameters)?;
    let now = cx.now;
    let k = key(cx.project, req)?;
    k.state = transition(Action::ScheduleKeyDeletion, k.default_key, k.state)?;
    k.deletion = Some(now.plus_days(i64::from(days)));
    Ok(json!({ "key_id": k.id, "key_state": otc::state_code(k.state) }))
}

fn cancel_deletion(cx: &mut OtcCtx, req: &Checked) -> Result<Value, OtcError> {
    let k = key(cx.project, req)?;
    k.state = transition(Action::CancelKeyDeletion, k.default_key, k.state)?;
    k.deletion = None;
    Ok(json!({ "key_id": k.id, "key_state": otc::state_code(k.state) }))
}
