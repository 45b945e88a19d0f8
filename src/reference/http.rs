//! Serving a [`Service`] over HTTP/1.1 with hyper: keep-alive, bounded
//! bodies, read timeouts, a cap on open connections and graceful shutdown.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinHandle;

use crate::spec::otc::{OtcError, Route};
use crate::spec::Fault;

use super::config::Config;
use super::raw::{RawRequest, RawResponse};
use super::service::{fault_response, Service};

/// A client must send its request head within this time.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A client must send its whole body within this time.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// After a 413, up to this many more bytes are read and dropped so the
/// client can read the answer (closing on unread data resets the socket).
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;
/// Open connections beyond this wait to be accepted.
const MAX_CONNECTIONS: usize = 1024;

/// A reference service listening on a socket.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// The address it listens on (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, and lets open connections finish their request.
    pub fn shutdown(self) {
        let _ = self.stop.send(true);
    }

    /// Waits until the server stops (after a shutdown, or if its task ends).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Binds `listen` and serves a new [`Service`] on the current tokio runtime.
pub async fn start(listen: SocketAddr, config: Config) -> std::io::Result<RunningServer> {
    start_with_logging(listen, config, false).await
}

/// As [`start`], logging one line per request to stderr when `verbose`.
pub async fn start_with_logging(
    listen: SocketAddr,
    config: Config,
    verbose: bool,
) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let service = Arc::new(Service::new(config));
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, service, stopped, verbose));
    Ok(RunningServer { addr, stop, task })
}

async fn accept_loop(
    listener: TcpListener,
    service: Arc<Service>,
    mut stopped: watch::Receiver<bool>,
    verbose: bool,
) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = tokio::select! {
            _ = stopped.changed() => return,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return,
            },
        };
        let accepted = tokio::select! {
            _ = stopped.changed() => return,
            a = listener.accept() => a,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors and the like: back off, keep serving.
                eprintln!("reference: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let svc = service_fn(move |req| answer(service.clone(), req, verbose));
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                _ = stopped.changed() => {
                    conn.as_mut().graceful_shutdown();
                    conn.as_mut().await
                }
            };
            if let (Err(e), true) = (result, verbose) {
                eprintln!("reference: connection {peer}: {e}");
            }
        });
    }
}

/// Why a body could not be read in full.
enum BodyError {
    TooLarge,
    Broken,
}

async fn answer(
    service: Arc<Service>,
    req: Request<Incoming>,
    verbose: bool,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let limit = service.config().max_body;
    // Even a body declared too large is read (and dropped) by
    // `read_bounded`, so that the client can read the 413.
    let read = match tokio::time::timeout(BODY_TIMEOUT, read_bounded(body, limit)).await {
        Ok(r) => r,
        Err(_) => Err(BodyError::Broken),
    };
    let raw = match read {
        Ok(bytes) => {
            let req = RawRequest {
                method: parts.method.as_str().to_owned(),
                path: parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "/".into()),
                headers: parts
                    .headers
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: bytes,
            };
            let resp = service.handle(&req);
            if verbose {
                let target = req.header("x-amz-target").unwrap_or("-");
                eprintln!(
                    "{} {} {target} -> {} ({} us)",
                    req.method,
                    req.path,
                    resp.status,
                    started.elapsed().as_micros()
                );
            }
            resp
        }
        Err(BodyError::TooLarge) => {
            if verbose {
                eprintln!(
                    "{} {} -> 413 (body over {limit} bytes)",
                    parts.method, parts.uri
                );
            }
            if Route::is_otc(parts.uri.path()) {
                super::otc::error_response(OtcError::TooLong)
            } else {
                fault_response(&Fault::RequestTooLarge { limit })
            }
        }
        Err(BodyError::Broken) => {
            // The client went away or stalled mid-body: nobody to answer.
            if verbose {
                eprintln!(
                    "{} {} -> body not received, closing",
                    parts.method, parts.uri
                );
            }
            let mut r = fault_response(&Fault::Serialization("Request body incomplete.".into()));
            r.headers.push(("Connection".into(), "close".into()));
            r
        }
    };
    Ok(to_hyper(raw))
}

/// Reads at most `limit` bytes; past it, reads and drops up to
/// [`DRAIN_LIMIT`] more without keeping them, then reports TooLarge.
async fn read_bounded(mut body: Incoming, limit: usize) -> Result<Bytes, BodyError> {
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if buf.len() + data.len() > limit {
            let mut drained = buf.len() + data.len();
            drop(buf);
            while drained <= limit + DRAIN_LIMIT {
                match body.frame().await {
                    Some(Ok(f)) => drained += f.data_ref().map_or(0, |d| d.len()),
                    _ => break,
                }
            }
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&data);
    }
    Ok(buf.freeze())
}

fn to_hyper(raw: RawResponse) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(raw.body));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(raw.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    for (name, value) in raw.headers {
        if let (Ok(n), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            // From the String itself: no copy of the value.
            hyper::header::HeaderValue::try_from(value),
        ) {
            headers.append(n, v);
        }
    }
    resp
}
