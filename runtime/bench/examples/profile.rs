//! A fixed amount of one variant's work, for `valgrind --tool=callgrind` (instruction counts are
//! stable where wall time is not):
//!
//! ```sh
//! cargo build --profile bench --example profile
//! valgrind --tool=callgrind target/release/examples/profile VARIANT [PASSES]
//! ```
//!
//! VARIANT: `full`, `concrete`, `params`, `value` (the mix), `bs-one`, `bs-full`, `bs-concrete`
//! (the BackgroundService events), `encode`, `to-string` (the commands). Each pass goes over the
//! whole set once; it prints the number of messages (or commands) a pass handles.

use std::hint::black_box;

use cdp_runtime_bench::{commands, decode_full, decode_one, parse_value, Corpus, SESSION_ID};

fn main() {
    let mut args = std::env::args().skip(1);
    let variant = args.next().unwrap_or_else(|| "full".to_owned());
    let passes: usize = args
        .next()
        .map_or(100, |n| n.parse().expect("PASSES is a number"));
    let corpus = Corpus::load();
    let mix: Vec<_> = corpus.events.iter().collect();
    let background = corpus.domain("BackgroundService");
    let commands = commands();
    let (set, decode): (&[_], fn(&cdp_runtime_bench::EventText)) = match variant.as_str() {
        "full" => (&mix, |e| decode_full(&e.text).unwrap()),
        "concrete" => (&mix, |e| (e.concrete.message)(&e.text).unwrap()),
        "params" => (&mix, |e| (e.concrete.params)(&e.params).unwrap()),
        "value" => (&mix, |e| parse_value(&e.text).unwrap()),
        "bs-one" => (&background, |e| decode_one(&e.text).unwrap()),
        "bs-full" => (&background, |e| decode_full(&e.text).unwrap()),
        "bs-concrete" => (&background, |e| (e.concrete.message)(&e.text).unwrap()),
        "encode" | "to-string" => {
            for _ in 0..passes {
                for (id, command) in commands.iter().enumerate() {
                    if variant == "encode" {
                        black_box(command.encode_request(id as u64, Some(SESSION_ID)));
                    } else {
                        black_box(command.params_to_string());
                    }
                }
            }
            println!("{} commands per pass", commands.len());
            return;
        }
        other => panic!("unknown variant `{other}`"),
    };
    for _ in 0..passes {
        for event in set {
            decode(black_box(event));
        }
    }
    println!("{} messages per pass", set.len());
}
