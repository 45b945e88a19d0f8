//! The members of an OTC request, checked before any state is looked at:
//! JSON form, required members, then each member in a fixed order.

use serde_json::{Map, Value};

use super::action::Action;
use super::alias::check_key_alias;
use super::error::OtcError;
use super::key::{check_key_id, check_pending_days, check_sequence, key_spec_from_name};
use crate::spec::key::{KeySpec, Origin};
use crate::spec::key_state::KeyState;

/// The longest key_description (spec G: 0..255).
pub const DESCRIPTION_MAX: usize = 255;
/// The largest request body the reference reads (spec G gives KMS.0203
/// "Request message too long." without a figure; AWS's 1 MiB is the
/// reference's choice, and cases about it use much more).
pub const BODY_MAX: usize = 1 << 20;

/// A request whose members passed their checks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checked {
    /// `key_id` (the actions on one key; describe-key also takes `alias/<key_alias>`).
    pub key_id: Option<String>,
    /// `key_alias` (create-key, update-key-alias).
    pub key_alias: Option<String>,
    /// `key_spec` (create-key; AES_256 when absent).
    pub key_spec: Option<KeySpec>,
    /// `key_usage` as sent (resolved against the spec by the key rules).
    pub key_usage: Option<String>,
    /// `key_description`.
    pub description: Option<String>,
    /// `origin` (`kms` when absent).
    pub origin: Option<Origin>,
    /// `pending_days`, parsed.
    pub pending_days: Option<u32>,
    /// list-keys `limit`, parsed.
    pub limit: Option<usize>,
    /// list-keys `marker`, parsed.
    pub marker: Option<usize>,
    /// list-keys `key_state` filter.
    pub key_state: Option<KeyState>,
}

/// The members each action requires (spec G and the OTC API pages).
pub fn required(action: Action) -> &'static [&'static str] {
    match action {
        Action::CreateKey => &["key_alias"],
        Action::UpdateKeyAlias => &["key_id", "key_alias"],
        Action::ScheduleKeyDeletion => &["key_id", "pending_days"],
        Action::DescribeKey
        | Action::EnableKey
        | Action::DisableKey
        | Action::CancelKeyDeletion => &["key_id"],
        Action::ListKeys => &[],
    }
}

/// Checks a request body for `action`. An empty body is an empty object
/// only for list-keys, which needs no member.
pub fn check_request(action: Action, body: &[u8]) -> Result<Checked, OtcError> {
    if body.len() > BODY_MAX {
        return Err(OtcError::TooLong);
    }
    let members: Map<String, Value> = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            _ => return Err(OtcError::InvalidJson),
        }
    };
    if required(action).iter().any(|m| !members.contains_key(*m)) {
        return Err(OtcError::MissingParameters);
    }
    // Every member the dialect uses is a string (pending_days and limit too).
    let text = |name: &str| -> Result<Option<&str>, OtcError> {
        match members.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(OtcError::InvalidFormat),
        }
    };
    let mut checked = Checked::default();
    if let Some(id) = text("key_id")? {
        // describe-key also takes `alias/<key_alias>` (OTC describe-key, Table 3).
        let by_alias = action == Action::DescribeKey
            && id
                .strip_prefix("alias/")
                .is_some_and(|a| check_key_alias(a).is_ok() || a.ends_with("/default"));
        if !by_alias {
            check_key_id(id)?;
        }
        checked.key_id = Some(id.to_owned());
    }
    if matches!(action, Action::CreateKey | Action::UpdateKeyAlias) {
        if let Some(alias) = text("key_alias")? {
            check_key_alias(alias)?;
            checked.key_alias = Some(alias.to_owned());
        }
    }
    if action == Action::CreateKey {
        if let Some(spec) = text("key_spec")? {
            checked.key_spec = Some(key_spec_from_name(spec).ok_or(OtcError::InvalidParameter)?);
        }
        checked.key_usage = text("key_usage")?.map(str::to_owned);
        if let Some(d) = text("key_description")? {
            if d.chars().count() > DESCRIPTION_MAX {
                return Err(OtcError::InvalidKeyDescription);
            }
            checked.description = Some(d.to_owned());
        }
        if let Some(o) = text("origin")? {
            checked.origin = Some(match o {
                "kms" => Origin::AwsKms,
                "external" => Origin::External,
                _ => return Err(OtcError::InvalidParameter),
            });
        }
    }
    if action == Action::ScheduleKeyDeletion {
        if let Some(days) = text("pending_days")? {
            checked.pending_days = Some(check_pending_days(days)?);
        }
    }
    if action == Action::ListKeys {
        if let Some(limit) = text("limit")? {
            checked.limit = Some(parse_count(limit, 1).ok_or(OtcError::InvalidLimit)?);
        }
        if let Some(marker) = text("marker")? {
            checked.marker = Some(parse_count(marker, 0).ok_or(OtcError::InvalidMarker)?);
        }
        if let Some(state) = text("key_state")? {
            checked.key_state =
                Some(super::key::state_from_code(state).ok_or(OtcError::InvalidParameter)?);
        }
    }
    if let Some(seq) = text("sequence")? {
        check_sequence(seq)?;
    }
    Ok(checked)
}

