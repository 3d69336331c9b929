/// Reads one JSON value as Go's `encoding/json` decodes it into `interface{}`: numbers are
/// `float64`, objects `map[string]interface{}`; `index` is where the value ended.
struct JSONReader {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads a whole document: one value, then only blanks.
    static func document(_ text: String) throws -> Value {
        var reader = JSONReader(Array(text.utf8))
        let value = try reader.readValue()
        reader.skipBlanks()
        if reader.index < reader.bytes.count {
            throw HelmError("invalid character \(reader.quoted()) after top-level value")
        }
        return value
    }

    func quoted() -> String {
        guard index < bytes.count else { return "" }
        return "'" + String(decoding: [bytes[index]], as: UTF8.self) + "'"
    }

    mutating func skipBlanks() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func readValue() throws -> Value {
        skipBlanks()
        guard index < bytes.count else { throw HelmError("unexpected end of JSON input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var map: [String: Value] = [:]
            skipBlanks()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .map(map)
            }
            while true {
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw HelmError(
                        "invalid character \(quoted()) looking for beginning of object key string")
                }
                let key = try readString()
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw HelmError("invalid character \(quoted()) after object key")
                }
                index += 1
                map[key] = try readValue()
                skipBlanks()
                guard index < bytes.count else { throw HelmError("unexpected end of JSON input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .map(map)
                }
                throw HelmError("invalid character \(quoted()) after object key:value pair")
            }
        case UInt8(ascii: "["):
            index += 1
            var list: [Value] = []
            skipBlanks()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .list(list)
            }
            while true {
                list.append(try readValue())
                skipBlanks()
                guard index < bytes.count else { throw HelmError("unexpected end of JSON input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .list(list)
                }
                throw HelmError("invalid character \(quoted()) after array element")
            }
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            let start = index
            while index < bytes.count,
                "+-.0123456789eE".utf8.contains(bytes[index])
            {
                index += 1
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard !text.isEmpty, let number = Double(text) else {
                index = start
                throw HelmError("invalid character \(quoted()) looking for beginning of value")
            }
            return .float(number)
        }
    }

    mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count,
            Array(bytes[index..<index + expected.count]) == expected
        else {
            throw HelmError("invalid character \(quoted()) looking for beginning of value")
        }
        index += expected.count
    }

    mutating func readString() throws -> String {
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                continue
            }
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= bytes.count,
                    var code = UInt32(
                        String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                else { throw HelmError("invalid character in string escape code") }
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                    let low = UInt32(
                        String(decoding: bytes[index + 2..<index + 6], as: UTF8.self), radix: 16),
                    (0xDC00..<0xE000).contains(low)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(scalar).utf8))
            default: out.append(escape)
            }
        }
        throw HelmError("unexpected end of JSON input")
    }
}
