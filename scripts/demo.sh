#!/usr/bin/env bash
# Set up mcp-iac and run the multi-server demo: the seed's load-balanced web app
# (examples/web-app.yaml) across OPNsense, AWS and Docker, on local stand-ins that
# `mcp-iac sandbox up` starts on 127.0.0.1 (the OPNsense emulator, moto, a private dockerd).
# plan, up, outputs, a change made behind mcp-iac's back found by drift and put back, destroy.
# Runs in a scratch directory and stops every stand-in it started, whatever happens.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
iac="$root/.venv/bin/mcp-iac"
py="$root/.venv/bin/python"
work="$(mktemp -d "${TMPDIR:-/tmp}/mcp-iac-demo.XXXXXX")"
cp -r "$root/examples/web-app.yaml" "$root/examples/web-app" "$work/"
cd "$work"
step() { printf '\n\033[1;36m== %s\033[0m\n' "$*"; }
run() { printf '\033[2m$ %s\033[0m\n' "$*"; "$@"; }
stop_sandbox() { "$iac" sandbox down >/dev/null 2>&1 || true; }
trap stop_sandbox EXIT

step "Working in $work"
step "Start local stand-ins: OPNsense emulator, moto (AWS), a Docker engine"
run "$iac" sandbox up
run cat mcp-iac.yaml
run "$iac" servers check
step "Plan: 16 resources on three servers, with cross-server references"
run "$iac" plan -f web-app.yaml
step "Up: image build, VPC, certificate, launch template, autoscaling group, VLAN, HAProxy, rules"
run "$iac" up -f web-app.yaml --yes
step "Outputs: values that came from three different servers"
run "$iac" state outputs webapp
step "The firewall's alias holds the instances' private IPs (asked of the OPNsense API directly)"
run "$py" - <<'PY'
import base64, json, ssl, urllib.request, yaml
env = yaml.safe_load(open("mcp-iac.yaml"))["servers"]["opnsense"]["env"]
auth = base64.b64encode(f'{env["OPNSENSE_API_KEY"]}:{env["OPNSENSE_API_SECRET"]}'.encode()).decode()
request = urllib.request.Request(
    env["OPNSENSE_URL"] + "/api/firewall/alias/searchItem", headers={"Authorization": "Basic " + auth}
)
tls = ssl.create_default_context(cafile=env["OPNSENSE_CA_BUNDLE"])
for row in json.load(urllib.request.urlopen(request, context=tls))["rows"]:
    print(f'  alias {row["name"]}: {row["content"]!r}')
PY
step "Someone changes the VPC's tags by hand (boto3, straight to the AWS API)..."
run "$py" - <<'PY'
import boto3, yaml
env = yaml.safe_load(open("mcp-iac.yaml"))["servers"]["aws"]["env"]
ec2 = boto3.client(
    "ec2",
    endpoint_url=env["AWS_ENDPOINT_URL"],
    region_name=env["AWS_REGION"],
    aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
)
[vpc] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["webapp"]}])["Vpcs"]
ec2.create_tags(Resources=[vpc["VpcId"]], Tags=[{"Key": "Environment", "Value": "changed-by-hand"}])
print(f'  {vpc["VpcId"]}: Environment=changed-by-hand')
PY
set +e
run "$iac" drift -f web-app.yaml --exit-code
code=$?
set -e
echo "(drift --exit-code returned $code: 5 means drift was found)"
step "Put it back"
run "$iac" up -f web-app.yaml --refresh --yes --quiet
run "$iac" drift -f web-app.yaml --exit-code
step "Destroy: dependents first, across all three servers"
run "$iac" destroy webapp --yes
step "Stop the stand-ins"
run "$iac" sandbox down
trap - EXIT
step "Done. State and logs were in $work"
