import Foundation

/// Go's `fmt` package for template values: `Sprint`, `Sprintln`, `Sprintf` with Go's verbs,
/// flags, width, precision and error texts (`%!d(string=x)`, `%!v(MISSING)`,
/// `%!(EXTRA int=1)`), and `strconv.FormatFloat`.
public enum GoFormat {
    /// `fmt.Sprint`: operands as `%v`, with a space between two operands when neither is a
    /// string.
    public static func sprint(_ arguments: [Value]) -> String {
        var printer = Printer()
        var previousIsString = false
        for (index, argument) in arguments.enumerated() {
            let isString = argument.isGoString
            if index > 0 && !isString && !previousIsString {
                printer.out += " "
            }
            printer.printArgument(argument, verb: "v")
            previousIsString = isString
        }
        return printer.out
    }

    /// `fmt.Sprintln`: operands as `%v`, always separated by a space, then a newline.
    public static func sprintln(_ arguments: [Value]) -> String {
        var printer = Printer()
        for (index, argument) in arguments.enumerated() {
            if index > 0 { printer.out += " " }
            printer.printArgument(argument, verb: "v")
        }
        printer.out += "\n"
        return printer.out
    }

    /// `fmt.Sprintf`.
    public static func sprintf(_ format: String, _ arguments: [Value]) -> String {
        var printer = Printer()
        printer.doPrintf(Array(format.unicodeScalars), arguments)
        return printer.out
    }

    /// The Go type of a value as `%T` prints it.
    public static func typeName(_ value: Value) -> String {
        value.goTypeName
    }

    /// `strconv.FormatFloat(value, format, precision, 64)` for the formats `e`, `E`, `f`,
    /// `g`, `G` and `b`; a precision of -1 asks for the fewest digits that read back exactly.
    public static func formatFloat(_ value: Double, _ format: Character, _ precision: Int) -> String
    {
        FloatFormatter.format(value, format, precision)
    }

    /// `strconv.Quote`, or `strconv.QuoteToASCII` when `asciiOnly` is set.
    public static func quote(_ text: String, asciiOnly: Bool = false) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            appendEscaped(scalar, quote: "\"", asciiOnly: asciiOnly, to: &out)
        }
        out += "\""
        return out
    }

    /// `strconv.QuoteRune`, or `strconv.QuoteRuneToASCII` when `asciiOnly` is set.
    public static func quoteRune(_ scalar: Unicode.Scalar, asciiOnly: Bool = false) -> String {
        var out = "'"
        appendEscaped(scalar, quote: "'", asciiOnly: asciiOnly, to: &out)
        out += "'"
        return out
    }

    /// `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    public static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    static func appendEscaped(
        _ scalar: Unicode.Scalar, quote: Unicode.Scalar, asciiOnly: Bool, to out: inout String
    ) {
        if scalar == quote || scalar == "\\" {
            out += "\\"
            out.unicodeScalars.append(scalar)
            return
        }
        if asciiOnly {
            if scalar.value < 0x80 && isPrint(scalar) {
                out.unicodeScalars.append(scalar)
                return
            }
        } else if isPrint(scalar) {
            out.unicodeScalars.append(scalar)
            return
        }
        switch scalar {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            let value = scalar.value
            if value < 0x20 || value == 0x7F {
                out += "\\x" + hex(UInt64(value), digits: 2)
            } else if value < 0x10000 {
                out += "\\u" + hex(UInt64(value), digits: 4)
            } else {
                out += "\\U" + hex(UInt64(value), digits: 8)
            }
        }
    }

    static func hex(_ value: UInt64, digits: Int, uppercase: Bool = false) -> String {
        let text = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// `strconv.CanBackquote`.
    static func canBackquote(_ text: String) -> Bool {
        for scalar in text.unicodeScalars {
            if scalar == "`" || scalar == "\u{FEFF}" { return false }
            if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F { return false }
        }
        return true
    }
}

extension Value {
    /// The text `fmt.Sprint` prints for the value (`%v`).
    public var goDescription: String {
        var printer = Printer()
        printer.printArgument(self, verb: "v")
        return printer.out
    }

