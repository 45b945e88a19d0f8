//! An in-process HTTP proxy in front of the reference that applies one
//! [`Mutant`] to every exchange. Loopback only; every request upstream is
//! bounded by a timeout.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::catalog::Mutant;

/// Upstream calls (and reading a client's body) give up after this long.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);

/// Headers that belong to one hop and are not forwarded either way.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
];

/// A request as the proxy sees it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    /// The operation named by `X-Amz-Target` (`TrentService.` stripped).
    pub fn op(&self) -> &str {
        self.headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .and_then(|t| t.strip_prefix("TrentService."))
            .unwrap_or("")
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// A string member of the JSON body.
    pub fn member(&self, name: &str) -> Option<String> {
        self.json()?.get(name)?.as_str().map(str::to_owned)
    }

    pub fn set_json(&mut self, v: &Value) {
        self.body = Bytes::from(serde_json::to_vec(v).expect("json"));
    }

    /// Rewrites the JSON object body with `f` (no-op if it is not an object).
    pub fn edit(&mut self, f: impl FnOnce(&mut serde_json::Map<String, Value>)) {
        if let Some(Value::Object(mut m)) = self.json() {
            f(&mut m);
            self.set_json(&Value::Object(m));
        }
    }
}

/// A response as the proxy sees it.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

impl Resp {
    /// A response made by the proxy itself, with the JSON 1.1 headers and a
    /// fresh request id, as a faithful emulator would send.
    pub fn new(status: u16, body: Bytes) -> Resp {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-amz-json-1.1"),
        );
        let n = REQUEST_IDS.fetch_add(1, Ordering::Relaxed);
        let id = format!("00000000-0000-4000-8000-{n:012x}");
        headers.insert("x-amzn-requestid", HeaderValue::from_str(&id).unwrap());
        Resp {
            status,
            headers,
            body,
        }
    }

    /// An error response: `{"__type": code, "message": text}` (no message
    /// member when `message` is `None`).
    pub fn error(status: u16, code: &str, message: Option<&str>) -> Resp {
        let mut r = Resp::new(status, Bytes::new());
        r.set_error(status, code, message);
        r
    }

    /// Turns this response into an error, keeping its request id.
    pub fn set_error(&mut self, status: u16, code: &str, message: Option<&str>) {
        let mut body = serde_json::Map::new();
        body.insert("__type".into(), Value::String(code.into()));
        if let Some(m) = message {
            body.insert("message".into(), Value::String(m.into()));
        }
        self.status = status;
        self.headers.remove("x-amzn-errortype");
        self.set_json(&Value::Object(body));
    }

    /// Turns this response into the empty 200 of an operation without
    /// output, keeping its request id (an emulator that said yes).
    pub fn set_empty_success(&mut self) {
        self.status = 200;
        self.headers.remove("x-amzn-errortype");
        self.body = Bytes::new();
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn set_json(&mut self, v: &Value) {
        self.body = Bytes::from(serde_json::to_vec(v).expect("json"));
    }

    /// The error code, sanitised as the SDKs do (`ns#Code:suffix` -> `Code`).
    pub fn code(&self) -> Option<String> {
        let t = self.json()?.get("__type")?.as_str()?.to_owned();
        let t = t.rsplit('#').next().unwrap_or(&t);
        Some(t.split(':').next().unwrap_or(t).to_owned())
    }

    pub fn message(&self) -> Option<String> {
        let v = self.json()?;
        v.get("message")
            .or_else(|| v.get("Message"))?
            .as_str()
            .map(str::to_owned)
    }

    /// Replaces the message, keeping the code.
    pub fn set_message(&mut self, text: &str) {
        if let Some(Value::Object(mut m)) = self.json() {
            m.remove("Message");
            m.insert("message".into(), Value::String(text.into()));
            self.set_json(&Value::Object(m));
        }
    }

    /// Rewrites every entry of a ListAliases `Aliases` array with `f`.
    pub fn edit_aliases(&mut self, mut f: impl FnMut(&mut serde_json::Map<String, Value>)) {
        if let Some(Value::Object(mut body)) = self.json() {
            if let Some(Value::Array(list)) = body.get_mut("Aliases") {
                for e in list.iter_mut() {
                    if let Value::Object(e) = e {
                        f(e);
                    }
                }
            }
            self.set_json(&Value::Object(body));
        }
    }
}

/// What a mutant can use: the reference behind the proxy, reached over
/// keep-alive HTTP/1.1 connections (hyper's client, a small pool).
pub struct Upstream {
    addr: SocketAddr,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
}

impl Upstream {
    async fn connection(&self) -> Result<SendRequest<Full<Bytes>>, String> {
        loop {
            let idle = self.idle.lock().unwrap().pop();
            let Some(mut c) = idle else { break };
            if c.ready().await.is_ok() {
                return Ok(c);
            }
        }
        let stream = TcpStream::connect(self.addr)
            .await
            .map_err(|e| e.to_string())?;
        let _ = stream.set_nodelay(true);
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        Ok(send)
    }

