import Foundation

/// Writes resources as `kubectl kustomize` prints them: kustomize turns each resource into JSON
/// and back into YAML with go-yaml v2, so keys are sorted (digits compared as numbers), strings
/// that YAML 1.1 would read as something else are double-quoted, strings that cannot be plain
/// are single-quoted, multi-line strings are literal blocks, and long lines fold at 80 columns.
public enum YAMLWriter {
    /// Several documents, separated by `---`.
    public static func documents(_ values: [KValue]) -> String {
        values.map { document($0) }.joined(separator: "---\n")
    }

    /// One document.
    public static func document(_ value: KValue) -> String {
        var writer = Writer()
        writer.emitNode(value, indent: -1, context: .root)
        if writer.column != 0 { writer.output += "\n" }
        return writer.output
    }

    /// Sorts mapping keys as go-yaml v2 does: runs of digits compare as numbers, letters before
    /// other characters.
    public static func keyLess(_ a: String, _ b: String) -> Bool {
        let ar = Array(a.unicodeScalars)
        let br = Array(b.unicodeScalars)
        var i = 0
        while i < ar.count && i < br.count {
            if ar[i] == br[i] {
                i += 1
                continue
            }
            let al = ar[i].properties.isAlphabetic
            let bl = br[i].properties.isAlphabetic
            if al && bl { return ar[i].value < br[i].value }
            if al || bl { return bl }
            var an: Int64 = 0
            var bn: Int64 = 0
            if ar[i] == "0" || br[i] == "0" {
                var j = i - 1
                while j >= 0 && isDigit(ar[j]) {
                    if ar[j] != "0" {
                        an = 1
                        bn = 1
                        break
                    }
                    j -= 1
                }
            }
            var ai = i
            while ai < ar.count && isDigit(ar[ai]) {
                an = an &* 10 &+ Int64(ar[ai].value - 48)
                ai += 1
            }
            var bi = i
            while bi < br.count && isDigit(br[bi]) {
                bn = bn &* 10 &+ Int64(br[bi].value - 48)
                bi += 1
            }
            if an != bn { return an < bn }
            if ai != bi { return ai < bi }
            return ar[i].value < br[i].value
        }
        return ar.count < br.count
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 48 && scalar.value <= 57
    }
}

private enum NodeContext {
    case root
    case mappingValue
    case sequenceItem
}

private enum ScalarStyle {
    case plain
    case singleQuoted
    case doubleQuoted
    case literal
}

private struct Writer {
    var output = ""
    var column = 0
    var whitespace = true
    var indention = true
    let bestWidth = 80

    mutating func write(_ text: String) {
        output += text
        column += text.unicodeScalars.count
    }

    mutating func writeBreak() {
        output += "\n"
        column = 0
    }

    mutating func writeIndent(_ indent: Int) {
        let target = max(indent, 0)
        if !indention || column > target || (column == target && !whitespace) {
            writeBreak()
        }
        while column < target { write(" ") }
        whitespace = true
        indention = true
    }

    mutating func writeIndicator(
        _ indicator: String, needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool
    ) {
        if needWhitespace && !whitespace { write(" ") }
        write(indicator)
        whitespace = isWhitespace
        indention = indention && isIndention
    }

