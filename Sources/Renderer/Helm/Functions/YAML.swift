import Foundation

/// `sigs.k8s.io/yaml.Marshal` as Helm's `toYaml` uses it: the value goes through
/// encoding/json, is read back by go-yaml v2 (so whole numbers become ints), and go-yaml v2's
/// emitter writes it: keys in go-yaml's natural order, sequences not indented under their key,
/// strings that would read back as another type double-quoted, strings that cannot be plain
/// single-quoted, multi-line strings as literal blocks, no line folding.
public enum GoYAML {
    /// A node as go-yaml's encoder sees it.
    indirect enum Node {
        case null
        case bool(Bool)
        /// An integer, as its decimal text.
        case int(String)
        case float(Double)
        case string(String)
        case sequence([Node])
        case mapping([(String, Node)])
    }

    public struct EncodeError: Error, Sendable {
        public var message: String
    }

    /// `yaml.Marshal(value)` of sigs.k8s.io/yaml, with its trailing newline.
    public static func marshal(_ value: Value) throws(EncodeError) -> String {
        let node = try jsonNode(value)
        var out = ""
        Emitter(indentSequences: false).root(node, into: &out)
        return out
    }

    /// Helm's `toYamlPretty`: go-yaml's encoder with `SetIndent(2)` straight from the value
    /// (floats keep Go's `%g` form), sequences indented under their key.
    public static func marshalPretty(_ value: Value) throws(EncodeError) -> String {
        let node = try directNode(value)
        var out = ""
        Emitter(indentSequences: true).root(node, into: &out)
        return out
    }

    /// The value after a JSON round trip read back by go-yaml v2.
    static func jsonNode(_ value: Value) throws(EncodeError) -> Node {
        switch value {
        case .null: return .null
        case .bool(let bool): return .bool(bool)
        case .int(let int): return .int(String(int))
        case .int64(let int): return .int(String(int))
        case .float(let double):
            guard double.isFinite else {
                throw EncodeError(
                    message: "json: unsupported value: \(GoFormat.formatFloat(double, "g", -1))")
            }
            let text = JSONCodec.formatFloat(double)
            if let int = Int64(text) { return .int(String(int)) }
            if UInt64(text) != nil { return .int(text) }
            return .float(Double(text) ?? double)
        case .string(let string): return .string(string)
        case .list(let list):
            var nodes: [Node] = []
            for element in list { nodes.append(try jsonNode(element)) }
            return .sequence(nodes)
        case .map(let map):
            var pairs: [(String, Node)] = []
            for key in map.keys.sorted(by: YAMLWriter.keyLess) {
                pairs.append((key, try jsonNode(map[key] ?? .null)))
            }
            return .mapping(pairs)
        case .object(let object):
            guard let marshalled = object.marshalled else {
                throw EncodeError(message: "json: unsupported type: \(object.goTypeName)")
            }
            return try jsonNode(marshalled)
        }
    }

    static func directNode(_ value: Value) throws(EncodeError) -> Node {
        switch value {
        case .float(let double): return .float(double)
        case .list(let list):
            var nodes: [Node] = []
            for element in list { nodes.append(try directNode(element)) }
            return .sequence(nodes)
        case .map(let map):
            var pairs: [(String, Node)] = []
            for key in map.keys.sorted(by: YAMLWriter.keyLess) {
                pairs.append((key, try directNode(map[key] ?? .null)))
            }
            return .mapping(pairs)
        case .object(let object):
            if let marshalled = object.marshalled { return try directNode(marshalled) }
            return .string(object.formatted)
        default:
            return try jsonNode(value)
        }
    }

    // MARK: scalar styles

    enum Style { case plain, singleQuoted, doubleQuoted, literal }

    struct Analysis {
        var multiline = false
        var blockPlainAllowed = true
        var singleQuotedAllowed = true
        var blockAllowed = true
    }

