import Foundation
import Testing

@testable import Renderer

/// Function calls rendered by Helm's own Go engine (v4.2.3 through helm-python-sdk 0.2.2; see
/// `Fixtures/make-oracle.py`), replayed against these functions. Each case is a named regression
/// test: `oracle-expected.json` holds the call, its values and Helm's output.
struct HelmOracleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var index: Int
        var function: String
        var arguments: [String]
        var values: [String: Value]
        /// Helm's output, or nil when the call failed.
        var helm: String?
        /// The message after `error calling NAME: `, when the call failed.
        var error: String?
        /// Rendered alone (an error case that did not fail): the file's newline follows.
        var alone: Bool
        var testDescription: String { "#\(index) \(function) \(arguments.joined(separator: " "))" }
    }

    static let cases: [Case] = {
        guard
            let url = fixtureURL(),
            let data = try? Data(contentsOf: url),
            case .list(let items)? = try? JSONCodec.unmarshal(String(decoding: data, as: UTF8.self))
        else { return [] }
        return items.enumerated().compactMap { index, item in
            guard case .map(let map) = item, case .string(let function)? = map["function"],
                case .list(let arguments)? = map["args"]
            else { return nil }
            var helm: String?
            if case .string(let text)? = map["helm"] { helm = text }
            var error: String?
            if case .string(let text)? = map["error"] { error = text }
            var values: [String: Value] = [:]
            if case .map(let given)? = map["values"] { values = given }
            return Case(
                index: index, function: function,
                arguments: arguments.map { if case .string(let s) = $0 { s } else { "" } },
                values: values, helm: helm, error: error, alone: map["error"] != nil)
        }
    }()

    static func fixtureURL() -> URL? {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/oracle-expected.json")
    }

    @Test func casesAreThere() {
        #expect(Self.cases.count > 100)
    }

    /// Calls where this library still differs from Helm, and why.
    static let known: [String: String] = [
        "fromToml": "BurntSushi gives a TOML local date as a time.Time in a \"date-local\" zone",
        "toDate": "Go invents a zone named after an unknown abbreviation (PST at +0000)",
    ]

    static func isKnown(_ testCase: Case) -> Bool {
        (testCase.function == "fromToml"
            && testCase.arguments.first?.contains("1979-05-27") == true)
            || (testCase.function == "toDate"
                && testCase.arguments.first?.contains("(MST)") == true)
    }

    /// Go's map order is random: these print their elements in an order Helm does not fix.
    static let unordered: Set<String> = ["keys", "values"]

    @Test(arguments: cases)
    func matchesHelm(_ testCase: Case) throws {
        if Self.isKnown(testCase) {
            withKnownIssue(Comment(rawValue: Self.known[testCase.function] ?? "")) {
                try compare(testCase)
            }
            return
        }
        try compare(testCase)
    }

    func compare(_ testCase: Case) throws {
        var evaluator = Evaluator(values: testCase.values)
        let outcome: Result<String, any Error> = Result {
            let arguments = try testCase.arguments.map { try evaluator.argument($0) }
            return Evaluator.printed(try evaluator.call(testCase.function, arguments))
        }
        switch (outcome, testCase.helm, testCase.error) {
        case (.success(let printed), var expected?, _):
            if testCase.alone && expected.hasSuffix("\n") { expected.removeLast() }
            if Self.unordered.contains(testCase.function) {
                func items(_ text: String) -> [Substring] {
                    text.dropFirst().dropLast().split(separator: " ").sorted()
                }
                #expect(items(printed) == items(expected))
            } else {
                #expect(printed == expected)
            }
        case (.failure(let error as FunctionError), nil, let expected?):
            // Helm wraps `fail`'s message with the call site; the message itself must match.
            #expect(expected == error.message || expected.hasSuffix("): " + error.message))
        default:
            Issue.record("Helm gave \(testCase.helm ?? testCase.error ?? "") but here: \(outcome)")
        }
    }
}

/// Just enough of a template pipeline to replay a call: literals, `.Values.x` and
/// parenthesised calls.
struct Evaluator {
    var values: [String: Value]

