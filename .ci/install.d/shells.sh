#!/usr/bin/env bash
# Real shells for test/system/shell-differential.test.ts: Debian's dash (the node's /bin/sh) and bash
# (the login shell of the node's users). Idempotent; runs as root without stdin.
set -euo pipefail

missing=()
for tool in dash bash; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null || true
fi
for tool in dash bash; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "shells.sh: cannot install $tool (Debian package $tool)" >&2
    exit 1
  fi
done
echo "shells.sh: dash $(dpkg-query -W -f='${Version}' dash 2>/dev/null || echo '?'), bash $(dpkg-query -W -f='${Version}' bash 2>/dev/null || echo '?')"
