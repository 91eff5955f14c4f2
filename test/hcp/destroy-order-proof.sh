#!/usr/bin/env bash
# Proves, with the real terraform on PATH (builtin terraform_data only: no provider, no registry),
# the ordering HcpWorkspaces relies on when a forgotten unit's two workspaces leave the
# configuration: Terraform destroys them in reverse of the dependency recorded in state (the unit
# workspace depends_on the validation workspace), and when the first delete fails (HCP's safe
# delete refusing a workspace that still manages resources) the second is not attempted.
# Not part of `npm test` (three terraform runs, ~10 s). Run: bash test/hcp/destroy-order-proof.sh
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
export CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1
# Step N: both workspaces declared, the unit's depends_on the validation one (as HcpWorkspaces writes it).
cat > main.tf.json <<'JSON'
{ "resource": { "terraform_data": {
  "validate": { "input": "validation workspace" },
  "unit": { "input": "unit workspace", "depends_on": ["terraform_data.validate"] } } } }
JSON
terraform init -input=false -no-color >/dev/null
terraform apply -auto-approve -input=false -no-color >/dev/null
# Step N+1: the unit is forgotten. `removed` blocks only to observe each delete (they carry no ordering
# of their own); "refuse" makes the unit's delete fail, as a refused safe delete would.
cat > main.tf.json <<'JSON'
{ "removed": [
  { "from": "terraform_data.unit", "lifecycle": { "destroy": true },
    "provisioner": { "local-exec": { "when": "destroy", "command": "echo unit >> order.log; if [ -e refuse ]; then exit 1; fi" } } },
  { "from": "terraform_data.validate", "lifecycle": { "destroy": true },
    "provisioner": { "local-exec": { "when": "destroy", "command": "echo validate >> order.log" } } } ] }
JSON
touch refuse
if terraform apply -auto-approve -input=false -no-color >/dev/null 2>&1; then echo "FAIL: the refused delete did not fail the apply"; exit 1; fi
[ "$(tr '\n' ' ' < order.log)" = "unit " ] || { echo "FAIL: after a refused unit delete, deletes ran: $(cat order.log)"; exit 1; }
[ "$(terraform state list | wc -l)" -eq 2 ] || { echo "FAIL: state lost a workspace"; exit 1; }
echo "refused: unit workspace delete failed, validation workspace untouched, both still in state"
rm refuse; : > order.log
terraform apply -auto-approve -input=false -no-color >/dev/null
[ "$(tr '\n' ' ' < order.log)" = "unit validate " ] || { echo "FAIL: delete order was $(cat order.log)"; exit 1; }
[ "$(terraform state list | wc -l)" -eq 0 ] || { echo "FAIL: state not empty"; exit 1; }
echo "next deploy: unit workspace deleted first, then the validation workspace ($(terraform version | head -1))"
