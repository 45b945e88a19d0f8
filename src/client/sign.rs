//! SigV4 signing with the `aws-sigv4` crate.

use std::time::SystemTime;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use super::credentials::Secret;
use crate::spec::SIGNING_NAME;

/// The headers (`authorization`, `x-amz-date`, maybe `x-amz-security-token`)
/// that sign a request with the given method, URL, headers and body.
pub fn signature_headers(
    secret: &Secret,
    region: &str,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(String, String)>, String> {
    let identity: Identity = secret.0.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SIGNING_NAME)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("cannot build signing parameters: {e}"))?
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .map_err(|e| format!("cannot sign this request: {e}"))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| format!("cannot sign this request: {e}"))?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;

    #[test]
    fn signs_with_the_kms_scope() {
        let secret = Secret(Credentials::new("AKIDEXAMPLE", "secret", None, None, "t"));
        let headers = vec![
            ("host".to_owned(), "127.0.0.1:4599".to_owned()),
            (
                "x-amz-target".to_owned(),
                "TrentService.ListAliases".to_owned(),
            ),
        ];
        let out = signature_headers(
            &secret,
            "eu-west-1",
            "POST",
            "http://127.0.0.1:4599/",
            &headers,
            b"{}",
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000),
        )
        .unwrap();
        let auth = &out.iter().find(|(k, _)| k == "authorization").unwrap().1;
        assert!(
            auth.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/eu-west-1/kms/aws4_request"
            ),
            "{auth}"
        );
        assert!(auth.contains("x-amz-target"));
        assert!(out
            .iter()
            .any(|(k, v)| k == "x-amz-date" && v == "20231114T221320Z"));
    }
}
