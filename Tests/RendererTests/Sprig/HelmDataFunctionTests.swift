import Foundation
import Testing

@testable import Renderer

/// Expected texts from encoding/json's and go-yaml v2's documented rules, as Helm's `toYaml`,
/// `toJson` and `toToml` produce them.
struct HelmDataFunctionTests {
    @Test func toYamlOfAMap() throws {
        let value = Value.map([
            "a": .float(1), "b": strings("x", "y"), "c": .map(["d": .string("yes")]),
        ])
        // "y" is a YAML 1.1 boolean to go-yaml v2, so it is quoted like "yes".
        #expect(try text("toYaml", value) == "a: 1\nb:\n- x\n- \"y\"\nc:\n  d: \"yes\"")
    }

    @Test func toYamlNestsListsOfMapsWithoutIndentingItems() throws {
        let value = Value.map([
            "containers": .list([
                .map(["name": .string("x"), "ports": .list([.map(["containerPort": .float(80)])])])
            ])
        ])
        #expect(
            try text("toYaml", value) == "containers:\n- name: x\n  ports:\n  - containerPort: 80")
        #expect(
            try text("toYaml", .list([.list([.int(1), .int(2)]), .int(3)])) == "- - 1\n  - 2\n- 3")
    }

    @Test(arguments: [
        (Value.float(1_000_000), "1000000"),
        (.float(1.5), "1.5"),
        (.float(1e21), "1e+21"),
        (.float(1e-7), "1e-07"),
        (.float(-0.0), "0"),
        (.int64(-3), "-3"),
        (.bool(true), "true"),
        (.null, "null"),
        (.string("plain text"), "plain text"),
        (.string("true"), "\"true\""),
        (.string("yes"), "\"yes\""),
        (.string("On"), "\"On\""),
        (.string("123"), "\"123\""),
        (.string("1.5"), "\"1.5\""),
        (.string("1e5"), "\"1e5\""),
        (.string("0x1F"), "\"0x1F\""),
        (.string("1_000"), "\"1_000\""),
        (.string("1:20"), "\"1:20\""),
        (.string("2021-06-15"), "\"2021-06-15\""),
        (.string("null"), "\"null\""),
        (.string("~"), "\"~\""),
        (.string(""), "\"\""),
        (.string("a: b"), "'a: b'"),
        (.string("- x"), "'- x'"),
        (.string("*star"), "'*star'"),
        (.string("#comment"), "'#comment'"),
        (.string("a #b"), "'a #b'"),
        (.string("a#b"), "a#b"),
        (.string("it's"), "it's"),
        (.string("'quoted'"), "'''quoted'''"),
        (.string(" lead"), "' lead'"),
        (.string("tab\there"), "\"tab\\there\""),
        (.string("emoji 😀"), "\"emoji \\U0001F600\""),
        (.string("naïve"), "naïve"),
        (.string("multi\nline"), "|-\n  multi\n  line"),
        (.map([:]), "{}"),
        (.list([]), "[]"),
    ])
    func toYamlScalars(_ value: Value, _ expected: String) throws {
        #expect(try text("toYaml", value) == expected)
    }

    @Test func toYamlLiteralBlocks() throws {
        #expect(try text("toYaml", .map(["s": .string("a\nb\n")])) == "s: |\n  a\n  b")
        #expect(try text("toYaml", .map(["s": .string("a\n\nb")])) == "s: |-\n  a\n\n  b")
        #expect(try text("toYaml", .map(["s": .string("a \nb")])) == "s: \"a \\nb\"")
        #expect(try text("toYaml", .list([.string("x\ny")])) == "- |-\n  x\n  y")
        #expect(
            try text("toYaml", .map(["k": .map(["s": .string(" x\ny")])]))
                == "k:\n  s: |2-\n     x\n    y")
    }

    @Test func toYamlSortsKeysNaturally() throws {
        let value = Value.map(["a10": .int(1), "a9": .int(2), "B": .int(3), "_x": .int(4)])
        #expect(try text("toYaml", value) == "_x: 4\nB: 3\na9: 2\na10: 1")
        #expect(try text("toYaml", .map(["yes": .int(1), "a b": .int(2)])) == "a b: 2\n\"yes\": 1")
    }

    @Test func toYamlPrettyIndentsSequences() throws {
        #expect(
            try text("toYamlPretty", .map(["a": strings("x"), "b": .map(["c": .int(1)])]))
                == "a:\n  - x\nb:\n  c: 1")
    }

    @Test func toJson() throws {
        #expect(
            try text("toJson", .map(["b": .float(1e6), "a": .string("<b>&")]))
                == "{\"a\":\"\\u003cb\\u003e\\u0026\",\"b\":1000000}")
        #expect(try text("toRawJson", .map(["a": .string("<b>&")])) == "{\"a\":\"<b>&\"}")
        #expect(
            try text(
                "toJson", .list([.float(1e21), .float(1e-7), .float(0.000001), .int64(7), .null]))
                == "[1e+21,1e-7,0.000001,7,null]")
        #expect(try text("toJson", .string("a\u{2028}\u{1}\"")) == "\"a\\u2028\\u0001\\\"\"")
        #expect(try text("toJson", .float(.nan)) == "")
        #expect(failure("mustToJson", .float(.infinity)) == "json: unsupported value: +Inf")
        #expect(
            try text("toPrettyJson", .map(["a": .list([.int(1), .int(2)]), "b": .map([:])]))
                == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    @Test func fromJson() throws {
        let parsed = try call(
            "fromJson", .string("{\"a\": [1, 2.5, \"x\", null, true], \"b\": {}}"))
        #expect(parsed.goDescription == "map[a:[1 2.5 x <nil> true] b:map[]]")
        if case .map(let map) = parsed, case .list(let list)? = map["a"] {
            #expect(list.first?.goTypeName == "float64")
        }
        #expect(
            try text("fromJson", .string("bad"))
                == "map[Error:invalid character 'b' looking for beginning of value]")
        #expect(
            try text("fromJson", .string("{\"a\":")) == "map[Error:unexpected end of JSON input]")
        #expect(
            try text("fromJson", .string("[1]"))
                == "map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]"
        )
        #expect(try text("fromJsonArray", .string("[1, \"a\"]")) == "[1 a]")
        #expect(try text("mustFromJson", .string("\"\\u00e9\"")) == "é")
    }

    @Test func toml() throws {
        let value = Value.map([
            "a": .float(1), "s": .string("x\"y"),
            "b": .map(["c": .int64(2), "d": .map(["e": .bool(true)])]),
        ])
        #expect(
            try text("toToml", value)
                == "a = 1.0\ns = \"x\\\"y\"\n\n[b]\n  c = 2\n  [b.d]\n    e = true\n")
        #expect(
            try text("toToml", .string("x")) == "\"x\"")
        #expect(
            try text("fromToml", .string("a = 1\nb = \"x\"\n[t]\nc = [1, 2]\n"))
                == "map[a:1 b:x t:map[c:[1 2]]]")
        #expect(try call("fromToml", .string("a = 1")).goDescription == "map[a:1]")
    }
}

