import Foundation
import Yams

/// A YAML value as kustomize sees a resource: the data it keeps after reading a file the way
/// kyaml does (YAML 1.2 scalars: only `true`/`false` are booleans, `1.0` is the number 1).
///
/// Mappings keep their input order; the emitter sorts keys as kustomize's output does.
public indirect enum KValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// An integer, kept as its decimal text.
    case int(String)
    case float(Double)
    case string(String)
    case map([(String, KValue)])
    case list([KValue])

    public static func == (lhs: KValue, rhs: KValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (left, right) in zip(a, b) where left.0 != right.0 || left.1 != right.1 {
                return false
            }
            return true
        default: return false
        }
    }

    /// The value of `key` in a mapping.
    public subscript(key: String) -> KValue? {
        get {
            guard case .map(let pairs) = self else { return nil }
            return pairs.first { $0.0 == key }?.1
        }
        set {
            guard case .map(var pairs) = self else { return }
            if let index = pairs.firstIndex(where: { $0.0 == key }) {
                if let newValue {
                    pairs[index].1 = newValue
                } else {
                    pairs.remove(at: index)
                }
            } else if let newValue {
                pairs.append((key, newValue))
            }
            self = .map(pairs)
        }
    }

    /// The text of a string scalar.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The text kustomize would use for a scalar where it wants a string.
    public var scalarText: String? {
        switch self {
        case .string(let text): return text
        case .int(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .float(let number): return KValue.formatFloat(number)
        default: return nil
        }
    }

    public var mapPairs: [(String, KValue)]? {
        if case .map(let pairs) = self { return pairs }
        return nil
    }

    public var listItems: [KValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value at a path of mapping keys.
    public func value(at path: [String]) -> KValue? {
        var current: KValue = self
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// Sets the value at a path of mapping keys, creating mappings on the way when `create`.
    public mutating func setValue(_ value: KValue, at path: [String], create: Bool = true) {
        guard let first = path.first else {
            self = value
            return
        }
        guard case .map = self else { return }
        var child = self[first] ?? (create ? .map([]) : .null)
        if self[first] == nil && !create { return }
        if path.count > 1, case .null = child { child = .map([]) }
        child.setValue(value, at: Array(path.dropFirst()), create: create)
        self[first] = child
    }

    static func formatFloat(_ number: Double) -> String {
        if number.isNaN { return ".nan" }
        if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
        if number == number.rounded(), abs(number) < 1e21 {
            return String(format: "%.0f", number)
        }
        return goShortestG(number)
    }

    /// Go's `strconv.FormatFloat(f, 'g', -1, 64)`: shortest digits, `%e` form when the decimal
    /// exponent is below -4 or at least 21 (JSON) / 6 ('g'); here the 'g' rule.
    static func goShortestG(_ number: Double) -> String {
        // Swift's description gives the shortest round-tripping digits.
        var text = "\(abs(number))"
        var exponent = 0
        if let index = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: index)...]) ?? 0
            text = String(text[..<index])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts.first.map(String.init) ?? "0"
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        var pointPosition = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let decimalExponent = pointPosition - 1
        let sign = number < 0 ? "-" : ""
        if decimalExponent < -4 || decimalExponent >= 6 {
            var mantissa = String(digits.prefix(1))
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = abs(decimalExponent)
            let exponentText = magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
            return sign + mantissa + "e" + (decimalExponent < 0 ? "-" : "+") + exponentText
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let splitIndex = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<splitIndex] + "." + digits[splitIndex...]
    }
}

extension KValue {
    /// Reads every document of a YAML stream; empty documents are dropped.
    public static func documents(_ text: String) throws -> [KValue] {
        var values: [KValue] = []
        var sequence = try Yams.compose_all(yaml: text)
        while let node = sequence.next() {
            values.append(try KValue(node: node))
        }
        if let error = sequence.error { throw error }
        return values
    }

