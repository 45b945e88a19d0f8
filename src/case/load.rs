//! Loading case files: YAML (or JSON) text to the model of `model.rs`, with
//! every error pointing at a line, a column and a field path.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

use super::error::{did_you_mean, LoadError, LoadErrorKind};
use super::matchers::parse_capture_path;
use super::model::*;
use super::vars::{parse_template, Expr, Segment, BUILTIN_VARS, FIXTURE_MEMBERS, FUNCTIONS};
use super::yaml::{self, Key, Kind, Node};
use crate::spec::{ErrorCode, Evidence, KeySpec, KeyUsage, Operation, Origin};

/// Keys of the top-level mapping.
pub(crate) const FILE_KEYS: &[&str] = &[
    "operation",
    "clause",
    "source",
    "evidence",
    "fixtures",
    "cases",
];
/// Keys of `fixtures`.
pub(crate) const FIXTURES_KEYS: &[&str] = &["keys"];
/// Keys of one key fixture.
pub(crate) const KEY_FIXTURE_KEYS: &[&str] =
    &["KeySpec", "KeyUsage", "Origin", "MultiRegion", "state"];
/// Keys of a case.
pub(crate) const CASE_KEYS: &[&str] = &["name", "evidence", "ignore", "steps"];
/// Keys of a step.
pub(crate) const STEP_KEYS: &[&str] = &[
    "op",
    "request",
    "raw",
    "raw_base64",
    "headers",
    "unsigned",
    "method",
    "path",
    "expect",
    "capture",
    "eventually",
];
/// Keys of `expect`.
pub(crate) const EXPECT_KEYS: &[&str] = &["status", "error", "message", "body", "headers"];
/// Keys of `eventually`.
pub(crate) const EVENTUALLY_KEYS: &[&str] = &["timeout", "interval"];

/// The keys that make a single-key mapping a matcher rather than a subset.
pub const MATCHER_KEYWORDS: &[&str] = &[
    "eq", "regex", "present", "absent", "type", "gt", "ge", "lt", "le", "ne", "len", "contains",
    "excludes", "any_of",
];

const EVIDENCE: &[(&str, Evidence)] = &[
    ("recorded", Evidence::Recorded),
    ("documented", Evidence::Documented),
    ("inferred", Evidence::Inferred),
];

const STATES: &[(&str, FixtureState)] = &[
    ("Enabled", FixtureState::Created),
    ("Disabled", FixtureState::Disabled),
    ("PendingDeletion", FixtureState::PendingDeletion),
];

const JSON_TYPES: &[(&str, JsonType)] = &[
    ("null", JsonType::Null),
    ("bool", JsonType::Bool),
    ("number", JsonType::Number),
    ("integer", JsonType::Integer),
    ("string", JsonType::String),
    ("array", JsonType::Array),
    ("object", JsonType::Object),
];

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

type R<T> = Result<T, LoadError>;

/// Loads one case file from its text; `path` is the path relative to the
/// corpus root, used in the model and in messages.
pub fn load_str(path: &str, text: &str) -> Result<CaseFile, LoadError> {
    let cx = Cx { file: path, text };
    let root = yaml::parse(text).map_err(|e| cx.err(e.span, e.width, &e.path, e.kind))?;
    cx.file(&root)
}

/// Loads every file of a corpus given as (relative path, text) pairs, sorted
/// by path; on failure, every error of every file.
pub fn load_files(
    files: impl IntoIterator<Item = (String, String)>,
) -> Result<Vec<CaseFile>, Vec<LoadError>> {
    let mut files: Vec<(String, String)> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in &files {
        match load_str(path, text) {
            Ok(f) => loaded.push(f),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(errors)
    }
}

/// Loads every `.yaml`, `.yml` and `.json` file under `root`, recursively,
/// sorted by path; on failure, every error of every file.
pub fn load_dir(root: &Path) -> Result<Vec<CaseFile>, Vec<LoadError>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    collect(root, root, &mut files, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    load_files(files)
}

fn collect(
    root: &Path,
    dir: &Path,
    files: &mut Vec<(String, String)>,
    errors: &mut Vec<LoadError>,
) {
    let io_err = |path: &Path, e: std::io::Error| LoadError {
        file: path.display().to_string(),
        span: None,
        width: 1,
        line_text: None,
        field: String::new(),
        kind: Box::new(LoadErrorKind::Io(e.to_string())),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return errors.push(io_err(dir, e)),
    };
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => return errors.push(io_err(dir, e)),
        };
        if path.is_dir() {
            collect(root, &path, files, errors);
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "yaml" | "yml" | "json") {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((rel.join("/"), text)),
            Err(e) => errors.push(io_err(&path, e)),
        }
    }
}

/// A case name as an id: lowercase, runs of other characters as `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The loading context of one file.
struct Cx<'t> {
    file: &'t str,
    text: &'t str,
}

