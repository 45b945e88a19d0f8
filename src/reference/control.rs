//! The reference-only control endpoint, **not part of AWS**:
//! `POST /_reference/key-state` with `{"KeyId": "<id or key ARN>",
//! "KeyState": "Updating", "Region": "us-east-1"}` (Region optional) puts a
//! key in any state, including those the API cannot reach (Creating,
//! Updating, Unavailable, PendingReplicaDeletion). Answers 200 `{}`.

use serde_json::{json, Value};

use crate::spec::key_state::PENDING_WINDOW_DEFAULT;
use crate::spec::{parse_key_ref, Aliases, Fault, KeyRef, KeyState, Scope};

use super::clock::Clock;
use super::service::str_member;
use super::state::State;

/// Sets a key's state; entering a pending-deletion state schedules a
/// deletion date (default window), leaving one clears it.
pub fn set_key_state(
    state: &mut State,
    account: &str,
    request_region: &str,
    clock: &Clock,
    body: &Value,
) -> Result<Value, Fault> {
    let bad = |what: &str| Fault::Serialization(format!("control endpoint: {what}"));
    let text = str_member(body, "KeyId").ok_or_else(|| bad("KeyId (string) is required"))?;
    let new_state = str_member(body, "KeyState")
        .and_then(KeyState::from_name)
        .ok_or_else(|| bad("KeyState must be a KeyState name, e.g. Updating"))?;
    let region = match body.get("Region") {
        None | Some(Value::Null) => request_region,
        Some(Value::String(r)) => r.as_str(),
        Some(_) => return Err(bad("Region must be a string")),
    };
    let scope = Scope {
        region: region.to_owned(),
        account: account.to_owned(),
    };
    let KeyRef::Key(id) = parse_key_ref(text, &scope, Aliases::RefuseAsInvalid)? else {
        return Err(Fault::Internal);
    };
    let key = state
        .region(account, region)
        .keys
        .get_mut(&id)
        .ok_or_else(|| Fault::KeyNotFound {
            key_arn: scope.key_arn(&id),
        })?;
    let pending = matches!(
        new_state,
        KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
    );
    key.deletion = match (pending, key.deletion) {
        (true, Some(d)) => Some(d),
        (true, None) => Some((
            clock.stamp().plus_days(PENDING_WINDOW_DEFAULT),
            PENDING_WINDOW_DEFAULT,
        )),
        (false, _) => None,
    };
    key.state = new_state;
    Ok(json!({}))
}
