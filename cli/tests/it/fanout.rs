//! RPC fan-out: `show`, `sign` and `status` against a 32-owner safe and a 10-call batch, through
//! a counting HTTP proxy on loopback that adds a fixed latency to every round trip (as a hosted
//! RPC does). The proxy records when each request came in and when its answer went out; the
//! longest chain of requests each sent after the previous one's answer is the number of
//! sequential round trips, which must stay a handful whatever the batch size and owner count.

use crate::harness::{Devnet, KEYS};
use alloy::primitives::Address;
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// What the proxy saw: one (start, end) per HTTP request.
#[derive(Default)]
struct Seen {
    requests: Vec<(Instant, Instant)>,
}

impl Seen {
    /// The longest chain of requests each sent after the previous one was answered.
    fn depth(&self) -> usize {
        let mut reqs = self.requests.clone();
        reqs.sort_by_key(|r| r.0);
        let mut chain = vec![1usize; reqs.len()];
        for i in 0..reqs.len() {
            for j in 0..i {
                if reqs[j].1 <= reqs[i].0 {
                    chain[i] = chain[i].max(chain[j] + 1);
                }
            }
        }
        chain.into_iter().max().unwrap_or(0)
    }
}

/// A proxy on loopback in front of `upstream` that waits `latency` before forwarding each
/// request. Returns its URL, what it saw, and the runtime that keeps it alive.
fn proxy(upstream: &str, latency: Duration) -> (String, Arc<Mutex<Seen>>, tokio::runtime::Runtime) {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.to_owned();
    let client = reqwest::Client::new();
    let seen_in = seen.clone();
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let (client, upstream, seen) = (client.clone(), upstream.clone(), seen_in.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                loop {
                    // One HTTP/1.1 request: headers, then a Content-Length body (keep-alive).
                    let mut length = 0usize;
                    let mut first = true;
                    loop {
                        let mut line = String::new();
                        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" && !first {
                            break;
                        }
                        first = false;
                        if let Some((k, v)) = line.split_once(':')
                            && k.eq_ignore_ascii_case("content-length")
                        {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let start = Instant::now();
                    let mut body = vec![0; length];
                    if read.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(latency).await;
                    let answer = client
                        .post(&upstream)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .unwrap()
                        .bytes()
                        .await
                        .unwrap();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        answer.len()
                    );
                    if write.write_all(head.as_bytes()).await.is_err()
                        || write.write_all(&answer).await.is_err()
                    {
                        return;
                    }
                    seen.lock().unwrap().requests.push((start, Instant::now()));
                }
            });
        }
    });
    (url, seen, rt)
}

/// A 32-owner safe (anvil accounts 0-2 and 29 strangers, threshold 2) with the devnet's caps,
/// funded, and a 10-call proposal file on it signed by account 0.
fn big_safe(d: &Devnet) -> (String, String) {
    let url = d.url.clone();
    let mut owners: Vec<String> = [
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    ]
    .map(str::to_owned)
    .to_vec();
    owners.extend(
        (1..=29u64)
            .map(|i| Address::left_padding_from(&(0x5afe_0000 + i).to_be_bytes()).to_string()),
    );
    let mut args: Vec<String> =
        ["--json", "deploy", "--rpc-url", &url, "--threshold", "2"].map(str::to_owned).to_vec();
    for o in &owners {
        args.extend(["--owner".to_owned(), o.clone()]);
    }
    let token_cap = format!("{}:250000/7d", d.token);
    args.extend(
        [
            "--cap",
            "ETH:10ether/1d",
            "--cap",
            &token_cap,
            "--recovery",
            "0x00000000000000000000000000000000000fa017",
            "--salt",
            "fanout",
            "--private-key",
            KEYS[0],
        ]
        .map(str::to_owned),
    );
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let deployed = d.ok(&a);
    let safe = deployed["data"]["safe"].as_str().unwrap().to_owned();
    d.fund(safe.parse().unwrap(), 100);
    let mut batch = String::new();
    for i in 0..10u64 {
        let to = Address::left_padding_from(&(0xf2e5_0000 + i).to_be_bytes());
        batch.push_str(&format!("[[call]]\nto = \"{to}\"\nvalue = \"0.1ether\"\n"));
    }
    std::fs::write(d.path("batch.toml"), batch).unwrap();
    d.ok(&[
        "--json",
        "propose",
        "--rpc-url",
        &url,
        "--safe",
        &safe,
        "--batch",
        "batch.toml",
        "--out",
        "p.json",
        "--private-key",
        KEYS[0],
    ]);
    (safe, "p.json".to_owned())
}

/// Runs `args` through the proxy; returns (requests, sequential round trips, wall time).
fn measured(d: &Devnet, seen: &Arc<Mutex<Seen>>, args: &[&str]) -> (usize, usize, Duration) {
    seen.lock().unwrap().requests.clear();
    let start = Instant::now();
    d.ok(args);
    let wall = start.elapsed();
    let s = seen.lock().unwrap();
    (s.requests.len(), s.depth(), wall)
}

/// Most sequential round trips each command may make: connect, check the safe, two rounds of
/// reads, the state; `sign` also simulates (two rounds of reads), checks the signer is an owner
/// and reads the approvals again.
const MAX_SEQUENTIAL: [(&str, usize); 3] = [("show", 6), ("sign", 7), ("status", 6)];

#[test]
fn show_sign_and_status_make_few_sequential_round_trips() {
    let d = Devnet::start();
    let (safe, file) = big_safe(&d);
    let latency = Duration::from_millis(100);
    let (url, seen, _rt) = proxy(&d.url, latency);
    let show = measured(&d, &seen, &["--json", "show", &file, "--rpc-url", &url]);
    let sign = measured(
        &d,
        &seen,
        &["--json", "--yes", "sign", &file, "--rpc-url", &url, "--private-key", KEYS[1]],
    );
    let status = measured(&d, &seen, &["--json", "status", "--safe", &safe, "--rpc-url", &url]);
    let all = [("show", show), ("sign", sign), ("status", status)];
    for (name, (requests, depth, wall)) in all {
        eprintln!(
            "{name}: {requests} requests, {depth} sequential round trips, {} ms at {} ms a round trip",
            wall.as_millis(),
            latency.as_millis()
        );
    }
    for ((name, (requests, depth, wall)), (_, max)) in all.into_iter().zip(MAX_SEQUENTIAL) {
        assert!(
            depth <= max,
            "{name} made {depth} sequential round trips ({requests} requests, {} ms)",
            wall.as_millis()
        );
    }
}
