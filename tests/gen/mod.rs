//! Boundary-biased generators shared by the property tests (`mod gen;` in
//! each test file that uses them). Lengths are counted as the service counts
//! them: UTF-16 units (spec A; Java strings).
//!
//! Every generator leans on the edges the spec names: the 1..256 length of
//! AliasNameType, the `alias/` and `alias/aws/` prefixes in several letter
//! cases, `:` (allowed by the model pattern, refused by the service), an
//! empty suffix, non-ASCII (one and two UTF-16 units), and ARNs with each
//! field wrong in turn.

#![allow(dead_code)] // each test file uses its own subset

use proptest::prelude::*;
use proptest::test_runner::Config;

/// A proptest config of `default` cases, unless `PROPTEST_CASES` says otherwise
/// (an explicit `with_cases` would ignore the variable).
pub fn config(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        ..Config::default()
    }
}

/// Length as the service counts it.
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A length in 0..300, mostly on the edges of 1..256 and of the prefix.
pub fn boundary_len() -> BoxedStrategy<usize> {
    prop_oneof![
        3 => prop::sample::select(vec![0usize, 1, 5, 6, 7, 8, 10, 11, 255, 256, 257, 258, 299]),
        1 => 0usize..300,
    ]
    .boxed()
}

/// The service's own alias characters: `[a-zA-Z0-9/_-]`.
pub fn service_char() -> BoxedStrategy<char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        2 => prop::char::range('A', 'Z'),
        2 => prop::char::range('0', '9'),
        1 => prop::sample::select(vec!['/', '_', '-']),
    ]
    .boxed()
}

/// Any character, drawn from every class the rules tell apart.
pub fn any_class_char() -> BoxedStrategy<char> {
    prop_oneof![
        3 => service_char(),
        2 => Just(':'),
        2 => prop::sample::select(vec!['!', '$', '@', '.', '*', '+', '=', '\\', '#', '%', '\'', '"', '~', '`']),
        1 => prop::sample::select(vec![' ', '\t', '\n', '\r', '\u{0}', '\u{7f}']),
        1 => prop::sample::select(vec!['\u{e9}', '\u{ff}', '\u{100}', '\u{2028}', '\u{4e2d}', '\u{fffd}']),
        // two UTF-16 units each
        1 => prop::sample::select(vec!['\u{1F600}', '\u{10000}', '\u{10FFFF}']),
        1 => any::<char>(),
    ]
    .boxed()
}

/// Prefixes of alias names: right, wrong in letter case, truncated, reserved.
pub fn alias_prefix() -> BoxedStrategy<String> {
    prop::sample::select(vec![
        "alias/",
        "alias/",
        "alias/",
        "alias/aws/",
        "alias/AWS/",
        "alias/Aws/",
        "ALIAS/aws/",
        "alias/aws",
        "alias/awsx/",
        "Alias/",
        "ALIAS/",
        "aLiAs/",
        "alias",
        "alias:",
        "alias//",
        "/alias/",
        "",
        "x",
    ])
    .prop_map(str::to_owned)
    .boxed()
}

/// Fills `prefix` with `chars` up to `len` UTF-16 units (never splitting a
/// surrogate pair), padding with `a` when the characters run out.
fn fill(prefix: String, len: usize, chars: Vec<char>) -> String {
    let mut s = prefix;
    let mut n = utf16_len(&s);
    for c in chars.into_iter().chain(std::iter::repeat('a')) {
        if n >= len {
            break;
        }
        if n + c.len_utf16() > len {
            s.push('a');
            n += 1;
            continue;
        }
        s.push(c);
        n += c.len_utf16();
    }
    s
}

