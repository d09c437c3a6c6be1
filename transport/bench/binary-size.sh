#!/usr/bin/env bash
# Stripped binary size of a program that decodes every event of the full protocol (issue #15):
# the same tiny program written with cdp-bindings and with chromiumoxide 0.9.1's bindings,
# side by side.
#
#   transport/bench/binary-size.sh                 default release profile, then `strip`
#   transport/bench/binary-size.sh --min-size      both with opt-level "z", fat LTO, one codegen
#                                                  unit, panic = "abort" (a second pair of
#                                                  builds in their own directories)
#   transport/bench/binary-size.sh --symbols N     also the N largest symbol groups (by crate
#                                                  and module, from `nm --size-sort`) of each
#
# The two programs are generated here, each a crate with its own `[workspace]` and target
# directory under target/binary-size/ (of this bench: $CARGO_TARGET_DIR when set):
#
#   ours           cdp-bindings (path, default-features = false) with every domain feature on,
#                  from the full protocol cdp-schemas ships (no env var, nothing fetched), so
#                  every domain is generated; each stdin line goes through `Event::decode_message`
#   chromiumoxide  chromiumoxide_cdp and chromiumoxide_types =0.9.1 (what chromiumoxide 0.9.1
#                  uses) and serde_json; each stdin line goes through
#                  `serde_json::from_str::<Message<CdpEventMessage>>`, which is how
#                  chromiumoxide's connection decodes what the browser sends (every event into
#                  its typed `CdpEvent`, unknown ones into `CdpEvent::Other`)
#
# Both print one line per message (`event METHOD`, `response ID`, `error ..`), keep the decoded
# value alive with `std::hint::black_box`, and end with a count of typed events, unknown
# events, responses and failures. With DECODE_ROUNDS=N in the environment they instead decode
# every line N times and print the time per message: transport/bench/decode-speed.sh. The lock files are copies of the root workspace's (ours) and
# of this bench's (chromiumoxide), so serde and serde_json are the same versions on both sides.
#
# Prints, for each program: the size in bytes of the release binary as cargo leaves it (symbol
# table, no debug info) and of a copy run through `strip`, the ratio ours/chromiumoxide of
# each, and what each decoded of tests/fixtures/chromium_mix.jsonl. The last line is
# `BINARY_SIZE_SUMMARY ...` for scripts. A first build of both takes several minutes on 2 cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
min_size=0
symbols=0
while [ $# -gt 0 ]; do
    case "$1" in
        --min-size) min_size=1; shift ;;
        --symbols)
            symbols="${2:-}"
            case "$symbols" in '' | *[!0-9]*) echo "--symbols needs a number" >&2; exit 2 ;; esac
            shift 2
            ;;
        *) echo "usage: $0 [--min-size] [--symbols N]" >&2; exit 2 ;;
    esac
done

# Every domain feature of cdp-bindings, as a TOML list.
every_domain="$(sed -n '/^# BEGIN domain features/,/^# END domain features/ s/^\([a-z0-9_]*\) = \[\]$/"\1"/p' \
    "$root/generated/Cargo.toml" | paste -sd, - | sed 's/,/, /g')"
if [ -z "$every_domain" ]; then
    echo "error: no domain features found in generated/Cargo.toml" >&2
    exit 1
fi
# The shipped protocol, whatever the environment says.
unset CDP_BINDINGS_PROTOCOL
mix="$root/tests/fixtures/chromium_mix.jsonl"
if [ ! -f "$mix" ]; then
    echo "error: ${mix#"$root/"} is missing" >&2
    exit 1
fi

if [ "$min_size" = 1 ]; then
    profile_name='release with opt-level = "z", lto = "fat", codegen-units = 1, panic = "abort"'
    work="${CARGO_TARGET_DIR:-$here/target}/binary-size/min-size"
    profile_toml='
[profile.release]
opt-level = "z"
lto = "fat"
codegen-units = 1
panic = "abort"'
else
    profile_name='default release (opt-level 3, no LTO, 16 codegen units, panic = "unwind", debug info stripped by cargo)'
    work="${CARGO_TARGET_DIR:-$here/target}/binary-size/default"
    profile_toml=''
fi
export CARGO_TERM_COLOR=never

ours="$work/ours"
theirs="$work/chromiumoxide"
mkdir -p "$ours/src" "$theirs/src"
# write FILE: stdin into FILE, left untouched when it already holds that (no needless rebuild).
write() {
    local text
    text="$(cat)"
    if [ ! -f "$1" ] || [ "$(cat "$1")" != "$text" ]; then printf '%s\n' "$text" >"$1"; fi
}

