//! Tags on a key: CreateKey's `Tags` (spec K, recorded from AWS in LS-snap
//! 2025-01). The lengths (TagKey 1..128, TagValue 0..256) are the model's and
//! so framework validation (`shape`); the count and the reserved prefix are
//! the service's, checked after it.

use super::fault::Fault;

/// The most tags a key may have (LS-snap: 50 accepted, 51 refused).
pub const TAGS_PER_KEY: usize = 50;

/// The prefix reserved for AWS, compared without regard to letter case
/// (LS-snap: `aws:key1` and `AWS:key1` are both refused).
pub const RESERVED_PREFIX: &str = "aws:";

/// The service's checks of a request's tag keys: more than 50 tags is
/// TagException `Too many tags`, a key beginning with `aws:` in any case is
/// TagException `Tags beginning with aws: are reserved`. Which comes first
/// when both hold is unrecorded; the count is checked first.
pub fn check_tags(keys: &[&str]) -> Result<(), Fault> {
    if keys.len() > TAGS_PER_KEY {
        return Err(Fault::TooManyTags);
    }
    let reserved = |k: &&str| {
        k.get(..RESERVED_PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(RESERVED_PREFIX))
    };
    if keys.iter().any(reserved) {
        return Err(Fault::TagReserved);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_cases() {
        assert_eq!(check_tags(&["aws:key1"]), Err(Fault::TagReserved));
        assert_eq!(check_tags(&["AWS:key1"]), Err(Fault::TagReserved));
        assert_eq!(check_tags(&["Aws:k"]), Err(Fault::TagReserved));
        let many: Vec<String> = (0..=50).map(|i| format!("key{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(check_tags(&many), Err(Fault::TooManyTags));
        assert_eq!(check_tags(&many[..50]), Ok(()));
    }

    #[test]
    fn only_the_prefix_is_reserved() {
        for ok in [
            "", "aws", "aws-x", "awsx:y", "x:aws:", "a", "é:aws", "ａws:",
        ] {
            assert_eq!(check_tags(&[ok]), Ok(()), "{ok:?}");
        }
        assert_eq!(check_tags(&["aws:"]), Err(Fault::TagReserved));
    }
}
