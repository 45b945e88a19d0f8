//! Template variables: `${name}`, `${fixture.KeyId}`, `${fn(arg, ...)}`, with
//! `$${` for a literal `${`. Builtins make names unique per run and case.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use serde_json::Value;

/// Plain variables every case has.
pub const BUILTIN_VARS: &[&str] = &[
    "prefix",
    "region",
    "account",
    "partition",
    "other_region",
    "alias",
    "random_key_id",
    "random_mrk_id",
    "project_id",
    "key_alias",
];

/// Template functions with their (minimum, maximum) argument counts.
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("alias", 0, 1),
    ("alias_of_length", 1, 2),
    ("random_key_id", 0, 1),
    ("random_mrk_id", 0, 0),
    ("repeat", 2, 2),
    ("key_alias", 0, 1),
    ("key_alias_of_length", 1, 2),
];

/// The members a key fixture defines: `${name.KeyId}`, `${name.Arn}`.
/// OTC fixtures define `${name.KeyId}` and `${name.Alias}` (their key_alias).
pub const FIXTURE_MEMBERS: &[&str] = &["KeyId", "Arn", "Alias"];

/// What the builtins are made of for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarContext {
    /// The run prefix, e.g. `kac-1a2b3c`.
    pub prefix: String,
    /// A short token unique to the case, e.g. 8 hex characters.
    pub case_token: String,
    /// The target's region.
    pub region: String,
    /// The target's account, when known.
    pub account: Option<String>,
    /// The ARN partition, e.g. `aws`.
    pub partition: String,
}

impl VarContext {
    /// An OTC key_alias unique to the case (`<prefix>/<case token>[-tag]`):
    /// the AWS alias without `alias/`, which OTC does not use.
    pub fn key_alias(&self, tag: Option<&str>) -> String {
        match tag {
            Some(tag) => format!("{}/{}-{tag}", self.prefix, self.case_token),
            None => format!("{}/{}", self.prefix, self.case_token),
        }
    }
}

/// A template that cannot be rendered, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template as written.
    pub template: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "in template `{}`: {}", self.template, self.message)
    }
}

impl std::error::Error for TemplateError {}

/// One part of a parsed template.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Text as is.
    Lit(String),
    /// A `${...}` expression.
    Expr(Expr),
}

/// The inside of `${...}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `name` or `name.Member`.
    Var {
        /// The variable (or fixture) name.
        name: String,
        /// The member after the dot.
        member: Option<String>,
    },
    /// `fn(arg, ...)`.
    Call {
        /// The function name.
        name: String,
        /// The literal arguments.
        args: Vec<Arg>,
    },
}

/// A literal function argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A number.
    Num(f64),
    /// A bare word or quoted string.
    Text(String),
}

impl Arg {
    fn text(&self) -> String {
        match self {
            Arg::Num(n) => format_num(*n),
            Arg::Text(s) => s.clone(),
        }
    }

    fn count(&self) -> Option<usize> {
        match self {
            Arg::Num(n) if *n >= 0.0 && n.fract() == 0.0 => Some(*n as usize),
            Arg::Text(s) => s.parse().ok(),
            Arg::Num(_) => None,
        }
    }
}

fn format_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Whether the string holds any `${...}` (cheap pre-check).
pub fn has_template(s: &str) -> bool {
    s.contains("${")
}

