import Foundation
import Renderer
import ShipFiles
import ShipMLTestSupport
import Testing

/// Random `values.schema.json` files and values from a fixed seed, checked by Helm's own Go
/// engine (`scripts/helm-schema-oracle.py`, helm-python-sdk 0.2.2) and by shipml: the error
/// messages must be identical. Helm lists the failures of an object's members in Go's random
/// map order, so both messages are compared with sibling failures sorted.
@Suite("helm schema differential")
struct HelmSchemaDifferentialTests {
    static let caseCount = 500

    static var oracle: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/helm-schema-oracle.py").path
    }

    struct Case {
        var schema: String
        var values: String
    }

    static func cases() -> [Case] {
        (0..<caseCount).map { seed in
            var generator = SchemaGenerator(seed: UInt64(seed) &+ 0x5C4E_3A)
            return generator.generate()
        }
    }

    /// Helm's messages for every case, from one oracle process.
    static func oracleMessages(_ cases: [Case]) throws -> [String] {
        let input =
            "["
            + cases.map { "{\"schema\": \(jsonString($0.schema)), \"values\": \($0.values)}" }
            .joined(separator: ",\n") + "]"
        let scratch = try ScratchDirectory(prefix: "helm-schema-diff")
        try scratch.write("cases.json", input)
        let result = try ProcessRunner.run(
            ["sh", "-c", "python3 \"$0\" < \"$1\"", oracle, scratch.path("cases.json")])
        guard result.succeeded,
            let messages = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
                as? [String]
        else {
            throw HelmError("oracle failed: \(result.stderr)")
        }
        return messages
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    static func ours(_ item: Case) throws -> String {
        let scratch = try ScratchDirectory(prefix: "helm-schema-ours")
        try scratch.write(
            "schema-case/Chart.yaml", "apiVersion: v2\nname: schema-case\nversion: 0.1.0\n")
        try scratch.write(
            "schema-case/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
        try scratch.write("schema-case/values.schema.json", item.schema)
        var values = HelmValueOptions()
        values.jsonValues = [item.values]
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: scratch.path("schema-case"), values: values,
            options: HelmTemplateOptions(), fileSystem: LocalFileSystem())
        return result.error?.description ?? ""
    }

    /// The message with each failure's causes, and the failures of one level, sorted.
    static func normalized(_ message: String) -> String {
        struct Node {
            var text: String
            var children: [Node] = []
            var rendered: String {
                ([text] + children.map(\.rendered).sorted()).joined(separator: "\n")
            }
        }
        var root = Node(text: "")
        var path: [Int] = []
        func insert(_ node: Node, depth: Int) {
            func place(_ parent: inout Node, _ remaining: ArraySlice<Int>) -> Int {
                guard let first = remaining.first else {
                    parent.children.append(node)
                    return parent.children.count - 1
                }
                return place(&parent.children[first], remaining.dropFirst())
            }
            path = Array(path.prefix(depth))
            path.append(place(&root, path[...]))
        }
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line)
            let indent = text.prefix { $0 == " " }.count
            guard text.dropFirst(indent).hasPrefix("- ") else {
                root.children.append(Node(text: text))
                path = []
                continue
            }
            if let range = text.range(of: ": additional properties ") {
                let names = text[range.upperBound...].dropLast(" not allowed".count)
                    .components(separatedBy: ", ").sorted()
                text = text[..<range.upperBound] + names.joined(separator: ", ") + " not allowed"
            }
            insert(Node(text: text), depth: indent / 2)
        }
        return root.rendered
    }

    @Test(.enabled(if: HelmDifferentialTests.oracleAvailable, HelmDifferentialTests.skipReason))
    func randomSchemasFailAsHelmFails() throws {
        let cases = Self.cases()
        let expected = try Self.oracleMessages(cases)
        var identical = 0
        var failing = 0
        for (index, item) in cases.enumerated() {
            let ours = try Self.ours(item)
            if !expected[index].isEmpty { failing += 1 }
            if Self.normalized(ours) == Self.normalized(expected[index]) {
                identical += 1
            } else {
                Issue.record(
                    "case \(index): schema \(item.schema)\nvalues \(item.values)\n\(firstDifference(ours, expected[index]))"
                )
            }
        }
        print(
            "helm schema differential: \(identical) of \(cases.count) cases identical (\(failing) failing validation)"
        )
        #expect(failing > cases.count / 4)
    }

    @Test func normalizingSortsSiblingsOnly() {
        let helm = "x:\nc:\n- at '/b': m\n  - at '/b/2': q\n  - at '/b/1': p\n- at '/a': n\n"
        let ours = "x:\nc:\n- at '/a': n\n- at '/b': m\n  - at '/b/1': p\n  - at '/b/2': q\n"
        #expect(Self.normalized(helm) == Self.normalized(ours))
        let moved = "x:\nc:\n- at '/a': n\n  - at '/b/1': p\n- at '/b': m\n  - at '/b/2': q\n"
        #expect(Self.normalized(moved) != Self.normalized(ours))
    }
}

/// Seeded schemas over a handful of keys, each with a few keywords of every kind, and values
/// that meet or break them.
struct SchemaGenerator {
    var random: OverlayGenerator

