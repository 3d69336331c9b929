import Testing

@testable import Renderer

/// Expected values from Sprig's `strings_test.go`, its docs, and Go's `strings` documentation.
struct SprigStringTests {
    @Test func substrAndTrunc() throws {
        #expect(try text("substr", .int(0), .int(3), .string("fooo")) == "foo")
        #expect(try text("substr", .int(0), .int(10), .string("foo")) == "foo")
        #expect(try text("trunc", .int(3), .string("foooooo")) == "foo")
        #expect(try text("trunc", .int(-3), .string("baaaaaar")) == "aar")
        #expect(try text("trunc", .int(-999), .string("baaaaaar")) == "baaaaaar")
        #expect(try text("trunc", .int(0), .string("baaaaaz")) == "")
        #expect(try text("trunc", .int(63), .string("")) == "")
        #expect(
            failure("substr", .int(5), .int(10), .string("abc"))
                == "runtime error: slice bounds out of range [5:3]")
    }

    @Test func quoteSkipsNilAndQuotesLikeGo() throws {
        #expect(try text("quote", .string("a"), .string("b"), .string("c")) == "\"a\" \"b\" \"c\"")
        #expect(try text("quote", .string("\"a\""), .string("b")) == "\"\\\"a\\\"\" \"b\"")
        #expect(try text("quote", .int(1), .int(2), .int(3)) == "\"1\" \"2\" \"3\"")
        #expect(try text("quote", .null) == "")
        #expect(try text("quote", .float(1e6)) == "\"1e+06\"")
        #expect(try text("quote", .string("tab\there")) == "\"tab\\there\"")
        #expect(try text("squote", .string("a"), .string("b"), .string("c")) == "'a' 'b' 'c'")
        #expect(try text("squote", .int(1), .int(2), .int(3)) == "'1' '2' '3'")
        #expect(try text("squote", .null) == "")
    }

    @Test func containsAndAffixes() throws {
        #expect(try call("contains", .string("cat"), .string("fair catch")).goDescription == "true")
        #expect(try text("hasPrefix", .string("cat"), .string("catch")) == "true")
        #expect(try text("hasSuffix", .string("cat"), .string("ducat")) == "true")
        #expect(try text("contains", .string(""), .string("")) == "true")
        #expect(try text("hasSuffix", .string("x"), .string("")) == "false")
    }

    @Test func trims() throws {
        #expect(try text("trim", .string("   5.00   ")) == "5.00")
        #expect(try text("trimAll", .string("$"), .string("$5.00$")) == "5.00")
        #expect(try text("trimPrefix", .string("$"), .string("$5.00")) == "5.00")
        #expect(try text("trimSuffix", .string("$"), .string("5.00$")) == "5.00")
        #expect(try text("trimSuffix", .string("-"), .string("release-name-")) == "release-name")
        #expect(try text("trim", .string("\u{A0}\t x \n\u{85}")) == "x")
    }

    @Test func splits() throws {
        let split = try call("split", .string("$"), .string("foo$bar$baz"))
        guard case .object(let map) = split, case .field(let first) = map.member("_0") else {
            Issue.record("split gave \(split)")
            return
        }
        #expect(first.goDescription == "foo")
        #expect(split.goDescription == "map[_0:foo _1:bar _2:baz]")
        #expect(
            try text("splitn", .string("$"), .int(2), .string("foo$bar$baz"))
                == "map[_0:foo _1:bar$baz]")
        #expect(try text("splitList", .string(","), .string("a,b,,c")) == "[a b  c]")
        #expect(try text("splitList", .string(""), .string("héj")) == "[h é j]")
        #expect(try call("splitList", .string(","), .string("")).goTypeName == "[]string")
    }

    @Test func toStringAndToStrings() throws {
        #expect(try text("toString", .string("string")) == "string")
        #expect(try text("toString", .float(1.5)) == "1.5")
        #expect(try text("toString", .null) == "<nil>")
        #expect(try text("toString", .map(["a": .int(1)])) == "map[a:1]")
        #expect(try text("toStrings", .list([.int(1), .null, .int(2)])) == "[1 2]")
        #expect(try call("toStrings", .list([.int(1)])).goTypeName == "[]string")
    }

    @Test func joinAndSortAlpha() throws {
        #expect(try text("join", .string("-"), strings("a", "b", "c")) == "a-b-c")
        #expect(try text("join", .string("-"), .list([.int(1), .int(2), .int(3)])) == "1-2-3")
        #expect(try text("join", .string("-"), .string("abc")) == "abc")
        #expect(
            try text("join", .string("-"), .list([.string("1"), .null, .string("2")])) == "1-2")
        #expect(try text("sortAlpha", strings("c", "a", "b")) == "[a b c]")
        #expect(try text("sortAlpha", .list([.int(2), .int(1), .int(4), .int(3)])) == "[1 2 3 4]")
    }

    @Test func encodings() throws {
        #expect(try text("b64enc", .string("coffee")) == "Y29mZmVl")
        #expect(try text("b64dec", .string("Y29mZmVl")) == "coffee")
        #expect(try text("b32enc", .string("coffee")) == "MNXWMZTFMU======")
        #expect(try text("b32dec", .string("MNXWMZTFMU======")) == "coffee")
        #expect(try text("b64dec", .string("!!")) == "illegal base64 data at input byte 0")
        #expect(try text("b64enc", .string("")) == "")
    }

    @Test func goutils() throws {
        #expect(try text("abbrev", .int(5), .string("hello world")) == "he...")
        #expect(
            try text("abbrevboth", .int(5), .int(10), .string("1234 5678 9123")) == "...5678...")
        #expect(try text("nospace", .string("h e l l o ")) == "hello")
        #expect(try text("untitle", .string("First Try")) == "first try")
        #expect(try text("initials", .string("First Try")) == "FT")
        #expect(try text("wrap", .int(5), .string("Hello World")) == "Hello\nWorld")
        #expect(
            try text("wrapWith", .int(5), .string("\t"), .string("Hello World")) == "Hello\tWorld")
        #expect(try text("swapcase", .string("This Is A.Test")) == "tHIS iS a.tEST")
    }

    @Test func titleFollowsGoStringsTitle() throws {
        #expect(try text("title", .string("hello world")) == "Hello World")
        #expect(try text("title", .string("her royal highness")) == "Her Royal Highness")
        #expect(try text("title", .string("hello_world-foo.bar")) == "Hello_world-Foo.Bar")
        #expect(try text("upper", .string("ß é")) == "ß É")
        #expect(try text("lower", .string("HELLO Ǆ")) == "hello ǆ")
    }

    @Test func caseConversions() throws {
        #expect(try text("camelcase", .string("http_server")) == "HttpServer")
        #expect(try text("snakecase", .string("FirstName")) == "first_name")
        #expect(try text("snakecase", .string("HTTPServer")) == "http_server")
        #expect(try text("snakecase", .string("NoHTTPS")) == "no_https")
        #expect(try text("snakecase", .string("GO_PATH")) == "go_path")
        #expect(try text("snakecase", .string("GO PATH")) == "go_path")
        #expect(try text("kebabcase", .string("FirstName")) == "first-name")
    }

    @Test func indentAndReplace() throws {
        #expect(try text("indent", .int(4), .string("a\nb\nc")) == "    a\n    b\n    c")
        #expect(try text("nindent", .int(4), .string("a\nb\nc")) == "\n    a\n    b\n    c")
        #expect(try text("indent", .int(2), .string("")) == "  ")
        #expect(
            try text("replace", .string(" "), .string("-"), .string("I Am Henry VIII"))
                == "I-Am-Henry-VIII")
        #expect(try text("replace", .string(""), .string("-"), .string("ab")) == "-a-b-")
        #expect(try text("plural", .string("1 char"), .string("chars"), .int(3)) == "chars")
        #expect(try text("plural", .string("cheese"), .string("%d chars"), .int(1)) == "cheese")
        #expect(try text("repeat", .int(3), .string("ab")) == "ababab")
        #expect(failure("repeat", .int(-1), .string("ab")) == "strings: negative Repeat count")
        #expect(try text("cat", .string("a"), .string("b"), .string("c")) == "a b c")
        #expect(try text("cat", .string("a"), .string("b"), .null) == "a b")
    }

    @Test func hashes() throws {
        #expect(try text("sha1sum", .string("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            try text("sha256sum", .string("abc"))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            try text("sha512sum", .string("abc"))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
        #expect(try text("adler32sum", .string("Wikipedia")) == "300286872")
    }

    @Test func randomStringsHaveTheirLengthAndAlphabet() throws {
        let alphaNumeric = try text("randAlphaNum", .int(5))
        #expect(alphaNumeric.count == 5 && alphaNumeric.allSatisfy { $0.isLetter || $0.isNumber })
        #expect(try text("randAlpha", .int(5)).allSatisfy(\.isLetter))
        #expect(try text("randNumeric", .int(8)).allSatisfy(\.isNumber))
        #expect(try text("randAscii", .int(5)).count == 5)
        #expect(try text("randAlphaNum", .int(0)) == "")
        let shuffled = try text("shuffle", .string("hello"))
        #expect(shuffled.sorted() == Array("hello").sorted())
    }
}
