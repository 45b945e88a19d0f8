//! The alias-name and key-identifier validators of `src/spec/` against
//! oracles written another way (regexes taken from the spec text, plain
//! character loops), and parse -> format -> parse round trips of key ids,
//! `mrk-` ids, key ARNs, alias names and alias ARNs.
//!
//! Inputs come from the boundary-biased generators of `tests/gen`.

mod gen;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use regex::Regex;

use kms_alias_conformance::spec::shape::{Constraint, Pattern};
use kms_alias_conformance::spec::{
    alias, check_alias_name, is_key_id, parse_key_ref, Aliases, Arn, Fault, KeyRef, Scope,
};

const ACCOUNT: &str = "111122223333";

fn scope(region: &str) -> Scope {
    Scope {
        region: region.into(),
        account: ACCOUNT.into(),
    }
}

/// What the oracle says of an alias name, check by check.
#[derive(Debug, PartialEq)]
enum NameVerdict {
    /// Framework constraints failed, in the order the model lists them.
    Framework(Vec<Constraint>),
    Prefix,
    InvalidCharacters,
    Reserved,
    Ok,
}

/// A character loop over spec A (AliasNameType: length 1..256 in UTF-16
/// units, pattern `^[a-zA-Z0-9:/_-]+$`) and J Q3 (then the prefix, then the
/// service pattern without `:`, then the reserved `alias/aws/`).
fn name_oracle(name: &str) -> NameVerdict {
    let mut units = 0;
    let mut model_chars = true;
    for c in name.chars() {
        units += c.len_utf16();
        let ok = c.is_ascii_lowercase()
            || c.is_ascii_uppercase()
            || c.is_ascii_digit()
            || c == ':'
            || c == '/'
            || c == '_'
            || c == '-';
        model_chars &= ok;
    }
    let mut failed = Vec::new();
    if units < 1 {
        failed.push(Constraint::MinLength(1));
    }
    if units > 256 {
        failed.push(Constraint::MaxLength(256));
    }
    if units == 0 || !model_chars {
        failed.push(Constraint::Pattern(Pattern::AliasName));
    }
    if !failed.is_empty() {
        return NameVerdict::Framework(failed);
    }
    let bytes = name.as_bytes();
    if bytes.len() < 6 || &bytes[..6] != b"alias/" {
        return NameVerdict::Prefix;
    }
    let rest = &bytes[6..];
    if rest.is_empty() || rest.contains(&b':') {
        // the model pattern already held, so `:` is the only other character
        return NameVerdict::InvalidCharacters;
    }
    if rest.len() >= 4 && &rest[..4] == b"aws/" {
        return NameVerdict::Reserved;
    }
    NameVerdict::Ok
}

fn classify(r: Result<(), Fault>, name: &str) -> Result<NameVerdict, String> {
    Ok(match r {
        Ok(()) => NameVerdict::Ok,
        Err(Fault::Validation(v)) => {
            for x in &v {
                if x.member != "aliasName" || x.value.as_deref() != Some(name) {
                    return Err(format!("violation names {x:?}"));
                }
            }
            NameVerdict::Framework(v.into_iter().map(|x| x.constraint).collect())
        }
        Err(Fault::AliasPrefix) => NameVerdict::Prefix,
        Err(Fault::AliasInvalidCharacters { name: shown }) if shown == name => {
            NameVerdict::InvalidCharacters
        }
        Err(Fault::AliasReserved) => NameVerdict::Reserved,
        Err(other) => return Err(format!("unexpected fault {other:?}")),
    })
}

/// Key id oracle: the regexes of B#11 / spec K (UUID 8-4-4-4-12, `mrk-` + 32
/// hex), hex in either case as the validator documents.
fn key_id_regex() -> &'static Regex {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})$",
        )
        .unwrap()
    });
    &RE
}

/// The ARN oracle: `arn:<partition>:kms:<region>:<account>:<resource>`,
/// the resource taking the rest (alias names may hold `:`).
fn arn_regex() -> &'static Regex {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)^arn:([^:]+):kms:([^:]*):([^:]*):(.*)$").unwrap());
    &RE
}

/// APIREF-new's pattern (spec H) and the reserved prefix.
fn service_regexes() -> &'static (Regex, Regex) {
    static RE: LazyLock<(Regex, Regex)> = LazyLock::new(|| {
        (
            Regex::new(r"(?s)^alias/[a-zA-Z0-9/_-]+$").unwrap(),
            Regex::new(r"^alias/aws/").unwrap(),
        )
    });
    &RE
}