    /// Emits `value` whose parent sits at `indent`.
    mutating func emitNode(_ value: KValue, indent: Int, context: NodeContext) {
        switch value {
        case .map(let pairs) where !pairs.isEmpty:
            let inner = indent < 0 ? 0 : indent + 2
            let sorted = pairs.sorted { YAMLWriter.keyLess($0.0, $1.0) }
            for (key, child) in sorted {
                writeIndent(inner)
                emitScalar(key, indent: inner, simpleKey: true)
                writeIndicator(":", needWhitespace: false, isWhitespace: false, isIndention: false)
                emitNode(child, indent: inner, context: .mappingValue)
            }
        case .list(let items) where !items.isEmpty:
            // A sequence inside a mapping is not indented; elsewhere it is.
            let inner: Int
            if indent < 0 {
                inner = 0
            } else if context == .mappingValue && !indention {
                inner = indent
            } else {
                inner = indent + 2
            }
            for item in items {
                writeIndent(inner)
                writeIndicator("-", needWhitespace: true, isWhitespace: false, isIndention: true)
                emitNode(item, indent: inner, context: .sequenceItem)
            }
        case .map:
            writeIndicator("{}", needWhitespace: true, isWhitespace: false, isIndention: false)
        case .list:
            writeIndicator("[]", needWhitespace: true, isWhitespace: false, isIndention: false)
        case .null:
            emitRaw("null")
        case .bool(let flag):
            emitRaw(flag ? "true" : "false")
        case .int(let text):
            emitRaw(text)
        case .float(let number):
            emitRaw(KValue.formatFloat(number))
        case .string(let text):
            emitScalar(text, indent: indent < 0 ? 0 : indent + 2, simpleKey: false)
        }
    }

    mutating func emitRaw(_ text: String) {
        if !whitespace { write(" ") }
        write(text)
        whitespace = false
        indention = false
    }

    /// Emits a string scalar at `indent` (the indentation its continuation lines use).
    mutating func emitScalar(_ text: String, indent: Int, simpleKey: Bool) {
        let analysis = ScalarAnalysis(text)
        var style: ScalarStyle
        if text.contains("\n") {
            style = .literal
        } else if YAML11.resolvesToString(text) {
            style = .plain
        } else {
            style = .doubleQuoted
        }
        if simpleKey && analysis.multiline { style = .doubleQuoted }
        if style == .plain {
            if !analysis.blockPlainAllowed { style = .singleQuoted }
            if text.isEmpty && simpleKey { style = .singleQuoted }
        }
        if style == .singleQuoted && !analysis.singleQuotedAllowed { style = .doubleQuoted }
        if style == .literal && (!analysis.blockAllowed || simpleKey) { style = .doubleQuoted }
        let allowBreaks = !simpleKey
        switch style {
        case .plain: writePlain(text, indent: indent, allowBreaks: allowBreaks)
        case .singleQuoted: writeSingleQuoted(text, indent: indent, allowBreaks: allowBreaks)
        case .doubleQuoted: writeDoubleQuoted(text, indent: indent, allowBreaks: allowBreaks)
        case .literal: writeLiteral(text, indent: indent)
        }
    }

    mutating func writePlain(_ text: String, indent: Int, allowBreaks: Bool) {
        if !whitespace { write(" ") }
        let scalars = Array(text.unicodeScalars)
        var spaces = false
        for (index, scalar) in scalars.enumerated() {
            if scalar == " " {
                let nextIsSpace = index + 1 < scalars.count && scalars[index + 1] == " "
                if allowBreaks && !spaces && column > bestWidth && !nextIsSpace {
                    writeIndent(indent)
                } else {
                    write(" ")
                }
                spaces = true
            } else {
                write(String(scalar))
                spaces = false
            }
        }
        whitespace = false
        indention = false
    }

