//! Which endpoint and Region a run talks to.

use reqwest::Url;

/// Where the endpoint came from, for the run's banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    /// `--endpoint`.
    Flag,
    /// An environment variable (its name).
    Env(&'static str),
}

/// The endpoint from `--endpoint`, then `AWS_ENDPOINT_URL_KMS`, then
/// `AWS_ENDPOINT_URL`; `None` means "start the embedded reference".
pub fn resolve_endpoint(flag: Option<&str>) -> Result<Option<(Url, EndpointSource)>, String> {
    let found = match flag {
        Some(f) => Some((f.to_owned(), EndpointSource::Flag)),
        None => ["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"]
            .into_iter()
            .find_map(|name| {
                std::env::var(name)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (v, EndpointSource::Env(name)))
            }),
    };
    let Some((text, source)) = found else {
        return Ok(None);
    };
    let url = Url::parse(text.trim()).map_err(|e| format!("invalid endpoint URL `{text}`: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "invalid endpoint URL `{text}`: expected http://HOST[:PORT] or https://HOST[:PORT]"
        ));
    }
    Ok(Some((url, source)))
}

/// The Region from `--region`, then `AWS_REGION`, then `AWS_DEFAULT_REGION`,
/// else `us-east-1`.
pub fn resolve_region(flag: Option<&str>) -> String {
    flag.map(str::to_owned)
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "us-east-1".to_owned())
}

/// Whether the URL names this machine (dummy credentials are fine there).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_wins_and_is_validated() {
        let (url, source) = resolve_endpoint(Some("http://127.0.0.1:4566"))
            .unwrap()
            .unwrap();
        assert_eq!(url.port(), Some(4566));
        assert_eq!(source, EndpointSource::Flag);
        assert!(resolve_endpoint(Some("ftp://x")).is_err());
        assert!(resolve_endpoint(Some("not a url")).is_err());
    }

    #[test]
    fn loopback_detection() {
        for u in ["http://127.0.0.1:1", "http://localhost:2", "http://[::1]:3"] {
            assert!(is_loopback(&Url::parse(u).unwrap()), "{u}");
        }
        assert!(!is_loopback(
            &Url::parse("https://kms.us-east-1.amazonaws.com").unwrap()
        ));
    }
}
