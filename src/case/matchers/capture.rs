//! Captures: a value read out of a response by path, kept as a variable.

use serde_json::Value;

use crate::case::vars::{value_text, Vars};

/// A parsed capture path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapturePath {
    /// `header:Name`: a response header (name case-insensitive).
    Header(String),
    /// A path into the JSON body.
    Body(Vec<PathStep>),
}

/// One step of a body path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.Name`: an object member.
    Member(String),
    /// `[N]`: an array element.
    Index(usize),
    /// `[Member=value]`: the first element whose member equals the rendered value.
    Filter {
        /// The member compared.
        member: String,
        /// The value, a template.
        value: String,
    },
}

/// Parses `A.B[0].C`, `Aliases[AliasName=${alias}].X` or `header:Name`.
pub fn parse_capture_path(path: &str) -> Result<CapturePath, String> {
    if let Some(name) = path.strip_prefix("header:") {
        let name = name.trim();
        if name.is_empty() {
            return Err("`header:` needs a header name".into());
        }
        return Ok(CapturePath::Header(name.to_string()));
    }
    let mut steps = Vec::new();
    let mut name = String::new();
    let mut chars = path.chars();
    let flush = |name: &mut String, steps: &mut Vec<PathStep>| {
        if !name.is_empty() {
            steps.push(PathStep::Member(std::mem::take(name)));
        }
    };
    let mut after_bracket = false;
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if name.is_empty() && !after_bracket {
                    return Err(format!("empty member name in `{path}`"));
                }
                flush(&mut name, &mut steps);
                after_bracket = false;
                if chars.as_str().is_empty() {
                    return Err(format!("`{path}` ends with `.`"));
                }
            }
            '[' => {
                flush(&mut name, &mut steps);
                let rest = chars.as_str();
                let Some(end) = rest.find(']') else {
                    return Err(format!("`[` without `]` in `{path}`"));
                };
                let inner = &rest[..end];
                if let Some((member, value)) = inner.split_once('=') {
                    let member = member.trim();
                    if member.is_empty() {
                        return Err(format!("filter `[{inner}]` needs a member name"));
                    }
                    steps.push(PathStep::Filter {
                        member: member.to_string(),
                        value: value.trim().to_string(),
                    });
                } else {
                    let i = inner
                        .trim()
                        .parse()
                        .map_err(|_| format!("`[{inner}]` is neither an index nor a filter"))?;
                    steps.push(PathStep::Index(i));
                }
                chars = rest[end + 1..].chars();
                after_bracket = true;
            }
            ']' => return Err(format!("`]` without `[` in `{path}`")),
            c => {
                if after_bracket && name.is_empty() {
                    return Err(format!("expected `.` or `[` after `]` in `{path}`"));
                }
                name.push(c);
            }
        }
    }
    flush(&mut name, &mut steps);
    if steps.is_empty() {
        return Err("empty capture path".into());
    }
    Ok(CapturePath::Body(steps))
}

/// Reads the value at `path` from a response.
pub fn capture(
    body: Option<&Value>,
    headers: &[(String, String)],
    path: &str,
    vars: &Vars,
) -> Result<Value, String> {
    let steps = match parse_capture_path(path)? {
        CapturePath::Header(name) => {
            return headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                .map(|(_, v)| Value::String(v.clone()))
                .ok_or_else(|| format!("no header `{name}` in the response"));
        }
        CapturePath::Body(steps) => steps,
    };
    let mut cur = body.ok_or("the response has no JSON body")?;
    let mut at = String::from("$");
    for step in &steps {
        cur = match step {
            PathStep::Member(m) => {
                let next = cur.as_object().and_then(|o| o.get(m));
                at.push('.');
                at.push_str(m);
                next.ok_or_else(|| format!("nothing at `{at}`"))?
            }
            PathStep::Index(i) => {
                let arr = cur
                    .as_array()
                    .ok_or_else(|| format!("`{at}` is not an array"))?;
                at.push_str(&format!("[{i}]"));
                arr.get(*i).ok_or_else(|| {
                    format!("nothing at `{at}`: the array has {} elements", arr.len())
                })?
            }
            PathStep::Filter { member, value } => {
                let want = vars.render_str(value).map_err(|e| e.to_string())?;
                let arr = cur
                    .as_array()
                    .ok_or_else(|| format!("`{at}` is not an array"))?;
                at.push_str(&format!("[{member}={want}]"));
                arr.iter()
                    .find(|e| e.get(member).is_some_and(|v| value_text(v) == want))
                    .ok_or_else(|| format!("no element at `{at}`"))?
            }
        };
    }
    Ok(cur.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::vars::VarContext;
    use serde_json::json;

    fn vars() -> Vars {
        Vars::new(VarContext {
            prefix: "p".into(),
            case_token: "t".into(),
            region: "us-east-1".into(),
            account: None,
            partition: "aws".into(),
        })
    }

    #[test]
    fn parses_paths() {
        assert_eq!(
            parse_capture_path("Aliases[0].LastUpdatedDate").unwrap(),
            CapturePath::Body(vec![
                PathStep::Member("Aliases".into()),
                PathStep::Index(0),
                PathStep::Member("LastUpdatedDate".into()),
            ])
        );
        assert_eq!(
            parse_capture_path("Aliases[AliasName=${alias}].X").unwrap(),
            CapturePath::Body(vec![
                PathStep::Member("Aliases".into()),
                PathStep::Filter {
                    member: "AliasName".into(),
                    value: "${alias}".into()
                },
                PathStep::Member("X".into()),
            ])
        );
        assert_eq!(
            parse_capture_path("header:x-amzn-RequestId").unwrap(),
            CapturePath::Header("x-amzn-RequestId".into())
        );
        for bad in ["", "A..B", "A[", "A[x]", "A.", "A]", "A[0]B"] {
            assert!(parse_capture_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn captures_values() {
        let body = json!({"Aliases": [
            {"AliasName": "alias/other", "N": 1},
            {"AliasName": "alias/p/t", "N": 2.5},
        ]});
        let headers = vec![("X-Amzn-RequestId".to_string(), "rid".to_string())];
        let v = vars();
        let get = |p: &str| capture(Some(&body), &headers, p, &v);
        assert_eq!(get("Aliases[1].N").unwrap(), json!(2.5));
        assert_eq!(get("Aliases[AliasName=${alias}].N").unwrap(), json!(2.5));
        assert_eq!(get("header:x-amzn-requestid").unwrap(), json!("rid"));
        assert!(get("Aliases[5].N").unwrap_err().contains("2 elements"));
        assert!(get("Missing").is_err());
        assert!(get("header:nope").is_err());
    }
}