    static func isPrintable(_ bytes: [UInt8], _ index: Int) -> Bool {
        let byte = bytes[index]
        func at(_ offset: Int) -> UInt8 { index + offset < bytes.count ? bytes[index + offset] : 0 }
        return byte == 0x0A || (byte >= 0x20 && byte <= 0x7E) || (byte == 0xC2 && at(1) >= 0xA0)
            || (byte > 0xC2 && byte < 0xED) || (byte == 0xED && at(1) < 0xA0) || byte == 0xEE
            || (byte == 0xEF && !(at(1) == 0xBB && at(2) == 0xBF)
                && !(at(1) == 0xBF && (at(2) == 0xBE || at(2) == 0xBF)))
    }

    static func width(_ byte: UInt8) -> Int {
        if byte & 0x80 == 0 { return 1 }
        if byte & 0xE0 == 0xC0 { return 2 }
        if byte & 0xF0 == 0xE0 { return 3 }
        if byte & 0xF8 == 0xF0 { return 4 }
        return 1
    }

    static func isBreak(_ bytes: [UInt8], _ index: Int) -> Bool {
        let byte = bytes[index]
        func at(_ offset: Int) -> UInt8 { index + offset < bytes.count ? bytes[index + offset] : 0 }
        return byte == 0x0D || byte == 0x0A || (byte == 0xC2 && at(1) == 0x85)
            || (byte == 0xE2 && at(1) == 0x80 && (at(2) == 0xA8 || at(2) == 0xA9))
    }