/// An independent reading of B#10..#13 and J Q4 for `parse_key_ref`.
fn key_ref_oracle(s: &str, sc: &Scope, policy: Aliases) -> Result<KeyRef, Fault> {
    let id_re = key_id_regex();
    let invalid = Fault::InvalidKeyId {
        value: s.to_owned(),
        quoted: true,
    };
    let as_alias = |name: &str| match policy {
        Aliases::Resolve => Ok(KeyRef::Alias(name.to_owned())),
        Aliases::RefuseAsTarget => Err(Fault::AliasAsKey),
        Aliases::RefuseAsInvalid => Err(invalid.clone()),
    };
    if s.starts_with("arn:") {
        let Some(c) = arn_regex().captures(s) else {
            return Err(invalid);
        };
        let (partition, region, account, resource) = (&c[1], &c[2], &c[3], &c[4]);
        if region != sc.region {
            return Err(Fault::InvalidArnRegion {
                region: region.to_owned(),
            });
        }
        if let Some(id) = resource.strip_prefix("key/") {
            if !id_re.is_match(id) {
                return Err(Fault::InvalidKeyId {
                    value: id.to_owned(),
                    quoted: false,
                });
            }
            let own_partition = gen::super_partition(&sc.region);
            if account != sc.account || partition != own_partition {
                return Err(Fault::KeyNotFound {
                    key_arn: s.to_owned(),
                });
            }
            return Ok(KeyRef::Key(id.to_owned()));
        }
        if resource.starts_with("alias/") {
            return as_alias(resource);
        }
        return Err(invalid);
    }
    if s.starts_with("alias/") {
        return as_alias(s);
    }
    if id_re.is_match(s) {
        return Ok(KeyRef::Key(s.to_owned()));
    }
    Err(invalid)
}

/// Identifiers paired with the scope (Region) their ARNs were built for.
fn identifiers() -> impl Strategy<Value = (String, &'static str)> {
    prop_oneof![
        3 => gen::key_identifier("us-east-1", ACCOUNT).prop_map(|s| (s, "us-east-1")),
        1 => gen::key_identifier("cn-north-1", ACCOUNT).prop_map(|s| (s, "cn-north-1")),
        1 => gen::key_identifier("us-gov-west-1", ACCOUNT).prop_map(|s| (s, "us-gov-west-1")),
    ]
}

