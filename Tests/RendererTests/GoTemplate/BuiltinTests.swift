import Testing

@testable import Renderer

/// The built-in functions and calls through `Function`, after Go's exec_test.go.
@Suite struct GoTemplateBuiltinTests {
    static let printing: [TemplateCase] = [
        TemplateCase("{{print \"hello, print\"}}", "hello, print"),
        TemplateCase("{{print 1 2 3}}", "1 2 3"),
        TemplateCase("{{print nil}}", "<nil>"),
        TemplateCase("{{print \"a\" 1 2 \"b\"}}", "a1 2b"),
        TemplateCase("{{print .Missing}}", "<nil>"),
        TemplateCase("{{println 1 2 3}}", "1 2 3\n"),
        TemplateCase("{{printf \"%s\" \"hello\"}}", "hello"),
        TemplateCase("{{printf \"%s\" .U.V}}", "v"),
        TemplateCase("{{with .I}}{{printf \"%v\" .}}{{end}}", "17"),
        TemplateCase("{{\"x\" | printf}}", "x"),
        TemplateCase("{{\"aaa\"|printf }}", "aaa"),
        TemplateCase(
            "{{true|printf}}",
            error:
                "template: t:1:7: executing \"t\" at <printf>: wrong type for value; expected string; got bool"
        ),
        TemplateCase(
            "{{1|printf}}",
            error:
                "template: t:1:4: executing \"t\" at <printf>: wrong type for value; expected string; got int"
        ),
        TemplateCase(
            "{{printf}}",
            error:
                "template: t:1:2: executing \"t\" at <printf>: wrong number of args for printf: want at least 1 got 0"
        ),
        TemplateCase(
            "{{html \"<script>alert(\\\"XSS\\\");</script>\"}}",
            "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;"),
        TemplateCase(
            "{{printf \"<script>alert(\\\"XSS\\\");</script>\" | html}}",
            "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;"),
        TemplateCase("{{html .Nil}}", "&lt;no value&gt;"),
        TemplateCase("{{html \"a'b&c\" 1}}", "a&#39;b&amp;c1"),
        TemplateCase("{{js .}}", "It\\'d be nice.", data: .string("It'd be nice.")),
        TemplateCase("{{js \"Go \\\"jump\\\" \\\\\"}}", "Go \\\"jump\\\" \\\\"),
        TemplateCase("{{js \"<html>\"}}", "\\u003Chtml\\u003E"),
        TemplateCase("{{js \"no = in\"}}", "no \\u003D in"),
        TemplateCase("{{js \"&#x27;\"}}", "\\u0026#x27;"),
        TemplateCase("{{js \"a\\tb\"}}", "a\\u0009b"),
        TemplateCase("{{js \"今日は\"}}", "今日は"),
        TemplateCase("{{\"http://www.example.org/\"|urlquery}}", "http%3A%2F%2Fwww.example.org%2F"),
        TemplateCase("{{urlquery \"a b&c=d/é\"}}", "a+b%26c%3Dd%2F%C3%A9"),
    ]

