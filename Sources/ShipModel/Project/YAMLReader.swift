import Foundation
import Yams

/// Collects the problems found while reading one YAML file.
final class YAMLContext {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Where each field that was read starts, by its path.
    var locations: [String: SourceLocation] = [:]

    func record(_ path: String, _ node: Node) {
        if locations[path] == nil, let mark = node.mark {
            locations[path] = SourceLocation(line: mark.line, column: mark.column)
        }
    }

    init(file: String) { self.file = file }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func error(at node: Node?, _ path: String, _ message: String) {
        report(.error, at: node, path, message)
    }

    func warning(at node: Node?, _ path: String, _ message: String) {
        report(.warning, at: node, path, message)
    }

    private func report(
        _ severity: Diagnostic.Severity, at node: Node?, _ path: String, _ message: String
    ) {
        let mark = node?.mark
        diagnostics.append(
            Diagnostic(
                severity: severity, file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
                path: path, message: message))
    }

    func append(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    /// Composes the document, turning a YAML syntax error into a diagnostic with its position.
    func compose(_ text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                diagnostics.append(
                    Diagnostic(
                        file: file, line: 1, column: 1, path: "", message: "the file is empty"))
                return nil
            }
            return node
        } catch let error as YamlError {
            diagnostics.append(diagnostic(for: error, in: text))
            return nil
        } catch {
            diagnostics.append(
                Diagnostic(
                    file: file, line: 1, column: 1, path: "", message: "cannot read YAML: \(error)")
            )
            return nil
        }
    }

    private func diagnostic(for error: YamlError, in text: String) -> Diagnostic {
        func at(_ mark: Mark, _ message: String) -> Diagnostic {
            Diagnostic(file: file, line: mark.line, column: mark.column, path: "", message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text))" } ?? ""
            return at(mark, "invalid YAML: \(problem)\(during)")
        case .reader(let problem, let offset, _, _):
            let (line, column) = Self.position(ofByte: offset ?? 0, in: text)
            return Diagnostic(
                file: file, line: line, column: column, path: "",
                message: "invalid YAML text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return at(
                context.mark, "duplicate key \(keys) in one mapping; each key may appear once")
        default:
            return Diagnostic(
                file: file, line: 1, column: 1, path: "", message: "invalid YAML: \(error)")
        }
    }

    static func position(ofByte offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for (index, byte) in text.utf8.enumerated() {
            if index >= offset { break }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

/// A node and the path that led to it.
struct Field {
    let node: Node
    let path: String
    let context: YAMLContext

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ message: String) { context.error(at: node, path, message) }

    /// Says what a node is, for "expected X, got Y" messages.
    var described: String { Field.describe(node) }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if isNull(node) { return "nothing (null)" }
            var text = scalar.string
            if text.count > 60 { text = String(text.prefix(57)) + "..." }
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"\(escaped)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        if scalar.tag.rawValue == "tag:yaml.org,2002:null" { return true }
        guard scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    var isNull: Bool { Field.isNull(node) }

    /// The scalar's text for string fields; an error for anything else.
    func string(_ expected: String = "a string") -> String? {
        guard case .scalar(let scalar) = node, !isNull else {
            error("expected \(expected), got \(described)")
            return nil
        }
        return scalar.string
    }

    /// A non-empty string.
    func nonEmptyString(_ expected: String = "a string") -> String? {
        guard let text = string(expected) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            error("expected \(expected), got an empty string")
            return nil
        }
        return text
    }

    /// A DNS-1123 label, as Kubernetes names namespaces and objects.
    func dnsLabel(_ expected: String) -> String? {
        guard let value = nonEmptyString() else { return nil }
        if Names.isDNSLabel(value) { return value }
        error(
            "expected \(expected) (a-z, 0-9, -, at most 63 characters, starting and ending with a letter or digit), got \(described)"
        )
        return nil
    }

    func bool() -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error("expected true or false, got \(described)")
        return nil
    }

    func int(_ expected: String = "a whole number") -> Int? {
        if case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) {
            return value
        }
        error("expected \(expected), got \(described)")
        return nil
    }

    func double() -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, !isNull else {
            error("expected a number, got \(described)")
            return nil
        }
        let text = scalar.string
        let lowered = text.lowercased()
        if lowered.contains("nan") || lowered.contains("inf") {
            error("expected a finite number, got \(described)")
            return nil
        }
        guard let value = Double(text), value.isFinite else {
            error("expected a number, got \(described)")
            return nil
        }
        return value
    }

    /// One of an enumeration's raw values, with a hint for a near miss.
    func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> T?
    where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        let choices = names.map { "\"\($0)\"" }.joined(separator: ", ")
        guard case .scalar(let scalar) = node, !isNull else {
            error("expected one of \(choices), got \(described)")
            return nil
        }
        if let value = T(rawValue: scalar.string) { return value }
        error(
            "expected one of \(choices), got \(described)\(Suggestions.hint(for: scalar.string, in: names))"
        )
        return nil
    }

    /// A string or a list of strings.
    func stringList(_ expected: String = "a string") -> [String]? {
        switch node {
        case .sequence(let sequence):
            var result: [String] = []
            var ok = true
            for (index, element) in sequence.enumerated() {
                let item = Field(node: element, path: "\(path)[\(index)]", context: context)
                if let text = item.nonEmptyString(expected) {
                    result.append(text)
                } else {
                    ok = false
                }
            }
            return ok ? result : nil
        case .scalar:
            return nonEmptyString("\(expected) or a list of them").map { [$0] }
        default:
            error("expected \(expected) or a list of them, got \(described)")
            return nil
        }
    }

    /// Reads every element of a list; nil (with every element's problems reported) if any fails.
    func each<T>(_ read: (Field) -> T?) -> [T]? {
        guard let items = list() else { return nil }
        let values = items.map(read)
        let all = values.compactMap { $0 }
        return all.count == values.count ? all : nil
    }

    /// YAML 1.2 core schema floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
    static func isCoreFloat(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        let isDigit = { (byte: UInt8) in (48...57).contains(byte) }
        let integer = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(integer.count)
        var fraction = bytes.prefix(0)
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = bytes.prefix(while: isDigit)
            bytes = bytes.dropFirst(fraction.count)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                bytes = bytes.dropFirst()
            }
            let exponent = bytes.prefix(while: isDigit)
            guard !exponent.isEmpty else { return false }
            bytes = bytes.dropFirst(exponent.count)
        }
        return bytes.isEmpty
    }

    /// The elements of a list, each with its path.
    func list() -> [Field]? {
        guard case .sequence(let sequence) = node else {
            error("expected a list, got \(described)")
            return nil
        }
        return sequence.enumerated().map {
            context.record("\(path)[\($0)]", $1)
            return Field(node: $1, path: "\(path)[\($0)]", context: context)
        }
    }

    /// A free-form value, numbers and booleans resolved as YAML 1.2's core schema resolves them.
    func configValue() -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            if isNull { return .null }
            guard scalar.style == .plain else { return .string(scalar.string) }
            switch scalar.string {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            if let value = Int(scalar.string) { return .int(value) }
            if Field.isCoreFloat(scalar.string), let value = Double(scalar.string) {
                return .double(value)
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .list(
                sequence.enumerated().map {
                    Field(node: $1, path: "\(path)[\($0)]", context: context).configValue()
                })
        case .mapping:
            guard let map = MapReader(self, expecting: "a mapping") else { return .null }
            return .map(map.allPairs.map { ($0.key, $0.value.configValue()) })
        case .alias:
            return .null
        }
    }
}

