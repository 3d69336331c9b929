import Foundation
import Linter
import Renderer
import Testing

/// A production-ready serving release: every rule passes.
let goodRelease = """
    ---
    # Source: model-serving/templates/deployment.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: sentiment
      namespace: ml
    spec:
      replicas: 2
      selector:
        matchLabels: {app: sentiment}
      template:
        metadata:
          labels: {app: sentiment, tier: serving}
        spec:
          nodeSelector: {nvidia.com/gpu.present: "true"}
          tolerations:
          - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
          containers:
          - name: server
            image: registry.example/ml/server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            resources:
              requests: {cpu: "2", memory: 8Gi}
              limits: {memory: 8Gi, nvidia.com/gpu: 1}
            readinessProbe: {httpGet: {path: /v2/health/ready, port: 8080}}
            livenessProbe: {httpGet: {path: /v2/health/live, port: 8080}}
            startupProbe: {httpGet: {path: /v2/health/ready, port: 8080}, failureThreshold: 60}
    ---
    # Source: model-serving/templates/hpa.yaml
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: sentiment
      namespace: ml
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: sentiment}
      minReplicas: 2
      maxReplicas: 6
    ---
    # Source: model-serving/templates/pdb.yaml
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata:
      name: sentiment
      namespace: ml
    spec:
      minAvailable: 1
      selector:
        matchLabels: {app: sentiment}

    """

func lint(_ text: String, production: Bool = true, severities: [String: Severity] = [:]) throws
    -> [Finding]
{
    Linter.lint(
        try Manifest.parseStream(text, file: "release.yaml"),
        options: Linter.Options(production: production, severities: severities))
}

@Suite("lint")
struct LinterTests {
    @Test func aProductionReadyReleaseHasNoFindings() throws {
        let findings = try lint(goodRelease)
        #expect(findings.isEmpty, "\(findings.map { "\($0.rule): \($0.message)" })")
    }

    /// Each change breaks exactly one practice, and the rule that names it reports it on the
    /// right field.
    static let breakages: [(change: (String, String), rule: String, field: String)] = [
        (
            ("requests: {cpu: \"2\", memory: 8Gi}", "requests: {memory: 8Gi}"), "requests",
            "spec.template.spec.containers[name=server].resources.requests"
        ),
        (
            ("limits: {memory: 8Gi, nvidia.com/gpu: 1}", "limits: {nvidia.com/gpu: 1}"), "limits",
            "spec.template.spec.containers[name=server].resources.limits.memory"
        ),
        (
            (
                "requests: {cpu: \"2\", memory: 8Gi}",
                "requests: {cpu: \"2\", memory: 8Gi, nvidia.com/gpu: 2}"
            ),
            "gpu-limits",
            "spec.template.spec.containers[name=server].resources.limits.nvidia.com/gpu"
        ),
        (
            (
                "- {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}",
                "- {key: other, operator: Exists}"
            ),
            "gpu-toleration", "spec.template.spec.tolerations"
        ),
        (
            ("nodeSelector: {nvidia.com/gpu.present: \"true\"}", "priorityClassName: serving"),
            "gpu-placement", "spec.template.spec.nodeSelector"
        ),
        (
            (
                "readinessProbe: {httpGet: {path: /v2/health/ready, port: 8080}}",
                "ports: [{containerPort: 8080}]"
            ),
            "probes", "spec.template.spec.containers[name=server].readinessProbe"
        ),
        (
            (
                "startupProbe: {httpGet: {path: /v2/health/ready, port: 8080}, failureThreshold: 60}",
                "ports: []"
            ),
            "startup-probe", "spec.template.spec.containers[name=server].startupProbe"
        ),
        (("minReplicas: 2", "minReplicas: 1"), "replicas", "spec.minReplicas"),
        (
            ("kind: PodDisruptionBudget", "kind: NetworkPolicy"), "pdb",
            "spec.template.metadata.labels"
        ),
        (("kind: HorizontalPodAutoscaler", "kind: VerticalPodAutoscaler"), "hpa", "spec.replicas"),
        (
            ("@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ":1.4.0"),
            "image-digest", "spec.template.spec.containers[name=server].image"
        ),
        (
            ("resources:\n", "securityContext: {privileged: true}\n        resources:\n"),
            "privileged", "spec.template.spec.containers[name=server].securityContext.privileged"
        ),
        (
            ("      containers:\n", "      hostNetwork: true\n      containers:\n"),
            "host-access", "spec.template.spec.hostNetwork"
        ),
    ]

    @Test(arguments: breakages.indices)
    func eachBrokenPracticeIsReportedOnItsField(_ index: Int) throws {
        let (change, rule, field) = Self.breakages[index]
        #expect(goodRelease.contains(change.0), "the fixture holds what the case changes")
        let findings = try lint(goodRelease.replacingOccurrences(of: change.0, with: change.1))
        #expect(findings.map(\.rule) == [rule], "\(findings.map { "\($0.rule): \($0.field)" })")
        #expect(findings.first?.field == field)
        #expect(findings.first?.resource.namespace == "ml")
        #expect(findings.first?.fix.isEmpty == false)
        #expect(findings.first?.source?.hasPrefix("model-serving/templates/") == true)
    }

    @Test func aSingleReplicaWithoutAnAutoscalerNamesTheDeployment() throws {
        let text = goodRelease.replacingOccurrences(of: "replicas: 2", with: "replicas: 1")
            .replacingOccurrences(of: "kind: HorizontalPodAutoscaler", with: "kind: ConfigMap")
        let findings = try lint(text, severities: ["hpa": .off])
        #expect(findings.map(\.rule) == ["replicas"])
        #expect(
            findings.first?.resource
                == ResourceID(kind: "Deployment", namespace: "ml", name: "sentiment"))
        #expect(findings.first?.field == "spec.replicas")
    }

