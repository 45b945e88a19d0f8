//! Talking to an endpoint: where it is, who we are, SigV4 signing, and one
//! request/response exchange with a timeout and a clear account of failure.

pub use credentials::{load_credentials, Secret};
pub use endpoint::{resolve_endpoint, resolve_region, EndpointSource};
pub use transport::{Client, TransportError, WireRequest, WireResponse};

pub mod credentials;
pub mod endpoint;
pub mod sign;
pub mod transport;
