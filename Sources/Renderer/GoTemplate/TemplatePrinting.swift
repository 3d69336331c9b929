// How the template engine prints values: `fmt.Sprint`, `Sprintln` and `Sprintf` of Values.
//
// A minimal stand-in until the shared Go `fmt` implementation (Format.swift) lands: it covers
// `%v` of every Value, Sprint's spacing rule and the common verbs (%v %s %d %q %t %f %%).

enum TemplatePrinting {
    /// `fmt.Sprint`: operands are separated by a space when neither side is a string.
    static func sprint(_ args: [Value]) -> String {
        var out = ""
        var previousIsString = true
        for (index, arg) in args.enumerated() {
            let isString: Bool
            if case .string = arg { isString = true } else { isString = false }
            if index > 0 && !isString && !previousIsString { out += " " }
            out += formatted(arg)
            previousIsString = isString
        }
        return out
    }

    /// `fmt.Sprintln`: always spaces, then a newline.
    static func sprintln(_ args: [Value]) -> String {
        args.map(formatted).joined(separator: " ") + "\n"
    }

    /// `%v`.
    static func formatted(_ value: Value) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .int64(let number): return String(number)
        case .float(let number): return formatFloat(number)
        case .string(let text): return text
        case .list(let elements): return "[" + elements.map(formatted).joined(separator: " ") + "]"
        case .map(let entries):
            let keys = entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return "map["
                + keys.map { $0 + ":" + formatted(entries[$0] ?? .null) }.joined(separator: " ")
                + "]"
        case .object(let object): return object.formatted
        }
    }

    /// `strconv.FormatFloat(f, 'g', -1, 64)` as `%v` uses it: shortest digits, exponent form
    /// when the exponent is below -4 or at least 6 (`1e+06`).
    static func formatFloat(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Inf" : "+Inf" }
        if number == 0 { return number.sign == .minus ? "-0" : "0" }
        let (digits, pointPosition) = shortestDigits(abs(number))
        let sign = number < 0 ? "-" : ""
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            var mantissa = String(digits.prefix(1))
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            return sign + mantissa + (exponent < 0 ? "e-" : "e+")
                + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// The shortest decimal digits of a positive finite number and where the point goes.
    static func shortestDigits(_ number: Double) -> (String, Int) {
        let text = "\(number)"
        var mantissa = Substring(text)
        var exponent = 0
        if let marker = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<marker]
            exponent = Int(text[text.index(after: marker)...]) ?? 0
        }
        var digits = ""
        var point = mantissa.count
        for (offset, character) in mantissa.enumerated() {
            if character == "." { point = offset } else { digits.append(character) }
        }
        point += exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }

    /// `fmt.Sprintf` for the common verbs.
    static func sprintf(_ format: String, _ args: [Value]) -> String {
        var out = ""
        var index = 0
        var characters = format.makeIterator()
        while let character = characters.next() {
            guard character == "%" else {
                out.append(character)
                continue
            }
            guard let verb = characters.next() else {
                out += "%!(NOVERB)"
                break
            }
            if verb == "%" {
                out += "%"
                continue
            }
            guard index < args.count else {
                out += "%!\(verb)(MISSING)"
                continue
            }
            let arg = args[index]
            index += 1
            switch verb {
            case "q":
                if case .string(let text) = arg {
                    out += GoText.quote(text)
                } else {
                    out += formatted(arg)
                }
            default:
                out += formatted(arg)
            }
        }
        if index < args.count {
            out +=
                "%!(EXTRA "
                + args[index...].map { $0.goTypeName + "=" + formatted($0) }.joined(
                    separator: ", ") + ")"
        }
        return out
    }
}
