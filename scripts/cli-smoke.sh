#!/usr/bin/env bash
# NOT RUN BY CI. A manual smoke test for machines that have the Pulumi CLI (and python3 for the second program):
# the veeam-em provider plugin driven by the real `pulumi` against the EM emulator, from a YAML program and a
# Python program (SDK generated with `pulumi package add`). Everything happens in a temporary directory with a
# local file backend; the emulator is stopped at the end. CI covers the same protocol with tools/engine, without
# the CLI (test/plugin/*.test.ts).
#
#   npm ci && npm run build && scripts/cli-smoke.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
command -v pulumi >/dev/null || { echo "cli-smoke: the Pulumi CLI is not on PATH; nothing to do" >&2; exit 2; }
[ -f "$root/dist/provider/plugin/main.js" ] || { echo "cli-smoke: run 'npm run build' first" >&2; exit 2; }

work="$(mktemp -d)"
emulator_pid="$work/emulator.pid"
cleanup() {
  node "$root/dist/emulator/cli.js" --stop --pid-file "$emulator_pid" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The plugin on PATH, as `npm install --global` would put it.
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec node "%s" "$@"\n' "$root/dist/provider/plugin/main.js" > "$work/bin/pulumi-resource-veeam-em"
chmod +x "$work/bin/pulumi-resource-veeam-em"
export PATH="$work/bin:$PATH"
export NODE_PATH="$root/node_modules"
export PULUMI_BACKEND_URL="file://$work/state" PULUMI_CONFIG_PASSPHRASE="cli-smoke" PULUMI_SKIP_UPDATE_CHECK=true
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
mkdir -p "$work/state"

admin_password="Smoke-Adm1n-$RANDOM$RANDOM"
node "$root/dist/emulator/cli.js" --port 0 --task-duration 50 --quiet --admin-password "$admin_password" --pid-file "$emulator_pid" > "$work/emulator.log" 2>&1 &
for _ in $(seq 1 100); do grep -q "listening on" "$work/emulator.log" && break; sleep 0.1; done
url="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/emulator.log" | head -1)/api/"
echo "cli-smoke: emulator at $url"

configure() {
  pulumi config set veeam-em:url "$url"
  pulumi config set veeam-em:username admin
  pulumi config set --secret veeam-em:password "$admin_password"
  pulumi config set --secret subtenantPassword "Smoke-Sub-$RANDOM$RANDOM"
}

check_no_secret_in_state() {
  if pulumi stack export | grep -q "$admin_password"; then echo "cli-smoke: the EM password is in the state" >&2; exit 1; fi
}

echo "== YAML program"
mkdir "$work/yaml" && cd "$work/yaml"
cat > Pulumi.yaml <<'YAML'
name: veeam-em-smoke-yaml
runtime: yaml
variables:
  quota:
    fn::invoke:
      function: veeam-em:index:getTenantQuota
      arguments:
        tenantName: ABC Company
        displayName: ABC Company Cloud Repository
resources:
  finance:
    type: veeam-em:index:Subtenant
    properties:
      tenantName: ABC Company
      name: smoke-finance
      password: ${subtenantPassword}
      tenantResourceId: ${quota.id}
      quotaMb: 2048
outputs:
  subtenantId: ${finance.subtenantId}
YAML
pulumi stack init smoke --non-interactive
configure
pulumi up --yes --non-interactive
subtenant_id="$(pulumi stack output subtenantId)"
pulumi preview --expect-no-changes --non-interactive
pulumi refresh --yes --non-interactive
check_no_secret_in_state
pulumi state delete "urn:pulumi:smoke::veeam-em-smoke-yaml::veeam-em:index:Subtenant::finance" --yes
pulumi import veeam-em:index:Subtenant finance "$subtenant_id" --yes --non-interactive --out "$work/imported.yaml"
pulumi destroy --yes --non-interactive

echo "== Python program"
command -v python3 >/dev/null || { echo "cli-smoke: python3 not found; YAML passed, Python skipped"; exit 0; }
mkdir "$work/python" && cd "$work/python"
cat > Pulumi.yaml <<'YAML'
name: veeam-em-smoke-python
runtime:
  name: python
  options:
    toolchain: pip
    virtualenv: venv
YAML
cat > requirements.txt <<'TXT'
pulumi>=3.0.0,<4.0.0
TXT
cat > __main__.py <<'PY'
import pulumi
import pulumi_veeam_em as veeam

cfg = pulumi.Config()
role = veeam.get_role(name="Portal User")
account = veeam.EnterpriseAccount("alice", account_type="User", account_name="TECH\\smoke.alice", roles=[role.name])
pulumi.export("accountId", account.account_id)
PY
pulumi stack init smoke --non-interactive
configure
pulumi package add veeam-em
pulumi install
pulumi up --yes --non-interactive
pulumi preview --expect-no-changes --non-interactive
check_no_secret_in_state
pulumi destroy --yes --non-interactive
echo "cli-smoke: passed"
