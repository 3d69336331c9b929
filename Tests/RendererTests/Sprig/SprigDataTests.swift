import Testing

@testable import Renderer

/// Expected values from Sprig's `numeric_test.go`, `list_test.go`, `dict_test.go`,
/// `defaults_test.go`, `reflect_test.go` and its documentation.
struct SprigMathTests {
    @Test func integerMath() throws {
        #expect(try call("add1", .int(1)).goDescription == "2")
        #expect(try call("add", .int(1), .int(2), .float(3.7)).goTypeName == "int64")
        #expect(try text("add", .int(1), .int(2), .float(3.7)) == "6")
        #expect(try text("add") == "0")
        #expect(try text("sub", .int(3), .int(2)) == "1")
        #expect(try text("div", .int(6), .int(3)) == "2")
        #expect(try text("mod", .int(10), .int(3)) == "1")
        #expect(try text("mul", .int(2), .int(3), .string("4")) == "24")
        #expect(try text("max", .int(1), .int(2), .int(3)) == "3")
        #expect(try text("biggest", .int(1), .int(2)) == "2")
        #expect(try text("min", .int(1), .int(2), .int(3)) == "1")
        #expect(failure("div", .int(1), .int(0)) == "runtime error: integer divide by zero")
    }

    @Test func floatMath() throws {
        #expect(try text("addf", .float(1.5), .int(2), .int(2)) == "5.5")
        #expect(try text("add1f", .float(1.5)) == "2.5")
        #expect(try text("subf", .float(7.5), .int(2), .int(3)) == "2.5")
        #expect(try text("divf", .int(10), .int(4)) == "2.5")
        #expect(try text("mulf", .float(1.5), .int(2), .int(2)) == "6")
        #expect(try text("addf", .float(0.1), .float(0.2)) == "0.3")
        #expect(try text("maxf", .int(1), .float(2.5), .int(3)) == "3")
        #expect(try text("minf", .int(1), .float(2.5), .int(3)) == "1")
        #expect(try text("floor", .float(123.9999)) == "123")
        #expect(try text("ceil", .float(123.001)) == "124")
        #expect(try text("round", .float(123.555555), .int(3)) == "123.556")
        #expect(try text("round", .float(123.5555), .int(3), .float(0.6)) == "123.555")
        #expect(try call("ceil", .int(1)).goTypeName == "float64")
    }

    @Test func conversions() throws {
        #expect(try text("int64", .string("1234")) == "1234")
        #expect(try text("int", .string("0x1F")) == "31")
        #expect(try text("int", .string("1.0")) == "1")
        #expect(try text("int", .string("1.5")) == "0")
        #expect(try text("int", .float(3.9)) == "3")
        #expect(try text("int", .bool(true)) == "1")
        #expect(try text("int", .null) == "0")
        #expect(try text("float64", .string("1.5")) == "1.5")
        #expect(try text("float64", .string("x")) == "0")
        #expect(try text("atoi", .string("42")) == "42")
        #expect(try text("atoi", .string("4x")) == "0")
        #expect(try text("toDecimal", .string("0777")) == "511")
        #expect(try text("toDecimal", .int(777)) == "511")
        #expect(try text("toDecimal", .string("9")) == "0")
    }

    @Test func sequences() throws {
        #expect(try text("until", .int(5)) == "[0 1 2 3 4]")
        #expect(try call("until", .int(2)).goTypeName == "[]int")
        #expect(try text("untilStep", .int(3), .int(6), .int(2)) == "[3 5]")
        #expect(try text("untilStep", .int(0), .int(5), .int(0)) == "[]")
        #expect(try text("seq", .int(5)) == "1 2 3 4 5")
        #expect(try text("seq", .int(-3)) == "1 0 -1 -2 -3")
        #expect(try text("seq", .int(0), .int(2)) == "0 1 2")
        #expect(try text("seq", .int(2), .int(-2)) == "2 1 0 -1 -2")
        #expect(try text("seq", .int(0), .int(2), .int(10)) == "0 2 4 6 8 10")
        #expect(try text("seq", .int(0), .int(-2), .int(-5)) == "0 -2 -4")
        #expect(try text("seq") == "")
    }
}

struct SprigListTests {
    let numbers = Value.list([.int(1), .int(2), .int(3), .int(4), .int(5)])

