//! cdp-transport against chromiumoxide 0.9.1, driving the same Chromium with the same flags.
//!
//! ```text
//! cdp-transport-bench all     [--test] [--rounds R] [--calls N] [--events N]
//! cdp-transport-bench latency [--rounds R] [--calls N]
//! cdp-transport-bench flood   [--rounds R] [--events N]
//! cdp-transport-bench memory  [--rounds R] [--events N]
//! cdp-transport-bench memory-one VARIANT CAPACITY EVENTS     (one process of `memory`)
//! ```
//!
//! Every browser is started by `cdp_transport`'s launcher from the same `LaunchOptions`
//! (`DEFAULT_ARGS`, `--no-sandbox` as root, a fresh profile): ours over the pipe
//! (`--remote-debugging-pipe`) or over WebSocket (`--remote-debugging-port=0`); chromiumoxide
//! connects (`Browser::connect`) to a browser launched exactly as our WebSocket one is. So the
//! browsers are alike and what differs is the client. Variants are measured interleaved, and
//! every ratio is ours/chromiumoxide of numbers from the same round. See README.md.

mod console {
    #![allow(dead_code, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/console.rs"));
}
mod stats;

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use cdp_transport::protocol::{browser as our_browser, runtime as our_runtime};
use cdp_transport::{BrowserProcess, LaunchOptions, RecvError};
use chromiumoxide::cdp::browser_protocol::browser::GetVersionParams as OxGetVersion;
use chromiumoxide::cdp::js_protocol::runtime::{
    EnableParams as OxRuntimeEnable, EvaluateParams as OxEvaluate, EventConsoleApiCalled,
};
use chromiumoxide::handler::HandlerConfig;
use futures::StreamExt;
use tokio::runtime::Runtime;

use console::runtime::{ConsoleApiCalledEvent, EnableParams as RuntimeEnable};
use stats::{median, Spread};

type Res<T> = Result<T, Box<dyn StdError>>;
/// The event set of our connections: the Runtime domain's consoleAPICalled, typed.
type Ev = console::Event;

/// How long any one command or flood may take before the bench gives up.
const LONG: Duration = Duration::from_secs(300);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    AsyncPipe,
    AsyncWs,
    BlockingPipe,
    BlockingWs,
    Oxide,
}

impl Variant {
    const ALL: [Variant; 5] = [
        Variant::AsyncPipe,
        Variant::AsyncWs,
        Variant::BlockingPipe,
        Variant::BlockingWs,
        Variant::Oxide,
    ];

    fn name(self) -> &'static str {
        match self {
            Variant::AsyncPipe => "ours async pipe",
            Variant::AsyncWs => "ours async ws",
            Variant::BlockingPipe => "ours blocking pipe",
            Variant::BlockingWs => "ours blocking ws",
            Variant::Oxide => "chromiumoxide ws",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Variant::AsyncPipe => "ours-async-pipe",
            Variant::AsyncWs => "ours-async-ws",
            Variant::BlockingPipe => "ours-blocking-pipe",
            Variant::BlockingWs => "ours-blocking-ws",
            Variant::Oxide => "chromiumoxide",
        }
    }

    fn from_slug(slug: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.slug() == slug)
    }
}

/// The launch options every browser of the bench uses.
fn options() -> LaunchOptions {
    let mut options = LaunchOptions::new().startup_timeout(Duration::from_secs(60));
    if std::env::var_os("CHROMIUM").is_none() && std::path::Path::new("/usr/bin/chromium").exists()
    {
        options = options.binary("/usr/bin/chromium");
    }
    options
}

/// One connected client with one page open.
enum Session {
    Async {
        conn: cdp_transport::tokio::Connection<Ev>,
        page: cdp_transport::tokio::Page<Ev>,
    },
    Blocking {
        conn: cdp_transport::Connection<Ev>,
        page: cdp_transport::Page<Ev>,
    },
    Oxide {
        browser: chromiumoxide::Browser,
        page: chromiumoxide::Page,
        handler: tokio::task::JoinHandle<()>,
        process: BrowserProcess,
    },
}

