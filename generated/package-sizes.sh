#!/usr/bin/env bash
# The published size of the crates that carry the shipped protocol (issue #21 (c)):
#
#   generated/package-sizes.sh [PACKAGE..]      (default: cdp-schemas cdp-bindings)
#
# It runs `cargo package -p PACKAGE.. --allow-dirty --no-verify` (with cdp-runtime and
# cdp-codegen, which cdp-bindings needs in the same set) into a target directory of its own
# (target/package-sizes/), then prints, for each .crate: its files, their sum unpacked, the
# .crate's size (what crates.io stores and every user downloads once), the ratio compressed /
# unpacked, the share of crates.io's 10 MiB limit, and its largest files. The last line is
# `PACKAGE_SIZES_SUMMARY ...` for scripts. It takes seconds; nothing is timed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="$root/target/package-sizes"
export CARGO_TERM_COLOR=never LC_ALL=C
packages=("$@")
if [ ${#packages[@]} = 0 ]; then packages=(cdp-schemas cdp-bindings); fi

# cdp-bindings' dependencies of the workspace are packaged with it: cargo resolves them in the
# set it packages, not on crates.io (where they may not be yet, or differ). They get a row too.
for dependency in cdp-runtime cdp-codegen; do
    case " ${packages[*]} " in *" $dependency "*) ;; *) packages+=("$dependency") ;; esac
done
args=()
for package in "${packages[@]}"; do args+=(-p "$package"); done
rm -rf "$work/package"
mkdir -p "$work"
if ! (cd "$root" && cargo package "${args[@]}" --allow-dirty --no-verify --target-dir "$work") \
    >"$work/package.log" 2>&1; then
    echo "failed: cargo package ${args[*]} --allow-dirty --no-verify" >&2
    cat "$work/package.log" >&2
    exit 1
fi

limit=$((10 * 1024 * 1024))
summary=""
kib() { awk -v a="$1" 'BEGIN { printf "%.1f KiB", a / 1024 }'; }
printf '%-14s %6s %14s %14s %10s %16s\n' package files unpacked .crate crate/unp "of 10 MiB limit"
for package in "${packages[@]}"; do
    crate="$(ls -t "$work"/package/"$package"-[0-9]*.crate 2>/dev/null | head -n 1)"
    if [ -z "$crate" ]; then
        echo "error: no .crate of $package in $work/package" >&2
        exit 1
    fi
    compressed=$(stat -c %s "$crate")
    # tar -tv: permissions, owner, size, date, time, name.
    read -r files unpacked < <(tar -tvzf "$crate" | awk '$1 !~ /^d/ { n++; s += $3 } END { print n, s }')
    printf '%-14s %6d %14s %14s %10.3f %15.1f%%\n' "$package" "$files" \
        "$unpacked" "$compressed" "$(awk -v a="$compressed" -v b="$unpacked" 'BEGIN { print a / b }')" \
        "$(awk -v a="$compressed" -v b="$limit" 'BEGIN { print 100 * a / b }')"
    summary="$summary ${package}_crate=$compressed ${package}_unpacked=$unpacked ${package}_files=$files"
done

echo
for package in "${packages[@]}"; do
    crate="$(ls -t "$work"/package/"$package"-[0-9]*.crate | head -n 1)"
    echo "$package: the largest files (bytes unpacked) of ${crate#"$root/"}"
    tar -tvzf "$crate" | awk '$1 !~ /^d/ { print $3, $6 }' | sort -rn | head -n 5 |
        while read -r size name; do printf '  %12s  %s (%s)\n' "$size" "${name#*/}" "$(kib "$size")"; done
done
echo
echo "PACKAGE_SIZES_SUMMARY${summary}"