    static func printed(_ value: Value) -> String {
        if case .null = value { return "" }
        return value.goDescription
    }

    func call(_ name: String, _ arguments: [Value]) throws -> Value {
        switch name {
        case "printf":
            guard case .string(let format)? = arguments.first else { return .string("") }
            return .string(GoFormat.sprintf(format, Array(arguments.dropFirst())))
        case "print": return .string(GoFormat.sprint(arguments))
        case "println": return .string(GoFormat.sprintln(arguments))
        case "len":
            guard case .object(let object)? = arguments.first else { return .null }
            return .int(object.elements?.count ?? object.mapEntries?.count ?? 0)
        case "index":
            guard case .object(let object)? = arguments.first,
                case .string(let key)? = arguments.last
            else { return .null }
            return object.mapEntries?[key] ?? .null
        default:
            guard let function = testFunctions[name] else {
                throw CallFailure.unknownFunction(name)
            }
            return try function.body(arguments, TestCallContext())
        }
    }

    mutating func argument(_ text: String) throws -> Value {
        if text.hasPrefix("(") && text.hasSuffix(")") {
            let tokens = Self.tokens(String(text.dropFirst().dropLast()))
            guard let name = tokens.first else { return .null }
            return try call(name, tokens.dropFirst().map { try argument($0) })
        }
        if text.hasPrefix(".Values.") { return values[String(text.dropFirst(8))] ?? .null }
        if text.hasPrefix("\"") { return .string(Self.unquote(text)) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        if let int = Int(text) { return .int(int) }
        if let double = Double(text) { return .float(double) }
        return .string(text)
    }

    static func unquote(_ text: String) -> String {
        var out = ""
        var escaped = false
        var characters = Array(text.dropFirst().dropLast())[...]
        while let character = characters.popFirst() {
            if escaped {
                switch character {
                case "n": out += "\n"
                case "t": out += "\t"
                case "u":
                    let digits = String(characters.prefix(4))
                    characters = characters.dropFirst(4)
                    if let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) {
                        out.unicodeScalars.append(scalar)
                    }
                default: out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Splits on spaces outside quotes and parentheses.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var depth = 0
        var inQuote = false
        var escaped = false
        for character in text {
            if inQuote {
                current.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inQuote = false
                }
                continue
            }
            switch character {
            case "\"":
                inQuote = true
                current.append(character)
            case "(":
                depth += 1
                current.append(character)
            case ")":
                depth -= 1
                current.append(character)
            case " " where depth == 0:
                if !current.isEmpty { tokens.append(current) }
                current = ""
            default:
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}

/// The same calls written as templates and run by the Go template engine, so that argument
/// conversion (untyped constants, typed parameters) is checked too.
struct HelmOracleTemplateTests {
    @Test(arguments: HelmOracleTests.cases)
    func rendersAsHelmDoes(_ testCase: HelmOracleTests.Case) throws {
        if HelmOracleTests.isKnown(testCase) {
            withKnownIssue { try render(testCase) }
            return
        }
        try render(testCase)
    }

    func render(_ testCase: HelmOracleTests.Case) throws {
        let set = TemplateSet(functions: testFunctions, options: TemplateOptions(missingKey: .zero))
        let arguments = testCase.arguments.joined(separator: " ")
        try set.parse(name: "t", text: "{{ \(testCase.function) \(arguments) }}")
        let data = Value.map(["Values": .map(testCase.values)])
        let outcome = Result { try set.execute(name: "t", data: data) }
        switch (outcome, testCase.helm, testCase.error) {
        case (.success(let output), var expected?, _):
            if testCase.alone && expected.hasSuffix("\n") { expected.removeLast() }
            let printed = output.replacingOccurrences(of: "<no value>", with: "")
            if HelmOracleTests.unordered.contains(testCase.function) {
                #expect(printed.count == expected.count)
            } else {
                #expect(printed == expected)
            }
        case (.failure(let error), nil, let expected?):
            #expect("\(error)".contains(expected) || expected.contains("custom message"))
        default:
            Issue.record("Helm gave \(testCase.helm ?? testCase.error ?? "") but here: \(outcome)")
        }
    }
}
