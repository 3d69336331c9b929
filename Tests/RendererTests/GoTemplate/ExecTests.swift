import Testing

@testable import Renderer

/// Execution cases, after the table in Go's text/template exec_test.go, on map data.
@Suite struct GoTemplateExecTests {
    static let basics: [TemplateCase] = [
        TemplateCase("", ""),
        TemplateCase("hello", "hello"),
        TemplateCase("{{.S}}", "xyz"),
        TemplateCase("-{{.I}}-", "-17-"),
        TemplateCase("{{.I64}}", "-5"),
        TemplateCase("{{.F}}", "1.5"),
        TemplateCase("{{.Million}}", "1e+06"),
        TemplateCase("{{.True}}", "true"),
        TemplateCase("{{.SI}}", "[3 4 5]"),
        TemplateCase("{{.SEmpty}}", "[]"),
        TemplateCase("{{.MSI}}", "map[one:1 three:3 two:2]"),
        TemplateCase("{{.U.V}}", "v"),
        TemplateCase("{{.U.W.X}}", "deep"),
        TemplateCase("{{$.U.V}}", "v"),
        TemplateCase("{{.Nil}}", "<no value>"),
        TemplateCase("{{.Missing}}", "<no value>"),
        TemplateCase("{{.Missing}}", "<no value>", missingKey: .zero),
        TemplateCase("{{.foo}}", "<no value>", data: .null),
        TemplateCase("{{(.).foo}}", "<no value>", data: .null),
        TemplateCase("{{.}}", "<no value>", data: .null),
        TemplateCase("{{.}}", "hello", data: .string("hello")),
        TemplateCase("{{.cause}}", "neglect", data: map(["cause": .string("neglect")])),
        TemplateCase("{{(1)}}", "1"),
        TemplateCase("{{ (.)  }}", "result", data: .string("result")),
        TemplateCase("{{3}}", "3"),
        TemplateCase("{{3.5}}", "3.5"),
        TemplateCase("{{1e3}}", "1000"),
        TemplateCase("{{1e7}}", "1e+07"),
        TemplateCase("{{0x10}}", "16"),
        TemplateCase("{{'a'}}", "97"),
        TemplateCase("{{\"a\\tb\"}}", "a\tb"),
        TemplateCase("{{`a\\tb`}}", "a\\tb"),
        TemplateCase("{{true}} {{false}}", "true false"),
        TemplateCase("{{print 1234}}", "1234"),
        TemplateCase("{{print 12_34}}", "1234"),
        TemplateCase("{{print 0b101}}", "5"),
        TemplateCase("{{print 0b_1_0_1}}", "5"),
        TemplateCase("{{print 0B101}}", "5"),
        TemplateCase("{{print 0377}}", "255"),
        TemplateCase("{{print 0o377}}", "255"),
        TemplateCase("{{print 0o_3_7_7}}", "255"),
        TemplateCase("{{print 0O377}}", "255"),
        TemplateCase("{{print 0x123}}", "291"),
        TemplateCase("{{print 0x1_23}}", "291"),
        TemplateCase("{{print 0X123ABC}}", "1194684"),
        TemplateCase("{{print 123.4}}", "123.4"),
        TemplateCase("{{print 0_0_1_2_3.4}}", "123.4"),
        TemplateCase("{{print +0x1.ep+2}}", "7.5"),
        TemplateCase("{{print +0x_1.e_0p+0_2}}", "7.5"),
        TemplateCase("{{print +0X1.EP+2}}", "7.5"),
        TemplateCase("{{print 1_2_3_4 7.5_00_00_00}}", "1234 7.5"),
        TemplateCase("{{print 1234 0x0_1.e_0p+02}}", "1234 7.5"),
        TemplateCase("{{-3}}", "-3"),
        TemplateCase(
            "{{typeOf 3}} {{typeOf 3.0}} {{typeOf 'x'}} {{typeOf 0xef}}", "int float64 int int"),
        TemplateCase("{{typeOf .I64}} {{typeOf .Values.replicas}}", "int64 float64"),
    ]