    /// The Go type as `%T` prints it.
    public var goTypeName: String {
        switch self {
        case .null: "<nil>"
        case .bool: "bool"
        case .int: "int"
        case .int64: "int64"
        case .float: "float64"
        case .string: "string"
        case .list: "[]interface {}"
        case .map: "map[string]interface {}"
        case .object(let object): object.goTypeName
        }
    }

    var isGoString: Bool {
        switch self {
        case .string: true
        case .object(let object): object.goKind == "string"
        default: false
        }
    }
}

/// The flags of one verb, as Go's `fmt.fmtFlags` plus width and precision.
private struct Flags {
    var sharp = false
    var zero = false
    var plus = false
    var minus = false
    var space = false
    var sharpV = false
    var plusV = false
    var width = 0
    var widthPresent = false
    var precision = 0
    var precisionPresent = false
}

/// The state of one `Sprintf`: Go's `pp` and `fmt` in one.
private struct Printer {
    var out = ""
    var flags = Flags()

    // MARK: padding

    func padding(_ count: Int) -> String {
        guard count > 0 else { return "" }
        let pad: Character = flags.zero && !flags.minus ? "0" : " "
        return String(repeating: pad, count: count)
    }

    mutating func pad(_ text: String) {
        guard flags.widthPresent && flags.width != 0 else {
            out += text
            return
        }
        let width = flags.width - text.unicodeScalars.count
        if flags.minus {
            out += text + padding(width)
        } else {
            out += padding(width) + text
        }
    }

    // MARK: Printf

    mutating func doPrintf(_ format: [Unicode.Scalar], _ arguments: [Value]) {
        let end = format.count
        var argumentNumber = 0
        var afterIndex = false
        var reordered = false
        var index = 0
        formatLoop: while index < end {
            var goodArgumentNumber = true
            let last = index
            while index < end && format[index] != "%" { index += 1 }
            if index > last {
                out.unicodeScalars.append(contentsOf: format[last..<index])
            }
            if index >= end { break }
            index += 1
            flags = Flags()
            simple: while index < end {
                let character = format[index]
                switch character {
                case "#": flags.sharp = true
                case "0": flags.zero = true
                case "+": flags.plus = true
                case "-": flags.minus = true
                case " ": flags.space = true
                default:
                    if character.value >= 0x61 && character.value <= 0x7A
                        && argumentNumber < arguments.count
                    {
                        if character == "v" { moveSharpAndPlusToV() }
                        printArgument(arguments[argumentNumber], verb: character)
                        argumentNumber += 1
                        index += 1
                        continue formatLoop
                    }
                    break simple
                }
                index += 1
            }

            func argNumber(_ current: Int, _ at: Int) -> (Int, Int, Bool) {
                guard at < end && format[at] == "[" else { return (current, at, false) }
                reordered = true
                let (parsed, width, ok) = parseArgumentNumber(format, at)
                if ok && parsed >= 0 && parsed < arguments.count {
                    return (parsed, at + width, true)
                }
                goodArgumentNumber = false
                return (current, at + width, ok)
            }

            (argumentNumber, index, afterIndex) = argNumber(argumentNumber, index)

            if index < end && format[index] == "*" {
                index += 1
                (flags.width, flags.widthPresent, argumentNumber) = intFromArgument(
                    arguments, argumentNumber)
                if !flags.widthPresent { out += "%!(BADWIDTH)" }
                if flags.width < 0 {
                    flags.width = -flags.width
                    flags.minus = true
                    flags.zero = false
                }
                afterIndex = false
            } else {
                (flags.width, flags.widthPresent, index) = parseNumber(format, index, end)
                if afterIndex && flags.widthPresent { goodArgumentNumber = false }
            }

            if index + 1 < end && format[index] == "." {
                index += 1
                if afterIndex { goodArgumentNumber = false }
                (argumentNumber, index, afterIndex) = argNumber(argumentNumber, index)
                if index < end && format[index] == "*" {
                    index += 1
                    (flags.precision, flags.precisionPresent, argumentNumber) = intFromArgument(
                        arguments, argumentNumber)
                    if flags.precision < 0 {
                        flags.precision = 0
                        flags.precisionPresent = false
                    }
                    if !flags.precisionPresent { out += "%!(BADPREC)" }
                    afterIndex = false
                } else {
                    (flags.precision, flags.precisionPresent, index) = parseNumber(
                        format, index, end)
                    if !flags.precisionPresent {
                        flags.precision = 0
                        flags.precisionPresent = true
                    }
                }
            }

            if !afterIndex {
                (argumentNumber, index, afterIndex) = argNumber(argumentNumber, index)
            }

            if index >= end {
                out += "%!(NOVERB)"
                break
            }
            let verb = format[index]
            index += 1
            if verb == "%" {
                out += "%"
            } else if !goodArgumentNumber {
                out += "%!"
                out.unicodeScalars.append(verb)
                out += "(BADINDEX)"
            } else if argumentNumber >= arguments.count {
                out += "%!"
                out.unicodeScalars.append(verb)
                out += "(MISSING)"
            } else {
                if verb == "v" { moveSharpAndPlusToV() }
                printArgument(arguments[argumentNumber], verb: verb)
                argumentNumber += 1
            }
        }

        if !reordered && argumentNumber < arguments.count {
            flags = Flags()
            out += "%!(EXTRA "
            for (position, argument) in arguments[argumentNumber...].enumerated() {
                if position > 0 { out += ", " }
                if case .null = argument {
                    out += "<nil>"
                } else {
                    out += argument.goTypeName + "="
                    printArgument(argument, verb: "v")
                }
            }
            out += ")"
        }
    }

