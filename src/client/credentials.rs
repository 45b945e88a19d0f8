//! Credentials from the standard AWS sources, never printed.

use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;

/// Credentials wrapped so that `Debug` and `Display` never show them.
#[derive(Clone)]
pub struct Secret(pub Credentials);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

/// Loads credentials: the environment (`AWS_ACCESS_KEY_ID`, ...), then the
/// shared credentials/config files (`AWS_PROFILE`). With none found, a
/// loopback endpoint gets dummy credentials; anything else is an error.
pub async fn load_credentials(loopback: bool) -> Result<Secret, String> {
    let env = EnvironmentVariableCredentialsProvider::new();
    if let Ok(c) = env.provide_credentials().await {
        return Ok(Secret(c));
    }
    let profile = ProfileFileCredentialsProvider::builder().build();
    let profile_error = match profile.provide_credentials().await {
        Ok(c) => return Ok(Secret(c)),
        Err(e) => e.to_string(),
    };
    if loopback {
        return Ok(Secret(Credentials::new(
            "AKIDKMSCONFORMANCE",
            "kms-alias-conformance-dummy-secret",
            None,
            None,
            "kms-alias-conformance-dummy",
        )));
    }
    Err(format!(
        "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE for the shared credentials file ({profile_error})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret(Credentials::new("AKID", "topsecret", None, None, "test"));
        let shown = format!("{s:?}");
        assert!(!shown.contains("topsecret") && !shown.contains("AKID"));
    }
}
