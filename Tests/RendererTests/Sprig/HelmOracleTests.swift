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
        var helm: String
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
                case .list(let arguments)? = map["args"], case .string(let helm)? = map["helm"]
            else { return nil }
            var values: [String: Value] = [:]
            if case .map(let given)? = map["values"] { values = given }
            return Case(
                index: index, function: function,
                arguments: arguments.map { if case .string(let s) = $0 { s } else { "" } },
                values: values, helm: helm)
        }
    }()

    static func fixtureURL() -> URL? {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/oracle-expected.json")
    }

    @Test func casesAreThere() {
        #expect(Self.cases.count > 100)
    }

    @Test(arguments: cases)
    func matchesHelm(_ testCase: Case) throws {
        var evaluator = Evaluator(values: testCase.values)
        let arguments = try testCase.arguments.map { try evaluator.argument($0) }
        let result = try evaluator.call(testCase.function, arguments)
        #expect(Evaluator.printed(result) == testCase.helm)
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
        for character in text.dropFirst().dropLast() {
            if escaped {
                switch character {
                case "n": out += "\n"
                case "t": out += "\t"
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