fn evaluate_1_plus_1() -> our_runtime::EvaluateParams {
    our_runtime::EvaluateParams::new("1+1").return_by_value(true)
}

fn ox_evaluate(expression: &str, by_value: bool) -> Res<OxEvaluate> {
    let mut builder = OxEvaluate::builder().expression(expression);
    if by_value {
        builder = builder.return_by_value(true);
    }
    Ok(builder.build()?)
}

impl Session {
    /// Launches a browser and opens a page; `capacity` is the event capacity of our streams.
    fn open(variant: Variant, rt: &Runtime, capacity: usize) -> Res<Session> {
        let options = options();
        Ok(match variant {
            Variant::AsyncPipe | Variant::AsyncWs => rt.block_on(async {
                let mut conn = if variant == Variant::AsyncPipe {
                    cdp_transport::tokio::Connection::<Ev>::launch(&options).await?
                } else {
                    cdp_transport::tokio::Connection::<Ev>::launch_websocket(&options).await?
                };
                conn.set_timeout(LONG);
                conn.set_event_capacity(capacity);
                let page = conn.new_page().await?;
                let two: i64 = page.evaluate("1+1").await?;
                assert_eq!(two, 2);
                Ok::<_, Box<dyn StdError>>(Session::Async { conn, page })
            })?,
            Variant::BlockingPipe | Variant::BlockingWs => {
                let mut conn = if variant == Variant::BlockingPipe {
                    cdp_transport::Connection::<Ev>::launch(&options)?
                } else {
                    cdp_transport::Connection::<Ev>::launch_websocket(&options)?
                };
                conn.set_timeout(LONG);
                conn.set_event_capacity(capacity);
                let page = conn.new_page()?;
                let two: i64 = page.evaluate("1+1")?;
                assert_eq!(two, 2);
                Session::Blocking { conn, page }
            }
            Variant::Oxide => {
                // The same launcher, flags and profile handling as our WebSocket variants.
                let (process, url) = BrowserProcess::launch_with_port(&options)?;
                rt.block_on(async {
                    let config = HandlerConfig {
                        request_timeout: LONG,
                        ..HandlerConfig::default()
                    };
                    let (browser, mut handler) =
                        chromiumoxide::Browser::connect_with_config(url, config).await?;
                    let handler =
                        tokio::spawn(async move { while handler.next().await.is_some() {} });
                    let page = browser.new_page("about:blank").await?;
                    let two: i64 = page.evaluate("1+1").await?.into_value()?;
                    assert_eq!(two, 2);
                    Ok::<_, Box<dyn StdError>>(Session::Oxide {
                        browser,
                        page,
                        handler,
                        process,
                    })
                })?
            }
        })
    }

    fn close(self, rt: &Runtime) {
        match self {
            Session::Async { conn, page } => {
                drop(page);
                let _ = rt.block_on(conn.close());
            }
            Session::Blocking { conn, page } => {
                drop(page);
                let _ = conn.close();
            }
            Session::Oxide {
                mut browser,
                page,
                handler,
                process,
            } => {
                drop(page);
                rt.block_on(async {
                    let _ = tokio::time::timeout(Duration::from_secs(5), browser.close()).await;
                });
                handler.abort();
                drop(browser);
                let _ = process.close();
            }
        }
    }

