//! The JSON Schema of the case-file format, for editors and validators.

use serde_json::Value;

use super::format::CaseFile;

/// The JSON Schema of a case file, generated from the types of `format.rs`.
pub fn json_schema() -> Value {
    schemars::schema_for!(CaseFile).to_value()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::case::format;
    use crate::case::load::{
        CASE_KEYS, EVENTUALLY_KEYS, EXPECT_KEYS, FILE_KEYS, FIXTURES_KEYS, KEY_FIXTURE_KEYS,
        MATCHER_KEYWORDS, OTC_KEY_FIXTURE_KEYS, ROLES, STEP_KEYS,
    };
    use crate::case::yaml;
    use crate::case::CheckOf;

    fn keys(schema: &Value, pointer: &str) -> BTreeSet<String> {
        schema
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("no object at {pointer}"))
            .keys()
            .cloned()
            .collect()
    }

    fn set(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn schema_and_loader_accept_the_same_keys() {
        let s = json_schema();
        assert_eq!(keys(&s, "/properties"), set(FILE_KEYS));
        assert_eq!(keys(&s, "/$defs/Fixtures/properties"), set(FIXTURES_KEYS));
        // One fixture definition holds the AWS and the OTC member names.
        let both: Vec<&str> = KEY_FIXTURE_KEYS
            .iter()
            .chain(OTC_KEY_FIXTURE_KEYS)
            .copied()
            .collect();
        assert_eq!(keys(&s, "/$defs/KeyFixture/properties"), set(&both));
        assert_eq!(keys(&s, "/$defs/Case/properties"), set(CASE_KEYS));
        assert_eq!(keys(&s, "/$defs/Step/properties"), set(STEP_KEYS));
        assert_eq!(keys(&s, "/$defs/Expect/properties"), set(EXPECT_KEYS));
        assert_eq!(
            keys(&s, "/$defs/Eventually/properties"),
            set(EVENTUALLY_KEYS)
        );
        assert_eq!(
            keys(&s, "/$defs/Matcher/anyOf/2/properties"),
            set(MATCHER_KEYWORDS)
        );
        let checks: Vec<&str> = CheckOf::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(keys(&s, "/$defs/Checks_string/properties"), set(&checks));
        assert_eq!(keys(&s, "/$defs/Checks_Evidence/properties"), set(&checks));
        let roles: BTreeSet<String> = s["$defs"]["Role"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["const"].as_str().unwrap().to_string())
            .collect();
        let loader_roles: Vec<&str> = ROLES.iter().map(|(name, _)| *name).collect();
        assert_eq!(roles, set(&loader_roles));
        let required: Vec<&str> = s["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            required.iter().copied().collect::<BTreeSet<_>>(),
            ["cases", "clause", "evidence", "source"]
                .into_iter()
                .collect()
        );
    }

    #[test]
    fn sample_files_read_through_both_paths() {
        for name in ["every-feature.yaml", "every-feature.json"] {
            let path = format!("{}/tests/good-cases/{name}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            crate::case::load_str(name, &text).unwrap();
            let json = yaml::parse(&text).unwrap().to_json();
            if let Err(e) = serde_json::from_value::<format::CaseFile>(json) {
                panic!("{name} does not fit the format types: {e}");
            }
        }
    }

    #[test]
    fn format_types_refuse_what_the_loader_refuses() {
        let text =
            "clause: c\nsource: s\nevidence: recorded\ncases: [{name: n, steps: [{stauts: 1}]}]";
        assert!(crate::case::load_str("x.yaml", text).is_err());
        let json = yaml::parse(text).unwrap().to_json();
        assert!(serde_json::from_value::<format::CaseFile>(json).is_err());
    }

    #[test]
    fn schema_has_descriptions() {
        let s = json_schema();
        assert!(s["$defs"]["Step"]["properties"]["raw"]["description"].is_string());
        assert!(s["$defs"]["Matcher"]["description"].is_string());
    }
}
