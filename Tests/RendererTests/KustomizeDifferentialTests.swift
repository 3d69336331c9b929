import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// Random overlays from a fixed seed, built by `kubectl kustomize` and by shipml: the output
/// must be identical. A failure prints the whole tree so it can become a named case.
@Suite("kustomize differential")
struct KustomizeDifferentialTests {
    static let caseCount = 120
    static var kubectlAvailable: Bool { ProcessRunner.which("kubectl") != nil }

    @Test(
        .enabled(if: kubectlAvailable, "kubectl is not installed"),
        arguments: 0..<caseCount)
    func randomOverlayRendersAsKubectlDoes(_ seed: Int) throws {
        var generator = OverlayGenerator(seed: UInt64(seed) &+ 0x5EED)
        let files = generator.tree()
        let scratch = try ScratchDirectory.holding(files, prefix: "kustomize-diff")
        let overlay = scratch.path("top")
        let kubectl = try ProcessRunner.run(["kubectl", "kustomize", overlay])
        let ours: String
        do {
            ours = try Kustomizer.build(overlay, fileSystem: LocalFileSystem()).yaml
        } catch {
            ours = "error: \(error)"
        }
        let expected = kubectl.succeeded ? kubectl.stdout : "error: \(kubectl.stderr)"
        let tree = files.sorted { $0.key < $1.key }
            .map { "--- \($0.key)\n\($0.value)" }.joined(separator: "\n")
        #expect(
            ours == expected,
            "seed \(seed):\n\(tree)\n\(firstDifference(ours, expected))")
    }
}