struct SprigRegexTests {
    @Test func matching() throws {
        #expect(
            try text(
                "regexMatch", .string("^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[A-Za-z]{2,}$"),
                .string("test@acme.com")) == "true")
        #expect(try text("regexMatch", .string("^a$"), .string("a\n")) == "false")
        #expect(
            try text("regexFindAll", .string("[2,4,6,8]"), .string("123456789"), .int(-1))
                == "[2 4 6 8]")
        #expect(
            try text("regexFindAll", .string("[2,4,6,8]"), .string("123456789"), .int(2)) == "[2 4]"
        )
        #expect(try text("regexFindAll", .string("a*"), .string("baaac"), .int(-1)) == "[ aaa ]")
        #expect(try text("regexFind", .string("[a-zA-Z][1-9]"), .string("abcd1234")) == "d1")
        #expect(try text("regexFind", .string("x"), .string("abc")) == "")
    }

    @Test func replacingExpandsLikeGo() throws {
        #expect(
            try text("regexReplaceAll", .string("a(x*)b"), .string("-ab-axxb-"), .string("${1}W"))
                == "-W-xxW-")
        #expect(
            try text("regexReplaceAll", .string("a(x*)b"), .string("-ab-axxb-"), .string("$1W"))
                == "---")
        #expect(
            try text(
                "regexReplaceAll", .string("a(?P<x>x*)b"), .string("-ab-axxb-"), .string("[$x]"))
                == "-[]-[xx]-")
        #expect(
            try text("regexReplaceAll", .string("a(x*)b"), .string("-ab-axxb-"), .string("$$"))
                == "-$-$-")
        #expect(
            try text(
                "regexReplaceAllLiteral", .string("a(x*)b"), .string("-ab-axxb-"), .string("${1}"))
                == "-${1}-${1}-")
        #expect(
            try text("regexReplaceAll", .string("a*"), .string("baaac"), .string("X")) == "XbXcX")
    }

    @Test func splitAndQuote() throws {
        #expect(try text("regexSplit", .string("z+"), .string("pizza"), .int(-1)) == "[pi a]")
        #expect(try text("regexSplit", .string("a"), .string("banana"), .int(2)) == "[b nana]")
        #expect(try text("regexSplit", .string("a"), .string(""), .int(-1)) == "[]")
        #expect(try text("regexQuoteMeta", .string("1.2.3")) == "1\\.2\\.3")
    }

    @Test func badPatternsFail() throws {
        #expect(try text("regexMatch", .string("("), .string("x")) == "false")
        #expect(
            failure("regexFind", .string("("), .string("x"))
                == "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`")
        #expect(
            failure("mustRegexFind", .string("a)"), .string("x"))
                == "error parsing regexp: unexpected ): `a)`")
        #expect(
            failure("mustRegexMatch", .string("[a"), .string("x"))
                == "error parsing regexp: missing closing ]: `[a`")
    }
}