/// A decimal count of at least `min` (no sign, at most 9 digits).
fn parse_count(s: &str, min: usize) -> Option<usize> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<usize>().ok().filter(|n| *n >= min)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0d0466b0-e727-4d9c-b35d-f84bb474a37f";

    fn check(action: Action, body: &str) -> Result<Checked, OtcError> {
        check_request(action, body.as_bytes())
    }

    #[test]
    fn update_key_alias_members() {
        let ok = check(
            Action::UpdateKeyAlias,
            &format!(r#"{{"key_id":"{ID}","key_alias":"a"}}"#),
        )
        .unwrap();
        assert_eq!(ok.key_alias.as_deref(), Some("a"));
        use OtcError::*;
        let cases = [
            (r#"{"key_id":"x"}"#.to_owned(), MissingParameters),
            (r#"{"key_alias":"x"}"#.to_owned(), MissingParameters),
            (r#"{"key_id":"x","key_alias":"a"}"#.to_owned(), InvalidKeyId),
            (
                format!(r#"{{"key_id":"{ID}","key_alias":"a b"}}"#),
                InvalidKeyAlias,
            ),
            (
                format!(r#"{{"key_id":"{ID}","key_alias":7}}"#),
                InvalidFormat,
            ),
            (
                format!(r#"{{"key_id":"{ID}","key_alias":"a","sequence":"1"}}"#),
                InvalidSequence,
            ),
            ("{".to_owned(), InvalidJson),
            ("[]".to_owned(), InvalidJson),
            (String::new(), MissingParameters),
        ];
        for (body, want) in cases {
            assert_eq!(check(Action::UpdateKeyAlias, &body), Err(want), "{body}");
        }
    }

    #[test]
    fn other_members() {
        assert!(check(Action::ListKeys, "").is_ok());
        assert_eq!(
            check(Action::ListKeys, r#"{"limit":"0"}"#),
            Err(OtcError::InvalidLimit)
        );
        assert_eq!(
            check(Action::ListKeys, r#"{"marker":"-1"}"#),
            Err(OtcError::InvalidMarker)
        );
        assert_eq!(
            check(
                Action::ScheduleKeyDeletion,
                &format!(r#"{{"key_id":"{ID}","pending_days":"6"}}"#)
            ),
            Err(OtcError::InvalidPendingDays)
        );
        assert_eq!(
            check(
                Action::CreateKey,
                r#"{"key_alias":"a","key_spec":"AES_128"}"#
            ),
            Err(OtcError::InvalidParameter)
        );
        assert!(check(Action::DescribeKey, r#"{"key_id":"alias/evs/default"}"#).is_ok());
        let big = format!(r#"{{"key_alias":"{}"}}"#, "a".repeat(BODY_MAX));
        assert_eq!(check(Action::CreateKey, &big), Err(OtcError::TooLong));
    }
}