    mutating func moveSharpAndPlusToV() {
        flags.sharpV = flags.sharp
        flags.sharp = false
        flags.plusV = flags.plus
        flags.plus = false
    }

    func parseNumber(_ format: [Unicode.Scalar], _ start: Int, _ end: Int) -> (Int, Bool, Int) {
        var index = start
        var number = 0
        var present = false
        while index < end, format[index].value >= 0x30, format[index].value <= 0x39 {
            if number > 1_000_000 { return (0, false, end) }
            number = number * 10 + Int(format[index].value - 0x30)
            present = true
            index += 1
        }
        return (number, present, index)
    }

    func parseArgumentNumber(_ format: [Unicode.Scalar], _ start: Int) -> (Int, Int, Bool) {
        guard format.count - start >= 3 else { return (0, 1, false) }
        var index = start + 1
        while index < format.count {
            if format[index] == "]" {
                let (width, ok, next) = parseNumber(format, start + 1, index)
                if !ok || next != index { return (0, index - start + 1, false) }
                return (width - 1, index - start + 1, true)
            }
            index += 1
        }
        return (0, 1, false)
    }

    func intFromArgument(_ arguments: [Value], _ number: Int) -> (Int, Bool, Int) {
        guard number < arguments.count else { return (0, false, number) }
        switch arguments[number] {
        case .int(let value):
            if value > 1_000_000 || value < -1_000_000 { return (0, false, number + 1) }
            return (value, true, number + 1)
        case .int64(let value):
            if value > 1_000_000 || value < -1_000_000 { return (0, false, number + 1) }
            return (Int(value), true, number + 1)
        default:
            return (0, false, number + 1)
        }
    }

    // MARK: arguments

    mutating func badVerb(_ verb: Unicode.Scalar, _ value: Value?) {
        out += "%!"
        out.unicodeScalars.append(verb)
        out += "("
        if let value, !value.isNull {
            out += value.goTypeName + "="
            printValue(value, verb: "v", depth: 0)
        } else {
            out += "<nil>"
        }
        out += ")"
    }

    mutating func printArgument(_ argument: Value, verb: Unicode.Scalar) {
        if case .null = argument {
            switch verb {
            case "T", "v": pad("<nil>")
            default: badVerb(verb, nil)
            }
            return
        }
        if verb == "T" {
            pad(argument.goTypeName)
            return
        }
        printValue(argument, verb: verb, depth: 0)
    }

