//! Labelled test vectors for other implementations: inputs drawn toward the
//! spec's boundaries, each with the answer `src/spec/` gives (accepted, or
//! the error code and status), its clause and its evidence. Emulators in any
//! language unit-test their validators against them without HTTP.
//!
//! The OTC dialect's kinds (`otc-key-alias`, `otc-key-id`) give the answers
//! of `spec::otc` for update-key-alias, with the catalogue's `otc.` clauses.
//!
//! Generation is deterministic for a seed (SplitMix64, written here so the
//! committed set does not move with a dependency's version).

use serde::Serialize;
use serde_json::{json, Value};

use crate::spec::otc::{self, OtcError, DEFAULT_SUFFIX, KEY_ALIAS_MAX};
use crate::spec::shape::Pattern;
use crate::spec::{alias, check_input, check_retarget, Evidence, Fault, KeySpec, Operation};
use crate::spec::{parse_key_ref, Aliases, Scope};

/// What a vector exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorKind {
    /// `AliasName` of CreateAlias.
    AliasName,
    /// `KeyId` of DescribeKey (key ids, ARNs, alias names and alias ARNs).
    KeyId,
    /// `TargetKeyId` of CreateAlias (key ids and key ARNs only).
    TargetKeyId,
    /// UpdateAlias from a key of one spec and usage to another.
    UpdateAlias,
    /// OTC `key_alias` of update-key-alias (and create-key, which checks it alike).
    OtcKeyAlias,
    /// OTC `key_id` of update-key-alias.
    OtcKeyId,
}

impl VectorKind {
    /// Every kind, in the order `vectors` writes them.
    pub const ALL: &'static [VectorKind] = &[
        VectorKind::AliasName,
        VectorKind::KeyId,
        VectorKind::TargetKeyId,
        VectorKind::UpdateAlias,
        VectorKind::OtcKeyAlias,
        VectorKind::OtcKeyId,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            VectorKind::AliasName => "alias-name",
            VectorKind::KeyId => "key-id",
            VectorKind::TargetKeyId => "target-key-id",
            VectorKind::UpdateAlias => "update-alias",
            VectorKind::OtcKeyAlias => "otc-key-alias",
            VectorKind::OtcKeyId => "otc-key-id",
        }
    }

    /// Looks a kind up by its name.
    pub fn from_name(name: &str) -> Option<VectorKind> {
        VectorKind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

/// One labelled input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vector {
    /// The kind's name.
    pub kind: &'static str,
    /// The operation whose answer is given.
    pub operation: &'static str,
    /// The request member(s) under test.
    pub input: Value,
    /// What the service answers.
    pub expected: Expected,
    /// The spec clause that decides it.
    pub clause: String,
    /// How sure that answer is (`recorded`, `documented`, `inferred`).
    pub evidence: &'static str,
}

/// The answer to a vector's input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected {
    /// Whether validation accepts it (a key that passes may still not exist).
    pub accepted: bool,
    /// The error code when refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// The HTTP status when refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The message, when the spec gives one (exact only where `evidence` is `recorded`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The Region and account vectors are written for.
pub const REGION: &str = "us-east-1";
/// The account vectors are written for.
pub const ACCOUNT: &str = "111122223333";

/// `count` vectors of `kind` for `seed`, the same every time.
pub fn generate(kind: VectorKind, count: usize, seed: u64) -> Vec<Vector> {
    let mut rng = SplitMix(seed ^ (kind as u64).wrapping_mul(0x9e37_79b9));
    (0..count).map(|_| one(kind, &mut rng)).collect()
}

