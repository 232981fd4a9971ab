#!/usr/bin/env bash
# The real Pulumi CLI for the real-engine system tests (test/system/pulumi-cli-*.test.ts): `pulumi`
# built from the Pulumi Go modules by scripts/tools/build-pulumi.sh into
# ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks/bin/ (reused when already built; the Go module cache is
# reused too). kubectl (Debian) checks the kubeconfig the stack outputs.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks/bin"
if [[ -x "$bin/pulumi" && "$(cat "$bin/.pulumi-release" 2>/dev/null)" == "${PULUMI_RELEASE:-v3.276.0}" ]]; then
  echo "pulumi: reusing $bin/pulumi ($("$bin/pulumi" version))"
else
  if ! scripts/tools/build-pulumi.sh; then
    echo "pulumi: could not be built from the Go modules (scripts/tools/build-pulumi.sh)" >&2
    exit 1
  fi
fi
# kubectl is installed by the machine image / the kubectl area's install script; only checked here.
command -v kubectl >/dev/null 2>&1 || { echo "kubectl: not on PATH (needed by the pulumi-cli system tests)" >&2; exit 1; }
echo "pulumi: $bin/pulumi; kubectl: $(command -v kubectl)"
