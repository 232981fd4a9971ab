#!/usr/bin/env bash
# Builds the real Pulumi CLI (`pulumi`) from the Pulumi Go modules served by the Go module proxy and
# prints where the binary is. Cached: does nothing when the binary of this release is already built.
#
# Why a generated module: github.com/pulumi/pulumi/pkg/v3 declares
#   replace github.com/pulumi/pulumi/sdk/v3 => ../sdk
# so `go install .../cmd/pulumi@vX` refuses to build it. A small local module that requires pkg/v3
# and sdk/v3 at the same release, and copies pkg's other replace directives, builds it instead.
#
# The release must be at least as new as the @pulumi/pulumi in package-lock.json (3.270.0); the
# proxy serves pkg/v3 at v3.274.0 .. v3.276.0 (not v3.270.0), sdk/v3 at v3.270.0 .. v3.276.0.
#
# The language host github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 is NOT served
# by the module proxy reachable here (every version, its version list and every commit pseudo-version
# tried answer "403 This module version is not available"), see docs/worklog/pulumi-cli.md. The tests run
# the program through `pulumi ... --client=<address>`, the engine's own entry point for a language
# runtime that is already running (the one the Automation API uses for inline programs), served by
# @pulumi/pulumi's LanguageServer (scripts/tools/pulumi-program-host.js). Set PULUMI_BUILD_LANGUAGE_HOST=1
# to try building the language host anyway (it fails while the proxy refuses it).
#
# Usage: scripts/tools/build-pulumi.sh            -> prints the bin directory on stdout
# Env:   PULUMI_RELEASE (default v3.276.0), PULUMI_CKS_BIN (default ~/.cache/pulumi-cks/bin)
set -euo pipefail

release="${PULUMI_RELEASE:-v3.276.0}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks"
bin="${PULUMI_CKS_BIN:-$cache/bin}"
build="$cache/build/pulumi-$release"
mkdir -p "$bin" "$build"

log() { echo "build-pulumi: $*" >&2; }

# The Go toolchain's usual place, for shells whose PATH lacks it.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
  log "pulumi: needs Go (the go command is not on PATH)"
  exit 1
fi

# A stamp records which release the cached binary is, so a release bump rebuilds it.
stamp="$bin/.pulumi-release"
if [[ -x "$bin/pulumi" && -f "$stamp" && "$(cat "$stamp")" == "$release" ]]; then
  log "pulumi $release already built"
else
  log "building pulumi $release in $build (several minutes)"
  cd "$build"
  if [[ ! -f go.mod ]]; then
    cat > go.mod <<MOD
module pulumi-cks.local/build-pulumi

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 $release
	github.com/pulumi/pulumi/sdk/v3 $release
)
MOD
    # Copy pkg's replace directives except the relative one for sdk (required above instead).
    go mod download -json "github.com/pulumi/pulumi/pkg/v3@$release" > pkg.json
    pkgmod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' pkg.json)"
    grep -E '^replace ' "$pkgmod" | grep -v '=> \.\./sdk' >> go.mod || true
    cat > tools.go <<'GO'
//go:build tools

// Pins the CLI's main package so `go mod tidy` keeps everything it needs.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
    go mod tidy
  fi
  # Same version ldflag as pulumi's own Makefile / .goreleaser.yml.
  go build -o "$bin/pulumi.tmp" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$release" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  mv "$bin/pulumi.tmp" "$bin/pulumi"
  echo "$release" > "$stamp"
fi

if [[ "${PULUMI_BUILD_LANGUAGE_HOST:-0}" == "1" && ! -x "$bin/pulumi-language-nodejs" ]]; then
  lh=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
  ver="${PULUMI_LANGUAGE_HOST_VERSION:?set PULUMI_LANGUAGE_HOST_VERSION to the pseudo-version of the release commit}"
  log "building pulumi-language-nodejs $ver"
  GOBIN="$bin" go install "$lh@$ver" || { log "pulumi-language-nodejs: $lh@$ver cannot be had"; exit 1; }
fi

"$bin/pulumi" version >&2
echo "$bin"