    @Test func accessors() throws {
        #expect(try text("first", numbers) == "1")
        #expect(try text("last", numbers) == "5")
        #expect(try text("rest", numbers) == "[2 3 4 5]")
        #expect(try text("initial", numbers) == "[1 2 3 4]")
        #expect(try text("reverse", numbers) == "[5 4 3 2 1]")
        #expect(try text("first", .list([])) == "<nil>")
        #expect(try text("first", strings("a", "b")) == "a")
        #expect(failure("first", .string("foo")) == "Cannot find first on type string")
        #expect(failure("mustLast", .map([:])) == "Cannot find last on type map")
    }

    @Test func building() throws {
        #expect(try text("list", .int(1), .string("a"), .null) == "[1 a <nil>]")
        #expect(try text("append", .list([.int(1), .int(2)]), .int(3)) == "[1 2 3]")
        #expect(try text("prepend", .list([.int(1), .int(2)]), .int(0)) == "[0 1 2]")
        #expect(try text("concat", .list([.int(1)]), strings("a"), .list([])) == "[1 a]")
        #expect(failure("append", .string("x"), .int(1)) == "Cannot push on type string")
        #expect(failure("concat", .int(1)) == "Cannot concat type int as list")
        #expect(
            try text("chunk", .int(3), .list((1...7).map { .int($0) })) == "[[1 2 3] [4 5 6] [7]]")
        #expect(try text("slice", numbers, .int(1), .int(3)) == "[2 3]")
        #expect(try text("slice", numbers, .int(3)) == "[4 5]")
        #expect(try text("slice", numbers) == "[1 2 3 4 5]")
    }

    @Test func equalityBasedFunctions() throws {
        #expect(
            try text("uniq", .list([.int(1), .int(2), .int(1), .int64(1), .int(3)])) == "[1 2 1 3]")
        #expect(
            try text("compact", .list([.string("a"), .string(""), .null, .int(0), .string("b")]))
                == "[a b]")
        #expect(try text("without", numbers, .int(1), .int(3)) == "[2 4 5]")
        #expect(try text("has", .int(4), numbers) == "true")
        #expect(try text("has", .int64(4), numbers) == "false")
        #expect(try text("has", .int(4), .null) == "false")
        #expect(try text("deepEqual", .int(1), .int64(1)) == "false")
        #expect(try text("deepEqual", .int(1), .float(1)) == "false")
        #expect(
            try text("deepEqual", .map(["a": .list([.int(1)])]), .map(["a": .list([.int(1)])]))
                == "true")
        #expect(try text("deepEqual", .null, .null) == "true")
    }
}

struct SprigDictTests {
    let dictionary = Value.map(["a": .int(1), "b": .string("x"), "c": .null])

    @Test func accessors() throws {
        #expect(try text("dict", .string("a"), .int(1), .string("b")) == "map[a:1 b:]")
        #expect(try text("dict", .int(1), .int(2)) == "map[1:2]")
        #expect(try text("get", dictionary, .string("a")) == "1")
        #expect(try text("get", dictionary, .string("missing")) == "")
        #expect(try text("hasKey", dictionary, .string("c")) == "true")
        #expect(try text("hasKey", dictionary, .string("d")) == "false")
        #expect(try text("set", dictionary, .string("d"), .int(4)) == "map[a:1 b:x c:<nil> d:4]")
        #expect(try text("unset", dictionary, .string("a")) == "map[b:x c:<nil>]")
        #expect(try text("keys", dictionary) == "[a b c]")
        #expect(try text("values", .map(["a": .int(1), "b": .int(2)])) == "[1 2]")
        #expect(try text("pick", dictionary, .string("a"), .string("z")) == "map[a:1]")
        #expect(try text("omit", dictionary, .string("a"), .string("c")) == "map[b:x]")
        #expect(
            try text(
                "pluck", .string("a"), .map(["a": .int(1)]), .map(["b": .int(2)]),
                .map(["a": .int(3)]))
                == "[1 3]")
        #expect(testFunctions["set"]?.mutatesArgument == 0)
    }

    @Test func digFollowsKeysOrGivesTheDefault() throws {
        let nested = Value.map(["user": .map(["role": .map(["name": .string("admin")])])])
        #expect(
            try text(
                "dig", .string("user"), .string("role"), .string("name"), .string("none"), nested)
                == "admin")
        #expect(
            try text("dig", .string("user"), .string("missing"), .string("none"), nested) == "none")
        #expect(failure("dig", .string("a"), .map([:])) == "dig needs at least three arguments")
    }

    @Test func mergeFillsAndMergeOverwriteReplaces() throws {
        let destination = Value.map([
            "default": .string("default"), "overwrite": .string("me"), "key": .bool(true),
            "nested": .map(["a": .int(1), "empty": .string("")]),
        ])
        let source = Value.map([
            "overwrite": .string("overwritten"), "key": .bool(false),
            "nested": .map(["a": .int(2), "b": .int(3), "empty": .string("filled")]),
            "none": .null,
        ])
        #expect(
            try text("merge", destination, source)
                == "map[default:default key:true nested:map[a:1 b:3 empty:filled] overwrite:me]")
        #expect(
            try text("mergeOverwrite", destination, source)
                == "map[default:default key:false nested:map[a:2 b:3 empty:filled] none:<nil> overwrite:overwritten]"
        )
    }
}

