//! Runs a Node.js script under a CPU profiler and prints its hottest functions, by self time:
//! `cargo run --example node_profile -- SCRIPT [ARGS..]`.
//!
//! ```text
//!    self ms  share  function
//!     1412.8  71.3%  burnCpu  file:///tmp/app.js:1
//!      301.2  15.2%  (garbage collector)
//!      198.5  10.0%  (program)
//! ```
//!
//! It starts `node --inspect-wait=127.0.0.1:0 SCRIPT` (Node.js 20.15 or later; `NODE` names
//! the binary, else `node` on `PATH`), reads the inspector's port from what node prints, and
//! connects to its HTTP endpoint, as to any DevTools endpoint: node's `/json/version` names
//! no WebSocket, so the connection takes the one target of its `/json/list`. Then it turns the
//! profiler on, lets the script run (`Runtime.runIfWaitingForDebugger`), and stops the profile
//! when the script's context is gone, or after `--for SECONDS` (and then the script).

use std::collections::HashMap;
use std::error::Error;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use cdp_examples::{profiler, runtime, Event};
use cdp_transport::tokio::Connection;

/// How long node may take to print its inspector's address.
const STARTUP: Duration = Duration::from_secs(10);

/// How many functions are printed.
const TOP: usize = 10;

/// Samples every 100 µs: ten times the default, for short scripts.
const SAMPLING_INTERVAL_US: i64 = 100;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut limit = None;
    if args.first().map(String::as_str) == Some("--for") {
        match args.get(1).and_then(|seconds| seconds.parse::<f64>().ok()) {
            Some(seconds) if seconds > 0.0 && seconds.is_finite() => {
                limit = Some(Duration::from_secs_f64(seconds));
                args.drain(..2);
            }
            _ => return usage(),
        }
    }
    if args.is_empty() {
        return usage();
    }
    match profile(&args, limit).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: node_profile [--for SECONDS] SCRIPT [ARGS..]");
    ExitCode::from(2)
}

async fn profile(script: &[String], limit: Option<Duration>) -> Result<(), Box<dyn Error>> {
    let mut node = Node::start(script)?;
    let connection = Connection::<Event>::connect(&node.http_endpoint).await?;
    // Subscribed before the script runs: its end is not missed.
    let mut contexts_gone = connection.subscribe::<runtime::ExecutionContextDestroyedEvent>();
    connection.call(&runtime::EnableParams::new()).await?;
    connection.call(&profiler::EnableParams::new()).await?;
    connection
        .call(&profiler::SetSamplingIntervalParams::new(
            SAMPLING_INTERVAL_US,
        ))
        .await?;
    connection.call(&profiler::StartParams::new()).await?;
    connection
        .call(&runtime::RunIfWaitingForDebuggerParams::new())
        .await?;
    let ended = contexts_gone.recv();
    let finished = match limit {
        Some(limit) => tokio::time::timeout(limit, ended).await.is_ok(),
        None => ended.await.is_some(),
    };
    let profile = connection.call(&profiler::StopParams::new()).await?.profile;
    // Closing the connection lets a finished script's node exit: it waits for its debugger
    // to go. One that still runs after `--for` is stopped.
    connection.close().await?;
    let status = node.finish(finished);
    print_hottest(&profile);
    match status {
        Some(status) if !status.success() => {
            Err(format!("the script failed: node {status}").into())
        }
        _ => Ok(()),
    }
}

/// The node process, its inspector's HTTP endpoint, and the thread that passes its standard
/// error on.
struct Node {
    child: Child,
    http_endpoint: String,
}

