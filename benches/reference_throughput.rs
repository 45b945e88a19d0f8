//! Throughput of the reference service over loopback HTTP/1.1 keep-alive.
//!
//! Starts the reference in-process, creates two keys per connection, then
//! each connection loops CreateAlias -> ListAliases(KeyId) -> UpdateAlias ->
//! DeleteAlias (the delete keeps every key under the 50-alias quota) for a
//! fixed time, and prints requests/s and p50/p99 latency.
//!
//! `cargo bench --bench reference_throughput`; environment overrides:
//! `KAC_BENCH_SECS` (default 5), `KAC_BENCH_CONNECTIONS` (default 8).

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{handshake, SendRequest};
use hyper::Request;
use hyper_util::rt::TokioIo;
use kms_alias_conformance::reference::{self, Config};
use serde_json::{json, Value};
use tokio::net::TcpStream;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Conn {
    send: SendRequest<Full<Bytes>>,
}

impl Conn {
    async fn open(addr: std::net::SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (send, conn) = handshake(TokioIo::new(stream)).await.expect("handshake");
        tokio::spawn(conn);
        Conn { send }
    }

    /// One call; returns the status and the body.
    async fn call(&mut self, op: &str, body: &Value) -> (u16, Bytes) {
        let req = Request::post("/")
            .header("host", "127.0.0.1")
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("TrentService.{op}"))
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("request");
        self.send.ready().await.expect("ready");
        let resp = self.send.send_request(req).await.expect("send");
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        (status, body)
    }

    async fn key(&mut self) -> String {
        let (_, body) = self.call("CreateKey", &json!({})).await;
        let v: Value = serde_json::from_slice(&body).expect("json");
        v["KeyMetadata"]["KeyId"]
            .as_str()
            .expect("KeyId")
            .to_owned()
    }
}

struct Tally {
    latencies_us: Vec<u32>,
    errors: u64,
}

async fn worker(addr: std::net::SocketAddr, id: u64, until: Instant) -> Tally {
    let mut conn = Conn::open(addr).await;
    let (a, b) = (conn.key().await, conn.key().await);
    let mut tally = Tally {
        latencies_us: Vec::with_capacity(1 << 16),
        errors: 0,
    };
    let mut i = 0u64;
    while Instant::now() < until {
        let name = format!("alias/bench-{id}-{i}");
        let steps = [
            ("CreateAlias", json!({"AliasName": name, "TargetKeyId": a})),
            ("ListAliases", json!({"KeyId": a})),
            ("UpdateAlias", json!({"AliasName": name, "TargetKeyId": b})),
            ("DeleteAlias", json!({"AliasName": name})),
        ];
        for (op, body) in &steps {
            let started = Instant::now();
            let (status, _) = conn.call(op, body).await;
            let us = started.elapsed().as_micros().min(u32::MAX as u128) as u32;
            tally.latencies_us.push(us);
            if status != 200 {
                tally.errors += 1;
            }
        }
        i += 1;
    }
    tally
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn main() {
    let secs = env_or("KAC_BENCH_SECS", 5);
    let connections = env_or("KAC_BENCH_CONNECTIONS", 8).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = reference::start("127.0.0.1:0".parse().expect("addr"), Config::default())
            .await
            .expect("start");
        let addr = server.addr();
        let started = Instant::now();
        let until = started + Duration::from_secs(secs);
        let tasks: Vec<_> = (0..connections)
            .map(|id| tokio::spawn(worker(addr, id, until)))
            .collect();
        let mut all = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let tally = t.await.expect("worker");
            all.extend(tally.latencies_us);
            errors += tally.errors;
        }
        let elapsed = started.elapsed().as_secs_f64();
        all.sort_unstable();
        println!(
            "reference_throughput: {connections} connections, {secs} s, mix CreateAlias/ListAliases(KeyId)/UpdateAlias/DeleteAlias"
        );
        println!(
            "  {} requests in {elapsed:.2} s = {:.0} req/s; p50 {} us, p99 {} us; non-200: {errors}",
            all.len(),
            all.len() as f64 / elapsed,
            percentile(&all, 0.50),
            percentile(&all, 0.99),
        );
        server.shutdown();
    });
}
