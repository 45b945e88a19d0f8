//! The embedded reference service: a strict KMS emulator for the alias API,
//! built on [`crate::spec`] for every rule, served over real HTTP.
//!
//! [`Service`] is transport-independent ([`RawRequest`] in, [`RawResponse`]
//! out); `start` serves it with hyper on a TCP listener (with the `harness`
//! feature).
//!
//! The same server speaks the OTC / Huawei Cloud dialect (spec G) on every
//! path under `/v1.0/{project_id}/kms/` (see `otc`).
//!
//! Not part of AWS: `POST /_reference/key-state` with
//! `{"KeyId": "...", "KeyState": "Updating", "Region": "us-east-1"}` puts a key
//! in any state, so that tests can reach states the API cannot (see `control`).

pub use config::{Config, Credentials};
#[cfg(feature = "harness")]
pub use http::{start, start_with_logging, RunningServer};
pub use raw::{RawRequest, RawResponse};
pub use service::Service;

mod aliases;
mod auth;
mod clock;
mod config;
mod control;
#[cfg(feature = "harness")]
mod http;
mod keys;
mod marker;
mod otc;
mod raw;
mod request_id;
mod service;
mod state;