fn one(kind: VectorKind, rng: &mut SplitMix) -> Vector {
    let scope = Scope {
        region: REGION.into(),
        account: ACCOUNT.into(),
    };
    match kind {
        VectorKind::AliasName => {
            let name = alias_name(rng);
            let verdict = alias::verdict(&name);
            labelled(
                kind,
                Operation::CreateAlias,
                json!({ "AliasName": name }),
                "AliasName",
                verdict,
            )
        }
        VectorKind::KeyId => {
            let id = key_identifier(rng, &scope);
            let body = json!({ "KeyId": id });
            let verdict = check_input(Operation::DescribeKey, &body)
                .and_then(|()| parse_key_ref(&id, &scope, Aliases::Resolve).map(drop));
            labelled(kind, Operation::DescribeKey, body, "KeyId", verdict)
        }
        VectorKind::TargetKeyId => {
            let id = key_identifier(rng, &scope);
            let body = json!({ "AliasName": "alias/example", "TargetKeyId": id });
            let verdict = check_input(Operation::CreateAlias, &body)
                .and_then(|()| parse_key_ref(&id, &scope, Aliases::RefuseAsTarget).map(drop));
            labelled(
                kind,
                Operation::CreateAlias,
                json!({ "TargetKeyId": id }),
                "TargetKeyId",
                verdict,
            )
        }
        VectorKind::UpdateAlias => {
            let pairs: Vec<_> = KeySpec::ALL
                .iter()
                .flat_map(|s| s.allowed_usages().iter().map(move |u| (*s, *u)))
                .collect();
            let current = pairs[rng.below(pairs.len())];
            let new = pairs[rng.below(pairs.len())];
            let input = json!({
                "AliasName": "alias/example",
                "CurrentKey": {"KeySpec": current.0.name(), "KeyUsage": current.1.name()},
                "NewKey": {"KeySpec": new.0.name(), "KeyUsage": new.1.name()},
            });
            let verdict = check_retarget("alias/example", current, new);
            labelled(
                kind,
                Operation::UpdateAlias,
                input,
                "TargetKeyId.family",
                verdict,
            )
        }
        VectorKind::OtcKeyAlias => {
            let alias = otc_key_alias(rng);
            let verdict = otc::check_key_alias(&alias);
            let rule = otc_alias_rule(&alias, verdict.is_ok());
            let evidence = if rule == "default-suffix" {
                Evidence::Inferred
            } else {
                Evidence::Documented
            };
            otc_labelled(
                kind,
                json!({ "key_alias": alias }),
                &format!("key-alias.{rule}"),
                evidence,
                verdict,
            )
        }
        VectorKind::OtcKeyId => {
            let id = otc_key_id(rng);
            let verdict = otc::check_key_id(&id);
            otc_labelled(
                kind,
                json!({ "key_id": id }),
                "key-id.format",
                Evidence::Documented,
                verdict,
            )
        }
    }
}

/// The OTC action the OTC kinds answer for.
pub const OTC_OPERATION: &str = "update-key-alias";

fn otc_labelled(
    kind: VectorKind,
    input: Value,
    rule: &str,
    evidence: Evidence,
    verdict: Result<(), OtcError>,
) -> Vector {
    let expected = match verdict {
        Ok(()) => Expected {
            accepted: true,
            code: None,
            status: None,
            message: None,
        },
        Err(e) => Expected {
            accepted: false,
            code: Some(e.code()),
            status: Some(e.status()),
            message: Some(e.message().to_owned()),
        },
    };
    Vector {
        kind: kind.name(),
        operation: OTC_OPERATION,
        input,
        expected,
        clause: format!("otc.{rule}"),
        evidence: evidence.name(),
    }
}

/// The key_alias rule a vector is about: the first that refuses it (the
/// length 1..255, the character set, the `/default` suffix), or, for an
/// accepted one, the edge it was drawn toward (a near miss of the suffix,
/// a length on the edge, else the character set).
fn otc_alias_rule(alias: &str, accepted: bool) -> &'static str {
    let len = alias.chars().count();
    let length_edge = len == 0 || len > KEY_ALIAS_MAX;
    let chars_ok = alias.chars().all(|c| Pattern::AliasName.allows(c));
    if !accepted {
        return if length_edge {
            "length"
        } else if !chars_ok {
            "pattern"
        } else {
            "default-suffix"
        };
    }
    if alias.to_ascii_lowercase().contains("default") {
        "default-suffix"
    } else if len == 1 || len >= KEY_ALIAS_MAX - 1 {
        "length"
    } else {
        "pattern"
    }
}

