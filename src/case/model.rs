//! The case-file format as plain data: what a loaded file says, with a
//! [`Span`] on every node that a message may need to point at. Loading lives
//! in `load.rs`; running lives in `runner/`.

use std::time::Duration;

use serde_json::Value;

use crate::spec::{Evidence, KeySpec, KeyUsage, Operation, Origin};

/// A position in a case file (1-based line and column).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// One case file: the cases of one clause.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    /// Path under the corpus root with `/` separators and its extension,
    /// e.g. `CreateAlias/name-length.yaml`.
    pub path: String,
    /// The default operation of its steps.
    pub operation: Option<Operation>,
    /// The spec clause the file checks, e.g. `CreateAlias.AliasName.length`.
    pub clause: String,
    /// Where the clause comes from (document and section, or recording).
    pub source: String,
    /// How sure the source is; governs whether a message mismatch fails or drifts.
    pub evidence: Evidence,
    /// Keys every case of the file gets, freshly created for each case.
    pub fixtures: Vec<KeyFixture>,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

impl CaseFile {
    /// The path without its extension: the first half of every trial name.
    pub fn stem(&self) -> &str {
        self.path
            .rsplit_once('.')
            .map(|(stem, _)| stem)
            .unwrap_or(&self.path)
    }
}

/// The state a fixture key is put in after creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixtureState {
    /// As created (PendingImport when the origin is EXTERNAL).
    Created,
    /// DisableKey after creation.
    Disabled,
    /// ScheduleKeyDeletion (shortest window) after creation.
    PendingDeletion,
}

/// A key created before each case and removed after it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFixture {
    /// The name steps use: `${name.KeyId}`, `${name.Arn}`.
    pub name: String,
    /// `KeySpec` sent to CreateKey.
    pub key_spec: KeySpec,
    /// `KeyUsage` sent to CreateKey (omitted when `None`).
    pub key_usage: Option<KeyUsage>,
    /// `Origin` sent to CreateKey (omitted when `None`).
    pub origin: Option<Origin>,
    /// `MultiRegion: true` sent to CreateKey.
    pub multi_region: bool,
    /// The state to put it in.
    pub state: FixtureState,
    /// Where it is declared.
    pub span: Span,
}

/// One case: a named sequence of steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The name as written.
    pub name: String,
    /// The name as a slug (lowercase, `-` separated): the second half of the trial name.
    pub slug: String,
    /// Overrides the file's evidence for this case.
    pub evidence: Option<Evidence>,
    /// Reason to skip unless `--ignored` is given.
    pub ignore: Option<String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Where it is declared.
    pub span: Span,
}

/// One request and what must come back.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The operation (sets `X-Amz-Target`); `None` only when the request sets
    /// the target header itself.
    pub op: Option<Operation>,
    /// What to send.
    pub request: Request,
    /// What must come back. A step without `expect` must succeed (HTTP 200).
    pub expect: Expect,
    /// Values of the response to keep as variables: (name, path).
    pub capture: Vec<Capture>,
    /// Retry until the expectation holds, for eventually consistent targets.
    pub eventually: Option<Eventually>,
    /// Where it is declared.
    pub span: Span,
}

/// The request of a step. Strings anywhere in it may hold `${...}` templates.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The body.
    pub body: Body,
    /// Header overrides, applied after the defaults: `Some` sets, `None` removes.
    pub headers: Vec<(String, Option<String>)>,
    /// Send without a SigV4 signature.
    pub unsigned: bool,
    /// HTTP method (default `POST`).
    pub method: Option<String>,
    /// Request path (default `/`).
    pub path: Option<String>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A JSON value (the usual case), serialised compactly.
    Json(Value),
    /// Text sent verbatim (malformed JSON and the like); templates are expanded.
    Raw(String),
    /// Bytes sent verbatim (from `raw_base64`).
    Bytes(Vec<u8>),
}

/// What a response must look like. Every field left `None` is not checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// HTTP status. When `None` and `error` is set, the status the spec gives
    /// the first candidate code; when both are `None`, 200.
    pub status: Option<u16>,
    /// The error code, or candidate codes where the evidence leaves it open.
    /// Compared after stripping namespace and suffix, as SDKs do.
    pub error: Option<Vec<String>>,
    /// The error message (`message`, or `Message` as some AWS errors spell it).
    pub message: Option<Matcher>,
    /// The body.
    pub body: Option<BodyExpect>,
    /// Response headers (names case-insensitive).
    pub headers: Vec<(String, Matcher)>,
    /// Where `expect` is declared.
    pub span: Span,
}

/// What the body must be.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyExpect {
    /// Zero bytes.
    Empty,
    /// JSON that satisfies the matcher.
    Json(Matcher),
}

/// A JSON type, for [`Matcher::Type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum JsonType {
    Null,
    Bool,
    Number,
    Integer,
    String,
    Array,
    Object,
}

/// A check of one value. Template strings are expanded before comparing.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// Equal to this value (objects compared whole). YAML scalars and `{eq: ...}`.
    Exact(Value),
    /// An object having at least these members, each matching. A YAML mapping.
    Subset(Vec<(String, Matcher)>),
    /// An array of exactly these elements, in order. A YAML sequence.
    Array(Vec<Matcher>),
    /// An array containing, for each matcher, some element that matches it. `{contains: [...]}`.
    Contains(Vec<Matcher>),
    /// An array containing no element that matches. `{excludes: ...}`.
    Excludes(Box<Matcher>),
    /// A string matching this regex. `{regex: ...}`.
    Regex(String),
    /// Present (any value, including null). `{present: true}`.
    Present,
    /// Absent. `{absent: true}`.
    Absent,
    /// Of this JSON type. `{type: string}`.
    Type(JsonType),
    /// Numerically greater than. `{gt: ...}`.
    Gt(Value),
    /// Numerically greater than or equal. `{ge: ...}`.
    Ge(Value),
    /// Numerically less than. `{lt: ...}`.
    Lt(Value),
    /// Numerically less than or equal. `{le: ...}`.
    Le(Value),
    /// Not equal. `{ne: ...}`.
    Ne(Value),
    /// An array or string of this length, or an object with this many members. `{len: N}`.
    Len(usize),
    /// Any of these. `{any_of: [...]}`.
    AnyOf(Vec<Matcher>),
}

/// A response value kept as a variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    /// The variable name.
    pub name: String,
    /// The path into the response body: `Aliases[0].LastUpdatedDate`,
    /// `Aliases[AliasName=${alias}].CreationDate`, or `header:x-amzn-RequestId`.
    pub path: String,
}

/// Retry policy for a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eventually {
    /// Give up after this long.
    pub timeout: Duration,
    /// Wait this long between tries.
    pub interval: Duration,
}
