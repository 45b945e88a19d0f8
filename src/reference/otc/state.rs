//! What the OTC dialect remembers: keys per project, each with its one alias.

use std::collections::BTreeMap;

use crate::spec::otc::DEFAULT_KEY_ALIASES;
use crate::spec::{KeySpec, KeyState, KeyUsage, Origin};

use super::super::clock::Stamp;

/// An OTC key (a CMK or a Default Master Key).
#[derive(Debug, Clone)]
pub struct OtcKey {
    /// key_id.
    pub id: String,
    /// key_alias.
    pub alias: String,
    /// key_spec (an AWS spec OTC shares).
    pub spec: KeySpec,
    /// key_usage.
    pub usage: KeyUsage,
    /// key_state.
    pub state: KeyState,
    /// origin.
    pub origin: Origin,
    /// key_description.
    pub description: String,
    /// creation_date.
    pub created: Stamp,
    /// scheduled_deletion_date, while scheduled for deletion.
    pub deletion: Option<Stamp>,
    /// default_key_flag "1": created by a service, not by the user.
    pub default_key: bool,
}

/// The keys of one project, in key id order (the order of list-keys).
#[derive(Debug, Default)]
pub struct Project {
    /// Keys by id.
    pub keys: BTreeMap<String, OtcKey>,
}

impl Project {
    /// A project with the Default Master Keys services create.
    pub fn seeded(now: Stamp) -> Project {
        let mut p = Project::default();
        for alias in DEFAULT_KEY_ALIASES {
            let id = uuid::Uuid::new_v4().to_string();
            p.keys.insert(
                id.clone(),
                OtcKey {
                    id,
                    alias: (*alias).to_owned(),
                    spec: KeySpec::SymmetricDefault,
                    usage: KeyUsage::EncryptDecrypt,
                    state: KeyState::Enabled,
                    origin: Origin::AwsKms,
                    description: "Default Master Key".into(),
                    created: now,
                    deletion: None,
                    default_key: true,
                },
            );
        }
        p
    }

    /// The key whose alias is `alias`.
    pub fn by_alias(&self, alias: &str) -> Option<&OtcKey> {
        self.keys.values().find(|k| k.alias == alias)
    }
}

/// Every project of the service.
#[derive(Debug, Default)]
pub struct OtcState {
    /// Projects by id, made (and seeded) on first use.
    pub projects: BTreeMap<String, Project>,
}

impl OtcState {
    /// The project `id`, seeded on first use.
    pub fn project(&mut self, id: &str, now: Stamp) -> &mut Project {
        self.projects
            .entry(id.to_owned())
            .or_insert_with(|| Project::seeded(now))
    }
}
