//! The input and output shapes of each operation (BC service model) and the
//! framework validation AWS runs before any service code: JSON types,
//! required members, lengths, patterns, enums and ranges, into nested lists
//! and structures. `tests/service_model.rs` holds every table here against
//! the pinned botocore model, so a bump of the pin shows what AWS changed.

use serde_json::Value;

use super::fault::Fault;
use super::key::{
    EncapsulationAlgorithm, EncryptionAlgorithm, ExpirationModel, KeyAgreementAlgorithm,
    KeyManager, KeySpec, KeyUsage, MacAlgorithm, MultiRegionKeyType, Origin, ResourceOwner,
    SigningAlgorithm,
};
use super::key_state::KeyState;
use super::operation::Operation;

/// A string pattern from the model, implemented by hand (no regex engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// AliasNameType: `^[a-zA-Z0-9:/_-]+$`.
    AliasName,
    /// MarkerType: `[\u0020-\u00FF]*`.
    Marker,
    /// PolicyType: `[\u0009\u000A\u000D\u0020-\u00FF]+`.
    Policy,
    /// XksKeyIdType: `^[a-zA-Z0-9-_.]+$`.
    XksKeyId,
    /// BackingKeyIdType (CurrentKeyMaterialId): `^[a-f0-9]+$`.
    BackingKeyId,
    /// RegionType: `^([a-z]+-){2,3}\d+$`.
    Region,
    /// CloudHsmClusterIdType: `cluster-[2-7a-zA-Z]{11,16}`.
    CloudHsmClusterId,
}

impl Pattern {
    /// The pattern as the model (and AWS's message) writes it.
    pub fn source(self) -> &'static str {
        match self {
            Pattern::AliasName => "^[a-zA-Z0-9:/_-]+$",
            Pattern::Marker => "[\\u0020-\\u00FF]*",
            Pattern::Policy => "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
            Pattern::XksKeyId => "^[a-zA-Z0-9-_.]+$",
            Pattern::BackingKeyId => "^[a-f0-9]+$",
            Pattern::Region => "^([a-z]+-){2,3}\\d+$",
            Pattern::CloudHsmClusterId => "cluster-[2-7a-zA-Z]{11,16}",
        }
    }

    /// Whether `c` is one of the pattern's characters.
    pub fn allows(self, c: char) -> bool {
        match self {
            Pattern::AliasName => c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '_' | '-'),
            Pattern::Marker => ('\u{20}'..='\u{ff}').contains(&c),
            Pattern::Policy => {
                matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{ff}').contains(&c)
            }
            Pattern::XksKeyId => c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
            Pattern::BackingKeyId => matches!(c, 'a'..='f' | '0'..='9'),
            Pattern::Region => matches!(c, 'a'..='z' | '0'..='9' | '-'),
            Pattern::CloudHsmClusterId => c.is_ascii_alphabetic() || matches!(c, '2'..='7' | '-'),
        }
    }

    /// Whether the whole string matches (`+` patterns need one character).
    pub fn matches(self, s: &str) -> bool {
        match self {
            Pattern::Region => {
                // `([a-z]+-){2,3}` then digits
                let Some(digits_at) = s.rfind('-').map(|i| i + 1) else {
                    return false;
                };
                let (words, digits) = s.split_at(digits_at);
                let words: Vec<&str> = words[..words.len() - 1].split('-').collect();
                (2..=3).contains(&words.len())
                    && words
                        .iter()
                        .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
                    && !digits.is_empty()
                    && digits.bytes().all(|b| b.is_ascii_digit())
            }
            Pattern::CloudHsmClusterId => s.strip_prefix("cluster-").is_some_and(|rest| {
                (11..=16).contains(&rest.len())
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_alphabetic() || (b'2'..=b'7').contains(&b))
            }),
            _ => {
                let needs_one = !matches!(self, Pattern::Marker);
                (!needs_one || !s.is_empty()) && s.chars().all(|c| self.allows(c))
            }
        }
    }
}

/// A model enum, listed from the spec's own enums so no list is written twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumSet {
    /// KeySpec.
    KeySpec,
    /// CustomerMasterKeySpec (deprecated; lacks ML_DSA_*, ML_KEM_* and EDWARDS25519).
    CustomerMasterKeySpec,
    /// KeyUsageType.
    KeyUsage,
    /// OriginType.
    Origin,
    /// KeyState.
    KeyState,
    /// KeyManagerType.
    KeyManager,
    /// MultiRegionKeyType.
    MultiRegionKeyType,
    /// ExpirationModelType.
    ExpirationModel,
    /// ResourceOwnerType.
    ResourceOwner,
    /// EncryptionAlgorithmSpec.
    EncryptionAlgorithm,
    /// SigningAlgorithmSpec.
    SigningAlgorithm,
    /// MacAlgorithmSpec.
    MacAlgorithm,
    /// KeyAgreementAlgorithmSpec.
    KeyAgreementAlgorithm,
    /// EncapsulationAlgorithmSpec.
    EncapsulationAlgorithm,
}

