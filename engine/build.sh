#!/usr/bin/env bash
# Builds the Pulumi CLI (cli/) and the Node.js language host (language-nodejs/) from the Go
# module proxy, into a cache outside the clone, and prints the directory that holds both.
# Reused between runs: the binaries live under a directory named after a digest of the two
# modules' go.mod/go.sum and the Go version, so they are rebuilt only when one of those
# changes; Go's own module and build caches (GOMODCACHE, GOCACHE) are used as they are, so
# a rebuild only recompiles what changed. Progress goes to stderr, the directory to stdout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${PULUMI_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/s3-transfer-engine}"

digest="$(cat "$here"/cli/go.mod "$here"/cli/go.sum "$here"/language-nodejs/go.mod "$here"/language-nodejs/go.sum <(go version) | sha256sum | cut -c1-16)"
bin="$cache/bin/$digest"
if [[ -x "$bin/pulumi" && -x "$bin/pulumi-language-nodejs" ]]; then
    echo "engine: pulumi and pulumi-language-nodejs up to date in $bin" >&2
    echo "$bin"
    exit 0
fi

# The version each binary reports (`pulumi version`, plugin handshakes) is its module's.
version_of() { go -C "$here/$1" list -m -f '{{.Version}}' "$2"; }
build() {
    local dir="$1" package="$2" module="$3"
    local started=$SECONDS
    # -mod=readonly: go.sum is the record of what is built; a missing entry is an error, not a download.
    go -C "$here/$dir" build -mod=readonly -trimpath -o "$bin.tmp/" \
        -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(version_of "$dir" "$module")" "$package"
    echo "engine: built $package in $((SECONDS - started)) s" >&2
}
rm -rf "$bin.tmp" && mkdir -p "$bin.tmp"
build cli github.com/pulumi/pulumi/pkg/v3/cmd/pulumi github.com/pulumi/pulumi/pkg/v3
build language-nodejs github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 github.com/pulumi/pulumi/sdk/v3
rm -rf "$bin" && mv "$bin.tmp" "$bin"
echo "$bin"
