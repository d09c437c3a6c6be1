//! Generation speed on the full protocol: schema in, Rust written to disk.
//!
//! `cargo bench -p cdp-codegen --bench generate [-- DIR]` benches two inputs:
//!
//! - **facts**, always: the full protocol `cdp-schemas` ships (`Config::full_protocol()`, no
//!   descriptions), what a build script that follows the README generates from. Nothing is
//!   read from disk or fetched.
//! - **package**, when it is there: `browser_protocol.json` and `js_protocol.json` of DIR
//!   (default: the pinned `devtools-protocol` package that the workspace's tests cache under
//!   `target/devtools-protocol/<version>/package/json`). The same protocol with Chromium's
//!   descriptions, so this one also prices cleaning them into rustdoc, real work for users who
//!   generate from a fetched schema. Without it the bench says so and benches the facts only
//!   (DIR given and missing is an error).
//!
//! For each it prints the median, min and max of each stage over the runs, and the ratio of the
//! whole to a floor measured in the same run: parsing the schema's text into
//! `serde_json::Value` (after reading the files, for the package) and writing the output's
//! bytes, which no generator can beat. Last, the package's whole time against the facts' (what
//! the descriptions cost). `-- --test` runs each stage once, as a check that the bench works.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The schema `Config::full_protocol()` generates from (the floor parses the same text).
const FULL_PROTOCOL: &str = include_str!("../../protocol/full_protocol.json");

/// Runs of each stage: 7, or 1 with `--test`.
fn runs() -> usize {
    if std::env::args().any(|arg| arg == "--test") {
        1
    } else {
        7
    }
}

fn measure(mut run: impl FnMut()) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..runs())
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn report(name: &str, times: &[Duration]) -> Duration {
    let median = times[times.len() / 2];
    println!(
        "  {name:<34} median {:>8.1} ms   min {:>8.1} ms   max {:>8.1} ms",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    median
}

/// Benches `config` (its output goes to `out`); `floor` parses its schema's text. Returns the
/// median of the whole.
fn bench(title: &str, config: &mut cdp_codegen::Config, out: &Path, floor: impl Fn()) -> Duration {
    config.out_file(out);
    let code = config.generate_string().expect("the schema generates");
    println!(
        "{title}: {} lines, {} bytes of Rust; {} runs each",
        code.lines().count(),
        code.len(),
        runs()
    );
    let floor = report(
        "floor: JSON -> Value, write bytes",
        &measure(|| {
            floor();
            std::fs::write(out, code.as_bytes()).unwrap();
        }),
    );
    report(
        "parse + model",
        &measure(|| {
            std::hint::black_box(config.model().unwrap());
        }),
    );
    report(
        "parse + model + emit + format",
        &measure(|| {
            std::hint::black_box(config.generate_string().unwrap());
        }),
    );
    let whole = report(
        "whole: generate() to disk",
        &measure(|| {
            // Remove the file so every run writes it.
            let _ = std::fs::remove_file(out);
            config.generate().unwrap();
        }),
    );
    println!(
        "  whole / floor = {:.1}x",
        whole.as_secs_f64() / floor.as_secs_f64()
    );
    let _ = std::fs::remove_file(out);
    whole
}

fn main() {
    let given = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map(PathBuf::from);
    let dir = given.clone().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../target/devtools-protocol")
            .join(cdp_codegen::PINNED_PROTOCOL_VERSION)
            .join("package/json")
    });
    let files = [
        dir.join("browser_protocol.json"),
        dir.join("js_protocol.json"),
    ];
    let missing = files.iter().find(|file| !file.exists());
    if let (Some(missing), Some(_)) = (missing, &given) {
        eprintln!("no schema at {}", missing.display());
        std::process::exit(2);
    }
    let out = std::env::temp_dir().join(format!("cdp-bench-{}.rs", std::process::id()));

    let facts = bench(
        &format!(
            "facts: the shipped full protocol (devtools-protocol {}, no descriptions)",
            cdp_codegen::PINNED_PROTOCOL_VERSION
        ),
        cdp_codegen::Config::new().full_protocol(),
        &out,
        || {
            let value: serde_json::Value = serde_json::from_str(FULL_PROTOCOL).unwrap();
            std::hint::black_box(value);
        },
    );

    println!();
    if let Some(missing) = missing {
        println!(
            "package: skipped, no schema at {} (the tests that read the package cache it there, \
             e.g. `cargo test -p cdp-codegen`; or pass a directory holding browser_protocol.json \
             and js_protocol.json)",
            missing.display()
        );
        return;
    }
    let dir = dir.canonicalize().unwrap_or(dir);
    let package = bench(
        &format!("package: {} (with descriptions)", dir.display()),
        cdp_codegen::Config::new()
            .protocol(&files[0])
            .protocol(&files[1]),
        &out,
        || {
            for file in &files {
                let text = std::fs::read_to_string(file).unwrap();
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                std::hint::black_box(value);
            }
        },
    );
    println!();
    println!(
        "package whole / facts whole = {:.2}x (what the descriptions cost)",
        package.as_secs_f64() / facts.as_secs_f64()
    );
}
