import Foundation

/// A Go `[]string`, as Sprig's `splitList`, `toStrings`, `sortAlpha`, `keys` and the regex
/// functions return it.
public struct GoStringSlice: GoObject, Equatable {
    public var strings: [String]
    public init(_ strings: [String]) { self.strings = strings }
    public var goTypeName: String { "[]string" }
    public var goKind: String { "slice" }
    public func member(_ name: String) -> GoMember { .missing }
    public var formatted: String { GoFormat.sprint([.list(strings.map(Value.string))]) }
    public var isTruthy: Bool { !strings.isEmpty }
    public var marshalled: Value? { .list(strings.map(Value.string)) }
    public var elements: [Value]? { strings.map(Value.string) }
}

/// A Go `[]int`, as Sprig's `until` and `untilStep` return it.
public struct GoIntSlice: GoObject, Equatable {
    public var ints: [Int]
    public init(_ ints: [Int]) { self.ints = ints }
    public var goTypeName: String { "[]int" }
    public var goKind: String { "slice" }
    public func member(_ name: String) -> GoMember { .missing }
    public var formatted: String { GoFormat.sprint([.list(ints.map(Value.int))]) }
    public var isTruthy: Bool { !ints.isEmpty }
    public var marshalled: Value? { .list(ints.map(Value.int)) }
    public var elements: [Value]? { ints.map(Value.int) }
}

/// A Go `map[string]string`, as Sprig's `split` and `splitn` return it (`._0`, `index $m "_1"`).
public struct GoStringMap: GoObject, Equatable {
    public var entries: [String: String]
    public init(_ entries: [String: String]) { self.entries = entries }
    public var goTypeName: String { "map[string]string" }
    public var goKind: String { "map" }
    public func member(_ name: String) -> GoMember {
        entries[name].map { .field(.string($0)) } ?? .field(.string(""))
    }
    public var formatted: String { GoFormat.sprint([.map(entries.mapValues(Value.string))]) }
    public var isTruthy: Bool { !entries.isEmpty }
    public var marshalled: Value? { .map(entries.mapValues(Value.string)) }
    public var mapEntries: [String: Value]? { entries.mapValues(Value.string) }
}

/// A Go slice of another element type (`[][]interface {}` from `chunk`).
public struct GoTypedSlice: GoObject {
    public var typeName: String
    public var items: [Value]
    public init(_ typeName: String, _ items: [Value]) {
        self.typeName = typeName
        self.items = items
    }
    public var goTypeName: String { typeName }
    public var goKind: String { "slice" }
    public func member(_ name: String) -> GoMember { .missing }
    public var formatted: String { GoFormat.sprint([.list(items)]) }
    public var isTruthy: Bool { !items.isEmpty }
    public var marshalled: Value? { .list(items) }
    public var elements: [Value]? { items }
}

/// A Go `[]byte` (`randBytes` is base64 text; this is for values that carry bytes).
public struct GoBytes: GoObject, Equatable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var goTypeName: String { "[]uint8" }
    public var goKind: String { "slice" }
    public func member(_ name: String) -> GoMember { .missing }
    public var formatted: String { GoFormat.sprint([.list(bytes.map { .int(Int($0)) })]) }
    public var isTruthy: Bool { !bytes.isEmpty }
    public var marshalled: Value? { .string(Data(bytes).base64EncodedString()) }
    public var elements: [Value]? { bytes.map { .int(Int($0)) } }
}

/// Sprig's conversions, as `github.com/spf13/cast` and Sprig's own `strval` do them.
enum Cast {
    /// `strval`: strings as they are, `[]byte` as text, anything else as `%v`.
    static func string(_ value: Value) -> String {
        switch value {
        case .string(let string): return string
        case .object(let object as GoBytes): return String(decoding: object.bytes, as: UTF8.self)
        default: return value.goDescription
        }
    }

    /// `cast.ToInt64`: integers, truncated floats, bools as 1/0, strings parsed as Go integer
    /// literals (`0x1f`, `0o17`, `017`, `1_000`; a trailing `.0` is dropped), anything else 0.
    static func int64(_ value: Value) -> Int64 {
        switch value {
        case .null: return 0
        case .bool(let bool): return bool ? 1 : 0
        case .int(let int): return Int64(int)
        case .int64(let int): return int
        case .float(let double):
            guard double.isFinite, abs(double) < 9.3e18 else {
                return double.isNaN ? Int64.min : (double > 0 ? Int64.min : Int64.min)
            }
            return Int64(double)
        case .string(let string): return parseGoInteger(trimZeroDecimal(string)) ?? 0
        case .list, .map, .object: return 0
        }
    }

    static func int(_ value: Value) -> Int { Int(int64(value)) }

    /// `cast.ToFloat64`.
    static func float64(_ value: Value) -> Double {
        switch value {
        case .null: return 0
        case .bool(let bool): return bool ? 1 : 0
        case .int(let int): return Double(int)
        case .int64(let int): return Double(int)
        case .float(let double): return double
        case .string(let string): return parseGoFloat(string) ?? 0
        case .list, .map, .object: return 0
        }
    }

