//! The mutant emulators: each is the reference with exactly one clause of the
//! spec broken, most of them a deviation a real emulator has (or had).
//! Section marks (B#9, E, J Q5, I) point into the shared spec document.

use serde_json::{json, Value};

use crate::proxy::{Req, Resp, Upstream, HANG_UP};

/// One way to be wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutant {
    // ---- protocol (spec F) -------------------------------------------------
    /// F, B (status line): NotFoundException answered with HTTP 404, not 400
    /// (floci before PR #3968).
    NotFoundIs404,
    /// F: `x-amzn-RequestId` missing from every response.
    NoRequestId,
    /// F: the same request id on every response.
    ConstantRequestId,
    /// F, J Q7: Create/Update/DeleteAlias succeed with the JSON text `null`
    /// instead of an empty body (moto, I.7).
    SuccessBodyNull,
    /// F: Create/Update/DeleteAlias succeed with `{}` instead of an empty body.
    SuccessBodyEmptyObject,
    /// F: `Content-Type: application/json` instead of `application/x-amz-json-1.1`.
    PlainJsonContentType,
    /// F (common errors): malformed JSON answered 500 InternalFailure instead
    /// of 400 SerializationException.
    SerializationIs500,
    /// F (common errors): an unknown X-Amz-Target answered 404 instead of 400.
    UnknownOperationIs404,
    /// J Q6, B#7: a missing required member answered `MissingParameterException`
    /// (`AliasName is a required parameter`) instead of ValidationException
    /// (local-kms).
    MissingParameterException,
    /// F (spec/shape.rs): a member the input shape does not define is refused
    /// instead of ignored.
    StrictUnknownMembers,

    // ---- alias names (spec A, B#1..#9, J Q3) --------------------------------
    /// A: the length limit is off by one (a name of exactly 256 characters
    /// is refused).
    Name256Refused,
    /// A, B#5: no length check: a name over 256 characters is stored cut to
    /// 256 (moto, LocalStack: no length check, I.1, I.3).
    Name257Accepted,
    /// B#8, J Q2: CreateAlias of `alias/aws/...` accepted (LocalStack, I.1).
    ReservedAccepted,
    /// B#4, J Q3: `:` after `alias/` accepted (stored as `-`) (LocalStack, I.1).
    ColonAccepted,
    /// B#1, H: the missing-prefix error says moto's old `Invalid identifier`
    /// (moto, I.1).
    PrefixMessageMoto,
    /// B#2, I (LocalStack 2): DeleteAlias does not check the `alias/` prefix,
    /// so such a name is simply not found.
    DeletePrefixUnchecked,
    /// B#9, J Q7: AlreadyExistsException names the alias name, not its ARN.
    AlreadyExistsNamesName,
    /// B#16, J Q7: DeleteAlias's `Alias <arn> is not found` lacks the final
    /// period (LocalStack, I.2).
    NotFoundNoPeriod,
    /// A (DG alias-manage.md, case-sensitive names): names are matched
    /// case-insensitively (stored lower-cased after the prefix).
    CaseInsensitiveNames,

    // ---- ListAliases (spec E, J Q5) ----------------------------------------
    /// E: TargetKeyId listed as the key ARN instead of the bare key id
    /// (LocalStack #8502, I.3).
    TargetKeyIdIsArn,
    /// E: no LastUpdatedDate in the entries (LocalStack's `LastUpdateDate`
    /// typo, I.4; local-kms).
    NoLastUpdatedDate,
    /// E: no CreationDate in the entries (moto I.5, local-kms).
    NoCreationDate,
    /// E: dates as strings instead of epoch-second numbers.
    DatesAsStrings,
    /// E: UpdateAlias does not move LastUpdatedDate (it always equals
    /// CreationDate).
    LastUpdatedNeverMoves,
    /// E, J Q5: `Truncated` missing from ListAliases.
    NoTruncated,
    /// E, J Q5: a NextMarker on a complete page.
    NextMarkerOnLastPage,
    /// I (moto 5): Limit and Marker ignored, every page complete.
    PaginationIgnored,
    /// A, I (LocalStack #6193): the KeyId filter ignored.
    KeyFilterIgnored,
    /// J Q5, E: default page size 100 instead of 50 (LocalStack, I.5).
    DefaultPage100,
    /// A, J Q5: Limit 101..1000 refused (local-kms enforces 1..100).
    LimitMax100,
    /// A, B#26: Limit outside 1..1000 accepted (clamped).
    LimitUnchecked,
    /// B#25, J Q5: an invalid Marker is ignored (listing restarts) instead of
    /// InvalidMarkerException.
    InvalidMarkerIgnored,

    // ---- target keys and key states (spec B#10..#24, C, D) -----------------
    /// C [3], B#14: CreateAlias to a key pending deletion accepted (moto, I.3).
    PendingDeletionTargetAccepted,
    /// C [10], B#17: UpdateAlias to a key pending deletion accepted (moto, I.3).
    UpdateToPendingDeletionAccepted,
    /// C, B#15: CreateAlias/UpdateAlias to a Disabled or PendingImport key
    /// refused (an emulator that wants Enabled keys).
    NonEnabledTargetRefused,
    /// C [10], B#18: UpdateAlias refused when the *current* key is pending
    /// deletion.
    CurrentPendingDeletionRefused,
    /// D, J Q1: UpdateAlias lets the key usage change (moto, LocalStack, I.3).
    UsageCheckMissing,
    /// D: UpdateAlias lets the key type change with the same usage
    /// (symmetric <-> RSA ENCRYPT_DECRYPT, HMAC <-> symmetric).
    TypeCheckMissing,
    /// D: UpdateAlias refuses another KeySpec of the same family and usage,
    /// e.g. RSA -> ECC SIGN_VERIFY (local-kms compares the exact key class).
    FamilyTooStrict,
    /// A (quota), B#21, J Q8: no 50-alias quota (moto, LocalStack, I.3, I.7).
    QuotaMissing,
    /// B#10: an unknown key answered `ResourceNotFoundException`.
    UnknownKeyOtherCode,
    /// B#10: `Key '<arn>' does not exist` names the id as sent, not the ARN.
    KeyNotFoundNamesIdAsSent,
    /// B#11, I (moto 6): `Invalid keyId x` without the quotes.
    InvalidKeyIdUnquoted,
    /// J Q4, I (LocalStack 6): an alias name or ARN as TargetKeyId is
    /// resolved to its key and accepted.
    AliasAsTargetAccepted,
    /// A, B#10: a key ARN of another account is taken as naming the key of
    /// this account with that id (the account field is not checked).
    OtherAccountArnAccepted,
    /// A (DescribeKey): alias names and ARNs not resolved by DescribeKey.
    DescribeThroughAliasUnsupported,
    /// B#16: DeleteAlias of a missing alias answers 200.
    DeleteMissingAliasSucceeds,
    /// B#16: UpdateAlias of a missing alias answers 200.
    UpdateMissingAliasSucceeds,
    /// A, H: ScheduleKeyDeletion's PendingWindowInDays outside 7..30 accepted
    /// (clamped).
    ScheduleWindowUnchecked,
    /// C (lifecycle, LS validated): CancelKeyDeletion leaves the key Enabled
    /// instead of Disabled.
    CancelEnablesKey,

    // ---- targets that lack an operation or break the transport -------------
    /// UpdateAlias is not served at all (UnknownOperationException): its
    /// cases are blocked, not failed.
    UpdateAliasUnsupported,
    /// DescribeKey hangs up without an answer: its cases end in a transport
    /// error.
    DescribeKeyHangsUp,
    /// CreateAlias creates the alias, then answers garbage (not JSON, 200):
    /// cleanup must still remove it.
    CreateAnswersGarbage,

    // ---- equivalent mutants: AWS-compatible variations the suite must pass --
    /// F: `__type` namespaced (`com.amazonaws.kms#Code`), as SDKs allow.
    NamespacedErrorType,
    /// F: the code also in an `x-amzn-ErrorType` header.
    ErrorTypeHeader,
    /// F: JSON bodies pretty-printed with their members in reverse order
    /// (JSON objects are unordered).
    PrettyJsonReordered,

    // ---- the OTC dialect (spec G) -------------------------------------------
    /// G: no length check: a key_alias over 255 characters is stored cut to 255.
    OtcAlias256Accepted,
    /// G: the `/default` suffix kept for Default Master Keys is accepted on a
    /// user's key (stored as `/defaulx`).
    OtcDefaultSuffixAccepted,
    /// G: a request without X-Auth-Token is served.
    OtcTokenUnchecked,
    /// G: errors as a flat `{"error_code", "error_msg"}`, not under `error`.
    OtcFlatErrorEnvelope,
    /// G: describe-key's key_state as a number, not a string.
    OtcKeyStateNumber,
    /// G: a wrong method answered 404 KMS.0201 instead of 405 KMS.0215.
    OtcWrongMethodIs404,
}

