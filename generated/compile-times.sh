#!/usr/bin/env bash
# How long cdp-bindings takes to compile (issue #3), against a floor measured in the same run:
#
#   generated/compile-times.sh [ROUNDS]        (default 3; about 2.5 minutes a round on 2 cores)
#
# Each round, one after the other so that a busy spell of the machine weighs on all of them:
#
#   floor       clean `cargo build -p cdp-runtime`: serde, serde_json and the runtime, which
#               any serde-based bindings crate needs before its first line
#   bs          clean `cargo build -p cdp-bindings`: the default, BackgroundService only
#   full        clean `cargo build -p cdp-bindings --no-default-features` against the full
#               protocol (CDP_BINDINGS_PROTOCOL), every domain
#   script      clean build of a crate that follows the README's build.rs recipe with the
#               embedded schema: the build script's dependency tree, the script, and the crate
#   bs-crate    `cdp-bindings` alone again, its dependencies built: build script and crate
#   full-crate  the same for the full protocol
#   user        a release rebuild (after `touch`) of a small crate that decodes events of the
#               full protocol with `Event::decode_message` and matches on a few of them
#
# It prints each one's median, min and max over the rounds, the ratios to the floor, and the
# lines of generated code. Clean builds use their own target directories under
# target/compile-times/, removed at each round. The full protocol is the pinned devtools-protocol
# npm package (protocol/npm-package.sh fetches it when it is missing).
set -euo pipefail

rounds="${1:-3}"
case "$rounds" in
    '' | *[!0-9]* | 0)
        echo "usage: $0 [ROUNDS]  (ROUNDS: a positive number)" >&2
        exit 2
        ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
package="$("$root/protocol/npm-package.sh")"
full="$package/json/browser_protocol.json:$package/json/js_protocol.json"
work="$root/target/compile-times"
mkdir -p "$work"
export CARGO_TERM_COLOR=never

# The user crate: decodes stdin's lines, prints a line per message.
user="$work/user"
mkdir -p "$user/src"
cat >"$user/Cargo.toml" <<EOF
[package]
name = "cdp-compile-times-user"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
cdp-bindings = { path = "$root/generated", default-features = false }

[workspace]
EOF
cat >"$user/src/main.rs" <<'EOF'
use std::io::BufRead;

use cdp_bindings::cdp_runtime::{EventSet, Message};
use cdp_bindings::{network, page, runtime, Event};

fn main() {
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is readable");
        match Event::decode_message(&line) {
            Ok(Message::Event {
                event: Event::Network(network::Event::RequestWillBeSent(sent)),
                ..
            }) => println!("request {}", sent.request.url),
            Ok(Message::Event {
                event: Event::Page(page::Event::FrameNavigated(navigated)),
                ..
            }) => println!("navigated {}", navigated.frame.url),
            Ok(Message::Event {
                event: Event::Runtime(runtime::Event::ConsoleApiCalled(call)),
                ..
            }) => println!("console {} ({} args)", call.r#type, call.args.len()),
            Ok(Message::Event { event, .. }) => println!("event {}", event.method()),
            Ok(Message::Response(response)) => println!("response {}", response.id),
            Err(err) => println!("error {err}"),
        }
    }
}
EOF

# The README's build.rs recipe, on the embedded schema.
script="$work/script"
mkdir -p "$script/src"
cat >"$script/Cargo.toml" <<EOF
[package]
name = "cdp-compile-times-script"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
cdp-runtime = { path = "$root/runtime" }

[build-dependencies]
cdp-codegen = { path = "$root/codegen" }

[workspace]
EOF
cat >"$script/build.rs" <<'EOF'
fn main() -> Result<(), cdp_codegen::Error> {
    cdp_codegen::Config::new().generate()?;
    Ok(())
}
EOF
cat >"$script/src/lib.rs" <<'EOF'
include!(concat!(env!("OUT_DIR"), "/cdp.rs"));
EOF

# Seconds that `cargo ARGS` takes, with its output kept in $work/last.log.
timed() {
    local started ended
    started=$(date +%s.%N)
    if ! "$@" >"$work/last.log" 2>&1; then
        echo "failed: $*" >&2
        cat "$work/last.log" >&2
        exit 1
    fi
    ended=$(date +%s.%N)
    awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }' 
}

declare -A times
record() {
    times[$1]="${times[$1]:-} $2"
    printf '  %-11s %6.1f s\n' "$1" "$2"
}

cd "$root"
for round in $(seq "$rounds"); do
    echo "round $round of $rounds"
    rm -rf "$work/floor" "$work/bs" "$work/full" "$script/target"
    record floor "$(timed env CARGO_TARGET_DIR="$work/floor" cargo build -p cdp-runtime)"
    record bs "$(timed env CARGO_TARGET_DIR="$work/bs" cargo build -p cdp-bindings)"
    record script "$(cd "$script" && timed cargo build)"
    record full "$(timed env CARGO_TARGET_DIR="$work/full" CDP_BINDINGS_PROTOCOL="$full" \
        cargo build -p cdp-bindings --no-default-features)"
    cargo clean -q -p cdp-bindings --target-dir "$work/bs"
    record bs-crate "$(timed env CARGO_TARGET_DIR="$work/bs" cargo build -p cdp-bindings)"
    cargo clean -q -p cdp-bindings --target-dir "$work/full"
    record full-crate "$(timed env CARGO_TARGET_DIR="$work/full" CDP_BINDINGS_PROTOCOL="$full" \
        cargo build -p cdp-bindings --no-default-features)"
    # The user crate's dependencies are built once; only its own rebuild is timed.
    (cd "$user" && CDP_BINDINGS_PROTOCOL="$full" cargo build -q --release)
    touch "$user/src/main.rs"
    record user "$(cd "$user" && timed env CDP_BINDINGS_PROTOCOL="$full" cargo build --release)"
done

# The user crate works: every message of the real session decodes.
decoded="$("$user/target/release/cdp-compile-times-user" <"$root/tests/fixtures/chromium_mix.jsonl")"
if grep -q '^error' <<<"$decoded"; then
    echo "the user crate failed to decode:" >&2
    grep '^error' <<<"$decoded" >&2
    exit 1
fi

lines() {
    local file
    file="$(ls -t "$work/$1"/debug/build/cdp-bindings-*/out/*.rs | head -n 1)"
    wc -l <"$file"
}

echo
echo "over $rounds round(s), seconds (median, min, max), and the median's ratio to the floor:"
floor_median=""
for name in floor bs script full bs-crate full-crate user; do
    read -r median min max < <(tr ' ' '\n' <<<"${times[$name]}" | grep . | sort -g |
        awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1], v[NR] }')
    [ "$name" = floor ] && floor_median="$median"
    ratio="$(awk -v a="$median" -v b="$floor_median" 'BEGIN { printf "%.2f", a / b }')"
    printf '  %-11s median %6.1f  min %6.1f  max %6.1f   %5sx floor\n' \
        "$name" "$median" "$min" "$max" "$ratio"
done
echo "generated lines: BackgroundService $(lines bs), full protocol $(lines full)"
echo "the user crate decoded $(wc -l <<<"$decoded") messages of tests/fixtures/chromium_mix.jsonl"
