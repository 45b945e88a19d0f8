//! `fixtures`: the keys created fresh for each case of a file.

use super::super::error::LoadErrorKind;
use super::super::model::{FixtureState, KeyFixture};
use super::super::yaml::{Kind, Node};
use super::cx::{is_identifier, Cx, R};
use crate::spec::{KeySpec, KeyUsage, Origin};

/// Keys of `fixtures`.
pub(crate) const FIXTURES_KEYS: &[&str] = &["keys"];
/// Keys of one key fixture.
pub(crate) const KEY_FIXTURE_KEYS: &[&str] =
    &["KeySpec", "KeyUsage", "Origin", "MultiRegion", "state"];

const STATES: &[(&str, FixtureState)] = &[
    ("Enabled", FixtureState::Created),
    ("Disabled", FixtureState::Disabled),
    ("PendingDeletion", FixtureState::PendingDeletion),
];

impl Cx<'_> {
    /// The `fixtures` mapping of a file.
    pub(super) fn fixtures(&self, node: &Node) -> R<Vec<KeyFixture>> {
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
}
