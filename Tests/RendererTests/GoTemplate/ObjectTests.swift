import Testing

@testable import Renderer

/// A struct-like object with fields and methods, as Helm's `.Chart`, `.Capabilities`, `.Files`.
private struct Release: GoObject {
    var goTypeName: String { "*chart.Release" }
    var goKind: String { "ptr" }
    var formatted: String { "&{web}" }

    func member(_ name: String) -> GoMember {
        switch name {
        case "Name": return .field(.string("web"))
        case "Revision": return .field(.int(1))
        case "Labels": return .field(.map(["tier": .string("db")]))
        case "Nothing": return .field(.null)
        case "Get":
            return .method(
                Function([.string]) { args, _ in
                    guard case .string(let key) = args[0] else { return .null }
                    return .string("file:" + key)
                })
        case "Fail":
            return .method(Function([], canFail: true) { _, _ in throw FunctionError("no") })
        default: return .missing
        }
    }
}

/// A `[]string`, which indexes and ranges but is not a `[]interface {}`.
private struct Strings: GoObject {
    let items: [String]
    var goTypeName: String { "[]string" }
    var goKind: String { "slice" }
    var formatted: String { "[" + items.joined(separator: " ") + "]" }
    var isTruthy: Bool { !items.isEmpty }
    var elements: [Value]? { items.map { .string($0) } }
    func member(_ name: String) -> GoMember { .missing }
}

/// A `map[string]string`, as Sprig's `split` returns.
private struct StringMap: GoObject {
    let entries: [String: String]
    var goTypeName: String { "map[string]string" }
    var goKind: String { "map" }
    var formatted: String { "map[...]" }
    var mapEntries: [String: Value]? { entries.mapValues { .string($0) } }
    func member(_ name: String) -> GoMember { .missing }
}

@Suite struct GoTemplateObjectTests {
    static let data: Value = .map([
        "Release": .object(Release()),
        "Names": .object(Strings(items: ["a", "b", "c"])),
        "Split": .object(StringMap(entries: ["_0": "x", "_1": "y"])),
        "D": .map(["k": .string("v")]),
    ])

    static let functions: FunctionMap = goTemplateFunctions.merging([
        "set": {
            var function = Function([.map, .string, .any]) { args, _ in
                guard case .map(var entries) = args[0], case .string(let key) = args[1] else {
                    return args[0]
                }
                entries[key] = args[2]
                return .map(entries)
            }
            function.mutatesArgument = 0
            return function
        }(),
        "strs": Function([.named("[]string")]) { args, _ in
            guard case .object(let object) = args[0] else { return .null }
            return .int(object.elements?.count ?? 0)
        },
    ]) { _, new in new }

    static let cases: [TemplateCase] = [
        TemplateCase("{{.Release.Name}}-{{.Release.Revision}}", "web-1", data: data),
        TemplateCase("{{.Release.Labels.tier}}", "db", data: data),
        TemplateCase("{{.Release}}", "&{web}", data: data),
        TemplateCase("{{.Release.Get \"a.txt\"}}", "file:a.txt", data: data),
        TemplateCase("{{\"b.txt\" | .Release.Get}}", "file:b.txt", data: data),
        TemplateCase("{{$r := .Release}}{{$r.Get \"c\"}}", "file:c", data: data),
        TemplateCase("{{(.Release).Name}}", "web", data: data),
        TemplateCase(
            "{{.Release.Get}}",
            error:
                "template: t:1:10: executing \"t\" at <.Release.Get>: wrong number of args for Get: want 1 got 0",
            data: data),
        TemplateCase(
            "{{.Release.Get 1}}",
            error: "template: t:1:15: executing \"t\" at <1>: expected string; found 1", data: data),
        TemplateCase(
            "{{.Release.Fail}}",
            error: "template: t:1:10: executing \"t\" at <.Release.Fail>: error calling Fail: no",
            data: data),
        TemplateCase(
            "{{.Release.Name 1}}",
            error:
                "template: t:1:10: executing \"t\" at <.Release.Name>: Name has arguments but cannot be invoked as function",
            data: data),
        TemplateCase(
            "{{.Release.Missing}}",
            error:
                "template: t:1:10: executing \"t\" at <.Release.Missing>: can't evaluate field Missing in type interface {}",
            data: data),
        TemplateCase(
            "{{$r := .Release}}{{$r.Missing}}",
            error:
                "template: t:1:22: executing \"t\" at <$r.Missing>: can't evaluate field Missing in type *chart.Release",
            data: data),
        TemplateCase(
            "{{.Release.Nothing.x}}",
            error:
                "template: t:1:10: executing \"t\" at <.Release.Nothing.x>: nil pointer evaluating interface {}.x",
            data: data),
        TemplateCase("{{range .Names}}<{{.}}>{{end}}", "<a><b><c>", data: data),
        TemplateCase(
            "{{index .Names 1}} {{len .Names}} {{if .Names}}yes{{end}}", "b 3 yes", data: data),
        TemplateCase("{{strs .Names}}", "3", data: data),
        TemplateCase(
            "{{strs .D}}",
            error:
                "template: t:1:7: executing \"t\" at <.D>: wrong type for value; expected []string; got map[string]interface {}",
            data: data),
        TemplateCase("{{.Split._0}}{{.Split._1}}", "xy", data: data),
        TemplateCase("{{index .Split \"_1\"}} {{len .Split}}", "y 2", data: data),
        TemplateCase("{{range $k, $v := .Split}}{{$k}}={{$v}};{{end}}", "_0=x;_1=y;", data: data),
        TemplateCase("{{$d := dict}}{{$_ := set $d \"a\" 1}}{{$d.a}}", "1", data: data),
        TemplateCase("{{$d := .D}}{{$_ := set $d \"n\" 2}}{{$d.n}} {{$d.k}}", "2 v", data: data),
        TemplateCase(
            "{{$d := dict \"in\" (dict)}}{{$_ := set $d.in \"x\" 3}}{{$d.in.x}}", "3", data: data),
        TemplateCase("{{$_ := set .D \"n\" 2}}{{.D.n}} {{$.D.n}}", "2 2", data: data),
        TemplateCase("{{$_ := set . \"top\" 1}}{{.top}} {{$.top}}", "1 1", data: data),
        TemplateCase("{{$_ := set $.D \"m\" 3}}{{.D.m}}", "3", data: data),
        TemplateCase("{{if true}}{{$_ := set .D \"i\" 4}}{{end}}{{.D.i}}", "4", data: data),
        TemplateCase("{{range $v := 3}}{{printf \"%T%d\" $v $v}}{{end}}", "int0int1int2"),
        TemplateCase("{{printf \"%04x\" 127}}", "007f"),
        TemplateCase("{{printf \"%5.2f|%-4s|%q\" 3.14159 \"ab\" \"c\"}}", " 3.14|ab  |\"c\""),
        TemplateCase("{{printf \"%d %s\" 1}}", "1 %!s(MISSING)"),
    ]

    @Test(arguments: cases)
    func objects(_ testCase: TemplateCase) {
        #expect(
            run(
                testCase.text, testCase.data, missingKey: testCase.missingKey,
                functions: Self.functions)
                == testCase.expected)
    }
}
