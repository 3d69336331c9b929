import Foundation

/// Go's `regexp` (RE2 syntax) for Sprig's regex functions, on top of ICU's engine: Go's named
/// groups, `$` meaning the end of the text, Go's rules for empty matches and for `$1`/`${name}`
/// in replacements.
struct GoRegex {
    let expression: NSRegularExpression
    /// Capture group names by index (1-based), as Go's `SubexpNames`.
    let names: [Int: String]
    /// The pattern as written.
    let source: String

    init(_ pattern: String) throws(FunctionError) {
        if let problem = GoRegex.syntaxProblem(pattern) {
            throw FunctionError("error parsing regexp: \(problem)")
        }
        do {
            let translated = GoRegex.translate(pattern)
            expression = try NSRegularExpression(pattern: translated.isEmpty ? "(?:)" : translated)
        } catch {
            throw FunctionError(
                "error parsing regexp: invalid or unsupported Perl syntax: `\(pattern)`")
        }
        names = GoRegex.groupNames(pattern)
        source = pattern
    }

    /// RE2 spellings ICU reads differently.
    static func translate(_ pattern: String) -> String {
        var out = ""
        var scalars = Array(pattern.unicodeScalars)[...]
        var inClass = false
        let multiline =
            pattern.contains("(?m")
            || pattern.range(of: #"\(\?[a-zA-Z]*m"#, options: .regularExpression) != nil
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            if scalar == "\\", let next = scalars.first {
                scalars = scalars.dropFirst()
                if next == "p" || next == "P", let name = scalars.first, name != "{" {
                    // RE2's one-letter class `\pL` is `\p{L}` to ICU.
                    scalars = scalars.dropFirst()
                    out += "\\" + String(next) + "{" + String(name) + "}"
                } else if next == "z" {
                    out += "\\z"
                } else {
                    out.unicodeScalars.append(scalar)
                    out.unicodeScalars.append(next)
                }
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "[":
                inClass = true
                out += "["
                if scalars.first == "^" {
                    out += "^"
                    scalars = scalars.dropFirst()
                }
                if scalars.first == "]" {
                    out += "\\]"
                    scalars = scalars.dropFirst()
                }
            case "(":
                if scalars.starts(with: "?P<".unicodeScalars) {
                    out += "(?<"
                    scalars = scalars.dropFirst(3)
                } else {
                    out += "("
                }
            case "$":
                out += multiline ? "$" : "(?!(?s:.))"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Go's error text for the mistakes templates make most.
    static func syntaxProblem(_ pattern: String) -> String? {
        var depth = 0
        var inClass = false
        var classStart = pattern.startIndex
        var index = pattern.startIndex
        var escaped = false
        while index < pattern.endIndex {
            let character = pattern[index]
            defer { index = pattern.index(after: index) }
            if escaped {
                escaped = false
                continue
            }
            if character == "\\" {
                escaped = true
                continue
            }
            if inClass {
                if character == "]" && pattern.index(after: classStart) != index
                    && !(pattern[pattern.index(after: classStart)] == "^"
                        && pattern.index(classStart, offsetBy: 2) == index)
                {
                    inClass = false
                }
                continue
            }
            switch character {
            case "[":
                inClass = true
                classStart = index
            case "(": depth += 1
            case ")":
                if depth == 0 { return "unexpected ): `\(pattern)`" }
                depth -= 1
            default: break
            }
        }
        if escaped { return "trailing backslash at end of expression: ``" }
        if inClass { return "missing closing ]: `\(pattern[classStart...])`" }
        if depth > 0 { return "missing closing ): `\(pattern)`" }
        for repeated in ["**", "++", "??", "*+", "+*", "*?*", "+?+"]
        where pattern.contains(repeated) {
            _ = repeated
        }
        if let first = pattern.first, "*+?".contains(first) {
            return "missing argument to repetition operator: `\(first)`"
        }
        return nil
    }

    static func groupNames(_ pattern: String) -> [Int: String] {
        var names: [Int: String] = [:]
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var group = 0
        var inClass = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                index += 2
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
                index += 1
                continue
            }
            if scalar == "[" {
                inClass = true
                index += 1
                if index < scalars.count && scalars[index] == "^" { index += 1 }
                if index < scalars.count && scalars[index] == "]" { index += 1 }
                continue
            }
            if scalar == "(" {
                let rest = String(String.UnicodeScalarView(scalars[(index + 1)...]))
                if rest.hasPrefix("?P<") || rest.hasPrefix("?<") {
                    group += 1
                    let start = rest.hasPrefix("?P<") ? 3 : 2
                    let name = rest.dropFirst(start).prefix { $0 != ">" }
                    names[group] = String(name)
                } else if !rest.hasPrefix("?") {
                    group += 1
                }
            }
            index += 1
        }
        return names
    }

    /// Matches as Go's `FindAll*Index` delivers them: an empty match right after the previous
    /// match is dropped. Each match is its groups' ranges in the string (nil when a group did
    /// not take part).
    func matches(_ text: String, limit: Int = -1) -> [[Range<String.Index>?]] {
        let nsText = text as NSString
        var result: [[Range<String.Index>?]] = []
        var previousEnd = -1
        for match in expression.matches(
            in: text, range: NSRange(location: 0, length: nsText.length))
        {
            if limit >= 0 && result.count >= limit { break }
            let whole = match.range
            let end = whole.location + whole.length
            let accept = !(whole.length == 0 && whole.location == previousEnd)
            previousEnd = end
            guard accept else { continue }
            result.append(
                (0..<match.numberOfRanges).map { group in
                    let range = match.range(at: group)
                    guard range.location != NSNotFound else { return nil }
                    return Range(range, in: text)
                })
        }
        return result
    }

    func firstMatch(_ text: String) -> Range<String.Index>? {
        matches(text, limit: 1).first?.first ?? nil
    }

    func replaceAll(_ text: String, _ replacement: String, literal: Bool) -> String {
        var out = ""
        var last = text.startIndex
        for groups in matches(text) {
            guard let whole = groups.first ?? nil else { continue }
            out += text[last..<whole.lowerBound]
            out += literal ? replacement : expand(replacement, text, groups)
            last = whole.upperBound
        }
        out += text[last...]
        return out
    }

    /// Go's `Regexp.Expand`.
    func expand(_ template: String, _ text: String, _ groups: [Range<String.Index>?]) -> String {
        var out = ""
        var rest = Substring(template)
        func group(_ number: Int) -> String {
            guard number < groups.count, let range = groups[number] else { return "" }
            return String(text[range])
        }
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                out += "$"
                rest = rest.dropFirst()
                continue
            }
            var body = rest
            let brace = body.first == "{"
            if brace { body = body.dropFirst() }
            let name = body.prefix { character in
                character.unicodeScalars.allSatisfy {
                    GoStrings.isLetter($0) || GoStrings.isDigit($0) || $0 == "_"
                }
            }
            if name.isEmpty {
                out += "$"
                continue
            }
            var after = body.dropFirst(name.count)
            if brace {
                guard after.first == "}" else {
                    out += "$"
                    continue
                }
                after = after.dropFirst()
            }
            rest = after
            var number = -1
            if name.allSatisfy({ $0.isASCII && $0.isNumber })
                && !(name.first == "0" && name.count > 1),
                name.count < 9
            {
                number = Int(name) ?? -1
            }
            if number >= 0 {
                out += group(number)
            } else if let index = names.sorted(by: { $0.key < $1.key }).first(where: {
                $0.value == String(name)
            })?.key {
                out += group(index)
            }
        }
        out += rest
        return out
    }

    /// Go's `Regexp.Split`.
    func split(_ text: String, _ limit: Int) -> [String] {
        if limit == 0 { return [] }
        if !source.isEmpty && text.isEmpty { return [""] }
        var parts: [String] = []
        var begin = text.startIndex
        var end = text.startIndex
        for groups in matches(text, limit: limit) {
            guard let whole = groups.first ?? nil else { continue }
            if limit > 0 && parts.count == limit - 1 { break }
            end = whole.lowerBound
            if whole.upperBound != text.startIndex { parts.append(String(text[begin..<end])) }
            begin = whole.upperBound
        }
        if end != text.endIndex { parts.append(String(text[begin...])) }
        return parts
    }

    /// Go's `regexp.QuoteMeta`.
    static func quoteMeta(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\.+*?()|[]{}^$".contains(character) { out += "\\" }
            out.append(character)
        }
        return out
    }
}

