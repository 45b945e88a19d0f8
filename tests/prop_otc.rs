//! The OTC dialect's validators (`spec::otc`) against oracles written from
//! spec G (regexes from the docs' text, parsing, plain loops over the member
//! rules), `Route::parse` against a path regex, and the reference's
//! `answer_otc` against arbitrary requests: never a panic, always a 200
//! object or the envelope of a catalogued error with its status.
//!
//! Strategies lean on the edges: key_alias lengths 0, 1, 254, 255, 256, the
//! `/default` suffix and its near misses, key ids one character or one group
//! off, pending_days around 7 and 1096 with signs, spaces and leading zeros.

mod gen;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use bytes::Bytes;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use regex::Regex;
use serde_json::{Map, Value};

use kms_alias_conformance::reference::{Config, RawRequest, Service};
use kms_alias_conformance::spec::otc::{
    check_key_alias, check_key_id, check_pending_days, check_request, check_sequence, is_key_id,
    key_spec_from_name, state_code, state_from_code, Action, OtcError, Route, DEFAULT_SUFFIX,
    KEY_ALIAS_MAX,
};
use kms_alias_conformance::spec::KeyState;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap()
}

/// Spec G's key_alias regex.
static ALIAS_RE: LazyLock<Regex> = LazyLock::new(|| re(r"^[a-zA-Z0-9:/_-]{1,255}$"));
/// Spec G's key_id regex.
static KEY_ID_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$"));
/// `sequence`: 36 bytes, as the docs' UUID example has them.
static SEQUENCE_RE: LazyLock<Regex> = LazyLock::new(|| re(r"^[a-zA-Z0-9-]{36}$"));

/// The key_alias oracle: the regex, then "names ending in `/default` are
/// reserved for Default Master Keys" (spec G). Both fail as KMS.1101.
fn alias_oracle(alias: &str) -> Result<(), OtcError> {
    if ALIAS_RE.is_match(alias) && !alias.ends_with("/default") {
        Ok(())
    } else {
        Err(OtcError::InvalidKeyAlias)
    }
}

/// pending_days: a decimal string of the days 7..=1096 (no sign, no space).
fn pending_days_oracle(s: &str) -> Result<u32, OtcError> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(OtcError::InvalidPendingDays);
    }
    match s.parse::<u128>() {
        Ok(n) if (7..=1096).contains(&n) => Ok(n as u32),
        _ => Err(OtcError::InvalidPendingDays),
    }
}

// ---- strategies ----

fn alias_char() -> BoxedStrategy<char> {
    prop_oneof![
        6 => prop::char::range('a', 'z'),
        2 => prop::char::range('A', 'Z'),
        2 => prop::char::range('0', '9'),
        2 => prop::sample::select(vec![':', '/', '_', '-']),
    ]
    .boxed()
}

fn forbidden_char() -> BoxedStrategy<char> {
    prop::sample::select(vec![
        ' ', '.', '!', '@', '*', '+', '=', '\\', '\t', '\n', '\u{0}', 'é', 'ß', '日', '😀', 'Ａ',
    ])
    .boxed()
}

/// key_aliases: a total length on the edges (0, 1, 254, 255, 256) or
/// anywhere to 300, a suffix from the `/default` family, and sometimes one
/// forbidden character.
fn key_alias() -> BoxedStrategy<String> {
    let total = prop_oneof![
        4 => prop::sample::select(vec![0usize, 1, 2, 8, 9, 254, 255, 256, 257]),
        1 => 0usize..300,
    ];
    let suffix = prop::sample::select(vec![
        "",
        "",
        "",
        "/default",
        "/default",
        "/defaults",
        "/Default",
        "/DEFAULT",
        "default",
        "/default/",
        "x/default",
        "/default ",
    ]);
    let odd = prop::option::weighted(0.2, (forbidden_char(), any::<prop::sample::Index>()));
    (total, suffix, prop::collection::vec(alias_char(), 300), odd)
        .prop_map(|(total, suffix, chars, odd)| {
            let fill = total.saturating_sub(suffix.chars().count());
            let mut s: Vec<char> = chars[..fill].to_vec();
            s.extend(suffix.chars());
            if let Some((c, at)) = odd {
                if !s.is_empty() {
                    let i = at.index(s.len());
                    s[i] = c;
                }
            }
            s.into_iter().collect()
        })
        .boxed()
}