    mutating func writeSingleQuoted(_ text: String, indent: Int, allowBreaks: Bool) {
        writeIndicator("'", needWhitespace: true, isWhitespace: false, isIndention: false)
        let scalars = Array(text.unicodeScalars)
        var spaces = false
        for (index, scalar) in scalars.enumerated() {
            if scalar == " " {
                let nextIsSpace = index + 1 < scalars.count && scalars[index + 1] == " "
                if allowBreaks && !spaces && column > bestWidth && index != 0
                    && index != scalars.count - 1 && !nextIsSpace
                {
                    writeIndent(indent)
                } else {
                    write(" ")
                }
                spaces = true
            } else {
                write(scalar == "'" ? "''" : String(scalar))
                spaces = false
            }
        }
        writeIndicator("'", needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    mutating func writeDoubleQuoted(_ text: String, indent: Int, allowBreaks: Bool) {
        writeIndicator("\"", needWhitespace: true, isWhitespace: false, isIndention: false)
        let scalars = Array(text.unicodeScalars)
        var spaces = false
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            if !ScalarAnalysis.isPrintable(scalar) || value == 0xFEFF
                || ScalarAnalysis.isBreak(scalar) || scalar == "\"" || scalar == "\\"
            {
                write(Self.escape(scalar))
                spaces = false
            } else if scalar == " " {
                if allowBreaks && !spaces && column > bestWidth && index != 0
                    && index != scalars.count - 1
                {
                    writeIndent(indent)
                    if index + 1 < scalars.count && scalars[index + 1] == " " { write("\\") }
                } else {
                    write(" ")
                }
                spaces = true
            } else {
                write(String(scalar))
                spaces = false
            }
        }
        writeIndicator("\"", needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x00: return "\\0"
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0B: return "\\v"
        case 0x0C: return "\\f"
        case 0x0D: return "\\r"
        case 0x1B: return "\\e"
        case 0x22: return "\\\""
        case 0x5C: return "\\\\"
        case 0x85: return "\\N"
        case 0xA0: return "\\_"
        case 0x2028: return "\\L"
        case 0x2029: return "\\P"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            if scalar.value <= 0xFF {
                return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
            } else if scalar.value <= 0xFFFF {
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
        }
    }

    mutating func writeLiteral(_ text: String, indent: Int) {
        writeIndicator("|", needWhitespace: true, isWhitespace: false, isIndention: false)
        let scalars = Array(text.unicodeScalars)
        if let first = scalars.first, first == " " || ScalarAnalysis.isBreak(first) {
            write("2")
        }
        if let last = scalars.last, !ScalarAnalysis.isBreak(last) {
            write("-")
        } else if scalars.count == 1 {
            write("+")
        } else if scalars.count >= 2, ScalarAnalysis.isBreak(scalars[scalars.count - 2]) {
            write("+")
        }
        writeBreak()
        indention = true
        whitespace = true
        var breaks = true
        for scalar in scalars {
            if ScalarAnalysis.isBreak(scalar) {
                writeBreak()
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent(indent) }
                write(String(scalar))
                indention = false
                breaks = false
            }
        }
        if !breaks { indention = false }
    }
}

/// libyaml's scalar analysis: which styles can carry a string unchanged.
private struct ScalarAnalysis {
    var multiline = false
    var blockPlainAllowed = true
    var singleQuotedAllowed = true
    var blockAllowed = true

    init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty {
            blockPlainAllowed = true
            singleQuotedAllowed = true
            blockAllowed = false
            return
        }
        var blockIndicators = false
        if text.hasPrefix("---") || text.hasPrefix("...") { blockIndicators = true }
        var lineBreaks = false
        var specialCharacters = false
        var leadingSpace = false
        var leadingBreak = false
        var trailingSpace = false
        var trailingBreak = false
        var breakSpace = false
        var spaceBreak = false
        var previousSpace = false
        var previousBreak = false
        var precededByWhitespace = true
        func isBlankZ(_ index: Int) -> Bool {
            guard index < scalars.count else { return true }
            let scalar = scalars[index]
            return scalar == " " || scalar == "\t" || Self.isBreak(scalar) || scalar.value == 0
        }
        for (index, scalar) in scalars.enumerated() {
            let followedByWhitespace = isBlankZ(index + 1)
            if index == 0 {
                if "#,[]{}&*!|>'\"%@`".unicodeScalars.contains(scalar) {
                    blockIndicators = true
                }
                if scalar == "?" || scalar == ":" {
                    if followedByWhitespace { blockIndicators = true }
                }
                if scalar == "-" && followedByWhitespace { blockIndicators = true }
            } else {
                if scalar == ":" && followedByWhitespace { blockIndicators = true }
                if scalar == "#" && precededByWhitespace { blockIndicators = true }
            }
            if !Self.isPrintable(scalar) { specialCharacters = true }
            if Self.isBreak(scalar) { lineBreaks = true }
            if scalar == " " {
                if index == 0 { leadingSpace = true }
                if index == scalars.count - 1 { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if Self.isBreak(scalar) {
                if index == 0 { leadingBreak = true }
                if index == scalars.count - 1 { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousBreak = true
                previousSpace = false
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = isBlankZ(index)
        }
        multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
            blockPlainAllowed = false
        }
        if trailingSpace { blockAllowed = false }
        if breakSpace {
            blockPlainAllowed = false
            singleQuotedAllowed = false
        }
        if spaceBreak || specialCharacters {
            blockPlainAllowed = false
            singleQuotedAllowed = false
            blockAllowed = false
        }
        if lineBreaks { blockPlainAllowed = false }
        if blockIndicators { blockPlainAllowed = false }
    }

    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// go-yaml v2's `is_printable` (which leaves out U+0085 and everything beyond U+FFFF).
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x0A, 0x20...0x7E: return true
        case 0xA0...0xD7FF: return true
        case 0xE000...0xFFFD: return value != 0xFEFF
        default: return false
        }
    }
}

/// go-yaml v2's resolution of plain scalars (YAML 1.1): whether a string may be written plain.
enum YAML11 {
    static let special: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        "", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
        "-.inf", "-.Inf", "-.INF", "<<",
    ]

