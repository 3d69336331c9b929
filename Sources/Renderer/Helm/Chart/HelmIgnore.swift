import Foundation

/// The rules of a chart's `.helmignore`, read and applied as Helm's `pkg/ignore` does, which is
/// not git's way: the rules are tried in order and the first that decides wins; a `!` rule
/// that does not match ignores the path (so `!keep.txt` alone ignores everything else); `**`
/// is refused; a rule without `/` matches the base name, one with `/` the whole path, with
/// Go's `filepath.Match`; a trailing `/` matches directories only. The default
/// `templates/.?*` comes after the file's rules.
struct HelmIgnore {
    struct Rule {
        var pattern: String
        var negate: Bool
        var mustDirectory: Bool
        /// Whether the rule matches the base name only (no `/` in it).
        var baseNameOnly: Bool
    }

    var rules: [Rule] = []

    /// Reads the rules of a `.helmignore` text.
    ///
    /// - Throws: ``HelmError`` with Helm's words for `**` and malformed patterns.
    init(text: String) throws(HelmError) {
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            try add(String(line))
        }
    }

    /// Adds Helm's default rule, `templates/.?*`.
    mutating func addDefaults() {
        try? add("templates/.?*")
    }

    mutating func add(_ line: String) throws(HelmError) {
        var rule = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if rule.isEmpty || rule.hasPrefix("#") { return }
        if rule.contains("**") { throw HelmError("double-star (**) syntax is not supported") }
        if GoPathMatch.match(rule, "abc") == nil { throw HelmError("syntax error in pattern") }
        let negate = rule.hasPrefix("!")
        if negate { rule.removeFirst() }
        let mustDirectory = rule.hasSuffix("/")
        if mustDirectory { rule.removeLast() }
        let baseNameOnly = !rule.contains("/")
        if rule.hasPrefix("/") { rule.removeFirst() }
        rules.append(
            Rule(
                pattern: rule, negate: negate, mustDirectory: mustDirectory,
                baseNameOnly: baseNameOnly))
    }

    /// Whether the entry at `path` (relative to the chart, `/`-separated) is left out.
    func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        if path.isEmpty || path == "." || path == "./" { return false }
        let baseName = String(path.split(separator: "/").last ?? Substring(path))
        for rule in rules {
            let matched =
                GoPathMatch.match(rule.pattern, rule.baseNameOnly ? baseName : path) ?? false
            if rule.negate {
                if rule.mustDirectory && !isDirectory { return true }
                if !matched { return true }
                continue
            }
            if rule.mustDirectory && !isDirectory { continue }
            if matched { return true }
        }
        return false
    }
}

/// Go's `path/filepath.Match` with `/` as the separator: `*` any run of non-`/` characters,
/// `?` one, `[...]` a class (`^` negates), `\` escapes. Nil for a malformed pattern.
enum GoPathMatch {
    static func match(_ pattern: String, _ name: String) -> Bool? {
        guard isValid(Array(pattern.unicodeScalars)[...]) else { return nil }
        return matches(Array(pattern.unicodeScalars)[...], Array(name.unicodeScalars)[...])
    }

    static func isValid(_ pattern: ArraySlice<Unicode.Scalar>) -> Bool {
        var rest = pattern
        while let first = rest.first {
            rest = rest.dropFirst()
            switch first {
            case "\\":
                guard rest.popFirst() != nil else { return false }
            case "[":
                guard let after = classEnd(rest) else { return false }
                rest = rest[after...]
            default:
                break
            }
        }
        return true
    }

    /// Where a class that starts after `[` ends (just after its `]`), nil when malformed.
    static func classEnd(_ body: ArraySlice<Unicode.Scalar>) -> Int? {
        var index = body.startIndex
        if index < body.endIndex, body[index] == "^" { index += 1 }
        var first = true
        while index < body.endIndex {
            if body[index] == "]" && !first { return index + 1 }
            first = false
            guard let (_, afterLow) = classChar(body, index) else { return nil }
            index = afterLow
            if index < body.endIndex, body[index] == "-" {
                guard let (_, afterHigh) = classChar(body, index + 1) else { return nil }
                index = afterHigh
            }
        }
        return nil
    }

    static func classChar(_ body: ArraySlice<Unicode.Scalar>, _ index: Int)
        -> (Unicode.Scalar, Int)?
    {
        guard index < body.endIndex else { return nil }
        let scalar = body[index]
        if scalar == "-" || scalar == "]" { return nil }
        if scalar == "\\" {
            guard index + 1 < body.endIndex else { return nil }
            return (body[index + 1], index + 2)
        }
        return (scalar, index + 1)
    }

    static func matches(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>)
        -> Bool
    {
        guard let first = pattern.first else { return name.isEmpty }
        switch first {
        case "*":
            let rest = pattern.dropFirst()
            var index = name.startIndex
            while true {
                if matches(rest, name[index...]) { return true }
                guard index < name.endIndex, name[index] != "/" else { return false }
                index += 1
            }
        case "?":
            guard let scalar = name.first, scalar != "/" else { return false }
            return matches(pattern.dropFirst(), name.dropFirst())
        case "[":
            guard let scalar = name.first, scalar != "/",
                let end = classEnd(pattern.dropFirst())
            else { return false }
            var index = pattern.startIndex + 1
            let negated = pattern[index] == "^"
            if negated { index += 1 }
            var found = false
            while index < end - 1 {
                guard let (low, afterLow) = classChar(pattern, index) else { return false }
                var high = low
                index = afterLow
                if index < end - 1, pattern[index] == "-",
                    let (upper, afterHigh) = classChar(pattern, index + 1)
                {
                    high = upper
                    index = afterHigh
                }
                if low <= scalar && scalar <= high { found = true }
            }
            guard found != negated else { return false }
            return matches(pattern[end...], name.dropFirst())
        case "\\":
            let escaped = pattern.dropFirst()
            guard let literal = escaped.first, name.first == literal else { return false }
            return matches(escaped.dropFirst(), name.dropFirst())
        default:
            guard name.first == first else { return false }
            return matches(pattern.dropFirst(), name.dropFirst())
        }
    }
}
