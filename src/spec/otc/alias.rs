//! key_alias: the AWS alias character set, without AWS's `alias/` prefix,
//! 1..255 characters, and the `/default` suffix kept for Default Master Keys.

use super::error::OtcError;
use crate::spec::shape::Pattern;

/// The longest key_alias (spec G: `^[a-zA-Z0-9:/_-]{1,255}$`).
pub const KEY_ALIAS_MAX: usize = 255;
/// The suffix of the aliases of service-created Default Master Keys.
pub const DEFAULT_SUFFIX: &str = "/default";

/// Checks a key_alias as create-key and update-key-alias do: the length,
/// the character set (shared with AWS's member pattern), then the reserved
/// suffix. The docs give no separate code for the suffix, so it fails as an
/// invalid key_alias (KMS.1101, the natural candidate; spec G).
pub fn check_key_alias(alias: &str) -> Result<(), OtcError> {
    let len = alias.chars().count();
    if len == 0 || len > KEY_ALIAS_MAX || !alias.chars().all(|c| Pattern::AliasName.allows(c)) {
        return Err(OtcError::InvalidKeyAlias);
    }
    if is_reserved(alias) {
        return Err(OtcError::InvalidKeyAlias);
    }
    Ok(())
}

/// Whether the alias is one only a Default Master Key may have.
pub fn is_reserved(alias: &str) -> bool {
    alias.ends_with(DEFAULT_SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert!(check_key_alias("a").is_ok());
        assert!(check_key_alias(&"a".repeat(255)).is_ok());
        assert!(check_key_alias(&"a".repeat(256)).is_err());
        assert!(check_key_alias("").is_err());
        assert!(check_key_alias("a:b/c_d-e").is_ok());
        assert!(check_key_alias("a b").is_err());
        assert!(check_key_alias("é").is_err());
        assert!(check_key_alias("x/default").is_err());
        assert!(check_key_alias("/default").is_err());
        assert!(check_key_alias("x/defaults").is_ok());
        assert!(check_key_alias("x/Default").is_ok());
        assert!(check_key_alias("default").is_ok());
    }
}
