#!/usr/bin/env bash
# CI's runs on other Node.js release lines: for each major version in NODE_LINES ("22 24"
# unless set; empty for none), gets a Node.js of that line (scripts/ci-node.mjs: from the npm
# registry's `node` package, cached outside git) and runs `vitest run <test paths>` with it,
# writing vitest's JSON report to <results dir>/test-results-node<major>.json:
#
#   bash scripts/ci-node-lines.sh .ci test/runtime test/cli
#
# The tests run on the in-process API server only (KUBEBUILDER_ASSETS unset): the real API
# server is the same Go program whichever Node.js talks to it.
#
# The line CLIENT_NODE_2_LINE names ("24" unless set; empty for none) runs with
# @kubernetes/client-node 2.x, which scaffolded projects pin on Node.js 24, in place of the 1.4
# of kb's lockfile (which Node.js 20 needs): scripts/ci-node-client-node.mjs installs it into a
# cache folder (kb's node_modules stay as they are) and scripts/ci-node-vitest.config.mjs points
# the imports of @kubernetes/client-node at it. When the registry cannot be reached and nothing
# is cached, that line runs with 1.4, and says so. A line whose Node.js cannot be
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
  config=()
  client_node=""
  if [ "$major" = "${CLIENT_NODE_2_LINE-24}" ]; then
    got=0
    client_node="$(node scripts/ci-node-client-node.mjs 2)" || got=$?
    if [ "$got" -eq 0 ]; then
      config=(--config scripts/ci-node-vitest.config.mjs)
    elif [ "$got" -eq 3 ]; then
      echo "Node.js $major: @kubernetes/client-node 2.x cannot be had (the npm registry cannot be reached): the tests run with kb's 1.4"
      client_node=""
    else
      echo "Node.js $major: @kubernetes/client-node 2.x could not be installed (scripts/ci-node-client-node.mjs exited $got)"
      status=1
      client_node=""
    fi
  fi
  echo "Node.js $("$bin_dir/node" --version) (ready in $((SECONDS - started)) s)${client_node:+, with $client_node}: vitest run $*"
  if ! env -u KUBEBUILDER_ASSETS PATH="$bin_dir:$PATH" KB_CLIENT_NODE_DIR="$client_node" npx vitest run "${config[@]}" "$@" \
    --reporter=default --reporter=json --outputFile="$results_dir/test-results-node$major.json"; then
    status=1
  fi
  echo "Node.js $major: done in $((SECONDS - started)) s"
done
if [ "${#skipped[@]}" -gt 0 ]; then
  echo "not run on Node.js ${skipped[*]}: the npm registry, which provides those releases, cannot be reached"
fi
exit "$status"
