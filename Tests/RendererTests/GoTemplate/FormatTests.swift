import Testing

@testable import Renderer

/// Expected texts are Go's own: `fmt`'s documentation and `fmt_test.go`, `strconv`'s
/// `ftoa_test.go`.
struct FormatTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var format: String
        var arguments: [Value]
        var expected: String
        var testDescription: String { "\(format) -> \(expected)" }
        init(_ format: String, _ arguments: [Value], _ expected: String) {
            self.format = format
            self.arguments = arguments
            self.expected = expected
        }
    }

    static let cases: [Case] = [
        // integers
        Case("%d", [.int(12345)], "12345"),
        Case("%v", [.int(12345)], "12345"),
        Case("%v", [.int64(-7)], "-7"),
        Case("%+d", [.int(12345)], "+12345"),
        Case("% d", [.int(12345)], " 12345"),
        Case("%08d", [.int(-1234)], "-0001234"),
        Case("%-8d|", [.int(-1234)], "-1234   |"),
        Case("%-08d|", [.int(-1234)], "-1234   |"),
        Case("%.3d", [.int(-7)], "-007"),
        Case("%6.3d", [.int(7)], "   007"),
        Case("%.0d", [.int(0)], ""),
        Case("%5.0d", [.int(0)], "     "),
        Case("%o", [.int(0o1234)], "1234"),
        Case("%#o", [.int(0o1234)], "01234"),
        Case("%O", [.int(0o1234)], "0o1234"),
        Case("%b", [.int(7)], "111"),
        Case("%#b", [.int(7)], "0b111"),
        Case("%x", [.int(255)], "ff"),
        Case("%X", [.int(255)], "FF"),
        Case("%#x", [.int(255)], "0xff"),
        Case("%#X", [.int(255)], "0XFF"),
        Case("%x", [.int(-1)], "-1"),
        Case("%c", [.int(0x65E5)], "日"),
        Case("%q", [.int(0x78)], "'x'"),
        Case("%U", [.int(0x1234)], "U+1234"),
        Case("%#U", [.int(0x2318)], "U+2318 '⌘'"),
        Case("%d", [.int64(Int64.min)], "-9223372036854775808"),
        // strings
        Case("%s", [.string("abc")], "abc"),
        Case("%5s", [.string("abc")], "  abc"),
        Case("%-5s|", [.string("abc")], "abc  |"),
        Case("%.2s", [.string("abc")], "ab"),
        Case("%.1s", [.string("日本語")], "日"),
        Case("%5s", [.string("日本")], "   日本"),
        Case("%x", [.string("xyz")], "78797a"),
        Case("%X", [.string("xyz")], "78797A"),
        Case("% x", [.string("xyz")], "78 79 7a"),
        Case("%#x", [.string("xyz")], "0x78797a"),
        Case("%# x", [.string("xyz")], "0x78 0x79 0x7a"),
        Case("%q", [.string("abc")], "\"abc\""),
        Case("%q", [.string("\"")], "\"\\\"\""),
        Case("%q", [.string("a\nb\tc\u{7}")], "\"a\\nb\\tc\\a\""),
        Case("%q", [.string("日本語")], "\"日本語\""),
        Case("%+q", [.string("日本語")], "\"\\u65e5\\u672c\\u8a9e\""),
        Case("%#q", [.string("abc")], "`abc`"),
        Case("%#q", [.string("`")], "\"`\""),
        Case("%q", [.string("\u{0}\u{7f}\u{a0}")], "\"\\x00\\x7f\\u00a0\""),
        Case("%q", [.string("😀")], "\"😀\""),
        Case("%+q", [.string("😀")], "\"\\U0001f600\""),
        Case("%#v", [.string("a")], "\"a\""),
        // booleans
        Case("%t", [.bool(true)], "true"),
        Case("%v", [.bool(false)], "false"),
        Case("%d", [.bool(true)], "%!d(bool=true)"),
        // floats
        Case("%v", [.float(1)], "1"),
        Case("%v", [.float(1.5)], "1.5"),
        Case("%v", [.float(1_000_000)], "1e+06"),
        Case("%v", [.float(100_000)], "100000"),
        Case("%v", [.float(123_456_789)], "1.23456789e+08"),
        Case("%v", [.float(0.0001)], "0.0001"),
        Case("%v", [.float(0.00001)], "1e-05"),
        Case("%v", [.float(0.1 + 0.2)], "0.30000000000000004"),
        Case("%v", [.float(1e21)], "1e+21"),
        Case("%v", [.float(Double.leastNonzeroMagnitude)], "5e-324"),
        Case("%v", [.float(1.7976931348623157e308)], "1.7976931348623157e+308"),
        Case("%v", [.float(0)], "0"),
        Case("%v", [.float(-0.0)], "-0"),
        Case("%v", [.float(.infinity)], "+Inf"),
        Case("%v", [.float(-.infinity)], "-Inf"),
        Case("%v", [.float(.nan)], "NaN"),
        Case("%5.2f", [.float(.infinity)], " +Inf"),
        Case("%05v", [.float(-.infinity)], " -Inf"),
        Case("%e", [.float(1)], "1.000000e+00"),
        Case("%E", [.float(1)], "1.000000E+00"),
        Case("%f", [.float(1)], "1.000000"),
        Case("%F", [.float(1)], "1.000000"),
        Case("%g", [.float(1)], "1"),
        Case("%G", [.float(1e-10)], "1E-10"),
        Case("%.3g", [.float(1234)], "1.23e+03"),
        Case("%.3g", [.float(1)], "1"),
        Case("%.3e", [.float(1234.5678)], "1.235e+03"),
        Case("%.2f", [.float(1234.5678)], "1234.57"),
        Case("%.0f", [.float(0.5)], "0"),
        Case("%.0f", [.float(1.5)], "2"),
        Case("%+.3e", [.float(1)], "+1.000e+00"),
        Case("%08.3f", [.float(-1)], "-001.000"),
        Case("% .3f", [.float(1)], " 1.000"),
        Case("%-8.3f|", [.float(-1)], "-1.000  |"),
        Case("%#g", [.float(1)], "1.00000"),
        Case("%#.0f", [.float(1)], "1."),
        Case("%#.4g", [.float(1.234e6)], "1.234e+06"),
        Case("%6.2f", [.float(3.14159)], "  3.14"),
        Case("%b", [.float(1)], "4503599627370496p-52"),
        Case("%d", [.float(1.5)], "%!d(float64=1.5)"),
        // lists and maps
        Case("%v", [.list([.int(1), .string("a"), .null])], "[1 a <nil>]"),
        Case("%v", [.map(["b": .int(2), "a": .int(1)])], "map[a:1 b:2]"),
        Case("%v", [.map(["a": .list([.map(["x": .float(1e6)])])])], "map[a:[map[x:1e+06]]]"),
        Case("%d", [.list([.int(1), .int(2)])], "[1 2]"),
        Case("%d", [.list([.string("a")])], "[%!d(string=a)]"),
        Case("%3v", [.list([.int(1), .int(2)])], "[  1   2]"),
        Case("%v", [.list([])], "[]"),
        Case("%v", [.map([:])], "map[]"),
        Case("%s", [.map(["k": .int(1)])], "map[k:%!s(int=1)]"),
        // %T and nil
        Case("%T", [.int64(1)], "int64"),
        Case("%T", [.null], "<nil>"),
        Case("%T", [.list([])], "[]interface {}"),
        Case("%T", [.map([:])], "map[string]interface {}"),
        Case("%v", [.null], "<nil>"),
        Case("%d", [.null], "%!d(<nil>)"),
        Case("%s", [.null], "%!s(<nil>)"),
        // errors, percent, indexes, stars
        Case("%d", [.string("x")], "%!d(string=x)"),
        Case("%5d", [.string("x")], "%!d(string=    x)"),
        Case("%z", [.int(1)], "%!z(int=1)"),
        Case("%d %d", [.int(1)], "1 %!d(MISSING)"),
        Case("%d", [.int(1), .int(2)], "1%!(EXTRA int=2)"),
        Case("%d", [.int(1), .string("a"), .null], "1%!(EXTRA string=a, <nil>)"),
        Case("hi", [.int(1)], "hi%!(EXTRA int=1)"),
        Case("%", [], "%!(NOVERB)"),
        Case("%-", [], "%!(NOVERB)"),
        Case("%%", [], "%"),
        Case("%5%", [], "%"),
        Case("100%% sure", [], "100% sure"),
        Case("%v", [], "%!v(MISSING)"),
        Case("%[2]d %[1]d", [.int(1), .int(2)], "2 1"),
        Case("%[3]d", [.int(1), .int(2)], "%!d(BADINDEX)"),
        Case("%[1]d %d", [.int(1), .int(2)], "1 2"),
        Case("%*d", [.int(4), .int(1)], "   1"),
        Case("%-*d|", [.int(4), .int(1)], "1   |"),
        Case("%*d", [.int(-4), .int(1)], "1   "),
        Case("%.*f", [.int(2), .float(3.14159)], "3.14"),
        Case("%*d", [.string("x"), .int(1)], "%!(BADWIDTH)1"),
        Case("%s-%s", [.string("a"), .string("b")], "a-b"),
    ]

    @Test(arguments: cases)
    func sprintf(_ testCase: Case) {
        #expect(GoFormat.sprintf(testCase.format, testCase.arguments) == testCase.expected)
    }

    @Test func sprintPutsSpacesOnlyBetweenNonStrings() {
        #expect(GoFormat.sprint([.string("a"), .int(1), .int(2), .string("b")]) == "a1 2b")
        #expect(GoFormat.sprint([.string("a"), .string("b")]) == "ab")
        #expect(GoFormat.sprint([.int(1), .float(2.5), .bool(true)]) == "1 2.5 true")
        #expect(GoFormat.sprint([.null, .null]) == "<nil> <nil>")
        #expect(GoFormat.sprint([]) == "")
    }

    @Test func sprintlnAlwaysSeparates() {
        #expect(GoFormat.sprintln([.string("a"), .string("b"), .int(1)]) == "a b 1\n")
        #expect(GoFormat.sprintln([]) == "\n")
    }

    @Test func goDescription() {
        #expect(Value.float(1e6).goDescription == "1e+06")
        #expect(Value.map(["a": .null]).goDescription == "map[a:<nil>]")
        #expect(Value.string("x").goDescription == "x")
    }

    @Test(
        arguments: [
            (1.0, Character("g"), -1, "1"),
            (1e6, "g", -1, "1e+06"),
            (1e21, "f", -1, "1000000000000000000000"),
            (1.5e-7, "f", -1, "0.00000015"),
            (1e23, "e", -1, "1e+23"),
            (123456.0, "e", -1, "1.23456e+05"),
            (0.0, "e", -1, "0e+00"),
            (-1.25, "f", 1, "-1.2"),
            (1.35, "f", 1, "1.4"),
            (100.0, "g", 3, "100"),
            (1000.0, "g", 3, "1e+03"),
            (123456.0, "g", 10, "123456"),
            (0.000012345, "g", 2, "1.2e-05"),
            (12.0, "E", -1, "1.2E+01"),
        ] as [(Double, Character, Int, String)])
    func formatFloat(_ value: Double, _ format: Character, _ precision: Int, _ expected: String) {
        #expect(GoFormat.formatFloat(value, format, precision) == expected)
    }
}