    @Test(arguments: [
        ("server:latest", true), ("server", true), ("registry.example:5000/ml/server", true),
        ("registry.example:5000/ml/server:1.0", false), ("server:1.0@sha256:abc", false),
    ])
    func latestOrUntaggedImagesAreRefused(image: String, refused: Bool) throws {
        let text = goodRelease.replacingOccurrences(
            of:
                "registry.example/ml/server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            with: image)
        let findings = try lint(text, severities: ["image-digest": .off])
        #expect(findings.contains { $0.rule == "image-latest" } == refused)
    }

    @Test func productionRaisesTheStakesAndConfigurationWins() throws {
        let text = goodRelease.replacingOccurrences(of: "minReplicas: 2", with: "minReplicas: 1")
            .replacingOccurrences(of: "kind: PodDisruptionBudget", with: "kind: NetworkPolicy")
        let production = try lint(text)
        #expect(production.map(\.severity) == [.error, .error])
        let development = try lint(text, production: false)
        #expect(development.map(\.rule) == ["pdb"], "replicas is off outside production")
        #expect(development.map(\.severity) == [.info])
        let configured = try lint(text, severities: ["pdb": .warning, "replicas": .off])
        #expect(configured.map(\.rule) == ["pdb"])
        #expect(configured.map(\.severity) == [.warning])
    }

    @Test func sidecarsWithoutPortsAndCanariesAreNotAskedToServe() throws {
        let sidecar = goodRelease.replacingOccurrences(
            of: "      containers:\n",
            with: "      containers:\n      - name: modelcar\n        image: m@sha256:abc\n"
                + "        resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 64Mi}}\n"
        ).replacingOccurrences(
            of: "        readinessProbe:",
            with: "        ports: [{containerPort: 8080}]\n        readinessProbe:")
        #expect(try lint(sidecar).isEmpty)
        let canary =
            goodRelease + """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: sentiment-canary
                  namespace: ml
                  labels: {app.kubernetes.io/track: canary}
                spec:
                  replicas: 1
                  template:
                    metadata:
                      labels: {app: sentiment, app.kubernetes.io/track: canary}
                    spec:
                      nodeSelector: {nvidia.com/gpu.present: "true"}
                      tolerations: [{key: nvidia.com/gpu, operator: Exists}]
                      containers:
                      - name: server
                        image: server@sha256:abc
                        resources: {requests: {cpu: "2", memory: 8Gi}, limits: {memory: 8Gi}}
                        readinessProbe: {httpGet: {path: /ready, port: 8080}}
                        livenessProbe: {httpGet: {path: /live, port: 8080}}
                        startupProbe: {httpGet: {path: /ready, port: 8080}}

                """
        let findings = try lint(canary)
        #expect(findings.isEmpty, "\(findings.map { "\($0.rule) \($0.resource)" })")
    }

    @Test func jobsNeedNoProbesOrReplicas() throws {
        let job = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: evaluate}
            spec:
              template:
                spec:
                  containers:
                  - name: eval
                    image: eval:1.0@sha256:abc
                    resources:
                      requests: {cpu: "1", memory: 1Gi}
                      limits: {memory: 1Gi}

            """
        #expect(try lint(job).isEmpty)
    }

    @Test func streamsKeepTheirSourcesAndOpenLists() throws {
        let text = """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
            ---
            # Source: chart/templates/c.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            ---
            """
        let manifests = try Manifest.parseStream(text, file: "out.yaml")
        #expect(manifests.map(\.name) == ["a", "b", "c"])
        #expect(manifests.map(\.source) == ["out.yaml", "out.yaml", "chart/templates/c.yaml"])
    }

    @Test func aDocumentThatIsNotYAMLNamesTheFileAndDocument() throws {
        #expect {
            try Manifest.parseStream("kind: ConfigMap\n---\nkey: [unclosed\n", file: "bad.yaml")
        } throws: { error in
            "\(error)".hasPrefix("bad.yaml: document 2 is not YAML")
        }
    }
}
