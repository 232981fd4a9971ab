#!/usr/bin/env bash
# Real kubectl for test/system/kubectl-*.test.ts: whatever kubectl is on PATH (the machine image ships
# one), else Debian's kubernetes-client package. Idempotent, no stdin; fails naming kubectl.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v kubectl >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null 2>&1 || true
fi
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl.sh: kubectl is missing and could not be installed (apt-get install kubernetes-client)" >&2
  exit 1
fi
echo "kubectl: $(command -v kubectl) ($(kubectl version --client 2>/dev/null | head -n1))"