fn key_id() -> BoxedStrategy<String> {
    "[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}".boxed()
}

/// Key ids one step off: a character swapped for another class, a group a
/// character short or long, a dash moved or gone, AWS's other forms.
fn key_id_near_miss() -> BoxedStrategy<String> {
    let swapped = (
        key_id(),
        0usize..36,
        prop::sample::select(vec!['A', 'Z', 'G', '-', '_', ' ', 'é', '0', 'z']),
    )
        .prop_map(|(id, i, c)| {
            id.chars()
                .enumerate()
                .map(|(j, x)| if i == j { c } else { x })
                .collect()
        });
    let resized = (key_id(), 0usize..5, any::<bool>()).prop_map(|(id, g, longer)| {
        let mut groups: Vec<String> = id.split('-').map(str::to_owned).collect();
        if longer {
            groups[g].push('a');
        } else {
            groups[g].pop();
        }
        groups.join("-")
    });
    prop_oneof![
        3 => swapped,
        3 => resized,
        1 => key_id().prop_map(|id| id.replace('-', "")),
        1 => key_id().prop_map(|id| id.to_uppercase()),
        1 => key_id().prop_map(|id| format!("{id}\n")),
        1 => "mrk-[0-9a-f]{32}",
        1 => key_id().prop_map(|id| format!("arn:aws:kms:us-east-1:111122223333:key/{id}")),
    ]
    .boxed()
}

fn pending_days() -> BoxedStrategy<String> {
    prop_oneof![
        4 => (0u32..1200).prop_map(|n| n.to_string()),
        3 => prop::sample::select(vec![
            "6", "7", "8", "1095", "1096", "1097", "0", "", "+7", "-7", " 7", "7 ", "7.0",
            "0007", "00007", "01096", "000000000000000000000007", "99999999999", "4294967303",
            "٧", "１０", "1e3", "0x10",
        ])
        .prop_map(str::to_owned),
        1 => "[0-9+ -]{0,6}",
        1 => any::<String>(),
    ]
    .boxed()
}

fn sequence() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        2 => "[a-zA-Z0-9-]{35,37}",
        2 => ("[a-zA-Z0-9-]{35}", prop::sample::select(vec!["!", " ", "_", "é", "a", "Z"]))
            .prop_map(|(s, c)| format!("{s}{c}")),
        1 => any::<String>(),
    ]
    .boxed()
}

// ---- the request oracle ----

