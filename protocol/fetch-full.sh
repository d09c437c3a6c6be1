#!/usr/bin/env bash
# Obtains the full Chrome DevTools Protocol schema, reproducibly, into protocol/full/ (which is
# not committed). Two sources:
#
#   protocol/fetch-full.sh npm [VERSION]        the devtools-protocol npm package (`npm pack`), at
#                                               VERSION or the pinned one in protocol/PINNED;
#                                               writes protocol/full/devtools-protocol-VERSION.json
#   protocol/fetch-full.sh chromium [BINARY]    what a local browser serves at /json/protocol
#                                               (default: $CHROMIUM, else `chromium` on PATH);
#                                               writes protocol/full/chromium.json
#
# Either file holds the browser and JS protocols merged, with a top-level "source" naming where
# it came from, in a stable layout (the same input gives the same bytes). Use it with
#   cargo run -p cdp-codegen-cli -- generate --protocol protocol/full/<file>.json
# or build cdp-bindings against it with CDP_BINDINGS_PROTOCOL=protocol/full/<file>.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="$here/full"

usage() {
    sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

fetch() {
    cargo run -q --manifest-path "$root/Cargo.toml" -p cdp-codegen-cli -- fetch "$@"
}

[ $# -ge 1 ] || usage
source_kind="$1"
shift
[ $# -le 1 ] || usage
mkdir -p "$out_dir"

case "$source_kind" in
    npm)
        pinned="$(tr -d '[:space:]' < "$here/PINNED")"
        version="${1:-$pinned}"
        out="$out_dir/devtools-protocol-$version.json"
        # The cache sits in the workspace's target/, beside the other build products.
        fetch --npm "$version" --cache-dir "$root/target/npm-cache" --out "$out"
        ;;
    chromium)
        binary="${1:-${CHROMIUM:-}}"
        if [ -z "$binary" ]; then
            binary="$(command -v chromium || command -v chromium-browser || true)"
        fi
        if [ -z "$binary" ]; then
            echo "error: no chromium on PATH; give the binary: $0 chromium /path/to/chrome" >&2
            exit 2
        fi
        out="$out_dir/chromium.json"
        fetch --browser "$binary" --out "$out"
        ;;
    -h | --help | help)
        usage
        ;;
    *)
        echo "error: unknown source \`$source_kind\`; expected \`npm\` or \`chromium\`" >&2
        usage
        ;;
esac

echo "wrote ${out#"$root/"}"
