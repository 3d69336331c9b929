import Foundation

/// A Masterminds/semver v3 `*semver.Version`.
public struct SemverVersion: GoObject, Equatable {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    public var prerelease: String
    public var metadata: String
    public var original: String

    public var goTypeName: String { "*semver.Version" }
    public var goKind: String { "ptr" }

    /// `Version.String()`: the canonical form without a `v`.
    public var formatted: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease }
        if !metadata.isEmpty { text += "+" + metadata }
        return text
    }

    public var marshalled: Value? { .string(formatted) }

    public func member(_ name: String) -> GoMember {
        let this = self
        func method(_ value: Value) -> GoMember { .method(.pure([]) { _ in value }) }
        switch name {
        case "Major": return method(.int64(Int64(truncatingIfNeeded: major)))
        case "Minor": return method(.int64(Int64(truncatingIfNeeded: minor)))
        case "Patch": return method(.int64(Int64(truncatingIfNeeded: patch)))
        case "Prerelease": return method(.string(prerelease))
        case "Metadata": return method(.string(metadata))
        case "Original": return method(.string(original))
        case "String": return method(.string(formatted))
        case "Compare", "LessThan", "GreaterThan", "Equal":
            return .method(
                .pure([.named("*semver.Version")]) { arguments in
                    guard case .object(let other as SemverVersion) = arguments.value(0) else {
                        return .bool(false)
                    }
                    let order = this.compare(other)
                    switch name {
                    case "Compare": return .int(order)
                    case "LessThan": return .bool(order < 0)
                    case "GreaterThan": return .bool(order > 0)
                    default: return .bool(order == 0)
                    }
                })
        default: return .missing
        }
    }

    /// `semver.NewVersion`: an optional `v`, one to three numbers, a pre-release and metadata.
    public init(parsing text: String) throws(FunctionError) {
        original = text
        var body = Substring(text)
        if body.hasPrefix("v") { body = body.dropFirst() }
        var metadata = ""
        if let plus = body.firstIndex(of: "+") {
            metadata = String(body[body.index(after: plus)...])
            body = body[..<plus]
            let valid =
                !metadata.isEmpty
                && metadata.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
                    !$0.isEmpty
                        && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                }
            guard valid else { throw FunctionError("invalid metadata string") }
        }
        var prerelease = ""
        if let dash = body.firstIndex(of: "-") {
            prerelease = String(body[body.index(after: dash)...])
            body = body[..<dash]
            let identifiers = prerelease.split(separator: ".", omittingEmptySubsequences: false)
            for identifier in identifiers {
                guard !identifier.isEmpty,
                    identifier.allSatisfy({
                        $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-")
                    })
                else { throw FunctionError("invalid prerelease string") }
                if identifier.allSatisfy({ $0.isNumber }) && identifier.count > 1
                    && identifier.hasPrefix("0")
                {
                    throw FunctionError("version segment starts with 0")
                }
            }
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { throw FunctionError("invalid semantic version") }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = UInt64(part) else {
                throw FunctionError(
                    "Error parsing version segment: strconv.ParseUint: parsing \(GoFormat.quote(String(part))): value out of range"
                )
            }
            numbers.append(number)
        }
        while numbers.count < 3 { numbers.append(0) }
        major = numbers[0]
        minor = numbers[1]
        patch = numbers[2]
        self.prerelease = prerelease
        self.metadata = metadata
    }

    /// `Version.Compare`: -1, 0 or 1; metadata does not count.
    public func compare(_ other: SemverVersion) -> Int {
        for (a, b) in [(major, other.major), (minor, other.minor), (patch, other.patch)]
        where a != b {
            return a < b ? -1 : 1
        }
        if prerelease == other.prerelease { return 0 }
        if prerelease.isEmpty { return 1 }
        if other.prerelease.isEmpty { return -1 }
        let left = prerelease.split(separator: ".")
        let right = other.prerelease.split(separator: ".")
        for (a, b) in zip(left, right) where a != b {
            let aNumber = UInt64(a)
            let bNumber = UInt64(b)
            switch (aNumber, bNumber) {
            case (let x?, let y?): return x < y ? -1 : 1
            case (.some, nil): return -1
            case (nil, .some): return 1
            default: return a < b ? -1 : 1
            }
        }
        if left.count == right.count { return 0 }
        return left.count < right.count ? -1 : 1
    }
}

/// Masterminds/semver v3 constraints (`^`, `~`, comparisons, wildcards, hyphen ranges, `||`).
struct SemverConstraints {
    struct Constraint {
        var operation: String
        var version: SemverVersion
        var dirty: Bool
        var minorDirty: Bool
        var patchDirty: Bool
    }

    var groups: [[Constraint]]

