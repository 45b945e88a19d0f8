//! `src/spec` against AWS's own service model: the KMS `service-2.json` that
//! the pinned botocore ships (`tests/boto3/requirements.txt`).
//!
//! Where the model lives: `$KAC_BOTOCORE_DIR` (a botocore package directory,
//! the one that holds `data/kms/`), else the botocore that `$KAC_PYTHON` (or
//! `.venv/bin/python`, or `python3`) imports; Python is asked only where
//! that is. Without it the tests print a skip line and pass, except when `CI`
//! is set, where they fail. A found botocore of another version than the pin
//! is a skip too (a failure on CI), unless named by `KAC_BOTOCORE_DIR`: that
//! is how a newer model is tried before the pin is bumped.
//!
//! What is checked, every mismatch collected and reported together, each
//! naming the shape, the member and both values:
//! - every enum `src/spec` knows has exactly the model's values;
//! - every operation the reference serves has the model's input members, each
//!   with the model's requiredness, type, length, pattern and range, into
//!   nested structures and lists; the same for the output members, and an
//!   empty output exactly where the model has no output shape;
//!   every error shape the model lets an operation return is in the error
//!   catalogue with the model's status class, and `spec` lists the same
//!   errors per operation;
//! - the protocol metadata (target prefix, JSON version, signing name);
//! - the reference's own responses, for keys of every spec, usage, origin
//!   and state, fit the model's output shapes (members, types, enums,
//!   lengths, patterns, required members).

mod python;
use python::python;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use bytes::Bytes;
use serde_json::{json, Value};

use kms_alias_conformance::reference::{Config, RawRequest, Service};
use kms_alias_conformance::spec::shape::{output_members, EnumSet};
use kms_alias_conformance::spec::{
    members, modeled_errors, ErrorCode, KeySpec, KeyState, Member, Operation, Origin, Ty,
    CONTENT_TYPE, SIGNING_NAME, TARGET_PREFIX,
};

// ------------------------------------------------------------ finding the model

/// The botocore version `tests/boto3/requirements.txt` pins.
fn pinned_version() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/boto3/requirements.txt");
    let text = std::fs::read_to_string(&path).expect("tests/boto3/requirements.txt");
    text.lines()
        .find_map(|l| l.trim().strip_prefix("botocore=="))
        .map(|v| v.trim().to_owned())
        .expect("tests/boto3/requirements.txt pins botocore==<version>")
}

/// botocore's `__version__`, read from its `__init__.py`.
fn version_in(dir: &Path) -> Option<String> {
    let init = std::fs::read_to_string(dir.join("__init__.py")).ok()?;
    init.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("__version__")?.trim_start();
        let v = rest.strip_prefix('=')?.trim();
        Some(v.trim_matches(|c| c == '\'' || c == '"').to_owned())
    })
}

/// The botocore directory to read, or why there is none.
fn locate() -> Result<(PathBuf, String), String> {
    let pin = pinned_version();
    if let Some(dir) = std::env::var_os("KAC_BOTOCORE_DIR") {
        let dir = PathBuf::from(dir);
        let version = version_in(&dir).unwrap_or_else(|| "(unknown version)".into());
        if !dir.join("data/kms").is_dir() {
            return Err(format!(
                "KAC_BOTOCORE_DIR={} has no data/kms/",
                dir.display()
            ));
        }
        return Ok((dir, version));
    }
    let py = python();
    let out = Command::new(&py)
        .args([
            "-c",
            "import botocore, os; print(os.path.dirname(botocore.__file__))",
        ])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", py.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} cannot import botocore (install the pin: pip install -r tests/boto3/requirements.txt)",
            py.display()
        ));
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let version = version_in(&dir).unwrap_or_else(|| "(unknown version)".into());
    if version != pin {
        return Err(format!(
            "{} imports botocore {version} from {}, but tests/boto3/requirements.txt pins {pin} \
             (install the pin, or name another model with KAC_BOTOCORE_DIR)",
            py.display(),
            dir.display()
        ));
    }
    Ok((dir, version))
}