    static let variables: [TemplateCase] = [
        TemplateCase("{{$}}", "7", data: .int(7)),
        TemplateCase("{{$x := 1}}{{$x}}", "1"),
        TemplateCase("{{$x := .S}}{{$x}}", "xyz"),
        TemplateCase("{{$x := 1}}{{$x = 2}}{{$x}}", "2"),
        TemplateCase("{{$x := .U}}{{$x.V}}", "v"),
        TemplateCase("{{$x := .U}}{{$x.W.X}}", "deep"),
        TemplateCase("{{with $x := 3}}{{$x}}{{end}}", "3"),
        TemplateCase("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"),
        TemplateCase("{{$x := 1}}{{if true}}{{$x := 2}}{{end}}{{$x}}", "1"),
        TemplateCase("{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}", "true,17"),
        TemplateCase("{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}", "17,true"),
        TemplateCase("{{with $x := $}}{{$x.U.V}}{{end}}", "v"),
        TemplateCase("{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}", "v"),
        TemplateCase("{{range .SI}}{{$.S}}{{end}}", "xyzxyzxyz"),
        TemplateCase("{{$x := 0}}{{range .SI}}{{$x = .}}{{end}}{{$x}}", "5"),
        TemplateCase("{{$i := 0}}{{$x := 0}}{{range $i = .SI}}{{end}}{{$i}}", "5"),
        TemplateCase(
            "{{$k := 0}}{{$v := 0}}{{range $k, $v = .SI}}{{$k}}={{$v}} {{end}}", "0=3 1=4 2=5 "),
        TemplateCase(
            "{{$x := 1}}{{$x 2}}",
            error:
                "template: t:1:13: executing \"t\" at <$x>: can't give argument to non-function $x"),
        TemplateCase(
            "{{$x := 1}}{{3 | $x}}",
            error:
                "template: t:1:17: executing \"t\" at <$x>: can't give argument to non-function $x"),
        TemplateCase(
            "{{$x := nil}}{{$x.anything}}",
            error: "template: t:1:8: executing \"t\" at <nil>: nil is not a command"),
        TemplateCase("{{$x := .Nil}}{{$x.anything}}", "<no value>"),
        TemplateCase(
            "{{$x := .Nil}}{{$x.anything}}",
            error:
                "template: t:1:18: executing \"t\" at <$x.anything>: nil data; no entry for key \"anything\"",
            missingKey: .error),
        TemplateCase(
            "{{$x := (1.0)}}{{$x.anything}}",
            error:
                "template: t:1:19: executing \"t\" at <$x.anything>: can't evaluate field anything in type float64"
        ),
    ]

    static let fields: [TemplateCase] = [
        TemplateCase(
            "{{.Nil.x}}",
            error:
                "template: t:1:6: executing \"t\" at <.Nil.x>: nil pointer evaluating interface {}.x"
        ),
        TemplateCase("{{.Missing.x}}", "<no value>"),
        TemplateCase(
            "{{.Missing.x}}",
            error:
                "template: t:1:10: executing \"t\" at <.Missing.x>: nil pointer evaluating interface {}.x",
            missingKey: .zero),
        TemplateCase(
            "{{.Missing}}",
            error:
                "template: t:1:2: executing \"t\" at <.Missing>: map has no entry for key \"Missing\"",
            missingKey: .error),
        TemplateCase(
            "{{.x}}",
            error: "template: t:1:2: executing \"t\" at <.x>: nil data; no entry for key \"x\"",
            data: .null, missingKey: .error),
        TemplateCase(
            "{{.S.x}}",
            error:
                "template: t:1:4: executing \"t\" at <.S.x>: can't evaluate field x in type interface {}"
        ),
        TemplateCase(
            "{{.x}}",
            error:
                "template: t:1:2: executing \"t\" at <.x>: can't evaluate field x in type string",
            data: .string("s")),
        TemplateCase(
            "{{.X.Y}}",
            error: "template: t:1:4: executing \"t\" at <.X.Y>: can't evaluate field X in type int",
            data: .int(0)),
        TemplateCase(
            "hello, {{.X.Y}}",
            error:
                "template: t:1:11: executing \"t\" at <.X.Y>: can't evaluate field X in type int",
            data: .int(0)),
        TemplateCase(
            "{{range .SI}}{{.x}}{{end}}",
            error:
                "template: t:1:15: executing \"t\" at <.x>: can't evaluate field x in type interface {}"
        ),
        TemplateCase("{{.Values.nested.a.b}}", "c"),
        TemplateCase(
            "{{.Values.nothing.b}}",
            error:
                "template: t:1:9: executing \"t\" at <.Values.nothing.b>: nil pointer evaluating interface {}.b"
        ),
        TemplateCase(
            "{{.U.V 1}}",
            error: "template: t:1:4: executing \"t\" at <.U.V>: V is not a method but has arguments"
        ),
        TemplateCase(
            "{{1 | .U.V}}",
            error: "template: t:1:8: executing \"t\" at <.U.V>: V is not a method but has arguments"
        ),
        TemplateCase("{{(dict \"a\" 1).a}}", "1"),
        TemplateCase("{{(dict \"a\" (dict \"b\" 2)).a.b}}", "2"),
        TemplateCase("{{(.U).V}}", "v"),
        TemplateCase("{{($).S}}", "xyz"),
        TemplateCase(
            "{{(nil).True}}",
            error: "template: t:1:3: executing \"t\" at <nil>: nil is not a command"),
        TemplateCase("{{(dict).a.b}}", "<no value>"),
        TemplateCase(
            "{{(dict).a.b}}",
            error:
                "template: t:1:3: executing \"t\" at <dict>: nil pointer evaluating interface {}.b",
            missingKey: .zero),
        TemplateCase("{{(nilValue).a}}", "<no value>"),
    ]