/// Reads the keys of one mapping, remembering which were used so the rest can be reported.
final class MapReader {
    let field: Field
    private(set) var pairs: [(key: String, keyNode: Node, value: Node)] = []
    private var used: Set<String> = []

    /// Fails, with a diagnostic, when the node is not a mapping.
    init?(_ field: Field, expecting expected: String) {
        self.field = field
        guard case .mapping(let mapping) = field.node else {
            field.error("expected \(expected), got \(field.described)")
            return nil
        }
        var merged: [(key: String, keyNode: Node, value: Node)] = []
        var inherited: [(key: String, keyNode: Node, value: Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                field.context.error(
                    at: key, field.path, "keys must be plain strings, got \(Field.describe(key))")
                continue
            }
            if scalar.string == "<<", scalar.style == .plain {
                // YAML merge keys: the merged mapping's keys are defaults for this one.
                let sources: [Node]
                if case .sequence(let list) = value {
                    sources = Array(list)
                } else {
                    sources = [value]
                }
                for source in sources {
                    guard case .mapping(let sourceMap) = source else {
                        field.context.error(
                            at: source, field.path,
                            "a merge key (<<) takes a mapping or a list of mappings")
                        continue
                    }
                    for (sourceKey, sourceValue) in sourceMap {
                        if case .scalar(let sourceScalar) = sourceKey {
                            inherited.append((sourceScalar.string, sourceKey, sourceValue))
                        }
                    }
                }
                continue
            }
            merged.append((scalar.string, key, value))
        }
        for item in inherited where !merged.contains(where: { $0.key == item.key }) {
            merged.append(item)
        }
        pairs = merged
    }

    var allPairs: [(key: String, value: Field)] {
        pairs.map {
            ($0.key, Field(node: $0.value, path: field.child($0.key), context: field.context))
        }
    }

    /// The value of `key`, if present.
    func optional(_ key: String) -> Field? {
        used.insert(key)
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        field.context.record(field.child(key), pair.value)
        return Field(node: pair.value, path: field.child(key), context: field.context)
    }

    /// The value of `key`; reports it missing otherwise.
    func required(_ key: String, _ what: String) -> Field? {
        guard let value = optional(key) else {
            field.context.error(
                at: field.node, field.path.isEmpty ? key : field.child(key),
                "missing required field \"\(key)\" (\(what))")
            return nil
        }
        return value
    }

    /// Reports every key that was never asked for, with a hint for a near miss.
    func rejectUnknownKeys() {
        let known = Array(used).sorted()
        for pair in pairs where !used.contains(pair.key) {
            let hint = Suggestions.hint(for: pair.key, in: known)
            let expected =
                hint.isEmpty ? "; expected one of \(known.joined(separator: ", "))" : hint
            field.context.error(
                at: pair.keyNode, field.child(pair.key), "unknown field \"\(pair.key)\"\(expected)")
        }
    }
}