/// A mapping whose keys have been checked against the allowed set.
struct Fields<'n> {
    node: &'n Node,
    entries: &'n [(Key, Node)],
    path: String,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    fn key(&self, key: &str) -> Option<&'n Key> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, _)| k)
    }

    fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }
}

/// What templates may name at a point of a case.
struct Scope<'a> {
    fixtures: &'a [KeyFixture],
    captures: Vec<String>,
}

impl<'t> Cx<'t> {
    fn err(&self, span: Span, width: usize, field: &str, kind: LoadErrorKind) -> LoadError {
        // An error at the very end has no position of its own: point past the last line.
        let span = if span.line == 0 {
            let lines = self.text.lines().count().max(1);
            let last = self.text.lines().last().unwrap_or("");
            Span {
                line: lines,
                column: last.chars().count() + 1,
            }
        } else {
            span
        };
        LoadError {
            file: self.file.to_string(),
            span: Some(span),
            width: width.max(1),
            line_text: Some(
                self.text
                    .lines()
                    .nth(span.line - 1)
                    .unwrap_or("")
                    .to_string(),
            ),
            field: field.to_string(),
            kind: Box::new(kind),
        }
    }

    fn at(&self, node: &Node, field: &str, kind: LoadErrorKind) -> LoadError {
        self.err(node.span, node.width, field, kind)
    }

    fn at_key(&self, key: &Key, field: &str, kind: LoadErrorKind) -> LoadError {
        self.err(key.span, key.width, field, kind)
    }

    fn wrong_type(&self, node: &Node, field: &str, expected: &str) -> LoadError {
        self.at(
            node,
            field,
            LoadErrorKind::WrongType {
                expected: expected.into(),
                found: node.type_name().into(),
            },
        )
    }

    fn invalid(&self, node: &Node, field: &str, msg: impl Into<String>) -> LoadError {
        self.at(node, field, LoadErrorKind::Invalid(msg.into()))
    }