    static let logic: [TemplateCase] = [
        TemplateCase("{{not true}} {{not false}}", "false true"),
        TemplateCase(
            "{{not 0}} {{not \"\"}} {{not .SEmpty}} {{not .Nil}} {{not .Missing}}",
            "true true true true true"),
        TemplateCase("{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "false 0 0 1"),
        TemplateCase("{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "0 1 true 1"),
        TemplateCase("{{or 0 1 (fail \"die\")}}", "1"),
        TemplateCase("{{and 1 0 (fail \"die\")}}", "0"),
        TemplateCase(
            "{{or 0 0 (fail \"die\")}}",
            error: "template: t:1:10: executing \"t\" at <fail \"die\">: error calling fail: die"),
        TemplateCase("{{1 | and 1}}", "1"),
        TemplateCase("{{0 | and 1}}", "0"),
        TemplateCase("{{1 | or 0}}", "1"),
        TemplateCase("{{0 | or 0}}", "0"),
        TemplateCase("{{and 1 .Unknown}}", "<no value>", data: .null),
        TemplateCase("{{or 0 .Unknown}}", "<no value>", data: .null),
        TemplateCase("{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}", "TRUE"),
        TemplateCase("{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "FALSE"),
        TemplateCase("{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}", "FALSE"),
        TemplateCase(
            "{{and}}",
            error:
                "template: t:1:2: executing \"t\" at <and>: wrong number of args for and: want at least 1 got 0"
        ),
        TemplateCase(
            "{{not}}",
            error:
                "template: t:1:2: executing \"t\" at <not>: wrong number of args for not: want 1 got 0"
        ),
        TemplateCase(
            "{{not 1 2}}",
            error:
                "template: t:1:2: executing \"t\" at <not>: wrong number of args for not: want 1 got 2"
        ),
    ]

    static let comparisons: [TemplateCase] = [
        TemplateCase("{{eq true true}} {{eq true false}}", "true false"),
        TemplateCase("{{eq 1.5 1.5}} {{eq 1.5 2.5}}", "true false"),
        TemplateCase("{{eq 1 1}} {{eq 1 2}}", "true false"),
        TemplateCase("{{eq `xy` `xy`}} {{eq `xy` `xyz`}}", "true false"),
        TemplateCase("{{eq 3 4 5 6 3}} {{eq 3 4 5 6 7}}", "true false"),
        TemplateCase("{{ne 1 1}} {{ne 1 2}} {{ne `a` `b`}}", "false true true"),
        TemplateCase("{{lt 1.5 2.5}} {{lt 1 1}} {{lt `xy` `xyz`}}", "true false true"),
        TemplateCase("{{le 1 1}} {{le 2 1}} {{le `xyz` `xy`}}", "true false false"),
        TemplateCase("{{gt 2 1}} {{gt 1 2}} {{gt 1.5 1.5}}", "true false false"),
        TemplateCase("{{ge 1 1}} {{ge 1 2}} {{ge `xyz` `xy`}}", "true false true"),
        TemplateCase("{{eq .I 17}} {{eq .I64 -5}} {{eq .I .I64}}", "true true false"),
        TemplateCase("{{lt .I64 .I}}", "true"),
        TemplateCase("{{eq (index `x` 0) 'x'}} {{eq (index `x` 0) 'y'}}", "true false"),
        TemplateCase(
            "{{eq .Nil .Nil}} {{eq .Nil 0}} {{eq 0 .Nil}} {{eq .Missing nil}}",
            "true false false true"),
        TemplateCase("{{eq .SEmpty nil}}", "false"),
        TemplateCase("{{eq .Values.replicas 3.0}}", "true"),
        TemplateCase("{{eq .Values.name \"web\"}}", "true"),
        TemplateCase(
            "{{eq `xy` 1}}",
            error:
                "template: t:1:2: executing \"t\" at <eq `xy` 1>: error calling eq: incompatible types for comparison: string and int"
        ),
        TemplateCase(
            "{{eq 2 2.0}}",
            error:
                "template: t:1:2: executing \"t\" at <eq 2 2.0>: error calling eq: incompatible types for comparison: int and float64"
        ),
        TemplateCase(
            "{{eq .Values.replicas 3}}",
            error:
                "template: t:1:2: executing \"t\" at <eq .Values.replicas 3>: error calling eq: incompatible types for comparison: float64 and int"
        ),
        TemplateCase(
            "{{lt true true}}",
            error:
                "template: t:1:2: executing \"t\" at <lt true true>: error calling lt: invalid type for comparison"
        ),
        TemplateCase(
            "{{lt .Nil 1}}",
            error:
                "template: t:1:2: executing \"t\" at <lt .Nil 1>: error calling lt: invalid type for comparison"
        ),
        TemplateCase(
            "{{lt 1 1.5}}",
            error:
                "template: t:1:2: executing \"t\" at <lt 1 1.5>: error calling lt: incompatible types for comparison: int and float64"
        ),
        TemplateCase(
            "{{eq .SI .SI}}",
            error:
                "template: t:1:2: executing \"t\" at <eq .SI .SI>: error calling eq: non-comparable type [3 4 5]: []interface {}"
        ),
        TemplateCase(
            "{{eq 1}}",
            error:
                "template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison"
        ),
        TemplateCase(
            "{{eq}}",
            error:
                "template: t:1:2: executing \"t\" at <eq>: wrong number of args for eq: want at least 1 got 0"
        ),
        TemplateCase(
            "{{ne 1}}",
            error:
                "template: t:1:2: executing \"t\" at <ne>: wrong number of args for ne: want 2 got 1"
        ),
    ]

    static let collections: [TemplateCase] = [
        TemplateCase("{{index .SI 0}}", "3"),
        TemplateCase("{{index .SI 1}}", "4"),
        TemplateCase(
            "{{index .SI 10}}",
            error:
                "template: t:1:2: executing \"t\" at <index .SI 10>: error calling index: index out of range: 10"
        ),
        TemplateCase(
            "{{index .SI 3}}",
            error:
                "template: t:1:2: executing \"t\" at <index .SI 3>: error calling index: reflect: slice index out of range"
        ),
        TemplateCase(
            "{{index .SI -1}}",
            error:
                "template: t:1:2: executing \"t\" at <index .SI -1>: error calling index: index out of range: -1"
        ),
        TemplateCase(
            "{{index .SI `hello`}}",
            error:
                "template: t:1:2: executing \"t\" at <index .SI `hello`>: error calling index: cannot index slice/array with type string"
        ),
        TemplateCase(
            "{{index .SI nil}}",
            error:
                "template: t:1:2: executing \"t\" at <index .SI nil>: error calling index: cannot index slice/array with nil"
        ),
        TemplateCase("{{index .MSI `one`}}", "1"),
        TemplateCase("{{index .MSI `XXX`}}", "<no value>"),
        TemplateCase(
            "{{index .MSI nil}}",
            error:
                "template: t:1:2: executing \"t\" at <index .MSI nil>: error calling index: value is nil; should be of type string"
        ),
        TemplateCase(
            "{{index .MSI 10}}",
            error:
                "template: t:1:2: executing \"t\" at <index .MSI 10>: error calling index: value has type int; should be string"
        ),
        TemplateCase(
            "{{index nil 1}}",
            error:
                "template: t:1:2: executing \"t\" at <index nil 1>: error calling index: index of untyped nil"
        ),
        TemplateCase(
            "{{index .Nil 1}}",
            error:
                "template: t:1:2: executing \"t\" at <index .Nil 1>: error calling index: index of untyped nil"
        ),
        TemplateCase("{{index .U \"W\" \"X\"}}", "deep"),
        TemplateCase(
            "{{index .U \"Z\" \"X\"}}",
            error:
                "template: t:1:2: executing \"t\" at <index .U \"Z\" \"X\">: error calling index: index of nil pointer"
        ),
        TemplateCase("{{index .S 1}}", "121"),
        TemplateCase(
            "{{index .I 1}}",
            error:
                "template: t:1:2: executing \"t\" at <index .I 1>: error calling index: can't index item of type int"
        ),
        TemplateCase("{{index .SI}}", "[3 4 5]"),
        TemplateCase("{{slice .SI}}", "[3 4 5]"),
        TemplateCase("{{slice .SI 1}}", "[4 5]"),
        TemplateCase("{{slice .SI 1 2}}", "[4]"),
        TemplateCase(
            "{{slice .SI -1}}",
            error:
                "template: t:1:2: executing \"t\" at <slice .SI -1>: error calling slice: index out of range: -1"
        ),
        TemplateCase(
            "{{slice .SI 2 1}}",
            error:
                "template: t:1:2: executing \"t\" at <slice .SI 2 1>: error calling slice: invalid slice index: 2 > 1"
        ),
        TemplateCase(
            "{{slice .SI 4 5}}",
            error:
                "template: t:1:2: executing \"t\" at <slice .SI 4 5>: error calling slice: index out of range: 4"
        ),
        TemplateCase(
            "{{slice .SI 1 2 3 4}}",
            error:
                "template: t:1:2: executing \"t\" at <slice .SI 1 2 3 4>: error calling slice: too many slice indexes: 4"
        ),
        TemplateCase("{{slice .S}}", "xyz"),
        TemplateCase("{{slice .S 0 1}}", "x"),
        TemplateCase("{{slice .S 1}}", "yz"),
        TemplateCase("{{slice .S 1 2}}", "y"),
        TemplateCase(
            "{{slice .S 1 5}}",
            error:
                "template: t:1:2: executing \"t\" at <slice .S 1 5>: error calling slice: index out of range: 5"
        ),
        TemplateCase(
            "{{slice .S 1 2 2}}",
            error:
                "template: t:1:2: executing \"t\" at <slice .S 1 2 2>: error calling slice: cannot 3-index slice a string"
        ),
        TemplateCase(
            "{{slice nil}}",
            error:
                "template: t:1:2: executing \"t\" at <slice nil>: error calling slice: slice of untyped nil"
        ),
        TemplateCase(
            "{{slice .I}}",
            error:
                "template: t:1:2: executing \"t\" at <slice .I>: error calling slice: can't slice item of type int"
        ),
        TemplateCase("{{len .SI}} {{len .MSI }} {{len .S}} {{len \"é\"}}", "3 3 3 2"),
        TemplateCase(
            "{{len 3}}",
            error: "template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int"
        ),
        TemplateCase(
            "{{len .Nil}}",
            error:
                "template: t:1:2: executing \"t\" at <len .Nil>: error calling len: len of nil pointer"
        ),
        TemplateCase(
            "{{len .Missing}}",
            error:
                "template: t:1:2: executing \"t\" at <len .Missing>: error calling len: reflect: call of reflect.Value.Type on zero Value"
        ),
        TemplateCase(
            "{{call .I}}",
            error:
                "template: t:1:2: executing \"t\" at <call .I>: error calling call: non-function .I of type int"
        ),
        TemplateCase(
            "{{call nil}}",
            error: "template: t:1:2: executing \"t\" at <call nil>: error calling call: call of nil"
        ),
        TemplateCase(
            "{{call}}",
            error:
                "template: t:1:2: executing \"t\" at <call>: wrong number of args for call: want at least 1 got 0"
        ),
    ]

    static let functions: [TemplateCase] = [
        TemplateCase("{{upper \"abc\"}}", "ABC"),
        TemplateCase("{{\"abc\" | upper}}", "ABC"),
        TemplateCase("{{.S | upper}}", "XYZ"),
        TemplateCase("{{upper .S}}", "XYZ"),
        TemplateCase(
            "{{upper 3}}",
            error: "template: t:1:8: executing \"t\" at <3>: expected string; found 3"),
        TemplateCase(
            "{{upper .I}}",
            error:
                "template: t:1:8: executing \"t\" at <.I>: wrong type for value; expected string; got int"
        ),
        TemplateCase(
            "{{upper nil}}",
            error: "template: t:1:8: executing \"t\" at <nil>: cannot assign nil to string"),
        TemplateCase(
            "{{upper .Missing}}",
            error: "template: t:1:8: executing \"t\" at <.Missing>: invalid value; expected string"),
        TemplateCase(
            "{{upper .Missing}}",
            error:
                "template: t:1:8: executing \"t\" at <.Missing>: wrong type for value; expected string; got interface {}",
            missingKey: .zero),
        TemplateCase(
            "{{.Missing | upper}}",
            error: "template: t:1:13: executing \"t\" at <upper>: invalid value; expected string",
            missingKey: .zero),
        TemplateCase(
            "{{upper .Nil}}",
            error:
                "template: t:1:8: executing \"t\" at <.Nil>: wrong type for value; expected string; got interface {}"
        ),
        TemplateCase(
            "{{upper}}",
            error:
                "template: t:1:2: executing \"t\" at <upper>: wrong number of args for upper: want 1 got 0"
        ),
        TemplateCase(
            "{{upper \"a\" \"b\"}}",
            error:
                "template: t:1:2: executing \"t\" at <upper>: wrong number of args for upper: want 1 got 2"
        ),
        TemplateCase(
            "{{\"a\" | upper \"b\"}}",
            error:
                "template: t:1:8: executing \"t\" at <upper>: wrong number of args for upper: want 1 got 2"
        ),
        TemplateCase("{{add 1 2}}", "3"),
        TemplateCase("{{add 1 2 | add 3}}", "6"),
        TemplateCase("{{add 1.0 2}}", "3"),
        TemplateCase(
            "{{add 1.5 2}}",
            error: "template: t:1:6: executing \"t\" at <1.5>: expected integer; found 1.5"),
        TemplateCase("{{add 1e3 2}}", "1002"),
        TemplateCase("{{add 'a' 0}}", "97"),
        TemplateCase(
            "{{add .I64 1}}",
            error:
                "template: t:1:6: executing \"t\" at <.I64>: wrong type for value; expected int; got int64"
        ),
        TemplateCase(
            "{{add .Values.replicas 1}}",
            error:
                "template: t:1:13: executing \"t\" at <.Values.replicas>: wrong type for value; expected int; got float64"
        ),
        TemplateCase(
            "{{add \"1\" 1}}",
            error: "template: t:1:6: executing \"t\" at <\"1\">: expected integer; found \"1\""),
        TemplateCase(
            "{{add nil 1}}",
            error: "template: t:1:6: executing \"t\" at <nil>: cannot assign nil to int"),
        TemplateCase("{{add64 1 2}} {{typeOf (add64 1 2)}}", "3 int64"),
        TemplateCase(
            "{{add (add64 1 2) 1}}",
            error:
                "template: t:1:15: executing \"t\" at <2>: wrong type for value; expected int; got int64"
        ),
        TemplateCase("{{half 3}} {{half 3.0}} {{half 1e1}}", "1.5 1.5 5"),
        TemplateCase(
            "{{half \"3\"}}",
            error: "template: t:1:7: executing \"t\" at <\"3\">: expected float; found \"3\""),
        TemplateCase(
            "{{isBool true}} {{isBool 1}}",
            error: "template: t:1:25: executing \"t\" at <1>: expected bool; found 1"),
        TemplateCase("{{join \",\" \"a\" \"b\" \"c\"}}", "a,b,c"),
        TemplateCase("{{join \",\"}}", ""),
        TemplateCase("{{\"c\" | join \",\" \"a\" \"b\"}}", "a,b,c"),
        TemplateCase("{{\",\" | join}}", ""),
        TemplateCase(
            "{{join}}",
            error:
                "template: t:1:2: executing \"t\" at <join>: wrong number of args for join: want at least 1 got 0"
        ),
        TemplateCase(
            "{{join \",\" 1}}",
            error: "template: t:1:11: executing \"t\" at <1>: expected string; found 1"),
        TemplateCase(
            "{{fail \"boom\"}}",
            error: "template: t:1:2: executing \"t\" at <fail \"boom\">: error calling fail: boom"),
        TemplateCase(
            "x\n  {{ \"boom\" | fail }}",
            error: "template: t:2:14: executing \"t\" at <fail>: error calling fail: boom"),
        TemplateCase("{{typeOf nil}} {{typeOf .Nil}} {{typeOf .Missing}}", "<nil> <nil> <nil>"),
        TemplateCase(
            "{{typeOf .SI}} {{typeOf .MSI}} {{typeOf (list 1)}}",
            "[]interface {} map[string]interface {} []interface {}"),
        TemplateCase("{{list 1 \"a\" nil}}", "[1 a <nil>]"),
        TemplateCase(
            "{{3 2}}",
            error: "template: t:1:2: executing \"t\" at <3>: can't give argument to non-function 3"),
        TemplateCase(
            "{{(1) 2}}",
            error:
                "template: t:1:2: executing \"t\" at <(1) 2>: can't give argument to non-function 1"
        ),
        TemplateCase(
            "{{1 2}}",
            error: "template: t:1:2: executing \"t\" at <1>: can't give argument to non-function 1"),
        TemplateCase(
            "{{nil}}", error: "template: t:1:2: executing \"t\" at <nil>: nil is not a command"),
        TemplateCase(
            "{{18446744073709551615}}",
            error:
                "template: t:1:2: executing \"t\" at <18446744073709551615>: 18446744073709551615 overflows int"
        ),
    ]

    @Test(arguments: printing + logic + comparisons)
    func builtins(_ testCase: TemplateCase) {
        #expect(
            run(testCase.text, testCase.data, missingKey: testCase.missingKey) == testCase.expected)
    }

    @Test(arguments: collections + functions)
    func calls(_ testCase: TemplateCase) {
        #expect(
            run(testCase.text, testCase.data, missingKey: testCase.missingKey) == testCase.expected)
    }
}