    mutating func printValue(_ value: Value, verb: Unicode.Scalar, depth: Int) {
        switch value {
        case .null:
            if flags.sharpV {
                out += "interface {}(nil)"
            } else {
                pad("<nil>")
            }
        case .bool(let bool):
            switch verb {
            case "t", "v": pad(bool ? "true" : "false")
            default: badVerb(verb, value)
            }
        case .int(let int):
            formatInteger(UInt64(bitPattern: Int64(int)), signed: true, verb: verb, value)
        case .int64(let int):
            formatInteger(UInt64(bitPattern: int), signed: true, verb: verb, value)
        case .float(let double):
            formatFloatVerb(double, verb: verb, value)
        case .string(let string):
            formatString(string, verb: verb, value)
        case .list(let elements):
            printList(elements, typeName: "[]interface {}", verb: verb, depth: depth)
        case .map(let dictionary):
            if flags.sharpV {
                out += "map[string]interface {}{"
            } else {
                out += "map["
            }
            for (position, key) in dictionary.keys.sorted().enumerated() {
                if position > 0 { out += flags.sharpV ? ", " : " " }
                printValue(.string(key), verb: verb, depth: depth + 1)
                out += ":"
                printValue(dictionary[key] ?? .null, verb: verb, depth: depth + 1)
            }
            out += flags.sharpV ? "}" : "]"
        case .object(let object):
            printObject(object, verb: verb, depth: depth)
        }
    }