    static func resolvesToString(_ text: String) -> Bool {
        if special.contains(text) { return false }
        guard let first = text.unicodeScalars.first else { return false }
        if !"+-.0123456789".unicodeScalars.contains(first) { return true }
        let plain = text.replacingAll("_", with: "")
        if goParseInt(plain) { return false }
        if KValue.isFloatText(plain) { return false }
        if isBase60Float(text) { return false }
        if looksLikeTimestamp(text) { return false }
        return true
    }

    /// Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint` accepting the text.
    static func goParseInt(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        var radix = 10
        let lower = body.lowercased()
        if lower.hasPrefix("0x") {
            radix = 16
            body = body.dropFirst(2)
        } else if lower.hasPrefix("0o") {
            radix = 8
            body = body.dropFirst(2)
        } else if lower.hasPrefix("0b") {
            radix = 2
            body = body.dropFirst(2)
        } else if body.hasPrefix("0") && body.count > 1 {
            radix = 8
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return false }
        return UInt64(body, radix: radix) != nil
    }

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
    static func isBase60Float(_ text: String) -> Bool {
        var chars = Array(text.unicodeScalars)[...]
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        guard let first = chars.first, YAMLWriter.isDigit(first) else { return false }
        while let c = chars.first, YAMLWriter.isDigit(c) || c == "_" { chars = chars.dropFirst() }
        var groups = 0
        while chars.first == ":" {
            chars = chars.dropFirst()
            var count = 0
            while let c = chars.first, YAMLWriter.isDigit(c), count < 2 {
                chars = chars.dropFirst()
                count += 1
            }
            guard count > 0 else { return false }
            groups += 1
        }
        guard groups > 0 else { return false }
        if chars.first == "." {
            chars = chars.dropFirst()
            while let c = chars.first, YAMLWriter.isDigit(c) || c == "_" {
                chars = chars.dropFirst()
            }
        }
        return chars.isEmpty
    }

    /// The date forms go-yaml v2 reads as timestamps (`2006-1-2`, with an optional time).
    static func looksLikeTimestamp(_ text: String) -> Bool {
        let chars = Array(text.unicodeScalars)
        guard chars.count >= 8, chars.prefix(4).allSatisfy(YAMLWriter.isDigit), chars[4] == "-"
        else { return false }
        var index = 5
        func number(max: Int) -> Bool {
            var count = 0
            while index < chars.count, YAMLWriter.isDigit(chars[index]), count < max {
                index += 1
                count += 1
            }
            return count > 0
        }
        guard number(max: 2), index < chars.count, chars[index] == "-" else { return false }
        index += 1
        guard number(max: 2) else { return false }
        if index == chars.count { return true }
        let separator = chars[index]
        return separator == "T" || separator == "t" || separator == " "
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