    static let control: [TemplateCase] = [
        TemplateCase("{{if true}}TRUE{{end}}", "TRUE"),
        TemplateCase("{{if false}}TRUE{{else}}FALSE{{end}}", "FALSE"),
        TemplateCase("{{if 1}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO"),
        TemplateCase("{{if 0}}NON-ZERO{{else}}ZERO{{end}}", "ZERO"),
        TemplateCase("{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO"),
        TemplateCase("{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY"),
        TemplateCase("{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY"),
        TemplateCase("{{if .SEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY"),
        TemplateCase("{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY"),
        TemplateCase("{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY"),
        TemplateCase("{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY"),
        TemplateCase("{{if .MSI.none}}NON-ZERO{{else}}ZERO{{end}}", "ZERO"),
        TemplateCase("{{if not .MSI.none}}ZERO{{else}}NON-ZERO{{end}}", "ZERO"),
        TemplateCase("{{if .Nil}}non-nil{{else}}nil{{end}}", "nil"),
        TemplateCase("{{if false}}FALSE{{else if true}}TRUE{{end}}", "TRUE"),
        TemplateCase("{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", "3"),
        TemplateCase("{{if false}}a{{else if false}}b{{else}}c{{end}}", "c"),
        TemplateCase("{{with true}}{{.}}{{end}}", "true"),
        TemplateCase("{{with false}}{{.}}{{else}}FALSE{{end}}", "FALSE"),
        TemplateCase("{{with 1}}{{.}}{{else}}ZERO{{end}}", "1"),
        TemplateCase("{{with 0}}{{.}}{{else}}ZERO{{end}}", "ZERO"),
        TemplateCase("{{with 1.5}}{{.}}{{else}}ZERO{{end}}", "1.5"),
        TemplateCase("{{with ``}}{{.}}{{else}}EMPTY{{end}}", "EMPTY"),
        TemplateCase("{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}", "notempty"),
        TemplateCase("{{with .SEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY"),
        TemplateCase("{{with .SI}}{{.}}{{else}}EMPTY{{end}}", "[3 4 5]"),
        TemplateCase("{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY"),
        TemplateCase("{{with .U}}{{.V}}{{end}}", "v"),
        TemplateCase("{{with $x := .I}}{{$x}}{{end}}", "17"),
        TemplateCase("{{with 0}}{{.}}{{else with true}}{{.}}{{end}}", "true"),
        TemplateCase(
            "{{with 0}}{{.}}{{else with false}}{{.}}{{else with `notempty`}}{{.}}{{end}}",
            "notempty"),
        TemplateCase("{{range .SI}}-{{.}}-{{end}}", "-3--4--5-"),
        TemplateCase("{{range .SEmpty}}-{{.}}-{{end}}", ""),
        TemplateCase("{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", "-3--4--5-"),
        TemplateCase("{{range .SEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY"),
        TemplateCase("{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}", "-3-"),
        TemplateCase("{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}", "-3--4--5-"),
        TemplateCase("{{range .SI}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}", "35"),
        TemplateCase("{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", "3"),
        TemplateCase(
            "{{range .SI}}{{range .SS}}{{break}}{{end}}{{.}}{{end}}",
            error:
                "template: t:1:21: executing \"t\" at <.SS>: can't evaluate field SS in type interface {}"
        ),
        TemplateCase("{{range $.SI}}{{range $.SS}}{{.}}{{break}}{{end}}{{.}}{{end}}", "a3a4a5"),
        TemplateCase("{{range .MSI}}-{{.}}-{{end}}", "-1--3--2-"),
        TemplateCase("{{range .MSIEmpty}}-{{.}}-{{end}}", ""),
        TemplateCase("{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY"),
        TemplateCase("{{range .Nil}}-{{.}}-{{end}}", ""),
        TemplateCase("{{range .Missing}}-{{.}}-{{else}}none{{end}}", "none"),
        TemplateCase("{{range $x := .SI}}<{{$x}}>{{end}}", "<3><4><5>"),
        TemplateCase("{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", "<0=3><1=4><2=5>"),
        TemplateCase("{{range $x, $y := .MSI}}<{{$x}}={{$y}}>{{end}}", "<one=1><three=3><two=2>"),
        TemplateCase("{{range $x := .SI}}<{{$foo:=$x}}{{$x}}>{{end}}", "<3><4><5>"),
        TemplateCase("{{range $v := 5}}{{typeOf $v}}{{$v}}{{end}}", "int0int1int2int3int4"),
        TemplateCase("{{range 3}}{{.}}{{end}}", "012"),
        TemplateCase("{{range 0}}{{.}}{{else}}empty{{end}}", "empty"),
        TemplateCase("{{range .I64}}{{.}}{{else}}empty{{end}}", "empty"),
        TemplateCase(
            "{{range $i, $v := 3}}{{end}}",
            error:
                "template: t:1:18: executing \"t\" at <3>: can't use 3 to iterate over more than one variable"
        ),
        TemplateCase(
            "{{range .S}}{{.}}{{end}}",
            error: "template: t:1:8: executing \"t\" at <.S>: range can't iterate over xyz"),
        TemplateCase(
            "{{range 1.5}}{{.}}{{end}}",
            error: "template: t:1:8: executing \"t\" at <1.5>: range can't iterate over 1.5"),
        TemplateCase("{{or .SI \"slice is empty\"}}", "[3 4 5]"),
        TemplateCase("{{or .SEmpty \"slice is empty\"}}", "slice is empty"),
        TemplateCase("{{range .SI}}{{$.I}}{{end}}", "171717"),
    ]

