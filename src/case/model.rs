//! The case-file format as plain data: what a loaded file says, with a
//! [`Span`] on every node that a message may need to point at. Loading lives
//! in `load.rs`; running lives in `runner/`.

use std::time::Duration;

use serde_json::Value;

use crate::spec::otc::Action;
use crate::spec::{Dialect, Evidence, KeySpec, KeyUsage, Operation, Origin};

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
    /// The wire dialect of every step (`dialect:`, default `aws`).
    pub dialect: Dialect,
    /// The default operation of its steps (AWS files).
    pub operation: Option<Operation>,
    /// The default action of its steps (OTC files, where `operation:` names one).
    pub action: Option<Action>,
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
    /// OTC: not created but found, a service's Default Master Key (which
    /// cannot be made through the API, and is never removed).
    pub default_master_key: bool,
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
    /// Overrides of the file's clause, source and evidence for this case.
    pub grade: Grade,
    /// Reason to skip unless `--ignored` is given.
    pub ignore: Option<String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Where it is declared.
    pub span: Span,
}

/// Overrides of the clause a check is attributed to, its source and its
/// evidence grade. Each level (file, case, step, expectation, one check)
/// inherits what it leaves `None` from the level above.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grade {
    /// The spec clause, e.g. `DeleteAlias.AliasName.not-found`.
    pub clause: Option<String>,
    /// Where the clause (or this check's expected value) comes from.
    pub source: Option<String>,
    /// How sure that source is.
    pub evidence: Option<Evidence>,
}

impl Grade {
    /// `self`, with what it leaves open taken from `outer`.
    pub fn over(&self, outer: &Grade) -> Grade {
        Grade {
            clause: self.clause.clone().or_else(|| outer.clause.clone()),
            source: self.source.clone().or_else(|| outer.source.clone()),
            evidence: self.evidence.or(outer.evidence),
        }
    }
}

/// What a step is for: it decides which checks the step may make and how a
/// failed one is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Prepares the case (creates aliases, captures ids). It checks only
    /// that it succeeded and that its captures are there; when it fails, the
    /// case is blocked, not failed. A step without `expect` is a setup step
    /// unless it says otherwise.
    Setup,
    /// The request the clause is about.
    Check,
    /// A later read of state (ListAliases, DescribeKey, ListKeys) after a
    /// check step: a mismatch means the check step had the wrong effect.
    Verify,
}

impl Role {
    /// The name used in case files.
    pub fn name(self) -> &'static str {
        match self {
            Role::Setup => "setup",
            Role::Check => "check",
            Role::Verify => "verify",
        }
    }
}

/// Which check of an expectation, for per-check grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckOf {
    /// `status`.
    Status,
    /// `error`.
    Error,
    /// `message`.
    Message,
    /// `body`.
    Body,
    /// `headers`.
    Headers,
}

impl CheckOf {
    /// Every check, in the order they are made.
    pub const ALL: &'static [CheckOf] = &[
        CheckOf::Status,
        CheckOf::Error,
        CheckOf::Message,
        CheckOf::Body,
        CheckOf::Headers,
    ];

    /// The key of `expect` it stands for.
    pub fn name(self) -> &'static str {
        match self {
            CheckOf::Status => "status",
            CheckOf::Error => "error",
            CheckOf::Message => "message",
            CheckOf::Body => "body",
            CheckOf::Headers => "headers",
        }
    }
}

/// One request and what must come back.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The operation (sets `X-Amz-Target`); `None` only when the request sets
    /// the target header itself.
    pub op: Option<Operation>,
    /// The OTC action (sets the path `/v1.0/{project_id}/kms/<action>`), in
    /// OTC files instead of `op`.
    pub action: Option<Action>,
    /// What the step is for (explicit `role:`, or inferred by the loader).
    pub role: Role,
    /// Overrides of the case's clause, source and evidence for this step.
    pub grade: Grade,
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

impl Step {
    /// The operation the step sends (see [`sent_operation`]).
    pub fn sent_operation(&self) -> Option<Operation> {
        sent_operation(self.op, &self.request.headers)
    }
}

/// The operation a step sends: the one its own `X-Amz-Target` header
/// names, if it sets or removes that header, else `op`.
pub fn sent_operation(
    op: Option<Operation>,
    headers: &[(String, Option<String>)],
) -> Option<Operation> {
    match headers
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
    {
        Some((_, Some(target))) => Operation::from_target(target),
        Some((_, None)) => None,
        None => op,
    }
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
    /// A regex the error code must match, where the evidence gives only its
    /// form (`error: {regex: ...}`); the status is then as written, or 400.
    pub error_pattern: Option<String>,
    /// The error message (`message`, or `Message` as some AWS errors spell it).
    pub message: Option<Matcher>,
    /// The body.
    pub body: Option<BodyExpect>,
    /// Response headers (names case-insensitive).
    pub headers: Vec<(String, Matcher)>,
    /// Overrides of the step's grade for every check of this expectation.
    pub grade: Grade,
    /// Overrides for single checks (`evidence: {message: inferred}`), over
    /// `grade`.
    pub per_check: Vec<(CheckOf, Grade)>,
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

impl Expect {
    /// The grade of one check: its own overrides, then the expectation's.
    pub fn grade_of(&self, check: CheckOf) -> Grade {
        match self.per_check.iter().find(|(c, _)| *c == check) {
            Some((_, g)) => g.over(&self.grade),
            None => self.grade.clone(),
        }
    }
}

/// Retry policy for a step (reads only: a mutation is never re-sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eventually {
    /// Give up after this long.
    pub timeout: Duration,
    /// Wait this long between tries.
    pub interval: Duration,
}