/// A seeded generator of kustomize trees: a base with a Deployment, a Service and a
/// ConfigMap generator, and an overlay with prefixes, a namespace, labels, annotations,
/// images, replicas, generators and patches drawn at random.
struct OverlayGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        // SplitMix64
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }

    mutating func pick<T>(_ items: [T]) -> T {
        items[Int(next() % UInt64(items.count))]
    }

    static let values = [
        "plain", "true", "8080", "a: b", "x y", "*", "1.5", "yes", "hello-world", "#tag",
        "2001-01-01", "null", "",
    ]
    static let names = ["web", "api", "model-server", "worker"]

    mutating func literal(_ key: String) -> String {
        let value = pick(Self.values)
        return "\"\(key)=\(value)\""
    }

    mutating func tree() -> [String: String] {
        var files: [String: String] = [:]
        let app = pick(Self.names)
        let replicas = Int(next() % 5) + 1
        let port = pick([80, 8080, 9000])
        files["base/deployment.yaml"] = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(app)
              labels:
                app: \(app)
            spec:
              replicas: \(replicas)
              selector:
                matchLabels:
                  app: \(app)
              template:
                metadata:
                  labels:
                    app: \(app)
                spec:
                  serviceAccountName: runner
                  containers:
                  - name: main
                    image: registry.example.com/\(app):1.0
                    ports:
                    - containerPort: \(port)
                    envFrom:
                    - configMapRef:
                        name: settings
                    env:
                    - name: TOKEN
                      valueFrom:
                        secretKeyRef:
                          name: creds
                          key: token
                  initContainers:
                  - name: init
                    image: busybox:1.36

            """
        files["base/service.yaml"] = """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(app)
            spec:
              selector:
                app: \(app)
              ports:
              - port: \(port)
                targetPort: \(port)

            """
        files["base/serviceaccount.yaml"] = """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: runner

            """
        files["base/extras.yaml"] = """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: \(app)
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: \(app)
              minReplicas: 1
              maxReplicas: \(Int(next() % 10) + 2)
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: runner-binding
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
            subjects:
            - kind: ServiceAccount
              name: runner
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: reader
            rules:
            - apiGroups: [""]
              resources: ["configmaps"]
              verbs: ["get", "list"]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: \(app)
            spec:
              rules:
              - host: \(app).example.com
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: \(app)
                        port:
                          number: \(port)
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: cleanup
            spec:
              schedule: "*/5 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - name: cleanup
                        image: busybox:1.36
                        args: ["sh", "-c", "echo done"]
                        envFrom:
                        - configMapRef:
                            name: settings

            """
        files["base/settings.env"] = "# settings\nA=1\nB=\(pick(Self.values))\n\nC=x=y\n"
        files["base/notes.txt"] = pick(["line one\nline two\n", "single", "  indented\nend\n\n"])
        files["base/kustomization.yaml"] = """
            resources:
            - deployment.yaml
            - service.yaml
            - serviceaccount.yaml
            - extras.yaml
            configMapGenerator:
            - name: settings
              literals:
              - \(literal("MODE"))
              - \(literal("LEVEL"))
            - name: files
              envs:
              - settings.env
              files:
              - notes.txt
              - renamed=notes.txt
            secretGenerator:
            - name: creds
              literals:
              - token=\(pick(["s3cret", "abc", "p@ss"]))

            """
        var overlay = "resources:\n- ../base\n"
        if chance(60) { overlay += "namePrefix: \(pick(["prod-", "dev-", "x-"]))\n" }
        if chance(40) { overlay += "nameSuffix: \(pick(["-v2", "-eu"]))\n" }
        if chance(50) { overlay += "namespace: \(pick(["ml", "serving", "team-a"]))\n" }
        if chance(40) {
            overlay += "commonLabels:\n  team: \(pick(["ml", "data"]))\n"
        } else if chance(50) {
            let selectors = chance(50)
            overlay += "labels:\n- pairs:\n    tier: \(pick(["gold", "silver"]))\n"
            overlay += "  includeSelectors: \(selectors)\n"
            if chance(50) { overlay += "  includeTemplates: true\n" }
        }
        if chance(50) {
            overlay += "commonAnnotations:\n  owner: \(pick(["alice", "bob@example.com"]))\n"
        }
        if chance(60) {
            overlay += "images:\n- name: registry.example.com/\(app)\n"
            if chance(50) { overlay += "  newName: mirror.example.com/\(app)\n" }
            if chance(30) {
                overlay += "  digest: sha256:" + String(repeating: "ab", count: 32) + "\n"
            } else {
                overlay += "  newTag: \"\(pick(["2.0", "1.1.0", "latest"]))\"\n"
            }
        }
        if chance(50) {
            overlay += "replicas:\n- name: \(app)\n  count: \(Int(next() % 9) + 1)\n"
        }
        var generators = ""
        if chance(50) {
            generators += "- name: settings\n  behavior: \(pick(["merge", "replace"]))\n"
            generators += "  literals:\n  - \(literal("EXTRA"))\n"
        }
        if chance(50) {
            generators += "- name: extra\n  literals:\n  - \(literal("K"))\n"
            if chance(30) { generators += "  options:\n    disableNameSuffixHash: true\n" }
        }
        if !generators.isEmpty { overlay += "configMapGenerator:\n" + generators }
        var patches = ""
        if chance(50) {
            patches += """
                - patch: |-
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: \(app)
                    spec:
                      template:
                        spec:
                          containers:
                          - name: \(pick(["main", "sidecar"]))
                            image: sidecar:1
                            env:
                            - name: LOG
                              value: "\(pick(["debug", "info"]))"

                """
        }
        if chance(50) {
            patches += """
                - target:
                    kind: Deployment
                  patch: |-
                    - op: add
                      path: /spec/template/metadata/annotations
                      value:
                        rev: "\(Int(next() % 100))"

                """
        }
        if chance(30) {
            patches += """
                - patch: |-
                    apiVersion: batch/v1
                    kind: CronJob
                    metadata:
                      name: cleanup
                    $patch: delete

                """
        }
        if chance(40) {
            let op = pick(["remove", "replace", "copy", "move"])
            patches += "- target:\n    kind: HorizontalPodAutoscaler\n  patch: |-\n"
            switch op {
            case "remove":
                patches += "    - op: remove\n      path: /spec/minReplicas\n"
            case "replace":
                patches += "    - op: replace\n      path: /spec/maxReplicas\n      value: 42\n"
            default:
                patches += "    - op: \(op)\n      from: /spec/minReplicas\n"
                patches += "      path: /spec/extra\n"
            }
        }
        if !patches.isEmpty { overlay += "patches:\n" + patches }
        if chance(40) {
            overlay += "components:\n- ../component\n"
            files["component/kustomization.yaml"] = """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                configMapGenerator:
                - name: settings
                  behavior: merge
                  literals:
                  - \(literal("FROM_COMPONENT"))
                patches:
                - patch: |-
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: \(app)
                    spec:
                      type: \(pick(["NodePort", "ClusterIP"]))

                """
        }
        files["overlay/kustomization.yaml"] = overlay
        if chance(40) {
            var top = "resources:\n- ../overlay\n"
            top += "namePrefix: \(pick(["top-", "z-"]))\n"
            if chance(50) { top += "namespace: \(pick(["outer", "ml"]))\n" }
            if chance(50) {
                top += "configMapGenerator:\n- name: settings\n  behavior: merge\n"
                top += "  literals:\n  - \(literal("TOP"))\n"
            }
            files["top/kustomization.yaml"] = top
        } else {
            files["top/kustomization.yaml"] = "resources:\n- ../overlay\n"
        }
        return files
    }
}
