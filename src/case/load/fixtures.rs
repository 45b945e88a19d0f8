//! `fixtures`: the keys created fresh for each case of a file.

use super::super::error::LoadErrorKind;
use super::super::model::{FixtureState, KeyFixture};
use super::super::yaml::{Kind, Node};
use super::cx::{is_identifier, Cx, R};
use crate::spec::otc;
use crate::spec::{Dialect, KeySpec, KeyUsage, Origin};

/// Keys of `fixtures`.
pub(crate) const FIXTURES_KEYS: &[&str] = &["keys"];
/// Keys of one key fixture.
pub(crate) const KEY_FIXTURE_KEYS: &[&str] =
    &["KeySpec", "KeyUsage", "Origin", "MultiRegion", "state"];

/// Keys of one key fixture of an OTC file (the OTC member names).
pub(crate) const OTC_KEY_FIXTURE_KEYS: &[&str] = &[
    "key_spec",
    "key_usage",
    "origin",
    "state",
    "default_master_key",
];

const OTC_STATES: &[(&str, FixtureState)] = &[
    ("enabled", FixtureState::Created),
    ("disabled", FixtureState::Disabled),
    ("pending_deletion", FixtureState::PendingDeletion),
];

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
                default_master_key: false,
                span: key.span,
            };
            if self.dialect == Dialect::Otc {
                if !matches!(value.kind, Kind::Null) {
                    self.otc_fixture(value, &path, &mut fixture)?;
                }
            } else if !matches!(value.kind, Kind::Null) {
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

    /// An OTC key fixture: `key_spec` and `key_usage` by their OTC names,
    /// `origin` (`kms`, `external`), `state`, or `default_master_key: true`.
    fn otc_fixture(&self, value: &Node, path: &str, fixture: &mut KeyFixture) -> R<()> {
        let kf = self.fields(value, path, OTC_KEY_FIXTURE_KEYS)?;
        let specs: Vec<(&str, KeySpec)> = otc::key_spec_names()
            .filter_map(|n| otc::key_spec_from_name(n).map(|s| (n, s)))
            .collect();
        let usages: Vec<(&str, KeyUsage)> = [
            KeyUsage::EncryptDecrypt,
            KeyUsage::SignVerify,
            KeyUsage::GenerateVerifyMac,
        ]
        .iter()
        .map(|u| (u.name(), *u))
        .collect();
        let origins = [("kms", Origin::AwsKms), ("external", Origin::External)];
        if let Some(n) = kf.get("key_spec") {
            fixture.key_spec = self.name_in(n, &kf.path("key_spec"), "OTC key_spec", &specs)?;
        }
        if let Some(n) = kf.get("key_usage") {
            fixture.key_usage =
                Some(self.name_in(n, &kf.path("key_usage"), "key_usage", &usages)?);
        }
        if let Some(n) = kf.get("origin") {
            fixture.origin = Some(self.name_in(n, &kf.path("origin"), "origin", &origins)?);
        }
        if let Some(n) = kf.get("state") {
            fixture.state = self.name_in(n, &kf.path("state"), "fixture state", OTC_STATES)?;
        }
        if let Some(n) = kf.get("default_master_key") {
            fixture.default_master_key = self.boolean(n, &kf.path("default_master_key"))?;
            let others = ["key_spec", "key_usage", "origin", "state"];
            if fixture.default_master_key && others.iter().any(|k| kf.get(k).is_some()) {
                let msg = "a Default Master Key is found, not made: it takes no other member";
                return Err(self.invalid(n, &kf.path("default_master_key"), msg));
            }
        }
        Ok(())
    }
}
