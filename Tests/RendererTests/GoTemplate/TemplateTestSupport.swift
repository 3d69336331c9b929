@testable import Renderer

/// What running a template gives: its output or Go's error text.
enum Outcome: Equatable, Sendable {
    case output(String)
    case error(String)
}

/// One template case: the text, the data, and either the output or Go's error text.
struct TemplateCase: Sendable, CustomStringConvertible {
    let text: String
    let data: Value
    let expected: Outcome
    let missingKey: MissingKey

    init(
        _ text: String, _ output: String, data: Value = testData, missingKey: MissingKey = .default
    ) {
        self.text = text
        self.data = data
        self.expected = .output(output)
        self.missingKey = missingKey
    }

    init(_ text: String, error: String, data: Value = testData, missingKey: MissingKey = .default) {
        self.text = text
        self.data = data
        self.expected = .error(error)
        self.missingKey = missingKey
    }

    var description: String { text }
}

/// Test functions with Go signatures, as a FuncMap in Go's exec_test.go would have them.
let goTemplateFunctions: FunctionMap = [
    "upper": Function([.string]) { args, _ in
        guard case .string(let text) = args[0] else { return .null }
        return .string(text.uppercased())
    },
    "add": Function([.int, .int]) { args, _ in
        guard case .int(let a) = args[0], case .int(let b) = args[1] else { return .null }
        return .int(a + b)
    },
    "add64": Function([.int64, .int64]) { args, _ in
        guard case .int64(let a) = args[0], case .int64(let b) = args[1] else { return .null }
        return .int64(a + b)
    },
    "half": Function([.float64]) { args, _ in
        guard case .float(let a) = args[0] else { return .null }
        return .float(a / 2)
    },
    "join": Function([.string], variadic: .string) { args, _ in
        guard case .string(let separator) = args[0] else { return .null }
        let parts = args.dropFirst().compactMap { value -> String? in
            if case .string(let text) = value { return text }
            return nil
        }
        return .string(parts.joined(separator: separator))
    },
    "fail": Function([.string], canFail: true) { args, _ in
        guard case .string(let text) = args[0] else { return .null }
        throw FunctionError(text)
    },
    "typeOf": Function([.any]) { args, _ in .string(args[0].goTypeName) },
    "list": Function([], variadic: .any) { args, _ in .list(args) },
    "dict": Function([], variadic: .any) { args, _ in
        var entries: [String: Value] = [:]
        var index = 0
        while index + 1 < args.count {
            if case .string(let key) = args[index] { entries[key] = args[index + 1] }
            index += 2
        }
        return .map(entries)
    },
    "nilValue": Function([]) { _, _ in .null },
    "int64": Function([.any]) { args, _ in
        if case .int(let number) = args[0] { return .int64(Int64(number)) }
        return args[0]
    },
    "isBool": Function([.bool]) { args, _ in args[0] },
    "nindent": Function([.int, .string]) { args, _ in
        guard case .int(let count) = args[0], case .string(let text) = args[1] else { return .null }
        let pad = String(repeating: " ", count: count)
        return .string(
            "\n" + pad
                + text.split(separator: "\n", omittingEmptySubsequences: false).joined(
                    separator: "\n" + pad))
    },
    "location": Function([]) { _, context in .string(context.location) },
    "include": Function([.string, .any], canFail: true) { args, context in
        guard case .string(let name) = args[0] else { return .null }
        return .string(try context.executeTemplate(name, data: args[1]))
    },
    "tpl": Function([.string, .any], canFail: true) { args, context in
        guard case .string(let text) = args[0] else { return .null }
        return .string(try context.executeText(text, name: "gotpl", data: args[1]))
    },
]

/// Parses `text` as template "t" and runs it.
func run(
    _ text: String, _ data: Value = .null, missingKey: MissingKey = .default,
    functions: FunctionMap = goTemplateFunctions
) -> Outcome {
    let set = TemplateSet(functions: functions, options: TemplateOptions(missingKey: missingKey))
    do {
        try set.parse(name: "t", text: text)
        return .output(try set.execute(name: "t", data: data))
    } catch {
        return .error(String(describing: error))
    }
}

/// A map from Swift literals, for readable test data.
func map(_ entries: [String: Value]) -> Value { .map(entries) }

/// The data most cases use, modelled on Go's exec_test.go `tVal`.
let testData: Value = .map([
    "True": .bool(true),
    "False": .bool(false),
    "I": .int(17),
    "I64": .int64(-5),
    "F": .float(1.5),
    "S": .string("xyz"),
    "Empty": .string(""),
    "Nil": .null,
    "SI": .list([.int(3), .int(4), .int(5)]),
    "SEmpty": .list([]),
    "SS": .list([.string("a"), .string("b")]),
    "MSI": .map(["one": .int(1), "two": .int(2), "three": .int(3)]),
    "MSIEmpty": .map([:]),
    "U": .map(["V": .string("v"), "W": .map(["X": .string("deep")])]),
    "Million": .float(1_000_000),
    "Values": .map([
        "name": .string("web"), "replicas": .float(3), "enabled": .bool(true),
        "list": .list([.string("x"), .string("y")]),
        "nested": .map(["a": .map(["b": .string("c")])]),
        "nothing": .null,
    ]),
])
