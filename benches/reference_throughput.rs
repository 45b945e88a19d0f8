//! Throughput of the reference service over loopback HTTP/1.1 keep-alive,
//! measured against the loopback limit, and its cost as the state grows.
//!
//! Four phases, each with `KAC_BENCH_CONNECTIONS` keep-alive connections
//! (default 8) for `KAC_BENCH_SECS` seconds (default 3), client and servers
//! in this one process:
//!
//! 1. `echo`: a bare hyper + serde_json server that parses each body and
//!    writes it back: what any JSON-over-HTTP service costs on this machine.
//! 2. `ListAliases`: the reference under a plain ListAliases load, and its
//!    requests/s as a share of the echo's (the aim is 60% or more, with p99
//!    under 1 ms at 8 connections).
//! 3. `mix`: CreateAlias -> ListAliases(KeyId) -> UpdateAlias -> DeleteAlias.
//! 4. `state`: a 10-entry ListAliases page and a CreateAlias (with its DeleteAlias, so
//!    the count stays put) with 10 and with `KAC_BENCH_ALIASES` (default
//!    100,000) aliases stored; each cost should not depend on the state.
//!
//! What is compared (echo with ListAliases, 10 with 100,000 stored) runs
//! in turns, `KAC_BENCH_ROUNDS` (default 6) slices each, so that the load
//! beside the bench weighs on both sides alike.
//!
//! `KAC_BENCH_PHASES` (default `echo,list,mix,state`) picks phases, so that
//! one can be run alone under `valgrind --tool=callgrind` for its
//! instructions per request.
//!
//! `cargo bench --bench reference_throughput`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{handshake, SendRequest};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use kms_alias_conformance::reference::{self, Config};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};

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
    async fn open(addr: SocketAddr) -> Conn {
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

/// The loopback limit: parse the JSON body, write it back.
async fn start_echo() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let echo = service_fn(|req: Request<Incoming>| async move {
                    let body = req.into_body().collect().await.map(|b| b.to_bytes());
                    let value: Value = body
                        .ok()
                        .and_then(|b| serde_json::from_slice(&b).ok())
                        .unwrap_or(Value::Null);
                    let out = serde_json::to_vec(&value).unwrap_or_default();
                    Ok::<_, Infallible>(
                        Response::builder()
                            .header("content-type", "application/x-amz-json-1.1")
                            .body(Full::new(Bytes::from(out)))
                            .expect("response"),
                    )
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), echo)
                    .await;
            });
        }
    });
    addr
}

/// What a phase measured.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors: u64,
    elapsed: f64,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        self.errors += other.errors;
    }

    /// Adds a later slice of the same load.
    fn absorb(&mut self, other: Tally) {
        self.elapsed += other.elapsed;
        self.merge(other);
    }

    fn rate(&self) -> f64 {
        self.latencies_us.len() as f64 / self.elapsed
    }

    fn line(&mut self) -> String {
        self.latencies_us.sort_unstable();
        format!(
            "{:>8} requests = {:>7.0} req/s; p50 {:>4} us, p99 {:>5} us; non-200: {}",
            self.latencies_us.len(),
            self.rate(),
            percentile(&self.latencies_us, 0.50),
            percentile(&self.latencies_us, 0.99),
            self.errors,
        )
    }
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

/// A load: what one connection sends in a loop, given its number, the
/// iteration and the two keys it made (when the phase wants keys).
type Load = fn(u64, u64, &[String]) -> Vec<(&'static str, Value)>;

async fn worker(addr: SocketAddr, id: u64, keys: usize, load: Load, secs: f64) -> Tally {
    let mut conn = Conn::open(addr).await;
    let mut own = Vec::new();
    for _ in 0..keys {
        own.push(conn.key().await);
    }
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let mut tally = Tally {
        latencies_us: Vec::with_capacity(1 << 16),
        ..Tally::default()
    };
    let mut i = 0u64;
    while Instant::now() < until {
        for (op, body) in load(id, i, &own) {
            let started = Instant::now();
            let (status, _) = conn.call(op, &body).await;
            let us = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
            tally.latencies_us.push(us);
            if status != 200 {
                tally.errors += 1;
            }
        }
        i += 1;
    }
    tally
}

async fn phase(addr: SocketAddr, connections: u64, keys: usize, load: Load, secs: f64) -> Tally {
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|id| tokio::spawn(worker(addr, id, keys, load, secs)))
        .collect();
    let mut all = Tally::default();
    for t in tasks {
        all.merge(t.await.expect("worker"));
    }
    all.elapsed = started.elapsed().as_secs_f64();
    all
}

/// Runs each of `loads` (address, keys a connection makes, load) in turn,
/// `rounds` slices of `secs / rounds` each: the other core is shared, and
/// taking turns makes a change in the machine's load hit every load alike,
/// where back-to-back phases compared whatever ran beside each.
async fn interleaved(
    loads: &[(SocketAddr, usize, Load)],
    connections: u64,
    secs: f64,
    rounds: u64,
) -> Vec<Tally> {
    let mut tallies: Vec<Tally> = loads.iter().map(|_| Tally::default()).collect();
    for _ in 0..rounds {
        for (tally, &(addr, keys, load)) in tallies.iter_mut().zip(loads) {
            tally.absorb(phase(addr, connections, keys, load, secs / rounds as f64).await);
        }
    }
    tallies
}

