//! How a reference service is set up.

/// Settings of a reference service.
#[derive(Debug, Clone)]
pub struct Config {
    /// The 12-digit account every request acts in.
    pub account: String,
    /// The Region of requests whose `Authorization` names none.
    pub default_region: String,
    /// When set, SigV4 signatures are verified against these credentials.
    pub verify: Option<Credentials>,
    /// The largest request body accepted, in bytes.
    pub max_body: usize,
    /// The X-Auth-Tokens the OTC dialect accepts; `None` accepts any
    /// non-empty token (a missing one is 403 KMS.0301 either way).
    pub otc_tokens: Option<Vec<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            account: "111122223333".into(),
            default_region: "us-east-1".into(),
            verify: None,
            max_body: 1024 * 1024,
            otc_tokens: None,
        }
    }
}

/// The one access key a verifying service accepts.
#[derive(Clone)]
pub struct Credentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

// The secret never reaches logs.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .finish()
    }
}
