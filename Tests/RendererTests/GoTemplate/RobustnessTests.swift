import Testing

@testable import Renderer

/// Any text, however broken, parses or fails with a `TemplateError`; it never crashes or hangs.
@Suite struct GoTemplateRobustnessTests {
    /// A small deterministic generator (SplitMix64), so that failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let pieces = [
        "{{", "}}", "{{-", "-}}", " ", "\n", ".", ".a", ".b", "$", "$x", ":=", "=", "|", "(", ")",
        "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
        "\"s\"", "`r`", "'c'", "1", "-2", "0x1f", "1.5", "1e3", "nil", "true", "/*", "*/", "print",
        "len", "index", "eq", "and", "or", "not", "printf", "\"%v\"", "slice", ",", "x", "é", "\\",
        "\"", "'", "`",
    ]

    @Test func randomTextsNeverCrash() {
        var generator = Generator(state: 42)
        let data: Value = .map([
            "a": .list([.int(1), .string("two"), .null]), "b": .map(["c": .float(3)]),
        ])
        var parsed = 0
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 24) { text += generator.pick(Self.pieces) }
            let set = TemplateSet(functions: testFunctions)
            do {
                try set.parse(name: "t", text: text)
                parsed += 1
                _ = try? set.execute(name: "t", data: data)
            } catch {
                #expect(error is TemplateError)
            }
        }
        #expect(parsed > 100)
    }
}
