//! Round-trip latency of one command, `Browser.getVersion`, over the pipe and over WebSocket,
//! against a real headless Chromium.
//!
//! ```sh
//! cargo bench -p cdp-tests --bench latency            # 1,000 round trips per transport
//! LATENCY_ITERATIONS=10000 cargo bench -p cdp-tests --bench latency
//! ```
//!
//! Each transport gets its own browser, 50 warm-up calls, then the measured calls one after
//! the other; the report gives the median, min, p90 and max.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use cdp_bindings::Event;
use cdp_transport::protocol::browser::GetVersionParams;
use cdp_transport::{Connection, Error, LaunchOptions};

const WARM_UP: usize = 50;
const DEFAULT_ITERATIONS: usize = 1_000;

fn main() -> ExitCode {
    let iterations = match std::env::var("LATENCY_ITERATIONS") {
        Ok(text) => match text.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("error: LATENCY_ITERATIONS must be a positive integer, got {text:?}");
                return ExitCode::from(2);
            }
        },
        Err(_) => DEFAULT_ITERATIONS,
    };
    let options = match LaunchOptions::new().find_binary() {
        Ok(binary) => LaunchOptions::new().binary(binary),
        Err(err @ Error::BrowserNotFound { .. }) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: latency: chromium not found (set CHROMIUM=/path or install chromium): {err}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match run(&options, iterations) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &LaunchOptions, iterations: usize) -> Result<(), Error> {
    let mut pipe = Connection::<Event>::launch(options)?;
    let product = pipe.call(&GetVersionParams::new())?.product;
    println!(
        "Browser.getVersion round trips against {product} ({}): {iterations} per transport, after {WARM_UP} warm-up calls",
        options.find_binary()?.display()
    );
    println!(
        "{:<10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "transport", "median", "min", "p90", "max", "total"
    );
    let pipe_samples = measure(&mut pipe, iterations)?;
    pipe.close()?;
    report("pipe", &pipe_samples);

    let mut websocket = Connection::<Event>::launch_websocket(options)?;
    let websocket_samples = measure(&mut websocket, iterations)?;
    websocket.close()?;
    report("websocket", &websocket_samples);
    Ok(())
}

fn measure(connection: &mut Connection<Event>, iterations: usize) -> Result<Vec<Duration>, Error> {
    for _ in 0..WARM_UP {
        connection.call(&GetVersionParams::new())?;
    }
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        connection.call(&GetVersionParams::new())?;
        samples.push(start.elapsed());
    }
    Ok(samples)
}

fn report(transport: &str, samples: &[Duration]) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = |fraction: f64| sorted[((sorted.len() - 1) as f64 * fraction).round() as usize];
    let total: Duration = samples.iter().sum();
    println!(
        "{transport:<10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        micros(at(0.5)),
        micros(sorted[0]),
        micros(at(0.9)),
        micros(sorted[sorted.len() - 1]),
        format!("{:.1} ms", total.as_secs_f64() * 1e3),
    );
}

fn micros(duration: Duration) -> String {
    format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}