struct SprigDefaultsTests {
    @Test func defaultAndEmpty() throws {
        #expect(try text("default", .string("foo"), .string("")) == "foo")
        #expect(try text("default", .string("foo"), .string("bar")) == "bar")
        #expect(try text("default", .string("foo"), .int(0)) == "foo")
        #expect(try text("default", .string("foo"), .float(0)) == "foo")
        #expect(try text("default", .string("foo"), .bool(false)) == "foo")
        #expect(try text("default", .string("foo"), .list([])) == "foo")
        #expect(try text("default", .string("foo")) == "foo")
        #expect(try text("default", .string("foo"), .map(["a": .null])) == "map[a:<nil>]")
        #expect(try text("empty", .null) == "true")
        #expect(try text("empty", .map([:])) == "true")
        #expect(try text("empty", .int64(1)) == "false")
        #expect(try text("coalesce", .null, .string(""), .int(0), .string("x")) == "x")
        #expect(try text("coalesce", .null, .string("")) == "<nil>")
        #expect(try text("all", .int(1), .string("a")) == "true")
        #expect(try text("all", .int(1), .string("")) == "false")
        #expect(try text("any", .int(0), .string("a")) == "true")
        #expect(try text("any") == "false")
        #expect(try text("ternary", .string("yes"), .string("no"), .bool(true)) == "yes")
        #expect(try text("ternary", .string("yes"), .string("no"), .bool(false)) == "no")
    }

    @Test func reflection() throws {
        #expect(try text("typeOf", .int(1)) == "int")
        #expect(try text("typeOf", .float(1)) == "float64")
        #expect(try text("typeOf", .null) == "<nil>")
        #expect(try text("typeOf", .map([:])) == "map[string]interface {}")
        #expect(try text("kindOf", .list([])) == "slice")
        #expect(try text("kindOf", .null) == "invalid")
        #expect(try text("kindIs", .string("map"), .map([:])) == "true")
        #expect(try text("typeIs", .string("string"), .string("x")) == "true")
        #expect(
            try text("typeIsLike", .string("semver.Version"), try call("semver", .string("1.0.0")))
                == "true")
    }

    @Test func pathsAndFlow() throws {
        #expect(try text("base", .string("foo/bar/baz.txt")) == "baz.txt")
        #expect(try text("dir", .string("foo/bar/baz")) == "foo/bar")
        #expect(try text("dir", .string("baz")) == ".")
        #expect(try text("clean", .string("foo/../bar/./baz/")) == "bar/baz")
        #expect(try text("clean", .string("/../a")) == "/a")
        #expect(try text("ext", .string("foo.bar.tgz")) == ".tgz")
        #expect(try text("ext", .string("a.d/b")) == "")
        #expect(try text("isAbs", .string("/a")) == "true")
        #expect(try text("osBase", .string("/")) == "/")
        #expect(failure("fail", .string("boom")) == "boom")
        #expect(try text("getHostByName", .string("example.com")) == "")
        #expect(testFunctions["env"] == nil && testFunctions["expandenv"] == nil)
    }
}