# timing EXPR: the part of main() that, with DECODE_ROUNDS=N in the environment, decodes every
# line N times with EXPR and prints the time per message (decode-speed.sh), then returns.
timing() {
    cat <<EOF
    if let Some(rounds) = std::env::var_os("DECODE_ROUNDS") {
        let rounds: u32 = rounds.to_str().and_then(|n| n.parse().ok()).expect("DECODE_ROUNDS: a number");
        let lines: Vec<String> =
            std::io::stdin().lock().lines().map(Result::unwrap).filter(|l| !l.trim().is_empty()).collect();
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            for line in &lines {
                let _ = black_box($1);
            }
        }
        let ns = started.elapsed().as_nanos() as f64 / (f64::from(rounds) * lines.len() as f64);
        println!("DECODE messages={} ns_per_message={ns:.1}", lines.len());
        return;
    }
EOF
}

write "$ours/Cargo.toml" <<EOF
[package]
name = "binary-size-ours"
version = "0.0.0"
edition = "2021"
publish = false

# Generated by transport/bench/binary-size.sh.
[workspace]

[dependencies]
cdp-bindings = { path = "$root/generated", default-features = false, features = [$every_domain] }
$profile_toml
EOF
{
    cat <<'EOF'
use std::hint::black_box;
use std::io::{BufRead, Write};

use cdp_bindings::cdp_runtime::{EventSet, Message};
use cdp_bindings::Event;

fn main() {
EOF
timing 'Event::decode_message(black_box(line))'
cat <<'EOF'
    let mut out = std::io::stdout().lock();
    let (mut typed, mut unknown, mut responses, mut errors) = (0u64, 0u64, 0u64, 0u64);
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is readable");
        if line.trim().is_empty() {
            continue;
        }
        match Event::decode_message(&line) {
            Ok(Message::Event { session_id, event }) => {
                let event = black_box(event);
                if matches!(event, Event::Unknown(_)) {
                    unknown += 1;
                } else {
                    typed += 1;
                }
                let session = session_id.as_deref().unwrap_or("-");
                writeln!(out, "event {} {session}", event.method()).unwrap();
            }
            Ok(Message::Response(response)) => {
                responses += 1;
                writeln!(out, "response {}", black_box(response).id).unwrap();
            }
            Err(err) => {
                errors += 1;
                writeln!(out, "error {err}").unwrap();
            }
        }
    }
    writeln!(out, "COUNTS typed={typed} unknown={unknown} responses={responses} errors={errors}")
        .unwrap();
}
EOF
} | write "$ours/src/main.rs"

write "$theirs/Cargo.toml" <<EOF
[package]
name = "binary-size-chromiumoxide"
version = "0.0.0"
edition = "2021"
publish = false

# Generated by transport/bench/binary-size.sh.
[workspace]

[dependencies]
# What chromiumoxide 0.9.1 decodes the browser's messages with.
chromiumoxide_cdp = "=0.9.1"
chromiumoxide_types = "=0.9.1"
serde_json = "1"
$profile_toml
EOF
{
    cat <<'EOF'
use std::hint::black_box;
use std::io::{BufRead, Write};

use chromiumoxide_cdp::cdp::events::{CdpEvent, CdpEventMessage};
use chromiumoxide_types::Message;

fn main() {
EOF
timing 'serde_json::from_str::<Message<CdpEventMessage>>(black_box(line))'
cat <<'EOF'
    let mut out = std::io::stdout().lock();
    let (mut typed, mut unknown, mut responses, mut errors) = (0u64, 0u64, 0u64, 0u64);
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is readable");
        if line.trim().is_empty() {
            continue;
        }
        // As chromiumoxide's `Connection<CdpEventMessage>` does with each text frame.
        match serde_json::from_str::<Message<CdpEventMessage>>(&line) {
            Ok(Message::Event(message)) => {
                let message = black_box(message);
                if matches!(message.params, CdpEvent::Other(_)) {
                    unknown += 1;
                } else {
                    typed += 1;
                }
                let session = message.session_id.as_deref().unwrap_or("-");
                writeln!(out, "event {} {session}", message.method).unwrap();
            }
            Ok(Message::Response(response)) => {
                responses += 1;
                writeln!(out, "response {}", black_box(response).id).unwrap();
            }
            Err(err) => {
                errors += 1;
                writeln!(out, "error {err}").unwrap();
            }
        }
    }
    writeln!(out, "COUNTS typed={typed} unknown={unknown} responses={responses} errors={errors}")
        .unwrap();
}
EOF
} | write "$theirs/src/main.rs"

# Pinned versions: the root workspace's lock for ours, this bench's for chromiumoxide (cargo
# drops what a crate does not use and adds its own package, changing no version).
if [ ! -f "$ours/Cargo.lock" ]; then cp "$root/Cargo.lock" "$ours/Cargo.lock"; fi
if [ ! -f "$theirs/Cargo.lock" ]; then cp "$here/Cargo.lock" "$theirs/Cargo.lock"; fi

