#!/usr/bin/env bash
# The reference deployment (stacks/) synthesized under both flavours, Terraform JSON compared
# (`npm run test:flavours`; in .ci/run):
#   cdktf 0.21 — this repository's own `npx cdktf synth` (sources through tsx, real cdktf);
#   CDK Terrain 0.24 — a fresh cdktn app set up as the README says (both clouds' bindings), with the
#     packed library and a copy of stacks/ whose imports say 'cdktf-bluegreen' and 'cdktn', run by
#     `npx cdktn synth`.
# TARBALL=path reuses a packed library; KEEP=dir keeps the work there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${KEEP:-$(mktemp -d -t bluegreen-flavours-XXXX)}
mkdir -p "$work"
export CHECKPOINT_DISABLE=1

tarball=${TARBALL:-}
if [ -z "$tarball" ]; then
  (cd "$root" && npm pack --pack-destination "$work" --loglevel=error >/dev/null)
  tarball=$(ls "$work"/cdktf-bluegreen-*.tgz)
fi

echo "== cdktf 0.21: npx cdktf synth in this repository"
(cd "$root" && npx --no-install cdktf synth --output "$work/cdktf.out" > "$work/cdktf-synth.log" 2>&1) || { cat "$work/cdktf-synth.log"; exit 1; }

echo "== CDK Terrain 0.24: npx cdktn synth in a fresh cdktn app"
app="$work/cdktn-app"
bash "$root/scripts/new-app.sh" cdktn "$app" "$tarball" both 2>&1 | grep -v -e '^npm warn' -e '^$' | tail -2
cp -r "$root/stacks" "$app/stacks"
# The same program, written as a CDK Terrain user writes it.
sed -i -e "s#from '\.\./src'#from 'cdktf-bluegreen'#" -e "s#from 'cdktf'#from 'cdktn'#" "$app"/stacks/*.ts
! grep -n "from '\.\./src\|from 'cdktf'" "$app"/stacks/*.ts || { echo "flavour-compare: imports left unrewritten" >&2; exit 1; }
node -e "const f='$app/cdktf.json', c=require(f); c.app='npx tsx stacks/main.ts'; require('fs').writeFileSync(f, JSON.stringify(c))"
(
  cd "$app"
  # shellcheck disable=SC1091
  source ./env.sh
  npx --no-install cdktn synth > synth.log 2>&1 || { cat synth.log; exit 1; }
  # Types too: the program importing 'cdktn' type-checks against the shipped declarations.
  npx --no-install tsc --noEmit --strict --skipLibCheck --target ES2022 --module commonjs --types node stacks/main.ts
)

echo "== compare"
node "$root/scripts/compare-synth.js" "$work/cdktf.out" "$app/cdktf.out" "$root" "$app"
echo "flavour-compare: 1 passed, 0 failed"
[ -n "${KEEP:-}" ] || rm -rf "$work"