/// The member rules of spec G and the OTC API pages, written out: which
/// members each action requires, and each member's check, in the order
/// `check_request` documents (key_id, key_alias, key_spec, key_usage,
/// key_description, origin, pending_days, limit, marker, key_state,
/// sequence). Every member is a string; another type is KMS.0214.
fn request_oracle(action: Action, body: &[u8]) -> Result<(), OtcError> {
    use Action::*;
    let members: Map<String, Value> = if body.iter().all(|b| b.is_ascii_whitespace()) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            _ => return Err(OtcError::InvalidJson),
        }
    };
    let required: &[&str] = match action {
        CreateKey => &["key_alias"],
        UpdateKeyAlias => &["key_id", "key_alias"],
        ScheduleKeyDeletion => &["key_id", "pending_days"],
        ListKeys => &[],
        _ => &["key_id"],
    };
    if required.iter().any(|m| !members.contains_key(*m)) {
        return Err(OtcError::MissingParameters);
    }
    type Rule = fn(Action, &str) -> Result<(), OtcError>;
    let rules: &[(&str, &[Action], Rule)] = &[
        ("key_id", Action::ALL, |a, s| {
            let by_alias = a == DescribeKey
                && s.strip_prefix("alias/")
                    .is_some_and(|x| alias_oracle(x).is_ok() || x.ends_with("/default"));
            if by_alias || KEY_ID_RE.is_match(s) {
                Ok(())
            } else {
                Err(OtcError::InvalidKeyId)
            }
        }),
        ("key_alias", &[CreateKey, UpdateKeyAlias], |_, s| {
            alias_oracle(s)
        }),
        ("key_spec", &[CreateKey], |_, s| {
            let specs = [
                "AES_256", "RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384", "HMAC_256",
                "HMAC_384", "HMAC_512",
            ];
            if specs.contains(&s) {
                Ok(())
            } else {
                Err(OtcError::InvalidParameter)
            }
        }),
        ("key_usage", &[CreateKey], |_, _| Ok(())),
        ("key_description", &[CreateKey], |_, s| {
            if s.chars().count() <= 255 {
                Ok(())
            } else {
                Err(OtcError::InvalidKeyDescription)
            }
        }),
        ("origin", &[CreateKey], |_, s| {
            if s == "kms" || s == "external" {
                Ok(())
            } else {
                Err(OtcError::InvalidParameter)
            }
        }),
        ("pending_days", &[ScheduleKeyDeletion], |_, s| {
            pending_days_oracle(s).map(drop)
        }),
        ("limit", &[ListKeys], |_, s| {
            let digits = !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
            if digits && s.parse::<u64>().is_ok_and(|n| n >= 1) {
                Ok(())
            } else {
                Err(OtcError::InvalidLimit)
            }
        }),
        ("marker", &[ListKeys], |_, s| {
            let digits = !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
            if digits {
                Ok(())
            } else {
                Err(OtcError::InvalidMarker)
            }
        }),
        ("key_state", &[ListKeys], |_, s| {
            if ["1", "2", "3", "4", "5"].contains(&s) {
                Ok(())
            } else {
                Err(OtcError::InvalidParameter)
            }
        }),
        ("sequence", Action::ALL, |_, s| {
            if SEQUENCE_RE.is_match(s) {
                Ok(())
            } else {
                Err(OtcError::InvalidSequence)
            }
        }),
    ];
    for (name, actions, rule) in rules {
        if !actions.contains(&action) {
            continue;
        }
        match members.get(*name) {
            None => {}
            Some(Value::String(s)) => rule(action, s)?,
            Some(_) => return Err(OtcError::InvalidFormat),
        }
    }
    Ok(())
}

const MEMBERS: &[&str] = &[
    "key_id",
    "key_alias",
    "key_spec",
    "key_usage",
    "key_description",
    "origin",
    "pending_days",
    "sequence",
    "limit",
    "marker",
    "key_state",
    "unknown_member",
];

/// A member value: one drawn for the member's own rule, or another's, or
/// not a string.
fn member_value() -> BoxedStrategy<Value> {
    let words = prop::sample::select(vec![
        "",
        "AES_256",
        "RSA_4096",
        "HMAC_512",
        "AES_128",
        "aes_256",
        "ENCRYPT_DECRYPT",
        "SIGN_VERIFY",
        "kms",
        "external",
        "KMS",
        "1",
        "2",
        "5",
        "6",
        "0",
        "-1",
        "10",
        "0001",
        "1234567890",
        "alias/evs/default",
        "alias/a",
        "alias/x/default",
        "alias/",
        "alias/a b",
    ]);
    prop_oneof![
        3 => key_alias().prop_map(Value::String),
        3 => prop_oneof![key_id(), key_id_near_miss()].prop_map(Value::String),
        2 => pending_days().prop_map(Value::String),
        2 => sequence().prop_map(Value::String),
        3 => words.prop_map(|w| Value::String(w.to_owned())),
        1 => "[a-z ]{250,260}".prop_map(Value::String),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
        1 => Just(serde_json::json!(["a"])),
        1 => Just(serde_json::json!({"a": "b"})),
    ]
    .boxed()
}

fn action() -> impl Strategy<Value = Action> {
    prop::sample::select(Action::ALL.to_vec())
}

