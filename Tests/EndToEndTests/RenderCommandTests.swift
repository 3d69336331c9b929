import Foundation
import ShipMLTestSupport
import Testing

/// `shipml render`, run as a user runs it: stdout, stderr and the exit code.
@Suite("shipml render")
struct RenderCommandTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
              - name: web
                image: web:1

        """

    @Test func printsTheBuildAndWarnsOnStandardError() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("app/deployment.yaml", Self.deployment)
        try scratch.write(
            "app/kustomization.yaml",
            "resources:\n- deployment.yaml\ncommonLabels:\n  team: ml\nnamePrefix: prod-\n")
        let result = try ShipMLExecutable.run(["render", "app"], in: scratch.path)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"))
        #expect(result.stdout.contains("  name: prod-web\n"))
        #expect(
            result.stderr
                == "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run "
                + "'kustomize edit fix' to update your Kustomization automatically.\n")
        if ProcessRunner.which("kubectl") != nil {
            let kubectl = try ProcessRunner.run(["kubectl", "kustomize", scratch.path("app")])
            #expect(kubectl.stdout == result.stdout)
        }
    }

    @Test func writesOneFilePerObject() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("app/deployment.yaml", Self.deployment)
        try scratch.write(
            "app/kustomization.yaml",
            "resources:\n- deployment.yaml\nconfigMapGenerator:\n- name: c\n  literals:\n  - a=b\n")
        let result = try ShipMLExecutable.run(
            ["render", "app", "--output", "out"], in: scratch.path)
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path("out"))
        #expect(
            files.sorted() == ["apps_v1_deployment_web.yaml", "v1_configmap_c-4h2mbtbbt6.yaml"])
    }

    @Test func badInputExitsWithTwo() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("missing/kustomization.yaml", "resources:\n- nope.yaml\n")
        let missing = try ShipMLExecutable.run(
            ["render", "--no-color", "missing"], in: scratch.path)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("evalsymlink failure on '"))
        #expect(missing.stdout.isEmpty)

        try scratch.write("outside.yaml", Self.deployment)
        try scratch.write("sub/kustomization.yaml", "resources:\n- ../outside.yaml\n")
        let outside = try ShipMLExecutable.run(["render", "sub"], in: scratch.path)
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("security; file '"))
        let unrestricted = try ShipMLExecutable.run(
            ["render", "sub", "--load-restrictor", "LoadRestrictionsNone"], in: scratch.path)
        #expect(unrestricted.status == 0)
        #expect(unrestricted.stdout.contains("name: web"))

        try scratch.write("chart/Chart.yaml", "name: c\n")
        let chart = try ShipMLExecutable.run(["render", "chart"], in: scratch.path)
        #expect(chart.status == 2)
        #expect(chart.stderr.contains("Error: validation: chart.metadata.version is required"))
    }
}