    static let trimming: [TemplateCase] = [
        TemplateCase("a  {{- 3 -}}  b", "a3b"),
        TemplateCase("a \n\t{{- 3}}\n b", "a3\n b"),
        TemplateCase("a {{3 -}} \n\tb", "a 3b"),
        TemplateCase("{{- 3 -}}", "3"),
        TemplateCase("{{-3}}", "-3"),
        TemplateCase("x{{- /* comment */ -}}  y", "xy"),
        TemplateCase("x {{/* comment */}} y", "x  y"),
        TemplateCase("x\n{{- /* comment\n spanning lines */}}\ny", "x\ny"),
        TemplateCase("{{\"x\"\n}}", "x"),
        TemplateCase("{{ if\ntrue }}yes{{ end }}", "yes"),
        TemplateCase("a\t{{-\t3\t-}}\tb", "a3b"),
        TemplateCase("a {{-\n3 -}}\nb", "a3b"),
        TemplateCase("a\r\n{{- 3 -}}\r\nb", "a3b"),
        TemplateCase("{{- /* only a comment */ -}}", ""),
        TemplateCase("a{{/* x */}}b{{- /* y */}}c", "abc"),
        TemplateCase("{{.héllo}}", "wörld", data: map(["héllo": .string("wörld")])),
        TemplateCase("{{$ünï := 1}}{{$ünï}}", "1"),
        TemplateCase(
            "é{{.x}}",
            error: "template: t:1:4: executing \"t\" at <.x>: can't evaluate field x in type int",
            data: .int(1)),
        TemplateCase("{{.a-b}}", error: "template: t:1: bad character U+002D '-'"),
        TemplateCase("{{.a|printf \"%v\"}}", "<nil>", data: .map([:])),
        TemplateCase("{{if}}{{end}}", error: "template: t:1: missing value for if"),
        TemplateCase("{{end x}}", error: "template: t:1: unexpected \"x\" in end"),
        TemplateCase(
            "{{with .x}}{{else if .y}}{{end}}", error: "template: t:1: unexpected <if> in input"),
    ]

