#!/usr/bin/env bash
# Builds the real kubeadm from Go modules, one binary per Kubernetes version, for the system tests that
# cross-check the provider's kubeadm configs and the simulator's verdicts (test/system/kubeadm-validate).
#
# Why not `go install k8s.io/kubernetes/cmd/kubeadm@vX.Y.Z`: k8s.io/kubernetes's go.mod replaces its
# staging modules (k8s.io/api, k8s.io/apimachinery, ...) with ./staging/src/..., and `go install
# pkg@version` refuses modules with replace directives. So we generate a tiny local module that requires
# k8s.io/kubernetes vX.Y.Z and pins every staging module named in its replace block to the published
# v0.Y.Z, then `go build` kubeadm from it.
#
# Usage: build-kubeadm.sh [vX.Y.Z ...]   (default: the oldest and newest minor our ISOs ship)
# Output: ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks/bin/kubeadm-vX.Y.Z (skipped when present).
set -euo pipefail

# simulator/iso/catalog.ts CATALOG_VERSIONS: 1.29.15 (oldest) and 1.33.5 (newest).
versions=("$@")
[ "${#versions[@]}" -gt 0 ] || versions=(v1.29.15 v1.33.5)

cache="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks"
bin="$cache/bin"
mkdir -p "$bin"
command -v go >/dev/null || { echo "kubeadm: go is required to build kubeadm from Go modules" >&2; exit 1; }
# Never let the go command fetch another toolchain: the build uses the installed Go.
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

build_one() {
  local v="$1" out="$bin/kubeadm-$1"
  if [ -x "$out" ]; then echo "kubeadm $v: cached at $out"; return 0; fi
  case "$v" in v1.*.*) ;; *) echo "kubeadm: version must look like v1.Y.Z, got '$v'" >&2; return 1 ;; esac
  local staging="v0.${v#v1.}"     # v1.29.15 -> v0.29.15, the tag of every staging module
  local dir="$cache/kubeadm-build/$v"
  mkdir -p "$dir"

  # The upstream go.mod: which k8s.io modules are staging (replace ... => ./staging/src/...).
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [ -f "$gomod" ] || { echo "kubeadm $v: could not download k8s.io/kubernetes@$v's go.mod" >&2; return 1; }
  local mods
  mods="$(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._/-]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$gomod" | sort -u)"
  [ -n "$mods" ] || { echo "kubeadm $v: no staging replace lines found in $gomod" >&2; return 1; }
  local godir
  godir="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$gomod" | head -n1)"

  {
    echo "module example.invalid/kubeadm-build"
    echo
    echo "go ${godir:-1.21}"
    echo
    echo "require k8s.io/kubernetes $v"
    echo
    local m
    for m in $mods; do echo "replace $m => $m $staging"; done
  } >"$dir/go.mod"
  # A tools file so `go mod tidy` keeps kubeadm's whole import graph in the requirements.
  cat >"$dir/tools.go" <<'GO'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kubeadm"
GO

  echo "kubeadm $v: resolving modules (staging pinned to $staging)"
  (cd "$dir" && go mod tidy)
  # hack/lib/version.sh stamps these; kubeadm compares its own version with kubernetesVersion, so an
  # unstamped v0.0.0-master build would judge configs differently from the released binary.
  local minor="${v#v1.}"; minor="${minor%%.*}"
  local ldflags="-s -w"
  local pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  echo "kubeadm $v: building (this takes a while)"
  (cd "$dir" && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$out.tmp" k8s.io/kubernetes/cmd/kubeadm)
  mv "$out.tmp" "$out"
  echo "kubeadm $v: built $out ($("$out" version -o short))"
}

rc=0
for v in "${versions[@]}"; do build_one "$v" || { echo "kubeadm $v: build FAILED" >&2; rc=1; }; done
exit "$rc"