/// Request bodies: mostly objects of the dialect's members (each action's
/// required ones present more often than not), else any JSON or bytes.
fn body() -> BoxedStrategy<Vec<u8>> {
    let object = prop::collection::vec(
        (prop::sample::select(MEMBERS.to_vec()), member_value()),
        0..6,
    )
    .prop_map(|members| {
        let map: Map<String, Value> = members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        Value::Object(map).to_string().into_bytes()
    });
    let required_first = (
        prop::sample::select(vec!["key_id", "key_alias", "pending_days"]),
        prop::collection::vec(
            (prop::sample::select(MEMBERS.to_vec()), member_value()),
            1..5,
        ),
        prop_oneof![key_id(), key_alias()],
    )
        .prop_map(|(first, members, id)| {
            let mut map = Map::new();
            map.insert("key_id".into(), Value::String(id.clone()));
            map.insert(first.into(), Value::String(id));
            for (k, v) in members {
                map.insert(k.to_owned(), v);
            }
            Value::Object(map).to_string().into_bytes()
        });
    prop_oneof![
        5 => object,
        3 => required_first,
        1 => Just(Vec::new()),
        1 => prop::sample::select(vec![" ", "\n\t", "{", "[]", "null", "\"x\"", "7", "{}", "{\"key_id\":}"])
            .prop_map(|s| s.as_bytes().to_vec()),
        1 => any::<Vec<u8>>(),
    ]
    .boxed()
}

