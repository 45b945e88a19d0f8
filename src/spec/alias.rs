//! Alias names: the service's checks after framework validation, the
//! reserved `alias/aws/` names, the per-key quota and the predefined aliases.

use serde_json::json;

use super::fault::Fault;
use super::operation::Operation;
use super::shape;

/// Every alias name begins with this (B#1).
pub const PREFIX: &str = "alias/";
/// Names under this prefix belong to AWS managed keys (B#8, J Q2).
pub const RESERVED_PREFIX: &str = "alias/aws/";
/// Aliases per customer managed key (DG resource-limits.md, B#21, J Q8).
pub const ALIASES_PER_KEY: usize = 50;

/// Predefined AWS aliases that ListAliases shows before any key backs them
/// (J Q7, recorded: AliasName and AliasArn only). The recorded accounts show
/// these ten; moto's list adds acm, ebs, lambda and secretsmanager.
pub const PREDEFINED: &[&str] = &[
    "alias/aws/acm",
    "alias/aws/dynamodb",
    "alias/aws/ebs",
    "alias/aws/elasticfilesystem",
    "alias/aws/es",
    "alias/aws/glue",
    "alias/aws/kinesisvideo",
    "alias/aws/lambda",
    "alias/aws/rds",
    "alias/aws/redshift",
    "alias/aws/s3",
    "alias/aws/secretsmanager",
    "alias/aws/ssm",
    "alias/aws/xray",
];

/// The service's own checks of a name that passed framework validation
/// (length 1..256, pattern `^[a-zA-Z0-9:/_-]+$`), in the order AWS most
/// likely runs them (J Q3):
///
/// 1. the `alias/` prefix, with its custom text (recorded, LS-snap 2023);
/// 2. the service pattern `^alias/[a-zA-Z0-9/_-]+$` (APIREF-new's pattern):
///    a `:` after the prefix fails it with "contains invalid characters for
///    an alias" (recorded, terraform-provider-aws #12891). A bare `alias/`
///    fails it too; AWS's answer to that name is unrecorded, and this text is
///    the one the same check gives, so it is the likeliest;
/// 3. the reserved `alias/aws/` prefix: NotAuthorizedException without a
///    message (moto 2015, probably captured from AWS). Names are
///    case-sensitive (DG), so `alias/AWS/x` is not reserved.
pub fn check_alias_name(name: &str) -> Result<(), Fault> {
    let Some(rest) = name.strip_prefix(PREFIX) else {
        return Err(Fault::AliasPrefix);
    };
    let service_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-');
    if rest.is_empty() || !rest.chars().all(service_char) {
        return Err(Fault::AliasInvalidCharacters {
            name: name.to_owned(),
        });
    }
    if is_reserved(name) {
        return Err(Fault::AliasReserved);
    }
    Ok(())
}

/// Whether the name is in AWS's reserved namespace.
pub fn is_reserved(name: &str) -> bool {
    name.starts_with(RESERVED_PREFIX)
}

/// The full verdict on a name as CreateAlias would give it: framework
/// validation of the member, then the service checks.
pub fn verdict(name: &str) -> Result<(), Fault> {
    let body = json!({ "AliasName": name });
    shape::check_input(Operation::DeleteAlias, &body)?;
    check_alias_name(name)
}

/// The Description of the AWS managed key that AWS creates when a predefined
/// alias is first used (BC DescribeKey doc: "a predefined AWS alias with no
/// key gets a key created on first DescribeKey"); `None` for any other name.
/// The text is the one AWS managed keys carry in DescribeKey responses.
pub fn aws_managed_key_description(alias_name: &str) -> Option<String> {
    if !PREDEFINED.contains(&alias_name) {
        return None;
    }
    let service = alias_name.strip_prefix(RESERVED_PREFIX)?;
    Some(format!(
        "Default key that protects my {service} resources when no other key is defined"
    ))
}

/// The quota check before a key gains one more alias (B#21, J Q8).
pub fn check_quota(aliases_of_key: usize) -> Result<(), Fault> {
    if aliases_of_key >= ALIASES_PER_KEY {
        Err(Fault::AliasQuota {
            limit: ALIASES_PER_KEY,
            usage: aliases_of_key,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ErrorCode;

    fn code(name: &str) -> Option<ErrorCode> {
        verdict(name).err().map(|f| f.code())
    }

    #[test]
    fn length_boundaries_count_the_prefix() {
        let of_len = |n: usize| format!("alias/{}", "x".repeat(n - PREFIX.len()));
        assert_eq!(code(&of_len(7)), None);
        assert_eq!(code(&of_len(255)), None);
        assert_eq!(code(&of_len(256)), None);
        assert_eq!(code(&of_len(257)), Some(ErrorCode::ValidationException));
        assert!(matches!(verdict(&of_len(257)), Err(Fault::Validation(_))));
    }

    #[test]
    fn prefix_is_required_and_case_sensitive() {
        for name in [
            "abc123", "Alias/x", "ALIAS/x", "aliasx", "alias", "/alias/x",
        ] {
            assert_eq!(verdict(name), Err(Fault::AliasPrefix), "{name}");
        }
        assert_eq!(
            Fault::AliasPrefix.message().unwrap(),
            "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
        );
    }

    #[test]
    fn colon_after_prefix_and_bare_prefix() {
        let f = verdict("alias/Service:Test").unwrap_err();
        assert_eq!(f.code(), ErrorCode::ValidationException);
        assert_eq!(
            f.message().unwrap(),
            "alias/Service:Test contains invalid characters for an alias"
        );
        assert!(matches!(
            verdict("alias/"),
            Err(Fault::AliasInvalidCharacters { .. })
        ));
        // A colon before the prefix is a prefix failure, not a colon failure.
        assert_eq!(verdict("x:alias/y"), Err(Fault::AliasPrefix));
    }

    #[test]
    fn pattern_runs_before_prefix() {
        // The framework's pattern check comes before any service check (J Q3).
        assert!(matches!(verdict("abc!"), Err(Fault::Validation(_))));
        assert!(matches!(verdict(""), Err(Fault::Validation(_))));
    }

    #[test]
    fn reserved_names() {
        for name in ["alias/aws/ebs", "alias/aws/anything", "alias/aws/a/b"] {
            assert_eq!(verdict(name), Err(Fault::AliasReserved), "{name}");
        }
        for name in ["alias/AWS/x", "alias/awsx", "alias/aws", "alias/my/aws/x"] {
            assert_eq!(verdict(name), Ok(()), "{name}");
        }
        for p in PREDEFINED {
            assert!(is_reserved(p));
        }
    }

    #[test]
    fn aws_managed_descriptions_only_for_predefined_names() {
        assert_eq!(
            aws_managed_key_description("alias/aws/ebs").unwrap(),
            "Default key that protects my ebs resources when no other key is defined"
        );
        assert_eq!(aws_managed_key_description("alias/aws/unknown"), None);
        assert_eq!(aws_managed_key_description("alias/mine"), None);
    }

    #[test]
    fn quota_allows_fifty() {
        assert!(check_quota(49).is_ok());
        let f = check_quota(50).unwrap_err();
        assert_eq!(f.code(), ErrorCode::LimitExceededException);
        assert_eq!(
            f.message().unwrap(),
            "Aliases per key quota for this account in this region is 50, current usage is 50."
        );
    }
}
