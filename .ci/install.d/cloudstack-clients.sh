#!/usr/bin/env bash
# Real CloudStack clients for test/system/cloudstack-clients-*.test.ts: Debian's python3-cs,
# python3-libcloud and go-cloudstack (source under /usr/share/gocode), plus the Go scenario program
# built offline against that source into ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks/bin/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cks/bin"
gosrc=/usr/share/gocode/src/github.com/xanzy/go-cloudstack

need=()
/usr/bin/python3 -c 'import cs' 2>/dev/null || need+=(python3-cs)
/usr/bin/python3 -c 'import libcloud' 2>/dev/null || need+=(python3-libcloud)
[ -f "$gosrc/cloudstack/cloudstack.go" ] || need+=(golang-github-xanzy-go-cloudstack-dev)
if [ "${#need[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || { echo "cloudstack-clients: apt-get update failed" >&2; exit 1; }
  apt-get install -y -q --no-install-recommends "${need[@]}" || { echo "cloudstack-clients: cannot install ${need[*]}" >&2; exit 1; }
fi
/usr/bin/python3 -c 'import cs' || { echo "cloudstack-clients: python3-cs (module cs) is missing after install" >&2; exit 1; }
/usr/bin/python3 -c 'import libcloud' || { echo "cloudstack-clients: python3-libcloud is missing after install" >&2; exit 1; }
[ -f "$gosrc/cloudstack/cloudstack.go" ] || { echo "cloudstack-clients: go-cloudstack source missing at $gosrc" >&2; exit 1; }
command -v go >/dev/null || { echo "cloudstack-clients: go is needed to build cloudstack-go-scenario" >&2; exit 1; }

# Always rebuilt (seconds, Go's build cache is reused) so the cached binary never lags its source.
mkdir -p "$bin"
(cd "$root/test/system/cloudstack-clients/go" && GOFLAGS=-mod=mod GOPROXY=off go build -o "$bin/cloudstack-go-scenario.tmp" .) \
  || { echo "cloudstack-clients: building cloudstack-go-scenario against $gosrc failed" >&2; exit 1; }
mv "$bin/cloudstack-go-scenario.tmp" "$bin/cloudstack-go-scenario"
echo "cloudstack-clients: python3-cs, python3-libcloud, go-cloudstack $(dpkg-query -W -f='${Version}' golang-github-xanzy-go-cloudstack-dev 2>/dev/null || echo '?'); built $bin/cloudstack-go-scenario"