fn path() -> BoxedStrategy<String> {
    let names: Vec<&'static str> = Action::ALL.iter().map(|a| a.name()).collect();
    let segment = prop_oneof![
        3 => prop::sample::select(names).prop_map(str::to_owned),
        1 => prop::sample::select(vec!["", "Create-Key", "create-alias", "create-key/", "kms"])
            .prop_map(str::to_owned),
        1 => "[a-z/?-]{0,12}",
    ];
    prop_oneof![
        4 => (
            prop::sample::select(vec!["v1.0", "v1.0", "v1", "v2.0", "V1.0", ""]),
            prop_oneof!["[a-z0-9]{1,12}", "[a-z0-9/?.]{0,8}"],
            prop::sample::select(vec!["kms", "kms", "KMS", ""]),
            segment,
            prop::option::of("[a-z=&/?]{0,8}"),
        )
            .prop_map(|(v, p, k, s, q)| {
                let q = q.map(|q| format!("?{q}")).unwrap_or_default();
                format!("/{v}/{p}/{k}/{s}{q}")
            }),
        1 => prop::sample::select(vec!["/", "", "/v1.0", "/v1.0/", "//", "/v1.0/p/kms", "/v1.0//kms/create-key"])
            .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(gen::config(2000))]

    #[test]
    fn key_alias_agrees_with_the_regex_and_the_suffix_rule(alias in key_alias()) {
        let got = check_key_alias(&alias);
        prop_assert_eq!(got, alias_oracle(&alias), "{:?}", alias);
        if let Err(e) = got {
            prop_assert_eq!((e.code(), e.status()), ("KMS.1101", 400));
        }
    }

    #[test]
    fn key_id_agrees_with_the_regex(s in prop_oneof![key_id(), key_id_near_miss(), any::<String>()]) {
        let want = KEY_ID_RE.is_match(&s);
        prop_assert_eq!(is_key_id(&s), want, "{:?}", s);
        prop_assert_eq!(check_key_id(&s), if want { Ok(()) } else { Err(OtcError::InvalidKeyId) });
    }

    #[test]
    fn pending_days_agree_with_parsing(s in pending_days()) {
        prop_assert_eq!(check_pending_days(&s), pending_days_oracle(&s), "{:?}", s);
    }

    #[test]
    fn sequences_agree_with_the_regex(s in sequence()) {
        let want = if SEQUENCE_RE.is_match(&s) { Ok(()) } else { Err(OtcError::InvalidSequence) };
        prop_assert_eq!(check_sequence(&s), want, "{:?}", s);
    }

    #[test]
    fn key_state_codes_round_trip(s in prop_oneof![
        prop::sample::select(vec!["0", "1", "2", "3", "4", "5", "6", "01", "1 ", "22", "", "٣"]).prop_map(str::to_owned),
        any::<String>(),
    ]) {
        let state = state_from_code(&s);
        prop_assert_eq!(state.is_some(), re(r"^[1-5]$").is_match(&s), "{:?}", s);
        if let Some(st) = state {
            prop_assert_eq!(state_code(st), s.as_str());
        }
    }

    #[test]
    fn request_members_agree_with_the_oracle(a in action(), body in body()) {
        let got = check_request(a, &body);
        prop_assert_eq!(got.clone().map(drop), request_oracle(a, &body), "{} {:?}", a, String::from_utf8_lossy(&body));
        if let Ok(checked) = got {
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let text = |m: &str| v.get(m).and_then(Value::as_str).map(str::to_owned);
            prop_assert_eq!(checked.key_id, text("key_id"));
            if matches!(a, Action::CreateKey | Action::UpdateKeyAlias) {
                prop_assert_eq!(checked.key_alias, text("key_alias"));
            }
            if a == Action::CreateKey {
                prop_assert_eq!(checked.key_spec, text("key_spec").and_then(|s| key_spec_from_name(&s)));
            }
            if a == Action::ScheduleKeyDeletion {
                prop_assert_eq!(checked.pending_days, text("pending_days").and_then(|s| pending_days_oracle(&s).ok()));
            }
        }
    }

    #[test]
    fn request_checks_never_panic_on_bytes(body in any::<Vec<u8>>()) {
        for a in Action::ALL {
            let got = check_request(*a, &body);
            prop_assert_eq!(got.map(drop), request_oracle(*a, &body));
        }
    }

    #[test]
    fn routes_agree_with_the_path_regex(p in path()) {
        static PATH_RE: LazyLock<Regex> =
            LazyLock::new(|| re(r"(?s)^/v1\.0/([^/?]+)/kms/([^/?]*)(?:\?.*)?$"));
        static OTC_RE: LazyLock<Regex> = LazyLock::new(|| re(r"(?s)^/v1\.0/[^/?]*/kms(?:[/?].*)?$"));
        let route = Route::parse(&p);
        let want = PATH_RE
            .captures(&p)
            .and_then(|c| Action::from_name(c.get(2).unwrap().as_str()).map(|a| (c.get(1).unwrap().as_str(), a)));
        match (&route, want) {
            (Route::Action { project_id, action }, Some((pid, a))) => {
                prop_assert_eq!(*project_id, pid);
                prop_assert_eq!(*action, a);
            }
            (Route::Action { .. }, None) | (_, Some(_)) => {
                prop_assert!(false, "{:?}: {:?}, regex {:?}", p, route, want);
            }
            (r, None) => {
                let otc = OTC_RE.is_match(&p);
                prop_assert_eq!(matches!(r, Route::UnknownAction), otc, "{:?}: {:?}", p, r);
            }
        }
    }

    #[test]
    fn action_paths_round_trip(a in action(), project in "[a-zA-Z0-9._-]{1,40}", query in prop::option::of("[a-z=&/?]{0,10}")) {
        let mut p = a.path(&project);
        prop_assert_eq!(p.clone(), format!("/v1.0/{}/kms/{}", project, a.name()));
        if let Some(q) = query {
            p = format!("{p}?{q}");
        }
        prop_assert_eq!(Route::parse(&p), Route::Action { project_id: &project, action: a });
        prop_assert_eq!(Action::from_name(a.name()), Some(a));
    }

    #[test]
    fn answer_otc_always_answers_an_envelope_or_an_object(
        method in prop_oneof![4 => Just("POST".to_owned()), 1 => Just("GET".to_owned()), 1 => "[A-Z]{0,7}"],
        p in path(),
        token in prop::option::of(prop_oneof![3 => Just("t".to_owned()), 1 => Just(String::new()), 1 => Just("  ".to_owned()), 1 => any::<String>()]),
        extra in prop::collection::vec(("[a-zA-Z-]{0,16}", any::<String>()), 0..3),
        body in body(),
        tokens in any::<bool>(),
    ) {
        let service = Service::new(Config {
            otc_tokens: tokens.then(|| vec!["t".to_owned()]),
            max_body: 512,
            ..Config::default()
        });
        let mut headers: Vec<(String, String)> = token.map(|t| ("X-Auth-Token".to_owned(), t)).into_iter().collect();
        headers.extend(extra);
        let req = RawRequest { method, path: p, headers, body: Bytes::from(body) };
        // Twice: the second meets the project the first made.
        for _ in 0..2 {
            let (resp, err) = service.answer_otc(&req);
            prop_assert_ne!(err, Some(OtcError::Internal), "a caught panic for {:?}", req);
            let v: Value = serde_json::from_slice(&resp.body).expect("a JSON body");
            match err {
                None => {
                    prop_assert_eq!(resp.status, 200);
                    prop_assert!(v.is_object() && v.get("error").is_none(), "{}", v);
                }
                Some(e) => {
                    prop_assert_eq!(resp.status, e.status(), "{:?}", e);
                    let expect = serde_json::json!({"error": {"error_code": e.code(), "error_msg": e.message()}});
                    prop_assert_eq!(&v, &expect);
                }
            }
        }
    }
}