/// Splits a template into literal text and expressions.
pub fn parse_template(s: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        let after = &rest[i..];
        if let Some(tail) = after.strip_prefix("$${") {
            lit.push_str(&rest[..i]);
            lit.push_str("${");
            rest = tail;
        } else if let Some(body) = after.strip_prefix("${") {
            lit.push_str(&rest[..i]);
            let (expr, used) = parse_expr(body)?;
            if !lit.is_empty() {
                out.push(Segment::Lit(std::mem::take(&mut lit)));
            }
            out.push(Segment::Expr(expr));
            rest = &body[used..];
        } else {
            lit.push_str(&rest[..=i]);
            rest = &after[1..];
        }
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        out.push(Segment::Lit(lit));
    }
    Ok(out)
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Parses an expression up to and including its closing `}`; returns the
/// expression and the bytes used.
fn parse_expr(body: &str) -> Result<(Expr, usize), String> {
    let Some(close) = body.find(['}', '(']) else {
        return Err("`${` without a closing `}`".into());
    };
    let head = body[..close].trim();
    let valid_name = |n: &str| {
        !n.is_empty()
            && n.chars().all(is_ident_char)
            && !n.starts_with(|c: char| c.is_ascii_digit())
    };
    if body.as_bytes()[close] == b'}' {
        let (name, member) = match head.split_once('.') {
            Some((n, m)) => (n, Some(m)),
            None => (head, None),
        };
        if !valid_name(name) || member.is_some_and(|m| !valid_name(m)) {
            return Err(format!("`{head}` is not a variable name"));
        }
        let expr = Expr::Var {
            name: name.to_string(),
            member: member.map(str::to_string),
        };
        return Ok((expr, close + 1));
    }
    if !valid_name(head) {
        return Err(format!("`{head}` is not a function name"));
    }
    let inner = &body[close + 1..];
    let mut chars = inner.char_indices().peekable();
    let mut args = Vec::new();
    let skip_ws = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    };
    skip_ws(&mut chars);
    if let Some((_, ')')) = chars.peek().copied() {
        chars.next();
    } else {
        loop {
            skip_ws(&mut chars);
            match chars.peek().copied() {
                None => return Err("unterminated argument list".into()),
                Some((_, q @ ('"' | '\''))) => {
                    chars.next();
                    let mut text = String::new();
                    loop {
                        match chars.next() {
                            None => return Err("unterminated quoted argument".into()),
                            Some((_, '\\')) => match chars.next() {
                                Some((_, c)) => text.push(c),
                                None => return Err("unterminated quoted argument".into()),
                            },
                            Some((_, c)) if c == q => break,
                            Some((_, c)) => text.push(c),
                        }
                    }
                    args.push(Arg::Text(text));
                }
                Some(_) => {
                    let mut word = String::new();
                    while let Some((_, c)) = chars.next_if(|(_, c)| !matches!(c, ',' | ')' | '}')) {
                        word.push(c);
                    }
                    let word = word.trim();
                    if word.is_empty() {
                        return Err("empty argument".into());
                    }
                    args.push(match word.parse::<f64>() {
                        Ok(n) => Arg::Num(n),
                        Err(_) => Arg::Text(word.to_string()),
                    });
                }
            }
            skip_ws(&mut chars);
            match chars.next() {
                Some((_, ',')) => {}
                Some((_, ')')) => break,
                _ => return Err("expected `,` or `)` in the argument list".into()),
            }
        }
    }
    skip_ws(&mut chars);
    match chars.next() {
        Some((i, '}')) => {
            let expr = Expr::Call {
                name: head.to_string(),
                args,
            };
            Ok((expr, close + 1 + i + 1))
        }
        _ => Err("expected `}` after `)`".into()),
    }
}

/// The variables of one running case.
#[derive(Debug)]
pub struct Vars {
    ctx: VarContext,
    values: BTreeMap<String, Value>,
    /// `random_key_id(tag)` results, made on first use and kept.
    random_ids: Mutex<BTreeMap<String, String>>,
    random_mrk: String,
}

impl Clone for Vars {
    fn clone(&self) -> Self {
        Vars {
            ctx: self.ctx.clone(),
            values: self.values.clone(),
            random_ids: Mutex::new(
                self.random_ids
                    .lock()
                    .map(|m| m.clone())
                    .unwrap_or_default(),
            ),
            random_mrk: self.random_mrk.clone(),
        }
    }
}