/// Sprig's regex functions (`regex.go`): `mustX` returns the compile error; `regexMatch`
/// swallows it (false); the other `X` panic as `regexp.MustCompile` does.
enum SprigRegex {
    static func functions() -> FunctionMap {
        var map: FunctionMap = [:]
        func both(
            _ name: String, _ parameters: [GoType],
            _ body: @escaping @Sendable (GoRegex, [Value]) -> Value
        ) {
            map[name] = .failing(parameters) { arguments in
                let pattern = arguments.string(0)
                do {
                    return body(try GoRegex(pattern), arguments)
                } catch {
                    let quoted =
                        GoFormat.canBackquote(pattern)
                        ? "`" + pattern + "`" : GoFormat.quote(pattern)
                    throw FunctionError(
                        "regexp: Compile(\(quoted)): \((error as? FunctionError)?.message ?? "\(error)")"
                    )
                }
            }
            let must = "must" + name.prefix(1).uppercased() + name.dropFirst()
            map[must] = .failing(parameters) { arguments in
                body(try GoRegex(arguments.string(0)), arguments)
            }
        }
        both("regexMatch", [.string, .string]) { regex, arguments in
            .bool(regex.firstMatch(arguments.string(1)) != nil)
        }
        map["regexMatch"] = .pure([.string, .string]) { arguments in
            guard let regex = try? GoRegex(arguments.string(0)) else { return .bool(false) }
            return .bool(regex.firstMatch(arguments.string(1)) != nil)
        }
        both("regexFindAll", [.string, .string, .int]) { regex, arguments in
            let text = arguments.string(1)
            let limit = arguments.int(2)
            let found = regex.matches(text, limit: limit < 0 ? -1 : limit)
            return .object(
                GoStringSlice(found.compactMap { $0.first ?? nil }.map { String(text[$0]) }))
        }
        both("regexFind", [.string, .string]) { regex, arguments in
            let text = arguments.string(1)
            guard let range = regex.firstMatch(text) else { return .string("") }
            return .string(String(text[range]))
        }
        both("regexReplaceAll", [.string, .string, .string]) { regex, arguments in
            .string(regex.replaceAll(arguments.string(1), arguments.string(2), literal: false))
        }
        both("regexReplaceAllLiteral", [.string, .string, .string]) { regex, arguments in
            .string(regex.replaceAll(arguments.string(1), arguments.string(2), literal: true))
        }
        both("regexSplit", [.string, .string, .int]) { regex, arguments in
            .object(GoStringSlice(regex.split(arguments.string(1), arguments.int(2))))
        }
        map["regexQuoteMeta"] = .pure([.string]) { .string(GoRegex.quoteMeta($0.string(0))) }
        return map
    }
}
