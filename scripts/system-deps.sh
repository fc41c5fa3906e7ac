#!/usr/bin/env bash
# System packages the providers' real backends need (idempotent; Debian/Ubuntu, as root):
#   docker.io        a real Docker engine (the sandbox and the Docker provider's tests start a
#                    private dockerd; nothing uses a system one)
#   docker-registry  a local image registry for the Docker provider's push tests
#   nodejs, npm      npx runs the reference memory MCP server and the MCP Inspector in tests
# busybox-static is fetched with `apt-get download` when the demo's base image is first built,
# so the package lists must know it.
set -euo pipefail
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v npx >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "note: ${missing[*]} not installed (needs root and apt-get); tests that need them skip" >&2
  fi
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show busybox-static >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt-get)" >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi
