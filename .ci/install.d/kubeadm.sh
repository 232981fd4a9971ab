#!/usr/bin/env bash
# Real kubeadm for test/system/kubeadm-validate.test.ts: built from the Kubernetes Go modules for the
# oldest and newest minor the simulator's ISOs ship (simulator/iso/catalog.ts), cached in
# ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks/bin/kubeadm-vX.Y.Z. Needs Go and its module proxy.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v go >/dev/null; then
  if command -v apt-get >/dev/null; then apt-get install -y -qq --no-install-recommends golang-go >/dev/null 2>&1 || true; fi
fi
command -v go >/dev/null || { echo "kubeadm: cannot build kubeadm: the go command is missing" >&2; exit 1; }
if ! bash scripts/tools/build-kubeadm.sh v1.29.15 v1.33.5; then
  echo "kubeadm: building kubeadm v1.29.15 / v1.33.5 from Go modules FAILED" >&2
  exit 1
fi