    async fn send(&self, req: &Req) -> Result<Resp, String> {
        let mut conn = self.connection().await?;
        let mut out = Request::new(Full::new(req.body.clone()));
        *out.method_mut() = req.method.clone();
        *out.uri_mut() = req.path.parse().map_err(|e| format!("{e}"))?;
        for (name, value) in req.headers.iter() {
            if !HOP_BY_HOP.contains(&name.as_str()) {
                out.headers_mut().append(name.clone(), value.clone());
            }
        }
        if !out.headers().contains_key("host") {
            out.headers_mut().insert(
                "host",
                HeaderValue::from_str(&self.addr.to_string()).unwrap(),
            );
        }
        let resp = conn.send_request(out).await.map_err(|e| e.to_string())?;
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        self.idle.lock().unwrap().push(conn);
        let mut headers = parts.headers;
        for h in HOP_BY_HOP {
            headers.remove(*h);
        }
        Ok(Resp {
            status: parts.status.as_u16(),
            headers,
            body,
        })
    }

    /// Sends `req` to the reference as it is (headers, `Host` included, so a
    /// signature made for the proxy still verifies).
    pub async fn forward(&self, req: &Req) -> Resp {
        match tokio::time::timeout(UPSTREAM_TIMEOUT, self.send(req)).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => Resp::error(502, "ProxyError", Some(&e)),
            Err(_) => Resp::error(504, "ProxyTimeout", None),
        }
    }

    /// A call of the proxy's own, made with the headers of the client's
    /// request (its Region); only for mutants that run against a reference
    /// that does not verify signatures.
    pub async fn call(&self, like: &Req, op: &str, body: Value) -> Resp {
        let mut req = like.clone();
        req.headers.insert(
            "x-amz-target",
            HeaderValue::from_str(&format!("TrentService.{op}")).unwrap(),
        );
        req.method = Method::POST;
        req.path = "/".into();
        req.set_json(&body);
        self.forward(&req).await
    }

    /// `DescribeKey` of `key_id` through the reference: its KeyMetadata.
    pub async fn describe(&self, like: &Req, key_id: &str) -> Option<Value> {
        let r = self
            .call(like, "DescribeKey", serde_json::json!({ "KeyId": key_id }))
            .await;
        if r.status != 200 {
            return None;
        }
        r.json()?.get("KeyMetadata").cloned()
    }
}

/// A proxy listening on loopback.
pub struct Proxy {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
}

impl Proxy {
    pub fn shutdown(self) {
        let _ = self.stop.send(true);
    }
}

struct Ctx {
    up: Upstream,
    mutant: Option<Mutant>,
}

/// Starts a proxy to `upstream` applying `mutant` (none: the identity).
pub async fn start(upstream: SocketAddr, mutant: Option<Mutant>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let addr = listener.local_addr().unwrap();
    let ctx = Arc::new(Ctx {
        up: Upstream {
            addr: upstream,
            idle: Mutex::new(Vec::new()),
        },
        mutant,
    });
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = stopped.changed() => return,
                a = listener.accept() => a,
            };
            let Ok((stream, _)) = accepted else { continue };
            let _ = stream.set_nodelay(true);
            let ctx = ctx.clone();
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(ctx.clone(), req));
                let conn = http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), svc);
                tokio::pin!(conn);
                tokio::select! {
                    _ = conn.as_mut() => {}
                    _ = stopped.changed() => {
                        conn.as_mut().graceful_shutdown();
                        let _ = tokio::time::timeout(UPSTREAM_TIMEOUT, conn.as_mut()).await;
                    }
                }
            });
        }
    });
    Proxy { addr, stop }
}

/// The status a mutant gives a [`Resp`] to make the proxy hang up instead
/// of answering (a transport failure for the client).
pub const HANG_UP: u16 = 0;

async fn handle(
    ctx: Arc<Ctx>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = match tokio::time::timeout(UPSTREAM_TIMEOUT, body.collect()).await {
        Ok(Ok(b)) => b.to_bytes(),
        _ => Bytes::new(),
    };
    let req = Req {
        method: parts.method,
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into()),
        headers: parts.headers,
        body,
    };
    let resp = match &ctx.mutant {
        None => ctx.up.forward(&req).await,
        Some(m) => m.exchange(&ctx.up, req).await,
    };
    if resp.status == HANG_UP {
        // An error from the service makes hyper drop the connection unanswered.
        return Err(std::io::Error::other("mutant hangs up"));
    }
    let mut out = Response::new(Full::new(resp.body));
    *out.status_mut() = hyper::StatusCode::from_u16(resp.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in resp.headers.iter() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            out.headers_mut()
                .append(HeaderName::from(name), value.clone());
        }
    }
    Ok(out)
}