macro_rules! names {
    ($ty:ty) => {
        <$ty>::ALL.iter().map(|s| s.name()).collect()
    };
}

impl EnumSet {
    /// Every enum the spec knows.
    pub const ALL: &'static [EnumSet] = &[
        EnumSet::KeySpec,
        EnumSet::CustomerMasterKeySpec,
        EnumSet::KeyUsage,
        EnumSet::Origin,
        EnumSet::KeyState,
        EnumSet::KeyManager,
        EnumSet::MultiRegionKeyType,
        EnumSet::ExpirationModel,
        EnumSet::ResourceOwner,
        EnumSet::EncryptionAlgorithm,
        EnumSet::SigningAlgorithm,
        EnumSet::MacAlgorithm,
        EnumSet::KeyAgreementAlgorithm,
        EnumSet::EncapsulationAlgorithm,
    ];

    /// The allowed values, in model order.
    pub fn values(self) -> Vec<&'static str> {
        match self {
            EnumSet::KeySpec => names!(KeySpec),
            EnumSet::CustomerMasterKeySpec => KeySpec::ALL
                .iter()
                .filter(|s| s.in_customer_master_key_spec())
                .map(|s| s.name())
                .collect(),
            EnumSet::KeyUsage => names!(KeyUsage),
            EnumSet::Origin => names!(Origin),
            EnumSet::KeyState => names!(KeyState),
            EnumSet::KeyManager => names!(KeyManager),
            EnumSet::MultiRegionKeyType => names!(MultiRegionKeyType),
            EnumSet::ExpirationModel => names!(ExpirationModel),
            EnumSet::ResourceOwner => names!(ResourceOwner),
            EnumSet::EncryptionAlgorithm => names!(EncryptionAlgorithm),
            EnumSet::SigningAlgorithm => names!(SigningAlgorithm),
            EnumSet::MacAlgorithm => names!(MacAlgorithm),
            EnumSet::KeyAgreementAlgorithm => names!(KeyAgreementAlgorithm),
            EnumSet::EncapsulationAlgorithm => names!(EncapsulationAlgorithm),
        }
    }

    /// The name of the enum's shape in the service model.
    pub fn model_shape(self) -> &'static str {
        match self {
            EnumSet::KeySpec => "KeySpec",
            EnumSet::CustomerMasterKeySpec => "CustomerMasterKeySpec",
            EnumSet::KeyUsage => "KeyUsageType",
            EnumSet::Origin => "OriginType",
            EnumSet::KeyState => "KeyState",
            EnumSet::KeyManager => "KeyManagerType",
            EnumSet::MultiRegionKeyType => "MultiRegionKeyType",
            EnumSet::ExpirationModel => "ExpirationModelType",
            EnumSet::ResourceOwner => "ResourceOwnerType",
            EnumSet::EncryptionAlgorithm => "EncryptionAlgorithmSpec",
            EnumSet::SigningAlgorithm => "SigningAlgorithmSpec",
            EnumSet::MacAlgorithm => "MacAlgorithmSpec",
            EnumSet::KeyAgreementAlgorithm => "KeyAgreementAlgorithmSpec",
            EnumSet::EncapsulationAlgorithm => "EncapsulationAlgorithmSpec",
        }
    }
}

/// A member's type and constraints. An unbounded maximum is `usize::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A string with a length range (UTF-16 units, as Java counts) and maybe a pattern.
    Str {
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
        /// The pattern, if any.
        pattern: Option<Pattern>,
    },
    /// A string from an enum.
    Enum(EnumSet),
    /// An integer with a range.
    Int {
        /// Minimum value.
        min: i64,
        /// Maximum value.
        max: i64,
    },
    /// A boolean.
    Bool,
    /// A timestamp (epoch seconds on the wire, spec E).
    Timestamp,
    /// A list with a length range, of items of one type.
    List {
        /// Minimum number of items.
        min: usize,
        /// Maximum number of items.
        max: usize,
        /// The items' type.
        item: &'static Ty,
    },
    /// A structure: its model shape name and its members.
    Struct(&'static str, &'static [Member]),
}

/// One member of an operation's input or output, or of a structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// The member name as sent (`AliasName`).
    pub name: &'static str,
    /// Whether the model marks it required.
    pub required: bool,
    /// Its type.
    pub ty: Ty,
}