use Mutant::*;

/// Every mutant that breaks a clause; each must be caught.
pub const BROKEN: &[Mutant] = &[
    OtcAlias256Accepted,
    OtcDefaultSuffixAccepted,
    OtcTokenUnchecked,
    OtcFlatErrorEnvelope,
    OtcKeyStateNumber,
    OtcWrongMethodIs404,
    // closed by cases/ListAliases/default-limit.yaml
    DefaultPage100,
    // closed by cases/keys/pending-window.yaml
    ScheduleWindowUnchecked,
    NotFoundIs404,
    NoRequestId,
    ConstantRequestId,
    SuccessBodyNull,
    SuccessBodyEmptyObject,
    PlainJsonContentType,
    SerializationIs500,
    UnknownOperationIs404,
    MissingParameterException,
    StrictUnknownMembers,
    Name256Refused,
    Name257Accepted,
    ReservedAccepted,
    ColonAccepted,
    PrefixMessageMoto,
    DeletePrefixUnchecked,
    AlreadyExistsNamesName,
    NotFoundNoPeriod,
    CaseInsensitiveNames,
    TargetKeyIdIsArn,
    NoLastUpdatedDate,
    NoCreationDate,
    DatesAsStrings,
    LastUpdatedNeverMoves,
    NoTruncated,
    NextMarkerOnLastPage,
    PaginationIgnored,
    KeyFilterIgnored,
    LimitMax100,
    LimitUnchecked,
    InvalidMarkerIgnored,
    PendingDeletionTargetAccepted,
    UpdateToPendingDeletionAccepted,
    NonEnabledTargetRefused,
    CurrentPendingDeletionRefused,
    UsageCheckMissing,
    TypeCheckMissing,
    FamilyTooStrict,
    QuotaMissing,
    UnknownKeyOtherCode,
    KeyNotFoundNamesIdAsSent,
    InvalidKeyIdUnquoted,
    AliasAsTargetAccepted,
    OtherAccountArnAccepted,
    DescribeThroughAliasUnsupported,
    DeleteMissingAliasSucceeds,
    UpdateMissingAliasSucceeds,
    CancelEnablesKey,
    UpdateAliasUnsupported,
    DescribeKeyHangsUp,
    CreateAnswersGarbage,
];

