import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// The YAML text kustomize prints, checked against what `kubectl kustomize` printed for the
/// same values (kustomize v5.5.0).
@Suite("kustomize's YAML text")
struct YAMLWriterTests {
    static let quoting: [(String, String)] = [
        ("plain", "plain"), ("true", "\"true\""), ("yes", "\"yes\""), ("on", "\"on\""),
        ("y", "\"y\""), ("N", "\"N\""), ("8080", "\"8080\""), ("1.5", "\"1.5\""),
        ("1e3", "\"1e3\""), ("0x1F", "\"0x1F\""), ("0o17", "\"0o17\""), ("017", "\"017\""),
        ("1_000", "\"1_000\""), (".inf", "\".inf\""), ("1:20", "\"1:20\""),
        ("2001-01-01", "\"2001-01-01\""), ("null", "\"null\""), ("~", "\"~\""), ("", "\"\""),
        ("+1", "\"+1\""), ("*", "'*'"), ("&a", "'&a'"), ("!a", "'!a'"), ("%a", "'%a'"),
        ("@a", "'@a'"), ("`a", "'`a'"), ("{a}", "'{a}'"), ("a: b", "'a: b'"),
        ("a #b", "'a #b'"), (" x", "' x'"), ("x ", "'x '"), ("- x", "'- x'"), ("-", "'-'"),
        ("'x'", "'''x'''"), ("\"x\"", "'\"x\"'"), ("? a", "'? a'"), ("-x", "-x"), (":a", ":a"),
        ("a,b", "a,b"), ("?a", "?a"), (".", "."), ("a\tb", "\"a\\tb\""),
        ("😀", "\"\\U0001F600\""), ("a \nb", "\"a \\nb\""),
    ]

    @Test(arguments: quoting)
    func stringsAreQuotedOnlyWhenNeeded(_ text: String, _ expected: String) {
        let yaml = YAMLWriter.document(.map([("k", .string(text))]))
        #expect(yaml == "k: \(expected)\n")
    }

    @Test func multiLineStringsAreLiteralBlocks() {
        let value = KValue.map([
            ("a", .string("a\nb\n")), ("b", .string("a\nb")), ("c", .string("  a\nb\n\n")),
            ("d", .list([.string("x\n")])),
        ])
        #expect(
            YAMLWriter.document(value)
                == "a: |\n  a\n  b\nb: |-\n  a\n  b\nc: |2+\n    a\n  b\n\nd:\n- |\n  x\n")
    }

    @Test func keysSortLikeGoYAML() {
        let keys = ["true", "1", "", "a10", "a9", "a_1", "aB", "ab"]
        let sorted = keys.sorted(by: YAMLWriter.keyLess)
        #expect(sorted == ["", "1", "a_1", "a9", "a10", "aB", "ab", "true"])
    }

    @Test func sequencesSitUnderTheirKeyAndEmptyOnesAreFlow() {
        let value = KValue.map([
            (
                "spec",
                .map([
                    ("list", .list([.int("1"), .map([("a", .string("b")), ("c", .null)])])),
                    ("empty", .list([])), ("none", .map([])),
                ])
            )
        ])
        #expect(
            YAMLWriter.document(value)
                == "spec:\n  empty: []\n  list:\n  - 1\n  - a: b\n    c: null\n  none: {}\n")
    }

    @Test func longPlainStringsFoldAtEightyColumns() {
        let words =
            "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn "
            + "oooo pppp qqqq rrrr ssss tttt"
        let yaml = YAMLWriter.document(.map([("spec", .map([("long", .string(words))]))]))
        #expect(
            yaml == "spec:\n  long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll "
                + "mmmm nnnn oooo\n    pppp qqqq rrrr ssss tttt\n")
    }

    @Test func numbersAreReadAsKyamlReadsThem() throws {
        let yaml = "a: 1.0\nb: 1.50\nc: 1e3\nd: 010\ne: yes\nf: ~\ng: 1234567.5\n"
        let build = try KustomizeTestTree.render(
            resource: "apiVersion: v1\nkind: Foo\n"
                + "metadata:\n  name: x\nspec:\n"
                + yaml.split(separator: "\n").map { "  \($0)" }
                .joined(separator: "\n") + "\n")
        #expect(
            build == "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\nspec:\n  a: 1\n  b: 1.5\n"
                + "  c: 1000\n  d: 8\n  e: \"yes\"\n  f: null\n  g: 1.2345675e+06\n")
    }
}

/// The content hash kustomize appends to generated names, checked against `kubectl kustomize`.
@Suite("generated names' hash suffix")
struct ContentHashTests {
    @Test func configMapAndSecretHashesMatchKustomize() throws {
        let kustomization = """
            configMapGenerator:
            - name: c
              literals:
              - a=b
            secretGenerator:
            - name: s
              literals:
              - a=b
            """
        let yaml = try KustomizeTestTree.render(files: ["kustomization.yaml": kustomization])
        #expect(yaml.contains("name: c-4h2mbtbbt6"))
        #expect(yaml.contains("name: s-k695gkmbtk"))
    }
}

/// Generator inputs that are not text.
@Suite("generators and bytes")
struct GeneratorBytesTests {
    @Test func binaryFilesGoToBinaryDataAsKubectlDoes() throws {
        let fileSystem = InMemoryFileSystem(files: [
            "/k/kustomization.yaml": """
            configMapGenerator:
            - name: c
              files:
              - b.bin
              - t.txt
            """,
            "/k/t.txt": "text\n",
        ])
        try fileSystem.writeFile(at: "/k/b.bin", contents: Data([0xFF, 0xFE, 0x00, 0x62]))
        let yaml = try Kustomizer.build("/k", fileSystem: fileSystem).yaml
        #expect(
            yaml.hasPrefix("apiVersion: v1\nbinaryData:\n  b.bin: //4AYg==\ndata:\n  t.txt: |\n"))
        guard ProcessRunner.which("kubectl") != nil else { return }
        let scratch = try ScratchDirectory(prefix: "kustomize-bytes")
        for name in ["kustomization.yaml", "t.txt", "b.bin"] {
            try scratch.write(name, try fileSystem.readFile(at: "/k/" + name))
        }
        let kubectl = try ProcessRunner.run(["kubectl", "kustomize", scratch.path])
        #expect(kubectl.stdout == yaml)
    }
}