    /// The round-trip times of `n` calls, one after the other: `Browser.getVersion` on the
    /// browser, or `Runtime.evaluate("1+1")` (by value) on the page.
    fn round_trips(&self, rt: &Runtime, command: Cmd, n: usize) -> Res<Vec<Duration>> {
        let mut times = Vec::with_capacity(n);
        match self {
            Session::Async { conn, page } => rt.block_on(async {
                let version = our_browser::GetVersionParams::new();
                let evaluate = evaluate_1_plus_1();
                for _ in 0..n {
                    let start = Instant::now();
                    match command {
                        Cmd::GetVersion => drop(conn.call(&version).await?),
                        Cmd::Evaluate => drop(page.call(&evaluate).await?),
                    }
                    times.push(start.elapsed());
                }
                Ok::<_, Box<dyn StdError>>(())
            })?,
            Session::Blocking { conn, page } => {
                let version = our_browser::GetVersionParams::new();
                let evaluate = evaluate_1_plus_1();
                for _ in 0..n {
                    let start = Instant::now();
                    match command {
                        Cmd::GetVersion => drop(conn.call(&version)?),
                        Cmd::Evaluate => drop(page.call(&evaluate)?),
                    }
                    times.push(start.elapsed());
                }
            }
            Session::Oxide { browser, page, .. } => rt.block_on(async {
                let evaluate = ox_evaluate("1+1", true)?;
                for _ in 0..n {
                    // The params are built outside the timed span on our side too.
                    let version = OxGetVersion::default();
                    let evaluate = evaluate.clone();
                    let start = Instant::now();
                    match command {
                        Cmd::GetVersion => drop(browser.execute(version).await?),
                        Cmd::Evaluate => drop(page.execute(evaluate).await?),
                    }
                    times.push(start.elapsed());
                }
                Ok::<_, Box<dyn StdError>>(())
            })?,
        }
        Ok(times)
    }

    /// Opens a fresh page, enables Runtime, subscribes to `Runtime.consoleAPICalled`, makes the
    /// page log `n` messages, and reads them as they come until all `n` are accounted for
    /// (received, or reported missed), or `LONG` passes.
    fn flood(&self, rt: &Runtime, n: usize, wait_for_loop: bool) -> Res<Flood> {
        let script = flood_script(n, wait_for_loop);
        let mut flood = Flood::default();
        match self {
            Session::Async { conn, .. } => rt.block_on(async {
                let page = conn.new_page().await?;
                page.call(&RuntimeEnable::new()).await?;
                let mut events = page.subscribe::<ConsoleApiCalledEvent>();
                let (start, cpu) = (Instant::now(), cpu_time());
                page.call(&our_runtime::EvaluateParams::new(script)).await?;
                let deadline = tokio::time::Instant::now() + LONG;
                while flood.received + flood.missed < n as u64 {
                    match tokio::time::timeout_at(deadline, events.recv()).await {
                        Ok(Some(Ok(event))) => flood.take(event.args.len()),
                        Ok(Some(Err(RecvError::Lagged { missed }))) => flood.missed += missed,
                        Ok(Some(Err(RecvError::BadMessage(_)))) => flood.bad += 1,
                        Ok(Some(Err(err))) => return Err(err.into()),
                        Ok(None) => return Err("the stream ended".into()),
                        Err(_) => {
                            flood.timed_out = true;
                            break;
                        }
                    }
                }
                flood.elapsed = start.elapsed();
                flood.cpu = cpu_time() - cpu;
                drop(events);
                page.close().await?;
                Ok::<_, Box<dyn StdError>>(())
            })?,
            Session::Blocking { conn, .. } => {
                let page = conn.new_page()?;
                page.call(&RuntimeEnable::new())?;
                let events = page.subscribe::<ConsoleApiCalledEvent>();
                let (start, cpu) = (Instant::now(), cpu_time());
                page.call(&our_runtime::EvaluateParams::new(script))?;
                let deadline = Instant::now() + LONG;
                while flood.received + flood.missed < n as u64 {
                    let left = deadline.saturating_duration_since(Instant::now());
                    match events.recv_timeout(left) {
                        Ok(event) => flood.take(event.args.len()),
                        Err(RecvError::Lagged { missed }) => flood.missed += missed,
                        Err(RecvError::BadMessage(_)) => flood.bad += 1,
                        Err(RecvError::Timeout(_)) => {
                            flood.timed_out = true;
                            break;
                        }
                        Err(err) => return Err(err.into()),
                    }
                }
                flood.elapsed = start.elapsed();
                flood.cpu = cpu_time() - cpu;
                drop(events);
                page.close()?;
            }
            Session::Oxide { browser, .. } => rt.block_on(async {
                let page = browser.new_page("about:blank").await?;
                page.execute(OxRuntimeEnable::default()).await?;
                let mut events = page.event_listener::<EventConsoleApiCalled>().await?;
                let (start, cpu) = (Instant::now(), cpu_time());
                page.execute(ox_evaluate(&script, false)?).await?;
                let deadline = tokio::time::Instant::now() + LONG;
                while flood.received < n as u64 {
                    match tokio::time::timeout_at(deadline, events.next()).await {
                        Ok(Some(event)) => flood.take(event.args.len()),
                        Ok(None) => return Err("the listener ended".into()),
                        Err(_) => {
                            flood.timed_out = true;
                            break;
                        }
                    }
                }
                flood.elapsed = start.elapsed();
                flood.cpu = cpu_time() - cpu;
                drop(events);
                page.close().await?;
                Ok::<_, Box<dyn StdError>>(())
            })?,
        }
        Ok(flood)
    }
}

