import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// Strategic-merge directives and JSON 6902 operations, each checked against kubectl.
@Suite("kustomize patches")
struct KustomizePatchTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
          labels:
            a: "1"
            b: "2"
          finalizers: [a, c]
          ownerReferences:
          - {apiVersion: v1, kind: X, name: o1, uid: u1}
        spec:
          template:
            spec:
              imagePullSecrets:
              - name: i1
              topologySpreadConstraints:
              - {topologyKey: zone, maxSkew: 1}
              containers:
              - name: a
                image: a
                args: ["x", "y", "z"]
                env:
                - name: E1
                  value: "1"
                - name: E2
                  value: "2"
                ports:
                - containerPort: 80
                - containerPort: 81
              - name: b
                image: b
              volumes:
              - name: v1
                emptyDir: {}
              - name: v2
                emptyDir: {}
              tolerations:
              - key: k1

        """

    static let patches: [(String, String)] = [
        (
            "directives",
            """
            - patch: |-
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                  labels:
                    b: null
                    c: "3"
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        args: ["q"]
                        env:
                        - name: E1
                          $patch: delete
                        - name: E3
                          value: "3"
                        ports:
                        - containerPort: 81
                          name: metrics
                      - name: b
                        $patch: delete
                      volumes:
                      - $patch: replace
                      - name: v3
                        emptyDir: {}
                      tolerations:
                      - key: k3
            - patch: |-
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                spec:
                  template:
                    metadata:
                      $patch: replace
                      annotations:
                        x: y

            """
        ),
        (
            "json 6902",
            """
            - target:
                kind: Deployment
                name: "d.*"
              patch: |-
                - op: test
                  path: /spec/template/spec/containers/0/name
                  value: a
                - op: add
                  path: /spec/template/spec/containers/0/args/-
                  value: last
                - op: add
                  path: /spec/template/spec/containers/0/args/0
                  value: first
                - op: copy
                  from: /spec/template/spec/containers/1/image
                  path: /metadata/labels/copied
                - op: move
                  from: /spec/template/spec/tolerations
                  path: /spec/template/spec/extraTolerations
                - op: remove
                  path: /spec/template/spec/volumes/1
                - op: replace
                  path: /metadata/labels/a~1b
                  value: slash
            - target:
                kind: ConfigMap
              patch: |-
                - op: add
                  path: /metadata/annotations/added
                  value: "to a resource without annotations"

            """
        ),
        (
            // kyaml merges by `$patch` only; kubectl's server-side directives stay as fields,
            // also inside maps and list elements the patch adds.
            "kubectl directives kept as fields",
            """
            - patch: |-
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                spec:
                  $retainKeys: [template]
                  template:
                    metadata:
                      $setElementOrder/labels: [a]
                    spec:
                      $deleteFromPrimitiveList/args: [x]
                      $setElementOrder/containers:
                      - name: c
                      - name: a
                      containers:
                      - name: a
                        $deleteFromPrimitiveList/args: [x]
                        $setElementOrder/env: [{name: E2}, {name: E1}]
                      - name: c
                        image: c
                        $setElementOrder/env: [{name: X}]

            """
        ),
        (
            // Merge keys that depend on where the list is: a pod spec's imagePullSecrets merge,
            // a ServiceAccount's are replaced; finalizers merge as a set.
            "schema merge keys",
            """
            - patch: |-
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                  finalizers: [b, a]
                  ownerReferences:
                  - {apiVersion: v1, kind: X, name: o2, uid: u2}
                spec:
                  template:
                    spec:
                      imagePullSecrets:
                      - name: i2
                      topologySpreadConstraints:
                      - topologyKey: host
            - patch: |-
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: sa
                secrets:
                - name: s2
                imagePullSecrets:
                - name: i2

            """
        ),
        (
            "delete a resource",
            """
            - patch: |-
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                $patch: delete

            """
        ),
    ]

    @Test(
        .enabled(if: ProcessRunner.which("kubectl") != nil, "kubectl is not installed"),
        arguments: patches.indices)
    func patchAppliesAsKubectlDoes(_ index: Int) throws {
        let (label, patches) = Self.patches[index]
        let scratch = try ScratchDirectory(prefix: "kustomize-patch")
        try scratch.write("app/d.yaml", Self.deployment)
        try scratch.write(
            "app/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n---\n"
                + "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n"
                + "secrets:\n- name: s1\nimagePullSecrets:\n- name: i1\n")
        try scratch.write(
            "app/kustomization.yaml", "resources:\n- d.yaml\n- cm.yaml\npatches:\n" + patches)
        let kubectl = try ProcessRunner.run(["kubectl", "kustomize", scratch.path("app")])
        let ours: String
        do {
            ours = try Kustomizer.build(scratch.path("app"), fileSystem: LocalFileSystem()).yaml
        } catch {
            ours = "error: \(error)"
        }
        let expected = kubectl.succeeded ? kubectl.stdout : "error: \(kubectl.stderr)"
        #expect(ours == expected, "\(label):\n\(firstDifference(ours, expected))")
    }
}
