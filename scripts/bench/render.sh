#!/usr/bin/env bash
# Benchmarks `shipml render` against `kubectl kustomize` on a generated 600-object tree (300
# Deployments with Services, a configMapGenerator; an overlay with a prefix, a namespace, labels
# with selectors, images and a JSON 6902 patch by label selector), in the same run. The output
# must be identical; the ratio target is <= 0.2. Usage: scripts/bench/render.sh [DEPLOYMENTS]
set -euo pipefail
cd "$(dirname "$0")/../.."

count=${1:-300}
command -v kubectl >/dev/null || { echo "bench: kubectl is not installed" >&2; exit 3; }

swift build -c release --product shipml >&2
shipml="$(swift build -c release --show-bin-path)/shipml"

work=$(mktemp -d "${TMPDIR:-/tmp}/shipml-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/base" "$work/overlay"
for i in $(seq 0 $((count - 1))); do
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-$i
  labels:
    app: model-$i
    tier: serving
spec:
  replicas: 2
  selector:
    matchLabels:
      app: model-$i
  template:
    metadata:
      labels:
        app: model-$i
    spec:
      containers:
      - name: server
        image: registry.example.com/model:1.0
        envFrom:
        - configMapRef:
            name: settings
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: model-$i
spec:
  selector:
    app: model-$i
  ports:
  - port: 80
    targetPort: 8080
---
YAML
done >"$work/base/resources.yaml"
cat >"$work/base/kustomization.yaml" <<'YAML'
resources:
- resources.yaml
configMapGenerator:
- name: settings
  literals:
  - A=1
  - B=two
YAML
cat >"$work/overlay/kustomization.yaml" <<'YAML'
resources:
- ../base
namePrefix: prod-
namespace: serving
labels:
- pairs:
    env: prod
  includeSelectors: true
images:
- name: registry.example.com/model
  newTag: "2.0"
patches:
- target:
    kind: Deployment
    labelSelector: tier=serving
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 3
YAML

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