/// The page's script: `n` console messages, in a task of its own (`wait_for_loop == false`:
/// the evaluation returns at once) or within the evaluation (its answer comes after them).
fn flood_script(n: usize, wait_for_loop: bool) -> String {
    let loop_ = format!("for (let i = 0; i < {n}; i++) console.log(i);");
    if wait_for_loop {
        format!("{loop_} 0")
    } else {
        format!("setTimeout(() => {{ {loop_} }}, 0); 0")
    }
}

#[derive(Clone, Copy, Debug)]
enum Cmd {
    GetVersion,
    Evaluate,
}

#[derive(Default, Debug)]
struct Flood {
    received: u64,
    missed: u64,
    bad: u64,
    args: u64,
    timed_out: bool,
    elapsed: Duration,
    /// CPU time (user + system) of this whole process during the flood: the client's cost
    /// (the other sessions of the process sit idle meanwhile).
    cpu: Duration,
}

impl Flood {
    fn take(&mut self, args: usize) {
        self.received += 1;
        self.args += args as u64;
    }

    fn rate(&self) -> f64 {
        self.received as f64 / self.elapsed.as_secs_f64()
    }

    /// Client CPU per event received, in µs.
    fn cpu_per_event(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.received.max(1) as f64
    }
}

/// The CPU time (user + system) this process has used so far.
fn cpu_time() -> Duration {
    // SAFETY: `getrusage` writes the one `rusage` we own.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

struct Args {
    test: bool,
    rounds: Option<usize>,
    calls: Option<usize>,
    events: Option<usize>,
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The order of the variants in round `round`: forwards, then backwards, so that none always
/// runs first or last.
fn order<T: Copy>(items: &[T], round: usize) -> Vec<T> {
    let mut items = items.to_vec();
    if round % 2 == 1 {
        items.reverse();
    }
    items
}

fn latency(args: &Args, summary: &mut String) -> Res<()> {
    let rounds = args.rounds.unwrap_or(if args.test { 1 } else { 7 });
    let calls = args.calls.unwrap_or(if args.test { 20 } else { 500 });
    let warmup = if args.test { 5 } else { 100 };
    let rt = runtime();
    println!("\n== 1. round-trip latency: {rounds} round(s) of {calls} calls per variant and command, interleaved");
    let mut sessions = Vec::new();
    for variant in Variant::ALL {
        let session = Session::open(variant, &rt, cdp_transport::DEFAULT_CAPACITY)?;
        for command in [Cmd::GetVersion, Cmd::Evaluate] {
            session.round_trips(&rt, command, warmup)?;
        }
        sessions.push((variant, session));
    }
    // medians[command][variant] = the median of each round, in microseconds.
    let mut medians = vec![vec![Vec::new(); Variant::ALL.len()]; 2];
    for round in 0..rounds {
        for index in order(&(0..sessions.len()).collect::<Vec<_>>(), round) {
            let (_, session) = &sessions[index];
            for (c, command) in [Cmd::GetVersion, Cmd::Evaluate].into_iter().enumerate() {
                let times = session.round_trips(&rt, command, calls)?;
                let micros: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1e6).collect();
                medians[c][index].push(median(&micros));
            }
        }
        eprintln!("  latency round {} of {rounds} done", round + 1);
    }
    let oxide = Variant::ALL.iter().position(|v| *v == Variant::Oxide).unwrap();
    for (c, command) in ["Browser.getVersion", "Runtime.evaluate(\"1+1\")"].into_iter().enumerate() {
        println!("\n{command}: per-round median round trip, µs (min / median / max over rounds), ratio ours/chromiumoxide (per round)");
        for (index, variant) in Variant::ALL.into_iter().enumerate() {
            let spread = Spread::of(&medians[c][index]);
            let ratios: Vec<f64> = medians[c][index]
                .iter()
                .zip(&medians[c][oxide])
                .map(|(ours, theirs)| ours / theirs)
                .collect();
            let ratio = Spread::of(&ratios);
            let shown = if variant == Variant::Oxide {
                "(baseline)".to_owned()
            } else {
                format!("ratio {}", ratio.show(2))
            };
            println!("  {:<20} {}  {shown}", variant.name(), spread.show(1));
            if variant != Variant::Oxide {
                let _ = writeln!(
                    summary,
                    "| latency {command} | {} | {:.1} µs | {:.1} µs | {:.2} ({:.2}..{:.2}) |",
                    variant.name(),
                    spread.median,
                    Spread::of(&medians[c][oxide]).median,
                    ratio.median,
                    ratio.min,
                    ratio.max
                );
            }
        }
    }
    for (_, session) in sessions {
        session.close(&rt);
    }
    Ok(())
}

fn flood(args: &Args, summary: &mut String) -> Res<()> {
    let rounds = args.rounds.unwrap_or(if args.test { 1 } else { 3 });
    let events = args.events.unwrap_or(if args.test { 2_000 } else { 100_000 });
    let rt = runtime();
    println!("\n== 2. flood: {events} console messages (Runtime.consoleAPICalled, typed), {rounds} round(s), interleaved; a fresh page each time");
    let mut sessions = Vec::new();
    for variant in Variant::ALL {
        sessions.push((
            variant,
            Session::open(variant, &rt, cdp_transport::DEFAULT_CAPACITY)?,
        ));
    }
    // A small warm-up flood each, so that no variant pays first-time costs in the timed rounds.
    for (_, session) in &sessions {
        session.flood(&rt, 1000.min(events), false)?;
    }
    let mut rates = vec![Vec::new(); sessions.len()];
    let mut cpus = vec![Vec::new(); sessions.len()];
    let mut floods: Vec<Vec<Flood>> = (0..sessions.len()).map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for index in order(&(0..sessions.len()).collect::<Vec<_>>(), round) {
            let (variant, session) = &sessions[index];
            let flood = session.flood(&rt, events, false)?;
            eprintln!(
                "  flood round {} {:<20} {:>9.0} events/s  client CPU {:>6.2} µs/event  received {} missed {} bad {} in {:.2} s{}",
                round + 1,
                variant.name(),
                flood.rate(),
                flood.cpu_per_event(),
                flood.received,
                flood.missed,
                flood.bad,
                flood.elapsed.as_secs_f64(),
                if flood.timed_out { "  TIMED OUT" } else { "" }
            );
            rates[index].push(flood.rate());
            cpus[index].push(flood.cpu_per_event());
            floods[index].push(flood);
        }
    }
    let oxide = Variant::ALL.iter().position(|v| *v == Variant::Oxide).unwrap();
    let ratios = |values: &[Vec<f64>], index: usize| -> Spread {
        let ratios: Vec<f64> = values[index]
            .iter()
            .zip(&values[oxide])
            .map(|(ours, theirs)| ours / theirs)
            .collect();
        Spread::of(&ratios)
    };
    println!("\nevents/s delivered to a typed subscriber (min / median / max over rounds); ratio ours/chromiumoxide (per round; > 1 is faster)");
    for (index, (variant, _)) in sessions.iter().enumerate() {
        let missed: u64 = floods[index].iter().map(|f| f.missed).sum();
        let received: u64 = floods[index].iter().map(|f| f.received).sum();
        let timeouts = floods[index].iter().filter(|f| f.timed_out).count();
        let shown = if *variant == Variant::Oxide {
            "(baseline)".to_owned()
        } else {
            format!("ratio {}", ratios(&rates, index).show(2))
        };
        println!(
            "  {:<20} {}  {shown}  received {received}, missed (lagged) {missed}, timeouts {timeouts}",
            variant.name(),
            Spread::of(&rates[index]).show(0),
        );
    }
    println!("\nclient CPU (user + system of this process) per event received, µs (min / median / max); ratio ours/chromiumoxide (< 1 is cheaper)");
    for (index, (variant, _)) in sessions.iter().enumerate() {
        let shown = if *variant == Variant::Oxide {
            "(baseline)".to_owned()
        } else {
            format!("ratio {}", ratios(&cpus, index).show(2))
        };
        println!(
            "  {:<20} {}  {shown}",
            variant.name(),
            Spread::of(&cpus[index]).show(2),
        );
    }
    for (index, (variant, _)) in sessions.iter().enumerate() {
        if *variant == Variant::Oxide {
            continue;
        }
        let missed: u64 = floods[index].iter().map(|f| f.missed).sum();
        let (rate, cpu) = (ratios(&rates, index), ratios(&cpus, index));
        let _ = writeln!(
            summary,
            "| flood {events}: events/s | {} | {:.0}/s (missed {missed}) | {:.0}/s | {:.2} ({:.2}..{:.2}) |",
            variant.name(),
            Spread::of(&rates[index]).median,
            Spread::of(&rates[oxide]).median,
            rate.median,
            rate.min,
            rate.max
        );
        let _ = writeln!(
            summary,
            "| flood {events}: client CPU/event | {} | {:.2} µs | {:.2} µs | {:.2} ({:.2}..{:.2}) |",
            variant.name(),
            Spread::of(&cpus[index]).median,
            Spread::of(&cpus[oxide]).median,
            cpu.median,
            cpu.min,
            cpu.max
        );
    }
    for (_, session) in sessions {
        session.close(&rt);
    }
    Ok(())
}

