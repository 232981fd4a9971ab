#!/bin/bash
# Real tools for test/system/shellPath.test.ts (base image PATH rules): bash and GNU env (coreutils).
set -euo pipefail
missing=()
command -v bash >/dev/null 2>&1 || missing+=(bash)
command -v env >/dev/null 2>&1 || missing+=(coreutils)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" </dev/null
fi
for tool in bash env; do
  command -v "$tool" >/dev/null 2>&1 || { echo "sudo-path: $tool could not be installed" >&2; exit 1; }
done
echo "sudo-path: bash $(bash -c 'echo $BASH_VERSION'), $(env --version | head -n 1)"