    /// go-yaml's `yaml_emitter_analyze_scalar`.
    static func analyze(_ text: String) -> Analysis {
        let bytes = Array(text.utf8)
        var analysis = Analysis()
        if bytes.isEmpty {
            analysis.blockAllowed = false
            return analysis
        }
        var blockIndicators = false
        var lineBreaks = false
        var specialCharacters = false
        var leadingSpace = false
        var leadingBreak = false
        var trailingSpace = false
        var trailingBreak = false
        var breakSpace = false
        var spaceBreak = false
        var precededByWhitespace = true
        var previousSpace = false
        var previousBreak = false
        if bytes.count >= 3
            && (bytes[0...2].elementsEqual("---".utf8) || bytes[0...2].elementsEqual("...".utf8))
        {
            blockIndicators = true
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let step = width(byte)
            let next = index + step
            let followedByWhitespace =
                next >= bytes.count || bytes[next] == 0x20 || bytes[next] == 0x09
            if index == 0 {
                switch byte {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
                    UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"),
                    UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
                    UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    if followedByWhitespace { blockIndicators = true }
                default: break
                }
            } else {
                switch byte {
                case UInt8(ascii: ":"):
                    if followedByWhitespace { blockIndicators = true }
                case UInt8(ascii: "#"):
                    if precededByWhitespace { blockIndicators = true }
                default: break
                }
            }
            if !isPrintable(bytes, index) { specialCharacters = true }
            if byte == 0x20 {
                if index == 0 { leadingSpace = true }
                if next == bytes.count { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if isBreak(bytes, index) {
                lineBreaks = true
                if index == 0 { leadingBreak = true }
                if next == bytes.count { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace =
                byte == 0x20 || byte == 0x09 || byte == 0 || isBreak(bytes, index)
            index = next
        }
        analysis.multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
            analysis.blockPlainAllowed = false
        }
        if trailingSpace { analysis.blockAllowed = false }
        if breakSpace {
            analysis.blockPlainAllowed = false
            analysis.singleQuotedAllowed = false
        }
        if spaceBreak || specialCharacters {
            analysis.blockPlainAllowed = false
            analysis.singleQuotedAllowed = false
            analysis.blockAllowed = false
        }
        if lineBreaks { analysis.blockPlainAllowed = false }
        if blockIndicators { analysis.blockPlainAllowed = false }
        return analysis
    }

    /// The style go-yaml v2's `stringv` asks for and the emitter settles on.
    static func style(_ text: String, isKey: Bool) -> Style {
        var style: Style
        if text.contains("\n") {
            style = .literal
        } else if YAML11.resolvesToString(text) || text == "<<" {
            style = .plain
        } else {
            style = .doubleQuoted
        }
        let analysis = analyze(text)
        if isKey && analysis.multiline { style = .doubleQuoted }
        if style == .plain {
            if !analysis.blockPlainAllowed { style = .singleQuoted }
            if text.isEmpty && isKey { style = .singleQuoted }
        }
        if style == .singleQuoted && !analysis.singleQuotedAllowed { style = .doubleQuoted }
        if style == .literal && (!analysis.blockAllowed || isKey) { style = .doubleQuoted }
        return style
    }

    static func doubleQuoted(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let isBOM =
                byte == 0xEF && index + 2 < bytes.count && bytes[index + 1] == 0xBB
                && bytes[index + 2] == 0xBF
            if !isPrintable(bytes, index) || isBOM || isBreak(bytes, index)
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            {
                let step = min(width(byte), bytes.count - index)
                let scalar =
                    String(decoding: bytes[index..<index + step], as: UTF8.self).unicodeScalars
                    .first?
                    .value ?? 0xFFFD
                index += step
                out.append(UInt8(ascii: "\\"))
                let short: [UInt32: Character] = [
                    0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f",
                    0x0D: "r", 0x1B: "e", 0x22: "\"", 0x5C: "\\", 0x85: "N", 0xA0: "_",
                    0x2028: "L", 0x2029: "P",
                ]
                if let letter = short[scalar] {
                    out += Array(String(letter).utf8)
                } else {
                    let (prefix, digits) =
                        scalar <= 0xFF ? ("x", 2) : scalar <= 0xFFFF ? ("u", 4) : ("U", 8)
                    out += Array(prefix.utf8)
                    out += Array(GoFormat.hex(UInt64(scalar), digits: digits, uppercase: true).utf8)
                }
            } else {
                out.append(byte)
                index += 1
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// One scalar as it appears after `key:` or `- `: inline text, or a literal block header and
    /// its lines.
    static func scalarText(_ node: Node) -> (inline: String, lines: [String]?) {
        switch node {
        case .null: return ("null", nil)
        case .bool(let bool): return (bool ? "true" : "false", nil)
        case .int(let text): return (text, nil)
        case .float(let double):
            var text = GoFormat.formatFloat(double, "g", -1)
            if text == "+Inf" {
                text = ".inf"
            } else if text == "-Inf" {
                text = "-.inf"
            } else if text == "NaN" {
                text = ".nan"
            }
            return (text, nil)
        case .string(let string):
            switch style(string, isKey: false) {
            case .plain: return (string, nil)
            case .singleQuoted:
                return ("'" + string.replacingOccurrences(of: "'", with: "''") + "'", nil)
            case .doubleQuoted: return (doubleQuoted(string), nil)
            case .literal:
                var header = "|"
                if string.hasPrefix(" ") || string.hasPrefix("\n") { header += "2" }
                var lines = string.components(separatedBy: "\n")
                if !string.hasSuffix("\n") {
                    header += "-"
                } else {
                    lines.removeLast()
                    if string == "\n" || string.hasSuffix("\n\n") { header += "+" }
                }
                return (header, lines)
            }
        case .sequence, .mapping:
            return ("", nil)
        }
    }

    /// go-yaml v2 folds plain and quoted scalars at a space once the line is past 80 columns.
    static func fold(_ text: String, _ style: Style, column start: Int, indent: Int) -> String {
        guard style != .literal else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var column = start
        var spaces = false
        for (index, scalar) in scalars.enumerated() {
            guard scalar == " " else {
                out.append(scalar)
                column += 1
                spaces = false
                continue
            }
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            let first = style != .plain && index == 1
            let last = style != .plain && index + 2 == scalars.count
            var canBreak = !spaces && column > 80
            switch style {
            case .plain: canBreak = canBreak && next != nil && next != " "
            case .singleQuoted: canBreak = canBreak && !first && !last && next != " "
            default: canBreak = canBreak && !first && !last
            }
            if canBreak {
                out.append("\n")
                out.append(contentsOf: String(repeating: " ", count: indent).unicodeScalars)
                column = indent
                if style == .doubleQuoted && next == " " {
                    out.append("\\")
                    column += 1
                }
            } else {
                out.append(" ")
                column += 1
            }
            spaces = true
        }
        return String(out)
    }

    static func keyText(_ key: String) -> String {
        switch style(key, isKey: true) {
        case .plain: key
        case .singleQuoted: "'" + key.replacingOccurrences(of: "'", with: "''") + "'"
        case .doubleQuoted, .literal: doubleQuoted(key)
        }
    }

    struct Emitter {
        var indentSequences: Bool

        func pad(_ count: Int) -> String { String(repeating: " ", count: count) }

        func root(_ node: Node, into out: inout String) {
            switch node {
            case .mapping(let pairs) where !pairs.isEmpty:
                for (index, pair) in pairs.enumerated() {
                    if index > 0 { out += "\n" }
                    self.pair(pair, indent: 0, into: &out)
                }
            case .sequence(let items) where !items.isEmpty:
                let indent = indentSequences ? 0 : 0
                for (index, item) in items.enumerated() {
                    if index > 0 { out += "\n" }
                    out += pad(indent) + "-"
                    self.item(item, dash: indent, into: &out)
                }
            default:
                scalarOrEmpty(node, contentIndent: 2, separator: "", into: &out)
            }
            out += "\n"
        }

        func scalarOrEmpty(
            _ node: Node, contentIndent: Int, separator: String, into out: inout String
        ) {
            switch node {
            case .mapping: out += separator + "{}"
            case .sequence: out += separator + "[]"
            default:
                var (inline, lines) = scalarText(node)
                // go-yaml v3 (toYamlPretty) does not fold.
                if case .string(let string) = node, lines == nil, !indentSequences {
                    let lineStart =
                        out.lastIndex(of: "\n").map { out.index(after: $0) } ?? out.startIndex
                    let column = out[lineStart...].unicodeScalars.count + separator.count
                    inline = fold(
                        inline, style(string, isKey: false), column: column, indent: contentIndent)
                }
                out += separator + inline
                for line in lines ?? [] {
                    out += line.isEmpty ? "\n" : "\n" + pad(contentIndent) + line
                }
            }
        }

        func pair(_ pair: (String, Node), indent: Int, into out: inout String) {
            if analyze(pair.0).multiline || pair.0.utf8.count > 128 {
                // Not a simple key: go-yaml writes `? key` and `: value` on lines of their own.
                out += "?"
                scalarOrEmpty(
                    .string(pair.0), contentIndent: indent + 2, separator: " ", into: &out)
                out += "\n" + pad(indent) + ":"
            } else {
                out += keyText(pair.0) + ":"
            }
            switch pair.1 {
            case .mapping(let pairs) where !pairs.isEmpty:
                for inner in pairs {
                    out += "\n" + pad(indent + 2)
                    self.pair(inner, indent: indent + 2, into: &out)
                }
            case .sequence(let items) where !items.isEmpty:
                let dash = indentSequences ? indent + 2 : indent
                for item in items {
                    out += "\n" + pad(dash) + "-"
                    self.item(item, dash: dash, into: &out)
                }
            default:
                scalarOrEmpty(pair.1, contentIndent: indent + 2, separator: " ", into: &out)
            }
        }

        func item(_ node: Node, dash: Int, into out: inout String) {
            switch node {
            case .mapping(let pairs) where !pairs.isEmpty:
                for (index, inner) in pairs.enumerated() {
                    out += index == 0 ? " " : "\n" + pad(dash + 2)
                    pair(inner, indent: dash + 2, into: &out)
                }
            case .sequence(let items) where !items.isEmpty:
                for (index, inner) in items.enumerated() {
                    out += index == 0 ? " -" : "\n" + pad(dash + 2) + "-"
                    item(inner, dash: dash + 2, into: &out)
                }
            default:
                scalarOrEmpty(node, contentIndent: dash + 2, separator: " ", into: &out)
            }
        }
    }
}
