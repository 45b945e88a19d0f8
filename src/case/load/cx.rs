//! The loading context of one file: where errors point, and the small typed
//! readers every construct uses (checked mappings, required fields, strings,
//! booleans, names from a closed set).

use super::super::error::{did_you_mean, LoadError, LoadErrorKind};
use super::super::model::Span;
use super::super::yaml::{Key, Kind, Node};

pub(super) type R<T> = Result<T, LoadError>;

/// The loading context of one file.
pub(super) struct Cx<'t> {
    /// The path relative to the corpus root, as messages print it.
    pub file: &'t str,
    /// The whole text, for the source line of an error.
    pub text: &'t str,
    /// The file's dialect (read first: it decides what names mean).
    pub dialect: crate::spec::Dialect,
}

/// A mapping whose keys have been checked against the allowed set.
pub(super) struct Fields<'n> {
    pub node: &'n Node,
    entries: &'n [(Key, Node)],
    pub path: String,
}

impl<'n> Fields<'n> {
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The key itself, if present, for pointing at it.
    pub fn key(&self, key: &str) -> Option<&'n Key> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, _)| k)
    }

    /// The field path of `key` in this mapping.
    pub fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }
}

/// `path.key`, or `key` at the top level.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: fixture and capture names.
pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A key as a node, for pointing at it.
pub(super) fn key_node(k: &Key) -> Node {
    Node {
        kind: Kind::Str(k.name.clone()),
        span: k.span,
        width: k.width,
    }
}

impl<'t> Cx<'t> {
    /// An error at `span`, underlining `width` characters.
    pub fn err(&self, span: Span, width: usize, field: &str, kind: LoadErrorKind) -> LoadError {
        LoadError::at(self.file, self.text, span, width, field, kind)
    }

    /// An error pointing at a node.
    pub fn at(&self, node: &Node, field: &str, kind: LoadErrorKind) -> LoadError {
        self.err(node.span, node.width, field, kind)
    }

    /// An error pointing at a mapping key.
    pub fn at_key(&self, key: &Key, field: &str, kind: LoadErrorKind) -> LoadError {
        self.err(key.span, key.width, field, kind)
    }

    /// "expected `expected`, found" the node's type.
    pub fn wrong_type(&self, node: &Node, field: &str, expected: &str) -> LoadError {
        self.at(
            node,
            field,
            LoadErrorKind::WrongType {
                expected: expected.into(),
                found: node.type_name().into(),
            },
        )
    }

    /// A value of the right type that breaks a rule.
    pub fn invalid(&self, node: &Node, field: &str, msg: impl Into<String>) -> LoadError {
        self.at(node, field, LoadErrorKind::Invalid(msg.into()))
    }

    /// The node as a mapping whose keys are all in `allowed`.
    pub fn fields<'n>(&self, node: &'n Node, path: &str, allowed: &[&str]) -> R<Fields<'n>> {
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

    /// The value of `key`, or an error at the mapping.
    pub fn required<'n>(&self, f: &Fields<'n>, key: &str) -> R<&'n Node> {
        f.get(key).ok_or_else(|| {
            self.at(
                f.node,
                &f.path(key),
                LoadErrorKind::MissingField { name: key.into() },
            )
        })
    }

    /// A string.
    pub fn string(&self, node: &Node, field: &str) -> R<String> {
        match &node.kind {
            Kind::Str(s) => Ok(s.clone()),
            _ => Err(self.wrong_type(node, field, "a string")),
        }
    }

    /// A string with something other than blanks in it.
    pub fn nonempty_string(&self, node: &Node, field: &str) -> R<String> {
        let s = self.string(node, field)?;
        if s.trim().is_empty() {
            return Err(self.invalid(node, field, "must not be empty"));
        }
        Ok(s)
    }

    /// `true` or `false`.
    pub fn boolean(&self, node: &Node, field: &str) -> R<bool> {
        match node.kind {
            Kind::Bool(b) => Ok(b),
            _ => Err(self.wrong_type(node, field, "`true` or `false`")),
        }
    }

    /// A name from `table`, with "did you mean" when it is not there.
    pub fn name_in<T: Copy>(
        &self,
        node: &Node,
        field: &str,
        what: &str,
        table: &[(&str, T)],
    ) -> R<T> {
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
}
