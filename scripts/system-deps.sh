#!/usr/bin/env bash
# System packages the providers' real backends need (idempotent; Debian/Ubuntu, as root):
#   docker.io       a real Docker engine (the sandbox and the Docker provider's tests start a
#                   private dockerd; nothing uses a system one)
# busybox-static is fetched with `apt-get download` when the base image is first built.
set -euo pipefail
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: ${missing[*]} not installed (needs root and apt-get); tests that need them skip" >&2
  exit 0
fi
echo "installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
  || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
