{{/* The chart's name, cut to the 63 characters a label allows. */}}
{{- define "model-serving.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: the release name, with the chart's unless it contains it. */}}
{{- define "model-serving.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "model-serving.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "model-serving.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.model.version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: model-server
{{- end }}

{{/* Labels that select the stable pods. */}}
{{- define "model-serving.selectorLabels" -}}
app.kubernetes.io/name: {{ include "model-serving.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The server image: by digest when one is given, else by tag. */}}
{{- define "model-serving.image" -}}
{{- $image := .image -}}
{{- if .digest -}}
{{- printf "%s@%s" $image.repository .digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository $image.tag -}}
{{- end -}}
{{- end }}

{{/* The pod spec, shared by the stable and the canary Deployment.
Takes a dict: root (the chart's context), track (stable or canary), digest, model. */}}
{{- define "model-serving.podSpec" -}}
{{- $root := .root -}}
{{- $values := $root.Values -}}
{{- $model := .model -}}
{{- if $values.serviceAccount.create }}
serviceAccountName: {{ default (include "model-serving.fullname" $root) $values.serviceAccount.name }}
{{- else if $values.serviceAccount.name }}
serviceAccountName: {{ $values.serviceAccount.name }}
{{- end }}
{{- with (ternary (include "model-serving.fullname" $root) $values.priorityClassName (and $values.priorityClass.create (not $values.priorityClassName))) }}
priorityClassName: {{ . }}
{{- end }}
{{- with $values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if and $model.reference (eq $values.model.mount "modelcar") }}
shareProcessNamespace: true
{{- end }}
{{- $nodeSelector := $values.nodeSelector }}
{{- if and $values.gpu.enabled $values.gpu.product }}
{{- $nodeSelector = merge (dict "nvidia.com/gpu.product" $values.gpu.product) $values.nodeSelector }}
{{- end }}
{{- with $nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if and $values.gpu.enabled (not $values.gpu.product) (not $values.affinity) }}
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions:
            - key: nvidia.com/gpu.present
              operator: In
              values: ["true"]
{{- else }}
{{- with $values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- $tolerations := $values.tolerations }}
{{- if $values.gpu.enabled }}
{{- $tolerations = append $values.tolerations (dict "key" $values.gpu.taintKey "operator" "Exists" "effect" "NoSchedule") }}
{{- end }}
{{- with $tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: server
    image: {{ include "model-serving.image" (dict "image" $values.server.image "digest" .digest) }}
    imagePullPolicy: {{ $values.server.image.pullPolicy }}
    {{- with $values.server.args }}
    args:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    env:
      - name: MODEL_PATH
        value: {{ $values.model.path | quote }}
      - name: MODEL_NAME
        value: {{ $values.model.name | quote }}
      - name: MODEL_VERSION
        value: {{ $model.version | quote }}
      {{- with $values.server.env }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    ports:
      - name: http
        containerPort: {{ $values.server.port }}
        protocol: TCP
    startupProbe:
      httpGet:
        path: {{ $values.server.readinessPath }}
        port: http
      periodSeconds: {{ $values.probes.startup.periodSeconds }}
      failureThreshold: {{ $values.probes.startup.failureThreshold }}
    readinessProbe:
      httpGet:
        path: {{ $values.server.readinessPath }}
        port: http
      periodSeconds: {{ $values.probes.readiness.periodSeconds }}
      failureThreshold: {{ $values.probes.readiness.failureThreshold }}
    livenessProbe:
      httpGet:
        path: {{ $values.server.livenessPath }}
        port: http
      periodSeconds: {{ $values.probes.liveness.periodSeconds }}
      failureThreshold: {{ $values.probes.liveness.failureThreshold }}
    {{- $resources := deepCopy $values.resources }}
    {{- if $values.gpu.enabled }}
    {{- $limits := merge (dict $values.gpu.resource $values.gpu.count) (default (dict) $resources.limits) }}
    {{- $_ := set $resources "limits" $limits }}
    {{- end }}
    resources:
      {{- toYaml $resources | nindent 6 }}
    {{- with $values.securityContext }}
    securityContext:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- if $model.reference }}
    volumeMounts:
      {{- if eq $values.model.mount "modelcar" }}
      - name: model-link
        mountPath: {{ dir $values.model.path }}
      {{- else }}
      - name: model
        mountPath: {{ $values.model.path }}
        readOnly: true
      {{- end }}
    {{- end }}
  {{- if and $model.reference (eq $values.model.mount "modelcar") }}
  - name: modelcar
    image: {{ $model.reference }}
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "ln -sf /proc/$$/root/models {{ $values.model.path }} && sleep infinity"]
    resources:
      requests: {cpu: 10m, memory: 16Mi}
      limits: {memory: 64Mi}
    volumeMounts:
      - name: model-link
        mountPath: {{ dir $values.model.path }}
  {{- end }}
{{- if $model.reference }}
volumes:
  {{- if eq $values.model.mount "modelcar" }}
  - name: model-link
    emptyDir: {}
  {{- else }}
  - name: model
    image:
      reference: {{ $model.reference }}
      pullPolicy: IfNotPresent
  {{- end }}
{{- end }}
{{- end }}
