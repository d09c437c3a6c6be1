#!/usr/bin/env bash
# Clean-build time of the same tiny program (launch, new page, goto, screenshot, write the
# file) with cdp-transport (feature `tokio`) and with chromiumoxide 0.9.1: build-time/ours and
# build-time/chromiumoxide, each its own workspace and target directory.
#
#   transport/bench/build-time.sh            3 rounds, interleaved (ours, theirs, theirs, ours, ..)
#   transport/bench/build-time.sh --rounds 2
#   transport/bench/build-time.sh --test     one round, then each program is run once
#   PROFILE=release transport/bench/build-time.sh   `cargo build --release` instead of a dev build
#
# Dependencies are fetched before anything is timed (`cargo fetch`), so the network is not
# measured; each round deletes the target directory and runs `cargo build` with
# CARGO_BUILD_JOBS unset (every core). Prints each build's seconds, then min/median/max and the
# ratio ours/chromiumoxide of the medians and of each round.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rounds=3
test_mode=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --test) test_mode=1; rounds=1; shift ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
profile_flag=()
if [ "${PROFILE:-dev}" = "release" ]; then profile_flag=(--release); fi

programs=(ours chromiumoxide)
for program in "${programs[@]}"; do
    (cd "$here/build-time/$program" && cargo fetch --quiet)
done

now() { date +%s.%N; }
declare -A times
for round in $(seq 1 "$rounds"); do
    # Alternate which goes first, so that neither always builds on a warmer machine.
    if [ $((round % 2)) -eq 1 ]; then order=(ours chromiumoxide); else order=(chromiumoxide ours); fi
    for program in "${order[@]}"; do
        dir="$here/build-time/$program"
        target="$dir/target"
        rm -rf "$target"
        start=$(now)
        (cd "$dir" && CARGO_TARGET_DIR="$target" cargo build --quiet "${profile_flag[@]}" --offline)
        end=$(now)
        secs=$(echo "$end - $start" | bc -l)
        times[$program,$round]=$secs
        printf 'round %d  %-14s %7.1f s\n' "$round" "$program" "$secs"
    done
done

summary() {
    local program=$1
    local values=()
    for round in $(seq 1 "$rounds"); do values+=("${times[$program,$round]}"); done
    printf '%s\n' "${values[@]}" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f %.1f %.1f\n", a[1], m, a[NR]}'
}
read -r o_min o_med o_max < <(summary ours)
read -r c_min c_med c_max < <(summary chromiumoxide)
ratios=()
for round in $(seq 1 "$rounds"); do
    ratios+=("$(echo "${times[ours,$round]} / ${times[chromiumoxide,$round]}" | bc -l)")
done
echo
echo "clean build (${PROFILE:-dev}), seconds over $rounds round(s): min / median / max"
printf '  %-14s %6.1f %6.1f %6.1f\n' ours "$o_min" "$o_med" "$o_max"
printf '  %-14s %6.1f %6.1f %6.1f\n' chromiumoxide "$c_min" "$c_med" "$c_max"
printf '  ratio ours/chromiumoxide of the medians: %.2f  (per round: %s)\n' \
    "$(echo "$o_med / $c_med" | bc -l)" "$(printf '%.2f ' "${ratios[@]}")"
echo "BUILD_TIME_SUMMARY ours_s=$o_med chromiumoxide_s=$c_med ratio=$(printf '%.2f' "$(echo "$o_med / $c_med" | bc -l)")"

if [ "$test_mode" = 1 ]; then
    for program in "${programs[@]}"; do
        dir="$here/build-time/$program"
        (cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo run --quiet --offline)
        rm -f "$dir/screenshot.png"
    done
fi