    mutating func printList(_ elements: [Value], typeName: String, verb: Unicode.Scalar, depth: Int)
    {
        if flags.sharpV {
            out += typeName + "{"
            for (position, element) in elements.enumerated() {
                if position > 0 { out += ", " }
                printValue(element, verb: verb, depth: depth + 1)
            }
            out += "}"
        } else {
            out += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { out += " " }
                printValue(element, verb: verb, depth: depth + 1)
            }
            out += "]"
        }
    }

    mutating func printObject(_ object: any GoObject, verb: Unicode.Scalar, depth: Int) {
        if object.goTypeName == "[]uint8", let elements = object.elements,
            ["s", "q", "x", "X"].contains(verb)
        {
            let bytes = elements.compactMap { element -> UInt8? in
                switch element {
                case .int(let int): UInt8(truncatingIfNeeded: int)
                case .int64(let int): UInt8(truncatingIfNeeded: int)
                default: nil
                }
            }
            formatString(String(decoding: bytes, as: UTF8.self), verb: verb, .object(object))
            return
        }
        if object.goKind == "slice", let elements = object.elements,
            !["v", "s", "q", "x", "X"].contains(verb) || object.formatted.hasPrefix("[")
        {
            printList(elements, typeName: object.goTypeName, verb: verb, depth: depth)
            return
        }
        switch verb {
        case "v", "s": pad(object.formatted)
        case "q": pad(GoFormat.quote(object.formatted, asciiOnly: flags.plus))
        case "x", "X": formatHexString(Array(object.formatted.utf8), uppercase: verb == "X")
        default:
            out += "%!"
            out.unicodeScalars.append(verb)
            out += "(" + object.goTypeName + "=" + object.formatted + ")"
        }
    }

    // MARK: integers

    mutating func formatInteger(_ bits: UInt64, signed: Bool, verb: Unicode.Scalar, _ value: Value)
    {
        switch verb {
        case "v", "d": integer(bits, base: 10, signed: signed, verb: verb, uppercase: false)
        case "b": integer(bits, base: 2, signed: signed, verb: verb, uppercase: false)
        case "o", "O": integer(bits, base: 8, signed: signed, verb: verb, uppercase: false)
        case "x": integer(bits, base: 16, signed: signed, verb: verb, uppercase: false)
        case "X": integer(bits, base: 16, signed: signed, verb: verb, uppercase: true)
        case "c":
            let scalar = scalarFor(bits)
            pad(String(Character(scalar)))
        case "q":
            let scalar = scalarFor(bits)
            if flags.sharp && scalar != "'" && GoFormat.canBackquote(String(scalar)) {
                pad("'" + String(scalar) + "'")
            } else {
                pad(GoFormat.quoteRune(scalar, asciiOnly: flags.plus))
            }
        case "U":
            var digits = String(bits, radix: 16, uppercase: true)
            let minimum = flags.precisionPresent && flags.precision > 4 ? flags.precision : 4
            if digits.count < minimum {
                digits = String(repeating: "0", count: minimum - digits.count) + digits
            }
            var text = "U+" + digits
            if flags.sharp, bits <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(bits)),
                GoFormat.isPrint(scalar)
            {
                text += " '" + String(scalar) + "'"
            }
            let oldZero = flags.zero
            flags.zero = false
            pad(text)
            flags.zero = oldZero
        default:
            badVerb(verb, value)
        }
    }

    func scalarFor(_ bits: UInt64) -> Unicode.Scalar {
        if bits > 0x10FFFF { return "\u{FFFD}" }
        return Unicode.Scalar(UInt32(bits)) ?? "\u{FFFD}"
    }

    mutating func integer(
        _ bits: UInt64, base: Int, signed: Bool, verb: Unicode.Scalar, uppercase: Bool
    ) {
        let negative = signed && Int64(bitPattern: bits) < 0
        let magnitude = negative ? (0 &- bits) : bits
        var precision = 0
        if flags.precisionPresent {
            precision = flags.precision
            if precision == 0 && magnitude == 0 {
                let oldZero = flags.zero
                flags.zero = false
                out += padding(flags.width)
                flags.zero = oldZero
                return
            }
        } else if flags.zero && !flags.minus && flags.widthPresent {
            precision = flags.width
            if negative || flags.plus || flags.space { precision -= 1 }
        }
        var digits = String(magnitude, radix: base, uppercase: uppercase)
        if digits.count < precision {
            digits = String(repeating: "0", count: precision - digits.count) + digits
        }
        if flags.sharp {
            switch base {
            case 2: digits = "0b" + digits
            case 8: if !digits.hasPrefix("0") { digits = "0" + digits }
            case 16: digits = (uppercase ? "0X" : "0x") + digits
            default: break
            }
        }
        if verb == "O" { digits = "0o" + digits }
        if negative {
            digits = "-" + digits
        } else if flags.plus {
            digits = "+" + digits
        } else if flags.space {
            digits = " " + digits
        }
        let oldZero = flags.zero
        flags.zero = false
        pad(digits)
        flags.zero = oldZero
    }

    // MARK: floats

    mutating func formatFloatVerb(_ double: Double, verb: Unicode.Scalar, _ value: Value) {
        switch verb {
        case "v": float(double, format: "g", precision: -1)
        case "b", "g", "G", "x", "X":
            float(double, format: Character(verb), precision: -1)
        case "f", "e", "E": float(double, format: Character(verb), precision: 6)
        case "F": float(double, format: "f", precision: 6)
        default: badVerb(verb, value)
        }
    }

    mutating func float(_ double: Double, format: Character, precision defaultPrecision: Int) {
        let precision = flags.precisionPresent ? flags.precision : defaultPrecision
        var number = Array(FloatFormatter.format(double, format, precision).utf8)
        if number.first == UInt8(ascii: "-") || number.first == UInt8(ascii: "+") {
            // keep the sign
        } else {
            number.insert(UInt8(ascii: "+"), at: 0)
        }
        if flags.space && number[0] == UInt8(ascii: "+") && !flags.plus {
            number[0] = UInt8(ascii: " ")
        }
        if number.count > 1 && (number[1] == UInt8(ascii: "I") || number[1] == UInt8(ascii: "N")) {
            let oldZero = flags.zero
            flags.zero = false
            if number[1] == UInt8(ascii: "N") && !flags.space && !flags.plus {
                number.removeFirst()
            }
            pad(String(decoding: number, as: UTF8.self))
            flags.zero = oldZero
            return
        }
        if flags.sharp && format != "b" {
            var digits = 0
            switch format {
            case "v", "g", "G", "x":
                digits = precision == -1 ? 6 : precision
            default: break
            }
            var tail: [UInt8] = []
            var hasDecimalPoint = false
            var sawNonzeroDigit = false
            var index = 1
            scan: while index < number.count {
                let byte = number[index]
                switch byte {
                case UInt8(ascii: "."):
                    hasDecimalPoint = true
                case UInt8(ascii: "p"), UInt8(ascii: "P"):
                    tail = Array(number[index...])
                    number.removeSubrange(index...)
                    break scan
                case UInt8(ascii: "e") where format != "x" && format != "X",
                    UInt8(ascii: "E") where format != "x" && format != "X":
                    tail = Array(number[index...])
                    number.removeSubrange(index...)
                    break scan
                default:
                    if byte != UInt8(ascii: "0") { sawNonzeroDigit = true }
                    if sawNonzeroDigit { digits -= 1 }
                }
                index += 1
            }
            if !hasDecimalPoint {
                if number.count == 2 && number[1] == UInt8(ascii: "0") { digits -= 1 }
                number.append(UInt8(ascii: "."))
            }
            while digits > 0 {
                number.append(UInt8(ascii: "0"))
                digits -= 1
            }
            number += tail
        }
        let text = String(decoding: number, as: UTF8.self)
        if flags.plus || number[0] != UInt8(ascii: "+") {
            if flags.zero && !flags.minus && flags.widthPresent && flags.width > number.count {
                out += String(text.prefix(1))
                out += padding(flags.width - number.count)
                out += String(text.dropFirst())
                return
            }
            pad(text)
            return
        }
        pad(String(text.dropFirst()))
    }

    // MARK: strings

    mutating func formatString(_ string: String, verb: Unicode.Scalar, _ value: Value) {
        switch verb {
        case "v":
            if flags.sharpV {
                quoteString(string)
            } else {
                pad(truncated(string))
            }
        case "s": pad(truncated(string))
        case "x", "X": formatHexString(Array(string.utf8), uppercase: verb == "X")
        case "q": quoteString(string)
        default: badVerb(verb, value)
        }
    }

    func truncated(_ string: String) -> String {
        guard flags.precisionPresent else { return string }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: string.unicodeScalars.prefix(flags.precision))
        return String(scalars)
    }

    mutating func quoteString(_ string: String) {
        let text = truncated(string)
        if flags.sharp && GoFormat.canBackquote(text) {
            pad("`" + text + "`")
        } else {
            pad(GoFormat.quote(text, asciiOnly: flags.plus))
        }
    }

    mutating func formatHexString(_ bytes: [UInt8], uppercase: Bool) {
        var length = bytes.count
        if flags.precisionPresent && flags.precision < length { length = flags.precision }
        var text = ""
        if length <= 0 {
            if flags.widthPresent { out += padding(flags.width) }
            return
        }
        let prefix = uppercase ? "0X" : "0x"
        if flags.sharp { text += prefix }
        for index in 0..<length {
            if flags.space && index > 0 {
                text += " "
                if flags.sharp { text += prefix }
            }
            text += GoFormat.hex(UInt64(bytes[index]), digits: 2, uppercase: uppercase)
        }
        pad(text)
    }
}

