#!/usr/bin/env bash
# Dispatch benchmarks of cdp-runtime over the full protocol (issue #5):
#
#   runtime/bench/run.sh                     every bench: criterion groups, then the ratio table
#   runtime/bench/run.sh --bench ratios      the ratio table only (-- --rounds N --round-ms MS)
#   runtime/bench/run.sh --bench dispatch    the criterion groups only
#   runtime/bench/run.sh -- --test           a quick check: each bench once, 3 short rounds
#
# Arguments go to `cargo bench` as they are. The full protocol is the one cdp-schemas ships
# (the devtools-protocol version in protocol/PINNED, as facts: nothing is fetched), unless
# CDP_BENCH_PROTOCOL names other schema files. The messages are
# tests/fixtures/chromium_mix.jsonl (else chromium_background_service.jsonl), or the file
# CDP_BENCH_MESSAGES names. The crate has its own workspace, so its target directory is
# runtime/bench/target unless CARGO_TARGET_DIR says otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

cd "$here"
exec cargo bench "$@"
