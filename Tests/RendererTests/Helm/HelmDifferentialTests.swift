import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// Random charts and values from a fixed seed, rendered by Helm's own Go engine
/// (`scripts/helm-oracle.py`, helm-python-sdk 0.2.2) and by shipml: the output (or the error
/// message) must be identical. A failure prints the chart so it can become a named case.
@Suite("helm differential")
struct HelmDifferentialTests {
    static let caseCount = 120

    static var oracle: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/helm-oracle.py").path
    }

    static var oracleAvailable: Bool {
        guard ProcessRunner.which("python3") != nil,
            let check = try? ProcessRunner.run(["python3", "-c", "import helm_python"])
        else { return false }
        return check.succeeded
    }

    static let skipReason: Comment =
        "helm-python-sdk is not installed (pip3 install helm-python-sdk==0.2.2)"

    @Test(.enabled(if: oracleAvailable, skipReason), arguments: 0..<caseCount)
    func randomChartRendersAsHelmDoes(_ seed: Int) throws {
        let files = ChartGenerator.chart(seed: UInt64(seed) &+ 0x4E1A)
        let scratch = try ScratchDirectory.holding(files, prefix: "helm-diff")
        let chart = scratch.path("chart")
        var arguments = ["python3", Self.oracle, chart]
        var values = HelmValueOptions()
        if files["values.json"] != nil {
            arguments.append(scratch.path("values.json"))
            values.jsonValues = [files["values.json"] ?? "{}"]
        }
        let helm = try ProcessRunner.run(arguments)
        let expected = helm.succeeded ? helm.stdout : helm.stderr
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: chart, values: values, options: HelmTemplateOptions(),
            fileSystem: LocalFileSystem())
        let ours = result.error.map { "Error: \($0)\n" } ?? result.output
        let tree = files.sorted { $0.key < $1.key }
            .map { "--- \($0.key)\n\($0.value)" }.joined(separator: "\n")
        #expect(ours == expected, "seed \(seed):\n\(tree)\n\(firstDifference(ours, expected))")
    }
}

extension HelmDifferentialTests {
    static let capabilitiesChart: [String: String] = [
        "chart/Chart.yaml": "apiVersion: v2\nname: cap\nversion: 0.1.0\n",
        "chart/templates/cm.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cap
        data:
          kinds: {{ .Capabilities.APIVersions.Has "apps/v1/Deployment" | quote }}
          apps: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}
          all: {{ .Capabilities.APIVersions | toJson | quote }}

        """,
    ]

    /// The default API versions, their order, and `Has` with a kind: as Helm 4.2.3 has them.
    @Test(.enabled(if: oracleAvailable, skipReason))
    func capabilitiesAreHelms() throws {
        let scratch = try ScratchDirectory.holding(Self.capabilitiesChart, prefix: "helm-caps")
        let helm = try ProcessRunner.run(["python3", Self.oracle, scratch.path("chart")])
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: scratch.path("chart"), values: HelmValueOptions(),
            options: HelmTemplateOptions(), fileSystem: LocalFileSystem())
        #expect(helm.succeeded)
        #expect(result.output == helm.stdout, "\(firstDifference(result.output, helm.stdout))")
        #expect(result.output.contains("kinds: \"false\"\n  apps: \"true\""))
    }
}

extension HelmDifferentialTests {
    /// `.helmignore` texts whose effect Helm's loader and shipml's must agree on; the chart
    /// lists what `.Files` kept (`range` over `.Files.Glob`).
    static let ignoreRules = [
        "*.txt\n!keep.txt\n", "!keep.txt\n", "docs\n", "*.md\n", "docs/\n", "/other.txt\n",
        "  other.txt  \n", "docs/**\n", "[\n", "!*\n*.txt\n", "docs/*.md\n", "*/notes.md\n",
        "doc?\n", "[^k]*.txt\n", "# comment\n\n\\#x.txt\n", "keep.txt/\n",
    ]

    @Test(.enabled(if: oracleAvailable, skipReason), arguments: ignoreRules)
    func helmignoreAsHelm(_ rules: String) throws {
        let files = [
            "chart/Chart.yaml": "apiVersion: v2\nname: ign\nversion: 0.1.0\n",
            "chart/.helmignore": rules, "chart/keep.txt": "k\n", "chart/other.txt": "o\n",
            "chart/#x.txt": "h\n", "chart/docs/notes.md": "n\n",
            "chart/templates/cm.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ign
            data:
              files: {{ range $path, $_ := .Files.Glob "**" }}{{ $path }},{{ end }}

            """,
        ]
        let scratch = try ScratchDirectory.holding(files, prefix: "helm-ignore")
        let helm = try ProcessRunner.run(["python3", Self.oracle, scratch.path("chart")])
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: scratch.path("chart"), values: HelmValueOptions(),
            options: HelmTemplateOptions(), fileSystem: LocalFileSystem())
        let ours = result.error.map { "Error: \($0)\n" } ?? result.output
        let expected = helm.succeeded ? helm.stdout : helm.stderr
        #expect(ours == expected, "\(firstDifference(ours, expected))")
    }
}