    fn fields<'n>(&self, node: &'n Node, path: &str, allowed: &[&str]) -> R<Fields<'n>> {
        let entries: &'n [(Key, Node)] = match &node.kind {
            Kind::Map(entries) => entries,
            _ => return Err(self.wrong_type(node, path, "a mapping")),
        };
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) {
                let kind = LoadErrorKind::UnknownKey {
                    key: k.name.clone(),
                    hint: did_you_mean(&k.name, allowed.iter().copied()),
                };
                return Err(self.at_key(k, path, kind));
            }
        }
        Ok(Fields {
            node,
            entries,
            path: path.to_string(),
        })
    }

    fn required<'n>(&self, f: &Fields<'n>, key: &str) -> R<&'n Node> {
        f.get(key).ok_or_else(|| {
            self.at(
                f.node,
                &f.path(key),
                LoadErrorKind::MissingField { name: key.into() },
            )
        })
    }

    fn string(&self, node: &Node, field: &str) -> R<String> {
        match &node.kind {
            Kind::Str(s) => Ok(s.clone()),
            _ => Err(self.wrong_type(node, field, "a string")),
        }
    }

    fn nonempty_string(&self, node: &Node, field: &str) -> R<String> {
        let s = self.string(node, field)?;
        if s.trim().is_empty() {
            return Err(self.invalid(node, field, "must not be empty"));
        }
        Ok(s)
    }

    fn boolean(&self, node: &Node, field: &str) -> R<bool> {
        match node.kind {
            Kind::Bool(b) => Ok(b),
            _ => Err(self.wrong_type(node, field, "`true` or `false`")),
        }
    }

    fn name_in<T: Copy>(&self, node: &Node, field: &str, what: &str, table: &[(&str, T)]) -> R<T> {
        let name = self.string(node, field)?;
        if let Some((_, v)) = table.iter().find(|(n, _)| *n == name) {
            return Ok(*v);
        }
        let kind = LoadErrorKind::UnknownName {
            what: what.into(),
            hint: did_you_mean(&name, table.iter().map(|(n, _)| *n)),
            name,
        };
        Err(self.at(node, field, kind))
    }

    fn file(&self, root: &Node) -> R<CaseFile> {
        let f = self.fields(root, "", FILE_KEYS)?;
        let ops: Vec<(&str, Operation)> = Operation::ALL.iter().map(|o| (o.name(), *o)).collect();
        let operation = match f.get("operation") {
            Some(n) => Some(self.name_in(n, "operation", "operation", &ops)?),
            None => None,
        };
        let clause = self.nonempty_string(self.required(&f, "clause")?, "clause")?;
        let source = self.nonempty_string(self.required(&f, "source")?, "source")?;
        let evidence = self.name_in(
            self.required(&f, "evidence")?,
            "evidence",
            "evidence",
            EVIDENCE,
        )?;
        let fixtures = match f.get("fixtures") {
            Some(n) => self.fixtures(n)?,
            None => Vec::new(),
        };
        let cases_node = self.required(&f, "cases")?;
        let Kind::Seq(items) = &cases_node.kind else {
            return Err(self.wrong_type(cases_node, "cases", "a sequence of cases"));
        };
        if items.is_empty() {
            return Err(self.invalid(cases_node, "cases", "a case file needs at least one case"));
        }
        let mut cases: Vec<Case> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("cases[{i}]");
            let case = self.case(item, &path, operation, &fixtures)?;
            if let Some(first) = cases.iter().find(|c| c.slug == case.slug) {
                let name_node = self
                    .fields(item, &path, CASE_KEYS)?
                    .get("name")
                    .unwrap_or(item);
                let kind = LoadErrorKind::DuplicateCase {
                    slug: case.slug.clone(),
                    first_line: first.span.line,
                };
                return Err(self.at(name_node, &join(&path, "name"), kind));
            }
            cases.push(case);
        }
        Ok(CaseFile {
            path: self.file.to_string(),
            operation,
            clause,
            source,
            evidence,
            fixtures,
            cases,
        })
    }

    fn fixtures(&self, node: &Node) -> R<Vec<KeyFixture>> {
        let f = self.fields(node, "fixtures", FIXTURES_KEYS)?;
        let Some(keys) = f.get("keys") else {
            return Ok(Vec::new());
        };
        let Kind::Map(entries) = &keys.kind else {
            return Err(self.wrong_type(
                keys,
                "fixtures.keys",
                "a mapping of fixture names to keys",
            ));
        };
        let specs: Vec<(&str, KeySpec)> = KeySpec::ALL.iter().map(|s| (s.name(), *s)).collect();
        let usages: Vec<(&str, KeyUsage)> = KeyUsage::ALL.iter().map(|s| (s.name(), *s)).collect();
        let origins: Vec<(&str, Origin)> = Origin::ALL.iter().map(|s| (s.name(), *s)).collect();
        let mut out: Vec<KeyFixture> = Vec::new();
        for (key, value) in entries {
            let path = format!("fixtures.keys.{}", key.name);
            if !is_identifier(&key.name) {
                let msg = format!(
                    "fixture name `{}` is not an identifier ([A-Za-z_][A-Za-z0-9_]*)",
                    key.name
                );
                return Err(self.at_key(key, "fixtures.keys", LoadErrorKind::Invalid(msg)));
            }
            let mut fixture = KeyFixture {
                name: key.name.clone(),
                key_spec: KeySpec::SymmetricDefault,
                key_usage: None,
                origin: None,
                multi_region: false,
                state: FixtureState::Created,
                span: key.span,
            };
            if !matches!(value.kind, Kind::Null) {
                let kf = self.fields(value, &path, KEY_FIXTURE_KEYS)?;
                if let Some(n) = kf.get("KeySpec") {
                    fixture.key_spec = self.name_in(n, &kf.path("KeySpec"), "KeySpec", &specs)?;
                }
                if let Some(n) = kf.get("KeyUsage") {
                    fixture.key_usage =
                        Some(self.name_in(n, &kf.path("KeyUsage"), "KeyUsage", &usages)?);
                }
                if let Some(n) = kf.get("Origin") {
                    fixture.origin =
                        Some(self.name_in(n, &kf.path("Origin"), "Origin", &origins)?);
                }
                if let Some(n) = kf.get("MultiRegion") {
                    fixture.multi_region = self.boolean(n, &kf.path("MultiRegion"))?;
                }
                if let Some(n) = kf.get("state") {
                    fixture.state = self.name_in(n, &kf.path("state"), "fixture state", STATES)?;
                }
            }
            out.push(fixture);
        }
        Ok(out)
    }

    fn case(
        &self,
        node: &Node,
        path: &str,
        file_op: Option<Operation>,
        fixtures: &[KeyFixture],
    ) -> R<Case> {
        let f = self.fields(node, path, CASE_KEYS)?;
        let name_node = self.required(&f, "name")?;
        let name = self.nonempty_string(name_node, &f.path("name"))?;
        let slug = slug(&name);
        if slug.is_empty() {
            return Err(self.invalid(
                name_node,
                &f.path("name"),
                "a case name needs a letter or digit",
            ));
        }
        let evidence = match f.get("evidence") {
            Some(n) => Some(self.name_in(n, &f.path("evidence"), "evidence", EVIDENCE)?),
            None => None,
        };
        let ignore = match f.get("ignore") {
            Some(n) => Some(self.nonempty_string(n, &f.path("ignore"))?),
            None => None,
        };
        let steps_node = self.required(&f, "steps")?;
        let Kind::Seq(items) = &steps_node.kind else {
            return Err(self.wrong_type(steps_node, &f.path("steps"), "a sequence of steps"));
        };
        if items.is_empty() {
            return Err(self.invalid(
                steps_node,
                &f.path("steps"),
                "a case needs at least one step",
            ));
        }
        let mut scope = Scope {
            fixtures,
            captures: Vec::new(),
        };
        let mut steps = Vec::new();
        for (j, item) in items.iter().enumerate() {
            let step_path = format!("{path}.steps[{j}]");
            steps.push(self.step(item, &step_path, file_op, &mut scope)?);
        }
        Ok(Case {
            name,
            slug,
            grade: Grade {
                evidence,
                ..Grade::default()
            },
            ignore,
            steps,
            span: node.span,
        })
    }

    fn step(
        &self,
        node: &Node,
        path: &str,
        file_op: Option<Operation>,
        scope: &mut Scope<'_>,
    ) -> R<Step> {
        let f = self.fields(node, path, STEP_KEYS)?;
        let ops: Vec<(&str, Operation)> = Operation::ALL.iter().map(|o| (o.name(), *o)).collect();
        let op = match f.get("op") {
            Some(n) => Some(self.name_in(n, &f.path("op"), "operation", &ops)?),
            None => None,
        };

        let bodies: Vec<&str> = ["request", "raw", "raw_base64"]
            .into_iter()
            .filter(|k| f.get(k).is_some())
            .collect();
        if let [_, second, ..] = bodies.as_slice() {
            let key = f.key(second).expect("present");
            let msg = "a step has exactly one of `request`, `raw` and `raw_base64`";
            return Err(self.at_key(key, path, LoadErrorKind::Invalid(msg.into())));
        }
        let body = if let Some(n) = f.get("request") {
            self.templates(n, &f.path("request"), scope)?;
            Body::Json(n.to_json())
        } else if let Some(n) = f.get("raw") {
            let s = self.string(n, &f.path("raw"))?;
            self.template_str(&s, n, &f.path("raw"), scope)?;
            Body::Raw(s)
        } else if let Some(n) = f.get("raw_base64") {
            let s = self.string(n, &f.path("raw_base64"))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|e| self.invalid(n, &f.path("raw_base64"), format!("not base64: {e}")))?;
            Body::Bytes(bytes)
        } else {
            Body::Json(Value::Object(Default::default()))
        };

        let mut headers = Vec::new();
        if let Some(n) = f.get("headers") {
            let hpath = f.path("headers");
            let Kind::Map(entries) = &n.kind else {
                return Err(self.wrong_type(n, &hpath, "a mapping of header names to values"));
            };
            for (k, v) in entries {
                let vpath = join(&hpath, &k.name);
                let value = match &v.kind {
                    Kind::Null => None,
                    Kind::Str(s) => {
                        self.template_str(s, v, &vpath, scope)?;
                        Some(s.clone())
                    }
                    Kind::Number(num) => Some(num.to_string()),
                    Kind::Bool(b) => Some(b.to_string()),
                    _ => return Err(self.wrong_type(v, &vpath, "a string or null")),
                };
                headers.push((k.name.clone(), value));
            }
        }
        let unsigned = match f.get("unsigned") {
            Some(n) => self.boolean(n, &f.path("unsigned"))?,
            None => false,
        };
        let method = match f.get("method") {
            Some(n) => Some(self.nonempty_string(n, &f.path("method"))?),
            None => None,
        };
        let req_path = match f.get("path") {
            Some(n) => {
                let p = self.string(n, &f.path("path"))?;
                if !p.starts_with('/') {
                    return Err(self.invalid(n, &f.path("path"), "a request path starts with `/`"));
                }
                self.template_str(&p, n, &f.path("path"), scope)?;
                Some(p)
            }
            None => None,
        };

        let op = op.or(file_op);
        let sets_target = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("x-amz-target") && v.is_some());
        if op.is_none() && !sets_target {
            let msg = "this step has no operation: set `op`, the file's `operation`, \
                       or an `X-Amz-Target` header";
            return Err(self.invalid(node, path, msg));
        }

        let expect = match f.get("expect") {
            Some(n) => self.expect(n, &f.path("expect"), scope)?,
            None => Expect {
                span: node.span,
                ..Expect::default()
            },
        };

        let mut capture = Vec::new();
        if let Some(n) = f.get("capture") {
            let cpath = f.path("capture");
            let Kind::Map(entries) = &n.kind else {
                return Err(self.wrong_type(n, &cpath, "a mapping of variable names to paths"));
            };
            for (k, v) in entries {
                if !is_identifier(&k.name) {
                    let msg = format!("capture name `{}` is not an identifier", k.name);
                    return Err(self.at_key(k, &cpath, LoadErrorKind::Invalid(msg)));
                }
                if BUILTIN_VARS.contains(&k.name.as_str()) {
                    let msg = format!("capture `{}` would hide the builtin variable", k.name);
                    return Err(self.at_key(k, &cpath, LoadErrorKind::Invalid(msg)));
                }
                let vpath = join(&cpath, &k.name);
                let p = self.string(v, &vpath)?;
                parse_capture_path(&p).map_err(|e| self.invalid(v, &vpath, e))?;
                self.template_str(&p, v, &vpath, scope)?;
                capture.push(Capture {
                    name: k.name.clone(),
                    path: p,
                });
            }
        }
        // Captures are visible from the next step on.
        scope
            .captures
            .extend(capture.iter().map(|c| c.name.clone()));

        let eventually = match f.get("eventually") {
            Some(n) => Some(self.eventually(n, &f.path("eventually"))?),
            None => None,
        };

        let role = if f.get("expect").is_some() {
            Role::Check
        } else {
            Role::Setup
        };
        Ok(Step {
            op,
            role,
            grade: Grade::default(),
            request: Request {
                body,
                headers,
                unsigned,
                method,
                path: req_path,
            },
            expect,
            capture,
            eventually,
            span: node.span,
        })
    }

    fn expect(&self, node: &Node, path: &str, scope: &Scope<'_>) -> R<Expect> {
        let f = self.fields(node, path, EXPECT_KEYS)?;
        let status = match f.get("status") {
            Some(n) => {
                let field = f.path("status");
                let Kind::Number(num) = &n.kind else {
                    return Err(self.wrong_type(n, &field, "an HTTP status code (100 to 599)"));
                };
                match num.as_u64() {
                    Some(s @ 100..=599) => Some(s as u16),
                    _ => {
                        let msg = format!("`{num}` is not an HTTP status code (100 to 599)");
                        return Err(self.invalid(n, &field, msg));
                    }
                }
            }
            None => None,
        };
        let error = match f.get("error") {
            Some(n) => Some(self.error_codes(n, &f.path("error"))?),
            None => None,
        };
        let message = match f.get("message") {
            Some(n) => Some(self.matcher(n, &f.path("message"), scope)?),
            None => None,
        };
        let body = match f.get("body") {
            Some(Node {
                kind: Kind::Str(s), ..
            }) if s == "empty" => Some(BodyExpect::Empty),
            Some(n) => Some(BodyExpect::Json(self.matcher(n, &f.path("body"), scope)?)),
            None => None,
        };
        let mut headers = Vec::new();
        if let Some(n) = f.get("headers") {
            let hpath = f.path("headers");
            let Kind::Map(entries) = &n.kind else {
                return Err(self.wrong_type(n, &hpath, "a mapping of header names to matchers"));
            };
            for (k, v) in entries {
                headers.push((
                    k.name.clone(),
                    self.matcher(v, &join(&hpath, &k.name), scope)?,
                ));
            }
        }
        Ok(Expect {
            status,
            error,
            message,
            body,
            headers,
            grade: Grade::default(),
            per_check: Vec::new(),
            span: node.span,
        })
    }

    fn error_codes(&self, node: &Node, field: &str) -> R<Vec<String>> {
        let items: Vec<(&Node, String)> = match &node.kind {
            Kind::Str(_) => vec![(node, field.to_string())],
            Kind::Seq(items) if !items.is_empty() => items
                .iter()
                .enumerate()
                .map(|(i, n)| (n, format!("{field}[{i}]")))
                .collect(),
            Kind::Seq(_) => return Err(self.invalid(node, field, "give at least one error code")),
            _ => return Err(self.wrong_type(node, field, "an error code or a list of them")),
        };
        let mut codes = Vec::new();
        for (n, path) in items {
            let code = self.string(n, &path)?;
            if ErrorCode::from_name(&code).is_none() {
                let kind = LoadErrorKind::UnknownName {
                    what: "error code".into(),
                    hint: did_you_mean(&code, ErrorCode::ALL.iter().map(|c| c.name())),
                    name: code,
                };
                return Err(self.at(n, &path, kind));
            }
            codes.push(code);
        }
        Ok(codes)
    }

    fn eventually(&self, node: &Node, path: &str) -> R<Eventually> {
        let f = self.fields(node, path, EVENTUALLY_KEYS)?;
        let timeout = match f.get("timeout") {
            Some(n) => self.duration(n, &f.path("timeout"))?,
            None => DEFAULT_TIMEOUT,
        };
        let interval = match f.get("interval") {
            Some(n) => self.duration(n, &f.path("interval"))?,
            None => DEFAULT_INTERVAL,
        };
        if interval.is_zero() {
            let n = f.get("interval").unwrap_or(node);
            return Err(self.invalid(n, &f.path("interval"), "the interval must be above zero"));
        }
        Ok(Eventually { timeout, interval })
    }

    fn duration(&self, node: &Node, field: &str) -> R<Duration> {
        let expected = "a duration such as `500ms`, `2s`, `1m`, or a number of seconds";
        let secs = match &node.kind {
            Kind::Number(n) => n.as_f64(),
            Kind::Str(s) => parse_duration(s),
            _ => return Err(self.wrong_type(node, field, expected)),
        };
        match secs {
            Some(s) if (0.0..1e9).contains(&s) => Ok(Duration::from_secs_f64(s)),
            _ => Err(self.invalid(node, field, format!("expected {expected}"))),
        }
    }

    fn matcher(&self, node: &Node, path: &str, scope: &Scope<'_>) -> R<Matcher> {
        match &node.kind {
            Kind::Str(s) => {
                self.template_str(s, node, path, scope)?;
                Ok(Matcher::Exact(node.to_json()))
            }
            Kind::Null | Kind::Bool(_) | Kind::Number(_) => Ok(Matcher::Exact(node.to_json())),
            Kind::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| self.matcher(n, &format!("{path}[{i}]"), scope))
                .collect::<R<Vec<_>>>()
                .map(Matcher::Array),
            Kind::Map(entries) => {
                if let [(k, v)] = entries.as_slice() {
                    if MATCHER_KEYWORDS.contains(&k.name.as_str()) {
                        return self.keyword(k, v, path, scope);
                    }
                    if let Some(kw) = near_keyword(&k.name) {
                        let kind = LoadErrorKind::UnknownName {
                            what: "matcher".into(),
                            name: k.name.clone(),
                            hint: format!("did you mean `{kw}`?"),
                        };
                        return Err(self.at_key(k, path, kind));
                    }
                } else if let Some((k, _)) = entries
                    .iter()
                    .find(|(k, _)| MATCHER_KEYWORDS.contains(&k.name.as_str()))
                {
                    let msg = format!(
                        "`{}` is a matcher keyword, and a matcher mapping has exactly one key",
                        k.name
                    );
                    return Err(self.at_key(k, path, LoadErrorKind::Invalid(msg)));
                }
                let mut members = Vec::new();
                for (k, v) in entries {
                    self.template_str(&k.name, &key_node(k), path, scope)?;
                    members.push((
                        k.name.clone(),
                        self.matcher(v, &join(path, &k.name), scope)?,
                    ));
                }
                Ok(Matcher::Subset(members))
            }
        }
    }

    fn keyword(&self, key: &Key, v: &Node, path: &str, scope: &Scope<'_>) -> R<Matcher> {
        let field = join(path, &key.name);
        let field = field.as_str();
        let value = |cx: &Self| -> R<Value> {
            cx.templates(v, field, scope)?;
            Ok(v.to_json())
        };
        Ok(match key.name.as_str() {
            "eq" => Matcher::Exact(value(self)?),
            "regex" => {
                let pattern = self.string(v, field)?;
                self.template_str(&pattern, v, field, scope)?;
                // Templates are checked above; compile with them left out.
                let probe = probe_regex(&pattern);
                if let Err(e) = regex::Regex::new(&probe) {
                    let detail = e.to_string();
                    let last = detail.lines().last().unwrap_or("").trim();
                    let last = last.strip_prefix("error: ").unwrap_or(last);
                    return Err(self.at(
                        v,
                        field,
                        LoadErrorKind::InvalidRegex(format!("invalid regex: {last}")),
                    ));
                }
                Matcher::Regex(pattern)
            }
            "present" | "absent" => {
                if !matches!(v.kind, Kind::Bool(true)) {
                    let other = if key.name == "present" {
                        "absent"
                    } else {
                        "present"
                    };
                    let msg = format!(
                        "`{}` takes `true`; for the opposite write `{other}: true`",
                        key.name
                    );
                    return Err(self.invalid(v, field, msg));
                }
                if key.name == "present" {
                    Matcher::Present
                } else {
                    Matcher::Absent
                }
            }
            "type" => Matcher::Type(self.name_in(v, field, "JSON type", JSON_TYPES)?),
            "gt" | "ge" | "lt" | "le" => {
                if !matches!(v.kind, Kind::Number(_) | Kind::Str(_)) {
                    return Err(self.wrong_type(v, field, "a number or a template"));
                }
                let val = value(self)?;
                match key.name.as_str() {
                    "gt" => Matcher::Gt(val),
                    "ge" => Matcher::Ge(val),
                    "lt" => Matcher::Lt(val),
                    _ => Matcher::Le(val),
                }
            }
            "ne" => Matcher::Ne(value(self)?),
            "len" => match &v.kind {
                Kind::Number(n) if n.as_u64().is_some() => {
                    Matcher::Len(n.as_u64().unwrap_or_default() as usize)
                }
                _ => return Err(self.wrong_type(v, field, "a non-negative integer")),
            },
            "contains" => match &v.kind {
                Kind::Seq(items) => Matcher::Contains(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| self.matcher(n, &format!("{field}[{i}]"), scope))
                        .collect::<R<_>>()?,
                ),
                _ => Matcher::Contains(vec![self.matcher(v, field, scope)?]),
            },
            "excludes" => Matcher::Excludes(Box::new(self.matcher(v, field, scope)?)),
            "any_of" => match &v.kind {
                Kind::Seq(items) if !items.is_empty() => Matcher::AnyOf(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| self.matcher(n, &format!("{field}[{i}]"), scope))
                        .collect::<R<_>>()?,
                ),
                _ => return Err(self.wrong_type(v, field, "a non-empty sequence of matchers")),
            },
            other => unreachable!("`{other}` is in MATCHER_KEYWORDS"),
        })
    }

    /// Checks the templates in every string and key of a node.
    fn templates(&self, node: &Node, path: &str, scope: &Scope<'_>) -> R<()> {
        match &node.kind {
            Kind::Str(s) => self.template_str(s, node, path, scope),
            Kind::Seq(items) => {
                for (i, n) in items.iter().enumerate() {
                    self.templates(n, &format!("{path}[{i}]"), scope)?;
                }
                Ok(())
            }
            Kind::Map(entries) => {
                for (k, v) in entries {
                    self.template_str(&k.name, &key_node(k), path, scope)?;
                    self.templates(v, &join(path, &k.name), scope)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Checks that a template parses and names only what the scope defines.
    fn template_str(&self, s: &str, node: &Node, path: &str, scope: &Scope<'_>) -> R<()> {
        if !s.contains("${") {
            return Ok(());
        }
        let fail = |msg: String| Err(self.at(node, path, LoadErrorKind::Template(msg)));
        let segments = match parse_template(s) {
            Ok(segments) => segments,
            Err(e) => return fail(format!("in `{s}`: {e}")),
        };
        for seg in segments {
            let Segment::Expr(expr) = seg else { continue };
            match expr {
                Expr::Var {
                    name,
                    member: Some(member),
                } => {
                    if !scope.fixtures.iter().any(|f| f.name == name) {
                        let hint = if scope.fixtures.is_empty() {
                            "this file declares no fixtures".to_string()
                        } else {
                            did_you_mean(&name, scope.fixtures.iter().map(|f| f.name.as_str()))
                        };
                        return fail(format!("unknown fixture `{name}` in `{s}`, {hint}"));
                    }
                    if !FIXTURE_MEMBERS.contains(&member.as_str()) {
                        let hint = did_you_mean(&member, FIXTURE_MEMBERS.iter().copied());
                        return fail(format!(
                            "a fixture has no member `{member}` (in `{s}`), {hint}"
                        ));
                    }
                }
                Expr::Var { name, member: None } => {
                    if BUILTIN_VARS.contains(&name.as_str()) || scope.captures.contains(&name) {
                        continue;
                    }
                    if scope.fixtures.iter().any(|f| f.name == name) {
                        return fail(format!(
                            "`{name}` is a fixture: write `${{{name}.KeyId}}` or `${{{name}.Arn}}`"
                        ));
                    }
                    let known = BUILTIN_VARS
                        .iter()
                        .copied()
                        .chain(scope.captures.iter().map(String::as_str));
                    let hint = did_you_mean(&name, known);
                    return fail(format!(
                        "unknown variable `{name}` in `{s}` (captures are visible from the \
                         next step on), {hint}"
                    ));
                }
                Expr::Call { name, args } => {
                    let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(n, _, _)| *n == name) else {
                        let hint = did_you_mean(&name, FUNCTIONS.iter().map(|(n, _, _)| *n));
                        return fail(format!("unknown function `{name}` in `{s}`, {hint}"));
                    };
                    if args.len() < min || args.len() > max {
                        let count = if min == max {
                            min.to_string()
                        } else {
                            format!("{min} to {max}")
                        };
                        return fail(format!(
                            "`{name}` takes {count} arguments, got {} (in `{s}`)",
                            args.len()
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A key as a node, for pointing at it.
fn key_node(k: &Key) -> Node {
    Node {
        kind: Kind::Str(k.name.clone()),
        span: k.span,
        width: k.width,
    }
}

/// A lowercase single key near a matcher keyword is taken for a misspelt
/// matcher: KMS members are PascalCase, so the guess is safe. Short keywords
/// get a tighter distance, or every two-letter word would be a typo.
fn near_keyword(key: &str) -> Option<&'static str> {
    if !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        return None;
    }
    MATCHER_KEYWORDS.iter().copied().find(|kw| {
        let limit = if kw.len() <= 3 { 1 } else { 2 };
        strsim::levenshtein(key, kw) <= limit
    })
}

/// The pattern with each template replaced by a plain letter, to compile it
/// before the variables are known.
fn probe_regex(pattern: &str) -> String {
    match parse_template(pattern) {
        Ok(segments) => segments
            .into_iter()
            .map(|s| match s {
                Segment::Lit(t) => t,
                Segment::Expr(_) => "x".into(),
            })
            .collect(),
        Err(_) => pattern.to_string(),
    }
}

/// `500ms`, `2s`, `1.5m`, `1h` or a bare number of seconds.
fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (s, 1.0)
    };
    num.trim().parse::<f64>().ok().map(|n| n * scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HEAD: &str = "operation: CreateAlias\nclause: c\nsource: s\nevidence: recorded\n";

    fn load(cases: &str) -> Result<CaseFile, LoadError> {
        load_str("t.yaml", &format!("{HEAD}{cases}"))
    }

    fn fixme(cases: &str) -> String {
        load(cases).unwrap_err().kind.fixme()
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("  Accepts a name -- of 256!  "),
            "accepts-a-name-of-256"
        );
        assert_eq!(slug("ÄB c"), "äb-c");
        assert_eq!(slug("!!"), "");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(0.5));
        assert_eq!(parse_duration("2s"), Some(2.0));
        assert_eq!(parse_duration("1m"), Some(60.0));
        assert_eq!(parse_duration("3"), Some(3.0));
        assert_eq!(parse_duration("soon"), None);
        let f = load("cases: [{name: a, steps: [{eventually: {timeout: 1.5}}]}]").unwrap();
        let ev = f.cases[0].steps[0].eventually.unwrap();
        assert_eq!(ev.timeout, Duration::from_millis(1500));
        assert_eq!(ev.interval, DEFAULT_INTERVAL);
        assert!(
            fixme("cases: [{name: a, steps: [{eventually: {interval: 0}}]}]")
                .contains("above zero")
        );
    }

    #[test]
    fn misspelt_matchers_are_told_from_members() {
        assert_eq!(near_keyword("regx"), Some("regex"));
        assert_eq!(near_keyword("any_off"), Some("any_of"));
        assert_eq!(near_keyword("id"), None);
        assert_eq!(near_keyword("Gt"), None);
        assert_eq!(near_keyword("message"), None);
    }

    #[test]
    fn a_step_has_one_body() {
        let msg = fixme("cases: [{name: a, steps: [{request: {}, raw: x}]}]");
        assert!(msg.contains("exactly one of"), "{msg}");
        let f = load("cases: [{name: a, steps: [{}]}]").unwrap();
        assert_eq!(f.cases[0].steps[0].request.body, Body::Json(json!({})));
    }

    #[test]
    fn matcher_rules() {
        let msg = fixme("cases: [{name: a, steps: [{expect: {body: {A: {present: false}}}}]}]");
        assert!(msg.contains("absent: true"), "{msg}");
        let msg = fixme("cases: [{name: a, steps: [{expect: {body: {gt: 1, lt: 3}}}]}]");
        assert!(msg.contains("exactly one key"), "{msg}");
        let msg = fixme("cases: [{name: a, steps: [{expect: {body: {A: {type: strng}}}}]}]");
        assert!(msg.contains("did you mean `string`"), "{msg}");
        let f =
            load("cases: [{name: a, steps: [{expect: {body: {A: {contains: {B: 1}}}}}]}]").unwrap();
        let body = f.cases[0].steps[0].expect.body.clone().unwrap();
        assert_eq!(
            body,
            BodyExpect::Json(Matcher::Subset(vec![(
                "A".into(),
                Matcher::Contains(vec![Matcher::Subset(vec![(
                    "B".into(),
                    Matcher::Exact(json!(1))
                )])])
            )]))
        );
        // A regex may hold templates; they are left out when compiling at load.
        load("cases: [{name: a, steps: [{expect: {message: {regex: '^${alias} x'}}}]}]").unwrap();
    }

    #[test]
    fn template_rules() {
        let base = "fixtures: {keys: {sym: {}}}\ncases: [{name: a, steps: [";
        let check = |steps: &str| load(&format!("{base}{steps}]}}]")).map(|_| ());
        check("{request: {K: '${sym.KeyId}', A: '${sym.Arn}', R: '${repeat(a, 3)}'}}").unwrap();
        let err = check("{request: {K: '${sym}'}}").unwrap_err();
        assert!(err.kind.fixme().contains("is a fixture"));
        let err = check("{request: {K: '${sym.KeyID}'}}").unwrap_err();
        assert!(err.kind.fixme().contains("did you mean `KeyId`"));
        let err = check("{request: {K: '${repeat(a)}'}}").unwrap_err();
        assert!(err.kind.fixme().contains("takes 2 arguments, got 1"));
        check("{capture: {x: 'A'}}, {request: {K: '${x}'}}").unwrap();
        let err = check("{capture: {alias: 'A'}}").unwrap_err();
        assert!(err.kind.fixme().contains("builtin"));
        let err = check("{capture: {x: 'A[z]'}}").unwrap_err();
        assert!(err.kind.fixme().contains("neither an index"));
    }

    #[test]
    fn target_header_stands_in_for_an_operation() {
        let text = "clause: c\nsource: s\nevidence: inferred\ncases: [{name: a, steps: [\
                    {headers: {x-amz-target: TrentService.ListAliases}}]}]";
        let f = load_str("t.yaml", text).unwrap();
        assert_eq!(f.cases[0].steps[0].op, None);
    }

    #[test]
    fn load_dir_reports_a_missing_root() {
        let errs = load_dir(Path::new("/nonexistent/cases")).unwrap_err();
        assert!(matches!(*errs[0].kind, LoadErrorKind::Io(_)));
        assert!(errs[0].to_string().contains("/nonexistent/cases"));
    }
}
