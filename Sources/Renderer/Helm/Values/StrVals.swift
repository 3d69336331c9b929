import Foundation

/// Helm's `--set` syntax (`pkg/strvals`): `a.b=c,d[0].e=f,g={x,y}`, with `\` escaping the
/// next character, `null` deleting a key (through coalescing), and integers read as `int64`.
public enum StrVals {
    /// How a value's text becomes a value.
    public enum Mode: Sendable {
        /// `--set`: `true`/`false`/`null` (any case), integers without a leading zero as int64.
        case typed
        /// `--set-string`: always a string.
        case string
        /// `--set-json`: the value is JSON.
        case json
        /// `--set-file`: the value is a path; the file's text becomes the value.
        case file(@Sendable (String) throws -> String)
    }

    static let maxIndex = 65536
    static let maxNestedNameLevel = 30

    /// Parses `text` into `values` (`strvals.ParseInto` and its siblings).
    ///
    /// - Throws: ``HelmError`` with strvals' words (`key "a" has no value`).
    public static func parse(_ text: String, into values: inout [String: Value], mode: Mode)
        throws
    {
        var parser = StrValsParser(scalars: Array(text.unicodeScalars), mode: mode)
        while true {
            do {
                try parser.key(&values, nestedNameLevel: 0)
            } catch StrValsStop.end {
                return
            }
        }
    }

    /// Parses one `--set-literal` (`strvals.ParseLiteralInto`): the text after the first `=`
    /// is the value, verbatim.
    public static func parseLiteral(_ text: String, into values: inout [String: Value]) throws {
        var parser = StrValsParser(
            scalars: Array(text.unicodeScalars), mode: .string, literal: true)
        do {
            try parser.literalKey(&values, nestedNameLevel: 0)
        } catch StrValsStop.end {
            return
        }
    }

    /// The value of a `--set` item's text.
    static func typedValue(_ text: String) -> Value {
        let lower = text.lowercased()
        if lower == "true" { return .bool(true) }
        if lower == "false" { return .bool(false) }
        if lower == "null" { return .null }
        if text == "0" { return .int64(0) }
        if let first = text.first, first != "0", let number = Int64(text) {
            if text.first == "+" || text.allSatisfy({ $0.isASCII }) { return .int64(number) }
        }
        return .string(text)
    }
}

/// The end of the input, as Go's `io.EOF`.
enum StrValsStop: Error {
    case end
}

private struct StrValsParser {
    var scalars: [Unicode.Scalar]
    var position = 0
    var mode: StrVals.Mode
    var literal = false

    init(scalars: [Unicode.Scalar], mode: StrVals.Mode, literal: Bool = false) {
        self.scalars = scalars
        self.mode = mode
        self.literal = literal
    }

    mutating func read() -> Unicode.Scalar? {
        guard position < scalars.count else { return nil }
        defer { position += 1 }
        return scalars[position]
    }

    /// Reads up to one of `stop` (consumed); backslash escapes unless literal. Nil `last` means
    /// the input ended.
    mutating func runesUntil(_ stop: Set<Unicode.Scalar>) -> (String, Unicode.Scalar?) {
        var text = String.UnicodeScalarView()
        while let scalar = read() {
            if stop.contains(scalar) { return (String(text), scalar) }
            if scalar == "\\" && !literal {
                guard let next = read() else { return (String(text), nil) }
                text.append(next)
                continue
            }
            text.append(scalar)
        }
        return (String(text), nil)
    }

    func convert(_ text: String) throws -> Value {
        switch mode {
        case .typed: return StrVals.typedValue(text)
        case .string, .json: return .string(text)
        case .file(let read): return .string(try read(text))
        }
    }

    static func set(_ data: inout [String: Value], _ key: String, _ value: Value) {
        if key.isEmpty { return }
        data[key] = value
    }

    static func setIndex(_ list: [Value], _ index: Int, _ value: Value) throws -> [Value] {
        if index < 0 { throw HelmError("negative \(index) index not allowed") }
        if index > StrVals.maxIndex {
            throw HelmError(
                "index of \(index) is greater than maximum supported index of \(StrVals.maxIndex)")
        }
        var list = list
        while list.count <= index { list.append(.null) }
        list[index] = value
        return list
    }

    static func conversionError(_ value: Value?, expected: String) -> HelmError {
        let actual = value.map(\.goTypeName) ?? "nil"
        return HelmError(
            "unable to parse key: interface conversion: interface {} is \(actual), not \(expected)")
    }

    /// The list already at a key (`a[0]=x,a[1]=y`), or an empty one.
    static func existingList(_ existing: Value?) throws -> [Value] {
        guard let existing else { return [] }
        guard case .list(let items) = existing else {
            throw conversionError(existing, expected: "[]interface {}")
        }
        return items
    }

    mutating func keyIndex() throws -> Int {
        let (text, last) = runesUntil(["]"])
        guard last != nil else { throw StrValsStop.end }
        guard let index = Int(text) else {
            throw HelmError(
                "error parsing index: strconv.Atoi: parsing \(GoFormat.quote(text)): invalid syntax"
            )
        }
        return index
    }

