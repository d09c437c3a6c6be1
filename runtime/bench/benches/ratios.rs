//! The ratios of issues #5 and #15, with their spread, and allocations per event
//! (`runtime/bench/run.sh --bench ratios [-- --rounds N]`).
//!
//! The variants of one comparison run in rounds, interleaved: a round gives each variant about
//! `--round-ms` (default 80), cut into `--slices` (default 16) turns that alternate between the
//! variants (A, B, C, B, C, A, ..), each turn going over the whole message set as often as
//! fits. A ratio is taken between two variants of the same round, so that a slow spell of this
//! shared machine weighs on both sides; the table gives the minimum, median and maximum of the
//! per-round ratios over `--rounds` (default 31). `--test` runs 3 short rounds, to check that
//! everything works.
//!
//! Allocations are counted by a `#[global_allocator]` that wraps the system allocator and
//! counts only while a counting pass runs (not while timing).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use cdp_runtime_bench::{
    check_whole_requests, commands, concrete, decode_full, decode_full_noting_drift, decode_one,
    full, one, parse_value, Corpus, EventText, SESSION_ID,
};

struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static ALLOC_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
            ALLOC_BYTES.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
            ALLOC_BYTES.fetch_add(new_size as u64, Relaxed);
        }
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Allocations (reallocations included) and bytes asked for by `run`.
fn count_allocations(run: impl FnOnce()) -> (u64, u64) {
    ALLOCS.store(0, Relaxed);
    ALLOC_BYTES.store(0, Relaxed);
    COUNTING.store(true, Relaxed);
    run();
    COUNTING.store(false, Relaxed);
    (ALLOCS.load(Relaxed), ALLOC_BYTES.load(Relaxed))
}

struct Options {
    rounds: usize,
    round_time: Duration,
    slices: u32,
}

impl Options {
    fn from_args() -> Options {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let test = args.iter().any(|arg| arg == "--test");
        let value = |name: &str, default: u64, test_default: u64| {
            let at = args.iter().position(|arg| arg == name);
            match at.and_then(|at| args.get(at + 1)) {
                Some(value) => value
                    .parse::<u64>()
                    .ok()
                    .filter(|value| *value > 0)
                    .unwrap_or_else(|| panic!("{name} takes a positive number, not `{value}`")),
                None if test => test_default,
                None => default,
            }
        };
        Options {
            rounds: value("--rounds", 31, 3) as usize,
            round_time: Duration::from_millis(value("--round-ms", 80, 4)),
            slices: value("--slices", 16, 2) as u32,
        }
    }
}

/// One way of processing the whole set, and how many units (bytes or commands) a pass is.
struct Variant<'a> {
    name: &'static str,
    pass: Box<dyn Fn() + 'a>,
    units: u64,
}

/// Per-round throughputs, in units per second, of each variant.
struct Rounds {
    names: Vec<&'static str>,
    units: &'static str,
    throughput: Vec<Vec<f64>>,
}

fn run_rounds(variants: &[Variant<'_>], units: &'static str, options: &Options) -> Rounds {
    // Each round is cut into slices; every slice runs each variant once, for about
    // `round_time / slices`, starting with a different variant each time. A slow spell of the
    // machine then falls on all variants of the round alike.
    let slice_time = options.round_time / options.slices;
    let repeats: Vec<u32> = variants
        .iter()
        .map(|variant| {
            (variant.pass)(); // warm up
            let start = Instant::now();
            let mut passes = 0u32;
            while passes == 0 || start.elapsed() < slice_time {
                (variant.pass)();
                passes += 1;
            }
            passes
        })
        .collect();
    let mut throughput = vec![Vec::with_capacity(options.rounds); variants.len()];
    let mut turn = 0;
    for _ in 0..options.rounds {
        let mut seconds = vec![0f64; variants.len()];
        for _ in 0..options.slices {
            turn += 1;
            for k in 0..variants.len() {
                let at = (turn + k) % variants.len();
                let start = Instant::now();
                for _ in 0..repeats[at] {
                    (variants[at].pass)();
                }
                seconds[at] += start.elapsed().as_secs_f64();
            }
        }
        for (at, variant) in variants.iter().enumerate() {
            let units = variant.units as f64 * f64::from(repeats[at]) * f64::from(options.slices);
            throughput[at].push(units / seconds[at]);
        }
    }
    Rounds {
        names: variants.iter().map(|variant| variant.name).collect(),
        units,
        throughput,
    }
}

/// Minimum, median and maximum.
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[0],
        values[values.len() / 2],
        values[values.len() - 1],
    )
}

