import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

@Suite("what a deploy directory holds")
struct RenderSourceTests {
    @Test func chartsAndKustomizationsAreTold() throws {
        let fileSystem = InMemoryFileSystem(files: [
            "/c/Chart.yaml": "name: c\n",
            "/k/kustomization.yml": "resources: []\n",
            "/u/Kustomization": "resources: []\n",
        ])
        #expect(
            try RenderSource.detect("/c", fileSystem: fileSystem)
                == .chart(directory: "/c", chartFile: "/c/Chart.yaml"))
        #expect(
            try RenderSource.detect("/k", fileSystem: fileSystem)
                == .kustomization(directory: "/k", kustomizationFile: "/k/kustomization.yml"))
        #expect(
            try RenderSource.detect("/u", fileSystem: fileSystem)
                == .kustomization(directory: "/u", kustomizationFile: "/u/Kustomization"))
    }

    @Test func ambiguityAndAbsenceAreErrors() throws {
        let fileSystem = InMemoryFileSystem(files: [
            "/two/kustomization.yaml": "", "/two/kustomization.yml": "",
            "/both/Chart.yaml": "", "/both/kustomization.yaml": "",
            "/empty/README.md": "",
        ])
        #expect(
            throws: RenderError.ambiguousKustomization(
                "/two", found: ["kustomization.yaml", "kustomization.yml"])
        ) {
            try RenderSource.detect("/two", fileSystem: fileSystem)
        }
        #expect(throws: RenderError.bothChartAndKustomization("/both")) {
            try RenderSource.detect("/both", fileSystem: fileSystem)
        }
        #expect(throws: RenderError.nothingToRender("/empty")) {
            try RenderSource.detect("/empty", fileSystem: fileSystem)
        }
        #expect(throws: RenderError.notADirectory("/none")) {
            try RenderSource.detect("/none", fileSystem: fileSystem)
        }
    }

    /// kubectl kustomize is the oracle: it must agree that two kustomization files are an error
    /// and that `Kustomization` alone is accepted.
    @Test(.enabled(if: ProcessRunner.which("kubectl") != nil))
    func kubectlAgrees() throws {
        let scratch = try ScratchDirectory()
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
        try scratch.write("one/cm.yaml", configMap)
        try scratch.write("one/Kustomization", "resources: [cm.yaml]\n")
        try scratch.write("two/cm.yaml", configMap)
        try scratch.write("two/kustomization.yaml", "resources: [cm.yaml]\n")
        try scratch.write("two/kustomization.yml", "resources: [cm.yaml]\n")
        let local = LocalFileSystem()

        let one = try ProcessRunner.run(["kubectl", "kustomize", scratch.path("one")])
        #expect(one.status == 0)
        #expect(
            try RenderSource.detect(scratch.path("one"), fileSystem: local)
                == .kustomization(
                    directory: scratch.path("one"),
                    kustomizationFile: scratch.path("one/Kustomization")))

        let two = try ProcessRunner.run(["kubectl", "kustomize", scratch.path("two")])
        #expect(two.status != 0)
        #expect(throws: RenderError.self) {
            try RenderSource.detect(scratch.path("two"), fileSystem: local)
        }
    }
}
