//! Property tests: the validators against independent oracles, and the
//! reference service against arbitrary requests (it must never panic and
//! never answer 500).

use bytes::Bytes;
use proptest::prelude::*;
use regex::Regex;
use serde_json::json;

use kms_alias_conformance::reference::{Config, RawRequest, Service};
use kms_alias_conformance::spec::{
    alias, is_key_id, parse_key_ref, Aliases, ErrorCode, KeyRef, Operation, Scope,
};

fn scope() -> Scope {
    Scope {
        region: "us-east-1".into(),
        account: "111122223333".into(),
    }
}

/// Alias names drawn mostly near the interesting boundaries.
fn alias_names() -> impl Strategy<Value = String> {
    prop_oneof![
        "alias/[a-zA-Z0-9/_-]{1,260}",
        "alias/[a-zA-Z0-9:/_!. -]{0,20}",
        "alias/aws/[a-z]{0,10}",
        "[a-zA-Z0-9:/_-]{0,20}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn alias_verdict_agrees_with_an_independent_oracle(name in alias_names()) {
        // Oracle, written from the spec text rather than from src/spec:
        // model length 1..256 (UTF-16 units), model pattern, prefix, the
        // service pattern (no `:` after the prefix), the reserved prefix.
        let model = Regex::new(r"^[a-zA-Z0-9:/_-]+$").unwrap();
        let service = Regex::new(r"^alias/[a-zA-Z0-9/_-]+$").unwrap();
        let len = name.encode_utf16().count();
        let expect_ok = (1..=256).contains(&len)
            && model.is_match(&name)
            && service.is_match(&name)
            && !name.starts_with("alias/aws/");
        let verdict = alias::verdict(&name);
        prop_assert_eq!(verdict.is_ok(), expect_ok, "{:?} -> {:?}", name, verdict);
        if let Err(fault) = verdict {
            let code = fault.code();
            prop_assert!(code == ErrorCode::ValidationException || code == ErrorCode::NotAuthorizedException);
            prop_assert_eq!(fault.status(), 400);
        }
    }

    #[test]
    fn key_ids_round_trip_through_arns(id in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}") {
        let s = scope();
        prop_assert!(is_key_id(&id));
        prop_assert_eq!(parse_key_ref(&id, &s, Aliases::RefuseAsTarget), Ok(KeyRef::Key(id.clone())));
        prop_assert_eq!(parse_key_ref(&s.key_arn(&id), &s, Aliases::RefuseAsTarget), Ok(KeyRef::Key(id.clone())));
    }

    #[test]
    fn key_ref_parsing_never_panics_and_only_says_not_found_or_validation(text in any::<String>()) {
        for policy in [Aliases::Resolve, Aliases::RefuseAsTarget, Aliases::RefuseAsInvalid] {
            if let Err(f) = parse_key_ref(&text, &scope(), policy) {
                prop_assert!(matches!(f.code(), ErrorCode::NotFoundException | ErrorCode::ValidationException));
            }
        }
    }

    #[test]
    fn the_service_never_panics_nor_fails_internally(
        op in prop::sample::select(Operation::ALL.to_vec()),
        body in prop_oneof![
            any::<Vec<u8>>(),
            (alias_names(), any::<String>()).prop_map(|(a, k)| json!({"AliasName": a, "TargetKeyId": k}).to_string().into_bytes()),
            (any::<i64>(), any::<String>()).prop_map(|(l, m)| json!({"Limit": l, "Marker": m}).to_string().into_bytes()),
            any::<String>().prop_map(|k| json!({"KeyId": k, "KeySpec": k, "KeyUsage": k}).to_string().into_bytes()),
        ],
        target_noise in prop::option::of("[A-Za-z.]{0,30}"),
    ) {
        let service = Service::new(Config::default());
        let target = target_noise.unwrap_or_else(|| op.target());
        let req = RawRequest {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![
                ("content-type".into(), "application/x-amz-json-1.1".into()),
                ("x-amz-target".into(), target),
            ],
            body: Bytes::from(body),
        };
        let resp = service.handle(&req);
        prop_assert!(resp.status == 200 || resp.status == 400, "status {}", resp.status);
        prop_assert!(resp.header("x-amzn-RequestId").is_some());
    }
}