/// `data/kms/<newest API version>/service-2.json`, or its `.gz`.
fn read_model(dir: &Path) -> Result<(PathBuf, Value), String> {
    let kms = dir.join("data/kms");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&kms)
        .map_err(|e| format!("{}: {e}", kms.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    versions.sort();
    let api = versions
        .last()
        .ok_or_else(|| format!("{} holds no API version", kms.display()))?;
    let plain = api.join("service-2.json");
    let gz = api.join("service-2.json.gz");
    let (path, text) = if plain.exists() {
        let t = std::fs::read_to_string(&plain).map_err(|e| format!("{}: {e}", plain.display()))?;
        (plain, t)
    } else {
        let bytes = std::fs::read(&gz).map_err(|e| format!("{}: {e}", gz.display()))?;
        let mut t = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut t)
            .map_err(|e| format!("{}: {e}", gz.display()))?;
        (gz, t)
    };
    let v = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, v))
}

struct Model {
    path: PathBuf,
    version: String,
    json: Value,
}

static MODEL: LazyLock<Result<Model, String>> = LazyLock::new(|| {
    let (dir, version) = locate()?;
    let (path, json) = read_model(&dir)?;
    Ok(Model {
        path,
        version,
        json,
    })
});

/// The model, or `None` after printing why the test is skipped (a panic on CI).
fn model(test: &str) -> Option<&'static Model> {
    match &*MODEL {
        Ok(m) => {
            eprintln!("{test}: botocore {} model {}", m.version, m.path.display());
            Some(m)
        }
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("{test}: the botocore service model is required on CI: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED {test}: no botocore service model: {why}");
            None
        }
    }
}

impl Model {
    fn shape(&self, name: &str) -> &Value {
        &self.json["shapes"][name]
    }

    fn operation(&self, op: Operation) -> &Value {
        &self.json["operations"][op.name()]
    }
}

/// Reports every mismatch at once.
fn report(what: &str, mismatches: Vec<String>) {
    if mismatches.is_empty() {
        return;
    }
    panic!(
        "{} mismatch(es) between src/spec and the service model ({what}):\n  {}\n",
        mismatches.len(),
        mismatches.join("\n  ")
    );
}

// ------------------------------------------------------------ types, described

/// A member's type and constraints in words both sides can be put in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Desc {
    Str {
        min: usize,
        max: Option<usize>,
        pattern: Option<String>,
    },
    /// An enum, by the model's shape name.
    Enum(String),
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    Bool,
    Timestamp,
    List {
        min: usize,
        max: Option<usize>,
        item: Box<Desc>,
    },
    /// A structure: its members in the order given, each (name, required, type).
    Struct(String, Vec<(String, bool, Desc)>),
}

impl std::fmt::Display for Desc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let range = |min: &dyn std::fmt::Display, max: Option<String>| {
            format!("{min}..{}", max.unwrap_or_default())
        };
        match self {
            Desc::Str { min, max, pattern } => {
                write!(f, "string {}", range(min, max.map(|m| m.to_string())))?;
                if let Some(p) = pattern {
                    write!(f, " pattern {p}")?;
                }
                Ok(())
            }
            Desc::Enum(name) => write!(f, "enum {name}"),
            Desc::Int { min, max } => write!(
                f,
                "integer {}",
                range(
                    &min.map(|m| m.to_string()).unwrap_or_default(),
                    max.map(|m| m.to_string())
                )
            ),
            Desc::Bool => f.write_str("boolean"),
            Desc::Timestamp => f.write_str("timestamp"),
            Desc::List { min, max, item } => write!(
                f,
                "list {} of {item}",
                range(min, max.map(|m| m.to_string()))
            ),
            Desc::Struct(name, _) => write!(f, "structure {name}"),
        }
    }
}

fn as_usize(v: &Value) -> Option<usize> {
    v.as_u64().and_then(|n| usize::try_from(n).ok())
}

/// The model's description of shape `name`.
fn model_desc(m: &Model, name: &str) -> Desc {
    let s = m.shape(name);
    match s["type"].as_str().unwrap_or("?") {
        "string" if s.get("enum").is_some() => Desc::Enum(name.to_owned()),
        "string" => Desc::Str {
            min: as_usize(&s["min"]).unwrap_or(0),
            max: as_usize(&s["max"]),
            pattern: s["pattern"].as_str().map(str::to_owned),
        },
        "integer" | "long" => Desc::Int {
            min: s["min"].as_i64(),
            max: s["max"].as_i64(),
        },
        "boolean" => Desc::Bool,
        "timestamp" => Desc::Timestamp,
        "list" => Desc::List {
            min: as_usize(&s["min"]).unwrap_or(0),
            max: as_usize(&s["max"]),
            item: Box::new(model_desc(m, s["member"]["shape"].as_str().unwrap_or("?"))),
        },
        "structure" => Desc::Struct(name.to_owned(), model_members(m, name)),
        other => Desc::Str {
            min: 0,
            max: None,
            pattern: Some(format!("(model type {other})")),
        },
    }
}

