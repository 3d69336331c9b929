import Foundation

/// BurntSushi/toml as Helm's `toToml` and `fromToml` use it.
enum TOMLCodec {
    struct CodecError: Error {
        var message: String
    }

    // MARK: encoding

    /// `toml.NewEncoder(w).Encode(v)`: plain keys first, then tables, sorted; nested tables
    /// indented two spaces per level; nil values left out.
    static func encode(_ value: Value) throws(CodecError) -> String {
        guard case .map(let map) = value else {
            if case .object(let object) = value, case .map(let map)? = object.marshalled {
                var out = ""
                try table(map, key: [], into: &out)
                return out
            }
            // BurntSushi writes a top-level plain value as its TOML text.
            return try inline(value)
        }
        var out = ""
        try table(map, key: [], into: &out)
        return out
    }

    static func isTable(_ value: Value) -> Bool {
        if case .map = value { return true }
        return false
    }

    static func isArrayOfTables(_ value: Value) -> Bool {
        guard case .list(let list) = value, !list.isEmpty else { return false }
        return list.allSatisfy(isTable)
    }

    static func indent(_ key: [String]) -> String {
        String(repeating: "  ", count: max(key.count - 1, 0))
    }

    static func keyText(_ key: String) -> String {
        let bare =
            !key.isEmpty
            && key.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "_" || $0 == "-"
            }
        return bare ? key : quote(key)
    }

    static func path(_ key: [String]) -> String { key.map(keyText).joined(separator: ".") }

    static func newline(_ out: inout String) {
        if !out.isEmpty { out += "\n" }
    }

    static func table(_ map: [String: Value], key: [String], into out: inout String)
        throws(CodecError)
    {
        let keys = map.keys.sorted()
        for name in keys {
            guard let value = map[name] else { continue }
            if case .null = value { continue }
            if isTable(value) || isArrayOfTables(value) { continue }
            let full = key + [name]
            out += indent(full) + keyText(name) + " = " + (try inline(value)) + "\n"
        }
        for name in keys {
            guard let value = map[name] else { continue }
            let full = key + [name]
            if case .map(let inner) = value {
                if full.count == 1 { newline(&out) }
                out += indent(full) + "[" + path(full) + "]\n"
                try table(inner, key: full, into: &out)
            } else if isArrayOfTables(value), case .list(let list) = value {
                for element in list {
                    guard case .map(let inner) = element else { continue }
                    newline(&out)
                    out += indent(full) + "[[" + path(full) + "]]\n"
                    try table(inner, key: full, into: &out)
                }
            }
        }
    }

    static func inline(_ value: Value) throws(CodecError) -> String {
        switch value {
        case .null: throw CodecError(message: "toml: cannot encode a nil value")
        case .bool(let bool): return bool ? "true" : "false"
        case .int(let int): return String(int)
        case .int64(let int): return String(int)
        case .float(let double):
            if double.isNaN { return "nan" }
            if double.isInfinite { return double > 0 ? "inf" : "-inf" }
            let text = GoFormat.formatFloat(double, "g", -1)
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        case .string(let string): return quote(string)
        case .list(let list):
            var parts: [String] = []
            for element in list {
                if case .null = element { continue }
                parts.append(try inline(element))
            }
            return "[" + parts.joined(separator: ", ") + "]"
        case .map(let map):
            var parts: [String] = []
            for key in map.keys.sorted() {
                guard let element = map[key] else { continue }
                if case .null = element { continue }
                parts.append(keyText(key) + " = " + (try inline(element)))
            }
            return "{" + parts.joined(separator: ", ") + "}"
        case .object(let object):
            guard let marshalled = object.marshalled else { return quote(object.formatted) }
            return try inline(marshalled)
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + GoFormat.hex(UInt64(scalar.value), digits: 4, uppercase: true)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: decoding

    /// A TOML document as a map: integers are int64, floats float64, tables maps, arrays lists.
    static func decode(_ text: String) throws(CodecError) -> [String: Value] {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        return try parser.document()
    }

    struct Parser {
        var scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var root: [String: Value] = [:]
        var current: [String] = []
        var lastKey = ""

        /// BurntSushi's `ParseError` text, with the last key read when there is one.
        func error(_ message: String) -> CodecError {
            if lastKey.isEmpty { return CodecError(message: "toml: line \(line): \(message)") }
            return CodecError(
                message: "toml: line \(line) (last key \(GoFormat.quote(lastKey))): \(message)")
        }

        var atEnd: Bool { index >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

        mutating func skipBlank() {
            while let scalar = peek, scalar == " " || scalar == "\t" { index += 1 }
        }

        mutating func skipComment() {
            if peek == "#" {
                while let scalar = peek, scalar != "\n" { index += 1 }
            }
        }

        mutating func endOfLine() throws(CodecError) {
            skipBlank()
            skipComment()
            if atEnd { return }
            if peek == "\r" { index += 1 }
            guard peek == "\n" else { throw error("expected a newline") }
            index += 1
            line += 1
        }

        mutating func document() throws(CodecError) -> [String: Value] {
            while !atEnd {
                skipBlank()
                skipComment()
                guard let scalar = peek else { break }
                if scalar == "\n" || scalar == "\r" {
                    if scalar == "\n" { line += 1 }
                    index += 1
                    continue
                }
                if scalar == "[" {
                    index += 1
                    let array = peek == "["
                    if array { index += 1 }
                    skipBlank()
                    let key = try keyPath()
                    skipBlank()
                    guard peek == "]" else { throw error("expected ']'") }
                    index += 1
                    if array {
                        guard peek == "]" else { throw error("expected ']]'") }
                        index += 1
                    }
                    try openTable(key, array: array)
                    try endOfLine()
                    continue
                }
                let key = try keyPath()
                lastKey = (current + key).joined(separator: ".")
                skipBlank()
                guard peek == "=" else { throw error("expected '=' after a key") }
                index += 1
                skipBlank()
                let value = try self.value()
                try assign(current, key, value)
                try endOfLine()
            }
            return root
        }

        mutating func keyPath() throws(CodecError) -> [String] {
            var parts: [String] = []
            while true {
                skipBlank()
                if peek == "\"" {
                    parts.append(try basicString())
                } else if peek == "'" {
                    parts.append(try literalString())
                } else {
                    var name = ""
                    while let scalar = peek,
                        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                            || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
                    {
                        name.unicodeScalars.append(scalar)
                        index += 1
                    }
                    guard !name.isEmpty else {
                        if peek == "=" { throw error("unexpected '=': key name appears blank") }
                        throw error("expected a key")
                    }
                    parts.append(name)
                }
                skipBlank()
                guard peek == "." else { return parts }
                index += 1
            }
        }

        mutating func openTable(_ key: [String], array: Bool) throws(CodecError) {
            current = key
            root = try Self.update(root, key, line: line) { existing throws(CodecError) in
                if array {
                    if case .list(var list)? = existing {
                        list.append(.map([:]))
                        return .list(list)
                    }
                    if existing != nil {
                        throw CodecError(
                            message: "toml: key \(key.joined(separator: ".")) is already defined")
                    }
                    return .list([.map([:])])
                }
                if case .map? = existing { return existing ?? .map([:]) }
                if existing != nil {
                    throw CodecError(
                        message: "toml: key \(key.joined(separator: ".")) is already defined")
                }
                return .map([:])
            }
        }

        mutating func assign(_ table: [String], _ key: [String], _ value: Value) throws(CodecError)
        {
            root = try Self.update(root, table + key, line: line) { existing throws(CodecError) in
                if existing != nil {
                    throw error("Key '\(key.joined(separator: "."))' has already been defined.")
                }
                return value
            }
        }

        /// Applies `change` at `path`, descending into the last element of arrays of tables.
        static func update(
            _ map: [String: Value], _ path: [String], line: Int,
            _ change: (Value?) throws(CodecError) -> Value
        ) throws(CodecError) -> [String: Value] {
            var map = map
            guard let first = path.first else { return map }
            if path.count == 1 {
                map[first] = try change(map[first])
                return map
            }
            switch map[first] {
            case .map(let inner)?:
                map[first] = .map(try update(inner, Array(path.dropFirst()), line: line, change))
            case .list(var list)?:
                guard case .map(let inner)? = list.last else {
                    throw CodecError(message: "toml: line \(line): key \(first) is not a table")
                }
                list[list.count - 1] = .map(
                    try update(inner, Array(path.dropFirst()), line: line, change))
                map[first] = .list(list)
            case nil:
                map[first] = .map(try update([:], Array(path.dropFirst()), line: line, change))
            default:
                throw CodecError(message: "toml: line \(line): key \(first) is not a table")
            }
            return map
        }

        mutating func value() throws(CodecError) -> Value {
            guard let scalar = peek else { throw error("expected a value") }
            switch scalar {
            case "\"": return .string(try basicString())
            case "'": return .string(try literalString())
            case "[":
                index += 1
                var list: [Value] = []
                while true {
                    skipSpaceAndNewlines()
                    if peek == "]" {
                        index += 1
                        return .list(list)
                    }
                    list.append(try value())
                    skipSpaceAndNewlines()
                    if peek == "," {
                        index += 1
                        continue
                    }
                    guard peek == "]" else { throw error("expected ',' or ']' in an array") }
                    index += 1
                    return .list(list)
                }
            case "{":
                index += 1
                var table: [String: Value] = [:]
                skipBlank()
                if peek == "}" {
                    index += 1
                    return .map(table)
                }
                while true {
                    let key = try keyPath()
                    skipBlank()
                    guard peek == "=" else { throw error("expected '=' in an inline table") }
                    index += 1
                    skipBlank()
                    let element = try value()
                    table = try Self.update(table, key, line: line) { _ in element }
                    skipBlank()
                    if peek == "," {
                        index += 1
                        skipBlank()
                        continue
                    }
                    guard peek == "}" else { throw error("expected ',' or '}' in an inline table") }
                    index += 1
                    return .map(table)
                }
            default:
                var word = ""
                while let next = peek, !" \t\r\n,]}#".unicodeScalars.contains(next) {
                    word.unicodeScalars.append(next)
                    index += 1
                }
                return try bare(word)
            }
        }

        mutating func skipSpaceAndNewlines() {
            while let scalar = peek {
                if scalar == " " || scalar == "\t" || scalar == "\r" {
                    index += 1
                } else if scalar == "\n" {
                    line += 1
                    index += 1
                } else if scalar == "#" {
                    skipComment()
                } else {
                    return
                }
            }
        }

        func bare(_ word: String) throws(CodecError) -> Value {
            switch word {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "inf", "+inf": return .float(.infinity)
            case "-inf": return .float(-Double.infinity)
            case "nan", "+nan", "-nan": return .float(.nan)
            default: break
            }
            let plain = word.replacingOccurrences(of: "_", with: "")
            if let int = Int64(plain) { return .int64(int) }
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where plain.hasPrefix(prefix)
            {
                if let int = Int64(plain.dropFirst(2), radix: radix) { return .int64(int) }
            }
            if plain.range(
                of: #"^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"#, options: .regularExpression)
                != nil,
                let double = Double(plain)
            {
                return .float(double)
            }
            if word.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}"#, options: .regularExpression) != nil
                || word.range(of: #"^[0-9]{2}:[0-9]{2}:[0-9]{2}"#, options: .regularExpression)
                    != nil
            {
                return .string(word)
            }
            throw error("invalid value \(GoFormat.quote(word))")
        }

        mutating func basicString() throws(CodecError) -> String {
            let multiline = openQuote("\"")
            var out = String.UnicodeScalarView()
            while true {
                guard let scalar = peek else { throw error("unexpected EOF; expected '\"'") }
                if try closeQuote("\"", multiline) { return String(out) }
                index += 1
                guard scalar == "\\" else {
                    out.append(scalar)
                    continue
                }
                guard let escape = peek else { throw error("unterminated string") }
                index += 1
                switch escape {
                case "b": out.append("\u{08}")
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "f": out.append("\u{0C}")
                case "r": out.append("\r")
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "u", "U":
                    let count = escape == "u" ? 4 : 8
                    guard index + count <= scalars.count,
                        let code = UInt32(
                            String(String.UnicodeScalarView(scalars[index..<index + count])),
                            radix: 16),
                        let decoded = Unicode.Scalar(code)
                    else { throw error("invalid escape in a string") }
                    out.append(decoded)
                    index += count
                case "\n", " ", "\t", "\r":
                    guard multiline else { throw error("invalid escape in a string") }
                    if escape == "\n" { line += 1 }
                    while let next = peek,
                        next == " " || next == "\t" || next == "\n" || next == "\r"
                    {
                        if next == "\n" { line += 1 }
                        index += 1
                    }
                default:
                    throw error("invalid escape in a string: '\\\(escape)'")
                }
            }
        }

        /// Steps over an opening quote (or three) and the newline after three.
        mutating func openQuote(_ quote: Unicode.Scalar) -> Bool {
            let multiline =
                index + 2 < scalars.count && scalars[index + 1] == quote
                && scalars[index + 2] == quote
            index += multiline ? 3 : 1
            if multiline && peek == "\n" {
                index += 1
                line += 1
            }
            return multiline
        }

        /// Whether the string ends here (stepping over the closing quotes); counts newlines.
        mutating func closeQuote(_ quote: Unicode.Scalar, _ multiline: Bool) throws(CodecError)
            -> Bool
        {
            guard let scalar = peek else { throw error("unexpected EOF; expected '\"'") }
            if scalar == quote {
                if !multiline {
                    index += 1
                    return true
                }
                if index + 2 < scalars.count && scalars[index + 1] == quote
                    && scalars[index + 2] == quote
                {
                    index += 3
                    return true
                }
            }
            if scalar == "\n" {
                guard multiline else { throw error("newline in a string") }
                line += 1
            }
            return false
        }

        mutating func literalString() throws(CodecError) -> String {
            let multiline = openQuote("'")
            var out = String.UnicodeScalarView()
            while true {
                guard let scalar = peek else { throw error("unexpected EOF; expected '\"'") }
                if try closeQuote("'", multiline) { return String(out) }
                out.append(scalar)
                index += 1
            }
        }
    }
}