struct SprigSemverTests {
    @Test(arguments: [
        ("1.2.3", "1.2.3", true),
        ("=1.2.3", "1.2.4", false),
        ("!=1.2.3", "1.2.4", true),
        ("^1.2.3", "1.9.9", true),
        ("^1.2.3", "2.0.0", false),
        ("^0.2.3", "0.2.9", true),
        ("^0.2.3", "0.3.0", false),
        ("^0.0.3", "0.0.4", false),
        ("~1.2.3", "1.2.9", true),
        ("~1.2.3", "1.3.0", false),
        ("~1", "1.9.0", true),
        ("1.2 - 1.4.5", "1.4.5", true),
        ("1.2 - 1.4.5", "1.4.6", false),
        ("1.2.x", "1.2.7", true),
        ("1.2.x", "1.3.0", false),
        (">= 1.2.x", "1.2.0", true),
        ("<= 2.x", "2.9.9", true),
        ("<= 2.x", "3.0.0", false),
        ("*", "0.0.1", true),
        (">=1.2.0", "1.3.0-beta", false),
        (">=1.2.0-0", "1.3.0-beta", true),
        (">=1.9-0", "v1.20.0", true),
        (">= 1.2, < 3.0", "2.5.0", true),
        (">= 1.2 < 3.0", "3.0.0", false),
        ("<1.0.0 || >=2.0.0", "2.1.0", true),
        ("<1.0.0 || >=2.0.0", "1.5.0", false),
        ("> 1.x", "2.0.0", true),
        ("> 1.x", "1.9.0", false),
    ])
    func semverCompare(_ constraint: String, _ version: String, _ expected: Bool) throws {
        #expect(
            try call("semverCompare", .string(constraint), .string(version)).goDescription
                == String(expected))
    }

    @Test func semverParses() throws {
        let version = try call("semver", .string("v1.2.3-alpha.1+build.5"))
        #expect(version.goDescription == "1.2.3-alpha.1+build.5")
        #expect(version.goTypeName == "*semver.Version")
        guard case .object(let object) = version, case .method(let major) = object.member("Major"),
            case .method(let prerelease) = object.member("Prerelease")
        else {
            Issue.record("semver has no Major")
            return
        }
        #expect(try major.body([], TestCallContext()).goDescription == "1")
        #expect(try prerelease.body([], TestCallContext()).goDescription == "alpha.1")
        #expect(failure("semver", .string("bad")) == "invalid semantic version")
        #expect(
            failure("semverCompare", .string("><1"), .string("1.0.0"))
                == "improper constraint: \"><1\""
        )
        #expect(
            failure("semverCompare", .string("1.0"), .string("x")) == "invalid semantic version")
        #expect(try text("semver", .string("1.2")) == "1.2.0")
    }
}