/// A seeded generator of small charts: values of every kind (empty, null, zero, unicode, large
/// numbers, nested maps and lists) and ConfigMaps whose data run expressions over them with
/// Helm's and Sprig's functions.
struct ChartGenerator {
    var random: OverlayGenerator

    init(seed: UInt64) { random = OverlayGenerator(seed: seed) }

    static let scalars = [
        "0", "1", "-3", "3.5", "1000000", "1e+06", "12345678901234", "true", "false", "yes",
        "null", "~", "\"\"", "\"text\"", "\"ünïcødé ☃\"", "\"a: b\"", "\"0123\"", "on", "1.0",
    ]

    static let expressions = [
        ".Values.%K", ".Values.%K | quote", ".Values.%K | toString | upper",
        "default \"fallback\" .Values.%K", "toYaml .Values.%K", "toJson .Values.%K",
        ".Values.%K | kindOf", "typeOf .Values.%K", "empty .Values.%K",
        "printf \"%v|%T\" .Values.%K .Values.%K", "include \"helper\" .Values.%K",
        "tpl \"{{ .Release.Name }}-{{ .Chart.Name }}\" .", ".Values.%K | toString | b64enc",
        ".Values.%K | toString | sha256sum | trunc 8", "coalesce .Values.%K \"c\"",
        "ternary \"y\" \"n\" (empty .Values.%K)", ".Capabilities.KubeVersion.Version",
        ".Template.Name", ".Chart.Version", "list .Values.%K 1 \"x\" | toJson",
        "dict \"k\" .Values.%K | toYaml", ".Values.%K | toString | len",
        "fromYaml (toYaml .Values.nested) | toJson", "keys .Values.nested | sortAlpha | join \",\"",
    ]

    mutating func value(depth: Int) -> String {
        if depth < 2 && random.chance(25) {
            let count = Int(random.next() % 3)
            let items = (0..<count).map { _ in value(depth: depth + 1) }
            return "[" + items.joined(separator: ", ") + "]"
        }
        if depth < 2 && random.chance(20) {
            let count = Int(random.next() % 3)
            let items = (0..<count).map { index in "k\(index): \(value(depth: depth + 1))" }
            return "{" + items.joined(separator: ", ") + "}"
        }
        return random.pick(Self.scalars)
    }

    /// A subchart with its own defaults; the parent sets some of them, globals and nulls.
    mutating func subchart(into files: inout [String: String]) {
        var defaults = "global:\n  g: \(value(depth: 1))\n  shared: {s: 1}\n"
        var overrides = "sub:\n"
        for key in ["p", "q", "r"] {
            defaults += "\(key): \(value(depth: 0))\n"
            if random.chance(50) { overrides += "  \(key): \(value(depth: 0))\n" }
        }
        if random.chance(40) && !overrides.contains("  p:") { overrides += "  p: null\n" }
        overrides += "global:\n  g: \(value(depth: 1))\n  shared: {t: 2}\n"
        files["chart/values.yaml", default: ""] += overrides
        files["chart/charts/sub/Chart.yaml"] = "apiVersion: v2\nname: sub\nversion: 0.2.0\n"
        files["chart/charts/sub/values.yaml"] = defaults
        files["chart/charts/sub/templates/cm.yaml"] =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\ndata:\n"
            + "  values: {{ toJson .Values | quote }}\n  parent: {{ toJson .Chart | quote }}\n"
    }

    static func chart(seed: UInt64) -> [String: String] {
        var generator = ChartGenerator(seed: seed)
        return generator.chart()
    }

    mutating func chart() -> [String: String] {
        let keys = ["a", "b", "c", "d", "e", "f"]
        var valuesYAML = "nested:\n  z: 1\n  y: [1, two]\n  x: {q: null}\n"
        for key in keys where random.chance(80) {
            valuesYAML += "\(key): \(value(depth: 0))\n"
        }
        var data = ""
        for index in 0..<6 {
            let key = random.pick(keys + ["missing"])
            let expression = random.pick(Self.expressions)
                .replacingOccurrences(of: "%K", with: key)
            data += "  v\(index): |\n    {{- (\(expression)) | toString | nindent 4 }}\n"
        }
        var files: [String: String] = [
            "chart/Chart.yaml": "apiVersion: v2\nname: gen\nversion: 0.1.\(random.next() % 10)\n",
            "chart/values.yaml": valuesYAML,
            "chart/templates/_helpers.tpl":
                "{{- define \"helper\" -}}h={{ . }}{{- end -}}\n",
            "chart/templates/cm.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n"
                + data,
        ]
        if random.chance(50) { subchart(into: &files) }
        if random.chance(30) {
            files["values.json"] =
                "{\"a\": \(random.pick(["1", "\"s\"", "null", "{\"k\": 2}", "[1,2]"]))}"
        }
        return files
    }
}

extension ScratchDirectory {
    /// A new scratch directory holding `files` (relative path to text).
    static func holding(_ files: [String: String], prefix: String) throws -> ScratchDirectory {
        let scratch = try ScratchDirectory(prefix: prefix)
        for (path, text) in files { try scratch.write(path, text) }
        return scratch
    }
}