proptest! {
    #![proptest_config(gen::config(1000))]

    #[test]
    fn alias_verdict_agrees_with_a_character_loop(name in gen::alias_name()) {
        let got = classify(alias::verdict(&name), &name);
        prop_assert_eq!(got, Ok(name_oracle(&name)), "{:?}", name);
    }

    #[test]
    fn service_checks_agree_with_the_spec_regexes(name in gen::alias_name()) {
        // APIREF-new's pattern and the reserved prefix (spec H), run on a name
        // the framework has not vetted: check_alias_name must not care.
        let (service, reserved) = service_regexes();
        let expect = if !name.starts_with("alias/") {
            Err(Fault::AliasPrefix)
        } else if !service.is_match(&name) {
            Err(Fault::AliasInvalidCharacters { name: name.clone() })
        } else if reserved.is_match(&name) {
            Err(Fault::AliasReserved)
        } else {
            Ok(())
        };
        prop_assert_eq!(check_alias_name(&name), expect, "{:?}", name);
    }

    #[test]
    fn key_id_validator_agrees_with_the_regex(s in prop_oneof![gen::key_id(), gen::key_id_near_miss(), any::<String>()]) {
        prop_assert_eq!(is_key_id(&s), key_id_regex().is_match(&s), "{:?}", s);
    }

    #[test]
    fn arn_parser_agrees_with_the_regex((s, _) in identifiers()) {
        let expect = arn_regex().captures(&s).map(|c| Arn {
            partition: c[1].to_owned(),
            region: c[2].to_owned(),
            account: c[3].to_owned(),
            resource: c[4].to_owned(),
        });
        prop_assert_eq!(Arn::parse(&s), expect, "{:?}", s);
    }

    #[test]
    fn key_ref_parser_agrees_with_the_oracle((s, region) in identifiers()) {
        for sc in [scope(region), scope("us-east-1")] {
            for policy in [Aliases::Resolve, Aliases::RefuseAsTarget, Aliases::RefuseAsInvalid] {
                prop_assert_eq!(
                    parse_key_ref(&s, &sc, policy),
                    key_ref_oracle(&s, &sc, policy),
                    "{:?} in {} with {:?}", s, sc.region, policy
                );
            }
        }
    }

    // ---- round trips: parse -> format -> parse ----

    #[test]
    fn key_ids_and_key_arns_round_trip(
        id in gen::key_id(),
        region in prop::sample::select(vec!["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"]),
    ) {
        let sc = scope(region);
        prop_assert!(is_key_id(&id));
        for text in [id.clone(), sc.key_arn(&id)] {
            let parsed = parse_key_ref(&text, &sc, Aliases::RefuseAsInvalid);
            prop_assert_eq!(&parsed, &Ok(KeyRef::Key(id.clone())));
            let Ok(KeyRef::Key(back)) = parsed else { unreachable!() };
            // the formatted ARN parses back to the same key, and formats the same
            let arn = sc.key_arn(&back);
            prop_assert_eq!(&arn, &sc.key_arn(&id));
            prop_assert_eq!(parse_key_ref(&arn, &sc, Aliases::Resolve), Ok(KeyRef::Key(id.clone())));
            let structured = Arn::parse(&arn).unwrap();
            prop_assert_eq!(structured.resource, format!("key/{id}"));
            prop_assert_eq!(structured.partition, gen::super_partition(region));
        }
    }

    #[test]
    fn alias_names_and_alias_arns_round_trip(
        name in gen::alias_name().prop_filter("has the prefix", |n| n.starts_with("alias/")),
        region in prop::sample::select(vec!["us-east-1", "cn-north-1", "us-gov-west-1"]),
    ) {
        let sc = scope(region);
        let alias = Ok(KeyRef::Alias(name.clone()));
        prop_assert_eq!(&parse_key_ref(&name, &sc, Aliases::Resolve), &alias);
        let arn = sc.alias_arn(&name);
        prop_assert_eq!(&parse_key_ref(&arn, &sc, Aliases::Resolve), &alias);
        let Ok(KeyRef::Alias(back)) = parse_key_ref(&arn, &sc, Aliases::Resolve) else { unreachable!() };
        prop_assert_eq!(sc.alias_arn(&back), arn.clone());
        prop_assert_eq!(Arn::parse(&arn).map(|a| a.resource), Some(name.clone()));
    }

    #[test]
    fn arns_format_back_to_the_text_they_came_from((s, _) in identifiers()) {
        if let Some(arn) = Arn::parse(&s) {
            prop_assert_eq!(arn.to_string(), s.clone());
            prop_assert_eq!(Arn::parse(&arn.to_string()), Some(arn));
        }
    }

    #[test]
    fn structured_arns_round_trip(
        partition in "[a-z-]{1,12}",
        region in "[a-z0-9-]{0,15}",
        account in "[0-9]{0,13}",
        resource in prop_oneof![gen::key_id().prop_map(|i| format!("key/{i}")), gen::alias_name(), any::<String>()],
    ) {
        let arn = Arn { partition, region, account, resource };
        prop_assert_eq!(Arn::parse(&arn.to_string()), Some(arn));
    }
}

/// The name generator reaches every verdict, and both sides of each length
/// edge (so the properties above are not vacuous).
#[test]
fn the_name_generator_reaches_every_verdict() {
    let mut runner = TestRunner::deterministic();
    let strategy = gen::alias_name();
    let mut seen = BTreeSet::new();
    let mut lengths = BTreeSet::new();
    for _ in 0..3000 {
        let name = strategy.new_tree(&mut runner).unwrap().current();
        let verdict = match name_oracle(&name) {
            NameVerdict::Framework(f) => format!("framework {f:?}"),
            other => format!("{other:?}"),
        };
        seen.insert(verdict);
        lengths.insert(gen::utf16_len(&name));
    }
    for want in [
        "Ok",
        "Prefix",
        "InvalidCharacters",
        "Reserved",
        "framework [MinLength(1), Pattern(AliasName)]",
        "framework [MaxLength(256)]",
        "framework [Pattern(AliasName)]",
    ] {
        assert!(seen.contains(want), "never generated: {want}; saw {seen:?}");
    }
    for n in [0, 1, 6, 7, 255, 256, 257] {
        assert!(lengths.contains(&n), "never generated length {n}");
    }
}
