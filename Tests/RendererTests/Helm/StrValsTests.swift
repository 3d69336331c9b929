import Renderer
import Testing

/// Whether two values maps are equal as Go's `reflect.DeepEqual` says.
func sameValues(_ a: [String: Value], _ b: [String: Value]) -> Bool {
    Value.map(a).deepEquals(.map(b))
}

/// Helm's `--set` parsing, with cases from Helm's `pkg/strvals/parser_test.go`.
@Suite("helm strvals")
struct StrValsTests {
    static func parse(_ text: String, mode: StrVals.Mode = .typed) throws -> [String: Value] {
        var values: [String: Value] = [:]
        try StrVals.parse(text, into: &values, mode: mode)
        return values
    }

    static let typedCases: [(String, [String: Value])] = [
        ("name1=value1", ["name1": .string("value1")]),
        ("name1=value1,name2=value2", ["name1": .string("value1"), "name2": .string("value2")]),
        ("name1=value1,name2=value2,", ["name1": .string("value1"), "name2": .string("value2")]),
        ("long_int_string=1234567890", ["long_int_string": .int64(1_234_567_890)]),
        ("boolean=true", ["boolean": .bool(true)]),
        ("is_null=null", ["is_null": .null]),
        ("zero=0", ["zero": .int64(0)]),
        ("leading_zeros=00009", ["leading_zeros": .string("00009")]),
        ("name1=,name2=value2", ["name1": .string(""), "name2": .string("value2")]),
        (
            "name1=one\\,two,name2=three\\,four",
            ["name1": .string("one,two"), "name2": .string("three,four")]
        ),
        (
            "name1=one\\=two,name2=three\\=four",
            ["name1": .string("one=two"), "name2": .string("three=four")]
        ),
        (
            "name1=one two three,name2=three two one",
            ["name1": .string("one two three"), "name2": .string("three two one")]
        ),
        ("outer.inner=value", ["outer": .map(["inner": .string("value")])]),
        (
            "outer.middle.inner=value",
            ["outer": .map(["middle": .map(["inner": .string("value")])])]
        ),
        (
            "outer.inner1=value,outer.inner2=value2",
            ["outer": .map(["inner1": .string("value"), "inner2": .string("value2")])]
        ),
        ("name1.name2=", ["name1": .map(["name2": .string("")])]),
        ("name1={value1,value2}", ["name1": .list([.string("value1"), .string("value2")])]),
        ("list[0]=foo", ["list": .list([.string("foo")])]),
        ("list[0].foo=bar", ["list": .list([.map(["foo": .string("bar")])])]),
        (
            "list[0].foo=bar,list[0].hello=world",
            ["list": .list([.map(["foo": .string("bar"), "hello": .string("world")])])]
        ),
        ("list[0]=foo,list[1]=bar", ["list": .list([.string("foo"), .string("bar")])]),
        (
            "list[0]=foo,list[3]=bar",
            ["list": .list([.string("foo"), .null, .null, .string("bar")])]
        ),
        ("nested[0][0]=1", ["nested": .list([.list([.int64(1)])])]),
        ("nested[1][1]=1", ["nested": .list([.null, .list([.null, .int64(1)])])]),
        (
            "name1.name2[0].foo=bar",
            ["name1": .map(["name2": .list([.map(["foo": .string("bar")])])])]
        ),
        ("key\\.with\\.dots=value", ["key.with.dots": .string("value")]),
    ]

    @Test(arguments: typedCases)
    func typed(_ text: String, _ expected: [String: Value]) throws {
        #expect(sameValues(try Self.parse(text), expected))
    }

    @Test func stringModeKeepsText() throws {
        let parsed = try Self.parse("long_int_string=1234567890,b=true", mode: .string)
        #expect(
            sameValues(parsed, ["long_int_string": .string("1234567890"), "b": .string("true")]))
    }

    @Test func jsonMode() throws {
        let parsed = try Self.parse("outer.inner={\"a\":[1,\"x\"]},b=null", mode: .json)
        let expected: [String: Value] = [
            "outer": .map(["inner": .map(["a": .list([.float(1), .string("x")])])]), "b": .null,
        ]
        #expect(sameValues(parsed, expected))
    }

    @Test func literalKeepsCommasAndEquals() throws {
        var values: [String: Value] = [:]
        try StrVals.parseLiteral("a.b=x,y=z\\n", into: &values)
        #expect(sameValues(values, ["a": .map(["b": .string("x,y=z\\n")])]))
    }

    static let errors: [(String, String)] = [
        ("name1=value1,,,,name2=value2,", "key \"\" has no value (cannot end with ,)"),
        ("name1,name2=", "key \"name1\" has no value (cannot end with ,)"),
        ("name1.=name2", "key map \"name1\" has no value"),
        ("name1", "key \"name1\" has no value"),
        ("list[0]foo=bar", "unexpected data at end of array index: \"foo\""),
        ("list[-1]=x", "negative -1 index not allowed"),
        ("name1={value1,value2", "list must terminate with '}'"),
    ]

    @Test(arguments: errors)
    func refuses(_ text: String, _ message: String) {
        #expect(throws: HelmError(message)) { try Self.parse(text) }
    }

    @Test func aKeyThatIsNotATableCannotBeEntered() {
        var values: [String: Value] = ["a": .string("x")]
        let message =
            "unable to parse key: interface conversion: interface {} is string, not map[string]interface {}"
        #expect(throws: HelmError(message)) {
            try StrVals.parse("a.b=c", into: &values, mode: .typed)
        }
    }
}
