#!/usr/bin/env bash
# Prints what an operator (or the provider, on a failed step) needs to see why a node did not come up:
# host facts, Kubernetes binary versions, the binaries ISO, services, cloud-init status and recent logs.
# Never prints secrets: kubeconfigs and kubeadm configs are listed by name only, and bootstrap tokens,
# certificate keys, private keys and passwords in logs are masked. Best effort: always exits 0 once
# its arguments are valid, so it can run on a half-installed node.
#
# Usage: collect-node-diagnostics.sh [--root DIR] [--lines N]
#   --root DIR   prefix for files read (default: /), for inspecting a mounted disk image
#   --lines N    log lines per source (default: 50)
set -u -o pipefail

ROOT=""
LINES=50

usage() {
  cat <<'USAGE'
Usage: collect-node-diagnostics.sh [--root DIR] [--lines N]
  --root DIR   prefix for files read (default: /), for inspecting a mounted disk image
  --lines N    log lines per source (default: 50)
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --root)
      ROOT="${2:?--root needs a directory}"
      ROOT="${ROOT%/}"
      shift 2
      ;;
    --lines)
      LINES="${2:?--lines needs a number}"
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "collect-node-diagnostics: unknown argument: $1" >&2
      exit 2
      ;;
  esac
done

case "$LINES" in
  '' | *[!0-9]*)
    echo "collect-node-diagnostics: --lines must be a number" >&2
    exit 2
    ;;
esac

if [ -n "$ROOT" ] && [ ! -d "$ROOT" ]; then
  echo "collect-node-diagnostics: --root $ROOT is not a directory" >&2
  exit 2
fi

BIN_DIR="$ROOT/opt/bin"
ISO_DIR="$ROOT/mnt/k8sdisk"
KUBE_DIR="$ROOT/etc/kubernetes"
CLOUD_INIT_LOG="$ROOT/var/log/cloud-init-output.log"

# Masks secrets in anything we print.
mask() {
  sed -E \
    -e '/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/,/-----END [A-Z0-9 ]*PRIVATE KEY-----/c\<redacted private key>' \
    -e 's/[a-z0-9]{6}\.[a-z0-9]{16}/<redacted>/g' \
    -e 's/[0-9a-f]{64}/<redacted>/g' \
    -e 's/((password|passwd|secret|token|client-key-data)[[:space:]]*[=:][[:space:]]*"?)[^[:space:]"]+/\1<redacted>/Ig' \
    -e 's/(Authorization[[:space:]]*[=:][[:space:]]*"?(Basic|Bearer)[[:space:]]+)[A-Za-z0-9+\/=._-]+/\1<redacted>/Ig'
}

section() {
  printf '\n===== %s =====\n' "$1"
}

# Runs a command if it exists, with a time limit, output masked.
try() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "($1 not available)"
    return 0
  fi
  timeout 20 "$@" 2>&1 | mask
  return 0
}

show_version() {
  local name="$1"
  shift
  local path="$BIN_DIR/$name"
  if [ -x "$path" ]; then
    printf '%s: ' "$name"
    timeout 10 "$path" "$@" 2>&1 | head -n 3 | mask
  else
    echo "$name: not installed in $BIN_DIR"
  fi
}

section "host"
echo "hostname: $(hostname 2>/dev/null || echo unknown)"
echo "kernel: $(uname -r 2>/dev/null || echo unknown)"
echo "time (UTC): $(date -u +%Y-%m-%dT%H:%M:%SZ)"
try uptime

section "versions"
show_version kubeadm version -o short
show_version kubelet --version
show_version kubectl version --client
show_version crictl --version
show_version etcd --version

section "binaries ISO"
if [ -f "$ISO_DIR/manifest.json" ]; then
  echo "mounted at $ISO_DIR"
  mask <"$ISO_DIR/manifest.json"
  echo
else
  echo "not mounted (no $ISO_DIR/manifest.json)"
fi

section "services"
for unit in containerd kubelet etcd; do
  if command -v systemctl >/dev/null 2>&1; then
    printf '%s: %s\n' "$unit" "$(systemctl is-active "$unit" 2>/dev/null || true)"
  else
    echo "$unit: (systemctl not available)"
  fi
done

section "cloud-init"
try cloud-init status --long
if [ -f "$CLOUD_INIT_LOG" ]; then
  echo "--- last $LINES lines of $CLOUD_INIT_LOG"
  tail -n "$LINES" "$CLOUD_INIT_LOG" | mask
fi

section "kubernetes files (names only)"
if [ -d "$KUBE_DIR" ] && command -v find >/dev/null 2>&1; then
  find "$KUBE_DIR" -maxdepth 2 -type f -printf '%M %u %s %p\n' 2>/dev/null | sort -k4
elif [ -d "$KUBE_DIR" ]; then
  ls -l "$KUBE_DIR" 2>&1
else
  echo "no $KUBE_DIR"
fi

section "kubelet log"
try journalctl -u kubelet -n "$LINES" --no-pager

section "containerd log"
try journalctl -u containerd -n "$LINES" --no-pager

exit 0
