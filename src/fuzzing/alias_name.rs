//! `alias_name`: the spec's alias-name verdict agrees with an oracle written
//! from the spec document (sections A, B#1-#8, J Q3) as a plain char loop.

use crate::spec::alias::{check_alias_name, is_reserved, verdict};
use crate::spec::{Constraint, ErrorCode, Fault, Pattern};

/// `alias/` in characters.
const PREFIX_CHARS: usize = 6;

/// Inputs longer than this are cut: names past 257 units all fail the same way.
pub const MAX_INPUT: usize = 1024;

/// What the spec says of a name, as the oracle works it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// CreateAlias may use it.
    Accepted,
    /// Framework validation fails (section A): which of the three constraints.
    Framework {
        /// Fewer than 1 UTF-16 unit.
        too_short: bool,
        /// More than 256 UTF-16 units.
        too_long: bool,
        /// A character outside `[a-zA-Z0-9:/_-]`, or no character at all.
        pattern: bool,
    },
    /// No `alias/` prefix (B#1).
    NoPrefix,
    /// Nothing, or a `:`, after the prefix (B#4, J Q3).
    BadServiceChars,
    /// Under `alias/aws/` (B#8).
    Reserved,
}

/// The oracle: the rules of the spec document, checked in the service's
/// order, without calling `src/spec`.
pub fn oracle(name: &str) -> Expected {
    let mut units = 0usize;
    let mut pattern = true;
    let mut any = false;
    for c in name.chars() {
        any = true;
        units += if u32::from(c) >= 0x1_0000 { 2 } else { 1 };
        let allowed = c.is_ascii_lowercase()
            || c.is_ascii_uppercase()
            || c.is_ascii_digit()
            || c == ':'
            || c == '/'
            || c == '_'
            || c == '-';
        if !allowed {
            pattern = false;
        }
    }
    let too_short = units < 1;
    let too_long = units > 256;
    let pattern_fails = !any || !pattern;
    if too_short || too_long || pattern_fails {
        return Expected::Framework {
            too_short,
            too_long,
            pattern: pattern_fails,
        };
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 6 || chars[..6] != ['a', 'l', 'i', 'a', 's', '/'] {
        return Expected::NoPrefix;
    }
    let rest = &chars[6..];
    if rest.is_empty() || rest.contains(&':') {
        return Expected::BadServiceChars;
    }
    if rest.len() >= 4 && rest[..4] == ['a', 'w', 's', '/'] {
        return Expected::Reserved;
    }
    Expected::Accepted
}

/// The name a fuzz input stands for. The first byte picks a shape so the
/// fuzzer reaches the prefixes and the length boundary quickly: 0 the text as
/// it is, 1 after `alias/`, 2 after `alias/aws/`, 3 repeated after `alias/`
/// up to 250..=261 characters.
pub fn name_of(data: &[u8]) -> String {
    let Some((&mode, rest)) = data.split_first() else {
        return String::new();
    };
    let text = String::from_utf8_lossy(rest);
    match mode % 4 {
        0 => text.into_owned(),
        1 => format!("alias/{text}"),
        2 => format!("alias/aws/{text}"),
        _ => {
            let want = 250 + usize::from(mode / 4) % 12;
            let fill: Vec<char> = if text.is_empty() {
                vec!['a']
            } else {
                text.chars().collect()
            };
            let mut name = String::from("alias/");
            name.extend(fill.iter().cycle().take(want - PREFIX_CHARS));
            name
        }
    }
}

/// The property: `spec::alias::verdict` and the oracle agree on every name,
/// each fault carries its catalogued code and status, and the service check
/// alone agrees with the full verdict once framework validation passed.
pub fn alias_name(data: &[u8]) {
    let name = name_of(super::capped(data, MAX_INPUT));
    check_name(&name);
}

/// The property for one name (also used by the replay test directly).
pub fn check_name(name: &str) {
    let want = oracle(name);
    let got = verdict(name);
    let seen = match &got {
        Ok(()) => Expected::Accepted,
        Err(Fault::Validation(violations)) => {
            let mut flags = (false, false, false);
            for v in violations {
                assert_eq!(v.member, "aliasName", "{name:?}: {v:?}");
                assert_eq!(v.value.as_deref(), Some(name), "{name:?}: {v:?}");
                match v.constraint {
                    Constraint::MinLength(1) => flags.0 = true,
                    Constraint::MaxLength(256) => flags.1 = true,
                    Constraint::Pattern(Pattern::AliasName) => flags.2 = true,
                    ref other => panic!("{name:?}: unexpected constraint {other:?}"),
                }
            }
            Expected::Framework {
                too_short: flags.0,
                too_long: flags.1,
                pattern: flags.2,
            }
        }
        Err(Fault::AliasPrefix) => Expected::NoPrefix,
        Err(Fault::AliasInvalidCharacters { name: shown }) => {
            assert_eq!(shown, name, "the message names the name as sent");
            Expected::BadServiceChars
        }
        Err(Fault::AliasReserved) => Expected::Reserved,
        Err(other) => panic!("{name:?}: a fault no alias name can give: {other:?}"),
    };
    assert_eq!(seen, want, "verdict {got:?} for {name:?}");

    if let Err(fault) = &got {
        let code = fault.code();
        let catalogued = match want {
            Expected::Reserved => ErrorCode::NotAuthorizedException,
            _ => ErrorCode::ValidationException,
        };
        assert_eq!(code, catalogued, "{name:?}");
        assert_eq!(fault.status(), code.status(), "{name:?}");
        assert_eq!(fault.body()["__type"], code.name(), "{name:?}");
    }
    if !matches!(want, Expected::Framework { .. }) {
        assert_eq!(check_alias_name(name), got, "{name:?}");
    }
    let reserved = name.len() >= 10 && &name.as_bytes()[..10] == b"alias/aws/";
    assert_eq!(is_reserved(name), reserved, "{name:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracle_on_the_spec_examples() {
        let long = |n: usize| format!("alias/{}", "x".repeat(n - 6));
        assert_eq!(oracle(&long(256)), Expected::Accepted);
        assert!(matches!(
            oracle(&long(257)),
            Expected::Framework { too_long: true, .. }
        ));
        assert_eq!(oracle("abc123"), Expected::NoPrefix);
        assert_eq!(oracle("alias/my:alias"), Expected::BadServiceChars);
        assert_eq!(oracle("alias/"), Expected::BadServiceChars);
        assert_eq!(oracle("alias/aws/ebs"), Expected::Reserved);
        assert_eq!(oracle("alias/AWS/ebs"), Expected::Accepted);
        // U+1F600 is two UTF-16 units, and outside the pattern.
        assert!(matches!(
            oracle("alias/\u{1F600}"),
            Expected::Framework { pattern: true, .. }
        ));
        for n in [255, 256, 257] {
            check_name(&long(n));
        }
        assert_eq!(name_of(&[3 + 4 * 7, b'q']).chars().count(), 257);
    }
}