/// The length limits of the alias name (AliasNameType).
pub const ALIAS_NAME_MAX: usize = 256;
/// The length limits of a key identifier (KeyIdType).
pub const KEY_ID_MAX: usize = 2048;
/// The length limit of a TagKey (TagKeyType 1..128; recorded in spec K).
pub const TAG_KEY_MAX: usize = 128;
/// The length limit of a TagValue (TagValueType 0..256; recorded in spec K).
pub const TAG_VALUE_MAX: usize = 256;
/// The length of a CurrentKeyMaterialId (BackingKeyIdType 64..64).
pub const KEY_MATERIAL_ID_LEN: usize = 64;
const NO_MAX: usize = usize::MAX;

const fn str_ty(min: usize, max: usize) -> Ty {
    Ty::Str {
        min,
        max,
        pattern: None,
    }
}

const fn string(name: &'static str, required: bool, min: usize, max: usize) -> Member {
    Member {
        name,
        required,
        ty: str_ty(min, max),
    }
}

const fn patterned(
    name: &'static str,
    required: bool,
    min: usize,
    max: usize,
    p: Pattern,
) -> Member {
    Member {
        name,
        required,
        ty: Ty::Str {
            min,
            max,
            pattern: Some(p),
        },
    }
}

const fn of(name: &'static str, ty: Ty) -> Member {
    Member {
        name,
        required: false,
        ty,
    }
}

const fn req(name: &'static str, ty: Ty) -> Member {
    Member {
        name,
        required: true,
        ty,
    }
}

const fn enum_of(name: &'static str, set: EnumSet) -> Member {
    of(name, Ty::Enum(set))
}

const fn list_of(name: &'static str, min: usize, max: usize, item: &'static Ty) -> Member {
    of(name, Ty::List { min, max, item })
}

// Named types shared by several shapes.
const KEY_ID_TYPE: Ty = str_ty(1, KEY_ID_MAX);
const ARN_TYPE: Ty = str_ty(20, 2048);
const LIMIT_TYPE: Ty = Ty::Int { min: 1, max: 1000 };
const MARKER_TYPE: Ty = Ty::Str {
    min: 1,
    max: 1024,
    pattern: Some(Pattern::Marker),
};
const ALIAS_NAME_TYPE: Ty = Ty::Str {
    min: 1,
    max: ALIAS_NAME_MAX,
    pattern: Some(Pattern::AliasName),
};
const PENDING_WINDOW_TYPE: Ty = Ty::Int { min: 1, max: 365 };
const GRANT_TOKEN: Ty = str_ty(1, 8192);
const RESOURCE_OWNER: Ty = Ty::Enum(EnumSet::ResourceOwner);
const TAG: Ty = Ty::Struct(
    "Tag",
    &[
        req("TagKey", str_ty(1, TAG_KEY_MAX)),
        req("TagValue", str_ty(0, TAG_VALUE_MAX)),
    ],
);

const ALIAS_NAME: Member = req("AliasName", ALIAS_NAME_TYPE);
const TARGET_KEY_ID: Member = req("TargetKeyId", KEY_ID_TYPE);
const KEY_ID: Member = req("KeyId", KEY_ID_TYPE);
const LIMIT: Member = of("Limit", LIMIT_TYPE);
const MARKER: Member = of("Marker", MARKER_TYPE);

const ALIAS_MEMBERS: &[Member] = &[ALIAS_NAME, TARGET_KEY_ID];
const DELETE_ALIAS: &[Member] = &[ALIAS_NAME];
const LIST_ALIASES: &[Member] = &[of("KeyId", KEY_ID_TYPE), LIMIT, MARKER];
const DESCRIBE_KEY: &[Member] = &[KEY_ID, list_of("GrantTokens", 0, 10, &GRANT_TOKEN)];
const LIST_KEYS: &[Member] = &[
    LIMIT,
    MARKER,
    list_of("ResourceOwners", 1, 2, &RESOURCE_OWNER),
];
const KEY_ONLY: &[Member] = &[KEY_ID];
const SCHEDULE_KEY_DELETION: &[Member] = &[KEY_ID, of("PendingWindowInDays", PENDING_WINDOW_TYPE)];
const CREATE_KEY: &[Member] = &[
    patterned("Policy", false, 1, 131_072, Pattern::Policy),
    string("Description", false, 0, 8192),
    enum_of("KeyUsage", EnumSet::KeyUsage),
    enum_of("CustomerMasterKeySpec", EnumSet::CustomerMasterKeySpec),
    enum_of("KeySpec", EnumSet::KeySpec),
    enum_of("Origin", EnumSet::Origin),
    string("CustomKeyStoreId", false, 1, 64),
    of("BypassPolicyLockoutSafetyCheck", Ty::Bool),
    list_of("Tags", 0, NO_MAX, &TAG),
    of("MultiRegion", Ty::Bool),
    patterned("XksKeyId", false, 1, 128, Pattern::XksKeyId),
];

