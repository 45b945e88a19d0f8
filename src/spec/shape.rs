//! The input shapes of each operation (BC service model) and the framework
//! validation AWS runs before any service code: JSON types, required
//! members, lengths, patterns, enums and ranges.

use serde_json::Value;

use super::fault::Fault;
use super::key::{KeySpec, KeyUsage, Origin};
use super::operation::Operation;

/// A string pattern from the model, implemented as a character predicate.
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
}

impl Pattern {
    /// The pattern as the model (and AWS's message) writes it.
    pub fn source(self) -> &'static str {
        match self {
            Pattern::AliasName => "^[a-zA-Z0-9:/_-]+$",
            Pattern::Marker => "[\\u0020-\\u00FF]*",
            Pattern::Policy => "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
            Pattern::XksKeyId => "^[a-zA-Z0-9-_.]+$",
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
        }
    }

    /// Whether the whole string matches (`+` patterns need one character).
    pub fn matches(self, s: &str) -> bool {
        let needs_one = !matches!(self, Pattern::Marker);
        (!needs_one || !s.is_empty()) && s.chars().all(|c| self.allows(c))
    }
}

/// A model enum, listed from the spec's own enums so no list is written twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumSet {
    /// KeySpec.
    KeySpec,
    /// CustomerMasterKeySpec (deprecated; lacks ML_DSA_* and EDWARDS25519).
    CustomerMasterKeySpec,
    /// KeyUsageType.
    KeyUsage,
    /// OriginType.
    Origin,
}

impl EnumSet {
    /// The allowed values, in model order.
    pub fn values(self) -> Vec<&'static str> {
        match self {
            EnumSet::KeySpec => KeySpec::ALL.iter().map(|s| s.name()).collect(),
            EnumSet::CustomerMasterKeySpec => KeySpec::ALL
                .iter()
                .filter(|s| s.in_customer_master_key_spec())
                .map(|s| s.name())
                .collect(),
            EnumSet::KeyUsage => KeyUsage::ALL.iter().map(|s| s.name()).collect(),
            EnumSet::Origin => Origin::ALL.iter().map(|s| s.name()).collect(),
        }
    }
}

/// A member's type and constraints.
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
    /// A list (contents not validated further).
    List,
}

/// One input member of an operation.
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

const fn string(name: &'static str, required: bool, min: usize, max: usize) -> Member {
    Member {
        name,
        required,
        ty: Ty::Str {
            min,
            max,
            pattern: None,
        },
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

const ALIAS_NAME: Member = patterned("AliasName", true, 1, ALIAS_NAME_MAX, Pattern::AliasName);
const TARGET_KEY_ID: Member = string("TargetKeyId", true, 1, KEY_ID_MAX);
const KEY_ID: Member = string("KeyId", true, 1, KEY_ID_MAX);
const LIMIT: Member = of("Limit", Ty::Int { min: 1, max: 1000 });
const MARKER: Member = patterned("Marker", false, 1, 1024, Pattern::Marker);

const ALIAS_MEMBERS: &[Member] = &[ALIAS_NAME, TARGET_KEY_ID];
const DELETE_ALIAS: &[Member] = &[ALIAS_NAME];
const LIST_ALIASES: &[Member] = &[string("KeyId", false, 1, KEY_ID_MAX), LIMIT, MARKER];
const DESCRIBE_KEY: &[Member] = &[KEY_ID, of("GrantTokens", Ty::List)];
const LIST_KEYS: &[Member] = &[LIMIT, MARKER];
const KEY_ONLY: &[Member] = &[KEY_ID];
const SCHEDULE_KEY_DELETION: &[Member] = &[
    KEY_ID,
    of("PendingWindowInDays", Ty::Int { min: 1, max: 365 }),
];
const CREATE_KEY: &[Member] = &[
    patterned("Policy", false, 1, 131_072, Pattern::Policy),
    string("Description", false, 0, 8192),
    of("KeyUsage", Ty::Enum(EnumSet::KeyUsage)),
    of(
        "CustomerMasterKeySpec",
        Ty::Enum(EnumSet::CustomerMasterKeySpec),
    ),
    of("KeySpec", Ty::Enum(EnumSet::KeySpec)),
    of("Origin", Ty::Enum(EnumSet::Origin)),
    string("CustomKeyStoreId", false, 1, 64),
    of("BypassPolicyLockoutSafetyCheck", Ty::Bool),
    of("Tags", Ty::List),
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
/// member by member in model order. Unknown members are ignored, as AWS does.
pub fn check_input(op: Operation, body: &Value) -> Result<(), Fault> {
    let Value::Object(map) = body else {
        return Err(Fault::Serialization(format!(
            "Start of {} found where not expected.",
            json_kind(body)
        )));
    };
    for m in members(op) {
        if let Some(v) = map.get(m.name) {
            check_json_type(m, v)?;
        }
    }
    let mut violations = Vec::new();
    for m in members(op) {
        let member = lower_camel(m.name);
        let value = map.get(m.name).filter(|v| !v.is_null());
        let Some(value) = value else {
            if m.required {
                violations.push(Violation {
                    member,
                    value: None,
                    constraint: Constraint::NotNull,
                });
            }
            continue;
        };
        let mut push = |shown: String, constraint| {
            violations.push(Violation {
                member: member.clone(),
                value: Some(shown),
                constraint,
            })
        };
        match (m.ty, value) {
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
            _ => {}
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Fault::Validation(violations))
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

fn check_json_type(m: &Member, v: &Value) -> Result<(), Fault> {
    let ok = match (m.ty, v) {
        (_, Value::Null) => true,
        (Ty::Str { .. } | Ty::Enum(_), Value::String(_)) => true,
        (Ty::Bool, Value::Bool(_)) => true,
        (Ty::List, Value::Array(_)) => true,
        // Java ints: a fraction or a value past 32 bits does not deserialise.
        (Ty::Int { .. }, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Fault::Serialization(format!(
            "Unexpected {} for member {}.",
            json_kind(v),
            m.name
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
    fn unknown_members_are_ignored() {
        let body = json!({"AliasName": "alias/x", "TargetKeyId": "k", "Extra": [1, 2]});
        assert!(check_input(Operation::CreateAlias, &body).is_ok());
    }
}
