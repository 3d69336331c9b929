/// Go's `encoding/json` for template values: `Marshal`, `MarshalIndent`, an encoder without
/// HTML escaping, and `Unmarshal` into `interface {}`.
public enum JSONCodec {
    public struct EncodeError: Error, Sendable {
        public var message: String
    }

    /// `json.Marshal` (or `MarshalIndent(v, "", indent)` when `indent` is set).
    public static func marshal(_ value: Value, escapeHTML: Bool = true, indent: String? = nil)
        throws(EncodeError) -> String
    {
        var out = ""
        try encode(value, escapeHTML: escapeHTML, indent: indent, depth: 0, into: &out)
        return out
    }

    static func encode(
        _ value: Value, escapeHTML: Bool, indent: String?, depth: Int, into out: inout String
    ) throws(EncodeError) {
        func newline(_ level: Int) {
            guard let indent else { return }
            out += "\n" + String(repeating: indent, count: level)
        }
        switch value {
        case .null: out += "null"
        case .bool(let bool): out += bool ? "true" : "false"
        case .int(let int): out += String(int)
        case .int64(let int): out += String(int)
        case .float(let double):
            guard double.isFinite else {
                throw EncodeError(
                    message: "json: unsupported value: \(GoFormat.formatFloat(double, "g", -1))")
            }
            out += formatFloat(double)
        case .string(let string): out += quote(string, escapeHTML: escapeHTML)
        case .list(let list):
            if list.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (index, element) in list.enumerated() {
                if index > 0 { out += "," }
                newline(depth + 1)
                try encode(
                    element, escapeHTML: escapeHTML, indent: indent, depth: depth + 1, into: &out)
            }
            newline(depth)
            out += "]"
        case .map(let map):
            if map.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (index, key) in map.keys.sorted(by: byteOrder).enumerated() {
                if index > 0 { out += "," }
                newline(depth + 1)
                out += quote(key, escapeHTML: escapeHTML)
                out += indent == nil ? ":" : ": "
                try encode(
                    map[key] ?? .null, escapeHTML: escapeHTML, indent: indent, depth: depth + 1,
                    into: &out)
            }
            newline(depth)
            out += "}"
        case .object(let object):
            guard let marshalled = object.marshalled else {
                throw EncodeError(message: "json: unsupported type: \(object.goTypeName)")
            }
            try encode(marshalled, escapeHTML: escapeHTML, indent: indent, depth: depth, into: &out)
        }
    }

    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// encoding/json's float text: shortest digits, exponent form below 1e-6 and from 1e21,
    /// `e-07` shortened to `e-7`.
    public static func formatFloat(_ double: Double) -> String {
        let magnitude = abs(double)
        var format: Character = "f"
        if magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21) { format = "e" }
        var text = GoFormat.formatFloat(double, format, -1)
        if format == "e" {
            var bytes = Array(text.utf8)
            let count = bytes.count
            if count >= 4 && bytes[count - 4] == UInt8(ascii: "e")
                && bytes[count - 3] == UInt8(ascii: "-")
                && bytes[count - 2] == UInt8(ascii: "0")
            {
                bytes[count - 2] = bytes[count - 1]
                bytes.removeLast()
                text = String(decoding: bytes, as: UTF8.self)
            }
        }
        return text
    }

    /// A JSON string literal as encoding/json writes it.
    public static func quote(_ string: String, escapeHTML: Bool) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<", ">", "&":
                if escapeHTML {
                    out += "\\u00" + GoFormat.hex(UInt64(scalar.value), digits: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + GoFormat.hex(UInt64(scalar.value), digits: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: decoding

    public struct DecodeError: Error, Sendable {
        public var message: String
    }

    /// `json.Unmarshal` into `interface {}`: numbers are float64.
    public static func unmarshal(_ text: String) throws(DecodeError) -> Value {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        if parser.index < parser.bytes.count {
            throw parser.invalid("after top-level value")
        }
        return value
    }

    struct Parser {
        var bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [9, 10, 13, 32].contains(bytes[index]) { index += 1 }
        }

        func invalid(_ context: String) -> DecodeError {
            guard index < bytes.count else {
                return DecodeError(message: "unexpected end of JSON input")
            }
            return DecodeError(
                message: "invalid character \(describe(bytes[index])) \(context)")
        }

        func describe(_ byte: UInt8) -> String {
            if byte == UInt8(ascii: "'") { return "'\\''" }
            if byte == UInt8(ascii: "\"") { return "'\"'" }
            if byte < 0x20 || byte >= 0x80 {
                let scalar = Unicode.Scalar(byte)
                return GoFormat.quoteRune(scalar)
            }
            return "'" + String(Unicode.Scalar(byte)) + "'"
        }

        mutating func value() throws(DecodeError) -> Value {
            guard index < bytes.count else {
                throw DecodeError(message: "unexpected end of JSON input")
            }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw invalid("looking for beginning of value")
            }
        }

        mutating func literal(_ word: String, _ value: Value) throws(DecodeError) -> Value {
            for (offset, byte) in word.utf8.enumerated() {
                guard index < bytes.count else {
                    throw DecodeError(message: "unexpected end of JSON input")
                }
                if bytes[index] != byte {
                    throw invalid(
                        "in literal \(word) (expecting '\(String(Unicode.Scalar(byte)))')")
                }
                _ = offset
                index += 1
            }
            return value
        }

        mutating func number() throws(DecodeError) -> Value {
            let text = try numberText()
            guard let double = Double(text), double.isFinite else {
                throw DecodeError(
                    message: "json: cannot unmarshal number \(text) into Go value of type float64")
            }
            return .float(double)
        }

        /// Reads a number literal and gives it as written.
        mutating func numberText() throws(DecodeError) -> String {
            let start = index
            func digits() -> Int {
                let from = index
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
                return index - from
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else {
                throw DecodeError(message: "unexpected end of JSON input")
            }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if digits() == 0 {
                throw invalid("in numeric literal")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count else {
                    throw DecodeError(message: "unexpected end of JSON input")
                }
                if digits() == 0 { throw invalid("after decimal point in numeric literal") }
            }
            if index < bytes.count,
                bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
            {
                index += 1
                if index < bytes.count,
                    bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
                {
                    index += 1
                }
                guard index < bytes.count else {
                    throw DecodeError(message: "unexpected end of JSON input")
                }
                if digits() == 0 { throw invalid("in exponent of numeric literal") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func string() throws(DecodeError) -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else {
                    throw DecodeError(message: "unexpected end of JSON input")
                }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if byte < 0x20 { throw invalid("in string literal") }
                if byte != UInt8(ascii: "\\") {
                    out.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else {
                    throw DecodeError(message: "unexpected end of JSON input")
                }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00 {
                        let save = index
                        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            let low = try hex4()
                            if low >= 0xDC00 && low < 0xE000 {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = save
                                code = 0xFFFD
                            }
                        } else {
                            code = 0xFFFD
                        }
                    } else if code >= 0xDC00 && code < 0xE000 {
                        code = 0xFFFD
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    out += Array(String(scalar).utf8)
                default:
                    index -= 1
                    throw invalid("in string escape code")
                }
            }
        }

        mutating func hex4() throws(DecodeError) -> UInt32 {
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count else {
                    throw DecodeError(message: "unexpected end of JSON input")
                }
                guard let digit = UInt32(String(Unicode.Scalar(bytes[index])), radix: 16) else {
                    throw invalid("in \\u hexadecimal character escape")
                }
                code = code << 4 | digit
                index += 1
            }
            return code
        }

        mutating func more() throws(DecodeError) {
            guard index < bytes.count else {
                throw DecodeError(message: "unexpected end of JSON input")
            }
        }

        /// After an element: true at the closing bracket, false after a comma.
        mutating func closes(_ close: Character, _ context: String) throws(DecodeError) -> Bool {
            skipSpace()
            try more()
            let byte = bytes[index]
            guard
                byte == UInt8(ascii: ",") || byte == UInt8(ascii: close.unicodeScalars.first ?? ",")
            else { throw invalid(context) }
            index += 1
            return byte != UInt8(ascii: ",")
        }

        mutating func array() throws(DecodeError) -> Value {
            .list(try elements { (parser: inout Parser) throws(DecodeError) in try parser.value() })
        }

        mutating func object() throws(DecodeError) -> Value {
            .map(try members { (parser: inout Parser) throws(DecodeError) in try parser.value() })
        }

        /// An array's elements, each read by `element`; the parser is on its `[`.
        mutating func elements<T>(
            _ element: (inout Parser) throws(DecodeError) -> T
        ) throws(DecodeError) -> [T] {
            index += 1
            var list: [T] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return list
            }
            repeat {
                skipSpace()
                list.append(try element(&self))
            } while try !closes("]", "after array element")
            return list
        }

        /// An object's members, each value read by `element`; the parser is on its `{`.
        mutating func members<T>(
            _ element: (inout Parser) throws(DecodeError) -> T
        ) throws(DecodeError) -> [String: T] {
            index += 1
            var map: [String: T] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return map
            }
            repeat {
                skipSpace()
                try more()
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw invalid("looking for beginning of object key string")
                }
                let key = try string()
                skipSpace()
                try more()
                guard bytes[index] == UInt8(ascii: ":") else { throw invalid("after object key") }
                index += 1
                skipSpace()
                map[key] = try element(&self)
            } while try !closes("}", "after object key:value pair")
            return map
        }
    }

    /// The Go type name encoding/json uses in "cannot unmarshal X into Go value of type Y".
    static func jsonKind(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int, .int64, .float: "number"
        case .string: "string"
        case .list: "array"
        case .map, .object: "object"
        }
    }
}