/// Mutants that break a clause the corpus does not check yet. Each is
/// asserted NOT caught, so the test fails (and this list must shrink) when a
/// new case closes the gap.
pub const NOT_CAUGHT_YET: &[Mutant] = &[];

/// AWS-compatible variations: the suite must pass them.
pub const EQUIVALENT: &[Mutant] = &[NamespacedErrorType, ErrorTypeHeader, PrettyJsonReordered];

const ALIAS_OPS: &[&str] = &["CreateAlias", "UpdateAlias", "DeleteAlias"];

/// The OTC action a request's path names (`/v1.0/{project}/kms/<action>`), or "".
fn otc_action(req: &Req) -> &str {
    match req.path.strip_prefix("/v1.0/") {
        Some(rest) => rest.split_once("/kms/").map_or("", |(_, a)| a),
        None => "",
    }
}

/// A key ARN with its account field set to the reference's (the default
/// 111122223333); anything else as it is.
fn own_account(id: &str) -> String {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "kms", region, account, resource]
            if account.len() == 12 && resource.starts_with("key/") =>
        {
            format!("arn:{partition}:kms:{region}:111122223333:{resource}")
        }
        _ => id.to_owned(),
    }
}

fn is_alias_ref(id: &str) -> bool {
    id.starts_with("alias/") || id.contains(":alias/")
}

impl Mutant {
    pub fn name(self) -> String {
        format!("{self:?}")
    }