extension Value {
    fileprivate var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// `strconv.FormatFloat` for 64-bit floats.
enum FloatFormatter {
    /// Decimal digits of a float without sign: `0.d1d2...dn × 10^point`.
    struct Digits {
        var digits: [UInt8]
        var point: Int
    }

    static func format(_ value: Double, _ format: Character, _ precision: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let negative = value.sign == .minus
        let sign = negative ? "-" : ""
        let magnitude = abs(value)
        switch format {
        case "b":
            let bits = magnitude.bitPattern
            var exponent = Int((bits >> 52) & 0x7FF)
            var mantissa = bits & ((1 << 52) - 1)
            if exponent == 0 {
                exponent = 1
            } else {
                mantissa |= 1 << 52
            }
            exponent -= 1023 + 52
            return sign + String(mantissa) + "p" + (exponent >= 0 ? "+" : "") + String(exponent)
        case "x", "X":
            var text = String(format: precision < 0 ? "%a" : "%.\(precision)a", magnitude)
            text = widenHexExponent(text)
            if format == "X" { text = text.uppercased() }
            return sign + text
        default:
            break
        }
        let lower = Character(format.lowercased())
        let upper = format.isUppercase
        if precision < 0 {
            let digits = shortest(magnitude)
            let text: String
            switch lower {
            case "e": text = formatE(digits, precision: max(digits.digits.count - 1, 0), upper)
            case "f": text = formatF(digits, precision: max(digits.digits.count - digits.point, 0))
            default: text = formatG(digits, precision: digits.digits.count, shortest: true, upper)
            }
            return sign + text
        }
        switch lower {
        case "e":
            let digits = fixed(magnitude, significant: precision + 1)
            return sign + formatE(digits, precision: precision, upper)
        case "f":
            return sign + String(format: "%.\(precision)f", magnitude)
        default:
            let significant = precision == 0 ? 1 : precision
            var digits = fixed(magnitude, significant: significant)
            while let last = digits.digits.last, last == UInt8(ascii: "0") {
                digits.digits.removeLast()
            }
            if digits.digits.isEmpty { digits.point = 0 }
            return sign + formatG(digits, precision: significant, shortest: false, upper)
        }
    }

