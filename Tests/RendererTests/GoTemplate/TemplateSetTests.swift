import Foundation
import Testing

@testable import Renderer

/// The template set: definitions shared across files, Go's redefinition rules, errors that name
/// the template, depth limits, and parallel execution.
@Suite struct GoTemplateSetTests {
    @Test func definitionsAreSharedAcrossFiles() throws {
        let set = TemplateSet(functions: goTemplateFunctions)
        try set.parse(name: "_helpers.tpl", text: "{{define \"name\"}}app-{{.}}{{end}}\n")
        try set.parse(name: "deploy.yaml", text: "name: {{template \"name\" \"web\"}}")
        try set.parse(name: "svc.yaml", text: "name: {{include \"name\" \"svc\" | upper}}")
        #expect(try set.execute(name: "deploy.yaml", data: .null) == "name: app-web")
        #expect(try set.execute(name: "svc.yaml", data: .null) == "name: APP-SVC")
        #expect(try set.execute(name: "_helpers.tpl", data: .null) == "\n")
        #expect(set.names == ["_helpers.tpl", "deploy.yaml", "name", "svc.yaml"])
        #expect(set.contains("name"))
        #expect(!set.contains("other"))
    }

    @Test func laterNonEmptyDefinitionReplaces() throws {
        let set = TemplateSet()
        try set.parse(name: "a", text: "{{define \"x\"}}first{{end}}")
        try set.parse(name: "b", text: "{{define \"x\"}}second{{end}}")
        try set.parse(name: "c", text: "{{define \"x\"}}  {{end}}{{template \"x\"}}")
        #expect(try set.execute(name: "c", data: .null) == "second")
    }

    @Test func blockIsReplacedByALaterDefinition() throws {
        let set = TemplateSet()
        try set.parse(name: "outer", text: "a({{block \"inner\" .}}bar({{.}})baz{{end}})b")
        #expect(try set.execute(name: "outer", data: .string("hello")) == "a(bar(hello)baz)b")
        try set.parse(name: "overlay", text: "{{define \"inner\"}}foo({{.}})bar{{end}}")
        #expect(try set.execute(name: "outer", data: .string("goodbye")) == "a(foo(goodbye)bar)b")
    }

