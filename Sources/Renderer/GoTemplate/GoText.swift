// Go's strconv pieces the template engine needs besides GoFormat's quoting: unquoting string
// and character literals, and parsing number literals with Go's syntax (base prefixes, underscores).

enum GoText {
    /// `strconv.Quote`; kept for callers from before GoFormat, which now does the work.
    static func quote(_ text: String) -> String { GoFormat.quote(text) }

    /// Rewrites each scalar that `replacement` has a text for; keeps the others.
    static func escape(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) {
                out += replaced
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `%#U`: `U+0041 'A'`, or just `U+0001` for a non-printable rune.
    static func unicodeName(_ rune: UInt32) -> String {
        var digits = String(rune, radix: 16, uppercase: true)
        while digits.count < 4 { digits = "0" + digits }
        if let scalar = Unicode.Scalar(rune), GoFormat.isPrint(scalar) {
            return "U+\(digits) '\(Character(scalar))'"
        }
        return "U+\(digits)"
    }

    enum SyntaxError: Error { case invalid }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        default: return nil
        }
    }

    /// `strconv.UnquoteChar`: one (possibly escaped) character at `index` of `bytes`, for a
    /// literal delimited by `quote`; returns the rune (or byte, for `\x` and octal escapes in
    /// strings) and the index after it.
    static func unquoteChar(_ bytes: [UInt8], _ index: Int, quote: UInt8) throws -> (
        value: UInt32, isByte: Bool, next: Int
    ) {
        guard index < bytes.count else { throw SyntaxError.invalid }
        let first = bytes[index]
        if first == quote && (quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"")) {
            throw SyntaxError.invalid
        }
        if first >= 0x80 {
            let decoded = String(
                decoding: bytes[index..<min(bytes.count, index + 4)], as: UTF8.self)
            guard let scalar = decoded.unicodeScalars.first else { throw SyntaxError.invalid }
            let length = String(scalar).utf8.count
            return (scalar.value, false, index + length)
        }
        if first != UInt8(ascii: "\\") { return (UInt32(first), false, index + 1) }
        guard index + 1 < bytes.count else { throw SyntaxError.invalid }
        let escape = bytes[index + 1]
        var position = index + 2
        switch escape {
        case UInt8(ascii: "a"): return (7, false, position)
        case UInt8(ascii: "b"): return (8, false, position)
        case UInt8(ascii: "f"): return (12, false, position)
        case UInt8(ascii: "n"): return (10, false, position)
        case UInt8(ascii: "r"): return (13, false, position)
        case UInt8(ascii: "t"): return (9, false, position)
        case UInt8(ascii: "v"): return (11, false, position)
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = escape == UInt8(ascii: "x") ? 2 : escape == UInt8(ascii: "u") ? 4 : 8
            guard position + count <= bytes.count else { throw SyntaxError.invalid }
            var value: UInt32 = 0
            for offset in 0..<count {
                guard let digit = hexValue(bytes[position + offset]) else {
                    throw SyntaxError.invalid
                }
                value = value << 4 | digit
            }
            position += count
            if escape == UInt8(ascii: "x") { return (value, true, position) }
            guard Unicode.Scalar(value) != nil else { throw SyntaxError.invalid }
            return (value, false, position)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            guard index + 4 <= bytes.count else { throw SyntaxError.invalid }
            var value: UInt32 = 0
            for offset in 1...3 {
                let digit = bytes[index + offset]
                guard digit >= 0x30 && digit <= 0x37 else { throw SyntaxError.invalid }
                value = value << 3 | UInt32(digit - 0x30)
            }
            guard value <= 255 else { throw SyntaxError.invalid }
            return (value, true, index + 4)
        case UInt8(ascii: "\\"):
            return (0x5C, false, position)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            guard escape == quote else { throw SyntaxError.invalid }
            return (UInt32(escape), false, position)
        default:
            throw SyntaxError.invalid
        }
    }

    /// `strconv.Unquote` for a double-quoted or raw string literal.
    static func unquote(_ literal: String) throws -> String {
        let bytes = Array(literal.utf8)
        guard bytes.count >= 2, let first = bytes.first, first == bytes.last else {
            throw SyntaxError.invalid
        }
        if first == UInt8(ascii: "`") {
            let body = bytes[1..<(bytes.count - 1)]
            if body.contains(UInt8(ascii: "`")) { throw SyntaxError.invalid }
            return String(decoding: body.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        }
        guard first == UInt8(ascii: "\"") else { throw SyntaxError.invalid }
        var out: [UInt8] = []
        var index = 1
        let end = bytes.count - 1
        while index < end {
            if bytes[index] == UInt8(ascii: "\n") { throw SyntaxError.invalid }
            let (value, isByte, next) = try unquoteChar(bytes, index, quote: first)
            guard next <= end else { throw SyntaxError.invalid }
            if isByte || value < 0x80 {
                out.append(UInt8(truncatingIfNeeded: value))
            } else if let scalar = Unicode.Scalar(value) {
                out.append(contentsOf: Array(String(scalar).utf8))
            }
            index = next
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Numbers

    /// Go's `underscoreOK`: underscores only between digits or after a base prefix.
    private static func underscoreOK(_ text: [UInt8]) -> Bool {
        var saw: UInt8 = UInt8(ascii: "^")
        var index = 0
        var body = text
        if let sign = body.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            body.removeFirst()
        }
        var hexadecimal = false
        if body.count >= 2 && body[0] == UInt8(ascii: "0") {
            let prefix = body[1] | 0x20
            if prefix == UInt8(ascii: "x") || prefix == UInt8(ascii: "o")
                || prefix == UInt8(ascii: "b")
            {
                index = 2
                saw = UInt8(ascii: "0")
                hexadecimal = prefix == UInt8(ascii: "x")
            }
        }
        while index < body.count {
            let byte = body[index]
            let isDigit =
                (byte >= 0x30 && byte <= 0x39)
                || (hexadecimal && hexValue(byte) != nil)
            if isDigit {
                saw = UInt8(ascii: "0")
            } else if byte == UInt8(ascii: "_") {
                if saw != UInt8(ascii: "0") { return false }
                saw = UInt8(ascii: "_")
            } else {
                if saw == UInt8(ascii: "_") { return false }
                saw = UInt8(ascii: "!")
            }
            index += 1
        }
        return saw != UInt8(ascii: "_")
    }

    /// `strconv.ParseUint(text, 0, 64)`.
    static func parseUnsigned(_ text: String) -> UInt64? {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var base: UInt64 = 10
        var prefixed = false
        if bytes[0] == UInt8(ascii: "0") && bytes.count > 1 {
            switch bytes[1] | 0x20 {
            case UInt8(ascii: "x"):
                base = 16
                bytes.removeFirst(2)
                prefixed = true
            case UInt8(ascii: "o"):
                base = 8
                bytes.removeFirst(2)
                prefixed = true
            case UInt8(ascii: "b"):
                base = 2
                bytes.removeFirst(2)
                prefixed = true
            default:
                base = 8
                bytes.removeFirst(1)
                prefixed = true
            }
        }
        if bytes.contains(UInt8(ascii: "_")) && !underscoreOK(Array(text.utf8)) { return nil }
        var value: UInt64 = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: "_") { continue }
            guard let digit = hexValue(byte).map(UInt64.init), digit < base else { return nil }
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: base)
            let (added, overflow2) = multiplied.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = added
            digits += 1
        }
        if digits == 0 && !(prefixed && base == 8 && bytes.isEmpty) { return nil }
        if digits == 0 && prefixed && base != 8 { return nil }
        return value
    }

    /// `strconv.ParseInt(text, 0, 64)`.
    static func parseSigned(_ text: String) -> Int64? {
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard let magnitude = parseUnsigned(String(body)) else { return nil }
        if negative {
            if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            return nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// `strconv.ParseFloat(text, 64)` for the decimal and hexadecimal forms the lexer produces.
    static func parseFloat(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        if bytes.contains(UInt8(ascii: "_")) && !underscoreOK(bytes) { return nil }
        let cleaned = String(decoding: bytes.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        let lower = cleaned.lowercased()
        if lower.contains("inf") || lower.contains("nan") { return nil }
        let unsigned =
            lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
        if unsigned.hasPrefix("0x") {
            guard unsigned.contains("p") else { return nil }
        } else if unsigned.contains("p") {
            return nil
        }
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }
}
