//! The case-file syntax as serde/schemars types: the source of the JSON
//! Schema (`schema.rs`). The loader reads YAML nodes directly, for positions;
//! tests in `schema.rs` keep the two in step.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::Value;

use crate::spec::{otc, ErrorCode, KeySpec, KeyUsage, Operation, Origin};

/// A case file: the cases of one spec clause.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kms-alias-conformance case file")]
pub struct CaseFile {
    /// The wire dialect of every step: `aws` (default) or `otc` (OTC /
    /// Huawei Cloud KMS v1.0 REST; then `operation` and `op` name OTC
    /// actions, fixtures use the OTC member names and error codes are `KMS.XXXX`).
    #[serde(default)]
    pub dialect: Option<Dialect>,
    /// The default operation of the steps (a KMS operation name, or an OTC
    /// action such as `update-key-alias`).
    #[serde(default)]
    #[schemars(schema_with = "operation_schema")]
    pub operation: Option<String>,
    /// The spec clause the file checks, e.g. `CreateAlias.AliasName.length`.
    pub clause: String,
    /// Where the clause comes from (document and section, or recording).
    pub source: String,
    /// How sure the source is.
    pub evidence: Evidence,
    /// Keys every case of the file gets, freshly created for each case.
    #[serde(default)]
    pub fixtures: Option<Fixtures>,
    /// The cases, at least one; names must differ after slugging.
    pub cases: Vec<Case>,
}

/// A wire dialect.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// AWS JSON 1.1.
    Aws,
    /// OTC / Huawei Cloud KMS v1.0 REST.
    Otc,
}

/// How sure a source is.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Recorded from real AWS.
    Recorded,
    /// Stated by AWS documentation or the service model.
    Documented,
    /// Inferred from the framework's wording or from emulators.
    Inferred,
}

/// The fixtures of a file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// KMS keys by name (an identifier); steps use `${name.KeyId}` and `${name.Arn}`.
    #[serde(default)]
    pub keys: BTreeMap<String, Option<KeyFixture>>,
}

/// A key created before each case and removed after it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyFixture {
    /// `KeySpec` sent to CreateKey (default `SYMMETRIC_DEFAULT`).
    #[serde(rename = "KeySpec", default)]
    #[schemars(schema_with = "key_spec_schema")]
    pub key_spec: Option<String>,
    /// `KeyUsage` sent to CreateKey.
    #[serde(rename = "KeyUsage", default)]
    #[schemars(schema_with = "key_usage_schema")]
    pub key_usage: Option<String>,
    /// `Origin` sent to CreateKey.
    #[serde(rename = "Origin", default)]
    #[schemars(schema_with = "origin_schema")]
    pub origin: Option<String>,
    /// `MultiRegion` sent to CreateKey.
    #[serde(rename = "MultiRegion", default)]
    pub multi_region: Option<bool>,
    /// The state the key is put in after creation (default `Enabled`;
    /// OTC files: `enabled`, `disabled`, `pending_deletion`).
    #[serde(default)]
    pub state: Option<FixtureState>,
    /// OTC: `key_spec` sent to create-key (default `AES_256`).
    #[serde(rename = "key_spec", default)]
    #[schemars(schema_with = "otc_key_spec_schema")]
    pub otc_key_spec: Option<String>,
    /// OTC: `key_usage` sent to create-key.
    #[serde(rename = "key_usage", default)]
    #[schemars(schema_with = "otc_key_usage_schema")]
    pub otc_key_usage: Option<String>,
    /// OTC: `origin` sent to create-key (`kms` or `external`).
    #[serde(rename = "origin", default)]
    #[schemars(schema_with = "otc_origin_schema")]
    pub otc_origin: Option<String>,
    /// OTC: not created but found, a Default Master Key (takes no other member).
    #[serde(default)]
    pub default_master_key: Option<bool>,
}

/// The state of a fixture key.
#[derive(Debug, Deserialize, JsonSchema)]
pub enum FixtureState {
    /// As created.
    Enabled,
    /// Disabled after creation.
    Disabled,
    /// Scheduled for deletion after creation.
    PendingDeletion,
    /// OTC: as created.
    #[serde(rename = "enabled")]
    OtcEnabled,
    /// OTC: disabled after creation.
    #[serde(rename = "disabled")]
    OtcDisabled,
    /// OTC: scheduled for deletion after creation.
    #[serde(rename = "pending_deletion")]
    OtcPendingDeletion,
}

/// One case: a named sequence of steps.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The name; its slug (lowercase, `-` separated) is the case id.
    pub name: String,
    /// Overrides the file's clause for the checks of this case.
    #[serde(default)]
    pub clause: Option<String>,
    /// Overrides the file's source.
    #[serde(default)]
    pub source: Option<String>,
    /// Overrides the file's evidence.
    #[serde(default)]
    pub evidence: Option<Evidence>,
    /// Reason to skip the case unless ignored cases are asked for.
    #[serde(default)]
    pub ignore: Option<String>,
    /// The steps, at least one.
    pub steps: Vec<Step>,
}

