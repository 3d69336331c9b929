import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// Random overlays from a fixed seed, built by `kubectl kustomize` and by shipml: the output
/// must be identical. A failure prints the whole tree so it can become a named case.
@Suite("kustomize differential")
struct KustomizeDifferentialTests {
    static let caseCount = 40
    static var kubectlAvailable: Bool { ProcessRunner.which("kubectl") != nil }

    @Test(
        .enabled(if: kubectlAvailable, "kubectl is not installed"),
        arguments: 0..<caseCount)
    func randomOverlayRendersAsKubectlDoes(_ seed: Int) throws {
        var generator = OverlayGenerator(seed: UInt64(seed) &+ 0x5EED)
        let files = generator.tree()
        let scratch = try ScratchDirectory(prefix: "kustomize-diff")
        for (path, text) in files { try scratch.write(path, text) }
        let overlay = scratch.path("overlay")
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
        files["base/kustomization.yaml"] = """
            resources:
            - deployment.yaml
            - service.yaml
            - serviceaccount.yaml
            configMapGenerator:
            - name: settings
              literals:
              - \(literal("MODE"))
              - \(literal("LEVEL"))
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
        if !patches.isEmpty { overlay += "patches:\n" + patches }
        files["overlay/kustomization.yaml"] = overlay
        return files
    }
}