impl Rounds {
    fn of(&self, name: &str) -> &[f64] {
        let at = self.names.iter().position(|n| *n == name).unwrap();
        &self.throughput[at]
    }

    fn print_throughput(&self) {
        for (name, values) in self.names.iter().zip(&self.throughput) {
            let (min, median, max) = spread(values.clone());
            let (scale, unit) = match self.units {
                "bytes" => (1e-6, "MB/s"),
                _ => (1e-6, "M commands/s"),
            };
            println!(
                "  {name:<28} {:>9.2} {unit}  (min {:.2}, max {:.2})",
                median * scale,
                min * scale,
                max * scale
            );
        }
    }

    /// Prints `a / b`, per round, as min / median / max, against a target when there is one.
    fn ratio(&self, label: &str, a: &str, b: &str, target: Option<f64>) {
        let ratios: Vec<f64> = self
            .of(a)
            .iter()
            .zip(self.of(b))
            .map(|(a, b)| a / b)
            .collect();
        let (min, median, max) = spread(ratios);
        let verdict = match target {
            Some(target) if median >= target => format!("target >= {target}: met"),
            Some(target) => format!("target >= {target}: NOT MET"),
            None => String::new(),
        };
        println!("  {label:<54} min {min:>6.3}  median {median:>6.3}  max {max:>6.3}   {verdict}");
    }
}

fn pass_over<'a>(
    events: &'a [&'a EventText],
    decode: impl Fn(&'a EventText) + 'a,
) -> Box<dyn Fn() + 'a> {
    Box::new(move || {
        for event in events {
            decode(black_box(event));
        }
    })
}

