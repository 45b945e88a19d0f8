//! Key identifiers and ARNs: key id (UUID or `mrk-` id), key ARN, alias
//! name and alias ARN; parsing, formatting and the Region/account checks.

use super::alias::PREFIX as ALIAS_PREFIX;
use super::fault::Fault;

/// The Region and account a request acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The Region, e.g. `us-east-1`.
    pub region: String,
    /// The 12-digit account id.
    pub account: String,
}

impl Scope {
    /// The partition of this Scope's Region.
    pub fn partition(&self) -> &'static str {
        partition(&self.region)
    }

    /// `arn:<partition>:kms:<region>:<account>:key/<id>`.
    pub fn key_arn(&self, key_id: &str) -> String {
        format!(
            "arn:{}:kms:{}:{}:key/{key_id}",
            self.partition(),
            self.region,
            self.account
        )
    }

    /// `arn:<partition>:kms:<region>:<account>:alias/<name>`: the ARN embeds the
    /// full name, prefix included (DG alias-about.md).
    pub fn alias_arn(&self, alias_name: &str) -> String {
        format!(
            "arn:{}:kms:{}:{}:{alias_name}",
            self.partition(),
            self.region,
            self.account
        )
    }
}

/// The ARN partition of a Region (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// A well-formed key id: a UUID (8-4-4-4-12 hex) or `mrk-` and 32 hex digits.
/// LS-snap records `134f2428cec14b25a1ae9048164dba47` (no dashes) and
/// `mrk-fake-key-id` as invalid.
pub fn is_key_id(s: &str) -> bool {
    let hex = |part: &str, n: usize| part.len() == n && part.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(rest) = s.strip_prefix("mrk-") {
        return hex(rest, 32);
    }
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, part)| hex(part, *n))
}

/// A parsed `arn:partition:kms:region:account:resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    /// `aws`, `aws-cn`, ...
    pub partition: String,
    /// The Region.
    pub region: String,
    /// The account.
    pub account: String,
    /// `key/<id>` or `alias/<name>`.
    pub resource: String,
}

impl Arn {
    /// Parses a KMS ARN; `None` when the text is not one.
    pub fn parse(s: &str) -> Option<Arn> {
        let mut parts = s.splitn(6, ':');
        let (arn, partition, service, region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        (arn == "arn" && service == "kms" && !partition.is_empty()).then(|| Arn {
            partition: partition.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        })
    }
}

impl std::fmt::Display for Arn {
    /// The ARN's text, `arn:<partition>:kms:<region>:<account>:<resource>`:
    /// [`Arn::parse`] of it gives the same `Arn` back.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "arn:{}:kms:{}:{}:{}",
            self.partition, self.region, self.account, self.resource
        )
    }
}

/// What a key identifier names, once checked against the request's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRef {
    /// A key, by its bare id.
    Key(String),
    /// An alias, by its full name (`alias/...`).
    Alias(String),
}

/// Whether an identifier may name an alias where a key is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aliases {
    /// Resolve it (DescribeKey accepts alias names and ARNs).
    Resolve,
    /// Refuse it: an alias's target must be a key (B#13; moto 2015 text).
    RefuseAsTarget,
    /// Treat it as a malformed key id (operations that take key ids only).
    RefuseAsInvalid,
}

