import Foundation
import Yams

/// Reads YAML the way Helm does, through `sigs.k8s.io/yaml`: go-yaml v2 (YAML 1.1: `yes`, `on`,
/// `y` are booleans) decodes the text, the result goes through JSON, and `encoding/json`
/// decodes it into `map[string]interface{}`: every number becomes a `float64`, every key a
/// string.
public enum HelmYAML {
    /// Reads one document that must be a mapping (an empty document is an empty map).
    ///
    /// - Throws: ``HelmYAMLError`` with go-yaml's words (`yaml: line 3: could not find
    ///   expected ':'`), or when the document is not a mapping.
    public static func map(_ text: String) throws -> [String: Value] {
        switch try value(text) {
        case .null: return [:]
        case .map(let map): return map
        case let other:
            throw HelmYAMLError(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                    + jsonKind(other) + " into Go value of type map[string]interface {}")
        }
    }

    /// Reads one document that must be a list (an empty document is an empty list).
    public static func list(_ text: String) throws -> [Value] {
        switch try value(text) {
        case .null: return []
        case .list(let list): return list
        case let other:
            throw HelmYAMLError(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                    + jsonKind(other) + " into Go value of type []interface {}")
        }
    }

    /// Reads the first document of `text` as any value.
    public static func value(_ text: String) throws -> Value {
        var text = text
        var node: Node?
        var renamed = 0
        while true {
            do {
                node = try Yams.compose(yaml: text)
                break
            } catch YamlError.duplicatedKeysInMapping(_, let context) where renamed < 10_000 {
                // go-yaml v2 keeps the last of a key written twice; Yams refuses the mapping.
                // The first occurrence gets a name no text can have, and is left out below.
                guard let rewritten = renameKey(in: text, at: context.mark, number: renamed) else {
                    throw HelmYAMLError("error converting YAML to JSON: yaml: duplicated key")
                }
                text = rewritten
                renamed += 1
            } catch {
                throw HelmYAMLError("error converting YAML to JSON: " + goYAMLMessage(error))
            }
        }
        guard let node else { return .null }
        return try convert(node)
    }

    /// The prefix of the names duplicated keys are given while reading.
    static let shadowedKey = "\u{1}shipml-shadowed-"

    /// `text` with the key scalar that starts at `mark` (1-based line and column) renamed to
    /// a double-quoted ``shadowedKey`` name; nil when the key is not a plain or quoted scalar.
    static func renameKey(in text: String, at mark: Mark, number: Int) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            Array($0.unicodeScalars)
        }
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let line = lines[mark.line - 1]
        let start = mark.column - 1
        guard start >= 0, start < line.count else { return nil }
        var end = start
        switch line[start] {
        case "\"":
            end += 1
            while end < line.count, line[end] != "\"" {
                end += line[end] == "\\" ? 2 : 1
            }
            guard end < line.count else { return nil }
            end += 1
        case "'":
            end += 1
            while end < line.count {
                if line[end] == "'" {
                    if end + 1 < line.count, line[end + 1] == "'" {
                        end += 2
                        continue
                    }
                    break
                }
                end += 1
            }
            guard end < line.count else { return nil }
            end += 1
        case "?", "&", "!", "*", "[", "{", "-", "|", ">":
            return nil
        default:
            while end < line.count {
                if line[end] == ":",
                    end + 1 == line.count || line[end + 1] == " " || line[end + 1] == "\t"
                {
                    break
                }
                end += 1
            }
            guard end < line.count else { return nil }
        }
        let replacement = "\"\\x01shipml-shadowed-\(number)\""
        lines[mark.line - 1] =
            Array(line[..<start]) + Array(replacement.unicodeScalars) + Array(line[end...])
        return lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
    }

    static func jsonKind(_ value: Value) -> String {
        switch value {
        case .string: "string"
        case .bool: "bool"
        case .int, .int64, .float: "number"
        case .list: "array"
        case .map: "object"
        case .null, .object: "null"
        }
    }

    static func convert(_ node: Node) throws -> Value {
        switch node {
        case .scalar(let scalar):
            return scalarValue(KValue.resolve11(scalar))
        case .mapping(let mapping):
            var map: [String: Value] = [:]
            var merged: [String: Value] = [:]
            for (key, value) in mapping {
                guard case .scalar(let scalar) = key else {
                    throw HelmYAMLError(
                        "error converting YAML to JSON: yaml: invalid map key: a collection")
                }
                if scalar.string == "<<" && scalar.style == .plain {
                    // A merge key: the merged mappings' entries, unless set here.
                    let sources: [Node]
                    if case .sequence(let sequence) = value {
                        sources = Array(sequence)
                    } else {
                        sources = [value]
                    }
                    for source in sources.reversed() {
                        if case .map(let entries) = try convert(source) {
                            merged.merge(entries) { _, new in new }
                        }
                    }
                    continue
                }
                let key = keyText(scalar)
                if key.hasPrefix(shadowedKey) { continue }
                map[key] = try convert(value)
            }
            return .map(merged.merging(map) { _, own in own })
        case .sequence(let sequence):
            return .list(try sequence.map(convert))
        case .alias:
            throw HelmYAMLError("error converting YAML to JSON: yaml: unknown anchor")
        }
    }

    static func scalarValue(_ value: KValue) -> Value {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let text): return .float(Double(text) ?? 0)
        case .float(let number): return .float(number)
        case .string(let text): return .string(text)
        case .list, .map: return .null
        }
    }

    /// A key as sigs.k8s.io/yaml turns it into a JSON key.
    static func keyText(_ scalar: Node.Scalar) -> String {
        switch KValue.resolve11(scalar) {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let text): return text
        case .float(let number): return KValue.formatFloat(number)
        case .string(let text): return text
        case .list, .map: return scalar.string
        }
    }

    /// go-yaml's message for a libyaml error: `yaml: line N: problem`.
    static func goYAMLMessage(_ error: any Error) -> String {
        guard let yamlError = error as? YamlError else { return "yaml: \(error)" }
        switch yamlError {
        case .scanner(_, let problem, let mark, _):
            return "yaml: line \(mark.line): \(problem)"
        case .parser(_, let problem, let mark, _):
            // go-yaml v2 reports the parser's 0-based line.
            return "yaml: line \(max(mark.line - 1, 0)): \(problem)"
        case .composer(_, let problem, let mark, _):
            return "yaml: line \(mark.line): \(problem)"
        default:
            return "yaml: \(yamlError)"
        }
    }
}

/// A YAML text Helm would refuse, with go-yaml's words.
public struct HelmYAMLError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