fn main() {
    let options = Options::from_args();
    let corpus = Corpus::load();
    let mix: Vec<&EventText> = corpus.events.iter().collect();
    let background = corpus.domain("BackgroundService");

    println!(
        "messages: {} ({} events, {} bytes; {} responses left out)",
        corpus.path.display(),
        mix.len(),
        Corpus::bytes(&mix),
        corpus.responses
    );
    let domains: Vec<String> = corpus
        .domains()
        .iter()
        .map(|(domain, count)| format!("{domain} {count}"))
        .collect();
    println!("events per domain: {}", domains.join(", "));
    if !corpus.unknown.is_empty() {
        let unknown: Vec<String> = corpus
            .unknown
            .iter()
            .map(|(method, count)| format!("{method} x{count}"))
            .collect();
        println!(
            "left out, not in the pinned protocol: {}",
            unknown.join(", ")
        );
    }
    let mut largest: Vec<(&str, usize)> = concrete::events()
        .iter()
        .map(|(method, decoders)| (*method, decoders.size))
        .collect();
    largest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let largest: Vec<String> = largest[..3.min(largest.len())]
        .iter()
        .map(|(method, size)| format!("{method} {size} B"))
        .collect();
    println!(
        "full bindings: {} events; size_of full::Event {} B, one::Event {} B; largest events: {}",
        concrete::events().len(),
        std::mem::size_of::<full::Event>(),
        std::mem::size_of::<one::Event>(),
        largest.join(", ")
    );
    println!(
        "{} rounds of about {} ms per variant in {} interleaved slices; ratios are per round \
         (above 1: the first named is faster)",
        options.rounds,
        options.round_time.as_millis(),
        options.slices
    );

    // 1. The mix: decode_message against the parse with the type known in advance, and with
    // a drift report against without.
    let mix_bytes = Corpus::bytes(&mix);
    let drift = std::rc::Rc::new(std::cell::RefCell::new(cdp_runtime::DriftReport::default()));
    let drift_report = std::rc::Rc::clone(&drift);
    let decode = run_rounds(
        &[
            Variant {
                name: "decode_message_full",
                pass: pass_over(&mix, |event| decode_full(&event.text).unwrap()),
                units: mix_bytes,
            },
            Variant {
                name: "concrete_message",
                pass: pass_over(&mix, |event| (event.concrete.message)(&event.text).unwrap()),
                units: mix_bytes,
            },
            Variant {
                name: "concrete_params_only",
                pass: pass_over(&mix, |event| {
                    (event.concrete.params)(&event.params).unwrap()
                }),
                units: mix_bytes,
            },
            Variant {
                name: "value",
                pass: pass_over(&mix, |event| parse_value(&event.text).unwrap()),
                units: mix_bytes,
            },
            Variant {
                name: "decode_message_drift",
                pass: pass_over(&mix, move |event| {
                    decode_full_noting_drift(&mut drift.borrow_mut(), &event.text).unwrap()
                }),
                units: mix_bytes,
            },
        ],
        "bytes",
        &options,
    );
    println!("\ndecode, the mix (throughput in message bytes):");
    decode.print_throughput();
    decode.ratio(
        "decode_message / concrete whole message",
        "decode_message_full",
        "concrete_message",
        // Issue #15's target (#5 asked for 0.9).
        Some(0.95),
    );
    decode.ratio(
        "decode_message with / without a drift report",
        "decode_message_drift",
        "decode_message_full",
        None,
    );
    let drift_report = drift_report.borrow();
    println!(
        "  drift of the mix against the pinned protocol: {} kinds of drift in {} messages",
        drift_report.unknown_methods.len()
            + drift_report.unknown_fields.len()
            + drift_report.fallback_values.len()
            + drift_report.failed_events.len(),
        drift_report.messages
    );
    decode.ratio(
        "decode_message / serde_json::Value",
        "decode_message_full",
        "value",
        None,
    );
    decode.ratio(
        "decode_message / concrete params only",
        "decode_message_full",
        "concrete_params_only",
        None,
    );

    // 2. Dispatch cost against the number of domains.
    if background.is_empty() {
        println!("\ndispatch: no BackgroundService event in the messages; skipped");
    } else {
        let bytes = Corpus::bytes(&background);
        let dispatch = run_rounds(
            &[
                Variant {
                    name: "one_domain",
                    pass: pass_over(&background, |event| decode_one(&event.text).unwrap()),
                    units: bytes,
                },
                Variant {
                    name: "all_domains",
                    pass: pass_over(&background, |event| decode_full(&event.text).unwrap()),
                    units: bytes,
                },
                Variant {
                    name: "concrete_message",
                    pass: pass_over(&background, |event| {
                        (event.concrete.message)(&event.text).unwrap()
                    }),
                    units: bytes,
                },
            ],
            "bytes",
            &options,
        );
        println!(
            "\ndispatch, the {} BackgroundService events through a root Event of 1 domain and of all:",
            background.len()
        );
        dispatch.print_throughput();
        dispatch.ratio("all domains / 1 domain", "all_domains", "one_domain", None);
        dispatch.ratio(
            "all domains / concrete whole message",
            "all_domains",
            "concrete_message",
            None,
        );
        dispatch.ratio(
            "1 domain / concrete whole message",
            "one_domain",
            "concrete_message",
            None,
        );
    }

    // 3. Encoding: against a derived struct of the whole request, which writes the same bytes
    // (checked here, before timing), and against the params alone (the old comparison).
    let commands = commands();
    check_whole_requests(&commands);
    let count = commands.len() as u64;
    let encode = run_rounds(
        &[
            Variant {
                name: "encode_request",
                pass: Box::new(|| {
                    for (id, command) in commands.iter().enumerate() {
                        black_box(command.encode_request(black_box(id as u64), Some(SESSION_ID)));
                    }
                }),
                units: count,
            },
            Variant {
                name: "whole_request_to_string",
                pass: Box::new(|| {
                    for (id, command) in commands.iter().enumerate() {
                        black_box(
                            command.whole_request_to_string(black_box(id as u64), Some(SESSION_ID)),
                        );
                    }
                }),
                units: count,
            },
            Variant {
                name: "encode_request_no_session",
                pass: Box::new(|| {
                    for (id, command) in commands.iter().enumerate() {
                        black_box(command.encode_request(black_box(id as u64), None));
                    }
                }),
                units: count,
            },
            Variant {
                name: "whole_request_no_session",
                pass: Box::new(|| {
                    for (id, command) in commands.iter().enumerate() {
                        black_box(command.whole_request_to_string(black_box(id as u64), None));
                    }
                }),
                units: count,
            },
            Variant {
                name: "params_to_string",
                pass: Box::new(|| {
                    for command in &commands {
                        black_box(command.params_to_string());
                    }
                }),
                units: count,
            },
        ],
        "commands",
        &options,
    );
    let methods: Vec<&str> = commands.iter().map(|command| command.method()).collect();
    let request_len: usize = commands
        .iter()
        .enumerate()
        .map(|(id, command)| command.encode_request(id as u64, Some(SESSION_ID)).len())
        .sum();
    let params_len: usize = commands
        .iter()
        .map(|command| command.params_to_string().len())
        .sum();
    println!(
        "\nencode, {} commands ({}); on average {:.0} bytes of params, {:.0} bytes of request \
         (the derived whole request writes the same bytes: checked):",
        count,
        methods.join(", "),
        params_len as f64 / count as f64,
        request_len as f64 / count as f64
    );
    encode.print_throughput();
    encode.ratio(
        "encode_request / serde_json::to_string(whole request)",
        "encode_request",
        "whole_request_to_string",
        Some(0.95),
    );
    encode.ratio(
        "the same without a session id",
        "encode_request_no_session",
        "whole_request_no_session",
        Some(0.95),
    );
    encode.ratio(
        "old: encode_request / to_string(params alone)",
        "encode_request",
        "params_to_string",
        None,
    );

    // 4. Allocations.
    let per_event = |run: &dyn Fn()| {
        let (allocs, bytes) = count_allocations(run);
        (
            allocs as f64 / mix.len() as f64,
            bytes as f64 / mix.len() as f64,
        )
    };
    println!("\nallocations per decoded event, the mix (allocations, bytes asked for):");
    for (name, pass) in [
        (
            "decode_message_full",
            pass_over(&mix, |event| decode_full(&event.text).unwrap()),
        ),
        (
            "concrete_message",
            pass_over(&mix, |event| (event.concrete.message)(&event.text).unwrap()),
        ),
        (
            "concrete_params_only",
            pass_over(&mix, |event| {
                (event.concrete.params)(&event.params).unwrap()
            }),
        ),
        (
            "value",
            pass_over(&mix, |event| parse_value(&event.text).unwrap()),
        ),
    ] {
        let (allocs, bytes) = per_event(&*pass);
        println!("  {name:<28} {allocs:>7.2} allocations  {bytes:>9.1} bytes");
    }
    let (allocs, bytes) = count_allocations(|| {
        for (id, command) in commands.iter().enumerate() {
            black_box(command.encode_request(id as u64, Some(SESSION_ID)));
        }
    });
    let (w_allocs, w_bytes) = count_allocations(|| {
        for (id, command) in commands.iter().enumerate() {
            black_box(command.whole_request_to_string(id as u64, Some(SESSION_ID)));
        }
    });
    let (p_allocs, p_bytes) = count_allocations(|| {
        for command in &commands {
            black_box(command.params_to_string());
        }
    });
    println!("allocations per encoded command:");
    for (name, allocs, bytes) in [
        ("encode_request", allocs, bytes),
        ("whole_request_to_string", w_allocs, w_bytes),
        ("params_to_string", p_allocs, p_bytes),
    ] {
        println!(
            "  {name:<28} {:>7.2} allocations  {:>9.1} bytes",
            allocs as f64 / count as f64,
            bytes as f64 / count as f64
        );
    }
}
