#!/usr/bin/env bash
# Benchmarks `shipml render` against `kubectl kustomize` on a generated 600-object tree (300
# Deployments with Services, a configMapGenerator; an overlay with a prefix, a namespace, labels
# with selectors, images and a JSON 6902 patch by label selector), in the same run. The output
# must be identical; the ratio target is <= 0.2. Usage: scripts/bench/render.sh [DEPLOYMENTS]
set -euo pipefail
cd "$(dirname "$0")/../.."

count=${1:-300}
command -v kubectl >/dev/null || { echo "bench: kubectl is not installed" >&2; exit 3; }

swift build -c release --static-swift-stdlib --product shipml >&2
shipml="$(swift build -c release --show-bin-path)/shipml"

work=$(mktemp -d "${TMPDIR:-/tmp}/shipml-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
scripts/bench/kustomize-tree.sh "$work" "$count"

kubectl kustomize "$work/overlay" >"$work/kubectl.yaml"
"$shipml" render "$work/overlay" >"$work/shipml.yaml"
if ! cmp -s "$work/kubectl.yaml" "$work/shipml.yaml"; then
  echo "bench: the outputs differ" >&2
  diff "$work/kubectl.yaml" "$work/shipml.yaml" | head -20 >&2
  exit 1
fi

. scripts/bench/lib.sh
ours=$(seconds "$shipml" render "$work/overlay")
theirs=$(seconds kubectl kustomize "$work/overlay")
printf 'render, %d objects   shipml %6.2fs  kubectl kustomize %6.2fs  ratio %s  (target <= 0.2)\n' \
  "$((count * 2 + 1))" "$ours" "$theirs" "$(ratio "$ours" "$theirs")"
