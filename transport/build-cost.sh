#!/usr/bin/env bash
# What each feature of cdp-transport costs to build, and what its default features cost a
# program: clean dev builds in a scratch copy of the workspace, each with a target directory of
# its own.
#
#   transport/build-cost.sh [--runs N] [--jobs N]
#
# Prints two Markdown tables:
#
# 1. cdp-transport with each feature set: the crates compiled, the wall-clock and CPU seconds,
#    and their ratios to a floor, the clean build of cdp-runtime (which every build here
#    includes). "serde derive" turns on serde's `derive` feature, which cdp-transport asked for
#    (unused) before its default became lean: it builds serde_derive and syn.
# 2. The screenshot example (examples/examples/screenshot.rs) built as a program of its own,
#    outside the workspace, that asks for `cdp-transport = { features = ["tokio"] }` and tokio
#    with its macros: with cdp-transport's default features of now (pipe) and with the old ones
#    (pipe and websocket, and serde's derive), and the ratio of the new to the old.
#
# Each time is the least of N runs (default 1): the machine's other work only ever adds time.
# The count of crates compiled does not depend on the machine at all. Builds offline: the
# crates in Cargo.lock must be in cargo's cache (a build of the workspace fetches them).
set -euo pipefail

runs=1
jobs=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="${2:-}"; shift 2 ;;
        --jobs) jobs="${2:-}"; shift 2 ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--runs N] [--jobs N]" >&2; exit 2 ;;
    esac
done
for number in "$runs" "${jobs:-1}"; do
    case "$number" in ''|*[!0-9]*|0) echo "--runs and --jobs take a number over 0, not '$number'" >&2; exit 2 ;; esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/cdp-build-cost.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# The workspace's files as they are (committed or not), without its target directory.
mkdir "$scratch/ws"
(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$root" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
    tar -C "$scratch/ws" -xf -

# The same workspace with cdp-transport's old defaults.
cp -r "$scratch/ws" "$scratch/old"
manifest="$scratch/old/transport/Cargo.toml"
sed -i -e 's/^default = \["pipe"\]$/default = ["pipe", "websocket"]/' \
    -e 's/^serde = { workspace = true }$/serde = { workspace = true, features = ["derive"] }/' "$manifest"
grep -q '^default = \["pipe", "websocket"\]$' "$manifest" &&
    grep -q '^serde = { workspace = true, features = \["derive"\] }$' "$manifest" || {
    echo "transport/Cargo.toml has changed: its old defaults cannot be put back" >&2
    exit 1
}

# The screenshot example as a program of its own, against either workspace's cdp-transport.
program() {
    local dir="$scratch/program-$1"
    mkdir -p "$dir/src"
    cp "$scratch/ws/examples/examples/screenshot.rs" "$dir/src/main.rs"
    cp "$scratch/ws/Cargo.lock" "$dir/Cargo.lock"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "screenshot"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
cdp-transport = { path = "$2/transport", features = ["tokio"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread", "time"] }

[workspace]
EOF
    echo "$dir"
}
new_program="$(program new "$scratch/ws")"
old_program="$(program old "$scratch/old")"

# Builds `$@` in directory `$1` from a clean target directory, `runs` times; prints
# "CRATES WALL CPU", the least seconds of the runs.
measure() {
    local dir="$1"; shift
    local wall="" cpu="" crates=0 run
    for run in $(seq "$runs"); do
        rm -rf "$scratch/target"
        local log times
        # bash's own `time`: real, user and system seconds of the build.
        times="$(
            cd "$dir"
            TIMEFORMAT='%R %U %S'
            { time cargo build --offline ${jobs:+--jobs "$jobs"} --target-dir "$scratch/target" "$@" \
                >"$scratch/log" 2>&1; } 2>&1
        )" || {
            echo "cargo build $* (in $dir) failed:" >&2
            cat "$scratch/log" >&2
            exit 1
        }
        crates="$(grep -c '^ *Compiling ' "$scratch/log" || true)"
        read -r wall cpu < <(awk -v w="$wall" -v c="$cpu" -v t="$times" 'BEGIN {
            split(t, s, " "); run_cpu = s[2] + s[3]
            if (w == "" || s[1] < w) w = s[1]
            if (c == "" || run_cpu < c) c = run_cpu
            printf "%.1f %.1f\n", w, c
        }')
    done
    echo "$crates $wall $cpu"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

echo "Clean dev builds, least of $runs run(s); $(nproc) CPU(s); $(rustc --version)" >&2
read -r crates floor_wall floor_cpu < <(measure "$scratch/ws" -p cdp-runtime)

echo "| cdp-transport features | crates compiled | wall s | CPU s | wall vs floor | CPU vs floor |"
echo "|---|---:|---:|---:|---:|---:|"
printf '| floor: cdp-runtime alone | %s | %s | %s | 1.00x | 1.00x |\n' "$crates" "$floor_wall" "$floor_cpu"
while IFS='|' read -r label features; do
    read -r crates wall cpu < <(measure "$scratch/ws" -p cdp-transport --no-default-features ${features:+--features "$features"})
    printf '| %s | %s | %s | %s | %sx | %sx |\n' "$label" "$crates" "$wall" "$cpu" \
        "$(ratio "$wall" "$floor_wall")" "$(ratio "$cpu" "$floor_cpu")"
done <<'SETS'
none|
pipe (the default)|pipe
websocket|websocket
tokio|tokio
pipe, websocket|pipe,websocket
pipe, tokio|pipe,tokio
pipe, serde derive|pipe,serde/derive
pipe, websocket, serde derive (the old default)|pipe,websocket,serde/derive
all: pipe, websocket, tokio|pipe,websocket,tokio
SETS

echo
echo "| screenshot example, a program on tokio | crates compiled | wall s | CPU s | wall vs old | CPU vs old |"
echo "|---|---:|---:|---:|---:|---:|"
read -r old_crates old_wall old_cpu < <(measure "$old_program")
read -r new_crates new_wall new_cpu < <(measure "$new_program")
printf '| old defaults: pipe, websocket, serde derive | %s | %s | %s | 1.00x | 1.00x |\n' \
    "$old_crates" "$old_wall" "$old_cpu"
printf '| new default: pipe | %s | %s | %s | %sx | %sx |\n' "$new_crates" "$new_wall" "$new_cpu" \
    "$(ratio "$new_wall" "$old_wall")" "$(ratio "$new_cpu" "$old_cpu")"