/// One request and what must come back.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The operation; defaults to the file's `operation`. Needed unless the
    /// step sets an `X-Amz-Target` header.
    #[serde(default)]
    #[schemars(schema_with = "operation_schema")]
    pub op: Option<String>,
    /// What the step is for. Default: `setup` without `expect`; `verify` for
    /// a read with `expect` after a check step; else `check`.
    #[serde(default)]
    pub role: Option<Role>,
    /// Overrides the case's clause for the checks of this step.
    #[serde(default)]
    pub clause: Option<String>,
    /// Overrides the case's source.
    #[serde(default)]
    pub source: Option<String>,
    /// Overrides the case's evidence.
    #[serde(default)]
    pub evidence: Option<Evidence>,
    /// The JSON body (default `{}`); strings may hold `${...}` templates.
    /// At most one of `request`, `raw` and `raw_base64`.
    #[serde(default)]
    pub request: Option<Value>,
    /// A body sent verbatim (templates expanded).
    #[serde(default)]
    pub raw: Option<String>,
    /// A body sent as these bytes (standard base64).
    #[serde(default)]
    pub raw_base64: Option<String>,
    /// Header overrides: a value sets, `null` removes a default header.
    #[serde(default)]
    pub headers: BTreeMap<String, Option<HeaderValue>>,
    /// Send without a SigV4 signature.
    #[serde(default)]
    pub unsigned: Option<bool>,
    /// HTTP method (default `POST`).
    #[serde(default)]
    pub method: Option<String>,
    /// Request path (default `/`).
    #[serde(default)]
    pub path: Option<String>,
    /// What must come back; without it the step must answer HTTP 200.
    #[serde(default)]
    pub expect: Option<Expect>,
    /// Response values kept as variables for later steps: name to path
    /// (`Aliases[0].LastUpdatedDate`, `Aliases[AliasName=${alias}].X`, `header:Name`).
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Retry until the expectation holds; reads only (DescribeKey, ListKeys,
    /// ListAliases), as a mutation is never re-sent.
    #[serde(default)]
    pub eventually: Option<Eventually>,
}

/// What a step is for.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Prepares the case; checks only that it succeeded (no `expect`). When
    /// it fails, the case is blocked, not failed.
    Setup,
    /// The request the clause is about.
    Check,
    /// A read after a check step, of the state the check left.
    Verify,
}

/// A header value (numbers and booleans are sent as their text).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum HeaderValue {
    /// Text; may hold templates.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

/// What a response must look like; fields left out are not checked.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// HTTP status (100 to 599).
    #[serde(default)]
    #[schemars(range(min = 100, max = 599))]
    pub status: Option<u16>,
    /// The error code, or a list of candidate codes.
    #[serde(default)]
    pub error: Option<ErrorCodes>,
    /// The error message: a string (exact) or a matcher.
    #[serde(default)]
    pub message: Option<Matcher>,
    /// The body: `empty` for zero bytes, else a matcher of the JSON body.
    #[serde(default)]
    pub body: Option<Matcher>,
    /// Response headers (names case-insensitive) to matchers.
    #[serde(default)]
    pub headers: BTreeMap<String, Matcher>,
    /// Overrides the step's clause: for every check, or per check.
    #[serde(default)]
    pub clause: Option<PerCheck<String>>,
    /// Overrides the step's source: for every check, or per check.
    #[serde(default)]
    pub source: Option<PerCheck<String>>,
    /// Overrides the step's evidence: for every check, or per check.
    #[serde(default)]
    pub evidence: Option<PerCheck<Evidence>>,
}

/// A grade value for every check of an expectation, or for some checks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "PerCheck_{T}")]
pub enum PerCheck<T> {
    /// For every check of the expectation.
    All(T),
    /// For the checks named; each must be one the expectation makes
    /// (`status` always is).
    Each(Checks<T>),
}

/// A value per check of an expectation, at least one.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
#[schemars(rename = "Checks_{T}", extend("minProperties" = 1))]
pub struct Checks<T> {
    /// For the status check.
    #[serde(default)]
    #[schemars(with = "T")]
    pub status: Option<T>,
    /// For the error code check.
    #[serde(default)]
    #[schemars(with = "T")]
    pub error: Option<T>,
    /// For the message check.
    #[serde(default)]
    #[schemars(with = "T")]
    pub message: Option<T>,
    /// For the body check.
    #[serde(default)]
    #[schemars(with = "T")]
    pub body: Option<T>,
    /// For the header checks.
    #[serde(default)]
    #[schemars(with = "T")]
    pub headers: Option<T>,
}

