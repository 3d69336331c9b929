import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// More seeded trees, aimed at workloads and the legacy fields: StatefulSets with claim
/// templates, projected volumes, image pull secrets, legacy patch fields (and their warnings),
/// sort options, generator options and secret types. Output and warnings must equal kubectl's.
@Suite("kustomize differential: workloads and legacy fields")
struct KustomizeDifferentialWorkloadTests {
    static let caseCount = 80

    @Test(
        .enabled(if: ProcessRunner.which("kubectl") != nil, "kubectl is not installed"),
        arguments: 0..<caseCount)
    func randomWorkloadRendersAsKubectlDoes(_ seed: Int) throws {
        var generator = WorkloadGenerator(random: OverlayGenerator(seed: UInt64(seed) &+ 0xB0B))
        let files = generator.tree()
        let scratch = try ScratchDirectory(prefix: "kustomize-diff")
        for (path, text) in files { try scratch.write(path, text) }
        let directory = scratch.path("app")
        let kubectl = try ProcessRunner.run(["kubectl", "kustomize", directory])
        var ours = ""
        var warnings: [String] = []
        do {
            let output = try Kustomizer.build(directory, fileSystem: LocalFileSystem())
            ours = output.yaml
            warnings = output.warnings
        } catch {
            ours = "error: \(error)"
        }
        let expected = kubectl.succeeded ? kubectl.stdout : "error: \(kubectl.stderr)"
        let tree = files.sorted { $0.key < $1.key }
            .map { "--- \($0.key)\n\($0.value)" }.joined(separator: "\n")
        #expect(ours == expected, "seed \(seed):\n\(tree)\n\(firstDifference(ours, expected))")
        if kubectl.succeeded {
            let expectedWarnings = kubectl.stderr.split(separator: "\n").map(String.init)
            #expect(warnings == expectedWarnings, "seed \(seed): warnings")
        }
    }
}

struct WorkloadGenerator {
    var random: OverlayGenerator

    mutating func tree() -> [String: String] {
        var files: [String: String] = [:]
        let name = random.pick(["db", "cache", "queue"])
        let multiline = random.pick(["a\nb\n", "x: 1\ny: [2]\n", "  lead\ntrail  \n", "ünï\n"])
        files["app/statefulset.yaml"] = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: \(name)
              labels:
                app: \(name)
            spec:
              serviceName: \(name)
              replicas: 1
              selector:
                matchLabels:
                  app: \(name)
              template:
                metadata:
                  labels:
                    app: \(name)
                spec:
                  imagePullSecrets:
                  - name: pull
                  priorityClassName: high
                  containers:
                  - name: \(name)
                    image: \(random.pick(["postgres:15", "redis", "docker.io/library/rabbitmq:3@sha256:" + String(repeating: "c", count: 64)]))
                    volumeMounts:
                    - name: data
                      mountPath: /data
                    - name: config
                      mountPath: /etc/config
                  volumes:
                  - name: config
                    projected:
                      sources:
                      - configMap:
                          name: conf
                      - secret:
                          name: pull
                  - name: claim
                    persistentVolumeClaim:
                      claimName: shared
              volumeClaimTemplates:
              - metadata:
                  name: data
                spec:
                  accessModes: ["ReadWriteOnce"]
                  storageClassName: fast
                  resources:
                    requests:
                      storage: 1Gi
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
            spec:
              ports:
              - name: main
                port: 5432
              - name: metrics
                port: 9187
              selector:
                app: \(name)
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: shared
            spec:
              accessModes: ["ReadWriteMany"]
              resources:
                requests:
                  storage: 5Gi
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata:
              name: high
            value: 1000
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: data

            """
        files["app/multiline.txt"] = multiline
        var kustomization = "resources:\n- statefulset.yaml\n"
        if random.chance(50) { kustomization += "namePrefix: \(random.pick(["a-", "b-"]))\n" }
        if random.chance(40) { kustomization += "namespace: data\n" }
        if random.chance(50) {
            kustomization += "commonLabels:\n  stage: \(random.pick(["dev", "prod"]))\n"
        } else if random.chance(50) {
            kustomization += "labels:\n- pairs:\n    stage: dev\n  includeTemplates: true\n"
        }
        if random.chance(40) {
            kustomization += "generatorOptions:\n"
            if random.chance(50) { kustomization += "  disableNameSuffixHash: true\n" }
            kustomization += "  labels:\n    generated: \"yes\"\n"
        }
        kustomization += "configMapGenerator:\n- name: conf\n  files:\n  - multiline.txt\n"
        if random.chance(40) {
            kustomization +=
                "  options:\n    annotations:\n      note: \"\(random.pick(["x", "on"]))\"\n"
        }
        kustomization += "secretGenerator:\n- name: pull\n"
        kustomization += "  type: \(random.pick(["kubernetes.io/dockerconfigjson", "Opaque"]))\n"
        kustomization += "  literals:\n  - .dockerconfigjson={\"auths\":{}}\n"
        if random.chance(50) {
            kustomization += "images:\n- name: \(random.pick(["postgres", "redis"]))\n"
            kustomization += "  newTag: \"\(random.pick(["16", "7.2"]))\"\n"
        }
        if random.chance(40) { kustomization += "replicas:\n- name: \(name)\n  count: 3\n" }
        if random.chance(40) {
            files["app/smp.yaml"] = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: \(name)
                spec:
                  ports:
                  - name: metrics
                    port: 9187
                    targetPort: \(random.pick(["9187", "metrics"]))
                  - name: extra
                    port: 1234

                """
            kustomization += "patchesStrategicMerge:\n- smp.yaml\n"
        }
        if random.chance(40) {
            files["app/json.yaml"] = """
                - op: add
                  path: /spec/template/spec/containers/0/args
                  value: ["--verbose", "--port=5432"]

                """
            kustomization += "patchesJson6902:\n- target:\n    group: apps\n    version: v1\n"
            kustomization += "    kind: StatefulSet\n    name: \(name)\n  path: json.yaml\n"
        }
        if random.chance(30) {
            kustomization += "patches:\n- target:\n    labelSelector: app=\(name)\n"
            kustomization += "  patch: |-\n    - op: add\n      path: /metadata/annotations\n"
            kustomization += "      value:\n        selected: \"true\"\n"
        }
        if random.chance(30) { kustomization += "sortOptions:\n  order: fifo\n" }
        files["app/kustomization.yaml"] = kustomization
        return files
    }
}
