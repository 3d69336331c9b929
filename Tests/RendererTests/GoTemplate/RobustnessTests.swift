import Testing

@testable import Renderer

/// Any text, however broken, parses or fails with a `TemplateError`; it never crashes or hangs.
@Suite struct GoTemplateRobustnessTests {
    static let pieces = [
        "{{", "}}", "{{-", "-}}", " ", "\n", ".", ".a", ".b", "$", "$x", ":=", "=", "|", "(", ")",
        "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
        "\"s\"", "`r`", "'c'", "1", "-2", "0x1f", "1.5", "1e3", "nil", "true", "/*", "*/", "print",
        "len", "index", "eq", "and", "or", "not", "printf", "\"%v\"", "slice", ",", "x", "é", "\\",
        "\"", "'", "`",
    ]

    @Test func randomTextsNeverCrash() {
        // The Kustomize differential tests' seeded SplitMix64, so failures reproduce.
        var generator = OverlayGenerator(seed: 42)
        let data: Value = .map([
            "a": .list([.int(1), .string("two"), .null]), "b": .map(["c": .float(3)]),
        ])
        var parsed = 0
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 24) { text += generator.pick(Self.pieces) }
            let set = TemplateSet(functions: goTemplateFunctions)
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
