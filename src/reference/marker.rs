//! Pagination markers in AWS's own form (J Q5, recorded): base64 of
//! `{"a": <last name>, "b": <last name>}`. Anything else is not a marker this
//! scheme issued and earns InvalidMarkerException.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use crate::spec::Fault;

/// The marker that resumes a listing after `last`.
pub fn encode(last: &str) -> String {
    let json = serde_json::json!({"a": last, "b": last});
    STANDARD.encode(json.to_string())
}

/// The name a marker resumes after; `valid` says whether the name is of the
/// kind the listing issues (an alias name, a key id).
pub fn decode(marker: &str, valid: impl Fn(&str) -> bool) -> Result<String, Fault> {
    let bytes = STANDARD
        .decode(marker.as_bytes())
        .map_err(|_| Fault::InvalidMarker)?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| Fault::InvalidMarker)?;
    let Value::Object(map) = value else {
        return Err(Fault::InvalidMarker);
    };
    match (map.get("a"), map.get("b")) {
        (Some(Value::String(a)), Some(Value::String(b)))
            if a == b && map.len() == 2 && valid(a) =>
        {
            Ok(a.clone())
        }
        _ => Err(Fault::InvalidMarker),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_recorded_marker() {
        assert_eq!(
            encode("alias/tes/pratyush"),
            "eyJhIjoiYWxpYXMvdGVzL3ByYXR5dXNoIiwiYiI6ImFsaWFzL3Rlcy9wcmF0eXVzaCJ9"
        );
    }

    #[test]
    fn round_trips_and_rejects_the_rest() {
        let any = |_: &str| true;
        assert_eq!(decode(&encode("alias/x"), any).unwrap(), "alias/x");
        assert!(decode(&encode("alias/x"), |s| s.starts_with("key")).is_err());
        for bad in [
            "",
            "!!!",
            "bm90IGpzb24=",
            &STANDARD.encode(r#"{"a":"x","b":"y"}"#),
            &STANDARD.encode(r#"{"a":"x"}"#),
            &STANDARD.encode(r#"{"a":1,"b":1}"#),
            &STANDARD.encode(r#"["x"]"#),
        ] {
            assert_eq!(decode(bad, any), Err(Fault::InvalidMarker), "{bad}");
        }
    }
}
