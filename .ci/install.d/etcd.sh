#!/usr/bin/env bash
# Real etcd for test/system/etcd-real.test.ts: Debian's etcd-server (etcd) and etcd-client (etcdctl),
# plus python3 (the test listens on a unix datagram NOTIFY_SOCKET with it). Idempotent, no stdin.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || true
fi
# Debian's etcd-server package enables an etcd service listening on 127.0.0.1:2379; the tests use
# other loopback addresses, so it may keep running.
for tool in etcd etcdctl python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "etcd.sh: $tool is missing and could not be installed (apt-get install etcd-server etcd-client python3)" >&2
    exit 1
  fi
done
echo "etcd: $(etcd --version 2>/dev/null | head -n1); etcdctl: $(etcdctl version 2>/dev/null | head -n1)"