/// OTC key_aliases: lengths on the edges of 1..255 (0, 1, 254, 255, 256)
/// or short, the allowed characters, sometimes one forbidden one, and the
/// `/default` suffix or a near miss of it.
fn otc_key_alias(rng: &mut SplitMix) -> String {
    const SUFFIXES: &[&str] = &[
        "",
        "",
        "",
        DEFAULT_SUFFIX,
        DEFAULT_SUFFIX,
        "/defaults",
        "/Default",
        "/DEFAULT",
        "default",
        "/default/",
        "-default",
    ];
    const ALLOWED: &[&str] = &["abcxyz", "ABCXYZ", "0189", ":/_-"];
    const FORBIDDEN: &[char] = &[' ', '.', '!', '@', '\\', '\t', 'é', '日', '😀'];
    let suffix = SUFFIXES[rng.below(SUFFIXES.len())];
    let total = match rng.below(8) {
        0 => 0,
        1 => 1,
        2 => 254,
        3 => 255,
        4 => 256,
        _ => suffix.len() + 1 + rng.below(24),
    };
    let mut chars: Vec<char> = Vec::new();
    while chars.len() + suffix.len() < total {
        let class: Vec<char> = ALLOWED[rng.below(ALLOWED.len())].chars().collect();
        chars.push(class[rng.below(class.len())]);
    }
    chars.extend(suffix.chars());
    // One alias in five gets a forbidden character.
    if rng.below(5) == 0 && !chars.is_empty() {
        let at = rng.below(chars.len());
        chars[at] = FORBIDDEN[rng.below(FORBIDDEN.len())];
    }
    chars.into_iter().collect()
}

/// OTC key ids (lowercase letters and digits in 8-4-4-4-12, so `g`..`z`
/// too), and ones a step off: uppercase, a group short or long, no dashes,
/// AWS's `mrk-` ids and ARNs, a forbidden character, empty.
fn otc_key_id(rng: &mut SplitMix) -> String {
    const ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let group = |n: usize, rng: &mut SplitMix| -> String {
        (0..n)
            .map(|_| char::from(ALNUM[rng.below(ALNUM.len())]))
            .collect()
    };
    let mut groups: Vec<String> = [8, 4, 4, 4, 12].iter().map(|n| group(*n, rng)).collect();
    let id = groups.join("-");
    match rng.below(12) {
        0..=3 => id,
        4 => id.to_uppercase(),
        5 => {
            let g = rng.below(5);
            groups[g].push('a');
            groups.join("-")
        }
        6 => {
            let g = rng.below(5);
            groups[g].pop();
            groups.join("-")
        }
        7 => id.replace('-', ""),
        8 => format!("mrk-{:016x}{:016x}", rng.next(), rng.next()),
        9 => format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"),
        10 => {
            let at = rng.below(id.len());
            let odd = ['_', ' ', '.', 'G', 'é'][rng.below(5)];
            id.chars()
                .enumerate()
                .map(|(i, c)| if i == at { odd } else { c })
                .collect()
        }
        _ => String::new(),
    }
}

fn labelled(
    kind: VectorKind,
    op: Operation,
    input: Value,
    member: &str,
    verdict: Result<(), Fault>,
) -> Vector {
    let (expected, evidence, rule) = match verdict {
        Ok(()) => (
            Expected {
                accepted: true,
                code: None,
                status: None,
                message: None,
            },
            Evidence::Documented,
            "accepted".to_owned(),
        ),
        Err(f) => (
            Expected {
                accepted: false,
                code: Some(f.code().name()),
                status: Some(f.status()),
                message: f.message(),
            },
            f.evidence(),
            fault_rule(&f),
        ),
    };
    Vector {
        kind: kind.name(),
        operation: op.name(),
        input,
        expected,
        clause: format!("{}.{member}.{rule}", op.name()),
        evidence: evidence.name(),
    }
}