impl Node {
    fn start(script: &[String]) -> Result<Node, Box<dyn Error>> {
        let binary = std::env::var_os("NODE").unwrap_or_else(|| "node".into());
        let mut child = Command::new(&binary)
            .arg("--inspect-wait=127.0.0.1:0")
            .args(script)
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", binary.to_string_lossy()))?;
        let stderr = child.stderr.take().ok_or("node's stderr is not piped")?;
        let (found, address) = mpsc::channel();
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // "Debugger listening on ws://127.0.0.1:PORT/UUID"
                if let Some(port) = inspector_port(&line) {
                    if let Some(found) = found.take() {
                        let _ = found.send(port);
                    }
                } else if !line.starts_with("For help, see:")
                    && !line.starts_with("Debugger attached")
                    && !line.starts_with("Waiting for the debugger to disconnect")
                    && !line.starts_with("Debugger ending on")
                {
                    // The script's own errors, passed on.
                    let _ = writeln!(std::io::stderr(), "{line}");
                }
            }
        });
        match address.recv_timeout(STARTUP) {
            Ok(port) => Ok(Node {
                child,
                http_endpoint: format!("http://127.0.0.1:{port}"),
            }),
            Err(_) => {
                let _ = child.kill();
                let status = child.wait()?;
                Err(format!(
                    "node printed no inspector address within {STARTUP:?} ({status}); it needs \
                     --inspect-wait, Node.js 20.15 or later"
                )
                .into())
            }
        }
    }

    /// Waits for node to exit after the debugger has gone, when its script has `finished`,
    /// and returns how it exited; kills it when it does not, or when the script still runs
    /// (`None`).
    fn finish(&mut self, finished: bool) -> Option<std::process::ExitStatus> {
        for _ in 0..if finished { 100 } else { 0 } {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The port of `Debugger listening on ws://127.0.0.1:PORT/UUID`.
fn inspector_port(line: &str) -> Option<u16> {
    let address = line.strip_prefix("Debugger listening on ws://")?;
    let (_host, rest) = address.split_once(':')?;
    rest.split('/').next()?.parse().ok()
}

/// A function as the profile names it: its name, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Function {
    name: String,
    place: String,
}

/// The self time of each function, in microseconds: each sample counts the time until the
/// next one (the last, until the profile's end) for the node it hit.
fn self_times(profile: &profiler::Profile) -> HashMap<Function, f64> {
    let functions: HashMap<i64, Function> = profile
        .nodes
        .iter()
        .map(|node| {
            let frame = &node.call_frame;
            let name = match frame.function_name.as_str() {
                "" => "(anonymous)".to_owned(),
                name => name.to_owned(),
            };
            let place = match frame.url.as_str() {
                "" => String::new(),
                url => format!("{url}:{}", frame.line_number + 1),
            };
            (node.id, Function { name, place })
        })
        .collect();
    let samples = profile.samples.as_deref().unwrap_or_default();
    let deltas = profile.time_deltas.as_deref().unwrap_or_default();
    let mut at = profile.start_time;
    let times: Vec<f64> = deltas
        .iter()
        .map(|&delta| {
            at += delta as f64;
            at
        })
        .collect();
    let mut totals: HashMap<Function, f64> = HashMap::new();
    for (index, node) in samples.iter().enumerate() {
        let (Some(&start), Some(function)) = (times.get(index), functions.get(node)) else {
            continue;
        };
        let end = times.get(index + 1).copied().unwrap_or(profile.end_time);
        *totals.entry(function.clone()).or_default() += (end - start).max(0.0);
    }
    totals
}

fn print_hottest(profile: &profiler::Profile) {
    let totals = self_times(profile);
    let all: f64 = totals.values().sum();
    let mut hottest: Vec<(Function, f64)> = totals.into_iter().collect();
    hottest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
    println!("   self ms  share  function");
    for (function, micros) in hottest.into_iter().take(TOP) {
        let share = if all > 0.0 { micros / all * 100.0 } else { 0.0 };
        let line = format!(
            "{:>10.1} {share:>5.1}%  {}  {}",
            micros / 1000.0,
            function.name,
            function.place
        );
        println!("{}", line.trim_end());
    }
}
