import Foundation

/// A Go struct (or pointer to one) as a template sees it: fields and methods by name.
struct GoStruct: GoObject {
    var goTypeName: String
    var goKind: String { goTypeName.hasPrefix("*") ? "ptr" : "struct" }
    var fields: [String: Value]
    var methods: [String: Function] = [:]
    var text: String
    var json: Value?

    func member(_ name: String) -> GoMember {
        if let field = fields[name] { return .field(field) }
        if let method = methods[name] { return .method(method) }
        return .missing
    }

    var formatted: String { text }
    var marshalled: Value? { json }
}

/// `.Files`: the chart's non-template files (`engine.files`, a `map[string][]byte`).
struct HelmFiles: GoObject {
    var files: [String: Data]
    /// `toYaml` for `AsConfig`/`AsSecrets`.
    var toYAML: @Sendable (Value) -> String

    var goTypeName: String { "engine.files" }
    var goKind: String { "map" }
    var formatted: String {
        "map["
            + files.keys.sorted().map { "\($0):\(GoBytes(Array(files[$0] ?? Data())).formatted)" }
            .joined(separator: " ") + "]"
    }
    var isTruthy: Bool { !files.isEmpty }
    var marshalled: Value? {
        .map(files.mapValues { .string($0.base64EncodedString()) })
    }
    /// `range $path, $bytes := .Files.Glob "x/*"`: a map of paths to `[]byte`.
    var mapEntries: [String: Value]? {
        files.mapValues { .object(GoBytes(Array($0))) }
    }

    func member(_ name: String) -> GoMember {
        let files = self.files
        let toYAML = self.toYAML
        switch name {
        case "Get":
            return .method(
                Function([.string]) { arguments, _ in
                    guard case .string(let path) = arguments.first,
                        let data = files[path]
                    else { return .string("") }
                    return .string(String(decoding: data, as: UTF8.self))
                })
        case "GetBytes":
            return .method(
                Function([.string]) { arguments, _ in
                    guard case .string(let path) = arguments.first, let data = files[path] else {
                        return .object(GoBytes([]))
                    }
                    return .object(GoBytes(Array(data)))
                })
        case "Glob":
            return .method(
                Function([.string]) { arguments, _ in
                    guard case .string(let pattern) = arguments.first else {
                        return .object(HelmFiles(files: [:], toYAML: toYAML))
                    }
                    let matcher = GlobPattern(pattern)
                    return .object(
                        HelmFiles(files: files.filter { matcher.matches($0.key) }, toYAML: toYAML))
                })
        case "Lines":
            return .method(
                Function([.string]) { arguments, _ in
                    guard case .string(let path) = arguments.first, let data = files[path] else {
                        return .object(GoStringSlice([]))
                    }
                    var text = String(decoding: data, as: UTF8.self)
                    if text.hasSuffix("\n") { text.removeLast() }
                    return .object(
                        GoStringSlice(
                            text.split(separator: "\n", omittingEmptySubsequences: false)
                                .map(String.init)))
                })
        case "AsConfig":
            return .method(
                Function([]) { _, _ in
                    if files.isEmpty { return .string("") }
                    var map: [String: Value] = [:]
                    for (name, data) in files {
                        map[lastComponent(name)] = .string(String(decoding: data, as: UTF8.self))
                    }
                    return .string(toYAML(.map(map)))
                })
        case "AsSecrets":
            return .method(
                Function([]) { _, _ in
                    if files.isEmpty { return .string("") }
                    var map: [String: Value] = [:]
                    for (name, data) in files {
                        map[lastComponent(name)] = .string(data.base64EncodedString())
                    }
                    return .string(toYAML(.map(map)))
                })
        default:
            return .missing
        }
    }
}

func lastComponent(_ path: String) -> String {
    String(path.split(separator: "/").last ?? Substring(path))
}

/// A glob as gobwas/glob compiles it with `/` as separator (`.Files.Glob`): `*` within a path
/// part, `**` across parts, `?` one character, `[...]` classes, `{a,b}` alternatives. With
/// `filepathMatch`, Go's `filepath.Match` instead (`--show-only`): no `**`, no braces.
struct GlobPattern: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable once made and safe to share.
    let regex: NSRegularExpression?

    init(_ pattern: String, filepathMatch: Bool = false) {
        var out = "^"
        var inClass = false
        var braceDepth = 0
        var characters = Array(pattern)[...]
        let any = "[^/]"
        while let character = characters.popFirst() {
            if inClass {
                if character == "]" { inClass = false }
                out += character == "!" && out.hasSuffix("[") ? "^" : String(character)
                continue
            }
            switch character {
            case "*":
                if characters.first == "*" && !filepathMatch {
                    characters = characters.dropFirst()
                    out += ".*"
                } else {
                    out += any + "*"
                }
            case "?": out += any
            case "[":
                inClass = true
                out += "["
            case "{" where !filepathMatch:
                braceDepth += 1
                out += "(?:"
            case "}" where braceDepth > 0:
                braceDepth -= 1
                out += ")"
            case "," where braceDepth > 0: out += "|"
            case "\\":
                if let next = characters.popFirst() {
                    out += NSRegularExpression.escapedPattern(for: String(next))
                }
            default:
                out += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        regex = try? NSRegularExpression(pattern: out + "$", options: [.dotMatchesLineSeparators])
    }

    func matches(_ text: String) -> Bool {
        guard let regex else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, range: range) != nil
    }
}
