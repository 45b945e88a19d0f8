//! The result of a run as data: what `--report FILE.json` writes and what
//! every view (console findings, JUnit, Markdown, HTML) reads. Its JSON
//! Schema comes from these types (`kms-alias-conformance schema --report`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of this format; bumped when a field changes meaning.
pub const REPORT_FORMAT: u32 = 1;

/// One run against one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// [`REPORT_FORMAT`].
    pub format: u32,
    /// The tool and its version, e.g. `kms-alias-conformance 0.1.0`.
    pub tool: String,
    /// What was tested.
    pub target: TargetInfo,
    /// When the run started, seconds since the Unix epoch.
    pub started_unix: u64,
    /// Wall time of the run in milliseconds.
    pub duration_ms: u64,
    /// The baseline file the run was judged with, if any.
    pub baseline: Option<String>,
    /// Counts of verdicts.
    pub summary: Summary,
    /// One row per distinct behaviour, most severe first, then most cases.
    pub findings: Vec<Finding>,
    /// Every case that ran, in trial-name order.
    pub cases: Vec<CaseRecord>,
}

/// The target of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TargetInfo {
    /// A short name for columns and titles: `--target-name`, else the endpoint.
    pub label: String,
    /// The endpoint URL, or `embedded reference`.
    pub endpoint: String,
    /// The Region signed for.
    pub region: String,
    /// The wire dialects of the run's cases: `aws`, `otc` or `aws+otc`.
    pub dialect: String,
    /// The run prefix in every name the run created.
    pub prefix: String,
}

/// How many cases ended with each verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Cases run.
    pub total: usize,
    /// [`Verdict::Pass`].
    pub pass: usize,
    /// [`Verdict::Drift`].
    pub drift: usize,
    /// [`Verdict::Fail`] (including baseline entries that changed).
    pub fail: usize,
    /// Of `fail`, listed in the baseline with another signature.
    pub changed: usize,
    /// [`Verdict::Blocked`].
    pub blocked: usize,
    /// [`Verdict::Error`].
    pub error: usize,
    /// [`Verdict::Xfail`].
    pub xfail: usize,
    /// [`Verdict::Xpass`].
    pub xpass: usize,
}

/// How a case ended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every check held.
    Pass,
    /// Every check held but a message's wording differs where the evidence
    /// is not a recording of AWS's text.
    Drift,
    /// A check failed; [`CaseRecord::kind`] says how.
    Fail,
    /// The case could not get to its subject: a setup step failed, or the
    /// target lacks an operation the case needs.
    Blocked,
    /// The transport failed: refused, reset, timed out, or not HTTP.
    Error,
    /// Failed, as the baseline says it does.
    Xfail,
    /// Listed in the baseline but passed: the deviation is gone, and so must
    /// the entry be.
    Xpass,
}

impl Verdict {
    /// Whether the run may exit 0 with this verdict.
    pub fn is_ok(self) -> bool {
        matches!(self, Verdict::Pass | Verdict::Drift | Verdict::Xfail)
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Drift => "drift",
            Verdict::Fail => "fail",
            Verdict::Blocked => "blocked",
            Verdict::Error => "error",
            Verdict::Xfail => "xfail",
            Verdict::Xpass => "xpass",
        }
    }
}

