#!/usr/bin/env bash
# Real tools for the containerd and binaries-ISO cross-checks (test/system/containerd-config.test.ts,
# test/system/iso-blkid.test.ts):
# - Debian's containerd (1.6: config version 2) and containerd 2.1.4 built from its Go module
#   (config version 3), for `containerd config default` / `config dump`;
# - util-linux blkid, isoinfo (genisoimage) and xorriso, for probing and building ISO images.
# Idempotent; reuses the cached containerd 2 build and Go's module cache. Exits non-zero naming what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

CONTAINERD2_VERSION=2.1.4
cache="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks/bin"
mkdir -p "$cache"

need_apt=()
command -v containerd >/dev/null || need_apt+=(containerd)
command -v blkid >/dev/null || need_apt+=(util-linux)
command -v isoinfo >/dev/null || need_apt+=(genisoimage)
command -v xorriso >/dev/null || need_apt+=(xorriso)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then echo "containerd.sh: apt-get missing; cannot install ${need_apt[*]}" >&2; exit 1; fi
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null || { echo "containerd.sh: apt-get install ${need_apt[*]} failed" >&2; exit 1; }
fi
for tool in containerd blkid isoinfo xorriso; do
  command -v "$tool" >/dev/null || { echo "containerd.sh: $tool is still missing" >&2; exit 1; }
done

target="$cache/containerd-$CONTAINERD2_VERSION"
if [ ! -x "$target" ] || ! "$target" --version 2>/dev/null | grep -q " $CONTAINERD2_VERSION"; then
  command -v go >/dev/null || { echo "containerd.sh: go is required to build containerd $CONTAINERD2_VERSION" >&2; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (
    cd "$work"
    printf 'module local/containerd2build\n\ngo 1.24\n' > go.mod
    GOFLAGS=-mod=mod go get "github.com/containerd/containerd/v2@v$CONTAINERD2_VERSION"
    GOFLAGS=-mod=mod go build -o "$target.tmp" github.com/containerd/containerd/v2/cmd/containerd
  ) || { echo "containerd.sh: building containerd $CONTAINERD2_VERSION from Go modules failed" >&2; exit 1; }
  mv "$target.tmp" "$target"
fi
"$target" --version | grep -q " $CONTAINERD2_VERSION" || { echo "containerd.sh: containerd-$CONTAINERD2_VERSION does not run" >&2; exit 1; }

echo "containerd: $(containerd --version)"
echo "containerd-$CONTAINERD2_VERSION: $("$target" --version)"
echo "blkid: $(blkid --version 2>&1 | head -1)"
echo "isoinfo: $(command -v isoinfo)  xorriso: $(xorriso -version 2>/dev/null | head -1)"
