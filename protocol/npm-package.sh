#!/usr/bin/env bash
# Makes sure the devtools-protocol npm package at the version pinned in protocol/PINNED is
# unpacked where the workspace's tests and build scripts look for it, and prints that directory:
#
#   protocol/npm-package.sh        ->  <repo>/target/devtools-protocol/<version>/package
#
# (json/browser_protocol.json and json/js_protocol.json inside). The package is fetched with
# `npm pack` only when it is missing, unpacked beside its place and moved in whole. Exit status
# 1, with a message, when it is missing and npm is not installed or cannot fetch it.
#
# Used by runtime/fuzz/run.sh and runtime/bench/run.sh; protocol/full_protocol.rs is the
# build-script side of the same lookup.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
version="$(tr -d '[:space:]' < "$here/PINNED")"
package="$root/target/devtools-protocol/$version/package"

if [ ! -f "$package/json/browser_protocol.json" ] || [ ! -f "$package/json/js_protocol.json" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "error: devtools-protocol@$version is not in ${package#"$root/"} and there is no npm to fetch it" >&2
        exit 1
    fi
    mkdir -p "$root/target"
    staging="$(mktemp -d "$root/target/devtools-protocol-XXXXXX")"
    trap 'rm -rf "$staging"' EXIT
    (cd "$staging" && npm pack --silent "devtools-protocol@$version" >/dev/null && tar xzf ./*.tgz)
    mkdir -p "$(dirname "$package")"
    rm -rf "$package"
    mv "$staging/package" "$package"
fi

echo "$package"
