import Foundation

/// One failure of a value against a schema, with the failures under it, as
/// santhosh-tekuri/jsonschema v6 reports them (its `ValidationError`).
struct SchemaFailure: Sendable {
    enum Kind: Sendable {
        /// A keyword failed; the text is the message after `at '/x': `.
        case message(String)
        /// Several keywords of one schema failed (`validation failed`).
        case group
        /// `$ref` led to failures; shown only when it has more than one cause.
        case reference
    }

    /// The instance location, one token per level.
    var location: [String]
    var kind: Kind
    var causes: [SchemaFailure] = []

    /// `'x"y\'z'`: Go's `%q` with double quotes left alone and single quotes escaped.
    static func quote(_ text: String) -> String {
        var quoted = GoFormat.quote(text)
        quoted = String(quoted.dropFirst().dropLast())
        quoted = quoted.replacingOccurrences(of: "\\\"", with: "\"")
        quoted = quoted.replacingOccurrences(of: "'", with: "\\'")
        return "'" + quoted + "'"
    }

    static func pointer(_ tokens: [String]) -> String {
        tokens.map { "/" + SchemaCompiler.escape($0) }.joined()
    }

    var skipped: Bool {
        if case .reference = kind, causes.count == 1 { return true }
        return false
    }

    /// The lines v6 prints for the failure: `- at '/a': message`, causes indented under it.
    func display(indent: Int, into lines: inout [String]) {
        var indent = indent
        if !skipped {
            let text: String
            switch kind {
            case .message(let message): text = message
            case .group, .reference: text = "validation failed"
            }
            lines.append(
                String(repeating: "  ", count: max(indent - 1, 0)) + "- at "
                    + Self.quote(Self.pointer(location)) + ": " + text)
            indent += 1
        }
        for cause in causes { cause.display(indent: indent, into: &lines) }
    }
}

/// Numbers as golang.org/x/text's English printer formats them in v6's messages: digits
/// grouped by thousands, and `1.5×10⁰⁷` where Go's `%g` would use an exponent.
enum SchemaNumbers {
    static func grouped(_ integer: String) -> String {
        var digits = Array(integer)
        let negative = digits.first == "-"
        if negative { digits.removeFirst() }
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (negative ? "-" : "") + out
    }

    static func integer(_ value: Int) -> String { grouped(String(value)) }

    static func superscript(_ text: String) -> String {
        let map: [Character: String] = [
            "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷",
            "8": "⁸", "9": "⁹", "-": "⁻",
        ]
        return text.map { map[$0] ?? String($0) }.joined()
    }

    /// `%v` of a float64 through the printer.
    static func float(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-∞" : "∞" }
        let sign = value.sign == .minus && value != 0 ? "-" : ""
        let digits = FloatFormatter.shortest(abs(value))
        if digits.digits.isEmpty { return "0" }
        let text = String(decoding: digits.digits, as: UTF8.self)
        let exponent = digits.point - 1
        if exponent < -4 || exponent >= 6 {
            var mantissa = String(text.prefix(1))
            if text.count > 1 { mantissa += "." + text.dropFirst() }
            let magnitude = String(abs(exponent))
            let padded = magnitude.count < 2 ? "0" + magnitude : magnitude
            return sign + mantissa + "×10" + superscript((exponent < 0 ? "-" : "") + padded)
        }
        if digits.point <= 0 {
            return sign + "0." + String(repeating: "0", count: -digits.point) + text
        }
        if digits.point >= text.count {
            return sign + grouped(text + String(repeating: "0", count: digits.point - text.count))
        }
        return sign + grouped(String(text.prefix(digits.point))) + "."
            + text.dropFirst(digits.point)
    }

    /// Whether `value` is an integer multiple of `divisor`, exactly, on the decimal texts
    /// (v6 divides big rationals).
    static func isMultiple(_ value: String, of divisor: String) -> Bool {
        guard let dividend = Decimal(value), let step = Decimal(divisor), !step.digits.isEmpty
        else { return false }
        if dividend.digits.isEmpty { return true }
        // value / divisor = (A / B) * 10^(p - q)
        let shift = dividend.exponent - step.exponent
        var digits = dividend.digits
        if shift >= 0 {
            digits += Array(repeating: 0, count: shift)
        } else {
            let drop = -shift
            guard digits.count > drop, digits.suffix(drop).allSatisfy({ $0 == 0 }) else {
                return false
            }
            digits.removeLast(drop)
        }
        guard step.digits.count <= 18 else {
            let quotient = (Double(value) ?? 0) / (Double(divisor) ?? 1)
            return quotient == quotient.rounded()
        }
        let modulus = step.digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1) }
        var remainder: UInt64 = 0
        for digit in digits {
            remainder = (remainder * 10 + UInt64(digit)) % modulus
        }
        return remainder == 0
    }

    /// A decimal text as integer digits (no leading zeros) and a power of ten.
    struct Decimal {
        var digits: [UInt8]
        var exponent: Int

        init?(_ text: String) {
            var mantissa = Substring(text)
            var exponent = 0
            if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                mantissa = text[..<e]
                guard
                    let value = Int(
                        text[text.index(after: e)...].replacingOccurrences(of: "+", with: ""))
                else { return nil }
                exponent = value
            }
            if mantissa.first == "-" || mantissa.first == "+" { mantissa = mantissa.dropFirst() }
            var digits: [UInt8] = []
            var seenPoint = false
            for character in mantissa {
                if character == "." {
                    seenPoint = true
                    continue
                }
                guard let digit = character.wholeNumberValue else { return nil }
                digits.append(UInt8(digit))
                if seenPoint { exponent -= 1 }
            }
            while digits.first == 0 { digits.removeFirst() }
            while !digits.isEmpty, digits.last == 0 {
                digits.removeLast()
                exponent += 1
            }
            self.digits = digits
            self.exponent = exponent
        }
    }
}
