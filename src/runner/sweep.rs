//! `sweep --prefix P`: removes what earlier runs with prefix P left behind
//! (aliases under `alias/P/`, keys whose description names P; OTC: keys
//! whose key_alias is `P/...`).

use serde_json::{json, Value};

use super::target::Target;
use crate::spec::otc::Action;
use crate::spec::Operation;

/// What a sweep removed, and what it could not.
#[derive(Debug, Default)]
pub struct SweepReport {
    /// Aliases deleted.
    pub aliases: Vec<String>,
    /// Keys scheduled for deletion.
    pub keys: Vec<String>,
    /// Failures, one line each.
    pub errors: Vec<String>,
}

/// Deletes the prefix's aliases and schedules its keys for deletion.
pub async fn sweep(target: &Target, prefix: &str) -> Result<SweepReport, String> {
    let mut report = sweep_aliases(target, prefix).await?;
    sweep_keys(target, prefix, &mut report).await?;
    Ok(report)
}

/// Deletes the prefix's aliases only: what a run does at its end, for the
/// names a target stored under another spelling than the case asked for
/// (cut short, a character replaced), which per-case cleanup cannot name.
pub async fn sweep_aliases(target: &Target, prefix: &str) -> Result<SweepReport, String> {
    let mut report = SweepReport::default();
    let alias_prefix = format!("alias/{prefix}/");
    for entry in list_all(target, Operation::ListAliases, "Aliases").await? {
        let Some(name) = entry.get("AliasName").and_then(Value::as_str) else {
            continue;
        };
        if !name.starts_with(&alias_prefix) {
            continue;
        }
        match target
            .call(Operation::DeleteAlias, &json!({ "AliasName": name }))
            .await
        {
            Ok(_) => report.aliases.push(name.to_owned()),
            Err(e) => report.errors.push(format!("DeleteAlias {name}: {e}")),
        }
    }
    Ok(report)
}

async fn sweep_keys(target: &Target, prefix: &str, report: &mut SweepReport) -> Result<(), String> {
    let description = format!("kms-alias-conformance {prefix} ");
    for entry in list_all(target, Operation::ListKeys, "Keys").await? {
        let Some(id) = entry.get("KeyId").and_then(Value::as_str) else {
            continue;
        };
        let meta = match target
            .call(Operation::DescribeKey, &json!({ "KeyId": id }))
            .await
        {
            Ok(m) => m,
            Err(e) => {
                report.errors.push(format!("DescribeKey {id}: {e}"));
                continue;
            }
        };
        let ours = meta
            .pointer("/KeyMetadata/Description")
            .and_then(Value::as_str)
            .is_some_and(|d| d.starts_with(&description));
        let state = meta
            .pointer("/KeyMetadata/KeyState")
            .and_then(Value::as_str);
        if !ours || state == Some("PendingDeletion") {
            continue;
        }
        let body = json!({ "KeyId": id, "PendingWindowInDays": 7 });
        match target.call(Operation::ScheduleKeyDeletion, &body).await {
            Ok(_) => report.keys.push(id.to_owned()),
            Err(e) => report.errors.push(format!("ScheduleKeyDeletion {id}: {e}")),
        }
    }
    Ok(())
}

/// OTC: schedules for deletion every key whose key_alias is the prefix's
/// (`P/...`, as every OTC case names its keys) and that is not scheduled
/// already; Default Master Keys are never touched.
pub async fn sweep_otc(target: &Target, prefix: &str) -> Result<SweepReport, String> {
    let mut report = SweepReport::default();
    let ours = format!("{prefix}/");
    let mut marker = 0usize;
    // A bound on pages, so a target that always says truncated cannot loop us forever.
    for _ in 0..10_000 {
        let body = json!({ "limit": "100", "marker": marker.to_string() });
        let page = target
            .call_otc(Action::ListKeys, &body, &[])
            .await
            .map_err(|e| format!("list-keys: {e}"))?;
        let details = page.get("key_details").and_then(Value::as_array);
        for key in details.into_iter().flatten() {
            let text = |m: &str| key.get(m).and_then(Value::as_str).unwrap_or_default();
            let (id, alias) = (text("key_id"), text("key_alias"));
            if !alias.starts_with(&ours)
                || text("key_state") == "4"
                || text("default_key_flag") == "1"
            {
                continue;
            }
            let body = json!({ "key_id": id, "pending_days": "7" });
            match target
                .call_otc(Action::ScheduleKeyDeletion, &body, &[])
                .await
            {
                Ok(_) => report.keys.push(id.to_owned()),
                Err(e) => report
                    .errors
                    .push(format!("schedule-key-deletion {id}: {e}")),
            }
        }
        let truncated = page.get("truncated").and_then(Value::as_str) == Some("true");
        match page
            .get("next_marker")
            .and_then(Value::as_str)
            .and_then(|m| m.parse().ok())
        {
            Some(next) if truncated && next > marker => marker = next,
            _ => return Ok(report),
        }
    }
    Err("list-keys: gave up after 10000 pages".into())
}

/// Every entry of a paginated list operation.
async fn list_all(target: &Target, op: Operation, member: &str) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    // A bound on pages, so a target that always says Truncated cannot loop us forever.
    for _ in 0..10_000 {
        let mut body = json!({ "Limit": 100 });
        if let Some(m) = &marker {
            body["Marker"] = m.clone().into();
        }
        let page = target
            .call(op, &body)
            .await
            .map_err(|e| format!("{op}: {e}"))?;
        if let Some(items) = page.get(member).and_then(Value::as_array) {
            out.extend(items.iter().cloned());
        }
        let truncated = page
            .get("Truncated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        marker = page
            .get("NextMarker")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if !truncated || marker.is_none() {
            return Ok(out);
        }
    }
    Err(format!("{op}: gave up after 10000 pages"))
}