    init(seed: UInt64) { random = OverlayGenerator(seed: seed) }

    static let values = [
        "0", "1", "-3", "2.5", "1000", "1000000", "0.3", "12345.678", "\"\"", "\"abc\"",
        "\"ABC\"", "\"hello world\"", "\"xa\"", "\"ünï\"", "true", "false", "[]", "[1, 2]",
        "\"a@b.io\"", "\"1.2.3.4\"", "\"2024-02-30\"", "\"2024-02-29\"",
        "[1, 1]", "[\"a\", 2]", "[\"x\", \"y\", \"z\"]", "{}", "{\"p\": 1}",
        "{\"xa\": \"s\", \"q\": 2}", "{\"abc\": 1, \"p\": true}", "{\"p\": 1, \"q\": [1]}",
    ]

    static let leaves = [
        "{\"type\": \"string\"}", "{\"type\": \"integer\"}", "{\"type\": \"number\"}",
        "{\"type\": [\"string\", \"null\", \"integer\"]}", "{\"type\": \"object\"}",
        "{\"type\": \"array\"}", "{\"type\": \"boolean\"}", "{\"minimum\": 2}",
        "{\"maximum\": 100}", "{\"exclusiveMinimum\": 0}", "{\"exclusiveMaximum\": 1000}",
        "{\"multipleOf\": 0.1}", "{\"multipleOf\": 3}", "{\"minLength\": 2}",
        "{\"maxLength\": 3}", "{\"pattern\": \"^[a-z]+$\"}", "{\"enum\": [1, \"abc\", true, null]}",
        "{\"enum\": [\"xa\"]}", "{\"enum\": [[1, 2], 3]}", "{\"const\": 1.0}",
        "{\"const\": {\"p\": 1}}", "{\"items\": {\"type\": \"number\"}}", "{\"minItems\": 2}",
        "{\"maxItems\": 1}", "{\"uniqueItems\": true}", "{\"contains\": {\"type\": \"string\"}}",
        "{\"required\": [\"p\", \"q\"]}", "{\"properties\": {\"p\": {\"type\": \"string\"}}}",
        "{\"additionalProperties\": false, \"properties\": {\"p\": true}}",
        "{\"patternProperties\": {\"^x\": {\"type\": \"number\"}}}",
        "{\"propertyNames\": {\"maxLength\": 2}}", "{\"minProperties\": 2}",
        "{\"maxProperties\": 1}", "{\"dependencies\": {\"p\": [\"q\", \"r\"]}}", "true", "false",
        "{\"$ref\": \"#/definitions/positive\"}", "{\"not\": {\"type\": \"string\"}}",
        "{\"dependentRequired\": {\"p\": [\"q\"]}}", "{\"format\": \"email\"}",
        "{\"format\": \"ipv4\"}", "{\"format\": \"date\"}",
        "{\"prefixItems\": [{\"type\": \"string\"}]}", "{\"minContains\": 2, \"contains\": true}",
    ]

    mutating func schema(depth: Int) -> String {
        if depth < 2 && random.chance(30) {
            let combinator = random.pick(["allOf", "anyOf", "oneOf"])
            let parts = (0..<(2 + Int(random.next() % 2))).map { _ in schema(depth: depth + 1) }
            return "{\"\(combinator)\": [\(parts.joined(separator: ", "))]}"
        }
        if depth < 2 && random.chance(10) {
            return "{\"if\": \(schema(depth: 2)), \"then\": \(schema(depth: 2)), "
                + "\"else\": \(schema(depth: 2))}"
        }
        var keywords: [String] = []
        for _ in 0..<(1 + Int(random.next() % 3)) {
            let leaf = random.pick(Self.leaves)
            if leaf == "true" || leaf == "false" { return leaf }
            keywords.append(String(leaf.dropFirst().dropLast()))
        }
        return "{" + keywords.joined(separator: ", ") + "}"
    }

    mutating func generate() -> HelmSchemaDifferentialTests.Case {
        let keys = ["a", "b", "c", "d"]
        var properties: [String] = []
        var values: [String] = []
        for key in keys {
            if random.chance(80) { properties.append("\"\(key)\": \(schema(depth: 0))") }
            if random.chance(85) { values.append("\"\(key)\": \(random.pick(Self.values))") }
        }
        var top = ["\"properties\": {\(properties.joined(separator: ", "))}"]
        let drafts = [
            "http://json-schema.org/draft-07/schema#",
            "https://json-schema.org/draft/2020-12/schema",
        ]
        if random.chance(60) { top.insert("\"$schema\": \"\(random.pick(drafts))\"", at: 0) }
        top.append("\"definitions\": {\"positive\": {\"type\": \"number\", \"minimum\": 1}}")
        if random.chance(30) { top.append("\"required\": [\"a\", \"e\"]") }
        if random.chance(20) { top.append("\"additionalProperties\": {\"type\": \"string\"}") }
        if random.chance(15) { top.append("\"minProperties\": 5") }
        return .init(
            schema: "{" + top.joined(separator: ", ") + "}",
            values: "{" + values.joined(separator: ", ") + "}")
    }
}