fn model_members(m: &Model, shape: &str) -> Vec<(String, bool, Desc)> {
    let s = m.shape(shape);
    let required: BTreeSet<&str> = s["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    s["members"]
        .as_object()
        .map(|ms| {
            ms.iter()
                .map(|(name, v)| {
                    let target = v["shape"].as_str().unwrap_or("?");
                    (
                        name.clone(),
                        required.contains(name.as_str()),
                        model_desc(m, target),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `src/spec`'s description of a type.
fn spec_desc(ty: &Ty) -> Desc {
    let max = |m: usize| (m != usize::MAX).then_some(m);
    match *ty {
        Ty::Str {
            min,
            max: mx,
            pattern,
        } => Desc::Str {
            min,
            max: max(mx),
            pattern: pattern.map(|p| p.source().to_owned()),
        },
        Ty::Enum(set) => Desc::Enum(set.model_shape().to_owned()),
        Ty::Int { min, max } => Desc::Int {
            min: Some(min),
            max: Some(max),
        },
        Ty::Bool => Desc::Bool,
        Ty::Timestamp => Desc::Timestamp,
        Ty::List { min, max: mx, item } => Desc::List {
            min,
            max: max(mx),
            item: Box::new(spec_desc(item)),
        },
        Ty::Struct(name, ms) => Desc::Struct(name.to_owned(), spec_members(ms)),
    }
}

fn spec_members(ms: &[Member]) -> Vec<(String, bool, Desc)> {
    ms.iter()
        .map(|m| (m.name.to_owned(), m.required, spec_desc(&m.ty)))
        .collect()
}

/// Compares two member lists, recursing into structures and list items.
/// `at` names the shape (`CreateKeyRequest`, `KeyMetadata`, ...).
fn compare_members(
    at: &str,
    spec: &[(String, bool, Desc)],
    model: &[(String, bool, Desc)],
    out: &mut Vec<String>,
) {
    let spec_names: Vec<&str> = spec.iter().map(|m| m.0.as_str()).collect();
    let model_names: Vec<&str> = model.iter().map(|m| m.0.as_str()).collect();
    for (name, req, desc) in model {
        let Some((_, sreq, sdesc)) = spec.iter().find(|m| &m.0 == name) else {
            out.push(format!(
                "{at}.{name}: spec has no such member, model has {desc}{}",
                if *req { " (required)" } else { "" }
            ));
            continue;
        };
        if sreq != req {
            out.push(format!(
                "{at}.{name}: spec required={sreq}, model required={req}"
            ));
        }
        compare_desc(&format!("{at}.{name}"), sdesc, desc, out);
    }
    for name in &spec_names {
        if !model_names.contains(name) {
            out.push(format!(
                "{at}.{name}: spec has the member, the model has none (model members: {})",
                model_names.join(", ")
            ));
        }
    }
}

fn compare_desc(at: &str, spec: &Desc, model: &Desc, out: &mut Vec<String>) {
    match (spec, model) {
        (Desc::Struct(sn, sm), Desc::Struct(mn, mm)) => {
            if sn != mn {
                out.push(format!("{at}: spec structure {sn}, model structure {mn}"));
            }
            compare_members(mn, sm, mm, out);
        }
        (
            Desc::List {
                min: a,
                max: b,
                item: si,
            },
            Desc::List {
                min: c,
                max: d,
                item: mi,
            },
        ) => {
            if (a, b) != (c, d) {
                out.push(format!("{at}: spec {spec}, model {model}"));
            }
            compare_desc(&format!("{at}[]"), si, mi, out);
        }
        _ if spec != model => out.push(format!("{at}: spec {spec}, model {model}")),
        _ => {}
    }
}

// ------------------------------------------------------------ the checks

#[test]
fn enums_have_exactly_the_models_values() {
    let Some(m) = model("enums_have_exactly_the_models_values") else {
        return;
    };
    let mut out = Vec::new();
    for set in EnumSet::ALL {
        let shape = set.model_shape();
        let Some(values) = m.shape(shape)["enum"].as_array() else {
            out.push(format!(
                "{shape}: spec has the enum, the model has no such enum shape"
            ));
            continue;
        };
        let model: BTreeSet<&str> = values.iter().filter_map(Value::as_str).collect();
        let spec: BTreeSet<&str> = set.values().into_iter().collect();
        let missing: Vec<&str> = model.difference(&spec).copied().collect();
        let extra: Vec<&str> = spec.difference(&model).copied().collect();
        if !missing.is_empty() || !extra.is_empty() {
            out.push(format!(
                "{shape}: spec [{}], model [{}] (spec lacks [{}], has extra [{}])",
                set.values().join(", "),
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                missing.join(", "),
                extra.join(", ")
            ));
        }
    }
    // Every enum shape reachable from a served operation is one spec knows.
    let known: BTreeSet<&str> = EnumSet::ALL.iter().map(|s| s.model_shape()).collect();
    let mut reachable = BTreeSet::new();
    for op in Operation::ALL {
        for io in ["input", "output"] {
            if let Some(shape) = m.operation(*op)[io]["shape"].as_str() {
                enum_shapes(&model_desc(m, shape), &mut reachable);
            }
        }
    }
    for shape in reachable.difference(&known.iter().map(|s| s.to_string()).collect()) {
        out.push(format!(
            "{shape}: an enum of a served operation's input or output, which spec does not know"
        ));
    }
    report("enums", out);
}

fn enum_shapes(d: &Desc, out: &mut BTreeSet<String>) {
    match d {
        Desc::Enum(name) => {
            out.insert(name.clone());
        }
        Desc::List { item, .. } => enum_shapes(item, out),
        Desc::Struct(_, ms) => ms.iter().for_each(|(_, _, d)| enum_shapes(d, out)),
        _ => {}
    }
}

#[test]
fn input_members_match_the_model() {
    let Some(m) = model("input_members_match_the_model") else {
        return;
    };
    let mut out = Vec::new();
    for op in Operation::ALL {
        let Some(shape) = m.operation(*op)["input"]["shape"].as_str() else {
            out.push(format!(
                "{op}: spec serves it, the model has no such operation"
            ));
            continue;
        };
        compare_members(
            shape,
            &spec_members(members(*op)),
            &model_members(m, shape),
            &mut out,
        );
    }
    report("input members", out);
}

#[test]
fn output_members_match_the_model() {
    let Some(m) = model("output_members_match_the_model") else {
        return;
    };
    let mut out = Vec::new();
    for op in Operation::ALL {
        let model_shape = m.operation(*op)["output"]["shape"].as_str();
        match (output_members(*op), model_shape) {
            (None, None) => {}
            (Some(_), None) => out.push(format!(
                "{op}: spec has output members, the model has no output shape (an empty body)"
            )),
            (None, Some(shape)) => out.push(format!(
                "{op}: spec has no output (an empty body), the model has {shape}"
            )),
            (Some(spec), Some(shape)) => compare_members(
                shape,
                &spec_members(spec),
                &model_members(m, shape),
                &mut out,
            ),
        }
        if op.has_empty_output() != model_shape.is_none() {
            out.push(format!(
                "{op}: spec has_empty_output()={}, model output shape {:?}",
                op.has_empty_output(),
                model_shape
            ));
        }
    }
    report("output members", out);
}

#[test]
fn modeled_errors_are_catalogued() {
    let Some(m) = model("modeled_errors_are_catalogued") else {
        return;
    };
    let mut out = Vec::new();
    for op in Operation::ALL {
        let model: Vec<&str> = m.operation(*op)["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["shape"].as_str()).collect())
            .unwrap_or_default();
        let spec: Vec<&str> = modeled_errors(*op).iter().map(|c| c.name()).collect();
        for name in &model {
            let shape = m.shape(name);
            let status = if shape["fault"].as_bool() == Some(true) {
                500
            } else {
                400
            };
            let status = shape["error"]["httpStatusCode"]
                .as_u64()
                .map_or(status, |s| s as u16);
            match ErrorCode::from_name(name) {
                None => out.push(format!(
                    "{op} errors: {name} (model, status {status}) is not in the error catalogue"
                )),
                Some(code) if code.status() != status => out.push(format!(
                    "{name}: spec status {}, model status {status}",
                    code.status()
                )),
                Some(_) => {}
            }
            if !spec.contains(name) {
                out.push(format!(
                    "{op} errors: spec modeled_errors lacks {name}, which the model lists"
                ));
            }
        }
        for name in &spec {
            if !model.contains(name) {
                out.push(format!(
                    "{op} errors: spec modeled_errors lists {name}, the model does not"
                ));
            }
        }
    }
    report("errors", out);
}

#[test]
fn protocol_metadata_matches() {
    let Some(m) = model("protocol_metadata_matches") else {
        return;
    };
    let meta = &m.json["metadata"];
    let mut out = Vec::new();
    let mut same = |what: &str, spec: &str, model: Option<&str>| {
        if Some(spec) != model {
            out.push(format!("metadata.{what}: spec {spec}, model {model:?}"));
        }
    };
    same("targetPrefix", TARGET_PREFIX, meta["targetPrefix"].as_str());
    same(
        "jsonVersion",
        CONTENT_TYPE,
        meta["jsonVersion"]
            .as_str()
            .map(|v| format!("application/x-amz-json-{v}"))
            .as_deref(),
    );
    same(
        "signingName",
        SIGNING_NAME,
        meta["signingName"]
            .as_str()
            .or(meta["endpointPrefix"].as_str()),
    );
    same("protocol", "json", meta["protocol"].as_str());
    report("metadata", out);
}

// ------------------------------------------------------------ the reference's answers

/// Checks `v` against the model's description, naming the path of every misfit.
fn fit(at: &str, v: &Value, d: &Desc, m: &Model, out: &mut Vec<String>) {
    match (d, v) {
        (Desc::Str { min, max, pattern }, Value::String(s)) => {
            let len = s.encode_utf16().count();
            if len < *min || max.is_some_and(|x| len > x) {
                out.push(format!("{at}: {s:?} has length {len}, model {d}"));
            }
            if let Some(p) = pattern {
                let anchored = format!("^(?:{})$", p.trim_start_matches('^').trim_end_matches('$'));
                match regex::Regex::new(&anchored) {
                    Ok(re) if !re.is_match(s) => {
                        out.push(format!("{at}: {s:?} does not match the model pattern {p}"))
                    }
                    Ok(_) => {}
                    Err(e) => out.push(format!("{at}: model pattern {p} does not compile: {e}")),
                }
            }
        }
        (Desc::Enum(shape), Value::String(s)) => {
            let values = m.shape(shape)["enum"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if !values.iter().any(|x| x == s) {
                out.push(format!(
                    "{at}: {s:?} is not a value of the model enum {shape}"
                ));
            }
        }
        (Desc::Int { min, max }, Value::Number(n)) => match n.as_i64() {
            Some(i) if min.is_some_and(|x| i < x) || max.is_some_and(|x| i > x) => {
                out.push(format!("{at}: {i} is outside the model range ({d})"))
            }
            Some(_) => {}
            None => out.push(format!("{at}: {n} is not an integer ({d})")),
        },
        (Desc::Bool, Value::Bool(_)) => {}
        // The JSON protocol's timestamps are epoch seconds (spec E).
        (Desc::Timestamp, Value::Number(_)) => {}
        (Desc::List { min, max, item }, Value::Array(a)) => {
            if a.len() < *min || max.is_some_and(|x| a.len() > x) {
                out.push(format!("{at}: {} items, model {d}", a.len()));
            }
            for (i, x) in a.iter().enumerate() {
                fit(&format!("{at}[{i}]"), x, item, m, out);
            }
        }
        (Desc::Struct(name, ms), Value::Object(o)) => {
            for (k, x) in o {
                match ms.iter().find(|(n, _, _)| n == k) {
                    Some((_, _, d)) => fit(&format!("{at}.{k}"), x, d, m, out),
                    None => out.push(format!("{at}.{k}: the model's {name} has no such member")),
                }
            }
            for (n, req, _) in ms {
                if *req && !o.contains_key(n) {
                    out.push(format!("{at}.{n}: required by the model's {name}, absent"));
                }
            }
        }
        _ => out.push(format!("{at}: {v} is not a model {d}")),
    }
}

struct Driver {
    service: Service,
    out: Vec<String>,
    seen: BTreeMap<String, usize>,
}

impl Driver {
    /// Sends one request; a 200 body is checked against the model output shape.
    fn call(&mut self, m: &Model, op: Operation, body: Value) -> Value {
        let resp = self.service.handle(&RawRequest {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![("X-Amz-Target".into(), op.target())],
            body: Bytes::from(body.to_string()),
        });
        let v: Value = if resp.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&resp.body).expect("JSON")
        };
        assert_eq!(resp.status, 200, "{op} {body}: {v}");
        let at = format!("{op} {body}");
        match m.operation(op)["output"]["shape"].as_str() {
            Some(shape) => fit(&at, &v, &model_desc(m, shape), m, &mut self.out),
            None if resp.body.is_empty() => {}
            None => self
                .out
                .push(format!("{at}: a body where the model has no output")),
        }
        *self.seen.entry(op.name().to_owned()).or_default() += 1;
        v
    }

    fn set_state(&mut self, key: &str, state: KeyState) {
        let resp = self.service.handle(&RawRequest {
            method: "POST".into(),
            path: "/_reference/key-state".into(),
            headers: vec![],
            body: Bytes::from(json!({"KeyId": key, "KeyState": state.name()}).to_string()),
        });
        assert_eq!(resp.status, 200);
    }
}

#[test]
fn reference_responses_fit_the_model_output_shapes() {
    let Some(m) = model("reference_responses_fit_the_model_output_shapes") else {
        return;
    };
    let mut d = Driver {
        service: Service::new(Config::default()),
        out: Vec::new(),
        seen: BTreeMap::new(),
    };
    let mut keys = Vec::new();
    for spec in KeySpec::ALL {
        for usage in spec.allowed_usages() {
            for origin in [Origin::AwsKms, Origin::External] {
                for multi in [false, true] {
                    let v = d.call(
                        m,
                        Operation::CreateKey,
                        json!({"KeySpec": spec.name(), "KeyUsage": usage.name(),
                               "Origin": origin.name(), "MultiRegion": multi,
                               "Description": "model check"}),
                    );
                    keys.push(v["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    for (i, key) in keys.iter().enumerate() {
        d.call(m, Operation::DescribeKey, json!({"KeyId": key}));
        if i % 3 == 0 {
            d.call(
                m,
                Operation::CreateAlias,
                json!({"AliasName": format!("alias/model/{i}"), "TargetKeyId": key}),
            );
        }
    }
    // Every state, through the control endpoint and the API.
    let sym = &keys[0];
    for state in KeyState::ALL {
        d.set_state(sym, *state);
        d.call(m, Operation::DescribeKey, json!({"KeyId": sym}));
    }
    d.set_state(sym, KeyState::Enabled);
    d.call(m, Operation::DisableKey, json!({"KeyId": sym}));
    d.call(m, Operation::EnableKey, json!({"KeyId": sym}));
    d.call(
        m,
        Operation::ScheduleKeyDeletion,
        json!({"KeyId": sym, "PendingWindowInDays": 7}),
    );
    d.call(m, Operation::DescribeKey, json!({"KeyId": sym}));
    d.call(m, Operation::CancelKeyDeletion, json!({"KeyId": sym}));
    d.call(m, Operation::DescribeKey, json!({"KeyId": sym}));
    // An AWS managed key, made on first use of its predefined alias.
    d.call(m, Operation::DescribeKey, json!({"KeyId": "alias/aws/ebs"}));
    d.call(
        m,
        Operation::UpdateAlias,
        json!({"AliasName": "alias/model/0", "TargetKeyId": keys[1]}),
    );
    for body in [json!({}), json!({"Limit": 5}), json!({"KeyId": keys[0]})] {
        d.call(m, Operation::ListAliases, body);
    }
    d.call(m, Operation::ListKeys, json!({"Limit": 3}));
    d.call(m, Operation::ListKeys, json!({}));
    d.call(
        m,
        Operation::ListKeys,
        json!({"ResourceOwners": ["OTHER_ACCOUNTS_VIA_RAM"]}),
    );
    d.call(
        m,
        Operation::CreateKey,
        json!({"Tags": [{"TagKey": "k", "TagValue": ""}], "Policy": "{}"}),
    );
    d.call(
        m,
        Operation::DeleteAlias,
        json!({"AliasName": "alias/model/3"}),
    );
    for op in Operation::ALL {
        assert!(
            d.seen.contains_key(op.name()),
            "the drive leaves out {op}: add it"
        );
    }
    let mut out = d.out;
    out.sort();
    out.dedup();
    report(
        "the reference's responses against the model's output shapes",
        out,
    );
}