/// The input members of an operation, in model order.
pub fn members(op: Operation) -> &'static [Member] {
    use Operation::*;
    match op {
        CreateAlias | UpdateAlias => ALIAS_MEMBERS,
        DeleteAlias => DELETE_ALIAS,
        ListAliases => LIST_ALIASES,
        DescribeKey => DESCRIBE_KEY,
        ListKeys => LIST_KEYS,
        EnableKey | DisableKey | CancelKeyDeletion => KEY_ONLY,
        ScheduleKeyDeletion => SCHEDULE_KEY_DELETION,
        CreateKey => CREATE_KEY,
    }
}

const MULTI_REGION_KEY: Ty = Ty::Struct(
    "MultiRegionKey",
    &[
        of("Arn", ARN_TYPE),
        patterned("Region", false, 1, 32, Pattern::Region),
    ],
);

/// `KeyMetadata`, as CreateKey and DescribeKey answer it (BC; which members a
/// key carries is `key_metadata`'s to say).
pub const KEY_METADATA: Ty = Ty::Struct(
    "KeyMetadata",
    &[
        of("AWSAccountId", str_ty(0, NO_MAX)),
        KEY_ID,
        of("Arn", ARN_TYPE),
        of("CreationDate", Ty::Timestamp),
        of("Enabled", Ty::Bool),
        string("Description", false, 0, 8192),
        enum_of("KeyUsage", EnumSet::KeyUsage),
        enum_of("KeyState", EnumSet::KeyState),
        of("DeletionDate", Ty::Timestamp),
        of("ValidTo", Ty::Timestamp),
        enum_of("Origin", EnumSet::Origin),
        string("CustomKeyStoreId", false, 1, 64),
        patterned(
            "CloudHsmClusterId",
            false,
            19,
            24,
            Pattern::CloudHsmClusterId,
        ),
        enum_of("ExpirationModel", EnumSet::ExpirationModel),
        enum_of("KeyManager", EnumSet::KeyManager),
        enum_of("CustomerMasterKeySpec", EnumSet::CustomerMasterKeySpec),
        enum_of("KeySpec", EnumSet::KeySpec),
        list_of(
            "EncryptionAlgorithms",
            0,
            NO_MAX,
            &Ty::Enum(EnumSet::EncryptionAlgorithm),
        ),
        list_of(
            "SigningAlgorithms",
            0,
            NO_MAX,
            &Ty::Enum(EnumSet::SigningAlgorithm),
        ),
        list_of(
            "KeyAgreementAlgorithms",
            0,
            NO_MAX,
            &Ty::Enum(EnumSet::KeyAgreementAlgorithm),
        ),
        list_of(
            "EncapsulationAlgorithms",
            0,
            NO_MAX,
            &Ty::Enum(EnumSet::EncapsulationAlgorithm),
        ),
        of("MultiRegion", Ty::Bool),
        of(
            "MultiRegionConfiguration",
            Ty::Struct(
                "MultiRegionConfiguration",
                &[
                    enum_of("MultiRegionKeyType", EnumSet::MultiRegionKeyType),
                    of("PrimaryKey", MULTI_REGION_KEY),
                    list_of("ReplicaKeys", 0, NO_MAX, &MULTI_REGION_KEY),
                ],
            ),
        ),
        of("PendingDeletionWindowInDays", PENDING_WINDOW_TYPE),
        list_of("MacAlgorithms", 0, NO_MAX, &Ty::Enum(EnumSet::MacAlgorithm)),
        of(
            "XksKeyConfiguration",
            Ty::Struct(
                "XksKeyConfigurationType",
                &[patterned("Id", false, 1, 128, Pattern::XksKeyId)],
            ),
        ),
        patterned(
            "CurrentKeyMaterialId",
            false,
            KEY_MATERIAL_ID_LEN,
            KEY_MATERIAL_ID_LEN,
            Pattern::BackingKeyId,
        ),
    ],
);

