//! Credentials from the standard AWS sources, never printed.

use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

/// Credentials wrapped so that `Debug` and `Display` never show them.
#[derive(Clone)]
pub struct Secret(pub Credentials);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

/// The access key id of the dummy credentials a loopback endpoint gets
/// when none are configured (not a secret).
pub const DUMMY_ACCESS_KEY_ID: &str = "AKIDKMSCONFORMANCE";

/// Loads credentials: the environment (`AWS_ACCESS_KEY_ID`, ...), then the
/// static keys of the selected profile (`AWS_PROFILE`, default `default`) in
/// the shared credentials and config files. With none found, a loopback
/// endpoint gets dummy credentials; anything else is an error.
pub async fn load_credentials(loopback: bool) -> Result<Secret, String> {
    let env = EnvironmentVariableCredentialsProvider::new();
    if let Ok(c) = env.provide_credentials().await {
        return Ok(Secret(c));
    }
    let profile_error = match from_profile().await {
        Ok(c) => return Ok(Secret(c)),
        Err(e) => e,
    };
    if loopback {
        return Ok(Secret(Credentials::new(
            DUMMY_ACCESS_KEY_ID,
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

/// Static keys from the shared files. Role, SSO and process profiles need
/// the full SDK credential chain, which this tool leaves out: export such
/// credentials to the environment first (`aws configure export-credentials`).
async fn from_profile() -> Result<Credentials, String> {
    let profiles =
        aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
            .await
            .map_err(|e| format!("cannot read the shared AWS files: {e}"))?;
    let name = profiles.selected_profile().to_owned();
    let profile = profiles
        .get_profile(&name)
        .ok_or_else(|| format!("no profile `{name}` in the shared AWS files"))?;
    match (profile.get("aws_access_key_id"), profile.get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Credentials::new(
            id,
            secret,
            profile.get("aws_session_token").map(str::to_owned),
            None,
            "shared-credentials-file",
        )),
        _ => Err(format!(
            "profile `{name}` has no aws_access_key_id/aws_secret_access_key (role and SSO profiles: export their credentials to the environment)"
        )),
    }
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
