import Foundation

/// A version as Masterminds semver (v3) reads it, loosely: `1`, `1.2`, `v1.2.3`,
/// `1.2.3-rc.1+build`.
struct SemanticVersion: Comparable, Sendable {
    var major: Int
    var minor: Int
    var patch: Int
    var prerelease: String

    init?(_ text: String) {
        var body = Substring(text)
        if body.first == "v" || body.first == "V" { body = body.dropFirst() }
        if let plus = body.firstIndex(of: "+") { body = body[..<plus] }
        var pre = ""
        if let dash = body.firstIndex(of: "-") {
            pre = String(body[body.index(after: dash)...])
            body = body[..<dash]
            if pre.isEmpty { return nil }
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy(\.isASCII), let number = Int(part) else {
                return nil
            }
            numbers.append(number)
        }
        while numbers.count < 3 { numbers.append(0) }
        major = numbers[0]
        minor = numbers[1]
        patch = numbers[2]
        prerelease = pre
    }

    static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        if lhs.prerelease == rhs.prerelease { return false }
        if lhs.prerelease.isEmpty { return false }
        if rhs.prerelease.isEmpty { return true }
        return lhs.prerelease < rhs.prerelease
    }

    /// Whether `version` satisfies `constraint` (`1.2.3`, `^1.2`, `~1.2.0`, `>= 1.0, < 2`,
    /// `1.x`, `*`, alternatives joined by `||`). A constraint that cannot be read matches
    /// nothing, as Helm's `IsCompatibleRange`.
    static func satisfies(_ version: String, constraint: String) -> Bool {
        guard let version = SemanticVersion(version) else { return false }
        let alternatives = constraint.components(separatedBy: "||")
        for alternative in alternatives {
            let terms = alternative.replacingOccurrences(of: ",", with: " ")
                .split(separator: " ").map(String.init)
            var joined: [String] = []
            for term in terms {
                if ["=", "!=", ">", "<", ">=", "<=", "~", "^"].contains(term) {
                    joined.append(term)
                } else if let last = joined.last,
                    ["=", "!=", ">", "<", ">=", "<=", "~", "^"].contains(last)
                {
                    joined[joined.count - 1] = last + term
                } else {
                    joined.append(term)
                }
            }
            if joined.isEmpty { continue }
            var all = true
            for term in joined {
                guard let result = check(version, term) else { return false }
                if !result { all = false }
            }
            if all { return true }
        }
        return false
    }

    private static func check(_ version: SemanticVersion, _ term: String) -> Bool? {
        var op = ""
        var rest = Substring(term)
        for candidate in [">=", "<=", "!=", "=>", "=<", ">", "<", "=", "~>", "~", "^"]
        where rest.hasPrefix(candidate) {
            op = candidate
            rest = rest.dropFirst(candidate.count)
            break
        }
        var text = String(rest).trimmingCharacters(in: .whitespaces)
        if text.first == "v" { text.removeFirst() }
        if text == "*" || text == "x" || text == "X" || text.isEmpty {
            return version.prerelease.isEmpty
        }
        let parts = text.split(separator: ".").map(String.init)
        let wild = parts.firstIndex { $0 == "x" || $0 == "X" || $0 == "*" } ?? parts.count
        let concrete = parts.prefix(wild).joined(separator: ".")
        guard let base = SemanticVersion(concrete) else { return nil }
        func upper(_ level: Int) -> SemanticVersion {
            var next = base
            next.prerelease = ""
            switch level {
            case 0:
                next.major += 1
                next.minor = 0
                next.patch = 0
            case 1:
                next.minor += 1
                next.patch = 0
            default: next.patch += 1
            }
            return next
        }
        if !version.prerelease.isEmpty && base.prerelease.isEmpty { return false }
        switch op {
        case "", "=":
            if wild < 3 { return version >= base && version < upper(wild - 1) }
            return version == base
        case "!=": return version != base
        case ">": return version > base
        case "<": return version < base
        case ">=", "=>": return version >= base
        case "<=", "=<": return version <= base
        case "~", "~>":
            return version >= base && version < upper(parts.count == 1 ? 0 : 1)
        case "^":
            if base.major > 0 || parts.count == 1 { return version >= base && version < upper(0) }
            if base.minor > 0 || parts.count == 2 { return version >= base && version < upper(1) }
            return version >= base && version < upper(2)
        default: return nil
        }
    }
}