fn list_all(_: u64, _: u64, _: &[String]) -> Vec<(&'static str, Value)> {
    vec![("ListAliases", json!({}))]
}

/// A 10-entry page of stored aliases: they are named to sort before the
/// predefined `alias/aws/...`, so both states list the same kind of entry.
fn page_of_ten(_: u64, _: u64, _: &[String]) -> Vec<(&'static str, Value)> {
    vec![("ListAliases", json!({"Limit": 10}))]
}

fn mix(id: u64, i: u64, keys: &[String]) -> Vec<(&'static str, Value)> {
    let name = format!("alias/bench-{id}-{i}");
    vec![
        (
            "CreateAlias",
            json!({"AliasName": name, "TargetKeyId": keys[0]}),
        ),
        ("ListAliases", json!({"KeyId": keys[0]})),
        (
            "UpdateAlias",
            json!({"AliasName": name, "TargetKeyId": keys[1]}),
        ),
        ("DeleteAlias", json!({"AliasName": name})),
    ]
}

fn create_delete(id: u64, i: u64, keys: &[String]) -> Vec<(&'static str, Value)> {
    let name = format!("alias/churn-{id}-{i}");
    vec![
        (
            "CreateAlias",
            json!({"AliasName": name, "TargetKeyId": keys[0]}),
        ),
        ("DeleteAlias", json!({"AliasName": name})),
    ]
}

/// Stores `n` aliases (50 to a key, the quota) over `connections` connections.
async fn preload(addr: SocketAddr, connections: u64, n: u64) {
    let per = n.div_ceil(connections);
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await;
                let mut key = String::new();
                for i in 0..per.min(n.saturating_sub(c * per)) {
                    if i % 50 == 0 {
                        key = conn.key().await;
                    }
                    let body = json!({"AliasName": format!("alias/a-stored-{c}-{i:06}"), "TargetKeyId": key});
                    let (status, _) = conn.call("CreateAlias", &body).await;
                    assert_eq!(status, 200, "preloading alias {i}");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("preload");
    }
}

fn main() {
    let secs = env_or("KAC_BENCH_SECS", 3) as f64;
    let rounds = env_or("KAC_BENCH_ROUNDS", 6).max(1);
    let connections = env_or("KAC_BENCH_CONNECTIONS", 8).max(1);
    let stored = env_or("KAC_BENCH_ALIASES", 100_000);
    let phases = std::env::var("KAC_BENCH_PHASES").unwrap_or_else(|_| "echo,list,mix,state".into());
    let run = |name: &str| phases.split(',').any(|p| p.trim() == name);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!(
            "reference_throughput: {connections} connections, {secs} s a phase in {rounds} turns"
        );
        let server = reference::start("127.0.0.1:0".parse().expect("addr"), Config::default())
            .await
            .expect("start");
        let mut loads = Vec::new();
        if run("echo") {
            loads.push((start_echo().await, 0, list_all as Load));
        }
        if run("list") {
            loads.push((server.addr(), 0, list_all as Load));
        }
        let mut tallies = interleaved(&loads, connections, secs, rounds).await;
        let listing = run("list").then(|| tallies.pop()).flatten();
        let mut bare = run("echo").then(|| tallies.pop()).flatten();
        if let Some(bare) = &mut bare {
            println!("  echo (hyper + serde_json)    {}", bare.line());
        }
        if let Some(mut listing) = listing {
            println!("  reference ListAliases        {}", listing.line());
            if let Some(bare) = &bare {
                println!(
                    "  reference / echo: {:.0}% of the loopback limit (aim: 60%)",
                    100.0 * listing.rate() / bare.rate()
                );
            }
        }
        if run("mix") {
            let mut mixed = phase(server.addr(), connections, 2, mix, secs).await;
            println!("  reference mix (C/L/U/D)      {}", mixed.line());
        }
        server.shutdown();
        if !run("state") {
            return;
        }

        let mut servers = Vec::new();
        for n in [10, stored] {
            let server = reference::start("127.0.0.1:0".parse().expect("addr"), Config::default())
                .await
                .expect("start");
            preload(server.addr(), connections, n).await;
            servers.push(server);
        }
        let (small, big) = (servers[0].addr(), servers[1].addr());
        let loads = [
            (small, 0, page_of_ten as Load),
            (big, 0, page_of_ten),
            (small, 1, create_delete),
            (big, 1, create_delete),
        ];
        let mut t = interleaved(&loads, connections, secs, rounds).await;
        for (i, what) in ["ListAliases(10)", "ListAliases(10)", "Create+Delete  ", "Create+Delete  "]
            .iter()
            .enumerate()
        {
            let n = if i % 2 == 0 { 10 } else { stored };
            println!("  {n:>7} stored: {what} {}", t[i].line());
        }
        println!(
            "  with {stored} stored vs 10: ListAliases page at {:.0}%, CreateAlias+DeleteAlias at {:.0}% of the rate",
            100.0 * t[1].rate() / t[0].rate(),
            100.0 * t[3].rate() / t[2].rate()
        );
        for server in servers {
            server.shutdown();
        }
    });
}
