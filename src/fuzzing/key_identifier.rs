//! `key_identifier`: key ids, key ARNs and alias ARNs parse without a panic,
//! agree with an independent reading of spec B#10-#13, and round-trip
//! through the spec's formatters (`Scope::key_arn`, `Scope::alias_arn`).

use crate::spec::{is_key_id, parse_key_ref, Aliases, Arn, ErrorCode, Fault, KeyRef, Scope};

/// Inputs longer than this are cut (KeyIdType allows 2048 units).
pub const MAX_INPUT: usize = 4096;

const SCOPES: [(&str, &str); 3] = [
    ("us-east-1", "111122223333"),
    ("cn-north-1", "444455556666"),
    ("us-gov-west-1", "777788889999"),
];

/// The oracle for a key id: 36 characters with dashes at 8, 13, 18 and 23
/// and hex digits elsewhere, or `mrk-` and 32 hex digits.
pub fn oracle_key_id(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let hex = |c: &char| c.is_ascii_hexdigit();
    if chars.len() == 36 && chars[..4] == ['m', 'r', 'k', '-'] {
        return chars[4..].iter().all(hex);
    }
    if chars.len() != 36 {
        return false;
    }
    chars.iter().enumerate().all(|(i, c)| match i {
        8 | 13 | 18 | 23 => *c == '-',
        _ => hex(c),
    })
}

/// The oracle for an ARN: at least six `:`-separated fields, `arn`, a
/// non-empty partition, `kms`; the resource is everything after the fifth `:`.
pub fn oracle_arn(s: &str) -> Option<[String; 4]> {
    let mut fields: Vec<String> = vec![String::new()];
    for c in s.chars() {
        if c == ':' && fields.len() < 6 {
            fields.push(String::new());
        } else if let Some(last) = fields.last_mut() {
            last.push(c);
        }
    }
    if fields.len() < 6 || fields[0] != "arn" || fields[1].is_empty() || fields[2] != "kms" {
        return None;
    }
    Some([
        fields[1].clone(),
        fields[3].clone(),
        fields[4].clone(),
        fields[5].clone(),
    ])
}

/// The identifier a fuzz input stands for, and the scope it is read in. The
/// first byte picks the scope (of three partitions) and a shape: the text as
/// it is, after `arn:aws:kms:`, as the scope's key ARN of the text, or as
/// its alias ARN of `alias/` and the text.
pub fn identifier_of(data: &[u8]) -> (String, Scope) {
    let (mode, rest) = data.split_first().map_or((0, &[][..]), |(m, r)| (*m, r));
    let (region, account) = SCOPES[usize::from(mode / 4) % SCOPES.len()];
    let scope = Scope {
        region: region.into(),
        account: account.into(),
    };
    let text = String::from_utf8_lossy(rest);
    let s = match mode % 4 {
        0 => text.into_owned(),
        1 => format!("arn:aws:kms:{text}"),
        2 => scope.key_arn(&text),
        _ => scope.alias_arn(&format!("alias/{text}")),
    };
    (s, scope)
}

/// The property: see the module doc.
pub fn key_identifier(data: &[u8]) {
    let (s, scope) = identifier_of(super::capped(data, MAX_INPUT));
    check_identifier(&s, &scope);
}