/// Both sides of every edge are generated, so the properties above are not
/// vacuous: each key_alias length edge, the suffix rule both ways, and
/// pending_days both in and out of range.
#[test]
fn the_generators_reach_every_edge() {
    let mut runner = TestRunner::deterministic();
    let aliases = key_alias();
    let mut lengths = BTreeSet::new();
    let mut verdicts = BTreeSet::new();
    for _ in 0..3000 {
        let a = aliases.new_tree(&mut runner).unwrap().current();
        let n = a.chars().count();
        lengths.insert(n);
        let regex_ok = ALIAS_RE.is_match(&a);
        verdicts.insert((regex_ok, a.ends_with(DEFAULT_SUFFIX), n == KEY_ALIAS_MAX));
    }
    for n in [0, 1, 254, 255, 256] {
        assert!(lengths.contains(&n), "never generated length {n}");
    }
    for v in [
        (true, false, true),
        (true, true, true),
        (true, true, false),
        (true, false, false),
        (false, false, false),
    ] {
        assert!(verdicts.contains(&v), "never generated {v:?}: {verdicts:?}");
    }
    let days = pending_days();
    let mut seen = BTreeSet::new();
    for _ in 0..2000 {
        let d = days.new_tree(&mut runner).unwrap().current();
        seen.insert(pending_days_oracle(&d).is_ok());
    }
    assert_eq!(seen.len(), 2);
    let bodies = body();
    let mut codes = BTreeSet::new();
    for _ in 0..3000 {
        let b = bodies.new_tree(&mut runner).unwrap().current();
        for a in Action::ALL {
            codes.insert(request_oracle(*a, &b).err().map_or("ok", OtcError::code));
        }
    }
    for c in [
        "ok", "KMS.0202", "KMS.0204", "KMS.0205", "KMS.0206", "KMS.0214", "KMS.0308", "KMS.1101",
        "KMS.1103", "KMS.1401", "KMS.1601", "KMS.1602",
    ] {
        assert!(codes.contains(c), "no body reaches {c}: {codes:?}");
    }
}

/// Every state's code is one `state_from_code` reads back to a state with
/// the same code (OTC has five codes for AWS's nine states).
#[test]
fn every_key_state_has_a_code_that_reads_back() {
    for st in KeyState::ALL {
        let code = state_code(*st);
        let back = state_from_code(code).unwrap_or_else(|| panic!("{st:?} -> {code:?}"));
        assert_eq!(state_code(back), code);
    }
    assert_eq!(state_code(KeyState::Enabled), "2");
    assert_eq!(state_code(KeyState::Disabled), "3");
    assert_eq!(state_code(KeyState::PendingDeletion), "4");
    assert_eq!(state_code(KeyState::PendingImport), "5");
}