/// One error code or several candidates.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ErrorCodes {
    /// One code.
    One(#[schemars(schema_with = "error_code_schema")] String),
    /// Candidate codes where the evidence leaves it open.
    Many(#[schemars(schema_with = "error_codes_schema")] Vec<String>),
    /// The form of the code where the evidence gives no code at all.
    Pattern(ErrorPattern),
}

/// `error: {regex: ...}`: the status is then as written, or 400.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorPattern {
    /// A regex the error code must match.
    pub regex: String,
}

/// Retry policy of a step.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Eventually {
    /// Give up after this long (default 30s).
    #[serde(default)]
    pub timeout: Option<DurationValue>,
    /// Wait this long between tries (default 1s).
    #[serde(default)]
    pub interval: Option<DurationValue>,
}

/// A duration: `500ms`, `2s`, `1m`, `1h`, or a number of seconds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DurationValue {
    /// Seconds.
    Seconds(f64),
    /// A number with a unit.
    Text(#[schemars(regex(pattern = r"^\s*[0-9]+(\.[0-9]*)?\s*(ms|s|m|h)?\s*$"))] String),
}

/// A matcher, as written (see the schema for the keywords).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Matcher(pub Value);

/// The matcher keywords with their schemas.
fn keyword_schemas(m: &Schema) -> Value {
    let types = [
        "null", "bool", "number", "integer", "string", "array", "object",
    ];
    serde_json::json!({
        "eq": {"description": "Equal to this value (objects compared whole)."},
        "regex": {"type": "string", "description": "A string matching this regex."},
        "present": {"const": true, "description": "Present (null included)."},
        "absent": {"const": true, "description": "Absent; in a subset, the member must not be there."},
        "type": {"enum": types, "description": "Of this JSON type."},
        "gt": {"type": ["number", "string"], "description": "A number greater than this (a template allowed)."},
        "ge": {"type": ["number", "string"], "description": "A number greater than or equal to this."},
        "lt": {"type": ["number", "string"], "description": "A number less than this."},
        "le": {"type": ["number", "string"], "description": "A number less than or equal to this."},
        "ne": {"description": "Present and not equal to this."},
        "len": {"type": "integer", "minimum": 0, "description": "An array, string or object of this length."},
        "contains": {"type": "array", "items": m, "description": "An array with, for each matcher, an element matching it."},
        "excludes": {"allOf": [m], "description": "An array with no element matching."},
        "any_of": {"type": "array", "items": m, "minItems": 1, "description": "Any of these matchers."},
    })
}

impl JsonSchema for Matcher {
    fn schema_name() -> Cow<'static, str> {
        "Matcher".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let m = generator.subschema_for::<Matcher>();
        json_schema!({
            "description": "A check of a value. A scalar must be equal (templates expanded); \
                a sequence is an array of exactly these elements; a mapping with one \
                matcher keyword is that matcher; any other mapping is an object having \
                at least these members, each matching.",
            "anyOf": [
                {"type": ["string", "number", "boolean", "null"]},
                {"type": "array", "items": m},
                {"type": "object", "properties": keyword_schemas(&m), "additionalProperties": m},
            ]
        })
    }
}

fn names_schema(names: Vec<&str>) -> Schema {
    json_schema!({"type": "string", "enum": names})
}

fn operation_schema(_: &mut SchemaGenerator) -> Schema {
    names_schema(
        Operation::ALL
            .iter()
            .map(|o| o.name())
            .chain(otc::Action::ALL.iter().map(|a| a.name()))
            .collect(),
    )
}

fn otc_key_spec_schema(_: &mut SchemaGenerator) -> Schema {
    names_schema(otc::key_spec_names().collect())
}

fn otc_key_usage_schema(_: &mut SchemaGenerator) -> Schema {
    names_schema(vec![
        "ENCRYPT_DECRYPT",
        "SIGN_VERIFY",
        "GENERATE_VERIFY_MAC",
    ])
}

fn otc_origin_schema(_: &mut SchemaGenerator) -> Schema {
    names_schema(vec!["kms", "external"])
}

fn key_spec_schema(_: &mut SchemaGenerator) -> Schema {
    names_schema(KeySpec::ALL.iter().map(|o| o.name()).collect())
}

fn key_usage_schema(_: &mut SchemaGenerator) -> Schema {
    names_schema(KeyUsage::ALL.iter().map(|o| o.name()).collect())
}

fn origin_schema(_: &mut SchemaGenerator) -> Schema {
    names_schema(Origin::ALL.iter().map(|o| o.name()).collect())
}

fn error_code_schema(_: &mut SchemaGenerator) -> Schema {
    names_schema(
        ErrorCode::ALL
            .iter()
            .map(|o| o.name())
            .chain(otc::OtcError::ALL.iter().map(|e| e.code()))
            .collect(),
    )
}

fn error_codes_schema(g: &mut SchemaGenerator) -> Schema {
    let one = error_code_schema(g);
    json_schema!({"type": "array", "items": one, "minItems": 1})
}
