#!/usr/bin/env bash
# cdp-transport against chromiumoxide 0.9.1, driving the same Chromium (README.md):
#
#   transport/bench/run.sh                   everything: latency, flood, memory, then build time
#   transport/bench/run.sh --test            a quick check (CI): each measurement once, tiny
#                                            (also CDP_BENCH_TEST=1); build time: one round
#   transport/bench/run.sh --no-build-time   the runtime measurements only
#   transport/bench/run.sh latency|flood|memory [--rounds R] [--calls N] [--events N]
#
# The browser is $CHROMIUM, else /usr/bin/chromium, else the first of chromium,
# chromium-browser, google-chrome-stable, google-chrome, chrome on PATH. The crate has its own
# workspace, so its target directory is transport/bench/target unless CARGO_TARGET_DIR says
# otherwise. The machine should be otherwise idle; every ratio compares numbers of the same
# round, variants interleaved, so a noisy machine widens the spread rather than biasing it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

build_time=1
test_mode=0
command=all
args=()
for arg in "$@"; do
    case "$arg" in
        --test) test_mode=1; args+=("$arg") ;;
        --no-build-time) build_time=0 ;;
        all|latency|flood|memory) command="$arg" ;;
        *) args+=("$arg") ;;
    esac
done
if [ -n "${CDP_BENCH_TEST:-}" ]; then test_mode=1; args+=(--test); fi
if [ "$command" != all ]; then build_time=0; fi

cargo build --release --quiet
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"${CARGO_TARGET_DIR:-$here/target}/release/cdp-transport-bench" "$command" "${args[@]}" | tee "$log"

if [ "$build_time" = 1 ]; then
    echo
    echo "== 4. clean build time of the screenshot program (build-time.sh)"
    if [ "$test_mode" = 1 ]; then
        "$here/build-time.sh" --test | tee -a "$log"
    else
        "$here/build-time.sh" --rounds "${BUILD_ROUNDS:-2}" | tee -a "$log"
    fi
fi

echo
echo "== summary"
sed -n '/^browser: /p; /^|[ -]/p' "$log"
if [ "$build_time" = 1 ]; then
    sed -n 's/^BUILD_TIME_SUMMARY ours_s=\([^ ]*\) chromiumoxide_s=\([^ ]*\) ratio=\(.*\)$/| clean build (dev), screenshot program | ours (feature tokio) | \1 s | \2 s | \3 |/p' "$log"
fi
