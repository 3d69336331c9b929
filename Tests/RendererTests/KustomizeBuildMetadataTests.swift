import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// `buildMetadata`: origin and transformer annotations and the managed-by label, through a base,
/// a component, generators and a transformer config file, each option set checked against
/// kubectl.
@Suite("kustomize buildMetadata")
struct KustomizeBuildMetadataTests {
    static let optionSets = [
        "[originAnnotations, transformerAnnotations, managedByLabel]",
        "[originAnnotations]",
        "[transformerAnnotations]",
        "[managedByLabel]",
        // Unknown options are ignored, but a non-empty list still records origins, so the
        // JSON patch below finds an annotations map on svc2.
        "[notAnOption]",
        "[]",
    ]

    static func writeTree(in scratch: ScratchDirectory, options: String) throws {
        try scratch.write(
            "base/kustomization.yaml",
            """
            resources: [app.yaml]
            namePrefix: b-
            configMapGenerator:
            - name: cfg
              literals: [a=b]
            secretGenerator:
            - name: sec
              literals: [a=b]

            """)
        try scratch.write(
            "base/app.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
            spec:
              template:
                spec:
                  containers:
                  - name: a
                    image: a
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: svc

            """)
        try scratch.write(
            "comp/kustomization.yaml",
            """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            nameSuffix: -c
            configMapGenerator:
            - name: compcfg
              literals: [x=y]

            """)
        try scratch.write(
            "overlay/svc2.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc2\n")
        try scratch.write(
            "overlay/tr.yaml",
            """
            apiVersion: builtin
            kind: AnnotationsTransformer
            metadata:
              name: extra
            annotations:
              app: demo
            fieldSpecs:
            - path: metadata/annotations
              create: true

            """)
        try scratch.write(
            "overlay/kustomization.yaml",
            """
            resources: [../base, svc2.yaml]
            components: [../comp]
            namespace: ns
            buildMetadata: \(options)
            labels:
            - pairs: {tier: web}
            images:
            - name: a
              newTag: v2
            replicas:
            - name: b-app-c
              count: 2
            patches:
            - target: {kind: Service, name: svc2.*}
              patch: |-
                - op: add
                  path: /metadata/annotations/z
                  value: "1"
            transformers:
            - tr.yaml

            """)
    }

    @Test(
        .enabled(if: ProcessRunner.which("kubectl") != nil, "kubectl is not installed"),
        arguments: optionSets)
    func annotationsMatchKubectl(_ options: String) throws {
        let scratch = try ScratchDirectory(prefix: "kustomize-metadata")
        try Self.writeTree(in: scratch, options: options)
        let kubectl = try ProcessRunner.run(["kubectl", "kustomize", scratch.path("overlay")])
        let ours: String
        do {
            ours =
                try Kustomizer.build(scratch.path("overlay"), fileSystem: LocalFileSystem()).yaml
        } catch {
            ours = "error: \(error)"
        }
        let expected = kubectl.succeeded ? kubectl.stdout : "error: \(kubectl.stderr)"
        #expect(ours == expected, "\(options):\n\(firstDifference(ours, expected))")
    }

    @Test func originsNameTheFileOrTheGeneratorRelativeToTheTopKustomization() throws {
        let scratch = try ScratchDirectory(prefix: "kustomize-metadata")
        try Self.writeTree(in: scratch, options: "[originAnnotations]")
        let output = try Kustomizer.build(scratch.path("overlay"), fileSystem: LocalFileSystem())
        let origins = output.resources.compactMap {
            $0.value(at: ["metadata", "annotations", "config.kubernetes.io/origin"])?.stringValue
        }
        #expect(origins.contains("path: ../base/app.yaml\n"))
        #expect(origins.contains("path: svc2.yaml\n"))
        #expect(
            origins.contains(
                "configuredIn: ../comp/kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n"
                    + "  kind: ConfigMapGenerator\n"))
        #expect(
            !output.yaml.contains("alpha.config.kubernetes.io/transformations"),
            "only the options asked for stay")
    }
}