const KEY_METADATA_OUT: &[Member] = &[of("KeyMetadata", KEY_METADATA)];
const LIST_KEYS_OUT: &[Member] = &[
    list_of(
        "Keys",
        0,
        NO_MAX,
        &Ty::Struct(
            "KeyListEntry",
            &[of("KeyId", KEY_ID_TYPE), of("KeyArn", ARN_TYPE)],
        ),
    ),
    of("NextMarker", MARKER_TYPE),
    of("Truncated", Ty::Bool),
];
const SCHEDULE_KEY_DELETION_OUT: &[Member] = &[
    of("KeyId", KEY_ID_TYPE),
    of("DeletionDate", Ty::Timestamp),
    enum_of("KeyState", EnumSet::KeyState),
    of("PendingWindowInDays", PENDING_WINDOW_TYPE),
];
const CANCEL_KEY_DELETION_OUT: &[Member] = &[of("KeyId", KEY_ID_TYPE)];
const LIST_ALIASES_OUT: &[Member] = &[
    list_of(
        "Aliases",
        0,
        NO_MAX,
        &Ty::Struct(
            "AliasListEntry",
            &[
                of("AliasName", ALIAS_NAME_TYPE),
                of("AliasArn", ARN_TYPE),
                of("TargetKeyId", KEY_ID_TYPE),
                of("CreationDate", Ty::Timestamp),
                of("LastUpdatedDate", Ty::Timestamp),
            ],
        ),
    ),
    of("NextMarker", MARKER_TYPE),
    of("Truncated", Ty::Bool),
];

/// The output members of an operation, in model order; `None` where the model
/// has no output shape (the answer is an empty body, spec F).
pub fn output_members(op: Operation) -> Option<&'static [Member]> {
    use Operation::*;
    match op {
        CreateKey | DescribeKey => Some(KEY_METADATA_OUT),
        ListKeys => Some(LIST_KEYS_OUT),
        ScheduleKeyDeletion => Some(SCHEDULE_KEY_DELETION_OUT),
        CancelKeyDeletion => Some(CANCEL_KEY_DELETION_OUT),
        ListAliases => Some(LIST_ALIASES_OUT),
        EnableKey | DisableKey | CreateAlias | UpdateAlias | DeleteAlias => None,
    }
}

/// A constraint a value failed, worded as the framework words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// A required member is absent or null.
    NotNull,
    /// Shorter than the minimum length.
    MinLength(usize),
    /// Longer than the maximum length.
    MaxLength(usize),
    /// Fails the pattern.
    Pattern(Pattern),
    /// Not one of the enum's values.
    Enum(EnumSet),
    /// Below the minimum value.
    MinValue(i64),
    /// Above the maximum value.
    MaxValue(i64),
}

/// One framework validation failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The member in lowerCamel, as the message names it (`aliasName`).
    pub member: String,
    /// The value as sent, `None` for null.
    pub value: Option<String>,
    /// What it failed.
    pub constraint: Constraint,
}

impl Violation {
    fn text(&self) -> String {
        let value = match &self.value {
            Some(v) => format!("'{v}'"),
            None => "null".into(),
        };
        let rule = match &self.constraint {
            Constraint::NotNull => "Member must not be null".to_owned(),
            Constraint::MinLength(n) => {
                format!("Member must have length greater than or equal to {n}")
            }
            Constraint::MaxLength(n) => {
                format!("Member must have length less than or equal to {n}")
            }
            Constraint::Pattern(p) => {
                format!(
                    "Member must satisfy regular expression pattern: {}",
                    p.source()
                )
            }
            Constraint::Enum(set) => {
                format!(
                    "Member must satisfy enum value set: [{}]",
                    set.values().join(", ")
                )
            }
            Constraint::MinValue(n) => {
                format!("Member must have value greater than or equal to {n}")
            }
            Constraint::MaxValue(n) => format!("Member must have value less than or equal to {n}"),
        };
        format!(
            "Value {value} at '{}' failed to satisfy constraint: {rule}",
            self.member
        )
    }
}

/// The framework's message: `1 validation error detected: ...` or
/// `N validation errors detected: ...; ...` (B#3, B#5, J Q6).
pub fn validation_message(violations: &[Violation]) -> String {
    let n = violations.len();
    let noun = if n == 1 { "error" } else { "errors" };
    let list: Vec<String> = violations.iter().map(Violation::text).collect();
    format!("{n} validation {noun} detected: {}", list.join("; "))
}

/// `AliasName` -> `aliasName`, as the framework names members in messages.
pub fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Length as Java counts it (UTF-16 units), which is what the model's limits mean.
pub fn java_length(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Reads a request body as JSON. An empty body stands for `{}` (SDKs send
/// `{}`, but a bare POST is common with curl; AWS's answer is unrecorded, and
/// every member of the alias operations' optional inputs is absent in both).
/// Text that is not JSON is a SerializationException (spec F); the text is
/// the reference's own, since AWS's "varies".
pub fn parse_body(bytes: &[u8]) -> Result<Value, Fault> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let what = if e.is_eof() {
            "Unexpected end of input"
        } else {
            "Malformed JSON"
        };
        Fault::Serialization(format!(
            "{what} at line {} column {}.",
            e.line(),
            e.column()
        ))
    })
}