/// Parses a key identifier in `scope` (B#10, #11, #12, #13; J Q4).
pub fn parse_key_ref(s: &str, scope: &Scope, aliases: Aliases) -> Result<KeyRef, Fault> {
    let invalid = || Fault::InvalidKeyId {
        value: s.to_owned(),
        quoted: true,
    };
    let alias = |name: &str| match aliases {
        Aliases::Resolve => Ok(KeyRef::Alias(name.to_owned())),
        Aliases::RefuseAsTarget => Err(Fault::AliasAsKey),
        Aliases::RefuseAsInvalid => Err(invalid()),
    };
    if s.starts_with("arn:") {
        let Some(arn) = Arn::parse(s) else {
            return Err(invalid());
        };
        if arn.region != scope.region {
            return Err(Fault::InvalidArnRegion { region: arn.region });
        }
        if let Some(id) = arn.resource.strip_prefix("key/") {
            if !is_key_id(id) {
                // The id part of an ARN is shown unquoted (J Q4, recorded).
                return Err(Fault::InvalidKeyId {
                    value: id.to_owned(),
                    quoted: false,
                });
            }
            if arn.account != scope.account || arn.partition != scope.partition() {
                return Err(Fault::KeyNotFound {
                    key_arn: s.to_owned(),
                });
            }
            return Ok(KeyRef::Key(id.to_owned()));
        }
        if arn.resource.starts_with(ALIAS_PREFIX) {
            return alias(&arn.resource);
        }
        return Err(invalid());
    }
    if s.starts_with(ALIAS_PREFIX) {
        return alias(s);
    }
    if is_key_id(s) {
        return Ok(KeyRef::Key(s.to_owned()));
    }
    Err(invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            region: "us-east-1".into(),
            account: "111122223333".into(),
        }
    }

    const ID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn key_id_forms() {
        assert!(is_key_id(ID));
        assert!(is_key_id("mrk-1234abcd12ab34cd56ef1234567890ab"));
        for bad in [
            "fake-key-id",
            "134f2428cec14b25a1ae9048164dba47",
            "mrk-fake-key-id",
            "1234abcd-12ab-34cd-56ef-1234567890a",
            "1234abcd-12ab-34cd-56ef-1234567890abc",
            "1234abcg-12ab-34cd-56ef-1234567890ab",
            "",
            "mrk-",
        ] {
            assert!(!is_key_id(bad), "{bad}");
        }
    }

    #[test]
    fn arns_are_formatted_with_the_partition() {
        let s = scope();
        assert_eq!(
            s.key_arn(ID),
            format!("arn:aws:kms:us-east-1:111122223333:key/{ID}")
        );
        assert_eq!(
            s.alias_arn("alias/x"),
            "arn:aws:kms:us-east-1:111122223333:alias/x"
        );
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
    }

    #[test]
    fn arns_format_back_to_their_text() {
        for text in [
            format!("arn:aws:kms:us-east-1:111122223333:key/{ID}"),
            "arn:aws-cn:kms:cn-north-1:111122223333:alias/a:b/c".to_owned(),
            "arn:aws:kms:::".to_owned(),
        ] {
            let arn = Arn::parse(&text).unwrap();
            assert_eq!(arn.to_string(), text);
            assert_eq!(Arn::parse(&arn.to_string()), Some(arn));
        }
        let s = scope();
        assert_eq!(
            Arn::parse(&s.key_arn(ID)).unwrap().to_string(),
            s.key_arn(ID)
        );
    }

    #[test]
    fn parses_every_form() {
        let s = scope();
        let p = |x: &str, a| parse_key_ref(x, &s, a);
        assert_eq!(p(ID, Aliases::RefuseAsTarget), Ok(KeyRef::Key(ID.into())));
        assert_eq!(
            p(&s.key_arn(ID), Aliases::RefuseAsTarget),
            Ok(KeyRef::Key(ID.into()))
        );
        assert_eq!(
            p("alias/x", Aliases::Resolve),
            Ok(KeyRef::Alias("alias/x".into()))
        );
        assert_eq!(
            p(&s.alias_arn("alias/x"), Aliases::Resolve),
            Ok(KeyRef::Alias("alias/x".into()))
        );
        assert_eq!(
            p("alias/x", Aliases::RefuseAsTarget),
            Err(Fault::AliasAsKey)
        );
        assert_eq!(
            p(&s.alias_arn("alias/x"), Aliases::RefuseAsTarget),
            Err(Fault::AliasAsKey)
        );
        assert!(matches!(
            p("alias/x", Aliases::RefuseAsInvalid),
            Err(Fault::InvalidKeyId { quoted: true, .. })
        ));
    }

    #[test]
    fn rejections() {
        let s = scope();
        let p = |x: &str| parse_key_ref(x, &s, Aliases::RefuseAsTarget).unwrap_err();
        assert_eq!(
            p("fake-key-id").message().unwrap(),
            "Invalid keyId 'fake-key-id'"
        );
        assert_eq!(
            p(&format!("arn:aws:kms:us-west-1:111122223333:key/{ID}"))
                .message()
                .unwrap(),
            "Invalid arn us-west-1"
        );
        assert_eq!(
            p("arn:aws:kms:us-east-1:111122223333:key/alias/aws/sqs")
                .message()
                .unwrap(),
            "Invalid keyId alias/aws/sqs"
        );
        let other = format!("arn:aws:kms:us-east-1:999999999999:key/{ID}");
        assert_eq!(
            p(&other),
            Fault::KeyNotFound {
                key_arn: other.clone()
            }
        );
        assert!(matches!(p("arn:nonsense"), Fault::InvalidKeyId { .. }));
    }
}
