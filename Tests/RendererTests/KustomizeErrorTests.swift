import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// Trees kustomize refuses, and the words it refuses them with.
@Suite("kustomize errors")
struct KustomizeErrorTests {
    static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"

    static let trees: [(String, [String: String], String)] = [
        ("missing resource", ["app/kustomization.yaml": "resources:\n- missing.yaml\n"], "app"),
        (
            "file outside the root",
            [
                "outside.yaml": configMap,
                "app/kustomization.yaml": "resources:\n- ../outside.yaml\n",
            ],
            "app"
        ),
        (
            "resource reached twice",
            [
                "app/kustomization.yaml": "resources:\n- a.yaml\n- b.yaml\n",
                "app/a.yaml": configMap, "app/b.yaml": configMap,
            ],
            "app"
        ),
        (
            "cycle",
            [
                "a/kustomization.yaml": "resources:\n- ../b\n",
                "b/kustomization.yaml": "resources:\n- ../a\n",
            ],
            "a"
        ),
        (
            "missing env file",
            ["app/kustomization.yaml": "configMapGenerator:\n- name: c\n  envs:\n  - nope.env\n"],
            "app"
        ),
        (
            "generator file outside the root",
            [
                "outside.txt": "x",
                "app/kustomization.yaml":
                    "configMapGenerator:\n- name: c\n  files:\n  - ../outside.txt\n",
            ],
            "app"
        ),
        (
            "a YAML 1.1 boolean where a string belongs",
            [
                "app/kustomization.yaml":
                    "configMapGenerator:\n- name: c\n  literals:\n  - a=b\n  options:\n"
                    + "    labels:\n      x: y\n"
            ],
            "app"
        ),
        (
            "a number where a string belongs",
            ["app/kustomization.yaml": "images:\n- name: nginx\n  newTag: 1.10\n"],
            "app"
        ),
        (
            "patch that matches nothing",
            [
                "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n",
                "app/cm.yaml": configMap,
                "app/p.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: zzz\n",
            ],
            "app"
        ),
        (
            "patch file that is missing",
            [
                "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: nope.yaml\n",
                "app/cm.yaml": configMap,
            ],
            "app"
        ),
        (
            "patch file outside the root",
            [
                "p.yaml": "x: 1\n",
                "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- target:\n"
                    + "    kind: ConfigMap\n  path: ../p.yaml\n",
                "app/cm.yaml": configMap,
            ],
            "app"
        ),
        (
            "JSON patch add under a missing parent",
            [
                "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n"
                    + "  target:\n    kind: ConfigMap\n",
                "app/cm.yaml": configMap,
                "app/p.yaml": "- op: add\n  path: /metadata/labels/z\n  value: \"1\"\n",
            ],
            "app"
        ),
        (
            "JSON patch copy to a missing parent",
            [
                "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n"
                    + "  target:\n    kind: ConfigMap\n",
                "app/cm.yaml": configMap,
                "app/p.yaml": "- op: copy\n  from: /metadata/name\n  path: /data/x/y\n",
            ],
            "app"
        ),
    ]

    @Test(arguments: trees.indices)
    func refusedWithKustomizesWords(_ index: Int) throws {
        let (label, files, directory) = Self.trees[index]
        let scratch = try ScratchDirectory(prefix: "kustomize-error")
        for (path, text) in files { try scratch.write(path, text) }
        let path = scratch.path(directory)
        var message: String?
        do {
            _ = try Kustomizer.build(path, fileSystem: LocalFileSystem())
        } catch {
            message = "\(error)"
        }
        #expect(message != nil, "\(label): built without an error")
        guard let message, ProcessRunner.which("kubectl") != nil else { return }
        let kubectl = try ProcessRunner.run(["kubectl", "kustomize", path])
        #expect(!kubectl.succeeded)
        // kubectl prints a multi-line message as `err=<` then each line after a tab, then ` >`.
        if let start = kubectl.stderr.range(of: "err=<\n") {
            let lines = kubectl.stderr[start.upperBound...].split(
                separator: "\n", omittingEmptySubsequences: false)
            let body = lines.prefix { !$0.hasPrefix(" >") }.map { $0.dropFirst() }
            #expect(message == body.joined(separator: "\n"), "\(label)")
            return
        }
        // kubectl prints `... "command failed" err="<message>"` with quotes escaped.
        guard let range = kubectl.stderr.range(of: "err=\"") else {
            Issue.record("\(label): kubectl said \(kubectl.stderr)")
            return
        }
        var expected = String(kubectl.stderr[range.upperBound...])
        while expected.hasSuffix("\n") || expected.hasSuffix("\"") { expected.removeLast() }
        expected = expected.replacingOccurrences(of: "\\\"", with: "\"")
        #expect(message == expected, "\(label)")
    }
}
