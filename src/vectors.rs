//! Labelled test vectors for other implementations: inputs drawn toward the
//! spec's boundaries, each with the answer `src/spec/` gives (accepted, or
//! the error code and status), its clause and its evidence. Emulators in any
//! language unit-test their validators against them without HTTP.
//!
//! Generation is deterministic for a seed (SplitMix64, written here so the
//! committed set does not move with a dependency's version).

use serde::Serialize;
use serde_json::{json, Value};

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
}

impl VectorKind {
    /// Every kind, in the order `vectors` writes them.
    pub const ALL: &'static [VectorKind] = &[
        VectorKind::AliasName,
        VectorKind::KeyId,
        VectorKind::TargetKeyId,
        VectorKind::UpdateAlias,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            VectorKind::AliasName => "alias-name",
            VectorKind::KeyId => "key-id",
            VectorKind::TargetKeyId => "target-key-id",
            VectorKind::UpdateAlias => "update-alias",
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