impl Vars {
    /// Variables with only the builtins.
    pub fn new(ctx: VarContext) -> Vars {
        let random_mrk = format!("mrk-{}", uuid::Uuid::new_v4().simple());
        Vars {
            ctx,
            values: BTreeMap::new(),
            random_ids: Mutex::new(BTreeMap::new()),
            random_mrk,
        }
    }

    /// The context the builtins come from.
    pub fn context(&self) -> &VarContext {
        &self.ctx
    }

    /// Defines (or redefines) a variable.
    pub fn set(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_string(), value);
    }

    /// Defines `name.KeyId` and `name.Arn` for a created fixture key.
    pub fn set_fixture(&mut self, name: &str, key_id: &str, arn: &str) {
        self.set(&format!("{name}.KeyId"), Value::String(key_id.into()));
        self.set(&format!("{name}.Arn"), Value::String(arn.into()));
    }

    /// A variable's value: a set one first, then a builtin.
    pub fn get(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.values.get(name) {
            return Some(v.clone());
        }
        self.builtin(name).ok().flatten().map(Value::String)
    }

    fn alias(&self, tag: Option<&str>) -> String {
        match tag {
            Some(tag) => format!("alias/{}/{}-{tag}", self.ctx.prefix, self.ctx.case_token),
            None => format!("alias/{}/{}", self.ctx.prefix, self.ctx.case_token),
        }
    }

    /// An OTC key_alias unique to the case: the AWS alias without `alias/`.
    fn key_alias(&self, tag: Option<&str>) -> String {
        self.ctx.key_alias(tag)
    }

    /// Defines `name.KeyId` and `name.Alias` for an OTC fixture key.
    pub fn set_otc_fixture(&mut self, name: &str, key_id: &str, alias: &str) {
        self.set(&format!("{name}.KeyId"), Value::String(key_id.into()));
        self.set(&format!("{name}.Alias"), Value::String(alias.into()));
    }

    fn random_key_id(&self, tag: &str) -> String {
        let mut ids = self
            .random_ids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        ids.entry(tag.to_string())
            .or_insert_with(|| uuid::Uuid::new_v4().to_string())
            .clone()
    }

    /// A builtin plain variable: `Ok(None)` when there is no such builtin.
    fn builtin(&self, name: &str) -> Result<Option<String>, String> {
        Ok(Some(match name {
            "prefix" => self.ctx.prefix.clone(),
            "region" => self.ctx.region.clone(),
            "partition" => self.ctx.partition.clone(),
            "account" => match &self.ctx.account {
                Some(a) => a.clone(),
                None => return Err("the target's account is not known".into()),
            },
            "other_region" => {
                if self.ctx.region == "us-west-2" {
                    "us-east-1".into()
                } else {
                    "us-west-2".into()
                }
            }
            "alias" => self.alias(None),
            "key_alias" => self.key_alias(None),
            // Set by the runner for OTC cases; a builtin so that the loader knows it.
            "project_id" => return Err("no OTC project id is set for this run".into()),
            "random_key_id" => self.random_key_id(""),
            "random_mrk_id" => self.random_mrk.clone(),
            _ => return Ok(None),
        }))
    }

    fn call(&self, name: &str, args: &[Arg]) -> Result<String, String> {
        let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(n, _, _)| *n == name) else {
            return Err(format!("unknown function `{name}`"));
        };
        if args.len() < min || args.len() > max {
            return Err(format!(
                "`{name}` takes {} arguments, got {}",
                if min == max {
                    min.to_string()
                } else {
                    format!("{min} to {max}")
                },
                args.len()
            ));
        }
        let count = |a: &Arg| {
            a.count()
                .ok_or_else(|| format!("`{name}` needs a whole number, got `{}`", a.text()))
        };
        match name {
            "alias" => Ok(self.alias(args.first().map(Arg::text).as_deref())),
            "key_alias" => Ok(self.key_alias(args.first().map(Arg::text).as_deref())),
            "alias_of_length" | "key_alias_of_length" => {
                let n = count(&args[0])?;
                let tag = args.get(1).map(Arg::text);
                let base = if name == "alias_of_length" {
                    self.alias(tag.as_deref())
                } else {
                    self.key_alias(tag.as_deref())
                };
                let len = base.chars().count();
                match n.cmp(&len) {
                    std::cmp::Ordering::Less => Err(format!(
                        "length {n} cannot hold the alias `{base}` ({len} characters)"
                    )),
                    std::cmp::Ordering::Equal => Ok(base),
                    std::cmp::Ordering::Greater => {
                        Ok(format!("{base}-{}", "x".repeat(n - len - 1)))
                    }
                }
            }
            "random_key_id" => {
                Ok(self.random_key_id(&args.first().map(Arg::text).unwrap_or_default()))
            }
            "random_mrk_id" => Ok(self.random_mrk.clone()),
            "repeat" => {
                let n = count(&args[1])?;
                let text = args[0].text();
                if text.len().saturating_mul(n) > 1 << 20 {
                    return Err("`repeat` would make more than 1 MiB".into());
                }
                Ok(text.repeat(n))
            }
            _ => Err(format!("unknown function `{name}`")),
        }
    }

    fn eval(&self, expr: &Expr) -> Result<Value, String> {
        match expr {
            Expr::Var { name, member } => {
                let full = match member {
                    Some(m) => format!("{name}.{m}"),
                    None => name.clone(),
                };
                if let Some(v) = self.values.get(&full) {
                    return Ok(v.clone());
                }
                if member.is_none() {
                    if let Some(s) = self.builtin(name)? {
                        return Ok(Value::String(s));
                    }
                }
                Err(format!("unknown variable `{full}`"))
            }
            Expr::Call { name, args } => self.call(name, args).map(Value::String),
        }
    }

    /// Renders templates in every string (and object key) of a JSON value.
    pub fn render(&self, value: &Value) -> Result<Value, TemplateError> {
        Ok(match value {
            Value::String(s) => self.render_value(s)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.render(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    out.insert(self.render_str(k)?, self.render(v)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }

    /// Renders one string: a lone `${...}` keeps its value's JSON type.
    pub fn render_value(&self, s: &str) -> Result<Value, TemplateError> {
        if !has_template(s) {
            return Ok(Value::String(s.to_string()));
        }
        let err = |message: String| TemplateError {
            template: s.to_string(),
            message,
        };
        let segments = parse_template(s).map_err(err)?;
        if let [Segment::Expr(expr)] = segments.as_slice() {
            return self.eval(expr).map_err(err);
        }
        self.join(s, &segments, |t| t.to_string())
            .map(Value::String)
    }

    /// Renders a template to text; non-string values are written as JSON.
    pub fn render_str(&self, s: &str) -> Result<String, TemplateError> {
        self.render_str_with(s, |t| t.to_string())
    }

    /// Renders a template to text, passing every substituted value through
    /// `escape` (e.g. `regex::escape`).
    pub fn render_str_with(
        &self,
        s: &str,
        escape: impl Fn(&str) -> String,
    ) -> Result<String, TemplateError> {
        if !has_template(s) {
            return Ok(s.to_string());
        }
        let segments = parse_template(s).map_err(|message| TemplateError {
            template: s.to_string(),
            message,
        })?;
        self.join(s, &segments, escape)
    }

    fn join(
        &self,
        template: &str,
        segments: &[Segment],
        escape: impl Fn(&str) -> String,
    ) -> Result<String, TemplateError> {
        let mut out = String::new();
        for seg in segments {
            match seg {
                Segment::Lit(t) => out.push_str(t),
                Segment::Expr(e) => {
                    let v = self.eval(e).map_err(|message| TemplateError {
                        template: template.to_string(),
                        message,
                    })?;
                    out.push_str(&escape(&value_text(&v)));
                }
            }
        }
        Ok(out)
    }
}

/// A value as text: strings unquoted, others as compact JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Vars {
        Vars::new(VarContext {
            prefix: "kac-run".into(),
            case_token: "0123abcd".into(),
            region: "us-east-1".into(),
            account: None,
            partition: "aws".into(),
        })
    }

    #[test]
    fn parses_templates() {
        assert_eq!(
            parse_template("a${x}b$${c}").unwrap(),
            vec![
                Segment::Lit("a".into()),
                Segment::Expr(Expr::Var {
                    name: "x".into(),
                    member: None
                }),
                Segment::Lit("b${c}".into()),
            ]
        );
        assert_eq!(
            parse_template("${f(1, 'a b', word)}").unwrap(),
            vec![Segment::Expr(Expr::Call {
                name: "f".into(),
                args: vec![
                    Arg::Num(1.0),
                    Arg::Text("a b".into()),
                    Arg::Text("word".into())
                ]
            })]
        );
        assert_eq!(
            parse_template("${g()}").unwrap(),
            vec![Segment::Expr(Expr::Call {
                name: "g".into(),
                args: vec![]
            })]
        );
        assert!(parse_template("${x").is_err());
        assert!(parse_template("${f(1}").is_err());
        assert!(parse_template("${a b}").is_err());
        assert_eq!(
            parse_template("costs $5").unwrap(),
            vec![Segment::Lit("costs $5".into())]
        );
    }

    #[test]
    fn renders_builtins() {
        let v = vars();
        assert_eq!(v.render_str("${alias}").unwrap(), "alias/kac-run/0123abcd");
        assert_eq!(
            v.render_str("${alias(b)}").unwrap(),
            "alias/kac-run/0123abcd-b"
        );
        assert_eq!(v.render_str("${other_region}").unwrap(), "us-west-2");
        assert_eq!(
            v.render_str("${partition}:${region}").unwrap(),
            "aws:us-east-1"
        );
        let long = v.render_str("${alias_of_length(40)}").unwrap();
        assert_eq!(long.len(), 40);
        assert!(long.starts_with("alias/kac-run/0123abcd-x"));
        assert_eq!(v.render_str("${alias_of_length(22)}").unwrap().len(), 22);
        assert!(v.render_str("${alias_of_length(5)}").is_err());
        assert_eq!(v.render_str("${alias_of_length(30, t)}").unwrap().len(), 30);
        assert_eq!(v.render_str("${repeat(ab, 3)}").unwrap(), "ababab");
        assert!(v.render_str("${account}").is_err());
        assert!(v.render_str("${nope}").is_err());
        assert!(v.render_str("${nope()}").is_err());
    }

    #[test]
    fn random_ids_are_stable_per_tag() {
        let v = vars();
        let a = v.render_str("${random_key_id}").unwrap();
        assert_eq!(a, v.render_str("${random_key_id()}").unwrap());
        assert_ne!(a, v.render_str("${random_key_id(b)}").unwrap());
        assert_eq!(a.len(), 36);
        let m = v.render_str("${random_mrk_id}").unwrap();
        assert!(m.starts_with("mrk-") && m.len() == 36);
    }

    #[test]
    fn lone_templates_keep_their_type() {
        let mut v = vars();
        v.set("n", json!(1.5));
        v.set_fixture("sym", "kid", "arn:k");
        let rendered = v
            .render(&json!({"${sym.KeyId}": "${n}", "s": "at ${n}", "l": ["${sym.Arn}", 3]}))
            .unwrap();
        assert_eq!(
            rendered,
            json!({"kid": 1.5, "s": "at 1.5", "l": ["arn:k", 3]})
        );
        assert_eq!(v.get("n"), Some(json!(1.5)));
        assert_eq!(v.get("prefix"), Some(json!("kac-run")));
    }

    #[test]
    fn errors_name_the_template() {
        let err = vars().render_str("x ${y}").unwrap_err();
        assert_eq!(
            err.to_string(),
            "in template `x ${y}`: unknown variable `y`"
        );
    }
}
