import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// `openapi: {path:}`: a custom schema's merge keys and strategies for a custom resource, as
/// kubectl applies them; without the schema the same lists are replaced.
@Suite("kustomize openapi")
struct KustomizeOpenAPITests {
    static let schema = """
        {
          "definitions": {
            "com.example.v1.Widget": {
              "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
                "spec": {"$ref": "#/definitions/com.example.v1.WidgetSpec"}
              },
              "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}]
            },
            "com.example.v1.WidgetSpec": {
              "properties": {
                "items": {
                  "type": "array",
                  "items": {"$ref": "#/definitions/com.example.v1.Item"},
                  "x-kubernetes-patch-merge-key": "id",
                  "x-kubernetes-patch-strategy": "merge"
                },
                "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-patch-strategy": "merge"}
              }
            },
            "com.example.v1.Item": {
              "properties": {"id": {"type": "string"}, "v": {"type": "integer"}}
            },
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
              "properties": {"name": {"type": "string"}}
            }
          }
        }

        """

    static let widget = """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w
        spec:
          items:
          - id: a
            v: 1
          - id: b
            v: 2
          tags: [x, y]

        """

    static let kustomization = """
        resources: [r.yaml]
        openapi:
          path: schema.json
        patches:
        - patch: |-
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w
            spec:
              items:
              - id: b
                v: 3
              - id: c
                v: 4
              tags: [z, x]

        """

    @Test(
        .enabled(if: ProcessRunner.which("kubectl") != nil, "kubectl is not installed"),
        arguments: [true, false])
    func customSchemaMergesAsKubectlDoes(withSchema: Bool) throws {
        let scratch = try ScratchDirectory(prefix: "kustomize-openapi")
        try scratch.write("app/schema.json", Self.schema)
        try scratch.write("app/r.yaml", Self.widget)
        var kustomization = Self.kustomization
        if !withSchema {
            kustomization = kustomization.replacingOccurrences(
                of: "openapi:\n  path: schema.json\n", with: "")
        }
        try scratch.write("app/kustomization.yaml", kustomization)
        let kubectl = try ProcessRunner.run(["kubectl", "kustomize", scratch.path("app")])
        #expect(kubectl.succeeded)
        let ours = try Kustomizer.build(scratch.path("app"), fileSystem: LocalFileSystem()).yaml
        #expect(ours == kubectl.stdout, "\(firstDifference(ours, kubectl.stdout))")
        #expect(ours.contains("- id: a") == withSchema, "the schema's merge key keeps item a")
    }

    @Test func aFileThatIsNotASchemaIsRefused() throws {
        let scratch = try ScratchDirectory(prefix: "kustomize-openapi")
        try scratch.write("app/schema.json", "{\"swagger\": \"2.0\"}\n")
        try scratch.write("app/r.yaml", Self.widget)
        try scratch.write("app/kustomization.yaml", Self.kustomization)
        #expect(throws: KustomizeError.self) {
            try Kustomizer.build(scratch.path("app"), fileSystem: LocalFileSystem())
        }
    }
}