/// The process's peak and current resident set, in kB (`VmHWM`, `VmRSS`).
fn memory_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// One process of `memory`: a subscriber that sleeps through a flood of `events` messages.
fn memory_one(variant: Variant, capacity: usize, events: usize) -> Res<()> {
    let rt = runtime();
    let session = Session::open(variant, &rt, capacity)?;
    let script = flood_script(events, true);
    let start = Instant::now();
    let (hwm_before, hwm_after, rss_after, held, missed);
    match &session {
        Session::Async { page, .. } => {
            let (a, b, c, d, e) = rt.block_on(async {
                page.call(&RuntimeEnable::new()).await?;
                let mut stream = page.subscribe::<ConsoleApiCalledEvent>();
                let (before, _) = memory_kb();
                // The evaluation's answer comes after every message the loop logged.
                page.call(&our_runtime::EvaluateParams::new(script)).await?;
                // The subscriber sleeps on; nothing has read the stream.
                tokio::time::sleep(Duration::from_millis(500)).await;
                let (after, rss) = memory_kb();
                let (mut held, mut missed) = (0u64, 0u64);
                while let Ok(Some(item)) =
                    tokio::time::timeout(Duration::from_millis(200), stream.recv()).await
                {
                    match item {
                        Ok(_) => held += 1,
                        Err(RecvError::Lagged { missed: m }) => missed += m,
                        Err(_) => {}
                    }
                }
                Ok::<_, Box<dyn StdError>>((before, after, rss, held, missed))
            })?;
            (hwm_before, hwm_after, rss_after, held, missed) = (a, b, c, d, e);
        }
        Session::Blocking { page, .. } => {
            page.call(&RuntimeEnable::new())?;
            let stream = page.subscribe::<ConsoleApiCalledEvent>();
            (hwm_before, _) = memory_kb();
            page.call(&our_runtime::EvaluateParams::new(script))?;
            std::thread::sleep(Duration::from_millis(500));
            (hwm_after, rss_after) = memory_kb();
            let (mut h, mut m) = (0u64, 0u64);
            loop {
                match stream.recv_timeout(Duration::from_millis(200)) {
                    Ok(_) => h += 1,
                    Err(RecvError::Lagged { missed }) => m += missed,
                    Err(RecvError::BadMessage(_)) => {}
                    Err(_) => break,
                }
            }
            (held, missed) = (h, m);
        }
        Session::Oxide { page, .. } => {
            let (a, b, c, d) = rt.block_on(async {
                page.execute(OxRuntimeEnable::default()).await?;
                let mut listener = page.event_listener::<EventConsoleApiCalled>().await?;
                let (before, _) = memory_kb();
                page.execute(ox_evaluate(&script, false)?).await?;
                tokio::time::sleep(Duration::from_millis(500)).await;
                let (after, rss) = memory_kb();
                let mut held = 0u64;
                while let Ok(Some(_)) =
                    tokio::time::timeout(Duration::from_millis(200), listener.next()).await
                {
                    held += 1;
                }
                Ok::<_, Box<dyn StdError>>((before, after, rss, held))
            })?;
            (hwm_before, hwm_after, rss_after, held, missed) = (a, b, c, d, 0);
        }
    }
    let elapsed = start.elapsed();
    session.close(&rt);
    println!(
        "MEMORY variant={} capacity={capacity} events={events} hwm_before_kb={hwm_before} hwm_after_kb={hwm_after} rss_after_kb={rss_after} held={held} missed={missed} secs={:.2}",
        variant.slug(),
        elapsed.as_secs_f64()
    );
    Ok(())
}