    /// cast's `trimZeroDecimal`: "1.0" and "1.00" become "1"; anything else stays.
    static func trimZeroDecimal(_ string: String) -> String {
        var foundZero = false
        let bytes = Array(string.utf8)
        var index = bytes.count
        while index > 0 {
            switch bytes[index - 1] {
            case UInt8(ascii: "."):
                if foundZero { return String(decoding: bytes[..<(index - 1)], as: UTF8.self) }
            case UInt8(ascii: "0"):
                foundZero = true
            default:
                return string
            }
            index -= 1
        }
        return string
    }

    /// `strconv.ParseInt(s, 0, 64)`.
    static func parseGoInteger(_ text: String) -> Int64? {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("+") || body.hasPrefix("-") {
            negative = body.hasPrefix("-")
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        var radix = 10
        var underscoresAllowed = false
        let lower = body.lowercased()
        if lower.hasPrefix("0x") {
            radix = 16
            body = body.dropFirst(2)
            underscoresAllowed = true
        } else if lower.hasPrefix("0b") {
            radix = 2
            body = body.dropFirst(2)
            underscoresAllowed = true
        } else if lower.hasPrefix("0o") {
            radix = 8
            body = body.dropFirst(2)
            underscoresAllowed = true
        } else if body.hasPrefix("0") && body.count > 1 {
            radix = 8
            body = body.dropFirst()
            underscoresAllowed = true
        }
        if body.contains("_") {
            guard underscoresAllowed || radix == 10 else { return nil }
            guard !body.hasPrefix("_") || underscoresAllowed, !body.hasSuffix("_"),
                !body.contains("__")
            else { return nil }
            body = Substring(body.replacingOccurrences(of: "_", with: ""))
        }
        guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// `strconv.ParseFloat(s, 64)`: decimal and hexadecimal forms, `inf`, `infinity`, `nan`,
    /// underscores between digits.
    static func parseGoFloat(_ text: String) -> Double? {
        let lower = text.lowercased()
        switch lower {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.isASCII }) else { return nil }
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        let allowed = Set("0123456789+-.eEpPxXabcdefABCDEF")
        guard cleaned.allSatisfy({ allowed.contains($0) }) else { return nil }
        if !lower.contains("x") && cleaned.contains(where: { "abcdfABCDF".contains($0) }) {
            return nil
        }
        guard let value = Double(cleaned) else { return nil }
        // Go's ParseFloat fails with a range error past float64 (cast then gives 0).
        return value.isInfinite ? nil : value
    }

    /// Sprig's `empty`: Go's zero value of the dynamic type.
    static func isEmpty(_ value: Value) -> Bool {
        switch value {
        case .null: return true
        case .bool(let bool): return !bool
        case .int(let int): return int == 0
        case .int64(let int): return int == 0
        case .float(let double): return double == 0
        case .string(let string): return string.isEmpty
        case .list(let list): return list.isEmpty
        case .map(let map): return map.isEmpty
        case .object(let object):
            if let elements = object.elements { return elements.isEmpty }
            if let map = object as? GoStringMap { return map.entries.isEmpty }
            return false
        }
    }

    /// The elements of a Go slice or array (a list, or an object that has elements); nil for
    /// anything else, as Sprig's `reflect.TypeOf(list).Kind()` switch sees it.
    static func sliceElements(_ value: Value) -> [Value]? {
        switch value {
        case .list(let list): return list
        case .object(let object) where object.goKind == "slice" || object.goKind == "array":
            return object.elements
        default: return nil
        }
    }

    /// `reflect.Kind.String()` of the value, `invalid` for nil.
    static func kind(_ value: Value) -> String {
        switch value {
        case .null: "invalid"
        case .bool: "bool"
        case .int: "int"
        case .int64: "int64"
        case .float: "float64"
        case .string: "string"
        case .list: "slice"
        case .map: "map"
        case .object(let object): object.goKind
        }
    }
}

extension Function {
    /// A function that takes exactly the given parameters and cannot fail.
    static func pure(
        _ parameters: [GoType], variadic: GoType? = nil,
        _ body: @escaping @Sendable (_ arguments: [Value]) throws -> Value
    ) -> Function {
        Function(parameters, variadic: variadic) { arguments, _ in try body(arguments) }
    }

    /// A function whose Go form returns `(T, error)`, or panics, which `text/template` turns
    /// into the same error.
    static func failing(
        _ parameters: [GoType], variadic: GoType? = nil,
        _ body: @escaping @Sendable (_ arguments: [Value]) throws -> Value
    ) -> Function {
        Function(parameters, variadic: variadic, canFail: true) { arguments, _ in
            try body(arguments)
        }
    }
}

extension Array where Element == Value {
    /// The argument at `index` as a string; the executor has already checked its type.
    func string(_ index: Int) -> String {
        guard index < count else { return "" }
        if case .string(let string) = self[index] { return string }
        return Cast.string(self[index])
    }

    /// The argument at `index` as an int; the executor has already checked its type.
    func int(_ index: Int) -> Int {
        guard index < count else { return 0 }
        switch self[index] {
        case .int(let int): return int
        default: return Cast.int(self[index])
        }
    }

    func map(_ index: Int) -> [String: Value] {
        guard index < count, case .map(let map) = self[index] else { return [:] }
        return map
    }

    func value(_ index: Int) -> Value { index < count ? self[index] : .null }
}
