import Testing

@testable import Renderer

/// Values read as Helm reads them, coalesced as Helm coalesces them (cases after Helm's
/// `coalesce_test.go`), and documents sorted in install order (after `kind_sorter_test.go`).
@Suite("helm values")
struct HelmValuesTests {
    @Test func numbersAreFloatsAndYAML11BooleansAreBooleans() throws {
        let values = try HelmYAML.map("a: 1\nb: 1.5\nc: yes\nd: off\ne: \"yes\"\n1: x\nf: ~\n")
        let expected: [String: Value] = [
            "a": .float(1), "b": .float(1.5), "c": .bool(true), "d": .bool(false),
            "e": .string("yes"), "1": .string("x"), "f": .null,
        ]
        #expect(sameValues(values, expected))
    }

    /// A key written twice keeps its last value, as go-yaml v2 (and so Helm 4.2.3) reads it,
    /// in values files and Chart.yaml alike; checked against Helm's engine for each text.
    @Test func aKeyWrittenTwiceKeepsTheLastValue() throws {
        let cases: [(String, [String: Value])] = [
            ("a: 1\nb: 2\na: 3\n", ["a": .float(3), "b": .float(2)]),
            ("m:\n  x: 1\n  x: 2\n  x: 3\n", ["m": .map(["x": .float(3)])]),
            ("\"a\": 1\na: 2\n", ["a": .float(2)]),
            ("'a': 1\nb: {a: 1, a: 2}\n'a': 5\n", ["a": .float(5), "b": .map(["a": .float(2)])]),
            ("a: 1\na:\n  b: 2\n", ["a": .map(["b": .float(2)])]),
            ("l:\n- k: 1\n  k: 2\n", ["l": .list([.map(["k": .float(2)])])]),
        ]
        for (text, expected) in cases {
            #expect(sameValues(try HelmYAML.map(text), expected), "\(text)")
        }
        let metadata = try ChartLoader.parseMetadata(
            try HelmYAML.map("apiVersion: v2\nname: one\nversion: 0.1.0\nname: two\n"))
        #expect(metadata.name == "two")
    }

    /// go-yaml names the line after the plain scalar that lacks its colon, as libyaml does.
    @Test func badYAMLNamesTheLine() {
        #expect(
            throws: HelmYAMLError(
                "error converting YAML to JSON: yaml: line 4: could not find expected ':'")
        ) {
            try HelmYAML.map("a: 1\nb: 2\nc\n")
        }
    }

    static func chart(
        _ name: String, values: [String: Value], dependencies: [Chart] = []
    ) -> Chart {
        var metadata = ChartMetadata()
        metadata.name = name
        metadata.version = "0.1.0"
        return Chart(metadata: metadata, values: values, dependencies: dependencies)
    }

    @Test func userValuesWinNullDeletesAndSubchartsGetGlobals() throws {
        let sub = Self.chart("pequod", values: ["name": .string("pequod"), "sail": .bool(true)])
        let top = Self.chart(
            "moby",
            values: [
                "name": .string("moby"), "remove": .string("bad"),
                "global": .map(["nested": .map(["boat": .bool(true)])]),
                "back": .map(["front": .string("x"), "keep": .string("y")]),
            ],
            dependencies: [sub])
        let given: [String: Value] = [
            "name": .string("ishmael"), "remove": .null,
            "back": .map(["front": .string("z")]),
            "pequod": .map(["sail": .null]),
        ]
        var coalescer = Coalescer()
        let values = try coalescer.coalesceValues(top, given)
        let expected: [String: Value] = [
            "name": .string("ishmael"),
            "global": .map(["nested": .map(["boat": .bool(true)])]),
            "back": .map(["front": .string("z"), "keep": .string("y")]),
            "pequod": .map([
                "name": .string("pequod"),
                "global": .map(["nested": .map(["boat": .bool(true)])]),
            ]),
        ]
        #expect(sameValues(values, expected))
    }

    @Test func aScalarOverATableWarns() throws {
        let top = Self.chart("top", values: ["t": .map(["a": .string("b")])])
        var coalescer = Coalescer()
        let values = try coalescer.coalesceValues(top, ["t": .string("scalar")])
        #expect(sameValues(values, ["t": .string("scalar")]))
        var merged = Coalescer()
        _ = merged.coalesceTables(
            ["t": .string("s")], ["t": .map(["a": .string("b")])], merge: false)
        #expect(
            merged.warnings == ["warning: cannot overwrite table with non table for t (map[a:b])"])
    }

    @Test func kindsSortInInstallOrderAndUnknownKindsLastAlphabetically() throws {
        let files = [
            "c/templates/a.yaml":
                "kind: Deployment\nmetadata:\n  name: d\n---\nkind: Zebra\n---\nkind: Namespace\n",
            "c/templates/b.yaml": "kind: Apple\n---\nkind: Service\n",
        ]
        let sorted = try ManifestSorter.sort(files)
        #expect(
            sorted.manifests.map(\.kind) == [
                "Namespace", "Service", "Deployment", "Apple", "Zebra",
            ])
        #expect(sorted.hooks.isEmpty)
    }

    @Test func hooksAreSetApartAndUnknownHooksDropped() throws {
        let files = [
            "c/templates/h.yaml": """
            kind: Pod
            metadata:
              annotations:
                helm.sh/hook: test
            ---
            kind: Job
            metadata:
              annotations:
                helm.sh/hook: no-such-hook
            ---
            kind: ConfigMap
            """
        ]
        let sorted = try ManifestSorter.sort(files)
        #expect(sorted.hooks.map(\.kind) == ["Pod"])
        #expect(sorted.hooks.first?.isTest == true)
        #expect(sorted.manifests.map(\.kind) == ["ConfigMap"])
    }

    @Test func splittingKeepsTrailingBlankLinesBeforeASeparator() {
        #expect(
            ManifestSorter.split("a: 1\n\n---\n\nb: 2\n---apiVersion: v1\n") == [
                "a: 1\n\n", "b: 2\n", "apiVersion: v1\n",
            ])
    }
}