/// What kind of deviation a finding is. Declared in the order the report
/// shows them: what breaks clients first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A later read shows the wrong effect (or a read returns the wrong
    /// data): state is lost or wrong.
    WrongState,
    /// Accepted what must be rejected.
    FalseSuccess,
    /// Rejected what must be accepted.
    FalseRejection,
    /// Another error code: an SDK raises another exception class.
    WrongCode,
    /// The right error code with another HTTP status.
    WrongStatus,
    /// The transport failed (refused, reset, timeout, not HTTP).
    Transport,
    /// The body or a header has the wrong shape.
    WrongShape,
    /// A message differs where AWS's text was recorded.
    WrongMessage,
    /// A setup step failed, or the target lacks an operation.
    Blocked,
    /// A message differs where the evidence is not a recording.
    Drift,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: &'static [Kind] = &[
        Kind::WrongState,
        Kind::FalseSuccess,
        Kind::FalseRejection,
        Kind::WrongCode,
        Kind::WrongStatus,
        Kind::Transport,
        Kind::WrongShape,
        Kind::WrongMessage,
        Kind::Blocked,
        Kind::Drift,
    ];

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::WrongState => "wrong-state",
            Kind::FalseSuccess => "false-success",
            Kind::FalseRejection => "false-rejection",
            Kind::WrongCode => "wrong-code",
            Kind::WrongStatus => "wrong-status",
            Kind::Transport => "transport",
            Kind::WrongShape => "wrong-shape",
            Kind::WrongMessage => "wrong-message",
            Kind::Blocked => "blocked",
            Kind::Drift => "drift",
        }
    }

    /// How much it hurts a client.
    pub fn severity(self) -> Severity {
        match self {
            Kind::WrongState | Kind::FalseSuccess => Severity::Critical,
            Kind::FalseRejection | Kind::WrongCode | Kind::WrongStatus | Kind::Transport => {
                Severity::Major
            }
            Kind::WrongShape | Kind::WrongMessage | Kind::Blocked => Severity::Minor,
            Kind::Drift => Severity::Info,
        }
    }

    /// The verdict a case with this kind gets (before any baseline).
    pub fn verdict(self) -> Verdict {
        match self {
            Kind::Blocked => Verdict::Blocked,
            Kind::Transport => Verdict::Error,
            Kind::Drift => Verdict::Drift,
            _ => Verdict::Fail,
        }
    }
}

/// Severity of a kind of deviation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Loses data or lets through what must be refused.
    Critical,
    /// An SDK sees another outcome or exception class.
    Major,
    /// Most SDKs tolerate it.
    Minor,
    /// Wording only.
    Info,
}

impl Severity {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Info => "info",
        }
    }
}

/// One distinct behaviour of the target, and the cases that show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The normalised behaviour: operation, check, expected and actual.
    pub signature: String,
    /// The kind of deviation.
    pub kind: Kind,
    /// The kind's severity.
    pub severity: Severity,
    /// The operation of the failing step.
    pub operation: String,
    /// What was checked (`response`, `body`, `header content-type`, ...).
    pub check: String,
    /// What the spec expects, normalised.
    pub expected: String,
    /// What the target did, normalised.
    pub actual: String,
    /// How many cases show it.
    pub count: usize,
    /// How many of them the baseline expects (verdict xfail).
    pub baselined: usize,
    /// Their trial ids, sorted.
    pub trials: Vec<String>,
    /// The clauses of the failing checks, sorted, without repeats.
    pub clauses: Vec<String>,
}

/// One case and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseRecord {
    /// The trial id, `<file stem>::<case slug>`.
    pub trial: String,
    /// The case name as written.
    pub name: String,
    /// The case file, relative to the corpus root.
    pub file: String,
    /// The case's line in that file.
    pub line: usize,
    /// The case's clause (its file's, unless the case overrides it).
    pub clause: String,
    /// Every clause a check of the case is attributed to, sorted.
    pub clauses: Vec<String>,
    /// The case's source.
    pub source: String,
    /// The case's evidence grade.
    pub evidence: String,
    /// How it ended.
    pub verdict: Verdict,
    /// For anything but a pass: the kind of the deciding deviation.
    pub kind: Option<Kind>,
    /// The kind's severity.
    pub severity: Option<Severity>,
    /// The deciding deviation, normalised: the key findings and baselines use.
    pub signature: Option<String>,
    /// The deciding deviation in one line, not normalised.
    pub summary: Option<String>,
    /// The baseline entry for this trial, if there is one.
    pub baseline: Option<BaselineNote>,
    /// The requests that created the fixture keys.
    pub fixtures: Vec<ExchangeRecord>,
    /// The steps that ran, in order (a failing step ends the case).
    pub steps: Vec<StepRecord>,
    /// What cleanup could not remove.
    pub cleanup_errors: Vec<String>,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// For anything but a pass: how to reproduce it.
    pub reproduce: Option<Reproduce>,
}