    static func widenHexExponent(_ text: String) -> String {
        guard let p = text.firstIndex(of: "p") else { return text }
        let mantissa = text[..<p]
        var exponent = text[text.index(after: p)...]
        let sign = exponent.first ?? "+"
        exponent = exponent.dropFirst()
        let padded = exponent.count < 2 ? "0" + exponent : String(exponent)
        return mantissa + "p" + String(sign) + padded
    }

    /// The shortest digits that read back as the value: Swift's `description` finds them; the
    /// notation is Go's.
    static func shortest(_ magnitude: Double) -> Digits {
        if magnitude == 0 { return Digits(digits: [], point: 0) }
        let text = magnitude.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for byte in mantissa.utf8 {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(byte)
            if !seenPoint { point += 1 }
        }
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
        }
        return Digits(digits: digits, point: point + exponent)
    }

    /// Correctly rounded digits (C's printf rounds the exact binary value as Go does).
    static func fixed(_ magnitude: Double, significant: Int) -> Digits {
        let text = String(format: "%.\(max(significant - 1, 0))e", magnitude)
        guard let e = text.firstIndex(of: "e") else { return Digits(digits: [], point: 0) }
        let digits = text[..<e].utf8.filter { $0 != UInt8(ascii: ".") }
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        if magnitude == 0 { return Digits(digits: Array(digits), point: 1) }
        return Digits(digits: Array(digits), point: exponent + 1)
    }

    static func formatE(_ digits: Digits, precision: Int, _ upper: Bool) -> String {
        var out = ""
        let first = digits.digits.first.map { Character(UnicodeScalar($0)) } ?? "0"
        out.append(first)
        if precision > 0 {
            out += "."
            var index = 1
            let end = min(digits.digits.count, precision + 1)
            while index < end {
                out.append(Character(UnicodeScalar(digits.digits[index])))
                index += 1
            }
            while index <= precision {
                out += "0"
                index += 1
            }
        }
        out += upper ? "E" : "e"
        var exponent = digits.point - 1
        if digits.digits.isEmpty { exponent = 0 }
        if exponent < 0 {
            out += "-"
            exponent = -exponent
        } else {
            out += "+"
        }
        if exponent < 10 {
            out += "0" + String(exponent)
        } else {
            out += String(exponent)
        }
        return out
    }

    static func formatF(_ digits: Digits, precision: Int) -> String {
        var out = ""
        if digits.point > 0 {
            var count = min(digits.digits.count, digits.point)
            out += String(decoding: digits.digits[0..<count], as: UTF8.self)
            while count < digits.point {
                out += "0"
                count += 1
            }
        } else {
            out += "0"
        }
        if precision > 0 {
            out += "."
            for index in 1...precision {
                let position = digits.point + index - 1
                if position >= 0 && position < digits.digits.count {
                    out.append(Character(UnicodeScalar(digits.digits[position])))
                } else {
                    out += "0"
                }
            }
        }
        return out
    }

    static func formatG(_ digits: Digits, precision: Int, shortest: Bool, _ upper: Bool) -> String {
        var precision = precision
        let count = digits.digits.count
        var exponentPrecision = precision
        if exponentPrecision > count && count >= digits.point {
            exponentPrecision = count
        }
        if shortest { exponentPrecision = 6 }
        let exponent = digits.point - 1
        if exponent < -4 || exponent >= exponentPrecision {
            if precision > count { precision = count }
            return formatE(digits, precision: max(precision - 1, 0), upper)
        }
        if precision > digits.point { precision = count }
        return formatF(digits, precision: max(precision - digits.point, 0))
    }
}
