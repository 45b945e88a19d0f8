//! Shared by the test binaries that spawn `kms-alias-conformance`.

use std::process::{Command, Output};

/// The binary with an environment that cannot steer it: no endpoint, Region
/// or credentials from the caller, and no shared AWS files.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kms-alias-conformance"));
    for var in [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_KMS",
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        c.env_remove(var);
    }
    c.env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        // No test reaches instance metadata, even with a non-loopback endpoint.
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

/// Stdout then stderr of a finished run, for assertions and their messages.
#[allow(dead_code)] // not every test binary that shares this module reads output
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