fn memory(args: &Args, summary: &mut String) -> Res<()> {
    let rounds = args.rounds.unwrap_or(if args.test { 1 } else { 3 });
    let events = args.events.unwrap_or(if args.test { 5_000 } else { 100_000 });
    println!("\n== 3. peak memory: a subscriber that sleeps through a flood of {events} messages, one process per run, {rounds} round(s), interleaved");
    let configs: Vec<(Variant, usize)> = vec![
        (Variant::AsyncWs, 1024),
        (Variant::AsyncWs, 16 * 1024),
        (Variant::AsyncWs, 1 << 20),
        (Variant::BlockingWs, 1024),
        (Variant::Oxide, 0),
    ];
    let exe = std::env::current_exe()?;
    // growth[config] = VmHWM after - VmHWM before, in kB, per round.
    let mut growth = vec![Vec::new(); configs.len()];
    let mut peaks = vec![Vec::new(); configs.len()];
    let mut helds = vec![Vec::new(); configs.len()];
    for round in 0..rounds {
        for index in order(&(0..configs.len()).collect::<Vec<_>>(), round) {
            let (variant, capacity) = configs[index];
            let output = std::process::Command::new(&exe)
                .args(["memory-one", variant.slug(), &capacity.to_string(), &events.to_string()])
                .output()?;
            let text = String::from_utf8_lossy(&output.stdout);
            let line = text
                .lines()
                .find(|line| line.starts_with("MEMORY "))
                .ok_or_else(|| {
                    format!(
                        "memory-one {} {capacity} failed: {}{}",
                        variant.slug(),
                        text,
                        String::from_utf8_lossy(&output.stderr)
                    )
                })?;
            eprintln!("  round {} {line}", round + 1);
            let field = |name: &str| -> f64 {
                line.split_whitespace()
                    .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN)
            };
            growth[index].push(field("hwm_after_kb") - field("hwm_before_kb"));
            peaks[index].push(field("hwm_after_kb"));
            helds[index].push(field("held"));
        }
    }
    let oxide = configs.iter().position(|(v, _)| *v == Variant::Oxide).unwrap();
    let oxide_growth = Spread::of(&growth[oxide]).median;
    println!("\npeak RSS of the client process (VmHWM), MiB; growth = peak after the flood - peak before it (min / median / max over rounds)");
    for (index, (variant, capacity)) in configs.iter().enumerate() {
        let growth_mib: Vec<f64> = growth[index].iter().map(|kb| kb / 1024.0).collect();
        let peak_mib: Vec<f64> = peaks[index].iter().map(|kb| kb / 1024.0).collect();
        let g = Spread::of(&growth_mib);
        let label = if *variant == Variant::Oxide {
            "chromiumoxide listener unread (unbounded)".to_owned()
        } else {
            format!("{} capacity {capacity}", variant.name())
        };
        println!(
            "  {label:<42} growth {}  peak {}  events held {:.0}",
            g.show(1),
            Spread::of(&peak_mib).show(1),
            median(&helds[index])
        );
        if *variant != Variant::Oxide {
            let _ = writeln!(
                summary,
                "| peak RSS growth, {events} unread events | {label} | {:.1} MiB | {:.1} MiB | {:.3} |",
                g.median,
                oxide_growth / 1024.0,
                g.median * 1024.0 / oxide_growth
            );
        }
    }
    Ok(())
}

