//! A YAML 1.2 document as a tree of positioned nodes, built from the events
//! of `saphyr-parser`. Scalars are resolved with the core schema, so JSON
//! files read the same as YAML; duplicate keys are refused.
//!
//! Why not `saphyr`'s `MarkedYaml` (checked at 0.3.4, the release built on
//! the same `saphyr-parser`): it has the positions, the key order and, with
//! `early_parse(false)`, the scalar styles, but a load error is a bare
//! `ScanError` with no tree, and the case errors need more than a marker:
//! - a syntax error names the field it is in (`= field: cases[0].steps[0]
//!   .request.TargetKeyId` in tests/bad-cases/yaml-syntax.err);
//! - a duplicate key names the line of the first one and the mapping's field
//!   (tests/bad-cases/duplicate-key.err), where saphyr says only "duplicated
//!   key in mapping", or with `allow_duplicate_keys(true)` keeps one entry
//!   and drops the other without a trace;
//! - keys are compared by their text, so `a` and `"a"` are the same key;
//!   saphyr compares unresolved keys by text, style and tag.
//!
//! Building the tree here, from the same events, gives all three.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

use super::error::LoadErrorKind;
use super::model::Span;

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;
/// Nodes a document may expand to, aliases included: each alias copies its
/// anchor, so a few hundred bytes of nested aliases would otherwise build
/// gigabytes. The largest case file has a few thousand.
const MAX_NODES: usize = 100_000;

/// A node of the document with the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    pub span: Span,
    /// Characters to underline when pointing at the node.
    pub width: usize,
}

/// The content of a node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Number(Number),
    Str(String),
    Seq(Vec<Node>),
    /// Keys are scalars, kept as their text.
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub name: String,
    pub span: Span,
    pub width: usize,
}

/// A syntax error: where, the field path so far, and what.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub span: Span,
    pub width: usize,
    pub path: String,
    pub kind: LoadErrorKind,
}

impl Node {
    /// A short name of the node's type for "expected X, found Y".
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a sequence",
            Kind::Map(_) => "a mapping",
        }
    }

    /// The node as a JSON value.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(n) => Value::Number(n.clone()),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k.name.clone(), v.to_json());
                }
                Value::Object(map)
            }
        }
    }
}

/// Parses one document. An empty document is `null`.
pub(crate) fn parse(text: &str) -> Result<Node, YamlError> {
    let mut builder = Builder {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        path: Vec::new(),
        nodes: 0,
    };
    builder.document()
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// Each anchor's node and how many nodes it holds.
    anchors: HashMap<usize, (Node, usize)>,
    /// Keys and indexes leading to the node being built, for error messages.
    path: Vec<String>,
    /// Nodes built so far, alias copies included (see [`MAX_NODES`]).
    nodes: usize,
}

fn to_span(m: saphyr_parser::Marker) -> Span {
    Span {
        line: m.line(),
        column: m.col() + 1,
    }
}

impl<'a> Builder<'a> {
    fn path_string(&self) -> String {
        let mut out = String::new();
        for p in &self.path {
            if p.starts_with('[') || out.is_empty() {
                out.push_str(p);
            } else {
                out.push('.');
                out.push_str(p);
            }
        }
        out
    }

