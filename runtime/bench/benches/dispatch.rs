//! Criterion throughput of every variant (`runtime/bench/run.sh --bench dispatch`):
//!
//! - `decode_mix`: the real event mix through `decode_message::<full::Event>`, against
//!   `serde_json::from_str` of each whole message into `EventMessage<ConcreteEvent>` (the type
//!   known in advance, resolved before timing), of its params alone into `ConcreteEvent`, and of
//!   the whole message into `serde_json::Value`;
//! - `dispatch_domains`: the BackgroundService messages through the root `Event` of the
//!   BackgroundService bindings (1 domain) and of the full protocol (every domain);
//! - `encode`: `encode_request` against `serde_json::to_string` of a derived struct of the whole
//!   request (the same bytes; `WholeRequest`), with and without a session id, and of the params
//!   alone (the old comparison).
//!
//! The ratios themselves, with their spread, come from `benches/ratios.rs`.

use std::hint::black_box;

use cdp_runtime_bench::{
    check_whole_requests, commands, decode_full, decode_one, parse_value, Corpus, SESSION_ID,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn decode_mix(c: &mut Criterion) {
    let corpus = Corpus::load();
    let events: Vec<_> = corpus.events.iter().collect();
    let mut group = c.benchmark_group("decode_mix");
    group.throughput(Throughput::Bytes(Corpus::bytes(&events)));
    group.bench_function("decode_message_full", |b| {
        b.iter(|| {
            for event in &events {
                decode_full(black_box(&event.text)).unwrap();
            }
        })
    });
    group.bench_function("concrete_message", |b| {
        b.iter(|| {
            for event in &events {
                (event.concrete.message)(black_box(&event.text)).unwrap();
            }
        })
    });
    group.bench_function("concrete_params_only", |b| {
        b.iter(|| {
            for event in &events {
                (event.concrete.params)(black_box(&event.params)).unwrap();
            }
        })
    });
    group.bench_function("value", |b| {
        b.iter(|| {
            for event in &events {
                parse_value(black_box(&event.text)).unwrap();
            }
        })
    });
    group.finish();
}

fn dispatch_domains(c: &mut Criterion) {
    let corpus = Corpus::load();
    let events = corpus.domain("BackgroundService");
    if events.is_empty() {
        eprintln!(
            "dispatch_domains: no BackgroundService event in {}",
            corpus.path.display()
        );
        return;
    }
    let mut group = c.benchmark_group("dispatch_domains");
    group.throughput(Throughput::Bytes(Corpus::bytes(&events)));
    group.bench_function("one_domain", |b| {
        b.iter(|| {
            for event in &events {
                decode_one(black_box(&event.text)).unwrap();
            }
        })
    });
    group.bench_function("all_domains", |b| {
        b.iter(|| {
            for event in &events {
                decode_full(black_box(&event.text)).unwrap();
            }
        })
    });
    group.finish();
}

fn encode(c: &mut Criterion) {
    let commands = commands();
    check_whole_requests(&commands);
    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Elements(commands.len() as u64));
    group.bench_function("encode_request", |b| {
        b.iter(|| {
            for (id, command) in commands.iter().enumerate() {
                black_box(command.encode_request(black_box(id as u64), Some(SESSION_ID)));
            }
        })
    });
    group.bench_function("whole_request_to_string", |b| {
        b.iter(|| {
            for (id, command) in commands.iter().enumerate() {
                black_box(command.whole_request_to_string(black_box(id as u64), Some(SESSION_ID)));
            }
        })
    });
    group.bench_function("encode_request_no_session", |b| {
        b.iter(|| {
            for (id, command) in commands.iter().enumerate() {
                black_box(command.encode_request(black_box(id as u64), None));
            }
        })
    });
    group.bench_function("whole_request_no_session", |b| {
        b.iter(|| {
            for (id, command) in commands.iter().enumerate() {
                black_box(command.whole_request_to_string(black_box(id as u64), None));
            }
        })
    });
    group.bench_function("params_to_string", |b| {
        b.iter(|| {
            for command in &commands {
                black_box(command.params_to_string());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, decode_mix, dispatch_domains, encode);
criterion_main!(benches);
