#!/usr/bin/env bash
# How fast cdp-bindings decodes a real Chromium session against chromiumoxide 0.9.1's bindings
# (issue #22: at least 1.6x), with the two programs binary-size.sh builds (it is run first, and
# builds them when they are missing or stale):
#
#   transport/bench/decode-speed.sh [ROUNDS]      ROUNDS (default 9) alternating runs of each
#
# Each run decodes every message of tests/fixtures/chromium_mix.jsonl (288 messages captured
# from a real Chromium: events of Network, Page, Runtime, Target, DOM, .. and responses) 2,000
# times, as each client decodes what the browser sends: ours `Event::decode_message` into the
# root Event of the whole protocol, chromiumoxide `serde_json::from_str::<Message<CdpEventMessage>>`
# (its 12 `Network.requestWillBeSentExtraInfo` fail to decode there: part of its cost too).
# Prints the time per message of each run and the ratio chromiumoxide / ours of each round
# (above 1: ours is faster), then the median, min and max of the ratios.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-9}"
case "$rounds" in '' | *[!0-9]* | 0) echo "usage: $0 [ROUNDS]" >&2; exit 2 ;; esac

"$here/binary-size.sh" >/dev/null
work="${CARGO_TARGET_DIR:-$here/target}/binary-size/default"
mix="$root/tests/fixtures/chromium_mix.jsonl"

run() { DECODE_ROUNDS=2000 "$work/$1/target/release/binary-size-$1" <"$mix" | sed -n 's/.*ns_per_message=//p'; }
ratios=()
for round in $(seq "$rounds"); do
    if [ $((round % 2)) = 1 ]; then
        ours=$(run ours); theirs=$(run chromiumoxide)
    else
        theirs=$(run chromiumoxide); ours=$(run ours)
    fi
    ratio=$(echo "$theirs / $ours" | bc -l)
    ratios+=("$ratio")
    printf 'round %d: ours %8.1f ns/message, chromiumoxide %8.1f ns/message, chromiumoxide/ours %.3f\n' \
        "$round" "$ours" "$theirs" "$ratio"
done
printf '%s\n' "${ratios[@]}" | sort -g | awk '{ r[NR] = $1 } END {
    printf "chromiumoxide / ours: median %.3f (min %.3f, max %.3f) over %d rounds\n", r[int((NR + 1) / 2)], r[1], r[NR], NR }'