now() { date +%s.%N; }
# build DIR [ENV=VALUE..]: a release build of the crate in DIR, in DIR/target.
build() {
    local dir=$1 started log
    shift
    log="$dir/build.log"
    started=$(now)
    if ! (cd "$dir" && env CARGO_TARGET_DIR="$dir/target" "$@" cargo build --release) >"$log" 2>&1; then
        echo "failed: cargo build --release in $dir" >&2
        cat "$log" >&2
        exit 1
    fi
    printf '  built %-14s in %6.1f s (%s)\n' "$(basename "$dir")" "$(echo "$(now) - $started" | bc -l)" \
        "$(grep -c '^ *Compiling' "$log" || true) crates compiled"
}

echo "profile: $profile_name"
echo "work directory: $work"
(cd "$ours" && cargo fetch --quiet)
(cd "$theirs" && cargo fetch --quiet)
build "$ours"
build "$theirs"

declare -A unstripped stripped counts
for program in ours chromiumoxide; do
    dir="$work/$program"
    binary="$dir/target/release/binary-size-$program"
    cp "$binary" "$dir/unstripped"
    strip -o "$dir/stripped" "$binary"
    unstripped[$program]=$(stat -c %s "$dir/unstripped")
    stripped[$program]=$(stat -c %s "$dir/stripped")
    "$dir/stripped" <"$mix" >"$dir/decoded.txt"
    counts[$program]="$(sed -n 's/^COUNTS //p' "$dir/decoded.txt")"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
mib() { awk -v a="$1" 'BEGIN { printf "%.2f MiB", a / 1048576 }'; }
echo
echo "binary size, bytes ($profile_name):"
printf '  %-14s %12s %12s\n' "" unstripped stripped
for program in ours chromiumoxide; do
    printf '  %-14s %12s %12s  (%s stripped)\n' "$program" "${unstripped[$program]}" \
        "${stripped[$program]}" "$(mib "${stripped[$program]}")"
done
stripped_ratio="$(ratio "${stripped[ours]}" "${stripped[chromiumoxide]}")"
unstripped_ratio="$(ratio "${unstripped[ours]}" "${unstripped[chromiumoxide]}")"
printf '  %-14s %12s %12s  (target: stripped <= 0.600)\n' "ours/chromiumoxide" \
    "$unstripped_ratio" "$stripped_ratio"
echo
echo "decoded $(grep -c . "$mix") messages of ${mix#"$root/"} (typed and unknown events, responses, failures):"
for program in ours chromiumoxide; do
    printf '  %-14s %s\n' "$program" "${counts[$program]}"
done
for program in ours chromiumoxide; do
    if grep -q '^error' "$work/$program/decoded.txt"; then
        echo "  $program failed on:"
        # The methods of the failed lines (one output line per input line).
        grep -n '^error' "$work/$program/decoded.txt" | cut -d: -f1 | while read -r n; do
            sed -n "${n}p" "$mix" | grep -o '"method":"[^"]*"' | head -n 1 || echo '(no method)'
        done | sort | uniq -c | sort -rn | sed 's/^/    /'
        grep '^error' "$work/$program/decoded.txt" | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/    /'
    fi
done

if [ "$symbols" -gt 0 ]; then
    # Symbol groups: the crate and module of a symbol (of its self type for `<T as Trait>::f`,
    # of the trait when that type is a bare parameter or PhantomData), two path segments deep,
    # summed over `nm --size-sort` of the unstripped binary. A rough map: inlined code counts
    # where it landed.
    for program in ours chromiumoxide; do
        echo
        echo "$program: the $symbols largest symbol groups (bytes, symbols; of $(nm --size-sort -S -t d "$work/$program/unstripped" |
            awk '{ s += $2 } END { print s }') bytes in sized symbols)"
        nm --size-sort -S -t d -C "$work/$program/unstripped" |
            awk '{
                size = $2 + 0; $1 = ""; $2 = ""; $3 = ""; name = substr($0, 4)
                while (name ~ /^</) { name = substr(name, 2) }
                sub(/^&(mut )?/, "", name); sub(/^\(?dyn /, "", name)
                self = name; sub(/ as .*/, "", self); sub(/[<>].*/, "", self)
                # A generic parameter or a PhantomData seed says nothing: take the trait.
                if (self ~ /^[A-Z]$/ || self == "core::marker::PhantomData") {
                    if (match(name, / as [^<>]*/)) { self = substr(name, RSTART + 4, RLENGTH - 4) }
                }
                n = split(self, part, "::")
                group = (n >= 2) ? part[1] "::" part[2] : part[1]
                total[group] += size; count[group] += 1
            } END { for (g in total) printf "%10d %6d  %s\n", total[g], count[g], g }' |
            sort -rn | head -n "$symbols" | sed 's/^/  /'
    done
fi

echo
echo "BINARY_SIZE_SUMMARY ours_stripped=${stripped[ours]} chromiumoxide_stripped=${stripped[chromiumoxide]} ratio=$stripped_ratio ours_unstripped=${unstripped[ours]} chromiumoxide_unstripped=${unstripped[chromiumoxide]}"