    static let templates: [TemplateCase] = [
        TemplateCase("{{define \"x\"}}X{{.}}{{end}}{{template \"x\" 1}}", "X1"),
        TemplateCase("{{define \"x\"}}X{{.}}{{end}}{{template \"x\"}}", "X<no value>"),
        TemplateCase("{{define \"x\"}}{{$}}{{end}}{{$y := 5}}{{template \"x\" $y}}", "5"),
        TemplateCase(
            "a({{block \"inner\" .}}bar({{.}})baz{{end}})b", "a(bar(hello)baz)b",
            data: .string("hello")),
        TemplateCase(
            "{{template \"nope\"}}",
            error:
                "template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined"
        ),
        TemplateCase(
            "{{define \"x\"}}{{.y}}{{end}}{{template \"x\" 3}}",
            error: "template: t:1:16: executing \"x\" at <.y>: can't evaluate field y in type int"),
        TemplateCase(
            "{{define \"t2\"}}{{template \"t2\" .}}{{end}}{{template \"t2\" .}}",
            error:
                "template: t:1:26: executing \"t2\" at <{{template \"t2\" .}}>: exceeded maximum template depth (100000)"
        ),
        TemplateCase(
            "line 1\nline 2\nline 3\n{{template \"one\" .}}\n{{define \"one\"}}{{template \"two\" .}}{{end}}\n{{define \"two\"}}{{template \"three\" .}}{{end}}\n{{define \"three\"}}{{index \"hi\" $}}{{end}}",
            error:
                "template: t:7:20: executing \"three\" at <index \"hi\" $>: error calling index: index out of range: 5",
            data: .int(5)),
        TemplateCase(
            "{{define \"tree\"}}[{{.v}}{{range .kids}}{{template \"tree\" .}}{{end}}]{{end}}{{template \"tree\" .}}",
            "[1[2][3[4]]]",
            data: map([
                "v": .int(1),
                "kids": .list([
                    map(["v": .int(2)]), map(["v": .int(3), "kids": .list([map(["v": .int(4)])])]),
                ]),
            ])),
        TemplateCase("{{include \"x\" 2}}{{define \"x\"}}<{{.}}>{{end}}", "<2>"),
        TemplateCase(
            "{{include \"x\" 2}}{{define \"x\"}}{{.a}}{{end}}",
            error:
                "template: t:1:2: executing \"t\" at <include \"x\" 2>: error calling include: template: t:1:33: executing \"x\" at <.a>: can't evaluate field a in type int"
        ),
        TemplateCase(
            "{{include \"none\" 2}}",
            error:
                "template: t:1:2: executing \"t\" at <include \"none\" 2>: error calling include: template: no template \"none\" associated with template \"\""
        ),
        TemplateCase(
            "{{tpl \"{{.S}}-{{template \\\"x\\\"}}\" .}}{{define \"x\"}}X{{end}}", "xyz-X"),
        TemplateCase(
            "{{tpl \"{{.S\" .}}",
            error:
                "template: t:1:2: executing \"t\" at <tpl \"{{.S\" .>: error calling tpl: template: gotpl:1: unclosed action"
        ),
        TemplateCase("{{tpl \"{{define \\\"y\\\"}}Y{{end}}{{template \\\"y\\\"}}\" .}}", "Y"),
        TemplateCase("{{tpl \"\" .}}|", "|"),
        TemplateCase("{{tpl \"{{tpl \\\"  \\\" .}}x\" .}}", "  x"),
        TemplateCase(
            "{{tpl \"{{.Nil.a}}\" .}}",
            error:
                "template: t:1:2: executing \"t\" at <tpl \"{{.Nil.a}}\" .>: error calling tpl: template: gotpl:1:6: executing \"gotpl\" at <.Nil.a>: nil pointer evaluating interface {}.a"
        ),
        TemplateCase("{{location}}", "template: t:1:2"),
        TemplateCase("\n  {{location}}", "\n  template: t:2:4"),
    ]

    @Test(arguments: basics + variables + fields)
    func values(_ testCase: TemplateCase) {
        #expect(
            run(testCase.text, testCase.data, missingKey: testCase.missingKey) == testCase.expected)
    }

    @Test(arguments: control + trimming + templates)
    func statements(_ testCase: TemplateCase) {
        #expect(
            run(testCase.text, testCase.data, missingKey: testCase.missingKey) == testCase.expected)
    }
}
