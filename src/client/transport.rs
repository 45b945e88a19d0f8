//! One exchange with the endpoint: build the request, sign it, send it with
//! a timeout, read a bounded response, and say plainly what went wrong.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::Url;

use super::credentials::CredentialSource;
use super::sign::signature_headers;
use super::wire::{WireRequest, WireResponse};

/// Responses larger than this are cut off: a garbage-speaking endpoint must
/// not make the runner buffer without bound.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// Nothing listens there, or the connection was refused.
    Connect(String),
    /// No complete response within the timeout.
    Timeout(Duration),
    /// The connection broke, or the peer did not speak HTTP.
    Protocol(String),
    /// The request could not be built or signed.
    Request(String),
    /// The response was larger than [`MAX_RESPONSE_BYTES`].
    TooLarge,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportError::Connect(e) => write!(f, "could not connect to the endpoint: {e}"),
            TransportError::Timeout(t) => write!(
                f,
                "no complete response within {:.1} s (raise it with --timeout)",
                t.as_secs_f64()
            ),
            TransportError::Protocol(e) => {
                write!(
                    f,
                    "the endpoint broke the exchange or did not answer in HTTP: {e}"
                )
            }
            TransportError::Request(e) => write!(f, "could not build the request: {e}"),
            TransportError::TooLarge => write!(
                f,
                "the response was larger than {MAX_RESPONSE_BYTES} bytes; gave up reading it"
            ),
        }
    }
}

/// A client bound to one endpoint, Region and set of credentials.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: Url,
    region: String,
    credentials: CredentialSource,
    timeout: Duration,
    sent: Arc<AtomicU64>,
}

impl Client {
    /// A client for `endpoint` that signs for `region` and gives each request `timeout`.
    pub fn new(
        endpoint: Url,
        region: String,
        credentials: CredentialSource,
        timeout: Duration,
    ) -> Result<Client, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .pool_max_idle_per_host(64)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Client {
            http,
            endpoint,
            region,
            credentials,
            timeout,
            sent: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The Region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// How many requests this client (and its clones) has sent.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Sends one request and reads the whole response.
    pub async fn send(&self, req: &WireRequest) -> Result<WireResponse, TransportError> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let url = self
            .endpoint
            .join(&req.path)
            .map_err(|e| TransportError::Request(format!("bad path `{}`: {e}", req.path)))?;
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| TransportError::Request(format!("bad method `{}`", req.method)))?;
        let mut headers = req.headers.clone();
        if req.sign {
            let host = host_header(&url);
            let mut to_sign = headers.clone();
            to_sign.push(("host".into(), host));
            let secret = self
                .credentials
                .current()
                .await
                .map_err(TransportError::Request)?;
            let signed = signature_headers(
                &secret,
                &self.region,
                req.method.as_str(),
                url.as_str(),
                &to_sign,
                &req.body,
                SystemTime::now(),
            )
            .map_err(TransportError::Request)?;
            headers.extend(signed);
        }
        let mut builder = self.http.request(method, url).body(req.body.clone());
        for (k, v) in &headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let response = builder.send().await.map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut response = response;
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(TransportError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(WireResponse {
            status,
            headers,
            body,
        })
    }

    fn classify(&self, e: reqwest::Error) -> TransportError {
        let detail = error_chain(&e);
        if e.is_timeout() {
            TransportError::Timeout(self.timeout)
        } else if e.is_connect() {
            TransportError::Connect(detail)
        } else if e.is_builder() {
            TransportError::Request(detail)
        } else {
            TransportError::Protocol(detail)
        }
    }
}

/// `host[:port]` as the request will carry it (default ports omitted).
fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// The error and its causes on one line, most specific last.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}