struct SprigDateTests {
    @Test func formatsTheFixedClock() throws {
        let now = try call("now")
        #expect(try text("date", .string("2006-01-02 15:04:05"), now) == "2021-06-15 10:20:30")
        #expect(
            try text("date", .string("Mon Jan _2 3:04PM MST 06"), now)
                == "Tue Jun 15 10:20AM UTC 21")
        #expect(try text("htmlDate", now) == "2021-06-15")
        #expect(
            try text("dateInZone", .string("15:04 -07:00"), now, .string("Asia/Tokyo"))
                == "19:20 +09:00")
        #expect(
            try text("dateInZone", .string("15:04 Z07:00"), now, .string("Nowhere/Unknown"))
                == "10:20 Z")
        #expect(try text("date", .string("2006-01-02"), .int(0)) == "1970-01-01")
        #expect(try text("unixEpoch", now) == "1623752430")
        #expect(now.goDescription == "2021-06-15 10:20:30 +0000 UTC")
    }

    @Test func durations() throws {
        // Sprig reads a string or an int64; an int (a template literal) is 0, as Helm shows.
        #expect(try text("duration", .int64(95)) == "1m35s")
        #expect(try text("duration", .int(95)) == "0s")
        #expect(try text("duration", .string("3600")) == "1h0m0s")
        #expect(try text("duration", .int(0)) == "0s")
        #expect(try text("durationRound", .string("2h10m5s")) == "2h")
        #expect(try text("durationRound", .int64(1_000_000_000 * 3600 * 24 * 400)) == "1y")
        #expect(try text("ago", .int(1_623_752_430 - 90)) == "1m30s")
        let later = try call("dateModify", .string("1.5h"), try call("now"))
        #expect(try text("date", .string("15:04:05"), later) == "11:50:30")
        #expect(
            failure("mustDateModify", .string("1x"), try call("now"))
                == "time: unknown unit \"x\" in duration \"1x\"")
    }

    @Test func toDateParsesGoLayouts() throws {
        let parsed = try call("toDate", .string("2006-01-02"), .string("2017-12-31"))
        #expect(try text("date", .string("02/01/2006"), parsed) == "31/12/2017")
        let zoned = try call(
            "toDate", .string("2006-01-02T15:04:05Z07:00"), .string("2020-02-03T04:05:06+02:00"))
        #expect(
            try text("dateInZone", .string("2006-01-02 15:04"), zoned, .string("UTC"))
                == "2020-02-03 02:05")
        #expect(failure("mustToDate", .string("2006-01-02"), .string("nope")) != nil)
    }
}

struct SprigCryptoAndURLTests {
    @Test func uuidAndKeys() throws {
        let uuid = try text("uuidv4")
        #expect(uuid.count == 36)
        #expect(Array(uuid)[14] == "4")
        #expect(
            try text("genPrivateKey", .string("ecdsa")).hasPrefix(
                "-----BEGIN EC PRIVATE KEY-----\n"))
        #expect(
            try text("genPrivateKey", .string("ed25519")).hasSuffix("-----END PRIVATE KEY-----\n"))
        #expect(try text("genPrivateKey", .string("x")) == "Unknown type x")
        #expect(try text("genPrivateKey", .string("dsa")).hasSuffix("not supported by shipml"))
        #expect(try text("randBytes", .int(3)).count == 4)
        #expect(try text("htpasswd", .string("a:b"), .string("pw")) == "invalid username: a:b")
    }

    @Test func aSeededSourceAndAFixedClockRepeat() throws {
        func render() throws -> [String] {
            let functions = HelmFunctions.all(
                clock: .fixed(Date(timeIntervalSince1970: 0)), random: RandomSource(seed: 7))
            let context = TestCallContext()
            return try ["randAlphaNum", "uuidv4", "now"].map { name in
                let arguments: [Value] = name == "randAlphaNum" ? [.int(12)] : []
                return try functions[name]?.body(arguments, context).goDescription ?? ""
            }
        }
        let first = try render()
        #expect(first == (try render()))
        #expect(first[2] == "1970-01-01 00:00:00 +0000 UTC")
    }

    @Test func urls() throws {
        let parsed = try call(
            "urlParse", .string("https://user:pw@example.com:8443/a%20b/c?x=1&y=2#frag"))
        #expect(
            parsed.goDescription
                == "map[fragment:frag host:example.com:8443 hostname:example.com opaque: path:/a b/c query:x=1&y=2 scheme:https userinfo:user:pw]"
        )
        #expect(
            try text(
                "urlJoin",
                .map([
                    "scheme": .string("https"), "host": .string("example.com"),
                    "path": .string("/a b"),
                    "query": .string("x=1"),
                ])) == "https://example.com/a%20b?x=1")
        #expect(
            try text("urlJoin", .map(["host": .string("h"), "scheme": .string("http")]))
                == "http://h")
    }
}