/// The property for one identifier in one scope.
pub fn check_identifier(s: &str, scope: &Scope) {
    assert_eq!(is_key_id(s), oracle_key_id(s), "is_key_id({s:?})");

    let arn = Arn::parse(s);
    match (&arn, oracle_arn(s)) {
        (None, None) => {}
        (Some(a), Some([partition, region, account, resource])) => {
            assert_eq!(
                (&a.partition, &a.region, &a.account, &a.resource),
                (&partition, &region, &account, &resource),
                "{s:?}"
            );
            let formatted = format!(
                "arn:{}:kms:{}:{}:{}",
                a.partition, a.region, a.account, a.resource
            );
            assert_eq!(formatted, s, "an ARN formats back to its text");
        }
        (got, want) => panic!("Arn::parse({s:?}) = {got:?}, oracle {want:?}"),
    }

    // The formatters round-trip whatever they are given.
    let key_arn = Arn::parse(&scope.key_arn(s)).expect("a formatted key ARN parses");
    assert_eq!(key_arn.resource, format!("key/{s}"));
    assert_eq!(
        (
            key_arn.partition.as_str(),
            &key_arn.region,
            &key_arn.account
        ),
        (scope.partition(), &scope.region, &scope.account)
    );
    let alias_arn = Arn::parse(&scope.alias_arn(s)).expect("a formatted alias ARN parses");
    assert_eq!(alias_arn.resource, s);

    let resolve = parse_key_ref(s, scope, Aliases::Resolve);
    let target = parse_key_ref(s, scope, Aliases::RefuseAsTarget);
    let invalid = parse_key_ref(s, scope, Aliases::RefuseAsInvalid);
    for r in [&resolve, &target, &invalid] {
        if let Err(f) = r {
            check_fault(s, f);
        }
    }
    match &resolve {
        Ok(KeyRef::Key(id)) => {
            assert!(is_key_id(id), "{s:?} names key {id:?}, not a key id");
            assert_eq!(&target, &resolve, "{s:?}");
            assert_eq!(&invalid, &resolve, "{s:?}");
            let back = Ok(KeyRef::Key(id.clone()));
            for form in [id.clone(), scope.key_arn(id)] {
                assert_eq!(
                    parse_key_ref(&form, scope, Aliases::Resolve),
                    back,
                    "{form:?}"
                );
            }
            // Only a bare id or the scope's own key ARN names a key.
            assert!(
                s == id || s == scope.key_arn(id),
                "{s:?} resolved to {id:?}"
            );
        }
        Ok(KeyRef::Alias(name)) => {
            assert!(name.starts_with("alias/"), "{s:?} -> {name:?}");
            assert_eq!(target, Err(Fault::AliasAsKey), "{s:?}");
            assert!(
                matches!(invalid, Err(Fault::InvalidKeyId { quoted: true, .. })),
                "{s:?}: {invalid:?}"
            );
            let back = Ok(KeyRef::Alias(name.clone()));
            for form in [name.clone(), scope.alias_arn(name)] {
                assert_eq!(
                    parse_key_ref(&form, scope, Aliases::Resolve),
                    back,
                    "{form:?}"
                );
            }
        }
        Err(_) => {
            assert_eq!(&target, &resolve, "{s:?}");
            assert_eq!(&invalid, &resolve, "{s:?}");
        }
    }
}

fn check_fault(s: &str, f: &Fault) {
    let code = f.code();
    assert!(
        matches!(
            code,
            ErrorCode::NotFoundException | ErrorCode::ValidationException
        ),
        "{s:?}: {f:?}"
    );
    assert_eq!(f.status(), code.status());
    assert_eq!(f.status(), 400);
    assert!(f.message().is_some_and(|m| !m.is_empty()), "{s:?}: {f:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracles_on_the_spec_examples() {
        assert!(oracle_key_id("1234abcd-12ab-34cd-56ef-1234567890ab"));
        assert!(oracle_key_id("mrk-1234abcd12ab34cd56ef1234567890ab"));
        assert!(!oracle_key_id("mrk-fake-key-id"));
        assert!(!oracle_key_id("134f2428cec14b25a1ae9048164dba47"));
        assert_eq!(
            oracle_arn("arn:aws:kms:r:a:alias/x:y").unwrap()[3],
            "alias/x:y"
        );
        assert_eq!(oracle_arn("arn::kms:r:a:key/x"), None);
        for mode in 0..12u8 {
            let (s, scope) = identifier_of(&[mode, b'x']);
            check_identifier(&s, &scope);
        }
    }
}
