//! Credentials the way the AWS CLI finds them, cached until shortly before
//! they expire, and never printed.
//!
//! Against a real endpoint this is the SDK's default chain (`aws-config`):
//! the environment, the shared files and their profiles (static keys,
//! `credential_process`, SSO, assumed roles), web identity (OIDC), ECS and
//! EC2 instance metadata. A loopback endpoint (an emulator) gets the same
//! chain without the container and instance-metadata sources, which only
//! make sense on AWS and would send a probe off the machine; with nothing
//! found it gets dummy credentials.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_config::Region;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_smithy_types::error::display::DisplayErrorContext;

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

/// Temporary credentials are fetched again when they expire within this,
/// so no request is signed with keys that lapse on the way.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// Where a client's credentials come from: the provider that found them,
/// and the last ones it gave.
#[derive(Clone)]
pub struct CredentialSource {
    provider: Option<SharedCredentialsProvider>,
    initial: Secret,
    current: Arc<tokio::sync::Mutex<Secret>>,
}

impl std::fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialSource(** redacted **)")
    }
}

impl CredentialSource {
    /// Credentials that never change (tests, and the loopback dummy).
    pub fn fixed(secret: Secret) -> CredentialSource {
        CredentialSource {
            provider: None,
            initial: secret.clone(),
            current: Arc::new(tokio::sync::Mutex::new(secret)),
        }
    }

    /// The credentials found when the run started (what the embedded
    /// reference verifies, and what the report says about them).
    pub fn initial(&self) -> &Secret {
        &self.initial
    }

    /// Whether these are the loopback dummy credentials.
    pub fn is_dummy(&self) -> bool {
        self.initial.0.access_key_id() == DUMMY_ACCESS_KEY_ID
    }

    /// Credentials to sign with now, fetched again when they expire soon.
    pub async fn current(&self) -> Result<Secret, String> {
        let mut current = self.current.lock().await;
        let expiring = current.0.expiry().is_some_and(|at| {
            at.duration_since(SystemTime::now())
                .map_or(true, |left| left < REFRESH_BEFORE_EXPIRY)
        });
        if let (true, Some(provider)) = (expiring, &self.provider) {
            let fresh = provider.provide_credentials().await.map_err(|e| {
                format!(
                    "the credentials expired and could not be refreshed: {}",
                    DisplayErrorContext(&e)
                )
            })?;
            *current = Secret(fresh);
        }
        Ok(current.clone())
    }
}

/// Finds credentials for an endpoint (see the module doc). `region` is the
/// Region the STS and SSO calls of role and SSO profiles go to.
pub async fn load_credentials(loopback: bool, region: &str) -> Result<CredentialSource, String> {
    let region = Region::new(region.to_owned());
    let provider = if loopback {
        SharedCredentialsProvider::new(
            CredentialsProviderChain::first_try(
                "Environment",
                EnvironmentVariableCredentialsProvider::new(),
            )
            .or_else("Profile", ProfileFileCredentialsProvider::builder().build())
            .or_else(
                "WebIdentityToken",
                WebIdentityTokenCredentialsProvider::builder().build(),
            ),
        )
    } else {
        SharedCredentialsProvider::new(
            DefaultCredentialsChain::builder()
                .region(region)
                .build()
                .await,
        )
    };
    match provider.provide_credentials().await {
        Ok(found) => {
            let secret = Secret(found);
            Ok(CredentialSource {
                provider: Some(provider),
                initial: secret.clone(),
                current: Arc::new(tokio::sync::Mutex::new(secret)),
            })
        }
        Err(_) if loopback => Ok(CredentialSource::fixed(Secret(Credentials::new(
            DUMMY_ACCESS_KEY_ID,
            "kms-alias-conformance-dummy-secret",
            None,
            None,
            "kms-alias-conformance-dummy",
        )))),
        Err(e) => Err(format!(
            "no AWS credentials found: the AWS SDK's default chain (environment, \
             AWS_PROFILE and the shared files with their SSO, role and credential_process \
             profiles, web identity, ECS, instance metadata) gave none: {}",
            DisplayErrorContext(&e)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret(Credentials::new("AKID", "topsecret", None, None, "test"));
        let shown = format!("{s:?}{:?}", CredentialSource::fixed(s.clone()));
        assert!(!shown.contains("topsecret") && !shown.contains("AKID"));
    }

    #[tokio::test]
    async fn fixed_credentials_are_given_as_they_are_even_when_expired() {
        let past = SystemTime::now() - Duration::from_secs(60);
        let s = Secret(Credentials::new("AKID", "s", None, Some(past), "test"));
        let source = CredentialSource::fixed(s);
        assert_eq!(source.current().await.unwrap().0.access_key_id(), "AKID");
        assert!(!source.is_dummy());
    }
}