/// Alias names near every boundary: a prefix, then a suffix of service
/// characters (often), of any class (sometimes), or with one odd character
/// at a random place, to a boundary-biased total length.
pub fn alias_name() -> BoxedStrategy<String> {
    let clean = (
        alias_prefix(),
        boundary_len(),
        prop::collection::vec(service_char(), 0..300),
    )
        .prop_map(|(p, n, c)| fill(p, n, c));
    let mixed = (
        alias_prefix(),
        boundary_len(),
        prop::collection::vec(any_class_char(), 0..300),
    )
        .prop_map(|(p, n, c)| fill(p, n, c));
    let one_odd = (
        alias_prefix(),
        boundary_len(),
        prop::collection::vec(service_char(), 0..300),
        any_class_char(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(p, n, c, odd, at)| {
            let s = fill(p, n, c);
            let mut chars: Vec<char> = s.chars().collect();
            if chars.is_empty() {
                return odd.to_string();
            }
            let i = at.index(chars.len());
            chars[i] = odd;
            chars.into_iter().collect()
        });
    prop_oneof![
        4 => clean,
        2 => mixed,
        3 => one_odd,
        1 => alias_prefix(),               // an empty suffix
        1 => any::<String>(),
    ]
    .boxed()
}

/// A well-formed key id: a lowercase UUID or `mrk-` and 32 hex digits.
pub fn key_id() -> BoxedStrategy<String> {
    prop_oneof![
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "mrk-[0-9a-f]{32}",
        // hex in either case, as the validator accepts
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    ]
    .boxed()
}

/// Key ids one edit away from well-formed (and a few classics from LS-snap).
pub fn key_id_near_miss() -> BoxedStrategy<String> {
    let edit = (
        key_id(),
        any::<prop::sample::Index>(),
        any_class_char(),
        0u8..4,
    )
        .prop_map(|(id, at, c, how)| {
            let mut chars: Vec<char> = id.chars().collect();
            let i = at.index(chars.len());
            match how {
                0 => {
                    chars.remove(i);
                }
                1 => chars.insert(i, c),
                2 => chars[i] = c,
                _ => chars.retain(|c| *c != '-'),
            }
            chars.into_iter().collect::<String>()
        });
    prop_oneof![
        4 => edit,
        1 => prop::sample::select(vec![
            "fake-key-id", "134f2428cec14b25a1ae9048164dba47", "mrk-fake-key-id", "mrk-", "",
            "MRK-0123456789abcdef0123456789abcdef", "mrk-0123456789abcdef0123456789abcdef0",
            "mrk-12345678-1234-1234-1234-123456789012",
        ]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// The fields of a KMS ARN, each possibly wrong: (partition, service, region,
/// account, resource type, id).
#[derive(Debug, Clone)]
pub struct ArnParts {
    /// `aws`, ...
    pub partition: String,
    /// `kms`, ...
    pub service: String,
    /// The Region.
    pub region: String,
    /// The account.
    pub account: String,
    /// `key/`, `alias/`, ...
    pub resource_type: String,
    /// The id or alias name suffix.
    pub id: String,
}

impl ArnParts {
    /// The ARN text.
    pub fn text(&self) -> String {
        format!(
            "arn:{}:{}:{}:{}:{}{}",
            self.partition, self.service, self.region, self.account, self.resource_type, self.id
        )
    }
}

/// Key ARNs of `region`/`account` with at most one field wrong, chosen in
/// turn: 0 partition, 1 service, 2 Region, 3 account, 4 resource type, 5 id,
/// 6 none.
pub fn key_arn_parts(region: &'static str, account: &'static str) -> BoxedStrategy<ArnParts> {
    let wrong = |v: Vec<&'static str>| prop::sample::select(v).prop_map(str::to_owned).boxed();
    (
        0usize..7,
        key_id(),
        wrong(vec!["aws-cn", "aws-us-gov", "AWS", "", "aws:x", "aws-iso"]),
        wrong(vec!["KMS", "s3", "", "kms2", "km"]),
        wrong(vec![
            "us-west-2",
            "US-EAST-1",
            "",
            "eu-west-1",
            "cn-north-1",
            "us-gov-west-1",
        ]),
        wrong(vec![
            "999999999999",
            "",
            "11112222333",
            "abc",
            "1111222233334",
        ]),
        wrong(vec!["alias/", "Key/", "keys/", "", "key", "key//", "KEY/"]),
        key_id_near_miss(),
    )
        .prop_map(move |(which, id, p, s, r, a, t, bad_id)| {
            let mut parts = ArnParts {
                partition: super_partition(region).to_owned(),
                service: "kms".into(),
                region: region.into(),
                account: account.into(),
                resource_type: "key/".into(),
                id,
            };
            match which {
                0 => parts.partition = p,
                1 => parts.service = s,
                2 => parts.region = r,
                3 => parts.account = a,
                4 => parts.resource_type = t,
                5 => parts.id = bad_id,
                _ => {}
            }
            parts
        })
        .boxed()
}

/// The partition of a Region, written here again so generators do not lean
/// on the code under test.
pub fn super_partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// Anything a caller might put where a key identifier goes: key ids and
/// near misses, key ARNs with one field wrong, alias names and alias ARNs,
/// and arbitrary text.
pub fn key_identifier(region: &'static str, account: &'static str) -> BoxedStrategy<String> {
    let partition = super_partition(region);
    prop_oneof![
        3 => key_id(),
        3 => key_id_near_miss(),
        4 => key_arn_parts(region, account).prop_map(|p| p.text()),
        2 => alias_name(),
        2 => alias_name().prop_map(move |n| format!("arn:{partition}:kms:{region}:{account}:{n}")),
        1 => "arn:[a-z:/-]{0,30}",
        1 => any::<String>(),
    ]
    .boxed()
}