    init(_ text: String) throws(FunctionError) {
        let rewritten = text.replacingOccurrences(
            of:
                #"\s*([vV]?[0-9xX*]+(?:\.[0-9xX*]+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s+-\s+([vV]?[0-9xX*]+(?:\.[0-9xX*]+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s*"#,
            with: ">= $1, <= $2", options: .regularExpression)
        var groups: [[Constraint]] = []
        for segment in rewritten.components(separatedBy: "||") {
            let item =
                #"(=|!=|>|<|>=|=>|<=|=<|~|~>|\^)?\s*[vV]?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?"#
            let whole = "^\\s*" + item + "(\\s*,?\\s*" + item + ")*\\s*$"
            guard segment.range(of: whole, options: .regularExpression) != nil else {
                throw FunctionError("improper constraint: \(GoFormat.quote(segment))")
            }
            var constraints: [Constraint] = []
            let expression = try? NSRegularExpressionBox(item)
            for piece in expression?.matches(segment) ?? [] {
                constraints.append(try Self.parse(piece))
            }
            groups.append(constraints)
        }
        self.groups = groups
    }

    static func parse(_ piece: [String?]) throws(FunctionError) -> Constraint {
        let operation = piece[1] ?? ""
        func isX(_ text: String?) -> Bool { ["x", "X", "*"].contains(text ?? "") }
        let major = piece[2] ?? ""
        let minor = piece[3].map { String($0.dropFirst()) }
        let patch = piece[4].map { String($0.dropFirst()) }
        let suffix = (piece[5] ?? "") + (piece[6] ?? "")
        var dirty = false
        var minorDirty = false
        var patchDirty = false
        var text: String
        if isX(major) {
            text = "0.0.0" + suffix
            dirty = true
        } else if minor == nil || isX(minor) {
            text = major + ".0.0" + suffix
            dirty = true
            minorDirty = true
        } else if patch == nil || isX(patch) {
            text = major + "." + (minor ?? "0") + ".0" + suffix
            dirty = true
            patchDirty = true
        } else {
            text = major + "." + (minor ?? "0") + "." + (patch ?? "0") + suffix
        }
        let version = try SemverVersion(parsing: text)
        return Constraint(
            operation: operation, version: version, dirty: dirty, minorDirty: minorDirty,
            patchDirty: patchDirty)
    }

    func check(_ version: SemverVersion) -> Bool {
        groups.contains { group in group.allSatisfy { Self.check(version, $0) } }
    }

    static func check(_ v: SemverVersion, _ c: Constraint) -> Bool {
        let con = c.version
        let prereleaseBlocked = !v.prerelease.isEmpty && con.prerelease.isEmpty
        switch c.operation {
        case "", "=":
            if c.dirty { return tilde(v, c, prereleaseBlocked) }
            return v.compare(con) == 0
        case "!=":
            if !c.dirty { return v.compare(con) != 0 }
            if prereleaseBlocked { return false }
            if con.major != v.major { return true }
            if con.minor != v.minor && !c.minorDirty { return true }
            if c.minorDirty { return false }
            if con.patch != v.patch && !c.patchDirty { return true }
            return false
        case ">":
            if prereleaseBlocked { return false }
            if !c.dirty { return v.compare(con) > 0 }
            if v.major > con.major { return true }
            if v.major < con.major || c.minorDirty { return false }
            if c.patchDirty { return v.minor > con.minor }
            return v.compare(con) > 0
        case "<":
            if prereleaseBlocked { return false }
            return v.compare(con) < 0
        case ">=", "=>":
            if prereleaseBlocked { return false }
            return v.compare(con) >= 0
        case "<=", "=<":
            if prereleaseBlocked { return false }
            if !c.dirty { return v.compare(con) <= 0 }
            if v.major > con.major { return false }
            if v.major == con.major && v.minor > con.minor && !c.minorDirty { return false }
            return true
        case "~", "~>":
            return tilde(v, c, prereleaseBlocked)
        case "^":
            if prereleaseBlocked || v.compare(con) < 0 { return false }
            if con.major > 0 || c.minorDirty { return v.major == con.major }
            if v.major > 0 { return false }
            if con.minor > 0 || c.patchDirty { return v.minor == con.minor }
            if v.minor > 0 { return false }
            return v.patch == con.patch
        default:
            return false
        }
    }

    static func tilde(_ v: SemverVersion, _ c: Constraint, _ prereleaseBlocked: Bool) -> Bool {
        let con = c.version
        if prereleaseBlocked || v.compare(con) < 0 { return false }
        if con.major == 0 && con.minor == 0 && con.patch == 0 && !c.minorDirty && !c.patchDirty {
            return true
        }
        if v.major != con.major { return false }
        if v.minor != con.minor && !c.minorDirty { return false }
        return true
    }
}

/// Sprig's `semver` and `semverCompare`.
enum SprigSemver {
    static func functions() -> FunctionMap {
        var map: FunctionMap = [:]
        map["semver"] = .failing([.string]) { .object(try SemverVersion(parsing: $0.string(0))) }
        map["semverCompare"] = .failing([.string, .string]) { arguments in
            let constraints = try SemverConstraints(arguments.string(0))
            let version = try SemverVersion(parsing: arguments.string(1))
            return .bool(constraints.check(version))
        }
        return map
    }
}

/// All matches of a pattern in a text, each as its groups' texts.
struct NSRegularExpressionBox {
    let expression: NSRegularExpression

    init(_ pattern: String) throws {
        expression = try NSRegularExpression(pattern: pattern)
    }

    func matches(_ text: String) -> [[String?]] {
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) }
            }
        }
    }
}
