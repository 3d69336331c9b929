import Testing

@testable import Renderer

/// Parse errors, after the table in Go's text/template/parse parse_test.go, with Go's full text.
@Suite struct GoTemplateParseErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let text: String
        let error: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unclosed1", text: "line1\n{{", error: "template: unclosed1:2: unclosed action"),
        Case(
            name: "unclosed2", text: "line1\n{{define `x`}}line2\n{{",
            error: "template: unclosed2:3: unclosed action"),
        Case(
            name: "unclosed3", text: "line1\n{{\"x\"\n\"y\"\n",
            error: "template: unclosed3:4: unclosed action started at unclosed3:2"),
        Case(
            name: "unclosed4", text: "{{\n\n\n\n\n",
            error: "template: unclosed4:6: unclosed action started at unclosed4:1"),
        Case(
            name: "var1", text: "line1\n{{\nx\n}}",
            error: "template: var1:3: function \"x\" not defined"),
        Case(
            name: "function", text: "{{foo}}",
            error: "template: function:1: function \"foo\" not defined"),
        Case(name: "comment1", text: "{{/*}}", error: "template: comment1:1: unclosed comment"),
        Case(
            name: "comment2", text: "{{/*\nhello\n}}",
            error: "template: comment2:1: unclosed comment"),
        Case(
            name: "comment3", text: "{{/* x */ }}",
            error: "template: comment3:1: comment ends before closing delimiter"),
        Case(
            name: "comment4", text: "{{ /* x */ }}",
            error: "template: comment4:1: unexpected \"/\" in command"),
        Case(
            name: "lparen", text: "{{.X (1 2 3}}", error: "template: lparen:1: unclosed left paren"),
        Case(
            name: "rparen", text: "{{.X 1 2 3 ) }}",
            error: "template: rparen:1: unexpected right paren"),
        Case(name: "rparen2", text: "{{(.X 1 2 3", error: "template: rparen2:1: unclosed action"),
        Case(
            name: "space", text: "{{`x`3}}", error: "template: space:1: unexpected \"3\" in operand"
        ),
        Case(name: "idchar", text: "{{a#}}", error: "template: idchar:1: bad character U+0023 '#'"),
        Case(
            name: "charconst", text: "{{'a}}",
            error: "template: charconst:1: unterminated character constant"),
        Case(
            name: "stringconst", text: "{{\"a}}",
            error: "template: stringconst:1: unterminated quoted string"),
        Case(
            name: "rawstringconst", text: "{{`a}}",
            error: "template: rawstringconst:1: unterminated raw quoted string"),
        Case(
            name: "rawstringlines", text: "hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n",
            error: "template: rawstringlines:3: unterminated raw quoted string"),
        Case(
            name: "number", text: "{{0xi}}",
            error: "template: number:1: illegal number syntax: \"0xi\""),
        Case(
            name: "illegalnumber", text: "{{0x}}",
            error: "template: illegalnumber:1: illegal number syntax: \"0x\""),
        Case(
            name: "overflow", text: "{{99999999999999999999}}",
            error: "template: overflow:1: integer overflow: \"99999999999999999999\""),
        Case(
            name: "imaginary", text: "{{1i}}",
            error: "template: imaginary:1: complex constants are not supported: \"1i\""),
        Case(
            name: "multidefine", text: "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
            error: "template: multidefine:1: template: multiple definition of template \"a\""),
        Case(name: "eof", text: "{{range .X}}", error: "template: eof:1: unexpected EOF"),
        Case(
            name: "variable", text: "{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}",
            error: "template: variable:1: unexpected \":=\" in operand"),
        Case(
            name: "multidecl", text: "{{$a,$b,$c := 23}}",
            error: "template: multidecl:1: too many declarations in command"),
        Case(
            name: "undefvar", text: "{{$a}}",
            error: "template: undefvar:1: undefined variable \"$a\""),
        Case(
            name: "wrongdot", text: "{{true.any}}",
            error: "template: wrongdot:1: unexpected . after term \"true\""),
        Case(
            name: "wrongpipeline", text: "{{12|false}}",
            error: "template: wrongpipeline:1: non executable command in pipeline stage 2"),
        Case(
            name: "emptypipeline", text: "{{ ( ) }}",
            error: "template: emptypipeline:1: missing value for parenthesized pipeline"),
        Case(
            name: "emptyaction", text: "{{}}",
            error: "template: emptyaction:1: missing value for command"),
        Case(
            name: "multilinerawstring", text: "{{ $v := `\n` }} {{",
            error: "template: multilinerawstring:2: unclosed action"),
        Case(
            name: "rangeundefvar", text: "{{range $k}}{{end}}",
            error: "template: rangeundefvar:1: undefined variable \"$k\""),
        Case(
            name: "rangeundefvars", text: "{{range $k, $v}}{{end}}",
            error: "template: rangeundefvars:1: undefined variable \"$v\""),
        Case(
            name: "rangemissingvalue1", text: "{{range $k,}}{{end}}",
            error: "template: rangemissingvalue1:1: missing value for range"),
        Case(
            name: "rangemissingvalue2", text: "{{range $k, $v := }}{{end}}",
            error: "template: rangemissingvalue2:1: missing value for range"),
        Case(
            name: "rangenotvariable1", text: "{{range $k, .}}{{end}}",
            error: "template: rangenotvariable1:1: range can only initialize variables"),
        Case(
            name: "rangenotvariable2", text: "{{range $k, 123 := .}}{{end}}",
            error: "template: rangenotvariable2:1: range can only initialize variables"),
        Case(
            name: "unmatchedend", text: "{{end}}",
            error: "template: unmatchedend:1: unexpected {{end}}"),
        Case(
            name: "unmatchedelse", text: "{{else}}",
            error: "template: unmatchedelse:1: unexpected {{else}}"),
        Case(
            name: "doubleelse", text: "{{if .X}}1{{else}}2{{else}}3{{end}}",
            error: "template: doubleelse:1: expected end; found {{else}}"),
        Case(
            name: "elseinrange", text: "{{range .X}}1{{else if .Y}}2{{end}}",
            error: "template: elseinrange:1: unexpected <if> in input"),
        Case(
            name: "break", text: "{{break}}",
            error: "template: break:1: {{break}} outside {{range}}"),
        Case(
            name: "continue", text: "{{if true}}{{continue}}{{end}}",
            error: "template: continue:1: {{continue}} outside {{range}}"),
        Case(
            name: "breakarg", text: "{{range .}}{{break 1}}{{end}}",
            error: "template: breakarg:1: unexpected \"1\" in {{break}}"),
        Case(
            name: "defineeof", text: "{{define \"x\"}}abc",
            error: "template: defineeof:1: unexpected EOF"),
        Case(
            name: "definename", text: "{{define x}}{{end}}",
            error: "template: definename:1: unexpected \"x\" in define clause"),
        Case(
            name: "definenumber", text: "{{define 3}}{{end}}",
            error: "template: definenumber:1: unexpected \"3\" in define clause"),
        Case(
            name: "defineelse", text: "{{define \"x\"}}a{{else}}b{{end}}",
            error: "template: defineelse:1: unexpected {{else}} in define clause"),
        Case(
            name: "templatename", text: "{{template .X}}",
            error: "template: templatename:1: unexpected \".X\" in template clause"),
        Case(
            name: "blockpipe", text: "{{block \"foo\"}}hello{{end}}",
            error: "template: blockpipe:1: missing value for block clause"),
        Case(
            name: "badchar", text: "{{\u{01}}}",
            error: "template: badchar:1: unrecognized character in action: U+0001"),
        Case(name: "colon", text: "{{$x := 1}}{{$x :}}", error: "template: colon:1: expected :="),
        Case(
            name: "operand", text: "{{ .Values.x }\n}",
            error: "template: operand:1: unexpected \"}\" in operand"),
        Case(
            name: "keyword", text: "{{ if }}{{ end }}",
            error: "template: keyword:1: missing value for if"),
        Case(
            name: "longtoken", text: "{{define \"x\" \"abcdefghijklmnop\"}}{{end}}",
            error: "template: longtoken:1: unexpected \"\\\"abcdefghi\"... in define clause"),
        Case(
            name: "unexpectedlong",
            text: "{{ with }}{{ \"abcdefghijklmnop\" 2 }}{{ else }}{{ end }}",
            error: "template: unexpectedlong:1: missing value for with"),
        Case(
            name: "badstring", text: "{{\"\\z\"}}", error: "template: badstring:1: invalid syntax"),
        Case(
            name: "badchar2", text: "{{'ab'}}",
            error: "template: badchar2:1: malformed character constant: 'ab'"),
        Case(
            name: "parendepth",
            text: "{{" + String(repeating: "(", count: 10001) + "1"
                + String(repeating: ")", count: 10001) + "}}",
            error: "template: parendepth:1: max expression depth exceeded"),
    ]

    @Test(arguments: cases)
    func parseError(_ testCase: Case) {
        let set = TemplateSet(functions: [:])
        #expect(throws: (any Error).self) {
            try set.parse(name: testCase.name, text: testCase.text)
        }
        do {
            try set.parse(name: testCase.name, text: testCase.text)
        } catch let error as TemplateError {
            #expect(error.description == testCase.error)
            #expect(error.kind == .parse)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func parseErrorLeavesTheSetUnchanged() throws {
        let set = TemplateSet()
        try set.parse(name: "a", text: "{{define \"x\"}}1{{end}}")
        #expect(throws: TemplateError.self) {
            try set.parse(name: "b", text: "{{define \"x\"}}2{{end}}{{")
        }
        #expect(try set.execute(name: "a", data: .null) == "")
        #expect(set.names == ["a", "x"])
    }
}