/// Checks a request body against the operation's input shape.
///
/// Wrong JSON types are SerializationException (deserialisation fails before
/// validation); constraint failures are collected into one ValidationException,
/// member by member in model order, depth first into lists and structures
/// (a list item is named `tags.1.member`, its members `tags.1.member.tagKey`,
/// as recorded in spec K). Unknown members are ignored, as AWS does.
pub fn check_input(op: Operation, body: &Value) -> Result<(), Fault> {
    let Value::Object(map) = body else {
        return Err(Fault::Serialization(format!(
            "Start of {} found where not expected.",
            json_kind(body)
        )));
    };
    for m in members(op) {
        if let Some(v) = map.get(m.name) {
            check_json_type(m.name, &m.ty, v)?;
        }
    }
    let mut violations = Vec::new();
    check_members(members(op), map, "", &mut violations);
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Fault::Validation(violations))
    }
}

fn check_members(
    ms: &[Member],
    map: &serde_json::Map<String, Value>,
    prefix: &str,
    out: &mut Vec<Violation>,
) {
    // The path is built only for a member that is there or missing: most
    // optional members are absent, and every request passes through here.
    let path = |m: &Member| format!("{prefix}{}", lower_camel(m.name));
    for m in ms {
        match map.get(m.name).filter(|v| !v.is_null()) {
            Some(value) => check_value(&m.ty, value, &path(m), out),
            None if m.required => out.push(Violation {
                member: path(m),
                value: None,
                constraint: Constraint::NotNull,
            }),
            None => {}
        }
    }
}

fn check_value(ty: &Ty, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let mut push = |shown: String, constraint| {
        out.push(Violation {
            member: path.to_owned(),
            value: Some(shown),
            constraint,
        })
    };
    match (*ty, value) {
        (Ty::Str { min, max, pattern }, Value::String(s)) => {
            let len = java_length(s);
            if len < min {
                push(s.clone(), Constraint::MinLength(min));
            }
            if len > max {
                push(s.clone(), Constraint::MaxLength(max));
            }
            if let Some(p) = pattern {
                if !p.matches(s) {
                    push(s.clone(), Constraint::Pattern(p));
                }
            }
        }
        (Ty::Enum(set), Value::String(s)) if !set.values().contains(&s.as_str()) => {
            push(s.clone(), Constraint::Enum(set));
        }
        (Ty::Int { min, max }, Value::Number(n)) => {
            // check_json_type guaranteed an integer
            let i = n.as_i64().unwrap_or(i64::MAX);
            if i < min {
                push(i.to_string(), Constraint::MinValue(min));
            }
            if i > max {
                push(i.to_string(), Constraint::MaxValue(max));
            }
        }
        (Ty::List { min, max, item }, Value::Array(items)) => {
            if items.len() < min {
                push(java_text(value), Constraint::MinLength(min));
            }
            if items.len() > max {
                push(java_text(value), Constraint::MaxLength(max));
            }
            for (i, x) in items.iter().enumerate() {
                let item_path = format!("{path}.{}.member", i + 1);
                if x.is_null() {
                    out.push(Violation {
                        member: item_path,
                        value: None,
                        constraint: Constraint::NotNull,
                    });
                } else {
                    check_value(item, x, &item_path, out);
                }
            }
        }
        (Ty::Struct(_, ms), Value::Object(o)) => check_members(ms, o, &format!("{path}."), out),
        _ => {}
    }
}

/// A value as Java's `toString` shows it in a validation message: strings
/// bare, lists as `[a, b]` (how AWS shows a structure is unrecorded).
fn java_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(java_text).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, x)| format!("{k}: {}", java_text(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "structure or map",
    }
}