    /// Reads one YAML document; `yaml11` reads plain scalars as go-yaml v2 does (kustomize
    /// reads kustomization files that way: `on`, `y` and `yes` are booleans).
    static func parse(_ text: String, yaml11: Bool = false) throws -> KValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return try KValue(node: node, yaml11: yaml11)
    }

    init(node: Node, yaml11: Bool = false) throws {
        switch node {
        case .scalar(let scalar):
            self = yaml11 ? KValue.resolve11(scalar) : KValue.resolve(scalar)
        case .mapping(let mapping):
            var pairs: [(String, KValue)] = []
            for (key, value) in mapping {
                let keyText: String
                if case .scalar(let scalar) = key {
                    keyText = scalar.string
                } else {
                    throw KustomizeError("mapping keys must be scalars")
                }
                if keyText == "<<", case .mapping = value {
                    // A merge key: the merged mapping's entries, unless set here.
                    if case .map(let merged) = try KValue(node: value, yaml11: yaml11) {
                        for pair in merged where !pairs.contains(where: { $0.0 == pair.0 }) {
                            pairs.append(pair)
                        }
                    }
                    continue
                }
                let converted = try KValue(node: value, yaml11: yaml11)
                if let index = pairs.firstIndex(where: { $0.0 == keyText }) {
                    pairs[index].1 = converted
                } else {
                    pairs.append((keyText, converted))
                }
            }
            self = .map(pairs)
        case .sequence(let sequence):
            self = .list(try sequence.map { try KValue(node: $0, yaml11: yaml11) })
        case .alias:
            throw KustomizeError("YAML aliases are not supported")
        }
    }

    /// Resolves a scalar as yaml.v3 does (the YAML 1.2 core schema): only plain scalars can be
    /// anything but strings.
    static func resolve(_ scalar: Node.Scalar) -> KValue {
        if scalar.style != .plain && scalar.style != .any { return .string(scalar.string) }
        return resolvePlain(scalar.string)
    }

    /// Resolves a scalar as go-yaml v2 does (YAML 1.1).
    static func resolve11(_ scalar: Node.Scalar) -> KValue {
        let text = scalar.string
        if scalar.style != .plain && scalar.style != .any { return .string(text) }
        if YAML11.resolvesToString(text) || YAML11.looksLikeTimestamp(text) { return .string(text) }
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
        case "n", "N", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
        default: break
        }
        let resolved = resolvePlain(text)
        if case .string = resolved { return .float(Double(text) ?? 0) }
        return resolved
    }

    static func resolvePlain(_ text: String) -> KValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        guard let first = text.first, "+-.0123456789".contains(first) else {
            return .string(text)
        }
        if let integer = parseInteger(text) { return .int(integer) }
        if isFloatText(text), let number = Double(text) { return .float(number) }
        return .string(text)
    }

    static func parseInteger(_ text: String) -> String? {
        var body = Substring(text)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        var radix = 10
        if body.hasPrefix("0x") {
            radix = 16
            body = body.dropFirst(2)
        } else if body.hasPrefix("0o") {
            radix = 8
            body = body.dropFirst(2)
        } else if body.hasPrefix("0b") {
            radix = 2
            body = body.dropFirst(2)
        } else if body.count > 1 && body.hasPrefix("0") {
            radix = 8
            body = body.dropFirst()
        }
        guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
        if negative {
            if magnitude == 0 { return "0" }
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return "-\(magnitude)"
        }
        return "\(magnitude)"
    }

    static func isFloatText(_ text: String) -> Bool {
        // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        var chars = Array(text.utf8)[...]
        if chars.first == UInt8(ascii: "+") || chars.first == UInt8(ascii: "-") {
            chars = chars.dropFirst()
        }
        func digits() -> Int {
            var count = 0
            while let c = chars.first, c >= 48 && c <= 57 {
                chars = chars.dropFirst()
                count += 1
            }
            return count
        }
        if chars.first == UInt8(ascii: ".") {
            chars = chars.dropFirst()
            if digits() == 0 { return false }
        } else {
            if digits() == 0 { return false }
            if chars.first == UInt8(ascii: ".") {
                chars = chars.dropFirst()
                _ = digits()
            }
        }
        if chars.first == UInt8(ascii: "e") || chars.first == UInt8(ascii: "E") {
            chars = chars.dropFirst()
            if chars.first == UInt8(ascii: "+") || chars.first == UInt8(ascii: "-") {
                chars = chars.dropFirst()
            }
            if digits() == 0 { return false }
        }
        return chars.isEmpty
    }
}

/// Why a kustomization cannot be built; the text follows kustomize's where it can.
public struct KustomizeError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
