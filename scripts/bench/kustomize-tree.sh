#!/usr/bin/env bash
# Writes the Kustomize issue's benchmark tree into DIR: COUNT Deployments with Services and a
# configMapGenerator in base/, and overlay/ with a prefix, a namespace, labels with selectors,
# images and a JSON 6902 patch by label selector (2 x COUNT + 1 objects).
# Usage: scripts/bench/kustomize-tree.sh DIR [COUNT]
set -euo pipefail
work=$1
count=${2:-300}
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

