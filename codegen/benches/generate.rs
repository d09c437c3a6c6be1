//! Generation speed on the full protocol: schema files in, formatted Rust written to disk.
//!
//! `cargo bench -p cdp-codegen --bench generate [-- DIR]` where DIR holds
//! `browser_protocol.json` and `js_protocol.json` (default: the pinned package that the tests
//! cache under `target/devtools-protocol`). It prints the median, min and max of each stage over
//! the runs, and the ratio of the whole to a floor measured in the same run: reading the schema
//! into `serde_json::Value` and writing the output's bytes, which no generator can beat.
//! `-- --test` runs each stage once, as a check that the bench works.

use std::path::PathBuf;
use std::time::{Duration, Instant};

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
        "{name:<34} median {:>8.1} ms   min {:>8.1} ms   max {:>8.1} ms",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    median
}

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/devtools-protocol")
                .join(include_str!("../../protocol/PINNED").trim())
                .join("package/json")
        });
    let files = [
        dir.join("browser_protocol.json"),
        dir.join("js_protocol.json"),
    ];
    if let Some(missing) = files.iter().find(|file| !file.exists()) {
        eprintln!(
            "no schema at {}: run `protocol/npm-package.sh` (or the tests) once to cache the pinned package, or pass a directory",
            missing.display()
        );
        std::process::exit(2);
    }
    let out = std::env::temp_dir().join(format!("cdp-bench-{}.rs", std::process::id()));
    let mut config = cdp_codegen::Config::new();
    config
        .protocol(&files[0])
        .protocol(&files[1])
        .out_file(&out);
    let code = config.generate_string().expect("the schema generates");
    println!(
        "full protocol: {} lines, {} bytes of Rust; {} runs each",
        code.lines().count(),
        code.len(),
        runs()
    );

    let floor = report(
        "floor: JSON -> Value, write bytes",
        &measure(|| {
            for file in &files {
                let text = std::fs::read_to_string(file).unwrap();
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                std::hint::black_box(value);
            }
            std::fs::write(&out, code.as_bytes()).unwrap();
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
            let _ = std::fs::remove_file(&out);
            config.generate().unwrap();
        }),
    );
    println!(
        "whole / floor = {:.1}x",
        whole.as_secs_f64() / floor.as_secs_f64()
    );
    let _ = std::fs::remove_file(&out);
}
