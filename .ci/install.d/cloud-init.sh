#!/usr/bin/env bash
# Real cloud-init and PyYAML for test/system/cloud-init-*.test.ts: `cloud-init schema`, cloud-init's own
# YAML loader (cloudinit.safeyaml) and its part merging (cloudinit.handlers.cloud_config), run through
# test/system/cloudinit_probe.py with the Python that cloud-init itself runs on.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

probe() {
  local ci py
  ci=$(command -v cloud-init) || return 1
  py=$(head -n1 "$ci" | sed -n 's/^#! *//p' | awk '{print $1}')
  [ -n "$py" ] && "$py" -c 'import yaml, cloudinit.safeyaml, cloudinit.handlers.cloud_config, cloudinit.user_data' 2>/dev/null
}

if ! probe; then
  if ! command -v apt-get >/dev/null; then
    echo "cloud-init.sh: cloud-init and python3-yaml are missing and apt-get is not available" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends cloud-init python3-yaml >/dev/null \
    || { echo "cloud-init.sh: apt-get install cloud-init python3-yaml failed" >&2; exit 1; }
fi
probe || { echo "cloud-init.sh: cloud-init's Python modules (cloudinit, yaml) are not importable" >&2; exit 1; }
echo "cloud-init: $(cloud-init --version 2>&1 | tail -n1)"
