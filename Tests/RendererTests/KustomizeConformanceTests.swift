import Foundation
import Renderer
import ShipFiles
import Testing

/// The kustomize examples under `../shared/conformance/kustomize`, each rendered and compared
/// byte for byte with what `kubectl kustomize` printed for it.
@Suite("kustomize conformance")
struct KustomizeConformanceTests {
    /// Cases known to be identical; one that stops being identical fails the test.
    static let passing: Set<String> = [
        "helloWorld", "ldap/base", "ldap/overlays/production", "ldap/overlays/staging",
        "multibases", "multibases/base", "multibases/dev", "multibases/production",
        "multibases/staging", "springboot/base", "springboot/overlays/production",
        "springboot/overlays/staging", "transformerconfigs/crd", "wordpress", "image", "replicas",
        "generatorOptions", "inlinePatch/smp", "inlinePatch/smp-delete", "inlinePatch/json",
        "inlinePatch/patch", "jsonpatch", "patchMultipleObjects/by-kind",
        "patchMultipleObjects/by-label", "components/overlays/community",
        "components/overlays/enterprise", "components/overlays/dev",
        "combineConfigs/overlays/development", "combineConfigs/overlays/production",
        "transformerconfigs/images", "configureBuiltinPlugin", "../krusty/replacements-diamond",
        "../krusty/labels-template/app", "../krusty/name-and-namespace",
        "../krusty/crd-overlay/overlay", "../krusty/sort-custom-order/base", "customOpenAPIschema",
        "../krusty/medium-overlay/overlay",
    ]

    static var conformanceRoot: String {
        // Tests/RendererTests/<this file> -> the package root -> ../shared/conformance/kustomize
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/kustomize").path
    }

    static var available: Bool {
        FileManager.default.fileExists(atPath: conformanceRoot + "/cases.txt")
    }

    @Test(.enabled(if: available, "the conformance data is not on this machine"))
    func everyCaseRendersAsKubectlDoes() throws {
        let fileSystem = LocalFileSystem()
        let list = try fileSystem.readText(at: Self.conformanceRoot + "/cases.txt")
        let cases = list.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        var identical: [String] = []
        var regressions: [String] = []
        for name in cases {
            let directory = normalized(Self.conformanceRoot + "/examples/" + name)
            let expected = try fileSystem.readText(at: directory + "/expected.yaml")
            let rendered: String
            do {
                rendered = try Kustomizer.build(directory, fileSystem: fileSystem).yaml
            } catch {
                rendered = "error: \(error)"
            }
            if rendered == expected {
                identical.append(name)
            } else if Self.passing.contains(name) {
                regressions.append(name)
                Issue.record(
                    "\(name) is no longer identical:\n\(firstDifference(rendered, expected))")
            }
        }
        let newlyPassing = identical.filter { !Self.passing.contains($0) }
        print("kustomize conformance: \(identical.count) of \(cases.count) identical")
        print("  failing: \(cases.filter { !identical.contains($0) }.joined(separator: ", "))")
        if !newlyPassing.isEmpty {
            print("  newly identical (add to the list): \(newlyPassing.joined(separator: ", "))")
        }
        #expect(regressions.isEmpty)
    }

    func normalized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// The first line where two texts differ, with its neighbours, for a failure message.
func firstDifference(_ actual: String, _ expected: String) -> String {
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(actualLines.count, expectedLines.count) {
        let left = index < actualLines.count ? String(actualLines[index]) : "<end>"
        let right = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
        if left != right {
            return "line \(index + 1):\n  got:      \(left)\n  expected: \(right)"
        }
    }
    return "(identical lines; the texts differ in their ends)"
}
