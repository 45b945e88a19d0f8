//! What the service remembers: keys and aliases per (account, Region).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::spec::{KeyFacts, KeyManager, KeySpec, KeyState, KeyUsage, Origin};

use super::clock::Stamp;

/// A KMS key.
#[derive(Debug, Clone)]
pub struct Key {
    /// The bare key id.
    pub id: String,
    /// The key ARN.
    pub arn: String,
    /// KeySpec.
    pub spec: KeySpec,
    /// KeyUsage.
    pub usage: KeyUsage,
    /// KeyState.
    pub state: KeyState,
    /// Origin.
    pub origin: Origin,
    /// KeyManager (AWS for the keys behind predefined `alias/aws/*` names).
    pub manager: KeyManager,
    /// Description.
    pub description: String,
    /// CreationDate.
    pub created: Stamp,
    /// DeletionDate and the waiting period, while pending deletion.
    pub deletion: Option<(Stamp, i64)>,
    /// MultiRegion.
    pub multi_region: bool,
    /// The id of the key's current key material (64 lowercase hex digits),
    /// for keys that have material of their own (symmetric AWS_KMS keys).
    pub material_id: Option<String>,
    /// Names of the aliases that point at this key (for the quota and ListAliases).
    pub aliases: BTreeSet<String>,
}

impl Key {
    /// What decides the optional members of the key's metadata.
    pub fn facts(&self) -> KeyFacts {
        KeyFacts {
            spec: self.spec,
            origin: self.origin,
            state: self.state,
            multi_region: self.multi_region,
            // No ImportKeyMaterial is served: EXTERNAL keys never get material.
            material_imported: false,
        }
    }
}

/// An alias.
#[derive(Debug, Clone)]
pub struct Alias {
    /// The bare id of the key it points at.
    pub target: String,
    /// CreationDate.
    pub created: Stamp,
    /// LastUpdatedDate.
    pub updated: Stamp,
}

/// The keys and aliases of one account in one Region.
#[derive(Debug, Default)]
pub struct Region {
    /// Keys by id, in byte order (the order of ListKeys).
    pub keys: BTreeMap<String, Key>,
    /// Aliases by full name, in byte order (the order of ListAliases, J Q5).
    pub aliases: BTreeMap<String, Alias>,
}

impl Region {
    /// Points `name` at `key_id`, keeping each key's alias set in step.
    pub fn link(&mut self, name: &str, alias: Alias) {
        if let Some(old) = self.aliases.get(name) {
            let old_target = old.target.clone();
            if let Some(k) = self.keys.get_mut(&old_target) {
                k.aliases.remove(name);
            }
        }
        if let Some(k) = self.keys.get_mut(&alias.target) {
            k.aliases.insert(name.to_owned());
        }
        self.aliases.insert(name.to_owned(), alias);
    }

    /// Removes an alias, keeping its key's alias set in step.
    pub fn unlink(&mut self, name: &str) -> Option<Alias> {
        let alias = self.aliases.remove(name)?;
        if let Some(k) = self.keys.get_mut(&alias.target) {
            k.aliases.remove(name);
        }
        Some(alias)
    }
}

/// Every Region of every account.
#[derive(Debug, Default)]
pub struct State {
    accounts: HashMap<String, HashMap<String, Region>>,
}

impl State {
    /// The Region of (account, region), created empty on first use.
    pub fn region(&mut self, account: &str, region: &str) -> &mut Region {
        // Look up by &str first: allocating the keys on every request is waste.
        if !self.accounts.contains_key(account) {
            self.accounts.insert(account.to_owned(), HashMap::new());
        }
        let regions = self.accounts.get_mut(account).expect("inserted above");
        if !regions.contains_key(region) {
            regions.insert(region.to_owned(), Region::default());
        }
        regions.get_mut(region).expect("inserted above")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> Key {
        Key {
            id: id.into(),
            arn: format!("arn:{id}"),
            spec: KeySpec::SymmetricDefault,
            usage: KeyUsage::EncryptDecrypt,
            state: KeyState::Enabled,
            origin: Origin::AwsKms,
            manager: KeyManager::Customer,
            description: String::new(),
            created: Stamp(0),
            deletion: None,
            multi_region: false,
            material_id: None,
            aliases: BTreeSet::new(),
        }
    }

    #[test]
    fn link_moves_the_alias_between_key_sets() {
        let mut r = Region::default();
        r.keys.insert("a".into(), key("a"));
        r.keys.insert("b".into(), key("b"));
        let alias = |t: &str| Alias {
            target: t.into(),
            created: Stamp(1),
            updated: Stamp(1),
        };
        r.link("alias/x", alias("a"));
        assert!(r.keys["a"].aliases.contains("alias/x"));
        r.link("alias/x", alias("b"));
        assert!(r.keys["a"].aliases.is_empty());
        assert!(r.keys["b"].aliases.contains("alias/x"));
        assert!(r.unlink("alias/x").is_some());
        assert!(r.keys["b"].aliases.is_empty());
        assert!(r.unlink("alias/x").is_none());
    }
}