fn parse_args() -> Res<(String, Args, Vec<String>)> {
    let mut argv = std::env::args().skip(1);
    let command = argv.next().unwrap_or_else(|| "all".into());
    let mut args = Args {
        test: std::env::var_os("CDP_BENCH_TEST").is_some(),
        rounds: None,
        calls: None,
        events: None,
    };
    let mut rest = Vec::new();
    while let Some(arg) = argv.next() {
        let mut number = |name: &str| -> Res<usize> {
            Ok(argv
                .next()
                .ok_or_else(|| format!("{name} wants a number"))?
                .parse()?)
        };
        match arg.as_str() {
            "--test" => args.test = true,
            "--rounds" => args.rounds = Some(number("--rounds")?),
            "--calls" => args.calls = Some(number("--calls")?),
            "--events" => args.events = Some(number("--events")?),
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            _ => rest.push(arg),
        }
    }
    Ok((command, args, rest))
}

fn main() -> Res<()> {
    let (command, args, rest) = parse_args()?;
    let mut summary = String::new();
    match command.as_str() {
        "memory-one" => {
            let [variant, capacity, events] = rest.as_slice() else {
                return Err("memory-one VARIANT CAPACITY EVENTS".into());
            };
            let variant = Variant::from_slug(variant).ok_or("unknown variant")?;
            return memory_one(variant, capacity.parse()?, events.parse()?);
        }
        "latency" => latency(&args, &mut summary)?,
        "flood" => flood(&args, &mut summary)?,
        "memory" => memory(&args, &mut summary)?,
        "all" => {
            latency(&args, &mut summary)?;
            flood(&args, &mut summary)?;
            memory(&args, &mut summary)?;
        }
        other => return Err(format!("unknown command `{other}`: all, latency, flood, memory, memory-one").into()),
    }
    let binary = options().find_binary().map(|b| b.display().to_string()).unwrap_or_default();
    println!("\n== summary (medians over rounds; ratio = ours/chromiumoxide per round, median (min..max))");
    println!("browser: {binary}; flags: {}", options().browser_args().join(" "));
    println!("| measure | variant (ours) | ours | chromiumoxide 0.9.1 | ratio ours/chromiumoxide |");
    println!("|---|---|---|---|---|");
    print!("{summary}");
    Ok(())
}
