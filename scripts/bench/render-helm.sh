#!/usr/bin/env bash
# Benchmarks `shipml render` of a chart: a generated chart of 500 resources (250 Deployments and
# 250 Services from a `range` over values, with `include`d labels and helpers, `toYaml |
# nindent` and `printf`), against `kubectl kustomize` on the Kustomize benchmark's 600-object
# tree, in the same run (target: the chart in under a third of kustomize's time), and against
# Helm's own engine (helm-python-sdk) on the same chart, whose output must be identical.
# Usage: scripts/bench/render-helm.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v kubectl >/dev/null || { echo "bench: kubectl is not installed" >&2; exit 3; }

swift build -c release --static-swift-stdlib --product shipml >&2
shipml="$(swift build -c release --show-bin-path)/shipml"

work=$(mktemp -d "${TMPDIR:-/tmp}/shipml-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
scripts/bench/kustomize-tree.sh "$work/tree" 300

chart="$work/chart"
mkdir -p "$chart/templates"
cat >"$chart/Chart.yaml" <<'YAML'
apiVersion: v2
name: fleet
version: 1.0.0
appVersion: "2.0"
YAML
{
  echo "image: {repository: registry.example.com/model, tag: \"2.0\"}"
  echo "resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 1Gi}}"
  echo "models:"
  for i in $(seq 0 249); do echo "  - {name: model-$i, replicas: $((i % 3 + 1)), port: $((8000 + i))}"; done
} >"$chart/values.yaml"
cat >"$chart/templates/_helpers.tpl" <<'TPL'
{{- define "fleet.labels" -}}
app.kubernetes.io/name: {{ .model.name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | trunc 63 }}
{{- end }}
{{- define "fleet.selector" -}}
app.kubernetes.io/name: {{ .model.name }}
{{- end }}
TPL
cat >"$chart/templates/deployments.yaml" <<'TPL'
{{- range $model := .Values.models }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $model.name }}
  labels:
    {{- include "fleet.labels" (dict "model" $model "root" $) | nindent 4 }}
spec:
  replicas: {{ $model.replicas }}
  selector:
    matchLabels:
      {{- include "fleet.selector" (dict "model" $model) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "fleet.labels" (dict "model" $model "root" $) | nindent 8 }}
    spec:
      containers:
        - name: server
          image: {{ printf "%s:%s" $.Values.image.repository $.Values.image.tag | quote }}
          ports:
            - containerPort: {{ $model.port }}
          resources:
            {{- toYaml $.Values.resources | nindent 12 }}
{{- end }}
TPL
cat >"$chart/templates/services.yaml" <<'TPL'
{{- range $model := .Values.models }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $model.name }}
  labels:
    {{- include "fleet.labels" (dict "model" $model "root" $) | nindent 4 }}
spec:
  selector:
    {{- include "fleet.selector" (dict "model" $model) | nindent 4 }}
  ports:
    - port: 80
      targetPort: {{ $model.port }}
{{- end }}
TPL

"$shipml" render "$chart" >"$work/shipml.yaml"
documents=$(grep -c '^kind: ' "$work/shipml.yaml")
oracle=""
if python3 -c 'import helm_python' 2>/dev/null; then
  python3 scripts/helm-oracle.py "$chart" >"$work/helm.yaml"
  # The oracle (Helm 4.2.3) drops the blank lines a template leaves before a `---` inside a
  # multi-document file; Helm from 4.2.4 on, and shipml, keep them (see the conformance
  # README). Compare without blank lines.
  if cmp -s <(grep -v '^$' "$work/shipml.yaml") <(grep -v '^$' "$work/helm.yaml"); then
    oracle=yes
  else
    echo "bench: shipml and Helm's engine differ" >&2
    diff "$work/shipml.yaml" "$work/helm.yaml" | head -20 >&2
    exit 1
  fi
fi

. scripts/bench/lib.sh
ours=$(seconds "$shipml" render "$chart")
kustomize=$(seconds kubectl kustomize "$work/tree/overlay")
printf 'render a chart, %d objects   shipml %6.3fs  kubectl kustomize (601 objects) %6.3fs  ratio %s  (target < 0.333)\n' \
  "$documents" "$ours" "$kustomize" "$(ratio "$ours" "$kustomize")"
printf '  %s documents per second\n' "$(python3 -c "print(round($documents / $ours))")"
if [ -n "$oracle" ]; then
  helm=$(seconds python3 scripts/helm-oracle.py "$chart")
  printf "  Helm's own engine (helm-python-sdk, same output) %6.3fs  ratio %s\n" "$helm" "$(ratio "$ours" "$helm")"
fi
