#!/usr/bin/env bash
# Set up mcp-iac and run the local-only demo (examples/local.yaml: files, data, a command; no
# stand-ins needed): plan, up, outputs, a change made behind its back found by
# drift and put back, history, restore, destroy. Runs in a scratch directory; changes nothing else.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
iac="$root/.venv/bin/mcp-iac"
deployment="$root/examples/local.yaml"
work="$(mktemp -d "${TMPDIR:-/tmp}/mcp-iac-demo.XXXXXX")"
cd "$work"
step() { printf '\n\033[1;36m== %s\033[0m\n' "$*"; }
run() { printf '\033[2m$ %s\033[0m\n' "$*"; "$@"; }

step "Working in $work with $deployment"
run "$iac" validate -f "$deployment"
step "Plan: what would change, and why"
run "$iac" plan -f "$deployment"
step "Up: apply it (parallel, journaled, rolled back on failure)"
run "$iac" up -f "$deployment" --yes
step "What it made"
run cat out/motd.txt
run "$iac" state list local-demo
run "$iac" state outputs local-demo
step "Change a variable: an in-place update of exactly what depends on it"
run "$iac" up -f "$deployment" --yes --var greeting="hello again"
step "Someone edits a managed file behind our back..."
run sh -c 'echo "edited by hand" > out/motd.txt'
set +e
run "$iac" drift -f "$deployment" --exit-code
code=$?
set -e
echo "(drift --exit-code returned $code: 5 means drift was found)"
step "Put it back"
run "$iac" up -f "$deployment" --yes --refresh --var greeting="hello again"
run cat out/motd.txt
step "History, and restoring version 1"
run "$iac" state history local-demo
run "$iac" state restore local-demo --version 1 --yes
run cat out/motd.txt
step "Graph"
run "$iac" graph -f "$deployment"
step "Destroy"
run "$iac" destroy local-demo --yes
run ls -A out
step "Done. State and files were in $work"
