//! The steps of a sequence and their arguments, and the values they draw
//! from. A generator (proptest's or the fuzz target's) picks among these;
//! the model gives every pick its meaning.

use std::sync::LazyLock;

use crate::spec::{KeySpec, KeyState, KeyUsage, Origin};

/// Alias names the steps draw from, by index: valid ones that collide
/// (`alias/b` and `alias/B` are two names), then one of each way to be wrong
/// (reserved, letter case of the prefix, no suffix, `:`, a bad character,
/// empty, 256 and 257 UTF-16 units).
pub static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut v: Vec<String> = [
        "alias/a",
        "alias/b",
        "alias/B",
        "alias/c/d",
        "alias/x_y-z",
        "alias/aws/ebs",
        "alias/aws/mine",
        "alias/AWS/x",
        "Alias/a",
        "alias/",
        "alias/a:b",
        "alias/a!b",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(format!("alias/{}", "n".repeat(250))); // 256 units
    v.push(format!("alias/{}", "n".repeat(251))); // 257
    v
});

/// How many of [`NAMES`] (the first) are valid names a client would use.
pub const VALID_NAMES: usize = 5;

/// `PendingWindowInDays` values ScheduleKeyDeletion accepts (7..=30).
pub const WINDOWS: &[i64] = &[7, 15, 30];
/// `PendingWindowInDays` values it refuses: past the framework's 1..=365 or
/// the service's 7..=30.
pub const BAD_WINDOWS: &[i64] = &[0, 6, 31, 366];
/// ListAliases `Limit` values on either side of the page sizes (50, 100).
pub const LIMITS: &[i64] = &[1, 2, 3, 7, 14, 50, 100, 101, 1000];
/// `Limit` values outside 1..=1000.
pub const BAD_LIMITS: &[i64] = &[0, -1, 1001];
/// Markers that are not the service's: not base64, base64 of not JSON, JSON
/// of the wrong shape.
pub const GARBAGE_MARKERS: &[&str] = &["!!!", "bm90IGpzb24=", "eyJhIjoieCIsImIiOiJ5In0="];
/// Alias counts of [`Step::CreateAliases`]: on either side of the quota of 50.
pub const FILL_COUNTS: &[usize] = &[1, 10, 49, 50, 51];

/// How a [`KeyArg`] writes its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// The bare key id.
    Id,
    /// The key ARN.
    Arn,
    /// A key ARN in another Region.
    OtherRegionArn,
    /// A key ARN in another account.
    OtherAccountArn,
    /// The empty string.
    Empty,
    /// Text that is no key id (`fake-key-id`).
    Malformed,
    /// A key ARN whose key id is malformed.
    ArnBadId,
    /// The alias name [`NAMES`]`[n]` (the key is not used).
    AliasName(usize),
    /// The alias ARN of [`NAMES`]`[n]` (the key is not used).
    AliasArn(usize),
}

/// A key identifier: key number `key` (past the last key: one that does not
/// exist) written in `form`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyArg {
    /// The key's number, in creation order.
    pub key: usize,
    /// How it is written.
    pub form: Form,
}

/// The `KeySpec` member of a CreateKey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecArg {
    /// A spec the service knows.
    Known(KeySpec),
    /// A value outside the enum (`HMAC_random`).
    Unknown,
}

/// The `Marker` member of a ListAliases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerArg {
    /// The `NextMarker` of the latest ListAliases, if it had one (else no
    /// marker is sent).
    Last,
    /// A marker of the service's form resuming after [`NAMES`]`[n]`.
    After(usize),
    /// A marker that is not the service's (one of [`GARBAGE_MARKERS`]).
    Garbage(&'static str),
    /// The empty string.
    Empty,
    /// A character outside the marker pattern (`U+0100`).
    Wide,
}

/// One step of a sequence. Name indices are into [`NAMES`]; key numbers
/// count keys in creation order, and one past the last is a key that does
/// not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// CreateKey; every member optional.
    CreateKey {
        /// `KeySpec`.
        spec: Option<SpecArg>,
        /// `KeyUsage`.
        usage: Option<KeyUsage>,
        /// `Origin`.
        origin: Option<Origin>,
        /// `MultiRegion: true` (else absent).
        multi_region: bool,
    },
    /// EnableKey.
    EnableKey(KeyArg),
    /// DisableKey.
    DisableKey(KeyArg),
    /// ScheduleKeyDeletion, with `PendingWindowInDays` if given.
    ScheduleKeyDeletion(KeyArg, Option<i64>),
    /// CancelKeyDeletion.
    CancelKeyDeletion(KeyArg),
    /// The reference's control endpoint: key number `.0` is put in state
    /// `.1`, for states the API cannot reach.
    SetKeyState(usize, KeyState),
    /// CreateAlias of name `.0` to `.1`.
    CreateAlias(usize, KeyArg),
    /// `.1` CreateAlias requests, of fresh names `alias/fill/NNN`, to key
    /// number `.0` by id.
    CreateAliases(usize, usize),
    /// UpdateAlias of name `.0` to `.1`.
    UpdateAlias(usize, KeyArg),
    /// DeleteAlias of name `.0`.
    DeleteAlias(usize),
    /// ListAliases with `KeyId`, `Limit` and `Marker`, each if given.
    ListAliases(Option<KeyArg>, Option<i64>, Option<MarkerArg>),
    /// DescribeKey.
    DescribeKey(KeyArg),
}
