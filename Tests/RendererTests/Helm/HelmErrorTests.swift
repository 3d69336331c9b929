import Foundation
import Renderer
import ShipFiles
import Testing

/// Template errors as Helm v4.2.3 prints them; every expected text here was printed by
/// Helm's own engine (`scripts/helm-oracle.py`) for the same template.
@Suite("helm errors")
struct HelmErrorTests {
    static func error(of template: String) -> String? {
        let fileSystem = InMemoryFileSystem(files: [
            "/ec/Chart.yaml": "apiVersion: v2\nname: ec\nversion: 0.1.0\n",
            "/ec/templates/a.yaml": template,
        ])
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: "/ec", values: HelmValueOptions(), options: HelmTemplateOptions(),
            fileSystem: fileSystem)
        return result.error?.description
    }

    static let cases: [(String, String)] = [
        (
            "{{- define \"i\" }}{{ .Values.a.b }}{{ end }}x: {{ include \"i\" . }}\n",
            """
            ec/templates/a.yaml:1:49
              executing "ec/templates/a.yaml" at <include "i" .>:
                error calling include:
            ec/templates/a.yaml:1:27
              executing "i" at <.Values.a.b>:
                nil pointer evaluating interface {}.b
            """
        ),
        (
            "x: {{ index .Values.l 5 }}\n",
            "template: ec/templates/a.yaml:1:6: executing \"ec/templates/a.yaml\" at "
                + "<index .Values.l 5>: error calling index: index of untyped nil"
        ),
        (
            "{{- define \"i\" }}{{ required \"need a\" .Values.a }}{{ end }}\nx: {{ include \"i\" . }}\n",
            "execution error at (ec/templates/a.yaml:2:6): need a"
        ),
        (
            "x: {{ .Values.a | nosuchfn }}\n",
            "parse error at (ec/templates/a.yaml:1): function \"nosuchfn\" not defined"
        ),
    ]

    @Test(arguments: cases)
    func errorReadsAsHelms(_ template: String, _ expected: String) {
        #expect(Self.error(of: template) == expected)
    }

    @Test func includeRecursionStops() throws {
        let message = try #require(
            Self.error(
                of: "{{- define \"l\" }}{{ include \"l\" . }}{{ end }}x: {{ include \"l\" . }}\n"))
        #expect(message.contains("rendering template has a nested reference name: l"))
    }

    /// Helm counts `include` recursion per template name: `a` and `b` calling each other run
    /// 1001 times each before `a` is refused (Helm's engine prints the same chain).
    @Test func includeRecursionCountsPerName() throws {
        let message = try #require(
            Self.error(
                of: "{{- define \"a\" }}{{ include \"b\" . }}{{ end }}"
                    + "{{- define \"b\" }}{{ include \"a\" . }}{{ end }}x: {{ include \"a\" . }}\n")
        )
        #expect(
            message.hasSuffix(
                "error calling include: rendering template has a nested reference name: a: unable to execute template"
            ))
        #expect(message.components(separatedBy: "executing \"a\" at").count - 1 == 1001)
        #expect(message.components(separatedBy: "executing \"b\" at").count - 1 == 1001)
    }
}