    /// The trial-name prefixes of which at least one must fail: the case
    /// file that checks the broken clause (not merely collateral damage).
    pub fn expected(self) -> &'static [&'static str] {
        match self {
            NotFoundIs404 => &["protocol/error-body::an-alias-that-does-not-exist-is-status-400"],
            NoRequestId => &["protocol/request-id::"],
            ConstantRequestId => &["protocol/request-id::two-requests-get-different-request-ids"],
            SuccessBodyNull | SuccessBodyEmptyObject => &["protocol/empty-success-body::"],
            UpdateAliasUnsupported => &["UpdateAlias/"],
            DescribeKeyHangsUp => &["DescribeKey/"],
            CreateAnswersGarbage => &["CreateAlias/success-shape::"],
            PlainJsonContentType => &["protocol/empty-success-body::", "protocol/error-body::"],
            SerializationIs500 => &["protocol/malformed-body::"],
            UnknownOperationIs404 => &["protocol/unknown-operation::"],
            MissingParameterException => &["CreateAlias/required-members::"],
            StrictUnknownMembers => &["protocol/unknown-members::"],
            Name256Refused => &["CreateAlias/name-length::accepts-a-name-of-exactly-256"],
            Name257Accepted => &["CreateAlias/name-length::rejects-a-name-of-257"],
            ReservedAccepted => &["CreateAlias/name-reserved::"],
            ColonAccepted => &["CreateAlias/name-colon::"],
            PrefixMessageMoto => &["CreateAlias/name-prefix::"],
            DeletePrefixUnchecked => &["DeleteAlias/prefix::"],
            AlreadyExistsNamesName => &["CreateAlias/duplicate-name::"],
            NotFoundNoPeriod => &["DeleteAlias/not-found::"],
            CaseInsensitiveNames => &["DeleteAlias/not-found::the-alias-name-is-matched-case-sensitively"],
            TargetKeyIdIsArn => &["ListAliases/target-key-id::"],
            NoLastUpdatedDate | NoCreationDate | DatesAsStrings => &["CreateAlias/success-shape::lists-the-new-alias"],
            LastUpdatedNeverMoves => &["ListAliases/dates::updatealias-advances"],
            NoTruncated => &["ListAliases/entry-shape::"],
            NextMarkerOnLastPage => &["ListAliases/pagination::a-complete-page"],
            PaginationIgnored => &["ListAliases/pagination::limit-1"],
            KeyFilterIgnored => &["ListAliases/key-filter::"],
            DefaultPage100 => &["ListAliases/"],
            LimitMax100 => &["ListAliases/limit::accepts-limit-1000"],
            LimitUnchecked => &["ListAliases/limit::refuses"],
            InvalidMarkerIgnored => &["ListAliases/marker::"],
            PendingDeletionTargetAccepted => &["CreateAlias/key-state::rejects-a-key-pending-deletion"],
            UpdateToPendingDeletionAccepted => &["UpdateAlias/key-state::rejects-a-new-key-pending-deletion"],
            NonEnabledTargetRefused => &["CreateAlias/key-state::accepts-a-disabled-key"],
            CurrentPendingDeletionRefused => &["UpdateAlias/key-state::moves-an-alias-away-from-a-current-key-that-is-pending-deletion"],
            UsageCheckMissing => &["UpdateAlias/family-rule::rejects-rsa-encrypt-decrypt-moving-to-rsa-sign-verify"],
            TypeCheckMissing => &["UpdateAlias/family-rule::rejects-a-symmetric-key-moving-to-an-rsa"],
            FamilyTooStrict => &["UpdateAlias/family-rule::accepts-rsa-sign-verify-moving-to-ecc"],
            QuotaMissing => &["CreateAlias/quota::rejects-a-fifty-first-alias"],
            UnknownKeyOtherCode => &["CreateAlias/target-key-not-found::"],
            KeyNotFoundNamesIdAsSent => &["DescribeKey/key-not-found::", "CreateAlias/target-key-not-found::"],
            // alias operations accept the unquoted form (a 2021 CreateAlias
            // recording shows it); the quotes are recorded for DescribeKey
            InvalidKeyIdUnquoted => &["DescribeKey/key-not-found::a-malformed-key-id"],
            AliasAsTargetAccepted => &["CreateAlias/target-key-forms::refuses-an-existing-alias"],
            OtherAccountArnAccepted => &["key-id/bad-arn::"],
            DescribeThroughAliasUnsupported => &["DescribeKey/through-alias::"],
            DeleteMissingAliasSucceeds => &["DeleteAlias/not-found::"],
            UpdateMissingAliasSucceeds => &["UpdateAlias/alias-not-found::"],
            ScheduleWindowUnchecked => &["keys/"],
            CancelEnablesKey => &["keys/schedule-cancel::cancelkeydeletion-leaves-the-key-disabled"],
            OtcAlias256Accepted => &[
                "otc/update-key-alias-key_alias-length::",
                "otc/create-key-key_alias-length::",
            ],
            OtcDefaultSuffixAccepted => &[
                "otc/update-key-alias-key_alias-default-suffix::",
                "otc/create-key-key_alias-default-suffix::",
            ],
            OtcTokenUnchecked => &["otc/protocol-auth::"],
            OtcFlatErrorEnvelope => &["otc/"],
            OtcKeyStateNumber => &["otc/describe-key-response::", "otc/key-state-codes::"],
            OtcWrongMethodIs404 => &["otc/protocol-method::"],
            NamespacedErrorType | ErrorTypeHeader | PrettyJsonReordered => &[],
        }
    }

    /// Whether the mutant leaves requests and signatures alone (so it can
    /// run against a reference that verifies signatures).
    pub fn keeps_signatures(self) -> bool {
        EQUIVALENT.contains(&self)
    }

    /// Answers one request the way this mutant emulator would.
    pub async fn exchange(self, up: &Upstream, mut req: Req) -> Resp {
        if let Some(answer) = self.before(up, &mut req).await {
            return answer;
        }
        let mut resp = up.forward(&req).await;
        self.after(up, &req, &mut resp).await;
        resp
    }

    /// Request side: rewrite the request, or answer without forwarding.
    async fn before(self, up: &Upstream, req: &mut Req) -> Option<Resp> {
        let op = req.op().to_owned();
        let action = otc_action(req);
        match self {
            OtcAlias256Accepted if matches!(action, "create-key" | "update-key-alias") => {
                req.edit(|m| {
                    if let Some(Value::String(a)) = m.get_mut("key_alias") {
                        if a.chars().count() > 255 {
                            *a = a.chars().take(255).collect();
                        }
                    }
                });
            }
            OtcDefaultSuffixAccepted if matches!(action, "create-key" | "update-key-alias") => {
                req.edit(|m| {
                    if let Some(Value::String(a)) = m.get_mut("key_alias") {
                        if let Some(stem) = a.strip_suffix("/default") {
                            *a = format!("{stem}/defaulx");
                        }
                    }
                });
            }
            OtcTokenUnchecked if !action.is_empty() => {
                let empty = req
                    .headers
                    .get("x-auth-token")
                    .is_none_or(|v| v.as_bytes().iter().all(u8::is_ascii_whitespace));
                if empty {
                    req.headers
                        .insert("x-auth-token", "any".parse().expect("header"));
                }
            }
            UpdateAliasUnsupported if op == "UpdateAlias" => {
                return Some(Resp::error(400, "UnknownOperationException", None));
            }
            OtherAccountArnAccepted => {
                req.edit(|m| {
                    for member in ["KeyId", "TargetKeyId"] {
                        if let Some(Value::String(id)) = m.get_mut(member) {
                            *id = own_account(id);
                        }
                    }
                });
            }
            DescribeKeyHangsUp if op == "DescribeKey" => {
                return Some(Resp::new(HANG_UP, bytes::Bytes::new()));
            }
            StrictUnknownMembers => {
                let operation = kms_alias_conformance::spec::Operation::from_name(&op)?;
                let known = kms_alias_conformance::spec::members(operation);
                if let Some(Value::Object(m)) = req.json() {
                    if let Some(extra) = m.keys().find(|k| !known.iter().any(|k2| k2.name == *k)) {
                        let text = format!("Unrecognized field \"{extra}\"");
                        return Some(Resp::error(400, "SerializationException", Some(&text)));
                    }
                }
            }
            Name256Refused if op == "CreateAlias" || op == "UpdateAlias" => {
                let name = req.member("AliasName")?;
                if name.chars().count() == 256 {
                    let text = format!("1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to 255");
                    return Some(Resp::error(400, "ValidationException", Some(&text)));
                }
            }
            Name257Accepted if op == "CreateAlias" => {
                req.edit(|m| {
                    if let Some(Value::String(n)) = m.get_mut("AliasName") {
                        if n.chars().count() > 256 {
                            *n = n.chars().take(256).collect();
                        }
                    }
                });
            }
            ColonAccepted if op == "CreateAlias" => {
                req.edit(|m| {
                    if let Some(Value::String(n)) = m.get_mut("AliasName") {
                        if let Some(rest) = n.strip_prefix("alias/") {
                            *n = format!("alias/{}", rest.replace(':', "-"));
                        }
                    }
                });
            }
            CaseInsensitiveNames => {
                let member = match op.as_str() {
                    "CreateAlias" | "UpdateAlias" | "DeleteAlias" => "AliasName",
                    "DescribeKey" => "KeyId",
                    _ => return None,
                };
                req.edit(|m| {
                    if let Some(Value::String(n)) = m.get_mut(member) {
                        if let Some(rest) = n.strip_prefix("alias/") {
                            *n = format!("alias/{}", rest.to_lowercase());
                        }
                    }
                });
            }
            PaginationIgnored if op == "ListAliases" => {
                req.edit(|m| {
                    m.remove("Limit");
                    m.remove("Marker");
                });
            }
            KeyFilterIgnored if op == "ListAliases" => req.edit(|m| {
                m.remove("KeyId");
            }),
            DefaultPage100 if op == "ListAliases" => req.edit(|m| {
                m.entry("Limit").or_insert(json!(100));
            }),
            LimitMax100 if op == "ListAliases" => {
                let limit = req.json()?.get("Limit")?.as_i64()?;
                if (101..=1000).contains(&limit) {
                    let text = format!("1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Minimum value of 1. Maximum value of 100.");
                    return Some(Resp::error(400, "ValidationException", Some(&text)));
                }
            }
            LimitUnchecked if op == "ListAliases" => req.edit(|m| {
                if let Some(l) = m.get("Limit").and_then(Value::as_i64) {
                    m.insert("Limit".into(), json!(l.clamp(1, 1000)));
                }
            }),
            ScheduleWindowUnchecked if op == "ScheduleKeyDeletion" => req.edit(|m| {
                if let Some(d) = m.get("PendingWindowInDays").and_then(Value::as_i64) {
                    m.insert("PendingWindowInDays".into(), json!(d.clamp(7, 30)));
                }
            }),
            NonEnabledTargetRefused if op == "CreateAlias" || op == "UpdateAlias" => {
                let target = req.member("TargetKeyId")?;
                let meta = up.describe(req, &target).await?;
                let arn = meta.get("Arn")?.as_str()?;
                let text = match meta.get("KeyState")?.as_str()? {
                    "Disabled" => format!("{arn} is disabled."),
                    "PendingImport" => format!("{arn} is pending import."),
                    _ => return None,
                };
                return Some(Resp::error(400, "KMSInvalidStateException", Some(&text)));
            }
            CurrentPendingDeletionRefused if op == "UpdateAlias" => {
                let alias = req.member("AliasName")?;
                let meta = up.describe(req, &alias).await?;
                if meta.get("KeyState")?.as_str()? == "PendingDeletion" {
                    let text = format!("{} is pending deletion.", meta.get("Arn")?.as_str()?);
                    return Some(Resp::error(400, "KMSInvalidStateException", Some(&text)));
                }
            }
            FamilyTooStrict if op == "UpdateAlias" => {
                let current = up.describe(req, &req.member("AliasName")?).await?;
                let new = up.describe(req, &req.member("TargetKeyId")?).await?;
                let (a, b) = (
                    current.get("KeySpec")?.as_str()?,
                    new.get("KeySpec")?.as_str()?,
                );
                let family = |s: &str| s.split('_').next().unwrap_or("").to_owned();
                if family(a) != family(b) {
                    let alias = req.member("AliasName")?;
                    let text = format!("Alias {alias} cannot be changed from a CMK with key type {a} to a CMK with key type {b}. The key type of the current CMK and the new CMK must be the same.");
                    return Some(Resp::error(400, "ValidationException", Some(&text)));
                }
            }
            AliasAsTargetAccepted if op == "CreateAlias" || op == "UpdateAlias" => {
                let target = req.member("TargetKeyId")?;
                if is_alias_ref(&target) {
                    let meta = up.describe(req, &target).await?;
                    let id = meta.get("KeyId")?.clone();
                    req.edit(|m| {
                        m.insert("TargetKeyId".into(), id);
                    });
                }
            }
            DescribeThroughAliasUnsupported if op == "DescribeKey" => {
                let id = req.member("KeyId")?;
                if is_alias_ref(&id) {
                    let text = format!("Invalid keyId '{id}'");
                    return Some(Resp::error(400, "NotFoundException", Some(&text)));
                }
            }
            _ => {}
        }
        None
    }

    /// Response side: rewrite (or replace) the reference's answer.
    async fn after(self, up: &Upstream, req: &Req, resp: &mut Resp) {
        let op = req.op();
        let code = resp.code().unwrap_or_default();
        let message = resp.message().unwrap_or_default();
        let action = otc_action(req);
        let envelope = resp.json().and_then(|v| v.get("error").cloned());
        match self {
            OtcFlatErrorEnvelope if envelope.is_some() => {
                resp.set_json(&envelope.unwrap_or_default());
            }
            OtcKeyStateNumber if action == "describe-key" => {
                if let Some(mut v) = resp.json() {
                    if let Some(state) = v.pointer_mut("/key_info/key_state") {
                        let n: u64 = state.as_str().and_then(|s| s.parse().ok()).unwrap_or(0);
                        *state = Value::from(n);
                    }
                    resp.set_json(&v);
                }
            }
            OtcWrongMethodIs404
                if envelope.as_ref().and_then(|e| e.get("error_code"))
                    == Some(&json!("KMS.0215")) =>
            {
                resp.status = 404;
                resp.set_json(&json!({"error": {"error_code": "KMS.0201", "error_msg": "Invalid request URL."}}));
            }
            NotFoundIs404 if code == "NotFoundException" => resp.status = 404,
            NoRequestId => {
                resp.headers.remove("x-amzn-requestid");
            }
            ConstantRequestId => {
                resp.headers.insert(
                    "x-amzn-requestid",
                    "11111111-2222-4333-8444-555555555555".parse().unwrap(),
                );
            }
            SuccessBodyNull if ALIAS_OPS.contains(&op) && resp.status == 200 => {
                resp.body = "null".into();
            }
            CreateAnswersGarbage if op == "CreateAlias" && resp.status == 200 => {
                resp.body = "<html>Service Unavailable</html>".into();
            }
            SuccessBodyEmptyObject if ALIAS_OPS.contains(&op) && resp.status == 200 => {
                resp.body = "{}".into();
            }
            PlainJsonContentType => {
                resp.headers
                    .insert("content-type", "application/json".parse().unwrap());
            }
            SerializationIs500 if code == "SerializationException" => {
                resp.set_error(500, "InternalFailure", Some("An internal error occurred."));
            }
            UnknownOperationIs404 if code == "UnknownOperationException" => resp.status = 404,
            MissingParameterException
                if code == "ValidationException" && message.contains("must not be null") =>
            {
                let member = req
                    .json()
                    .and_then(|_| {
                        ["AliasName", "TargetKeyId", "KeyId"]
                            .into_iter()
                            .find(|m| req.member(m).is_none())
                    })
                    .unwrap_or("AliasName");
                let text = format!("{member} is a required parameter");
                resp.set_error(400, "MissingParameterException", Some(&text));
            }
            ReservedAccepted if op == "CreateAlias" && code == "NotAuthorizedException" => {
                resp.set_empty_success();
            }
            PrefixMessageMoto if message.starts_with("Alias must start with the prefix") => {
                resp.set_message("Invalid identifier");
            }
            DeletePrefixUnchecked
                if op == "DeleteAlias"
                    && message.starts_with("Alias must start with the prefix") =>
            {
                let name = req.member("AliasName").unwrap_or_default();
                let text = format!("Alias arn:aws:kms:us-east-1:111122223333:{name} is not found.");
                resp.set_error(400, "NotFoundException", Some(&text));
            }
            AlreadyExistsNamesName if code == "AlreadyExistsException" => {
                let name = req.member("AliasName").unwrap_or_default();
                resp.set_message(&format!("An alias with the name {name} already exists"));
            }
            NotFoundNoPeriod if op == "DeleteAlias" && code == "NotFoundException" => {
                if let Some(t) = message.strip_suffix('.') {
                    resp.set_message(t);
                }
            }
            TargetKeyIdIsArn if op == "ListAliases" => resp.edit_aliases(|e| {
                let arn = e.get("AliasArn").and_then(Value::as_str).unwrap_or("");
                let scope = arn.split(":alias/").next().unwrap_or("").to_owned();
                if let Some(Value::String(id)) = e.get_mut("TargetKeyId") {
                    *id = format!("{scope}:key/{id}");
                }
            }),
            NoLastUpdatedDate if op == "ListAliases" => resp.edit_aliases(|e| {
                e.remove("LastUpdatedDate");
            }),
            NoCreationDate if op == "ListAliases" => resp.edit_aliases(|e| {
                e.remove("CreationDate");
            }),
            DatesAsStrings if op == "ListAliases" => resp.edit_aliases(|e| {
                for k in ["CreationDate", "LastUpdatedDate"] {
                    if let Some(v) = e.get_mut(k) {
                        *v = Value::String(v.to_string());
                    }
                }
            }),
            LastUpdatedNeverMoves if op == "ListAliases" => resp.edit_aliases(|e| {
                if let Some(c) = e.get("CreationDate").cloned() {
                    e.insert("LastUpdatedDate".into(), c);
                }
            }),
            NoTruncated if op == "ListAliases" && resp.status == 200 => edit_body(resp, |b| {
                b.remove("Truncated");
            }),
            NextMarkerOnLastPage if op == "ListAliases" && resp.status == 200 => {
                edit_body(resp, |b| {
                    if b.get("Truncated") == Some(&Value::Bool(false)) {
                        b.insert("NextMarker".into(), json!("eyJhIjoiZW5kIn0="));
                    }
                })
            }
            PaginationIgnored if op == "ListAliases" && resp.status == 200 => {
                edit_body(resp, |b| {
                    b.insert("Truncated".into(), json!(false));
                    b.remove("NextMarker");
                })
            }
            InvalidMarkerIgnored if code == "InvalidMarkerException" => {
                let mut again = req.clone();
                again.edit(|m| {
                    m.remove("Marker");
                });
                *resp = up.forward(&again).await;
            }
            PendingDeletionTargetAccepted
                if op == "CreateAlias" && code == "KMSInvalidStateException" =>
            {
                resp.set_empty_success()
            }
            UpdateToPendingDeletionAccepted
                if op == "UpdateAlias" && code == "KMSInvalidStateException" =>
            {
                resp.set_empty_success()
            }
            UsageCheckMissing
                if op == "UpdateAlias"
                    && code == "ValidationException"
                    && message.contains("key usage") =>
            {
                resp.set_empty_success()
            }
            TypeCheckMissing
                if op == "UpdateAlias"
                    && code == "ValidationException"
                    && message.contains("key type") =>
            {
                resp.set_empty_success()
            }
            QuotaMissing if code == "LimitExceededException" => resp.set_empty_success(),
            UnknownKeyOtherCode
                if code == "NotFoundException" && message.ends_with("does not exist") =>
            {
                resp.set_error(400, "ResourceNotFoundException", Some(&message));
            }
            KeyNotFoundNamesIdAsSent
                if code == "NotFoundException" && message.ends_with("does not exist") =>
            {
                let sent = req
                    .member("TargetKeyId")
                    .or_else(|| req.member("KeyId"))
                    .unwrap_or_default();
                resp.set_message(&format!("Key '{sent}' does not exist"));
            }
            InvalidKeyIdUnquoted if message.starts_with("Invalid keyId '") => {
                resp.set_message(&message.replace('\'', ""));
            }
            DeleteMissingAliasSucceeds if op == "DeleteAlias" && code == "NotFoundException" => {
                resp.set_empty_success()
            }
            UpdateMissingAliasSucceeds
                if op == "UpdateAlias"
                    && code == "NotFoundException"
                    && message.starts_with("Alias ") =>
            {
                resp.set_empty_success()
            }
            CancelEnablesKey if op == "CancelKeyDeletion" && resp.status == 200 => {
                if let Some(id) = req.member("KeyId") {
                    up.call(req, "EnableKey", json!({ "KeyId": id })).await;
                }
            }
            NamespacedErrorType if !code.is_empty() => edit_body(resp, |b| {
                b.insert("__type".into(), json!(format!("com.amazonaws.kms#{code}")));
            }),
            ErrorTypeHeader if !code.is_empty() => {
                let v = format!("{code}:http://internal.amazon.com/coral/com.amazonaws.kms/");
                resp.headers.insert("x-amzn-errortype", v.parse().unwrap());
            }
            PrettyJsonReordered => {
                if let Some(mut v) = resp.json() {
                    reverse_members(&mut v);
                    resp.body = serde_json::to_vec_pretty(&v).unwrap().into();
                }
            }
            _ => {}
        }
    }
}

fn edit_body(resp: &mut Resp, f: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    if let Some(Value::Object(mut b)) = resp.json() {
        f(&mut b);
        resp.set_json(&Value::Object(b));
    }
}

/// Reverses the member order of every object in `v`.
fn reverse_members(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let mut members: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
            members.reverse();
            for (k, mut x) in members {
                reverse_members(&mut x);
                m.insert(k, x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(reverse_members),
        _ => {}
    }
}