    fn next(&mut self) -> Result<(Event<'a>, saphyr_parser::Span), YamlError> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(YamlError {
                span: to_span(*e.marker()),
                width: 1,
                path: self.path_string(),
                kind: LoadErrorKind::Syntax(e.info().to_string()),
            }),
            None => Err(self.error_at(Span::default(), "unexpected end of input")),
        }
    }

    fn error_at(&self, span: Span, msg: &str) -> YamlError {
        YamlError {
            span,
            width: 1,
            path: self.path_string(),
            kind: LoadErrorKind::Syntax(msg.to_string()),
        }
    }

    fn document(&mut self) -> Result<Node, YamlError> {
        let mut root = None;
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) => {
                    if root.is_some() {
                        return Err(self.error_at(
                            to_span(span.start),
                            "a case file holds exactly one YAML document",
                        ));
                    }
                    root = Some(self.node(0)?);
                }
                Event::StreamEnd => break,
                _ => return Err(self.error_at(to_span(span.start), "unexpected content")),
            }
        }
        Ok(root.unwrap_or(Node {
            kind: Kind::Null,
            span: Span { line: 1, column: 1 },
            width: 1,
        }))
    }

    /// Reads the node whose first event comes next.
    fn node(&mut self, depth: usize) -> Result<Node, YamlError> {
        let (ev, span) = self.next()?;
        self.node_from(ev, span, depth)
    }

    fn node_from(
        &mut self,
        ev: Event<'a>,
        span: saphyr_parser::Span,
        depth: usize,
    ) -> Result<Node, YamlError> {
        let at = to_span(span.start);
        if depth > MAX_DEPTH {
            return Err(self.error_at(at, "nesting too deep"));
        }
        let before = self.nodes;
        if !matches!(ev, Event::Alias(_)) {
            self.count(at, 1)?;
        }
        let (node, anchor) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let as_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let kind = if style == ScalarStyle::Plain && !as_str {
                    resolve_plain(&text)
                } else {
                    Kind::Str(text.into_owned())
                };
                let width = span.len().max(1);
                (
                    Node {
                        kind,
                        span: at,
                        width,
                    },
                    anchor,
                )
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    self.path.push(format!("[{}]", items.len()));
                    let item = self.node_from(ev, sp, depth + 1)?;
                    self.path.pop();
                    items.push(item);
                }
                let node = Node {
                    kind: Kind::Seq(items),
                    span: at,
                    width: 1,
                };
                (node, anchor)
            }
            Event::MappingStart(anchor, _) => {
                let mut entries: Vec<(Key, Node)> = Vec::new();
                loop {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let key_node = self.node_from(ev, sp, depth + 1)?;
                    let name = match &key_node.kind {
                        Kind::Str(s) => s.clone(),
                        Kind::Null => "null".into(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Number(n) => n.to_string(),
                        Kind::Seq(_) | Kind::Map(_) => {
                            return Err(
                                self.error_at(key_node.span, "a mapping key must be a scalar")
                            )
                        }
                    };
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.name == name) {
                        return Err(YamlError {
                            span: key_node.span,
                            width: key_node.width,
                            path: self.path_string(),
                            kind: LoadErrorKind::DuplicateKey {
                                key: name,
                                first_line: first.span.line,
                            },
                        });
                    }
                    self.path.push(name.clone());
                    let value = self.node(depth + 1)?;
                    self.path.pop();
                    entries.push((
                        Key {
                            name,
                            span: key_node.span,
                            width: key_node.width,
                        },
                        value,
                    ));
                }
                let node = Node {
                    kind: Kind::Map(entries),
                    span: at,
                    width: 1,
                };
                (node, anchor)
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((target, size)) => {
                    let (mut node, size) = (target.clone(), *size);
                    self.count(at, size)?;
                    node.span = at;
                    (node, 0)
                }
                None => return Err(self.error_at(at, "unknown anchor")),
            },
            _ => return Err(self.error_at(at, "unexpected content")),
        };
        if anchor > 0 {
            self.anchors
                .insert(anchor, (node.clone(), self.nodes - before));
        }
        Ok(node)
    }

    /// Counts `n` more nodes, refusing a document past [`MAX_NODES`].
    fn count(&mut self, at: Span, n: usize) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(self.error_at(
                at,
                &format!(
                    "the document expands to more than {MAX_NODES} nodes (through its aliases)"
                ),
            ));
        }
        Ok(())
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema. `.inf` and `.nan`
/// stay strings: JSON has no such numbers.
fn resolve_plain(text: &str) -> Kind {
    static INT: OnceLock<Regex> = OnceLock::new();
    static FLOAT: OnceLock<Regex> = OnceLock::new();
    let int = INT.get_or_init(|| Regex::new(r"^[-+]?[0-9]+$").expect("valid regex"));
    let float = FLOAT.get_or_init(|| {
        Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").expect("valid regex")
    });
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    if int.is_match(text) {
        let digits = text.strip_prefix('+').unwrap_or(text);
        if let Ok(n) = digits.parse::<i64>() {
            return Kind::Number(n.into());
        }
        if let Ok(n) = digits.parse::<u64>() {
            return Kind::Number(n.into());
        }
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            if let Ok(n) = u64::from_str_radix(rest, radix) {
                return Kind::Number(n.into());
            }
        }
    }
    if float.is_match(text) {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Kind::Number(n);
        }
    }
    Kind::Str(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_core_schema_scalars() {
        let node = parse("a: 1\nb: -2.5\nc: true\nd: ~\ne: '1'\nf: x\ng: [1, {h: null}]").unwrap();
        assert_eq!(
            node.to_json(),
            json!({"a": 1, "b": -2.5, "c": true, "d": null, "e": "1", "f": "x", "g": [1, {"h": null}]})
        );
    }

    #[test]
    fn json_is_yaml() {
        let node = parse(r#"{"a": [1, "two", false], "b": {"c": null}}"#).unwrap();
        assert_eq!(
            node.to_json(),
            json!({"a": [1, "two", false], "b": {"c": null}})
        );
    }

    #[test]
    fn keeps_positions() {
        let node = parse("a:\n  bb: 'x'\n").unwrap();
        let Kind::Map(entries) = node.kind else {
            panic!()
        };
        let Kind::Map(inner) = &entries[0].1.kind else {
            panic!()
        };
        assert_eq!(inner[0].0.span, Span { line: 2, column: 3 });
        assert_eq!(inner[0].0.width, 2);
        assert_eq!(inner[0].1.span, Span { line: 2, column: 7 });
    }

    #[test]
    fn refuses_duplicate_keys() {
        let err = parse("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap_err();
        assert_eq!(err.span, Span { line: 4, column: 3 });
        assert_eq!(err.path, "b");
        assert!(matches!(
            err.kind,
            LoadErrorKind::DuplicateKey { first_line: 3, .. }
        ));
    }

    #[test]
    fn a_key_is_its_text_whatever_its_quoting() {
        let err = parse("a: 1\n\"a\": 2\n").unwrap_err();
        assert_eq!(err.span, Span { line: 2, column: 1 });
        assert_eq!(err.width, 3);
        assert!(matches!(
            err.kind,
            LoadErrorKind::DuplicateKey { first_line: 1, .. }
        ));
    }

    #[test]
    fn a_syntax_error_names_the_field_it_is_in() {
        let err = parse("a:\n  b: {c: [1, 2}\n").unwrap_err();
        assert!(matches!(err.kind, LoadErrorKind::Syntax(_)));
        assert_eq!(
            err.span,
            Span {
                line: 2,
                column: 15
            }
        );
        assert_eq!(err.path, "a.b.c");
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_refused() {
        let err = parse("a: &x [*x]\n").unwrap_err();
        assert_eq!(err.span, Span { line: 1, column: 8 });
        assert_eq!(err.path, "a[0]");
        assert!(matches!(err.kind, LoadErrorKind::Syntax(ref m) if m == "unknown anchor"));
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(matches!(err.kind, LoadErrorKind::Syntax(_)));
        assert!(err.span.line >= 1);
    }

    #[test]
    fn expands_aliases() {
        let node = parse("a: &x {b: 1}\nc: *x\n").unwrap();
        assert_eq!(node.to_json(), json!({"a": {"b": 1}, "c": {"b": 1}}));
    }

    /// Ten copies of ten copies of ...: a few hundred bytes that would
    /// expand to millions of nodes.
    fn alias_bomb(levels: usize) -> String {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for n in 1..=levels {
            let copies = vec![format!("*a{}", n - 1); 10].join(", ");
            doc.push_str(&format!("a{n}: &a{n} [{copies}]\n"));
        }
        doc
    }

    #[test]
    fn an_alias_bomb_is_refused_at_the_alias_that_passes_the_budget() {
        let doc = alias_bomb(6);
        assert!(doc.len() < 500, "{}", doc.len());
        let err = parse(&doc).unwrap_err();
        match &err.kind {
            LoadErrorKind::Syntax(m) => assert!(m.contains("more than 100000 nodes"), "{m}"),
            other => panic!("{other:?}"),
        }
        // a4 holds 10^5 copies of x: the budget runs out inside it.
        assert_eq!(err.span.line, 5, "{err:?}");
        assert!(err.path.starts_with("a4["), "{}", err.path);
        // Below the budget, aliases still expand.
        assert!(parse(&alias_bomb(3)).is_ok());
    }
}
