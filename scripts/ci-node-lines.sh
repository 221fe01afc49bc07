#!/usr/bin/env bash
# CI's runs on other Node.js release lines: for each major version in NODE_LINES ("22 24"
# unless set; empty for none), gets a Node.js of that line (scripts/ci-node.mjs: from the npm
# registry's `node` package, cached outside git) and runs `vitest run <test paths>` with it,
# writing vitest's JSON report to <results dir>/test-results-node<major>.json:
#
#   bash scripts/ci-node-lines.sh .ci test/runtime test/cli
#
# The tests run on the in-process API server only (KUBEBUILDER_ASSETS unset): the real API
# server is the same Go program whichever Node.js talks to it. A line whose Node.js cannot be
# had because the registry cannot be reached is skipped with a note; the exit status is 0 then.
# It is 1 when a line's Node.js cannot be installed otherwise or its tests fail.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -lt 2 ]; then
  echo "usage: NODE_LINES=\"22 24\" bash scripts/ci-node-lines.sh <results dir> <test path>..." >&2
  exit 2
fi
results_dir=$1
shift
status=0
skipped=()
for major in ${NODE_LINES-22 24}; do
  started=$SECONDS
  found=0
  bin_dir="$(node scripts/ci-node.mjs "$major")" || found=$?
  if [ "$found" -eq 3 ]; then
    echo "Node.js $major: skipped, as the npm registry cannot be reached (see above)"
    skipped+=("$major")
    continue
  elif [ "$found" -ne 0 ]; then
    echo "Node.js $major: could not be installed (scripts/ci-node.mjs exited $found)"
    status=1
    continue
  fi
  echo "Node.js $("$bin_dir/node" --version) (ready in $((SECONDS - started)) s): vitest run $*"
  if ! env -u KUBEBUILDER_ASSETS PATH="$bin_dir:$PATH" npx vitest run "$@" \
    --reporter=default --reporter=json --outputFile="$results_dir/test-results-node$major.json"; then
    status=1
  fi
  echo "Node.js $major: done in $((SECONDS - started)) s"
done
if [ "${#skipped[@]}" -gt 0 ]; then
  echo "not run on Node.js ${skipped[*]}: the npm registry, which provides those releases, cannot be reached"
fi
exit "$status"