    mutating func key(_ data: inout [String: Value], nestedNameLevel: Int) throws {
        let level = nestedNameLevel
        let (key, last) = runesUntil(["=", "[", ",", "."])
        switch last {
        case nil:
            if key.isEmpty { throw StrValsStop.end }
            throw HelmError("key \(GoFormat.quote(key)) has no value")
        case "[":
            let index = try keyIndex()
            var list = try Self.existingList(data[key])
            do {
                list = try listItem(list, index, nestedNameLevel: level)
            } catch {
                Self.set(&data, key, .list(list))
                throw error
            }
            Self.set(&data, key, .list(list))
        case "=":
            if case .json = mode {
                if emptyValue() {
                    Self.set(&data, key, .null)
                    return
                }
                let value = try decodeJSON()
                Self.set(&data, key, value)
                _ = emptyValue()
                return
            }
            switch try valueList() {
            case .list(let items):
                Self.set(&data, key, .list(items))
            case .end:
                Self.set(&data, key, .string(""))
                throw StrValsStop.end
            case .notList:
                let (text, _) = runesUntil([","])
                Self.set(&data, key, try convert(text))
            }
        case ",":
            Self.set(&data, key, .string(""))
            throw HelmError("key \(GoFormat.quote(key)) has no value (cannot end with ,)")
        default:
            try nested(&data, key, level: level + 1) { parser, inner, level in
                try parser.key(&inner, nestedNameLevel: level)
            }
        }
    }

    /// `a.b...`: the map at `key`, filled by `parse`, set back when it is not empty.
    mutating func nested(
        _ data: inout [String: Value], _ key: String, level: Int,
        parse: (inout Self, inout [String: Value], Int) throws -> Void
    ) throws {
        if level > StrVals.maxNestedNameLevel {
            throw HelmError(
                "value name nested level is greater than maximum supported nested level of \(StrVals.maxNestedNameLevel)"
            )
        }
        var inner: [String: Value] = [:]
        if let existing = data[key] {
            guard case .map(let entries) = existing else {
                throw Self.conversionError(existing, expected: "map[string]interface {}")
            }
            inner = entries
        }
        var failure: (any Error)?
        do {
            try parse(&self, &inner, level)
        } catch {
            failure = error
        }
        if failure == nil && inner.isEmpty {
            throw HelmError("key map \(GoFormat.quote(key)) has no value")
        }
        if !inner.isEmpty { Self.set(&data, key, .map(inner)) }
        if let failure { throw failure }
    }

    mutating func listItem(_ list: [Value], _ index: Int, nestedNameLevel: Int) throws -> [Value] {
        if index < 0 { throw HelmError("negative \(index) index not allowed") }
        let (text, last) = runesUntil(["[", ".", "="])
        if !text.isEmpty {
            throw HelmError("unexpected data at end of array index: \(GoFormat.quote(text))")
        }
        switch last {
        case nil:
            throw StrValsStop.end
        case "=":
            if case .json = mode {
                if emptyValue() { return try Self.setIndex(list, index, .null) }
                let value = try decodeJSON()
                let result = try Self.setIndex(list, index, value)
                _ = emptyValue()
                return result
            }
            switch try valueList() {
            case .list(let items):
                return try Self.setIndex(list, index, .list(items))
            case .end:
                return try Self.setIndex(list, index, .string(""))
            case .notList:
                let (text, _) = runesUntil([","])
                return try Self.setIndex(list, index, try convert(text))
            }
        case "[":
            let next = try keyIndex()
            var current: [Value] = []
            if index < list.count {
                switch list[index] {
                case .null: break
                case .list(let items): current = items
                case let other:
                    throw Self.conversionError(other, expected: "[]interface {}")
                }
            }
            let inner = try listItem(current, next, nestedNameLevel: nestedNameLevel)
            return try Self.setIndex(list, index, .list(inner))
        default:
            var inner: [String: Value] = [:]
            if index < list.count, case .map(let entries) = list[index] { inner = entries }
            if literal {
                try literalKey(&inner, nestedNameLevel: nestedNameLevel)
            } else {
                try key(&inner, nestedNameLevel: nestedNameLevel)
            }
            return try Self.setIndex(list, index, .map(inner))
        }
    }

    enum ListResult {
        case list([Value])
        case end
        case notList
    }

    mutating func valueList() throws -> ListResult {
        guard let first = read() else { return .end }
        if first != "{" {
            position -= 1
            return .notList
        }
        var items: [Value] = []
        while true {
            let (text, last) = runesUntil([",", "}"])
            switch last {
            case nil:
                throw HelmError("list must terminate with '}'")
            case "}":
                if let next = read(), next != "," { position -= 1 }
                items.append(try convert(text))
                return .list(items)
            default:
                items.append(try convert(text))
            }
        }
    }

    /// Skips blanks; true (and the comma consumed) when the value is empty.
    mutating func emptyValue() -> Bool {
        while let scalar = read() {
            if scalar == "," { return true }
            if !scalar.properties.isWhitespace {
                position -= 1
                return false
            }
        }
        return true
    }

    mutating func decodeJSON() throws -> Value {
        let rest = String(String.UnicodeScalarView(scalars[position...]))
        var reader = JSONReader(Array(rest.utf8))
        let value = try reader.readValue()
        let consumed = String(decoding: reader.bytes[..<reader.index], as: UTF8.self)
        position += consumed.unicodeScalars.count
        return value
    }

    // MARK: --set-literal

    mutating func literalKey(_ data: inout [String: Value], nestedNameLevel: Int) throws {
        let level = nestedNameLevel
        let (key, last) = runesUntil(["=", "[", "."])
        switch last {
        case nil:
            throw StrValsStop.end
        case "=":
            let value = String(String.UnicodeScalarView(scalars[position...]))
            position = scalars.count
            Self.set(&data, key, .string(value))
        case ".":
            try nested(&data, key, level: level + 1) { parser, inner, level in
                try parser.literalKey(&inner, nestedNameLevel: level)
            }
        default:
            let index = try keyIndex()
            var list = try Self.existingList(data[key])
            list = try listItem(list, index, nestedNameLevel: level)
            Self.set(&data, key, .list(list))
        }
    }
}
