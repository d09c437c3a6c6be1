#!/usr/bin/env bash
# A bounded fuzzing run of decode_message over the full protocol's root Event:
#
#   runtime/fuzz/run.sh [SECONDS]          (default 60)
#
# It installs cargo-fuzz when it is missing and fuzzes for SECONDS from the committed seed
# corpus. The bindings are those of the full protocol cdp-schemas ships (build.rs: no npm, no
# fetch; CDP_FUZZ_PROTOCOL names other schema files). Any input that panics, overflows the
# stack or runs longer than 5 s fails the run (exit status non-zero) and is saved under
# runtime/fuzz/artifacts/decode_message/.
#
# cargo fuzz needs nightly-only compiler flags (-Zsanitizer=address, coverage passes). A
# nightly toolchain is used when rustup has one; otherwise the stable compiler is told to accept
# them with RUSTC_BOOTSTRAP=1, which works (checked with rustc 1.95.0).
#
# CDP_FUZZ_SANITIZER picks cargo fuzz's sanitizer: `address` (the default) or `none`, which
# builds in a fraction of the time and still catches what this target checks for: panics,
# stack overflows and inputs that run too long (CI uses it for its smoke run).
#
# New inputs libFuzzer finds go to target/fuzz-corpus/decode_message/, not into the committed
# seeds: copy one there only on purpose (a crash's reproducer, say).
set -euo pipefail

seconds="${1:-60}"
case "$seconds" in
    '' | *[!0-9]*)
        echo "usage: $0 [SECONDS]" >&2
        exit 2
        ;;
esac
sanitizer="${CDP_FUZZ_SANITIZER:-address}"
case "$sanitizer" in
    address | none) ;;
    *)
        echo "error: CDP_FUZZ_SANITIZER must be 'address' or 'none', not '$sanitizer'" >&2
        exit 2
        ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

toolchain=()
if rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi

work="$root/target/fuzz-corpus/decode_message"
mkdir -p "$work"
cd "$here"
# The first corpus directory receives new inputs; the committed seeds are only read.
cargo "${toolchain[@]}" fuzz run --sanitizer "$sanitizer" decode_message "$work" corpus/decode_message -- \
    -max_total_time="$seconds" -timeout=5 -print_final_stats=1