impl CaseRecord {
    /// A case about to run: where it is and what it checks; it passes until
    /// a step, a verdict or a baseline says otherwise.
    pub fn new(
        trial: String,
        name: String,
        file: String,
        line: usize,
        clause: String,
        source: String,
        evidence: String,
    ) -> CaseRecord {
        CaseRecord {
            trial,
            name,
            file,
            line,
            clause,
            clauses: Vec::new(),
            source,
            evidence,
            verdict: Verdict::Pass,
            kind: None,
            severity: None,
            signature: None,
            summary: None,
            baseline: None,
            fixtures: Vec::new(),
            steps: Vec::new(),
            cleanup_errors: Vec::new(),
            duration_ms: 0,
            reproduce: None,
        }
    }
}

/// What the baseline says of a trial, and how the run compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineNote {
    /// The signature the baseline expects.
    pub signature: String,
    /// Why the deviation is tolerated.
    pub reason: String,
    /// The trial failed with another signature than the baseline's.
    pub changed: bool,
}

/// One step of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StepRecord {
    /// 1-based position in the case.
    pub index: usize,
    /// The step's line in the case file.
    pub line: usize,
    /// The operation, or the target header sent.
    pub operation: String,
    /// `setup`, `check` or `verify`.
    pub role: String,
    /// How many times it was sent (more than one only for a read with `eventually`).
    pub attempts: u32,
    /// The request and its response.
    pub exchange: ExchangeRecord,
    /// Every check made of the response, passed or not.
    pub checks: Vec<CheckRecord>,
    /// A unified diff of the expected and the actual body, when a body check failed.
    pub diff: Option<String>,
    /// Why the step could not be carried out or judged (template, transport, capture).
    pub error: Option<String>,
}

/// A request and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExchangeRecord {
    /// The request as sent (before signing); absent when it could not be built.
    pub request: Option<RequestRecord>,
    /// The response; absent when none arrived.
    pub response: Option<ResponseRecord>,
}

/// A request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Headers besides `host` and the signature's.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: BodyRecord,
    /// Whether it was signed with SigV4.
    pub signed: bool,
}

/// A response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponseRecord {
    /// HTTP status.
    pub status: u16,
    /// Headers, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: BodyRecord,
}

/// A body: text when it is UTF-8, else base64.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BodyRecord {
    /// The body as text, when it is UTF-8.
    pub text: Option<String>,
    /// The body in base64, when it is not UTF-8.
    pub base64: Option<String>,
    /// Its length in bytes.
    pub bytes: usize,
}

/// One check of a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckRecord {
    /// What was checked: `status`, `error code`, `message`, `body`,
    /// `body $.Aliases[0]`, `header content-type`, `success`, `capture NAME`.
    pub what: String,
    /// The clause it is attributed to.
    pub clause: String,
    /// Its evidence grade.
    pub evidence: String,
    /// Its source, where it differs from the case's.
    pub source: Option<String>,
    /// `pass`, `fail` or `drift`.
    pub outcome: CheckOutcome,
    /// What was expected, in words.
    pub expected: String,
    /// What came back, in words (empty when it passed).
    pub actual: String,
    /// For a failed check: the kind of deviation.
    pub kind: Option<Kind>,
}

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckOutcome {
    /// It held.
    Pass,
    /// It failed.
    Fail,
    /// A message's wording differs where the evidence is not a recording.
    Drift,
}

/// How to reproduce a case's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Reproduce {
    /// The requests of the fixtures and of every step up to the deciding one,
    /// as `curl` commands (signed with `--aws-sigv4` when credentials are in use).
    pub curl: Vec<String>,
    /// The `run` command that re-runs only this trial.
    pub command: String,
}