    @Test func redefinitionInOneFileFails() {
        let set = TemplateSet()
        #expect(throws: TemplateError.self) {
            try set.parse(name: "a", text: "{{define \"x\"}}1{{end}}{{define \"x\"}}2{{end}}")
        }
        #expect(throws: Never.self) {
            try set.parse(name: "b", text: "{{define \"x\"}}1{{end}}{{define \"x\"}} {{end}}")
        }
    }

    @Test func executingAnUnknownTemplateFails() {
        let set = TemplateSet(options: TemplateOptions(rootName: "gotpl"))
        #expect(throws: TemplateError.self) { try set.execute(name: "nope", data: .null) }
        do {
            _ = try set.execute(name: "nope", data: .null)
        } catch let error as TemplateError {
            #expect(
                error.description
                    == "template: no template \"nope\" associated with template \"gotpl\"")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func executionErrorsNameTheTemplateAndTheFile() throws {
        let set = TemplateSet(options: TemplateOptions(missingKey: .zero))
        try set.parse(name: "helpers.tpl", text: "{{define \"x\"}}\n  {{.a.b}}{{end}}")
        try set.parse(name: "main.yaml", text: "{{template \"x\" .}}")
        do {
            _ = try set.execute(name: "main.yaml", data: .map([:]))
            Issue.record("expected an error")
        } catch let error as TemplateError {
            #expect(
                error.description
                    == "template: helpers.tpl:2:6: executing \"x\" at <.a.b>: nil pointer evaluating interface {}.b"
            )
            #expect(error.templateName == "x")
            #expect(error.fileName == "helpers.tpl")
            #expect(error.kind == .execution)
        }
    }

    @Test func deepTemplateRecursionStopsAtGoLimit() throws {
        let set = TemplateSet()
        try set.parse(name: "tmpl", text: "{{template \"tmpl\" .}}")
        do {
            _ = try set.execute(name: "tmpl", data: .null)
            Issue.record("expected an error")
        } catch let error as TemplateError {
            #expect(
                error.description
                    == "template: tmpl:1:11: executing \"tmpl\" at <{{template \"tmpl\" .}}>: exceeded maximum template depth (100000)"
            )
        }
    }

    @Test func deepRecursionThroughControlStructures() throws {
        let set = TemplateSet(functions: goTemplateFunctions)
        try set.parse(
            name: "t",
            text:
                "{{define \"r\"}}{{if .}}{{with $x := .}}{{range $i := 1}}{{template \"r\" $x}}{{end}}{{end}}{{end}}{{end}}{{template \"r\" 1}}"
        )
        #expect(throws: TemplateError.self) { try set.execute(name: "t", data: .null) }
    }

    @Test func deeplyNestedTextsParseRunAndFree() throws {
        let depth = 9999
        let parens =
            String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        let ifs =
            String(repeating: "{{if true}}", count: depth) + "x"
            + String(repeating: "{{end}}", count: depth)
        do {
            let set = TemplateSet()
            try set.parse(name: "parens", text: "{{" + parens + "}}")
            try set.parse(name: "ifs", text: ifs)
            #expect(try set.execute(name: "parens", data: .null) == "1")
            #expect(try set.execute(name: "ifs", data: .null) == "x")
        }
    }

    @Test func recursionThroughIncludeStops() throws {
        let set = TemplateSet(functions: goTemplateFunctions)
        try set.parse(
            name: "t", text: "{{define \"r\"}}{{include \"r\" .}}{{end}}{{include \"r\" 1}}")
        #expect(throws: TemplateError.self) { try set.execute(name: "t", data: .null) }
    }

    @Test func executesInParallel() async throws {
        let set = TemplateSet(functions: goTemplateFunctions)
        try set.parse(name: "h", text: "{{define \"item\"}}<{{.}}>{{end}}")
        for index in 0..<20 {
            try set.parse(
                name: "f\(index)", text: "{{range .}}{{include \"item\" .}}{{end}}-\(index)")
        }
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try set.execute(name: "f\(index)", data: .list([.int(index), .int(1)]))
                }
            }
            var collected: [String] = []
            for try await output in group { collected.append(output) }
            return collected.sorted()
        }
        #expect(outputs.count == 20)
        #expect(outputs.contains("<3><1>-3"))
    }

    /// Its speed is measured by `scripts/bench/render-helm.sh`, not here.
    @Test func aLargeChartRendersEveryResource() throws {
        let set = TemplateSet(
            functions: goTemplateFunctions, options: TemplateOptions(missingKey: .zero))
        try set.parse(
            name: "_helpers.tpl",
            text: """
                {{- define "labels" -}}
                app: {{ .name }}
                tier: {{ .tier | upper }}
                {{- end -}}
                """)
        var resources: [Value] = []
        for index in 0..<500 {
            resources.append(
                .map([
                    "name": .string("svc-\(index)"), "tier": .string("backend"),
                    "ports": .list([.int(80), .int(443)]),
                ]))
        }
        try set.parse(
            name: "all.yaml",
            text: """
                {{- range $i, $r := .resources }}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: {{ $r.name }}
                  labels:
                    {{- include "labels" $r | nindent 4 }}
                spec:
                  ports:
                  {{- range $r.ports }}
                  - port: {{ . }}
                  {{- end }}
                {{- end }}
                """)
        let output = try set.execute(name: "all.yaml", data: .map(["resources": .list(resources)]))
        #expect(output.components(separatedBy: "kind: Service\n").count == 501)
        #expect(output.contains("name: svc-499"))
        #expect(output.contains("    app: svc-7\n    tier: BACKEND"))
    }
}
