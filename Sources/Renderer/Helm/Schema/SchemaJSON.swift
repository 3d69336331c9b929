/// A JSON document as the schema validator reads it: numbers keep the text they were written
/// with (Go's `json.Number`, which the messages print as written: `value must be 1.50`).
indirect enum SchemaJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([SchemaJSON])
    case object([String: SchemaJSON])

    /// The number as a double, for comparisons and for the messages that print it as one.
    var double: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    /// The JSON type name the validator reports (`number` for every number).
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Reads one JSON document as Go's `json.Decoder` with `UseNumber` does; the errors are
    /// Go's (`unexpected EOF`, `invalid character 'x' looking for beginning of value`).
    static func parse(_ bytes: [UInt8]) throws(SchemaError) -> SchemaJSON {
        var parser = JSONCodec.Parser(bytes: bytes)
        parser.skipSpace()
        // A stream decoder with nothing to read says EOF.
        if parser.index == bytes.count { throw SchemaError("EOF") }
        do throws(JSONCodec.DecodeError) {
            parser.skipSpace()
            let value = try read(&parser)
            parser.skipSpace()
            if parser.index < parser.bytes.count {
                throw parser.invalid("after top-level value")
            }
            return value
        } catch {
            // A stream decoder runs out of input where `Unmarshal` sees the text end.
            let message =
                error.message == "unexpected end of JSON input" ? "unexpected EOF" : error.message
            throw SchemaError(message)
        }
    }

    static func read(_ parser: inout JSONCodec.Parser) throws(JSONCodec.DecodeError) -> SchemaJSON {
        try parser.more()
        switch parser.bytes[parser.index] {
        case UInt8(ascii: "{"):
            return .object(
                try parser.members {
                    (parser: inout JSONCodec.Parser) throws(JSONCodec.DecodeError) in
                    try read(&parser)
                })
        case UInt8(ascii: "["):
            return .array(
                try parser.elements {
                    (parser: inout JSONCodec.Parser) throws(JSONCodec.DecodeError) in
                    try read(&parser)
                })
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parser.numberText())
        default:
            switch try parser.value() {
            case .string(let text): return .string(text)
            case .bool(let flag): return .bool(flag)
            default: return .null
            }
        }
    }

    /// The same value as a template value (numbers as float64), for `const` and `enum`.
    var plain: Value {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let text): .float(Double(text) ?? 0)
        case .string(let text): .string(text)
        case .array(let items): .list(items.map(\.plain))
        case .object(let entries): .map(entries.mapValues(\.plain))
        }
    }
}

/// Why a values schema could not be read or compiled, in the words Helm prints.
struct SchemaError: Error, CustomStringConvertible, Sendable {
    var description: String
    init(_ description: String) { self.description = description }
}