/// The rule a fault stands for, in the clause's last segment.
fn fault_rule(f: &Fault) -> String {
    let debug = format!("{f:?}");
    let variant = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("rejected");
    let mut out = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Names biased to the boundaries: lengths around 1 and 256, every
/// character class, prefixes in several letter cases, `:`, empty suffixes.
fn alias_name(rng: &mut SplitMix) -> String {
    const PREFIXES: &[&str] = &[
        "alias/",
        "alias/",
        "alias/",
        "alias/aws/",
        "Alias/",
        "ALIAS/",
        "alias/AWS/",
        "alias",
        "alias:",
        "",
        "aliasx/",
        "alias/aws",
    ];
    const CLASSES: &[&str] = &[
        "abcxyz", "ABCXYZ", "0189", "/", "_", "-", ":", " ", ".", "é", "ß", "日", "😀", "\t",
    ];
    let prefix = PREFIXES[rng.below(PREFIXES.len())];
    let total = match rng.below(6) {
        0 => rng.below(8),
        1 => 250 + rng.below(10),
        2 => 256,
        3 => 257,
        _ => prefix.chars().count() + 1 + rng.below(24),
    };
    let mut name = prefix.to_owned();
    while name.encode_utf16().count() < total {
        let class: Vec<char> = CLASSES[rng.below(3)].chars().collect();
        name.push(class[rng.below(class.len())]);
    }
    // One name in three gets a single character of another class.
    if rng.below(3) == 0 && name.len() > prefix.len() {
        let odd: Vec<char> = CLASSES[3 + rng.below(CLASSES.len() - 3)].chars().collect();
        let at = prefix.chars().count() + rng.below(name.chars().count() - prefix.chars().count());
        name = name
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i == at {
                    odd[rng.below(odd.len())]
                } else {
                    c
                }
            })
            .collect();
    }
    name
}

/// Key identifiers in every form, with each field of an ARN wrong in turn.
fn key_identifier(rng: &mut SplitMix, scope: &Scope) -> String {
    let id = format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        rng.next() as u32,
        rng.next() as u16,
        rng.next() as u16,
        rng.next() as u16,
        rng.next() & 0xffff_ffff_ffff
    );
    let mrk = format!("mrk-{:016x}{:016x}", rng.next(), rng.next());
    let arn = |partition: &str, service: &str, region: &str, account: &str, resource: &str| {
        format!("arn:{partition}:{service}:{region}:{account}:{resource}")
    };
    let (r, a) = (scope.region.as_str(), scope.account.as_str());
    match rng.below(16) {
        0 => id,
        1 => mrk,
        2 => arn("aws", "kms", r, a, &format!("key/{id}")),
        3 => arn("aws", "kms", r, a, &format!("key/{mrk}")),
        4 => arn("aws-cn", "kms", r, a, &format!("key/{id}")),
        5 => arn("aws", "s3", r, a, &format!("key/{id}")),
        6 => arn("aws", "kms", "eu-west-1", a, &format!("key/{id}")),
        7 => arn("aws", "kms", r, "999999999999", &format!("key/{id}")),
        8 => arn("aws", "kms", r, a, &format!("secret/{id}")),
        9 => arn("aws", "kms", r, a, "key/not-a-key-id"),
        10 => "alias/example".into(),
        11 => arn("aws", "kms", r, a, "alias/example"),
        12 => String::new(),
        13 => "x".repeat(2048 + rng.below(2)),
        14 => id.to_uppercase(),
        _ => id.replace('-', ""),
    }
}

/// SplitMix64: a small, fixed generator, so a seed means the same vectors
/// in every version of this tool.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The vectors as JSON Lines.
pub fn to_json_lines(vectors: &[Vector]) -> String {
    let mut out = String::new();
    for v in vectors {
        out.push_str(&serde_json::to_string(v).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_vectors_and_both_sides_appear() {
        for kind in VectorKind::ALL {
            let a = generate(*kind, 200, 7);
            assert_eq!(a, generate(*kind, 200, 7));
            assert_ne!(a, generate(*kind, 200, 8));
            assert!(a.iter().any(|v| v.expected.accepted), "{kind:?}");
            assert!(a.iter().any(|v| !v.expected.accepted), "{kind:?}");
        }
    }

    #[test]
    fn answers_come_from_the_spec() {
        let v = generate(VectorKind::AliasName, 500, 1);
        let long = v
            .iter()
            .find(|v| {
                v.input["AliasName"].as_str().is_some_and(|n| {
                    n.starts_with("alias/")
                        && n.encode_utf16().count() == 257
                        && n[6..].chars().all(|c| c.is_ascii_alphanumeric())
                })
            })
            .expect("a 257-unit name");
        assert_eq!(long.expected.code, Some("ValidationException"));
        assert_eq!(long.expected.status, Some(400));
        assert!(long.clause.starts_with("CreateAlias.AliasName."));
    }
}