fn check_json_type(name: &str, ty: &Ty, v: &Value) -> Result<(), Fault> {
    let ok = match (*ty, v) {
        (_, Value::Null) => true,
        (Ty::Str { .. } | Ty::Enum(_), Value::String(_)) => true,
        (Ty::Bool, Value::Bool(_)) => true,
        (Ty::Timestamp, Value::Number(_)) => true,
        (Ty::List { item, .. }, Value::Array(items)) => {
            for x in items {
                check_json_type(name, item, x)?;
            }
            true
        }
        (Ty::Struct(_, ms), Value::Object(o)) => {
            for m in ms {
                if let Some(x) = o.get(m.name) {
                    check_json_type(m.name, &m.ty, x)?;
                }
            }
            true
        }
        // Java ints: a fraction or a value past 32 bits does not deserialise.
        (Ty::Int { .. }, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Fault::Serialization(format!(
            "Unexpected {} for member {name}.",
            json_kind(v),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations(op: Operation, body: Value) -> Vec<Violation> {
        match check_input(op, &body) {
            Err(Fault::Validation(v)) => v,
            other => panic!("expected validation failure, got {other:?}"),
        }
    }

    #[test]
    fn alias_name_length_boundaries() {
        let name = |n: usize| format!("alias/{}", "a".repeat(n - 6));
        for n in [7, 255, 256] {
            let body = json!({"AliasName": name(n), "TargetKeyId": "k"});
            assert!(check_input(Operation::CreateAlias, &body).is_ok(), "{n}");
        }
        let v = violations(
            Operation::CreateAlias,
            json!({"AliasName": name(257), "TargetKeyId": "k"}),
        );
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].constraint, Constraint::MaxLength(256));
        assert_eq!(
            validation_message(&v),
            format!("1 validation error detected: Value '{}' at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to 256", name(257))
        );
    }

    #[test]
    fn empty_name_fails_length_and_pattern() {
        let v = violations(
            Operation::CreateAlias,
            json!({"AliasName": "", "TargetKeyId": "k"}),
        );
        assert_eq!(
            validation_message(&v),
            "2 validation errors detected: Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
        );
    }

    #[test]
    fn every_forbidden_character_class() {
        for c in [
            '!', '$', '@', ' ', '.', '\u{e9}', '\n', '*', '+', '=', '\\', '\u{0}',
        ] {
            let body = json!({"AliasName": format!("alias/a{c}b"), "TargetKeyId": "k"});
            let v = violations(Operation::CreateAlias, body);
            assert_eq!(
                v[0].constraint,
                Constraint::Pattern(Pattern::AliasName),
                "{c:?}"
            );
        }
        for c in ['a', 'Z', '0', '9', ':', '/', '_', '-'] {
            let body = json!({"AliasName": format!("alias/a{c}b"), "TargetKeyId": "k"});
            assert!(check_input(Operation::CreateAlias, &body).is_ok(), "{c:?}");
        }
    }

    #[test]
    fn missing_members_are_null() {
        let v = violations(Operation::CreateAlias, json!({"AliasName": "alias/x"}));
        assert_eq!(
            validation_message(&v),
            "1 validation error detected: Value null at 'targetKeyId' failed to satisfy constraint: Member must not be null"
        );
        let v = violations(Operation::CreateAlias, json!({"AliasName": null}));
        assert_eq!(v.len(), 2);
        assert!(validation_message(&v)
            .starts_with("2 validation errors detected: Value null at 'aliasName'"));
    }

    #[test]
    fn key_id_length_boundaries() {
        let ok = json!({"AliasName": "alias/x", "TargetKeyId": "k".repeat(2048)});
        assert!(check_input(Operation::CreateAlias, &ok).is_ok());
        let v = violations(
            Operation::CreateAlias,
            json!({"AliasName": "alias/x", "TargetKeyId": "k".repeat(2049)}),
        );
        assert_eq!(v[0].constraint, Constraint::MaxLength(2048));
    }

    #[test]
    fn wrong_json_types_are_serialization_errors() {
        for body in [
            json!({"AliasName": 5, "TargetKeyId": "k"}),
            json!({"AliasName": ["alias/x"], "TargetKeyId": "k"}),
            json!({"AliasName": "alias/x", "TargetKeyId": {"a": 1}}),
            json!([]),
            json!("text"),
        ] {
            let f = check_input(Operation::CreateAlias, &body).unwrap_err();
            assert!(matches!(f, Fault::Serialization(_)), "{body}");
        }
        let f = check_input(Operation::ListAliases, &json!({"Limit": 1.5})).unwrap_err();
        assert!(matches!(f, Fault::Serialization(_)));
        let f = check_input(Operation::ListAliases, &json!({"Limit": "10"})).unwrap_err();
        assert!(matches!(f, Fault::Serialization(_)));
    }

    #[test]
    fn limit_range() {
        assert!(check_input(Operation::ListAliases, &json!({"Limit": 1})).is_ok());
        assert!(check_input(Operation::ListAliases, &json!({"Limit": 1000})).is_ok());
        let v = violations(Operation::ListAliases, json!({"Limit": 0}));
        assert_eq!(v[0].constraint, Constraint::MinValue(1));
        let v = violations(Operation::ListAliases, json!({"Limit": 1001}));
        assert_eq!(v[0].constraint, Constraint::MaxValue(1000));
    }

    #[test]
    fn enums_list_model_values() {
        let v = violations(Operation::CreateKey, json!({"KeySpec": "HMAC_random"}));
        let m = validation_message(&v);
        assert!(m.starts_with("1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048"), "{m}");
    }

    #[test]
    fn bodies_parse_leniently_but_not_garbage() {
        assert_eq!(parse_body(b"").unwrap(), json!({}));
        assert_eq!(parse_body(b" \n").unwrap(), json!({}));
        assert_eq!(parse_body(br#"{"a":1}"#).unwrap(), json!({"a": 1}));
        for bad in [&b"{"[..], b"{\"a\":", b"\xff\xfe", b"nope", b"{}}"] {
            let f = parse_body(bad).unwrap_err();
            assert!(matches!(f, Fault::Serialization(_)), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(parse_body(deep.as_bytes()).is_err());
    }

    #[test]
    fn tags_are_validated_member_by_member() {
        let tag = |k: &str, v: &str| json!({"TagKey": k, "TagValue": v});
        let ok = json!({"Tags": [tag(&"k".repeat(128), &"v".repeat(256)), tag("a", "")]});
        assert!(check_input(Operation::CreateKey, &ok).is_ok());
        // Spec K, recorded (LS-snap test_create_key_with_invalid_tag_key[too_long_key]).
        let long_key = "a".repeat(129);
        let v = violations(
            Operation::CreateKey,
            json!({"Tags": [tag(&long_key, "value1")]}),
        );
        assert_eq!(
            validation_message(&v),
            format!("1 validation error detected: Value '{long_key}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128")
        );
        // Spec K, recorded (LS-snap test_key_with_long_tag_value_raises_error).
        let long_value = "v".repeat(257);
        let v = violations(
            Operation::CreateKey,
            json!({"Tags": [tag("ok", "x"), tag("tag1", &long_value)]}),
        );
        assert_eq!(
            validation_message(&v),
            format!("1 validation error detected: Value '{long_value}' at 'tags.2.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256")
        );
        let v = violations(Operation::CreateKey, json!({"Tags": [{"TagKey": ""}]}));
        assert_eq!(
            validation_message(&v),
            "2 validation errors detected: Value '' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1; Value null at 'tags.1.member.tagValue' failed to satisfy constraint: Member must not be null"
        );
        for bad in [
            json!({"Tags": {}}),
            json!({"Tags": ["k"]}),
            json!({"Tags": [{"TagKey": 1}]}),
        ] {
            let f = check_input(Operation::CreateKey, &bad).unwrap_err();
            assert!(matches!(f, Fault::Serialization(_)), "{bad}");
        }
    }

    #[test]
    fn list_lengths_and_items() {
        let tokens: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        let v = violations(
            Operation::DescribeKey,
            json!({"KeyId": "k", "GrantTokens": tokens}),
        );
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].constraint, Constraint::MaxLength(10));
        assert_eq!(
            v[0].value.as_deref(),
            Some("[t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10]")
        );
        let v = violations(
            Operation::DescribeKey,
            json!({"KeyId": "k", "GrantTokens": [""]}),
        );
        assert_eq!(v[0].member, "grantTokens.1.member");
        let v = violations(Operation::ListKeys, json!({"ResourceOwners": []}));
        assert_eq!(v[0].constraint, Constraint::MinLength(1));
        let v = violations(Operation::ListKeys, json!({"ResourceOwners": ["ME"]}));
        assert_eq!(v[0].member, "resourceOwners.1.member");
        assert_eq!(v[0].constraint, Constraint::Enum(EnumSet::ResourceOwner));
        assert!(check_input(
            Operation::ListKeys,
            &json!({"ResourceOwners": ["SELF", "OTHER_ACCOUNTS_VIA_RAM"]})
        )
        .is_ok());
    }

    #[test]
    fn output_patterns() {
        assert!(Pattern::Region.matches("us-east-1"));
        assert!(Pattern::Region.matches("us-gov-west-1"));
        assert!(!Pattern::Region.matches("useast-1"));
        assert!(!Pattern::Region.matches("a-b-c-d-1"));
        assert!(!Pattern::Region.matches("us-east-"));
        assert!(Pattern::BackingKeyId.matches(&"0a".repeat(32)));
        assert!(!Pattern::BackingKeyId.matches("0A"));
        assert!(Pattern::CloudHsmClusterId.matches("cluster-234abcdefgh"));
        assert!(!Pattern::CloudHsmClusterId.matches("cluster-1bcdefghijk"));
        for set in EnumSet::ALL {
            assert!(!set.values().is_empty(), "{set:?}");
        }
    }

    #[test]
    fn unknown_members_are_ignored() {
        let body = json!({"AliasName": "alias/x", "TargetKeyId": "k", "Extra": [1, 2]});
        assert!(check_input(Operation::CreateAlias, &body).is_ok());
    }
}
