//! Talking to an endpoint: where it is, who we are, SigV4 signing, and one
//! request/response exchange with a timeout and a clear account of failure.
//!
//! [`wire`] is plain data, shared with the pure parts of the runner; reaching
//! an endpoint (`transport`, `sign`, `credentials`, `endpoint`) needs the
//! `harness` feature.

#[cfg(feature = "harness")]
pub use credentials::{load_credentials, CredentialSource, Secret};
#[cfg(feature = "harness")]
pub use endpoint::{resolve_endpoint, resolve_region, EndpointSource};
#[cfg(feature = "harness")]
pub use transport::{Client, TransportError};
pub use wire::{WireRequest, WireResponse};

#[cfg(feature = "harness")]
pub mod credentials;
#[cfg(feature = "harness")]
pub mod endpoint;
#[cfg(feature = "harness")]
pub mod sign;
#[cfg(feature = "harness")]
pub mod transport;
pub mod wire;
