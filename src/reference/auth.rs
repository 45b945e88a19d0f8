//! The `Authorization` header: the Region comes from its SigV4 credential
//! scope; the signature is checked only when the service holds credentials.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use crate::spec::{Fault, SIGNING_NAME};

use super::config::Credentials;
use super::raw::RawRequest;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The parts of a SigV4 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id.
    pub access_key_id: String,
    /// The scope's date, `YYYYMMDD`.
    pub date: String,
    /// The scope's Region.
    pub region: String,
    /// The scope's service.
    pub service: String,
    /// The signed header names, lowercase.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

/// Parses `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
/// SignedHeaders=a;b, Signature=hex`.
pub fn parse(header: &str) -> Result<Authorization, Fault> {
    let rest = header
        .trim()
        .strip_prefix(ALGORITHM)
        .ok_or_else(|| Fault::incomplete_signature("Algorithm"))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let credential = credential.ok_or_else(|| Fault::incomplete_signature("Credential"))?;
    let signed = signed.ok_or_else(|| Fault::incomplete_signature("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| Fault::incomplete_signature("Signature"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, service, "aws4_request"] = scope[..] else {
        return Err(Fault::incomplete_signature("Credential"));
    };
    let plausible_region = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if akid.is_empty() || !plausible_region {
        return Err(Fault::incomplete_signature("Credential"));
    }
    if signed.is_empty() || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Fault::incomplete_signature("Signature"));
    }
    Ok(Authorization {
        access_key_id: akid.into(),
        date: date.into(),
        region: region.into(),
        service: service.into(),
        signed_headers: signed.split(';').map(|h| h.to_ascii_lowercase()).collect(),
        signature: signature.to_ascii_lowercase(),
    })
}

/// The Region a request acts in. Without credentials to check against, a
/// missing or unparseable header falls back to `default` (lenient emulator);
/// with them, every SigV4 failure is an error.
pub fn region_of(
    req: &RawRequest,
    verify: Option<&Credentials>,
    default: &str,
) -> Result<String, Fault> {
    let header = req.header("authorization");
    let Some(creds) = verify else {
        return Ok(header
            .and_then(|h| parse(h).ok())
            .map(|a| a.region)
            .unwrap_or_else(|| default.to_owned()));
    };
    let header = header.ok_or(Fault::MissingAuthenticationToken)?;
    let auth = parse(header)?;
    if auth.access_key_id != creds.access_key_id {
        return Err(Fault::UnrecognizedClient);
    }
    if auth.service != SIGNING_NAME {
        return Err(Fault::incomplete_signature("Credential"));
    }
    verify_signature(req, &auth, creds)?;
    Ok(auth.region)
}

/// Re-signs the request's signed headers with the secret and the request's
/// own `X-Amz-Date`, and compares the signatures.
fn verify_signature(
    req: &RawRequest,
    auth: &Authorization,
    creds: &Credentials,
) -> Result<(), Fault> {
    let amz_date = req
        .header("x-amz-date")
        .ok_or_else(|| Fault::incomplete_signature("X-Amz-Date"))?;
    let time = parse_amz_date(amz_date).ok_or_else(|| Fault::incomplete_signature("X-Amz-Date"))?;
    if !amz_date.starts_with(&auth.date) {
        return Err(Fault::InvalidSignature);
    }
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(n, _)| {
            let n = n.to_ascii_lowercase();
            auth.signed_headers.contains(&n) && n != "authorization"
        })
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let host = req.header("host").unwrap_or("localhost");
    let uri = format!("http://{host}{}", req.path);
    let identity = aws_credential_types::Credentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key.clone(),
        None,
        None,
        "reference",
    )
    .into();
    let mut settings = SigningSettings::default();
    // Only the headers the client signed are passed in; sign them all.
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|_| Fault::InvalidSignature)?
        .into();
    let signable = SignableRequest::new(
        req.method.as_str(),
        uri.as_str(),
        headers.into_iter(),
        SignableBody::Bytes(&req.body),
    )
    .map_err(|_| Fault::InvalidSignature)?;
    let (_, expected) = sign(signable, &params)
        .map_err(|_| Fault::InvalidSignature)?
        .into_parts();
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(())
    } else {
        Err(Fault::InvalidSignature)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `YYYYMMDDTHHMMSSZ` -> a time.
pub fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let secs = days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    #[test]
    fn parses_the_scope() {
        let a = parse(HEADER).unwrap();
        assert_eq!(a.access_key_id, "AKIDEXAMPLE");
        assert_eq!(a.region, "us-west-2");
        assert_eq!(a.service, "kms");
        assert_eq!(a.signed_headers.len(), 4);
    }

    #[test]
    fn rejects_garbled_headers() {
        for bad in [
            "",
            "Basic abc",
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-west-2/kms, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/US WEST/kms/aws4_request, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-west-2/kms/aws4_request, SignedHeaders=host, Signature=zz",
        ] {
            assert!(
                matches!(parse(bad), Err(Fault::IncompleteSignature(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn amz_dates() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(
            t.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_440_938_160
        );
        assert!(parse_amz_date("20151330T123600Z").is_none());
        assert!(parse_amz_date("2015-08-30T12:36:00Z").is_none());
        assert!(parse_amz_date("+0150830T123600Z").is_none());
    }

    #[test]
    fn lenient_without_credentials() {
        let req = RawRequest::default();
        assert_eq!(region_of(&req, None, "eu-west-1").unwrap(), "eu-west-1");
        let req = RawRequest {
            headers: vec![("Authorization".into(), HEADER.into())],
            ..Default::default()
        };
        assert_eq!(region_of(&req, None, "eu-west-1").unwrap(), "us-west-2");
        let creds = Credentials {
            access_key_id: "OTHER".into(),
            secret_access_key: "x".into(),
        };
        assert_eq!(
            region_of(&req, Some(&creds), "eu-west-1"),
            Err(Fault::UnrecognizedClient)
        );
        assert_eq!(
            region_of(&RawRequest::default(), Some(&creds), "eu-west-1"),
            Err(Fault::MissingAuthenticationToken)
        );
    }
}
