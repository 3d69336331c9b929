/// The patterns of a `.shipmlignore` file, read as git reads a `.gitignore` at the top of a
/// work tree.
///
/// Blank lines and lines that start with `#` are skipped; trailing spaces are dropped unless
/// escaped with a backslash. `!` in front re-includes what an earlier pattern excluded (but not
/// inside an excluded directory, which is never walked). A trailing `/` matches directories
/// only. A pattern with a `/` at its start or in its middle is relative to the model directory;
/// one without matches a name at any depth. `*` matches anything but `/`, `?` one character but
/// `/`, `[a-z]` and `[!a-z]` a character class, and a backslash escapes the next character.
/// `**/` at the start matches in every directory, `/**` at the end everything inside, and `/**/`
/// zero or more directories. Matching is case-sensitive; the last pattern that matches decides.
public struct IgnoreRules: Sendable {
    /// The file name both the Builder and the Validator read at the top of a model directory.
    public static let fileName = ".shipmlignore"

    private var patterns: [IgnorePattern]

    public init(text: String = "") {
        // Split the scalars, not the characters: "\r\n" is one `Character`.
        patterns = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .compactMap { IgnorePattern(line: Array($0)) }
    }

    /// Whether the entry at `path` (relative, `/`-separated) is ignored.
    public func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        let components = path.unicodeScalars.split(separator: "/").map { Array($0) }
        var ignored = false
        for pattern in patterns where pattern.matches(components[...], isDirectory: isDirectory) {
            ignored = !pattern.negated
        }
        return ignored
    }
}

/// One line of a `.shipmlignore` file.
private struct IgnorePattern: Sendable {
    /// One `/`-separated part of a pattern.
    enum Component: Sendable {
        /// `**`: zero or more path components.
        case anyDepth
        case glob([GlobToken])
    }

    enum GlobToken: Sendable, Equatable {
        case literal(Unicode.Scalar)
        /// `?`
        case anyCharacter
        /// `*`
        case anyRun
        /// `[...]`: inclusive scalar ranges, negated with `[!...]` or `[^...]`.
        case characterClass([ClosedRange<Unicode.Scalar>], negated: Bool)
    }

    var components: [Component]
    var negated: Bool
    var directoryOnly: Bool

    init?(line: [Unicode.Scalar]) {
        var scalars = line
        if scalars.last == "\r" { scalars.removeLast() }
        if scalars.first == "#" { return nil }
        while scalars.last == " " {
            if scalars.count >= 2 && scalars[scalars.count - 2] == "\\" { break }
            scalars.removeLast()
        }
        negated = scalars.first == "!"
        if negated { scalars.removeFirst() }
        directoryOnly = scalars.last == "/"
        if directoryOnly { scalars.removeLast() }
        // A `/` at the start or in the middle anchors the pattern at the model directory.
        let anchored = scalars.contains("/")
        if scalars.first == "/" { scalars.removeFirst() }
        let parts = scalars.split(separator: "/").map { part -> Component in
            part.elementsEqual(["*", "*"]) ? .anyDepth : .glob(Self.tokens(part))
        }
        guard !parts.isEmpty else { return nil }
        components = anchored ? parts : [.anyDepth] + parts
    }

    func matches(_ path: ArraySlice<[Unicode.Scalar]>, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        return Self.match(components[...], path)
    }

    private static func match(
        _ pattern: ArraySlice<Component>, _ path: ArraySlice<[Unicode.Scalar]>
    ) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        switch first {
        case .anyDepth:
            let rest = pattern.dropFirst()
            // A trailing `/**` matches what is inside, not the directory itself.
            if rest.isEmpty { return !path.isEmpty }
            return (path.startIndex...path.endIndex).contains { match(rest, path[$0...]) }
        case .glob(let tokens):
            guard let name = path.first, matchGlob(tokens[...], name[...]) else { return false }
            return match(pattern.dropFirst(), path.dropFirst())
        }
    }

    private static func matchGlob(
        _ tokens: ArraySlice<GlobToken>, _ name: ArraySlice<Unicode.Scalar>
    ) -> Bool {
        guard let token = tokens.first else { return name.isEmpty }
        if token == .anyRun {
            let rest = tokens.dropFirst()
            return (name.startIndex...name.endIndex).contains { matchGlob(rest, name[$0...]) }
        }
        guard let scalar = name.first else { return false }
        let matched: Bool
        switch token {
        case .literal(let literal): matched = scalar == literal
        case .anyCharacter, .anyRun: matched = true
        case .characterClass(let ranges, let negated):
            matched = ranges.contains { $0.contains(scalar) } != negated
        }
        return matched && matchGlob(tokens.dropFirst(), name.dropFirst())
    }

    /// The tokens of one component; `[` without a closing `]` is a literal.
    private static func tokens(_ part: ArraySlice<Unicode.Scalar>) -> [GlobToken] {
        var tokens: [GlobToken] = []
        var index = part.startIndex
        while index < part.endIndex {
            let scalar = part[index]
            index += 1
            switch scalar {
            case "*": tokens.append(.anyRun)
            case "?": tokens.append(.anyCharacter)
            case "\\" where index < part.endIndex:
                tokens.append(.literal(part[index]))
                index += 1
            case "[":
                if let (token, end) = characterClass(part, from: index) {
                    tokens.append(token)
                    index = end
                } else {
                    tokens.append(.literal("["))
                }
            default: tokens.append(.literal(scalar))
            }
        }
        return tokens
    }

    /// The class that starts after a `[` at `start`, and the index after its `]`.
    private static func characterClass(
        _ part: ArraySlice<Unicode.Scalar>, from start: Int
    ) -> (GlobToken, Int)? {
        var index = start
        let negated = index < part.endIndex && (part[index] == "!" || part[index] == "^")
        if negated { index += 1 }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while index < part.endIndex {
            var scalar = part[index]
            if scalar == "]" && !first {
                return (.characterClass(ranges, negated: negated), index + 1)
            }
            first = false
            if scalar == "\\" && index + 1 < part.endIndex {
                index += 1
                scalar = part[index]
            }
            index += 1
            if index + 1 < part.endIndex && part[index] == "-" && part[index + 1] != "]" {
                let upper = part[index + 1]
                if scalar <= upper { ranges.append(scalar...upper) }
                index += 2
            } else {
                ranges.append(scalar...scalar)
            }
        }
        return nil
    }
}
